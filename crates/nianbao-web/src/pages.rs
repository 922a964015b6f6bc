//! The HTML pages: server-rendered (maud), usable without JavaScript; the script adds
//! drag-and-drop, cell ↔ finding highlighting, source excerpts and the charts.

use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup, PreEscaped};
use nianbao_core::diagnostic::Severity;
use nianbao_core::metric::METRICS;
use nianbao_core::place::Gazetteer;
use nianbao_core::template::TemplateUse;
use nianbao_store::query::{GroupBy, Sort};

use crate::api::{self, ListQuery, WireRegion, WireReportRow, CHARTS};
use crate::check;
use crate::error::ApiError;
use crate::frame::{error_page, or_page, page};
use crate::tables::{self, Marked};
use crate::{App, Mode};

fn upload_form(app: &App) -> Markup {
    html! {
        form.upload id="check-form" method="post" action="/check" enctype="multipart/form-data" {
            div.drop id="drop" {
                p { strong { "把年报文件拖到这里" } "，或" }
                input id="file" type="file" name="file" accept=".txt,.md,.html,.htm,.docx,.doc,.wps,.pdf";
                p.hint { "支持 TXT、Markdown、HTML、DOCX、DOC/WPS、PDF（含文字层），UTF-8 或 GB18030" }
            }
            details {
                summary { "或粘贴文本" }
                textarea name="text" rows="8" placeholder="把年报全文粘贴到这里" {}
            }
            p { label { "上一年度的年报（可选，用于核对结转与跨年一致）：" input type="file" name="prior"; } }
            p {
                button type="submit" { "检查" }
                @if app.config.mode == Mode::ReadOnly { span.hint { " 本站为只读模式：文件只检查，不保存。" } }
            }
        }
    }
}

pub(crate) async fn home(State(app): State<App>) -> Response {
    or_page(async {
        let s = api::summary_of(&app).await?;
        Ok(page("首页", "/", html! {
            h1 { "政府信息公开工作年度报告：检查与统计" }
            p.lead { "上传一份年报，核对每一个勾稽关系、格式与文字；或浏览语料库，按地区、年度比较。" }
            section.cards {
                div.card { div.big { (s.reports) } "份年报" }
                div.card { div.big { (s.agencies) } "个机关" }
                div.card { div.big { (s.years.len()) } "个年度" }
                div.card { div.big { (s.failed) } "个文件未能读取" }
            }
            @if s.reports == 0 {
                section.empty {
                    h2 { "语料库还是空的" }
                    @if app.config.mode == Mode::Open {
                        form method="post" action="/demo" {
                            p { "可以载入一份生成的演示语料：四个县（区）全部机关四个年度的年报，其中部分带有典型错误。" }
                            button type="submit" { "载入演示语料" }
                        }
                    } @else {
                        p { "本站为只读模式。管理员可用 " code { "nianbao import" } " 导入年报。" }
                    }
                }
            }
            h2 { "检查一份年报" }
            (upload_form(&app))
        }))
    }.await)
}

pub(crate) async fn load_demo(State(app): State<App>) -> Response {
    if app.config.mode != Mode::Open {
        return error_page(ApiError::new(
            StatusCode::FORBIDDEN,
            "read_only",
            "本站为只读模式，不能载入演示语料",
        ));
    }
    match crate::demo::load(&app.store).await {
        Ok(_) => Redirect::to("/reports").into_response(),
        Err(e) => error_page(ApiError::internal(e)),
    }
}

pub(crate) async fn check_form(State(app): State<App>) -> Response {
    page(
        "检查年报",
        "/check",
        html! { h1 { "检查一份年报" } (upload_form(&app)) },
    )
    .into_response()
}

