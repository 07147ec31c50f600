//! Node-style callbacks turned into promise handlers, for the `then` template filter.
//!
//! `(err, result) => { if (err) { A } else { B } }` becomes `.then((result) => { B },
//! (err) => { A })`: the two-argument `then`, so an exception thrown by the success path is
//! not handed to the error path (which `.then(B).catch(A)` would do). A callback passed by
//! name is called as before: `.then((result) => cb(null, result), (error) => cb(error))`.
//! `function` callbacks stay `function`s, so `this` and `arguments` keep their meaning.
//! An error branch with no `else` must end the callback: `return`, `throw`,
//! `process.exit(...)`, which ends the program, or, in a promise executor, `reject(...)`
//! followed only by `resolve(...)`, which a rejected promise ignores. A callback that does
//! not split (it logs the error before testing it, or never tests it) is still called with
//! `(err, result)` as before, from one handler after the promise settles:
//! `.then((res) => [null, res], (err) => [err]).then(([err, res]) => { ... })`, when its
//! body reads nothing of the result, which is `undefined` after an error; otherwise it gives
//! no value and the fix is withheld rather than guessed.

use tree_sitter::Node;

use crate::fix::Edit;
use crate::semantic::Model;

/// The source text of `range` with the `edits` that lie inside it applied (renames of keys
/// read in a callback body that the handlers copy).
pub(crate) fn slice(source: &str, range: std::ops::Range<usize>, edits: &[Edit]) -> String {
    let mut inner: Vec<&Edit> = edits
        .iter()
        .filter(|e| range.start <= e.range.start && e.range.end <= range.end)
        .collect();
    inner.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::new();
    let mut cursor = range.start;
    for edit in inner {
        if edit.range.start < cursor {
            continue;
        }
        out.push_str(&source[cursor..edit.range.start]);
        out.push_str(&edit.content);
        cursor = edit.range.end;
    }
    out.push_str(&source[cursor..range.end]);
    out
}

/// The `.then(onSuccess, onError)` that replaces passing `callback`; `edits` (key renames
/// inside the callback) are applied to the code the handlers copy.
pub(crate) fn then_clause(model: &Model<'_>, callback: Node<'_>, edits: &[Edit]) -> Option<String> {
    match callback.kind() {
        "identifier" | "member_expression" => {
            let name = model.text(callback);
            Some(format!(
                ".then((result) => {name}(null, result), (error) => {name}(error))"
            ))
        }
        "function_expression" | "function" | "arrow_function" => {
            split(model, callback, edits).or_else(|| in_order(model, callback, edits))
        }
        _ => None,
    }
}

/// A callback that does not split into two paths, called as before with the promise's
/// outcome: `.then((res) => [null, res], (err) => [err]).then(([err, res]) => { ... })`,
/// or `.catch(() => undefined).then((res) => { ... })` when it never reads the error. On
/// an error the result is `undefined` (ADAL passed its error response there), so the body
/// must read nothing of the result, and nothing of `arguments` (now one array).
fn in_order(model: &Model<'_>, function: Node<'_>, edits: &[Edit]) -> Option<String> {
    let (error, result) = parameter_names(model, function)?;
    let body = function.child_by_field_name("body")?;
    if mentions(model, body, "arguments") || result.is_some_and(|r| reads_into(model, body, r)) {
        return None;
    }
    // A callback on a line of its own moves up to the call's line: its body moves with it.
    let call_start = function
        .parent()
        .and_then(|arguments| arguments.parent())
        .map_or(function.start_byte(), |call| call.start_byte());
    let code = reindent(
        &slice(model.source, body.byte_range(), edits),
        indentation(model.source, function.start_byte()),
        indentation(model.source, call_start),
    );
    let handler = |parameter: &str| {
        if function.kind() == "arrow_function" {
            format!("({parameter}) => {code}")
        } else {
            format!("function ({parameter}) {code}")
        }
    };
    if !mentions(model, body, error) {
        let parameter = result.unwrap_or_default();
        return Some(format!(
            ".catch(() => undefined).then({})",
            handler(parameter)
        ));
    }
    Some(match result {
        Some(result) => format!(
            ".then(({result}) => [null, {result}], ({error}) => [{error}]).then({})",
            handler(&format!("[{error}, {result}]"))
        ),
        None => format!(
            ".then(() => null, ({error}) => {error}).then({})",
            handler(error)
        ),
    })
}

