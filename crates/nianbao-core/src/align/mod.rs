//! Alignment: the document's tokens mapped onto the statutory template.
//!
//! The template is known, so rows are found by their labels, not by position:
//! each *unit* of the token stream is a run of labels followed by a run of values;
//! the labels name the row (the rightmost identifying phrase wins, so a group label
//! such as `三、本年度办理结果` before `（一）予以公开` does not confuse it), and the
//! values are read against the number of columns the template gives that row.
//! Where the values cannot be read with certainty the row is reported, not guessed.

mod damage;
pub use damage::Model as DamageModel;
mod meta;
mod sections;
mod table2;
mod table3;
mod table4;
pub(crate) mod tokens;
mod unflatten;

use std::collections::HashSet;
use std::sync::OnceLock;

use aho_corasick::AhoCorasick;

use tokens::{Kind, Tok};

use crate::diagnostic::{Diagnostic, Severity};
use crate::document::{Block, Document, Span};
use crate::number::Number;
use crate::report::{
    CellValue, Damage, Recovery, Report, RowFound, Section, SectionPara, Subtotal,
};
use crate::template::{
    short_label, CellId, Format, TemplateUse, T2_BLOCKS, T3_COLUMNS, T3_ROWS, T4_COLUMNS, T4_GROUPS,
};

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
    let (doc, reflowed) = unflatten::reflow(doc);
    let toks = tokens::tokens(&doc);
    let headings = sections::find_headings(&toks);
    let sections = build_sections(&doc, &toks, &headings);
    let meta = meta::read_meta(&toks, &sections);

    let profile = Profile::of(&doc);
    let mut cx = Aligner {
        profile,
        toks: &toks,
        cells: Vec::new(),
        rows: Vec::new(),
        diags: Vec::new(),
        parts: Vec::new(),
        stored: vec![false; CellId::count()],
        subtotals: Vec::new(),
        recoveries: Vec::new(),
    };
    let region = |n: u8| region_of(&headings, n, toks.len());
    cx.read_t3(region(3));
    cx.read_t2(region(2));
    // Without a heading of its own (a crawl that printed a stray 五 heading in its place),
    // table 四 is looked for from table 三 to section 六: its header words mark it.
    let t4 = if headings.iter().any(|h| h.number == 4) {
        region(4)
    } else {
        let start = region(3).start;
        start
            ..headings
                .iter()
                .find(|h| h.number >= 6 && h.tok >= start)
                .map_or(toks.len(), |h| h.tok)
    };
    cx.read_t4(t4);
    let Aligner {
        mut cells,
        rows,
        diags,
        parts,
        subtotals,
        recoveries,
        ..
    } = cx;
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
        damage: Damage {
            reflowed,
            rows: recoveries,
        },
        index: Vec::new(),
    };
    report.reindex();
    report
}

/// Token range of a table's section: from its heading to the next heading found. A
/// missing heading widens the range to its neighbours'.
fn region_of(headings: &[HeadingHit], number: u8, len: usize) -> std::ops::Range<usize> {
    let start = headings
        .iter()
        .filter(|h| h.number <= number)
        .map(|h| h.tok + 1)
        .next_back()
        .unwrap_or(0);
    let end = headings
        .iter()
        .find(|h| h.number > number && h.tok >= start)
        .map_or(len, |h| h.tok);
    start..end
}

fn t3_keys() -> &'static KeyMatcher<usize> {
    static KEYS: OnceLock<KeyMatcher<usize>> = OnceLock::new();
    KEYS.get_or_init(|| {
        KeyMatcher::new(
            T3_ROWS
                .iter()
                .enumerate()
                .flat_map(|(ri, row)| row.keys.iter().map(move |k| (*k, ri))),
        )
    })
}

