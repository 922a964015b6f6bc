//! The statutory tables (二, 三, 四) as HTML in the standard layout, every cell marked
//! with its key, the findings it takes part in, and where it stands in the source.

use std::collections::HashMap;

use maud::{html, Markup};
use nianbao_core::diagnostic::Severity;
use nianbao_core::template::{
    CellId, Format, T2_BLOCKS, T3_COLUMNS, T3_ROWS, T4_COLUMNS, T4_GROUPS,
};
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
fn cell(report: &Report, marks: &Marks, id: CellId) -> Markup {
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
                td class=(class) data-key=(key) data-codes=(codes) data-line=(line) data-place=(place) data-src=(excerpt)
                    title={ (id.describe()) "｜" (place) "：" (excerpt) } tabindex="0" {
                    @if c.blank { span.blank { (if c.raw.trim().is_empty() { "（空）" } else { c.raw.as_str() }) } } @else { (c.raw) }
                }
            }
        }
        None => {
            html! { td class={ (class) " missing" } data-key=(key) data-codes=(codes) title={ (id.describe()) "｜原文缺此格" } { "—" } }
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

/// Tables 二, 三 and 四 in the standard layout.
pub fn tables(report: &Report, found: &[Marked]) -> Markup {
    let marks = Marks::new(found);
    let t2_old = report
        .parts
        .iter()
        .any(|(p, f)| p.starts_with("t2.") && *f == Format::V2019);
    let f2 = if t2_old { Format::V2019 } else { Format::V2021 };
    let t3_old = report.has_t3_row("other");
    let orgs: Vec<_> = T3_COLUMNS
        .iter()
        .filter(|c| c.key != "natural" && c.key != "total")
        .collect();
    html! {
        h3 { "二、主动公开政府信息情况" }
        table.statutory.t2 {
            @for block in &T2_BLOCKS {
                @let cols = block.columns(f2);
                @if !cols.is_empty() {
                    tr.block { th colspan=(cols.len() + 1) { (block.item) } }
                    tr { th { "信息内容" } @for c in cols { th { (c.label) } } }
                    @for row in block.rows {
                        @let label = if f2 == Format::V2021 { row.label_2021 } else { row.label_2019 };
                        @if let Some(label) = label {
                            tr { th.label { (label) } @for c in cols { (cell(report, &marks, CellId::t2(row.key, c.key))) } }
                        }
                    }
                }
            }
        }
        h3 { "三、收到和处理政府信息公开申请情况" }
        table.statutory.t3 {
            thead {
                tr {
                    th rowspan="3" colspan="1" { "本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和" }
                    th colspan=(T3_COLUMNS.len()) { "申请人情况" }
                }
                tr {
                    th rowspan="2" { "自然人" }
                    th colspan=(orgs.len()) { "法人或其他组织" }
                    th rowspan="2" { "总计" }
                }
                tr { @for c in &orgs { th { (c.label) } } }
            }
            tbody {
                @for row in &T3_ROWS {
                    @if (t3_old && row.in_2019) || (!t3_old && row.in_2021) {
                        tr {
                            th.label {
                                @if let Some(g) = row.group { span.group { (g) } " " }
                                (row.label)
                            }
                            @for c in &T3_COLUMNS { (cell(report, &marks, CellId::t3(row.key, c.key))) }
                        }
                    }
                }
            }
        }
        h3 { "四、政府信息公开行政复议、行政诉讼情况" }
        table.statutory.t4 {
            thead {
                tr {
                    th colspan=(T4_COLUMNS.len()) rowspan="2" { "行政复议" }
                    th colspan=(T4_COLUMNS.len() * 2) { "行政诉讼" }
                }
                tr { th colspan=(T4_COLUMNS.len()) { "未经复议直接起诉" } th colspan=(T4_COLUMNS.len()) { "复议后起诉" } }
                tr { @for _ in &T4_GROUPS { @for c in &T4_COLUMNS { th { (c.label) } } } }
            }
            tbody {
                tr { @for g in &T4_GROUPS { @for c in &T4_COLUMNS { (cell(report, &marks, CellId::t4(g.key, c.key))) } } }
            }
        }
    }
}
