//! The set of loaded rules: loading the embedded packs or a `--rules` directory,
//! validation, unique ids, selection by `--select` / `--ignore`, and the literal prefilter
//! built from the selected rules' trigger strings.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use aho_corasick::AhoCorasick;

use crate::error::RuleFileError;
use crate::language::Language;
use crate::prefilter::{Need, Prefilter, Words};
use crate::rule::{CopiesDef, FixTarget, Matcher, PackFile, PackageDef, QueryCheck, Rule};
use crate::semantic::{ImplicitMethod, Vocabulary};

/// The packs compiled into the binary.
const EMBEDDED: &[(&str, &str)] = &[
    (
        "rules/adal-python.toml",
        include_str!("../rules/adal-python.toml"),
    ),
    (
        "rules/adal-node.toml",
        include_str!("../rules/adal-node.toml"),
    ),
    (
        "rules/ms-rest-azure.toml",
        include_str!("../rules/ms-rest-azure.toml"),
    ),
    (
        "rules/msrestazure.toml",
        include_str!("../rules/msrestazure.toml"),
    ),
    (
        "rules/azure-common.toml",
        include_str!("../rules/azure-common.toml"),
    ),
    (
        "rules/azure-cli-core.toml",
        include_str!("../rules/azure-cli-core.toml"),
    ),
    ("rules/azureml.toml", include_str!("../rules/azureml.toml")),
    (
        "rules/aad-graph.toml",
        include_str!("../rules/aad-graph.toml"),
    ),
    (
        "rules/authority.toml",
        include_str!("../rules/authority.toml"),
    ),
    (
        "rules/dependencies.toml",
        include_str!("../rules/dependencies.toml"),
    ),
    ("rules/adalint.toml", include_str!("../rules/adalint.toml")),
    (
        "rules/adal-angular.toml",
        include_str!("../rules/adal-angular.toml"),
    ),
    (
        "rules/react-adal.toml",
        include_str!("../rules/react-adal.toml"),
    ),
    (
        "rules/adal-angular-wrappers.toml",
        include_str!("../rules/adal-angular-wrappers.toml"),
    ),
    (
        "rules/angular-templates.toml",
        include_str!("../rules/angular-templates.toml"),
    ),
    (
        "rules/adal-node-method-values.toml",
        include_str!("../rules/adal-node-method-values.toml"),
    ),
    (
        "rules/adal-config-mutations.toml",
        include_str!("../rules/adal-config-mutations.toml"),
    ),
    (
        "rules/azure-cli-token-cache.toml",
        include_str!("../rules/azure-cli-token-cache.toml"),
    ),
    (
        "rules/adal-config-objects.toml",
        include_str!("../rules/adal-config-objects.toml"),
    ),
    (
        "rules/azure-keyvault-credentials.toml",
        include_str!("../rules/azure-keyvault-credentials.toml"),
    ),
];

/// The names of the embedded pack files, for the test that every file in `rules/` is
/// embedded.
pub fn embedded_pack_paths() -> Vec<&'static str> {
    EMBEDDED.iter().map(|(path, _)| *path).collect()
}

/// The embedded packs' version: how many there are and a hash of their text, so two
/// builds that print the same rules version run the same rules (`adalint --version`, the
/// SARIF driver's `fullName`).
pub fn embedded_version() -> String {
    let mut text = String::new();
    for (path, pack) in EMBEDDED {
        text.push_str(path);
        text.push('\0');
        text.push_str(pack);
        text.push('\0');
    }
    format!(
        "{} packs, {}",
        EMBEDDED.len(),
        &crate::fingerprint::stable_hash(&text)[..12]
    )
}

/// What a pack says about itself.
#[derive(Debug)]
pub struct PackInfo {
    pub name: String,
    pub library: String,
    pub successor: String,
    pub description: String,
    pub languages: Vec<Language>,
    pub(crate) triggers: Vec<String>,
    pub(crate) signatures: HashMap<String, Vec<String>>,
    pub(crate) secret_parameters: Vec<String>,
    pub(crate) inventory: HashMap<String, crate::identity::InventoryCategory>,
    pub(crate) copies: Option<CopiesDef>,
}

/// Every loaded rule.
#[derive(Debug)]
pub struct Registry {
    pub(crate) rules: Vec<Rule>,
    pub(crate) packs: Vec<PackInfo>,
    pub(crate) vocabulary: Vocabulary,
    /// Packages dependency manifests are checked for, from every pack.
    pub(crate) packages: Vec<PackageDef>,
    /// Packages whose own projects are set aside (`library_project`), from every pack.
    pub(crate) libraries: Vec<String>,
}

