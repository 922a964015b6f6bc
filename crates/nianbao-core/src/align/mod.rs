//! Alignment: the document's tokens mapped onto the statutory template.
//!
//! The template is known, so rows are found by their labels, not by position:
//! each *unit* of the token stream is a run of labels followed by a run of values;
//! the labels name the row (the rightmost identifying phrase wins, so a group label
//! such as `三、本年度办理结果` before `（一）予以公开` does not confuse it), and the
//! values are read against the number of columns the template gives that row.
//! Where the values cannot be read with certainty the row is reported, not guessed.

mod meta;
mod recover;
mod sections;
pub(crate) mod tokens;

use std::collections::HashSet;
use std::sync::OnceLock;

use aho_corasick::AhoCorasick;

use tokens::{Kind, Tok};

use crate::diagnostic::{Diagnostic, Severity};
use crate::document::{Block, Document, Span};
use crate::number::Number;
use crate::report::{CellValue, Report, RowFound, Section, SectionPara, Subtotal};
use crate::template::{short_label, CellId, Format, TemplateUse, T2_BLOCKS, T3_COLUMNS, T3_ROWS, T4_COLUMNS, T4_GROUPS};

use sections::HeadingHit;

/// Codes of the reader's own findings (the `E` family). Their docs are in `rules`.
pub mod codes {
    /// A row whose values cannot be read with certainty.
    pub const UNREADABLE_ROW: &str = "E0002";
    /// A row label that deviates from the template but was recognised.
    pub const LABEL_DEVIATION: &str = "E0003";
    /// A table part whose header does not tell which format it follows.
    pub const UNKNOWN_HEADER: &str = "E0004";
    /// A row that appears twice.
    pub const DUPLICATE_ROW: &str = "E0005";
    /// A row whose glued or split numbers were read by the table's identities.
    pub const RECOVERED_ROW: &str = "E0006";
}

/// Aligns a document to the template.
pub fn align(doc: Document, encoding: &'static str) -> Report {
    let toks = tokens::tokens(&doc);
    let headings = sections::find_headings(&toks);
    let sections = build_sections(&doc, &toks, &headings);
    let meta = meta::read_meta(&toks, &sections);

    let mut cx = Aligner { toks: &toks, cells: Vec::new(), rows: Vec::new(), diags: Vec::new(), parts: Vec::new(), stored: vec![false; CellId::count()], subtotals: Vec::new() };
    let region = |n: u8| region_of(&headings, n, toks.len());
    cx.read_t3(region(3));
    cx.read_t2(region(2));
    cx.read_t4(region(4));
    let Aligner { mut cells, rows, diags, parts, subtotals, .. } = cx;
    drop(toks); // the tokens borrow the document, which the report takes over
    cells.sort_by_key(|c| c.id);
    let mut report = Report {
        document: doc,
        encoding,
        meta,
        parts,
        sections,
        cells,
        rows,
        subtotals,
        diagnostics: diags,
        index: Vec::new(),
    };
    report.reindex();
    report
}

/// Token range of a table's section: from its heading to the next heading found. A
/// missing heading widens the range to its neighbours'.
fn region_of(headings: &[HeadingHit], number: u8, len: usize) -> std::ops::Range<usize> {
    let start = headings.iter().filter(|h| h.number <= number).map(|h| h.tok + 1).next_back().unwrap_or(0);
    let end = headings.iter().find(|h| h.number > number && h.tok >= start).map_or(len, |h| h.tok);
    start..end
}

fn build_sections(doc: &Document, toks: &[Tok<'_>], headings: &[HeadingHit]) -> Vec<Section> {
    let mut out = Vec::new();
    for (i, h) in headings.iter().enumerate() {
        let next_tok = headings.get(i + 1).map_or(toks.len(), |n| n.tok);
        let head = &toks[h.tok];
        let mut paras = Vec::new();
        let mut seen = HashSet::new();
        for t in &toks[h.tok + 1..next_tok] {
            if t.in_para && seen.insert(t.block) {
                if let Block::Para(p) = &doc.blocks[t.block] {
                    // In the table sections, a layout with one cell per paragraph turns the
                    // table into short paragraphs: only prose counts as the section's text.
                    let prose = p.text.contains(['。', '，', '；', ',']) || p.text.chars().count() > 40;
                    if (2..=4).contains(&h.number) && !prose {
                        continue;
                    }
                    paras.push(SectionPara { text: p.text.clone(), span: p.span, verbatim: p.verbatim });
                }
            }
        }
        let end = headings.get(i + 1).map_or(doc.source.len(), |n| toks[n.tok].span.start);
        out.push(Section {
            number: h.number,
            heading: head.text.to_string(),
            heading_span: head.span,
            printed_number: h.printed,
            text: paras.iter().map(|p| p.text.as_str()).collect::<Vec<_>>().join("\n"),
            paras,
            span: Span::new(head.span.start, end.max(head.span.end)),
        });
    }
    out
}

/// The outcome family whose subtotal row this label is (`（三）不予公开` alone), if any.
fn group_of(norm: &str) -> Option<&'static str> {
    let rest = norm.trim_start_matches(|c: char| c == '(' || c == ')' || "一二三四五六七八九十".contains(c));
    let rest = rest.strip_suffix("小计").unwrap_or(rest);
    match rest {
        "不予公开" => Some("denied"),
        "无法提供" => Some("unavailable"),
        "不予处理" => Some("not_processed"),
        _ => None,
    }
}

