//! `--format sarif` and `--format github`: every SARIF log the tests produce validates
//! against the OASIS SARIF 2.1.0 schema (vendored in `tests/`), carries what GitHub code
//! scanning uses, has fingerprints equal to the upload action's, relative URIs, and
//! stays within GitHub's limits.

mod support;

use std::path::Path;

use serde_json::Value;
use support::{Output, Project, adalint, root};

fn schema() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("tests/sarif-schema-2.1.0.json"))
        .expect("vendored SARIF schema");
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::validator_for(&schema).expect("schema compiles")
}

/// Parses SARIF output and asserts it is schema-valid.
fn valid_sarif(output: &Output) -> Value {
    let log: Value = serde_json::from_str(&output.stdout)
        .unwrap_or_else(|e| panic!("SARIF is JSON ({e}):\n{}", output.stdout));
    let validator = schema();
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .take(10)
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF violates the schema:\n{}",
        errors.join("\n")
    );
    log
}

fn run_of(log: &Value) -> &Value {
    &log["runs"][0]
}

fn results(log: &Value) -> &Vec<Value> {
    run_of(log)["results"].as_array().expect("results")
}

#[test]
fn sarif_for_the_examples_and_fixtures_validates_against_the_schema() {
    for tree in ["examples", "fixtures"] {
        let output = adalint(root(), &[tree, "--format", "sarif", "--isolated"]);
        assert_eq!(output.code, 1, "{tree}: findings exit 1\n{}", output.stderr);
        let log = valid_sarif(&output);
        assert!(!results(&log).is_empty(), "{tree} has findings");
    }
}

