//! Input files: paths, directories (walked recursively, sorted) and standard input.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::Context;

/// Largest file read (64 MiB): reports are far smaller; anything bigger is not one.
pub const MAX_INPUT: u64 = 64 << 20;

/// One input.
pub enum Input {
    Stdin,
    File(PathBuf),
}

impl Input {
    pub fn name(&self) -> String {
        match self {
            Input::Stdin => "-".into(),
            Input::File(p) => p.display().to_string(),
        }
    }

    pub fn read(&self) -> std::io::Result<Vec<u8>> {
        self.read_raw().map_err(|e| {
            let said = match e.kind() {
                std::io::ErrorKind::NotFound => "文件不存在".to_string(),
                std::io::ErrorKind::PermissionDenied => "没有读取权限".to_string(),
                std::io::ErrorKind::IsADirectory => "这是一个目录".to_string(),
                _ => return e,
            };
            std::io::Error::new(e.kind(), said)
        })
    }

    fn read_raw(&self) -> std::io::Result<Vec<u8>> {
        let mut buf = Vec::new();
        match self {
            Input::Stdin => {
                std::io::stdin()
                    .lock()
                    .take(MAX_INPUT + 1)
                    .read_to_end(&mut buf)?;
            }
            Input::File(p) => {
                std::fs::File::open(p)?
                    .take(MAX_INPUT + 1)
                    .read_to_end(&mut buf)?;
            }
        }
        if buf.len() as u64 > MAX_INPUT {
            return Err(std::io::Error::other(format!(
                "文件超过 {} MiB 的上限",
                MAX_INPUT >> 20
            )));
        }
        Ok(buf)
    }
}

/// Report files in a directory: text, HTML, DOCX and PDF by extension; hidden files skipped.
fn wanted(p: &Path) -> bool {
    let ext = p
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase());
    matches!(
        ext.as_deref(),
        Some(
            "txt"
                | "text"
                | "htm"
                | "html"
                | "md"
                | "markdown"
                | "tsv"
                | "xhtml"
                | "shtml"
                | "docx"
                | "pdf"
                | "doc"
                | "wps"
        )
    )
}

/// Expands the command-line arguments into inputs.
pub fn collect(args: &[PathBuf]) -> anyhow::Result<Vec<Input>> {
    let mut out = Vec::new();
    for a in args {
        if a.as_os_str() == "-" {
            out.push(Input::Stdin);
        } else if a.is_dir() {
            let mut files: Vec<PathBuf> = Vec::new();
            for entry in walkdir::WalkDir::new(a).follow_links(true) {
                let entry = entry.with_context(|| format!("无法读取目录 {}", a.display()))?;
                let hidden = entry
                    .file_name()
                    .to_str()
                    .is_some_and(|n| n.starts_with('.') && n.len() > 1);
                if entry.file_type().is_file() && !hidden && wanted(entry.path()) {
                    files.push(entry.into_path());
                }
            }
            files.sort();
            out.extend(files.into_iter().map(Input::File));
        } else {
            // A missing file is reported when it is read, so the rest still run.
            out.push(Input::File(a.clone()));
        }
    }
    Ok(out)
}
