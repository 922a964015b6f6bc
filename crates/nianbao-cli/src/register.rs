//! `nianbao register`: an agency's register of requests (and of reconsiderations and
//! suits), kept as a spreadsheet exported to CSV, turned into the annual report's tables 三
//! and 四 — every cell a count of the same rows, so the identities hold by construction —
//! with every row validated first (all errors listed by row), and the timeliness of the
//! year beside it: answers past the statutory deadline, open requests overdue, processing
//! time in working days.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::ValueEnum;
use jiff::civil::Date;
use nianbao_core::calendar::Calendar;
use nianbao_core::clock::{deadline, ClockEvent};
use nianbao_core::register::{outcome_by_name, table3, table4, Applicant, Request, ReviewCase, ReviewKind, ReviewResult};
use nianbao_core::template::Format;
use nianbao_core::Report;

#[derive(Copy, Clone, ValueEnum, PartialEq, Eq)]
pub enum RegisterFormat {
    /// 统一格式的表三、表四（Markdown）及办理时限
    Md,
    /// `key<TAB>value`（cells.md）
    Cells,
    /// JSON
    Json,
}

#[derive(clap::Args)]
pub struct RegisterArgs {
    /// 依申请公开登记表（CSV，UTF-8 或带 BOM；列：收到日期、申请人类型、答复日期、办理结果，可选 编号、补正通知日期、补正收到日期、征求意见日期、征求意见答复日期、延期批准日期、延期工作日数）
    pub requests: PathBuf,
    /// 行政复议、行政诉讼登记表（CSV；列：类别〔行政复议/直接起诉/复议后起诉〕、提起日期、结果日期、结果〔维持/纠正/其他〕）
    #[arg(long)]
    pub reviews: Option<PathBuf>,
    /// 统计年度
    #[arg(long)]
    pub year: i16,
    /// 机关名称（写入报告）
    #[arg(long, default_value = "本机关")]
    pub agency: String,
    /// 输出格式
    #[arg(long, value_enum, default_value_t = RegisterFormat::Md)]
    pub format: RegisterFormat,
}

/// A request row with what its clock needs.
struct Row {
    line: usize,
    id: String,
    request: Request,
    events: Vec<ClockEvent>,
}

/// The rows of a CSV file by header name; the file's errors by line.
fn read_csv(path: &PathBuf) -> anyhow::Result<Vec<(usize, HashMap<String, String>)>> {
    let bytes = std::fs::read(path).with_context(|| format!("无法读取 {}", path.display()))?;
    let text = nianbao_core::decode::decode(&bytes).text;
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let headers: Vec<String> = rdr.headers().with_context(|| format!("{}：没有表头", path.display()))?.iter().map(|h| h.trim().to_string()).collect();
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.with_context(|| format!("{}：第 {} 行无法读取", path.display(), i + 2))?;
        if rec.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        out.push((i + 2, headers.iter().cloned().zip(rec.iter().map(|f| f.trim().to_string())).collect()));
    }
    Ok(out)
}

fn date(row: &HashMap<String, String>, col: &str, required: bool, errors: &mut Vec<String>, line: usize) -> Option<Date> {
    match row.get(col).map(String::as_str).unwrap_or("") {
        "" if required => {
            errors.push(format!("第 {line} 行：缺少“{col}”"));
            None
        }
        "" => None,
        v => match v.replace(['/', '.'], "-").parse::<Date>() {
            Ok(d) => Some(d),
            Err(_) => {
                errors.push(format!("第 {line} 行：“{col}”应为日期（如 2024-09-30），而不是“{v}”"));
                None
            }
        },
    }
}

