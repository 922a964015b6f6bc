//! Layouts: how a synthetic report is written out.

use std::fmt::Write;

use super::SynthReport;
use crate::number::Number;
use crate::template::{CellId, Format, SECTIONS, T3_ROWS};

/// How a report is laid out, as seen in published copies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Layout {
    /// Rows flattened with `|`, ragged trailing pipes.
    Pipe,
    /// One cell per line ending in ` |`, rows separated by lines of pipes.
    CellPerLine,
    /// One cell per line between blank lines, header words broken, page chrome around.
    BlankLines,
    /// Tab-separated, cells shifted under row-spanning labels, trailing tabs.
    Tabs,
    /// Markdown tables.
    Markdown,
    /// An HTML page: chrome, rowspan/colspan, `&nbsp;` blanks, numbers in `<p>`/`<span>`.
    Html,
    /// Pipe rows whose numbers lost their separators: a row's cells one digit run, as
    /// scrapers that take a page's text leave them (`801000081` for `80 1 0 0 0 0 81`).
    Glued,
    /// Pipe rows with numbers broken into pieces inside their cells (`1 2` for `12`), as PDF extraction
    /// and narrow cells leave them.
    SplitNumbers,
    /// One cell per line, with every run of equal adjacent lines merged into one, as
    /// crawlers that drop duplicate lines leave a page (`0 0 0 0 0 0 0` → `0`).
    Collapsed,
    /// One cell per line with the blank cells left out (`2 / 2` for seven columns), as
    /// crawlers that drop empty lines leave a table with blank cells.
    DroppedBlanks,
    /// The whole body one line: headings, labels and glued digit runs run together
    /// (`…规章000行政规范性文件8855698第二十条…`), as crawlers that take a page's text
    /// without its breaks leave it.
    Flattened,
}

impl Layout {
    /// Every layout that keeps each number whole and apart (readable exactly).
    pub const ALL: [Layout; 6] = [
        Layout::Pipe,
        Layout::CellPerLine,
        Layout::BlankLines,
        Layout::Tabs,
        Layout::Markdown,
        Layout::Html,
    ];

    /// The layouts that break numbers (read back by the tables' identities, or reported):
    /// one per damage model.
    pub const BROKEN: [Layout; 5] = [
        Layout::Glued,
        Layout::SplitNumbers,
        Layout::Collapsed,
        Layout::DroppedBlanks,
        Layout::Flattened,
    ];

    /// A short name (`pipe`, `html` …).
    pub fn name(self) -> &'static str {
        match self {
            Layout::Pipe => "pipe",
            Layout::CellPerLine => "cell-per-line",
            Layout::BlankLines => "blank-lines",
            Layout::Tabs => "tabs",
            Layout::Markdown => "markdown",
            Layout::Html => "html",
            Layout::Glued => "glued",
            Layout::SplitNumbers => "split-numbers",
            Layout::Collapsed => "collapsed",
            Layout::DroppedBlanks => "dropped-blanks",
            Layout::Flattened => "flattened",
        }
    }

    /// File extension for this layout.
    pub fn extension(self) -> &'static str {
        match self {
            Layout::Html => "html",
            Layout::Markdown => "md",
            _ => "txt",
        }
    }
}

use crate::render::layout::{self, c, LayoutCell as TCell, LayoutRow as TRow};

/// A section to write: number, heading, paragraphs, and its table if any.
type SectionOut<'a> = (u8, String, Vec<String>, Option<&'a Vec<TRow>>);

struct Style {
    rng: fastrand::Rng,
    layout: Layout,
}

