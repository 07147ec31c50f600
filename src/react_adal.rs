//! The react-adal project migration: a create-react-app configuration module built the way
//! react-adal's README shows (`adalConfig`, `new AuthenticationContext(adalConfig)`,
//! `adalFetch` and `withAdalLogin` wrappers) and the entry point that starts the app with
//! `runWithAdal`, moved together to `@azure/msal-browser` and `@azure/msal-react`.
//!
//! The rule engine rewrites one file at a time, and the context a react-adal app uses is
//! created in one module and used in others, so this module plans the migration of the
//! whole project after the first pass: it reads the configuration module and every module
//! of the project that imports it, and either rewrites them all (each file's findings then
//! carry that file's part as one unsafe fix) or none, and then every finding of those files
//! says what stands in the way. The wrappers keep their names and signatures
//! (`adalApiFetch(fetch, url, options)`, `withAdalLoginApi(Component)`), so the modules that
//! only use them need no change; `runWithAdal` becomes `runWithMsal`, defined in the
//! configuration module. Any other use of the context (a method called on it in another
//! module, the context passed to a component) withholds the migration with its place.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use tree_sitter::{Node, Parser, Tree};

use crate::diagnostic::Diagnostic;
use crate::fix::{Applicability, Edit, Fix};
use crate::language::Language;
use crate::semantic::{RelativeNames, normalize};

/// The modules react-adal is published as.
const MODULES: &[&str] = &["react-adal", "react-adal-azure"];

/// Configuration keys of ADAL.js the generated `PublicClientApplication` carries over.
const CARRIED_KEYS: &[&str] = &[
    "tenant",
    "clientId",
    "instance",
    "redirectUri",
    "postLogoutRedirectUri",
    "cacheLocation",
    "endpoints",
];

/// Configuration keys of ADAL.js with no counterpart in the generated configuration.
const ADAL_KEYS: &[&str] = &[
    "popUp",
    "callback",
    "extraQueryParameter",
    "extraQueryParameters",
    "loadFrameTimeout",
    "anonymousEndpoints",
    "navigateToLoginRequestUrl",
    "displayCall",
    "isAngular",
    "expireOffsetSeconds",
    "correlationId",
    "localLoginUrl",
    "logOutUri",
    "loginResource",
    "state",
    "slice",
    "responseType",
];

/// The title of every fix this migration makes.
const TITLE: &str = "Migrate the react-adal configuration and its app to `@azure/msal-browser` and `@azure/msal-react`";

/// Why the migration is unsafe even when it applies.
const NOTE: &str = "MSAL.js uses the auth-code flow with PKCE: register the redirect URI under the \"Single-page application\" platform of the app registration first (no code change can); users sign in again, since MSAL cannot read ADAL's cache; tokens for an ADAL resource are requested with the scope `resource/.default`; add `@azure/msal-browser` ^3.28 and `@azure/msal-react` ^2.2 (React 16.8 or later) to the app. The configuration module and the entry point that calls `runWithAdal` are migrated together.";

