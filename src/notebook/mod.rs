//! Jupyter notebooks (`.ipynb`, nbformat 4), read as ruff reads them: the code cells of a
//! Python notebook are joined, in order, into one Python *program* (names defined in one
//! cell are used in the next), which the whole pipeline analyses and fixes like a `.py`
//! file. Every byte of the program maps back to a cell and to the notebook file's own bytes
//! (inside the JSON string of the cell's source line, escapes included), so findings are
//! reported at the file's raw line and column, and the fixed program is written back by
//! re-spelling only the `source` of the cells it changed: outputs, execution counts,
//! metadata, cell ids, key order and the file's layout stay as they were.
//!
//! IPython syntax that is not Python (`%pip install adal`, `!ls`, `%matplotlib inline`) is
//! commented out in the program (see `magic.rs`), and a cell that starts with a cell magic
//! of another language (`%%bash`, `%%html`, `%%writefile`) is not part of it. Markdown and
//! raw cells never are.

pub(crate) mod json;
pub(crate) mod magic;

use std::ops::Range;
use std::path::Path;
use std::time::{Duration, Instant};

use json::{Node, Value};

/// True for a file adalint reads as a notebook.
pub fn is_notebook(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("ipynb"))
}

/// What a cell holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellKind {
    Code,
    Markdown,
    Raw,
}

/// How a cell's `source` is spelled in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Form {
    /// A list of strings (one per line, as Jupyter writes them): the raw spans of the
    /// strings, quotes included.
    Lines(Vec<Range<usize>>),
    /// One string.
    Text,
}

#[derive(Clone, Debug)]
struct Cell {
    /// 1-based, counting every cell of the notebook (as a reader scrolling it does).
    number: usize,
    kind: CellKind,
    /// The raw bytes of the `source` value.
    span: Range<usize>,
    form: Form,
    /// The decoded source.
    text: String,
    /// For each byte of `text`, the raw bytes that spell its character.
    spelled: Vec<Range<usize>>,
    /// Where the text ends in the file (the closing quote of its last string).
    end: usize,
}

impl Cell {
    /// The raw offset where the character at `offset` of the text starts.
    fn raw_start(&self, offset: usize) -> usize {
        self.spelled.get(offset).map_or(self.end, |r| r.start)
    }

    /// The raw offset just after the character that ends at `offset` of the text.
    fn raw_end(&self, offset: usize) -> usize {
        match offset.checked_sub(1).and_then(|i| self.spelled.get(i)) {
            Some(r) => r.end,
            None => self.raw_start(offset),
        }
    }
}

/// A notebook file: its raw text and its cells.
#[derive(Clone, Debug)]
pub struct Notebook {
    raw: String,
    cells: Vec<Cell>,
    /// The kernel runs Python (or the metadata does not say).
    python: bool,
    /// The file spells non-ASCII characters as `\uXXXX` (Python's `ensure_ascii`).
    ascii: bool,
    /// What follows a comma between the items of a list written on one line (`", "` or
    /// `","`).
    inline_separator: String,
}

/// A position inside a cell: 1-based cell number, line and column (code points).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CellPosition {
    pub cell: usize,
    /// Byte offset in the cell's decoded source.
    pub offset: usize,
    pub line: usize,
    pub column: usize,
}

impl Notebook {
    /// Reads a notebook; the error says why the file is not one adalint can read.
    pub fn parse(raw: &str) -> Result<Notebook, String> {
        if let Err(error) = serde_json::from_str::<serde::de::IgnoredAny>(raw) {
            return Err(format!("not a valid notebook: invalid JSON ({error})"));
        }
        let root = json::parse(raw)
            .ok_or_else(|| "not a valid notebook: JSON nested too deeply".to_string())?;
        if !matches!(root.value, Value::Object(_)) {
            return Err("not a valid notebook: the JSON is not an object".to_string());
        }
        let format = root
            .get("nbformat")
            .map(|n| raw[n.span.clone()].trim().to_string())
            .ok_or_else(|| "not a valid notebook: no `nbformat`".to_string())?;
        if format != "4" {
            return Err(format!(
                "nbformat {format} is not supported (only nbformat 4); skipped"
            ));
        }
        let Some(Node {
            value: Value::Array(items),
            ..
        }) = root.get("cells")
        else {
            return Err("not a valid notebook: no `cells` list".to_string());
        };
        let mut cells = Vec::new();
        for (index, item) in items.iter().enumerate() {
            let number = index + 1;
            let kind = match item.get("cell_type").and_then(Node::as_str) {
                Some("code") => CellKind::Code,
                Some("markdown") => CellKind::Markdown,
                _ => CellKind::Raw,
            };
            let source = item
                .get("source")
                .ok_or_else(|| format!("not a valid notebook: cell {number} has no `source`"))?;
            cells.push(cell(number, kind, source).ok_or_else(|| {
                format!(
                    "not a valid notebook: the `source` of cell {number} is neither a string nor a list of strings"
                )
            })?);
        }
        let metadata = root.get("metadata");
        let language = metadata
            .and_then(|m| m.get("language_info"))
            .and_then(|l| l.get("name"))
            .or_else(|| {
                metadata
                    .and_then(|m| m.get("kernelspec"))
                    .and_then(|k| k.get("language"))
            })
            .and_then(Node::as_str);
        let python = language.is_none_or(|l| l.eq_ignore_ascii_case("python"));
        let ascii = raw.is_ascii() && raw.contains("\\u");
        Ok(Notebook {
            raw: raw.to_string(),
            cells,
            python,
            ascii,
            inline_separator: inline_separator(raw, &root),
        })
    }

