//! Jupyter notebooks: the fixtures of `fixtures/notebooks/` (markers in code cells,
//! `# expect: rule`, checked by cell and line; byte-exact `.fixed` twins; a notebook
//! without a twin is left byte-identical; fixing the fixed notebook changes nothing), and
//! the binary on notebooks: raw positions in JSON and SARIF (the region's text in the file
//! is the flagged code, JSON-escaped), the cell in text, JSON, SARIF and `--diff`,
//! suppressions, baselines, `--fix` writing only the changed cells, and invalid notebooks.

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use adalint::fix::FixThreshold;
use adalint::language::Language;
use adalint::lint::{FixMode, lint_text};
use adalint::notebook::Notebook;
use adalint::registry::Registry;
use serde_json::Value;
use support::Project;

fn fixtures() -> PathBuf {
    support::root().join("fixtures/notebooks")
}

fn inputs() -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .expect("fixtures/notebooks")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "ipynb") && !p.to_string_lossy().contains(".fixed.")
        })
        .collect();
    found.sort();
    found
}

fn twin_of(path: &Path) -> PathBuf {
    let stem = path.file_stem().and_then(|s| s.to_str()).expect("stem");
    path.with_file_name(format!("{stem}.fixed.ipynb"))
}

/// `(cell, line, rule)` of every `# expect: rule` marker in a notebook's code cells.
fn expected(notebook: &Notebook) -> BTreeSet<(usize, usize, String)> {
    let mut out = BTreeSet::new();
    for (cell, text) in notebook.code_cells() {
        for (index, line) in text.lines().enumerate() {
            if let Some((_, rules)) = line.split_once("# expect:") {
                for rule in rules.split(',').map(str::trim).filter(|r| !r.is_empty()) {
                    out.insert((cell, index + 1, rule.to_string()));
                }
            }
        }
    }
    out
}

/// The notebook's JSON without the cells' sources: what a fix must never change.
fn without_sources(text: &str) -> Value {
    let mut value: Value = serde_json::from_str(text).expect("valid JSON");
    for cell in value["cells"].as_array_mut().expect("cells") {
        cell.as_object_mut().expect("cell").remove("source");
    }
    value
}

