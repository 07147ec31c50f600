//! Property tests on mutated fixtures: whatever a file holds, adalint does not panic or abort,
//! exits 0, 1 or 2, never breaks a file that parsed, converges in one `--fix`, and writes
//! nothing outside the paths it scans.
//!
//! Every fixture input is mutated (byte flips, truncation, deleted and duplicated tokens,
//! deep nesting, huge lines, CRLF and BOM splices; invalid UTF-8 in the binary run) with a
//! fixed seed, so a failure is reproducible; proptest shrinks it to a small case, which then
//! belongs in `fixtures/regressions/`. `ADALINT_FUZZ_CASES` sets the cases per fixture
//! (default 3) for a longer soak.

mod support;

use std::path::PathBuf;

use adalint::fix::FixThreshold;
use adalint::language::Language;
use adalint::lint::{FixMode, INTERNAL_ERROR, has_syntax_errors, lint_text};
use adalint::registry::Registry;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

/// One change to a file's bytes.
#[derive(Clone, Debug)]
enum Mutation {
    FlipBit(Index, u8),
    Truncate(Index),
    /// Deletes the run of word characters (or the single other byte) at a position.
    DeleteToken(Index),
    DuplicateToken(Index),
    /// Wraps the text from a position in `depth` openers, closed at the end.
    Nest(Index, usize, u8),
    HugeLine(Index, usize),
    Crlf,
    Bom,
    /// Invalid UTF-8 (binary run only: text APIs take `&str`).
    InvalidUtf8(Index),
}

fn mutation(invalid_utf8: bool) -> BoxedStrategy<Mutation> {
    let common = prop_oneof![
        (any::<Index>(), 0u8..8).prop_map(|(at, bit)| Mutation::FlipBit(at, bit)),
        any::<Index>().prop_map(Mutation::Truncate),
        any::<Index>().prop_map(Mutation::DeleteToken),
        any::<Index>().prop_map(Mutation::DuplicateToken),
        (any::<Index>(), 1usize..3_000, 0u8..4).prop_map(|(at, d, k)| Mutation::Nest(at, d, k)),
        (any::<Index>(), 1usize..200_000).prop_map(|(at, n)| Mutation::HugeLine(at, n)),
        Just(Mutation::Crlf),
        Just(Mutation::Bom),
    ];
    if invalid_utf8 {
        prop_oneof![9 => common, 1 => any::<Index>().prop_map(Mutation::InvalidUtf8)].boxed()
    } else {
        common.boxed()
    }
}

fn token_at(bytes: &[u8], at: usize) -> std::ops::Range<usize> {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    if !bytes.get(at).copied().is_some_and(word) {
        return at..(at + 1).min(bytes.len());
    }
    let start = bytes[..at]
        .iter()
        .rposition(|&b| !word(b))
        .map_or(0, |i| i + 1);
    let end = bytes[at..]
        .iter()
        .position(|&b| !word(b))
        .map_or(bytes.len(), |i| at + i);
    start..end
}

fn apply(bytes: &mut Vec<u8>, mutation: &Mutation) {
    let at = |index: &Index, bytes: &Vec<u8>| {
        if bytes.is_empty() {
            0
        } else {
            index.index(bytes.len())
        }
    };
    match mutation {
        Mutation::FlipBit(index, bit) => {
            if !bytes.is_empty() {
                let i = at(index, bytes);
                // Within ASCII, so text stays UTF-8 where the binary run does not ask
                // otherwise.
                bytes[i] = (bytes[i] ^ (1 << (bit % 7))) & 0x7f;
                if bytes[i] == 0 {
                    bytes[i] = b' ';
                }
            }
        }
        Mutation::Truncate(index) => {
            let i = at(index, bytes);
            bytes.truncate(i);
        }
        Mutation::DeleteToken(index) => {
            let range = token_at(bytes, at(index, bytes));
            bytes.drain(range);
        }
        Mutation::DuplicateToken(index) => {
            let range = token_at(bytes, at(index, bytes));
            let token = bytes[range.clone()].to_vec();
            bytes.splice(range.end..range.end, token);
        }
        Mutation::Nest(index, depth, kind) => {
            let (open, close) =
                [(b'(', b')'), (b'[', b']'), (b'{', b'}'), (b'(', b')')][usize::from(*kind % 4)];
            let i = at(index, bytes);
            bytes.splice(i..i, std::iter::repeat_n(open, *depth));
            bytes.extend(std::iter::repeat_n(close, *depth));
        }
        Mutation::HugeLine(index, length) => {
            let i = at(index, bytes);
            bytes.splice(i..i, b"x".repeat(*length));
        }
        Mutation::Crlf => {
            let mut out = Vec::with_capacity(bytes.len() * 2);
            for &b in bytes.iter() {
                if b == b'\n' {
                    out.push(b'\r');
                }
                out.push(b);
            }
            *bytes = out;
        }
        Mutation::Bom => bytes.splice(0..0, [0xef, 0xbb, 0xbf]).for_each(drop),
        Mutation::InvalidUtf8(index) => {
            let i = at(index, bytes);
            bytes.splice(i..i, [0xff, 0xfe, 0xc3]);
        }
    }
}

/// Cases per fixture.
fn cases() -> u32 {
    std::env::var("ADALINT_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3)
}

fn runner(cases: u32, seed: u8) -> TestRunner {
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 200,
        ..Config::default()
    };
    TestRunner::new_with_rng(
        config,
        TestRng::from_seed(RngAlgorithm::ChaCha, &[seed; 32]),
    )
}

