//! The Angular wrappers' project migration: an Angular app that signs in with
//! `adal-angular4` (`AdalService`, `AdalGuard`, `AdalInterceptor`) or
//! `microsoft-adal-angular6` (`MsAdalAngular6Module.forRoot`, `MsAdalAngular6Service`,
//! `AuthenticationGuard`) moved to `@azure/msal-angular` as one module: the configuration
//! (`MsAdalAngular6Module.forRoot({...})`, or `AdalService.init({...})` called in a
//! component) becomes `MsalModule.forRoot(new PublicClientApplication(...), guard
//! configuration, interceptor configuration)` in the app module, the guard `MsalGuard`, the
//! interceptor `MsalInterceptor` (ADAL's `endpoints` become its `protectedResourceMap`), the
//! injected service `MsalService`, and each use of the service its MSAL Angular
//! counterpart (`login()` → `loginRedirect()`, `userInfo.authenticated` → an account is
//! signed in, `acquireToken(resource)` → `acquireTokenSilent(...)` mapped to the token).
//! The generated code is the API `@azure/msal-angular` has had since version 2 (the manifest
//! phase adds ^3.1; `tests/e2e_browser.rs` type-checks it against that version).
//!
//! MSAL Angular is configured once for the whole app, so the files that import a wrapper
//! are planned together after the first pass, like the react-adal apps (`react_adal`):
//! every file gets its part as one unsafe fix, or none does, and then every finding of those
//! files says what stands in the way. A component whose template reads the service itself
//! withholds the migration (templates are not rewritten).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use tree_sitter::Node;

use crate::fix::Edit;
use crate::language::Language;
use crate::react_adal::{
    FileEdits, Module, descendants, file_name, indent_like, is_string_literal, named_children,
    one_line, scope,
};
use crate::semantic::normalize;

/// The wrapper packages this migration moves, and the role of each name they export.
const WRAPPERS: &[(&str, &[(&str, Role)])] = &[
    (
        "adal-angular4",
        &[
            ("AdalService", Role::Service),
            ("AdalGuard", Role::Guard),
            ("AdalInterceptor", Role::Interceptor),
        ],
    ),
    (
        "microsoft-adal-angular6",
        &[
            ("MsAdalAngular6Module", Role::Module),
            ("MsAdalAngular6Service", Role::Service),
            ("AuthenticationGuard", Role::Guard),
        ],
    ),
];

/// What a wrapper's export is to the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    /// The module configured with `forRoot(config)` (`microsoft-adal-angular6`).
    Module,
    /// The injected service.
    Service,
    /// The route guard.
    Guard,
    /// The HTTP interceptor.
    Interceptor,
}

impl Role {
    /// The `@azure/msal-angular` name that takes its place.
    fn successor(self) -> &'static str {
        match self {
            Role::Module => "MsalModule",
            Role::Service => "MsalService",
            Role::Guard => "MsalGuard",
            Role::Interceptor => "MsalInterceptor",
        }
    }
}

/// ADAL.js configuration keys the generated configuration carries over.
const CARRIED: &[&str] = &[
    "tenant",
    "clientId",
    "instance",
    "redirectUri",
    "postLogoutRedirectUri",
    "cacheLocation",
    "endpoints",
];

/// ADAL.js configuration keys left out on purpose (said in the fix's note).
const DROPPED: &[&str] = &["navigateToLoginRequestUrl"];

/// The title of every fix this migration makes.
pub(crate) const TITLE: &str = "Migrate the Angular app's ADAL.js wrapper to `@azure/msal-angular`";

/// True when `text` may import one of the wrappers (before parsing it).
pub(crate) fn names_a_wrapper(text: &str) -> bool {
    WRAPPERS.iter().any(|(package, _)| text.contains(package))
}

/// Why the migration is unsafe even when it applies.
pub(crate) const NOTE: &str = "MSAL.js uses the auth-code flow with PKCE: register the redirect URI under the \"Single-page application\" platform of the app registration first (no code change can); users sign in again, since MSAL cannot read ADAL's cache; tokens for an ADAL resource are requested with the scope `resource/.default`; ADAL's `endpoints` become the interceptor's `protectedResourceMap` (ADAL matched URLs by substring and also sent the ID token to the app's own host, MSAL Angular sends tokens only to the mapped URLs: review them); ADAL's `navigateToLoginRequestUrl: false` is not carried over (MSAL returns the user to the page that started the sign-in); `@azure/msal-angular` ^3.1 and `@azure/msal-browser` ^3.28 take the wrapper's place in package.json (they need Angular 15 or later and rxjs 7; the generated code is also the API of msal-angular 4 to 6). The configuration, the guard, the interceptor and the service's uses are migrated together.";

/// The files of an app and their edits, or why the app is not migrated.
pub(crate) type AppPlan = Result<Vec<FileEdits>, String>;

/// One wrapper import of a file: the statement and the local name of each export.
struct WrapperImport<'t> {
    statement: Node<'t>,
    names: Vec<(String, Role)>,
}

/// The ADAL.js configuration of the app, as code the app module can read.
struct Config {
    /// Each carried key's expression, as the app module reads it.
    values: HashMap<String, String>,
    /// The literal `endpoints` entries (`url`, `resource`), when they are literals.
    endpoints: Option<Vec<(String, String)>>,
    /// The module-level name the values read (`environment` of `environment.adalConfig.x`)
    /// and the module it is imported from, which the app module then imports too.
    import: Option<(String, PathBuf)>,
}

/// Plans the Angular wrapper apps among `modules` (every project file that imports a
/// wrapper, parsed). `read` reads another file of the project (templates). Returns the
/// involved files and the plan.
pub(crate) fn plan(
    modules: &[Module],
    read: &dyn Fn(&Path) -> Option<String>,
) -> Vec<(Vec<PathBuf>, AppPlan)> {
    let mut out = Vec::new();
    for (package, _) in WRAPPERS {
        let mut apps: Vec<(PathBuf, Vec<&Module>)> = Vec::new();
        for module in modules.iter().filter(|m| {
            m.imports()
                .iter()
                .any(|i| m.import_source(*i).as_deref() == Some(*package))
        }) {
            let root = app_root(module.path());
            match apps.iter_mut().find(|(r, _)| *r == root) {
                Some((_, members)) => members.push(module),
                None => apps.push((root, vec![module])),
            }
        }
        for (_, app) in apps {
            let involved = app.iter().map(|m| m.path().to_path_buf()).collect();
            out.push((involved, migrate(package, &app, read)));
        }
    }
    out
}

