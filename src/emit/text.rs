//! The human format: each finding rendered by codespan-reporting with its rule id, the
//! source span, the migration help, the fix as a suggestion (marked `[*]` when `--fix`
//! applies it), and a summary line.

use std::io::{self, Write};

use codespan_reporting::diagnostic::{Diagnostic as Report, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::termcolor::{Buffer, WriteColor};
use codespan_reporting::term::{self, Config};

use super::{Emitter, RunReport, Verbosity};
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::{Applicability, apply_edits, apply_if_fitting};
use crate::lint::{FixMode, Severity as ErrorSeverity};
use crate::notebook::Notebook;
use crate::redact::Redactor;

/// Whether output is coloured (resolved from `--color` and the terminal).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorMode {
    Always,
    Never,
}

pub(super) struct TextEmitter {
    pub(super) color: ColorMode,
    pub(super) verbosity: Verbosity,
}

fn buffer(color: ColorMode) -> Buffer {
    match color {
        ColorMode::Always => Buffer::ansi(),
        ColorMode::Never => Buffer::no_color(),
    }
}

/// The lines a fix changes, as `-`/`+` lines.
pub(super) fn fix_preview(text: &str, diagnostic: &Diagnostic) -> Option<String> {
    let fix = diagnostic.fix.as_ref()?;
    // Edits that overlap, or that do not fit this text, have no single preview.
    let fixed = apply_if_fitting(text, &fix.edits)?;
    let diff = similar::TextDiff::from_lines(text, &fixed);
    let mut preview = String::new();
    for group in diff.grouped_ops(0) {
        for op in group {
            for change in diff.iter_changes(&op) {
                let sign = match change.tag() {
                    similar::ChangeTag::Delete => '-',
                    similar::ChangeTag::Insert => '+',
                    similar::ChangeTag::Equal => ' ',
                };
                preview.push(sign);
                preview.push(' ');
                preview.push_str(change.value().trim_end_matches(['\n', '\r']));
                preview.push('\n');
            }
        }
    }
    Some(preview)
}

fn render(
    out: &mut dyn WriteColor,
    path: &str,
    text: &str,
    diagnostic: &Diagnostic,
    redactor: &Redactor,
) -> io::Result<()> {
    let preview = fix_preview(text, diagnostic);
    let place = Place {
        name: path,
        text,
        range: diagnostic.range.clone(),
    };
    render_at(out, &place, preview, diagnostic, redactor)
}

/// Where a finding is shown: the file (or a notebook's cell, `path:cell N`), its text, and
/// the finding's range in it.
struct Place<'a> {
    name: &'a str,
    text: &'a str,
    range: std::ops::Range<usize>,
}

/// A notebook's finding, shown in its cell's code (`path:cell N:line:column`), with the
/// fix's preview as the lines of the cells it changes.
fn render_in_cell(
    out: &mut dyn WriteColor,
    path: &str,
    notebook: &Notebook,
    diagnostic: &Diagnostic,
    redactor: &Redactor,
) -> io::Result<()> {
    let range = diagnostic.range.clone();
    let start = notebook.cell_position(range.start);
    let Some((start, text)) = start.and_then(|s| Some((s, notebook.cell_text(s.cell)?))) else {
        return render(out, path, notebook.raw(), diagnostic, redactor);
    };
    let end = notebook
        .cell_position(range.end)
        .filter(|end| end.cell == start.cell && end.offset >= start.offset)
        .map_or(text.len(), |end| end.offset);
    let name = format!("{path}:cell {}", start.cell);
    let place = Place {
        name: &name,
        text,
        range: start.offset..end,
    };
    let preview = cell_preview(notebook, diagnostic);
    render_at(out, &place, preview, diagnostic, redactor)
}

