//! Orchestration for one file and for many: read → prefilter → parse → resolve → match →
//! fix (repeated passes, re-parse guard) → write. The only module that touches source files
//! on disk. Work is spread with rayon; results keep the walker's sorted order.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use tree_sitter::{ParseOptions, ParseState, Parser, Tree};

use crate::check::{TemplateCode, check, check_with};
use crate::diagnostic::Diagnostic;
use crate::exclusion;
use crate::fix::{FixThreshold, apply_edits, apply_fixes};
use crate::identity::{self, InventoryItem};
use crate::imports;
use crate::language::{Family, Language};
use crate::manifest::ManifestPath;
use crate::manifest::project;
use crate::page;
use crate::registry::Selection;
use crate::semantic::{
    ComponentTemplate, Exports, Model, ModuleDeclaration, RelativeNames, TemplateScope, Value,
};
use crate::source::{SourceText, Undecodable};
use crate::template::{self, TemplateContext, TemplateKind, Templates};
use crate::walk::{SourcePath, describe_io_error, display};
use crate::wrappers::FileFacts;

mod notebook;

/// What a run does with fixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixMode {
    /// Report only.
    Check,
    /// Apply admitted fixes and write the files.
    Apply(FixThreshold),
    /// Compute admitted fixes and show them as a diff; write nothing.
    Diff(FixThreshold),
}

/// How bad a per-file problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// The file could not be scanned or fixed as asked: the run exits 2.
    Fatal,
    /// The file was scanned, with a limitation worth saying (e.g. fixes withheld).
    Notice,
}

/// A problem with one file.
#[derive(Clone, Debug)]
pub struct FileError {
    pub message: String,
    pub severity: Severity,
}

/// The outcome for one file.
#[derive(Debug)]
pub struct FileReport {
    /// The path as shown to users.
    pub display_path: String,
    pub language: Option<Language>,
    /// The text as read (absent when it could not be read or was never needed).
    pub source: Option<SourceText>,
    /// Findings that remain (after fixing, those not fixed).
    pub diagnostics: Vec<Diagnostic>,
    pub errors: Vec<FileError>,
    /// The new text, when fixes changed the file.
    pub fixed: Option<String>,
    /// How many findings fixes resolved.
    pub fixes_applied: usize,
    pub parsed: bool,
    /// The modules a parsed source file imports, before and after its fixes, for the
    /// manifest phase (`None`: not parsed, or not a source file).
    pub(crate) imports: Option<ImportChange>,
    /// For a source file that was not analysed (no rule could match in it): the retired
    /// packages' modules its text names, which it may import.
    pub(crate) named_modules: Vec<String>,
    /// Literal secrets passed to ADAL calls, as written (quotes included): every output
    /// masks them.
    pub secrets: Vec<String>,
    /// Client ids, authorities and resources passed to ADAL calls.
    pub inventory: Vec<InventoryItem>,
    /// For a notebook, the notebook the findings are in (the fixed one when fixes changed
    /// it): their ranges are on its raw text, and it tells their cells.
    pub notebook: Option<std::sync::Arc<crate::notebook::Notebook>>,
    /// What the project-wrapper pass needs of the file (`wrappers`), dropped by it.
    pub(crate) wrapping: crate::wrappers::FileFacts,
}

/// The modules a source file imports before and after fixes (sorted, without duplicates).
#[derive(Clone, Debug, Default)]
pub(crate) struct ImportChange {
    pub(crate) before: Vec<String>,
    pub(crate) after: Vec<String>,
}

fn imported_modules(model: &Model<'_>) -> Vec<String> {
    let mut modules: Vec<String> = model
        .facts
        .imports
        .iter()
        .flat_map(|site| std::iter::once(site.module.clone()).chain(site.submodules.clone()))
        .collect();
    modules.sort();
    modules.dedup();
    modules
}

impl FileReport {
    /// The text the remaining findings' byte ranges refer to: the fixed text when fixes
    /// changed the file, else the text as read.
    pub fn diagnostic_text(&self) -> &str {
        match (&self.fixed, &self.source) {
            (Some(fixed), _) => fixed,
            (None, Some(source)) => source.text(),
            (None, None) => "",
        }
    }
}

impl FileReport {
    pub(crate) fn new(path: &Path, language: Option<Language>) -> Self {
        FileReport {
            display_path: display(path),
            language,
            source: None,
            diagnostics: Vec::new(),
            errors: Vec::new(),
            fixed: None,
            fixes_applied: 0,
            parsed: false,
            imports: None,
            named_modules: Vec::new(),
            secrets: Vec::new(),
            inventory: Vec::new(),
            notebook: None,
            wrapping: crate::wrappers::FileFacts::default(),
        }
    }

    /// Keeps the file's text for the emitters, which need it only to place findings and
    /// show fixes: a run holds the text of the files it reports on, not of every file it
    /// parsed.
    fn keep_source(&mut self, source: SourceText) {
        if !self.diagnostics.is_empty() || self.fixed.is_some() {
            self.source = Some(source);
        }
    }

    /// Gives up fixing the file with the error `message`: its findings are `original`, those
    /// of the text as read, and so are its imports.
    fn abandon_fixes(&mut self, message: String, original: Vec<Diagnostic>) {
        self.errors.push(FileError {
            message,
            severity: Severity::Fatal,
        });
        self.diagnostics = original;
        if let Some(imports) = self.imports.as_mut() {
            imports.after = imports.before.clone();
        }
    }