#[test]
fn every_result_points_at_a_described_rule_with_a_relative_uri() {
    let output = adalint(root(), &["examples", "--format", "sarif", "--isolated"]);
    let log = valid_sarif(&output);
    let run = run_of(&log);
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert_eq!(run["tool"]["driver"]["name"], "adalint");
    assert!(run["tool"]["driver"]["semanticVersion"].is_string());
    assert!(
        run["tool"]["driver"]["informationUri"]
            .as_str()
            .is_some_and(|u| u.starts_with("https://"))
    );
    assert!(
        run["automationDetails"]["id"]
            .as_str()
            .is_some_and(|id| id.starts_with("adalint/"))
    );
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .expect("SRCROOT defined");
    assert!(
        base.starts_with("file:///") && base.ends_with('/'),
        "{base}"
    );
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    for result in results(&log) {
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        assert!(["error", "warning", "note"].contains(&result["level"].as_str().expect("level")));
        assert!(
            !result["message"]["text"]
                .as_str()
                .expect("message")
                .is_empty()
        );
        let locations = result["locations"].as_array().expect("locations");
        assert_eq!(locations.len(), 1);
        let physical = &locations[0]["physicalLocation"];
        let uri = physical["artifactLocation"]["uri"].as_str().expect("uri");
        assert!(uri.starts_with("examples/"), "repository-relative: {uri}");
        assert_eq!(physical["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let region = &physical["region"];
        for key in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(
                region[key].as_u64().is_some_and(|n| n >= 1),
                "{key} is 1-based"
            );
        }
        assert!(
            result["partialFingerprints"]["primaryLocationLineHash"]
                .as_str()
                .is_some_and(|h| h.contains(':'))
        );
    }
}

#[test]
fn every_rule_carries_help_text_markdown_and_properties() {
    let output = adalint(root(), &["examples", "--format", "sarif", "--isolated"]);
    let log = valid_sarif(&output);
    let rules = run_of(&log)["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    let listed = adalint(root(), &["--list-rules"]).stdout;
    for rule in rules {
        let id = rule["id"].as_str().expect("id");
        assert!(listed.contains(id), "{id} ran, so it is a known rule");
        for key in ["name", "helpUri"] {
            assert!(
                rule[key].as_str().is_some_and(|v| !v.is_empty()),
                "{id}: {key}"
            );
        }
        for key in ["shortDescription", "fullDescription"] {
            assert!(
                rule[key]["text"].as_str().is_some_and(|v| !v.is_empty()),
                "{id}: {key}"
            );
        }
        assert!(
            rule["help"]["text"].as_str().is_some_and(|v| !v.is_empty()),
            "{id}: help.text"
        );
        assert!(
            rule["help"]["markdown"]
                .as_str()
                .is_some_and(|v| !v.is_empty()),
            "{id}"
        );
        assert!(
            rule["defaultConfiguration"]["level"].is_string(),
            "{id}: level"
        );
        assert!(
            rule["properties"]["tags"]
                .as_array()
                .is_some_and(|t| !t.is_empty() && t.len() <= 10)
        );
        assert!(
            rule["properties"]["precision"].is_string(),
            "{id}: precision"
        );
    }
    let acquire = rules
        .iter()
        .find(|r| r["id"] == "adal-acquire-token-with-client-credentials")
        .expect("the client-credentials rule ran");
    let markdown = acquire["help"]["markdown"].as_str().expect("markdown");
    assert!(markdown.contains("```python\n# before"), "{markdown}");
    assert!(markdown.contains("acquire_token_for_client"), "{markdown}");
}

/// Reference values from an independent re-implementation of github/codeql-action's
/// `src/fingerprints.ts`, on the same bytes: a byte-order mark, CRLF line endings and
/// tab indentation.
#[test]
fn fingerprints_equal_what_the_upload_action_computes_for_the_same_lines() {
    let project = Project::new();
    project.write(
        "svc/token.py",
        "\u{feff}\"\"\"Fingerprint check.\"\"\"\r\nimport adal\r\n\r\n\r\ndef token(client_id, secret):\r\n\tcontext = adal.AuthenticationContext(\"https://login.microsoftonline.com/contoso\")\r\n\treturn context.acquire_token_with_client_credentials(\"https://vault.azure.net\", client_id, secret)\r\n",
    );
    project.write(
        "web/auth.js",
        "const adal = require(\"adal-node\");\nconst a = new adal.AuthenticationContext(\"https://login.microsoftonline.com/x\");\nconst b = new adal.AuthenticationContext(\"https://login.microsoftonline.com/x\");\n",
    );
    let output = project.run(&[".", "--format", "sarif"]);
    let log = valid_sarif(&output);
    let expected = [
        ("svc/token.py", 2, "25913e83cda2ad92:1"),
        ("svc/token.py", 6, "169e38382cbdd9b8:1"),
        ("svc/token.py", 7, "4be86b3632cca4f3:1"),
        ("web/auth.js", 1, "57659b3b4b7b5af3:1"),
        ("web/auth.js", 2, "f966b9aff74bbf8d:1"),
        ("web/auth.js", 3, "c153a6d94150cc7:1"),
    ];
    for (uri, line, hash) in expected {
        let found: Vec<&Value> = results(&log)
            .iter()
            .filter(|r| {
                let location = &r["locations"][0]["physicalLocation"];
                location["artifactLocation"]["uri"] == uri
                    && location["region"]["startLine"] == line
            })
            .collect();
        assert!(!found.is_empty(), "a result at {uri}:{line}");
        for result in found {
            assert_eq!(
                result["partialFingerprints"]["primaryLocationLineHash"], hash,
                "{uri}:{line}"
            );
        }
    }
}

#[test]
fn fixable_findings_carry_fixes_with_artifact_changes() {
    let output = adalint(
        root(),
        &[
            "fixtures/python/client-credentials-local.py",
            "--format",
            "sarif",
            "--isolated",
        ],
    );
    let log = valid_sarif(&output);
    let with_fix: Vec<&Value> = results(&log)
        .iter()
        .filter(|r| r["fixes"].is_array())
        .collect();
    assert!(
        !with_fix.is_empty(),
        "the client-credentials rewrite is offered as a fix"
    );
    for result in with_fix {
        let change = &result["fixes"][0]["artifactChanges"][0];
        assert_eq!(
            change["artifactLocation"]["uri"],
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        );
        assert!(
            change["replacements"]
                .as_array()
                .is_some_and(|r| !r.is_empty())
        );
    }
}

#[test]
fn files_that_cannot_be_scanned_are_notifications_and_fail_the_invocation() {
    let project = Project::new();
    project.write("ok.py", "import adal\n");
    std::fs::write(project.path().join("blob.py"), b"import adal\0\x01").expect("binary");
    let output = project.run(&[".", "--format", "sarif"]);
    assert_eq!(output.code, 2);
    let log = valid_sarif(&output);
    let invocation = &run_of(&log)["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notifications = invocation["toolExecutionNotifications"]
        .as_array()
        .expect("notifications");
    assert!(notifications.iter().any(|n| {
        n["level"] == "error"
            && n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "blob.py"
    }));
}

#[test]
fn runs_over_githubs_limits_are_cut_with_a_warning_and_stay_valid() {
    let project = Project::new();
    let mut text = String::new();
    for index in 0..(adalint::emit::MAX_RESULTS + 10) {
        text.push_str(&format!("import adal  # {index}\n"));
    }
    project.write("many.py", &text);
    let output = project.run(&["many.py", "--format", "sarif"]);
    assert!(
        output.stdout.len() <= adalint::emit::MAX_SIZE,
        "{} bytes",
        output.stdout.len()
    );
    assert!(output.stderr.contains("warning"), "{}", output.stderr);
    let log = valid_sarif(&output);
    let count = results(&log).len();
    assert!(
        count > 0 && count <= adalint::emit::MAX_RESULTS,
        "{count} results"
    );
    let notes = run_of(&log)["invocations"][0]["toolExecutionNotifications"].to_string();
    assert!(notes.contains("limit"), "{notes}");
}

#[test]
fn github_annotations_escape_data_and_properties() {
    let project = Project::new();
    project.write("odd,dir:x/auth.py", "import adal\n");
    let output = project.run(&[".", "--format", "github"]);
    assert_eq!(output.code, 1);
    let line = output.stdout.lines().next().expect("one annotation");
    assert_eq!(
        line,
        "::warning file=odd%2Cdir%3Ax/auth.py,line=1,endLine=1,col=1,endColumn=12,title=adalint (adal-import)::`adal` is retired (support ended June 30, 2022); migrate to `msal`"
    );
}

#[test]
fn sarif_paths_outside_the_working_directory_are_absolute_file_uris() {
    let project = Project::new();
    project.write("auth.py", "import adal\n");
    let elsewhere = Project::new();
    let target = project.path().join("auth.py");
    let output = adalint(
        &elsewhere.path(),
        &[target.to_str().expect("path"), "--format", "sarif"],
    );
    let log = valid_sarif(&output);
    let uri = results(&log)[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .expect("uri")
        .to_string();
    assert!(
        uri.starts_with("file:///") && uri.ends_with("/auth.py"),
        "{uri}"
    );
    assert!(Path::new(&target).exists());
}

/// Runs adalint on `dir` with `vars` set and the CI variables of the machine running the
/// tests cleared, so that only the test decides whether the run is in a pipeline.
fn adalint_with_env(dir: &Path, args: &[&str], vars: &[(&str, &str)]) -> Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_adalint"));
    command.args(args).current_dir(dir).env("NO_COLOR", "1");
    for name in [
        "TF_BUILD",
        "BUILD_REPOSITORY_URI",
        "GITHUB_SERVER_URL",
        "GITHUB_REPOSITORY",
    ] {
        command.env_remove(name);
    }
    command.envs(vars.iter().copied());
    let output = command.output().expect("adalint runs");
    Output {
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        code: output.status.code().unwrap_or(-1),
    }
}

#[test]
fn results_carry_their_snippet_and_the_lines_around_them() {
    let output = adalint(root(), &["examples", "--format", "sarif", "--isolated"]);
    let log = valid_sarif(&output);
    for result in results(&log) {
        let physical = &result["locations"][0]["physicalLocation"];
        let region = &physical["region"];
        let context = &physical["contextRegion"];
        let snippet = region["snippet"]["text"].as_str().expect("region snippet");
        let around = context["snippet"]["text"]
            .as_str()
            .expect("context snippet");
        assert!(!snippet.is_empty());
        assert!(around.contains(snippet), "{around:?} holds {snippet:?}");
        let line = |value: &Value| value.as_u64().expect("line");
        assert!(line(&context["startLine"]) <= line(&region["startLine"]));
        assert!(line(&context["endLine"]) >= line(&region["endLine"]));
        assert!(line(&context["endLine"]) - line(&context["startLine"]) >= 1);
    }
}

#[test]
fn the_driver_has_a_full_name_with_the_rules_version() {
    let output = adalint(root(), &["examples", "--format", "sarif", "--isolated"]);
    let log = valid_sarif(&output);
    let full_name = run_of(&log)["tool"]["driver"]["fullName"]
        .as_str()
        .expect("fullName")
        .to_string();
    let version = adalint(root(), &["--version"]).stdout;
    assert_eq!(version.trim(), full_name);
}

#[test]
fn inside_azure_pipelines_the_automation_details_name_the_build() {
    let project = Project::new();
    project.write("app.py", "import adal\n");
    let args = ["--format", "sarif", "--isolated"];
    let output = adalint_with_env(&project.path(), &args, support::AZURE_PIPELINE);
    let log = valid_sarif(&output);
    let details = &run_of(&log)["automationDetails"];
    assert_eq!(
        details["id"],
        "azuredevops/pipeline/build/contoso/Web/12/3a3a2a60-14c7-570b-14a4-fa42ad92f52a/refs/heads/main/345"
    );
    let properties = &details["properties"];
    assert_eq!(
        properties["azuredevops/pipeline/build/buildDefinitionId"],
        "12"
    );
    assert_eq!(
        properties["azuredevops/pipeline/build/buildDefinitionName"],
        "web-ci"
    );
    assert_eq!(properties["azuredevops/pipeline/build/phaseName"], "Job");
    // Outside a pipeline (or with its variables missing): GitHub's category.
    let output = adalint_with_env(&project.path(), &args, &support::AZURE_PIPELINE[..3]);
    let log = valid_sarif(&output);
    assert_eq!(run_of(&log)["automationDetails"]["id"], "adalint/");
    assert!(
        run_of(&log)["automationDetails"]
            .get("properties")
            .is_none()
    );
}

fn git(dir: &Path, args: &[&str]) -> String {
    let output = std::process::Command::new("git")
        .args([
            "-c",
            "user.name=adalint",
            "-c",
            "user.email=adalint@example.com",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs (the SARIF provenance tests need git)");
    assert!(output.status.success(), "git {args:?}: {output:?}");
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

#[test]
fn a_git_checkout_gives_version_control_provenance_without_credentials() {
    let project = Project::new();
    project.write("app.py", "import adal\n");
    project.write("svc/api.py", "import adal\n");
    let dir = project.path();
    git(&dir, &["init", "--quiet", "--initial-branch=main"]);
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "--quiet", "-m", "fixture"]);
    git(
        &dir,
        &[
            "remote",
            "add",
            "origin",
            "https://user:t0ken@github.com/contoso/web.git",
        ],
    );
    let head = git(&dir, &["rev-parse", "HEAD"]);
    let args = ["--format", "sarif", "--isolated"];

    let log = valid_sarif(&adalint_with_env(&dir, &args, &[]));
    assert!(!serde_json::to_string(&log).unwrap().contains("t0ken"));
    let provenance = &run_of(&log)["versionControlProvenance"][0];
    assert_eq!(
        provenance["repositoryUri"],
        "https://github.com/contoso/web.git"
    );
    assert_eq!(provenance["revisionId"], head.as_str());
    assert_eq!(provenance["branch"], "refs/heads/main");
    assert_eq!(provenance["mappedTo"]["uriBaseId"], "%SRCROOT%");

    // Run from a directory below the top: %SRCROOT% is placed under REPOROOT.
    let log = valid_sarif(&adalint_with_env(&dir.join("svc"), &args, &[]));
    let run = run_of(&log);
    assert_eq!(
        run["versionControlProvenance"][0]["mappedTo"]["uriBaseId"],
        "REPOROOT"
    );
    assert_eq!(run["originalUriBaseIds"]["%SRCROOT%"]["uri"], "svc/");
    assert_eq!(
        run["originalUriBaseIds"]["%SRCROOT%"]["uriBaseId"],
        "REPOROOT"
    );

    // Outside a checkout there is no provenance.
    let plain = Project::new();
    plain.write("app.py", "import adal\n");
    let log = valid_sarif(&adalint_with_env(&plain.path(), &args, &[]));
    assert!(run_of(&log).get("versionControlProvenance").is_none());
}
