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
use nianbao_core::register::Applicant;
use nianbao_store::accounts::{Role, Session};
use nianbao_store::cases::{Case, NewCase, CHANNELS};
use nianbao_store::workbench::FeeMethod;
use serde::Deserialize;

use crate::error::ApiError;
use crate::frame::{message_page, page};
use crate::App;

/// The session cookie's name.
const COOKIE: &str = "nianbao_session";
/// Wrong passwords allowed per account within [`WINDOW`] before sign-in is refused.
const MAX_FAILURES: usize = 5;
/// Wrong passwords allowed from one address within [`WINDOW`], whatever the names.
const MAX_FAILURES_PER_ADDRESS: usize = 20;
/// The rate-limit window.
const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Longest account name taken at sign-in: longer ones are refused unread (and never
/// kept by the limiter).
pub(crate) const MAX_NAME_LEN: usize = 64;
/// Most names and addresses the limiter keeps: beyond, expired entries are dropped, and
/// then the oldest.
const MAX_TRACKED: usize = 10_000;

/// Failed sign-ins by account name and by client address, for rate limiting. An attempt
/// is counted *before* its password is checked ([`LoginLimiter::begin`]), under one
/// lock, so concurrent attempts cannot all pass the check before any is counted; a
/// correct password then takes its name's count back.
#[derive(Default)]
pub struct LoginLimiter {
    failures: Mutex<Failures>,
}

#[derive(Default)]
struct Failures {
    by_name: HashMap<String, Vec<Instant>>,
    by_addr: HashMap<std::net::IpAddr, Vec<Instant>>,
}

fn recent(list: &mut Vec<Instant>) -> usize {
    list.retain(|t| t.elapsed() < WINDOW);
    list.len()
}

/// Keeps a map within [`MAX_TRACKED`] entries: expired ones go first, then the ones
/// whose last attempt is oldest.
fn bound<K: std::hash::Hash + Eq + Clone>(map: &mut HashMap<K, Vec<Instant>>) {
    if map.len() < MAX_TRACKED {
        return;
    }
    map.retain(|_, l| recent(l) > 0);
    if map.len() >= MAX_TRACKED {
        let mut last: Vec<(Instant, K)> = map
            .iter()
            .map(|(k, l)| (l.last().copied().unwrap_or_else(Instant::now), k.clone()))
            .collect();
        last.sort_by_key(|(t, _)| *t);
        for (_, k) in last.into_iter().take(map.len() - MAX_TRACKED / 2) {
            map.remove(&k);
        }
    }
}

impl LoginLimiter {
    /// Counts an attempt for `name` from `addr`, or refuses it when either has failed too
    /// often in the window.
    fn begin(&self, name: &str, addr: Option<std::net::IpAddr>) -> bool {
        let mut f = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let key = name.to_lowercase();
        let by_name = f.by_name.get_mut(&key).map_or(0, recent);
        let by_addr = addr.and_then(|a| f.by_addr.get_mut(&a)).map_or(0, recent);
        if by_name >= MAX_FAILURES || by_addr >= MAX_FAILURES_PER_ADDRESS {
            return false;
        }
        bound(&mut f.by_name);
        f.by_name.entry(key).or_default().push(Instant::now());
        if let Some(a) = addr {
            bound(&mut f.by_addr);
            f.by_addr.entry(a).or_default().push(Instant::now());
        }
        true
    }

    /// A correct password: the name's failures are forgotten (the address keeps its
    /// count, so one valid account does not open the door to guessing others).
    fn succeeded(&self, name: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .by_name
            .remove(&name.to_lowercase());
    }

    /// Names and addresses tracked (for tests).
    #[cfg(test)]
    fn tracked(&self) -> usize {
        let f = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        f.by_name.len() + f.by_addr.len()
    }
}

/// The client's address, when the server knows it (`serve` records it on each
/// connection; a router driven directly in tests has none).
pub(crate) struct ClientAddr(pub Option<std::net::IpAddr>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<crate::listener::Peer>>()
                .map(|c| c.0 .0.ip()),
        ))
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
pub(crate) async fn session(
    app: &App,
    headers: &HeaderMap,
) -> Result<Option<(String, Session)>, ApiError> {
    let Some(token) = cookie_token(headers) else {
        return Ok(None);
    };
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
        Err((
            StatusCode::FORBIDDEN,
            message_page(
                "请求被拒绝",
                "表单缺少有效的安全令牌（CSRF）。请从工作台页面重新提交。",
            ),
        )
            .into_response())
    }
}

