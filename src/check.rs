//! Given one parsed file and the selected rules, produces findings. It is pure: it knows
//! nothing of files on disk or threads.
//!
//! Matching is semantic: every site the front end recorded (imports, calls, references, key
//! reads) is evaluated to a qualified name through the file's scopes, then looked up in the
//! selection's index. Raw tree-sitter queries cover the purely syntactic rules. Fixes are
//! planned by `rewrite`, which needs to see every finding of the file at once.

use std::collections::HashMap;

use streaming_iterator::StreamingIterator;
use tree_sitter::{Node, QueryCursor, Tree};

use crate::diagnostic::Diagnostic;
use crate::language::Language;
use crate::registry::Selection;
use crate::rewrite::{self, Match};
use crate::rule::module_matches;
use crate::rule::{Calls, Condition, Filter, Matcher, NamePattern, Rule, TemplateValues};
use crate::semantic::{CallSite, Model, Value};
use crate::source::SourceText;

/// How deep in the tree a query match may start (see `semantic::MAX_NESTING`).
const QUERY_START_DEPTH: u32 = crate::semantic::MAX_NESTING as u32;

/// Arguments of a call bound to parameter names.
#[derive(Clone, Debug, Default)]
pub(crate) struct BoundArguments<'t> {
    pub(crate) values: HashMap<String, Node<'t>>,
    /// Arguments that bind to no parameter (unknown keywords, extra positionals).
    pub(crate) unbound: Vec<Node<'t>>,
    /// A `*args` / `**kwargs` / `...spread` made binding impossible.
    pub(crate) has_splat: bool,
}

/// Binds a call's arguments to a parameter list, positionally and by keyword.
///
/// A parameter `options.name` whose base `options` is also a parameter names a property of
/// an object literal passed as `options`: when every property of that literal is such a
/// parameter, each value is bound to its dotted name and `options` itself is not bound.
/// Otherwise (a variable, a spread, an unknown property) `options` is bound whole.
pub(crate) fn bind_arguments<'t>(
    source: &str,
    call: &CallSite<'t>,
    parameters: &[String],
) -> BoundArguments<'t> {
    let is_property = |name: &str| {
        name.split_once('.')
            .is_some_and(|(base, _)| parameters.iter().any(|p| p == base))
    };
    let positional: Vec<&String> = parameters.iter().filter(|p| !is_property(p)).collect();
    let mut bound = BoundArguments::default();
    let mut position = 0;
    for argument in &call.arguments {
        if argument.splat {
            bound.has_splat = true;
            continue;
        }
        let is_last = std::ptr::eq(argument, call.arguments.last().expect("an argument"));
        let name = match &argument.keyword {
            Some(keyword) => parameters.iter().find(|p| *p == keyword),
            // An optional parameter before the callback was left out (`login(a, b, c, cb)`
            // for `login(a, b, c, options?, callback?)`): a function passed last is the
            // callback.
            None if is_last
                && (matches!(
                    argument.value.kind(),
                    "function_expression" | "function" | "arrow_function"
                ) || names_declared_function(source, argument.value))
                && positional.get(position).is_some_and(|p| *p != "callback")
                && positional[position..].iter().any(|p| *p == "callback") =>
            {
                position += 1;
                positional.iter().copied().find(|p| *p == "callback")
            }
            None => {
                let name = positional.get(position).copied();
                position += 1;
                name
            }
        };
        match name {
            Some(name) if !bound.values.contains_key(name) => {
                match object_properties(source, argument.value, name, parameters) {
                    Some(properties) => bound.values.extend(properties),
                    None => {
                        bound.values.insert(name.clone(), argument.value);
                    }
                }
            }
            _ => bound.unbound.push(argument.value),
        }
    }
    bound
}

