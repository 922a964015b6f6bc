//! `nianbao`: read, check and benchmark 政府信息公开工作年度报告.
//!
//! A thin shell over `nianbao-core`: argument parsing, file walking, parallelism,
//! output and exit codes. Exit status: 0 fine, 1 findings (check: an error-level
//! diagnostic; parse: not an annual report), 2 usage or I/O error.

mod ask;
mod bench;
mod corpus;
mod deadline;
mod demo;
mod inputs;
mod register;
mod serve;
mod survey;
mod user;

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand, ValueEnum};
use nianbao_core::render;
use nianbao_core::{Diagnostic, Report, Severity};
use rayon::prelude::*;

#[derive(Parser)]
#[command(name = "nianbao", version, about = "读取、检查政府信息公开工作年度报告（年报）", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 读取年报并输出其数据（单元格、JSON 或 Markdown）
    Parse {
        /// 文件或目录（目录递归读取）；`-` 为标准输入
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// 输出格式
        #[arg(long, value_enum, default_value_t = ParseFormat::Cells)]
        format: ParseFormat,
        /// 把所有文件当作同一份年报的各页（网站分页发布，“第1页/共3页”），按给出的顺序合并读取
        #[arg(long)]
        join: bool,
    },
    /// 检查年报：勾稽关系、格式、完整性、正文与表格一致性、跨年度衔接
    Check {
        /// 文件或目录（目录递归读取）；`-` 为标准输入
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// 输出格式
        #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
        format: CheckFormat,
        /// 同一机关上一年度的年报，用于跨年度检查（Y3001）
        #[arg(long)]
        prior: Option<PathBuf>,
        /// 把所有文件当作同一份年报的各页，按给出的顺序合并读取
        #[arg(long)]
        join: bool,
    },
    /// 列出全部检查规则
    Rules,
    /// 显示某条规则的说明，例如 `nianbao explain T3001`
    Explain {
        /// 规则代码
        code: String,
    },
    /// 生成合成的年报（用于测试、演示和性能测试）
    Generate(demo::GenerateArgs),
    /// 生成演示年报并逐一检查（README 中的“主任务”）
    Demo {
        /// 演示文件写入的目录
        #[arg(long, default_value = "nianbao-demo")]
        dir: PathBuf,
    },
    /// 性能测试：解析 + 检查的吞吐量（单核与全部核心），与单纯读取文件对比
    Bench(bench::BenchArgs),
    /// 把年报导入语料库（SQLite 或 PostgreSQL）：相同文件只存一份，可中断后续导
    Import(corpus::ImportArgs),
    /// 用当前版本的解析器重新读取语料库中的年报（原文件保存在库中，不丢失任何内容）
    Reparse(corpus::ReparseArgs),
    /// 列出语料库中的机关及其所在地区、层级、类别和定位依据
    Agencies(corpus::AgenciesArgs),
    /// 人工指定机关所在地区（重新导入、重新解析后依然有效）
    Assign(corpus::AssignArgs),
    /// 列出语料库中符合条件的年报
    Query(ask::QueryArgs),
    /// 统计：单元格合计、比率、排名、趋势、问题分布
    Stats(ask::StatsArgs),
    /// 汇总一组机关（例如一个县的全部部门和乡镇）某年度的表二、表三、表四
    Rollup(ask::RollupArgs),
    /// 启动网页应用与 JSON API（默认 http://127.0.0.1:8080/）
    Serve(serve::ServeArgs),
    /// 计算依申请公开的答复期限并说明理由（工作日、补正重新计算、征求意见暂停、延期）
    Deadline(deadline::DeadlineArgs),
    /// 由依申请公开登记表（CSV）生成年度报告的表三、表四，并统计办理时限
    Register(register::RegisterArgs),
    /// 工作台账号
    #[command(subcommand)]
    User(user::UserCommand),
    /// 导出语料库数据：长表 CSV/JSON，或 Excel
    Export(ask::ExportArgs),
    /// 测评一批真实年报（无需标注）：识别率、统计表与单元格读出率、不确定单元格、各损坏模型的修复数、勾稽关系成立的年报数、各规则的问题数
    Survey(survey::SurveyArgs),
}

#[derive(Copy, Clone, ValueEnum, PartialEq, Eq)]
enum ParseFormat {
    /// `key<TAB>value`，见 cells.md
    Cells,
    /// 完整解析结果（JSON，含 schema_version）
    Json,
    /// 按统一格式重排的 Markdown
    Md,
}

