//! The Python front end: scopes, bindings and sites of one module, following Python's own
//! rules (function scopes, class bodies invisible to methods, `global`, imports anywhere).

use std::collections::HashSet;
use std::ops::Range;

use tree_sitter::{Node, Tree};

use super::{
    Argument, AttributeAssignment, Binding, BindingValue, CallSite, Class, Facts, ImportSite,
    ImportedName, Key, KeyRead, Parents, ReferenceSite, ScopeKind, Shape, UseKind, UseSite,
};

/// The syntactic shape of a Python expression.
pub(super) fn shape<'t>(node: Node<'t>, source: &'t str) -> Shape<'t> {
    match node.kind() {
        "identifier" => Shape::Name(&source[node.byte_range()]),
        "attribute" => match (
            node.child_by_field_name("object"),
            node.child_by_field_name("attribute"),
        ) {
            (Some(object), Some(attribute)) => {
                Shape::Member(object, source[attribute.byte_range()].to_string())
            }
            _ => Shape::Other,
        },
        "call" => node
            .child_by_field_name("function")
            .map_or(Shape::Other, Shape::Call),
        "parenthesized_expression" | "await" => {
            node.named_child(0).map_or(Shape::Other, Shape::Inner)
        }
        "none" => Shape::Null,
        _ => Shape::Other,
    }
}

/// The content of a plain string literal and the bytes that hold it.
pub(super) fn string_literal(node: Node<'_>, source: &str) -> Option<(String, Range<usize>)> {
    if node.kind() != "string" {
        return None;
    }
    let mut cursor = node.walk();
    let mut start = None;
    let mut end = None;
    let mut content = None;
    for child in node.children(&mut cursor) {
        match child.kind() {
            "string_start" => {
                let prefix = &source[child.byte_range()];
                if prefix.chars().any(|c| matches!(c, 'f' | 'F' | 'b' | 'B')) {
                    return None;
                }
                start = Some(child.end_byte());
            }
            "string_content" => content = Some(child.byte_range()),
            "string_end" => end = Some(child.start_byte()),
            "interpolation" | "escape_sequence" => return None,
            _ => {}
        }
    }
    let (start, end) = (start?, end?);
    let range = content.unwrap_or(start..end);
    Some((source[range.clone()].to_string(), range))
}

#[derive(Clone)]
struct Context {
    scope: usize,
    /// The class whose body we are directly in.
    class: Option<usize>,
    /// Inside a method: the receiver parameter's name and its class.
    receiver: Option<(String, usize)>,
    function: Range<usize>,
    dominant: bool,
}

struct Collector<'t> {
    source: &'t str,
    /// The tree's root, to find a node's statement from the top down.
    root: Node<'t>,
    facts: Facts<'t>,
    /// Names declared `global` per function scope.
    globals: Vec<(usize, HashSet<String>)>,
    parents: Parents<'t>,
}

pub(super) fn collect<'t>(tree: &'t Tree, source: &'t str) -> Facts<'t> {
    let mut collector = Collector {
        source,
        root: tree.root_node(),
        facts: Facts::default(),
        globals: Vec::new(),
        parents: Parents::default(),
    };
    let root = tree.root_node();
    let module = collector
        .facts
        .add_scope(ScopeKind::Module, None, 0..source.len() + 1);
    let context = Context {
        scope: module,
        class: None,
        receiver: None,
        function: 0..source.len(),
        dominant: true,
    };
    collector.visit_children(root, &context);
    collector.facts
}

