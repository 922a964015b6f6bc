//! The document flattened into a stream of tokens: labels, values, blanks.
//!
//! Alignment works on this stream rather than on the layout's rows, so that a
//! label broken over lines, numbers on a line of their own, shifted or ragged
//! rows all read the same way.

use crate::document::{Block, Document, Span};
use crate::number::{read_cell_text, CellText, Number};

/// What a token is.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Kind {
    /// A number.
    Value(Number),
    /// A blank marker (`/`, `—`, `-`, `无` …), or an empty cell whose boundaries are
    /// definite (HTML `<td></td>`).
    Blank,
    /// An empty cell of a text layout: maybe a blank value, maybe layout padding.
    Empty,
    /// Page furniture between rows (`-3-`, `第3页`).
    Noise,
    /// A run of 16 to 48 digits: too long for a count, so a row's numbers glued
    /// together; read only by [`super::recover`].
    Digits,
    /// A number seen only in part (see [`crate::document::Cell::doubtful`]): it occupies
    /// a cell, but its value is unknown, so its row is not read.
    Doubtful,
    /// Anything else: labels, headings, running text.
    Label,
}

/// One token.
#[derive(Clone, Debug)]
pub(crate) struct Tok<'a> {
    /// Text as written.
    pub text: &'a str,
    /// Normalised text (labels only; empty otherwise).
    pub norm: String,
    pub kind: Kind,
    pub span: Span,
    /// Index of the block it came from.
    pub block: usize,
    /// Whether the token came from a paragraph (not a table cell).
    pub in_para: bool,
    /// The line or table row it came from (unique in the document).
    pub row: u32,
    /// The paragraph or cell it came from (unique in the document): tokens of different
    /// pieces are certainly apart, so damage models never join them.
    pub piece: u32,
}

impl Tok<'_> {
    /// A value or blank that certainly occupies a cell.
    pub fn is_strong_value(&self) -> bool {
        matches!(
            self.kind,
            Kind::Value(_) | Kind::Blank | Kind::Digits | Kind::Doubtful
        )
    }
}

/// Flattens the document.
pub(crate) fn tokens(doc: &Document) -> Vec<Tok<'_>> {
    let mut out = Vec::with_capacity(doc.blocks.len() * 4);
    let mut row_id = 0u32;
    let mut piece = 0u32;
    for (bi, block) in doc.blocks.iter().enumerate() {
        match block {
            Block::Para(p) => {
                let from = out.len();
                push_text(&mut out, &p.text, p.span, p.verbatim, false, bi, true);
                set_ids(&mut out[from..], row_id, piece);
                row_id += 1;
                piece += 1;
            }
            Block::Table(t) => {
                for row in &t.rows {
                    for c in &row.cells {
                        let from = out.len();
                        if c.doubtful {
                            out.push(Tok {
                                text: &c.text,
                                norm: String::new(),
                                kind: Kind::Doubtful,
                                span: c.span,
                                block: bi,
                                in_para: false,
                                row: 0,
                                piece: 0,
                            });
                            set_ids(&mut out[from..], row_id, piece);
                            piece += 1;
                            continue;
                        }
                        push_text(&mut out, &c.text, c.span, c.verbatim, c.definite, bi, false);
                        set_ids(&mut out[from..], row_id, piece);
                        piece += 1;
                    }
                    row_id += 1;
                }
            }
        }
    }
    out
}

fn set_ids(toks: &mut [Tok<'_>], row: u32, piece: u32) {
    for t in toks {
        t.row = row;
        t.piece = piece;
    }
}

fn kind_of(text: &str, definite: bool) -> Kind {
    match read_cell_text(text) {
        CellText::Number { value, .. } => Kind::Value(value),
        CellText::Blank if crate::text::trim(text).is_empty() && !definite => Kind::Empty,
        CellText::Blank => Kind::Blank,
        CellText::Text if crate::text::is_page_furniture(text) => Kind::Noise,
        CellText::Text if is_digit_run(text) => Kind::Digits,
        CellText::Text => Kind::Label,
    }
}

/// 16 to 48 ASCII digits and nothing else (shorter runs are numbers).
fn is_digit_run(text: &str) -> bool {
    let t = crate::text::trim(text);
    (16..=48).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit())
}

