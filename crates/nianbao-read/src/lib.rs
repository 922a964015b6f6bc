//! Reading one report file, whatever its format. Text, HTML and DOCX are read by the
//! core; PDF goes through poppler's `pdftotext` and `pdftocairo` and DOC/WPS through LibreOffice, both as
//! subprocesses bounded in time (so no GPL code in the binary, and a hung converter never
//! hangs the caller). A shell over the core: the CLI and the web app read through here.

pub mod office;
pub mod pdf;
pub mod sheet;
mod subprocess;

use nianbao_core::document::SourceKind;
use nianbao_core::Report;

/// Reads one file's bytes, whatever the format; the error is a Chinese message.
pub fn parse_bytes(bytes: &[u8]) -> Result<Report, String> {
    if bytes.starts_with(b"%PDF") {
        let tsv = pdf::tsv(bytes)?;
        let svg = pdf::svg(bytes);
        return nianbao_core::parse_pdf(&tsv, svg.as_deref()).map_err(|e| e.to_string());
    }
    if office::is_ole(bytes) {
        let docx = office::to_docx(bytes)?;
        return nianbao_core::parse(&docx).map_err(|e| e.to_string());
    }
    nianbao_core::parse(bytes).map_err(|e| e.to_string())
}

/// The stored kind of a file: `text` / `html` / `docx` / `pdf` / `doc`, from the reading
/// when there is one, else from the bytes.
pub fn kind_of(bytes: &[u8], report: Option<&Report>) -> &'static str {
    if office::is_ole(bytes) {
        return "doc"; // read through a conversion to DOCX
    }
    match report.map(|r| r.document.kind) {
        Some(SourceKind::Text) => "text",
        Some(SourceKind::Html) => "html",
        Some(SourceKind::Docx) => "docx",
        Some(SourceKind::Pdf) => "pdf",
        None if bytes.starts_with(b"%PDF") => "pdf",
        None if bytes.starts_with(b"PK") => "docx",
        None if nianbao_core::decode::looks_like_html(&String::from_utf8_lossy(
            &bytes[..bytes.len().min(4096)],
        )) =>
        {
            "html"
        }
        None => "text",
    }
}