/// A JavaScript file of the project as the first pass left it.
pub(crate) enum ProjectFile<'a> {
    /// Its text, read.
    Read(&'a [u8]),
    /// Not read (no trigger): the relative specifiers its text holds.
    Unread(&'a RelativeNames),
}

/// What the migration does to one file.
#[derive(Debug)]
enum Plan {
    /// The file's edits, valid on `original` only.
    Rewrite {
        original: String,
        edits: Vec<Edit>,
        /// The fix's title and note (which migration it is).
        title: &'static str,
        note: &'static str,
    },
    /// The migration is withheld, for this reason.
    Withheld(String),
}

/// The migrations of the project's react-adal apps, by file.
#[derive(Debug, Default)]
pub(crate) struct Migrations {
    files: HashMap<PathBuf, Plan>,
}

impl Migrations {
    /// Gives the findings of `path` (with text `text`) the migration's fix, or its reason.
    pub(crate) fn attach(&self, path: &Path, text: &str, diagnostics: &mut [Diagnostic]) {
        let Some(plan) = self.files.get(&normalize(path)) else {
            return;
        };
        let fix = match plan {
            Plan::Rewrite {
                original,
                edits,
                title,
                note,
            } if original == text => Fix::new(
                (*title).to_string(),
                Applicability::Unsafe,
                (*note).to_string(),
                edits.clone(),
            ),
            Plan::Rewrite { .. } => return,
            Plan::Withheld(reason) => {
                for diagnostic in diagnostics.iter_mut().filter(|d| is_migrated(&d.rule)) {
                    match diagnostic.fix.as_mut() {
                        Some(fix) if fix.applicability == Applicability::DisplayOnly => {
                            fix.note = format!("{reason}; {}", fix.note);
                        }
                        Some(_) => {}
                        None => {
                            diagnostic.fix = Some(Fix::new(
                                TITLE.to_string(),
                                Applicability::DisplayOnly,
                                reason.clone(),
                                Vec::new(),
                            ));
                        }
                    }
                }
                return;
            }
        };
        for diagnostic in diagnostics.iter_mut().filter(|d| is_migrated(&d.rule)) {
            diagnostic.fix = Some(fix.clone());
        }
    }
}

/// The findings a migrated file's fix rides on.
fn is_migrated(rule: &str) -> bool {
    rule.starts_with("react-adal-")
        || rule.starts_with("adal-js-")
        || rule.starts_with("adal-angular4-")
        || rule.starts_with("adal-angular6-")
        || rule.starts_with("microsoft-adal-angular6-")
}

/// Plans the migration of every react-adal configuration module of the project.
/// `read` reads a file the first pass did not.
pub(crate) fn plan(
    files: &[(&Path, Language, ProjectFile<'_>)],
    read: impl Fn(&Path) -> Option<Vec<u8>>,
) -> Migrations {
    let mut migrations = Migrations::default();
    // Indexed once: a page names its scripts by path, and a lookup per script must not
    // search every file of the project.
    let mut by_path: HashMap<PathBuf, usize> = HashMap::with_capacity(files.len());
    for (i, (p, _, _)) in files.iter().enumerate() {
        by_path.entry(normalize(p)).or_insert(i);
    }
    let read_text = |path: &Path| -> Option<String> {
        let known = by_path.get(&normalize(path)).map(|&i| &files[i]);
        match known {
            Some((_, _, ProjectFile::Read(bytes))) => String::from_utf8(bytes.to_vec()).ok(),
            Some((p, _, ProjectFile::Unread(_))) => String::from_utf8(read(p)?).ok(),
            None => None,
        }
    };
    // The Angular wrapper apps: every TypeScript module that imports a wrapper.
    let angular: Vec<Module> = files
        .iter()
        .filter_map(|(path, language, file)| {
            let ProjectFile::Read(bytes) = file else {
                return None;
            };
            let text = std::str::from_utf8(bytes).ok()?;
            if !matches!(language, Language::TypeScript)
                || !crate::angular_msal::names_a_wrapper(text)
            {
                return None;
            }
            Module::parse(path, *language, text)
        })
        .collect();
    for (involved, result) in crate::angular_msal::plan(&angular, &read_text) {
        let involved: Vec<&Path> = involved.iter().map(PathBuf::as_path).collect();
        migrations.record_with(
            result,
            &involved,
            "the Angular app of",
            crate::angular_msal::TITLE,
            crate::angular_msal::NOTE,
        );
    }
    for (path, language, file) in files {
        let ProjectFile::Read(bytes) = file else {
            continue;
        };
        let Ok(text) = std::str::from_utf8(bytes) else {
            continue;
        };
        if *language == Language::Html {
            if let Some((script, result)) = crate::adal_page::plan(path, text, &read_text) {
                migrations.record(result, &[path, &script], "the ADAL.js page");
            }
            continue;
        }
        if !MODULES.iter().any(|m| text.contains(m)) {
            continue;
        }
        let Some(config) = Module::parse(path, *language, text) else {
            continue;
        };
        if !config.defines_context() {
            continue;
        }
        let consumers: Vec<Module> = files
            .iter()
            .filter(|(other, _, _)| other != path)
            .filter_map(|(other, language, file)| {
                let directory = other.parent().unwrap_or(Path::new(""));
                let owned;
                let text = match file {
                    ProjectFile::Read(bytes) => std::str::from_utf8(bytes).ok()?,
                    ProjectFile::Unread(names) => {
                        if !names_module(names, directory, path) {
                            return None;
                        }
                        owned = read(other)?;
                        std::str::from_utf8(&owned).ok()?
                    }
                };
                let module = Module::parse(other, *language, text)?;
                module.imports_module(path).then_some(module)
            })
            .collect();
        let mut involved: Vec<&Path> = vec![path];
        involved.extend(consumers.iter().map(|c| c.path.as_path()));
        migrations.record(
            migrate(&config, &consumers),
            &involved,
            "the react-adal app of",
        );
    }
    migrations
}

impl Migrations {
    /// Records a planned migration: each file's edits, or the reason for every file involved.
    fn record(&mut self, result: Result<Vec<FileEdits>, String>, involved: &[&Path], what: &str) {
        self.record_with(result, involved, what, TITLE, NOTE);
    }

    /// Records a planned migration whose fixes have `title` and `note`.
    fn record_with(
        &mut self,
        result: Result<Vec<FileEdits>, String>,
        involved: &[&Path],
        what: &str,
        title: &'static str,
        note: &'static str,
    ) {
        match result {
            Ok(plans) => {
                for (path, original, edits) in plans {
                    self.files.insert(
                        normalize(&path),
                        Plan::Rewrite {
                            original,
                            edits,
                            title,
                            note,
                        },
                    );
                }
            }
            Err(reason) => {
                let reason = format!(
                    "{what} `{}` is migrated as a whole or not at all, and {reason}",
                    file_name(involved[0])
                );
                for path in involved {
                    self.files
                        .insert(normalize(path), Plan::Withheld(reason.clone()));
                }
            }
        }
    }
}

pub(crate) fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// True when one of `names` (relative to `directory`) may name the module at `target`.
fn names_module(names: &RelativeNames, directory: &Path, target: &Path) -> bool {
    names
        .iter()
        .any(|specifier| resolves_to(directory, specifier, target))
}

/// True when `specifier`, relative to `directory`, names the module at `target`.
fn resolves_to(directory: &Path, specifier: &str, target: &Path) -> bool {
    if !(specifier.starts_with("./") || specifier.starts_with("../")) {
        return false;
    }
    let base = normalize(&directory.join(specifier));
    let target = normalize(target);
    if base == target {
        return true;
    }
    let with_extension = |p: &Path| {
        ["js", "jsx", "mjs", "ts", "tsx"]
            .iter()
            .any(|e| p.with_extension(e) == target || p.join(format!("index.{e}")) == target)
    };
    with_extension(&base)
}

/// A parsed module.
pub(crate) struct Module {
    path: PathBuf,
    language: Language,
    text: String,
    pub(crate) tree: Tree,
}

impl Module {
    pub(crate) fn parse(path: &Path, language: Language, text: &str) -> Option<Module> {
        if !matches!(
            language,
            Language::JavaScript | Language::TypeScript | Language::Tsx
        ) {
            return None;
        }
        let mut parser = Parser::new();
        parser.set_language(&language.grammar()).ok()?;
        let tree = parser.parse(text, None)?;
        if tree.root_node().has_error() {
            return None;
        }
        Some(Module {
            path: path.to_path_buf(),
            language,
            text: text.to_string(),
            tree,
        })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    pub(crate) fn source(&self, node: Node<'_>) -> &str {
        &self.text[node.byte_range()]
    }

    fn line(&self, node: Node<'_>) -> usize {
        node.start_position().row + 1
    }

    /// The `key: value` pairs of a configuration object literal (the pair, its key without
    /// quotes, its value); an error names the first entry that is not a plain pair (a spread,
    /// a method, a shorthand), whose key cannot be read.
    pub(crate) fn configuration_pairs<'t>(
        &'t self,
        object: Node<'t>,
    ) -> Result<Vec<(Node<'t>, &'t str, Node<'t>)>, String> {
        named_children(object)
            .into_iter()
            .map(|pair| {
                if pair.kind() != "pair" {
                    return Err(format!(
                        "the configuration has `{}` at {}, whose keys cannot be read",
                        one_line(self.source(pair)),
                        self.place(pair)
                    ));
                }
                let key = pair.child_by_field_name("key").expect("a pair has a key");
                let key = self.source(key).trim_matches(|c| c == '\'' || c == '"');
                let value = pair
                    .child_by_field_name("value")
                    .expect("a pair has a value");
                Ok((pair, key, value))
            })
            .collect()
    }

    pub(crate) fn place(&self, node: Node<'_>) -> String {
        format!("{}:{}", file_name(&self.path), self.line(node))
    }

    /// The top-level import statements.
    pub(crate) fn imports(&self) -> Vec<Node<'_>> {
        let root = self.tree.root_node();
        let mut cursor = root.walk();
        root.children(&mut cursor)
            .filter(|n| n.kind() == "import_statement")
            .collect()
    }

    pub(crate) fn import_source(&self, import: Node<'_>) -> Option<String> {
        let source = import.child_by_field_name("source")?;
        let text = self.source(source);
        Some(text[1..text.len().saturating_sub(1)].to_string())
    }

    fn imports_module(&self, target: &Path) -> bool {
        let directory = self.path.parent().unwrap_or(Path::new(""));
        self.imports().iter().any(|i| {
            self.import_source(*i)
                .is_some_and(|s| resolves_to(directory, &s, target))
        }) || self.requires_module(target)
    }

    fn requires_module(&self, target: &Path) -> bool {
        let directory = self.path.parent().unwrap_or(Path::new(""));
        descendants(self.tree.root_node()).into_iter().any(|n| {
            n.kind() == "call_expression"
                && n.child_by_field_name("function")
                    .is_some_and(|f| matches!(self.source(f), "require" | "import"))
                && n.child_by_field_name("arguments")
                    .and_then(|a| a.named_child(0))
                    .filter(|s| s.kind() == "string")
                    .is_some_and(|s| {
                        let t = self.source(s);
                        resolves_to(directory, &t[1..t.len() - 1], target)
                    })
        })
    }

    /// The named imports of `import` as (imported, local, specifier node); `None` when it
    /// has a default or namespace import.
    pub(crate) fn named_imports<'t>(
        &'t self,
        import: Node<'t>,
    ) -> Option<Vec<(String, String, Node<'t>)>> {
        let mut out = Vec::new();
        let mut cursor = import.walk();
        for child in import.named_children(&mut cursor) {
            if child.kind() != "import_clause" {
                continue;
            }
            let mut inner = child.walk();
            for part in child.named_children(&mut inner) {
                if part.kind() != "named_imports" {
                    return None;
                }
                let mut specs = part.walk();
                for spec in part.named_children(&mut specs) {
                    if spec.kind() != "import_specifier" {
                        continue;
                    }
                    let name = self.source(spec.child_by_field_name("name")?).to_string();
                    let local = spec
                        .child_by_field_name("alias")
                        .map_or_else(|| name.clone(), |a| self.source(a).to_string());
                    out.push((name, local, spec));
                }
            }
        }
        Some(out)
    }

    /// The identifiers that read `name` (every `identifier` node of that text that is not a
    /// declaration of it, an import specifier, or a property name).
    pub(crate) fn uses<'t>(&'t self, name: &str) -> Vec<Node<'t>> {
        descendants(self.tree.root_node())
            .into_iter()
            .filter(|n| {
                matches!(n.kind(), "identifier" | "shorthand_property_identifier")
                    && self.source(*n) == name
            })
            .filter(|n| {
                n.parent().is_none_or(|p| {
                    !(p.kind() == "import_specifier"
                        || (p.kind() == "variable_declarator"
                            && p.child_by_field_name("name") == Some(*n)))
                })
            })
            .collect()
    }

    pub(crate) fn binds(&self, name: &str) -> bool {
        descendants(self.tree.root_node())
            .into_iter()
            .any(|n| n.kind() == "identifier" && self.source(n) == name)
    }

    /// The quote the module's imports use.
    pub(crate) fn quote(&self) -> char {
        self.imports()
            .first()
            .and_then(|i| i.child_by_field_name("source"))
            .and_then(|s| self.source(s).chars().next())
            .unwrap_or('\'')
    }

    fn defines_context(&self) -> bool {
        self.react_adal_import().is_some()
            && descendants(self.tree.root_node())
                .into_iter()
                .any(|n| n.kind() == "new_expression")
    }

    fn react_adal_import(&self) -> Option<Node<'_>> {
        self.imports().into_iter().find(|i| {
            self.import_source(*i)
                .is_some_and(|s| MODULES.contains(&s.as_str()))
        })
    }
}