#[derive(Copy, Clone, ValueEnum, PartialEq, Eq)]
enum CheckFormat {
    /// 编译器风格的中文诊断
    Human,
    /// JSON 数组，每个文件一个对象
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            eprintln!("nianbao: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Parse {
            files,
            format,
            join,
        } => parse_cmd(&files, format, join),
        Command::Check {
            files,
            format,
            prior,
            join,
        } => check_cmd(&files, format, prior.as_deref(), join),
        Command::Rules => {
            let mut out = io::stdout().lock();
            for r in nianbao_core::rules::RULES {
                let m = r.meta();
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}",
                    m.code,
                    m.severity.as_str(),
                    m.name,
                    m.title
                )?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain { code } => match nianbao_core::rules::by_code(&code) {
            Some(r) => {
                let m = r.meta();
                println!(
                    "# {} {}（{}，默认{}）\n\n{}",
                    m.code,
                    m.title,
                    m.name,
                    m.severity.chinese(),
                    m.doc_text()
                );
                Ok(ExitCode::SUCCESS)
            }
            None => {
                eprintln!("nianbao: 没有代码为 {code} 的规则；`nianbao rules` 列出全部规则");
                Ok(ExitCode::from(2))
            }
        },
        Command::Generate(args) => demo::generate(args),
        Command::Demo { dir } => demo::demo(&dir),
        Command::Bench(args) => bench::run(args),
        Command::Import(args) => corpus::import(args),
        Command::Reparse(args) => corpus::reparse(args),
        Command::Agencies(args) => corpus::agencies(args),
        Command::Assign(args) => corpus::assign(args),
        Command::Query(args) => ask::query(args),
        Command::Stats(args) => ask::stats(args),
        Command::Rollup(args) => ask::rollup(args),
        Command::Serve(args) => serve::serve(args),
        Command::Deadline(args) => deadline::run(args),
        Command::Register(args) => register::run(args),
        Command::User(cmd) => user::run(cmd),
        Command::Export(args) => ask::export(args),
        Command::Survey(args) => survey::run(args),
    }
}

/// The outcome of reading one input.
enum Outcome {
    Report(Box<Report>),
    NotAReport(String),
    Io(String),
}

fn read_input(input: &inputs::Input) -> (String, Outcome) {
    let name = input.name();
    let bytes = match input.read() {
        Ok(b) => b,
        Err(e) => return (name, Outcome::Io(e.to_string())),
    };
    match nianbao_read::parse_bytes(&bytes) {
        Ok(r) => (name, Outcome::Report(Box::new(r))),
        Err(e) => (name, Outcome::NotAReport(e.to_string())),
    }
}

/// Reads several files as the pages of one report (`--join`).
fn read_joined(inputs: &[inputs::Input]) -> (String, Outcome) {
    let name = inputs
        .iter()
        .map(inputs::Input::name)
        .collect::<Vec<_>>()
        .join(" + ");
    let mut pages = Vec::new();
    for i in inputs {
        match i.read() {
            Ok(b) => pages.push(b),
            Err(e) => return (name, Outcome::Io(format!("{}：{e}", i.name()))),
        }
    }
    let refs: Vec<&[u8]> = pages.iter().map(Vec::as_slice).collect();
    match nianbao_core::parse_pages(&refs) {
        Ok(r) => (name, Outcome::Report(Box::new(r))),
        Err(e) => (name, Outcome::NotAReport(e.to_string())),
    }
}

/// Runs `f` over every input in parallel and hands the results to `emit` in input order,
/// as soon as each one and all before it are done (streaming, bounded memory).
fn for_each_ordered<I: Sync, T: Send>(
    inputs: &[I],
    f: impl Fn(&I) -> T + Sync,
    mut emit: impl FnMut(T) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    // Chunks keep memory flat in the number of files while using every core.
    let chunk = (rayon::current_num_threads() * 8).max(8);
    // A progress bar on a terminal for long batches; nothing in pipes or CI.
    let bar = if inputs.len() >= 50 && io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(inputs.len() as u64);
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} 份 {per_sec} 剩余 {eta}")
        {
            bar.set_style(style);
        }
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    for batch in inputs.chunks(chunk) {
        let results: Vec<T> = batch.par_iter().map(&f).collect();
        for r in results {
            bar.suspend(|| emit(r))?;
            bar.inc(1);
        }
    }
    bar.finish_and_clear();
    Ok(())
}

/// The units of work: each file alone, or (`--join`) all files as one report.
fn groups(files: &[PathBuf], join: bool) -> anyhow::Result<Vec<Vec<inputs::Input>>> {
    let inputs = inputs::collect(files)?;
    Ok(if join {
        vec![inputs]
    } else {
        inputs.into_iter().map(|i| vec![i]).collect()
    })
}

fn read_group(group: &[inputs::Input]) -> (String, Outcome) {
    match group {
        [one] => read_input(one),
        many => read_joined(many),
    }
}

