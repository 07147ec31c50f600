//! What a Python key read is taken on when the object is the result of one of the module's
//! own helpers, or a parameter every caller in the module hands such a result: for
//! reporting the read only (the rewrites follow results with `returned.rs`, under stricter
//! conditions, when they fix them).
//!
//! `auth = get_token()` then `auth["expiresOn"]`, `get_token()["accessToken"]`, where
//! `get_token` is a top-level function of this module, defined once and undecorated, whose
//! every `return` gives an object of one class (an ADAL acquire call's result); and
//! `def expired(token): token["expiresOn"]` where every call of `expired` in this module
//! passes such a result in that position. A name must be assigned once in its scope (a
//! function's body, or the module), and a parameter never.

use tree_sitter::Node;

use crate::language::Family;
use crate::semantic::{Model, Value};

/// How deep a result is followed (each helper or caller is two steps: the call, then the
/// value returned or passed).
const MAX_DEPTH: usize = 8;

/// The class of the object `node` holds when it is a helper's result as described above
/// (`adal.AuthenticationContext#acquire_token_with_client_credentials`), for Python.
pub(crate) fn object_class(model: &Model<'_>, node: Node<'_>) -> Option<String> {
    if model.language.family() != Family::Python {
        return None;
    }
    class_at(model, node, 0)
}

fn class_at(model: &Model<'_>, node: Node<'_>, depth: usize) -> Option<String> {
    if depth > MAX_DEPTH {
        return None;
    }
    if let Value::Object { of, .. } = model.evaluate(node) {
        return Some(of);
    }
    match node.kind() {
        "call" => {
            let callee = node.child_by_field_name("function")?;
            if callee.kind() != "identifier" {
                return None;
            }
            helper_result(model, root(node), model.text(callee), depth + 1)
        }
        "identifier" => {
            let name = model.text(node);
            let scope = enclosing_scope(node);
            let assignments = bindings(model, scope, name)?;
            match assignments.as_slice() {
                [value] => class_at(model, *value, depth + 1),
                [] if scope.kind() == "function_definition" => {
                    parameter_class(model, scope, name, depth + 1)
                }
                _ => None,
            }
        }
        "parenthesized_expression" => class_at(model, node.named_child(0)?, depth + 1),
        _ => None,
    }
}

/// The class every `return` of the top-level function `name` gives.
fn helper_result(model: &Model<'_>, module: Node<'_>, name: &str, depth: usize) -> Option<String> {
    let function = top_level_function(model, module, name)?;
    let body = function.child_by_field_name("body")?;
    let mut returns = Vec::new();
    collect(
        body,
        Reach::Scope,
        &mut |n| n.kind() == "return_statement",
        &mut returns,
    );
    let mut class: Option<String> = None;
    for statement in returns {
        let value = statement.named_child(0)?;
        let of = class_at(model, value, depth + 1)?;
        if class.as_ref().is_some_and(|c| *c != of) {
            return None;
        }
        class = Some(of);
    }
    class
}

/// The class every call of `function` in the module passes as its parameter `name`.
fn parameter_class(
    model: &Model<'_>,
    function: Node<'_>,
    name: &str,
    depth: usize,
) -> Option<String> {
    let function_name = model.text(function.child_by_field_name("name")?);
    let module = root(function);
    if top_level_function(model, module, function_name)? != function {
        return None;
    }
    let parameters = function.child_by_field_name("parameters")?;
    let mut position = None;
    let mut cursor = parameters.walk();
    for (index, parameter) in parameters.named_children(&mut cursor).enumerate() {
        let parameter_name = match parameter.kind() {
            "identifier" => parameter,
            "typed_parameter" => parameter.named_child(0)?,
            "default_parameter" | "typed_default_parameter" => {
                parameter.child_by_field_name("name")?
            }
            _ => continue,
        };
        if model.text(parameter_name) == name {
            position = Some(index);
        }
    }
    let position = position?;
    let mut calls = Vec::new();
    collect(
        module,
        Reach::Everywhere,
        &mut |n| {
            n.kind() == "call"
                && n.child_by_field_name("function")
                    .is_some_and(|f| f.kind() == "identifier" && model.text(f) == function_name)
        },
        &mut calls,
    );
    let mut class: Option<String> = None;
    for call in calls {
        let arguments = call.child_by_field_name("arguments")?;
        let mut cursor = arguments.walk();
        let argument = arguments
            .named_children(&mut cursor)
            .find(|a| {
                a.kind() == "keyword_argument" && {
                    a.child_by_field_name("name")
                        .is_some_and(|n| model.text(n) == name)
                }
            })
            .and_then(|a| a.child_by_field_name("value"))
            .or_else(|| {
                let mut cursor = arguments.walk();
                arguments
                    .named_children(&mut cursor)
                    .filter(|a| a.kind() != "comment")
                    .nth(position)
                    .filter(|a| {
                        !matches!(
                            a.kind(),
                            "keyword_argument" | "list_splat" | "dictionary_splat"
                        )
                    })
            })?;
        let of = class_at(model, argument, depth + 1)?;
        if class.as_ref().is_some_and(|c| *c != of) {
            return None;
        }
        class = Some(of);
    }
    class
}