    pub(crate) fn fail(mut self, message: String) -> Self {
        self.errors.push(FileError {
            message,
            severity: Severity::Fatal,
        });
        self
    }
}

/// Files larger than this are not scanned.
pub const MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;
/// The stack of every thread that analyses files: room for the deepest recursion the
/// syntax-tree walks allow ([`crate::semantic::MAX_NESTING`] levels, in a debug build too).
/// Only the pages a file's analysis touches are ever allocated.
pub const WORKER_STACK_SIZE: usize = 64 * 1024 * 1024;

/// The pool of threads that analyse files: `threads` workers with [`WORKER_STACK_SIZE`]
/// stacks.
pub fn worker_pool(threads: usize) -> Result<rayon::ThreadPool, rayon::ThreadPoolBuildError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .stack_size(WORKER_STACK_SIZE)
        .thread_name(|index| format!("adalint-worker-{index}"))
        .build()
}

/// Runs one file's work; a panic (a bug in adalint) becomes the error message of that
/// file, so that every other file is still reported. The caller resets whatever per-worker
/// state the panic may have left half-updated.
pub(crate) fn isolated<T>(path: &Path, work: impl FnOnce() -> T) -> Result<T, String> {
    let work = || {
        // Debug builds can be told to fail on one file, so tests can prove the isolation.
        #[cfg(debug_assertions)]
        if std::env::var_os("ADALINT_TEST_PANIC_IN")
            .is_some_and(|name| path.file_name() == Some(name.as_os_str()))
        {
            panic!("a panic injected by ADALINT_TEST_PANIC_IN");
        }
        work()
    };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)) {
        Ok(value) => Ok(value),
        Err(payload) => {
            let detail = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "no message".to_string());
            Err(format!(
                "{INTERNAL_ERROR} while analysing `{}` ({detail}); the file is left unchanged, please report this with the file",
                display(path)
            ))
        }
    }
}

/// How an error from a panic in adalint itself starts.
pub const INTERNAL_ERROR: &str = "internal error";
/// Fix passes per file: a pass applies non-conflicting fixes, the next picks up the rest.
const MAX_PASSES: usize = 8;

/// The settings a lint run needs.
pub struct LintOptions<'a> {
    pub mode: FixMode,
    /// How long one file may take to parse.
    pub parse_time_limit: Duration,
    /// Canonical roots: fixes are never written through a link that leaves them.
    pub roots: &'a [PathBuf],
}

/// Lints every source file, then the dependency manifests and lock files with what the
/// (fixed) sources import; the result is sorted by path, sources before manifests.
pub fn lint_files(
    files: &[SourcePath],
    manifests: &[ManifestPath],
    selection: &Selection<'_>,
    options: &LintOptions<'_>,
) -> Vec<FileReport> {
    let sources = lint_sources(files, selection, options);
    lint_manifests(files, sources, manifests, selection, options)
}

/// Lints source files only; the result has the input's order.
pub fn lint_sources(
    files: &[SourcePath],
    selection: &Selection<'_>,
    options: &LintOptions<'_>,
) -> Vec<FileReport> {
    lint_sources_counted(files, selection, options, &AtomicUsize::new(0))
}

/// [`lint_sources`], adding one to `done` as each file is through the first pass and one
/// as it is finished, two per file in all (for a progress line).
pub fn lint_sources_counted(
    files: &[SourcePath],
    selection: &Selection<'_>,
    options: &LintOptions<'_>,
    done: &AtomicUsize,
) -> Vec<FileReport> {
    let (prepared, project) = collect_project(files, selection, done);
    let mut reports: Vec<FileReport> = files
        .par_iter()
        .zip(prepared)
        .map_init(
            || Parsers::with_time_limit(options.parse_time_limit),
            |parsers, (file, first)| {
                let report = isolated(&file.path, || {
                    lint_file(parsers, file, first, selection, options, &project)
                })
                .unwrap_or_else(|message| {
                    *parsers = Parsers::with_time_limit(options.parse_time_limit);
                    FileReport::new(&file.path, Some(file.language)).fail(message)
                });
                done.fetch_add(1, Ordering::Relaxed);
                report
            },
        )
        .collect();
    // The project's own wrappers of ADAL are known once every file's findings are.
    crate::wrappers::report_uses(files, &mut reports, selection, options.parse_time_limit);
    reports
}

/// Adds the manifests' reports to the sources' (which must be in `files`' order), decided
/// from what the sources import after their fixes; the result is sorted by path.
pub fn lint_manifests(
    files: &[SourcePath],
    sources: Vec<FileReport>,
    manifests: &[ManifestPath],
    selection: &Selection<'_>,
    options: &LintOptions<'_>,
) -> Vec<FileReport> {
    let mut sources = sources;
    let mut manifest_reports =
        project::lint_manifests(manifests, files, &sources, selection, options);
    if manifest_reports.is_empty() {
        return sources;
    }
    // A manifest that is also a source (`setup.py`): its two reports become one change.
    let index: HashMap<&Path, usize> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.path.as_path(), i))
        .collect();
    for (path, manifest) in &mut manifest_reports {
        if let Some(&i) = index.get(path.as_path()) {
            merge_manifest_edits(&files[i], &mut sources[i], manifest, selection);
        }
    }
    let mut keyed: Vec<(PathBuf, usize, FileReport)> = files
        .iter()
        .map(|f| f.path.clone())
        .zip(sources)
        .map(|(path, report)| (path, 0, report))
        .chain(manifest_reports.into_iter().map(|(path, r)| (path, 1, r)))
        .collect();
    keyed.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    keyed.into_iter().map(|(_, _, report)| report).collect()
}