/// The directory of the Angular project `path` belongs to: the one holding its nearest
/// `src` directory (the Angular CLI's layout); files outside any `src` make one app.
fn app_root(path: &Path) -> PathBuf {
    path.ancestors()
        .skip(1)
        .find(|a| a.file_name().is_some_and(|n| n == "src"))
        .and_then(Path::parent)
        .map_or_else(PathBuf::new, Path::to_path_buf)
}

/// The uses of one service field or parameter in a class, to rewrite.
struct Receiver<'t> {
    /// The field (`this.adal`) or parameter (`adal`) spelled as the code reads it.
    nodes: Vec<Node<'t>>,
}

fn migrate(package: &str, app: &[&Module], read: &dyn Fn(&Path) -> Option<String>) -> AppPlan {
    let roles = WRAPPERS
        .iter()
        .find(|(p, _)| *p == package)
        .map(|(_, r)| *r)
        .expect("a known wrapper");
    let mut files: Vec<(usize, Vec<Edit>, Vec<&'static str>, bool)> = Vec::new();
    let mut config: Option<(usize, Config)> = None;
    // Where `MsalModule.forRoot(...)` goes: the `forRoot` call, or the app module's imports.
    let mut module_site: Option<(usize, ModuleSite)> = None;
    // Whether something handles the redirect back from the sign-in page (MsalGuard does).
    let mut handles_redirect = false;
    let mut acquire_sites: Vec<(usize, Node<'_>, Node<'_>, String)> = Vec::new();
    for (index, module) in app.iter().enumerate() {
        let import = wrapper_import(module, package, roles)?;
        let mut edits = Vec::new();
        let mut used: Vec<&'static str> = Vec::new();
        let mut uses_map = false;
        for (local, role) in &import.names {
            for node in references(module, local) {
                if is_in(node, import.statement) {
                    continue;
                }
                match role {
                    Role::Module => {
                        let call = module_call(module, node).ok_or_else(|| {
                            format!(
                                "`{local}` is used at {} other than by `{local}.forRoot(config)`",
                                module.place(node)
                            )
                        })?;
                        let arguments =
                            named_children(call.child_by_field_name("arguments").expect("a call"));
                        let [argument] = arguments.as_slice() else {
                            return Err(format!(
                                "`{local}.forRoot` at {} is not called with one configuration",
                                module.place(call)
                            ));
                        };
                        if config.is_some() {
                            return Err("the app is configured in more than one place".into());
                        }
                        refuse_comments(module, call)?;
                        config = Some((index, read_config(module, *argument)?));
                        module_site = Some((index, ModuleSite::Call(call.byte_range())));
                        used.push("MsalModule");
                    }
                    Role::Guard | Role::Interceptor => {
                        let allowed = node.parent().is_some_and(|p| {
                            p.kind() == "array"
                                || (p.kind() == "pair"
                                    && p.child_by_field_name("value") == Some(node)
                                    && p.child_by_field_name("key")
                                        .is_some_and(|k| module.source(k) == "useClass"))
                        });
                        if !allowed {
                            return Err(format!(
                                "`{local}` is used at {} other than in a route's or module's list (`{}`)",
                                module.place(node),
                                one_line(module.source(node.parent().unwrap_or(node)))
                            ));
                        }
                        edits.push(Edit::replace(node.byte_range(), role.successor()));
                        used.push(role.successor());
                        handles_redirect |= *role == Role::Guard && guards_a_route(module, node);
                    }
                    Role::Service => {
                        used.push("MsalService");
                        if node.parent().is_some_and(|p| p.kind() == "array") {
                            // `providers: [AdalService]`: MsalModule.forRoot provides MsalService.
                            edits.push(Edit::replace(node.byte_range(), "MsalService"));
                            if package == "adal-angular4" {
                                let ng_module = enclosing_ng_module_imports(module, node)
                                    .ok_or_else(|| {
                                        format!(
                                            "the module that provides `{local}` ({}) has no `imports` list for `MsalModule.forRoot`",
                                            module.place(node)
                                        )
                                    })?;
                                if module_site.is_some() {
                                    return Err(
                                        "`AdalService` is provided by more than one module".into(),
                                    );
                                }
                                module_site = Some((index, ModuleSite::Imports(ng_module)));
                                used.push("MsalModule");
                            }
                            continue;
                        }
                        let receiver = service_receiver(module, node).ok_or_else(|| {
                            format!(
                                "`{local}` is used at {} other than as the type of an injected constructor parameter",
                                module.place(node)
                            )
                        })?;
                        edits.push(Edit::replace(node.byte_range(), "MsalService"));
                        template_reads(module, node, &receiver, read)?;
                        for use_ in receiver_uses(module, node, &receiver).nodes {
                            match service_use(module, package, use_, read)? {
                                ServiceUse::Edit(edit) => edits.push(edit),
                                ServiceUse::Redirect(edit) => {
                                    handles_redirect = true;
                                    edits.push(edit);
                                }
                                ServiceUse::Init(statement, argument) => {
                                    if config.is_some() {
                                        return Err(
                                            "the app is configured in more than one place".into()
                                        );
                                    }
                                    let (read_config_result, field) =
                                        init_config(module, argument, read)?;
                                    config = Some((index, read_config_result));
                                    edits.push(statement_removal(module, statement));
                                    if let Some(field) = field {
                                        edits.push(statement_removal(module, field));
                                    }
                                }
                                ServiceUse::Acquire(call, resource) => {
                                    uses_map = true;
                                    acquire_sites.push((index, use_, call, resource));
                                }
                            }
                        }
                    }
                }
            }
        }
        used.sort_unstable();
        used.dedup();
        files.push((index, edits, used, uses_map));
    }
    let (config_index, config) = config.ok_or(
        "the app's ADAL.js configuration is not found (`forRoot(config)` or `init(config)`)",
    )?;
    let (site_index, site) =
        module_site.ok_or("no module provides the service or imports the wrapper's module")?;
    if config_index != site_index
        && config.import.is_none()
        && config.values.iter().any(|(key, value)| {
            !(is_portable(value)
                || key == "endpoints"
                    && config.endpoints.as_ref().is_some_and(|entries| {
                        entries
                            .iter()
                            .all(|(u, r)| is_string_literal(u) && is_string_literal(r))
                    }))
        })
    {
        return Err(format!(
            "the configuration in `{}` reads names of its own file, and it moves to `{}`",
            file_name(app[config_index].path()),
            file_name(app[site_index].path())
        ));
    }
    if !handles_redirect {
        return Err("nothing handles the redirect back from the sign-in page (no route guard, no `handleWindowCallback()`): MSAL Angular needs `MsalRedirectComponent` or `handleRedirectObservable()`, and where the app does that is its choice".into());
    }
    // `acquireToken` calls, now that the configuration (and its endpoints) is known.
    for (index, receiver, call, argument) in acquire_sites {
        let module = app[index];
        let resource = if package == "microsoft-adal-angular6" {
            endpoint_resource(&config, &argument).ok_or_else(|| {
                format!(
                    "`acquireToken({argument})` at {} looks its resource up in the configuration's `endpoints`, and no literal entry matches it (the wrapper then falls back to the app's client id or to no resource, by version)",
                    module.place(call)
                )
            })?
        } else {
            argument
        };
        let object = module.source(receiver);
        let replacement = format!(
            "{object}.acquireTokenSilent({{ scopes: [{}], account: {object}.instance.getAllAccounts()[0] }}).pipe(map((result) => result.accessToken))",
            scope(&resource)
        );
        files[index]
            .1
            .push(Edit::replace(call.byte_range(), replacement));
    }
    // The configuration.
    let module = app[site_index];
    let for_root = for_root(&config, module);
    match site {
        ModuleSite::Call(range) => {
            files[site_index].1.push(Edit::replace(
                range.clone(),
                indent_like(module, range.start, &for_root),
            ));
        }
        ModuleSite::Imports(array) => {
            let elements = named_children(array);
            let (at, text) = match elements.last() {
                Some(last) => {
                    let at = last.end_byte();
                    let indentation = line_indentation(module, last.start_byte());
                    let line_start = last.start_byte() - indentation.len();
                    let lead = if module.text()[line_start..last.start_byte()] == indentation
                        && module.text()[..line_start].ends_with('\n')
                    {
                        format!(",\n{indentation}")
                    } else {
                        ", ".to_string()
                    };
                    (
                        at,
                        format!(
                            "{lead}{}",
                            indent_like(module, last.start_byte(), &for_root)
                        ),
                    )
                }
                None => (array.start_byte() + 1, for_root.clone()),
            };
            files[site_index].1.push(Edit::insert(at, text));
        }
    }
    // Imports, file by file.
    let mut out = Vec::new();
    for (index, mut edits, used, uses_map) in files {
        let module = app[index];
        let quote = module.quote();
        let import = wrapper_import(module, package, roles)?;
        // The new imports take the wrapper import's place; `@azure/msal-angular` comes last,
        // so a comment after the wrapper import stays on the import that replaces it.
        let mut lines = Vec::new();
        if index == site_index {
            for name in ["InteractionType", "PublicClientApplication"] {
                if module.binds(name) {
                    return Err(format!(
                        "`{}` already binds `{name}`, a name the migration needs",
                        file_name(module.path())
                    ));
                }
            }
            lines.push(format!(
                "import {{ InteractionType, PublicClientApplication }} from {quote}@azure/msal-browser{quote};"
            ));
            if let Some((name, target)) = &config.import {
                if let Some(line) = config_import(module, name, target)? {
                    lines.push(line);
                }
            }
        }
        if uses_map {
            if module.binds("map") {
                return Err(format!(
                    "`{}` already binds `map`, a name the migration needs",
                    file_name(module.path())
                ));
            }
            lines.push(format!(
                "import {{ map }} from {quote}rxjs/operators{quote};"
            ));
        }
        lines.push(format!(
            "import {{ {} }} from {quote}@azure/msal-angular{quote};",
            used.join(", ")
        ));
        let header = lines.join("\n");
        if used.is_empty() && index != site_index && !uses_map {
            edits.push(statement_removal(module, import.statement));
        } else {
            edits.push(Edit::replace(import.statement.byte_range(), header));
        }
        let mut sorted = edits.clone();
        sorted.sort_by_key(|e| (e.range.start, e.range.end));
        for pair in sorted.windows(2) {
            if pair[0].range.end > pair[1].range.start {
                return Err(format!(
                    "two rewrites in `{}` overlap",
                    file_name(module.path())
                ));
            }
        }
        let refs: Vec<&Edit> = sorted.iter().collect();
        let fixed = crate::fix::apply_edits(module.text(), &refs);
        let language = Language::from_path(module.path()).unwrap_or(Language::TypeScript);
        if crate::lint::has_syntax_errors(language, &fixed) {
            return Err(format!(
                "the migrated `{}` would not parse",
                file_name(module.path())
            ));
        }
        out.push((
            module.path().to_path_buf(),
            module.text().to_string(),
            edits,
        ));
    }
    Ok(out)
}

/// The import of `name` from `target` (a path without extension) the app module needs, or
/// `None` when it has it already.
fn config_import(module: &Module, name: &str, target: &Path) -> Result<Option<String>, String> {
    let directory = module.path().parent().unwrap_or(Path::new(""));
    for import in module.imports() {
        let Some(source) = module.import_source(import) else {
            continue;
        };
        let named = module.named_imports(import).unwrap_or_default();
        if named.iter().any(|(_, local, _)| local == name) {
            return if normalize(&directory.join(&source)) == *target {
                Ok(None)
            } else {
                Err(format!(
                    "`{}` imports another `{name}`, and the configuration reads `{name}`",
                    file_name(module.path())
                ))
            };
        }
    }
    if module.binds(name) {
        return Err(format!(
            "`{}` already binds `{name}`, and the configuration reads `{name}`",
            file_name(module.path())
        ));
    }
    let specifier = relative_specifier(directory, target).ok_or_else(|| {
        format!(
            "the configuration's module cannot be named from `{}`",
            file_name(module.path())
        )
    })?;
    let q = module.quote();
    Ok(Some(format!("import {{ {name} }} from {q}{specifier}{q};")))
}

/// `./x` or `../y/x`: `target` relative to `directory` (both normalised paths).
fn relative_specifier(directory: &Path, target: &Path) -> Option<String> {
    let directory = normalize(directory);
    let from: Vec<_> = directory.components().collect();
    let to: Vec<_> = target.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = Vec::new();
    for _ in common..from.len() {
        parts.push("..".to_string());
    }
    for part in &to[common..] {
        parts.push(part.as_os_str().to_str()?.to_string());
    }
    let joined = parts.join("/");
    Some(if joined.starts_with("..") {
        joined
    } else {
        format!("./{joined}")
    })
}

/// Where the generated `MsalModule.forRoot(...)` goes.
enum ModuleSite<'t> {
    /// In place of this `MsAdalAngular6Module.forRoot(...)` call.
    Call(std::ops::Range<usize>),
    /// At the end of this `imports: [...]` array of the app module.
    Imports(Node<'t>),
}

/// Every node that names `local`: values, types and shorthand properties.
fn references<'t>(module: &'t Module, local: &str) -> Vec<Node<'t>> {
    let mut out: Vec<Node<'t>> = descendants(module.tree.root_node())
        .into_iter()
        .filter(|n| {
            matches!(
                n.kind(),
                "identifier" | "type_identifier" | "shorthand_property_identifier"
            ) && module.source(*n) == local
        })
        .collect();
    out.sort_by_key(|n| n.start_byte());
    out
}

