//! The two engines behind one [`Store`]: SQLite (embedded, the default) and PostgreSQL.
//!
//! Both run the same SQL text: `$1`-style placeholders, `ON CONFLICT`, `RETURNING`, and
//! only the column types both decode alike (BIGINT, TEXT, DOUBLE, bytes). What differs —
//! the DDL — lives in the per-engine migration scripts.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::{Error, Result};

/// The corpus store.
#[derive(Clone, Debug)]
pub enum Store {
    /// An SQLite file.
    Sqlite(SqlitePool),
    /// A PostgreSQL database.
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to whichever engine's pool the store holds. The body
/// is written once and compiled for each engine.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match $store {
            $crate::db::Store::Sqlite($pool) => $body,
            $crate::db::Store::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// One bound parameter.
#[derive(Clone, Debug)]
pub(crate) enum Arg {
    Int(i64),
    OptInt(Option<i64>),
    Text(String),
    OptText(Option<String>),
}

/// Binds `$args` in order to `$q`.
macro_rules! bind_all {
    ($q:expr, $args:expr) => {{
        let mut q = $q;
        for a in $args {
            q = match a {
                $crate::db::Arg::Int(v) => q.bind(*v),
                $crate::db::Arg::OptInt(v) => q.bind(*v),
                $crate::db::Arg::Text(v) => q.bind(v.as_str()),
                $crate::db::Arg::OptText(v) => q.bind(v.as_deref()),
            };
        }
        q
    }};
}
pub(crate) use bind_all;

/// SQL text assembled at run time from constant pieces (column lists, placeholder
/// numbers, table names chosen in code) — never from user input, which is always bound.
pub(crate) fn built(sql: String) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(sql)
}

/// Every migration: (version, SQLite script, PostgreSQL script). Append only; a released
/// script never changes.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        include_str!("../migrations/sqlite/0001_corpus.sql"),
        include_str!("../migrations/postgres/0001_corpus.sql"),
    ),
    (
        2,
        include_str!("../migrations/sqlite/0002_accounts.sql"),
        include_str!("../migrations/postgres/0002_accounts.sql"),
    ),
    (
        3,
        include_str!("../migrations/sqlite/0003_cases.sql"),
        include_str!("../migrations/postgres/0003_cases.sql"),
    ),
    (
        4,
        include_str!("../migrations/sqlite/0004_workbench.sql"),
        include_str!("../migrations/postgres/0004_workbench.sql"),
    ),
    (
        5,
        include_str!("../migrations/sqlite/0005_across_years_pending.sql"),
        include_str!("../migrations/postgres/0005_across_years_pending.sql"),
    ),
];

const CURRENT_VERSION: &str = "SELECT MAX(version) FROM nianbao_schema";

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = 5;

/// `location` fit for messages and logs: a PostgreSQL URL's password replaced by `***`
/// (`postgres://user:***@host/db`). Other locations are paths, shown as they are.
pub fn redacted(location: &str) -> String {
    let Some((scheme, rest)) = location.split_once("://") else {
        return location.to_string();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    // A password in the query (`?password=…`) hides the whole query.
    let tail = match tail.split_once('?') {
        Some((path, query)) if query.contains("password=") => format!("{path}?***"),
        _ => tail.to_string(),
    };
    match authority.rsplit_once('@') {
        Some((user_info, host)) => {
            let user = user_info.split_once(':').map_or(user_info, |(u, _)| u);
            let hidden = if user_info.contains(':') { ":***" } else { "" };
            format!("{scheme}://{user}{hidden}@{host}{tail}")
        }
        None => format!("{scheme}://{authority}{tail}"),
    }
}

fn is_postgres(location: &str) -> bool {
    location.starts_with("postgres://") || location.starts_with("postgresql://")
}

/// The file of a SQLite location (`sqlite://PATH`, `sqlite:PATH` or a plain path).
fn sqlite_path(location: &str) -> &str {
    location
        .strip_prefix("sqlite://")
        .or_else(|| location.strip_prefix("sqlite:"))
        .unwrap_or(location)
}

/// The options every SQLite connection of the store has.
fn sqlite_options(location: &str) -> Result<SqliteConnectOptions> {
    Ok(
        SqliteConnectOptions::from_str(&format!("sqlite://{}", sqlite_path(location)))
            .map_err(|e| Error::Open(location.to_string(), e.to_string()))?
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(30))
            // A 64 MiB page cache: imports write millions of cell rows.
            .pragma("cache_size", "-65536")
            .pragma("temp_store", "memory"),
    )
}

async fn sqlite_pool(location: &str, opts: SqliteConnectOptions) -> Result<SqlitePool> {
    SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(opts)
        .await
        .map_err(|e| Error::Open(location.to_string(), e.to_string()))
}

/// A PostgreSQL pool; `read_only` makes every transaction read-only.
async fn pg_pool(location: &str, read_only: bool) -> Result<PgPool> {
    let mut opts = PgConnectOptions::from_str(location)
        .map_err(|e| Error::Open(redacted(location), e.to_string()))?;
    if read_only {
        opts = opts.options([("default_transaction_read_only", "on")]);
    }
    PgPoolOptions::new()
        .max_connections(4)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(opts)
        .await
        .map_err(|e| Error::Open(redacted(location), e.to_string()))
}