fn login_form(message: Option<&str>) -> Markup {
    page(
        "登录",
        "/work",
        html! {
            h1 { "工作台登录" }
            @if let Some(m) = message { p.message { (m) } }
            form.login method="post" action="/login" {
                p { label { "用户名 " input type="text" name="name" autocomplete="username" required; } }
                p { label { "密码 " input type="password" name="password" autocomplete="current-password" required; } }
                p { button type="submit" { "登录" } }
            }
            p.hint { "账号由管理员用 " code { "nianbao user add" } " 创建。" }
        },
    )
}

pub(crate) async fn login_page() -> Markup {
    login_form(None)
}

#[derive(Deserialize)]
pub(crate) struct LoginForm {
    name: String,
    password: String,
}

pub(crate) async fn login(
    State(app): State<App>,
    ClientAddr(addr): ClientAddr,
    Form(f): Form<LoginForm>,
) -> Response {
    if f.name.chars().count() > MAX_NAME_LEN || f.password.len() > 1024 {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            login_form(Some("用户名或密码过长。")),
        )
            .into_response();
    }
    if !app.limiter.begin(&f.name, addr) {
        return (
            StatusCode::TOO_MANY_REQUESTS,
            login_form(Some("密码错误次数过多，请 15 分钟后再试。")),
        )
            .into_response();
    }
    match app.store.login(&f.name, &f.password).await {
        Ok(Some((token, _))) => {
            app.limiter.succeeded(&f.name);
            let secure = if app.config.secure_cookies {
                "; Secure"
            } else {
                ""
            };
            let cookie = format!(
                "{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{secure}",
                nianbao_store::accounts::SESSION_HOURS * 3600
            );
            ([(header::SET_COOKIE, cookie)], Redirect::to("/work")).into_response()
        }
        Ok(None) => {
            // Counted already by `begin`.
            (
                StatusCode::UNAUTHORIZED,
                login_form(Some("用户名或密码不正确。")),
            )
                .into_response()
        }
        Err(e) => ApiError::from(e).into_response(),
    }
}

#[derive(Deserialize)]
pub(crate) struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub(crate) async fn logout(
    State(app): State<App>,
    headers: HeaderMap,
    Form(f): Form<CsrfForm>,
) -> Response {
    let Ok(Some((token, s))) = session(&app, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    if let Err(r) = check_csrf(&s, &f.csrf) {
        return r;
    }
    let _ = app.store.logout(&token).await;
    let _ = app
        .store
        .audit(
            Some(s.user.id),
            "logout",
            &format!("user:{}", s.user.id),
            "",
        )
        .await;
    (
        [(
            header::SET_COOKIE,
            format!("{COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"),
        )],
        Redirect::to("/login"),
    )
        .into_response()
}

/// A role as the pages name it.
pub(crate) fn role_name(r: Role) -> &'static str {
    match r {
        Role::Admin => "管理员",
        Role::Staff => "机关工作人员",
        Role::Supervisor => "监督者（只读）",
    }
}

