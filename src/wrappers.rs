//! The project's own wrappers of ADAL, and who uses them.
//!
//! Real projects wrap ADAL once (an `AdalService` class, a Python `get_token()` helper, an
//! exported context or higher-order component) and the rest of the code uses the wrapper.
//! After the per-file pass, this module finds every top-level symbol of the project
//! (function, class, exported constant or instance, `module.exports` entry) whose
//! definition holds a finding of an ADAL rule, or a use of another wrapper (a wrapper of a
//! wrapper), and reports each use of it from another module with the rule whose
//! `match.builtin` is `wrapper-use`: the import, and every name, attribute chain, type,
//! construction, call or dependency-injection entry (`providers: [AdalService]`,
//! `constructor(private adal: AdalService)`) that resolves to it. Each finding points at
//! the wrapper (SARIF `relatedLocations`).
//!
//! The table holds names and positions, never text. The per-file pass keeps, for every
//! source file, what it imports ([`ImportKeys`]: hashes of specifiers and module names,
//! taken from the text it reads anyway), and, for a module with ADAL findings of its own,
//! the wrappers those define (from the tree it built). Then this module grows the table in
//! rounds (at most [`MAX_ROUNDS`], one level of wrapping each): each round parses, in
//! parallel, only the modules that import a module whose wrappers grew in the round before
//! and whose text names one of its wrappers (as a whole word; a default export, imported
//! under any name, excepted), and no file's text or tree outlives its scan. A directive
//! `adalint: ignore[adal-wrapper-use]` covers a use like any finding.
//!
//! JavaScript and TypeScript specifiers resolve like `semantic::Exports` resolves them
//! (relative paths, extensions, `index` files); Python modules by their dotted path, as a
//! suffix of the file's path (`from service.auth import get_token` names
//! `.../service/auth.py`), or relative to the importing package (`from .auth import x`).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use aho_corasick::AhoCorasick;
use rayon::prelude::*;
use tree_sitter::Node;

use crate::builtin::Builtin;
use crate::diagnostic::{Diagnostic, Related};
use crate::language::{Family, Language};
use crate::lint::{FileReport, Parsers};
use crate::registry::Selection;
use crate::rule::{Matcher, Rule};
use crate::semantic::{BindingValue, Model, RelativeNames, Value, module_files, normalize};
use crate::source::SourceText;
use crate::walk::SourcePath;

/// The keys of ADAL's token response that MSAL spells differently or lacks: read on what a
/// wrapper returns, they are part of its migration.
const ADAL_TOKEN_KEYS: &[&str] = &[
    "accessToken",
    "expiresOn",
    "expiresIn",
    "refreshToken",
    "userId",
    "tokenType",
    "tenantId",
    "identityProvider",
    "isMRRT",
    "_clientId",
    "_authority",
];

/// How many levels of wrapping are followed (a wrapper of a wrapper of ...).
const MAX_ROUNDS: usize = 8;

/// What a top-level definition is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A function: what a call returns is its result, not the wrapper.
    Function,
    /// A class, or a value (an exported instance, context or object): an instance of it,
    /// or the value itself, is the wrapper.
    Other,
}

/// A top-level symbol of a module whose definition uses ADAL.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Wrapper {
    kind: Kind,
    /// The name other modules import it by (`""`: the module's default export or
    /// `module.exports` itself).
    name: String,
    /// What it is called in messages.
    shown: String,
    line: usize,
    column: usize,
    /// The wrapper it wraps, when it uses ADAL through another one.
    via: Option<String>,
}

/// The wrappers of one module.
#[derive(Debug, Default)]
struct Module {
    display: String,
    language: Option<Language>,
    wrappers: Vec<Wrapper>,
}

/// A top-level definition of a module: its exported names and the bytes of its code.
struct Definition {
    kind: Kind,
    names: Vec<String>,
    shown: String,
    range: Range<usize>,
    name_start: usize,
}

impl Definition {
    /// The wrappers this definition is, one per name it is imported by; `via` names the
    /// wrapper of its module it hands out, when it uses no ADAL itself.
    fn wrappers(&self, source: &SourceText, via: Option<String>) -> Vec<Wrapper> {
        let position = source.position(self.name_start);
        self.names
            .iter()
            .map(|name| Wrapper {
                kind: self.kind,
                name: name.clone(),
                shown: self.shown.clone(),
                line: position.line,
                column: position.column,
                via: via.clone(),
            })
            .collect()
    }
}

/// What the per-file pass keeps of one source file for this module: the modules it
/// imports (as [`ImportKeys`], names, not text), and, for a module with ADAL findings of its
/// own, the wrappers it defines through them (taken from the tree the per-file pass already
/// built, so such a module is not parsed again).
#[derive(Debug, Default)]
pub(crate) struct FileFacts {
    keys: ImportKeys,
    own: Option<Box<Summary>>,
}

/// The wrappers a module defines through its own ADAL findings, and the findings they were
/// taken from (when the findings change afterwards, a fix having rewritten the file, the
/// module is scanned again).
#[derive(Debug)]
struct Summary {
    direct: Vec<Range<usize>>,
    wrappers: Vec<Wrapper>,
}

impl FileFacts {
    /// The facts of a file the per-file pass read: its imports from its text (without
    /// parsing).
    pub(crate) fn of_text(path: &Path, language: Language, bytes: &[u8]) -> Self {
        let keys = match language.family() {
            Family::Python => ImportKeys::of_python(path, bytes),
            Family::JavaScript if language != Language::Html => {
                ImportKeys::of_specifiers(path, RelativeNames::of(bytes).iter())
            }
            _ => ImportKeys::default(),
        };
        FileFacts { keys, own: None }
    }

    /// The facts of a JavaScript file the per-file pass did not read again: its relative
    /// specifiers, from the first pass.
    pub(crate) fn of_names(path: &Path, language: Language, names: &RelativeNames) -> Self {
        let keys = if is_code(language) {
            ImportKeys::of_specifiers(path, names.iter())
        } else {
            ImportKeys::default()
        };
        FileFacts { keys, own: None }
    }

    /// Adds the wrappers a parsed module defines through its own findings.
    pub(crate) fn summarize(
        &mut self,
        model: &Model<'_>,
        root: Node<'_>,
        language: Language,
        source: &SourceText,
        diagnostics: &[Diagnostic],
        selection: &Selection<'_>,
    ) {
        let Some(rule) = wrapper_rule(selection) else {
            return;
        };
        let direct = direct_ranges(diagnostics, selection, &rule.pack);
        if direct.is_empty() || !is_code(language) {
            return;
        }
        let definitions = definitions(model, root, language);
        let wrappers = module_wrappers(model, &definitions, source, &direct, &[]);
        self.own = Some(Box::new(Summary { direct, wrappers }));
    }
}

