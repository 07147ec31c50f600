//! A source file's text and the facts about its bytes that fixes must keep: the byte-order
//! mark, the line-ending style, and where each line starts (for 1-based positions).

use std::ops::Range;

/// How a file ends its lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Newline {
    Lf,
    CrLf,
}

impl Newline {
    pub fn as_str(self) -> &'static str {
        match self {
            Newline::Lf => "\n",
            Newline::CrLf => "\r\n",
        }
    }
}

/// Why a file's bytes cannot be scanned as text.
#[derive(Debug, PartialEq, Eq)]
pub enum Undecodable {
    /// A NUL byte: a binary file with a source file's name.
    Binary,
}

/// Decoded file text.
#[derive(Clone, Debug)]
pub struct SourceText {
    text: String,
    bom: bool,
    newline: Newline,
    /// Byte offset of the first invalid UTF-8 sequence, when the text was decoded lossily.
    invalid_utf8_at: Option<usize>,
    line_starts: Vec<usize>,
}

const UTF8_BOM: &str = "\u{feff}";

impl SourceText {
    /// Decodes file bytes. Invalid UTF-8 is replaced (so the file can still be scanned) and
    /// remembered (so it is never written back).
    pub fn decode(bytes: &[u8]) -> Result<SourceText, Undecodable> {
        if bytes.contains(&0) {
            return Err(Undecodable::Binary);
        }
        let (text, invalid_utf8_at) = match std::str::from_utf8(bytes) {
            Ok(text) => (text.to_string(), None),
            Err(error) => (
                String::from_utf8_lossy(bytes).into_owned(),
                Some(error.valid_up_to()),
            ),
        };
        Ok(SourceText::from_string(text, invalid_utf8_at))
    }

    /// Wraps text that is already decoded (fixed output, a report's text), as it is: a
    /// `U+FEFF` it starts with is content here, not a byte-order mark.
    pub fn new(text: &str) -> SourceText {
        SourceText::from_parts(text.to_string(), false, None)
    }

    /// Wraps the text of a file that is already a string (tests, editors): a leading
    /// byte-order mark is the file's, as [`Self::decode`] takes it.
    pub fn from_file_text(text: &str) -> SourceText {
        SourceText::from_string(text.to_string(), None)
    }

    fn from_string(text: String, invalid_utf8_at: Option<usize>) -> SourceText {
        match text.strip_prefix(UTF8_BOM) {
            Some(rest) => SourceText::from_parts(rest.to_string(), true, invalid_utf8_at),
            None => SourceText::from_parts(text, false, invalid_utf8_at),
        }
    }

    fn from_parts(text: String, bom: bool, invalid_utf8_at: Option<usize>) -> SourceText {
        let newline = match text.find('\n') {
            Some(index) if index > 0 && text.as_bytes()[index - 1] == b'\r' => Newline::CrLf,
            _ => Newline::Lf,
        };
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(index, _)| index + 1))
            .collect();
        SourceText {
            text,
            bom,
            newline,
            invalid_utf8_at,
            line_starts,
        }
    }

    /// The text without the byte-order mark.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// True when the file starts with a UTF-8 byte-order mark (not part of [`Self::text`]).
    pub fn has_bom(&self) -> bool {
        self.bom
    }

    pub fn newline(&self) -> Newline {
        self.newline
    }

    pub fn invalid_utf8_at(&self) -> Option<usize> {
        self.invalid_utf8_at
    }

    /// The bytes to write for new text, with this file's byte-order mark restored.
    pub fn encode(&self, text: &str) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(text.len() + 3);
        if self.bom {
            bytes.extend_from_slice(UTF8_BOM.as_bytes());
        }
        bytes.extend_from_slice(text.as_bytes());
        bytes
    }

    /// Converts template text (always `\n`) to this file's line endings.
    pub fn with_newlines(&self, content: &str) -> String {
        match self.newline {
            Newline::Lf => content.to_string(),
            Newline::CrLf => content.replace("\r\n", "\n").replace('\n', "\r\n"),
        }
    }

    /// The 0-based line index of a byte offset.
    pub fn line_index(&self, offset: usize) -> usize {
        self.line_starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1)
    }

    /// 1-based line and 1-based column (in Unicode code points) of a byte offset.
    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line = self.line_index(offset);
        let start = self.line_starts[line];
        let column = self.text[start..offset].chars().count() + 1;
        Position {
            line: line + 1,
            column,
        }
    }

    /// The byte range of the 0-based line `index`, without its line ending.
    pub fn line_range(&self, index: usize) -> Range<usize> {
        let start = self.line_starts[index];
        let end = self
            .line_starts
            .get(index + 1)
            .map_or(self.text.len(), |&next| next - 1);
        let end = if end > start && self.text.as_bytes()[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        start..end.max(start)
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The whitespace that starts the line holding `offset`.
    pub fn indentation_at(&self, offset: usize) -> &str {
        let line = self.line_range(self.line_index(offset));
        let text = &self.text[line.clone()];
        &text[..text.len() - text.trim_start().len()]
    }
}

/// A 1-based position.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_and_bom_are_detected_and_restored() {
        let source = SourceText::decode(b"\xef\xbb\xbfa = 1\r\nb = 2\r\n").expect("text");
        assert_eq!(source.newline(), Newline::CrLf);
        assert_eq!(source.text(), "a = 1\r\nb = 2\r\n");
        assert_eq!(source.encode("x\r\n"), b"\xef\xbb\xbfx\r\n");
        assert_eq!(source.with_newlines("p\nq\n"), "p\r\nq\r\n");
    }

    #[test]
    fn positions_are_one_based_code_points() {
        let source = SourceText::new("é = 1\nxy\n");
        assert_eq!(source.position(0), Position { line: 1, column: 1 });
        assert_eq!(source.position(3), Position { line: 1, column: 3 });
        assert_eq!(source.position(8), Position { line: 2, column: 2 });
    }

    #[test]
    fn binary_files_and_invalid_utf8_are_told_apart() {
        assert_eq!(
            SourceText::decode(b"a\0b").unwrap_err(),
            Undecodable::Binary
        );
        let latin1 = SourceText::decode(b"x = '\xe9'\n").expect("decodes lossily");
        assert_eq!(latin1.invalid_utf8_at(), Some(5));
    }
}
