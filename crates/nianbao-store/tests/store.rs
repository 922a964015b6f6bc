//! The store on both engines: SQLite always; PostgreSQL at the URL in
//! `NIANBAO_TEST_POSTGRES` (`.ci/run` starts one; `scripts/start-postgres.sh` does it by
//! hand). Under CI the PostgreSQL half is required, not skipped.

use nianbao_core::synth::SynthReport;
use nianbao_core::template::Format;
use nianbao_store::query::{Filter, GroupBy};
use nianbao_store::{record, sha256_hex, Incoming, Outcome, Saved, Store};

/// A fresh store of each engine available.
async fn stores() -> Vec<(Store, String)> {
    let dir = std::env::temp_dir().join(format!(
        "nianbao-store-test-{}-{}",
        std::process::id(),
        fastrand::u64(..)
    ));
    let sqlite = Store::open(&dir.join("t.db").display().to_string())
        .await
        .expect("sqlite opens");
    let mut out = vec![(sqlite, "sqlite".to_string())];
    match std::env::var("NIANBAO_TEST_POSTGRES") {
        Ok(url) => {
            let name = format!("nianbao_test_{}_{}", std::process::id(), fastrand::u32(..));
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
                "postgres".to_string(),
            ));
        }
        Err(_) if std::env::var_os("CI").is_some() => {
            panic!("CI must give NIANBAO_TEST_POSTGRES: the store is tested on both engines")
        }
        Err(_) => eprintln!("NIANBAO_TEST_POSTGRES not set: PostgreSQL half not run here"),
    }
    out
}

fn incoming(r: &SynthReport, origin: &str) -> Incoming {
    let text = r.render(nianbao_core::synth::Layout::ALL[0]);
    let report = nianbao_core::parse(text.as_bytes()).expect("synthetic report parses");
    let diags = nianbao_core::check(&report, None);
    let rec = record::record(&report, &diags, Some(origin), &Default::default());
    Incoming {
        sha256: sha256_hex(text.as_bytes()),
        bytes: text.into_bytes(),
        kind: "text",
        origin: origin.into(),
        outcome: Outcome::Parsed(Box::new(rec)),
    }
}

/// Two agencies of 仙居县 over two years, chained.
fn corpus() -> Vec<SynthReport> {
    let mut rng = fastrand::Rng::with_seed(11);
    let mut out = Vec::new();
    for agency in ["仙居县人民政府", "仙居县下各镇人民政府"] {
        let mut first = SynthReport::random(&mut rng, Format::V2021);
        first.year = 2022;
        first.agency = agency.into();
        let mut second = SynthReport::random(&mut rng, Format::V2021);
        second.follow(&first);
        out.push(first);
        out.push(second);
    }
    out
}

/// The corpus with the carry-over of the first agency's second year broken (identity 5),
/// in step otherwise; the second agency stays consistent.
fn carry_over_broken() -> Vec<SynthReport> {
    let mut reports = corpus();
    let carried = reports[1].get("t3.carried_over.natural").as_i64().unwrap();
    reports[1].values.insert(
        nianbao_core::template::CellId::from_key("t3.carried_over.natural").unwrap(),
        nianbao_core::number::Number::int(carried + 3),
    );
    reports
}