/// The modules a file imports, each as a hash of what names it: a relative specifier's
/// path (`./auth` from `src/app` is `src/app/auth`, with a script extension left out), a
/// Python module's dotted name and each `module.name` it imports from (`from a.b import c`:
/// `a.b` and `a.b.c`, either may be a module), a relative Python import's path. A module of
/// the table is a candidate importee when one of its own keys ([`module_keys`]) is among
/// them; the candidates are then parsed and resolved exactly. Hashes, not names: a file's
/// imports cost a few bytes each, and a collision only makes one more candidate.
#[derive(Debug, Default)]
struct ImportKeys(Box<[u32]>);

impl ImportKeys {
    fn of_specifiers<'s>(path: &Path, specifiers: impl Iterator<Item = &'s str>) -> Self {
        let directory = path.parent().unwrap_or(Path::new(""));
        let mut keys = Vec::new();
        for specifier in specifiers {
            if !(specifier.starts_with("./") || specifier.starts_with("../")) {
                continue;
            }
            let base = normalize(&directory.join(specifier));
            keys.push(path_key(WHOLE, &base));
            if base
                .extension()
                .is_some_and(|e| SCRIPT_EXTENSIONS.iter().any(|x| e == *x))
            {
                keys.push(path_key(WHOLE, &base.with_extension("")));
            }
        }
        ImportKeys::from(keys)
    }

    fn of_python(path: &Path, bytes: &[u8]) -> Self {
        let directory = normalize(path.parent().unwrap_or(Path::new("")));
        let mut keys = Vec::new();
        for (module, names) in python_imports(bytes) {
            let dots = module.len() - module.trim_start_matches('.').len();
            if dots == 0 {
                // `import m`, `from m import *`: the module as a whole; `from m import x`:
                // the name `x` of `m`, or its submodule `m.x`.
                if names.is_empty() || names.iter().any(|n| n == "*") {
                    keys.push(dotted_key(WHOLE, &module));
                }
                for name in names.iter().filter(|n| *n != "*") {
                    let dotted = format!("{module}.{name}");
                    keys.push(dotted_key(WHOLE, &dotted));
                    keys.push(dotted_key(NAME, &dotted));
                }
                continue;
            }
            let mut base = directory.clone();
            for _ in 1..dots {
                base.pop();
            }
            let target = module
                .trim_start_matches('.')
                .split('.')
                .filter(|p| !p.is_empty())
                .fold(base, |p, part| p.join(part));
            if names.iter().any(|n| n == "*") {
                keys.push(path_key(WHOLE, &target));
            }
            for name in names.iter().filter(|n| *n != "*") {
                let named = target.join(name);
                keys.push(path_key(WHOLE, &named));
                keys.push(path_key(NAME, &named));
            }
        }
        ImportKeys::from(keys)
    }

    fn from(mut keys: Vec<u32>) -> Self {
        keys.sort_unstable();
        keys.dedup();
        ImportKeys(keys.into_boxed_slice())
    }

    fn any_of(&self, wanted: &HashSet<u32>) -> bool {
        self.0.iter().any(|k| wanted.contains(k))
    }
}

/// File endings a relative specifier may leave out (as `semantic::Exports` resolves them).
const SCRIPT_EXTENSIONS: &[&str] = &["js", "jsx", "mjs", "cjs", "ts", "tsx", "mts", "cts"];

/// A key of a module imported as a whole (a JavaScript specifier, `import m`, `from m import
/// *`, or a name that may be a submodule).
const WHOLE: u8 = b'w';
/// A key of one name imported from a Python module (`from m import name`).
const NAME: u8 = b'n';

fn hash_key(kind: u8, text: &[u8]) -> u32 {
    use std::hash::{Hash, Hasher};
    // Fixed keys: the same on every run.
    let mut hasher = std::hash::DefaultHasher::new();
    kind.hash(&mut hasher);
    text.hash(&mut hasher);
    hasher.finish() as u32
}

fn path_key(kind: u8, path: &Path) -> u32 {
    hash_key(kind, path.as_os_str().as_encoded_bytes())
}

fn dotted_key(kind: u8, dotted: &str) -> u32 {
    hash_key(kind.to_ascii_uppercase(), dotted.as_bytes())
}

/// The keys an import of one of the wrappers of `module` (at `path`) has: the module as a
/// whole, and for a Python module each wrapper by name (see [`ImportKeys`]).
fn module_keys(path: &Path, module: &Module) -> Vec<u32> {
    let stemmed = if path
        .file_stem()
        .is_some_and(|s| s == "__init__" || s == "index")
    {
        path.parent().map(Path::to_path_buf)
    } else {
        None
    };
    let mut keys = vec![
        path_key(WHOLE, path),
        path_key(WHOLE, &path.with_extension("")),
    ];
    if let Some(directory) = &stemmed {
        keys.push(path_key(WHOLE, directory));
    }
    if module
        .language
        .is_some_and(|l| l.family() == Family::Python)
    {
        // Every dotted tail of the module's path (`auth`, `service.auth`, ...): an absolute
        // import names one of them.
        let module_path = stemmed.unwrap_or_else(|| path.with_extension(""));
        let names: Vec<&str> = module
            .wrappers
            .iter()
            .map(|w| w.name.as_str())
            .filter(|n| !n.is_empty())
            .collect();
        for name in &names {
            keys.push(path_key(NAME, &module_path.join(name)));
        }
        let parts = normal_parts(&module_path);
        for start in 0..parts.len() {
            let tail = parts[start..].join(".");
            keys.push(dotted_key(WHOLE, &tail));
            for name in &names {
                keys.push(dotted_key(NAME, &format!("{tail}.{name}")));
            }
        }
    }
    keys
}

