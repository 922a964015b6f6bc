use super::*;

rule! {
    /// ## 检查内容
    /// 表示件数的单元格（申请数、办理结果、复议诉讼案件数、文件件数、决定数量等）为负数。
    /// 2019 年格式表二的“本年增/减”列和金额列不在此列。
    ///
    /// ## 为什么
    /// 件数不可能为负；负数通常是把“增减”填进了数量栏，或录入错误。
    ///
    /// ## 依据
    /// 国办公开办函〔2021〕30号 年度报告格式：统计表填写数量。
    ///
    /// ## 错误示例
    /// `行政处罚 | -3`。
    ///
    /// ## 正确示例
    /// `行政处罚 | 3`。
    ///
    /// ## 如何修改
    /// 改为实际件数。
    NegativeCount, "V0001", Error, "件数为负数"
}

impl NegativeCount {
    fn run(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for c in &cx.report.cells {
            if c.id.def().is_count && c.value.is_negative() {
                out.push(
                    Diagnostic::new(
                        Self::META.code,
                        Self::META.severity,
                        format!("{}为负数（{}），件数不能为负", c.id.describe(), c.value),
                    )
                    .at(Some(c.span), "负数")
                    .cells([c.id])
                    .help("改为实际件数"),
                );
            }
        }
    }
}
