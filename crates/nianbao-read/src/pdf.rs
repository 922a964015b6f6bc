//! The PDF text layer, from poppler's `pdftotext -tsv` run as a subprocess (keeps GPL
//! code out of the binary; Debian `poppler-utils` + `poppler-data`, the latter for the
//! CJK CMaps such as GBK-EUC-H and UniGB-UCS2-H). Bounded in time.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

/// Longest a PDF may take to extract.
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// The words of a PDF's text layer as `pdftotext -tsv` prints them.
pub fn tsv(bytes: &[u8]) -> Result<String, String> {
    let mut child = crate::subprocess::spawn(
        Command::new("pdftotext")
            .args(["-tsv", "-enc", "UTF-8", "-", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
        "pdftotext",
        "读取 PDF 需要 poppler 的 pdftotext（Debian/Ubuntu：apt-get install poppler-utils poppler-data，或运行 setup.sh）",
    )?;
    // Feed and drain on threads so that neither pipe can fill up and stall the child.
    let mut stdin = child.stdin.take().expect("piped stdin");
    let input = bytes.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let mut stdout = child.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = stdout.read_to_end(&mut out);
        out
    });
    let status = crate::subprocess::wait_with_limit(&mut child, TIMEOUT, "PDF 文字提取")?;
    let _ = writer.join();
    let out = reader.join().unwrap_or_default();
    if !status.success() {
        let mut err = String::new();
        if let Some(mut e) = child.stderr.take() {
            let _ = e.read_to_string(&mut err);
        }
        return Err(format!(
            "PDF 无法读取（pdftotext：{}）",
            err.lines().next().unwrap_or("失败").trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}
