//! Reliability: one bad file never takes the run down, and `--fix` never loses a file.
//!
//! 1. Deep code: every shape of nesting tree-sitter can build (concatenations, parentheses,
//!    brackets, calls, member chains, blocks, destructuring, JSX ...) far past the analysis
//!    depth, beside ordinary files: no abort, every file reported, fixes withheld only where
//!    the analysis stopped.
//! 2. A panic in one file's analysis (injected in debug builds) is that file's error.
//! 3. Faults while writing fixes: a run killed at random moments, two runs at once, a
//!    read-only file, a full disk. Every file ends with its old text or its new one, and a
//!    later run finishes the job and leaves no temporary file behind.
//! 4. Soak: every fixture and example, several copies, fixed with 1, 2 and 8 threads: the
//!    same output and the same files.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use support::{adalint, snapshot};

/// How deep the generated code nests: far past the analysis bound and any stack.
const DEEP: usize = 20_000;

const PY_HEAD: &str = "import adal\n";
const PY_TAIL: &str = "\nctx = adal.AuthenticationContext('https://login.windows.net/t')\ntok = ctx.acquire_token_with_client_credentials('r', 'c', 's')\nprint(tok['accessToken'])\n";
const JS_HEAD: &str = "const adal = require('adal-node');\n";
const JS_TAIL: &str = "\nconst ctx = new adal.AuthenticationContext('https://login.windows.net/t');\nctx.acquireTokenWithClientCredentials('r', 'c', 's', (e, t) => console.log(t.accessToken));\n";

fn repeat(piece: &str, times: usize) -> String {
    piece.repeat(times)
}

fn joined(piece: &str, separator: &str, times: usize) -> String {
    vec![piece; times].join(separator)
}

/// Deeply nested code of every shape, as `(file name, text)`; each file imports ADAL on its
/// first line and uses it after the deep part.
fn deep_files(n: usize) -> Vec<(String, String)> {
    let python = [
        ("concat", format!("x = {}", joined("\"a\"", " + ", n))),
        (
            "parens",
            format!("x = {}1{}", repeat("(", n), repeat(")", n)),
        ),
        ("lists", format!("x = {}{}", repeat("[", n), repeat("]", n))),
        (
            "dicts",
            format!("x = {}1{}", repeat("{'a': ", n), repeat("}", n)),
        ),
        (
            "calls",
            format!("x = {}1{}", repeat("f(", n), repeat(")", n)),
        ),
        ("attributes", format!("x = a{}", repeat(".b", n))),
        ("method_chain", format!("x = a{}", repeat(".b()", n))),
        ("subscripts", format!("x = a{}", repeat("[0]", n))),
        ("not", format!("x = {}y", repeat("not ", n))),
        ("unary", format!("x = {}1", repeat("-", n))),
        ("lambdas", format!("x = {}1", repeat("lambda: ", n))),
        (
            "conditionals",
            format!("x = {}2", repeat("1 if c else ", n)),
        ),
        (
            "tuple_target",
            format!("{}a{} = 1", repeat("(", n), repeat(")", n)),
        ),
        (
            "list_target",
            format!("{}a{} = 1", repeat("[", n), repeat("]", n)),
        ),
        (
            "context_argument",
            format!(
                "ctx0 = adal.AuthenticationContext({})",
                joined("\"a\"", " + ", n)
            ),
        ),
        (
            "awaits",
            format!("async def g():\n    return {}x", repeat("await ", n)),
        ),
        ("booleans", format!("x = {}", joined("a", " and ", n))),
    ];
    let javascript = [
        (
            "concat",
            format!("const s = {};", joined("\"a\"", " + ", n)),
        ),
        (
            "parens",
            format!("const s = {}1{};", repeat("(", n), repeat(")", n)),
        ),
        (
            "arrays",
            format!("const s = {}{};", repeat("[", n), repeat("]", n)),
        ),
        (
            "objects",
            format!("const s = {}1{};", repeat("{a: ", n), repeat("}", n)),
        ),
        (
            "calls",
            format!("const s = {}1{};", repeat("f(", n), repeat(")", n)),
        ),
        ("members", format!("const s = a{};", repeat(".b", n))),
        (
            "then_chain",
            format!("const s = a{};", repeat(".then()", n)),
        ),
        ("subscripts", format!("const s = a{};", repeat("[0]", n))),
        ("unary", format!("const s = {}x;", repeat("!", n))),
        ("arrows", format!("const s = {}1;", repeat("() => ", n))),
        (
            "functions",
            format!(
                "const s = {}1{};",
                repeat("function () { return ", n),
                repeat("; }", n)
            ),
        ),
        ("blocks", format!("{}{}", repeat("{", n), repeat("}", n))),
        ("ifs", format!("{};", repeat("if (a) ", n))),
        (
            "conditionals",
            format!("const s = {}2;", repeat("c ? 1 : ", n)),
        ),
        ("assignments", format!("a{};", repeat(" = a", n))),
        (
            "array_pattern",
            format!("const {}a{} = x;", repeat("[", n), repeat("]", n)),
        ),
        (
            "object_pattern",
            format!("const {}b{} = x;", repeat("{a: ", n), repeat("}", n)),
        ),
        (
            "templates",
            format!("const s = {}1{};", repeat("`${", n), repeat("}`", n)),
        ),
        (
            "jsx",
            format!("const s = {}{};", repeat("<a>", n), repeat("</a>", n)),
        ),
        (
            "context_argument",
            format!(
                "const c0 = new adal.AuthenticationContext({});",
                joined("\"a\"", " + ", n)
            ),
        ),
        ("news", format!("const s = {}X;", repeat("new ", n))),
        (
            "classes",
            format!(
                "const s = {}1{};",
                repeat("class { m() { return ", n),
                repeat(" } }", n)
            ),
        ),
    ];
    python
        .into_iter()
        .map(|(name, body)| {
            (
                format!("deep_{name}.py"),
                format!("{PY_HEAD}{body}{PY_TAIL}"),
            )
        })
        .chain(javascript.into_iter().map(|(name, body)| {
            (
                format!("deep_{name}.js"),
                format!("{JS_HEAD}{body}{JS_TAIL}"),
            )
        }))
        .collect()
}

