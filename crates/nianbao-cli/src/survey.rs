//! `nianbao survey DIR`: a label-free measure of the reader over any folder of real
//! reports (语料测评) — how many are recognised, how many of their tables and cells are
//! read or left uncertain, what damage was repaired and how, how many reports' identities
//! all hold, and the findings by rule. Run it before and after a change to see the
//! change's effect on hundreds of unlabelled reports.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use nianbao_core::align::{codes, DamageModel};
use nianbao_core::template::TableId;
use nianbao_core::{Diagnostic, Report};
use serde::Serialize;

use crate::Outcome;

#[derive(clap::Args)]
pub struct SurveyArgs {
    /// 年报文件或目录（目录递归读取）
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// 输出格式
    #[arg(long, value_enum, default_value_t = SurveyFormat::Human)]
    pub format: SurveyFormat,
}

#[derive(Copy, Clone, clap::ValueEnum, PartialEq, Eq)]
pub enum SurveyFormat {
    /// 中文摘要
    Human,
    /// JSON（含 schema_version 与每个文件的数字）
    Json,
}

/// Version of the survey's JSON; bumped on any incompatible change.
pub const SURVEY_SCHEMA_VERSION: u32 = 1;

/// The identity rules (勾稽关系): a report "holds" when none of them fires.
const IDENTITY_RULES: [&str; 5] = ["T3001", "T3002", "T3003", "T3004", "T4001"];

/// One file's figures.
#[derive(Serialize, Default)]
struct FileFigures {
    name: String,
    /// Read as a report at all.
    recognised: bool,
    /// Why not, when not (Chinese).
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    /// The file could not be read at all (missing, unreadable).
    #[serde(skip)]
    io_error: bool,
    /// Tables 二, 三, 四 with at least one cell read.
    tables_read: u8,
    cells_read: usize,
    cells_uncertain: usize,
    /// Whether every identity rule is silent (only when table 三 was read).
    identities_hold: bool,
    /// Rows repaired, by damage model key.
    recoveries: BTreeMap<&'static str, usize>,
    /// The body came flattened into one line.
    reflowed: bool,
    findings: BTreeMap<&'static str, usize>,
}

impl FileFigures {
    fn of(name: String, r: &Report, diags: &[Diagnostic]) -> FileFigures {
        let mut tables = [false; 3];
        for c in &r.cells {
            tables[match c.id.def().table {
                TableId::T2 => 0,
                TableId::T3 => 1,
                TableId::T4 => 2,
            }] = true;
        }
        let cells_uncertain = diags
            .iter()
            .filter(|d| d.code == codes::UNREADABLE_ROW)
            .map(|d| d.cells.len())
            .sum();
        let mut recoveries = BTreeMap::new();
        for row in &r.damage.rows {
            for m in &row.models {
                *recoveries.entry(m.key()).or_default() += 1;
            }
        }
        let mut findings = BTreeMap::new();
        for d in diags {
            *findings.entry(d.code).or_default() += 1;
        }
        FileFigures {
            name,
            recognised: true,
            error: None,
            io_error: false,
            tables_read: tables.iter().filter(|&&t| t).count() as u8,
            cells_read: r.cells.len(),
            cells_uncertain,
            identities_hold: tables[1] && !diags.iter().any(|d| IDENTITY_RULES.contains(&d.code)),
            recoveries,
            reflowed: r.damage.reflowed,
            findings,
        }
    }
}

/// The folder's figures.
#[derive(Serialize, Default)]
struct Survey {
    schema_version: u32,
    files: usize,
    recognised: usize,
    tables_read: usize,
    cells_read: usize,
    cells_uncertain: usize,
    identities_hold: usize,
    reflowed: usize,
    recoveries: BTreeMap<&'static str, usize>,
    findings: BTreeMap<&'static str, usize>,
    per_file: Vec<FileFigures>,
}

