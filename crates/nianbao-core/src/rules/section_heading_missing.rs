use super::*;
use crate::template::SECTIONS;

rule! {
    /// ## 检查内容
    /// 某一部分的内容在（正文或统计表），但没有找到该部分的标题，例如报告开头直接是总体情况的正文，
    /// 没有“一、总体情况”标题。
    ///
    /// ## 为什么
    /// 标题缺失的报告不符合统一格式，读者和检索系统都难以定位各部分。
    ///
    /// ## 依据
    /// 国办公开办函〔2021〕30号 年度报告格式规定的六个部分及其标题。
    ///
    /// ## 错误示例
    /// 标题之后直接是“2024年，我街道认真贯彻落实……”，没有“一、总体情况”。
    ///
    /// ## 正确示例
    /// `一、总体情况` 之后是总体情况的正文。
    ///
    /// ## 如何修改
    /// 补上该部分的标题。
    SectionHeadingMissing, "S0104", Warning, "部分内容存在但缺少标题"
}

impl SectionHeadingMissing {
    fn run(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for def in &SECTIONS {
            if cx.report.section(def.number).is_some()
                || !super::missing_section::content_present(cx, def.number)
            {
                continue;
            }
            let next = cx.report.sections.iter().find(|s| s.number > def.number);
            out.push(
                Diagnostic::new(
                    Self::META.code,
                    Self::META.severity,
                    format!("没有找到标题「{}」，但该部分的内容存在", def.canonical),
                )
                .at(next.map(|s| s.heading_span), "此前应有该部分的标题")
                .help(format!("在该部分内容之前加上标题「{}」", def.canonical)),
            );
        }
    }
}
