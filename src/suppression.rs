//! Suppression comments: `# adalint: ignore[rule-id, ...]` (or `//`, `/* */` in
//! JavaScript, `<!-- -->` in the markup of HTML pages and templates) on a finding's first
//! line or alone on the line above it, and
//! `adalint: ignore-file[rule-id, ...]` anywhere for the whole file, each optionally
//! followed by `-- reason`.
//!
//! Directives are read only from the trees' `comment` nodes, so text in strings never
//! suppresses anything. This module parses directives, drops the findings they cover, and
//! says which named rules suppressed nothing or do not exist (`builtin` reports those).

use std::ops::Range;

use tree_sitter::{Node, Tree};

use crate::diagnostic::Diagnostic;
use crate::source::SourceText;

/// What a directive covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Findings that start on this 0-based line.
    Line(usize),
    /// Every finding in the file.
    File,
}

/// One rule id named in a directive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Named {
    pub(crate) id: String,
    /// The bytes of the id in the file.
    pub(crate) range: Range<usize>,
    pub(crate) used: bool,
}

/// One `adalint:` directive.
#[derive(Clone, Debug)]
pub(crate) struct Directive {
    pub(crate) scope: Scope,
    pub(crate) rules: Vec<Named>,
    /// The comment node that holds it.
    pub(crate) comment: Range<usize>,
    /// From `adalint:` to the end of the directive (its reason included).
    pub(crate) span: Range<usize>,
    /// Whether the comment holds nothing but the directive.
    pub(crate) whole_comment: bool,
    /// Whether the comment is alone on its line.
    pub(crate) own_line: bool,
    /// Why the directive cannot be read, when it cannot.
    pub(crate) malformed: Option<String>,
}

const MARKER: &str = "adalint:";

/// Every directive in the comments of the file's trees (its code, and a page's markup), in
/// file order.
pub(crate) fn directives(trees: &[&Tree], source: &SourceText) -> Vec<Directive> {
    let text = source.text();
    let mut found = Vec::new();
    let mut stack: Vec<Node<'_>> = trees.iter().map(|tree| tree.root_node()).collect();
    while let Some(node) = stack.pop() {
        if node.kind() == "comment" {
            parse_comment(node, source, &mut found);
            continue;
        }
        // Only descend where a comment could be.
        if text[node.byte_range()].contains(MARKER) {
            let mut cursor = node.walk();
            stack.extend(node.children(&mut cursor));
        }
    }
    found.sort_by_key(|d| d.span.start);
    found
}

fn parse_comment(node: Node<'_>, source: &SourceText, found: &mut Vec<Directive>) {
    let text = source.text();
    let comment = node.byte_range();
    let body = &text[comment.clone()];
    let body_end = if body.ends_with("*/") {
        comment.end - 2
    } else if body.ends_with("-->") {
        comment.end - 3
    } else {
        comment.end
    };
    let line = source.line_index(comment.start);
    let line_start = source.line_range(line).start;
    // A notebook's IPython line is commented out in its program (`#%pip install adal`): it
    // is a line of code, whose directive covers that line.
    let ipython_line =
        (body.starts_with("#%") || body.starts_with("#!")) && !body.starts_with("#!/");
    let own_line = text[line_start..comment.start].trim().is_empty() && !ipython_line;
    let mut from = comment.start;
    while let Some(offset) = text[from..body_end].find(MARKER) {
        let start = from + offset;
        from = start + MARKER.len();
        let before = text[comment.start..start].trim_end();
        if !(before.is_empty() || before.ends_with(['#', '/', '*', '-'])) {
            continue;
        }
        let mut directive = parse_directive(text, start, body_end, comment.clone(), own_line);
        let prefix = text[comment.start..start]
            .trim_start_matches(['#', '/', '*', '<', '!', '-', ' ', '\t']);
        directive.whole_comment = prefix.trim().is_empty();
        directive.scope = match directive.scope {
            Scope::File => Scope::File,
            Scope::Line(_) if own_line => Scope::Line(line + 1),
            Scope::Line(_) => Scope::Line(line),
        };
        from = directive.span.end.max(from);
        found.push(directive);
    }
}

