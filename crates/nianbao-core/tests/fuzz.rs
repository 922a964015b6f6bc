//! Fuzz-style robustness: arbitrary bytes and mangled reports never make the reader,
//! the rules or the renderers panic. Runs for a bounded time
//! (`NIANBAO_FUZZ_SECS`, default 5 s); a failure prints the seed that reproduces it.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

use nianbao_core::synth::{Layout, SynthReport};
use nianbao_core::template::Format;

fn exercise_report(report: &nianbao_core::Report) {
    let diags = nianbao_core::check(report, Some(report));
    let _ = nianbao_core::render::human::render("fuzz", &report.document.source, &diags);
    let _ =
        serde_json::to_string(&nianbao_core::render::json::parse_output("fuzz", report)).unwrap();
}

/// PDF words as `pdftotext -tsv` prints them: report-like text at random, overlapping,
/// out-of-range positions, and malformed rows.
fn random_tsv(rng: &mut fastrand::Rng) -> String {
    let words = [
        "一、本年新收政府信息公开申请数量",
        "（七）总计",
        "12",
        "0",
        "-3-",
        "行政复议",
        "三、收到和处理政府信息公开申请情况",
        "第二十条第（一）项",
        "规章",
        "１２",
        "|",
        "NaN",
    ];
    let mut tsv = String::from("level\tpage_num\tpar_num\tblock_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n");
    for _ in 0..rng.usize(0..400) {
        let coord = |rng: &mut fastrand::Rng| match rng.u8(0..10) {
            0 => "nan".to_string(),
            1 => "-1e30".to_string(),
            2 => "1e38".to_string(),
            _ => format!("{:.2}", rng.f32() * 800.0),
        };
        let (l, t, w, h) = (coord(rng), coord(rng), coord(rng), coord(rng));
        let level = if rng.u8(0..10) == 0 { rng.u8(0..9) } else { 5 };
        tsv.push_str(&format!(
            "{level}\t{}\t0\t0\t0\t0\t{l}\t{t}\t{w}\t{h}\t100\t{}\n",
            rng.u32(0..4),
            words[rng.usize(..words.len())]
        ));
    }
    tsv
}

fn exercise(bytes: &[u8]) {
    if let Ok(report) = nianbao_core::parse(bytes) {
        let diags = nianbao_core::check(&report, Some(&report));
        let _ = nianbao_core::render::human::render("fuzz", &report.document.source, &diags);
        let _ = serde_json::to_string(&nianbao_core::render::json::parse_output("fuzz", &report))
            .unwrap();
        let _ = nianbao_core::render::markdown::render(&report);
        let _ = nianbao_core::render::cells::render(&report);
    }
}

fn mangle(rng: &mut fastrand::Rng, mut b: Vec<u8>) -> Vec<u8> {
    for _ in 0..rng.usize(1..12) {
        if b.is_empty() {
            break;
        }
        let at = rng.usize(..b.len());
        match rng.u8(0..7) {
            0 => {
                let end = (at + rng.usize(1..200)).min(b.len());
                b.drain(at..end);
            }
            1 => b.insert(at, rng.u8(..)),
            2 => b[at] = rng.u8(..),
            3 => {
                let end = (at + rng.usize(1..400)).min(b.len());
                let chunk: Vec<u8> = b[at..end].to_vec();
                let to = rng.usize(..b.len());
                b.splice(to..to, chunk);
            }
            4 => b.truncate(at),
            5 => {
                let junk = [
                    "|",
                    "\t",
                    "<td rowspan=99999>",
                    "</table>",
                    "（七）总计",
                    "一、",
                    "999999999999999999",
                    "\u{FEFF}",
                    "\r",
                ];
                let j = junk[rng.usize(..junk.len())].as_bytes();
                b.splice(at..at, j.iter().copied());
            }
            _ => {
                let digits = format!("{}", rng.u64(..));
                b.splice(at..at, digits.bytes());
            }
        }
    }
    b
}

fn remangle_docx(rng: &mut fastrand::Rng, docx: &[u8]) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut zout = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().map(|n| n.to_string()).unwrap_or_default();
        let mut content = Vec::new();
        f.read_to_end(&mut content).unwrap();
        if name.ends_with(".xml") && rng.bool() {
            content = mangle(rng, content);
        }
        zout.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zout.write_all(&content).unwrap();
    }
    zout.finish().unwrap().into_inner()
}

#[test]
fn no_input_makes_anything_panic() {
    let secs: u64 = std::env::var("NIANBAO_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut seed = 1u64;
    let mut runs = 0;
    while Instant::now() < deadline {
        let result = catch_unwind(AssertUnwindSafe(|| {
            let mut rng = fastrand::Rng::with_seed(seed);
            let bytes = match rng.u8(0..6) {
                0 => (0..rng.usize(0..4000)).map(|_| rng.u8(..)).collect(),
                1 => {
                    // A DOCX whose document.xml is mangled (the zip stays valid).
                    let r = SynthReport::random(&mut rng, Format::V2021);
                    let opts = nianbao_core::render::docx::DocxOptions {
                        auto_numbered_headings: rng.bool(),
                        content_controls: rng.bool(),
                        layout_table: rng.bool(),
                        split_tables: rng.bool(),
                    };
                    let docx = r.render_docx(&opts);
                    remangle_docx(&mut rng, &docx)
                }
                2 => {
                    // A DOCX mangled as bytes.
                    let r = SynthReport::random(&mut rng, Format::V2019);
                    mangle(&mut rng, r.render_docx(&Default::default()))
                }
                _ => {
                    let format = if rng.bool() {
                        Format::V2021
                    } else {
                        Format::V2019
                    };
                    let layout = Layout::ALL[rng.usize(..Layout::ALL.len())];
                    let text = SynthReport::random(&mut rng, format).render(layout);
                    let bytes = if rng.u8(0..4) == 0 {
                        encoding_rs::GB18030.encode(&text).0.into_owned()
                    } else {
                        text.into_bytes()
                    };
                    mangle(&mut rng, bytes)
                }
            };
            exercise(&bytes);
            if let Ok(r) = nianbao_core::parse_pdf_tsv(&random_tsv(&mut rng)) {
                exercise_report(&r);
            }
        }));
        assert!(result.is_ok(), "panic on fuzz seed {seed}");
        seed += 1;
        runs += 1;
    }
    eprintln!("fuzz: {runs} inputs in {secs} s without a panic");
    assert!(runs > 0);
}
