//! The workbench's annual report (`/work/report`): tables from the register, table 二's
//! figures, the narrative edited under the statutory headings, the year's timeliness,
//! the report as read back by the checker, downloads (DOCX, HTML, Markdown) and
//! publishing into the corpus; and the register of reconsiderations and suits
//! (`/work/reviews`) that feeds table 四.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::{html, Markup};
use nianbao_core::compose::t2_entries;
use nianbao_core::diagnostic::Severity;
use nianbao_core::template::{CellId, SECTIONS};
use nianbao_store::accounts::{Role, Session};
use nianbao_store::workbench::Annual;
use serde::Deserialize;

use crate::frame::{message_page, page};
use crate::work::{refused, signed_in, today, SignedForm};
use crate::App;

#[derive(Deserialize)]
pub(crate) struct ReportQuery {
    agency: String,
    year: i16,
}

impl ReportQuery {
    fn query(&self) -> String {
        serde_urlencoded::to_string([
            ("agency", self.agency.as_str()),
            ("year", &self.year.to_string()),
        ])
        .unwrap_or_default()
    }
}

/// A report year the work can have ([`nianbao_core::clock::EARLIEST_YEAR`] to
/// [`nianbao_core::clock::LATEST_YEAR`]); another is refused before any date is built
/// from it.
fn year_in_range(year: i16) -> Result<i16, Response> {
    use nianbao_core::clock::{EARLIEST_YEAR, LATEST_YEAR};
    if (EARLIEST_YEAR..=LATEST_YEAR).contains(&year) {
        Ok(year)
    } else {
        Err((
            StatusCode::UNPROCESSABLE_ENTITY,
            message_page(
                "年度有误",
                &format!("年度 {year} 超出可处理的范围（{EARLIEST_YEAR} 年至 {LATEST_YEAR} 年）"),
            ),
        )
            .into_response())
    }
}

async fn annual(app: &App, s: &Session, q: &ReportQuery) -> Result<Annual, Response> {
    year_in_range(q.year)?;
    app.store
        .annual(&s.user, &q.agency, q.year, today())
        .await
        .map_err(refused)
}

fn timeliness(t: &nianbao_core::register::timeliness::Timeliness) -> Markup {
    html! {
        h2 { "办理时限（法定表格之外）" }
        p { "本年办结 " (t.answered) " 件，办理用时中位数 " (t.median_days.map_or("—".to_string(), |m| format!("{m} 个工作日"))) "；"
            "超过法定期限答复 " strong { (t.late.len()) } " 件；未办结 " (t.open) " 件，其中已超期 " strong { (t.overdue.len()) } " 件。" }
        table.list.bands {
            thead { tr { @for (l, _) in &t.bands { th { (l) } } } }
            tbody { tr { @for (_, n) in &t.bands { td.num { (n) } } } }
        }
        @if !t.late.is_empty() {
            p { "逾期答复：" @for (id, a, d) in &t.late { a href={ "/work/cases/" (id) } { (id) } "（答复 " (a) "，期限 " (d) "） " } }
        }
        @if !t.oldest_open.is_empty() {
            h3 { "最早的未办结申请（前 10 件）" }
            table.list { thead { tr { th { "申请" } th { "收到" } th { "已用工作日" } } }
                tbody { @for (id, d, n) in &t.oldest_open { tr { td { a href={ "/work/cases/" (id) } { (id) } } td { (d) } td.num { (n) } } } } }
        }
    }
}

