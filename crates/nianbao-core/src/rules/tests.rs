//! One failing fixture per rule, with a snapshot of its diagnostic exactly as a user
//! sees it, and the passing fixture (the correct base report) on which no rule fires.

use crate::number::Number;
use crate::synth::{Defect, Layout, SynthReport};
use crate::template::{CellId, Format};

/// The correct base report every fixture starts from.
fn base() -> SynthReport {
    let mut r = SynthReport::random(&mut fastrand::Rng::with_seed(20240131), Format::V2021);
    r.blanks.clear();
    r.year = 2024;
    r
}

fn text(r: &SynthReport) -> String {
    r.render(Layout::Pipe)
}

/// The findings with `code` on `source`, rendered for humans.
fn findings(code: &str, source: &str, prior: Option<&str>) -> String {
    let report = crate::parse(source.as_bytes()).expect("fixture parses");
    let prior = prior.map(|p| crate::parse(p.as_bytes()).expect("prior parses"));
    let diags: Vec<_> = crate::check(&report, prior.as_ref())
        .into_iter()
        .filter(|d| d.code == code)
        .collect();
    assert!(
        !diags.is_empty(),
        "{code} did not fire on its fixture:\n{source}"
    );
    assert!(super::by_code(code).is_some(), "{code} is not registered");
    crate::render::human::render("fixture.txt", &report.document.source, &diags)
}

fn set(r: &mut SynthReport, key: &str, v: Number) {
    r.values.insert(CellId::from_key(key).unwrap(), v);
}

fn add(r: &mut SynthReport, key: &str, d: i64) {
    let v = r.get(key).checked_add(Number::int(d)).unwrap();
    set(r, key, v);
}

fn replace_line(t: &str, contains: &str, with: Option<&str>) -> String {
    let mut done = false;
    t.lines()
        .filter_map(|l| {
            if !done && l.contains(contains) {
                done = true;
                return with.map(str::to_string);
            }
            Some(l.to_string())
        })
        .collect::<Vec<_>>()
        .join("\n")
}

macro_rules! snapshot {
    ($code:literal, $source:expr) => {
        snapshot!($code, $source, None)
    };
    ($code:literal, $source:expr, $prior:expr) => {{
        let out = findings($code, &$source, $prior);
        insta::assert_snapshot!($code, out);
    }};
}

#[test]
fn the_correct_base_report_passes_every_rule() {
    let report = crate::parse(text(&base()).as_bytes()).unwrap();
    let diags = crate::check(&report, None);
    assert!(diags.is_empty(), "{diags:#?}");
}

#[test]
fn every_rule_has_a_unique_code_and_a_full_doc() {
    let mut codes: Vec<&str> = super::RULES.iter().map(|r| r.meta().code).collect();
    let n = codes.len();
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), n, "duplicate rule codes");
    for r in super::RULES {
        let doc = r.meta().doc_text();
        for heading in [
            "## 检查内容",
            "## 为什么",
            "## 依据",
            "## 错误示例",
            "## 正确示例",
            "## 如何修改",
        ] {
            assert!(doc.contains(heading), "{} lacks {heading}", r.meta().code);
        }
    }
}

#[test]
fn e0001_decoding_trouble() {
    let utf8 = text(&base());
    let (mut bytes, _, _) = encoding_rs::GB18030.encode(&utf8);
    let mut b = bytes.to_mut().clone();
    // Two invalid sequences in the title line.
    let at = b.iter().position(|&x| x == b'\n').unwrap();
    b.splice(at..at, [0x81, 0x20, 0xFF, 0x30]);
    let report = crate::parse(&b).unwrap();
    let diags: Vec<_> = crate::check(&report, None)
        .into_iter()
        .filter(|d| d.code == "E0001")
        .collect();
    assert!(!diags.is_empty());
    insta::assert_snapshot!(
        "E0001",
        crate::render::human::render("fixture.txt", &report.document.source, &diags)
    );
}

#[test]
fn e0002_unreadable_row() {
    let t = text(&base());
    let line = t.lines().find(|l| l.contains("（一）予以公开")).unwrap();
    let cells: Vec<&str> = line.split(" | ").collect();
    let shorter = [&cells[..3], &cells[4..]].concat().join(" | ");
    snapshot!("E0002", replace_line(&t, "（一）予以公开", Some(&shorter)));
}

