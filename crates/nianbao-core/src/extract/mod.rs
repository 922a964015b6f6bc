//! Extractors: one per input format, each producing the same [`Document`].
//!
//! A new format (DOCX, PDF) is a new module here that returns a `Document`; the
//! aligner, the rules and the renderers do not change.

pub mod docx;
pub mod embedded;
mod html;
pub mod pdf;
mod pdf_grid;
pub mod pdf_rules;
mod text;

use crate::decode::{self, Decoded};
use crate::document::Document;

pub use html::extract_html;
pub use text::extract_text;

/// Most HTML tags one page may have: a Word-exported report page has tens of thousands;
/// the parsed tree costs a few hundred bytes a tag, so this bounds it to well under the
/// 500 MB any one input may take.
pub const MAX_TAGS: usize = 300_000;
/// Most pieces one input may have — words (runs between spaces), lines and cell
/// separators, outside HTML tags — where a report has a few thousand: every piece costs
/// some hundred bytes through the aligner.
pub const MAX_PIECES: usize = 200_000;
/// Most words one PDF's text layer may have (a 50-page report has about 30,000).
pub const MAX_WORDS: usize = 300_000;

/// An input too large to be one report, refused before it is read: what was counted and
/// the limit it passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooLarge {
    /// What was counted (`HTML 标签`, `词、行和单元格`, `PDF 词`).
    pub what: &'static str,
    /// The most allowed.
    pub limit: usize,
}

/// Whether decoded text is small enough to be read: its tags (HTML) and its pieces
/// counted in one pass, before any tree or cell is built.
pub fn check_size(text: &str) -> Result<(), TooLarge> {
    let html = decode::looks_like_html(text);
    let b = text.as_bytes();
    let (mut tags, mut pieces) = (0usize, 0usize);
    let mut in_tag = false;
    let mut after_gap = true;
    for (i, &c) in b.iter().enumerate() {
        if in_tag {
            in_tag = c != b'>';
            after_gap = true;
            continue;
        }
        if html
            && c == b'<'
            && b.get(i + 1)
                .is_some_and(|n| n.is_ascii_alphabetic() || *n == b'/')
        {
            tags += 1;
            in_tag = true;
            continue;
        }
        match c {
            b'\n' | b'|' | b'\t' => {
                pieces += 1;
                after_gap = true;
            }
            b' ' | b'\r' => after_gap = true,
            _ => {
                pieces += usize::from(after_gap);
                after_gap = false;
            }
        }
    }
    if tags > MAX_TAGS {
        return Err(TooLarge {
            what: "HTML 标签",
            limit: MAX_TAGS,
        });
    }
    if pieces > MAX_PIECES {
        return Err(TooLarge {
            what: "词、行和单元格",
            limit: MAX_PIECES,
        });
    }
    Ok(())
}

/// Reads decoded text as HTML or plain text, whichever it looks like.
pub fn extract(decoded: &Decoded) -> Document {
    if decode::looks_like_html(&decoded.text) {
        extract_html(&decoded.text)
    } else {
        extract_text(&decoded.text)
    }
}
