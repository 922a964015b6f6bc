//! The hard cases of `../shared/spec/hard-cases.md`, each on the project's own fixtures.

use nianbao_core::number::Number;
use nianbao_core::synth::{Layout, SynthReport};
use nianbao_core::template::Format;

fn base(seed: u64) -> SynthReport {
    let mut r = SynthReport::random(&mut fastrand::Rng::with_seed(seed), Format::V2021);
    r.blanks.clear();
    r
}

fn cells_match(r: &SynthReport, text: &str) {
    let report = nianbao_core::parse(text.as_bytes()).unwrap();
    for (id, v, _) in r.expected_cells() {
        let got = report.cell(id).map(|c| c.value);
        assert_eq!(got, Some(v), "{id}\n{text}");
    }
}

fn lines(t: &str) -> Vec<String> {
    t.lines().map(str::to_string).collect()
}

/// Hard case 4: page breaks — page numbers, a repeated header, between rows.
#[test]
fn tables_across_page_breaks() {
    let r = base(1);
    let mut out = Vec::new();
    for l in lines(&r.render(Layout::Pipe)) {
        let is_row = l.contains("5.属于三类内部事务信息") || l.contains("2.重复申请");
        if is_row {
            out.push("-3-".to_string());
            out.push("第 3 页 / 共 5 页".to_string());
            out.push("— 4 —".to_string());
            out.push("自然人 | 法人或其他组织 | 总计 |".to_string());
            out.push("商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 |".to_string());
        }
        out.push(l);
    }
    cells_match(&r, &out.join("\n"));
}

/// Hard case 5: labels broken over lines, with the numbers on a line of their own.
#[test]
fn labels_broken_over_lines() {
    let r = base(2);
    let mut out = Vec::new();
    for l in lines(&r.render(Layout::Pipe)) {
        if let Some(rest) =
            l.strip_prefix("（二）部分公开（区分处理的，只计这一情形，不计其他情形） | ")
        {
            out.push("（二）部分公开（区分处理的，只计这一情".to_string());
            out.push("形，不计其他情形）".to_string());
            out.push(
                rest.replace(" | ", " ")
                    .trim_end_matches(['|', ' '])
                    .to_string(),
            );
        } else {
            out.push(l);
        }
    }
    cells_match(&r, &out.join("\n"));
}

/// Hard case 3: table 四 flattened into one line of 15 numbers, header words run together.
#[test]
fn table_4_flattened() {
    let r = base(3);
    let text = r.render(Layout::Pipe);
    let start = text.find("行政复议 | 行政诉讼").unwrap();
    let end = text.find("五、存在的主要问题").unwrap();
    let nums: Vec<String> = nianbao_core::template::T4_GROUPS
        .iter()
        .flat_map(|g| {
            nianbao_core::template::T4_COLUMNS
                .iter()
                .map(move |c| format!("t4.{}.{}", g.key, c.key))
        })
        .map(|k| r.get(&k).to_string())
        .collect();
    let flat = format!(
        "行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉\n{}\n",
        nums.join(" ")
    );
    let text = format!("{}{}{}", &text[..start], flat, &text[end..]);
    cells_match(&r, &text);
}

/// Hard cases 8, 11, 14: blank markers, separators, units, zero-width and non-breaking spaces.
#[test]
fn values_and_junk_characters() {
    let text = "2023年某某镇政府信息公开工作年度报告\n二、主动公开政府信息情况\n\
        第二十条第（一）项\n信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数\n\
        规\u{200B}章 | 不适用 | — | 1，234\n行政\u{a0}规范性文件 | ３ | 11,398,889 | 7件\n\
        第二十条第（八）项\n信息内容 | 本年收费金额（单位：万元）\n行政事业性收费 | 2.5万元\n";
    let report = nianbao_core::parse(text.as_bytes()).unwrap();
    let get = |k: &str| report.cell_by_key(k).map(|c| (c.value, c.blank));
    assert_eq!(get("t2.regulations.issued"), Some((Number::ZERO, true)));
    assert_eq!(get("t2.regulations.repealed"), Some((Number::ZERO, true)));
    assert_eq!(
        get("t2.regulations.in_force"),
        Some((Number::int(1234), false))
    );
    assert_eq!(
        get("t2.normative_docs.issued"),
        Some((Number::int(3), false))
    );
    assert_eq!(
        get("t2.normative_docs.repealed"),
        Some((Number::int(11_398_889), false))
    );
    assert_eq!(
        get("t2.normative_docs.in_force"),
        Some((Number::int(7), false))
    );
    assert_eq!(get("t2.fees.amount"), Some((Number::new(25, 1), false)));
}

