//! `pyproject.toml` (PEP 621 `dependencies` and `optional-dependencies`, PEP 735
//! `dependency-groups`, Poetry's dependency tables) and `Pipfile` (`packages`,
//! `dev-packages`), scanned line by line so edits keep the file as written. The `toml`
//! crate checks the file is valid TOML before and after edits.

use std::ops::Range;

use super::requirement::requirement_head;
use super::{Channel, Container, Entry, Parsed, Role, Spelling};

/// What kind of dependency declarations a table holds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Table {
    /// `[project]`: the `dependencies` array.
    Project,
    /// Every key is an array of requirements (`optional-dependencies`, `dependency-groups`).
    Arrays,
    /// Every key is a package with a version (Poetry, Pipfile); `main` for the runtime table.
    Keys {
        main: bool,
    },
    Other,
}

pub(crate) fn parse_pyproject(text: &str) -> Option<Parsed> {
    text.parse::<toml::Table>().ok()?;
    Some(scan(text, |header| match header {
        "project" => Table::Project,
        "project.optional-dependencies" | "dependency-groups" | "tool.pdm.dev-dependencies" => {
            Table::Arrays
        }
        "tool.poetry.dependencies" => Table::Keys { main: true },
        "tool.poetry.dev-dependencies" => Table::Keys { main: false },
        h if h.starts_with("tool.poetry.group.") && h.ends_with(".dependencies") => {
            Table::Keys { main: false }
        }
        _ => Table::Other,
    }))
}

pub(crate) fn parse_pipfile(text: &str) -> Option<Parsed> {
    text.parse::<toml::Table>().ok()?;
    Some(scan(text, |header| match header {
        "packages" => Table::Keys { main: true },
        "dev-packages" => Table::Keys { main: false },
        _ => Table::Other,
    }))
}

/// The end of the line holding `at` (before its line ending).
fn line_end(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |i| at + i)
}

/// The value of a line without its comment (outside strings).
fn without_comment(line: &str) -> &str {
    let mut quote: Option<char> = None;
    for (index, c) in line.char_indices() {
        match (quote, c) {
            (None, '#') => return &line[..index],
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            _ => {}
        }
    }
    line
}

fn scan(text: &str, classify: impl Fn(&str) -> Table) -> Parsed {
    let mut parsed = Parsed::default();
    let mut table = Table::Other;
    let mut main_keys_after: Option<usize> = None;
    let mut pos = 0;
    while pos < text.len() {
        let end = line_end(text, pos);
        let line = &text[pos..end];
        let content = without_comment(line).trim();
        let next = (end + 1).min(text.len());
        if content.starts_with('[') {
            let header: String = content
                .trim_matches(['[', ']'])
                .chars()
                .filter(|c| !c.is_whitespace() && *c != '"' && *c != '\'')
                .collect();
            table = classify(&header);
            if table == (Table::Keys { main: true }) {
                main_keys_after = Some(end);
            }
            pos = next;
            continue;
        }
        let Some((key, value)) = content.split_once('=') else {
            pos = next;
            continue;
        };
        let key = key.trim().trim_matches(['"', '\'']);
        let value = value.trim_start();
        let value_at = pos + line.find('=').map_or(0, |i| i + 1);
        let value_at = value_at + (text[value_at..].len() - text[value_at..].trim_start().len());
        match table {
            Table::Project | Table::Arrays if value.starts_with('[') => {
                if table == Table::Project && key != "dependencies" {
                    pos = next;
                    continue;
                }
                let (items, close) = array_items(text, value_at);
                for item in &items {
                    if let Some(entry) = quoted_entry(text, item.clone()) {
                        parsed.entries.push(entry);
                    }
                }
                if table == Table::Project {
                    parsed.main = Some(Container::Delimited {
                        open: value_at + 1,
                        quote: items
                            .first()
                            .map_or('"', |i| text[i.clone()].chars().next().unwrap_or('"')),
                        items,
                        spelling: Spelling::Pep508,
                    });
                }
                pos = (line_end(text, close) + 1).min(text.len());
                continue;
            }
            Table::Keys { main } if !key.is_empty() && key != "python" => {
                let key_at = pos + line.find(|c: char| !c.is_whitespace()).unwrap_or(0);
                let spec_end = pos + without_comment(line).trim_end().len();
                let inline_closed = !value.starts_with('{') || value.trim_end().ends_with('}');
                if inline_closed {
                    parsed.entries.push(Entry {
                        name: key.to_string(),
                        spec: key_at..spec_end,
                        item: pos..next,
                        spelling: Spelling::TomlKey,
                        channel: Channel::Registry,
                        ecosystem: None,
                        role: Role::Dependency,
                    });
                    if main {
                        main_keys_after = Some(end);
                    }
                }
            }
            _ => {}
        }
        pos = next;
    }
    if parsed.main.is_none() {
        if let Some(after) = main_keys_after {
            parsed.main = Some(Container::Lines {
                after,
                indent: String::new(),
                prefix: "",
                spelling: Spelling::TomlKey,
            });
        }
    }
    parsed
}

