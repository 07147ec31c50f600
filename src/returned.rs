//! A result that leaves a Python helper by `return`, followed to the helper's callers in
//! the same file, so that the keys they read on it can be renamed with the call.
//!
//! `def get_token(): ... return context.acquire_token_with_username_password(...)` and,
//! below, `print(get_token()["accessToken"])` or `token = get_token()` then
//! `token["accessToken"]`. Only a helper no other module is expected to call is followed: a
//! top-level function whose name starts with `_`, or one of a script (a module with an
//! `if __name__ == "__main__":` block). Every mention of the helper's name must be a call,
//! and each call's result must be read with keys (directly, or through one name assigned
//! once and otherwise only tested); anything else keeps the result unfollowed.

use std::ops::Range;

use tree_sitter::Node;

use crate::semantic::{Model, Value};

/// The objects key reads are taken on at the callers (`get_token()`, or `token` in
/// `token["accessToken"]`), when the result `node` (the call that makes it, or a name
/// holding it) is returned from a helper whose every caller in this file only reads its
/// keys. `made` is the range of the call that makes the result.
pub(crate) fn caller_objects<'t>(
    model: &Model<'t>,
    node: Node<'t>,
    made: &Range<usize>,
) -> Option<Vec<Node<'t>>> {
    let function = returning_function(node)?;
    let module = function.parent().filter(|p| p.kind() == "module")?;
    let name_node = function.child_by_field_name("name")?;
    let name = model.text(name_node);
    if !(name.starts_with('_') || is_script(model, module)) {
        return None;
    }
    if !returns_only(model, function, made) || defined_more_than_once(model, module, name) {
        return None;
    }
    let mut objects = Vec::new();
    let mut calls = 0;
    for mention in identifiers(module, model, name) {
        if mention == name_node {
            continue;
        }
        let call = mention
            .parent()
            .filter(|p| p.kind() == "call" && p.child_by_field_name("function") == Some(mention))?;
        calls += 1;
        objects.extend(call_result_objects(model, call)?);
    }
    (calls > 0).then_some(objects)
}

/// The top-level function whose `return` gives `node` back.
fn returning_function(node: Node<'_>) -> Option<Node<'_>> {
    let mut current = node;
    let mut parent = current.parent()?;
    while parent.kind() == "parenthesized_expression" {
        current = parent;
        parent = current.parent()?;
    }
    if parent.kind() != "return_statement" {
        return None;
    }
    let mut scope = parent.parent()?;
    while !matches!(
        scope.kind(),
        "function_definition" | "lambda" | "class_definition"
    ) {
        scope = scope.parent()?;
    }
    (scope.kind() == "function_definition").then_some(scope)
}

/// True when the module has an `if __name__ == "__main__":` block at its top level.
fn is_script(model: &Model<'_>, module: Node<'_>) -> bool {
    let mut cursor = module.walk();
    module
        .named_children(&mut cursor)
        .filter(|s| s.kind() == "if_statement")
        .filter_map(|s| s.child_by_field_name("condition"))
        .any(|condition| {
            let text = model.text(condition);
            text.contains("__name__") && text.contains("__main__")
        })
}

/// True when every `return` of the function (not of functions nested in it) gives back the
/// result made by `made`, or nothing.
fn returns_only(model: &Model<'_>, function: Node<'_>, made: &Range<usize>) -> bool {
    let Some(body) = function.child_by_field_name("body") else {
        return false;
    };
    let mut stack = vec![body];
    while let Some(node) = stack.pop() {
        if matches!(
            node.kind(),
            "function_definition" | "lambda" | "class_definition"
        ) {
            continue;
        }
        if node.kind() == "return_statement" {
            let ok = match node.named_child(0) {
                None => true,
                Some(value) if value.kind() == "none" => true,
                Some(value) => {
                    value.byte_range() == *made
                        || matches!(model.evaluate(value), Value::Object { origin: Some(o), .. } if o == *made)
                }
            };
            if !ok {
                return false;
            }
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    true
}

/// True when the module binds `name` at its top level other than by one `def`.
fn defined_more_than_once(model: &Model<'_>, module: Node<'_>, name: &str) -> bool {
    let mut cursor = module.walk();
    let mut definitions = 0;
    for statement in module.named_children(&mut cursor) {
        let defined = match statement.kind() {
            "function_definition" | "class_definition" => statement.child_by_field_name("name"),
            "decorated_definition" => statement
                .child_by_field_name("definition")
                .and_then(|d| d.child_by_field_name("name")),
            "expression_statement" => statement
                .named_child(0)
                .filter(|a| a.kind() == "assignment")
                .and_then(|a| a.child_by_field_name("left")),
            _ => None,
        };
        if defined.is_some_and(|n| model.text(n) == name) {
            definitions += 1;
        }
    }
    definitions != 1
}

/// Every identifier `name` under `root`.
fn identifiers<'t>(root: Node<'t>, model: &Model<'t>, name: &str) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if node.kind() == "identifier" && model.text(node) == name {
            out.push(node);
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    out
}

/// The objects the keys of a helper call's result are read on: the call itself when a key
/// is read on it, or the name it is assigned to when every other mention of that name in
/// its scope reads a key of it or tests it. `None`: the result is used otherwise.
fn call_result_objects<'t>(model: &Model<'t>, call: Node<'t>) -> Option<Vec<Node<'t>>> {
    let is_read_object = |node: Node<'_>| {
        model
            .facts
            .key_reads
            .iter()
            .any(|read| read.object.byte_range() == node.byte_range())
    };
    if is_read_object(call) {
        return Some(vec![call]);
    }
    let assignment = call
        .parent()
        .filter(|p| p.kind() == "assignment" && p.child_by_field_name("right") == Some(call))?;
    let target = assignment
        .child_by_field_name("left")
        .filter(|l| l.kind() == "identifier")?;
    let name = model.text(target);
    let mut scope = assignment.parent()?;
    while !matches!(scope.kind(), "function_definition" | "module") {
        scope = scope.parent()?;
    }
    let mut objects = Vec::new();
    for mention in identifiers(scope, model, name) {
        if mention == target {
            continue;
        }
        if is_read_object(mention) {
            objects.push(mention);
            continue;
        }
        let tested = mention.parent().is_some_and(|p| {
            (p.kind() == "if_statement" && p.child_by_field_name("condition") == Some(mention))
                || p.kind() == "not_operator"
        });
        if !tested {
            return None;
        }
    }
    Some(objects)
}
