use super::*;
use crate::narrative::{figures, Figure, Topic};
use crate::number::Number;
use crate::template::{TemplateUse, T3_ROWS, T4_GROUPS};

rule! {
    /// ## 检查内容
    /// 正文中明确写出的数字与统计表不一致：收到（新收）、上年结转、办结、结转下年度的申请数，
    /// 予以公开、部分公开（区分处理）、不予公开、无法提供、不予处理、其他处理的件数，
    /// 规范性文件的制发、废止、现行有效件数，行政许可、行政处罚、行政强制的决定数，行政复议、行政诉讼的案件数。
    /// 只比较含义明确的数字：说的是别的事项（主动公开信息 273 条、政策解读 22 条、办理群众来信 71 件）、
    /// 增减量（同比增加 12 件）、部分（其中自然人 40 件）的数字不比较；
    /// 含义不止一格的也不比较：两项合计（予以公开及部分公开 258 件）、概括（不予公开等其他类型）、
    /// 累计或答复数（累计答复依申请公开 402 件）、逾期答复（本年有 1 件逾期答复）、
    /// 规范性文件库的公开条目（集中公开现行有效规范性文件 2763 件）。
    /// 与几行之和比较时，这几行须全部读出：有一行读不出，就不比较（部分之和不是报告写的数）。
    ///
    /// ## 为什么
    /// 正文与表格矛盾，读者无从知道哪个数字是真的；这类错误常见于沿用上年文字、只改表格。
    ///
    /// ## 依据
    /// 《政府信息公开条例》第五十条；年度报告内容应准确（国办公开办函〔2021〕30号“明确责任”：内容不准确的应追责）。
    ///
    /// ## 错误示例
    /// 正文“共收到政府信息公开申请45件”，表三“一、本年新收政府信息公开申请数量”总计为 42。
    ///
    /// ## 正确示例
    /// 正文“共收到政府信息公开申请42件”，表三新收总计 42。
    ///
    /// ## 如何修改
    /// 核对原始台账，改正正文或表格中错误的一方。
    NarrativeContradictsTable, "X1001", Error, "正文数字与统计表不一致"
}

/// The table cells a figure is compared with, and the values it may equal.
fn table_side<'a>(cx: &'a Context<'_>, topic: Topic) -> Option<(Vec<&'a CellValue>, Vec<Number>)> {
    let t3 = |row: &str| cx.cell(CellId::t3(row, "total"));
    // A family's sum only when every row of it in the report's format was read: the sum
    // of the rows that were is no figure the report states.
    let old = cx.report.template() == TemplateUse::V2019;
    let family = |fam: &str| -> Vec<&CellValue> {
        let rows = T3_ROWS
            .iter()
            .filter(|r| r.family == fam && if old { r.in_2019 } else { r.in_2021 });
        rows.map(|r| t3(r.key))
            .collect::<Option<Vec<_>>>()
            .unwrap_or_default()
    };
    let sum = |cells: &[&CellValue]| Number::sum(cells.iter().map(|c| c.value));
    let one = |c: Option<&'a CellValue>| c.map(|c| (vec![c], vec![c.value]));
    match topic {
        Topic::Received => {
            let new = t3("new")?;
            let mut accepted = vec![new.value];
            // `收到` sometimes counts the carried-over applications too.
            if let Some(over) = t3("carried_over") {
                accepted.extend(new.value.checked_add(over.value));
                return Some((vec![new, over], accepted));
            }
            Some((vec![new], accepted))
        }
        Topic::CarriedOver => one(t3("carried_over")),
        Topic::Processed => one(t3("total_processed")),
        Topic::CarriedForward => one(t3("carried_forward")),
        Topic::Outcome(fam) => {
            let cells = family(fam);
            if cells.is_empty() {
                return None;
            }
            let s = sum(&cells)?;
            Some((cells, vec![s]))
        }
        Topic::NormativeIssued => one(cx.cell(CellId::t2("normative_docs", "issued"))),
        Topic::NormativeRepealed => one(cx.cell(CellId::t2("normative_docs", "repealed"))),
        Topic::NormativeInForce => one(cx.cell(CellId::t2("normative_docs", "in_force"))),
        Topic::Licensing => one(cx.cell(CellId::t2("licensing", "decisions"))),
        Topic::Punishment => one(cx.cell(CellId::t2("punishment", "decisions"))),
        Topic::Coercion => one(cx.cell(CellId::t2("coercion", "decisions"))),
        Topic::Review => one(cx.cell(CellId::t4("review", "total"))),
        Topic::Litigation => {
            let cells: Vec<&CellValue> = T4_GROUPS[1..]
                .iter()
                .filter_map(|g| cx.cell(CellId::t4(g.key, "total")))
                .collect();
            if cells.len() < T4_GROUPS.len() - 1 {
                return None;
            }
            let s = sum(&cells)?;
            Some((cells, vec![s]))
        }
    }
}

impl NarrativeContradictsTable {
    fn run(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for Figure {
            topic,
            value,
            span,
            clause,
        } in cx.report.sections.iter().flat_map(|s| figures(&s.paras))
        {
            let Some((cells, accepted)) = table_side(cx, topic) else {
                continue;
            };
            let stated = Number::int(value as i64);
            if accepted.contains(&stated) {
                continue;
            }
            let table_value = accepted[0];
            let where_ = match cells.as_slice() {
                [c] => c.id.describe(),
                _ if topic == Topic::Received => cells[0].id.describe(),
                _ => format!("表中相关 {} 项之和", cells.len()),
            };
            let mut d = Diagnostic::new(
                Self::META.code,
                Self::META.severity,
                format!(
                    "正文称{}为 {value}（“{clause}”），而{where_}为 {table_value}",
                    topic.chinese()
                ),
            )
            .at(Some(span), format!("表中为 {table_value}"))
            .cells(cells.iter().map(|c| c.id))
            .help("核对原始台账，改正正文或表格中错误的一方");
            if let Some(c) = cells.first().filter(|c| !c.span.is_empty()) {
                d = d.note(c.span, format!("表中 {}", c.value));
            }
            out.push(d);
        }
    }
}
