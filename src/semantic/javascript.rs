//! The JavaScript front end: scopes, bindings and sites of one script or module, following
//! JavaScript's rules (`var` is function-scoped, `let`/`const`/`class` block-scoped,
//! `this` bound by methods and constructor functions, assignments reaching outer scopes),
//! and both module systems (`import` and `require`).
//!
//! TypeScript adds types on top: `import x = require("m")`, type-only imports (which bind
//! no value), typed parameters and fields (an instance of the annotated type, which is how
//! Angular injects services: `constructor(private auth: AdalService)` makes `this.auth` an
//! `AdalService`), and type references, recorded as reference sites. AngularJS injects by
//! name: a parameter is the service its name or its string annotation names
//! (`['adalAuthenticationService', function (adal) {}]`, `Ctrl.$inject = [...]`).

use std::collections::HashMap;
use std::ops::Range;

use tree_sitter::{Node, Tree};

use super::{
    Argument, AttributeAssignment, Binding, BindingValue, CallSite, Class, Facts, ImportSite,
    ImportedName, Key, KeyRead, Parents, ReferenceSite, ScopeKind, Shape, UseKind, UseSite,
};

/// The names of the global object in a browser script.
pub(super) const GLOBAL_OBJECTS: &[&str] = &["window", "globalThis", "self"];

/// The syntactic shape of a JavaScript expression.
pub(super) fn shape<'t>(node: Node<'t>, source: &'t str) -> Shape<'t> {
    match node.kind() {
        "identifier" | "shorthand_property_identifier" => Shape::Name(&source[node.byte_range()]),
        "type_identifier" => Shape::TypeName(&source[node.byte_range()]),
        "nested_type_identifier" => match (
            node.child_by_field_name("module"),
            node.child_by_field_name("name"),
        ) {
            (Some(module), Some(name)) => {
                Shape::Member(module, source[name.byte_range()].to_string())
            }
            _ => Shape::Other,
        },
        "type_annotation" => {
            let mut cursor = node.walk();
            let inner = node
                .named_children(&mut cursor)
                .find(|c| matches!(c.kind(), "type_identifier" | "nested_type_identifier"));
            inner.map_or(Shape::Other, Shape::Instance)
        }
        // `adal.User` in `import User = adal.User` is a `nested_identifier`.
        "member_expression" | "nested_identifier" => match (
            node.child_by_field_name("object"),
            node.child_by_field_name("property"),
        ) {
            (Some(object), Some(property)) => {
                Shape::Member(object, source[property.byte_range()].to_string())
            }
            _ => Shape::Other,
        },
        "subscript_expression" => {
            let index = node
                .child_by_field_name("index")
                .and_then(|i| string_literal(i, source));
            match (node.child_by_field_name("object"), index) {
                (Some(object), Some((key, _))) => Shape::Member(object, key),
                _ => Shape::Other,
            }
        }
        "call_expression" => match require_module(node, source) {
            Some(module) => Shape::Require(module),
            None => node
                .child_by_field_name("function")
                .map_or(Shape::Other, Shape::Call),
        },
        "new_expression" => node
            .child_by_field_name("constructor")
            .map_or(Shape::Other, Shape::Call),
        "parenthesized_expression"
        | "await_expression"
        | "as_expression"
        | "non_null_expression"
        | "satisfies_expression" => {
            let mut cursor = node.walk();
            let inner = node
                .named_children(&mut cursor)
                .find(|c| c.kind() != "comment");
            inner.map_or(Shape::Other, Shape::Inner)
        }
        // `(0, module.member)`, the call form Babel and TypeScript compile imports to: the
        // value is the last expression.
        "sequence_expression" => {
            let mut cursor = node.walk();
            let last = node
                .named_children(&mut cursor)
                .filter(|c| c.kind() != "comment")
                .last();
            last.map_or(Shape::Other, Shape::Inner)
        }
        // `<T>value`: the value comes last.
        "type_assertion" => {
            let mut cursor = node.walk();
            let inner = node
                .named_children(&mut cursor)
                .filter(|c| c.kind() != "comment")
                .last();
            inner.map_or(Shape::Other, Shape::Inner)
        }
        "null" | "undefined" => Shape::Null,
        "this" => Shape::This,
        _ => Shape::Other,
    }
}

/// The content of a plain string literal (quotes or a template with no substitutions) and
/// the bytes that hold it.
pub(super) fn string_literal(node: Node<'_>, source: &str) -> Option<(String, Range<usize>)> {
    match node.kind() {
        "string" => {
            let mut cursor = node.walk();
            if node
                .named_children(&mut cursor)
                .any(|c| c.kind() == "escape_sequence")
            {
                return None;
            }
            let range =
                node.start_byte() + 1..node.end_byte().saturating_sub(1).max(node.start_byte() + 1);
            Some((source[range.clone()].to_string(), range))
        }
        "template_string" => {
            let mut cursor = node.walk();
            if node
                .named_children(&mut cursor)
                .any(|c| matches!(c.kind(), "template_substitution" | "escape_sequence"))
            {
                return None;
            }
            let range =
                node.start_byte() + 1..node.end_byte().saturating_sub(1).max(node.start_byte() + 1);
            Some((source[range.clone()].to_string(), range))
        }
        _ => None,
    }
}

/// `require("m")` (or `import("m")`) with one literal argument: the module name.
pub(super) fn require_module(node: Node<'_>, source: &str) -> Option<String> {
    if node.kind() != "call_expression" {
        return None;
    }
    let function = node.child_by_field_name("function")?;
    let is_loader = match function.kind() {
        "identifier" => &source[function.byte_range()] == "require",
        "import" => true,
        _ => false,
    };
    if !is_loader {
        return None;
    }
    let arguments = node.child_by_field_name("arguments")?;
    let mut cursor = arguments.walk();
    let mut named = arguments
        .named_children(&mut cursor)
        .filter(|c| c.kind() != "comment");
    let first = named.next()?;
    string_literal(first, source).map(|(module, _)| loaded_module(&module).to_string())
}

/// The module a specifier loads: webpack's inline loaders are dropped
/// (`expose-loader?AuthenticationContext!adal-angular/lib/adal.js`), and a path into
/// `node_modules` is the package it reaches (`../../node_modules/adal-angular/lib/adal.js`
/// is `adal-angular/lib/adal.js`).
fn loaded_module(specifier: &str) -> &str {
    let resource = specifier.rsplit('!').next().unwrap_or(specifier);
    match resource.rfind("node_modules/") {
        Some(at) => &resource[at + "node_modules/".len()..],
        None => resource,
    }
}

#[derive(Clone)]
struct Context {
    scope: usize,
    /// The scope `var` declarations go to.
    function_scope: usize,
    /// The class `this` denotes here, if any.
    this_class: Option<usize>,
    dominant: bool,
}

struct PendingAssignment<'t> {
    name_node: Node<'t>,
    position: usize,
    value: Node<'t>,
}

