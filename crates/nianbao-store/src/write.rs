//! Writing: sources (content-addressed), where they came from, the reports read from
//! them, their agencies, and diagnostics.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use crate::db::{bind_all, built, on_pool, Arg, Store};
use crate::record::{NewAgency, NewDiagnostic, NewReport, Overrides};
use crate::{now, Result};

/// One file to store.
#[derive(Debug)]
pub struct Incoming {
    /// SHA-256 of `bytes`, lower-case hex.
    pub sha256: String,
    /// The file itself.
    pub bytes: Vec<u8>,
    /// `text` / `html` / `docx` / `pdf` / `doc`.
    pub kind: &'static str,
    /// Path or URL it came from.
    pub origin: String,
    /// What reading it gave.
    pub outcome: Outcome,
}

/// What reading a file gave.
#[derive(Debug)]
pub enum Outcome {
    /// A report.
    Parsed(Box<NewReport>),
    /// Not a report, or unreadable: the reason.
    Failed(String),
}

/// What storing one file did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    /// A new report (or failure record) with this id.
    New(i64),
    /// The same bytes were already stored: only the origin was recorded.
    Duplicate,
}

/// The hex SHA-256 of bytes: a source's identity.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    let d = sha2::Sha256::digest(bytes);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// Inserts or refreshes agencies in a transaction; evaluates to their ids by key.
macro_rules! upsert_agencies {
    ($tx:expr, $agencies:expr) => {{
        let agencies: &[&NewAgency] = $agencies;
        let mut ids: HashMap<String, i64> = HashMap::new();
        for chunk in agencies.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "{AGENCY_INSERT} VALUES {} {AGENCY_UPSERT} RETURNING id, key",
                placeholders(chunk.len(), 9)
            );
            let mut q = sqlx::query_as::<_, (i64, String)>(built(sql));
            for a in chunk {
                q = q
                    .bind(&a.key)
                    .bind(&a.name)
                    .bind(a.region_code.as_deref())
                    .bind(a.level)
                    .bind(a.kind_class)
                    .bind(&a.kind_name)
                    .bind(a.resolution)
                    .bind(&a.evidence)
                    .bind(&a.candidates);
            }
            ids.extend(
                q.fetch_all(&mut *$tx)
                    .await?
                    .into_iter()
                    .map(|(id, k)| (k, id)),
            );
        }
        ids
    }};
}

/// Writes the cells, sections and diagnostics of several reports, many rows per
/// statement. Cells, the bulk of it: into SQLite through one prepared statement stepped
/// per row; into PostgreSQL as one JSON array per statement (see `bulk.rs`).
macro_rules! write_parts {
    ($tx:expr, $reports:expr, $stage:expr) => {{
        let reports: &[(i64, &NewReport)] = $reports;
        let rows: Vec<CellRow<'_>> = reports
            .iter()
            .flat_map(|(id, r)| {
                r.cells.iter().map(move |c| {
                    let num = if c.num.is_finite() { c.num } else { 0.0 };
                    (
                        *id,
                        c.key,
                        c.value.as_str(),
                        num,
                        i64::from(c.blank),
                        c.span.0,
                        c.span.1,
                        c.line,
                        c.location.as_deref(),
                    )
                })
            })
            .collect();
        crate::bulk::InsertCells::insert_cells(&mut *$tx, &rows).await?;
        let mut sections = Vec::new();
        for (id, r) in reports {
            for s in &r.sections {
                sections.extend([
                    Arg::Int(*id),
                    Arg::Int(i64::from(s.number)),
                    Arg::Text(s.heading.clone()),
                    Arg::Text(s.body.clone()),
                ]);
            }
        }
        crate::bulk::InsertCells::insert_rows(
            &mut *$tx,
            "INSERT INTO sections (report_id, number, heading, body)",
            "ON CONFLICT (report_id, number) DO NOTHING",
            4,
            &sections,
        )
        .await?;
        let diags: Vec<(i64, usize, &NewDiagnostic)> = reports
            .iter()
            .flat_map(|(id, r)| {
                r.diagnostics
                    .iter()
                    .enumerate()
                    .map(move |(k, d)| (*id, k, d))
            })
            .collect();
        insert_diagnostics!($tx, &diags, $stage);
    }};
}

