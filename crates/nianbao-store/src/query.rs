//! Reading: filters over reports, sums of cells by group, the rule landscape, the
//! agencies, and what the import and the cross-year pass need.

use sqlx::Row;

use crate::db::{bind_all, built, on_pool, Arg, Store};
use crate::Result;

/// Which reports a question is about. Every field narrows; the default is every report
/// read successfully.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Division code prefix: the reports of agencies in that region (any level).
    pub region: Option<String>,
    /// First year.
    pub year_from: Option<u16>,
    /// Last year.
    pub year_to: Option<u16>,
    /// `省` / `市` / `县` / `乡镇街道`.
    pub level: Option<String>,
    /// `人民政府` / `部门`.
    pub kind: Option<String>,
    /// Only reports with at least one error.
    pub has_errors: bool,
    /// Only reports where this rule fired.
    pub rule: Option<String>,
    /// Only agencies whose name contains this.
    pub agency: Option<String>,
    /// Only this agency (by id).
    pub agency_id: Option<i64>,
    /// Only this report (by id).
    pub report_id: Option<i64>,
    /// Free text: in the agency's name or in the text of any section. A substring test
    /// (`LIKE`), so two-character Chinese words are found as well as longer ones.
    pub text: Option<String>,
    /// Only reports with at least one warning.
    pub has_warnings: bool,
    /// Only reports with neither errors nor warnings.
    pub clean: bool,
}

/// The order of a report list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Newest year first, then newest stored first.
    #[default]
    YearDesc,
    /// Oldest year first.
    YearAsc,
    /// By agency name.
    Agency,
    /// Most errors first.
    Errors,
    /// By division code.
    Region,
}

impl Sort {
    /// Every order with its name (as the API takes it) and Chinese title.
    pub const ALL: [(Sort, &'static str, &'static str); 5] = [
        (Sort::YearDesc, "-year", "年度（新→旧）"),
        (Sort::YearAsc, "year", "年度（旧→新）"),
        (Sort::Agency, "agency", "机关名称"),
        (Sort::Errors, "-errors", "错误数（多→少）"),
        (Sort::Region, "region", "地区"),
    ];

    /// The order with this name.
    pub fn from_name(name: &str) -> Option<Sort> {
        Sort::ALL.iter().find(|s| s.1 == name).map(|s| s.0)
    }

    fn sql(self) -> &'static str {
        match self {
            // Year and id only: the order of the `reports_year` index, so a page deep in a
            // large corpus is read from the index instead of sorting every report.
            Sort::YearDesc => "r.year DESC, r.id DESC",
            Sort::YearAsc => "r.year, r.id",
            Sort::Agency => "r.agency_name, r.year DESC, r.id",
            Sort::Errors => "r.n_errors DESC, r.n_warnings DESC, r.id",
            Sort::Region => "a.region_code, r.agency_name, r.year DESC, r.id",
        }
    }
}

impl Filter {
    /// The WHERE clause (over `reports r LEFT JOIN agencies a`), binding from `$n+1`.
    pub(crate) fn clause(&self, args: &mut Vec<Arg>) -> String {
        let mut w = vec!["r.status = 'ok'".to_string()];
        let next = |args: &mut Vec<Arg>, a: Arg| {
            args.push(a);
            format!("${}", args.len())
        };
        if let Some(region) = &self.region {
            w.push(format!(
                "a.region_code LIKE {}",
                next(args, Arg::Text(format!("{region}%")))
            ));
        }
        if let Some(y) = self.year_from {
            w.push(format!("r.year >= {}", next(args, Arg::Int(y.into()))));
        }
        if let Some(y) = self.year_to {
            w.push(format!("r.year <= {}", next(args, Arg::Int(y.into()))));
        }
        if let Some(l) = &self.level {
            w.push(format!("a.level = {}", next(args, Arg::Text(l.clone()))));
        }
        if let Some(k) = &self.kind {
            w.push(format!(
                "a.kind_class = {}",
                next(args, Arg::Text(k.clone()))
            ));
        }
        if self.has_errors {
            w.push("r.n_errors > 0".into());
        }
        if let Some(code) = &self.rule {
            w.push(format!(
                "EXISTS (SELECT 1 FROM diagnostics d WHERE d.report_id = r.id AND d.code = {})",
                next(args, Arg::Text(code.to_uppercase()))
            ));
        }
        if let Some(name) = &self.agency {
            let p = next(args, Arg::Text(format!("%{name}%")));
            w.push(format!("(a.name LIKE {p} OR r.agency_name LIKE {p})"));
        }
        if let Some(id) = self.agency_id {
            w.push(format!("r.agency_id = {}", next(args, Arg::Int(id))));
        }
        if let Some(id) = self.report_id {
            w.push(format!("r.id = {}", next(args, Arg::Int(id))));
        }
        if let Some(text) = self
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            let escaped = text
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            let p = next(args, Arg::Text(format!("%{escaped}%")));
            w.push(format!(
                "(a.name LIKE {p} ESCAPE '\\' OR r.agency_name LIKE {p} ESCAPE '\\' OR r.title LIKE {p} ESCAPE '\\' \
                 OR EXISTS (SELECT 1 FROM sections s WHERE s.report_id = r.id AND s.body LIKE {p} ESCAPE '\\'))"
            ));
        }
        if self.has_warnings {
            w.push("r.n_warnings > 0".into());
        }
        if self.clean {
            w.push("r.n_errors = 0 AND r.n_warnings = 0".into());
        }
        w.join(" AND ")
    }
}