/// The lines a notebook fix changes, per cell.
fn cell_preview(notebook: &Notebook, diagnostic: &Diagnostic) -> Option<String> {
    let fix = diagnostic.fix.as_ref()?;
    let edits: Vec<_> = fix.edits.iter().collect();
    let raw = notebook.raw();
    let fits = edits.len() == 1
        && edits[0].range.end <= raw.len()
        && raw.is_char_boundary(edits[0].range.start)
        && raw.is_char_boundary(edits[0].range.end);
    if !fits {
        return None;
    }
    let fixed = Notebook::parse(&apply_edits(raw, &edits)).ok()?;
    let mut preview = String::new();
    for ((number, before), (_, after)) in notebook.code_cells().zip(fixed.code_cells()) {
        if before == after {
            continue;
        }
        preview.push_str(&format!("cell {number}:\n"));
        let diff = similar::TextDiff::from_lines(before, after);
        for change in diff.iter_all_changes() {
            let sign = match change.tag() {
                similar::ChangeTag::Delete => '-',
                similar::ChangeTag::Insert => '+',
                similar::ChangeTag::Equal => continue,
            };
            preview.push(sign);
            preview.push(' ');
            preview.push_str(change.value().trim_end_matches(['\n', '\r']));
            preview.push('\n');
        }
    }
    (!preview.is_empty()).then_some(preview)
}

fn render_at(
    out: &mut dyn WriteColor,
    place: &Place<'_>,
    preview: Option<String>,
    diagnostic: &Diagnostic,
    redactor: &Redactor,
) -> io::Result<()> {
    let (path, text) = (place.name, place.text);
    let (masked, offsets) = redactor.redact_with_offsets(text);
    let file = SimpleFile::new(path, masked.as_str());
    let marker = match diagnostic.fix.as_ref().map(|f| f.applicability) {
        Some(Applicability::Safe) => "[*] ",
        _ => "",
    };
    let report = match diagnostic.severity {
        Severity::Error => Report::error(),
        Severity::Warning => Report::warning(),
        Severity::Info => Report::note(),
    };
    let mut notes = vec![format!("help: {}", diagnostic.help.trim_end())];
    if let Some(fix) = &diagnostic.fix {
        let how = match fix.applicability {
            Applicability::Safe => "safe fix, applied by `--fix`",
            Applicability::Unsafe => "unsafe fix, applied by `--fix --unsafe-fixes`",
            Applicability::DisplayOnly => "suggestion, never applied automatically",
        };
        let mut note = format!("fix ({how}): {}\n{}", fix.title, fix.note);
        if let Some(preview) = preview {
            note.push('\n');
            note.push_str(redactor.redact(preview.trim_end()).as_ref());
        }
        notes.push(note);
    }
    notes.push(format!("docs: {}", diagnostic.url));
    let report = report
        .with_code(diagnostic.rule.to_string())
        .with_message(format!("{marker}{}", redactor.redact(&diagnostic.message)))
        .with_labels(vec![Label::primary(
            (),
            offsets.map(place.range.start)..offsets.map(place.range.end),
        )])
        .with_notes(notes);
    term::emit_to_write_style(out, &Config::default(), &file, &report)
        .map_err(|e| io::Error::other(e.to_string()))
}

impl Emitter for TextEmitter {
    fn emit(&mut self, out: &mut dyn Write, report: &RunReport) -> io::Result<()> {
        let mut buf = buffer(self.color);
        for file in &report.files {
            let redactor = Redactor::new(&file.secrets);
            for diagnostic in &file.diagnostics {
                if let Some(notebook) = &file.notebook {
                    render_in_cell(
                        &mut buf,
                        &file.display_path,
                        notebook,
                        diagnostic,
                        &redactor,
                    )?;
                    continue;
                }
                render(
                    &mut buf,
                    &file.display_path,
                    file.diagnostic_text(),
                    diagnostic,
                    &redactor,
                )?;
            }
        }
        out.write_all(buf.as_slice())?;
        // Errors are always shown; `--quiet` hides notices and the summary.
        for (path, message) in &report.walk_errors {
            writeln!(out, "error: {path}: {message}")?;
        }
        for file in &report.files {
            for error in &file.errors {
                let level = match error.severity {
                    ErrorSeverity::Fatal => "error",
                    ErrorSeverity::Notice if self.verbosity == Verbosity::Quiet => continue,
                    ErrorSeverity::Notice => "warning",
                };
                writeln!(out, "{level}: {}: {}", file.display_path, error.message)?;
            }
        }
        if self.verbosity == Verbosity::Quiet {
            return Ok(());
        }
        for notice in &report.notices {
            writeln!(out, "note: {notice}")?;
        }
        summary(out, report)
    }
}

