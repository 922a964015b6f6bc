//! Figures stated in the narrative (e.g. `共收到政府信息公开申请42件`), with what they
//! are about, so that the rules can compare them with the tables.
//!
//! Precision matters more than recall: a figure is taken only when its clause names
//! a topic the tables report, in the unit the tables count (`件`, `起`), and nothing
//! in the clause makes it a change, a share or a subset (`同比增加`, `其中`, `占`).
//! Figures about something else — 主动公开信息273条, 政策解读22条, 办理群众来信71件 —
//! are never taken.

use crate::document::Span;
use crate::report::SectionPara;

/// What a stated figure is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Topic {
    /// 本年新收 / 收到 applications.
    Received,
    /// 上年结转.
    CarriedOver,
    /// 办结.
    Processed,
    /// 结转下年度.
    CarriedForward,
    /// An outcome family: `granted`, `partial`, `denied`, `unavailable`, `not_processed`, `other`.
    Outcome(&'static str),
    /// 规范性文件 issued (制发).
    NormativeIssued,
    /// 规范性文件 repealed (废止).
    NormativeRepealed,
    /// 规范性文件 in force (现行有效).
    NormativeInForce,
    /// 行政许可 decisions.
    Licensing,
    /// 行政处罚 decisions.
    Punishment,
    /// 行政强制 decisions.
    Coercion,
    /// 行政复议 cases.
    Review,
    /// 行政诉讼 cases.
    Litigation,
}

impl Topic {
    /// Chinese name for messages.
    pub fn chinese(self) -> &'static str {
        match self {
            Topic::Received => "收到申请数",
            Topic::CarriedOver => "上年结转数",
            Topic::Processed => "办结数",
            Topic::CarriedForward => "结转下年度数",
            Topic::Outcome("granted") => "予以公开数",
            Topic::Outcome("partial") => "部分公开数",
            Topic::Outcome("denied") => "不予公开数",
            Topic::Outcome("unavailable") => "无法提供数",
            Topic::Outcome("not_processed") => "不予处理数",
            Topic::Outcome(_) => "其他处理数",
            Topic::NormativeIssued => "制发规范性文件数",
            Topic::NormativeRepealed => "废止规范性文件数",
            Topic::NormativeInForce => "现行有效规范性文件数",
            Topic::Licensing => "行政许可决定数",
            Topic::Punishment => "行政处罚决定数",
            Topic::Coercion => "行政强制决定数",
            Topic::Review => "行政复议案件数",
            Topic::Litigation => "行政诉讼案件数",
        }
    }
}

/// A figure the narrative states.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    /// What it is about.
    pub topic: Topic,
    /// The number.
    pub value: u64,
    /// Where the number stands.
    pub span: Span,
    /// The clause it was read from (for messages).
    pub clause: String,
}

const APPLICATION_TOPICS: [(&str, Topic); 19] = [
    ("结转下年", Topic::CarriedForward),
    ("转入下年", Topic::CarriedForward),
    ("结转至下年", Topic::CarriedForward),
    ("结转到下年", Topic::CarriedForward),
    ("上年结转", Topic::CarriedOver),
    ("上年度结转", Topic::CarriedOver),
    ("上一年度结转", Topic::CarriedOver),
    ("予以公开", Topic::Outcome("granted")),
    ("部分公开", Topic::Outcome("partial")),
    ("区分处理", Topic::Outcome("partial")),
    ("不予公开", Topic::Outcome("denied")),
    ("无法提供", Topic::Outcome("unavailable")),
    ("不予处理", Topic::Outcome("not_processed")),
    ("其他处理", Topic::Outcome("other")),
    ("办结", Topic::Processed),
    ("办理完毕", Topic::Processed),
    ("新收", Topic::Received),
    ("收到", Topic::Received),
    ("受理", Topic::Received),
];

const OTHER_TOPICS: [(&str, Topic); 6] = [
    ("依申请公开", Topic::Received),
    ("行政复议", Topic::Review),
    ("行政诉讼", Topic::Litigation),
    ("行政许可", Topic::Licensing),
    ("行政处罚", Topic::Punishment),
    ("行政强制", Topic::Coercion),
];

