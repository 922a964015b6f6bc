//! Errors as the API returns them: a status and a JSON body
//! `{"error": {"code": "…", "message": "…（中文）"}}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

/// An error answer: HTTP status, a stable machine code, a Chinese message.
#[derive(Debug)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable code, e.g. `too_large`, `not_a_report`.
    pub code: &'static str,
    /// What went wrong, in Chinese.
    pub message: String,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }
    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }
    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }
    pub(crate) fn too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("文件过大：上限为 {:.0} MB", limit as f64 / 1048576.0),
        )
    }
    pub(crate) fn internal(e: impl std::fmt::Display) -> Self {
        tracing::error!(error = %e, "内部错误");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            format!("服务器内部错误：{e}"),
        )
    }
}

/// The store's refusals by their type: not found (or not the user's) 404, forbidden 403,
/// invalid 422; anything else is the server's fault (500, logged).
impl From<nianbao_store::Error> for ApiError {
    fn from(e: nianbao_store::Error) -> Self {
        match e {
            nianbao_store::Error::NotFound(m) => ApiError::not_found(m),
            nianbao_store::Error::Forbidden(m) => Self::new(StatusCode::FORBIDDEN, "forbidden", m),
            nianbao_store::Error::Question(m) => {
                Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", m)
            }
            e => ApiError::internal(e),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": { "code": self.code, "message": self.message } });
        (self.status, Json(body)).into_response()
    }
}

/// Unknown paths: JSON under `/api/`, a page elsewhere.
pub(crate) async fn not_found(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        ApiError::not_found(format!("没有这个接口：{}", uri.path())).into_response()
    } else {
        (
            StatusCode::NOT_FOUND,
            crate::frame::message_page("找不到页面", &format!("没有这个页面：{}", uri.path())),
        )
            .into_response()
    }
}