macro_rules! insert_diagnostics {
    ($tx:expr, $diags:expr, $stage:expr) => {{
        let diags: &[(i64, usize, &NewDiagnostic)] = $diags;
        let mut args = Vec::with_capacity(diags.len() * 10);
        for (id, seq, d) in diags {
            args.extend([
                Arg::Int(*id),
                Arg::Text(String::from($stage)),
                Arg::Int(*seq as i64),
                Arg::Text(d.code.to_string()),
                Arg::Text(d.severity.to_string()),
                Arg::Text(d.message.clone()),
                Arg::Text(d.cells.clone()),
                Arg::OptInt(d.span.map(|s| s.0 as i64)),
                Arg::OptInt(d.span.map(|s| s.1 as i64)),
                Arg::OptInt(d.span.map(|s| s.2 as i64)),
            ]);
        }
        crate::bulk::InsertCells::insert_rows(
            &mut *$tx,
            "INSERT INTO diagnostics (report_id, stage, seq, code, severity, message, cells, span_start, span_end, line)",
            "",
            10,
            &args,
        )
        .await?;
    }};
}

/// Rows per multi-row INSERT with bound parameters (at most 16 per row: well under
/// SQLite's 32,766 and PostgreSQL's 65,535 parameters).
pub(crate) const ROWS_PER_STATEMENT: usize = 64;
/// A cell row as written: report, key, value, num, blank, span start, span end, line, location.
pub(crate) type CellRow<'a> = (
    i64,
    &'a str,
    &'a str,
    f64,
    i64,
    usize,
    usize,
    usize,
    Option<&'a str>,
);

/// The columns of `reports` a reading sets (all but `id` and `source_id`).
const REPORT_COLUMNS: [&str; 14] = [
    "status",
    "error",
    "parser_version",
    "parsed_at",
    "year",
    "template",
    "agency_name",
    "agency_id",
    "published",
    "index_number",
    "document_number",
    "title",
    "n_errors",
    "n_warnings",
];
const AGENCY_INSERT: &str =
    "INSERT INTO agencies (key, name, region_code, level, kind_class, kind_name, resolution, evidence, candidates)";
const AGENCY_UPSERT: &str = "ON CONFLICT (key) DO UPDATE SET name = excluded.name, region_code = excluded.region_code, \
     level = excluded.level, kind_class = excluded.kind_class, kind_name = excluded.kind_name, resolution = excluded.resolution, \
     evidence = excluded.evidence, candidates = excluded.candidates";

/// `($1, $2), ($3, $4)` for `rows` rows of `width` values.
pub(crate) fn placeholders(rows: usize, width: usize) -> String {
    let mut s = String::with_capacity(rows * width * 5);
    for r in 0..rows {
        s.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..width {
            if c > 0 {
                s.push_str(", ");
            }
            let _ = write!(s, "${}", r * width + c + 1);
        }
        s.push(')');
    }
    s
}

impl Store {
    /// The ids of the stored sources among these hashes, by hash.
    pub async fn source_ids(&self, hashes: &[String]) -> Result<HashMap<String, i64>> {
        let mut ids = HashMap::new();
        for chunk in hashes.chunks(1000) {
            let sql = format!(
                "SELECT id, sha256 FROM sources WHERE sha256 IN {}",
                placeholders(1, chunk.len())
            );
            let rows: Vec<(i64, String)> = on_pool!(self, pool => {
                let mut q = sqlx::query_as(built(sql));
                for h in chunk {
                    q = q.bind(h);
                }
                q.fetch_all(pool).await?
            });
            ids.extend(rows.into_iter().map(|(id, h)| (h, id)));
        }
        Ok(ids)
    }

