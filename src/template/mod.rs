//! Angular and AngularJS templates: which files are templates of which code, and the
//! binding expressions in them, read as a program of their own.
//!
//! A template reads names its code gives it, so it is linked in the first pass, like the
//! modules of `semantic/exports.rs`:
//! - an Angular component (`@Component({ templateUrl: './app.component.html' })`) gives its
//!   template its members: the template of a component that injects `adalService:
//!   AdalService` reads ADAL in `(click)="adalService.login()"`. An inline `template:`
//!   string is the component file's own;
//! - an AngularJS app whose module depends on a pack's AngularJS module (`AdalAngular`)
//!   gives every template of the app the names that module puts on `$rootScope`
//!   (`userInfo`). The app's templates are the HTML files under the directory of the page
//!   that bootstraps it (`ng-app="todoApp"`), or, with no such page, of the script that
//!   declares it.
//!
//! In the second pass, the binding expressions of a linked file are copied into a *shadow*
//! program (`expression.rs`): as long as the file, blank elsewhere, so every node has the
//! file's offsets. It is parsed as TypeScript and resolved by the JavaScript front end,
//! where a name the expressions do not bind is one of the template's names; rules for the
//! `angular-template` language match it like code. Templates are never rewritten: their
//! rules' fixes are display-only.

mod expression;
mod markup;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use tree_sitter::Tree;

use crate::semantic::{ModuleDeclaration, TemplateScope, Value, Vocabulary, normalize};

/// The dialect of a template: which attributes hold expressions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TemplateKind {
    /// Angular (2 and later): `[x]`, `(x)`, `*x`, `{{ }}`, `@if`.
    Angular,
    /// AngularJS (1.x): `ng-*` directives and `{{ }}`.
    AngularJs,
}

/// What the project knows of one template file: its dialect and what its names hold.
#[derive(Clone, Debug)]
pub(crate) struct TemplateContext {
    pub(crate) kind: TemplateKind,
    pub(crate) scope: TemplateScope,
}

/// The templates of the project, linked to the code that gives them their names.
#[derive(Debug, Default)]
pub(crate) struct Templates {
    /// Component templates by path; two components sharing one keep the names they agree on.
    components: HashMap<PathBuf, TemplateScope>,
    /// AngularJS modules by the script that declares them.
    modules: Vec<(PathBuf, ModuleDeclaration)>,
    /// Pages and the AngularJS module they bootstrap (`ng-app`).
    pages: Vec<(PathBuf, String)>,
    /// AngularJS app directories and the names their templates read, deepest last.
    roots: Vec<(PathBuf, TemplateScope)>,
}

impl Templates {
    /// Records the template `url` of a component of the file at `component`.
    pub(crate) fn add_component(&mut self, component: &Path, url: &str, scope: TemplateScope) {
        // `/app/x.html` is relative to a web root this cannot know.
        if url.starts_with('/') || url.contains("://") {
            return;
        }
        let directory = component.parent().unwrap_or(Path::new(""));
        let path = normalize(&directory.join(url));
        match self.components.get_mut(&path) {
            Some(known) => known.retain(|name, value| scope.get(name) == Some(value)),
            None => {
                self.components.insert(path, scope);
            }
        }
    }

    /// Records the AngularJS modules a script declares.
    pub(crate) fn add_modules(&mut self, script: &Path, modules: Vec<ModuleDeclaration>) {
        self.modules
            .extend(modules.into_iter().map(|m| (normalize(script), m)));
    }

    /// Records the AngularJS modules a page bootstraps.
    pub(crate) fn add_page(&mut self, page: &Path, modules: Vec<String>) {
        self.pages
            .extend(modules.into_iter().map(|m| (normalize(page), m)));
    }