fn cases_section(s: &Session, cases: &[Case], cal: &Calendar) -> Markup {
    let today = today();
    html! {
        h2 { "未办结的申请（" (cases.len()) "）" }
        @if cases.is_empty() { p.hint { "没有未办结的申请。" } } @else {
            table.list {
                thead { tr { th { "编号" } th { "机关" } th { "收到" } th { "申请人" } th { "答复期限" } th { "" } } }
                tbody {
                    @for c in cases {
                        @let d = c.deadline(cal).ok();
                        @let due = d.as_ref().and_then(|d| d.due);
                        tr {
                            td { a href={ "/work/cases/" (c.id) } { (c.id) } }
                            td { (c.agency) }
                            td { (c.received) }
                            td { (c.applicant.label()) @if !c.applicant_name.is_empty() { " · " (c.applicant_name) } }
                            td class=[due.filter(|d| *d < today).map(|_| "err")] {
                                @match (due, d.as_ref().and_then(|d| d.waiting.clone())) {
                                    (Some(due), _) => (due),
                                    (None, Some(w)) => (w),
                                    _ => "—",
                                }
                            }
                            td { @if due.is_some_and(|d| d < today) { "已超期" } }
                        }
                    }
                }
            }
        }
        @if s.user.role != Role::Supervisor {
            h2 { "登记新申请" }
            form.filters method="post" action="/work/cases" {
                input type="hidden" name="csrf" value=(s.csrf);
                label { "机关 " select name="agency" { @for a in &s.user.agencies { option value=(a) { (a) } } } }
                @if s.user.role == Role::Admin { label { "或 " input type="text" name="agency_other" placeholder="机关名称"; } }
                label { "申请人类型 " select name="applicant" { @for a in Applicant::ALL { option value=(a.key()) { (a.label()) } } } }
                label { "申请人姓名或名称 " input type="text" name="applicant_name" size="12"; }
                label { "联系方式 " input type="text" name="contact" size="12"; }
                label { "渠道 " select name="channel" { @for c in CHANNELS { option value=(c) { (c) } } } }
                label { "收到日期 " input type="date" name="received" required; }
                label { "申请内容 " input type="text" name="request" size="30" required; }
                button type="submit" { "登记" }
            }
        }
    }
}

/// Today, in the server's time zone (China's, where the clock runs).
pub(crate) fn today() -> jiff::civil::Date {
    jiff::Zoned::now().date()
}

fn workbench(s: &Session, result: Option<Markup>) -> Markup {
    workbench_with(s, &[], Calendar::official(), &[], result)
}

fn workbench_with(
    s: &Session,
    cases: &[Case],
    cal: &Calendar,
    lapsed: &[(i64, nianbao_core::register::lapse::Lapse)],
    result: Option<Markup>,
) -> Markup {
    page(
        "工作台",
        "/work",
        html! {
            h1 { "工作台" }
            p.meta {
                (s.user.name) "（" (role_name(s.user.role)) "）"
                @if !s.user.agencies.is_empty() { " · 机关：" (s.user.agencies.join("、")) }
                @if let Some(r) = &s.user.region_code { " · 监督范围：" (r) }
            }
            form.inline method="post" action="/logout" { input type="hidden" name="csrf" value=(s.csrf); button type="submit" { "退出登录" } }
            nav.worknav {
                a href="/work/reviews" { "复议诉讼" } " · " a href="/work/import" { "导入登记表" }
                @if s.user.role == Role::Admin { " · " a href="/work/admin/calendar" { "节假日表" } " · " a href="/work/admin/users" { "用户" } }
            }
            @if !lapsed.is_empty() {
                section.message {
                    p { "以下申请已按期限自动结案（其他处理）：" }
                    ul { @for (id, l) in lapsed { li { a href={ "/work/cases/" (id) } { "申请 " (id) } "：" (l.reason) } } }
                }
            }
            (cases_section(s, cases, cal))
            h2 { "年度报告（由登记生成）" }
            form.filters method="get" action="/work/report" {
                label { "机关 " @if s.user.agencies.is_empty() { input type="text" name="agency" required; } @else { select name="agency" { @for a in &s.user.agencies { option value=(a) { (a) } } } } }
                label { "年度 " input type="number" name="year" min="2019" max="2100" value=(today().year() - 1) required; }
                button type="submit" { "生成" }
            }
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
        },
    )
}