/// Fails when `node`, which the migration replaces whole, holds a comment it would drop.
fn refuse_comments(module: &Module, node: Node<'_>) -> Result<(), String> {
    match descendants(node)
        .into_iter()
        .find(|n| n.kind() == "comment")
    {
        Some(comment) => Err(format!(
            "the configuration holds a comment at {} that the rewrite would drop",
            module.place(comment)
        )),
        None => Ok(()),
    }
}

/// True when `node` lies within `ancestor`.
fn is_in(node: Node<'_>, ancestor: Node<'_>) -> bool {
    ancestor.start_byte() <= node.start_byte() && node.end_byte() <= ancestor.end_byte()
}

/// The file's one import of `package`, by name only.
fn wrapper_import<'t>(
    module: &'t Module,
    package: &str,
    roles: &[(&str, Role)],
) -> Result<WrapperImport<'t>, String> {
    let imports: Vec<Node<'t>> = module
        .imports()
        .into_iter()
        .filter(|i| module.import_source(*i).as_deref() == Some(package))
        .collect();
    let [statement] = imports.as_slice() else {
        return Err(format!(
            "`{}` imports `{package}` more than once",
            file_name(module.path())
        ));
    };
    let named = module.named_imports(*statement).ok_or_else(|| {
        format!(
            "`{}` imports `{package}` other than by name",
            module.place(*statement)
        )
    })?;
    let mut names = Vec::new();
    for (name, local, spec) in named {
        let role = roles
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, r)| *r)
            .ok_or_else(|| {
                format!(
                    "`{name}` of `{package}` ({}) has no automatic equivalent",
                    module.place(spec)
                )
            })?;
        names.push((local, role));
    }
    Ok(WrapperImport {
        statement: *statement,
        names,
    })
}

