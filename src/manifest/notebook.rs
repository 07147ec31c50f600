//! The packages a notebook's IPython lines install (`%pip install adal azureml-core`,
//! `!pip install adal`, `!npm install adal-node`, `%conda install adal`): dependency sites
//! with the same findings and fixes as a requirement line, judged by the notebook's own
//! code (the kernel the line installs into runs that code): the replacement is safe once no
//! code cell imports the retired package any more, and only shown while one does. A
//! `conda` install is replaced in place only from conda-forge (`-c conda-forge`), which
//! publishes the successors.

use std::ops::Range;
use std::path::Path;

use super::dockerfile::command_line;
use super::edit::removal;
use super::project::{Values, diagnostic, successor};
use super::{Channel, normalize, spell};
use crate::diagnostic::Diagnostic;
use crate::exclusion;
use crate::fix::{Applicability, Edit, Fix};
use crate::registry::Selection;
use crate::rule::{DependencyMatch, Matcher, PackageDef, module_matches};

/// The findings of the install commands at `commands` in `text` (a notebook's program),
/// whose code cells import `imports`.
pub(crate) fn install_findings(
    path: &Path,
    text: &str,
    commands: &[Range<usize>],
    imports: &[String],
    selection: &Selection<'_>,
) -> Vec<Diagnostic> {
    let Some(rule) = selection
        .enabled_rules()
        .map(|(_, r)| r)
        .find(|r| matches!(r.matcher, Matcher::Dependency(DependencyMatch::Declared)))
    else {
        return Vec::new();
    };
    let packages = &selection.registry.packages;
    let imports_any = |patterns: &[String]| {
        imports
            .iter()
            .any(|m| patterns.iter().any(|p| module_matches(p, m)))
    };
    let mut out = Vec::new();
    for command in commands {
        let conda = text[command.clone()]
            .split_whitespace()
            .next()
            .is_some_and(|w| matches!(w, "conda" | "mamba" | "micromamba"));
        let channel = if !conda {
            Channel::Registry
        } else if text[command.clone()].contains("conda-forge") {
            Channel::CondaForge
        } else {
            Channel::CondaOther
        };
        let parsed = command_line(text, command.clone());
        for entry in &parsed.entries {
            let Some(ecosystem) = entry.ecosystem else {
                continue;
            };
            let Some(package) = retired(packages, ecosystem, &entry.name) else {
                continue;
            };
            if !package.only_with.is_empty() && !imports_any(&package.only_with) {
                continue;
            }
            let replacement = package.replacement.as_deref().unwrap_or_default();
            let Some(successor) = successor(packages, ecosystem, replacement) else {
                continue;
            };
            let requirement = successor.requirement.as_deref().unwrap_or_default();
            let (applicability, note) = if let Some(directory) =
                exclusion::installed_package_directory(path)
            {
                (
                    Applicability::DisplayOnly,
                    format!("The notebook is inside `{directory}`: another package's."),
                )
            } else if channel == Channel::CondaOther {
                (
                    Applicability::DisplayOnly,
                    format!(
                        "`{}` is published on conda-forge, which this command does not install from: add `-c conda-forge`, or install it with `%pip`.",
                        successor.name
                    ),
                )
            } else if ecosystem == crate::rule::Ecosystem::Npm {
                (
                    Applicability::Unsafe,
                    format!(
                        "The notebook installs `{}` for JavaScript code it does not hold: check that no such code still uses it.",
                        package.name
                    ),
                )
            } else if imports_any(&package.modules) {
                (
                    Applicability::DisplayOnly,
                    format!(
                        "A code cell of the notebook still imports `{}`; replace the install once no cell uses it.",
                        package.name
                    ),
                )
            } else {
                (
                    Applicability::Safe,
                    format!(
                        "No code cell of the notebook imports `{}` any more.",
                        package.name
                    ),
                )
            };
            let already = parsed
                .entries
                .iter()
                .any(|e| normalize(ecosystem, &e.name) == normalize(ecosystem, replacement));
            let (title, edit) = if already {
                (
                    format!("Remove `{}`; `{replacement}` is installed too", entry.name),
                    removal(text, entry.item.clone()),
                )
            } else {
                (
                    format!("Replace `{}` with `{replacement}`", entry.name),
                    Edit::replace(
                        entry.spec.clone(),
                        spell(entry.spelling, replacement, requirement),
                    ),
                )
            };
            let values = Values {
                package: &entry.name,
                replacement: Some(replacement),
                requirement: Some(requirement),
                version: None,
                file: None,
            };
            out.push(diagnostic(
                rule,
                &values,
                entry.spec.clone(),
                Some(Fix::new(title, applicability, note, vec![edit])),
            ));
        }
    }
    out
}

fn retired<'p>(
    packages: &'p [PackageDef],
    ecosystem: crate::rule::Ecosystem,
    name: &str,
) -> Option<&'p PackageDef> {
    let name = normalize(ecosystem, name);
    packages.iter().find(|p| {
        p.replacement.is_some() && p.ecosystem == ecosystem && normalize(ecosystem, &p.name) == name
    })
}
