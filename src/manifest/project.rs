//! The manifest phase, run after every source file is linted (and fixed): findings and edits
//! for dependency manifests and lock files, decided with what the project's code imports.
//!
//! 1. Each manifest's retired packages are reported with their replacement. The edit is safe
//!    when no scanned source file under the manifest's directory imports the package any more,
//!    unsafe when none of its sources was scanned, and display-only while code still imports
//!    it (so `--unsafe-fixes` never leaves an import its manifest no longer names).
//! 2. A source file whose fixes added an import of a successor (`msal`, `azure.identity`,
//!    `@azure/msal-node`, ...) gets that package declared, once, in the nearest manifest of its
//!    ecosystem, unless that directory's manifests already declare it.
//! 3. Lock files are reported, never edited.
//!
//! Edited manifests must still read as their format, or they are left unchanged.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use super::{
    Container, ManifestKind, ManifestPath, Parsed, Spelling, is_well_formed, normalize, parse,
    parse_lock, spell,
};
use crate::diagnostic::Diagnostic;
use crate::fix::{Applicability, Edit, Fix, FixThreshold, apply_fixes};
use crate::language::{Family, Language};
use crate::lint::{
    FileError, FileReport, FixMode, LintOptions, MAX_FILE_SIZE, Severity, write_atomically,
};
use crate::registry::Selection;
use crate::rule::{DependencyMatch, Ecosystem, Filter, Matcher, PackageDef, Rule, TemplateValues};
use crate::source::SourceText;
use crate::walk::{SourcePath, describe_io_error};

/// What one scanned source file imports, for the manifests above it.
struct SourceUse<'a> {
    path: &'a Path,
    display: &'a str,
    ecosystem: Ecosystem,
    before: &'a [String],
    after: &'a [String],
}

/// The dependency rules the selection enabled.
struct Rules<'r> {
    declared: Option<&'r Rule>,
    locked: Option<&'r Rule>,
    undeclared: Option<&'r Rule>,
}

/// A manifest being processed.
struct State {
    path: PathBuf,
    kind: ManifestKind,
    report: FileReport,
    source: Option<SourceText>,
    /// The text after the replacements of this run (then after additions).
    text: String,
    fixes_applied: usize,
    /// False when this run must not edit it (its code was fixed as a source file).
    editable: bool,
}

fn module_matches(pattern: &str, module: &str) -> bool {
    module == pattern
        || module
            .strip_prefix(pattern)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('/'))
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
struct Values<'a> {
    package: &'a str,
    replacement: Option<&'a str>,
    requirement: Option<&'a str>,
    version: Option<&'a str>,
    file: Option<&'a str>,
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

