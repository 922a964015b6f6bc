use super::*;
use crate::template::{Format, TableId, TemplateUse, T2_BLOCKS, T3_COLUMNS, T3_ROWS};

rule! {
    /// ## 检查内容
    /// 已找到的统计表缺少某一行（或表二某一栏），例如表三缺少“8.属于行政查询事项”，
    /// 或表二缺少“行政强制”。也包括读取时无法确定数值而未采用的行（见 E0002）。
    ///
    /// ## 为什么
    /// 缺行会使总计无法核对，也使该项数据无法汇总。
    ///
    /// ## 依据
    /// 国办公开办函〔2021〕30号 年度报告格式：表二 6 行、表三 25 行；2019 年格式：表二 8 行、表三 23 行。
    ///
    /// ## 错误示例
    /// 表三从“7.属于行政执法案卷”直接到“（四）无法提供”。
    ///
    /// ## 正确示例
    /// 表三包含“8.属于行政查询事项”一行（没有则填 0）。
    ///
    /// ## 如何修改
    /// 按统一格式补上缺少的行，没有发生的填 0。
    MissingRow, "S0004", Error, "统计表缺少行"
}

impl MissingRow {
    fn run(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let r = cx.report;
        // A row is there when any of its cells is, or when the reader found it but could
        // not read its numbers (E0002 names its cells: that row is unreadable, not missing).
        let unreadable = |table: TableId, row: &str| {
            r.diagnostics.iter().any(|d| {
                d.code == crate::align::codes::UNREADABLE_ROW
                    && d.cells
                        .iter()
                        .any(|c| c.def().table == table && c.def().row == row)
            })
        };
        let has_row = |table: TableId, row: &str| {
            unreadable(table, row)
                || match table {
                    TableId::T3 => T3_COLUMNS
                        .iter()
                        .any(|c| r.cell(CellId::t3(row, c.key)).is_some()),
                    _ => r
                        .cells
                        .iter()
                        .any(|c| c.id.def().table == table && c.id.def().row == row),
                }
        };
        if r.has_table(TableId::T3) {
            let old = has_row(TableId::T3, "other")
                || (!T3_ROWS
                    .iter()
                    .any(|row| row.key.starts_with("other.") && has_row(TableId::T3, row.key))
                    && r.template() == TemplateUse::V2019);
            for row in &T3_ROWS {
                let expected = if old { row.in_2019 } else { row.in_2021 };
                if expected && !has_row(TableId::T3, row.key) {
                    let label = match row.group {
                        Some(g) if row.label.starts_with(|c: char| c.is_ascii_digit()) => {
                            format!("{}{}", g, row.label)
                        }
                        _ => row.label.to_string(),
                    };
                    out.push(
                        Diagnostic::new(
                            Self::META.code,
                            Self::META.severity,
                            format!("表三缺少行「{label}」"),
                        )
                        .at(r.section(3).map(|s| s.heading_span), "表三")
                        .cells(T3_COLUMNS.iter().map(|c| CellId::t3(row.key, c.key)))
                        .help(format!("按统一格式补上「{}」行，没有发生的填 0", row.label)),
                    );
                }
            }
        }
        if r.has_table(TableId::T2) {
            let old = r
                .parts
                .iter()
                .any(|(p, f)| p.starts_with("t2.") && *f == Format::V2019);
            let f = if old { Format::V2019 } else { Format::V2021 };
            for block in &T2_BLOCKS {
                for row in block.rows {
                    let label = if f == Format::V2021 {
                        row.label_2021
                    } else {
                        row.label_2019
                    };
                    let Some(label) = label else { continue };
                    if has_row(TableId::T2, row.key) {
                        continue;
                    }
                    out.push(
                        Diagnostic::new(
                            Self::META.code,
                            Self::META.severity,
                            format!("表二缺少「{}」中的「{label}」", block.item),
                        )
                        .at(r.section(2).map(|s| s.heading_span), "表二")
                        .cells(block.columns(f).iter().map(|c| CellId::t2(row.key, c.key)))
                        .help(format!("按统一格式补上「{label}」一行，没有发生的填 0")),
                    );
                }
            }
        }
    }
}
