//! Static assets, embedded in the binary: the app's CSS and script, and the vendored
//! ECharts (Apache-2.0, `assets/vendor/echarts.LICENSE`). Nothing is fetched from a CDN.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

/// (path under `/static/`, content type, bytes).
const FILES: [(&str, &str, &[u8]); 4] = [
    (
        "app.css",
        "text/css; charset=utf-8",
        include_bytes!("../assets/app.css"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/app.js"),
    ),
    (
        "echarts.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/vendor/echarts.min.js"),
    ),
    (
        "echarts.LICENSE",
        "text/plain; charset=utf-8",
        include_bytes!("../assets/vendor/echarts.LICENSE"),
    ),
];

/// The OpenAPI document of `/api/v1`.
pub const OPENAPI: &str = include_str!("../assets/openapi.json");

pub(crate) async fn serve(Path(path): Path<String>) -> Response {
    match FILES.iter().find(|f| f.0 == path) {
        Some((_, mime, bytes)) => (
            [
                (header::CONTENT_TYPE, *mime),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            *bytes,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "没有这个文件").into_response(),
    }
}
