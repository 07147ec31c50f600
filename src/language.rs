//! The single source of truth for which files are parsed, with which grammar, and how a
//! language spells qualified names and comments.
//!
//! TypeScript and TSX are JavaScript with types: they share the JavaScript front end and
//! its qualified names, and a rule pack that names `javascript` applies to them too. An
//! HTML page is markup whose `<script>` blocks are JavaScript: the page is parsed with the
//! HTML grammar (for rules about the markup, such as `<script src>`), and its scripts with
//! the JavaScript grammar at their page offsets (see `page.rs`).
//!
//! Angular templates are a language of their own that no file ending names: the binding
//! expressions of a component's template (`(click)="adalService.login()"`, `{{ user.name }}`)
//! and of an AngularJS view, found in HTML files and inline `template:` strings and read as
//! a TypeScript program (see `template/`). Rules name it `angular-template`.

use std::path::Path;

use serde::Deserialize;

/// A language adalint parses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Python,
    JavaScript,
    TypeScript,
    /// TypeScript with JSX (`.tsx`): a grammar of its own, since `<T>x` means different things.
    Tsx,
    /// HTML pages, including server templates such as Razor (`.cshtml`).
    Html,
    /// The binding expressions of Angular and AngularJS templates.
    #[serde(rename = "angular-template")]
    AngularTemplate,
}

/// Languages that share a front end and a naming scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Family {
    Python,
    JavaScript,
}

/// File name endings per language.
const EXTENSIONS: &[(Language, &[&str])] = &[
    (Language::Python, &["py", "pyi", "ipynb"]),
    (Language::JavaScript, &["js", "mjs", "cjs", "jsx"]),
    (Language::TypeScript, &["ts", "mts", "cts"]),
    (Language::Tsx, &["tsx"]),
    (
        Language::Html,
        &[
            "html", "htm", "xhtml", "cshtml", "vbhtml", "razor", "aspx", "jsp", "php",
        ],
    ),
];

impl Language {
    /// Every language, in a stable order.
    pub const ALL: [Language; 6] = [
        Language::Python,
        Language::JavaScript,
        Language::TypeScript,
        Language::Tsx,
        Language::Html,
        Language::AngularTemplate,
    ];

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
            Language::TypeScript => "typescript",
            Language::Tsx => "tsx",
            Language::Html => "html",
            Language::AngularTemplate => "angular-template",
        }
    }

    /// The family of the language its code is written in (an HTML page's scripts are
    /// JavaScript).
    pub(crate) fn family(self) -> Family {
        match self {
            Language::Python => Family::Python,
            Language::JavaScript
            | Language::TypeScript
            | Language::Tsx
            | Language::Html
            | Language::AngularTemplate => Family::JavaScript,
        }
    }

    /// The language the file's code is parsed as: itself, or JavaScript for the scripts of
    /// an HTML page.
    pub(crate) fn script_language(self) -> Language {
        match self {
            Language::Html => Language::JavaScript,
            other => other,
        }
    }

    /// The languages a rule pack that names this language applies to: `javascript` covers
    /// TypeScript and TSX (and so the scripts of HTML pages), `typescript` covers TSX.
    pub(crate) fn covered(self) -> &'static [Language] {
        match self {
            Language::Python => &[Language::Python],
            Language::JavaScript => &[Language::JavaScript, Language::TypeScript, Language::Tsx],
            Language::TypeScript => &[Language::TypeScript, Language::Tsx],
            Language::Tsx => &[Language::Tsx],
            Language::Html => &[Language::Html],
            Language::AngularTemplate => &[Language::AngularTemplate],
        }
    }

    pub(crate) fn grammar(self) -> tree_sitter::Language {
        match self {
            Language::Python => tree_sitter_python::LANGUAGE.into(),
            Language::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Language::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Language::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            Language::Html => tree_sitter_html::LANGUAGE.into(),
            // Binding expressions are read as TypeScript: `user!.name` is a non-null assertion.
            Language::AngularTemplate => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
        }
    }

    /// The line-comment marker, used by fixtures' `expect:` markers.
    pub fn comment_prefix(self) -> &'static str {
        match self {
            Language::Python => "#",
            Language::JavaScript | Language::TypeScript | Language::Tsx => "//",
            Language::Html | Language::AngularTemplate => "<!--",
        }
    }

    /// Every comment opener a fixture marker may follow: an HTML page's markup takes
    /// `<!-- expect: ... -->`, its scripts `// expect: ...`.
    pub fn comment_prefixes(self) -> &'static [&'static str] {
        match self {
            Language::Python => &["#"],
            Language::JavaScript | Language::TypeScript | Language::Tsx => &["//"],
            Language::Html | Language::AngularTemplate => &["<!--", "//"],
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_endings_map_to_languages() {
        let of = |name: &str| Language::from_path(Path::new(name));
        assert_eq!(of("a.ts"), Some(Language::TypeScript));
        assert_eq!(of("a.d.ts"), Some(Language::TypeScript));
        assert_eq!(of("a.tsx"), Some(Language::Tsx));
        assert_eq!(of("Index.CSHTML"), Some(Language::Html));
        assert_eq!(of("index.htm"), Some(Language::Html));
        assert_eq!(of("a.jsx"), Some(Language::JavaScript));
        assert_eq!(of("a.json"), None);
    }

    #[test]
    fn javascript_packs_cover_typescript_but_not_pages_markup() {
        assert!(Language::JavaScript.covered().contains(&Language::Tsx));
        assert!(!Language::JavaScript.covered().contains(&Language::Html));
        assert_eq!(Language::Html.script_language(), Language::JavaScript);
    }
}