impl Survey {
    fn add(&mut self, f: FileFigures) {
        self.files += 1;
        self.recognised += usize::from(f.recognised);
        self.tables_read += usize::from(f.tables_read);
        self.cells_read += f.cells_read;
        self.cells_uncertain += f.cells_uncertain;
        self.identities_hold += usize::from(f.identities_hold);
        self.reflowed += usize::from(f.reflowed);
        for (k, v) in &f.recoveries {
            *self.recoveries.entry(k).or_default() += v;
        }
        for (k, v) in &f.findings {
            *self.findings.entry(k).or_default() += v;
        }
        self.per_file.push(f);
    }

    fn human(&self, out: &mut impl Write) -> io::Result<()> {
        let pct = |a: usize, b: usize| {
            if b == 0 {
                "—".to_string()
            } else {
                format!("{:.1}%", a as f64 * 100.0 / b as f64)
            }
        };
        let cells = self.cells_read + self.cells_uncertain;
        writeln!(out, "共 {} 个文件", self.files)?;
        writeln!(
            out,
            "识别为年报：{}（{}）；未识别或无法读取：{}",
            self.recognised,
            pct(self.recognised, self.files),
            self.files - self.recognised
        )?;
        let unrecognised: Vec<&FileFigures> =
            self.per_file.iter().filter(|f| !f.recognised).collect();
        for f in unrecognised.iter().take(10) {
            writeln!(
                out,
                "  未识别：{}（{}）",
                f.name,
                f.error.as_deref().unwrap_or("")
            )?;
        }
        if unrecognised.len() > 10 {
            writeln!(out, "  …… 另有 {} 个", unrecognised.len() - 10)?;
        }
        writeln!(
            out,
            "统计表读出：{} / {}（{}）",
            self.tables_read,
            self.recognised * 3,
            pct(self.tables_read, self.recognised * 3)
        )?;
        writeln!(
            out,
            "单元格：读出 {}，不确定 {}（读出率 {}）",
            self.cells_read,
            self.cells_uncertain,
            pct(self.cells_read, cells)
        )?;
        writeln!(
            out,
            "勾稽关系全部成立的年报：{}（{}）",
            self.identities_hold,
            pct(self.identities_hold, self.recognised)
        )?;
        write!(out, "修复：正文被压成一行 {} 份", self.reflowed)?;
        for m in DamageModel::ALL {
            write!(
                out,
                "；{} {} 行",
                m.name(),
                self.recoveries.get(m.key()).copied().unwrap_or(0)
            )?;
        }
        writeln!(out)?;
        let findings: Vec<String> = self
            .findings
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        writeln!(
            out,
            "问题（按规则）：{}",
            if findings.is_empty() {
                "无".to_string()
            } else {
                findings.join("，")
            }
        )
    }
}

pub fn run(args: SurveyArgs) -> anyhow::Result<ExitCode> {
    let groups = crate::groups(&args.files, false)?;
    let mut survey = Survey {
        schema_version: SURVEY_SCHEMA_VERSION,
        ..Survey::default()
    };
    crate::for_each_ordered(
        &groups,
        |g| {
            let (name, outcome) = crate::read_group(g);
            match outcome {
                Outcome::Report(r) => {
                    let diags = nianbao_core::check(&r, None);
                    FileFigures::of(name, &r, &diags)
                }
                Outcome::NotAReport(e) => FileFigures {
                    name,
                    error: Some(e),
                    ..FileFigures::default()
                },
                Outcome::Io(e) => FileFigures {
                    name,
                    error: Some(format!("无法读取：{e}")),
                    io_error: true,
                    ..FileFigures::default()
                },
            }
        },
        |f| {
            survey.add(f);
            Ok(())
        },
    )?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    match args.format {
        SurveyFormat::Human => survey.human(&mut out)?,
        SurveyFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &survey)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    // As `parse` and `check`: a file that could not be read at all exits 2.
    let io_error = survey.per_file.iter().any(|f| f.io_error);
    Ok(ExitCode::from(if io_error { 2 } else { 0 }))
}
