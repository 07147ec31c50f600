//! What a rule file may contain, and how it compiles into something that can run.
//!
//! `RuleDef` and friends mirror the TOML exactly (unknown keys are errors that point at the
//! line); `Rule` is the compiled, validated form the checker runs. The schema is documented
//! for rule authors in `rules/README.md`.

mod template;

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::Severity;
use crate::fix::Applicability;
use crate::language::Language;

pub(crate) use template::{Filter, Template, TemplateValues};

/// A rule pack file, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PackFile {
    pub(crate) pack: PackDef,
    #[serde(default)]
    pub(crate) rule: Vec<RuleDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct PackDef {
    pub(crate) name: Spanned<String>,
    pub(crate) languages: Vec<Language>,
    /// The deprecated library and its successor, for `--list-rules` and documentation.
    pub(crate) library: String,
    pub(crate) successor: String,
    #[serde(default)]
    pub(crate) description: String,
    /// Literal strings at least one of which appears in any file this pack can match.
    pub(crate) triggers: Spanned<Vec<String>>,
    #[serde(default)]
    pub(crate) aliases: HashMap<String, String>,
    #[serde(default)]
    pub(crate) returns: HashMap<String, String>,
    /// Parameter lists of the APIs the pack's rules name, by qualified name.
    #[serde(default)]
    pub(crate) signatures: HashMap<String, Vec<String>>,
    /// Names a library loaded by `<script src>` defines globally, by qualified name; they
    /// apply in files that bind the name nowhere (and to `window.name`).
    #[serde(default)]
    pub(crate) globals: HashMap<String, String>,
    /// Dependency-injection names (AngularJS services), by the qualified name of the object
    /// injected.
    #[serde(default)]
    pub(crate) injected: HashMap<String, String>,
    /// How to recognise a copy of the library itself committed to a project.
    pub(crate) copies: Option<CopiesDef>,
}

/// A copy of the retired library's own source (`Scripts/adal.js`): a file with one of these
/// names that contains one of these markers. Its code is not a use of the library (the
/// `<script src>` or import that loads it is), so it is not scanned.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CopiesDef {
    pub(crate) files: Vec<String>,
    pub(crate) markers: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RuleDef {
    pub(crate) id: Spanned<String>,
    pub(crate) severity: Severity,
    pub(crate) message: Spanned<String>,
    pub(crate) help: String,
    pub(crate) url: String,
    #[serde(rename = "match")]
    pub(crate) matcher: Spanned<MatchDef>,
    pub(crate) fix: Option<FixDef>,
    /// Extra prefilter literals for this rule (query rules that match text, not imports).
    #[serde(default)]
    pub(crate) triggers: Vec<String>,
    /// The languages of the pack this rule applies to, when not all of them (a query
    /// written for one grammar, such as HTML markup).
    pub(crate) languages: Option<Spanned<Vec<Language>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct MatchDef {
    /// An import of this module (or of one of these modules) or one of its submodules.
    pub(crate) import: Option<Modules>,
    /// A call of this qualified name (`pkg.Class`, `pkg.Class#method`); `*` is a wildcard.
    pub(crate) call: Option<String>,
    /// Only calls with exactly this many arguments.
    pub(crate) arity: Option<usize>,
    /// A reference to this qualified name (or to one of these) that is not called.
    pub(crate) reference: Option<Modules>,
    /// Reads of these keys...
    pub(crate) key: Option<Vec<String>>,
    /// ...on objects returned by these calls.
    pub(crate) of: Option<Vec<String>>,
    /// A raw tree-sitter query, for purely syntactic rules.
    pub(crate) query: Option<String>,
    /// The query capture a finding points at (default: the first).
    pub(crate) capture: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct FixDef {
    pub(crate) title: String,
    pub(crate) applicability: Applicability,
    /// Why the fix has its applicability, shown with it.
    pub(crate) reason: String,
    /// Replaces the matched node (the call, the reference, the capture).
    pub(crate) replace: Option<Spanned<String>>,
    /// Replaces the call that created the receiver object.
    pub(crate) origin: Option<Spanned<String>>,
    /// A statement inserted after the statement that assigns the result.
    pub(crate) after: Option<Spanned<String>>,
    /// Keys of the result renamed where it is read; a read of any other key blocks the fix.
    #[serde(default)]
    pub(crate) keys: HashMap<String, String>,
    /// Arguments the rewrite drops on purpose (`origin.api_version`); any other argument
    /// present but unused by the templates makes the fix display-only.
    #[serde(default)]
    pub(crate) drop: Vec<String>,
    #[serde(default)]
    pub(crate) add_imports: Vec<ImportDef>,
    /// Modules whose imports are removed once nothing in the file reads them.
    #[serde(default)]
    pub(crate) remove_imports: Vec<String>,
}

/// One name or several: `import = "adal"`, `import = ["adal-angular4", "ng2-adal"]`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum Modules {
    One(String),
    Many(Vec<String>),
}

/// An import a fix adds: `"msal"`, or `{ module = "@azure/msal-node", name = "msal" }`.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum ImportDef {
    Module(String),
    Named { module: String, name: String },
}