/// True when `node` is in a route's `canActivate` (or `canActivateChild`, `canLoad`,
/// `canMatch`) list: `MsalGuard` there handles the redirect back from the sign-in page.
fn guards_a_route(module: &Module, node: Node<'_>) -> bool {
    node.parent()
        .filter(|a| a.kind() == "array")
        .and_then(|a| a.parent())
        .filter(|p| p.kind() == "pair")
        .and_then(|p| p.child_by_field_name("key"))
        .is_some_and(|k| {
            matches!(
                module.source(k),
                "canActivate" | "canActivateChild" | "canLoad" | "canMatch"
            )
        })
}

/// `local.forRoot(...)`, the call around `node`.
fn module_call<'t>(module: &Module, node: Node<'t>) -> Option<Node<'t>> {
    let member = node.parent().filter(|p| p.kind() == "member_expression")?;
    if member.child_by_field_name("object") != Some(node)
        || member
            .child_by_field_name("property")
            .is_none_or(|p| module.source(p) != "forRoot")
    {
        return None;
    }
    member.parent().filter(|c| {
        c.kind() == "call_expression" && c.child_by_field_name("function") == Some(member)
    })
}

/// The `imports: [...]` array of the `@NgModule({...})` whose `providers` hold `node`.
fn enclosing_ng_module_imports<'t>(module: &Module, node: Node<'t>) -> Option<Node<'t>> {
    let providers = node.parent()?.parent().filter(|p| p.kind() == "pair")?;
    if providers
        .child_by_field_name("key")
        .is_none_or(|k| module.source(k) != "providers")
    {
        return None;
    }
    let object = providers.parent().filter(|o| o.kind() == "object")?;
    let decorator = object.parent()?.parent()?.parent()?;
    if decorator.kind() != "decorator" || !module.source(decorator).starts_with("@NgModule") {
        return None;
    }
    named_children(object).into_iter().find_map(|pair| {
        (pair.kind() == "pair"
            && pair
                .child_by_field_name("key")
                .is_some_and(|k| module.source(k) == "imports"))
        .then(|| pair.child_by_field_name("value"))
        .flatten()
        .filter(|v| v.kind() == "array")
    })
}

/// The name an injected service is read by (`adal` of `private adal: AdalService`), and
/// whether it is a field (`this.adal`), from the type annotation `node`.
fn service_receiver(module: &Module, node: Node<'_>) -> Option<(String, bool)> {
    let annotation = node.parent().filter(|p| p.kind() == "type_annotation")?;
    let parameter = annotation
        .parent()
        .filter(|p| matches!(p.kind(), "required_parameter" | "optional_parameter"))?;
    let pattern = parameter.child_by_field_name("pattern")?;
    if pattern.kind() != "identifier" {
        return None;
    }
    let field = named_children(parameter)
        .iter()
        .any(|c| c.kind() == "accessibility_modifier" || module.source(*c) == "readonly");
    let constructor = parameter.parent()?.parent()?;
    if constructor.kind() != "method_definition"
        || constructor
            .child_by_field_name("name")
            .is_none_or(|n| module.source(n) != "constructor")
    {
        return None;
    }
    Some((module.source(pattern).to_string(), field))
}

