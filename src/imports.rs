//! How fixes add and remove import statements, in each language's own style: a new import
//! goes next to the import it replaces (so it is visible in the same scope, even inside a
//! function or `try:` block), and an import of a retired module is removed once nothing in
//! the file reads it.

use std::ops::Range;

use tree_sitter::Node;

use crate::fix::Edit;
use crate::language::Family;
use crate::rule::ImportDef;
use crate::semantic::{Model, ModuleKind};
use crate::source::SourceText;

/// The statement that holds `node`.
pub(crate) fn statement_range(model: &Model<'_>, node: Node<'_>) -> Range<usize> {
    model.statement_of(node)
}

/// The root name of an attribute or member chain (`adal` in `adal.AuthenticationContext`).
fn root_identifier(mut node: Node<'_>) -> Option<Node<'_>> {
    loop {
        match node.kind() {
            "identifier" => return Some(node),
            "attribute" | "member_expression" | "subscript_expression" => {
                node = node.child_by_field_name("object")?
            }
            "new_expression" => node = node.child_by_field_name("constructor")?,
            "parenthesized_expression" | "await" | "await_expression" => {
                node = node.named_child(0)?
            }
            _ => return None,
        }
    }
}

/// An edit that makes `import` visible where `anchor` (a callee the fix rewrites) is, or
/// `None` when it already is; `Err` says why this file cannot take an import (a script of
/// an HTML page, or a browser script with no module system).
pub(crate) fn add(
    model: &Model<'_>,
    source: &SourceText,
    anchor: Node<'_>,
    import: &ImportDef,
) -> Result<Option<Edit>, String> {
    let name = import.name();
    let module = import.module();
    let wanted = model.language.module_name(module);
    let position = anchor.start_byte();
    let existing = model.lookup(name, position);
    if !existing.is_empty() {
        // Already imported (or the name is taken, and the fix's other checks decide).
        let _ = wanted;
        return Ok(None);
    }
    let statement = root_identifier(anchor)
        .and_then(|root| {
            model
                .lookup(model.text(root), root.start_byte())
                .first()
                .copied()
        })
        .and_then(|binding| model.facts.bindings[binding].import_statement.clone());
    let quote = if model.source.matches('\'').count() > model.source.matches('"').count() {
        '\''
    } else {
        '"'
    };
    match statement {
        Some(statement) => {
            let statement_text = &model.source[statement.clone()];
            let text = match model.language.family() {
                Family::Python => python_import(module, name),
                Family::JavaScript => {
                    let semicolon = if statement_text.trim_end().ends_with(';') {
                        ";"
                    } else {
                        ""
                    };
                    if statement_text.starts_with("import") {
                        format!("import * as {name} from {quote}{module}{quote}{semicolon}")
                    } else {
                        format!("const {name} = require({quote}{module}{quote}){semicolon}")
                    }
                }
            };
            let indent = source.indentation_at(statement.start);
            Ok(Some(Edit::insert(
                statement.end,
                source.with_newlines(&format!("\n{indent}{text}")),
            )))
        }
        None => {
            let at = top_insertion_point(model);
            let text = match (model.language.family(), model.module_kind()) {
                (Family::Python, _) => python_import(module, name),
                (Family::JavaScript, ModuleKind::Es) => {
                    format!("import * as {name} from {quote}{module}{quote};")
                }
                (Family::JavaScript, ModuleKind::CommonJs) => {
                    format!("const {name} = require({quote}{module}{quote});")
                }
                (Family::JavaScript, ModuleKind::Script) => {
                    return Err(format!(
                        "`{module}` cannot be imported here: this is a browser script with no module system (bundle it, or load it before this script)"
                    ));
                }
            };
            Ok(Some(Edit::insert(
                at,
                source.with_newlines(&format!("{text}\n")),
            )))
        }
    }
}

fn python_import(module: &str, name: &str) -> String {
    if module == name {
        format!("import {module}")
    } else {
        format!("import {module} as {name}")
    }
}

/// The start of the first line after the module docstring, `from __future__` imports and
/// `"use strict"` directives.
fn top_insertion_point(model: &Model<'_>) -> usize {
    let source = model.source;
    let mut at = 0;
    let mut offset = 0;
    for line in source.split_inclusive('\n') {
        let trimmed = line.trim();
        let skippable = trimmed.starts_with("#!")
            || trimmed.starts_with("from __future__")
            || trimmed.starts_with("# -*-")
            || trimmed == "\"use strict\";"
            || trimmed == "'use strict';"
            || (offset == 0
                && (trimmed.starts_with("\"\"\"") || trimmed.starts_with("'''"))
                && trimmed.len() > 3
                && (trimmed.ends_with("\"\"\"") || trimmed.ends_with("'''")));
        offset += line.len();
        if skippable {
            at = offset;
        } else {
            break;
        }
    }
    at
}

/// Edits that remove imports of `modules` that nothing in the file reads any more.
pub(crate) fn removal_edits(
    model: &Model<'_>,
    source: &SourceText,
    modules: &[String],
) -> Vec<Edit> {
    let mut edits = Vec::new();
    for site in &model.facts.imports {
        if !modules.iter().any(|m| module_matches(m, &site.module)) || site.names.is_empty() {
            continue;
        }
        let unused: Vec<_> = site
            .names
            .iter()
            .filter(|name| !model.is_binding_read(name.binding))
            .collect();
        if unused.is_empty() {
            continue;
        }
        if unused.len() == site.statement_names {
            edits.push(remove_statement(model, source, site.statement.clone()));
        } else if model.language.family() == Family::Python {
            for name in unused {
                edits.push(remove_list_item(model.source, name.range.clone()));
            }
        }
    }
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    edits.dedup();
    edits
}

fn module_matches(pattern: &str, module: &str) -> bool {
    module == pattern
        || module
            .strip_prefix(pattern)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('/'))
}

