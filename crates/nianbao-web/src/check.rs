//! Checking an uploaded file: reading the upload (multipart or a raw body), parsing it off
//! the async threads, running the rules (with last year's report when one is given), and
//! keeping recent uploads so that a reviewer can save one after reading its findings.

use std::collections::{HashMap, VecDeque};

use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{header, StatusCode};
use nianbao_core::diagnostic::Diagnostic;
use nianbao_core::Report;
use nianbao_store::record::{record, Overrides};
use nianbao_store::{Incoming, Outcome};

use crate::error::ApiError;
use crate::App;

/// One uploaded file.
#[derive(Clone)]
pub(crate) struct Upload {
    /// The file name as the browser gave it (or `粘贴的文本`).
    pub name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// What a check request carried.
#[derive(Default)]
pub(crate) struct Form {
    pub file: Option<Upload>,
    pub prior: Option<Upload>,
    pub fields: HashMap<String, String>,
}

/// Reads a check request: `multipart/form-data` with `file` (or `text`, pasted), optional
/// `prior` (last year's report) and plain fields; any other body is the file itself.
pub(crate) async fn read_form(app: &App, req: Request) -> Result<Form, ApiError> {
    let limit = app.config.max_upload;
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let mut form = Form::default();
    if !multipart {
        let bytes = axum::body::to_bytes(req.into_body(), limit)
            .await
            .map_err(|_| ApiError::too_large(limit))?;
        form.file = Some(Upload {
            name: "上传的文件".into(),
            bytes: bytes.to_vec(),
        });
        return Ok(form);
    }
    let mut mp = Multipart::from_request(req, &())
        .await
        .map_err(|e| ApiError::bad_request(format!("表单无法读取：{e}")))?;
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(ApiError::too_large(limit))
            }
            Err(e) => {
                return Err(ApiError::bad_request(format!(
                    "表单无法读取：{}",
                    e.body_text()
                )))
            }
        };
        let name = field.name().unwrap_or("").to_string();
        let file_name = field.file_name().map(str::to_string);
        let bytes = field.bytes().await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::too_large(limit)
            } else {
                ApiError::bad_request(format!("表单无法读取：{}", e.body_text()))
            }
        })?;
        if bytes.len() > limit {
            return Err(ApiError::too_large(limit));
        }
        match name.as_str() {
            "file" | "prior"
                if file_name.as_deref().is_some_and(|n| !n.is_empty()) || !bytes.is_empty() =>
            {
                let up = Upload {
                    name: file_name.unwrap_or_else(|| "上传的文件".into()),
                    bytes: bytes.to_vec(),
                };
                if name == "file" {
                    form.file = Some(up);
                } else {
                    form.prior = Some(up);
                }
            }
            "text" if !bytes.iter().all(u8::is_ascii_whitespace) => {
                if form.file.is_none() {
                    form.file = Some(Upload {
                        name: "粘贴的文本".into(),
                        bytes: bytes.to_vec(),
                    });
                }
            }
            _ => {
                form.fields
                    .insert(name, String::from_utf8_lossy(&bytes).into_owned());
            }
        }
    }
    Ok(form)
}

/// A checked upload.
pub(crate) struct Checked {
    pub upload: Upload,
    pub sha256: String,
    pub report: Report,
    pub diagnostics: Vec<Diagnostic>,
    /// Last year's report, when one was uploaded with it.
    pub prior: Option<Report>,
}

/// Reads one file into a report, or the error a client should see: 400 for an empty
/// file, 415 for a kind of file the reader does not take (images, archives, other
/// binary data), 422 for a readable file that is not an annual report.
fn read(up: &Upload) -> Result<Report, ApiError> {
    nianbao_read::parse_bytes(&up.bytes).map_err(|e| {
        let (status, code) = if e.is_empty() {
            (StatusCode::BAD_REQUEST, "empty")
        } else if e.is_unsupported() {
            (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_type")
        } else {
            (StatusCode::UNPROCESSABLE_ENTITY, "not_a_report")
        };
        ApiError::new(status, code, format!("{}：{e}", up.name))
    })
}

/// How long a request waits for a parsing slot before it is told the server is busy.
const SLOT_WAIT: std::time::Duration = std::time::Duration::from_secs(20);

/// Runs CPU work (parsing, checking, rendering a document) on the blocking pool, never on
/// the async threads, at most one job per core at a time: a heavy upload then delays
/// other uploads, not every request; a request that cannot get a slot in time is told
/// the server is busy (503).
pub(crate) async fn cpu<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    static SLOTS: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
        tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
    });
    let _slot = tokio::time::timeout(SLOT_WAIT, SLOTS.acquire())
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                "服务器正忙于处理其他文件，请稍后再试",
            )
        })?
        .map_err(ApiError::internal)?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(ApiError::internal)
}