/// How to group a question's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    /// One group: everything.
    All,
    /// By year.
    Year,
    /// By province.
    Province,
    /// By prefecture-level city.
    City,
    /// By county-level division.
    County,
    /// By township.
    Township,
    /// By agency.
    Agency,
    /// By level.
    Level,
    /// By kind (government or department).
    Kind,
}

impl GroupBy {
    /// Every grouping, with its name (as the CLI and API take it) and Chinese title.
    pub const ALL: [(GroupBy, &'static str, &'static str); 9] = [
        (GroupBy::All, "all", "不分组"),
        (GroupBy::Year, "year", "按年度"),
        (GroupBy::Province, "province", "按省"),
        (GroupBy::City, "city", "按市"),
        (GroupBy::County, "county", "按县（区）"),
        (GroupBy::Township, "township", "按乡镇街道"),
        (GroupBy::Agency, "agency", "按机关"),
        (GroupBy::Level, "level", "按层级"),
        (GroupBy::Kind, "kind", "按类别（人民政府/部门）"),
    ];

    /// The grouping with this name (`year`, `county` …).
    pub fn from_name(name: &str) -> Option<GroupBy> {
        GroupBy::ALL.iter().find(|g| g.1 == name).map(|g| g.0)
    }

    fn expr(self) -> &'static str {
        match self {
            GroupBy::All => "'全部'",
            GroupBy::Year => "CAST(r.year AS TEXT)",
            GroupBy::Province => "SUBSTR(a.region_code, 1, 2)",
            GroupBy::City => "SUBSTR(a.region_code, 1, 4)",
            GroupBy::County => "SUBSTR(a.region_code, 1, 6)",
            GroupBy::Township => "SUBSTR(a.region_code, 1, 9)",
            GroupBy::Agency => "COALESCE(a.key, r.agency_name)",
            GroupBy::Level => "a.level",
            GroupBy::Kind => "a.kind_class",
        }
    }

    /// True when group values are division codes.
    pub fn is_region(self) -> bool {
        matches!(
            self,
            GroupBy::Province | GroupBy::City | GroupBy::County | GroupBy::Township
        )
    }
}

const FROM: &str = "reports r LEFT JOIN agencies a ON a.id = r.agency_id";

/// One report, as listed.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReportRow {
    /// Store id.
    pub id: i64,
    /// `meta.year`.
    pub year: Option<i64>,
    /// The agency as printed.
    pub agency_name: Option<String>,
    /// The agency's identity.
    pub agency_key: Option<String>,
    /// The agency's store id.
    pub agency_id: Option<i64>,
    /// Its division code.
    pub region_code: Option<String>,
    /// Its level.
    pub level: Option<String>,
    /// `人民政府` / `部门`.
    pub kind: Option<String>,
    /// `2021` / `2019` / ….
    pub template: Option<String>,
    /// Errors found.
    pub errors: i64,
    /// Warnings found.
    pub warnings: i64,
    /// Where the file was first found.
    pub origin: Option<String>,
}