fn push_text<'a>(
    out: &mut Vec<Tok<'a>>,
    text: &'a str,
    span: Span,
    verbatim: bool,
    definite: bool,
    block: usize,
    in_para: bool,
) {
    let kind = kind_of(text, definite);
    if kind != Kind::Label {
        out.push(Tok {
            text,
            norm: String::new(),
            kind,
            span,
            block,
            in_para,
            row: 0,
            piece: 0,
        });
        return;
    }
    // A label followed by numbers in one piece of text (`规章 0 0 0`, or a flattened
    // row `4 0 0 0 0 0 4`): split off the trailing numbers, one token each. Running
    // text never ends in a bare number, so sentences are left whole.
    let ends_in_value = text.trim_end().chars().next_back().is_some_and(|c| {
        c.is_ascii_digit() || matches!(c, '０'..='９' | '/' | '／' | '—' | '-' | '无')
    });
    if !ends_in_value || !text.contains(char::is_whitespace) {
        out.push(Tok {
            text,
            norm: label_norm(text),
            kind,
            span,
            block,
            in_para,
            row: 0,
            piece: 0,
        });
        return;
    }
    let words = words(text);
    let mut first_value = words.len();
    let mut numbers = 0;
    while first_value > 0 {
        match kind_of(words[first_value - 1].1, true) {
            Kind::Value(_) | Kind::Digits => numbers += 1,
            Kind::Blank => {}
            _ => break,
        }
        first_value -= 1;
    }
    if numbers == 0 || words.len() < 2 {
        out.push(Tok {
            text,
            norm: label_norm(text),
            kind,
            span,
            block,
            in_para,
            row: 0,
            piece: 0,
        });
        return;
    }
    let sub = |off: usize, w: &str| {
        if verbatim {
            Span::new(span.start + off, span.start + off + w.len())
        } else {
            span
        }
    };
    if first_value > 0 {
        let end = words[first_value - 1].0 + words[first_value - 1].1.len();
        let label = &text[..end];
        out.push(Tok {
            text: label,
            norm: crate::text::normalize_label(label),
            kind: Kind::Label,
            span: sub(0, label),
            block,
            in_para,
            row: 0,
            piece: 0,
        });
    }
    for &(off, w) in &words[first_value..] {
        out.push(Tok {
            text: w,
            norm: String::new(),
            kind: kind_of(w, true),
            span: sub(off, w),
            block,
            in_para,
            row: 0,
            piece: 0,
        });
    }
}

/// The normalised form used to match labels and headings. Long running text is neither
/// (the longest statutory label is under 100 bytes), so it is not normalised: it then
/// cannot name a row by a phrase buried in a sentence.
fn label_norm(text: &str) -> String {
    if text.len() > 240 {
        String::new()
    } else {
        crate::text::normalize_label(text)
    }
}

/// White-space separated words with their byte offsets.
fn words(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                out.push((s, &text[s..i]));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push((s, &text[s..]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::extract_text;

    fn kinds(src: &str) -> Vec<(String, String)> {
        let doc = extract_text(src);
        tokens(&doc)
            .into_iter()
            .map(|t| {
                let k = match t.kind {
                    Kind::Value(n) => format!("V{n}"),
                    Kind::Blank => "B".into(),
                    Kind::Empty => "E".into(),
                    Kind::Noise => "N".into(),
                    Kind::Digits => "D".into(),
                    Kind::Doubtful => "?".into(),
                    Kind::Label => "L".into(),
                };
                assert_eq!(&doc.source[t.span.start..t.span.end], t.text);
                (k, t.text.to_string())
            })
            .collect()
    }

    #[test]
    fn splits_trailing_numbers_but_not_sentences() {
        let k = kinds("规章 0 1 / 2\n本年度共收到申请 42 件。\n4 0 0\n-3-\n第3页\n");
        let got: Vec<&str> = k.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            got,
            vec!["L", "V0", "V1", "B", "V2", "L", "V4", "V0", "V0", "N", "N"]
        );
        assert_eq!(k[0].1, "规章");
    }

    #[test]
    fn empty_text_cells_are_weak() {
        let k = kinds("行政许可 | 0 | ||\n");
        let got: Vec<&str> = k.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(got, vec!["L", "V0", "E", "E", "E"]);
    }
}
