//! The corpus commands that write: `import`, `reparse`, `agencies`, `assign`.
//!
//! Reading files is parallel (rayon); one writer stores them in batches, each batch one
//! transaction, so an interrupted import loses at most the batch in flight and the next
//! run — which skips every file already stored, by content hash — picks up from there.

use std::collections::BTreeMap;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::Instant;

use anyhow::Context as _;
use nianbao_core::place::Gazetteer;
use nianbao_store::{record, Incoming, NewDiagnostic, Outcome, Overrides, Saved, Store};
use rayon::prelude::*;

use crate::inputs;

/// Where the corpus is: `--db`, else `$NIANBAO_DB`, else the user's data directory.
#[derive(clap::Args, Clone)]
pub struct DbArgs {
    /// 语料库：SQLite 文件路径，或 postgres://… 连接串（默认：用户数据目录下的 nianbao/nianbao.db）
    #[arg(long, env = "NIANBAO_DB", global = true, hide_env_values = true)]
    pub db: Option<String>,
}

impl DbArgs {
    /// The store's location.
    pub fn location(&self) -> anyhow::Result<String> {
        if let Some(db) = &self.db {
            return Ok(db.clone());
        }
        let dir = dirs::data_dir().context("找不到用户数据目录；请用 --db 指定语料库位置")?;
        Ok(dir.join("nianbao").join("nianbao.db").display().to_string())
    }
}

/// A runtime for the store's async API, and the store.
pub fn open(db: &DbArgs) -> anyhow::Result<(tokio::runtime::Runtime, Store)> {
    let rt = runtime()?;
    let location = db.location()?;
    let store = rt.block_on(Store::open(&location))?;
    Ok((rt, store))
}

/// As [`open`], for commands that only read: a database file the user may only read
/// opens, and nothing in it is created or upgraded.
pub fn open_read_only(db: &DbArgs) -> anyhow::Result<(tokio::runtime::Runtime, Store)> {
    let rt = runtime()?;
    let location = db.location()?;
    let store = rt.block_on(Store::open_read_only(&location))?;
    Ok((rt, store))
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?)
}

#[derive(clap::Args)]
pub struct ImportArgs {
    /// 文件或目录（目录递归读取）
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub db: DbArgs,
    /// 每个事务写入的文件数（中断时至多丢失正在写入的这一批，重新运行即补上）
    #[arg(long, default_value_t = 128)]
    pub batch: usize,
}

/// What an import did.
#[derive(Default, Debug)]
struct Tally {
    read: usize,
    new: usize,
    duplicate: usize,
    failed: usize,
    errors: usize,
    warnings: usize,
    by_rule: BTreeMap<&'static str, usize>,
    failures: Vec<(String, String)>,
    new_ids: Vec<i64>,
}

impl Tally {
    /// Counts one stored file.
    fn count(&mut self, inc: &Incoming, saved: Saved) {
        match (saved, &inc.outcome) {
            (Saved::Duplicate, _) => self.duplicate += 1,
            (Saved::New(_), Outcome::Failed(e)) => {
                self.failed += 1;
                self.failures.push((inc.origin.clone(), e.clone()));
            }
            (Saved::New(id), Outcome::Parsed(r)) => {
                self.new += 1;
                self.new_ids.push(id);
                self.diagnostics(r.diagnostics.iter());
            }
        }
    }

    fn diagnostics<'a>(&mut self, diags: impl Iterator<Item = &'a NewDiagnostic>) {
        for d in diags {
            match d.severity {
                "error" => self.errors += 1,
                "warning" => self.warnings += 1,
                _ => {}
            }
            *self.by_rule.entry(d.code).or_default() += 1;
        }
    }

    /// Adds the writer's counts to the reader's.
    fn absorb(&mut self, o: Tally) {
        self.new += o.new;
        self.duplicate += o.duplicate;
        self.failed += o.failed;
        self.errors += o.errors;
        self.warnings += o.warnings;
        for (k, v) in o.by_rule {
            *self.by_rule.entry(k).or_default() += v;
        }
        self.failures.extend(o.failures);
        self.new_ids.extend(o.new_ids);
    }
}

