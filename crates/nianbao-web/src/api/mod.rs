//! The JSON API, `/api/v1`. Every answer is a wire type defined here (never a store or
//! core type serialised by accident); the OpenAPI document (`assets/openapi.json`)
//! describes them, and a test keeps the two in step.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use nianbao_core::metric::{Metric, METRICS};
use nianbao_core::place::Gazetteer;
use nianbao_core::render::json::{parse_output, WireDiagnostic, SCHEMA_VERSION};
use nianbao_core::template::{CellId, T3Role, T3_COLUMNS, T3_ROWS, T4_COLUMNS, T4_GROUPS};
use nianbao_store::query::{Filter, GroupBy, ReportRow, Sort};
use nianbao_store::{group_label, Store};
use serde::{Deserialize, Serialize};

use crate::check::{self, Checked};
use crate::error::ApiError;
use crate::App;

mod charts;
mod query;

pub use charts::*;
pub use query::*;

/// A report as listed.
#[derive(Serialize)]
pub struct WireReportRow {
    pub id: i64,
    pub year: Option<i64>,
    pub agency: Option<String>,
    pub agency_id: Option<i64>,
    pub region_code: Option<String>,
    /// The place, e.g. `浙江省台州市仙居县`.
    pub region: Option<String>,
    pub level: Option<String>,
    pub kind: Option<String>,
    pub template: Option<String>,
    pub errors: i64,
    pub warnings: i64,
    pub origin: Option<String>,
}

impl From<ReportRow> for WireReportRow {
    fn from(r: ReportRow) -> Self {
        WireReportRow {
            region: Gazetteer::get().path_of(r.region_code.as_deref()),
            id: r.id,
            year: r.year,
            agency: r.agency_name,
            agency_id: r.agency_id,
            region_code: r.region_code,
            level: r.level,
            kind: r.kind,
            template: r.template,
            errors: r.errors,
            warnings: r.warnings,
            origin: r.origin,
        }
    }
}

/// A page of reports.
#[derive(Serialize)]
pub struct WireReportPage {
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub items: Vec<WireReportRow>,
}

/// The largest page number taken.
pub(crate) const MAX_PAGE: i64 = 1_000_000;

pub(crate) async fn list(app: &App, q: &ListQuery) -> Result<WireReportPage, ApiError> {
    let filter = q.filter()?;
    let sort = q.sort()?;
    let (page, per_page) = q.paging()?;
    // The count depends on the filters only: cached for every page and order of them.
    let counted = ListQuery {
        sort: None,
        page: None,
        per_page: None,
        ..q.clone()
    };
    let key = format!(
        "count?{}",
        serde_urlencoded::to_string(&counted).unwrap_or_default()
    );
    let store = &app.store;
    let total = *crate::cache::cached(app, key, async {
        Ok(store
            .count_reports(&filter, GroupBy::All)
            .await?
            .first()
            .map_or(0, |c| c.1))
    })
    .await?;
    let rows = store
        .reports_sorted(&filter, sort, per_page, (page - 1) * per_page)
        .await?;
    Ok(WireReportPage {
        total,
        page,
        per_page,
        items: rows.into_iter().map(Into::into).collect(),
    })
}

pub(crate) async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        crate::assets::OPENAPI,
    )
        .into_response()
}

/// What the corpus holds.
#[derive(Serialize)]
pub struct WireSummary {
    pub schema_version: u32,
    pub parser_version: &'static str,
    /// `open` (uploads may be saved) or `read_only`.
    pub mode: &'static str,
    pub reports: i64,
    pub failed: i64,
    pub agencies: i64,
    pub unplaced_agencies: i64,
    /// Reports per year.
    pub years: Vec<(Option<String>, i64)>,
}

pub(crate) async fn summary_of(app: &App) -> Result<Arc<WireSummary>, ApiError> {
    crate::cache::cached(app, "summary".into(), summary_now(app)).await
}

async fn summary_now(app: &App) -> Result<WireSummary, ApiError> {
    let c = app.store.counts().await?;
    let years = app
        .store
        .count_reports(&Filter::default(), GroupBy::Year)
        .await?;
    Ok(WireSummary {
        schema_version: SCHEMA_VERSION,
        parser_version: nianbao_core::PARSER_VERSION,
        mode: if app.config.mode == crate::Mode::Open {
            "open"
        } else {
            "read_only"
        },
        reports: c.reports,
        failed: c.failed,
        agencies: c.agencies,
        unplaced_agencies: c.unplaced,
        years,
    })
}

