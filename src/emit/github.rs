//! GitHub Actions workflow commands: one `::error` / `::warning` / `::notice` annotation
//! per finding, shown on the pull request's changed lines, and one per file that could
//! not be scanned.
//!
//! Escaping follows the Actions runner: in the message `%`, `\r` and `\n` are
//! percent-encoded; in properties (`file=`, `title=`...) also `:` and `,`.

use std::io::{self, Write};

use super::{Emitter, RunReport};
use crate::diagnostic::Severity;
use crate::lint::Severity as ErrorSeverity;
use crate::redact::Redactor;
use crate::source::SourceText;

pub(super) struct GithubEmitter;

/// Escapes a command's message.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command's property value.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

impl Emitter for GithubEmitter {
    fn emit(&mut self, out: &mut dyn Write, report: &RunReport) -> io::Result<()> {
        for file in &report.files {
            let text = SourceText::new(file.diagnostic_text());
            let redactor = Redactor::new(&file.secrets);
            for diagnostic in &file.diagnostics {
                let start = text.position(diagnostic.range().start);
                let end = text.position(diagnostic.range().end);
                writeln!(
                    out,
                    "::{} file={},line={},endLine={},col={},endColumn={},title={}::{}",
                    command(diagnostic.severity()),
                    escape_property(&file.display_path),
                    start.line,
                    end.line,
                    start.column,
                    end.column,
                    escape_property(&format!("adalint ({})", diagnostic.rule())),
                    escape_data(&redactor.redact(diagnostic.message())),
                )?;
            }
        }
        for (path, message) in &report.walk_errors {
            writeln!(
                out,
                "::error file={},title={}::{}",
                escape_property(path),
                escape_property("adalint"),
                escape_data(message)
            )?;
        }
        for file in &report.files {
            for error in &file.errors {
                let level = match error.severity {
                    ErrorSeverity::Fatal => "error",
                    ErrorSeverity::Notice => "warning",
                };
                writeln!(
                    out,
                    "::{level} file={},title={}::{}",
                    escape_property(&file.display_path),
                    escape_property("adalint"),
                    escape_data(&error.message)
                )?;
            }
        }
        for notice in &report.notices {
            writeln!(out, "::notice title=adalint::{}", escape_data(notice))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_escape_percent_and_line_breaks() {
        assert_eq!(escape_data("100% done\r\nnext"), "100%25 done%0D%0Anext");
    }

    #[test]
    fn properties_also_escape_colons_and_commas() {
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
