//! The command-line contract of `adalint`, tested through the built binary.
//!
//! Every test builds a small tree in a fresh temporary directory, runs
//! `adalint --color never ...` with that directory as the working directory, and asserts on
//! the exit code, the text or JSON output, and the bytes left on disk. Rule-by-rule behaviour
//! lives in the fixture tests; here a few cases per feature suffice.
//!
//! # Layout
//!
//! 1. Helpers: [`Fixture`] (a temporary tree), [`Run`] (one invocation) and [`Report`] (the
//!    JSON output, checked against the exact documented shape on every parse).
//! 2. JSON output: shape, positions, paths, the summary.
//! 3. Walking: ignore files, hidden files, named paths, `--no-ignore`, determinism.
//! 4. Detection: alias and attribute forms, look-alikes.
//! 5. Fixing: the Python client-credentials migration, idempotence, and what a fix preserves
//!    (line endings, BOM, comments, permissions, symbolic links).
//! 6. `--diff`.
//! 7. Bad input: binary, invalid UTF-8, syntax errors, empty, huge, unreadable, broken links,
//!    link loops, malformed rule files. The rest of the tree is always still scanned.
//! 8. Rules: `--list-rules`, `--select`, `--ignore`, `--rules`.
//! 9. Exit codes and output plumbing: `--exit-zero`, `--quiet`, `--color`, broken pipes.
//!
//! Tests marked `#[ignore = "engine bug: ..."]` show engine bugs; they pass once the engine is
//! fixed.

use std::fs;
use std::io::Read;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{Map, Value};
use tempfile::TempDir;

// ---------------------------------------------------------------------------------------------
// 1. Helpers
// ---------------------------------------------------------------------------------------------

/// A temporary directory holding the tree under test.
struct Fixture {
    dir: TempDir,
}

impl Fixture {
    fn new() -> Self {
        Fixture {
            dir: tempfile::tempdir().expect("create a temporary directory"),
        }
    }

    /// A fixture holding these text files.
    fn with(files: &[(&str, &str)]) -> Self {
        let fixture = Fixture::new();
        for (path, content) in files {
            fixture.write(path, content);
        }
        fixture
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.root().join(relative)
    }

    /// Writes a file, creating its parent directories.
    fn write(&self, relative: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("create parent directories");
        }
        fs::write(&path, content).expect("write fixture file");
        path
    }

    fn mkdir(&self, relative: &str) -> PathBuf {
        let path = self.path(relative);
        fs::create_dir_all(&path).expect("create directory");
        path
    }

    /// Creates the symbolic link `link` (relative to the root) pointing at `target` as given.
    fn symlink(&self, target: impl AsRef<Path>, link: &str) {
        symlink(target, self.path(link)).expect("create symbolic link");
    }

    fn read(&self, relative: &str) -> Vec<u8> {
        fs::read(self.path(relative)).unwrap_or_else(|e| panic!("read {relative}: {e}"))
    }

    fn read_text(&self, relative: &str) -> String {
        String::from_utf8(self.read(relative)).expect("fixture file is UTF-8")
    }

    fn set_mode(&self, relative: &str, mode: u32) {
        fs::set_permissions(self.path(relative), fs::Permissions::from_mode(mode)).expect("chmod");
    }

    fn mode(&self, relative: &str) -> u32 {
        fs::metadata(self.path(relative))
            .expect("stat")
            .permissions()
            .mode()
            & 0o7777
    }

    /// Runs `adalint --color never ARGS...` in the fixture's root.
    fn run(&self, args: &[&str]) -> Run {
        let mut all = vec!["--color", "never"];
        all.extend_from_slice(args);
        self.run_exact(&all)
    }

    /// Runs `adalint ARGS...` in the fixture's root, adding nothing.
    fn run_exact(&self, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_adalint"))
            .args(args)
            .current_dir(self.root())
            .env_remove("NO_COLOR")
            .output()
            .expect("spawn adalint");
        Run {
            args: args.iter().map(|a| (*a).to_string()).collect(),
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Runs `adalint --color never --format json ARGS...` and parses the report.
    fn json(&self, args: &[&str]) -> (Run, Report) {
        let mut all = vec!["--format", "json"];
        all.extend_from_slice(args);
        let run = self.run(&all);
        let report = run.report();
        (run, report)
    }

    /// The names in a directory of the fixture, sorted.
    fn listing(&self, relative: &str) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(self.path(relative))
            .expect("list directory")
            .map(|entry| {
                entry
                    .expect("directory entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        names.sort();
        names
    }
}

/// One finished invocation.
struct Run {
    args: Vec<String>,
    /// `None` when a signal ended the process.
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    /// Asserts the exit code, showing everything the run printed when it differs.
    #[track_caller]
    fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code,
            Some(code),
            "unexpected exit code\n{}",
            self.describe()
        );
        self
    }

    fn describe(&self) -> String {
        format!(
            "adalint {}\nexit: {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.args.join(" "),
            self.code,
            self.stdout,
            self.stderr
        )
    }

    /// Parses standard output as the JSON report, checking its exact shape.
    #[track_caller]
    fn report(&self) -> Report {
        let value: Value = serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON: {e}\n{}", self.describe()));
        check_report_shape(&value);
        Report(value)
    }

    #[track_caller]
    fn stdout_contains(&self, needle: &str) -> &Self {
        assert!(
            self.stdout.contains(needle),
            "stdout lacks {needle:?}\n{}",
            self.describe()
        );
        self
    }

    #[track_caller]
    fn stdout_lacks(&self, needle: &str) -> &Self {
        assert!(
            !self.stdout.contains(needle),
            "stdout has {needle:?}\n{}",
            self.describe()
        );
        self
    }

    #[track_caller]
    fn stderr_contains(&self, needle: &str) -> &Self {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}\n{}",
            self.describe()
        );
        self
    }
}

/// The JSON report, already checked against the documented shape.
struct Report(Value);

impl Report {
    fn diagnostics(&self) -> &Vec<Value> {
        self.0["diagnostics"].as_array().expect("checked shape")
    }

    /// `(path, rule, start line)` of every finding, in output order.
    fn findings(&self) -> Vec<(String, String, u64)> {
        self.diagnostics()
            .iter()
            .map(|d| {
                (
                    d["path"].as_str().expect("path").to_string(),
                    d["rule"].as_str().expect("rule").to_string(),
                    d["start"]["line"].as_u64().expect("line"),
                )
            })
            .collect()
    }

    /// The rules reported for one path, in output order.
    fn rules_for(&self, path: &str) -> Vec<String> {
        self.findings()
            .into_iter()
            .filter(|(p, _, _)| p == path)
            .map(|(_, rule, _)| rule)
            .collect()
    }

    /// The distinct paths with findings, sorted.
    fn paths(&self) -> Vec<String> {
        let mut paths: Vec<String> = self.findings().into_iter().map(|(p, _, _)| p).collect();
        paths.sort();
        paths.dedup();
        paths
    }

    /// `(path, message)` of every error.
    fn errors(&self) -> Vec<(String, String)> {
        self.0["errors"]
            .as_array()
            .expect("checked shape")
            .iter()
            .map(|e| {
                (
                    e["path"].as_str().expect("path").to_string(),
                    e["message"].as_str().expect("message").to_string(),
                )
            })
            .collect()
    }

    /// The messages of the errors about one path.
    fn errors_for(&self, path: &str) -> Vec<String> {
        self.errors()
            .into_iter()
            .filter(|(p, _)| p == path)
            .map(|(_, m)| m)
            .collect()
    }

    fn summary(&self, key: &str) -> u64 {
        self.0["summary"][key].as_u64().expect("checked shape")
    }
}

/// Asserts that `value` is an object with exactly these keys, and returns it.
#[track_caller]
fn object_with_keys<'v>(value: &'v Value, what: &str, keys: &[&str]) -> &'v Map<String, Value> {
    let object = value
        .as_object()
        .unwrap_or_else(|| panic!("{what} is not an object: {value}"));
    let mut found: Vec<&str> = object.keys().map(String::as_str).collect();
    found.sort_unstable();
    let mut wanted = keys.to_vec();
    wanted.sort_unstable();
    assert_eq!(found, wanted, "keys of {what}: {value}");
    object
}

