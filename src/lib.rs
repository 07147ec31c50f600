//! adalint finds every use of Microsoft's retired ADAL authentication libraries in Python
//! and JavaScript code and rewrites it toward MSAL and Azure Identity.
//!
//! The data flow is walk → prefilter → parse → resolve → match → fix → emit; see
//! `ARCHITECTURE.md`. [`run`] is the whole program; `main.rs` only parses arguments and
//! maps the result to an exit code.

mod adal_node_types;
mod adal_page;
mod angular_msal;
mod authority;
pub mod baseline;
mod builtin;
mod callback;
mod check;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod emit;
pub mod error;
pub mod exclusion;
pub mod fingerprint;
pub mod fix;
mod helper_result;
pub mod identity;
mod imports;
pub mod language;
pub mod library_project;
pub mod lint;
mod logger_function;
pub mod manifest;
pub mod notebook;
mod page;
mod plan;
mod prefilter;
mod promise_wrapper;
pub mod provenance;
mod react_adal;
pub mod redact;
pub mod registry;
mod returned;
mod rewrite;
pub mod rule;
mod semantic;
pub mod settings;
pub mod source;
mod suppression;
mod syntax;
mod template;
pub mod walk;
mod wrappers;
mod write;

use std::collections::BTreeMap;
use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};

use crate::emit::{ColorMode, Format, RuleDoc, RunReport};
use crate::lint::{FileReport, FixMode, LintOptions, Severity};
use crate::registry::{Registry, Selection};
use crate::settings::{Command, FindingsExit, Report, RuleSource, Settings};
use crate::walk::SourcePath;

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// Nothing found, or everything fixed.
    Success,
    /// Findings remain.
    Failure,
    /// A tool error: a bad rule file, unreadable input, a fix that would break syntax.
    Error,
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        match status {
            ExitStatus::Success => ExitCode::SUCCESS,
            ExitStatus::Failure => ExitCode::from(1),
            ExitStatus::Error => ExitCode::from(2),
        }
    }
}

/// Loads the rules the settings ask for, rendering any rule-file error to standard error.
pub fn load_registry(settings: &Settings) -> Option<Registry> {
    let loaded = match &settings.rules {
        RuleSource::Embedded => Registry::embedded(),
        RuleSource::Directory(dir) => Registry::from_dir(dir),
    };
    match loaded {
        Ok(registry) => Some(registry),
        Err(errors) => {
            let mut stderr = stderr(settings.color);
            for error in errors {
                // Nothing more useful to do if standard error itself fails.
                let _ = error.render(&mut stderr);
            }
            None
        }
    }
}

/// Runs adalint with resolved settings, writing results to `out`.
pub fn run(settings: &Settings, out: &mut dyn Write) -> anyhow::Result<ExitStatus> {
    if let Command::Completions(shell) = settings.command {
        emit::completions(out, shell)?;
        return Ok(ExitStatus::Success);
    }
    let Some(registry) = load_registry(settings) else {
        return Ok(ExitStatus::Error);
    };
    match &settings.command {
        Command::ListRules => {
            match settings.format {
                Some(Format::Json) => emit::list_rules_json(out, &registry)?,
                _ => emit::list_rules(out, &registry)?,
            }
            return Ok(ExitStatus::Success);
        }
        Command::ShowRule(id) => {
            let Some(rule) = registry.rules().find(|rule| rule.id() == id) else {
                anyhow::bail!("`{id}` is not a rule id (see `adalint --list-rules`)");
            };
            emit::rule_documentation(out, &RuleDoc::from(rule))?;
            return Ok(ExitStatus::Success);
        }
        Command::Lint | Command::Completions(_) => {}
    }
    let config = match config::load(&settings.config, &settings.paths) {
        Ok(config) => config,
        Err(error) => {
            // Nothing more useful to do if standard error itself fails.
            let _ = error.render(&mut stderr(settings.color));
            return Ok(ExitStatus::Error);
        }
    };
    let settings = &config::merge(settings, config.as_ref());
    let selection = match registry.select(&selected(settings), &settings.ignore) {
        Ok(selection) => selection.with_target(settings.target.unwrap_or_default()),
        Err(message) => anyhow::bail!(message),
    };
    let pool = lint::worker_pool(settings.threads).context("cannot start the worker threads")?;
    let exclusion = exclusion::Exclusion::new(
        settings.default_excludes,
        settings.named_paths,
        config.as_ref(),
    );
    let mut walked = walk::walk_excluding(
        &settings.paths,
        settings.ignore_files,
        &exclusion,
        settings.threads,
    );
    let roots: Vec<_> = settings
        .paths
        .iter()
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .collect();
    let options = LintOptions {
        mode: settings.mode,
        parse_time_limit: settings.parse_time_limit,
        roots: &roots,
    };
    let mut notices = library_project::set_aside(&mut walked, &registry);
    let targets = &walked.files;
    let progress = emit::ProgressLine::start(settings.progress, targets.len());
    let lint = |files: &[SourcePath], selection: &Selection<'_>| {
        pool.install(|| lint::lint_sources_counted(files, selection, &options, progress.counter()))
    };
    let sources = lint_per_file_ignores(targets, config.as_ref(), settings, &registry, lint)?;
    // Manifests are decided once, from every source file's imports after its fixes.
    let mut files = pool.install(|| {
        lint::lint_manifests(targets, sources, &walked.manifests, &selection, &options)
    });
    // The line is cleared before anything is written to standard output.
    drop(progress);
    notices.extend(baseline::apply(&settings.baseline, &mut files)?);
    let rules: Vec<RuleDoc> = registry
        .rules()
        .enumerate()
        .filter(|(index, _)| selection.enabled.contains(index))
        .map(|(_, rule)| RuleDoc::from(rule))
        .collect();
    let format = settings.format.unwrap_or(Format::Text);
    let report = RunReport {
        files,
        walk_errors: walked
            .errors
            .iter()
            .map(|(path, message)| (walk::display(path), message.clone()))
            .collect(),
        mode: settings.mode,
        rules,
        notices,
        excluded_by_default: walked.excluded_by_default,
        // Only SARIF records it, and reading the checkout costs a few `git` runs.
        provenance: match (format, settings.report) {
            (Format::Sarif, Report::Findings) => provenance::Provenance::detect(),
            _ => provenance::Provenance::default(),
        },
    };
    let mut emitter = match settings.report {
        Report::Findings => format.emitter(settings.mode, settings.color, settings.verbosity),
        Report::Statistics => format.statistics_emitter(),
    };
    emitter.emit(out, &report)?;
    out.flush()?;
    for warning in emitter.warnings() {
        // Warnings about the output go beside it; nothing to do if standard error fails.
        let _ = writeln!(std::io::stderr(), "adalint: warning: {warning}");
    }
    Ok(exit_status(&report, settings.findings_exit))
}

