//! Data-driven rule tests: every file under `fixtures/` is linted with every rule.
//!
//! The files directly in a language directory (`fixtures/typescript/*.ts`) are linted one
//! by one; each directory below one (`fixtures/typescript/angular-app/`) is a project,
//! linted as a whole as `adalint DIR` lints it, so that its files can see each other
//! (imports, globals of classic scripts, a component's template).
//!
//! For each input (any file that is not a `.fixed.` twin):
//! 1. the findings, as `(line, rule)`, equal the `expect:` markers in its comments;
//! 2. fixing at the most permissive level gives, byte for byte, its `.fixed` twin (no twin:
//!    no fix may change the file). `UPDATE_FIXTURES=1` writes twins, for review;
//! 3. the fixed text parses without errors;
//! 4. fixing the fixed text again changes nothing (idempotence) and no applicable fix is
//!    left (convergence).
//!
//! A fixture whose text contains `fixture-target: azure-identity` is fixed toward that
//! target instead of MSAL.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use adalint::fix::FixThreshold;
use adalint::language::Language;
use adalint::lint::{FixMode, LintOptions, has_syntax_errors, lint_sources, lint_text};
use adalint::manifest::ManifestKind;
use adalint::registry::Registry;
use adalint::rule::FixTarget;
use adalint::source::SourceText;
use adalint::walk::{IgnoreFiles, SourcePath, walk};

/// The single-file fixtures (in `fixtures/<language>/`) and the project directories (one
/// level below).
fn fixture_files(dir: &Path, files: &mut Vec<PathBuf>, projects: &mut Vec<PathBuf>) {
    for language in sorted_entries(dir) {
        // Whole-project fixtures with manifests run in tests/manifests.rs, notebooks (whose
        // markers are in JSON strings) in tests/notebooks.rs.
        if !language.is_dir()
            || language
                .file_name()
                .is_some_and(|n| n == "manifests" || n == "notebooks")
        {
            continue;
        }
        for path in sorted_entries(&language) {
            if path.is_dir() {
                projects.push(path);
            } else if Language::from_path(&path).is_some() && !is_fixed_twin(&path) {
                files.push(path);
            }
        }
    }
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("fixtures directory is readable")
        .map(|e| e.expect("fixture entry").path())
        .collect();
    entries.sort();
    entries
}

/// Every fixture input under `dir`, recursively, with the manifests (which name a library's
/// own checkout).
fn project_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for path in sorted_entries(dir) {
        if path.is_dir() {
            project_files(&path, out);
        } else if (Language::from_path(&path).is_some() || ManifestKind::from_path(&path).is_some())
            && !is_fixed_twin(&path)
        {
            out.push(path);
        }
    }
}

fn is_fixed_twin(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.contains(".fixed."))
}

/// `dir/name.ext` → `dir/name.fixed.ext`.
pub fn twin_of(path: &Path) -> PathBuf {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .expect("fixture name");
    let extension = path
        .extension()
        .and_then(|s| s.to_str())
        .expect("fixture extension");
    path.with_file_name(format!("{stem}.fixed.{extension}"))
}

/// The rule ids a marker comment on `line` names (`// expect: a, b`, `<!-- expect: a -->`).
pub fn marker_rules(line: &str, language: Language) -> Vec<String> {
    for prefix in language.comment_prefixes() {
        let marker = format!("{prefix} expect:");
        if let Some((_, rules)) = line.split_once(&marker) {
            let rules = rules.trim_end();
            let rules = rules.strip_suffix("-->").unwrap_or(rules);
            return rules
                .split(',')
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(String::from)
                .collect();
        }
    }
    Vec::new()
}

/// The `(line, rule)` pairs a fixture's markers expect.
fn expected_markers(text: &str, language: Language) -> BTreeSet<(usize, String)> {
    let mut expected = BTreeSet::new();
    for (index, line) in text.lines().enumerate() {
        for rule in marker_rules(line, language) {
            expected.insert((index + 1, rule));
        }
    }
    expected
}