/// An agency as stored.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AgencyRow {
    /// Store id.
    pub id: i64,
    /// Identity.
    pub key: String,
    /// Name as last printed.
    pub name: String,
    /// Division code.
    pub region_code: Option<String>,
    /// Level.
    pub level: Option<String>,
    /// `人民政府` / `部门`.
    pub kind_class: String,
    /// `人民政府` or the department.
    pub kind_name: String,
    /// `resolved` / `ambiguous` / `unresolved` / `manual`.
    pub resolution: String,
    /// Evidence, `；`-separated.
    pub evidence: String,
    /// Candidate codes, space-separated.
    pub candidates: String,
    /// Reports stored for it.
    pub reports: i64,
    /// The years it has reports for.
    pub years: String,
}

/// Counts of what the store holds.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Counts {
    /// Source files.
    pub sources: i64,
    /// Reports read.
    pub reports: i64,
    /// Files that could not be read as reports.
    pub failed: i64,
    /// Agencies.
    pub agencies: i64,
    /// Agencies not placed (ambiguous or unresolved).
    pub unplaced: i64,
}

impl Store {
    /// What the store holds.
    pub async fn counts(&self) -> Result<Counts> {
        let sql = "SELECT (SELECT COUNT(*) FROM sources), (SELECT COUNT(*) FROM reports WHERE status = 'ok'), \
                   (SELECT COUNT(*) FROM reports WHERE status = 'failed'), (SELECT COUNT(*) FROM agencies), \
                   (SELECT COUNT(*) FROM agencies WHERE region_code IS NULL)";
        let (sources, reports, failed, agencies, unplaced): (i64, i64, i64, i64, i64) =
            on_pool!(self, pool => sqlx::query_as(sql).fetch_one(pool).await?);
        Ok(Counts {
            sources,
            reports,
            failed,
            agencies,
            unplaced,
        })
    }

