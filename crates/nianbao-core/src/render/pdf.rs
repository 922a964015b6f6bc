//! PDF output with a text layer, written directly: positioned text in A4 pages, tables
//! drawn cell by cell with ruling lines, labels wrapped inside their cells and
//! row-spanning labels centred vertically — the way Word/WPS and 公文 typesetting
//! systems lay reports out. Used for fixtures; the fonts are not embedded.
//!
//! Three font encodings, the ones government PDFs use:
//! * [`PdfFont::UniGbUcs2`] — `STSong-Light` with the `UniGB-UCS2-H` CMap, no ToUnicode;
//! * [`PdfFont::GbkEuc`] — `STSong-Light` with `GBK-EUC-H`, text as GBK bytes, no ToUnicode;
//! * [`PdfFont::IdentityToUnicode`] — a CID font with `Identity-H` and a ToUnicode map;
//! * [`PdfOptions::embedded`] — a TrueType font program embedded (`FontFile2`), text as
//!   glyph ids, with or without a ToUnicode map.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::docx::{DocBlock, DocCell};

/// How text is encoded in the PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PdfFont {
    /// `UniGB-UCS2-H`, no ToUnicode (typical of OFD→PDF and 公文 systems).
    #[default]
    UniGbUcs2,
    /// `GBK-EUC-H`, text in GBK bytes, no ToUnicode.
    GbkEuc,
    /// `Identity-H` with a ToUnicode CMap (like Word/WPS output).
    IdentityToUnicode,
}

/// An embedded TrueType font: its program and the glyph id of every character used.
#[derive(Debug, Clone)]
pub struct EmbeddedFont {
    /// The `.ttf` file.
    pub program: std::sync::Arc<[u8]>,
    /// Character → glyph id, from the font's `cmap`.
    pub glyphs: std::sync::Arc<std::collections::HashMap<char, u16>>,
    /// Also write a ToUnicode map.
    pub to_unicode: bool,
}

/// Layout choices.
#[derive(Debug, Clone, Default)]
pub struct PdfOptions {
    /// Font encoding.
    pub font: PdfFont,
    /// Repeat a table's first row at the top of each page it runs onto.
    pub repeat_header: bool,
    /// Page height in points (A4: 842); smaller pages split tables more often.
    pub page_height: Option<f32>,
    /// Embed this font instead of naming a non-embedded one (`font` is then ignored).
    pub embedded: Option<EmbeddedFont>,
}

const PAGE_W: f32 = 595.0;
const MARGIN: f32 = 72.0;
const SIZE: f32 = 10.5;
const LINE: f32 = 16.0;

fn char_w(c: char, size: f32) -> f32 {
    if c.is_ascii() {
        size * 0.5
    } else {
        size
    }
}

fn text_w(s: &str, size: f32) -> f32 {
    s.chars().map(|c| char_w(c, size)).sum()
}

/// Splits text into lines no wider than `width`. A number is never broken (a number
/// split over two lines is a defect of its own, for the reader's split-number handling).
fn wrap(s: &str, width: f32, size: f32) -> Vec<String> {
    if !matches!(
        crate::number::read_cell_text(s),
        crate::number::CellText::Text
    ) {
        return vec![s.to_string()];
    }
    let mut lines = vec![String::new()];
    let mut w = 0.0;
    for c in s.chars() {
        let cw = char_w(c, size);
        if w + cw > width && !lines.last().is_some_and(String::is_empty) {
            lines.push(String::new());
            w = 0.0;
        }
        lines.last_mut().expect("one line").push(c);
        w += cw;
    }
    lines
}

struct Pages {
    pages: Vec<String>,
    y: f32,
    height: f32,
    font: PdfFont,
    embedded: Option<EmbeddedFont>,
    /// Identity-H: char → CID.
    cids: BTreeMap<char, u16>,
}

impl Pages {
    fn new(opts: &PdfOptions) -> Pages {
        let height = opts.page_height.unwrap_or(842.0);
        Pages {
            pages: vec![String::new()],
            y: height - MARGIN,
            height,
            font: opts.font,
            embedded: opts.embedded.clone(),
            cids: BTreeMap::new(),
        }
    }

    fn page(&mut self) -> &mut String {
        self.pages.last_mut().expect("a page")
    }

    fn new_page(&mut self) {
        let n = self.pages.len();
        let footer = format!("- {n} -");
        let x = PAGE_W / 2.0 - text_w(&footer, 9.0) / 2.0;
        self.text(x, MARGIN / 2.0, 9.0, &footer);
        self.pages.push(String::new());
        self.y = self.height - MARGIN;
    }