impl Style {
    /// Prints a value as real reports do: separators, full-width digits, blank markers.
    fn value(&mut self, r: &SynthReport, id: CellId) -> TCell {
        let v = r.values.get(&id).copied().unwrap_or(Number::ZERO);
        if self.layout == Layout::DroppedBlanks && r.blanks.contains(&id) {
            // Left out altogether: what this layout damages is the blank cells.
            return c("");
        }
        if matches!(
            self.layout,
            Layout::Glued
                | Layout::SplitNumbers
                | Layout::Collapsed
                | Layout::DroppedBlanks
                | Layout::Flattened
        ) {
            // Plain digits only: what these layouts break is the separation of numbers.
            return c(v.to_string());
        }
        if r.blanks.contains(&id) {
            let markers: &[&str] = if self.layout == Layout::Html {
                &["", "/", "—", "-", "无"]
            } else {
                &["/", "—", "-", "无"]
            };
            return c(markers[self.rng.usize(..markers.len())]);
        }
        let plain = v.to_string();
        let text = match self.rng.u8(0..12) {
            0 if v.is_integer() && v.as_i64().unwrap_or(0) >= 1000 => thousands(&plain),
            1 if v.is_integer() => plain
                .chars()
                .map(|ch| char::from_u32(ch as u32 + 0xFEE0).unwrap_or(ch))
                .collect(),
            2 if id.def().column == "change" && !v.is_negative() && v != Number::ZERO => {
                format!("+{plain}")
            }
            _ => plain,
        };
        c(text)
    }
}

