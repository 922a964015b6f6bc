//! PDF: the document rebuilt from positioned words.
//!
//! The core does not read PDF bytes itself: a text layer is extracted outside it
//! (by the CLI, with poppler's `pdftotext -tsv`) into [`Word`]s — text with a page and
//! a box. Here the words become lines (by their vertical centres), lines become table
//! rows (split where the horizontal gap is wide) or paragraphs (wrapped lines of
//! running text joined again), and the result is a text view like DOCX's.

use crate::document::{Block, Cell, Document, Para, Row, SourceKind, Span, Table};

/// A word of a PDF's text layer.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    /// Page, from 1.
    pub page: u32,
    /// Left edge (points).
    pub left: f32,
    /// Top edge (points, from the top of the page).
    pub top: f32,
    /// Width.
    pub width: f32,
    /// Height.
    pub height: f32,
    /// The text.
    pub text: String,
}

impl Word {
    fn centre(&self) -> f32 {
        self.top + self.height / 2.0
    }
    fn right(&self) -> f32 {
        self.left + self.width
    }
}

/// Reads `pdftotext -tsv` output (level-5 rows are words).
pub fn parse_tsv(tsv: &str) -> Vec<Word> {
    let mut out = Vec::new();
    for line in tsv.lines().skip(1) {
        let f: Vec<&str> = line.splitn(12, '\t').collect();
        if f.len() < 12 || f[0] != "5" {
            continue;
        }
        let num = |i: usize| f[i].trim().parse::<f32>().ok().filter(|v| v.is_finite());
        let (Some(left), Some(top), Some(width), Some(height)) = (num(6), num(7), num(8), num(9)) else { continue };
        let text = crate::text::trim(f[11]);
        if text.is_empty() {
            continue;
        }
        out.push(Word { page: f[1].parse().unwrap_or(0), left, top, width, height: height.max(1.0), text: text.to_string() });
    }
    out
}

/// How many pages the words come from.
pub fn page_count(words: &[Word]) -> u32 {
    words.iter().map(|w| w.page).max().unwrap_or(0)
}

fn is_cjk(c: char) -> bool {
    ('\u{2E80}'..='\u{9FFF}').contains(&c) || ('\u{F900}'..='\u{FAFF}').contains(&c) || ('\u{FF00}'..='\u{FFEF}').contains(&c)
}

/// A visual line: its cells (runs of words separated by wide gaps).
struct Line {
    page: u32,
    top: f32,
    bottom: f32,
    left: f32,
    right: f32,
    height: f32,
    cells: Vec<String>,
}

fn lines_of(words: &[Word]) -> Vec<Line> {
    let mut words: Vec<&Word> = words.iter().collect();
    words.sort_by(|a, b| a.page.cmp(&b.page).then(a.centre().total_cmp(&b.centre())));
    // Group by vertical centre: a word joins the line when its centre is within
    // 40% of a line height of the line's first word.
    let mut groups: Vec<Vec<&Word>> = Vec::new();
    for w in words {
        match groups.last_mut() {
            Some(g) if g[0].page == w.page && (w.centre() - g[0].centre()).abs() <= 0.4 * g[0].height.max(w.height) => g.push(w),
            _ => groups.push(vec![w]),
        }
    }
    groups
        .into_iter()
        .map(|mut g| {
            g.sort_by(|a, b| a.left.total_cmp(&b.left));
            let height = g.iter().map(|w| w.height).fold(0.0, f32::max);
            let mut cells: Vec<String> = Vec::new();
            let mut prev_right = f32::NEG_INFINITY;
            for w in &g {
                let gap = w.left - prev_right;
                let char_h = w.height.min(height);
                match cells.last_mut() {
                    Some(cell) if gap < 0.6 * char_h => {
                        // Same cell: CJK runs join directly, other words with a space.
                        let joins = cell.chars().next_back().is_some_and(is_cjk) || w.text.chars().next().is_some_and(is_cjk);
                        if !joins {
                            cell.push(' ');
                        }
                        cell.push_str(&w.text);
                    }
                    _ => cells.push(w.text.clone()),
                }
                prev_right = prev_right.max(w.right());
            }
            Line {
                page: g[0].page,
                top: g.iter().map(|w| w.top).fold(f32::INFINITY, f32::min),
                bottom: g.iter().map(|w| w.top + w.height).fold(0.0, f32::max),
                left: g.first().map_or(0.0, |w| w.left),
                right: g.iter().map(|w| w.right()).fold(0.0, f32::max),
                height,
                cells,
            }
        })
        .collect()
}

