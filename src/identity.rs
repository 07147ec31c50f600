//! What ADAL calls reveal about an application's identity: the client ids, authorities
//! (tenants) and resources passed to them (the inventory teams match against the apps
//! their Entra sign-in logs flag), and the secrets passed to them (masked in every output
//! and reported by `hardcoded-client-secret`).
//!
//! It is data-driven: a pack's `signatures` name each API's parameters, `inventory` maps
//! parameter names to categories and `secret-parameters` lists the secret ones. Every call
//! whose callee resolves to an API with a signature, in any loaded pack, is read: the
//! constructor that makes a context as well as the calls made on it.

use std::ops::Range;

use serde::{Deserialize, Serialize};
use tree_sitter::Node;

use crate::check::bind_arguments;
use crate::registry::PackInfo;
use crate::rewrite::literal_end;
use crate::semantic::{BindingValue, Model, Value};

/// What an argument tells about the application.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InventoryCategory {
    ClientId,
    Authority,
    Resource,
}

impl InventoryCategory {
    pub fn as_str(self) -> &'static str {
        match self {
            InventoryCategory::ClientId => "client-id",
            InventoryCategory::Authority => "authority",
            InventoryCategory::Resource => "resource",
        }
    }
}

/// How an inventory value was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ValueKind {
    /// A string literal: the value is its content.
    Literal,
    /// Any other expression: the value is its source text.
    Expression,
}

/// One identifying value passed to an ADAL call.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct InventoryItem {
    pub category: InventoryCategory,
    pub value: String,
    pub kind: ValueKind,
    /// The 1-based line of the argument.
    pub line: usize,
    /// The API it was passed to (`adal.AuthenticationContext`).
    pub api: String,
}

/// A string literal passed, directly or through a name bound only to it, in a secret
/// position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SecretLiteral {
    /// The literal's bytes in the file (quotes included).
    pub(crate) range: Range<usize>,
    pub(crate) parameter: String,
    pub(crate) api: String,
}

/// One argument of a call to an API some pack has a signature for.
struct ApiArgument<'t> {
    api: String,
    parameter: String,
    node: Node<'t>,
    pack: usize,
}

fn api_arguments<'t>(model: &Model<'t>, packs: &[PackInfo]) -> Vec<ApiArgument<'t>> {
    let mut found = Vec::new();
    for call in &model.facts.calls {
        let Value::Symbol(name) = model.evaluate(call.callee) else {
            continue;
        };
        for (index, pack) in packs.iter().enumerate() {
            let Some(parameters) = pack.signatures.get(&name) else {
                continue;
            };
            let bound = bind_arguments(model.source, call, parameters);
            let mut arguments: Vec<_> = bound.values.into_iter().collect();
            arguments.sort_by_key(|(_, node)| node.start_byte());
            for (parameter, node) in arguments {
                found.push(ApiArgument {
                    api: name.clone(),
                    parameter,
                    node,
                    pack: index,
                });
            }
        }
    }
    found
}

/// The content of a plain string literal (no interpolation), without prefix and quotes.
pub(crate) fn literal_value(model: &Model<'_>, node: Node<'_>) -> Option<String> {
    literal_end(node)?;
    split_string_literal(model.text(node)).map(|(_, content, _)| content.to_string())
}

/// A string literal's source split into its opening (prefix and quote), its content and
/// its closing quote: `r"abc"` → (`r"`, `abc`, `"`).
pub(crate) fn split_string_literal(literal: &str) -> Option<(&str, &str, &str)> {
    let prefix = literal.len()
        - literal
            .trim_start_matches(|c: char| c.is_ascii_alphabetic())
            .len();
    let body = &literal[prefix..];
    ["\"\"\"", "'''", "\"", "'", "`"]
        .into_iter()
        .find(|quote| {
            body.len() >= 2 * quote.len() && body.starts_with(quote) && body.ends_with(quote)
        })
        .map(|quote| {
            let open = prefix + quote.len();
            let close = literal.len() - quote.len();
            (&literal[..open], &literal[open..close], &literal[close..])
        })
}

/// The literal an argument is, or the one literal a plain name in it is bound to.
fn literal_node<'t>(model: &Model<'t>, node: Node<'t>) -> Option<Node<'t>> {
    if literal_value(model, node).is_some() {
        return Some(node);
    }
    if node.kind() != "identifier" {
        return None;
    }
    let ids = model.lookup(model.text(node), node.start_byte());
    let mut literal = None;
    for id in ids {
        let BindingValue::Expr(value) = model.facts.bindings[id].value else {
            return None;
        };
        if literal_value(model, value).is_none() || literal.is_some_and(|l: Node<'_>| l != value) {
            return None;
        }
        literal = Some(value);
    }
    literal
}

/// Literal secrets passed to ADAL calls, each once, in file order.
pub(crate) fn secrets(model: &Model<'_>, packs: &[PackInfo]) -> Vec<SecretLiteral> {
    let mut found: Vec<SecretLiteral> = Vec::new();
    for argument in api_arguments(model, packs) {
        if !packs[argument.pack]
            .secret_parameters
            .contains(&argument.parameter)
        {
            continue;
        }
        let Some(literal) = literal_node(model, argument.node) else {
            continue;
        };
        if literal_value(model, literal).is_none_or(|v| v.is_empty()) {
            continue;
        }
        if found.iter().all(|s| s.range != literal.byte_range()) {
            found.push(SecretLiteral {
                range: literal.byte_range(),
                parameter: argument.parameter,
                api: argument.api,
            });
        }
    }
    found.sort_by_key(|s| s.range.start);
    found
}

/// The identifying values passed to ADAL calls, sorted and without repeats. A name bound
/// only to a string literal shows that literal.
pub(crate) fn inventory(model: &Model<'_>, packs: &[PackInfo]) -> Vec<InventoryItem> {
    let mut items: Vec<InventoryItem> = api_arguments(model, packs)
        .into_iter()
        .filter_map(|argument| {
            let category = *packs[argument.pack].inventory.get(&argument.parameter)?;
            let literal = literal_node(model, argument.node);
            let (value, kind) = match literal.and_then(|node| literal_value(model, node)) {
                Some(value) => (value, ValueKind::Literal),
                None => (model.text(argument.node).to_string(), ValueKind::Expression),
            };
            Some(InventoryItem {
                category,
                value,
                kind,
                line: argument.node.start_position().row + 1,
                api: argument.api,
            })
        })
        .collect();
    items.sort();
    items.dedup();
    items
}