pub(crate) async fn work(State(app): State<App>, headers: HeaderMap) -> Response {
    match session(&app, &headers).await {
        Ok(Some((_, s))) => {
            // Cases whose 补正 or fee period ran out close themselves when the bench is opened.
            let found = async {
                let lapsed = app.store.sweep_lapsed(&s.user, today()).await?;
                let cases = app.store.cases(&s.user, true).await?;
                let cal = app.store.calendar().await?;
                Ok::<_, nianbao_store::Error>((lapsed, cases, cal))
            };
            match found.await {
                Ok((lapsed, cases, cal)) => {
                    workbench_with(&s, &cases, cal, &lapsed, None).into_response()
                }
                Err(e) => ApiError::from(e).into_response(),
            }
        }
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

pub(crate) async fn work_deadline(
    State(app): State<App>,
    headers: HeaderMap,
    Form(f): Form<DeadlineForm>,
) -> Response {
    let s = match session(&app, &headers).await {
        Ok(Some((_, s))) => s,
        Ok(None) => {
            return (
                StatusCode::UNAUTHORIZED,
                message_page("请先登录", "工作台需要登录。"),
            )
                .into_response()
        }
        Err(e) => return e.into_response(),
    };
    if let Err(r) = check_csrf(&s, &f.csrf) {
        return r;
    }
    let cal = match app.store.calendar().await {
        Ok(c) => c,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let date = |v: &str| -> Result<Option<jiff::civil::Date>, String> {
        if v.trim().is_empty() {
            Ok(None)
        } else {
            nianbao_core::clock::input_date(v).map(Some)
        }
    };
    let result = (|| -> Result<nianbao_core::clock::Deadline, String> {
        let received = date(&f.received)?.ok_or("请填写收到申请的日期")?;
        let mut events = Vec::new();
        events.extend(date(&f.correction_requested)?.map(ClockEvent::CorrectionRequested));
        events.extend(date(&f.correction_received)?.map(ClockEvent::CorrectionReceived));
        events.extend(date(&f.consulted)?.map(ClockEvent::ConsultationSent));
        events.extend(date(&f.answered)?.map(ClockEvent::ConsultationAnswered));
        if let Some(on) = date(&f.extended_on)? {
            let days = f
                .extended_days
                .trim()
                .parse()
                .map_err(|_| "请填写延期的工作日数（1–20）".to_string())?;
            events.push(ClockEvent::Extended { on, days });
        }
        deadline(cal, received, &events).map_err(|e| e.to_string())
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

/// The session of a request, or the response that refuses it (not signed in, bad token).
pub(crate) async fn signed_in(
    app: &App,
    headers: &HeaderMap,
    csrf: Option<&str>,
) -> Result<Session, Response> {
    let s = match session(app, headers).await {
        Ok(Some((_, s))) => s,
        Ok(None) => {
            return Err((
                StatusCode::UNAUTHORIZED,
                message_page("请先登录", "工作台需要登录。"),
            )
                .into_response())
        }
        Err(e) => return Err(e.into_response()),
    };
    if let Some(given) = csrf {
        check_csrf(&s, given)?;
    }
    Ok(s)
}

/// A form that carries the session's CSRF token in its `csrf` field.
pub(crate) trait CarriesCsrf {
    fn csrf(&self) -> &str;
}

/// Implements [`CarriesCsrf`] for forms with a `csrf: String` field.
macro_rules! csrf_forms {
    ($($form:ty),* $(,)?) => {
        $(impl $crate::work::CarriesCsrf for $form {
            fn csrf(&self) -> &str {
                &self.csrf
            }
        })*
    };
}
pub(crate) use csrf_forms;

/// A workbench post: the form, read only when the request is signed in and the form
/// carries that session's CSRF token; otherwise the refusal page (401, 403). Handlers
/// take it last, instead of checking the session and the token themselves.
pub(crate) struct SignedForm<F>(pub Session, pub F);

impl<F> axum::extract::FromRequest<App> for SignedForm<F>
where
    F: serde::de::DeserializeOwned + CarriesCsrf + Send,
{
    type Rejection = Response;

    async fn from_request(req: axum::extract::Request, app: &App) -> Result<Self, Response> {
        let headers = req.headers().clone();
        let Form(form) = Form::<F>::from_request(req, app)
            .await
            .map_err(IntoResponse::into_response)?;
        let session = signed_in(app, &headers, Some(form.csrf())).await?;
        Ok(SignedForm(session, form))
    }
}

/// A store refusal as a page, by its type: someone else's case is "not found" (nothing
/// leaks), a supervisor's write is forbidden, a bad entry is explained (422).
pub(crate) fn refused(e: nianbao_store::Error) -> Response {
    crate::frame::error_page(ApiError::from(e))
}

#[derive(Deserialize)]
pub(crate) struct NewCaseForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    agency: String,
    #[serde(default)]
    agency_other: String,
    applicant: String,
    #[serde(default)]
    applicant_name: String,
    #[serde(default)]
    contact: String,
    channel: String,
    received: String,
    request: String,
}

pub(crate) async fn new_case(
    State(app): State<App>,
    SignedForm(s, f): SignedForm<NewCaseForm>,
) -> Response {
    let Ok(received) = nianbao_core::clock::input_date(&f.received) else {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            message_page(
                "无法保存",
                "收到日期应写作 YYYY-MM-DD，在 2000 至 2100 年之间",
            ),
        )
            .into_response();
    };
    let Ok(applicant) = Applicant::by_name(&f.applicant) else {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            message_page("无法保存", "申请人类型无效"),
        )
            .into_response();
    };
    let agency = if f.agency_other.trim().is_empty() {
        f.agency.trim()
    } else {
        f.agency_other.trim()
    };
    let new = NewCase {
        agency,
        applicant,
        applicant_name: &f.applicant_name,
        contact: &f.contact,
        channel: &f.channel,
        received,
        request: f.request.trim(),
    };
    match app.store.create_case(&s.user, &new).await {
        Ok(id) => Redirect::to(&format!("/work/cases/{id}")).into_response(),
        Err(e) => refused(e),
    }
}

pub(crate) async fn case_page(
    State(app): State<App>,
    headers: HeaderMap,
    axum::extract::Path(id): axum::extract::Path<i64>,
) -> Response {
    let s = match signed_in(&app, &headers, None).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let c = match app.store.case(&s.user, id).await {
        Ok(c) => c,
        Err(e) => return refused(e),
    };
    let cal = match app.store.calendar().await {
        Ok(c) => c,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let d = c.deadline(cal).ok();
    let lapse = c.lapse(cal, today());
    let log = app
        .store
        .audit_log(Some(&format!("case:{id}")), 100)
        .await
        .unwrap_or_default();
    let writable = s.user.role != Role::Supervisor;
    page(&format!("申请 {id}"), "/work", html! {
        h1 { "申请 " (id) "：" (c.agency) }
        dl.meta {
            dt { "申请人" } dd { (c.applicant.label()) @if !c.applicant_name.is_empty() { " · " (c.applicant_name) } @if !c.contact.is_empty() { " · " (c.contact) } }
            dt { "渠道" } dd { (c.channel) }
            dt { "收到" } dd { (c.received) }
            dt { "内容" } dd { (c.request) }
            dt { "状态" } dd { @match c.answered { Some((a, o)) => { "已于 " (a) " 答复：" (nianbao_core::register::outcome_label(o)) }, None => "办理中" } }
            @if let Some(n) = c.correction_period { dt { "补正期限" } dd { (n) " 个工作日（逾期不补正即自动按“其他处理”结案）" } }
            @if let Some((fee, why)) = &c.fee {
                dt { "信息处理费" }
                dd { (fee.yuan) " 元，" (fee.noticed) " 发出收费通知（" (why) "）；"
                    @match fee.paid { Some(p) => { (p) " 已缴纳" }, None => "尚未缴纳（20 个工作日内未缴即自动按“其他处理”结案）" } }
            }
        }
        @if let Some(l) = &lapse { p.message { "已逾期：" (l.reason) "。打开工作台时将自动结案。" } }
        @if let Some(d) = &d {
            h2 { "答复期限" }
            @if let Some(due) = d.due { p { strong { (due) } } }
            @if let Some(w) = &d.waiting { p { strong { (w) } } }
            ol { @for line in &d.explanation { li { (line) } } }
            @for w in &d.warnings { p.message { (w) } }
        }
        @if writable && c.answered.is_none() {
            h2 { "记录期限事件" }
            form.filters method="post" action={ "/work/cases/" (id) "/events" } {
                input type="hidden" name="csrf" value=(s.csrf);
                label { "事件 " select name="kind" {
                    option value="correction_requested" { "发出补正通知" }
                    option value="correction_received" { "收到补正" }
                    option value="consultation_sent" { "征求意见" }
                    option value="consultation_answered" { "收到征求意见答复" }
                    option value="extended" { "批准延期" }
                } }
                label { "日期 " input type="date" name="on" required; }
                label { "延期工作日 " input type="number" name="days" min="1" max="20"; }
                label { "补正期限（工作日） " input type="number" name="period" min="1" max="60" value="15"; }
                button type="submit" { "记录" }
            }
            @match &c.fee {
                None => {
                    h2 { "收费通知" }
                    p.hint { "按国办函〔2020〕109号计算：按件为同一申请人一个自然月内累计件数（本系统按登记的申请人姓名统计），按量为页数；申请人应在 20 个工作日内缴纳。" }
                    form.filters method="post" action={ "/work/cases/" (id) "/fee" } {
                        input type="hidden" name="csrf" value=(s.csrf);
                        label { "方式 " select name="method" { option value="item" { "按件" } option value="page" { "按量（页）" } } }
                        label { "件数或页数 " input type="number" name="units" min="1" value="1" required; }
                        label { "通知日期 " input type="date" name="noticed" required; }
                        button type="submit" { "计算并记录" }
                    }
                }
                Some((fee, _)) if fee.paid.is_none() => {
                    h2 { "缴费" }
                    form.filters method="post" action={ "/work/cases/" (id) "/fee-paid" } {
                        input type="hidden" name="csrf" value=(s.csrf);
                        label { "缴费日期 " input type="date" name="paid" required; }
                        button type="submit" { "登记已缴" }
                    }
                }
                _ => {}
            }
            h2 { "结案" }
            form.filters method="post" action={ "/work/cases/" (id) "/close" } {
                input type="hidden" name="csrf" value=(s.csrf);
                label { "答复日期 " input type="date" name="answered" required; }
                label { "办理结果 " select name="outcome" {
                    @for o in nianbao_core::register::outcomes() { option value=(o) { (nianbao_core::register::outcome_label(o)) } }
                } }
                button type="submit" { "结案" }
            }
        }
        h2 { "变更记录" }
        table.list { tbody { @for (at, who, action, _, detail) in &log { tr { td { (at) } td { (who.clone().unwrap_or_default()) } td { (action) } td { (detail) } } } } }
    })
    .into_response()
}

#[derive(Deserialize)]
pub(crate) struct EventForm {
    #[serde(default)]
    csrf: String,
    kind: String,
    on: String,
    #[serde(default)]
    days: String,
    #[serde(default)]
    period: String,
}

pub(crate) async fn case_event(
    State(app): State<App>,
    axum::extract::Path(id): axum::extract::Path<i64>,
    SignedForm(s, f): SignedForm<EventForm>,
) -> Response {
    let Ok(on) = nianbao_core::clock::input_date(&f.on) else {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            message_page("无法保存", "日期应写作 YYYY-MM-DD，在 2000 至 2100 年之间"),
        )
            .into_response();
    };
    let days = f.days.trim().parse().ok();
    let Some(event) = ClockEvent::from_kind(&f.kind, on, days) else {
        let why = if f.kind == "extended" {
            "请填写延期的工作日数（1–20）"
        } else {
            "未知的事件"
        };
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            message_page("无法保存", why),
        )
            .into_response();
    };
    let period = if f.kind == "correction_requested" {
        f.period.trim().parse().ok()
    } else {
        None
    };
    match app.store.add_case_event(&s.user, id, event, period).await {
        Ok(()) => Redirect::to(&format!("/work/cases/{id}")).into_response(),
        Err(e) => refused(e),
    }
}

#[derive(Deserialize)]
pub(crate) struct CloseForm {
    #[serde(default)]
    csrf: String,
    answered: String,
    outcome: String,
}

pub(crate) async fn close_case(
    State(app): State<App>,
    axum::extract::Path(id): axum::extract::Path<i64>,
    SignedForm(s, f): SignedForm<CloseForm>,
) -> Response {
    let Ok(answered) = nianbao_core::clock::input_date(&f.answered) else {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            message_page(
                "无法保存",
                "答复日期应写作 YYYY-MM-DD，在 2000 至 2100 年之间",
            ),
        )
            .into_response();
    };
    match app
        .store
        .close_case(&s.user, id, answered, &f.outcome)
        .await
    {
        Ok(()) => Redirect::to(&format!("/work/cases/{id}")).into_response(),
        Err(e) => refused(e),
    }
}

#[derive(Deserialize)]
pub(crate) struct FeeForm {
    #[serde(default)]
    csrf: String,
    method: String,
    units: String,
    noticed: String,
}

pub(crate) async fn case_fee(
    State(app): State<App>,
    axum::extract::Path(id): axum::extract::Path<i64>,
    SignedForm(s, f): SignedForm<FeeForm>,
) -> Response {
    let (Ok(noticed), Ok(units)) = (
        nianbao_core::clock::input_date(&f.noticed),
        f.units.trim().parse::<u32>(),
    ) else {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            message_page(
                "无法保存",
                "请填写通知日期（YYYY-MM-DD，在 2000 至 2100 年之间）和件数或页数",
            ),
        )
            .into_response();
    };
    let method = if f.method == "page" {
        FeeMethod::PerPage
    } else {
        FeeMethod::PerItem
    };
    match app
        .store
        .record_fee(&s.user, id, method, units, noticed)
        .await
    {
        Ok(_) => Redirect::to(&format!("/work/cases/{id}")).into_response(),
        Err(e) => refused(e),
    }
}

