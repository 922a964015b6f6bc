//! The official layout of the statutory tables (二, 三, 四): header rows with their merged
//! cells (colspan/rowspan as in HTML) and the data rows in template order. Shared by
//! every writer of a whole report — the synthetic generator's layouts and the annual
//! report composed from an agency's register — so the layout is written once.

use crate::template::{CellId, Format, T2_BLOCKS, T3_COLUMNS, T3_ROWS, T4_COLUMNS, T4_GROUPS};

/// A cell of a laid-out table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayoutCell {
    /// The text as printed.
    pub text: String,
    /// Columns spanned.
    pub colspan: usize,
    /// Rows spanned.
    pub rowspan: usize,
    /// A header cell (whose words writers may break across lines).
    pub header: bool,
}

/// A row of a laid-out table (cells covered by a span omitted).
pub type LayoutRow = Vec<LayoutCell>;

impl LayoutCell {
    /// Its HTML span attributes (` colspan="3" rowspan="2"`, or empty).
    pub fn span_attrs(&self) -> String {
        let mut attrs = String::new();
        if self.colspan > 1 {
            attrs.push_str(&format!(" colspan=\"{}\"", self.colspan));
        }
        if self.rowspan > 1 {
            attrs.push_str(&format!(" rowspan=\"{}\"", self.rowspan));
        }
        attrs
    }
}

/// A body cell.
pub fn c(text: impl Into<String>) -> LayoutCell {
    LayoutCell {
        text: text.into(),
        colspan: 1,
        rowspan: 1,
        header: false,
    }
}

/// A header cell.
pub fn h(text: impl Into<String>, colspan: usize, rowspan: usize) -> LayoutCell {
    LayoutCell {
        text: text.into(),
        colspan,
        rowspan,
        header: true,
    }
}

/// A place in a laid-out table: printed text (a header or a row label), or a cell's value
/// as the writer renders it, with the columns it spans.
#[derive(Debug, Clone, PartialEq)]
pub enum Slot<V> {
    /// A header cell or a row label.
    Text(LayoutCell),
    /// The value of a cell, spanning this many columns.
    Value(V, usize),
}

/// Rows of slots as rows of printed cells (the value's own span widened to the slot's).
fn printed(rows: Vec<Vec<Slot<LayoutCell>>>) -> Vec<LayoutRow> {
    rows.into_iter()
        .map(|row| {
            row.into_iter()
                .map(|slot| match slot {
                    Slot::Text(c) => c,
                    Slot::Value(mut v, span) => {
                        v.colspan = v.colspan.max(span);
                        v
                    }
                })
                .collect()
        })
        .collect()
}

/// Table 二 (主动公开) in the format's layout.
pub fn t2(format: Format, value: &mut dyn FnMut(CellId) -> LayoutCell) -> Vec<LayoutRow> {
    printed(t2_slots(format, value))
}

/// Table 二 with each value as the writer renders it.
pub fn t2_slots<V>(format: Format, value: &mut dyn FnMut(CellId) -> V) -> Vec<Vec<Slot<V>>> {
    let mut rows = Vec::new();
    for block in &T2_BLOCKS {
        let cols = block.columns(format);
        if cols.is_empty() {
            continue;
        }
        rows.push(vec![Slot::Text(h(block.item, 4, 1))]);
        let mut header = vec![Slot::Text(h("信息内容", 1, 1))];
        if cols.len() == 1 {
            header.push(Slot::Text(h(cols[0].label, 3, 1)));
        } else {
            header.extend(cols.iter().map(|c| Slot::Text(h(c.label, 1, 1))));
        }
        rows.push(header);
        for row in block.rows {
            let label = match format {
                Format::V2021 => row.label_2021,
                Format::V2019 => row.label_2019,
            };
            let Some(label) = label else { continue };
            let mut cells = vec![Slot::Text(c(label))];
            let span = if cols.len() == 1 { 3 } else { 1 };
            for col in cols {
                cells.push(Slot::Value(value(CellId::t2(row.key, col.key)), span));
            }
            rows.push(cells);
        }
    }
    rows
}