/// Every read of the injected service in its class: `this.name` in the class body, and
/// `name` in the constructor.
fn receiver_uses<'t>(
    module: &'t Module,
    node: Node<'t>,
    (name, field): &(String, bool),
) -> Receiver<'t> {
    let mut nodes = Vec::new();
    let constructor = node
        .parent()
        .and_then(|a| a.parent())
        .and_then(|p| p.parent())
        .and_then(|p| p.parent())
        .expect("a constructor parameter");
    let class_body = constructor.parent().expect("a class body");
    for n in descendants(class_body) {
        if *field
            && n.kind() == "member_expression"
            && n.child_by_field_name("object")
                .is_some_and(|o| o.kind() == "this")
            && n.child_by_field_name("property")
                .is_some_and(|p| module.source(p) == name)
        {
            nodes.push(n);
        }
        if n.kind() == "identifier"
            && module.source(n) == name
            && is_in(n, constructor)
            && n.parent().is_some_and(|p| {
                p.kind() == "member_expression" && p.child_by_field_name("object") == Some(n)
            })
        {
            nodes.push(n);
        }
    }
    nodes.sort_by_key(|n| n.start_byte());
    Receiver { nodes }
}

/// What one read of the service becomes.
enum ServiceUse<'t> {
    Edit(Edit),
    /// The call that handles the redirect back from the sign-in page.
    Redirect(Edit),
    /// `service.init(config)`: the statement and the configuration.
    Init(Node<'t>, Node<'t>),
    /// `service.acquireToken(argument)`: the call and its argument's text.
    Acquire(Node<'t>, String),
}

fn service_use<'t>(
    module: &'t Module,
    package: &str,
    receiver: Node<'t>,
    read: &dyn Fn(&Path) -> Option<String>,
) -> Result<ServiceUse<'t>, String> {
    let object = module.source(receiver);
    let unsupported = |at: Node<'_>| {
        format!(
            "the service is used at {} in a way this migration does not rewrite (`{}`)",
            module.place(at),
            one_line(module.source(at))
        )
    };
    let member = receiver
        .parent()
        .filter(|p| {
            p.kind() == "member_expression" && p.child_by_field_name("object") == Some(receiver)
        })
        .ok_or_else(|| unsupported(receiver.parent().unwrap_or(receiver)))?;
    let property = member.child_by_field_name("property").expect("a member");
    let name = module.source(property);
    let call = member.parent().filter(|c| {
        c.kind() == "call_expression" && c.child_by_field_name("function") == Some(member)
    });
    let arguments =
        call.map(|c| named_children(c.child_by_field_name("arguments").expect("a call")));
    let statement = call
        .and_then(|c| c.parent())
        .filter(|s| s.kind() == "expression_statement");
    let accounts = format!("{object}.instance.getAllAccounts()");
    match (name, arguments.as_deref()) {
        ("login", Some([])) => Ok(ServiceUse::Edit(Edit::replace(
            property.byte_range(),
            "loginRedirect",
        ))),
        ("logOut" | "logout", Some([])) => Ok(ServiceUse::Edit(Edit::replace(
            property.byte_range(),
            "logoutRedirect",
        ))),
        ("handleWindowCallback" | "handleCallback", Some([])) if statement.is_some() => {
            Ok(ServiceUse::Redirect(Edit::replace(
                call.expect("a call").byte_range(),
                format!("{object}.handleRedirectObservable().subscribe()"),
            )))
        }
        // An Observable nobody subscribes to: ADAL's user is only read on subscription.
        ("getUser", Some([])) if statement.is_some() && package == "adal-angular4" => Ok(
            ServiceUse::Edit(statement_removal(module, statement.expect("a statement"))),
        ),
        ("init", Some([argument])) if statement.is_some() && package == "adal-angular4" => {
            Ok(ServiceUse::Init(statement.expect("a statement"), *argument))
        }
        ("acquireToken", Some([argument])) => Ok(ServiceUse::Acquire(
            call.expect("a call"),
            module.source(*argument).to_string(),
        )),
        ("LoggedInUserName", None) if package == "microsoft-adal-angular6" => {
            Ok(ServiceUse::Edit(Edit::replace(
                member.byte_range(),
                wrap(member, &format!("{accounts}[0]?.name ?? ''")),
            )))
        }
        ("LoggedInUserEmail", None) if package == "microsoft-adal-angular6" => {
            Ok(ServiceUse::Edit(Edit::replace(
                member.byte_range(),
                wrap(member, &format!("{accounts}[0]?.username ?? ''")),
            )))
        }
        ("isAuthenticated", None) if package == "microsoft-adal-angular6" => {
            Ok(ServiceUse::Edit(Edit::replace(
                member.byte_range(),
                wrap(member, &format!("{accounts}.length > 0")),
            )))
        }
        ("userInfo", None) => {
            let outer = member.parent().filter(|p| {
                p.kind() == "member_expression" && p.child_by_field_name("object") == Some(member)
            });
            let key = outer
                .and_then(|o| o.child_by_field_name("property"))
                .map(|p| module.source(p));
            match (outer, key) {
                (Some(outer), Some("authenticated")) => Ok(ServiceUse::Edit(Edit::replace(
                    outer.byte_range(),
                    wrap(outer, &format!("{accounts}.length > 0")),
                ))),
                (Some(outer), Some("userName")) => Ok(ServiceUse::Edit(Edit::replace(
                    outer.byte_range(),
                    wrap(outer, &format!("{accounts}[0]?.username ?? ''")),
                ))),
                (Some(outer), Some("profile")) => {
                    // `userInfo.profile.name`: a claim, undefined when signed out either way.
                    let claim = outer.parent().filter(|p| {
                        p.kind() == "member_expression"
                            && p.child_by_field_name("object") == Some(outer)
                    });
                    Ok(ServiceUse::Edit(match claim {
                        Some(claim) => {
                            let name = claim
                                .child_by_field_name("property")
                                .map_or("", |p| module.source(p));
                            Edit::replace(
                                claim.byte_range(),
                                format!("{accounts}[0]?.idTokenClaims?.{name}"),
                            )
                        }
                        None => Edit::replace(
                            outer.byte_range(),
                            wrap(outer, &format!("{accounts}[0]?.idTokenClaims ?? {{}}")),
                        ),
                    }))
                }
                (None, _) if is_logged(module, member) => Ok(ServiceUse::Edit(Edit::replace(
                    member.byte_range(),
                    format!("{accounts}[0]"),
                ))),
                // Returned whole by a getter or method: an object of ADAL's shape, when
                // nothing reads the keys it lacks.
                (None, _) if is_returned(member) => {
                    returned_user_info_keys(module, member, read)?;
                    Ok(ServiceUse::Edit(Edit::replace(
                        member.byte_range(),
                        indent_like(module, member.start_byte(), &user_info(&accounts)),
                    )))
                }
                _ => Err(format!(
                    "ADAL's `userInfo` is used whole at {} (`{}`), and MSAL's account has other keys",
                    module.place(member),
                    one_line(module.source(member.parent().unwrap_or(member)))
                )),
            }
        }
        _ => Err(unsupported(call.unwrap_or(member))),
    }
}

