//! The JSON format: a stable, documented shape (see the README), built from wire structs
//! so that internal refactors cannot change it.

use std::io::{self, Write};

use serde::Serialize;

use super::{Emitter, RunReport};
use crate::notebook::Notebook;
use crate::redact::Redactor;
use crate::source::{Position, SourceText};

/// The stable JSON shape of the README; run notices (a baseline's gone entries) go to
/// standard error, beside it.
pub(super) struct JsonEmitter {
    pub(super) notices: Vec<String>,
}

#[derive(Serialize)]
struct JsonOutput<'a> {
    version: u32,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    errors: Vec<JsonError>,
    summary: JsonSummary,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    rule: &'a str,
    severity: &'a str,
    message: String,
    path: &'a str,
    start: JsonPosition,
    end: JsonPosition,
    /// In a notebook, the cell and the position in its code (`start` and `end` are the
    /// notebook file's own).
    #[serde(skip_serializing_if = "Option::is_none")]
    cell: Option<JsonCell>,
    fix: Option<JsonFix<'a>>,
    /// Other places the finding is about (the project wrapper a use goes through).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related: Vec<JsonRelated<'a>>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    path: &'a str,
    symbol: &'a str,
    line: usize,
    column: usize,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonCell {
    number: usize,
    start: JsonPosition,
    end: JsonPosition,
}

/// Where a notebook's finding is in its cell.
fn cell_of(notebook: &Notebook, range: std::ops::Range<usize>) -> Option<JsonCell> {
    let start = notebook.cell_position(range.start)?;
    let end = notebook
        .cell_position(range.end)
        .filter(|end| end.cell == start.cell)
        .unwrap_or(start);
    Some(JsonCell {
        number: start.cell,
        start: JsonPosition {
            line: start.line,
            column: start.column,
        },
        end: JsonPosition {
            line: end.line,
            column: end.column,
        },
    })
}

#[derive(Serialize)]
struct JsonPosition {
    line: usize,
    column: usize,
}

impl From<Position> for JsonPosition {
    fn from(position: Position) -> Self {
        JsonPosition {
            line: position.line,
            column: position.column,
        }
    }
}

#[derive(Serialize)]
struct JsonFix<'a> {
    applicability: &'a str,
    title: &'a str,
    /// Why the fix has its applicability (for a display-only fix, why it is not applied).
    reason: String,
    edits: Vec<JsonEdit>,
}

#[derive(Serialize)]
struct JsonEdit {
    start: JsonPosition,
    end: JsonPosition,
    content: String,
}

#[derive(Serialize)]
struct JsonError {
    path: String,
    message: String,
}

#[derive(Serialize)]
struct JsonSummary {
    files_scanned: usize,
    files_parsed: usize,
    diagnostics: usize,
    /// Source files and manifests in directories the default excludes skip.
    files_excluded_by_default: usize,
}

impl Emitter for JsonEmitter {
    fn emit(&mut self, out: &mut dyn Write, report: &RunReport) -> io::Result<()> {
        let mut diagnostics = Vec::new();
        let mut errors: Vec<JsonError> = report
            .walk_errors
            .iter()
            .map(|(path, message)| JsonError {
                path: path.clone(),
                message: message.clone(),
            })
            .collect();
        let texts: Vec<SourceText> = report
            .files
            .iter()
            .map(|f| SourceText::new(f.diagnostic_text()))
            .collect();
        for (file, text) in report.files.iter().zip(&texts) {
            let redactor = Redactor::new(&file.secrets);
            for diagnostic in &file.diagnostics {
                diagnostics.push(JsonDiagnostic {
                    rule: &diagnostic.rule,
                    severity: diagnostic.severity.as_str(),
                    message: redactor.redact(&diagnostic.message).into_owned(),
                    path: &file.display_path,
                    start: text.position(diagnostic.range.start).into(),
                    end: text.position(diagnostic.range.end).into(),
                    cell: file
                        .notebook
                        .as_ref()
                        .and_then(|notebook| cell_of(notebook, diagnostic.range.clone())),
                    fix: diagnostic.fix.as_ref().map(|fix| JsonFix {
                        applicability: fix.applicability.as_str(),
                        title: &fix.title,
                        reason: redactor.redact(&fix.note).into_owned(),
                        edits: fix
                            .edits
                            .iter()
                            .map(|edit| JsonEdit {
                                start: text.position(edit.range.start).into(),
                                end: text.position(edit.range.end).into(),
                                content: redactor.redact(&edit.content).into_owned(),
                            })
                            .collect(),
                    }),
                    related: diagnostic
                        .related()
                        .iter()
                        .map(|r| JsonRelated {
                            path: &r.path,
                            symbol: &r.symbol,
                            line: r.line,
                            column: r.column,
                            message: &r.message,
                        })
                        .collect(),
                });
            }
            errors.extend(file.errors.iter().map(|error| JsonError {
                path: file.display_path.clone(),
                message: error.message.clone(),
            }));
        }
        let output = JsonOutput {
            version: 1,
            summary: JsonSummary {
                files_scanned: report.files.len(),
                files_parsed: report.files.iter().filter(|f| f.parsed).count(),
                diagnostics: diagnostics.len(),
                files_excluded_by_default: report.excluded_by_default,
            },
            diagnostics,
            errors,
        };
        self.notices.clone_from(&report.notices);
        serde_json::to_writer_pretty(&mut *out, &output)?;
        writeln!(out)
    }

    fn warnings(&self) -> Vec<String> {
        self.notices.clone()
    }
}