    /// The reports matching `filter`, newest year first, then by agency.
    pub async fn reports(
        &self,
        filter: &Filter,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<ReportRow>> {
        self.reports_sorted(filter, Sort::YearDesc, limit, offset)
            .await
    }

    /// The reports matching `filter` in the order `sort`.
    pub async fn reports_sorted(
        &self,
        filter: &Filter,
        sort: Sort,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<ReportRow>> {
        let order = sort.sql();
        let mut args = Vec::new();
        let w = filter.clause(&mut args);
        let sql = format!(
            "SELECT r.id, r.year, r.agency_name, a.key, a.id, a.region_code, a.level, a.kind_class, r.template, r.n_errors, r.n_warnings, \
             (SELECT MIN(o.origin) FROM origins o WHERE o.source_id = r.source_id) \
             FROM {FROM} WHERE {w} ORDER BY {order} LIMIT {limit} OFFSET {offset}"
        );
        Ok(on_pool!(self, pool => {
            let rows = bind_all!(sqlx::query(built(sql)), &args).fetch_all(pool).await?;
            rows.iter()
                .map(|row| {
                    Ok(ReportRow {
                        id: row.try_get(0)?,
                        year: row.try_get(1)?,
                        agency_name: row.try_get(2)?,
                        agency_key: row.try_get(3)?,
                        agency_id: row.try_get(4)?,
                        region_code: row.try_get(5)?,
                        level: row.try_get(6)?,
                        kind: row.try_get(7)?,
                        template: row.try_get(8)?,
                        errors: row.try_get(9)?,
                        warnings: row.try_get(10)?,
                        origin: row.try_get(11)?,
                    })
                })
                .collect::<std::result::Result<Vec<_>, sqlx::Error>>()?
        }))
    }

    /// Reports per group.
    pub async fn count_reports(
        &self,
        filter: &Filter,
        group: GroupBy,
    ) -> Result<Vec<(Option<String>, i64)>> {
        let mut args = Vec::new();
        let w = filter.clause(&mut args);
        let g = group.expr();
        // Positional GROUP/ORDER BY: PostgreSQL refuses a constant (`'全部'`) there.
        let sql = format!("SELECT {g}, COUNT(*) FROM {FROM} WHERE {w} GROUP BY 1 ORDER BY 1");
        Ok(
            on_pool!(self, pool => bind_all!(sqlx::query_as(built(sql)), &args).fetch_all(pool).await?),
        )
    }

    /// Sums of `cells` per group: (group, cell, sum, reports having the cell).
    pub async fn cell_sums(
        &self,
        filter: &Filter,
        group: GroupBy,
        cells: &[&str],
    ) -> Result<Vec<(Option<String>, String, f64, i64)>> {
        let mut args = Vec::new();
        let w = filter.clause(&mut args);
        let g = group.expr();
        let list: Vec<String> = cells
            .iter()
            .map(|c| {
                args.push(Arg::Text(c.to_string()));
                format!("${}", args.len())
            })
            .collect();
        let sql = format!(
            "SELECT {g}, c.cell, SUM(c.num), COUNT(*) FROM cells c \
             JOIN reports r ON r.id = c.report_id LEFT JOIN agencies a ON a.id = r.agency_id \
             WHERE {w} AND c.cell IN ({}) GROUP BY 1, 2 ORDER BY 1, 2",
            list.join(", ")
        );
        Ok(
            on_pool!(self, pool => bind_all!(sqlx::query_as(built(sql)), &args).fetch_all(pool).await?),
        )
    }

    /// Findings per rule (and group): (group, code, severity, findings, reports).
    pub async fn rule_counts(
        &self,
        filter: &Filter,
        group: GroupBy,
    ) -> Result<Vec<(Option<String>, String, String, i64, i64)>> {
        let mut args = Vec::new();
        let w = filter.clause(&mut args);
        let g = group.expr();
        let sql = format!(
            "SELECT {g}, d.code, MIN(d.severity), COUNT(*), COUNT(DISTINCT d.report_id) FROM diagnostics d \
             JOIN reports r ON r.id = d.report_id LEFT JOIN agencies a ON a.id = r.agency_id \
             WHERE {w} GROUP BY 1, 2 ORDER BY 1, 4 DESC, 2"
        );
        Ok(
            on_pool!(self, pool => bind_all!(sqlx::query_as(built(sql)), &args).fetch_all(pool).await?),
        )
    }

    /// The exact cell values of the given reports: (report, cell, value, blank).
    pub async fn cells_of(&self, report_ids: &[i64]) -> Result<Vec<(i64, String, String, i64)>> {
        if report_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = cells_sql(
            "report_id, cell, value, blank",
            report_ids,
            &[],
            "ORDER BY report_id",
        );
        Ok(on_pool!(self, pool => sqlx::query_as(built(sql)).fetch_all(pool).await?))
    }

    /// The cells of the given reports whose keys start with one of `prefixes`, with their
    /// places: (report, cell, value, blank, span start, span end, line).
    #[allow(clippy::type_complexity)]
    pub(crate) async fn located_cells_of(
        &self,
        report_ids: &[i64],
        prefixes: &[&str],
    ) -> Result<Vec<(i64, String, String, i64, i64, i64, i64)>> {
        if report_ids.is_empty() {
            return Ok(Vec::new());
        }
        // One row per report (STRING_AGG: SQLite ≥ 3.44 and PostgreSQL alike): rows cross
        // from the database one at a time, and these are many small ones.
        let sql = cells_sql(
            "report_id, STRING_AGG(cell || ' ' || value || ' ' || blank || ' ' || span_start || ' ' || span_end || ' ' || line, ';')",
            report_ids,
            prefixes,
            "GROUP BY report_id",
        );
        let packed: Vec<(i64, String)> =
            on_pool!(self, pool => sqlx::query_as(built(sql)).fetch_all(pool).await?);
        let mut out = Vec::new();
        for (id, cells) in packed {
            for cell in cells.split(';') {
                let f: Vec<&str> = cell.split(' ').collect();
                let int = |i: usize| f.get(i).and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
                if let [key, value, ..] = f[..] {
                    out.push((
                        id,
                        key.to_string(),
                        value.to_string(),
                        int(2),
                        int(3),
                        int(4),
                        int(5),
                    ));
                }
            }
        }
        Ok(out)
    }

    /// Which of these reports have findings of the corpus stage (cross-year).
    pub(crate) async fn with_corpus_diagnostics(
        &self,
        report_ids: &[i64],
    ) -> Result<std::collections::HashSet<i64>> {
        if report_ids.is_empty() {
            return Ok(Default::default());
        }
        let ids: Vec<String> = report_ids.iter().map(i64::to_string).collect();
        let sql = format!("SELECT DISTINCT report_id FROM diagnostics WHERE stage = 'corpus' AND report_id IN ({})", ids.join(","));
        let found: Vec<i64> =
            on_pool!(self, pool => sqlx::query_scalar(built(sql)).fetch_all(pool).await?);
        Ok(found.into_iter().collect())
    }

    /// Year and agency of reports: (id, year, agency name).
    pub(crate) async fn years_of(
        &self,
        report_ids: &[i64],
    ) -> Result<Vec<(i64, Option<i64>, Option<String>)>> {
        if report_ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<String> = report_ids.iter().map(i64::to_string).collect();
        let sql = format!(
            "SELECT id, year, agency_name FROM reports WHERE id IN ({})",
            ids.join(",")
        );
        Ok(on_pool!(self, pool => sqlx::query_as(built(sql)).fetch_all(pool).await?))
    }

    /// The agencies, optionally only those not placed, or only those in a region.
    pub async fn agencies(
        &self,
        unplaced_only: bool,
        region: Option<&str>,
    ) -> Result<Vec<AgencyRow>> {
        let mut w = vec!["1 = 1".to_string()];
        let mut args = Vec::new();
        if unplaced_only {
            w.push("a.region_code IS NULL".into());
        }
        if let Some(r) = region {
            args.push(Arg::Text(format!("{r}%")));
            w.push("a.region_code LIKE $1".into());
        }
        let sql = format!(
            "SELECT a.id, a.key, a.name, a.region_code, a.level, a.kind_class, a.kind_name, a.resolution, a.evidence, a.candidates \
             FROM agencies a WHERE {} ORDER BY a.region_code, a.key",
            w.join(" AND ")
        );
        // Reports per agency and year, in one portable grouped query.
        let per_year: Vec<(i64, Option<i64>, i64)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT agency_id, year, COUNT(*) FROM reports WHERE agency_id IS NOT NULL GROUP BY agency_id, year ORDER BY 1, 2")
                .fetch_all(pool)
                .await?
        });
        let mut years: std::collections::HashMap<i64, (i64, Vec<String>)> =
            std::collections::HashMap::new();
        for (agency, year, n) in per_year {
            let e = years.entry(agency).or_default();
            e.0 += n;
            e.1.extend(year.map(|y| y.to_string()));
        }
        Ok(on_pool!(self, pool => {
            let rows = bind_all!(sqlx::query(built(sql)), &args).fetch_all(pool).await?;
            rows.iter()
                .map(|row| {
                    let id: i64 = row.try_get(0)?;
                    let (reports, ys) = years.remove(&id).unwrap_or_default();
                    Ok(AgencyRow {
                        id,
                        key: row.try_get(1)?,
                        name: row.try_get(2)?,
                        region_code: row.try_get(3)?,
                        level: row.try_get(4)?,
                        kind_class: row.try_get(5)?,
                        kind_name: row.try_get(6)?,
                        resolution: row.try_get(7)?,
                        evidence: row.try_get(8)?,
                        candidates: row.try_get(9)?,
                        reports,
                        years: ys.join(" "),
                    })
                })
                .collect::<std::result::Result<Vec<_>, sqlx::Error>>()?
        }))
    }

