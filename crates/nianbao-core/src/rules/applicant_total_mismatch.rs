use super::*;
use crate::template::{T3_COLUMNS, T3_ROWS};

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

impl Rule for ApplicantTotalMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for row in &T3_ROWS {
            let Some(total) = cx.cell(CellId::t3(row.key, "total")) else { continue };
            let parts: Vec<&CellValue> = T3_COLUMNS[..6].iter().filter_map(|c| cx.cell(CellId::t3(row.key, c.key))).collect();
            if parts.len() < 6 {
                continue;
            }
            let Some(sum) = crate::number::Number::sum(parts.iter().map(|c| c.value)) else { continue };
            if sum == total.value {
                continue;
            }
            let terms: Vec<String> = parts.iter().map(|c| format!("{}{}", c.id.def().column_label, c.value)).collect();
            let mut d = Diagnostic::new(
                Self::META.code,
                Self::META.severity,
                format!("表三「{}」行：{} = {sum}，而总计为 {}", short_row(row.label), terms.join(" + "), total.value),
            )
            .at(Some(total.span), format!("应为 {sum}"))
            .cells(parts.iter().map(|c| c.id).chain([total.id]))
            .help("重新合计该行六类申请人，改正总计或填错的一项");
            for p in parts.iter().filter(|c| c.value != crate::number::Number::ZERO && !c.span.is_empty()).take(3) {
                d = d.note(p.span, format!("{} {}", p.id.def().column_label, p.value));
            }
            out.push(d);
        }
    }
}
