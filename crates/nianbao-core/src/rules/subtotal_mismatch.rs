use super::*;

rule! {
    /// ## 检查内容
    /// 表三的变体样式中印出的小计：某一类办理结果的小计行（如“（三）不予公开”一行自带数字，
    /// 其下再分 8 项），或“法人或其他组织”的小计列。小计应等于它所合计的各项之和。
    ///
    /// ## 为什么
    /// 小计不属于统一格式的单元格，但它是报告自己给出的勾稽关系：小计与明细不符，说明其中之一填错。
    ///
    /// ## 依据
    /// 国办公开办函〔2021〕30号 年度报告格式表三的结构（各类办理结果及其细项、申请人分类）。
    ///
    /// ## 错误示例
    /// `（三）不予公开 | 5 | …`，而其下 8 项的自然人列合计为 4。
    ///
    /// ## 正确示例
    /// 小计 4，与 8 项之和相等；或按统一格式删去小计行、小计列。
    ///
    /// ## 如何修改
    /// 改正小计或填错的明细；最好按统一格式编制表三（不设小计）。
    SubtotalMismatch, "T3004", Error, "表三的小计 ≠ 其明细之和"
}

impl SubtotalMismatch {
    fn run(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for s in &cx.report.subtotals {
            let parts: Vec<&CellValue> = s.parts.iter().filter_map(|&id| cx.cell(id)).collect();
            if parts.len() != s.parts.len() {
                continue; // a missing part is reported by S0004
            }
            let Some(sum) = crate::number::Number::sum(parts.iter().map(|c| c.value)) else {
                continue;
            };
            if sum == s.value {
                continue;
            }
            out.push(
                Diagnostic::new(
                    Self::META.code,
                    Self::META.severity,
                    format!("{}为 {}，而其明细之和为 {sum}", s.label, s.value),
                )
                .at(Some(s.span), format!("应为 {sum}"))
                .cells(s.parts.iter().copied())
                .help("改正小计或填错的明细；最好按统一格式编制表三（不设小计）"),
            );
        }
    }
}
