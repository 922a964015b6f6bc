//! The bulk insert of cell rows. SQLite: one prepared statement, bound and stepped per
//! row on the calling thread, through sqlx's locked raw handle. PostgreSQL: one JSON
//! array per statement, unpacked by `jsonb_array_elements` (one bound parameter for
//! thousands of rows).
//!
//! Why: an import writes about 200 cells per report. Through sqlx each statement is a
//! round trip to the connection's worker thread, and multi-row statements pay for binding
//! or parsing thousands of values; either way the cells cost several times the parsing of
//! the report. Stepping one prepared statement directly costs about a microsecond a row.
//! This is the only unsafe code of the store; it relies on sqlx's guarantee that while a
//! `LockedSqliteHandle` lives, its worker thread makes no call on the handle, and on
//! sqlx and libsqlite3-sys being pinned to the versions that share one SQLite.

// The store denies unsafe code (its Cargo.toml); this module is where it needs it.
#![allow(unsafe_code)]

use std::ffi::{c_int, CStr, CString};

use libsqlite3_sys as ffi;
use sqlx::postgres::PgConnection;
use sqlx::sqlite::SqliteConnection;

use crate::db::{bind_all, built, Arg};
use crate::write::{placeholders, CellRow, ROWS_PER_STATEMENT};
use crate::{Error, Result};

const INSERT: &CStr =
    c"INSERT INTO cells (report_id, cell, value, num, blank, span_start, span_end, line, location) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