struct Collector<'t> {
    source: &'t str,
    /// The tree's root, to find a node's statement from the top down.
    root: Node<'t>,
    facts: Facts<'t>,
    /// Constructor functions by name (`function Foo() { this.x = ... }`).
    constructors: HashMap<String, usize>,
    /// `x = value` for names declared elsewhere, bound once all declarations are known.
    pending: Vec<PendingAssignment<'t>>,
    /// Dependency-injection annotations of functions, by the function's start byte:
    /// `['$scope', 'adalAuthenticationService', function ($scope, adal) {}]`.
    injections: HashMap<usize, Vec<String>>,
    /// The parameter bindings of named function declarations, in order, for `$inject`.
    declared_parameters: HashMap<String, Vec<Option<usize>>>,
    /// `Ctrl.$inject = ['a', 'b']`, applied once every function is known.
    inject_annotations: Vec<(String, Vec<String>)>,
    parents: Parents<'t>,
}

pub(super) fn collect<'t>(tree: &'t Tree, source: &'t str) -> Facts<'t> {
    let mut collector = Collector {
        source,
        root: tree.root_node(),
        facts: Facts::default(),
        constructors: HashMap::new(),
        pending: Vec::new(),
        injections: HashMap::new(),
        declared_parameters: HashMap::new(),
        inject_annotations: Vec::new(),
        parents: Parents::default(),
    };
    let module = collector
        .facts
        .add_scope(ScopeKind::Module, None, 0..source.len() + 1);
    let context = Context {
        scope: module,
        function_scope: module,
        this_class: None,
        dominant: true,
    };
    collector.visit_children(tree.root_node(), &context);
    collector.bind_pending();
    collector.annotate_injections();
    collector.facts
}