/// Hard case 15: a total left 0 while its parts are not is read as printed, and reported.
#[test]
fn totals_are_never_repaired() {
    let mut r = base(4);
    r.values.insert(
        nianbao_core::template::CellId::t4("review", "upheld"),
        Number::int(10),
    );
    r.values.insert(
        nianbao_core::template::CellId::t4("review", "corrected"),
        Number::int(1),
    );
    r.values.insert(
        nianbao_core::template::CellId::t4("review", "total"),
        Number::ZERO,
    );
    let text = r.render(Layout::Html);
    let report = nianbao_core::parse(text.as_bytes()).unwrap();
    assert_eq!(
        report.cell_by_key("t4.review.total").unwrap().value,
        Number::ZERO
    );
    let diags = nianbao_core::check(&report, None);
    assert!(diags.iter().any(|d| d.code == "T4001"));
}

/// Hard case 2: a row with one cell fewer does not slide into the next column: it is
/// reported as unreadable and yields no cells.
#[test]
fn a_short_row_is_reported_not_guessed() {
    let r = base(5);
    let text = r.render(Layout::Tabs);
    let mut out = Vec::new();
    for l in lines(&text) {
        if l.contains("（一）予以公开") {
            let mut cells: Vec<&str> = l.split('\t').collect();
            let i = cells.iter().position(|c| c.contains("予以公开")).unwrap();
            cells.remove(i + 2);
            out.push(cells.join("\t"));
        } else {
            out.push(l);
        }
    }
    let report = nianbao_core::parse(out.join("\n").as_bytes()).unwrap();
    assert!(report.cell_by_key("t3.granted.natural").is_none());
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.code == "E0002")
        .unwrap();
    assert!(d.message.contains("予以公开"), "{}", d.message);
}

/// Hard case 12: the introduction lists every section heading in one paragraph, and a
/// sub-heading inside 总体情况 is numbered like a section.
#[test]
fn headings_in_the_introduction_do_not_start_sections() {
    let r = base(6);
    let text = r.render(Layout::Pipe).replacen(
        "一、总体情况",
        "全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议、行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。\n一、总体情况\n二、加强学习培训，完善工作制度。",
        1,
    );
    let report = nianbao_core::parse(text.as_bytes()).unwrap();
    let numbers: Vec<u8> = report.sections.iter().map(|s| s.number).collect();
    assert_eq!(numbers, vec![1, 2, 3, 4, 5, 6]);
    assert_eq!(
        report.section(2).unwrap().heading,
        "二、主动公开政府信息情况"
    );
    cells_match(&r, &text);
}

