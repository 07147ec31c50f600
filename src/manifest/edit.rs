//! Surgical edits to a manifest's text: removing a declaration with its separator, and
//! adding one in the style of the list or lines it joins (indentation, quotes, trailing
//! commas, a comment left on its line).

use std::ops::Range;

use super::{Container, Spelling, spell};
use crate::fix::Edit;

/// Deletes a declaration with its separator: a line-based one with its line, a list item
/// with one adjacent comma (and its line, when it stands alone on it).
pub(super) fn removal(text: &str, item: Range<usize>) -> Edit {
    let line_start = text[..item.start].rfind('\n').map_or(0, |i| i + 1);
    let whole_lines = item.start == line_start
        && item.end > item.start
        && (item.end == text.len() || text[..item.end].ends_with('\n'));
    if whole_lines {
        return Edit::replace(item, "");
    }
    let line_end = text[item.end..]
        .find('\n')
        .map_or(text.len(), |i| item.end + i + 1);
    let alone_before = text[line_start..item.start].trim().is_empty();
    let rest = text[item.end..].trim_start_matches([' ', '\t']);
    if let Some(after_comma) = rest.strip_prefix(',') {
        let comma_end = text.len() - after_comma.len();
        let tail = text[comma_end..line_end].trim();
        if alone_before && (tail.is_empty() || tail.starts_with('#')) {
            return Edit::replace(line_start..line_end, "");
        }
        let spaces = after_comma.len() - after_comma.trim_start_matches([' ', '\t']).len();
        return Edit::replace(item.start..comma_end + spaces, "");
    }
    // The last item: the comma before it goes (JSON allows no trailing comma).
    match text[..item.start].trim_end().strip_suffix(',') {
        Some(kept) => Edit::replace(kept.len()..item.end, ""),
        None => Edit::replace(item, ""),
    }
}

/// The edit that declares `package` in a container.
pub(super) fn insertion(
    text: &str,
    container: &Container,
    package: &str,
    requirement: &str,
    newline: &str,
) -> Option<(usize, Vec<Edit>)> {
    match container {
        Container::Lines {
            after,
            indent,
            prefix,
            spelling,
        } => {
            let line = format!("{indent}{prefix}{}", spell(*spelling, package, requirement));
            let at = (*after).min(text.len());
            let content = if at == 0 && text.is_empty() {
                format!("{line}{newline}")
            } else {
                format!("{newline}{line}")
            };
            Some((at, vec![Edit::insert(at, content)]))
        }
        Container::Delimited {
            open,
            items,
            spelling,
            quote,
        } => {
            let declaration = match spelling {
                Spelling::Pep508 => format!("{quote}{package}{requirement}{quote}"),
                other => spell(*other, package, requirement),
            };
            let Some(last) = items.last() else {
                return Some((*open, vec![Edit::insert(*open, declaration)]));
            };
            let first = items.first().unwrap_or(last);
            let multiline = text[*open..first.start].contains('\n');
            let indent = if multiline {
                let line_start = text[..last.start].rfind('\n').map_or(0, |i| i + 1);
                text[line_start..last.start].to_string()
            } else {
                String::new()
            };
            let separator = if multiline {
                format!("{newline}{indent}")
            } else {
                " ".to_string()
            };
            // A comment after the last item stays on its line: new lines go after it.
            let line_end = |from: usize| {
                let end = text[from..].find('\n').map_or(text.len(), |i| from + i);
                if end > from && text.as_bytes()[end - 1] == b'\r' {
                    end - 1
                } else {
                    end
                }
            };
            let comment_follows = |from: usize| {
                let rest = text[from..line_end(from)].trim();
                !rest.is_empty() && rest.starts_with('#')
            };
            let after = &text[last.end..];
            if after.trim_start().starts_with(',') {
                let comma = last.end + (after.len() - after.trim_start().len()) + 1;
                let at = if multiline && comment_follows(comma) {
                    line_end(comma)
                } else {
                    comma
                };
                Some((
                    at,
                    vec![Edit::insert(at, format!("{separator}{declaration},"))],
                ))
            } else if multiline && comment_follows(last.end) {
                let at = line_end(last.end);
                Some((
                    at,
                    vec![
                        Edit::insert(last.end, ","),
                        Edit::insert(at, format!("{separator}{declaration}")),
                    ],
                ))
            } else {
                Some((
                    last.end,
                    vec![Edit::insert(last.end, format!(",{separator}{declaration}"))],
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::apply_edits;

    fn apply(text: &str, edits: &[Edit]) -> String {
        let edits: Vec<&Edit> = edits.iter().collect();
        apply_edits(text, &edits)
    }

    #[test]
    fn removals_take_one_comma_and_lone_lines() {
        let json = "{\n  \"a\": \"1\",\n  \"adal-node\": \"2\"\n}\n";
        let start = json.find("\"adal-node\"").expect("member");
        let item = start..start + "\"adal-node\": \"2\"".len();
        assert_eq!(
            apply(json, &[removal(json, item)]),
            "{\n  \"a\": \"1\"\n}\n"
        );

        let list = "[\n    \"adal>=1\",  # old\n    \"requests\",\n]\n";
        let start = list.find("\"adal").expect("item");
        let item = start..start + "\"adal>=1\"".len();
        assert_eq!(
            apply(list, &[removal(list, item)]),
            "[\n    \"requests\",\n]\n"
        );

        let lines = "adal==1\nrequests\n";
        assert_eq!(apply(lines, &[removal(lines, 0..8)]), "requests\n");
    }

    #[test]
    fn insertions_follow_the_list_style() {
        let single = "x = [\"a\", \"b\"]";
        let container = Container::Delimited {
            open: 5,
            items: vec![5..8, 10..13],
            spelling: Spelling::Pep508,
            quote: '"',
        };
        let (_, edits) = insertion(single, &container, "msal", ">=1", "\n").expect("edit");
        assert_eq!(apply(single, &edits), "x = [\"a\", \"b\", \"msal>=1\"]");

        let multi = "x = [\n    \"a\",  # keep\n]\n";
        let container = Container::Delimited {
            open: 5,
            items: std::iter::once(10..13).collect(),
            spelling: Spelling::Pep508,
            quote: '"',
        };
        let (_, edits) = insertion(multi, &container, "msal", ">=1", "\n").expect("edit");
        assert_eq!(
            apply(multi, &edits),
            "x = [\n    \"a\",  # keep\n    \"msal>=1\",\n]\n"
        );

        let json = "{\n  \"dependencies\": {\n    \"a\": \"1\"\n  }\n}";
        let start = json.find("\"a\"").expect("member");
        let container = Container::Delimited {
            open: json.find("{\n    ").expect("object") + 1,
            items: std::iter::once(start..start + 8).collect(),
            spelling: Spelling::JsonMember,
            quote: '"',
        };
        let (_, edits) = insertion(json, &container, "@azure/identity", "^4", "\n").expect("edit");
        assert_eq!(
            apply(json, &edits),
            "{\n  \"dependencies\": {\n    \"a\": \"1\",\n    \"@azure/identity\": \"^4\"\n  }\n}"
        );
    }
}