pub(crate) async fn summary(State(app): State<App>) -> Result<Json<Arc<WireSummary>>, ApiError> {
    Ok(Json(summary_of(&app).await?))
}

pub(crate) async fn reports(
    State(app): State<App>,
    Query(q): Query<ListQuery>,
) -> Result<Json<WireReportPage>, ApiError> {
    Ok(Json(list(&app, &q).await?))
}

/// A stored finding.
#[derive(Serialize)]
pub struct WireStoredDiagnostic {
    /// `report` (from the report alone) or `corpus` (against the agency's other years).
    pub stage: String,
    pub code: String,
    pub severity: String,
    pub message: String,
    pub cells: Vec<String>,
    pub line: Option<i64>,
}

/// A stored cell.
#[derive(Serialize)]
pub struct WireStoredCell {
    pub key: String,
    pub value: String,
    pub blank: bool,
}

/// One stored report.
#[derive(Serialize)]
pub struct WireReport {
    pub report: WireReportRow,
    pub cells: Vec<WireStoredCell>,
    pub diagnostics: Vec<WireStoredDiagnostic>,
    /// The same agency's reports, every year.
    pub other_years: Vec<WireReportRow>,
}

pub(crate) async fn report_of(store: &Store, id: i64) -> Result<WireReport, ApiError> {
    let filter = Filter {
        report_id: Some(id),
        ..Filter::default()
    };
    let row = store
        .reports(&filter, 1, 0)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::not_found(format!("没有编号为 {id} 的年报")))?;
    let cells = store
        .cells_of(&[id])
        .await?
        .into_iter()
        .map(|(_, key, value, blank)| WireStoredCell {
            key,
            value,
            blank: blank != 0,
        })
        .collect();
    let diagnostics = store
        .diagnostics_of(id)
        .await?
        .into_iter()
        .map(
            |(stage, code, severity, message, cells, line)| WireStoredDiagnostic {
                stage,
                code,
                severity,
                message,
                cells: cells.split_whitespace().map(str::to_string).collect(),
                line,
            },
        )
        .collect();
    let other_years = match row.agency_id {
        Some(aid) => {
            let f = Filter {
                agency_id: Some(aid),
                ..Filter::default()
            };
            store
                .reports_sorted(&f, Sort::YearAsc, 100, 0)
                .await?
                .into_iter()
                .map(Into::into)
                .collect()
        }
        None => Vec::new(),
    };
    Ok(WireReport {
        report: row.into(),
        cells,
        diagnostics,
        other_years,
    })
}

pub(crate) async fn report(
    State(app): State<App>,
    Path(id): Path<i64>,
) -> Result<Json<WireReport>, ApiError> {
    Ok(Json(report_of(&app.store, id).await?))
}

pub(crate) async fn report_source(
    State(app): State<App>,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let (bytes, origin) = app
        .store
        .source_of(id)
        .await
        .map_err(|_| ApiError::not_found(format!("没有编号为 {id} 的年报")))?;
    let mime = match nianbao_read::kind_of(&bytes, None) {
        "pdf" => "application/pdf",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "doc" => "application/msword",
        // Text and HTML are shown as text: a stored page is evidence, never rendered live.
        _ => "text/plain; charset=utf-8",
    };
    let name = origin
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("source")
        .to_string();
    let body = if mime.starts_with("text/") {
        nianbao_core::decode::decode(&bytes).text.into_bytes()
    } else {
        bytes
    };
    Ok((
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename*=UTF-8''{}", percent(&name)),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        body,
    )
        .into_response())
}

/// Percent-encodes a file name for `filename*`.
fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The answer to a check.
#[derive(Serialize)]
pub struct WireCheck<'a> {
    pub schema_version: u32,
    /// SHA-256 of the file: names it for `findings.xlsx` and saving.
    pub sha256: &'a str,
    /// The reading, as `nianbao parse --format json` prints it.
    pub parse: nianbao_core::render::json::ParseOutput<'a>,
    /// Every finding, with the cross-year ones when last year's report was given.
    pub diagnostics: Vec<WireDiagnostic>,
    /// Last year's report was given and read.
    pub with_prior: bool,
    /// The stored report's id, when saved.
    pub saved: Option<i64>,
}

fn wire_check(c: &Checked, saved: Option<i64>) -> WireCheck<'_> {
    WireCheck {
        schema_version: SCHEMA_VERSION,
        sha256: &c.sha256,
        parse: parse_output(&c.upload.name, &c.report),
        diagnostics: c
            .diagnostics
            .iter()
            .map(|d| WireDiagnostic::new(&c.report.document, d))
            .collect(),
        with_prior: c.prior.is_some(),
        saved,
    }
}

