//! The corpus commands end to end, on SQLite (and on PostgreSQL when
//! `NIANBAO_TEST_POSTGRES` names a server).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_nianbao"))
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "nianbao-corpus-{name}-{}-{}",
        std::process::id(),
        fastrand::u32(..)
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn run(args: &[&str], db: &str) -> Output {
    let out = bin().args(args).env("NIANBAO_DB", db).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn generate(dir: &Path, count: usize, places: &str) {
    let o = bin()
        .args([
            "generate",
            "--out",
            dir.to_str().unwrap(),
            "--count",
            &count.to_string(),
            "--places",
            places,
            "--years",
            "3",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn report_count(db: &str) -> usize {
    let o = run(&["query", "--limit", "100000", "--format", "json"], db);
    serde_json::from_slice::<Vec<serde_json::Value>>(&o.stdout)
        .unwrap()
        .len()
}

fn databases(name: &str) -> Vec<String> {
    let mut v = vec![tmp(name).join("c.db").display().to_string()];
    if let Ok(url) = std::env::var("NIANBAO_TEST_POSTGRES") {
        let db = format!(
            "nianbao_cli_{name}_{}_{}",
            std::process::id(),
            fastrand::u32(..)
        );
        let st = Command::new("psql")
            .args([url.as_str(), "-qc", &format!("CREATE DATABASE {db}")])
            .status();
        if st.is_ok_and(|s| s.success()) {
            let base = url.rsplit_once('/').map_or(url.as_str(), |(b, _)| b);
            v.push(format!("{base}/{db}"));
        } else {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI: could not create a PostgreSQL test database"
            );
        }
    }
    v
}

#[test]
fn import_twice_adds_nothing_and_an_interrupted_import_resumes() {
    let dir = tmp("gen");
    generate(&dir, 1000, "台州市");
    let n = std::fs::read_dir(&dir).unwrap().count();
    assert!(n > 500, "{n}");
    for db in databases("resume") {
        // Interrupt an import midway (small batches, so some are committed), then rerun.
        let mut child = bin()
            .args(["import", dir.to_str().unwrap(), "--batch", "8"])
            .env("NIANBAO_DB", &db)
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(400));
        let _ = child.kill();
        let _ = child.wait();
        let partial = report_count(&db);
        let o = run(&["import", dir.to_str().unwrap()], &db);
        assert!(
            partial < n,
            "{db}: the import was not interrupted ({partial} of {n} stored)"
        );
        assert!(
            stdout(&o).contains(&format!("新增 {} 份", n - partial)),
            "{db}: {partial} before: {}",
            stdout(&o)
        );
        assert_eq!(report_count(&db), n, "{db}: nothing lost, nothing twice");
        let o = run(&["import", dir.to_str().unwrap()], &db);
        assert!(
            stdout(&o).contains(&format!("新增 0 份，重复 {n} 份")),
            "{db}: {}",
            stdout(&o)
        );
        assert_eq!(report_count(&db), n, "{db}");
    }
}

#[test]
fn a_rollup_equals_the_sum_of_its_reports_and_its_identities_hold() {
    let dir = tmp("rollup");
    generate(&dir, 60, "山海关区");
    for db in databases("rollup") {
        run(&["import", dir.to_str().unwrap()], &db);
        // The sum by hand, from the long export.
        let o = run(
            &[
                "export",
                "--region",
                "山海关区",
                "--year",
                "2022",
                "--format",
                "json",
            ],
            &db,
        );
        let rows: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
        let mut by_hand: std::collections::BTreeMap<String, i64> = Default::default();
        for r in &rows {
            if let Some(v) = r["value"].as_i64() {
                *by_hand
                    .entry(r["cell"].as_str().unwrap().to_string())
                    .or_default() += v;
            }
        }
        assert!(by_hand["t3.new.total"] > 0);
        let o = run(
            &[
                "rollup",
                "--region",
                "山海关区",
                "--year",
                "2022",
                "--format",
                "cells",
            ],
            &db,
        );
        let text = stdout(&o);
        for key in [
            "t3.new.total",
            "t3.total_processed.natural",
            "t4.review.total",
            "t2.normative_docs.in_force",
        ] {
            let line = text
                .lines()
                .find(|l| l.starts_with(&format!("{key}\t")))
                .unwrap_or_else(|| panic!("{key} in {text}"));
            assert_eq!(
                line.split('\t').nth(1).unwrap().parse::<i64>().unwrap(),
                by_hand[key],
                "{db}: {key}"
            );
        }
        // Checked by the same rules: the identities hold (exit 0, and the Markdown says so).
        let md = stdout(&run(
            &["rollup", "--region", "山海关区", "--year", "2022"],
            &db,
        ));
        assert!(md.contains("勾稽关系全部成立"), "{md}");
    }
}

#[test]
fn stats_answer_with_definitions_and_in_every_format() {
    let dir = tmp("stats");
    generate(&dir, 30, "仙居县");
    let db = tmp("stats-db").join("c.db").display().to_string();
    run(&["import", dir.to_str().unwrap()], &db);
    let table = stdout(&run(
        &[
            "stats",
            "--by",
            "year",
            "-m",
            "requests",
            "-m",
            "granted_share",
        ],
        &db,
    ));
    assert!(
        table.contains("予以公开率") && table.contains("注："),
        "{table}"
    );
    let csv = stdout(&run(
        &["stats", "--rank", "3", "-m", "requests", "--format", "csv"],
        &db,
    ));
    assert_eq!(csv.lines().count(), 4, "{csv}");
    let json: Vec<serde_json::Value> =
        serde_json::from_slice(&run(&["stats", "--rules", "--format", "json"], &db).stdout)
            .unwrap();
    assert!(json.iter().all(|r| r["规则"].is_string()));
    let bad = bin()
        .args(["stats", "-m", "nonsense"])
        .env("NIANBAO_DB", &db)
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("没有名为 nonsense 的指标"));
}

/// The real seeds land where they are (runs when `../shared/corpus` exists).
#[test]
fn the_seeds_are_placed_with_evidence() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/seeds");
    if !seeds.exists() {
        eprintln!("no shared corpus here: nothing to place");
        return;
    }
    let db = tmp("seeds").join("c.db").display().to_string();
    run(&["import", seeds.to_str().unwrap()], &db);
    let rows: Vec<serde_json::Value> =
        serde_json::from_slice(&run(&["agencies", "--format", "json"], &db).stdout).unwrap();
    for (agency, path) in [
        ("南关街道", "河北省秦皇岛市山海关区南关街道"),
        ("下各镇", "浙江省台州市仙居县下各镇"),
        ("泉港区", "福建省泉州市泉港区"),
        ("安居区", "四川省遂宁市安居区"),
        ("西大街", "河南省安阳市文峰区西大街街道"),
    ] {
        let row = rows
            .iter()
            .find(|r| r["机关"].as_str().unwrap().contains(agency))
            .unwrap_or_else(|| panic!("{agency}"));
        assert_eq!(row["地区"], path, "{agency}");
        assert!(
            !row["依据"].as_str().unwrap().is_empty(),
            "{agency}: evidence"
        );
    }
}