pub(crate) async fn check_submit(State(app): State<App>, req: Request) -> Response {
    let result = async {
        let form = check::read_form(&app, req).await?;
        let file = form.file.ok_or_else(|| ApiError::bad_request("没有收到文件：请选择文件或粘贴文本"))?;
        let c = check::check(file, form.prior).await?;
        app.uploads.lock().map_err(ApiError::internal)?.keep(&c.sha256, &c.upload);
        let doc = &c.report.document;
        let found: Vec<Marked> =
            c.diagnostics.iter().map(|d| Marked { severity: d.severity, code: d.code, cells: d.cells.iter().map(|c| c.key()).collect() }).collect();
        let errors = c.diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
        let warnings = c.diagnostics.iter().filter(|d| d.severity == Severity::Warning).count();
        let title = format!("{}{}", c.report.agency().unwrap_or("（机关不详）"), c.report.year().map_or(String::new(), |y| format!("{y}年度")));
        let items: Vec<Item> = c
            .diagnostics
            .iter()
            .map(|d| Item {
                code: d.code.to_string(),
                severity: d.severity,
                message: d.message.clone(),
                help: d.help.clone(),
                cells: d.cells.iter().map(|c| c.key().to_string()).collect(),
                place: d.span.map(|s| {
                    let (line, _) = doc.line_col(s.start);
                    (line, tables::source_line(&doc.source, s.start))
                }),
                stage: None,
            })
            .collect();
        Ok(page(&title, "/check", html! {
            h1 { (title) }
            p.meta {
                "文件：" (c.upload.name) " · 格式：" (c.report.template().chinese()) " · "
                span.err-count { (errors) " 个错误" } " · " span.warn-count { (warnings) " 个警告" }
                @if c.prior.is_some() { " · 已与上一年度年报核对" }
            }
            p.actions {
                @if app.config.mode == Mode::Open {
                    form.inline method="post" action={ "/check/" (c.sha256) "/save" } { button type="submit" { "保存到语料库" } }
                }
                a.button href={ "/api/v1/check/" (c.sha256) "/findings.xlsx" } { "下载问题清单与规范化表格（XLSX）" }
                a.button href={ "/api/v1/check/" (c.sha256) "/findings.json" } { "下载 JSON" }
                a.button href="/check" { "放弃，检查另一份" }
            }
            (result_layout(&c.report, &found, &items))
        }))
    }
    .await;
    or_page(result)
}

/// A finding as listed beside the tables.
struct Item {
    code: String,
    severity: Severity,
    message: String,
    help: Option<String>,
    cells: Vec<String>,
    /// (line, source line) when the finding has a place.
    place: Option<(usize, String)>,
    /// `corpus` for cross-year findings of stored reports.
    stage: Option<String>,
}

fn result_layout(report: &nianbao_core::Report, found: &[Marked], items: &[Item]) -> Markup {
    html! {
        div.result {
            div.tables { (tables::tables(report, found)) }
            aside.findings {
                h2 { "发现的问题（" (items.len()) "）" }
                @if items.is_empty() { p.ok { "全部勾稽关系成立，未发现问题。" } }
                ol {
                    @for d in items {
                        li class={ "finding " (d.severity.as_str()) } data-cells=(d.cells.join(" ")) tabindex="0" {
                            span.sev { (d.severity.chinese()) } " "
                            a.code href={ "/rules/" (d.code) } { (d.code) }
                            @if d.stage.as_deref() == Some("corpus") { " " span.tag { "跨年" } }
                            p { (d.message) }
                            @if let Some((line, src)) = &d.place { p.src { "第 " (line) " 行：" code { (src) } } }
                            @if let Some(h) = &d.help { p.help { "修正：" (h) } }
                        }
                    }
                }
                div.pop id="source-pop" hidden {}
            }
        }
    }
}

pub(crate) async fn check_save(State(app): State<App>, Path(sha): Path<String>) -> Response {
    let up = match check::recent(&app, &sha) {
        Ok(up) => up,
        Err(e) => return error_page(e),
    };
    match check::save(&app, &up).await {
        Ok(id) => Redirect::to(&format!("/reports/{id}")).into_response(),
        Err(e) => error_page(e),
    }
}

fn region_options(tree: &[WireRegion], selected: Option<&str>) -> Markup {
    html! {
        option value="" { "全部地区" }
        @for p in tree {
            option value=(p.code) selected[selected == Some(p.code.as_str())] { (p.name) "（" (p.reports) "）" }
            @for c in &p.children {
                option value=(c.code) selected[selected == Some(c.code.as_str())] { "\u{3000}" (c.name) "（" (c.reports) "）" }
                @for k in &c.children {
                    option value=(k.code) selected[selected == Some(k.code.as_str())] { "\u{3000}\u{3000}" (k.name) "（" (k.reports) "）" }
                }
            }
        }
    }
}