#[track_caller]
fn check_string<'v>(value: &'v Value, what: &str) -> &'v str {
    value
        .as_str()
        .unwrap_or_else(|| panic!("{what} is not a string: {value}"))
}

#[track_caller]
fn check_position(value: &Value, what: &str) -> (u64, u64) {
    let object = object_with_keys(value, what, &["line", "column"]);
    let line = object["line"]
        .as_u64()
        .unwrap_or_else(|| panic!("{what}.line is not an unsigned integer: {value}"));
    let column = object["column"]
        .as_u64()
        .unwrap_or_else(|| panic!("{what}.column is not an unsigned integer: {value}"));
    assert!(line >= 1 && column >= 1, "{what} is not 1-based: {value}");
    (line, column)
}

/// A display path: relative, with `/`, no `./` prefix.
#[track_caller]
fn check_path(value: &Value, what: &str) {
    let path = check_string(value, what);
    assert!(!path.is_empty(), "{what} is empty");
    assert!(!path.starts_with('/'), "{what} is absolute: {path}");
    assert!(!path.starts_with("./"), "{what} starts with ./: {path}");
    assert!(!path.contains('\\'), "{what} has a backslash: {path}");
}

/// Checks the documented JSON shape exactly: keys, types, enumerations, 1-based positions,
/// and that the summary agrees with the lists.
#[track_caller]
fn check_report_shape(report: &Value) {
    let top = object_with_keys(
        report,
        "report",
        &["version", "diagnostics", "errors", "summary"],
    );
    assert_eq!(top["version"], Value::from(1), "version");
    let diagnostics = top["diagnostics"]
        .as_array()
        .expect("diagnostics is an array");
    for (index, diagnostic) in diagnostics.iter().enumerate() {
        let what = format!("diagnostics[{index}]");
        let d = object_with_keys(
            diagnostic,
            &what,
            &["rule", "severity", "message", "path", "start", "end", "fix"],
        );
        assert!(
            !check_string(&d["rule"], "rule").is_empty(),
            "{what}.rule is empty"
        );
        let severity = check_string(&d["severity"], "severity");
        assert!(
            ["error", "warning", "info"].contains(&severity),
            "{what}.severity: {severity}"
        );
        assert!(
            !check_string(&d["message"], "message").is_empty(),
            "{what}.message is empty"
        );
        check_path(&d["path"], &format!("{what}.path"));
        let start = check_position(&d["start"], &format!("{what}.start"));
        let end = check_position(&d["end"], &format!("{what}.end"));
        assert!(start <= end, "{what}: start after end");
        if d["fix"].is_null() {
            continue;
        }
        let fix = object_with_keys(
            &d["fix"],
            &format!("{what}.fix"),
            &["applicability", "title", "reason", "edits"],
        );
        let applicability = check_string(&fix["applicability"], "applicability");
        assert!(
            ["safe", "unsafe", "display-only"].contains(&applicability),
            "{what}.fix.applicability: {applicability}"
        );
        assert!(
            !check_string(&fix["title"], "title").is_empty(),
            "{what}.fix.title is empty"
        );
        let reason = check_string(&fix["reason"], "reason");
        let edits = fix["edits"].as_array().expect("fix.edits is an array");
        // A fix with no edits is a display-only one that says why no rewrite is offered.
        assert!(
            !edits.is_empty() || (applicability == "display-only" && !reason.is_empty()),
            "{what}.fix has no edits and no reason"
        );
        for (e, edit) in edits.iter().enumerate() {
            let what = format!("{what}.fix.edits[{e}]");
            let edit = object_with_keys(edit, &what, &["start", "end", "content"]);
            let start = check_position(&edit["start"], &format!("{what}.start"));
            let end = check_position(&edit["end"], &format!("{what}.end"));
            assert!(start <= end, "{what}: start after end");
            check_string(&edit["content"], "content");
        }
    }
    for (index, error) in top["errors"]
        .as_array()
        .expect("errors is an array")
        .iter()
        .enumerate()
    {
        let what = format!("errors[{index}]");
        let e = object_with_keys(error, &what, &["path", "message"]);
        check_path(&e["path"], &format!("{what}.path"));
        assert!(
            !check_string(&e["message"], "message").is_empty(),
            "{what}.message is empty"
        );
    }
    let summary = object_with_keys(
        &top["summary"],
        "summary",
        &[
            "files_scanned",
            "files_parsed",
            "diagnostics",
            "files_excluded_by_default",
        ],
    );
    let count = |key: &str| {
        summary[key]
            .as_u64()
            .unwrap_or_else(|| panic!("summary.{key} is not an unsigned integer"))
    };
    assert_eq!(
        count("diagnostics"),
        diagnostics.len() as u64,
        "summary.diagnostics"
    );
    assert!(
        count("files_parsed") <= count("files_scanned"),
        "more files parsed than scanned"
    );
}

/// Compiles a Python file with `python3 -m py_compile`, failing the test when it does not.
#[track_caller]
fn assert_python_compiles(path: &Path) {
    let output = Command::new("python3")
        .args(["-m", "py_compile"])
        .arg(path)
        .output()
        .expect("python3 is needed to check rewritten Python (install python3)");
    assert!(
        output.status.success(),
        "{} does not compile:\n{}\n--- file ---\n{}",
        path.display(),
        String::from_utf8_lossy(&output.stderr),
        fs::read_to_string(path).unwrap_or_default()
    );
}

/// The Python client-credentials flow, with the resource in a variable.
const PY_CLIENT_CREDENTIALS: &str = r#"import adal

# Settings come from the environment in production.
authority = "https://login.microsoftonline.com/contoso.onmicrosoft.com"
resource = "https://management.core.windows.net/"
client_id = "00000000-0000-0000-0000-000000000001"
secret = "not-a-real-secret"

context = adal.AuthenticationContext(authority)
token = context.acquire_token_with_client_credentials(resource, client_id, secret)
print(token["accessToken"])
"#;

/// The same flow with literal arguments and comments on the lines the fix rewrites.
const PY_CLIENT_CREDENTIALS_LITERAL: &str = r#"# -*- coding: utf-8 -*-
import adal  # the retired library

# Build the context.
context = adal.AuthenticationContext("https://login.microsoftonline.com/contoso.onmicrosoft.com")  # authority
token = context.acquire_token_with_client_credentials("https://management.core.windows.net/", "client-id", "secret")
# Use the token.
print(token["accessToken"])  # print it
"#;

/// A file with a finding and no fix; placed next to bad input to prove the rest is scanned.
const GOOD_PY: &str = "import adal\n";

// ---------------------------------------------------------------------------------------------
// 2. JSON output
// ---------------------------------------------------------------------------------------------

#[test]
fn json_report_has_the_exact_documented_shape() {
    let fx = Fixture::with(&[
        ("app.py", PY_CLIENT_CREDENTIALS),
        ("web/server.js", "const adal = require(\"adal-node\");\n"),
    ]);
    fx.write("blob.py", b"import adal\0\x01\x02");
    let (run, report) = fx.json(&[]);
    run.expect_code(2);
    // The shape itself was checked by `report()`; here, that each part is populated.
    let fix = report
        .diagnostics()
        .iter()
        .find_map(|d| d["fix"].as_object())
        .expect("some finding carries a fix");
    assert_eq!(fix["applicability"], "unsafe");
    assert!(report.diagnostics().iter().any(|d| d["fix"].is_null()));
    assert_eq!(report.errors_for("blob.py").len(), 1, "{}", run.describe());
    assert_eq!(report.summary("files_scanned"), 3);
    assert_eq!(report.summary("files_parsed"), 2);
}

#[test]
fn json_positions_are_one_based_lines_and_columns() {
    let fx = Fixture::with(&[("a.py", "x = 1\n  # indented comment\nimport adal\n")]);
    let (run, report) = fx.json(&[]);
    run.expect_code(1);
    let d = &report.diagnostics()[0];
    assert_eq!(d["rule"], "adal-import");
    assert_eq!(d["severity"], "warning");
    assert_eq!(d["start"], serde_json::json!({"line": 3, "column": 1}));
    assert_eq!(d["end"], serde_json::json!({"line": 3, "column": 12}));
}