fn bar(len: usize) -> indicatif::ProgressBar {
    if len >= 20 && io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(len as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{msg} {bar:40} {pos}/{len} 份 {per_sec} 剩余 {eta}",
        ) {
            bar.set_style(style);
        }
        bar
    } else {
        indicatif::ProgressBar::hidden()
    }
}

/// Reads one file into what the store keeps of it, and its kind.
fn read_outcome(bytes: &[u8], origin: &str, overrides: &Overrides) -> (Outcome, &'static str) {
    match nianbao_read::parse_bytes(bytes) {
        Ok(report) => {
            let diags = nianbao_core::check(&report, None);
            let kind = nianbao_read::kind_of(bytes, Some(&report));
            (
                Outcome::Parsed(Box::new(record::record(
                    &report,
                    &diags,
                    Some(origin),
                    overrides,
                ))),
                kind,
            )
        }
        Err(e) => (
            Outcome::Failed(e.to_string()),
            nianbao_read::kind_of(bytes, None),
        ),
    }
}

pub fn import(args: ImportArgs) -> anyhow::Result<ExitCode> {
    if args.paths.iter().any(|p| p.as_os_str() == "-") {
        anyhow::bail!("import 不读标准输入：语料库按文件记录来源，请给出文件或目录");
    }
    let started = Instant::now();
    let (rt, store) = open(&args.db)?;
    let overrides = rt.block_on(store.overrides())?;
    let files = inputs::collect(&args.paths)?;
    let bar = bar(files.len());
    bar.set_message("导入");
    let mut tally = Tally::default();

    // One writer thread stores batches while the next batch is read, and counts what it
    // stored; nothing of a stored batch is kept, so memory stays flat however many files.
    let (tx, rx) = mpsc::sync_channel::<Vec<Incoming>>(2);
    let handle = rt.handle().clone();
    let writer_store = store.clone();
    let writer = std::thread::spawn(move || -> anyhow::Result<Tally> {
        let mut t = Tally::default();
        for batch in rx {
            let saved = handle.block_on(writer_store.save(&batch))?;
            for (inc, saved) in batch.iter().zip(saved) {
                t.count(inc, saved);
            }
        }
        Ok(t)
    });

    /// A file's name, and its bytes with their SHA-256 (or why it could not be read).
    type Loaded = (String, anyhow::Result<(Vec<u8>, String)>);
    for chunk in files.chunks(args.batch.max(1)) {
        // Read and hash in parallel; skip what is stored already (only noting the origin).
        let loaded: Vec<Loaded> = chunk
            .par_iter()
            .map(|input| {
                let name = input.name();
                let r = input.read().map_err(anyhow::Error::from).map(|b| {
                    let h = nianbao_store::sha256_hex(&b);
                    (b, h)
                });
                (name, r)
            })
            .collect();
        let hashes: Vec<String> = loaded
            .iter()
            .filter_map(|(_, r)| r.as_ref().ok().map(|(_, h)| h.clone()))
            .collect();
        let known = rt.block_on(store.source_ids(&hashes))?;
        let mut fresh = Vec::new();
        let mut seen_again = Vec::new();
        for (name, r) in loaded {
            tally.read += 1;
            match r {
                Err(e) => {
                    tally.failed += 1;
                    tally.failures.push((name, format!("无法读取：{e}")));
                    bar.inc(1);
                }
                Ok((bytes, sha)) => match known.get(&sha) {
                    Some(&id) => {
                        seen_again.push((id, origin_of(&name)));
                        tally.duplicate += 1;
                        bar.inc(1);
                    }
                    None => fresh.push((bytes, sha, origin_of(&name))),
                },
            }
        }
        rt.block_on(store.add_origins(&seen_again))?;
        let batch: Vec<Incoming> = fresh
            .into_par_iter()
            .map(|(bytes, sha256, origin)| {
                let (outcome, kind) = read_outcome(&bytes, &origin, &overrides);
                Incoming {
                    kind,
                    sha256,
                    bytes,
                    origin,
                    outcome,
                }
            })
            .collect();
        bar.inc(batch.len() as u64);
        if tx.send(batch).is_err() {
            break; // the writer stopped: its error is reported below
        }
    }
    drop(tx);
    let stored = writer
        .join()
        .map_err(|_| anyhow::anyhow!("写入线程异常退出"))??;
    tally.absorb(stored);
    bar.finish_and_clear();
    let stored_at = started.elapsed().as_secs_f64();
    let cross = cross_year(&rt, &store, Some(&tally.new_ids))?;
    tally.diagnostics(cross.iter());
    let secs = started.elapsed().as_secs_f64();
    let counts = rt.block_on(store.counts())?;
    rt.block_on(store.close());
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "导入完成：读取 {} 个文件，新增 {} 份，重复 {} 份，无法读取 {} 份；用时 {secs:.1} 秒（{:.0} 份/秒；其中跨年度检查 {:.1} 秒）",
        tally.read,
        tally.new,
        tally.duplicate,
        tally.failed,
        tally.read as f64 / secs.max(1e-9),
        secs - stored_at
    )?;
    if tally.new > 0 {
        writeln!(
            out,
            "新增年报中：{} 个错误，{} 个警告（含跨年度检查 {} 条）",
            tally.errors,
            tally.warnings,
            cross.len()
        )?;
        for (code, n) in &tally.by_rule {
            let title = nianbao_core::rules::by_code(code).map_or("", |r| r.meta().title);
            writeln!(out, "  {code}  {n:>6}  {title}")?;
        }
    }
    for (name, e) in &tally.failures {
        writeln!(out, "无法读取：{name}：{e}")?;
    }
    writeln!(
        out,
        "语料库现有 {} 份年报、{} 个机关（{} 个未能定位，见 `nianbao agencies --unplaced`）",
        counts.reports, counts.agencies, counts.unplaced
    )?;
    Ok(ExitCode::SUCCESS)
}