    /// Finds the AngularJS apps that depend on a pack's module, once every file is recorded.
    pub(crate) fn finish(&mut self, vocabulary: &Vocabulary) {
        let mut dependencies: HashMap<&str, Vec<&str>> = HashMap::new();
        for (_, module) in &self.modules {
            dependencies
                .entry(&module.name)
                .or_default()
                .extend(module.dependencies.iter().map(String::as_str));
        }
        let mut roots: Vec<(PathBuf, TemplateScope)> = Vec::new();
        for (script, module) in &self.modules {
            let scope = root_scope(&module.name, &dependencies, vocabulary);
            if scope.is_empty() {
                continue;
            }
            let mut directories: Vec<PathBuf> = self
                .pages
                .iter()
                .filter(|(_, bootstrapped)| *bootstrapped == module.name)
                .map(|(page, _)| parent(page))
                .collect();
            if directories.is_empty() {
                directories.push(parent(script));
            }
            roots.extend(directories.into_iter().map(|d| (d, scope.clone())));
        }
        roots.sort_by(|a, b| {
            (a.0.components().count(), &a.0).cmp(&(b.0.components().count(), &b.0))
        });
        roots.dedup_by(|later, earlier| {
            if later.0 != earlier.0 {
                return false;
            }
            earlier.1.extend(later.1.drain());
            true
        });
        self.roots = roots;
    }

    /// What the project knows of the HTML file at `path`, if it is a template.
    pub(crate) fn context(&self, path: &Path) -> Option<TemplateContext> {
        let path = normalize(path);
        if let Some(scope) = self.components.get(&path) {
            return Some(TemplateContext {
                kind: TemplateKind::Angular,
                scope: scope.clone(),
            });
        }
        self.roots
            .iter()
            .rev()
            .find(|(directory, _)| path.starts_with(directory))
            .map(|(_, scope)| TemplateContext {
                kind: TemplateKind::AngularJs,
                scope: scope.clone(),
            })
    }
}

fn parent(path: &Path) -> PathBuf {
    path.parent().map(Path::to_path_buf).unwrap_or_default()
}

/// The names the pack modules a module depends on (directly or through other modules of
/// the project) put on `$rootScope`.
fn root_scope(
    module: &str,
    dependencies: &HashMap<&str, Vec<&str>>,
    vocabulary: &Vocabulary,
) -> TemplateScope {
    let mut scope = TemplateScope::new();
    let mut pending = vec![module];
    let mut seen: Vec<&str> = Vec::new();
    while let Some(current) = pending.pop() {
        if seen.contains(&current) {
            continue;
        }
        seen.push(current);
        if let Some(names) = vocabulary.angularjs_modules.get(current) {
            for (name, qualified) in names {
                scope.insert(name.clone(), Value::Symbol(qualified.clone()));
            }
        }
        pending.extend(dependencies.get(current).into_iter().flatten().copied());
    }
    scope
}

/// The AngularJS modules a page bootstraps with `ng-app`.
pub(crate) fn bootstrapped_modules(page: &Tree, text: &str) -> Vec<String> {
    markup::bootstrapped_modules(page, text)
}