/// The imports of a Python file's text, without parsing: every statement that starts a line
/// with `import` or `from` (a parenthesised or continued one over its lines), as the module
/// and the names it imports from it (none for `import m`). A superset of its imports:
/// prose that reads like one adds a candidate, never loses one.
fn python_imports(bytes: &[u8]) -> Vec<(String, Vec<String>)> {
    // Lines are looked at as bytes: only an import statement's lines become text (most of
    // a file is not, and need not be valid UTF-8 for its imports to be read).
    let mut out = Vec::new();
    let mut lines = bytes
        .split(|&b| b == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line));
    while let Some(line) = lines.next() {
        let start = line
            .iter()
            .position(|&b| b != b' ' && b != b'\t')
            .unwrap_or(line.len());
        let trimmed = &line[start..];
        let is_from = trimmed.starts_with(b"from ") || trimmed.starts_with(b"from\t");
        let is_import = trimmed.starts_with(b"import ") || trimmed.starts_with(b"import\t");
        if !is_from && !is_import {
            continue;
        }
        let mut statement = String::from_utf8_lossy(trimmed).into_owned();
        // A parenthesised list or a backslash continuation goes on.
        while (statement.contains('(') && !statement.contains(')'))
            || statement.trim_end().ends_with('\\')
        {
            let Some(next) = lines.next() else { break };
            statement = statement.trim_end().trim_end_matches('\\').to_string();
            statement.push(' ');
            statement.push_str(&String::from_utf8_lossy(next));
        }
        let statement = statement.split('#').next().unwrap_or("");
        let statement = statement.split(';').next().unwrap_or("");
        let first_word = |s: &str| {
            s.trim()
                .trim_matches(|c| c == '(' || c == ')')
                .split_whitespace()
                .next()
                .map(str::to_string)
        };
        let dotted = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
        };
        if is_from {
            let rest = &statement[4..];
            let Some((module, names)) = rest.split_once(" import") else {
                continue;
            };
            let module = module.trim().to_string();
            if !dotted(&module) {
                continue;
            }
            let names: Vec<String> = names
                .split(',')
                .filter_map(first_word)
                .filter(|n| n == "*" || (dotted(n) && !n.contains('.')))
                .collect();
            out.push((module, names));
        } else {
            for module in statement[6..].split(',').filter_map(first_word) {
                if dotted(&module) && !module.starts_with('.') {
                    out.push((module, Vec::new()));
                }
            }
        }
    }
    out
}

/// The named components of a path (`a/b/c` of `./a/b/c`), for dotted module names.
fn normal_parts(path: &Path) -> Vec<String> {
    path.components()
        .filter_map(|c| match c {
            std::path::Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect()
}

/// The selected rule whose `match.builtin` is `wrapper-use`, if any.
fn wrapper_rule<'r>(selection: &Selection<'r>) -> Option<&'r Rule> {
    selection
        .enabled_rules()
        .map(|(_, rule)| rule)
        .find(|rule| matches!(rule.matcher, Matcher::Builtin(Builtin::WrapperUse)))
}

/// True when the wrapper rule is selected: the per-file pass then keeps [`FileFacts`].
pub(crate) fn enabled(selection: &Selection<'_>) -> bool {
    wrapper_rule(selection).is_some()
}

/// The ranges of a file's findings of ADAL rules (not of the wrapper rule's own pack).
fn direct_ranges(
    diagnostics: &[Diagnostic],
    selection: &Selection<'_>,
    own_pack: &str,
) -> Vec<Range<usize>> {
    diagnostics
        .iter()
        .filter(|d| {
            selection
                .registry
                .rules
                .iter()
                .find(|r| r.id == d.rule)
                .is_none_or(|r| *r.pack != *own_pack)
        })
        .map(|d| d.range.clone())
        .collect()
}

/// Finds the project's wrappers of ADAL and adds a finding for every use of one from
/// another module to that module's report. `reports` are in `files`' order.
///
/// Round 0 takes the wrappers the per-file pass summarised (or scans the few modules whose
/// findings changed since). Each later round parses, in parallel, only the modules that
/// import a module whose wrappers grew in the round before (by [`ImportKeys`]), and
/// records their uses and the wrappers they define in turn; rounds stop when no wrapper is
/// added. One file's text and tree are held by a worker while it is scanned, and dropped.
pub(crate) fn report_uses(
    files: &[SourcePath],
    reports: &mut [FileReport],
    selection: &Selection<'_>,
    time_limit: std::time::Duration,
) {
    let Some(rule) = wrapper_rule(selection) else {
        return;
    };
    let eligible =
        |i: usize| is_code(files[i].language) && !crate::notebook::is_notebook(&files[i].path);
    let direct: Vec<Vec<Range<usize>>> = reports
        .iter()
        .map(|report| direct_ranges(&report.diagnostics, selection, &rule.pack))
        .collect();
    let paths: Vec<PathBuf> = files.iter().map(|f| normalize(&f.path)).collect();
    let mut table = Table::default();
    let mut uses: BTreeMap<usize, Scan> = BTreeMap::new();
    // Round 0: the modules with findings of their own.
    let mut summarised: Vec<(usize, Vec<Wrapper>)> = Vec::new();
    let mut rescan: Vec<usize> = Vec::new();
    for i in (0..files.len()).filter(|&i| !direct[i].is_empty() && eligible(i)) {
        match reports[i].wrapping.own.take() {
            Some(summary) if summary.direct == direct[i] => summarised.push((i, summary.wrappers)),
            _ => rescan.push(i),
        }
    }
    let scanned = scan_all(
        files, reports, &paths, &direct, &table, rule, &rescan, None, time_limit,
    );
    let mut grown: Vec<usize> = Vec::new();
    let add = |table: &mut Table, i: usize, wrappers: Vec<Wrapper>, grown: &mut Vec<usize>| {
        let module = table
            .modules
            .entry(paths[i].clone())
            .or_insert_with(|| Module {
                display: reports[i].display_path.clone(),
                language: Some(files[i].language),
                wrappers: Vec::new(),
            });
        for wrapper in wrappers {
            if !module.wrappers.iter().any(|w| w.name == wrapper.name) {
                module.wrappers.push(wrapper);
                if !grown.contains(&i) {
                    grown.push(i);
                }
            }
        }
    };
    let mut round0: Vec<(usize, Vec<Wrapper>)> = summarised;
    for (i, scan) in scanned {
        round0.push((i, scan.wrappers.clone()));
        uses.insert(i, scan);
    }
    round0.sort_by_key(|(i, _)| *i);
    for (i, wrappers) in round0 {
        add(&mut table, i, wrappers, &mut grown);
    }
    table.index();
    for _ in 0..MAX_ROUNDS {
        if grown.is_empty() {
            break;
        }
        // Each grown module: the keys of its imports, and the names of its wrappers (none
        // when one is its default export, imported under any name). A module that imports
        // it also names one of those in its text, or it is not parsed.
        let grown_modules: Vec<(HashSet<u32>, Option<AhoCorasick>)> = grown
            .iter()
            .map(|&i| {
                let module = &table.modules[&paths[i]];
                let keys: HashSet<u32> = module_keys(&paths[i], module).into_iter().collect();
                let names = if module.wrappers.iter().any(|w| w.name.is_empty()) {
                    None
                } else {
                    AhoCorasick::new(module.wrappers.iter().map(|w| w.name.as_str())).ok()
                };
                (keys, names)
            })
            .collect();
        let candidates: Vec<usize> = (0..files.len())
            .filter(|&i| {
                eligible(i)
                    && grown_modules
                        .iter()
                        .any(|(keys, _)| reports[i].wrapping.keys.any_of(keys))
            })
            .collect();
        let filters: Vec<Vec<&AhoCorasick>> = candidates
            .iter()
            .map(|&i| {
                let imported: Vec<&Option<AhoCorasick>> = grown_modules
                    .iter()
                    .filter(|(keys, _)| reports[i].wrapping.keys.any_of(keys))
                    .map(|(_, names)| names)
                    .collect();
                if imported.iter().any(|names| names.is_none()) {
                    Vec::new()
                } else {
                    imported.into_iter().flatten().collect()
                }
            })
            .collect();
        let scanned = scan_all(
            files,
            reports,
            &paths,
            &direct,
            &table,
            rule,
            &candidates,
            Some(&filters),
            time_limit,
        );
        grown = Vec::new();
        for (i, mut scan) in scanned {
            let wrappers = std::mem::take(&mut scan.wrappers);
            add(&mut table, i, wrappers, &mut grown);
            uses.insert(i, scan);
        }
        table.index();
        grown.sort_unstable();
    }
    for (i, scan) in uses {
        if scan.uses.is_empty() {
            continue;
        }
        let report = &mut reports[i];
        if report.source.is_none() {
            report.source = scan.source;
        }
        report.diagnostics.extend(scan.uses);
        report.diagnostics.sort_by(|a, b| {
            (a.range.start, a.range.end, &*a.rule).cmp(&(b.range.start, b.range.end, &*b.rule))
        });
    }
    for report in reports.iter_mut() {
        report.wrapping = FileFacts::default();
    }
}

