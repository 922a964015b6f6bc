use super::*;

rule! {
    /// ## 检查内容
    /// 表示件数的单元格为小数。金额列（表二“本年收费金额（单位：万元）”“采购总金额”）不在此列。
    ///
    /// ## 为什么
    /// 件数只能是整数；小数通常是把金额填进了数量栏，或串行错列。
    ///
    /// ## 依据
    /// 国办公开办函〔2021〕30号 年度报告格式：统计表填写数量。
    ///
    /// ## 错误示例
    /// `行政许可 | 12.5`。
    ///
    /// ## 正确示例
    /// `行政许可 | 12`。
    ///
    /// ## 如何修改
    /// 改为实际件数；若是金额，填到金额栏。
    FractionalCount, "V0002", Error, "件数为小数"
}

impl FractionalCount {
    fn run(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for c in &cx.report.cells {
            if c.id.def().is_count && !c.value.is_integer() {
                out.push(
                    Diagnostic::new(
                        Self::META.code,
                        Self::META.severity,
                        format!("{}为小数（{}），件数只能是整数", c.id.describe(), c.value),
                    )
                    .at(Some(c.span), "小数")
                    .cells([c.id])
                    .help("改为实际件数；若是金额，填到金额栏"),
                );
            }
        }
    }
}
