use super::*;

rule! {
    /// ## 检查内容
    /// 统计表中有空白单元格：空着，或写作“/”“—”“-”“无”“不适用”。计算时按 0 处理，但报告应写明数字。
    ///
    /// ## 为什么
    /// 空白不等于零：读者无法判断是“没有发生”还是“漏填”。总计栏空白尤其常见，会掩盖勾稽错误。
    ///
    /// ## 依据
    /// 国办公开办函〔2021〕30号 年度报告格式：统计表各栏填写数量，没有发生的填 0。
    ///
    /// ## 错误示例
    /// `（一）予以公开 | 12 | / | / | / | / | / | 12`。
    ///
    /// ## 正确示例
    /// `（一）予以公开 | 12 | 0 | 0 | 0 | 0 | 0 | 12`。
    ///
    /// ## 如何修改
    /// 在空白单元格中填写数字，没有发生的填 0。
    BlankCell, "S0005", Warning, "统计表中有空白单元格"
}

impl BlankCell {
    fn run(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        // One finding per row, naming every blank cell of it.
        let mut i = 0;
        let cells = &cx.report.cells;
        while i < cells.len() {
            let d = cells[i].id.def();
            let mut j = i;
            while j < cells.len()
                && cells[j].id.def().table == d.table
                && cells[j].id.def().row == d.row
            {
                j += 1;
            }
            let blanks: Vec<&CellValue> = cells[i..j].iter().filter(|c| c.blank).collect();
            if let Some(first) = blanks.first() {
                let cols: Vec<&str> = blanks.iter().map(|c| c.id.def().column_label).collect();
                let mut diag = Diagnostic::new(
                    Self::META.code,
                    Self::META.severity,
                    format!(
                        "表{}「{}」有 {} 个空白单元格（{}），按 0 计",
                        d.table.numeral(),
                        short_row(d.row_label),
                        blanks.len(),
                        cols.join("、")
                    ),
                )
                .at(
                    Some(first.span),
                    if first.raw.is_empty() {
                        "空白".to_string()
                    } else {
                        format!("“{}”", first.raw)
                    },
                )
                .cells(blanks.iter().map(|c| c.id))
                .help("在空白单元格中填写数字，没有发生的填 0");
                for b in &blanks[1..] {
                    if !b.span.is_empty() {
                        diag = diag.note(b.span, "空白");
                    }
                }
                out.push(diag);
            }
            i = j;
        }
    }
}
