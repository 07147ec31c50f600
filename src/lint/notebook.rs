//! The pipeline for a notebook file: its code cells' Python program (`crate::notebook`) is
//! linted and fixed like a Python file's text; then the fixed program is written back into
//! the notebook (only the changed cells' `source`), and the report is moved onto the file's
//! own bytes: every finding's range and every fix's edits refer to the notebook's raw text,
//! so JSON, SARIF, annotations, baselines and `--diff` place them on the file as it is.

use std::path::Path;
use std::sync::Arc;

use super::{FileError, FileReport, FixMode, LintOptions, Parsers, Project, Severity, lint_source};
use crate::diagnostic::Diagnostic;
use crate::fix::{Applicability, Edit, apply_if_fitting};
use crate::language::Language;
use crate::notebook::json::escape;
use crate::notebook::{Notebook, Program, magic};
use crate::registry::Selection;
use crate::source::SourceText;
use crate::walk::SourcePath;

/// Lints the notebook whose bytes are `bytes`.
pub(super) fn lint_notebook(
    parsers: &mut Parsers,
    file: &SourcePath,
    bytes: &[u8],
    selection: &Selection<'_>,
    options: &LintOptions<'_>,
    project: &Project,
    report: FileReport,
) -> FileReport {
    let raw = match SourceText::decode(bytes) {
        Ok(raw) if raw.invalid_utf8_at().is_none() => raw,
        _ => {
            return report.fail(
                "not a valid notebook: not UTF-8 text (a notebook is UTF-8 JSON); skipped"
                    .to_string(),
            );
        }
    };
    let notebook = match Notebook::parse(raw.text()) {
        Ok(notebook) => notebook,
        Err(message) => return report.fail(message),
    };
    let program = notebook.program();
    let nothing_to_find = !selection.may_match_in(Language::Python, program.text.as_bytes())
        && magic::command_lines(&program.text).is_empty();
    if nothing_to_find || selection.is_library_copy(&file.path, program.text.as_bytes()) {
        return report;
    }
    // Fixes are computed on the program and written here, into the notebook.
    let diff_only = LintOptions {
        mode: match options.mode {
            FixMode::Apply(threshold) => FixMode::Diff(threshold),
            other => other,
        },
        parse_time_limit: options.parse_time_limit,
        roots: options.roots,
    };
    let program_source = SourceText::new(&program.text);
    let linted = lint_source(
        parsers,
        file,
        program_source.clone(),
        selection,
        &diff_only,
        project,
        FileReport::new(&file.path, Some(file.language)),
    );
    let check_only = |parsers: &mut Parsers| {
        let options = LintOptions {
            mode: FixMode::Check,
            ..diff_only
        };
        lint_source(
            parsers,
            file,
            program_source.clone(),
            selection,
            &options,
            project,
            FileReport::new(&file.path, Some(file.language)),
        )
    };
    let mut linted = linted;
    let mut fixed_raw = None;
    if let Some(fixed) = linted.fixed.clone() {
        match notebook.with_program(&program, &fixed) {
            Ok(new_raw) => fixed_raw = Some(new_raw),
            Err(message) => {
                linted = check_only(parsers);
                linted.errors.push(FileError {
                    message: format!("{message}; the notebook is left unchanged"),
                    severity: Severity::Fatal,
                });
            }
        }
    }
    if let (FixMode::Apply(_), Some(new_raw)) = (options.mode, &fixed_raw) {
        if let Err(message) = crate::write::replace_file(
            &file.path,
            &raw.encode(raw.text()),
            &raw.encode(new_raw),
            options.roots,
        ) {
            // Nothing was written: the findings are those of the notebook as it is.
            linted = check_only(parsers);
            linted.errors.push(FileError {
                message,
                severity: Severity::Fatal,
            });
            fixed_raw = None;
        }
    }
    let shown = match &fixed_raw {
        Some(new_raw) => match Notebook::parse(new_raw) {
            Ok(shown) => shown,
            Err(message) => return report.fail(message),
        },
        None => notebook,
    };
    on_the_file(linted, report, shown, raw, fixed_raw)
}