    /// Records that stored sources were also found at these origins; returns how many
    /// (source, origin) pairs were new.
    pub async fn add_origins(&self, found: &[(i64, String)]) -> Result<u64> {
        let at = now();
        let mut added = 0;
        for chunk in found.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "INSERT INTO origins (source_id, origin, seen_at) VALUES {} ON CONFLICT (source_id, origin) DO NOTHING",
                placeholders(chunk.len(), 3)
            );
            added += on_pool!(self, pool => {
                let mut q = sqlx::query(built(sql));
                for (id, origin) in chunk {
                    q = q.bind(*id).bind(origin).bind(&at);
                }
                q.execute(pool).await?.rows_affected()
            });
        }
        Ok(added)
    }

    /// Stores a batch in one transaction: all of it or none (an interrupted import loses
    /// at most the batch in flight, which the next run reads again). Rows of many files go
    /// into one statement per table, so that a batch costs a few dozen round trips to
    /// the database, not a few per file.
    pub async fn save(&self, batch: &[Incoming]) -> Result<Vec<Saved>> {
        let parser = nianbao_core::PARSER_VERSION;
        let at = now();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            // Sources: the ones not stored yet come back with their new ids.
            let mut new_source: HashMap<String, i64> = HashMap::new();
            let mut seen = HashSet::new();
            let fresh: Vec<&Incoming> = batch.iter().filter(|i| seen.insert(i.sha256.as_str())).collect();
            for chunk in fresh.chunks(ROWS_PER_STATEMENT) {
                let sql = format!(
                    "INSERT INTO sources (sha256, size, kind, content, first_seen) VALUES {} ON CONFLICT (sha256) DO NOTHING RETURNING id, sha256",
                    placeholders(chunk.len(), 5)
                );
                let mut q = sqlx::query_as::<_, (i64, String)>(built(sql));
                for inc in chunk {
                    q = q.bind(&inc.sha256).bind(inc.bytes.len() as i64).bind(inc.kind).bind(inc.bytes.as_slice()).bind(&at);
                }
                new_source.extend(q.fetch_all(&mut *tx).await?.into_iter().map(|(id, sha)| (sha, id)));
            }
            // Origins of every file, new or not.
            let mut ids_by_sha = new_source.clone();
            for inc in batch.iter().filter(|i| !new_source.contains_key(&i.sha256)) {
                if !ids_by_sha.contains_key(&inc.sha256) {
                    let sid: i64 = sqlx::query_scalar("SELECT id FROM sources WHERE sha256 = $1").bind(&inc.sha256).fetch_one(&mut *tx).await?;
                    ids_by_sha.insert(inc.sha256.clone(), sid);
                }
            }
            for chunk in batch.chunks(ROWS_PER_STATEMENT) {
                let sql = format!(
                    "INSERT INTO origins (source_id, origin, seen_at) VALUES {} ON CONFLICT (source_id, origin) DO NOTHING",
                    placeholders(chunk.len(), 3)
                );
                let mut q = sqlx::query(built(sql));
                for inc in chunk {
                    q = q.bind(ids_by_sha[&inc.sha256]).bind(&inc.origin).bind(&at);
                }
                q.execute(&mut *tx).await?;
            }
            // The reports of the new sources (the first file of each hash in the batch).
            let mut firsts = HashSet::new();
            let fates: Vec<Option<i64>> = batch
                .iter()
                .map(|i| new_source.get(&i.sha256).copied().filter(|_| firsts.insert(i.sha256.as_str())))
                .collect();
            let new: Vec<(&Incoming, i64)> = batch.iter().zip(&fates).filter_map(|(i, f)| f.map(|sid| (i, sid))).collect();
            // Agencies, one upsert per distinct key.
            let mut keys = HashSet::new();
            let agencies: Vec<&NewAgency> = new
                .iter()
                .filter_map(|(inc, _)| match &inc.outcome {
                    Outcome::Parsed(r) => r.agency.as_ref(),
                    Outcome::Failed(_) => None,
                })
                .filter(|a| keys.insert(a.key.as_str()))
                .collect();
            let agency_ids = upsert_agencies!(&mut *tx, &agencies);
            // Report rows.
            let mut report_of_source: HashMap<i64, i64> = HashMap::new();
            for chunk in new.chunks(ROWS_PER_STATEMENT) {
                let width = REPORT_COLUMNS.len() + 1;
                let sql = format!(
                    "INSERT INTO reports (source_id, {}) VALUES {} RETURNING id, source_id",
                    REPORT_COLUMNS.join(", "),
                    placeholders(chunk.len(), width)
                );
                let mut args = Vec::with_capacity(chunk.len() * width);
                for (inc, sid) in chunk {
                    args.push(Arg::Int(*sid));
                    args.extend(report_values(&inc.outcome, &agency_ids, parser, &at));
                }
                let q = bind_all!(sqlx::query_as::<_, (i64, i64)>(built(sql)), &args);
                report_of_source.extend(q.fetch_all(&mut *tx).await?.into_iter().map(|(id, sid)| (sid, id)));
            }
            let parsed: Vec<(i64, &NewReport)> = new
                .iter()
                .filter_map(|(inc, sid)| match &inc.outcome {
                    Outcome::Parsed(r) => Some((report_of_source[sid], &**r)),
                    Outcome::Failed(_) => None,
                })
                .collect();
            write_parts!(&mut *tx, &parsed, "report");
            // Owed a cross-year check, in the same transaction: a pass that never runs
            // (the process killed after this commit) is run by the next.
            let owed: Vec<i64> = report_of_source.values().copied().collect();
            for chunk in owed.chunks(ROWS_PER_STATEMENT) {
                sqlx::query(built(format!(
                    "INSERT INTO across_years_pending (report_id) SELECT id FROM reports WHERE id IN ({}) ON CONFLICT (report_id) DO NOTHING",
                    id_list(chunk)
                )))
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(fates.into_iter().map(|f| f.map_or(Saved::Duplicate, |sid| Saved::New(report_of_source[&sid]))).collect())
        })
    }

    /// Replaces what is stored of report `id` by a new reading of the same source
    /// (`nianbao reparse`): id, source and origins stay; cells, sections, the report's
    /// own diagnostics and the agency link are rewritten.
    pub async fn replace(&self, id: i64, outcome: &Outcome) -> Result<()> {
        let parser = nianbao_core::PARSER_VERSION;
        let at = now();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            for table in ["cells", "sections", "diagnostics"] {
                sqlx::query(built(format!("DELETE FROM {table} WHERE report_id = $1"))).bind(id).execute(&mut *tx).await?;
            }
            let agencies: Vec<&NewAgency> = match outcome {
                Outcome::Parsed(r) => r.agency.iter().collect(),
                Outcome::Failed(_) => Vec::new(),
            };
            let agency_ids = upsert_agencies!(&mut *tx, &agencies);
            let sets: Vec<String> = REPORT_COLUMNS.iter().enumerate().map(|(i, c)| format!("{c} = ${}", i + 2)).collect();
            let sql = format!("UPDATE reports SET {} WHERE id = $1", sets.join(", "));
            let mut args = vec![Arg::Int(id)];
            args.extend(report_values(outcome, &agency_ids, parser, &at));
            bind_all!(sqlx::query(built(sql)), &args).execute(&mut *tx).await?;
            if let Outcome::Parsed(r) = outcome {
                write_parts!(&mut *tx, &[(id, &**r)], "report");
            }
            sqlx::query("INSERT INTO across_years_pending (report_id) VALUES ($1) ON CONFLICT (report_id) DO NOTHING")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Replaces the diagnostics the corpus adds to each report (cross-year rules), and
    /// brings their error and warning counts up to date; one transaction for all.
    pub async fn set_corpus_diagnostics(&self, found: &[(i64, Vec<NewDiagnostic>)]) -> Result<()> {
        if found.is_empty() {
            return Ok(());
        }
        let ids: Vec<String> = found.iter().map(|(id, _)| id.to_string()).collect();
        let ids = ids.join(",");
        let rows: Vec<(i64, usize, &NewDiagnostic)> = found
            .iter()
            .flat_map(|(id, ds)| ds.iter().enumerate().map(move |(k, d)| (*id, k, d)))
            .collect();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(built(format!("DELETE FROM diagnostics WHERE stage = 'corpus' AND report_id IN ({ids})"))).execute(&mut *tx).await?;
            insert_diagnostics!(&mut *tx, &rows, "corpus");
            sqlx::query(built(format!(
                "UPDATE reports SET \
                 n_errors = (SELECT COUNT(*) FROM diagnostics d WHERE d.report_id = reports.id AND d.severity = 'error'), \
                 n_warnings = (SELECT COUNT(*) FROM diagnostics d WHERE d.report_id = reports.id AND d.severity = 'warning') \
                 WHERE id IN ({ids})"
            )))
            .execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// The reports owed a cross-year check (see `across_years_pending`).
    pub async fn owed_across_years(&self) -> Result<Vec<i64>> {
        let sql = "SELECT report_id FROM across_years_pending ORDER BY report_id";
        Ok(on_pool!(self, pool => sqlx::query_scalar(sql).fetch_all(pool).await?))
    }

    /// Marks these reports' cross-year check done.
    pub async fn settle_across_years(&self, ids: &[i64]) -> Result<()> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            for chunk in ids.chunks(ROWS_PER_STATEMENT) {
                sqlx::query(built(format!(
                    "DELETE FROM across_years_pending WHERE report_id IN ({})",
                    id_list(chunk)
                )))
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// The manual placements, by normalised agency name.
    pub async fn overrides(&self) -> Result<Overrides> {
        let rows: Vec<(String, String, Option<String>)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT name, region_code, kind_name FROM agency_overrides").fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(|(n, c, k)| (n, (c, k))).collect())
    }

    /// Places an agency by hand: every report printing `name` belongs to division `code`
    /// (as its government, or as department `department`). Kept across re-imports and
    /// reparses; applied to the reports already stored at once.
    pub async fn assign(&self, name: &str, code: &str, department: Option<&str>) -> Result<usize> {
        let name = nianbao_core::place::normalise_name(name);
        let mut overrides = Overrides::new();
        overrides.insert(
            name.clone(),
            (code.to_string(), department.map(str::to_string)),
        );
        let clues = nianbao_core::place::Clues {
            agency: &name,
            ..Default::default()
        };
        let agency = crate::record::agency_of(&clues, &overrides);
        let n = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "INSERT INTO agency_overrides (name, region_code, kind_name, assigned_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (name) DO UPDATE SET region_code = excluded.region_code, kind_name = excluded.kind_name, assigned_at = excluded.assigned_at",
            )
            .bind(&name).bind(code).bind(department).bind(now()).execute(&mut *tx).await?;
            let agency_id = upsert_agencies!(&mut *tx, &[&agency])[&agency.key];
            let names: Vec<(i64, String)> = sqlx::query_as("SELECT id, agency_name FROM reports WHERE agency_name IS NOT NULL").fetch_all(&mut *tx).await?;
            let mut n = 0;
            for (id, printed) in names {
                if nianbao_core::place::normalise_name(&printed) == name {
                    sqlx::query("UPDATE reports SET agency_id = $1 WHERE id = $2").bind(agency_id).bind(id).execute(&mut *tx).await?;
                    n += 1;
                }
            }
            tx.commit().await?;
            n
        });
        Ok(n)
    }
}