fn read_requests(path: &PathBuf, errors: &mut Vec<String>) -> anyhow::Result<Vec<Row>> {
    let mut out = Vec::new();
    for (line, row) in read_csv(path)? {
        let before = errors.len();
        let received = date(&row, "收到日期", true, errors, line);
        let applicant = match Applicant::by_name(row.get("申请人类型").map(String::as_str).unwrap_or("")) {
            Ok(a) => Some(a),
            Err(e) => {
                errors.push(format!("第 {line} 行：{e}"));
                None
            }
        };
        let answered_on = date(&row, "答复日期", false, errors, line);
        let outcome = row.get("办理结果").map(String::as_str).unwrap_or("");
        let answered = match (answered_on, outcome) {
            (None, "") => None,
            (Some(d), o) if !o.is_empty() => match outcome_by_name(o) {
                Ok(k) => Some((d, k)),
                Err(e) => {
                    errors.push(format!("第 {line} 行：{e}"));
                    None
                }
            },
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
        events.extend(date(&row, "补正通知日期", false, errors, line).map(ClockEvent::CorrectionRequested));
        events.extend(date(&row, "补正收到日期", false, errors, line).map(ClockEvent::CorrectionReceived));
        events.extend(date(&row, "征求意见日期", false, errors, line).map(ClockEvent::ConsultationSent));
        events.extend(date(&row, "征求意见答复日期", false, errors, line).map(ClockEvent::ConsultationAnswered));
        if let Some(on) = date(&row, "延期批准日期", false, errors, line) {
            match row.get("延期工作日数").map(String::as_str).unwrap_or("").parse::<u32>() {
                Ok(days) => events.push(ClockEvent::Extended { on, days }),
                Err(_) => errors.push(format!("第 {line} 行：有延期批准日期时，“延期工作日数”应为 1–20 的整数")),
            }
        }
        if let (Some(r), Some((a, _))) = (received, answered) {
            if a < r {
                errors.push(format!("第 {line} 行：答复日期早于收到日期"));
            }
        }
        if errors.len() == before {
            if let (Some(received), Some(applicant)) = (received, applicant) {
                let id = row.get("编号").cloned().filter(|s| !s.is_empty()).unwrap_or_else(|| format!("第{line}行"));
                out.push(Row { line, id, request: Request { applicant, received, answered }, events });
            }
        }
    }
    Ok(out)
}

fn read_reviews(path: &PathBuf, errors: &mut Vec<String>) -> anyhow::Result<Vec<ReviewCase>> {
    let mut out = Vec::new();
    for (line, row) in read_csv(path)? {
        let before = errors.len();
        let kind = match row.get("类别").map(String::as_str).unwrap_or("") {
            "行政复议" | "复议" => Some(ReviewKind::Review),
            "直接起诉" | "未经复议直接起诉" | "行政诉讼" => Some(ReviewKind::SuitDirect),
            "复议后起诉" => Some(ReviewKind::SuitAfterReview),
            v => {
                errors.push(format!("第 {line} 行：类别应为 行政复议、直接起诉 或 复议后起诉，而不是“{v}”"));
                None
            }
        };
        let filed = date(&row, "提起日期", true, errors, line);
        let decided_on = date(&row, "结果日期", false, errors, line);
        let result = match row.get("结果").map(String::as_str).unwrap_or("") {
            "" => None,
            "维持" | "结果维持" => Some(ReviewResult::Upheld),
            "纠正" | "结果纠正" => Some(ReviewResult::Corrected),
            "其他" | "其他结果" => Some(ReviewResult::Other),
            v => {
                errors.push(format!("第 {line} 行：结果应为 维持、纠正 或 其他，而不是“{v}”"));
                None
            }
        };
        if decided_on.is_some() != result.is_some() && errors.len() == before {
            errors.push(format!("第 {line} 行：结果日期与结果应同时填写"));
        }
        if errors.len() == before {
            if let (Some(kind), Some(filed)) = (kind, filed) {
                out.push(ReviewCase { kind, filed, decided: decided_on.zip(result) });
            }
        }
    }
    Ok(out)
}

/// Working days after `from` through `to`.
fn working_days(cal: &Calendar, from: Date, to: Date) -> i64 {
    let mut d = from;
    let mut n = 0;
    while d < to {
        d = d.tomorrow().expect("dates stay far below year 9999");
        n += i64::from(cal.is_working_day(d));
    }
    n
}

pub fn run(args: RegisterArgs) -> anyhow::Result<ExitCode> {
    let mut errors = Vec::new();
    let rows = read_requests(&args.requests, &mut errors)?;
    let mut review_errors = Vec::new();
    let reviews = match &args.reviews {
        Some(p) => read_reviews(p, &mut review_errors)?,
        None => Vec::new(),
    };
    if !errors.is_empty() || !review_errors.is_empty() {
        for e in &errors {
            eprintln!("{}：{e}", args.requests.display());
        }
        for e in &review_errors {
            eprintln!("{}：{e}", args.reviews.as_ref().map_or(String::new(), |p| p.display().to_string()));
        }
        eprintln!("登记表有 {} 处错误，未生成报表；改正后重新运行", errors.len() + review_errors.len());
        return Ok(ExitCode::from(1));
    }
    let requests: Vec<Request> = rows.iter().map(|r| r.request.clone()).collect();
    let mut values = table3(&requests, args.year)?;
    values.extend(table4(&reviews, args.year)?);
    let report = Report::from_values(u16::try_from(args.year).ok(), &args.agency, Format::V2021, values);

    // Timeliness (beyond the statute): late answers, overdue open requests, processing time.
    let cal = Calendar::official();
    let end = Date::new(args.year, 12, 31)?;
    let start = Date::new(args.year, 1, 1)?;
    let mut late = Vec::new();
    let mut overdue = Vec::new();
    let mut open = Vec::new();
    let mut times = Vec::new();
    for r in &rows {
        let Ok(due) = deadline(cal, r.request.received, &r.events) else {
            anyhow::bail!("{}：第 {} 行（{}）的补正、征求意见或延期日期前后矛盾", args.requests.display(), r.line, r.id);
        };
        match r.request.answered {
            Some((a, _)) if a >= start && a <= end => {
                times.push(working_days(cal, r.request.received, a));
                if due.due.is_some_and(|d| a > d) {
                    late.push(format!("{}（答复 {a}，期限 {}）", r.id, due.due.map_or(String::new(), |d| d.to_string())));
                }
            }
            Some(_) => {}
            None if r.request.received <= end => {
                open.push((r.request.received, r.id.clone()));
                if due.due.is_some_and(|d| d < end) {
                    overdue.push(format!("{}（期限 {}）", r.id, due.due.map_or(String::new(), |d| d.to_string())));
                }
            }
            None => {}
        }
    }
    times.sort_unstable();
    open.sort();
    let median = times.get(times.len() / 2).copied();
    let broken: Vec<_> = nianbao_core::rules::run_all(&report, None).into_iter().filter(|d| d.code.starts_with('T')).collect();
    match args.format {
        RegisterFormat::Cells => print!("{}", nianbao_core::render::cells::render(&report)),
        RegisterFormat::Md => {
            print!("{}", nianbao_core::render::markdown::render(&report));
            println!("## 办理时限（登记表 {} 条）\n", rows.len());
            println!("- 本年办结 {} 件，办理用时中位数 {} 个工作日", times.len(), median.map_or("—".into(), |m| m.to_string()));
            println!("- 超过法定期限答复：{} 件{}", late.len(), if late.is_empty() { String::new() } else { format!("：{}", late.join("、")) });
            println!("- 年末未办结 {} 件，其中已超期 {} 件{}", open.len(), overdue.len(), if overdue.is_empty() { String::new() } else { format!("：{}", overdue.join("、")) });
            let oldest: Vec<String> = open.iter().take(10).map(|(d, id)| format!("{id}（{d} 收到）")).collect();
            if !oldest.is_empty() {
                println!("- 最早的未办结申请：{}", oldest.join("、"));
            }
        }
        RegisterFormat::Json => {
            let cells: serde_json::Map<String, serde_json::Value> =
                report.cells.iter().map(|c| (c.id.key().to_string(), serde_json::json!(c.value.as_i64()))).collect();
            let doc = serde_json::json!({
                "schema_version": 1, "year": args.year, "agency": args.agency, "rows": rows.len(), "cells": cells,
                "timeliness": { "answered": times.len(), "median_working_days": median, "late": late, "open": open.len(), "overdue": overdue },
            });
            println!("{}", serde_json::to_string_pretty(&doc)?);
        }
    }
    if !broken.is_empty() {
        // Cannot happen: the tables are counts of the same rows. Said loudly if it ever does.
        anyhow::bail!("内部错误：由登记表生成的表格勾稽关系不成立：{:?}", broken.iter().map(|d| d.code).collect::<Vec<_>>());
    }
    Ok(ExitCode::SUCCESS)
}
