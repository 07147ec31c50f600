//! Suppression comments through the command line: they hide findings on their line or the
//! next, or in the whole file; unused or unknown ones are reported by
//! `unused-suppression`, whose safe fix removes them; look-alikes in strings do nothing.

mod support;

use serde_json::Value;
use support::Project;

fn rules(stdout: &str) -> Vec<(String, u64)> {
    let json: Value = serde_json::from_str(stdout).expect("JSON output");
    json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().expect("rule").to_string(),
                d["start"]["line"].as_u64().expect("line"),
            )
        })
        .collect()
}

#[test]
fn a_used_suppression_hides_its_finding_and_reports_nothing() {
    let project = Project::new();
    project.write(
        "a.py",
        "import adal  # adalint: ignore[adal-import] -- until Q3\n",
    );
    let output = project.run(&[".", "--format", "json"]);
    assert_eq!(output.code, 0, "{}", output.all());
    assert!(rules(&output.stdout).is_empty());
}

#[test]
fn a_suppression_alone_on_the_line_above_covers_the_next_line_only() {
    let project = Project::new();
    project.write(
        "a.js",
        "// adalint: ignore[adal-node-import]\nconst adal = require(\"adal-node\");\nconst again = require(\"adal-node\");\n",
    );
    let output = project.run(&[".", "--format", "json"]);
    assert_eq!(
        rules(&output.stdout),
        vec![("adal-node-import".to_string(), 3)]
    );
}

#[test]
fn unused_and_unknown_suppressions_are_reported_and_fixed_safely() {
    let project = Project::new();
    project.write(
        "a.py",
        "import os  # adalint: ignore[adal-import]\n# adalint: ignore[not-a-rule]\nx = os.sep\n",
    );
    let output = project.run(&[".", "--format", "json"]);
    assert_eq!(output.code, 1);
    assert_eq!(
        rules(&output.stdout),
        vec![
            ("unused-suppression".to_string(), 1),
            ("unused-suppression".to_string(), 2)
        ]
    );
    assert!(
        output.stdout.contains("`not-a-rule` is not a rule"),
        "{}",
        output.stdout
    );
    let fixed = project.run(&[".", "--fix"]);
    assert_eq!(fixed.code, 0, "{}", fixed.all());
    assert_eq!(project.read("a.py"), "import os\nx = os.sep\n");
}

#[test]
fn directive_text_in_a_string_does_not_suppress() {
    let project = Project::new();
    project.write(
        "a.py",
        "import adal; s = '# adalint: ignore[adal-import]'\n",
    );
    let output = project.run(&[".", "--format", "json"]);
    assert_eq!(rules(&output.stdout), vec![("adal-import".to_string(), 1)]);
}

#[test]
fn file_level_suppression_covers_every_line() {
    let project = Project::new();
    project.write(
        "a.py",
        "# adalint: ignore-file[adal-import] -- vendored\nimport adal\n\n\nimport adal.constants\n",
    );
    let output = project.run(&[".", "--format", "json"]);
    assert_eq!(output.code, 0, "{}", output.all());
}

#[test]
fn suppressions_of_rules_not_selected_are_not_judged() {
    let project = Project::new();
    project.write("a.py", "import os  # adalint: ignore[adal-import]\n");
    let output = project.run(&[".", "--format", "json", "--select", "unused-suppression"]);
    assert!(rules(&output.stdout).is_empty(), "{}", output.stdout);
    let ignored = project.run(&[".", "--format", "json", "--ignore", "unused-suppression"]);
    assert!(rules(&ignored.stdout).is_empty());
}

#[test]
fn removing_a_suppression_keeps_code_and_other_comments_around_it() {
    let project = Project::new();
    project.write(
        "a.js",
        "/* adalint: ignore[adal-node-import] */ const x = 1;\nconst y = 2; // keep me // adalint: ignore[adal-node-import]\n",
    );
    project.write(
        "b.py",
        "import os  # noqa: F401 # adalint: ignore[adal-import] -- stale\nimport re  # adalint: ignore[adal-import]  # see ADR 12\n",
    );
    let fixed = project.run(&[".", "--fix"]);
    assert_eq!(fixed.code, 0, "{}", fixed.all());
    assert_eq!(
        project.read("a.js"),
        "const x = 1;\nconst y = 2; // keep me\n"
    );
    assert_eq!(
        project.read("b.py"),
        "import os  # noqa: F401\nimport re  # see ADR 12\n"
    );
}