#[tokio::test]
async fn import_is_content_addressed_and_sums_are_exact_on_every_engine() {
    for (store, engine) in stores().await {
        let reports = corpus();
        let batch: Vec<Incoming> = reports
            .iter()
            .enumerate()
            .map(|(i, r)| incoming(r, &format!("/x/{i}.txt")))
            .collect();
        let saved = store.save(&batch).await.unwrap();
        assert!(
            saved.iter().all(|s| matches!(s, Saved::New(_))),
            "{engine}: {saved:?}"
        );

        // The same files again, from elsewhere: nothing new, origins recorded.
        let again: Vec<Incoming> = reports
            .iter()
            .enumerate()
            .map(|(i, r)| incoming(r, &format!("/y/{i}.txt")))
            .collect();
        assert!(
            store
                .save(&again)
                .await
                .unwrap()
                .iter()
                .all(|s| *s == Saved::Duplicate),
            "{engine}"
        );
        let counts = store.counts().await.unwrap();
        assert_eq!(
            (counts.sources, counts.reports, counts.agencies),
            (4, 4, 2),
            "{engine}"
        );

        // Both agencies placed in 仙居县; a region filter finds all four reports.
        let f = Filter {
            region: Some("331024".into()),
            ..Default::default()
        };
        assert_eq!(
            store.reports(&f, 100, 0).await.unwrap().len(),
            4,
            "{engine}"
        );
        let agencies = store.agencies(false, Some("331024")).await.unwrap();
        assert!(
            agencies
                .iter()
                .any(|a| a.region_code.as_deref() == Some("331024106")),
            "{engine}: {agencies:?}"
        );

        // Sums equal the sum of the reports' own values.
        let expected: i64 = reports
            .iter()
            .map(|r| r.get("t3.new.total").as_i64().unwrap())
            .sum();
        let sums = store
            .cell_sums(&Filter::default(), GroupBy::All, &["t3.new.total"])
            .await
            .unwrap();
        assert_eq!(sums.len(), 1, "{engine}");
        assert_eq!(sums[0].2 as i64, expected, "{engine}");
        let by_year = store
            .count_reports(&Filter::default(), GroupBy::Year)
            .await
            .unwrap();
        assert_eq!(
            by_year,
            vec![(Some("2022".into()), 2), (Some("2023".into()), 2)],
            "{engine}"
        );

        // Cross-year pairs: each agency's 2023 report against its 2022 one.
        assert_eq!(store.year_pairs(None).await.unwrap().len(), 2, "{engine}");

        // A failed file is recorded with its reason, and counted apart.
        let bad = Incoming {
            sha256: sha256_hex(b"garbage"),
            bytes: b"garbage".to_vec(),
            kind: "text",
            origin: "/x/bad.txt".into(),
            outcome: Outcome::Failed("不是年报".into()),
        };
        store.save(&[bad]).await.unwrap();
        assert_eq!(
            store.failures().await.unwrap(),
            vec![("/x/bad.txt".to_string(), "不是年报".to_string())],
            "{engine}"
        );
        assert_eq!(store.counts().await.unwrap().failed, 1, "{engine}");
    }
}

#[tokio::test]
async fn manual_placement_wins_and_survives_a_reparse() {
    for (store, engine) in stores().await {
        let mut rng = fastrand::Rng::with_seed(5);
        let mut r = SynthReport::random(&mut rng, Format::V2021);
        r.agency = "西大街".into();
        let inc = incoming(&r, "/x/xdj.txt");
        let Outcome::Parsed(rec) = &inc.outcome else {
            unreachable!()
        };
        assert_eq!(
            rec.agency.as_ref().unwrap().resolution,
            "ambiguous",
            "{engine}"
        );
        let id = match store.save(std::slice::from_ref(&inc)).await.unwrap()[0] {
            Saved::New(id) => id,
            Saved::Duplicate => panic!("new"),
        };
        assert_eq!(
            store.agencies(true, None).await.unwrap().len(),
            1,
            "{engine}: listed as unplaced"
        );

        assert_eq!(
            store.assign("西大街", "410502006", None).await.unwrap(),
            1,
            "{engine}"
        );
        let placed = store
            .reports(
                &Filter {
                    region: Some("410502".into()),
                    ..Default::default()
                },
                10,
                0,
            )
            .await
            .unwrap();
        assert_eq!(placed.len(), 1, "{engine}");

        // A reparse rebuilds the record with the stored overrides: still placed.
        let overrides = store.overrides().await.unwrap();
        let report = nianbao_core::parse(&inc.bytes).unwrap();
        let rec = record::record(&report, &[], None, &overrides);
        assert_eq!(
            rec.agency.as_ref().unwrap().resolution,
            "manual",
            "{engine}"
        );
        store
            .replace(id, &Outcome::Parsed(Box::new(rec)))
            .await
            .unwrap();
        let placed = store
            .reports(
                &Filter {
                    region: Some("410502006".into()),
                    ..Default::default()
                },
                10,
                0,
            )
            .await
            .unwrap();
        assert_eq!(placed.len(), 1, "{engine}");
        assert_eq!(
            store.counts().await.unwrap().reports,
            1,
            "{engine}: reparse adds nothing"
        );
    }
}

