//! `--write-baseline` / `--baseline`: a baseline written today hides today's findings,
//! also after unrelated lines move them, still fails on a new one, and counts fixed ones.

mod support;

use serde_json::Value;
use support::Project;

const AUTH: &str = r#"import adal


def token(client_id, secret):
    context = adal.AuthenticationContext("https://login.microsoftonline.com/contoso")
    return context.acquire_token_with_client_credentials("https://vault.azure.net", client_id, secret)
"#;

fn findings(stdout: &str) -> Vec<(String, String)> {
    let json: Value = serde_json::from_str(stdout).expect("JSON output");
    json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().expect("rule").to_string(),
                d["path"].as_str().expect("path").to_string(),
            )
        })
        .collect()
}

fn project() -> Project {
    let project = Project::new();
    project.write("billing/auth.py", AUTH);
    project.write("web/auth.js", "const adal = require(\"adal-node\");\n");
    project
}

#[test]
fn a_baseline_written_today_hides_todays_findings() {
    let project = project();
    let written = project.run(&[".", "--write-baseline", "adalint-baseline.json"]);
    assert_eq!(written.code, 0, "{}", written.all());
    assert!(
        written.stdout.contains("recorded 4 findings"),
        "{}",
        written.stdout
    );
    let compared = project.run(&[
        ".",
        "--baseline",
        "adalint-baseline.json",
        "--format",
        "json",
    ]);
    assert_eq!(compared.code, 0, "{}", compared.all());
    assert!(findings(&compared.stdout).is_empty());
}

#[test]
fn inserted_lines_above_old_findings_do_not_make_them_new() {
    let project = project();
    project.run(&[".", "--write-baseline", "baseline.json"]);
    let moved = format!("\"\"\"Billing.\"\"\"\nimport os\n\nLIMIT = 3\n\n{AUTH}");
    project.write("billing/auth.py", &moved);
    let indented = AUTH.replace("    context = ", "    # a comment\n    context  =  ");
    project.write(
        "billing/auth.py",
        &format!("{moved}\n\ndef other():\n    pass\n"),
    );
    let compared = project.run(&[".", "--baseline", "baseline.json", "--format", "json"]);
    assert_eq!(compared.code, 0, "{}", compared.all());
    assert!(findings(&compared.stdout).is_empty());
    project.write("billing/auth.py", &indented);
    let reformatted = project.run(&[".", "--baseline", "baseline.json", "--format", "json"]);
    assert_eq!(
        reformatted.code,
        0,
        "whitespace changes keep findings known: {}",
        reformatted.all()
    );
}

#[test]
fn a_new_finding_fails_the_run_and_is_the_only_one_reported() {
    let project = project();
    project.run(&[".", "--write-baseline", "baseline.json"]);
    project.write(
        "billing/auth.py",
        &format!("{AUTH}\n\ndef again():\n    return adal.AuthenticationContext(\"https://login.microsoftonline.com/fabrikam\")\n"),
    );
    let compared = project.run(&[".", "--baseline", "baseline.json", "--format", "json"]);
    assert_eq!(compared.code, 1, "{}", compared.all());
    assert_eq!(
        findings(&compared.stdout),
        vec![(
            "adal-authentication-context".to_string(),
            "billing/auth.py".to_string()
        )]
    );
}

#[test]
fn an_identical_second_finding_is_new() {
    let project = project();
    project.run(&[".", "--write-baseline", "baseline.json"]);
    project.write(
        "web/auth.js",
        "const adal = require(\"adal-node\");\nconst again = require(\"adal-node\");\n",
    );
    let compared = project.run(&[".", "--baseline", "baseline.json", "--format", "json"]);
    assert_eq!(compared.code, 1);
    assert_eq!(findings(&compared.stdout).len(), 1);
}

#[test]
fn fixed_findings_are_counted_as_gone() {
    let project = project();
    project.run(&[".", "--write-baseline", "baseline.json"]);
    std::fs::remove_file(project.path().join("web/auth.js")).expect("remove");
    let compared = project.run(&[".", "--baseline", "baseline.json"]);
    assert_eq!(compared.code, 0, "{}", compared.all());
    assert!(
        compared
            .stdout
            .contains("1 baseline entries are gone (fixed)"),
        "{}",
        compared.stdout
    );
    // JSON keeps its documented shape; the notice goes to standard error beside it.
    let json = project.run(&[".", "--baseline", "baseline.json", "--format", "json"]);
    let _: Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert!(
        json.stderr.contains("1 baseline entries are gone (fixed)"),
        "{}",
        json.all()
    );
}

#[test]
fn a_file_that_is_not_a_baseline_is_a_tool_error() {
    let project = project();
    project.write("baseline.json", "{\"something\": 1}");
    let compared = project.run(&[".", "--baseline", "baseline.json"]);
    assert_eq!(compared.code, 2);
    assert!(
        compared.stderr.contains("not an adalint baseline"),
        "{}",
        compared.stderr
    );
}
