//! Plans the fixes of one file's findings from their rules' recipes.
//!
//! A recipe's templates are rendered with the matched call's arguments bound to parameter
//! names. A recipe may also rewrite the call that created the receiver (`origin`), rename
//! keys read on the result, insert a statement after the result is assigned, and add
//! imports. Each of those steps checks that it is sound here; when one is not, the fix is
//! still shown, as display-only, with the reason. Because several findings can share one
//! origin (two calls on one context), origin rewrites are agreed across the whole file.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use tree_sitter::Node;

use crate::check::{BoundArguments, bind_arguments};
use crate::diagnostic::Diagnostic;
use crate::fix::{Applicability, Edit, Fix};
use crate::imports;
use crate::rule::{Filter, FixRecipe, Rule, TemplateValues};
use crate::semantic::{BindingValue, CallSite, Model, UseKind, Value};
use crate::source::SourceText;

/// A finding before its fix is planned.
pub(crate) struct Match<'r, 't> {
    pub(crate) rule: &'r Rule,
    pub(crate) range: Range<usize>,
    pub(crate) message: String,
    pub(crate) call: Option<(CallSite<'t>, BoundArguments<'t>)>,
    pub(crate) node: Option<Node<'t>>,
    pub(crate) captures: Option<BoundArguments<'t>>,
}

impl<'r> Match<'r, '_> {
    pub(crate) fn new(rule: &'r Rule, range: Range<usize>, message: String) -> Self {
        Match {
            rule,
            range,
            message,
            call: None,
            node: None,
            captures: None,
        }
    }
}

/// A fix being planned.
struct Draft {
    edits: Vec<Edit>,
    /// Why the fix cannot be applied automatically (empty: it can).
    blockers: Vec<String>,
    origin: Option<OriginProposal>,
}

/// A proposed rewrite of the call that created a receiver.
struct OriginProposal {
    range: Range<usize>,
    text: String,
    /// The receiver expression at the call site whose rewrite needs this origin.
    receiver: Range<usize>,
    movable: bool,
}

/// Plans every fix of a file and returns the findings.
pub(crate) fn plan(
    model: &Model<'_>,
    source: &SourceText,
    matches: Vec<Match<'_, '_>>,
) -> Vec<Diagnostic> {
    let mut drafts: Vec<Option<Draft>> = matches.iter().map(|m| draft(model, source, m)).collect();
    agree_on_origins(model, &mut drafts);
    matches
        .into_iter()
        .zip(drafts)
        .map(|(found, draft)| {
            let fix = draft.and_then(|draft| {
                let recipe = found.rule.fix.as_ref()?;
                let mut edits = draft.edits;
                if let Some(origin) = draft.origin {
                    edits.push(Edit::replace(
                        origin.range,
                        source.with_newlines(&origin.text),
                    ));
                }
                let (applicability, note) = if draft.blockers.is_empty() {
                    (recipe.applicability, recipe.reason.clone())
                } else {
                    (
                        Applicability::DisplayOnly,
                        format!(
                            "{} Not applied automatically: {}.",
                            recipe.reason,
                            draft.blockers.join("; ")
                        ),
                    )
                };
                keep_comments(model, source, &mut edits);
                let mut fix = Fix::new(recipe.title.clone(), applicability, note, edits);
                fix.remove_imports = recipe.remove_imports.clone();
                Some(fix)
            });
            Diagnostic {
                rule: found.rule.id.clone(),
                severity: found.rule.severity,
                message: found.message,
                range: found.range,
                help: found.rule.help.clone(),
                url: found.rule.url.clone(),
                fix,
            }
        })
        .collect()
}

/// The values a fix template is rendered with.
struct FixValues<'a, 't> {
    model: &'a Model<'t>,
    arguments: &'a BoundArguments<'t>,
    origin: Option<&'a BoundArguments<'t>>,
    receiver: Option<String>,
    result: Option<String>,
    quote: char,
}

/// A template name split into the argument it starts from and the keys it goes into:
/// `origin.config.auth.clientId` is the `auth.clientId` path of the origin's `config`.
struct TemplatePath<'a> {
    /// `config` or `origin.config`.
    root: &'a str,
    keys: Vec<&'a str>,
}

