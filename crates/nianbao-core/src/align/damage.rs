//! Damage models: what crawlers and converters do to a table row, and the readings each
//! allows.
//!
//! A row whose printed values cannot be read as the row's number of cells was damaged on
//! its way to us. Each [`Model`] is one known kind of damage; given the printed tokens it
//! enumerates every reading the damage allows:
//!
//! * [`Model::Glued`] — the separators between cells were lost (`801000081` for
//!   `80 1 0 0 0 0 81`): every way to cut the digit runs into the cells, the tokens' own
//!   boundaries kept, no leading zero except a lone `0`;
//! * [`Model::Split`] — a number broken into pieces inside one cell or line (`1 2` for
//!   `12`): every way to join adjacent pieces of the same cell (separate cells and lines
//!   are certain boundaries, never joined);
//! * [`Model::Collapsed`] — a crawler merged adjacent identical lines (`19 0 1 0 20` for
//!   `19 0 0 1 0 0 20`): every way to expand each printed value into a run of cells;
//! * [`Model::DroppedBlanks`] — a row's blank cells left no trace (`2 2` for seven
//!   columns): every way to place the printed values, in order, among the cells, the rest
//!   blank.
//!
//! Which models apply is decided by the caller from the document's evidence (a crawl whose
//! lines were collapsed never has two equal adjacent lines). The readings are then decided
//! by the tables' identities, never by likelihood: the row's own total (table 三) or each
//! group's total (table 四) filters them as they are built, table 三's column identities
//! choose among combinations ([`combinations`]), and a cell is read only when every
//! surviving reading gives it the same value ([`agreed`]). Everything else is reported as
//! uncertain with its candidates. A reading under which the row's identity fails is never
//! kept, so it can never be "the only reading".

use crate::document::Span;
use crate::number::Number;

/// A kind of damage a row's numbers may have suffered (数字粘连、拆分、重复行合并、空白略去).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Model {
    /// Cell boundaries lost: `19010` for `19 0 1 0`.
    Glued,
    /// One number broken into pieces: `1 2` for `12`.
    Split,
    /// Adjacent equal lines merged by a crawler: `0` for `0 0 0`.
    Collapsed,
    /// Blank cells left out: `2 2` for a seven-column row.
    DroppedBlanks,
}

impl Model {
    /// Every model, in a fixed order (for tallies).
    pub const ALL: [Model; 4] = [
        Model::Glued,
        Model::Split,
        Model::Collapsed,
        Model::DroppedBlanks,
    ];

    /// Stable key for JSON (`glued`, `split`, `collapsed`, `dropped_blanks`).
    pub fn key(self) -> &'static str {
        match self {
            Model::Glued => "glued",
            Model::Split => "split",
            Model::Collapsed => "collapsed",
            Model::DroppedBlanks => "dropped_blanks",
        }
    }

    /// Short Chinese name (for tallies).
    pub fn name(self) -> &'static str {
        match self {
            Model::Glued => "数字粘连",
            Model::Split => "数字拆分",
            Model::Collapsed => "重复行被合并",
            Model::DroppedBlanks => "空白单元格被略去",
        }
    }

    /// What happened to the row, in Chinese (for E0006 and E0002).
    pub fn how(self) -> &'static str {
        match self {
            Model::Glued => "连在一起（单元格分隔丢失）",
            Model::Split => "被拆开（一个数字断成几段）",
            Model::Collapsed => "相邻相同的数值被合并（采集时删去了重复的行）",
            Model::DroppedBlanks => "空白单元格被略去（只剩有数值的单元格）",
        }
    }
}

/// One printed value token of a damaged row.
#[derive(Clone, Debug)]
pub(crate) struct Printed<'a> {
    pub text: &'a str,
    /// Its value when it reads as one number.
    pub value: Option<Number>,
    pub span: Span,
    /// The cell or line it stands in: tokens of different pieces are certainly apart.
    pub piece: u32,
}

/// One cell of a reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Piece {
    pub text: String,
    pub value: Number,
    pub span: Span,
    /// A cell the damage left empty ([`Model::DroppedBlanks`]).
    pub blank: bool,
}

impl Piece {
    /// The value as a count, for the identities.
    pub fn int(&self) -> Option<i64> {
        self.value.as_i64()
    }
}

/// A way to read a row's tokens as its cells.
pub(crate) type Candidate = Vec<Piece>;

/// Most readings enumerated for one row before giving up (reported as uncertain).
pub(crate) const MAX_CANDIDATES: usize = 20_000;
/// Longest digit text considered by the glued and split models.
const MAX_DIGITS: usize = 48;
/// Most tokens and cells the collapsed and dropped-blank models place.
const MAX_CELLS: usize = 32;