/// Words that make a figure something other than the count itself: a change, a share,
/// another kind of request, a cumulative or open-ended count (`累计`, `等`), answers rather
/// than receipts (`答复`), late answers (`逾期`), a review of old documents (`梳理…保留22件`),
/// one body's share of a whole area's figure (`区政府办代表区政府受理…17件`).
const NOT_A_COUNT: [&str; 27] = [
    "同比",
    "增长",
    "增加",
    "减少",
    "下降",
    "上升",
    "较上年",
    "比上年",
    "占",
    "%",
    "％",
    "来信",
    "咨询",
    "留言",
    "建议",
    "提案",
    "等",
    "累计",
    "答复",
    "回复",
    "逾期",
    "超期",
    "超过",
    "梳理",
    "清理",
    "保留",
    "代表",
];

/// Words that, right after the unit (`1件逾期答复`), say the count is of something
/// narrower than the topic before it.
const TAIL_QUALIFIERS: [&str; 10] = [
    "逾期", "超期", "未", "答复", "回复", "被", "纠错", "撤销", "败诉", "不予",
];

/// Words that join two topics into a sum (`予以公开及部分公开258件`): the figure is then
/// no single cell, and is not compared.
const CONJUNCTIONS: [&str; 7] = ["及", "和", "与", "、", "以及", "或", "并"];

/// Extracts the figures of a section's paragraphs.
pub fn figures(paras: &[SectionPara]) -> Vec<Figure> {
    let mut out = Vec::new();
    for p in paras {
        // Only a count (`件`, `起`) is compared: most paragraphs state none.
        if !p.text.contains(['件', '起']) {
            continue;
        }
        let about_applications = p.text.contains("申请");
        let mut sentence_start = 0;
        let mut last_end = 0;
        let mut last_topic: Option<Topic> = None;
        let text = p.text.as_str();
        let mut i = 0;
        while i < text.len() {
            let c = text[i..].chars().next().unwrap_or(' ');
            if matches!(c, '。' | '；' | ';' | '！' | '？' | '\n') {
                sentence_start = i + c.len_utf8();
                last_end = sentence_start;
                last_topic = None;
                i += c.len_utf8();
                continue;
            }
            let Some((value, num_len)) = number_at(text, i) else {
                i += c.len_utf8();
                continue;
            };
            let after = &text[i + num_len..];
            let after_trim = after.trim_start();
            let unit = ["件", "起"].into_iter().find(|u| after_trim.starts_with(u));
            let prev = text[..i].chars().next_back();
            let glued = prev.is_some_and(|p| p.is_ascii_alphanumeric() || p == '.' || p == '第');
            if unit.is_none() || glued {
                i += num_len;
                continue;
            }
            let clause_start = last_end.max(sentence_start);
            let clause = &text[clause_start..i];
            let span = if p.verbatim {
                Span::new(p.span.start + i, p.span.start + i + num_len)
            } else {
                p.span
            };
            let unit_end =
                i + num_len + (after.len() - after_trim.len()) + unit.map_or(0, str::len);
            let tail = clause_tail(&text[unit_end..]);
            let topics = if TAIL_QUALIFIERS.iter().any(|w| tail.contains(w)) {
                Vec::new()
            } else {
                topics_of(clause, about_applications, last_topic)
            };
            for topic in topics {
                out.push(Figure {
                    topic,
                    value,
                    span,
                    clause: format!("{clause}{}", &text[i..i + num_len]),
                });
                last_topic = Some(topic);
            }
            last_end = unit_end;
            i = unit_end;
        }
    }
    out
}

/// The words after a figure's unit up to the end of its clause (`逾期答复` in
/// `1件逾期答复，…`).
fn clause_tail(rest: &str) -> &str {
    let end = rest
        .find([
            '，', ',', '。', '；', ';', '、', '：', ':', '！', '？', '\n', '（', '(',
        ])
        .unwrap_or(rest.len());
    &rest[..end]
}