/// The module's one top-level, undecorated `def name`, when nothing else at the top level
/// binds `name`.
fn top_level_function<'t>(model: &Model<'_>, module: Node<'t>, name: &str) -> Option<Node<'t>> {
    let mut found = None;
    let mut cursor = module.walk();
    for statement in module.named_children(&mut cursor) {
        match statement.kind() {
            "function_definition" => {
                if statement
                    .child_by_field_name("name")
                    .is_some_and(|n| model.text(n) == name)
                {
                    if found.is_some() {
                        return None;
                    }
                    found = Some(statement);
                }
            }
            "decorated_definition" => {
                if statement
                    .child_by_field_name("definition")
                    .and_then(|d| d.child_by_field_name("name"))
                    .is_some_and(|n| model.text(n) == name)
                {
                    return None;
                }
            }
            _ => {
                let mut names = Vec::new();
                collect(
                    statement,
                    Reach::Scope,
                    &mut |n| n.kind() == "identifier" && model.text(n) == name,
                    &mut names,
                );
                if names.iter().any(|n| binds(*n)) {
                    return None;
                }
            }
        }
    }
    found
}

/// The values assigned to `name` in `scope` (outside nested functions and classes), or
/// `None` when it is bound any other way (a loop, `with ... as`, `global`, a parameter of a
/// lambda, ...).
fn bindings<'t>(model: &Model<'_>, scope: Node<'t>, name: &str) -> Option<Vec<Node<'t>>> {
    let body = if scope.kind() == "function_definition" {
        scope.child_by_field_name("body")?
    } else {
        scope
    };
    let mut names = Vec::new();
    collect(
        body,
        Reach::Scope,
        &mut |n| n.kind() == "identifier" && model.text(n) == name,
        &mut names,
    );
    let mut values = Vec::new();
    for identifier in names {
        let parent = identifier.parent()?;
        if parent.kind() == "assignment" && parent.child_by_field_name("left") == Some(identifier) {
            values.push(parent.child_by_field_name("right")?);
        } else if binds(identifier) {
            return None;
        }
    }
    Some(values)
}

/// True when `identifier` is in a position that binds it.
fn binds(identifier: Node<'_>) -> bool {
    let Some(parent) = identifier.parent() else {
        return false;
    };
    match parent.kind() {
        "assignment" | "augmented_assignment" | "named_expression" => {
            parent.child_by_field_name("left") == Some(identifier)
                || parent.child_by_field_name("name") == Some(identifier)
        }
        "function_definition" | "class_definition" => {
            parent.child_by_field_name("name") == Some(identifier)
        }
        "for_statement" | "for_in_clause" => parent.child_by_field_name("left") == Some(identifier),
        "pattern_list"
        | "tuple_pattern"
        | "list_pattern"
        | "as_pattern_target"
        | "global_statement"
        | "nonlocal_statement"
        | "dotted_name"
        | "aliased_import"
        | "parameters"
        | "lambda_parameters"
        | "default_parameter"
        | "typed_parameter"
        | "typed_default_parameter"
        | "list_splat_pattern"
        | "dictionary_splat_pattern"
        | "delete_statement" => true,
        _ => false,
    }
}

/// The function whose body holds `node`, or the module.
fn enclosing_scope(node: Node<'_>) -> Node<'_> {
    let mut current = node;
    while let Some(parent) = current.parent() {
        if matches!(parent.kind(), "function_definition" | "module") {
            return parent;
        }
        current = parent;
    }
    current
}

fn root(node: Node<'_>) -> Node<'_> {
    let mut current = node;
    while let Some(parent) = current.parent() {
        current = parent;
    }
    current
}

/// Whether a search looks into nested functions, lambdas and classes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// Only the statements of this scope.
    Scope,
    /// Everything below.
    Everywhere,
}

/// The descendants of `node` that `wanted` accepts.
fn collect<'t>(
    node: Node<'t>,
    reach: Reach,
    wanted: &mut impl FnMut(Node<'t>) -> bool,
    out: &mut Vec<Node<'t>>,
) {
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        if wanted(child) {
            out.push(child);
        }
        if reach == Reach::Everywhere
            || !matches!(
                child.kind(),
                "function_definition" | "lambda" | "class_definition" | "decorated_definition"
            )
        {
            collect(child, reach, wanted, out);
        }
    }
}
