use super::*;
use crate::template::T3_COLUMNS;

rule! {
    /// ## 检查内容
    /// 本年表三“二、上年结转政府信息公开申请数量”的每一列，应等于同一机关上一年度报告表三
    /// “四、结转下年度继续办理”的同一列（勾稽关系 5）。需要用 `--prior` 给出上一年度的报告。
    ///
    /// ## 为什么
    /// 上年结转下来的申请就是本年从上年接手的申请，两年的数字必须衔接；不衔接说明其中一年填错，
    /// 或有申请在年度之间“消失”。
    ///
    /// ## 依据
    /// 国办公开办函〔2021〕30号 年度报告格式表三“二、上年结转”“四、结转下年度继续办理”两行的含义。
    ///
    /// ## 错误示例
    /// 2023 年报告结转下年度 13 件，2024 年报告上年结转 0 件。
    ///
    /// ## 正确示例
    /// 2024 年报告上年结转 13 件。
    ///
    /// ## 如何修改
    /// 核对两年的台账，改正填错的一年。
    CarryOverMismatch, "Y3001", Error, "上年结转与上一年度报告的结转下年度不一致"
}

impl CarryOverMismatch {
    fn run(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(prior) = cx.prior else { return };
        let prior_year = prior
            .year()
            .map_or("上一年度".to_string(), |y| format!("{y}年度"));
        for col in &T3_COLUMNS {
            let (Some(now), Some(then)) = (
                cx.cell(CellId::t3("carried_over", col.key)),
                prior.cell(CellId::t3("carried_forward", col.key)),
            ) else {
                continue;
            };
            if now.value == then.value {
                continue;
            }
            out.push(
                Diagnostic::new(
                    Self::META.code,
                    Self::META.severity,
                    format!(
                        "表三「{}」列：本年上年结转为 {}，而{prior_year}报告的结转下年度继续办理为 {}",
                        col.label, now.value, then.value
                    ),
                )
                .at(Some(now.span), format!("上一年度为 {}", then.value))
                .cells([now.id, then.id])
                .help("核对两个年度的申请台账，改正填错的一年"),
            );
        }
    }
}