const NOT_ABOUT_APPLICATIONS: [&str; 4] = ["其中", "投诉", "举报", "信访"];
const BOTH: [&str; 4] = [
    "收到并办结",
    "受理并办结",
    "收到并全部办结",
    "受理并全部办结",
];
const CASE_DETAIL: [&str; 7] = ["纠正", "纠错", "维持", "撤销", "败诉", "胜诉", "审结"];

/// What a lexicon word says about a clause (bit flags).
const NOT_COUNT: u16 = 1;
const IN_FORCE: u16 = 1 << 1;
const REPEALED: u16 = 1 << 2;
const ISSUED: u16 = 1 << 3;
const NOT_APPLICATIONS: u16 = 1 << 4;
const RECEIVED_AND_PROCESSED: u16 = 1 << 5;
const CASE_OUTCOME: u16 = 1 << 6;
const APPLICATION: u16 = 1 << 7;
const DECISION: u16 = 1 << 8;

/// Every word the clause reader looks for, in one automaton: a clause is scanned once,
/// and each word found contributes its topic and its flags.
struct Lexicon {
    ac: aho_corasick::AhoCorasick,
    /// Per word: the topic it names (application topics only count in paragraphs about
    /// applications), and its flags.
    topic: Vec<Option<(Topic, bool)>>,
    flags: Vec<u16>,
    /// Per word: whether it is `规范性文件`.
    normative: Vec<bool>,
}

fn lexicon() -> &'static Lexicon {
    static L: std::sync::OnceLock<Lexicon> = std::sync::OnceLock::new();
    L.get_or_init(|| {
        let mut words: Vec<&'static str> = Vec::new();
        let mut topic = Vec::new();
        let mut flags = Vec::new();
        let mut normative = Vec::new();
        let mut add = |w: &'static str, t: Option<(Topic, bool)>, f: u16| {
            words.push(w);
            topic.push(t);
            flags.push(f);
            normative.push(w == "规范性文件");
        };
        for (w, t) in APPLICATION_TOPICS {
            add(w, Some((t, true)), 0);
        }
        for (w, t) in OTHER_TOPICS {
            add(
                w,
                Some((t, false)),
                if w == "依申请公开" {
                    APPLICATION
                } else {
                    0
                },
            );
        }
        for w in NOT_A_COUNT {
            add(w, None, NOT_COUNT);
        }
        add("现行有效", None, IN_FORCE);
        add("废止", None, REPEALED);
        add("失效", None, REPEALED);
        for w in ["制发", "制定", "印发", "出台"] {
            add(w, None, ISSUED);
        }
        for w in NOT_ABOUT_APPLICATIONS {
            add(w, None, NOT_APPLICATIONS);
        }
        for w in BOTH {
            add(w, None, RECEIVED_AND_PROCESSED);
        }
        for w in CASE_DETAIL {
            add(w, None, CASE_OUTCOME);
        }
        add("规范性文件", None, 0);
        add("申请", None, APPLICATION);
        add("决定", None, DECISION);
        let ac =
            aho_corasick::AhoCorasick::new(&words).expect("narrative words build an automaton");
        Lexicon {
            ac,
            topic,
            flags,
            normative,
        }
    })
}

