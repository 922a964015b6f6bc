use super::*;
use crate::template::{SECTIONS, SECTION_NUMERALS};

rule! {
    /// ## 检查内容
    /// 部分标题的序号与它的位置不符，例如第五部分写成“六、存在的主要问题及改进情况”，
    /// 或第六部分写成“七、其他需要报告的事项”。
    ///
    /// ## 为什么
    /// 序号错乱使报告结构与统一格式不一致，往往是删改时漏改序号或多出一个部分。
    ///
    /// ## 依据
    /// 国办公开办函〔2021〕30号 年度报告格式：六个部分依次编号一至六。
    ///
    /// ## 错误示例
    /// `六、存在的主要问题及改进情况`（应为第五部分）。
    ///
    /// ## 正确示例
    /// `五、存在的主要问题及改进情况`。
    ///
    /// ## 如何修改
    /// 按一至六的顺序改正各部分序号。
    SectionMisnumbered, "S0102", Warning, "部分标题的序号与其位置不符"
}

impl SectionMisnumbered {
    fn run(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for s in &cx.report.sections {
            let Some(printed) = s.printed_number else {
                continue;
            };
            if printed == s.number {
                continue;
            }
            let def = &SECTIONS[s.number as usize - 1];
            out.push(
                Diagnostic::new(
                    Self::META.code,
                    Self::META.severity,
                    format!(
                        "标题「{}」的序号为“{}”，但按内容应是第{}部分",
                        s.heading,
                        SECTION_NUMERALS[printed as usize - 1],
                        SECTION_NUMERALS[s.number as usize - 1]
                    ),
                )
                .at(Some(s.heading_span), format!("应为「{}」", def.canonical))
                .help(format!("改为「{}」", def.canonical)),
            );
        }
    }
}
