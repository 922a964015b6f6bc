//! The corpus commands that read: `query`, `stats`, `rollup`, `export`.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::ValueEnum;
use nianbao_core::metric::{Metric, METRICS};
use nianbao_core::place::{Gazetteer, Level};
use nianbao_core::template::{CellId, TableId};
use nianbao_core::{render, Severity};
use nianbao_store::query::{Filter, GroupBy, ReportRow};
use nianbao_store::Store;
use unicode_width::UnicodeWidthStr;

use crate::corpus::{open_read_only, DbArgs};

mod export;
mod rollup;

pub use export::*;
pub use rollup::*;

/// Output of a table of answers.
#[derive(Copy, Clone, ValueEnum, PartialEq, Eq, Debug)]
pub enum TableFormat {
    /// 对齐的表格（终端）
    Table,
    /// CSV
    Csv,
    /// JSON（对象数组）
    Json,
}

/// The filters every question takes.
#[derive(clap::Args, Clone, Default)]
pub struct FilterArgs {
    /// 地区：名称或区划代码，任一层级（例如 泉州市、山海关区、350505）
    #[arg(long)]
    pub region: Option<String>,
    /// 年度：2023，或范围 2021-2024
    #[arg(long)]
    pub year: Option<String>,
    /// 层级：省、市、县、乡镇街道
    #[arg(long)]
    pub level: Option<String>,
    /// 类别：人民政府 或 部门
    #[arg(long)]
    pub kind: Option<String>,
    /// 只看有错误的年报
    #[arg(long)]
    pub has_errors: bool,
    /// 只看触发该规则的年报（例如 T3001）
    #[arg(long)]
    pub rule: Option<String>,
    /// 机关名称包含
    #[arg(long)]
    pub agency: Option<String>,
}

/// The division code a user means by `query` (a code, a path or a unique name).
pub fn region_code(query: &str) -> anyhow::Result<String> {
    Ok(Gazetteer::get()
        .resolve(query)
        .map_err(anyhow::Error::msg)?
        .code
        .to_string())
}

fn parse_years(s: &str) -> anyhow::Result<(u16, u16)> {
    let bad = || anyhow::anyhow!("年度应为 2023 或 2021-2024 的形式，而不是“{s}”");
    let (a, b) = s.split_once(['-', '—', '~', '～']).unwrap_or((s, s));
    let a: u16 = a.trim().parse().map_err(|_| bad())?;
    let b: u16 = b.trim().parse().map_err(|_| bad())?;
    if a > b {
        return Err(bad());
    }
    Ok((a, b))
}

impl FilterArgs {
    /// The store's filter.
    pub fn filter(&self) -> anyhow::Result<Filter> {
        let mut f = Filter::default();
        if let Some(r) = &self.region {
            f.region = Some(region_code(r)?);
        }
        if let Some(y) = &self.year {
            let (a, b) = parse_years(y)?;
            f.year_from = Some(a);
            f.year_to = Some(b);
        }
        if let Some(l) = &self.level {
            let level = Level::from_chinese(l)
                .with_context(|| format!("层级应为 省、市、县 或 乡镇街道，而不是“{l}”"))?;
            f.level = Some(level.chinese().to_string());
        }
        if let Some(k) = &self.kind {
            anyhow::ensure!(
                k == "人民政府" || k == "部门",
                "类别应为 人民政府 或 部门，而不是“{k}”"
            );
            f.kind = Some(k.clone());
        }
        f.has_errors = self.has_errors;
        if let Some(code) = &self.rule {
            anyhow::ensure!(
                nianbao_core::rules::by_code(code).is_some(),
                "没有代码为 {code} 的规则；`nianbao rules` 列出全部规则"
            );
            f.rule = Some(code.to_uppercase());
        }
        f.agency = self.agency.clone();
        Ok(f)
    }
}