fn plural(count: usize, word: &str) -> String {
    if count == 1 {
        format!("{count} {word}")
    } else {
        format!("{count} {word}s")
    }
}

fn summary(out: &mut dyn Write, report: &RunReport) -> io::Result<()> {
    if report.excluded_by_default > 0 {
        writeln!(
            out,
            "Skipped {} in vendored or generated directories (`node_modules`, `dist`, `.venv`, ...; `--no-default-excludes` scans them).",
            plural(report.excluded_by_default, "file")
        )?;
    }
    let remaining = report.diagnostics();
    let fixed = report.fixed();
    if fixed > 0 {
        writeln!(
            out,
            "Fixed {} ({} remaining).",
            plural(fixed, "finding"),
            remaining
        )?;
    }
    if remaining == 0 {
        if fixed == 0 {
            writeln!(
                out,
                "No ADAL usage found in {}.",
                plural(report.files.len(), "file")
            )?;
        }
        return Ok(());
    }
    let files = report
        .files
        .iter()
        .filter(|f| !f.diagnostics.is_empty())
        .count();
    writeln!(
        out,
        "Found {} in {}.",
        plural(remaining, "finding"),
        plural(files, "file")
    )?;
    let safe = report.fixable(Applicability::Safe);
    let unsafe_fixes = report.fixable(Applicability::Unsafe);
    let display = report.fixable(Applicability::DisplayOnly);
    let unsafe_applied = matches!(
        report.mode,
        FixMode::Apply(crate::fix::FixThreshold::SafeAndUnsafe)
    );
    let mut parts = Vec::new();
    if safe > 0 {
        parts.push(format!("[*] {safe} fixable with the `--fix` option"));
    }
    if unsafe_fixes > 0 && !unsafe_applied {
        parts.push(format!(
            "{unsafe_fixes} hidden fixes can be enabled with the `--unsafe-fixes` option"
        ));
    }
    if display > 0 {
        parts.push(format!("{display} shown as suggestions to apply by hand"));
    }
    if !parts.is_empty() {
        writeln!(out, "{}.", parts.join("; "))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;
    use crate::fix::{Applicability, Edit, Fix};

    fn diagnostic(edits: Vec<Edit>) -> Diagnostic {
        Diagnostic {
            rule: "r".into(),
            severity: Severity::Warning,
            message: String::new(),
            range: 0..1,
            help: String::new(),
            url: String::new(),
            fix: Some(Fix::new(
                "t".into(),
                Applicability::DisplayOnly,
                String::new(),
                edits,
            )),
            related: Vec::new(),
        }
    }

    #[test]
    fn a_preview_is_the_fixed_lines() {
        let preview = fix_preview(
            "a = 1\nb = 2\n",
            &diagnostic(vec![Edit::replace(4..5, "3")]),
        );
        assert_eq!(preview.as_deref(), Some("- a = 1\n+ a = 3\n"));
    }

    // Regression (found by tests/fuzz.rs): a display-only fix on mangled code whose edits
    // overlap, or reach past the text, has no preview; it never panics.
    #[test]
    fn edits_that_overlap_or_do_not_fit_have_no_preview() {
        let text = "0123456789";
        let overlapping = diagnostic(vec![Edit::replace(2..8, "x"), Edit::replace(4..5, "y")]);
        assert_eq!(fix_preview(text, &overlapping), None);
        let past_the_end = diagnostic(vec![Edit::replace(8..20, "x")]);
        assert_eq!(fix_preview(text, &past_the_end), None);
    }
}
