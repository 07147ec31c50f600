#!/usr/bin/env bash
# bench/run.sh - time adalint against ripgrep on a large tree of real code.
#
# 1. installs hyperfine and ripgrep from Debian if they are missing, and builds
#    target/release/adalint (skipped when ADALINT points at a binary);
# 2. builds, once, a corpus of real third-party code from pinned PyPI sdists and
#    npm tarballs (hashes in bench/corpus.sha256) under target/bench:
#      corpus-no-adal/  the third-party code only, no ADAL usage in it
#      corpus/          the same files (hard links) plus ADAL users: a copy of
#                       examples/ and a few real packages built on adal/adal-node
# 3. runs hyperfine on `adalint --exit-zero --quiet DIR` versus `rg -l adal DIR`
#    for both trees, prints the adalint/rg ratio, and prints adalint's
#    `summary.files_parsed` from `--format json` for both trees.
#
# Usage: bench/run.sh            (from any directory)
# Environment:
#   ADALINT=PATH   benchmark this binary instead of building target/release/adalint
#   BENCH_DIR=DIR  corpus, downloads and results (default: target/bench in the repo)
#   WARMUP=N       hyperfine --warmup (default 2)
#   MIN_RUNS=N     hyperfine --min-runs (default 10)
# See bench/README.md for how to read the results.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

BENCH_DIR=${BENCH_DIR:-target/bench}
WARMUP=${WARMUP:-2}
MIN_RUNS=${MIN_RUNS:-10}
SHA_FILE=bench/corpus.sha256

# Third-party code with no ADAL usage. Versions are pinned; the archives'
# sha256 sums are in bench/corpus.sha256.
PYPI_CLEAN=(Django==4.2.16 sympy==1.13.3 ansible-core==2.15.13 Twisted==21.2.0
  SQLAlchemy==1.4.23 networkx==2.5.1 twilio==6.63.2)
NPM_CLEAN=(webpack@5.52.0 lodash@4.17.21 @babel/core@7.15.5 rxjs@7.3.0
  core-js@3.17.3 moment@2.29.1 eslint@7.32.0 react-dom@17.0.2 date-fns@2.23.0)
# Real packages that use adal / adal-node; they go into corpus/ only.
PYPI_ADAL=(kubernetes==12.0.1 msrestazure==0.6.4.post1)
NPM_ADAL=(ms-rest-azure@3.0.2 @azure/ms-rest-nodeauth@3.1.1)

log() { printf '\n== %s\n' "$*"; }
die() { printf 'bench/run.sh: %s\n' "$*" >&2; exit 1; }

# --- 1. tools and binary ----------------------------------------------------