impl Store {
    /// Opens the store at `location`: `postgres://…` (or `postgresql://…`) for PostgreSQL;
    /// `sqlite:PATH` or a plain path for SQLite, created with its directory on first use.
    /// Brings the schema up to date.
    pub async fn open(location: &str) -> Result<Store> {
        let store = if is_postgres(location) {
            Store::Postgres(pg_pool(location, false).await?)
        } else {
            let path = sqlite_path(location);
            if let Some(dir) = Path::new(path)
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
            {
                std::fs::create_dir_all(dir)
                    .map_err(|e| Error::Open(location.to_string(), e.to_string()))?;
            }
            let opts = sqlite_options(location)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal);
            Store::Sqlite(sqlite_pool(location, opts).await?)
        };
        store.migrate().await?;
        Ok(store)
    }

    /// Opens the store at `location` for reading only: nothing is created, migrated or
    /// written, so a database file the user may only read (a published copy, a file on
    /// read-only media) serves `stats`, `query`, `export` and `serve --read-only`. The
    /// schema must be this build's.
    pub async fn open_read_only(location: &str) -> Result<Store> {
        let store = if is_postgres(location) {
            Store::Postgres(pg_pool(location, true).await?)
        } else {
            let path = sqlite_path(location);
            if !Path::new(path).is_file() {
                return Err(Error::Open(location.to_string(), "文件不存在".into()));
            }
            let connect = |immutable: bool| async move {
                let opts = sqlite_options(location)?
                    .read_only(true)
                    .immutable(immutable);
                let pool = sqlite_pool(location, opts).await?;
                // The first query is where a WAL database finds it cannot make its
                // shared-memory file.
                sqlx::query("SELECT 1")
                    .execute(&pool)
                    .await
                    .map_err(|e| Error::Open(location.to_string(), e.to_string()))?;
                Ok::<_, Error>(pool)
            };
            // A WAL database in a directory the user may not write cannot make its
            // shared-memory file: nobody can be writing it there either, so it is read
            // as immutable.
            let pool = match connect(false).await {
                Ok(pool) => pool,
                Err(_) => connect(true).await?,
            };
            Store::Sqlite(pool)
        };
        let version = store
            .schema_version()
            .await
            .map_err(|e| Error::Open(redacted(location), e.to_string()))?;
        match version.cmp(&SCHEMA_VERSION) {
            std::cmp::Ordering::Less => Err(Error::TooOld(version, SCHEMA_VERSION)),
            std::cmp::Ordering::Greater => Err(Error::TooNew(version, SCHEMA_VERSION)),
            std::cmp::Ordering::Equal => Ok(store),
        }
    }

    /// `sqlite` or `postgres`.
    pub fn engine(&self) -> &'static str {
        match self {
            Store::Sqlite(_) => "sqlite",
            Store::Postgres(_) => "postgres",
        }
    }

    /// The schema version the database is at.
    pub async fn schema_version(&self) -> Result<i64> {
        let v: Option<i64> = on_pool!(self, pool => {
            sqlx::query_scalar(CURRENT_VERSION).fetch_one(pool).await?
        });
        Ok(v.unwrap_or(0))
    }

    async fn migrate(&self) -> Result<()> {
        let create = "CREATE TABLE IF NOT EXISTS nianbao_schema (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)";
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            if let Store::Postgres(_) = self {
                // Several servers may start at once on a shared database: one migrates.
                sqlx::query("SELECT pg_advisory_xact_lock(7346290514)").execute(&mut *tx).await?;
            }
            sqlx::query(create).execute(&mut *tx).await?;
            let current: Option<i64> = sqlx::query_scalar(CURRENT_VERSION).fetch_one(&mut *tx).await?;
            let current = current.unwrap_or(0);
            if current > SCHEMA_VERSION {
                return Err(Error::TooNew(current, SCHEMA_VERSION));
            }
            for &(version, sqlite, postgres) in MIGRATIONS.iter().filter(|m| m.0 > current) {
                let script = match self {
                    Store::Sqlite(_) => sqlite,
                    Store::Postgres(_) => postgres,
                };
                sqlx::raw_sql(script).execute(&mut *tx).await?;
                sqlx::query("INSERT INTO nianbao_schema (version, applied_at) VALUES ($1, $2)")
                    .bind(version)
                    .bind(crate::now())
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Closes the pool, waiting for work in flight.
    pub async fn close(&self) {
        on_pool!(self, pool => pool.close().await)
    }
}

#[cfg(test)]
mod tests {
    use super::redacted;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            redacted("postgres://nb:s3cret@db.example:5432/nianbao?sslmode=disable"),
            "postgres://nb:***@db.example:5432/nianbao?sslmode=disable"
        );
        assert_eq!(
            redacted("postgresql://db/nianbao?user=nb&password=s3cret"),
            "postgresql://db/nianbao?***"
        );
        assert_eq!(redacted("/var/lib/nianbao.db"), "/var/lib/nianbao.db");
    }
}