/// Hard case 9: variant shapes — subtotal rows for （三）…（六） and a 法人小计 column.
/// The subtotals are recognised and checked, not taken for cells.
#[test]
fn variant_table_3_with_subtotals() {
    use nianbao_core::template::{T3_COLUMNS, T3_ROWS};
    let r = base(7);
    let col = |row: &str| -> Vec<i64> {
        T3_COLUMNS
            .iter()
            .map(|c| r.get(&format!("t3.{row}.{}", c.key)).as_i64().unwrap())
            .collect()
    };
    let family_sum = |fam: &str| -> Vec<i64> {
        let rows: Vec<_> = T3_ROWS
            .iter()
            .filter(|x| x.family == fam && x.in_2021)
            .collect();
        (0..7)
            .map(|i| rows.iter().map(|x| col(x.key)[i]).sum())
            .collect()
    };
    // The 法人小计 column goes after 其他; a subtotal row opens each group.
    let with_legal = |v: Vec<i64>| -> String {
        let legal: i64 = v[1..6].iter().sum();
        let mut cells: Vec<String> = v[..6].iter().map(|x| x.to_string()).collect();
        cells.push(legal.to_string());
        cells.push(v[6].to_string());
        cells.join(" | ")
    };
    let mut out = Vec::new();
    let text = r.render(Layout::Pipe);
    for l in lines(&text) {
        if l.starts_with("商业企业 | 科研机构") {
            out.push(l.replace("其他 |", "其他 | 小计 |"));
            continue;
        }
        let row = T3_ROWS
            .iter()
            .find(|x| x.in_2021 && l.contains(&format!("{} |", x.label)));
        match row {
            Some(x) => {
                let group_open = match x.key {
                    "denied.state_secret" => Some(("（三）不予公开", "denied")),
                    "unavailable.not_held" => Some(("（四）无法提供", "unavailable")),
                    "not_processed.petition" => Some(("（五）不予处理", "not_processed")),
                    "other.no_correction" => Some(("（六）其他处理", "other")),
                    _ => None,
                };
                if let Some((label, fam)) = group_open {
                    let mut sums = family_sum(fam);
                    if fam == "denied" {
                        sums[0] += 1; // a wrong subtotal, for the rule to find
                    }
                    out.push(format!("{label} | {} |", with_legal(sums)));
                }
                out.push(format!("{} | {} |", x.label, with_legal(col(x.key))));
            }
            None => out.push(l),
        }
    }
    let text = out.join("\n");
    let report = nianbao_core::parse(text.as_bytes()).unwrap();
    for (id, v, _) in r.expected_cells() {
        assert_eq!(report.cell(id).map(|c| c.value), Some(v), "{id}\n{text}");
    }
    assert_eq!(
        report.template().as_str(),
        "2021",
        "the （六） subtotal is not the 2019 single row"
    );
    assert!(report.subtotals.len() >= 4 * 7 + 25);
    let diags = nianbao_core::check(&report, None);
    let wrong: Vec<_> = diags.iter().filter(|d| d.code == "T3004").collect();
    assert_eq!(wrong.len(), 1, "{diags:#?}");
    assert!(wrong[0].message.contains("不予公开"));
    assert!(diags.iter().all(|d| d.code == "T3004"), "{diags:#?}");
}

/// Hard case 1: a number split over neighbouring lines (`12` as `1` and `2`). Separate
/// lines are certain boundaries, so the pieces are never joined and nothing in the row is
/// misread; the same split inside one line (`1 2`) is joined by the row's total, and the
/// reading is stated.
#[test]
fn a_number_split_over_lines_is_never_misread_and_within_a_line_joined() {
    for seed in 0..20 {
        let r = base(seed);
        let text = r.render(Layout::CellPerLine);
        // The first multi-digit value of table 三's 一 row, split over two lines / in one.
        let split = |apart: bool| {
            let mut out = Vec::new();
            let (mut in_row, mut done) = (false, false);
            for l in lines(&text) {
                if l.starts_with("一、本年新收") {
                    in_row = true;
                }
                let v = l.trim_end_matches(" |");
                if in_row && !done && v.len() >= 2 && v.bytes().all(|b| b.is_ascii_digit()) {
                    if apart {
                        out.push(format!("{} |", &v[..1]));
                        out.push(format!("{} |", &v[1..]));
                    } else {
                        out.push(format!("{} {} |", &v[..1], &v[1..]));
                    }
                    done = true;
                    continue;
                }
                out.push(l);
            }
            done.then(|| out.join("\n"))
        };
        let (Some(over_lines), Some(in_line)) = (split(true), split(false)) else {
            continue;
        };
        let report = nianbao_core::parse(over_lines.as_bytes()).unwrap();
        let expected = r.expected_cells();
        for c in &report.cells {
            let want = expected
                .iter()
                .find(|(id, _, _)| *id == c.id)
                .map(|(_, v, _)| *v);
            assert_eq!(Some(c.value), want, "{} misread\n{over_lines}", c.id.key());
        }
        cells_match(&r, &in_line);
        let report = nianbao_core::parse(in_line.as_bytes()).unwrap();
        assert!(
            report
                .diagnostics
                .iter()
                .any(|d| d.code == "E0006" && d.message.contains("一、本年新收")),
            "{in_line}"
        );
        return;
    }
    panic!("no seed gave a multi-digit value in row 一");
}