impl ImportDef {
    pub(crate) fn module(&self) -> &str {
        match self {
            ImportDef::Module(module) | ImportDef::Named { module, .. } => module,
        }
    }

    /// The local name the templates use for the module.
    pub(crate) fn name(&self) -> &str {
        match self {
            ImportDef::Module(module) => module,
            ImportDef::Named { name, .. } => name,
        }
    }
}

/// A glob over qualified names: `*` matches any run of characters but `#`, so
/// `Class#*` names the members of an instance and not the members of what they return.
#[derive(Clone, Debug)]
pub(crate) struct NamePattern(String);

impl NamePattern {
    pub(crate) fn new(pattern: &str) -> Self {
        NamePattern(pattern.to_string())
    }

    pub(crate) fn literal(&self) -> Option<&str> {
        (!self.0.contains('*')).then_some(self.0.as_str())
    }

    pub(crate) fn matches(&self, name: &str) -> bool {
        glob_matches(self.0.as_bytes(), name.as_bytes())
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

fn glob_matches(pattern: &[u8], text: &[u8]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some((b'*', rest)) => {
            let run = text.iter().position(|&c| c == b'#').unwrap_or(text.len());
            (0..=run).any(|skip| glob_matches(rest, &text[skip..]))
        }
        Some((c, rest)) => text
            .split_first()
            .is_some_and(|(t, text)| t == c && glob_matches(rest, text)),
    }
}

/// What a compiled rule matches.
#[derive(Debug)]
pub(crate) enum Matcher {
    Import(Vec<String>),
    Call {
        pattern: NamePattern,
        arity: Option<usize>,
    },
    Reference(Vec<NamePattern>),
    Key {
        keys: Vec<String>,
        of: Vec<NamePattern>,
    },
    Query {
        /// One compiled query per language of the pack.
        queries: Vec<(Language, tree_sitter::Query)>,
        capture: String,
    },
}

/// A compiled fix recipe.
#[derive(Debug)]
pub(crate) struct FixRecipe {
    pub(crate) title: String,
    pub(crate) applicability: Applicability,
    pub(crate) reason: String,
    pub(crate) replace: Option<Template>,
    pub(crate) origin: Option<Template>,
    pub(crate) after: Option<Template>,
    pub(crate) keys: HashMap<String, String>,
    pub(crate) drop: Vec<String>,
    pub(crate) add_imports: Vec<ImportDef>,
    pub(crate) remove_imports: Vec<String>,
}

/// A rule ready to run.
#[derive(Debug)]
pub(crate) struct Rule {
    pub(crate) id: Arc<str>,
    pub(crate) pack: Arc<str>,
    pub(crate) languages: Vec<Language>,
    pub(crate) severity: Severity,
    pub(crate) message: Template,
    pub(crate) help: String,
    pub(crate) url: String,
    pub(crate) matcher: Matcher,
    pub(crate) fix: Option<FixRecipe>,
    /// The parameter names of the matched call, when it is a call rule with a signature.
    pub(crate) parameters: Vec<String>,
    /// The parameter names of the call that creates the receiver (`origin.*`).
    pub(crate) origin_parameters: Vec<String>,
    /// Prefilter literals of the rule itself, beyond its pack's.
    pub(crate) triggers: Vec<String>,
    /// The message as written, placeholders and all, for listings.
    summary: String,
}

impl Rule {
    /// True when the rule's pack covers code in `language` (a `javascript` pack covers
    /// TypeScript too; see `Language::covered`).
    pub(crate) fn applies_to(&self, language: Language) -> bool {
        self.languages
            .iter()
            .any(|pack| pack.covered().contains(&language))
    }