fn check_fixture(path: &Path, registry: &Registry) -> Vec<String> {
    let mut failures = Vec::new();
    let name = path.display().to_string();
    let language = Language::from_path(path).expect("fixture language");
    let text = std::fs::read_to_string(path).expect("fixture is UTF-8");
    // `fixture-target: azure-identity` in a fixture's text selects that fix target.
    let target = if text.contains("fixture-target: azure-identity") {
        FixTarget::AzureIdentity
    } else {
        FixTarget::Msal
    };
    let selection = registry
        .select(&["ALL".to_string()], &[])
        .expect("all rules")
        .with_target(target);

    let report = lint_text(path, language, &text, &selection, FixMode::Check);
    let source = SourceText::new(report.diagnostic_text());
    let found: BTreeSet<(usize, String)> = report
        .diagnostics
        .iter()
        .map(|d| (source.position(d.range().start).line, d.rule().to_string()))
        .collect();
    let expected = expected_markers(&text, language);
    for missing in expected.difference(&found) {
        failures.push(format!(
            "{name}:{}: expected `{}`, not reported",
            missing.0, missing.1
        ));
    }
    for extra in found.difference(&expected) {
        failures.push(format!(
            "{name}:{}: reported `{}`, not expected",
            extra.0, extra.1
        ));
    }

    let fix_mode = FixMode::Apply(FixThreshold::SafeAndUnsafe);
    let fixed_report = lint_text(path, language, &text, &selection, fix_mode);
    for error in &fixed_report.errors {
        failures.push(format!("{name}: {}", error.message));
    }
    let fixed = fixed_report.fixed.clone().unwrap_or_else(|| text.clone());
    let twin = twin_of(path);
    if std::env::var_os("UPDATE_FIXTURES").is_some() && fixed != text {
        std::fs::write(&twin, &fixed).expect("write the fixed twin");
    }
    match std::fs::read_to_string(&twin) {
        Ok(expected_fixed) if expected_fixed != fixed => failures.push(format!(
            "{name}: fixed output differs from {}:\n--- expected\n{expected_fixed}\n--- actual\n{fixed}",
            twin.display()
        )),
        Ok(_) => {}
        Err(_) if fixed != text => failures.push(format!(
            "{name}: fixes change the file but there is no {} (run with UPDATE_FIXTURES=1 and review)",
            twin.display()
        )),
        Err(_) => {}
    }
    if fixed != text {
        if has_syntax_errors(language, &fixed) {
            failures.push(format!("{name}: the fixed output does not parse"));
        }
        let again = lint_text(path, language, &fixed, &selection, fix_mode);
        if again.fixed.is_some() {
            failures.push(format!(
                "{name}: fixing the fixed output changes it again (not idempotent)"
            ));
        }
        let threshold = FixThreshold::SafeAndUnsafe;
        let left = again
            .diagnostics
            .iter()
            .filter(|d| {
                d.fix()
                    .is_some_and(|f| f.applicability() >= adalint::fix::Applicability::Unsafe)
            })
            .count();
        let _ = threshold;
        if left > 0 {
            failures.push(format!(
                "{name}: {left} applicable fixes remain after fixing (no convergence)"
            ));
        }
    }
    failures
}

/// `(file, line, rule)` of every finding of a run over a project copied to `root`.
fn project_findings(
    root: &Path,
    reports: &[adalint::lint::FileReport],
    files: &[SourcePath],
) -> BTreeSet<(String, usize, String)> {
    let mut found = BTreeSet::new();
    for (file, report) in files.iter().zip(reports) {
        let name = file
            .path
            .strip_prefix(root)
            .expect("inside the project")
            .to_string_lossy()
            .replace('\\', "/");
        let source = SourceText::new(report.diagnostic_text());
        for diagnostic in &report.diagnostics {
            found.insert((
                name.clone(),
                source.position(diagnostic.range().start).line,
                diagnostic.rule().to_string(),
            ));
        }
    }
    found
}

fn lint_project(
    root: &Path,
    registry: &Registry,
    mode: FixMode,
) -> (Vec<SourcePath>, Vec<adalint::lint::FileReport>) {
    let mut walked = walk(&[root.to_path_buf()], IgnoreFiles::Disregard, 1);
    assert!(walked.errors.is_empty(), "{:?}", walked.errors);
    // A library's own checkout is set aside, as `adalint DIR` sets it aside.
    adalint::library_project::set_aside(&mut walked, registry);
    let selection = registry
        .select(&["ALL".to_string()], &[])
        .expect("all rules");
    let options = LintOptions {
        mode,
        parse_time_limit: adalint::lint::PARSE_TIME_LIMIT,
        roots: &[],
    };
    let reports = lint_sources(&walked.files, &selection, &options);
    (walked.files, reports)
}

