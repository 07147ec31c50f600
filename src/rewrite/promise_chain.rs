//! An ms-rest login whose promise chain asks the credentials for one token and reads it:
//!
//! ```js
//! msRestNodeAuth.loginWithAppServiceMSI({ resource })
//!   .then((credentials) => credentials.getToken())
//!   .then((tokenResponse) => use(tokenResponse.accessToken));
//! ```
//! becomes `Promise.resolve().then(() => new identity.ManagedIdentityCredential())
//! .then((credentials) => credentials.getToken(resource + "/.default")).then((tokenResponse)
//! => use(tokenResponse.token))`. The credentials must serve only that `getToken()` (no
//! arguments), and the token only reads of `accessToken` / `tokenType`; the scope is the
//! login's `tokenAudience` (or `resource` for managed identity), from an object literal of
//! the call, or the login's default audience. The login's own fix renders the credential;
//! this module gives its finding the whole chain as its fix instead of withholding it.

use tree_sitter::Node;

use super::scope_expression;
use crate::diagnostic::Diagnostic;
use crate::fix::{Applicability, Edit, Fix};
use crate::semantic::Model;

/// The logins handled, with the position of their options, the option that names the
/// audience and the default scope.
const LOGINS: [(&str, usize, &str, &str); 5] = [
    (
        "ms-rest-login-with-service-principal-secret",
        3,
        "tokenAudience",
        "https://management.core.windows.net//.default",
    ),
    (
        "ms-rest-login-with-service-principal-certificate",
        3,
        "tokenAudience",
        "https://management.core.windows.net//.default",
    ),
    (
        "ms-rest-login-with-username-password",
        2,
        "tokenAudience",
        "https://management.core.windows.net//.default",
    ),
    (
        "ms-rest-login-with-vm-msi",
        0,
        "resource",
        "https://management.azure.com//.default",
    ),
    (
        "ms-rest-login-with-app-service-msi",
        0,
        "resource",
        "https://management.azure.com//.default",
    ),
];

const NOTE: &str = "The chain now asks the credential for a token with the login's audience as the scope, and reads `.token` where it read `.accessToken`.";

/// Gives each withheld login finding that heads such a chain the chain's rewrite.
pub(super) fn apply(model: &Model<'_>, quote: char, diagnostics: &mut [Diagnostic]) {
    for diagnostic in diagnostics.iter_mut() {
        let Some((_, position, option, default)) =
            LOGINS.iter().find(|(id, ..)| **id == *diagnostic.rule)
        else {
            continue;
        };
        let Some(fix) = diagnostic
            .fix
            .as_ref()
            .filter(|f| f.applicability == Applicability::DisplayOnly)
        else {
            continue;
        };
        if let Some(chained) = chain_fix(
            model,
            quote,
            &diagnostic.range,
            fix,
            (*position, option),
            default,
        ) {
            diagnostic.fix = Some(chained);
        }
    }
}

fn chain_fix(
    model: &Model<'_>,
    quote: char,
    range: &std::ops::Range<usize>,
    fix: &Fix,
    (position, option): (usize, &str),
    default: &str,
) -> Option<Fix> {
    let login = call_ending(model, range)?;
    let range = &login.byte_range();
    // The credential the login's own fix renders (no callback: a plain constructor).
    let credential = fix.edits.iter().find(|e| e.range == *range)?;
    if !credential.content.starts_with("new ") || credential.content.contains('\n') {
        return None;
    }
    let (first, handler) = then_of(model, login)?;
    let credentials = sole_parameter(model, handler)?;
    let token_call = returned_expression(handler)?;
    let callee = token_call.child_by_field_name("function")?;
    let arguments = token_call.child_by_field_name("arguments")?;
    if token_call.kind() != "call_expression"
        || callee.kind() != "member_expression"
        || arguments.named_child_count() != 0
        || callee
            .child_by_field_name("object")
            .is_none_or(|o| model.text(o) != credentials)
        || callee
            .child_by_field_name("property")
            .is_none_or(|p| model.text(p) != "getToken")
        || count_mentions(model, handler.child_by_field_name("body")?, credentials) != 1
    {
        return None;
    }
    let (_, reader) = then_of(model, first)?;
    let token = sole_parameter(model, reader)?;
    let body = reader.child_by_field_name("body")?;
    let mut renames = Vec::new();
    for use_ in identifiers(model, body, token) {
        let read = use_
            .parent()
            .filter(|p| p.kind() == "member_expression")
            .filter(|p| p.child_by_field_name("object") == Some(use_))?;
        let property = read.child_by_field_name("property")?;
        match model.text(property) {
            "accessToken" => renames.push(Edit::replace(property.byte_range(), "token")),
            "tokenType" => {}
            _ => return None,
        }
    }
    let scope = scope_of(model, login, (position, option), quote, default)?;
    let mut edits: Vec<Edit> = fix
        .edits
        .iter()
        .filter(|e| e.range != *range)
        .cloned()
        .collect();
    edits.push(Edit::replace(
        range.clone(),
        format!("Promise.resolve().then(() => {})", credential.content),
    ));
    edits.push(Edit::replace(arguments.byte_range(), format!("({scope})")));
    edits.extend(renames);
    let note = fix
        .note
        .split(" Not applied automatically:")
        .next()
        .unwrap_or_default();
    let mut chained = Fix::new(
        fix.title.clone(),
        Applicability::Unsafe,
        format!("{note} {NOTE}"),
        edits,
    );
    chained.remove_imports = fix.remove_imports.clone();
    Some(chained)
}