pub(crate) async fn report_page(
    State(app): State<App>,
    headers: HeaderMap,
    Query(q): Query<ReportQuery>,
) -> Response {
    let s = match signed_in(&app, &headers, None).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let a = match annual(&app, &s, &q).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let c = &a.composed;
    let (report, found) = match c.read_back() {
        Ok(x) => x,
        Err(e) => {
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                message_page("生成失败", &format!("生成的年报无法读取：{e}")),
            )
                .into_response()
        }
    };
    let serious: Vec<_> = found
        .iter()
        .filter(|d| d.severity >= Severity::Warning)
        .collect();
    let marks: Vec<crate::tables::Marked> = serious
        .iter()
        .map(|d| crate::tables::Marked {
            severity: d.severity,
            code: d.code,
            cells: d.cells.iter().map(|c| c.key()).collect(),
        })
        .collect();
    let writable = s.user.role != Role::Supervisor;
    let empty = c.empty_sections();
    let figures: HashMap<CellId, i64> = c
        .values
        .iter()
        .filter(|(id, _)| id.key().starts_with("t2."))
        .map(|(id, v)| (*id, v.as_i64().unwrap_or(0)))
        .collect();
    let qs = q.query();
    page(&c.title(), "/work", html! {
        h1 { (c.title()) }
        p.meta {
            @if serious.is_empty() { span.ok { "按统一格式生成，检查通过：勾稽关系全部成立。" } }
            @else { span.err-count { (serious.len()) " 处问题" } }
            " 下载："
            a.button href={ "/work/report.docx?" (qs) } { "DOCX" } " "
            a.button href={ "/work/report.html?" (qs) } { "HTML" } " "
            a.button href={ "/work/report.md?" (qs) } { "Markdown" }
        }
        @for d in &serious { p.message { (d.code) " " (d.message) } }
        @if writable {
            form.inline method="post" action="/work/report/publish" {
                input type="hidden" name="csrf" value=(s.csrf);
                input type="hidden" name="agency" value=(q.agency);
                input type="hidden" name="year" value=(q.year);
                button type="submit" disabled[!empty.is_empty()] { "发布到语料库" }
                @if !empty.is_empty() { span.hint { " 发布前请填写：" (empty.iter().map(|n| SECTIONS[usize::from(n - 1)].canonical).collect::<Vec<_>>().join("、")) } }
            }
        }
        p.hint { "表三由登记的申请计数：本年新收、上年结转（年初未办结）、本年办结（按结果与申请人类型）、结转下年度（年末未办结）；表四由复议诉讼登记计数；表二为录入的数字。" }
        div.tables { (crate::tables::tables(&report, &marks)) }
        (timeliness(&a.timeliness))
        @if writable {
            h2 { "正文（按统一格式的六个部分）" }
            @if !a.edited { p.hint { "以下为由登记生成的初稿，保存后以保存的文字为准。第六部分的信息处理费说明由收费记录自动生成。" } }
            form.draft method="post" action="/work/report/draft" {
                input type="hidden" name="csrf" value=(s.csrf);
                input type="hidden" name="agency" value=(q.agency);
                input type="hidden" name="year" value=(q.year);
                @for def in &SECTIONS {
                    @let i = usize::from(def.number - 1);
                    @let paras = if i == 5 { c.sections[5].get(1..).unwrap_or(&[]) } else { c.sections[i].as_slice() };
                    label.section {
                        strong { (def.canonical) }
                        @if i == 5 { span.hint { " 自动：" (c.sections[5].first().cloned().unwrap_or_default()) } }
                        @if i == 2 || i == 3 { span.hint { "（表格自动生成；可在表前写说明）" } }
                        textarea name={ "s" (def.number) } rows="4" { (paras.join("\n")) }
                    }
                }
                button type="submit" { "保存正文" }
            }
            h2 { "表二：主动公开政府信息情况（录入）" }
            form.figures method="post" action="/work/report/figures" {
                input type="hidden" name="csrf" value=(s.csrf);
                input type="hidden" name="agency" value=(q.agency);
                input type="hidden" name="year" value=(q.year);
                table.list { tbody {
                    @for (id, label) in t2_entries() {
                        tr { td { (label) } td { input type="number" min="0" name=(id.key()) value=(figures.get(&id).copied().unwrap_or(0)); } }
                    }
                } }
                button type="submit" { "保存表二" }
            }
        }
    })
    .into_response()
}

fn download(a: &Annual, ext: &str) -> Response {
    let c = &a.composed;
    let name = format!("{}.{ext}", c.title());
    let disposition = format!(
        "attachment; filename=\"report.{ext}\"; filename*=UTF-8''{}",
        urlencoding(&name)
    );
    match ext {
        "docx" => (
            [
                (
                    header::CONTENT_TYPE,
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                        .to_string(),
                ),
                (header::CONTENT_DISPOSITION, disposition),
            ],
            c.docx(),
        )
            .into_response(),
        "html" => (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, disposition),
            ],
            c.html(),
        )
            .into_response(),
        _ => match c.markdown() {
            Ok(md) => (
                [
                    (
                        header::CONTENT_TYPE,
                        "text/markdown; charset=utf-8".to_string(),
                    ),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                md,
            )
                .into_response(),
            Err(e) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                message_page("生成失败", &e.to_string()),
            )
                .into_response(),
        },
    }
}

