//! The agency workbench (工作台): signing in and out, and the pages behind it. Sessions
//! live in the store; the cookie is HttpOnly and SameSite=Strict (and Secure with
//! `--secure-cookies`); every form behind the login carries the session's CSRF token and
//! a post without it is refused; wrong passwords are rate-limited per account.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::{html, Markup};
use nianbao_core::calendar::Calendar;
use nianbao_core::clock::{deadline, ClockEvent};
use nianbao_store::accounts::{Role, Session};
use serde::Deserialize;

use crate::error::ApiError;
use crate::pages::{message_page, page};
use crate::App;

/// The session cookie's name.
const COOKIE: &str = "nianbao_session";
/// Wrong passwords allowed per account within [`WINDOW`] before sign-in is refused.
const MAX_FAILURES: usize = 5;
/// The rate-limit window.
const WINDOW: Duration = Duration::from_secs(15 * 60);

/// Failed sign-ins by account name, for rate limiting.
#[derive(Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl LoginLimiter {
    fn blocked(&self, name: &str) -> bool {
        let mut f = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let list = f.entry(name.to_lowercase()).or_default();
        list.retain(|t| t.elapsed() < WINDOW);
        list.len() >= MAX_FAILURES
    }
    fn failed(&self, name: &str) {
        let mut f = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        f.entry(name.to_lowercase()).or_default().push(Instant::now());
    }
    fn succeeded(&self, name: &str) {
        self.failures.lock().unwrap_or_else(|e| e.into_inner()).remove(&name.to_lowercase());
    }
}

fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_string())
}

/// The session of a request, if signed in.
pub(crate) async fn session(app: &App, headers: &HeaderMap) -> Result<Option<(String, Session)>, ApiError> {
    let Some(token) = cookie_token(headers) else { return Ok(None) };
    Ok(app.store.session(&token).await?.map(|s| (token, s)))
}

/// Refuses a post whose form does not carry the session's CSRF token.
fn check_csrf(session: &Session, given: &str) -> Result<(), Response> {
    // Constant-time comparison: the token is a secret.
    let a = session.csrf.as_bytes();
    let b = given.as_bytes();
    let same = a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0;
    if same {
        Ok(())
    } else {
        Err((StatusCode::FORBIDDEN, message_page("请求被拒绝", "表单缺少有效的安全令牌（CSRF）。请从工作台页面重新提交。")).into_response())
    }
}

fn login_form(message: Option<&str>) -> Markup {
    page("登录", "/work", html! {
        h1 { "工作台登录" }
        @if let Some(m) = message { p.message { (m) } }
        form.login method="post" action="/login" {
            p { label { "用户名 " input type="text" name="name" autocomplete="username" required; } }
            p { label { "密码 " input type="password" name="password" autocomplete="current-password" required; } }
            p { button type="submit" { "登录" } }
        }
        p.hint { "账号由管理员用 " code { "nianbao user add" } " 创建。" }
    })
}

pub(crate) async fn login_page() -> Markup {
    login_form(None)
}

#[derive(Deserialize)]
pub(crate) struct LoginForm {
    name: String,
    password: String,
}

pub(crate) async fn login(State(app): State<App>, Form(f): Form<LoginForm>) -> Response {
    if app.limiter.blocked(&f.name) {
        return (StatusCode::TOO_MANY_REQUESTS, login_form(Some("密码错误次数过多，请 15 分钟后再试。"))).into_response();
    }
    match app.store.login(&f.name, &f.password).await {
        Ok(Some((token, _))) => {
            app.limiter.succeeded(&f.name);
            let secure = if app.config.secure_cookies { "; Secure" } else { "" };
            let cookie = format!("{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{secure}", nianbao_store::accounts::SESSION_HOURS * 3600);
            ([(header::SET_COOKIE, cookie)], Redirect::to("/work")).into_response()
        }
        Ok(None) => {
            app.limiter.failed(&f.name);
            (StatusCode::UNAUTHORIZED, login_form(Some("用户名或密码不正确。"))).into_response()
        }
        Err(e) => ApiError::from(e).into_response(),
    }
}

#[derive(Deserialize)]
pub(crate) struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub(crate) async fn logout(State(app): State<App>, headers: HeaderMap, Form(f): Form<CsrfForm>) -> Response {
    let Ok(Some((token, s))) = session(&app, &headers).await else { return Redirect::to("/login").into_response() };
    if let Err(r) = check_csrf(&s, &f.csrf) {
        return r;
    }
    let _ = app.store.logout(&token).await;
    let _ = app.store.audit(Some(s.user.id), "logout", &format!("user:{}", s.user.id), "").await;
    ([(header::SET_COOKIE, format!("{COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"))], Redirect::to("/login")).into_response()
}

