//! The manifest phase, run after every source file is linted (and fixed): findings and edits
//! for dependency manifests and lock files, decided with what the project's code imports.
//!
//! 1. Each manifest's retired packages are reported with their replacement. The edit is safe
//!    when no scanned source file under the manifest's directory imports the package any more,
//!    unsafe when none of its sources was scanned, and display-only while code still imports
//!    it (so `--unsafe-fixes` never leaves an import its manifest no longer names).
//! 2. A source file whose fixes added an import of a successor (`msal`, `azure.identity`,
//!    `@azure/msal-node`, ...) gets that package declared, once, in the nearest manifest of its
//!    ecosystem, unless that directory's manifests already declare it (`addition`).
//! 3. Lock files are reported, never edited.
//!
//! Edited manifests must still read as their format, or they are left unchanged.

use crate::exclusion;
use crate::rule::module_matches;
use std::collections::BTreeSet;
use std::ops::Range;
use std::path::{Path, PathBuf};

use super::addition::add_successors;
use super::edit::removal;
use super::{
    Channel, Entry, LockKind, ManifestKind, ManifestPath, Role, is_well_formed, normalize, parse,
    parse_lock, spell,
};
use crate::diagnostic::Diagnostic;
use crate::fix::{Applicability, Edit, Fix, apply_fixes};
use crate::language::{Family, Language};
use crate::lint::{FileError, FileReport, FixMode, LintOptions, MAX_FILE_SIZE, Severity};
use crate::registry::Selection;
use crate::rule::{DependencyMatch, Ecosystem, Filter, Matcher, PackageDef, Rule, TemplateValues};
use crate::source::SourceText;
use crate::walk::{SourcePath, describe_io_error};

/// What one scanned source file imports, for the manifests above it.
pub(super) struct SourceUse<'a> {
    pub(super) path: &'a Path,
    pub(super) display: &'a str,
    pub(super) ecosystem: Ecosystem,
    pub(super) before: &'a [String],
    pub(super) after: &'a [String],
    /// For a file that was not analysed: the retired packages' modules its text names.
    pub(super) named: &'a [String],
}

/// The dependency rules the selection enabled.
struct Rules<'r> {
    declared: Option<&'r Rule>,
    locked: Option<&'r Rule>,
    undeclared: Option<&'r Rule>,
}

/// A manifest being processed.
pub(super) struct State {
    pub(super) path: PathBuf,
    pub(super) kind: ManifestKind,
    pub(super) report: FileReport,
    pub(super) source: Option<SourceText>,
    /// The text after the replacements of this run (then after additions).
    pub(super) text: String,
    pub(super) fixes_applied: usize,
}

fn imports_any(modules: &[String], patterns: &[String]) -> bool {
    modules
        .iter()
        .any(|m| patterns.iter().any(|p| module_matches(p, m)))
}

fn ecosystem_of(language: Language) -> Ecosystem {
    match language.family() {
        Family::Python => Ecosystem::Pypi,
        Family::JavaScript => Ecosystem::Npm,
    }
}

/// Message placeholders of dependency rules.
pub(super) struct Values<'a> {
    pub(super) package: &'a str,
    pub(super) replacement: Option<&'a str>,
    pub(super) requirement: Option<&'a str>,
    pub(super) version: Option<&'a str>,
    pub(super) file: Option<&'a str>,
}

impl TemplateValues for Values<'_> {
    fn value(&self, name: &str, _filter: Option<&Filter>) -> Option<String> {
        let value = match name {
            "package" => Some(self.package),
            "replacement" => self.replacement,
            "requirement" => self.requirement,
            "version" => self.version,
            "file" => self.file,
            _ => None,
        };
        Some(value.unwrap_or("…").to_string())
    }

    fn is_present(&self, name: &str) -> bool {
        match name {
            "package" => true,
            "replacement" => self.replacement.is_some(),
            "requirement" => self.requirement.is_some(),
            "version" => self.version.is_some_and(|v| !v.is_empty()),
            "file" => self.file.is_some(),
            _ => false,
        }
    }
}