/// A `setup.py` is both a source file and a manifest. When the manifest phase edited it on
/// top of this run's code fixes, the source's report takes the final text, so the file has
/// one change (one diff) from what was read, and its remaining findings are checked again
/// on that text; the manifest's report keeps its own findings, which refer to it too.
fn merge_manifest_edits(
    file: &SourcePath,
    source: &mut FileReport,
    manifest: &mut FileReport,
    selection: &Selection<'_>,
) {
    let (Some(_), Some(text)) = (&source.fixed, &manifest.fixed) else {
        return;
    };
    let mut parsers = Parsers::default();
    let Some(parsed) = parsers
        .parse_file(file.language, text)
        .filter(|p| p.first_syntax_error(text).is_none())
    else {
        return;
    };
    let vocabulary = &selection.registry.vocabulary;
    let model =
        Model::build(parsed.language, &parsed.script, text, vocabulary).in_file(file.language);
    source.diagnostics = check(
        &model,
        &parsed.layers(),
        &[],
        &SourceText::new(text),
        selection,
    );
    source.fixes_applied += manifest.fixes_applied;
    manifest.fixes_applied = 0;
    manifest.source = Some(SourceText::new(text));
    source.fixed = manifest.fixed.take();
}

/// What the first pass kept of one file for the second, so that no file is read or
/// prefiltered twice when once will do.
/// (A file the first pass has no question about, Python, is not read before the second.)
enum Prepared {
    /// Read, and not to be parsed for its own sake.
    Skipped(Skip),
    /// A trigger of a selected rule matched: the bytes, kept for the second pass (only such
    /// files are held in memory between the passes).
    Matched(Vec<u8>),
    /// The file could not be read: why, for the second pass to report.
    Failed(String),
}

/// Why the first pass did not keep a file.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Skip {
    /// No trigger of a selected rule: parsed only if another file links it in (it imports a
    /// module of the project that exports an ADAL object, as its relative specifiers tell,
    /// or names a global a script defines), and only then read again.
    /// With the retired packages' modules it names (for the manifest phase: a file that is
    /// not analysed may still import them).
    NoTrigger(RelativeNames, Vec<String>),
    /// A copy of a retired library's own source: never parsed.
    LibraryCopy,
}

/// Reads a source file, refusing one over the size limit: one `open`, and the size from the
/// open file (a path is looked up once per file).
fn read_source(path: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let describe = |error: std::io::Error| describe_io_error(path, &error);
    let mut file = std::fs::File::open(path).map_err(describe)?;
    let size = file.metadata().map_err(describe)?.len();
    if size > MAX_FILE_SIZE {
        return Err(format!(
            "file is {} MiB, over the {} MiB limit; skipped",
            size / (1024 * 1024),
            MAX_FILE_SIZE / (1024 * 1024)
        ));
    }
    // One byte more than the size, so that reaching the end takes no second allocation.
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0).saturating_add(1));
    file.read_to_end(&mut bytes).map_err(describe)?;
    Ok(bytes)
}

/// Prefilters a file's bytes.
fn classify(
    path: &Path,
    language: Language,
    bytes: Vec<u8>,
    selection: &Selection<'_>,
) -> Prepared {
    if selection.is_library_copy(path, &bytes) {
        Prepared::Skipped(Skip::LibraryCopy)
    } else if selection.may_match_in(language, &bytes) {
        Prepared::Matched(bytes)
    } else {
        let names = match language.family() {
            Family::JavaScript => RelativeNames::of(&bytes),
            _ => RelativeNames::default(),
        };
        Prepared::Skipped(Skip::NoTrigger(
            names,
            selection.retired_modules_named(&bytes),
        ))
    }
}

/// What the first pass learns about the project as a whole, for every file of the second.
#[derive(Default)]
struct Project {
    /// What modules export and classic scripts define globally.
    exports: Exports,
    /// Which HTML files are templates of which components and AngularJS apps.
    templates: Templates,
    /// The react-adal apps migrated as a whole (`react_adal`).
    migrations: crate::react_adal::Migrations,
}

/// What the first pass finds in one file for the project.
#[derive(Default)]
struct Links {
    exports: HashMap<String, Value>,
    globals: HashMap<String, Value>,
    /// Components' template URLs with the names they give.
    components: Vec<(String, TemplateScope)>,
    modules: Vec<ModuleDeclaration>,
    /// The AngularJS modules a page bootstraps.
    bootstraps: Vec<String>,
    /// The libraries of the packs' implicit receivers the module imports.
    libraries: Vec<String>,
}

