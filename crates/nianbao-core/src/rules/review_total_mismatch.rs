use super::*;
use crate::template::{T4_COLUMNS, T4_GROUPS};

rule! {
    /// ## 检查内容
    /// 表四的行政复议、未经复议直接起诉、复议后起诉三组，每组：总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结
    /// （勾稽关系 4）。
    ///
    /// ## 为什么
    /// 每一件复议或诉讼案件必有一种结果（或尚未审结）；总计不等于各结果之和，说明漏计或总计未填。
    ///
    /// ## 依据
    /// 国办公开办函〔2021〕30号 年度报告格式表四“政府信息公开行政复议、行政诉讼情况”。
    ///
    /// ## 错误示例
    /// 行政复议：结果维持 10，结果纠正 1，其他结果 0，尚未审结 0，总计 0。
    ///
    /// ## 正确示例
    /// 同样的结果，总计 11。
    ///
    /// ## 如何修改
    /// 重新合计该组的四种结果，改正总计。
    ReviewTotalMismatch, "T4001", Error, "表四各组：总计 ≠ 维持 + 纠正 + 其他 + 尚未审结"
}

impl ReviewTotalMismatch {
    fn run(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for g in &T4_GROUPS {
            let Some(total) = cx.cell(CellId::t4(g.key, "total")) else {
                continue;
            };
            let parts: Vec<&CellValue> = T4_COLUMNS[..4]
                .iter()
                .filter_map(|c| cx.cell(CellId::t4(g.key, c.key)))
                .collect();
            if parts.len() < 4 {
                continue;
            }
            out.extend(row_total_failure(
                &Self::META,
                &format!("表四「{}」", g.label),
                total,
                &parts,
                "重新合计该组的四种结果，改正总计",
            ));
        }
    }
}
