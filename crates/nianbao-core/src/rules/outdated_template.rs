use super::*;
use crate::template::TemplateUse;

rule! {
    /// ## 检查内容
    /// 报告年度为 2021 年或以后，表格却使用 2019 年格式（国办公开办函〔2019〕60号），例如表二使用
    /// “本年新制作数量 / 本年新公开数量 / 对外公开总数量”，表三的“（六）其他处理”只有一行。
    ///
    /// ## 为什么
    /// 2021 年格式自 2021 年度报告起施行；旧格式缺少“本年废止件数”“其他处理”细分等内容，
    /// 各地的数据因此无法汇总比对。
    ///
    /// ## 依据
    /// 国办公开办函〔2021〕30号《中华人民共和国政府信息公开工作年度报告格式》。
    ///
    /// ## 错误示例
    /// 2023 年度报告的表二表头为 `本年新制作数量 | 本年新公开数量 | 对外公开总数量`。
    ///
    /// ## 正确示例
    /// 2023 年度报告的表二表头为 `本年制发件数 | 本年废止件数 | 现行有效件数`。
    ///
    /// ## 如何修改
    /// 按 2021 年格式重新编制表二、表三。
    OutdatedTemplate, "S0001", Warning, "2021 年及以后的报告使用了 2019 年格式"
}

impl OutdatedTemplate {
    fn run(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let r = cx.report;
        let (Some(year), TemplateUse::V2019) = (r.year(), r.template()) else {
            return;
        };
        if year < 2021 {
            return;
        }
        let span = r
            .sections
            .iter()
            .find(|s| s.number == 2 || s.number == 3)
            .map(|s| s.heading_span);
        out.push(
            Diagnostic::new(Self::META.code, Self::META.severity, format!("{year}年度报告使用了 2019 年格式（国办公开办函〔2019〕60号）"))
                .at(span, "此处表格为 2019 年格式")
                .help("2021 年度起应使用国办公开办函〔2021〕30号格式：表二改为“本年制发件数/本年废止件数/现行有效件数”等，表三“其他处理”分三行"),
        );
    }
}
