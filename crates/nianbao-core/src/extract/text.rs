//! Plain text in any layout: running text, rows flattened with `|` (ragged or
//! markdown), tab-separated rows, one cell per line.
//!
//! The extractor only splits lines into cells; it does not decide what a cell
//! means. Whether an empty cell is a blank value or layout padding is left to the
//! aligner, which knows how many values each row must have.

use crate::document::{Block, Cell, Document, Para, Row, SourceKind, Span, Table};

/// Splits plain text into paragraphs and table rows.
pub fn extract_text(source: &str) -> Document {
    let mut blocks: Vec<Block> = Vec::new();
    let mut table: Option<Table> = None;
    let mut offset = 0;
    for raw_line in source.split_inclusive('\n') {
        let line_start = offset;
        offset += raw_line.len();
        let line = raw_line.trim_end_matches(['\n', '\r']);
        let trimmed = crate::text::trim(line);
        if trimmed.is_empty() {
            continue; // blank lines neither start nor end a table
        }
        let sep = if line.contains('\t') {
            Some('\t')
        } else if line.contains('|') {
            Some('|')
        } else {
            None
        };
        match sep {
            Some(sep) => {
                if is_markdown_rule(trimmed) {
                    continue;
                }
                let row = split_row(line, line_start, sep);
                table.get_or_insert_with(Table::default).rows.push(row);
            }
            None => {
                if let Some(t) = table.take() {
                    blocks.push(Block::Table(t));
                }
                let trimmed = strip_markdown(trimmed);
                if trimmed.is_empty() {
                    continue;
                }
                let start = line_start + (trimmed.as_ptr() as usize - line.as_ptr() as usize);
                blocks.push(Block::Para(Para {
                    text: trimmed.to_string(),
                    span: Span::new(start, start + trimmed.len()),
                    verbatim: true,
                }));
            }
        }
    }
    if let Some(t) = table.take() {
        blocks.push(Block::Table(t));
    }
    Document {
        source: source.to_string(),
        kind: SourceKind::Text,
        blocks,
        locations: Vec::new(),
        lines: Default::default(),
    }
}

/// A Markdown line's markers around its text: an ATX heading's `#`s (`## 一、总体情况`),
/// a quote's `>`, a whole-line `**bold**` (`**第二十条第（一）项**`). The text inside is
/// returned as a slice, so spans stay exact.
fn strip_markdown(line: &str) -> &str {
    let mut t = line;
    let hashes = t.bytes().take_while(|&b| b == b'#').count();
    if (1..=6).contains(&hashes) && t[hashes..].starts_with([' ', '\t']) {
        t = crate::text::trim(&t[hashes..]);
    } else if let Some(rest) = t.strip_prefix("> ") {
        t = crate::text::trim(rest);
    }
    if t.len() > 4 && t.starts_with("**") && t.ends_with("**") && !t[2..t.len() - 2].contains("**")
    {
        t = crate::text::trim(&t[2..t.len() - 2]);
    }
    t
}

/// `|---|:---:|` separator lines of markdown tables.
fn is_markdown_rule(line: &str) -> bool {
    // Every cell `---`, `:--`, `:-:` …: a lone `-` is a blank cell, not a rule.
    let cells: Vec<&str> = line
        .split('|')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    !cells.is_empty()
        && cells.iter().all(|c| {
            let dashes = c.trim_matches(':');
            dashes.len() >= 3 && dashes.bytes().all(|b| b == b'-')
        })
}

fn split_row(line: &str, line_start: usize, sep: char) -> Row {
    let mut cells = Vec::new();
    let markdown = sep == '|' && crate::text::trim(line).starts_with('|');
    let mut pos = 0;
    for (i, piece) in line.split(sep).enumerate() {
        let piece_start = pos;
        pos += piece.len() + sep.len_utf8();
        // Markdown rows open with a pipe: the empty piece before it is not a cell.
        if markdown && i == 0 && crate::text::trim(piece).is_empty() {
            continue;
        }
        let t = crate::text::trim(piece);
        let start = line_start + piece_start + (t.as_ptr() as usize - piece.as_ptr() as usize);
        cells.push(Cell {
            text: t.to_string(),
            span: Span::new(start, start + t.len()),
            verbatim: true,
            col: cells.len(),
            colspan: 1,
            definite: false,
            doubtful: false,
        });
    }
    Row {
        cells,
        span: Span::new(line_start, line_start + line.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(doc: &Document) -> Vec<Vec<String>> {
        doc.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Table(t) => Some(
                    t.rows
                        .iter()
                        .map(|r| r.cells.iter().map(|c| c.text.clone()).collect::<Vec<_>>()),
                ),
                _ => None,
            })
            .flatten()
            .collect()
    }

    #[test]
    fn pipes_tabs_and_markdown() {
        let doc = extract_text(
            "标题\n规章 | 0 | 1 | 2 ||\n行政许可\t5\t\t\n| a | b |\n|---|---|\n| c | 7 |\n",
        );
        assert_eq!(
            cells(&doc),
            vec![
                vec!["规章", "0", "1", "2", "", ""],
                vec!["行政许可", "5", "", ""],
                vec!["a", "b", ""],
                vec!["c", "7", ""],
            ]
        );
        for b in &doc.blocks {
            if let Block::Table(t) = b {
                for c in t.rows.iter().flat_map(|r| &r.cells) {
                    assert_eq!(&doc.source[c.span.start..c.span.end], c.text);
                }
            }
        }
    }

    #[test]
    fn paragraphs_keep_spans() {
        let doc = extract_text("  一、总体情况 \r\n\r\n正文。\n");
        let paras: Vec<_> = doc
            .blocks
            .iter()
            .map(|b| match b {
                Block::Para(p) => (p.text.clone(), &doc.source[p.span.start..p.span.end]),
                _ => unreachable!(),
            })
            .collect();
        assert_eq!(paras[0].0, "一、总体情况");
        assert_eq!(paras[0].1, "一、总体情况");
        assert_eq!(paras[1].0, "正文。");
    }
}