/// Writing many rows on a connection of either engine (inside the caller's transaction).
pub(crate) trait InsertCells {
    /// Inserts `rows` into `cells`.
    async fn insert_cells(&mut self, rows: &[CellRow<'_>]) -> Result<()>;

    /// Runs `{head} VALUES (…) {tail}` for each row of `width` values in `args`.
    /// SQLite: one prepared statement stepped per row; PostgreSQL: multi-row statements.
    async fn insert_rows(
        &mut self,
        head: &str,
        tail: &str,
        width: usize,
        args: &[Arg],
    ) -> Result<()>;
}

/// Cell rows per PostgreSQL statement.
const ROWS_PER_JSON: usize = 5000;

const INSERT_FROM_JSON: &str = "INSERT INTO cells (report_id, cell, value, num, blank, span_start, span_end, line, location) \
     SELECT (e ->> 0)::bigint, e ->> 1, e ->> 2, (e ->> 3)::double precision, (e ->> 4)::bigint, (e ->> 5)::bigint, \
     (e ->> 6)::bigint, (e ->> 7)::bigint, e ->> 8 FROM jsonb_array_elements($1::jsonb) AS e";

impl InsertCells for PgConnection {
    async fn insert_rows(
        &mut self,
        head: &str,
        tail: &str,
        width: usize,
        args: &[Arg],
    ) -> Result<()> {
        for chunk in args.chunks(ROWS_PER_STATEMENT * width) {
            let sql = format!(
                "{head} VALUES {} {tail}",
                placeholders(chunk.len() / width, width)
            );
            bind_all!(sqlx::query(built(sql)), chunk)
                .execute(&mut *self)
                .await?;
        }
        Ok(())
    }

    async fn insert_cells(&mut self, rows: &[CellRow<'_>]) -> Result<()> {
        for chunk in rows.chunks(ROWS_PER_JSON) {
            let json = serde_json::to_string(chunk).map_err(|e| Error::Engine(e.to_string()))?;
            sqlx::query(INSERT_FROM_JSON)
                .bind(json)
                .execute(&mut *self)
                .await?;
        }
        Ok(())
    }
}

impl InsertCells for SqliteConnection {
    async fn insert_cells(&mut self, rows: &[CellRow<'_>]) -> Result<()> {
        insert_cells_sqlite(self, rows).await
    }

    async fn insert_rows(
        &mut self,
        head: &str,
        tail: &str,
        width: usize,
        args: &[Arg],
    ) -> Result<()> {
        if args.is_empty() {
            return Ok(());
        }
        let marks: Vec<String> = (1..=width).map(|i| format!("?{i}")).collect();
        let sql = CString::new(format!("{head} VALUES ({}) {tail}", marks.join(", ")))
            .map_err(|_| Error::Engine("SQL 含 NUL 字符".into()))?;
        let mut locked = self.lock_handle().await?;
        let db = locked.as_raw_handle().as_ptr();
        // SAFETY: as in `insert_cells_sqlite`.
        unsafe {
            let mut stmt = std::ptr::null_mut();
            check(
                db,
                ffi::sqlite3_prepare_v2(db, sql.as_ptr(), -1, &mut stmt, std::ptr::null_mut()),
            )?;
            let result = (|| {
                for row in args.chunks(width) {
                    for (i, arg) in row.iter().enumerate() {
                        let i = i as c_int + 1;
                        match arg {
                            Arg::Int(v) | Arg::OptInt(Some(v)) => {
                                check(db, ffi::sqlite3_bind_int64(stmt, i, *v))?
                            }
                            Arg::Text(v) | Arg::OptText(Some(v)) => bind_text(db, stmt, i, v)?,
                            Arg::OptInt(None) | Arg::OptText(None) => {
                                check(db, ffi::sqlite3_bind_null(stmt, i))?
                            }
                        }
                    }
                    step(db, stmt)?;
                }
                Ok(())
            })();
            ffi::sqlite3_finalize(stmt);
            result
        }
    }
}

/// Steps an INSERT to its end and resets it for the next row.
unsafe fn step(db: *mut ffi::sqlite3, stmt: *mut ffi::sqlite3_stmt) -> Result<()> {
    // SAFETY: the caller holds `db` and a prepared `stmt` of it.
    let rc = unsafe { ffi::sqlite3_step(stmt) };
    if rc != ffi::SQLITE_DONE {
        return Err(error(db, rc));
    }
    check(db, unsafe { ffi::sqlite3_reset(stmt) })
}

async fn insert_cells_sqlite(conn: &mut SqliteConnection, rows: &[CellRow<'_>]) -> Result<()> {
    let mut locked = conn.lock_handle().await?;
    let db = locked.as_raw_handle().as_ptr();
    // SAFETY: `db` is a live connection for as long as `locked` lives, and no other thread
    // uses it meanwhile (sqlx's guarantee above); the statement is finalised before
    // returning on every path; every pointer bound is copied by SQLite (SQLITE_TRANSIENT).
    unsafe {
        let mut stmt = std::ptr::null_mut();
        check(
            db,
            ffi::sqlite3_prepare_v2(db, INSERT.as_ptr(), -1, &mut stmt, std::ptr::null_mut()),
        )?;
        let result = (|| {
            for row in rows {
                let (id, key, value, num, blank, start, end, line, location) = *row;
                check(db, ffi::sqlite3_bind_int64(stmt, 1, id))?;
                bind_text(db, stmt, 2, key)?;
                bind_text(db, stmt, 3, value)?;
                check(db, ffi::sqlite3_bind_double(stmt, 4, num))?;
                check(db, ffi::sqlite3_bind_int64(stmt, 5, blank))?;
                check(db, ffi::sqlite3_bind_int64(stmt, 6, start as i64))?;
                check(db, ffi::sqlite3_bind_int64(stmt, 7, end as i64))?;
                check(db, ffi::sqlite3_bind_int64(stmt, 8, line as i64))?;
                match location {
                    Some(l) => bind_text(db, stmt, 9, l)?,
                    None => check(db, ffi::sqlite3_bind_null(stmt, 9))?,
                }
                step(db, stmt)?;
            }
            Ok(())
        })();
        ffi::sqlite3_finalize(stmt);
        result
    }
}

/// Binds a UTF-8 string, copied by SQLite.
unsafe fn bind_text(
    db: *mut ffi::sqlite3,
    stmt: *mut ffi::sqlite3_stmt,
    i: c_int,
    s: &str,
) -> Result<()> {
    let len = c_int::try_from(s.len()).map_err(|_| Error::Engine("单元格文字过长".into()))?;
    // SAFETY: `s` is valid for `len` bytes during the call, and SQLITE_TRANSIENT makes
    // SQLite copy it before returning.
    check(db, unsafe {
        ffi::sqlite3_bind_text(stmt, i, s.as_ptr().cast(), len, ffi::SQLITE_TRANSIENT())
    })
}

fn check(db: *mut ffi::sqlite3, rc: c_int) -> Result<()> {
    if rc == ffi::SQLITE_OK {
        Ok(())
    } else {
        Err(error(db, rc))
    }
}

fn error(db: *mut ffi::sqlite3, rc: c_int) -> Error {
    // SAFETY: `db` is live (see `insert_cells`); sqlite3_errmsg returns a NUL-terminated
    // string owned by SQLite, copied here before any further call.
    let msg = unsafe { CStr::from_ptr(ffi::sqlite3_errmsg(db)) }
        .to_string_lossy()
        .into_owned();
    Error::Engine(format!("SQLite 错误 {rc}：{msg}"))
}
