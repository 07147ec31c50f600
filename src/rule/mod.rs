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

use crate::builtin::Builtin;
use crate::diagnostic::Severity;
use crate::fix::Applicability;
use crate::identity::InventoryCategory;
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
    /// String values of named constants, so `token[TokenResponseFields.ACCESS_TOKEN]` reads
    /// the key `accessToken`.
    #[serde(default)]
    pub(crate) constants: HashMap<String, String>,
    /// Calls that pass their result to a callback (their last argument), and which parameter
    /// of the callback receives it: `"adal-node:AuthenticationContext#acquireToken" = 1`.
    #[serde(default)]
    pub(crate) callback_results: HashMap<String, usize>,
    /// Classes some of whose methods are recognised by name on an object the file cannot
    /// trace (`getContext().acquireTokenWithDeviceCode(...)`), in files that import the
    /// given module.
    #[serde(default)]
    pub(crate) implicit_receivers: HashMap<String, ImplicitReceiver>,
    /// Packages dependency manifests may name: retired ones (with a `replacement`) and the
    /// successors fixes import (with a `requirement`).
    #[serde(default)]
    pub(crate) packages: Vec<PackageDef>,
    /// Packages whose own source tree is the library, not a use of it (`adal`,
    /// `@azure/msal-*`): a scanned project whose manifest names one is not reported.
    #[serde(default)]
    pub(crate) libraries: Vec<String>,
    /// Parameters whose string-literal arguments are secrets: masked in every output.
    #[serde(default)]
    pub(crate) secret_parameters: Vec<String>,
    /// Parameters whose arguments identify the application, by inventory category.
    #[serde(default)]
    pub(crate) inventory: HashMap<String, InventoryCategory>,
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
    /// The library's AngularJS modules, by name (`AdalAngular`).
    #[serde(default)]
    pub(crate) angularjs_modules: HashMap<String, AngularJsModuleDef>,
}

/// An AngularJS module of a pack's library.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct AngularJsModuleDef {
    /// Names the module puts on `$rootScope`, which every template of an app that depends
    /// on it reads, by qualified name: `userInfo = "adal-angular:adalAuthenticationService#userInfo"`.
    pub(crate) root_scope: HashMap<String, String>,
}

/// A package in a registry, as a pack describes it.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct PackageDef {
    pub(crate) name: String,
    pub(crate) ecosystem: Ecosystem,
    /// Modules that, when imported, mean the code uses this package (`azure.identity`,
    /// `@azure/msal-node`); their submodules count too.
    pub(crate) modules: Vec<String>,
    /// For a retired package: the package that replaces it.
    pub(crate) replacement: Option<String>,
    /// For a successor: the version requirement written when it is added or replaces a
    /// retired package (`>=1.23.0` for PyPI, `^2.16.2` for npm).
    pub(crate) requirement: Option<String>,
    /// For a retired package that is only ADAL usage through some of its modules
    /// (`azure-common`): report it only where the code imports one of these.
    #[serde(default)]
    pub(crate) only_with: Vec<String>,
    /// For a DefinitelyTyped package (`@types/adal-angular`): the retired package whose
    /// types it is. Its replacement ships its own types, so the fix removes the entry.
    pub(crate) types_for: Option<String>,
    /// For a retired package: packages that depend on it (`azureml-core` on `adal`; a
    /// trailing `*` matches any rest). While one of them stays declared in the same manifest,
    /// removing or replacing this one's pin is withheld: it would only unpin a dependency
    /// that is still installed.
    #[serde(default)]
    pub(crate) required_by: Vec<String>,
}

