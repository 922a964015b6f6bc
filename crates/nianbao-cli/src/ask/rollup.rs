//! `nianbao rollup`: a group of agencies' tables of one year summed exactly, checked by
//! the table rules, written as Markdown, cells, JSON or an Excel workbook.

use super::*;

#[derive(Copy, Clone, ValueEnum, PartialEq, Eq, Debug)]
pub enum RollupFormat {
    /// 按统一格式的 Markdown 表格
    Md,
    /// key<TAB>value
    Cells,
    /// JSON
    Json,
    /// Excel（每张表一页，另有长表）
    Xlsx,
}

#[derive(clap::Args)]
pub struct RollupArgs {
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub db: DbArgs,
    /// 输出格式
    #[arg(long, value_enum, default_value_t = RollupFormat::Md)]
    pub format: RollupFormat,
    /// 输出文件（xlsx 必须给出）
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

pub fn rollup(args: RollupArgs) -> anyhow::Result<ExitCode> {
    let (rt, store) = open_read_only(&args.db)?;
    let r = rt.block_on(store.rollup(&args.filter.filter()?))?;
    // The roll-up is checked by the same rules; only table arithmetic applies to it.
    let diags: Vec<_> = nianbao_core::check(&r.report, None)
        .into_iter()
        .filter(|d| d.code.starts_with('T') || d.code.starts_with('V'))
        .collect();
    let mut text = String::new();
    match args.format {
        RollupFormat::Md => {
            use std::fmt::Write as _;
            let overall = format!(
                "本报告由 {} 个机关的 {} 年度政府信息公开工作年度报告汇总而成，表中数字为各机关所报数字之和。",
                r.included.len(),
                r.year
            );
            text.push_str(&render::markdown::render_with(
                &r.report,
                &[
                    (1, overall.as_str()),
                    (6, "信息处理费的收取情况见各机关年度报告的第六部分。"),
                ],
            ));
            let _ = writeln!(
                text,
                "\n---\n\n汇总了 {} 个机关的 {} 年度年报。",
                r.included.len(),
                r.year
            );
            if !r.duplicates.is_empty() {
                let _ = writeln!(
                    text,
                    "同一机关的重复年报未重复计入：{} 份。",
                    r.duplicates.len()
                );
            }
            if !r.other_format.is_empty() {
                let names: Vec<String> = r
                    .other_format
                    .iter()
                    .filter_map(|x| x.agency_name.clone())
                    .collect();
                let _ = writeln!(text, "使用另一种格式、未计入的年报：{}。", names.join("、"));
            }
            if diags.is_empty() {
                let _ = writeln!(text, "汇总表的勾稽关系全部成立。");
            }
            for d in &diags {
                let _ = writeln!(text, "- {} {}", d.code, d.message);
            }
            if !r.missing_agencies.is_empty() {
                let _ = writeln!(
                    text,
                    "\n本年度缺少年报的机关（语料库中有其他年度的）：{}",
                    r.missing_agencies.join("、")
                );
            }
            if !r.missing_places.is_empty() {
                let _ = writeln!(
                    text,
                    "\n区划内没有本年度人民政府年报的下级地区：{}",
                    r.missing_places.join("、")
                );
            }
        }
        RollupFormat::Cells => text = render::cells::render(&r.report),
        RollupFormat::Json => {
            let cells: serde_json::Map<String, serde_json::Value> = r
                .report
                .cells
                .iter()
                .map(|c| {
                    (
                        c.id.key().to_string(),
                        serde_json::to_value(c.value).unwrap_or_default(),
                    )
                })
                .collect();
            let v = serde_json::json!({
                "schema_version": 1,
                "year": r.year,
                "title": r.title,
                "template": r.report.template().as_str(),
                "reports": r.included.iter().map(|x| serde_json::json!({"id": x.id, "agency": x.agency_name, "region_code": x.region_code})).collect::<Vec<_>>(),
                "duplicates_left_out": r.duplicates.iter().map(|x| x.id).collect::<Vec<_>>(),
                "other_format_left_out": r.other_format.iter().map(|x| x.id).collect::<Vec<_>>(),
                "cells": cells,
                "diagnostics": diags.iter().map(|d| serde_json::json!({"code": d.code, "severity": d.severity.as_str(), "message": d.message})).collect::<Vec<_>>(),
                "missing_agencies": r.missing_agencies,
                "missing_places": r.missing_places,
            });
            text = serde_json::to_string_pretty(&v)? + "\n";
        }
        RollupFormat::Xlsx => {
            let out = args.out.as_ref().context("xlsx 输出需要 --out 文件名")?;
            let row = ReportRow {
                id: 0,
                year: Some(r.year.into()),
                agency_name: Some(r.title.clone()),
                agency_key: None,
                agency_id: None,
                region_code: args.filter.filter()?.region,
                level: None,
                kind: None,
                template: Some(r.report.template().as_str().into()),
                errors: 0,
                warnings: 0,
                origin: None,
            };
            let values: Vec<(String, String, bool)> = r
                .report
                .cells
                .iter()
                .map(|c| (c.id.key().into(), c.value.to_string(), false))
                .collect();
            write_xlsx(out, &[(row, values)])?;
            eprintln!("已写入 {}", out.display());
            return Ok(ExitCode::SUCCESS);
        }
    }
    write_out(args.out.as_ref(), text.as_bytes())?;
    Ok(if diags.iter().any(|d| d.severity == Severity::Error) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn write_out(path: Option<&PathBuf>, bytes: &[u8]) -> anyhow::Result<()> {
    match path {
        Some(p) => std::fs::write(p, bytes).with_context(|| format!("无法写入 {}", p.display())),
        None => {
            let mut out = io::stdout().lock();
            out.write_all(bytes)?;
            Ok(out.flush()?)
        }
    }
}