pub(crate) fn descendants(node: Node<'_>) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        out.push(n);
        let mut cursor = n.walk();
        for child in n.children(&mut cursor) {
            stack.push(child);
        }
    }
    out
}

/// The top-level statement `node` is in, and the exported or declared name of a
/// `const NAME = <node>` declaration directly around it.
pub(crate) fn declared_name<'t>(module: &'t Module, node: Node<'t>) -> Option<(String, Node<'t>)> {
    let declarator = node
        .parent()
        .filter(|p| p.kind() == "variable_declarator")?;
    if declarator.child_by_field_name("value") != Some(node) {
        return None;
    }
    let name = declarator.child_by_field_name("name")?;
    if name.kind() != "identifier" {
        return None;
    }
    let declaration = declarator.parent()?;
    let statement = match declaration.parent() {
        Some(p) if p.kind() == "export_statement" => p,
        _ => declaration,
    };
    (statement.parent()? == module.tree.root_node())
        .then(|| (module.source(name).to_string(), statement))
}

/// The react-adal names a configuration module uses, by local name.
struct Imported {
    /// local name → react-adal export.
    names: HashMap<String, String>,
}

impl Imported {
    fn local(&self, export: &str) -> Option<&str> {
        self.names
            .iter()
            .find(|(_, e)| e.as_str() == export)
            .map(|(l, _)| l.as_str())
    }
}