/// Scans the files `indices` in parallel against the table as it is; the results are in
/// `indices`' order. With `filters` (one list per index), a file whose text spells none of
/// its list's names (as whole words) is not parsed: it cannot name a wrapper that grew. An
/// empty list filters nothing.
#[allow(clippy::too_many_arguments)]
fn scan_all(
    files: &[SourcePath],
    reports: &[FileReport],
    paths: &[PathBuf],
    direct: &[Vec<Range<usize>>],
    table: &Table,
    rule: &Rule,
    indices: &[usize],
    filters: Option<&[Vec<&AhoCorasick>]>,
    time_limit: std::time::Duration,
) -> Vec<(usize, Scan)> {
    indices
        .par_iter()
        .enumerate()
        .map_init(
            || Parsers::with_time_limit(time_limit),
            |parsers, (at, &i)| {
                let report = &reports[i];
                let text = text_of(&files[i], report)?;
                let finders = filters.map_or(&[][..], |f| &f[at][..]);
                if !finders.is_empty() && !finders.iter().any(|f| names_one(f, text.as_bytes())) {
                    return None;
                }
                let starts: Vec<usize> = report.diagnostics.iter().map(|d| d.range.start).collect();
                let keep = report.source.is_none();
                let scan = crate::lint::isolated(&files[i].path, || {
                    scan(
                        parsers, &files[i], &paths[i], &text, &direct[i], &starts, table, rule,
                        keep,
                    )
                })
                .ok()
                .flatten()?;

                Some((i, scan))
            },
        )
        .collect::<Vec<_>>()
        .into_iter()
        .flatten()
        .collect()
}

/// True when `bytes` spell one of the finder's names as a whole word.
fn names_one(finder: &AhoCorasick, bytes: &[u8]) -> bool {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
    finder.find_overlapping_iter(bytes).any(|m| {
        (m.start() == 0 || !word(bytes[m.start() - 1]))
            && (m.end() == bytes.len() || !word(bytes[m.end()]))
    })
}

fn is_code(language: Language) -> bool {
    matches!(language.family(), Family::Python | Family::JavaScript) && language != Language::Html
}

/// The text of a file as its report refers to it: the fixed text, the text kept, or the
/// file on disk (unchanged by this run).
fn text_of(file: &SourcePath, report: &FileReport) -> Option<String> {
    if report.fixed.is_some() || report.source.is_some() {
        return Some(report.diagnostic_text().to_string());
    }
    let bytes = std::fs::read(&file.path).ok()?;
    if bytes.len() as u64 > crate::lint::MAX_FILE_SIZE {
        return None;
    }
    SourceText::decode(&bytes)
        .ok()
        .map(|s| s.text().to_string())
}

/// What one module holds: its wrappers, and its uses of other modules' wrappers (the
/// suppressed ones left out), with its text when the report has none and a use is found.
struct Scan {
    wrappers: Vec<Wrapper>,
    uses: Vec<Diagnostic>,
    source: Option<SourceText>,
}

