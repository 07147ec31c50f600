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

use crate::authority;
use crate::callback;
use crate::check::{BoundArguments, bind_arguments};
use crate::diagnostic::Diagnostic;
use crate::fix::{Applicability, Edit, Fix};
use crate::imports;
use crate::language::Language;
use crate::plan::{device_code_credential, parameter_readers};
use crate::promise_wrapper;
use crate::returned;
use crate::rule::{Filter, FixRecipe, FixTarget, Rule, TemplateValues};
use crate::semantic::{BindingValue, CallSite, Key, KeyRead, Model, UseKind, Value};
use crate::source::SourceText;

mod azureml;
mod nested;
mod per_flow;
mod promise_chain;

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

/// What planning a file's fixes needs to know.
struct PlanContext<'a, 't> {
    model: &'a Model<'t>,
    source: &'a SourceText,
    rewritten: &'a HashSet<Range<usize>>,
    carried: &'a [Carried<'t>],
    /// Calls whose own fix makes them accept the new object (an SDK v2 `MLClient` built
    /// with the credential): passing the object to one of them conflicts with nothing.
    accepting: &'a HashSet<Range<usize>>,
}

/// An attribute read that its own fix rewrites together with the call that created its
/// object (`with-origin` on a reference rule: `credentials.token["access_token"]` becomes
/// `credentials.get_token(scope).token` when `ServicePrincipalCredentials(...)` becomes a
/// `ClientSecretCredential`). The origin's fix then requires it instead of conflicting with
/// it, and may leave to it the arguments it carries over.
struct Carried<'t> {
    /// The attribute read (`credentials.token`).
    range: Range<usize>,
    /// The object it is read on (`credentials`).
    object: Node<'t>,
    /// The origin's parameters its templates use (`resource` for `{{origin.resource}}`).
    arguments: Vec<String>,
}

/// A fix being planned.
struct Draft {
    edits: Vec<Edit>,
    /// The target asked for, when its fix could not be rendered and the default's is used.
    fallback_from: Option<FixTarget>,
    /// Why the fix cannot be applied automatically (empty: it can).
    blockers: Vec<String>,
    origin: Option<OriginProposal>,
    /// Calls whose own fixes must apply together with this one (`methods`, `with-origin`).
    requires: Vec<Range<usize>>,
    /// Insertions of the imports the templates use, agreed across the file.
    imports: Vec<Edit>,
    /// What an applied fix changes that its recipe's reason does not say.
    notes: Vec<String>,
}

/// A proposed rewrite of the call that created a receiver.
struct OriginProposal {
    range: Range<usize>,
    text: String,
    /// The receiver expressions at the call sites whose rewrite needs this origin (two
    /// for a merged two-step call).
    receivers: Vec<Range<usize>>,
    movable: bool,
    /// When the call's arguments are not defined yet where the object is created, the
    /// statement that creates it can move down to just before the call instead:
    /// (statement to delete, where to insert it).
    relocation: Option<(Range<usize>, usize)>,
}