/// The rules `--select` names; for the migration map, every rule (the opt-in ones with the
/// rest: the map is of everything a migration touches).
fn selected(settings: &Settings) -> Vec<String> {
    match settings.format {
        Some(Format::Impact | Format::ImpactJson) if settings.select.is_empty() => {
            vec![registry::ALL.to_string()]
        }
        _ => settings.select.clone(),
    }
}

/// Lints `targets` with the run's selection, except files that `per-file-ignores`
/// narrows, which run in groups with their own; reports keep the targets' order.
fn lint_per_file_ignores(
    targets: &[SourcePath],
    config: Option<&config::Config>,
    settings: &Settings,
    registry: &Registry,
    lint: impl Fn(&[SourcePath], &Selection<'_>) -> Vec<FileReport>,
) -> anyhow::Result<Vec<FileReport>> {
    let mut groups: BTreeMap<Vec<String>, Vec<usize>> = BTreeMap::new();
    for (index, file) in targets.iter().enumerate() {
        let ignored = config
            .map(|c| c.ignored_for(&file.path))
            .unwrap_or_default();
        groups.entry(ignored).or_default().push(index);
    }
    let mut slots: Vec<Option<FileReport>> = targets.iter().map(|_| None).collect();
    for (ignored, indices) in groups {
        let context = if ignored.is_empty() {
            ""
        } else {
            "in `per-file-ignores`: "
        };
        let ignore: Vec<String> = settings.ignore.iter().cloned().chain(ignored).collect();
        let selection = registry
            .select(&selected(settings), &ignore)
            .map_err(|message| anyhow::anyhow!("{context}{message}"))?
            .with_target(settings.target.unwrap_or_default());
        let group: Vec<SourcePath> = indices.iter().map(|&i| targets[i].clone()).collect();
        for (index, report) in indices.into_iter().zip(lint(&group, &selection)) {
            slots[index] = Some(report);
        }
    }
    Ok(slots.into_iter().flatten().collect())
}

fn stderr(color: ColorMode) -> StandardStream {
    StandardStream::stderr(match color {
        ColorMode::Always => ColorChoice::Always,
        ColorMode::Never => ColorChoice::Never,
    })
}

fn exit_status(report: &RunReport, findings_exit: FindingsExit) -> ExitStatus {
    let fatal = !report.walk_errors.is_empty()
        || report
            .files
            .iter()
            .any(|f| f.errors.iter().any(|e| e.severity == Severity::Fatal));
    if fatal {
        return ExitStatus::Error;
    }
    let outstanding = match report.mode {
        FixMode::Diff(_) => {
            report.files.iter().any(|f| f.fixed.is_some()) || report.diagnostics() > 0
        }
        FixMode::Check | FixMode::Apply(_) => report.diagnostics() > 0,
    };
    match (outstanding, findings_exit) {
        (true, FindingsExit::Fail) => ExitStatus::Failure,
        _ => ExitStatus::Success,
    }
}