fn thousands(s: &str) -> String {
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

fn t2_table(r: &SynthReport, st: &mut Style) -> Vec<TRow> {
    layout::t2(r.format, &mut |id| st.value(r, id))
}

fn t3_table(r: &SynthReport, st: &mut Style) -> Vec<TRow> {
    layout::t3(r.format, &r.missing_rows, &mut |id| st.value(r, id))
}

fn t4_table(r: &SynthReport, st: &mut Style) -> Vec<TRow> {
    layout::t4(&mut |id| st.value(r, id))
}

fn narrative(r: &SynthReport, st: &mut Style) -> Vec<(u8, Vec<String>)> {
    let g = |k: &str| r.get(k);
    let fam = |f: &str| {
        Number::sum(
            T3_ROWS
                .iter()
                .filter(|row| row.family == f)
                .map(|row| g(&format!("t3.{}.total", row.key))),
        )
        .unwrap_or(Number::ZERO)
    };
    let info = st.rng.u32(50..3000);
    let mut one = vec![
        format!("{}年，{}深入贯彻落实《中华人民共和国政府信息公开条例》，围绕中心工作，持续推进政府信息公开。", r.year, r.agency),
        format!("（一）主动公开。全年主动公开政府信息{info}条，发布政策解读{}条，办理群众来信{}件。", st.rng.u32(1..60), st.rng.u32(1..90)),
        format!(
            "（二）依申请公开。本年度共收到政府信息公开申请{}件，上年结转{}件，办结{}件，结转下年度继续办理{}件。其中予以公开{}件，部分公开{}件，不予公开{}件，无法提供{}件，不予处理{}件，其他处理{}件。",
            r.stated_received,
            g("t3.carried_over.total"),
            g("t3.total_processed.total"),
            g("t3.carried_forward.total"),
            fam("granted"),
            fam("partial"),
            fam("denied"),
            fam("unavailable"),
            fam("not_processed"),
            fam("other"),
        ),
        "（三）政府信息管理。健全信息发布审核机制，严格执行先审后发。".to_string(),
        "（四）政府信息公开平台建设。优化政府网站栏目设置，做好政务新媒体日常维护。".to_string(),
        "（五）监督保障。将政务公开纳入年度考核，开展业务培训。".to_string(),
    ];
    if r.format == Format::V2021 {
        one.push(format!(
            "全年制发行政规范性文件{}件，废止{}件，现行有效的行政规范性文件{}件。",
            g("t2.normative_docs.issued"),
            g("t2.normative_docs.repealed"),
            g("t2.normative_docs.in_force")
        ));
    }
    let five = vec![
        "（一）存在的主要问题。政策解读形式较为单一，信息发布的及时性有待提高。".to_string(),
        "（二）改进情况。丰富解读形式，完善信息发布审核机制，加强业务培训。".to_string(),
    ];
    let six = if r.fee_statement {
        vec![match st.rng.u8(0..3) {
            0 => "本年度未收取政府信息公开信息处理费。".to_string(),
            1 => format!(
                "本年度收取政府信息公开信息处理费{}元。",
                st.rng.u32(100..2000)
            ),
            _ => "本机关本年度未收取信息处理费，无其他需要报告的事项。".to_string(),
        }]
    } else {
        vec!["无。".to_string()]
    };
    vec![(1, one), (5, five), (6, six)]
}

/// The report as document blocks (title, headings, paragraphs, tables), for DOCX and PDF.
///
/// `empty_blanks`: blank cells may be printed empty (they can in DOCX, whose cells are
/// definite; in a PDF an empty cell leaves no trace, so there blanks carry a marker).
pub(super) fn blocks(r: &SynthReport, empty_blanks: bool) -> Vec<crate::render::docx::DocBlock> {
    use crate::render::docx::{DocBlock, DocCell};
    let layout = if empty_blanks {
        Layout::Html
    } else {
        Layout::Pipe
    };
    let mut st = Style {
        rng: fastrand::Rng::with_seed(r.style_seed),
        layout,
    };
    let title = format!("{}{}年政府信息公开工作年度报告", r.agency, r.year);
    let tables = [
        (2u8, t2_table(r, &mut st)),
        (3, t3_table(r, &mut st)),
        (4, t4_table(r, &mut st)),
    ];
    let text = narrative(r, &mut st);
    let mut blocks = vec![
        DocBlock::Para(format!("发布机构：{}", r.agency)),
        DocBlock::Para(format!("发布日期：{}", r.published)),
        DocBlock::Title(title),
    ];
    for def in &SECTIONS {
        let (numeral, heading) = def
            .canonical
            .split_once('、')
            .unwrap_or(("", def.canonical));
        blocks.push(DocBlock::Heading {
            numeral: numeral.chars().next(),
            text: heading.to_string(),
        });
        if let Some((_, paras)) = text.iter().find(|(n, _)| *n == def.number) {
            blocks.extend(paras.iter().map(|p| DocBlock::Para(p.clone())));
        }
        if let Some((_, rows)) = tables.iter().find(|(n, _)| *n == def.number) {
            let rows = rows
                .iter()
                .map(|row| {
                    row.iter()
                        .map(|c| DocCell {
                            text: c.text.clone(),
                            colspan: c.colspan,
                            rowspan: c.rowspan,
                        })
                        .collect()
                })
                .collect();
            blocks.push(DocBlock::Table(rows));
        }
    }
    blocks
}

/// Renders a report in a layout.
pub(super) fn render(r: &SynthReport, layout: Layout) -> String {
    let mut st = Style {
        rng: fastrand::Rng::with_seed(r.style_seed),
        layout,
    };
    let title = match st.rng.u8(0..3) {
        0 => format!("{}{}年政府信息公开工作年度报告", r.agency, r.year),
        1 => format!("{}年{}政府信息公开工作年度报告", r.year, r.agency),
        _ => format!("{}{}年度政府信息公开工作年度报告", r.agency, r.year),
    };
    let tables = [
        (2u8, t2_table(r, &mut st)),
        (3, t3_table(r, &mut st)),
        (4, t4_table(r, &mut st)),
    ];
    let text = narrative(r, &mut st);
    let mut sections: Vec<SectionOut<'_>> = Vec::new();
    for def in &SECTIONS {
        let paras = text
            .iter()
            .find(|(n, _)| *n == def.number)
            .map(|(_, p)| p.clone())
            .unwrap_or_default();
        let table = tables
            .iter()
            .find(|(n, _)| *n == def.number)
            .map(|(_, t)| t);
        sections.push((def.number, def.canonical.to_string(), paras, table));
    }
    let meta = vec![
        format!(
            "索引号：{:08}/{}-{:05}",
            st.rng.u32(..100_000_000),
            r.year + 1,
            st.rng.u32(..100_000)
        ),
        format!("发布机构：{}", r.agency),
        format!("发布日期：{}", r.published),
    ];
    match layout {
        Layout::Html => html(&title, &meta, &sections, &mut st),
        Layout::Collapsed => collapse(&text_layout(&title, &meta, &sections, &mut st)),
        Layout::Flattened => {
            let text = text_layout(&title, &meta, &sections, &mut st);
            flatten(&text, &mut st.rng)
        }
        _ => text_layout(&title, &meta, &sections, &mut st),
    }
}

/// Merges each run of equal adjacent non-empty lines into one (blank lines dropped too).
fn collapse(text: &str) -> String {
    let mut out = String::new();
    let mut last: Option<&str> = None;
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if last != Some(line) {
            out.push_str(line);
            out.push_str("\r\n");
        }
        last = Some(line);
    }
    out
}

