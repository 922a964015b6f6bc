//! 年度报告编制 — an agency's annual report composed from its record: tables 三 and 四
//! counted from the register ([`crate::register`]), table 二 from the figures entered,
//! the six sections under the statutory headings (国办公开办函〔2021〕30号) with the
//! narrative the agency edits, and section 六's fee statement filled in from the fees
//! recorded.
//!
//! Written out as HTML (the page an agency publishes), DOCX (a 公文: A4, 方正小标宋 title,
//! 黑体 headings, 仿宋 body, the official tables with merged headers) and Markdown.
//! [`Composed::read_back`] reads the HTML through the same reader and rules as any
//! published report: what the agency publishes is what nianbao checks.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::number::Number;
use crate::render::docx::{DocBlock, DocCell};
use crate::render::layout::{self, c, LayoutRow};
use crate::template::{CellId, Format, SECTIONS, T2_BLOCKS, T3_ROWS};

/// A report composed from the record.
#[derive(Debug, Clone, PartialEq)]
pub struct Composed {
    /// The agency (发布机构).
    pub agency: String,
    /// The year reported on.
    pub year: u16,
    /// The publication date, `YYYY-MM-DD`.
    pub published: String,
    /// Every cell of tables 二, 三 and 四 (2021 format); a cell not given prints 0.
    pub values: BTreeMap<CellId, Number>,
    /// The paragraphs of sections 一 to 六, as edited (index 0 is section 一).
    pub sections: [Vec<String>; 6],
}

/// The cells of table 二 (2021 format) an agency enters, with their labels
/// (`行政规范性文件 · 本年新制发件数`).
pub fn t2_entries() -> Vec<(CellId, String)> {
    let mut out = Vec::new();
    for block in &T2_BLOCKS {
        for row in block.rows {
            let Some(label) = row.label_2021 else {
                continue;
            };
            for col in block.columns(Format::V2021) {
                out.push((
                    CellId::t2(row.key, col.key),
                    format!("{label} · {}", col.label),
                ));
            }
        }
    }
    out
}

/// Section 六's statement of the 信息处理费 (国办函〔2020〕109号), from the fees paid in
/// the year: their number and total.
pub fn fee_statement(paid: usize, yuan: u64) -> String {
    if paid == 0 {
        "本年度未收取政府信息公开信息处理费。".to_string()
    } else {
        format!("本年度收取政府信息公开信息处理费{paid}件，共计{yuan}元。")
    }
}

/// The narrative a report starts from, before the agency edits it: section 一's account of
/// requests stated from table 三 (so the text agrees with the table), the 行政规范性文件
/// figures from table 二, and the fee statement; sections 五 and 六 left for the agency.
pub fn default_sections(
    agency: &str,
    year: u16,
    values: &BTreeMap<CellId, Number>,
    fee: &str,
) -> [Vec<String>; 6] {
    let g = |k: &str| {
        CellId::from_key(k)
            .and_then(|id| values.get(&id))
            .copied()
            .unwrap_or(Number::ZERO)
    };
    let family = |f: &str| {
        Number::sum(
            T3_ROWS
                .iter()
                .filter(|r| r.family == f && r.in_2021)
                .map(|r| g(&format!("t3.{}.total", r.key))),
        )
        .unwrap_or(Number::ZERO)
    };
    [
        vec![
            format!("{year}年，{agency}深入贯彻落实《中华人民共和国政府信息公开条例》，依法做好政府信息公开工作。"),
            format!(
                "本年度共收到政府信息公开申请{}件，上年结转{}件，办结{}件，结转下年度继续办理{}件。其中予以公开{}件，部分公开{}件，不予公开{}件，无法提供{}件，不予处理{}件，其他处理{}件。",
                g("t3.new.total"),
                g("t3.carried_over.total"),
                g("t3.total_processed.total"),
                g("t3.carried_forward.total"),
                family("granted"),
                family("partial"),
                family("denied"),
                family("unavailable"),
                family("not_processed"),
                family("other"),
            ),
            format!(
                "全年制发行政规范性文件{}件，废止{}件，现行有效的行政规范性文件{}件。",
                g("t2.normative_docs.issued"),
                g("t2.normative_docs.repealed"),
                g("t2.normative_docs.in_force")
            ),
        ],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![fee.to_string()],
    ]
}

