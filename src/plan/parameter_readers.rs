//! Functions that read an object through a parameter the way only the old API's objects
//! can be read, in a module that hands a rewritten object out.
//!
//! `def get_credentials(): return ServicePrincipalCredentials(...)` and, in the same module,
//! `def get_bearer_token(credentials): return credentials.token["access_token"]`: the caller
//! that connects them is not in view, but the reader exists only for the old object. When
//! the object a fix rewrites leaves its function (returned, passed or stored), every read of
//! a parameter's attribute, and every call of a parameter's method, that the recipe's
//! `conflicts` forbid on the made object (`msrestazure.azure_active_directory.*#token*`)
//! withholds the fix, with the reader named in the reason.

use std::ops::Range;

use tree_sitter::Node;

use crate::returned;
use crate::rule::FixRecipe;
use crate::semantic::{Model, UseKind, Value};

/// The blockers for rewriting the object `call` makes: one per function of the module that
/// reads a parameter the way the recipe's conflicts forbid, when the object can reach it.
pub(crate) fn blockers(model: &Model<'_>, recipe: &FixRecipe, call: Node<'_>) -> Vec<String> {
    if recipe.conflicts.is_empty() {
        return Vec::new();
    }
    let made = call.byte_range();
    let class = match model.evaluate(call) {
        Value::Object { of, .. } => of,
        _ => return Vec::new(),
    };
    if !escapes(model, call, &made) {
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::new();
    for (read, parameter, function) in parameter_members(model, root(call)) {
        let member = read
            .child_by_field_name("attribute")
            .map_or("", |a| model.text(a));
        let name = format!("{class}#{member}");
        let Some((_, why)) = recipe.conflicts.iter().find(|(p, _)| p.matches(&name)) else {
            continue;
        };
        let function_name = function
            .child_by_field_name("name")
            .map_or("a function", |n| model.text(n));
        let blocker = format!(
            "`{function_name}` (line {}) reads `{}` of its parameter `{parameter}`, which may be this object: {why}; migrate that reader with it",
            read.start_position().row + 1,
            model.text(read),
        );
        if !out.contains(&blocker) {
            out.push(blocker);
        }
    }
    out
}

/// True when the object `call` makes can reach another function of the module, and one
/// reads a parameter's member whose name `forbidden` accepts (`token`, `signed_session`).
pub(crate) fn read_through_parameter(
    model: &Model<'_>,
    call: Node<'_>,
    forbidden: impl Fn(&str) -> bool,
) -> bool {
    escapes(model, call, &call.byte_range())
        && parameter_members(model, root(call))
            .iter()
            .any(|(read, _, _)| {
                read.child_by_field_name("attribute")
                    .is_some_and(|a| forbidden(model.text(a)))
            })
}

/// True when the object made by `call` can reach another function of the module: the call
/// or a name holding the object is returned, or passed to a function the module defines.
fn escapes(model: &Model<'_>, call: Node<'_>, made: &Range<usize>) -> bool {
    let module = root(call);
    model.facts.uses.iter().any(|site| {
        site.kind == UseKind::Escape
            && (site.node == call
                || matches!(model.evaluate(site.node), Value::Object { origin: Some(o), .. } if o == *made))
            && (returned::is_returned(site.node) || passed_to_own_function(model, module, site.node))
    })
}

/// True when `node` is an argument of a call to a function `module` defines at its top
/// level (`get_bearer_token(credentials)`).
fn passed_to_own_function(model: &Model<'_>, module: Node<'_>, node: Node<'_>) -> bool {
    let mut parent = node.parent();
    if let Some(keyword) = parent.filter(|p| p.kind() == "keyword_argument") {
        parent = keyword.parent();
    }
    let Some(call) = parent
        .filter(|p| p.kind() == "argument_list")
        .and_then(|list| list.parent())
    else {
        return false;
    };
    let Some(callee) = call
        .child_by_field_name("function")
        .filter(|f| f.kind() == "identifier")
    else {
        return false;
    };
    let name = model.text(callee);
    let mut cursor = module.walk();
    module.named_children(&mut cursor).any(|statement| {
        let definition = match statement.kind() {
            "decorated_definition" => statement.child_by_field_name("definition"),
            _ => Some(statement),
        };
        definition
            .filter(|d| d.kind() == "function_definition")
            .and_then(|d| d.child_by_field_name("name"))
            .is_some_and(|n| model.text(n) == name)
    })
}

fn root(node: Node<'_>) -> Node<'_> {
    let mut current = node;
    while let Some(parent) = current.parent() {
        current = parent;
    }
    current
}

/// Every `parameter.member` of a Python function (the `attribute` node), with the
/// parameter's name and the function. A parameter rebound in the function body still
/// counts: the read may be of the value passed in.
fn parameter_members<'t>(model: &Model<'t>, root: Node<'t>) -> Vec<(Node<'t>, &'t str, Node<'t>)> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if node.kind() == "attribute" {
            let object = node
                .child_by_field_name("object")
                .filter(|o| o.kind() == "identifier");
            if let Some(object) = object {
                let name = model.text(object);
                if let Some(function) = enclosing_function(node) {
                    if parameter_names(model, function).contains(&name) {
                        out.push((node, name, function));
                    }
                }
            }
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    out.sort_by_key(|(read, _, _)| read.start_byte());
    out
}

/// The innermost function (or lambda) around `node`.
fn enclosing_function(node: Node<'_>) -> Option<Node<'_>> {
    let mut current = node.parent()?;
    loop {
        if matches!(current.kind(), "function_definition" | "lambda") {
            return Some(current);
        }
        current = current.parent()?;
    }
}

/// The names a Python function's parameters bind (`self` and `cls` left out).
fn parameter_names<'t>(model: &Model<'t>, function: Node<'t>) -> Vec<&'t str> {
    let Some(parameters) = function.child_by_field_name("parameters") else {
        return Vec::new();
    };
    let mut cursor = parameters.walk();
    parameters
        .named_children(&mut cursor)
        .filter_map(|p| match p.kind() {
            "identifier" => Some(p),
            "default_parameter" | "typed_default_parameter" => p.child_by_field_name("name"),
            "typed_parameter" => p.named_child(0).filter(|n| n.kind() == "identifier"),
            _ => None,
        })
        .map(|n| model.text(n))
        .filter(|n| !matches!(*n, "self" | "cls"))
        .collect()
}