/// How to enumerate: at most `cap` readings; with `group`, only readings in which every
/// run of `group` cells ends in the sum of the others (a row's or a group's total), pruned
/// as they are built.
#[derive(Clone, Copy)]
pub(crate) struct Search {
    pub cap: usize,
    pub group: Option<usize>,
}

impl Search {
    /// Whether the reading so far may still hold.
    fn holds(&self, acc: &[Piece]) -> bool {
        match self.group {
            Some(g) if !acc.is_empty() && acc.len() % g == 0 => {
                let last = &acc[acc.len() - g..];
                let parts: Option<i64> = last[..g - 1].iter().map(Piece::int).sum();
                parts.is_some() && parts == last[g - 1].int()
            }
            _ => true,
        }
    }
}

/// The readings of `tokens` as `n` cells under `model`; `None` when the model does not
/// fit the tokens or there are more than `search.cap` readings (or too much to search).
pub(crate) fn readings(
    model: Model,
    tokens: &[Printed<'_>],
    n: usize,
    search: Search,
) -> Option<Vec<Candidate>> {
    if n == 0 || tokens.is_empty() {
        return None;
    }
    let mut out = Vec::new();
    let mut acc: Vec<Piece> = Vec::new();
    let digit_text: usize = tokens.iter().map(|t| t.text.len()).sum();
    let complete = match model {
        Model::Glued => {
            if tokens.len() >= n
                || digit_text > MAX_DIGITS
                || !tokens.iter().all(|t| is_digit_run(t.text))
            {
                return None;
            }
            let per: Vec<(String, Vec<Span>)> = tokens
                .iter()
                .map(|t| (t.text.to_string(), spans_of(t.text, t.span)))
                .collect();
            cut(&per, 0, 0, n, &mut acc, &mut out, search)
        }
        Model::Split => {
            if tokens.len() <= n
                || digit_text > MAX_DIGITS
                || !tokens.iter().all(|t| is_digit_run(t.text))
            {
                return None;
            }
            join(tokens, 0, n, &mut acc, &mut out, search)
        }
        Model::Collapsed | Model::DroppedBlanks => {
            if tokens.len() >= n || n > MAX_CELLS || tokens.iter().any(|t| t.value.is_none()) {
                return None;
            }
            let vals: Vec<Piece> = tokens
                .iter()
                .map(|t| Piece {
                    text: t.text.to_string(),
                    value: t.value.unwrap_or(Number::ZERO),
                    span: t.span,
                    blank: false,
                })
                .collect();
            if model == Model::Collapsed {
                // Adjacent printed values are never equal: the crawler would have merged them.
                if vals.windows(2).any(|w| w[0].text == w[1].text) {
                    return None;
                }
                expand(&vals, 0, n, &mut acc, &mut out, search)
            } else {
                place(&vals, 0, n, &mut acc, &mut out, search)
            }
        }
    };
    complete.then_some(out)
}

/// Whether a token is a plain run of ASCII digits (what glued and split models re-read).
pub(crate) fn is_digit_run(t: &str) -> bool {
    !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())
}

/// A token's digits with the source span of each byte when the text stands in the source
/// as is (else every piece takes the token's whole span).
fn spans_of(text: &str, span: Span) -> Vec<Span> {
    let exact = span.end.saturating_sub(span.start) == text.len();
    (0..text.len())
        .map(|i| {
            if exact {
                Span {
                    start: span.start + i,
                    end: span.start + i + 1,
                }
            } else {
                span
            }
        })
        .collect()
}

fn piece(digits: &str, spans: &[Span]) -> Option<Piece> {
    if digits.is_empty() || digits.len() > 15 || (digits.len() > 1 && digits.starts_with('0')) {
        return None;
    }
    let span = spans.first()?.cover(*spans.last()?);
    Some(Piece {
        text: digits.to_string(),
        value: Number::int(digits.parse().ok()?),
        span,
        blank: false,
    })
}

/// Records a complete reading; false when the candidates overflow.
fn emit(acc: &[Piece], out: &mut Vec<Candidate>, search: Search) -> bool {
    out.push(acc.to_vec());
    out.len() <= search.cap
}