/// True when `node` reads a property or element of `name` (`name.x`, `name[k]`), which
/// throws when `name` is `undefined`.
fn reads_into(model: &Model<'_>, node: Node<'_>, name: &str) -> bool {
    let mut stack = vec![node];
    while let Some(current) = stack.pop() {
        if matches!(current.kind(), "member_expression" | "subscript_expression")
            && current
                .child_by_field_name("object")
                .is_some_and(|o| o.kind() == "identifier" && model.text(o) == name)
        {
            return true;
        }
        let mut cursor = current.walk();
        stack.extend(current.named_children(&mut cursor));
    }
    false
}

/// The names of the callback's first two parameters (error, result). Further parameters
/// (`subscriptions` of `(err, credentials, subscriptions)`) have no place in a promise
/// handler: allowed only when the body never mentions them.
fn parameter_names<'s>(
    model: &Model<'s>,
    function: Node<'_>,
) -> Option<(&'s str, Option<&'s str>)> {
    if let Some(single) = function.child_by_field_name("parameter") {
        return Some((model.text(single), None));
    }
    let parameters = function.child_by_field_name("parameters")?;
    let mut cursor = parameters.walk();
    // TypeScript wraps every parameter (`required_parameter`). One with a type (`response:
    // any`) holds what its type says, not the call's result, so its reads are not followed:
    // such callbacks are not rewritten (`has_typed_parameters`).
    let names: Vec<Node<'_>> = parameters
        .named_children(&mut cursor)
        .map(|n| match n.kind() {
            "required_parameter"
                if n.child_by_field_name("type").is_none()
                    && n.child_by_field_name("value").is_none() =>
            {
                n.child_by_field_name("pattern").unwrap_or(n)
            }
            _ => n,
        })
        .collect();
    if names.iter().any(|n| n.kind() != "identifier") {
        return None;
    }
    let body = function.child_by_field_name("body")?;
    let extra_read = names
        .iter()
        .skip(2)
        .any(|n| mentions(model, body, model.text(*n)));
    if extra_read || (names.len() > 2 && mentions(model, body, "arguments")) {
        return None;
    }
    let error = names.first().map(|n| model.text(*n))?;
    Some((error, names.get(1).map(|n| model.text(*n))))
}

/// True when `node` (an `if` condition) tests the error parameter: `(err)`.
fn tests_error(model: &Model<'_>, condition: Node<'_>, error: &str) -> bool {
    let inner = if condition.kind() == "parenthesized_expression" {
        condition.named_child(0)
    } else {
        Some(condition)
    };
    inner.is_some_and(|n| n.kind() == "identifier" && model.text(n) == error)
}

/// True when the statement always leaves the function (`return` or `throw`, a block
/// ending with one, or `process.exit(...)`, which ends the program).
fn always_exits(model: &Model<'_>, statement: Node<'_>) -> bool {
    match statement.kind() {
        "return_statement" | "throw_statement" => true,
        "statement_block" => {
            let mut cursor = statement.walk();
            let last = statement
                .named_children(&mut cursor)
                .filter(|c| c.kind() != "comment")
                .last();
            last.is_some_and(|last| always_exits(model, last))
        }
        "expression_statement" => statement
            .named_child(0)
            .filter(|call| call.kind() == "call_expression")
            .and_then(|call| call.child_by_field_name("function"))
            .is_some_and(|callee| model.text(callee) == "process.exit"),
        _ => false,
    }
}

