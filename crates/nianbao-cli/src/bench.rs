//! `nianbao bench`: parse + check throughput over a generated corpus, on one core and
//! on all cores, beside the time merely to read the same files — all in one run, so
//! the figures are comparable as ratios.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use rayon::prelude::*;

use crate::demo::{FormatArg, GenerateArgs};

#[derive(clap::Args)]
pub struct BenchArgs {
    /// 合成年报的份数
    #[arg(long, short = 'n', default_value_t = 10_000)]
    pub count: usize,
    /// 存放合成年报的目录（默认在临时目录下）
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// 随机种子
    #[arg(long, default_value_t = 2024)]
    pub seed: u64,
}

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Reads, parses and checks one file; the number of findings.
fn parse_and_check(path: &PathBuf) -> usize {
    let bytes = std::fs::read(path).unwrap_or_default();
    nianbao_core::parse(&bytes).map_or(0, |r| nianbao_core::check(&r, None).len())
}

pub fn run(args: BenchArgs) -> anyhow::Result<ExitCode> {
    let dir = args.dir.unwrap_or_else(|| {
        std::env::temp_dir().join(format!("nianbao-bench-{}-{}", args.seed, args.count))
    });
    let gen = GenerateArgs {
        out: dir.clone(),
        count: args.count,
        layout: crate::demo::LayoutChoice(None),
        template: FormatArg::Mixed,
        seed: args.seed,
        defect_rate: 0.3,
        container: crate::demo::Container::Text,
        places: None,
        years: 4,
    };
    eprintln!("生成 {} 份合成年报到 {} …", args.count, dir.display());
    let (paths, bytes) = crate::demo::write_corpus(&gen)?;
    let mb = bytes as f64 / 1e6;
    let threads = rayon::current_num_threads();

    // Read only, one core.
    let t = Instant::now();
    let read: u64 = paths
        .iter()
        .map(|p| std::fs::read(p).map(|b| b.len() as u64).unwrap_or(0))
        .sum();
    let read_s = t.elapsed().as_secs_f64();
    assert_eq!(read, bytes);

    // Parse + check on a fifth of the corpus, then all of it, on one core: the peak
    // memory after each shows whether memory grows with corpus size.
    let fifth = &paths[..paths.len() / 5];
    for p in fifth {
        parse_and_check(p);
    }
    let rss_fifth = peak_rss_mb();
    let t = Instant::now();
    let mut findings = 0;
    for p in &paths {
        findings += parse_and_check(p);
    }
    let one_s = t.elapsed().as_secs_f64();
    let rss_all = peak_rss_mb();

    // Parse + check on all cores.
    let t = Instant::now();
    let findings_par: usize = paths.par_iter().map(parse_and_check).sum();
    let all_s = t.elapsed().as_secs_f64();
    assert_eq!(findings, findings_par);

    let n = paths.len() as f64;
    println!(
        "nianbao bench：{} 份合成年报（6 种版式混合，2021/2019 格式，30% 含缺陷），共 {mb:.1} MB",
        paths.len()
    );
    println!("{:<28}{:>10}{:>12}{:>14}", "阶段", "秒", "MB/s", "份/秒");
    println!(
        "{:<26}{:>10.3}{:>12.1}{:>14.0}",
        "仅读取文件（1 核）",
        read_s,
        mb / read_s,
        n / read_s
    );
    println!(
        "{:<24}{:>10.3}{:>12.1}{:>14.0}",
        "解析 + 检查（1 核）",
        one_s,
        mb / one_s,
        n / one_s
    );
    println!(
        "{:<24}{:>10.3}{:>12.1}{:>14.0}",
        format!("解析 + 检查（{threads} 核）"),
        all_s,
        mb / all_s,
        n / all_s
    );
    println!(
        "比值：解析+检查(1核)/仅读取 = {:.1}×；{threads} 核加速 = {:.2}×",
        one_s / read_s,
        one_s / all_s
    );
    println!("发现问题 {findings} 条");
    if let (Some(a), Some(b)) = (rss_fifth, rss_all) {
        println!("峰值内存：处理 1/5 语料后 {a:.1} MB，处理全部语料后 {b:.1} MB（与语料规模无关即为平稳）");
    }

    // Broken numbers: the same reports laid out as pipe rows, with rows glued into digit
    // runs, and with numbers split, on one core — the cost of recovery beside ordinary
    // reading.
    let n_broken = (args.count / 10).max(50);
    let mut per_layout = Vec::new();
    for layout in [
        nianbao_core::synth::Layout::Pipe,
        nianbao_core::synth::Layout::Glued,
        nianbao_core::synth::Layout::SplitNumbers,
    ] {
        let g = GenerateArgs {
            out: dir.join(layout.name()),
            count: n_broken,
            layout: crate::demo::LayoutChoice(Some(layout)),
            defect_rate: 0.0,
            ..gen.clone()
        };
        let (lp, _) = crate::demo::write_corpus(&g)?;
        let t = Instant::now();
        let mut recovered = 0;
        let mut uncertain = 0;
        for p in &lp {
            let bytes = std::fs::read(p)?;
            if let Ok(r) = nianbao_core::parse(&bytes) {
                recovered += r.diagnostics.iter().filter(|d| d.code == "E0006").count();
                uncertain += r.diagnostics.iter().filter(|d| d.code == "E0002").count();
                let _ = nianbao_core::check(&r, None);
            }
        }
        per_layout.push((
            layout.name(),
            t.elapsed().as_secs_f64() / lp.len() as f64,
            recovered,
            uncertain,
        ));
    }
    let base = per_layout[0].1;
    for (name, per, recovered, uncertain) in &per_layout {
        println!(
            "{:<24}{:>10.1} 微秒/份  = {:.2}× 普通版式（{n_broken} 份；恢复 {recovered} 行，无法确定 {uncertain} 行）",
            format!("断裂数字 {name}（1 核）"),
            per * 1e6,
            per / base
        );
    }

    // DOCX and PDF on one core, beside the text figures above.
    let n_docx = (args.count / 10).max(10);
    let docx = GenerateArgs {
        out: dir.join("docx"),
        count: n_docx,
        container: crate::demo::Container::Docx,
        ..gen
    };
    let (docx_paths, docx_bytes) = crate::demo::write_corpus(&docx)?;
    let t = Instant::now();
    for p in &docx_paths {
        parse_and_check(p);
    }
    let docx_s = t.elapsed().as_secs_f64();
    println!(
        "{:<24}{:>10.3}{:>12.1}{:>14.0}（{} 份，{:.1} MB）",
        "DOCX 解析 + 检查（1 核）",
        docx_s,
        docx_bytes as f64 / 1e6 / docx_s,
        docx_paths.len() as f64 / docx_s,
        docx_paths.len(),
        docx_bytes as f64 / 1e6
    );
    let n_pdf = (args.count / 50).max(10);
    let pdf = GenerateArgs {
        out: dir.join("pdf"),
        count: n_pdf,
        container: crate::demo::Container::Pdf,
        ..docx
    };
    let (pdf_paths, _) = crate::demo::write_corpus(&pdf)?;
    let t = Instant::now();
    let mut pages = 0u32;
    for p in &pdf_paths {
        let bytes = std::fs::read(p)?;
        match nianbao_read::pdf::tsv(&bytes) {
            Ok(tsv) => {
                pages += nianbao_core::extract::pdf::page_count(
                    &nianbao_core::extract::pdf::parse_tsv(&tsv),
                );
                if let Ok(r) = nianbao_core::parse_pdf_tsv(&tsv) {
                    let _ = nianbao_core::check(&r, None);
                }
            }
            Err(e) => {
                println!("PDF：{e}");
                break;
            }
        }
    }
    let pdf_s = t.elapsed().as_secs_f64();
    if pages > 0 {
        println!(
            "PDF 解析 + 检查（1 核，含 pdftotext）{pdf_s:>8.3} 秒，{:.1} 页/秒，{:.1} 份/秒（{} 份，{pages} 页）",
            pages as f64 / pdf_s,
            pdf_paths.len() as f64 / pdf_s,
            pdf_paths.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}
