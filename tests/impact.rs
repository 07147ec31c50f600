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