/// The topics a clause states a figure about (usually one; `收到并办结` gives two).
fn topics_of(clause: &str, about_applications: bool, previous: Option<Topic>) -> Vec<Topic> {
    let lex = lexicon();
    let mut flags = 0u16;
    // The topic word nearest the number decides: the one ending last.
    let mut best: Option<(usize, Topic)> = None;
    // Each topic word found, as (start, end, topic), to tell a sum of two topics.
    let mut found: Vec<(usize, usize, Topic)> = Vec::new();
    let mut normative: Option<usize> = None;
    for m in lex.ac.find_overlapping_iter(clause) {
        let i = m.pattern().as_usize();
        flags |= lex.flags[i];
        if lex.normative[i] {
            normative = normative.max(Some(m.end()));
        }
        if let Some((t, needs_applications)) = lex.topic[i] {
            if !needs_applications || about_applications {
                found.push((m.start(), m.end(), t));
                if best.is_none_or(|(e, _)| m.end() > e) {
                    best = Some((m.end(), t));
                }
            }
        }
    }
    if flags & NOT_COUNT != 0 {
        return Vec::new();
    }
    let qualifier = if flags & IN_FORCE != 0 {
        Some(Topic::NormativeInForce)
    } else if flags & REPEALED != 0 {
        Some(Topic::NormativeRepealed)
    } else if flags & ISSUED != 0 {
        Some(Topic::NormativeIssued)
    } else {
        None
    };
    if let Some(end) = normative {
        if best.is_none_or(|(e, _)| end > e) {
            // `集中公开现行有效规范性文件2763件` counts a policy library's entries, not
            // table 二's documents.
            if clause.contains("公开") {
                return Vec::new();
            }
            return qualifier.into_iter().collect();
        }
    } else if best.is_none() {
        // `…制发行政规范性文件14件，失效及废止34件`: the qualifier alone continues the topic.
        if matches!(
            previous,
            Some(Topic::NormativeIssued | Topic::NormativeRepealed | Topic::NormativeInForce)
        ) {
            return qualifier.into_iter().collect();
        }
    }
    let Some((_, topic)) = best else {
        return Vec::new();
    };
    if flags & RECEIVED_AND_PROCESSED == 0 && joins_topics(clause, &found) {
        return Vec::new();
    }
    match topic {
        Topic::Received | Topic::Processed => {
            // `收到` is generic: the clause itself must be about applications. `办结` is
            // specific enough within a paragraph about applications.
            let needs_word = topic == Topic::Received && flags & APPLICATION == 0;
            if needs_word || flags & NOT_APPLICATIONS != 0 {
                return Vec::new();
            }
            if flags & RECEIVED_AND_PROCESSED != 0 {
                return vec![Topic::Received, Topic::Processed];
            }
            vec![topic]
        }
        Topic::Licensing | Topic::Punishment | Topic::Coercion => {
            if flags & DECISION != 0 {
                vec![topic]
            } else {
                Vec::new()
            }
        }
        // Only the total: `被申请行政复议2件`, not `行政复议纠错1件`.
        Topic::Review | Topic::Litigation if flags & CASE_OUTCOME != 0 => Vec::new(),
        t => vec![t],
    }
}

/// Whether two different topics stand joined by a conjunction (`予以公开及部分公开`,
/// `上年结转和本年新收`): the figure is their sum, or either, and names no single cell.
fn joins_topics(clause: &str, found: &[(usize, usize, Topic)]) -> bool {
    found.iter().any(|&(_, end, a)| {
        found.iter().any(|&(start, _, b)| {
            a != b
                && start >= end
                && clause.get(end..start).is_some_and(|between| {
                    let between = between.trim_matches(['“', '”', '"', '的', ' ']);
                    CONJUNCTIONS.iter().any(|c| {
                        between.strip_prefix(c).is_some_and(|rest| {
                            ["", "本年", "本年度", "今年", "当年"]
                                .contains(&rest.trim_matches(['“', '”', '"', ' ']))
                        })
                    })
                })
        })
    })
}