ensure_tools() {
  local missing=()
  command -v hyperfine >/dev/null || missing+=(hyperfine)
  command -v rg >/dev/null || missing+=(ripgrep)
  command -v npm >/dev/null || missing+=(npm)
  command -v python3 >/dev/null || missing+=(python3)
  python3 -m pip --version >/dev/null 2>&1 || missing+=(python3-pip)
  if ((${#missing[@]})); then
    log "installing ${missing[*]} (Debian packages)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

build_adalint() {
  if [[ -n ${ADALINT:-} ]]; then
    [[ -x $ADALINT ]] || die "ADALINT=$ADALINT is not an executable file"
    log "using ADALINT=$ADALINT (not building)"
  else
    log "cargo build --release"
    cargo build --release --quiet
    ADALINT=$ROOT/target/release/adalint
  fi
}

# --- 2. corpus ----------------------------------------------------------------

# unpack ARCHIVE DEST: DEST/<top-level dir of the archive>/...
unpack() {
  local archive=$1 dest=$2
  mkdir -p "$dest"
  case $archive in
    *.zip) python3 -m zipfile -e "$archive" "$dest" ;;
    *.tar.gz | *.tgz) tar -xzf "$archive" -C "$dest" --no-same-owner ;;
    *) die "don't know how to unpack $archive" ;;
  esac
}

# unpack_npm TARBALL DEST: npm tarballs all have one top dir (usually package/);
# put the contents in DEST/<tarball name without .tgz>/
unpack_npm() {
  local tarball=$1 dest=$2 name
  name=$(basename "$tarball" .tgz)
  mkdir -p "$dest/$name"
  tar -xzf "$tarball" -C "$dest/$name" --strip-components=1 --no-same-owner
}

download_archives() {
  local dl=$BENCH_DIR/downloads
  mkdir -p "$dl/pypi" "$dl/npm"
  if grep -v '^#' "$SHA_FILE" | (cd "$dl" && sha256sum --quiet --status -c - 2>/dev/null); then
    log "archives already downloaded and verified ($dl)"
    return
  fi
  # Drop archives that are there but damaged, so that they are fetched again.
  local sum path
  while read -r sum path; do
    if [[ -f $dl/$path ]] && ! (cd "$dl" && sha256sum --status -c - <<<"$sum  $path"); then
      echo "removing $dl/$path: sha256 mismatch"
      rm -f "$dl/$path"
    fi
  done < <(grep -v '^#' "$SHA_FILE")
  log "downloading sdists from PyPI (pip download --no-binary :all:)"
  python3 -m pip download --quiet --disable-pip-version-check --no-deps \
    --no-binary :all: --dest "$dl/pypi" "${PYPI_CLEAN[@]}" "${PYPI_ADAL[@]}"
  log "downloading tarballs from npm (npm pack)"
  (cd "$dl/npm" && npm pack --silent "${NPM_CLEAN[@]}" "${NPM_ADAL[@]}" >/dev/null)
  log "verifying sha256 of the archives"
  grep -v '^#' "$SHA_FILE" | (cd "$dl" && sha256sum --quiet -c -) ||
    die "an archive does not match $SHA_FILE"
}

# Archive file names, as pip and npm write them, for one list of specs.
# pip keeps the sdist's own file name, whose spelling of the project name
# varies (Django-, ansible_core-): compare names case- and -/_-insensitively.
pypi_archive() { # Name==version -> pypi/<file> as listed in corpus.sha256
  local want f base
  want=$(tr 'A-Z-' 'a-z_' <<<"${1%%==*}-${1##*==}")
  # shellcheck disable=SC2013 # paths in corpus.sha256 have no spaces
  for f in $(grep -v '^#' "$SHA_FILE" | awk '$2 ~ /^pypi\// {print $2}'); do
    base=${f#pypi/}
    base=${base%.tar.gz}
    base=${base%.zip}
    if [[ $(tr 'A-Z-' 'a-z_' <<<"$base") == "$want" ]]; then
      echo "$f"
      return
    fi
  done
}
npm_archive() { # @scope/name@version -> npm/scope-name-version.tgz
  local spec=${1#@} name version
  name=${spec%@*}
  version=${spec##*@}
  echo "npm/${name//\//-}-$version.tgz"
}

unpack_list() { # KIND DEST SPEC...
  local kind=$1 dest=$2 spec archive
  shift 2
  for spec in "$@"; do
    if [[ $kind == pypi ]]; then
      archive=$(pypi_archive "$spec")
      [[ -n $archive ]] || die "no entry for $spec in $SHA_FILE"
      unpack "$BENCH_DIR/downloads/$archive" "$dest/pypi"
    else
      archive=$(npm_archive "$spec")
      grep -q " $archive\$" "$SHA_FILE" || die "no entry for $archive in $SHA_FILE"
      unpack_npm "$BENCH_DIR/downloads/$archive" "$dest/npm"
    fi
  done
}

build_corpus() {
  local stamp_want stamp_file=$BENCH_DIR/corpus.stamp
  stamp_want=$(
    printf '%s\n' "${PYPI_CLEAN[@]}" "${NPM_CLEAN[@]}" -- "${PYPI_ADAL[@]}" "${NPM_ADAL[@]}"
    grep -v '^#' "$SHA_FILE"
  )
  if [[ -f $stamp_file && $(cat "$stamp_file") == "$stamp_want" &&
    -d $BENCH_DIR/corpus && -d $BENCH_DIR/corpus-no-adal ]]; then
    log "corpus is up to date ($BENCH_DIR/corpus, $BENCH_DIR/corpus-no-adal)"
  else
    download_archives
    log "unpacking the corpus"
    local tmp=$BENCH_DIR/corpus.tmp
    rm -rf "$tmp" "$stamp_file"
    mkdir -p "$tmp"
    unpack_list pypi "$tmp/no-adal" "${PYPI_CLEAN[@]}"
    unpack_list npm "$tmp/no-adal" "${NPM_CLEAN[@]}"
    # The ADAL tree shares the clean tree's files through hard links.
    cp -al "$tmp/no-adal" "$tmp/adal"
    unpack_list pypi "$tmp/adal/adal-users" "${PYPI_ADAL[@]}"
    unpack_list npm "$tmp/adal/adal-users" "${NPM_ADAL[@]}"
    rm -rf "$BENCH_DIR/corpus" "$BENCH_DIR/corpus-no-adal"
    mv "$tmp/no-adal" "$BENCH_DIR/corpus-no-adal"
    mv "$tmp/adal" "$BENCH_DIR/corpus"
    rmdir "$tmp"
    printf '%s\n' "$stamp_want" >"$stamp_file"
  fi
  # examples/ changes with the repository, so it is copied afresh every run.
  rm -rf "$BENCH_DIR/corpus/examples"
  cp -r examples "$BENCH_DIR/corpus/examples"
}

describe_corpus() { # DIR
  local dir=$1 src='*.{py,js,mjs,cjs}'
  echo "$dir"
  echo "  $(find "$dir" -type f | wc -l) files, $(du -sm --apparent-size "$dir" | cut -f1) MB;" \
    "$(find "$dir" -type f -name '*.py' | wc -l) .py," \
    "$(find "$dir" -type f \( -name '*.js' -o -name '*.mjs' -o -name '*.cjs' \) | wc -l) .js/.mjs/.cjs"
  echo "  files containing 'adal': $(rg -l adal "$dir" | wc -l) in all," \
    "$(rg -l adal -g "$src" "$dir" | wc -l) of them .py/.js," \
    "$(rg -l -w adal -g "$src" "$dir" | wc -l) .py/.js with 'adal' as a whole word"
}

# --- 3. measurements ------------------------------------------------------------

# files_parsed DIR: print adalint's summary.files_parsed for DIR, or n/a.
files_parsed() {
  local dir=$1 out
  out=$BENCH_DIR/adalint-$(basename "$1").json
  local status=0
  "$ADALINT" --format json --exit-zero "$dir" >"$out" 2>"$out.stderr" || status=$?
  if ((status != 0)); then
    echo "n/a (adalint exited $status, see $out.stderr)"
    return
  fi
  python3 - "$out" <<'EOF'
import json, sys
path = sys.argv[1]
try:
    with open(path) as f:
        summary = json.load(f)["summary"]
    print(summary["files_parsed"], "  (summary:", json.dumps(summary, sort_keys=True) + ")")
except (ValueError, KeyError, TypeError) as exc:
    print("n/a (no summary.files_parsed in %s: %s)" % (path, exc.__class__.__name__))
EOF
}

# check_runs DIR: run both commands once, outside hyperfine, and stop on a
# real failure (hyperfine runs with -i so rg's exit 1 on "no match" is not one).
check_runs() {
  local dir=$1 status=0
  "$ADALINT" --exit-zero --quiet "$dir" >/dev/null || status=$?
  ((status == 0)) || die "'$ADALINT --exit-zero --quiet $dir' exited $status"
  status=0
  rg -l adal "$dir" >/dev/null || status=$?
  ((status <= 1)) || die "'rg -l adal $dir' exited $status"
}

bench_tree() { # DIR RESULT-BASENAME
  local dir=$1 name=$2 bin=$ADALINT
  [[ $bin == "$ROOT/target/release/adalint" ]] && bin=target/release/adalint
  check_runs "$dir"
  log "hyperfine: $dir"
  hyperfine --warmup "$WARMUP" --min-runs "$MIN_RUNS" --ignore-failure \
    --export-markdown "$BENCH_DIR/$name.md" --export-json "$BENCH_DIR/$name.json" \
    "$(printf '%q' "$bin") --exit-zero --quiet $(printf '%q' "$dir")" \
    "rg -l adal $(printf '%q' "$dir")"
  python3 - "$BENCH_DIR/$name.json" <<'EOF'
import json, sys
a, r = json.load(open(sys.argv[1]))["results"]  # in command-line order
print("adalint/rg = %.2f   (adalint %.1f ms +- %.1f, rg %.1f ms +- %.1f, mean +- stddev)" % (
    a["mean"] / r["mean"], a["mean"] * 1e3, a["stddev"] * 1e3, r["mean"] * 1e3, r["stddev"] * 1e3))
EOF
}

main() {
  local version
  ensure_tools
  build_adalint
  mkdir -p "$BENCH_DIR"
  build_corpus

  log "machine"
  echo "date:      $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "cpu:       $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "nproc:     $(nproc)"
  echo "commit:    $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (dirty)')"
  # sed -n 1p reads to the end, so the producer never sees a closed pipe.
  version=$("$ADALINT" --version 2>/dev/null | sed -n 1p || true)
  echo "adalint:   ${version:-(no --version)} ($ADALINT)"
  echo "rg:        $(rg --version | sed -n 1p)"
  echo "hyperfine: $(hyperfine --version)"

  log "corpus"
  describe_corpus "$BENCH_DIR/corpus"
  describe_corpus "$BENCH_DIR/corpus-no-adal"

  bench_tree "$BENCH_DIR/corpus" results
  bench_tree "$BENCH_DIR/corpus-no-adal" results-no-adal

  log "adalint --format json: summary.files_parsed"
  echo "corpus:         $(files_parsed "$BENCH_DIR/corpus")"
  echo "corpus-no-adal: $(files_parsed "$BENCH_DIR/corpus-no-adal")"
  echo "(no file in corpus-no-adal uses ADAL: files_parsed there should be the number of"
  echo " .py/.js files holding a trigger literal - 0 for whole-word 'adal', see corpus above)"

  log "results in $BENCH_DIR/results.md, results.json, results-no-adal.md, results-no-adal.json"
}

main "$@"
