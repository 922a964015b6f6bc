//! # nianbao-store
//!
//! The corpus: many reports in one place, checked, comparable, placed on the map. One
//! [`Store`] with two engines — SQLite (embedded, the default) and PostgreSQL (a shared
//! server) — running the same SQL. The schema is a versioned public boundary, documented
//! in `docs/store.md` and created by the migrations in `migrations/<engine>/`.
//!
//! The store only persists and answers: reading files (which needs outside programs for
//! PDF) is the caller's, so the same store serves the CLI and the web app.

pub mod accounts;
mod across_years;
mod bulk;
pub mod cases;
mod db;
pub mod measure;
pub mod query;
pub mod record;
mod rollup;
pub mod workbench;
mod write;

pub use db::{redacted, Store, SCHEMA_VERSION};
pub use measure::{group_label, MeasureRow};
pub use record::{NewAgency, NewCell, NewDiagnostic, NewReport, NewSection, Overrides};
pub use rollup::Rollup;
pub use write::{sha256_hex, Incoming, Outcome, Saved};

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The database could not be opened or created.
    #[error("无法打开数据库 {0}：{1}")]
    Open(String, String),
    /// The database was written by a newer nianbao.
    #[error("数据库的结构版本为 {0}，高于本程序支持的 {1}；请升级 nianbao")]
    TooNew(i64, i64),
    /// Opened read-only, the database is older than this build and cannot be upgraded.
    #[error("数据库的结构版本为 {0}，低于本程序的 {1}；只读打开时无法升级，请先以可写方式打开一次（例如 nianbao import）")]
    TooOld(i64, i64),
    /// No such record, or one the user may not see: the two are one answer, so nothing
    /// leaks about records of other agencies (the message says which record).
    #[error("{0}")]
    NotFound(String),
    /// The user may see this but not change it (the message says why).
    #[error("{0}")]
    Forbidden(String),
    /// Invalid as asked: a question the corpus cannot answer, an entry the record refuses
    /// (the message says why).
    #[error("{0}")]
    Question(String),
    /// The SQLite engine refused a bulk write.
    #[error("数据库错误：{0}")]
    Engine(String),
    /// A query failed.
    #[error("数据库错误：{0}")]
    Sql(#[from] sqlx::Error),
}

/// The store's result.
pub type Result<T> = std::result::Result<T, Error>;

/// Now, as RFC 3339 UTC: the stored form of every time.
pub(crate) fn now() -> String {
    jiff::Timestamp::now().to_string()
}