fn filter_form(action: &str, q: &ListQuery, tree: &[WireRegion], extra: Markup) -> Markup {
    let v = |o: &Option<String>| o.clone().unwrap_or_default();
    let sel = |o: &Option<String>, x: &str| o.as_deref() == Some(x);
    html! {
        form.filters method="get" action=(action) {
            label { "地区 " select name="region" { (region_options(tree, q.region.as_deref())) } }
            label { "年度 " input type="number" name="year" min="2008" max="2100" value=(v(&q.year)) size="5"; }
            label { "层级 " select name="level" {
                option value="" { "全部" }
                @for l in ["省", "市", "县", "乡镇街道"] { option value=(l) selected[sel(&q.level, l)] { (l) } }
            } }
            label { "类别 " select name="kind" {
                option value="" { "全部" }
                @for k in ["人民政府", "部门"] { option value=(k) selected[sel(&q.kind, k)] { (k) } }
            } }
            label { "状态 " select name="status" {
                option value="" { "全部" }
                option value="errors" selected[sel(&q.status, "errors")] { "有错误" }
                option value="warnings" selected[sel(&q.status, "warnings")] { "有警告" }
                option value="clean" selected[sel(&q.status, "clean")] { "无问题" }
            } }
            label { "规则 " input type="text" name="rule" value=(v(&q.rule)) size="6" placeholder="如 T3001"; }
            label { "搜索 " input type="search" name="q" value=(v(&q.q)) placeholder="机关名称或正文，如 公开"; }
            (extra)
            button type="submit" { "筛选" }
        }
    }
}

fn report_table(rows: &[WireReportRow]) -> Markup {
    html! {
        table.list {
            thead { tr { th { "年度" } th { "机关" } th { "地区" } th { "层级" } th { "格式" } th { "错误" } th { "警告" } } }
            tbody {
                @for r in rows {
                    tr {
                        td { (r.year.map_or("—".into(), |y| y.to_string())) }
                        td { a href={ "/reports/" (r.id) } { (r.agency.clone().unwrap_or_else(|| "（机关不详）".into())) } }
                        td { (r.region.clone().unwrap_or_else(|| "（未定位）".into())) }
                        td { (r.level.clone().unwrap_or_default()) }
                        td { (r.template.as_deref().map(TemplateUse::chinese_of).unwrap_or_default()) }
                        td class=[(r.errors > 0).then_some("err")] { (r.errors) }
                        td class=[(r.warnings > 0).then_some("warn")] { (r.warnings) }
                    }
                }
            }
        }
    }
}

fn query_string(q: &ListQuery, page: i64) -> String {
    let mut q = q.clone();
    q.page = Some(page.to_string());
    serde_urlencoded::to_string(&q).unwrap_or_default()
}

pub(crate) async fn reports(State(app): State<App>, Query(q): Query<ListQuery>) -> Response {
    or_page(async {
        let tree = api::region_tree(&app).await?;
        let list = api::list(&app, &q).await?;
        let pages = (list.total + list.per_page - 1) / list.per_page;
        let sort = q.sort.clone().unwrap_or_default();
        let extra = html! {
            label { "排序 " select name="sort" {
                @for (_, name, title) in Sort::ALL { option value=(name) selected[sort == name] { (title) } }
            } }
        };
        Ok(page("语料库", "/reports", html! {
            h1 { "语料库" }
            (filter_form("/reports", &q, &tree, extra))
            p.meta id="count" { "共 " strong { (list.total) } " 份年报" @if pages > 1 { "，第 " (list.page) " / " (pages) " 页" } }
            (report_table(&list.items))
            @if pages > 1 {
                nav.pager {
                    @if list.page > 1 { a href={ "/reports?" (query_string(&q, list.page - 1)) } { "← 上一页" } }
                    @if list.page < pages { a href={ "/reports?" (query_string(&q, list.page + 1)) } { "下一页 →" } }
                }
            }
        }))
    }.await)
}

/// Cells compared across an agency's years on its report page: (key, label).
const YEAR_CELLS: [(&str, &str); 6] = [
    ("t3.new.total", "本年新收"),
    ("t3.carried_over.total", "上年结转"),
    ("t3.total_processed.total", "本年办理"),
    ("t3.granted.total", "予以公开"),
    ("t3.carried_forward.total", "结转下年"),
    ("t4.review.total", "行政复议总计"),
];

