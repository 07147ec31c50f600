//! Fix and message templates: text with `{{name}}` placeholders for bound arguments,
//! filters (`{{name|scope}}`, `{{name|replace:old=>new}}`, ...), and `{{#name}}...{{/name}}` /
//! `{{^name}}...{{/name}}` sections kept only when the argument was (or was not) passed.
//!
//! A name may go into an object literal passed as the argument: `{{config.clientId}}` is
//! the value of the `clientId` key of the `config` argument. A placeholder may join values
//! and string literals with ` + ` (`{{config.instance|or:"https://login.microsoftonline.com/" + config.tenant}}`):
//! adjacent plain string literals are folded into one, other operands parenthesised when
//! they are not a plain name. `|or:"literal"` stands for a value that was not passed.

/// A transformation applied to an argument's source text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Filter {
    /// A v1 resource to its v2 scope: `resource + "/.default"`, folded into the literal
    /// when the resource is a string literal. Never strips or adds a trailing slash.
    Scope,
    /// The tenant of an authority URL on the public cloud (`"contoso"` from
    /// `"https://login.microsoftonline.com/contoso"`, `tenant` from
    /// `"https://login.microsoftonline.com/" + tenant`); no value when it cannot be read
    /// statically.
    Tenant,
    /// A v1 tenant for user sign-in to its v2 equivalent: the literal `common` (work and
    /// school accounts in v1) becomes `organizations`; anything else is kept.
    V2Tenant,
    /// An authority for user flows: a literal ending in `/common` becomes `/organizations`,
    /// which keeps ADAL's work-and-school-only audience on the v2 endpoint.
    Organizations,
    /// A Node-style callback as the promise handlers that replace it:
    /// `.then(onSuccess, onError)`.
    Then,
    /// A Node-style callback whose success path ends by handing its result to the fix's
    /// `continuation` call, as a one-parameter handler holding the statements before that
    /// call: `(info) => { console.log(info.message); }`.
    Prelude,
    /// One argument that is either content or a path to it, told apart by the content's
    /// `prefix` (ms-rest-nodeauth's PEM text or `.pem` path), as the object literal the new
    /// API takes: `{ certificate: x }` or `{ certificatePath: x }`, decided for a string
    /// literal, tested at run time (`x.startsWith(prefix) ? ... : ...`) for a name or member.
    ContentOrPath {
        prefix: String,
        content: String,
        path: String,
    },
    /// Every occurrence of `from` in the source text becomes `to`: replaces part of a string
    /// literal (a host in a URL) and keeps its quotes, prefix and the rest.
    Replace { from: String, to: String },
}

impl Filter {
    fn parse(spec: &str) -> Result<Filter, String> {
        let (name, argument) = match spec.split_once(':') {
            Some((name, argument)) => (name.trim(), Some(argument)),
            None => (spec, None),
        };
        match (name, argument) {
            ("scope", None) => Ok(Filter::Scope),
            ("tenant", None) => Ok(Filter::Tenant),
            ("v2-tenant", None) => Ok(Filter::V2Tenant),
            ("organizations", None) => Ok(Filter::Organizations),
            ("then", None) => Ok(Filter::Then),
            ("prelude", None) => Ok(Filter::Prelude),
            ("content-or-path", Some(argument)) => {
                let parsed = argument.split_once("=>").and_then(|(prefix, keys)| {
                    let (content, path) = keys.split_once(',')?;
                    let ok =
                        !prefix.is_empty() && !content.trim().is_empty() && !path.trim().is_empty();
                    ok.then(|| Filter::ContentOrPath {
                        prefix: prefix.to_string(),
                        content: content.trim().to_string(),
                        path: path.trim().to_string(),
                    })
                });
                parsed.ok_or_else(|| {
                    format!(
                        "`content-or-path` needs `prefix=>contentKey,pathKey`, not `{argument}`"
                    )
                })
            }
            ("replace", Some(argument)) => match argument.split_once("=>") {
                Some((from, to)) if !from.is_empty() => Ok(Filter::Replace {
                    from: from.to_string(),
                    to: to.to_string(),
                }),
                _ => Err(format!(
                    "`replace` needs `old=>new` with a non-empty `old`, not `{argument}`"
                )),
            },
            _ => Err(format!(
                "unknown template filter `{spec}` (known: `scope`, `tenant`, `v2-tenant`, `organizations`, `then`, `prelude`, `content-or-path:prefix=>contentKey,pathKey`, `replace:old=>new`, `or:\"literal\"`)"
            )),
        }
    }