/// A package registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Ecosystem {
    Pypi,
    Npm,
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
    /// Fixes for other targets than MSAL, by target name (`azure-identity`).
    #[serde(default)]
    pub(crate) target: HashMap<String, FixDef>,
    /// Extra prefilter literals for this rule (query rules that match text, not imports).
    #[serde(default)]
    pub(crate) triggers: Vec<String>,
    /// The languages of the pack this rule applies to, when not all of them (a query
    /// written for one grammar, such as HTML markup).
    pub(crate) languages: Option<Spanned<Vec<Language>>>,
    /// Runs only when selected by name, pack or `ALL` (`--select`), not by default.
    #[serde(default)]
    pub(crate) opt_in: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct MatchDef {
    /// An import of this module (or of one of these modules) or one of its submodules.
    pub(crate) import: Option<Names>,
    /// A call of this qualified name (`pkg.Class`, `pkg.Class#method`), or of any of a
    /// list of them; `*` is a wildcard.
    pub(crate) call: Option<Names>,
    /// Only calls with exactly this many arguments.
    pub(crate) arity: Option<usize>,
    /// Parameter names for this rule's calls, instead of the pack's signature (an API whose
    /// arguments mean different things by arity).
    pub(crate) parameters: Option<Vec<String>>,
    /// Only calls with an argument that is an object made by (or a member of an object made
    /// by) one of these qualified names.
    pub(crate) arguments: Option<Names>,
    /// A reference that is not called to this qualified name, or to any of a list of them.
    pub(crate) reference: Option<Names>,
    /// With `reference`: also a reference that is called (`raise adal.AdalError(...)`).
    pub(crate) called: Option<bool>,
    /// Reads of these keys...
    pub(crate) key: Option<Vec<String>>,
    /// ...on objects returned by these calls.
    pub(crate) of: Option<Vec<String>>,
    /// A raw tree-sitter query, for purely syntactic rules.
    pub(crate) query: Option<String>,
    /// The query capture a finding points at (default: the first).
    pub(crate) capture: Option<String>,
    /// Dependency manifests and lock files: `declared` (a manifest names a retired package),
    /// `locked` (a lock file pins one) or `undeclared` (fixed code imports a successor the
    /// nearest manifest does not name).
    pub(crate) dependency: Option<DependencyMatch>,
    /// Call matches only: these arguments are not passed (or are `None` / `null`).
    pub(crate) absent: Option<Vec<String>>,
    /// Call matches only: these arguments are string literals (or names bound to one)
    /// matching one of the patterns, `{ tenant = ["common"], "origin.authority" = ["*/common"] }`.
    pub(crate) literal: Option<HashMap<String, Vec<String>>>,
    /// One of adalint's own checks (see `builtin`), run by the engine.
    pub(crate) builtin: Option<Builtin>,
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
    /// Exceptions the old API raised: a call inside a `try` whose handler catches one of
    /// them keeps the fix display-only, since the handler would no longer run.
    #[serde(default)]
    pub(crate) caught_by: Vec<String>,
    /// The exception the rewrite raises when the new API reports a failure (`after`
    /// raises it): a handler of a `caught-by` exception around the call is rewritten to
    /// catch it instead, with the call.
    #[serde(default)]
    pub(crate) raises: Option<String>,
    /// Methods called on the result that survive the rewrite because their own rule's fix
    /// rewrites each such call: the fixes apply together or not at all. Any other use of
    /// the result (passed, returned, stored, a property read) keeps the fix display-only.
    pub(crate) methods: Option<Vec<String>>,
    /// The call that created the receiver is rewritten by its own rule's fix: this fix
    /// applies only together with that one, and `{{origin.*}}` reads its arguments.
    #[serde(default)]
    pub(crate) with_origin: bool,
    /// Arguments the rewrite cannot do without, each with why: when one is not passed, the
    /// fix is display-only with that reason.
    #[serde(default)]
    pub(crate) require: HashMap<String, String>,
    /// Literal values of arguments the new API does not accept (`{ tenant = ["common"] }`):
    /// a string literal (or a name bound to one) matching a pattern makes the fix
    /// display-only.
    #[serde(default)]
    pub(crate) reject: HashMap<String, Vec<String>>,
    /// Uses of the object the matched call makes that the rewrite would break, as
    /// qualified-name patterns with the reason: a method or attribute of the object
    /// (`*#signed_session`), or a call the object is passed to
    /// (`azure.graphrbac.GraphRbacManagementClient`). Any such use makes the fix display-only.
    #[serde(default)]
    pub(crate) conflicts: HashMap<String, String>,
    /// A second API that the matched call's callback hands its result to, as the last step
    /// of its success path (`acquireUserCode` then `acquireTokenWithDeviceCode`): the
    /// replacement takes both, `{{next.name}}` reads the second call's arguments and
    /// `{{callback|prelude}}` the statements between the two.
    pub(crate) continuation: Option<String>,
    /// `keys` for the result of the `continuation` call.
    #[serde(default)]
    pub(crate) continuation_keys: HashMap<String, String>,
    /// Why the object the matched call makes must not be returned to callers this file
    /// does not show (they may hand it to an API the new object does not fit): when it is,
    /// the fix is display-only with this reason.
    pub(crate) returned: Option<String>,
    /// The engine rewrites every use of the object the matched call makes by this recipe
    /// (`azureml-workspace`: SDK v1 `Workspace` to SDK v2 `MLClient`), and the call itself;
    /// a use with no equivalent keeps the fix display-only, naming the uses.
    pub(crate) uses: Option<UsesRecipe>,
}

