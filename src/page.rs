//! HTML pages: which parts of a page are scripts.
//!
//! A page is parsed with the HTML grammar; the text of each inline `<script>` block whose
//! type is JavaScript becomes one range of a single JavaScript parse of the whole page
//! text (tree-sitter's included ranges), so every node, finding and fix edit of a script
//! carries its byte offset in the page, and the page's scripts share one global scope as
//! they do in a browser. Blocks of other types (`text/x-template`, JSON, TypeScript) are
//! not scripts. Server templates (Razor, JSP) parse as HTML with their directives as text.

use tree_sitter::{Node, Range, Tree};

/// The ranges of the page's JavaScript, in page order.
pub(crate) fn script_ranges(page: &Tree, text: &str) -> Vec<Range> {
    let mut ranges = Vec::new();
    let mut stack = vec![page.root_node()];
    while let Some(node) = stack.pop() {
        if node.kind() == "script_element" {
            if is_javascript(node, text) {
                let mut cursor = node.walk();
                ranges.extend(
                    node.children(&mut cursor)
                        .filter(|c| c.kind() == "raw_text" && c.start_byte() < c.end_byte())
                        .map(|c| c.range()),
                );
            }
            continue;
        }
        let mut cursor = node.walk();
        stack.extend(node.children(&mut cursor));
    }
    ranges.sort_by_key(|r| r.start_byte);
    ranges
}

/// The value of an attribute of an element's start tag, without quotes.
pub(crate) fn attribute<'s>(element: Node<'_>, name: &str, text: &'s str) -> Option<&'s str> {
    let mut cursor = element.walk();
    let start = element
        .children(&mut cursor)
        .find(|c| c.kind() == "start_tag")?;
    let mut cursor = start.walk();
    let found = start.children(&mut cursor).find(|attribute| {
        attribute.kind() == "attribute"
            && attribute
                .named_child(0)
                .is_some_and(|n| text[n.byte_range()].eq_ignore_ascii_case(name))
    })?;
    let Some(value) = found.named_child(1) else {
        return Some("");
    };
    let value = if value.kind() == "quoted_attribute_value" {
        match value.named_child(0) {
            Some(inner) => inner,
            None => return Some(""),
        }
    } else {
        value
    };
    Some(&text[value.byte_range()])
}

/// A `<script>` without a type, or with a JavaScript type, and not TypeScript (`lang="ts"`).
fn is_javascript(script: Node<'_>, text: &str) -> bool {
    let language = attribute(script, "lang", text).map(|l| l.trim().to_ascii_lowercase());
    if language.is_some_and(|l| !l.is_empty() && !matches!(l.as_str(), "js" | "javascript" | "jsx"))
    {
        return false;
    }
    let Some(kind) = attribute(script, "type", text) else {
        return true;
    };
    let kind = kind.trim().to_ascii_lowercase();
    let essence = kind.split(';').next().unwrap_or_default().trim();
    essence.is_empty()
        || essence == "module"
        || essence.ends_with("/javascript")
        || essence.ends_with("/x-javascript")
        || essence.ends_with("/ecmascript")
        || essence.ends_with("/babel")
        || essence.ends_with("/jsx")
}

#[cfg(test)]
mod tests {
    use tree_sitter::Parser;

    use super::*;
    use crate::language::Language;

    fn ranges(text: &str) -> Vec<String> {
        let mut parser = Parser::new();
        parser
            .set_language(&Language::Html.grammar())
            .expect("grammar");
        let tree = parser.parse(text, None).expect("parses");
        script_ranges(&tree, text)
            .iter()
            .map(|r| text[r.start_byte..r.end_byte].to_string())
            .collect()
    }

    #[test]
    fn only_javascript_blocks_are_scripts() {
        let page = concat!(
            "<!-- <script>commented()</script> -->\n",
            "<script src=\"adal.min.js\"></script>\n",
            "<script>a()</script>\n",
            "<SCRIPT type='text/javascript'>b()</SCRIPT>\n",
            "<script type=module>c()</script>\n",
            "<script type=\"text/x-template\"><div></div></script>\n",
            "<script type=\"application/json\">{}</script>\n",
            "<script lang=\"ts\">let x: number</script>\n",
            "@section Scripts {<script>d(\"</div>\")</script>}\n",
        );
        assert_eq!(ranges(page), ["a()", "b()", "c()", "d(\"</div>\")"]);
    }
}
