//! Project fixtures under `fixtures/manifests/`: each directory is a small project (sources,
//! manifests, lock files) linted as a whole, because what a manifest edit may do depends on
//! what the code imports after its own fixes.
//!
//! For each project, copied to a temporary directory:
//! 1. the findings, as `(file, line, rule)`, equal the `expect:` markers (`#` or `//`
//!    comments; for JSON files, lines `LINE: rule` in a `<name>.expect` sidecar);
//! 2. `--fix --unsafe-fixes` turns every file into its `.fixed` twin byte for byte
//!    (`requirements.fixed.txt`, `package.fixed.json`, `Pipfile.fixed`; no twin: unchanged);
//!    `UPDATE_FIXTURES=1` writes the twins, for review;
//! 3. fixed manifests still read as their format;
//! 4. a second run changes nothing.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use adalint::fix::FixThreshold;
use adalint::lint::{FixMode, LintOptions, lint_files};
use adalint::manifest::{LockKind, ManifestKind};
use adalint::registry::Registry;
use adalint::source::SourceText;
use adalint::walk::{IgnoreFiles, walk};

fn projects() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/manifests");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .expect("fixtures/manifests")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn is_fixture_input(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    !name.contains(".fixed") && !name.ends_with(".expect")
}

/// `requirements.txt` → `requirements.fixed.txt`; `Pipfile` → `Pipfile.fixed`.
fn twin_of(path: &Path) -> PathBuf {
    let name = path.file_name().and_then(|n| n.to_str()).expect("name");
    match name.rsplit_once('.') {
        Some((stem, extension)) if !stem.is_empty() => {
            path.with_file_name(format!("{stem}.fixed.{extension}"))
        }
        _ => path.with_file_name(format!("{name}.fixed")),
    }
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("readable")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Copies the fixture inputs of a project to a temporary directory.
fn copy_project(project: &Path) -> (tempfile::TempDir, Vec<PathBuf>) {
    let temporary = tempfile::tempdir().expect("temporary directory");
    let mut files = Vec::new();
    files_under(project, &mut files);
    let mut relative = Vec::new();
    for file in files.into_iter().filter(|f| is_fixture_input(f)) {
        let rel = file.strip_prefix(project).expect("inside").to_path_buf();
        let target = temporary.path().join(&rel);
        std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        std::fs::copy(&file, &target).expect("copy");
        relative.push(rel);
    }
    (temporary, relative)
}

fn comment_prefix(path: &Path) -> Option<&'static str> {
    if let Some(language) = adalint::language::Language::from_path(path) {
        return Some(language.comment_prefix());
    }
    // Requirement files included with `-r` may have any name.
    if path.extension().is_some_and(|e| e == "txt" || e == "in") {
        return Some("#");
    }
    ManifestKind::from_path(path).and_then(ManifestKind::comment_prefix)
}

/// The `(file, line, rule)` markers of a project's inputs.
fn expected(project: &Path, inputs: &[PathBuf]) -> BTreeSet<(String, usize, String)> {
    let mut out = BTreeSet::new();
    for rel in inputs {
        let path = project.join(rel);
        let name = rel.to_string_lossy().replace('\\', "/");
        let sidecar = PathBuf::from(format!("{}.expect", path.display()));
        if let Ok(text) = std::fs::read_to_string(&sidecar) {
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                let (number, rule) = line.split_once(':').expect("`LINE: rule`");
                out.insert((
                    name.clone(),
                    number.trim().parse().expect("line"),
                    rule.trim().to_string(),
                ));
            }
            continue;
        }
        let Some(prefix) = comment_prefix(&path) else {
            continue;
        };
        let marker = format!("{prefix} expect:");
        let text = std::fs::read_to_string(&path).expect("text");
        for (index, line) in text.lines().enumerate() {
            if let Some((_, rules)) = line.split_once(&marker) {
                for rule in rules.split(',').map(str::trim).filter(|r| !r.is_empty()) {
                    out.insert((name.clone(), index + 1, rule.to_string()));
                }
            }
        }
    }
    out
}

fn run(root: &Path, mode: FixMode, registry: &Registry) -> Vec<adalint::lint::FileReport> {
    let selection = registry.select(&[], &[]).expect("all rules");
    let walked = walk(&[root.to_path_buf()], IgnoreFiles::Disregard, 1);
    assert!(walked.errors.is_empty(), "{:?}", walked.errors);
    let roots = vec![std::fs::canonicalize(root).expect("root")];
    let options = LintOptions {
        mode,
        parse_time_limit: adalint::lint::PARSE_TIME_LIMIT,
        roots: &roots,
    };
    lint_files(&walked.files, &walked.manifests, &selection, &options)
}

