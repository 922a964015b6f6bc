use super::*;

rule! {
    /// ## 检查内容
    /// 表二“规章”“行政规范性文件”两行的“现行有效件数”，应约等于上一年度报告的现行有效件数
    /// 加本年制发件数、减本年废止件数。不相等时给出警告。需要同一机关上一年度的报告
    /// （`--prior`，或语料库中已有的上一年度报告）。
    ///
    /// ## 为什么
    /// 现行有效件数是存量，制发和废止是当年的增减；三者对不上，往往是某一年把“制发”“废止”
    /// 或“现行有效”填错了（例如把累计数填成当年数），或当年清理文件时的失效、修改未报告。
    /// 因为文件也会因有效期届满等原因失效，这里只作警告，由填报机关核实。
    ///
    /// ## 依据
    /// 国办公开办函〔2021〕30号 年度报告格式表二“第二十条第（一）项”的三列：本年制发件数、
    /// 本年废止件数、现行有效件数。
    ///
    /// ## 错误示例
    /// 2023 年现行有效 40 件；2024 年制发 5 件、废止 2 件，现行有效却填 12 件。
    ///
    /// ## 正确示例
    /// 2024 年现行有效 43 件（40 + 5 − 2），或在报告中说明其余文件失效的原因。
    ///
    /// ## 如何修改
    /// 核对两个年度的文件目录与清理结果，改正填错的数字；确因期满失效等原因减少的，在报告中说明。
    InForceOutOfStep, "Y3002", Warning, "现行有效件数与上年现行有效 + 本年制发 − 本年废止不符"
}

impl InForceOutOfStep {
    fn run<'a>(&self, cx: &Context<'a>, out: &mut Vec<Diagnostic>) {
        let Some(prior) = cx.prior else { return };
        let prior_year = prior
            .year()
            .map_or("上一年度".to_string(), |y| format!("{y}年度"));
        for (row, label) in [
            ("regulations", "规章"),
            ("normative_docs", "行政规范性文件"),
        ] {
            let cell = |r: &'a Report, col: &str| r.cell(CellId::t2(row, col));
            let (Some(now), Some(issued), Some(repealed), Some(then)) = (
                cell(cx.report, "in_force"),
                cell(cx.report, "issued"),
                cell(cx.report, "repealed"),
                cell(prior, "in_force"),
            ) else {
                continue;
            };
            let (Some(n), Some(i), Some(r), Some(t)) = (
                now.value.as_i64(),
                issued.value.as_i64(),
                repealed.value.as_i64(),
                then.value.as_i64(),
            ) else {
                continue;
            };
            let expected = t + i - r;
            if n == expected {
                continue;
            }
            out.push(
                Diagnostic::new(
                    Self::META.code,
                    Self::META.severity,
                    format!("表二「{label}」：现行有效 {n} 件，而{prior_year}现行有效 {t} 件 + 本年制发 {i} 件 − 本年废止 {r} 件 = {expected} 件"),
                )
                .at(Some(now.span), format!("按上年推算应为 {expected}"))
                .cells([now.id, issued.id, repealed.id])
                .help("核对两个年度的文件目录；确因期满失效等原因减少的，在报告中说明"),
            );
        }
    }
}
