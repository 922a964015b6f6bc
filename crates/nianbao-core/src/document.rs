//! The intermediate every input format is read into: blocks and table cells with spans.
//!
//! Text, HTML (and, later, DOCX and PDF) extractors all produce a [`Document`]; the
//! aligner never looks at the original format. A span is a byte range into
//! [`Document::source`], the decoded UTF-8 text of the file.

use serde::Serialize;

/// A byte range into the decoded source text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    pub const fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// Length in bytes.
    pub fn len(self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// True for an empty span.
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }
}

/// How the source was laid out, as detected by the extractor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// Plain text (any layout).
    Text,
    /// An HTML page or fragment.
    Html,
    /// A Word document (DOCX); the source is a text view of it.
    Docx,
    /// A PDF's text layer; the source is a text view of it.
    Pdf,
}

/// A paragraph or line of running text.
#[derive(Clone, Debug, PartialEq)]
pub struct Para {
    /// The text, white space trimmed.
    pub text: String,
    /// Where it stands in the source.
    pub span: Span,
    /// True when `text` is exactly `source[span]`, so offsets inside it map directly.
    pub verbatim: bool,
}

/// One cell of a table as the document has it.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    /// The cell's text, white space trimmed.
    pub text: String,
    /// Where it stands in the source.
    pub span: Span,
    /// True when `text` is exactly `source[span]`.
    pub verbatim: bool,
    /// Column in the table grid (after expanding colspans and rowspans).
    pub col: usize,
    /// Columns this cell spans.
    pub colspan: usize,
    /// Whether the source marks cell boundaries definitely (HTML `<td>`), so that an
    /// empty cell is a real blank cell rather than layout padding.
    pub definite: bool,
    /// Whether the cell holds a number the extractor saw only in part: a PDF cell whose
    /// number wrapped onto lines it could not join with certainty. Its value is unknown;
    /// the row it stands in is not read.
    pub doubtful: bool,
}

/// A table row.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Row {
    /// Cells in order; cells covered by a rowspan from above are not repeated.
    pub cells: Vec<Cell>,
    /// The whole row in the source.
    pub span: Span,
}

/// A table: rows of cells.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Table {
    /// Rows in order.
    pub rows: Vec<Row>,
}

/// A block of the document.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// Running text.
    Para(Para),
    /// A table (text layouts with `|` or tab separators, markdown, HTML `<table>`).
    Table(Table),
}

/// Where a piece of a DOCX or PDF text view stands in the original document: a
/// paragraph, table, row and cell path (`第2个表格第5行第3列`) or a page and line.
#[derive(Clone, Debug, PartialEq)]
pub struct Location {
    /// The piece of the text view.
    pub span: Span,
    /// The path, in Chinese.
    pub path: String,
}

/// A document in the format-independent intermediate form.
#[derive(Clone, Debug)]
pub struct Document {
    /// The decoded source text; every span points into it.
    pub source: String,
    /// What kind of source it was.
    pub kind: SourceKind,
    /// Blocks in reading order.
    pub blocks: Vec<Block>,
    /// For sources read into a text view (DOCX, PDF): the original location of each
    /// paragraph, row and cell, in order. Empty for text and HTML, whose spans are
    /// positions in the file itself.
    pub locations: Vec<Location>,
    /// Line starts of `source`, built on first use: every line and column asked of the
    /// document is then a binary search, not a scan of the text.
    pub lines: std::sync::OnceLock<LineIndex>,
}

impl Document {
    /// One-based line and column (in characters) of a byte offset of the source.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        self.lines
            .get_or_init(|| LineIndex::new(&self.source))
            .line_col(&self.source, offset)
    }

    /// The most specific original location holding a byte offset of the text view.
    pub fn location_of(&self, offset: usize) -> Option<&str> {
        self.locations
            .iter()
            .filter(|l| l.span.start <= offset && offset <= l.span.end)
            .min_by_key(|l| l.span.len())
            .map(|l| l.path.as_str())
    }
}

/// Line numbers of many byte offsets of one text: the line starts, found once, then a
/// binary search per offset (where [`line_col`] scans the text for each); columns count
/// characters from a checkpoint every [`LineIndex::STRIDE`] bytes, so even one enormous
/// line costs a bounded scan per offset.
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// (byte offset on a char boundary, characters before it).
    marks: Vec<(usize, usize)>,
}

impl LineIndex {
    /// Bytes between column checkpoints.
    pub const STRIDE: usize = 1024;

    /// Indexes `text`.
    pub fn new(text: &str) -> LineIndex {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let mut marks = vec![(0, 0)];
        let (mut at, mut chars) = (0, 0);
        while at + Self::STRIDE < text.len() {
            let next = floor_char_boundary(text, at + Self::STRIDE);
            if next <= at {
                break;
            }
            chars += text[at..next].chars().count();
            at = next;
            marks.push((at, chars));
        }
        LineIndex { starts, marks }
    }

    /// One-based line of `offset`.
    pub fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }

    /// Characters of `text` before byte `offset` (a char boundary).
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        let k = self
            .marks
            .partition_point(|m| m.0 <= offset)
            .saturating_sub(1);
        let (at, chars) = self.marks[k];
        chars + text[at..offset].chars().count()
    }

    /// One-based line and column (in characters) of `offset` in `text`, the text it
    /// indexes.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line(offset);
        let start = self.starts[line - 1];
        let col = self.chars_before(text, offset) - self.chars_before(text, start) + 1;
        (line, col)
    }
}

/// One-based line and column (in characters) of a byte offset into `source`.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(source, offset.min(source.len()));
    let before = &source[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = source[line_start..offset].chars().count() + 1;
    (line, col)
}

/// The largest char boundary not after `i`.
pub fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index answers as the scan does, on short lines and on one enormous line of
    /// mixed-width characters (checkpoints fall inside and between characters).
    #[test]
    fn the_index_agrees_with_the_scan() {
        let long: String = "政府信息公开a1，".repeat(900);
        let text = format!("第一行\n{long}\n\n末行 end");
        let index = LineIndex::new(&text);
        for offset in (0..text.len() + 3).step_by(7) {
            assert_eq!(
                index.line_col(&text, offset),
                line_col(&text, offset),
                "{offset}"
            );
        }
    }
}
