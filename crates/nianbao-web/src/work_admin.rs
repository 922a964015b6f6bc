//! The workbench's administration: the holiday calendar (edited as its table, checked line
//! by line, with the open cases whose due date moves listed), the users, and importing a
//! register kept as a spreadsheet (CSV or XLSX, every row validated, all or nothing).

use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::html;
use nianbao_store::accounts::Role;
use serde::Deserialize;

use crate::frame::{message_page, page};
use crate::work::{refused, role_name, signed_in, SignedForm};
use crate::App;

fn calendar_page(csrf: &str, text: &str, edited: bool, result: Option<maud::Markup>) -> Response {
    page("节假日表", "/work", html! {
        h1 { "节假日与调休表" }
        p.hint {
            "答复期限按此表计算工作日。每行：" code { "日期<TAB>off|work<TAB>名称" } "；" code { "@年份<TAB>通知文号" } " 声明覆盖的年份；" code { "#" } " 开头为注释。"
            @if edited { " 当前为管理员编辑过的表。" } @else { " 当前为项目自带的表（2019 年起，每年注明国务院办公厅通知）。" }
        }
        @if let Some(r) = result { (r) }
        form method="post" action="/work/admin/calendar" {
            input type="hidden" name="csrf" value=(csrf);
            textarea name="text" rows="24" cols="80" spellcheck="false" { (text) }
            p { button type="submit" { "检查并保存" } }
        }
    })
    .into_response()
}

pub(crate) async fn calendar(State(app): State<App>, headers: HeaderMap) -> Response {
    let s = match signed_in(&app, &headers, None).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    if s.user.role != Role::Admin {
        return (
            StatusCode::FORBIDDEN,
            message_page("不允许", "只有管理员可以编辑节假日表"),
        )
            .into_response();
    }
    match app.store.calendar_text().await {
        Ok((text, edited)) => calendar_page(&s.csrf, &text, edited, None),
        Err(e) => refused(e),
    }
}

#[derive(Deserialize)]
pub(crate) struct CalendarForm {
    #[serde(default)]
    csrf: String,
    text: String,
}

pub(crate) async fn save_calendar(
    State(app): State<App>,
    SignedForm(s, f): SignedForm<CalendarForm>,
) -> Response {
    let text = f.text.replace("\r\n", "\n");
    match app.store.set_calendar(&s.user, &text).await {
        Ok(changed) => {
            let result = html! {
                section.message {
                    p { "已保存。" (changed.len()) " 件未办结申请的答复期限随之重新计算：" }
                    @if !changed.is_empty() {
                        ul { @for (id, before, after) in &changed { li { a href={ "/work/cases/" (id) } { "申请 " (id) } "：" (before.map_or("—".into(), |d| d.to_string())) " → " (after.map_or("—".into(), |d| d.to_string())) } } }
                    }
                }
            };
            calendar_page(&s.csrf, &text, true, Some(result))
        }
        Err(nianbao_store::Error::Question(m)) => calendar_page(
            &s.csrf,
            &text,
            true,
            Some(html! { p.message { "未保存：" (m) } }),
        ),
        Err(e) => refused(e),
    }
}

pub(crate) async fn users(State(app): State<App>, headers: HeaderMap) -> Response {
    let s = match signed_in(&app, &headers, None).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let list = match app.store.users(&s.user).await {
        Ok(l) => l,
        Err(e) => return refused(e),
    };
    page("用户", "/work", html! {
        h1 { "用户" }
        table.list {
            thead { tr { th { "编号" } th { "用户名" } th { "角色" } th { "机关" } th { "监督范围" } } }
            tbody { @for (id, name, role, agencies, region) in &list { tr { td { (id) } td { (name) } td { (role_name(*role)) } td { (agencies.join("、")) } td { (region.clone().unwrap_or_default()) } } } }
        }
        h2 { "新增用户" }
        form.filters method="post" action="/work/admin/users" {
            input type="hidden" name="csrf" value=(s.csrf);
            label { "用户名 " input type="text" name="name" required; }
            label { "初始密码（至少 10 位） " input type="password" name="password" minlength="10" required autocomplete="new-password"; }
            label { "角色 " select name="role" { option value="staff" { "机关工作人员" } option value="supervisor" { "监督者" } option value="admin" { "管理员" } } }
            label { "机关（多个用顿号分隔） " input type="text" name="agencies" size="30"; }
            label { "监督范围（行政区划代码） " input type="text" name="region" size="8"; }
            button type="submit" { "新增" }
        }
    })
    .into_response()
}

#[derive(Deserialize)]
pub(crate) struct UserForm {
    #[serde(default)]
    csrf: String,
    name: String,
    password: String,
    role: String,
    #[serde(default)]
    agencies: String,
    #[serde(default)]
    region: String,
}

