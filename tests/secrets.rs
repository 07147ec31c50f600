//! A literal secret in scanned code appears in no output: every format, the diff, the
//! fix previews, statistics, the inventory and the baseline file. It is reported by
//! `hardcoded-client-secret`.

mod support;

use support::Project;

const PY_SECRET: &str = "py-literal-secret-value-7f3a";
const JS_SECRET: &str = "js-literal-secret-value-9c1d";
const SHORT: &str = "pw";

fn project() -> Project {
    let project = Project::new();
    project.write(
        "billing/auth.py",
        &format!(
            "import adal\n\nSECRET = \"{PY_SECRET}\"\n\n\ndef token(client_id):\n    context = adal.AuthenticationContext(\"https://login.microsoftonline.com/contoso\")\n    result = context.acquire_token_with_client_credentials(\"https://vault.azure.net\", client_id, \"{PY_SECRET}\")\n    return result\n\n\ndef user(client_id):\n    context = adal.AuthenticationContext(\"https://login.microsoftonline.com/contoso\")\n    return context.acquire_token_with_username_password(\"https://graph.microsoft.com\", \"svc@contoso.com\", \"{SHORT}\", client_id)\n"
        ),
    );
    project.write(
        "web/auth.js",
        &format!(
            "const adal = require(\"adal-node\");\nconst context = new adal.AuthenticationContext(\"https://login.microsoftonline.com/contoso\");\ncontext.acquireTokenWithClientCredentials(\"https://graph.microsoft.com\", \"11111111-2222-3333-4444-555555555555\", \"{JS_SECRET}\", () => {{}});\n"
        ),
    );
    project
}

fn assert_clean(what: &str, text: &str) {
    for secret in [PY_SECRET, JS_SECRET, "\"pw\""] {
        assert!(
            !text.contains(secret),
            "{what} shows the secret `{secret}`:\n{text}"
        );
    }
}

#[test]
fn no_output_format_prints_a_literal_secret() {
    let project = project();
    let formats = ["text", "json", "sarif", "github", "inventory"];
    for format in formats {
        for extra in [&[][..], &["--statistics"][..], &["--unsafe-fixes"][..]] {
            let mut args = vec![".", "--format", format];
            args.extend_from_slice(extra);
            let output = project.run(&args);
            assert!(output.code <= 1, "{format} {extra:?}: {}", output.all());
            assert_clean(&format!("--format {format} {extra:?}"), &output.all());
        }
    }
    let diff = project.run(&[".", "--diff", "--unsafe-fixes"]);
    assert_clean("--diff", &diff.all());
    let text = project.run(&["."]);
    assert!(
        text.stdout.contains("\"***\""),
        "the text output shows the mask:\n{}",
        text.stdout
    );
}

#[test]
fn the_baseline_file_holds_no_secret() {
    let project = project();
    let written = project.run(&[".", "--write-baseline", "baseline.json"]);
    assert_eq!(written.code, 0, "{}", written.all());
    assert_clean("the baseline", &project.read("baseline.json"));
}

#[test]
fn hard_coded_secrets_are_reported_once_each() {
    let project = project();
    let output = project.run(&[
        ".",
        "--format",
        "json",
        "--select",
        "hardcoded-client-secret",
    ]);
    let json: serde_json::Value = serde_json::from_str(&output.stdout).expect("JSON");
    let lines: Vec<(String, u64)> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap_or("").to_string(),
                d["start"]["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        lines,
        vec![
            ("billing/auth.py".to_string(), 8),
            ("billing/auth.py".to_string(), 14),
            ("web/auth.js".to_string(), 3)
        ]
    );
}

#[test]
fn the_inventory_lists_client_ids_authorities_and_resources() {
    let project = project();
    let output = project.run(&[".", "--format", "inventory"]);
    let text = output.stdout;
    assert!(
        text.contains("web/auth.js\n  client ids:\n    11111111-2222-3333-4444-555555555555"),
        "{text}"
    );
    assert!(
        text.contains("https://login.microsoftonline.com/contoso"),
        "{text}"
    );
    assert!(text.contains("https://vault.azure.net  (line 8"), "{text}");
    assert!(
        text.contains("`client_id`"),
        "non-literals are shown as code: {text}"
    );
}

#[test]
fn inventory_shows_the_literal_a_constant_is_bound_to() {
    let project = Project::new();
    project.write(
        "cli.py",
        "import adal\n\nCLIENT_ID = \"04b07795-8ddb-461a-bbee-02f9e1bf7b46\"\n\n\ndef login(user, password):\n    context = adal.AuthenticationContext(\"https://login.microsoftonline.com/common\")\n    return context.acquire_token_with_username_password(\"https://management.core.windows.net/\", user, password, CLIENT_ID)\n",
    );
    let output = project.run(&[".", "--format", "inventory"]);
    assert!(
        output
            .stdout
            .contains("  client ids:\n    04b07795-8ddb-461a-bbee-02f9e1bf7b46  (line 8,"),
        "{}",
        output.stdout
    );
}
