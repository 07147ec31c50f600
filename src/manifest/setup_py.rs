//! `setup.py`: the string lists passed as `install_requires`, `setup_requires`,
//! `tests_require` and `extras_require` to `setup(...)`, directly or through a module-level
//! name (`REQUIREMENTS = [...]`). The file is parsed with the Python grammar.

use std::collections::HashMap;
use std::ops::Range;

use tree_sitter::{Node, Parser};

use super::toml_file::quoted_entry;
use super::{Container, Parsed, Spelling};
use crate::language::Language;

const KEYWORDS: &[&str] = &[
    "install_requires",
    "setup_requires",
    "tests_require",
    "extras_require",
];

/// `None` when the file does not parse as Python.
pub(super) fn parse(text: &str) -> Option<Parsed> {
    let mut parser = Parser::new();
    parser
        .set_language(&Language::Python.grammar())
        .expect("bundled grammars match the tree-sitter version");
    let tree = parser.parse(text, None)?;
    let root = tree.root_node();
    if root.has_error() {
        return None;
    }
    // Module-level `NAME = [...]` / `NAME = {...}`, for `install_requires=NAME`.
    let mut assigned: HashMap<&str, Node<'_>> = HashMap::new();
    let mut stack = vec![root];
    let mut keywords: Vec<(String, Node<'_>)> = Vec::new();
    while let Some(node) = stack.pop() {
        if node.kind() == "assignment" {
            if let (Some(left), Some(right)) = (
                node.child_by_field_name("left"),
                node.child_by_field_name("right"),
            ) {
                if left.kind() == "identifier" && matches!(right.kind(), "list" | "dictionary") {
                    assigned.insert(&text[left.byte_range()], right);
                }
            }
        }
        if node.kind() == "keyword_argument" {
            if let (Some(name), Some(value)) = (
                node.child_by_field_name("name"),
                node.child_by_field_name("value"),
            ) {
                let name = &text[name.byte_range()];
                if KEYWORDS.contains(&name) {
                    keywords.push((name.to_string(), value));
                }
            }
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    keywords.sort_by_key(|(_, value)| value.start_byte());
    let mut parsed = Parsed::default();
    let mut seen: Vec<Range<usize>> = Vec::new();
    for (keyword, value) in keywords {
        let value = match value.kind() {
            "identifier" => match assigned.get(&text[value.byte_range()]) {
                Some(node) => *node,
                None => continue,
            },
            _ => value,
        };
        let lists: Vec<Node<'_>> = match value.kind() {
            "list" => vec![value],
            "dictionary" => {
                let mut cursor = value.walk();
                value
                    .named_children(&mut cursor)
                    .filter_map(|pair| pair.child_by_field_name("value"))
                    .filter(|v| v.kind() == "list")
                    .collect()
            }
            _ => Vec::new(),
        };
        for list in lists {
            if seen.contains(&list.byte_range()) {
                continue;
            }
            seen.push(list.byte_range());
            let mut cursor = list.walk();
            let items: Vec<Range<usize>> = list
                .named_children(&mut cursor)
                .filter(|item| {
                    item.kind() == "string" && text[item.byte_range()].starts_with(['"', '\''])
                })
                .map(|item| item.byte_range())
                .collect();
            for item in &items {
                if let Some(entry) = quoted_entry(text, item.clone()) {
                    parsed.entries.push(entry);
                }
            }
            if keyword == "install_requires" && parsed.main.is_none() {
                parsed.main = Some(Container::Delimited {
                    open: list.start_byte() + 1,
                    quote: items
                        .first()
                        .and_then(|i| text[i.clone()].chars().next())
                        .unwrap_or('"'),
                    items,
                    spelling: Spelling::Pep508,
                });
            }
        }
    }
    Some(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setup_lists_direct_named_and_extras() {
        let text = "from setuptools import setup\nREQUIRES = ['adal>=1.2', \"requests\"]\nsetup(name='x', install_requires=REQUIRES, extras_require={'ml': ['azureml-core']})\n";
        let parsed = parse(text).expect("parses");
        let specs: Vec<&str> = parsed
            .entries
            .iter()
            .map(|e| &text[e.spec.clone()])
            .collect();
        assert_eq!(specs, vec!["adal>=1.2", "requests", "azureml-core"]);
        assert!(matches!(
            parsed.main,
            Some(Container::Delimited { quote: '\'', .. })
        ));
        assert!(parse("setup(").is_none());
    }
}
