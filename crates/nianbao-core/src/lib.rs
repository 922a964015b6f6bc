//! # nianbao-core
//!
//! The core of nianbao: reads a 政府信息公开工作年度报告 (government information
//! disclosure annual report) in any text layout, HTML or DOCX, aligns it to the national
//! template (2021 or 2019 format), and checks it against the statutory identities.
//! Bytes in, values out: no file system, no network, no database.
//!
//! The pipeline, one module per stage:
//!
//! 1. [`decode`] — bytes to text (UTF-8, UTF-16, GB18030/GBK), HTML sniffing;
//! 2. [`extract`] — text, HTML or DOCX to a [`Document`] of paragraphs and table cells with spans;
//! 3. [`align`] — the document aligned to the [`template`]: a [`Report`] with metadata,
//!    sections and every cell;
//! 4. [`rules`] — checks producing [`Diagnostic`]s with stable codes;
//! 5. [`render`] — the report as cells, JSON, Markdown, and diagnostics for humans.
//!
//! ```
//! let text = "2024年某某街道办事处政府信息公开工作年度报告\n四、政府信息公开行政复议、行政诉讼情况\n\
//!             行政复议 | 行政诉讼\n1 | 0 | 0 | 0 | 2 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0\n";
//! let report = nianbao_core::parse(text.as_bytes()).unwrap();
//! assert_eq!(report.year(), Some(2024));
//! assert_eq!(report.cell_by_key("t4.review.upheld").unwrap().value.as_i64(), Some(1));
//! let diagnostics = nianbao_core::check(&report, None);
//! // 1 + 0 + 0 + 0 ≠ 2: identity 4 fails, and the diagnostic names every cell of it.
//! let d = diagnostics.iter().find(|d| d.code == "T4001").unwrap();
//! assert!(d.cells.iter().any(|c| c.key() == "t4.review.total"));
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod align;
pub mod calendar;
pub mod clock;
pub mod compose;
pub mod decode;
pub mod diagnostic;
pub mod document;
pub mod extract;
pub mod fees;
pub mod metric;
pub mod narrative;
pub mod number;
pub mod place;
pub mod register;
pub mod render;
pub mod report;
pub mod rules;
pub mod synth;
pub mod template;
pub mod text;

pub use diagnostic::{Diagnostic, Severity};
pub use document::{Document, Span};
pub use report::Report;

/// Version of the parser, stored with results so that they can be brought up to date.
pub const PARSER_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Why a file could not be read as an annual report.
#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum ParseError {
    /// The file is empty.
    #[error("文件为空")]
    Empty,
    /// The file is binary data of a kind not (yet) read.
    #[error(
        "不是可读取的年报文件（{0}）；可读取的格式为文本、HTML、DOCX、PDF（含文字层）和 DOC/WPS"
    )]
    Binary(&'static str),
    /// A DOCX file that could not be read.
    #[error("{0}")]
    Docx(#[from] extract::docx::DocxError),
    /// A PDF without a text layer (a scan).
    #[error(
        "PDF 没有文字层（可能是扫描件），无法读取；请提供含文字层的 PDF，或先做文字识别（OCR）"
    )]
    NoTextLayer,
    /// An input too large to be one report (see [`extract::check_size`]).
    #[error("内容过多，不像是一份年报：{}超过 {} 个；为免耗尽内存，没有读取", .0.what, .0.limit)]
    TooLarge(extract::TooLarge),
    /// Nothing in the text resembles an annual report.
    #[error("未识别为政府信息公开工作年度报告：既没有找到六个部分的标题，也没有找到统计表格")]
    NotAReport,
}

/// Reads a file's bytes into a report.
///
/// Returns an error only when the bytes are not a report at all; everything else the
/// reader is unsure of is in [`Report::diagnostics`].
pub fn parse(bytes: &[u8]) -> Result<Report, ParseError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ParseError::Empty);
    }
    if extract::docx::is_docx(bytes) {
        let doc = extract::docx::extract_docx(bytes)?;
        return recognised(align::align(doc, "DOCX"));
    }
    if let Some(kind) = binary_kind(bytes) {
        return Err(ParseError::Binary(kind));
    }
    let decoded = decode::decode(bytes);
    extract::check_size(&decoded.text).map_err(ParseError::TooLarge)?;
    let doc = extract::extract(&decoded);
    let mut report = align::align(doc, decoded.encoding);
    if report.has_no_table() {
        // The page may carry the report in a JSON or JavaScript string: read that instead.
        if let Some(html) = extract::embedded::embedded_report(&decoded.text) {
            extract::check_size(&html).map_err(ParseError::TooLarge)?;
            let inner = align::align(extract::extract_html(&html), decoded.encoding);
            if !inner.has_no_table() {
                report = inner;
            }
        }
    }
    let mut report = recognised(report)?;
    report
        .diagnostics
        .extend(rules::decoding_findings(&decoded, &report));
    Ok(report)
}