/// Prints rows as an aligned table, CSV or JSON objects.
pub fn print_table(
    format: TableFormat,
    header: &[&str],
    rows: &[Vec<String>],
) -> anyhow::Result<()> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    match format {
        TableFormat::Table => {
            let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
            for r in rows {
                for (i, c) in r.iter().enumerate() {
                    widths[i] = widths[i].max(c.width().min(60));
                }
            }
            let line = |out: &mut io::BufWriter<io::StdoutLock<'_>>,
                        cells: &mut dyn Iterator<Item = &str>|
             -> io::Result<()> {
                let mut s = String::new();
                for (i, c) in cells.enumerate() {
                    let pad = widths[i].saturating_sub(c.width());
                    s.push_str(c);
                    s.push_str(&" ".repeat(pad + 2));
                }
                writeln!(out, "{}", s.trim_end())
            };
            line(&mut out, &mut header.iter().copied())?;
            line(
                &mut out,
                &mut widths
                    .iter()
                    .map(|&w| "─".repeat(w))
                    .collect::<Vec<_>>()
                    .iter()
                    .map(String::as_str),
            )?;
            for r in rows {
                line(&mut out, &mut r.iter().map(String::as_str))?;
            }
        }
        TableFormat::Csv => {
            let mut w = csv::Writer::from_writer(&mut out);
            w.write_record(header)?;
            for r in rows {
                w.write_record(r)?;
            }
            w.flush()?;
        }
        TableFormat::Json => {
            let objects: Vec<serde_json::Map<String, serde_json::Value>> = rows
                .iter()
                .map(|r| {
                    header
                        .iter()
                        .zip(r)
                        .map(|(h, v)| (h.to_string(), json_value(v)))
                        .collect()
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &objects)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(())
}

/// Numbers stay numbers in JSON.
fn json_value(v: &str) -> serde_json::Value {
    if !v.is_empty()
        && v.bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
    {
        if let Ok(n) = v.parse::<i64>() {
            return serde_json::Value::from(n);
        }
        if let Ok(n) = v.parse::<f64>() {
            if let Some(n) = serde_json::Number::from_f64(n) {
                return serde_json::Value::Number(n);
            }
        }
    }
    serde_json::Value::String(v.to_string())
}

fn label(group: GroupBy, value: Option<&str>, agency_labels: &HashMap<String, String>) -> String {
    nianbao_store::group_label(group, value, agency_labels)
}

// ---------------------------------------------------------------------------
// query
// ---------------------------------------------------------------------------

#[derive(clap::Args)]
pub struct QueryArgs {
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub db: DbArgs,
    /// 最多列出的份数
    #[arg(long, default_value_t = 50)]
    pub limit: i64,
    /// 跳过的份数（分页）
    #[arg(long, default_value_t = 0)]
    pub offset: i64,
    /// 输出格式
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    pub format: TableFormat,
    /// 显示这一份年报（按 ID）的全部诊断
    #[arg(long)]
    pub id: Option<i64>,
}

pub fn query(args: QueryArgs) -> anyhow::Result<ExitCode> {
    let (rt, store) = open_read_only(&args.db)?;
    if let Some(id) = args.id {
        let diags = rt.block_on(store.diagnostics_of(id))?;
        let header = ["阶段", "代码", "级别", "信息", "单元格", "行"];
        let rows: Vec<Vec<String>> = diags
            .into_iter()
            .map(|(stage, code, sev, msg, cells, line)| {
                let stage = if stage == "corpus" {
                    "跨年度"
                } else {
                    "本报告"
                };
                vec![
                    stage.into(),
                    code,
                    sev,
                    msg,
                    cells,
                    line.map(|l| l.to_string()).unwrap_or_default(),
                ]
            })
            .collect();
        print_table(args.format, &header, &rows)?;
        return Ok(ExitCode::SUCCESS);
    }
    let filter = args.filter.filter()?;
    let rows = rt.block_on(store.reports(&filter, args.limit, args.offset))?;
    let g = Gazetteer::get();
    let header = [
        "ID", "年度", "机关", "地区", "层级", "类别", "格式", "错误", "警告", "来源",
    ];
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let path = g.path_of(r.region_code.as_deref()).unwrap_or_default();
            vec![
                r.id.to_string(),
                r.year.map(|y| y.to_string()).unwrap_or_default(),
                r.agency_name.clone().unwrap_or_default(),
                path,
                r.level.clone().unwrap_or_default(),
                r.kind.clone().unwrap_or_default(),
                r.template.clone().unwrap_or_default(),
                r.errors.to_string(),
                r.warnings.to_string(),
                r.origin.clone().unwrap_or_default(),
            ]
        })
        .collect();
    print_table(args.format, &header, &body)?;
    Ok(ExitCode::SUCCESS)
}

// ---------------------------------------------------------------------------
// stats
// ---------------------------------------------------------------------------

/// `--by NAME` → a grouping, the error listing every name.
fn parse_group(name: &str) -> Result<GroupBy, String> {
    GroupBy::from_name(name).ok_or_else(|| {
        let names: Vec<String> = GroupBy::ALL
            .iter()
            .map(|(_, n, t)| format!("{n}（{t}）"))
            .collect();
        format!("分组应为 {}", names.join("、"))
    })
}

#[derive(clap::Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub db: DbArgs,
    /// 分组方式：all、year、province、city、county、township、agency、level、kind
    #[arg(long, value_parser = parse_group, default_value = "year")]
    pub by: GroupBy,
    /// 指标：名称（见 --list-metrics）或单元格键（如 t3.new.total）；可重复
    #[arg(long = "metric", short = 'm')]
    pub metrics: Vec<String>,
    /// 排名：按第一个指标从高到低，只列前 N 组（默认按机关分组）
    #[arg(long)]
    pub rank: Option<usize>,
    /// 趋势：按年度分组，并给出第一个指标的同比变化
    #[arg(long)]
    pub trend: bool,
    /// 问题分布：各规则触发的次数与年报数（按分组）
    #[arg(long)]
    pub rules: bool,
    /// 列出全部指标及其定义
    #[arg(long)]
    pub list_metrics: bool,
    /// 输出格式
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    pub format: TableFormat,
}

