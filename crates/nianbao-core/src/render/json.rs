//! The JSON documents of the CLI (and, later, the API). Schema version 1.
//!
//! `parse --format json` → [`ParseOutput`]; `check --format json` → an array of
//! [`CheckOutput`]. Field meanings are documented on the wire types; additions are
//! backwards-compatible, any other change bumps [`SCHEMA_VERSION`].

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::document::{line_col, Span};
use crate::number::Number;
use crate::report::Report;

/// Version of the JSON documents below.
pub const SCHEMA_VERSION: u32 = 1;

/// A source location: byte offsets into the decoded text, and the 1-based line and
/// column (in characters) of its start.
#[derive(Serialize, Debug, Clone)]
pub struct WireSpan {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// Line of `start`, from 1.
    pub line: usize,
    /// Column of `start` in characters, from 1.
    pub column: usize,
    /// For DOCX and PDF (spans into a text view): the place in the original document,
    /// e.g. `第2个表格第5行第3列` or `第3页第12行`. Absent for text and HTML.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

impl WireSpan {
    /// Converts a span of `source`.
    pub fn new(source: &str, span: Span) -> WireSpan {
        let (line, column) = line_col(source, span.start);
        WireSpan {
            start: span.start,
            end: span.end,
            line,
            column,
            location: None,
        }
    }

    /// Converts a span of a document, with its original location where it has one.
    pub fn of(doc: &crate::document::Document, span: Span) -> WireSpan {
        let (line, column) = doc.line_col(span.start);
        WireSpan {
            start: span.start,
            end: span.end,
            line,
            column,
            location: doc.location_of(span.start).map(str::to_string),
        }
    }
}

/// `parse --format json`.
#[derive(Serialize, Debug)]
pub struct ParseOutput<'a> {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Version of nianbao that read the file.
    pub parser_version: &'static str,
    /// The file as given on the command line (`-` for standard input).
    pub file: &'a str,
    /// Encoding the file was decoded from.
    pub encoding: &'static str,
    /// `text`, `html`, `docx` or `pdf` (for DOCX and PDF, spans point into a text view of the document).
    pub source_kind: crate::document::SourceKind,
    /// Metadata.
    pub meta: WireMeta<'a>,
    /// The sections found, in order.
    pub sections: Vec<WireSection<'a>>,
    /// Every table cell read, in template order.
    pub cells: Vec<WireCell<'a>>,
    /// What the reader itself found (unreadable rows, label deviations, decoding).
    pub diagnostics: Vec<WireDiagnostic>,
}

/// Metadata. Absent values are `null`.
#[derive(Serialize, Debug)]
pub struct WireMeta<'a> {
    /// 统计年度.
    pub year: Option<u16>,
    /// The reporting body as named by the report.
    pub agency: Option<&'a str>,
    /// `2021`, `2019`, `mixed` or `unknown`.
    pub template: &'static str,
    /// Publication date `YYYY-MM-DD`.
    pub published: Option<&'a str>,
    /// 索引号.
    pub index_number: Option<&'a str>,
    /// 文号.
    pub document_number: Option<&'a str>,
    /// The title line as written.
    pub title: Option<&'a str>,
}

/// A section.
#[derive(Serialize, Debug)]
pub struct WireSection<'a> {
    /// 1–6.
    pub number: u8,
    /// The heading as written.
    pub heading: &'a str,
    /// Running text (tables excluded).
    pub text: &'a str,
    /// Where the heading stands.
    pub span: WireSpan,
}

/// A table cell.
#[derive(Serialize, Debug)]
pub struct WireCell<'a> {
    /// Key from `cells.md`, e.g. `t3.granted.natural`.
    pub key: &'static str,
    /// The value (0 for a blank cell); decimals only for amounts.
    pub value: Number,
    /// True when the cell was printed blank (empty, `/`, `—`, `-`, `无`, …).
    pub blank: bool,
    /// The text as printed.
    pub raw: &'a str,
    /// Where it stands.
    pub span: WireSpan,
}

/// A finding.
#[derive(Serialize, Debug)]
pub struct WireDiagnostic {
    /// Rule code, e.g. `T3001`.
    pub code: &'static str,
    /// `error`, `warning` or `info`.
    pub severity: &'static str,
    /// Message in Chinese.
    pub message: String,
    /// Every cell key taking part (for an identity: all cells of the equation).
    pub cells: Vec<&'static str>,
    /// Main location, if any.
    pub span: Option<WireSpan>,
    /// How to fix it.
    pub help: Option<String>,
}

impl WireDiagnostic {
    /// Converts a finding about a document.
    pub fn new(doc: &crate::document::Document, d: &Diagnostic) -> WireDiagnostic {
        WireDiagnostic {
            code: d.code,
            severity: d.severity.as_str(),
            message: d.message.clone(),
            cells: d.cells.iter().map(|c| c.key()).collect(),
            span: d.span.map(|s| WireSpan::of(doc, s)),
            help: d.help.clone(),
        }
    }
}

/// Builds the `parse --format json` document.
pub fn parse_output<'a>(file: &'a str, report: &'a Report) -> ParseOutput<'a> {
    let doc = &report.document;
    let m = &report.meta;
    ParseOutput {
        schema_version: SCHEMA_VERSION,
        parser_version: crate::PARSER_VERSION,
        file,
        encoding: report.encoding,
        source_kind: report.document.kind,
        meta: WireMeta {
            year: m.year.as_ref().map(|y| y.value),
            agency: m.agency.as_ref().map(|a| a.value.as_str()),
            template: report.template().as_str(),
            published: m.published.as_ref().map(|p| p.value.as_str()),
            index_number: m.index_number.as_ref().map(|p| p.value.as_str()),
            document_number: m.document_number.as_ref().map(|p| p.value.as_str()),
            title: m.title.as_ref().map(|p| p.value.as_str()),
        },
        sections: report
            .sections
            .iter()
            .map(|s| WireSection {
                number: s.number,
                heading: &s.heading,
                text: &s.text,
                span: WireSpan::of(doc, s.heading_span),
            })
            .collect(),
        cells: report
            .cells
            .iter()
            .map(|c| WireCell {
                key: c.id.key(),
                value: c.value,
                blank: c.blank,
                raw: &c.raw,
                span: WireSpan::of(doc, c.span),
            })
            .collect(),
        diagnostics: report
            .diagnostics
            .iter()
            .map(|d| WireDiagnostic::new(doc, d))
            .collect(),
    }
}

/// One element of the `check --format json` array.
#[derive(Serialize, Debug)]
pub struct CheckOutput<'a> {
    /// The file as given.
    pub file: &'a str,
    /// What the report is.
    pub report: WireReportSummary<'a>,
    /// Every finding, ordered by position.
    pub diagnostics: Vec<WireDiagnostic>,
}

/// The report's identity in `check` output.
#[derive(Serialize, Debug)]
pub struct WireReportSummary<'a> {
    /// 统计年度.
    pub year: Option<u16>,
    /// The reporting body.
    pub agency: Option<&'a str>,
    /// `2021`, `2019`, `mixed` or `unknown`.
    pub template: &'static str,
}

/// Builds one `check --format json` element.
pub fn check_output<'a>(
    file: &'a str,
    report: &'a Report,
    diagnostics: &[Diagnostic],
) -> CheckOutput<'a> {
    CheckOutput {
        file,
        report: WireReportSummary {
            year: report.year(),
            agency: report.agency(),
            template: report.template().as_str(),
        },
        diagnostics: diagnostics
            .iter()
            .map(|d| WireDiagnostic::new(&report.document, d))
            .collect(),
    }
}