/// Table 三's three header rows; the corner spans the three label columns (result,
/// group, item).
fn t3_header<V>() -> Vec<Vec<Slot<V>>> {
    vec![
        vec![
            Slot::Text(h(
                "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
                3,
                3,
            )),
            Slot::Text(h("申请人情况", 7, 1)),
        ],
        vec![
            Slot::Text(h("自然人", 1, 2)),
            Slot::Text(h("法人或其他组织", 5, 1)),
            Slot::Text(h("总计", 1, 2)),
        ],
        T3_COLUMNS[1..6]
            .iter()
            .map(|c| Slot::Text(h(c.label, 1, 1)))
            .collect(),
    ]
}

/// Table 三 (依申请公开) in the format's layout, without `missing_rows`.
pub fn t3(
    format: Format,
    missing_rows: &[&str],
    value: &mut dyn FnMut(CellId) -> LayoutCell,
) -> Vec<LayoutRow> {
    printed(t3_slots(format, missing_rows, value))
}

/// Table 三 with each value as the writer renders it.
pub fn t3_slots<V>(
    format: Format,
    missing_rows: &[&str],
    value: &mut dyn FnMut(CellId) -> V,
) -> Vec<Vec<Slot<V>>> {
    let mut rows = t3_header();
    let present: Vec<_> = T3_ROWS
        .iter()
        .filter(|row| match format {
            Format::V2021 => row.in_2021,
            Format::V2019 => row.in_2019,
        })
        .filter(|row| !missing_rows.contains(&row.key))
        .collect();
    let count_group = |g: &str| present.iter().filter(|row| row.group == Some(g)).count();
    let mut last_group: Option<&str> = None;
    let results = present
        .iter()
        .filter(|row| !matches!(row.key, "new" | "carried_over" | "carried_forward"))
        .count();
    for row in &present {
        let mut cells = Vec::new();
        match row.key {
            "new" | "carried_over" | "carried_forward" => cells.push(Slot::Text(LayoutCell {
                colspan: 3,
                ..c(row.label)
            })),
            _ => {
                if row.key == "granted" {
                    cells.push(Slot::Text(LayoutCell {
                        rowspan: results,
                        ..c("三、本年度办理结果")
                    }));
                }
                match row.group {
                    Some(g) if row.key != "granted" => {
                        if last_group != Some(g) {
                            cells.push(Slot::Text(LayoutCell {
                                rowspan: count_group(g),
                                ..c(g)
                            }));
                        }
                        cells.push(Slot::Text(c(row.label)));
                    }
                    _ => cells.push(Slot::Text(LayoutCell {
                        colspan: 2,
                        ..c(row.label)
                    })),
                }
            }
        }
        last_group = row.group;
        for col in &T3_COLUMNS {
            cells.push(Slot::Value(value(CellId::t3(row.key, col.key)), 1));
        }
        rows.push(cells);
    }
    rows
}

/// Table 四 (行政复议、行政诉讼).
pub fn t4(value: &mut dyn FnMut(CellId) -> LayoutCell) -> Vec<LayoutRow> {
    printed(t4_slots(value))
}

/// Table 四 with each value as the writer renders it.
pub fn t4_slots<V>(value: &mut dyn FnMut(CellId) -> V) -> Vec<Vec<Slot<V>>> {
    let leaf = || {
        T4_COLUMNS
            .iter()
            .map(|c| Slot::Text(h(c.label, 1, 1)))
            .collect::<Vec<_>>()
    };
    let mut second: Vec<Slot<V>> = T4_COLUMNS
        .iter()
        .map(|c| Slot::Text(h(c.label, 1, 2)))
        .collect();
    second.push(Slot::Text(h("未经复议直接起诉", 5, 1)));
    second.push(Slot::Text(h("复议后起诉", 5, 1)));
    let mut third = leaf();
    third.extend(leaf());
    let values: Vec<Slot<V>> = T4_GROUPS
        .iter()
        .flat_map(|g| T4_COLUMNS.iter().map(move |c| CellId::t4(g.key, c.key)))
        .map(|id| Slot::Value(value(id), 1))
        .collect();
    vec![
        vec![
            Slot::Text(h("行政复议", 5, 1)),
            Slot::Text(h("行政诉讼", 10, 1)),
        ],
        second,
        third,
        values,
    ]
}
