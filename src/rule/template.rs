//! Fix and message templates: text with `{{name}}` placeholders for bound arguments,
//! `{{name|scope}}` and `{{name|replace:old=>new}}` filters, and `{{#name}}...{{/name}}` /
//! `{{^name}}...{{/name}}` sections kept only when the argument was (or was not) passed.

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
    /// An authority for user flows: a literal ending in `/common` becomes `/organizations`,
    /// which keeps ADAL's work-and-school-only audience on the v2 endpoint.
    Organizations,
    /// A Node-style callback as the promise handlers that replace it:
    /// `.then(onSuccess, onError)`.
    Then,
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
            ("organizations", None) => Ok(Filter::Organizations),
            ("then", None) => Ok(Filter::Then),
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
                "unknown template filter `{spec}` (known: `scope`, `tenant`, `organizations`, `then`, `replace:old=>new`)"
            )),
        }
    }

    /// Applies a filter that only needs the text (`replace`; the others need the syntax
    /// tree).
    pub(crate) fn apply_to_text(&self, text: &str) -> Option<String> {
        match self {
            Filter::Scope | Filter::Tenant | Filter::Organizations | Filter::Then => None,
            Filter::Replace { from, to } => Some(text.replace(from.as_str(), to)),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Piece {
    Text(String),
    Value {
        name: String,
        filter: Option<Filter>,
    },
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
                let (name, filter) = match tag.split_once('|') {
                    Some((name, filter)) => (name.trim(), Some(Filter::parse(filter.trim())?)),
                    None => (tag, None),
                };
                if name.is_empty() {
                    return Err("empty `{{}}` in template".to_string());
                }
                pieces.push(Piece::Value {
                    name: name.to_string(),
                    filter,
                });
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
                    Piece::Value { name, .. } => names.push(name),
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
        fn walk(
            pieces: &[Piece],
            values: &dyn TemplateValues,
            out: &mut String,
        ) -> Result<(), String> {
            for piece in pieces {
                match piece {
                    Piece::Text(text) => out.push_str(text),
                    Piece::Value { name, filter } => {
                        out.push_str(
                            &values
                                .value(name, filter.as_ref())
                                .ok_or_else(|| name.clone())?,
                        );
                    }
                    Piece::Section {
                        name,
                        inverted,
                        body,
                    } => {
                        if values.is_present(name) != *inverted {
                            walk(body, values, out)?;
                        }
                    }
                }
            }
            Ok(())
        }
        let mut out = String::new();
        walk(&self.pieces, values, &mut out)?;
        Ok(out)
    }
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
                Some(other) => other.apply_to_text(value)?,
                None => (*value).to_string(),
            })
        }
        fn is_present(&self, name: &str) -> bool {
            self.0.contains_key(name)
        }
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
    fn unbalanced_sections_are_errors() {
        assert!(Template::parse("{{#a}}x").is_err());
        assert!(Template::parse("x{{/a}}").is_err());
        assert!(Template::parse("{{#a}}x{{/b}}").is_err());
        assert!(Template::parse("{{a|nope}}").is_err());
    }
}