/// Parses one module and resolves its uses of the table's wrappers. `starts` are where the
/// file's findings start: a use on a line that is a direct ADAL site
/// (`config.authContext.logOut()`) is reported once, by the rule for that site.
#[allow(clippy::too_many_arguments)]
fn scan(
    parsers: &mut Parsers,
    file: &SourcePath,
    path: &Path,
    text: &str,
    direct: &[Range<usize>],
    starts: &[usize],
    table: &Table,
    rule: &Rule,
    keep_source: bool,
) -> Option<Scan> {
    let parsed = parsers.parse_file(file.language, text)?;
    let vocabulary = crate::semantic::Vocabulary::default();
    let model = Model::build(parsed.language, &parsed.script, text, &vocabulary);
    let source = SourceText::new(text);
    let directory = path.parent().unwrap_or(Path::new(""));
    let mut found: Vec<(Range<usize>, String, &Wrapper, &Module)> = Vec::new();
    // Whether each use hands the wrapper (or an instance of it) out of the definition it
    // is in: returned, or the value a top-level name is given. Only such a definition is
    // a wrapper in turn; one that uses a wrapper inside keeps it to itself.
    let mut exposed: Vec<bool> = Vec::new();
    let python = file.language.family() == Family::Python;
    let resolver = Resolver {
        table,
        directory,
        python,
        star_modules: if python {
            model
                .facts
                .scopes
                .first()
                .map(|s| s.star_imports.clone())
                .unwrap_or_default()
        } else {
            Vec::new()
        },
    };
    // Every name, attribute chain or type that resolves to another module's wrapper.
    for reference in &model.facts.references {
        let range = reference.node.byte_range();
        if direct.iter().any(|d| overlaps(d, &range)) {
            continue;
        }
        // The wrapper itself, an instance of it, or one of its members: not what a member
        // returns (`user.profile.name` of `service.getUser()` is the result's business).
        let value = model.evaluate(reference.node);
        let qualified = match &value {
            Value::Symbol(s) if member_depth(s) <= 1 => s.as_str(),
            Value::Object { of, .. } if member_depth(of) == 0 => of.as_str(),
            _ => continue,
        };
        if let Some((module, wrapper)) = resolver.wrapper_of(qualified) {
            if wrapper.kind == Kind::Function && matches!(value, Value::Object { .. }) {
                continue;
            }
            exposed.push(exposes(reference.node));
            found.push((
                range,
                model.text(reference.node).to_string(),
                wrapper,
                module,
            ));
        }
    }
    // ADAL's token keys read on what a wrapper returns (`get_token()["accessToken"]`).
    for read in &model.facts.key_reads {
        let range = read.node.byte_range();
        if direct.iter().any(|d| overlaps(d, &range)) {
            continue;
        }
        if !model
            .key_name(&read.key)
            .is_some_and(|k| ADAL_TOKEN_KEYS.contains(&k.as_str()))
        {
            continue;
        }
        let Value::Object { of, .. } = model.evaluate(read.object) else {
            continue;
        };
        if let Some((module, wrapper)) = resolver.wrapper_of(&of) {
            exposed.push(false);
            found.push((range, model.text(read.node).to_string(), wrapper, module));
        }
    }
    // Python's relative imports (`from .tokens import get_token`) bind no qualified name:
    // read from the statements.
    if python {
        let root = parsed.script.root_node();
        let mut cursor = root.walk();
        let statements: Vec<Node<'_>> = root
            .named_children(&mut cursor)
            .filter(|n| n.kind() == "import_from_statement")
            .collect();
        for statement in statements {
            let Some(module_node) = statement
                .child_by_field_name("module_name")
                .filter(|m| m.kind() == "relative_import")
            else {
                continue;
            };
            let module_text: String = model
                .text(module_node)
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            let mut cursor = statement.walk();
            let names: Vec<Node<'_>> = statement
                .children_by_field_name("name", &mut cursor)
                .collect();
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
                let Some((module, wrapper)) =
                    resolver.python_relative(&module_text, model.text(member))
                else {
                    continue;
                };
                exposed.push(false);
                found.push((
                    name.byte_range(),
                    model.text(local).to_string(),
                    wrapper,
                    module,
                ));
                let bindings = model.lookup(model.text(local), statement.end_byte());
                for binding in bindings
                    .into_iter()
                    .filter(|&b| model.facts.bindings[b].range == local.byte_range())
                {
                    for read in model.binding_reads(binding) {
                        if !direct.iter().any(|d| overlaps(d, &read)) {
                            exposed.push(false);
                            found.push((read.clone(), text[read].to_string(), wrapper, module));
                        }
                    }
                }
            }
        }
    }
    // The imports of wrappers (Python relative imports have no qualified name: they are
    // read from the statement).
    for site in &model.facts.imports {
        for name in &site.names {
            let binding = &model.facts.bindings[name.binding];
            let imported = match &binding.value {
                BindingValue::Import(q) => Some(q.clone()),
                BindingValue::TypeOnly(inner) => match &**inner {
                    BindingValue::Import(q) => Some(q.clone()),
                    _ => None,
                },
                _ => None,
            };
            let hit = match imported {
                Some(q) => resolver.wrapper_of(&q).or_else(|| {
                    // A namespace or default import of a module with wrappers: an import
                    // of the module, whose uses are reported one by one.
                    resolver
                        .module_of(&q)
                        .filter(|_| found.iter().any(|f| f.1.starts_with(&binding.name)))
                        .and_then(|m| m.wrappers.first().map(|w| (m, w)))
                }),
                None => None,
            };
            if let Some((module, wrapper)) = hit {
                exposed.push(false);
                found.push((name.range.clone(), binding.name.clone(), wrapper, module));
            }
        }
    }
    let exposing: Vec<Range<usize>> = found
        .iter()
        .zip(&exposed)
        .filter(|(_, e)| **e)
        .map(|(f, _)| f.0.clone())
        .collect();
    // One finding per line.
    found.sort_by_key(|f| (f.0.start, f.0.end));
    found.dedup_by(|a, b| {
        overlaps(&a.0, &b.0) || source.position(a.0.start).line == source.position(b.0.start).line
    });
    let through: Vec<(Range<usize>, String)> = found
        .iter()
        .filter(|f| exposing.iter().any(|e| overlaps(e, &f.0)))
        .map(|f| (f.0.clone(), f.2.shown.clone()))
        .collect();
    let definitions = definitions(&model, parsed.script.root_node(), file.language);
    let wrappers = module_wrappers(&model, &definitions, &source, direct, &through);
    let direct_lines: HashSet<usize> = starts.iter().map(|&s| source.line_index(s)).collect();
    let uses: Vec<Diagnostic> = found
        .into_iter()
        .filter(|f| !direct_lines.contains(&source.line_index(f.0.start)))
        .map(|(range, spelled, wrapper, module)| finding(rule, range, &spelled, wrapper, module))
        .collect();
    // `adalint: ignore[adal-wrapper-use]` covers a use like any finding.
    let uses = if uses.is_empty() {
        uses
    } else {
        let mut directives = crate::suppression::directives(&[&parsed.script], &source);
        crate::suppression::apply(&mut directives, uses, &source)
    };
    let source = (keep_source && !uses.is_empty()).then_some(source);
    Some(Scan {
        wrappers,
        uses,
        source,
    })
}

