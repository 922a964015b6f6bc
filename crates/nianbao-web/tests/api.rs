//! Every API endpoint and every page, on SQLite and (when `NIANBAO_TEST_POSTGRES` is set;
//! required under CI) PostgreSQL: answers, filters, and bad uploads refused with a
//! Chinese 4xx and nothing stored.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use nianbao_core::synth::{Defect, Layout, SynthReport};
use nianbao_core::template::Format;
use nianbao_store::Store;
use nianbao_web::{router, Config, Mode};
use serde_json::Value;
use tower::ServiceExt;

/// A fresh store of each engine available.
async fn stores() -> Vec<(Store, &'static str)> {
    let dir = std::env::temp_dir().join(format!(
        "nianbao-web-test-{}-{}",
        std::process::id(),
        fastrand::u32(..)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let mut out = vec![(
        Store::open(dir.join("t.db").to_str().unwrap())
            .await
            .expect("sqlite opens"),
        "sqlite",
    )];
    match std::env::var("NIANBAO_TEST_POSTGRES") {
        Ok(url) => {
            let name = format!(
                "nianbao_webtest_{}_{}",
                std::process::id(),
                fastrand::u32(..)
            );
            let admin = Store::open(&url).await.expect("postgres opens");
            if let Store::Postgres(pool) = &admin {
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(pool)
                    .await
                    .expect("create database");
            }
            let base = url.rsplit_once('/').map_or(url.as_str(), |(b, _)| b);
            out.push((
                Store::open(&format!("{base}/{name}"))
                    .await
                    .expect("test database opens"),
                "postgres",
            ));
        }
        Err(_) if std::env::var_os("CI").is_some() => {
            panic!("CI must give NIANBAO_TEST_POSTGRES: the app is tested on both engines")
        }
        Err(_) => eprintln!("NIANBAO_TEST_POSTGRES not set: PostgreSQL half not run here"),
    }
    out
}

fn app(store: &Store, mode: Mode) -> Router {
    router(
        store.clone(),
        Config {
            mode,
            max_upload: 256 * 1024,
            ..Config::default()
        },
    )
}

struct Answer {
    status: StatusCode,
    content_type: String,
    csp: String,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

async fn send(app: &Router, req: Request<Body>) -> Answer {
    let res = app.clone().oneshot(req).await.expect("router answers");
    let status = res.status();
    let content_type = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let csp = res
        .headers()
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = res
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .to_vec();
    Answer {
        status,
        content_type,
        csp,
        body,
    }
}

async fn get(app: &Router, uri: &str) -> Answer {
    send(app, Request::get(uri).body(Body::empty()).unwrap()).await
}

/// A multipart body: (field, file name or None for a plain field, bytes).
fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----nianbao-test-boundary";
    let mut body = Vec::new();
    for (name, file, bytes) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file {
            Some(f) => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
            ),
            None => body.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes()),
        }
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn post_form(app: &Router, uri: &str, parts: &[(&str, Option<&str>, &[u8])]) -> Answer {
    let (ct, body) = multipart(parts);
    send(
        app,
        Request::post(uri)
            .header(header::CONTENT_TYPE, ct)
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

fn report(seed: u64, defect: Option<Defect>) -> SynthReport {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut r = SynthReport::random(&mut rng, Format::V2021);
    r.blanks.clear();
    if let Some(d) = defect {
        r.inject(d, &mut rng);
    }
    r
}

fn codes(v: &Value) -> Vec<String> {
    v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

async fn count(app: &Router) -> i64 {
    get(app, "/api/v1/summary").await.json()["reports"]
        .as_i64()
        .unwrap()
}

/// A refused upload: the status, a Chinese message under `error`, and nothing stored.
async fn refused(app: &Router, a: Answer, status: StatusCode, code: &str) {
    assert_eq!(a.status, status, "{}", a.text());
    let v = a.json();
    assert_eq!(v["error"]["code"], code, "{v}");
    assert!(has_chinese(v["error"]["message"].as_str().unwrap()), "{v}");
    assert_eq!(count(app).await, 0, "a refused upload stored nothing");
}

/// Script injection through the dashboards' query (`year=<img src=x onerror=…>`): the page
/// echoes it escaped, the API's error quotes it only inside JSON, the chart script puts
/// server text in as text, and every response forbids inline script by its CSP.
#[tokio::test]
async fn injected_query_values_never_become_markup() {
    let (store, _) = stores().await.remove(0);
    let app = app(&store, Mode::Open);
    let evil = "%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E";
    let page = get(&app, &format!("/dashboards?year={evil}")).await;
    let html = page.text();
    assert!(!html.contains("<img src=x"), "{html}");
    assert!(page.csp.contains("script-src 'self'"), "{:?}", page.csp);
    assert!(!page.csp.contains("unsafe-inline"));
    let api = get(&app, &format!("/api/v1/charts/trend?year={evil}")).await;
    assert!(
        api.content_type.starts_with("application/json"),
        "{}",
        api.content_type
    );
    assert!(!api.csp.is_empty());
    let far = get(&app, "/api/v1/reports?page=9223372036854775807").await;
    assert_eq!(far.status, StatusCode::BAD_REQUEST, "{}", far.text());
    assert!(far.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("页码"));
    let script = get(&app, "/static/app.js").await.text();
    assert!(
        !script.contains("innerHTML"),
        "server text must go in as text"
    );
    for uri in ["/", "/check", "/reports", "/rules", "/no-such-page"] {
        let a = get(&app, uri).await;
        assert!(a.csp.contains("default-src 'self'"), "{uri}: {:?}", a.csp);
    }
}

#[tokio::test]
async fn check_uploads_and_refusals() {
    for (store, engine) in stores().await {
        let app = app(&store, Mode::Open);
        // A clean report: no errors; a broken total: T3001/T3002 fire, naming cells.
        let clean = report(1, None).render(Layout::Pipe);
        let a = post_form(
            &app,
            "/api/v1/check",
            &[("file", Some("clean.txt"), clean.as_bytes())],
        )
        .await;
        assert_eq!(a.status, StatusCode::OK, "{engine}: {}", a.text());
        let v = a.json();
        assert_eq!(v["schema_version"], 1);
        assert!(
            v["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .all(|d| d["severity"] != "error"),
            "{engine}: {v}"
        );
        assert!(v["parse"]["cells"].as_array().unwrap().len() > 100);
        assert_eq!(v["saved"], Value::Null);

        let broken = report(2, Some(Defect::WrongTotal)).render(Layout::Html);
        let v = post_form(
            &app,
            "/api/v1/check",
            &[("file", Some("broken.html"), broken.as_bytes())],
        )
        .await
        .json();
        let c = codes(&v);
        assert!(
            c.iter().any(|c| c == "T3001" || c == "T3002"),
            "{engine}: {c:?}"
        );
        let wrong = v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["code"] == "T3002" || d["code"] == "T3001")
            .unwrap();
        assert!(!wrong["cells"].as_array().unwrap().is_empty());
        let sha = v["sha256"].as_str().unwrap().to_string();

        // The same file as a raw body.
        let a = send(
            &app,
            Request::post("/api/v1/check")
                .body(Body::from(broken.clone()))
                .unwrap(),
        )
        .await;
        assert_eq!(a.status, StatusCode::OK);
        assert_eq!(codes(&a.json()), c);

        // Findings of a recent upload as XLSX.
        let a = get(&app, &format!("/api/v1/check/{sha}/findings.xlsx")).await;
        assert_eq!(a.status, StatusCode::OK);
        assert!(a.body.starts_with(b"PK"), "an XLSX is a zip");
        assert_eq!(
            get(&app, "/api/v1/check/0000/findings.xlsx").await.status,
            StatusCode::NOT_FOUND
        );
        let again = get(&app, &format!("/api/v1/check/{sha}/findings.json")).await;
        assert_eq!(again.status, StatusCode::OK);
        assert_eq!(
            codes(&again.json()),
            c,
            "the JSON download is the same check"
        );
        assert_eq!(
            get(&app, "/api/v1/check/0000/findings.json").await.status,
            StatusCode::NOT_FOUND
        );

        // Bad uploads: nothing stored, a Chinese message, the right status.
        refused(
            &app,
            post_form(&app, "/api/v1/check", &[("file", Some("empty.txt"), b"")]).await,
            StatusCode::BAD_REQUEST,
            "empty",
        )
        .await;
        refused(
            &app,
            post_form(
                &app,
                "/api/v1/check",
                &[("file", Some("blank.txt"), b"  \n ")],
            )
            .await,
            StatusCode::BAD_REQUEST,
            "empty",
        )
        .await;
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";
        refused(
            &app,
            post_form(
                &app,
                "/api/v1/check",
                &[("file", Some("x.png"), png), ("save", None, b"1")],
            )
            .await,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_type",
        )
        .await;
        let garbage: Vec<u8> = (0..4000u32)
            .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
            .collect();
        let a = post_form(
            &app,
            "/api/v1/check",
            &[
                ("file", Some("garbage.bin"), &garbage),
                ("save", None, b"1"),
            ],
        )
        .await;
        assert!(
            a.status == StatusCode::UNSUPPORTED_MEDIA_TYPE
                || a.status == StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            a.status
        );
        assert_eq!(count(&app).await, 0);
        refused(
            &app,
            post_form(
                &app,
                "/api/v1/check",
                &[
                    (
                        "file",
                        Some("novel.txt"),
                        "从前有座山，山里有座庙。".repeat(50).as_bytes(),
                    ),
                    ("save", None, b"1"),
                ],
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "not_a_report",
        )
        .await;
        let big = vec![b'a'; 600 * 1024];
        refused(
            &app,
            post_form(
                &app,
                "/api/v1/check",
                &[("file", Some("big.txt"), &big), ("save", None, b"1")],
            )
            .await,
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
        )
        .await;
        refused(
            &app,
            send(
                &app,
                Request::post("/api/v1/check")
                    .body(Body::from(big.clone()))
                    .unwrap(),
            )
            .await,
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
        )
        .await;
        refused(
            &app,
            post_form(&app, "/api/v1/check", &[("save", None, b"1")]).await,
            StatusCode::BAD_REQUEST,
            "bad_request",
        )
        .await;

        // Read-only: checked, never stored.
        let ro = self::app(&store, Mode::ReadOnly);
        refused(
            &ro,
            post_form(
                &ro,
                "/api/v1/check",
                &[
                    ("file", Some("clean.txt"), clean.as_bytes()),
                    ("save", None, b"1"),
                ],
            )
            .await,
            StatusCode::FORBIDDEN,
            "read_only",
        )
        .await;
        assert_eq!(
            get(&ro, "/api/v1/summary").await.json()["mode"],
            "read_only"
        );
        assert_eq!(
            send(&ro, Request::post("/demo").body(Body::empty()).unwrap())
                .await
                .status,
            StatusCode::FORBIDDEN
        );

        // Saving: 201 with the id; a second save of the same bytes is the same report.
        let a = post_form(
            &app,
            "/api/v1/check",
            &[
                ("file", Some("broken.html"), broken.as_bytes()),
                ("save", None, b"1"),
            ],
        )
        .await;
        assert_eq!(a.status, StatusCode::CREATED, "{engine}: {}", a.text());
        let id = a.json()["saved"].as_i64().unwrap();
        let a = post_form(
            &app,
            "/api/v1/check",
            &[
                ("file", Some("again.html"), broken.as_bytes()),
                ("save", None, b"1"),
            ],
        )
        .await;
        assert_eq!(a.json()["saved"].as_i64(), Some(id));
        assert_eq!(count(&app).await, 1);
        let v = get(&app, &format!("/api/v1/reports/{id}")).await.json();
        assert!(v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "T3001" || d["code"] == "T3002"));
        assert!(v["cells"].as_array().unwrap().len() > 100);
        let a = get(&app, &format!("/api/v1/reports/{id}/source")).await;
        assert_eq!(a.status, StatusCode::OK);
        assert!(
            a.content_type.starts_with("text/plain"),
            "stored HTML is shown as text, never rendered: {}",
            a.content_type
        );
        assert_eq!(
            get(&app, "/api/v1/reports/999999").await.status,
            StatusCode::NOT_FOUND
        );
        store.close().await;
    }
}

#[tokio::test]
async fn prior_year_upload_runs_cross_year_rules() {
    let (store, _) = stores().await.remove(0);
    let app = app(&store, Mode::Open);
    let mut rng = fastrand::Rng::with_seed(5);
    let prior = SynthReport::random(&mut rng, Format::V2021);
    let mut now = SynthReport::random(&mut rng, Format::V2021);
    now.follow(&prior);
    let (p, n) = (prior.render(Layout::Tabs), now.render(Layout::Pipe));
    let v = post_form(
        &app,
        "/api/v1/check",
        &[
            ("file", Some("now.txt"), n.as_bytes()),
            ("prior", Some("prior.txt"), p.as_bytes()),
        ],
    )
    .await
    .json();
    assert_eq!(v["with_prior"], true);
    assert!(
        !codes(&v).contains(&"Y3001".to_string()),
        "a following year carries over: {:?}",
        codes(&v)
    );
    // Another agency's report as "last year": the carry-over does not match.
    let other = SynthReport::random(&mut rng, Format::V2021).render(Layout::Pipe);
    let v = post_form(
        &app,
        "/api/v1/check",
        &[
            ("file", Some("now.txt"), n.as_bytes()),
            ("prior", Some("other.txt"), other.as_bytes()),
        ],
    )
    .await
    .json();
    assert!(codes(&v).contains(&"Y3001".to_string()), "{:?}", codes(&v));
}

#[tokio::test]
async fn corpus_endpoints_and_pages() {
    for (store, engine) in stores().await {
        let app = app(&store, Mode::Open);
        // The empty store offers the demo; loading it fills every view.
        assert!(get(&app, "/").await.text().contains("载入演示语料"));
        let a = send(&app, Request::post("/demo").body(Body::empty()).unwrap()).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{engine}: {}", a.text());
        let s = get(&app, "/api/v1/summary").await.json();
        let total = s["reports"].as_i64().unwrap();
        assert!(total > 200, "{engine}: {s}");
        assert!(!get(&app, "/").await.text().contains("载入演示语料"));

        // List: paging, filters, sort; filters narrow and agree with each other.
        let page = get(&app, "/api/v1/reports?per_page=10&page=2").await.json();
        assert_eq!(page["total"], total);
        assert_eq!(page["items"].as_array().unwrap().len(), 10);
        let y = get(&app, "/api/v1/reports?year=2023&per_page=200")
            .await
            .json();
        assert!(y["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["year"] == 2023));
        let county = get(&app, "/api/v1/reports?region=331024").await.json()["total"]
            .as_i64()
            .unwrap();
        let by_name = get(&app, "/api/v1/reports?region=%E4%BB%99%E5%B1%85%E5%8E%BF")
            .await
            .json()["total"]
            .as_i64()
            .unwrap();
        assert_eq!(county, by_name, "a place name is its code");
        assert!(county > 0 && county < total);
        let errors = get(&app, "/api/v1/reports?status=errors").await.json()["total"]
            .as_i64()
            .unwrap();
        let clean = get(&app, "/api/v1/reports?status=clean").await.json()["total"]
            .as_i64()
            .unwrap();
        assert!(errors > 0 && clean > 0 && errors + clean <= total);
        let t3001 = get(&app, "/api/v1/reports?rule=t3001").await.json()["total"]
            .as_i64()
            .unwrap();
        assert!(t3001 <= errors);
        // Two-character Chinese search over agency names and section text.
        let edu = get(&app, "/api/v1/reports?q=%E6%95%99%E8%82%B2")
            .await
            .json(); // 教育
        assert!(edu["total"].as_i64().unwrap() > 0);
        assert!(edu["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["agency"].as_str().unwrap_or("").contains("教育")));
        let none = get(&app, "/api/v1/reports?q=%E9%BE%98%E9%BE%98")
            .await
            .json(); // a word no report has
        assert_eq!(none["total"], 0);
        let sorted = get(&app, "/api/v1/reports?sort=-errors&per_page=5")
            .await
            .json();
        let e: Vec<i64> = sorted["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["errors"].as_i64().unwrap())
            .collect();
        assert!(e.windows(2).all(|w| w[0] >= w[1]), "{e:?}");
        for bad in [
            "sort=sideways",
            "year=abc",
            "status=great",
            "region=%E4%B8%8D%E5%AD%98%E5%9C%A8%E5%8E%BF",
        ] {
            let a = get(&app, &format!("/api/v1/reports?{bad}")).await;
            assert_eq!(a.status, StatusCode::BAD_REQUEST, "{bad}");
            assert!(has_chinese(a.json()["error"]["message"].as_str().unwrap()));
        }

        // One report, with its other years.
        let id = page["items"][0]["id"].as_i64().unwrap();
        let r = get(&app, &format!("/api/v1/reports/{id}")).await.json();
        assert_eq!(
            r["other_years"].as_array().unwrap().len(),
            4,
            "{engine}: the demo has four years per agency"
        );

        // Stats and rankings equal sums over the list.
        let st = get(&app, "/api/v1/stats?by=year&metric=requests")
            .await
            .json();
        let rows = st["rows"].as_array().unwrap();
        assert_eq!(rows.len(), 4);
        assert_eq!(
            rows.iter()
                .map(|r| r["reports"].as_i64().unwrap())
                .sum::<i64>(),
            total
        );
        let rank = get(&app, "/api/v1/stats?by=agency&metric=granted_share&limit=5")
            .await
            .json();
        let v: Vec<f64> = rank["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["value"].as_f64().unwrap())
            .collect();
        assert_eq!(v.len(), 5);
        assert!(v.windows(2).all(|w| w[0] >= w[1]));
        assert_eq!(
            get(&app, "/api/v1/stats?metric=nonsense").await.status,
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            get(&app, "/api/v1/stats?by=galaxy").await.status,
            StatusCode::BAD_REQUEST
        );
        assert!(
            get(&app, "/api/v1/metrics")
                .await
                .json()
                .as_array()
                .unwrap()
                .len()
                >= 13
        );
        let regions = get(&app, "/api/v1/regions").await.json();
        let sum: i64 = regions
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["reports"].as_i64().unwrap())
            .sum();
        assert_eq!(sum, total, "every demo agency is placed");

        // Every chart has data; an unknown one is a 404.
        for (name, _) in nianbao_web_charts() {
            let c = get(&app, &format!("/api/v1/charts/{name}")).await;
            assert_eq!(c.status, StatusCode::OK, "{name}");
            let c = c.json();
            assert!(
                !c["categories"].as_array().unwrap().is_empty(),
                "{name}: {c}"
            );
            assert!(
                c["series"][0]["data"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|x| x.as_f64().unwrap() > 0.0),
                "{name}: {c}"
            );
        }
        assert_eq!(
            get(&app, "/api/v1/charts/weather").await.status,
            StatusCode::NOT_FOUND
        );

        // Roll-up of a county and year: needs both; then the tables and the missing.
        assert_eq!(
            get(&app, "/api/v1/rollup?region=331024").await.status,
            StatusCode::BAD_REQUEST
        );
        let ru = get(&app, "/api/v1/rollup?region=331024&year=2023")
            .await
            .json();
        let included = ru["included"].as_array().unwrap().len() as i64;
        assert_eq!(
            included,
            get(&app, "/api/v1/reports?region=331024&year=2023")
                .await
                .json()["total"]
                .as_i64()
                .unwrap()
        );
        assert!(ru["cells"].as_array().unwrap().len() > 100);

        // Rules: all of them, counts, one by code, a 404.
        let rules = get(&app, "/api/v1/rules").await.json();
        assert_eq!(
            rules.as_array().unwrap().len(),
            nianbao_core::rules::RULES.len()
        );
        assert!(rules
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["reports"].as_i64().unwrap() > 0));
        assert!(
            get(&app, "/api/v1/rules/t3001").await.json()["doc"]
                .as_str()
                .unwrap()
                .len()
                > 50
        );
        assert_eq!(
            get(&app, "/api/v1/rules/Z9999").await.status,
            StatusCode::NOT_FOUND
        );
        let a = get(&app, "/api/v1/nothing-here").await;
        assert_eq!(a.status, StatusCode::NOT_FOUND);
        assert!(has_chinese(a.json()["error"]["message"].as_str().unwrap()));

        // Pages.
        for (uri, expect) in [
            ("/", "份年报"),
            ("/check", "把年报文件拖到这里"),
            ("/reports?region=331024&status=errors", "共 "),
            (&format!("/reports/{id}") as &str, "历年比较"),
            ("/dashboards?metric=granted_share", "予以公开率"),
            ("/rollup?region=331024&year=2023", "汇总"),
            ("/rules", "T3001"),
            ("/rules/T3001", "ApplicationBalanceMismatch"),
            ("/static/echarts.min.js", "echarts"),
        ] {
            let a = get(&app, uri).await;
            assert_eq!(a.status, StatusCode::OK, "{engine} {uri}");
            assert!(a.text().contains(expect), "{engine} {uri}: no {expect}");
        }
        assert_eq!(
            get(&app, "/no-such-page").await.status,
            StatusCode::NOT_FOUND
        );
        // A page form posting a file shows the tables and findings.
        let broken = report(9, Some(Defect::WrongTotal)).render(Layout::Markdown);
        let a = post_form(&app, "/check", &[("file", Some("b.md"), broken.as_bytes())]).await;
        assert_eq!(a.status, StatusCode::OK);
        let html = a.text();
        assert!(
            html.contains("class=\"num err\""),
            "a cell of a failed identity is marked"
        );
        assert!(html.contains("保存到语料库"));
        // The tables in the official layout (render::layout): table 三's corner over its
        // three label columns, 三、本年度办理结果 down the result rows, and each cell once.
        assert!(html.contains("<th colspan=\"3\" rowspan=\"3\">（本列数据的勾稽关系为"));
        assert!(
            html.contains("rowspan=\"22\">三、本年度办理结果"),
            "{engine}"
        );
        let keys: Vec<&str> = html
            .split("data-key=\"")
            .skip(1)
            .map(|k| &k[..k.find('"').unwrap()])
            .collect();
        let distinct: std::collections::HashSet<&&str> = keys.iter().collect();
        assert_eq!(keys.len(), distinct.len(), "{engine}: a cell drawn twice");
        assert!(keys.contains(&"t4.suit_after_review.total"), "{engine}");
        let a = post_form(
            &app,
            "/check",
            &[("file", Some("x.png"), b"\x89PNG\r\n\x1a\n\0\0\0")],
        )
        .await;
        assert_eq!(a.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert!(a.text().contains("不支持的文件类型"));
        store.close().await;
    }
}

fn nianbao_web_charts() -> Vec<(String, String)> {
    let doc: Value = serde_json::from_str(include_str!("../assets/openapi.json")).unwrap();
    doc["paths"]["/api/v1/charts/{name}"]["get"]["parameters"][0]["schema"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v.as_str().unwrap().to_string(), String::new()))
        .collect()
}

/// The OpenAPI document names every API route the router has, and no other.
#[tokio::test]
async fn openapi_matches_routes() {
    let doc: Value = serde_json::from_str(include_str!("../assets/openapi.json")).unwrap();
    let mut documented: Vec<String> = doc["paths"].as_object().unwrap().keys().cloned().collect();
    documented.sort();
    let src = include_str!("../src/lib.rs");
    let mut routed: Vec<String> = src
        .lines()
        .filter_map(|l| l.trim().strip_prefix(".route(\"/api/v1"))
        .map(|rest| format!("/api/v1{}", &rest[..rest.find('"').unwrap()]))
        .collect();
    routed.sort();
    assert_eq!(documented, routed);
    let (store, _) = stores().await.remove(0);
    let a = get(&app(&store, Mode::Open), "/api/v1/openapi.json").await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.json()["openapi"], "3.0.3");
}
