//! `nianbao generate` and `nianbao demo`: synthetic reports written to disk.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::ValueEnum;
use nianbao_core::synth::{Defect, Layout, SynthReport};
use nianbao_core::template::Format;

/// A layout, or none for a random one per report (`mixed`).
#[derive(Clone, Copy, Debug)]
pub struct LayoutChoice(pub Option<Layout>);

/// A layout by its name (`pipe`, `html` …), or `mixed` for a random one per report.
fn parse_layout(name: &str) -> Result<LayoutChoice, String> {
    if name == "mixed" {
        return Ok(LayoutChoice(None));
    }
    Layout::ALL
        .iter()
        .chain(&Layout::BROKEN)
        .copied()
        .find(|l| l.name() == name)
        .map(|l| LayoutChoice(Some(l)))
        .ok_or_else(|| {
            let names: Vec<&str> = Layout::ALL
                .iter()
                .chain(&Layout::BROKEN)
                .map(|l| l.name())
                .collect();
            format!("版式应为 mixed 或 {}", names.join("、"))
        })
}

#[derive(Copy, Clone, ValueEnum, PartialEq, Eq)]
pub enum FormatArg {
    #[value(name = "2021")]
    V2021,
    #[value(name = "2019")]
    V2019,
    /// 大部分为 2021 年格式，少数为 2019 年格式
    Mixed,
}

#[derive(Copy, Clone, ValueEnum, PartialEq, Eq)]
pub enum Container {
    /// 文本或 HTML（按 --layout）
    Text,
    /// Word 文档
    Docx,
    /// 带文字层的 PDF
    Pdf,
}

#[derive(clap::Args, Clone)]
pub struct GenerateArgs {
    /// 输出目录
    #[arg(long, short)]
    pub out: PathBuf,
    /// 生成的份数
    #[arg(long, short = 'n', default_value_t = 10)]
    pub count: usize,
    /// 版式：mixed（每份随机）、pipe、cell-per-line、blank-lines、tabs、markdown、html；受损版式（模拟采集器的损坏）：glued、split-numbers、collapsed、dropped-blanks、flattened
    #[arg(long, value_parser = parse_layout, default_value = "mixed")]
    pub layout: LayoutChoice,
    /// 格式
    #[arg(long, value_enum, default_value_t = FormatArg::Mixed)]
    pub template: FormatArg,
    /// 随机种子（相同种子生成相同的文件）
    #[arg(long, default_value_t = 2024)]
    pub seed: u64,
    /// 注入缺陷的份数比例（0–1）
    #[arg(long, default_value_t = 0.0)]
    pub defect_rate: f64,
    /// 文件格式
    #[arg(long = "as", value_enum, default_value_t = Container::Text)]
    pub container: Container,
    /// 为真实地区的机关（县级政府、部门、全部乡镇街道）生成逐年衔接的年报：给出地区名称，
    /// 或 all（随机抽取全国的县）；--count 为总份数上限
    #[arg(long)]
    pub places: Option<String>,
    /// 与 --places 一起：每个机关的年度数（自 2021 年起，2021 年格式）
    #[arg(long, default_value_t = 4)]
    pub years: u16,
}

const DEFECTS: [Defect; 6] = [
    Defect::WrongTotal,
    Defect::BlankCell,
    Defect::MissingRow,
    Defect::OldTemplate,
    Defect::ContradictingSentence,
    Defect::NoFeeStatement,
];

/// The agencies `--places` names, in a stable order.
fn real_agencies(
    places: &str,
    rng: &mut fastrand::Rng,
    count: usize,
    years: usize,
) -> anyhow::Result<Vec<String>> {
    let region = match places {
        "all" => None,
        name => {
            let code = crate::ask::region_code(name)?;
            Some(
                nianbao_core::place::Gazetteer::get()
                    .by_code(&code)
                    .context("地区代码不在区划表中")?,
            )
        }
    };
    let mut counties = nianbao_core::synth::counties_in(region);
    if region.is_none() {
        rng.shuffle(&mut counties);
    }
    let mut out = Vec::new();
    for c in counties {
        if out.len() * years >= count {
            break;
        }
        out.extend(nianbao_core::synth::agencies_in_county(c));
    }
    Ok(out)
}

