//! The workbench's security: sign-in, sessions in the store, cookies, CSRF on every form,
//! rate-limited wrong passwords, the audit log.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use nianbao_store::accounts::Role;
use nianbao_store::Store;
use nianbao_web::{router, Config};
use tower::ServiceExt;

async fn app() -> (Router, Store) {
    let dir = std::env::temp_dir().join(format!("nianbao-work-test-{}-{}", std::process::id(), fastrand::u32(..)));
    std::fs::create_dir_all(&dir).unwrap();
    let store = Store::open(dir.join("t.db").to_str().unwrap()).await.unwrap();
    store.create_user("li", "correct horse battery", Role::Staff, &["仙居县教育局".into()], None).await.unwrap();
    store.create_user("wang", "another good password", Role::Staff, &["仙居县审计局".into()], None).await.unwrap();
    (router(store.clone(), Config { secure_cookies: true, ..Config::default() }), store)
}

async fn send(app: &Router, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, String) {
    let res = app.clone().oneshot(req).await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    let body = String::from_utf8_lossy(&res.into_body().collect().await.unwrap().to_bytes()).into_owned();
    (status, headers, body)
}

fn form(uri: &str, body: &str, cookie: Option<&str>) -> Request<Body> {
    let mut r = Request::post(uri).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        r = r.header(header::COOKIE, c);
    }
    r.body(Body::from(body.to_string())).unwrap()
}

fn get(uri: &str, cookie: Option<&str>) -> Request<Body> {
    let mut r = Request::get(uri);
    if let Some(c) = cookie {
        r = r.header(header::COOKIE, c);
    }
    r.body(Body::empty()).unwrap()
}

async fn login(app: &Router, name: &str, password: &str) -> (StatusCode, Option<String>) {
    let body = format!("name={name}&password={}", password.replace(' ', "+"));
    let (status, headers, _) = send(app, form("/login", &body, None)).await;
    let cookie = headers.get(header::SET_COOKIE).map(|v| v.to_str().unwrap().to_string());
    (status, cookie)
}

fn csrf_of(page: &str) -> String {
    let i = page.find("name=\"csrf\" value=\"").expect("a form with the csrf token") + 19;
    page[i..i + 64].to_string()
}

