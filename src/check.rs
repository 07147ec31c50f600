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
use crate::rule::{Filter, Matcher, Rule, TemplateValues};
use crate::semantic::{CallSite, Model, Value};
use crate::source::SourceText;

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
pub(crate) fn bind_arguments<'t>(call: &CallSite<'t>, parameters: &[String]) -> BoundArguments<'t> {
    let mut bound = BoundArguments::default();
    let mut position = 0;
    for argument in &call.arguments {
        if argument.splat {
            bound.has_splat = true;
            continue;
        }
        let name = match &argument.keyword {
            Some(keyword) => parameters.iter().find(|p| *p == keyword),
            None => {
                let name = parameters.get(position);
                position += 1;
                name
            }
        };
        match name {
            Some(name) if !bound.values.contains_key(name) => {
                bound.values.insert(name.clone(), argument.value);
            }
            _ => bound.unbound.push(argument.value),
        }
    }
    bound
}

/// Message placeholders show the argument's source text, or `…` when it was not passed.
struct MessageValues<'a, 't> {
    model: &'a Model<'t>,
    arguments: Option<&'a BoundArguments<'t>>,
}

impl TemplateValues for MessageValues<'_, '_> {
    fn value(&self, name: &str, _filter: Option<Filter>) -> Option<String> {
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

/// Checks one file.
///
/// `layers` are the file's syntax trees with their languages (the code, and for an HTML
/// page the page itself); query rules run on the layers their pack covers, the others on
/// the code's `model`.
pub(crate) fn check<'t>(
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
                if applies(rule) && modules.iter().any(|m| module_matches(m, &site.module)) {
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
            matches!(&selection.rule(index).matcher, Matcher::Call { pattern, .. } if pattern.matches(&name))
        });
        let candidates: Vec<&Rule> = exact
            .chain(globs)
            .map(|index| selection.rule(index))
            .filter(|rule| {
                let Matcher::Call { arity, .. } = &rule.matcher else {
                    return false;
                };
                applies(rule) && arity.is_none_or(|n| n == call.arguments.len())
            })
            .collect();
        for rule in most_specific(candidates, &name) {
            let arguments = bind_arguments(call, &rule.parameters);
            let text = message(rule, model, Some(&arguments));
            let mut found = Match::new(rule, call_range(call), text);
            found.call = Some((call.clone(), arguments));
            matches.push(found);
        }
    }

    for reference in &model.facts.references {
        let Value::Symbol(name) = model.evaluate(reference.node) else {
            continue;
        };
        let candidates: Vec<&Rule> = selection
            .enabled_rules()
            .map(|(_, rule)| rule)
            .filter(|rule| {
                matches!(&rule.matcher, Matcher::Reference(patterns) if patterns.iter().any(|p| p.matches(&name)))
                    && applies(rule)
            })
            .collect();
        for rule in most_specific(candidates, &name) {
            let mut found = Match::new(
                rule,
                reference.node.byte_range(),
                message(rule, model, None),
            );
            found.node = Some(reference.node);
            matches.push(found);
        }
    }

    for read in &model.facts.key_reads {
        let Value::Object { of, .. } = model.evaluate(read.object) else {
            continue;
        };
        for (_, rule) in selection.enabled_rules() {
            if let Matcher::Key { keys, of: patterns } = &rule.matcher {
                if applies(rule)
                    && keys.contains(&read.key)
                    && patterns.iter().any(|p| p.matches(&of))
                {
                    matches.push(Match::new(
                        rule,
                        read.key_range.clone(),
                        message(rule, model, None),
                    ));
                }
            }
        }
    }

    for (_, rule) in selection.enabled_rules() {
        let Matcher::Query { queries, capture } = &rule.matcher else {
            continue;
        };
        for &(layer, tree) in layers {
            let Some((_, query)) = queries.iter().find(|(l, _)| *l == layer) else {
                continue;
            };
            let Some(capture_index) = query.capture_index_for_name(capture) else {
                continue;
            };
            let mut cursor = QueryCursor::new();
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
    rewrite::plan(model, source, matches)
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
        Matcher::Call { pattern, .. } => of(pattern),
        Matcher::Reference(patterns) => patterns
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

/// `adal` matches `adal` and `adal.constants`; `adal-node` matches `adal-node/lib/adal`.
fn module_matches(pattern: &str, module: &str) -> bool {
    module == pattern
        || module
            .strip_prefix(pattern)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::module_matches;

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