/// The wrappers among a module's definitions: those that hold one of its own ADAL findings
/// (`direct`), or hand out a use of another module's wrapper (`through`: the use and the
/// wrapper's name), and, in turn, those that hand out one of these.
fn module_wrappers(
    model: &Model<'_>,
    definitions: &[Definition],
    source: &SourceText,
    direct: &[Range<usize>],
    through: &[(Range<usize>, String)],
) -> Vec<Wrapper> {
    let mut wrappers = Vec::new();
    for definition in definitions {
        let through_finding = direct.iter().any(|d| inside(d, &definition.range));
        let via = through
            .iter()
            .find(|f| inside(&f.0, &definition.range))
            .map(|f| f.1.clone());
        if !through_finding && via.is_none() {
            continue;
        }
        let via = if through_finding { None } else { via };
        wrappers.extend(definition.wrappers(source, via));
    }
    // A definition that hands out a wrapper of its own module (returns it, is an instance
    // of it, or says so in its return type) is one in turn.
    for _ in 0..MAX_ROUNDS {
        let mut added = false;
        for definition in definitions {
            if definition
                .names
                .iter()
                .any(|n| wrappers.iter().any(|w: &Wrapper| &w.name == n))
            {
                continue;
            }
            let via = wrappers.iter().find(|w| {
                !w.shown.is_empty()
                    && model.facts.name_reads.iter().any(|read| {
                        inside(&read.byte_range(), &definition.range)
                            && model.text(*read) == w.shown
                            && (exposes(*read) || in_return_type(*read))
                    })
            });
            let Some(via) = via.map(|w| w.shown.clone()) else {
                continue;
            };
            wrappers.extend(definition.wrappers(source, Some(via)));
            added = true;
        }
        if !added {
            break;
        }
    }
    wrappers
}

/// How many `#` steps a qualified name takes past its symbol (`m:Service#login` one).
fn member_depth(qualified: &str) -> usize {
    qualified.matches('#').count()
}

/// True when the use at `node` leaves the definition it is in: it is returned, or it (or
/// an instance made from it) is the value a top-level name is given.
fn exposes(node: Node<'_>) -> bool {
    let mut current = node;
    while let Some(parent) = current.parent() {
        match parent.kind() {
            "return_statement" => return true,
            "new_expression"
            | "await_expression"
            | "parenthesized_expression"
            | "await"
            | "as_expression"
            | "non_null_expression" => current = parent,
            "call_expression" | "call"
                if parent.child_by_field_name("function") == Some(current) =>
            {
                current = parent;
            }
            "variable_declarator" | "assignment" => {
                let is_value = parent.child_by_field_name("value") == Some(current)
                    || parent.child_by_field_name("right") == Some(current);
                let top_level = parent
                    .parent()
                    .and_then(|statement| statement.parent())
                    .is_some_and(|p| matches!(p.kind(), "program" | "module" | "export_statement"));
                return is_value && top_level;
            }
            _ => return false,
        }
    }
    false
}

/// True when `node` is part of a function's return type (`getClient(): TokenClient`).
fn in_return_type(node: Node<'_>) -> bool {
    let mut current = node;
    while let Some(parent) = current.parent() {
        if parent.child_by_field_name("return_type") == Some(current) {
            return true;
        }
        if matches!(
            parent.kind(),
            "statement_block" | "class_body" | "program" | "formal_parameters" | "block"
        ) {
            return false;
        }
        current = parent;
    }
    false
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

fn inside(inner: &Range<usize>, outer: &Range<usize>) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

/// The wrappers found so far, by module path, and the Python modules by every dotted tail
/// of their path (`auth`, `service.auth`, ...), for absolute imports.
#[derive(Default)]
struct Table {
    modules: BTreeMap<PathBuf, Module>,
    python: HashMap<String, Vec<PathBuf>>,
}

impl Table {
    /// Indexes the Python modules (after modules were added).
    fn index(&mut self) {
        self.python.clear();
        for (path, module) in &self.modules {
            if module.language.is_none_or(|l| l.family() != Family::Python) {
                continue;
            }
            let stemmed = if path.file_stem().is_some_and(|s| s == "__init__") {
                path.parent().map(Path::to_path_buf)
            } else {
                Some(path.with_extension(""))
            };
            let Some(stemmed) = stemmed else { continue };
            let parts = normal_parts(&stemmed);
            for start in 0..parts.len() {
                self.python
                    .entry(parts[start..].join("."))
                    .or_default()
                    .push(path.clone());
            }
        }
    }
}

/// Resolves qualified names of one module to the wrappers of the table.
struct Resolver<'a> {
    table: &'a Table,
    directory: &'a Path,
    python: bool,
    /// The modules a Python module imports with `from m import *` (a name they define is
    /// evaluated as the last one's: any of them may define it).
    star_modules: Vec<String>,
}

impl<'a> Resolver<'a> {
    /// The module a qualified name's module part names, with the rest.
    fn split<'q>(&self, qualified: &'q str) -> Option<(&'a Module, &'q str)> {
        if self.python {
            let parts: Vec<&str> = qualified.split(['.', '#']).collect();
            // The longest module path first (`pkg.auth` before `pkg`).
            for cut in (1..parts.len()).rev() {
                let module = parts[..cut].join(".");
                let rest_start = module.len() + 1;
                if let Some(found) = self.python_module(&module) {
                    return Some((found, &qualified[rest_start.min(qualified.len())..]));
                }
            }
            return None;
        }
        let (specifier, rest) = qualified.split_once(':')?;
        if !(specifier.starts_with("./") || specifier.starts_with("../")) {
            return None;
        }
        let base = normalize(&self.directory.join(specifier));
        let module = module_files(&base)
            .into_iter()
            .find_map(|path| self.table.modules.get(&path))?;
        Some((module, rest))
    }

    fn module_of(&self, qualified: &str) -> Option<&'a Module> {
        self.split(qualified).map(|(module, _)| module)
    }

    /// The wrapper a qualified name is, or is a member of.
    fn wrapper_of(&self, qualified: &str) -> Option<(&'a Module, &'a Wrapper)> {
        self.wrapper_named(qualified).or_else(|| {
            let rest = self.star_modules.iter().find_map(|m| {
                qualified
                    .strip_prefix(m.as_str())
                    .and_then(|r| r.strip_prefix('.'))
            })?;
            self.star_modules
                .iter()
                .find_map(|m| self.wrapper_named(&format!("{m}.{rest}")))
        })
    }

    fn wrapper_named(&self, qualified: &str) -> Option<(&'a Module, &'a Wrapper)> {
        let (module, rest) = self.split(qualified)?;
        let export = rest.split(['.', '#']).next().unwrap_or("");
        let export = if export == "default" { "" } else { export };
        module
            .wrappers
            .iter()
            .find(|w| w.name == export)
            .map(|w| (module, w))
    }

    /// A Python module by dotted path: a file whose path ends with it (the nearest to the
    /// importing module when several do).
    fn python_module(&self, dotted: &str) -> Option<&'a Module> {
        let mut best: Option<(usize, &'a Module)> = None;
        for path in self.table.python.get(dotted)? {
            let Some(module) = self.table.modules.get(path) else {
                continue;
            };
            let shared = path
                .components()
                .zip(self.directory.components())
                .take_while(|(a, b)| a == b)
                .count();
            if best.is_none_or(|(s, _)| shared > s) {
                best = Some((shared, module));
            }
        }
        best.map(|(_, m)| m)
    }

    /// `from .auth import get_token` (`module` is `.auth`), or `from . import auth`.
    fn python_relative(&self, module: &str, member: &str) -> Option<(&'a Module, &'a Wrapper)> {
        let dots = module.len() - module.trim_start_matches('.').len();
        let mut base = self.directory.to_path_buf();
        for _ in 1..dots {
            base.pop();
        }
        let rest = module.trim_start_matches('.');
        let target = if rest.is_empty() {
            base.join(member)
        } else {
            rest.split('.').fold(base, |p, part| p.join(part))
        };
        let found = [target.with_extension("py"), target.join("__init__.py")]
            .into_iter()
            .find_map(|path| self.table.modules.get(&normalize(&path)))?;
        let export = if rest.is_empty() { "" } else { member };
        found
            .wrappers
            .iter()
            .find(|w| w.name == export || export.is_empty())
            .map(|w| (found, w))
    }
}

