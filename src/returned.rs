//! A result that leaves a Python helper by `return`, followed to the helper's callers in
//! the same file, so that the keys they read on it can be renamed with the call.
//!
//! `def get_token(): ... return context.acquire_token_with_username_password(...)` and,
//! below, `print(get_token()["accessToken"])` or `token = get_token()` then
//! `token["accessToken"]`. Only a helper no other module is expected to call is followed: a
//! top-level function whose name starts with `_`, or one of a script (a module with an
//! `if __name__ == "__main__":` block, or one that calls the helper at its top level, so
//! that loading it runs the flow), or a private method (`_get_token`, called as
//! `self._get_token()` by the class's other methods). Every mention of the helper's name
//! must be such a call, and each call's result must be read with keys (directly, or through
//! one name assigned once and otherwise only tested); anything else keeps the result
//! unfollowed. A result passed to a private function of the module (or one of a script)
//! that every caller hands this result, and that only reads its parameter's keys, is
//! followed there too.

use std::ops::Range;

use tree_sitter::Node;

use crate::semantic::{Model, UseKind, Value};

/// The objects key reads are taken on at the callers (`get_token()`, or `token` in
/// `token["accessToken"]`), when the result `node` (the call that makes it, or a name
/// holding it) is returned from a helper whose every caller in this file only reads its
/// keys. `made` is the range of the call that makes the result. `Err` says where the result
/// goes instead (`returned from `get_token`, which other modules may call`), for the reason
/// a fix gives when it is withheld.
pub(crate) fn caller_objects<'t>(
    model: &Model<'t>,
    node: Node<'t>,
    made: &Range<usize>,
) -> Result<Followed<'t>, String> {
    let Some(function) = returning_function(node) else {
        if let Some(objects) = parameter_objects(model, node, made) {
            return Ok(Followed {
                objects,
                note: None,
            });
        }
        return Err(destination(model, node));
    };
    let Some(name_node) = function.child_by_field_name("name") else {
        return Err(destination(model, node));
    };
    let name = model.text(name_node);
    let returned = |why: &str| Err(format!("returned from `{name}`, {why}"));
    if !returns_only(model, function, made) {
        return returned("which also returns other values");
    }
    let Some(parent) = function.parent() else {
        return Err(destination(model, node));
    };
    let mut note = None;
    let calls = match parent.kind() {
        "module" => {
            if defined_more_than_once(model, parent, name) {
                return returned("which this module defines more than once");
            }
            let calls = match function_calls(model, parent, name, name_node) {
                Ok(calls) => calls,
                Err(line) => {
                    return returned(&format!(
                        "whose name is used at line {line} other than by a call"
                    ));
                }
            };
            if !(name.starts_with('_') || is_script(model, parent)) {
                if !calls.iter().any(|call| at_top_level(*call)) {
                    return returned(
                        "which other modules may call (a public function of a module that is not a script)",
                    );
                }
                note = Some(format!(
                    "`{name}` is followed to the code this module runs when it is loaded, as a program's; a module that imports `{name}` (or what it returned) and reads ADAL's keys is not seen."
                ));
            }
            calls
        }
        // A method: followed when it is private to its class (`_get_token`, not a dunder).
        "block"
            if parent
                .parent()
                .is_some_and(|c| c.kind() == "class_definition") =>
        {
            let class = parent.parent().expect("checked above");
            let private = name.starts_with('_') && !name.ends_with("__");
            if !private {
                return returned("a method that code outside its class may call");
            }
            if defined_more_than_once(model, parent, name) {
                return returned("which its class defines more than once");
            }
            match method_calls(model, class, name, name_node) {
                Ok(calls) => calls,
                Err(line) => {
                    return returned(&format!(
                        "whose name is used at line {line} other than by a call on `self` in its class"
                    ));
                }
            }
        }
        _ => return returned("a function nested in another, whose callers are not followed"),
    };
    if calls.is_empty() {
        return returned("which nothing in this file calls");
    }
    let mut objects = Vec::new();
    for call in calls {
        match call_result_objects(model, call) {
            Some(found) => objects.extend(found),
            None => {
                return returned(&format!(
                    "whose caller at line {} uses the result otherwise than by reading its keys",
                    call.start_position().row + 1
                ));
            }
        }
    }
    Ok(Followed { objects, note })
}

/// A returned result followed to its callers.
pub(crate) struct Followed<'t> {
    /// The objects key reads are taken on at the callers.
    pub(crate) objects: Vec<Node<'t>>,
    /// What the fix's note must add about how far the result was followed.
    pub(crate) note: Option<String>,
}