/// True when the callback runs in a promise executor (`new Promise((resolve, reject) =>
/// ...)`), its error branch ends by calling `reject`, and all that follows the branch is one
/// call of `resolve`: once rejected, the promise ignores the `resolve`, so the branch ends
/// what the callback does (the Power BI samples' `if (err) reject(err); resolve(token);`).
fn rejects_then_resolves(
    model: &Model<'_>,
    callback: Node<'_>,
    branch: Node<'_>,
    rest: &[Node<'_>],
) -> bool {
    let Some((resolve, reject)) = executor_parameters(model, callback) else {
        return false;
    };
    let calls = |statement: Node<'_>, name: &str| {
        statement.kind() == "expression_statement"
            && statement
                .named_child(0)
                .filter(|call| call.kind() == "call_expression")
                .and_then(|call| call.child_by_field_name("function"))
                .is_some_and(|callee| callee.kind() == "identifier" && model.text(callee) == name)
    };
    let last = if branch.kind() == "statement_block" {
        let mut cursor = branch.walk();
        branch
            .named_children(&mut cursor)
            .filter(|c| c.kind() != "comment")
            .last()
    } else {
        Some(branch)
    };
    let rest: Vec<Node<'_>> = rest
        .iter()
        .copied()
        .filter(|s| s.kind() != "comment")
        .collect();
    last.is_some_and(|last| calls(last, reject)) && rest.len() == 1 && calls(rest[0], resolve)
}

/// The `resolve` and `reject` parameter names of the promise executor the callback is
/// written in (the nearest enclosing function, passed to `new Promise`).
fn executor_parameters<'s>(model: &Model<'s>, callback: Node<'_>) -> Option<(&'s str, &'s str)> {
    let mut node = callback.parent()?;
    while !matches!(
        node.kind(),
        "arrow_function" | "function_expression" | "function"
    ) {
        node = node.parent()?;
    }
    let arguments = node.parent().filter(|p| p.kind() == "arguments")?;
    let promise = arguments
        .parent()
        .filter(|p| p.kind() == "new_expression")?;
    let constructor = promise.child_by_field_name("constructor")?;
    if model.text(constructor) != "Promise" {
        return None;
    }
    let parameters = node.child_by_field_name("parameters")?;
    let mut cursor = parameters.walk();
    let names: Vec<Node<'_>> = parameters.named_children(&mut cursor).collect();
    match names.as_slice() {
        [resolve, reject, ..]
            if resolve.kind() == "identifier" && reject.kind() == "identifier" =>
        {
            Some((model.text(*resolve), model.text(*reject)))
        }
        _ => None,
    }
}

/// True when `node`, in the body of `callback`, is handed to the `resolve` or `reject` of
/// the promise executor `callback` is written in (`resolve(res)`, `reject(res == null ? err
/// : res)`): it leaves through that promise, whole.
pub(crate) fn settles_executor(model: &Model<'_>, node: Node<'_>, callback: Node<'_>) -> bool {
    let Some((resolve, reject)) = executor_parameters(model, callback) else {
        return false;
    };
    let mut current = node;
    while let Some(parent) = current.parent() {
        match parent.kind() {
            "parenthesized_expression" | "ternary_expression" | "binary_expression" => {
                current = parent;
            }
            "arguments" => {
                return parent
                    .parent()
                    .filter(|call| call.kind() == "call_expression")
                    .and_then(|call| call.child_by_field_name("function"))
                    .is_some_and(|callee| {
                        callee.kind() == "identifier"
                            && [resolve, reject].contains(&model.text(callee))
                    });
            }
            _ => return false,
        }
    }
    false
}

/// True when `node` is an argument of `console.log(...)` (or `info`, `warn`, `error`,
/// `debug`): printed, not read.
pub(crate) fn printed(model: &Model<'_>, node: Node<'_>) -> bool {
    node.parent()
        .filter(|p| p.kind() == "arguments")
        .and_then(|list| list.parent())
        .filter(|call| call.kind() == "call_expression")
        .and_then(|call| call.child_by_field_name("function"))
        .is_some_and(|callee| {
            matches!(
                model.text(callee),
                "console.log" | "console.info" | "console.warn" | "console.error" | "console.debug"
            )
        })
}