/// Plans every fix of a file and returns the findings.
pub(crate) fn plan(
    model: &Model<'_>,
    source: &SourceText,
    matches: Vec<Match<'_, '_>>,
    target: FixTarget,
) -> Vec<Diagnostic> {
    // Calls whose own fix rewrites them: passing a result to one of them is not an escape.
    // (A continuation is rewritten with the call whose callback holds it.)
    let mut rewritten: HashSet<Range<usize>> = HashSet::new();
    for found in &matches {
        let (Some(recipe), Some((call, arguments))) = (found.rule.recipe(target), &found.call)
        else {
            continue;
        };
        if recipe.replace.is_some() {
            rewritten.insert(call.node.byte_range());
        }
        if let Some(continuation) = &recipe.continuation {
            if let Some(next) = continuation_call(model, &continuation.symbol, call, arguments) {
                rewritten.insert(next.node.byte_range());
            }
        }
    }
    let carried: Vec<Carried<'_>> = matches
        .iter()
        .filter_map(|m| carried_read(m, target))
        .collect();
    // Objects whose every use an engine recipe rewrites (`fix.uses`).
    let mut engine_drafts = azureml::drafts(model, source, &matches, target);
    let mut accepting: HashSet<Range<usize>> = HashSet::new();
    for (index, draft) in &engine_drafts {
        if let Some((call, _)) = &matches[*index].call {
            rewritten.insert(call.node.byte_range());
            if draft.blockers.is_empty() {
                accepting.insert(call.node.byte_range());
            }
        }
    }
    // Shapes planned whole by their own module: their findings share its fix.
    let claims = device_code_credential::claims(model, source);
    let context = PlanContext {
        model,
        source,
        rewritten: &rewritten,
        carried: &carried,
        accepting: &accepting,
    };
    // A rule whose fix for the chosen target cannot be rendered here (the tenant of the
    // authority is not known statically, say) falls back to its default (MSAL) fix.
    let mut targets: Vec<FixTarget> = vec![target; matches.len()];
    let mut drafts: Vec<Option<Draft>> = matches
        .iter()
        .zip(targets.iter_mut())
        .enumerate()
        .map(|(index, (m, chosen))| {
            if let Some(engine) = engine_drafts.remove(&index) {
                return Some(engine);
            }
            let first = draft(&context, m, *chosen);
            if first.is_none() && *chosen != FixTarget::default() && m.rule.fix.is_some() {
                *chosen = FixTarget::default();
                return draft(&context, m, *chosen).map(|mut fallback| {
                    fallback.fallback_from = Some(target);
                    fallback
                });
            }
            first
        })
        .collect();
    agree_on_imports(model, &mut drafts);
    // What requirements name a finding by: its call, or the attribute read it carries.
    let calls: Vec<Option<Range<usize>>> = matches
        .iter()
        .map(|m| {
            m.call
                .as_ref()
                .map(|(call, _)| call.node.byte_range())
                .or_else(|| {
                    let range = m.node?.byte_range();
                    carried.iter().any(|c| c.range == range).then_some(range)
                })
        })
        .collect();
    agree_on_origins(model, &calls, &mut drafts);
    for draft in drafts.iter_mut().flatten() {
        if let Some(origin) = draft.origin.take() {
            match origin.relocation {
                Some((statement, at)) => {
                    // The creating statement moves down (to the call, or past the fields
                    // it needs), rewritten, at its own indentation.
                    let text = format!(
                        "{}{}{}{}\n",
                        source.indentation_at(statement.start),
                        &model.source[statement.start..origin.range.start],
                        origin.text,
                        &model.source[origin.range.end..statement.end]
                    );
                    draft
                        .edits
                        .push(Edit::insert(at, source.with_newlines(&text)));
                    draft
                        .edits
                        .push(imports::statement_removal(model, statement));
                }
                None => draft.edits.push(Edit::replace(
                    origin.range,
                    source.with_newlines(&origin.text),
                )),
            }
        }
    }
    nested::fold(model.source, &calls, &mut drafts);
    agree_on_requirements(model, &calls, &mut drafts);
    let groups = requirement_groups(&calls, &drafts);
    let applicabilities: Vec<Option<Applicability>> = matches
        .iter()
        .zip(&targets)
        .map(|(m, t)| m.rule.recipe(*t).map(|r| r.applicability))
        .collect();
    let group_edits: Vec<Option<(Vec<Edit>, Applicability)>> = groups
        .iter()
        .map(|group| {
            let members = group.as_ref()?;
            let mut edits: Vec<Edit> = Vec::new();
            let mut applicability = Applicability::Safe;
            for &member in members {
                for edit in drafts[member].as_ref().map_or(&[][..], |d| &d.edits[..]) {
                    if !edits.contains(edit) {
                        edits.push(edit.clone());
                    }
                }
                applicability = applicability.min(applicabilities[member]?);
            }
            edits.sort_by_key(|e| (e.range.start, e.range.end));
            Some((edits, applicability))
        })
        .collect();
    let mut diagnostics: Vec<Diagnostic> = matches
        .into_iter()
        .zip(drafts)
        .zip(group_edits)
        .zip(targets)
        .map(|(((found, draft), group), chosen)| {
            // A rule with a recipe always says why it offers no rewrite here.
            let unrendered = match (&draft, found.rule.recipe(chosen)) {
                (None, Some(recipe)) => Some(Fix::new(
                    recipe.title.clone(),
                    Applicability::DisplayOnly,
                    format!(
                        "{} Not applied automatically: {}.",
                        recipe.reason,
                        no_rewrite_reason(model, &found, recipe)
                    ),
                    Vec::new(),
                )),
                _ => None,
            };
            let fix = draft.and_then(|draft| {
                let recipe = found.rule.recipe(chosen)?;
                let (mut edits, own_applicability) = match group {
                    Some((edits, applicability)) if draft.blockers.is_empty() => {
                        (edits, applicability)
                    }
                    _ => (draft.edits, recipe.applicability),
                };
                let reason = match draft.fallback_from {
                    Some(asked) => format!(
                        "{} (The `{}` fix needs values this code does not give statically, such as the tenant of the authority, so the default fix is offered.)",
                        recipe.reason,
                        asked.as_str()
                    ),
                    None => recipe.reason.clone(),
                };
                let (applicability, note) = if draft.blockers.is_empty() {
                    (own_applicability, reason.clone())
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
                let note = std::iter::once(note)
                    .chain(draft.notes.iter().filter(|_| draft.blockers.is_empty()).cloned())
                    .collect::<Vec<_>>()
                    .join(" ");
                let mut fix = Fix::new(recipe.title.clone(), applicability, note, edits);
                fix.remove_imports = recipe.remove_imports.clone();
                Some(fix)
            })
            .or(unrendered);
            Diagnostic {
                rule: found.rule.id.clone(),
                severity: found.rule.severity,
                message: found.message,
                range: found.range,
                help: found.rule.help.clone(),
                url: found.rule.url.clone(),
                fix,
                related: Vec::new(),
            }
        })
        .collect();
    device_code_credential::apply(claims, &mut diagnostics);
    promise_chain::apply(model, preferred_quote(model.source), &mut diagnostics);
    crate::logger_function::apply(model, &mut diagnostics);
    crate::adal_node_types::apply(model, &mut diagnostics);
    diagnostics
}

/// Why a recipe renders no rewrite at a finding (its draft could not be made), most
/// specific cause first.
fn no_rewrite_reason(model: &Model<'_>, found: &Match<'_, '_>, recipe: &FixRecipe) -> String {
    let Some((call, arguments)) = &found.call else {
        return "this form of the code has no rewrite (the replacement needs a part it does not have, or would change nothing)".to_string();
    };
    if arguments.has_splat {
        return "its arguments are spread or unpacked, so they cannot be matched to the new API's parameters".to_string();
    }
    if let Some(continuation) = &recipe.continuation {
        if continuation_call(model, &continuation.symbol, call, arguments).is_none() {
            let method = continuation
                .symbol
                .rsplit(['#', '.', ':'])
                .next()
                .unwrap_or_default();
            return format!(
                "`{method}` is not the last step of this call's callback, on the same object and handed its result; merge the two steps by hand"
            );
        }
    }
    let callback = arguments.values.get("callback");
    if callback.is_some_and(|c| callback::has_typed_parameters(*c))
        && template_names(recipe).contains(&"callback")
    {
        return "its callback's parameters are declared with types (or defaults), which describe ADAL's values and not MSAL's promise; remove them from the callback, or rewrite it by hand".to_string();
    }
    if callback.is_some() && template_names(recipe).contains(&"callback") {
        return "its callback does not split into a success path and an error path that ends the callback (`if (err) { ...; return; }`, `if (err) {...} else {...}` or `err ? a : b`), and it reads the result (or `arguments`) whatever the error, so it can be neither `.then(onSuccess, onError)` nor one handler called after the promise settles (the result is `undefined` after an error)".to_string();
    }
    "a value the rewrite needs cannot be read from this code".to_string()
}

/// The values a fix template is rendered with.
struct FixValues<'a, 't> {
    model: &'a Model<'t>,
    arguments: &'a BoundArguments<'t>,
    origin: Option<&'a BoundArguments<'t>>,
    next: Option<NextValues<'a, 't>>,
    receiver: Option<String>,
    result: Option<String>,
    /// For a reference rule: the chain after its `object` (`userInfo.profile.name` of
    /// `adalService.userInfo.profile.name`).
    member: Option<String>,
    quote: char,
    /// Edits inside the matched call (key renames in its callback), applied to code that
    /// templates copy from it.
    inner_edits: Vec<Edit>,
    /// What `{{callback|then}}` gives when the callback only settles the promise executor
    /// the call is in (`promise_wrapper`).
    settled_then: Option<String>,
}

/// What templates read of a fix's `continuation` call.
struct NextValues<'a, 't> {
    arguments: &'a BoundArguments<'t>,
    /// The handler `{{callback|prelude}}` gives.
    prelude: String,
    /// The indentation of the continuation's line and of the matched call's: code copied
    /// from the continuation moves out by the difference.
    indents: (String, String),
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
        let (prefix, rest) = match (name.strip_prefix("origin."), name.strip_prefix("next.")) {
            (Some(rest), _) => ("origin.".len(), rest),
            (_, Some(rest)) => ("next.".len(), rest),
            (None, None) => (0, name),
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
        match (root.strip_prefix("origin."), root.strip_prefix("next.")) {
            (Some(parameter), _) => self.origin?.values.get(parameter).copied(),
            (_, Some(parameter)) => self.next.as_ref()?.arguments.values.get(parameter).copied(),
            (None, None) => self.arguments.values.get(root).copied(),
        }
    }

    fn find(&self, name: &str) -> Option<Found<'t>> {
        // A signature may bind a dotted name itself (`options.resource`, a property of an
        // object literal bound by the engine): that binding wins over a path.
        if let Some(node) = self.argument(name) {
            return Some(Found {
                node,
                text: self.model.text(node).to_string(),
                verbatim: true,
            });
        }
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
    fn value(&self, name: &str, filter: Option<&Filter>) -> Option<String> {
        match name {
            "receiver" => return self.receiver.clone(),
            "result" => return self.result.clone(),
            "member" => {
                let member = self.member.clone()?;
                return match filter {
                    Some(filter) => filter.apply_to_text(&member),
                    None => Some(member),
                };
            }
            _ => {}
        }
        let found = self.find(name)?;
        match filter {
            Some(Filter::Scope) if found.verbatim => {
                scope_expression(self.model, found.node, self.quote)
            }
            Some(Filter::Scope) => {
                Some(format!("{} + {q}/.default{q}", found.text, q = self.quote))
            }
            Some(Filter::Tenant) => authority::tenant(self.model, found.node),
            Some(Filter::V2Tenant) => Some(v2_tenant(self.model, found.node).unwrap_or(found.text)),
            Some(Filter::Organizations) => Some(authority::organizations(self.model, found.node)),
            Some(Filter::Then) if name == "callback" && self.settled_then.is_some() => {
                self.settled_then.clone()
            }
            Some(Filter::Then) => {
                let clause = callback::then_clause(self.model, found.node, &self.inner_edits)?;
                match (&self.next, name.starts_with("next.")) {
                    (Some(next), true) => Some(callback::reindent(
                        &clause,
                        &next.indents.0,
                        &next.indents.1,
                    )),
                    _ => Some(clause),
                }
            }
            Some(Filter::Prelude) => self.next.as_ref().map(|next| next.prelude.clone()),
            Some(Filter::ContentOrPath {
                prefix,
                content,
                path,
            }) => {
                let text = &found.text;
                if found.verbatim {
                    if let Some(value) = self.model.string_value(found.node) {
                        let key = if value.starts_with(prefix.as_str()) {
                            content
                        } else {
                            path
                        };
                        return Some(format!("{{ {key}: {text} }}"));
                    }
                    if !matches!(found.node.kind(), "identifier" | "member_expression") {
                        // Evaluated twice by the test below: only a plain name or member.
                        return None;
                    }
                }
                Some(format!(
                    "{text}.startsWith({q}{prefix}{q}) ? {{ {content}: {text} }} : {{ {path}: {text} }}",
                    q = self.quote
                ))
            }
            Some(other) => other.apply_to_text(&found.text),
            None => Some(found.text),
        }
    }

    fn is_present(&self, name: &str) -> bool {
        match name {
            "receiver" => self.receiver.is_some(),
            "result" => self.result.is_some(),
            "member" => self.member.is_some(),
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
/// object literal holds (through at most [`ALIAS_HOPS`] names: `a = b` chains end, and a
/// name bound to itself does not loop).
fn object_literal<'t>(model: &Model<'t>, node: Node<'t>) -> Option<(Node<'t>, bool)> {
    let mut node = node;
    let mut inline = true;
    let mut hops = 0;
    loop {
        match node.kind() {
            "object" | "dictionary" => return Some((node, inline)),
            "parenthesized_expression" | "as_expression" | "satisfies_expression" => {
                node = node.named_child(0)?;
            }
            "identifier" if hops < ALIAS_HOPS => {
                hops += 1;
                let ids = model.lookup(model.text(node), node.start_byte());
                let [id] = ids.as_slice() else {
                    return None;
                };
                match &model.facts.bindings[*id].value {
                    BindingValue::Expr(value) => {
                        node = *value;
                        inline = false;
                    }
                    _ => return None,
                }
            }
            _ => return None,
        }
    }
}

/// How many names [`object_literal`] follows to an object literal.
const ALIAS_HOPS: usize = 24;

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
fn scope_expression(model: &Model<'_>, node: Node<'_>, quote: char) -> Option<String> {
    if matches!(node.kind(), "none" | "null" | "undefined") {
        // ADAL reused the original resource; MSAL needs a scope that cannot be guessed.
        return None;
    }
    let text = model.text(node);
    if let Some(end) = literal_end(node) {
        let split = end - node.start_byte();
        let open = text.find(['"', '\'', '`']).map_or(0, |i| i + 1);
        if !is_resource(text[open.min(split)..split].trim_start_matches(['"', '\''])) {
            // `'graph'`, `'batch'`: a keyword of a wrapper library, not a resource.
            return None;
        }
        return Some(format!("{}/.default{}", &text[..split], &text[split..]));
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
    Some(if primary {
        format!("{text} + {quote}/.default{quote}")
    } else {
        format!("({text}) + {quote}/.default{quote}")
    })
}

/// A v1 resource is an absolute URI (`https://vault.azure.net`, `api://my-app`) or an
/// application id (a GUID).
fn is_resource(text: &str) -> bool {
    let is_guid = text.len() == 36
        && text.char_indices().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        });
    is_guid
        || text.split_once(':').is_some_and(|(scheme, rest)| {
            !scheme.is_empty()
                && !rest.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        })
}

/// Where the closing quote of a plain string literal starts.
pub(crate) fn literal_end(node: Node<'_>) -> Option<usize> {
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
pub(crate) fn preferred_quote(source: &str) -> char {
    if source.matches('\'').count() > source.matches('"').count() {
        '\''
    } else {
        '"'
    }
}

fn draft(context: &PlanContext<'_, '_>, found: &Match<'_, '_>, target: FixTarget) -> Option<Draft> {
    let (model, source) = (context.model, context.source);
    let recipe = found.rule.recipe(target)?;
    let mut blockers = Vec::new();
    let mut edits = Vec::new();
    let quote = preferred_quote(model.source);

    let Some((call, arguments)) = &found.call else {
        if recipe.with_origin {
            return carried_draft(context, found, recipe);
        }
        // Reference and query rules: only `replace` applies, with the captures.
        let node = found.node?;
        let empty = BoundArguments::default();
        let captures = found.captures.as_ref().unwrap_or(&empty);
        let member = captures.values.get("object").map(|object| {
            model.source[object.end_byte()..node.end_byte()]
                .trim_start_matches(['?', '!', '.'])
                .to_string()
        });
        let values = FixValues {
            model,
            arguments: captures,
            origin: None,
            next: None,
            receiver: None,
            result: None,
            member,
            quote,
            inner_edits: Vec::new(),
            settled_then: None,
        };
        let replace = recipe.replace.as_ref()?.render(&values).ok()?;
        // A replacement that changes nothing (a `replace:` filter with nothing to replace)
        // is no fix.
        if replace == model.text(node) {
            return None;
        }
        edits.push(Edit::replace(
            node.byte_range(),
            source.with_newlines(&replace),
        ));
        return Some(Draft {
            fallback_from: None,
            edits,
            blockers,
            origin: None,
            requires: Vec::new(),
            imports: Vec::new(),
            notes: Vec::new(),
        });
    };
    if arguments.has_splat {
        return None;
    }

    // The receiver and the call that created it.
    let receiver = call.receiver;
    let mut requires = Vec::new();
    let mut origin_call: Option<CallSite<'_>> = None;
    if recipe.origin.is_some() || recipe.with_origin {
        // The class whose method matched: an object made by anything else (a helper of
        // another module, whose methods were recognised by name) has no origin to rewrite.
        let class = match model.evaluate(call.callee) {
            Value::Symbol(name) => name.rsplit_once('#').map(|(class, _)| class.to_string()),
            _ => None,
        };
        match receiver.map(|r| model.evaluate(r)) {
            Some(Value::Object {
                origin: Some(range),
                of,
            }) if class.is_some_and(|class| class == of) => {
                origin_call = model
                    .facts
                    .calls
                    .iter()
                    .find(|c| c.node.byte_range() == range)
                    .cloned();
            }
            Some(Value::Object { origin: None, .. }) => blockers
                .push("the object this is called on is created in more than one place".to_string()),
            _ => blockers.push(
                "the object this is called on cannot be traced to where it is created (only its method names it)"
                    .to_string(),
            ),
        }
    }
    let origin_arguments = origin_call
        .as_ref()
        .map(|c| bind_origin(model, c, &found.rule.origin_parameters));
    if origin_arguments.as_ref().is_some_and(|a| a.has_splat) {
        return None;
    }
    if recipe.with_origin {
        if let Some(origin_call) = &origin_call {
            requires.push(origin_call.node.byte_range());
        }
    }

    // A two-step API merged into one: the second call, inside this one's callback.
    let next_call = match &recipe.continuation {
        Some(continuation) => {
            let next = continuation_call(model, &continuation.symbol, call, arguments)?;
            let bound = bind_arguments(model.source, &next, &continuation.parameters);
            if bound.has_splat {
                return None;
            }
            // Arguments both calls take must agree (the callbacks differ by design).
            let mut names: Vec<&String> = bound
                .values
                .keys()
                .filter(|name| name.as_str() != "callback")
                .collect();
            names.sort();
            for name in names {
                let same = arguments
                    .values
                    .get(name)
                    .is_none_or(|own| model.text(*own) == model.text(bound.values[name]));
                if !same {
                    blockers.push(format!("the two calls pass different `{name}` values"));
                }
            }
            Some((next, bound))
        }
        None => None,
    };
    // `return ctx.acquire_x(...)`: the result gets a name, so the error check can follow it.
    let assigned = result_name(model, call.node);
    let named_return = recipe
        .after
        .as_ref()
        .filter(|_| recipe.replace.is_some() && assigned.is_none())
        .and_then(|_| named_return(model, call.node, recipe));
    let result = assigned.or_else(|| named_return.as_ref().map(|n| n.name.clone()));
    // A callback that only settles the promise executor the call is in: the new call's
    // promise takes the executor's place.
    let settles = |edits: &[Edit]| {
        let callback = arguments.values.get("callback")?;
        (recipe.continuation.is_none() && recipe.replace.is_some())
            .then(|| promise_wrapper::settle(model, call.node, *callback, edits))?
    };
    let mut notes = Vec::new();
    let resolved = settles(&[]).map(|settled| {
        if settled.rejected_response {
            notes.push("The promise rejected with ADAL's error response (`error`, `error_description`) when the service sent one; it now rejects with MSAL's error (`errorCode`, `errorMessage`): check what reads the rejection.".to_string());
        }
        SettledUses {
            resolved: settled.resolved_result,
            rejected: settled.rejected,
        }
    });
    if let Some(handler) = caught_by(model, call.node, recipe) {
        let origin = origin_call.as_ref().map(|c| c.node.byte_range());
        match handler_rewrite(model, &handler, recipe, call.node, origin, result.is_some()) {
            Ok((edit, guarded)) => {
                edits.push(edit);
                requires.extend(guarded);
            }
            Err(reason) => blockers.push(reason),
        }
    }
    let mut values = FixValues {
        model,
        arguments,
        origin: origin_arguments.as_ref(),
        next: None,
        receiver: receiver.map(|r| model.text(r).to_string()),
        result: result.clone(),
        member: None,
        quote,
        inner_edits: Vec::new(),
        settled_then: None,
    };

    // Attribute reads on the object this call makes that their own fixes rewrite with it.
    let carried = if recipe.replace.is_some() {
        carried_uses(context, call.node)
    } else {
        CarriedUses::default()
    };
    requires.extend(carried.reads.iter().cloned());

    // Arguments the templates do not carry over would be lost.
    // (The arguments of an origin rewritten by its own rule are that rule's business.)
    let own_origin = origin_arguments.as_ref().filter(|_| !recipe.with_origin);
    unused_arguments(
        recipe,
        arguments,
        own_origin,
        &carried.arguments,
        &mut blockers,
    );
    for (name, reason) in &recipe.require {
        if !values.is_present(name) {
            blockers.push(reason.clone());
        }
    }
    for (name, patterns) in &recipe.reject {
        let value = values
            .find(name)
            .and_then(|found| model.string_value(found.node));
        if let Some(value) = value.filter(|v| patterns.iter().any(|p| p.matches(v))) {
            blockers.push(format!(
                "`{name}` is `{value}`, which the new API does not accept here"
            ));
        }
    }
    blockers.extend(conflicting_uses(
        model,
        recipe,
        call.node,
        &carried.reads,
        context.accepting,
    ));
    blockers.extend(parameter_readers::blockers(model, recipe, call.node));
    if let Some(reason) = &recipe.returned {
        if returned::object_is_returned(model, call.node) {
            blockers.push(reason.clone());
        }
    }
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
            let relocation = if movable {
                None
            } else {
                relocation(model, origin_call.node, call.node, receiver).or_else(|| {
                    relocation_after_fields(model, recipe, arguments, call.node, origin_call.node)
                })
            };
            origin = Some(OriginProposal {
                range: origin_range,
                text,
                receivers: std::iter::once(receiver.byte_range())
                    .chain(
                        next_call
                            .iter()
                            .filter_map(|(n, _)| n.receiver)
                            .map(|r| r.byte_range()),
                    )
                    .collect(),
                movable: movable || relocation.is_some(),
                relocation,
            });
        }
    }

    // The keys read on the call's result, and on its continuation's.
    let mut results = Vec::new();
    if !recipe.keys.is_empty() || recipe.methods.is_some() {
        let own = ResultRecipe {
            keys: &recipe.keys,
            methods: recipe.methods.as_ref(),
            nullability: Nullability::of(recipe),
        };
        results.push((
            call.node,
            arguments.values.get("callback").copied(),
            own,
            resolved.clone(),
        ));
    }
    if let (Some(continuation), Some((next, bound))) = (&recipe.continuation, &next_call) {
        let keys = ResultRecipe {
            keys: &continuation.keys,
            methods: None,
            nullability: Nullability::of(recipe),
        };
        results.push((next.node, bound.values.get("callback").copied(), keys, None));
    }
    for (node, callback, keys, resolved) in results {
        let mut result = ResultEdits {
            named_return: named_return.is_some() && node == call.node,
            callback,
            resolved,
            notes: &mut notes,
            edits: &mut edits,
            blockers: &mut blockers,
            requires: &mut requires,
        };
        result_edits(context, keys, node, quote, &mut result);
    }
    // The rendered call, when it moves above its statement (`Naming::Hoisted`).
    let mut hoisted: Option<String> = None;
    if let Some(template) = &recipe.replace {
        // Renames inside the call (its callback's body) are carried by the replacement.
        let range = call.node.byte_range();
        let (inner, outer): (Vec<Edit>, Vec<Edit>) = std::mem::take(&mut edits)
            .into_iter()
            .partition(|e| range.start <= e.range.start && e.range.end <= range.end);
        edits = outer;
        values.inner_edits = inner;
        if let (Some((next, bound)), Some(callback)) =
            (&next_call, arguments.values.get("callback"))
        {
            let next_callback = bound.values.get("callback").copied();
            let (prelude, blocker) = callback::prelude(
                model,
                *callback,
                next.node,
                next_callback,
                &values.inner_edits,
            )
            .ok()?;
            blockers.extend(blocker);
            values.next = Some(NextValues {
                arguments: bound,
                prelude,
                indents: (
                    source.indentation_at(next.node.start_byte()).to_string(),
                    source.indentation_at(call.node.start_byte()).to_string(),
                ),
            });
        }
        let settled = settles(&values.inner_edits);
        let range = settled.as_ref().map_or(range, |s| s.range.clone());
        values.settled_then = settled.as_ref().map(|s| s.then.clone());
        let indent = source.indentation_at(range.start);
        let mut text = template.render_indented(&values, indent).ok()?;
        if let Some(resolve) = settled.as_ref().and_then(|s| s.resolve.as_ref()) {
            text = format!("{resolve}({text})");
        }
        if needs_async(&text) && !model.allows_await(call.node) {
            blockers.push(AWAIT_BLOCKER.to_string());
        }
        match &named_return {
            // The call moves above its statement (with the check, below), its name stays.
            Some(NamedReturn {
                name,
                how: Naming::Hoisted { .. },
            }) => {
                edits.push(Edit::replace(range, name.clone()));
                hoisted = Some(text);
            }
            _ => edits.push(Edit::replace(range, source.with_newlines(&text))),
        }
    }
    if let (Some(template), Some(_)) = (&recipe.after, &result) {
        let statement = model.statement_of(call.node);
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
        match (&named_return, hoisted.take()) {
            (
                Some(NamedReturn {
                    name,
                    how: Naming::Returned { keyword },
                }),
                _,
            ) => {
                edits.push(Edit::replace(keyword.clone(), format!("{name} = ")));
                text.push_str(&format!("\n{indent}return {name}"));
                edits.push(Edit::insert(at, source.with_newlines(&text)));
            }
            (
                Some(NamedReturn {
                    name,
                    how: Naming::Hoisted { statement },
                }),
                Some(call_text),
            ) => {
                let text = format!("{name} = {call_text}{text}\n{indent}");
                edits.push(Edit::insert(*statement, source.with_newlines(&text)));
            }
            _ => edits.push(Edit::insert(at, source.with_newlines(&text))),
        }
    }
    let anchor = origin_call.as_ref().map_or(call.callee, |c| c.callee);
    let mut added = Vec::new();
    for import in &recipe.add_imports {
        match imports::add(model, source, anchor, import) {
            Ok(Some(edit)) => added.push(edit),
            Ok(None) => {}
            Err(reason) => blockers.push(reason),
        }
    }
    blockers.dedup();
    Some(Draft {
        fallback_from: None,
        edits,
        blockers,
        origin,
        requires,
        imports: added,
        notes,
    })
}

/// The one call of `symbol` inside the callback of `call`, on the same object, that is
/// handed `call`'s result: the second step of a two-step API.
fn continuation_call<'t>(
    model: &Model<'t>,
    symbol: &str,
    call: &CallSite<'t>,
    arguments: &BoundArguments<'t>,
) -> Option<CallSite<'t>> {
    let callback = arguments.values.get("callback")?.byte_range();
    let object = |node: Option<Node<'t>>| match node.map(|n| model.evaluate(n)) {
        Some(Value::Object {
            origin: Some(origin),
            ..
        }) => Some(origin),
        _ => None,
    };
    let receiver = object(call.receiver)?;
    let made = call.node.byte_range();
    let mut found = model.facts.calls.iter().filter(|site| {
        callback.start <= site.node.start_byte()
            && site.node.end_byte() <= callback.end
            && matches!(model.evaluate(site.callee), Value::Symbol(name) if name == symbol)
    });
    let next = found.next()?;
    let handed_over = next
        .arguments
        .iter()
        .any(|a| object(Some(a.value)).is_some_and(|o| o == made));
    (found.next().is_none() && object(next.receiver) == Some(receiver) && handed_over)
        .then(|| next.clone())
}