/// The finding for one use of a wrapper.
fn finding(
    rule: &Rule,
    range: Range<usize>,
    spelled: &str,
    wrapper: &Wrapper,
    module: &Module,
) -> Diagnostic {
    let shown = &wrapper.shown;
    let spelled = spelled.lines().next().unwrap_or(spelled).trim();
    let through = match &wrapper.via {
        Some(via) => format!(", through `{via}`"),
        None => String::new(),
    };
    let successor = match module.language.map(Language::family) {
        Some(Family::Python) => {
            "MSAL's result dict (`access_token`, `expires_in`) or an azure-identity credential's `get_token()` (`.token`, `.expires_on`)"
        }
        _ => {
            "MSAL's `AuthenticationResult` (`accessToken`, `expiresOn` as a `Date`, `account`) or an `@azure/msal-*` client"
        }
    };
    let subject = if spelled == shown.as_str() {
        String::from("a use of")
    } else {
        format!("`{spelled}` is a use of")
    };
    let message = format!(
        "{subject} `{shown}` ({}:{}), this project's wrapper of ADAL{through}: once `{shown}` is migrated it works with {successor}; check this use against its new API",
        module.display, wrapper.line
    );
    Diagnostic {
        rule: rule.id.clone(),
        severity: rule.severity,
        message,
        range,
        help: rule.help.clone(),
        url: rule.url.clone(),
        fix: None,
        related: vec![Related {
            path: module.display.clone(),
            symbol: shown.clone(),
            line: wrapper.line,
            column: wrapper.column,
            message: format!("`{shown}` wraps ADAL{through}"),
        }],
    }
}

/// An Angular component, directive, pipe or module: the framework instantiates it, other
/// code only declares it (`declarations: [AppComponent]`), so it is not a wrapper others
/// use. Its own findings are its own.
fn is_angular_declarable(model: &Model<'_>, class: Node<'_>) -> bool {
    let decorated = |node: Node<'_>| {
        let mut cursor = node.walk();
        node.children(&mut cursor).any(|child| {
            child.kind() == "decorator"
                && ["@Component", "@Directive", "@Pipe", "@NgModule"]
                    .iter()
                    .any(|d| model.text(child).starts_with(d))
        })
    };
    decorated(class)
        || class
            .parent()
            .is_some_and(|p| p.kind() == "export_statement" && decorated(p))
}

/// A function's definition or expression is a function; anything else is a value.
fn kind_of(node_kind: &str) -> Kind {
    match node_kind {
        "function_definition"
        | "function_declaration"
        | "generator_function_declaration"
        | "function_expression"
        | "function"
        | "arrow_function"
        | "generator_function" => Kind::Function,
        _ => Kind::Other,
    }
}

/// The top-level definitions of a module, with the names other modules import them by.
fn definitions(model: &Model<'_>, root: Node<'_>, language: Language) -> Vec<Definition> {
    let mut out = Vec::new();
    let mut cursor = root.walk();
    let children: Vec<Node<'_>> = root.named_children(&mut cursor).collect();
    for child in children {
        if language.family() == Family::Python {
            python_definition(model, child, &mut out);
        } else {
            javascript_definition(model, child, &mut out, false);
        }
    }
    out
}

fn define(
    out: &mut Vec<Definition>,
    kind: Kind,
    names: Vec<String>,
    shown: &str,
    range: Range<usize>,
    at: usize,
) {
    out.push(Definition {
        kind,
        names,
        shown: shown.to_string(),
        range,
        name_start: at,
    });
}

fn python_definition(model: &Model<'_>, node: Node<'_>, out: &mut Vec<Definition>) {
    match node.kind() {
        "function_definition" | "class_definition" => {
            if let Some(name) = node.child_by_field_name("name") {
                let text = model.text(name);
                let kind = kind_of(node.kind());
                define(
                    out,
                    kind,
                    vec![text.to_string()],
                    text,
                    node.byte_range(),
                    name.start_byte(),
                );
            }
        }
        "decorated_definition" => {
            if let Some(definition) = node.child_by_field_name("definition") {
                if let Some(name) = definition.child_by_field_name("name") {
                    let text = model.text(name);
                    let kind = kind_of(definition.kind());
                    define(
                        out,
                        kind,
                        vec![text.to_string()],
                        text,
                        node.byte_range(),
                        name.start_byte(),
                    );
                }
            }
        }
        "expression_statement" => {
            let Some(assignment) = node.named_child(0).filter(|n| n.kind() == "assignment") else {
                return;
            };
            if let Some(left) = assignment
                .child_by_field_name("left")
                .filter(|l| l.kind() == "identifier")
            {
                let text = model.text(left);
                define(
                    out,
                    Kind::Other,
                    vec![text.to_string()],
                    text,
                    node.byte_range(),
                    left.start_byte(),
                );
            }
        }
        _ => {}
    }
}

