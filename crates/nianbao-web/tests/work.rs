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
    let dir = std::env::temp_dir().join(format!(
        "nianbao-work-test-{}-{}",
        std::process::id(),
        fastrand::u32(..)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let store = Store::open(dir.join("t.db").to_str().unwrap())
        .await
        .unwrap();
    store
        .create_user(
            "li",
            "correct horse battery",
            Role::Staff,
            &["仙居县教育局".into()],
            None,
        )
        .await
        .unwrap();
    store
        .create_user(
            "wang",
            "another good password",
            Role::Staff,
            &["仙居县审计局".into()],
            None,
        )
        .await
        .unwrap();
    (
        router(
            store.clone(),
            Config {
                secure_cookies: true,
                ..Config::default()
            },
        ),
        store,
    )
}

async fn send(app: &Router, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, String) {
    let res = app.clone().oneshot(req).await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    let body =
        String::from_utf8_lossy(&res.into_body().collect().await.unwrap().to_bytes()).into_owned();
    (status, headers, body)
}

fn form(uri: &str, body: &str, cookie: Option<&str>) -> Request<Body> {
    let mut r =
        Request::post(uri).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
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
    let cookie = headers
        .get(header::SET_COOKIE)
        .map(|v| v.to_str().unwrap().to_string());
    (status, cookie)
}

fn csrf_of(page: &str) -> String {
    let i = page
        .find("name=\"csrf\" value=\"")
        .expect("a form with the csrf token")
        + 19;
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
    let (status, _, _) = send(
        &app,
        form("/work/deadline", "received=2024-09-30", Some(&cookie)),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let forged = "0".repeat(64);
    let (status, _, _) = send(
        &app,
        form(
            "/work/deadline",
            &format!("csrf={forged}&received=2024-09-30"),
            Some(&cookie),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, page) = send(
        &app,
        form(
            "/work/deadline",
            &format!("csrf={csrf}&received=2024-09-30"),
            Some(&cookie),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("答复期限：2024-11-01"), "{page}");
    // Without a session, no answer at all.
    let (status, _, _) = send(
        &app,
        form(
            "/work/deadline",
            &format!("csrf={csrf}&received=2024-09-30"),
            None,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // Another user's session has its own token: li's does not work for wang.
    let (_, wang) = login(&app, "wang", "another good password").await;
    let wang = wang.unwrap().split(';').next().unwrap().to_string();
    let (status, _, _) = send(
        &app,
        form(
            "/work/deadline",
            &format!("csrf={csrf}&received=2024-09-30"),
            Some(&wang),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Sign-out needs the token too, and ends the session.
    let (status, _, _) = send(&app, form("/logout", "", Some(&cookie))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = send(
        &app,
        form("/logout", &format!("csrf={csrf}"), Some(&cookie)),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, _) = send(&app, get("/work", Some(&cookie))).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "the session is gone");

    let actions: Vec<String> = store
        .audit_log(None, 20)
        .await
        .unwrap()
        .into_iter()
        .map(|l| l.2)
        .collect();
    assert_eq!(
        &actions[..4],
        ["logout", "login", "login", "login_failed"],
        "{actions:?}"
    );
}

#[tokio::test]
async fn wrong_passwords_are_rate_limited() {
    let (app, _) = app().await;
    for _ in 0..5 {
        assert_eq!(
            login(&app, "li", "guess guess guess").await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    // Now even the right password is refused for this account …
    let (status, cookie) = login(&app, "li", "correct horse battery").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(cookie.is_none());
    // … while other accounts are not affected.
    assert_eq!(
        login(&app, "wang", "another good password").await.0,
        StatusCode::SEE_OTHER
    );
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
    store
        .create_user(
            "zhou",
            "supervisor password",
            Role::Supervisor,
            &[],
            Some("331024"),
        )
        .await
        .unwrap();
    let (li, li_csrf) = signed(&app, "li", "correct horse battery").await;
    let (wang, wang_csrf) = signed(&app, "wang", "another good password").await;
    let (zhou, zhou_csrf) = signed(&app, "zhou", "supervisor password").await;

    // li registers a request for her agency; not for another.
    let body = format!("csrf={li_csrf}&agency=%E4%BB%99%E5%B1%85%E5%8E%BF%E6%95%99%E8%82%B2%E5%B1%80&applicant=natural&channel=%E7%BD%91%E7%BB%9C&received=2024-09-30&request=test");
    let (status, headers, _) = send(&app, form("/work/cases", &body, Some(&li))).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let url = headers
        .get(header::LOCATION)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let other = body.replace(
        "&agency=",
        "&agency_other=%E4%BB%99%E5%B1%85%E5%8E%BF%E5%AE%A1%E8%AE%A1%E5%B1%80&agency=",
    );
    assert_eq!(
        send(&app, form("/work/cases", &other, Some(&li))).await.0,
        StatusCode::FORBIDDEN,
        "not her agency"
    );

    let (status, _, page) = send(&app, get(&url, Some(&li))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("2024-11-01"), "the due date is shown");
    // wang (another agency) sees nothing of it and changes nothing.
    assert_eq!(
        send(&app, get(&url, Some(&wang))).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        send(
            &app,
            form(
                &format!("{url}/close"),
                &format!("csrf={wang_csrf}&answered=2024-10-10&outcome=granted"),
                Some(&wang)
            )
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    assert!(!send(&app, get("/work", Some(&wang))).await.2.contains(&url));
    // The supervisor of 仙居县 reads it, but may not change it.
    assert_eq!(send(&app, get(&url, Some(&zhou))).await.0, StatusCode::OK);
    assert_eq!(
        send(
            &app,
            form(
                &format!("{url}/close"),
                &format!("csrf={zhou_csrf}&answered=2024-10-10&outcome=granted"),
                Some(&zhou)
            )
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    // Without the token, li's own post is refused.
    assert_eq!(
        send(
            &app,
            form(
                &format!("{url}/events"),
                "kind=correction_requested&on=2024-10-08",
                Some(&li)
            )
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );

    // li records a 补正, the corrected request, then closes with a statutory outcome.
    for (kind, on) in [
        ("correction_requested", "2024-10-08"),
        ("correction_received", "2024-10-14"),
    ] {
        let (status, _, _) = send(
            &app,
            form(
                &format!("{url}/events"),
                &format!("csrf={li_csrf}&kind={kind}&on={on}"),
                Some(&li),
            ),
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{kind}");
    }
    // From 15 October: 10-15…10-18 (4), 10-21…10-25 (9), 10-28…11-01 (14), 11-04…11-08 (19), 11-11 (20).
    assert!(send(&app, get(&url, Some(&li)))
        .await
        .2
        .contains("2024-11-11"));
    assert_eq!(
        send(
            &app,
            form(
                &format!("{url}/close"),
                &format!("csrf={li_csrf}&answered=2024-10-20&outcome=approved"),
                Some(&li)
            )
        )
        .await
        .0,
        StatusCode::UNPROCESSABLE_ENTITY,
        "only a statutory outcome closes a case"
    );
    assert_eq!(
        send(
            &app,
            form(
                &format!("{url}/close"),
                &format!("csrf={li_csrf}&answered=2024-10-20&outcome=granted"),
                Some(&li)
            )
        )
        .await
        .0,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        send(
            &app,
            form(
                &format!("{url}/close"),
                &format!("csrf={li_csrf}&answered=2024-10-21&outcome=granted"),
                Some(&li)
            )
        )
        .await
        .0,
        StatusCode::UNPROCESSABLE_ENTITY,
        "closed once"
    );

    // The year's tables from the register: one request received and answered in 2024,
    // granted, from a natural person.
    let (status, _, md) = send(&app, get("/work/report.md?agency=%E4%BB%99%E5%B1%85%E5%8E%BF%E6%95%99%E8%82%B2%E5%B1%80&year=2024", Some(&li))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        md.contains("（一）予以公开 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |"),
        "{md}"
    );
    assert!(
        md.contains("一、本年新收政府信息公开申请数量 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |"),
        "{md}"
    );
    let (status, _, page) = send(
        &app,
        get(
            "/work/report?agency=%E4%BB%99%E5%B1%85%E5%8E%BF%E6%95%99%E8%82%B2%E5%B1%80&year=2024",
            Some(&li),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("勾稽关系全部成立"));
    assert_eq!(send(&app, get("/work/report.md?agency=%E4%BB%99%E5%B1%85%E5%8E%BF%E6%95%99%E8%82%B2%E5%B1%80&year=2024", Some(&wang))).await.0, StatusCode::NOT_FOUND, "not wang's agency: as if it did not exist");

    let id = url.rsplit('/').next().unwrap();
    let log = store
        .audit_log(Some(&format!("case:{id}")), 20)
        .await
        .unwrap();
    let who_what: Vec<(String, String)> = log
        .iter()
        .map(|l| (l.1.clone().unwrap_or_default(), l.2.clone()))
        .collect();
    assert_eq!(
        who_what,
        [
            ("li", "close_case"),
            ("li", "case_event"),
            ("li", "case_event"),
            ("li", "create_case")
        ]
        .map(|(a, b)| (a.to_string(), b.to_string())),
        "every change, by whom; refused attempts change nothing"
    );
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn multipart(uri: &str, fields: &[(&str, Option<&str>, &[u8])], cookie: &str) -> Request<Body> {
    let boundary = "XnianbaoBoundary";
    let mut body = Vec::new();
    for (name, file, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"").as_bytes(),
        );
        if let Some(f) = file {
            body.extend_from_slice(format!("; filename=\"{f}\"").as_bytes());
        }
        body.extend_from_slice(b"\r\n\r\n");
        body.extend_from_slice(value);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    Request::post(uri)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header(header::COOKIE, cookie)
        .body(Body::from(body))
        .unwrap()
}

/// The report from the record through the web: import a register (errors listed by row,
/// nothing taken; then all of it), a review, table 二, the narrative, downloads that read
/// back, publishing; each write refused without the CSRF token, and another agency's
/// staff, a supervisor and a non-administrator refused where they must be.
#[tokio::test]
async fn the_report_from_the_record_through_the_web() {
    let (app, store) = app().await;
    store
        .create_user("boss", "administrator password", Role::Admin, &[], None)
        .await
        .unwrap();
    store
        .create_user(
            "watch",
            "supervisor password",
            Role::Supervisor,
            &[],
            Some("331024"),
        )
        .await
        .unwrap();
    let (cookie, csrf) = signed(&app, "li", "correct horse battery").await;
    let (other, other_csrf) = signed(&app, "wang", "another good password").await;
    let agency = enc("仙居县教育局");

    // Import: a bad register lists every error by row and takes nothing.
    let bad = "收到日期,申请人类型,答复日期,办理结果\n2024-03-01,自然人,2024-03-10,予以公开\n2024-13-01,个人,,\n";
    let (status, _, page) = send(
        &app,
        multipart(
            "/work/import",
            &[
                ("csrf", None, csrf.as_bytes()),
                ("agency", None, "仙居县教育局".as_bytes()),
                ("file", Some("r.csv"), bad.as_bytes()),
            ],
            &cookie,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("第 3 行") && page.contains("个人"), "{page}");
    let (status, _, _) = send(
        &app,
        multipart(
            "/work/import",
            &[
                ("agency", None, "仙居县教育局".as_bytes()),
                ("file", Some("r.csv"), bad.as_bytes()),
            ],
            &cookie,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no CSRF token");
    let good = "编号,收到日期,申请人类型,答复日期,办理结果,申请人\nA1,2024-03-01,自然人,2024-03-10,予以公开,张三\nA2,2024-05-06,商业企业,2024-05-20,本机关不掌握相关政府信息,某公司\nA3,2024-12-20,自然人,,,李四\n";
    let (status, _, _) = send(
        &app,
        multipart(
            "/work/import",
            &[
                ("csrf", None, other_csrf.as_bytes()),
                ("agency", None, "仙居县教育局".as_bytes()),
                ("file", Some("r.csv"), good.as_bytes()),
            ],
            &other,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "another agency's staff");
    let (status, _, page) = send(
        &app,
        multipart(
            "/work/import",
            &[
                ("csrf", None, csrf.as_bytes()),
                ("agency", None, "仙居县教育局".as_bytes()),
                ("file", Some("r.csv"), good.as_bytes()),
            ],
            &cookie,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("已导入 3 件"));

    // A review, table 二 and the narrative.
    let (status, _, _) = send(
        &app,
        form(
            "/work/reviews",
            &format!(
                "csrf={csrf}&agency={agency}&kind={}&filed=2024-06-01",
                enc("行政复议")
            ),
            Some(&cookie),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, _) = send(
        &app,
        form(
            "/work/report/figures",
            &format!("csrf={csrf}&agency={agency}&year=2024&t2.normative_docs.issued=3"),
            Some(&cookie),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, _) = send(
        &app,
        form(
            "/work/report/figures",
            &format!("agency={agency}&year=2024&t2.normative_docs.issued=9"),
            Some(&cookie),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, page) = send(
        &app,
        form(
            "/work/report/publish",
            &format!("csrf={csrf}&agency={agency}&year=2024"),
            Some(&cookie),
        ),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "section 五 is empty"
    );
    assert!(page.contains("五、存在的主要问题及改进情况"));
    let draft = format!(
        "csrf={csrf}&agency={agency}&year=2024&s1={}&s2={}&s5={}&s6=",
        enc("本年度依法做好政府信息公开工作。"),
        enc("主动公开情况见下表。"),
        enc("问题：解读不足。改进：加强解读。")
    );
    let (status, _, _) = send(&app, form("/work/report/draft", &draft, Some(&cookie))).await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    // The report page: the counts, the review pending, timeliness, clean.
    let (status, _, page) = send(
        &app,
        get(
            &format!("/work/report?agency={agency}&year=2024"),
            Some(&cookie),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("检查通过"), "clean by construction");
    assert!(page.contains("本年度未收取政府信息公开信息处理费。"));
    assert!(page.contains("未办结 1 件"), "A3 is open at the year's end");
    let (status, _, _) = send(
        &app,
        get(
            &format!("/work/report?agency={agency}&year=2024"),
            Some(&other),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another agency's report");

    // Downloads read back with the same cells.
    let res = app
        .clone()
        .oneshot(get(
            &format!("/work/report.docx?agency={agency}&year=2024"),
            Some(&cookie),
        ))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .contains(".docx"));
    let docx = res.into_body().collect().await.unwrap().to_bytes();
    let report = nianbao_core::parse(&docx).unwrap();
    let v = |k: &str| report.cell_by_key(k).map(|c| c.value.as_i64().unwrap());
    assert_eq!(
        (
            v("t3.new.total"),
            v("t3.granted.total"),
            v("t3.unavailable.not_held.commercial")
        ),
        (Some(3), Some(1), Some(1))
    );
    assert_eq!(
        (v("t4.review.pending"), v("t2.normative_docs.issued")),
        (Some(1), Some(3))
    );
    let (_, _, md) = send(
        &app,
        get(
            &format!("/work/report.md?agency={agency}&year=2024"),
            Some(&cookie),
        ),
    )
    .await;
    assert!(md.contains("## 五、存在的主要问题及改进情况") && md.contains("加强解读"));

    // Publishing: the supervisor reads but may not publish; the staff publish.
    let (watch, watch_csrf) = signed(&app, "watch", "supervisor password").await;
    let (status, _, _) = send(
        &app,
        form(
            "/work/report/publish",
            &format!("csrf={watch_csrf}&agency={agency}&year=2024"),
            Some(&watch),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, headers, _) = send(
        &app,
        form(
            "/work/report/publish",
            &format!("csrf={csrf}&agency={agency}&year=2024"),
            Some(&cookie),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let at = headers[header::LOCATION].to_str().unwrap().to_string();
    assert!(at.starts_with("/reports/"));
    let (status, _, page) = send(&app, get(&at, None)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("仙居县教育局"));

    // Administration is the administrator's: the calendar (checked; open cases recomputed) and users.
    let (status, _, _) = send(&app, get("/work/admin/calendar", Some(&cookie))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (boss, boss_csrf) = signed(&app, "boss", "administrator password").await;
    let (status, _, page) = send(&app, get("/work/admin/calendar", Some(&boss))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("国办发明电〔2023〕7号"),
        "the shipped table names its notices"
    );
    let (status, _, page) = send(
        &app,
        form(
            "/work/admin/calendar",
            &format!("csrf={boss_csrf}&text={}", enc("2024-02-30\toff\tx\n")),
            Some(&boss),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("未保存") && page.contains("第 1 行"));
    let (text, _) = store.calendar_text().await.unwrap();
    let (_, _, page) = send(
        &app,
        form(
            "/work/admin/calendar",
            &format!(
                "csrf={boss_csrf}&text={}",
                enc(&format!("{text}\n2024-12-23\toff\t测试\n"))
            ),
            Some(&boss),
        ),
    )
    .await;
    assert!(
        page.contains("1 件未办结申请的答复期限随之重新计算"),
        "{page}"
    );
    let (status, _, _) = send(
        &app,
        form(
            "/work/admin/users",
            &format!("csrf={csrf}&name=x&password=long+enough+pw&role=admin"),
            Some(&cookie),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = send(
        &app,
        form(
            "/work/admin/users",
            &format!(
                "csrf={boss_csrf}&name=zhao&password=long+enough+pw&role=staff&agencies={agency}"
            ),
            Some(&boss),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, page) = send(&app, get("/work/admin/users", Some(&boss))).await;
    assert!(page.contains("zhao"));
    assert!(signed(&app, "zhao", "long enough pw")
        .await
        .0
        .contains("nianbao_session"));
}

/// Every workbench form that changes the record refuses a post that is not signed in
/// (401) or does not carry the session's CSRF token (403), before anything is written.
#[tokio::test]
async fn every_workbench_post_needs_a_session_and_its_csrf_token() {
    let (app, store) = app().await;
    let (_, cookie) = login(&app, "li", "correct horse battery").await;
    let cookie = cookie.unwrap().split(';').next().unwrap().to_string();
    let posts = [
        (
            "/work/cases",
            "applicant=natural&channel=x&received=2024-01-02&request=x",
        ),
        ("/work/cases/1/events", "kind=extended&on=2024-01-03"),
        ("/work/cases/1/close", "answered=2024-01-04&outcome=granted"),
        ("/work/cases/1/fee", "method=x&units=1&noticed=2024-01-03"),
        ("/work/cases/1/fee-paid", "paid=2024-01-05"),
        ("/work/admin/calendar", "text=x"),
        (
            "/work/admin/users",
            "name=zhao&password=long+enough+pass&role=staff",
        ),
        ("/work/reviews", "agency=x&kind=x&filed=2024-01-02"),
        ("/work/reviews/1/decide", "decided=2024-02-02&result=x"),
    ];
    let before = store.audit_log(None, 1000).await.unwrap().len();
    for (path, body) in posts {
        let (status, _, _) = send(&app, form(path, body, None)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path} without a session");
        let (status, _, _) = send(&app, form(path, body, Some(&cookie))).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path} without the token");
        let forged = format!("csrf={}&{body}", "0".repeat(64));
        let (status, _, _) = send(&app, form(path, &forged, Some(&cookie))).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path} with a forged token");
    }
    assert_eq!(
        store.audit_log(None, 1000).await.unwrap().len(),
        before,
        "nothing was written"
    );
}
