//! A function that only turns on adal-node's global logger and that nothing calls.
//!
//! adal-node's samples define `function turnOnLogging() { var log = adal.Logging;
//! log.setLoggingOptions({ ... }); }`, and programs copied from them often keep the function
//! with its call commented out. MSAL has no global logger (each application takes
//! `system.loggerOptions`), so the setup has no rewrite in place; but a function that
//! nothing calls, refers to or exports does nothing, and removing it changes no behaviour
//! while it is the last use of `adal-node` the file keeps. The findings inside it (the
//! `setLoggingOptions` call, the `adal.Logging` alias) share that removal as their fix.
//! A function that is called keeps its findings without a fix: its logger must move into
//! the configuration of the application the file creates, by hand.

use tree_sitter::Node;

use crate::diagnostic::Diagnostic;
use crate::fix::{Applicability, Fix};
use crate::imports;
use crate::semantic::Model;

const LOGGING: &str = "adal-node-logging";
const REFERENCE: &str = "adal-node-type-reference";

const TITLE: &str = "Remove the uncalled function that only configures ADAL's logger";
const REASON: &str = "Nothing in this file calls, refers to or exports it, so it never runs; MSAL logs per application (`system: { loggerOptions: { loggerCallback, logLevel, piiLoggingEnabled } }` in the application's configuration) if logging is wanted.";

/// Gives the findings inside each uncalled logger function the fix that removes it.
pub(crate) fn apply(model: &Model<'_>, diagnostics: &mut [Diagnostic]) {
    let functions: Vec<Node<'_>> = diagnostics
        .iter()
        .filter(|d| &*d.rule == LOGGING && d.fix.is_none())
        .filter_map(|d| uncalled_logger(model, diagnostics, d))
        .collect();
    for function in functions {
        let range = function.byte_range();
        let mut removal = imports::statement_removal(model, range.clone());
        // Between two blank lines, one of them goes too.
        let text = model.source;
        let blank_before = text[..removal.range.start]
            .strip_suffix('\n')
            .map(|t| t.strip_suffix('\r').unwrap_or(t))
            .is_some_and(|t| t[t.rfind('\n').map_or(0, |i| i + 1)..].trim().is_empty());
        if blank_before && text[..removal.range.end].ends_with('\n') {
            if let Some(end) = text[removal.range.end..].find('\n') {
                if text[removal.range.end..removal.range.end + end]
                    .trim()
                    .is_empty()
                {
                    removal.range.end += end + 1;
                }
            }
        }
        let mut fix = Fix::new(
            TITLE.to_string(),
            Applicability::Unsafe,
            REASON.to_string(),
            vec![removal],
        );
        fix.remove_imports = vec!["adal-node".to_string()];
        for diagnostic in diagnostics.iter_mut() {
            if range.start <= diagnostic.range.start && diagnostic.range.end <= range.end {
                diagnostic.fix = Some(fix.clone());
            }
        }
    }
}

/// The function declaration holding the `setLoggingOptions` call of `logging`, when it
/// does nothing else and nothing names it.
fn uncalled_logger<'t>(
    model: &Model<'t>,
    diagnostics: &[Diagnostic],
    logging: &Diagnostic,
) -> Option<Node<'t>> {
    let mut node = model.node_at(logging.range.start)?;
    while node.kind() != "function_declaration" {
        if matches!(
            node.kind(),
            "function_expression" | "arrow_function" | "method_definition" | "program"
        ) {
            return None;
        }
        node = node.parent()?;
    }
    let function = node;
    if function
        .parent()
        .is_some_and(|p| p.kind() == "export_statement")
    {
        return None;
    }
    let name = function.child_by_field_name("name")?;
    let body = function.child_by_field_name("body")?;
    let finding_at = |rule: &str, node: Node<'_>| {
        diagnostics
            .iter()
            .any(|d| &*d.rule == rule && d.range == node.byte_range() && d.fix.is_none())
    };
    let mut cursor = body.walk();
    for statement in body.named_children(&mut cursor) {
        let only_logging = match statement.kind() {
            "comment" => true,
            // `var log = adal.Logging;`
            "variable_declaration" | "lexical_declaration" => {
                let mut inner = statement.walk();
                let declarators: Vec<Node<'_>> = statement.named_children(&mut inner).collect();
                declarators.len() == 1
                    && declarators[0]
                        .child_by_field_name("value")
                        .is_some_and(|value| finding_at(REFERENCE, value))
            }
            // `log.setLoggingOptions({ ... });`
            "expression_statement" => statement
                .named_child(0)
                .is_some_and(|call| finding_at(LOGGING, call)),
            _ => false,
        };
        if !only_logging {
            return None;
        }
    }
    let root = {
        let mut root = function;
        while let Some(parent) = root.parent() {
            root = parent;
        }
        root
    };
    let named_elsewhere = {
        let text = model.text(name);
        let mut stack = vec![root];
        let mut found = false;
        while let Some(current) = stack.pop() {
            if current != name
                && matches!(
                    current.kind(),
                    "identifier" | "shorthand_property_identifier" | "property_identifier"
                )
                && model.text(current) == text
            {
                found = true;
                break;
            }
            let mut cursor = current.walk();
            stack.extend(current.named_children(&mut cursor));
        }
        found
    };
    (!named_elsewhere).then_some(function)
}