impl<'t> Collector<'t> {
    fn text(&self, node: Node<'_>) -> &'t str {
        &self.source[node.byte_range()]
    }

    fn bind(
        &mut self,
        context: &Context,
        name_node: Node<'t>,
        position: usize,
        value: BindingValue<'t>,
    ) -> usize {
        let name = self.text(name_node).to_string();
        let scope = if self
            .globals
            .iter()
            .any(|(scope, names)| *scope == context.scope && names.contains(&name))
        {
            0
        } else {
            context.scope
        };
        self.facts.bind(
            scope,
            Binding {
                name,
                position,
                range: name_node.byte_range(),
                dominant: context.dominant && scope == context.scope,
                value,
                import_statement: None,
            },
        )
    }

    fn visit_children(&mut self, node: Node<'t>, context: &Context) {
        for child in self.parents.children(node) {
            self.visit(child, context);
        }
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
            "import_statement" => self.import(node, context),
            "import_from_statement" => self.import_from(node, context),
            "future_import_statement" | "comment" => {}
            "assignment" => self.assignment(node, context),
            "augmented_assignment" => {
                if let Some(left) = node.child_by_field_name("left") {
                    self.bind_targets(left, context, node.start_byte());
                }
                if let Some(right) = node.child_by_field_name("right") {
                    self.visit(right, context);
                }
            }
            "named_expression" => {
                if let (Some(name), Some(value)) = (
                    node.child_by_field_name("name"),
                    node.child_by_field_name("value"),
                ) {
                    self.bind(context, name, node.start_byte(), BindingValue::Expr(value));
                    self.visit(value, context);
                }
            }
            "decorated_definition" => {
                let mut cursor = node.walk();
                let decorators: Vec<Node<'t>> = node
                    .named_children(&mut cursor)
                    .filter(|child| child.kind() == "decorator")
                    .collect();
                let is_static = decorators.iter().any(|decorator| {
                    self.text(*decorator).contains("staticmethod")
                        || self.text(*decorator).contains("classmethod")
                });
                for decorator in decorators {
                    self.visit_children(decorator, context);
                }
                if let Some(definition) = node.child_by_field_name("definition") {
                    match definition.kind() {
                        "function_definition" => {
                            self.function(definition, context, node.start_byte(), is_static)
                        }
                        _ => self.class(definition, context, node.start_byte()),
                    }
                }
            }
            "function_definition" => self.function(node, context, node.start_byte(), false),
            "class_definition" => self.class(node, context, node.start_byte()),
            "lambda" => {
                let scope = self.facts.add_scope(
                    ScopeKind::Function,
                    Some(context.scope),
                    node.byte_range(),
                );
                let inner = Context {
                    scope,
                    class: None,
                    receiver: None,
                    function: node.byte_range(),
                    dominant: true,
                };
                if let Some(parameters) = node.child_by_field_name("parameters") {
                    self.parameters(parameters, context, &inner, None);
                }
                if let Some(body) = node.child_by_field_name("body") {
                    self.visit(body, &inner);
                }
            }
            "list_comprehension"
            | "set_comprehension"
            | "dictionary_comprehension"
            | "generator_expression" => {
                let scope = self.facts.add_scope(
                    ScopeKind::Function,
                    Some(context.scope),
                    node.byte_range(),
                );
                let inner = Context {
                    scope,
                    dominant: false,
                    ..context.clone()
                };
                let mut cursor = node.walk();
                let children: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
                for child in children {
                    if child.kind() == "for_in_clause" {
                        if let Some(left) = child.child_by_field_name("left") {
                            self.bind_targets(left, &inner, node.start_byte());
                        }
                        if let Some(right) = child.child_by_field_name("right") {
                            self.visit(right, &inner);
                        }
                    } else {
                        self.visit(child, &inner);
                    }
                }
            }
            "for_statement" => {
                let nested = Context {
                    dominant: false,
                    ..context.clone()
                };
                if let Some(left) = node.child_by_field_name("left") {
                    self.bind_targets(left, &nested, node.start_byte());
                }
                for field in ["right", "body", "alternative"] {
                    if let Some(child) = node.child_by_field_name(field) {
                        self.visit(child, &nested);
                    }
                }
            }
            "if_statement" | "while_statement" | "try_statement" | "match_statement"
            | "elif_clause" | "else_clause" | "finally_clause" | "case_clause" => {
                let nested = Context {
                    dominant: false,
                    ..context.clone()
                };
                self.visit_children(node, &nested);
            }
            "except_clause" => {
                let nested = Context {
                    dominant: false,
                    ..context.clone()
                };
                if let Some(alias) = node.child_by_field_name("alias") {
                    if alias.kind() == "identifier" {
                        self.bind(&nested, alias, node.start_byte(), BindingValue::Unknown);
                    }
                }
                let mut cursor = node.walk();
                let children: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
                for child in children {
                    if Some(child) != node.child_by_field_name("alias") {
                        self.visit(child, &nested);
                    }
                }
            }
            "with_item" => {
                if let Some(value) = node.child_by_field_name("value") {
                    if value.kind() == "as_pattern" {
                        if let Some(expression) = value.named_child(0) {
                            self.visit(expression, context);
                        }
                        if let Some(target) = value.child_by_field_name("alias") {
                            self.bind_targets(target, context, node.start_byte());
                        }
                    } else {
                        self.visit(value, context);
                    }
                }
            }
            "global_statement" => {
                let mut cursor = node.walk();
                let names: Vec<String> = node
                    .named_children(&mut cursor)
                    .map(|name| self.text(name).to_string())
                    .collect();
                match self
                    .globals
                    .iter_mut()
                    .find(|(scope, _)| *scope == context.scope)
                {
                    Some((_, set)) => set.extend(names),
                    None => self
                        .globals
                        .push((context.scope, names.into_iter().collect())),
                }
            }
            "nonlocal_statement" => {}
            "keyword_argument" => {
                if let Some(value) = node.child_by_field_name("value") {
                    self.visit(value, context);
                }
            }
            "call" => self.call(node, context),
            "subscript" => {
                self.key_subscript(node);
                self.visit_children(node, context);
            }
            "identifier" => self.expression(node, context),
            "attribute" => {
                self.expression(node, context);
                if let Some(object) = node.child_by_field_name("object") {
                    self.visit(object, context);
                }
            }
            _ => self.visit_children(node, context),
        }
    }