impl<'t> Collector<'t> {
    fn text(&self, node: Node<'_>) -> &'t str {
        &self.source[node.byte_range()]
    }

    fn bind(
        &mut self,
        scope: usize,
        name_node: Node<'t>,
        position: usize,
        dominant: bool,
        value: BindingValue<'t>,
    ) -> usize {
        self.facts.bind(
            scope,
            Binding {
                name: self.text(name_node).to_string(),
                position,
                range: name_node.byte_range(),
                dominant,
                value,
                import_statement: None,
            },
        )
    }

    fn bind_this(&mut self, scope: usize, node: Node<'t>, class: Option<usize>) {
        self.facts.bind(
            scope,
            Binding {
                name: "this".to_string(),
                position: node.start_byte(),
                range: node.start_byte()..node.start_byte(),
                dominant: true,
                value: class.map_or(BindingValue::Unknown, BindingValue::SelfParam),
                import_statement: None,
            },
        );
    }

    /// Binds assignments to names declared in an enclosing scope, in the scope that
    /// declares them (an undeclared name is a global).
    fn bind_pending(&mut self) {
        for pending in std::mem::take(&mut self.pending) {
            let name = self.text(pending.name_node);
            let mut scope = Some(self.innermost_scope(pending.position));
            let mut target = 0;
            while let Some(id) = scope {
                if self.facts.scopes[id].bindings.contains_key(name) {
                    target = id;
                    break;
                }
                scope = self.facts.scopes[id].parent;
            }
            self.bind(
                target,
                pending.name_node,
                pending.position,
                false,
                BindingValue::Expr(pending.value),
            );
        }
    }

    /// Applies `Ctrl.$inject = [...]` to the parameters of the function `Ctrl`.
    fn annotate_injections(&mut self) {
        for (function, names) in std::mem::take(&mut self.inject_annotations) {
            let Some(parameters) = self.declared_parameters.get(&function) else {
                continue;
            };
            for (binding, name) in parameters.iter().zip(names) {
                if let Some(&binding) = binding.as_ref() {
                    self.facts.bindings[binding].value = BindingValue::Injected(name);
                }
            }
        }
    }

    /// A name in a type position (`: AdalService`, `adal.User`): a reference site, and a
    /// read of its root name so that the import it uses is kept.
    fn type_reference(&mut self, node: Node<'t>) {
        self.facts.references.push(ReferenceSite {
            node,
            called: false,
        });
        let mut root = node;
        while root.kind() == "nested_type_identifier" {
            match root.child_by_field_name("module") {
                Some(module) => root = module,
                None => break,
            }
        }
        while root.kind() == "nested_identifier" {
            match root.child_by_field_name("object") {
                Some(first) => root = first,
                None => break,
            }
        }
        if matches!(root.kind(), "identifier" | "type_identifier") {
            self.facts.name_reads.push(root);
        }
    }

    /// The type references inside an ambient declaration, not the names it declares.
    fn ambient_types(&mut self, node: Node<'t>) {
        let declared = node.child_by_field_name("name").map(|n| n.id());
        let mut cursor = node.walk();
        let children: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
        for child in children {
            if Some(child.id()) == declared {
                continue;
            }
            match child.kind() {
                "type_identifier" | "nested_type_identifier" => self.type_reference(child),
                _ => self.ambient_types(child),
            }
        }
    }

    /// Binds a type-only name (`interface X`, `type X = ...`).
    fn bind_type(&mut self, node: Node<'t>, context: &Context) {
        if let Some(name) = node.child_by_field_name("name") {
            self.bind(
                context.scope,
                name,
                node.start_byte(),
                context.dominant,
                BindingValue::TypeOnly(Box::new(BindingValue::Unknown)),
            );
        }
    }

    fn innermost_scope(&self, position: usize) -> usize {
        self.facts
            .scopes
            .iter()
            .rposition(|scope| scope.range.contains(&position))
            .unwrap_or(0)
    }

    fn visit_children(&mut self, node: Node<'t>, context: &Context) {
        for child in self.parents.children(node) {
            self.visit(child, context);
        }
    }

    fn nested(context: &Context) -> Context {
        Context {
            dominant: false,
            ..context.clone()
        }
    }

    fn block(&mut self, node: Node<'t>, context: &Context, dominant: bool) {
        let scope = self
            .facts
            .add_scope(ScopeKind::Block, Some(context.scope), node.byte_range());
        let inner = Context {
            scope,
            dominant: dominant && context.dominant,
            ..context.clone()
        };
        self.visit_children(node, &inner);
    }

    /// Visits `node` unless it is nested too deep (see [`super::MAX_NESTING`]).
    fn visit(&mut self, node: Node<'t>, context: &Context) {
        if self.facts.nesting.enter(node) {
            self.parents.enter(node);
            self.visit_node(node, context);
            self.parents.leave();
            self.facts.nesting.leave();
        }
    }

    fn visit_node(&mut self, node: Node<'t>, context: &Context) {
        match node.kind() {
            "comment" | "hash_bang_line" => {}
            // `declare var AuthenticationContext: any;` declares a global, binds nothing; the
            // types it names are still references (`readonly credentials: T` in a `.d.ts`).
            "ambient_declaration" => self.ambient_types(node),
            "import_statement" => self.import(node, context),
            "export_statement" if node.child_by_field_name("source").is_some() => {
                self.re_export(node);
            }
            "export_statement" => {
                self.record_exports(node);
                self.visit_children(node, context);
            }
            "type_identifier" | "nested_type_identifier" => self.type_reference(node),
            // `import User = adal.User;` (TypeScript).
            "import_alias" => {
                let mut cursor = node.walk();
                let parts: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
                if let [name, value] = parts.as_slice() {
                    if name.kind() == "identifier" {
                        self.bind(
                            context.scope,
                            *name,
                            node.start_byte(),
                            context.dominant,
                            BindingValue::Expr(*value),
                        );
                    }
                    self.type_reference(*value);
                }
            }
            "interface_declaration" | "type_alias_declaration" => {
                self.bind_type(node, context);
                let mut cursor = node.walk();
                let parts: Vec<Node<'t>> = node
                    .named_children(&mut cursor)
                    .filter(|c| Some(*c) != node.child_by_field_name("name"))
                    .collect();
                for part in parts {
                    self.visit(part, context);
                }
            }
            "type_parameter" => {
                for field in ["constraint", "value"] {
                    if let Some(child) = node.child_by_field_name(field) {
                        self.visit(child, context);
                    }
                }
            }
            "enum_declaration" | "internal_module" | "module" => {
                if let Some(name) = node.child_by_field_name("name") {
                    if name.kind() == "identifier" {
                        self.bind(
                            context.scope,
                            name,
                            node.start_byte(),
                            context.dominant,
                            BindingValue::Unknown,
                        );
                    }
                }
                if let Some(body) = node.child_by_field_name("body") {
                    if node.kind() == "enum_declaration" {
                        self.visit_children(body, context);
                    } else {
                        // A namespace's declarations are its own (`local.TokenResponse`).
                        self.block(body, context, true);
                    }
                }
            }
            "array" => {
                self.injection_annotation(node);
                self.visit_children(node, context);
            }
            "lexical_declaration" | "variable_declaration" => {
                let scope = if node.kind() == "variable_declaration" {
                    context.function_scope
                } else {
                    context.scope
                };
                let dominant = context.dominant && scope == context.scope;
                let mut cursor = node.walk();
                let declarators: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
                for declarator in declarators {
                    if declarator.kind() == "variable_declarator" {
                        self.declarator(declarator, node, scope, dominant, context);
                    }
                }
            }
            "assignment_expression" => self.assignment(node, context),
            "function_declaration" | "generator_function_declaration" => {
                if let Some(name) = node.child_by_field_name("name") {
                    // Hoisted: visible from the start of the enclosing function.
                    let position = self.facts.scopes[context.function_scope].range.start;
                    self.bind(
                        context.function_scope,
                        name,
                        position,
                        true,
                        BindingValue::Unknown,
                    );
                    let class = self.constructor_class(self.text(name));
                    let parameters = self.function(node, context, Some(class));
                    self.declared_parameters
                        .insert(self.text(name).to_string(), parameters);
                } else {
                    self.function(node, context, None);
                }
            }
            "function_expression" | "function" | "generator_function" => {
                let class = self.prototype_owner(node);
                self.function(node, context, class);
            }
            "arrow_function" => self.arrow(node, context),
            "class_declaration" | "class" | "abstract_class_declaration" => {
                self.class(node, context)
            }
            "statement_block" => self.block(node, context, true),
            "if_statement" | "while_statement" | "do_statement" | "try_statement"
            | "switch_statement" | "else_clause" | "finally_clause" | "switch_case"
            | "switch_default" => {
                self.visit_children(node, &Self::nested(context));
            }
            "for_statement" | "for_in_statement" => {
                let scope =
                    self.facts
                        .add_scope(ScopeKind::Block, Some(context.scope), node.byte_range());
                let inner = Context {
                    scope,
                    dominant: false,
                    ..context.clone()
                };
                if node.kind() == "for_in_statement" {
                    if let Some(left) = node.child_by_field_name("left") {
                        let target = if node
                            .child_by_field_name("kind")
                            .is_some_and(|k| self.text(k) == "var")
                        {
                            context.function_scope
                        } else {
                            scope
                        };
                        self.bind_pattern(left, target, node.start_byte(), None, &[], &inner);
                    }
                    for field in ["right", "body"] {
                        if let Some(child) = node.child_by_field_name(field) {
                            self.visit(child, &inner);
                        }
                    }
                } else {
                    self.visit_children(node, &inner);
                }
            }
            "catch_clause" => {
                let scope =
                    self.facts
                        .add_scope(ScopeKind::Block, Some(context.scope), node.byte_range());
                let inner = Context {
                    scope,
                    dominant: false,
                    ..context.clone()
                };
                if let Some(parameter) = node.child_by_field_name("parameter") {
                    self.bind_pattern(parameter, scope, node.start_byte(), None, &[], &inner);
                }
                if let Some(body) = node.child_by_field_name("body") {
                    self.visit_children(body, &inner);
                }
            }
            "call_expression" | "new_expression" => self.call(node, context),
            "member_expression" => {
                self.member_read(node);
                self.expression(node);
                if let Some(object) = node.child_by_field_name("object") {
                    self.visit(object, context);
                }
            }
            "subscript_expression" => {
                self.member_read(node);
                self.expression(node);
                self.visit_children(node, context);
            }
            "identifier" | "shorthand_property_identifier" | "this" => self.expression(node),
            "pair" => {
                if let Some(value) = node.child_by_field_name("value") {
                    self.visit(value, context);
                }
                if let Some(key) = node
                    .child_by_field_name("key")
                    .filter(|k| k.kind() == "computed_property_name")
                {
                    self.visit(key, context);
                }
            }
            "property_identifier" | "statement_identifier" => {}
            "labeled_statement" => {
                if let Some(body) = node.child_by_field_name("body") {
                    self.visit(body, context);
                }
            }
            _ => self.visit_children(node, context),
        }
    }

    fn constructor_class(&mut self, name: &str) -> usize {
        if let Some(&class) = self.constructors.get(name) {
            return class;
        }
        self.facts.classes.push(Class {
            name: name.to_string(),
            ..Class::default()
        });
        let class = self.facts.classes.len() - 1;
        self.constructors.insert(name.to_string(), class);
        class
    }

    /// For `Foo.prototype.bar = function () {}`, the constructor class of `Foo`.
    fn prototype_owner(&mut self, function: Node<'t>) -> Option<usize> {
        let parent = self.parents.of(function)?;
        if parent.kind() != "assignment_expression"
            || parent.child_by_field_name("right") != Some(function)
        {
            return None;
        }
        let left = parent.child_by_field_name("left")?;
        let prototype = left.child_by_field_name("object")?;
        if prototype.kind() != "member_expression"
            || prototype
                .child_by_field_name("property")
                .is_none_or(|p| self.text(p) != "prototype")
        {
            return None;
        }
        let owner = prototype.child_by_field_name("object")?;
        (owner.kind() == "identifier").then(|| self.constructor_class(self.text(owner)))
    }

    /// Visits a function; returns the bindings of its parameters, in order (`None` for a
    /// destructured one).
    fn function(
        &mut self,
        node: Node<'t>,
        context: &Context,
        class: Option<usize>,
    ) -> Vec<Option<usize>> {
        let scope =
            self.facts
                .add_scope(ScopeKind::Function, Some(context.scope), node.byte_range());
        let inner = Context {
            scope,
            function_scope: scope,
            this_class: class,
            dominant: true,
        };
        self.bind_this(scope, node, class);
        if node.kind() != "function_declaration" {
            if let Some(name) = node.child_by_field_name("name") {
                self.bind(scope, name, node.start_byte(), true, BindingValue::Unknown);
            }
        }
        let parameters = node
            .child_by_field_name("parameters")
            .map(|parameters| self.parameters(parameters, &inner))
            .unwrap_or_default();
        for field in ["return_type", "type_parameters"] {
            if let Some(types) = node.child_by_field_name(field) {
                self.visit(types, &inner);
            }
        }
        if let Some(body) = node.child_by_field_name("body") {
            self.visit_children(body, &inner);
        }
        parameters
    }

    fn arrow(&mut self, node: Node<'t>, context: &Context) {
        let scope =
            self.facts
                .add_scope(ScopeKind::Function, Some(context.scope), node.byte_range());
        let inner = Context {
            scope,
            function_scope: scope,
            dominant: true,
            ..context.clone()
        };
        if let Some(parameter) = node.child_by_field_name("parameter") {
            let value = self.injected(node, 0, parameter);
            self.bind(scope, parameter, node.start_byte(), true, value);
        }
        if let Some(parameters) = node.child_by_field_name("parameters") {
            self.parameters(parameters, &inner);
        }
        for field in ["return_type", "type_parameters"] {
            if let Some(types) = node.child_by_field_name(field) {
                self.visit(types, &inner);
            }
        }
        if let Some(body) = node.child_by_field_name("body") {
            if body.kind() == "statement_block" {
                self.visit_children(body, &inner);
            } else {
                self.visit(body, &inner);
            }
        }
    }

    /// Binds a function's parameters; returns their bindings in order (`None` for a
    /// destructured one).
    fn parameters(&mut self, parameters: Node<'t>, inner: &Context) -> Vec<Option<usize>> {
        let function = self.parents.of(parameters).unwrap_or(parameters);
        let mut cursor = parameters.walk();
        let children: Vec<Node<'t>> = parameters
            .named_children(&mut cursor)
            .filter(|c| c.kind() != "comment")
            .collect();
        let mut bound = Vec::new();
        for (index, parameter) in children.into_iter().enumerate() {
            // TypeScript wraps parameters: `required_parameter` / `optional_parameter`,
            // with a type, decorators and, in constructors, `private` and friends.
            let (pattern, annotation) = match parameter.kind() {
                "required_parameter" | "optional_parameter" => {
                    let mut cursor = parameter.walk();
                    let decorators: Vec<Node<'t>> = parameter
                        .named_children(&mut cursor)
                        .filter(|c| c.kind() == "decorator")
                        .collect();
                    for decorator in decorators {
                        self.visit_children(decorator, inner);
                    }
                    if let Some(value) = parameter.child_by_field_name("value") {
                        self.visit(value, inner);
                    }
                    let annotation = parameter.child_by_field_name("type");
                    if let Some(annotation) = annotation {
                        self.visit(annotation, inner);
                    }
                    (parameter.child_by_field_name("pattern"), annotation)
                }
                _ => (Some(parameter), None),
            };
            let Some(pattern) = pattern else {
                bound.push(None);
                continue;
            };
            if pattern.kind() != "identifier" {
                self.bind_pattern(
                    pattern,
                    inner.scope,
                    parameters.start_byte(),
                    None,
                    &[],
                    inner,
                );
                bound.push(None);
                continue;
            }
            let value = match annotation {
                Some(annotation) => BindingValue::Expr(annotation),
                None => self.injected(function, index, pattern),
            };
            let binding = self.bind(inner.scope, pattern, parameters.start_byte(), true, value);
            bound.push(Some(binding));
            if let (Some(class), true) = (inner.this_class, is_parameter_property(parameter)) {
                self.facts.add_attribute(
                    class,
                    self.text(pattern).to_string(),
                    AttributeAssignment {
                        value: pattern,
                        statement: parameter.byte_range(),
                        scope: inner.scope,
                    },
                );
            }
        }
        bound
    }

    /// What a dependency-injection framework passes as parameter `index` of `function`:
    /// the service its annotation names, else the service named like the parameter.
    fn injected(&self, function: Node<'t>, index: usize, name: Node<'_>) -> BindingValue<'t> {
        match self.injections.get(&function.start_byte()) {
            Some(names) => names
                .get(index)
                .map_or(BindingValue::Unknown, |n| BindingValue::Injected(n.clone())),
            // A plain parameter: a callback's result, or a service injected by its own name.
            None => {
                let _ = name;
                BindingValue::Parameter(function, index)
            }
        }
    }

