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

/// Reads decoded text as HTML or plain text, whichever it looks like.
pub fn extract(decoded: &Decoded) -> Document {
    if decode::looks_like_html(&decoded.text) {
        extract_html(&decoded.text)
    } else {
        extract_text(&decoded.text)
    }
}
