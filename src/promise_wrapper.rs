//! Node callbacks that only settle a promise executor, turned into the promise the new API
//! returns.
//!
//! `new Promise((resolve, reject) => ctx.acquireX(..., (err, res) => err ? reject(err) :
//! resolve(res)))` exists to turn a callback into a promise; MSAL's call returns one. When
//! the callback's error path only rejects with the error and its success path only resolves
//! (with the result, or with something computed from it), the new call's promise settles
//! the same way:
//! - when the call is all the executor does, the whole `new Promise(...)` becomes the new
//!   call, followed by `.then((res) => res.accessToken)` when it resolved with something
//!   computed from the result;
//! - when the executor does something before it, the call becomes `resolve(newCall)`:
//!   resolving with a promise adopts its outcome.
//!
//! Error paths recognised: `reject(err)`, `return reject(err)`, a block of it and a bare
//! `return`, and the Power BI samples' `reject(res == null ? err : res)` (an MSAL error
//! comes with no response, so it rejects with `err`). The error path is the `if (err)`
//! branch with an `else` or followed by nothing but the `resolve` (ignored once rejected),
//! or the ternary's consequence. Anything else gives no value: the callback is then turned
//! into `.then(onSuccess, onError)` handlers as any other (`callback`).

use std::ops::Range;

use tree_sitter::Node;

use crate::callback;
use crate::fix::Edit;
use crate::semantic::Model;

/// How a call inside a promise executor is replaced.
pub(crate) struct Settled {
    /// What the new call replaces: the whole `new Promise(...)`, or the call itself.
    pub(crate) range: Range<usize>,
    /// What follows the new call: nothing, or `.then((res) => ...)`.
    pub(crate) then: String,
    /// The name of the executor's `resolve` when the new call is handed to it (the call
    /// is replaced in place).
    pub(crate) resolve: Option<String>,
    /// The argument of `resolve` when it is the result itself: the result leaves through
    /// the promise, and what reads it is not in this call.
    pub(crate) resolved_result: Option<Range<usize>>,
    /// The error path passed on an ADAL error response instead of the error (`reject(res
    /// == null ? err : res)`): the promise now rejects with MSAL's error.
    pub(crate) rejected_response: bool,
    /// The argument of `reject`: the code there is replaced by the new promise's own
    /// rejection, so what it reads of the result goes with it.
    pub(crate) rejected: Range<usize>,
}

/// The settled form of `call`, whose callback is `callback`, when it is the last statement
/// of a promise executor and its callback only settles that promise. `edits` are renames
/// inside the callback, applied to the code the new handler copies.
pub(crate) fn settle(
    model: &Model<'_>,
    call: Node<'_>,
    callback: Node<'_>,
    edits: &[Edit],
) -> Option<Settled> {
    let (statement, executor, promise) = executor_of(model, call)?;
    let (resolve, reject) = executor_parameters(model, executor)?;
    let (error, result) = callback_parameters(model, callback)?;
    let (on_error, on_success) = paths(model, callback, error)?;
    let rejected = sole_call(model, on_error, reject)?;
    let resolved = sole_call(model, on_success, resolve)?;
    let rejected_response = match rejected.kind() {
        "identifier" if model.text(rejected) == error => false,
        _ if error_or_response(model, rejected, error, result) => true,
        _ => return None,
    };
    let mut resolved = resolved;
    while resolved.kind() == "parenthesized_expression" {
        resolved = resolved.named_child(0)?;
    }
    if mentions(model, resolved, error)
        || mentions(model, resolved, "this")
        || mentions(model, resolved, "arguments")
        || mentions(model, resolved, resolve)
        || mentions(model, resolved, reject)
    {
        return None;
    }
    let is_result = resolved.kind() == "identifier" && model.text(resolved) == result;
    let then = if is_result {
        String::new()
    } else {
        let value = callback::slice(model.source, resolved.byte_range(), edits);
        let value = if resolved.kind() == "object" {
            format!("({value})")
        } else {
            value
        };
        format!(".then(({result}) => {value})")
    };
    // Nothing may follow the call in the executor: a synchronous `resolve` after it would
    // win over the callback before, and lose to an adopted promise now.
    let body = executor.child_by_field_name("body")?;
    let sole = match statement {
        None => true,
        Some(statement) => {
            let mut cursor = body.walk();
            let statements: Vec<Node<'_>> = body
                .named_children(&mut cursor)
                .filter(|c| c.kind() != "comment")
                .collect();
            if statements.last() != Some(&statement) {
                return None;
            }
            statements.len() == 1
        }
    };
    // The executor's `resolve` and `reject` are used by the callback alone.
    let uses = |name: &str| count(model, body, name) - count(model, callback, name);
    if uses(resolve) > 0 || uses(reject) > 0 {
        return None;
    }
    Some(Settled {
        range: if sole {
            promise.byte_range()
        } else {
            call.byte_range()
        },
        then,
        resolve: (!sole).then(|| resolve.to_string()),
        resolved_result: is_result.then(|| resolved.byte_range()),
        rejected_response,
        rejected: rejected.byte_range(),
    })
}

