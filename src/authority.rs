//! Reading authority URLs in source code: the tenant of an ADAL authority, and the v2
//! spelling of a `common` authority for user flows. Used by the `tenant` and
//! `organizations` template filters.

use tree_sitter::Node;

use crate::semantic::{BindingValue, Model};

/// Hosts of the public Microsoft identity platform: their authorities need no `authority=`
/// argument in Azure Identity.
const PUBLIC_HOSTS: &[&str] = &[
    "login.microsoftonline.com",
    "login.windows.net",
    "login.microsoft.com",
    "sts.windows.net",
];

/// The tenant part of `https://HOST/TENANT...` when HOST is public; `None` otherwise.
fn tenant_of_url(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("https://")?;
    let (host, path) = rest.split_once('/')?;
    if !PUBLIC_HOSTS.contains(&host.to_ascii_lowercase().as_str()) {
        return None;
    }
    let tenant = path.split('/').next()?;
    (!tenant.is_empty()).then_some(tenant)
}

/// The text of a plain string literal (no interpolation), with its quote character.
fn literal(model: &Model<'_>, node: Node<'_>) -> Option<(String, char)> {
    if !matches!(node.kind(), "string" | "template_string") {
        return None;
    }
    let mut cursor = node.walk();
    let interpolated = node
        .named_children(&mut cursor)
        .any(|c| matches!(c.kind(), "interpolation" | "template_substitution"));
    if interpolated {
        return None;
    }
    let text = model.text(node);
    let quote = text.chars().find(|c| matches!(c, '"' | '\'' | '`'))?;
    let start = text.find(quote)?;
    let end = text.rfind(quote)?;
    (end > start).then(|| (text[start + 1..end].to_string(), quote))
}

/// The tenant of an authority expression, as source text for an argument.
pub(crate) fn tenant(model: &Model<'_>, node: Node<'_>) -> Option<String> {
    tenant_at(model, node, node.start_byte(), 0)
}

