//! Stable identities for findings: GitHub's `primaryLocationLineHash` (so code scanning
//! keeps one alert per finding across pushes), and the line-independent key the baseline
//! stores (so findings stay known when unrelated lines move).
//!
//! The line hash follows what github/codeql-action's upload step computes for results that
//! carry none: a rolling hash (base 37, wrapping 64-bit arithmetic) over the first 100
//! characters of the file starting at the line, with spaces and tabs skipped, every line
//! ending (`\r\n`, `\r`, `\n`) read as one `\n`, the end of the file marked by the code
//! unit 65535 and followed by zeros. Characters are UTF-16 code units of the file's text as
//! Node decodes it (a byte-order mark included). The value is the hash in lower-case hex
//! followed by `:n`, where `n` counts how often that hash has appeared so far in the file.

use std::collections::HashMap;

const WINDOW: usize = 100;
const BASE: u64 = 37;
const END_OF_FILE: u16 = 0xFFFF;

/// The `primaryLocationLineHash` of every line of `text`; index 0 is line 1.
///
/// `text` must be the file's whole text as stored (with its byte-order mark, if any), or
/// the hashes will not match the ones GitHub computes from the checked-out file.
pub fn line_hashes(text: &str) -> Vec<String> {
    let mut hasher = LineHasher::new();
    for unit in text.encode_utf16() {
        hasher.push(unit);
    }
    hasher.finish()
}

struct LineHasher {
    window: [u16; WINDOW],
    /// The 1-based line that starts at each window slot (0: none).
    starts: [usize; WINDOW],
    hash: u64,
    /// `BASE` to the power `WINDOW`: what the character leaving the window weighs.
    leaving: u64,
    index: usize,
    line: usize,
    at_line_start: bool,
    after_cr: bool,
    seen: HashMap<u64, usize>,
    hashes: Vec<String>,
}

impl LineHasher {
    fn new() -> Self {
        LineHasher {
            window: [0; WINDOW],
            starts: [0; WINDOW],
            hash: 0,
            leaving: (0..WINDOW).fold(1u64, |power, _| power.wrapping_mul(BASE)),
            index: 0,
            line: 0,
            at_line_start: true,
            after_cr: false,
            seen: HashMap::new(),
            hashes: Vec::new(),
        }
    }

    fn push(&mut self, unit: u16) {
        let (space, tab, lf, cr) = (u16::from(b' '), u16::from(b'\t'), u16::from(b'\n'), 13);
        if unit == space || unit == tab || (self.after_cr && unit == lf) {
            self.after_cr = false;
            return;
        }
        self.after_cr = unit == cr;
        let unit = if unit == cr { lf } else { unit };
        if self.starts[self.index] != 0 {
            self.record();
        }
        if self.at_line_start {
            self.at_line_start = false;
            self.line += 1;
            self.starts[self.index] = self.line;
        }
        if unit == lf {
            self.at_line_start = true;
        }
        self.roll(unit);
    }

    fn roll(&mut self, unit: u16) {
        let leaving = self.window[self.index];
        self.window[self.index] = unit;
        self.hash = self
            .hash
            .wrapping_mul(BASE)
            .wrapping_add(u64::from(unit))
            .wrapping_sub(self.leaving.wrapping_mul(u64::from(leaving)));
        self.index = (self.index + 1) % WINDOW;
    }

    /// The window holds the 100 characters from the start of the line in this slot.
    fn record(&mut self) {
        let line = self.starts[self.index];
        let count = self.seen.entry(self.hash).or_insert(0);
        *count += 1;
        if self.hashes.len() < line {
            self.hashes.resize(line, String::new());
        }
        self.hashes[line - 1] = format!("{:x}:{count}", self.hash);
        self.starts[self.index] = 0;
    }

    fn finish(mut self) -> Vec<String> {
        self.push(END_OF_FILE);
        for _ in 0..WINDOW {
            if self.starts[self.index] != 0 {
                self.record();
            }
            self.roll(0);
        }
        self.hashes
    }
}

/// FNV-1a, 64 bits: a small, stable, dependency-free hash for baseline keys. Not for
/// secrets: the baseline never hashes unmasked literal secrets.
pub fn stable_hash(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `a` alone: the window holds `a` (97), the end marker (65535) and 98 zeros, so the
    /// hash is 97·37⁹⁹ + 65535·37⁹⁸ mod 2⁶⁴.
    #[test]
    fn single_character_file_hashes_to_the_closed_form() {
        assert_eq!(line_hashes("a"), vec!["53b5d4aabe50d64:1"]);
    }

    #[test]
    fn indentation_and_line_ending_style_do_not_change_a_hash() {
        let lf = line_hashes("x = 1\n    y = 2\n");
        let crlf = line_hashes("x = 1\r\n\ty = 2\r\n");
        let cr = line_hashes("x = 1\ry  =  2\r");
        assert_eq!(lf, crlf);
        assert_eq!(lf, cr);
    }

    #[test]
    fn a_file_ending_in_a_newline_has_a_hash_for_the_empty_last_line() {
        assert_eq!(line_hashes("a\n").len(), 2);
        assert_eq!(line_hashes("a").len(), 1);
    }

    #[test]
    fn lines_whose_next_hundred_characters_agree_are_numbered_in_file_order() {
        let long = format!("{}\n{}\n", "z".repeat(120), "z".repeat(120));
        assert_eq!(
            line_hashes(&long),
            vec![
                "430534b53b700418:1",
                "430534b53b700418:2",
                "c129715d7a2bc9a3:1"
            ]
        );
    }

    /// Reference values from an independent re-implementation of the upload action's
    /// algorithm: a byte-order mark, CRLF, a tab, and a character outside the BMP (two
    /// UTF-16 code units).
    #[test]
    fn hashes_match_the_upload_action_for_bom_crlf_tabs_and_astral_characters() {
        let text = "\u{feff}import adal\r\n\r\n\tctx = adal.AuthenticationContext(\"https://login.microsoftonline.com/t\")  # \u{1f511} key\r\nctx.acquire_token_with_client_credentials(r, c, s)\r\n";
        assert_eq!(
            line_hashes(text),
            vec![
                "6d9247b4c8f39b7a:1",
                "677d41758c2b39f6:1",
                "fcfa4ff7431ece87:1",
                "42887063a963e647:1",
                "c129715d7a2bc9a3:1"
            ]
        );
        assert_eq!(
            line_hashes("\n\n"),
            vec![
                "5b5d4caf73a13177:1",
                "3c5bef55b72b93c9:1",
                "c129715d7a2bc9a3:1"
            ]
        );
    }

    #[test]
    fn stable_hash_is_fnv1a() {
        assert_eq!(stable_hash(""), "cbf29ce484222325");
        assert_eq!(stable_hash("a"), "af63dc4c8601ec8c");
    }
}
