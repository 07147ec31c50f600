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

/// A JavaScript file with ADAL and a safe fix (the legacy authority host).
const NODE: &str = "const adal = require(\"adal-node\");\nconst authority = \"https://login.windows.net/contoso\";\nmodule.exports = new adal.AuthenticationContext(authority);\n";

fn summary(stdout: &str) -> Value {
    let json: Value = serde_json::from_str(stdout).expect("JSON output");
    json["summary"].clone()
}

/// A repository that commits `node_modules/` (no `.gitignore`) and build output.
fn vendored_project() -> Project {
    let project = Project::new();
    project.write("src/auth.js", NODE);
    project.write("node_modules/legacy-sdk/lib/auth.js", NODE);
    project.write(
        "node_modules/legacy-sdk/package.json",
        "{\"name\": \"legacy-sdk\"}\n",
    );
    project.write("dist/auth.js", NODE);
    project.write("dist/README.txt", "not a file adalint reads\n");
    project
}

#[test]
fn vendored_and_generated_trees_are_skipped_by_default_and_counted() {
    let project = vendored_project();
    let output = project.run(&[".", "--format", "json"]);
    let found = rules(&output.stdout);
    assert!(found.iter().all(|r| r.starts_with("src/")), "{found:?}");
    assert_eq!(found.len(), 3, "{found:?}");
    assert_eq!(summary(&output.stdout)["files_excluded_by_default"], 3);
    let text = project.run(&["."]);
    assert!(
        text.stdout
            .contains("Skipped 3 files in vendored or generated directories"),
        "{}",
        text.stdout
    );
    let all = project.run(&[".", "--no-default-excludes", "--format", "json"]);
    assert_eq!(rules(&all.stdout).len(), 9, "{}", all.stdout);
    assert_eq!(summary(&all.stdout)["files_excluded_by_default"], 0);
}

#[test]
fn installed_package_code_is_never_fixed() {
    let project = vendored_project();
    let output = project.run(&[".", "--fix", "--unsafe-fixes", "--no-default-excludes"]);
    assert_eq!(project.read("node_modules/legacy-sdk/lib/auth.js"), NODE);
    assert!(
        output.stdout.contains(
            "node_modules/legacy-sdk/lib/auth.js: inside `node_modules`: another package's code"
        ),
        "{}",
        output.stdout
    );
    // Its own source and the build output were fixed (the build output is not another
    // package's code: it is scanned when asked for).
    assert!(
        project
            .read("src/auth.js")
            .contains("login.microsoftonline.com")
    );
    assert!(
        project
            .read("dist/auth.js")
            .contains("login.microsoftonline.com")
    );
    // Named on the command line: scanned, still not fixed.
    let named = project.run(&["node_modules/legacy-sdk/lib/auth.js", "--fix"]);
    assert_eq!(named.code, 1, "{}", named.all());
    assert_eq!(project.read("node_modules/legacy-sdk/lib/auth.js"), NODE);
}

#[test]
fn exclude_replaces_the_defaults_and_extend_exclude_adds_to_them() {
    let project = vendored_project();
    project.write("legacy/auth.js", NODE);
    project.write(
        "adalint.toml",
        "format = \"json\"\nexclude = [\"legacy\"]\n",
    );
    let replaced = rules(&project.run(&["."]).stdout);
    assert!(
        replaced.iter().any(|r| r.starts_with("dist/")),
        "{replaced:?}"
    );
    assert!(
        !replaced.iter().any(|r| r.starts_with("legacy/")),
        "{replaced:?}"
    );
    project.write(
        "adalint.toml",
        "format = \"json\"\nextend-exclude = [\"legacy\"]\n",
    );
    let extended = rules(&project.run(&["."]).stdout);
    assert!(
        extended.iter().all(|r| r.starts_with("src/")),
        "{extended:?}"
    );
}

#[test]
fn force_exclude_applies_the_excludes_to_named_paths() {
    let project = vendored_project();
    let named = project.run(&["dist/auth.js", "--format", "json"]);
    assert_eq!(rules(&named.stdout).len(), 3, "{}", named.all());
    let forced = project.run(&["dist/auth.js", "--force-exclude", "--format", "json"]);
    assert!(rules(&forced.stdout).is_empty(), "{}", forced.all());
    assert_eq!(summary(&forced.stdout)["files_excluded_by_default"], 1);
    project.write(
        "adalint.toml",
        "force-exclude = true\nextend-exclude = [\"src\"]\n",
    );
    let configured = project.run(&["src/auth.js", "--format", "json"]);
    assert!(rules(&configured.stdout).is_empty(), "{}", configured.all());
}

#[test]
fn a_run_started_inside_node_modules_fixes_nothing_there() {
    let project = vendored_project();
    let inside = project.path().join("node_modules/legacy-sdk");
    let output = adalint(&inside, &[".", "--fix"]);
    assert_eq!(output.code, 1, "{}", output.all());
    assert_eq!(project.read("node_modules/legacy-sdk/lib/auth.js"), NODE);
}
