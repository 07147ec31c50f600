//! Where a template's markup holds binding expressions, by dialect.
//!
//! Angular: property and event bindings (`[x]`, `bind-x`, `(x)`, `on-x`, `[(x)]`),
//! structural directives (`*ngIf`, microsyntax), interpolation (`{{ }}`) in text and
//! attribute values, and the control-flow blocks of text (`@if (...)`, `@for (...)`,
//! `@switch`, `@case`, `@let`). `#ref`, `ref-x` and `let-x` declare locals.
//! AngularJS: `ng-*` directives (also spelled `data-ng-*`, `x-ng-*`, `ng:*`), most of
//! which hold an expression, and interpolation.
//!
//! Comments, `<script>` and `<style>` are not markup, and `ngNonBindable` / `ng-non-bindable`
//! elements are not compiled: nothing in them is a binding.

use std::ops::Range;

use tree_sitter::{Node, Tree};

use super::TemplateKind;
use super::expression::{Form, Shadow};

/// AngularJS directives whose value is not an expression (names, URLs, interpolated text,
/// or nothing); their values are scanned for interpolation only.
const ANGULARJS_NOT_EXPRESSIONS: &[&str] = &[
    "ng-app",
    "ng-controller",
    "ng-view",
    "ng-cloak",
    "ng-transclude",
    "ng-switch-when",
    "ng-switch-default",
    "ng-href",
    "ng-src",
    "ng-srcset",
    "ng-bind-template",
    "ng-form",
    "ng-list",
    "ng-csp",
    "ng-jq",
    "ng-strict-di",
    "ng-messages-include",
    "ng-message-exp",
    "ng-include-src",
    "ng-pluralize",
    "ng-non-bindable",
];

/// AngularJS directives whose value is statements, run on an event.
const ANGULARJS_STATEMENTS: &[&str] = &[
    "ng-click",
    "ng-dblclick",
    "ng-init",
    "ng-submit",
    "ng-change",
    "ng-blur",
    "ng-focus",
    "ng-copy",
    "ng-cut",
    "ng-paste",
    "ng-keydown",
    "ng-keyup",
    "ng-keypress",
    "ng-mousedown",
    "ng-mouseup",
    "ng-mouseenter",
    "ng-mouseleave",
    "ng-mousemove",
    "ng-mouseover",
];

/// Writes the binding expressions of the markup in `tree` (the HTML of a file, or of the
/// string literals of inline templates, at their offsets in `text`) into `shadow`.
pub(super) fn bindings(kind: TemplateKind, tree: &Tree, text: &str, shadow: &mut Shadow) {
    /// A node to visit, or a run of text and entities, read as one (`{{ a &amp;&amp; b }}`).
    enum Item<'t> {
        Node(Node<'t>),
        Text(Range<usize>),
    }
    // In document order: the shadow is written front to back.
    let mut stack = vec![Item::Node(tree.root_node())];
    while let Some(item) = stack.pop() {
        let node = match item {
            Item::Text(range) => {
                content(kind, text, range, shadow);
                continue;
            }
            Item::Node(node) => node,
        };
        match node.kind() {
            "comment" | "script_element" | "style_element" => continue,
            "start_tag" | "self_closing_tag" => {
                attributes(kind, node, text, shadow);
                continue;
            }
            "element" if not_bindable(node, text) => continue,
            _ => {}
        }
        let mut cursor = node.walk();
        let mut items: Vec<Item<'_>> = Vec::new();
        for child in node.children(&mut cursor) {
            if matches!(child.kind(), "text" | "entity") {
                if let Some(Item::Text(run)) = items.last_mut() {
                    run.end = child.end_byte();
                    continue;
                }
                items.push(Item::Text(child.byte_range()));
            } else {
                items.push(Item::Node(child));
            }
        }
        stack.extend(items.into_iter().rev());
    }
}