/// True when a parameter of the callback has a TypeScript type, a default value or a `?`.
pub(crate) fn has_typed_parameters(callback: Node<'_>) -> bool {
    let Some(parameters) = callback.child_by_field_name("parameters") else {
        return false;
    };
    let mut cursor = parameters.walk();
    let parameters: Vec<Node<'_>> = parameters.named_children(&mut cursor).collect();
    parameters.iter().any(|n| {
        n.kind() == "optional_parameter"
            || (n.kind() == "required_parameter"
                && (n.child_by_field_name("type").is_some()
                    || n.child_by_field_name("value").is_some()))
    })
}

/// True when any identifier in `node` is `name`.
fn mentions(model: &Model<'_>, node: Node<'_>, name: &str) -> bool {
    let mut stack = vec![node];
    while let Some(current) = stack.pop() {
        if matches!(
            current.kind(),
            "identifier" | "shorthand_property_identifier"
        ) && model.text(current) == name
        {
            return true;
        }
        let mut cursor = current.walk();
        stack.extend(current.named_children(&mut cursor));
    }
    false
}

/// A handler with one parameter and the given body text (a block, or statements).
fn handler(function: Node<'_>, parameter: &str, body: &str) -> String {
    let body = body.trim();
    let block = if body.starts_with('{') {
        body.to_string()
    } else {
        format!("{{ {body} }}")
    };
    if function.kind() == "arrow_function" {
        format!("({parameter}) => {block}")
    } else {
        format!("function ({parameter}) {block}")
    }
}

/// The whitespace that starts the line holding `offset`.
fn indentation(source: &str, offset: usize) -> &str {
    let start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = &source[start..];
    &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
}

/// Re-indents every line but the first from `from` to `to`.
pub(crate) fn reindent(text: &str, from: &str, to: &str) -> String {
    let mut lines = text.split('\n');
    let mut out = lines.next().unwrap_or_default().to_string();
    for line in lines {
        out.push('\n');
        match line.strip_prefix(from) {
            Some(rest) => {
                out.push_str(to);
                out.push_str(rest);
            }
            None => out.push_str(line),
        }
    }
    out
}

/// A callback's two paths, as promise handlers' parts.
struct Branches<'s, 't> {
    error: &'s str,
    /// The result parameter's name (`result` when the callback has none).
    result: &'s str,
    /// The error path: a block, or one statement or expression.
    on_error: String,
    /// The success path: a block, or one expression.
    on_success: String,
    /// The statements of the success path with the comments among them, in order (the
    /// expression, for a ternary).
    success: Vec<Node<'t>>,
    /// Where the success path's block closes, and whether its statements sit one level
    /// deeper than the callback's own (an `else` block).
    success_close: Option<(usize, bool)>,
}