/// Where a result that is not returned goes: passed to a call, stored, or put in a value.
fn destination(model: &Model<'_>, node: Node<'_>) -> String {
    let line = node.start_position().row + 1;
    let mut current = node;
    let mut parent = node.parent();
    while let Some(p) = parent.filter(|p| p.kind() == "parenthesized_expression") {
        current = p;
        parent = p.parent();
    }
    if let Some(keyword) = parent.filter(|p| p.kind() == "keyword_argument") {
        current = keyword;
        parent = keyword.parent();
    }
    let Some(parent) = parent else {
        return format!("used at line {line}");
    };
    match parent.kind() {
        "argument_list" => match parent
            .parent()
            .and_then(|c| c.child_by_field_name("function"))
        {
            Some(callee) => format!("passed to `{}` (line {line})", model.text(callee)),
            None => format!("passed to a call (line {line})"),
        },
        "assignment" | "augmented_assignment"
            if parent.child_by_field_name("right") == Some(current) =>
        {
            match parent.child_by_field_name("left") {
                Some(left) => format!("stored in `{}` (line {line})", model.text(left)),
                None => format!("stored (line {line})"),
            }
        }
        "pair" | "list" | "tuple" | "set" | "dictionary" => {
            format!("put in a collection (line {line})")
        }
        "lambda" => match parent
            .parent()
            .filter(|l| l.kind() == "argument_list")
            .and_then(|l| l.parent())
            .and_then(|c| c.child_by_field_name("function"))
        {
            Some(callee) => format!(
                "returned by a lambda passed to `{}` (line {line})",
                model.text(callee)
            ),
            None => format!("returned by a lambda (line {line})"),
        },
        "return_statement" => format!("returned (line {line})"),
        _ => format!("used at line {line}"),
    }
}

/// The calls of the top-level function `name` in `module`, when every other mention of the
/// name is a plain call of it (`Err`: the line of one that is not).
fn function_calls<'t>(
    model: &Model<'t>,
    module: Node<'t>,
    name: &str,
    name_node: Node<'t>,
) -> Result<Vec<Node<'t>>, usize> {
    identifiers(module, model, name)
        .into_iter()
        .filter(|mention| *mention != name_node)
        .map(|mention| {
            mention
                .parent()
                .filter(|p| {
                    p.kind() == "call" && p.child_by_field_name("function") == Some(mention)
                })
                .ok_or(mention.start_position().row + 1)
        })
        .collect()
}

/// The calls of the method `name` of `class` (`self._get_token()` in the class's other
/// methods), when every other mention of the name in the module is such a call (`Err`: the
/// line of one that is not).
fn method_calls<'t>(
    model: &Model<'t>,
    class: Node<'t>,
    name: &str,
    name_node: Node<'t>,
) -> Result<Vec<Node<'t>>, usize> {
    let module = root(class);
    identifiers(module, model, name)
        .into_iter()
        .filter(|mention| *mention != name_node)
        .map(|mention| {
            let call = || {
                let attribute = mention.parent().filter(|p| {
                    p.kind() == "attribute" && p.child_by_field_name("attribute") == Some(mention)
                })?;
                let call = attribute.parent().filter(|p| {
                    p.kind() == "call" && p.child_by_field_name("function") == Some(attribute)
                })?;
                let object = attribute.child_by_field_name("object")?;
                let method = method_of(class, call)?;
                (model.text(object) == first_parameter(model, method)?).then_some(call)
            };
            call().ok_or(mention.start_position().row + 1)
        })
        .collect()
}

/// The method of `class` (a function defined directly in its body) that holds `node`.
fn method_of<'t>(class: Node<'t>, node: Node<'t>) -> Option<Node<'t>> {
    let body = class.child_by_field_name("body")?;
    let mut current = node;
    while let Some(parent) = current.parent() {
        if current.kind() == "function_definition" {
            let holder = parent;
            let holder = if holder.kind() == "decorated_definition" {
                holder.parent()?
            } else {
                holder
            };
            if holder == body {
                return Some(current);
            }
        }
        current = parent;
    }
    None
}

/// The name of a function's first parameter (`self` of a method).
fn first_parameter<'t>(model: &Model<'t>, function: Node<'t>) -> Option<&'t str> {
    let parameters = function.child_by_field_name("parameters")?;
    let first = parameters.named_child(0)?;
    (first.kind() == "identifier").then(|| model.text(first))
}

/// True when `node` runs when the module is loaded: no function, lambda or class holds it.
/// A module that calls its own helper at its top level is a program, not a library.
fn at_top_level(node: Node<'_>) -> bool {
    let mut current = node;
    while let Some(parent) = current.parent() {
        if matches!(
            parent.kind(),
            "function_definition" | "lambda" | "class_definition"
        ) {
            return false;
        }
        current = parent;
    }
    true
}

