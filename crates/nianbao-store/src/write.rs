//! Writing: sources (content-addressed), where they came from, the reports read from
//! them, their agencies, and diagnostics.

use crate::db::{bind_all, on_pool, Arg, Store};
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

/// Cells per INSERT statement: few statements, and few distinct statement texts.
const CELL_CHUNK: usize = 50;

/// The hex SHA-256 of bytes: a source's identity.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    let d = sha2::Sha256::digest(bytes);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// Inserts or refreshes an agency in a transaction; evaluates to its id.
macro_rules! upsert_agency {
    ($tx:expr, $a:expr) => {{
        let a: &NewAgency = $a;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO agencies (key, name, region_code, level, kind_class, kind_name, resolution, evidence, candidates) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (key) DO UPDATE SET name = excluded.name, region_code = excluded.region_code, level = excluded.level, \
             kind_class = excluded.kind_class, kind_name = excluded.kind_name, resolution = excluded.resolution, \
             evidence = excluded.evidence, candidates = excluded.candidates RETURNING id",
        )
        .bind(&a.key).bind(&a.name).bind(a.region_code.as_deref()).bind(a.level).bind(a.kind_class).bind(&a.kind_name)
        .bind(a.resolution).bind(&a.evidence).bind(&a.candidates)
        .fetch_one($tx).await?;
        id
    }};
}

/// Writes a report's cells, sections and own diagnostics.
macro_rules! write_parts {
    ($tx:expr, $id:expr, $r:expr) => {{
        let r: &NewReport = $r;
        let id: i64 = $id;
        for chunk in r.cells.chunks(CELL_CHUNK) {
            let mut sql = String::from(
                "INSERT INTO cells (report_id, cell, value, num, blank, span_start, span_end, line, location) VALUES ",
            );
            let mut args = Vec::with_capacity(chunk.len() * 9);
            for (i, c) in chunk.iter().enumerate() {
                let b = i * 9;
                if i > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&format!(
                    "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                    b + 1, b + 2, b + 3, b + 4, b + 5, b + 6, b + 7, b + 8, b + 9
                ));
                args.extend([
                    Arg::Int(id),
                    Arg::Text(c.key.to_string()),
                    Arg::Text(c.value.clone()),
                    Arg::Real(c.num),
                    Arg::Int(i64::from(c.blank)),
                    Arg::Int(c.span.0 as i64),
                    Arg::Int(c.span.1 as i64),
                    Arg::Int(c.line as i64),
                    Arg::OptText(c.location.clone()),
                ]);
            }
            bind_all!(sqlx::query(crate::db::built(sql)), &args).execute(&mut *$tx).await?;
        }
        for s in &r.sections {
            sqlx::query("INSERT INTO sections (report_id, number, heading, body) VALUES ($1, $2, $3, $4) ON CONFLICT (report_id, number) DO NOTHING")
                .bind(id).bind(i64::from(s.number)).bind(&s.heading).bind(&s.body).execute(&mut *$tx).await?;
        }
        insert_diagnostics!($tx, id, "report", &r.diagnostics);
    }};
}

