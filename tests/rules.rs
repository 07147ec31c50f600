//! Meta-tests over the rule packs: they load, they are all embedded, every rule is
//! exercised by a fixture, every fixture marker names a rule, and every fixable rule has a
//! fixed twin.

use std::collections::BTreeSet;
use std::path::Path;

use adalint::language::Language;
use adalint::manifest::ManifestKind;
use adalint::registry::{Registry, embedded_pack_paths};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_rule_file_is_embedded_and_loads() {
    let mut on_disk: Vec<String> = std::fs::read_dir(root().join("rules"))
        .expect("rules directory")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| format!("rules/{}", p.file_name().expect("name").to_string_lossy()))
        .collect();
    on_disk.sort();
    let mut embedded: Vec<String> = embedded_pack_paths()
        .into_iter()
        .map(String::from)
        .collect();
    embedded.sort();
    assert_eq!(
        on_disk, embedded,
        "every rules/*.toml must be embedded in registry.rs"
    );
    let registry = Registry::embedded().unwrap_or_else(|errors| {
        panic!(
            "embedded rules fail to load: {}",
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    assert!(registry.rules().count() > 0);
    let from_dir =
        Registry::from_dir(&root().join("rules")).expect("rules load from the directory");
    assert_eq!(from_dir.rules().count(), registry.rules().count());
}

/// Every `(rule, fixture file)` pair named by a marker.
/// The code cells' text of a notebook, where its markers are.
fn notebook_code(text: &str) -> String {
    let notebook: serde_json::Value = serde_json::from_str(text).expect("notebook JSON");
    let mut code = String::new();
    for cell in notebook["cells"].as_array().expect("cells") {
        if cell["cell_type"] != "code" {
            continue;
        }
        match &cell["source"] {
            serde_json::Value::String(source) => code.push_str(source),
            serde_json::Value::Array(lines) => {
                for line in lines {
                    code.push_str(line.as_str().expect("a source line"));
                }
            }
            _ => {}
        }
        code.push('\n');
    }
    code
}

fn markers() -> Vec<(String, std::path::PathBuf)> {
    let mut out = Vec::new();
    let mut stack = vec![root().join("fixtures")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("fixtures dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.to_string_lossy().contains(".fixed") {
                continue;
            }
            // JSON fixtures keep their markers in a `<name>.expect` sidecar: `LINE: rule`.
            if path.extension().is_some_and(|e| e == "expect") {
                let text = std::fs::read_to_string(&path).expect("sidecar text");
                for line in text.lines() {
                    if let Some((_, rule)) = line.split_once(':') {
                        out.push((rule.trim().to_string(), path.clone()));
                    }
                }
                continue;
            }
            let prefixes: Vec<&str> = match Language::from_path(&path) {
                Some(language) => language.comment_prefixes().to_vec(),
                None => match ManifestKind::from_path(&path).and_then(ManifestKind::comment_prefix)
                {
                    Some(prefix) => vec![prefix],
                    None => continue,
                },
            };
            let text = std::fs::read_to_string(&path).expect("fixture text");
            let text = if path.extension().is_some_and(|e| e == "ipynb") {
                notebook_code(&text)
            } else {
                text
            };
            for line in text.lines() {
                for prefix in &prefixes {
                    let marker = format!("{prefix} expect:");
                    if let Some((_, rules)) = line.split_once(&marker) {
                        let rules = rules.trim_end();
                        let rules = rules.strip_suffix("-->").unwrap_or(rules);
                        for rule in rules.split(',').map(str::trim).filter(|r| !r.is_empty()) {
                            out.push((rule.to_string(), path.clone()));
                        }
                        break;
                    }
                }
            }
        }
    }
    out
}

#[test]
fn every_rule_has_a_fixture_and_every_marker_names_a_rule() {
    let registry = Registry::embedded().expect("embedded rules load");
    let ids: BTreeSet<String> = registry.rules().map(|r| r.id().to_string()).collect();
    let markers = markers();
    let marked: BTreeSet<String> = markers.iter().map(|(rule, _)| rule.clone()).collect();
    let unknown: Vec<String> = markers
        .iter()
        .filter(|(rule, _)| !ids.contains(rule))
        .map(|(rule, path)| format!("{rule} in {}", path.display()))
        .collect();
    assert!(
        unknown.is_empty(),
        "markers name unknown rules: {unknown:?}"
    );
    // Reported only by fix runs, so no marker can name it; tests/manifests.rs checks what it
    // adds through fixed twins (fixtures/manifests/python-pyproject/pyproject.fixed.toml).
    let fix_runs_only = ["undeclared-dependency".to_string()];
    let untested: Vec<&String> = ids
        .difference(&marked)
        .filter(|id| !fix_runs_only.contains(id))
        .collect();
    assert!(
        untested.is_empty(),
        "rules without a fixture line expecting them: {untested:?}"
    );
}

#[test]
fn every_fixable_rule_has_a_fixed_twin() {
    let registry = Registry::embedded().expect("embedded rules load");
    let markers = markers();
    // Display-only fixes never change a file: only applicable fixes need a twin.
    let applicable = |r: &adalint::registry::RuleInfo<'_>| {
        r.fix_applicability()
            .is_some_and(|a| a != adalint::fix::Applicability::DisplayOnly)
    };
    for rule in registry.rules().filter(applicable) {
        let has_twin = markers.iter().any(|(id, path)| {
            id == rule.id() && {
                let stem = path
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .unwrap_or_default();
                let extension = path
                    .extension()
                    .and_then(|s| s.to_str())
                    .unwrap_or_default();
                path.with_file_name(format!("{stem}.fixed.{extension}"))
                    .exists()
            }
        });
        assert!(
            has_twin,
            "fixable rule `{}` has no fixture with a .fixed twin",
            rule.id()
        );
    }
}

#[test]
fn rule_ids_are_kebab_case_and_have_help_and_docs() {
    let registry = Registry::embedded().expect("embedded rules load");
    for rule in registry.rules() {
        assert!(
            rule.id()
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}",
            rule.id()
        );
        assert!(!rule.help().trim().is_empty(), "{} has no help", rule.id());
        assert!(
            rule.url().starts_with("https://"),
            "{} has no documentation URL",
            rule.id()
        );
    }
}

/// MSAL.js needs the redirect URI registered under the "Single-page application" platform,
/// a portal change no fix can make: every browser rule's help says so.
#[test]
fn every_browser_rule_names_the_portal_change() {
    let registry = Registry::embedded().expect("embedded rules load");
    let browser: Vec<&str> = registry
        .packs()
        .iter()
        .filter(|p| {
            [
                "@azure/msal-browser",
                "@azure/msal-react",
                "@azure/msal-angular",
            ]
            .iter()
            .any(|successor| p.successor.starts_with(successor))
        })
        .map(|p| p.name.as_str())
        .collect();
    assert!(!browser.is_empty(), "no browser packs");
    for rule in registry.rules().filter(|r| browser.contains(&r.pack())) {
        assert!(
            rule.help().contains("\"Single-page application\" platform"),
            "{} does not mention the Single-page application platform",
            rule.id()
        );
    }
}