    /// Records `['a', 'b', function (a, b) {}]` (AngularJS's inline array annotation).
    fn injection_annotation(&mut self, array: Node<'t>) {
        let mut cursor = array.walk();
        let elements: Vec<Node<'t>> = array
            .named_children(&mut cursor)
            .filter(|c| c.kind() != "comment")
            .collect();
        let Some((last, names)) = elements.split_last() else {
            return;
        };
        let names: Option<Vec<String>> = names
            .iter()
            .map(|n| string_literal(*n, self.source).map(|(s, _)| s))
            .collect();
        let Some(names) = names.filter(|n| !n.is_empty()) else {
            return;
        };
        match last.kind() {
            "function_expression" | "function" | "arrow_function" => {
                self.injections.insert(last.start_byte(), names);
            }
            // `['$http', 'adalAuthenticationService', Controller]`, `Controller` declared
            // elsewhere in the file.
            "identifier" => {
                let function = self.text(*last).to_string();
                self.inject_annotations.push((function, names));
            }
            _ => {}
        }
    }

    fn class(&mut self, node: Node<'t>, context: &Context) {
        let name = node.child_by_field_name("name");
        if let (Some(name), "class_declaration") = (name, node.kind()) {
            self.bind(
                context.scope,
                name,
                node.start_byte(),
                context.dominant,
                BindingValue::Unknown,
            );
        }
        let mut cursor = node.walk();
        let bases = node
            .named_children(&mut cursor)
            .filter(|c| c.kind() == "class_heritage")
            .filter_map(|heritage| heritage.named_child(0))
            .filter(|base| base.kind() == "identifier")
            .map(|base| self.text(base).to_string())
            .collect();
        // `@Component({...}) export class X {}` decorates the export statement.
        let exported = self
            .parents
            .of(node)
            .filter(|p| p.kind() == "export_statement");
        let decorators = exported
            .into_iter()
            .chain([node])
            .flat_map(|owner| {
                let mut cursor = owner.walk();
                owner
                    .children_by_field_name("decorator", &mut cursor)
                    .collect::<Vec<_>>()
            })
            .collect();
        self.facts.classes.push(Class {
            name: name.map(|n| self.text(n).to_string()).unwrap_or_default(),
            bases,
            decorators,
            ..Class::default()
        });
        let class = self.facts.classes.len() - 1;
        let mut cursor = node.walk();
        let children: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
        for child in children {
            match child.kind() {
                "class_body" => {
                    let scope = self.facts.add_scope(
                        ScopeKind::Block,
                        Some(context.scope),
                        child.byte_range(),
                    );
                    self.bind_this(scope, child, Some(class));
                    let inner = Context {
                        scope,
                        this_class: Some(class),
                        dominant: true,
                        ..context.clone()
                    };
                    let mut cursor = child.walk();
                    let members: Vec<Node<'t>> = child.named_children(&mut cursor).collect();
                    for member in members {
                        match member.kind() {
                            "method_definition" => {
                                if let Some((name, value)) = self.getter(member) {
                                    self.facts.classes[class].getters.insert(name, value);
                                }
                                let parameters = self.method(member, &inner, class);
                                let is_constructor = member
                                    .child_by_field_name("name")
                                    .is_some_and(|n| self.text(n) == "constructor");
                                if let (true, Some(name)) = (is_constructor, name) {
                                    self.declared_parameters
                                        .insert(self.text(name).to_string(), parameters);
                                }
                            }
                            "public_field_definition" | "field_definition" => {
                                self.field(member, &inner, class);
                                self.visit_children(member, &inner);
                            }
                            _ => self.visit_children(member, &inner),
                        }
                    }
                }
                "identifier" | "type_identifier" => {}
                _ => self.visit(child, context),
            }
        }
    }

