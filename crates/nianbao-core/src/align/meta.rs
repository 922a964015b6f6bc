//! Metadata: year, agency, publication date, 索引号, 文号, title.

use std::sync::OnceLock;

use regex::Regex;

use super::tokens::{Kind, Tok};
use crate::document::Span;
use crate::report::{Located, Meta, Section};

struct Patterns {
    title: Regex,
    period: Regex,
    year: Regex,
    date: Regex,
    index: Regex,
    doc_no_field: Regex,
    doc_no_line: Regex,
    publisher: Regex,
    subject: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| Patterns {
        // `[agency] 2023 年[度] [agency] 政府信息公开工作年度报告`
        title: Regex::new(r"^(?:(?:名\s*称|标\s*题|题\s*目)\s*[:：]\s*)?(.*?)\s*(\d{4})\s*年\s*度?\s*(.*?)\s*(?:政府信息公开|政务公开|信息公开)(?:工作)?\s*(?:年度报告|年报)\s*(?:[（(]全文[)）])?$").unwrap(),
        period: Regex::new(r"(?:统计期限|统计时限|统计期间|统计时间|数据统计).{0,16}?(\d{4})\s*年\s*1\s*月\s*1\s*日|(\d{4})\s*年\s*1\s*月\s*1\s*日\s*(?:起)?\s*(?:至|到|-|—)\s*(\d{4})\s*年\s*12\s*月\s*31\s*日").unwrap(),
        year: Regex::new(r"(\d{4})\s*年").unwrap(),
        date: Regex::new(r"(发布日期|发布时间|发文日期|公文生成日期|生成日期|成文日期|印发日期)\s*[:：]?\s*(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})").unwrap(),
        index: Regex::new(r"索\s*引\s*号\s*[:：]?\s*([A-Za-z0-9][A-Za-z0-9\-_/.]*)").unwrap(),
        doc_no_field: Regex::new(r"文\s*号\s*[:：]\s*([^\s|]{2,20}?[〔\[［(（]\d{4}[〕\]］)）]\s*\d+\s*号)").unwrap(),
        doc_no_line: Regex::new(r"^([\p{Han}]{2,12}[〔\[［]\d{4}[〕\]］]\d+号)$").unwrap(),
        publisher: Regex::new(r"(?:发布机构|发布单位|发文机关|来源单位)\s*[:：]?\s*([\p{Han}（）()]{2,30})").unwrap(),
        subject: Regex::new(r"\d{4}\s*年(?:度)?\s*[,，]?\s*([\p{Han}]{1,14}(?:自治区|自治州|自治县|街道办事处|街道|办事处|人民政府|政府|区|县|市|旗|镇|乡|局|委员会|委|办公室|办|厅|署|中心))").unwrap(),
    })
}

/// A piece of text where metadata may stand.
struct Line<'a> {
    text: &'a str,
    span: Span,
    verbatim: bool,
}

fn sub_span(line: &Line<'_>, range: std::ops::Range<usize>) -> Span {
    if line.verbatim {
        Span::new(line.span.start + range.start, line.span.start + range.end)
    } else {
        line.span
    }
}

/// The labels of the fields a CMS prints beside 发布机构. A page whose line breaks were
/// lost glues them on (`发布机构：某市统计局发布日期：2024-01-20`): the name ends where
/// the next field's label begins.
const FIELD_LABELS: &[&str] = &[
    "发布日期",
    "发布时间",
    "成文日期",
    "生成日期",
    "公文生成日期",
    "印发日期",
    "发文日期",
    "索引号",
    "文号",
    "发文字号",
    "主题分类",
    "主题词",
    "公开方式",
    "公开范围",
    "公开时限",
    "有效性",
    "信息来源",
    "来源",
    "浏览次数",
    "点击数",
    "访问量",
    "所属机构",
    "组配分类",
    "体裁分类",
    "服务对象",
];

/// `text` up to the first field label in it (all of it when there is none).
fn before_next_field(text: &str) -> &str {
    let end = FIELD_LABELS
        .iter()
        .filter_map(|l| text.find(l))
        .min()
        .unwrap_or(text.len());
    &text[..end]
}