fn parse_directive(
    text: &str,
    start: usize,
    body_end: usize,
    comment: Range<usize>,
    own_line: bool,
) -> Directive {
    let mut directive = Directive {
        scope: Scope::Line(0),
        rules: Vec::new(),
        comment,
        span: start..body_end,
        whole_comment: false,
        own_line,
        malformed: None,
    };
    let after_marker = start + MARKER.len();
    let rest = &text[after_marker..body_end];
    let trimmed = rest.trim_start();
    let mut cursor = after_marker + (rest.len() - trimmed.len());
    let keyword = if trimmed.starts_with("ignore-file") {
        directive.scope = Scope::File;
        "ignore-file"
    } else if trimmed.starts_with("ignore") {
        "ignore"
    } else {
        directive.malformed =
            Some("expected `ignore[rule-id, ...]` or `ignore-file[rule-id, ...]`".to_string());
        return directive;
    };
    cursor += keyword.len();
    let Some(open) = text[cursor..body_end].strip_prefix('[') else {
        directive.malformed = Some(format!(
            "`{keyword}` needs the rule ids it suppresses in brackets: `{keyword}[rule-id]`"
        ));
        return directive;
    };
    let Some(close) = open.find(']') else {
        directive.malformed = Some("the list of rule ids has no closing `]`".to_string());
        return directive;
    };
    let list_start = cursor + 1;
    let mut offset = list_start;
    for part in open[..close].split(',') {
        let id = part.trim();
        if !id.is_empty() {
            let at = offset + (part.len() - part.trim_start().len());
            directive.rules.push(Named {
                id: id.to_string(),
                range: at..at + id.len(),
                used: false,
            });
        }
        offset += part.len() + 1;
    }
    if directive.rules.is_empty() {
        directive.malformed = Some("the brackets name no rule id".to_string());
    }
    let after = list_start + close + 1;
    let tail = text[after..body_end].trim_start();
    directive.span.end = if tail.starts_with("--") {
        body_end
    } else {
        after
    };
    // A block comment's closing `*/` and trailing spaces stay; the reason ends the body.
    let trimmed_end = text[directive.span.clone()].trim_end().len();
    directive.span.end = directive.span.start + trimmed_end;
    directive
}

/// Drops the findings the directives cover, marking the rule ids that were used.
pub(crate) fn apply(
    directives: &mut [Directive],
    diagnostics: Vec<Diagnostic>,
    source: &SourceText,
) -> Vec<Diagnostic> {
    diagnostics
        .into_iter()
        .filter(|diagnostic| {
            let line = source.line_index(diagnostic.range.start);
            let mut suppressed = false;
            for directive in directives.iter_mut() {
                let covers = match directive.scope {
                    Scope::File => true,
                    Scope::Line(l) => l == line,
                };
                if !covers || directive.malformed.is_some() {
                    continue;
                }
                for named in &mut directive.rules {
                    if named.id == *diagnostic.rule {
                        named.used = true;
                        suppressed = true;
                    }
                }
            }
            !suppressed
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::language::Language;

    fn parse(language: Language, text: &str) -> Vec<Directive> {
        let mut parser = tree_sitter::Parser::new();
        parser.set_language(&language.grammar()).expect("grammar");
        let tree = parser.parse(text, None).expect("tree");
        directives(&[&tree], &SourceText::new(text))
    }

    #[test]
    fn markup_comments_hold_directives() {
        let found = parse(
            Language::Html,
            "<!-- adalint: ignore[rule-a] -- moved with the header -->\n<p>{{ a.b }}</p> <!-- adalint: ignore[rule-b] -->\n<!-- not adalint: ignore[rule-c] -->\n",
        );
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].scope, Scope::Line(1));
        assert!(found[0].whole_comment && found[0].own_line);
        assert_eq!(found[1].scope, Scope::Line(1));
        assert!(found[1].whole_comment && !found[1].own_line);
        assert_eq!(found[1].rules[0].id, "rule-b");
    }

    #[test]
    fn trailing_directive_covers_its_own_line_and_own_line_directive_the_next() {
        let found = parse(
            Language::Python,
            "import adal  # adalint: ignore[adal-import]\n# adalint: ignore[a, b] -- later\nx = 1\n",
        );
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].scope, Scope::Line(0));
        assert!(!found[0].own_line);
        assert_eq!(found[1].scope, Scope::Line(2));
        let ids: Vec<&str> = found[1].rules.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
        assert!(found[1].whole_comment);
    }

    #[test]
    fn directive_text_inside_a_string_is_not_a_directive() {
        let found = parse(Language::Python, "x = '# adalint: ignore[adal-import]'\n");
        assert!(found.is_empty());
        let found = parse(
            Language::JavaScript,
            "const s = \"// adalint: ignore[adal-node-import]\";\n",
        );
        assert!(found.is_empty());
    }

    #[test]
    fn file_level_and_block_comment_directives_are_read() {
        let found = parse(
            Language::JavaScript,
            "/* adalint: ignore-file[adal-node-import] -- vendored */\nconst a = 1; // adalint: ignore[x]\n",
        );
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].scope, Scope::File);
        assert_eq!(found[1].scope, Scope::Line(1));
        assert!(found[0].malformed.is_none());
    }

    #[test]
    fn directive_without_ids_is_malformed() {
        let found = parse(Language::Python, "x = 1  # adalint: ignore\n");
        assert_eq!(found.len(), 1);
        assert!(found[0].malformed.is_some());
    }
}