    /// The rule's message as written, for listings.
    pub(crate) fn summary(&self) -> String {
        self.summary.clone()
    }
}

/// A problem in a rule file, with the bytes it is about.
#[derive(Debug)]
pub(crate) struct DefinitionError {
    pub(crate) span: Range<usize>,
    pub(crate) message: String,
}

impl DefinitionError {
    fn new(span: Range<usize>, message: impl Into<String>) -> Self {
        DefinitionError {
            span,
            message: message.into(),
        }
    }
}

fn is_kebab_case(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && !id.ends_with('-')
        && !id.contains("--")
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

impl Rule {
    /// Compiles one rule of a pack.
    pub(crate) fn compile(definition: RuleDef, pack: &PackDef) -> Result<Rule, DefinitionError> {
        let id = definition.id.get_ref().clone();
        if !is_kebab_case(&id) {
            return Err(DefinitionError::new(
                definition.id.span(),
                format!("rule id `{id}` is not kebab-case (lower-case words joined by `-`)"),
            ));
        }
        let languages = match definition.languages {
            None => pack.languages.clone(),
            Some(languages) => {
                let outside: Vec<&str> = languages
                    .get_ref()
                    .iter()
                    .filter(|l| !pack.languages.contains(l))
                    .map(|l| l.name())
                    .collect();
                if !outside.is_empty() || languages.get_ref().is_empty() {
                    return Err(DefinitionError::new(
                        languages.span(),
                        format!(
                            "a rule's `languages` must be some of its pack's ({}); not: {}",
                            pack.languages
                                .iter()
                                .map(|l| l.name())
                                .collect::<Vec<_>>()
                                .join(", "),
                            if outside.is_empty() {
                                "none".to_string()
                            } else {
                                outside.join(", ")
                            }
                        ),
                    ));
                }
                languages.into_inner()
            }
        };
        let match_span = definition.matcher.span();
        let matcher_def = definition.matcher.into_inner();
        let matcher = compile_matcher(matcher_def, &languages, match_span.clone())?;
        let (parameters, origin_parameters) = match &matcher {
            Matcher::Call { pattern, .. } => {
                let name = pattern.as_str();
                let parameters = pack.signatures.get(name).cloned().unwrap_or_default();
                let origin = name
                    .split_once('#')
                    .and_then(|(class, _)| pack.signatures.get(class).cloned())
                    .unwrap_or_default();
                (parameters, origin)
            }
            _ => (Vec::new(), Vec::new()),
        };
        let scope = TemplateScope {
            parameters: &parameters,
            origin_parameters: &origin_parameters,
            captures: match &matcher {
                Matcher::Query { queries, .. } => queries
                    .first()
                    .map(|(_, q)| q.capture_names().iter().map(|c| (*c).to_string()).collect())
                    .unwrap_or_default(),
                _ => Vec::new(),
            },
        };
        let summary = definition.message.get_ref().clone();
        let message = Template::parse(definition.message.get_ref())
            .and_then(|t| scope.check(&t).map(|()| t))
            .map_err(|error| DefinitionError::new(definition.message.span(), error))?;
        let fix = definition
            .fix
            .map(|fix| compile_fix(fix, &scope, &matcher, match_span))
            .transpose()?;
        Ok(Rule {
            id: id.into(),
            pack: pack.name.get_ref().as_str().into(),
            languages,
            severity: definition.severity,
            message,
            help: definition.help,
            url: definition.url,
            matcher,
            fix,
            parameters,
            origin_parameters,
            triggers: definition.triggers,
            summary,
        })
    }
}

fn compile_matcher(
    definition: MatchDef,
    languages: &[Language],
    span: Range<usize>,
) -> Result<Matcher, DefinitionError> {
    let kinds = [
        definition.import.is_some(),
        definition.call.is_some(),
        definition.reference.is_some(),
        definition.key.is_some(),
        definition.query.is_some(),
    ];
    if kinds.iter().filter(|k| **k).count() != 1 {
        return Err(DefinitionError::new(
            span,
            "`match` needs exactly one of `import`, `call`, `reference`, `key` or `query`",
        ));
    }
    if definition.arity.is_some() && definition.call.is_none() {
        return Err(DefinitionError::new(
            span,
            "`arity` only applies to `call` matches",
        ));
    }
    if definition.of.is_some() != definition.key.is_some() {
        return Err(DefinitionError::new(span, "`key` and `of` go together"));
    }
    if let Some(modules) = definition.import {
        return Ok(Matcher::Import(match modules {
            Modules::One(module) => vec![module],
            Modules::Many(modules) => modules,
        }));
    }
    if let Some(call) = definition.call {
        return Ok(Matcher::Call {
            pattern: NamePattern::new(&call),
            arity: definition.arity,
        });
    }
    if let Some(references) = definition.reference {
        let patterns = match references {
            Modules::One(pattern) => vec![pattern],
            Modules::Many(patterns) => patterns,
        };
        return Ok(Matcher::Reference(
            patterns.iter().map(|p| NamePattern::new(p)).collect(),
        ));
    }
    if let (Some(keys), Some(of)) = (definition.key, definition.of) {
        return Ok(Matcher::Key {
            keys,
            of: of.iter().map(|o| NamePattern::new(o)).collect(),
        });
    }
    let source = definition.query.unwrap_or_default();
    let mut queries: Vec<(Language, tree_sitter::Query)> = Vec::new();
    let covered = languages.iter().flat_map(|l| l.covered().iter().copied());
    for language in covered {
        if queries.iter().any(|(l, _)| *l == language) {
            continue;
        }
        let query = tree_sitter::Query::new(&language.grammar(), &source).map_err(|error| {
            DefinitionError::new(
                span.clone(),
                format!(
                    "invalid tree-sitter query for {} (query line {}): {}",
                    language.name(),
                    error.row + 1,
                    error.message
                ),
            )
        })?;
        queries.push((language, query));
    }
    let names: Vec<String> = queries
        .first()
        .map(|(_, q)| q.capture_names().iter().map(|c| (*c).to_string()).collect())
        .unwrap_or_default();
    let capture = match definition.capture {
        Some(capture) if names.contains(&capture) => capture,
        Some(capture) => {
            return Err(DefinitionError::new(
                span,
                format!("the query has no capture `@{capture}`"),
            ));
        }
        None => names.first().cloned().ok_or_else(|| {
            DefinitionError::new(span.clone(), "the query has no capture to report")
        })?,
    };
    Ok(Matcher::Query { queries, capture })
}

/// The names a template may use.
struct TemplateScope<'a> {
    parameters: &'a [String],
    origin_parameters: &'a [String],
    captures: Vec<String>,
}

impl TemplateScope<'_> {
    fn check(&self, template: &Template) -> Result<(), String> {
        for name in template.names() {
            // `config.clientId` and `origin.config.clientId` go into the `config` argument.
            let known = match name.strip_prefix("origin.") {
                Some(path) => {
                    let parameter = path.split('.').next().unwrap_or_default();
                    self.origin_parameters.iter().any(|p| p == parameter)
                }
                None => {
                    let parameter = name.split('.').next().unwrap_or_default();
                    matches!(name, "receiver" | "result")
                        || self.parameters.iter().any(|p| p == parameter)
                        || self.captures.iter().any(|c| c == name)
                }
            };
            if !known {
                return Err(format!(
                    "the template names `{name}`, which is not a parameter of the matched API"
                ));
            }
        }
        Ok(())
    }
}