/// Every fixture input (not `.fixed` twins), recursively, sorted.
fn fixture_inputs() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![support::root().join("fixtures")];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("fixtures").flatten() {
            let path = entry.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if path.is_dir() {
                pending.push(path);
            } else if Language::from_path(&path).is_some() && !name.contains(".fixed.") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn mutated_fixtures_never_panic_and_fixes_keep_code_parsing_and_converge() {
    let registry = Registry::embedded().expect("embedded rules");
    let selection = registry.select(&[], &[]).expect("all rules");
    let fix = FixMode::Apply(FixThreshold::SafeAndUnsafe);
    let mut failures = Vec::new();
    for (number, path) in fixture_inputs().iter().enumerate() {
        let language = Language::from_path(path).expect("language");
        let original = std::fs::read(path).expect("fixture");
        let seed = u8::try_from(number % 251).expect("seed");
        let result = runner(cases(), seed).run(
            &proptest::collection::vec(mutation(false), 1..4),
            |mutations| {
                let mut bytes = original.clone();
                for m in &mutations {
                    apply(&mut bytes, m);
                }
                let text = String::from_utf8_lossy(&bytes).into_owned();
                let report = lint_text(path, language, &text, &selection, fix);
                for error in &report.errors {
                    prop_assert!(
                        !error.message.starts_with(INTERNAL_ERROR),
                        "{}",
                        error.message
                    );
                }
                let Some(fixed) = report.fixed else {
                    return Ok(());
                };
                if !has_syntax_errors(language, &text) {
                    prop_assert!(
                        !has_syntax_errors(language, &fixed),
                        "the fix broke code that parsed:\n{fixed}"
                    );
                }
                let again = lint_text(path, language, &fixed, &selection, fix);
                prop_assert!(
                    again.fixed.is_none(),
                    "a second --fix changed the file again:\n--- first ---\n{fixed}\n--- second ---\n{}",
                    again.fixed.unwrap_or_default()
                );
                Ok(())
            },
        );
        if let Err(error) = result {
            failures.push(format!("{}: {error}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The binary on a tree of mutated fixtures (invalid UTF-8 included), with a file outside
/// the tree that a link inside points to.
#[test]
fn the_binary_on_a_tree_of_mutated_files_exits_0_1_or_2_and_writes_only_inside_its_roots() {
    let outside = tempfile::tempdir().expect("temporary directory");
    let sentinel = outside.path().join("outside.py");
    let sentinel_text =
        "import adal\nc = adal.AuthenticationContext('https://login.windows.net/x')\n";
    std::fs::write(&sentinel, sentinel_text).expect("write");
    let tree = tempfile::tempdir().expect("temporary directory");
    // `ADALINT_FUZZ_KEEP=1` keeps the tree, to reproduce a failure by hand.
    let tree_path = if std::env::var_os("ADALINT_FUZZ_KEEP").is_some() {
        tree.keep()
    } else {
        tree.path().to_path_buf()
    };
    let root = tree_path.join("project");
    std::fs::create_dir_all(&root).expect("mkdir");
    std::os::unix::fs::symlink(&sentinel, root.join("linked.py")).expect("symlink");
    let inputs = fixture_inputs();
    let mut runner = runner(1, 42);
    let strategy = proptest::collection::vec(mutation(true), 1..4);
    let mut parsed_before = Vec::new();
    for (number, path) in inputs.iter().enumerate() {
        for copy in 0..cases() {
            let mutations = strategy.new_tree(&mut runner).expect("mutations").current();
            let mut bytes = std::fs::read(path).expect("fixture");
            for m in &mutations {
                apply(&mut bytes, m);
            }
            let name = path.file_name().and_then(|n| n.to_str()).expect("name");
            let relative = format!("{number:03}-{copy}/{name}");
            let target = root.join(&relative);
            std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
            std::fs::write(&target, &bytes).expect("write");
            let language = Language::from_path(path).expect("language");
            if let Ok(text) = std::str::from_utf8(&bytes) {
                if !has_syntax_errors(language, text.trim_start_matches('\u{feff}')) {
                    parsed_before.push((relative, language));
                }
            }
        }
    }
    let run = |args: &[&str]| support::adalint(&root, args);
    let first = run(&[
        "--fix",
        "--unsafe-fixes",
        "--format",
        "json",
        "-j",
        "2",
        ".",
    ]);
    assert!(
        matches!(first.code, 0..=2),
        "exit {}:\n{}",
        first.code,
        first.stderr
    );
    for output in [&first.stdout, &first.stderr] {
        assert!(!output.contains(INTERNAL_ERROR), "{output}");
        assert!(!output.contains("panicked"), "{output}");
    }
    assert_eq!(
        std::fs::read_to_string(&sentinel).expect("read"),
        sentinel_text,
        "a file outside the roots was written"
    );
    for (relative, language) in &parsed_before {
        let text = std::fs::read_to_string(root.join(relative)).expect("read");
        assert!(
            !has_syntax_errors(*language, text.trim_start_matches('\u{feff}')),
            "{relative}: the fix broke code that parsed"
        );
    }
    let after_first = support::snapshot(&root);
    let second = run(&["--fix", "--unsafe-fixes", "-q", "-j", "2", "."]);
    assert!(matches!(second.code, 0..=2), "{}", second.stderr);
    assert!(
        after_first == support::snapshot(&root),
        "a second --fix changed files again"
    );
}
