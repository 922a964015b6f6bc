//! The command contract of `cli.md`: formats, exit codes, stdin, batches.

use std::io::Write;
use std::process::{Command, Stdio};

use nianbao_core::synth::{Defect, Layout, SynthReport};
use nianbao_core::template::Format;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_nianbao"))
}

fn tmp(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("nianbao-cli-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn report(seed: u64) -> SynthReport {
    let mut r = SynthReport::random(&mut fastrand::Rng::with_seed(seed), Format::V2021);
    r.blanks.clear();
    r
}

#[test]
fn parse_cells_prints_meta_then_cells_and_exits_0() {
    let d = tmp("cells");
    let f = d.join("a.txt");
    let r = report(1);
    std::fs::write(&f, r.render(Layout::Tabs)).unwrap();
    let out = bin()
        .args(["parse", "--format", "cells"])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], format!("meta.year\t{}", r.year));
    assert_eq!(lines[1], "meta.template\t2021");
    assert!(text.contains(&format!("t3.new.total\t{}", r.get("t3.new.total"))));
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("t")).count(),
        10 + 175 + 15
    );
}

#[test]
fn stdin_gb18030_and_json_schema() {
    let r = report(2);
    let html = r.render(Layout::Html);
    let (bytes, _, _) = encoding_rs::GB18030.encode(&html);
    let mut child = bin()
        .args(["parse", "--format", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["encoding"], "gb18030");
    assert_eq!(v["meta"]["agency"], r.agency.as_str());
    let cell = v["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == "t4.review.total")
        .unwrap();
    assert_eq!(cell["value"].as_i64(), r.get("t4.review.total").as_i64());
    assert!(cell["span"]["line"].as_u64().unwrap() > 1);
    assert_eq!(v["sections"].as_array().unwrap().len(), 6);
}

#[test]
fn check_exit_codes_and_batch_continues_past_bad_files() {
    let d = tmp("batch");
    std::fs::write(d.join("01-good.txt"), report(3).render(Layout::Pipe)).unwrap();
    let mut bad = report(4);
    bad.inject(Defect::WrongTotal, &mut fastrand::Rng::with_seed(1));
    std::fs::create_dir_all(d.join("sub")).unwrap();
    std::fs::write(d.join("sub/02-bad.html"), bad.render(Layout::Html)).unwrap();
    std::fs::write(d.join("03-not-a-report.txt"), "今天天气很好。\n").unwrap();

    let good = bin()
        .args(["check"])
        .arg(d.join("01-good.txt"))
        .output()
        .unwrap();
    assert_eq!(
        good.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&good.stdout)
    );

    let out = bin()
        .args(["check", "--format", "json"])
        .arg(&d)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files = v.as_array().unwrap();
    assert_eq!(
        files.len(),
        2,
        "the good and the bad report are both checked"
    );
    let bad_file = files
        .iter()
        .find(|f| f["file"].as_str().unwrap().ends_with("02-bad.html"))
        .unwrap();
    let d0 = bad_file["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "T3002")
        .unwrap();
    assert_eq!(d0["severity"], "error");
    assert!(d0["cells"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c == "t3.total_processed.total"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("03-not-a-report.txt") && stderr.contains("未识别"),
        "{stderr}"
    );

    let missing = bin()
        .args(["check"])
        .arg(d.join("nope.txt"))
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    let parse_bad = bin()
        .args(["parse"])
        .arg(d.join("03-not-a-report.txt"))
        .output()
        .unwrap();
    assert_eq!(parse_bad.status.code(), Some(1));
}

#[test]
fn human_output_marks_the_number_and_rules_explain() {
    let d = tmp("human");
    let mut bad = report(5);
    bad.inject(
        Defect::ContradictingSentence,
        &mut fastrand::Rng::with_seed(2),
    );
    let f = d.join("x.txt");
    std::fs::write(&f, bad.render(Layout::Pipe)).unwrap();
    let out = bin().arg("check").arg(&f).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("error[X1001]") && text.contains("^^^") && text.contains("帮助："),
        "{text}"
    );

    let rules = bin().arg("rules").output().unwrap();
    let list = String::from_utf8(rules.stdout).unwrap();
    assert!(list.lines().count() >= 20 && list.contains("T3001\terror"));
    let explain = bin().args(["explain", "t3001"]).output().unwrap();
    assert!(String::from_utf8(explain.stdout)
        .unwrap()
        .contains("## 如何修改"));
    assert_eq!(
        bin()
            .args(["explain", "Z9999"])
            .output()
            .unwrap()
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn docx_files_are_read_and_found_in_directories() {
    let d = tmp("docx");
    let r = report(6);
    std::fs::write(d.join("报告.docx"), r.render_docx(&Default::default())).unwrap();
    let out = bin()
        .args(["parse", "--format", "cells"])
        .arg(d.join("报告.docx"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(&format!(
        "t3.total_processed.total\t{}",
        r.get("t3.total_processed.total")
    )));
    let out = bin()
        .args(["check", "--format", "json"])
        .arg(&d)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    std::fs::write(
        d.join("坏.docx"),
        b"PK\x03\x04 not really a zip word/document.xml",
    )
    .unwrap();
    let bad = bin().arg("parse").arg(d.join("坏.docx")).output().unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("DOCX"));
}

#[test]
fn pages_joined_pdf_scans_and_legacy_doc() {
    let d = tmp("formats");
    // A report over three pages of a CMS, read as one with --join.
    let r = report(7);
    let text = r.render(Layout::Pipe);
    let lines: Vec<&str> = text.lines().collect();
    let third = lines.len() / 3;
    for (i, chunk) in [
        &lines[..third],
        &lines[third..2 * third],
        &lines[2 * third..],
    ]
    .iter()
    .enumerate()
    {
        std::fs::write(
            d.join(format!("p{i}.txt")),
            format!(
                "首页 > 政务公开\n{}\n第{}页/共3页\n",
                chunk.join("\n"),
                i + 1
            ),
        )
        .unwrap();
    }
    let out = bin()
        .args(["parse", "--join"])
        .args((0..3).map(|i| d.join(format!("p{i}.txt"))))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cells = String::from_utf8(out.stdout).unwrap();
    assert_eq!(cells.lines().filter(|l| l.starts_with('t')).count(), 200);

    // A PDF (needs poppler's pdftotext, which .ci/run installs).
    if Command::new("pdftotext").arg("-v").output().is_ok() {
        std::fs::write(d.join("r.pdf"), r.render_pdf(&Default::default())).unwrap();
        let out = bin()
            .args(["parse", "--format", "cells"])
            .arg(d.join("r.pdf"))
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8(out.stdout)
            .unwrap()
            .contains(&format!("t3.new.total\t{}", r.get("t3.new.total"))));
        // A scan: pages with drawings and no text.
        let scan = nianbao_core::render::pdf::write_pdf(
            &[nianbao_core::render::docx::DocBlock::Table(vec![vec![
                nianbao_core::render::docx::DocCell {
                    text: String::new(),
                    colspan: 1,
                    rowspan: 1,
                },
            ]])],
            &Default::default(),
        );
        // Remove the page-number text so that nothing is left to read.
        let scan = String::from_utf8_lossy(&scan)
            .replace("Tj", "n")
            .into_bytes();
        std::fs::write(d.join("scan.pdf"), scan).unwrap();
        let out = bin().arg("parse").arg(d.join("scan.pdf")).output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("扫描件"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    } else {
        assert!(
            std::env::var_os("CI").is_none(),
            "pdftotext is required in CI"
        );
    }

    // A legacy .doc: converted by LibreOffice when installed, else a clear message.
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend_from_slice(&[0; 504]);
    std::fs::write(d.join("old.doc"), &ole).unwrap();
    let out = bin().arg("parse").arg(d.join("old.doc")).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("LibreOffice"), "{err}");
}

#[test]
fn generate_writes_every_container_and_rejects_bad_arguments() {
    let d = tmp("generate");
    for (args, ext) in [
        (vec!["--layout", "tabs"], "txt"),
        (vec!["--layout", "html"], "html"),
        (vec!["--as", "docx"], "docx"),
        (vec!["--as", "pdf"], "pdf"),
    ] {
        let out = bin()
            .args(["generate", "-n", "2", "-o"])
            .arg(&d)
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let n = std::fs::read_dir(&d)
            .unwrap()
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == ext))
            .count();
        assert!(n >= 2, "{args:?}: {n} .{ext} files");
    }
    let bad = bin()
        .args(["generate", "-n", "1", "-o"])
        .arg(&d)
        .args(["--layout", "nope"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("版式应为"));
    let out = bin()
        .args(["check", "--format", "json"])
        .arg(&d)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let expected = if Command::new("pdftotext").arg("-v").output().is_ok() {
        8
    } else {
        6
    };
    assert!(v.as_array().unwrap().len() >= expected);
}

#[test]
fn docx_findings_name_the_place_in_the_original() {
    let d = tmp("docx-located");
    let mut bad = report(8);
    bad.inject(Defect::WrongTotal, &mut fastrand::Rng::with_seed(4));
    std::fs::write(d.join("bad.docx"), bad.render_docx(&Default::default())).unwrap();
    let out = bin().arg("check").arg(d.join("bad.docx")).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("error[T3002]") && text.contains("原文第") && text.contains("个表格第"),
        "{text}"
    );
    let out = bin()
        .args(["check", "--format", "json"])
        .arg(d.join("bad.docx"))
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let d0 = v[0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "T3002")
        .unwrap();
    assert!(
        d0["span"]["location"]
            .as_str()
            .unwrap()
            .contains("个表格第"),
        "{d0}"
    );
}

#[test]
fn deadline_explains_the_due_date() {
    // The working day before 国庆节 2024: due 1 November (see clock.rs for the count).
    let out = bin().args(["deadline", "2024-09-30"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("答复期限：2024年11月1日"), "{text}");
    assert!(text.contains("国庆节放假"), "{text}");
    let out = bin()
        .args(["deadline", "2024-09-30", "--extended", "2024-10-20:25"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "an extension over 20 working days is refused"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("超过"));
    let out = bin().args(["deadline", "2024-13-01"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "a bad date is a usage error");
    // An edited calendar: a made-up holiday moves the date.
    let cal = tmp("deadline").join("cal.tsv");
    std::fs::write(&cal, "@2024\t测试\n2024-10-08\toff\t测试假日\n").unwrap();
    let out = bin()
        .args([
            "deadline",
            "2024-09-30",
            "--calendar",
            cal.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("答复期限：2024年10月29日"), "{text}");
}

#[test]
fn register_csv_gives_tables_and_lists_bad_rows() {
    let dir = tmp("register");
    let reqs = dir.join("requests.csv");
    // A1 carried over from 2023; A2 answered after its deadline (1 November, see clock.rs);
    // A4 and A6 open at year end, A6 overdue.
    std::fs::write(
        &reqs,
        "编号,收到日期,申请人类型,答复日期,办理结果\n\
         A1,2023-12-20,自然人,2024-01-10,予以公开\n\
         A2,2024-09-30,商业企业,2024-11-05,部分公开\n\
         A3,2024-03-01,自然人,2024-03-05,属于国家秘密\n\
         A4,2024-12-20,法律服务机构,,\n\
         A6,2024-01-15,自然人,,\n",
    )
    .unwrap();
    let out = bin()
        .args([
            "register",
            reqs.to_str().unwrap(),
            "--year",
            "2024",
            "--format",
            "cells",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cells: std::collections::HashMap<String, String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| {
            l.split_once('\t')
                .map(|(k, v)| (k.to_string(), v.to_string()))
        })
        .collect();
    for (key, want) in [
        ("t3.new.total", "4"),
        ("t3.new.natural", "2"),
        ("t3.carried_over.natural", "1"),
        ("t3.granted.natural", "1"),
        ("t3.partial.commercial", "1"),
        ("t3.denied.state_secret.natural", "1"),
        ("t3.total_processed.total", "3"),
        ("t3.carried_forward.total", "2"),
        ("t3.carried_forward.legal", "1"),
    ] {
        assert_eq!(cells.get(key).map(String::as_str), Some(want), "{key}");
    }
    let out = bin()
        .args(["register", reqs.to_str().unwrap(), "--year", "2024"])
        .output()
        .unwrap();
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.contains("超过法定期限答复：1 件：A2"), "{md}");
    assert!(md.contains("其中已超期 1 件：A6"), "{md}");

    let bad = dir.join("bad.csv");
    std::fs::write(&bad, "收到日期,申请人类型,答复日期,办理结果\n2024-13-01,个人,,\n2024-02-01,自然人,2024-02-03,批准\n").unwrap();
    let out = bin()
        .args(["register", bad.to_str().unwrap(), "--year", "2024"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stdout.is_empty(),
        "no tables from a register with errors"
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("第 2 行：“收到日期”应为日期"), "{err}");
    assert!(err.contains("第 2 行：“个人”不是申请人类型"), "{err}");
    assert!(err.contains("第 3 行：“批准”不是表三的办理结果"), "{err}");
}

/// A PostgreSQL password in `NIANBAO_DB` reaches neither `--help` nor the error when the
/// server cannot be reached.
#[test]
fn database_passwords_stay_secret() {
    let url = "postgres://nb:topsecret-pw@127.0.0.1:1/nianbao";
    let help = bin()
        .args(["stats", "--help"])
        .env("NIANBAO_DB", url)
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&help.stdout).contains("topsecret"));
    let o = bin()
        .args(["stats"])
        .env("NIANBAO_DB", url)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        !err.contains("topsecret") && err.contains("nb:***@"),
        "{err}"
    );
}

/// Far dates are refused with a reason, never counted into a panic.
#[test]
fn far_dates_are_refused() {
    let o = bin().args(["deadline", "9999-12-30"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("超出可处理的范围") && !err.contains("panicked"),
        "{err}"
    );
    let o = bin()
        .args(["register", "x.csv", "--year", "20000"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&o.stderr).contains("panicked"));
}