/// The statement holding `call` in a promise executor (none when the call is the body of
/// an arrow executor), the executor and the `new Promise(...)` expression.
fn executor_of<'t>(
    model: &Model<'_>,
    call: Node<'t>,
) -> Option<(Option<Node<'t>>, Node<'t>, Node<'t>)> {
    let mut node = call;
    let mut parent = node.parent()?;
    while parent.kind() == "parenthesized_expression" {
        node = parent;
        parent = node.parent()?;
    }
    let (statement, executor) = match parent.kind() {
        "arrow_function" if parent.child_by_field_name("body") == Some(node) => (None, parent),
        "expression_statement" | "return_statement" => {
            let block = parent.parent().filter(|b| b.kind() == "statement_block")?;
            let function = block.parent().filter(|f| {
                matches!(
                    f.kind(),
                    "arrow_function" | "function_expression" | "function"
                ) && f.child_by_field_name("body") == Some(block)
            })?;
            (Some(parent), function)
        }
        _ => return None,
    };
    let arguments = executor.parent().filter(|p| p.kind() == "arguments")?;
    if arguments.named_child_count() != 1 {
        return None;
    }
    let promise = arguments
        .parent()
        .filter(|p| p.kind() == "new_expression")?;
    let constructor = promise.child_by_field_name("constructor")?;
    (constructor.kind() == "identifier" && model.text(constructor) == "Promise")
        .then_some((statement, executor, promise))
}

/// The executor's `resolve` and `reject` parameter names.
fn executor_parameters<'s>(model: &Model<'s>, executor: Node<'_>) -> Option<(&'s str, &'s str)> {
    let names = identifier_parameters(model, executor)?;
    match names.as_slice() {
        [resolve, reject] => Some((resolve, reject)),
        _ => None,
    }
}

/// The callback's error and result parameter names (exactly two plain names).
fn callback_parameters<'s>(model: &Model<'s>, callback: Node<'_>) -> Option<(&'s str, &'s str)> {
    if !matches!(
        callback.kind(),
        "arrow_function" | "function_expression" | "function"
    ) {
        return None;
    }
    let names = identifier_parameters(model, callback)?;
    match names.as_slice() {
        [error, result] if error != result => Some((error, result)),
        _ => None,
    }
}

fn identifier_parameters<'s>(model: &Model<'s>, function: Node<'_>) -> Option<Vec<&'s str>> {
    if let Some(single) = function.child_by_field_name("parameter") {
        return Some(vec![model.text(single)]);
    }
    let parameters = function.child_by_field_name("parameters")?;
    let mut cursor = parameters.walk();
    parameters
        .named_children(&mut cursor)
        .filter(|n| n.kind() != "comment")
        .map(|n| {
            // A TypeScript parameter (`err: Error`) names its pattern.
            let name = match n.kind() {
                "required_parameter" => n.child_by_field_name("pattern")?,
                _ => n,
            };
            (name.kind() == "identifier").then(|| model.text(name))
        })
        .collect()
}