/// The cells of an outcome family in one column.
fn family_cells(family: &str, column: &str, format_2021: bool) -> Vec<CellId> {
    T3_ROWS
        .iter()
        .filter(|r| r.family == family && if format_2021 { r.in_2021 } else { r.in_2019 })
        .map(|r| CellId::t3(r.key, column))
        .collect()
}

/// Finds which identifying phrase of a row stands rightmost in a run of labels (on a
/// tie, the longest): the label nearest the values names the row.
struct KeyMatcher<T> {
    ac: AhoCorasick,
    keys: Vec<(usize, T)>,
}

impl<T: Copy> KeyMatcher<T> {
    fn new(keys: impl Iterator<Item = (&'static str, T)>) -> Self {
        let keys: Vec<(&str, T)> = keys.collect();
        let ac = AhoCorasick::new(keys.iter().map(|(k, _)| *k)).expect("row phrases build an automaton");
        KeyMatcher { ac, keys: keys.into_iter().map(|(k, t)| (k.len(), t)).collect() }
    }

    fn rightmost(&self, run: &str) -> Option<T> {
        let mut best: Option<(usize, usize, T)> = None;
        for m in self.ac.find_overlapping_iter(run) {
            let (len, t) = self.keys[m.pattern().as_usize()];
            if best.is_none_or(|b| (m.end(), len) > (b.0, b.1)) {
                best = Some((m.end(), len, t));
            }
        }
        best.map(|b| b.2)
    }
}

/// A run of labels followed by a run of values.
#[derive(Debug, Default)]
struct Unit {
    labels: Vec<usize>,
    values: Vec<usize>,
}

struct Aligner<'t> {
    toks: &'t [Tok<'t>],
    cells: Vec<CellValue>,
    rows: Vec<RowFound>,
    diags: Vec<Diagnostic>,
    parts: Vec<(String, Format)>,
    subtotals: Vec<Subtotal>,
    /// Cells already read (indexed by cell id): the first reading stands.
    stored: Vec<bool>,
}

/// The values read for a row: a token index per cell (or the weak empty taken as blank).
type Reading = Vec<usize>;

/// A row whose numbers the layout glued or split, with every reading of them.
struct Broken {
    label: String,
    label_span: Span,
    /// The value tokens as printed.
    printed: String,
    tokens: usize,
    ids: Vec<CellId>,
    /// The text allows this one reading only.
    unique: bool,
    /// The readings (for tables 三 and 四, those whose totals hold); `None`: too many.
    candidates: Option<Vec<recover::Candidate>>,
}

impl Broken {
    fn list(&self) -> &[recover::Candidate] {
        self.candidates.as_deref().unwrap_or(&[])
    }
}

impl Broken {
    fn how(&self) -> &'static str {
        if self.tokens < self.ids.len() { "连在一起（分隔丢失）" } else { "被拆开" }
    }
}

impl<'t> Aligner<'t> {
    fn units(&self, range: std::ops::Range<usize>) -> Vec<Unit> {
        let mut out = Vec::new();
        let mut cur = Unit::default();
        for i in range {
            let t = &self.toks[i];
            match t.kind {
                Kind::Noise => {}
                Kind::Label => {
                    // Only a number or a printed blank marker makes a row of values; empty
                    // cells alone (HTML header rows padded with `&nbsp;`) are padding.
                    if cur.values.iter().any(|&v| self.substantial(v)) {
                        out.push(std::mem::take(&mut cur));
                    } else {
                        cur.values.clear();
                    }
                    cur.labels.push(i);
                }
                Kind::Value(_) | Kind::Blank | Kind::Empty | Kind::Digits => {
                    // Empty cells padding an earlier row (a header row with `&nbsp;`
                    // cells) do not belong to the values that start on this one.
                    if let Some(&last) = cur.values.last() {
                        if self.toks[last].row != t.row && !cur.values.iter().any(|&v| self.substantial(v)) {
                            cur.values.clear();
                        }
                    }
                    cur.values.push(i)
                }
            }
        }
        if !cur.labels.is_empty() || !cur.values.is_empty() {
            out.push(cur);
        }
        out
    }

