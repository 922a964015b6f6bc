//! DOCX: paragraphs and tables from `word/document.xml`, with merged cells
//! (`w:gridSpan`, `w:vMerge`), nested tables, content controls, and the numbering
//! Word adds to list paragraphs (`一、` from `numbering.xml`) recovered into the text.
//!
//! A DOCX has no text to point into, so the extractor writes a *text view* — one line
//! per paragraph, one line per table row with cells joined by ` | ` — and every span
//! points into it. Diagnostics then show that line.
//!
//! Limits: the archive may hold at most [`MAX_ENTRIES`] entries and a part may
//! decompress to at most [`MAX_PART`] bytes (zip bombs); element nesting deeper than
//! [`MAX_DEPTH`] is ignored.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::document::{Block, Cell, Document, Para, Row, SourceKind, Span, Table};

/// Most entries a DOCX archive may have.
pub const MAX_ENTRIES: usize = 10_000;
/// Largest decompressed size of one part (64 MiB).
pub const MAX_PART: u64 = 64 << 20;
/// Deepest element nesting followed.
pub const MAX_DEPTH: usize = 512;

/// Why a DOCX could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DocxError {
    /// Not a readable ZIP archive.
    #[error("不是有效的 DOCX（ZIP）文件：{0}")]
    Zip(String),
    /// The archive has no `word/document.xml`.
    #[error("ZIP 文件中没有 word/document.xml，不是 Word 文档")]
    NoDocument,
    /// Too many entries or a part too large.
    #[error("DOCX 超出安全限制：{0}")]
    Limit(String),
    /// The XML is malformed.
    #[error("DOCX 的 XML 无法解析：{0}")]
    Xml(String),
}

fn read_part(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
) -> Result<Option<String>, DocxError> {
    let mut file = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(DocxError::Zip(e.to_string())),
    };
    if file.size() > MAX_PART {
        return Err(DocxError::Limit(format!(
            "{name} 解压后 {} 字节，超过 {} 字节",
            file.size(),
            MAX_PART
        )));
    }
    let mut buf = Vec::new();
    // The declared size can lie: read at most the limit and one byte more.
    (&mut file)
        .take(MAX_PART + 1)
        .read_to_end(&mut buf)
        .map_err(|e| DocxError::Zip(e.to_string()))?;
    if buf.len() as u64 > MAX_PART {
        return Err(DocxError::Limit(format!(
            "{name} 解压后超过 {MAX_PART} 字节"
        )));
    }
    Ok(Some(String::from_utf8_lossy(&buf).into_owned()))
}

/// True when the bytes are a ZIP archive holding a Word document.
pub fn is_docx(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") && bytes.windows(17).any(|w| w == b"word/document.xml")
}

/// Reads a DOCX file.
pub fn extract_docx(bytes: &[u8]) -> Result<Document, DocxError> {
    let mut zip =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| DocxError::Zip(e.to_string()))?;
    if zip.len() > MAX_ENTRIES {
        return Err(DocxError::Limit(format!(
            "{} 个条目，超过 {MAX_ENTRIES}",
            zip.len()
        )));
    }
    let document = read_part(&mut zip, "word/document.xml")?.ok_or(DocxError::NoDocument)?;
    let numbering = match read_part(&mut zip, "word/numbering.xml")? {
        Some(xml) => Numbering::parse(&xml),
        None => Numbering::default(),
    };
    let body = parse_body(&document)?;
    let mut out = TextView {
        source: String::new(),
        blocks: Vec::new(),
        numbering,
        counters: HashMap::new(),
        locations: Vec::new(),
        paragraphs: 0,
        tables: 0,
    };
    out.blocks_of(&body);
    Ok(Document {
        source: out.source,
        kind: SourceKind::Docx,
        blocks: out.blocks,
        locations: out.locations,
        lines: Default::default(),
    })
}