/// Cuts token `ti` from byte `at` on; `left` cells remain to fill. False when the
/// candidates overflow.
fn cut(
    per: &[(String, Vec<Span>)],
    ti: usize,
    at: usize,
    left: usize,
    acc: &mut Vec<Piece>,
    out: &mut Vec<Candidate>,
    search: Search,
) -> bool {
    if !search.holds(acc) {
        return true;
    }
    if ti == per.len() {
        return left != 0 || emit(acc, out, search);
    }
    let (text, spans) = &per[ti];
    let rest_tokens = per.len() - ti - 1;
    // Every later token needs at least one cell.
    if left < rest_tokens + 1 {
        return true;
    }
    // The last cell of a group is its total: only the digits of the others' sum fit.
    let total = match search.group {
        Some(g) if g > 1 && acc.len() % g == g - 1 => {
            let parts: Option<i64> = acc[acc.len() + 1 - g..].iter().map(Piece::int).sum();
            match parts {
                Some(p) => Some(p.to_string()),
                None => return true,
            }
        }
        _ => None,
    };
    let ends = match &total {
        Some(t) if text[at..].starts_with(t.as_str()) => at + t.len()..at + t.len() + 1,
        Some(_) => return true,
        None => at + 1..text.len() + 1,
    };
    for end in ends {
        let Some(p) = piece(&text[at..end], &spans[at..end]) else {
            if text.as_bytes()[at] == b'0' {
                break; // a leading zero: only the lone `0` was possible
            }
            continue;
        };
        acc.push(p);
        let ok = if end == text.len() {
            cut(per, ti + 1, 0, left - 1, acc, out, search)
        } else {
            cut(per, ti, end, left - 1, acc, out, search)
        };
        acc.pop();
        if !ok {
            return false;
        }
    }
    true
}