/// The shadow program of a template's markup (`tree`, parsed from `text` or from the string
/// literals of inline templates in it), and the names the template declares itself, which
/// hide the names its code gives it.
pub(crate) fn shadow_program(kind: TemplateKind, tree: &Tree, text: &str) -> (String, Vec<String>) {
    let mut shadow = expression::Shadow::new(text);
    markup::bindings(kind, tree, text, &mut shadow);
    shadow.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::language::Language;

    fn shadow(kind: TemplateKind, text: &str) -> (String, Vec<String>) {
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&Language::Html.grammar())
            .expect("grammar");
        let tree = parser.parse(text, None).expect("parses");
        let (program, locals) = shadow_program(kind, &tree, text);
        assert_eq!(program.len(), text.len(), "the shadow keeps every offset");
        (program, locals)
    }

    /// The shadow's statements, without the blanks between them.
    fn statements(program: &str) -> Vec<&str> {
        program.split_whitespace().collect()
    }

    #[test]
    fn angular_bindings_keep_their_offsets() {
        let text = concat!(
            "<button *ngIf=\"auth.ok\" (click)=\"auth.login(); n = 1\" [title]=\"t | p:1\"\n",
            "  title=\"{{ a.b }}\" #box>{{ c }} &amp; {{ d &amp;&amp; e }}</button>\n",
            "<!-- {{ hidden }} --><script>{{ script }}</script><p ngNonBindable>{{ raw }}</p>\n",
            "@if (auth.ok) { <i>{{ f }}</i> } @for (item of items; track item.id) {}\n",
            "@let name = auth.user;\n",
        );
        let (program, locals) = shadow(TemplateKind::Angular, text);
        let at = text.find("auth.login()").expect("present");
        assert_eq!(&program[at..at + 12], "auth.login()");
        assert_eq!(
            statements(&program),
            [
                ";(auth.ok)",
                ";{auth.login();",
                "n",
                "=",
                "1}",
                ";(t",
                "|",
                "p,1)",
                ";(a.b)",
                ";(c)",
                ";(d",
                "&amp;&amp;",
                "e)",
                ";(auth.ok)",
                ";(f)",
                ";(items)",
                ";(item.id)",
                ";(auth.user)",
            ]
        );
        assert_eq!(locals, ["box", "item", "name"]);
    }

    #[test]
    fn angularjs_directives_hold_expressions_or_names() {
        let text = concat!(
            "<body data-ng-app=\"app\" ng-controller=\"Home as vm\">\n",
            "<a ng-show=\"userInfo.isAuthenticated\" ng-click=\"login()\" ng-href=\"#/{{ id }}\">x</a>\n",
            "<li ng-repeat=\"u in users | orderBy:'name'\">{{ ::u.name }}</li>\n",
            "</body>\n",
        );
        let (program, locals) = shadow(TemplateKind::AngularJs, text);
        assert_eq!(
            statements(&program),
            [
                ";(userInfo.isAuthenticated)",
                ";{login()}",
                ";(id)",
                ";(users",
                "|",
                "orderBy,'name')",
                ";(",
                "u.name)",
            ]
        );
        assert_eq!(locals, ["u"]);
    }

    #[test]
    fn templates_are_linked_to_components_and_angularjs_apps() {
        let scope = |name: &str, of: &str| {
            TemplateScope::from([(
                name.to_string(),
                Value::Object {
                    of: of.to_string(),
                    origin: None,
                },
            )])
        };
        let mut templates = Templates::default();
        templates.add_component(
            Path::new("web/src/app/app.component.ts"),
            "./app.component.html",
            scope("adalService", "adal-angular4:AdalService"),
        );
        templates.add_component(
            Path::new("web/src/app/x.component.ts"),
            "/abs.html",
            scope("a", "b"),
        );
        templates.add_modules(
            Path::new("spa/App/Scripts/app.js"),
            vec![
                ModuleDeclaration {
                    name: "todoApp".to_string(),
                    dependencies: vec!["ngRoute".to_string(), "todo.auth".to_string()],
                },
                ModuleDeclaration {
                    name: "todo.auth".to_string(),
                    dependencies: vec!["AdalAngular".to_string()],
                },
            ],
        );
        templates.add_page(Path::new("spa/index.html"), vec!["todoApp".to_string()]);
        let mut vocabulary = Vocabulary::default();
        vocabulary.angularjs_modules.insert(
            "AdalAngular".to_string(),
            HashMap::from([(
                "userInfo".to_string(),
                "adal-angular:adalAuthenticationService#userInfo".to_string(),
            )]),
        );
        templates.finish(&vocabulary);
        let component = templates
            .context(Path::new("web/src/app/./app.component.html"))
            .expect("the component's template");
        assert_eq!(component.kind, TemplateKind::Angular);
        assert!(component.scope.contains_key("adalService"));
        assert!(
            templates
                .context(Path::new("web/src/app/other.html"))
                .is_none()
        );
        let view = templates
            .context(Path::new("spa/App/Views/UserData.html"))
            .expect("a view of the app");
        assert_eq!(view.kind, TemplateKind::AngularJs);
        assert_eq!(
            view.scope.get("userInfo"),
            Some(&Value::Symbol(
                "adal-angular:adalAuthenticationService#userInfo".to_string()
            ))
        );
        assert!(templates.context(Path::new("other/index.html")).is_none());
    }
}
