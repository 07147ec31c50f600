#!/usr/bin/env bash
# Measure adalint on the real-code corpus listed in repos.tsv.
#
#   bench/real-code/run.sh MIRRORS_DIR
#
# MIRRORS_DIR holds one bare git snapshot per repository, in the layout the search
# tool's `fetch` produces: MIRRORS_DIR/<owner>+<name>/repo (a bare git dir) or
# MIRRORS_DIR/<owner>+<name>/repo/.git. See README.md.
#
# Environment:
#   ADALINT   adalint binary (default: target/release/adalint)
#   WORK_DIR  scratch space (default: target/real-code); per-repo JSON lands in WORK_DIR/json
#   TS_CHECK  1 (default) = syntax-check TS/JSX with the `typescript` npm package
#             (installed once into WORK_DIR/ts with npm); 0 = skip that check
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
mirrors=${1:?usage: run.sh MIRRORS_DIR}
mirrors=$(cd "$mirrors" && pwd)
ADALINT=${ADALINT:-target/release/adalint}
[[ $ADALINT == */* ]] && ADALINT=$(cd "$(dirname "$ADALINT")" && pwd)/$(basename "$ADALINT")
WORK_DIR=${WORK_DIR:-target/real-code}
mkdir -p "$WORK_DIR"
WORK_DIR=$(cd "$WORK_DIR" && pwd)
TS_CHECK=${TS_CHECK:-1}

if [[ $TS_CHECK == 1 && ! -f $WORK_DIR/ts/node_modules/typescript/lib/typescript.js ]]; then
  echo "installing typescript@5 into $WORK_DIR/ts (npm)..." >&2
  npm install --silent --no-audit --no-fund --prefix "$WORK_DIR/ts" typescript@5 >&2 || TS_CHECK=0
fi
export TS_LIB=""
[[ $TS_CHECK == 1 ]] && TS_LIB=$WORK_DIR/ts/node_modules/typescript

mkdir -p "$WORK_DIR/json" "$WORK_DIR/text" "$WORK_DIR/trees"
"$ADALINT" --version >&2

while IFS=$'\t' read -r repo commit lang kind <&3; do
  [[ -z $repo || $repo == repo || $repo == \#* ]] && continue
  slug=${repo/\//+}
  gitdir=""
  for c in "$mirrors/$slug/repo/.git" "$mirrors/$slug/repo" "$mirrors/$slug"; do
    if git --git-dir="$c" rev-parse --verify -q "$commit^{commit}" >/dev/null 2>&1; then gitdir=$c; break; fi
  done
  if [[ -z $gitdir ]]; then echo "MISSING $repo $commit (fetch it, see README.md)" >&2; continue; fi
  orig=$WORK_DIR/trees/$slug/orig
  fixed=$WORK_DIR/trees/$slug/fixed
  rm -rf "$WORK_DIR/trees/$slug"; mkdir -p "$orig"
  # Snapshots lack files of 4 MiB and more: leave out the blobs that are absent.
  excludes=()
  while IFS= read -r path; do excludes+=(":(exclude,literal)$path"); done < <(
    git --git-dir="$gitdir" ls-tree -r "$commit" | awk -F'\t' '{split($1, m, " "); if (m[2] == "blob") print m[3] " " $2}' \
    | python3 -c '
import subprocess, sys
rows = [l.rstrip("\n").split(" ", 1) for l in sys.stdin if l.strip()]
out = subprocess.run(["git", "--git-dir", sys.argv[1], "cat-file", "--batch-check=%(objectname) %(objecttype)"],
                     input="".join(o + "\n" for o, _ in rows), capture_output=True, text=True).stdout.splitlines()
for (oid, path), line in zip(rows, out):
    if line.endswith(" missing"):
        print(path)' "$gitdir")
  git --git-dir="$gitdir" archive "$commit" -- . "${excludes[@]}" | tar -x -C "$orig" || { echo "EXPORT FAILED $repo" >&2; continue; }
  [[ ${#excludes[@]} -gt 0 ]] && echo "$repo: ${#excludes[@]} absent large file(s) left out" >&2
  # Not application code: committed dependency trees and vendored copies of the ADAL.js library.
  find "$orig" -depth -type d \( -name node_modules -o -name bower_components \) -exec rm -rf {} +
  find "$orig" -type f \( -name 'adal.js' -o -name 'adal.min.js' -o -name 'adal-angular.js' -o -name 'adal-angular.min.js' \) -delete
  cp -a "$orig" "$fixed"
  (cd "$orig" && "$ADALINT" --isolated --exit-zero --format json . > "$WORK_DIR/json/$slug.json" 2>/dev/null) || echo "adalint failed on $repo" >&2
  (cd "$orig" && "$ADALINT" --isolated --exit-zero --color never . > "$WORK_DIR/text/$slug.txt" 2>/dev/null) || true
  (cd "$fixed" && "$ADALINT" --isolated --exit-zero --fix --unsafe-fixes . > "$WORK_DIR/text/$slug.fix.txt" 2>&1) || echo "adalint --fix failed on $repo" >&2
  (cd "$fixed" && "$ADALINT" --isolated --exit-zero --format json . > "$WORK_DIR/json/$slug.after.json" 2>/dev/null) || true
  echo "done $repo" >&2
done 3< "$here/repos.tsv"

python3 "$here/tally.py" "$here/repos.tsv" "$WORK_DIR"