/// `call.then(handler)`, with one handler: the `then` call and the handler.
fn then_of<'t>(model: &Model<'t>, call: Node<'t>) -> Option<(Node<'t>, Node<'t>)> {
    let member = call.parent().filter(|p| p.kind() == "member_expression")?;
    if member.child_by_field_name("object") != Some(call)
        || member
            .child_by_field_name("property")
            .is_none_or(|p| model.text(p) != "then")
    {
        return None;
    }
    let then = member.parent().filter(|p| p.kind() == "call_expression")?;
    let arguments = then.child_by_field_name("arguments")?;
    if arguments.named_child_count() != 1 {
        return None;
    }
    let handler = arguments.named_child(0)?;
    matches!(handler.kind(), "arrow_function" | "function_expression").then_some((then, handler))
}

/// The name of a handler's only parameter.
fn sole_parameter<'s>(model: &Model<'s>, handler: Node<'_>) -> Option<&'s str> {
    if let Some(single) = handler.child_by_field_name("parameter") {
        return (single.kind() == "identifier").then(|| model.text(single));
    }
    let parameters = handler.child_by_field_name("parameters")?;
    let mut cursor = parameters.walk();
    let names: Vec<Node<'_>> = parameters.named_children(&mut cursor).collect();
    match names.as_slice() {
        [one] if one.kind() == "identifier" => Some(model.text(*one)),
        _ => None,
    }
}

/// What a handler returns when that is all it does: `(c) => c.getToken()` or `{ return
/// c.getToken(); }`.
fn returned_expression(handler: Node<'_>) -> Option<Node<'_>> {
    let body = handler.child_by_field_name("body")?;
    let mut expression = if body.kind() == "statement_block" {
        let mut cursor = body.walk();
        let statements: Vec<Node<'_>> = body
            .named_children(&mut cursor)
            .filter(|n| n.kind() != "comment")
            .collect();
        match statements.as_slice() {
            [only] if only.kind() == "return_statement" => only.named_child(0)?,
            _ => return None,
        }
    } else {
        body
    };
    while expression.kind() == "parenthesized_expression" {
        expression = expression.named_child(0)?;
    }
    Some(expression)
}

/// The login's audience as a scope: the option's value in the object literal the call is
/// given as its options, or the default when it is given none.
fn scope_of(
    model: &Model<'_>,
    login: Node<'_>,
    (position, option): (usize, &str),
    quote: char,
    default: &str,
) -> Option<String> {
    let arguments = login.child_by_field_name("arguments")?;
    let mut cursor = arguments.walk();
    let options = arguments
        .named_children(&mut cursor)
        .filter(|n| n.kind() != "comment")
        .nth(position);
    let mut value = None;
    match options.map(|o| (o.kind(), o)) {
        None | Some(("undefined" | "null", _)) => {}
        Some(("object", object)) => {
            let mut inner = object.walk();
            for pair in object.named_children(&mut inner) {
                if pair.kind() != "pair" {
                    // A spread or shorthand: its keys cannot be read.
                    return None;
                }
                let key = pair.child_by_field_name("key")?;
                if model.text(key).trim_matches(['"', '\'']) == option {
                    value = Some(pair.child_by_field_name("value")?);
                }
            }
        }
        // Options built elsewhere (or a callback) cannot be read.
        Some(_) => return None,
    }
    match value {
        Some(value) => scope_expression(model, value, quote),
        None => Some(format!("{quote}{default}{quote}")),
    }
}

/// Every identifier `name` in `node`.
fn identifiers<'t>(model: &Model<'_>, node: Node<'t>, name: &str) -> Vec<Node<'t>> {
    let mut found = Vec::new();
    let mut stack = vec![node];
    while let Some(current) = stack.pop() {
        if matches!(
            current.kind(),
            "identifier" | "shorthand_property_identifier"
        ) && model.text(current) == name
        {
            found.push(current);
        }
        let mut cursor = current.walk();
        stack.extend(current.named_children(&mut cursor));
    }
    found
}

fn count_mentions(model: &Model<'_>, node: Node<'_>, name: &str) -> usize {
    identifiers(model, node, name).len()
}

/// The call a finding's range ends (a finding on a chained call starts at its member name).
fn call_ending<'t>(model: &Model<'t>, range: &std::ops::Range<usize>) -> Option<Node<'t>> {
    let mut node = model.node_at(range.start)?;
    loop {
        if node.kind() == "call_expression" && node.end_byte() == range.end {
            return Some(node);
        }
        if node.end_byte() > range.end {
            return None;
        }
        node = node.parent()?;
    }
}