#[test]
fn e0006_recovered_row() {
    // The row 一 glued into one digit run; its total decides the reading.
    let t = text(&base());
    let line = t.lines().find(|l| l.contains("一、本年新收")).unwrap();
    let cells: Vec<&str> = line.trim_end_matches(" |").split(" | ").collect();
    let digits: String = cells[1..]
        .concat()
        .chars()
        .map(|c| {
            if ('０'..='９').contains(&c) {
                char::from_u32(c as u32 - 0xFEE0).unwrap()
            } else {
                c
            }
        })
        .collect();
    let glued = format!("{} | {digits} |", cells[0]);
    snapshot!("E0006", replace_line(&t, "一、本年新收", Some(&glued)));
}

#[test]
fn e0003_row_label_deviation() {
    snapshot!(
        "E0003",
        text(&base()).replace("2.其他法律行政法规禁止公开", "2.其他法律行政止公开")
    );
}

#[test]
fn e0004_unknown_table_header() {
    snapshot!("E0004", replace_line(&text(&base()), "本年制发件数", None));
}

#[test]
fn e0005_duplicate_row() {
    let t = text(&base());
    let line = t
        .lines()
        .find(|l| l.contains("（一）予以公开"))
        .unwrap()
        .to_string();
    snapshot!("E0005", t.replacen(&line, &format!("{line}\n{line}"), 1));
}

#[test]
fn s0101_missing_section() {
    let t = text(&base());
    let t = replace_line(&t, "五、存在的主要问题及改进情况", None);
    let t = replace_line(&t, "（一）存在的主要问题", None);
    snapshot!("S0101", replace_line(&t, "（二）改进情况", None));
}

#[test]
fn s0102_section_misnumbered() {
    snapshot!(
        "S0102",
        text(&base()).replace(
            "五、存在的主要问题及改进情况",
            "六、存在的主要问题及改进情况"
        )
    );
}

#[test]
fn s0103_heading_variant() {
    snapshot!(
        "S0103",
        text(&base()).replace(
            "四、政府信息公开行政复议、行政诉讼情况",
            "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况"
        )
    );
}

#[test]
fn s0104_section_heading_missing() {
    snapshot!("S0104", replace_line(&text(&base()), "一、总体情况", None));
}

#[test]
fn s0201_fee_statement_missing() {
    let mut r = base();
    r.inject(Defect::NoFeeStatement, &mut fastrand::Rng::with_seed(1));
    snapshot!("S0201", text(&r));
}

#[test]
fn s0001_outdated_template() {
    let mut r = base();
    r.inject(Defect::OldTemplate, &mut fastrand::Rng::with_seed(1));
    snapshot!("S0001", text(&r));
}

#[test]
fn s0002_mixed_template() {
    let r = base();
    let t = text(&r);
    let sums: Vec<String> = crate::template::T3_COLUMNS
        .iter()
        .map(|c| {
            let v: i64 = ["no_correction", "unpaid_fee", "other"]
                .iter()
                .map(|k| r.get(&format!("t3.other.{k}.{}", c.key)).as_i64().unwrap())
                .sum();
            v.to_string()
        })
        .collect();
    let single = format!("（六）其他处理 | {} |", sums.join(" | "));
    let t = replace_line(&t, "1.申请人无正当理由逾期不补正", Some(&single));
    let t = replace_line(&t, "2.申请人逾期未按收费通知", None);
    snapshot!("S0002", replace_line(&t, "3.其他 |", None));
}

#[test]
fn s0003_missing_table() {
    let t = text(&base());
    let t = replace_line(&t, "行政复议 | 行政诉讼", None);
    let t = replace_line(&t, "结果维持 | 结果纠正", None);
    let t = replace_line(&t, "结果维持 | 结果纠正", None);
    let lines: Vec<&str> = t.lines().collect();
    let at = lines.iter().position(|l| l.starts_with("五、")).unwrap();
    let mut kept: Vec<&str> = lines.clone();
    kept.remove(at - 2); // the 15 numbers
    snapshot!("S0003", kept.join("\n"));
}

#[test]
fn s0004_missing_row() {
    let mut r = base();
    r.inject(Defect::MissingRow, &mut fastrand::Rng::with_seed(3));
    snapshot!("S0004", text(&r));
}

#[test]
fn s0005_blank_cell() {
    let mut r = base();
    let zero = *r
        .values
        .iter()
        .find(|(id, v)| id.key().starts_with("t3.granted") && **v == Number::ZERO)
        .unwrap()
        .0;
    r.blanks.push(zero);
    snapshot!("S0005", text(&r));
}

#[test]
fn t3001_application_balance_mismatch() {
    let mut r = base();
    add(&mut r, "t3.carried_forward.total", 2);
    snapshot!("T3001", text(&r));
}