fn branches<'s, 't>(
    model: &Model<'s>,
    function: Node<'t>,
    edits: &[Edit],
) -> Option<Branches<'s, 't>> {
    let (error, result) = parameter_names(model, function)?;
    let result_name = result.unwrap_or("result");
    let body = function.child_by_field_name("body")?;
    if body.kind() != "statement_block" {
        // `(err, res) => (err ? reject(err) : resolve(res))`
        let mut expression = body;
        while expression.kind() == "parenthesized_expression" {
            expression = expression.named_child(0)?;
        }
        if expression.kind() != "ternary_expression" {
            return None;
        }
        let condition = expression.child_by_field_name("condition")?;
        let on_error = expression.child_by_field_name("consequence")?;
        let on_success = expression.child_by_field_name("alternative")?;
        if !tests_error(model, condition, error)
            || result.is_some_and(|r| mentions(model, on_error, r))
        {
            return None;
        }
        return Some(Branches {
            error,
            result: result_name,
            on_error: slice(model.source, on_error.byte_range(), edits),
            on_success: slice(model.source, on_success.byte_range(), edits),
            success: vec![on_success],
            success_close: None,
        });
    }
    let mut cursor = body.walk();
    let statements: Vec<Node<'_>> = body
        .named_children(&mut cursor)
        .filter(|c| c.kind() != "comment")
        .collect();
    let first = *statements.first()?;
    if first.kind() != "if_statement"
        || !tests_error(model, first.child_by_field_name("condition")?, error)
    {
        return None;
    }
    let consequence = first.child_by_field_name("consequence")?;
    if result.is_some_and(|r| mentions(model, consequence, r)) {
        return None;
    }
    let alternative = first
        .child_by_field_name("alternative")
        .and_then(|else_clause| else_clause.named_child(0));
    let source = model.source;
    // Branches sit one level deeper than the callback's own statements: move them out.
    let from = indentation(source, first.start_byte());
    let to = indentation(source, function.start_byte());
    let branch = |node: Node<'_>| reindent(&slice(source, node.byte_range(), edits), from, to);
    match (alternative, statements.len()) {
        (Some(alternative), 1) => {
            let mut cursor = alternative.walk();
            let success = if alternative.kind() == "statement_block" {
                alternative.named_children(&mut cursor).collect()
            } else {
                vec![alternative]
            };
            Some(Branches {
                error,
                result: result_name,
                on_error: branch(consequence),
                on_success: branch(alternative),
                success,
                success_close: (alternative.kind() == "statement_block")
                    .then(|| (alternative.end_byte() - 1, true)),
            })
        }
        (None, _)
            if always_exits(model, consequence)
                || rejects_then_resolves(model, function, consequence, &statements[1..]) =>
        {
            let rest = &statements[1..];
            let close = body.end_byte() - 1;
            let mut cursor = body.walk();
            let success = body
                .named_children(&mut cursor)
                .filter(|c| c.start_byte() >= first.end_byte())
                .collect();
            Some(Branches {
                error,
                result: result_name,
                on_error: branch(consequence),
                on_success: block(source, rest, close, edits),
                success,
                success_close: Some((close, false)),
            })
        }
        _ => None,
    }
}

/// A block of `statements` (whole lines) closed at `close` (the offset of its `}`).
fn block(source: &str, statements: &[Node<'_>], close: usize, edits: &[Edit]) -> String {
    let (Some(first), Some(last)) = (statements.first(), statements.last()) else {
        return "{}".to_string();
    };
    let start = source[..first.start_byte()]
        .rfind('\n')
        .map_or(first.start_byte(), |i| i + 1);
    let line = source[..close].rfind('\n').map_or(close, |i| i + 1);
    let closing_indent = &source[line..close];
    if !closing_indent.trim().is_empty() {
        // `{ a(); b(); }` on one line.
        return format!(
            "{{ {} }}",
            slice(source, first.start_byte()..last.end_byte(), edits)
        );
    }
    format!(
        "{{\n{}\n{closing_indent}}}",
        slice(source, start..last.end_byte(), edits)
    )
}

fn split(model: &Model<'_>, function: Node<'_>, edits: &[Edit]) -> Option<String> {
    let branches = branches(model, function, edits)?;
    if function
        .child_by_field_name("body")
        .is_some_and(|body| body.kind() != "statement_block")
    {
        return Some(format!(
            ".then(({}) => {}, ({}) => {})",
            branches.result, branches.on_success, branches.error, branches.on_error
        ));
    }
    Some(format!(
        ".then({}, {})",
        handler(function, branches.result, &branches.on_success),
        handler(function, branches.error, &branches.on_error)
    ))
}

/// The error path of a callback passed where a promise now settles: its parameter and code.
fn error_path<'s>(
    model: &Model<'s>,
    callback: Node<'_>,
    edits: &[Edit],
) -> Option<(&'s str, String)> {
    match callback.kind() {
        "identifier" | "member_expression" => {
            Some(("error", format!("{}(error)", model.text(callback))))
        }
        "function_expression" | "function" | "arrow_function" => {
            let branches = branches(model, callback, edits)?;
            Some((branches.error, branches.on_error))
        }
        _ => None,
    }
}