#[tokio::test]
async fn the_corpus_checks_each_report_against_the_same_agencys_previous_year() {
    for (store, engine) in stores().await {
        let reports = carry_over_broken();
        let batch: Vec<Incoming> = reports
            .iter()
            .enumerate()
            .map(|(i, r)| incoming(r, &format!("/z/{i}.txt")))
            .collect();
        let ids: Vec<i64> = store
            .save(&batch)
            .await
            .unwrap()
            .into_iter()
            .filter_map(|s| match s {
                Saved::New(id) => Some(id),
                Saved::Duplicate => None,
            })
            .collect();
        let found = store.check_across_years(Some(&ids)).await.unwrap();
        assert!(
            found
                .iter()
                .any(|d| d.code == "Y3001" && d.cells.contains("t3.carried_over.natural")),
            "{engine}: {found:?}"
        );
        assert!(found.iter().all(|d| d.code.starts_with('Y')), "{engine}");
        let stored = store.diagnostics_of(ids[1]).await.unwrap();
        assert!(
            stored
                .iter()
                .any(|d| d.0 == "corpus" && d.1 == "Y3001" && d.5.is_some_and(|line| line > 1)),
            "{engine}: {stored:?}"
        );
        assert!(
            store
                .diagnostics_of(ids[3])
                .await
                .unwrap()
                .iter()
                .all(|d| d.0 != "corpus"),
            "{engine}: the consistent pair has none"
        );
        // Run again: the findings are replaced, not added.
        store.check_across_years(None).await.unwrap();
        let again = store.diagnostics_of(ids[1]).await.unwrap();
        assert_eq!(
            again.iter().filter(|d| d.0 == "corpus").count(),
            stored.iter().filter(|d| d.0 == "corpus").count(),
            "{engine}"
        );
    }
}

#[tokio::test]
async fn accounts_sessions_and_the_audit_log() {
    use nianbao_store::accounts::Role;
    for (store, engine) in stores().await {
        assert!(
            store
                .create_user("zhang", "short", Role::Staff, &[], None)
                .await
                .is_err(),
            "{engine}: a weak password is refused"
        );
        let id = store
            .create_user(
                "zhang",
                "correct horse battery",
                Role::Staff,
                &["仙居县教育局".to_string()],
                None,
            )
            .await
            .unwrap();
        assert!(
            store
                .create_user("zhang", "another long password", Role::Admin, &[], None)
                .await
                .is_err(),
            "names are unique"
        );
        assert_eq!(
            store.login("zhang", "wrong password!!").await.unwrap(),
            None
        );
        assert_eq!(
            store
                .login("nobody", "correct horse battery")
                .await
                .unwrap(),
            None
        );
        let (token, session) = store
            .login("zhang", "correct horse battery")
            .await
            .unwrap()
            .expect("logs in");
        assert_eq!(session.user.id, id);
        assert_eq!(session.user.role, Role::Staff);
        assert_eq!(session.user.agencies, vec!["仙居县教育局".to_string()]);
        assert_eq!(session.csrf.len(), 64);
        assert_eq!(store.session(&token).await.unwrap(), Some(session));
        assert_eq!(store.session("forged").await.unwrap(), None);
        store.logout(&token).await.unwrap();
        assert_eq!(
            store.session(&token).await.unwrap(),
            None,
            "{engine}: logged out"
        );
        let log = store.audit_log(None, 10).await.unwrap();
        let actions: Vec<&str> = log.iter().map(|l| l.2.as_str()).collect();
        assert_eq!(
            actions,
            ["login", "login_failed", "login_failed", "create_user"],
            "{engine}"
        );
        assert_eq!(log[0].1.as_deref(), Some("zhang"));
        assert_eq!(
            store
                .audit_log(Some("name:nobody"), 10)
                .await
                .unwrap()
                .len(),
            1
        );
        store.close().await;
    }
}