/// The reasons of the recipe's `conflicts` that uses of the object made by `call` run into:
/// one of its methods or attributes named by a pattern, or a call named by a pattern that
/// the object is passed to. An attribute read in `carried` is rewritten with the call and
/// conflicts with nothing, nor does a call in `accepting`, whose own fix takes the new object.
fn conflicting_uses(
    model: &Model<'_>,
    recipe: &FixRecipe,
    call: Node<'_>,
    carried: &[Range<usize>],
    accepting: &HashSet<Range<usize>>,
) -> Vec<String> {
    if recipe.conflicts.is_empty() {
        return Vec::new();
    }
    let made = call.byte_range();
    let is_made = |node: Node<'_>| matches!(model.evaluate(node), Value::Object { origin: Some(o), .. } if o == made);
    let symbol = |node: Node<'_>| match model.evaluate(node) {
        Value::Symbol(name) => Some(name),
        _ => None,
    };
    let mut reasons: Vec<String> = Vec::new();
    let mut conflict = |name: &str| {
        for (pattern, reason) in &recipe.conflicts {
            if pattern.matches(name) && !reasons.contains(reason) {
                reasons.push(reason.clone());
            }
        }
    };
    for site in &model.facts.calls {
        if site.node == call || accepting.contains(&site.node.byte_range()) {
            continue;
        }
        let Some(name) = symbol(site.callee) else {
            continue;
        };
        let on_object = site.receiver.is_some_and(is_made);
        let given_object = site.arguments.iter().any(|a| is_made(a.value));
        if on_object || given_object {
            conflict(&name);
        }
    }
    for reference in &model.facts.references {
        if carried.contains(&reference.node.byte_range()) {
            continue;
        }
        let object = reference
            .node
            .child_by_field_name("object")
            .filter(|_| matches!(reference.node.kind(), "attribute" | "member_expression"));
        if let (Some(object), Some(name)) = (object, symbol(reference.node)) {
            if is_made(object) {
                conflict(&name);
            }
        }
    }
    reasons.sort();
    reasons
}

