//! Reading an existing register (a spreadsheet kept by hand) into requests and review
//! cases: rows by header name, as CSV or XLSX give them; every row validated, every error
//! named by its row, nothing taken while any error remains.
//!
//! Request columns: 收到日期, 申请人类型 (required); 答复日期 + 办理结果 (together);
//! optional 编号, 申请人, 联系方式, 申请渠道, 申请内容, 补正通知日期, 补正收到日期,
//! 征求意见日期, 征求意见答复日期, 延期批准日期 + 延期工作日数.
//! Review columns: 类别 (行政复议 / 直接起诉 / 复议后起诉), 提起日期, 结果日期 + 结果
//! (维持 / 纠正 / 其他), optional 编号, 关联申请.

use std::collections::HashMap;

use jiff::civil::Date;

use super::{outcome_by_name, Applicant, Request, ReviewCase, ReviewKind, ReviewResult};
use crate::clock::ClockEvent;

/// One row of a sheet: its line number (the header is line 1) and its cells by header.
pub type SheetRow = (usize, HashMap<String, String>);

/// A request read from a register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedRequest {
    /// The sheet line it came from.
    pub line: usize,
    /// The register's own number (编号), or `第N行`.
    pub id: String,
    /// 申请人 (name), if given.
    pub applicant_name: String,
    /// 联系方式, if given.
    pub contact: String,
    /// 申请渠道, `其他` if not given.
    pub channel: String,
    /// 申请内容, if given.
    pub text: String,
    /// What the tables count.
    pub request: Request,
    /// Its clock events, in the order given.
    pub events: Vec<ClockEvent>,
}

fn cell<'a>(row: &'a HashMap<String, String>, col: &str) -> &'a str {
    row.get(col).map(|s| s.trim()).unwrap_or("")
}

/// A date as registers write it: `2024-09-30`, `2024/9/30`, `2024.9.30`, `2024年9月30日`.
pub fn parse_date(s: &str) -> Option<Date> {
    let s = s
        .trim()
        .trim_end_matches('日')
        .replace(['/', '.', '年', '月'], "-");
    let mut parts = s.split('-').map(|p| p.trim().parse::<i16>());
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(Ok(y)), Some(Ok(m)), Some(Ok(d)), None) => {
            let d = Date::new(y, i8::try_from(m).ok()?, i8::try_from(d).ok()?).ok()?;
            crate::clock::in_range(d).ok()
        }
        _ => None,
    }
}

fn date(
    row: &HashMap<String, String>,
    col: &str,
    required: bool,
    errors: &mut Vec<String>,
    line: usize,
) -> Option<Date> {
    match cell(row, col) {
        "" if required => {
            errors.push(format!("第 {line} 行：缺少“{col}”"));
            None
        }
        "" => None,
        v => parse_date(v).or_else(|| {
            errors.push(format!(
                "第 {line} 行：“{col}”应为日期（如 2024-09-30），而不是“{v}”"
            ));
            None
        }),
    }
}

