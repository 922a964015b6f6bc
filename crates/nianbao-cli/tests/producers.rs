//! Reports as the producers people use make them: the project's own fixtures printed to
//! PDF by Chromium (Debian's `/usr/bin/chromium`) and exported by LibreOffice (Debian's
//! `libreoffice-writer-nogui`, from DOCX and from HTML), which `.ci/run` installs, read back
//! with no cell misread — each cell is the one printed or is left unread — and most of them
//! read. Without the producer the test fails under CI and says so elsewhere.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use nianbao_core::number::Number;
use nianbao_core::render::docx::DocxOptions;
use nianbao_core::synth::{Layout, SynthReport};
use nianbao_core::template::Format;

/// A program that turns the project's documents into PDFs.
#[derive(Clone, Copy)]
enum Producer {
    /// Chromium's print-to-PDF of the HTML layout.
    Chromium,
    /// LibreOffice's PDF export of the generated DOCX.
    LibreOfficeDocx,
    /// LibreOffice's PDF export of the HTML layout (Writer/Web).
    LibreOfficeHtml,
}

impl Producer {
    fn name(self) -> &'static str {
        match self {
            Producer::Chromium => "chromium",
            Producer::LibreOfficeDocx => "libreoffice-docx",
            Producer::LibreOfficeHtml => "libreoffice-html",
        }
    }

    fn program(self) -> Option<String> {
        let (var, default) = match self {
            Producer::Chromium => ("CHROMIUM", "/usr/bin/chromium"),
            _ => ("SOFFICE", "/usr/bin/soffice"),
        };
        let bin = std::env::var(var).unwrap_or_else(|_| default.into());
        Path::new(&bin).exists().then_some(bin)
    }

    /// Writes each report's source into `dir` and converts them all; returns the PDFs in
    /// the reports' order.
    fn make(self, bin: &str, dir: &Path, reports: &[SynthReport]) -> Vec<PathBuf> {
        let mut sources = Vec::new();
        for (i, r) in reports.iter().enumerate() {
            let source = match self {
                Producer::LibreOfficeDocx => {
                    let p = dir.join(format!("r{i}.docx"));
                    std::fs::write(&p, r.render_docx(&DocxOptions::default())).unwrap();
                    p
                }
                _ => {
                    let p = dir.join(format!("r{i}.html"));
                    std::fs::write(&p, r.render(Layout::Html)).unwrap();
                    p
                }
            };
            sources.push(source);
        }
        let pdfs: Vec<PathBuf> = sources.iter().map(|s| s.with_extension("pdf")).collect();
        match self {
            Producer::Chromium => {
                for (src, pdf) in sources.iter().zip(&pdfs) {
                    let out = Command::new(bin)
                        .args([
                            "--headless",
                            "--no-sandbox",
                            "--disable-gpu",
                            "--no-pdf-header-footer",
                        ])
                        .arg(format!("--print-to-pdf={}", pdf.display()))
                        .arg(src)
                        .output()
                        .unwrap();
                    assert!(pdf.exists(), "{}", String::from_utf8_lossy(&out.stderr));
                }
            }
            Producer::LibreOfficeDocx | Producer::LibreOfficeHtml => {
                // One conversion for all files, in a profile of its own (two LibreOffice
                // processes sharing a profile wait for each other or fail).
                let profile = dir.join("profile");
                let filter = match self {
                    Producer::LibreOfficeHtml => "pdf:writer_web_pdf_Export",
                    _ => "pdf:writer_pdf_Export",
                };
                let out = Command::new(bin)
                    .arg(format!(
                        "-env:UserInstallation=file://{}",
                        profile.display()
                    ))
                    .args(["--headless", "--norestore", "--convert-to", filter])
                    .arg("--outdir")
                    .arg(dir)
                    .args(&sources)
                    .output()
                    .unwrap();
                for pdf in &pdfs {
                    assert!(
                        pdf.exists(),
                        "{}: {}",
                        pdf.display(),
                        String::from_utf8_lossy(&out.stderr)
                    );
                }
            }
        }
        pdfs
    }
}

/// Renders reports through `producer`, reads the PDFs back, and asserts that no cell is
/// misread and that more than `min_share` of the cells are read.
fn round_trip(producer: Producer, min_share: f64) {
    let Some(bin) = producer.program() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "{} is required in CI",
            producer.name()
        );
        eprintln!(
            "{} not installed: producer round trip not run",
            producer.name()
        );
        return;
    };
    let dir = std::env::temp_dir().join(format!(
        "nianbao-producers-{}-{}",
        producer.name(),
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    // Reports rendered: 24 by default; `NIANBAO_PRODUCER_SEEDS=200` for a wider trial.
    let seeds: u64 = std::env::var("NIANBAO_PRODUCER_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(24);
    let reports: Vec<SynthReport> = (0..seeds)
        .map(|seed| {
            let format = if seed % 4 == 3 {
                Format::V2019
            } else {
                Format::V2021
            };
            SynthReport::random(&mut fastrand::Rng::with_seed(seed), format)
        })
        .collect();
    let pdfs = producer.make(&bin, &dir, &reports);
    let (mut right, mut all) = (0usize, 0usize);
    let mut misread = Vec::new();
    for (seed, (r, pdf)) in reports.iter().zip(&pdfs).enumerate() {
        let report = nianbao_read::parse_bytes(&std::fs::read(pdf).unwrap())
            .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        let got: HashMap<&str, Number> =
            report.cells.iter().map(|c| (c.id.key(), c.value)).collect();
        for (id, want, _) in r.expected_cells() {
            all += 1;
            if let Some(v) = got.get(id.key()) {
                if *v != want {
                    misread.push(format!(
                        "seed {seed}: {} read {v}, printed {want}",
                        id.key()
                    ));
                } else {
                    right += 1;
                }
            }
        }
    }
    let name = producer.name();
    assert!(
        misread.is_empty(),
        "{name}: {} misread:\n{}",
        misread.len(),
        misread.join("\n")
    );
    let share = right as f64 / all as f64;
    eprintln!(
        "{name} PDFs: {right} of {all} cells read ({:.1} %), none misread",
        share * 100.0
    );
    assert!(
        share > min_share,
        "{name}: only {:.1} % read",
        share * 100.0
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn chromium_pdfs_are_never_misread() {
    round_trip(Producer::Chromium, 0.8);
}

#[test]
fn libreoffice_docx_pdfs_are_never_misread() {
    round_trip(Producer::LibreOfficeDocx, 0.8);
}

#[test]
fn libreoffice_html_pdfs_are_never_misread() {
    round_trip(Producer::LibreOfficeHtml, 0.8);
}