fn role_name(r: Role) -> &'static str {
    match r {
        Role::Admin => "管理员",
        Role::Staff => "机关工作人员",
        Role::Supervisor => "监督者（只读）",
    }
}

fn workbench(s: &Session, result: Option<Markup>) -> Markup {
    page("工作台", "/work", html! {
        h1 { "工作台" }
        p.meta {
            (s.user.name) "（" (role_name(s.user.role)) "）"
            @if !s.user.agencies.is_empty() { " · 机关：" (s.user.agencies.join("、")) }
            @if let Some(r) = &s.user.region_code { " · 监督范围：" (r) }
        }
        form.inline method="post" action="/logout" { input type="hidden" name="csrf" value=(s.csrf); button type="submit" { "退出登录" } }
        h2 { "答复期限计算" }
        p.hint { "按《条例》第三十、三十三条和国务院办公厅的放假安排计算；补正重新计算，征求意见期间暂停，延期最长 20 个工作日。" }
        form.filters method="post" action="/work/deadline" {
            input type="hidden" name="csrf" value=(s.csrf);
            label { "收到申请 " input type="date" name="received" required; }
            label { "补正通知 " input type="date" name="correction_requested"; }
            label { "收到补正 " input type="date" name="correction_received"; }
            label { "征求意见 " input type="date" name="consulted"; }
            label { "收到答复 " input type="date" name="answered"; }
            label { "延期批准 " input type="date" name="extended_on"; }
            label { "延期工作日 " input type="number" name="extended_days" min="1" max="20"; }
            button type="submit" { "计算" }
        }
        @if let Some(r) = result { (r) }
        p.hint { "登记申请、结案、复议诉讼和由登记生成年度报告正在建设中；现可用 " code { "nianbao register" } " 由登记表（CSV）生成表三、表四。" }
    })
}

pub(crate) async fn work(State(app): State<App>, headers: HeaderMap) -> Response {
    match session(&app, &headers).await {
        Ok(Some((_, s))) => workbench(&s, None).into_response(),
        Ok(None) => Redirect::to("/login").into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
pub(crate) struct DeadlineForm {
    #[serde(default)]
    csrf: String,
    received: String,
    #[serde(default)]
    correction_requested: String,
    #[serde(default)]
    correction_received: String,
    #[serde(default)]
    consulted: String,
    #[serde(default)]
    answered: String,
    #[serde(default)]
    extended_on: String,
    #[serde(default)]
    extended_days: String,
}

pub(crate) async fn work_deadline(State(app): State<App>, headers: HeaderMap, Form(f): Form<DeadlineForm>) -> Response {
    let s = match session(&app, &headers).await {
        Ok(Some((_, s))) => s,
        Ok(None) => return (StatusCode::UNAUTHORIZED, message_page("请先登录", "工作台需要登录。")).into_response(),
        Err(e) => return e.into_response(),
    };
    if let Err(r) = check_csrf(&s, &f.csrf) {
        return r;
    }
    let date = |v: &str| -> Result<Option<jiff::civil::Date>, String> {
        if v.trim().is_empty() { Ok(None) } else { v.trim().parse().map(Some).map_err(|_| format!("日期“{v}”应写作 YYYY-MM-DD")) }
    };
    let result = (|| -> Result<nianbao_core::clock::Deadline, String> {
        let received = date(&f.received)?.ok_or("请填写收到申请的日期")?;
        let mut events = Vec::new();
        events.extend(date(&f.correction_requested)?.map(ClockEvent::CorrectionRequested));
        events.extend(date(&f.correction_received)?.map(ClockEvent::CorrectionReceived));
        events.extend(date(&f.consulted)?.map(ClockEvent::ConsultationSent));
        events.extend(date(&f.answered)?.map(ClockEvent::ConsultationAnswered));
        if let Some(on) = date(&f.extended_on)? {
            let days = f.extended_days.trim().parse().map_err(|_| "请填写延期的工作日数（1–20）".to_string())?;
            events.push(ClockEvent::Extended { on, days });
        }
        deadline(Calendar::official(), received, &events).map_err(|e| e.to_string())
    })();
    let shown = match result {
        Ok(d) => html! {
            section.deadline {
                @if let Some(due) = d.due { p { strong { "答复期限：" (due) } } }
                @if let Some(w) = &d.waiting { p { strong { (w) } } }
                ol { @for line in &d.explanation { li { (line) } } }
                p { "补正通知期限：" (d.correction_notice_due) }
                @for w in &d.warnings { p.message { (w) } }
            }
        },
        Err(e) => html! { p.message { (e) } },
    };
    workbench(&s, Some(shown)).into_response()
}
