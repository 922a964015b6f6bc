//! `nianbao register`: an agency's register of requests (and of reconsiderations and
//! suits), kept as a spreadsheet exported to CSV, turned into the annual report's tables 三
//! and 四 — every cell a count of the same rows, so the identities hold by construction —
//! with every row validated first (all errors listed by row), and the timeliness of the
//! year beside it: answers past the statutory deadline, open requests overdue, processing
//! time in working days.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::ValueEnum;
use jiff::civil::Date;
use nianbao_core::calendar::Calendar;
use nianbao_core::register::timeliness::{timeliness, Tracked};
use nianbao_core::register::{import, table3, table4, Request};
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
    /// 依申请公开登记表（CSV 或 XLSX；列：收到日期、申请人类型、答复日期、办理结果，可选 编号、补正通知日期、补正收到日期、征求意见日期、征求意见答复日期、延期批准日期、延期工作日数）
    pub requests: PathBuf,
    /// 行政复议、行政诉讼登记表（CSV 或 XLSX；列：类别〔行政复议/直接起诉/复议后起诉〕、提起日期、结果日期、结果〔维持/纠正/其他〕）
    #[arg(long)]
    pub reviews: Option<PathBuf>,
    /// 统计年度（2000–2100）
    #[arg(long, value_parser = clap::value_parser!(i16).range(2000..=2100))]
    pub year: i16,
    /// 机关名称（写入报告）
    #[arg(long, default_value = "本机关")]
    pub agency: String,
    /// 输出格式
    #[arg(long, value_enum, default_value_t = RegisterFormat::Md)]
    pub format: RegisterFormat,
}

/// The rows of a register file (CSV or XLSX).
fn read_sheet(path: &PathBuf) -> anyhow::Result<Vec<nianbao_core::register::import::SheetRow>> {
    let bytes = std::fs::read(path).with_context(|| format!("无法读取 {}", path.display()))?;
    nianbao_read::sheet::rows(&path.display().to_string(), &bytes).map_err(anyhow::Error::msg)
}

pub fn run(args: RegisterArgs) -> anyhow::Result<ExitCode> {
    let rows = import::requests(&read_sheet(&args.requests)?);
    let reviews = match &args.reviews {
        Some(p) => import::reviews(&read_sheet(p)?),
        None => Ok(Vec::new()),
    };
    let (rows, reviews) = match (rows, reviews) {
        (Ok(r), Ok(v)) => (r, v),
        (rows, reviews) => {
            let errors = rows.err().unwrap_or_default();
            let review_errors = reviews.err().unwrap_or_default();
            for e in &errors {
                eprintln!("{}：{e}", args.requests.display());
            }
            for e in &review_errors {
                eprintln!(
                    "{}：{e}",
                    args.reviews
                        .as_ref()
                        .map_or(String::new(), |p| p.display().to_string())
                );
            }
            eprintln!(
                "登记表有 {} 处错误，未生成报表；改正后重新运行",
                errors.len() + review_errors.len()
            );
            return Ok(ExitCode::from(1));
        }
    };
    let requests: Vec<Request> = rows.iter().map(|r| r.request.clone()).collect();
    let mut values = table3(&requests, args.year)?;
    values.extend(table4(&reviews, args.year)?);
    let report = Report::from_values(
        u16::try_from(args.year).ok(),
        &args.agency,
        Format::V2021,
        values,
    );

    // Timeliness (beyond the statute): late answers, overdue open requests, processing time.
    let tracked: Vec<Tracked> = rows
        .iter()
        .map(|r| Tracked {
            id: r.id.clone(),
            request: r.request.clone(),
            events: r.events.clone(),
        })
        .collect();
    let t = timeliness(
        Calendar::official(),
        &tracked,
        args.year,
        Date::new(args.year, 12, 31)?,
    )
    .map_err(|(id, e)| {
        anyhow::anyhow!(
            "{}：{id} 的补正、征求意见或延期日期前后矛盾（{e}）",
            args.requests.display()
        )
    })?;
    let late: Vec<String> = t
        .late
        .iter()
        .map(|(id, a, d)| format!("{id}（答复 {a}，期限 {d}）"))
        .collect();
    let overdue: Vec<String> = t
        .overdue
        .iter()
        .map(|(id, d)| format!("{id}（期限 {d}）"))
        .collect();
    let broken: Vec<_> = nianbao_core::rules::run_all(&report, None)
        .into_iter()
        .filter(|d| d.code.starts_with('T'))
        .collect();
    match args.format {
        RegisterFormat::Cells => print!("{}", nianbao_core::render::cells::render(&report)),
        RegisterFormat::Md => {
            print!("{}", nianbao_core::render::markdown::render(&report));
            println!("## 办理时限（登记表 {} 条）\n", rows.len());
            println!(
                "- 本年办结 {} 件，办理用时中位数 {} 个工作日",
                t.answered,
                t.median_days.map_or("—".into(), |m| m.to_string())
            );
            let bands: Vec<String> = t.bands.iter().map(|(l, n)| format!("{l} {n} 件")).collect();
            println!("- 办理用时分布：{}", bands.join("，"));
            println!(
                "- 超过法定期限答复：{} 件{}",
                late.len(),
                if late.is_empty() {
                    String::new()
                } else {
                    format!("：{}", late.join("、"))
                }
            );
            println!(
                "- 年末未办结 {} 件，其中已超期 {} 件{}",
                t.open,
                overdue.len(),
                if overdue.is_empty() {
                    String::new()
                } else {
                    format!("：{}", overdue.join("、"))
                }
            );
            let oldest: Vec<String> = t
                .oldest_open
                .iter()
                .map(|(id, d, n)| format!("{id}（{d} 收到，已 {n} 个工作日）"))
                .collect();
            if !oldest.is_empty() {
                println!("- 最早的未办结申请：{}", oldest.join("、"));
            }
        }
        RegisterFormat::Json => {
            let cells: serde_json::Map<String, serde_json::Value> = report
                .cells
                .iter()
                .map(|c| (c.id.key().to_string(), serde_json::json!(c.value.as_i64())))
                .collect();
            let doc = serde_json::json!({
                "schema_version": 1, "year": args.year, "agency": args.agency, "rows": rows.len(), "cells": cells,
                "timeliness": {
                    "answered": t.answered, "median_working_days": t.median_days, "late": late, "open": t.open, "overdue": overdue,
                    "bands": t.bands.iter().map(|(l, n)| serde_json::json!({"band": l, "count": n})).collect::<Vec<_>>(),
                },
            });
            println!("{}", serde_json::to_string_pretty(&doc)?);
        }
    }
    if !broken.is_empty() {
        // Cannot happen: the tables are counts of the same rows. Said loudly if it ever does.
        anyhow::bail!(
            "内部错误：由登记表生成的表格勾稽关系不成立：{:?}",
            broken.iter().map(|d| d.code).collect::<Vec<_>>()
        );
    }
    Ok(ExitCode::SUCCESS)
}