    /// `get user() { return this.adal.userInfo; }`: the getter's name and the expression it
    /// returns, when its body is that one statement.
    fn getter(&self, method: Node<'t>) -> Option<(String, Node<'t>)> {
        let mut cursor = method.walk();
        let is_getter = method
            .children(&mut cursor)
            .any(|c| !c.is_named() && c.kind() == "get");
        let name = method
            .child_by_field_name("name")
            .filter(|n| n.kind() == "property_identifier")?;
        let body = method.child_by_field_name("body")?;
        let mut cursor = body.walk();
        let statements: Vec<Node<'t>> = body
            .named_children(&mut cursor)
            .filter(|c| c.kind() != "comment")
            .collect();
        let [statement] = statements.as_slice() else {
            return None;
        };
        let value = statement
            .named_child(0)
            .filter(|_| is_getter && statement.kind() == "return_statement")?;
        Some((self.text(name).to_string(), value))
    }

    /// A class field: `ctx = new AuthenticationContext(config);` is an attribute assigned
    /// on `this`; `private ctx: AuthenticationContext;` declares its type.
    fn field(&mut self, node: Node<'t>, context: &Context, class: usize) {
        let name = node
            .child_by_field_name("name")
            .or_else(|| node.child_by_field_name("property"))
            .filter(|n| n.kind() == "property_identifier");
        let Some(name) = name.map(|n| self.text(n).to_string()) else {
            return;
        };
        match (
            node.child_by_field_name("value"),
            node.child_by_field_name("type"),
        ) {
            (Some(value), _) => self.facts.add_attribute(
                class,
                name,
                AttributeAssignment {
                    value,
                    statement: node.byte_range(),
                    scope: context.scope,
                },
            ),
            (None, Some(annotation)) => {
                self.facts.classes[class].declared.insert(name, annotation);
            }
            (None, None) => {}
        }
    }

    fn method(&mut self, node: Node<'t>, context: &Context, class: usize) -> Vec<Option<usize>> {
        let mut cursor = node.walk();
        let decorators: Vec<Node<'t>> = node
            .named_children(&mut cursor)
            .filter(|c| c.kind() == "decorator")
            .collect();
        for decorator in decorators {
            self.visit_children(decorator, context);
        }
        self.function(node, context, Some(class))
    }

    fn declarator(
        &mut self,
        declarator: Node<'t>,
        declaration: Node<'t>,
        scope: usize,
        dominant: bool,
        context: &Context,
    ) {
        let Some(name) = declarator.child_by_field_name("name") else {
            return;
        };
        let annotation = declarator.child_by_field_name("type");
        if let Some(annotation) = annotation {
            self.visit(annotation, context);
        }
        // `let ctx: AuthenticationContext;` holds an instance of its type.
        let value = declarator.child_by_field_name("value");
        if let (None, Some(annotation)) = (value, annotation) {
            let mut bind_context = context.clone();
            bind_context.dominant = dominant;
            self.bind_pattern(
                name,
                scope,
                declaration.start_byte(),
                Some(annotation),
                &[],
                &bind_context,
            );
            return;
        }
        let position = declaration.start_byte();
        let before = self.facts.bindings.len();
        let mut bind_context = context.clone();
        bind_context.dominant = dominant;
        if value.is_none() && name.kind() == "identifier" {
            // `let ctx;`: undefined until assigned, which must not hide the assignment.
            self.bind(scope, name, position, dominant, BindingValue::Uninitialized);
        } else {
            self.bind_pattern(name, scope, position, value, &[], &bind_context);
        }
        let created: Vec<usize> = (before..self.facts.bindings.len()).collect();
        if let Some(value) = value {
            self.visit(value, context);
            if let Some(call) = require_root(value, self.source) {
                let statement = statement_of(self.root, declaration);
                if let Some(site) = self
                    .facts
                    .imports
                    .iter_mut()
                    .find(|s| s.range == call.byte_range())
                {
                    site.statement = statement.clone();
                    site.statement_names = created.len();
                    for &binding in &created {
                        site.names.push(ImportedName {
                            binding,
                            range: self.facts.bindings[binding].range.clone(),
                        });
                    }
                }
                for binding in created {
                    self.facts.bindings[binding].import_statement = Some(statement.clone());
                }
            }
        }
    }

    /// Binds the names of a declaration pattern; `value` is what is destructured, `path` the
    /// member path taken so far.
    /// Binds the names of a destructuring pattern, unless it is nested too deep.
    fn bind_pattern(
        &mut self,
        pattern: Node<'t>,
        scope: usize,
        position: usize,
        value: Option<Node<'t>>,
        path: &[String],
        context: &Context,
    ) {
        if self.facts.nesting.enter(pattern) {
            self.bind_pattern_node(pattern, scope, position, value, path, context);
            self.facts.nesting.leave();
        }
    }

    fn bind_pattern_node(
        &mut self,
        pattern: Node<'t>,
        scope: usize,
        position: usize,
        value: Option<Node<'t>>,
        path: &[String],
        context: &Context,
    ) {
        let binding_value = |path: &[String]| match value {
            Some(value) if path.is_empty() => BindingValue::Expr(value),
            Some(value) => BindingValue::Member(value, path.to_vec()),
            None => BindingValue::Unknown,
        };
        match pattern.kind() {
            "identifier" | "shorthand_property_identifier_pattern" => {
                self.bind(
                    scope,
                    pattern,
                    position,
                    context.dominant,
                    binding_value(path),
                );
            }
            "object_pattern" => {
                let mut cursor = pattern.walk();
                let properties: Vec<Node<'t>> = pattern.named_children(&mut cursor).collect();
                for property in properties {
                    match property.kind() {
                        "shorthand_property_identifier_pattern" => {
                            let mut inner = path.to_vec();
                            inner.push(self.text(property).to_string());
                            self.bind(
                                scope,
                                property,
                                position,
                                context.dominant,
                                binding_value(&inner),
                            );
                        }
                        "pair_pattern" => {
                            let key = property.child_by_field_name("key").map(|k| {
                                string_literal(k, self.source)
                                    .map_or_else(|| self.text(k).to_string(), |(s, _)| s)
                            });
                            if let (Some(key), Some(target)) =
                                (key, property.child_by_field_name("value"))
                            {
                                let mut inner = path.to_vec();
                                inner.push(key);
                                self.bind_pattern(target, scope, position, value, &inner, context);
                            }
                        }
                        "object_assignment_pattern" => {
                            if let Some(left) = property.child_by_field_name("left") {
                                self.bind_pattern(left, scope, position, value, path, context);
                            }
                            if let Some(right) = property.child_by_field_name("right") {
                                self.visit(right, context);
                            }
                        }
                        _ => self.bind_pattern(property, scope, position, None, &[], context),
                    }
                }
            }
            "assignment_pattern" => {
                if let Some(left) = pattern.child_by_field_name("left") {
                    self.bind_pattern(left, scope, position, value, path, context);
                }
                if let Some(right) = pattern.child_by_field_name("right") {
                    self.visit(right, context);
                }
            }
            "rest_pattern" | "array_pattern" => {
                let mut cursor = pattern.walk();
                let children: Vec<Node<'t>> = pattern.named_children(&mut cursor).collect();
                for child in children {
                    self.bind_pattern(child, scope, position, None, &[], context);
                }
            }
            _ => {}
        }
    }