    /// Applies a filter that only needs the text (`replace`; the others need the syntax
    /// tree).
    pub(crate) fn apply_to_text(&self, text: &str) -> Option<String> {
        match self {
            Filter::Replace { from, to } => Some(text.replace(from.as_str(), to)),
            _ => None,
        }
    }
}

/// One operand of a placeholder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Operand {
    /// A bound name, with an optional filter and the literal used when it was not passed.
    Name {
        name: String,
        filter: Option<Filter>,
        default: Option<String>,
    },
    /// A string literal written in the template, quotes included.
    Literal(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Piece {
    Text(String),
    /// `{{a}}`, or a concatenation `{{a + "literal" + b|filter}}`.
    Value(Vec<Operand>),
    Section {
        name: String,
        inverted: bool,
        body: Vec<Piece>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Template {
    pieces: Vec<Piece>,
}

/// What a template is rendered against.
pub(crate) trait TemplateValues {
    /// The text for a placeholder, or `None` when the name is not bound.
    fn value(&self, name: &str, filter: Option<&Filter>) -> Option<String>;
    /// Whether a section's argument was passed.
    fn is_present(&self, name: &str) -> bool;
    /// A string literal written in the template, in the target's preferred quotes.
    fn literal(&self, text: &str) -> String {
        text.to_string()
    }
}

impl Template {
    pub(crate) fn parse(source: &str) -> Result<Template, String> {
        let mut stack: Vec<(String, bool, Vec<Piece>)> = Vec::new();
        let mut pieces = Vec::new();
        let mut rest = source;
        while let Some(open) = rest.find("{{") {
            if open > 0 {
                pieces.push(Piece::Text(rest[..open].to_string()));
            }
            let after = &rest[open + 2..];
            let close = after.find("}}").ok_or_else(|| {
                format!(
                    "unclosed `{{{{` in template near `{}`",
                    &rest[open..rest.len().min(open + 20)]
                )
            })?;
            let tag = after[..close].trim();
            rest = &after[close + 2..];
            if let Some(name) = tag.strip_prefix('#').or_else(|| tag.strip_prefix('^')) {
                stack.push((
                    name.trim().to_string(),
                    tag.starts_with('^'),
                    std::mem::take(&mut pieces),
                ));
            } else if let Some(name) = tag.strip_prefix('/') {
                let (open_name, inverted, outer) = stack
                    .pop()
                    .ok_or_else(|| format!("`{{{{/{name}}}}}` closes no section"))?;
                if open_name != name.trim() {
                    return Err(format!(
                        "`{{{{/{name}}}}}` closes the section `{open_name}`"
                    ));
                }
                let body = std::mem::replace(&mut pieces, outer);
                pieces.push(Piece::Section {
                    name: open_name,
                    inverted,
                    body,
                });
            } else {
                if tag.is_empty() {
                    return Err("empty `{{}}` in template".to_string());
                }
                let operands = split_outside_quotes(tag, " + ")
                    .into_iter()
                    .map(|operand| parse_operand(operand.trim()))
                    .collect::<Result<Vec<_>, _>>()?;
                pieces.push(Piece::Value(operands));
            }
        }
        if !rest.is_empty() {
            pieces.push(Piece::Text(rest.to_string()));
        }
        if let Some((name, _, _)) = stack.pop() {
            return Err(format!("section `{name}` is never closed"));
        }
        Ok(Template { pieces })
    }

    /// Every name the template refers to.
    pub(crate) fn names(&self) -> Vec<&str> {
        fn walk<'a>(pieces: &'a [Piece], names: &mut Vec<&'a str>) {
            for piece in pieces {
                match piece {
                    Piece::Text(_) => {}
                    Piece::Value(operands) => {
                        for operand in operands {
                            if let Operand::Name { name, .. } = operand {
                                names.push(name);
                            }
                        }
                    }
                    Piece::Section { name, body, .. } => {
                        names.push(name);
                        walk(body, names);
                    }
                }
            }
        }
        let mut names = Vec::new();
        walk(&self.pieces, &mut names);
        names
    }

    /// Renders the template; `Err(name)` names the first placeholder with no value.
    pub(crate) fn render(&self, values: &dyn TemplateValues) -> Result<String, String> {
        self.render_indented(values, "")
    }

    /// Renders the template with `indent` after each of the template's own line breaks
    /// (values keep theirs), so a multi-line template lines up with the line it lands on.
    pub(crate) fn render_indented(
        &self,
        values: &dyn TemplateValues,
        indent: &str,
    ) -> Result<String, String> {
        fn walk(
            pieces: &[Piece],
            values: &dyn TemplateValues,
            indent: &str,
            out: &mut String,
        ) -> Result<(), String> {
            for piece in pieces {
                match piece {
                    Piece::Text(text) if indent.is_empty() => out.push_str(text),
                    Piece::Text(text) => out.push_str(&text.replace('\n', &format!("\n{indent}"))),
                    Piece::Value(operands) => {
                        let rendered = operands
                            .iter()
                            .map(|operand| render_operand(operand, values))
                            .collect::<Result<Vec<_>, _>>()?;
                        out.push_str(&concatenate(rendered));
                    }
                    Piece::Section {
                        name,
                        inverted,
                        body,
                    } => {
                        if values.is_present(name) != *inverted {
                            walk(body, values, indent, out)?;
                        }
                    }
                }
            }
            Ok(())
        }
        let mut out = String::new();
        walk(&self.pieces, values, indent, &mut out)?;
        Ok(out)
    }
}

/// Splits `text` at each `separator` that is not inside a string literal.
fn split_outside_quotes<'a>(text: &'a str, separator: &str) -> Vec<&'a str> {
    let mut parts = Vec::new();
    let mut quote: Option<char> = None;
    let mut start = 0;
    let mut index = 0;
    while index < text.len() {
        let c = text[index..].chars().next().unwrap_or(' ');
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if text[index..].starts_with(separator) => {
                parts.push(&text[start..index]);
                index += separator.len();
                start = index;
                continue;
            }
            None => {}
        }
        index += c.len_utf8();
    }
    parts.push(&text[start..]);
    parts
}