/// The report of a notebook's program, moved onto the notebook file: `shown` is the
/// notebook the remaining findings are in (the fixed one when fixes changed it).
fn on_the_file(
    linted: FileReport,
    mut report: FileReport,
    shown: Notebook,
    raw: SourceText,
    fixed_raw: Option<String>,
) -> FileReport {
    let program = shown.program();
    let program_text = SourceText::new(&program.text);
    let shown_text = SourceText::new(shown.raw());
    report.parsed = linted.parsed;
    report.errors = linted
        .errors
        .into_iter()
        .map(|mut error| {
            error.message = in_cell_lines(&error.message, &shown, &program, &program_text);
            error
        })
        .collect();
    report.fixes_applied = if fixed_raw.is_some() {
        linted.fixes_applied
    } else {
        0
    };
    report.imports = linted.imports;
    report.diagnostics = linted
        .diagnostics
        .into_iter()
        .map(|diagnostic| on_raw_text(diagnostic, &shown, &program))
        .collect();
    // Secrets as the program spells them and as the file does.
    let mut secrets = linted.secrets;
    let escaped: Vec<String> = secrets.iter().map(|s| escape(s, false)).collect();
    secrets.extend(
        escaped
            .into_iter()
            .filter(|e| !secrets.contains(e))
            .collect::<Vec<_>>(),
    );
    report.secrets = secrets;
    report.inventory = linted
        .inventory
        .into_iter()
        .map(|mut item| {
            if item.line >= 1 && item.line <= program_text.line_count() {
                let start = program_text.line_range(item.line - 1).start;
                let at = shown.raw_range(&program, start..start).start;
                item.line = shown_text.position(at).line;
            }
            item
        })
        .collect();
    if !report.diagnostics.is_empty() || fixed_raw.is_some() {
        report.source = Some(raw);
    }
    report.fixed = fixed_raw;
    report.notebook = Some(Arc::new(shown));
    report
}

/// A finding of the program, on the notebook's raw text: its range, and its fix as one
/// edit of the file's bytes (the changed cells' sources, spelled as the file spells them).
fn on_raw_text(mut diagnostic: Diagnostic, shown: &Notebook, program: &Program) -> Diagnostic {
    let range = shown.raw_range(program, diagnostic.range.clone());
    diagnostic.range = range;
    if let Some(fix) = diagnostic.fix.as_mut() {
        if !fix.edits.is_empty() {
            match raw_edit(&fix.edits, shown, program) {
                Some(edit) => fix.edits = vec![edit],
                None => {
                    fix.edits.clear();
                    if fix.applicability != Applicability::DisplayOnly {
                        fix.applicability = Applicability::DisplayOnly;
                        fix.note.push_str(
                            " (In this notebook the fix cannot be written back into its cells, so it is only shown.)",
                        );
                    }
                }
            }
        }
    }
    diagnostic
}

/// The program's edits as one edit of the notebook's raw text.
fn raw_edit(edits: &[Edit], shown: &Notebook, program: &Program) -> Option<Edit> {
    let fixed = apply_if_fitting(&program.text, edits)?;
    let new_raw = shown.with_program(program, &fixed).ok()?;
    let old_raw = shown.raw();
    let prefix = old_raw
        .bytes()
        .zip(new_raw.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    let room = old_raw.len().min(new_raw.len()) - prefix;
    let suffix = old_raw
        .bytes()
        .rev()
        .zip(new_raw.bytes().rev())
        .take(room)
        .take_while(|(a, b)| a == b)
        .count();
    let (mut start, mut old_end, mut new_end) =
        (prefix, old_raw.len() - suffix, new_raw.len() - suffix);
    while !(old_raw.is_char_boundary(start) && new_raw.is_char_boundary(start)) {
        start -= 1;
    }
    while !(old_raw.is_char_boundary(old_end) && new_raw.is_char_boundary(new_end)) {
        old_end += 1;
        new_end += 1;
    }
    Some(Edit::replace(start..old_end, &new_raw[start..new_end]))
}

/// A message about a line of the program (`syntax error at line 7`), about the cell's line
/// instead (`syntax error at cell 3, line 2`).
fn in_cell_lines(
    message: &str,
    shown: &Notebook,
    program: &Program,
    program_text: &SourceText,
) -> String {
    let Some(at) = message.find("line ") else {
        return message.to_string();
    };
    let digits = message[at + 5..]
        .bytes()
        .take_while(u8::is_ascii_digit)
        .count();
    let Ok(line) = message[at + 5..at + 5 + digits].parse::<usize>() else {
        return message.to_string();
    };
    if line == 0 || line > program_text.line_count() {
        return message.to_string();
    }
    let start = program_text.line_range(line - 1).start;
    let raw = shown.raw_range(program, start..start).start;
    match shown.cell_position(raw) {
        Some(position) => format!(
            "{}cell {}, line {}{}",
            &message[..at],
            position.cell,
            position.line,
            &message[at + 5 + digits..]
        ),
        None => message.to_string(),
    }
}

/// True for a path read as a notebook.
pub(super) fn is_notebook(path: &Path) -> bool {
    crate::notebook::is_notebook(path)
}