/// `text`, parenthesised unless `node`'s place needs no parentheses.
fn wrap(node: Node<'_>, text: &str) -> String {
    let bare = node.parent().is_some_and(|p| {
        matches!(
            p.kind(),
            "parenthesized_expression"
                | "arguments"
                | "return_statement"
                | "variable_declarator"
                | "template_substitution"
                | "array"
        )
    });
    if bare {
        text.to_string()
    } else {
        format!("({text})")
    }
}

/// True when `node` is what a `return` returns.
fn is_returned(node: Node<'_>) -> bool {
    node.parent()
        .is_some_and(|p| p.kind() == "return_statement")
}

/// ADAL's `userInfo` (`authenticated`, `userName`, `profile`) built from MSAL's account.
fn user_info(accounts: &str) -> String {
    format!(
        "{accounts}\n  .map((account) => ({{ authenticated: true, userName: account.username, profile: account.idTokenClaims ?? {{}} }}))[0]\n  ?? {{ authenticated: false, userName: '', profile: {{}} }}"
    )
}

/// True when `node` is an argument of a `console.*` call.
fn is_logged(module: &Module, node: Node<'_>) -> bool {
    node.parent()
        .filter(|a| a.kind() == "arguments")
        .and_then(|a| a.parent())
        .and_then(|c| c.child_by_field_name("function"))
        .filter(|f| f.kind() == "member_expression")
        .and_then(|f| f.child_by_field_name("object"))
        .is_some_and(|o| module.source(o) == "console")
}

/// Fails when the template of the component around `node` reads the service `name`.
fn template_reads(
    module: &Module,
    node: Node<'_>,
    (name, _): &(String, bool),
    read: &dyn Fn(&Path) -> Option<String>,
) -> Result<(), String> {
    let Some(class) = enclosing(node, "class_declaration") else {
        return Ok(());
    };
    for template in templates(module, class, read)? {
        if mentions(&template, name) {
            return Err(format!(
                "the template of the component at {} reads the service `{name}`, and templates are not rewritten",
                module.place(class)
            ));
        }
    }
    Ok(())
}

/// The nearest ancestor of `node` of `kind`.
fn enclosing<'t>(node: Node<'t>, kind: &str) -> Option<Node<'t>> {
    let mut at = node.parent()?;
    while at.kind() != kind {
        at = at.parent()?;
    }
    Some(at)
}

/// The templates of the component `class` (its decorator's `template`, or the file its
/// `templateUrl` names).
fn templates(
    module: &Module,
    class: Node<'_>,
    read: &dyn Fn(&Path) -> Option<String>,
) -> Result<Vec<String>, String> {
    let mut decorators: Vec<Node<'_>> = named_children(class)
        .into_iter()
        .filter(|c| c.kind() == "decorator")
        .collect();
    if let Some(export) = class.parent().filter(|p| p.kind() == "export_statement") {
        decorators.extend(
            named_children(export)
                .into_iter()
                .filter(|c| c.kind() == "decorator"),
        );
    }
    let mut out = Vec::new();
    for decorator in decorators {
        for n in descendants(decorator) {
            if n.kind() != "pair" {
                continue;
            }
            let (Some(key), Some(value)) =
                (n.child_by_field_name("key"), n.child_by_field_name("value"))
            else {
                continue;
            };
            let value_text = module.source(value);
            match module.source(key) {
                "template" => out.push(value_text.to_string()),
                "templateUrl" if is_string_literal(value_text) => {
                    let directory = module.path().parent().unwrap_or(Path::new(""));
                    let path = normalize(&directory.join(&value_text[1..value_text.len() - 1]));
                    out.push(read(&path).ok_or_else(|| {
                        format!(
                            "the template of the component at {} cannot be read",
                            module.place(class)
                        )
                    })?);
                }
                _ => {}
            }
        }
    }
    Ok(out)
}

/// Fails when ADAL's `userInfo`, returned whole by the getter or method around `node`, may
/// be read for a key the object built from MSAL's account has not (`token`, `error`,
/// `loginCached`), in the class or its templates.
fn returned_user_info_keys(
    module: &Module,
    node: Node<'_>,
    read: &dyn Fn(&Path) -> Option<String>,
) -> Result<(), String> {
    let whole = || {
        format!(
            "ADAL's `userInfo` is used whole at {} (`{}`), and MSAL's account has other keys",
            module.place(node),
            one_line(module.source(node.parent().unwrap_or(node)))
        )
    };
    let method = enclosing(node, "method_definition").ok_or_else(whole)?;
    let name = method
        .child_by_field_name("name")
        .map(|n| module.source(n).to_string())
        .ok_or_else(whole)?;
    let class = enclosing(method, "class_declaration").ok_or_else(whole)?;
    let mut texts = vec![module.source(class).to_string()];
    texts.extend(templates(module, class, read)?);
    for text in &texts {
        for key in ["token", "error", "loginCached"] {
            for reader in [
                format!("{name}.{key}"),
                format!("{name}?.{key}"),
                format!("{name}().{key}"),
            ] {
                if mentions(text, &reader) {
                    return Err(format!(
                        "ADAL's `userInfo` is returned whole by `{name}` ({}), and `{reader}` is read, which MSAL's account has no counterpart for",
                        module.place(method)
                    ));
                }
            }
        }
    }
    Ok(())
}

/// True when `text` has `name` as a whole word.
fn mentions(text: &str, name: &str) -> bool {
    text.match_indices(name).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + name.len()..].chars().next();
        !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$')
            && !after.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$')
    })
}