    /// Files that could not be read: (origin, error).
    pub async fn failures(&self) -> Result<Vec<(String, String)>> {
        let sql = "SELECT COALESCE((SELECT MIN(o.origin) FROM origins o WHERE o.source_id = r.source_id), ''), COALESCE(r.error, '') \
                   FROM reports r WHERE r.status = 'failed' ORDER BY r.id";
        Ok(on_pool!(self, pool => sqlx::query_as(sql).fetch_all(pool).await?))
    }

    /// A stored source: (bytes, origin) of report `id`.
    pub async fn source_of(&self, report_id: i64) -> Result<(Vec<u8>, String)> {
        let sql = "SELECT s.content, COALESCE((SELECT MIN(o.origin) FROM origins o WHERE o.source_id = s.id), '') \
                   FROM reports r JOIN sources s ON s.id = r.source_id WHERE r.id = $1";
        Ok(on_pool!(self, pool => sqlx::query_as(sql).bind(report_id).fetch_one(pool).await?))
    }

    /// A fingerprint of the corpus's content: (highest report id, number of findings). It
    /// changes with every import, save, reparse and cross-year pass; two cheap lookups, so
    /// a cache of figures can ask it on every request.
    pub async fn generation(&self) -> Result<(i64, i64)> {
        let sql =
            "SELECT COALESCE((SELECT MAX(id) FROM reports), 0), (SELECT COUNT(*) FROM diagnostics)";
        Ok(on_pool!(self, pool => sqlx::query_as(sql).fetch_one(pool).await?))
    }