/// Percent-encodes a file name for `filename*` (RFC 5987).
fn urlencoding(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

pub(crate) async fn report_docx(
    State(app): State<App>,
    headers: HeaderMap,
    Query(q): Query<ReportQuery>,
) -> Response {
    report_file(app, headers, q, "docx").await
}

pub(crate) async fn report_html(
    State(app): State<App>,
    headers: HeaderMap,
    Query(q): Query<ReportQuery>,
) -> Response {
    report_file(app, headers, q, "html").await
}

pub(crate) async fn report_md(
    State(app): State<App>,
    headers: HeaderMap,
    Query(q): Query<ReportQuery>,
) -> Response {
    report_file(app, headers, q, "md").await
}

async fn report_file(app: App, headers: HeaderMap, q: ReportQuery, ext: &str) -> Response {
    let s = match signed_in(&app, &headers, None).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    match annual(&app, &s, &q).await {
        Ok(a) => download(&a, ext),
        Err(r) => r,
    }
}

/// The session and the agency and year of a report form (CSRF checked).
async fn report_form(
    app: &App,
    headers: &HeaderMap,
    f: &HashMap<String, String>,
) -> Result<(Session, ReportQuery), Response> {
    let s = signed_in(app, headers, Some(f.get("csrf").map_or("", String::as_str))).await?;
    Ok((s, agency_year(f)?))
}

/// A form's agency and year, with the rest of its fields.
fn agency_year(f: &HashMap<String, String>) -> Result<ReportQuery, Response> {
    let agency = f
        .get("agency")
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    let year = f.get("year").and_then(|y| y.trim().parse().ok());
    match (agency.is_empty(), year) {
        (false, Some(year)) => Ok(ReportQuery {
            agency,
            year: year_in_range(year)?,
        }),
        _ => Err((
            StatusCode::UNPROCESSABLE_ENTITY,
            message_page("无法保存", "请指明机关和年度"),
        )
            .into_response()),
    }
}

pub(crate) async fn save_draft(
    State(app): State<App>,
    headers: HeaderMap,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let (s, q) = match report_form(&app, &headers, &f).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let sections: [String; 6] =
        std::array::from_fn(|i| f.get(&format!("s{}", i + 1)).cloned().unwrap_or_default());
    match app
        .store
        .save_draft(&s.user, &q.agency, q.year, &sections)
        .await
    {
        Ok(()) => Redirect::to(&format!("/work/report?{}", q.query())).into_response(),
        Err(e) => refused(e),
    }
}

pub(crate) async fn save_figures(
    State(app): State<App>,
    headers: HeaderMap,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let (s, q) = match report_form(&app, &headers, &f).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let mut values = Vec::new();
    for (id, label) in t2_entries() {
        let Some(v) = f.get(id.key()) else { continue };
        match v.trim() {
            "" => values.push((id, 0)),
            v => match v.parse::<i64>() {
                Ok(n) => values.push((id, n)),
                Err(_) => {
                    return (
                        StatusCode::UNPROCESSABLE_ENTITY,
                        message_page("无法保存", &format!("“{label}”应为整数，而不是“{v}”")),
                    )
                        .into_response()
                }
            },
        }
    }
    match app
        .store
        .set_figures(&s.user, &q.agency, q.year, &values)
        .await
    {
        Ok(()) => Redirect::to(&format!("/work/report?{}", q.query())).into_response(),
        Err(e) => refused(e),
    }
}

pub(crate) async fn publish(
    State(app): State<App>,
    headers: HeaderMap,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let (s, q) = match report_form(&app, &headers, &f).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    match app.store.publish(&s.user, &q.agency, q.year, today()).await {
        Ok(id) => Redirect::to(&format!("/reports/{id}")).into_response(),
        Err(e) => refused(e),
    }
}

pub(crate) async fn reviews_page(State(app): State<App>, headers: HeaderMap) -> Response {
    let s = match signed_in(&app, &headers, None).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let reviews = match app.store.reviews(&s.user, None).await {
        Ok(r) => r,
        Err(e) => return refused(e),
    };
    let writable = s.user.role != Role::Supervisor;
    let kind = |k: nianbao_core::register::ReviewKind| match k {
        nianbao_core::register::ReviewKind::Review => "行政复议",
        nianbao_core::register::ReviewKind::SuitDirect => "行政诉讼（未经复议直接起诉）",
        nianbao_core::register::ReviewKind::SuitAfterReview => "行政诉讼（复议后起诉）",
    };
    let result = |r: nianbao_core::register::ReviewResult| match r {
        nianbao_core::register::ReviewResult::Upheld => "结果维持",
        nianbao_core::register::ReviewResult::Corrected => "结果纠正",
        nianbao_core::register::ReviewResult::Other => "其他结果",
    };
    page("复议诉讼", "/work", html! {
        h1 { "行政复议、行政诉讼登记" }
        p.hint { "这些记录按年度计入年报表四：当年有结果的按结果计，年末尚无结果的计为“尚未审结”。" }
        table.list {
            thead { tr { th { "编号" } th { "机关" } th { "类别" } th { "提起" } th { "所涉申请" } th { "结果" } th { "备注" } } }
            tbody { @for r in &reviews { tr {
                td { (r.id) } td { (r.agency) } td { (kind(r.case.kind)) } td { (r.case.filed) }
                td { @if let Some(c) = r.case_id { a href={ "/work/cases/" (c) } { (c) } } }
                td {
                    @match r.case.decided {
                        Some((d, res)) => { (d) " " (result(res)) }
                        None if writable => {
                            form.inline method="post" action={ "/work/reviews/" (r.id) "/decide" } {
                                input type="hidden" name="csrf" value=(s.csrf);
                                input type="date" name="decided" required;
                                select name="result" { option { "维持" } option { "纠正" } option { "其他" } }
                                button type="submit" { "登记结果" }
                            }
                        }
                        None => "尚未审结",
                    }
                }
                td { (r.note) }
            } } }
        }
        @if writable {
            h2 { "登记新的复议或诉讼" }
            form.filters method="post" action="/work/reviews" {
                input type="hidden" name="csrf" value=(s.csrf);
                label { "机关 " @if s.user.agencies.is_empty() { input type="text" name="agency" required; } @else { select name="agency" { @for a in &s.user.agencies { option value=(a) { (a) } } } } }
                label { "类别 " select name="kind" { option { "行政复议" } option { "直接起诉" } option { "复议后起诉" } } }
                label { "提起日期 " input type="date" name="filed" required; }
                label { "所涉申请编号 " input type="number" name="case_id" min="1"; }
                label { "备注 " input type="text" name="note" size="20"; }
                button type="submit" { "登记" }
            }
        }
    })
    .into_response()
}

#[derive(Deserialize)]
pub(crate) struct ReviewForm {
    #[serde(default)]
    csrf: String,
    agency: String,
    kind: String,
    filed: String,
    #[serde(default)]
    case_id: String,
    #[serde(default)]
    note: String,
}

pub(crate) async fn new_review(
    State(app): State<App>,
    SignedForm(s, f): SignedForm<ReviewForm>,
) -> Response {
    let Ok(filed) = nianbao_core::clock::input_date(&f.filed) else {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            message_page(
                "无法保存",
                "提起日期应写作 YYYY-MM-DD，在 2000 至 2100 年之间",
            ),
        )
            .into_response();
    };
    let case_id = match f.case_id.trim() {
        "" => None,
        v => match v.parse() {
            Ok(n) => Some(n),
            Err(_) => {
                return (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    message_page("无法保存", "所涉申请编号应为数字"),
                )
                    .into_response()
            }
        },
    };
    match app
        .store
        .create_review(&s.user, f.agency.trim(), case_id, &f.kind, filed, &f.note)
        .await
    {
        Ok(_) => Redirect::to("/work/reviews").into_response(),
        Err(e) => refused(e),
    }
}

#[derive(Deserialize)]
pub(crate) struct DecideForm {
    #[serde(default)]
    csrf: String,
    decided: String,
    result: String,
}

pub(crate) async fn decide_review(
    State(app): State<App>,
    Path(id): Path<i64>,
    SignedForm(s, f): SignedForm<DecideForm>,
) -> Response {
    let Ok(decided) = nianbao_core::clock::input_date(&f.decided) else {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            message_page(
                "无法保存",
                "结果日期应写作 YYYY-MM-DD，在 2000 至 2100 年之间",
            ),
        )
            .into_response();
    };
    match app
        .store
        .decide_review(&s.user, id, decided, &f.result)
        .await
    {
        Ok(()) => Redirect::to("/work/reviews").into_response(),
        Err(e) => refused(e),
    }
}

crate::work::csrf_forms!(ReviewForm, DecideForm);
