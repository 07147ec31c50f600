//! Declaring what fixed code now imports: a source file whose fixes in this run added an
//! import of a successor package gets that package declared, once, in the nearest manifest
//! of its ecosystem, unless that directory's manifests already declare it.

use std::collections::BTreeMap;

use super::edit::insertion;
use super::project::{SourceUse, State, Values, diagnostic, successor};
use super::{ManifestKind, Parsed, normalize, parse};
use crate::fix::{Applicability, Fix, FixThreshold, apply_fixes};
use crate::rule::module_matches;
use crate::rule::{PackageDef, Rule};

/// Manifests new declarations may go to, best first: the formats that define the package's
/// install requirements before the ones that pin an environment.
fn preference(state: &State) -> Option<u8> {
    let name = state.path.file_name()?.to_str()?.to_ascii_lowercase();
    Some(match state.kind {
        ManifestKind::Pyproject => 0,
        ManifestKind::SetupCfg => 1,
        ManifestKind::SetupPy => 2,
        ManifestKind::Pipfile => 3,
        ManifestKind::Requirements if name == "requirements.txt" => 4,
        ManifestKind::Requirements if name.contains("constraint") => return None,
        ManifestKind::Requirements => 5,
        ManifestKind::CondaEnvironment => 6,
        ManifestKind::PackageJson => 0,
        ManifestKind::BowerJson
        | ManifestKind::AngularJson
        | ManifestKind::Dockerfile
        | ManifestKind::Lock(_) => return None,
    })
}

pub(super) fn add_successors(
    states: &mut [State],
    rule: &Rule,
    packages: &[PackageDef],
    sources: &[SourceUse<'_>],
    threshold: FixThreshold,
) {
    // (manifest index) → package → the first file that needs it.
    let mut wanted: BTreeMap<usize, BTreeMap<String, String>> = BTreeMap::new();
    for source in sources {
        let new: Vec<&String> = source
            .after
            .iter()
            .filter(|m| !source.before.contains(m))
            .collect();
        for package in packages
            .iter()
            .filter(|p| p.requirement.is_some() && p.ecosystem == source.ecosystem)
        {
            if !new
                .iter()
                .any(|m| package.modules.iter().any(|p| module_matches(p, m)))
            {
                continue;
            }
            let Some(index) = nearest(states, source, package) else {
                continue;
            };
            wanted
                .entry(index)
                .or_default()
                .entry(package.name.clone())
                .or_insert_with(|| source.display.to_string());
        }
    }
    for (index, additions) in wanted {
        let state = &mut states[index];
        let Some(source) = &state.source else {
            continue;
        };
        let newline = source.newline().as_str();
        let mut diagnostics = Vec::new();
        for (name, file) in &additions {
            let Some(package) = successor(packages, state.kind.ecosystem(), name) else {
                continue;
            };
            let requirement = package.requirement.as_deref().unwrap_or_default();
            let Some(parsed) = parse(state.kind, &state.text) else {
                continue;
            };
            let hash_checked = parsed.is_hash_checked();
            let Some(container) = parsed.main else {
                continue;
            };
            let Some((at, edits)) = insertion(&state.text, &container, name, requirement, newline)
            else {
                continue;
            };
            let (applicability, note) = if hash_checked {
                (
                    Applicability::DisplayOnly,
                    format!(
                        "`{file}` imports `{name}` after this run's fixes, and this file pins hashes (`--hash`), which pip requires of every requirement: add `{name}` to the file it is compiled from and regenerate it (`pip-compile --generate-hashes`)."
                    ),
                )
            } else {
                (
                    Applicability::Safe,
                    format!("`{file}` imports `{name}` after this run's fixes."),
                )
            };
            let fix = Fix::new(
                format!("Declare `{name}{requirement}`"),
                applicability,
                note,
                edits,
            );
            let values = Values {
                package: name,
                replacement: None,
                requirement: Some(requirement),
                version: None,
                file: Some(file),
            };
            let found = diagnostic(rule, &values, at..at, Some(fix));
            if threshold.admits(applicability) {
                let fixes: Vec<&Fix> = found.fix.iter().collect();
                let applied = apply_fixes(&state.text, &fixes, threshold);
                state.fixes_applied += applied.applied.len();
                state.text = applied.text;
            }
            diagnostics.push(found);
        }
        state.report.diagnostics.extend(diagnostics);
    }
}

/// The manifest a new dependency of `source` goes to: in the nearest directory above it that
/// has a manifest of its ecosystem; `None` when that directory already declares `package`.
fn nearest(states: &[State], source: &SourceUse<'_>, package: &PackageDef) -> Option<usize> {
    let mut directory = source.path.parent();
    while let Some(dir) = directory {
        let here: Vec<usize> = states
            .iter()
            .enumerate()
            .filter(|(_, s)| {
                s.source.is_some()
                    && s.kind.ecosystem() == source.ecosystem
                    && s.path.parent() == Some(dir)
                    && preference(s).is_some()
            })
            .map(|(i, _)| i)
            .collect();
        if !here.is_empty() {
            let name = normalize(package.ecosystem, &package.name);
            let declared = here.iter().any(|&i| {
                parse(states[i].kind, &states[i].text).is_some_and(|p: Parsed| {
                    p.entries
                        .iter()
                        .any(|e| normalize(package.ecosystem, &e.name) == name)
                })
            });
            if declared {
                return None;
            }
            // A file in pip's hash-checking mode takes no new requirement by hand: another
            // manifest here (the `requirements.in` it is compiled from) is better.
            return here
                .into_iter()
                .filter_map(|i| {
                    let parsed = parse(states[i].kind, &states[i].text)?;
                    parsed.main.as_ref()?;
                    Some((i, parsed.is_hash_checked()))
                })
                .min_by_key(|&(i, hashed)| (hashed, preference(&states[i]), states[i].path.clone()))
                .map(|(i, _)| i);
        }
        directory = dir.parent();
    }
    None
}