/// The table 三 row a label names (its rightmost row key), if any.
fn t3_row_of(run: &str) -> Option<usize> {
    t3_keys().rightmost(run)
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
                    // A row label with a comma in it (`（二）部分公开（区分处理的，只计这一情形…）`)
                    // is the table's, not prose.
                    let row_label = !p.text.contains('。')
                        && p.text.chars().count() <= 40
                        && t3_row_of(&crate::text::normalize_label(&p.text)).is_some();
                    let prose = !row_label
                        && (p.text.contains(['。', '，', '；', ','])
                            || p.text.chars().count() > 40);
                    if (2..=4).contains(&h.number) && !prose {
                        continue;
                    }
                    paras.push(SectionPara {
                        text: p.text.clone(),
                        span: p.span,
                        verbatim: p.verbatim,
                    });
                }
            }
        }
        let end = headings
            .get(i + 1)
            .map_or(doc.source.len(), |n| toks[n.tok].span.start);
        out.push(Section {
            number: h.number,
            heading: head.text.to_string(),
            heading_span: head.span,
            printed_number: h.printed,
            text: paras
                .iter()
                .map(|p| p.text.as_str())
                .collect::<Vec<_>>()
                .join("\n"),
            paras,
            span: Span::new(head.span.start, end.max(head.span.end)),
        });
    }
    out
}

/// The outcome family whose subtotal row this label is (`（三）不予公开` alone), if any.
fn group_of(norm: &str) -> Option<&'static str> {
    let rest = norm
        .trim_start_matches(|c: char| c == '(' || c == ')' || "一二三四五六七八九十".contains(c));
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
        let ac =
            AhoCorasick::new(keys.iter().map(|(k, _)| *k)).expect("row phrases build an automaton");
        KeyMatcher {
            ac,
            keys: keys.into_iter().map(|(k, t)| (k.len(), t)).collect(),
        }
    }

    /// Every distinct value whose key occurs in `run`.
    fn all(&self, run: &str) -> Vec<T>
    where
        T: PartialEq,
    {
        let mut out: Vec<T> = Vec::new();
        for m in self.ac.find_overlapping_iter(run) {
            let t = self.keys[m.pattern().as_usize()].1;
            if !out.contains(&t) {
                out.push(t);
            }
        }
        out
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
    profile: Profile,
    toks: &'t [Tok<'t>],
    cells: Vec<CellValue>,
    rows: Vec<RowFound>,
    diags: Vec<Diagnostic>,
    parts: Vec<(String, Format)>,
    subtotals: Vec<Subtotal>,
    /// Damaged rows read through the models.
    recoveries: Vec<Recovery>,
    /// Cells already read (indexed by cell id): the first reading stands.
    stored: Vec<bool>,
}

/// The values read for a row: a token index per cell (or the weak empty taken as blank).
type Reading = Vec<usize>;

/// What the document shows of the damage its tables suffered, decided once for the whole
/// document: it chooses the [`damage`] models a damaged row is read under.
#[derive(Clone, Copy, Debug, Default)]
struct Profile {
    /// A text crawl whose adjacent identical lines were merged: one value per line, and
    /// not one pair of equal neighbouring lines in the whole text.
    collapsed: bool,
}

impl Profile {
    fn of(doc: &Document) -> Profile {
        if doc.kind != crate::document::SourceKind::Text {
            return Profile::default();
        }
        let mut numeric = 0;
        let mut prev: Option<&str> = None;
        for line in doc.source.lines() {
            let line = crate::text::trim(line);
            if line.is_empty() {
                continue;
            }
            if prev == Some(line) {
                return Profile::default();
            }
            if matches!(
                crate::number::read_cell_text(line),
                crate::number::CellText::Number { .. }
            ) {
                numeric += 1;
            }
            prev = Some(line);
        }
        // Table 三 alone has 175 cells: a cell-per-line print of it with no two equal
        // neighbours is what a collapsing crawler leaves.
        Profile {
            collapsed: numeric >= 20,
        }
    }
}

/// A row whose numbers were damaged, with every reading its damage models allow.
struct Broken {
    label: String,
    label_span: Span,
    /// The value tokens as printed.
    printed: String,
    ids: Vec<CellId>,
    /// The readings (for tables 三 and 四, those whose totals hold), each with the model
    /// that gives it; `None`: too many to enumerate.
    candidates: Option<Vec<(damage::Model, damage::Candidate)>>,
    /// The models tried.
    models: Vec<damage::Model>,
}