pub(super) fn diagnostic(
    rule: &Rule,
    values: &Values<'_>,
    range: Range<usize>,
    fix: Option<Fix>,
) -> Diagnostic {
    Diagnostic {
        rule: rule.id.clone(),
        severity: rule.severity,
        message: rule
            .message
            .render(values)
            .unwrap_or_else(|_| rule.summary()),
        range,
        help: rule.help.clone(),
        url: rule.url.clone(),
        fix,
        related: Vec::new(),
    }
}

/// Lints the manifests; each report comes with the path it sorts by.
pub(crate) fn lint_manifests(
    manifests: &[ManifestPath],
    files: &[SourcePath],
    reports: &[FileReport],
    selection: &Selection<'_>,
    options: &LintOptions<'_>,
) -> Vec<(PathBuf, FileReport)> {
    let mut rules = Rules {
        declared: None,
        locked: None,
        undeclared: None,
    };
    for (_, rule) in selection.enabled_rules() {
        if let Matcher::Dependency(kind) = rule.matcher {
            let slot = match kind {
                DependencyMatch::Declared => &mut rules.declared,
                DependencyMatch::Locked => &mut rules.locked,
                DependencyMatch::Undeclared => &mut rules.undeclared,
            };
            slot.get_or_insert(rule);
        }
    }
    if rules.declared.is_none() && rules.locked.is_none() && rules.undeclared.is_none() {
        return Vec::new();
    }
    let packages = &selection.registry.packages;
    let sources: Vec<SourceUse<'_>> = files
        .iter()
        .zip(reports)
        .map(|(file, report)| {
            let (before, after) = report
                .imports
                .as_ref()
                .map_or((&[][..], &[][..]), |i| (&i.before[..], &i.after[..]));
            SourceUse {
                path: &file.path,
                display: &report.display_path,
                ecosystem: ecosystem_of(file.language),
                before,
                after,
                named: &report.named_modules,
            }
        })
        .collect();
    let threshold = match options.mode {
        FixMode::Check => None,
        FixMode::Apply(threshold) | FixMode::Diff(threshold) => Some(threshold),
    };

    // A `setup.py` is a source and a manifest: when its code was fixed in this run, its
    // dependencies are fixed on the fixed code (written or not, with `--diff`).
    let fixed_sources: Vec<(&Path, &SourceText, &str)> = files
        .iter()
        .zip(reports)
        .filter_map(|(file, report)| {
            Some((
                file.path.as_path(),
                report.source.as_ref()?,
                report.fixed.as_deref()?,
            ))
        })
        .collect();

    let mut states: Vec<State> = Vec::new();
    let mut queue: Vec<ManifestPath> = manifests.to_vec();
    let mut seen: BTreeSet<PathBuf> = BTreeSet::new();
    while let Some(manifest) = queue.pop() {
        if !seen.insert(manifest.path.clone()) {
            continue;
        }
        let fixed = fixed_sources
            .iter()
            .find(|(path, _, _)| *path == manifest.path.as_path())
            .map(|&(_, source, text)| (source, text));
        let state = match fixed {
            Some((source, text)) => read_fixed(&manifest, source, text, selection),
            None => read(&manifest, selection),
        };
        // Requirement files included with `-r` / `-c` are manifests too, whatever their name.
        if let (ManifestKind::Requirements, Some(parsed)) =
            (manifest.kind, parse(manifest.kind, &state.text))
        {
            let directory = manifest.path.parent().unwrap_or(Path::new(""));
            for include in parsed.includes {
                let path = directory.join(&include);
                if path.is_file() && !seen.contains(&path) {
                    queue.push(ManifestPath {
                        path,
                        kind: ManifestKind::Requirements,
                    });
                }
            }
        }
        states.push(state);
    }
    states.sort_by(|a, b| a.path.cmp(&b.path));

    // 1. Retired packages: findings, and the replacements this run applies.
    for state in &mut states {
        if state.source.is_none() || !state.report.parsed {
            continue;
        }
        if !matches!(state.kind, ManifestKind::Lock(_)) && parse(state.kind, &state.text).is_none()
        {
            state.report.errors.push(FileError {
                message:
                    "not readable as its format (a syntax error?); its dependencies are not checked"
                        .to_string(),
                severity: Severity::Notice,
            });
            continue;
        }
        let findings = findings(state, &rules, packages, &sources);
        let Some(threshold) = threshold else {
            state.report.diagnostics = findings;
            continue;
        };
        let fixes: Vec<&Fix> = findings.iter().filter_map(|d| d.fix.as_ref()).collect();
        let applied = apply_fixes(&state.text, &fixes, threshold);
        state.fixes_applied += applied.applied.len();
        state.text = applied.text;
        state.report.diagnostics = findings;
    }

    // 2. Successors the fixed code now imports.
    if let (Some(rule), Some(threshold)) = (rules.undeclared, threshold) {
        add_successors(&mut states, rule, packages, &sources, threshold);
    }

    // 3. What remains, against the final text; the guard; the write.
    states
        .into_iter()
        .map(|state| finish(state, &rules, packages, &sources, options))
        .collect()
}