fn compile_fix(
    definition: FixDef,
    scope: &TemplateScope<'_>,
    matcher: &Matcher,
    match_span: Range<usize>,
) -> Result<FixRecipe, DefinitionError> {
    let compile = |source: Option<Spanned<String>>| -> Result<Option<Template>, DefinitionError> {
        source
            .map(|source| {
                Template::parse(source.get_ref())
                    .and_then(|t| scope.check(&t).map(|()| t))
                    .map_err(|error| DefinitionError::new(source.span(), error))
            })
            .transpose()
    };
    let origin_needed = definition.origin.is_some();
    let recipe = FixRecipe {
        title: definition.title,
        applicability: definition.applicability,
        reason: definition.reason,
        replace: compile(definition.replace)?,
        origin: compile(definition.origin)?,
        after: compile(definition.after)?,
        keys: definition.keys,
        drop: definition.drop,
        add_imports: definition.add_imports,
        remove_imports: definition.remove_imports,
    };
    if origin_needed
        && !matches!(matcher, Matcher::Call { pattern, .. } if pattern.as_str().contains('#'))
    {
        return Err(DefinitionError::new(
            match_span,
            "`fix.origin` needs a method-call match (`call = \"pkg.Class#method\"`)",
        ));
    }
    Ok(recipe)
}

#[cfg(test)]
mod tests {
    use super::NamePattern;

    #[test]
    fn a_star_stays_within_one_member_hop() {
        let members = NamePattern::new("m:Class#*");
        assert!(members.matches("m:Class#login"));
        assert!(members.matches("m:Class#config.clientId"));
        assert!(!members.matches("m:Class#getUser#userName"));
        assert!(NamePattern::new("m:*#*").matches("m:Service#login"));
        assert!(!NamePattern::new("m:*").matches("m:Service#login"));
        assert!(NamePattern::new("m:*").matches("m:a.b"));
    }
}