    /// The file's text.
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// True when the notebook's kernel runs Python (or its metadata does not say).
    pub fn is_python(&self) -> bool {
        self.python
    }

    /// The decoded source of the cell numbered `number`.
    pub fn cell_text(&self, number: usize) -> Option<&str> {
        self.cells
            .iter()
            .find(|c| c.number == number)
            .map(|c| c.text.as_str())
    }

    /// The numbers and decoded sources of the code cells.
    pub fn code_cells(&self) -> impl Iterator<Item = (usize, &str)> {
        self.cells
            .iter()
            .filter(|c| c.kind == CellKind::Code)
            .map(|c| (c.number, c.text.as_str()))
    }

    /// Where a raw offset of the file is in a cell's source (`None` outside every cell's
    /// source).
    pub fn cell_position(&self, raw: usize) -> Option<CellPosition> {
        let cell = self
            .cells
            .iter()
            .find(|c| c.span.start <= raw && raw < c.span.end)?;
        let before = cell.spelled.partition_point(|r| r.start <= raw);
        let offset = match before.checked_sub(1) {
            None => 0,
            Some(i) if raw < cell.spelled[i].end => {
                // The start of that character.
                let mut start = i;
                while start > 0 && !cell.text.is_char_boundary(start) {
                    start -= 1;
                }
                start
            }
            Some(i) => {
                let mut next = i + 1;
                while next < cell.text.len() && !cell.text.is_char_boundary(next) {
                    next += 1;
                }
                next
            }
        };
        let text = &cell.text[..offset];
        let line_start = text.rfind('\n').map_or(0, |i| i + 1);
        Some(CellPosition {
            cell: cell.number,
            offset,
            line: text.matches('\n').count() + 1,
            column: text[line_start..].chars().count() + 1,
        })
    }

    /// The Python program of the code cells (empty when the kernel is not Python).
    pub fn program(&self) -> Program {
        let mut program = Program::default();
        if !self.python {
            return program;
        }
        for (index, cell) in self.cells.iter().enumerate() {
            if cell.kind != CellKind::Code || !magic::is_python_cell(&cell.text) {
                continue;
            }
            let start = program.text.len();
            let mut source_start = 0;
            for line in cell.text.split_inclusive('\n') {
                let inserted = magic::encode_line(line, &mut program.text);
                program.lines.push(ProgramLine {
                    start: program.text.len() - line.len() - usize::from(inserted.is_some()),
                    cell: index,
                    source_start,
                    inserted,
                });
                source_start += line.len();
            }
            let added_newline = !cell.text.is_empty() && !cell.text.ends_with('\n');
            if added_newline {
                program.text.push('\n');
            }
            program.cells.push(ProgramCell {
                cell: index,
                start,
                added_newline,
            });
        }
        program
    }

    /// Where a program offset is: the cell (index) and the offset in its text. `end`: the
    /// offset ends a range (at a line start, it belongs to the line before).
    fn locate(&self, program: &Program, offset: usize, end: bool) -> Option<(usize, usize)> {
        let index = if end {
            program.lines.partition_point(|l| l.start < offset)
        } else {
            program.lines.partition_point(|l| l.start <= offset)
        };
        let line = program.lines.get(index.checked_sub(1)?)?;
        let cell = &self.cells[line.cell];
        let relative = offset - line.start;
        let relative = match line.inserted {
            Some(at) if relative > at => relative - 1,
            _ => relative,
        };
        Some((
            line.cell,
            (line.source_start + relative).min(cell.text.len()),
        ))
    }

