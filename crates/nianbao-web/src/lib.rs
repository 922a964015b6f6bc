//! The nianbao web app and JSON API: a thin shell over the core (reading, rules,
//! rendering) and the store (the corpus). Pages are rendered on the server (maud) and
//! work without JavaScript except for the charts and drag-and-drop; every asset is
//! embedded in the binary, nothing comes from a CDN.
//!
//! The JSON API lives under `/api/v1`, described by the OpenAPI document served at
//! `/api/v1/openapi.json` (the versioned boundary; see `docs/api.md`).

// Page helpers return `Result<_, Response>`: the error is the page to send, built where
// the refusal is decided; boxing axum's `Response` would buy nothing.
#![allow(clippy::result_large_err)]

mod api;
mod assets;
mod cache;
mod check;
mod demo;
mod error;
mod frame;
mod listener;
mod pages;
mod tables;
mod work;
mod work_admin;
mod work_report;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::HeaderValue;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use nianbao_store::Store;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use check::Uploads;
pub use error::ApiError;

/// Whether uploads may be saved into the corpus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Public, read-only: files can be checked, nothing is ever stored.
    ReadOnly,
    /// Uploads may be saved into the corpus, and the demo corpus loaded.
    Open,
}

/// How the app serves.
#[derive(Debug, Clone)]
pub struct Config {
    /// Read-only or open.
    pub mode: Mode,
    /// Largest upload, in bytes (a request with two files may be twice that).
    pub max_upload: usize,
    /// Longest a request may take.
    pub timeout: Duration,
    /// Mark the session cookie `Secure` (serve behind HTTPS).
    pub secure_cookies: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            mode: Mode::Open,
            max_upload: 20 * 1024 * 1024,
            timeout: Duration::from_secs(120),
            secure_cookies: false,
        }
    }
}

/// What every handler sees.
#[derive(Clone)]
pub(crate) struct App {
    pub store: Store,
    pub config: Arc<Config>,
    /// Files checked recently, kept so that a reviewer can save one after reading the findings.
    pub uploads: Arc<Mutex<Uploads>>,
    /// Corpus-wide figures, until the corpus changes.
    pub cache: Arc<cache::Cache>,
    /// Wrong passwords by account, for rate limiting.
    pub limiter: Arc<work::LoginLimiter>,
}

/// The whole app: pages, API and assets, with limits, timeouts, compression and logs.
pub fn router(store: Store, config: Config) -> Router {
    routes(App::new(store, config))
}

impl App {
    fn new(store: Store, config: Config) -> App {
        App {
            store,
            config: Arc::new(config),
            uploads: Arc::new(Mutex::new(Uploads::default())),
            cache: Default::default(),
            limiter: Default::default(),
        }
    }
}