#[tokio::test]
async fn the_register_keeps_cases_per_agency_on_every_engine() {
    use jiff::civil::date;
    use nianbao_core::clock::ClockEvent;
    use nianbao_core::register::Applicant;
    use nianbao_store::accounts::Role;
    use nianbao_store::cases::NewCase;
    for (store, engine) in stores().await {
        store
            .create_user(
                "li",
                "correct horse battery",
                Role::Staff,
                &["甲局".to_string()],
                None,
            )
            .await
            .unwrap();
        store
            .create_user(
                "wang",
                "correct horse battery",
                Role::Staff,
                &["乙局".to_string()],
                None,
            )
            .await
            .unwrap();
        let li = store
            .login("li", "correct horse battery")
            .await
            .unwrap()
            .unwrap()
            .1
            .user;
        let wang = store
            .login("wang", "correct horse battery")
            .await
            .unwrap()
            .unwrap()
            .1
            .user;
        let new = NewCase {
            agency: "甲局",
            applicant: Applicant::Legal,
            applicant_name: "某律所",
            contact: "",
            channel: "网络",
            received: date(2024, 9, 30),
            request: "某文件",
        };
        let id = store.create_case(&li, &new).await.unwrap();
        assert!(
            store
                .create_case(
                    &li,
                    &NewCase {
                        agency: "乙局",
                        ..new.clone()
                    }
                )
                .await
                .is_err(),
            "{engine}"
        );
        assert!(store.case(&wang, id).await.is_err());
        assert!(store.cases(&wang, false).await.unwrap().is_empty());
        store
            .add_case_event(
                &li,
                id,
                ClockEvent::Extended {
                    on: date(2024, 10, 20),
                    days: 5,
                },
                None,
            )
            .await
            .unwrap();
        assert!(
            store
                .add_case_event(
                    &li,
                    id,
                    ClockEvent::Extended {
                        on: date(2024, 10, 21),
                        days: 16
                    },
                    None
                )
                .await
                .is_err(),
            "over 20 days in all"
        );
        let c = store.case(&li, id).await.unwrap();
        assert_eq!(
            c.deadline(nianbao_core::calendar::Calendar::official())
                .unwrap()
                .due,
            Some(date(2024, 11, 8)),
            "{engine}"
        );
        store
            .close_case(&li, id, date(2024, 11, 7), "无法提供")
            .await
            .unwrap_err(); // which of the three?
        store
            .close_case(&li, id, date(2024, 11, 7), "本机关不掌握相关政府信息")
            .await
            .unwrap();
        let open = store.cases(&li, true).await.unwrap();
        assert!(open.is_empty());
        let all = store.cases(&li, false).await.unwrap();
        assert_eq!(
            all[0].answered,
            Some((date(2024, 11, 7), "unavailable.not_held"))
        );
        store.close().await;
    }
}