fn relative(root: &Path, display: &str) -> String {
    let root = root.to_string_lossy().replace('\\', "/");
    let display = display.replace('\\', "/");
    let trimmed = display
        .strip_prefix(root.trim_start_matches("./"))
        .or_else(|| display.strip_prefix(&root))
        .unwrap_or(&display);
    trimmed.trim_start_matches('/').to_string()
}

fn check_project(project: &Path, registry: &Registry) -> Vec<String> {
    let mut failures = Vec::new();
    let (temporary, inputs) = copy_project(project);
    let root = temporary.path();
    let name = project
        .file_name()
        .expect("name")
        .to_string_lossy()
        .to_string();

    let reports = run(root, FixMode::Check, registry);
    let mut found = BTreeSet::new();
    for report in &reports {
        for error in &report.errors {
            failures.push(format!("{name}/{}: {}", report.display_path, error.message));
        }
        let text = SourceText::new(report.diagnostic_text());
        for diagnostic in &report.diagnostics {
            found.insert((
                relative(root, &report.display_path),
                text.position(diagnostic.range().start).line,
                diagnostic.rule().to_string(),
            ));
        }
    }
    let expected = expected(project, &inputs);
    for missing in expected.difference(&found) {
        failures.push(format!(
            "{name}/{}:{}: expected `{}`, not reported",
            missing.0, missing.1, missing.2
        ));
    }
    for extra in found.difference(&expected) {
        failures.push(format!(
            "{name}/{}:{}: reported `{}`, not expected",
            extra.0, extra.1, extra.2
        ));
    }

    let apply = FixMode::Apply(FixThreshold::SafeAndUnsafe);
    for report in run(root, apply, registry) {
        for error in &report.errors {
            failures.push(format!(
                "{name}/{} (fixing): {}",
                report.display_path, error.message
            ));
        }
    }
    for rel in &inputs {
        let original = std::fs::read_to_string(project.join(rel)).expect("input");
        let fixed = std::fs::read_to_string(root.join(rel)).expect("output");
        let twin = twin_of(&project.join(rel));
        if std::env::var_os("UPDATE_FIXTURES").is_some() && fixed != original {
            std::fs::write(&twin, &fixed).expect("write twin");
        }
        match std::fs::read_to_string(&twin) {
            Ok(expected) if expected != fixed => failures.push(format!(
                "{name}/{}: fixed output differs from {}:\n--- expected\n{expected}\n--- actual\n{fixed}",
                rel.display(),
                twin.display()
            )),
            Ok(_) => {}
            Err(_) if fixed != original => failures.push(format!(
                "{name}/{}: fixes change the file but there is no {} (UPDATE_FIXTURES=1, then review)",
                rel.display(),
                twin.display()
            )),
            Err(_) => {}
        }
        if fixed != original {
            let readable = match ManifestKind::from_path(rel) {
                Some(ManifestKind::PackageJson | ManifestKind::BowerJson) => {
                    serde_json::from_str::<serde_json::Value>(&fixed).is_ok()
                }
                Some(ManifestKind::Pyproject | ManifestKind::Pipfile) => {
                    fixed.parse::<toml::Table>().is_ok()
                }
                Some(ManifestKind::Lock(_)) => false,
                _ => true,
            };
            if !readable {
                failures.push(format!(
                    "{name}/{}: the fixed manifest does not parse",
                    rel.display()
                ));
            }
        }
    }
    let again = run(root, apply, registry);
    if again.iter().any(|r| r.fixed.is_some()) {
        failures.push(format!("{name}: a second `--fix` run changes files again"));
    }
    failures
}

#[test]
fn every_project_fixture_matches_its_markers_and_fixed_twins() {
    let registry = Registry::embedded().expect("embedded rules load");
    let failures: Vec<String> = projects()
        .iter()
        .flat_map(|p| check_project(p, &registry))
        .collect();
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn lock_files_are_never_edited() {
    assert_eq!(
        ManifestKind::from_path(Path::new("poetry.lock")),
        Some(ManifestKind::Lock(LockKind::PoetryLock))
    );
    for project in projects() {
        let mut files = Vec::new();
        files_under(&project, &mut files);
        for file in files {
            if matches!(ManifestKind::from_path(&file), Some(ManifestKind::Lock(_))) {
                assert!(
                    !twin_of(&file).exists(),
                    "{} has a fixed twin",
                    file.display()
                );
            }
        }
    }
}