impl Registry {
    /// The literals a file's text needs for `rule` to match in it (see `prefilter`).
    pub(crate) fn need(&self, rule: &Rule) -> Need {
        let pack_triggers = self
            .packs
            .iter()
            .find(|p| *p.name == *rule.pack)
            .map_or(&[][..], |p| p.triggers.as_slice());
        Need::of(rule, pack_triggers, &self.vocabulary.aliases)
    }

    /// Loads the packs compiled into the binary.
    pub fn embedded() -> Result<Registry, Vec<RuleFileError>> {
        Registry::from_sources(
            QueryCheck::FirstLanguage,
            EMBEDDED
                .iter()
                .map(|(path, text)| (PathBuf::from(path), (*text).to_string()))
                .collect(),
        )
    }

    /// Loads every `*.toml` file in a directory (for rule authors).
    pub fn from_dir(dir: &Path) -> Result<Registry, Vec<RuleFileError>> {
        let entries = std::fs::read_dir(dir).map_err(|error| {
            vec![RuleFileError::io(
                dir,
                &format!("cannot read the rules directory: {error}"),
            )]
        })?;
        let mut paths: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|e| e == "toml"))
            .collect();
        paths.sort();
        if paths.is_empty() {
            return Err(vec![RuleFileError::io(
                dir,
                "the rules directory holds no `*.toml` pack",
            )]);
        }
        let mut sources = Vec::new();
        let mut errors = Vec::new();
        for path in paths {
            match std::fs::read_to_string(&path) {
                Ok(text) => sources.push((path, text)),
                Err(error) => {
                    errors.push(RuleFileError::io(&path, &format!("cannot read: {error}")))
                }
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Registry::from_sources(QueryCheck::EveryLanguage, sources)
    }

    fn from_sources(
        check: QueryCheck,
        sources: Vec<(PathBuf, String)>,
    ) -> Result<Registry, Vec<RuleFileError>> {
        let mut registry = Registry {
            rules: Vec::new(),
            packs: Vec::new(),
            vocabulary: Vocabulary::default(),
            packages: Vec::new(),
            libraries: Vec::new(),
        };
        let mut errors = Vec::new();
        let mut ids: HashMap<String, PathBuf> = HashMap::new();
        // The methods of the packs' `implicit-receivers`, by name.
        let mut implicit: Vec<(String, ImplicitMethod)> = Vec::new();
        for (path, text) in sources {
            let file: PackFile = match toml::from_str(&text) {
                Ok(file) => file,
                Err(error) => {
                    let span = error.span().unwrap_or(0..0);
                    errors.push(RuleFileError::new(
                        &path,
                        &text,
                        span,
                        error.message().to_string(),
                    ));
                    continue;
                }
            };
            let pack = file.pack;
            if pack.triggers.get_ref().iter().all(String::is_empty) {
                errors.push(RuleFileError::new(
                    &path,
                    &text,
                    pack.triggers.span(),
                    "a pack needs at least one non-empty trigger string for the prefilter"
                        .to_string(),
                ));
                continue;
            }
            if registry
                .packs
                .iter()
                .any(|p| p.name == *pack.name.get_ref())
            {
                errors.push(RuleFileError::new(
                    &path,
                    &text,
                    pack.name.span(),
                    format!("pack `{}` is defined twice", pack.name.get_ref()),
                ));
                continue;
            }
            for definition in file.rule {
                let id = definition.id.get_ref().clone();
                let span = definition.id.span();
                if let Some(first) = ids.get(&id) {
                    errors.push(RuleFileError::new(
                        &path,
                        &text,
                        span,
                        format!("rule id `{id}` is already defined in `{}`", first.display()),
                    ));
                    continue;
                }
                match Rule::compile(definition, &pack, check) {
                    Ok(rule) => {
                        ids.insert(id, path.clone());
                        registry.rules.push(rule);
                    }
                    Err(error) => {
                        errors.push(RuleFileError::new(&path, &text, error.span, error.message))
                    }
                }
            }
            registry.vocabulary.aliases.extend(pack.aliases.clone());
            registry.vocabulary.returns.extend(pack.returns.clone());
            registry.vocabulary.constants.extend(pack.constants.clone());
            registry
                .vocabulary
                .callback_results
                .extend(pack.callback_results.clone());
            registry
                .vocabulary
                .signatures
                .extend(pack.signatures.clone());
            for (class, receiver) in &pack.implicit_receivers {
                let named = receiver.methods.iter().map(|m| (m, Vec::new()));
                let generic = receiver
                    .generic_methods
                    .iter()
                    .map(|m| (m, receiver.receiver_names.clone()));
                if !receiver.generic_methods.is_empty() && receiver.receiver_names.is_empty() {
                    errors.push(RuleFileError::new(
                        &path,
                        &text,
                        pack.name.span(),
                        format!("`implicit-receivers` of `{class}` has `generic-methods` but no `receiver-names`"),
                    ));
                }
                for (method, receiver_names) in named.chain(generic) {
                    let name = format!("{class}#{method}");
                    if !pack.signatures.contains_key(&name)
                        && !pack.callback_results.contains_key(&name)
                    {
                        errors.push(RuleFileError::new(
                            &path,
                            &text,
                            pack.name.span(),
                            format!(
                                "`implicit-receivers` names `{name}`, which is neither in the pack's `signatures` nor in its `callback-results`"
                            ),
                        ));
                    }
                    implicit.push((
                        method.clone(),
                        ImplicitMethod {
                            class: class.clone(),
                            module: receiver.module.clone(),
                            receiver_names,
                        },
                    ));
                }
            }
            for package in &pack.packages {
                if let Some(replacement) = &package.replacement {
                    let known = pack.packages.iter().any(|p| {
                        p.name == *replacement
                            && p.ecosystem == package.ecosystem
                            && p.requirement.is_some()
                    });
                    if !known {
                        errors.push(RuleFileError::new(
                            &path,
                            &text,
                            pack.name.span(),
                            format!(
                                "package `{}` is replaced by `{replacement}`, which the pack does not list with a `requirement`",
                                package.name
                            ),
                        ));
                    }
                }
            }
            registry.packages.extend(pack.packages.iter().cloned());
            registry.libraries.extend(pack.libraries.iter().cloned());
            registry.vocabulary.globals.extend(pack.globals.clone());
            registry.vocabulary.injected.extend(pack.injected.clone());
            for (module, definition) in &pack.angularjs_modules {
                registry
                    .vocabulary
                    .angularjs_modules
                    .entry(module.clone())
                    .or_default()
                    .extend(definition.root_scope.clone());
            }
            registry.packs.push(PackInfo {
                name: pack.name.into_inner(),
                library: pack.library,
                successor: pack.successor,
                description: pack.description,
                languages: pack.languages,
                triggers: pack.triggers.into_inner(),
                signatures: pack.signatures,
                secret_parameters: pack.secret_parameters,
                inventory: pack.inventory,
                copies: pack.copies,
            });
        }
        // A method name two classes share says nothing about its object.
        for (method, found) in &implicit {
            let shared = implicit
                .iter()
                .any(|(m, other)| m == method && other.class != found.class);
            if !shared {
                registry
                    .vocabulary
                    .implicit_methods
                    .insert(method.clone(), found.clone());
            }
        }
        if errors.is_empty() {
            Ok(registry)
        } else {
            Err(errors)
        }
    }

    /// Every rule, in pack order.
    pub fn rules(&self) -> impl Iterator<Item = RuleInfo<'_>> {
        self.rules.iter().map(|rule| RuleInfo { rule })
    }

    pub fn packs(&self) -> &[PackInfo] {
        &self.packs
    }

    /// The rules chosen by `--select` and `--ignore` (rule ids or pack names); an unknown
    /// name is an error.
    /// The rules `select` names (rule ids or pack names; `ALL` for every rule), less those
    /// `ignore` names. With nothing selected, every rule but the opt-in ones.
    pub fn select(&self, select: &[String], ignore: &[String]) -> Result<Selection<'_>, String> {
        let all = select.iter().any(|name| name == ALL);
        for name in select.iter().chain(ignore).filter(|name| *name != ALL) {
            let known = self.packs.iter().any(|p| &p.name == name)
                || self.rules.iter().any(|r| &*r.id == name);
            if !known {
                return Err(format!(
                    "`{name}` is neither a rule id nor a pack name (see `adalint --list-rules`)"
                ));
            }
        }
        let chosen = |rule: &Rule, names: &[String]| {
            names.iter().any(|n| *n == *rule.id || *n == *rule.pack)
        };
        let enabled: Vec<usize> = self
            .rules
            .iter()
            .enumerate()
            .filter(|(_, rule)| {
                let selected = if select.is_empty() {
                    !is_opt_in(rule)
                } else {
                    all || chosen(rule, select)
                };
                selected && !chosen(rule, ignore)
            })
            .map(|(index, _)| index)
            .collect();
        Ok(Selection::new(self, enabled))
    }
}

