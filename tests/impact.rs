//! `--format impact` and `--format impact-json`: the migration map of a multi-module
//! project lists every wrapper of ADAL the project defines and every module that uses one.

use std::path::Path;
use std::process::Command;

fn impact(project: &str, format: &str) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(project);
    let output = Command::new(env!("CARGO_BIN_EXE_adalint"))
        .args(["--isolated", "--exit-zero", "--format", format, "."])
        .current_dir(&dir)
        .output()
        .expect("adalint runs");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// `(wrapper, its module, the modules that use it)` of the JSON map.
fn wrappers(map: &serde_json::Value) -> Vec<(String, String, Vec<String>)> {
    let mut out = Vec::new();
    for module in map["modules"].as_array().expect("modules") {
        for wrapper in module["wrappers"].as_array().expect("wrappers") {
            out.push((
                wrapper["name"].as_str().expect("name").to_string(),
                module["path"].as_str().expect("path").to_string(),
                wrapper["used_by"]
                    .as_array()
                    .expect("used_by")
                    .iter()
                    .map(|u| u.as_str().expect("path").to_string())
                    .collect(),
            ));
        }
    }
    out
}

#[test]
fn the_map_lists_every_wrapper_and_consumer_of_a_typescript_project() {
    let json = impact("fixtures/typescript/wrapper-project", "impact-json");
    let map: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(
        wrappers(&map),
        vec![
            (
                "AuthService".to_string(),
                "src/auth/adal.service.ts".to_string(),
                vec![
                    "src/app/app.module.ts".to_string(),
                    "src/app/header.component.ts".to_string()
                ]
            ),
            (
                "TokenClient".to_string(),
                "src/auth/token-client.ts".to_string(),
                vec!["src/app/jobs.ts".to_string()]
            ),
            (
                "getClient".to_string(),
                "src/auth/token-client.ts".to_string(),
                vec!["src/app/jobs.ts".to_string()]
            ),
        ]
    );
    // `describe` uses the wrapper inside and hands nothing of it out: not a wrapper.
    assert!(!json.contains("\"describe\""));
    let summary = &map["summary"];
    assert_eq!(summary["modules_direct"], 2);
    assert_eq!(summary["modules_through_wrappers"], 3);
    assert_eq!(summary["wrappers"], 3);
    // The same run twice gives the same bytes.
    assert_eq!(
        json,
        impact("fixtures/typescript/wrapper-project", "impact-json")
    );
}

#[test]
fn the_text_map_says_which_wrapper_each_module_goes_through() {
    let text = impact("fixtures/typescript/wrapper-project", "impact");
    assert!(text.contains(
        "src/app/jobs.ts\n  uses ADAL through `getClient` (src/auth/token-client.ts:19): lines 1, 5, 8\n"
    ));
    assert!(text.contains(
        "  wrapper `getClient` (line 19): `getClient` wraps ADAL, through `TokenClient`; used by src/app/jobs.ts\n"
    ));
    assert!(text.contains("5 modules: 2 use ADAL directly, 3 through 3 project wrappers"));
}

#[test]
fn the_map_follows_python_imports_absolute_relative_and_by_module() {
    let map: serde_json::Value =
        serde_json::from_str(&impact("fixtures/python/wrapper-project", "impact-json"))
            .expect("JSON");
    assert_eq!(
        wrappers(&map),
        vec![(
            "get_token".to_string(),
            "service/auth/tokens.py".to_string(),
            vec![
                "service/auth/session.py".to_string(),
                "service/main.py".to_string()
            ]
        )]
    );
}

/// The findings of a default run (no `--select`) of the tree at `dir`, as
/// `path:line rule`.
fn default_findings(dir: &Path) -> Vec<String> {
    let output = Command::new(env!("CARGO_BIN_EXE_adalint"))
        .args(["--isolated", "--exit-zero", "--format", "json", "."])
        .current_dir(dir)
        .output()
        .expect("adalint runs");
    assert!(output.status.success(), "{output:?}");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let mut found: Vec<String> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            format!(
                "{}:{} {}",
                d["path"].as_str().expect("path"),
                d["start"]["line"],
                d["rule"].as_str().expect("rule")
            )
        })
        .collect();
    found.sort();
    found
}

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

#[test]
fn wrapper_uses_are_reported_by_default_and_suppressions_cover_them() {
    let dir = tempfile::tempdir().expect("temporary directory");
    write(
        dir.path(),
        "app/tokens.py",
        "import adal\n\n\ndef get_token(tenant, client, secret):\n    context = adal.AuthenticationContext('https://login.microsoftonline.com/' + tenant)\n    return context.acquire_token_with_client_credentials('https://graph.microsoft.com', client, secret)\n",
    );
    write(
        dir.path(),
        "app/jobs.py",
        "from app.tokens import get_token\n\n\ndef run():\n    return get_token('t', 'c', 's')['accessToken']\n",
    );
    write(
        dir.path(),
        "app/quiet.py",
        "from app.tokens import get_token  # adalint: ignore[adal-wrapper-use] -- migrated with tokens.py\n\n\ndef run():\n    # adalint: ignore[adal-wrapper-use]\n    return get_token('t', 'c', 's')\n",
    );
    // A module that names the wrapper without importing it is no use of it.
    write(
        dir.path(),
        "app/other.py",
        "def get_token():\n    return 'local'\n\n\nprint(get_token())\n",
    );
    let found = default_findings(dir.path());
    let uses: Vec<&String> = found
        .iter()
        .filter(|f| f.ends_with("adal-wrapper-use"))
        .collect();
    assert_eq!(
        uses,
        [
            "app/jobs.py:1 adal-wrapper-use",
            "app/jobs.py:5 adal-wrapper-use"
        ],
        "{found:?}"
    );
    // The directives suppress something: none is reported as unused.
    assert!(
        !found.iter().any(|f| f.contains("unused-suppression")),
        "{found:?}"
    );
}