#[test]
fn every_notebook_fixture_matches_its_markers_and_fixed_twin() {
    let registry = Registry::embedded().expect("embedded rules");
    let selection = registry.select(&[], &[]).expect("all rules");
    let mut failures = Vec::new();
    let inputs = inputs();
    assert!(inputs.len() >= 5, "notebook fixtures are missing");
    for path in &inputs {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).expect("fixture");
        let report = lint_text(path, Language::Python, &text, &selection, FixMode::Check);
        for error in &report.errors {
            failures.push(format!("{name}: {}", error.message));
        }
        let notebook = Notebook::parse(&text).expect("a notebook");
        let found: BTreeSet<(usize, usize, String)> = report
            .diagnostics
            .iter()
            .map(|d| {
                let at = report
                    .notebook
                    .as_ref()
                    .and_then(|n| n.cell_position(d.range().start))
                    .expect("a finding in a cell");
                (at.cell, at.line, d.rule().to_string())
            })
            .collect();
        let expected = expected(&notebook);
        for missing in expected.difference(&found) {
            failures.push(format!(
                "{name}: cell {}:{}: expected `{}`",
                missing.0, missing.1, missing.2
            ));
        }
        for extra in found.difference(&expected) {
            failures.push(format!(
                "{name}: cell {}:{}: reported `{}`",
                extra.0, extra.1, extra.2
            ));
        }

        let fix = FixMode::Apply(FixThreshold::SafeAndUnsafe);
        let fixed_report = lint_text(path, Language::Python, &text, &selection, fix);
        for error in &fixed_report.errors {
            failures.push(format!("{name} (fixing): {}", error.message));
        }
        let twin = twin_of(path);
        match (&fixed_report.fixed, std::fs::read_to_string(&twin)) {
            (Some(fixed), _) if std::env::var_os("UPDATE_FIXTURES").is_some() => {
                std::fs::write(&twin, fixed).expect("write the twin");
            }
            (Some(fixed), Ok(expected)) if *fixed != expected => failures.push(format!(
                "{name}: fixed output differs from {}:\n--- expected\n{expected}\n--- actual\n{fixed}",
                twin.display()
            )),
            (Some(_), Err(_)) => failures.push(format!("{name}: fixed, but has no twin")),
            (None, Ok(_)) => failures.push(format!("{name}: has a twin, but nothing was fixed")),
            _ => {}
        }
        if let Some(fixed) = &fixed_report.fixed {
            if without_sources(fixed) != without_sources(&text) {
                failures.push(format!("{name}: the fix changed more than cells' sources"));
            }
            if fixed.ends_with('\n') != text.ends_with('\n') {
                failures.push(format!("{name}: the fix changed the final line break"));
            }
            let again = lint_text(path, Language::Python, fixed, &selection, fix);
            if again.fixed.is_some() {
                failures.push(format!(
                    "{name}: fixing the fixed notebook changes it again"
                ));
            }
            if again
                .errors
                .iter()
                .any(|e| e.message.contains("syntax error"))
            {
                failures.push(format!("{name}: a fixed cell does not parse"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn copy_fixtures() -> Project {
    let project = Project::new();
    for path in inputs() {
        let name = path.file_name().and_then(|n| n.to_str()).expect("name");
        project.write(name, &std::fs::read_to_string(&path).expect("fixture"));
    }
    project
}

/// The text of the 1-based `line`, from the 1-based code-point `column`, `end_column`
/// exclusive (on that line).
fn on_line(text: &str, line: usize, column: usize, end_column: usize) -> String {
    let line = text.lines().nth(line - 1).expect("line");
    line.chars()
        .skip(column - 1)
        .take(end_column - column)
        .collect()
}

/// The decoded text of a JSON string's contents.
fn decoded(escaped: &str) -> String {
    serde_json::from_str(&format!("\"{escaped}\"")).expect("the region is JSON string text")
}

#[test]
fn sarif_regions_are_the_flagged_code_in_the_raw_notebook() {
    let project = copy_fixtures();
    let output = project.run(&["--format", "sarif", "."]);
    assert_eq!(output.code, 1, "{}", output.all());
    let log: Value = serde_json::from_str(&output.stdout).expect("SARIF");
    let results = log["runs"][0]["results"].as_array().expect("results");
    assert!(results.len() >= 10, "{}", output.stdout);
    for result in results {
        let location = &result["locations"][0]["physicalLocation"];
        let uri = location["artifactLocation"]["uri"].as_str().expect("uri");
        let raw = project.read(uri);
        let region = &location["region"];
        let number = |key: &str| region[key].as_u64().expect("number") as usize;
        let snippet = region["snippet"]["text"].as_str().expect("snippet");
        let cell = &result["properties"]["notebookCell"];
        let notebook = Notebook::parse(&raw).expect("notebook");
        let code = notebook
            .cell_text(cell["number"].as_u64().expect("cell") as usize)
            .expect("cell text");
        if number("startLine") == number("endLine") {
            let in_file = on_line(
                &raw,
                number("startLine"),
                number("startColumn"),
                number("endColumn"),
            );
            assert_eq!(in_file, snippet, "{uri}: {result}");
            // The region's text, decoded, is the code at the cell position.
            let line = code
                .lines()
                .nth(cell["startLine"].as_u64().expect("line") as usize - 1)
                .expect("cell line");
            let from: String = line
                .chars()
                .skip(cell["startColumn"].as_u64().expect("column") as usize - 1)
                .collect();
            assert!(
                from.starts_with(&decoded(snippet)),
                "{uri}: {from} / {snippet}"
            );
        } else {
            // Across lines of a cell: the region starts where the snippet does.
            let first = snippet.lines().next().expect("first line");
            let in_file = on_line(
                &raw,
                number("startLine"),
                number("startColumn"),
                number("startColumn") + first.chars().count(),
            );
            assert_eq!(in_file, first, "{uri}");
        }
    }
}

#[test]
fn json_positions_are_the_notebook_files_and_name_the_cell() {
    let project = copy_fixtures();
    let output = project.run(&["--format", "json", "client-credentials.ipynb"]);
    let json: Value = serde_json::from_str(&output.stdout).expect("JSON");
    let raw = project.read("client-credentials.ipynb");
    let diagnostic = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["rule"] == "adal-authentication-context")
        .expect("the context");
    let at = |p: &Value| {
        (
            p["line"].as_u64().unwrap() as usize,
            p["column"].as_u64().unwrap() as usize,
        )
    };
    let (line, column) = at(&diagnostic["start"]);
    let (end_line, end_column) = at(&diagnostic["end"]);
    assert_eq!(line, end_line);
    assert_eq!(
        on_line(&raw, line, column, end_column),
        "adal.AuthenticationContext(AUTHORITY)"
    );
    assert_eq!(diagnostic["cell"]["number"], 4);
    assert_eq!(at(&diagnostic["cell"]["start"]), (1, 11));
    // A secret-free string with escapes: the position counts the file's characters.
    let token = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "adal-acquire-token-with-client-credentials")
        .expect("the token call");
    let (line, column) = at(&token["start"]);
    assert!(
        on_line(&raw, line, column, column + 60)
            .starts_with("context.acquire_token_with_client_credentials(\\\"https://")
    );
    // Its fix is one edit of the file's bytes, spelled as JSON.
    let edit = &token["fix"]["edits"][0];
    assert!(edit["content"].as_str().unwrap().contains(
        "acquire_token_for_client(scopes=[\\\"https://management.core.windows.net//.default\\\"])"
    ));
}

#[test]
fn text_output_and_diff_name_the_cell() {
    let project = copy_fixtures();
    let text = project.run(&["client-credentials.ipynb"]);
    assert!(
        text.stdout.contains("client-credentials.ipynb:cell 4:1:11"),
        "{}",
        text.stdout
    );
    let diff = project.run(&["--diff", "--unsafe-fixes", "client-credentials.ipynb"]);
    assert!(
        diff.stdout.contains(
            "--- a/client-credentials.ipynb:cell 4\n+++ b/client-credentials.ipynb:cell 4\n"
        ),
        "{}",
        diff.stdout
    );
    assert!(
        diff.stdout
            .contains("-context = adal.AuthenticationContext(AUTHORITY)"),
        "{}",
        diff.stdout
    );
    assert!(!diff.stdout.contains("\"source\""), "{}", diff.stdout);
    assert_eq!(
        project.read("client-credentials.ipynb"),
        std::fs::read_to_string(fixtures().join("client-credentials.ipynb")).unwrap()
    );
}

#[test]
fn fix_rewrites_only_changed_cells_and_is_idempotent() {
    let project = copy_fixtures();
    let first = project.run(&["--fix", "--unsafe-fixes", "."]);
    assert!(matches!(first.code, 0 | 1), "{}", first.all());
    for path in inputs() {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap();
        let expected = std::fs::read_to_string(twin_of(&path))
            .unwrap_or_else(|_| std::fs::read_to_string(&path).unwrap());
        assert_eq!(project.read(name), expected, "{name}");
    }
    let before = support::snapshot(&project.path());
    let second = project.run(&["--fix", "--unsafe-fixes", "."]);
    assert!(matches!(second.code, 0 | 1), "{}", second.all());
    assert!(
        before == support::snapshot(&project.path()),
        "a second --fix changed files"
    );
}

#[test]
fn suppressions_in_cells_and_on_magic_lines_apply() {
    let project = copy_fixtures();
    let output = project.run(&["--format", "json", "suppressed.ipynb"]);
    let json: Value = serde_json::from_str(&output.stdout).expect("JSON");
    let rules: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, vec!["adal-acquire-token-with-username-password"]);
}

#[test]
fn a_baseline_of_a_notebook_survives_new_cells_above() {
    let project = copy_fixtures();
    let written = project.run(&[".", "--write-baseline", "baseline.json"]);
    assert_eq!(written.code, 0, "{}", written.all());
    let compared = project.run(&[".", "--baseline", "baseline.json", "--format", "json"]);
    assert_eq!(compared.code, 0, "{}", compared.all());
    // A new cell above moves every raw line; the findings stay known.
    let raw = project.read("client-credentials.ipynb");
    let moved = raw.replacen(
        "\"cells\": [\n",
        "\"cells\": [\n  {\n   \"cell_type\": \"code\",\n   \"execution_count\": null,\n   \"id\": \"new\",\n   \"metadata\": {},\n   \"outputs\": [],\n   \"source\": [\n    \"import os\\n\",\n    \"print(os.getcwd())\"\n   ]\n  },\n",
        1,
    );
    assert_ne!(moved, raw);
    project.write("client-credentials.ipynb", &moved);
    let after = project.run(&[".", "--baseline", "baseline.json", "--format", "json"]);
    assert_eq!(after.code, 0, "{}", after.all());
    // A second identical call is new.
    let doubled = moved.replace(
        "    \"context = adal.AuthenticationContext(AUTHORITY)",
        "    \"context = adal.AuthenticationContext(AUTHORITY)\\n\",\n    \"again = adal.AuthenticationContext(AUTHORITY)",
    );
    project.write("client-credentials.ipynb", &doubled);
    let new = project.run(&[".", "--baseline", "baseline.json", "--format", "json"]);
    assert_eq!(new.code, 1, "{}", new.all());
}

#[test]
fn an_invalid_notebook_is_an_error_for_that_file_and_the_run_goes_on() {
    let project = Project::new();
    project.write(
        "broken.ipynb",
        "{\"cells\": [\n  {\"cell_type\": \"code\", \"source\": [\"import adal\"]\n",
    );
    project.write("old.ipynb", "{\"cells\": [], \"nbformat\": 3}\n");
    project.write("auth.py", "import adal\n");
    let output = project.run(&["--format", "json", "."]);
    assert_eq!(output.code, 2, "{}", output.all());
    let json: Value = serde_json::from_str(&output.stdout).expect("JSON");
    let errors = json["errors"].as_array().unwrap();
    assert!(
        errors.iter().any(|e| e["path"] == "broken.ipynb"
            && e["message"].as_str().unwrap().contains("invalid JSON")),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e["path"] == "old.ipynb"
                && e["message"].as_str().unwrap().contains("nbformat 3")),
        "{errors:?}"
    );
    assert_eq!(json["diagnostics"][0]["path"], "auth.py");
}

#[test]
fn a_cell_that_does_not_parse_keeps_the_notebook_unfixed_and_says_where() {
    let project = Project::new();
    let text = "{\"cells\": [{\"cell_type\": \"code\", \"source\": [\"import adal\\n\"]}, {\"cell_type\": \"markdown\", \"source\": \"notes\"}, {\"cell_type\": \"code\", \"source\": [\"ctx = adal.AuthenticationContext(a)\\n\", \"tok = ctx.acquire_token_with_client_credentials(r, c, s)\\n\", \"def broken(:\\n\"]}], \"metadata\": {}, \"nbformat\": 4, \"nbformat_minor\": 5}\n";
    project.write("broken-cell.ipynb", text);
    let output = project.run(&["--fix", "--unsafe-fixes", "."]);
    assert!(
        output.stdout.contains(
            "syntax error at cell 3, line 3: findings are reported, fixes are not applied"
        ),
        "{}",
        output.all()
    );
    assert_eq!(project.read("broken-cell.ipynb"), text);
}

#[test]
fn a_literal_secret_in_a_cell_is_masked_in_every_output() {
    let project = Project::new();
    project.write(
        "secret.ipynb",
        "{\"cells\": [{\"cell_type\": \"code\", \"source\": [\"import adal\\n\", \"ctx = adal.AuthenticationContext(\\\"https://login.microsoftonline.com/contoso\\\")\\n\", \"tok = ctx.acquire_token_with_client_credentials(\\\"https://vault.azure.net\\\", \\\"cid\\\", \\\"Zq9-notebook-secret\\\")\"]}], \"metadata\": {}, \"nbformat\": 4, \"nbformat_minor\": 5}\n",
    );
    for format in ["text", "json", "sarif", "github"] {
        let output = project.run(&["--format", format, "secret.ipynb"]);
        assert!(
            output.stdout.contains("hardcoded-client-secret"),
            "{format}: {}",
            output.all()
        );
        assert!(
            !output.all().contains("Zq9-notebook-secret"),
            "{format}: {}",
            output.all()
        );
    }
    let diff = project.run(&["--diff", "--unsafe-fixes", "secret.ipynb"]);
    assert!(
        !diff.all().contains("Zq9-notebook-secret"),
        "{}",
        diff.all()
    );
}

#[test]
fn a_crlf_notebook_with_a_byte_order_mark_keeps_both() {
    let project = Project::new();
    let crlf = |name: &str| {
        let text = std::fs::read_to_string(fixtures().join(name)).expect("fixture");
        format!("\u{feff}{}", text.replace('\n', "\r\n"))
    };
    project.write("windows.ipynb", &crlf("client-credentials.ipynb"));
    let output = project.run(&["--fix", "--unsafe-fixes", "windows.ipynb"]);
    assert_eq!(output.code, 0, "{}", output.all());
    assert_eq!(
        project.read("windows.ipynb"),
        crlf("client-credentials.fixed.ipynb")
    );
}