    fn assignment(&mut self, node: Node<'t>, context: &Context) {
        let (Some(left), Some(right)) = (
            node.child_by_field_name("left"),
            node.child_by_field_name("right"),
        ) else {
            self.visit_children(node, context);
            return;
        };
        match left.kind() {
            "identifier" => self.pending.push(PendingAssignment {
                name_node: left,
                position: statement_of(self.root, node).start,
                value: right,
            }),
            "member_expression" => {
                let object = left.child_by_field_name("object");
                let property = left.child_by_field_name("property");
                if let (Some(object), Some(property)) = (object, property) {
                    if object.kind() == "identifier" && self.text(property) == "$inject" {
                        self.inject_annotation(self.text(object), right);
                    }
                }
                if is_export_target(left, self.source) {
                    self.record_common_js_export(left, right);
                }
                // `window.authContext = value` defines the global `authContext`.
                if let (Some(object), Some(property)) = (object, property) {
                    if object.kind() == "identifier"
                        && GLOBAL_OBJECTS.contains(&self.text(object))
                        && property.kind() == "property_identifier"
                    {
                        self.pending.push(PendingAssignment {
                            name_node: property,
                            position: statement_of(self.root, node).start,
                            value: right,
                        });
                    }
                }
                if let (Some(object), Some(property), Some(class)) =
                    (object, property, context.this_class)
                {
                    if object.kind() == "this" {
                        let name = self.text(property).to_string();
                        self.facts.add_attribute(
                            class,
                            name,
                            AttributeAssignment {
                                value: right,
                                statement: statement_of(self.root, node),
                                scope: context.scope,
                            },
                        );
                    }
                }
                self.visit(left, context);
            }
            _ => self.visit(left, context),
        }
        self.visit(right, context);
    }

    /// `export const a = x`, `export default x`, `export { a, b as c }`.
    fn record_exports(&mut self, node: Node<'t>) {
        if let Some(value) = node.child_by_field_name("value") {
            self.facts.exports.push((String::new(), value));
        }
        let mut cursor = node.walk();
        let children: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
        for child in children {
            match child.kind() {
                "lexical_declaration" | "variable_declaration" => {
                    let mut cursor = child.walk();
                    let declarators: Vec<Node<'t>> = child.named_children(&mut cursor).collect();
                    for declarator in declarators {
                        if let (Some(name), Some(value)) = (
                            declarator
                                .child_by_field_name("name")
                                .filter(|n| n.kind() == "identifier"),
                            declarator.child_by_field_name("value"),
                        ) {
                            self.facts
                                .exports
                                .push((self.text(name).to_string(), value));
                        }
                    }
                }
                "export_clause" => {
                    let mut cursor = child.walk();
                    let specifiers: Vec<Node<'t>> = child
                        .named_children(&mut cursor)
                        .filter(|s| s.kind() == "export_specifier")
                        .collect();
                    for specifier in specifiers {
                        let Some(local) = specifier.child_by_field_name("name") else {
                            continue;
                        };
                        let exported = specifier.child_by_field_name("alias").unwrap_or(local);
                        let name = match self.text(exported) {
                            "default" => String::new(),
                            other => other.to_string(),
                        };
                        self.facts.exports.push((name, local));
                    }
                }
                _ => {}
            }
        }
    }

    /// `module.exports = x` (with each key of an object literal), `exports.a = x`,
    /// `module.exports.a = x`.
    fn record_common_js_export(&mut self, left: Node<'t>, right: Node<'t>) {
        let mut path = Vec::new();
        let mut node = left;
        while node.kind() == "member_expression" {
            let (Some(object), Some(property)) = (
                node.child_by_field_name("object"),
                node.child_by_field_name("property"),
            ) else {
                return;
            };
            path.push(self.text(property));
            node = object;
        }
        path.reverse();
        let root = self.text(node);
        let name = match (root, path.as_slice()) {
            ("module", ["exports"]) => String::new(),
            ("module", ["exports", name]) | ("exports", [name]) => (*name).to_string(),
            _ => return,
        };
        if name.is_empty() && right.kind() == "object" {
            let mut cursor = right.walk();
            let entries: Vec<Node<'t>> = right.named_children(&mut cursor).collect();
            for entry in entries {
                match entry.kind() {
                    "pair" => {
                        if let (Some(key), Some(value)) = (
                            entry
                                .child_by_field_name("key")
                                .filter(|k| k.kind() == "property_identifier"),
                            entry.child_by_field_name("value"),
                        ) {
                            self.facts.exports.push((self.text(key).to_string(), value));
                        }
                    }
                    "shorthand_property_identifier" => {
                        self.facts
                            .exports
                            .push((self.text(entry).to_string(), entry));
                    }
                    _ => {}
                }
            }
        }
        self.facts.exports.push((name, right));
    }

    /// `Ctrl.$inject = ['$scope', 'adalAuthenticationService']`.
    fn inject_annotation(&mut self, function: &str, array: Node<'t>) {
        if array.kind() != "array" {
            return;
        }
        let mut cursor = array.walk();
        let names: Option<Vec<String>> = array
            .named_children(&mut cursor)
            .filter(|c| c.kind() != "comment")
            .map(|n| string_literal(n, self.source).map(|(s, _)| s))
            .collect();
        if let Some(names) = names {
            self.inject_annotations.push((function.to_string(), names));
        }
    }

    /// `export { a } from "m"` / `export * from "m"`: a use of the module.
    fn re_export(&mut self, node: Node<'t>) {
        let Some((module, _)) = node
            .child_by_field_name("source")
            .and_then(|source| string_literal(source, self.source))
        else {
            return;
        };
        self.facts.imports.push(ImportSite {
            module,
            range: node.byte_range(),
            statement: node.byte_range(),
            names: Vec::new(),
            statement_names: 0,
            submodules: Vec::new(),
        });
    }

