//! DOCX output: a report laid out as a 公文 — A4 with the standard margins, 方正小标宋
//! title, 黑体 section headings, 仿宋_GB2312 body text, and the official tables with
//! merged header cells (`w:gridSpan`, `w:vMerge`).
//!
//! The writer takes blocks (title, headings, paragraphs, tables with colspan/rowspan
//! like HTML) so that any source — the synthetic generator today, the agency workbench
//! later — can produce a report. OOXML is written directly: the parts a word processor
//! needs and nothing else.

use std::fmt::Write as _;
use std::io::{Cursor, Write};

/// A block of the document to write.
#[derive(Debug, Clone)]
pub enum DocBlock {
    /// The report title (centred, 方正小标宋).
    Title(String),
    /// A section heading; `numeral` is its number (`一`), written either as text or,
    /// with [`DocxOptions::auto_numbered_headings`], by Word's list numbering.
    Heading {
        /// The Chinese numeral, if the heading is numbered.
        numeral: Option<char>,
        /// The heading without its number.
        text: String,
    },
    /// A paragraph of body text.
    Para(String),
    /// A table: rows of cells, cells covered by a span omitted (as in HTML).
    Table(Vec<Vec<DocCell>>),
}

/// A table cell.
#[derive(Debug, Clone)]
pub struct DocCell {
    /// The text (a newline starts a new paragraph inside the cell).
    pub text: String,
    /// Columns spanned.
    pub colspan: usize,
    /// Rows spanned.
    pub rowspan: usize,
}