/// A file's edits, on its text.
pub(crate) type FileEdits = (PathBuf, String, Vec<Edit>);

/// The whole migration, or why not.
fn migrate(config: &Module, consumers: &[Module]) -> Result<Vec<FileEdits>, String> {
    if matches!(config.language, Language::TypeScript) {
        return Err(format!(
            "`{}` is a `.ts` module, which cannot hold the JSX of `<MsalProvider>`",
            file_name(&config.path)
        ));
    }
    let import = config
        .react_adal_import()
        .ok_or("no import of react-adal")?;
    let named = config.named_imports(import).ok_or_else(|| {
        format!(
            "`{}` imports react-adal other than by name",
            config.place(import)
        )
    })?;
    let mut imported = Imported {
        names: HashMap::new(),
    };
    for (name, local, spec) in &named {
        if !matches!(
            name.as_str(),
            "AuthenticationContext" | "adalFetch" | "withAdalLogin" | "adalGetToken"
        ) {
            return Err(format!(
                "`{name}` of react-adal ({}) has no automatic equivalent",
                config.place(*spec)
            ));
        }
        imported.names.insert(local.clone(), name.clone());
    }
    if config.imports().iter().any(|i| {
        *i != import
            && config
                .import_source(*i)
                .is_some_and(|s| MODULES.contains(&s.as_str()) || s == "adal-angular")
    }) {
        return Err("the configuration module imports ADAL.js twice".to_string());
    }
    let constructor = imported
        .local("AuthenticationContext")
        .ok_or("the configuration module creates no `AuthenticationContext`")?;
    // The one `new AuthenticationContext(config)`, declared at the top level.
    let created: Vec<Node<'_>> = descendants(config.tree.root_node())
        .into_iter()
        .filter(|n| {
            n.kind() == "new_expression"
                && n.child_by_field_name("constructor")
                    .is_some_and(|c| config.source(c) == constructor)
        })
        .collect();
    let [creation] = created.as_slice() else {
        return Err("the context is created in more than one place".to_string());
    };
    let (context, context_statement) = declared_name(config, *creation).ok_or_else(|| {
        format!(
            "the context ({}) is not a `const` of the module's top level",
            config.place(*creation)
        )
    })?;
    let arguments = creation
        .child_by_field_name("arguments")
        .ok_or("the context is created without arguments")?;
    let [settings] = named_children(arguments)[..] else {
        return Err("the context is not created from one configuration object".to_string());
    };
    let settings = Settings::read(config, settings)?;

    let mut edits = Vec::new();
    let mut helpers = Helpers::default();
    // Every use of the context in the configuration module: the wrappers' first argument.
    for used in config.uses(&context) {
        let call = used
            .parent()
            .filter(|a| a.kind() == "arguments" && a.named_child(0) == Some(used))
            .and_then(|a| a.parent())
            .filter(|c| c.kind() == "call_expression");
        let Some(call) = call else {
            return Err(format!(
                "`{context}` is used at {} in a way this migration does not rewrite (`{}`)",
                config.place(used),
                one_line(config.source(used.parent().unwrap_or(used)))
            ));
        };
        let callee = config.source(call.child_by_field_name("function").expect("a call"));
        let export = imported.names.get(callee).map(String::as_str);
        let arguments = named_children(call.child_by_field_name("arguments").expect("a call"));
        let text = |n: Node<'_>| config.source(n).to_string();
        let replacement = match (export, arguments.as_slice()) {
            (Some("adalFetch"), [_, resource, fetch, url, rest @ ..]) if rest.len() <= 1 => {
                helpers.acquire = true;
                let options = rest.first().map(|o| config.source(*o));
                if options.is_some_and(|o| !is_simple(o)) {
                    return Err(format!(
                        "the options of `adalFetch` at {} are not a name",
                        config.place(call)
                    ));
                }
                fetch_call(&text(*resource), &text(*fetch), &text(*url), options)
            }
            (Some("adalGetToken"), [_, resource]) => {
                helpers.acquire = true;
                format!("acquireTokenFor({})", text(*resource))
            }
            (Some("withAdalLogin"), [_, resource]) => {
                helpers.login = true;
                login_component(&text(*resource), &context)
            }
            _ => {
                return Err(format!(
                    "`{}` at {} has no automatic equivalent",
                    one_line(config.source(call)),
                    config.place(call)
                ));
            }
        };
        edits.push(Edit::replace(
            call.byte_range(),
            indent_like(config, call.start_byte(), &replacement),
        ));
    }
    // The react-adal names must not be used any other way.
    for (local, export) in &imported.names {
        for used in config.uses(local) {
            let is_callee = used.parent().is_some_and(|p| {
                matches!(p.kind(), "call_expression" | "new_expression")
                    && (p.child_by_field_name("function") == Some(used)
                        || p.child_by_field_name("constructor") == Some(used))
            });
            if !is_callee {
                return Err(format!(
                    "`{export}` of react-adal is used at {} other than by a call",
                    config.place(used)
                ));
            }
        }
    }
    // The wrappers the module exports: their callers' arity.
    let wrappers = exported_wrappers(config, &edits);
    // The consumers.
    let mut files = Vec::new();
    let mut started = false;
    for consumer in consumers {
        let (consumer_edits, starts) = migrate_consumer(config, consumer, &context, &wrappers)?;
        started |= starts;
        if !consumer_edits.is_empty() {
            files.push((consumer.path.clone(), consumer.text.clone(), consumer_edits));
        }
    }
    if !started {
        return Err(format!(
            "no module starts the app with `runWithAdal({context}, ...)`: MSAL must be initialised before any other call, and where the app does that is its choice"
        ));
    }
    helpers.start = true;
    for name in ["acquireTokenFor", "runWithMsal", "msalInstance"] {
        if config.binds(name) {
            return Err(format!(
                "the configuration module already binds `{name}`, a name the migration needs"
            ));
        }
    }
    // The context itself, and the imports.
    edits.push(Edit::replace(
        creation.byte_range(),
        indent_like(config, creation.start_byte(), &settings.application()),
    ));
    let quote = config.quote();
    let mut browser = vec!["PublicClientApplication"];
    if helpers.acquire {
        browser.push("InteractionRequiredAuthError");
    }
    if helpers.login {
        browser.push("InteractionType");
    }
    browser.sort_unstable();
    let mut header = format!(
        "import {{ {} }} from {quote}@azure/msal-browser{quote};",
        browser.join(", ")
    );
    if helpers.login {
        header.push_str(&format!(
            "\nimport {{ MsalAuthenticationTemplate, MsalProvider }} from {quote}@azure/msal-react{quote};"
        ));
        if !config.binds("React") {
            header = format!("import React from {quote}react{quote};\n{header}");
        }
    }
    edits.push(Edit::replace(import.byte_range(), header));
    let end = config.tree.root_node().end_byte();
    let mut appendix = String::new();
    if !config.text.ends_with('\n') {
        appendix.push('\n');
    }
    if helpers.acquire {
        // Right below the context, above the wrappers that use it.
        let at = context_statement.end_byte();
        let at = at
            + config.text[at..]
                .find('\n')
                .unwrap_or(config.text.len() - at);
        edits.push(Edit::insert(at, "\n"));
        edits.push(Edit::insert(
            at,
            acquire_helper(&context).trim_end().to_string(),
        ));
    }
    if helpers.start {
        appendix.push_str(RUN_WITH_MSAL);
    }
    edits.push(Edit::insert(end.max(config.text.len()), appendix));
    let mut edits_checked = Vec::new();
    for (path, text, file_edits) in
        std::iter::once((config.path.clone(), config.text.clone(), edits)).chain(files)
    {
        let language = Language::from_path(&path).unwrap_or(config.language);
        let mut sorted = file_edits.clone();
        sorted.sort_by_key(|e| (e.range.start, e.range.end));
        let refs: Vec<&Edit> = sorted.iter().collect();
        let fixed = crate::fix::apply_edits(&text, &refs);
        if crate::lint::has_syntax_errors(language, &fixed) {
            return Err(format!(
                "the migrated `{}` would not parse",
                file_name(&path)
            ));
        }
        edits_checked.push((path, text, file_edits));
    }
    Ok(edits_checked)
}