/// Writes `args.count` reports; returns the paths and total bytes.
pub fn write_corpus(args: &GenerateArgs) -> anyhow::Result<(Vec<PathBuf>, u64)> {
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("无法创建目录 {}", args.out.display()))?;
    let mut rng = fastrand::Rng::with_seed(args.seed);
    if let Some(places) = &args.places {
        return write_real_places(args, places, &mut rng);
    }
    let mut paths = Vec::with_capacity(args.count);
    let mut bytes = 0u64;
    for i in 0..args.count {
        let format = match args.template {
            FormatArg::V2021 => Format::V2021,
            FormatArg::V2019 => Format::V2019,
            FormatArg::Mixed if rng.u8(0..5) == 0 => Format::V2019,
            FormatArg::Mixed => Format::V2021,
        };
        let layout = args
            .layout
            .0
            .unwrap_or_else(|| Layout::ALL[rng.usize(..Layout::ALL.len())]);
        let mut r = SynthReport::random(&mut rng, format);
        let mut tag = String::new();
        if rng.f64() < args.defect_rate {
            let d = DEFECTS[rng.usize(..DEFECTS.len())];
            r.inject(d, &mut rng);
            tag = format!("-{d:?}").to_lowercase();
        }
        let (data, name, ext) = match args.container {
            Container::Text => (
                r.render(layout).into_bytes(),
                layout.name(),
                layout.extension(),
            ),
            Container::Docx => {
                let opts = nianbao_core::render::docx::DocxOptions {
                    auto_numbered_headings: rng.bool(),
                    content_controls: rng.bool(),
                    layout_table: rng.u8(0..4) == 0,
                    split_tables: rng.bool(),
                };
                (r.render_docx(&opts), "docx", "docx")
            }
            Container::Pdf => {
                use nianbao_core::render::pdf::{PdfFont, PdfOptions};
                let font = [
                    PdfFont::UniGbUcs2,
                    PdfFont::GbkEuc,
                    PdfFont::IdentityToUnicode,
                ][rng.usize(..3)];
                (
                    r.render_pdf(&PdfOptions {
                        font,
                        repeat_header: rng.bool(),
                        ..Default::default()
                    }),
                    "pdf",
                    "pdf",
                )
            }
        };
        let path = args
            .out
            .join(format!("{i:05}-{name}-{}{tag}.{ext}", r.format.as_str()));
        std::fs::write(&path, &data).with_context(|| format!("无法写入 {}", path.display()))?;
        bytes += data.len() as u64;
        paths.push(path);
    }
    Ok((paths, bytes))
}

/// `--places`: each agency's reports for consecutive years, carry-over consistent.
fn write_real_places(
    args: &GenerateArgs,
    places: &str,
    rng: &mut fastrand::Rng,
) -> anyhow::Result<(Vec<PathBuf>, u64)> {
    let years = usize::from(args.years.max(1));
    let agencies = real_agencies(places, rng, args.count, years)?;
    let (mut paths, mut bytes) = (Vec::new(), 0u64);
    'all: for agency in &agencies {
        for r in nianbao_core::synth::agency_series(agency, years, args.defect_rate, &DEFECTS, rng)
        {
            if paths.len() >= args.count {
                break 'all;
            }
            let layout = args
                .layout
                .0
                .unwrap_or_else(|| Layout::ALL[rng.usize(..Layout::ALL.len())]);
            let data = r.render(layout).into_bytes();
            let path = args.out.join(format!(
                "{:05}-{}-{}.{}",
                paths.len(),
                r.agency,
                r.year,
                layout.extension()
            ));
            std::fs::write(&path, &data).with_context(|| format!("无法写入 {}", path.display()))?;
            bytes += data.len() as u64;
            paths.push(path);
        }
    }
    Ok((paths, bytes))
}

pub fn generate(args: GenerateArgs) -> anyhow::Result<ExitCode> {
    let (paths, bytes) = write_corpus(&args)?;
    eprintln!(
        "已生成 {} 份年报（{:.1} MB）到 {}",
        paths.len(),
        bytes as f64 / 1e6,
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Writes one report per layout, correct and with each defect, then checks them all.
pub fn demo(dir: &Path) -> anyhow::Result<ExitCode> {
    std::fs::create_dir_all(dir).with_context(|| format!("无法创建目录 {}", dir.display()))?;
    let mut rng = fastrand::Rng::with_seed(7);
    let mut written = Vec::new();
    for (i, layout) in Layout::ALL.iter().enumerate() {
        let format = if i == 2 { Format::V2019 } else { Format::V2021 };
        let mut r = SynthReport::random(&mut rng, format);
        r.blanks.clear(); // a correct report prints every number
        let path = dir.join(format!(
            "{:02}-正确-{}.{}",
            i,
            layout.name(),
            layout.extension()
        ));
        std::fs::write(&path, r.render(*layout))?;
        written.push(path);
        let d = DEFECTS[i % DEFECTS.len()];
        let mut bad = SynthReport::random(&mut rng, Format::V2021);
        bad.blanks.clear();
        bad.inject(d, &mut rng);
        let path = dir.join(format!(
            "{:02}-缺陷-{d:?}-{}.{}",
            i,
            layout.name(),
            layout.extension()
        ));
        std::fs::write(&path, bad.render(*layout))?;
        written.push(path);
    }
    eprintln!(
        "已在 {} 生成 {} 份演示年报（6 种版式，正确与有缺陷各半），逐一检查：\n",
        dir.display(),
        written.len()
    );
    let code = crate::check_cmd(&[dir.to_path_buf()], crate::CheckFormat::Human, None, false)?;
    eprintln!("\n再试：nianbao parse --format md {}", written[0].display());
    // The demo shows findings; they are its point, not a failure.
    Ok(if code == ExitCode::from(2) {
        code
    } else {
        ExitCode::SUCCESS
    })
}
