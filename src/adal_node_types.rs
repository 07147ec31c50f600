//! adal-node types named in TypeScript, rewritten with the values they describe.
//!
//! `private authContext: adal.AuthenticationContext` and `getToken(): Promise<adal.TokenResponse>`
//! keep a file on `adal-node` after its calls are migrated, and no longer describe the
//! values: the field now holds the MSAL application the fixes create, the promise MSAL's
//! result. When every adal-node call of the file is rewritten by an applicable fix, every
//! context it creates becomes one kind of MSAL application (`new msal.X(...)` in the
//! fixes), and every type the file names has a counterpart, the type references are
//! rewritten too:
//! - `adal.AuthenticationContext` → that application class (`msal.ConfidentialClientApplication`);
//! - `adal.TokenResponse` → `msal.AuthenticationResult | null` (msal-node's `acquireTokenBy*`
//!   resolve with `null` when there is no result), parenthesised in an array type.
//!
//! The type edits join every fix that creates an application, and the type findings carry
//! one of those fixes: types and values change together or not at all. Anything else
//! (a type with no counterpart such as `adal.MemoryCache`, a named type import, an alias in
//! value position, two kinds of application) leaves the type findings without a fix.

use std::collections::BTreeSet;

use tree_sitter::Node;

use crate::diagnostic::Diagnostic;
use crate::fix::{Applicability, Edit};
use crate::semantic::Model;

const REFERENCE: &str = "adal-node-type-reference";
/// adal-node findings that need no fix of their own once the others apply: the import goes
/// when nothing reads it, the context's constructor is rewritten as the origin of its calls.
const CARRIED: [&str; 2] = ["adal-node-import", "adal-node-authentication-context"];
const APPLICATIONS: [&str; 2] = ["ConfidentialClientApplication", "PublicClientApplication"];

const TITLE: &str = "Name the MSAL types of the values the fixes of this file migrate";
const REASON: &str = "The file's adal-node calls are rewritten to one kind of MSAL application, and the types change with them, in the same fix: `AuthenticationContext` becomes that application class, `TokenResponse` `AuthenticationResult | null` (msal-node resolves with `null` when it has no result; check callers that read it).";

/// Gives the type references of a fully migrated adal-node file the rewrite of their
/// types, carried by the fixes that create the applications.
pub(crate) fn apply(model: &Model<'_>, diagnostics: &mut [Diagnostic]) {
    let Some(edits) = type_edits(model, diagnostics) else {
        return;
    };
    let mut carrier = None;
    for diagnostic in diagnostics.iter_mut() {
        let Some(fix) = diagnostic.fix.as_mut() else {
            continue;
        };
        if diagnostic.rule.starts_with("adal-node-") && creates_application(&fix.edits).is_some() {
            fix.edits.extend(edits.iter().cloned());
            fix.edits.sort_by_key(|e| (e.range.start, e.range.end));
            fix.edits.dedup();
            carrier.get_or_insert_with(|| fix.clone());
        }
    }
    let Some(mut carrier) = carrier else {
        return;
    };
    carrier.title = TITLE.to_string();
    carrier.note = REASON.to_string();
    for diagnostic in diagnostics.iter_mut() {
        if &*diagnostic.rule == REFERENCE && diagnostic.fix.is_none() {
            diagnostic.fix = Some(carrier.clone());
        }
    }
}

/// The edits that rewrite every type reference of the file, when the file qualifies.
fn type_edits(model: &Model<'_>, diagnostics: &[Diagnostic]) -> Option<Vec<Edit>> {
    let mut references = Vec::new();
    let mut applications = BTreeSet::new();
    for diagnostic in diagnostics
        .iter()
        .filter(|d| d.rule.starts_with("adal-node-"))
    {
        if &*diagnostic.rule == REFERENCE {
            references.push(diagnostic.range.clone());
            continue;
        }
        match &diagnostic.fix {
            Some(fix) if fix.applicability != Applicability::DisplayOnly => {
                applications.extend(creates_application(&fix.edits));
            }
            _ if CARRIED.contains(&&*diagnostic.rule) => {}
            _ => return None,
        }
    }
    if references.is_empty() || applications.len() != 1 {
        return None;
    }
    let (namespace, class) = applications.into_iter().next()?;
    // Every context must be one the fixes rewrite.
    let contexts_rewritten = diagnostics
        .iter()
        .filter(|d| &*d.rule == "adal-node-authentication-context")
        .all(|context| {
            diagnostics
                .iter()
                .filter_map(|d| d.fix.as_ref())
                .any(|fix| {
                    fix.applicability != Applicability::DisplayOnly
                        && fix.edits.iter().any(|e| {
                            e.range.start <= context.range.start && context.range.end <= e.range.end
                        })
                })
        });
    if !contexts_rewritten {
        return None;
    }
    let value_edits: Vec<&Edit> = diagnostics
        .iter()
        .filter(|d| d.rule.starts_with("adal-node-"))
        .filter_map(|d| d.fix.as_ref())
        .flat_map(|fix| fix.edits.iter())
        .collect();
    // A type inside code a fix rewrites (`resolve(res as adal.TokenResponse)`) goes with it.
    if references.iter().any(|range| {
        value_edits
            .iter()
            .any(|e| e.range.start < range.end && range.start < e.range.end)
    }) {
        return None;
    }
    references
        .into_iter()
        .map(|range| {
            let node = node_of(model, range.clone())?;
            if node.kind() != "nested_type_identifier" {
                return None;
            }
            let name = node.child_by_field_name("name")?;
            let replacement = match model.text(name) {
                "AuthenticationContext" => format!("{namespace}.{class}"),
                "TokenResponse" => {
                    let union = format!("{namespace}.AuthenticationResult | null");
                    if node.parent().is_some_and(|p| p.kind() == "array_type") {
                        format!("({union})")
                    } else {
                        union
                    }
                }
                _ => return None,
            };
            Some(Edit::replace(range, replacement))
        })
        .collect()
}

/// The `(namespace, class)` of an MSAL application an edit creates (`new msal.X(`).
fn creates_application(edits: &[Edit]) -> Option<(String, String)> {
    edits.iter().find_map(|edit| {
        let at = edit.content.find("new ")?;
        let rest = &edit.content[at + 4..];
        let (namespace, rest) = rest.split_once('.')?;
        let class = APPLICATIONS
            .iter()
            .find(|class| rest.starts_with(&format!("{class}(")))?;
        namespace
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
            .then(|| (namespace.to_string(), (*class).to_string()))
    })
}

/// The node spanning exactly `range`.
fn node_of<'t>(model: &Model<'t>, range: std::ops::Range<usize>) -> Option<Node<'t>> {
    let mut node = model.node_at(range.start)?;
    while node.byte_range() != range {
        node = node.parent()?;
        if node.start_byte() < range.start {
            return None;
        }
    }
    Some(node)
}