    /// The raw range of a program range.
    pub fn raw_range(&self, program: &Program, range: Range<usize>) -> Range<usize> {
        let start = self
            .locate(program, range.start, false)
            .map_or(0, |(cell, offset)| self.cells[cell].raw_start(offset));
        if range.end <= range.start {
            return start..start;
        }
        let end = self
            .locate(program, range.end, true)
            .map_or(start, |(cell, offset)| self.cells[cell].raw_end(offset));
        start..end.max(start)
    }

    /// The notebook with its program replaced by `fixed` (a fix of [`Self::program`]'s
    /// text): only the sources of the cells whose code changed are spelled again. An error
    /// when the change cannot be split back into the cells exactly.
    pub fn with_program(&self, program: &Program, fixed: &str) -> Result<String, String> {
        if fixed == program.text {
            return Ok(self.raw.clone());
        }
        let bounds = program.cell_bounds(fixed)?;
        let mut replacements: Vec<(Range<usize>, String)> = Vec::new();
        for (position, entry) in program.cells.iter().enumerate() {
            let cell = &self.cells[entry.cell];
            let mut text = magic::decode_lines(&fixed[bounds[position]..bounds[position + 1]]);
            if entry.added_newline && text.ends_with('\n') {
                text.pop();
            }
            if text != cell.text {
                replacements.push((cell.span.clone(), self.spell_source(cell, &text)));
            }
        }
        let mut raw = self.raw.clone();
        for (range, spelled) in replacements.into_iter().rev() {
            raw.replace_range(range, &spelled);
        }
        // The fixed notebook must read back as exactly the fixed program.
        match Notebook::parse(&raw) {
            Ok(notebook) if notebook.program().text == fixed => Ok(raw),
            _ => Err(
                "the fixed code could not be written back into the notebook's cells exactly"
                    .to_string(),
            ),
        }
    }

    /// The JSON value of a cell's new source, laid out as the old one was.
    fn spell_source(&self, cell: &Cell, text: &str) -> String {
        let string = |s: &str| format!("\"{}\"", json::escape(s, self.ascii));
        let Form::Lines(items) = &cell.form else {
            return string(text);
        };
        // Lines that did not change keep their spelling.
        let old: Vec<(&str, &str)> = items
            .iter()
            .map(|r| {
                let raw = &self.raw[r.clone()];
                let start = cell.spelled.iter().position(|s| s.start >= r.start);
                let decoded = match start {
                    Some(from) => {
                        let to = cell
                            .spelled
                            .iter()
                            .position(|s| s.start >= r.end)
                            .unwrap_or(cell.text.len());
                        &cell.text[from..to]
                    }
                    None => "",
                };
                (decoded, raw)
            })
            .collect();
        let spelled: Vec<String> = text
            .split_inclusive('\n')
            .map(|line| {
                old.iter()
                    .find(|(decoded, _)| *decoded == line)
                    .map_or_else(|| string(line), |(_, raw)| raw.to_string())
            })
            .collect();
        let (lead, separator, trail) = match items.as_slice() {
            [] => {
                let indent = self.indentation_before(cell.span.start);
                if self.raw.contains('\n') {
                    (
                        format!("\n{indent} "),
                        format!(",\n{indent} "),
                        format!("\n{indent}"),
                    )
                } else {
                    (
                        String::new(),
                        format!(",{}", self.inline_separator),
                        String::new(),
                    )
                }
            }
            [only] => {
                let lead = self.raw[cell.span.start + 1..only.start].to_string();
                let trail = self.raw[only.end..cell.span.end - 1].to_string();
                let separator = if lead.contains('\n') {
                    format!(",{lead}")
                } else {
                    format!(",{}", self.inline_separator)
                };
                (lead, separator, trail)
            }
            [first, second, ..] => {
                let lead = self.raw[cell.span.start + 1..first.start].to_string();
                let trail = self.raw[items[items.len() - 1].end..cell.span.end - 1].to_string();
                (lead, self.raw[first.end..second.start].to_string(), trail)
            }
        };
        if spelled.is_empty() {
            return "[]".to_string();
        }
        format!("[{lead}{}{trail}]", spelled.join(&separator))
    }

