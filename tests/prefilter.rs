//! The prefilter parses a file only when some rule's needed literals are all in its text: a
//! generated Azure SDK client that imports `ms-rest-azure` for its runtime is read, never
//! parsed, while a file that logs in with it is; a module that shares only a name with one
//! that exports an ADAL object is not linked in.

mod support;

use serde_json::Value;
use support::adalint;

/// Writes `text` to `path` under `root`, making its directories.
fn write(root: &std::path::Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// The run's summary, and each finding as `(path, rule)`.
fn summary(root: &std::path::Path) -> (Value, Vec<(String, String)>) {
    let output = adalint(root, &["--format", "json", "."]);
    assert!(matches!(output.code, 0 | 1), "{}", output.all());
    let report: Value = serde_json::from_str(&output.stdout).expect("JSON");
    let found = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| {
            Some((
                d["path"].as_str()?.to_string(),
                d["rule"].as_str()?.to_string(),
            ))
        })
        .collect();
    (report["summary"].clone(), found)
}

#[test]
fn a_runtime_import_of_ms_rest_azure_alone_is_not_parsed() {
    let dir = tempfile::tempdir().expect("temporary directory");
    write(
        dir.path(),
        "computeManagementClient.js",
        "const msRestAzure = require('ms-rest-azure');\nclass ComputeManagementClient extends msRestAzure.AzureServiceClient {}\nmodule.exports = ComputeManagementClient;\n",
    );
    let (summary, found) = summary(dir.path());
    assert_eq!(summary["files_parsed"], 0, "{summary}");
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn a_common_member_name_is_not_what_a_static_call_needs() {
    // `AzureCliCredentials.create`: a generated client's `create` in a comment is not it.
    let dir = tempfile::tempdir().expect("temporary directory");
    write(
        dir.path(),
        "operations.js",
        "const msRestAzure = require('ms-rest-azure');\n// create or update the resource\nfunction create() { return new msRestAzure.AzureServiceClient(); }\n",
    );
    write(
        dir.path(),
        "cli.ts",
        "import { AzureCliCredentials } from '@azure/ms-rest-nodeauth';\nconst credentials = await AzureCliCredentials.create();\n",
    );
    let (summary, found) = summary(dir.path());
    assert_eq!(summary["files_parsed"], 1, "{summary}");
    let found: Vec<(&str, &str)> = found
        .iter()
        .map(|(p, r)| (p.as_str(), r.as_str()))
        .collect();
    assert!(
        found.contains(&("cli.ts", "ms-rest-azure-cli-credentials")),
        "{found:?}"
    );
}

#[test]
fn a_login_with_ms_rest_azure_is_parsed_and_reported() {
    let dir = tempfile::tempdir().expect("temporary directory");
    write(
        dir.path(),
        "login.js",
        "const msRestAzure = require('ms-rest-azure');\nmsRestAzure.loginWithServicePrincipalSecret(id, secret, tenant, (err, credentials) => {});\n",
    );
    // An alias of a login name is a login too.
    write(
        dir.path(),
        "msi.js",
        "const msRestAzure = require('ms-rest-azure');\nmsRestAzure.loginWithMSI({ port: 50342 }, (err, credentials) => {});\n",
    );
    let (summary, found) = summary(dir.path());
    assert_eq!(summary["files_parsed"], 2, "{summary}");
    let rules: Vec<&str> = found.iter().map(|(_, rule)| rule.as_str()).collect();
    assert!(
        rules.contains(&"ms-rest-login-with-service-principal-secret"),
        "{rules:?}"
    );
    assert!(rules.contains(&"ms-rest-login-with-vm-msi"), "{rules:?}");
}

#[test]
fn a_module_named_like_an_exporting_one_elsewhere_is_not_linked() {
    let dir = tempfile::tempdir().expect("temporary directory");
    write(
        dir.path(),
        "auth/utils.js",
        "const adal = require('adal-node');\nmodule.exports.context = new adal.AuthenticationContext('https://login.microsoftonline.com/contoso');\n",
    );
    // Imports the exporting module: linked, and its use of the context reported.
    write(
        dir.path(),
        "auth/token.js",
        "const { context } = require('./utils');\ncontext.acquireTokenWithClientCredentials('https://graph.microsoft.com', id, secret, (e, t) => {});\n",
    );
    // Its own `./utils`, another module: never parsed.
    write(
        dir.path(),
        "lib/other.js",
        "const utils = require('./utils');\nutils.run();\n",
    );
    write(
        dir.path(),
        "lib/utils.js",
        "module.exports.run = () => 1;\n",
    );
    let (summary, found) = summary(dir.path());
    assert_eq!(summary["files_parsed"], 2, "{summary}");
    let paths: Vec<&str> = found.iter().map(|(path, _)| path.as_str()).collect();
    assert!(paths.contains(&"auth/token.js"), "{paths:?}");
}

#[test]
fn a_query_rule_runs_only_where_its_host_is_written() {
    let dir = tempfile::tempdir().expect("temporary directory");
    write(
        dir.path(),
        "app.py",
        "import adal\nAUTHORITY = 'https://login.windows.net/contoso'\n",
    );
    write(
        dir.path(),
        "other.py",
        "import adal\nprint('no authority here')\n",
    );
    let (_, found) = summary(dir.path());
    let found: Vec<(&str, &str)> = found
        .iter()
        .map(|(p, r)| (p.as_str(), r.as_str()))
        .collect();
    assert!(
        found.contains(&("app.py", "authority-login-windows-net")),
        "{found:?}"
    );
    assert!(
        !found
            .iter()
            .any(|(p, r)| *p == "other.py" && r.starts_with("authority"))
    );
}

#[test]
fn a_module_passing_on_another_modules_helpers_does_not_link_its_importers() {
    let dir = tempfile::tempdir().expect("temporary directory");
    // Mentions a trigger (so the first pass parses it) and passes on a helper of a sibling
    // module: nothing of ADAL's is exported.
    write(
        dir.path(),
        "lib/util/utils.js",
        "const core = require('./core');\n// tokens come from adal-node elsewhere\nexports.camelcase = core.camelcase;\n",
    );
    write(
        dir.path(),
        "lib/util/core.js",
        "exports.camelcase = (s) => s;\n",
    );
    // Importers of `utils`: read, never parsed.
    for name in ["a", "b", "c"] {
        write(
            dir.path(),
            &format!("lib/commands/{name}.js"),
            "const utils = require('../util/utils');\nutils.camelcase('x');\n",
        );
    }
    let (summary, found) = summary(dir.path());
    assert!(
        summary["files_parsed"].as_u64().expect("count") <= 1,
        "{summary}"
    );
    assert!(found.is_empty(), "{found:?}");
}