/// An object whose every use the engine knows how to rewrite (`fix.uses`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum UsesRecipe {
    /// An Azure ML SDK v1 `Workspace` (`Workspace(...)`, `Workspace.from_config`,
    /// `Workspace.get`) becomes an SDK v2 `MLClient` (`rewrite/azureml.rs`).
    AzuremlWorkspace,
}

/// `[pack.implicit-receivers."adal-node:AuthenticationContext"]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct ImplicitReceiver {
    /// The module a file must import (itself, or through a project module) for the names
    /// to count.
    pub(crate) module: String,
    /// Method names no other object is likely to have (`acquireTokenWithClientCredentials`).
    pub(crate) methods: Vec<String>,
    /// Method names wrappers of every kind define too (`acquireToken`): recognised only on
    /// a receiver whose name contains one of `receiver-names`.
    #[serde(default)]
    pub(crate) generic_methods: Vec<String>,
    /// Lower-case parts of receiver names (`context`, `ctx`) for `generic-methods`.
    #[serde(default)]
    pub(crate) receiver_names: Vec<String>,
}

/// One name or several: `import = "adal"`, `call = ["pkg.A", "pkg.B"]`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum Names {
    One(String),
    Many(Vec<String>),
}

impl Names {
    fn into_vec(self) -> Vec<String> {
        match self {
            Names::One(name) => vec![name],
            Names::Many(names) => names,
        }
    }
}

/// An import a fix adds: `"msal"`, `{ module = "@azure/msal-node", name = "msal" }`, or a
/// member imported by name, `{ module = "azure.identity", member = "ClientSecretCredential" }`
/// (`from azure.identity import ClientSecretCredential`, `const { X } = require(...)`).
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
pub(crate) enum ImportDef {
    Module(String),
    Named { module: String, name: String },
    Member { module: String, member: String },
}

impl ImportDef {
    pub(crate) fn module(&self) -> &str {
        match self {
            ImportDef::Module(module)
            | ImportDef::Named { module, .. }
            | ImportDef::Member { module, .. } => module,
        }
    }

    /// The local name the templates use for the module or member.
    pub(crate) fn name(&self) -> &str {
        match self {
            ImportDef::Module(module) => module,
            ImportDef::Named { name, .. } => name,
            ImportDef::Member { member, .. } => member,
        }
    }
}

/// True when `module` is the module `pattern` names or one of its submodules: `adal`
/// matches `adal` and `adal.constants`, `adal-node` matches `adal-node/lib/adal`, and
/// neither matches `adalib` or `adal-node-extra`.
pub(crate) fn module_matches(pattern: &str, module: &str) -> bool {
    module == pattern
        || module
            .strip_prefix(pattern)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('/'))
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

/// Which dependency findings a rule reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum DependencyMatch {
    Declared,
    Locked,
    Undeclared,
}