    /// Records a name, attribute, call or subscript in expression position.
    fn expression(&mut self, node: Node<'t>, _context: &Context) {
        if node.kind() == "identifier" {
            self.facts.name_reads.push(node);
        }
        let parent = self.parents.of(node);
        let kind = use_kind(node, parent, &self.parents, self.source);
        self.facts.uses.push(UseSite { node, kind });
        let is_object_of_attribute = parent.is_some_and(|p| {
            p.kind() == "attribute" && p.child_by_field_name("object") == Some(node)
        });
        // `credentials.token.get("access_token")` reads a key of `credentials.token`, as
        // `credentials.token["access_token"]` does: the chain before `.get` is a reference too.
        let read_with_get =
            node.kind() == "attribute" && is_read_with_get(node, &self.parents, self.source);
        if matches!(node.kind(), "identifier" | "attribute")
            && (!is_object_of_attribute || read_with_get)
        {
            let called = parent.is_some_and(|p| {
                p.kind() == "call" && p.child_by_field_name("function") == Some(node)
            });
            self.facts.references.push(ReferenceSite { node, called });
        }
    }

    fn import(&mut self, node: Node<'t>, context: &Context) {
        let mut cursor = node.walk();
        let names: Vec<Node<'t>> = node.children_by_field_name("name", &mut cursor).collect();
        let count = names.len();
        for name in names {
            let (module_node, alias) = match name.kind() {
                "aliased_import" => (
                    name.child_by_field_name("name"),
                    name.child_by_field_name("alias"),
                ),
                _ => (Some(name), None),
            };
            let Some(module_node) = module_node else {
                continue;
            };
            let module = dotted(self.text(module_node));
            let binding = match alias {
                Some(alias) => self.bind(
                    context,
                    alias,
                    node.start_byte(),
                    BindingValue::Import(module.clone()),
                ),
                None => {
                    let first = module_node.named_child(0).unwrap_or(module_node);
                    let root = dotted(self.text(first));
                    self.bind(
                        context,
                        first,
                        node.start_byte(),
                        BindingValue::Import(root),
                    )
                }
            };
            self.facts.bindings[binding].import_statement = Some(node.byte_range());
            self.facts.imports.push(ImportSite {
                module,
                range: if count == 1 {
                    node.byte_range()
                } else {
                    name.byte_range()
                },
                statement: node.byte_range(),
                names: vec![ImportedName {
                    binding,
                    range: name.byte_range(),
                }],
                statement_names: count,
                submodules: Vec::new(),
            });
        }
    }