/// Reads a report published over several pages (a CMS's `第1页/共3页`): text or HTML
/// pages, in order, read as one document. The pages are joined before they are read,
/// so that a table cut between two pages is whole again; spans point into the pages
/// joined by newlines.
pub fn parse_pages(pages: &[&[u8]]) -> Result<Report, ParseError> {
    let mut joined = String::new();
    let mut encoding = "UTF-8";
    for bytes in pages {
        if let Some(k) = binary_kind(bytes) {
            return Err(ParseError::Binary(k));
        }
        let decoded = decode::decode(bytes);
        encoding = decoded.encoding;
        joined.push_str(&decoded.text);
        joined.push('\n');
    }
    extract::check_size(&joined).map_err(ParseError::TooLarge)?;
    let doc = if decode::looks_like_html(&joined) {
        extract::extract_html(&joined)
    } else {
        extract::extract_text(&joined)
    };
    recognised(align::align(doc, encoding))
}

/// Reads a PDF from the words of its text layer (`pdftotext -tsv` output, see
/// [`extract::pdf`]); extracting them from the PDF bytes is the caller's I/O.
pub fn parse_pdf_tsv(tsv: &str) -> Result<Report, ParseError> {
    parse_pdf(tsv, None)
}

/// Reads a PDF from the words of its text layer and, when the pages could be drawn, their
/// SVG (`pdftocairo -svg` output), whose ruling lines give the tables' cells (see
/// [`extract::pdf_rules`]).
pub fn parse_pdf(tsv: &str, svg: Option<&str>) -> Result<Report, ParseError> {
    let words = extract::pdf::parse_tsv(tsv);
    if words.is_empty() {
        return Err(ParseError::NoTextLayer);
    }
    if words.len() > extract::MAX_WORDS {
        return Err(ParseError::TooLarge(extract::TooLarge {
            what: "PDF 词",
            limit: extract::MAX_WORDS,
        }));
    }
    let rules = svg.map(extract::pdf_rules::parse_svg).unwrap_or_default();
    recognised(align::align(
        extract::pdf::document_from_layout(&words, &rules),
        "PDF",
    ))
}

fn recognised(report: Report) -> Result<Report, ParseError> {
    if report.sections.is_empty() && report.has_no_table() {
        return Err(ParseError::NotAReport);
    }
    Ok(report)
}

/// Runs every rule over a report; `prior` is the same agency's report for the year before.
pub fn check(report: &Report, prior: Option<&Report>) -> Vec<Diagnostic> {
    rules::run_all(report, prior)
}

/// The kind of binary data `bytes` are (`PDF`, `PNG`, `二进制数据` …), or `None` for text.
pub fn sniff_binary(bytes: &[u8]) -> Option<&'static str> {
    binary_kind(bytes)
}

fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    const MAGIC: [(&[u8], &str); 7] = [
        (b"%PDF", "PDF"),
        (b"PK\x03\x04", "ZIP/DOCX"),
        (b"\xD0\xCF\x11\xE0", "DOC/WPS"),
        (b"\x89PNG", "PNG"),
        (b"\xFF\xD8\xFF", "JPEG"),
        (b"GIF8", "GIF"),
        (b"\x1F\x8B", "GZIP"),
    ];
    if let Some((_, k)) = MAGIC.iter().find(|(m, _)| bytes.starts_with(m)) {
        return Some(k);
    }
    // Text in UTF-16 has NULs but starts with a BOM; other NUL-laden data is binary.
    let head = &bytes[..bytes.len().min(8192)];
    let utf16 = head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]);
    if !utf16 && head.iter().filter(|&&b| b == 0).count() > head.len() / 100 {
        return Some("二进制数据");
    }
    None
}