/// Joins tokens from `from` on into `left` cells; only tokens of one piece join.
fn join(
    tokens: &[Printed<'_>],
    from: usize,
    left: usize,
    acc: &mut Vec<Piece>,
    out: &mut Vec<Candidate>,
    search: Search,
) -> bool {
    if !search.holds(acc) {
        return true;
    }
    if from == tokens.len() {
        return left != 0 || emit(acc, out, search);
    }
    if left == 0 {
        return true;
    }
    let mut text = String::new();
    let mut span = tokens[from].span;
    for to in from..tokens.len() {
        if to > from && tokens[to].piece != tokens[to - 1].piece {
            break; // a cell or line boundary is certain
        }
        text.push_str(tokens[to].text);
        span = span.cover(tokens[to].span);
        // Leave at least one token per remaining cell.
        if tokens.len() - (to + 1) < left - 1 {
            break;
        }
        if let Some(p) = piece(&text, &[span]) {
            acc.push(p);
            let ok = join(tokens, to + 1, left - 1, acc, out, search);
            acc.pop();
            if !ok {
                return false;
            }
        }
    }
    true
}

/// Expands value `vi` on into runs of equal cells; `left` cells remain.
fn expand(
    vals: &[Piece],
    vi: usize,
    left: usize,
    acc: &mut Vec<Piece>,
    out: &mut Vec<Candidate>,
    search: Search,
) -> bool {
    if vi == vals.len() {
        return left != 0 || emit(acc, out, search);
    }
    let rest = vals.len() - vi - 1;
    for run in 1..=left.saturating_sub(rest) {
        let mark = acc.len();
        let mut ok = true;
        for _ in 0..run {
            acc.push(vals[vi].clone());
            if !search.holds(acc) {
                ok = false;
                break;
            }
        }
        let go_on = !ok || expand(vals, vi + 1, left - run, acc, out, search);
        acc.truncate(mark);
        if !go_on {
            return false;
        }
        if !ok {
            // A longer run of the same value cannot mend a group that already failed.
            break;
        }
    }
    true
}

/// Places value `vi` on among the remaining `left` cells, blanks before it.
fn place(
    vals: &[Piece],
    vi: usize,
    left: usize,
    acc: &mut Vec<Piece>,
    out: &mut Vec<Candidate>,
    search: Search,
) -> bool {
    if !search.holds(acc) {
        return true;
    }
    if vi == vals.len() {
        let mark = acc.len();
        let span = acc
            .last()
            .map_or(Span::default(), |p| Span::new(p.span.end, p.span.end));
        for _ in 0..left {
            acc.push(blank(span));
            if !search.holds(acc) {
                acc.truncate(mark);
                return true;
            }
        }
        let ok = emit(acc, out, search);
        acc.truncate(mark);
        return ok;
    }
    let rest = vals.len() - vi;
    if left < rest {
        return true;
    }
    for blanks in 0..=left - rest {
        let mark = acc.len();
        let mut ok = true;
        for _ in 0..blanks {
            acc.push(blank(Span::new(vals[vi].span.start, vals[vi].span.start)));
            if !search.holds(acc) {
                ok = false;
                break;
            }
        }
        if ok {
            acc.push(vals[vi].clone());
            if !place(vals, vi + 1, left - blanks - 1, acc, out, search) {
                acc.truncate(mark);
                return false;
            }
        }
        acc.truncate(mark);
    }
    true
}

fn blank(span: Span) -> Piece {
    Piece {
        text: String::new(),
        value: Number::ZERO,
        span,
        blank: true,
    }
}

/// The reading shown to a reviewer: `80 1 0 0 0 0 81` (a blank as `空`).
pub(crate) fn show(c: &[Piece]) -> String {
    c.iter()
        .map(|p| if p.blank { "空" } else { p.text.as_str() })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The cells on which every reading agrees: `Some(piece)` per cell where all give the same
/// value, `None` where they differ. A cell is blank only when every reading leaves it blank.
pub(crate) fn agreed<'c>(readings: impl IntoIterator<Item = &'c Candidate>) -> Vec<Option<Piece>> {
    let mut out: Vec<Option<Piece>> = Vec::new();
    let mut first = true;
    for c in readings {
        if first {
            out = c.iter().cloned().map(Some).collect();
            first = false;
            continue;
        }
        for (slot, p) in out.iter_mut().zip(c) {
            if let Some(s) = slot {
                if s.value != p.value {
                    *slot = None;
                } else if s.blank && !p.blank {
                    *slot = Some(p.clone());
                }
            }
        }
    }
    out
}

/// Every combination of one candidate per row that `holds` accepts (each a pick per row);
/// `None` when there are too many combinations to search.
pub(crate) fn combinations(
    sizes: &[usize],
    holds: &mut dyn FnMut(&[usize]) -> bool,
) -> Option<Vec<Vec<usize>>> {
    const MAX_COMBINATIONS: usize = 1_000_000;
    const MAX_KEPT: usize = 10_000;
    let product = sizes
        .iter()
        .try_fold(1usize, |acc, &s| acc.checked_mul(s))
        .unwrap_or(usize::MAX);
    if product > MAX_COMBINATIONS {
        return None;
    }
    if sizes.contains(&0) {
        return Some(Vec::new());
    }
    let mut pick = vec![0usize; sizes.len()];
    let mut found = Vec::new();
    loop {
        if holds(&pick) {
            if found.len() == MAX_KEPT {
                return None;
            }
            found.push(pick.clone());
        }
        // Next combination (odometer).
        let mut i = 0;
        loop {
            if i == pick.len() {
                return Some(found);
            }
            pick[i] += 1;
            if pick[i] < sizes[i] {
                break;
            }
            pick[i] = 0;
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sp(a: usize, b: usize) -> Span {
        Span { start: a, end: b }
    }

    fn toks<'a>(texts: &[&'a str]) -> Vec<Printed<'a>> {
        let mut at = 0;
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let s = sp(at, at + t.len());
                at += t.len() + 1;
                Printed {
                    text: t,
                    value: crate::number::parse_number(t),
                    span: s,
                    piece: i as u32,
                }
            })
            .collect()
    }

    const ALL: Search = Search {
        cap: MAX_CANDIDATES,
        group: None,
    };
    const ROW: Search = Search {
        cap: MAX_CANDIDATES,
        group: Some(7),
    };

    fn texts(cs: &[Candidate]) -> Vec<String> {
        cs.iter().map(|c| show(c)).collect()
    }

    #[test]
    fn group_totals_prune_as_they_are_built() {
        // 24 digits into table 四's 15 cells: far too many readings unpruned, a handful
        // whose three group totals hold.
        let run = "000251251003594363007512";
        let t = toks(&[run]);
        assert!(readings(Model::Glued, &t, 15, ALL).is_none());
        let held = readings(
            Model::Glued,
            &t,
            15,
            Search {
                cap: MAX_CANDIDATES,
                group: Some(5),
            },
        )
        .unwrap();
        assert!(
            !held.is_empty() && held.len() < 100,
            "{} readings hold",
            held.len()
        );
        for c in &held {
            for g in c.chunks(5) {
                assert_eq!(
                    g[..4].iter().map(|p| p.int().unwrap()).sum::<i64>(),
                    g[4].int().unwrap()
                );
            }
        }
    }

    #[test]
    fn a_glued_run_is_cut_every_way_without_leading_zeros() {
        let t = [Printed {
            text: "801000081",
            value: None,
            span: sp(10, 19),
            piece: 0,
        }];
        let cs = readings(Model::Glued, &t, 7, ALL).unwrap();
        let all = texts(&cs);
        assert!(all.contains(&"80 1 0 0 0 0 81".to_string()));
        assert!(
            all.iter()
                .all(|s| !s.split(' ').any(|p| p.len() > 1 && p.starts_with('0'))),
            "no leading zeros"
        );
        assert!(all.iter().all(|s| s.split(' ').count() == 7));
        // Spans point at the digits themselves.
        let c = cs.iter().find(|c| show(c) == "80 1 0 0 0 0 81").unwrap();
        assert_eq!(c[0].span, sp(10, 12));
        assert_eq!(c[6].span, sp(17, 19));
        // A run as long as the cells has one reading only; its total must still hold.
        assert_eq!(
            texts(&readings(Model::Glued, &toks(&["1000001"]), 7, ROW).unwrap()),
            vec!["1 0 0 0 0 0 1"]
        );
        assert!(readings(Model::Glued, &toks(&["1000002"]), 7, ROW)
            .unwrap()
            .is_empty());
    }

    #[test]
    fn split_numbers_join_within_a_piece_only() {
        let mut t = toks(&["1", "2", "0", "12"]);
        for p in &mut t {
            p.piece = 0;
        }
        let all = texts(&readings(Model::Split, &t, 3, ALL).unwrap());
        assert_eq!(
            all,
            vec!["1 20 12", "12 0 12"],
            "`2 0` may join; `0 12` may not (leading zero)"
        );
        // The same pieces on separate lines never join.
        assert!(
            readings(Model::Split, &toks(&["1", "2", "0", "12"]), 3, ALL)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn collapsed_runs_expand_and_the_total_decides() {
        // 19 0 1 0 20 for seven cells: the 1 may stand in 科研, 公益 or 法律; 19, 0 and 20
        // are the same in every reading.
        let cs = readings(
            Model::Collapsed,
            &toks(&["19", "0", "1", "0", "20"]),
            7,
            ROW,
        )
        .unwrap();
        assert_eq!(
            texts(&cs),
            vec!["19 0 1 0 0 0 20", "19 0 0 1 0 0 20", "19 0 0 0 1 0 20"]
        );
        let a = agreed(&cs);
        let v: Vec<Option<i64>> = a.iter().map(|p| p.as_ref().and_then(Piece::int)).collect();
        assert_eq!(
            v,
            vec![Some(19), Some(0), None, None, None, Some(0), Some(20)]
        );
        // `0` alone is a row of zeros; `2 0 2` is 2 0 0 0 0 0 2.
        assert_eq!(
            texts(&readings(Model::Collapsed, &toks(&["0"]), 7, ROW).unwrap()),
            vec!["0 0 0 0 0 0 0"]
        );
        assert_eq!(
            texts(&readings(Model::Collapsed, &toks(&["2", "0", "2"]), 7, ROW).unwrap()),
            vec!["2 0 0 0 0 0 2"]
        );
        // Without an identity, `4 16` leaves the middle cell open.
        let cs = readings(Model::Collapsed, &toks(&["4", "16"]), 3, ALL).unwrap();
        assert_eq!(texts(&cs), vec!["4 16 16", "4 4 16"]);
        // Equal neighbours cannot be a collapsed print.
        assert!(readings(Model::Collapsed, &toks(&["2", "2"]), 7, ROW).is_none());
    }

    #[test]
    fn dropped_blanks_are_placed_every_way() {
        let cs = readings(Model::DroppedBlanks, &toks(&["2", "2"]), 7, ROW).unwrap();
        assert_eq!(cs.len(), 6, "{:?}", texts(&cs));
        let a = agreed(&cs);
        assert_eq!(
            a[6].as_ref().and_then(Piece::int),
            Some(2),
            "the total is 2 in every reading"
        );
        assert!(a[0].is_none());
        assert!(cs.iter().all(|c| c.iter().filter(|p| p.blank).count() == 5));
    }

    #[test]
    fn combinations_keep_every_one_that_holds() {
        let mut holds = |p: &[usize]| p == [1, 0];
        assert_eq!(combinations(&[2, 2], &mut holds), Some(vec![vec![1, 0]]));
        let mut two = |p: &[usize]| p[0] == 1;
        assert_eq!(combinations(&[2, 2], &mut two).map(|v| v.len()), Some(2));
        let mut none = |_: &[usize]| false;
        assert_eq!(combinations(&[2, 3], &mut none), Some(vec![]));
        assert_eq!(combinations(&[1000, 1000, 1000], &mut none), None);
    }
}
