//! ADAL's device-code pair whose token only feeds msrestazure's `AADTokenCredentials`:
//! the four statements become one azure-identity `DeviceCodeCredential`.
//!
//! ```python
//! context = adal.AuthenticationContext(authority_host + "/" + tenant)
//! code = context.acquire_user_code(resource, client_id)
//! token = context.acquire_token_with_device_code(resource, code, client_id)
//! credentials = AADTokenCredentials(token, client_id)
//! ```
//! becomes `credentials = DeviceCodeCredential(tenant_id=tenant, client_id=client_id)`.
//! The context, the user code and the token must serve only this chain, in one block and
//! in this order, and the credential may only be handed on (returned, passed, stored):
//! anything read from it is msrestazure's, here or by a function of the module that may be
//! given it (`credentials.token` of a parameter). The tenant must be readable from the
//! authority.
//! The two ADAL calls' findings carry the one fix, so it applies whole or not at all.
//! Locals that only fed the removed statements (`authority_uri = host + "/" + tenant`,
//! `resource_uri = "..."`) go with them when their value is plain (literals and names).

use std::ops::Range;

use tree_sitter::Node;

use crate::authority;
use crate::diagnostic::Diagnostic;
use crate::fix::{Applicability, Edit, Fix};
use crate::imports;
use crate::plan::parameter_readers;
use crate::rule::ImportDef;
use crate::semantic::{CallSite, Model, UseKind, Value};
use crate::source::SourceText;

const CONTEXT: &str = "adal.AuthenticationContext";
const USER_CODE: &str = "adal.AuthenticationContext#acquire_user_code";
const DEVICE_CODE: &str = "adal.AuthenticationContext#acquire_token_with_device_code";
const WRAPPER: &str = "msrestazure.azure_active_directory.AADTokenCredentials";

const TITLE: &str = "Use `azure.identity.DeviceCodeCredential`";
const REASON: &str = "azure-identity credentials only work with track-2 SDK clients, which ask for their own scopes (the token was requested for `{resource}`); the credential signs in at its first token request, not here, and prints the sign-in message itself. Check the clients this credential is passed to.";

/// One chain found in the file, with its fix.
pub(crate) struct Claim {
    /// The two ADAL calls whose findings carry the fix.
    calls: [Range<usize>; 2],
    fix: Fix,
}

/// Every chain of the file that can be rewritten.
pub(crate) fn claims(model: &Model<'_>, source: &SourceText) -> Vec<Claim> {
    model
        .facts
        .calls
        .iter()
        .filter(|site| symbol(model, site.callee).as_deref() == Some(WRAPPER))
        .filter_map(|wrapper| claim(model, source, wrapper))
        .collect()
}

/// Gives the findings of each claimed chain's ADAL calls the chain's fix.
pub(crate) fn apply(claims: Vec<Claim>, diagnostics: &mut [Diagnostic]) {
    for claim in claims {
        for diagnostic in diagnostics.iter_mut() {
            if claim.calls.contains(&diagnostic.range) && diagnostic.fix.is_some() {
                diagnostic.fix = Some(claim.fix.clone());
            }
        }
    }
}