pub(crate) fn named_children(node: Node<'_>) -> Vec<Node<'_>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|n| n.kind() != "comment")
        .collect()
}

fn is_simple(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == '.')
}

pub(crate) fn one_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or("");
    if line.len() < text.len() {
        format!("{line} ...")
    } else {
        line.to_string()
    }
}

/// Indents the lines after the first of `text` like the line `at` is on.
pub(crate) fn indent_like(module: &Module, at: usize, text: &str) -> String {
    let line_start = module.text[..at].rfind('\n').map_or(0, |i| i + 1);
    let indent: String = module.text[line_start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let mut lines = text.lines();
    let mut out = lines.next().unwrap_or("").to_string();
    for line in lines {
        out.push('\n');
        if !line.is_empty() {
            out.push_str(&indent);
        }
        out.push_str(line);
    }
    out
}

#[derive(Default)]
struct Helpers {
    acquire: bool,
    login: bool,
    start: bool,
}

/// The ADAL.js configuration object the context is created with.
pub(crate) struct Settings {
    /// How the generated code reads a key: `adalConfig.` for a named object, `None` for an
    /// inline one (whose values are copied).
    name: Option<String>,
    values: HashMap<String, String>,
    quote: char,
}

impl Settings {
    pub(crate) fn read(module: &Module, node: Node<'_>) -> Result<Settings, String> {
        let (name, object) = if node.kind() == "identifier" {
            let name = module.source(node).to_string();
            let declared: Vec<Node<'_>> = descendants(module.tree.root_node())
                .into_iter()
                .filter(|n| {
                    n.kind() == "variable_declarator"
                        && n.child_by_field_name("name")
                            .is_some_and(|i| module.source(i) == name)
                })
                .collect();
            let [declarator] = declared.as_slice() else {
                return Err(format!("`{name}` is declared more than once"));
            };
            let value = declarator
                .child_by_field_name("value")
                .filter(|v| v.kind() == "object")
                .ok_or_else(|| format!("`{name}` is not an object literal"))?;
            if declared_name(module, value).is_none() {
                return Err(format!(
                    "`{name}` is not declared at the module's top level"
                ));
            }
            for used in module.uses(&name) {
                if used.parent().is_some_and(|p| {
                    p.kind() == "assignment_expression"
                        || (p.kind() == "member_expression"
                            && p.parent().is_some_and(|g| {
                                g.kind() == "assignment_expression"
                                    && g.child_by_field_name("left") == Some(p)
                            }))
                }) {
                    return Err(format!(
                        "`{name}` is changed at {} after it is defined",
                        module.place(used)
                    ));
                }
            }
            (Some(name), value)
        } else if node.kind() == "object" {
            (None, node)
        } else {
            return Err(format!(
                "the context is created from `{}`, not from an object literal",
                one_line(module.source(node))
            ));
        };
        let mut values = HashMap::new();
        for (pair, key, value) in module.configuration_pairs(object)? {
            if ADAL_KEYS.contains(&key) {
                return Err(format!(
                    "the configuration key `{key}` ({}) has no automatic equivalent",
                    module.place(pair)
                ));
            }
            if CARRIED_KEYS.contains(&key) {
                values.insert(key.to_string(), module.source(value).to_string());
            }
        }
        if !values.contains_key("clientId") {
            return Err("the configuration has no `clientId`".to_string());
        }
        if let Some(instance) = values.get("instance") {
            if !is_string_literal(instance) {
                return Err("the configuration's `instance` is not a string literal".to_string());
            }
        }
        Ok(Settings {
            name,
            values,
            quote: module.quote(),
        })
    }

    /// How the generated code reads `key`.
    fn read_key(&self, key: &str) -> String {
        match &self.name {
            Some(name) => format!("{name}.{key}"),
            None => self.values[key].clone(),
        }
    }

    /// `https://login.microsoftonline.com/<tenant>` (v1 `common` becomes `organizations`).
    fn authority(&self) -> String {
        let q = self.quote;
        let instance = self.values.get("instance").map_or_else(
            || "https://login.microsoftonline.com/".to_string(),
            |i| {
                let i = i[1..i.len() - 1].to_string();
                if i.ends_with('/') { i } else { format!("{i}/") }
            },
        );
        match self.values.get("tenant") {
            Some(tenant) if is_string_literal(tenant) => {
                let tenant = &tenant[1..tenant.len() - 1];
                let tenant = match tenant {
                    "" | "common" => "organizations",
                    other => other,
                };
                format!("{q}{instance}{tenant}{q}")
            }
            Some(_) => format!("{q}{instance}{q} + {}", self.read_key("tenant")),
            None => format!("{q}{instance}organizations{q}"),
        }
    }

    pub(crate) fn application(&self) -> String {
        let mut auth = vec![
            format!("clientId: {},", self.read_key("clientId")),
            format!("authority: {},", self.authority()),
        ];
        for key in ["redirectUri", "postLogoutRedirectUri"] {
            if self.values.contains_key(key) {
                auth.push(format!("{key}: {},", self.read_key(key)));
            }
        }
        let mut out = String::from("new PublicClientApplication({\n  auth: {\n");
        for line in auth {
            out.push_str(&format!("    {line}\n"));
        }
        out.push_str("  },\n");
        if self.values.contains_key("cacheLocation") {
            out.push_str(&format!(
                "  cache: {{ cacheLocation: {} }},\n",
                self.read_key("cacheLocation")
            ));
        }
        out.push_str("})");
        out
    }
}

pub(crate) fn is_string_literal(text: &str) -> bool {
    text.len() >= 2
        && ((text.starts_with('\'') && text.ends_with('\''))
            || (text.starts_with('"') && text.ends_with('"')))
}

/// `resource/.default`, the v2 scope of an ADAL resource.
pub(crate) fn scope(resource: &str) -> String {
    if is_string_literal(resource) {
        let q = &resource[..1];
        format!("{q}{}/.default{q}", &resource[1..resource.len() - 1])
    } else {
        format!("`${{{resource}}}/.default`")
    }
}

fn fetch_call(resource: &str, fetch: &str, url: &str, options: Option<&str>) -> String {
    let headers = match options {
        Some(options) => format!(
            "{{\n  ...{options},\n  headers: {{ ...({options} || {{}}).headers, Authorization: `Bearer ${{accessToken}}` }},\n}}"
        ),
        None => "{ headers: { Authorization: `Bearer ${accessToken}` } }".to_string(),
    };
    format!("acquireTokenFor({resource}).then((accessToken) => {fetch}({url}, {headers}))")
}

fn login_component(resource: &str, context: &str) -> String {
    format!(
        "(WrappedComponent) => (props) => (
  <MsalProvider instance={{{context}}}>
    <MsalAuthenticationTemplate
      interactionType={{InteractionType.Redirect}}
      authenticationRequest={{{{ scopes: [{scope}] }}}}
    >
      <WrappedComponent {{...props}} />
    </MsalAuthenticationTemplate>
  </MsalProvider>
)",
        scope = scope(resource)
    )
}

