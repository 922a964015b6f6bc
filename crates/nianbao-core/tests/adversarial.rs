//! Adversarial inputs: structure-aware generators for every format (deep nesting,
//! repetition, huge counts, bombs), each run through the whole pipeline — read, check and
//! every renderer. No case may panic or hold more than [`MAX_PEAK`] bytes at once, and no
//! case may be super-linear: each runs at a size and at twice that size, and the work done
//! (bytes allocated, a deterministic measure) may grow at most [`MAX_GROWTH`] times.
//! Wall times are printed for the note, never asserted (timings are for benchmarks).
//!
//! `NIANBAO_ADVERSARIAL_SCALE=N` multiplies every size (default 1).

// The counting allocator is the one unsafe code of the core crate (see its Cargo.toml).
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout as AllocLayout, System};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use nianbao_core::synth::{Layout, SynthReport};
use nianbao_core::template::Format;

/// Counts what is allocated: the bytes live now, their peak, and the total ever asked for.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static TOTAL: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: AllocLayout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
            TOTAL.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: AllocLayout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: AllocLayout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                let grow = new_size - layout.size();
                let live = LIVE.fetch_add(grow, Ordering::Relaxed) + grow;
                PEAK.fetch_max(live, Ordering::Relaxed);
                TOTAL.fetch_add(grow, Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Most memory one input may hold at once beyond what was live before it.
const MAX_PEAK: usize = 500 << 20;
/// Most the work may grow when the input doubles (linear: 2; slack for fixed costs and
/// for the bounded stages that stop early on the smaller input).
const MAX_GROWTH: f64 = 3.0;

/// An input kind, as bytes for [`nianbao_core::parse`] or as pdftotext/pdftocairo output.
enum Input {
    Bytes(Vec<u8>),
    Pdf { tsv: String, svg: Option<String> },
}

fn report(seed: u64, format: Format) -> SynthReport {
    SynthReport::random(&mut fastrand::Rng::with_seed(seed), format)
}

/// Every digit run of `text` replaced by `with(run)`.
fn map_digit_runs(text: &str, with: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut run = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            run.push(c);
        } else {
            if !run.is_empty() {
                out.push_str(&with(&run));
                run.clear();
            }
            out.push(c);
        }
    }
    if !run.is_empty() {
        out.push_str(&with(&run));
    }
    out
}

const TSV_HEADER: &str =
    "level\tpage_num\tpar_num\tblock_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n";

