use super::*;
use crate::template::{TableId, SECTIONS};

rule! {
    /// ## 检查内容
    /// 年度报告应依次包含六个部分：一、总体情况；二、主动公开政府信息情况；三、收到和处理政府信息公开申请情况；
    /// 四、政府信息公开行政复议、行政诉讼情况；五、存在的主要问题及改进情况；六、其他需要报告的事项。
    /// 某一部分既没有标题也没有内容时报告此错误（只缺标题而内容在的，见 S0104）。
    ///
    /// ## 为什么
    /// 六个部分是法定内容，缺少任何一部分，报告都不完整。
    ///
    /// ## 依据
    /// 《政府信息公开条例》第五十条；国办公开办函〔2021〕30号 年度报告格式“报告内容”（一）至（六）。
    ///
    /// ## 错误示例
    /// 报告在“四、政府信息公开行政复议、行政诉讼情况”之后直接结束，没有第五、六部分。
    ///
    /// ## 正确示例
    /// 六个部分齐全，且按一至六的顺序排列。
    ///
    /// ## 如何修改
    /// 按统一格式补写缺少的部分；确无内容的，写明“无”。
    MissingSection, "S0101", Error, "缺少年度报告的法定部分"
}

/// Whether section `n`'s content is there even though its heading was not found.
pub(super) fn content_present(cx: &Context<'_>, n: u8) -> bool {
    let r = cx.report;
    match n {
        1 => {
            // Running text between the title and the first section found after 一.
            let next = r
                .sections
                .iter()
                .find(|s| s.number > 1)
                .map_or(usize::MAX, |s| s.heading_span.start);
            let title_end = r.meta.title.as_ref().map_or(0, |t| t.span.end);
            r.document.blocks.iter().any(|b| match b {
                crate::document::Block::Para(p) => {
                    p.span.start >= title_end
                        && p.span.end <= next
                        && p.text.chars().count() >= 40
                        && p.text.contains('。')
                }
                _ => false,
            })
        }
        2 => r.has_table(TableId::T2),
        3 => r.has_table(TableId::T3),
        4 => r.has_table(TableId::T4),
        _ => false,
    }
}

impl MissingSection {
    fn run(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for def in &SECTIONS {
            if cx.report.section(def.number).is_some() || content_present(cx, def.number) {
                continue;
            }
            let next = cx.report.sections.iter().find(|s| s.number > def.number);
            out.push(
                Diagnostic::new(
                    Self::META.code,
                    Self::META.severity,
                    format!(
                        "缺少第{}部分「{}」",
                        crate::template::SECTION_NUMERALS[def.number as usize - 1],
                        def.canonical
                    ),
                )
                .at(next.map(|s| s.heading_span), "应在此部分之前")
                .help(format!(
                    "按统一格式补写「{}」；确无内容的，写明“无”",
                    def.canonical
                )),
            );
        }
    }
}