fn routes(app: App) -> Router {
    let limit = app.config.max_upload * 2 + 64 * 1024;
    let timeout = app.config.timeout;
    let router = Router::new()
        .route("/", get(pages::home))
        .route("/check", get(pages::check_form).post(pages::check_submit))
        .route("/check/{sha}/save", post(pages::check_save))
        .route("/reports", get(pages::reports))
        .route("/reports/{id}", get(pages::report))
        .route("/reports/{id}/source", get(api::report_source))
        .route("/dashboards", get(pages::dashboards))
        .route("/rollup", get(pages::rollup))
        .route("/rules", get(pages::rules))
        .route("/rules/{code}", get(pages::rule))
        .route("/demo", post(pages::load_demo))
        .route("/login", get(work::login_page).post(work::login))
        .route("/logout", post(work::logout))
        .route("/work", get(work::work))
        .route("/work/deadline", post(work::work_deadline))
        .route("/work/cases", post(work::new_case))
        .route("/work/report", get(work_report::report_page))
        .route("/work/report.docx", get(work_report::report_docx))
        .route("/work/report.html", get(work_report::report_html))
        .route("/work/report.md", get(work_report::report_md))
        .route("/work/report/draft", post(work_report::save_draft))
        .route("/work/report/figures", post(work_report::save_figures))
        .route("/work/report/publish", post(work_report::publish))
        .route(
            "/work/reviews",
            get(work_report::reviews_page).post(work_report::new_review),
        )
        .route(
            "/work/reviews/{id}/decide",
            post(work_report::decide_review),
        )
        .route(
            "/work/import",
            get(work_admin::import_page).post(work_admin::import),
        )
        .route(
            "/work/admin/calendar",
            get(work_admin::calendar).post(work_admin::save_calendar),
        )
        .route(
            "/work/admin/users",
            get(work_admin::users).post(work_admin::new_user),
        )
        .route("/work/cases/{id}", get(work::case_page))
        .route("/work/cases/{id}/events", post(work::case_event))
        .route("/work/cases/{id}/close", post(work::close_case))
        .route("/work/cases/{id}/fee", post(work::case_fee))
        .route("/work/cases/{id}/fee-paid", post(work::case_fee_paid))
        .route("/api/v1/openapi.json", get(api::openapi))
        .route("/api/v1/summary", get(api::summary))
        .route("/api/v1/reports", get(api::reports))
        .route("/api/v1/reports/{id}", get(api::report))
        .route("/api/v1/reports/{id}/source", get(api::report_source))
        .route("/api/v1/check", post(api::check))
        .route("/api/v1/check/{sha}/findings.xlsx", get(api::findings_xlsx))
        .route("/api/v1/check/{sha}/findings.json", get(api::findings_json))
        .route("/api/v1/stats", get(api::stats))
        .route("/api/v1/metrics", get(api::metrics))
        .route("/api/v1/regions", get(api::regions))
        .route("/api/v1/charts/{name}", get(api::chart))
        .route("/api/v1/rollup", get(api::rollup))
        .route("/api/v1/rules", get(api::rules))
        .route("/api/v1/rules/{code}", get(api::rule))
        .route("/static/{*path}", get(assets::serve))
        .fallback(error::not_found)
        .with_state(app)
        .layer(DefaultBodyLimit::max(limit));
    with_security_headers(router)
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .layer(TraceLayer::new_for_http())
        // A bug in a handler answers 500 in Chinese instead of dropping the connection.
        .layer(CatchPanicLayer::custom(
            |_: Box<dyn std::any::Any + Send>| {
                ApiError::internal("处理请求时程序出错（已记录）").into_response()
            },
        ))
}

/// The Content-Security-Policy of every response: scripts and styles only from this
/// server's own files (no inline script, no inline event handler, no `style=`), no
/// plugins, no framing, forms posted only here. A value that slipped past escaping still
/// cannot run.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; \
    frame-ancestors 'none'; form-action 'self'";

/// Headers every response carries: the CSP, no MIME sniffing, no framing, no referrer
/// to other sites.
fn with_security_headers(router: Router) -> Router {
    use axum::http::header;
    let set = |name, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    };
    router
        .layer(set(
            header::CONTENT_SECURITY_POLICY,
            CONTENT_SECURITY_POLICY,
        ))
        .layer(set(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(set(header::X_FRAME_OPTIONS, "DENY"))
        .layer(set(header::REFERRER_POLICY, "same-origin"))
}

/// Serves until Ctrl-C or SIGTERM, then finishes the requests in flight.
pub async fn serve(store: Store, addr: SocketAddr, config: Config) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(addr = %listener.local_addr()?, mode = ?config.mode, "nianbao serve 已启动");
    let app = App::new(store, config);
    // The dashboards' corpus-wide figures, computed once in the background before anyone asks.
    tokio::spawn(api::warm(app.clone()));
    // Each connection's peer address reaches the handlers (the sign-in limit per address).
    listener::run(
        listener::Bounded::new(listener),
        routes(app),
        listener::HEADER_READ,
        shutdown_signal(),
    )
    .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("正在停止：处理完进行中的请求后退出");
}