#[tokio::test]
async fn sign_in_csrf_and_sign_out() {
    let (app, store) = app().await;
    let (status, headers, _) = send(&app, get("/work", None)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers.get(header::LOCATION).unwrap(), "/login");

    let (status, cookie) = login(&app, "li", "wrong password here").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(cookie.is_none());

    let (status, cookie) = login(&app, "li", "correct horse battery").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let set = cookie.expect("a session cookie");
    for attr in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/"] {
        assert!(set.contains(attr), "{attr} in {set}");
    }
    let cookie = set.split(';').next().unwrap().to_string();
    let (status, _, page) = send(&app, get("/work", Some(&cookie))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("li") && page.contains("仙居县教育局"));
    let csrf = csrf_of(&page);

    // A post without the token, or with another's, is refused; with it, answered.
    let (status, _, _) = send(&app, form("/work/deadline", "received=2024-09-30", Some(&cookie))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let forged = "0".repeat(64);
    let (status, _, _) = send(&app, form("/work/deadline", &format!("csrf={forged}&received=2024-09-30"), Some(&cookie))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, page) = send(&app, form("/work/deadline", &format!("csrf={csrf}&received=2024-09-30"), Some(&cookie))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("答复期限：2024-11-01"), "{page}");
    // Without a session, no answer at all.
    let (status, _, _) = send(&app, form("/work/deadline", &format!("csrf={csrf}&received=2024-09-30"), None)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // Another user's session has its own token: li's does not work for wang.
    let (_, wang) = login(&app, "wang", "another good password").await;
    let wang = wang.unwrap().split(';').next().unwrap().to_string();
    let (status, _, _) = send(&app, form("/work/deadline", &format!("csrf={csrf}&received=2024-09-30"), Some(&wang))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Sign-out needs the token too, and ends the session.
    let (status, _, _) = send(&app, form("/logout", "", Some(&cookie))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = send(&app, form("/logout", &format!("csrf={csrf}"), Some(&cookie))).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, _) = send(&app, get("/work", Some(&cookie))).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "the session is gone");

    let actions: Vec<String> = store.audit_log(None, 20).await.unwrap().into_iter().map(|l| l.2).collect();
    assert_eq!(&actions[..4], ["logout", "login", "login", "login_failed"], "{actions:?}");
}

#[tokio::test]
async fn wrong_passwords_are_rate_limited() {
    let (app, _) = app().await;
    for _ in 0..5 {
        assert_eq!(login(&app, "li", "guess guess guess").await.0, StatusCode::UNAUTHORIZED);
    }
    // Now even the right password is refused for this account …
    let (status, cookie) = login(&app, "li", "correct horse battery").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(cookie.is_none());
    // … while other accounts are not affected.
    assert_eq!(login(&app, "wang", "another good password").await.0, StatusCode::SEE_OTHER);
}

async fn signed(app: &Router, name: &str, password: &str) -> (String, String) {
    let (_, cookie) = login(app, name, password).await;
    let cookie = cookie.unwrap().split(';').next().unwrap().to_string();
    let (_, _, page) = send(app, get("/work", Some(&cookie))).await;
    let csrf = csrf_of(&page);
    (cookie, csrf)
}

#[tokio::test]
async fn no_access_across_agencies_and_every_change_is_audited() {
    let (app, store) = app().await;
    store.create_user("zhou", "supervisor password", Role::Supervisor, &[], Some("331024")).await.unwrap();
    let (li, li_csrf) = signed(&app, "li", "correct horse battery").await;
    let (wang, wang_csrf) = signed(&app, "wang", "another good password").await;
    let (zhou, zhou_csrf) = signed(&app, "zhou", "supervisor password").await;

    // li registers a request for her agency; not for another.
    let body = format!("csrf={li_csrf}&agency=%E4%BB%99%E5%B1%85%E5%8E%BF%E6%95%99%E8%82%B2%E5%B1%80&applicant=natural&channel=%E7%BD%91%E7%BB%9C&received=2024-09-30&request=test");
    let (status, headers, _) = send(&app, form("/work/cases", &body, Some(&li))).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let url = headers.get(header::LOCATION).unwrap().to_str().unwrap().to_string();
    let other = body.replace("&agency=", "&agency_other=%E4%BB%99%E5%B1%85%E5%8E%BF%E5%AE%A1%E8%AE%A1%E5%B1%80&agency=");
    assert_eq!(send(&app, form("/work/cases", &other, Some(&li))).await.0, StatusCode::FORBIDDEN, "not her agency");

    let (status, _, page) = send(&app, get(&url, Some(&li))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("2024-11-01"), "the due date is shown");
    // wang (another agency) sees nothing of it and changes nothing.
    assert_eq!(send(&app, get(&url, Some(&wang))).await.0, StatusCode::NOT_FOUND);
    assert_eq!(send(&app, form(&format!("{url}/close"), &format!("csrf={wang_csrf}&answered=2024-10-10&outcome=granted"), Some(&wang))).await.0, StatusCode::NOT_FOUND);
    assert!(!send(&app, get("/work", Some(&wang))).await.2.contains(&url));
    // The supervisor of 仙居县 reads it, but may not change it.
    assert_eq!(send(&app, get(&url, Some(&zhou))).await.0, StatusCode::OK);
    assert_eq!(send(&app, form(&format!("{url}/close"), &format!("csrf={zhou_csrf}&answered=2024-10-10&outcome=granted"), Some(&zhou))).await.0, StatusCode::FORBIDDEN);
    // Without the token, li's own post is refused.
    assert_eq!(send(&app, form(&format!("{url}/events"), "kind=correction_requested&on=2024-10-08", Some(&li))).await.0, StatusCode::FORBIDDEN);

    // li records a 补正, the corrected request, then closes with a statutory outcome.
    for (kind, on) in [("correction_requested", "2024-10-08"), ("correction_received", "2024-10-14")] {
        let (status, _, _) = send(&app, form(&format!("{url}/events"), &format!("csrf={li_csrf}&kind={kind}&on={on}"), Some(&li))).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{kind}");
    }
    // From 15 October: 10-15…10-18 (4), 10-21…10-25 (9), 10-28…11-01 (14), 11-04…11-08 (19), 11-11 (20).
    assert!(send(&app, get(&url, Some(&li))).await.2.contains("2024-11-11"));
    assert_eq!(send(&app, form(&format!("{url}/close"), &format!("csrf={li_csrf}&answered=2024-10-20&outcome=approved"), Some(&li))).await.0, StatusCode::UNPROCESSABLE_ENTITY, "only a statutory outcome closes a case");
    assert_eq!(send(&app, form(&format!("{url}/close"), &format!("csrf={li_csrf}&answered=2024-10-20&outcome=granted"), Some(&li))).await.0, StatusCode::SEE_OTHER);
    assert_eq!(send(&app, form(&format!("{url}/close"), &format!("csrf={li_csrf}&answered=2024-10-21&outcome=granted"), Some(&li))).await.0, StatusCode::UNPROCESSABLE_ENTITY, "closed once");

    // The year's tables from the register: one request received and answered in 2024,
    // granted, from a natural person.
    let (status, _, md) = send(&app, get("/work/report.md?agency=%E4%BB%99%E5%B1%85%E5%8E%BF%E6%95%99%E8%82%B2%E5%B1%80&year=2024", Some(&li))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(md.contains("（一）予以公开 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |"), "{md}");
    assert!(md.contains("一、本年新收政府信息公开申请数量 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |"), "{md}");
    let (status, _, page) = send(&app, get("/work/report?agency=%E4%BB%99%E5%B1%85%E5%8E%BF%E6%95%99%E8%82%B2%E5%B1%80&year=2024", Some(&li))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("勾稽关系全部成立"));
    assert_eq!(send(&app, get("/work/report.md?agency=%E4%BB%99%E5%B1%85%E5%8E%BF%E6%95%99%E8%82%B2%E5%B1%80&year=2024", Some(&wang))).await.0, StatusCode::NOT_FOUND, "not wang's agency: as if it did not exist");

    let id = url.rsplit('/').next().unwrap();
    let log = store.audit_log(Some(&format!("case:{id}")), 20).await.unwrap();
    let who_what: Vec<(String, String)> = log.iter().map(|l| (l.1.clone().unwrap_or_default(), l.2.clone())).collect();
    assert_eq!(
        who_what,
        [("li", "close_case"), ("li", "case_event"), ("li", "case_event"), ("li", "create_case")].map(|(a, b)| (a.to_string(), b.to_string())),
        "every change, by whom; refused attempts change nothing"
    );
}
