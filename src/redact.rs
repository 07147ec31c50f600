//! Keeps literal secrets out of every output. A file's report lists the string literals it
//! passes in secret positions (see `identity`); emitters pass everything they print that
//! comes from the file (messages, source snippets, fix contents, diffs, inventory values)
//! through that file's [`Redactor`], which shows each secret as `***`.
//!
//! Positions are never computed from redacted text: lines and columns always refer to the
//! file as it is, so fingerprints and regions stay right.

use std::borrow::Cow;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::identity::split_string_literal;

/// The mask shown instead of a secret.
pub const MASK: &str = "***";

/// Below this length a secret is masked only where it appears as the whole literal, so
/// that a two-letter password does not blank out every word that contains it.
const MIN_BARE_LENGTH: usize = 4;

/// Masks one file's secrets.
#[derive(Debug, Default)]
pub struct Redactor {
    matcher: Option<AhoCorasick>,
    replacements: Vec<String>,
}

impl Redactor {
    /// A redactor for literals as written in the source (quotes and prefixes included).
    pub fn new(literals: &[String]) -> Redactor {
        let mut pairs: Vec<(String, String)> = Vec::new();
        for literal in literals {
            let (open, content, close) = split_string_literal(literal).unwrap_or(("", literal, ""));
            if content.is_empty() {
                continue;
            }
            if content.chars().count() >= MIN_BARE_LENGTH {
                pairs.push((content.to_string(), MASK.to_string()));
            } else {
                pairs.push((literal.clone(), format!("{open}{MASK}{close}")));
            }
        }
        pairs.sort();
        pairs.dedup();
        if pairs.is_empty() {
            return Redactor::default();
        }
        let matcher = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(pairs.iter().map(|(pattern, _)| pattern))
            .ok();
        Redactor {
            matcher,
            replacements: pairs
                .into_iter()
                .map(|(_, replacement)| replacement)
                .collect(),
        }
    }

    /// The text with every secret masked.
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let Some(matcher) = &self.matcher else {
            return Cow::Borrowed(text);
        };
        if !matcher.is_match(text) {
            return Cow::Borrowed(text);
        }
        Cow::Owned(matcher.replace_all(text, &self.replacements))
    }

    /// The text with every secret masked, and a map from byte offsets in `text` to byte
    /// offsets in the result (an offset inside a secret maps to the mask's start).
    pub fn redact_with_offsets(&self, text: &str) -> (String, OffsetMap) {
        let mut map = OffsetMap::default();
        let Some(matcher) = &self.matcher else {
            return (text.to_string(), map);
        };
        let mut out = String::with_capacity(text.len());
        let mut cursor = 0;
        for found in matcher.find_iter(text) {
            out.push_str(&text[cursor..found.start()]);
            let replacement = &self.replacements[found.pattern().as_usize()];
            map.segments.push(Segment {
                start: found.start(),
                end: found.end(),
                new_start: out.len(),
                new_end: out.len() + replacement.len(),
            });
            out.push_str(replacement);
            cursor = found.end();
        }
        out.push_str(&text[cursor..]);
        (out, map)
    }

    pub fn is_empty(&self) -> bool {
        self.matcher.is_none()
    }
}

#[derive(Clone, Copy, Debug)]
struct Segment {
    start: usize,
    end: usize,
    new_start: usize,
    new_end: usize,
}

/// Maps byte offsets of a text to offsets in its redacted form.
#[derive(Clone, Debug, Default)]
pub struct OffsetMap {
    segments: Vec<Segment>,
}

impl OffsetMap {
    pub fn map(&self, offset: usize) -> usize {
        let mut shift: isize = 0;
        for segment in &self.segments {
            if offset < segment.start {
                break;
            }
            if offset < segment.end {
                return segment.new_start;
            }
            if offset == segment.end {
                return segment.new_end;
            }
            shift = segment.new_end as isize - segment.end as isize;
        }
        offset.saturating_add_signed(shift)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_secrets_are_masked_wherever_they_appear() {
        let redactor = Redactor::new(&["\"s3cr3t-value\"".to_string()]);
        assert_eq!(
            redactor.redact("f(\"s3cr3t-value\") # s3cr3t-value"),
            "f(\"***\") # ***"
        );
    }

    #[test]
    fn short_secrets_are_masked_only_as_the_whole_literal() {
        let redactor = Redactor::new(&["'pw'".to_string()]);
        assert_eq!(redactor.redact("pwd = f('pw')"), "pwd = f('***')");
    }

    #[test]
    fn offsets_after_a_mask_shift_and_offsets_inside_it_clamp() {
        let redactor = Redactor::new(&["\"abcdefgh\"".to_string()]);
        let (text, map) = redactor.redact_with_offsets("x(\"abcdefgh\", y)");
        assert_eq!(text, "x(\"***\", y)");
        assert_eq!(map.map(0), 0);
        assert_eq!(map.map(3), 3);
        assert_eq!(map.map(6), 3);
        assert_eq!(map.map(11), 6);
        assert_eq!(map.map(14), 9);
    }

    #[test]
    fn empty_literals_are_not_secrets() {
        assert!(Redactor::new(&["\"\"".to_string()]).is_empty());
    }
}