    /// `import x = require("m")` (TypeScript).
    fn import_require(&mut self, node: Node<'t>, clause: Node<'t>, context: &Context) {
        let (Some(local), Some((module, _))) = (
            clause.named_child(0).filter(|n| n.kind() == "identifier"),
            clause
                .child_by_field_name("source")
                .and_then(|source| string_literal(source, self.source)),
        ) else {
            return;
        };
        let binding = self.bind(
            context.scope,
            local,
            node.start_byte(),
            true,
            BindingValue::Import(format!("{module}:")),
        );
        self.facts.bindings[binding].import_statement = Some(node.byte_range());
        self.facts.imports.push(ImportSite {
            module,
            range: node.byte_range(),
            statement: node.byte_range(),
            names: vec![ImportedName {
                binding,
                range: local.byte_range(),
            }],
            statement_names: 1,
            submodules: Vec::new(),
        });
    }

    fn import(&mut self, node: Node<'t>, context: &Context) {
        let mut cursor = node.walk();
        let require_clause = node
            .named_children(&mut cursor)
            .find(|c| c.kind() == "import_require_clause");
        if let Some(clause) = require_clause {
            self.import_require(node, clause, context);
            return;
        }
        let Some(source_node) = node.child_by_field_name("source") else {
            return;
        };
        // `import type { A } from "m"` binds types only.
        let statement_type_only = has_type_keyword(node);
        let Some((module, _)) = string_literal(source_node, self.source) else {
            return;
        };
        let module = loaded_module(&module);
        let module_name = format!("{module}:");
        let mut names = Vec::new();
        // `import { X } from "m"` imports `m:X` by name (an import rule may name a class).
        let mut submodules = Vec::new();
        let mut cursor = node.walk();
        let clauses: Vec<Node<'t>> = node
            .named_children(&mut cursor)
            .filter(|c| c.kind() == "import_clause")
            .collect();
        let position = node.start_byte();
        for clause in clauses {
            let mut cursor = clause.walk();
            let parts: Vec<Node<'t>> = clause.named_children(&mut cursor).collect();
            for part in parts {
                match part.kind() {
                    "identifier" => {
                        let binding = self.bind(
                            context.scope,
                            part,
                            position,
                            true,
                            import_value(module_name.clone(), statement_type_only),
                        );
                        names.push(ImportedName {
                            binding,
                            range: part.byte_range(),
                        });
                    }
                    "namespace_import" => {
                        if let Some(local) = part.named_child(0) {
                            let binding = self.bind(
                                context.scope,
                                local,
                                position,
                                true,
                                import_value(module_name.clone(), statement_type_only),
                            );
                            names.push(ImportedName {
                                binding,
                                range: part.byte_range(),
                            });
                        }
                    }
                    "named_imports" => {
                        let mut cursor = part.walk();
                        let specifiers: Vec<Node<'t>> = part
                            .named_children(&mut cursor)
                            .filter(|s| s.kind() == "import_specifier")
                            .collect();
                        for specifier in specifiers {
                            let Some(imported) = specifier.child_by_field_name("name") else {
                                continue;
                            };
                            let local = specifier.child_by_field_name("alias").unwrap_or(imported);
                            let imported_name = string_literal(imported, self.source)
                                .map_or_else(|| self.text(imported).to_string(), |(s, _)| s);
                            let target = if imported_name == "default" {
                                module_name.clone()
                            } else {
                                submodules.push(format!("{module_name}{imported_name}"));
                                format!("{module_name}{imported_name}")
                            };
                            let type_only = statement_type_only || has_type_keyword(specifier);
                            let binding = self.bind(
                                context.scope,
                                local,
                                position,
                                true,
                                import_value(target, type_only),
                            );
                            names.push(ImportedName {
                                binding,
                                range: specifier.byte_range(),
                            });
                        }
                    }
                    _ => {}
                }
            }
        }
        for name in &names {
            self.facts.bindings[name.binding].import_statement = Some(node.byte_range());
        }
        let count = names.len();
        self.facts.imports.push(ImportSite {
            module: module.to_string(),
            range: node.byte_range(),
            statement: node.byte_range(),
            names,
            statement_names: count,
            submodules,
        });
    }

    /// `const { X, Y: Z } = require("m")` imports `m:X` and `m:Y` by name, as
    /// `import { X } from "m"` does.
    fn destructured_names(&self, call: Node<'t>, module: &str) -> Vec<String> {
        let Some(pattern) = self
            .parents
            .of(call)
            .filter(|p| p.kind() == "variable_declarator")
            .and_then(|p| p.child_by_field_name("name"))
            .filter(|n| n.kind() == "object_pattern")
        else {
            return Vec::new();
        };
        let mut cursor = pattern.walk();
        pattern
            .named_children(&mut cursor)
            .filter_map(|property| match property.kind() {
                "shorthand_property_identifier_pattern" => Some(property),
                "pair_pattern" => property
                    .child_by_field_name("key")
                    .filter(|k| k.kind() == "property_identifier"),
                _ => None,
            })
            .map(|key| format!("{module}:{}", self.text(key)))
            .collect()
    }

    fn call(&mut self, node: Node<'t>, context: &Context) {
        let callee_field = if node.kind() == "new_expression" {
            "constructor"
        } else {
            "function"
        };
        let Some(callee) = node.child_by_field_name(callee_field) else {
            self.visit_children(node, context);
            return;
        };
        if let Some(module) = require_module(node, self.source) {
            let statement = statement_of(self.root, node);
            let submodules = self.destructured_names(node, &module);
            self.facts.imports.push(ImportSite {
                module,
                range: node.byte_range(),
                statement,
                names: Vec::new(),
                statement_names: 0,
                submodules,
            });
            return;
        }
        let receiver = matches!(callee.kind(), "member_expression" | "subscript_expression")
            .then(|| callee.child_by_field_name("object"))
            .flatten();
        let mut arguments = Vec::new();
        if let Some(list) = node.child_by_field_name("arguments") {
            let mut cursor = list.walk();
            for argument in list.named_children(&mut cursor) {
                match argument.kind() {
                    "comment" => {}
                    "spread_element" => arguments.push(Argument {
                        keyword: None,
                        value: argument,
                        splat: true,
                    }),
                    _ => arguments.push(Argument {
                        keyword: None,
                        value: argument,
                        splat: false,
                    }),
                }
            }
        }
        self.facts.calls.push(CallSite {
            node,
            callee,
            receiver,
            arguments,
        });
        self.expression(node);
        if callee.kind() == "member_expression" {
            // The callee is a method reference, not a property read.
            self.expression(callee);
            if let Some(object) = callee.child_by_field_name("object") {
                self.visit(object, context);
            }
        } else {
            self.visit(callee, context);
        }
        // `new Map<string, adal.TokenResponse>()`: the types are references.
        if let Some(types) = node.child_by_field_name("type_arguments") {
            self.visit(types, context);
        }
        if let Some(list) = node.child_by_field_name("arguments") {
            self.visit(list, context);
        }
    }

    /// `obj.key` and `obj["key"]` read a property.
    fn member_read(&mut self, node: Node<'t>) {
        let Some(object) = node.child_by_field_name("object") else {
            return;
        };
        let key = match node.kind() {
            "member_expression" => node
                .child_by_field_name("property")
                .map(|p| Key::Literal(self.text(p).to_string(), p.byte_range())),
            _ => node.child_by_field_name("index").and_then(|index| {
                match string_literal(index, self.source) {
                    Some((key, range)) => Some(Key::Literal(key, range)),
                    None => matches!(index.kind(), "identifier" | "member_expression")
                        .then_some(Key::Expression(index)),
                }
            }),
        };
        if let Some(key) = key {
            self.facts.key_reads.push(KeyRead { node, object, key });
        }
    }