/// Reads the metadata. `sections` gives 总体情况 for the year and agency fallbacks.
pub(crate) fn read_meta(toks: &[Tok<'_>], sections: &[Section]) -> Meta {
    let p = patterns();
    let lines: Vec<Line<'_>> = toks
        .iter()
        .filter(|t| t.kind == Kind::Label)
        .map(|t| Line {
            text: t.text,
            span: t.span,
            verbatim: true,
        })
        .collect();
    let mut meta = Meta::default();

    // Two passes over the title lines: first one whose words name a body the way bodies
    // are named (a site's menu link `2019年以前政府信息公开年度报告` does not), then any.
    'passes: for strict in [true, false] {
        for (li, line) in lines.iter().enumerate() {
            let text = crate::text::trim(line.text.trim_end_matches(['|', ' ']));
            if !(text.ends_with("报告")
                || text.ends_with("年报")
                || text.ends_with('）')
                || text.ends_with(')'))
            {
                continue;
            }
            if let Some(c) = p.title.captures(text) {
                let year: u16 = c[2].parse().unwrap_or(0);
                if !(2000..=2100).contains(&year) {
                    continue;
                }
                let before = clean_agency(&c[1]);
                let after = clean_agency(&c[3]);
                // Words that name no body (`2019年以前政府信息公开年度报告`, a site's menu): not
                // the report's title.
                let names =
                    |a: &str| a.is_empty() || AGENCY_SUFFIXES.iter().any(|s| a.ends_with(s));
                if strict && (!names(&before) || !names(&after)) {
                    continue;
                }
                // A title broken before the year (`淮安市人民政府` / `2024 年政府信息公开…`):
                // the line above names the agency.
                let above = li
                    .checked_sub(1)
                    .map(|i| clean_agency(lines[i].text))
                    .filter(|a| {
                        a.chars().count() <= 24
                            && AGENCY_SUFFIXES.iter().any(|s| a.ends_with(s))
                            && !a.contains(|c: char| c.is_ascii_digit())
                    })
                    .unwrap_or_default();
                let agency = [before, after, above]
                    .into_iter()
                    .find(|a| !a.is_empty())
                    .unwrap_or_default();
                let off = text.as_ptr() as usize - line.text.as_ptr() as usize;
                let span = sub_span(line, off..off + text.len());
                meta.title = Some(Located {
                    value: text.to_string(),
                    span,
                    source: "标题",
                });
                let m = c.get(2).unwrap();
                meta.year = Some(Located {
                    value: year,
                    span: sub_span(line, off + m.start()..off + m.end()),
                    source: "标题",
                });
                if !agency.is_empty() {
                    meta.agency = Some(Located {
                        value: agency,
                        span,
                        source: "标题",
                    });
                }
                break 'passes;
            }
        }
    }

    if meta.year.is_none() {
        for line in lines
            .iter()
            .filter(|l| l.text.contains("1月1日") || l.text.contains("1 月 1 日"))
        {
            if let Some(c) = p.period.captures(line.text) {
                let m = c.get(1).or_else(|| c.get(2)).unwrap();
                if let Ok(y) = m.as_str().parse() {
                    meta.year = Some(Located {
                        value: y,
                        span: sub_span(line, m.range()),
                        source: "统计期限",
                    });
                    break;
                }
            }
        }
    }
    if meta.year.is_none() {
        if let Some(s) = sections.iter().find(|s| s.number == 1) {
            'outer: for para in &s.paras {
                for c in p.year.captures_iter(&para.text) {
                    let m = c.get(1).unwrap();
                    if let Ok(y) = m.as_str().parse::<u16>() {
                        if (2000..=2100).contains(&y) {
                            let span = if para.verbatim {
                                Span::new(para.span.start + m.start(), para.span.start + m.end())
                            } else {
                                para.span
                            };
                            meta.year = Some(Located {
                                value: y,
                                span,
                                source: "总体情况",
                            });
                            break 'outer;
                        }
                    }
                }
            }
        }
    }

    // Publication date: the most specific field wins.
    const DATE_ORDER: [&str; 7] = [
        "发布日期",
        "发布时间",
        "发文日期",
        "公文生成日期",
        "生成日期",
        "印发日期",
        "成文日期",
    ];
    let mut best: Option<(usize, Located<String>)> = None;
    for line in lines
        .iter()
        .filter(|l| l.text.contains("日期") || l.text.contains("时间"))
    {
        for c in p.date.captures_iter(line.text) {
            let rank = DATE_ORDER
                .iter()
                .position(|k| *k == &c[1])
                .unwrap_or(DATE_ORDER.len());
            let (y, m, d): (u16, u8, u8) = match (c[2].parse(), c[3].parse(), c[4].parse()) {
                (Ok(y), Ok(m), Ok(d)) => (y, m, d),
                _ => continue,
            };
            if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
                continue;
            }
            if best.as_ref().is_none_or(|(r, _)| rank < *r) {
                let whole = c.get(0).unwrap();
                best = Some((
                    rank,
                    Located {
                        value: format!("{y:04}-{m:02}-{d:02}"),
                        span: sub_span(line, whole.range()),
                        source: "发布日期",
                    },
                ));
            }
        }
    }
    meta.published = best.map(|(_, l)| l);

    for line in lines.iter().filter(|l| l.text.contains('号')) {
        if meta.index_number.is_none() {
            if let Some(c) = p.index.captures(line.text) {
                let m = c.get(1).unwrap();
                meta.index_number = Some(Located {
                    value: m.as_str().to_string(),
                    span: sub_span(line, m.range()),
                    source: "索引号",
                });
            }
        }
        if meta.document_number.is_none() {
            let text = crate::text::trim(line.text);
            if let Some(c) = p.doc_no_field.captures(line.text) {
                let m = c.get(1).unwrap();
                meta.document_number = Some(Located {
                    value: m.as_str().to_string(),
                    span: sub_span(line, m.range()),
                    source: "文号",
                });
            } else if p.doc_no_line.is_match(text) {
                meta.document_number = Some(Located {
                    value: text.to_string(),
                    span: line.span,
                    source: "文号",
                });
            }
        }
    }

    if meta.agency.is_none() {
        for line in lines
            .iter()
            .filter(|l| ["机构", "单位", "机关"].iter().any(|w| l.text.contains(w)))
        {
            if let Some(c) = p.publisher.captures(line.text) {
                let m = c.get(1).unwrap();
                let value = before_next_field(m.as_str());
                if value.chars().count() < 2 {
                    continue;
                }
                meta.agency = Some(Located {
                    value: value.to_string(),
                    span: sub_span(line, m.start()..m.start() + value.len()),
                    source: "发布机构",
                });
                break;
            }
        }
    }
    if meta.agency.is_none() {
        if let Some(s) = sections.iter().find(|s| s.number == 1) {
            'found: for para in &s.paras {
                for c in p.subject.captures_iter(&para.text) {
                    let m = c.get(1).unwrap();
                    let name = m.as_str();
                    // `我区`, `本街道`, `全县` name no one.
                    if name.starts_with(['我', '本', '全', '各', '该', '此'])
                        || name.chars().count() < 2
                    {
                        continue;
                    }
                    let span = if para.verbatim {
                        Span::new(para.span.start + m.start(), para.span.start + m.end())
                    } else {
                        para.span
                    };
                    meta.agency = Some(Located {
                        value: name.to_string(),
                        span,
                        source: "总体情况",
                    });
                    break 'found;
                }
            }
        }
    }
    meta
}