pub(crate) async fn new_user(
    State(app): State<App>,
    SignedForm(s, f): SignedForm<UserForm>,
) -> Response {
    if s.user.role != Role::Admin {
        return (
            StatusCode::FORBIDDEN,
            message_page("不允许", "只有管理员可以新增用户"),
        )
            .into_response();
    }
    let Some(role) = Role::from_name(&f.role) else {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            message_page("无法保存", "角色无效"),
        )
            .into_response();
    };
    let agencies: Vec<String> = f
        .agencies
        .split(['、', ',', '，', ';', '；'])
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(str::to_string)
        .collect();
    let region = Some(f.region.trim()).filter(|r| !r.is_empty());
    match app
        .store
        .create_user(f.name.trim(), &f.password, role, &agencies, region)
        .await
    {
        Ok(id) => {
            let _ = app
                .store
                .audit(
                    Some(s.user.id),
                    "create_user_by_admin",
                    &format!("user:{id}"),
                    f.name.trim(),
                )
                .await;
            axum::response::Redirect::to("/work/admin/users").into_response()
        }
        Err(e) => refused(e),
    }
}

pub(crate) async fn import_page(State(app): State<App>, headers: HeaderMap) -> Response {
    let s = match signed_in(&app, &headers, None).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    page("导入登记表", "/work", html! {
        h1 { "导入依申请公开登记表" }
        p.hint {
            "CSV 或 XLSX（第一个工作表），第一行为表头。必填列：收到日期、申请人类型；已办结的填 答复日期 与 办理结果。"
            "可选列：编号、申请人、联系方式、申请渠道、申请内容、补正通知日期、补正收到日期、征求意见日期、征求意见答复日期、延期批准日期、延期工作日数。"
            "逐行检查，有任何错误则全部不导入，并按行列出错误。"
        }
        form method="post" action="/work/import" enctype="multipart/form-data" {
            input type="hidden" name="csrf" value=(s.csrf);
            p { label { "机关 " @if s.user.agencies.is_empty() { input type="text" name="agency" required; } @else { select name="agency" { @for a in &s.user.agencies { option value=(a) { (a) } } } } } }
            p { label { "登记表 " input type="file" name="file" accept=".csv,.xlsx" required; } }
            p { button type="submit" { "检查并导入" } }
        }
    })
    .into_response()
}

pub(crate) async fn import(
    State(app): State<App>,
    headers: HeaderMap,
    mut form: Multipart,
) -> Response {
    let (mut csrf, mut agency, mut file) = (String::new(), String::new(), None);
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_string();
                let file_name = field.file_name().map(str::to_string);
                let Ok(bytes) = field.bytes().await else {
                    return (
                        StatusCode::BAD_REQUEST,
                        message_page("上传失败", "无法读取上传的内容"),
                    )
                        .into_response();
                };
                match name.as_str() {
                    "csrf" => csrf = String::from_utf8_lossy(&bytes).into_owned(),
                    "agency" => agency = String::from_utf8_lossy(&bytes).trim().to_string(),
                    "file" => file = Some((file_name.unwrap_or_else(|| "登记表".into()), bytes)),
                    _ => {}
                }
            }
            Ok(None) => break,
            Err(e) => {
                return (
                    StatusCode::BAD_REQUEST,
                    message_page("上传失败", &e.body_text()),
                )
                    .into_response()
            }
        }
    }
    let s = match signed_in(&app, &headers, Some(&csrf)).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return (
            StatusCode::BAD_REQUEST,
            message_page("无法导入", "请选择登记表文件"),
        )
            .into_response();
    };
    let rows = match nianbao_read::sheet::rows(&name, &bytes) {
        Ok(r) => r,
        Err(m) => {
            return (
                StatusCode::UNPROCESSABLE_ENTITY,
                message_page("无法导入", &m),
            )
                .into_response()
        }
    };
    let requests = match nianbao_core::register::import::requests(&rows) {
        Ok(r) => r,
        Err(errors) => {
            return (
                StatusCode::UNPROCESSABLE_ENTITY,
                page(
                    "无法导入",
                    "/work",
                    html! {
                        h1 { "登记表有 " (errors.len()) " 处错误，未导入" }
                        p { (name) }
                        ol.errors { @for e in &errors { li { (e) } } }
                        p { a href="/work/import" { "改正后重新上传" } }
                    },
                ),
            )
                .into_response()
        }
    };
    match app.store.import_requests(&s.user, &agency, &requests).await {
        Ok(n) => page(
            "已导入",
            "/work",
            html! {
                h1 { "已导入 " (n) " 件申请" }
                p { (name) " → " (agency) }
                p { a href="/work" { "回到工作台" } }
            },
        )
        .into_response(),
        Err(e) => refused(e),
    }
}

crate::work::csrf_forms!(CalendarForm, UserForm);