    fn import_from(&mut self, node: Node<'t>, context: &Context) {
        let Some(module_node) = node.child_by_field_name("module_name") else {
            return;
        };
        let relative = module_node.kind() == "relative_import";
        let module = dotted(self.text(module_node));
        let mut cursor = node.walk();
        let mut star = false;
        for child in node.named_children(&mut cursor) {
            if child.kind() == "wildcard_import" {
                star = true;
            }
        }
        if star && !relative {
            self.facts.scopes[context.scope]
                .star_imports
                .push(module.clone());
        }
        let mut cursor = node.walk();
        let names: Vec<Node<'t>> = node.children_by_field_name("name", &mut cursor).collect();
        let count = names.len();
        let mut imported = Vec::new();
        let mut submodules = Vec::new();
        for name in names {
            let (member, local) = match name.kind() {
                "aliased_import" => (
                    name.child_by_field_name("name"),
                    name.child_by_field_name("alias"),
                ),
                _ => (Some(name), Some(name)),
            };
            let (Some(member), Some(local)) = (member, local) else {
                continue;
            };
            let value = if relative {
                BindingValue::Unknown
            } else {
                let qualified = format!("{module}.{}", dotted(self.text(member)));
                submodules.push(qualified.clone());
                BindingValue::Import(qualified)
            };
            let binding = self.bind(context, local, node.start_byte(), value);
            self.facts.bindings[binding].import_statement = Some(node.byte_range());
            imported.push(ImportedName {
                binding,
                range: name.byte_range(),
            });
        }
        if !relative {
            self.facts.imports.push(ImportSite {
                module,
                range: node.byte_range(),
                statement: node.byte_range(),
                names: imported,
                statement_names: count,
                submodules,
            });
        }
    }

    fn assignment(&mut self, node: Node<'t>, context: &Context) {
        let left = node.child_by_field_name("left");
        let right = node.child_by_field_name("right");
        // `a = b = value`: every target gets the innermost value.
        let mut value = right;
        while let Some(inner) = value.filter(|v| v.kind() == "assignment") {
            value = inner.child_by_field_name("right");
        }
        let statement = statement_of(self.root, node);
        if let Some(left) = left {
            match (left.kind(), value) {
                ("identifier", Some(value)) => {
                    self.bind(context, left, statement.start, BindingValue::Expr(value));
                    if let Some(class) = context.class {
                        let name = self.text(left).to_string();
                        self.facts.add_attribute(
                            class,
                            name,
                            AttributeAssignment {
                                value,
                                statement: statement.clone(),
                                scope: context.scope,
                            },
                        );
                    }
                }
                ("attribute", Some(value)) => {
                    self.attribute_assignment(left, value, statement.clone(), context);
                    self.visit(left, context);
                }
                (_, None) => {}
                _ => {
                    self.bind_targets(left, context, statement.start);
                    if left.kind() != "identifier" {
                        self.visit_children(left, context);
                    }
                }
            }
        }
        if let Some(right) = right {
            self.visit(right, context);
        }
    }

    fn attribute_assignment(
        &mut self,
        left: Node<'t>,
        value: Node<'t>,
        statement: Range<usize>,
        context: &Context,
    ) {
        let (Some(object), Some(attribute)) = (
            left.child_by_field_name("object"),
            left.child_by_field_name("attribute"),
        ) else {
            return;
        };
        if let Some((receiver, class)) = &context.receiver {
            if object.kind() == "identifier" && self.text(object) == receiver {
                let name = self.text(attribute).to_string();
                self.facts.add_attribute(
                    *class,
                    name,
                    AttributeAssignment {
                        value,
                        statement,
                        scope: context.scope,
                    },
                );
            }
        }
    }

    /// Binds every name in an assignment target to an unknown value.
    /// Binds the names an assignment target declares, unless it is nested too deep.
    fn bind_targets(&mut self, target: Node<'t>, context: &Context, position: usize) {
        if self.facts.nesting.enter(target) {
            self.bind_target_node(target, context, position);
            self.facts.nesting.leave();
        }
    }

    fn bind_target_node(&mut self, target: Node<'t>, context: &Context, position: usize) {
        if target.kind() == "identifier" {
            self.bind(context, target, position, BindingValue::Unknown);
            return;
        }
        if matches!(target.kind(), "attribute" | "subscript") {
            self.visit(target, context);
            return;
        }
        let mut cursor = target.walk();
        let children: Vec<Node<'t>> = target.named_children(&mut cursor).collect();
        for child in children {
            self.bind_targets(child, context, position);
        }
    }

    fn function(&mut self, node: Node<'t>, context: &Context, position: usize, is_static: bool) {
        if let Some(name) = node.child_by_field_name("name") {
            self.bind(context, name, position, BindingValue::Unknown);
        }
        let (Some(parameters), Some(body)) = (
            node.child_by_field_name("parameters"),
            node.child_by_field_name("body"),
        ) else {
            return;
        };
        let range = parameters.start_byte()..body.end_byte();
        let scope = self
            .facts
            .add_scope(ScopeKind::Function, Some(context.scope), range.clone());
        let mut inner = Context {
            scope,
            class: None,
            receiver: None,
            function: node.byte_range(),
            dominant: true,
        };
        let method_of = if is_static { None } else { context.class };
        let receiver = self.parameters(parameters, context, &inner, method_of);
        inner.receiver = receiver;
        if let Some(return_type) = node.child_by_field_name("return_type") {
            self.visit(return_type, context);
        }
        self.visit(body, &inner);
    }

