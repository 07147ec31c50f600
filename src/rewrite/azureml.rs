//! Azure ML SDK v1's workspace object rewritten to SDK v2's `MLClient` (`fix.uses =
//! "azureml-workspace"`), all or nothing per workspace object.
//!
//! The call that makes the workspace (`Workspace(...)`, `Workspace.from_config(...)`,
//! `Workspace.get(...)`) becomes an `MLClient` built from the same values, its `auth` the
//! client's `credential` (an authentication object made in this file is rewritten to an
//! `azure-identity` credential by its own rule's fix, which then applies together with this
//! one; none passed becomes `DefaultAzureCredential()`). Every use of the object must have a
//! v2 equivalent, each rewritten in place: the attributes `name`, `subscription_id`,
//! `resource_group`, the methods `get_default_datastore()` and `get_mlflow_tracking_uri()`,
//! and the lookups that take the workspace (`Datastore.get`, `ComputeTarget`,
//! `Environment.get`, `Model`, `Dataset.get_by_name`) become the client's operations. Any
//! other use (an experiment, a run configuration, a pipeline, an unknown function it is
//! passed to, a `return`) keeps the whole fix display-only, and the reason lists those uses.
//! The v2 names and signatures are those of `azure-ai-ml` 1.35.2 (`docs/azureml-v1-to-v2.md`).

use std::collections::HashMap;
use std::ops::Range;

use tree_sitter::Node;

use super::{Draft, Match, preferred_quote};
use crate::check::bind_arguments;
use crate::fix::Edit;
use crate::imports;
use crate::rule::{FixTarget, ImportDef, UsesRecipe};
use crate::semantic::{CallSite, Model, ScopeKind, UseKind, Value};
use crate::source::SourceText;

/// The SDK v1 to v2 migration guide, named in every reason that leaves work by hand.
const MIGRATION_PAGE: &str =
    "https://learn.microsoft.com/azure/machine-learning/how-to-migrate-from-v1";

/// The three ways SDK v1 makes a workspace object.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Constructor {
    /// `Workspace(subscription_id, resource_group, workspace_name, auth=...)`.
    New,
    /// `Workspace.from_config(path=None, auth=None, _logger=None, _file_name=None)`.
    FromConfig,
    /// `Workspace.get(name, auth=None, subscription_id=None, resource_group=None, ...)`.
    Get,
}

impl Constructor {
    fn of(symbol: &str) -> Option<Constructor> {
        match symbol {
            "azureml.core.Workspace" => Some(Constructor::New),
            "azureml.core.Workspace.from_config" => Some(Constructor::FromConfig),
            "azureml.core.Workspace.get" => Some(Constructor::Get),
            _ => None,
        }
    }

    /// SDK v1's parameter → the `MLClient` keyword it becomes (`None`: no equivalent).
    fn keyword(self, parameter: &str) -> Option<&'static str> {
        match (self, parameter) {
            (_, "auth") => Some("credential"),
            (Constructor::New | Constructor::Get, "subscription_id") => Some("subscription_id"),
            (Constructor::New | Constructor::Get, "resource_group") => Some("resource_group_name"),
            (Constructor::New, "workspace_name") | (Constructor::Get, "name") => {
                Some("workspace_name")
            }
            (Constructor::FromConfig, "path") => Some("path"),
            (Constructor::FromConfig, "_file_name") => Some("file_name"),
            _ => None,
        }
    }

    fn callee(self) -> &'static str {
        match self {
            Constructor::FromConfig => "MLClient.from_config",
            Constructor::New | Constructor::Get => "MLClient",
        }
    }
}

/// The lookups of SDK v1 that take the workspace, and the `MLClient` operation each becomes.
#[derive(Clone, Copy)]
enum Lookup {
    Datastore,
    Compute,
    Environment,
    Model,
    Dataset,
}

impl Lookup {
    fn of(symbol: &str) -> Option<Lookup> {
        match symbol {
            "azureml.core.Datastore.get" | "azureml.core.datastore.Datastore.get" => {
                Some(Lookup::Datastore)
            }
            "azureml.core.compute.ComputeTarget"
            | "azureml.core.ComputeTarget"
            | "azureml.core.compute.compute.ComputeTarget" => Some(Lookup::Compute),
            "azureml.core.Environment.get" | "azureml.core.environment.Environment.get" => {
                Some(Lookup::Environment)
            }
            "azureml.core.Model" | "azureml.core.model.Model" => Some(Lookup::Model),
            "azureml.core.Dataset.get_by_name" | "azureml.core.dataset.Dataset.get_by_name" => {
                Some(Lookup::Dataset)
            }
            _ => None,
        }
    }