/// How to write the document: the variants seen in published DOCX files.
#[derive(Debug, Clone, Copy, Default)]
pub struct DocxOptions {
    /// Section numbers `一、` come from Word's automatic list numbering, not the text.
    pub auto_numbered_headings: bool,
    /// Paragraphs and tables wrapped in content controls (`w:sdt`).
    pub content_controls: bool,
    /// The whole report inside a one-cell layout table (nested tables).
    pub layout_table: bool,
    /// Tables split across pages: a page break and a repeated header row in each table.
    pub split_tables: bool,
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

fn run(text: &str) -> String {
    format!("<w:r><w:t xml:space=\"preserve\">{}</w:t></w:r>", esc(text))
}

fn para(style: Option<&str>, numbered: bool, text: &str) -> String {
    let mut ppr = String::new();
    if let Some(s) = style {
        let _ = write!(ppr, "<w:pStyle w:val=\"{s}\"/>");
    }
    if numbered {
        ppr.push_str("<w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"1\"/></w:numPr>");
    }
    let ppr = if ppr.is_empty() {
        String::new()
    } else {
        format!("<w:pPr>{ppr}</w:pPr>")
    };
    format!("<w:p>{ppr}{}</w:p>", run(text))
}

fn table(rows: &[Vec<DocCell>], split: bool) -> String {
    let width = rows
        .iter()
        .map(|r| r.iter().map(|c| c.colspan.max(1)).sum::<usize>())
        .max()
        .unwrap_or(1);
    let col_w = 9000 / width.max(1);
    let mut out = String::from(
        "<w:tbl><w:tblPr><w:tblW w:w=\"5000\" w:type=\"pct\"/><w:jc w:val=\"center\"/><w:tblBorders>\
         <w:top w:val=\"single\" w:sz=\"4\"/><w:left w:val=\"single\" w:sz=\"4\"/><w:bottom w:val=\"single\" w:sz=\"4\"/>\
         <w:right w:val=\"single\" w:sz=\"4\"/><w:insideH w:val=\"single\" w:sz=\"4\"/><w:insideV w:val=\"single\" w:sz=\"4\"/>\
         </w:tblBorders></w:tblPr><w:tblGrid>",
    );
    for _ in 0..width {
        let _ = write!(out, "<w:gridCol w:w=\"{col_w}\"/>");
    }
    out.push_str("</w:tblGrid>");
    // pending[c]: (rows still covered, colspan) of a vertically merged cell starting at c.
    let mut pending: Vec<(usize, usize)> = vec![(0, 1); width];
    let half = rows.len() / 2;
    for (ri, row) in rows.iter().enumerate() {
        out.push_str("<w:tr>");
        if split && ri == 0 {
            out.push_str("<w:trPr><w:tblHeader/></w:trPr>");
        }
        let mut cells = row.iter();
        let mut col = 0;
        while col < width {
            if pending[col].0 > 0 {
                let span = pending[col].1;
                let grid = if span > 1 {
                    format!("<w:gridSpan w:val=\"{span}\"/>")
                } else {
                    String::new()
                };
                let _ = write!(out, "<w:tc><w:tcPr>{grid}<w:vMerge/></w:tcPr><w:p/></w:tc>");
                pending[col].0 -= 1;
                col += span;
                continue;
            }
            let Some(cell) = cells.next() else { break };
            let span = cell.colspan.max(1).min(width - col);
            let mut tcpr = format!("<w:tcW w:w=\"{}\" w:type=\"dxa\"/>", col_w * span);
            if span > 1 {
                let _ = write!(tcpr, "<w:gridSpan w:val=\"{span}\"/>");
            }
            if cell.rowspan > 1 {
                tcpr.push_str("<w:vMerge w:val=\"restart\"/>");
                pending[col] = (cell.rowspan - 1, span);
            }
            tcpr.push_str("<w:vAlign w:val=\"center\"/>");
            let mut body = String::new();
            for line in cell.text.split('\n') {
                let _ = write!(
                    body,
                    "<w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr>{}</w:p>",
                    if line.is_empty() {
                        String::new()
                    } else {
                        run(line)
                    }
                );
            }
            let _ = write!(out, "<w:tc><w:tcPr>{tcpr}</w:tcPr>{body}</w:tc>");
            col += span;
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
    if split {
        // Split the table in two at the middle, as a table that runs onto the next page
        // is often pasted: the second half a table of its own after a page break.
        if let (Some(first), Some(last)) = (out.find("<w:tr>"), nth_row_end(&out, half)) {
            let head = &out[..first];
            let rows_a = &out[first..last];
            let rows_b = &out[last..out.len() - "</w:tbl>".len()];
            let header_row = &out[first..nth_row_end(&out, 0).unwrap_or(first)];
            return format!(
                "{head}{rows_a}</w:tbl><w:p><w:r><w:br w:type=\"page\"/></w:r></w:p><w:p><w:r><w:t>- 2 -</w:t></w:r></w:p>{head}{header_row}{rows_b}</w:tbl>"
            );
        }
    }
    out
}

/// Byte offset just after the `n`th `</w:tr>` (0-based).
fn nth_row_end(s: &str, n: usize) -> Option<usize> {
    s.match_indices("</w:tr>").nth(n).map(|(i, m)| i + m.len())
}

/// Writes the blocks as a DOCX file.
pub fn write_docx(blocks: &[DocBlock], opts: &DocxOptions) -> Vec<u8> {
    let mut body = String::new();
    for b in blocks {
        let xml = match b {
            DocBlock::Title(t) => para(Some("Title"), false, t),
            DocBlock::Heading { numeral, text } => match numeral {
                Some(_) if opts.auto_numbered_headings => para(Some("Heading1"), true, text),
                Some(n) => para(Some("Heading1"), false, &format!("{n}、{text}")),
                None => para(Some("Heading1"), false, text),
            },
            DocBlock::Para(t) => para(None, false, t),
            DocBlock::Table(rows) => table(rows, opts.split_tables),
        };
        if opts.content_controls {
            let _ = write!(body, "<w:sdt><w:sdtPr><w:alias w:val=\"内容\"/></w:sdtPr><w:sdtContent>{xml}</w:sdtContent></w:sdt>");
        } else {
            body.push_str(&xml);
        }
    }
    if opts.layout_table {
        body = format!(
            "<w:tbl><w:tblPr><w:tblW w:w=\"5000\" w:type=\"pct\"/></w:tblPr><w:tblGrid><w:gridCol w:w=\"9000\"/></w:tblGrid>\
             <w:tr><w:tc><w:tcPr><w:tcW w:w=\"9000\" w:type=\"dxa\"/></w:tcPr>{body}<w:p/></w:tc></w:tr></w:tbl>"
        );
    }
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" \
         xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><w:body>{body}\
         <w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"2098\" w:right=\"1474\" w:bottom=\"1984\" w:left=\"1588\" \
         w:header=\"851\" w:footer=\"992\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>"
    );
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let parts: [(&str, &str); 6] = [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS),
        ("word/styles.xml", STYLES),
        ("word/numbering.xml", NUMBERING),
        ("word/document.xml", &document),
    ];
    for (name, content) in parts {
        // Writing to memory cannot fail short of allocation failure.
        let _ = zip.start_file(name, options);
        let _ = zip.write_all(content.as_bytes());
    }
    zip.finish().map(Cursor::into_inner).unwrap_or_default()
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

const DOCUMENT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/></Relationships>"#;

const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:eastAsia="仿宋_GB2312" w:hAnsi="Times New Roman"/><w:sz w:val="32"/><w:lang w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:line="560" w:lineRule="exact"/><w:ind w:firstLineChars="200"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:pPr><w:jc w:val="center"/><w:ind w:firstLineChars="0"/></w:pPr><w:rPr><w:rFonts w:eastAsia="方正小标宋简体"/><w:sz w:val="44"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:rFonts w:eastAsia="黑体"/></w:rPr></w:style></w:styles>"#;

const NUMBERING: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/><w:lvlJc w:val="left"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>"#;