/// The callback's error path and success path (statements or expressions).
fn paths<'t>(model: &Model<'_>, callback: Node<'t>, error: &str) -> Option<(Node<'t>, Node<'t>)> {
    let mut body = callback.child_by_field_name("body")?;
    while body.kind() == "parenthesized_expression" {
        body = body.named_child(0)?;
    }
    if body.kind() == "ternary_expression" {
        let condition = body.child_by_field_name("condition")?;
        return tests_error(model, condition, error).then_some((
            body.child_by_field_name("consequence")?,
            body.child_by_field_name("alternative")?,
        ));
    }
    if body.kind() != "statement_block" {
        return None;
    }
    let statements = statements_of(body);
    let first = *statements.first()?;
    if first.kind() != "if_statement"
        || !tests_error(model, first.child_by_field_name("condition")?, error)
    {
        return None;
    }
    let consequence = first.child_by_field_name("consequence")?;
    let alternative = first.child_by_field_name("alternative").and_then(|clause| {
        clause
            .named_children(&mut clause.walk())
            .find(|c| c.kind() != "comment")
    });
    match (alternative, &statements[1..]) {
        (Some(alternative), []) => Some((consequence, alternative)),
        (None, [rest]) => Some((consequence, *rest)),
        _ => None,
    }
}