/// What `--select` takes for every rule, the opt-in ones included (as ruff's `ALL`).
pub const ALL: &str = "ALL";

/// A rule that runs only when selected by name (or with `ALL`, or for `--format impact`):
/// its rule file says `opt-in = true`.
fn is_opt_in(rule: &Rule) -> bool {
    rule.selection == crate::rule::DefaultSelection::OptIn
}

/// A read-only view of one rule, for listings and documentation.
#[derive(Clone, Copy)]
pub struct RuleInfo<'r> {
    rule: &'r Rule,
}

impl RuleInfo<'_> {
    /// The literals a file's text needs for this rule to match in it.
    pub(crate) fn need(&self, registry: &Registry) -> Need {
        registry.need(self.rule)
    }

    pub fn id(&self) -> &str {
        &self.rule.id
    }
    pub fn pack(&self) -> &str {
        &self.rule.pack
    }
    pub fn severity(&self) -> crate::diagnostic::Severity {
        self.rule.severity
    }
    pub fn summary(&self) -> String {
        self.rule.summary()
    }
    pub fn help(&self) -> &str {
        &self.rule.help
    }
    pub fn url(&self) -> &str {
        &self.rule.url
    }
    pub fn fix_applicability(&self) -> Option<crate::fix::Applicability> {
        self.rule.fix.as_ref().map(|f| f.applicability)
    }
    pub fn languages(&self) -> &[Language] {
        &self.rule.languages
    }
    /// The fix's title and why it has its applicability.
    pub fn fix_description(&self) -> Option<(&str, &str)> {
        self.rule
            .fix
            .as_ref()
            .map(|f| (f.title.as_str(), f.reason.as_str()))
    }
    /// True for engine checks (`match.builtin`), which have no fix recipe but may fix.
    pub fn is_builtin(&self) -> bool {
        matches!(self.rule.matcher, Matcher::Builtin(_))
    }
}

