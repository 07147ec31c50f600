//! The semantic layer: what each name and expression in one parsed file refers to.
//!
//! A language front end (`python`, `javascript`) walks the syntax tree once and records
//! scopes, bindings, class attributes and the *sites* rules can match (imports, calls, key
//! reads, uses of objects). This module owns the language-neutral half: looking a name up
//! through the scope chain and evaluating an expression to a [`Value`], such as "the module
//! `adal`", "the symbol `adal.AuthenticationContext`" or "the object made by the call at
//! bytes 120..180". It never reports anything; `check` turns sites and values into findings.

mod angular;
mod exports;
mod javascript;
mod python;

pub(crate) use angular::{ComponentTemplate, ModuleDeclaration, TemplateScope};
pub(crate) use exports::{Exports, RelativeNames, module_files, normalize};

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use tree_sitter::{Node, Tree};

use crate::language::Language;

/// What an expression evaluates to, as far as a single file can tell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Value {
    /// Nothing known (a parameter, a builtin, the result of an unknown call).
    Unknown,
    /// `None` / `null`: ignored when alternatives are merged (`except ImportError: adal = None`).
    Null,
    /// A module or a member of one, by canonical qualified name: `adal`,
    /// `adal.AuthenticationContext`, `adal-node:AuthenticationContext`,
    /// or an instance member `adal.AuthenticationContext#acquire_token`.
    Symbol(String),
    /// The object returned by calling the symbol `of`; `origin` is that call's byte range
    /// when one call made it.
    Object {
        of: String,
        origin: Option<Range<usize>>,
    },
    /// `self` / `this` inside a method of the class with this index.
    SelfOf(usize),
    /// The global object of a browser script (`window`, `globalThis`, `self` when the file
    /// binds no such name): its members are the page's global names.
    Global,
}

/// How a binding gets its value.
#[derive(Clone, Debug)]
pub(crate) enum BindingValue<'t> {
    /// An import of a qualified name.
    Import(String),
    /// The value of an expression.
    Expr(Node<'t>),
    /// A member path taken out of an expression by destructuring (`const {A: B} = expr`).
    Member(Node<'t>, Vec<String>),
    /// The receiver parameter of a method.
    SelfParam(usize),
    /// Declared with no value (`let ctx;`): `undefined` until assigned.
    Uninitialized,
    /// Parameter `index` of a function: known when the function is the callback of a call
    /// whose results the packs describe.
    Parameter(Node<'t>, usize),
    /// A parameter a dependency-injection framework fills by name (AngularJS: the
    /// parameter's own name, or the string annotating it in `['name', function (x) {}]`).
    Injected(String),
    /// A binding that only names a type (TypeScript `import type`, `interface`, `type`):
    /// invisible to value lookups; type positions see the inner value.
    TypeOnly(Box<BindingValue<'t>>),
    Unknown,
}

/// One name bound in one scope.
#[derive(Clone, Debug)]
pub(crate) struct Binding<'t> {
    pub(crate) name: String,
    /// Where the binding takes effect (the start of its statement).
    pub(crate) position: usize,
    /// The identifier that is bound.
    pub(crate) range: Range<usize>,
    /// True when the binding statement runs whenever its scope runs (not inside an
    /// `if`, `try`, loop or handler), so later references cannot see earlier bindings.
    pub(crate) dominant: bool,
    pub(crate) value: BindingValue<'t>,
    /// The import statement that made the binding, for import clean-up.
    pub(crate) import_statement: Option<Range<usize>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ScopeKind {
    Module,
    Function,
    Class,
    Block,
}

#[derive(Debug)]
pub(crate) struct Scope {
    pub(crate) kind: ScopeKind,
    pub(crate) parent: Option<usize>,
    pub(crate) range: Range<usize>,
    pub(crate) bindings: HashMap<String, Vec<usize>>,
    /// Modules imported with `from m import *` into this scope.
    pub(crate) star_imports: Vec<String>,
}

/// A class (or JavaScript constructor function) and the attributes its methods assign on
/// `self` / `this`.
#[derive(Debug, Default)]
pub(crate) struct Class<'t> {
    pub(crate) name: String,
    /// Names of base classes (those defined in the same file lend their attributes).
    pub(crate) bases: Vec<String>,
    pub(crate) attributes: HashMap<String, Vec<AttributeAssignment<'t>>>,
    /// Fields declared with a type and no value (`private ctx: AuthenticationContext;`),
    /// by name: their type annotations, used when the class assigns the field nowhere.
    pub(crate) declared: HashMap<String, Node<'t>>,
    /// The class's decorators (`@Component({...})`, TypeScript), in order.
    pub(crate) decorators: Vec<Node<'t>>,
    /// Getters that return one expression (`get user() { return this.adal.userInfo; }`), by
    /// name: what a template reading the name reads.
    pub(crate) getters: HashMap<String, Node<'t>>,
}

#[derive(Clone, Debug)]
pub(crate) struct AttributeAssignment<'t> {
    pub(crate) value: Node<'t>,
    /// The statement that assigns.
    pub(crate) statement: Range<usize>,
    /// The function scope (or class body) it runs in.
    pub(crate) scope: usize,
}

/// An `import` / `require` of a module.
#[derive(Clone, Debug)]
pub(crate) struct ImportSite {
    pub(crate) module: String,
    /// What a finding points at: the statement, the imported name, or the `require(...)` call.
    pub(crate) range: Range<usize>,
    /// The whole statement, for removal.
    pub(crate) statement: Range<usize>,
    /// The names this site binds, each with the bytes that spell it in the statement.
    pub(crate) names: Vec<ImportedName>,
    /// How many names the statement imports in all (`import os, adal` has two).
    pub(crate) statement_names: usize,
    /// Modules this site may import by name: `from msrestazure import azure_active_directory`
    /// imports the module `msrestazure.azure_active_directory` when it is one.
    pub(crate) submodules: Vec<String>,
}

#[derive(Clone, Debug)]
pub(crate) struct ImportedName {
    pub(crate) binding: usize,
    pub(crate) range: Range<usize>,
}

/// One argument at a call site.
#[derive(Clone, Debug)]
pub(crate) struct Argument<'t> {
    pub(crate) keyword: Option<String>,
    pub(crate) value: Node<'t>,
    /// `*args`, `**kwargs`, `...spread`: cannot be bound to a parameter.
    pub(crate) splat: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct CallSite<'t> {
    pub(crate) node: Node<'t>,
    pub(crate) callee: Node<'t>,
    /// The object of a method call (`ctx` in `ctx.acquire_token(...)`).
    pub(crate) receiver: Option<Node<'t>>,
    pub(crate) arguments: Vec<Argument<'t>>,
}