pub(crate) async fn report(State(app): State<App>, Path(id): Path<i64>) -> Response {
    or_page(async {
        let w = api::report_of(&app.store, id).await?;
        let (bytes, origin) = app.store.source_of(id).await?;
        // The stored source read again: its spans give every cell its place in the text.
        let report = check::cpu(move || nianbao_read::parse_bytes(&bytes)).await?;
        let found: Vec<Marked> = w
            .diagnostics
            .iter()
            .map(|d| Marked { severity: severity(&d.severity), code: &d.code, cells: d.cells.iter().map(String::as_str).collect() })
            .collect();
        let items: Vec<Item> = w
            .diagnostics
            .iter()
            .map(|d| Item {
                code: d.code.clone(),
                severity: severity(&d.severity),
                message: d.message.clone(),
                help: nianbao_core::rules::by_code(&d.code).map(|r| r.meta().title.to_string()),
                cells: d.cells.clone(),
                place: d.line.map(|l| (l as usize, String::new())),
                stage: Some(d.stage.clone()),
            })
            .collect();
        let ids: Vec<i64> = w.other_years.iter().map(|r| r.id).collect();
        let cells = app.store.cells_of(&ids).await?;
        let value = |rid: i64, key: &str| cells.iter().find(|c| c.0 == rid && c.1 == key).map_or("—".to_string(), |c| c.2.clone());
        let r = &w.report;
        let title = format!("{}{}", r.agency.clone().unwrap_or_default(), r.year.map_or(String::new(), |y| format!("{y}年度")));
        Ok(page(&title, "/reports", html! {
            h1 { (title) }
            dl.meta {
                dt { "地区" } dd { (r.region.clone().unwrap_or_else(|| "（未定位）".into())) }
                dt { "层级 / 类别" } dd { (r.level.clone().unwrap_or_default()) " / " (r.kind.clone().unwrap_or_default()) }
                dt { "格式" } dd { (r.template.as_deref().map(TemplateUse::chinese_of).unwrap_or_default()) }
                dt { "来源" } dd { (origin) " · " a href={ "/reports/" (id) "/source" } { "查看原文" } }
                dt { "问题" } dd { (r.errors) " 个错误，" (r.warnings) " 个警告" }
            }
            @if w.other_years.len() > 1 {
                h2 { "历年比较" }
                table.list.years {
                    thead { tr { th { "年度" } @for (_, l) in YEAR_CELLS { th { (l) } } th { "错误" } } }
                    tbody {
                        @for o in &w.other_years {
                            tr class=[(o.id == id).then_some("current")] {
                                td { a href={ "/reports/" (o.id) } { (o.year.map_or("—".into(), |y| y.to_string())) } }
                                @for (k, _) in YEAR_CELLS { td.num { (value(o.id, k)) } }
                                td class=[(o.errors > 0).then_some("err")] { (o.errors) }
                            }
                        }
                    }
                }
            }
            @match &report {
                Ok(rep) => (result_layout(rep, &found, &items)),
                Err(e) => p.message { "原文未能再次读取（" (e) "）；以下为存储的问题。" },
            }
        }))
    }.await)
}

fn severity(s: &str) -> Severity {
    match s {
        "error" => Severity::Error,
        "warning" => Severity::Warning,
        _ => Severity::Info,
    }
}

pub(crate) async fn dashboards(State(app): State<App>, Query(q): Query<ListQuery>) -> Response {
    or_page(async {
        let tree = api::region_tree(&app).await?;
        let metric = q.metric.clone().unwrap_or_else(|| "requests".into());
        let chosen = api::ListQuery { metric: Some(metric.clone()), ..q.clone() };
        let m = chosen.metric("requests")?;
        let extra = html! {
            label { "排名指标 " select name="metric" {
                @for x in METRICS { option value=(x.name) selected[x.name == metric] { (x.title) } }
            } }
        };
        let mut qs = chosen.clone();
        qs.page = None;
        let qs = serde_urlencoded::to_string(&qs).unwrap_or_default();
        Ok(page("统计图表", "/dashboards", html! {
            h1 { "统计图表" }
            (filter_form("/dashboards", &q, &tree, extra))
            p.definition { strong { (m.title) } "：" (m.definition) }
            div.charts {
                @for (name, title) in CHARTS {
                    figure.chart-box {
                        figcaption { (title) }
                        div.chart data-chart=(name) data-query=(qs) {}
                        p.chart-def {}
                    }
                }
            }
            script src="/static/echarts.min.js" {}
        }))
    }.await)
}