#[derive(Deserialize)]
pub(crate) struct PaidForm {
    #[serde(default)]
    csrf: String,
    paid: String,
}

pub(crate) async fn case_fee_paid(
    State(app): State<App>,
    axum::extract::Path(id): axum::extract::Path<i64>,
    SignedForm(s, f): SignedForm<PaidForm>,
) -> Response {
    let Ok(paid) = nianbao_core::clock::input_date(&f.paid) else {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            message_page(
                "无法保存",
                "缴费日期应写作 YYYY-MM-DD，在 2000 至 2100 年之间",
            ),
        )
            .into_response();
    };
    match app.store.fee_paid(&s.user, id, paid).await {
        Ok(()) => Redirect::to(&format!("/work/cases/{id}")).into_response(),
        Err(e) => refused(e),
    }
}

crate::work::csrf_forms!(NewCaseForm, EventForm, CloseForm, FeeForm, PaidForm);

#[cfg(test)]
mod limiter_tests {
    use super::*;

    /// Forty concurrent wrong passwords for one name: only the first five are evaluated.
    #[test]
    fn concurrent_attempts_are_counted_before_they_are_checked() {
        let l = std::sync::Arc::new(LoginLimiter::default());
        let passed: usize = (0..40)
            .map(|_| {
                let l = l.clone();
                std::thread::spawn(move || usize::from(l.begin("Owner", None)))
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|h| h.join().unwrap())
            .sum();
        assert_eq!(passed, MAX_FAILURES);
        l.succeeded("owner");
        assert!(l.begin("owner", None), "a correct password clears the name");
    }

    /// One address trying many names is stopped after its own limit.
    #[test]
    fn one_address_cannot_try_name_after_name() {
        let l = LoginLimiter::default();
        let addr = Some(std::net::IpAddr::from([203, 0, 113, 7]));
        let passed = (0..400)
            .filter(|i| l.begin(&format!("user{i}"), addr))
            .count();
        assert_eq!(passed, MAX_FAILURES_PER_ADDRESS);
        let other = Some(std::net::IpAddr::from([203, 0, 113, 8]));
        assert!(l.begin("user999", other));
    }

    /// Names tried are not kept for ever: the limiter's memory is bounded.
    #[test]
    fn the_limiter_forgets_beyond_its_bound() {
        let l = LoginLimiter::default();
        for i in 0..(MAX_TRACKED * 3) {
            l.begin(&format!("n{i}"), None);
        }
        assert!(l.tracked() <= MAX_TRACKED, "{}", l.tracked());
    }
}