/// An Arabic or Chinese number starting at byte `i`: its value and length in bytes.
fn number_at(text: &str, i: usize) -> Option<(u64, usize)> {
    let rest = &text[i..];
    let digits = rest.bytes().take_while(|b| b.is_ascii_digit()).count();
    if digits > 0 {
        if digits > 12 {
            return None;
        }
        // A thousands-separated number such as 1,234 is read whole.
        let mut len = digits;
        while rest[len..].starts_with(',')
            && rest[len + 1..]
                .bytes()
                .take_while(|b| b.is_ascii_digit())
                .count()
                == 3
        {
            len += 4;
        }
        let v: String = rest[..len].chars().filter(|c| c.is_ascii_digit()).collect();
        return v.parse().ok().map(|v| (v, len));
    }
    let len: usize = rest
        .chars()
        .take_while(|c| "零〇一二两三四五六七八九十百千万".contains(*c))
        .map(char::len_utf8)
        .sum();
    if len == 0 {
        return None;
    }
    crate::text::parse_chinese_numeral(&rest[..len]).map(|v| (v, len))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Vec<(Topic, u64)> {
        let p = SectionPara {
            text: text.into(),
            span: Span::new(0, text.len()),
            verbatim: true,
        };
        figures(&[p])
            .into_iter()
            .map(|f| (f.topic, f.value))
            .collect()
    }

    #[test]
    fn application_figures() {
        assert_eq!(
            read("2023年，全区依申请公开93件，上年结转0件，现已办结80件，结转下年度继续办理13件。"),
            vec![
                (Topic::Received, 93),
                (Topic::CarriedOver, 0),
                (Topic::Processed, 80),
                (Topic::CarriedForward, 13)
            ]
        );
        assert_eq!(
            read("全年共收到并办结政府信息公开申请42件。"),
            vec![(Topic::Received, 42), (Topic::Processed, 42)]
        );
        assert_eq!(
            read("申请办理结果：“予以公开”的32件，“区分处理后公开”的2件，“不予公开”的1件，“无法提供”的二十一件。"),
            vec![
                (Topic::Outcome("granted"), 32),
                (Topic::Outcome("partial"), 2),
                (Topic::Outcome("denied"), 1),
                (Topic::Outcome("unavailable"), 21)
            ]
        );
    }

    #[test]
    fn figures_about_something_else_are_not_taken() {
        assert!(read("主动公开信息273条，发布政策解读22条。").is_empty());
        assert!(read("办理群众来信71件，公开发布43件。").is_empty());
        assert!(read("全年发布政府文件17件，解读政策法规21件。").is_empty());
        assert!(read("收到申请42件，同比增加12件。").len() == 1);
        assert!(read("共收到申请42件，其中自然人申请40件。").len() == 1);
        assert!(read("2022年无规范性文件清理。").is_empty());
    }

    #[test]
    fn sentences_that_mean_something_else_are_not_taken() {
        // A sum of two outcomes, an open-ended class, answers rather than receipts, a
        // policy library, a late answer: none of them is one cell of the tables.
        assert!(read("依申请公开中，予以公开及部分公开120件。").is_empty());
        assert!(read("申请办理结果中，“予以公开”和“部分公开”的共30件。").is_empty());
        assert!(read("依申请公开中，不予公开等其他类型37件。").is_empty());
        assert!(read("全年累计答复依申请公开88件。").is_empty());
        assert!(read("在规范性文件库集中公开现行有效规范性文件1200件。").is_empty());
        assert!(read("依申请公开方面，本年有2件逾期答复。").is_empty());
        assert!(read("上年结转和本年新收政府信息公开申请共50件。").is_empty());
        assert!(read("对以前年度印发的行政规范性文件进行梳理，保留15件。").is_empty());
        assert!(read("县政府办代表县政府受理政府信息公开申请9件。").is_empty());
        // The plain statements are still taken.
        assert_eq!(
            read("全年收到政府信息公开申请50件，均按时答复。"),
            vec![(Topic::Received, 50)]
        );
        assert_eq!(read("予以公开的30件。"), Vec::new());
        assert_eq!(
            read("收到申请50件，其中予以公开30件。"),
            vec![(Topic::Received, 50), (Topic::Outcome("granted"), 30)]
        );
    }

    #[test]
    fn normative_documents() {
        assert_eq!(
            read("全年制发行政规范性文件14件，失效及废止34件，至12月31日现行有效的行政规范性文件共165件（其中区级141件、部门24件）。"),
            vec![(Topic::NormativeIssued, 14), (Topic::NormativeRepealed, 34), (Topic::NormativeInForce, 165)]
        );
    }
}