pub(crate) async fn check(State(app): State<App>, req: Request) -> Result<Response, ApiError> {
    let form = check::read_form(&app, req).await?;
    let save = form
        .fields
        .get("save")
        .is_some_and(|v| v == "1" || v == "true");
    let file = form.file.ok_or_else(|| {
        ApiError::bad_request("没有收到文件：请用 file 字段上传，或直接以请求体发送文件")
    })?;
    let checked: Checked = check::check(file, form.prior).await?;
    app.uploads
        .lock()
        .map_err(ApiError::internal)?
        .keep(&checked.sha256, &checked.upload);
    let (checked, saved) = if save {
        let (checked, id) = check::save_checked(&app, checked).await?;
        (checked, Some(id))
    } else {
        (checked, None)
    };
    let body = wire_check(&checked, saved);
    let status = if saved.is_some() {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(serde_json::to_value(&body).map_err(ApiError::internal)?),
    )
        .into_response())
}

/// The check of a recent upload again, as JSON (what `POST /api/v1/check` answered).
pub(crate) async fn findings_json(
    State(app): State<App>,
    Path(sha): Path<String>,
) -> Result<Response, ApiError> {
    let up = check::recent(&app, &sha)?;
    let c = check::check(up, None).await?;
    let json = serde_json::to_vec_pretty(&wire_check(&c, None)).map_err(ApiError::internal)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/json; charset=utf-8".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename*=UTF-8''%E6%A3%80%E6%9F%A5%E7%BB%93%E6%9E%9C.json"
                    .to_string(),
            ),
        ],
        json,
    )
        .into_response())
}

/// The findings and the normalised cells of a recent upload, as an XLSX workbook.
pub(crate) async fn findings_xlsx(
    State(app): State<App>,
    Path(sha): Path<String>,
) -> Result<Response, ApiError> {
    let up = check::recent(&app, &sha)?;
    let checked = check::check(up, None).await?;
    let bytes = tokio::task::spawn_blocking(move || findings_workbook(&checked))
        .await
        .map_err(ApiError::internal)??;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename*=UTF-8''%E6%A3%80%E6%9F%A5%E7%BB%93%E6%9E%9C.xlsx"
                    .to_string(),
            ),
        ],
        bytes,
    )
        .into_response())
}