macro_rules! insert_diagnostics {
    ($tx:expr, $id:expr, $stage:expr, $diags:expr) => {{
        let diags: &[NewDiagnostic] = $diags;
        for (seq, d) in diags.iter().enumerate() {
            sqlx::query(
                "INSERT INTO diagnostics (report_id, stage, seq, code, severity, message, cells, span_start, span_end, line) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind($id).bind($stage).bind(seq as i64).bind(d.code).bind(d.severity).bind(&d.message).bind(&d.cells)
            .bind(d.span.map(|s| s.0 as i64)).bind(d.span.map(|s| s.1 as i64)).bind(d.span.map(|s| s.2 as i64))
            .execute(&mut *$tx).await?;
        }
    }};
}

impl Store {
    /// The id of the source with this hash, if stored.
    pub async fn source_id(&self, sha256: &str) -> Result<Option<i64>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT id FROM sources WHERE sha256 = $1").bind(sha256).fetch_optional(pool).await?
        }))
    }

    /// Records that a stored source was also found at `origin`; true if that is new.
    pub async fn add_origin(&self, source_id: i64, origin: &str) -> Result<bool> {
        let n = on_pool!(self, pool => {
            sqlx::query("INSERT INTO origins (source_id, origin, seen_at) VALUES ($1, $2, $3) ON CONFLICT (source_id, origin) DO NOTHING")
                .bind(source_id).bind(origin).bind(now()).execute(pool).await?.rows_affected()
        });
        Ok(n > 0)
    }

    /// Stores a batch in one transaction: all of it or none (an interrupted import loses
    /// at most the batch in flight, which the next run reads again).
    pub async fn save(&self, batch: &[Incoming]) -> Result<Vec<Saved>> {
        let parser = nianbao_core::PARSER_VERSION;
        let mut out = Vec::with_capacity(batch.len());
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            for inc in batch {
                let at = now();
                let id: Option<i64> = sqlx::query_scalar(
                    "INSERT INTO sources (sha256, size, kind, content, first_seen) VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT (sha256) DO NOTHING RETURNING id",
                )
                .bind(&inc.sha256).bind(inc.bytes.len() as i64).bind(inc.kind).bind(inc.bytes.as_slice()).bind(&at)
                .fetch_optional(&mut *tx).await?;
                let Some(source_id) = id else {
                    let sid: i64 = sqlx::query_scalar("SELECT id FROM sources WHERE sha256 = $1").bind(&inc.sha256).fetch_one(&mut *tx).await?;
                    sqlx::query("INSERT INTO origins (source_id, origin, seen_at) VALUES ($1, $2, $3) ON CONFLICT (source_id, origin) DO NOTHING")
                        .bind(sid).bind(&inc.origin).bind(&at).execute(&mut *tx).await?;
                    out.push(Saved::Duplicate);
                    continue;
                };
                sqlx::query("INSERT INTO origins (source_id, origin, seen_at) VALUES ($1, $2, $3)")
                    .bind(source_id).bind(&inc.origin).bind(&at).execute(&mut *tx).await?;
                let report_id: i64 = match &inc.outcome {
                    Outcome::Failed(err) => {
                        sqlx::query_scalar(
                            "INSERT INTO reports (source_id, status, error, parser_version, parsed_at, n_errors, n_warnings) \
                             VALUES ($1, 'failed', $2, $3, $4, 0, 0) RETURNING id",
                        )
                        .bind(source_id).bind(err).bind(parser).bind(&at).fetch_one(&mut *tx).await?
                    }
                    Outcome::Parsed(r) => {
                        let agency_id = match &r.agency {
                            Some(a) => Some(upsert_agency!(&mut *tx, a)),
                            None => None,
                        };
                        let (cols, values, args) = report_row(r, agency_id, parser, &at);
                        let sql = format!("INSERT INTO reports (source_id, {cols}) VALUES ($1, {values}) RETURNING id");
                        let mut args = args;
                        args.insert(0, Arg::Int(source_id));
                        let id: i64 = bind_all!(sqlx::query_scalar(crate::db::built(sql)), &args).fetch_one(&mut *tx).await?;
                        write_parts!(&mut *tx, id, r);
                        id
                    }
                };
                out.push(Saved::New(report_id));
            }
            tx.commit().await?;
        });
        Ok(out)
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
                sqlx::query(crate::db::built(format!("DELETE FROM {table} WHERE report_id = $1"))).bind(id).execute(&mut *tx).await?;
            }
            match outcome {
                Outcome::Failed(err) => {
                    sqlx::query(
                        "UPDATE reports SET status = 'failed', error = $2, parser_version = $3, parsed_at = $4, year = NULL, \
                         template = NULL, agency_name = NULL, agency_id = NULL, published = NULL, index_number = NULL, \
                         document_number = NULL, title = NULL, n_errors = 0, n_warnings = 0 WHERE id = $1",
                    )
                    .bind(id).bind(err).bind(parser).bind(&at).execute(&mut *tx).await?;
                }
                Outcome::Parsed(r) => {
                    let agency_id = match &r.agency {
                        Some(a) => Some(upsert_agency!(&mut *tx, a)),
                        None => None,
                    };
                    let (cols, _, mut args) = report_row(r, agency_id, parser, &at);
                    let names: Vec<&str> = cols.split(", ").collect();
                    let sets: Vec<String> = names.iter().enumerate().map(|(i, n)| format!("{n} = ${}", i + 2)).collect();
                    let sql = format!("UPDATE reports SET {}, error = NULL WHERE id = $1", sets.join(", "));
                    args.insert(0, Arg::Int(id));
                    bind_all!(sqlx::query(crate::db::built(sql)), &args).execute(&mut *tx).await?;
                    write_parts!(&mut *tx, id, r);
                }
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Replaces the diagnostics the corpus adds to report `id` (cross-year rules), and
    /// brings its error and warning counts up to date.
    pub async fn set_corpus_diagnostics(&self, id: i64, diags: &[NewDiagnostic]) -> Result<()> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query("DELETE FROM diagnostics WHERE report_id = $1 AND stage = 'corpus'").bind(id).execute(&mut *tx).await?;
            insert_diagnostics!(&mut *tx, id, "corpus", diags);
            sqlx::query(
                "UPDATE reports SET \
                 n_errors = (SELECT COUNT(*) FROM diagnostics d WHERE d.report_id = $1 AND d.severity = 'error'), \
                 n_warnings = (SELECT COUNT(*) FROM diagnostics d WHERE d.report_id = $1 AND d.severity = 'warning') \
                 WHERE id = $1",
            )
            .bind(id).execute(&mut *tx).await?;
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
        overrides.insert(name.clone(), (code.to_string(), department.map(str::to_string)));
        let clues = nianbao_core::place::Clues { agency: &name, ..Default::default() };
        let agency = crate::record::agency_of(&clues, &overrides);
        let n = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "INSERT INTO agency_overrides (name, region_code, kind_name, assigned_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (name) DO UPDATE SET region_code = excluded.region_code, kind_name = excluded.kind_name, assigned_at = excluded.assigned_at",
            )
            .bind(&name).bind(code).bind(department).bind(now()).execute(&mut *tx).await?;
            let agency_id = upsert_agency!(&mut *tx, &agency);
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

/// The report row's columns (without `source_id`), their placeholders from `$2` on, and
/// the values to bind to them.
fn report_row(r: &NewReport, agency_id: Option<i64>, parser: &str, at: &str) -> (String, String, Vec<Arg>) {
    let cols = [
        "status", "parser_version", "parsed_at", "year", "template", "agency_name", "agency_id", "published", "index_number",
        "document_number", "title", "n_errors", "n_warnings",
    ];
    let args = vec![
        Arg::Text("ok".into()),
        Arg::Text(parser.into()),
        Arg::Text(at.into()),
        Arg::OptInt(r.year.map(i64::from)),
        Arg::Text(r.template.into()),
        Arg::OptText(r.agency_name.clone()),
        Arg::OptInt(agency_id),
        Arg::OptText(r.published.clone()),
        Arg::OptText(r.index_number.clone()),
        Arg::OptText(r.document_number.clone()),
        Arg::OptText(r.title.clone()),
        Arg::Int(r.errors() as i64),
        Arg::Int(r.warnings() as i64),
    ];
    let placeholders: Vec<String> = (0..cols.len()).map(|i| format!("${}", i + 2)).collect();
    (cols.join(", "), placeholders.join(", "), args)
}