/// What a compiled rule matches.
#[derive(Debug)]
pub(crate) enum Matcher {
    Import(Vec<String>),
    Call {
        patterns: Vec<NamePattern>,
        arity: Option<usize>,
        /// Only calls with an argument whose value is an object of one of these.
        arguments: Vec<NamePattern>,
        conditions: Vec<Condition>,
    },
    /// Names, and whether called references count.
    Reference(Vec<NamePattern>, Calls),
    Key {
        keys: Vec<String>,
        of: Vec<NamePattern>,
    },
    Query {
        /// One query per language the pack covers: the first compiled when the rule is
        /// loaded (its errors point at the rule file), the others when a file of their
        /// language first needs them (see [`LanguageQuery`]).
        queries: Vec<(Language, LanguageQuery)>,
        capture: String,
    },
    Dependency(DependencyMatch),
    /// An engine check that has no pattern (`match.builtin`).
    Builtin(Builtin),
}

/// A rule's query for one language. Analysing a query against a grammar is the costliest
/// part of loading the rules (TypeScript's grammar most of all), and most runs never check
/// a TypeScript file that needs a query rule: the pack's first language is compiled on
/// loading, and the languages it also covers (TypeScript and TSX for a JavaScript pack) on
/// first use. A rules directory (`--rules`) compiles them all on loading, so its author sees
/// every error; the embedded packs are compiled for every language by a test.
pub(crate) struct LanguageQuery {
    source: Arc<str>,
    compiled: std::sync::OnceLock<Option<tree_sitter::Query>>,
}

impl std::fmt::Debug for LanguageQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LanguageQuery")
            .field("source", &self.source)
            .field("compiled", &self.compiled.get().map(Option::is_some))
            .finish()
    }
}

impl LanguageQuery {
    fn compiled(query: tree_sitter::Query, source: Arc<str>) -> Self {
        LanguageQuery {
            source,
            compiled: std::sync::OnceLock::from(Some(query)),
        }
    }

    fn deferred(source: Arc<str>) -> Self {
        LanguageQuery {
            source,
            compiled: std::sync::OnceLock::new(),
        }
    }

    /// The query compiled for `language`; `None` if it does not compile for it (a rules
    /// directory's queries were checked on loading, the embedded ones by a test).
    pub(crate) fn get(&self, language: Language) -> Option<&tree_sitter::Query> {
        self.compiled
            .get_or_init(|| tree_sitter::Query::new(&language.grammar(), &self.source).ok())
            .as_ref()
    }

    fn compile(language: Language, source: &str) -> Result<tree_sitter::Query, String> {
        tree_sitter::Query::new(&language.grammar(), source).map_err(|error| {
            format!(
                "invalid tree-sitter query for {} (query line {}): {}",
                language.name(),
                error.row + 1,
                error.message
            )
        })
    }
}

/// How much of the rules' queries is compiled on loading.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum QueryCheck {
    /// Each query for its pack's first language; the others on first use.
    FirstLanguage,
    /// Each query for every language its pack covers.
    EveryLanguage,
}

/// What an argument of a matched call must look like (`origin.name` for the call that created
/// the receiver).
#[derive(Debug)]
pub(crate) enum Condition {
    Absent(String),
    Literal(String, Vec<NamePattern>),
}

/// Whether a reference rule also matches references that are called.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Calls {
    Excluded,
    Included,
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
    pub(crate) caught_by: Vec<NamePattern>,
    pub(crate) raises: Option<String>,
    pub(crate) methods: Option<Vec<String>>,
    pub(crate) with_origin: bool,
    /// Sorted by argument name, so reasons come out in a stable order.
    pub(crate) require: Vec<(String, String)>,
    /// Sorted by argument name.
    pub(crate) reject: Vec<(String, Vec<NamePattern>)>,
    /// Sorted by pattern.
    pub(crate) conflicts: Vec<(NamePattern, String)>,
    pub(crate) continuation: Option<Continuation>,
    pub(crate) returned: Option<String>,
    pub(crate) uses: Option<UsesRecipe>,
}

/// The second call of a two-step API that a fix merges into one (`FixDef::continuation`).
#[derive(Debug)]
pub(crate) struct Continuation {
    /// Qualified name of the second call.
    pub(crate) symbol: String,
    /// Its parameters, from the pack's signatures.
    pub(crate) parameters: Vec<String>,
    /// Renames of keys read on its result.
    pub(crate) keys: HashMap<String, String>,
}

