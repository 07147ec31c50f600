//! IPython syntax in code cells. A line that starts (after its indentation) with `%` or `!`
//! is a line magic or a shell escape (`%pip install adal`, `!ls`, `%matplotlib inline`):
//! in the program it becomes a comment by a `#` inserted before it (`#%pip install adal`),
//! so the Python parser reads past it. To keep that reversible, a line that already
//! starts with `#`s followed by `%` or `!` (`#!/usr/bin/env python`) gets one more `#` too;
//! writing back removes exactly one. The install commands among those lines (`pip`,
//! `conda`, `mamba`, `npm`, ...) are dependency sites (`manifest::notebook`).
//!
//! A cell that starts with a cell magic (`%%bash`) is in another language and left out,
//! except the magics whose body is Python (`%%time`, `%%capture`, ...).

use std::ops::Range;

/// Cell magics whose body is Python code.
const PYTHON_CELL_MAGICS: &[&str] = &[
    "time", "timeit", "capture", "prun", "debug", "python", "python3", "memit",
];

/// True when a code cell is Python: no cell magic, or one whose body is Python.
pub(crate) fn is_python_cell(text: &str) -> bool {
    let first = text.lines().next().unwrap_or("").trim_start();
    match first.strip_prefix("%%") {
        Some(magic) => {
            let name = magic.split_whitespace().next().unwrap_or("");
            PYTHON_CELL_MAGICS.contains(&name)
        }
        None => true,
    }
}

/// Where the `#`s of a line start, when the line is an IPython line (`%...`, `!...`) or
/// looks like an encoded one (`#%...`, `##!...`), and how many `#`s there are.
fn escaped(line: &str) -> Option<(usize, usize)> {
    let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
    let rest = &line[indent..];
    let hashes = rest.len() - rest.trim_start_matches('#').len();
    rest[hashes..]
        .starts_with(['%', '!'])
        .then_some((indent, hashes))
}

/// Appends a cell's line to the program, commented out when IPython reads it; returns
/// where the `#` went.
pub(crate) fn encode_line(line: &str, out: &mut String) -> Option<usize> {
    match escaped(line) {
        Some((indent, _)) => {
            out.push_str(&line[..indent]);
            out.push('#');
            out.push_str(&line[indent..]);
            Some(indent)
        }
        None => {
            out.push_str(line);
            None
        }
    }
}

/// The cell text of program lines (the inverse of [`encode_line`]).
pub(crate) fn decode_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        match escaped(line) {
            Some((indent, hashes)) if hashes > 0 => {
                out.push_str(&line[..indent]);
                out.push_str(&line[indent + 1..]);
            }
            _ => out.push_str(line),
        }
    }
    out
}

/// The commands of the IPython lines of a program (`pip install adal` in `#%pip install
/// adal` or `#!pip install adal`), by their byte ranges in the program.
pub(crate) fn command_lines(program: &str) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut offset = 0;
    for line in program.split_inclusive('\n') {
        if let Some((indent, 1)) = escaped(line) {
            let body = line.trim_end_matches(['\n', '\r']);
            found.push(offset + indent + 2..offset + body.len());
        }
        offset += line.len();
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipython_lines_are_commented_out_reversibly() {
        let cell = "%pip install adal\n  !ls\n#!/usr/bin/env python\nx = 1 % 2\n# %not\n";
        let mut program = String::new();
        for line in cell.split_inclusive('\n') {
            encode_line(line, &mut program);
        }
        assert_eq!(
            program,
            "#%pip install adal\n  #!ls\n##!/usr/bin/env python\nx = 1 % 2\n# %not\n"
        );
        assert_eq!(decode_lines(&program), cell);
        let commands: Vec<&str> = command_lines(&program)
            .into_iter()
            .map(|r| &program[r])
            .collect();
        assert_eq!(commands, vec!["pip install adal", "ls"]);
    }

    #[test]
    fn cells_of_other_languages_are_not_python() {
        assert!(is_python_cell("import adal\n"));
        assert!(is_python_cell("%%time\nimport adal\n"));
        assert!(!is_python_cell("%%bash\npip install adal\n"));
        assert!(!is_python_cell("%%writefile app.py\nimport adal\n"));
    }
}