/// A manifest that is also a source file this run fixed: its text is the fixed code, in
/// the file's encoding (its byte-order mark).
fn read_fixed(
    manifest: &ManifestPath,
    original: &SourceText,
    fixed: &str,
    selection: &Selection<'_>,
) -> State {
    let mut report = FileReport::new(&manifest.path, None);
    let bytes = original.encode(fixed);
    report.parsed = selection.may_match(&bytes);
    let source = SourceText::decode(&bytes).unwrap_or_else(|_| SourceText::new(fixed));
    State {
        path: manifest.path.clone(),
        kind: manifest.kind,
        report,
        text: source.text().to_string(),
        source: Some(source),
        fixes_applied: 0,
    }
}

fn read(manifest: &ManifestPath, selection: &Selection<'_>) -> State {
    let report = FileReport::new(&manifest.path, None);
    let mut state = State {
        path: manifest.path.clone(),
        kind: manifest.kind,
        report,
        source: None,
        text: String::new(),
        fixes_applied: 0,
    };
    let bytes = match std::fs::metadata(&manifest.path) {
        Ok(metadata) if metadata.len() > MAX_FILE_SIZE => {
            state.report = state.report.fail(format!(
                "file is over the {} MiB limit; skipped",
                MAX_FILE_SIZE / (1024 * 1024)
            ));
            return state;
        }
        Ok(_) => std::fs::read(&manifest.path),
        Err(error) => Err(error),
    };
    let bytes = match bytes {
        Ok(bytes) => bytes,
        Err(error) => {
            state.report = state.report.fail(describe_io_error(&manifest.path, &error));
            return state;
        }
    };
    let Ok(source) = SourceText::decode(&bytes) else {
        state.report = state
            .report
            .fail("binary file with a manifest's name; skipped".to_string());
        return state;
    };
    state.report.parsed = selection.may_match(&bytes);
    state.text = source.text().to_string();
    state.source = Some(source);
    state
}

/// The scanned sources under a manifest's directory.
fn project_sources<'s, 'a>(
    manifest: &Path,
    ecosystem: Ecosystem,
    sources: &'s [SourceUse<'a>],
) -> impl Iterator<Item = &'s SourceUse<'a>> {
    let directory = manifest.parent().unwrap_or(Path::new("")).to_path_buf();
    sources
        .iter()
        .filter(move |s| s.ecosystem == ecosystem && s.path.starts_with(&directory))
}

fn retired<'p>(
    packages: &'p [PackageDef],
    ecosystem: Ecosystem,
    name: &str,
) -> Option<&'p PackageDef> {
    let name = normalize(ecosystem, name);
    packages.iter().find(|p| {
        p.replacement.is_some() && p.ecosystem == ecosystem && normalize(ecosystem, &p.name) == name
    })
}

pub(super) fn successor<'p>(
    packages: &'p [PackageDef],
    ecosystem: Ecosystem,
    name: &str,
) -> Option<&'p PackageDef> {
    packages
        .iter()
        .find(|p| p.requirement.is_some() && p.ecosystem == ecosystem && p.name == name)
}