// ---------------------------------------------------------------------------
// A light tree of what matters in document.xml
// ---------------------------------------------------------------------------

#[derive(Debug, Default)]
struct PNode {
    text: String,
    num: Option<(String, usize)>,
}

#[derive(Debug, Default)]
struct TcNode {
    blocks: Vec<Node>,
    grid_span: usize,
    /// `Some(true)`: a vertical merge starts here; `Some(false)`: continues from above.
    v_merge: Option<bool>,
}

#[derive(Debug)]
enum Node {
    P(PNode),
    Tbl(Vec<Vec<TcNode>>),
}

enum Frame {
    Body(Vec<Node>),
    P(PNode),
    Tbl(Vec<Vec<TcNode>>),
    Tr(Vec<TcNode>),
    Tc(TcNode),
}

fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

fn parse_body(xml: &str) -> Result<Vec<Node>, DocxError> {
    let mut reader = Reader::from_str(xml);
    let mut stack: Vec<Frame> = vec![Frame::Body(Vec::new())];
    let mut depth = 0usize;
    // Inside w:t (text to keep), inside a skipped subtree (deleted text, field codes).
    let mut in_text = false;
    let mut skip_depth: Option<usize> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| DocxError::Xml(e.to_string()))?;
        match event {
            Event::Eof => break,
            Event::Start(e) => {
                depth += 1;
                if skip_depth.is_some() || depth > MAX_DEPTH {
                    continue;
                }
                match e.name().as_ref() {
                    "w:p" => stack.push(Frame::P(PNode::default())),
                    "w:tbl" => stack.push(Frame::Tbl(Vec::new())),
                    "w:tr" => stack.push(Frame::Tr(Vec::new())),
                    "w:tc" => stack.push(Frame::Tc(TcNode {
                        grid_span: 1,
                        ..TcNode::default()
                    })),
                    "w:t" => in_text = true,
                    "w:del"
                    | "w:instrText"
                    | "w:delText"
                    | "w:drawing"
                    | "w:pict"
                    | "mc:AlternateContent"
                    | "w:footnoteReference" => skip_depth = Some(depth),
                    _ => {}
                }
            }
            Event::Empty(e) => {
                if skip_depth.is_some() || depth >= MAX_DEPTH {
                    continue;
                }
                match e.name().as_ref() {
                    "w:tab" | "w:br" | "w:cr" => {
                        if let Some(Frame::P(p)) = stack.last_mut() {
                            p.text.push(' ');
                        }
                    }
                    "w:gridSpan" => {
                        if let Some(Frame::Tc(tc)) = stack.last_mut() {
                            tc.grid_span = attr(&e, "w:val")
                                .and_then(|v| v.parse().ok())
                                .filter(|&n: &usize| n > 0)
                                .unwrap_or(1)
                                .min(1000);
                        }
                    }
                    "w:vMerge" => {
                        if let Some(Frame::Tc(tc)) = stack.last_mut() {
                            tc.v_merge = Some(attr(&e, "w:val").as_deref() == Some("restart"));
                        }
                    }
                    "w:numId" | "w:ilvl" => {
                        if let Some(Frame::P(p)) = stack.last_mut() {
                            let v = attr(&e, "w:val").unwrap_or_default();
                            let num = p.num.get_or_insert((String::new(), 0));
                            if e.name().as_ref() == "w:numId" {
                                num.0 = v;
                            } else {
                                num.1 = v.parse().unwrap_or(0).min(8);
                            }
                        }
                    }
                    "w:p" => {
                        if let Some(parent) = stack.last_mut() {
                            push_node(parent, Node::P(PNode::default()));
                        }
                    }
                    _ => {}
                }
            }
            Event::End(e) => {
                let closing_depth = depth;
                depth = depth.saturating_sub(1);
                if let Some(sd) = skip_depth {
                    if closing_depth == sd {
                        skip_depth = None;
                    }
                    continue;
                }
                if closing_depth > MAX_DEPTH {
                    continue;
                }
                match e.name().as_ref() {
                    "w:t" => in_text = false,
                    "w:p" => {
                        if let Some(Frame::P(p)) = pop_if(&mut stack, |f| matches!(f, Frame::P(_)))
                        {
                            if let Some(parent) = stack.last_mut() {
                                push_node(parent, Node::P(p));
                            }
                        }
                    }
                    "w:tc" => {
                        if let Some(Frame::Tc(tc)) =
                            pop_if(&mut stack, |f| matches!(f, Frame::Tc(_)))
                        {
                            if let Some(Frame::Tr(cells)) = stack.last_mut() {
                                cells.push(tc);
                            }
                        }
                    }
                    "w:tr" => {
                        if let Some(Frame::Tr(cells)) =
                            pop_if(&mut stack, |f| matches!(f, Frame::Tr(_)))
                        {
                            if let Some(Frame::Tbl(rows)) = stack.last_mut() {
                                rows.push(cells);
                            }
                        }
                    }
                    "w:tbl" => {
                        if let Some(Frame::Tbl(rows)) =
                            pop_if(&mut stack, |f| matches!(f, Frame::Tbl(_)))
                        {
                            if let Some(parent) = stack.last_mut() {
                                push_node(parent, Node::Tbl(rows));
                            }
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) if in_text && skip_depth.is_none() => {
                if let Some(Frame::P(p)) = stack.last_mut() {
                    p.text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) if in_text && skip_depth.is_none() => {
                if let Some(Frame::P(p)) = stack.last_mut() {
                    let c = match r.resolve_char_ref() {
                        Ok(Some(c)) => Some(c),
                        _ => match &*r {
                            "amp" => Some('&'),
                            "lt" => Some('<'),
                            "gt" => Some('>'),
                            "quot" => Some('"'),
                            "apos" => Some('\''),
                            _ => None,
                        },
                    };
                    p.text.extend(c);
                }
            }
            _ => {}
        }
    }
    // Unclosed frames (a truncated file): fold them into their parents.
    while stack.len() > 1 {
        let top = stack.pop().expect("len > 1");
        let node = match top {
            Frame::P(p) => Some(Node::P(p)),
            Frame::Tbl(rows) => Some(Node::Tbl(rows)),
            Frame::Tr(cells) => {
                if let Some(Frame::Tbl(rows)) = stack.last_mut() {
                    rows.push(cells);
                }
                None
            }
            Frame::Tc(tc) => {
                if let Some(Frame::Tr(cells)) = stack.last_mut() {
                    cells.push(tc);
                }
                None
            }
            Frame::Body(nodes) => {
                for n in nodes {
                    if let Some(parent) = stack.last_mut() {
                        push_node(parent, n);
                    }
                }
                None
            }
        };
        if let (Some(n), Some(parent)) = (node, stack.last_mut()) {
            push_node(parent, n);
        }
    }
    match stack.pop() {
        Some(Frame::Body(nodes)) => Ok(nodes),
        _ => Ok(Vec::new()),
    }
}

fn pop_if(stack: &mut Vec<Frame>, is: impl Fn(&Frame) -> bool) -> Option<Frame> {
    if stack.len() > 1 && stack.last().is_some_and(is) {
        stack.pop()
    } else {
        None
    }
}

fn push_node(parent: &mut Frame, node: Node) {
    match parent {
        Frame::Body(nodes) => nodes.push(node),
        Frame::Tc(tc) => tc.blocks.push(node),
        // A table directly in a paragraph or row is malformed: keep its text nowhere.
        _ => {}
    }
}

// ---------------------------------------------------------------------------
// List numbering
// ---------------------------------------------------------------------------

#[derive(Debug, Default)]
struct Numbering {
    /// numId → abstractNumId.
    nums: HashMap<String, String>,
    /// (abstractNumId, ilvl) → (start, numFmt, lvlText).
    levels: HashMap<(String, usize), (u32, String, String)>,
}

impl Numbering {
    fn parse(xml: &str) -> Numbering {
        let mut n = Numbering::default();
        let mut reader = Reader::from_str(xml);
        let mut abstract_id: Option<String> = None;
        let mut num_id: Option<String> = None;
        let mut level: Option<(usize, u32, String, String)> = None;
        loop {
            let event = match reader.read_event() {
                Ok(Event::Eof) | Err(_) => break,
                Ok(e) => e,
            };
            match event {
                Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                    "w:abstractNum" => abstract_id = attr(&e, "w:abstractNumId"),
                    "w:num" => num_id = attr(&e, "w:numId"),
                    "w:abstractNumId" => {
                        if let (Some(id), Some(a)) = (num_id.clone(), attr(&e, "w:val")) {
                            n.nums.insert(id, a);
                        }
                    }
                    "w:lvl" => {
                        level = Some((
                            attr(&e, "w:ilvl").and_then(|v| v.parse().ok()).unwrap_or(0),
                            1,
                            "decimal".into(),
                            String::new(),
                        ))
                    }
                    "w:start" => {
                        if let Some(l) = level.as_mut() {
                            l.1 = attr(&e, "w:val").and_then(|v| v.parse().ok()).unwrap_or(1);
                        }
                    }
                    "w:numFmt" => {
                        if let Some(l) = level.as_mut() {
                            l.2 = attr(&e, "w:val").unwrap_or_default();
                        }
                    }
                    "w:lvlText" => {
                        if let Some(l) = level.as_mut() {
                            l.3 = attr(&e, "w:val").unwrap_or_default();
                        }
                    }
                    _ => {}
                },
                Event::End(e) if e.name().as_ref() == "w:lvl" => {
                    if let (Some(a), Some((ilvl, start, fmt, text))) =
                        (abstract_id.clone(), level.take())
                    {
                        n.levels.insert((a, ilvl), (start, fmt, text));
                    }
                }
                _ => {}
            }
        }
        n
    }
}

fn format_number(n: u32, fmt: &str) -> String {
    const DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    match fmt {
        "chineseCounting"
        | "chineseCountingThousand"
        | "ideographTraditional"
        | "chineseLegalSimplified"
        | "ideographDigital"
            if n < 100 =>
        {
            match n {
                0..=9 => DIGITS[n as usize].to_string(),
                10 => "十".into(),
                11..=19 => format!("十{}", DIGITS[(n % 10) as usize]),
                _ if n % 10 == 0 => format!("{}十", DIGITS[(n / 10) as usize]),
                _ => format!(
                    "{}十{}",
                    DIGITS[(n / 10) as usize],
                    DIGITS[(n % 10) as usize]
                ),
            }
        }
        "upperLetter" if (1..=26).contains(&n) => char::from(b'A' + (n - 1) as u8).to_string(),
        "lowerLetter" if (1..=26).contains(&n) => char::from(b'a' + (n - 1) as u8).to_string(),
        "bullet" | "none" => String::new(),
        _ => n.to_string(),
    }
}

// ---------------------------------------------------------------------------
// The text view
// ---------------------------------------------------------------------------

struct TextView {
    source: String,
    blocks: Vec<Block>,
    numbering: Numbering,
    /// (numId, ilvl) → current count.
    counters: HashMap<(String, usize), u32>,
    /// Paths of paragraphs, rows and cells in the original document.
    locations: Vec<crate::document::Location>,
    /// Paragraphs and tables written so far, for those paths.
    paragraphs: usize,
    tables: usize,
}

impl TextView {
    fn label(&mut self, num: &Option<(String, usize)>) -> String {
        let Some((id, ilvl)) = num else {
            return String::new();
        };
        let Some(abs) = self.numbering.nums.get(id).cloned() else {
            return String::new();
        };
        let Some((start, fmt, text)) = self.numbering.levels.get(&(abs.clone(), *ilvl)).cloned()
        else {
            return String::new();
        };
        let count = self
            .counters
            .entry((id.clone(), *ilvl))
            .and_modify(|c| *c += 1)
            .or_insert(start);
        let count = *count;
        // A new item at this level restarts the deeper ones.
        self.counters.retain(|(i, l), _| i != id || *l <= *ilvl);
        let mut out = text.clone();
        for lvl in 0..=*ilvl {
            let value = if lvl == *ilvl {
                count
            } else {
                self.counters.get(&(id.clone(), lvl)).copied().unwrap_or(1)
            };
            let f = if lvl == *ilvl {
                fmt.clone()
            } else {
                self.numbering
                    .levels
                    .get(&(abs.clone(), lvl))
                    .map(|l| l.1.clone())
                    .unwrap_or_default()
            };
            out = out.replace(&format!("%{}", lvl + 1), &format_number(value, &f));
        }
        out
    }

    fn line(&mut self, text: &str) -> Span {
        let start = self.source.len();
        self.source.push_str(text);
        let span = Span::new(start, self.source.len());
        self.source.push('\n');
        span
    }

    fn blocks_of(&mut self, nodes: &[Node]) {
        for n in nodes {
            match n {
                Node::P(p) => {
                    let text = format!("{}{}", self.label(&p.num), p.text);
                    let text = crate::text::trim(&text).to_string();
                    if text.is_empty() {
                        continue;
                    }
                    let span = self.line(&text);
                    self.paragraphs += 1;
                    self.locations.push(crate::document::Location {
                        span,
                        path: format!("第{}段", self.paragraphs),
                    });
                    self.blocks.push(Block::Para(Para {
                        text,
                        span,
                        verbatim: true,
                    }));
                }
                Node::Tbl(rows) => {
                    let nested = rows
                        .iter()
                        .flatten()
                        .any(|tc| tc.blocks.iter().any(|b| matches!(b, Node::Tbl(_))));
                    if nested {
                        // A layout table: its cells are containers.
                        for tc in rows.iter().flatten() {
                            self.blocks_of(&tc.blocks);
                        }
                    } else {
                        let table = self.table(rows);
                        self.blocks.push(Block::Table(table));
                    }
                }
            }
        }
    }

    fn table(&mut self, rows: &[Vec<TcNode>]) -> Table {
        let mut out = Table::default();
        self.tables += 1;
        for (ri, row) in rows.iter().enumerate() {
            let mut line = String::new();
            let mut cells: Vec<(String, usize, usize, usize)> = Vec::new(); // text, offset, col, span
            let mut col = 0;
            for tc in row {
                let span = tc.grid_span.max(1);
                if tc.v_merge == Some(false) {
                    // Covered by the cell above (vertical merge): not repeated.
                    col += span;
                    continue;
                }
                let mut parts: Vec<String> = Vec::new();
                for b in &tc.blocks {
                    if let Node::P(p) = b {
                        let label = self.label(&p.num);
                        let t = format!("{label}{}", p.text);
                        let t = crate::text::trim(&t);
                        if !t.is_empty() {
                            parts.push(t.to_string());
                        }
                    }
                }
                let text = parts.join(" ").replace(['|', '\n'], " ");
                if !line.is_empty() {
                    line.push_str(" | ");
                }
                cells.push((text.clone(), line.len(), col, span));
                line.push_str(&text);
                col += span;
            }
            let start = self.source.len();
            let row_span = self.line(&line);
            let table_no = self.tables;
            self.locations.push(crate::document::Location {
                span: row_span,
                path: format!("第{table_no}个表格第{}行", ri + 1),
            });
            for (_, off, col, _) in &cells {
                let end = line[*off..].find(" | ").map_or(line.len(), |i| off + i);
                self.locations.push(crate::document::Location {
                    span: Span::new(start + off, start + end),
                    path: format!("第{table_no}个表格第{}行第{}列", ri + 1, col + 1),
                });
            }
            let cells = cells
                .into_iter()
                .map(|(text, off, col, colspan)| Cell {
                    span: Span::new(start + off, start + off + text.len()),
                    text,
                    verbatim: true,
                    col,
                    colspan,
                    definite: true,
                    doubtful: false,
                })
                .collect();
            out.rows.push(Row {
                cells,
                span: row_span,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::docx::{write_docx, DocBlock, DocCell, DocxOptions};

    fn cell(t: &str, colspan: usize, rowspan: usize) -> DocCell {
        DocCell {
            text: t.into(),
            colspan,
            rowspan,
        }
    }

    #[test]
    fn merged_cells_numbering_and_spans() {
        let blocks = vec![
            DocBlock::Title("测试年报".into()),
            DocBlock::Heading {
                numeral: Some('一'),
                text: "总体情况".into(),
            },
            DocBlock::Para("正文 & 内容".into()),
            DocBlock::Heading {
                numeral: Some('二'),
                text: "主动公开政府信息情况".into(),
            },
            DocBlock::Table(vec![
                vec![cell("甲", 1, 2), cell("法人或\n其他组织", 2, 1)],
                vec![cell("3", 1, 1), cell("", 1, 1)],
            ]),
        ];
        for auto in [false, true] {
            let opts = DocxOptions {
                auto_numbered_headings: auto,
                content_controls: auto,
                layout_table: auto,
                split_tables: false,
            };
            let doc = extract_docx(&write_docx(&blocks, &opts)).unwrap();
            let paras: Vec<&str> = doc
                .blocks
                .iter()
                .filter_map(|b| {
                    if let Block::Para(p) = b {
                        Some(p.text.as_str())
                    } else {
                        None
                    }
                })
                .collect();
            assert_eq!(
                paras,
                vec![
                    "测试年报",
                    "一、总体情况",
                    "正文 & 内容",
                    "二、主动公开政府信息情况"
                ],
                "auto={auto}"
            );
            let Some(Block::Table(t)) = doc.blocks.iter().find(|b| matches!(b, Block::Table(_)))
            else {
                panic!("no table")
            };
            let grid: Vec<Vec<(&str, usize)>> = t
                .rows
                .iter()
                .map(|r| r.cells.iter().map(|c| (c.text.as_str(), c.col)).collect())
                .collect();
            assert_eq!(
                grid,
                vec![
                    vec![("甲", 0), ("法人或 其他组织", 1)],
                    vec![("3", 1), ("", 2)]
                ]
            );
            for c in t.rows.iter().flat_map(|r| &r.cells) {
                assert_eq!(&doc.source[c.span.start..c.span.end], c.text);
            }
            let three = &t.rows[1].cells[0];
            assert_eq!(
                doc.location_of(three.span.start),
                Some("第1个表格第2行第2列"),
                "auto={auto}"
            );
        }
    }

    #[test]
    fn not_a_docx_and_bombs_are_errors() {
        assert!(matches!(
            extract_docx(b"PK\x03\x04garbage"),
            Err(DocxError::Zip(_))
        ));
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let _ = zip.start_file("a.txt", zip::write::SimpleFileOptions::default());
        let bytes = zip.finish().unwrap().into_inner();
        assert_eq!(extract_docx(&bytes).unwrap_err(), DocxError::NoDocument);
    }

    #[test]
    fn chinese_list_numbers() {
        assert_eq!(format_number(1, "chineseCounting"), "一");
        assert_eq!(format_number(10, "chineseCounting"), "十");
        assert_eq!(format_number(12, "chineseCountingThousand"), "十二");
        assert_eq!(format_number(21, "chineseCounting"), "二十一");
        assert_eq!(format_number(3, "decimal"), "3");
    }
}
