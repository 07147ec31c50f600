//! `--diff`: the change fixes would make, as a unified diff per file; nothing is written.

use std::io::{self, Write};

use super::{Emitter, RunReport, Verbosity};

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
            let diff = similar::TextDiff::from_lines(source.text(), fixed.as_str());
            let old = format!("a/{}", file.display_path);
            let new = format!("b/{}", file.display_path);
            let unified = diff
                .unified_diff()
                .context_radius(3)
                .header(&old, &new)
                .to_string();
            let redactor = crate::redact::Redactor::new(&file.secrets);
            write!(out, "{}", redactor.redact(&unified))?;
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