    /// The report read from the source with this SHA-256, if stored.
    pub async fn report_of_sha256(&self, sha256: &str) -> Result<Option<i64>> {
        let sql =
            "SELECT r.id FROM reports r JOIN sources s ON s.id = r.source_id WHERE s.sha256 = $1";
        Ok(on_pool!(self, pool => sqlx::query_scalar(sql).bind(sha256).fetch_optional(pool).await?))
    }

    /// Reports to read again: those read by another parser version (all with `every`).
    pub async fn stale_reports(&self, every: bool) -> Result<Vec<i64>> {
        let sql = if every {
            "SELECT id FROM reports ORDER BY id"
        } else {
            "SELECT id FROM reports WHERE parser_version <> $1 ORDER BY id"
        };
        Ok(on_pool!(self, pool => {
            let q = sqlx::query_scalar(sql);
            let q = if every { q } else { q.bind(nianbao_core::PARSER_VERSION) };
            q.fetch_all(pool).await?
        }))
    }

    /// Pairs (this year, the previous year) of the same agency's reports where either is
    /// among `ids` (all pairs for `None`).
    pub async fn year_pairs(&self, ids: Option<&[i64]>) -> Result<Vec<(i64, i64)>> {
        let sql = "SELECT r1.id, MIN(r0.id) FROM reports r1 JOIN reports r0 ON r0.agency_id = r1.agency_id AND r0.year = r1.year - 1 \
                   WHERE r1.status = 'ok' AND r0.status = 'ok' GROUP BY r1.id ORDER BY r1.id";
        let all: Vec<(i64, i64)> =
            on_pool!(self, pool => sqlx::query_as(sql).fetch_all(pool).await?);
        // Filtering here, not in SQL: an IN list of every new report defeats the index.
        Ok(match ids {
            None => all,
            Some(ids) => {
                let ids: std::collections::HashSet<i64> = ids.iter().copied().collect();
                all.into_iter()
                    .filter(|(a, b)| ids.contains(a) || ids.contains(b))
                    .collect()
            }
        })
    }

    /// Diagnostics of one report: (stage, code, severity, message, cells, line).
    pub async fn diagnostics_of(
        &self,
        report_id: i64,
    ) -> Result<Vec<(String, String, String, String, String, Option<i64>)>> {
        let sql = "SELECT stage, code, severity, message, cells, line FROM diagnostics WHERE report_id = $1 ORDER BY stage DESC, seq";
        Ok(on_pool!(self, pool => sqlx::query_as(sql).bind(report_id).fetch_all(pool).await?))
    }
}

/// `SELECT columns FROM cells` for these reports (ids are integers, so written inline), only
/// the catalogue keys starting with one of `prefixes` when any are given; `tail` ends it.
fn cells_sql(columns: &str, report_ids: &[i64], prefixes: &[&str], tail: &str) -> String {
    let ids: Vec<String> = report_ids.iter().map(i64::to_string).collect();
    let mut sql = format!(
        "SELECT {columns} FROM cells WHERE report_id IN ({})",
        ids.join(",")
    );
    if !prefixes.is_empty() {
        // The exact keys, from the catalogue: an IN list seeks the (report, cell) key in
        // both engines, where a prefix test would scan every cell of the reports.
        let keys: Vec<String> = nianbao_core::template::CellId::all()
            .map(|c| c.key())
            .filter(|k| prefixes.iter().any(|p| k.starts_with(p)))
            .map(|k| format!("'{k}'"))
            .collect();
        sql.push_str(&format!(" AND cell IN ({})", keys.join(",")));
    }
    format!("{sql} {tail}")
}