impl<'a> TemplatePath<'a> {
    fn parse(name: &'a str) -> TemplatePath<'a> {
        let (prefix, rest) = match name.strip_prefix("origin.") {
            Some(rest) => ("origin.".len(), rest),
            None => (0, name),
        };
        let mut segments = rest.split('.');
        let first = segments.next().unwrap_or_default();
        TemplatePath {
            root: &name[..prefix + first.len()],
            keys: segments.collect(),
        }
    }
}

/// The value a template path found: the node that holds it, and the text that stands for
/// it at the fix's site.
struct Found<'t> {
    node: Node<'t>,
    text: String,
    /// The text is the node's own source (not a member read standing in for it).
    verbatim: bool,
}

impl<'t> FixValues<'_, 't> {
    fn argument(&self, root: &str) -> Option<Node<'t>> {
        match root.strip_prefix("origin.") {
            Some(parameter) => self.origin?.values.get(parameter).copied(),
            None => self.arguments.values.get(root).copied(),
        }
    }

    fn find(&self, name: &str) -> Option<Found<'t>> {
        let path = TemplatePath::parse(name);
        let argument = self.argument(path.root)?;
        let mut found = Found {
            node: argument,
            text: self.model.text(argument).to_string(),
            verbatim: true,
        };
        for key in path.keys {
            let entries = object_literal(self.model, found.node).and_then(|(object, inline)| {
                object_entries(self.model, object).map(|entries| (entries, inline))
            });
            let Some((entries, inline)) = entries else {
                // An object this file does not define: its member, read where the fix is
                // (the fix is display-only: `unused_keys` says why).
                found = Found {
                    node: found.node,
                    text: format!("{}.{key}", found.text),
                    verbatim: false,
                };
                continue;
            };
            let value = entries
                .into_iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v)?;
            // A value copied from an object defined elsewhere is copied only when it is a
            // literal; otherwise the member is read where the fix is.
            found = if (inline && found.verbatim) || is_literal(value) {
                Found {
                    node: value,
                    text: self.model.text(value).to_string(),
                    verbatim: true,
                }
            } else {
                Found {
                    node: value,
                    text: format!("{}.{key}", found.text),
                    verbatim: false,
                }
            };
        }
        Some(found)
    }
}

impl TemplateValues for FixValues<'_, '_> {
    fn value(&self, name: &str, filter: Option<Filter>) -> Option<String> {
        match name {
            "receiver" => return self.receiver.clone(),
            "result" => return self.result.clone(),
            _ => {}
        }
        let found = self.find(name)?;
        Some(match filter {
            Some(Filter::Scope) if found.verbatim => {
                scope_expression(self.model, found.node, self.quote)
            }
            Some(Filter::Scope) => format!("{} + {q}/.default{q}", found.text, q = self.quote),
            Some(Filter::Tenant) => v2_tenant(self.model, found.node).unwrap_or(found.text),
            None => found.text,
        })
    }

    fn is_present(&self, name: &str) -> bool {
        match name {
            "receiver" => self.receiver.is_some(),
            "result" => self.result.is_some(),
            _ => self
                .find(name)
                .is_some_and(|found| !found.verbatim || !is_nothing(found.node)),
        }
    }

    fn literal(&self, text: &str) -> String {
        let Some(inner) = text.get(1..text.len().saturating_sub(1)) else {
            return text.to_string();
        };
        if text.len() >= 2 && !inner.contains(self.quote) && !inner.contains('\\') {
            format!("{q}{inner}{q}", q = self.quote)
        } else {
            text.to_string()
        }
    }
}

/// `None` / `null` / `undefined`: an argument that carries nothing.
fn is_nothing(node: Node<'_>) -> bool {
    matches!(node.kind(), "none" | "null" | "undefined")
}

/// A literal whose text means the same anywhere.
fn is_literal(node: Node<'_>) -> bool {
    match node.kind() {
        "string" | "number" | "integer" | "float" | "true" | "false" | "null" | "undefined"
        | "none" => true,
        "template_string" => {
            let mut cursor = node.walk();
            let substituted = node
                .named_children(&mut cursor)
                .any(|c| c.kind() == "template_substitution");
            !substituted
        }
        _ => false,
    }
}