fn parse_operand(text: &str) -> Result<Operand, String> {
    if text.starts_with('"') || text.starts_with('\'') {
        return if plain_literal(text).is_some() {
            Ok(Operand::Literal(text.to_string()))
        } else {
            Err(format!("`{text}` is not a plain string literal"))
        };
    }
    let mut parts = split_outside_quotes(text, "|").into_iter();
    let name = parts.next().unwrap_or_default().trim();
    if name.is_empty() {
        return Err("a placeholder operand names nothing".to_string());
    }
    let mut filter = None;
    let mut default = None;
    for part in parts {
        let part = part.trim();
        if let Some(literal) = part.strip_prefix("or:") {
            let literal = literal.trim();
            if plain_literal(literal).is_none() {
                return Err(format!(
                    "`or:` takes a plain string literal, not `{literal}`"
                ));
            }
            default = Some(literal.to_string());
        } else if filter.is_some() {
            return Err(format!("`{name}` has more than one filter"));
        } else {
            filter = Some(Filter::parse(part)?);
        }
    }
    Ok(Operand::Name {
        name: name.to_string(),
        filter,
        default,
    })
}

fn render_operand(operand: &Operand, values: &dyn TemplateValues) -> Result<String, String> {
    match operand {
        Operand::Literal(text) => Ok(values.literal(text)),
        Operand::Name {
            name,
            default: Some(default),
            ..
        } if !values.is_present(name) => Ok(values.literal(default)),
        Operand::Name { name, filter, .. } => values
            .value(name, filter.as_ref())
            .ok_or_else(|| name.clone()),
    }
}

/// The quote and content of a string literal with no escapes and no inner quote of its kind.
fn plain_literal(text: &str) -> Option<(char, &str)> {
    let quote = text.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let inner = text.strip_prefix(quote)?.strip_suffix(quote)?;
    (text.len() >= 2 && !inner.contains(quote) && !inner.contains('\\')).then_some((quote, inner))
}