#[test]
fn t3002_outcome_total_mismatch() {
    let mut r = base();
    add(&mut r, "t3.granted.natural", 1);
    snapshot!("T3002", text(&r));
}

#[test]
fn t3003_applicant_total_mismatch() {
    let mut r = base();
    add(&mut r, "t3.new.total", 1);
    snapshot!("T3003", text(&r));
}

#[test]
fn t4001_review_total_mismatch() {
    let mut r = base();
    add(&mut r, "t4.review.total", 3);
    snapshot!("T4001", text(&r));
}

#[test]
fn v0001_negative_count() {
    let mut r = base();
    set(&mut r, "t2.punishment.decisions", Number::int(-3));
    snapshot!("V0001", text(&r));
}

#[test]
fn v0002_fractional_count() {
    let mut r = base();
    set(&mut r, "t2.licensing.decisions", Number::new(125, 1));
    snapshot!("V0002", text(&r));
}

#[test]
fn x1001_narrative_contradicts_table() {
    let mut r = base();
    r.inject(
        Defect::ContradictingSentence,
        &mut fastrand::Rng::with_seed(5),
    );
    snapshot!("X1001", text(&r));
}

#[test]
fn x1001_is_silent_when_a_row_of_the_sum_is_unread() {
    let mut r = base();
    let rows = ["not_held", "need_creation", "unclear"];
    for (i, row) in rows.iter().enumerate() {
        set(
            &mut r,
            &format!("t3.unavailable.{row}.total"),
            Number::int(i as i64 + 3),
        );
    }
    let stated: i64 = 3 + 4 + 5;
    let t = text(&r).replacen(
        "二、主动公开",
        &format!("全年无法提供的申请{stated}件。\n二、主动公开"),
        1,
    );
    // Every row read: the sum is compared and agrees.
    let codes = |t: &str| -> Vec<&'static str> {
        let report = crate::parse(t.as_bytes()).unwrap();
        crate::check(&report, None).iter().map(|d| d.code).collect()
    };
    assert!(!codes(&t).contains(&"X1001"), "{t}");
    // The sentence is compared at all: a wrong figure is found.
    let wrong = t.replacen(&format!("申请{stated}件"), "申请99件", 1);
    assert!(codes(&wrong).contains(&"X1001"));
    // One row of the three lost: its sum is no longer the report's, and nothing is said.
    let lost = replace_line(&t, "不掌握相关政府信息", None);
    assert!(!codes(&lost).contains(&"X1001"), "{lost}");
}

#[test]
fn y3001_carry_over_mismatch() {
    let r = base();
    let mut prior = SynthReport::random(&mut fastrand::Rng::with_seed(99), Format::V2021);
    prior.year = 2023;
    prior.agency = r.agency.clone();
    let carried = r.get("t3.carried_over.total");
    add(&mut prior, "t3.carried_forward.total", 0);
    set(
        &mut prior,
        "t3.carried_forward.total",
        carried.checked_add(Number::int(4)).unwrap(),
    );
    let prior_text = text(&prior);
    snapshot!("Y3001", text(&r), Some(prior_text.as_str()));
}

#[test]
fn y3002_in_force_out_of_step() {
    let mut r = base();
    let mut prior = base();
    prior.year = 2023;
    // 规章 in step (10 + 3 − 1 = 12); 规范性文件 not (40 + 5 − 2 ≠ 12).
    for (row, then, issued, repealed, now) in [
        ("regulations", 10, 3, 1, 12),
        ("normative_docs", 40, 5, 2, 12),
    ] {
        set(&mut prior, &format!("t2.{row}.in_force"), Number::int(then));
        set(&mut r, &format!("t2.{row}.issued"), Number::int(issued));
        set(&mut r, &format!("t2.{row}.repealed"), Number::int(repealed));
        set(&mut r, &format!("t2.{row}.in_force"), Number::int(now));
    }
    let prior_text = text(&prior);
    snapshot!("Y3002", text(&r), Some(prior_text.as_str()));
}

#[test]
fn t3004_subtotal_mismatch() {
    let t = text(&base());
    let line = t
        .lines()
        .find(|l| l.contains("1.属于国家秘密"))
        .unwrap()
        .to_string();
    snapshot!(
        "T3004",
        t.replacen(
            &line,
            &format!("（三）不予公开 | 9 | 9 | 9 | 9 | 9 | 9 | 54 |\n{line}"),
            1
        )
    );
}

#[test]
fn the_registry_is_in_code_order() {
    let codes: Vec<&str> = super::RULES.iter().map(|r| r.meta().code).collect();
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(codes, sorted);
}