/// The rules a run uses, indexed for the checker, with the prefilter.
pub struct Selection<'r> {
    pub(crate) registry: &'r Registry,
    pub(crate) enabled: Vec<usize>,
    /// Call rules by exact qualified name, and those with wildcards.
    pub(crate) calls: HashMap<&'r str, Vec<usize>>,
    pub(crate) call_globs: Vec<usize>,
    /// What fixes migrate to.
    pub(crate) target: FixTarget,
    /// Every enabled rule's need, in `enabled` order: whether a file may match at all, and
    /// which rules can match in it.
    prefilter: Option<Prefilter>,
    /// The same, per language: only the needs of rules that apply to it.
    prefilters: HashMap<Language, Option<Prefilter>>,
    /// The modules of the retired packages, when a dependency rule is selected: a file the
    /// prefilter skips is still searched for them, since a manifest's dependency must not be
    /// removed while code that was not analysed names it.
    retired_modules: Words,
}

impl<'r> Selection<'r> {
    fn new(registry: &'r Registry, enabled: Vec<usize>) -> Self {
        let mut calls: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut call_globs = Vec::new();
        let mut needs: Vec<(usize, Need)> = Vec::new();
        for &index in &enabled {
            let rule = &registry.rules[index];
            if let Matcher::Call { patterns, .. } = &rule.matcher {
                for pattern in patterns {
                    match pattern.literal() {
                        Some(name) => calls.entry(name).or_default().push(index),
                        None if !call_globs.contains(&index) => call_globs.push(index),
                        None => {}
                    }
                }
            }
            needs.push((index, registry.need(rule)));
        }
        let prefilters = Language::ALL
            .into_iter()
            .map(|language| {
                let applying = needs
                    .iter()
                    .filter(|(index, _)| registry.rules[*index].applies_to(language))
                    .map(|(_, need)| need);
                (language, Prefilter::new(applying))
            })
            .collect();
        let prefilter = Prefilter::new(needs.iter().map(|(_, need)| need));
        let dependencies_selected = enabled
            .iter()
            .any(|&index| matches!(registry.rules[index].matcher, Matcher::Dependency(_)));
        let mut retired: Vec<String> = if dependencies_selected {
            registry
                .packages
                .iter()
                .filter(|p| p.replacement.is_some() || p.types_for.is_some())
                .flat_map(|p| p.modules.iter().cloned())
                .collect()
        } else {
            Vec::new()
        };
        retired.sort();
        retired.dedup();
        Selection {
            retired_modules: Words::new(retired),
            registry,
            enabled,
            calls,
            call_globs,
            target: FixTarget::default(),
            prefilter,
            prefilters,
        }
    }