/// Rebuilds a document from words.
pub fn document_from_words(words: &[Word]) -> Document {
    let lines = lines_of(words);
    // The text block's right margin, per page, to tell wrapped lines of running text.
    let mut right_margin: std::collections::HashMap<u32, f32> = std::collections::HashMap::new();
    for l in &lines {
        let m = right_margin.entry(l.page).or_insert(0.0);
        *m = m.max(l.right);
    }
    let mut source = String::new();
    let mut blocks: Vec<Block> = Vec::new();
    let mut table: Option<Table> = None;
    let mut prev: Option<&Line> = None;
    for l in &lines {
        if l.cells.len() == 1 {
            if let Some(t) = table.take() {
                blocks.push(Block::Table(t));
            }
            let text = l.cells[0].clone();
            // A wrapped line of running text continues the paragraph above.
            let continues = prev.is_some_and(|p| {
                p.cells.len() == 1
                    && p.page == l.page
                    && l.top - p.bottom < 0.9 * l.height
                    && p.right >= right_margin[&p.page] - 2.0 * p.height
                    && p.cells[0].chars().count() > 15
            });
            if let (true, Some(Block::Para(para))) = (continues, blocks.last_mut()) {
                // Extend the paragraph in the text view: it is the last line written.
                source.pop(); // the newline
                source.push_str(&text);
                para.text.push_str(&text);
                para.span.end = source.len();
                source.push('\n');
            } else {
                let start = source.len();
                source.push_str(&text);
                let span = Span::new(start, source.len());
                source.push('\n');
                blocks.push(Block::Para(Para { text, span, verbatim: true }));
            }
        } else {
            let start = source.len();
            let mut cells = Vec::new();
            for (i, c) in l.cells.iter().enumerate() {
                if i > 0 {
                    source.push_str(" | ");
                }
                let s = source.len();
                source.push_str(c);
                cells.push(Cell { text: c.clone(), span: Span::new(s, source.len()), verbatim: true, col: i, colspan: 1, definite: false });
            }
            let span = Span::new(start, source.len());
            source.push('\n');
            table.get_or_insert_with(Table::default).rows.push(Row { cells, span });
        }
        prev = Some(l);
    }
    if let Some(t) = table.take() {
        blocks.push(Block::Table(t));
    }
    Document { source, kind: SourceKind::Pdf, blocks }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(page: u32, left: f32, top: f32, width: f32, text: &str) -> Word {
        Word { page, left, top, width, height: 10.0, text: text.into() }
    }

    #[test]
    fn rows_from_positioned_words() {
        let words = vec![
            w(1, 80.0, 100.0, 100.0, "二、上年结转政府信息公开申请数量"),
            w(1, 320.0, 99.0, 7.0, "0"),
            w(1, 350.0, 99.5, 14.0, "12"),
            w(1, 80.0, 120.0, 50.0, "（二）部分公开"),
            w(1, 131.0, 120.0, 20.0, "（区分"),
            w(1, 80.0, 140.0, 400.0, "本年度共收到政府信息公开申请四十二件，办理结果如下，其中予以公开"),
            w(1, 80.0, 152.0, 60.0, "三十件。"),
        ];
        let doc = document_from_words(&words);
        let rows: Vec<Vec<String>> = doc
            .blocks
            .iter()
            .filter_map(|b| if let Block::Table(t) = b { Some(t.rows.iter().map(|r| r.cells.iter().map(|c| c.text.clone()).collect::<Vec<_>>())) } else { None })
            .flatten()
            .collect();
        assert_eq!(rows, vec![vec!["二、上年结转政府信息公开申请数量".to_string(), "0".into(), "12".into()]]);
        let paras: Vec<&str> = doc.blocks.iter().filter_map(|b| if let Block::Para(p) = b { Some(p.text.as_str()) } else { None }).collect();
        assert_eq!(paras, vec!["（二）部分公开（区分", "本年度共收到政府信息公开申请四十二件，办理结果如下，其中予以公开三十件。"]);
        for b in &doc.blocks {
            if let Block::Para(p) = b {
                assert_eq!(&doc.source[p.span.start..p.span.end], p.text);
            }
        }
    }

    #[test]
    fn tsv_rows() {
        let tsv = "level\tpage_num\tpar_num\tblock_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
                   1\t1\t0\t0\t0\t0\t0\t0\t595\t842\t-1\t###PAGE###\n5\t1\t0\t0\t0\t0\t81.00\t133.98\t48.00\t12.04\t100\t行政处罚\n";
        assert_eq!(parse_tsv(tsv), vec![Word { page: 1, left: 81.0, top: 133.98, width: 48.0, height: 12.04, text: "行政处罚".into() }]);
    }
}