    /// A number or a printed blank marker (not an empty cell).
    fn substantial(&self, v: usize) -> bool {
        let t = &self.toks[v];
        matches!(t.kind, Kind::Value(_) | Kind::Digits) || (t.kind == Kind::Blank && !crate::text::trim(t.text).is_empty())
    }

    /// Reads `n` values from a unit, or says why it cannot.
    fn read(&self, unit: &Unit, n: usize) -> Result<Reading, String> {
        let strong: Vec<usize> = unit.values.iter().copied().filter(|&v| self.toks[v].is_strong_value()).collect();
        if strong.iter().any(|&v| self.toks[v].kind == Kind::Digits) {
            return Err("数字过长，是几个单元格的数字连在了一起".into());
        }
        if strong.len() == n {
            return Ok(strong);
        }
        if strong.len() > n {
            // Definite empty cells beyond the numbers may be padding.
            let numbers: Vec<usize> =
                strong.iter().copied().filter(|&v| matches!(self.toks[v].kind, Kind::Value(_))).collect();
            if numbers.len() == n && strong.iter().all(|&v| matches!(self.toks[v].kind, Kind::Value(_)) || self.toks[v].text.trim().is_empty()) {
                return Ok(numbers);
            }
            return Err(format!("应有 {n} 个数值，读到 {} 个", strong.len()));
        }
        // Fewer values than cells: empty cells of a text layout may be blank values, but
        // only when, without the ragged padding at either end, exactly `n` cells remain.
        let vals = &unit.values;
        let first = vals.iter().position(|&v| self.toks[v].kind != Kind::Empty);
        let last = vals.iter().rposition(|&v| self.toks[v].kind != Kind::Empty);
        if let (Some(a), Some(b)) = (first, last) {
            if b + 1 - a == n {
                return Ok(vals[a..=b].to_vec());
            }
        }
        Err(format!("应有 {n} 个数值，只读到 {} 个，空白单元格无法确定对应哪一列", strong.len()))
    }

    fn label_text(&self, unit: &Unit) -> (String, Span) {
        let Some(&last) = unit.labels.last() else {
            let span = unit.values.first().map_or(Span::default(), |&v| self.toks[v].span);
            return (String::new(), span);
        };
        // The label as written: the label tokens of the last table row or paragraph.
        let block = self.toks[last].block;
        let mut first = last;
        for &l in unit.labels.iter().rev() {
            if self.toks[l].block != block || last - l > 3 {
                break;
            }
            first = l;
        }
        let text: Vec<&str> = unit.labels.iter().filter(|&&l| l >= first).map(|&l| self.toks[l].text).collect();
        (text.join(" "), self.toks[first].span.cover(self.toks[last].span))
    }

    fn run_text(&self, unit: &Unit) -> String {
        unit.labels.iter().map(|&l| self.toks[l].norm.as_str()).collect()
    }

    fn store(&mut self, ids: &[CellId], reading: &Reading) {
        for (&id, &ti) in ids.iter().zip(reading) {
            let t = &self.toks[ti];
            let (value, blank) = match t.kind {
                Kind::Value(v) => (v, false),
                _ => (Number::ZERO, true),
            };
            if std::mem::replace(&mut self.stored[id.index()], true) {
                continue;
            }
            self.cells.push(CellValue { id, value, blank, raw: t.text.to_string(), span: t.span });
        }
    }

    fn unreadable(&mut self, what: &str, unit: &Unit, why: String, ids: &[CellId]) {
        let (label, span) = self.label_text(unit);
        let values: Vec<&str> = unit.values.iter().map(|&v| self.toks[v].text).collect();
        let span = unit.values.iter().fold(span, |s, &v| s.cover(self.toks[v].span));
        self.diags.push(
            Diagnostic::new(codes::UNREADABLE_ROW, Severity::Error, format!("{what}「{label}」的数值无法确定：{why}"))
                .at(Some(span), format!("读到：{}", values.iter().map(|v| if v.is_empty() { "（空）" } else { v }).collect::<Vec<_>>().join(" ")))
                .cells(ids.iter().copied())
                .help("核对原文该行的每个单元格；空白单元格请填写 0 或明确的空白标记（如“/”）"),
        );
    }

    /// The readings of a row whose values are digit runs the layout glued or split (see
    /// [`recover`]): `(true, [the one])` when the text allows one reading only; else
    /// `(false, those whose every run of `group` cells ends in its total)`. `None` when the
    /// row is not of that kind.
    fn broken_readings(&self, unit: &Unit, n: usize, group: Option<usize>) -> Option<(bool, Option<Vec<recover::Candidate>>)> {
        let toks = self.digit_runs(unit, n)?;
        if let Some(only) = recover::readings(&toks, n, recover::Search { cap: 1, group: None }).filter(|c| c.len() == 1) {
            return Some((true, Some(only)));
        }
        Some((false, recover::readings(&toks, n, recover::Search { cap: recover::MAX_CANDIDATES, group })))
    }