/// True when `value` is a name the file declares a function with (`function startExec(err,
/// credentials) {...}` below `login(id, secret, tenant, startExec)`): passed last, it is the
/// callback, which the library tells from options by its type.
fn names_declared_function(source: &str, value: Node<'_>) -> bool {
    if value.kind() != "identifier" {
        return false;
    }
    let name = &source[value.byte_range()];
    ["(", " ("].iter().any(|open| {
        let declaration = format!("function {name}{open}");
        source.match_indices(&declaration).any(|(at, _)| {
            // A whole word: not `function startExecution(`.
            at == 0
                || !source[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '$')
        })
    })
}

/// The properties of an object literal passed as parameter `base`, by dotted parameter
/// name, when the signature names every one of them.
fn object_properties<'t>(
    source: &str,
    value: Node<'t>,
    base: &str,
    parameters: &[String],
) -> Option<Vec<(String, Node<'t>)>> {
    let prefix = format!("{base}.");
    if value.kind() != "object" || !parameters.iter().any(|p| p.starts_with(&prefix)) {
        return None;
    }
    let mut properties = Vec::new();
    let mut cursor = value.walk();
    for property in value.named_children(&mut cursor) {
        let (key, node) = match property.kind() {
            "comment" => continue,
            "pair" => {
                let key = property.child_by_field_name("key")?;
                let name = match key.kind() {
                    "property_identifier" => source[key.byte_range()].to_string(),
                    "string" => {
                        let text = &source[key.byte_range()];
                        text.get(1..text.len().saturating_sub(1))?.to_string()
                    }
                    _ => return None,
                };
                (name, property.child_by_field_name("value")?)
            }
            "shorthand_property_identifier" => {
                (source[property.byte_range()].to_string(), property)
            }
            _ => return None,
        };
        let name = format!("{prefix}{key}");
        if !parameters.contains(&name) || properties.iter().any(|(n, _)| *n == name) {
            return None;
        }
        properties.push((name, node));
    }
    Some(properties)
}

/// Message placeholders show the argument's source text, or `…` when it was not passed.
struct MessageValues<'a, 't> {
    model: &'a Model<'t>,
    arguments: Option<&'a BoundArguments<'t>>,
}

impl TemplateValues for MessageValues<'_, '_> {
    fn value(&self, name: &str, _filter: Option<&Filter>) -> Option<String> {
        let node = self.arguments.and_then(|a| a.values.get(name));
        Some(node.map_or_else(|| "…".to_string(), |n| shorten(self.model.text(*n))))
    }

    fn is_present(&self, name: &str) -> bool {
        self.arguments.is_some_and(|a| a.values.contains_key(name))
    }
}

fn shorten(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    if line.chars().count() > 60 || line.len() < text.len() {
        format!("{}…", line.chars().take(57).collect::<String>())
    } else {
        line.to_string()
    }
}

fn message(rule: &Rule, model: &Model<'_>, arguments: Option<&BoundArguments<'_>>) -> String {
    rule.message
        .render(&MessageValues { model, arguments })
        .unwrap_or_else(|_| rule.summary())
}

