//! A JSON reader that keeps where every value is in the file: `serde_json` decodes values
//! but forgets their bytes, and a notebook's findings, and the edits of `--fix`, must land
//! on the file's own bytes. Strings are decoded exactly (every escape, surrogate pairs) and
//! each decoded character keeps the byte range of its spelling in the file, so a position in
//! a cell's code maps back to the notebook's raw line and column.
//!
//! The text is first checked with `serde_json` (whose errors say where the JSON is wrong);
//! this reader then only has to be exact on valid JSON, and returns `None` on anything else.

use std::ops::Range;

/// A value with the bytes it spans.
#[derive(Debug)]
pub(crate) struct Node {
    pub(crate) span: Range<usize>,
    pub(crate) value: Value,
}

#[derive(Debug)]
pub(crate) enum Value {
    Object(Vec<(String, Node)>),
    Array(Vec<Node>),
    String(Decoded),
    /// A number, `true`, `false` or `null`: its text is `span`.
    Scalar,
}

/// A decoded string: its text, and for each byte of it the file bytes that spell the
/// character the byte belongs to (`\"` for `"`, `\u00e9` or `é` for `é`).
#[derive(Debug, Default)]
pub(crate) struct Decoded {
    pub(crate) text: String,
    pub(crate) spelled: Vec<Range<usize>>,
}

impl Node {
    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub(crate) fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(decoded) => Some(&decoded.text),
            _ => None,
        }
    }
}

/// Deeper nesting than a notebook ever has is refused (the reader recurses).
const MAX_DEPTH: usize = 256;

/// Reads valid JSON text; `None` for text that is not (or nests deeper than
/// [`MAX_DEPTH`]).
pub(crate) fn parse(text: &str) -> Option<Node> {
    let mut reader = Reader {
        bytes: text.as_bytes(),
        text,
        at: 0,
    };
    let node = reader.value(0)?;
    reader.whitespace();
    (reader.at == text.len()).then_some(node)
}

struct Reader<'a> {
    bytes: &'a [u8],
    text: &'a str,
    at: usize,
}

impl Reader<'_> {
    fn whitespace(&mut self) {
        while self
            .bytes
            .get(self.at)
            .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        self.whitespace();
        if self.bytes.get(self.at) == Some(&byte) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> Option<Node> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.whitespace();
        let start = self.at;
        let value =
            match *self.bytes.get(self.at)? {
                b'{' => {
                    self.at += 1;
                    let mut members = Vec::new();
                    if !self.eat(b'}') {
                        loop {
                            self.whitespace();
                            let key = self.string()?.text;
                            if !self.eat(b':') {
                                return None;
                            }
                            members.push((key, self.value(depth + 1)?));
                            if self.eat(b'}') {
                                break;
                            }
                            if !self.eat(b',') {
                                return None;
                            }
                        }
                    }
                    Value::Object(members)
                }
                b'[' => {
                    self.at += 1;
                    let mut items = Vec::new();
                    if !self.eat(b']') {
                        loop {
                            items.push(self.value(depth + 1)?);
                            if self.eat(b']') {
                                break;
                            }
                            if !self.eat(b',') {
                                return None;
                            }
                        }
                    }
                    Value::Array(items)
                }
                b'"' => Value::String(self.string()?),
                _ => {
                    while self.bytes.get(self.at).is_some_and(|b| {
                        b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.')
                    }) {
                        self.at += 1;
                    }
                    if self.at == start {
                        return None;
                    }
                    Value::Scalar
                }
            };
        Some(Node {
            span: start..self.at,
            value,
        })
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let digits = self.text.get(at..at + 4)?;
        u32::from_str_radix(digits, 16).ok()
    }

    /// A string at the cursor (its opening quote).
    fn string(&mut self) -> Option<Decoded> {
        if self.bytes.get(self.at) != Some(&b'"') {
            return None;
        }
        self.at += 1;
        let mut decoded = Decoded::default();
        loop {
            let start = self.at;
            let c = self.text.get(self.at..)?.chars().next()?;
            let c = match c {
                '"' => {
                    self.at += 1;
                    return Some(decoded);
                }
                '\\' => {
                    let escape = *self.bytes.get(self.at + 1)?;
                    self.at += 2;
                    match escape {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let high = self.hex4(self.at)?;
                            self.at += 4;
                            if (0xD800..0xDC00).contains(&high)
                                && self.text.get(self.at..self.at + 2) == Some("\\u")
                            {
                                let low = self.hex4(self.at + 2)?;
                                if (0xDC00..0xE000).contains(&low) {
                                    self.at += 6;
                                    char::from_u32(
                                        0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00),
                                    )?
                                } else {
                                    char::REPLACEMENT_CHARACTER
                                }
                            } else {
                                char::from_u32(high).unwrap_or(char::REPLACEMENT_CHARACTER)
                            }
                        }
                        _ => return None,
                    }
                }
                c if (c as u32) < 0x20 => return None,
                c => {
                    self.at += c.len_utf8();
                    c
                }
            };
            decoded.text.push(c);
            for _ in 0..c.len_utf8() {
                decoded.spelled.push(start..self.at);
            }
        }
    }
}

/// Spells `text` as the contents of a JSON string (without the quotes) the way Python's
/// `json` module does, which is what Jupyter writes: `"`, `\` and control characters
/// escaped, other characters as they are, or as `\uXXXX` when `ascii` (`ensure_ascii`).
pub(crate) fn escape(text: &str, ascii: bool) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (ascii && !c.is_ascii()) => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_decode_exactly_and_keep_their_bytes() {
        let text = r#"{"s": ["a\"b\u00e9\ud83d\ude00\n", "é"]}"#;
        let root = parse(text).expect("valid");
        let Some(Node {
            value: Value::Array(items),
            ..
        }) = root.get("s")
        else {
            panic!("array");
        };
        let Value::String(first) = &items[0].value else {
            panic!("string");
        };
        assert_eq!(first.text, "a\"b\u{e9}\u{1f600}\n");
        assert_eq!(first.spelled.len(), first.text.len());
        assert_eq!(&text[first.spelled[1].clone()], "\\\"");
        assert_eq!(&text[first.spelled[3].clone()], "\\u00e9");
        assert_eq!(&text[first.spelled[5].clone()], "\\ud83d\\ude00");
        assert_eq!(items[1].as_str(), Some("é"));
    }

    #[test]
    fn escaping_round_trips() {
        let original = "x = \"é\"\t\\\u{1}\n";
        for ascii in [false, true] {
            let spelled = format!("\"{}\"", escape(original, ascii));
            let node = parse(&spelled).expect("valid");
            assert_eq!(node.as_str(), Some(original));
        }
        assert_eq!(escape("é", true), "\\u00e9");
    }

    #[test]
    fn invalid_text_is_refused() {
        assert!(parse("{\"a\": }").is_none());
        assert!(parse("[1, 2").is_none());
        assert!(parse(&"[".repeat(1000)).is_none());
    }
}