/// Deletes a whole statement with its line; a Python block left empty gets `pass`.
fn remove_statement(model: &Model<'_>, source: &SourceText, statement: Range<usize>) -> Edit {
    let text = model.source;
    let line_start = text[..statement.start].rfind('\n').map_or(0, |i| i + 1);
    let alone_before = text[line_start..statement.start].trim().is_empty();
    let rest = &text[statement.end..];
    let line_end = rest
        .find('\n')
        .map_or(text.len(), |i| statement.end + i + 1);
    let after = text[statement.end..line_end].trim();
    let alone_after = after.is_empty() || after == ";";
    if model.language.family() == Family::Python
        && is_only_statement_in_block(model, statement.clone())
    {
        return Edit::replace(statement, "pass");
    }
    if alone_before && alone_after {
        Edit::replace(line_start..line_end, "")
    } else {
        let _ = source;
        Edit::replace(statement, "")
    }
}

fn is_only_statement_in_block(model: &Model<'_>, statement: Range<usize>) -> bool {
    model.block_statement_count(statement.start) == Some(1)
}

/// Removes one name from `import a, b` / `from m import a, b`, with its comma.
fn remove_list_item(text: &str, item: Range<usize>) -> Edit {
    let after = &text[item.end..];
    let trimmed = after.trim_start_matches([' ', '\t']);
    if trimmed.starts_with(',') {
        let comma = item.end + (after.len() - trimmed.len());
        let rest = &text[comma + 1..];
        let spaces = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        return Edit::replace(item.start..comma + 1 + spaces, "");
    }
    let before = &text[..item.start];
    let trimmed = before.trim_end_matches([' ', '\t', '\n', '\r', '(', '\\']);
    match trimmed.strip_suffix(',') {
        Some(kept) if !before[kept.len()..].contains('(') => {
            Edit::replace(kept.len()..item.end, "")
        }
        _ => Edit::replace(item, ""),
    }
}