    /// Binds parameters in `inner`; defaults and annotations are read in `outer`. Returns the
    /// receiver parameter when `method_of` names the class.
    fn parameters(
        &mut self,
        parameters: Node<'t>,
        outer: &Context,
        inner: &Context,
        method_of: Option<usize>,
    ) -> Option<(String, usize)> {
        let mut receiver = None;
        let mut cursor = parameters.walk();
        let children: Vec<Node<'t>> = parameters.named_children(&mut cursor).collect();
        for (index, parameter) in children.into_iter().enumerate() {
            let name = match parameter.kind() {
                "identifier" => Some(parameter),
                "default_parameter" | "typed_default_parameter" => {
                    if let Some(value) = parameter.child_by_field_name("value") {
                        self.visit(value, outer);
                    }
                    parameter.child_by_field_name("name")
                }
                "typed_parameter" => parameter
                    .named_child(0)
                    .filter(|n| n.kind() == "identifier"),
                "list_splat_pattern" | "dictionary_splat_pattern" => parameter.named_child(0),
                _ => None,
            };
            let Some(name) = name.filter(|n| n.kind() == "identifier") else {
                continue;
            };
            let value = match method_of {
                Some(class) if index == 0 => {
                    receiver = Some((self.text(name).to_string(), class));
                    BindingValue::SelfParam(class)
                }
                _ => BindingValue::Unknown,
            };
            self.bind(inner, name, parameters.start_byte(), value);
        }
        receiver
    }

    fn class(&mut self, node: Node<'t>, context: &Context, position: usize) {
        let Some(name) = node.child_by_field_name("name") else {
            return;
        };
        self.bind(context, name, position, BindingValue::Unknown);
        if let Some(superclasses) = node.child_by_field_name("superclasses") {
            self.visit(superclasses, context);
        }
        let Some(body) = node.child_by_field_name("body") else {
            return;
        };
        let bases = node
            .child_by_field_name("superclasses")
            .map(|list| {
                let mut cursor = list.walk();
                list.named_children(&mut cursor)
                    .filter(|base| base.kind() == "identifier")
                    .map(|base| self.text(base).to_string())
                    .collect()
            })
            .unwrap_or_default();
        self.facts.classes.push(Class {
            name: self.text(name).to_string(),
            bases,
            ..Class::default()
        });
        let class = self.facts.classes.len() - 1;
        let scope = self
            .facts
            .add_scope(ScopeKind::Class, Some(context.scope), body.byte_range());
        let inner = Context {
            scope,
            class: Some(class),
            receiver: None,
            function: context.function.clone(),
            dominant: true,
        };
        self.visit(body, &inner);
    }

    fn call(&mut self, node: Node<'t>, context: &Context) {
        let Some(function) = node.child_by_field_name("function") else {
            return;
        };
        let receiver = (function.kind() == "attribute")
            .then(|| function.child_by_field_name("object"))
            .flatten();
        let mut arguments = Vec::new();
        if let Some(list) = node.child_by_field_name("arguments") {
            if list.kind() == "generator_expression" {
                arguments.push(Argument {
                    keyword: None,
                    value: list,
                    splat: false,
                });
            } else {
                let mut cursor = list.walk();
                for argument in list.named_children(&mut cursor) {
                    match argument.kind() {
                        "keyword_argument" => {
                            if let (Some(name), Some(value)) = (
                                argument.child_by_field_name("name"),
                                argument.child_by_field_name("value"),
                            ) {
                                arguments.push(Argument {
                                    keyword: Some(self.text(name).to_string()),
                                    value,
                                    splat: false,
                                });
                            }
                        }
                        "list_splat" | "dictionary_splat" => arguments.push(Argument {
                            keyword: None,
                            value: argument,
                            splat: true,
                        }),
                        "comment" => {}
                        _ => arguments.push(Argument {
                            keyword: None,
                            value: argument,
                            splat: false,
                        }),
                    }
                }
            }
        }
        // `result.get("key")` reads a key.
        if let (Some(object), "attribute") = (receiver, function.kind()) {
            let method = function
                .child_by_field_name("attribute")
                .map(|a| self.text(a));
            if method == Some("get") {
                if let Some(first) = arguments
                    .first()
                    .filter(|a| a.keyword.is_none() && !a.splat)
                {
                    if let Some(key) = key_of(first.value, self.source) {
                        self.facts.key_reads.push(KeyRead { node, object, key });
                    }
                }
            }
        }
        self.facts.calls.push(CallSite {
            node,
            callee: function,
            receiver,
            arguments,
        });
        self.expression(node, context);
        self.visit_children(node, context);
    }