/// Code compared for meaning, roughly: the error parameter renamed, `return`, semicolons,
/// braces and spacing ignored (`{ return done(err); }` and `done(error)` agree).
fn normalized(code: &str, error: &str) -> String {
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        match word.as_str() {
            "" | "return" => {}
            w if w == error => out.push_str("\u{0}error"),
            w => out.push_str(w),
        }
        word.clear();
    };
    for c in code.chars() {
        if c.is_alphanumeric() || c == '_' || c == '$' {
            word.push(c);
            continue;
        }
        flush(&mut word, &mut out);
        if !(c.is_whitespace() || matches!(c, ';' | '{' | '}')) {
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// A one-parameter handler holding what `callback`'s success path does before it hands
/// its result to `next` (the last statement of that path), for a merged two-step call.
/// Errors when the callback does not have that shape. The handler comes with a blocker when
/// the callback's error path differs from the one `next` reports to: the merged call
/// settles once, so both must handle errors alike.
pub(crate) fn prelude(
    model: &Model<'_>,
    callback: Node<'_>,
    next: Node<'_>,
    next_callback: Option<Node<'_>>,
    edits: &[Edit],
) -> Result<(String, Option<String>), String> {
    const SHAPE: &str = "the second call is not the last step of the first call's callback";
    if !matches!(
        callback.kind(),
        "function_expression" | "function" | "arrow_function"
    ) {
        return Err("the first call's callback is not a function here".to_string());
    }
    let branches = branches(model, callback, edits)
        .ok_or("the first call's callback does not test its error first")?;
    let steps: Vec<Node<'_>> = branches
        .success
        .iter()
        .copied()
        .filter(|n| n.kind() != "comment")
        .collect();
    let last = *steps.last().ok_or(SHAPE)?;
    // What runs before the continuation, with its comments.
    let before: Vec<Node<'_>> = branches
        .success
        .iter()
        .copied()
        .filter(|n| n.end_byte() <= last.start_byte())
        .collect();
    let mut statement = last;
    if matches!(
        statement.kind(),
        "expression_statement" | "return_statement"
    ) {
        statement = statement.named_child(0).ok_or(SHAPE)?;
    }
    while statement.kind() == "parenthesized_expression" {
        statement = statement.named_child(0).ok_or(SHAPE)?;
    }
    if statement != next {
        return Err(SHAPE.to_string());
    }
    let same_errors = next_callback
        .and_then(|c| error_path(model, c, edits))
        .is_some_and(|(name, code)| {
            normalized(&code, name) == normalized(&branches.on_error, branches.error)
        });
    let blocker = (!same_errors).then(|| {
        "the two callbacks handle errors differently, and the merged call reports every error once: merge the error paths by hand".to_string()
    });
    let source = model.source;
    let body = match branches.success_close {
        Some((close, deeper)) => {
            let text = block(source, &before, close, edits);
            if deeper {
                let first = branches.success.first().map_or(0, Node::start_byte);
                let from = indentation(source, first);
                let from = &from[..from.len().min(indentation(source, close).len())];
                reindent(&text, from, indentation(source, callback.start_byte()))
            } else {
                text
            }
        }
        None => "{}".to_string(),
    };
    Ok((handler(callback, branches.result, &body), blocker))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::then_clause;
    use crate::language::Language;
    use crate::semantic::{CallSite, Model, Vocabulary};
    use tree_sitter::Node;

    /// Runs `check` on the model of the JavaScript `source`, the first call whose callee
    /// ends with `callee` (any call when it is empty) and that call's last argument. The
    /// setup the callback and promise-wrapper tests share.
    pub(crate) fn with_callback_of<R>(
        source: &str,
        callee: &str,
        check: impl FnOnce(&Model<'_>, &CallSite<'_>, Node<'_>) -> R,
    ) -> R {
        let tree = crate::semantic::tests::parse(Language::JavaScript, source);
        let vocabulary = Vocabulary::default();
        let model = Model::build(Language::JavaScript, &tree, source, &vocabulary);
        let call = model
            .facts
            .calls
            .iter()
            .find(|c| model.text(c.callee).ends_with(callee))
            .expect("the call");
        let callback = call.arguments.last().expect("a callback").value;
        check(&model, call, callback)
    }

    fn then_of(source: &str) -> Option<String> {
        with_callback_of(source, "", |model, _, callback| {
            then_clause(model, callback, &[])
        })
    }

    /// The `then` clause of the callback of the call of `acquire` in `source`.
    fn then_of_acquire(source: &str) -> Option<String> {
        with_callback_of(source, "acquire", |model, _, callback| {
            then_clause(model, callback, &[])
        })
    }

    #[test]
    fn error_branch_ending_the_program_or_rejecting_an_executor_splits() {
        assert_eq!(
            then_of_acquire(
                "ctx.acquire(a, (err, t) => {\n  if (err) {\n    log(err);\n    process.exit(1);\n  }\n  use(t);\n});"
            )
            .as_deref(),
            Some(".then((t) => {\n  use(t);\n}, (err) => {\n  log(err);\n  process.exit(1);\n})")
        );
        assert_eq!(
            then_of_acquire(
                "new Promise((resolve, reject) => ctx.acquire(a, (err, t) => {\n  if (err) reject(err);\n  resolve(t);\n}));"
            )
            .as_deref(),
            Some(".then((t) => {\n  resolve(t);\n}, (err) => { reject(err); })")
        );
        // Not in an executor, or more than the `resolve` after the branch: no split, the
        // callback is called in order.
        for source in [
            "ctx.acquire(a, (err, t) => {\n  if (err) reject(err);\n  resolve(t);\n});",
            "new Promise((resolve, reject) => ctx.acquire(a, (err, t) => {\n  if (err) reject(err);\n  log(t);\n  resolve(t);\n}));",
        ] {
            let clause = then_of_acquire(source).expect(source);
            assert!(
                clause.starts_with(".then((t) => [null, t], (err) => [err]).then(([err, t]) => {"),
                "{clause}"
            );
        }
    }

    #[test]
    fn a_callback_that_does_not_split_is_called_in_order_after_the_promise() {
        // The error logged before it is tested, inside a promise executor.
        assert_eq!(
            then_of_acquire(
                "new Promise((resolve, reject) => ctx.acquire(a, function (err, t) {\n  log(err);\n  if (err) { reject(t == null ? err : t); }\n  resolve(t);\n}));"
            )
            .as_deref(),
            Some(".then((t) => [null, t], (err) => [err]).then(function ([err, t]) {\n  log(err);\n  if (err) { reject(t == null ? err : t); }\n  resolve(t);\n})")
        );
        // The error never read: errors give `undefined`, as the callback saw no token.
        assert_eq!(
            then_of_acquire("c.acquire((err, token) => {\n  console.log(token);\n});").as_deref(),
            Some(".catch(() => undefined).then((token) => {\n  console.log(token);\n})")
        );
        // Only the error: the one handler gets it, or `null`.
        assert_eq!(
            then_of_acquire("c.acquire((err) => done(err));").as_deref(),
            Some(".then(() => null, (err) => err).then((err) => done(err))")
        );
        // A read of the result would throw after an error (ADAL passed its response), and
        // `arguments` is no longer the two values: no value.
        assert_eq!(
            then_of_acquire("c.acquire((err, token) => { log(err); use(token.accessToken); });"),
            None
        );
        assert_eq!(
            then_of_acquire("c.acquire(function (err, token) { log(err); use(arguments); });"),
            None
        );
    }

    #[test]
    fn extra_callback_parameters_are_dropped_only_when_unread() {
        assert_eq!(
            then_of("login(a, (err, creds, subscriptions) => (err ? fail(err) : use(creds)));")
                .as_deref(),
            Some(".then((creds) => use(creds), (err) => fail(err))")
        );
        assert_eq!(
            then_of(
                "login(a, (err, creds, subscriptions) => (err ? fail(err) : use(subscriptions)));"
            ),
            None
        );
        assert_eq!(
            then_of(
                "login(a, function (err, creds, subs) { if (err) { return; } use(arguments); });"
            ),
            None
        );
    }
}
