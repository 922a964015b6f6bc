//! Reports as the producers people use make them: the project's own HTML fixtures printed
//! to PDF by Chromium (Debian's `/usr/bin/chromium`, which `.ci/run` installs) read back
//! with no cell misread — each cell is the one printed or is left unread — and most of
//! them read. Without Chromium the test fails under CI and says so elsewhere.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use nianbao_core::number::Number;
use nianbao_core::synth::{Layout, SynthReport};
use nianbao_core::template::Format;

fn chromium() -> Option<String> {
    let bin = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    Path::new(&bin).exists().then_some(bin)
}

#[test]
fn chromium_pdfs_are_never_misread() {
    let Some(chromium) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "Chromium is required in CI"
        );
        eprintln!("chromium not installed: producer round trip not run");
        return;
    };
    let dir = std::env::temp_dir().join(format!("nianbao-producers-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (mut right, mut all) = (0usize, 0usize);
    // Reports rendered: 24 by default; `NIANBAO_PRODUCER_SEEDS=200` for a wider trial.
    let seeds: u64 = std::env::var("NIANBAO_PRODUCER_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(24);
    let mut misread = Vec::new();
    for seed in 0..seeds {
        let format = if seed % 4 == 3 {
            Format::V2019
        } else {
            Format::V2021
        };
        let r = SynthReport::random(&mut fastrand::Rng::with_seed(seed), format);
        let html = dir.join(format!("r{seed}.html"));
        let pdf = dir.join(format!("r{seed}.pdf"));
        std::fs::write(&html, r.render(Layout::Html)).unwrap();
        let out = Command::new(&chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-pdf-header-footer",
            ])
            .arg(format!("--print-to-pdf={}", pdf.display()))
            .arg(&html)
            .output()
            .unwrap();
        assert!(pdf.exists(), "{}", String::from_utf8_lossy(&out.stderr));
        let report = nianbao_read::parse_bytes(&std::fs::read(&pdf).unwrap())
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
    assert!(misread.is_empty(), "misread:\n{}", misread.join("\n"));
    let share = right as f64 / all as f64;
    eprintln!(
        "Chromium PDFs: {right} of {all} cells read ({:.1} %), none misread",
        share * 100.0
    );
    assert!(share > 0.8, "only {:.1} % read", share * 100.0);
    let _ = std::fs::remove_dir_all(&dir);
}