fn findings_workbook(c: &Checked) -> Result<Vec<u8>, ApiError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let doc = &c.report.document;
    let x = |e: rust_xlsxwriter::XlsxError| ApiError::internal(e);
    let sheet = wb.add_worksheet().set_name("问题").map_err(x)?;
    for (i, h) in ["规则", "级别", "说明", "涉及单元格", "行", "如何修正"]
        .iter()
        .enumerate()
    {
        sheet.write_with_format(0, i as u16, *h, &bold).map_err(x)?;
    }
    for (r, d) in c.diagnostics.iter().enumerate() {
        let r = r as u32 + 1;
        let line = d.span.map(|s| doc.line_col(s.start).0 as u32);
        sheet.write(r, 0, d.code).map_err(x)?;
        sheet.write(r, 1, d.severity.chinese()).map_err(x)?;
        sheet.write(r, 2, &d.message).map_err(x)?;
        sheet
            .write(
                r,
                3,
                d.cells
                    .iter()
                    .map(|c| c.key())
                    .collect::<Vec<_>>()
                    .join(" "),
            )
            .map_err(x)?;
        if let Some(l) = line {
            sheet.write(r, 4, l).map_err(x)?;
        }
        sheet
            .write(r, 5, d.help.as_deref().unwrap_or(""))
            .map_err(x)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(x)?;
    let sheet = wb.add_worksheet().set_name("单元格").map_err(x)?;
    for (i, h) in ["单元格", "含义", "数值", "空白", "原文", "行"]
        .iter()
        .enumerate()
    {
        sheet.write_with_format(0, i as u16, *h, &bold).map_err(x)?;
    }
    for (r, cell) in c.report.cells.iter().enumerate() {
        let r = r as u32 + 1;
        sheet.write(r, 0, cell.id.key()).map_err(x)?;
        sheet.write(r, 1, cell.id.describe()).map_err(x)?;
        sheet.write(r, 2, cell.value.as_f64()).map_err(x)?;
        sheet
            .write(r, 3, if cell.blank { "是" } else { "" })
            .map_err(x)?;
        sheet.write(r, 4, &cell.raw).map_err(x)?;
        sheet
            .write(r, 5, doc.line_col(cell.span.start).0 as u32)
            .map_err(x)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(x)?;
    wb.save_to_buffer().map_err(x)
}

/// A measure.
#[derive(Serialize)]
pub struct WireMetric {
    pub name: &'static str,
    pub title: &'static str,
    pub definition: &'static str,
    pub ratio: bool,
}

pub(crate) async fn metrics() -> Json<Vec<WireMetric>> {
    Json(
        METRICS
            .iter()
            .map(|m| WireMetric {
                name: m.name,
                title: m.title,
                definition: m.definition,
                ratio: m.is_ratio(),
            })
            .collect(),
    )
}

/// One group of a stats answer.
#[derive(Serialize)]
pub struct WireStatRow {
    pub group: Option<String>,
    pub label: String,
    pub reports: i64,
    pub value: Option<f64>,
}

/// A measure by group.
#[derive(Serialize)]
pub struct WireStats {
    pub metric: WireMetric,
    pub by: &'static str,
    pub rows: Vec<WireStatRow>,
}

pub(crate) async fn stats_of(
    store: &Store,
    q: &ListQuery,
    default_group: GroupBy,
    rank: bool,
) -> Result<WireStats, ApiError> {
    let filter = q.filter()?;
    let group = q.group(default_group)?;
    let metric = q.metric("requests")?;
    let rows = store
        .measures(&filter, group, std::slice::from_ref(&metric))
        .await?;
    let labels = if group == GroupBy::Agency {
        store.agency_labels().await?
    } else {
        HashMap::new()
    };
    let mut rows: Vec<WireStatRow> = rows
        .into_iter()
        .map(|r| WireStatRow {
            label: group_label(group, r.group.as_deref(), &labels),
            value: r.values[0],
            group: r.group,
            reports: r.reports,
        })
        .collect();
    if rank {
        rows.retain(|r| r.value.is_some());
        rows.sort_by(|a, b| {
            b.value
                .partial_cmp(&a.value)
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        rows.truncate(
            number::<usize>(&q.limit, "名次数")?
                .unwrap_or(20)
                .clamp(1, 500),
        );
    }
    let by = GroupBy::ALL
        .iter()
        .find(|g| g.0 == group)
        .map_or("all", |g| g.1);
    Ok(WireStats {
        metric: WireMetric {
            name: metric.name,
            title: metric.title,
            definition: metric.definition,
            ratio: metric.is_ratio(),
        },
        by,
        rows,
    })
}

pub(crate) async fn stats(
    State(app): State<App>,
    Query(q): Query<ListQuery>,
) -> Result<Json<WireStats>, ApiError> {
    let rank = given(&q.limit).is_some();
    Ok(Json(stats_of(&app.store, &q, GroupBy::Year, rank).await?))
}

/// A region with its reports, and the regions under it.
#[derive(Serialize)]
pub struct WireRegion {
    pub code: String,
    pub name: String,
    pub reports: i64,
    pub children: Vec<WireRegion>,
}

pub(crate) async fn region_tree(app: &App) -> Result<Arc<Vec<WireRegion>>, ApiError> {
    crate::cache::cached(app, "regions".into(), region_tree_now(&app.store)).await
}

async fn region_tree_now(store: &Store) -> Result<Vec<WireRegion>, ApiError> {
    let g = Gazetteer::get();
    let counties = store
        .count_reports(&Filter::default(), GroupBy::County)
        .await?;
    let mut provinces: Vec<WireRegion> = Vec::new();
    for (code, n) in counties {
        let Some(code) = code else { continue };
        let name_of = |c: &str| {
            g.by_code(c)
                .map_or_else(|| c.to_string(), |d| d.name.to_string())
        };
        let p = &code[..2.min(code.len())];
        let c = &code[..4.min(code.len())];
        let pi = match provinces.iter().position(|r| r.code == p) {
            Some(i) => i,
            None => {
                provinces.push(WireRegion {
                    code: p.into(),
                    name: name_of(p),
                    reports: 0,
                    children: Vec::new(),
                });
                provinces.len() - 1
            }
        };
        let prov = &mut provinces[pi];
        prov.reports += n;
        let ci = match prov.children.iter().position(|r| r.code == c) {
            Some(i) => i,
            None => {
                prov.children.push(WireRegion {
                    code: c.into(),
                    name: name_of(c),
                    reports: 0,
                    children: Vec::new(),
                });
                prov.children.len() - 1
            }
        };
        let city = &mut prov.children[ci];
        city.reports += n;
        if code.len() > 4 {
            city.children.push(WireRegion {
                name: name_of(&code),
                code,
                reports: n,
                children: Vec::new(),
            });
        }
    }
    Ok(provinces)
}

pub(crate) async fn regions(
    State(app): State<App>,
) -> Result<Json<Arc<Vec<WireRegion>>>, ApiError> {
    Ok(Json(region_tree(&app).await?))
}

/// A roll-up.
#[derive(Serialize)]
pub struct WireRollup {
    pub title: String,
    pub year: u16,
    pub cells: Vec<WireStoredCell>,
    pub included: Vec<WireReportRow>,
    pub missing_agencies: Vec<String>,
    pub missing_places: Vec<String>,
    /// The rules' findings on the summed tables (none when every report adds up).
    pub diagnostics: Vec<WireDiagnostic>,
}

pub(crate) async fn rollup_of(
    store: &Store,
    q: &ListQuery,
) -> Result<
    (
        nianbao_store::Rollup,
        Vec<nianbao_core::diagnostic::Diagnostic>,
    ),
    ApiError,
> {
    let filter = q.filter()?;
    if filter.region.is_none() || filter.year_from.is_none() || filter.year_from != filter.year_to {
        return Err(ApiError::bad_request(
            "汇总需要一个地区（region）和一个年度（year）",
        ));
    }
    let r = store.rollup(&filter).await.map_err(|e| match e {
        nianbao_store::Error::Question(m) => ApiError::bad_request(m),
        e => ApiError::internal(e),
    })?;
    let diags = nianbao_core::check(&r.report, None)
        .into_iter()
        .filter(|d| !d.cells.is_empty())
        .collect();
    Ok((r, diags))
}

pub(crate) async fn rollup(
    State(app): State<App>,
    Query(q): Query<ListQuery>,
) -> Result<Json<WireRollup>, ApiError> {
    let (r, diags) = rollup_of(&app.store, &q).await?;
    Ok(Json(WireRollup {
        title: r.title.clone(),
        year: r.year,
        cells: r
            .report
            .cells
            .iter()
            .map(|c| WireStoredCell {
                key: c.id.key().into(),
                value: c.value.to_string(),
                blank: false,
            })
            .collect(),
        diagnostics: diags
            .iter()
            .map(|d| WireDiagnostic::new(&r.report.document, d))
            .collect(),
        included: r.included.into_iter().map(Into::into).collect(),
        missing_agencies: r.missing_agencies,
        missing_places: r.missing_places,
    }))
}

/// A rule, with where it fires.
#[derive(Serialize, Clone)]
pub struct WireRule {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: &'static str,
    pub title: &'static str,
    /// The rule's documentation (Markdown, Chinese).
    pub doc: String,
    /// Findings in the corpus.
    pub findings: i64,
    /// Reports with the finding.
    pub reports: i64,
}

pub(crate) async fn rules_of(store: &Store) -> Result<Vec<WireRule>, ApiError> {
    let counts: HashMap<String, (i64, i64)> = store
        .rule_counts(&Filter::default(), GroupBy::All)
        .await?
        .into_iter()
        .map(|(_, c, _, n, r)| (c, (n, r)))
        .collect();
    Ok(nianbao_core::rules::RULES
        .iter()
        .map(|r| {
            let m = r.meta();
            let (findings, reports) = counts.get(m.code).copied().unwrap_or((0, 0));
            WireRule {
                code: m.code,
                name: m.name,
                severity: m.severity.as_str(),
                title: m.title,
                doc: m.doc_text(),
                findings,
                reports,
            }
        })
        .collect())
}

/// The rules with their counts, cached.
pub(crate) async fn rules_cached(app: &App) -> Result<Arc<Vec<WireRule>>, ApiError> {
    crate::cache::cached(app, "rules".into(), rules_of(&app.store)).await
}

pub(crate) async fn rules(State(app): State<App>) -> Result<Json<Arc<Vec<WireRule>>>, ApiError> {
    Ok(Json(rules_cached(&app).await?))
}

pub(crate) async fn rule(
    State(app): State<App>,
    Path(code): Path<String>,
) -> Result<Json<WireRule>, ApiError> {
    let code = code.to_uppercase();
    rules_cached(&app)
        .await?
        .iter()
        .find(|r| r.code == code)
        .map(|r| Json(r.clone()))
        .ok_or_else(|| ApiError::not_found(format!("没有代码为 {code} 的规则")))
}