/// The generators: a name and the input at size `n` (a count of the repeated unit).
#[allow(clippy::type_complexity)]
fn cases() -> Vec<(&'static str, usize, Box<dyn Fn(usize) -> Input>)> {
    let base = report(7, Format::V2021).render(Layout::Pipe);
    vec![
        (
            "HTML: <div> nested, closed",
            50_000,
            Box::new(|n| {
                let mut s = "<div>".repeat(n);
                s.push_str("2024年政府信息公开工作年度报告");
                s.push_str(&"</div>".repeat(n));
                Input::Bytes(s.into_bytes())
            }),
        ),
        (
            "HTML: <div> nested, never closed",
            50_000,
            Box::new(|n| Input::Bytes(format!("<html>{}x", "<div><span>".repeat(n)).into_bytes())),
        ),
        (
            "HTML: tables nested in cells",
            5_000,
            Box::new(|n| {
                Input::Bytes(
                    format!(
                        "{}（七）总计{}",
                        "<table><tr><td>".repeat(n),
                        "</td></tr></table>".repeat(n)
                    )
                    .into_bytes(),
                )
            }),
        ),
        (
            "HTML: rowspan and colspan huge, many rows",
            2_000,
            Box::new(|n| {
                let row = "<tr><td rowspan=65534 colspan=1000>（一）予以公开</td><td colspan=999>1</td></tr>";
                Input::Bytes(format!("<table>{}</table>", row.repeat(n)).into_bytes())
            }),
        ),
        (
            "HTML: one row of many cells",
            20_000,
            Box::new(|n| {
                Input::Bytes(
                    format!("<table><tr>{}</tr></table>", "<td>1</td>".repeat(n)).into_bytes(),
                )
            }),
        ),
        (
            "text: section headings repeated",
            50_000,
            Box::new(|n| {
                Input::Bytes(
                    "一、总体情况\n二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n"
                        .repeat(n / 3)
                        .into_bytes(),
                )
            }),
        ),
        (
            "text: one sentence of numbers",
            100_000,
            Box::new(|n| {
                Input::Bytes(
                    format!("2024年度，{}。", "共收到申请12件、答复3件，".repeat(n)).into_bytes(),
                )
            }),
        ),
        (
            "text: the whole report repeated",
            50,
            Box::new({
                let base = base.clone();
                move |n| Input::Bytes(base.repeat(n).into_bytes())
            }),
        ),
        (
            "text: every number 48 glued digits",
            40,
            Box::new({
                let glued = map_digit_runs(&report(8, Format::V2021).render(Layout::Pipe), |_| {
                    "123456789012345678901234567890123456789012345678".into()
                });
                move |n| Input::Bytes(glued.repeat(n).into_bytes())
            }),
        ),
        (
            "text: every number 47 single digits",
            40,
            Box::new({
                let split = map_digit_runs(&report(9, Format::V2021).render(Layout::Pipe), |_| {
                    vec!["1"; 47].join(" ")
                });
                move |n| Input::Bytes(split.repeat(n).into_bytes())
            }),
        ),
        (
            "text: one line, cells glued (flattened), repeated",
            30,
            Box::new({
                let flat = report(10, Format::V2021).render(Layout::Flattened);
                move |n| Input::Bytes(flat.repeat(n).into_bytes())
            }),
        ),
        (
            "text: pipes only",
            20_000,
            Box::new(|n| {
                Input::Bytes(
                    format!("（七）总计{}\n", "|".repeat(n))
                        .repeat(4)
                        .into_bytes(),
                )
            }),
        ),
        (
            "text: many short lines",
            80_000,
            Box::new(|n| Input::Bytes("1\n".repeat(n).into_bytes())),
        ),
        (
            "text: many rows of two empty cells",
            40_000,
            Box::new(|n| Input::Bytes("|\n".repeat(n).into_bytes())),
        ),
        (
            "HTML: many empty cells",
            60_000,
            Box::new(|n| {
                Input::Bytes(
                    format!("<table><tr>{}</tr></table>", "<td></td>\n".repeat(n)).into_bytes(),
                )
            }),
        ),
        (
            "HTML: many paragraphs",
            60_000,
            Box::new(|n| {
                Input::Bytes(
                    format!("<html><body>{}</body></html>", "<p>1</p>".repeat(n)).into_bytes(),
                )
            }),
        ),
        (
            "text: a million short lines (refused unread)",
            1_000_000,
            Box::new(|n| Input::Bytes("1\n".repeat(n).into_bytes())),
        ),
        (
            "HTML: a million paragraphs (refused unread)",
            1_000_000,
            Box::new(|n| {
                Input::Bytes(format!("<html><body>{}", "<p>1</p>".repeat(n)).into_bytes())
            }),
        ),
        (
            "HTML: the whole report repeated",
            20,
            Box::new({
                let html = report(11, Format::V2021).render(Layout::Html);
                move |n| Input::Bytes(html.repeat(n).into_bytes())
            }),
        ),
        (
            "JSON: a report in one string",
            20,
            Box::new({
                let html = report(11, Format::V2021).render(Layout::Html);
                move |n| {
                    let body = serde_json::to_string(&html.repeat(n)).unwrap();
                    Input::Bytes(format!("{{\"data\":{{\"content\":{body}}}}}").into_bytes())
                }
            }),
        ),
        (
            "JSON: nested arrays",
            50_000,
            Box::new(|n| {
                Input::Bytes(
                    format!("{}\"（七）总计\"{}", "[".repeat(n), "]".repeat(n)).into_bytes(),
                )
            }),
        ),
        (
            "DOCX: the report's tables repeated",
            30,
            Box::new(|n| {
                let docx = report(12, Format::V2021).render_docx(&Default::default());
                Input::Bytes(repeat_docx_body(&docx, n))
            }),
        ),
        (
            "DOCX: a zip bomb (one entry, zeros)",
            64,
            Box::new(|n| Input::Bytes(zip_bomb(n << 20))),
        ),
        (
            "PDF words: one word on each of many pages",
            100_000,
            Box::new(|n| {
                let mut tsv = String::from(TSV_HEADER);
                for p in 1..=n {
                    tsv.push_str(&format!(
                        "5\t{p}\t0\t0\t0\t0\t80\t100\t20\t10\t100\t{}\n",
                        p % 97
                    ));
                }
                Input::Pdf { tsv, svg: None }
            }),
        ),
        (
            "PDF words: many words on one line",
            50_000,
            Box::new(|n| {
                let mut tsv = String::from(TSV_HEADER);
                for i in 0..n {
                    let text = if i % 3 == 0 { "（七）总计" } else { "8" };
                    tsv.push_str(&format!(
                        "5\t1\t0\t0\t0\t0\t{}\t100\t6\t10\t100\t{text}\n",
                        i % 500
                    ));
                }
                Input::Pdf { tsv, svg: None }
            }),
        ),
        (
            "PDF rules: a dense ruled grid with words",
            60,
            Box::new(|n| {
                let mut tsv = String::from(TSV_HEADER);
                let mut svg = String::from("<svg xmlns=\"http://www.w3.org/2000/svg\"><pageSet>");
                for p in 1..=n {
                    svg.push_str("<page><g><path style=\"stroke:#000\" d=\"");
                    for k in 0..=60 {
                        let y = 40 + k * 12;
                        svg.push_str(&format!("M 40 {y} L 560 {y} "));
                    }
                    for k in 0..=26 {
                        let x = 40 + k * 20;
                        svg.push_str(&format!("M {x} 40 L {x} 760 "));
                    }
                    svg.push_str("\"/></g></page>");
                    for r in 0..60 {
                        for c in 0..26 {
                            tsv.push_str(&format!(
                                "5\t{p}\t0\t0\t0\t0\t{}\t{}\t6\t8\t100\t{}\n",
                                42 + c * 20,
                                42 + r * 12,
                                (r * c) % 10
                            ));
                        }
                    }
                }
                svg.push_str("</pageSet></svg>");
                Input::Pdf {
                    tsv,
                    svg: Some(svg),
                }
            }),
        ),
        (
            "PDF rules: groups nested deep",
            50_000,
            Box::new(|n| {
                let tsv =
                    format!("{TSV_HEADER}5\t1\t0\t0\t0\t0\t80\t100\t20\t10\t100\t（七）总计\n");
                let svg = format!(
                    "<svg xmlns=\"http://www.w3.org/2000/svg\"><pageSet><page>{}<path style=\"stroke:#000\" d=\"M 0 0 L 10 0\"/>{}</page></pageSet></svg>",
                    "<g transform=\"matrix(1,0,0,1,1,1)\">".repeat(n),
                    "</g>".repeat(n)
                );
                Input::Pdf {
                    tsv,
                    svg: Some(svg),
                }
            }),
        ),
    ]
}