/// Parses and checks, on a blocking thread (parsing is CPU work, PDF a subprocess).
pub(crate) async fn check(file: Upload, prior: Option<Upload>) -> Result<Checked, ApiError> {
    cpu(move || {
        let report = read(&file)?;
        let prior = match &prior {
            Some(p) => Some(read(p).map_err(|e| ApiError {
                message: format!("上年年报 {}", e.message),
                ..e
            })?),
            None => None,
        };
        let diagnostics = nianbao_core::check(&report, prior.as_ref());
        let sha256 = nianbao_store::sha256_hex(&file.bytes);
        Ok(Checked {
            upload: file,
            sha256,
            report,
            diagnostics,
            prior,
        })
    })
    .await?
}

/// Saves a recent upload into the corpus (when the app is open), reading it again (only
/// its bytes are kept); returns the report id.
pub(crate) async fn save(app: &App, up: &Upload) -> Result<i64, ApiError> {
    writable(app)?;
    let overrides: Overrides = app.store.overrides().await?;
    let up = up.clone();
    let incoming = cpu(move || -> Result<Incoming, ApiError> {
        let report = read(&up)?;
        let diags = nianbao_core::check(&report, None);
        Ok(incoming(up, &report, &diags, &overrides))
    })
    .await??;
    store(app, incoming).await
}

/// Saves an upload just checked, from its reading (the file is not read twice); gives the
/// checked upload back with the report id.
pub(crate) async fn save_checked(app: &App, c: Checked) -> Result<(Checked, i64), ApiError> {
    writable(app)?;
    let overrides: Overrides = app.store.overrides().await?;
    let (c, incoming) = cpu(move || {
        // The stored findings are the report's own: without last year's upload beside it.
        let own;
        let diags = if c.prior.is_none() {
            &c.diagnostics
        } else {
            own = nianbao_core::check(&c.report, None);
            &own
        };
        let incoming = incoming(c.upload.clone(), &c.report, diags, &overrides);
        (c, incoming)
    })
    .await?;
    Ok((c, store(app, incoming).await?))
}

fn writable(app: &App) -> Result<(), ApiError> {
    if app.config.mode != crate::Mode::Open {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "read_only",
            "本站为只读模式：上传的文件只检查，不保存",
        ));
    }
    Ok(())
}

fn incoming(up: Upload, report: &Report, diags: &[Diagnostic], overrides: &Overrides) -> Incoming {
    let origin = format!("upload:{}", up.name);
    let outcome = Outcome::Parsed(Box::new(record(report, diags, Some(&origin), overrides)));
    Incoming {
        sha256: nianbao_store::sha256_hex(&up.bytes),
        kind: nianbao_read::kind_of(&up.bytes, Some(report)),
        bytes: up.bytes,
        origin,
        outcome,
    }
}

/// Stores one reading and runs the cross-year pass for it; the report id.
async fn store(app: &App, incoming: Incoming) -> Result<i64, ApiError> {
    let sha = incoming.sha256.clone();
    let saved = app.store.save(std::slice::from_ref(&incoming)).await?;
    let id = match saved.first() {
        Some(nianbao_store::Saved::New(id)) => *id,
        _ => app
            .store
            .report_of_sha256(&sha)
            .await?
            .ok_or_else(|| ApiError::internal("保存后找不到这份年报"))?,
    };
    app.store.check_across_years(Some(&[id])).await?;
    Ok(id)
}

/// A file checked recently, by its SHA-256 (for saving it or downloading its findings).
pub(crate) fn recent(app: &App, sha: &str) -> Result<Upload, ApiError> {
    let up = app.uploads.lock().map_err(ApiError::internal)?.get(sha);
    up.ok_or_else(|| ApiError::not_found("这个文件已不在服务器的近期上传中，请重新上传"))
}

/// Recent uploads by SHA-256, bounded in count and bytes (oldest dropped first).
#[derive(Default)]
pub struct Uploads {
    order: VecDeque<String>,
    files: HashMap<String, Upload>,
    bytes: usize,
}

impl Uploads {
    const MAX_FILES: usize = 64;
    const MAX_BYTES: usize = 128 * 1024 * 1024;

    pub(crate) fn keep(&mut self, sha: &str, up: &Upload) {
        if self.files.contains_key(sha) {
            return;
        }
        self.bytes += up.bytes.len();
        self.files.insert(sha.to_string(), up.clone());
        self.order.push_back(sha.to_string());
        while self.order.len() > Self::MAX_FILES || self.bytes > Self::MAX_BYTES {
            let Some(old) = self.order.pop_front() else {
                break;
            };
            if let Some(f) = self.files.remove(&old) {
                self.bytes -= f.bytes.len();
            }
        }
    }

    pub(crate) fn get(&self, sha: &str) -> Option<Upload> {
        self.files.get(sha).cloned()
    }
}