/// A number joined to its row's label (`行政规范性文件4 | 1 | 31`, as a PDF line builder
/// leaves a narrow first cell) has been lost to the label: the rest is not cut into a
/// reading that looks complete (here `1 3 1`), it is reported.
#[test]
fn a_number_joined_to_the_label_is_never_cut_into_a_reading() {
    let text = "2023年某某镇政府信息公开工作年度报告\n二、主动公开政府信息情况\n\
        第二十条第（一）项\n信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数\n\
        规章 | 0 | 0 | 0\n行政规范性文件4 | 1 | 31\n";
    let report = nianbao_core::parse(text.as_bytes()).unwrap();
    for k in ["issued", "repealed", "in_force"] {
        assert!(
            report
                .cell_by_key(&format!("t2.normative_docs.{k}"))
                .is_none(),
            "{k} read"
        );
    }
    assert!(report.diagnostics.iter().any(|d| d.code == "E0002"
        && d.cells
            .iter()
            .any(|c| c.key() == "t2.normative_docs.in_force")));
    assert!(report.cell_by_key("t2.regulations.issued").is_some());
}

/// One label naming two rows (`（一）予以公开（二）部分公开`, two rows' labels joined into
/// one cell by a PDF's line builder): the numbers after it are not given to either row.
#[test]
fn a_label_naming_two_rows_gives_its_numbers_to_neither() {
    let text = "2023年某某镇政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n\
        申请人情况 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计\n\
        一、本年新收政府信息公开申请数量 | 21 | 0 | 0 | 0 | 0 | 0 | 21\n\
        三、本年度办理结果 | （一）予以公开（二）部分公开 | 21 | 0 | 0 | 0 | 0 | 0 | 21\n";
    let report = nianbao_core::parse(text.as_bytes()).unwrap();
    assert!(report.cell_by_key("t3.granted.total").is_none());
    assert!(report.cell_by_key("t3.partial.total").is_none());
    assert!(report
        .diagnostics
        .iter()
        .any(|d| d.code == "E0002" && d.cells.iter().any(|c| c.key() == "t3.partial.natural")));
    assert_eq!(
        report.cell_by_key("t3.new.total").map(|c| c.value),
        Some(Number::int(21))
    );
}

/// A PDF cell whose number the extractor saw only in part ([`Cell::doubtful`]): the row
/// is reported, never read with the piece standing for the number.
#[test]
fn a_number_seen_in_part_leaves_its_row_unread() {
    let r = base(3);
    let mut doc = nianbao_core::extract::extract_text(&r.render(Layout::Pipe));
    let mut marked = false;
    for b in &mut doc.blocks {
        if let nianbao_core::document::Block::Table(t) = b {
            for row in &mut t.rows {
                if row.cells.first().is_some_and(|c| c.text.contains("总计")) && !marked {
                    row.cells.last_mut().unwrap().doubtful = true;
                    marked = true;
                }
            }
        }
    }
    assert!(marked, "the fixture has a 总计 row");
    let report = nianbao_core::align::align(doc, "UTF-8");
    assert!(report.cell_by_key("t3.total_processed.total").is_none());
    assert!(report.cell_by_key("t3.total_processed.natural").is_none());
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.message.contains("折成了几行"))
        .expect("the row is reported");
    assert_eq!(d.code, "E0002");
}

/// The tail of a row label that a page break cut off (`府信息公开申请数量`, with a
/// piece of a number beside it) looks like a misspelling of the next row's label: it is
/// never taken for that row when the row's own label follows.
#[test]
fn a_label_fragment_never_takes_the_next_rows_place() {
    let text = "2023年某某镇政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n\
        申请人情况 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计\n\
        一、本年新收政 | 1,03 | 11 | 6 | 0 | 39 | 3 | 1092\n\
        府信息公开申请数量 | 3 | | | | | |\n\
        二、上年结转政府信息公开申请数量 | 305 | 0 | 0 | 1 | 0 | 0 | 306\n";
    let report = nianbao_core::parse(text.as_bytes()).unwrap();
    assert_eq!(
        report
            .cell_by_key("t3.carried_over.natural")
            .map(|c| c.value),
        Some(Number::int(305))
    );
    assert_eq!(
        report.cell_by_key("t3.carried_over.total").map(|c| c.value),
        Some(Number::int(306))
    );
    assert!(report.cell_by_key("t3.new.natural").is_none());
}