fn claim(model: &Model<'_>, source: &SourceText, wrapper: &CallSite<'_>) -> Option<Claim> {
    // `AADTokenCredentials(token, client_id)`: nothing else.
    if wrapper.arguments.len() > 2
        || wrapper.arguments.iter().any(|a| {
            a.splat
                || a.keyword
                    .as_deref()
                    .is_some_and(|k| k != "token" && k != "client_id")
        })
    {
        return None;
    }
    let token_argument = wrapper
        .arguments
        .iter()
        .find(|a| a.keyword.as_deref() == Some("token"))
        .or_else(|| wrapper.arguments.first().filter(|a| a.keyword.is_none()))?;
    let device = made_by(model, token_argument.value, DEVICE_CODE)?;
    let context = made_by(model, device.receiver?, CONTEXT)?;
    // acquire_token_with_device_code(resource, user_code_info, client_id)
    let [resource, code_node, client_id] = positional::<3>(device)?;
    let user_code = made_by(model, code_node, USER_CODE)?;
    // acquire_user_code(resource, client_id), on the same context, for the same resource.
    let [code_resource, code_client] = positional::<2>(user_code)?;
    if made_by(model, user_code.receiver?, CONTEXT)?.node != context.node
        || model.text(code_resource) != model.text(resource)
        || model.text(code_client) != model.text(client_id)
    {
        return None;
    }
    // AuthenticationContext(authority, api_version=None): nothing that would be lost.
    let authority_node = context_authority(model, context)?;
    let tenant = authority::tenant(model, authority_node)?;

    // Each statement assigns one plain name, in one block, in order, and each object serves
    // only the next step.
    let statements: Vec<Node<'_>> = [context.node, user_code.node, device.node]
        .iter()
        .map(|&call| assigned_statement(call))
        .collect::<Option<_>>()?;
    let wrapper_statement = enclosing_statement(wrapper.node)?;
    let block = statements[0].parent()?;
    if statements.iter().any(|s| s.parent() != Some(block))
        || wrapper_statement.parent() != Some(block)
        || !statements
            .windows(2)
            .all(|w| w[0].end_byte() <= w[1].start_byte())
        || statements[2].end_byte() > wrapper_statement.start_byte()
    {
        return None;
    }
    only_used_by(model, context, &[user_code.node, device.node])?;
    only_used_by(model, user_code, &[device.node])?;
    only_used_by(model, device, &[wrapper.node])?;
    handed_on_only(model, wrapper)?;
    // A function of the module that reads msrest's members of a parameter may be given it.
    let msrest_member =
        |name: &str| name.starts_with("token") || name.ends_with("_session") || name == "set_token";
    if parameter_readers::read_through_parameter(model, wrapper.node, msrest_member) {
        return None;
    }

    let replacement = format!(
        "DeviceCodeCredential(tenant_id={tenant}, client_id={})",
        model.text(client_id)
    );
    let mut removed: Vec<Range<usize>> = statements.iter().map(Node::byte_range).collect();
    removed.extend(inputs_left_unread(
        model,
        block,
        &removed,
        &replacement,
        wrapper_statement.start_byte(),
    ));
    let mut edits: Vec<Edit> = removed
        .iter()
        .map(|range| imports::statement_removal(model, range.clone()))
        .collect();
    edits.push(Edit::replace(wrapper.node.byte_range(), replacement));
    let import = ImportDef::Member {
        module: "azure.identity".to_string(),
        member: "DeviceCodeCredential".to_string(),
    };
    if let Some(edit) = imports::add(model, source, wrapper.callee, &import).ok()? {
        edits.push(edit);
    }
    let mut fix = Fix::new(
        TITLE.to_string(),
        Applicability::Unsafe,
        REASON.replace(
            "{resource}",
            &model
                .string_value(resource)
                .unwrap_or_else(|| model.text(resource).to_string()),
        ),
        edits,
    );
    fix.remove_imports = vec![
        "adal".to_string(),
        "msrestazure.azure_active_directory".to_string(),
    ];
    Some(Claim {
        calls: [user_code.node.byte_range(), device.node.byte_range()],
        fix,
    })
}

fn symbol(model: &Model<'_>, node: Node<'_>) -> Option<String> {
    match model.evaluate(node) {
        Value::Symbol(name) => Some(name),
        _ => None,
    }
}

/// The call site that made the object `node` holds, when its callee is `symbol`.
fn made_by<'a, 't>(model: &'a Model<'t>, node: Node<'t>, wanted: &str) -> Option<&'a CallSite<'t>> {
    let Value::Object {
        origin: Some(origin),
        ..
    } = model.evaluate(node)
    else {
        return None;
    };
    model
        .facts
        .calls
        .iter()
        .find(|site| site.node.byte_range() == origin)
        .filter(|site| symbol(model, site.callee).as_deref() == Some(wanted))
}

/// The call's arguments when there are exactly `N`, all positional.
fn positional<'t, const N: usize>(site: &CallSite<'t>) -> Option<[Node<'t>; N]> {
    if site
        .arguments
        .iter()
        .any(|a| a.keyword.is_some() || a.splat)
    {
        return None;
    }
    let values: Vec<Node<'t>> = site.arguments.iter().map(|a| a.value).collect();
    values.try_into().ok()
}

/// The authority of `AuthenticationContext(authority)`, when its other arguments are ones
/// the credential does without (`api_version`, `enable_pii`).
fn context_authority<'t>(model: &Model<'t>, context: &CallSite<'t>) -> Option<Node<'t>> {
    let mut authority = None;
    for (index, argument) in context.arguments.iter().enumerate() {
        match argument.keyword.as_deref() {
            _ if argument.splat => return None,
            None if index == 0 => authority = Some(argument.value),
            Some("authority") => authority = Some(argument.value),
            Some("api_version") if model.text(argument.value) == "None" => {}
            Some("enable_pii") => {}
            _ => return None,
        }
    }
    authority
}