/// An element the framework does not compile.
fn not_bindable(element: Node<'_>, text: &str) -> bool {
    let mut cursor = element.walk();
    let Some(tag) = element
        .children(&mut cursor)
        .find(|c| matches!(c.kind(), "start_tag" | "self_closing_tag"))
    else {
        return false;
    };
    let mut cursor = tag.walk();
    tag.children(&mut cursor)
        .filter(|a| a.kind() == "attribute")
        .filter_map(|a| a.named_child(0))
        .any(|name| {
            let name = &text[name.byte_range()];
            name == "ngNonBindable" || angularjs_name(name).as_deref() == Some("ng-non-bindable")
        })
}

/// `data-ng-click`, `x-ng-click`, `ng:click`, `ng_click` → `ng-click`; `None` for a name
/// that is not an AngularJS directive.
fn angularjs_name(name: &str) -> Option<String> {
    let lower = name.to_ascii_lowercase().replace([':', '_'], "-");
    let bare = lower
        .strip_prefix("data-")
        .or_else(|| lower.strip_prefix("x-"))
        .unwrap_or(&lower);
    bare.starts_with("ng-").then(|| bare.to_string())
}

fn attributes(kind: TemplateKind, tag: Node<'_>, text: &str, shadow: &mut Shadow) {
    let mut cursor = tag.walk();
    for attribute in tag
        .children(&mut cursor)
        .filter(|a| a.kind() == "attribute")
    {
        let Some(name) = attribute.named_child(0) else {
            continue;
        };
        let name = &text[name.byte_range()];
        let value = attribute.named_child(1).map(|value| {
            if value.kind() == "quoted_attribute_value" {
                // The inside of the quotes (empty when there is nothing inside).
                let inner = value.byte_range();
                inner.start + 1..inner.end.saturating_sub(1).max(inner.start + 1)
            } else {
                value.byte_range()
            }
        });
        match kind {
            TemplateKind::Angular => angular_attribute(name, value, text, shadow),
            TemplateKind::AngularJs => angularjs_attribute(name, value, text, shadow),
        }
    }
}

fn angular_attribute(name: &str, value: Option<Range<usize>>, text: &str, shadow: &mut Shadow) {
    // Locals: `#ref`, `ref-ref`, `let-item` (on `<ng-template>`).
    let local = name
        .strip_prefix('#')
        .or_else(|| name.strip_prefix("ref-"))
        .or_else(|| name.strip_prefix("let-"));
    if let Some(local) = local {
        shadow.declare(local);
        return;
    }
    let Some(value) = value else {
        return;
    };
    let bracketed = |open: char, close: char| name.starts_with(open) && name.ends_with(close);
    if bracketed('[', ']') || name.starts_with("bind-") || name.starts_with("bindon-") {
        shadow.expression(text, value, Form::Expression);
    } else if bracketed('(', ')') || name.starts_with("on-") {
        shadow.expression(text, value, Form::Statements);
    } else if name.starts_with('*') {
        shadow.microsyntax(text, value, false);
    } else {
        interpolations(text, value, shadow);
    }
}

fn angularjs_attribute(name: &str, value: Option<Range<usize>>, text: &str, shadow: &mut Shadow) {
    let Some(value) = value else {
        return;
    };
    let Some(directive) = angularjs_name(name) else {
        interpolations(text, value, shadow);
        return;
    };
    match directive.as_str() {
        "ng-repeat" | "ng-repeat-start" => shadow.repeat(text, value),
        "ng-options" => shadow.options(text, value),
        directive if ANGULARJS_NOT_EXPRESSIONS.contains(&directive) => {
            interpolations(text, value, shadow);
        }
        directive if directive.starts_with("ng-attr-") => interpolations(text, value, shadow),
        directive if ANGULARJS_STATEMENTS.contains(&directive) => {
            shadow.expression(text, value, Form::Statements);
        }
        _ => shadow.expression(text, value, Form::Expression),
    }
}

/// Interpolations, and in Angular the control-flow blocks, of a text run.
fn content(kind: TemplateKind, text: &str, range: Range<usize>, shadow: &mut Shadow) {
    if kind == TemplateKind::Angular {
        blocks(text, range.clone(), shadow);
    }
    interpolations(text, range, shadow);
}

