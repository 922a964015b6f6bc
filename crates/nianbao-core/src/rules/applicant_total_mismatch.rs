use super::*;
use crate::template::T3_ROWS;

rule! {
    /// ## 检查内容
    /// 表三每一行：总计 = 自然人 + 商业企业 + 科研机构 + 社会公益组织 + 法律服务机构 + 其他（勾稽关系 3）。
    ///
    /// ## 为什么
    /// “总计”列是各类申请人的合计；不等说明某一类申请人的数字或总计填错，或总计栏被留空。
    ///
    /// ## 依据
    /// 国办公开办函〔2021〕30号 年度报告格式表三“申请人情况”及“总计”列。
    ///
    /// ## 错误示例
    /// `（一）予以公开 | 17 | 0 | 0 | 0 | 0 | 1 | 17`（17 + 1 ≠ 17）。
    ///
    /// ## 正确示例
    /// `（一）予以公开 | 17 | 0 | 0 | 0 | 0 | 1 | 18`。
    ///
    /// ## 如何修改
    /// 重新合计该行六类申请人，改正总计或填错的一项。
    ApplicantTotalMismatch, "T3003", Error, "表三各行：总计 ≠ 六类申请人之和"
}

impl ApplicantTotalMismatch {
    fn run(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (ri, row) in T3_ROWS.iter().enumerate() {
            let Some(total) = cx.cell(CellId::t3_at(ri, 6)) else {
                continue;
            };
            let parts: Vec<&CellValue> = (0..6)
                .filter_map(|ci| cx.cell(CellId::t3_at(ri, ci)))
                .collect();
            if parts.len() < 6 {
                continue;
            }
            out.extend(row_total_failure(
                &Self::META,
                &format!("表三「{}」行", short_row(row.label)),
                total,
                &parts,
                "重新合计该行六类申请人，改正总计或填错的一项",
            ));
        }
    }
}