/// A path as recorded: absolute where possible, so that the same file imported from
/// another directory is recognised.
fn origin_of(name: &str) -> String {
    std::fs::canonicalize(Path::new(name))
        .map_or_else(|_| name.to_string(), |p| p.display().to_string())
}

/// Runs the store's cross-year pass (see [`Store::check_across_years`]).
pub fn cross_year(
    rt: &tokio::runtime::Runtime,
    store: &Store,
    ids: Option<&[i64]>,
) -> anyhow::Result<Vec<NewDiagnostic>> {
    Ok(rt.block_on(store.check_across_years(ids))?)
}

#[derive(clap::Args)]
pub struct ReparseArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// 重新读取全部年报（默认只读取由其他版本解析器读取的）
    #[arg(long)]
    pub all: bool,
}

/// Reads stored sources again with this build's parser.
pub fn reparse(args: ReparseArgs) -> anyhow::Result<ExitCode> {
    let (rt, store) = open(&args.db)?;
    let overrides = rt.block_on(store.overrides())?;
    let ids = rt.block_on(store.stale_reports(args.all))?;
    let bar = bar(ids.len());
    bar.set_message("重新解析");
    let (mut ok, mut failed) = (0usize, 0usize);
    for chunk in ids.chunks(128) {
        let mut sources = Vec::new();
        for &id in chunk {
            let (bytes, origin) = rt.block_on(store.source_of(id))?;
            sources.push((id, bytes, origin));
        }
        let read: Vec<(i64, Outcome)> = sources
            .into_par_iter()
            .map(|(id, b, o)| (id, read_outcome(&b, &o, &overrides).0))
            .collect();
        for (id, outcome) in read {
            match &outcome {
                Outcome::Parsed(_) => ok += 1,
                Outcome::Failed(_) => failed += 1,
            }
            rt.block_on(store.replace(id, &outcome))?;
            bar.inc(1);
        }
    }
    bar.finish_and_clear();
    let cross = cross_year(&rt, &store, None)?;
    rt.block_on(store.close());
    println!(
        "重新解析 {} 份（解析器 {}）：{ok} 份读取成功，{failed} 份无法读取；跨年度检查 {} 条",
        ids.len(),
        nianbao_core::PARSER_VERSION,
        cross.len()
    );
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Args)]
pub struct AgenciesArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// 只列出未能定位（同名歧义或无法识别）的机关
    #[arg(long)]
    pub unplaced: bool,
    /// 只列出该地区（名称或区划代码）内的机关
    #[arg(long)]
    pub region: Option<String>,
    /// 输出格式
    #[arg(long, value_enum, default_value_t = crate::ask::TableFormat::Table)]
    pub format: crate::ask::TableFormat,
}