impl Broken {
    fn count(&self) -> usize {
        self.candidates.as_ref().map_or(0, Vec::len)
    }

    fn candidate(&self, i: usize) -> &damage::Candidate {
        &self
            .candidates
            .as_ref()
            .expect("an index into the candidates")[i]
            .1
    }

    /// What happened to the row under `models`, in Chinese.
    fn how(models: &[damage::Model]) -> String {
        models
            .iter()
            .map(|m| m.how())
            .collect::<Vec<_>>()
            .join("，或")
    }

    /// The models of the readings kept (else of those tried).
    fn models_of(&self, picks: &[usize]) -> Vec<damage::Model> {
        let mut models: Vec<damage::Model> = Vec::new();
        for &i in picks {
            let m = self.candidates.as_ref().expect("picked candidates")[i].0;
            if !models.contains(&m) {
                models.push(m);
            }
        }
        if models.is_empty() {
            models = self.models.clone();
        }
        models
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
                    if cur.values.iter().any(|&v| self.substantial(v)) || self.blank_row(&cur) {
                        out.push(std::mem::take(&mut cur));
                    } else {
                        cur.values.clear();
                    }
                    cur.labels.push(i);
                }
                Kind::Value(_) | Kind::Blank | Kind::Empty | Kind::Digits | Kind::Doubtful => {
                    // Empty cells padding an earlier row (a header row with `&nbsp;`
                    // cells) do not belong to the values that start on this one.
                    if let Some(&last) = cur.values.last() {
                        if self.toks[last].row != t.row
                            && !cur.values.iter().any(|&v| self.substantial(v))
                        {
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

    /// A table row whose cells after its label are all empty (`| 规章 | | | |` in HTML or
    /// DOCX): a row of blank cells, not padding. Padding is empty cells on a row of their
    /// own, a single one beside a header's words, or a text line's ragged trailing pipes.
    fn blank_row(&self, unit: &Unit) -> bool {
        let Some(&label) = unit.labels.last() else {
            return false;
        };
        let row = self.toks[label].row;
        // A group's own row (`（三）不予公开` over its items) is a heading when blank: its
        // words belong to the rows under it, and its empty cells are no subtotal.
        !self.toks[label].in_para
            && group_of(&self.toks[label].norm).is_none()
            && unit.values.len() >= 2
            && unit.values.iter().all(|&v| {
                let t = &self.toks[v];
                // Definite cells only (a `<td>`, a Word cell): a text line's trailing
                // pipes are no cells.
                t.kind == Kind::Blank && !t.in_para && t.row == row
            })
    }

    /// A number or a printed blank marker (not an empty cell).
    fn substantial(&self, v: usize) -> bool {
        let t = &self.toks[v];
        matches!(t.kind, Kind::Value(_) | Kind::Digits | Kind::Doubtful)
            || (t.kind == Kind::Blank && !crate::text::trim(t.text).is_empty())
    }

    /// Whether the unit holds at least one number (not only blanks or empty cells).
    fn has_number(&self, unit: &Unit) -> bool {
        unit.values.iter().any(|&v| {
            matches!(
                self.toks[v].kind,
                Kind::Value(_) | Kind::Digits | Kind::Doubtful
            )
        })
    }

    /// Whether the unit's values are all numbers (a row of numbers, however damaged).
    fn numbers_only(&self, unit: &Unit) -> bool {
        unit.values
            .iter()
            .filter(|&&v| self.toks[v].kind != Kind::Empty)
            .all(|&v| {
                matches!(
                    self.toks[v].kind,
                    Kind::Value(_) | Kind::Digits | Kind::Doubtful
                )
            })
    }

    /// Reads `n` values from a unit, or says why it cannot.
    fn read(&self, unit: &Unit, n: usize) -> Result<Reading, String> {
        let strong: Vec<usize> = unit
            .values
            .iter()
            .copied()
            .filter(|&v| self.toks[v].is_strong_value())
            .collect();
        if strong.iter().any(|&v| self.toks[v].kind == Kind::Digits) {
            return Err("数字过长，是几个单元格的数字连在了一起".into());
        }
        if strong.iter().any(|&v| self.toks[v].kind == Kind::Doubtful) {
            return Err("单元格内的数字折成了几行，无法确定完整的数值".into());
        }
        if strong.len() == n {
            return Ok(strong);
        }
        if strong.len() > n {
            // Definite empty cells beyond the numbers may be padding.
            let numbers: Vec<usize> = strong
                .iter()
                .copied()
                .filter(|&v| matches!(self.toks[v].kind, Kind::Value(_)))
                .collect();
            if numbers.len() == n
                && strong.iter().all(|&v| {
                    matches!(self.toks[v].kind, Kind::Value(_))
                        || self.toks[v].text.trim().is_empty()
                })
            {
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
        Err(format!(
            "应有 {n} 个数值，只读到 {} 个，空白单元格无法确定对应哪一列",
            strong.len()
        ))
    }

    fn label_text(&self, unit: &Unit) -> (String, Span) {
        let Some(&last) = unit.labels.last() else {
            let span = unit
                .values
                .first()
                .map_or(Span::default(), |&v| self.toks[v].span);
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
        let text: Vec<&str> = unit
            .labels
            .iter()
            .filter(|&&l| l >= first)
            .map(|&l| self.toks[l].text)
            .collect();
        (
            text.join(" "),
            self.toks[first].span.cover(self.toks[last].span),
        )
    }

    fn run_text(&self, unit: &Unit) -> String {
        unit.labels
            .iter()
            .map(|&l| self.toks[l].norm.as_str())
            .collect()
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
            self.cells.push(CellValue {
                id,
                value,
                blank,
                raw: t.text.to_string(),
                span: t.span,
            });
        }
    }

    fn unreadable(&mut self, what: &str, unit: &Unit, why: String, ids: &[CellId]) {
        let (label, span) = self.label_text(unit);
        let values: Vec<&str> = unit.values.iter().map(|&v| self.toks[v].text).collect();
        let span = unit
            .values
            .iter()
            .fold(span, |s, &v| s.cover(self.toks[v].span));
        self.diags.push(
            Diagnostic::new(
                codes::UNREADABLE_ROW,
                Severity::Error,
                format!("{what}「{label}」的数值无法确定：{why}"),
            )
            .at(
                Some(span),
                format!(
                    "读到：{}",
                    values
                        .iter()
                        .map(|v| if v.is_empty() { "（空）" } else { v })
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
            )
            .cells(ids.iter().copied())
            .help("核对原文该行的每个单元格；空白单元格请填写 0 或明确的空白标记（如“/”）"),
        );
    }

    /// The readings of a damaged row (see [`damage`]) under the models its tokens and the
    /// document's [`Profile`] allow; with `group`, only those whose every run of `group`
    /// cells ends in its total. `None` when the row is not a row of numbers some model
    /// explains.
    fn damaged(&self, unit: &Unit, ids: Vec<CellId>, group: Option<usize>) -> Option<Broken> {
        let n = ids.len();
        // A label that ends in a digit (`行政规范性文件4`: a PDF line builder joined a
        // narrow cell's number to the label) has lost a number to it: every model would
        // read the rest as if nothing were missing. No reading is offered.
        if let Some(&last) = unit.labels.last() {
            let label = crate::text::trim(self.toks[last].text);
            if label
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
            {
                return None;
            }
        }
        let vals: Vec<usize> = unit
            .values
            .iter()
            .copied()
            .filter(|&v| self.toks[v].kind != Kind::Empty)
            .collect();
        if vals.len() == n
            || vals
                .iter()
                .any(|&v| !matches!(self.toks[v].kind, Kind::Value(_) | Kind::Digits))
        {
            return None;
        }
        let printed: Vec<damage::Printed<'_>> = vals
            .iter()
            .map(|&v| {
                let t = &self.toks[v];
                let value = match t.kind {
                    Kind::Value(x) => Some(x),
                    _ => None,
                };
                damage::Printed {
                    text: t.text.trim(),
                    value,
                    span: t.span,
                    piece: t.piece,
                }
            })
            .collect();
        let apart = printed.windows(2).all(|w| w[0].piece != w[1].piece);
        let one_per_line = apart && vals.iter().all(|&v| self.toks[v].in_para);
        let models: Vec<damage::Model> = if printed.len() > n {
            vec![damage::Model::Split]
        } else if self.profile.collapsed && one_per_line {
            // Lines are certain boundaries in a cell-per-line crawl: nothing is cut.
            vec![damage::Model::Collapsed]
        } else if one_per_line {
            vec![damage::Model::Glued, damage::Model::DroppedBlanks]
        } else {
            vec![damage::Model::Glued]
        };
        let search = damage::Search {
            cap: damage::MAX_CANDIDATES,
            group,
        };
        let mut candidates: Option<Vec<(damage::Model, damage::Candidate)>> = Some(Vec::new());
        let mut fits = false;
        for &m in &models {
            match damage::readings(m, &printed, n, search) {
                Some(list) => {
                    fits = true;
                    if let Some(all) = &mut candidates {
                        // Readings with the same values are one reading to the identities
                        // (a blank and a printed 0 alike): the first model's stands.
                        for c in list {
                            if !all.iter().any(|(_, d)| {
                                d.iter().map(|p| p.value).eq(c.iter().map(|p| p.value))
                            }) {
                                all.push((m, c));
                            }
                        }
                    }
                }
                None if m == damage::Model::Glued
                    && !printed.iter().all(|p| damage::is_digit_run(p.text)) => {}
                None if matches!(m, damage::Model::Collapsed)
                    && printed.windows(2).any(|w| w[0].text == w[1].text) => {}
                None => {
                    fits = true;
                    candidates = None;
                }
            }
        }
        if !fits {
            return None;
        }
        // The row's own label (the last label token), not the header words before it.
        let (label, label_span) = match unit.labels.last() {
            Some(&l) => (self.toks[l].text.trim().to_string(), self.toks[l].span),
            None => self.label_text(unit),
        };
        let shown: Vec<&str> = printed.iter().map(|p| p.text).collect();
        let span = vals
            .iter()
            .fold(label_span, |s, &v| s.cover(self.toks[v].span));
        Some(Broken {
            label,
            label_span: span,
            printed: shown.join(" "),
            ids,
            candidates,
            models,
        })
    }

    fn store_pieces(&mut self, ids: &[CellId], reading: &[Option<damage::Piece>]) {
        for (&id, p) in ids.iter().zip(reading) {
            let Some(p) = p else { continue };
            if std::mem::replace(&mut self.stored[id.index()], true) {
                continue;
            }
            self.cells.push(CellValue {
                id,
                value: p.value,
                blank: p.blank,
                raw: p.text.clone(),
                span: p.span,
            });
        }
    }

    /// Reads a damaged row from the readings `picks` (indices into its candidates) that
    /// survive: every cell on which they all agree is read and stated (E0006); the others
    /// are reported with their candidates (E0002). `why` says why these readings remain.
    fn settle(&mut self, what: &str, broken: &Broken, picks: &[usize], why: &str, checked: bool) {
        // Agreement among readings is evidence only where an identity has sifted them: a
        // row with nothing to check it by (table 二) and several readings is read only
        // if there is one. Its readings all assume the model is right, and a number lost
        // elsewhere (`行政规范性文件17 | 51 | 17` from a PDF: 17 glued to the label) makes
        // every reading agree on a wrong cell.
        // The exception is a collapsed crawl (a document-wide finding, see `Profile`):
        // there every line was a cell, and the readings differ only in where a run of
        // equal cells ends.
        let models = broken.models_of(picks);
        let collapsed_only = models.iter().all(|&m| m == damage::Model::Collapsed);
        let agreed = if picks.is_empty() || (!checked && !collapsed_only && picks.len() > 1) {
            vec![None; broken.ids.len()]
        } else {
            damage::agreed(picks.iter().map(|&i| broken.candidate(i)))
        };
        self.store_pieces(&broken.ids, &agreed);
        let how = Broken::how(&models);
        let read: Vec<String> = agreed
            .iter()
            .map(|p| {
                p.as_ref().map_or("?".to_string(), |p| {
                    if p.blank {
                        "空".into()
                    } else {
                        p.text.clone()
                    }
                })
            })
            .collect();
        let open: Vec<CellId> = broken
            .ids
            .iter()
            .zip(&agreed)
            .filter(|(_, p)| p.is_none())
            .map(|(&id, _)| id)
            .collect();
        self.recoveries.push(Recovery {
            models,
            read: broken.ids.len() - open.len(),
            open: open.len(),
        });
        if agreed.iter().any(Option::is_some) {
            let span = agreed
                .iter()
                .flatten()
                .fold(broken.label_span, |s, p| s.cover(p.span));
            let rest = if open.is_empty() {
                String::new()
            } else {
                format!("（“?”处有 {} 个单元格无法确定）", open.len())
            };
            self.diags.push(
                Diagnostic::new(
                    codes::RECOVERED_ROW,
                    Severity::Info,
                    format!(
                        "{what}「{}」的数字在原文中{how}，读作「{}」{rest}：{why}",
                        broken.label,
                        read.join(" ")
                    ),
                )
                .at(Some(span), format!("原文：{}", broken.printed))
                .cells(broken.ids.iter().copied().filter(|id| !open.contains(id)))
                .help("核对原文：每个单元格应各有数值，数字之间应有分隔（单元格、空格或制表符）"),
            );
        }
        if open.is_empty() {
            return;
        }
        let shown: Vec<String> = picks
            .iter()
            .take(8)
            .map(|&i| format!("「{}」", damage::show(broken.candidate(i))))
            .collect();
        let more = if picks.len() > shown.len() {
            format!(" 等 {} 种", picks.len())
        } else {
            String::new()
        };
        let list = if shown.is_empty() {
            String::new()
        } else {
            format!("；可能的读法：{}{more}", shown.join("、"))
        };
        let names: Vec<&str> = open.iter().map(|id| id.def().column_label).collect();
        self.diags.push(
            Diagnostic::new(
                codes::UNREADABLE_ROW,
                Severity::Error,
                format!(
                    "{what}「{}」的数字在原文中{how}，无法确定{}：{why}{list}",
                    broken.label,
                    if open.len() == broken.ids.len() {
                        "读法".to_string()
                    } else {
                        format!("「{}」列", names.join("、"))
                    }
                ),
            )
            .at(Some(broken.label_span), format!("原文：{}", broken.printed))
            .cells(open.iter().copied())
            .help("核对原文该行的每个单元格，数字之间应有分隔"),
        );
    }

    /// Reads a damaged row by its own readings alone (tables 二 and 四, or table 三 when
    /// the columns cannot decide).
    fn settle_alone(&mut self, what: &str, broken: &Broken, identity: &str) {
        let picks: Vec<usize> = (0..broken.count()).collect();
        let why = match (&broken.candidates, picks.len()) {
            (None, _) => "可能的读法太多，未逐一检验".to_string(),
            (Some(_), 0) => format!("没有一种读法使{identity}成立"),
            (Some(_), 1) if identity.is_empty() => "原文只有这一种读法".to_string(),
            (Some(_), 1) => format!("这是唯一使{identity}成立的读法"),
            (Some(_), n) if identity.is_empty() => {
                format!("有 {n} 种读法，没有可据以判断的勾稽关系；只有采集时合并重复行造成的读法之间一致的单元格才读出")
            }
            (Some(_), n) => format!("有 {n} 种读法使{identity}成立；各读法一致的单元格已读出"),
        };
        self.settle(what, broken, &picks, &why, !identity.is_empty());
    }
}