/// The statement `name = call` holding `call`.
fn assigned_statement(call: Node<'_>) -> Option<Node<'_>> {
    let assignment = call
        .parent()
        .filter(|p| p.kind() == "assignment" && p.child_by_field_name("right") == Some(call))?;
    assignment
        .child_by_field_name("left")
        .filter(|l| l.kind() == "identifier")?;
    assignment
        .parent()
        .filter(|p| p.kind() == "expression_statement")
}

/// The statement directly holding `node`: `credentials = AADTokenCredentials(...)` or
/// `return AADTokenCredentials(...)`.
fn enclosing_statement(node: Node<'_>) -> Option<Node<'_>> {
    let parent = node.parent()?;
    match parent.kind() {
        "return_statement" => Some(parent),
        "assignment" => parent
            .parent()
            .filter(|p| p.kind() == "expression_statement"),
        _ => None,
    }
}

/// `Some` when every use of the object `site` makes is inside one of `calls` (as their
/// receiver or argument) or the assignment that names it.
fn only_used_by(model: &Model<'_>, site: &CallSite<'_>, calls: &[Node<'_>]) -> Option<()> {
    let made = site.node.byte_range();
    let inside = |node: Node<'_>| {
        calls
            .iter()
            .any(|c| c.start_byte() <= node.start_byte() && node.end_byte() <= c.end_byte())
    };
    let mut used = false;
    for use_site in &model.facts.uses {
        let of_object = use_site.node == site.node
            || matches!(model.evaluate(use_site.node), Value::Object { origin: Some(o), .. } if o == made);
        if !of_object || use_site.kind == UseKind::Alias {
            continue;
        }
        if !inside(use_site.node) {
            return None;
        }
        used = true;
    }
    used.then_some(())
}

/// `Some` when the credential is only handed on: nothing reads from it here.
fn handed_on_only(model: &Model<'_>, wrapper: &CallSite<'_>) -> Option<()> {
    let made = wrapper.node.byte_range();
    let read = model.facts.uses.iter().any(|use_site| {
        matches!(use_site.kind, UseKind::Receiver | UseKind::KeyRead)
            && matches!(model.evaluate(use_site.node), Value::Object { origin: Some(o), .. } if o == made)
    });
    (!read).then_some(())
}

/// The statements of `block` before `end` that assign a plain value (literals and names
/// joined with `+`) to a name that only the `removed` statements read, and that the
/// replacement does not name; found again after each removal, since removing one can leave
/// another unread (`authority_host` read only by `authority_uri`).
fn inputs_left_unread(
    model: &Model<'_>,
    block: Node<'_>,
    removed: &[Range<usize>],
    replacement: &str,
    end: usize,
) -> Vec<Range<usize>> {
    let mut gone: Vec<Range<usize>> = removed.to_vec();
    let mut found: Vec<Range<usize>> = Vec::new();
    let named = |name: &str| {
        replacement
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .any(|word| word == name)
    };
    loop {
        let mut cursor = block.walk();
        let next = block.named_children(&mut cursor).find(|statement| {
            if statement.end_byte() > end || gone.contains(&statement.byte_range()) {
                return false;
            }
            let Some(assignment) = statement
                .named_child(0)
                .filter(|a| statement.kind() == "expression_statement" && a.kind() == "assignment")
            else {
                return false;
            };
            let (Some(target), Some(value)) = (
                assignment
                    .child_by_field_name("left")
                    .filter(|l| l.kind() == "identifier"),
                assignment.child_by_field_name("right"),
            ) else {
                return false;
            };
            if !is_plain(value) || named(model.text(target)) {
                return false;
            }
            let Some(binding) = model
                .facts
                .bindings
                .iter()
                .position(|b| b.range == target.byte_range())
            else {
                return false;
            };
            let reads = model.binding_reads(binding);
            !reads.is_empty()
                && reads.iter().all(|read| {
                    gone.iter()
                        .any(|g| g.start <= read.start && read.end <= g.end)
                })
        });
        let Some(statement) = next else {
            break;
        };
        gone.push(statement.byte_range());
        found.push(statement.byte_range());
    }
    found
}

/// A value with no effect to lose: string or number literals and names joined with `+`.
fn is_plain(node: Node<'_>) -> bool {
    match node.kind() {
        "string" | "integer" | "float" | "identifier" => {
            let mut cursor = node.walk();
            let interpolated = node
                .named_children(&mut cursor)
                .any(|c| c.kind() == "interpolation");
            !interpolated
        }
        "parenthesized_expression" => node.named_child(0).is_some_and(is_plain),
        "binary_operator" => {
            node.child_by_field_name("left").is_some_and(is_plain)
                && node.child_by_field_name("right").is_some_and(is_plain)
        }
        _ => false,
    }
}