/// The configuration passed to `init`: an object literal, or `this.field` whose class field
/// is initialised with one (the field is then removed). Returns it and the field.
fn init_config<'t>(
    module: &'t Module,
    argument: Node<'t>,
    read: &dyn Fn(&Path) -> Option<String>,
) -> Result<(Config, Option<Node<'t>>), String> {
    if argument.kind() == "object" {
        return Ok((read_config(module, argument)?, None));
    }
    let field_name = (argument.kind() == "member_expression"
        && argument
            .child_by_field_name("object")
            .is_some_and(|o| o.kind() == "this"))
    .then(|| argument.child_by_field_name("property"))
    .flatten()
    .map(|p| module.source(p).to_string());
    let not_literal = || {
        format!(
            "`{}` at {} is not an object literal this file defines (its keys cannot be carried over)",
            one_line(module.source(argument)),
            module.place(argument)
        )
    };
    if field_name.is_none() {
        if let Some(config) = imported_config(module, argument, read)? {
            return Ok((config, None));
        }
    }
    let field_name = field_name.ok_or_else(not_literal)?;
    let mut class = argument;
    while class.kind() != "class_body" {
        class = class.parent().ok_or_else(not_literal)?;
    }
    let fields: Vec<Node<'_>> = named_children(class)
        .into_iter()
        .filter(|f| {
            f.kind() == "public_field_definition"
                && f.child_by_field_name("name")
                    .is_some_and(|n| module.source(n) == field_name)
        })
        .collect();
    let [field] = fields.as_slice() else {
        return Err(not_literal());
    };
    let value = field
        .child_by_field_name("value")
        .filter(|v| v.kind() == "object")
        .ok_or_else(not_literal)?;
    // The field must be read only by `init`.
    let reads = descendants(class)
        .into_iter()
        .filter(|n| {
            n.kind() == "member_expression"
                && n.child_by_field_name("object")
                    .is_some_and(|o| o.kind() == "this")
                && n.child_by_field_name("property")
                    .is_some_and(|p| module.source(p) == field_name)
        })
        .count();
    if reads != 1 {
        return Err(format!(
            "`this.{field_name}` is used other than by `init` ({})",
            module.place(*field)
        ));
    }
    refuse_comments(module, *field)?;
    Ok((read_config(module, value)?, Some(*field)))
}

/// The configuration `name.key` (`environment.adalConfig`), where `name` is imported by
/// name from a module of the project that exports it as a `const` object literal whose
/// `key` is an object literal. Its values are read where they are (`environment.adalConfig.
/// clientId`), so a build's file replacement of that module keeps working. `None` when the
/// argument is not of that shape at all.
fn imported_config(
    module: &Module,
    argument: Node<'_>,
    read: &dyn Fn(&Path) -> Option<String>,
) -> Result<Option<Config>, String> {
    if argument.kind() != "member_expression" {
        return Ok(None);
    }
    let (Some(object), Some(property)) = (
        argument.child_by_field_name("object"),
        argument.child_by_field_name("property"),
    ) else {
        return Ok(None);
    };
    if object.kind() != "identifier" {
        return Ok(None);
    }
    let name = module.source(object);
    let key = module.source(property);
    let directory = module.path().parent().unwrap_or(Path::new(""));
    let Some(specifier) = module.imports().into_iter().find_map(|i| {
        let source = module.import_source(i)?;
        let named = module.named_imports(i)?;
        named
            .iter()
            .any(|(imported, local, _)| imported == name && local == name)
            .then_some(source)
    }) else {
        return Ok(None);
    };
    if !specifier.starts_with('.') {
        return Ok(None);
    }
    let base = normalize(&directory.join(&specifier));
    let path = base.with_extension("ts");
    let cannot = |why: &str| {
        format!(
            "`{}` at {} is read from `{specifier}`, {why}",
            one_line(module.source(argument)),
            module.place(argument)
        )
    };
    let text = read(&path).ok_or_else(|| cannot("which cannot be read"))?;
    let other = Module::parse(&path, Language::TypeScript, &text)
        .ok_or_else(|| cannot("which does not parse"))?;
    let exported = descendants(other.tree.root_node()).into_iter().find(|n| {
        n.kind() == "variable_declarator"
            && n.child_by_field_name("name")
                .is_some_and(|i| other.source(i) == name)
            && n.parent()
                .and_then(|d| d.parent())
                .is_some_and(|e| e.kind() == "export_statement")
    });
    let object = exported
        .and_then(|d| d.child_by_field_name("value"))
        .filter(|v| v.kind() == "object")
        .ok_or_else(|| {
            cannot(&format!(
                "which does not export `{name}` as an object literal"
            ))
        })?;
    let inner = named_children(object)
        .into_iter()
        .find(|p| {
            p.kind() == "pair"
                && p.child_by_field_name("key")
                    .is_some_and(|k| other.source(k).trim_matches(['\'', '"']) == key)
        })
        .and_then(|p| p.child_by_field_name("value"))
        .ok_or_else(|| cannot(&format!("whose `{name}` has no `{key}`")))?;
    let mut config = read_config(&other, inner)?;
    if config.values.contains_key("instance") {
        return Err(cannot(
            "whose `instance` this migration does not read from there",
        ));
    }
    for (k, value) in config.values.iter_mut() {
        *value = format!("{name}.{key}.{k}");
    }
    config.endpoints = None;
    config.import = Some((name.to_string(), base));
    Ok(Some(config))
}

/// Reads an ADAL.js configuration object literal.
fn read_config(module: &Module, node: Node<'_>) -> Result<Config, String> {
    if node.kind() != "object" {
        return Err(format!(
            "`{}` at {} is not an object literal this file defines (its keys cannot be carried over)",
            one_line(module.source(node)),
            module.place(node)
        ));
    }
    let mut values = HashMap::new();
    let mut endpoints = None;
    for (pair, key, value) in module.configuration_pairs(node)? {
        if DROPPED.contains(&key) {
            continue;
        }
        if !CARRIED.contains(&key) {
            return Err(format!(
                "the configuration key `{key}` ({}) has no automatic equivalent",
                module.place(pair)
            ));
        }
        if key == "endpoints" && value.kind() == "object" {
            let mut entries = Vec::new();
            for entry in named_children(value) {
                let (Some(k), Some(v)) = (
                    entry.child_by_field_name("key"),
                    entry.child_by_field_name("value"),
                ) else {
                    return Err(format!(
                        "the `endpoints` entry at {} cannot be read",
                        module.place(entry)
                    ));
                };
                let k = module.source(k).to_string();
                let k = if is_string_literal(&k) {
                    k
                } else {
                    format!("'{k}'")
                };
                entries.push((k, module.source(v).to_string()));
            }
            endpoints = Some(entries);
        }
        values.insert(key.to_string(), module.source(value).to_string());
    }
    if !values.contains_key("clientId") {
        return Err("the configuration has no `clientId`".into());
    }
    if values
        .get("instance")
        .is_some_and(|i| !is_string_literal(i))
    {
        return Err("the configuration's `instance` is not a string literal".into());
    }
    Ok(Config {
        values,
        endpoints,
        import: None,
    })
}