    /// Which enabled rules can match in `text` (indexed like `enabled`): a rule whose needed
    /// literals are not all there cannot, and its query is not run.
    pub(crate) fn possible_rules(&self, text: &[u8]) -> Vec<bool> {
        self.prefilter
            .as_ref()
            .map_or_else(|| vec![false; self.enabled.len()], |p| p.each_met(text))
    }

    /// The same rules, fixing toward `target`.
    #[must_use]
    pub fn with_target(mut self, target: FixTarget) -> Self {
        self.target = target;
        self
    }

    /// True when the file's bytes contain a trigger of some selected rule as a whole word
    /// (`adal` in `import adal` or `adal.min.js`, not in `adalias`), so it may match.
    pub fn may_match(&self, bytes: &[u8]) -> bool {
        self.prefilter.as_ref().is_some_and(|p| p.admits(bytes))
    }

    /// Like `may_match`, with only the triggers of rules that apply to `language`: a Python
    /// file is not parsed for a browser pack's trigger.
    pub fn may_match_in(&self, language: Language, bytes: &[u8]) -> bool {
        self.prefilters
            .get(&language)
            .and_then(Option::as_ref)
            .is_some_and(|p| p.admits(bytes))
    }

    /// The retired packages' modules a file that is not analysed names as whole words
    /// (`msrestazure` in `from msrestazure.azure_exceptions import CloudError`).
    pub(crate) fn retired_modules_named(&self, bytes: &[u8]) -> Vec<String> {
        self.retired_modules.found_in(bytes)
    }

    /// True when the file is a copy of a retired library's own source (its name and a
    /// marker in its text, as a pack declares): the library's code is not a use of it.
    pub fn is_library_copy(&self, path: &std::path::Path, bytes: &[u8]) -> bool {
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            return false;
        };
        self.registry
            .packs
            .iter()
            .filter_map(|p| p.copies.as_ref())
            .any(|copies| {
                copies.files.iter().any(|f| f.eq_ignore_ascii_case(name))
                    && copies
                        .markers
                        .iter()
                        .any(|marker| AhoCorasick::new([marker]).is_ok_and(|m| m.is_match(bytes)))
            })
    }

    pub(crate) fn enabled_rules(&self) -> impl Iterator<Item = (usize, &'r Rule)> + '_ {
        self.enabled.iter().map(|&i| (i, &self.registry.rules[i]))
    }

    pub fn len(&self) -> usize {
        self.enabled.len()
    }

    pub fn is_empty(&self) -> bool {
        self.enabled.is_empty()
    }

    pub(crate) fn rule(&self, index: usize) -> &'r Rule {
        &self.registry.rules[index]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PACK: &str = r#"
[pack]
name = "demo"
languages = ["python"]
library = "demo"
successor = "demo2"
description = "A pack for the selection tests."
triggers = ["demo"]

[[rule]]
id = "demo-import"
severity = "warning"
message = "demo is imported"
help = "Import demo2."
url = "https://example.com"
match.import = "demo"

[[rule]]
id = "demo-costly"
severity = "info"
message = "a costly check"
help = "Only when asked for."
url = "https://example.com"
opt-in = true
match.import = "demo.costly"
"#;

    fn ids(selection: &Selection<'_>) -> Vec<String> {
        selection
            .enabled_rules()
            .map(|(_, rule)| rule.id.to_string())
            .collect()
    }

    #[test]
    fn an_opt_in_rule_runs_only_when_selected() {
        let registry = Registry::from_sources(
            QueryCheck::EveryLanguage,
            vec![(PathBuf::from("demo.toml"), PACK.into())],
        )
        .expect("the pack loads");
        let none: Vec<String> = Vec::new();
        assert_eq!(
            ids(&registry.select(&none, &none).unwrap()),
            ["demo-import"]
        );
        let all = vec![ALL.to_string()];
        assert_eq!(
            ids(&registry.select(&all, &none).unwrap()),
            ["demo-import", "demo-costly"]
        );
        let by_id = vec!["demo-costly".to_string()];
        assert_eq!(
            ids(&registry.select(&by_id, &none).unwrap()),
            ["demo-costly"]
        );
        let by_pack = vec!["demo".to_string()];
        assert_eq!(
            ids(&registry.select(&by_pack, &none).unwrap()),
            ["demo-import", "demo-costly"]
        );
    }

    #[test]
    fn no_embedded_rule_needs_rust_to_be_opt_in() {
        // The project-wrapper rule runs by default (its pass is as cheap as the scan).
        let registry = Registry::embedded().expect("the embedded packs load");
        let none: Vec<String> = Vec::new();
        assert!(
            ids(&registry.select(&none, &none).unwrap()).contains(&"adal-wrapper-use".to_string())
        );
    }
}