/// What fixes migrate to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FixTarget {
    /// `msal` / `@azure/msal-*`: the default.
    #[default]
    Msal,
    /// `azure-identity` / `@azure/identity` credentials.
    AzureIdentity,
}

impl FixTarget {
    pub fn as_str(self) -> &'static str {
        match self {
            FixTarget::Msal => "msal",
            FixTarget::AzureIdentity => "azure-identity",
        }
    }

    fn parse(name: &str) -> Option<FixTarget> {
        match name {
            "msal" => Some(FixTarget::Msal),
            "azure-identity" => Some(FixTarget::AzureIdentity),
            _ => None,
        }
    }
}

/// Whether a rule runs when `--select` names nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DefaultSelection {
    /// It runs unless ignored.
    Default,
    /// It runs only when selected by id, pack or `ALL`.
    OptIn,
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
    /// Fixes for targets other than the default.
    pub(crate) target_fixes: Vec<(FixTarget, FixRecipe)>,
    /// The parameter names of the matched call, when it is a call rule with a signature.
    pub(crate) parameters: Vec<String>,
    /// The parameter names of the call that creates the receiver (`origin.*`).
    pub(crate) origin_parameters: Vec<String>,
    /// Prefilter literals of the rule itself, beyond its pack's.
    pub(crate) triggers: Vec<String>,
    /// Whether the rule runs only when selected (`opt-in = true` in its rule file).
    pub(crate) selection: DefaultSelection,
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

    /// The fix recipe for a target: its own, or the default one.
    pub(crate) fn recipe(&self, target: FixTarget) -> Option<&FixRecipe> {
        self.target_fixes
            .iter()
            .find(|(t, _)| *t == target)
            .map(|(_, recipe)| recipe)
            .or(self.fix.as_ref())
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
    pub(crate) fn compile(
        definition: RuleDef,
        pack: &PackDef,
        check: QueryCheck,
    ) -> Result<Rule, DefinitionError> {
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
        let parameters_override = matcher_def.parameters.clone();
        let matcher = compile_matcher(matcher_def, &languages, match_span.clone(), check)?;
        let (parameters, origin_parameters) = match &matcher {
            Matcher::Call { patterns, .. } => {
                let name = patterns[0].as_str();
                let parameters = parameters_override
                    .clone()
                    .or_else(|| pack.signatures.get(name).cloned())
                    .unwrap_or_default();
                let origin = name
                    .split_once('#')
                    .and_then(|(class, _)| pack.signatures.get(class).cloned())
                    .unwrap_or_default();
                (parameters, origin)
            }
            // An attribute of an object (`pkg.Class#token`, `pkg.*#token`): the parameters of
            // every class that can make the object, for `{{origin.name}}`.
            Matcher::Reference(patterns, _) => {
                let mut origin: Vec<String> = Vec::new();
                for (class, _) in patterns.iter().filter_map(|p| p.as_str().split_once('#')) {
                    let class = NamePattern::new(class);
                    let mut makers: Vec<(&String, &Vec<String>)> = pack
                        .signatures
                        .iter()
                        .filter(|(name, _)| class.matches(name))
                        .collect();
                    makers.sort();
                    for parameter in makers.into_iter().flat_map(|(_, parameters)| parameters) {
                        if !origin.contains(parameter) {
                            origin.push(parameter.clone());
                        }
                    }
                }
                (Vec::new(), origin)
            }
            _ => (Vec::new(), Vec::new()),
        };
        if let Matcher::Call { conditions, .. } = &matcher {
            for condition in conditions {
                let (Condition::Absent(name) | Condition::Literal(name, _)) = condition;
                let known = match name.split_once('.') {
                    Some(("origin", parameter)) => origin_parameters.iter().any(|p| p == parameter),
                    _ => parameters.iter().any(|p| p == name),
                };
                if !known {
                    return Err(DefinitionError::new(
                        match_span,
                        format!(
                            "the match names the argument `{name}`, which is not in the pack's `signatures` for the call"
                        ),
                    ));
                }
            }
        }
        let scope = TemplateScope {
            parameters: &parameters,
            origin_parameters: &origin_parameters,
            captures: match &matcher {
                Matcher::Query { queries, .. } => queries
                    .first()
                    .and_then(|(language, q)| q.get(*language))
                    .map(|q| q.capture_names().iter().map(|c| (*c).to_string()).collect())
                    .unwrap_or_default(),
                Matcher::Dependency(_) => DEPENDENCY_PLACEHOLDERS
                    .iter()
                    .map(|p| (*p).to_string())
                    .collect(),
                Matcher::Reference(..) => REFERENCE_PLACEHOLDERS
                    .iter()
                    .map(|p| (*p).to_string())
                    .collect(),
                _ => Vec::new(),
            },
            signatures: &pack.signatures,
        };
        let summary = definition.message.get_ref().clone();
        let message = Template::parse(definition.message.get_ref())
            .and_then(|t| scope.check(&t, &[]).map(|()| t))
            .map_err(|error| DefinitionError::new(definition.message.span(), error))?;
        if matches!(matcher, Matcher::Dependency(_)) && definition.fix.is_some() {
            return Err(DefinitionError::new(
                match_span,
                "`dependency` rules take no `fix`: manifest edits come from the pack's `packages`",
            ));
        }
        let fix = definition
            .fix
            .map(|fix| compile_fix(fix, &scope, &matcher, match_span.clone()))
            .transpose()?;
        let mut target_fixes = Vec::new();
        let mut targets: Vec<(String, FixDef)> = definition.target.into_iter().collect();
        targets.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, definition) in targets {
            let target = FixTarget::parse(&name).ok_or_else(|| {
                DefinitionError::new(
                    match_span.clone(),
                    format!("unknown fix target `{name}` (known: `msal`, `azure-identity`)"),
                )
            })?;
            target_fixes.push((
                target,
                compile_fix(definition, &scope, &matcher, match_span.clone())?,
            ));
        }
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
            target_fixes,
            parameters,
            origin_parameters,
            triggers: definition.triggers,
            selection: if definition.opt_in {
                DefaultSelection::OptIn
            } else {
                DefaultSelection::Default
            },
            summary,
        })
    }
}

