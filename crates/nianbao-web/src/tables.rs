//! The statutory tables (二, 三, 四) as HTML in the standard layout, every cell marked
//! with its key, the findings it takes part in, and where it stands in the source.

use std::collections::HashMap;

use maud::{html, Markup};
use nianbao_core::diagnostic::Severity;
use nianbao_core::render::layout::{self, Slot};
use nianbao_core::template::{CellId, Format};
use nianbao_core::Report;

/// A finding as the tables need it: severity, code, and the cells it names.
pub struct Marked<'a> {
    /// Severity.
    pub severity: Severity,
    /// Rule code.
    pub code: &'a str,
    /// Cell keys taking part.
    pub cells: Vec<&'a str>,
}

/// Per cell key: the worst severity and the codes of the findings naming it.
struct Marks<'a>(HashMap<&'a str, (Severity, Vec<&'a str>)>);

impl<'a> Marks<'a> {
    fn new(found: &'a [Marked<'a>]) -> Self {
        let mut m: HashMap<&str, (Severity, Vec<&str>)> = HashMap::new();
        for f in found {
            for key in &f.cells {
                let e = m.entry(key).or_insert((f.severity, Vec::new()));
                e.0 = e.0.max(f.severity);
                if !e.1.contains(&f.code) {
                    e.1.push(f.code);
                }
            }
        }
        Marks(m)
    }
}

/// One `<td>`: the value as printed, its key, its findings, its source line.
fn cell(report: &Report, marks: &Marks, id: CellId, colspan: usize) -> Markup {
    let colspan = (colspan > 1).then_some(colspan);
    let key = id.key();
    let mark = marks.0.get(key);
    let class = match mark.map(|m| m.0) {
        Some(Severity::Error) => "num err",
        Some(Severity::Warning) => "num warn",
        Some(Severity::Info) => "num info",
        None => "num",
    };
    let codes = mark.map(|m| m.1.join(" ")).unwrap_or_default();
    match report.cell(id) {
        Some(c) => {
            let doc = &report.document;
            let (line, _) = doc.line_col(c.span.start);
            let excerpt = source_line(&doc.source, c.span.start);
            let place = doc
                .location_of(c.span.start)
                .map(str::to_string)
                .unwrap_or_else(|| format!("第 {line} 行"));
            html! {
                td class=(class) colspan=[colspan] data-key=(key) data-codes=(codes) data-line=(line) data-place=(place) data-src=(excerpt)
                    title={ (id.describe()) "｜" (place) "：" (excerpt) } tabindex="0" {
                    @if c.blank { span.blank { (if c.raw.trim().is_empty() { "（空）" } else { c.raw.as_str() }) } } @else { (c.raw) }
                }
            }
        }
        None => {
            html! { td class={ (class) " missing" } colspan=[colspan] data-key=(key) data-codes=(codes) title={ (id.describe()) "｜原文缺此格" } { "—" } }
        }
    }
}

/// The line of `source` holding byte `at`, trimmed and at most 120 characters.
pub fn source_line(source: &str, at: usize) -> String {
    let at = at.min(source.len());
    let start = source[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = source[at..].find('\n').map_or(source.len(), |i| at + i);
    let line = source.get(start..end).unwrap_or("").trim();
    line.chars().take(120).collect()
}

/// A laid-out table's rows: header cells and row labels as `<th>` with their spans, values
/// as marked `<td>`s; the first `head` rows in `<thead>`.
fn table(
    class: &str,
    rows: Vec<Vec<Slot<CellId>>>,
    head: usize,
    report: &Report,
    marks: &Marks,
) -> Markup {
    let span = |n: usize| (n > 1).then_some(n);
    let row = |r: &[Slot<CellId>]| {
        // A row of one header cell titles a block of table 二.
        let block = matches!(r, [Slot::Text(c)] if c.header);
        html! {
            tr class=[block.then_some("block")] {
                @for slot in r {
                    @match slot {
                        Slot::Text(c) if c.header => {
                            th colspan=[span(c.colspan)] rowspan=[span(c.rowspan)] { (c.text) }
                        }
                        Slot::Text(c) => {
                            th.label colspan=[span(c.colspan)] rowspan=[span(c.rowspan)] { (c.text) }
                        }
                        Slot::Value(id, n) => { (cell(report, marks, *id, *n)) }
                    }
                }
            }
        }
    };
    let (thead, tbody) = rows.split_at(head.min(rows.len()));
    html! {
        table class={ "statutory " (class) } {
            @if !thead.is_empty() { thead { @for r in thead { (row(r)) } } }
            tbody { @for r in tbody { (row(r)) } }
        }
    }
}

/// Tables 二, 三 and 四 in the standard layout (`render::layout`, the one place that
/// spells the template's headers), every value cell marked.
pub fn tables(report: &Report, found: &[Marked]) -> Markup {
    let marks = Marks::new(found);
    let t2_old = report
        .parts
        .iter()
        .any(|(p, f)| p.starts_with("t2.") && *f == Format::V2019);
    let f2 = if t2_old { Format::V2019 } else { Format::V2021 };
    let f3 = if report.has_t3_row("other") {
        Format::V2019
    } else {
        Format::V2021
    };
    let id = &mut |id: CellId| id;
    html! {
        h3 { "二、主动公开政府信息情况" }
        (table("t2", layout::t2_slots(f2, id), 0, report, &marks))
        h3 { "三、收到和处理政府信息公开申请情况" }
        (table("t3", layout::t3_slots(f3, &[], id), 3, report, &marks))
        h3 { "四、政府信息公开行政复议、行政诉讼情况" }
        (table("t4", layout::t4_slots(id), 3, report, &marks))
    }
}
