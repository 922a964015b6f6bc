use super::*;

rule! {
    /// ## 检查内容
    /// 2021 年及以后年度的报告，第六部分“其他需要报告的事项”没有说明信息处理费的收取情况
    /// （收取了多少，或本年度未收取）。
    ///
    /// ## 为什么
    /// 《政府信息公开信息处理费管理办法》施行后，年度报告应当报告信息处理费的收取情况；
    /// 只写“无”的第六部分无法说明是否收费。
    ///
    /// ## 依据
    /// 国办函〔2020〕109号《政府信息公开信息处理费管理办法》；国办公开办函〔2021〕30号 年度报告格式第六部分。
    ///
    /// ## 错误示例
    /// `六、其他需要报告的事项` 之下只有 `无`。
    ///
    /// ## 正确示例
    /// `六、其他需要报告的事项　本年度未收取政府信息公开信息处理费。`
    ///
    /// ## 如何修改
    /// 在第六部分写明本年度收取信息处理费的情况（金额，或“未收取”）。
    FeeStatementMissing, "S0201", Warning, "第六部分未说明信息处理费收取情况"
}

/// Phrases that show the fee was addressed.
const FEE_WORDS: [&str; 4] = ["处理费", "收费", "收取", "费用"];

impl FeeStatementMissing {
    fn run(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(year) = cx.report.year() else { return };
        if year < 2021 {
            return;
        }
        let Some(s) = cx.report.section(6) else {
            return;
        };
        if FEE_WORDS.iter().any(|w| s.text.contains(w)) {
            return;
        }
        let shown = if s.text.is_empty() {
            "（空）".to_string()
        } else {
            s.text.chars().take(20).collect()
        };
        out.push(
            Diagnostic::new(
                Self::META.code,
                Self::META.severity,
                format!("{year}年度报告的第六部分未说明信息处理费收取情况"),
            )
            .at(Some(s.heading_span), format!("本部分内容：{shown}"))
            .help("写明本年度信息处理费的收取情况，例如“本年度未收取政府信息公开信息处理费”"),
        );
    }
}
