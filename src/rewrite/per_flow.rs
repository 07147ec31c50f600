//! One ADAL context that serves several flows becomes one MSAL application per kind of flow.
//!
//! ADAL's `AuthenticationContext` is one object for every flow of an authority; MSAL has a
//! confidential application for the app-only flows (client secret, certificate) and a
//! public one for the user flows (username and password, device code, refresh token,
//! silent). When the calls on one context need different applications, and the context is
//! made by a plain assignment (`self.context = adal.AuthenticationContext(authority)` in
//! `__init__`, or `context = ...` in a function; a public module-level name is left alone,
//! other modules may import it), that statement becomes one assignment per
//! application, named after its kind (`self.confidential_app`, `self.public_app`), and each
//! call is made on its own application. Every application is created once, where the
//! context was, so each keeps its token cache for the life of the object as ADAL's context
//! did. Two applications of the same kind (two client ids, or two credentials) are not
//! split, nor is anything that is not an MSAL application (an `azure-identity` credential is
//! made per call): the reason says why.

use std::ops::Range;

use super::{Draft, model_node};
use crate::semantic::Model;

/// The kinds of MSAL application, in the order their assignments are written.
const KINDS: [(&str, &str); 2] = [
    ("msal.ConfidentialClientApplication(", "confidential_app"),
    ("msal.PublicClientApplication(", "public_app"),
];

/// Splits the origin at `range`, whose `members` (indexes into `drafts`) propose different
/// applications, into one application per kind: the origin proposals of every member become
/// the same rewrite of the whole assignment, and each member's call is made on its own
/// application. `Err` is why it cannot be split; nothing is changed then.
pub(super) fn split(
    model: &Model<'_>,
    range: &Range<usize>,
    members: &[usize],
    drafts: &mut [Option<Draft>],
) -> Result<(), String> {
    let differs = "the object it is called on serves calls that need different replacements";
    let origin = model_node(model, range).ok_or(differs)?;
    let assignment = origin
        .parent()
        .filter(|a| a.kind() == "assignment" && a.child_by_field_name("right") == Some(origin))
        .ok_or(differs)?;
    let statement = assignment
        .parent()
        .filter(|s| s.kind() == "expression_statement")
        .ok_or(differs)?;
    let left = assignment.child_by_field_name("left").ok_or(differs)?;
    let plain = left.kind() == "identifier"
        || (left.kind() == "attribute"
            && left
                .child_by_field_name("object")
                .is_some_and(|o| o.kind() == "identifier"));
    if !plain {
        return Err(differs.to_string());
    }
    let target = model.text(left);
    // A module-level name other modules may import keeps its name (and its fix its reason).
    if left.kind() == "identifier"
        && model.scope_at(statement.start_byte()) == 0
        && !target.starts_with('_')
    {
        return Err(format!(
            "{differs}, and `{target}` is a module-level name other modules may import"
        ));
    }
    // The application each member needs, by kind.
    let mut applications: Vec<(usize, String)> = Vec::new();
    let mut kinds: Vec<usize> = Vec::new();
    for &member in members {
        let text = drafts[member]
            .as_ref()
            .and_then(|d| d.origin.as_ref())
            .map(|o| o.text.clone())
            .ok_or(differs)?;
        let Some(kind) = KINDS
            .iter()
            .position(|(prefix, _)| text.starts_with(prefix))
        else {
            return Err(format!(
                "{differs}, and not all of them are MSAL applications created once"
            ));
        };
        match applications.iter().find(|(k, _)| *k == kind) {
            Some((_, known)) if *known != text => {
                return Err(format!(
                    "{differs}: two `{}` applications (different client ids or credentials)",
                    KINDS[kind].0.trim_end_matches('(')
                ));
            }
            Some(_) => {}
            None => applications.push((kind, text)),
        }
        kinds.push(kind);
    }
    applications.sort_by_key(|(kind, _)| *kind);
    // The new names, `context` → `confidential_app`, `self.context` → `self.confidential_app`.
    let name_of = |kind: usize| match target.rsplit_once('.') {
        Some((object, _)) => format!("{object}.{}", KINDS[kind].1),
        None => KINDS[kind].1.to_string(),
    };
    for (kind, _) in &applications {
        if mentions_word(model.source, KINDS[*kind].1) {
            return Err(format!(
                "{differs}, and `{}` is already a name in this file",
                KINDS[*kind].1
            ));
        }
    }
    let indent = indentation(model.source, statement.start_byte());
    let text = applications
        .iter()
        .map(|(kind, text)| format!("{} = {text}", name_of(*kind)))
        .collect::<Vec<_>>()
        .join(&format!("\n{indent}"));
    // Each call on the context is made on its application: its rewrite starts with the
    // receiver.
    let mut receivers: Vec<(usize, usize, String)> = Vec::new();
    for (&member, &kind) in members.iter().zip(&kinds) {
        let draft = drafts[member].as_ref().ok_or(differs)?;
        let proposal = draft.origin.as_ref().ok_or(differs)?;
        for receiver in &proposal.receivers {
            let spelled = &model.source[receiver.clone()];
            if spelled != target {
                return Err(differs.to_string());
            }
            let edit = draft
                .edits
                .iter()
                .position(|e| e.range.start == receiver.start && e.content.starts_with(spelled))
                .ok_or(differs)?;
            receivers.push((member, edit, name_of(kind)));
        }
    }
    for (member, edit, name) in receivers {
        let draft = drafts[member].as_mut().expect("checked above");
        let content = &mut draft.edits[edit].content;
        content.replace_range(..target.len(), &name);
    }
    for &member in members {
        let proposal = drafts[member]
            .as_mut()
            .and_then(|d| d.origin.as_mut())
            .expect("checked above");
        proposal.range = statement.start_byte()..range.end;
        proposal.text = text.clone();
    }
    Ok(())
}

/// True when `word` occurs in `text` as a whole identifier.
fn mentions_word(text: &str, word: &str) -> bool {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(is_word) && !after.is_some_and(is_word)
    })
}

/// The whitespace that starts the line `position` is on.
fn indentation(text: &str, position: usize) -> &str {
    let start = text[..position].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[start..];
    &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
}

#[cfg(test)]
mod tests {
    use super::{indentation, mentions_word};

    #[test]
    fn names_are_whole_identifiers() {
        assert!(mentions_word("x = public_app\n", "public_app"));
        assert!(mentions_word("self.public_app.acquire()", "public_app"));
        assert!(!mentions_word("my_public_app = 1", "public_app"));
        assert!(!mentions_word("public_apps = []", "public_app"));
        assert!(!mentions_word("", "public_app"));
    }

    #[test]
    fn indentation_is_the_lines_leading_whitespace() {
        let text = "class A:\n    def f(self):\n\t\tcontext = 1\n";
        assert_eq!(indentation(text, text.find("def").unwrap()), "    ");
        assert_eq!(indentation(text, text.find("context").unwrap()), "\t\t");
        assert_eq!(indentation(text, 0), "");
    }
}