fn compile_matcher(
    definition: MatchDef,
    languages: &[Language],
    span: Range<usize>,
    check: QueryCheck,
) -> Result<Matcher, DefinitionError> {
    let kinds = [
        definition.import.is_some(),
        definition.call.is_some(),
        definition.reference.is_some(),
        definition.key.is_some(),
        definition.query.is_some(),
        definition.dependency.is_some(),
        definition.builtin.is_some(),
    ];
    if kinds.iter().filter(|k| **k).count() != 1 {
        return Err(DefinitionError::new(
            span,
            "`match` needs exactly one of `import`, `call`, `reference`, `key`, `query`, `dependency` or `builtin`",
        ));
    }
    if let Some(dependency) = definition.dependency {
        return Ok(Matcher::Dependency(dependency));
    }
    if (definition.arity.is_some()
        || definition.parameters.is_some()
        || definition.arguments.is_some())
        && definition.call.is_none()
    {
        return Err(DefinitionError::new(
            span,
            "`arity`, `parameters` and `arguments` only apply to `call` matches",
        ));
    }
    if (definition.absent.is_some() || definition.literal.is_some()) && definition.call.is_none() {
        return Err(DefinitionError::new(
            span,
            "`absent` and `literal` only apply to `call` matches",
        ));
    }
    if definition.of.is_some() != definition.key.is_some() {
        return Err(DefinitionError::new(span, "`key` and `of` go together"));
    }
    if let Some(builtin) = definition.builtin {
        return Ok(Matcher::Builtin(builtin));
    }
    if let Some(modules) = definition.import {
        return Ok(Matcher::Import(modules.into_vec()));
    }
    if let Some(call) = definition.call {
        let patterns: Vec<NamePattern> = call
            .into_vec()
            .iter()
            .map(|p| NamePattern::new(p))
            .collect();
        if patterns.is_empty() {
            return Err(DefinitionError::new(span, "`call` needs at least one name"));
        }
        let mut conditions: Vec<Condition> = definition
            .absent
            .unwrap_or_default()
            .into_iter()
            .map(Condition::Absent)
            .collect();
        let mut literal: Vec<(String, Vec<String>)> =
            definition.literal.unwrap_or_default().into_iter().collect();
        literal.sort();
        conditions.extend(literal.into_iter().map(|(name, patterns)| {
            Condition::Literal(name, patterns.iter().map(|p| NamePattern::new(p)).collect())
        }));
        return Ok(Matcher::Call {
            patterns,
            arity: definition.arity,
            arguments: definition
                .arguments
                .map(Names::into_vec)
                .unwrap_or_default()
                .iter()
                .map(|p| NamePattern::new(p))
                .collect(),
            conditions,
        });
    }
    if let Some(reference) = definition.reference {
        let patterns = reference
            .into_vec()
            .iter()
            .map(|p| NamePattern::new(p))
            .collect();
        let calls = if definition.called == Some(true) {
            Calls::Included
        } else {
            Calls::Excluded
        };
        return Ok(Matcher::Reference(patterns, calls));
    }
    if let (Some(keys), Some(of)) = (definition.key, definition.of) {
        return Ok(Matcher::Key {
            keys,
            of: of.iter().map(|o| NamePattern::new(o)).collect(),
        });
    }
    let source: Arc<str> = definition.query.unwrap_or_default().into();
    let mut queries: Vec<(Language, LanguageQuery)> = Vec::new();
    let covered = languages.iter().flat_map(|l| l.covered().iter().copied());
    for language in covered {
        if queries.iter().any(|(l, _)| *l == language) {
            continue;
        }
        let query = if queries.is_empty() || check == QueryCheck::EveryLanguage {
            let query = LanguageQuery::compile(language, &source)
                .map_err(|message| DefinitionError::new(span.clone(), message))?;
            LanguageQuery::compiled(query, source.clone())
        } else {
            LanguageQuery::deferred(source.clone())
        };
        queries.push((language, query));
    }
    let names: Vec<String> = queries
        .first()
        .and_then(|(language, q)| q.get(*language))
        .map(|q| q.capture_names().iter().map(|c| (*c).to_string()).collect())
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

/// What a `dependency` rule's message may name: the package, its replacement (or the
/// successor's requirement), the version a lock file pins, and the file that needs it.
pub(crate) const DEPENDENCY_PLACEHOLDERS: &[&str] =
    &["package", "replacement", "requirement", "version", "file"];

/// What a reference rule's templates may name: the matched name or chain, the part of it
/// that is an object (`adalService` in `adalService.userInfo.userName`), and the rest after
/// that object (`userInfo.userName`).
pub(crate) const REFERENCE_PLACEHOLDERS: &[&str] = &["reference", "object", "member"];

/// The names a template may use.
struct TemplateScope<'a> {
    parameters: &'a [String],
    origin_parameters: &'a [String],
    captures: Vec<String>,
    /// The pack's signatures, for the parameters of a fix's `continuation`.
    signatures: &'a HashMap<String, Vec<String>>,
}

