use super::*;
use crate::template::T3_COLUMNS;

rule! {
    /// ## 检查内容
    /// 表三每一列：一、本年新收 + 二、上年结转 = 三、（七）总计 + 四、结转下年度继续办理（勾稽关系 1）。
    ///
    /// ## 为什么
    /// 本年要处理的申请，要么在本年办结，要么结转下年，不会凭空增减。两边不等，说明某个数字填错了。
    ///
    /// ## 依据
    /// 国办公开办函〔2021〕30号 年度报告格式表三表头：“本列数据的勾稽关系为：第一项加第二项之和，
    /// 等于第三项加第四项之和”。
    ///
    /// ## 错误示例
    /// 总计列：新收 42，上年结转 0，（七）总计 40，结转下年度 0（42 + 0 ≠ 40 + 0）。
    ///
    /// ## 正确示例
    /// 新收 42，上年结转 0，（七）总计 40，结转下年度 2。
    ///
    /// ## 如何修改
    /// 核对该列四个数字，改正填错的一个（常见：漏填结转下年度，或办理结果未计入总计）。
    ApplicationBalanceMismatch, "T3001", Error, "表三各列：新收 + 上年结转 ≠ 办理总计 + 结转下年度"
}

impl ApplicationBalanceMismatch {
    fn run(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for col in &T3_COLUMNS {
            let get = |row: &str| cx.cell(CellId::t3(row, col.key));
            let (Some(new), Some(over), Some(done), Some(forward)) = (
                get("new"),
                get("carried_over"),
                get("total_processed"),
                get("carried_forward"),
            ) else {
                continue;
            };
            out.extend(equation_failure(
                &Self::META,
                format!("表三「{}」列勾稽关系不成立", col.label),
                &[new, over],
                &[done, forward],
                "核对新收、上年结转、（七）总计、结转下年度四个数，改正填错的一个",
            ));
        }
    }
}