    fn ensure(&mut self, h: f32) {
        if self.y - h < MARGIN {
            self.new_page();
        }
    }

    fn encode(&mut self, s: &str) -> String {
        let mut hex = String::new();
        if let Some(e) = &self.embedded {
            // Text as glyph ids (CID = GID); remember which glyph stands for which character.
            for c in s.chars() {
                let gid = e.glyphs.get(&c).copied().unwrap_or(0);
                self.cids.insert(c, gid);
                let _ = write!(hex, "{gid:04X}");
            }
            return hex;
        }
        match self.font {
            PdfFont::UniGbUcs2 => {
                for u in s.encode_utf16() {
                    let _ = write!(hex, "{u:04X}");
                }
            }
            PdfFont::GbkEuc => {
                let (bytes, _, _) = encoding_rs::GBK.encode(s);
                for b in bytes.iter() {
                    let _ = write!(hex, "{b:02X}");
                }
            }
            PdfFont::IdentityToUnicode => {
                for c in s.chars() {
                    let next = self.cids.len() as u16 + 1;
                    let cid = *self.cids.entry(c).or_insert(next);
                    let _ = write!(hex, "{cid:04X}");
                }
            }
        }
        hex
    }

    fn text(&mut self, x: f32, y: f32, size: f32, s: &str) {
        if s.is_empty() {
            return;
        }
        let hex = self.encode(s);
        let _ = writeln!(
            self.page(),
            "BT /F1 {size:.1} Tf 1 0 0 1 {x:.2} {y:.2} Tm <{hex}> Tj ET"
        );
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32) {
        let _ = writeln!(self.page(), "{x:.2} {y:.2} {w:.2} {h:.2} re S");
    }

    fn para(&mut self, s: &str, size: f32, centred: bool, indent: bool) {
        let width = PAGE_W - 2.0 * MARGIN;
        let first = if indent { 2.0 * size } else { 0.0 };
        for (i, line) in wrap(s, width - first, size).iter().enumerate() {
            self.ensure(LINE);
            self.y -= LINE;
            let x = if centred {
                PAGE_W / 2.0 - text_w(line, size) / 2.0
            } else if i == 0 {
                MARGIN + first
            } else {
                MARGIN
            };
            self.text(x, self.y, size, line);
        }
    }

    fn table(&mut self, rows: &[Vec<DocCell>], repeat_header: bool) {
        let width = rows
            .iter()
            .map(|r| r.iter().map(|c| c.colspan.max(1)).sum::<usize>())
            .max()
            .unwrap_or(1);
        // Grid positions of every cell, as HTML lays out row- and colspans.
        let mut placed: Vec<Vec<(usize, &DocCell)>> = Vec::new();
        let mut pending = vec![0usize; width];
        for row in rows {
            let covered: Vec<bool> = pending.iter().map(|&p| p > 0).collect();
            let mut col = 0;
            let mut out = Vec::new();
            for cell in row {
                while covered.get(col).copied().unwrap_or(false) {
                    col += 1;
                }
                let span = cell.colspan.max(1).min(width.saturating_sub(col).max(1));
                for p in pending.iter_mut().skip(col).take(span) {
                    *p = cell.rowspan.max(1);
                }
                out.push((col, cell));
                col += span;
            }
            for p in pending.iter_mut() {
                *p = p.saturating_sub(1);
            }
            placed.push(out);
        }
        // Column widths: numbers are narrow; the first columns (labels) share the rest.
        let numeric_col = |c: usize| {
            rows.iter().zip(&placed).any(|(_, r)| {
                r.iter().any(|(col, cell)| {
                    *col == c
                        && cell.colspan <= 1
                        && crate::number::parse_number(&crate::text::fold_width(&cell.text))
                            .is_some()
                })
            })
        };
        let label_cols: Vec<usize> = (0..width).filter(|&c| !numeric_col(c)).collect();
        let total = PAGE_W - 2.0 * MARGIN;
        let numeric = width - label_cols.len();
        let num_w = match (numeric, label_cols.len()) {
            (0, _) => 0.0,
            (n, 0) => total / n as f32,
            (n, _) => (total * 0.55 / n as f32).min(48.0),
        };
        let label_w =
            (total - num_w * (width - label_cols.len()) as f32) / label_cols.len().max(1) as f32;
        let col_w: Vec<f32> = (0..width)
            .map(|c| {
                if label_cols.contains(&c) {
                    label_w
                } else {
                    num_w
                }
            })
            .collect();
        let x_of = |c: usize| MARGIN + col_w[..c].iter().sum::<f32>();
        let size = 9.0;
        // Row heights from the wrapped text of single-row cells.
        let heights: Vec<f32> = placed
            .iter()
            .map(|r| {
                r.iter()
                    .filter(|(_, cell)| cell.rowspan <= 1)
                    .map(|(col, cell)| {
                        let w: f32 = col_w[*col..(*col + cell.colspan.max(1)).min(width)]
                            .iter()
                            .sum::<f32>()
                            - 4.0;
                        wrap(&cell.text.replace('\n', ""), w.max(size), size).len() as f32
                            * (size + 3.0)
                            + 6.0
                    })
                    .fold(size + 9.0, f32::max)
            })
            .collect();
        let header_h = heights.first().copied().unwrap_or(0.0);
        let mut ri = 0;
        while ri < rows.len() {
            let h = heights[ri];
            if self.y - h < MARGIN {
                self.new_page();
                if repeat_header && ri > 0 {
                    self.draw_row(&placed[0], &col_w, &x_of, &heights[..1], size, header_h);
                }
            }
            // Row-spanning cells are drawn once, centred over all their rows.
            let spanned: Vec<f32> = (0..rows.len() - ri)
                .map(|k| heights[ri..ri + k + 1].iter().sum())
                .collect();
            self.draw_row(&placed[ri], &col_w, &x_of, &spanned, size, h);
            ri += 1;
        }
        self.y -= 6.0;
    }