/// A read of a key or property: `token["accessToken"]`, `token.get("accessToken")`,
/// `response.accessToken`.
#[derive(Clone, Debug)]
pub(crate) struct KeyRead<'t> {
    /// The whole read (`token["accessToken"]`, `token.get("accessToken")`).
    pub(crate) node: Node<'t>,
    pub(crate) object: Node<'t>,
    pub(crate) key: Key<'t>,
}

/// How a key read names its key.
#[derive(Clone, Debug)]
pub(crate) enum Key<'t> {
    /// A string literal or property name; the range spells the key without quotes.
    Literal(String, Range<usize>),
    /// Any other expression (`TokenResponseFields.ACCESS_TOKEN`), resolved through the
    /// packs' constants.
    Expression(Node<'t>),
}

impl Key<'_> {
    /// The bytes a finding about this key points at.
    pub(crate) fn range(&self) -> Range<usize> {
        match self {
            Key::Literal(_, range) => range.clone(),
            Key::Expression(node) => node.byte_range(),
        }
    }
}

/// How an expression that may denote an object is used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum UseKind {
    /// The object of a method call or attribute read.
    Receiver,
    /// The object of a key read.
    KeyRead,
    /// Assigned to a plain name or attribute, whose own uses are followed.
    Alias,
    /// Tested for truth (`if (x)`, `x ? a : b`, `!x`, `x && y`): nothing is read from it.
    Test,
    /// Anything else: passed, returned, stored in a container. The object escapes.
    Escape,
}

#[derive(Clone, Debug)]
pub(crate) struct UseSite<'t> {
    pub(crate) node: Node<'t>,
    pub(crate) kind: UseKind,
}

/// A maximal name or attribute chain (the callee of a call included).
#[derive(Clone, Debug)]
pub(crate) struct ReferenceSite<'t> {
    pub(crate) node: Node<'t>,
    /// The chain is the callee of a call (`adal.AdalError(...)`).
    pub(crate) called: bool,
}

/// What the front end found in a file, before any evaluation.
#[derive(Default)]
pub(crate) struct Facts<'t> {
    pub(crate) scopes: Vec<Scope>,
    pub(crate) bindings: Vec<Binding<'t>>,
    pub(crate) classes: Vec<Class<'t>>,
    pub(crate) imports: Vec<ImportSite>,
    pub(crate) calls: Vec<CallSite<'t>>,
    pub(crate) key_reads: Vec<KeyRead<'t>>,
    pub(crate) uses: Vec<UseSite<'t>>,
    pub(crate) references: Vec<ReferenceSite<'t>>,
    /// Identifier nodes that read a name (not definitions), for "is this import used".
    pub(crate) name_reads: Vec<Node<'t>>,
    /// What the module exports, by name (`""` for the module itself), with the expression
    /// that gives each its value.
    pub(crate) exports: Vec<(String, Node<'t>)>,
    /// How deep the collector went, and where it stopped descending.
    pub(crate) nesting: Nesting,
}

/// How many syntax-tree levels the collectors descend. The recursion that walks a tree is
/// bounded by this, whatever the input: code nested deeper (a generated concatenation of
/// thousands of strings, a bundle's nested calls) is not analysed, and the file says so.
/// Worker threads get a stack sized for this depth (`lint::WORKER_STACK_SIZE`).
pub(crate) const MAX_NESTING: usize = 1_000;

