//! How fixes add and remove import statements, in each language's own style: a new import
//! goes next to the import it replaces (so it is visible in the same scope, even inside a
//! function or `try:` block), and an import of a retired module is removed once nothing in
//! the file reads it.

use std::ops::Range;

use tree_sitter::Node;

use crate::fix::Edit;
use crate::language::Family;
use crate::rule::ImportDef;
use crate::rule::module_matches;
use crate::semantic::{BindingValue, Model, ModuleKind, chain_root};
use crate::source::SourceText;

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
    let position = anchor.start_byte();
    // `import azure.identity` binds `azure`: look for the import itself.
    let root = name.split('.').next().unwrap_or(name);
    let already = model.facts.imports.iter().any(|site| {
        site.module == module
            && site
                .names
                .iter()
                .any(|n| model.lookup(root, position).contains(&n.binding))
    });
    if already {
        return Ok(None);
    }
    let existing = model.lookup(name, position);
    if !existing.is_empty() {
        // Already imported (or the name is taken, and the fix's other checks decide).
        return Ok(None);
    }
    let statement = chain_root(anchor)
        .and_then(|root| {
            model
                .lookup(model.text(root), root.start_byte())
                .first()
                .copied()
        })
        .and_then(|binding| model.import_statement_of(binding));
    let quote = crate::rewrite::preferred_quote(model.source);
    match statement {
        Some(statement) => {
            let statement_text = &model.source[statement.clone()];
            let text = match model.language.family() {
                Family::Python => python_import(import),
                Family::JavaScript => {
                    let semicolon = if statement_text.trim_end().ends_with(';') {
                        ";"
                    } else {
                        ""
                    };
                    let style = if statement_text.starts_with("import") {
                        ModuleSystem::Esm
                    } else {
                        ModuleSystem::CommonJs
                    };
                    format!("{}{semicolon}", javascript_import(import, style, quote))
                }
            };
            let indent = source.indentation_at(statement.start);
            Ok(Some(Edit::insert(
                crate::rewrite::end_of_line_after(model, statement.end),
                source.with_newlines(&format!("\n{indent}{text}")),
            )))
        }
        None => {
            let at = top_insertion_point(model);
            let text = match (model.language.family(), model.module_kind()) {
                (Family::Python, _) => python_import(import),
                (Family::JavaScript, ModuleKind::Es) => {
                    format!("{};", javascript_import(import, ModuleSystem::Esm, quote))
                }
                (Family::JavaScript, ModuleKind::CommonJs) => {
                    format!(
                        "{};",
                        javascript_import(import, ModuleSystem::CommonJs, quote)
                    )
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

/// How a JavaScript file loads modules, judged from the import a new one goes next to.
#[derive(Clone, Copy)]
enum ModuleSystem {
    Esm,
    CommonJs,
}

fn python_import(import: &ImportDef) -> String {
    match import {
        ImportDef::Member { module, member } => format!("from {module} import {member}"),
        other if other.module() == other.name() => format!("import {}", other.module()),
        other => format!("import {} as {}", other.module(), other.name()),
    }
}

fn javascript_import(import: &ImportDef, style: ModuleSystem, quote: char) -> String {
    let module = import.module();
    let name = import.name();
    match (import, style) {
        (ImportDef::Member { .. }, ModuleSystem::Esm) => {
            format!("import {{ {name} }} from {quote}{module}{quote}")
        }
        (ImportDef::Member { .. }, ModuleSystem::CommonJs) => {
            format!("const {{ {name} }} = require({quote}{module}{quote})")
        }
        (_, ModuleSystem::Esm) => format!("import * as {name} from {quote}{module}{quote}"),
        (_, ModuleSystem::CommonJs) => format!("const {name} = require({quote}{module}{quote})"),
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
        } else if !(trimmed.is_empty() || trimmed.starts_with("//")) {
            // Comments and blank lines may come before a directive; anything else ends
            // the prologue.
            break;
        }
    }
    at
}

/// Edits that remove imports of `modules` that nothing in the file reads any more.
pub(crate) fn removal_edits(model: &Model<'_>, modules: &[String]) -> Vec<Edit> {
    let mut edits = Vec::new();
    // Unread aliases of removable imports (`var Ctx = adal.AuthenticationContext;`) go too,
    // and reads inside them do not keep the import alive.
    let aliases = unread_aliases(model, modules);
    let read_outside = |binding: usize| {
        model.binding_reads(binding).iter().any(|read| {
            !aliases
                .iter()
                .any(|alias| alias.start <= read.start && read.end <= alias.end)
        })
    };
    for alias in &aliases {
        edits.push(remove_statement(model, alias.clone()));
    }
    for site in &model.facts.imports {
        if !modules.iter().any(|m| module_matches(m, &site.module)) || site.names.is_empty() {
            continue;
        }
        let unused: Vec<_> = site
            .names
            .iter()
            .filter(|name| !read_outside(name.binding))
            .collect();
        if unused.is_empty() {
            continue;
        }
        if unused.len() == site.statement_names {
            edits.push(remove_statement(model, site.statement.clone()));
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

/// Statements that only bind an unread alias of a removable import: a single declaration
/// or assignment whose value is a member chain rooted at such an import, or that takes one
/// name out of it by destructuring (`const { AuthenticationContext } = adal;`).
fn unread_aliases(model: &Model<'_>, modules: &[String]) -> Vec<Range<usize>> {
    let removable = |binding: usize| {
        model.facts.imports.iter().any(|site| {
            modules.iter().any(|m| module_matches(m, &site.module))
                && site.names.iter().any(|n| n.binding == binding)
        })
    };
    let mut aliases = Vec::new();
    for (id, binding) in model.facts.bindings.iter().enumerate() {
        let (value, destructured) = match &binding.value {
            BindingValue::Expr(value) => (*value, false),
            BindingValue::Member(value, _) => (*value, true),
            _ => continue,
        };
        let chain = matches!(value.kind(), "attribute" | "member_expression");
        if binding.import_statement.is_some() || !(chain || destructured) {
            continue;
        }
        let root = if chain {
            chain_root(value)
        } else {
            Some(value)
        };
        let Some(root) = root.filter(|r| r.kind() == "identifier" || chain) else {
            continue;
        };
        let roots = model.lookup(model.text(root), root.start_byte());
        if roots.is_empty() || !roots.iter().all(|&r| removable(r)) || model.is_binding_read(id) {
            continue;
        }
        let statement = model.statement_at(binding.range.start);
        // Only statements that bind this one name.
        let declares_one = model
            .facts
            .bindings
            .iter()
            .filter(|other| {
                statement.start <= other.range.start && other.range.end <= statement.end
            })
            .count()
            == 1;
        if declares_one {
            aliases.push(statement);
        }
    }
    aliases
}

/// An edit that deletes a statement with its line (keeping a trailing comment).
pub(crate) fn statement_removal(model: &Model<'_>, statement: Range<usize>) -> Edit {
    remove_statement(model, statement)
}

/// Deletes a whole statement with its line; a Python block left empty gets `pass`.
fn remove_statement(model: &Model<'_>, statement: Range<usize>) -> Edit {
    let text = model.source;
    let line_start = text[..statement.start].rfind('\n').map_or(0, |i| i + 1);
    let alone_before = text[line_start..statement.start].trim().is_empty();
    let line_end = text[statement.end..]
        .find('\n')
        .map_or(text.len(), |i| statement.end + i + 1);
    let after = text[statement.end..line_end].trim();
    let after = after.strip_prefix(';').unwrap_or(after).trim_start();
    if model.language.family() == Family::Python
        && is_only_statement_in_block(model, statement.clone())
    {
        return Edit::replace(statement, "pass");
    }
    let is_comment = after.starts_with('#') || after.starts_with("//");
    match (alone_before, after.is_empty(), is_comment) {
        // The whole line goes.
        (true, true, _) => Edit::replace(line_start..line_end, ""),
        // A trailing comment stays, on its own line.
        (true, false, true) => {
            let comment = statement.end + text[statement.end..line_end].find(after).unwrap_or(0);
            Edit::replace(statement.start..comment, "")
        }
        _ => Edit::replace(statement, ""),
    }
}

fn is_only_statement_in_block(model: &Model<'_>, statement: Range<usize>) -> bool {
    model.block_statement_count(statement.start) == Some(1)
}

/// Removes one name from `import a, b` / `from m import a, b`, with its comma.
fn remove_list_item(text: &str, item: Range<usize>) -> Edit {
    let line_start = text[..item.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[item.end..]
        .find('\n')
        .map_or(text.len(), |i| item.end + i + 1);
    let before_on_line = &text[line_start..item.start];
    let after_on_line = text[item.end..line_end].trim();
    if before_on_line.trim().is_empty()
        && line_start > 0
        && (after_on_line.is_empty() || after_on_line == ",")
    {
        // One name per line inside parentheses: the line goes.
        return Edit::replace(line_start..line_end, "");
    }
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