pub(crate) async fn rollup(State(app): State<App>, Query(q): Query<ListQuery>) -> Response {
    or_page(async {
        let tree = api::region_tree(&app).await?;
        let form = filter_form("/rollup", &q, &tree, html! {});
        if q.region.as_deref().unwrap_or("").is_empty() || q.year.as_deref().unwrap_or("").is_empty() {
            return Ok(page("汇总", "/rollup", html! {
                h1 { "汇总" }
                p { "选择一个地区和一个年度，把该地区全部机关的年报相加为一套标准表格，并列出当年缺报的机关。" }
                (form)
            }));
        }
        let (r, diags) = api::rollup_of(&app.store, &q).await?;
        let found: Vec<Marked> =
            diags.iter().map(|d| Marked { severity: d.severity, code: d.code, cells: d.cells.iter().map(|c| c.key()).collect() }).collect();
        Ok(page(&r.title, "/rollup", html! {
            h1 { (r.title) }
            (form)
            p.meta { "汇总 " (r.included.len()) " 份年报" @if diags.is_empty() { "；勾稽关系全部成立。" } @else { "；" span.err-count { (diags.len()) " 处勾稽关系不成立" } } }
            @if !r.missing_agencies.is_empty() {
                details open { summary { "当年缺报的机关（" (r.missing_agencies.len()) "）" } p { (r.missing_agencies.join("、")) } }
            }
            @if !r.missing_places.is_empty() {
                details { summary { "没有任何年报的下级地区（" (r.missing_places.len()) "）" } p { (r.missing_places.join("、")) } }
            }
            div.tables { (tables::tables(&r.report, &found)) }
            details { summary { "参与汇总的年报" } (report_table(&r.included.iter().cloned().map(WireReportRow::from).collect::<Vec<_>>())) }
        }))
    }.await)
}

pub(crate) async fn rules(State(app): State<App>) -> Response {
    or_page(async {
        let rules = api::rules_cached(&app).await?;
        Ok(page("规则", "/rules", html! {
            h1 { "检查规则" }
            p { "每条规则有稳定的代码。点击代码查看它检查什么、依据哪一条、如何修正。" }
            table.list {
                thead { tr { th { "代码" } th { "级别" } th { "说明" } th { "出现次数" } th { "涉及年报" } } }
                tbody {
                    @for r in rules.iter() {
                        tr {
                            td { a href={ "/rules/" (r.code) } { (r.code) } }
                            td class=(r.severity) { (severity(r.severity).chinese()) }
                            td { (r.title) }
                            td.num { (r.findings) }
                            td.num { @if r.reports > 0 { a href={ "/reports?rule=" (r.code) } { (r.reports) } } @else { "0" } }
                        }
                    }
                }
            }
        }))
    }.await)
}

pub(crate) async fn rule(State(app): State<App>, Path(code): Path<String>) -> Response {
    or_page(async {
        let code = code.to_uppercase();
        let r = api::rules_cached(&app).await?.iter().find(|r| r.code == code).cloned().ok_or_else(|| ApiError::not_found(format!("没有代码为 {code} 的规则")))?;
        let mut doc = String::new();
        pulldown_cmark::html::push_html(&mut doc, pulldown_cmark::Parser::new(&r.doc));
        let by_place = app
            .store
            .count_reports(&nianbao_store::query::Filter { rule: Some(code.clone()), ..Default::default() }, GroupBy::County)
            .await?;
        let g = Gazetteer::get();
        Ok(page(&format!("{} {}", r.code, r.title), "/rules", html! {
            h1 { (r.code) " " (r.title) }
            p.meta { "级别：" (severity(r.severity).chinese()) " · 名称：" code { (r.name) } " · 语料库中出现 " (r.findings) " 次，涉及 " a href={ "/reports?rule=" (r.code) } { (r.reports) " 份年报" } }
            article.doc { (PreEscaped(doc)) }
            @if !by_place.is_empty() {
                h2 { "按县（区）分布" }
                table.list { tbody { @for (c, n) in by_place.iter().take(50) { tr { td { (g.path_of(c.as_deref()).unwrap_or_else(|| "（未定位）".into())) } td.num { (n) } } } } }
            }
        }))
    }.await)
}