#[test]
fn json_columns_count_code_points_not_bytes() {
    let fx = Fixture::with(&[("a.py", "é = 1; import adal\n")]);
    let (_, report) = fx.json(&[]);
    let d = &report.diagnostics()[0];
    assert_eq!(d["start"], serde_json::json!({"line": 1, "column": 8}));
}

#[test]
fn json_paths_are_relative_with_forward_slashes() {
    let fx = Fixture::with(&[("pkg/sub/deep.py", GOOD_PY), ("top.py", GOOD_PY)]);
    let (_, report) = fx.json(&[]);
    assert_eq!(report.paths(), ["pkg/sub/deep.py", "top.py"]);
    // An absolute argument below the working directory is shown relative to it too.
    let absolute = fs::canonicalize(fx.path("pkg")).expect("canonical path");
    let (_, report) = fx.json(&[absolute.to_str().expect("UTF-8 path")]);
    assert_eq!(report.paths(), ["pkg/sub/deep.py"]);
    // So is a `./` argument.
    let (_, report) = fx.json(&["./pkg/sub"]);
    assert_eq!(report.paths(), ["pkg/sub/deep.py"]);
}

#[test]
fn tree_without_adal_strings_is_scanned_but_not_parsed() {
    let fx = Fixture::with(&[
        ("main.py", "import os\nprint(os.getcwd())\n"),
        ("lib/util.py", "def f(x):\n    return x + 1\n"),
        (
            "web/index.js",
            "const msal = require(\"@azure/msal-node\");\n",
        ),
        (
            "README.md",
            "adal is mentioned here, but this is not source\n",
        ),
    ]);
    let (run, report) = fx.json(&[]);
    run.expect_code(0);
    assert_eq!(report.summary("files_scanned"), 3);
    assert_eq!(report.summary("files_parsed"), 0);
    assert_eq!(report.summary("diagnostics"), 0);
    assert!(report.errors().is_empty());
    fx.run(&[])
        .expect_code(0)
        .stdout_contains("No ADAL usage found in 3 files.");
}

// ---------------------------------------------------------------------------------------------
// 3. Walking
// ---------------------------------------------------------------------------------------------

/// A tree with files excluded by `.gitignore`, `.ignore` and hidden-file rules.
fn ignore_tree() -> Fixture {
    Fixture::with(&[
        (".gitignore", "build/\n*.generated.py\n"),
        (".ignore", "vendor/skip.py\n"),
        ("kept.py", GOOD_PY),
        ("build/out.py", GOOD_PY),
        ("gen.generated.py", GOOD_PY),
        ("vendor/skip.py", GOOD_PY),
        ("vendor/keep.py", GOOD_PY),
        (".hidden.py", GOOD_PY),
        (".config/settings.py", GOOD_PY),
    ])
}

#[test]
fn gitignore_and_ignore_files_apply_without_a_git_repository() {
    let fx = ignore_tree();
    assert!(!fx.path(".git").exists());
    let (run, report) = fx.json(&[]);
    run.expect_code(1);
    assert_eq!(report.paths(), ["kept.py", "vendor/keep.py"]);
    assert_eq!(report.summary("files_scanned"), 2);
}

#[test]
fn hidden_files_and_directories_are_skipped_by_default() {
    let fx = Fixture::with(&[
        (".hidden.py", GOOD_PY),
        (".config/settings.py", GOOD_PY),
        ("visible.py", GOOD_PY),
    ]);
    let (_, report) = fx.json(&[]);
    assert_eq!(report.paths(), ["visible.py"]);
}

#[test]
fn paths_named_on_the_command_line_are_scanned_even_when_ignored() {
    let fx = ignore_tree();
    let (run, report) = fx.json(&[
        "build/out.py",
        "gen.generated.py",
        "vendor/skip.py",
        ".hidden.py",
        ".config",
    ]);
    run.expect_code(1);
    assert_eq!(
        report.paths(),
        [
            ".config/settings.py",
            ".hidden.py",
            "build/out.py",
            "gen.generated.py",
            "vendor/skip.py"
        ]
    );
}

#[test]
fn no_ignore_scans_ignored_and_hidden_files() {
    let fx = ignore_tree();
    // `build/` is also one of the default excludes, which `--no-ignore` keeps.
    let (run, report) = fx.json(&["--no-ignore", "--no-default-excludes"]);
    run.expect_code(1);
    assert_eq!(
        report.paths(),
        [
            ".config/settings.py",
            ".hidden.py",
            "build/out.py",
            "gen.generated.py",
            "kept.py",
            "vendor/keep.py",
            "vendor/skip.py",
        ]
    );
}

#[test]
fn output_is_identical_with_one_and_eight_threads() {
    let fx = Fixture::new();
    for i in 0..30 {
        let dir = ["", "a/", "a/b/", "c/", "z/y/x/"][i % 5];
        match i % 3 {
            0 => fx.write(&format!("{dir}m{i:02}.py"), PY_CLIENT_CREDENTIALS),
            1 => fx.write(
                &format!("{dir}n{i:02}.js"),
                "const { AuthenticationContext } = require(\"adal-node\");\nconst c = new AuthenticationContext(\"https://login.microsoftonline.com/t\");\n",
            ),
            _ => fx.write(&format!("{dir}p{i:02}.py"), "import adal\nimport os\n"),
        };
    }
    fx.write("c/bad.py", b"import adal\0");
    for format in ["json", "text"] {
        let one = fx.run(&["--format", format, "-j", "1"]);
        one.expect_code(2);
        for _ in 0..3 {
            let eight = fx.run(&["--format", format, "-j", "8"]);
            assert_eq!(
                one.stdout, eight.stdout,
                "--format {format}: -j 1 and -j 8 differ"
            );
            assert_eq!(one.code, eight.code);
        }
    }
    let (_, report) = fx.json(&["-j", "8"]);
    assert_eq!(report.summary("files_scanned"), 31);
}