/// The rest of the record on both engines: a 补正 and an unpaid fee lapse into 其他处理,
/// a fee follows the applicant's month, a review links to its request, table 二's
/// figures and the narrative are kept, the year composes and publishes into the corpus
/// clean, and a calendar edit moves the open cases' due dates.
#[tokio::test]
async fn the_workbench_record_composes_a_clean_report_on_every_engine() {
    use jiff::civil::date;
    use nianbao_core::clock::ClockEvent;
    use nianbao_core::register::Applicant;
    use nianbao_core::template::CellId;
    use nianbao_store::accounts::Role;
    use nianbao_store::cases::NewCase;
    use nianbao_store::workbench::FeeMethod;
    for (store, engine) in stores().await {
        store
            .create_user("admin", "correct horse battery", Role::Admin, &[], None)
            .await
            .unwrap();
        store
            .create_user(
                "li",
                "correct horse battery",
                Role::Staff,
                &["仙居县教育局".to_string()],
                None,
            )
            .await
            .unwrap();
        store
            .create_user(
                "wang",
                "correct horse battery",
                Role::Staff,
                &["乙局".to_string()],
                None,
            )
            .await
            .unwrap();
        let admin = store
            .login("admin", "correct horse battery")
            .await
            .unwrap()
            .unwrap()
            .1
            .user;
        let li = store
            .login("li", "correct horse battery")
            .await
            .unwrap()
            .unwrap()
            .1
            .user;
        let wang = store
            .login("wang", "correct horse battery")
            .await
            .unwrap()
            .unwrap()
            .1
            .user;
        let agency = "仙居县教育局";
        let base = NewCase {
            agency,
            applicant: Applicant::Natural,
            applicant_name: "张三",
            contact: "138",
            channel: "网络",
            received: date(2024, 3, 1),
            request: "某文件",
        };
        // 12 requests from one applicant in March: the 12th is the 2nd beyond 10 → 按件 100 元.
        let mut ids = Vec::new();
        for day in 1..=12 {
            ids.push(
                store
                    .create_case(
                        &li,
                        &NewCase {
                            received: date(2024, 3, day),
                            ..base.clone()
                        },
                    )
                    .await
                    .unwrap(),
            );
        }
        let (yuan, why) = store
            .record_fee(&li, ids[11], FeeMethod::PerItem, 1, date(2024, 3, 20))
            .await
            .unwrap();
        assert_eq!(yuan, 100, "{engine}: {why}");
        assert!(why.contains("此前已申请 11 件"), "{why}");
        assert!(store
            .record_fee(&li, ids[0], FeeMethod::PerItem, 1, date(2024, 3, 20))
            .await
            .unwrap_err()
            .to_string()
            .contains("不收费"));
        assert!(
            store
                .record_fee(&wang, ids[1], FeeMethod::PerPage, 150, date(2024, 3, 20))
                .await
                .is_err(),
            "{engine}: other agency"
        );
        let (yuan, _) = store
            .record_fee(&li, ids[10], FeeMethod::PerPage, 150, date(2024, 3, 20))
            .await
            .unwrap();
        assert_eq!(yuan, 1700);
        store
            .fee_paid(&li, ids[10], date(2024, 3, 25))
            .await
            .unwrap();
        store
            .close_case(&li, ids[10], date(2024, 3, 28), "予以公开")
            .await
            .unwrap();
        // A 补正 with 10 working days, never answered.
        store
            .add_case_event(
                &li,
                ids[0],
                ClockEvent::CorrectionRequested(date(2024, 3, 5)),
                Some(10),
            )
            .await
            .unwrap();
        for &id in &ids[1..10] {
            store
                .close_case(&li, id, date(2024, 3, 25), "予以公开")
                .await
                .unwrap();
        }
        // Sweeping as another agency's staff closes nothing of ours; as ours, both lapse.
        assert!(store
            .sweep_lapsed(&wang, date(2024, 6, 1))
            .await
            .unwrap()
            .is_empty());
        let closed = store.sweep_lapsed(&li, date(2024, 6, 1)).await.unwrap();
        let mut got: Vec<(i64, &str)> = closed.iter().map(|(id, l)| (*id, l.outcome)).collect();
        got.sort();
        assert_eq!(
            got,
            vec![
                (ids[0], "other.no_correction"),
                (ids[11], "other.unpaid_fee")
            ],
            "{engine}"
        );
        // 3-05 + 10 working days = 3-19; lapsed 3-20. Fee 3-20 + 20 working days = 4-18 (清明 4-4…4-6, 4-7 Sunday a 调休 working day): lapsed 4-19.
        assert_eq!(
            closed.iter().find(|(id, _)| *id == ids[0]).unwrap().1.on,
            date(2024, 3, 20)
        );
        assert_eq!(
            closed.iter().find(|(id, _)| *id == ids[11]).unwrap().1.on,
            date(2024, 4, 19)
        );
        assert!(
            store
                .sweep_lapsed(&li, date(2024, 6, 1))
                .await
                .unwrap()
                .is_empty(),
            "once"
        );
        // An open case for the year's end, and a review linked to a request.
        let open = store
            .create_case(
                &li,
                &NewCase {
                    received: date(2024, 12, 20),
                    applicant: Applicant::Commercial,
                    ..base.clone()
                },
            )
            .await
            .unwrap();
        let r = store
            .create_review(
                &li,
                agency,
                Some(ids[1]),
                "行政复议",
                date(2024, 4, 10),
                "复议 1 号",
            )
            .await
            .unwrap();
        assert!(store
            .create_review(&wang, agency, None, "行政复议", date(2024, 4, 10), "")
            .await
            .is_err());
        assert!(store
            .create_review(&li, agency, Some(ids[1]), "仲裁", date(2024, 4, 10), "")
            .await
            .is_err());
        store
            .decide_review(&li, r, date(2024, 6, 1), "纠正")
            .await
            .unwrap();
        store
            .create_review(&li, agency, None, "直接起诉", date(2024, 11, 1), "")
            .await
            .unwrap();
        // Table 二 and the narrative.
        let issued = CellId::from_key("t2.normative_docs.issued").unwrap();
        store
            .set_figures(&li, agency, 2024, &[(issued, 4)])
            .await
            .unwrap();
        assert!(store
            .set_figures(
                &li,
                agency,
                2024,
                &[(CellId::from_key("t3.new.total").unwrap(), 4)]
            )
            .await
            .is_err());
        let mut draft = store
            .annual(&li, agency, 2024, date(2025, 1, 10))
            .await
            .unwrap();
        assert!(!draft.edited);
        assert!(
            store
                .publish(&li, agency, 2024, date(2025, 1, 10))
                .await
                .unwrap_err()
                .to_string()
                .contains("五、存在的主要问题及改进情况"),
            "{engine}"
        );
        draft.composed.sections[4] =
            vec!["（一）主要问题：解读不够。（二）改进：加强解读。".into()];
        draft.composed.sections[1] = vec!["本年度主动公开情况见下表。".into()];
        let texts: [String; 6] = std::array::from_fn(|i| {
            if i == 5 {
                "无其他需要报告的事项。".into()
            } else {
                draft.composed.sections[i].join("\n")
            }
        });
        store.save_draft(&li, agency, 2024, &texts).await.unwrap();
        let annual = store
            .annual(&li, agency, 2024, date(2025, 1, 10))
            .await
            .unwrap();
        let v = |k: &str| {
            annual.composed.values[&CellId::from_key(k).unwrap()]
                .as_i64()
                .unwrap()
        };
        assert_eq!(
            (
                v("t3.new.total"),
                v("t3.granted.total"),
                v("t3.other.no_correction.total"),
                v("t3.other.unpaid_fee.total")
            ),
            (13, 10, 1, 1),
            "{engine}"
        );
        assert_eq!(
            (v("t3.carried_forward.total"), v("t3.new.commercial")),
            (1, 1)
        );
        assert_eq!(
            (
                v("t4.review.corrected"),
                v("t4.suit_direct.pending"),
                v("t2.normative_docs.issued")
            ),
            (1, 1, 4)
        );
        assert_eq!(
            annual.composed.sections[5],
            vec![
                "本年度收取政府信息公开信息处理费1件，共计1700元。".to_string(),
                "无其他需要报告的事项。".to_string()
            ]
        );
        assert_eq!(annual.timeliness.open, 1);
        let id = store
            .publish(&li, agency, 2024, date(2025, 1, 10))
            .await
            .unwrap();
        let filter = Filter {
            report_id: Some(id),
            ..Default::default()
        };
        let stored = store.reports(&filter, 1, 0).await.unwrap();
        assert_eq!(
            (stored[0].errors, stored[0].year),
            (0, Some(2024)),
            "{engine}: published clean"
        );
        // The calendar: making 2024-12-30 a holiday moves the open case's due date.
        let before = store
            .case(&li, open)
            .await
            .unwrap()
            .deadline(store.calendar().await.unwrap())
            .unwrap()
            .due;
        let (text, edited) = store.calendar_text().await.unwrap();
        assert!(!edited);
        let changed_text = format!("{text}\n2024-12-30\toff\t测试假日\n");
        assert!(
            store.set_calendar(&li, &changed_text).await.is_err(),
            "admin only"
        );
        assert!(store
            .set_calendar(&admin, "2024-13-01\toff\tx\n")
            .await
            .unwrap_err()
            .to_string()
            .contains("第 1 行"));
        let moved = store.set_calendar(&admin, &changed_text).await.unwrap();
        assert_eq!(moved.len(), 1, "{engine}");
        assert_eq!(moved[0].0, open);
        assert_eq!(moved[0].1, before);
        assert!(moved[0].2 > before);
        assert!(store.calendar_text().await.unwrap().1);
        let log = store.audit_log(None, 200).await.unwrap();
        for action in [
            "fee_notice",
            "fee_paid",
            "auto_close",
            "create_review",
            "decide_review",
            "set_figures",
            "save_draft",
            "publish",
            "set_calendar",
        ] {
            assert!(
                log.iter().any(|l| l.2 == action),
                "{engine}: {action} audited"
            );
        }
        assert_eq!(store.users(&admin).await.unwrap().len(), 3);
        assert!(store.users(&li).await.is_err());
        store.close().await;
    }
}

