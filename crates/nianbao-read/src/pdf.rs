//! The PDF text layer, from poppler's `pdftotext -tsv` run as a subprocess (keeps GPL
//! code out of the binary; Debian `poppler-utils` + `poppler-data`, the latter for the
//! CJK CMaps such as GBK-EUC-H and UniGB-UCS2-H). Bounded in time.

use std::io::Write;
use std::process::Stdio;
use std::time::Duration;

/// Longest a PDF may take to extract.
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// Address space pdftotext may take (MiB), and its CPU seconds.
const MEMORY_MIB: u64 = 1024;
const CPU_SECONDS: u64 = 60;
/// Most text kept from its output: far above any report (a 64 MiB PDF's words).
const MAX_OUTPUT: usize = 256 << 20;

/// The words of a PDF's text layer as `pdftotext -tsv` prints them.
pub fn tsv(bytes: &[u8]) -> Result<String, String> {
    const MISSING: &str = "读取 PDF 需要 poppler 的 pdftotext（Debian/Ubuntu：apt-get install poppler-utils poppler-data，或运行 setup.sh）";
    let mut child = crate::subprocess::spawn(
        crate::subprocess::limited(
            "pdftotext",
            &["-tsv", "-enc", "UTF-8", "-", "-"],
            MEMORY_MIB,
            CPU_SECONDS,
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped()),
        "pdftotext",
        MISSING,
    )?;
    // Feed and drain every pipe on its own thread, so that none can fill up and stall
    // the child (a PDF that makes pdftotext write much to stderr once did).
    let mut stdin = child.stdin.take().expect("piped stdin");
    let input = bytes.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let stdout = crate::subprocess::drain(child.stdout.take().expect("piped stdout"), MAX_OUTPUT);
    let stderr = crate::subprocess::drain(child.stderr.take().expect("piped stderr"), 4096);
    let status = crate::subprocess::wait_with_limit(&mut child, TIMEOUT, "PDF 文字提取")?;
    let _ = writer.join();
    let (out, too_much) = stdout.join().unwrap_or_default();
    let (err, _) = stderr.join().unwrap_or_default();
    let err = String::from_utf8_lossy(&err);
    if status.code() == Some(crate::subprocess::NOT_INSTALLED) {
        return Err(MISSING.to_string());
    }
    if too_much {
        return Err(format!(
            "PDF 的文字超过 {} MiB 的上限，不像一份年度报告",
            MAX_OUTPUT >> 20
        ));
    }
    if !status.success() {
        let why = if status.code().is_none() {
            // Killed by a signal: the CPU or memory limit was reached.
            format!("超出 {MEMORY_MIB} MiB 内存或 {CPU_SECONDS} 秒 CPU 的限制，已终止")
        } else {
            err.lines().next().unwrap_or("失败").trim().to_string()
        };
        return Err(format!("PDF 无法读取（pdftotext：{why}）"));
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}