/// The binding expressions of a template in the file, resolved: their model (of the
/// `angular-template` language) and the tree of their shadow program.
pub(crate) type TemplateCode<'a, 'b> = (&'a Model<'b>, &'b Tree);

/// Checks one file.
///
/// `layers` are the file's syntax trees with their languages (the code, and for an HTML
/// page the page itself); query rules run on the layers their pack covers, the others on
/// the code's `model`. `templates` are the file's template bindings (a component's
/// template, or the inline templates of a component file), checked with the rules of
/// their language; suppressions and adalint's own checks then apply to all findings.
pub(crate) fn check<'t>(
    model: &Model<'t>,
    layers: &[(Language, &'t Tree)],
    templates: &[TemplateCode<'_, '_>],
    source: &SourceText,
    selection: &Selection<'_>,
) -> Vec<Diagnostic> {
    check_with(model, layers, templates, source, selection, Vec::new())
}

/// [`check`], with findings made outside the model (a notebook's install lines), which
/// suppressions cover as they cover the others.
pub(crate) fn check_with<'t>(
    model: &Model<'t>,
    layers: &[(Language, &'t Tree)],
    templates: &[TemplateCode<'_, '_>],
    source: &SourceText,
    selection: &Selection<'_>,
    extra: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    let mut diagnostics = findings(model, layers, source, selection);
    if !extra.is_empty() {
        diagnostics.extend(extra);
        diagnostics.sort_by(|a, b| {
            (a.range.start, a.range.end, &*a.rule).cmp(&(b.range.start, b.range.end, &*b.rule))
        });
    }
    for &(template, tree) in templates {
        diagnostics.extend(findings(
            template,
            &[(Language::AngularTemplate, tree)],
            source,
            selection,
        ));
    }
    if !templates.is_empty() {
        diagnostics.sort_by(|a, b| {
            (a.range.start, a.range.end, &*a.rule).cmp(&(b.range.start, b.range.end, &*b.rule))
        });
    }
    // Suppressions are read from the comments of the code and of a page's markup.
    let trees: Vec<&Tree> = layers.iter().map(|&(_, tree)| tree).collect();
    crate::builtin::check(model, &trees, source, selection, diagnostics)
}

/// The findings of one model, with their fixes planned.
fn findings<'t>(
    model: &Model<'t>,
    layers: &[(Language, &'t Tree)],
    source: &SourceText,
    selection: &Selection<'_>,
) -> Vec<Diagnostic> {
    let language = model.language;
    let applies = |rule: &Rule| rule.applies_to(language);
    let mut matches: Vec<Match<'_, '_>> = Vec::new();

    for site in &model.facts.imports {
        for (_, rule) in selection.enabled_rules() {
            if let Matcher::Import(modules) = &rule.matcher {
                let imported: Vec<&String> = std::iter::once(&site.module)
                    .chain(&site.submodules)
                    .collect();
                let matched = modules
                    .iter()
                    .any(|m| imported.iter().any(|i| module_matches(m, i)));
                if applies(rule) && matched {
                    matches.push(Match::new(
                        rule,
                        site.range.clone(),
                        message(rule, model, None),
                    ));
                }
            }
        }
    }

    for call in &model.facts.calls {
        if crate::semantic::out_of_time() {
            break;
        }
        let Value::Symbol(name) = model.evaluate(call.callee) else {
            continue;
        };
        let exact = selection
            .calls
            .get(name.as_str())
            .into_iter()
            .flatten()
            .copied();
        let globs = selection.call_globs.iter().copied().filter(|&index| {
            matches!(&selection.rule(index).matcher,
                Matcher::Call { patterns, .. } if patterns.iter().any(|p| p.literal().is_none() && p.matches(&name)))
        });
        let candidates: Vec<&Rule> = exact
            .chain(globs)
            .map(|index| selection.rule(index))
            .filter(|rule| {
                let Matcher::Call {
                    arity, arguments, ..
                } = &rule.matcher
                else {
                    return false;
                };
                applies(rule)
                    && arity.is_none_or(|n| n == call.arguments.len())
                    && (arguments.is_empty() || passes_object_of(model, call, arguments))
            })
            .collect();
        for rule in most_specific(candidates, &name) {
            let arguments = bind_arguments(model.source, call, &rule.parameters);
            if let Matcher::Call { conditions, .. } = &rule.matcher {
                if !conditions.is_empty()
                    && !conditions_hold(model, rule, call, &arguments, conditions)
                {
                    continue;
                }
            }
            let text = message(rule, model, Some(&arguments));
            let mut found = Match::new(rule, call_range(call), text);
            found.call = Some((call.clone(), arguments));
            matches.push(found);
        }
    }

    for reference in &model.facts.references {
        if crate::semantic::out_of_time() {
            break;
        }
        // In a template, a bare name is a member of the component, which its own code gave
        // its value (and is reported there): the template uses the library when it reads
        // into that value (`user.profile.name`) or calls it.
        if language == Language::AngularTemplate && reference.node.kind() == "identifier" {
            continue;
        }
        let Value::Symbol(name) = model.evaluate(reference.node) else {
            continue;
        };
        let candidates: Vec<&Rule> = selection
            .enabled_rules()
            .map(|(_, rule)| rule)
            .filter(|rule| {
                matches!(&rule.matcher, Matcher::Reference(patterns, calls)
                    if (!reference.called || *calls == Calls::Included)
                        && patterns.iter().any(|p| p.matches(&name)))
                    && applies(rule)
            })
            .collect();
        for rule in most_specific(candidates, &name) {
            // `{{reference}}` is the matched name or chain, `{{object}}` the part of it that
            // is an object (`adalService` in `adalService.userInfo.userName`).
            let mut values = HashMap::from([("reference".to_string(), reference.node)]);
            if let Some(object) = object_of(model, reference.node) {
                values.insert("object".to_string(), object);
            }
            let captures = BoundArguments {
                values,
                ..BoundArguments::default()
            };
            let mut found = Match::new(
                rule,
                reference.node.byte_range(),
                message(rule, model, Some(&captures)),
            );
            found.node = Some(reference.node);
            found.captures = Some(captures);
            matches.push(found);
        }
    }

    for read in &model.facts.key_reads {
        if crate::semantic::out_of_time() {
            break;
        }
        let of = match model.evaluate(read.object) {
            Value::Object { of, .. } => of,
            // A Python helper's result, or a parameter its callers hand one: reported only.
            _ => match crate::helper_result::object_class(model, read.object) {
                Some(of) => of,
                None => continue,
            },
        };
        let Some(key) = model.key_name(&read.key) else {
            continue;
        };
        for (_, rule) in selection.enabled_rules() {
            if let Matcher::Key { keys, of: patterns } = &rule.matcher {
                if applies(rule) && keys.contains(&key) && patterns.iter().any(|p| p.matches(&of)) {
                    matches.push(Match::new(
                        rule,
                        read.key.range(),
                        message(rule, model, None),
                    ));
                }
            }
        }
    }

    // A query walks the whole tree: run only those whose needed literals the text has (a
    // template's shadow program holds only its expressions, so there every query runs).
    // The text is scanned once, when the first query rule comes.
    let mut possible: Option<Vec<bool>> = None;
    for (position, (_, rule)) in selection.enabled_rules().enumerate() {
        let Matcher::Query { queries, capture } = &rule.matcher else {
            continue;
        };
        let possible = possible.get_or_insert_with(|| match language {
            Language::AngularTemplate => vec![true; selection.enabled.len()],
            _ => selection.possible_rules(model.source.as_bytes()),
        });
        if !possible[position] {
            continue;
        }
        for &(layer, tree) in layers {
            let Some(query) = queries
                .iter()
                .find(|(l, _)| *l == layer)
                .and_then(|(l, q)| q.get(*l))
            else {
                continue;
            };
            let Some(capture_index) = query.capture_index_for_name(capture) else {
                continue;
            };
            // No match starts deeper than the analysis descends (code nested that deep is not
            // analysed, and reported as such): a query whose siblings need not be adjacent
            // keeps one state open per level it starts at, which deeply nested literals
            // would make quadratic.
            let mut cursor = QueryCursor::new();
            cursor.set_max_start_depth(Some(QUERY_START_DEPTH));
            let mut results = cursor.matches(query, tree.root_node(), model.source.as_bytes());
            while let Some(result) = results.next() {
                let captures: HashMap<String, Node<'_>> = result
                    .captures()
                    .iter()
                    .map(|c| (query.capture_names()[c.index as usize].to_string(), c.node))
                    .collect();
                let Some(node) = result
                    .captures()
                    .iter()
                    .find(|c| c.index == capture_index)
                    .map(|c| c.node)
                else {
                    continue;
                };
                let arguments = BoundArguments {
                    values: captures,
                    ..BoundArguments::default()
                };
                let mut found = Match::new(
                    rule,
                    node.byte_range(),
                    message(rule, model, Some(&arguments)),
                );
                found.node = Some(node);
                found.captures = Some(arguments);
                matches.push(found);
            }
        }
    }

    matches.sort_by(|a, b| {
        (a.range.start, a.range.end, &*a.rule.id).cmp(&(b.range.start, b.range.end, &*b.rule.id))
    });
    matches.dedup_by(|a, b| a.range == b.range && a.rule.id == b.rule.id);
    rewrite::plan(model, source, matches, selection.target)
}

/// The innermost part of a member chain that evaluates to an object: `adalService` in
/// `adalService.userInfo.userName`.
fn object_of<'t>(model: &Model<'t>, chain: Node<'t>) -> Option<Node<'t>> {
    let mut part = chain.child_by_field_name("object")?;
    loop {
        if matches!(model.evaluate(part), Value::Object { .. }) {
            return Some(part);
        }
        part = part.child_by_field_name("object")?;
    }
}

/// True when an argument of the call is an object made by one of `patterns`, or a member
/// of one (`Class#member`).
fn passes_object_of(model: &Model<'_>, call: &CallSite<'_>, patterns: &[NamePattern]) -> bool {
    call.arguments.iter().any(|argument| {
        let name = match model.evaluate(argument.value) {
            Value::Object { of, .. } => of,
            Value::Symbol(symbol) if symbol.contains('#') => symbol,
            _ => return false,
        };
        patterns.iter().any(|p| p.matches(&name))
    })
}

/// True when every condition on the call's (or its receiver's origin's) arguments holds.
fn conditions_hold<'t>(
    model: &Model<'t>,
    rule: &Rule,
    call: &CallSite<'t>,
    arguments: &BoundArguments<'t>,
    conditions: &[Condition],
) -> bool {
    let origin = || -> Option<BoundArguments<'t>> {
        let Value::Object {
            origin: Some(range),
            ..
        } = model.evaluate(call.receiver?)
        else {
            return None;
        };
        let site = model
            .facts
            .calls
            .iter()
            .find(|c| c.node.byte_range() == range)?;
        Some(bind_arguments(model.source, site, &rule.origin_parameters))
    };
    let origin_arguments = origin();
    let argument = |name: &str| -> Option<Node<'t>> {
        match name.strip_prefix("origin.") {
            Some(parameter) => origin_arguments.as_ref()?.values.get(parameter).copied(),
            None => arguments.values.get(name).copied(),
        }
    };
    conditions.iter().all(|condition| match condition {
        Condition::Absent(name) => {
            // An origin that cannot be found, or `*args` / `**kwargs`, may hold the argument.
            let splat = match name.strip_prefix("origin.") {
                Some(_) => origin_arguments.as_ref().is_none_or(|o| o.has_splat),
                None => arguments.has_splat,
            };
            if splat {
                return false;
            }
            argument(name).is_none_or(|node| matches!(model.evaluate(node), Value::Null))
        }
        Condition::Literal(name, patterns) => argument(name)
            .and_then(|node| model.string_value(node))
            .is_some_and(|text| patterns.iter().any(|p| p.matches(&text))),
    })
}

/// Where a call finding points: the call, or from the method's name when a chain puts it
/// on a later line than the receiver (`this.adal\n  .acquireToken(...)`).
fn call_range(call: &CallSite<'_>) -> std::ops::Range<usize> {
    let method = ["property", "attribute"]
        .iter()
        .find_map(|field| call.callee.child_by_field_name(field));
    match method {
        Some(method) if method.start_position().row > call.node.start_position().row => {
            method.start_byte()..call.node.end_byte()
        }
        _ => call.node.byte_range(),
    }
}

/// Of the call or reference rules that match one site, per pack, those with the most
/// specific pattern: an exact name beats a `*` pattern, a longer pattern a shorter one. So
/// `AuthenticationContext#*` is a fallback for the methods no rule of its pack names.
fn most_specific<'r>(candidates: Vec<&'r Rule>, name: &str) -> Vec<&'r Rule> {
    let of = |pattern: &crate::rule::NamePattern| {
        (
            pattern.literal().is_some(),
            pattern.as_str().replace('*', "").len(),
        )
    };
    let specificity = |rule: &Rule| match &rule.matcher {
        Matcher::Call { patterns, .. } => patterns
            .iter()
            .filter(|p| p.matches(name))
            .map(of)
            .max()
            .unwrap_or((false, 0)),
        Matcher::Reference(patterns, _) => patterns
            .iter()
            .filter(|p| p.matches(name))
            .map(of)
            .max()
            .unwrap_or((false, 0)),
        _ => (false, 0),
    };
    candidates
        .iter()
        .copied()
        .filter(|rule| {
            !candidates
                .iter()
                .any(|other| other.pack == rule.pack && specificity(other) > specificity(rule))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{bind_arguments, module_matches};
    use crate::language::Language;
    use crate::semantic::{Model, Vocabulary};

    fn bound(source: &str, parameters: &[&str]) -> Vec<(String, String)> {
        let tree = crate::semantic::tests::parse(Language::JavaScript, source);
        let vocabulary = Vocabulary::default();
        let model = Model::build(Language::JavaScript, &tree, source, &vocabulary);
        let call = model.facts.calls.first().expect("a call");
        let parameters: Vec<String> = parameters.iter().map(|p| (*p).to_string()).collect();
        let arguments = bind_arguments(source, call, &parameters);
        let mut out: Vec<(String, String)> = arguments
            .values
            .iter()
            .map(|(name, node)| (name.clone(), model.text(*node).to_string()))
            .collect();
        out.extend(
            arguments
                .unbound
                .iter()
                .map(|node| ("?".to_string(), model.text(*node).to_string())),
        );
        out.sort();
        out
    }

    #[test]
    fn object_literal_options_bind_property_by_property() {
        let signature = ["a", "options", "callback", "options.x", "options.y"];
        let pairs = |items: &[(&str, &str)]| -> Vec<(String, String)> {
            items
                .iter()
                .map(|(n, v)| ((*n).to_string(), (*v).to_string()))
                .collect()
        };
        assert_eq!(
            bound("f(1, { x: 2, 'y': z }, cb);", &signature),
            pairs(&[
                ("a", "1"),
                ("callback", "cb"),
                ("options.x", "2"),
                ("options.y", "z")
            ])
        );
        assert_eq!(
            bound("f(1, { x }, cb);", &signature),
            pairs(&[("a", "1"), ("callback", "cb"), ("options.x", "x")])
        );
        // An unknown property, a spread or a variable: the options stay one argument.
        assert_eq!(
            bound("f(1, { x: 2, w: 3 });", &signature),
            pairs(&[("a", "1"), ("options", "{ x: 2, w: 3 }")])
        );
        assert_eq!(
            bound("f(1, { ...o });", &signature),
            pairs(&[("a", "1"), ("options", "{ ...o }")])
        );
        assert_eq!(
            bound("f(1, opts, cb, extra);", &signature),
            pairs(&[
                ("?", "extra"),
                ("a", "1"),
                ("callback", "cb"),
                ("options", "opts")
            ])
        );
        // A dotted name whose base is not a parameter is positional.
        assert_eq!(
            bound("f(1, 2);", &["a", "options.x"]),
            pairs(&[("a", "1"), ("options.x", "2")])
        );
    }

    #[test]
    fn module_patterns_match_submodules_but_not_look_alikes() {
        assert!(module_matches("adal", "adal"));
        assert!(module_matches("adal", "adal.adal_error"));
        assert!(module_matches("adal-node", "adal-node/lib/adal"));
        assert!(!module_matches("adal", "adalib"));
        assert!(!module_matches("adal", "adal_utils"));
        assert!(!module_matches("adal-node", "adal-node-extra"));
    }
}