/// The first pass: reads and prefilters every JavaScript, TypeScript and HTML file, and
/// records what each module that may use a selected rule exports, what each classic script
/// or page defines globally, and which templates components and AngularJS apps have, so
/// that other files' imports, globals and templates resolve. The second pass starts from
/// what this one learnt of each file: that it is to be skipped, with its relative
/// specifiers, or that it matched, in which case it is read again (its bytes are kept only
/// until the project's migrations are planned, not through the second pass).
fn collect_project(
    files: &[SourcePath],
    selection: &Selection<'_>,
    done: &AtomicUsize,
) -> (Vec<Option<Prepared>>, Project) {
    let vocabulary = &selection.registry.vocabulary;
    let read: Vec<(Option<Prepared>, Option<Links>)> = files
        .par_iter()
        .map_init(Parsers::default, |parsers, file| {
            done.fetch_add(1, Ordering::Relaxed);
            if file.language.family() != Family::JavaScript {
                return (None, None);
            }
            match read_source(&file.path) {
                Ok(bytes) => isolated(&file.path, || {
                    let (prepared, links) = first_pass(parsers, file, bytes, selection);
                    (Some(prepared), links)
                })
                .unwrap_or_else(|message| {
                    *parsers = Parsers::default();
                    (Some(Prepared::Failed(message)), None)
                }),
                Err(message) => (Some(Prepared::Failed(message)), None),
            }
        })
        .collect();
    let mut project = Project::default();
    let mut prepared = Vec::with_capacity(read.len());
    for (file, (first, links)) in files.iter().zip(read) {
        if let Some(links) = links {
            project.exports.insert(&file.path, links.exports);
            project.exports.insert_globals(links.globals);
            project
                .exports
                .insert_libraries(&file.path, links.libraries);
            for (url, scope) in links.components {
                project.templates.add_component(&file.path, &url, scope);
            }
            project.templates.add_modules(&file.path, links.modules);
            project.templates.add_page(&file.path, links.bootstraps);
        }
        prepared.push(first);
    }
    project.exports.finish();
    project.templates.finish(vocabulary);
    project.migrations = plan_migrations(files, &prepared);
    // The files a trigger matched are read again by the second pass.
    for first in &mut prepared {
        if matches!(first, Some(Prepared::Matched(_))) {
            *first = None;
        }
    }
    (prepared, project)
}

/// The react-adal apps of the project, planned from what the first pass read.
fn plan_migrations(
    files: &[SourcePath],
    prepared: &[Option<Prepared>],
) -> crate::react_adal::Migrations {
    use crate::react_adal::ProjectFile;
    let project: Vec<_> = files
        .iter()
        .zip(prepared)
        .filter_map(|(file, prepared)| {
            let file_of = match prepared.as_ref()? {
                Prepared::Matched(bytes) => ProjectFile::Read(bytes),
                Prepared::Skipped(Skip::NoTrigger(names, _)) => ProjectFile::Unread(names),
                _ => return None,
            };
            Some((file.path.as_path(), file.language, file_of))
        })
        .collect();
    crate::react_adal::plan(&project, |path| read_source(path).ok())
}

/// What the first pass keeps of one JavaScript, TypeScript or HTML file, and finds in it for
/// the project.
fn first_pass(
    parsers: &mut Parsers,
    file: &SourcePath,
    bytes: Vec<u8>,
    selection: &Selection<'_>,
) -> (Prepared, Option<Links>) {
    // A page that bootstraps an AngularJS app need not name ADAL.
    let bootstraps = match file.language {
        Language::Html => bootstrapped_modules(parsers, &bytes),
        _ => Vec::new(),
    };
    let prepared = classify(&file.path, file.language, bytes, selection);
    let mut links = match &prepared {
        Prepared::Matched(bytes) => SourceText::decode(bytes).ok().and_then(|source| {
            let vocabulary = &selection.registry.vocabulary;
            let parsed = parsers.parse_file(file.language, source.text())?;
            let model = Model::build(parsed.language, &parsed.script, source.text(), vocabulary)
                .in_file(file.language);
            let components = model
                .components()
                .into_iter()
                .filter_map(|c| match c.template {
                    ComponentTemplate::Url(url) => Some((url, c.scope)),
                    ComponentTemplate::Inline(_) => None,
                })
                .collect();
            Some(Links {
                exports: model.exported_values(),
                globals: model.script_globals(),
                components,
                modules: model.angularjs_modules(),
                bootstraps: Vec::new(),
                libraries: model.imported_libraries(),
            })
        }),
        _ => None,
    };
    if !bootstraps.is_empty() {
        links.get_or_insert_with(Links::default).bootstraps = bootstraps;
    }
    (prepared, links)
}

/// The AngularJS modules a page bootstraps (`ng-app`); parsed only when its text says so.
fn bootstrapped_modules(parsers: &mut Parsers, bytes: &[u8]) -> Vec<String> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Vec::new();
    };
    if !["ng-app", "ng:app", "ng_app"]
        .iter()
        .any(|a| text.contains(a))
    {
        return Vec::new();
    }
    parsers
        .parse(Language::Html, text)
        .map(|page| template::bootstrapped_modules(&page, text))
        .unwrap_or_default()
}

/// One tree-sitter parser per language, per worker, and how long one parse may take.
pub(crate) struct Parsers {
    parsers: HashMap<Language, Parser>,
    time_limit: Duration,
}

impl Default for Parsers {
    fn default() -> Self {
        Parsers::with_time_limit(PARSE_TIME_LIMIT)
    }
}

/// The syntax trees of one file: its code, and for an HTML page the page itself.
pub(crate) struct Parsed {
    /// The code, in `language`: the whole file, or a page's scripts at their page offsets.
    pub(crate) script: Tree,
    pub(crate) language: Language,
    /// The HTML tree of a page.
    pub(crate) page: Option<Tree>,
}

impl Parsed {
    /// The byte offset of the first syntax error of the code (for a page, of its scripts)
    /// parsed from `text`.
    pub(crate) fn first_syntax_error(&self, text: &str) -> Option<usize> {
        crate::syntax::first_error(&self.script, self.language, text)
    }