pub fn agencies(args: AgenciesArgs) -> anyhow::Result<ExitCode> {
    let (rt, store) = open_read_only(&args.db)?;
    let region = match &args.region {
        Some(r) => Some(crate::ask::region_code(r)?),
        None => None,
    };
    let rows = rt.block_on(store.agencies(args.unplaced, region.as_deref()))?;
    let g = Gazetteer::get();
    let header = [
        "机关",
        "地区",
        "区划代码",
        "层级",
        "类别",
        "定位",
        "依据",
        "候选",
        "年报数",
        "年度",
    ];
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|a| {
            let path = g.path_of(a.region_code.as_deref()).unwrap_or_default();
            let candidates: Vec<String> = a
                .candidates
                .split_whitespace()
                .filter_map(|c| g.by_code(c))
                .map(|d| format!("{}（{}）", g.path(d), d.code))
                .collect();
            vec![
                a.name.clone(),
                path,
                a.region_code.clone().unwrap_or_default(),
                a.level.clone().unwrap_or_default(),
                a.kind_name.clone(),
                resolution_zh(&a.resolution).to_string(),
                a.evidence.clone(),
                candidates.join("、"),
                a.reports.to_string(),
                a.years.clone(),
            ]
        })
        .collect();
    crate::ask::print_table(args.format, &header, &body)?;
    Ok(ExitCode::SUCCESS)
}

fn resolution_zh(r: &str) -> &'static str {
    match r {
        "resolved" => "已定位",
        "manual" => "人工指定",
        "ambiguous" => "同名歧义",
        _ => "无法识别",
    }
}

#[derive(clap::Args)]
pub struct AssignArgs {
    /// 年报上印的机关名称，例如 西大街
    pub name: String,
    /// 所属地区：区划代码或名称（例如 410502006，或 河南省安阳市文峰区西大街街道）
    pub region: String,
    /// 该机关是这一地区的某个部门（例如 审计局）；省略则为该地区的人民政府（街道办事处）
    #[arg(long)]
    pub department: Option<String>,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Places an agency by hand; kept across re-imports and reparses.
pub fn assign(args: AssignArgs) -> anyhow::Result<ExitCode> {
    let code = crate::ask::region_code(&args.region)?;
    let (rt, store) = open(&args.db)?;
    let n = rt.block_on(store.assign(&args.name, &code, args.department.as_deref()))?;
    let cross = cross_year(&rt, &store, None)?;
    let g = Gazetteer::get();
    let path = g.path_of(Some(&code)).unwrap_or_default();
    println!(
        "已将“{}”指定到 {path}（{code}），涉及已存年报 {n} 份；跨年度检查 {} 条",
        args.name,
        cross.len()
    );
    Ok(ExitCode::SUCCESS)
}