    fn draw_row(
        &mut self,
        row: &[(usize, &DocCell)],
        col_w: &[f32],
        x_of: &dyn Fn(usize) -> f32,
        spanned: &[f32],
        size: f32,
        h: f32,
    ) {
        let top = self.y;
        for &(col, cell) in row {
            let span = cell.colspan.max(1).min(col_w.len() - col);
            let w: f32 = col_w[col..col + span].iter().sum();
            let cell_h = spanned
                .get(cell.rowspan.max(1) - 1)
                .copied()
                .unwrap_or(h)
                .min(top - MARGIN + h);
            let x = x_of(col);
            self.rect(x, top - cell_h, w, cell_h);
            let lines = wrap(&cell.text.replace('\n', ""), (w - 4.0).max(size), size);
            let block = lines.len() as f32 * (size + 3.0);
            let mut y = top - (cell_h - block) / 2.0 - size;
            for line in &lines {
                let lw = text_w(line, size);
                self.text(x + ((w - lw) / 2.0).max(2.0), y, size, line);
                y -= size + 3.0;
            }
        }
        self.y -= h;
    }

    fn finish(mut self) -> Vec<u8> {
        let n = self.pages.len();
        let footer = format!("- {n} -");
        let x = PAGE_W / 2.0 - text_w(&footer, 9.0) / 2.0;
        self.text(x, MARGIN / 2.0, 9.0, &footer);
        let mut objects: Vec<String> = Vec::new();
        // 1 catalog, 2 pages, 3 font, 4 descendant, 5 descriptor, 6 ToUnicode, 7 font
        // program (empty when not embedded), then the pages.
        let first_page = 8;
        let kids: Vec<String> = (0..n)
            .map(|i| format!("{} 0 R", first_page + 2 * i))
            .collect();
        objects.push("<< /Type /Catalog /Pages 2 0 R >>".into());
        objects.push(format!(
            "<< /Type /Pages /Kids [{}] /Count {n} >>",
            kids.join(" ")
        ));
        let embedded = self.embedded.clone();
        let (base, encoding, subtype) = match (&embedded, self.font) {
            (Some(_), _) => ("DroidSansFallback", "/Identity-H", "/CIDFontType2"),
            (None, PdfFont::UniGbUcs2) => ("STSong-Light", "/UniGB-UCS2-H", "/CIDFontType0"),
            (None, PdfFont::GbkEuc) => ("STSong-Light", "/GBK-EUC-H", "/CIDFontType0"),
            (None, PdfFont::IdentityToUnicode) => ("SimSun", "/Identity-H", "/CIDFontType2"),
        };
        let identity = embedded.is_some() || self.font == PdfFont::IdentityToUnicode;
        let with_to_unicode = match &embedded {
            Some(e) => e.to_unicode,
            None => self.font == PdfFont::IdentityToUnicode,
        };
        let to_unicode = if with_to_unicode {
            " /ToUnicode 6 0 R"
        } else {
            ""
        };
        objects.push(format!(
            "<< /Type /Font /Subtype /Type0 /BaseFont /{base} /Encoding {encoding} /DescendantFonts [4 0 R]{to_unicode} >>"
        ));
        let widths = if identity {
            let mut w = String::from("[");
            for (c, cid) in &self.cids {
                let _ = write!(w, " {cid} [{}]", if c.is_ascii() { 500 } else { 1000 });
            }
            w.push_str(" ]");
            w
        } else {
            // Proportional Latin (CIDs 1–95) and the half-width forms GBK-EUC-H maps
            // ASCII bytes to (814–907) are half as wide as the ideographs.
            "[1 95 500 814 907 500]".into()
        };
        let gid_map = if identity {
            " /CIDToGIDMap /Identity"
        } else {
            ""
        };
        objects.push(format!(
            "<< /Type /Font /Subtype {subtype} /BaseFont /{base} /CIDSystemInfo << /Registry (Adobe) /Ordering ({}) /Supplement {} >> \
             /FontDescriptor 5 0 R /DW 1000 /W {widths}{gid_map} >>",
            if identity { "Identity" } else { "GB1" },
            if identity { 0 } else { 2 },
        ));
        let font_file = if embedded.is_some() {
            " /FontFile2 7 0 R"
        } else {
            ""
        };
        objects.push(format!(
            "<< /Type /FontDescriptor /FontName /{base} /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93{font_file} >>"
        ));
        let mut cmap = String::from(
            "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def \
             /CMapName /Adobe-Identity-UCS def /CMapType 2 def 1 begincodespacerange <0000> <FFFF> endcodespacerange\n",
        );
        let pairs: Vec<(&char, &u16)> = self.cids.iter().collect();
        for chunk in pairs.chunks(100) {
            let _ = writeln!(cmap, "{} beginbfchar", chunk.len());
            for (c, cid) in chunk {
                let mut u = String::new();
                for unit in c.encode_utf16(&mut [0; 2]) {
                    let _ = write!(u, "{unit:04X}");
                }
                let _ = writeln!(cmap, "<{cid:04X}> <{u}>");
            }
            cmap.push_str("endbfchar\n");
        }
        cmap.push_str("endcmap CMapName currentdict /CMap defineresource pop end end");
        objects.push(format!(
            "<< /Length {} >>\nstream\n{cmap}\nendstream",
            cmap.len() + 1
        ));
        // The font program is binary: it is spliced in as bytes below.
        objects.push(String::from("FONTFILE"));
        for (i, content) in self.pages.iter().enumerate() {
            let content_id = first_page + 2 * i + 1;
            objects.push(format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W} {}] /Resources << /Font << /F1 3 0 R >> >> /Contents {content_id} 0 R >>",
                self.height
            ));
            let stream = format!("0.5 w\n{content}");
            objects.push(format!(
                "<< /Length {} >>\nstream\n{stream}\nendstream",
                stream.len()
            ));
        }
        let program: &[u8] = embedded.as_ref().map_or(&[], |e| &e.program);
        let mut out: Vec<u8> = b"%PDF-1.4\n".to_vec();
        let mut offsets = Vec::new();
        for (i, o) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
            if o == "FONTFILE" {
                out.extend_from_slice(
                    format!(
                        "<< /Length {} /Length1 {} >>\nstream\n",
                        program.len(),
                        program.len()
                    )
                    .as_bytes(),
                );
                out.extend_from_slice(program);
                out.extend_from_slice(b"\nendstream");
            } else {
                out.extend_from_slice(o.as_bytes());
            }
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref = out.len();
        let mut tail = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
        for off in offsets {
            let _ = writeln!(tail, "{off:010} 00000 n ");
        }
        let _ = write!(
            tail,
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        );
        out.extend_from_slice(tail.as_bytes());
        out
    }
}

/// Writes the blocks as a PDF.
pub fn write_pdf(blocks: &[DocBlock], opts: &PdfOptions) -> Vec<u8> {
    let mut p = Pages::new(opts);
    for b in blocks {
        match b {
            DocBlock::Title(t) => {
                p.y -= 8.0;
                p.para(t, 16.0, true, false);
                p.y -= 8.0;
            }
            DocBlock::Heading { numeral, text } => {
                let t = match numeral {
                    Some(n) => format!("{n}、{text}"),
                    None => text.clone(),
                };
                p.para(&t, SIZE, false, true);
            }
            DocBlock::Para(t) => p.para(t, SIZE, false, true),
            DocBlock::Table(rows) => p.table(rows, opts.repeat_header),
        }
    }
    p.finish()
}
