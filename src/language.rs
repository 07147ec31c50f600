//! The single source of truth for which files are parsed, with which grammar, and how a
//! language spells qualified names and comments.

use std::path::Path;

use serde::Deserialize;

/// A language adalint parses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Python,
    JavaScript,
}

/// Languages that share a front end and a naming scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Family {
    Python,
    JavaScript,
}

/// File name endings per language. TypeScript (`.ts`, `.tsx`, `.mts`, `.cts`) and HTML pages
/// join this table with their grammars.
const EXTENSIONS: &[(Language, &[&str])] = &[
    (Language::Python, &["py", "pyi"]),
    (Language::JavaScript, &["js", "mjs", "cjs", "jsx"]),
];

impl Language {
    /// Every language, in a stable order.
    pub const ALL: [Language; 2] = [Language::Python, Language::JavaScript];

    /// The language of a file, from its name.
    pub fn from_path(path: &Path) -> Option<Language> {
        let extension = path.extension()?.to_str()?;
        EXTENSIONS
            .iter()
            .find(|(_, extensions)| extensions.iter().any(|e| e.eq_ignore_ascii_case(extension)))
            .map(|(language, _)| *language)
    }

    /// The name used in rule files and messages.
    pub fn name(self) -> &'static str {
        match self {
            Language::Python => "python",
            Language::JavaScript => "javascript",
        }
    }

    pub(crate) fn family(self) -> Family {
        match self {
            Language::Python => Family::Python,
            Language::JavaScript => Family::JavaScript,
        }
    }

    pub(crate) fn grammar(self) -> tree_sitter::Language {
        match self {
            Language::Python => tree_sitter_python::LANGUAGE.into(),
            Language::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
        }
    }

    /// The line-comment marker, used by fixtures' `expect:` markers.
    pub fn comment_prefix(self) -> &'static str {
        match self.family() {
            Family::Python => "#",
            Family::JavaScript => "//",
        }
    }

    /// The qualified name of a module: `adal` in Python, `adal-node:` in JavaScript, where
    /// module specifiers may themselves contain dots and slashes.
    pub(crate) fn module_name(self, specifier: &str) -> String {
        match self.family() {
            Family::Python => specifier.to_string(),
            Family::JavaScript => format!("{specifier}:"),
        }
    }

    /// The qualified name of `member` inside `parent`.
    pub(crate) fn member_name(self, parent: &str, member: &str) -> String {
        if parent.ends_with(':') {
            format!("{parent}{member}")
        } else {
            format!("{parent}.{member}")
        }
    }
}
