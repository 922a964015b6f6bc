use super::*;
use crate::template::{Format, TemplateUse};

rule! {
    /// ## 检查内容
    /// 同一份报告的表格中既有 2021 年格式的部分，又有 2019 年格式的部分，例如表二为 2021 年格式，
    /// 表三的“（六）其他处理”却只有一行（2019 年格式）。
    ///
    /// ## 为什么
    /// 混用格式说明表格是拼凑而成的，缺少的行（如“其他处理”的三个细项）无法与其他报告比较。
    ///
    /// ## 依据
    /// 国办公开办函〔2021〕30号《中华人民共和国政府信息公开工作年度报告格式》。
    ///
    /// ## 错误示例
    /// 表三 `（六）其他处理 | 0 | 0 | 0 | 0 | 0 | 0 | 0`，同时表二有 `本年制发件数`。
    ///
    /// ## 正确示例
    /// 表三“（六）其他处理”下分“1.申请人无正当理由逾期不补正……”“2.申请人逾期未按收费通知……”“3.其他”三行。
    ///
    /// ## 如何修改
    /// 统一按 2021 年格式编制全部表格。
    MixedTemplate, "S0002", Warning, "报告混用了 2021 年和 2019 年格式"
}

impl MixedTemplate {
    fn run(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let r = cx.report;
        if r.template() != TemplateUse::Mixed {
            return;
        }
        let list = |f: Format| {
            let mut v: Vec<&str> = r
                .parts
                .iter()
                .filter(|(_, g)| *g == f)
                .map(|(p, _)| p.as_str())
                .collect();
            v.dedup();
            v.join("、")
        };
        let old_part = r
            .parts
            .iter()
            .find(|(_, f)| *f == Format::V2019)
            .map(|(p, _)| p.clone())
            .unwrap_or_default();
        let span = r
            .rows
            .iter()
            .find(|row| old_part.starts_with(&row.key))
            .map(|row| row.span);
        out.push(
            Diagnostic::new(
                Self::META.code,
                Self::META.severity,
                format!(
                    "表格混用了两种格式：2021 年格式（{}），2019 年格式（{}）",
                    list(Format::V2021),
                    list(Format::V2019)
                ),
            )
            .at(span, "此处为 2019 年格式")
            .help("统一按国办公开办函〔2021〕30号格式编制全部表格"),
        );
    }
}