/// The arguments of the call that made a receiver, bound by that API's own signature when a
/// pack declares it (an object may be made by several APIs: `login(...)` or
/// `new Credentials(...)`), else by the rule's class signature.
fn bind_origin<'t>(
    model: &Model<'t>,
    origin: &CallSite<'t>,
    class_parameters: &[String],
) -> BoundArguments<'t> {
    let parameters = model.signature_of(origin).unwrap_or(class_parameters);
    bind_arguments(model.source, origin, parameters)
}

const AWAIT_BLOCKER: &str = "the rewrite awaits, and `await` is not allowed here (not in an async function or an ES module); make the code that creates the application asynchronous first";

/// True when a rendered template awaits.
fn needs_async(text: &str) -> bool {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
        .any(|word| word == "await")
}

/// After a statement: past a trailing comment on its last line, else right at its end.
pub(crate) fn end_of_line_after(model: &Model<'_>, position: usize) -> usize {
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

/// Every argument passed at the call or the origin must appear in some template, be
/// dropped on purpose, or be `carried` over by the fixes of every use of the object.
fn unused_arguments(
    recipe: &FixRecipe,
    arguments: &BoundArguments<'_>,
    origin: Option<&BoundArguments<'_>>,
    carried: &[String],
    blockers: &mut Vec<String>,
) {
    let mut used: HashSet<&str> = carried.iter().map(String::as_str).collect();
    for name in template_names(recipe) {
        // `config.clientId` uses `config` (its other keys are checked by `unused_keys`), and
        // the argument a signature binds to the dotted name itself.
        used.insert(name);
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

/// A Python call whose result has no name of its own, given one so the recipe's check can
/// follow it: `return ctx.acquire_x(...)` becomes `token = app.acquire_y(...)`, the check,
/// then `return token`; `return ctx.acquire_x(...)["accessToken"]` (or an assignment whose
/// value starts with the call) gets `token = app.acquire_y(...)` and the check before it,
/// and reads `token` where the call was.
struct NamedReturn {
    /// The name the result gets: `token` (`flow` for a device flow), or a variant of it the
    /// function does not use yet.
    name: String,
    how: Naming,
}

enum Naming {
    /// `return ` before the call, replaced by `name = `.
    Returned { keyword: Range<usize> },
    /// The call moves to a statement of its own, inserted at this offset (the start of the
    /// statement that held it).
    Hoisted { statement: usize },
}

fn named_return(model: &Model<'_>, call: Node<'_>, recipe: &FixRecipe) -> Option<NamedReturn> {
    if call.kind() != "call" {
        return None;
    }
    // The statement that holds the call, and whether the call is evaluated first in it.
    let mut node = call;
    let statement = loop {
        let parent = node.parent()?;
        match parent.kind() {
            "return_statement" | "expression_statement" => break parent,
            // The call stays the first thing evaluated.
            "subscript" | "attribute" | "binary_operator" | "parenthesized_expression"
                if parent.start_byte() == call.start_byte() => {}
            "call" if parent.child_by_field_name("function") == Some(node) => {}
            "assignment"
                if parent.child_by_field_name("right") == Some(node)
                    && parent.child_by_field_name("left").is_some_and(|l| {
                        matches!(l.kind(), "identifier" | "attribute")
                            && l.named_child(0)
                                .is_none_or(|o| matches!(o.kind(), "identifier"))
                    }) => {}
            _ => return None,
        }
        node = parent;
    };
    let how = if statement.kind() == "return_statement" && node == call {
        Naming::Returned {
            keyword: statement.start_byte()..call.start_byte(),
        }
    } else if statement.named_child(0) == Some(node)
        && (statement.kind() == "return_statement" || node.kind() == "assignment")
    {
        Naming::Hoisted {
            statement: statement.start_byte(),
        }
    } else {
        return None;
    };
    // The statement must be a line of its own (not `if x: return ...`).
    let line_start = model.source[..statement.start_byte()]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    if !model.source[line_start..statement.start_byte()]
        .trim()
        .is_empty()
    {
        return None;
    }
    let mut function = statement.parent()?;
    while function.kind() != "function_definition" {
        function = function.parent()?;
    }
    let stem = if recipe.keys.contains_key("user_code") {
        "flow"
    } else {
        "token"
    };
    let used = |name: &str| {
        let mut stack = vec![function];
        while let Some(node) = stack.pop() {
            if node.kind() == "identifier" && model.text(node) == name {
                return true;
            }
            let mut cursor = node.walk();
            stack.extend(node.named_children(&mut cursor));
        }
        false
    };
    let name = [
        stem.to_string(),
        format!("{stem}_result"),
        "result".to_string(),
    ]
    .into_iter()
    .find(|name| !used(name))?;
    Some(NamedReturn { name, how })
}

/// The plain name (or Python field, `self.token`) a call's result is assigned to, if any.
fn result_name(model: &Model<'_>, call: Node<'_>) -> Option<String> {
    let mut node = call;
    while let Some(parent) = node.parent() {
        match parent.kind() {
            "parenthesized_expression" | "await" | "await_expression" => node = parent,
            "assignment" | "assignment_expression"
                if parent.child_by_field_name("right") == Some(node) =>
            {
                let left = parent.child_by_field_name("left")?;
                // A name, or a Python field (`self.token`).
                let field = left.kind() == "attribute"
                    && left
                        .child_by_field_name("object")
                        .is_some_and(|o| o.kind() == "identifier");
                return (left.kind() == "identifier" || field)
                    .then(|| model.text(left).to_string());
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

/// How a fix treats a call's result: the recipe's `keys` and `methods`, or its
/// `continuation-keys` for the continuation's result.
#[derive(Clone, Copy)]
struct ResultRecipe<'a> {
    keys: &'a HashMap<String, String>,
    methods: Option<&'a Vec<String>>,
    nullability: Nullability,
}

/// Whether the new call's result is typed as possibly `null`: msal-node's `acquireTokenBy*`
/// resolve with `AuthenticationResult | null`, Identity's `getToken` with `AccessToken |
/// null`. In TypeScript a key read on it then needs `!` (ADAL gave a result whenever it
/// reported no error), or a strict compile rejects it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Nullability {
    NonNull,
    MaybeNull,
}

impl Nullability {
    fn of(recipe: &FixRecipe) -> Self {
        if recipe
            .add_imports
            .iter()
            .any(|i| matches!(i.module(), "@azure/msal-node" | "@azure/identity"))
        {
            Nullability::MaybeNull
        } else {
            Nullability::NonNull
        }
    }
}

/// What following a call's result adds to its draft.
struct ResultEdits<'a, 't> {
    /// The call is returned as it is made and the fix names its result first
    /// (`NamedReturn`), so the error check can follow it.
    named_return: bool,
    /// The argument bound to the parameter `callback`, if any.
    callback: Option<Node<'t>>,
    /// Where the result is handed to a promise executor whose place the new call's promise
    /// takes (`promise_wrapper`).
    resolved: Option<SettledUses>,
    notes: &'a mut Vec<String>,
    edits: &'a mut Vec<Edit>,
    blockers: &'a mut Vec<String>,
    requires: &'a mut Vec<Range<usize>>,
}

/// The call whose method `receiver` is the object of, when that method is one of `methods`
/// and the call's own fix rewrites it.
fn kept_method_call(
    model: &Model<'_>,
    receiver: Node<'_>,
    methods: Option<&Vec<String>>,
    rewritten: &HashSet<Range<usize>>,
) -> Option<Range<usize>> {
    let methods = methods?;
    let member = receiver.parent()?;
    let property = member.child_by_field_name("property")?;
    let call = member.parent()?;
    let kept = member.kind() == "member_expression"
        && member.child_by_field_name("object") == Some(receiver)
        && call.child_by_field_name("function") == Some(member)
        && methods.iter().any(|m| m == model.text(property))
        && rewritten.contains(&call.byte_range());
    kept.then(|| call.byte_range())
}

/// Uses of a result in a callback that only settles a promise executor.
#[derive(Clone)]
struct SettledUses {
    /// The argument of `resolve` when it is the result itself.
    resolved: Option<Range<usize>>,
    /// The argument of `reject`, which the new promise's own rejection replaces.
    rejected: Range<usize>,
}

/// Renames the keys read on the call's result; a read of a key with no counterpart, or a
/// result that leaves what this file can see, blocks the fix. Calls of the recipe's
/// `methods` on the result become requirements.
fn result_edits(
    context: &PlanContext<'_, '_>,
    recipe: ResultRecipe<'_>,
    call: Node<'_>,
    quote: char,
    out: &mut ResultEdits<'_, '_>,
) {
    let edits = &mut *out.edits;
    let blockers = &mut *out.blockers;
    let model = context.model;
    let origin = call.byte_range();
    let is_result = |node: Node<'_>| matches!(model.evaluate(node), Value::Object { origin: Some(o), .. } if o == origin);
    let read_objects: HashSet<Range<usize>> = model
        .facts
        .key_reads
        .iter()
        .filter(|read| is_result(read.object))
        .map(|read| read.object.byte_range())
        .collect();
    // A result handed to a `callback` that is not a function here leaves what this file
    // shows.
    let renames = recipe.keys.iter().any(|(key, renamed)| key != renamed);
    let mut escapes = (recipe.methods.is_some() || renames)
        && model.callback_result_of(call).is_some()
        && out.callback.is_some_and(|callback| {
            !matches!(
                callback.kind(),
                "function_expression" | "function" | "arrow_function"
            )
        });
    // Objects at the callers of a helper that returns the result (`returned`).
    let mut followed: HashSet<Range<usize>> = HashSet::new();
    // Where the result goes where it cannot be followed (for the reason).
    let mut destinations: Vec<String> = Vec::new();
    for site in &model.facts.uses {
        let relevant = site.node == call || (site.node.kind() != "call" && is_result(site.node));
        if !relevant {
            continue;
        }
        escapes |= match site.kind {
            UseKind::Escape if is_argument_of(site.node, context.rewritten) => false,
            // The call's own value, when its result comes through a callback function
            // (adal-node's `return ctx.acquireX(..., cb)`: nothing of the token leaves).
            UseKind::Escape
                if site.node == call
                    && model.callback_result_of(call).is_some()
                    && out.callback.is_some_and(|callback| {
                        matches!(
                            callback.kind(),
                            "function_expression" | "function" | "arrow_function"
                        )
                    }) =>
            {
                out.notes.push(
                    "The call now returns MSAL's promise, where ADAL's returned nothing."
                        .to_string(),
                );
                false
            }
            // Resolved out of a promise wrapper that the new call's promise replaces: the
            // result leaves as it is made, which only matters where keys change.
            UseKind::Escape
                if out.resolved.as_ref().is_some_and(|settled| {
                    settled.rejected.start <= site.node.start_byte()
                        && site.node.end_byte() <= settled.rejected.end
                }) =>
            {
                false
            }
            UseKind::Escape
                if out
                    .resolved
                    .as_ref()
                    .and_then(|settled| settled.resolved.as_ref())
                    == Some(&site.node.byte_range())
                    && !renames
                    && recipe.methods.is_none() =>
            {
                out.notes.push(RESOLVED_NOTE.to_string());
                false
            }
            // Handed whole to the executor's `resolve` or `reject` by a callback called in
            // order (`callback::then_clause`): it leaves through that promise as it is made.
            UseKind::Escape
                if !renames
                    && recipe.methods.is_none()
                    && out
                        .callback
                        .is_some_and(|cb| callback::settles_executor(model, site.node, cb)) =>
            {
                if !out.notes.iter().any(|n| n == RESOLVED_NOTE) {
                    out.notes.push(RESOLVED_NOTE.to_string());
                }
                false
            }
            // Printed whole: only the output shows the new object's fields.
            UseKind::Escape if callback::printed(model, site.node) => {
                if !out.notes.iter().any(|n| n == PRINTED_NOTE) {
                    out.notes.push(PRINTED_NOTE.to_string());
                }
                false
            }
            UseKind::Escape => match returned::caller_objects(model, site.node, &origin) {
                // Returned unassigned: no statement after it can check for an error result.
                Ok(_) if site.node == call && !out.named_return => {
                    blockers.push(
                        "the result is returned as it is made, so the rewrite cannot check it for an error; assign it to a name and return that"
                            .to_string(),
                    );
                    false
                }
                Ok(found) => {
                    followed.extend(found.objects.iter().map(|o| o.byte_range()));
                    if let Some(note) = found.note.filter(|n| !out.notes.contains(n)) {
                        out.notes.push(note);
                    }
                    false
                }
                Err(destination) => {
                    if !destinations.contains(&destination) {
                        destinations.push(destination);
                    }
                    true
                }
            },
            UseKind::Receiver => {
                match kept_method_call(model, site.node, recipe.methods, context.rewritten) {
                    Some(kept) => {
                        out.requires.push(kept);
                        false
                    }
                    None => !read_objects.contains(&site.node.byte_range()),
                }
            }
            UseKind::KeyRead | UseKind::Alias | UseKind::Test => false,
        };
    }
    if escapes {
        blockers.push(if destinations.is_empty() {
            "the result is used where its keys cannot be followed (returned, passed or stored)"
                .to_string()
        } else {
            format!(
                "the result is used where its keys cannot be followed: {}",
                destinations.join(", ")
            )
        });
    }
    let targets: HashSet<&str> = recipe.keys.values().map(String::as_str).collect();
    let mut unknown: Vec<String> = Vec::new();
    for read in &model.facts.key_reads {
        if !is_result(read.object) && !followed.contains(&read.object.byte_range()) {
            continue;
        }
        let Some(name) = model.key_name(&read.key) else {
            let key = format!(
                "`{}`",
                model.text(match &read.key {
                    Key::Expression(node) => *node,
                    Key::Literal(..) => read.object,
                })
            );
            unknown.push(key);
            continue;
        };
        if recipe.nullability == Nullability::MaybeNull
            && matches!(model.language, Language::TypeScript | Language::Tsx)
            && read.node.kind() == "member_expression"
            && read.object.kind() == "identifier"
            && !model.text(read.node)[model.text(read.object).len()..]
                .trim_start()
                .starts_with("?.")
            && recipe.keys.contains_key(&name)
        {
            edits.push(Edit::insert(read.object.end_byte(), "!".to_string()));
        }
        match recipe.keys.get(&name) {
            Some(renamed) if *renamed == name && matches!(read.key, Key::Literal(..)) => {}
            Some(renamed) => edits.push(key_rename(read, renamed, quote)),
            None if targets.contains(name.as_str()) => {}
            None => {
                let key = format!("`{name}`");
                if !unknown.contains(&key) {
                    unknown.push(key);
                }
            }
        }
    }
    blockers.extend(unknown_keys(&unknown));
}

/// Said of a token response a promise wrapper resolved with: its readers are elsewhere.
const RESOLVED_NOTE: &str = "The promise resolves with MSAL's `AuthenticationResult` instead of ADAL's token response: `accessToken`, `tokenType`, `expiresOn` and `tenantId` keep their names; code that reads `refreshToken`, `expiresIn` or `userId` of it must change.";

const PRINTED_NOTE: &str =
    "The result is printed whole: the output shows the new library's object and its fields.";

/// The blocker for keys read on a result that the new result does not have.
fn unknown_keys(unknown: &[String]) -> Option<String> {
    (!unknown.is_empty()).then(|| {
        format!(
            "the result's {} has no counterpart in the new result",
            unknown.join(", ")
        )
    })
}

/// The edit that renames a key read: the key itself, or, for a renamed key that starts with
/// `.` (`.token`: the new result is an object read by attribute), everything after the
/// object, which another edit of the same fix may rewrite.
fn key_rename(read: &KeyRead<'_>, renamed: &str, quote: char) -> Edit {
    if renamed.starts_with('.') {
        return Edit::replace(read.object.end_byte()..read.node.end_byte(), renamed);
    }
    match &read.key {
        Key::Literal(_, range) => Edit::replace(range.clone(), renamed),
        Key::Expression(node) => {
            Edit::replace(node.byte_range(), format!("{quote}{renamed}{quote}"))
        }
    }
}

/// The attribute read a finding's fix rewrites together with its object's origin, when its
/// rule is a reference rule with `with-origin`.
fn carried_read<'t>(found: &Match<'_, 't>, target: FixTarget) -> Option<Carried<'t>> {
    let recipe = found.rule.recipe(target)?;
    if found.call.is_some() || !recipe.with_origin || recipe.replace.is_none() {
        return None;
    }
    let node = found.node?;
    let object = node
        .child_by_field_name("object")
        .filter(|_| matches!(node.kind(), "attribute" | "member_expression"))?;
    let mut arguments: Vec<String> = template_names(recipe)
        .into_iter()
        .filter_map(|name| name.strip_prefix("origin."))
        .map(|path| TemplatePath::parse(path).root.to_string())
        .collect();
    arguments.sort();
    arguments.dedup();
    Some(Carried {
        range: node.byte_range(),
        object,
        arguments,
    })
}

/// What the carried attribute reads on the object a call makes take over from its fix.
#[derive(Default)]
struct CarriedUses {
    /// The reads, which the call's fix requires.
    reads: Vec<Range<usize>>,
    /// The call's arguments they carry over: only when every use of the object is one of
    /// them (an argument a use that is not carried still needs would be lost).
    arguments: Vec<String>,
}

fn carried_uses(context: &PlanContext<'_, '_>, call: Node<'_>) -> CarriedUses {
    let model = context.model;
    let made = call.byte_range();
    let is_made = |node: Node<'_>| matches!(model.evaluate(node), Value::Object { origin: Some(o), .. } if o == made);
    let carried: Vec<&Carried<'_>> = context
        .carried
        .iter()
        .filter(|c| is_made(c.object))
        .collect();
    if carried.is_empty() {
        return CarriedUses::default();
    }
    let only_carried = model.facts.uses.iter().all(|site| {
        site.node == call
            || !matches!(
                site.kind,
                UseKind::Receiver | UseKind::KeyRead | UseKind::Escape
            )
            || !is_made(site.node)
            || carried.iter().any(|c| c.object == site.node)
    });
    let mut arguments: Vec<String> = if only_carried {
        carried
            .iter()
            .flat_map(|c| c.arguments.iter().cloned())
            .collect()
    } else {
        Vec::new()
    };
    arguments.sort();
    arguments.dedup();
    CarriedUses {
        reads: carried.iter().map(|c| c.range.clone()).collect(),
        arguments,
    }
}

/// The fix of an attribute read on an object whose creating call its own rule rewrites
/// (`with-origin` on a reference rule): `{{receiver}}` is the object and `{{origin.name}}`
/// the creating call's arguments; `replace` rewrites the attribute, `keys` the keys read on
/// it (any other use of it blocks the fix); it applies only together with the origin's fix.
fn carried_draft(
    context: &PlanContext<'_, '_>,
    found: &Match<'_, '_>,
    recipe: &FixRecipe,
) -> Option<Draft> {
    let (model, source) = (context.model, context.source);
    let node = found.node?;
    let carried = context
        .carried
        .iter()
        .find(|c| c.range == node.byte_range())?;
    let mut blockers = Vec::new();
    let mut requires = Vec::new();
    let origin_call = match model.evaluate(carried.object) {
        Value::Object {
            origin: Some(range),
            ..
        } => model
            .facts
            .calls
            .iter()
            .find(|c| c.node.byte_range() == range),
        _ => None,
    };
    if origin_call.is_none() {
        blockers.push("the object this is read on is created in more than one place".to_string());
    }
    let origin_arguments =
        origin_call.map(|c| bind_origin(model, c, &found.rule.origin_parameters));
    if origin_arguments.as_ref().is_some_and(|a| a.has_splat) {
        return None;
    }
    requires.extend(origin_call.map(|c| c.node.byte_range()));
    let quote = preferred_quote(model.source);
    let empty = BoundArguments::default();
    let values = FixValues {
        model,
        arguments: &empty,
        origin: origin_arguments.as_ref(),
        next: None,
        receiver: Some(model.text(carried.object).to_string()),
        result: None,
        member: None,
        quote,
        inner_edits: Vec::new(),
        settled_then: None,
    };
    let mut edits = Vec::new();
    if !recipe.keys.is_empty() {
        let reads: Vec<&KeyRead<'_>> = model
            .facts
            .key_reads
            .iter()
            .filter(|read| read.object == node)
            .collect();
        // `x.token.get("k")` uses the attribute as a receiver, `x.token["k"]` as a key read;
        // anything else (assigned, passed, returned) cannot be followed.
        let followed = model
            .facts
            .uses
            .iter()
            .filter(|site| site.node == node)
            .all(|site| {
                site.kind == UseKind::KeyRead
                    || (site.kind == UseKind::Receiver
                        && reads.iter().any(|read| read.node.kind() == "call"))
            });
        if !followed {
            blockers.push(
                "the result is used where its keys cannot be followed (returned, passed or stored)"
                    .to_string(),
            );
        }
        let mut unknown: Vec<String> = Vec::new();
        for read in reads {
            let name = model.key_name(&read.key);
            match name.as_ref().and_then(|name| recipe.keys.get(name)) {
                Some(renamed) => edits.push(key_rename(read, renamed, quote)),
                None => {
                    let key = format!(
                        "`{}`",
                        name.unwrap_or_else(|| model.text(read.node).to_string())
                    );
                    if !unknown.contains(&key) {
                        unknown.push(key);
                    }
                }
            }
        }
        blockers.extend(unknown_keys(&unknown));
    }
    let replace = recipe.replace.as_ref()?.render(&values).ok()?;
    edits.push(Edit::replace(
        node.byte_range(),
        source.with_newlines(&replace),
    ));
    let anchor = origin_call.map_or(node, |c| c.callee);
    let mut added = Vec::new();
    for import in &recipe.add_imports {
        match imports::add(model, source, anchor, import) {
            Ok(Some(edit)) => added.push(edit),
            Ok(None) => {}
            Err(reason) => blockers.push(reason),
        }
    }
    Some(Draft {
        fallback_from: None,
        edits,
        blockers,
        origin: None,
        requires,
        imports: added,
        notes: Vec::new(),
    })
}

/// An `except` clause of an enclosing `try` that catches one of a recipe's exceptions.
struct Handler<'t> {
    /// The exception named (`adal.AdalError`, `AdalError`), alone or in a tuple.
    exception: Node<'t>,
    /// The name the exception is bound to (`e` of `as e`).
    alias: Option<Node<'t>>,
    /// The clause's body.
    body: Option<Node<'t>>,
    /// The `try` block the call is in.
    guarded: Node<'t>,
}

/// The handler of an enclosing `try` that catches one of the recipe's exceptions.
fn caught_by<'t>(model: &Model<'t>, call: Node<'t>, recipe: &FixRecipe) -> Option<Handler<'t>> {
    if recipe.caught_by.is_empty() {
        return None;
    }
    let mut node = call;
    while let Some(parent) = node.parent() {
        let in_body =
            parent.kind() == "try_statement" && parent.child_by_field_name("body") == Some(node);
        if in_body {
            let mut cursor = parent.walk();
            for clause in parent
                .named_children(&mut cursor)
                .filter(|c| c.kind() == "except_clause")
            {
                let Some(mut value) = clause.child_by_field_name("value") else {
                    continue;
                };
                // `except E as e` (tree-sitter-python gives the clause's value as the pattern).
                let mut alias = clause.child_by_field_name("alias");
                if value.kind() == "as_pattern" {
                    alias = value
                        .child_by_field_name("alias")
                        .and_then(|a| a.named_child(0).or(Some(a)));
                    let Some(inner) = value.named_child(0) else {
                        continue;
                    };
                    value = inner;
                }
                let mut caught = vec![value];
                if matches!(value.kind(), "tuple" | "parenthesized_expression") {
                    let mut inner = value.walk();
                    caught = value.named_children(&mut inner).collect();
                }
                for exception in caught {
                    if let Value::Symbol(name) = model.evaluate(exception) {
                        if recipe.caught_by.iter().any(|p| p.matches(&name)) {
                            return Some(Handler {
                                exception,
                                alias,
                                body: clause
                                    .named_children(&mut clause.walk())
                                    .find(|c| c.kind() == "block"),
                                guarded: node,
                            });
                        }
                    }
                }
            }
        }
        node = parent;
    }
    None
}

/// The handler of the old API's exception, rewritten to catch what the rewrite raises
/// (`except adal.AdalError as e` becomes `except RuntimeError as e`), and the other calls of
/// the old library in the `try` block, whose fixes must apply with it (the handler no longer
/// catches what they raise). `Err` is why the handler cannot follow the call.
fn handler_rewrite(
    model: &Model<'_>,
    handler: &Handler<'_>,
    recipe: &FixRecipe,
    call: Node<'_>,
    origin: Option<Range<usize>>,
    assigned: bool,
) -> Result<(Edit, Vec<Range<usize>>), String> {
    let caught = model.text(handler.exception);
    let Some(raised) = recipe.raises.as_ref().filter(|_| assigned) else {
        return Err(format!(
            "the `except {caught}` around this call would no longer run; handle the error result instead"
        ));
    };
    // What the handler reads of the exception besides its message.
    if let (Some(alias), Some(body)) = (handler.alias, handler.body) {
        let name = model.text(alias);
        let mut stack = vec![body];
        while let Some(node) = stack.pop() {
            let object = node.child_by_field_name("object");
            if node.kind() == "attribute" && object.is_some_and(|o| model.text(o) == name) {
                return Err(format!(
                    "the `except {caught}` handler reads `{}`, which the `{raised}` the rewrite raises does not have",
                    model.text(node)
                ));
            }
            let mut cursor = node.walk();
            stack.extend(node.named_children(&mut cursor));
        }
    }
    let library = match model.evaluate(handler.exception) {
        Value::Symbol(name) => name.split('.').next().unwrap_or_default().to_string(),
        _ => String::new(),
    };
    let block = handler.guarded.byte_range();
    let guarded: Vec<Range<usize>> = model
        .facts
        .calls
        .iter()
        .filter(|site| {
            let range = site.node.byte_range();
            block.start <= range.start
                && range.end <= block.end
                && site.node != call
                && Some(&range) != origin.as_ref()
                && matches!(model.evaluate(site.callee), Value::Symbol(name)
                    if name.starts_with(&format!("{library}.")))
        })
        .map(|site| site.node.byte_range())
        .collect();
    Ok((
        Edit::replace(handler.exception.byte_range(), raised.clone()),
        guarded,
    ))
}

/// True when `node` is an argument of one of the `calls`.
fn is_argument_of(node: Node<'_>, calls: &HashSet<Range<usize>>) -> bool {
    let mut parent = node.parent();
    if parent.is_some_and(|p| p.kind() == "keyword_argument") {
        parent = parent.and_then(|p| p.parent());
    }
    parent
        .filter(|p| matches!(p.kind(), "argument_list" | "arguments"))
        .and_then(|list| list.parent())
        .is_some_and(|call| calls.contains(&call.byte_range()))
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
    let assignments = model.attribute_assignments(a, attribute_name);
    !assignments.is_empty()
        && assignments.iter().all(|assignment| {
            assignment.scope == origin_function && assignment.statement.end <= origin.start_byte()
        })
}

/// Whether `name = Origin(...)` can move down to just before the call: both statements sit
/// in the same block, the name is not read in between, and every name the origin's
/// arguments use means the same thing at the call. Returns the statement and the offset of
/// the call statement's line.
fn relocation(
    model: &Model<'_>,
    origin: Node<'_>,
    call: Node<'_>,
    receiver: Node<'_>,
) -> Option<(Range<usize>, usize)> {
    if receiver.kind() != "identifier" {
        return None;
    }
    let origin_statement = model.statement_at(origin.start_byte());
    let call_statement = model.statement_of(call);
    if origin_statement.end > call_statement.start {
        return None;
    }
    let same_block = |a: &Range<usize>, b: &Range<usize>| {
        let node_a = model_node(model, a)?;
        let node_b = model_node(model, b)?;
        Some(node_a.parent()? == node_b.parent()?)
    };
    if same_block(&origin_statement, &call_statement) != Some(true) {
        return None;
    }
    // The statement is exactly `receiver = origin` (or a declaration of it).
    let name = model.text(receiver);
    let before_origin = &model.source[origin_statement.start..origin.start_byte()];
    let after_origin = model.source[origin.end_byte()..origin_statement.end].trim();
    let binds_name = before_origin
        .trim_end()
        .strip_suffix('=')
        .is_some_and(|lhs| lhs.split_whitespace().last() == Some(name));
    if !binds_name || !(after_origin.is_empty() || after_origin == ";") {
        return None;
    }
    let between = origin_statement.end..call_statement.start;
    let read_between = model
        .facts
        .name_reads
        .iter()
        .any(|read| between.contains(&read.start_byte()) && model.text(*read) == name);
    if read_between {
        return None;
    }
    let mut stack = vec![origin];
    while let Some(node) = stack.pop() {
        if node.kind() == "identifier" && model.facts.name_reads.contains(&node) {
            let here = model.lookup(model.text(node), node.start_byte());
            let there = model.lookup(model.text(node), call_statement.start);
            if here != there {
                return None;
            }
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    let line_start = model.source[..call_statement.start]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    Some((origin_statement, line_start))
}

/// Where `self.context = Origin(...)` can move down to in the function that creates it,
/// when the only arguments its rewrite needs that are not defined there yet are fields the
/// same function assigns just below it, in the same block (`self.client_id = client_id`
/// after the context in `__init__`): just after the last of those assignments, when every
/// statement in between assigns a field and does not mention the object. Returns the
/// statement and the offset of the line it moves to.
fn relocation_after_fields(
    model: &Model<'_>,
    recipe: &FixRecipe,
    arguments: &BoundArguments<'_>,
    call: Node<'_>,
    origin: Node<'_>,
) -> Option<(Range<usize>, usize)> {
    let template = recipe.origin.as_ref()?;
    let origin_statement = model.statement_at(origin.start_byte());
    let statement = model_node(model, &origin_statement)?;
    let assignment = statement.named_child(0).filter(|a| {
        statement.kind() == "expression_statement"
            && a.kind() == "assignment"
            && a.child_by_field_name("right") == Some(origin)
    })?;
    let target = model.text(assignment.child_by_field_name("left")?);
    let block = statement.parent()?;
    let origin_function = model.function_of(model.scope_at(origin.start_byte()));
    let reads: HashSet<usize> = model
        .facts
        .name_reads
        .iter()
        .map(Node::start_byte)
        .collect();
    let mut last_end: Option<usize> = None;
    let names = template
        .names()
        .into_iter()
        .filter(|n| !n.starts_with("origin.") && !matches!(*n, "receiver" | "result"));
    for name in names {
        let Some(&argument) = arguments.values.get(name) else {
            continue;
        };
        let mut stack = vec![argument];
        while let Some(node) = stack.pop() {
            let mut cursor = node.walk();
            stack.extend(node.named_children(&mut cursor));
            if node.kind() != "identifier"
                || !reads.contains(&node.start_byte())
                || name_movable(model, node, call, origin)
            {
                continue;
            }
            // Not defined at the origin: it must be `self.field`, assigned only below the
            // origin, in its block.
            let Value::SelfOf(class) = model.evaluate(node) else {
                return None;
            };
            let field = node
                .parent()
                .filter(|p| {
                    p.kind() == "attribute" && p.child_by_field_name("object") == Some(node)
                })
                .and_then(|p| p.child_by_field_name("attribute"))?;
            let assignments = model.attribute_assignments(class, model.text(field));
            if assignments.is_empty() {
                return None;
            }
            for assigned in assignments {
                let in_block = model_node(model, &assigned.statement)
                    .is_some_and(|n| n.parent() == Some(block));
                if assigned.scope != origin_function
                    || assigned.statement.start < origin_statement.end
                    || !in_block
                {
                    return None;
                }
                last_end = Some(
                    last_end.map_or(assigned.statement.end, |e| e.max(assigned.statement.end)),
                );
            }
        }
    }
    let last_end = last_end?;
    // Every statement between the origin and `last_end` assigns a field (or is a comment)
    // and does not mention the object.
    let mut next = statement.next_named_sibling();
    while let Some(between) = next.filter(|n| n.start_byte() < last_end) {
        let assigns_field = between.kind() == "comment"
            || between.kind() == "expression_statement"
                && between.named_child(0).is_some_and(|a| {
                    a.kind() == "assignment"
                        && a.child_by_field_name("left")
                            .is_some_and(|l| l.kind() == "attribute")
                });
        if !assigns_field || model.text(between).contains(target) {
            return None;
        }
        next = between.next_named_sibling();
    }
    let newline = model.source[last_end..].find('\n')?;
    Some((origin_statement, last_end + newline + 1))
}

/// The outermost node that spans exactly `range`, if any.
fn model_node<'t>(model: &Model<'t>, range: &Range<usize>) -> Option<Node<'t>> {
    let mut node = model.node_at(range.start)?;
    while node.byte_range() != *range {
        node = node.parent()?;
        if node.start_byte() < range.start {
            return None;
        }
    }
    while let Some(parent) = node.parent().filter(|p| p.byte_range() == *range) {
        node = parent;
    }
    Some(node)
}

/// The same import added next to different imports of one function (or of the module)
/// would be added twice when both fixes apply in one pass: every fix adds it at the first
/// of those places.
fn agree_on_imports(model: &Model<'_>, drafts: &mut [Option<Draft>]) {
    let key = |edit: &Edit| {
        (
            edit.content.trim().to_string(),
            model.function_of(model.scope_at(edit.range.start)),
        )
    };
    // The earliest insertion wins, among the drafts that can apply first: a withheld fix
    // (whose receiver has no import, say) must not move the import of the ones that apply.
    let mut first: HashMap<(String, usize), (bool, Edit)> = HashMap::new();
    for draft in drafts.iter().flatten() {
        let withheld = !draft.blockers.is_empty();
        for edit in &draft.imports {
            let slot = first
                .entry(key(edit))
                .or_insert_with(|| (withheld, edit.clone()));
            if (withheld, edit.range.start) < (slot.0, slot.1.range.start) {
                *slot = (withheld, edit.clone());
            }
        }
    }
    for draft in drafts.iter_mut().flatten() {
        for edit in std::mem::take(&mut draft.imports) {
            let chosen = first.get(&key(&edit)).map_or(edit, |(_, e)| e.clone());
            draft.edits.push(chosen);
        }
    }
}

/// Fixes that require others (`methods`, `with-origin`) apply only when every fix they
/// require is admitted too and their edits do not overlap (a call inside the callback that
/// another fix rewrites whole cannot be rewritten in the same pass): otherwise all of them
/// become display-only. Repeated until nothing changes, since blocking one fix can block
/// the fixes that require it.
fn agree_on_requirements(
    model: &Model<'_>,
    calls: &[Option<Range<usize>>],
    drafts: &mut [Option<Draft>],
) {
    let admitted = |drafts: &[Option<Draft>], range: &Range<usize>| -> Option<usize> {
        calls.iter().enumerate().position(|(index, call)| {
            call.as_ref() == Some(range)
                && drafts[index]
                    .as_ref()
                    .is_some_and(|d| d.blockers.is_empty())
        })
    };
    let overlap = |a: &Draft, b: &Draft| {
        a.edits.iter().any(|x| {
            b.edits.iter().any(|y| {
                x != y
                    && !x.range.is_empty()
                    && !y.range.is_empty()
                    && x.range.start < y.range.end
                    && y.range.start < x.range.end
            })
        })
    };
    loop {
        let mut changed = false;
        for index in 0..drafts.len() {
            let Some(draft) = drafts[index].as_ref() else {
                continue;
            };
            if !draft.blockers.is_empty() || draft.requires.is_empty() {
                continue;
            }
            let mut reason = None;
            for required in &draft.requires {
                let text = model.source[required.clone()]
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .trim();
                match admitted(drafts, required) {
                    None => {
                        reason = Some(format!(
                            "it must be rewritten together with `{text}`, which cannot be rewritten here"
                        ));
                        break;
                    }
                    Some(other) => {
                        if drafts[other].as_ref().is_some_and(|o| overlap(draft, o)) {
                            reason = Some(format!(
                                "it must be rewritten together with `{text}`, which lies inside the code this fix rewrites; rewrite them by hand"
                            ));
                            break;
                        }
                    }
                }
            }
            // A fix that others require but that requires nothing is checked from their side.
            if let Some(reason) = reason {
                if let Some(draft) = drafts[index].as_mut() {
                    draft.blockers.push(reason);
                }
                changed = true;
            }
        }
        // Requirements are mutual: a fix required by a blocked fix is blocked too.
        for index in 0..drafts.len() {
            let Some(range) = calls[index].clone() else {
                continue;
            };
            if drafts[index]
                .as_ref()
                .is_none_or(|d| !d.blockers.is_empty())
            {
                continue;
            }
            let blocked_dependent = drafts.iter().any(|other| {
                other
                    .as_ref()
                    .is_some_and(|o| !o.blockers.is_empty() && o.requires.contains(&range))
            });
            if blocked_dependent {
                if let Some(draft) = drafts[index].as_mut() {
                    draft.blockers.push(
                        "a call that must be rewritten together with it cannot be rewritten here"
                            .to_string(),
                    );
                }
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
}

/// For each admitted fix that takes part in requirements, the members of its group (the
/// fixes connected to it by requirements): they carry each other's edits, so they are
/// applied together, in one pass, or not at all.
fn requirement_groups(
    calls: &[Option<Range<usize>>],
    drafts: &[Option<Draft>],
) -> Vec<Option<Vec<usize>>> {
    let admitted = |index: usize| {
        drafts[index]
            .as_ref()
            .is_some_and(|d| d.blockers.is_empty())
    };
    let neighbours = |index: usize| -> Vec<usize> {
        let mut out = Vec::new();
        if let Some(draft) = drafts[index].as_ref() {
            for required in &draft.requires {
                out.extend(
                    (0..calls.len())
                        .filter(|&j| calls[j].as_ref() == Some(required) && admitted(j)),
                );
            }
        }
        if let Some(range) = &calls[index] {
            out.extend((0..drafts.len()).filter(|&j| {
                admitted(j)
                    && drafts[j]
                        .as_ref()
                        .is_some_and(|d| d.requires.contains(range))
            }));
        }
        out
    };
    (0..drafts.len())
        .map(|start| {
            if !admitted(start) || neighbours(start).is_empty() {
                return None;
            }
            let mut group = vec![start];
            let mut next = 0;
            while next < group.len() {
                for neighbour in neighbours(group[next]) {
                    if !group.contains(&neighbour) {
                        group.push(neighbour);
                    }
                }
                next += 1;
            }
            group.sort_unstable();
            Some(group)
        })
        .collect()
}

/// An origin is rewritten only when every use of the object it creates is a call whose fix
/// proposes the very same rewrite, and the arguments it takes from those calls can move.
/// The fixes that rewrite one origin change the type of the object every one of them is
/// called on: they require each other (`agree_on_requirements`), so they apply together, in
/// one run and at the lowest applicability among them, or none does and no old method is
/// left called on the new object.
fn agree_on_origins(
    model: &Model<'_>,
    calls: &[Option<Range<usize>>],
    drafts: &mut [Option<Draft>],
) {
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
            proposals.iter().flat_map(|p| p.receivers.clone()).collect();
        let mut reasons = Vec::new();
        let differ = proposals.iter().any(|p| p.text != proposals[0].text);
        if members.len() > 1 && proposals.iter().any(|p| p.relocation.is_some()) {
            reasons.push(
                "the object is shared by several calls and an argument is not yet defined where it is created"
                    .to_string(),
            );
        }
        if proposals.iter().any(|p| !p.movable) {
            reasons.push(
                "an argument is not yet defined where the object is created; create the application where both are known"
                    .to_string(),
            );
        }
        let other_use = model.facts.uses.iter().find(|site| {
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
        if let Some(site) = other_use {
            let statement = model.statement_of(site.node);
            let text = model.source[statement]
                .lines()
                .next()
                .unwrap_or_default()
                .trim();
            reasons.push(format!(
                "the object it is called on is also used in ways this fix does not rewrite (`{text}`)"
            ));
        } else if origin_escapes {
            reasons.push(
                "the object it is called on is also used in ways this fix does not rewrite"
                    .to_string(),
            );
        }
        // Calls that need different applications get one each, when nothing else blocks.
        if differ {
            let split = if reasons.is_empty() {
                per_flow::split(model, &range, &members, drafts)
            } else {
                Err(
                    "the object it is called on serves calls that need different replacements"
                        .to_string(),
                )
            };
            if let Err(reason) = split {
                reasons.insert(0, reason);
            }
        }
        if !reasons.is_empty() {
            for &index in &members {
                if let Some(draft) = drafts[index].as_mut() {
                    draft.blockers.extend(reasons.iter().cloned());
                }
            }
        }
        for &index in &members {
            let others = members
                .iter()
                .filter(|&&other| other != index)
                .filter_map(|&other| calls[other].clone());
            if let Some(draft) = drafts[index].as_mut() {
                for other in others {
                    if !draft.requires.contains(&other) {
                        draft.requires.push(other);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_resource;

    #[test]
    fn resources_are_uris_or_application_ids() {
        assert!(is_resource("https://management.core.windows.net/"));
        assert!(is_resource("api://my-app"));
        assert!(is_resource("00000002-0000-0000-c000-000000000000"));
        assert!(!is_resource("graph"));
        assert!(!is_resource("batch"));
        assert!(!is_resource(""));
        assert!(!is_resource("00000002-0000-0000-c000-00000000000g"));
    }
}
