//! `parse --format md`: the report re-rendered in the standard format as Markdown.

use std::fmt::Write;

use crate::report::Report;
use crate::template::{
    CellId, Format, SECTIONS, T2_BLOCKS, T3_COLUMNS, T3_ROWS, T4_COLUMNS, T4_GROUPS,
};

/// A cell as the Markdown prints it: its number; a blank as `/` (a printed blank marker,
/// read back as blank); a cell not read as `?`, which reads back as not read — never as
/// a blank or a 0.
fn value(report: &Report, id: CellId) -> String {
    match report.cell(id) {
        Some(c) if c.blank => "/".to_string(),
        Some(c) => c.value.to_string(),
        None => "?".to_string(),
    }
}

/// Renders the report.
pub fn render(report: &Report) -> String {
    render_with(report, &[])
}

/// Renders the report, writing `notes` (section number, text) in the sections the report
/// itself has no text for: a roll-up, made of values alone, says there what it is.
pub fn render_with(report: &Report, notes: &[(u8, &str)]) -> String {
    let mut out = String::new();
    let year = report
        .year()
        .map_or("（年度不详）".to_string(), |y| format!("{y}年"));
    let agency = report.agency().unwrap_or("（机关不详）");
    let _ = writeln!(out, "# {agency}{year}政府信息公开工作年度报告\n");
    let _ = writeln!(
        out,
        "> 格式：{}；统计年度：{year}",
        report.template().as_str()
    );
    if let Some(p) = &report.meta.published {
        let _ = writeln!(out, "> 发布日期：{}", p.value);
    }
    out.push('\n');
    let t2_old = report
        .parts
        .iter()
        .any(|(p, f)| p.starts_with("t2.") && *f == Format::V2019);
    for def in &SECTIONS {
        let _ = writeln!(out, "## {}\n", def.canonical);
        let own = report
            .section(def.number)
            .map(|s| s.text.as_str())
            .filter(|t| !t.is_empty());
        let note = notes
            .iter()
            .find(|(n, _)| *n == def.number)
            .map(|(_, t)| *t);
        if let Some(text) = own.or(note) {
            let _ = writeln!(out, "{text}\n");
        }
        match def.number {
            2 => {
                let f = if t2_old { Format::V2019 } else { Format::V2021 };
                for block in &T2_BLOCKS {
                    let cols = block.columns(f);
                    if cols.is_empty() {
                        continue;
                    }
                    let _ = writeln!(out, "**{}**\n", block.item);
                    let header: Vec<&str> = cols.iter().map(|c| c.label).collect();
                    let _ = writeln!(out, "| 信息内容 | {} |", header.join(" | "));
                    let _ = writeln!(out, "|---|{}", "---|".repeat(cols.len()));
                    for row in block.rows {
                        let label = if f == Format::V2021 {
                            row.label_2021
                        } else {
                            row.label_2019
                        };
                        let Some(label) = label else { continue };
                        let vals: Vec<String> = cols
                            .iter()
                            .map(|c| value(report, CellId::t2(row.key, c.key)))
                            .collect();
                        let _ = writeln!(out, "| {label} | {} |", vals.join(" | "));
                    }
                    out.push('\n');
                }
            }
            3 => {
                let header: Vec<&str> = T3_COLUMNS.iter().map(|c| c.label).collect();
                let _ = writeln!(out, "| 项目 | {} |", header.join(" | "));
                let _ = writeln!(out, "|---|{}", "---|".repeat(T3_COLUMNS.len()));
                let old = report.has_t3_row("other");
                for row in &T3_ROWS {
                    if (old && !row.in_2019) || (!old && !row.in_2021) {
                        continue;
                    }
                    let label = match row.group {
                        Some(g) if row.label.starts_with(|c: char| c.is_ascii_digit()) => {
                            format!("{g} {}", row.label)
                        }
                        Some(g) => format!("{g} {}", row.label),
                        None => row.label.to_string(),
                    };
                    let vals: Vec<String> = T3_COLUMNS
                        .iter()
                        .map(|c| value(report, CellId::t3(row.key, c.key)))
                        .collect();
                    let _ = writeln!(out, "| {label} | {} |", vals.join(" | "));
                }
                out.push('\n');
            }
            4 => {
                let _ = writeln!(
                    out,
                    "| 类别 | {} |",
                    T4_COLUMNS
                        .iter()
                        .map(|c| c.label)
                        .collect::<Vec<_>>()
                        .join(" | ")
                );
                let _ = writeln!(out, "|---|{}", "---|".repeat(T4_COLUMNS.len()));
                for g in &T4_GROUPS {
                    let vals: Vec<String> = T4_COLUMNS
                        .iter()
                        .map(|c| value(report, CellId::t4(g.key, c.key)))
                        .collect();
                    let _ = writeln!(out, "| {} | {} |", g.label, vals.join(" | "));
                }
                out.push('\n');
            }
            _ => {}
        }
    }
    out
}