fn acquire_helper(context: &str) -> String {
    format!(
        "
// A token for an ADAL resource (its scope is `resource/.default`): from MSAL's cache, or
// from a popup when the user must sign in or consent (react-adal's `adalGetToken`).
const acquireTokenFor = (resource) => {{
  const request = {{ scopes: [`${{resource}}/.default`], account: {context}.getActiveAccount() }};
  return {context}
    .acquireTokenSilent(request)
    .catch((error) => (error instanceof InteractionRequiredAuthError || !request.account
      ? {context}.acquireTokenPopup(request)
      : Promise.reject(error)))
    .then((result) => result.accessToken);
}};
"
    )
}

const RUN_WITH_MSAL: &str = "
// Starts the app the way react-adal's `runWithAdal` did: once MSAL is initialised and has
// handled the redirect back from the sign-in page, signed in unless `doNotLogin`, and never
// inside the hidden frame a silent token renewal loads.
export const runWithMsal = (msalInstance, app, doNotLogin) => {
  msalInstance
    .initialize()
    .then(() => msalInstance.handleRedirectPromise())
    .then((result) => {
      const account = result ? result.account : msalInstance.getAllAccounts()[0];
      if (account) {
        msalInstance.setActiveAccount(account);
      } else if (!doNotLogin) {
        return msalInstance.loginRedirect();
      }
      if (window === window.parent) {
        app();
      }
      return undefined;
    });
};
";

