//! The errors callers can match on and render: problems in rule files, which point at the
//! bytes of the TOML they are about.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::termcolor::WriteColor;
use codespan_reporting::term::{self, Config};

/// A rule pack that cannot be loaded.
#[derive(Debug)]
pub struct RuleFileError {
    path: PathBuf,
    text: String,
    span: Option<Range<usize>>,
    message: String,
}

impl RuleFileError {
    pub(crate) fn new(path: &Path, text: &str, span: Range<usize>, message: String) -> Self {
        let end = span.end.min(text.len());
        let start = span.start.min(end);
        RuleFileError {
            path: path.to_path_buf(),
            text: text.to_string(),
            span: Some(start..end),
            message,
        }
    }

    pub(crate) fn io(path: &Path, message: &str) -> Self {
        RuleFileError {
            path: path.to_path_buf(),
            text: String::new(),
            span: None,
            message: message.to_string(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    /// The 1-based line of the rule file the error points at.
    pub fn line(&self) -> Option<usize> {
        self.span
            .as_ref()
            .map(|span| self.text[..span.start].matches('\n').count() + 1)
    }

    /// Renders the error with the rule file's lines, as codespan does for findings.
    pub fn render(&self, writer: &mut dyn WriteColor) -> std::io::Result<()> {
        let file = SimpleFile::new(self.path.display().to_string(), self.text.as_str());
        let mut diagnostic = Diagnostic::error()
            .with_code("rule-file")
            .with_message(format!("invalid rule file: {}", self.message));
        if let Some(span) = &self.span {
            diagnostic =
                diagnostic.with_labels(vec![Label::primary((), span.clone()).with_message("here")]);
        } else {
            diagnostic = diagnostic.with_notes(vec![format!("in `{}`", self.path.display())]);
        }
        term::emit_to_write_style(writer, &Config::default(), &file, &diagnostic)
            .map_err(|error| std::io::Error::other(error.to_string()))
    }
}

impl fmt::Display for RuleFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line() {
            Some(line) => write!(f, "{}:{line}: {}", self.path.display(), self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

impl std::error::Error for RuleFileError {}