fn diagnostic(
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
            }
        })
        .collect();
    let threshold = match options.mode {
        FixMode::Check => None,
        FixMode::Apply(threshold) | FixMode::Diff(threshold) => Some(threshold),
    };

    let mut states: Vec<State> = Vec::new();
    let mut queue: Vec<ManifestPath> = manifests.to_vec();
    let mut seen: BTreeSet<PathBuf> = BTreeSet::new();
    while let Some(manifest) = queue.pop() {
        if !seen.insert(manifest.path.clone()) {
            continue;
        }
        let state = read(&manifest, selection);
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

    // A `setup.py` whose code fixes changed it is not edited again as a manifest.
    let rewritten: BTreeSet<&Path> = files
        .iter()
        .zip(reports)
        .filter(|(_, report)| report.fixed.is_some())
        .map(|(file, _)| file.path.as_path())
        .collect();

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
        let threshold = threshold.filter(|_| {
            let fixed_as_source = rewritten.contains(state.path.as_path());
            if fixed_as_source {
                state.report.errors.push(FileError {
                    message:
                        "its code was fixed in this run; its dependencies are fixed in the next"
                            .to_string(),
                    severity: Severity::Notice,
                });
                state.editable = false;
            }
            !fixed_as_source
        });
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

fn read(manifest: &ManifestPath, selection: &Selection<'_>) -> State {
    let report = FileReport::new(&manifest.path, None);
    let mut state = State {
        path: manifest.path.clone(),
        kind: manifest.kind,
        report,
        source: None,
        text: String::new(),
        fixes_applied: 0,
        editable: true,
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

fn successor<'p>(
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
        return parse_lock(kind, &state.text)
            .into_iter()
            .filter_map(|locked| {
                let package = retired(packages, ecosystem, &locked.name)?;
                if !reportable(package, &state.path, ecosystem, sources)
                    || !seen.insert((package.name.clone(), locked.version.clone()))
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
        .map(|e| normalize(ecosystem, &e.name))
        .collect();
    let mut out = Vec::new();
    for entry in &parsed.entries {
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
        let (applicability, note) = applicability(state, entry.hashed, package, sources);
        let duplicate = !declared.insert(normalize(ecosystem, replacement));
        let (title, edit) = if duplicate {
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

/// How far a replacement of `package` in this manifest can be trusted, and why.
fn applicability(
    state: &State,
    hashed: bool,
    package: &PackageDef,
    sources: &[SourceUse<'_>],
) -> (Applicability, String) {
    if state.kind == ManifestKind::BowerJson {
        return (
            Applicability::DisplayOnly,
            "Bower cannot install the MSAL packages; move the dependency to `package.json`."
                .to_string(),
        );
    }
    if hashed {
        return (
            Applicability::DisplayOnly,
            "The file pins hashes (`--hash`): regenerate it (`pip-compile --generate-hashes`) instead of editing it.".to_string(),
        );
    }
    let ecosystem = state.kind.ecosystem();
    let still_imports = |source: &SourceUse<'_>| {
        (
            Applicability::DisplayOnly,
            format!(
                "`{}` still imports `{}`; replace the dependency once no code uses it.",
                source.display, package.name
            ),
        )
    };
    let mut scanned = false;
    for source in project_sources(&state.path, ecosystem, sources) {
        scanned = true;
        if imports_any(source.after, &package.modules) {
            return still_imports(source);
        }
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
    (
        Applicability::Unsafe,
        format!(
            "No source file under this manifest's directory was scanned: check that nothing imports `{}`.",
            package.name
        ),
    )
}

/// Deletes a declaration with its separator: a line-based one with its line, a list item
/// with one adjacent comma (and its line, when it stands alone on it).
fn removal(text: &str, item: Range<usize>) -> Edit {
    let line_start = text[..item.start].rfind('\n').map_or(0, |i| i + 1);
    let whole_lines = item.start == line_start
        && item.end > item.start
        && (item.end == text.len() || text[..item.end].ends_with('\n'));
    if whole_lines {
        return Edit::replace(item, "");
    }
    let line_end = text[item.end..]
        .find('\n')
        .map_or(text.len(), |i| item.end + i + 1);
    let alone_before = text[line_start..item.start].trim().is_empty();
    let rest = text[item.end..].trim_start_matches([' ', '\t']);
    if let Some(after_comma) = rest.strip_prefix(',') {
        let comma_end = text.len() - after_comma.len();
        let tail = text[comma_end..line_end].trim();
        if alone_before && (tail.is_empty() || tail.starts_with('#')) {
            return Edit::replace(line_start..line_end, "");
        }
        let spaces = after_comma.len() - after_comma.trim_start_matches([' ', '\t']).len();
        return Edit::replace(item.start..comma_end + spaces, "");
    }
    // The last item: the comma before it goes (JSON allows no trailing comma).
    match text[..item.start].trim_end().strip_suffix(',') {
        Some(kept) => Edit::replace(kept.len()..item.end, ""),
        None => Edit::replace(item, ""),
    }
}

/// The edit that declares `package` in a container.
fn insertion(
    text: &str,
    container: &Container,
    package: &str,
    requirement: &str,
    newline: &str,
) -> Option<(usize, Vec<Edit>)> {
    match container {
        Container::Lines {
            after,
            indent,
            prefix,
            spelling,
        } => {
            let line = format!("{indent}{prefix}{}", spell(*spelling, package, requirement));
            let at = (*after).min(text.len());
            let content = if at == 0 && text.is_empty() {
                format!("{line}{newline}")
            } else {
                format!("{newline}{line}")
            };
            Some((at, vec![Edit::insert(at, content)]))
        }
        Container::Delimited {
            open,
            items,
            spelling,
            quote,
        } => {
            let declaration = match spelling {
                Spelling::Pep508 => format!("{quote}{package}{requirement}{quote}"),
                other => spell(*other, package, requirement),
            };
            let Some(last) = items.last() else {
                return Some((*open, vec![Edit::insert(*open, declaration)]));
            };
            let first = items.first().unwrap_or(last);
            let multiline = text[*open..first.start].contains('\n');
            let indent = if multiline {
                let line_start = text[..last.start].rfind('\n').map_or(0, |i| i + 1);
                text[line_start..last.start].to_string()
            } else {
                String::new()
            };
            let separator = if multiline {
                format!("{newline}{indent}")
            } else {
                " ".to_string()
            };
            // A comment after the last item stays on its line: new lines go after it.
            let line_end = |from: usize| {
                let end = text[from..].find('\n').map_or(text.len(), |i| from + i);
                if end > from && text.as_bytes()[end - 1] == b'\r' {
                    end - 1
                } else {
                    end
                }
            };
            let comment_follows = |from: usize| {
                let rest = text[from..line_end(from)].trim();
                !rest.is_empty() && rest.starts_with('#')
            };
            let after = &text[last.end..];
            if after.trim_start().starts_with(',') {
                let comma = last.end + (after.len() - after.trim_start().len()) + 1;
                let at = if multiline && comment_follows(comma) {
                    line_end(comma)
                } else {
                    comma
                };
                Some((
                    at,
                    vec![Edit::insert(at, format!("{separator}{declaration},"))],
                ))
            } else if multiline && comment_follows(last.end) {
                let at = line_end(last.end);
                Some((
                    at,
                    vec![
                        Edit::insert(last.end, ","),
                        Edit::insert(at, format!("{separator}{declaration}")),
                    ],
                ))
            } else {
                Some((
                    last.end,
                    vec![Edit::insert(last.end, format!(",{separator}{declaration}"))],
                ))
            }
        }
    }
}

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
        ManifestKind::BowerJson | ManifestKind::Lock(_) => return None,
    })
}

fn add_successors(
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
            let Some(container) = parse(state.kind, &state.text).and_then(|p| p.main) else {
                continue;
            };
            let Some((at, edits)) = insertion(&state.text, &container, name, requirement, newline)
            else {
                continue;
            };
            let fix = Fix::new(
                format!("Declare `{name}{requirement}`"),
                Applicability::Safe,
                format!("`{file}` imports `{name}` after this run's fixes."),
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
            if threshold.admits(Applicability::Safe) {
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
                    && s.editable
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
            return here
                .into_iter()
                .filter(|&i| {
                    parse(states[i].kind, &states[i].text).is_some_and(|p| p.main.is_some())
                })
                .min_by_key(|&i| (preference(&states[i]), states[i].path.clone()));
        }
        directory = dir.parent();
    }
    None
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
                editable: false,
            };
            state.report.diagnostics = findings(&fixed, rules, packages, sources);
            state.report.fixes_applied = state.fixes_applied;
            state.report.fixed = Some(state.text.clone());
            if let FixMode::Apply(_) = options.mode {
                if let Err(message) =
                    write_atomically(&state.path, &source.encode(&state.text), options.roots)
                {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::apply_edits;

    fn apply(text: &str, edits: &[Edit]) -> String {
        let edits: Vec<&Edit> = edits.iter().collect();
        apply_edits(text, &edits)
    }

    #[test]
    fn removals_take_one_comma_and_lone_lines() {
        let json = "{\n  \"a\": \"1\",\n  \"adal-node\": \"2\"\n}\n";
        let start = json.find("\"adal-node\"").expect("member");
        let item = start..start + "\"adal-node\": \"2\"".len();
        assert_eq!(
            apply(json, &[removal(json, item)]),
            "{\n  \"a\": \"1\"\n}\n"
        );

        let list = "[\n    \"adal>=1\",  # old\n    \"requests\",\n]\n";
        let start = list.find("\"adal").expect("item");
        let item = start..start + "\"adal>=1\"".len();
        assert_eq!(
            apply(list, &[removal(list, item)]),
            "[\n    \"requests\",\n]\n"
        );

        let lines = "adal==1\nrequests\n";
        assert_eq!(apply(lines, &[removal(lines, 0..8)]), "requests\n");
    }

    #[test]
    fn insertions_follow_the_list_style() {
        let single = "x = [\"a\", \"b\"]";
        let container = Container::Delimited {
            open: 5,
            items: vec![5..8, 10..13],
            spelling: Spelling::Pep508,
            quote: '"',
        };
        let (_, edits) = insertion(single, &container, "msal", ">=1", "\n").expect("edit");
        assert_eq!(apply(single, &edits), "x = [\"a\", \"b\", \"msal>=1\"]");

        let multi = "x = [\n    \"a\",  # keep\n]\n";
        let container = Container::Delimited {
            open: 5,
            items: std::iter::once(10..13).collect(),
            spelling: Spelling::Pep508,
            quote: '"',
        };
        let (_, edits) = insertion(multi, &container, "msal", ">=1", "\n").expect("edit");
        assert_eq!(
            apply(multi, &edits),
            "x = [\n    \"a\",  # keep\n    \"msal>=1\",\n]\n"
        );

        let json = "{\n  \"dependencies\": {\n    \"a\": \"1\"\n  }\n}";
        let start = json.find("\"a\"").expect("member");
        let container = Container::Delimited {
            open: json.find("{\n    ").expect("object") + 1,
            items: std::iter::once(start..start + 8).collect(),
            spelling: Spelling::JsonMember,
            quote: '"',
        };
        let (_, edits) = insertion(json, &container, "@azure/identity", "^4", "\n").expect("edit");
        assert_eq!(
            apply(json, &edits),
            "{\n  \"dependencies\": {\n    \"a\": \"1\",\n    \"@azure/identity\": \"^4\"\n  }\n}"
        );
    }
}
