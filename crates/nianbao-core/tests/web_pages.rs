//! Whole web pages as saved from government sites: the report inside a JSON document or
//! a JavaScript string, and a report split over several CMS pages.

use nianbao_core::number::Number;
use nianbao_core::synth::{Layout, SynthReport};
use nianbao_core::template::Format;
use nianbao_core::Report;

fn report(seed: u64) -> SynthReport {
    SynthReport::random(&mut fastrand::Rng::with_seed(seed), Format::V2021)
}

fn same_cells(r: &SynthReport, got: &Report) {
    let missing: Vec<String> = r
        .expected_cells()
        .iter()
        .filter(|(id, _, _)| got.cell(*id).is_none())
        .map(|(id, _, _)| id.key().to_string())
        .collect();
    assert!(
        missing.is_empty(),
        "missing {missing:?}; reader findings: {:?}",
        got.diagnostics
            .iter()
            .map(|d| &d.message)
            .collect::<Vec<_>>()
    );
    let got: Vec<(String, Number, bool)> = got
        .cells
        .iter()
        .map(|c| (c.id.key().to_string(), c.value, c.blank))
        .collect();
    let want: Vec<(String, Number, bool)> = r
        .expected_cells()
        .into_iter()
        .map(|(id, v, b)| (id.key().to_string(), v, b))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn report_inside_a_json_document() {
    let r = report(1);
    let json = serde_json::json!({"status": "ok", "data": {"id": 42, "title": "年报", "htmlContent": r.render(Layout::Html)}}).to_string();
    same_cells(&r, &nianbao_core::parse(json.as_bytes()).unwrap());
}

#[test]
fn report_inside_a_javascript_string() {
    let r = report(2);
    let html = r.render(Layout::Html);
    let escaped = html
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
        .replace('<', "\\u003c")
        .replace('>', "\\u003e");
    let page = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>政府信息公开</title></head><body>\
         <div class=\"nav\">首页 &gt; 政务公开</div><div id=\"content\">加载中……</div>\
         <script type=\"text/javascript\">\nvar articleData = {{\"content\": \"{escaped}\"}};\nrender(articleData);\n</script></body></html>"
    );
    same_cells(&r, &nianbao_core::parse(page.as_bytes()).unwrap());
}

#[test]
fn report_split_over_several_pages() {
    for layout in [Layout::Pipe, Layout::Html, Layout::BlankLines] {
        let r = report(3);
        let text = r.render(layout);
        let lines: Vec<&str> = text.lines().collect();
        // Cut anywhere between lines, in the middle of a table too.
        let cut = |f: f64| (lines.len() as f64 * f) as usize;
        let (a, b) = (cut(0.4), cut(0.75));
        let chrome = |n: usize, body: &str| {
            if layout == Layout::Html {
                format!("{body}\n<div class=\"pager\">第{n}页/共3页 下一页</div>")
            } else {
                format!("首页 > 政务公开\n{body}\n第{n}页/共3页\n")
            }
        };
        let p1 = chrome(1, &lines[..a].join("\n"));
        let p2 = chrome(2, &lines[a..b].join("\n"));
        let p3 = chrome(3, &lines[b..].join("\n"));
        let report =
            nianbao_core::parse_pages(&[p1.as_bytes(), p2.as_bytes(), p3.as_bytes()]).unwrap();
        assert_eq!(report.sections.len(), 6, "{layout:?}");
        same_cells(&r, &report);
    }
}
