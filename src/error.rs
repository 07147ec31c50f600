//! The errors callers can match on and render: problems in rule files and in configuration
//! files, which point at the bytes of the TOML they are about.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::termcolor::WriteColor;
use codespan_reporting::term::{self, Config};

/// A message about a span of a text file.
#[derive(Debug)]
struct FileProblem {
    path: PathBuf,
    text: String,
    span: Option<Range<usize>>,
    message: String,
}

impl FileProblem {
    fn new(path: &Path, text: &str, span: Option<Range<usize>>, message: String) -> Self {
        let span = span.map(|span| {
            let end = span.end.min(text.len());
            span.start.min(end)..end
        });
        FileProblem {
            path: path.to_path_buf(),
            text: text.to_string(),
            span,
            message,
        }
    }

    fn line(&self) -> Option<usize> {
        self.span
            .as_ref()
            .map(|span| self.text[..span.start].matches('\n').count() + 1)
    }

    /// Renders the problem with the file's lines, as codespan does for findings.
    fn render(&self, writer: &mut dyn WriteColor, code: &str, what: &str) -> std::io::Result<()> {
        let file = SimpleFile::new(self.path.display().to_string(), self.text.as_str());
        let mut diagnostic = Diagnostic::error()
            .with_code(code)
            .with_message(format!("{what}: {}", self.message));
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

impl fmt::Display for FileProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line() {
            Some(line) => write!(f, "{}:{line}: {}", self.path.display(), self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

/// A rule pack that cannot be loaded.
#[derive(Debug)]
pub struct RuleFileError(FileProblem);

impl RuleFileError {
    pub(crate) fn new(path: &Path, text: &str, span: Range<usize>, message: String) -> Self {
        RuleFileError(FileProblem::new(path, text, Some(span), message))
    }

    pub(crate) fn io(path: &Path, message: &str) -> Self {
        RuleFileError(FileProblem::new(path, "", None, message.to_string()))
    }

    pub fn path(&self) -> &Path {
        &self.0.path
    }

    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The 1-based line of the rule file the error points at.
    pub fn line(&self) -> Option<usize> {
        self.0.line()
    }

    /// Renders the error with the rule file's lines, as codespan does for findings.
    pub fn render(&self, writer: &mut dyn WriteColor) -> std::io::Result<()> {
        self.0.render(writer, "rule-file", "invalid rule file")
    }
}

impl fmt::Display for RuleFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for RuleFileError {}

/// A configuration file that cannot be used.
#[derive(Debug)]
pub struct ConfigError(FileProblem);

impl ConfigError {
    pub(crate) fn new(
        path: &Path,
        text: &str,
        span: Option<Range<usize>>,
        message: String,
    ) -> Self {
        ConfigError(FileProblem::new(path, text, span, message))
    }

    pub fn path(&self) -> &Path {
        &self.0.path
    }

    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The 1-based line of the configuration file the error points at.
    pub fn line(&self) -> Option<usize> {
        self.0.line()
    }

    /// Renders the error with the configuration file's lines.
    pub fn render(&self, writer: &mut dyn WriteColor) -> std::io::Result<()> {
        self.0.render(writer, "config", "invalid configuration")
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for ConfigError {}
