//! Legacy Word (.doc) and WPS (.wps) files: converted to DOCX by LibreOffice when it is
//! installed (`soffice --headless --convert-to docx`), bounded in time; otherwise a
//! clear message naming what to install.

use crate::ReadError;

use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Longest a conversion may take.
pub const TIMEOUT: Duration = Duration::from_secs(120);

/// True for an OLE compound file (.doc, .wps, .xls …).
pub fn is_ole(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
}

/// Converts a .doc/.wps file's bytes to DOCX bytes.
pub fn to_docx(bytes: &[u8]) -> Result<Vec<u8>, ReadError> {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "nianbao-office-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir)
        .map_err(|e| ReadError::ConverterFailed(format!("无法创建临时目录：{e}")))?;
    let result = convert_in(&dir, bytes);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn convert_in(dir: &std::path::Path, bytes: &[u8]) -> Result<Vec<u8>, ReadError> {
    let input = dir.join("report.doc");
    std::fs::write(&input, bytes)
        .map_err(|e| ReadError::ConverterFailed(format!("无法写入临时文件：{e}")))?;
    let mut child = crate::subprocess::spawn(
        Command::new("soffice")
            .args(["--headless", "--norestore", "--convert-to", "docx", "--outdir"])
            .arg(dir)
            .arg(&input)
            .env("HOME", dir) // a private profile: no clash with a running LibreOffice
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
        "LibreOffice",
        "DOC/WPS 文件需要 LibreOffice 转换后读取（Debian/Ubuntu：apt-get install libreoffice-writer），或另存为 DOCX",
    )?;
    crate::subprocess::wait_with_limit(&mut child, TIMEOUT, "LibreOffice 转换")?;
    std::fs::read(dir.join("report.docx")).map_err(|_| {
        ReadError::ConverterFailed("LibreOffice 未能转换该文件（文件可能已损坏或加密）".into())
    })
}
