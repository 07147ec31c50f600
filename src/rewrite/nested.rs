//! Fixes that must apply together when one rewrites code the other's replacement copies.
//!
//! `msRestAzure.loginWithServicePrincipalSecret(..., function (err, credentials) {
//! credentials.getToken(function (err2, token) { ... }) })`: the login's fix replaces the
//! whole call, and its `.then(onSuccess, onError)` handlers copy the callback's code, in
//! which the `getToken` fix (required with it) rewrites the nested call. Both edits cannot
//! apply side by side; instead the nested fix's edits are made in the copy the outer
//! replacement holds, and the outer fix carries them. A nested edit is folded only when the
//! text it replaces occurs exactly once in the copy (a copy that re-indented it, or
//! repeats it, leaves the pair to `agree_on_requirements`, which withholds both with the
//! reason).

use std::ops::Range;

use super::Draft;
use crate::fix::Edit;

/// Moves into the outer replacement every edit of a draft that lies inside a replacement
/// of a draft it is required together with (either way round).
pub(super) fn fold(source: &str, calls: &[Option<Range<usize>>], drafts: &mut [Option<Draft>]) {
    for inner in 0..drafts.len() {
        for outer in 0..drafts.len() {
            if inner == outer || !related(calls, drafts, inner, outer) {
                continue;
            }
            let (Some(inner_draft), Some(outer_draft)) = (&drafts[inner], &drafts[outer]) else {
                continue;
            };
            if !inner_draft.blockers.is_empty() || !outer_draft.blockers.is_empty() {
                // Shown, never applied: each keeps its own edits to show.
                continue;
            }
            let Some(folded) = folded(source, inner_draft, outer_draft) else {
                continue;
            };
            let (position, content, moved) = folded;
            if let Some(outer_draft) = drafts[outer].as_mut() {
                outer_draft.edits[position].content = content;
            }
            if let Some(inner_draft) = drafts[inner].as_mut() {
                inner_draft.edits.retain(|e| !moved.contains(e));
            }
        }
    }
}

/// True when one of the two drafts requires the other's call.
fn related(calls: &[Option<Range<usize>>], drafts: &[Option<Draft>], a: usize, b: usize) -> bool {
    let requires = |x: usize, y: usize| {
        calls[y].as_ref().is_some_and(|call| {
            drafts[x]
                .as_ref()
                .is_some_and(|d| d.requires.contains(call))
        })
    };
    requires(a, b) || requires(b, a)
}

/// The outer edit's position, its content with the inner draft's edits made in it, and
/// those edits; `None` when the inner draft has no edit inside an outer replacement, or
/// one cannot be placed in the copy exactly.
fn folded(source: &str, inner: &Draft, outer: &Draft) -> Option<(usize, String, Vec<Edit>)> {
    let (position, container) = outer.edits.iter().enumerate().find(|(_, o)| {
        !o.range.is_empty()
            && inner.edits.iter().any(|e| {
                !e.range.is_empty()
                    && o.range.start <= e.range.start
                    && e.range.end <= o.range.end
                    && e.range != o.range
            })
    })?;
    let mut moved: Vec<Edit> = inner
        .edits
        .iter()
        .filter(|e| container.range.start <= e.range.start && e.range.end <= container.range.end)
        .cloned()
        .collect();
    if moved.iter().any(|e| e.range.is_empty()) {
        // An insertion has no text of its own to find in the copy.
        return None;
    }
    moved.sort_by_key(|e| std::cmp::Reverse(e.range.start));
    let mut content = container.content.clone();
    for edit in &moved {
        let original = &source[edit.range.clone()];
        let mut found = content.match_indices(original);
        let (at, _) = found.next()?;
        if found.next().is_some() {
            return None;
        }
        content.replace_range(at..at + original.len(), &edit.content);
    }
    Some((position, content, moved))
}