fn print(values: &BTreeMap<CellId, Number>, id: CellId) -> layout::LayoutCell {
    c(values.get(&id).copied().unwrap_or(Number::ZERO).to_string())
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A section to write: heading, paragraphs, table.
type Part<'a> = (&'static str, &'a [String], Option<Vec<LayoutRow>>);

impl Composed {
    /// `{agency}{year}年政府信息公开工作年度报告`.
    pub fn title(&self) -> String {
        format!("{}{}年政府信息公开工作年度报告", self.agency, self.year)
    }

    /// The table of section `number` in the official layout (二, 三, 四), if it has one.
    fn table(&self, number: u8) -> Option<Vec<LayoutRow>> {
        let v = &self.values;
        match number {
            2 => Some(layout::t2(Format::V2021, &mut |id| print(v, id))),
            3 => Some(layout::t3(Format::V2021, &[], &mut |id| print(v, id))),
            4 => Some(layout::t4(&mut |id| print(v, id))),
            _ => None,
        }
    }

    /// The sections in order: (heading `一、总体情况`, paragraphs, table).
    fn parts(&self) -> Vec<Part<'_>> {
        SECTIONS
            .iter()
            .map(|def| {
                (
                    def.canonical,
                    self.sections[usize::from(def.number - 1)].as_slice(),
                    self.table(def.number),
                )
            })
            .collect()
    }

    /// Document blocks for DOCX and PDF.
    pub fn blocks(&self) -> Vec<DocBlock> {
        let mut out = vec![
            DocBlock::Title(self.title()),
            DocBlock::Para(format!(
                "发布机构：{}　发布日期：{}",
                self.agency, self.published
            )),
        ];
        for (heading, paras, table) in self.parts() {
            let (numeral, text) = heading.split_once('、').unwrap_or(("", heading));
            out.push(DocBlock::Heading {
                numeral: numeral.chars().next(),
                text: text.to_string(),
            });
            out.extend(paras.iter().map(|p| DocBlock::Para(p.clone())));
            if let Some(rows) = table {
                out.push(DocBlock::Table(
                    rows.into_iter()
                        .map(|r| {
                            r.into_iter()
                                .map(|c| DocCell {
                                    text: c.text,
                                    colspan: c.colspan,
                                    rowspan: c.rowspan,
                                })
                                .collect()
                        })
                        .collect(),
                ));
            }
        }
        out
    }

    /// The report as a DOCX file.
    pub fn docx(&self) -> Vec<u8> {
        crate::render::docx::write_docx(&self.blocks(), &Default::default())
    }

    /// The report as a standalone HTML page, laid out for reading and printing.
    pub fn html(&self) -> String {
        let title = esc(&self.title());
        let mut out = format!(
            "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{title}</title>\n<style>\
             body{{max-width:46em;margin:2em auto;font-family:\"FangSong\",\"仿宋_GB2312\",\"仿宋\",serif;font-size:16pt;line-height:1.6}}\
             h1{{font-family:\"FZXiaoBiaoSong-B05S\",\"方正小标宋简体\",\"SimSun\",serif;text-align:center;font-weight:normal;font-size:22pt}}\
             h2{{font-family:\"SimHei\",\"黑体\",sans-serif;font-weight:normal;font-size:16pt}}\
             p{{text-indent:2em;margin:0}} p.meta{{text-indent:0;text-align:center}}\
             table{{border-collapse:collapse;width:100%;font-size:10.5pt;margin:.5em 0}} td{{border:1px solid #000;padding:2px 4px;text-align:center}}\
             </style></head>\n<body>\n<h1>{title}</h1>\n<p class=\"meta\">发布机构：{}　发布日期：{}</p>\n",
            esc(&self.agency),
            esc(&self.published)
        );
        for (heading, paras, table) in self.parts() {
            let _ = writeln!(out, "<h2>{}</h2>", esc(heading));
            for p in paras {
                let _ = writeln!(out, "<p>{}</p>", esc(p));
            }
            if let Some(rows) = table {
                out.push_str("<table>\n");
                for row in rows {
                    out.push_str("<tr>");
                    for cell in row {
                        let attrs = cell.span_attrs();
                        let _ = write!(out, "<td{attrs}>{}</td>", esc(&cell.text));
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</table>\n");
            }
        }
        out.push_str("</body></html>\n");
        out
    }

    /// The HTML read back through the reader, with every rule's findings: the report as
    /// anyone checking the published page will see it.
    pub fn read_back(&self) -> Result<(crate::Report, Vec<crate::Diagnostic>), crate::ParseError> {
        let report = crate::parse(self.html().as_bytes())?;
        let found = crate::check(&report, None);
        Ok((report, found))
    }

    /// The report as Markdown (the standard rendering of what is read back).
    pub fn markdown(&self) -> Result<String, crate::ParseError> {
        Ok(crate::render::markdown::render(&self.read_back()?.0))
    }

    /// Sections with no text, by number (sections 二, 三 and 四 are their tables, and
    /// never empty); a report is not published while any remain.
    pub fn empty_sections(&self) -> Vec<u8> {
        (1..=6u8)
            .filter(|n| {
                !(2..=4).contains(n)
                    && self.sections[usize::from(n - 1)]
                        .iter()
                        .all(|p| p.trim().is_empty())
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::{
        table3, table4, Applicant, Request, ReviewCase, ReviewKind, ReviewResult,
    };
    use jiff::civil::date;
    use jiff::ToSpan;

    fn composed() -> Composed {
        let mut rng = fastrand::Rng::with_seed(7);
        let outcomes: Vec<&str> = crate::register::outcomes().collect();
        let requests: Vec<Request> = (0..300)
            .map(|_| {
                let received = date(2023, 11, 1)
                    .checked_add(rng.i64(0..420).days())
                    .unwrap();
                let answered = (rng.u8(0..8) > 0).then(|| {
                    (
                        received.checked_add(rng.i64(0..40).days()).unwrap(),
                        outcomes[rng.usize(..outcomes.len())],
                    )
                });
                Request {
                    applicant: Applicant::ALL[rng.usize(..6)],
                    received,
                    answered,
                }
            })
            .collect();
        let reviews = [
            ReviewCase {
                kind: ReviewKind::Review,
                filed: date(2024, 2, 1),
                decided: Some((date(2024, 4, 1), ReviewResult::Upheld)),
            },
            ReviewCase {
                kind: ReviewKind::SuitDirect,
                filed: date(2024, 11, 1),
                decided: None,
            },
        ];
        let mut values: BTreeMap<CellId, Number> = table3(&requests, 2024)
            .unwrap()
            .into_iter()
            .chain(table4(&reviews, 2024).unwrap())
            .collect();
        for (i, (id, _)) in t2_entries().into_iter().enumerate() {
            values.insert(id, Number::new(i as i64 % 7, 0));
        }
        let mut sections = default_sections(
            "测试县人民政府办公室",
            2024,
            &values,
            &fee_statement(2, 3100),
        );
        sections[1].push("本年度主动公开政府信息情况见下表。".into());
        sections[4].push(
            "（一）存在的主要问题：政策解读形式较为单一。（二）改进情况：丰富解读形式。".into(),
        );
        Composed {
            agency: "测试县人民政府办公室".into(),
            year: 2024,
            published: "2025-01-20".into(),
            values,
            sections,
        }
    }

    /// Clean by construction: the published page reads back with every cell as counted,
    /// and no rule finds an error or a warning.
    #[test]
    fn the_composed_report_reads_back_clean_and_exact() {
        let c = composed();
        assert!(c.empty_sections().is_empty());
        let (report, found) = c.read_back().unwrap();
        let serious: Vec<_> = found
            .iter()
            .filter(|d| d.severity >= crate::Severity::Warning)
            .map(|d| (d.code, d.message.clone()))
            .collect();
        assert!(serious.is_empty(), "{serious:?}");
        assert_eq!(report.year(), Some(2024));
        assert_eq!(report.agency(), Some("测试县人民政府办公室"));
        for (id, v) in &c.values {
            let got = report
                .cell(*id)
                .unwrap_or_else(|| panic!("{} not read back", id.key()));
            assert_eq!(got.value, *v, "{}", id.key());
        }
        for n in 1..=6 {
            assert!(report.section(n).is_some(), "section {n}");
        }
        assert!(report.section(6).unwrap().text.contains("3100元"));
    }

    #[test]
    fn the_docx_reads_back_the_same_cells() {
        let c = composed();
        let report = crate::parse(&c.docx()).unwrap();
        for (id, v) in &c.values {
            assert_eq!(report.cell(*id).map(|x| x.value), Some(*v), "{}", id.key());
        }
        let md = c.markdown().unwrap();
        assert!(
            md.contains("## 六、其他需要报告的事项") && md.contains("3100元"),
            "{md}"
        );
    }

    #[test]
    fn the_markdown_reads_back_the_same_cells_with_no_finding() {
        let c = composed();
        let md = c.markdown().unwrap();
        let report = crate::parse(md.as_bytes()).unwrap();
        for (id, v) in &c.values {
            assert_eq!(report.cell(*id).map(|x| x.value), Some(*v), "{}", id.key());
        }
        let found: Vec<_> = crate::check(&report, None)
            .into_iter()
            .filter(|d| d.severity >= crate::Severity::Warning)
            .map(|d| (d.code, d.message))
            .collect();
        assert!(found.is_empty(), "{found:?}\n{md}");
        for n in 1..=6 {
            assert!(report.section(n).is_some(), "section {n}");
        }
    }

    #[test]
    fn empty_sections_are_named() {
        let mut c = composed();
        c.sections[4].clear();
        c.sections[0] = vec!["  ".into()];
        assert_eq!(c.empty_sections(), vec![1, 5]);
        assert_eq!(fee_statement(0, 0), "本年度未收取政府信息公开信息处理费。");
    }
}