/// A DOCX whose body is its own body `n` times.
fn repeat_docx_body(docx: &[u8], n: usize) -> Vec<u8> {
    use std::io::Read;
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut zout = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut content = String::new();
        f.read_to_string(&mut content).unwrap();
        if name == "word/document.xml" {
            if let (Some(a), Some(b)) = (content.find("<w:body>"), content.rfind("</w:body>")) {
                let inner = &content[a + 8..b];
                let inner = inner.find("<w:sectPr").map_or(inner, |s| &inner[..s]);
                content = format!("{}{}{}", &content[..a + 8], inner.repeat(n), &content[b..]);
            }
        }
        zout.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zout.write_all(content.as_bytes()).unwrap();
    }
    zout.finish().unwrap().into_inner()
}

/// A DOCX-looking zip whose document.xml inflates to `size` bytes of one repeated tag.
fn zip_bomb(size: usize) -> Vec<u8> {
    let mut zout = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zout.start_file("[Content_Types].xml", opts).unwrap();
    zout.write_all(b"<Types/>").unwrap();
    zout.start_file("word/document.xml", opts).unwrap();
    let chunk = "<w:p><w:r><w:t>0</w:t></w:r></w:p>".repeat(1 << 12);
    let mut written = 0;
    while written < size {
        zout.write_all(chunk.as_bytes()).unwrap();
        written += chunk.len();
    }
    zout.finish().unwrap().into_inner()
}