/// The tenant of `node`, as text valid at `position` (where the argument will be written).
fn tenant_at(model: &Model<'_>, node: Node<'_>, position: usize, depth: usize) -> Option<String> {
    let mut node = node;
    while node.kind() == "parenthesized_expression" {
        node = node.named_child(0)?;
    }
    if node.kind() == "identifier" && depth < 4 {
        // `authority = "https://login.microsoftonline.com/" + tenant` assigned once, before:
        // read through the name when everything the value uses means the same here.
        let bindings = model.lookup(model.text(node), node.start_byte());
        let [binding] = bindings.as_slice() else {
            return None;
        };
        let BindingValue::Expr(value) = model.facts.bindings[*binding].value else {
            return None;
        };
        let tenant = tenant_at(model, value, position, depth + 1)?;
        return same_meaning(model, value, position).then_some(tenant);
    }
    match node.kind() {
        "string" | "template_string" => {
            if let Some((url, quote)) = literal(model, node) {
                let tenant = tenant_of_url(&url)?;
                return (!tenant.contains(['%', '{'])).then(|| format!("{quote}{tenant}{quote}"));
            }
            // `f"https://login.microsoftonline.com/{tenant}"` / `` `https://…/${tenant}` ``
            let mut cursor = node.walk();
            let parts: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
            let substitutions: Vec<&Node<'_>> = parts
                .iter()
                .filter(|c| matches!(c.kind(), "interpolation" | "template_substitution"))
                .collect();
            let [substitution] = substitutions.as_slice() else {
                return None;
            };
            let prefix = &model.source[node.start_byte()..substitution.start_byte()];
            let suffix = &model.source[substitution.end_byte()..node.end_byte()];
            let prefix = prefix.trim_start_matches(|c: char| c.is_ascii_alphabetic());
            let url = prefix.trim_start_matches(['"', '\'', '`']);
            let closes = suffix
                .trim_end_matches(['"', '\'', '`'])
                .trim_end_matches('/')
                .is_empty();
            if closes && url.ends_with('/') && tenant_of_url(&format!("{url}x")) == Some("x") {
                let expression = substitution.named_child(0)?;
                return Some(model.text(expression).to_string());
            }
            None
        }
        "binary_operator" | "binary_expression" => {
            let left = node.child_by_field_name("left")?;
            let right = node.child_by_field_name("right")?;
            let operator = node
                .child_by_field_name("operator")
                .map(|o| model.text(o))?;
            let url = url_prefix(model, left, 0)?;
            match operator {
                "+" if url.ends_with('/') && tenant_of_url(&format!("{url}x")) == Some("x") => {
                    Some(model.text(right).to_string())
                }
                "%" if url.ends_with("/%s")
                    && tenant_of_url(&url.replace("%s", "x")) == Some("x") =>
                {
                    (right.kind() != "tuple").then(|| model.text(right).to_string())
                }
                _ => None,
            }
        }
        // `"https://login.microsoftonline.com/{}".format(tenant)`
        "call" => {
            let function = node
                .child_by_field_name("function")
                .filter(|f| f.kind() == "attribute")?;
            let attribute = function.child_by_field_name("attribute")?;
            let (url, _) = literal(model, function.child_by_field_name("object")?)?;
            let arguments = node.child_by_field_name("arguments")?;
            let mut cursor = arguments.walk();
            let values: Vec<Node<'_>> = arguments.named_children(&mut cursor).collect();
            let tenant = url
                .strip_suffix("{}")
                .or_else(|| url.strip_suffix("{0}"))
                .filter(|base| tenant_of_url(&format!("{base}x")) == Some("x"));
            match (model.text(attribute), tenant, values.as_slice()) {
                ("format", Some(_), [value]) if value.kind() != "keyword_argument" => {
                    Some(model.text(*value).to_string())
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// The text an expression that starts an authority URL is known to hold: a literal, a name
/// bound to one, or a `+` of those (`AUTHORITY_HOST + "/"`).
fn url_prefix(model: &Model<'_>, node: Node<'_>, depth: usize) -> Option<String> {
    if let Some((text, _)) = literal(model, node) {
        return Some(text);
    }
    match node.kind() {
        "identifier" => model.string_value(node),
        "binary_operator" | "binary_expression" if depth < 4 => {
            let operator = node
                .child_by_field_name("operator")
                .map(|o| model.text(o))?;
            (operator == "+").then_some(())?;
            let left = url_prefix(model, node.child_by_field_name("left")?, depth + 1)?;
            let right = url_prefix(model, node.child_by_field_name("right")?, depth + 1)?;
            Some(left + &right)
        }
        _ => None,
    }
}

/// True when every name `value` reads resolves at `position` to the same bindings.
fn same_meaning(model: &Model<'_>, value: Node<'_>, position: usize) -> bool {
    let mut stack = vec![value];
    while let Some(node) = stack.pop() {
        if node.kind() == "identifier" && model.facts.name_reads.contains(&node) {
            let name = model.text(node);
            if model.lookup(name, node.start_byte()) != model.lookup(name, position) {
                return false;
            }
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    true
}

/// A user-flow authority: `…/common` becomes `…/organizations` in a literal; anything else
/// is kept as written.
pub(crate) fn organizations(model: &Model<'_>, node: Node<'_>) -> String {
    let text = model.text(node);
    if let Some((url, quote)) = literal(model, node) {
        let trimmed = url.trim_end_matches('/');
        if let Some(base) = trimmed.strip_suffix("/common") {
            if tenant_of_url(&format!("{base}/x")) == Some("x") {
                let start = text.find(quote).unwrap_or(0);
                return format!("{}{quote}{base}/organizations{quote}", &text[..start]);
            }
        }
    }
    text.to_string()
}

#[cfg(test)]
mod tests {
    use super::tenant_of_url;

    #[test]
    fn tenant_is_read_from_public_authorities_only() {
        assert_eq!(
            tenant_of_url("https://login.microsoftonline.com/contoso.com"),
            Some("contoso.com")
        );
        assert_eq!(
            tenant_of_url("https://login.windows.net/common/"),
            Some("common")
        );
        assert_eq!(
            tenant_of_url("https://login.microsoftonline.us/contoso"),
            None
        );
        assert_eq!(tenant_of_url("https://adfs.contoso.com/adfs"), None);
        assert_eq!(tenant_of_url("https://login.microsoftonline.com/"), None);
    }
}