    /// The indentation of the line holding `offset`.
    fn indentation_before(&self, offset: usize) -> &str {
        let line_start = self.raw[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line = &self.raw[line_start..offset];
        &line[..line.len() - line.trim_start().len()]
    }
}

/// What follows the first comma of a list or object written on one line.
fn inline_separator(raw: &str, root: &Node) -> String {
    let after_comma = |from: usize, to: usize| -> Option<String> {
        let between = raw.get(from..to)?;
        let (_, after) = between.split_once(',')?;
        (!after.contains('\n')).then(|| after.to_string())
    };
    if let Value::Object(members) = &root.value {
        for pair in members.windows(2) {
            if let Some(found) = after_comma(pair[0].1.span.end, pair[1].1.span.start) {
                // Between a value and the next key: only the whitespace after the comma.
                let key_at = found.find('"').unwrap_or(found.len());
                return found[..key_at].to_string();
            }
        }
    }
    " ".to_string()
}

fn cell(number: usize, kind: CellKind, source: &Node) -> Option<Cell> {
    match &source.value {
        Value::String(decoded) => Some(Cell {
            number,
            kind,
            span: source.span.clone(),
            form: Form::Text,
            text: decoded.text.clone(),
            spelled: decoded.spelled.clone(),
            end: source.span.end - 1,
        }),
        Value::Array(items) => {
            let mut text = String::new();
            let mut spelled = Vec::new();
            let mut spans = Vec::new();
            for item in items {
                let Value::String(decoded) = &item.value else {
                    return None;
                };
                text.push_str(&decoded.text);
                spelled.extend(decoded.spelled.iter().cloned());
                spans.push(item.span.clone());
            }
            let end = spans.last().map_or(source.span.start + 1, |s| s.end - 1);
            Some(Cell {
                number,
                kind,
                span: source.span.clone(),
                form: Form::Lines(spans),
                text,
                spelled,
                end,
            })
        }
        _ => None,
    }
}

/// The Python program of a notebook's code cells, and where each of its lines comes from.
#[derive(Clone, Debug, Default)]
pub struct Program {
    pub text: String,
    lines: Vec<ProgramLine>,
    cells: Vec<ProgramCell>,
}

#[derive(Clone, Debug)]
struct ProgramLine {
    /// Offset in the program.
    start: usize,
    /// Index of the cell in the notebook.
    cell: usize,
    /// Offset of the line in the cell's text.
    source_start: usize,
    /// Where a `#` was inserted to comment out an IPython line (offset in the line).
    inserted: Option<usize>,
}

#[derive(Clone, Debug)]
struct ProgramCell {
    cell: usize,
    start: usize,
    /// The cell's text does not end with a line break; the program adds one.
    added_newline: bool,
}

/// How long splitting a fixed program back into cells may take.
const SPLIT_TIME_LIMIT: Duration = Duration::from_secs(5);

impl Program {
    /// Where each cell starts in `fixed` (and, last, its end). Cells start at line starts:
    /// the lines of the two texts are compared, a cell start in lines that stayed carries
    /// over, and the new lines of a changed stretch that spans cells go, in order, to the
    /// cell whose old lines they resemble most (`import adal` → `import msal` stays in its
    /// cell). Lines inserted where a cell starts go to the cell before it.
    fn cell_bounds(&self, fixed: &str) -> Result<Vec<usize>, String> {
        let old: Vec<&str> = self.text.split_inclusive('\n').collect();
        let new: Vec<&str> = fixed.split_inclusive('\n').collect();
        let old_starts = line_starts(&old);
        let new_starts = line_starts(&new);
        // The cells' first lines (a cell with no line starts where the next one does).
        let starts: Vec<usize> = self
            .cells
            .iter()
            .skip(1)
            .map(|c| old_starts.partition_point(|&s| s < c.start))
            .collect();
        let ops = similar::capture_diff_slices_deadline(
            similar::Algorithm::Myers,
            &old,
            &new,
            Some(Instant::now() + SPLIT_TIME_LIMIT),
        );
        let mut lines = Vec::with_capacity(starts.len());
        let mut hunk: Option<(Range<usize>, Range<usize>)> = None;
        let mut pending = starts.iter().copied().peekable();
        let flush =
            |hunk: &mut Option<(Range<usize>, Range<usize>)>,
             pending: &mut std::iter::Peekable<std::iter::Copied<std::slice::Iter<'_, usize>>>,
             lines: &mut Vec<usize>| {
                let Some((old_range, new_range)) = hunk.take() else {
                    return;
                };
                let mut inside = Vec::new();
                while let Some(&line) = pending.peek() {
                    if line > old_range.end {
                        break;
                    }
                    inside.push(line);
                    pending.next();
                }
                lines.extend(split_hunk(&old, &new, old_range, new_range, &inside));
            };
        for op in &ops {
            let (tag, old_range, new_range) = op.as_tag_tuple();
            if tag == similar::DiffTag::Equal {
                // A start strictly inside the equal lines (a start at its first line is the
                // hunk's before it, if there is one).
                flush(&mut hunk, &mut pending, &mut lines);
                while let Some(&line) = pending.peek() {
                    if line >= old_range.end {
                        break;
                    }
                    lines.push(new_range.start + line.saturating_sub(old_range.start));
                    pending.next();
                }
            } else {
                hunk = Some(match hunk.take() {
                    Some((o, n)) => (o.start..old_range.end, n.start..new_range.end),
                    None => (old_range, new_range),
                });
            }
        }
        flush(&mut hunk, &mut pending, &mut lines);
        lines.extend(pending.map(|_| new.len()));
        let mut bounds = vec![0];
        bounds.extend(
            lines
                .iter()
                .map(|&l| new_starts.get(l).copied().unwrap_or(fixed.len())),
        );
        bounds.push(fixed.len());
        if !bounds.windows(2).all(|w| w[0] <= w[1]) {
            return Err(
                "the fixed code could not be split back into the notebook's cells".to_string(),
            );
        }
        Ok(bounds)
    }
}

/// The byte offset of each line.
fn line_starts(lines: &[&str]) -> Vec<usize> {
    let mut starts = Vec::with_capacity(lines.len());
    let mut at = 0;
    for line in lines {
        starts.push(at);
        at += line.len();
    }
    starts
}

/// Where the cell starts at old lines `inside` (within or at the edges of `old_range`) go
/// among the new lines `new_range` that replace `old_range`: each new line goes, in order,
/// to the stretch of old lines (between two starts) it resembles most; ties and lines
/// like none go to the earlier stretch.
fn split_hunk(
    old: &[&str],
    new: &[&str],
    old_range: Range<usize>,
    new_range: Range<usize>,
    inside: &[usize],
) -> Vec<usize> {
    if inside.is_empty() {
        return Vec::new();
    }
    // Stretches of old lines: before the first start, between starts, after the last.
    let mut edges = vec![old_range.start];
    edges.extend(
        inside
            .iter()
            .map(|&l| l.clamp(old_range.start, old_range.end)),
    );
    edges.push(old_range.end);
    let mut stretches: Vec<Range<usize>> = edges.windows(2).map(|w| w[0]..w[1]).collect();
    // An empty stretch at an edge is compared with the unchanged line beside it: a line
    // inserted after the last line of a cell resembles that line.
    let last = stretches.len() - 1;
    if stretches[0].is_empty() && old_range.start > 0 {
        stretches[0] = old_range.start - 1..old_range.start;
    }
    if stretches[last].is_empty() && old_range.end < old.len() && last > 0 {
        stretches[last] = old_range.end..old_range.end + 1;
    }
    let lines = new_range.len();
    if lines == 0 || lines * old_range.len() > 4096 {
        // Nothing new, or too much to compare: every start keeps to the stretch's start.
        return vec![new_range.start; inside.len()];
    }
    let similarity = |line: &str, stretch: &Range<usize>| -> f32 {
        old[stretch.clone()]
            .iter()
            .map(|o| similar::TextDiff::from_chars(*o, line).ratio())
            .fold(0.0, f32::max)
    };
    let count = stretches.len();
    // best[j][s]: the best total for the first j+1 new lines, line j in stretch s.
    let mut best = vec![vec![f32::MIN; count]; lines];
    let mut from = vec![vec![0usize; count]; lines];
    for j in 0..lines {
        let line = new[new_range.start + j];
        for s in 0..count {
            let own = similarity(line, &stretches[s]);
            if j == 0 {
                best[j][s] = own;
                continue;
            }
            let (previous, value) = (0..=s)
                .map(|p| (p, best[j - 1][p]))
                .fold((0, f32::MIN), |acc, x| if x.1 > acc.1 { x } else { acc });
            best[j][s] = value + own;
            from[j][s] = previous;
        }
    }
    let mut stretch = (0..count)
        .fold((0, f32::MIN), |acc, s| {
            if best[lines - 1][s] > acc.1 {
                (s, best[lines - 1][s])
            } else {
                acc
            }
        })
        .0;
    let mut assigned = vec![0usize; lines];
    for j in (0..lines).rev() {
        assigned[j] = stretch;
        stretch = from[j][stretch];
    }
    // Start k (stretch k + 1 begins) is at the first new line assigned past stretch k.
    (1..count)
        .map(|k| new_range.start + assigned.iter().take_while(|&&s| s < k).count())
        .collect()
}

#[cfg(test)]
mod tests;