/// A project fixture: markers in every file, fixed twins, re-parse, idempotence.
fn check_project(project: &Path, registry: &Registry) -> Vec<String> {
    let mut failures = Vec::new();
    let mut inputs = Vec::new();
    project_files(project, &mut inputs);
    let temporary = tempfile::tempdir().expect("temporary directory");
    let root = temporary.path();
    let mut expected = BTreeSet::new();
    for input in &inputs {
        let relative = input.strip_prefix(project).expect("inside the project");
        let target = root.join(relative);
        std::fs::create_dir_all(target.parent().expect("parent")).expect("directory");
        std::fs::copy(input, &target).expect("copy");
        let Some(language) = Language::from_path(input) else {
            continue;
        };
        let text = std::fs::read_to_string(input).expect("fixture is UTF-8");
        let name = relative.to_string_lossy().replace('\\', "/");
        for (line, rule) in expected_markers(&text, language) {
            expected.insert((name.clone(), line, rule));
        }
    }
    let title = project.display().to_string();
    let (files, reports) = lint_project(root, registry, FixMode::Check);
    let found = project_findings(root, &reports, &files);
    for missing in expected.difference(&found) {
        failures.push(format!(
            "{title}/{}:{}: expected `{}`, not reported",
            missing.0, missing.1, missing.2
        ));
    }
    for extra in found.difference(&expected) {
        failures.push(format!(
            "{title}/{}:{}: reported `{}`, not expected",
            extra.0, extra.1, extra.2
        ));
    }
    let fix_mode = FixMode::Diff(FixThreshold::SafeAndUnsafe);
    let (files, reports) = lint_project(root, registry, fix_mode);
    let mut changed = false;
    for (file, report) in files.iter().zip(&reports) {
        for error in &report.errors {
            failures.push(format!(
                "{title}: {}: {}",
                file.path.display(),
                error.message
            ));
        }
        let relative = file.path.strip_prefix(root).expect("inside the project");
        let original = project.join(relative);
        let twin = twin_of(&original);
        let text = std::fs::read_to_string(&file.path).expect("fixture is UTF-8");
        let fixed = report.fixed.clone().unwrap_or_else(|| text.clone());
        if std::env::var_os("UPDATE_FIXTURES").is_some() && fixed != text {
            std::fs::write(&twin, &fixed).expect("write the fixed twin");
        }
        match std::fs::read_to_string(&twin) {
            Ok(expected_fixed) if expected_fixed != fixed => failures.push(format!(
                "{}: fixed output differs from {}",
                original.display(),
                twin.display()
            )),
            Ok(_) => {}
            Err(_) if fixed != text => failures.push(format!(
                "{}: fixes change the file but there is no {} (run with UPDATE_FIXTURES=1 and review)",
                original.display(),
                twin.display()
            )),
            Err(_) => {}
        }
        if fixed != text {
            changed = true;
            if has_syntax_errors(file.language, &fixed) {
                failures.push(format!(
                    "{}: the fixed output does not parse",
                    original.display()
                ));
            }
            std::fs::write(&file.path, &fixed).expect("write the fixed file");
        }
    }
    if changed {
        let (files, reports) = lint_project(root, registry, fix_mode);
        for (file, report) in files.iter().zip(&reports) {
            if report.fixed.is_some() {
                failures.push(format!(
                    "{title}: {}: fixing the fixed output changes it again (not idempotent)",
                    file.path.display()
                ));
            }
        }
    }
    failures
}

#[test]
fn every_fixture_matches_its_markers_and_fixed_twin() {
    let registry = Registry::embedded().expect("embedded rules load");
    let mut files = Vec::new();
    let mut projects = Vec::new();
    fixture_files(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .as_path(),
        &mut files,
        &mut projects,
    );
    assert!(!files.is_empty(), "no fixtures found");
    let failures: Vec<String> = files
        .iter()
        .flat_map(|f| check_fixture(f, &registry))
        .chain(projects.iter().flat_map(|p| check_project(p, &registry)))
        .collect();
    assert!(
        failures.is_empty(),
        "{} fixture failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