    /// SDK v1's parameters, in order.
    fn parameters(self) -> &'static [&'static str] {
        match self {
            Lookup::Datastore => &["workspace", "datastore_name"],
            Lookup::Compute => &["workspace", "name"],
            Lookup::Environment => &["workspace", "name", "version", "label"],
            Lookup::Model => &["workspace", "name", "id", "tags", "properties", "version"],
            Lookup::Dataset => &["workspace", "name", "version"],
        }
    }

    /// The `MLClient` operations attribute.
    fn operations(self) -> &'static str {
        match self {
            Lookup::Datastore => "datastores",
            Lookup::Compute => "compute",
            Lookup::Environment => "environments",
            Lookup::Model => "models",
            Lookup::Dataset => "data",
        }
    }

    /// The name parameter.
    fn name(self) -> &'static str {
        match self {
            Lookup::Datastore => "datastore_name",
            _ => "name",
        }
    }

    /// Whether the operation takes a version (or the `latest` label, SDK v1's default).
    fn versioned(self) -> bool {
        matches!(self, Lookup::Environment | Lookup::Model | Lookup::Dataset)
    }
}

/// The fixes of the workspace findings of a file, by index into `matches`, for the rules
/// whose recipe names `uses = "azureml-workspace"`.
pub(super) fn drafts(
    model: &Model<'_>,
    source: &SourceText,
    matches: &[Match<'_, '_>],
    target: FixTarget,
) -> HashMap<usize, Draft> {
    matches
        .iter()
        .enumerate()
        .filter_map(|(index, found)| {
            let recipe = found.rule.recipe(target)?;
            (recipe.uses == Some(UsesRecipe::AzuremlWorkspace)).then_some(())?;
            let (call, _) = found.call.as_ref()?;
            Some((index, workspace_draft(model, source, call)?))
        })
        .collect()
}

fn workspace_draft(model: &Model<'_>, source: &SourceText, call: &CallSite<'_>) -> Option<Draft> {
    let Value::Symbol(symbol) = model.evaluate(call.callee) else {
        return None;
    };
    let constructor = Constructor::of(&symbol)?;
    let parameters: &[&str] = match constructor {
        Constructor::New => &[
            "subscription_id",
            "resource_group",
            "workspace_name",
            "auth",
            "_location",
            "_disable_service_check",
            "_workspace_id",
            "sku",
            "tags",
            "_cloud",
        ],
        Constructor::FromConfig => &["path", "auth", "_logger", "_file_name"],
        Constructor::Get => &[
            "name",
            "auth",
            "subscription_id",
            "resource_group",
            "location",
            "cloud",
            "id",
        ],
    };
    let owned: Vec<String> = parameters.iter().map(|p| p.to_string()).collect();
    let bound = bind_arguments(model.source, call, &owned);
    if bound.has_splat {
        return None;
    }
    let quote = preferred_quote(model.source);
    let mut edits = vec![Edit::replace(
        call.callee.byte_range(),
        constructor.callee().to_string(),
    )];
    let mut blockers = Vec::new();
    let mut requires = Vec::new();
    let mut needs_default_credential = false;
    for unbound in &bound.unbound {
        blockers.push(format!(
            "`{}` has no `MLClient` equivalent",
            first_line(model.text(*unbound))
        ));
    }
    // With no `auth`, the client gets `DefaultAzureCredential()` as its first argument.
    let auth = bound
        .values
        .get("auth")
        .copied()
        .filter(|a| model.text(*a) != "None");
    let open = call.node.child_by_field_name("arguments")?.start_byte() + 1;
    let mut default_credential = auth.is_none().then(|| {
        needs_default_credential = true;
        if call.arguments.is_empty() {
            "credential=DefaultAzureCredential()".to_string()
        } else {
            "credential=DefaultAzureCredential(), ".to_string()
        }
    });
    // Arguments become keywords, so their order no longer matters.
    let mut names: Vec<&String> = bound.values.keys().collect();
    names.sort();
    for name in names {
        let value = bound.values[name];
        if model.text(value) == "None" {
            continue;
        }
        let Some(keyword) = constructor.keyword(name) else {
            blockers.push(format!("`{name}` has no `MLClient` equivalent"));
            continue;
        };
        match value.parent().filter(|p| p.kind() == "keyword_argument") {
            Some(argument) => {
                let key = argument.child_by_field_name("name")?;
                if model.text(key) != keyword {
                    edits.push(Edit::replace(key.byte_range(), keyword.to_string()));
                }
            }
            None => {
                // One insertion where the credential goes too (`MLClient(credential=...,
                // workspace_name="ws", ...)`), so their order is fixed.
                let prefix = if value.start_byte() == open {
                    default_credential.take().unwrap_or_default()
                } else {
                    String::new()
                };
                edits.push(Edit::insert(
                    value.start_byte(),
                    format!("{prefix}{keyword}="),
                ));
            }
        }
    }
    if let Some(text) = default_credential {
        edits.push(Edit::insert(open, text));
    }
    if let Some(auth) = auth {
        match credential_origin(model, auth) {
            Ok(origin) => requires.push(origin),
            Err(reason) => blockers.push(reason),
        }
    }
    if constructor == Constructor::Get {
        for (name, what) in [
            ("subscription_id", "subscription"),
            ("resource_group", "resource group"),
        ] {
            if !bound.values.contains_key(name) {
                blockers.push(format!(
                    "no `{name}` is passed, and `MLClient` needs the workspace's {what}"
                ));
            }
        }
    }

    let uses = object_uses(model, call.node, quote);
    edits.extend(uses.edits);
    if !uses.unknown.is_empty() {
        blockers.push(format!(
            "the workspace object is also used in ways SDK v2 has no direct equivalent for ({}); migrate them by hand, see {MIGRATION_PAGE}",
            uses.unknown.join(", ")
        ));
    }
    if uses.count == 0 && at_module_level(model, call.node) {
        blockers.push(
            "the workspace is a module-level name this file does not use: other modules may import it and use it as SDK v1's `Workspace`".to_string(),
        );
    }

    let mut added = Vec::new();
    let mut wanted = vec![ImportDef::Member {
        module: "azure.ai.ml".to_string(),
        member: "MLClient".to_string(),
    }];
    if needs_default_credential {
        wanted.push(ImportDef::Member {
            module: "azure.identity".to_string(),
            member: "DefaultAzureCredential".to_string(),
        });
    }
    for import in &wanted {
        match imports::add(model, source, call.callee, import) {
            Ok(Some(edit)) => added.push(edit),
            Ok(None) => {}
            Err(reason) => blockers.push(reason),
        }
    }
    let edits = edits
        .into_iter()
        .map(|e| Edit::replace(e.range.clone(), source.with_newlines(&e.content)))
        .collect();
    blockers.dedup();
    Some(Draft {
        fallback_from: None,
        edits,
        blockers,
        origin: None,
        requires,
        imports: added,
        notes: Vec::new(),
    })
}

