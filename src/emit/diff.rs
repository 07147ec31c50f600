//! `--diff`: the change fixes would make, as a unified diff per file; nothing is written.

use std::io::{self, Write};

use super::{Emitter, RunReport, Verbosity};
use crate::notebook::Notebook;

pub(super) struct DiffEmitter {
    pub(super) verbosity: Verbosity,
}

impl Emitter for DiffEmitter {
    fn emit(&mut self, out: &mut dyn Write, report: &RunReport) -> io::Result<()> {
        let mut changed = 0;
        for file in &report.files {
            let (Some(fixed), Some(source)) = (&file.fixed, &file.source) else {
                continue;
            };
            changed += 1;
            let redactor = crate::redact::Redactor::new(&file.secrets);
            // A notebook's change is shown on the code of each cell it changes, as ruff does.
            let cells = file.notebook.as_ref().and_then(|_| {
                let before = Notebook::parse(source.text()).ok()?;
                let after = Notebook::parse(fixed).ok()?;
                let pairs: Vec<(usize, String, String)> = before
                    .code_cells()
                    .zip(after.code_cells())
                    .filter(|((_, old), (_, new))| old != new)
                    .map(|((number, old), (_, new))| (number, old.to_string(), new.to_string()))
                    .collect();
                Some(pairs)
            });
            let in_cells = cells.is_some();
            let pieces = match cells {
                Some(cells) => cells
                    .into_iter()
                    .map(|(number, old, new)| {
                        (format!("{}:cell {number}", file.display_path), old, new)
                    })
                    .collect(),
                None => vec![(
                    file.display_path.clone(),
                    source.text().to_string(),
                    fixed.clone(),
                )],
            };
            for (name, old_text, new_text) in pieces {
                let diff = similar::TextDiff::from_lines(&old_text, &new_text);
                let old = format!("a/{name}");
                let new = format!("b/{name}");
                let mut unified = diff
                    .unified_diff()
                    .context_radius(3)
                    .missing_newline_hint(!in_cells)
                    .header(&old, &new)
                    .to_string();
                if in_cells && !unified.ends_with('\n') {
                    unified.push('\n');
                }
                write!(out, "{}", redactor.redact(&unified))?;
            }
        }
        for (path, message) in &report.walk_errors {
            writeln!(out, "error: {path}: {message}")?;
        }
        for file in &report.files {
            for error in &file.errors {
                writeln!(out, "error: {}: {}", file.display_path, error.message)?;
            }
        }
        if self.verbosity == super::Verbosity::Quiet {
            return Ok(());
        }
        let fixes = report.fixed();
        writeln!(
            out,
            "Would fix {} in {} ({} would remain).",
            if fixes == 1 {
                "1 finding".to_string()
            } else {
                format!("{fixes} findings")
            },
            if changed == 1 {
                "1 file".to_string()
            } else {
                format!("{changed} files")
            },
            report.diagnostics()
        )
    }
}
