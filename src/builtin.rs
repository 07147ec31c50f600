//! adalint's own checks: rules of `rules/adalint.toml` that name an engine check with
//! `match.builtin` instead of a pattern. The rule file holds their id, severity, message,
//! help and fix applicability like any rule's; this module finds them.
//!
//! - `hardcoded-secret`: a string literal passed in a pack's `secret-parameters` position
//!   (see `identity`).
//! - `unused-suppression`: an `adalint: ignore[...]` directive that suppresses nothing,
//!   names an unknown rule, or cannot be read (see `suppression`); its fix removes it.
//!
//! It also applies suppression comments, after every other finding of the file is known.

use serde::Deserialize;
use tree_sitter::Tree;

use crate::diagnostic::Diagnostic;
use crate::fix::{Applicability, Edit, Fix};
use crate::identity;
use crate::registry::Selection;
use crate::rule::{Matcher, Rule};
use crate::semantic::Model;
use crate::source::SourceText;
use crate::suppression::{self, Directive};

/// An engine check a rule can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Builtin {
    HardcodedSecret,
    UnusedSuppression,
    /// A use of one of the project's own wrappers of ADAL (run by `wrappers` once every
    /// file's findings are known).
    WrapperUse,
}

fn builtin_rules<'r>(
    selection: &Selection<'r>,
    model: &Model<'_>,
    check: Builtin,
) -> Vec<&'r Rule> {
    selection
        .enabled_rules()
        .map(|(_, rule)| rule)
        .filter(|rule| {
            matches!(rule.matcher, Matcher::Builtin(b) if b == check)
                && rule.languages.contains(&model.language)
        })
        .collect()
}

fn finding(
    rule: &Rule,
    range: std::ops::Range<usize>,
    message: String,
    fix: Option<Fix>,
) -> Diagnostic {
    Diagnostic {
        rule: rule.id.clone(),
        severity: rule.severity,
        message,
        range,
        help: rule.help.clone(),
        url: rule.url.clone(),
        fix,
        related: Vec::new(),
    }
}

/// Adds the built-in findings to the file's findings, then applies its suppressions.
pub(crate) fn check(
    model: &Model<'_>,
    trees: &[&Tree],
    source: &SourceText,
    selection: &Selection<'_>,
    mut diagnostics: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    let packs = selection.registry.packs();
    for rule in builtin_rules(selection, model, Builtin::HardcodedSecret) {
        for secret in identity::secrets(model, packs) {
            let message = format!(
                "{} (`{}` of `{}`)",
                rule.summary(),
                secret.parameter,
                secret.api
            );
            diagnostics.push(finding(rule, secret.range, message, None));
        }
    }
    sort(&mut diagnostics);
    let mut directives = suppression::directives(trees, source);
    if directives.is_empty() {
        return diagnostics;
    }
    let mut diagnostics = suppression::apply(&mut directives, diagnostics, source);
    for rule in builtin_rules(selection, model, Builtin::UnusedSuppression) {
        for directive in &directives {
            if let Some(found) = unused(rule, directive, selection, source) {
                diagnostics.push(found);
            }
        }
    }
    sort(&mut diagnostics);
    diagnostics
}

/// File order: by position, then rule id.
fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (a.range.start, a.range.end, &*a.rule).cmp(&(b.range.start, b.range.end, &*b.rule))
    });
}

/// The finding for a directive that is wholly or partly dead, with a fix that removes the
/// dead part.
fn unused(
    rule: &Rule,
    directive: &Directive,
    selection: &Selection<'_>,
    source: &SourceText,
) -> Option<Diagnostic> {
    if let Some(reason) = &directive.malformed {
        let message = format!("this suppression cannot be read: {reason}");
        return Some(finding(rule, directive.span.clone(), message, None));
    }
    let registry = selection.registry;
    let mut dead = Vec::new();
    let mut live = Vec::new();
    for named in &directive.rules {
        let known = registry.rules.iter().any(|r| *r.id == named.id);
        // The uses of project wrappers are found after this check (`wrappers`): a
        // directive naming that rule is not judged here.
        let judged = selection.enabled_rules().any(|(_, r)| {
            *r.id == named.id && !matches!(r.matcher, Matcher::Builtin(Builtin::WrapperUse))
        });
        if !known {
            dead.push(format!("`{}` is not a rule", named.id));
        } else if judged && !named.used {
            dead.push(format!("`{}` suppresses nothing here", named.id));
        } else {
            live.push(named.id.as_str());
        }
    }
    if dead.is_empty() {
        return None;
    }
    let edit = if live.is_empty() {
        removal(directive, source)
    } else {
        let first = directive.rules.first()?.range.start;
        let last = directive.rules.last()?.range.end;
        Edit::replace(first..last, live.join(", "))
    };
    let (title, applicability, note) = match &rule.fix {
        Some(recipe) => (
            recipe.title.clone(),
            recipe.applicability,
            recipe.reason.clone(),
        ),
        None => (
            "Remove the unused suppression".to_string(),
            Applicability::Safe,
            "Removing a comment cannot change behaviour.".to_string(),
        ),
    };
    let fix = Fix::new(title, applicability, note, vec![edit]);
    let message = format!("unused suppression: {}", dead.join("; "));
    Some(finding(rule, directive.span.clone(), message, Some(fix)))
}

/// Removes a directive: its whole line when the comment is alone on it, the comment and
/// the spaces before it when it trails code, or only the directive when the comment says
/// more.
fn removal(directive: &Directive, source: &SourceText) -> Edit {
    let text = source.text();
    let line = source.line_index(directive.comment.start);
    let line_range = source.line_range(line);
    // A comment the parser ends past its line (a lone carriage return inside it, which the
    // line table counts as a line break) ends the line here.
    let line_end = line_range.end.max(directive.comment.end);
    if !directive.whole_comment {
        let mut start = directive.span.start;
        let before = text[directive.comment.start..start].trim_end();
        let kept = before
            .strip_suffix('#')
            .or_else(|| before.strip_suffix("//"))
            .filter(|rest| !rest.trim().is_empty())
            .unwrap_or(before);
        start = directive.comment.start + kept.trim_end().len();
        return Edit::replace(start..directive.span.end, "");
    }
    let body_end = if text[directive.comment.clone()].ends_with("*/") {
        directive.comment.end - 2
    } else {
        directive.comment.end
    };
    let rest = &text[directive.span.end..body_end];
    if !rest.trim().is_empty() {
        // `# adalint: ignore[x]  # note` keeps `# note`; `# adalint: ignore[x] because`
        // keeps `# because`.
        let spaces = rest.len() - rest.trim_start().len();
        let keeps_marker =
            rest.trim_start().starts_with('#') || rest.trim_start().starts_with("//");
        let start = if keeps_marker {
            directive.comment.start
        } else {
            directive.span.start
        };
        return Edit::replace(start..directive.span.end + spaces, "");
    }
    let after_comment = text[directive.comment.end..line_end].trim().is_empty();
    if directive.own_line && after_comment {
        let end = if line + 1 < source.line_count() {
            source.line_range(line + 1).start.max(directive.comment.end)
        } else {
            line_end
        };
        return Edit::replace(line_range.start..end, "");
    }
    if directive.own_line {
        // A block comment before code on the same line.
        let rest = &text[directive.comment.end..line_end];
        let spaces = rest.len() - rest.trim_start().len();
        return Edit::replace(directive.comment.start..directive.comment.end + spaces, "");
    }
    let before = text[line_range.start..directive.comment.start].trim_end();
    Edit::replace(line_range.start + before.len()..directive.comment.end, "")
}
