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

/// Why a file could not be read; every message is Chinese and says what to do.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The core's reading refused it: empty, binary data of a kind not read, a damaged
    /// DOCX, a PDF without a text layer, too large, or no annual report in it.
    #[error(transparent)]
    Parse(#[from] nianbao_core::ParseError),
    /// The outside program this format needs is not installed (poppler for PDF,
    /// LibreOffice for DOC/WPS); the message names the package.
    #[error("{0}")]
    ConverterMissing(String),
    /// The outside program ran and failed: its time or memory limit, a damaged or
    /// encrypted file, too much text.
    #[error("{0}")]
    ConverterFailed(String),
}

impl ReadError {
    /// Nothing in the file at all.
    pub fn is_empty(&self) -> bool {
        matches!(self, ReadError::Parse(nianbao_core::ParseError::Empty))
    }

    /// A kind of file the reader does not take (images, archives, other binary data),
    /// as opposed to a readable file that is not a report or could not be converted.
    pub fn is_unsupported(&self) -> bool {
        matches!(self, ReadError::Parse(nianbao_core::ParseError::Binary(_)))
    }
}

/// Reads one file's bytes, whatever the format.
pub fn parse_bytes(bytes: &[u8]) -> Result<Report, ReadError> {
    if bytes.starts_with(b"%PDF") {
        let tsv = pdf::tsv(bytes)?;
        let svg = pdf::svg(bytes);
        return Ok(nianbao_core::parse_pdf(&tsv, svg.as_deref())?);
    }
    if office::is_ole(bytes) {
        let docx = office::to_docx(bytes)?;
        return Ok(nianbao_core::parse(&docx)?);
    }
    Ok(nianbao_core::parse(bytes)?)
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

#[cfg(test)]
mod read_error_tests {
    use super::*;

    /// The caller tells the kinds of refusal apart by type, not by the message's text.
    #[test]
    fn refusals_are_typed() {
        assert!(parse_bytes(b"  \n").unwrap_err().is_empty());
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";
        let e = parse_bytes(png).unwrap_err();
        assert!(e.is_unsupported(), "{e:?}");
        assert!(
            !e.to_string().contains("PDF、DOC/WPS 等格式尚不支持"),
            "{e}"
        );
        let e = parse_bytes("今天天气很好。".as_bytes()).unwrap_err();
        assert!(
            matches!(e, ReadError::Parse(nianbao_core::ParseError::NotAReport)),
            "{e:?}"
        );
        assert!(!e.is_unsupported() && !e.is_empty());
    }
}