fn root(node: Node<'_>) -> Node<'_> {
    let mut current = node;
    while let Some(parent) = current.parent() {
        current = parent;
    }
    current
}

/// The `return` statement that gives `node` back (through parentheses), if any.
fn return_statement_of(node: Node<'_>) -> Option<Node<'_>> {
    let mut parent = node.parent()?;
    while parent.kind() == "parenthesized_expression" {
        parent = parent.parent()?;
    }
    (parent.kind() == "return_statement").then_some(parent)
}

/// True when `node` is what a `return` gives back (`return token`, `return (token)`).
pub(crate) fn is_returned(node: Node<'_>) -> bool {
    return_statement_of(node).is_some()
}

/// True when the object `call` makes is returned from a function: the call itself, or a
/// name holding the object, is what a `return` gives back.
pub(crate) fn object_is_returned(model: &Model<'_>, call: Node<'_>) -> bool {
    let made = call.byte_range();
    is_returned(call)
        || model.facts.uses.iter().any(|site| {
            site.kind == UseKind::Escape
                && is_returned(site.node)
                && matches!(model.evaluate(site.node), Value::Object { origin: Some(o), .. } if o == made)
        })
}

/// The top-level function whose `return` gives `node` back.
fn returning_function(node: Node<'_>) -> Option<Node<'_>> {
    let statement = return_statement_of(node)?;
    let mut scope = statement.parent()?;
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

/// The objects key reads are taken on in a function the result is passed to
/// (`headers(token)` and `def _headers(token): return {"Authorization": token["accessToken"]}`):
/// a top-level function of this module that no other module is expected to call (`_`-named,
/// or one of a script), every one of whose calls passes this result in that position, and
/// whose parameter is only read with keys or tested.
fn parameter_objects<'t>(
    model: &Model<'t>,
    node: Node<'t>,
    made: &Range<usize>,
) -> Option<Vec<Node<'t>>> {
    let list = node.parent().filter(|p| p.kind() == "argument_list")?;
    let mut cursor = list.walk();
    let arguments: Vec<Node<'t>> = list.named_children(&mut cursor).collect();
    let position = arguments.iter().position(|a| *a == node)?;
    let spread = |n: &Node<'_>| {
        matches!(
            n.kind(),
            "list_splat"
                | "dictionary_splat"
                | "keyword_argument"
                | "list_splat_pattern"
                | "dictionary_splat_pattern"
        )
    };
    if arguments[..position].iter().any(spread) {
        return None;
    }
    let callee = list
        .parent()?
        .child_by_field_name("function")
        .filter(|f| f.kind() == "identifier")?;
    let name = model.text(callee);
    let module = root(node);
    if defined_more_than_once(model, module, name) {
        return None;
    }
    let mut cursor = module.walk();
    let function = module.named_children(&mut cursor).find(|s| {
        s.kind() == "function_definition"
            && s.child_by_field_name("name")
                .is_some_and(|n| model.text(n) == name)
    })?;
    if !(name.starts_with('_') || is_script(model, module)) {
        return None;
    }
    let name_node = function.child_by_field_name("name")?;
    // Every call passes this result in that position, positionally.
    let is_made = |n: Node<'_>| matches!(model.evaluate(n), Value::Object { origin: Some(o), .. } if o == *made);
    for call in function_calls(model, module, name, name_node).ok()? {
        let list = call.child_by_field_name("arguments")?;
        let mut cursor = list.walk();
        let passed = list.named_children(&mut cursor).nth(position)?;
        if !is_made(passed) {
            return None;
        }
    }
    // The parameter in that position, read only with keys (or tested) in the function.
    let parameters = function.child_by_field_name("parameters")?;
    let mut cursor = parameters.walk();
    let before: Vec<Node<'_>> = parameters.named_children(&mut cursor).collect();
    if before.iter().take(position).any(|p| {
        !matches!(
            p.kind(),
            "identifier" | "default_parameter" | "typed_parameter" | "typed_default_parameter"
        )
    }) {
        return None;
    }
    let parameter = before
        .get(position)
        .copied()
        .filter(|p| p.kind() == "identifier")?;
    let parameter_name = model.text(parameter);
    let body = function.child_by_field_name("body")?;
    let is_read_object = |n: Node<'_>| {
        model
            .facts
            .key_reads
            .iter()
            .any(|read| read.object.byte_range() == n.byte_range())
    };
    let mut objects = Vec::new();
    for mention in identifiers(body, model, parameter_name) {
        if is_read_object(mention) {
            objects.push(mention);
            continue;
        }
        if !is_tested(mention) {
            return None;
        }
    }
    Some(objects)
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
    // Mentions in nested functions that bind the name themselves are other variables.
    let bound = model
        .facts
        .bindings
        .iter()
        .position(|b| b.range == target.byte_range());
    let home = model.function_of(model.scope_at(target.start_byte()));
    let other_variable = |mention: Node<'_>| {
        model.function_of(model.scope_at(mention.start_byte())) != home
            && bound.is_none_or(|id| !model.lookup(name, mention.start_byte()).contains(&id))
    };
    let mut objects = Vec::new();
    for mention in identifiers(scope, model, name) {
        if mention == target || other_variable(mention) {
            continue;
        }
        if is_read_object(mention) {
            objects.push(mention);
            continue;
        }
        if !is_tested(mention) {
            return None;
        }
    }
    Some(objects)
}

/// True when a mention of a name is only tested for truth (`if token:`, `not token`).
fn is_tested(mention: Node<'_>) -> bool {
    mention.parent().is_some_and(|p| {
        (p.kind() == "if_statement" && p.child_by_field_name("condition") == Some(mention))
            || p.kind() == "not_operator"
    })
}
