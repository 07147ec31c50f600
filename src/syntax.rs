//! What counts as a syntax error in a parsed file: the code is not fixed when it has one,
//! and a fix that would introduce one is dropped.
//!
//! tree-sitter marks most errors with ERROR and MISSING nodes. Python's grammar also
//! accepts a line break where Python does not (outside brackets, without a backslash),
//! joining two lines into one statement without any error node: `CLIENT_ID = # fill in`
//! followed by `RESOURCE = '...'` parses as the chained assignment
//! `CLIENT_ID = RESOURCE = '...'`. Such a line break is an error here too.

use tree_sitter::{Node, Tree};

use crate::language::{Family, Language};

/// The byte offset of the first syntax error of the code of `tree` (the text it was parsed
/// from is `source`), if any.
pub(crate) fn first_error(tree: &Tree, language: Language, source: &str) -> Option<usize> {
    let root = tree.root_node();
    if root.has_error() {
        return Some(first_error_node(root).unwrap_or(root).start_byte());
    }
    match language.family() {
        Family::Python => forbidden_line_break(root, source),
        Family::JavaScript => None,
    }
}

/// The first ERROR or MISSING node under `root`, in source order.
fn first_error_node(root: Node<'_>) -> Option<Node<'_>> {
    let mut cursor = root.walk();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if node.is_error() || node.is_missing() {
            return Some(node);
        }
        if node.has_error() {
            let children: Vec<_> = node.children(&mut cursor).collect();
            stack.extend(children.into_iter().rev());
        }
    }
    None
}

/// The first line break Python forbids: between two tokens of one statement, outside
/// brackets and without a backslash continuation. Returns the offset where the line breaks.
fn forbidden_line_break(root: Node<'_>, source: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut previous: Option<Node<'_>> = None;
    for (token, starts_statement) in tokens(root) {
        if let Some(before) = previous {
            let broken = token.start_position().row > before.end_position().row;
            if broken
                && depth == 0
                && !continued(&source[before.end_byte()..token.start_byte()])
                && !starts_statement
            {
                return Some(before.end_byte());
            }
        }
        match token.kind() {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" => depth = depth.saturating_sub(1),
            _ => {}
        }
        previous = Some(token);
    }
    None
}

/// The tokens of the tree in source order: its leaves, a string as one token (it may span
/// lines and hold braces), comments left out; each with whether it begins a statement or a
/// clause of a compound statement, where a line break before it is the statement's end.
fn tokens(root: Node<'_>) -> Vec<(Node<'_>, bool)> {
    let mut out = Vec::new();
    let mut cursor = root.walk();
    // Each node with whether it begins a statement: it is a clause, or the first node of
    // one (its parent is a body), or it starts where its parent does and the parent begins
    // one. Found from the top down: `Node::parent` walks down from the root each time.
    let mut stack = vec![(root, true)];
    while let Some((node, begins)) = stack.pop() {
        if node.kind() == "comment" {
            continue;
        }
        if node.child_count() == 0 || node.kind() == "string" {
            out.push((node, begins));
            continue;
        }
        let body = matches!(node.kind(), "module" | "block" | "decorated_definition");
        let children: Vec<_> = node
            .children(&mut cursor)
            .map(|child| {
                let begins_child = is_clause(child.kind())
                    || body
                    || (begins && child.start_byte() == node.start_byte());
                (child, begins_child)
            })
            .collect();
        stack.extend(children.into_iter().rev());
    }
    out
}

/// A block or clause of a compound statement.
fn is_clause(kind: &str) -> bool {
    matches!(
        kind,
        "block"
            | "else_clause"
            | "elif_clause"
            | "except_clause"
            | "except_group_clause"
            | "finally_clause"
            | "case_clause"
            | "decorator"
    )
}

/// True when the text between two tokens ends a line with a backslash (outside a comment).
fn continued(gap: &str) -> bool {
    let mut lines: Vec<&str> = gap.split('\n').collect();
    lines.pop();
    lines
        .iter()
        .any(|line| !line.contains('#') && line.trim_end().ends_with('\\'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::Parsers;

    fn error_at(text: &str) -> Option<usize> {
        let parsed = Parsers::default()
            .parse_file(Language::Python, text)
            .expect("parses");
        first_error(&parsed.script, Language::Python, text)
    }

    #[test]
    fn an_assignment_with_only_a_comment_on_its_right_is_an_error() {
        let text = "X = # fill in\nY = 'y'\n";
        assert_eq!(error_at(text), Some(text.find(" #").unwrap()));
    }

    #[test]
    fn line_breaks_python_allows_are_not_errors() {
        let text = "\
import os  # c
@decorator
def f(a,
      b):
    x = (1 +
         2)
    y = 1 + \\
        2
    s = '''a
b'''
    if x:
        pass
    elif y:
        pass
    else:
        pass
    try:
        pass
    except ValueError:
        pass
    finally:
        pass
    match x:
        case 1:
            pass
    return {
        'k': [x,
              y],
    }


class C:
    z = f'{1}'
";
        assert_eq!(error_at(text), None);
    }
}