/// The whole pipeline on one input; what came of it, for the log.
fn run(input: &Input) -> String {
    let report = match input {
        Input::Bytes(b) => nianbao_core::parse(b),
        Input::Pdf { tsv, svg } => nianbao_core::parse_pdf(tsv, svg.as_deref()),
    };
    if let Ok(report) = &report {
        let diags = nianbao_core::check(report, Some(report));
        let _ = nianbao_core::render::human::render("adversarial", &report.document.source, &diags);
        let _ = serde_json::to_string(&nianbao_core::render::json::parse_output(
            "adversarial",
            report,
        ))
        .unwrap();
        let _ = nianbao_core::render::markdown::render(report);
        let _ = nianbao_core::render::cells::render(report);
        return format!("read, {} findings", diags.len());
    }
    let Err(e) = report else { unreachable!() };
    format!("refused: {e}")
}

struct Measure {
    bytes: usize,
    secs: f64,
    peak: usize,
    total: usize,
    outcome: String,
}

fn measure(input: Input) -> Measure {
    let bytes = match &input {
        Input::Bytes(b) => b.len(),
        Input::Pdf { tsv, svg } => tsv.len() + svg.as_ref().map_or(0, |s| s.len()),
    };
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let total_before = TOTAL.load(Ordering::Relaxed);
    let start = Instant::now();
    let outcome = run(&input);
    let secs = start.elapsed().as_secs_f64();
    Measure {
        bytes,
        secs,
        peak: PEAK.load(Ordering::Relaxed).saturating_sub(before),
        total: TOTAL.load(Ordering::Relaxed) - total_before,
        outcome,
    }
}

#[test]
fn adversarial_inputs_are_bounded_and_linear() {
    let scale: usize = std::env::var("NIANBAO_ADVERSARIAL_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1)
        .max(1);
    let mut failures = Vec::new();
    let (mut slowest, mut largest) = ((0.0f64, ""), (0usize, ""));
    let cases = cases();
    for (name, n, make) in &cases {
        let n = n * scale;
        let small = measure(make(n));
        let big = measure(make(2 * n));
        let growth = big.total as f64 / small.total.max(1) as f64;
        eprintln!(
            "{name}: {:.1} MB in {:.2} s, peak {:.0} MB; ×2 input: {:.2} s (×{:.1}), work ×{growth:.2}; {}",
            big.bytes as f64 / 1e6,
            small.secs,
            big.peak as f64 / 1e6,
            big.secs,
            big.secs / small.secs.max(1e-3),
            big.outcome,
        );
        if big.secs > slowest.0 {
            slowest = (big.secs, name);
        }
        if big.peak > largest.0 {
            largest = (big.peak, name);
        }
        if name.contains("refused unread") && !big.outcome.starts_with("refused: 内容过多") {
            failures.push(format!("{name}: not refused ({})", big.outcome));
        }
        if big.peak > MAX_PEAK {
            failures.push(format!("{name}: peak {} MB", big.peak >> 20));
        }
        // Growth is judged only where the work is more than the fixed costs.
        if big.total > 64 << 20 && growth > MAX_GROWTH {
            failures.push(format!("{name}: work ×{growth:.2} when the input doubles"));
        }
    }
    eprintln!(
        "adversarial: {} cases × 2 sizes; slowest {:.2} s ({}); largest peak {:.0} MB ({})",
        cases.len(),
        slowest.0,
        slowest.1,
        largest.0 as f64 / 1e6,
        largest.1
    );
    assert!(failures.is_empty(), "{failures:#?}");
}