    /// The row's value tokens with their spans, when they are plain digit runs that do
    /// not come to `n` cells: a row the layout broke.
    fn digit_runs(&self, unit: &Unit, n: usize) -> Option<Vec<(&'t str, Span)>> {
        let vals: Vec<usize> = unit.values.iter().copied().filter(|&v| self.toks[v].kind != Kind::Empty).collect();
        if vals.len() == n || vals.iter().any(|&v| !matches!(self.toks[v].kind, Kind::Value(_) | Kind::Digits)) {
            return None;
        }
        let toks: Vec<(&'t str, Span)> = vals.iter().map(|&v| (self.toks[v].text.trim(), self.toks[v].span)).collect();
        let texts: Vec<&str> = toks.iter().map(|(t, _)| *t).collect();
        recover::all_digit_runs(&texts).then_some(toks)
    }

    fn store_pieces(&mut self, ids: &[CellId], reading: &[recover::Piece]) {
        for (&id, p) in ids.iter().zip(reading) {
            if std::mem::replace(&mut self.stored[id.index()], true) {
                continue;
            }
            self.cells.push(CellValue { id, value: Number::new(p.value, 0), blank: false, raw: p.text.clone(), span: p.span });
        }
    }

    /// Says how a broken row was read, so that a reviewer can see it.
    fn recovered(&mut self, what: &str, broken: &Broken, pick: usize, why: &str) {
        let c = &broken.list()[pick];
        let span = c.iter().fold(broken.label_span, |s, p| s.cover(p.span));
        self.diags.push(
            Diagnostic::new(
                codes::RECOVERED_ROW,
                Severity::Info,
                format!("{what}「{}」的数字在原文中{}，读作「{}」：{why}", broken.label, broken.how(), recover::show(c)),
            )
            .at(Some(span), format!("原文：{}", broken.printed))
            .cells(broken.ids.iter().copied())
            .help("核对原文：数字之间应有分隔（单元格、空格或制表符）"),
        );
    }

    /// Reports a broken row whose reading is not certain, with its candidates.
    fn uncertain(&mut self, what: &str, broken: &Broken, why: &str) {
        let all = broken.list();
        let shown: Vec<String> = all.iter().take(8).map(|c| format!("「{}」", recover::show(c))).collect();
        let more = if all.len() > shown.len() { format!(" 等 {} 种", all.len()) } else { String::new() };
        let list = if all.is_empty() { String::new() } else { format!("；可能的读法：{}{more}", shown.join("、")) };
        let span = broken.label_span;
        self.diags.push(
            Diagnostic::new(codes::UNREADABLE_ROW, Severity::Error, format!("{what}「{}」的数字在原文中{}，无法确定读法：{why}{list}", broken.label, broken.how()))
                .at(Some(span), format!("原文：{}", broken.printed))
                .cells(broken.ids.iter().copied())
                .help("核对原文该行的每个单元格，数字之间应有分隔"),
        );
    }

    fn broken(&self, unit: &Unit, ids: Vec<CellId>, found: (bool, Option<Vec<recover::Candidate>>)) -> Broken {
        // The row's own label (the last label token), not the header words before it.
        let (label, label_span) = match unit.labels.last() {
            Some(&l) => (self.toks[l].text.trim().to_string(), self.toks[l].span),
            None => self.label_text(unit),
        };
        let vals: Vec<&str> = unit.values.iter().map(|&v| self.toks[v].text.trim()).filter(|t| !t.is_empty()).collect();
        let span = unit.values.iter().fold(label_span, |s, &v| s.cover(self.toks[v].span));
        Broken { label, label_span: span, printed: vals.join(" "), tokens: vals.len(), ids, unique: found.0, candidates: found.1 }
    }

    // -- table 三 ------------------------------------------------------------

    fn match_t3(&self, run: &str) -> Option<usize> {
        static KEYS: OnceLock<KeyMatcher<usize>> = OnceLock::new();
        let m = KEYS.get_or_init(|| {
            KeyMatcher::new(T3_ROWS.iter().enumerate().flat_map(|(ri, row)| row.keys.iter().map(move |k| (*k, ri))))
        });
        m.rightmost(run)
    }

    fn read_t3(&mut self, range: std::ops::Range<usize>) {
        let units = self.units(range);
        let mut found: Vec<usize> = Vec::new();
        // A variant shape with a 法人小计 column: where it stands among the eight values.
        let mut legal_subtotal_at: Option<usize> = None;
        let mut group_subtotals: Vec<(&'static str, Reading, String, Span)> = Vec::new();
        let mut broken: Vec<Broken> = Vec::new();
        for unit in &units {
            if unit.labels.is_empty() {
                continue;
            }
            let run = self.run_text(unit);
            if legal_subtotal_at.is_none() && run.contains("小计") && (run.contains("自然人") || run.contains("法人")) {
                let sub = run.find("小计").unwrap_or(0);
                legal_subtotal_at = Some(if run.find("商业企业").is_some_and(|c| sub < c) { 1 } else { 6 });
            }
            let width = T3_COLUMNS.len() + usize::from(legal_subtotal_at.is_some());
            if !unit.values.iter().any(|&v| self.toks[v].is_strong_value()) {
                continue;
            }
            // A subtotal row of a group (`（三）不予公开` with its own numbers).
            let last = &self.toks[*unit.labels.last().unwrap()].norm;
            if let Some(family) = group_of(last) {
                if let Ok(reading) = self.read(unit, width) {
                    let (label, span) = self.label_text(unit);
                    group_subtotals.push((family, reading, label, span));
                }
                continue;
            }
            let mut deviation = false;
            let ri = match self.match_t3(&run) {
                Some(ri) => ri,
                None => {
                    // A misspelt label: compare with the next rows the template expects.
                    let next = found.iter().max().map_or(0, |&m| m + 1);
                    let best = (next..(next + 3).min(T3_ROWS.len()))
                        .filter(|r| !found.contains(r))
                        .map(|r| (crate::text::bigram_similarity(last, &crate::text::normalize_label(T3_ROWS[r].label)), r))
                        .max_by(|a, b| a.0.total_cmp(&b.0));
                    match best {
                        Some((sim, r)) if sim >= 0.6 => {
                            deviation = true;
                            r
                        }
                        _ => continue,
                    }
                }
            };
            let row = &T3_ROWS[ri];
            if found.contains(&ri) {
                let (label, span) = self.label_text(unit);
                self.diags.push(
                    Diagnostic::new(codes::DUPLICATE_ROW, Severity::Warning, format!("表三的行「{label}」出现了不止一次，只采用第一次的数值"))
                        .at(Some(span), "重复的行")
                        .help("删除重复的行，或检查该行标签是否写错"),
                );
                continue;
            }
            match self.read(unit, width) {
                Ok(mut reading) => {
                    found.push(ri);
                    let ids: Vec<CellId> = T3_COLUMNS.iter().map(|c| CellId::t3(row.key, c.key)).collect();
                    if let Some(k) = legal_subtotal_at {
                        let sub = reading.remove(k);
                        let parts = T3_COLUMNS[1..6].iter().map(|c| CellId::t3(row.key, c.key)).collect();
                        self.push_subtotal(format!("「{}」行法人或其他组织小计", short_label(row.label)), sub, parts);
                    }
                    self.store(&ids, &reading);
                    let (label, span) = self.label_text(unit);
                    if deviation {
                        self.diags.push(
                            Diagnostic::new(
                                codes::LABEL_DEVIATION,
                                Severity::Warning,
                                format!("表三的行标签「{label}」与模板「{}」不一致，已按模板顺序识别为该行", row.label),
                            )
                            .at(Some(self.toks[*unit.labels.last().unwrap()].span), format!("模板为「{}」", row.label))
                            .cells(ids.iter().copied())
                            .help(format!("按统一格式将该行标签改为「{}」", row.label)),
                        );
                    }
                    self.rows.push(RowFound { key: format!("t3.{}", row.key), label, span });
                }
                Err(why) => {
                    let ids: Vec<CellId> = T3_COLUMNS.iter().map(|c| CellId::t3(row.key, c.key)).collect();
                    match self.broken_readings(unit, width, Some(width)).filter(|_| legal_subtotal_at.is_none()) {
                        Some(readings) => {
                            found.push(ri);
                            let b = self.broken(unit, ids, readings);
                            self.rows.push(RowFound { key: format!("t3.{}", row.key), label: b.label.clone(), span: b.label_span });
                            broken.push(b);
                        }
                        None => self.unreadable("表三的行", unit, why, &ids),
                    }
                }
            }
        }
        if !broken.is_empty() {
            self.resolve_t3(broken, &found);
        }
        if found.is_empty() {
            return;
        }
        let new = found.iter().any(|&r| T3_ROWS[r].key.starts_with("other."));
        let old_at = found.iter().position(|&r| T3_ROWS[r].key == "other");
        if let (true, Some(i)) = (new, old_at) {
            // `（六）其他处理` with numbers of its own above its three sub-rows is the
            // group's subtotal (a variant shape), not the 2019 single row.
            found.remove(i);
            let ids: Vec<CellId> = T3_COLUMNS.iter().map(|c| CellId::t3("other", c.key)).collect();
            let (taken, kept): (Vec<CellValue>, Vec<CellValue>) = std::mem::take(&mut self.cells).into_iter().partition(|c| ids.contains(&c.id));
            self.cells = kept;
            self.rows.retain(|r| r.key != "t3.other");
            for c in taken {
                self.stored[c.id.index()] = false;
                let col = c.id.def().column;
                let parts = family_cells("other", col, true);
                self.subtotals.push(Subtotal { label: format!("「（六）其他处理」小计「{}」列", c.id.def().column_label), value: c.value, raw: c.raw, span: c.span, parts });
            }
        } else if old_at.is_some() {
            self.parts.push(("t3.other".into(), Format::V2019));
        }
        if new {
            self.parts.push(("t3.other".into(), Format::V2021));
        }
        let format_2021 = old_at.is_none() || new;
        for (family, mut reading, label, _) in group_subtotals {
            if let Some(k) = legal_subtotal_at {
                reading.remove(k);
            }
            for (c, &ti) in T3_COLUMNS.iter().zip(&reading) {
                let parts = family_cells(family, c.key, format_2021);
                let t = &self.toks[ti];
                let value = match t.kind {
                    Kind::Value(v) => v,
                    _ => Number::ZERO,
                };
                self.subtotals.push(Subtotal { label: format!("「{label}」小计「{}」列", c.label), value, raw: t.text.to_string(), span: t.span, parts });
            }
        }
    }

    /// Reads table 三's broken rows: a reading the text alone allows stands; otherwise the
    /// row's total filters the readings, and the column identities (outcome rows sum to
    /// （七）总计; 一 + 二 = （七） + 四) choose among the rest, with the rows read normally.
    fn resolve_t3(&mut self, broken: Vec<Broken>, found: &[usize]) {
        let what = "表三的行";
        let mut fixed: Vec<(usize, usize, &'static str)> = Vec::new(); // (broken, candidate, why)
        let mut open: Vec<usize> = Vec::new(); // broken rows with several readings
        for (bi, b) in broken.iter().enumerate() {
            if b.unique {
                fixed.push((bi, 0, "原文只有这一种读法"));
                continue;
            }
            let Some(list) = &b.candidates else {
                self.uncertain(what, b, "可能的读法太多，未逐一检验");
                continue;
            };
            match list.len() {
                0 => self.uncertain(what, b, "没有一种读法使本行总计等于各列之和"),
                1 => fixed.push((bi, 0, "这是唯一使本行总计等于各列之和的读法")),
                _ => open.push(bi),
            }
        }
        // Values known so far, by row key and column.
        let known: std::collections::HashMap<CellId, i64> = self.cells.iter().filter_map(|c| Some((c.id, c.value.as_i64()?))).collect();
        let key_of = |b: &Broken| b.ids[0].def().row;
        let outcome_rows: Vec<&'static str> = found.iter().map(|&r| &T3_ROWS[r]).filter(|r| r.role == crate::template::T3Role::Outcome).map(|r| r.key).collect();
        let value = |row: &str, col: usize, choice: &dyn Fn(&str, usize) -> Option<i64>| -> Option<i64> {
            choice(row, col).or_else(|| known.get(&CellId::t3(row, T3_COLUMNS[col].key)).copied())
        };
        let columns_hold = |choice: &dyn Fn(&str, usize) -> Option<i64>| -> bool {
            (0..T3_COLUMNS.len()).all(|col| {
                let v = |row: &str| value(row, col, choice);
                let balance = match (v("new"), v("carried_over"), v("total_processed"), v("carried_forward")) {
                    (Some(a), Some(b), Some(c), Some(d)) => a + b == c + d,
                    _ => true,
                };
                let outcomes: Option<i64> = outcome_rows.iter().map(|r| v(r)).sum();
                let processed = match (outcomes, v("total_processed")) {
                    (Some(o), Some(t)) => o == t,
                    _ => true,
                };
                balance && processed
            })
        };
        let fixed_values = |fixed: &[(usize, usize, &str)], row: &str, col: usize| -> Option<i64> {
            fixed.iter().find(|(bi, _, _)| key_of(&broken[*bi]) == row).map(|(bi, ci, _)| broken[*bi].list()[*ci][col].value)
        };
        if !open.is_empty() {
            let sizes: Vec<usize> = open.iter().map(|&bi| broken[bi].list().len()).collect();
            let mut holds = |pick: &[usize]| {
                let choice = |row: &str, col: usize| -> Option<i64> {
                    open.iter().zip(pick).find(|(&bi, _)| key_of(&broken[bi]) == row).map(|(&bi, &p)| broken[bi].list()[p][col].value).or_else(|| fixed_values(&fixed, row, col))
                };
                columns_hold(&choice)
            };
            match recover::choose(&sizes, &mut holds) {
                Ok(pick) => {
                    for (&bi, p) in open.iter().zip(pick) {
                        fixed.push((bi, p, "在各种读法中，只有这一种使本行总计与表三各列的勾稽关系都成立"));
                    }
                }
                Err(n) => {
                    let why = match n {
                        0 => "没有一种读法使表三各列的勾稽关系成立".to_string(),
                        usize::MAX => "可能的读法组合太多，未逐一检验".to_string(),
                        n => format!("有 {n} 种读法组合都使勾稽关系成立"),
                    };
                    for &bi in &open {
                        self.uncertain(what, &broken[bi], &why);
                    }
                }
            }
        }
        fixed.sort_by_key(|(bi, _, _)| *bi);
        for (bi, ci, why) in fixed {
            let b = &broken[bi];
            let ids = b.ids.clone();
            let reading = b.list()[ci].clone();
            self.store_pieces(&ids, &reading);
            self.recovered(what, b, ci, why);
        }
    }

    fn push_subtotal(&mut self, label: String, tok: usize, parts: Vec<CellId>) {
        let t = &self.toks[tok];
        let value = match t.kind {
            Kind::Value(v) => v,
            _ => Number::ZERO,
        };
        self.subtotals.push(Subtotal { label, value, raw: t.text.to_string(), span: t.span, parts });
    }

    // -- table 二 ------------------------------------------------------------

    fn header_format(run: &str) -> Option<Format> {
        let has = |phrases: &[&str]| phrases.iter().any(|p| run.contains(p));
        if T2_BLOCKS.iter().any(|b| has(b.header_2019)) || run.contains("本年增减") {
            Some(Format::V2019)
        } else if T2_BLOCKS.iter().any(|b| has(b.header_2021)) {
            Some(Format::V2021)
        } else {
            None
        }
    }

    fn read_t2(&mut self, range: std::ops::Range<usize>) {
        let units = self.units(range);
        let mut header: Option<Format> = None;
        let mut found: Vec<&'static str> = Vec::new();
        // Formats seen so far (table 三 is read first), for a header-less block.
        let fallback = TemplateUse::from_evidence(self.parts.iter().map(|(_, f)| *f));
        for unit in &units {
            if unit.labels.is_empty() {
                continue;
            }
            let run = self.run_text(unit);
            if let Some(f) = Self::header_format(&run) {
                header = Some(f);
            }
            if !unit.values.iter().any(|&v| self.toks[v].is_strong_value()) {
                continue;
            }
            // Rightmost row phrase in the run.
            static KEYS: OnceLock<KeyMatcher<(usize, usize)>> = OnceLock::new();
            let m = KEYS.get_or_init(|| {
                KeyMatcher::new(T2_BLOCKS.iter().enumerate().flat_map(|(bi, b)| {
                    b.rows.iter().enumerate().flat_map(move |(ri, row)| row.keys.iter().map(move |k| (*k, (bi, ri))))
                }))
            });
            let Some((bi, ri)) = m.rightmost(&run) else { continue };
            let block = &T2_BLOCKS[bi];
            let row = &block.rows[ri];
            if found.contains(&row.key) {
                continue;
            }
            let exists = |f: Format| match f {
                Format::V2021 => row.label_2021.is_some(),
                Format::V2019 => row.label_2019.is_some(),
            };
            let other = |f: Format| if f == Format::V2021 { Format::V2019 } else { Format::V2021 };
            let mut order: Vec<Format> = Vec::new();
            let header_known = header.filter(|&f| exists(f));
            match header_known {
                Some(f) => order.extend([f, other(f)]),
                None => {
                    let pref = match fallback {
                        TemplateUse::V2019 => Format::V2019,
                        _ => Format::V2021,
                    };
                    order.extend([pref, other(pref)]);
                }
            }
            order.retain(|&f| exists(f));
            let mut done = false;
            let mut err = String::new();
            for (k, &f) in order.iter().enumerate() {
                let cols = block.columns(f);
                // Without a header, a block whose formats have as many columns as each
                // other cannot be told apart by its numbers: say so.
                match self.read(unit, cols.len()) {
                    Ok(reading) => {
                        let ids: Vec<CellId> = cols.iter().map(|c| CellId::t2(row.key, c.key)).collect();
                        self.store(&ids, &reading);
                        let (label, span) = self.label_text(unit);
                        self.rows.push(RowFound { key: format!("t2.{}", row.key), label, span });
                        self.parts.push((format!("t2.{}", row.key), f));
                        let ambiguous = header_known.is_none()
                            && order.len() == 2
                            && block.columns(order[0]).len() == block.columns(order[1]).len();
                        if ambiguous && k == 0 {
                            self.diags.push(
                                Diagnostic::new(
                                    codes::UNKNOWN_HEADER,
                                    Severity::Warning,
                                    format!("表二「{}」一栏没有可识别的表头，按{}年格式的列读取", block.item, f.as_str()),
                                )
                                .at(Some(span), "此行的列含义无法从表头确定")
                                .cells(ids.iter().copied())
                                .help("按统一格式补全表头（如“本年制发件数 / 本年废止件数 / 现行有效件数”）"),
                            );
                        }
                        found.push(row.key);
                        done = true;
                        break;
                    }
                    Err(e) => {
                        err = e;
                        // Under a header that names the format, a row of glued or split
                        // digits is that format's row broken, not the other format's.
                        if k == 0 && header_known.is_some() && self.digit_runs(unit, cols.len()).is_some() {
                            break;
                        }
                    }
                }
            }
            if !done {
                // Glued or split numbers: table 二 has no identity to decide between
                // readings, so only a reading the text alone allows is taken.
                let f = order.first().copied();
                let broken = f.and_then(|f| {
                    let cols = block.columns(f);
                    let ids: Vec<CellId> = cols.iter().map(|c| CellId::t2(row.key, c.key)).collect();
                    self.broken_readings(unit, cols.len(), None).map(|c| (f, self.broken(unit, ids, c)))
                });
                match broken {
                    Some((f, b)) if b.unique => {
                        let ids = b.ids.clone();
                        let reading = b.list()[0].clone();
                        self.store_pieces(&ids, &reading);
                        self.recovered("表二的行", &b, 0, "原文只有这一种读法");
                        self.rows.push(RowFound { key: format!("t2.{}", row.key), label: b.label.clone(), span: b.label_span });
                        self.parts.push((format!("t2.{}", row.key), f));
                        found.push(row.key);
                    }
                    Some((_, b)) => {
                        let why = match &b.candidates {
                            Some(l) => format!("有 {} 种读法，表二没有可据以判断的勾稽关系", l.len()),
                            None => "可能的读法太多，表二没有可据以判断的勾稽关系".into(),
                        };
                        self.uncertain("表二的行", &b, &why);
                    }
                    None => {
                        let ids: Vec<CellId> = order.first().map(|&f| block.columns(f).iter().map(|c| CellId::t2(row.key, c.key)).collect()).unwrap_or_default();
                        self.unreadable("表二的行", unit, err, &ids)
                    }
                }
            }
        }
    }

    // -- table 四 ------------------------------------------------------------

    fn read_t4(&mut self, range: std::ops::Range<usize>) {
        let units = self.units(range);
        let mut header_seen = false;
        for unit in &units {
            let run = self.run_text(unit);
            if run.contains("行政复议") || run.contains("维持") || run.contains("行政诉讼") {
                header_seen = true;
            }
            if !header_seen || !unit.values.iter().any(|&v| self.toks[v].is_strong_value()) {
                continue;
            }
            let ids: Vec<CellId> =
                T4_GROUPS.iter().flat_map(|g| T4_COLUMNS.iter().map(move |c| CellId::t4(g.key, c.key))).collect();
            match self.read(unit, ids.len()) {
                Ok(reading) => {
                    self.store(&ids, &reading);
                    let span = reading.iter().fold(self.toks[reading[0]].span, |s, &v| s.cover(self.toks[v].span));
                    self.rows.push(RowFound { key: "t4".into(), label: "行政复议、行政诉讼".into(), span });
                }
                // Each group's total is the sum of its four results.
                Err(why) => match self.broken_readings(unit, ids.len(), Some(T4_COLUMNS.len())) {
                    Some(readings) => {
                        let b = self.broken(unit, ids.clone(), readings);
                        if let [only] = b.list() {
                            let why = if b.unique { "原文只有这一种读法" } else { "这是唯一使三组“总计”都等于各结果之和的读法" };
                            let reading = only.clone();
                            self.store_pieces(&ids, &reading);
                            self.recovered("表四", &b, 0, why);
                            self.rows.push(RowFound { key: "t4".into(), label: "行政复议、行政诉讼".into(), span: b.label_span });
                        } else {
                            let why = match &b.candidates {
                                None => "可能的读法太多，未逐一检验".to_string(),
                                Some(l) if l.is_empty() => "没有一种读法使各组总计等于各结果之和".to_string(),
                                Some(l) => format!("有 {} 种读法都使各组总计成立", l.len()),
                            };
                            self.uncertain("表四", &b, &why);
                        }
                    }
                    None => self.unreadable("表四", unit, why, &ids),
                },
            }
            return;
        }
    }
}
