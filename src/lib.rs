//! adalint finds every use of Microsoft's retired ADAL authentication libraries in Python
//! and JavaScript code and rewrites it toward MSAL and Azure Identity.
//!
//! The data flow is walk → prefilter → parse → resolve → match → fix → emit; see
//! `ARCHITECTURE.md`. [`run`] is the whole program; `main.rs` only parses arguments and
//! maps the result to an exit code.

mod check;
pub mod cli;
pub mod diagnostic;
pub mod emit;
pub mod error;
pub mod fix;
mod imports;
pub mod language;
pub mod lint;
mod page;
pub mod registry;
mod rewrite;
mod rule;
mod semantic;
pub mod settings;
pub mod source;
pub mod walk;

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};

use crate::emit::{ColorMode, RunReport};
use crate::lint::{FixMode, LintOptions, Severity};
use crate::registry::Registry;
use crate::settings::{Command, FindingsExit, RuleSource, Settings};

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
            let choice = match settings.color {
                ColorMode::Always => ColorChoice::Always,
                ColorMode::Never => ColorChoice::Never,
            };
            let mut stderr = StandardStream::stderr(choice);
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
    let Some(registry) = load_registry(settings) else {
        return Ok(ExitStatus::Error);
    };
    if settings.command == Command::ListRules {
        emit::list_rules(out, &registry)?;
        return Ok(ExitStatus::Success);
    }
    let selection = match registry.select(&settings.select, &settings.ignore) {
        Ok(selection) => selection,
        Err(message) => anyhow::bail!(message),
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(settings.threads)
        .build()
        .context("cannot start the worker threads")?;
    let walked = walk::walk(&settings.paths, settings.ignore_files, settings.threads);
    let roots: Vec<_> = settings
        .paths
        .iter()
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .collect();
    let options = LintOptions {
        mode: settings.mode,
        roots: &roots,
    };
    let files = pool.install(|| lint::lint_files(&walked.files, &selection, &options));
    let report = RunReport {
        files,
        walk_errors: walked
            .errors
            .iter()
            .map(|(path, message)| (walk::display(path), message.clone()))
            .collect(),
        mode: settings.mode,
    };
    let mut emitter = settings
        .format
        .emitter(settings.mode, settings.color, settings.verbosity);
    emitter.emit(out, &report)?;
    out.flush()?;
    Ok(exit_status(&report, settings.findings_exit))
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
