use super::*;
use crate::template::{T3Role, T3_COLUMNS, T3_ROWS};

rule! {
    /// ## 检查内容
    /// 表三每一列：（七）总计 = 各项办理结果之和，即（一）予以公开、（二）部分公开、（三）不予公开各项、
    /// （四）无法提供各项、（五）不予处理各项、（六）其他处理（2021 年格式为三项）之和（勾稽关系 2）。
    ///
    /// ## 为什么
    /// “总计”就是办理结果的合计；不等说明漏计、重计了某项结果，或总计填错。
    ///
    /// ## 依据
    /// 国办公开办函〔2021〕30号 年度报告格式表三“三、本年度办理结果”及“（七）总计”；
    /// 部分公开“只计这一情形，不计其他情形”。
    ///
    /// ## 错误示例
    /// 予以公开 32、部分公开 2、无法提供 4，其余为 0，（七）总计却为 40。
    ///
    /// ## 正确示例
    /// 同样的结果，（七）总计为 38。
    ///
    /// ## 如何修改
    /// 重新合计该列各项办理结果，改正总计或填错的结果项。
    OutcomeTotalMismatch, "T3002", Error, "表三各列：（七）总计 ≠ 各项办理结果之和"
}

impl OutcomeTotalMismatch {
    fn run(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (ci, col) in T3_COLUMNS.iter().enumerate() {
            let Some(total) = cx.cell(CellId::t3("total_processed", col.key)) else {
                continue;
            };
            let parts: Vec<&CellValue> = T3_ROWS
                .iter()
                .enumerate()
                .filter(|(_, r)| r.role == T3Role::Outcome)
                .filter_map(|(ri, _)| cx.cell(CellId::t3_at(ri, ci)))
                .collect();
            if parts.is_empty() {
                continue;
            }
            let Some(sum) = crate::number::Number::sum(parts.iter().map(|c| c.value)) else {
                continue;
            };
            if sum == total.value {
                continue;
            }
            let nonzero: Vec<String> = parts
                .iter()
                .filter(|c| c.value != crate::number::Number::ZERO)
                .map(|c| show(c))
                .collect();
            let listed = if nonzero.is_empty() {
                "各项均为 0".to_string()
            } else {
                nonzero.join(" + ")
            };
            let mut d = Diagnostic::new(
                Self::META.code,
                Self::META.severity,
                format!(
                    "表三「{}」列：各项办理结果之和为 {sum}（{listed}），而（七）总计为 {}",
                    col.label, total.value
                ),
            )
            .at(Some(total.span), format!("应为 {sum}"))
            .cells(parts.iter().map(|c| c.id).chain([total.id]))
            .help("重新合计该列各项办理结果，改正（七）总计或填错的结果项");
            for p in parts
                .iter()
                .filter(|c| c.value != crate::number::Number::ZERO && !c.span.is_empty())
                .take(4)
            {
                d = d.note(
                    p.span,
                    format!("{} {}", short_row(p.id.def().row_label), p.value),
                );
            }
            out.push(d);
        }
    }
}