/// The wrappers the configuration module exports (`adalApiFetch`, `withAdalLoginApi`), by
/// name, with the largest number of arguments their callers may pass.
fn exported_wrappers(config: &Module, edits: &[Edit]) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    for edit in edits {
        let Some(call) = descendants(config.tree.root_node())
            .into_iter()
            .find(|n| n.kind() == "call_expression" && n.byte_range() == edit.range)
        else {
            continue;
        };
        // `export const withAdalLoginApi = withAdalLogin(...)`: a component wrapper, one argument.
        if let Some((name, _)) = declared_name(config, call) {
            out.insert(name, 1);
        }
    }
    out
}

/// The edits of a module that imports the configuration module, and whether it starts the
/// app with `runWithAdal`.
fn migrate_consumer(
    config: &Module,
    consumer: &Module,
    context: &str,
    wrappers: &HashMap<String, usize>,
) -> Result<(Vec<Edit>, bool), String> {
    if consumer.requires_module(&config.path) {
        return Err(format!(
            "{} loads `{}` with `require` or `import()`, whose uses cannot be followed",
            file_name(&consumer.path),
            file_name(&config.path)
        ));
    }
    let directory = consumer.path.parent().unwrap_or(Path::new(""));
    let mut edits = Vec::new();
    let mut context_local = None;
    let mut config_import = None;
    let mut run_local = None;
    for import in consumer.imports() {
        let Some(source) = consumer.import_source(import) else {
            continue;
        };
        if MODULES.contains(&source.as_str()) {
            let named = consumer.named_imports(import).ok_or_else(|| {
                format!(
                    "{} imports react-adal other than by name",
                    consumer.place(import)
                )
            })?;
            for (name, local, spec) in named {
                if name != "runWithAdal" {
                    return Err(format!(
                        "`{name}` of react-adal is used in {}, which this migration does not rewrite",
                        consumer.place(spec)
                    ));
                }
                run_local = Some(local);
            }
            edits.push(statement_removal(&consumer.text, import.byte_range()));
        } else if resolves_to(directory, &source, &config.path) {
            let named = consumer.named_imports(import).ok_or_else(|| {
                format!(
                    "{} imports `{}` other than by name",
                    consumer.place(import),
                    file_name(&config.path)
                )
            })?;
            for (name, local, spec) in &named {
                if name == context {
                    context_local = Some((local.clone(), *spec));
                } else if let Some(arity) = wrappers.get(name) {
                    for used in consumer.uses(local) {
                        let call = used
                            .parent()
                            .filter(|p| p.kind() == "call_expression")
                            .filter(|p| p.child_by_field_name("function") == Some(used));
                        let fits = call.is_some_and(|c| {
                            named_children(c.child_by_field_name("arguments").expect("a call"))
                                .len()
                                <= *arity
                        });
                        if !fits {
                            return Err(format!(
                                "`{local}` is used at {} other than by a call with the component alone",
                                consumer.place(used)
                            ));
                        }
                    }
                }
            }
            config_import = Some(import);
        }
    }
    let Some((context_local, _)) = context_local else {
        if run_local.is_some() {
            return Err(format!(
                "{} calls `runWithAdal` with a context this migration does not see",
                file_name(&consumer.path)
            ));
        }
        return Ok((Vec::new(), false));
    };
    // Without `runWithAdal` here, any use of the context is one this migration does not rewrite.
    let run_local = run_local.unwrap_or_default();
    if consumer.binds("runWithMsal") {
        return Err(format!(
            "{} already binds `runWithMsal`, a name the migration needs",
            file_name(&consumer.path)
        ));
    }
    // Every use of the context: the first argument of `runWithAdal`.
    let mut starts = false;
    for used in consumer.uses(&context_local) {
        let call = used
            .parent()
            .filter(|a| a.kind() == "arguments" && a.named_child(0) == Some(used))
            .and_then(|a| a.parent())
            .filter(|c| {
                c.kind() == "call_expression"
                    && c.child_by_field_name("function")
                        .is_some_and(|f| consumer.source(f) == run_local)
            });
        let Some(call) = call else {
            return Err(format!(
                "`{context_local}` is used at {} in a way this migration does not rewrite (`{}`)",
                consumer.place(used),
                one_line(consumer.source(used.parent().unwrap_or(used)))
            ));
        };
        let arguments = named_children(call.child_by_field_name("arguments").expect("a call"));
        if !(2..=3).contains(&arguments.len()) {
            return Err(format!(
                "`runWithAdal` at {} does not take the context, the app and `doNotLogin`",
                consumer.place(call)
            ));
        }
        let callee = call.child_by_field_name("function").expect("a call");
        edits.push(Edit::replace(callee.byte_range(), "runWithMsal"));
        starts = true;
    }
    if !starts {
        return Ok((Vec::new(), false));
    }
    for used in consumer.uses(&run_local) {
        let is_callee = used.parent().is_some_and(|p| {
            p.kind() == "call_expression" && p.child_by_field_name("function") == Some(used)
        });
        let with_context = is_callee
            && used
                .parent()
                .and_then(|p| p.child_by_field_name("arguments"))
                .and_then(|a| a.named_child(0))
                .is_some_and(|a| consumer.source(a) == context_local);
        if !with_context {
            return Err(format!(
                "`runWithAdal` is used at {} other than with `{context_local}`",
                consumer.place(used)
            ));
        }
    }
    // `import { authContext } from './adalConfig'` also imports `runWithMsal`.
    let import = config_import.expect("the context is imported");
    let clause = descendants(import)
        .into_iter()
        .find(|n| n.kind() == "named_imports")
        .expect("named imports");
    let last = named_children(clause)
        .into_iter()
        .filter(|n| n.kind() == "import_specifier")
        .max_by_key(|n| n.end_byte())
        .expect("the context's specifier");
    edits.push(Edit::insert(last.end_byte(), ", runWithMsal"));
    Ok((edits, starts))
}

/// The edit that removes the statement at `range` with its line when it stands alone.
fn statement_removal(text: &str, range: Range<usize>) -> Edit {
    let line_start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let after = &text[range.end..];
    let rest = after.find('\n').map_or(after.len(), |i| i + 1);
    if !text[line_start..range.start].trim().is_empty() {
        Edit::replace(range, "")
    } else if after[..rest].trim().is_empty() {
        Edit::replace(line_start..range.end + rest, "")
    } else {
        // A comment after it on its line stays, in its place.
        let spaces = after.len() - after.trim_start_matches([' ', '\t']).len();
        Edit::replace(range.start..range.end + spaces, "")
    }
}