    /// Records a name, member chain or call in expression position.
    /// True for a chain read straight off a `require(...)` (`require("m").Member`): the
    /// import site reports it.
    fn reads_a_require(&self, node: Node<'t>) -> bool {
        let mut root = node;
        while matches!(root.kind(), "member_expression" | "subscript_expression") {
            match root.child_by_field_name("object") {
                Some(object) => root = object,
                None => break,
            }
        }
        root != node && require_module(root, self.source).is_some()
    }

    fn expression(&mut self, node: Node<'t>) {
        if matches!(node.kind(), "identifier" | "shorthand_property_identifier") {
            self.facts.name_reads.push(node);
        }
        let parent = self.parents.of(node);
        let kind = use_kind(node, parent, &self.parents, self.source);
        self.facts.uses.push(UseSite { node, kind });
        // `a.b[key]` with a computed key ends the chain at `a.b`.
        let is_object_of_member = parent.is_some_and(|p| {
            let chained = match p.kind() {
                "member_expression" => true,
                "subscript_expression" => p
                    .child_by_field_name("index")
                    .is_some_and(|i| string_literal(i, self.source).is_some()),
                _ => false,
            };
            chained && p.child_by_field_name("object") == Some(node)
        });
        if matches!(
            node.kind(),
            "identifier"
                | "member_expression"
                | "subscript_expression"
                | "shorthand_property_identifier"
        ) && !is_object_of_member
            && !self.reads_a_require(node)
        {
            let called = parent.is_some_and(|p| {
                (p.kind() == "call_expression" && p.child_by_field_name("function") == Some(node))
                    || (p.kind() == "new_expression"
                        && p.child_by_field_name("constructor") == Some(node))
            });
            self.facts.references.push(ReferenceSite { node, called });
        }
    }
}

/// The value of an imported name: the symbol, or for a type-only import a type.
fn import_value<'t>(name: String, type_only: bool) -> BindingValue<'t> {
    if type_only {
        BindingValue::TypeOnly(Box::new(BindingValue::Import(name)))
    } else {
        BindingValue::Import(name)
    }
}

/// True for `import type ...` and `import { type A }`: an anonymous `type` keyword child.
fn has_type_keyword(node: Node<'_>) -> bool {
    let mut cursor = node.walk();
    node.children(&mut cursor)
        .any(|c| !c.is_named() && c.kind() == "type")
}

/// A constructor parameter that is also a property (`private auth: AdalService`).
fn is_parameter_property(parameter: Node<'_>) -> bool {
    let mut cursor = parameter.walk();
    parameter
        .children(&mut cursor)
        .any(|c| c.kind() == "accessibility_modifier" || (!c.is_named() && c.kind() == "readonly"))
}

/// How the expression `node` is used by its parent.
fn use_kind<'t>(
    mut node: Node<'t>,
    mut parent: Option<Node<'t>>,
    parents: &Parents<'t>,
    source: &str,
) -> UseKind {
    // Parentheses, `await` and type assertions pass the value on: the use is the wrapper's.
    while let Some(wrapper) = parent.filter(|p| {
        matches!(
            p.kind(),
            "parenthesized_expression"
                | "await_expression"
                | "non_null_expression"
                | "as_expression"
                | "satisfies_expression"
                | "type_assertion"
        )
    }) {
        node = wrapper;
        parent = parents.of(wrapper);
    }
    let Some(parent) = parent else {
        return UseKind::Escape;
    };
    let is_field = |field: &str| parent.child_by_field_name(field) == Some(node);
    match parent.kind() {
        "member_expression" if is_field("object") => {
            let called = parents.of(parent).is_some_and(|g| {
                g.kind() == "call_expression" && g.child_by_field_name("function") == Some(parent)
            });
            if called {
                UseKind::Receiver
            } else {
                UseKind::KeyRead
            }
        }
        "subscript_expression" if is_field("object") => UseKind::KeyRead,
        "call_expression" if is_field("function") => UseKind::Receiver,
        "new_expression" if is_field("constructor") => UseKind::Receiver,
        "variable_declarator" if is_field("value") => {
            // `export const x = value`: other modules use it.
            let exported = parents
                .of(parent)
                .and_then(|declaration| parents.of(declaration))
                .is_some_and(|p| p.kind() == "export_statement");
            match parent.child_by_field_name("name").map(|n| n.kind()) {
                Some("identifier") if !exported => UseKind::Alias,
                _ => UseKind::Escape,
            }
        }
        "assignment_expression" if is_field("right") => match parent.child_by_field_name("left") {
            Some(left) if left.kind() == "identifier" => UseKind::Alias,
            Some(left) if left.kind() == "member_expression" && !is_export_target(left, source) => {
                UseKind::Alias
            }
            _ => UseKind::Escape,
        },
        "assignment_expression" if is_field("left") => UseKind::Alias,
        "expression_statement" => UseKind::Alias,
        "binary_expression"
            if parent
                .child_by_field_name("operator")
                .is_some_and(|o| matches!(o.kind(), "===" | "!==" | "==" | "!=")) =>
        {
            UseKind::Test
        }
        "if_statement" | "while_statement" | "do_statement" | "ternary_expression"
            if is_field("condition") =>
        {
            UseKind::Test
        }
        "unary_expression"
            if parent
                .child_by_field_name("operator")
                .is_some_and(|o| o.kind() == "!") =>
        {
            UseKind::Test
        }
        "binary_expression"
            if is_field("left")
                && parent
                    .child_by_field_name("operator")
                    .is_some_and(|o| o.kind() == "&&") =>
        {
            UseKind::Test
        }
        _ => UseKind::Escape,
    }
}

/// `module.exports.x` / `exports.x` / `module.exports`: what other modules receive.
fn is_export_target(mut node: Node<'_>, source: &str) -> bool {
    while let Some(object) = node.child_by_field_name("object") {
        node = object;
    }
    node.kind() == "identifier" && matches!(&source[node.byte_range()], "module" | "exports")
}

/// The `require(...)` call at the root of `require("m")` or `require("m").A.B`.
fn require_root<'t>(mut node: Node<'t>, source: &str) -> Option<Node<'t>> {
    loop {
        match node.kind() {
            "call_expression" => return require_module(node, source).map(|_| node),
            "member_expression" | "subscript_expression" => {
                node = node.child_by_field_name("object")?
            }
            "await_expression" | "parenthesized_expression" => node = node.named_child(0)?,
            _ => return None,
        }
    }
}

/// The statement that contains `node`.
pub(super) fn statement_of<'t>(root: Node<'t>, node: Node<'t>) -> Range<usize> {
    super::innermost_child_of(root, node, |kind| {
        matches!(
            kind,
            "program" | "statement_block" | "class_body" | "switch_case" | "switch_default"
        )
    })
    .unwrap_or(node)
    .byte_range()
}