    fn key_subscript(&mut self, node: Node<'t>) {
        let (Some(object), Some(index)) = (
            node.child_by_field_name("value"),
            node.child_by_field_name("subscript"),
        ) else {
            return;
        };
        if let Some(key) = key_of(index, self.source) {
            self.facts.key_reads.push(KeyRead { node, object, key });
        }
    }
}

/// True when `node` is the object of a `.get(key)` call that reads a key of it.
fn is_read_with_get<'t>(node: Node<'t>, parents: &Parents<'t>, source: &str) -> bool {
    let Some(attribute) = parents.of(node) else {
        return false;
    };
    let is_get = attribute
        .child_by_field_name("attribute")
        .is_some_and(|name| &source[name.byte_range()] == "get");
    let call = parents.of(attribute).filter(|call| {
        call.kind() == "call" && call.child_by_field_name("function") == Some(attribute)
    });
    let first = call
        .and_then(|call| call.child_by_field_name("arguments"))
        .and_then(|arguments| arguments.named_child(0));
    is_get && first.is_some_and(|argument| key_of(argument, source).is_some())
}

/// How the expression `node` is used by its parent.
fn use_kind<'t>(
    mut node: Node<'t>,
    mut parent: Option<Node<'t>>,
    parents: &Parents<'t>,
    source: &str,
) -> UseKind {
    // Parentheses and `await` pass the value on: the use is the wrapper's.
    while let Some(wrapper) =
        parent.filter(|p| matches!(p.kind(), "parenthesized_expression" | "await"))
    {
        node = wrapper;
        parent = parents.of(wrapper);
    }
    let Some(parent) = parent else {
        return UseKind::Escape;
    };
    let is_field = |field: &str| parent.child_by_field_name(field) == Some(node);
    match parent.kind() {
        "attribute" if is_field("object") => UseKind::Receiver,
        "call" if is_field("function") => UseKind::Receiver,
        "subscript" if is_field("value") => {
            match parent
                .child_by_field_name("subscript")
                .and_then(|s| key_of(s, source))
            {
                Some(_) => UseKind::KeyRead,
                None => UseKind::Escape,
            }
        }
        "assignment" if is_field("right") => {
            match parent.child_by_field_name("left").map(|l| l.kind()) {
                Some("identifier" | "attribute") => UseKind::Alias,
                _ => UseKind::Escape,
            }
        }
        "assignment" if is_field("left") => UseKind::Alias,
        "expression_statement" => UseKind::Alias,
        "comparison_operator" | "not_operator" => UseKind::Test,
        "if_statement" | "elif_clause" | "while_statement" if is_field("condition") => {
            UseKind::Test
        }
        // `a if condition else b`: the condition is the second named child.
        "conditional_expression" if parent.named_child(1) == Some(node) => UseKind::Test,
        _ => UseKind::Escape,
    }
}

/// The key of a subscript or `.get()` argument: a string literal, or a name or attribute
/// that may be a known constant.
fn key_of<'t>(node: Node<'t>, source: &str) -> Option<Key<'t>> {
    match node.kind() {
        "identifier" | "attribute" => Some(Key::Expression(node)),
        _ => string_literal(node, source).map(|(key, range)| Key::Literal(key, range)),
    }
}

/// The statement that contains `node` (the nearest ancestor that is a statement).
pub(super) fn statement_of<'t>(root: Node<'t>, node: Node<'t>) -> Range<usize> {
    super::innermost_child_of(root, node, |kind| matches!(kind, "block" | "module"))
        .unwrap_or(node)
        .byte_range()
}

/// A dotted name with any internal whitespace removed (`adal . constants` is legal).
fn dotted(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '\\')
        .collect()
}
