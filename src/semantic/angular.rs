//! Angular and AngularJS, as far as their templates need them: which template an Angular
//! component's `@Component` decorator names and what its template's names hold, and which
//! AngularJS modules a script declares with which dependencies.
//!
//! A component's template reads the component's members by name (`adalService.login()` is
//! `this.adalService.login()`), so the names of a template are the members of its class
//! whose values this file can tell: a service injected by its type (`constructor(private
//! adalService: AdalService)`), a field assigned from one (`this.user =
//! this.adalService.userInfo`). Objects lose their origin: a template is another file, which
//! never rewrites the call that made them.

use std::collections::HashMap;
use std::ops::Range;

use tree_sitter::Node;

use super::{Model, Value, javascript};

/// The decorator that makes a class an Angular component.
const COMPONENT: &str = "@angular/core:Component";

/// What a template's names hold: member names and their values.
pub(crate) type TemplateScope = HashMap<String, Value>;

/// Where a component's template is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ComponentTemplate {
    /// `templateUrl: './app.component.html'`: a path relative to the component's file.
    Url(String),
    /// `template: \`...\``: the text of the string literal (quotes excluded).
    Inline(Range<usize>),
}

/// An Angular component of this file.
#[derive(Clone, Debug)]
pub(crate) struct Component {
    pub(crate) template: ComponentTemplate,
    pub(crate) scope: TemplateScope,
}

/// `angular.module('todoApp', ['ngRoute', 'AdalAngular'])`: an AngularJS module and the
/// modules it depends on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ModuleDeclaration {
    pub(crate) name: String,
    pub(crate) dependencies: Vec<String>,
}

impl<'t> Model<'t> {
    /// The Angular components this file declares (classes decorated with `@Component` of
    /// `@angular/core`), with the template each names.
    pub(crate) fn components(&self) -> Vec<Component> {
        let mut components = Vec::new();
        for (class, definition) in self.facts.classes.iter().enumerate() {
            let Some(options) = definition
                .decorators
                .iter()
                .find_map(|decorator| self.component_options(*decorator))
            else {
                continue;
            };
            let templates = self.template_options(options);
            if templates.is_empty() {
                continue;
            }
            let scope = self.class_scope(class);
            components.extend(templates.into_iter().map(|template| Component {
                template,
                scope: scope.clone(),
            }));
        }
        components
    }

    /// The object literal of `@Component({...})`, when the decorator is Angular's.
    fn component_options(&self, decorator: Node<'t>) -> Option<Node<'t>> {
        let call = decorator
            .named_child(0)
            .filter(|c| c.kind() == "call_expression")?;
        let callee = call.child_by_field_name("function")?;
        if self.evaluate(callee) != Value::Symbol(COMPONENT.to_string()) {
            return None;
        }
        let arguments = call.child_by_field_name("arguments")?;
        let mut cursor = arguments.walk();
        let options = arguments
            .named_children(&mut cursor)
            .find(|a| a.kind() != "comment")?;
        (options.kind() == "object").then_some(options)
    }

    /// `templateUrl` and `template` of a component's options.
    fn template_options(&self, options: Node<'t>) -> Vec<ComponentTemplate> {
        let mut templates = Vec::new();
        let mut cursor = options.walk();
        for pair in options.named_children(&mut cursor) {
            if pair.kind() != "pair" {
                continue;
            }
            let (Some(key), Some(value)) = (
                pair.child_by_field_name("key"),
                pair.child_by_field_name("value"),
            ) else {
                continue;
            };
            let key = match javascript::string_literal(key, self.source) {
                Some((text, _)) => text,
                None => self.text(key).to_string(),
            };
            match key.as_str() {
                "templateUrl" => {
                    if let Some((url, _)) = javascript::string_literal(value, self.source) {
                        templates.push(ComponentTemplate::Url(url));
                    }
                }
                "template" if matches!(value.kind(), "string" | "template_string") => {
                    let range = value.byte_range();
                    if range.len() >= 2 {
                        templates.push(ComponentTemplate::Inline(range.start + 1..range.end - 1));
                    }
                }
                _ => {}
            }
        }
        templates
    }

    /// The members of a class whose values this file can tell, by name.
    fn class_scope(&self, class: usize) -> TemplateScope {
        let mut names: Vec<&String> = self.facts.classes[class].declared.keys().collect();
        let mut pending = vec![class];
        let mut seen = Vec::new();
        while let Some(current) = pending.pop() {
            if seen.contains(&current) {
                continue;
            }
            seen.push(current);
            let definition = &self.facts.classes[current];
            names.extend(definition.attributes.keys());
            names.extend(definition.getters.keys());
            pending.extend(
                self.facts
                    .classes
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| definition.bases.contains(&c.name))
                    .map(|(id, _)| id),
            );
        }
        names.sort();
        names.dedup();
        names
            .into_iter()
            .filter_map(|name| {
                let value = match self.member(&Value::SelfOf(class), name, 0) {
                    Value::Unknown => self.getter_value(class, name),
                    value => value,
                };
                let value = match value {
                    Value::Object { of, .. } => Value::Object { of, origin: None },
                    symbol @ Value::Symbol(_) => symbol,
                    _ => return None,
                };
                Some((name.clone(), value))
            })
            .collect()
    }

    /// What a getter of the class (or of a class of this file it derives from) returns.
    fn getter_value(&self, class: usize, name: &str) -> Value {
        let mut pending = vec![class];
        let mut seen = Vec::new();
        while let Some(current) = pending.pop() {
            if seen.contains(&current) {
                continue;
            }
            seen.push(current);
            let definition = &self.facts.classes[current];
            if let Some(&value) = definition.getters.get(name) {
                return self.evaluate(value);
            }
            pending.extend(
                self.facts
                    .classes
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| definition.bases.contains(&c.name))
                    .map(|(id, _)| id),
            );
        }
        Value::Unknown
    }

    /// The AngularJS modules this file declares with a list of dependencies.
    pub(crate) fn angularjs_modules(&self) -> Vec<ModuleDeclaration> {
        let mut modules = Vec::new();
        for call in &self.facts.calls {
            if self.text(call.callee) != "angular.module" {
                continue;
            }
            let [name, dependencies, ..] = call.arguments.as_slice() else {
                continue;
            };
            let Some((name, _)) = javascript::string_literal(name.value, self.source) else {
                continue;
            };
            if dependencies.value.kind() != "array" {
                continue;
            }
            let mut cursor = dependencies.value.walk();
            let dependencies = dependencies
                .value
                .named_children(&mut cursor)
                .filter_map(|d| javascript::string_literal(d, self.source).map(|(s, _)| s))
                .collect();
            modules.push(ModuleDeclaration { name, dependencies });
        }
        modules
    }
}
