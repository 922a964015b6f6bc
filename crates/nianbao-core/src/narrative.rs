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

/// Words that make a figure something other than the count itself.
const NOT_A_COUNT: [&str; 16] = [
    "同比", "增长", "增加", "减少", "下降", "上升", "较上年", "比上年", "占", "%", "％", "来信", "咨询", "留言", "建议", "提案",
];

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
            let span = if p.verbatim { Span::new(p.span.start + i, p.span.start + i + num_len) } else { p.span };
            for topic in topics_of(clause, about_applications, last_topic) {
                out.push(Figure { topic, value, span, clause: format!("{clause}{}", &text[i..i + num_len]) });
                last_topic = Some(topic);
            }
            let unit_end = i + num_len + (after.len() - after_trim.len()) + unit.map_or(0, str::len);
            last_end = unit_end;
            i = unit_end;
        }
    }
    out
}

const QUALIFIERS: [&str; 7] = ["现行有效", "废止", "失效", "制发", "制定", "印发", "出台"];
const NOT_ABOUT_APPLICATIONS: [&str; 4] = ["其中", "投诉", "举报", "信访"];
const BOTH: [&str; 4] = ["收到并办结", "受理并办结", "收到并全部办结", "受理并全部办结"];
const CASE_DETAIL: [&str; 7] = ["纠正", "纠错", "维持", "撤销", "败诉", "胜诉", "审结"];
const MISC: [&str; 3] = ["规范性文件", "申请", "决定"];

/// Every word the clause reader looks for, in one automaton: a clause is scanned once.
struct Lexicon {
    ac: aho_corasick::AhoCorasick,
    words: Vec<&'static str>,
    index: std::collections::HashMap<&'static str, usize>,
}

fn lexicon() -> &'static Lexicon {
    static L: std::sync::OnceLock<Lexicon> = std::sync::OnceLock::new();
    L.get_or_init(|| {
        let mut words: Vec<&'static str> = Vec::new();
        words.extend(APPLICATION_TOPICS.iter().map(|(w, _)| *w));
        words.extend(OTHER_TOPICS.iter().map(|(w, _)| *w));
        for list in [&NOT_A_COUNT[..], &QUALIFIERS, &NOT_ABOUT_APPLICATIONS, &BOTH, &CASE_DETAIL, &MISC] {
            words.extend(list.iter().copied());
        }
        words.sort_unstable();
        words.dedup();
        let ac = aho_corasick::AhoCorasick::new(&words).expect("narrative words build an automaton");
        let index = words.iter().enumerate().map(|(i, w)| (*w, i)).collect();
        Lexicon { ac, words, index }
    })
}

/// Where each lexicon word last ends in a clause.
struct Found<'l> {
    lex: &'l Lexicon,
    end: Vec<Option<usize>>,
}

impl Found<'_> {
    fn scan(clause: &str) -> Found<'static> {
        let lex = lexicon();
        let mut end = vec![None; lex.words.len()];
        for m in lex.ac.find_overlapping_iter(clause) {
            let e = &mut end[m.pattern().as_usize()];
            *e = Some(e.map_or(m.end(), |x: usize| x.max(m.end())));
        }
        Found { lex, end }
    }

    fn end_of(&self, w: &str) -> Option<usize> {
        self.lex.index.get(w).and_then(|&i| self.end[i])
    }

    fn has(&self, w: &str) -> bool {
        self.end_of(w).is_some()
    }

    fn any(&self, ws: &[&str]) -> bool {
        ws.iter().any(|w| self.has(w))
    }
}

/// The topics a clause states a figure about (usually one; `收到并办结` gives two).
fn topics_of(clause: &str, about_applications: bool, previous: Option<Topic>) -> Vec<Topic> {
    let f = Found::scan(clause);
    if f.any(&NOT_A_COUNT) {
        return Vec::new();
    }
    // The topic word nearest the number decides.
    let mut best: Option<(usize, Topic)> = None;
    let mut consider = |table: &[(&str, Topic)]| {
        for (k, t) in table {
            if let Some(end) = f.end_of(k) {
                if best.is_none_or(|(e, _)| end > e) {
                    best = Some((end, *t));
                }
            }
        }
    };
    if about_applications {
        consider(&APPLICATION_TOPICS);
    }
    consider(&OTHER_TOPICS);
    let normative = f.end_of("规范性文件");
    let qualifier = if f.has("现行有效") {
        Some(Topic::NormativeInForce)
    } else if f.has("废止") || f.has("失效") {
        Some(Topic::NormativeRepealed)
    } else if f.any(&["制发", "制定", "印发", "出台"]) {
        Some(Topic::NormativeIssued)
    } else {
        None
    };
    if let Some(end) = normative {
        if best.is_none_or(|(e, _)| end > e) {
            return qualifier.into_iter().collect();
        }
    } else if best.is_none() {
        // `…制发行政规范性文件14件，失效及废止34件`: the qualifier alone continues the topic.
        if matches!(previous, Some(Topic::NormativeIssued | Topic::NormativeRepealed | Topic::NormativeInForce)) {
            return qualifier.into_iter().collect();
        }
    }
    let Some((_, topic)) = best else { return Vec::new() };
    match topic {
        Topic::Received | Topic::Processed => {
            // `收到` is generic: the clause itself must be about applications. `办结` is
            // specific enough within a paragraph about applications.
            let needs_word = topic == Topic::Received && !f.has("申请");
            if needs_word || f.any(&NOT_ABOUT_APPLICATIONS) {
                return Vec::new();
            }
            if f.any(&BOTH) {
                return vec![Topic::Received, Topic::Processed];
            }
            vec![topic]
        }
        Topic::Licensing | Topic::Punishment | Topic::Coercion => {
            if f.has("决定") {
                vec![topic]
            } else {
                Vec::new()
            }
        }
        // Only the total: `被申请行政复议2件`, not `行政复议纠错1件`.
        Topic::Review | Topic::Litigation if f.any(&CASE_DETAIL) => Vec::new(),
        t => vec![t],
    }
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
        while rest[len..].starts_with(',') && rest[len + 1..].bytes().take_while(|b| b.is_ascii_digit()).count() == 3 {
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
        let p = SectionPara { text: text.into(), span: Span::new(0, text.len()), verbatim: true };
        figures(&[p]).into_iter().map(|f| (f.topic, f.value)).collect()
    }

    #[test]
    fn application_figures() {
        assert_eq!(
            read("2023年，全区依申请公开93件，上年结转0件，现已办结80件，结转下年度继续办理13件。"),
            vec![(Topic::Received, 93), (Topic::CarriedOver, 0), (Topic::Processed, 80), (Topic::CarriedForward, 13)]
        );
        assert_eq!(read("全年共收到并办结政府信息公开申请42件。"), vec![(Topic::Received, 42), (Topic::Processed, 42)]);
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
    fn normative_documents() {
        assert_eq!(
            read("全年制发行政规范性文件14件，失效及废止34件，至12月31日现行有效的行政规范性文件共165件（其中区级141件、部门24件）。"),
            vec![(Topic::NormativeIssued, 14), (Topic::NormativeRepealed, 34), (Topic::NormativeInForce, 165)]
        );
    }
}