fn javascript_definition(
    model: &Model<'_>,
    node: Node<'_>,
    out: &mut Vec<Definition>,
    default: bool,
) {
    let names = |name: &str| {
        let mut names = vec![name.to_string()];
        if default {
            names.push(String::new());
        }
        names
    };
    match node.kind() {
        "export_statement" => {
            let default = model.text(node).starts_with("export default");
            if let Some(declaration) = node.child_by_field_name("declaration") {
                javascript_definition(model, declaration, out, default);
            } else if let Some(value) = node.child_by_field_name("value") {
                match value.kind() {
                    "class" | "function_expression" | "function" | "arrow_function"
                        if value.child_by_field_name("name").is_some() =>
                    {
                        javascript_definition(model, value, out, true);
                    }
                    _ => define(
                        out,
                        Kind::Other,
                        vec![String::new()],
                        "default export",
                        node.byte_range(),
                        value.start_byte(),
                    ),
                }
            }
        }
        "function_declaration"
        | "generator_function_declaration"
        | "class_declaration"
        | "abstract_class_declaration"
        | "class"
        | "function_expression"
        | "function" => {
            if is_angular_declarable(model, node) {
                return;
            }
            if let Some(name) = node.child_by_field_name("name") {
                let text = model.text(name);
                let kind = kind_of(node.kind());
                define(
                    out,
                    kind,
                    names(text),
                    text,
                    node.byte_range(),
                    name.start_byte(),
                );
            }
        }
        "lexical_declaration" | "variable_declaration" => {
            let mut cursor = node.walk();
            let declarators: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
            for declarator in declarators {
                if let Some(name) = declarator
                    .child_by_field_name("name")
                    .filter(|n| n.kind() == "identifier")
                {
                    let text = model.text(name);
                    let kind = declarator
                        .child_by_field_name("value")
                        .map_or(Kind::Other, |v| kind_of(v.kind()));
                    define(
                        out,
                        kind,
                        names(text),
                        text,
                        declarator.byte_range(),
                        name.start_byte(),
                    );
                }
            }
        }
        "expression_statement" => {
            let Some(assignment) = node
                .named_child(0)
                .filter(|n| n.kind() == "assignment_expression")
            else {
                return;
            };
            let (Some(left), Some(right)) = (
                assignment.child_by_field_name("left"),
                assignment.child_by_field_name("right"),
            ) else {
                return;
            };
            let target = model.text(left);
            let name = match target {
                "module.exports" => String::new(),
                _ => match target
                    .strip_prefix("module.exports.")
                    .or_else(|| target.strip_prefix("exports."))
                {
                    Some(name) if !name.contains('.') => name.to_string(),
                    _ => return,
                },
            };
            if name.is_empty() && right.kind() == "object" {
                let mut cursor = right.walk();
                let entries: Vec<Node<'_>> = right.named_children(&mut cursor).collect();
                for entry in entries {
                    let key = match entry.kind() {
                        "pair" | "method_definition" => entry
                            .child_by_field_name("key")
                            .or_else(|| entry.child_by_field_name("name")),
                        "shorthand_property_identifier" => Some(entry),
                        _ => None,
                    };
                    if let Some(key) = key {
                        let text = model.text(key);
                        // A shorthand entry names a definition of the module: it is that
                        // definition's export too.
                        if let Some(existing) = out.iter_mut().find(|d| {
                            entry.kind() == "shorthand_property_identifier"
                                && d.names.iter().any(|n| n == text)
                        }) {
                            existing.names.push(text.to_string());
                            continue;
                        }
                        let kind = entry
                            .child_by_field_name("value")
                            .map_or(Kind::Function, |v| kind_of(v.kind()));
                        define(
                            out,
                            kind,
                            vec![text.to_string()],
                            text,
                            entry.byte_range(),
                            key.start_byte(),
                        );
                    }
                }
            }
            let shown = if name.is_empty() { target } else { &name };
            if right.kind() == "identifier" {
                let local = model.text(right);
                if let Some(existing) = out.iter_mut().find(|d| d.names.iter().any(|n| n == local))
                {
                    existing.names.push(name);
                    return;
                }
            }
            define(
                out,
                kind_of(right.kind()),
                vec![name.clone()],
                shown,
                node.byte_range(),
                left.start_byte(),
            );
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_imports_are_read_from_the_text_without_parsing() {
        let text = b"import os, service.auth as auth\nfrom .tokens import (\n    get_token,\n    describe as d,\n)\nfrom pkg.mod import *  # all\nif x:\n    from a.b \\\n        import c\nprint('from here import nothing')\n";
        assert_eq!(
            python_imports(text),
            vec![
                ("os".to_string(), vec![]),
                ("service.auth".to_string(), vec![]),
                (
                    ".tokens".to_string(),
                    vec!["get_token".to_string(), "describe".to_string()]
                ),
                ("pkg.mod".to_string(), vec!["*".to_string()]),
                ("a.b".to_string(), vec!["c".to_string()]),
            ]
        );
    }

    #[test]
    fn an_import_has_a_key_of_the_module_it_names() {
        let module = |path: &str, names: &[&str]| Module {
            display: path.to_string(),
            language: Some(if path.ends_with(".py") {
                Language::Python
            } else {
                Language::TypeScript
            }),
            wrappers: names
                .iter()
                .map(|n| Wrapper {
                    kind: Kind::Function,
                    name: n.to_string(),
                    shown: n.to_string(),
                    line: 1,
                    column: 1,
                    via: None,
                })
                .collect(),
        };
        let wanted = |path: &str, names: &[&str]| -> HashSet<u32> {
            module_keys(Path::new(path), &module(path, names))
                .into_iter()
                .collect()
        };
        let python = |text: &[u8]| ImportKeys::of_python(Path::new("/p/app/jobs.py"), text);
        let tokens = wanted("/p/service/tokens.py", &["get_token"]);
        assert!(python(b"from service.tokens import get_token\n").any_of(&tokens));
        assert!(python(b"from service import tokens\n").any_of(&tokens));
        assert!(python(b"import service.tokens\n").any_of(&tokens));
        // A name of the module that is not a wrapper, another module of the same name's
        // parent: no candidate.
        assert!(!python(b"from service.tokens import describe\n").any_of(&tokens));
        assert!(!python(b"from other import get_token\n").any_of(&tokens));
        let sibling = wanted("/p/app/tokens.py", &["get_token"]);
        assert!(python(b"from .tokens import get_token\n").any_of(&sibling));
        assert!(python(b"from . import tokens\n").any_of(&sibling));
        let script = |text: &str| {
            ImportKeys::of_specifiers(Path::new("/p/src/app/jobs.ts"), [text].into_iter())
        };
        let client = wanted("/p/src/auth/client.ts", &["TokenClient"]);
        assert!(script("../auth/client").any_of(&client));
        assert!(script("../auth/client.js").any_of(&client));
        assert!(!script("./client").any_of(&client));
        let index = wanted("/p/src/auth/index.ts", &["TokenClient"]);
        assert!(script("../auth").any_of(&index));
    }
}