/// True when a configuration value reads no name of its file (it may move to another).
fn is_portable(value: &str) -> bool {
    is_string_literal(value)
        || value.starts_with("window.")
        || value.chars().all(|c| c.is_ascii_digit())
        || matches!(value, "true" | "false")
}

/// The resource microsoft-adal-angular6's `acquireToken(url)` looks up for a literal URL.
fn endpoint_resource(config: &Config, url: &str) -> Option<String> {
    if !is_string_literal(url) {
        return None;
    }
    let url = &url[1..url.len() - 1];
    config
        .endpoints
        .as_ref()?
        .iter()
        .find_map(|(key, resource)| {
            (is_string_literal(key)
                && url.contains(&key[1..key.len() - 1])
                && is_string_literal(resource))
            .then(|| resource.clone())
        })
}

/// `MsalModule.forRoot(...)` for the configuration.
fn for_root(config: &Config, module: &Module) -> String {
    let q = module.quote();
    let value = |key: &str| config.values.get(key).cloned();
    let instance = value("instance").map_or_else(
        || "https://login.microsoftonline.com/".to_string(),
        |i| {
            let i = i[1..i.len() - 1].to_string();
            if i.ends_with('/') { i } else { format!("{i}/") }
        },
    );
    let authority = match value("tenant") {
        Some(tenant) if is_string_literal(&tenant) => {
            let tenant = match &tenant[1..tenant.len() - 1] {
                "" | "common" => "organizations",
                other => other,
            }
            .to_string();
            format!("{q}{instance}{tenant}{q}")
        }
        Some(tenant) => format!("{q}{instance}{q} + {tenant}"),
        None => format!("{q}{instance}organizations{q}"),
    };
    let mut auth = vec![
        format!("clientId: {},", value("clientId").expect("checked")),
        format!("authority: {authority},"),
    ];
    for key in ["redirectUri", "postLogoutRedirectUri"] {
        if let Some(v) = value(key) {
            auth.push(format!("{key}: {v},"));
        }
    }
    let mut out =
        String::from("MsalModule.forRoot(\n  new PublicClientApplication({\n    auth: {\n");
    for line in auth {
        out.push_str(&format!("      {line}\n"));
    }
    out.push_str("    },\n");
    if let Some(cache) = value("cacheLocation") {
        out.push_str(&format!("    cache: {{ cacheLocation: {cache} }},\n"));
    }
    out.push_str("  }),\n  { interactionType: InteractionType.Redirect },\n");
    let map = match (&config.endpoints, value("endpoints")) {
        (Some(entries), _) if entries.is_empty() => "new Map()".to_string(),
        (Some(entries), _) => {
            let mut m = String::from("new Map([\n");
            for (url, resource) in entries {
                m.push_str(&format!("      [{url}, [{}]],\n", scope(resource)));
            }
            m.push_str("    ])");
            m
        }
        (None, Some(endpoints)) => format!(
            "new Map(\n      Object.entries({endpoints}).map(([url, resource]) => [url, [`${{resource}}/.default`]]),\n    )"
        ),
        (None, None) => "new Map()".to_string(),
    };
    out.push_str(&format!(
        "  {{\n    interactionType: InteractionType.Redirect,\n    protectedResourceMap: {map},\n  }},\n)"
    ));
    out
}

/// The whitespace before the first non-blank character of the line holding `at`.
fn line_indentation(module: &Module, at: usize) -> String {
    let text = module.text();
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    text[start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect()
}

/// Removes the statement (or class member) `node` with its line when it stands alone on it.
fn statement_removal(module: &Module, node: Node<'_>) -> Edit {
    let text = module.text();
    let range = node.byte_range();
    let line_start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let mut end = range.end;
    // A class field's `;` is part of the node; a trailing `;` after a statement too.
    while text[end..].starts_with(';') {
        end += 1;
    }
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
    if text[line_start..range.start].trim().is_empty() && text[end..line_end].trim().is_empty() {
        // Between two blank lines, one of them goes too.
        let blank_before =
            text[..line_start].ends_with("\n\n") || text[..line_start].ends_with("\n\r\n");
        let next_end = text[line_end..].find('\n').map(|i| line_end + i + 1);
        match next_end {
            Some(next_end) if blank_before && text[line_end..next_end].trim().is_empty() => {
                Edit::replace(line_start..next_end, "")
            }
            _ => Edit::replace(line_start..line_end, ""),
        }
    } else {
        // A comment after it keeps its place, without the statement's spacing.
        while text[end..].starts_with([' ', '\t']) {
            end += 1;
        }
        Edit::replace(range.start..end, "")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_specifiers_name_the_configuration_module() {
        let target = Path::new("app/src/environments/environment");
        assert_eq!(
            relative_specifier(Path::new("app/src/app"), target).as_deref(),
            Some("../environments/environment")
        );
        assert_eq!(
            relative_specifier(Path::new("app/src/environments"), target).as_deref(),
            Some("./environment")
        );
    }

    #[test]
    fn an_app_is_the_project_around_its_src_directory() {
        assert_eq!(
            app_root(Path::new("shop/client/src/app/app.module.ts")),
            PathBuf::from("shop/client")
        );
        assert_eq!(app_root(Path::new("app.module.ts")), PathBuf::new());
    }

    #[test]
    fn templates_mention_a_service_as_a_whole_word() {
        assert!(mentions("{{ adal.userInfo }}", "adal"));
        assert!(!mentions("{{ adalService.userInfo }}", "adal"));
        assert!(!mentions("{{ myadal }}", "adal"));
    }
}