fn parse_cmd(files: &[PathBuf], format: ParseFormat, join: bool) -> anyhow::Result<ExitCode> {
    let inputs = groups(files, join)?;
    let many = inputs.len() > 1;
    let mut worst = 0u8;
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut first = true;
    if format == ParseFormat::Json && many {
        write!(out, "[")?;
    }
    for_each_ordered(
        &inputs,
        |g| {
            let (name, outcome) = read_group(g);
            let text = match &outcome {
                Outcome::Report(r) => Some(match format {
                    ParseFormat::Cells => render::cells::render(r),
                    ParseFormat::Md => render::markdown::render(r),
                    ParseFormat::Json => {
                        serde_json::to_string_pretty(&render::json::parse_output(&name, r))
                            .unwrap_or_default()
                    }
                }),
                _ => None,
            };
            (name, outcome, text)
        },
        |(name, outcome, text)| {
            match outcome {
                Outcome::Report(_) => {
                    let text = text.unwrap_or_default();
                    match format {
                        ParseFormat::Json if many => {
                            write!(out, "{}{}", if first { "" } else { "," }, text)?
                        }
                        ParseFormat::Json => writeln!(out, "{text}")?,
                        _ if many => write!(out, "# {name}\n{text}")?,
                        _ => write!(out, "{text}")?,
                    }
                    first = false;
                }
                Outcome::NotAReport(e) => {
                    eprintln!("nianbao: {name}: {e}");
                    worst = worst.max(1);
                }
                Outcome::Io(e) => {
                    eprintln!("nianbao: {name}: 无法读取：{e}");
                    worst = worst.max(2);
                }
            }
            Ok(())
        },
    )?;
    if format == ParseFormat::Json && many {
        writeln!(out, "]")?;
    }
    out.flush()?;
    Ok(ExitCode::from(worst))
}

fn check_cmd(
    files: &[PathBuf],
    format: CheckFormat,
    prior: Option<&std::path::Path>,
    join: bool,
) -> anyhow::Result<ExitCode> {
    let prior_report = match prior {
        Some(p) => {
            let bytes = std::fs::read(p).with_context(|| format!("无法读取 {}", p.display()))?;
            let r = nianbao_read::parse_bytes(&bytes)
                .map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?;
            Some(r)
        }
        None => None,
    };
    let inputs = groups(files, join)?;
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut any_error = false;
    let mut io_error = false;
    let mut first = true;
    let (mut n_err, mut n_warn, mut n_files) = (0usize, 0usize, 0usize);
    if format == CheckFormat::Json {
        write!(out, "[")?;
    }
    for_each_ordered(
        &inputs,
        |g| {
            let (name, outcome) = read_group(g);
            let rendered = match &outcome {
                Outcome::Report(r) => {
                    let diags = nianbao_core::check(r, prior_report.as_ref());
                    let has_error = diags.iter().any(|d| d.severity == Severity::Error);
                    let (e, w) = count(&diags);
                    let text = match format {
                        CheckFormat::Human => human(&name, r, &diags),
                        CheckFormat::Json => {
                            serde_json::to_string(&render::json::check_output(&name, r, &diags))
                                .unwrap_or_default()
                        }
                    };
                    Some((text, has_error, e, w))
                }
                _ => None,
            };
            (name, outcome, rendered)
        },
        |(name, outcome, rendered)| {
            n_files += 1;
            match (outcome, rendered) {
                (Outcome::Report(_), Some((text, has_error, e, w))) => {
                    any_error |= has_error;
                    n_err += e;
                    n_warn += w;
                    match format {
                        CheckFormat::Human => write!(out, "{text}")?,
                        CheckFormat::Json => {
                            write!(out, "{}\n{}", if first { "" } else { "," }, text)?;
                            first = false;
                        }
                    }
                }
                (Outcome::NotAReport(e), _) => {
                    eprintln!("nianbao: {name}: {e}");
                    any_error = true;
                }
                (Outcome::Io(e), _) => {
                    eprintln!("nianbao: {name}: 无法读取：{e}");
                    io_error = true;
                }
                _ => {}
            }
            Ok(())
        },
    )?;
    match format {
        CheckFormat::Json => writeln!(out, "\n]")?,
        CheckFormat::Human => writeln!(
            out,
            "共检查 {n_files} 个文件：{n_err} 个错误，{n_warn} 个警告"
        )?,
    }
    out.flush()?;
    Ok(ExitCode::from(if io_error {
        2
    } else if any_error {
        1
    } else {
        0
    }))
}

fn count(diags: &[Diagnostic]) -> (usize, usize) {
    let e = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let w = diags
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    (e, w)
}

fn human(name: &str, r: &Report, diags: &[Diagnostic]) -> String {
    let (e, w) = count(diags);
    let year = r
        .year()
        .map_or("年度不详".to_string(), |y| format!("{y}年度"));
    let agency = r.agency().unwrap_or("机关不详");
    let mut s = format!(
        "== {name}（{agency}，{year}，{}）：{e} 个错误，{w} 个警告\n",
        r.template().chinese()
    );
    s.push_str(&render::human::render_document(name, &r.document, diags));
    s
}