/// An ordinary file whose client-credentials call `--fix --unsafe-fixes` rewrites.
const ORDINARY: &str = "import adal\n\ncontext = adal.AuthenticationContext('https://login.microsoftonline.com/contoso')\ntoken = context.acquire_token_with_client_credentials('https://graph.microsoft.com', 'id', 'secret')\nprint(token['accessToken'])\n";

fn write(root: &Path, relative: &str, text: impl AsRef<[u8]>) {
    let path = root.join(relative);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create directories");
    }
    std::fs::write(path, text).expect("write file");
}

fn json(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{stdout}"))
}

/// `(path, rule, line)` of every finding.
fn findings(report: &Value) -> Vec<(String, String, u64)> {
    report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap_or_default().to_string(),
                d["rule"].as_str().unwrap_or_default().to_string(),
                d["start"]["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

fn errors(report: &Value) -> Vec<(String, String)> {
    report["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["path"].as_str().unwrap_or_default().to_string(),
                e["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn copy_tree(from: &Path, to: &Path) {
    for (relative, bytes) in snapshot(from) {
        write(to, &relative, bytes);
    }
}

// -------------------------------------------------------------------------------------------
// 1. Deep code
// -------------------------------------------------------------------------------------------

#[test]
fn deep_code_of_every_shape_is_reported_and_the_run_goes_on() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let root = dir.path();
    let deep = deep_files(DEEP);
    for (name, text) in &deep {
        write(root, name, text);
    }
    write(root, "ordinary.py", ORDINARY);
    let output = adalint(root, &["--format", "json", "-j", "2", "."]);
    assert_eq!(output.code, 1, "{}", output.all());
    let report = json(&output.stdout);
    let found = findings(&report);
    let errors = errors(&report);
    for (name, _) in &deep {
        // The import on line 1 and the call after the deep part are both reported.
        let lines: Vec<u64> = found
            .iter()
            .filter(|(path, _, _)| path == name)
            .map(|(_, _, line)| *line)
            .collect();
        assert!(
            lines.contains(&1),
            "{name}: no finding on line 1: {lines:?}"
        );
        assert!(
            lines.iter().any(|&line| line >= 3),
            "{name}: nothing after the deep code is reported: {lines:?}"
        );
        assert!(
            !errors
                .iter()
                .any(|(path, message)| path == name && message.contains("internal error")),
            "{name}: {errors:?}"
        );
    }
    assert!(
        errors
            .iter()
            .any(|(_, message)| message.contains("nested deeper than 1000 levels")),
        "the files say what was not analysed: {errors:?}"
    );
    assert!(found.iter().any(|(path, _, _)| path == "ordinary.py"));
}

#[test]
fn a_fix_run_over_deep_code_fixes_the_other_files_and_leaves_the_deep_ones_alone() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let root = dir.path();
    let deep = deep_files(3_000);
    for (name, text) in &deep {
        write(root, name, text);
    }
    write(root, "ordinary.py", ORDINARY);
    let output = adalint(root, &["--fix", "--unsafe-fixes", "-j", "2", "."]);
    assert!(matches!(output.code, 0 | 1), "{}", output.all());
    for (name, text) in &deep {
        let after = std::fs::read_to_string(root.join(name)).expect("read");
        assert_eq!(&after, text, "{name} was changed");
    }
    let ordinary = std::fs::read_to_string(root.join("ordinary.py")).expect("read");
    assert!(ordinary.contains("msal"), "{ordinary}");
    assert!(
        output.all().contains("fixes are not applied"),
        "{}",
        output.all()
    );
}

#[test]
fn nesting_within_the_bound_is_analysed_and_fixed() {
    // 300 levels of parentheses around the resource: deep for people, not for the analysis.
    let dir = tempfile::tempdir().expect("temporary directory");
    let root = dir.path();
    let text = format!(
        "import adal\n\ncontext = adal.AuthenticationContext('https://login.microsoftonline.com/contoso')\ntoken = context.acquire_token_with_client_credentials({}'https://graph.microsoft.com'{}, 'id', 'secret')\nprint(token['accessToken'])\n",
        "(".repeat(300),
        ")".repeat(300)
    );
    write(root, "parens.py", &text);
    let output = adalint(root, &["--fix", "--unsafe-fixes", "parens.py"]);
    assert!(matches!(output.code, 0 | 1), "{}", output.all());
    assert!(!output.all().contains("nested deeper"), "{}", output.all());
    let fixed = std::fs::read_to_string(root.join("parens.py")).expect("read");
    assert!(fixed.contains("msal"), "{fixed}");
}

// -------------------------------------------------------------------------------------------
// 2. A panic is one file's error
// -------------------------------------------------------------------------------------------

#[test]
#[cfg(debug_assertions)]
fn a_panic_in_one_file_is_that_files_error_and_every_other_file_is_reported() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let root = dir.path();
    write(root, "a.py", ORDINARY);
    write(root, "b.py", ORDINARY);
    write(root, "c.js", JS_HEAD);
    let output = Command::new(env!("CARGO_BIN_EXE_adalint"))
        .args(["--format", "json", "."])
        .current_dir(root)
        .env("ADALINT_TEST_PANIC_IN", "b.py")
        .output()
        .expect("adalint runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(2), "{stdout}");
    let report = json(&stdout);
    let paths: Vec<String> = findings(&report).into_iter().map(|(p, _, _)| p).collect();
    assert!(paths.contains(&"a.py".to_string()) && paths.contains(&"c.js".to_string()));
    assert!(!paths.contains(&"b.py".to_string()));
    let errors = errors(&report);
    assert!(
        errors
            .iter()
            .any(|(path, message)| path == "b.py" && message.starts_with("internal error")),
        "{errors:?}"
    );
    // SARIF tells the dashboard too.
    let sarif = Command::new(env!("CARGO_BIN_EXE_adalint"))
        .args(["--format", "sarif", "."])
        .current_dir(root)
        .env("ADALINT_TEST_PANIC_IN", "b.py")
        .output()
        .expect("adalint runs");
    let sarif = json(&String::from_utf8_lossy(&sarif.stdout));
    let notifications =
        sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"].to_string();
    assert!(notifications.contains("internal error"), "{notifications}");
}

// -------------------------------------------------------------------------------------------
// 3. Faults while writing fixes
// -------------------------------------------------------------------------------------------

/// A tree of `copies` × the fixable single-file fixtures, with what each file becomes when a
/// run completes (computed by a run on a copy).
struct FixTree {
    dir: tempfile::TempDir,
    before: BTreeMap<String, Vec<u8>>,
    after: BTreeMap<String, Vec<u8>>,
    /// How long a whole run took.
    duration: Duration,
}

impl FixTree {
    fn new(copies: usize) -> FixTree {
        let dir = tempfile::tempdir().expect("temporary directory");
        let fixtures = support::root().join("fixtures");
        for language in ["python", "javascript", "typescript"] {
            for entry in std::fs::read_dir(fixtures.join(language))
                .expect("fixtures")
                .flatten()
            {
                let path = entry.path();
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
                if path.is_dir() || name.contains(".fixed.") {
                    continue;
                }
                let (Some(stem), Some(extension)) = (
                    path.file_stem().and_then(|s| s.to_str()),
                    path.extension().and_then(|s| s.to_str()),
                ) else {
                    continue;
                };
                let twin = path.with_file_name(format!("{stem}.fixed.{extension}"));
                if !twin.exists() {
                    continue;
                }
                let bytes = std::fs::read(&path).expect("fixture");
                for copy in 0..copies {
                    write(dir.path(), &format!("copy{copy}/{language}/{name}"), &bytes);
                }
            }
        }
        let before = snapshot(dir.path());
        let reference = tempfile::tempdir().expect("temporary directory");
        copy_tree(dir.path(), reference.path());
        let started = std::time::Instant::now();
        let output = adalint(
            reference.path(),
            &["--fix", "--unsafe-fixes", "-j", "2", "."],
        );
        let duration = started.elapsed();
        assert!(matches!(output.code, 0 | 1), "{}", output.all());
        let after = snapshot(reference.path());
        assert_ne!(before, after, "the tree has fixes to apply");
        FixTree {
            dir,
            before,
            after,
            duration,
        }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Every file holds its old text or its new one; no file is missing or added, but
    /// adalint's own temporary files (named as such) when `leftovers` allows them. Returns
    /// how many files hold their new text.
    #[track_caller]
    fn assert_whole(&self, leftovers: bool) -> usize {
        let now = snapshot(self.root());
        let mut fixed = 0;
        for (name, bytes) in &now {
            if name
                .rsplit('/')
                .next()
                .is_some_and(|n| n.starts_with(".adalint-") && n.ends_with(".tmp"))
            {
                assert!(leftovers, "temporary file left: {name}");
                continue;
            }
            let old = self
                .before
                .get(name)
                .unwrap_or_else(|| panic!("unexpected file {name}"));
            let new = &self.after[name];
            assert!(
                bytes == old || bytes == new,
                "{name} is neither its old nor its new text"
            );
            if bytes == new && new != old {
                fixed += 1;
            }
        }
        for name in self.before.keys() {
            assert!(now.contains_key(name), "{name} is lost");
        }
        fixed
    }

    #[track_caller]
    fn assert_fixed(&self) {
        self.assert_whole(false);
        assert_eq!(snapshot(self.root()), self.after);
    }
}

#[test]
fn a_run_killed_at_any_moment_leaves_every_file_whole_and_the_next_run_finishes() {
    let tree = FixTree::new(8);
    let to_fix = tree
        .before
        .iter()
        .filter(|(name, bytes)| tree.after[*name] != **bytes)
        .count();
    // Moments spread over a whole run's length, each on a fresh copy of the tree.
    let mut partial = 0;
    for tenth in 1..=9u32 {
        let copy = FixTree {
            dir: tempfile::tempdir().expect("temporary directory"),
            before: tree.before.clone(),
            after: tree.after.clone(),
            duration: tree.duration,
        };
        copy_tree(tree.root(), copy.root());
        let mut child = Command::new(env!("CARGO_BIN_EXE_adalint"))
            .args(["--fix", "--unsafe-fixes", "-q", "-j", "2", "."])
            .current_dir(copy.root())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("adalint starts");
        std::thread::sleep(tree.duration * tenth / 10);
        // SIGKILL: no chance to clean up.
        let _ = child.kill();
        let _ = child.wait();
        let fixed = copy.assert_whole(true);
        if fixed > 0 && fixed < to_fix {
            partial += 1;
        }
        let output = adalint(copy.root(), &["--fix", "--unsafe-fixes", "-j", "2", "."]);
        assert!(matches!(output.code, 0 | 1), "{}", output.all());
        copy.assert_fixed();
    }
    assert!(
        partial > 0,
        "no kill landed while files were being written ({to_fix} to fix, a run takes {:?})",
        tree.duration
    );
}

#[test]
fn two_fix_runs_at_once_lose_no_edit_and_corrupt_nothing() {
    let tree = FixTree::new(6);
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_adalint"))
            .args(["--fix", "--unsafe-fixes", "-q", "-j", "1", "."])
            .current_dir(tree.root())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("adalint starts")
    };
    let (first, second) = (spawn(), spawn());
    for child in [first, second] {
        let output = child.wait_with_output().expect("adalint ends");
        // A file the other run changed first is an error of this run, never overwritten.
        assert!(
            matches!(output.status.code(), Some(0..=2)),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    tree.assert_whole(false);
    let output = adalint(tree.root(), &["--fix", "--unsafe-fixes", "-j", "2", "."]);
    assert!(matches!(output.code, 0 | 1), "{}", output.all());
    tree.assert_fixed();
}

#[test]
fn a_read_only_file_is_an_error_and_the_rest_is_fixed() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("temporary directory");
    let root = dir.path();
    write(root, "locked.py", ORDINARY);
    write(root, "open.py", ORDINARY);
    std::fs::set_permissions(
        root.join("locked.py"),
        std::fs::Permissions::from_mode(0o444),
    )
    .expect("chmod");
    let output = adalint(root, &["--fix", "--unsafe-fixes", "."]);
    assert_eq!(output.code, 2, "{}", output.all());
    assert!(output.all().contains("read-only"), "{}", output.all());
    assert_eq!(
        std::fs::read_to_string(root.join("locked.py")).expect("read"),
        ORDINARY
    );
    assert!(
        std::fs::read_to_string(root.join("open.py"))
            .expect("read")
            .contains("msal")
    );
}

/// A small tmpfs mounted for the test, unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    /// `None` where this machine cannot mount one (not root, no tmpfs).
    fn mount(kilobytes: usize) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().ok()?;
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={kilobytes}k"), "tmpfs"])
            .arg(dir.path())
            .stderr(Stdio::null())
            .status()
            .ok()?;
        status.success().then_some(SmallDisk { dir })
    }

    fn path(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

#[test]
#[allow(
    clippy::print_stderr,
    reason = "a skipped check says so in the test output"
)]
fn a_full_disk_is_an_error_for_that_file_and_the_rest_is_fixed() {
    let Some(disk) = SmallDisk::mount(64) else {
        // Only root can mount a tmpfs; CI runs as root, so this is checked there.
        eprintln!("skipped: cannot mount a small tmpfs here");
        return;
    };
    let full = disk.path();
    // A big fixable file that fills the disk: its fixed copy cannot be written beside it.
    let filler = format!(
        "{ORDINARY}{}",
        "# padding line to fill the small disk\n".repeat(1_000)
    );
    write(&full, "big.py", &filler);
    let elsewhere = tempfile::tempdir().expect("temporary directory");
    write(elsewhere.path(), "small.py", ORDINARY);
    let output = adalint(
        elsewhere.path(),
        &[
            "--fix",
            "--unsafe-fixes",
            ".",
            full.to_str().expect("UTF-8 path"),
        ],
    );
    assert_eq!(output.code, 2, "{}", output.all());
    assert!(
        output.all().contains("No space left on device"),
        "{}",
        output.all()
    );
    assert_eq!(
        std::fs::read_to_string(full.join("big.py")).expect("read"),
        filler
    );
    let names: Vec<_> = std::fs::read_dir(&full).expect("list").flatten().collect();
    assert_eq!(names.len(), 1, "no temporary file stays on the full disk");
    assert!(
        std::fs::read_to_string(elsewhere.path().join("small.py"))
            .expect("read")
            .contains("msal")
    );
}

// -------------------------------------------------------------------------------------------
// 4. Soak
// -------------------------------------------------------------------------------------------

#[test]
fn fixing_every_fixture_and_example_gives_the_same_result_with_any_thread_count() {
    let source = tempfile::tempdir().expect("temporary directory");
    for copy in 0..3 {
        for top in ["fixtures", "examples"] {
            let from = support::root().join(top);
            copy_tree(&from, &source.path().join(format!("copy{copy}/{top}")));
        }
    }
    let mut results = Vec::new();
    for threads in ["1", "2", "8"] {
        let tree = tempfile::tempdir().expect("temporary directory");
        copy_tree(source.path(), tree.path());
        let output = adalint(
            tree.path(),
            &[
                "--fix",
                "--unsafe-fixes",
                "--format",
                "json",
                "-j",
                threads,
                ".",
            ],
        );
        assert!(matches!(output.code, 0..=2), "{}", output.all());
        assert!(!output.all().contains("internal error"), "{}", output.all());
        results.push((threads, output.stdout, snapshot(tree.path())));
    }
    let (_, stdout, files) = &results[0];
    for (threads, other_stdout, other_files) in &results[1..] {
        assert_eq!(stdout, other_stdout, "-j {threads}: different report");
        assert!(files == other_files, "-j {threads}: different files");
    }
}