/// The object literal an argument is (`inline`), or the one a name bound once to an
/// object literal holds.
fn object_literal<'t>(model: &Model<'t>, node: Node<'t>) -> Option<(Node<'t>, bool)> {
    match node.kind() {
        "object" | "dictionary" => Some((node, true)),
        "parenthesized_expression" | "as_expression" | "satisfies_expression" => {
            object_literal(model, node.named_child(0)?)
        }
        "identifier" => {
            let ids = model.lookup(model.text(node), node.start_byte());
            let [id] = ids.as_slice() else {
                return None;
            };
            match &model.facts.bindings[*id].value {
                BindingValue::Expr(value) => object_literal(model, *value).map(|(o, _)| (o, false)),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The `key: value` entries of an object literal, in order; `None` when a key is not
/// static (a spread, a computed key, a method).
fn object_entries<'t>(model: &Model<'t>, object: Node<'t>) -> Option<Vec<(String, Node<'t>)>> {
    let mut entries = Vec::new();
    let mut cursor = object.walk();
    for entry in object.named_children(&mut cursor) {
        match entry.kind() {
            "comment" => {}
            "pair" => {
                let key = entry.child_by_field_name("key")?;
                let value = entry.child_by_field_name("value")?;
                let name = match key.kind() {
                    "property_identifier" | "identifier" | "number" => model.text(key).to_string(),
                    "string" => {
                        let text = model.text(key);
                        text.get(1..text.len().saturating_sub(1))?.to_string()
                    }
                    _ => return None,
                };
                entries.push((name, value));
            }
            "shorthand_property_identifier" => {
                entries.push((model.text(entry).to_string(), entry));
            }
            _ => return None,
        }
    }
    Some(entries)
}

/// The literal `common` as `organizations` (v1 `common` admitted only work and school
/// accounts; v2 `common` admits personal accounts too), in the same quotes.
fn v2_tenant(model: &Model<'_>, node: Node<'_>) -> Option<String> {
    if !matches!(node.kind(), "string" | "template_string") || !is_literal(node) {
        return None;
    }
    let text = model.text(node);
    let inner = text.get(1..text.len().checked_sub(1)?)?;
    inner
        .eq_ignore_ascii_case("common")
        .then(|| format!("{}organizations{}", &text[..1], &text[text.len() - 1..]))
}

/// `resource + "/.default"`, folded into a string literal. Never normalises slashes: the
/// v2 endpoint takes everything before the last `/` as the resource.
fn scope_expression(model: &Model<'_>, node: Node<'_>, quote: char) -> String {
    let text = model.text(node);
    if let Some(end) = literal_end(node) {
        let split = end - node.start_byte();
        return format!("{}/.default{}", &text[..split], &text[split..]);
    }
    let primary = matches!(
        node.kind(),
        "identifier"
            | "attribute"
            | "subscript"
            | "call"
            | "parenthesized_expression"
            | "string"
            | "concatenated_string"
            | "member_expression"
            | "subscript_expression"
            | "call_expression"
            | "template_string"
    );
    if primary {
        format!("{text} + {quote}/.default{quote}")
    } else {
        format!("({text}) + {quote}/.default{quote}")
    }
}

/// Where the closing quote of a plain string literal starts.
fn literal_end(node: Node<'_>) -> Option<usize> {
    match node.kind() {
        "string" => {
            let mut cursor = node.walk();
            let children: Vec<Node<'_>> = node.children(&mut cursor).collect();
            if children.iter().any(|c| c.kind() == "interpolation") {
                return None;
            }
            match children.iter().find(|c| c.kind() == "string_end") {
                Some(end) => Some(end.start_byte()),
                // JavaScript strings have no end node: the last byte is the quote.
                None => Some(node.end_byte() - 1),
            }
        }
        "template_string" => {
            let mut cursor = node.walk();
            let substituted = node
                .named_children(&mut cursor)
                .any(|c| c.kind() == "template_substitution");
            (!substituted).then(|| node.end_byte() - 1)
        }
        _ => None,
    }
}

/// The quote a file uses most for strings.
fn preferred_quote(source: &str) -> char {
    if source.matches('\'').count() > source.matches('"').count() {
        '\''
    } else {
        '"'
    }
}

fn draft(model: &Model<'_>, source: &SourceText, found: &Match<'_, '_>) -> Option<Draft> {
    let recipe = found.rule.fix.as_ref()?;
    let mut blockers = Vec::new();
    let mut edits = Vec::new();
    let quote = preferred_quote(model.source);

    let Some((call, arguments)) = &found.call else {
        // Reference and query rules: only `replace` applies, with the captures.
        let node = found.node?;
        let empty = BoundArguments::default();
        let values = FixValues {
            model,
            arguments: found.captures.as_ref().unwrap_or(&empty),
            origin: None,
            receiver: None,
            result: None,
            quote,
        };
        let replace = recipe.replace.as_ref()?.render(&values).ok()?;
        edits.push(Edit::replace(
            node.byte_range(),
            source.with_newlines(&replace),
        ));
        return Some(Draft {
            edits,
            blockers,
            origin: None,
        });
    };
    if arguments.has_splat {
        return None;
    }

    // The receiver and the call that created it.
    let receiver = call.receiver;
    let mut origin_call: Option<CallSite<'_>> = None;
    if recipe.origin.is_some() {
        match receiver.map(|r| model.evaluate(r)) {
            Some(Value::Object {
                origin: Some(range),
                ..
            }) => {
                origin_call = model
                    .facts
                    .calls
                    .iter()
                    .find(|c| c.node.byte_range() == range)
                    .cloned();
            }
            _ => blockers
                .push("the object this is called on is created in more than one place".to_string()),
        }
    }
    let origin_arguments = origin_call
        .as_ref()
        .map(|c| bind_arguments(c, &found.rule.origin_parameters));
    if origin_arguments.as_ref().is_some_and(|a| a.has_splat) {
        return None;
    }

    let result = result_name(model, call.node);
    let mut values = FixValues {
        model,
        arguments,
        origin: origin_arguments.as_ref(),
        receiver: receiver.map(|r| model.text(r).to_string()),
        result: result.clone(),
        quote,
    };

    // Arguments the templates do not carry over would be lost.
    unused_arguments(recipe, arguments, origin_arguments.as_ref(), &mut blockers);
    unused_keys(recipe, &values, &mut blockers);

    let origin_text = match (&recipe.origin, &origin_call) {
        (Some(template), Some(origin_call)) => {
            let indent = source.indentation_at(origin_call.node.start_byte());
            Some(template.render_indented(&values, indent).ok()?)
        }
        _ => None,
    };
    let mut origin = None;
    if let (Some(text), Some(origin_call), Some(receiver)) = (origin_text, &origin_call, receiver) {
        let origin_range = origin_call.node.byte_range();
        if needs_async(&text) && !model.allows_await(origin_call.node) {
            blockers.push(AWAIT_BLOCKER.to_string());
        }
        if origin_range.start >= call.node.start_byte() && origin_range.end <= call.node.end_byte()
        {
            // `AuthenticationContext(a).acquire(...)`: the new object is built in place.
            values.receiver = Some(text);
        } else {
            let movable = origin_movable(model, recipe, arguments, call.node, origin_call.node);
            origin = Some(OriginProposal {
                range: origin_range,
                text,
                receiver: receiver.byte_range(),
                movable,
            });
        }
    }

    if let Some(template) = &recipe.replace {
        let indent = source.indentation_at(call.node.start_byte());
        let text = template.render_indented(&values, indent).ok()?;
        if needs_async(&text) && !model.allows_await(call.node) {
            blockers.push(AWAIT_BLOCKER.to_string());
        }
        edits.push(Edit::replace(
            call.node.byte_range(),
            source.with_newlines(&text),
        ));
    }
    if !recipe.keys.is_empty() {
        result_edits(model, recipe, call.node, &mut edits, &mut blockers);
    }
    if let (Some(template), Some(_)) = (&recipe.after, &result) {
        let statement = imports::statement_range(model, call.node);
        let at = end_of_line_after(model, statement.end);
        let indent = source.indentation_at(statement.start).to_string();
        let rendered = template.render(&values).ok()?;
        let mut text = String::new();
        for line in rendered.trim_end().lines() {
            text.push('\n');
            if !line.is_empty() {
                text.push_str(&indent);
            }
            text.push_str(line);
        }
        edits.push(Edit::insert(at, source.with_newlines(&text)));
    }
    let anchor = origin_call.as_ref().map_or(call.callee, |c| c.callee);
    for import in &recipe.add_imports {
        match imports::add(model, source, anchor, import) {
            Ok(Some(edit)) => edits.push(edit),
            Ok(None) => {}
            Err(reason) => blockers.push(reason),
        }
    }
    blockers.dedup();
    Some(Draft {
        edits,
        blockers,
        origin,
    })
}

const AWAIT_BLOCKER: &str = "the rewrite awaits, and `await` is not allowed here (not in an async function or an ES module); make the code that creates the application asynchronous first";

/// True when a rendered template awaits.
fn needs_async(text: &str) -> bool {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
        .any(|word| word == "await")
}

/// After a statement: past a trailing comment on its last line, else right at its end.
fn end_of_line_after(model: &Model<'_>, position: usize) -> usize {
    let text = model.source;
    let line_end = text[position..]
        .find('\n')
        .map_or(text.len(), |i| position + i);
    let line_end = if line_end > position && text.as_bytes()[line_end - 1] == b'\r' {
        line_end - 1
    } else {
        line_end
    };
    let rest = text[position..line_end].trim_start();
    if rest.is_empty() || rest.starts_with('#') || rest.starts_with("//") {
        line_end
    } else {
        position
    }
}

/// Comments inside a replaced range would be lost: they move, each on its own line, above
/// the statement that holds the edit.
fn keep_comments(model: &Model<'_>, source: &SourceText, edits: &mut Vec<Edit>) {
    let mut moved = Vec::new();
    for edit in edits.iter().filter(|e| !e.range.is_empty()) {
        let lost: Vec<&str> = model
            .comments_within(edit.range.clone())
            .into_iter()
            .map(|c| &model.source[c])
            .filter(|comment| !edit.content.contains(comment))
            .collect();
        if lost.is_empty() {
            continue;
        }
        let statement = model.statement_at(edit.range.start);
        let line_start = model.source[..statement.start]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let indent = source.indentation_at(statement.start);
        let text: String = lost
            .iter()
            .map(|comment| format!("{indent}{comment}\n"))
            .collect();
        moved.push(Edit::insert(line_start, source.with_newlines(&text)));
    }
    edits.extend(moved);
}

/// Every argument passed at the call or the origin must appear in some template, or be
/// dropped on purpose.
fn unused_arguments(
    recipe: &FixRecipe,
    arguments: &BoundArguments<'_>,
    origin: Option<&BoundArguments<'_>>,
    blockers: &mut Vec<String>,
) {
    let mut used: HashSet<&str> = HashSet::new();
    for name in template_names(recipe) {
        // `config.clientId` uses `config` (its other keys are checked by `unused_keys`).
        used.insert(TemplatePath::parse(name).root);
    }
    used.extend(recipe.drop.iter().map(String::as_str));
    // An argument that is `null` / `None` carries nothing to lose.
    let mut missing: Vec<String> = arguments
        .values
        .iter()
        .filter(|(name, node)| !used.contains(name.as_str()) && !is_nothing(**node))
        .map(|(name, _)| format!("`{name}`"))
        .collect();
    if let Some(origin) = origin {
        missing.extend(
            origin
                .values
                .iter()
                .filter(|(name, node)| {
                    !used.contains(format!("origin.{name}").as_str()) && !is_nothing(**node)
                })
                .map(|(name, _)| format!("`{name}` of the constructor")),
        );
    }
    missing.sort();
    if !missing.is_empty() {
        blockers.push(format!(
            "{} has no automatic equivalent",
            missing.join(", ")
        ));
    }
    if !arguments.unbound.is_empty() || origin.is_some_and(|o| !o.unbound.is_empty()) {
        blockers.push("an argument does not match the documented signature".to_string());
    }
}

/// Every name the recipe's templates use.
fn template_names(recipe: &FixRecipe) -> Vec<&str> {
    [&recipe.replace, &recipe.origin, &recipe.after]
        .into_iter()
        .flatten()
        .flat_map(|template| template.names())
        .collect()
}

/// When templates take keys out of an object-literal argument (`{{config.clientId}}`), every
/// key it has must be carried over or dropped on purpose, and the object must be visible.
fn unused_keys(recipe: &FixRecipe, values: &FixValues<'_, '_>, blockers: &mut Vec<String>) {
    let names = template_names(recipe);
    let mut roots: Vec<&str> = names
        .iter()
        .map(|name| TemplatePath::parse(name))
        .filter(|path| !path.keys.is_empty())
        .map(|path| path.root)
        .collect();
    roots.sort_unstable();
    roots.dedup();
    for root in roots {
        let Some(argument) = values.argument(root) else {
            continue;
        };
        let shown = root.strip_prefix("origin.").unwrap_or(root);
        let entries = object_literal(values.model, argument)
            .and_then(|(object, _)| object_entries(values.model, object));
        let Some(entries) = entries else {
            blockers.push(format!(
                "`{shown}` is not an object literal this file defines (its keys cannot be carried over)"
            ));
            continue;
        };
        let mut lost: Vec<String> = entries
            .iter()
            .map(|(key, _)| format!("{root}.{key}"))
            .filter(|path| {
                let nested = format!("{path}.");
                !names.iter().any(|n| n == path || n.starts_with(&nested))
                    && !recipe.drop.iter().any(|d| d == path)
            })
            .map(|path| format!("`{}`", &path[root.len() + 1..]))
            .collect();
        lost.sort();
        if !lost.is_empty() {
            blockers.push(format!(
                "{} of `{shown}` has no automatic equivalent",
                lost.join(", ")
            ));
        }
    }
}

/// The plain name a call's result is assigned to, if any.
fn result_name(model: &Model<'_>, call: Node<'_>) -> Option<String> {
    let mut node = call;
    while let Some(parent) = node.parent() {
        match parent.kind() {
            "parenthesized_expression" | "await" | "await_expression" => node = parent,
            "assignment" | "assignment_expression"
                if parent.child_by_field_name("right") == Some(node) =>
            {
                let left = parent.child_by_field_name("left")?;
                return (left.kind() == "identifier").then(|| model.text(left).to_string());
            }
            "variable_declarator" if parent.child_by_field_name("value") == Some(node) => {
                let name = parent.child_by_field_name("name")?;
                return (name.kind() == "identifier").then(|| model.text(name).to_string());
            }
            _ => return None,
        }
    }
    None
}

/// Renames the keys read on the call's result; a read of a key with no counterpart, or a
/// result that leaves what this file can see, blocks the fix.
fn result_edits(
    model: &Model<'_>,
    recipe: &FixRecipe,
    call: Node<'_>,
    edits: &mut Vec<Edit>,
    blockers: &mut Vec<String>,
) {
    let origin = call.byte_range();
    let is_result = |node: Node<'_>| matches!(model.evaluate(node), Value::Object { origin: Some(o), .. } if o == origin);
    let read_objects: HashSet<Range<usize>> = model
        .facts
        .key_reads
        .iter()
        .filter(|read| is_result(read.object))
        .map(|read| read.object.byte_range())
        .collect();
    let escapes = model.facts.uses.iter().any(|site| {
        let relevant = site.node == call || (site.node.kind() != "call" && is_result(site.node));
        relevant
            && match site.kind {
                UseKind::Escape => true,
                UseKind::Receiver => !read_objects.contains(&site.node.byte_range()),
                UseKind::KeyRead | UseKind::Alias | UseKind::Test => false,
            }
    });
    if escapes {
        blockers.push(
            "the result is used where its keys cannot be followed (returned, passed or stored)"
                .to_string(),
        );
    }
    let targets: HashSet<&str> = recipe.keys.values().map(String::as_str).collect();
    let mut unknown: Vec<String> = Vec::new();
    for read in &model.facts.key_reads {
        if !is_result(read.object) {
            continue;
        }
        match recipe.keys.get(&read.key) {
            Some(renamed) => edits.push(Edit::replace(read.key_range.clone(), renamed.clone())),
            None if targets.contains(read.key.as_str()) => {}
            None => {
                let key = format!("`{}`", read.key);
                if !unknown.contains(&key) {
                    unknown.push(key);
                }
            }
        }
    }
    if !unknown.is_empty() {
        blockers.push(format!(
            "the result's {} has no counterpart in the new result",
            unknown.join(", ")
        ));
    }
}

/// True when every call-site argument the origin template uses means the same thing where
/// the origin is (its names are bound, before it, to the same values).
fn origin_movable(
    model: &Model<'_>,
    recipe: &FixRecipe,
    arguments: &BoundArguments<'_>,
    call: Node<'_>,
    origin: Node<'_>,
) -> bool {
    let Some(template) = &recipe.origin else {
        return true;
    };
    let names: Vec<&str> = template
        .names()
        .into_iter()
        .filter(|n| !n.starts_with("origin.") && !matches!(*n, "receiver" | "result"))
        .collect();
    let reads: HashSet<usize> = model
        .facts
        .name_reads
        .iter()
        .map(Node::start_byte)
        .collect();
    names.iter().all(|name| {
        let Some(&argument) = arguments.values.get(*name) else {
            return true;
        };
        let mut stack = vec![argument];
        while let Some(node) = stack.pop() {
            if node.kind() == "identifier" && reads.contains(&node.start_byte()) {
                if !name_movable(model, node, call, origin) {
                    return false;
                }
                continue;
            }
            let mut cursor = node.walk();
            stack.extend(node.named_children(&mut cursor));
        }
        true
    })
}

fn name_movable(model: &Model<'_>, identifier: Node<'_>, call: Node<'_>, origin: Node<'_>) -> bool {
    let name = model.text(identifier);
    let here = model.lookup(name, identifier.start_byte());
    let there = model.lookup(name, origin.start_byte());
    let value_of = |ids: &[usize]| -> Vec<Value> {
        ids.iter()
            .map(|&id| match &model.facts.bindings[id].value {
                BindingValue::SelfParam(class) => Value::SelfOf(*class),
                _ => Value::Unknown,
            })
            .collect()
    };
    if here == there {
        return here.iter().all(|&id| {
            let binding = &model.facts.bindings[id];
            binding.position < origin.start_byte()
                || (model.scope_at(binding.range.start) == 0
                    && matches!(binding.value, BindingValue::Import(_)))
        });
    }
    // `self.x` read in one method and moved to the method that creates the origin: fine
    // when `x` is only assigned there, before the origin.
    let (Value::SelfOf(a), Value::SelfOf(b)) = (
        value_of(&here).first().cloned().unwrap_or(Value::Unknown),
        value_of(&there).first().cloned().unwrap_or(Value::Unknown),
    ) else {
        return false;
    };
    if a != b || here.len() != 1 || there.len() != 1 {
        return false;
    }
    let Some(attribute) = identifier.parent().filter(|p| {
        matches!(p.kind(), "attribute" | "member_expression")
            && p.child_by_field_name("object") == Some(identifier)
    }) else {
        return false;
    };
    let field = if attribute.kind() == "attribute" {
        "attribute"
    } else {
        "property"
    };
    let Some(attribute_name) = attribute.child_by_field_name(field).map(|n| model.text(n)) else {
        return false;
    };
    let origin_function = model.function_of(model.scope_at(origin.start_byte()));
    let _ = call;
    model.facts.classes[a]
        .attributes
        .get(attribute_name)
        .is_some_and(|assignments| {
            assignments.iter().all(|assignment| {
                assignment.scope == origin_function
                    && assignment.statement.end <= origin.start_byte()
            })
        })
}

/// An origin is rewritten only when every use of the object it creates is a call whose fix
/// proposes the very same rewrite, and the arguments it takes from those calls can move.
fn agree_on_origins(model: &Model<'_>, drafts: &mut [Option<Draft>]) {
    let mut groups: HashMap<Range<usize>, Vec<usize>> = HashMap::new();
    for (index, draft) in drafts.iter().enumerate() {
        if let Some(origin) = draft.as_ref().and_then(|d| d.origin.as_ref()) {
            groups.entry(origin.range.clone()).or_default().push(index);
        }
    }
    for (range, members) in groups {
        let proposals: Vec<&OriginProposal> = members
            .iter()
            .filter_map(|&i| drafts[i].as_ref().and_then(|d| d.origin.as_ref()))
            .collect();
        let receivers: HashSet<Range<usize>> =
            proposals.iter().map(|p| p.receiver.clone()).collect();
        let mut reasons = Vec::new();
        if proposals.iter().any(|p| p.text != proposals[0].text) {
            reasons.push(
                "the object it is called on serves calls that need different replacements"
                    .to_string(),
            );
        }
        if proposals.iter().any(|p| !p.movable) {
            reasons.push(
                "an argument is not yet defined where the object is created; create the application where both are known"
                    .to_string(),
            );
        }
        let other_use = model.facts.uses.iter().any(|site| {
            site.node.byte_range() != range
                && matches!(site.kind, UseKind::Receiver | UseKind::KeyRead | UseKind::Escape)
                && !receivers.contains(&site.node.byte_range())
                && matches!(model.evaluate(site.node), Value::Object { origin: Some(o), .. } if o == range)
        });
        let origin_escapes = model
            .facts
            .uses
            .iter()
            .any(|site| site.node.byte_range() == range && site.kind == UseKind::Escape);
        if other_use || origin_escapes {
            reasons.push(
                "the object it is called on is also used in ways this fix does not rewrite"
                    .to_string(),
            );
        }
        if !reasons.is_empty() {
            for &index in &members {
                if let Some(draft) = drafts[index].as_mut() {
                    draft.blockers.extend(reasons.iter().cloned());
                }
            }
        }
    }
}