/// Joins every line into one: a line ending in digits runs into a next line of words
/// (`8855698第二十条`) or not, at random; words are joined by a space. Two digit runs
/// are never joined without a space (a crawler keeps the text's characters).
fn flatten(text: &str, rng: &mut fastrand::Rng) -> String {
    let mut out = String::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let ends_digit = out.ends_with(|c: char| c.is_ascii_digit());
        let starts_digit = line.starts_with(|c: char| c.is_ascii_digit());
        if !out.is_empty() && (!ends_digit || starts_digit || rng.bool()) {
            out.push(' ');
        }
        out.push_str(line);
    }
    out.push('\n');
    out
}

fn text_layout(
    title: &str,
    meta: &[String],
    sections: &[SectionOut<'_>],
    st: &mut Style,
) -> String {
    let mut out = String::new();
    let layout = st.layout;
    if layout == Layout::BlankLines {
        out.push_str("当前位置：首页 > 政务公开 > 政府信息公开年报\n\n");
    }
    for m in meta {
        let _ = writeln!(out, "{m}");
    }
    let _ = writeln!(out, "\n{title}\n");
    for (_, heading, paras, table) in sections {
        let _ = writeln!(out, "{heading}");
        if layout == Layout::BlankLines {
            out.push('\n');
        }
        for p in paras {
            let _ = writeln!(out, "{p}");
            if layout == Layout::BlankLines {
                out.push('\n');
            }
        }
        if let Some(rows) = table {
            write_text_table(&mut out, rows, st);
        }
    }
    if layout == Layout::BlankLines {
        out.push_str("\n【打印本页】 【关闭窗口】\n");
    }
    out
}

fn write_text_table(out: &mut String, rows: &[TRow], st: &mut Style) {
    match st.layout {
        Layout::Pipe => {
            for row in rows {
                let cells: Vec<&str> = row.iter().map(|c| c.text.as_str()).collect();
                let ragged = "|".repeat(st.rng.usize(0..3));
                let _ = writeln!(out, "{} |{ragged}", cells.join(" | "));
            }
        }
        Layout::Collapsed | Layout::DroppedBlanks => {
            // One cell per line, nothing else: the shape these crawlers start from.
            for cell in rows.iter().flatten() {
                for line in cell.text.lines().filter(|l| !l.trim().is_empty()) {
                    let _ = writeln!(out, "{}", line.trim());
                }
            }
        }
        Layout::Flattened => {
            // A row's words apart, its digits one run glued to its label.
            for row in rows {
                let mut line = String::new();
                for cell in row {
                    let digits = !cell.header && cell.text.bytes().all(|b| b.is_ascii_digit());
                    let glued = digits && !cell.text.is_empty();
                    if !line.is_empty() && !glued {
                        line.push(' ');
                    }
                    line.push_str(&cell.text);
                }
                let _ = writeln!(out, "{}", line.trim());
            }
        }
        Layout::CellPerLine => {
            for row in rows {
                for cell in row {
                    let _ = writeln!(out, "{} |", cell.text);
                }
                if st.rng.bool() {
                    let _ = writeln!(out, "{}", "|".repeat(st.rng.usize(2..8)));
                }
            }
        }
        Layout::BlankLines => {
            for row in rows {
                for cell in row {
                    let mut text = cell.text.clone();
                    // Header words broken across lines, as web copies do.
                    if cell.header && text.chars().count() >= 6 && st.rng.bool() {
                        let mid = text.char_indices().nth(3).map_or(0, |(i, _)| i);
                        text.insert(mid, '\n');
                    }
                    let _ = write!(out, "{text}\n\n");
                }
            }
        }
        Layout::Tabs => {
            for row in rows {
                // Rows under a row-spanning label open with an empty cell (a shift).
                let shift = if row.len() > 1 && st.rng.u8(0..4) == 0 {
                    "\t"
                } else {
                    ""
                };
                let cells: Vec<&str> = row.iter().map(|c| c.text.as_str()).collect();
                let trail = "\t".repeat(st.rng.usize(0..3));
                let _ = writeln!(out, "{shift}{}{trail}", cells.join("\t"));
            }
        }
        Layout::Markdown => {
            let width = rows.iter().map(|r| r.len()).max().unwrap_or(1);
            for (i, row) in rows.iter().enumerate() {
                let cells: Vec<String> = row.iter().map(|c| c.text.replace('|', "/")).collect();
                let _ = writeln!(out, "| {} |", cells.join(" | "));
                if i == 0 {
                    let _ = writeln!(out, "|{}", "---|".repeat(width));
                }
            }
        }
        Layout::Glued | Layout::SplitNumbers => {
            let is_value = |c: &TCell| {
                !c.header && !c.text.is_empty() && c.text.bytes().all(|b| b.is_ascii_digit())
            };
            for row in rows {
                let mut cells: Vec<String> = Vec::new();
                let mut run = String::new();
                for cell in row {
                    if !is_value(cell) {
                        if !run.is_empty() {
                            cells.push(std::mem::take(&mut run));
                        }
                        cells.push(cell.text.clone());
                    } else if st.layout == Layout::Glued {
                        run.push_str(&cell.text);
                    } else if cell.text.len() >= 2 && st.rng.bool() {
                        let at = st.rng.usize(1..cell.text.len());
                        // Broken inside its cell: a cell boundary is certain, a space is not.
                        cells.push(format!("{} {}", &cell.text[..at], &cell.text[at..]));
                    } else {
                        cells.push(cell.text.clone());
                    }
                }
                if !run.is_empty() {
                    cells.push(run);
                }
                let _ = writeln!(out, "{} |", cells.join(" | "));
            }
        }
        Layout::Html => unreachable!("HTML tables are written by `html`"),
    }
    out.push('\n');
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn html(title: &str, meta: &[String], sections: &[SectionOut<'_>], st: &mut Style) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{} - 政府门户网站</title>\
         <script>var nav = '<p>一、总体情况</p>';</script><style>td {{ border: 1px solid; }}</style></head>\n<body>\n\
         <div class=\"nav\"><a href=\"/\">首页</a> &gt; <a href=\"#\">政务公开</a> &gt; 政府信息公开年报</div>\n\
         <table class=\"layout\"><tr><td class=\"side\"><ul><li>机构概况</li><li>政策文件</li></ul></td><td class=\"main\">\n",
        escape(title)
    );
    let _ = writeln!(
        out,
        "<div class=\"meta\">{}</div>",
        meta.iter()
            .map(|m| format!("<span>{}</span>", escape(m)))
            .collect::<Vec<_>>()
            .join("&nbsp;&nbsp;")
    );
    let _ = writeln!(out, "<h1>{}</h1>", escape(title));
    for (_, heading, paras, table) in sections {
        let _ = writeln!(
            out,
            "<p style=\"text-indent:2em\"><strong>{}</strong></p>",
            escape(heading)
        );
        for p in paras {
            let _ = writeln!(out, "<p style=\"text-indent:2em\">{}</p>", escape(p));
        }
        if let Some(rows) = table {
            out.push_str("<table border=\"1\" cellspacing=\"0\"><tbody>\n");
            for row in rows.iter() {
                out.push_str("<tr>");
                for cell in row {
                    let attrs = cell.span_attrs();
                    let text = escape(&cell.text);
                    let body = if cell.text.is_empty() {
                        "&nbsp;".to_string()
                    } else if cell.header && cell.text.chars().count() >= 4 && st.rng.bool() {
                        let mid = text.char_indices().nth(2).map_or(0, |(i, _)| i);
                        format!("{}<br/>{}", &text[..mid], &text[mid..])
                    } else {
                        match st.rng.u8(0..3) {
                            0 => format!("<p align=\"center\"><span style=\"font-size:12px\">{text}</span></p>"),
                            1 => format!("<p>{text}</p>"),
                            _ => text,
                        }
                    };
                    let _ = write!(out, "<td{attrs}>{body}</td>");
                }
                // Header rows padded with empty cells, as editors leave them.
                if row.iter().all(|c| c.header) {
                    for _ in 0..st.rng.usize(0..3) {
                        out.push_str("<td>&nbsp;</td>");
                    }
                }
                out.push_str("</tr>\n");
            }
            out.push_str("</tbody></table>\n");
        }
    }
    out.push_str("</td></tr></table>\n<div class=\"footer\">【<a href=\"javascript:window.print()\">打印本页</a>】 主办单位：政府办公室</div>\n</body></html>\n");
    out
}