    /// Each tree with the language it was parsed as, for query rules.
    pub(crate) fn layers(&self) -> Vec<(Language, &Tree)> {
        let mut layers = vec![(self.language, &self.script)];
        if let Some(page) = &self.page {
            layers.push((Language::Html, page));
        }
        layers
    }
}

impl Parsers {
    pub(crate) fn with_time_limit(time_limit: Duration) -> Self {
        Parsers {
            parsers: HashMap::new(),
            time_limit,
        }
    }

    fn parser(&mut self, language: Language) -> &mut Parser {
        self.parsers.entry(language).or_insert_with(|| {
            let mut parser = Parser::new();
            parser
                .set_language(&language.grammar())
                .expect("bundled grammars match the tree-sitter version");
            parser
        })
    }

    /// Parses with the time limit: a pathological file (tree-sitter-python's comment
    /// scanner is quadratic on long runs of comment lines) must not stall the run.
    fn parse_limited(&mut self, language: Language, text: &str) -> Option<Tree> {
        let deadline = Instant::now() + self.time_limit;
        let parser = self.parser(language);
        let mut progress = |_: &ParseState| {
            if Instant::now() > deadline {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        };
        let bytes = text.as_bytes();
        let tree = parser.parse_with_options(
            &mut |offset, _| &bytes[offset.min(bytes.len())..],
            None,
            Some(ParseOptions::new().progress_callback(&mut progress)),
        );
        if tree.is_none() {
            // A cancelled parse would otherwise resume on the next call.
            parser.reset();
        }
        tree
    }

    pub(crate) fn parse(&mut self, language: Language, text: &str) -> Option<Tree> {
        self.parser(language)
            .set_included_ranges(&[])
            .expect("the whole text is a valid range");
        self.parse_limited(language, text)
    }

    /// Parses a file of `language`: a page's scripts are parsed within the page text, so
    /// their offsets are page offsets.
    pub(crate) fn parse_file(&mut self, language: Language, text: &str) -> Option<Parsed> {
        if language != Language::Html {
            return Some(Parsed {
                script: self.parse(language, text)?,
                language,
                page: None,
            });
        }
        let page = self.parse(Language::Html, text)?;
        let ranges = page::script_ranges(&page, text);
        let script_language = language.script_language();
        let script = if ranges.is_empty() {
            self.parse(script_language, "")?
        } else {
            self.parser(script_language)
                .set_included_ranges(&ranges)
                .ok()?;
            let tree = self.parse_limited(script_language, text);
            self.parser(script_language)
                .set_included_ranges(&[])
                .expect("the whole text is a valid range");
            tree?
        };
        Some(Parsed {
            script,
            language: script_language,
            page: Some(page),
        })
    }
}

/// The binding expressions of one template of a file, as a shadow program (see `template`),
/// with the names the template reads.
struct TemplateLayer {
    text: String,
    tree: Tree,
    scope: TemplateScope,
}

impl Parsers {
    /// The template layers of a parsed file: the file itself when the project links it to
    /// code (`context`), and the inline templates of the components `model` declares.
    fn templates(
        &mut self,
        parsed: &Parsed,
        model: &Model<'_>,
        context: Option<&TemplateContext>,
    ) -> Vec<TemplateLayer> {
        let text = model.source;
        let mut layers = Vec::new();
        if let (Some(context), Some(page)) = (context, &parsed.page) {
            layers.extend(self.template_layer(context.kind, page, text, context.scope.clone()));
        }
        if matches!(
            parsed.language,
            Language::TypeScript | Language::Tsx | Language::JavaScript
        ) && parsed.page.is_none()
        {
            for component in model.components() {
                let ComponentTemplate::Inline(range) = component.template else {
                    continue;
                };
                if component.scope.is_empty() {
                    continue;
                }
                let Some(markup) = self.parse_range(Language::Html, text, range) else {
                    continue;
                };
                layers.extend(self.template_layer(
                    TemplateKind::Angular,
                    &markup,
                    text,
                    component.scope,
                ));
            }
        }
        layers
    }

    fn template_layer(
        &mut self,
        kind: TemplateKind,
        markup: &Tree,
        text: &str,
        mut scope: TemplateScope,
    ) -> Option<TemplateLayer> {
        if scope.is_empty() {
            return None;
        }
        let (shadow, locals) = template::shadow_program(kind, markup, text);
        if shadow.trim().is_empty() {
            return None;
        }
        scope.retain(|name, _| !locals.contains(name));
        let tree = self.parse(Language::AngularTemplate, &shadow)?;
        Some(TemplateLayer {
            text: shadow,
            tree,
            scope,
        })
    }

