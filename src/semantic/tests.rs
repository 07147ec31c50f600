//! Resolution tests: what names and expressions evaluate to, through import forms, scopes,
//! class attributes and shadowing, in both front ends.

use std::collections::HashMap;

use tree_sitter::{Node, Parser, Tree};

use super::{Model, Value, Vocabulary};
use crate::language::Language;

/// A source parsed as `language` (also for the tests of `callback` and `check`).
pub(crate) fn parse(language: Language, source: &str) -> Tree {
    let mut parser = Parser::new();
    parser
        .set_language(&language.grammar())
        .expect("grammar loads");
    parser.parse(source, None).expect("parses")
}

fn vocabulary() -> Vocabulary {
    Vocabulary {
        aliases: HashMap::from([(
            "adal.authentication_context.AuthenticationContext".to_string(),
            "adal.AuthenticationContext".to_string(),
        )]),
        returns: HashMap::from([(
            "adal-node:createAuthenticationContext".to_string(),
            "adal-node:AuthenticationContext".to_string(),
        )]),
        constants: HashMap::new(),
        callback_results: HashMap::from([(
            "adal-node:AuthenticationContext#acquireToken".to_string(),
            1,
        )]),
        signatures: HashMap::new(),
        globals: HashMap::new(),
        injected: HashMap::new(),
        implicit_methods: HashMap::new(),
        angularjs_modules: HashMap::new(),
    }
}

/// The value of the last expression whose text is `needle` (searching every node).
fn value_of(language: Language, source: &str, needle: &str) -> Value {
    let tree = parse(language, source);
    let vocabulary = vocabulary();
    let model = Model::build(language, &tree, source, &vocabulary);
    let mut found: Option<Node<'_>> = None;
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        if &source[node.byte_range()] == needle && node.is_named() {
            let better = found.is_none_or(|f| {
                node.start_byte() > f.start_byte()
                    || (node.start_byte() == f.start_byte() && node.end_byte() >= f.end_byte())
            });
            if better {
                found = Some(node);
            }
        }
        let mut cursor = node.walk();
        stack.extend(node.children(&mut cursor));
    }
    model.evaluate(found.unwrap_or_else(|| panic!("`{needle}` not in the source")))
}

fn symbol(name: &str) -> Value {
    Value::Symbol(name.to_string())
}

fn object_of(value: &Value) -> Option<&str> {
    match value {
        Value::Object { of, .. } => Some(of),
        _ => None,
    }
}

#[test]
fn python_import_forms_resolve_to_qualified_names() {
    let py = Language::Python;
    assert_eq!(
        value_of(
            py,
            "import adal\nadal.AuthenticationContext\n",
            "adal.AuthenticationContext"
        ),
        symbol("adal.AuthenticationContext")
    );
    assert_eq!(
        value_of(
            py,
            "import adal as a\na.AuthenticationContext\n",
            "a.AuthenticationContext"
        ),
        symbol("adal.AuthenticationContext")
    );
    assert_eq!(
        value_of(
            py,
            "from adal import AuthenticationContext as AC\nAC\n",
            "AC"
        ),
        symbol("adal.AuthenticationContext")
    );
    assert_eq!(
        value_of(
            py,
            "from adal.authentication_context import AuthenticationContext\nAuthenticationContext\n",
            "AuthenticationContext"
        ),
        symbol("adal.AuthenticationContext"),
        "aliases canonicalise submodule paths"
    );
    assert_eq!(
        value_of(
            py,
            "import adal.constants\nadal.constants.X\n",
            "adal.constants.X"
        ),
        symbol("adal.constants.X")
    );
    assert_eq!(
        value_of(
            py,
            "from adal import *\nAuthenticationContext\n",
            "AuthenticationContext"
        ),
        symbol("adal.AuthenticationContext")
    );
}

#[test]
fn python_shadowing_and_rebinding_do_not_resolve() {
    let py = Language::Python;
    assert_eq!(
        value_of(py, "import adal\ndef f(adal):\n    adal.X\n", "adal.X"),
        Value::Unknown
    );
    assert_eq!(
        value_of(
            py,
            "import adal\ndef f():\n    adal = g()\n    adal.X\n",
            "adal.X"
        ),
        Value::Unknown
    );
    assert_eq!(
        value_of(py, "import adal\nadal = g()\nadal.X\n", "adal.X"),
        Value::Unknown
    );
    assert_eq!(
        value_of(py, "import adalib\nadalib.X\n", "adalib.X"),
        symbol("adalib.X")
    );
    assert_eq!(
        value_of(py, "from .adal import X\nX\n", "X"),
        Value::Unknown,
        "relative imports are local modules"
    );
}

#[test]
fn python_optional_import_in_try_still_resolves() {
    let source = "try:\n    import adal\nexcept ImportError:\n    adal = None\n\ndef f():\n    return adal.X\n";
    assert_eq!(
        value_of(Language::Python, source, "adal.X"),
        symbol("adal.X")
    );
}

#[test]
fn python_imports_inside_functions_are_local_to_them() {
    let source = "def f():\n    import adal\n    return adal.X\n\ndef g():\n    return adal.Y\n";
    assert_eq!(
        value_of(Language::Python, source, "adal.X"),
        symbol("adal.X")
    );
    assert_eq!(value_of(Language::Python, source, "adal.Y"), Value::Unknown);
}

#[test]
fn python_self_attributes_set_in_init_resolve_in_other_methods() {
    let source = "import adal\nclass P:\n    def __init__(self, a):\n        self.ctx = adal.AuthenticationContext(a)\n    def get(self):\n        return self.ctx.acquire_token\n";
    assert_eq!(
        value_of(Language::Python, source, "self.ctx.acquire_token"),
        symbol("adal.AuthenticationContext#acquire_token")
    );
    let value = value_of(Language::Python, source, "self.ctx");
    assert_eq!(object_of(&value), Some("adal.AuthenticationContext"));
}

