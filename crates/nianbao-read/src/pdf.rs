//! The PDF text layer and ruling lines, from poppler's `pdftotext -tsv` and
//! `pdftocairo -svg` run as subprocesses (keeps GPL code out of the binary; Debian
//! `poppler-utils` + `poppler-data`, the latter for the CJK CMaps such as GBK-EUC-H and
//! UniGB-UCS2-H). Bounded in time, memory and output.

use crate::ReadError;

use std::io::Write;
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

/// Longest a PDF may take to extract.
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// Address space a poppler tool may take (MiB), and its CPU seconds.
const MEMORY_MIB: u64 = 1024;
const CPU_SECONDS: u64 = 60;
/// Most text kept from pdftotext's output: far above any report (a 64 MiB PDF's words).
const MAX_OUTPUT: usize = 256 << 20;
/// Most SVG kept from pdftocairo: its glyph outlines make it larger than the text; past
/// this the tables are read from word positions alone.
const MAX_SVG: usize = 256 << 20;

const MISSING: &str = "读取 PDF 需要 poppler 的 pdftotext（Debian/Ubuntu：apt-get install poppler-utils poppler-data，或运行 setup.sh）";

/// What a poppler tool left: its exit status, its output (and whether it overflowed the
/// cap), the first line of its errors.
struct Run {
    status: ExitStatus,
    out: Vec<u8>,
    too_much: bool,
    err: String,
}

/// Runs `program args…` on `bytes` as its standard input, bounded.
fn run(
    program: &str,
    args: &[&str],
    bytes: &[u8],
    cap: usize,
    what: &str,
) -> Result<Run, ReadError> {
    let mut child = crate::subprocess::spawn(
        crate::subprocess::limited(program, args, MEMORY_MIB, CPU_SECONDS)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
        program,
        MISSING,
    )?;
    // Feed and drain every pipe on its own thread, so that none can fill up and stall
    // the child (a PDF that makes pdftotext write much to stderr once did).
    let mut stdin = child.stdin.take().expect("piped stdin");
    let input = bytes.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let stdout = crate::subprocess::drain(child.stdout.take().expect("piped stdout"), cap);
    let stderr = crate::subprocess::drain(child.stderr.take().expect("piped stderr"), 4096);
    let status = crate::subprocess::wait_with_limit(&mut child, TIMEOUT, what)?;
    let _ = writer.join();
    let (out, too_much) = stdout.join().unwrap_or_default();
    let (err, _) = stderr.join().unwrap_or_default();
    let err = String::from_utf8_lossy(&err)
        .lines()
        .next()
        .unwrap_or("失败")
        .trim()
        .to_string();
    Ok(Run {
        status,
        out,
        too_much,
        err,
    })
}

/// The words of a PDF's text layer as `pdftotext -tsv` prints them.
pub fn tsv(bytes: &[u8]) -> Result<String, ReadError> {
    let r = run(
        "pdftotext",
        &["-tsv", "-enc", "UTF-8", "-", "-"],
        bytes,
        MAX_OUTPUT,
        "PDF 文字提取",
    )?;
    if r.status.code() == Some(crate::subprocess::NOT_INSTALLED) {
        return Err(ReadError::ConverterMissing(MISSING.to_string()));
    }
    if r.too_much {
        return Err(ReadError::ConverterFailed(format!(
            "PDF 的文字超过 {} MiB 的上限，不像一份年度报告",
            MAX_OUTPUT >> 20
        )));
    }
    if !r.status.success() {
        let why = if r.status.code().is_none() {
            // Killed by a signal: the CPU or memory limit was reached.
            format!("超出 {MEMORY_MIB} MiB 内存或 {CPU_SECONDS} 秒 CPU 的限制，已终止")
        } else {
            r.err
        };
        return Err(ReadError::ConverterFailed(format!(
            "PDF 无法读取（pdftotext：{why}）"
        )));
    }
    Ok(String::from_utf8_lossy(&r.out).into_owned())
}

/// The pages drawn as SVG by `pdftocairo -svg` (media box, like pdftotext's words), for
/// their ruling lines; `None` when they cannot be drawn within the bounds — the tables
/// are then read from word positions alone, so this is never an error.
pub fn svg(bytes: &[u8]) -> Option<String> {
    let r = run(
        "pdftocairo",
        &["-svg", "-nocrop", "-", "-"],
        bytes,
        MAX_SVG,
        "PDF 表格线提取",
    )
    .ok()?;
    (r.status.success() && !r.too_much).then(|| String::from_utf8_lossy(&r.out).into_owned())
}