/// The call that made the authentication object passed as `auth`: an SDK v1
/// authentication class this file creates, which its own rule rewrites to a credential.
fn credential_origin(model: &Model<'_>, auth: Node<'_>) -> Result<Range<usize>, String> {
    match model.evaluate(auth) {
        Value::Object {
            of,
            origin: Some(origin),
        } if of.starts_with("azureml.core.") && of.ends_with("Authentication") => Ok(origin),
        Value::Object { origin: None, .. } => Err(
            "the `auth` object is created in more than one place, so it cannot be rewritten to a credential with the workspace".to_string(),
        ),
        _ => Err(format!(
            "`auth={}` is not an SDK v1 authentication object this file creates, so it cannot be rewritten to an `azure-identity` credential with the workspace",
            first_line(model.text(auth))
        )),
    }
}

/// What the uses of a workspace object turn into.
#[derive(Default)]
struct Uses {
    edits: Vec<Edit>,
    /// Uses with no v2 equivalent, as code.
    unknown: Vec<String>,
    /// How many uses there are (aliases and tests included).
    count: usize,
}

fn object_uses(model: &Model<'_>, made: Node<'_>, quote: char) -> Uses {
    let origin = made.byte_range();
    let is_made = |node: Node<'_>| matches!(model.evaluate(node), Value::Object { origin: Some(o), .. } if o == origin);
    let mut uses = Uses::default();
    for site in &model.facts.uses {
        if !is_made(site.node) {
            continue;
        }
        if site.node.byte_range() != origin || site.kind != UseKind::Alias {
            uses.count += 1;
        }
        let object = model.text(site.node);
        if site.node.byte_range() == origin && site.kind == UseKind::Escape {
            // `return Workspace.get(...)`, `Datastore.get(Workspace.from_config(), ...)`.
            let statement = model.statement_of(site.node);
            uses.unknown
                .push(format!("`{}`", first_line(&model.source[statement])));
            continue;
        }
        match site.kind {
            UseKind::Alias | UseKind::Test => {}
            UseKind::Receiver => match receiver_use(model, site.node, object) {
                Ok(edit) => uses.edits.extend(edit),
                Err(code) => uses.unknown.push(code),
            },
            UseKind::KeyRead => uses.unknown.push(format!(
                "`{}`",
                first_line(model.text(site.node.parent().unwrap_or(site.node)))
            )),
            UseKind::Escape => match lookup_use(model, site.node, object, quote) {
                Ok(edit) => uses.edits.push(edit),
                Err(code) => uses.unknown.push(code),
            },
        }
    }
    uses.unknown.dedup();
    uses
}

