//! Node-style callbacks turned into promise handlers, for the `then` template filter.
//!
//! `(err, result) => { if (err) { A } else { B } }` becomes `.then((result) => { B },
//! (err) => { A })`: the two-argument `then`, so an exception thrown by the success path is
//! not handed to the error path (which `.then(B).catch(A)` would do). A callback passed by
//! name is called as before: `.then((result) => cb(null, result), (error) => cb(error))`.
//! `function` callbacks stay `function`s, so `this` and `arguments` keep their meaning.
//! A callback whose shape does not split cleanly gives no value: the fix is then withheld
//! rather than guessed.

use tree_sitter::Node;

use crate::fix::Edit;
use crate::semantic::Model;

/// The source text of `range` with the `edits` that lie inside it applied (renames of keys
/// read in a callback body that the handlers copy).
fn slice(source: &str, range: std::ops::Range<usize>, edits: &[Edit]) -> String {
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
        "function_expression" | "function" | "arrow_function" => split(model, callback, edits),
        _ => None,
    }
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
    let names: Vec<Node<'_>> = parameters.named_children(&mut cursor).collect();
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

/// True when the statement always leaves the function (`return` or `throw`, or a block
/// ending with one).
fn always_exits(statement: Node<'_>) -> bool {
    match statement.kind() {
        "return_statement" | "throw_statement" => true,
        "statement_block" => {
            let mut cursor = statement.walk();
            let last = statement
                .named_children(&mut cursor)
                .filter(|c| c.kind() != "comment")
                .last();
            last.is_some_and(always_exits)
        }
        _ => false,
    }
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
fn reindent(text: &str, from: &str, to: &str) -> String {
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

fn split(model: &Model<'_>, function: Node<'_>, edits: &[Edit]) -> Option<String> {
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
        return Some(format!(
            ".then(({result_name}) => {}, ({error}) => {})",
            slice(model.source, on_success.byte_range(), edits),
            slice(model.source, on_error.byte_range(), edits)
        ));
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
    let (on_error, on_success) = match (alternative, statements.len()) {
        (Some(alternative), 1) => (branch(consequence), branch(alternative)),
        (None, _) if always_exits(consequence) => {
            let rest = if statements.len() > 1 {
                let start = source[..statements[1].start_byte()]
                    .rfind('\n')
                    .map_or(statements[1].start_byte(), |i| i + 1);
                let end = statements.last().map_or(start, Node::end_byte);
                let close = source[..body.end_byte() - 1]
                    .rfind('\n')
                    .map_or(body.end_byte() - 1, |i| i + 1);
                let closing_indent = &source[close..body.end_byte() - 1];
                format!(
                    "{{\n{}\n{closing_indent}}}",
                    slice(source, start..end, edits)
                )
            } else {
                "{}".to_string()
            };
            (branch(consequence), rest)
        }
        _ => return None,
    };
    Some(format!(
        ".then({}, {})",
        handler(function, result_name, &on_success),
        handler(function, error, &on_error)
    ))
}

#[cfg(test)]
mod tests {
    use super::then_clause;
    use crate::language::Language;
    use crate::semantic::{Model, Vocabulary};

    fn then_of(source: &str) -> Option<String> {
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&Language::JavaScript.grammar())
            .expect("grammar");
        let tree = parser.parse(source, None).expect("parses");
        let vocabulary = Vocabulary::default();
        let model = Model::build(Language::JavaScript, &tree, source, &vocabulary);
        let call = model.facts.calls.first().expect("a call");
        then_clause(
            &model,
            call.arguments.last().expect("a callback").value,
            &[],
        )
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