    /// Parses the bytes `range` of `text` only, at their offsets in it.
    fn parse_range(
        &mut self,
        language: Language,
        text: &str,
        range: std::ops::Range<usize>,
    ) -> Option<Tree> {
        let point = |offset: usize| {
            let before = &text[..offset];
            let row = before.matches('\n').count();
            let column = offset - before.rfind('\n').map_or(0, |n| n + 1);
            tree_sitter::Point { row, column }
        };
        let included = tree_sitter::Range {
            start_byte: range.start,
            end_byte: range.end,
            start_point: point(range.start),
            end_point: point(range.end),
        };
        self.parser(language)
            .set_included_ranges(&[included])
            .ok()?;
        let tree = self.parse_limited(language, text);
        self.parser(language)
            .set_included_ranges(&[])
            .expect("the whole text is a valid range");
        tree
    }
}

/// How long one file may take to parse, by default, before it is reported and skipped.
pub const PARSE_TIME_LIMIT: Duration = Duration::from_secs(20);

/// Why a file with a source file's name is not read as one.
const BINARY: &str = "binary file (it contains NUL bytes) with a source file's name; skipped";

fn lint_file(
    parsers: &mut Parsers,
    file: &SourcePath,
    first: Option<Prepared>,
    selection: &Selection<'_>,
    options: &LintOptions<'_>,
    project: &Project,
) -> FileReport {
    let exports = &project.exports;
    let mut report = FileReport::new(&file.path, Some(file.language));
    if notebook::is_notebook(&file.path) {
        return match read_source(&file.path) {
            Ok(bytes) => {
                notebook::lint_notebook(parsers, file, &bytes, selection, options, project, report)
            }
            Err(message) => report.fail(message),
        };
    }
    // The project-wrapper pass learns what each file imports from the read that is made
    // anyway (a JavaScript file skipped by the first pass, from its relative specifiers).
    let wrapping = crate::wrappers::enabled(selection);
    let prepared = first.unwrap_or_else(|| match read_source(&file.path) {
        Ok(bytes) => {
            if wrapping {
                report.wrapping = FileFacts::of_text(&file.path, file.language, &bytes);
            }
            classify(&file.path, file.language, bytes, selection)
        }
        Err(message) => Prepared::Failed(message),
    });
    if wrapping {
        match &prepared {
            // (A file the first pass matched is read again above: `first` is `None`.)
            Prepared::Skipped(Skip::NoTrigger(names, _))
                if file.language.family() == Family::JavaScript =>
            {
                report.wrapping = FileFacts::of_names(&file.path, file.language, names);
            }
            _ => {}
        }
    }
    let bytes = match prepared {
        Prepared::Failed(message) => return report.fail(message),
        Prepared::Skipped(Skip::LibraryCopy) => return report,
        Prepared::Matched(bytes) => bytes,
        Prepared::Skipped(Skip::NoTrigger(names, named)) => {
            report.named_modules = named;
            // Only a file that may import a module of the project, read a global one of its
            // scripts defines, or is a template of its code, is read again.
            let linked = exports
                .may_be_imported_through(file.path.parent().unwrap_or(Path::new("")), &names)
                || (file.language == Language::Html
                    && project.templates.context(&file.path).is_some());
            if file.language.family() != Family::JavaScript
                || !(linked || exports.defines_globals())
            {
                return report;
            }
            match read_source(&file.path) {
                Ok(bytes) if linked || exports.may_read_globals(&bytes) => {
                    report.named_modules.clear();
                    return match SourceText::decode(&bytes) {
                        Ok(source) => {
                            lint_source(parsers, file, source, selection, options, project, report)
                        }
                        Err(Undecodable::Binary) => report.fail(BINARY.to_string()),
                    };
                }
                Ok(_) => return report,
                Err(message) => return report.fail(message),
            }
        }
    };
    let source = match SourceText::decode(&bytes) {
        Ok(source) => source,
        Err(Undecodable::Binary) => return report.fail(BINARY.to_string()),
    };
    lint_source(parsers, file, source, selection, options, project, report)
}

/// Lints one file's text: the analysis after parsing has twice as long as parsing may take.
fn lint_source(
    parsers: &mut Parsers,
    file: &SourcePath,
    source: SourceText,
    selection: &Selection<'_>,
    options: &LintOptions<'_>,
    project: &Project,
    report: FileReport,
) -> FileReport {
    let deadline = Instant::now() + parsers.time_limit * 2;
    crate::semantic::analysing_until(deadline, || {
        analyse_source(parsers, file, source, selection, options, project, report)
    })
}

/// The error of a file whose analysis ran out of time.
fn out_of_time(parsers: &Parsers) -> String {
    format!(
        "analysing took longer than {:.1} s (twice `--parse-timeout`); skipped",
        (parsers.time_limit * 2).as_secs_f64()
    )
}

fn analyse_source(
    parsers: &mut Parsers,
    file: &SourcePath,
    source: SourceText,
    selection: &Selection<'_>,
    options: &LintOptions<'_>,
    project: &Project,
    mut report: FileReport,
) -> FileReport {
    let directory = file.path.parent().unwrap_or(Path::new(""));
    let exports = &project.exports;
    let context = match file.language {
        Language::Html => project.templates.context(&file.path),
        _ => None,
    };
    let Some(parsed) = parsers.parse_file(file.language, source.text()) else {
        return report.fail(format!(
            "parsing took longer than {:.1} s (tree-sitter is slow on this file's shape; see `--parse-timeout`); skipped",
            parsers.time_limit.as_secs_f64()
        ));
    };
    report.parsed = true;
    let vocabulary = &selection.registry.vocabulary;
    let model = Model::build(parsed.language, &parsed.script, source.text(), vocabulary)
        .in_file(file.language)
        .in_project(exports, directory);
    report.diagnostics = check_text(
        parsers,
        file,
        (&parsed, &model),
        context.as_ref(),
        &source,
        selection,
    );
    project
        .migrations
        .attach(&file.path, source.text(), &mut report.diagnostics);
    report.wrapping.summarize(
        &model,
        parsed.script.root_node(),
        file.language,
        &source,
        &report.diagnostics,
        selection,
    );
    if crate::semantic::out_of_time() {
        report.diagnostics.clear();
        return report.fail(out_of_time(parsers));
    }
    let modules = imported_modules(&model);
    report.imports = Some(ImportChange {
        before: modules.clone(),
        after: modules,
    });
    let packs = selection.registry.packs();
    report.secrets = identity::secrets(&model, packs)
        .into_iter()
        .map(|secret| source.text()[secret.range].to_string())
        .collect();
    report.inventory = identity::inventory(&model, packs);
    let syntax_error = first_error_line(&parsed, &source);
    let threshold = match options.mode {
        FixMode::Check => None,
        FixMode::Apply(threshold) | FixMode::Diff(threshold) => Some(threshold),
    };
    let cut = model
        .nesting_cut()
        .map(|offset| source.position(offset).line);
    let Some(threshold) = threshold else {
        if let Some(line) = cut {
            report.errors.push(nesting_notice(line, ""));
        }
        report.keep_source(source);
        return report;
    };
    let mut unfixed = Vec::new();
    let fixable = report.diagnostics.iter().any(|d| {
        d.fix
            .as_ref()
            .is_some_and(|f| threshold.admits(f.applicability))
    });
    if let Some(line) = cut {
        // What the code below the cut does with the objects a fix rewrites is unknown.
        let consequence = if fixable {
            ", and fixes are not applied"
        } else {
            ""
        };
        report.errors.push(nesting_notice(line, consequence));
    } else if fixable {
        if let Some(directory) = exclusion::installed_package_directory(&file.path) {
            report.errors.push(FileError {
                message: format!(
                    "inside `{directory}`: another package's code; findings are reported, fixes are not applied"
                ),
                severity: Severity::Notice,
            });
        } else if let Some(line) = syntax_error {
            report.errors.push(FileError {
                message: format!(
                    "syntax error at line {line}: findings are reported, fixes are not applied"
                ),
                severity: Severity::Notice,
            });
        } else if let Some(offset) = source.invalid_utf8_at() {
            report.errors.push(FileError {
                message: format!(
                    "not valid UTF-8 (at line {}): findings are reported, fixes are not applied",
                    source.position(offset).line
                ),
                severity: Severity::Notice,
            });
        } else {
            unfixed = report.diagnostics.clone();
            fix_file(
                parsers,
                file,
                &source,
                selection,
                threshold,
                (exports, directory, context.as_ref()),
                &mut report,
            );
        }
    }
    if let (FixMode::Apply(_), Some(fixed)) = (options.mode, &report.fixed) {
        if let Err(message) = crate::write::replace_file(
            &file.path,
            &source.encode(source.text()),
            &source.encode(fixed),
            options.roots,
        ) {
            report.errors.push(FileError {
                message,
                severity: Severity::Fatal,
            });
            // Nothing was written: the findings are those of the file as it is.
            report.fixed = None;
            report.fixes_applied = 0;
            report.diagnostics = unfixed;
        }
    }
    report.keep_source(source);
    report
}

/// The notice of a file whose code is nested deeper than the analysis descends.
fn nesting_notice(line: usize, consequence: &str) -> FileError {
    FileError {
        message: format!(
            "code nested deeper than {} levels (from line {line}) is not analysed: findings inside it are not reported{consequence}",
            crate::semantic::MAX_NESTING,
        ),
        severity: Severity::Notice,
    }
}

/// Applies fixes pass after pass; on a syntax error the file is left as it was.
fn fix_file(
    parsers: &mut Parsers,
    file: &SourcePath,
    source: &SourceText,
    selection: &Selection<'_>,
    threshold: FixThreshold,
    (exports, directory, context): (&Exports, &Path, Option<&TemplateContext>),
    report: &mut FileReport,
) {
    let vocabulary = &selection.registry.vocabulary;
    let mut text = source.text().to_string();
    let mut diagnostics = std::mem::take(&mut report.diagnostics);
    let original = diagnostics.clone();
    let mut fixed_count = 0;
    for _ in 0..MAX_PASSES {
        let mut candidates: Vec<&Diagnostic> = diagnostics
            .iter()
            .filter(|d| {
                d.fix
                    .as_ref()
                    .is_some_and(|f| threshold.admits(f.applicability))
            })
            .collect();
        candidates.sort_by(|a, b| {
            let start = |d: &Diagnostic| {
                d.fix
                    .as_ref()
                    .and_then(|f| f.edits.first())
                    .map_or(0, |e| e.range.start)
            };
            (start(a), &*a.rule).cmp(&(start(b), &*b.rule))
        });
        let fixes: Vec<_> = candidates.iter().filter_map(|d| d.fix.as_ref()).collect();
        let applied = apply_fixes(&text, &fixes, threshold);
        if applied.applied.is_empty() {
            break;
        }
        let rules: Vec<&str> = applied
            .applied
            .iter()
            .map(|&i| &*candidates[i].rule)
            .collect();
        let mut removable: Vec<String> = applied
            .applied
            .iter()
            .flat_map(|&i| fixes[i].remove_imports.iter().cloned())
            .collect();
        removable.sort();
        removable.dedup();
        let mut next = applied.text;
        if !removable.is_empty() {
            if let Some(parsed) = parsers.parse_file(file.language, &next) {
                let model = Model::build(parsed.language, &parsed.script, &next, vocabulary)
                    .in_file(file.language)
                    .in_project(exports, directory);
                let edits = imports::removal_edits(&model, &removable);
                let edits: Vec<_> = edits.iter().collect();
                next = apply_edits(&next, &edits);
            }
        }
        let Some(parsed) = parsers
            .parse_file(file.language, &next)
            .filter(|p| p.first_syntax_error(&next).is_none())
        else {
            let mut names = rules.clone();
            names.sort_unstable();
            names.dedup();
            report.abandon_fixes(
                format!(
                    "a fix by `{}` would introduce a syntax error; the file is left unchanged",
                    names.join("`, `")
                ),
                original,
            );
            return;
        };
        fixed_count += applied.applied.len();
        text = next;
        let next_source = SourceText::new(&text);
        let model = Model::build(parsed.language, &parsed.script, &text, vocabulary)
            .in_file(file.language)
            .in_project(exports, directory);
        let diagnostics_of_pass = check_text(
            parsers,
            file,
            (&parsed, &model),
            context,
            &next_source,
            selection,
        );
        if crate::semantic::out_of_time() {
            // What the fixed text holds is not known in full: the file is left as it is.
            report.abandon_fixes(
                format!("{}; the file is left unchanged", out_of_time(parsers)),
                original,
            );
            return;
        }
        diagnostics = diagnostics_of_pass;
        if let Some(imports) = report.imports.as_mut() {
            imports.after = imported_modules(&model);
        }
    }
    report.fixes_applied = fixed_count;
    if text != source.text() {
        report.fixed = Some(text.clone());
        // Positions of what remains refer to the fixed text.
        report.diagnostics = diagnostics;
    } else {
        report.diagnostics = original;
    }
}

/// The findings of one text of a file: its code's, and its templates' (the file itself when
/// the project links it to a component or an AngularJS app, `context`, and the inline
/// templates of the components it declares).
fn check_text(
    parsers: &mut Parsers,
    file: &SourcePath,
    (parsed, model): (&Parsed, &Model<'_>),
    context: Option<&TemplateContext>,
    source: &SourceText,
    selection: &Selection<'_>,
) -> Vec<Diagnostic> {
    let vocabulary = &selection.registry.vocabulary;
    let layers = parsers.templates(parsed, model, context);
    let models: Vec<Model<'_>> = layers
        .iter()
        .map(|layer| {
            Model::build(
                Language::AngularTemplate,
                &layer.tree,
                &layer.text,
                vocabulary,
            )
            .in_file(file.language)
            .in_template(&layer.scope)
        })
        .collect();
    let templates: Vec<TemplateCode<'_, '_>> = models
        .iter()
        .zip(&layers)
        .map(|(model, layer)| (model, &layer.tree))
        .collect();
    // A notebook's IPython install lines are dependency sites.
    let installs = if notebook::is_notebook(&file.path) {
        crate::manifest::notebook::install_findings(
            &file.path,
            source.text(),
            &crate::notebook::magic::command_lines(source.text()),
            &imported_modules(model),
            selection,
        )
    } else {
        Vec::new()
    };
    check_with(
        model,
        &parsed.layers(),
        &templates,
        source,
        selection,
        installs,
    )
}

/// The line of the first syntax error of the code (for a page, of its scripts).
fn first_error_line(parsed: &Parsed, source: &SourceText) -> Option<usize> {
    parsed
        .first_syntax_error(source.text())
        .map(|offset| source.position(offset).line)
}

/// Lints text that is not on disk (tests, editors): fixes are computed as in `--diff` and
/// never written.
pub fn lint_text(
    path: &Path,
    language: Language,
    text: &str,
    selection: &Selection<'_>,
    mode: FixMode,
) -> FileReport {
    let mode = match mode {
        FixMode::Apply(threshold) => FixMode::Diff(threshold),
        other => other,
    };
    let file = SourcePath {
        path: path.to_path_buf(),
        language,
    };
    let report = FileReport::new(path, Some(language));
    let notebook = notebook::is_notebook(path);
    if !notebook
        && (!selection.may_match_in(language, text.as_bytes())
            || selection.is_library_copy(path, text.as_bytes()))
    {
        return report;
    }
    let options = LintOptions {
        mode,
        parse_time_limit: PARSE_TIME_LIMIT,
        roots: &[],
    };
    // On a thread of its own, with the stack the analysis is sized for.
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(WORKER_STACK_SIZE)
            .spawn_scoped(scope, || {
                isolated(path, || {
                    if notebook {
                        return notebook::lint_notebook(
                            &mut Parsers::default(),
                            &file,
                            text.as_bytes(),
                            selection,
                            &options,
                            &Project::default(),
                            report,
                        );
                    }
                    lint_source(
                        &mut Parsers::default(),
                        &file,
                        SourceText::from_file_text(text),
                        selection,
                        &options,
                        &Project::default(),
                        report,
                    )
                })
                .unwrap_or_else(|message| FileReport::new(path, Some(language)).fail(message))
            })
            .map_or_else(
                |error| {
                    FileReport::new(path, Some(language)).fail(format!(
                        "cannot start a thread to analyse the text: {error}"
                    ))
                },
                |thread| {
                    thread
                        .join()
                        .unwrap_or_else(|_| FileReport::new(path, Some(language)))
                },
            )
    })
}

/// True when the code of the text does not parse cleanly as `language` (for an HTML page:
/// its scripts).
pub fn has_syntax_errors(language: Language, text: &str) -> bool {
    Parsers::default()
        .parse_file(language, text)
        .is_none_or(|parsed| parsed.first_syntax_error(text).is_some())
}