/// The statements of a block, without its comments.
fn statements_of(block: Node<'_>) -> Vec<Node<'_>> {
    let mut cursor = block.walk();
    block
        .named_children(&mut cursor)
        .filter(|c| c.kind() != "comment")
        .collect()
}

/// `(err)` or `err` as an `if` or ternary condition.
fn tests_error(model: &Model<'_>, condition: Node<'_>, error: &str) -> bool {
    let mut inner = condition;
    while inner.kind() == "parenthesized_expression" {
        match inner.named_child(0) {
            Some(child) => inner = child,
            None => return false,
        }
    }
    inner.kind() == "identifier" && model.text(inner) == error
}

/// The only argument of the one call of `name` that `path` makes (a statement, a block of
/// it and an optional bare `return`, `return name(x)`, or the call as an expression).
fn sole_call<'t>(model: &Model<'_>, path: Node<'t>, name: &str) -> Option<Node<'t>> {
    let mut node = path;
    if node.kind() == "statement_block" {
        let statements = statements_of(node);
        node = match statements.as_slice() {
            [only] => *only,
            [only, last] if last.kind() == "return_statement" && last.named_child_count() == 0 => {
                *only
            }
            _ => return None,
        };
    }
    if matches!(node.kind(), "expression_statement" | "return_statement") {
        node = node.named_child(0)?;
    }
    while node.kind() == "parenthesized_expression" {
        node = node.named_child(0)?;
    }
    if node.kind() != "call_expression" {
        return None;
    }
    let callee = node.child_by_field_name("function")?;
    if callee.kind() != "identifier" || model.text(callee) != name {
        return None;
    }
    let arguments = node.child_by_field_name("arguments")?;
    let mut cursor = arguments.walk();
    let values: Vec<Node<'_>> = arguments
        .named_children(&mut cursor)
        .filter(|c| c.kind() != "comment")
        .collect();
    match values.as_slice() {
        [only] => Some(*only),
        _ => None,
    }
}

/// `res == null ? err : res` and its spellings (`===`, `undefined`, `!res`, the branches
/// swapped with the test negated): the error, or ADAL's error response when one came.
fn error_or_response(model: &Model<'_>, node: Node<'_>, error: &str, result: &str) -> bool {
    let mut node = node;
    while node.kind() == "parenthesized_expression" {
        match node.named_child(0) {
            Some(child) => node = child,
            None => return false,
        }
    }
    if node.kind() != "ternary_expression" {
        return false;
    }
    let names = |field: &str| {
        node.child_by_field_name(field)
            .filter(|n| n.kind() == "identifier")
            .map(|n| model.text(n))
    };
    let branches = (names("consequence"), names("alternative"));
    let Some(condition) = node.child_by_field_name("condition") else {
        return false;
    };
    // The condition reads the response and nothing else.
    let mut stack = vec![condition];
    while let Some(current) = stack.pop() {
        match current.kind() {
            "identifier" if model.text(current) != result && model.text(current) != "undefined" => {
                return false;
            }
            "call_expression"
            | "assignment_expression"
            | "augmented_assignment_expression"
            | "update_expression" => return false,
            _ => {}
        }
        let mut cursor = current.walk();
        stack.extend(current.named_children(&mut cursor));
    }
    branches == (Some(error), Some(result)) || branches == (Some(result), Some(error))
}

/// True when an identifier (or `this`) in `node` is `name`.
fn mentions(model: &Model<'_>, node: Node<'_>, name: &str) -> bool {
    count(model, node, name) > 0
}

/// How many identifiers (or `this`) in `node` are `name`.
fn count(model: &Model<'_>, node: Node<'_>, name: &str) -> usize {
    let mut stack = vec![node];
    let mut found = 0;
    while let Some(current) = stack.pop() {
        if matches!(
            current.kind(),
            "identifier" | "shorthand_property_identifier" | "this"
        ) && model.text(current) == name
        {
            found += 1;
        }
        let mut cursor = current.walk();
        stack.extend(current.named_children(&mut cursor));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::settle;
    use crate::callback::tests::with_callback_of;

    /// `(replaced text, then, resolve)` of the call of `acquire` in `source`.
    fn settled(source: &str) -> Option<(String, String, Option<String>)> {
        with_callback_of(source, "acquire", |model, call, callback| {
            settle(model, call.node, callback, &[])
                .map(|s| (source[s.range].to_string(), s.then, s.resolve))
        })
    }

    #[test]
    fn a_callback_that_only_settles_its_executor_gives_way_to_the_promise() {
        let (replaced, then, resolve) = settled(
            "f = () => new Promise((resolve, reject) => ctx.acquire(a, (e, r) => e ? reject(e) : resolve(r.accessToken)));",
        )
        .expect("settled");
        assert!(replaced.starts_with("new Promise"));
        assert_eq!(then, ".then((r) => r.accessToken)");
        assert_eq!(resolve, None);
        // Something before the call: the new promise is handed to `resolve`.
        let (replaced, then, resolve) = settled(
            "new Promise((ok, fail) => {\n  const c = make();\n  c.acquire(a, function (err, res) {\n    if (err) { fail(res == null ? err : res); }\n    ok(res);\n  });\n});",
        )
        .expect("settled");
        assert!(replaced.starts_with("c.acquire"));
        assert_eq!(then, "");
        assert_eq!(resolve.as_deref(), Some("ok"));
    }

    #[test]
    fn executors_that_do_more_or_are_not_promises_are_left_to_the_handlers() {
        // Another constructor, the error wrapped, the executor settling after the call,
        // `resolve` kept elsewhere, the error read on the success path.
        for source in [
            "new Deferred((resolve, reject) => ctx.acquire(a, (e, r) => e ? reject(e) : resolve(r)));",
            "new Promise((resolve, reject) => ctx.acquire(a, (e, r) => e ? reject(new Error(e.message)) : resolve(r)));",
            "new Promise((resolve, reject) => {\n  ctx.acquire(a, (e, r) => e ? reject(e) : resolve(r));\n  setTimeout(reject, 10);\n});",
            "new Promise((resolve, reject) => {\n  later = resolve;\n  ctx.acquire(a, (e, r) => e ? reject(e) : resolve(r));\n});",
            "new Promise((resolve, reject) => ctx.acquire(a, (e, r) => e ? reject(e) : resolve(e || r)));",
        ] {
            assert!(settled(source).is_none(), "{source}");
        }
    }
}
