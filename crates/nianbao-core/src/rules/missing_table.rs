use super::*;
use crate::template::TableId;

rule! {
    /// ## 检查内容
    /// 报告中没有找到三张法定统计表之一：表二“主动公开政府信息情况”、表三“收到和处理政府信息公开申请情况”、
    /// 表四“政府信息公开行政复议、行政诉讼情况”。
    ///
    /// ## 为什么
    /// 统计表是年度报告的核心数据；以文字代替表格，或遗漏表格，数据就无法核对和汇总。
    ///
    /// ## 依据
    /// 《政府信息公开条例》第五十条；国办公开办函〔2021〕30号 年度报告格式第二、三、四部分的表格。
    ///
    /// ## 错误示例
    /// “四、政府信息公开行政复议、行政诉讼情况”之下只写“本年度未发生行政复议、行政诉讼”。
    ///
    /// ## 正确示例
    /// 该部分之下是 15 列的统计表，全部填 0。
    ///
    /// ## 如何修改
    /// 按统一格式补上统计表；没有发生的事项填 0。
    MissingTable, "S0003", Error, "缺少法定统计表"
}

impl MissingTable {
    fn run(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (t, n) in [(TableId::T2, 2), (TableId::T3, 3), (TableId::T4, 4)] {
            if cx.report.has_table(t) {
                continue;
            }
            let span = cx.report.section(n).map(|s| s.heading_span);
            out.push(
                Diagnostic::new(
                    Self::META.code,
                    Self::META.severity,
                    format!("没有找到表{}「{}」", t.numeral(), t.title()),
                )
                .at(span, "此部分应有统计表")
                .help(format!(
                    "按统一格式补上表{}；没有发生的事项填 0",
                    t.numeral()
                )),
            );
        }
    }
}