/// The values of [`REPORT_COLUMNS`] for a reading, in order.
fn report_values(
    outcome: &Outcome,
    agency_ids: &HashMap<String, i64>,
    parser: &str,
    at: &str,
) -> Vec<Arg> {
    let (status, error, r) = match outcome {
        Outcome::Failed(err) => ("failed", Some(err.clone()), None),
        Outcome::Parsed(r) => ("ok", None, Some(&**r)),
    };
    vec![
        Arg::Text(status.into()),
        Arg::OptText(error),
        Arg::Text(parser.into()),
        Arg::Text(at.into()),
        Arg::OptInt(r.and_then(|r| r.year).map(i64::from)),
        Arg::OptText(r.map(|r| r.template.to_string())),
        Arg::OptText(r.and_then(|r| r.agency_name.clone())),
        Arg::OptInt(
            r.and_then(|r| r.agency.as_ref())
                .map(|a| agency_ids[&a.key]),
        ),
        Arg::OptText(r.and_then(|r| r.published.clone())),
        Arg::OptText(r.and_then(|r| r.index_number.clone())),
        Arg::OptText(r.and_then(|r| r.document_number.clone())),
        Arg::OptText(r.and_then(|r| r.title.clone())),
        Arg::Int(r.map_or(0, |r| r.errors() as i64)),
        Arg::Int(r.map_or(0, |r| r.warnings() as i64)),
    ]
}

/// Ids written inline in an `IN (…)` list (integers: nothing to escape).
fn id_list(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}