impl TemplateScope<'_> {
    fn check(&self, template: &Template, next_parameters: &[String]) -> Result<(), String> {
        for name in template.names() {
            // `config.clientId` and `origin.config.clientId` go into the `config` argument.
            let first = |path: &str| path.split('.').next().unwrap_or_default().to_string();
            let known = match (name.strip_prefix("origin."), name.strip_prefix("next.")) {
                (Some(path), _) => self.origin_parameters.contains(&first(path)),
                (_, Some(path)) => next_parameters.contains(&first(path)),
                (None, None) => {
                    let parameter = name.split('.').next().unwrap_or_default();
                    matches!(name, "receiver" | "result")
                        || self.parameters.iter().any(|p| p == parameter)
                        || self.captures.iter().any(|c| c == name)
                }
            } || self.parameters.iter().any(|p| p == name);
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
    let continuation = match definition.continuation {
        Some(symbol) => {
            let Some(parameters) = scope.signatures.get(&symbol).cloned() else {
                return Err(DefinitionError::new(
                    match_span,
                    format!(
                        "`fix.continuation` names `{symbol}`, which is not in the pack's `signatures`"
                    ),
                ));
            };
            Some(Continuation {
                symbol,
                parameters,
                keys: definition.continuation_keys,
            })
        }
        None if !definition.continuation_keys.is_empty() => {
            return Err(DefinitionError::new(
                match_span,
                "`fix.continuation-keys` needs a `fix.continuation`",
            ));
        }
        None => None,
    };
    let next_parameters = continuation.as_ref().map_or(&[][..], |c| &c.parameters[..]);
    let compile = |source: Option<Spanned<String>>| -> Result<Option<Template>, DefinitionError> {
        source
            .map(|source| {
                Template::parse(source.get_ref())
                    .and_then(|t| scope.check(&t, next_parameters).map(|()| t))
                    .map_err(|error| DefinitionError::new(source.span(), error))
            })
            .transpose()
    };
    let origin_needed = definition.origin.is_some() || definition.with_origin;
    let mut require: Vec<(String, String)> = definition.require.into_iter().collect();
    require.sort();
    let mut reject: Vec<(String, Vec<String>)> = definition.reject.into_iter().collect();
    reject.sort();
    for name in require
        .iter()
        .map(|(n, _)| n)
        .chain(reject.iter().map(|(n, _)| n))
    {
        let known = match name.split_once('.') {
            Some(("origin", parameter)) => scope.origin_parameters.iter().any(|p| p == parameter),
            _ => scope.parameters.iter().any(|p| p == name),
        };
        if !known {
            return Err(DefinitionError::new(
                match_span,
                format!(
                    "`fix.require` / `fix.reject` name `{name}`, which is not a parameter of the matched API"
                ),
            ));
        }
    }
    let mut conflicts: Vec<(String, String)> = definition.conflicts.into_iter().collect();
    conflicts.sort();
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
        caught_by: definition
            .caught_by
            .iter()
            .map(|p| NamePattern::new(p))
            .collect(),
        raises: definition.raises,
        methods: definition.methods,
        with_origin: definition.with_origin,
        require,
        reject: reject
            .into_iter()
            .map(|(name, patterns)| (name, patterns.iter().map(|p| NamePattern::new(p)).collect()))
            .collect(),
        conflicts: conflicts
            .into_iter()
            .map(|(pattern, reason)| (NamePattern::new(&pattern), reason))
            .collect(),
        continuation,
        returned: definition.returned,
        uses: definition.uses,
    };
    let on_members = |patterns: &[NamePattern]| patterns.iter().all(|p| p.as_str().contains('#'));
    let origin_allowed = match matcher {
        Matcher::Call { patterns, .. } => on_members(patterns),
        // An attribute of an object, rewritten with the call that made it.
        Matcher::Reference(patterns, _) => recipe.origin.is_none() && on_members(patterns),
        _ => false,
    };
    if origin_needed && !origin_allowed {
        return Err(DefinitionError::new(
            match_span,
            "`fix.origin` needs a method-call match (`call = \"pkg.Class#method\"`), and `fix.with-origin` a method-call or member-reference match (`reference = \"pkg.Class#attribute\"`)",
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

    /// The embedded packs compile their queries for the pack's first language on loading
    /// and for the others on first use: each must compile for every language it covers.
    #[test]
    fn every_embedded_query_compiles_for_every_language_it_covers() {
        let registry = crate::registry::Registry::embedded().expect("embedded rules load");
        let mut checked = 0;
        for rule in &registry.rules {
            if let super::Matcher::Query { queries, .. } = &rule.matcher {
                for (language, query) in queries {
                    assert!(
                        query.get(*language).is_some(),
                        "{}: the query does not compile for {}",
                        rule.id,
                        language.name()
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 20, "only {checked} queries checked");
    }
}