/// Every `{{ expression }}` in `text[range]`.
fn interpolations(text: &str, range: Range<usize>, shadow: &mut Shadow) {
    let bytes = text.as_bytes();
    let mut at = range.start;
    while let Some(open) = find(bytes, b"{{", at, range.end) {
        let start = open + 2;
        let Some(end) = closing(bytes, start, range.end, b"}}") else {
            return;
        };
        shadow.expression(text, start..end, Form::Expression);
        at = end + 2;
    }
}

/// Angular control flow: `@if (c) {`, `} @else if (c) {`, `@switch (e)`, `@case (v)`,
/// `@for (item of items; track item.id)`, `@let name = value;`.
fn blocks(text: &str, range: Range<usize>, shadow: &mut Shadow) {
    let bytes = text.as_bytes();
    let mut at = range.start;
    while let Some(sign) = find(bytes, b"@", at, range.end) {
        at = sign + 1;
        let rest = &text[at..range.end];
        let keyword_len = rest.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
        let keyword = &rest[..keyword_len];
        let mut after = at + keyword_len;
        if keyword == "else" {
            let tail = &text[after..range.end];
            let gap = tail.len() - tail.trim_start().len();
            if tail.trim_start().starts_with("if") {
                after += gap + 2;
            } else {
                continue;
            }
        } else if keyword == "let" {
            let tail = &text[after..range.end];
            let gap = tail.len() - tail.trim_start().len();
            let name_len = tail[gap..]
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'$')
                .count();
            let name = &tail[gap..gap + name_len];
            let Some(equals) = find(bytes, b"=", after + gap + name_len, range.end) else {
                continue;
            };
            let Some(end) = closing(bytes, equals + 1, range.end, b";") else {
                continue;
            };
            shadow.let_declaration(text, name, equals + 1..end);
            at = end + 1;
            continue;
        } else if !matches!(keyword, "if" | "switch" | "case" | "for") {
            continue;
        }
        let tail = &text[after..range.end];
        let gap = tail.len() - tail.trim_start().len();
        if !tail[gap..].starts_with('(') {
            continue;
        }
        let start = after + gap + 1;
        let Some(end) = closing(bytes, start, range.end, b")") else {
            continue;
        };
        if keyword == "for" {
            shadow.microsyntax(text, start..end, true);
        } else {
            // `@if (user$ | async; as user)`: an expression and an alias.
            shadow.microsyntax(text, start..end, false);
        }
        at = end + 1;
    }
}

fn find(bytes: &[u8], needle: &[u8], from: usize, to: usize) -> Option<usize> {
    if from >= to {
        return None;
    }
    bytes[from..to]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| from + i)
}

/// Where `close` ends an expression starting at `start`, outside string literals and
/// brackets.
fn closing(bytes: &[u8], start: usize, end: usize, close: &[u8]) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut at = start;
    while at < end {
        let b = bytes[at];
        match quote {
            Some(_) if b == b'\\' => at += 1,
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if depth == 0 && bytes[at..end].starts_with(close) => return Some(at),
            None => match b {
                b'\'' | b'"' | b'`' => quote = Some(b),
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
        at += 1;
    }
    None
}

/// The values of `ng-app` attributes (the AngularJS modules a page bootstraps).
pub(super) fn bootstrapped_modules(page: &Tree, text: &str) -> Vec<String> {
    let mut modules = Vec::new();
    let mut stack = vec![page.root_node()];
    while let Some(node) = stack.pop() {
        if matches!(node.kind(), "start_tag" | "self_closing_tag") {
            let mut cursor = node.walk();
            for attribute in node
                .children(&mut cursor)
                .filter(|a| a.kind() == "attribute")
            {
                let (Some(name), Some(value)) =
                    (attribute.named_child(0), attribute.named_child(1))
                else {
                    continue;
                };
                if angularjs_name(&text[name.byte_range()]).as_deref() != Some("ng-app") {
                    continue;
                }
                let module = text[value.byte_range()].trim_matches(['"', '\'']).trim();
                if !module.is_empty() {
                    modules.push(module.to_string());
                }
            }
            continue;
        }
        let mut cursor = node.walk();
        stack.extend(node.children(&mut cursor));
    }
    modules
}