/// How the names of reporting bodies end.
const AGENCY_SUFFIXES: [&str; 16] = [
    "人民政府",
    "政府",
    "办事处",
    "街道",
    "局",
    "委员会",
    "委",
    "办公室",
    "办",
    "厅",
    "署",
    "中心",
    "区",
    "县",
    "市",
    "镇",
];

fn clean_agency(s: &str) -> String {
    let s = crate::text::trim(s);
    let s = s.trim_matches(|c: char| {
        c.is_ascii_punctuation() || matches!(c, '《' | '》' | '“' | '”' | '：' | '，')
    });
    let s = s.strip_prefix("关于印发").unwrap_or(s);
    let s = s.strip_suffix("关于").unwrap_or(s);
    crate::text::trim(s).to_string()
}

#[cfg(test)]
mod tests {
    fn agency(text: &str) -> Option<String> {
        crate::parse(text.as_bytes())
            .ok()?
            .meta
            .agency
            .map(|a| a.value)
    }

    #[test]
    fn a_publisher_field_ends_where_the_next_field_begins() {
        let body = "\n一、总体情况\n本年度工作。\n二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n四、政府信息公开行政复议、行政诉讼情况\n五、存在的主要问题及改进情况\n六、其他需要报告的事项\n";
        assert_eq!(
            agency(&format!(
                "2023年政府信息公开工作年度报告\n索引号：11-22/2024-01发布机构：某市统计局发布日期：2024-01-20{body}"
            ))
            .as_deref(),
            Some("某市统计局")
        );
        assert_eq!(
            agency(&format!(
                "2023年政府信息公开工作年度报告\n发布机构：某县民政局\n{body}"
            ))
            .as_deref(),
            Some("某县民政局")
        );
    }

    #[test]
    fn the_title_names_the_agency_without_crawler_fields_or_menu_links() {
        let body = "\n一、总体情况\n本年度工作。\n二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n四、政府信息公开行政复议、行政诉讼情况\n五、存在的主要问题及改进情况\n六、其他需要报告的事项\n";
        assert_eq!(
            agency(&format!(
                "标题: 某市统计局2023年度政府信息公开工作年度报告{body}"
            ))
            .as_deref(),
            Some("某市统计局")
        );
        assert_eq!(
            agency(&format!("2019年以前政府信息公开年度报告\n某县人民政府办公室2019年政府信息公开工作年度报告{body}")).as_deref(),
            Some("某县人民政府办公室")
        );
        assert_eq!(
            agency(&format!("某某局关于2023年度政府信息公开工作年度报告{body}")).as_deref(),
            Some("某某局")
        );
        assert_eq!(
            agency(&format!("西大街 2023 年政府信息公开工作年度报告{body}")).as_deref(),
            Some("西大街")
        );
    }
}
