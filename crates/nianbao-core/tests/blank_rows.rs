//! A table row whose cells are all blank is a row of blank cells (S0005 warns), not a
//! missing row (S0004): in HTML, where the row's `<td>`s are empty, and in DOCX, where
//! its cells hold no text.

use nianbao_core::number::Number;
use nianbao_core::render::docx::DocxOptions;
use nianbao_core::synth::SynthReport;
use nianbao_core::template::{CellId, Format, TableId};
use nianbao_core::Report;

fn codes_for(report: &Report, row: &str) -> Vec<&'static str> {
    nianbao_core::check(report, None)
        .into_iter()
        .filter(|d| {
            d.cells.iter().any(|c| c.def().row == row)
                || d.message.contains(match row {
                    "carried_over" => "上年结转",
                    _ => "规章",
                })
        })
        .map(|d| d.code)
        .collect()
}

fn assert_blank_rows(report: &Report, what: &str) {
    for (table, row) in [(TableId::T2, "regulations"), (TableId::T3, "carried_over")] {
        let cells: Vec<_> = CellId::all()
            .filter(|id| id.def().table == table && id.def().row == row && id.def().in_2021)
            .collect();
        for id in &cells {
            let c = report
                .cell(*id)
                .unwrap_or_else(|| panic!("{what}: {} not read", id.key()));
            assert!(
                c.blank && c.value == Number::ZERO,
                "{what}: {} {c:?}",
                id.key()
            );
        }
        let codes = codes_for(report, row);
        assert!(codes.contains(&"S0005"), "{what} {row}: {codes:?}");
        assert!(!codes.contains(&"S0004"), "{what} {row}: {codes:?}");
    }
}

#[test]
fn a_blank_html_row_is_a_row_of_blanks() {
    let html = "<html><body><h1>某县统计局2024年政府信息公开工作年度报告</h1>\
        <p>一、总体情况</p><p>本年度工作有序开展。</p><p>二、主动公开政府信息情况</p>\
        <table><tr><td colspan=\"4\">第二十条第（一）项</td></tr>\
        <tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>\
        <tr><td>规章</td><td></td><td>&nbsp;</td><td> </td></tr>\
        <tr><td>行政规范性文件</td><td>1</td><td>0</td><td>3</td></tr></table>\
        <p>三、收到和处理政府信息公开申请情况</p><table>\
        <tr><td>申请人情况</td><td>自然人</td><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td><td>总计</td></tr>\
        <tr><td>一、本年新收政府信息公开申请数量</td><td>2</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>2</td></tr>\
        <tr><td>二、上年结转政府信息公开申请数量</td><td></td><td></td><td></td><td></td><td></td><td></td><td></td></tr>\
        <tr><td>三、本年度办理结果（一）予以公开</td><td>2</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>2</td></tr>\
        </table></body></html>";
    let report = nianbao_core::parse(html.as_bytes()).unwrap();
    assert_blank_rows(&report, "html");
    // Header rows padded with empty cells are still padding, not rows.
    assert!(report.cell_by_key("t2.normative_docs.in_force").is_some());
}

#[test]
fn a_blank_docx_row_is_a_row_of_blanks() {
    for seed in 0..8 {
        let mut r = SynthReport::random(&mut fastrand::Rng::with_seed(seed), Format::V2021);
        r.blanks.clear();
        for id in CellId::all().filter(|id| {
            let d = id.def();
            d.in_2021
                && ((d.table == TableId::T2 && d.row == "regulations")
                    || (d.table == TableId::T3 && d.row == "carried_over"))
        }) {
            r.values.insert(id, Number::ZERO);
            r.blanks.push(id);
        }
        let docx = r.render_docx(&DocxOptions::default());
        let report = nianbao_core::parse(&docx).unwrap();
        assert_blank_rows(&report, &format!("docx seed {seed}"));
    }
}
