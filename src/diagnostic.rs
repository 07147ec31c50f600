//! What a finding is: a rule, a place in a file, what is wrong, how to migrate, and maybe
//! a fix.

use std::ops::Range;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::fix::Fix;

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One finding in one file.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub(crate) rule: Arc<str>,
    pub(crate) severity: Severity,
    pub(crate) message: String,
    /// Byte range in the file's text.
    pub(crate) range: Range<usize>,
    pub(crate) help: String,
    pub(crate) url: String,
    pub(crate) fix: Option<Fix>,
    /// Other places the finding is about (the project wrapper a use goes through).
    pub(crate) related: Vec<Related>,
}

/// A place in another file a finding refers to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    /// The path as shown to users.
    pub path: String,
    /// The symbol there (`getClient`).
    pub symbol: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl Diagnostic {
    pub fn rule(&self) -> &str {
        &self.rule
    }

    pub fn severity(&self) -> Severity {
        self.severity
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn range(&self) -> Range<usize> {
        self.range.clone()
    }

    pub fn help(&self) -> &str {
        &self.help
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn fix(&self) -> Option<&Fix> {
        self.fix.as_ref()
    }

    pub fn related(&self) -> &[Related] {
        &self.related
    }
}
