#!/usr/bin/env python3
"""Tally one run of bench/real-code/run.sh.

    tally.py REPOS_TSV WORK_DIR

WORK_DIR is what run.sh filled: trees/<owner>+<name>/{orig,fixed}, json/<slug>.json
(adalint --format json on the original tree), json/<slug>.after.json (the same on the fixed
tree), text/<slug>.txt (adalint's text output on the original tree, which carries the
display-only notes JSON leaves out). Prints the table and the tallies. Standard library only.
"""
import collections
import json
import os
import re
import subprocess
import sys

SOURCE_EXT = {".py", ".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".html", ".htm"}

# "Imports ADAL": a Python import statement naming one of these modules ...
PY_MODULES = r"(?:adal|msrestazure\.azure_active_directory|azure\.common\.credentials|azure\.common\.client_factory|azureml\.core\.authentication)"
PY_IMPORT = re.compile(
    r"^\s*(?:import\s+(?:[\w.]+\s*(?:as\s+\w+\s*)?,\s*)*" + PY_MODULES + r"\b(?!\.?\w)"
    r"|import\s+(?:[\w.]+\s*(?:as\s+\w+\s*)?,\s*)*" + PY_MODULES + r"\b"
    r"|from\s+" + PY_MODULES + r"(?:\.[\w.]+)?\s+import\b"
    r"|from\s+msrestazure\s+import\s+.*\bazure_active_directory\b"
    r"|from\s+azureml\.core\s+import\s+.*\bauthentication\b"
    r"|from\s+azure\.common\s+import\s+.*\b(?:credentials|client_factory)\b)",
    re.M,
)
# ... a JS/TS module specifier (require, import ... from, bare import, dynamic import,
# TS import = require, or a webpack loader prefix such as `expose-loader?X!adal-angular`) ...
JS_PACKAGES = r"(?:adal-node|ms-rest-azure|@azure/ms-rest-nodeauth|adal-angular|adal-angular4|adal-angular5|react-adal|microsoft-adal-angular6)"
JS_IMPORT = re.compile(
    r"(?:\brequire\s*\(\s*|\bfrom\s+|\bimport\s+|\bimport\s*\(\s*)['\"`](?:[^'\"`]*!)?" + JS_PACKAGES + r"(?:/[^'\"`]*)?['\"`]"
)
# ... or an HTML <script src> loading the ADAL.js library.
HTML_SCRIPT = re.compile(r"<script[^>]*\bsrc\s*=\s*['\"][^'\"]*\badal(?:-angular)?(?:\.min)?\.js\b", re.I)

PY_ADAL_METHODS = [
    "acquire_token_with_client_credentials", "acquire_token_with_client_certificate",
    "acquire_token_with_username_password", "acquire_token_with_refresh_token",
    "acquire_token_with_authorization_code", "acquire_token_with_device_code",
    "acquire_user_code", "cancel_request_to_get_token_with_device_code",
]
JS_ADAL_METHODS = [
    "acquireTokenWithClientCredentials", "acquireTokenWithClientCertificate",
    "acquireTokenWithUsernamePassword", "acquireTokenWithRefreshToken",
    "acquireTokenWithAuthorizationCode", "acquireTokenWithDeviceCode", "acquireUserCode",
    "getCachedToken", "getCachedUser", "handleWindowCallback", "logOut", "getResourceForEndpoint",
]
MSAL_CTOR = re.compile(
    r"(?:^|[\s;(,])((?:self\.|this\.)?[A-Za-z_$][\w$]*)\s*=\s*(?:await\s+)?(?:new\s+)?(?:[\w$]+\.)?"
    r"(?:ConfidentialClientApplication|PublicClientApplication|ClientSecretCredential|ClientCertificateCredential|"
    r"UsernamePasswordCredential|DeviceCodeCredential|ManagedIdentityCredential|AzureCliCredential|DefaultAzureCredential)\s*\(",
    re.M,
)
PY_CAMEL_KEY = re.compile(r"""(?:\[\s*['"]|\.get\(\s*['"])(accessToken|tokenType|expiresOn|expiresIn|refreshToken|userId|tenantId|isMRRT|_clientId|_authority)['"]""")


def imports_adal(path, text):
    ext = os.path.splitext(path)[1].lower()
    if ext == ".py":
        return bool(PY_IMPORT.search(text))
    if ext in (".html", ".htm"):
        return bool(HTML_SCRIPT.search(text) or JS_IMPORT.search(text))
    return bool(JS_IMPORT.search(text))


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return None


def walk(root):
    for d, dirs, files in os.walk(root):
        dirs[:] = [x for x in dirs if x not in (".git", "__pycache__")]
        for f in files:
            p = os.path.join(d, f)
            if os.path.islink(p) or not os.path.isfile(p):
                continue
            yield os.path.relpath(p, root)


TS_LIB = os.environ.get("TS_LIB", "")
TS_SCRIPT = r"""
const ts = require(process.argv[1]);
const fs = require('fs');
const out = {};
for (const f of JSON.parse(fs.readFileSync(0, 'utf8'))) {
  let src;
  try { src = fs.readFileSync(f, 'utf8'); } catch (e) { out[f] = 'unreadable'; continue; }
  const jsx = /\.(tsx|jsx|js)$/.test(f);
  const name = f.endsWith('.js') ? f.replace(/\.js$/, '.jsx') : f;
  const r = ts.transpileModule(src, {fileName: name, reportDiagnostics: true,
    compilerOptions: {jsx: jsx ? ts.JsxEmit.Preserve : undefined, allowJs: true, experimentalDecorators: true}});
  const d = (r.diagnostics || []).filter(x => x.category === ts.DiagnosticCategory.Error);
  out[f] = d.length ? ts.flattenDiagnosticMessageText(d[0].messageText, ' ') +
    (d[0].start !== undefined ? ' (line ' + (src.slice(0, d[0].start).split('\n').length) + ')' : '') : null;
}
process.stdout.write(JSON.stringify(out));
"""


def ts_syntax(paths):
    """Syntax errors of TS/JS files (typescript's transpileModule: parse only, no types)."""
    if not TS_LIB or not paths:
        return {}
    r = subprocess.run(["node", "-e", TS_SCRIPT, TS_LIB], input=json.dumps(paths),
                       capture_output=True, text=True)
    try:
        return json.loads(r.stdout)
    except ValueError:
        return {}


def check(path, method=None):
    """(method, error or None). method None: pick the first that passes on this file."""
    ext = os.path.splitext(path)[1].lower()
    if ext == ".py":
        # compile() without writing bytecode: py_compile would leave __pycache__ in the trees
        r = subprocess.run([sys.executable, "-c", "import sys; compile(open(sys.argv[1], 'rb').read(), sys.argv[1], 'exec')", path],
                           capture_output=True, text=True)
        err = (r.stderr.strip().splitlines() or [""])[-1] if r.returncode else None
        return "python compile()", err
    if ext in (".js", ".cjs", ".mjs") and method in (None, "node --check"):
        r = subprocess.run(["node", "--check", path], capture_output=True, text=True)
        if r.returncode == 0 or method == "node --check":
            lines = [l for l in r.stderr.splitlines() if "Error" in l]
            return "node --check", (lines[0] if lines else r.stderr.strip()[:200]) if r.returncode else None
    if ext in (".js", ".jsx", ".cjs", ".mjs", ".ts", ".tsx") and TS_LIB:
        res = ts_syntax([path]).get(path, "no result")
        return "ts syntax", res
    return None, None


def display_only_notes(text_path):
    """(path, line) -> note of a display-only fix, read from the text output."""
    notes = {}
    if not os.path.exists(text_path):
        return notes
    loc = None
    lines = open(text_path, encoding="utf-8", errors="replace").read().splitlines()
    i = 0
    while i < len(lines):
        l = lines[i]
        m = re.search(r"┌─ (.+):(\d+):\d+$", l)
        if m:
            loc = (m.group(1), int(m.group(2)))
        if "= fix (suggestion, never applied automatically)" in l and loc:
            note = []
            j = i + 1
            while j < len(lines):
                s = lines[j].strip()
                if not s or s.startswith(("+", "-", "= ", "│", "┌", "error[", "warning[", "info[")):
                    break
                note.append(s)
                j += 1
            notes[loc] = " ".join(note)
            i = j
            continue
        i += 1
    return notes


def reason_of(note):
    m = re.search(r"Not applied automatically: (.*)", note)
    r = m.group(1) if m else note
    r = re.sub(r"`[^`]*`", "`…`", r)  # names differ per repository; the shape does not
    return r.strip() or "(no note)"


def on_msal_calls(text, path):
    """Heuristic: ADAL method names called on a name the file binds to an MSAL/Identity object."""
    names = {m.group(1) for m in MSAL_CTOR.finditer(text)}
    if not names:
        return []
    methods = PY_ADAL_METHODS if path.endswith(".py") else JS_ADAL_METHODS
    hits = []
    for n, line in enumerate(text.splitlines(), 1):
        for name in names:
            for meth in methods:
                if re.search(re.escape(name) + r"\s*\.\s*" + meth + r"\s*\(", line):
                    hits.append((n, f"{name}.{meth}"))
    return hits


def main():
    repos_tsv, work = sys.argv[1], sys.argv[2]
    rows = []
    for line in open(repos_tsv, encoding="utf-8"):
        parts = line.rstrip("\n").split("\t")
        if len(parts) < 4 or parts[0] in ("repo", "") or parts[0].startswith("#"):
            continue
        rows.append(parts)

    header = ["repo", "lang", "src", "adal<", "adal>", "chg", "broke", "safe", "unsafe", "disp", "none", "left", "onMSAL", "camel"]
    table = []
    totals = collections.Counter()
    reasons = collections.Counter()
    reason_examples = {}
    nofix_rules = collections.Counter()
    left_rules = collections.Counter()
    details = []
    checks_used = collections.Counter()
    for repo, commit, lang, kind in rows:
        slug = repo.replace("/", "+")
        orig = os.path.join(work, "trees", slug, "orig")
        fixed = os.path.join(work, "trees", slug, "fixed")
        jpath = os.path.join(work, "json", slug + ".json")
        if not os.path.isdir(orig) or not os.path.exists(jpath):
            table.append([repo, lang] + ["-"] * (len(header) - 2))
            details.append(f"{repo}: not measured (mirror missing?)")
            continue
        before = json.load(open(jpath, encoding="utf-8"))
        after_path = os.path.join(work, "json", slug + ".after.json")
        after = json.load(open(after_path, encoding="utf-8")) if os.path.exists(after_path) else {"diagnostics": []}
        c = collections.Counter()
        changed, broke = [], []
        msal_left, camel_left = [], []
        for rel in walk(orig):
            ext = os.path.splitext(rel)[1].lower()
            a = read(os.path.join(orig, rel))
            b = read(os.path.join(fixed, rel))
            if a != b:
                changed.append(rel)
            if ext not in SOURCE_EXT:
                continue
            c["src"] += 1
            ta = a.decode("utf-8", "replace") if a is not None else ""
            tb = b.decode("utf-8", "replace") if b is not None else ""
            ia, ib = imports_adal(rel, ta), imports_adal(rel, tb)
            c["adal_before"] += ia
            c["adal_after"] += ib
            c["freed"] += ia and not ib
            if a != b and b is not None:
                method, err_a = check(os.path.join(orig, rel))
                if method and err_a is None:
                    checks_used[method] += 1
                    _, err_b = check(os.path.join(fixed, rel), method)
                    if err_b:
                        broke.append((rel, method, err_b))
                for n, what in on_msal_calls(tb, rel):
                    msal_left.append((rel, n, what))
                if rel.endswith(".py") and re.search(r"^\s*(?:import|from)\s+msal\b", tb, re.M):
                    for n, l in enumerate(tb.splitlines(), 1):
                        m = PY_CAMEL_KEY.search(l)
                        if m:  # the key only: no third-party source text in the report
                            camel_left.append((rel, n, f"reads '{m.group(1)}'"))
        appl = collections.Counter()
        notes = display_only_notes(os.path.join(work, "text", slug + ".txt"))
        for d in before["diagnostics"]:
            a = d["fix"]["applicability"] if d.get("fix") else "none"
            appl[a] += 1
            if a == "none":
                nofix_rules[d["rule"]] += 1
            if a == "display-only":
                note = notes.get((d["path"], d["start"]["line"]), "")
                r = reason_of(note)
                reasons[r] += 1
                reason_examples.setdefault(r, f"{repo}:{d['path']}:{d['start']['line']} ({d['rule']})")
        for d in after["diagnostics"]:
            left_rules[d["rule"]] += 1
        row = [repo, lang, c["src"], c["adal_before"], c["adal_after"], len(changed), len(broke),
               appl["safe"], appl["unsafe"], appl["display-only"], appl["none"], len(after["diagnostics"]),
               len(msal_left), len(camel_left)]
        table.append(row)
        for k, v in zip(header[2:], row[2:]):
            totals[k] += v
        totals["freed"] += c["freed"]
        for rel, method, err in broke:
            details.append(f"BROKE {repo}:{rel} [{method}] {err}")
        for rel, n, what in msal_left:
            details.append(f"ADAL-ON-MSAL {repo}:{rel}:{n} {what}")
        for rel, n, l in camel_left:
            details.append(f"ADAL-KEY-IN-MSAL-FILE {repo}:{rel}:{n} {l}")
        for e in before.get("errors", []):
            details.append(f"ADALINT-ERROR {repo}:{e.get('path')} {e.get('message')}")

    table.append(["TOTAL", ""] + [totals[k] for k in header[2:]])
    widths = [max(len(str(r[i])) for r in table + [header]) for i in range(len(header))]
    fmt = lambda r: "  ".join(str(v).ljust(widths[i]) if i < 2 else str(v).rjust(widths[i]) for i, v in enumerate(r))
    print(fmt(header))
    for r in table:
        if r[0] == "TOTAL":
            print("-" * len(fmt(header)))
        print(fmt(r))
    print()
    print("columns: src = source files (.py .js .jsx .mjs .cjs .ts .tsx .html .htm); adal< / adal> = of those,")
    print("  files importing an ADAL library before / after `--fix --unsafe-fixes`; chg = files the fix changed")
    print("  (manifests included); broke = changed files that passed their syntax check before and fail it after;")
    print("  safe/unsafe/disp/none = findings on the original tree by fix applicability; left = findings on the")
    print("  fixed tree; onMSAL = ADAL method calls on a name the fixed file binds to an MSAL/azure-identity object")
    print("  (heuristic); camel = ADAL camelCase result keys read in a fixed Python file that imports msal (heuristic)")
    b = totals["adal<"]
    pct = 100.0 * totals["freed"] / b if b else 0.0
    print()
    print(f"application files importing ADAL before: {b}; ADAL-free after the fix: {totals['freed']} ({pct:.1f}%)")
    print("syntax checks run on changed files: " + (", ".join(f"{k} {v}" for k, v in checks_used.most_common()) or "none")
          + ("" if TS_LIB else " (TS/JSX check skipped: no typescript package)"))
    print()
    print("display-only reasons (fix note, `names` elided), most frequent first:")
    for r, n in reasons.most_common():
        print(f"  {n:4d}  {r}")
        print(f"        e.g. {reason_examples[r]}")
    print()
    print("findings without any fix, by rule:")
    for r, n in nofix_rules.most_common():
        print(f"  {n:4d}  {r}")
    print()
    print("findings left after the fix, by rule:")
    for r, n in left_rules.most_common():
        print(f"  {n:4d}  {r}")
    print()
    print("details:")
    for d in details:
        print("  " + d)


if __name__ == "__main__":
    main()