/// Reads request rows; returns the requests, or every error by row.
pub fn requests(rows: &[SheetRow]) -> Result<Vec<ImportedRequest>, Vec<String>> {
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for (line, row) in rows {
        let line = *line;
        let before = errors.len();
        let received = date(row, "收到日期", true, &mut errors, line);
        let applicant = Applicant::by_name(cell(row, "申请人类型"))
            .map_err(|e| errors.push(format!("第 {line} 行：{e}")))
            .ok();
        let answered_on = date(row, "答复日期", false, &mut errors, line);
        let outcome = cell(row, "办理结果");
        let answered = match (answered_on, outcome) {
            (None, "") => None,
            (Some(d), o) if !o.is_empty() => outcome_by_name(o)
                .map(|k| (d, k))
                .map_err(|e| errors.push(format!("第 {line} 行：{e}")))
                .ok(),
            (Some(_), _) => {
                errors.push(format!("第 {line} 行：有答复日期而没有办理结果"));
                None
            }
            (None, _) => {
                errors.push(format!("第 {line} 行：有办理结果而没有答复日期"));
                None
            }
        };
        let mut events = Vec::new();
        events.extend(
            date(row, "补正通知日期", false, &mut errors, line)
                .map(ClockEvent::CorrectionRequested),
        );
        events.extend(
            date(row, "补正收到日期", false, &mut errors, line).map(ClockEvent::CorrectionReceived),
        );
        events.extend(
            date(row, "征求意见日期", false, &mut errors, line).map(ClockEvent::ConsultationSent),
        );
        events.extend(
            date(row, "征求意见答复日期", false, &mut errors, line)
                .map(ClockEvent::ConsultationAnswered),
        );
        if let Some(on) = date(row, "延期批准日期", false, &mut errors, line) {
            match cell(row, "延期工作日数").parse::<u32>() {
                Ok(days) if (1..=20).contains(&days) => {
                    events.push(ClockEvent::Extended { on, days })
                }
                _ => errors.push(format!(
                    "第 {line} 行：有延期批准日期时，“延期工作日数”应为 1–20 的整数"
                )),
            }
        }
        let channel = match cell(row, "申请渠道") {
            "" => "其他",
            c => c,
        };
        if !crate::register::CHANNELS.contains(&channel) {
            errors.push(format!(
                "第 {line} 行：申请渠道应为 {}，而不是“{channel}”",
                crate::register::CHANNELS.join("、")
            ));
        }
        if let (Some(r), Some((a, _))) = (received, answered) {
            if a < r {
                errors.push(format!("第 {line} 行：答复日期早于收到日期"));
            }
        }
        if let Some(r) = received {
            if events.iter().any(|e| e.date() < r) {
                errors.push(format!(
                    "第 {line} 行：补正、征求意见或延期的日期早于收到日期"
                ));
            }
        }
        if errors.len() == before {
            if let (Some(received), Some(applicant)) = (received, applicant) {
                let id = match cell(row, "编号") {
                    "" => format!("第{line}行"),
                    v => v.to_string(),
                };
                out.push(ImportedRequest {
                    line,
                    id,
                    applicant_name: cell(row, "申请人").to_string(),
                    contact: cell(row, "联系方式").to_string(),
                    channel: channel.to_string(),
                    text: cell(row, "申请内容").to_string(),
                    request: Request {
                        applicant,
                        received,
                        answered,
                    },
                    events,
                });
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// A review kind by the names registers use.
pub fn review_kind(name: &str) -> Result<ReviewKind, String> {
    match name.trim() {
        "行政复议" | "复议" => Ok(ReviewKind::Review),
        "直接起诉" | "未经复议直接起诉" | "行政诉讼" => Ok(ReviewKind::SuitDirect),
        "复议后起诉" => Ok(ReviewKind::SuitAfterReview),
        v => Err(format!(
            "类别应为 行政复议、直接起诉 或 复议后起诉，而不是“{v}”"
        )),
    }
}

/// A review result by the names registers use.
pub fn review_result(name: &str) -> Result<ReviewResult, String> {
    match name.trim() {
        "维持" | "结果维持" => Ok(ReviewResult::Upheld),
        "纠正" | "结果纠正" => Ok(ReviewResult::Corrected),
        "其他" | "其他结果" => Ok(ReviewResult::Other),
        v => Err(format!("结果应为 维持、纠正 或 其他，而不是“{v}”")),
    }
}

/// Reads review rows; returns the cases, or every error by row.
pub fn reviews(rows: &[SheetRow]) -> Result<Vec<ReviewCase>, Vec<String>> {
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for (line, row) in rows {
        let line = *line;
        let before = errors.len();
        let kind = review_kind(cell(row, "类别"))
            .map_err(|e| errors.push(format!("第 {line} 行：{e}")))
            .ok();
        let filed = date(row, "提起日期", true, &mut errors, line);
        let decided_on = date(row, "结果日期", false, &mut errors, line);
        let result = match cell(row, "结果") {
            "" => None,
            v => review_result(v)
                .map_err(|e| errors.push(format!("第 {line} 行：{e}")))
                .ok(),
        };
        if decided_on.is_some() != result.is_some() && errors.len() == before {
            errors.push(format!("第 {line} 行：结果日期与结果应同时填写"));
        }
        if let (Some(f), Some(d)) = (filed, decided_on) {
            if d < f {
                errors.push(format!("第 {line} 行：结果日期早于提起日期"));
            }
        }
        if errors.len() == before {
            if let (Some(kind), Some(filed)) = (kind, filed) {
                out.push(ReviewCase {
                    kind,
                    filed,
                    decided: decided_on.zip(result),
                });
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn row(line: usize, pairs: &[(&str, &str)]) -> SheetRow {
        (
            line,
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn dates_as_registers_write_them() {
        for s in [
            "2024-09-30",
            "2024/9/30",
            "2024.9.30",
            "2024年9月30日",
            " 2024-9-30 ",
        ] {
            assert_eq!(parse_date(s), Some(date(2024, 9, 30)), "{s}");
        }
        for s in ["2024-13-01", "2024-02-30", "30/9/2024x", "昨天", ""] {
            assert_eq!(parse_date(s), None, "{s}");
        }
    }

    #[test]
    fn every_error_is_listed_by_row_and_nothing_is_taken() {
        let rows = vec![
            row(
                2,
                &[
                    ("收到日期", "2024-03-01"),
                    ("申请人类型", "自然人"),
                    ("答复日期", "2024-03-10"),
                    ("办理结果", "予以公开"),
                    ("申请人", "张三"),
                ],
            ),
            row(3, &[("收到日期", "2024-03-05"), ("申请人类型", "个人")]),
            row(
                4,
                &[
                    ("收到日期", "3月5日"),
                    ("申请人类型", "商业企业"),
                    ("答复日期", "2024-03-20"),
                ],
            ),
            row(
                5,
                &[
                    ("收到日期", "2024-03-05"),
                    ("申请人类型", "其他"),
                    ("申请渠道", "微信"),
                ],
            ),
        ];
        let errors = requests(&rows).unwrap_err();
        assert_eq!(errors.len(), 4, "{errors:?}");
        assert!(errors[0].starts_with("第 3 行") && errors[0].contains("个人"));
        assert!(errors[1].starts_with("第 4 行") && errors[1].contains("收到日期"));
        assert!(errors[2].starts_with("第 4 行") && errors[2].contains("没有办理结果"));
        assert!(errors[3].starts_with("第 5 行") && errors[3].contains("微信"));
        let ok = requests(&rows[..1]).unwrap();
        assert_eq!(ok[0].applicant_name, "张三");
        assert_eq!(ok[0].request.answered, Some((date(2024, 3, 10), "granted")));
        assert_eq!(ok[0].id, "第2行");
    }

    #[test]
    fn review_rows() {
        let rows = vec![
            row(
                2,
                &[
                    ("类别", "行政复议"),
                    ("提起日期", "2024-01-05"),
                    ("结果日期", "2024-03-01"),
                    ("结果", "维持"),
                ],
            ),
            row(3, &[("类别", "复议后起诉"), ("提起日期", "2024-05-05")]),
        ];
        let cases = reviews(&rows).unwrap();
        assert_eq!(
            cases[0].decided,
            Some((date(2024, 3, 1), ReviewResult::Upheld))
        );
        assert_eq!(cases[1].kind, ReviewKind::SuitAfterReview);
        let bad = vec![row(
            2,
            &[
                ("类别", "仲裁"),
                ("提起日期", "2024-01-05"),
                ("结果", "维持"),
            ],
        )];
        let errors = reviews(&bad).unwrap_err();
        assert!(errors[0].contains("仲裁"), "{errors:?}");
    }
}
