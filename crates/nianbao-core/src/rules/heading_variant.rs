use super::*;
use crate::template::SECTIONS;
use crate::text::normalize_label;

rule! {
    /// ## 检查内容
    /// 部分标题是已知的变体写法，而不是统一格式的标题，例如
    /// “四、因政府信息公开工作被申请行政复议、提起行政诉讼情况”
    /// 或“五、政府信息公开工作存在的主要问题及改进情况”。
    ///
    /// ## 为什么
    /// 变体写法不影响读取，但与统一格式不完全一致；汇总比对时宜统一。
    ///
    /// ## 依据
    /// 国办公开办函〔2021〕30号 年度报告格式的六个标题。
    ///
    /// ## 错误示例
    /// `四、政府信息公开行政复议及行政诉讼情况`。
    ///
    /// ## 正确示例
    /// `四、政府信息公开行政复议、行政诉讼情况`。
    ///
    /// ## 如何修改
    /// 改用统一格式的标题（可选）。
    HeadingVariant, "S0103", Info, "部分标题为已知的变体写法"
}

impl HeadingVariant {
    fn run(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for s in &cx.report.sections {
            let def = &SECTIONS[s.number as usize - 1];
            let rest = |t: &str| {
                let n = normalize_label(t);
                n.split_once(['、', '.'])
                    .map(|(_, r)| r.to_string())
                    .unwrap_or(n)
            };
            if rest(&s.heading) == rest(def.canonical) {
                continue;
            }
            out.push(
                Diagnostic::new(
                    Self::META.code,
                    Self::META.severity,
                    format!(
                        "标题「{}」是变体写法，统一格式为「{}」",
                        s.heading, def.canonical
                    ),
                )
                .at(Some(s.heading_span), "变体标题")
                .help(format!("可改为「{}」", def.canonical)),
            );
        }
    }
}