/// The corpus findings of every report, stage `corpus`: (report, code, cells).
async fn corpus_findings(store: &Store, ids: &[i64]) -> Vec<(i64, String, String)> {
    let mut out = Vec::new();
    for &id in ids {
        for d in store.diagnostics_of(id).await.unwrap() {
            if d.0 == "corpus" {
                out.push((id, d.1, d.4));
            }
        }
    }
    out.sort();
    out
}

/// A pass that never ran (the import killed after storing), or reports stored in two
/// halves in either order, leave the same cross-year findings as one pass over all.
#[tokio::test]
async fn the_cross_year_pass_is_idempotent_over_what_is_stored() {
    let reports = carry_over_broken();
    let batch: Vec<Incoming> = reports
        .iter()
        .enumerate()
        .map(|(i, r)| incoming(r, &format!("/k/{i}.txt")))
        .collect();
    let new_ids = |saved: Vec<Saved>| -> Vec<i64> {
        saved
            .into_iter()
            .filter_map(|s| match s {
                Saved::New(id) => Some(id),
                Saved::Duplicate => None,
            })
            .collect()
    };
    for (store, engine) in stores().await {
        // Stored, then "killed": no pass. The rerun finds every file stored already.
        let ids = new_ids(store.save(&batch).await.unwrap());
        assert!(new_ids(store.save(&batch).await.unwrap()).is_empty());
        store.check_across_years(Some(&[])).await.unwrap();
        let after_kill = corpus_findings(&store, &ids).await;
        assert!(
            after_kill.iter().any(|f| f.1 == "Y3001"),
            "{engine}: the owed pass ran: {after_kill:?}"
        );
        // One full pass changes nothing.
        store.check_across_years(None).await.unwrap();
        assert_eq!(corpus_findings(&store, &ids).await, after_kill, "{engine}");
    }
    for (store, engine) in stores().await {
        // The later years first, then the earlier: each half's own pass.
        let later: Vec<Incoming> = vec![
            incoming(&reports[1], "/h/1.txt"),
            incoming(&reports[3], "/h/3.txt"),
        ];
        let earlier: Vec<Incoming> = vec![
            incoming(&reports[0], "/h/0.txt"),
            incoming(&reports[2], "/h/2.txt"),
        ];
        let mut ids = new_ids(store.save(&later).await.unwrap());
        store.check_across_years(Some(&ids)).await.unwrap();
        let second = new_ids(store.save(&earlier).await.unwrap());
        store.check_across_years(Some(&second)).await.unwrap();
        ids.extend(second);
        let halves = corpus_findings(&store, &ids).await;
        store.check_across_years(None).await.unwrap();
        assert_eq!(corpus_findings(&store, &ids).await, halves, "{engine}");
        assert!(
            halves.iter().any(|f| f.1 == "Y3001"),
            "{engine}: {halves:?}"
        );
    }
}

/// A database opened read-only answers and is never written; a missing one is not made.
#[tokio::test]
async fn a_read_only_store_reads_and_never_writes() {
    let dir = std::env::temp_dir().join(format!(
        "nianbao-store-ro-{}-{}",
        std::process::id(),
        fastrand::u64(..)
    ));
    let path = dir.join("t.db").display().to_string();
    let store = Store::open(&path).await.unwrap();
    let batch: Vec<Incoming> = corpus()
        .iter()
        .enumerate()
        .map(|(i, r)| incoming(r, &format!("/r/{i}.txt")))
        .collect();
    store.save(&batch).await.unwrap();
    store.close().await;

    let ro = Store::open_read_only(&path).await.unwrap();
    assert_eq!(ro.counts().await.unwrap().reports, 4);
    assert!(ro.save(&batch[..1]).await.is_err(), "a write is refused");

    let missing = dir.join("none.db");
    let Err(err) = Store::open_read_only(&missing.display().to_string()).await else {
        panic!("a missing database is an error");
    };
    assert!(err.to_string().contains("文件不存在"), "{err}");
    assert!(!missing.exists());
    let _ = std::fs::remove_dir_all(&dir);
}