/// `ws.name`, `ws.get_default_datastore()`, ...
fn receiver_use(model: &Model<'_>, node: Node<'_>, object: &str) -> Result<Option<Edit>, String> {
    let Some(attribute) = node
        .parent()
        .filter(|p| p.kind() == "attribute" && p.child_by_field_name("object") == Some(node))
    else {
        return Err(format!("`{}`", first_line(model.text(node))));
    };
    let Some(member) = attribute.child_by_field_name("attribute") else {
        return Err(format!("`{}`", model.text(attribute)));
    };
    let call = attribute
        .parent()
        .filter(|p| p.kind() == "call" && p.child_by_field_name("function") == Some(attribute));
    let no_arguments = |call: Node<'_>| {
        call.child_by_field_name("arguments")
            .is_some_and(|a| a.named_child_count() == 0)
    };
    let rename = |to: &str| Ok(Some(Edit::replace(member.byte_range(), to.to_string())));
    match (model.text(member), call) {
        ("name", None) => rename("workspace_name"),
        ("subscription_id", None) => Ok(None),
        ("resource_group", None) => rename("resource_group_name"),
        ("get_default_datastore", Some(call)) if no_arguments(call) => {
            rename("datastores.get_default")
        }
        ("get_mlflow_tracking_uri", Some(call)) if no_arguments(call) && node.kind() != "call" => {
            Ok(Some(Edit::replace(
                call.byte_range(),
                format!("{object}.workspaces.get({object}.workspace_name).mlflow_tracking_uri"),
            )))
        }
        (_, Some(call)) => Err(format!("`{}`", first_line(model.text(call)))),
        (_, None) => Err(format!("`{}`", model.text(attribute))),
    }
}

/// `Datastore.get(ws, name)`, `ComputeTarget(workspace=ws, name=...)`, ... become the
/// client's operations; anything else the object is passed to, returned by or stored in
/// has no equivalent.
fn lookup_use(
    model: &Model<'_>,
    node: Node<'_>,
    object: &str,
    quote: char,
) -> Result<Edit, String> {
    let range = node.byte_range();
    let Some(call) = model
        .facts
        .calls
        .iter()
        .find(|c| c.arguments.iter().any(|a| a.value.byte_range() == range))
    else {
        let statement = model.statement_of(node);
        return Err(format!("`{}`", first_line(&model.source[statement])));
    };
    let callee = model.text(call.callee);
    let lookup = match model.evaluate(call.callee) {
        Value::Symbol(symbol) => Lookup::of(&symbol),
        _ => None,
    };
    let unknown = || format!("`{}(...)`", first_line(callee));
    let lookup = lookup.ok_or_else(unknown)?;
    let parameters: Vec<String> = lookup.parameters().iter().map(|p| p.to_string()).collect();
    let bound = bind_arguments(model.source, call, &parameters);
    let passed = |name: &str| {
        bound
            .values
            .get(name)
            .copied()
            .filter(|v| model.text(*v) != "None")
    };
    if bound.has_splat
        || !bound.unbound.is_empty()
        || passed("workspace").map(|w| w.byte_range()) != Some(range)
    {
        return Err(unknown());
    }
    let name = passed(lookup.name()).ok_or_else(unknown)?;
    let mut arguments = vec![model.text(name).to_string()];
    for parameter in lookup.parameters() {
        if ["workspace", lookup.name(), "version", "label"].contains(parameter) {
            continue;
        }
        if passed(parameter).is_some() {
            return Err(unknown());
        }
    }
    if lookup.versioned() {
        match (passed("version"), passed("label")) {
            (Some(version), None) => {
                let text = model.text(version);
                let latest = model.string_value(version).as_deref() == Some("latest");
                arguments.push(if latest {
                    format!("label={quote}latest{quote}")
                } else if version.kind() == "integer" {
                    format!("version={quote}{text}{quote}")
                } else if version.kind() == "string" {
                    format!("version={text}")
                } else {
                    format!("version=str({text})")
                });
            }
            (None, Some(label)) => arguments.push(format!("label={}", model.text(label))),
            (None, None) => arguments.push(format!("label={quote}latest{quote}")),
            (Some(_), Some(_)) => return Err(unknown()),
        }
    }
    Ok(Edit::replace(
        call.node.byte_range(),
        format!(
            "{object}.{}.get({})",
            lookup.operations(),
            arguments.join(", ")
        ),
    ))
}

/// True when the call runs at the top level of the module (not inside a function).
fn at_module_level(model: &Model<'_>, node: Node<'_>) -> bool {
    let scope = model.function_of(model.scope_at(node.start_byte()));
    model.facts.scopes[scope].kind == ScopeKind::Module
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default().trim()
}