#[test]
fn python_results_of_calls_are_objects_of_the_method() {
    let source = "import adal\nc = adal.AuthenticationContext(a)\nt = c.acquire_token_with_client_credentials(r, i, s)\nt\n";
    let value = value_of(Language::Python, source, "t");
    assert_eq!(
        object_of(&value),
        Some("adal.AuthenticationContext#acquire_token_with_client_credentials")
    );
}

#[test]
fn python_module_globals_resolve_inside_functions() {
    let source = "import adal\nCTX = adal.AuthenticationContext(A)\ndef f():\n    return CTX\n";
    let value = value_of(Language::Python, source, "CTX");
    assert_eq!(object_of(&value), Some("adal.AuthenticationContext"));
}

#[test]
fn javascript_require_forms_resolve() {
    let js = Language::JavaScript;
    assert_eq!(
        value_of(
            js,
            "const adal = require('adal-node');\nadal.AuthenticationContext;\n",
            "adal.AuthenticationContext"
        ),
        symbol("adal-node:AuthenticationContext")
    );
    assert_eq!(
        value_of(
            js,
            "const { AuthenticationContext: Ctx } = require(\"adal-node\");\nCtx;\n",
            "Ctx"
        ),
        symbol("adal-node:AuthenticationContext")
    );
    assert_eq!(
        value_of(
            js,
            "const D = require('adal-node').AuthenticationContext;\nD;\n",
            "D"
        ),
        symbol("adal-node:AuthenticationContext")
    );
    assert_eq!(
        value_of(
            js,
            "import * as adal from 'adal-node';\nadal.Logging;\n",
            "adal.Logging"
        ),
        symbol("adal-node:Logging")
    );
    assert_eq!(
        value_of(js, "import a from 'adal-node';\na.X;\n", "a.X"),
        symbol("adal-node:X")
    );
    assert_eq!(
        value_of(js, "import { X as Y } from 'adal-node';\nY;\n", "Y"),
        symbol("adal-node:X")
    );
}

#[test]
fn javascript_shadowing_does_not_resolve() {
    let js = Language::JavaScript;
    assert_eq!(
        value_of(
            js,
            "const adal = require('adal-node');\nfunction f(adal) { adal.X; }\n",
            "adal.X"
        ),
        Value::Unknown
    );
    assert_eq!(
        value_of(
            js,
            "const adal = require('adal-node');\nfunction f() { let adal = {}; adal.X; }\n",
            "adal.X"
        ),
        Value::Unknown
    );
}

#[test]
fn javascript_this_attributes_resolve_in_classes_and_prototypes() {
    let js = Language::JavaScript;
    let class = "const { AuthenticationContext } = require('adal-node');\nclass S { constructor(a) { this.ctx = new AuthenticationContext(a); } get() { this.ctx.acquireToken; } }\n";
    assert_eq!(
        value_of(js, class, "this.ctx.acquireToken"),
        symbol("adal-node:AuthenticationContext#acquireToken")
    );
    let prototype = "var adal = require('adal-node');\nfunction P(a) { this.ctx = adal.createAuthenticationContext(a); }\nP.prototype.get = function () { this.ctx.acquireToken; };\n";
    assert_eq!(
        value_of(js, prototype, "this.ctx.acquireToken"),
        symbol("adal-node:AuthenticationContext#acquireToken"),
        "constructor functions, prototype methods and `returns` work together"
    );
}

#[test]
fn javascript_assignment_to_an_outer_variable_binds_there() {
    let source = "const adal = require('adal-node');\nlet ctx;\nfunction init(a) { ctx = new adal.AuthenticationContext(a); }\nfunction use() { ctx.acquireToken; }\n";
    assert_eq!(
        value_of(Language::JavaScript, source, "ctx.acquireToken"),
        symbol("adal-node:AuthenticationContext#acquireToken")
    );
}

#[test]
fn javascript_callback_parameters_receive_results() {
    let source = "const adal = require('adal-node');\nconst c = new adal.AuthenticationContext(a);\nc.acquireToken(r, u, i, (err, response) => { response; });\n";
    let value = value_of(Language::JavaScript, source, "response");
    assert_eq!(
        object_of(&value),
        Some("adal-node:AuthenticationContext#acquireToken")
    );
}

#[test]
fn a_model_built_past_its_deadline_stops_collecting_and_says_so() {
    let mut source = String::from("import adal\n");
    for i in 0..3 * super::CLOCK_EVERY {
        source.push_str(&format!("v{i} = adal.AuthenticationContext('a')\n"));
    }
    let tree = parse(Language::Python, &source);
    let vocabulary = vocabulary();
    let past = std::time::Instant::now() - std::time::Duration::from_secs(1);
    let (calls, expired) = super::analysing_until(past, || {
        let model = Model::build(Language::Python, &tree, &source, &vocabulary);
        (model.facts.calls.len(), super::out_of_time())
    });
    assert!(expired);
    assert!(
        calls < 3 * super::CLOCK_EVERY as usize,
        "{calls} calls collected"
    );
    // The next file starts with a clock of its own.
    let future = std::time::Instant::now() + std::time::Duration::from_secs(600);
    let (calls, expired) = super::analysing_until(future, || {
        let model = Model::build(Language::Python, &tree, &source, &vocabulary);
        (model.facts.calls.len(), super::out_of_time())
    });
    assert!(!expired);
    assert_eq!(calls, 3 * super::CLOCK_EVERY as usize);
}