/// True when a package that is ADAL usage only through some modules is used that way here.
fn reportable(
    package: &PackageDef,
    manifest: &Path,
    ecosystem: Ecosystem,
    sources: &[SourceUse<'_>],
) -> bool {
    package.only_with.is_empty()
        || project_sources(manifest, ecosystem, sources).any(|s| {
            imports_any(s.before, &package.only_with) || imports_any(s.after, &package.only_with)
        })
}

/// The findings of one manifest's current text.
fn findings(
    state: &State,
    rules: &Rules<'_>,
    packages: &[PackageDef],
    sources: &[SourceUse<'_>],
) -> Vec<Diagnostic> {
    let ecosystem = state.kind.ecosystem();
    if let ManifestKind::Lock(kind) = state.kind {
        let Some(rule) = rules.locked else {
            return Vec::new();
        };
        let mut seen = BTreeSet::new();
        // An npm lock file's entries are each a copy to replace: lockfile v2 lists every
        // package twice (`packages` and the legacy `dependencies`), v1 nests copies.
        let every_entry = kind == LockKind::PackageLock;
        return parse_lock(kind, &state.text)
            .into_iter()
            .filter_map(|locked| {
                let package = retired(packages, ecosystem, &locked.name)?;
                if !reportable(package, &state.path, ecosystem, sources)
                    || !(every_entry || seen.insert((package.name.clone(), locked.version.clone())))
                {
                    return None;
                }
                let values = Values {
                    package: &package.name,
                    replacement: package.replacement.as_deref(),
                    requirement: None,
                    version: Some(&locked.version),
                    file: None,
                };
                Some(diagnostic(rule, &values, locked.range, None))
            })
            .collect();
    }
    let Some(rule) = rules.declared else {
        return Vec::new();
    };
    let Some(parsed) = parse(state.kind, &state.text) else {
        return Vec::new();
    };
    let mut declared: BTreeSet<String> = parsed
        .entries
        .iter()
        .map(|e| normalize(e.ecosystem.unwrap_or(ecosystem), &e.name))
        .collect();
    let mut out = Vec::new();
    for entry in &parsed.entries {
        let ecosystem = entry.ecosystem.unwrap_or(ecosystem);
        let Some(package) = retired(packages, ecosystem, &entry.name) else {
            continue;
        };
        if !reportable(package, &state.path, ecosystem, sources) {
            continue;
        }
        let replacement = package.replacement.as_deref().unwrap_or_default();
        let Some(successor) = successor(packages, ecosystem, replacement) else {
            continue;
        };
        let requirement = successor.requirement.as_deref().unwrap_or_default();
        let own = applicability(state, entry, ecosystem, package, successor, sources);
        let (applicability, note) =
            match dependent(state, &parsed.entries, entry, package, packages, sources) {
                Some(held) if held.0 < own.0 => held,
                _ => own,
            };
        // A types package, a bundler setting or a script declares nothing of the successor;
        // each install command of a Dockerfile stands alone (stages are separate images).
        let declares = entry.role == Role::Dependency
            && package.types_for.is_none()
            && state.kind != ManifestKind::Dockerfile;
        let duplicate = declares && !declared.insert(normalize(ecosystem, replacement));
        let (title, edit) = if let Some(title) = removal_title(entry, package, replacement) {
            (title, removal(&state.text, entry.item.clone()))
        } else if state.kind == ManifestKind::BowerJson {
            // Bower cannot install the successor: the entry goes, and the successor is npm's.
            (
                format!(
                    "Remove `{}` from `bower.json`; declare `{replacement}` in `package.json`",
                    entry.name
                ),
                removal(&state.text, entry.item.clone()),
            )
        } else if duplicate {
            (
                format!(
                    "Remove `{}`; `{replacement}` is already declared",
                    entry.name
                ),
                removal(&state.text, entry.item.clone()),
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
        let fix = Fix::new(title, applicability, note, vec![edit]);
        let values = Values {
            package: &entry.name,
            replacement: Some(replacement),
            requirement: Some(requirement),
            version: None,
            file: None,
        };
        out.push(diagnostic(rule, &values, entry.spec.clone(), Some(fix)));
    }
    out
}

/// The title of a fix that removes the entry instead of replacing it, for entries that are
/// not the package's declaration.
fn removal_title(entry: &Entry, package: &PackageDef, replacement: &str) -> Option<String> {
    match entry.role {
        Role::CommonJsAllowance => Some(format!(
            "Remove `{}` from `allowedCommonJsDependencies`: `{replacement}` is an ES module",
            entry.name
        )),
        Role::GlobalScript => Some(format!(
            "Remove the `{}` script from `scripts`; import `{replacement}` where it is used",
            entry.name
        )),
        Role::Dependency => package.types_for.as_ref().map(|_| {
            format!(
                "Remove `{}`: `{replacement}` ships its own types",
                entry.name
            )
        }),
    }
}

/// How far a replacement of a retired package can go while the manifest declares a package
/// that depends on it (`azureml-core` needs `adal` and `msrestazure`): removing or swapping the
/// pin would leave the package installed through its dependent, unpinned, so the fix is
/// display-only, naming it. A dependent that is itself retired and replaced in this run goes
/// with it: the fix is then no safer than the dependent's.
fn dependent(
    state: &State,
    entries: &[Entry],
    entry: &Entry,
    package: &PackageDef,
    packages: &[PackageDef],
    sources: &[SourceUse<'_>],
) -> Option<(Applicability, String)> {
    if package.required_by.is_empty() || entry.role != Role::Dependency {
        return None;
    }
    let ecosystem = entry.ecosystem.unwrap_or(state.kind.ecosystem());
    let own = normalize(ecosystem, &package.name);
    let mut cap: Option<(Applicability, String)> = None;
    for other in entries {
        let name = normalize(other.ecosystem.unwrap_or(ecosystem), &other.name);
        if name == own
            || other.role != Role::Dependency
            || !package.required_by.iter().any(|p| name_matches(p, &name))
        {
            continue;
        }
        let replaced = retired(packages, ecosystem, &other.name).and_then(|retired| {
            let successor = retired
                .replacement
                .as_deref()
                .and_then(|r| successor(packages, ecosystem, r))?;
            let own = applicability(state, other, ecosystem, retired, successor, sources).0;
            let held = dependent(state, entries, other, retired, packages, sources)
                .map_or(own, |(held, _)| held.min(own));
            (held != Applicability::DisplayOnly).then_some(held)
        });
        match replaced {
            None => {
                return Some((
                    Applicability::DisplayOnly,
                    format!(
                        "`{}` in this file depends on `{}`: removing or replacing its pin would leave it installed, unpinned. Migrate the code that uses `{}` and remove it first.",
                        other.name, package.name, other.name
                    ),
                ));
            }
            Some(Applicability::Unsafe) if cap.is_none() => {
                cap = Some((
                    Applicability::Unsafe,
                    format!(
                        "`{}` in this file depends on `{}`, and its own replacement needs review: apply both or neither.",
                        other.name, package.name
                    ),
                ));
            }
            Some(_) => {}
        }
    }
    cap
}

/// A package name against a pattern of `required-by` (a trailing `*` matches any rest).
fn name_matches(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => pattern == name,
    }
}

/// How far a replacement in this manifest (of `package` by `successor`) can be trusted,
/// and why.
fn applicability(
    state: &State,
    entry: &Entry,
    ecosystem: Ecosystem,
    package: &PackageDef,
    successor: &PackageDef,
    sources: &[SourceUse<'_>],
) -> (Applicability, String) {
    if entry.role == Role::GlobalScript {
        return (
            Applicability::DisplayOnly,
            format!(
                "The bundled script defines globals (ADAL.js's `AuthenticationContext`) that code uses without importing `{}`; remove it together with the code that uses them.",
                package.name
            ),
        );
    }
    let channel = entry.channel;
    if state.kind == ManifestKind::BowerJson {
        return (
            Applicability::DisplayOnly,
            format!(
                "Bower's registry has no MSAL package: `{name}` is published on npm only. Declare it in `package.json` (`npm install {name}@{requirement}`) and load it from there.",
                name = successor.name,
                requirement = successor.requirement.as_deref().unwrap_or_default()
            ),
        );
    }
    if let Some(directory) = exclusion::installed_package_directory(&state.path) {
        return (
            Applicability::DisplayOnly,
            format!(
                "The manifest is inside `{directory}`: another package's, installed there; update or replace that package instead."
            ),
        );
    }
    match channel {
        Channel::HashChecked => {
            return (
                Applicability::DisplayOnly,
                "The file pins hashes (`--hash`), and pip rejects a requirement without them: change the file it is compiled from and regenerate it (`pip-compile --generate-hashes`).".to_string(),
            );
        }
        Channel::CondaOther => {
            return (
                Applicability::DisplayOnly,
                format!(
                    "`{}` is published on conda-forge, which this environment's channels do not include: add `conda-forge` to `channels:`, or declare it under `pip:`.",
                    successor.name
                ),
            );
        }
        Channel::Registry | Channel::CondaForge => {}
    }
    let still_imports = |source: &SourceUse<'_>| {
        (
            Applicability::DisplayOnly,
            format!(
                "`{}` still imports `{}`; replace the dependency once no code uses it.",
                source.display, package.name
            ),
        )
    };
    // A file no rule could match in was not analysed: if its text names the package, it may
    // import it.
    let may_import = |source: &SourceUse<'_>| {
        (
            Applicability::DisplayOnly,
            format!(
                "`{}` names `{}` and was not analysed (no rule applies to it), so it may still import it; replace the dependency once no code uses it.",
                source.display, package.name
            ),
        )
    };
    let named = |source: &SourceUse<'_>| {
        source
            .named
            .iter()
            .any(|module| package.modules.contains(module))
    };
    let mut scanned = false;
    for source in project_sources(&state.path, ecosystem, sources) {
        scanned = true;
        if imports_any(source.after, &package.modules) {
            return still_imports(source);
        }
    }
    if let Some(source) = project_sources(&state.path, ecosystem, sources).find(|s| named(s)) {
        return may_import(source);
    }
    if scanned && package.types_for.is_some() {
        return (
            Applicability::Unsafe,
            format!(
                "No scanned source file of this project imports `{}` any more, but TypeScript code may still use the global types it declares (`AuthenticationContext`) without importing anything: check that the project still compiles.",
                package.types_for.as_deref().unwrap_or_default()
            ),
        );
    }
    if scanned {
        return (
            Applicability::Safe,
            format!(
                "No scanned source file of this project imports `{}` any more.",
                package.name
            ),
        );
    }
    // No code under the manifest's directory (`requirements/base.txt`, `docker/...`): the
    // code it installs for may be anywhere that was scanned.
    if let Some(source) = sources
        .iter()
        .filter(|s| s.ecosystem == ecosystem)
        .find(|s| imports_any(s.after, &package.modules))
    {
        return still_imports(source);
    }
    if let Some(source) = sources
        .iter()
        .filter(|s| s.ecosystem == ecosystem)
        .find(|s| named(s))
    {
        return may_import(source);
    }
    (
        Applicability::Unsafe,
        format!(
            "No source file under this manifest's directory was scanned: check that nothing imports `{}`.",
            package.name
        ),
    )
}

fn finish(
    mut state: State,
    rules: &Rules<'_>,
    packages: &[PackageDef],
    sources: &[SourceUse<'_>],
    options: &LintOptions<'_>,
) -> (PathBuf, FileReport) {
    let Some(source) = state.source.take() else {
        return (state.path, state.report);
    };
    if state.text != source.text() {
        if is_well_formed(state.kind, source.text()) && !is_well_formed(state.kind, &state.text) {
            state.report.errors.push(FileError {
                message: "a dependency edit would make the file unreadable; it is left unchanged"
                    .to_string(),
                severity: Severity::Fatal,
            });
        } else {
            // What remains refers to the fixed text.
            let fixed = State {
                path: state.path.clone(),
                kind: state.kind,
                report: FileReport::new(&state.path, None),
                source: None,
                text: state.text.clone(),
                fixes_applied: 0,
            };
            state.report.diagnostics = findings(&fixed, rules, packages, sources);
            state.report.fixes_applied = state.fixes_applied;
            state.report.fixed = Some(state.text.clone());
            if let FixMode::Apply(_) = options.mode {
                if let Err(message) = crate::write::replace_file(
                    &state.path,
                    &source.encode(source.text()),
                    &source.encode(&state.text),
                    options.roots,
                ) {
                    state.report.errors.push(FileError {
                        message,
                        severity: Severity::Fatal,
                    });
                    state.report.fixed = None;
                }
            }
        }
    }
    state.report.source = Some(source);
    (state.path, state.report)
}