/// Joins rendered operands with ` + `, folding adjacent plain string literals and
/// parenthesising operands that are neither literals nor plain names.
fn concatenate(operands: Vec<String>) -> String {
    if operands.len() == 1 {
        return operands.into_iter().next().unwrap_or_default();
    }
    let mut folded: Vec<String> = Vec::new();
    for operand in operands {
        if let (Some(last), Some((_, inner))) = (folded.last_mut(), plain_literal(&operand)) {
            if let Some((quote, previous)) = plain_literal(last) {
                if !inner.contains(quote) {
                    *last = format!("{quote}{previous}{inner}{quote}");
                    continue;
                }
            }
        }
        folded.push(operand);
    }
    let simple = |text: &str| {
        plain_literal(text).is_some()
            || text.split('.').all(|part| {
                part.chars()
                    .next()
                    .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
                    && part
                        .chars()
                        .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
            })
    };
    folded
        .into_iter()
        .map(|operand| {
            if simple(&operand) {
                operand
            } else {
                format!("({operand})")
            }
        })
        .collect::<Vec<_>>()
        .join(" + ")
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    struct Map(HashMap<&'static str, &'static str>);

    impl TemplateValues for Map {
        fn value(&self, name: &str, filter: Option<&Filter>) -> Option<String> {
            let value = self.0.get(name)?;
            Some(match filter {
                Some(Filter::Scope) => format!("{value} + \"/.default\""),
                Some(other) => other
                    .apply_to_text(value)
                    .unwrap_or_else(|| (*value).to_string()),
                None => (*value).to_string(),
            })
        }
        fn is_present(&self, name: &str) -> bool {
            self.0.contains_key(name)
        }
    }

    #[test]
    fn replace_filter_changes_part_of_the_text() {
        let template =
            Template::parse("{{url|replace:login.windows.net=>login.microsoftonline.com}}")
                .expect("parses");
        let values = Map(HashMap::from([(
            "url",
            "'https://login.windows.net/contoso/login.windows.net'",
        )]));
        assert_eq!(
            template.render(&values).expect("renders"),
            "'https://login.microsoftonline.com/contoso/login.microsoftonline.com'"
        );
    }

    #[test]
    fn replace_filter_needs_an_argument() {
        assert!(Template::parse("{{a|replace}}").is_err());
        assert!(Template::parse("{{a|replace:x}}").is_err());
        assert!(Template::parse("{{a|replace:=>x}}").is_err());
        assert!(Template::parse("{{a|scope:x}}").is_err());
        assert!(Template::parse("{{a|replace:x=>}}").is_ok());
    }

    #[test]
    fn content_or_path_filter_needs_a_prefix_and_two_keys() {
        assert!(
            Template::parse("{{a|content-or-path:-----BEGIN=>certificate,certificatePath}}")
                .is_ok()
        );
        assert!(Template::parse("{{a|content-or-path}}").is_err());
        assert!(Template::parse("{{a|content-or-path:=>certificate,certificatePath}}").is_err());
        assert!(Template::parse("{{a|content-or-path:-----BEGIN=>certificate}}").is_err());
        assert!(Template::parse("{{a|content-or-path:-----BEGIN=>,certificatePath}}").is_err());
    }

    #[test]
    fn renders_values_filters_and_sections() {
        let template =
            Template::parse("f({{a}}, s=[{{r|scope}}]{{#p}}, p={{p}}{{/p}}{{^q}}, q=None{{/q}})")
                .expect("parses");
        let values = Map(HashMap::from([("a", "x"), ("r", "res")]));
        assert_eq!(
            template.render(&values).expect("renders"),
            "f(x, s=[res + \"/.default\"], q=None)"
        );
    }

    #[test]
    fn missing_value_names_the_placeholder() {
        let template = Template::parse("{{missing}}").expect("parses");
        assert_eq!(
            template.render(&Map(HashMap::new())),
            Err("missing".to_string())
        );
    }

    #[test]
    fn concatenations_fold_literals_and_use_defaults() {
        let template =
            Template::parse("a: {{i|or:\"https://h/\" + t|or:\"organizations\"}}").expect("parses");
        let with = Map(HashMap::from([("i", "'https://x/'"), ("t", "'contoso'")]));
        assert_eq!(
            template.render(&with).expect("renders"),
            "a: 'https://x/contoso'"
        );
        let without = Map(HashMap::new());
        assert_eq!(
            template.render(&without).expect("renders"),
            "a: \"https://h/organizations\""
        );
        let mixed = Map(HashMap::from([
            ("i", "base.url"),
            ("t", "tenant || 'common'"),
        ]));
        assert_eq!(
            template.render(&mixed).expect("renders"),
            "a: base.url + (tenant || 'common')"
        );
        assert_eq!(
            Template::parse("{{a.b.c}}").expect("parses").names(),
            vec!["a.b.c"]
        );
    }

    #[test]
    fn unbalanced_sections_are_errors() {
        assert!(Template::parse("{{#a}}x").is_err());
        assert!(Template::parse("x{{/a}}").is_err());
        assert!(Template::parse("{{#a}}x{{/b}}").is_err());
        assert!(Template::parse("{{a|nope}}").is_err());
    }
}