#[test]
fn overlapping_path_arguments_scan_each_file_once() {
    let fx = Fixture::with(&[("a.py", GOOD_PY), ("sub/b.py", GOOD_PY)]);
    for args in [&[".", "a.py"][..], &["a.py", "./a.py"], &["sub", "./sub"]] {
        let (_, report) = fx.json(args);
        let findings = report.findings();
        let mut unique = findings.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(
            findings.len(),
            unique.len(),
            "duplicate findings for {args:?}: {findings:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 4. Detection
// ---------------------------------------------------------------------------------------------

#[test]
fn python_alias_and_attribute_forms_are_found() {
    let fx = Fixture::with(&[
        (
            "alias.py",
            "import adal as a\nctx = a.AuthenticationContext(\"https://login.microsoftonline.com/t\")\n",
        ),
        (
            "from_alias.py",
            "from adal import AuthenticationContext as AC\nctx = AC(\"https://login.microsoftonline.com/t\")\n",
        ),
        (
            "local_import.py",
            "def make():\n    import adal\n    return adal.AuthenticationContext(\"https://login.microsoftonline.com/t\")\n",
        ),
    ]);
    let (run, report) = fx.json(&[]);
    run.expect_code(1);
    let both = ["adal-import", "adal-authentication-context"];
    assert_eq!(report.rules_for("alias.py"), both);
    assert_eq!(report.rules_for("from_alias.py"), both);
    assert_eq!(report.rules_for("local_import.py"), both);
    let lines: Vec<u64> = report
        .findings()
        .into_iter()
        .filter(|(p, _, _)| p == "local_import.py")
        .map(|(_, _, line)| line)
        .collect();
    assert_eq!(lines, [2, 3]);
}

#[test]
fn python_look_alikes_are_not_reported() {
    let fx = Fixture::with(&[
        (
            "param.py",
            "def f(adal):\n    return adal.AuthenticationContext(\"x\")\n",
        ),
        (
            "adalib.py",
            "import adalib\nctx = adalib.AuthenticationContext(\"x\")\n",
        ),
        (
            "from_adalib.py",
            "from adalib import AuthenticationContext\nctx = AuthenticationContext(\"x\")\n",
        ),
        (
            "shadowed.py",
            "import adal\n\ndef f(adal):\n    return adal.AuthenticationContext(\"x\")\n",
        ),
    ]);
    let (_, report) = fx.json(&[]);
    // Only the real import in `shadowed.py`; the call there goes through the parameter.
    assert_eq!(
        report.findings(),
        [("shadowed.py".to_string(), "adal-import".to_string(), 1)]
    );
    // `adalib` does not contain the whole word `adal`: those files are never parsed.
    assert_eq!(report.summary("files_parsed"), 2);
}

#[test]
fn javascript_alias_and_attribute_forms_are_found() {
    let fx = Fixture::with(&[
        (
            "destructured.js",
            "const { AuthenticationContext: Ctx } = require(\"adal-node\");\nconst c = new Ctx(\"https://login.microsoftonline.com/t\");\n",
        ),
        (
            "member.js",
            "const AC = require('adal-node').AuthenticationContext;\nconst c = new AC('https://login.microsoftonline.com/t');\n",
        ),
        (
            "namespace.mjs",
            "import * as adal from 'adal-node';\nconst c = new adal.AuthenticationContext('https://login.microsoftonline.com/t');\n",
        ),
    ]);
    let (run, report) = fx.json(&[]);
    run.expect_code(1);
    let both = ["adal-node-import", "adal-node-authentication-context"];
    for path in ["destructured.js", "member.js", "namespace.mjs"] {
        assert_eq!(report.rules_for(path), both, "{path}");
    }
}

#[test]
fn javascript_look_alikes_are_not_reported() {
    let fx = Fixture::with(&[
        (
            "other_package.js",
            "const adal = require(\"adal-node-extra\");\nconst c = new adal.AuthenticationContext(\"x\");\n",
        ),
        (
            "string.js",
            "const name = \"adal-node\";\nconsole.log(name);\n",
        ),
    ]);
    let (run, report) = fx.json(&[]);
    run.expect_code(0);
    assert!(report.findings().is_empty(), "{}", run.describe());
}

// ---------------------------------------------------------------------------------------------
// 5. Fixing
// ---------------------------------------------------------------------------------------------

#[test]
fn unsafe_fix_migrates_python_client_credentials_to_msal() {
    let fx = Fixture::with(&[("app.py", PY_CLIENT_CREDENTIALS)]);
    fx.run(&["--fix", "--unsafe-fixes"])
        .expect_code(0)
        .stdout_contains("Fixed 1 finding");
    // Nothing but the file itself is left in the directory (checked before Python compiles
    // it into `__pycache__`).
    assert_eq!(fx.listing("."), ["app.py"]);
    let fixed = fx.read_text("app.py");
    assert_python_compiles(&fx.path("app.py"));
    assert!(fixed.contains("import msal\n"), "{fixed}");
    assert!(!fixed.contains("import adal"), "{fixed}");
    assert!(!fixed.contains("adal."), "{fixed}");
    assert!(
        fixed.contains("msal.ConfidentialClientApplication("),
        "{fixed}"
    );
    assert!(
        fixed.contains("acquire_token_for_client(scopes=[resource + \"/.default\"])"),
        "{fixed}"
    );
    assert!(fixed.contains("token[\"access_token\"]"), "{fixed}");
    assert!(!fixed.contains("accessToken"), "{fixed}");
}

/// A promise wrapper whose callback logs the error before testing it (so it neither settles
/// the promise alone nor splits into two paths) and reads the result whatever the error (so
/// it cannot be called in order either) has no rewrite, and says why: in JSON a display-only
/// fix with no edits and a `reason`, in SARIF the result's `properties`.
#[test]
fn finding_of_a_rule_with_a_recipe_always_has_a_fix_or_a_reason() {
    let source = r#"const adal = require('adal-node');

function getAccessToken(authority, resource, clientId, secret) {
  return new Promise((resolve, reject) => {
    const context = new adal.AuthenticationContext(authority);
    context.acquireTokenWithClientCredentials(resource, clientId, secret, function (err, tokenResponse) {
      console.log(err);
      if (err) {
        reject(tokenResponse == null ? err : tokenResponse);
      }
      resolve(tokenResponse.accessToken);
    });
  });
}

module.exports = { getAccessToken };
"#;
    let fx = Fixture::with(&[("auth.js", source)]);
    let (run, report) = fx.json(&["--unsafe-fixes"]);
    let call = report
        .diagnostics()
        .iter()
        .find(|d| d["rule"] == "adal-node-acquire-token-with-client-credentials")
        .unwrap_or_else(|| panic!("the call is reported\n{}", run.describe()));
    assert_eq!(call["fix"]["applicability"], "display-only");
    assert_eq!(call["fix"]["edits"].as_array().map(Vec::len), Some(0));
    let reason = call["fix"]["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("callback does not split"),
        "reason: {reason}"
    );
    let sarif = fx.run(&["--format", "sarif"]);
    let log: Value = serde_json::from_str(&sarif.stdout).expect("SARIF is JSON");
    let result = log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["ruleId"] == "adal-node-acquire-token-with-client-credentials")
        .expect("the call is a SARIF result");
    assert_eq!(result["properties"]["fixApplicability"], "display-only");
    assert!(
        result["properties"]["fixReason"]
            .as_str()
            .is_some_and(|r| r.contains("callback does not split")),
        "{result}"
    );
}

#[test]
fn literal_resource_folds_into_the_default_scope() {
    let fx = Fixture::with(&[("app.py", PY_CLIENT_CREDENTIALS_LITERAL)]);
    fx.run(&["--fix", "--unsafe-fixes"]).expect_code(0);
    let fixed = fx.read_text("app.py");
    assert_python_compiles(&fx.path("app.py"));
    assert!(
        fixed.contains("scopes=[\"https://management.core.windows.net//.default\"]"),
        "{fixed}"
    );
    assert!(fixed.contains("import msal"), "{fixed}");
    assert!(!fixed.contains("import adal"), "{fixed}");
}

#[test]
fn safe_fix_alone_leaves_the_unsafe_client_credentials_fix_unapplied() {
    let fx = Fixture::with(&[("app.py", PY_CLIENT_CREDENTIALS)]);
    fx.run(&["--fix"])
        .expect_code(1)
        .stdout_contains("--unsafe-fixes")
        .stdout_lacks("Fixed");
    assert_eq!(fx.read_text("app.py"), PY_CLIENT_CREDENTIALS);
}

#[test]
fn second_unsafe_fix_run_changes_nothing() {
    let fx = Fixture::with(&[
        ("app.py", PY_CLIENT_CREDENTIALS),
        ("lit.py", PY_CLIENT_CREDENTIALS_LITERAL),
    ]);
    fx.run(&["--fix", "--unsafe-fixes"]).expect_code(0);
    let after_first = (fx.read("app.py"), fx.read("lit.py"));
    let second = fx.run(&["--fix", "--unsafe-fixes"]);
    assert_eq!(
        (fx.read("app.py"), fx.read("lit.py")),
        after_first,
        "second run rewrote a file"
    );
    let third = fx.run(&["--fix", "--unsafe-fixes"]);
    assert_eq!(
        (fx.read("app.py"), fx.read("lit.py")),
        after_first,
        "third run rewrote a file"
    );
    assert!(matches!(second.code, Some(0 | 1)), "{}", second.describe());
    assert_eq!(
        second.code, third.code,
        "exit codes of repeated runs differ"
    );
    assert_eq!(second.stdout, third.stdout);
}

#[test]
fn crlf_file_stays_crlf_after_fix() {
    let crlf = PY_CLIENT_CREDENTIALS_LITERAL.replace('\n', "\r\n");
    let fx = Fixture::with(&[("app.py", &crlf)]);
    fx.run(&["--fix", "--unsafe-fixes"]).expect_code(0);
    let fixed = fx.read("app.py");
    assert_ne!(fixed, crlf.as_bytes(), "the file was not fixed");
    let text = String::from_utf8(fixed).expect("UTF-8");
    assert!(
        text.contains("# the retired library\r\nimport msal\r\n"),
        "{text:?}"
    );
    let bare = text
        .match_indices('\n')
        .filter(|(i, _)| *i == 0 || text.as_bytes()[i - 1] != b'\r')
        .count();
    assert_eq!(bare, 0, "bare \\n line endings in {text:?}");
    assert_python_compiles(&fx.path("app.py"));
}

#[test]
fn utf8_bom_survives_fix() {
    let fx = Fixture::new();
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(PY_CLIENT_CREDENTIALS.as_bytes());
    fx.write("app.py", &bytes);
    fx.run(&["--fix", "--unsafe-fixes"]).expect_code(0);
    let fixed = fx.read("app.py");
    assert!(
        fixed.starts_with(b"\xEF\xBB\xBFimport msal"),
        "{:?}",
        String::from_utf8_lossy(&fixed)
    );
    assert!(!fixed[3..].starts_with(b"\xEF\xBB\xBF"), "BOM doubled");
}

#[test]
fn comments_survive_fix() {
    let fx = Fixture::with(&[("app.py", PY_CLIENT_CREDENTIALS_LITERAL)]);
    fx.run(&["--fix", "--unsafe-fixes"]).expect_code(0);
    let fixed = fx.read_text("app.py");
    for comment in [
        "# -*- coding: utf-8 -*-",
        "# the retired library",
        "# Build the context.",
        "# authority",
        "# Use the token.",
        "# print it",
    ] {
        assert!(fixed.contains(comment), "lost {comment:?}:\n{fixed}");
    }
}

#[test]
fn permission_bits_survive_fix() {
    let fx = Fixture::with(&[
        ("private.py", PY_CLIENT_CREDENTIALS),
        ("script.py", PY_CLIENT_CREDENTIALS),
    ]);
    fx.set_mode("private.py", 0o640);
    fx.set_mode("script.py", 0o755);
    fx.run(&["--fix", "--unsafe-fixes"]).expect_code(0);
    assert!(fx.read_text("private.py").contains("import msal"));
    assert!(fx.read_text("script.py").contains("import msal"));
    assert_eq!(fx.mode("private.py"), 0o640);
    assert_eq!(fx.mode("script.py"), 0o755);
}

/// `outside/target.py` and `root/link.py -> ../outside/target.py`; adalint runs in `root`.
fn link_out_of_root() -> Fixture {
    let fx = Fixture::with(&[
        ("outside/target.py", PY_CLIENT_CREDENTIALS),
        ("root/good.py", GOOD_PY),
    ]);
    fx.symlink("../outside/target.py", "root/link.py");
    fx
}

#[test]
fn symlink_to_a_file_outside_the_root_is_not_written_through() {
    let fx = link_out_of_root();
    let run = fx.run(&["--fix", "--unsafe-fixes", "root"]);
    run.expect_code(2)
        .stdout_contains("error: root/link.py: not fixed");
    assert_eq!(fx.read_text("outside/target.py"), PY_CLIENT_CREDENTIALS);
    assert!(
        fs::symlink_metadata(fx.path("root/link.py"))
            .expect("lstat")
            .file_type()
            .is_symlink()
    );
    let (run, report) = fx.json(&["--fix", "--unsafe-fixes", "root"]);
    run.expect_code(2);
    let errors = report.errors_for("root/link.py");
    assert!(
        errors
            .iter()
            .any(|m| m.contains("symbolic link") && m.contains("outside")),
        "{}",
        run.describe()
    );
    assert_eq!(fx.read_text("outside/target.py"), PY_CLIENT_CREDENTIALS);
}

#[test]
fn refused_write_keeps_the_findings_reported() {
    let fx = link_out_of_root();
    let (run, report) = fx.json(&["--fix", "--unsafe-fixes", "root"]);
    run.expect_code(2);
    // The file was not changed, so its findings remain.
    assert_eq!(
        report.rules_for("root/link.py"),
        [
            "adal-import",
            "hardcoded-client-secret",
            "adal-authentication-context",
            "adal-acquire-token-with-client-credentials",
            "adal-result-key-renamed"
        ],
        "{}",
        run.describe()
    );
    fx.run(&["--fix", "--unsafe-fixes", "root"])
        .stdout_lacks("Fixed 1 finding");
}

#[test]
fn symlink_inside_the_root_stays_a_link_and_its_target_is_fixed() {
    let fx = Fixture::with(&[("real.py", PY_CLIENT_CREDENTIALS)]);
    fx.symlink("real.py", "link.py");
    fx.run(&["--fix", "--unsafe-fixes"]).expect_code(0);
    let link = fs::symlink_metadata(fx.path("link.py")).expect("lstat");
    assert!(
        link.file_type().is_symlink(),
        "link.py was replaced by a file"
    );
    assert_eq!(
        fs::read_link(fx.path("link.py")).expect("readlink"),
        Path::new("real.py")
    );
    let fixed = fx.read_text("real.py");
    assert!(
        fixed.contains("import msal") && !fixed.contains("import adal"),
        "{fixed}"
    );
    assert_eq!(fx.listing("."), ["link.py", "real.py"]);
}

// ---------------------------------------------------------------------------------------------
// 6. --diff
// ---------------------------------------------------------------------------------------------

#[test]
fn diff_prints_a_unified_diff_and_writes_nothing() {
    let fx = Fixture::with(&[("pkg/app.py", PY_CLIENT_CREDENTIALS)]);
    let run = fx.run(&["--diff", "--unsafe-fixes"]);
    run.expect_code(1)
        .stdout_contains("--- a/pkg/app.py\n+++ b/pkg/app.py\n@@ ")
        .stdout_contains("\n-import adal\n+import msal\n")
        .stdout_contains(
            "\n+token = context.acquire_token_for_client(scopes=[resource + \"/.default\"])\n",
        )
        .stdout_contains("\n-print(token[\"accessToken\"])\n")
        .stdout_contains("\n+print(token[\"access_token\"])\n");
    assert_eq!(fx.read_text("pkg/app.py"), PY_CLIENT_CREDENTIALS);
    assert_eq!(fx.listing("pkg"), ["app.py"]);
}

#[test]
fn diff_without_unsafe_fixes_shows_no_unsafe_change() {
    let fx = Fixture::with(&[("app.py", PY_CLIENT_CREDENTIALS)]);
    fx.run(&["--diff"])
        .expect_code(1)
        .stdout_lacks("+++ b/app.py");
    assert_eq!(fx.read_text("app.py"), PY_CLIENT_CREDENTIALS);
}

/// A `setup.py` is code and a manifest: one run fixes both, in one diff and one write.
#[test]
fn setup_py_code_and_dependencies_are_fixed_in_one_run() {
    let setup = format!(
        "{PY_CLIENT_CREDENTIALS}\nfrom setuptools import setup\n\nsetup(name=\"x\", install_requires=[\"adal>=1.2\"])\n"
    );
    let fx = Fixture::with(&[("setup.py", &setup)]);
    let run = fx.run(&["--diff", "--unsafe-fixes"]);
    run.expect_code(1)
        .stdout_contains("\n-import adal\n+import msal\n")
        .stdout_contains("\n+setup(name=\"x\", install_requires=[\"msal>=1.23.0\"])\n");
    assert_eq!(
        run.stdout.matches("+++ b/setup.py").count(),
        1,
        "{}",
        run.stdout
    );
    assert_eq!(fx.read_text("setup.py"), setup);

    fx.run(&["--fix", "--unsafe-fixes"]).expect_code(0);
    let fixed = fx.read_text("setup.py");
    assert!(fixed.contains("import msal\n"), "{fixed}");
    assert!(
        fixed.contains("install_requires=[\"msal>=1.23.0\"]"),
        "{fixed}"
    );
    fx.run(&["--fix", "--unsafe-fixes"]).expect_code(0);
    assert_eq!(fx.read_text("setup.py"), fixed);
}

/// pip rejects a requirement without hashes in a hash-pinned file: such a file is never
/// edited, and what it would need is shown.
#[test]
fn hash_pinned_requirements_are_shown_never_edited() {
    let pinned = "adal==1.2.7 --hash=sha256:00000000000000000000000000000000000000000000000000000000000000aa\n";
    let fx = Fixture::with(&[
        ("app.py", PY_CLIENT_CREDENTIALS),
        ("requirements.txt", pinned),
    ]);
    fx.run(&["--fix", "--unsafe-fixes"])
        .expect_code(1)
        .stdout_contains("Declare `msal>=1.23.0`")
        .stdout_contains("pins hashes");
    assert_eq!(fx.read_text("requirements.txt"), pinned);
    assert!(fx.read_text("app.py").contains("import msal\n"));
}

#[test]
fn diff_and_fix_cannot_be_combined() {
    let fx = Fixture::with(&[("app.py", PY_CLIENT_CREDENTIALS)]);
    fx.run(&["--diff", "--fix", "--unsafe-fixes"])
        .expect_code(2)
        .stderr_contains("--fix");
    assert_eq!(fx.read_text("app.py"), PY_CLIENT_CREDENTIALS);
}

// ---------------------------------------------------------------------------------------------
// 7. Bad input
// ---------------------------------------------------------------------------------------------

/// Runs in text and in JSON and checks that `path` has an error containing `needle`, that
/// `good.py` is still reported, and that the exit code is `code` in both formats.
#[track_caller]
fn assert_reported_error(
    fx: &Fixture,
    args: &[&str],
    path: &str,
    needle: &str,
    code: i32,
) -> Report {
    let text = fx.run(args);
    text.expect_code(code);
    assert!(
        text.stdout
            .lines()
            .any(|line| line.starts_with(&format!("error: {path}: ")) && line.contains(needle)),
        "no `error: {path}: ...{needle}...` line\n{}",
        text.describe()
    );
    text.stdout_contains("good.py:1:1");
    let mut json_args = vec!["--format", "json"];
    json_args.extend_from_slice(args);
    let json = fx.run(&json_args);
    json.expect_code(code);
    let report = json.report();
    assert!(
        report.errors_for(path).iter().any(|m| m.contains(needle)),
        "no JSON error for {path} containing {needle:?}\n{}",
        json.describe()
    );
    assert_eq!(
        report.rules_for("good.py"),
        ["adal-import"],
        "{}",
        json.describe()
    );
    report
}

#[test]
fn binary_file_with_a_python_name_is_a_tool_error_and_the_rest_is_scanned() {
    let fx = Fixture::with(&[("good.py", GOOD_PY)]);
    fx.write("blob.py", b"import adal\0\xff\xfe\x00\x01binary");
    let report = assert_reported_error(&fx, &[], "blob.py", "binary file", 2);
    assert!(report.rules_for("blob.py").is_empty());
}

#[test]
fn invalid_utf8_file_is_scanned_but_not_fixed() {
    let mut bytes = b"import adal\nname = '\xe9t\xe9'  # Latin-1\n".to_vec();
    bytes.extend_from_slice(
        b"context = adal.AuthenticationContext(\"https://login.microsoftonline.com/t\")\n\
          token = context.acquire_token_with_client_credentials(\"https://r/\", \"id\", \"secret\")\n",
    );
    let fx = Fixture::with(&[("good.py", GOOD_PY)]);
    fx.write("latin1.py", &bytes);
    let args = ["--fix", "--unsafe-fixes"];
    let text = fx.run(&args);
    text.expect_code(1)
        .stdout_contains("warning: latin1.py: not valid UTF-8 (at line 2): findings are reported, fixes are not applied")
        .stdout_contains("good.py:1:1");
    let (run, report) = fx.json(&args);
    run.expect_code(1);
    assert_eq!(
        report.rules_for("latin1.py"),
        [
            "adal-import",
            "adal-authentication-context",
            "adal-acquire-token-with-client-credentials",
            "hardcoded-client-secret"
        ]
    );
    assert!(
        report
            .errors_for("latin1.py")
            .iter()
            .any(|m| m.contains("UTF-8") && m.contains("not applied"))
    );
    assert_eq!(report.rules_for("good.py"), ["adal-import"]);
    assert_eq!(
        fx.read("latin1.py"),
        bytes,
        "an undecodable file was rewritten"
    );
}

#[test]
fn file_with_a_syntax_error_is_reported_but_never_rewritten() {
    let source = format!("{PY_CLIENT_CREDENTIALS}\ndef broken(:\n    pass\n");
    let fx = Fixture::with(&[("good.py", GOOD_PY), ("broken.py", &source)]);
    let args = ["--fix", "--unsafe-fixes"];
    let text = fx.run(&args);
    text.expect_code(1)
        .stdout_contains("warning: broken.py: syntax error at line 13")
        .stdout_contains("good.py:1:1");
    let (run, report) = fx.json(&args);
    run.expect_code(1);
    assert!(
        report
            .rules_for("broken.py")
            .contains(&"adal-acquire-token-with-client-credentials".to_string())
    );
    assert!(
        report
            .errors_for("broken.py")
            .iter()
            .any(|m| m.contains("syntax error")),
        "{}",
        run.describe()
    );
    assert_eq!(report.rules_for("good.py"), ["adal-import"]);
    assert_eq!(
        fx.read_text("broken.py"),
        source,
        "a file with a syntax error was rewritten"
    );
}

/// tree-sitter's Python grammar joins a line ending in `=` (nothing but a comment on its
/// right) to the next one without an error node; Python refuses the file all the same.
#[test]
fn assignment_with_only_a_comment_on_its_right_is_a_syntax_error_and_never_rewritten() {
    let source = PY_CLIENT_CREDENTIALS.replace(
        "client_id = \"00000000-0000-0000-0000-000000000001\"",
        "client_id = # insert it here",
    );
    let fx = Fixture::with(&[("broken.py", &source)]);
    let args = ["--fix", "--unsafe-fixes"];
    fx.run(&args)
        .expect_code(1)
        .stdout_contains("warning: broken.py: syntax error at line 6");
    let (run, report) = fx.json(&args);
    run.expect_code(1);
    assert!(
        report
            .rules_for("broken.py")
            .contains(&"adal-acquire-token-with-client-credentials".to_string()),
        "{}",
        run.describe()
    );
    assert_eq!(
        fx.read_text("broken.py"),
        source,
        "a file with a syntax error was rewritten"
    );
}

#[test]
fn empty_files_are_scanned_without_findings() {
    let fx = Fixture::with(&[("empty.py", ""), ("empty.js", ""), ("good.py", GOOD_PY)]);
    let (run, report) = fx.json(&["--fix", "--unsafe-fixes"]);
    run.expect_code(1);
    assert!(report.errors().is_empty(), "{}", run.describe());
    assert_eq!(report.paths(), ["good.py"]);
    assert_eq!(report.summary("files_scanned"), 3);
    assert!(fx.read("empty.py").is_empty() && fx.read("empty.js").is_empty());
    // Alone, an empty file is a clean run.
    fx.run(&["empty.py"]).expect_code(0);
}

#[test]
fn twenty_megabyte_file_is_scanned_with_a_finding_on_line_one() {
    let fx = Fixture::new();
    let mut text = String::from("import adal\n");
    let line = format!("padding = \"{}\"\n", "x".repeat(1000));
    while text.len() < 20 * 1024 * 1024 {
        text.push_str(&line);
    }
    fx.write("big.py", &text);
    fx.write("good.py", GOOD_PY);
    let (run, report) = fx.json(&["-j", "2"]);
    run.expect_code(1);
    assert!(report.errors().is_empty(), "{}", run.stderr);
    assert_eq!(
        report.findings(),
        [
            ("big.py".to_string(), "adal-import".to_string(), 1),
            ("good.py".to_string(), "adal-import".to_string(), 1)
        ]
    );
}

#[test]
fn file_over_the_size_limit_is_skipped_with_an_error() {
    let fx = Fixture::with(&[("good.py", GOOD_PY)]);
    // Sparse: the size is checked before anything is read.
    let file = fs::File::create(fx.path("huge.py")).expect("create");
    file.set_len(65 * 1024 * 1024).expect("set length");
    assert_reported_error(&fx, &[], "huge.py", "over the 64 MiB limit", 2);
}

#[test]
fn unreadable_file_is_a_tool_error_and_the_rest_is_scanned() {
    let fx = Fixture::with(&[("good.py", GOOD_PY)]);
    // Reading /proc/self/mem from offset 0 fails with EIO, even for root.
    fx.symlink("/proc/self/mem", "mem.py");
    assert_reported_error(&fx, &[], "mem.py", "cannot read", 2);
}

#[test]
fn permission_denied_file_is_a_tool_error_when_it_cannot_be_read() {
    let fx = Fixture::with(&[("good.py", GOOD_PY), ("locked.py", GOOD_PY)]);
    fx.set_mode("locked.py", 0o000);
    let readable = fs::File::open(fx.path("locked.py")).is_ok();
    if readable {
        // Running as root: the file stays readable, so only the run's sanity is checked.
        let (run, report) = fx.json(&[]);
        run.expect_code(1);
        assert_eq!(report.paths(), ["good.py", "locked.py"]);
    } else {
        assert_reported_error(&fx, &[], "locked.py", "permission denied", 2);
    }
    fx.set_mode("locked.py", 0o644);
}

#[test]
fn broken_symlink_is_reported_and_the_rest_is_scanned() {
    let fx = Fixture::with(&[("good.py", GOOD_PY)]);
    fx.symlink("missing.py", "dangling.py");
    assert_reported_error(&fx, &[], "dangling.py", "broken symbolic link", 2);
}

#[test]
fn symlink_loop_is_reported_and_the_rest_is_scanned() {
    let fx = Fixture::with(&[("good.py", GOOD_PY), ("sub/inner.py", GOOD_PY)]);
    fx.symlink(".", "loop");
    fx.symlink("..", "sub/up");
    let report = assert_reported_error(&fx, &[], "loop", "symbolic link loop", 2);
    assert!(
        report
            .errors_for("sub/up")
            .iter()
            .any(|m| m.contains("loop"))
    );
    // Each real file is reported once, not once per trip round the loop.
    assert_eq!(report.rules_for("sub/inner.py"), ["adal-import"]);
    assert_eq!(report.summary("files_scanned"), 2);
}

#[test]
fn named_path_that_does_not_exist_is_a_tool_error() {
    let fx = Fixture::with(&[("good.py", GOOD_PY)]);
    assert_reported_error(&fx, &[".", "nope.py"], "nope.py", "no such file", 2);
}

#[test]
fn file_that_parses_too_slowly_is_reported_and_the_run_goes_on() {
    // tree-sitter-python's comment scanner is quadratic over long runs of comment lines;
    // such a file is given up on after `--parse-timeout` seconds, with a message.
    let fx = Fixture::with(&[("good.py", GOOD_PY)]);
    let mut text = String::from("import adal\n");
    for _ in 0..4000 {
        text.push_str(&format!("# {}\n", "p".repeat(1021)));
    }
    fx.write("comments.py", &text);
    assert_reported_error(
        &fx,
        &["--parse-timeout", "0.001", "."],
        "comments.py",
        "parsing took longer than",
        2,
    );
}

/// A minimal valid pack, with `extra` appended to its only rule.
fn custom_pack(extra: &str) -> String {
    format!(
        r#"[pack]
name = "custom"
languages = ["python"]
library = "adal"
successor = "msal"
triggers = ["adal"]

[[rule]]
id = "custom-import"
severity = "info"
message = "custom import finding"
help = "h"
url = "https://example.invalid/"
{extra}"#
    )
}

/// The 1-based line of `text` holding `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .expect("needle in text")
        + 1
}

#[test]
fn unknown_key_in_a_rule_file_is_reported_with_its_path_and_line() {
    let pack = custom_pack("match.import = \"adal\"\nfrobnicate = true\n");
    let fx = Fixture::with(&[("rules/bad.toml", &pack), ("good.py", GOOD_PY)]);
    let line = line_of(&pack, "frobnicate");
    let run = fx.run(&["--rules", "rules"]);
    run.expect_code(2)
        .stderr_contains("unknown field `frobnicate`")
        .stderr_contains(&format!("┌─ rules/bad.toml:{line}:1"))
        .stdout_lacks("good.py");
    fx.run(&["--rules", "rules", "--format", "json"])
        .expect_code(2)
        .stderr_contains("rules/bad.toml");
}

#[test]
fn invalid_match_in_a_rule_file_is_reported_with_its_path_and_line() {
    let pack =
        custom_pack("match = { import = \"adal\", call = \"adal.AuthenticationContext\" }\n");
    let fx = Fixture::with(&[("rules/bad.toml", &pack), ("good.py", GOOD_PY)]);
    let line = line_of(&pack, "match = {");
    fx.run(&["--rules", "rules"])
        .expect_code(2)
        .stderr_contains("`match` needs exactly one of")
        .stderr_contains(&format!("┌─ rules/bad.toml:{line}:"));
    let query = custom_pack("match = { query = \"(call function: (identifier) @f\" }\n");
    fx.write("rules/bad.toml", &query);
    fx.run(&["--rules", "rules"])
        .expect_code(2)
        .stderr_contains("invalid tree-sitter query")
        .stderr_contains(&format!(
            "┌─ rules/bad.toml:{}:",
            line_of(&query, "match = {")
        ));
}

#[test]
fn rules_directory_without_packs_is_a_tool_error() {
    let fx = Fixture::with(&[("good.py", GOOD_PY)]);
    fx.mkdir("rules");
    fx.run(&["--rules", "rules"])
        .expect_code(2)
        .stderr_contains("rules");
    fx.run(&["--rules", "no-such-dir"])
        .expect_code(2)
        .stderr_contains("no-such-dir");
}

// ---------------------------------------------------------------------------------------------
// 8. Rules and selection
// ---------------------------------------------------------------------------------------------

/// One Python and one Node finding.
fn two_pack_tree() -> Fixture {
    Fixture::with(&[
        ("a.py", GOOD_PY),
        ("b.js", "const adal = require(\"adal-node\");\n"),
    ])
}

#[test]
fn list_rules_shows_every_rule_with_its_fix_applicability() {
    let fx = Fixture::new();
    let run = fx.run(&["--list-rules"]);
    run.expect_code(0);
    let line = |id: &str| {
        run.stdout
            .lines()
            .find(|l| l.split_whitespace().next() == Some(id))
            .unwrap_or_else(|| panic!("{id} not listed\n{}", run.describe()))
            .to_string()
    };
    assert!(line("adal-acquire-token-with-client-credentials").contains(" unsafe "));
    assert!(line("adal-import").contains(" no fix "));
    for id in [
        "adal-authentication-context",
        "adal-node-import",
        "adal-node-authentication-context",
        "adal-node-acquire-token-with-client-credentials",
        "adal-node-create-authentication-context",
    ] {
        line(id);
    }
    run.stdout_contains("adal-python (")
        .stdout_contains("adal-node (");
}

#[test]
fn select_pack_runs_only_that_pack() {
    let fx = two_pack_tree();
    let (run, report) = fx.json(&["--select", "adal-node"]);
    run.expect_code(1);
    assert_eq!(report.paths(), ["b.js"]);
    assert_eq!(
        report.summary("files_parsed"),
        1,
        "the Python file should not pass the prefilter"
    );
}

#[test]
fn select_and_ignore_take_rule_ids_and_pack_names() {
    let fx = two_pack_tree();
    let (_, report) = fx.json(&["--ignore", "adal-node"]);
    assert_eq!(report.paths(), ["a.py"]);
    let (_, report) = fx.json(&["--select", "adal-import,adal-node-import"]);
    assert_eq!(report.paths(), ["a.py", "b.js"]);
    let (_, report) = fx.json(&[
        "--select",
        "adal-import",
        "--select",
        "adal-node-import",
        "--ignore",
        "adal-import",
    ]);
    assert_eq!(report.paths(), ["b.js"]);
    let (run, report) = fx.json(&["--select", "adal-python", "--ignore", "adal-python"]);
    run.expect_code(0);
    assert!(report.findings().is_empty());
}

/// Like ruff, `--select` and `--ignore` take one value per flag, so the paths after them
/// stay paths.
#[test]
fn select_and_ignore_take_one_value_per_flag_and_paths_follow() {
    let fx = two_pack_tree();
    fx.write("sub/c.py", "import adal\n");
    let (run, report) = fx.json(&["--select", "adal-python", "sub"]);
    run.expect_code(1);
    assert_eq!(report.paths(), ["sub/c.py"]);
    let (_, report) = fx.json(&["--ignore", "adal-node", "b.js", "sub"]);
    assert_eq!(
        report.paths(),
        ["sub/c.py"],
        "b.js has only adal-node findings"
    );
    let (_, report) = fx.json(&["--select", "adal-node,adal-python", "sub", "b.js"]);
    assert_eq!(report.paths(), ["b.js", "sub/c.py"]);
}

#[test]
fn version_names_the_rule_packs() {
    let fx = Fixture::new();
    let run = fx.run_exact(&["--version"]);
    run.expect_code(0)
        .stdout_contains(&format!("adalint {} (rules ", env!("CARGO_PKG_VERSION")))
        .stdout_contains(" packs, ");
}

#[test]
fn completions_are_printed_for_each_shell() {
    let fx = Fixture::new();
    for (shell, marker) in [
        ("bash", "complete -F _adalint"),
        ("zsh", "#compdef adalint"),
        ("fish", "complete -c adalint"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        fx.run_exact(&["completions", shell])
            .expect_code(0)
            .stdout_contains(marker)
            .stdout_contains("select");
    }
    fx.run_exact(&["completions", "tcsh"]).expect_code(2);
}

/// The progress line is for terminals: piped runs (every test run) never print it.
#[test]
fn no_progress_line_when_standard_error_is_not_a_terminal() {
    let fx = two_pack_tree();
    let run = fx.run(&[]);
    assert!(
        !run.stderr.contains("scanning"),
        "progress on a pipe:\n{}",
        run.stderr
    );
}

#[test]
fn unknown_rule_name_is_a_tool_error() {
    let fx = two_pack_tree();
    fx.run(&["--select", "adal-nope"])
        .expect_code(2)
        .stderr_contains("`adal-nope`");
    fx.run(&["--ignore", "adal-nope"])
        .expect_code(2)
        .stderr_contains("`adal-nope`");
    fx.run(&["--select", "adal-node,adal-nope"])
        .expect_code(2)
        .stderr_contains("`adal-nope`");
}

#[test]
fn rules_directory_replaces_the_embedded_packs() {
    let pack = custom_pack("match.import = \"adal\"\n");
    let fx = Fixture::with(&[
        ("rules/custom.toml", &pack),
        ("a.py", GOOD_PY),
        ("b.js", "require(\"adal-node\");\n"),
    ]);
    let (run, report) = fx.json(&["--rules", "rules"]);
    run.expect_code(1);
    assert_eq!(
        report.findings(),
        [("a.py".to_string(), "custom-import".to_string(), 1)]
    );
    assert_eq!(report.diagnostics()[0]["severity"], "info");
    fx.run(&["--rules", "rules", "--list-rules"])
        .expect_code(0)
        .stdout_contains("custom-import")
        .stdout_lacks("adal-node-import");
}

// ---------------------------------------------------------------------------------------------
// 9. Exit codes and output plumbing
// ---------------------------------------------------------------------------------------------

#[test]
fn exit_codes_distinguish_clean_findings_and_tool_errors() {
    Fixture::with(&[("a.py", "print(1)\n")])
        .run(&[])
        .expect_code(0);
    Fixture::with(&[("a.py", GOOD_PY)]).run(&[]).expect_code(1);
    let fx = Fixture::with(&[("a.py", GOOD_PY)]);
    fx.write("b.py", b"\0");
    // A NUL byte without a trigger never reaches the decoder; with one it does.
    fx.write("c.py", b"adal\0");
    fx.run(&[]).expect_code(2);
}

#[test]
fn exit_zero_turns_findings_into_success() {
    let fx = Fixture::with(&[("a.py", GOOD_PY)]);
    fx.run(&["--exit-zero"])
        .expect_code(0)
        .stdout_contains("Found 1 finding in 1 file.");
    fx.run(&["--exit-zero", "--fix"]).expect_code(0);
}

#[test]
fn exit_zero_keeps_tool_errors_at_two() {
    let fx = Fixture::with(&[("a.py", GOOD_PY)]);
    fx.write("blob.py", b"import adal\0");
    fx.run(&["--exit-zero"]).expect_code(2);
    fx.run(&["--exit-zero", "--select", "nope"]).expect_code(2);
}

#[test]
fn quiet_prints_findings_without_the_summary() {
    let fx = Fixture::with(&[("a.py", GOOD_PY)]);
    fx.run(&["--quiet"])
        .expect_code(1)
        .stdout_contains("a.py:1:1")
        .stdout_lacks("Found 1 finding");
    fx.run(&["-q"]).expect_code(1).stdout_lacks("Found");
}

#[test]
fn quiet_still_reports_tool_errors() {
    let fx = Fixture::with(&[("a.py", GOOD_PY)]);
    fx.write("blob.py", b"import adal\0");
    let run = fx.run(&["--quiet"]);
    run.expect_code(2);
    assert!(
        run.stdout.contains("blob.py") || run.stderr.contains("blob.py"),
        "exit 2 with no word about blob.py\n{}",
        run.describe()
    );
}

#[test]
fn color_never_has_no_escape_codes_and_always_has_them() {
    let fx = Fixture::with(&[("a.py", GOOD_PY)]);
    let plain = fx.run_exact(&["--color", "never"]);
    plain.expect_code(1);
    assert!(!plain.stdout.contains('\x1b'), "{}", plain.describe());
    let coloured = fx.run_exact(&["--color", "always"]);
    coloured.expect_code(1);
    assert!(coloured.stdout.contains("\x1b["), "{}", coloured.describe());
    // Auto is off when standard output is not a terminal, as here.
    let auto = fx.run_exact(&[]);
    assert!(!auto.stdout.contains('\x1b'), "{}", auto.describe());
    let json = fx.run_exact(&["--color", "always", "--format", "json"]);
    json.report();
}

/// Starts adalint with a piped standard output, reads a few bytes, closes the pipe, and
/// returns the exit code.
fn exit_code_after_closing_stdout(fx: &Fixture, args: &[&str]) -> Option<i32> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_adalint"))
        .args(args)
        .current_dir(fx.root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn adalint");
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut first = [0_u8; 10];
    stdout
        .read_exact(&mut first)
        .expect("the first bytes of output");
    drop(stdout);
    let output = child.wait_with_output().expect("wait for adalint");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "adalint panicked: {stderr}");
    output.status.code()
}

#[test]
fn broken_pipe_on_stdout_exits_cleanly() {
    let fx = Fixture::new();
    for i in 0..300 {
        fx.write(&format!("f{i:03}.py"), PY_CLIENT_CREDENTIALS);
    }
    for args in [
        &["--color", "never"][..],
        &["--color", "never", "--format", "json"],
        &["--color", "never", "--diff", "--unsafe-fixes"],
    ] {
        let code = exit_code_after_closing_stdout(&fx, args);
        assert_ne!(
            code,
            Some(101),
            "adalint {args:?} panicked on a closed pipe"
        );
        assert_eq!(code, Some(0), "adalint {args:?} on a closed pipe");
    }
}

// ---------------------------------------------------------------------------------------------
// A library's own source
// ---------------------------------------------------------------------------------------------

/// Checkouts of `adal-node` and `msal` beside an application: the libraries' own files are
/// set aside with a notice each; the application and a look-alike package are reported.
#[test]
fn a_library_checkout_is_not_reported_as_usage() {
    let dir = support_root().join("fixtures/javascript/library-checkouts");
    let output = Command::new(env!("CARGO_BIN_EXE_adalint"))
        .args([".", "--format", "json", "--color", "never"])
        .current_dir(&dir)
        .output()
        .expect("adalint runs");
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON output");
    let paths: std::collections::BTreeSet<&str> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["path"].as_str())
        .collect();
    assert_eq!(
        paths.into_iter().collect::<Vec<_>>(),
        vec![
            "adal-node-app/package.json",
            "adal-node-app/server.js",
            "app/index.js"
        ],
        "{report}"
    );
    // With `--format json`, run notices go to standard error beside the report.
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr.lines().collect::<Vec<_>>(),
        vec![
            "adalint: warning: `adal-node` is the `adal-node` package itself (its `adal-node/package.json` names it): its 3 files are the library, not uses of it, and are not reported",
            "adalint: warning: `msal-python` is the `msal` package itself (its `msal-python/pyproject.toml` names it): its 2 files are the library, not uses of it, and are not reported",
        ]
    );
}

fn support_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}