const DEFAULT_METRICS: [&str; 5] = [
    "requests",
    "processed",
    "granted_share",
    "unavailable_share",
    "review_correction_rate",
];

pub fn stats(args: StatsArgs) -> anyhow::Result<ExitCode> {
    if args.list_metrics {
        let rows: Vec<Vec<String>> = METRICS
            .iter()
            .map(|m| {
                vec![
                    m.name.to_string(),
                    m.title.to_string(),
                    m.definition.to_string(),
                ]
            })
            .collect();
        print_table(args.format, &["指标", "名称", "定义"], &rows)?;
        println!("另可用任一单元格键（如 t3.new.natural）作为指标，即该单元格之和。");
        return Ok(ExitCode::SUCCESS);
    }
    let metrics: Vec<Metric> = if args.metrics.is_empty() {
        DEFAULT_METRICS
            .iter()
            .filter_map(|m| Metric::by_name(m))
            .collect()
    } else {
        args.metrics
            .iter()
            .map(|m| {
                Metric::by_name(m).with_context(|| {
                    format!(
                        "没有名为 {m} 的指标或单元格；`nianbao stats --list-metrics` 列出全部指标"
                    )
                })
            })
            .collect::<anyhow::Result<_>>()?
    };
    let filter = args.filter.filter()?;
    let group = if args.trend {
        GroupBy::Year
    } else if args.rank.is_some() && args.by == GroupBy::Year {
        GroupBy::Agency
    } else {
        args.by
    };
    let (rt, store) = open_read_only(&args.db)?;
    // Agency labels are looked up only when the groups are agencies.
    let names = if group == GroupBy::Agency {
        agency_names(&rt, &store)?
    } else {
        HashMap::new()
    };

    if args.rules {
        let counts = rt.block_on(store.rule_counts(&filter, group))?;
        let header = ["分组", "规则", "级别", "名称", "次数", "年报数"];
        let rows: Vec<Vec<String>> = counts
            .into_iter()
            .map(|(g, code, sev, n, reports)| {
                let title = nianbao_core::rules::by_code(&code)
                    .map_or("", |r| r.meta().title)
                    .to_string();
                vec![
                    label(group, g.as_deref(), &names),
                    code,
                    sev,
                    title,
                    n.to_string(),
                    reports.to_string(),
                ]
            })
            .collect();
        print_table(args.format, &header, &rows)?;
        return Ok(ExitCode::SUCCESS);
    }

    let measured = rt.block_on(store.measures(&filter, group, &metrics))?;
    let n_reports: HashMap<Option<String>, i64> = measured
        .iter()
        .map(|r| (r.group.clone(), r.reports))
        .collect();
    let mut rows: Vec<(Option<String>, Vec<Option<f64>>)> =
        measured.into_iter().map(|r| (r.group, r.values)).collect();
    if let Some(n) = args.rank {
        rows.retain(|r| r.1[0].is_some());
        rows.sort_by(|a, b| {
            b.1[0]
                .partial_cmp(&a.1[0])
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        rows.truncate(n);
    }
    let mut header: Vec<String> = vec!["分组".into(), "年报数".into()];
    header.extend(metrics.iter().map(|m| format!("{}（{}）", m.title, m.name)));
    if args.trend {
        header.push(format!("{}同比", metrics[0].title));
    }
    let fmt = |m: &Metric, v: Option<f64>| match v {
        None => "—".to_string(),
        Some(v) if m.is_ratio() => format!("{v:.2}"),
        Some(v) => format!("{}", v.round() as i64),
    };
    let mut body = Vec::new();
    let mut previous: Option<f64> = None;
    for (rank, (g, values)) in rows.iter().enumerate() {
        let mut r = vec![
            label(group, g.as_deref(), &names),
            n_reports.get(g).copied().unwrap_or(0).to_string(),
        ];
        if args.rank.is_some() {
            r[0] = format!("{}. {}", rank + 1, r[0]);
        }
        r.extend(metrics.iter().zip(values).map(|(m, v)| fmt(m, *v)));
        if args.trend {
            let now = values[0];
            r.push(match (previous, now) {
                (Some(p), Some(n)) if p != 0.0 => format!("{:+.1}%", (n - p) / p * 100.0),
                _ => "—".into(),
            });
            previous = now;
        }
        body.push(r);
    }
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    print_table(args.format, &header, &body)?;
    if args.format == TableFormat::Table {
        for m in metrics.iter().filter(|m| m.is_ratio()) {
            println!("注：{} = {}（各年报合计后相除）", m.title, m.definition);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Agency key → `name（path）`, for labels.
fn agency_names(
    rt: &tokio::runtime::Runtime,
    store: &Store,
) -> anyhow::Result<HashMap<String, String>> {
    Ok(rt.block_on(store.agency_labels())?)
}