/// The string items of the array whose `[` is at `open`, and the offset of its `]`.
pub(super) fn array_items(text: &str, open: usize) -> (Vec<Range<usize>>, usize) {
    let bytes = text.as_bytes();
    let mut items = Vec::new();
    let mut depth = 0;
    let mut index = open;
    while index < bytes.len() {
        match bytes[index] {
            b'[' => depth += 1,
            b']' => {
                depth -= 1;
                if depth == 0 {
                    return (items, index);
                }
            }
            b'#' => {
                index = line_end(text, index);
                continue;
            }
            quote @ (b'"' | b'\'') => {
                let start = index;
                index += 1;
                while index < bytes.len() && bytes[index] != quote {
                    if bytes[index] == b'\\' && quote == b'"' {
                        index += 1;
                    }
                    index += 1;
                }
                if depth == 1 {
                    items.push(start..(index + 1).min(bytes.len()));
                }
            }
            _ => {}
        }
        index += 1;
    }
    (items, text.len())
}

/// A requirement in a quoted string item.
pub(super) fn quoted_entry(text: &str, item: Range<usize>) -> Option<Entry> {
    let inner = item.start + 1..item.end.saturating_sub(1).max(item.start + 1);
    let content = &text[inner.clone()];
    let (name, end) = requirement_head(content)?;
    Some(Entry {
        name: content[name].to_string(),
        spec: inner.start..inner.start + end,
        item,
        spelling: Spelling::Pep508,
        channel: Channel::Registry,
        ecosystem: None,
        role: Role::Dependency,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pyproject_lists_pep621_optional_and_poetry_dependencies() {
        let text = r#"[project]
name = "x"
dependencies = [
    "adal>=1.2",  # old
    'requests',
]

[project.optional-dependencies]
ml = ["azureml-core==1.0"]

[tool.poetry.dependencies]
python = "^3.10"
msrestazure = { version = "^0.6", optional = true }

[tool.poetry.group.dev.dependencies]
adal = "^1.2"
"#;
        let parsed = parse_pyproject(text).expect("valid TOML");
        let specs: Vec<&str> = parsed
            .entries
            .iter()
            .map(|e| &text[e.spec.clone()])
            .collect();
        assert_eq!(
            specs,
            vec![
                "adal>=1.2",
                "requests",
                "azureml-core==1.0",
                "msrestazure = { version = \"^0.6\", optional = true }",
                "adal = \"^1.2\""
            ]
        );
        assert!(
            matches!(parsed.main, Some(Container::Delimited { ref items, .. }) if items.len() == 2)
        );
    }

    #[test]
    fn pipfiles_list_packages() {
        let text = "[[source]]\nurl = \"https://pypi.org/simple\"\n\n[packages]\nadal = \"*\"\n\n[dev-packages]\npytest = \"*\"\n";
        let parsed = parse_pipfile(text).expect("valid TOML");
        let names: Vec<&str> = parsed.entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, vec!["adal", "pytest"]);
        assert!(matches!(parsed.main, Some(Container::Lines { .. })));
        assert!(parse_pipfile("[packages\n").is_none());
    }
}