thread_local! {
    /// When the analysis of the file this thread works on must stop.
    static DEADLINE: std::cell::Cell<Option<std::time::Instant>> =
        const { std::cell::Cell::new(None) };
    /// Whether that deadline has passed (once it has, every look says so).
    static EXPIRED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `work` (one file's analysis) with a deadline: the collectors and the matcher stop
/// when it passes, and [`out_of_time`] says so until the next file.
pub(crate) fn analysing_until<T>(deadline: std::time::Instant, work: impl FnOnce() -> T) -> T {
    let previous = DEADLINE.replace(Some(deadline));
    EXPIRED.set(false);
    let result = work();
    DEADLINE.set(previous);
    result
}

/// True once the deadline of the analysis this thread runs has passed.
pub(crate) fn out_of_time() -> bool {
    if EXPIRED.get() {
        return true;
    }
    let expired = DEADLINE
        .get()
        .is_some_and(|deadline| std::time::Instant::now() > deadline);
    EXPIRED.set(expired);
    expired
}

/// How many nodes the collectors visit between two looks at the clock.
const CLOCK_EVERY: u32 = 4096;

/// The collectors' depth in the syntax tree, the first node they did not enter, and whether
/// the analysis ran out of time.
#[derive(Debug, Default)]
pub(crate) struct Nesting {
    depth: usize,
    /// The start byte of the first node left unvisited because it is too deep.
    cut: Option<usize>,
    visited: u32,
    out_of_time: bool,
}

impl Nesting {
    /// Steps into `node`; false (and the node is not visited) past [`MAX_NESTING`] or past
    /// the thread's deadline.
    fn enter(&mut self, node: Node<'_>) -> bool {
        if self.out_of_time {
            return false;
        }
        self.visited = self.visited.wrapping_add(1);
        if self.visited % CLOCK_EVERY == 0 && out_of_time() {
            self.out_of_time = true;
            return false;
        }
        if self.depth >= MAX_NESTING {
            self.cut.get_or_insert(node.start_byte());
            return false;
        }
        self.depth += 1;
        true
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// Where the collector stopped descending, when it did.
    pub(crate) fn cut(&self) -> Option<usize> {
        self.cut
    }
}

impl Facts<'_> {
    pub(crate) fn add_scope(
        &mut self,
        kind: ScopeKind,
        parent: Option<usize>,
        range: Range<usize>,
    ) -> usize {
        self.scopes.push(Scope {
            kind,
            parent,
            range,
            bindings: HashMap::new(),
            star_imports: Vec::new(),
        });
        self.scopes.len() - 1
    }
}

impl<'t> Facts<'t> {
    pub(crate) fn add_attribute(
        &mut self,
        class: usize,
        name: String,
        assignment: AttributeAssignment<'t>,
    ) {
        self.classes[class]
            .attributes
            .entry(name)
            .or_default()
            .push(assignment);
    }

    pub(crate) fn bind(&mut self, scope: usize, binding: Binding<'t>) -> usize {
        let id = self.bindings.len();
        self.scopes[scope]
            .bindings
            .entry(binding.name.clone())
            .or_default()
            .push(id);
        self.bindings.push(binding);
        id
    }
}

/// The syntactic shape of an expression, as far as evaluation cares.
pub(crate) enum Shape<'t> {
    Name(&'t str),
    Member(Node<'t>, String),
    Call(Node<'t>),
    /// `require("m")`: the module itself.
    Require(String),
    /// A name in a type position (TypeScript), looked up among types as well as values.
    TypeName(&'t str),
    /// A type annotation: an instance of the annotated type.
    Instance(Node<'t>),
    Inner(Node<'t>),
    Null,
    This,
    Other,
}

/// Canonical names and return types declared by the loaded rule packs.
#[derive(Debug, Default)]
pub(crate) struct Vocabulary {
    /// Alternative spellings of a qualified name (`adal.adal_error.AdalError` → `adal.AdalError`).
    pub(crate) aliases: HashMap<String, String>,
    /// What calling a symbol returns, when it is not an object of that symbol.
    pub(crate) returns: HashMap<String, String>,
    /// String values of named constants (`adal.constants.TokenResponseFields.ACCESS_TOKEN`).
    pub(crate) constants: HashMap<String, String>,
    /// For calls that report their result to a callback (the last argument): which
    /// parameter of the callback receives it.
    pub(crate) callback_results: HashMap<String, usize>,
    /// Parameter names of APIs, by qualified name (the packs' signatures).
    pub(crate) signatures: HashMap<String, Vec<String>>,
    /// Names a browser page defines globally (a library loaded by `<script src>`), by their
    /// qualified names. A global applies only in files that bind the name nowhere.
    pub(crate) globals: HashMap<String, String>,
    /// Dependency-injection names (AngularJS services), by the qualified name of the
    /// object the framework injects.
    pub(crate) injected: HashMap<String, String>,
    /// Method names recognised on objects a file cannot trace, with their class's qualified
    /// name and the module whose import in the file enables them (a name two classes share
    /// is left out).
    pub(crate) implicit_methods: HashMap<String, ImplicitMethod>,
    /// AngularJS modules of the packs' libraries (`AdalAngular`), with the names each puts
    /// on `$rootScope` for every template of an app that depends on it, by qualified name.
    pub(crate) angularjs_modules: HashMap<String, HashMap<String, String>>,
}

/// A library method recognised by name on an object a file cannot trace.
#[derive(Clone, Debug)]
pub(crate) struct ImplicitMethod {
    /// The qualified name of its class.
    pub(crate) class: String,
    /// The module a file must import (itself, or through a project module).
    pub(crate) module: String,
    /// For a name other objects use too: lower-case parts one of which the receiver's name
    /// must contain (`context`); empty for a distinctive name.
    pub(crate) receiver_names: Vec<String>,
}

impl Vocabulary {
    pub(crate) fn canonical(&self, name: String) -> String {
        match self.aliases.get(&name) {
            Some(alias) => alias.clone(),
            None => name,
        }
    }
}

/// A parsed file with its facts, able to evaluate any expression in it.
pub(crate) struct Model<'t> {
    /// The language the code is parsed as.
    pub(crate) language: Language,
    /// The language of the file: the code's, or `Html` for the scripts of a page.
    pub(crate) file_language: Language,
    root: Node<'t>,
    pub(crate) source: &'t str,
    pub(crate) facts: Facts<'t>,
    vocabulary: &'t Vocabulary,
    scope_index: ScopeIndex,
    /// Calls by the start of their last argument, to find the call a callback belongs to.
    callbacks: HashMap<usize, usize>,
    /// Other modules' exports, and the directory relative imports start from.
    project: Option<(&'t Exports, PathBuf)>,
    /// For the binding expressions of a template: what its names hold (the component's
    /// members, or what AngularJS puts on `$rootScope`). A template has no other globals.
    template_scope: Option<&'t TemplateScope>,
    memo: RefCell<HashMap<(usize, usize), Value>>,
}

/// Finds the innermost scope containing a position in logarithmic time: scopes sorted by
/// start, each with the innermost scope that contains it.
struct ScopeIndex {
    /// Scope ids ordered by (start, longest first).
    by_start: Vec<usize>,
    starts: Vec<usize>,
    /// For each scope id, the innermost other scope whose range contains it.
    enclosing: Vec<Option<usize>>,
}

impl ScopeIndex {
    fn new(scopes: &[Scope]) -> Self {
        let mut by_start: Vec<usize> = (0..scopes.len()).collect();
        by_start.sort_by_key(|&id| {
            (
                scopes[id].range.start,
                std::cmp::Reverse(scopes[id].range.end),
                id,
            )
        });
        let mut enclosing = vec![None; scopes.len()];
        let mut stack: Vec<usize> = Vec::new();
        for &id in &by_start {
            let range = &scopes[id].range;
            while let Some(&top) = stack.last() {
                if scopes[top].range.start <= range.start && range.end <= scopes[top].range.end {
                    break;
                }
                stack.pop();
            }
            enclosing[id] = stack.last().copied();
            stack.push(id);
        }
        let starts = by_start.iter().map(|&id| scopes[id].range.start).collect();
        ScopeIndex {
            by_start,
            starts,
            enclosing,
        }
    }

    fn innermost(&self, scopes: &[Scope], position: usize) -> usize {
        let after = self.starts.partition_point(|&start| start <= position);
        let mut candidate = after.checked_sub(1).map(|i| self.by_start[i]);
        while let Some(id) = candidate {
            if scopes[id].range.contains(&position) {
                return id;
            }
            candidate = self.enclosing[id];
        }
        0
    }
}

const MAX_DEPTH: usize = 24;

/// How a JavaScript file is loaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ModuleKind {
    Es,
    CommonJs,
    Script,
}

/// Which bindings a lookup sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Space {
    /// Values: type-only bindings are skipped.
    Values,
    /// Types: every binding.
    Types,
}

impl<'t> Model<'t> {
    pub(crate) fn build(
        language: Language,
        tree: &'t Tree,
        source: &'t str,
        vocabulary: &'t Vocabulary,
    ) -> Self {
        let facts = match language.family() {
            crate::language::Family::Python => python::collect(tree, source),
            crate::language::Family::JavaScript => javascript::collect(tree, source),
        };
        let scope_index = ScopeIndex::new(&facts.scopes);
        let callbacks = facts
            .calls
            .iter()
            .enumerate()
            .filter_map(|(index, call)| Some((call.arguments.last()?.value.start_byte(), index)))
            .collect();
        Model {
            language,
            file_language: language,
            root: tree.root_node(),
            source,
            facts,
            vocabulary,
            scope_index,
            callbacks,
            project: None,
            template_scope: None,
            memo: RefCell::new(HashMap::new()),
        }
    }

    /// Where the front end stopped descending into code nested too deep, if it did.
    pub(crate) fn nesting_cut(&self) -> Option<usize> {
        self.facts.nesting.cut()
    }

    /// The model of a file in a project: names imported from relative paths resolve
    /// through the other modules' exports.
    pub(crate) fn in_project(mut self, exports: &'t Exports, directory: &Path) -> Self {
        if !exports.is_empty() {
            self.project = Some((exports, directory.to_path_buf()));
        }
        self
    }

    /// The values this module exports, evaluated here, by export name; objects lose their
    /// origin (another file cannot rewrite it).
    /// The libraries of the packs' implicit receivers that this file imports.
    pub(crate) fn imported_libraries(&self) -> Vec<String> {
        let mut libraries: Vec<String> = self
            .vocabulary
            .implicit_methods
            .values()
            .map(|method| &method.module)
            .filter(|module| {
                self.facts
                    .imports
                    .iter()
                    .any(|site| crate::rule::module_matches(module, &site.module))
            })
            .cloned()
            .collect();
        libraries.sort();
        libraries.dedup();
        libraries
    }

    pub(crate) fn exported_values(&self) -> HashMap<String, Value> {
        let mut values = HashMap::new();
        for (name, node) in &self.facts.exports {
            let value = match self.evaluate(*node) {
                Value::Object { of, .. } => Value::Object { of, origin: None },
                // A name another module of the project exports means nothing from the
                // importer's directory (and `exports.camelcase = utilsCore.camelcase` is
                // not ADAL's).
                Value::Symbol(symbol) if symbol.starts_with('.') => continue,
                symbol @ Value::Symbol(_) => symbol,
                _ => continue,
            };
            values.insert(name.clone(), value);
        }
        values
    }

    /// The globals a classic script (or a page's scripts) defines: its top-level bindings
    /// and `window.name = ...` assignments whose value is an object, by name, without
    /// origin. An ES module defines none (its top level is its own).
    pub(crate) fn script_globals(&self) -> HashMap<String, Value> {
        let mut values = HashMap::new();
        if self.module_kind() != ModuleKind::Script {
            return values;
        }
        let Some(top) = self.facts.scopes.first() else {
            return values;
        };
        for (name, ids) in &top.bindings {
            if name == "this" {
                continue;
            }
            if let Value::Object { of, .. } =
                self.merge(ids.iter().map(|&id| self.binding_value(id, 0)))
            {
                values.insert(name.clone(), Value::Object { of, origin: None });
            }
        }
        values
    }

    /// How the file's code is loaded: an ES module (`import` / `export` statements, or
    /// TypeScript), a CommonJS module (`require`, `module.exports`), or a classic script
    /// (as every page's scripts are).
    pub(crate) fn module_kind(&self) -> ModuleKind {
        if self.file_language == Language::Html {
            return ModuleKind::Script;
        }
        let es = matches!(self.language, Language::TypeScript | Language::Tsx)
            || self.facts.imports.iter().any(|site| {
                let statement = &self.source[site.statement.clone()];
                statement.starts_with("import") || statement.starts_with("export")
            })
            || self
                .root
                .children(&mut self.root.walk())
                .any(|c| c.kind() == "export_statement");
        if es {
            ModuleKind::Es
        } else if !self.facts.imports.is_empty() || !self.facts.exports.is_empty() {
            ModuleKind::CommonJs
        } else {
            ModuleKind::Script
        }
    }

    /// The value of a qualified name: its canonical symbol, or, for a relative module of
    /// the project, what that module exports.
    fn symbol(&self, name: String) -> Value {
        let name = self.vocabulary.canonical(name);
        if let Some((exports, directory)) = &self.project {
            if let Some((specifier, member)) = name.split_once(':') {
                if let Some(value) = exports.resolve(directory, specifier, member) {
                    return value;
                }
            }
        }
        Value::Symbol(name)
    }

    /// The model of a template's binding expressions: a name they do not bind is a name of
    /// `scope`, or nothing.
    pub(crate) fn in_template(mut self, scope: &'t TemplateScope) -> Self {
        self.template_scope = Some(scope);
        self
    }

    /// The model of code embedded in a file of another language (a page's scripts).
    pub(crate) fn in_file(mut self, file_language: Language) -> Self {
        self.file_language = file_language;
        self
    }

    /// True when `await` may stand where `node` is: in an async function, or at the top
    /// level of an ES module (a JavaScript file with `import` or `export`, or TypeScript).
    pub(crate) fn allows_await(&self, node: Node<'_>) -> bool {
        let mut current = node;
        while let Some(parent) = current.parent() {
            let function = matches!(
                parent.kind(),
                "function_declaration"
                    | "function_expression"
                    | "function"
                    | "arrow_function"
                    | "method_definition"
                    | "generator_function"
                    | "generator_function_declaration"
                    | "function_definition"
                    | "lambda"
            );
            if function {
                let mut cursor = parent.walk();
                return parent
                    .children(&mut cursor)
                    .any(|c| !c.is_named() && c.kind() == "async");
            }
            // Field initializers and static blocks run outside any async function.
            if matches!(parent.kind(), "class_body" | "class_static_block") {
                return false;
            }
            current = parent;
        }
        match self.language.family() {
            crate::language::Family::Python => false,
            crate::language::Family::JavaScript => self.module_kind() == ModuleKind::Es,
        }
    }

    pub(crate) fn text(&self, node: Node<'_>) -> &'t str {
        &self.source[node.byte_range()]
    }

    fn shape(&self, node: Node<'t>) -> Shape<'t> {
        match self.language.family() {
            crate::language::Family::Python => python::shape(node, self.source),
            crate::language::Family::JavaScript => javascript::shape(node, self.source),
        }
    }

    /// The innermost scope that contains `position`.
    pub(crate) fn scope_at(&self, position: usize) -> usize {
        self.scope_index.innermost(&self.facts.scopes, position)
    }

    pub(crate) fn function_of(&self, mut scope: usize) -> usize {
        loop {
            let s = &self.facts.scopes[scope];
            match (s.kind, s.parent) {
                (ScopeKind::Block, Some(parent)) => scope = parent,
                _ => return scope,
            }
        }
    }

    /// The bindings a read of `name` at `position` may see (values only: type-only
    /// bindings are invisible).
    pub(crate) fn lookup(&self, name: &str, position: usize) -> Vec<usize> {
        self.lookup_in(name, position, Space::Values)
    }

    /// The bindings a type reference to `name` at `position` may see.
    pub(crate) fn lookup_type(&self, name: &str, position: usize) -> Vec<usize> {
        self.lookup_in(name, position, Space::Types)
    }

    /// True when some binding anywhere in the file has this name.
    pub(crate) fn is_bound_anywhere(&self, name: &str) -> bool {
        self.facts
            .scopes
            .iter()
            .any(|scope| scope.bindings.contains_key(name))
    }

    fn lookup_in(&self, name: &str, position: usize, space: Space) -> Vec<usize> {
        let start = self.scope_at(position);
        let home = self.function_of(start);
        let mut scope = Some(start);
        while let Some(id) = scope {
            let s = &self.facts.scopes[id];
            let skip_class =
                s.kind == ScopeKind::Class && id != start && self.function_of(start) != id;
            let visible: Option<Vec<usize>> = s.bindings.get(name).map(|ids| {
                ids.iter()
                    .copied()
                    .filter(|&b| {
                        space == Space::Types
                            || !matches!(self.facts.bindings[b].value, BindingValue::TypeOnly(_))
                    })
                    .collect()
            });
            if !skip_class {
                if let Some(ids) = visible.filter(|ids| !ids.is_empty()) {
                    let ids = &ids;
                    return if self.function_of(id) == home {
                        self.visible_before(ids, position)
                    } else {
                        ids.clone()
                    };
                }
            }
            scope = s.parent;
        }
        Vec::new()
    }

    /// Of the bindings in one flow, those a read at `position` may see: walking back from
    /// the read, every binding up to and including the first dominant one.
    fn visible_before(&self, ids: &[usize], position: usize) -> Vec<usize> {
        let mut before: Vec<usize> = ids
            .iter()
            .copied()
            .filter(|&id| self.facts.bindings[id].position < position)
            .collect();
        if before.is_empty() {
            return ids.to_vec();
        }
        before.sort_by_key(|&id| self.facts.bindings[id].position);
        let mut seen = Vec::new();
        for &id in before.iter().rev() {
            seen.push(id);
            if self.facts.bindings[id].dominant {
                break;
            }
        }
        seen
    }

    /// Evaluates an expression node.
    pub(crate) fn evaluate(&self, node: Node<'t>) -> Value {
        self.evaluate_at(node, 0)
    }

    fn evaluate_at(&self, node: Node<'t>, depth: usize) -> Value {
        if depth > MAX_DEPTH {
            return Value::Unknown;
        }
        let key = (node.start_byte(), node.end_byte());
        if let Some(value) = self.memo.borrow().get(&key) {
            return value.clone();
        }
        // Guard against cycles (`x = x.y`): a node being evaluated is unknown to itself.
        self.memo.borrow_mut().insert(key, Value::Unknown);
        let value = self.evaluate_shape(node, depth);
        self.memo.borrow_mut().insert(key, value.clone());
        value
    }

    fn evaluate_shape(&self, node: Node<'t>, depth: usize) -> Value {
        match self.shape(node) {
            Shape::Name(name) => {
                let ids = self.lookup(name, node.start_byte());
                if ids.is_empty() {
                    return match self.star_imported(name, node.start_byte()) {
                        Value::Unknown => self.global(name),
                        value => value,
                    };
                }
                self.merge(ids.iter().map(|&id| self.binding_value(id, depth + 1)))
            }
            Shape::TypeName(name) => {
                let ids = self.lookup_type(name, node.start_byte());
                if ids.is_empty() {
                    return self.global(name);
                }
                self.merge(ids.iter().map(|&id| self.binding_value(id, depth + 1)))
            }
            Shape::Instance(annotation) => match self.evaluate_at(annotation, depth + 1) {
                Value::Symbol(of) => Value::Object { of, origin: None },
                _ => Value::Unknown,
            },
            Shape::Member(object, name) => {
                let value = self.evaluate_at(object, depth + 1);
                // A pack's implicit method on an untraced object: unknown here, or made by
                // the project's own modules (relative imports) that this file does not show.
                // The name is looked up first: most members are no such method.
                if self.vocabulary.implicit_methods.contains_key(&name) {
                    let untraced = match &value {
                        Value::Unknown => self.untraceable(object, 0),
                        Value::Object { of, .. } | Value::Symbol(of) => of.starts_with('.'),
                        _ => false,
                    };
                    if untraced {
                        if let implicit @ Value::Symbol(_) =
                            self.implicit_method(node, &name, depth)
                        {
                            return implicit;
                        }
                    }
                }
                self.member(&value, &name, depth)
            }
            Shape::Call(callee) => match self.evaluate_at(callee, depth + 1) {
                Value::Symbol(symbol) => Value::Object {
                    of: self
                        .vocabulary
                        .returns
                        .get(&symbol)
                        .cloned()
                        .unwrap_or(symbol),
                    origin: Some(node.byte_range()),
                },
                _ => Value::Unknown,
            },
            Shape::Require(module) => self.symbol(self.language.module_name(&module)),
            Shape::Inner(inner) => self.evaluate_at(inner, depth + 1),
            Shape::Null => Value::Null,
            Shape::This => self.this_at(node.start_byte()),
            Shape::Other => Value::Unknown,
        }
    }

    fn star_imported(&self, name: &str, position: usize) -> Value {
        let mut scope = Some(self.scope_at(position));
        while let Some(id) = scope {
            let s = &self.facts.scopes[id];
            if let Some(module) = s.star_imports.last() {
                return Value::Symbol(
                    self.vocabulary
                        .canonical(self.language.member_name(module, name)),
                );
            }
            scope = s.parent;
        }
        Value::Unknown
    }

    /// A name no binding of the file defines: a global the rule packs declare, or the
    /// global object itself.
    /// Library globals apply only where the file binds the name nowhere (a React context
    /// named `AuthenticationContext` is not ADAL's); an object another script of the project
    /// defines applies wherever the name is not bound.
    fn global(&self, name: &str) -> Value {
        if let Some(scope) = self.template_scope {
            return scope.get(name).cloned().unwrap_or(Value::Unknown);
        }
        if !self.is_bound_anywhere(name) {
            return self.global_member(name);
        }
        self.project
            .as_ref()
            .and_then(|(exports, _)| exports.global(name))
            .unwrap_or(Value::Unknown)
    }

    /// A member of the global object (`window.name`), whatever the file binds. Only browser
    /// languages have one.
    fn global_member(&self, name: &str) -> Value {
        if self.language.family() != crate::language::Family::JavaScript {
            return Value::Unknown;
        }
        // What the project's own scripts define is more specific than a library's globals.
        if let Some(value) = self
            .project
            .as_ref()
            .and_then(|(exports, _)| exports.global(name))
        {
            return value;
        }
        if let Some(symbol) = self.vocabulary.globals.get(name) {
            return Value::Symbol(symbol.clone());
        }
        if javascript::GLOBAL_OBJECTS.contains(&name) {
            Value::Global
        } else {
            Value::Unknown
        }
    }

    fn this_at(&self, position: usize) -> Value {
        self.lookup("this", position)
            .first()
            .map_or(Value::Unknown, |&id| self.binding_value(id, 0))
    }

    /// The value of `object.name`.
    fn member(&self, object: &Value, name: &str, depth: usize) -> Value {
        match object {
            Value::Symbol(symbol) => self.symbol(self.language.member_name(symbol, name)),
            Value::Object { of, .. } => Value::Symbol(format!("{of}#{name}")),
            Value::SelfOf(class) => {
                let assignments = self.attribute_assignments(*class, name);
                if !assignments.is_empty() {
                    self.merge(
                        assignments
                            .iter()
                            .map(|assignment| self.evaluate_at(assignment.value, depth + 1)),
                    )
                } else if let Some(&annotation) = self.facts.classes[*class].declared.get(name) {
                    self.evaluate_at(annotation, depth + 1)
                } else {
                    Value::Unknown
                }
            }
            // `window.x`: the file's own top-level `x` (`window.x = ...` binds it), else a
            // global defined elsewhere.
            Value::Global => match self.facts.scopes.first().and_then(|s| s.bindings.get(name)) {
                Some(ids) => self.merge(ids.iter().map(|&id| self.binding_value(id, depth + 1))),
                None => self.global_member(name),
            },
            Value::Unknown | Value::Null => Value::Unknown,
        }
    }

    /// True when `node` stands for an object that comes from outside what this file shows:
    /// the result of a call (the file does not follow what functions return), a parameter,
    /// a member of one of those, a global. Something the file builds (an object literal, an
    /// instance of its own class, `new Local()`) is traced: its members are its own.
    fn untraceable(&self, node: Node<'t>, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        match node.kind() {
            // An element of a container: what was put in is not followed.
            "this" | "self" | "subscript_expression" | "subscript" => true,
            "call_expression" | "call" => {
                node.child_by_field_name("function").is_some_and(|callee| {
                    callee.kind() != "identifier"
                        || !self
                            .lookup(self.text(callee), callee.start_byte())
                            .iter()
                            .any(|&id| {
                                self.defines(
                                    id,
                                    &["class_definition", "class_declaration", "class"],
                                )
                            })
                })
            }
            "await_expression" | "await" | "parenthesized_expression" | "non_null_expression" => {
                node.named_child(0)
                    .is_some_and(|inner| self.untraceable(inner, depth + 1))
            }
            "member_expression" | "attribute" => node
                .child_by_field_name("object")
                .is_some_and(|object| self.untraceable(object, depth + 1)),
            "identifier" => {
                let ids = self.lookup(self.text(node), node.start_byte());
                ids.iter().all(|&id| match &self.facts.bindings[id].value {
                    BindingValue::Unknown => !self.defines(
                        id,
                        &[
                            "class_definition",
                            "class_declaration",
                            "class",
                            "function_definition",
                            "function_declaration",
                        ],
                    ),
                    BindingValue::Parameter(..) | BindingValue::Uninitialized => true,
                    BindingValue::Expr(value) | BindingValue::Member(value, _) => {
                        self.untraceable(*value, depth + 1)
                    }
                    _ => false,
                })
            }
            _ => false,
        }
    }

    /// True when binding `id` is the name of a definition of one of these kinds.
    fn defines(&self, id: usize, kinds: &[&str]) -> bool {
        let range = &self.facts.bindings[id].range;
        self.root
            .descendant_for_byte_range(range.start, range.end)
            .and_then(|name| name.parent())
            .is_some_and(|parent| kinds.contains(&parent.kind()))
    }

    /// A method of a library class called on an object this file cannot trace, when the
    /// file imports that library (itself, or through a module of the project that does) and
    /// no other class of the packs has a method of that name.
    /// A call that is handed an object of the class itself (`sp_auth.acquire_token(context,
    /// ...)`) is some other object's method that uses one.
    fn implicit_method(&self, member: Node<'t>, name: &str, depth: usize) -> Value {
        let Some(ImplicitMethod {
            class,
            module,
            receiver_names,
        }) = self.vocabulary.implicit_methods.get(name)
        else {
            return Value::Unknown;
        };
        if !receiver_names.is_empty() {
            // The receiver's own name: `context` of `self.context` or `context`.
            let receiver = member
                .child_by_field_name("object")
                .map(|object| match object.kind() {
                    "member_expression" => object.child_by_field_name("property"),
                    "attribute" => object.child_by_field_name("attribute"),
                    "identifier" => Some(object),
                    _ => None,
                })
                .unwrap_or_default()
                .map(|n| self.text(n).to_lowercase());
            let named = receiver
                .is_some_and(|r| receiver_names.iter().any(|part| r.contains(part.as_str())));
            if !named {
                return Value::Unknown;
            }
        }
        let arguments = member
            .parent()
            .filter(|call| call.child_by_field_name("function") == Some(member))
            .and_then(|call| call.child_by_field_name("arguments"));
        if let Some(arguments) = arguments {
            let mut cursor = arguments.walk();
            let given_one = arguments.named_children(&mut cursor).any(|argument| {
                let value = match argument.kind() {
                    "keyword_argument" => argument.child_by_field_name("value"),
                    _ => Some(argument),
                };
                value.is_some_and(|v| {
                    matches!(self.evaluate_at(v, depth + 1), Value::Object { of, .. } if of == *class)
                })
            });
            if given_one {
                return Value::Unknown;
            }
        }
        let imported = self.facts.imports.iter().any(|site| {
            crate::rule::module_matches(module, &site.module)
                || self.project.as_ref().is_some_and(|(exports, directory)| {
                    exports.imports_library(directory, &site.module, module)
                })
        });
        if imported {
            Value::Symbol(format!("{class}#{name}"))
        } else {
            Value::Unknown
        }
    }

    /// Every assignment of `self.name` in the class and the classes of this file it derives
    /// from.
    pub(crate) fn attribute_assignments(
        &self,
        class: usize,
        name: &str,
    ) -> Vec<&AttributeAssignment<'t>> {
        let mut assignments = Vec::new();
        let mut pending = vec![class];
        let mut seen = Vec::new();
        while let Some(current) = pending.pop() {
            if seen.contains(&current) || seen.len() > MAX_DEPTH {
                continue;
            }
            seen.push(current);
            let class = &self.facts.classes[current];
            if let Some(found) = class.attributes.get(name) {
                assignments.extend(found);
            }
            for base in &class.bases {
                pending.extend(
                    self.facts
                        .classes
                        .iter()
                        .enumerate()
                        .filter(|(_, c)| &c.name == base)
                        .map(|(id, _)| id),
                );
            }
        }
        assignments
    }

    fn binding_value(&self, id: usize, depth: usize) -> Value {
        match &self.facts.bindings[id].value {
            BindingValue::Import(name) => self.symbol(name.clone()),
            BindingValue::Expr(node) => self.evaluate_at(*node, depth + 1),
            BindingValue::Member(node, path) => {
                let mut value = self.evaluate_at(*node, depth + 1);
                for name in path {
                    value = self.member(&value, name, depth + 1);
                }
                value
            }
            BindingValue::SelfParam(class) => Value::SelfOf(*class),
            BindingValue::Uninitialized => Value::Null,
            BindingValue::Parameter(function, index) => {
                match self.callback_result(*function, *index, depth) {
                    Value::Unknown => self
                        .vocabulary
                        .injected
                        .get(&self.facts.bindings[id].name)
                        .map_or(Value::Unknown, |of| Value::Object {
                            of: of.clone(),
                            origin: None,
                        }),
                    value => value,
                }
            }
            BindingValue::Injected(name) => {
                self.vocabulary
                    .injected
                    .get(name)
                    .map_or(Value::Unknown, |of| Value::Object {
                        of: of.clone(),
                        origin: None,
                    })
            }
            BindingValue::TypeOnly(inner) => match inner.as_ref() {
                BindingValue::Import(name) => {
                    Value::Symbol(self.vocabulary.canonical(name.clone()))
                }
                _ => Value::Unknown,
            },
            BindingValue::Unknown => Value::Unknown,
        }
    }

    /// The value of parameter `index` of `function` when the function is the last argument
    /// of a call that reports its result there.
    fn callback_result(&self, function: Node<'t>, index: usize, depth: usize) -> Value {
        let Some(call) = self
            .callbacks
            .get(&function.start_byte())
            .map(|&index| &self.facts.calls[index])
            .filter(|c| c.arguments.last().is_some_and(|a| a.value == function))
        else {
            return Value::Unknown;
        };
        match self.evaluate_at(call.callee, depth + 1) {
            Value::Symbol(name) if self.vocabulary.callback_results.get(&name) == Some(&index) => {
                Value::Object {
                    of: name,
                    origin: Some(call.node.byte_range()),
                }
            }
            _ => Value::Unknown,
        }
    }

    /// Merges the values a name may have: `Null` alternatives are dropped, objects of the
    /// same kind from different calls lose their single origin, anything else disagreeing
    /// is unknown.
    fn merge(&self, values: impl Iterator<Item = Value>) -> Value {
        let mut merged: Option<Value> = None;
        for value in values {
            if value == Value::Null {
                continue;
            }
            merged = Some(match merged {
                None => value,
                Some(previous) if previous == value => previous,
                Some(Value::Object { of: a, .. }) if matches!(&value, Value::Object { of: b, .. } if *b == a) => {
                    Value::Object {
                        of: a,
                        origin: None,
                    }
                }
                Some(_) => return Value::Unknown,
            });
        }
        merged.unwrap_or(Value::Null)
    }

    /// The byte range of the statement that holds `node`.
    pub(crate) fn statement_of(&self, node: Node<'_>) -> Range<usize> {
        match self.language.family() {
            crate::language::Family::Python => python::statement_of(self.root, node),
            crate::language::Family::JavaScript => javascript::statement_of(self.root, node),
        }
    }

    /// How many statements the block holding the statement at `position` has (`None` at
    /// module level).
    pub(crate) fn block_statement_count(&self, position: usize) -> Option<usize> {
        let mut node = self.root.descendant_for_byte_range(position, position)?;
        while let Some(parent) = node.parent() {
            if parent.kind() == "block" || parent.kind() == "statement_block" {
                let mut cursor = parent.walk();
                return Some(
                    parent
                        .named_children(&mut cursor)
                        .filter(|c| c.kind() != "comment")
                        .count(),
                );
            }
            if matches!(parent.kind(), "module" | "program") {
                return None;
            }
            node = parent;
        }
        None
    }

    /// The comments that lie wholly inside `range`, in order.
    pub(crate) fn comments_within(&self, range: Range<usize>) -> Vec<Range<usize>> {
        let mut comments = Vec::new();
        let mut stack = vec![self.root];
        while let Some(node) = stack.pop() {
            if node.end_byte() <= range.start || node.start_byte() >= range.end {
                continue;
            }
            if node.kind() == "comment" {
                if node.start_byte() >= range.start && node.end_byte() <= range.end {
                    comments.push(node.byte_range());
                }
                continue;
            }
            let mut cursor = node.walk();
            stack.extend(node.children(&mut cursor));
        }
        comments.sort_by_key(|c| c.start);
        comments
    }

    /// The smallest node that starts at `position`.
    pub(crate) fn node_at(&self, position: usize) -> Option<Node<'t>> {
        self.root.descendant_for_byte_range(position, position)
    }

    /// The statement that holds the byte at `position`.
    pub(crate) fn statement_at(&self, position: usize) -> Range<usize> {
        self.root
            .descendant_for_byte_range(position, position)
            .map_or(position..position, |node| self.statement_of(node))
    }

    /// The parameter names of the API a call calls, when a pack declares them.
    pub(crate) fn signature_of(&self, call: &CallSite<'t>) -> Option<&'t [String]> {
        match self.evaluate(call.callee) {
            Value::Symbol(name) => self.vocabulary.signatures.get(&name).map(Vec::as_slice),
            _ => None,
        }
    }

    /// Which parameter of a call's callback receives the call's result, when a pack says so.
    pub(crate) fn callback_result_of(&self, call: Node<'t>) -> Option<usize> {
        let site = self.facts.calls.iter().find(|c| c.node == call)?;
        match self.evaluate(site.callee) {
            Value::Symbol(name) => self.vocabulary.callback_results.get(&name).copied(),
            _ => None,
        }
    }

    /// The key a read names: its literal, or the value of the constant it refers to.
    pub(crate) fn key_name(&self, key: &Key<'t>) -> Option<String> {
        match key {
            Key::Literal(name, _) => Some(name.clone()),
            Key::Expression(node) => match self.evaluate(*node) {
                Value::Symbol(name) => self.vocabulary.constants.get(&name).cloned(),
                _ => None,
            },
        }
    }

    /// The text of a plain string literal, or of the literal every binding of a name holds
    /// (`AUTHORITY = "https://..."` read as `AUTHORITY`).
    pub(crate) fn string_value(&self, node: Node<'t>) -> Option<String> {
        let literal = |node: Node<'_>| match self.language.family() {
            crate::language::Family::Python => python::string_literal(node, self.source),
            crate::language::Family::JavaScript => javascript::string_literal(node, self.source),
        };
        if let Some((text, _)) = literal(node) {
            return Some(text);
        }
        let Shape::Name(name) = self.shape(node) else {
            return None;
        };
        let ids = self.lookup(name, node.start_byte());
        let mut values = ids.iter().map(|&id| match &self.facts.bindings[id].value {
            BindingValue::Expr(value) => literal(*value).map(|(text, _)| text),
            _ => None,
        });
        let first = values.next()??;
        values
            .all(|v| v.as_deref() == Some(first.as_str()))
            .then_some(first)
    }

    /// True when some read of a name resolves to this binding.
    pub(crate) fn is_binding_read(&self, binding: usize) -> bool {
        !self.binding_reads(binding).is_empty()
    }

    /// Where a binding is read.
    pub(crate) fn binding_reads(&self, binding: usize) -> Vec<Range<usize>> {
        let name = &self.facts.bindings[binding].name;
        self.facts
            .name_reads
            .iter()
            .filter(|node| {
                let visible = if node.kind() == "type_identifier" {
                    self.lookup_type(name, node.start_byte())
                } else {
                    self.lookup(name, node.start_byte())
                };
                self.text(**node) == name && visible.contains(&binding)
            })
            .map(Node::byte_range)
            .collect()
    }

    /// The import statement a binding comes from, following plain aliases
    /// (`var AuthenticationContext = adal.AuthenticationContext;`).
    pub(crate) fn import_statement_of(&self, binding: usize) -> Option<Range<usize>> {
        let mut binding = binding;
        for _ in 0..MAX_DEPTH {
            let current = &self.facts.bindings[binding];
            if let Some(statement) = &current.import_statement {
                return Some(statement.clone());
            }
            let BindingValue::Expr(node) = current.value else {
                return None;
            };
            let root = chain_root(node)?;
            binding = *self.lookup(self.text(root), root.start_byte()).first()?;
        }
        None
    }
}

/// The parents of the nodes a collector visits, so that finding the parent of an expression
/// costs a lookup or a short walk down from an ancestor being visited. tree-sitter's
/// `Node::parent` walks down from the root each time, which on a long file costs more than
/// parsing it.
#[derive(Default)]
pub(crate) struct Parents<'t> {
    /// Parents by child id, recorded as children are listed.
    known: HashMap<usize, Node<'t>>,
    /// The nodes being visited, outermost first.
    visiting: Vec<Node<'t>>,
}

impl<'t> Parents<'t> {
    /// `parent`'s named children, each recorded as its child.
    pub(crate) fn children(&mut self, parent: Node<'t>) -> Vec<Node<'t>> {
        let mut cursor = parent.walk();
        let children: Vec<Node<'t>> = parent.named_children(&mut cursor).collect();
        for child in &children {
            self.known.insert(child.id(), parent);
        }
        children
    }

    /// The collector starts visiting `node`.
    pub(crate) fn enter(&mut self, node: Node<'t>) {
        self.visiting.push(node);
    }

    /// The collector is done with the node it visited last.
    pub(crate) fn leave(&mut self) {
        self.visiting.pop();
    }

    /// The parent of `node`: recorded, found below the innermost node being visited that
    /// contains it, or asked of the tree.
    pub(crate) fn of(&self, node: Node<'t>) -> Option<Node<'t>> {
        if let Some(parent) = self.known.get(&node.id()) {
            return Some(*parent);
        }
        let ancestor = self.visiting.iter().rev().find(|a| {
            a.id() != node.id()
                && a.byte_range().start <= node.start_byte()
                && node.end_byte() <= a.byte_range().end
        });
        if let Some(mut current) = ancestor.copied() {
            while let Some(child) = current.child_with_descendant(node) {
                if child.id() == node.id() {
                    return Some(current);
                }
                current = child;
            }
        }
        node.parent()
    }
}

/// The child of the innermost ancestor of `node` whose kind `container` accepts, on the way
/// to `node` (the node itself when its parent is one). Found from the root down: each
/// `Node::parent` costs the node's depth, so climbing to an ancestor would cost its square.
pub(crate) fn innermost_child_of<'t>(
    root: Node<'t>,
    node: Node<'t>,
    container: impl Fn(&str) -> bool,
) -> Option<Node<'t>> {
    let mut current = root;
    let mut found = None;
    while current.id() != node.id() {
        let child = current.child_with_descendant(node)?;
        if container(current.kind()) {
            found = Some(child);
        }
        current = child;
    }
    found
}

/// The identifier at the root of a member chain (`adal` in `adal.AuthenticationContext`).
pub(crate) fn chain_root(mut node: Node<'_>) -> Option<Node<'_>> {
    loop {
        match node.kind() {
            "identifier" => return Some(node),
            "attribute" | "member_expression" | "subscript_expression" => {
                node = node.child_by_field_name("object")?
            }
            "new_expression" => node = node.child_by_field_name("constructor")?,
            "parenthesized_expression" | "await" | "await_expression" => {
                node = node.named_child(0)?
            }
            _ => return None,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
