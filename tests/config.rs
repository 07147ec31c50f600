//! The configuration file: found by walking up from the scanned path, `adalint.toml` or
//! `[tool.adalint]` in `pyproject.toml`; flags override it; unknown keys are errors that
//! point at their line.

mod support;

use serde_json::Value;
use support::{Project, adalint};

fn rules(stdout: &str) -> Vec<String> {
    let json: Value = serde_json::from_str(stdout).expect("JSON output");
    json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            format!(
                "{}:{}",
                d["path"].as_str().unwrap_or(""),
                d["rule"].as_str().unwrap_or("")
            )
        })
        .collect()
}

const CONTEXT: &str =
    "import adal\nc = adal.AuthenticationContext(\"https://login.microsoftonline.com/t\")\n";

#[test]
fn configuration_is_found_above_the_scanned_path() {
    let project = Project::new();
    project.write(
        "adalint.toml",
        "ignore = [\"adal-import\"]\nformat = \"json\"\n",
    );
    project.write("svc/app/auth.py", CONTEXT);
    let output = adalint(&project.path().join("svc"), &["app"]);
    assert_eq!(
        rules(&output.stdout),
        vec!["app/auth.py:adal-authentication-context"]
    );
}

#[test]
fn pyproject_tool_table_is_read() {
    let project = Project::new();
    project.write(
        "pyproject.toml",
        "[project]\nname = \"svc\"\n\n[tool.adalint]\nselect = [\"adal-import\"]\nexclude = [\"vendor\"]\n",
    );
    project.write("auth.py", CONTEXT);
    project.write("vendor/lib.py", CONTEXT);
    let output = project.run(&[".", "--format", "json"]);
    assert_eq!(rules(&output.stdout), vec!["auth.py:adal-import"]);
}

#[test]
fn command_line_flags_override_the_configuration() {
    let project = Project::new();
    project.write(
        "adalint.toml",
        "select = [\"adal-import\"]\nformat = \"github\"\n",
    );
    project.write("auth.py", CONTEXT);
    let output = project.run(&[
        ".",
        "--format",
        "json",
        "--select",
        "adal-authentication-context",
    ]);
    assert_eq!(
        rules(&output.stdout),
        vec!["auth.py:adal-authentication-context"]
    );
    let isolated = project.run(&[".", "--isolated", "--format", "json"]);
    assert_eq!(rules(&isolated.stdout).len(), 2);
}

#[test]
fn per_file_ignores_apply_to_matching_paths_only() {
    let project = Project::new();
    project.write(
        "adalint.toml",
        "format = \"json\"\n\n[per-file-ignores]\n\"tests/**\" = [\"adal-authentication-context\"]\n",
    );
    project.write("tests/test_auth.py", CONTEXT);
    project.write("src/auth.py", CONTEXT);
    let output = project.run(&["."]);
    assert_eq!(
        rules(&output.stdout),
        vec![
            "src/auth.py:adal-import",
            "src/auth.py:adal-authentication-context",
            "tests/test_auth.py:adal-import"
        ]
    );
}

#[test]
fn an_unknown_key_is_an_error_that_points_at_its_line() {
    let project = Project::new();
    project.write(
        "adalint.toml",
        "select = [\"adal-import\"]\n\nexlcude = [\"x\"]\n",
    );
    project.write("auth.py", CONTEXT);
    let output = project.run(&["."]);
    assert_eq!(output.code, 2);
    assert!(output.stderr.contains("exlcude"), "{}", output.stderr);
    assert!(
        output.stderr.contains("adalint.toml:3:"),
        "{}",
        output.stderr
    );
}

#[test]
fn an_explicit_config_file_and_target_are_accepted() {
    let project = Project::new();
    project.write(
        "ci/adalint.toml",
        "target = \"azure-identity\"\nformat = \"json\"\n",
    );
    project.write("auth.py", CONTEXT);
    let output = project.run(&[".", "--config", "ci/adalint.toml"]);
    assert_eq!(rules(&output.stdout).len(), 2, "{}", output.all());
    let bad = project.run(&[".", "--config", "ci/missing.toml"]);
    assert_eq!(bad.code, 2);
}
