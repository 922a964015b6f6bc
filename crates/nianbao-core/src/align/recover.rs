//! Reading numbers the layout broke, by the table's own identities.
//!
//! Two breakages are common: a scraper that drops the separators glues a row's cells into
//! one digit run (`801000081` for `80 1 0 0 0 0 81`), and a PDF or a narrow cell splits a
//! number into pieces (`1 2` for `12`). A row whose value tokens are plain digit runs but
//! cannot be read as the row's number of cells gets its *readings* enumerated:
//!
//! * fewer tokens than cells — every way to cut the digit runs into the cells (the tokens'
//!   own boundaries kept; no leading zero except a lone `0`);
//! * more tokens than cells — every way to join adjacent tokens.
//!
//! A reading that is the only one the text allows stands as printed. When several remain,
//! the row's own identity (total = the sum of its parts) filters them, and then the
//! identities across rows choose the one combination under which every column holds
//! ([`choose`], a bounded search). When no reading, or more than one, survives, the row is
//! reported as uncertain with every candidate — never guessed, and a row that was
//! readable is never touched: this only chooses between readings of ambiguous text.

use crate::document::Span;

/// One cell of a reading: the digits, their value, where they stand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Piece {
    pub text: String,
    pub value: i64,
    pub span: Span,
}

/// A way to read a row's tokens as its cells.
pub(crate) type Candidate = Vec<Piece>;

/// Most readings enumerated for one row before giving up (reported as uncertain).
pub(crate) const MAX_CANDIDATES: usize = 20_000;
/// Longest digit text considered (longer rows are reported, not searched).
const MAX_DIGITS: usize = 48;

/// A token's digits with the source span of each byte when the text stands in the source
/// as is (else every piece takes the token's whole span).
fn spans_of(text: &str, span: Span) -> Vec<Span> {
    let exact = span.end.saturating_sub(span.start) == text.len();
    (0..text.len()).map(|i| if exact { Span { start: span.start + i, end: span.start + i + 1 } } else { span }).collect()
}

fn piece(digits: &str, spans: &[Span]) -> Option<Piece> {
    if digits.is_empty() || digits.len() > 15 || (digits.len() > 1 && digits.starts_with('0')) {
        return None;
    }
    let span = spans.first()?.cover(*spans.last()?);
    Some(Piece { text: digits.to_string(), value: digits.parse().ok()?, span })
}

/// Whether every token is a plain run of ASCII digits (what this module can re-read).
pub(crate) fn all_digit_runs(texts: &[&str]) -> bool {
    !texts.is_empty() && texts.iter().all(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
}

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
                last[..g - 1].iter().map(|p| p.value).sum::<i64>() == last[g - 1].value
            }
            _ => true,
        }
    }
}

/// The readings of `tokens` (digit runs with their spans) as `n` cells; `None` when there
/// are more than `search.cap` (or the text is too long to search).
pub(crate) fn readings(tokens: &[(&str, Span)], n: usize, search: Search) -> Option<Vec<Candidate>> {
    let total: usize = tokens.iter().map(|(t, _)| t.len()).sum();
    if total > MAX_DIGITS || n == 0 {
        return None;
    }
    let mut out = Vec::new();
    let mut acc: Vec<Piece> = Vec::new();
    let complete = if tokens.len() < n {
        // Cut within tokens: each token into k_i ≥ 1 pieces, Σ k_i = n.
        let per: Vec<(String, Vec<Span>)> = tokens.iter().map(|(t, s)| (t.to_string(), spans_of(t, *s))).collect();
        cut(&per, 0, 0, n, &mut acc, &mut out, search)
    } else if tokens.len() > n {
        // Join adjacent tokens: choose which of the len-1 boundaries to remove.
        join(tokens, 0, n, &mut acc, &mut out, search)
    } else {
        true
    };
    complete.then_some(out)
}

/// Cuts token `ti` from byte `at` on; `left` cells remain to fill. False when the
/// candidates overflow.
fn cut(per: &[(String, Vec<Span>)], ti: usize, at: usize, left: usize, acc: &mut Vec<Piece>, out: &mut Vec<Candidate>, search: Search) -> bool {
    if !search.holds(acc) {
        return true;
    }
    if ti == per.len() {
        if left == 0 {
            out.push(acc.clone());
        }
        return out.len() <= search.cap;
    }
    let (text, spans) = &per[ti];
    let rest_tokens = per.len() - ti - 1;
    // Every later token needs at least one cell.
    if left < rest_tokens + 1 {
        return true;
    }
    // The last cell of a group is its total: only the digits of the others' sum fit.
    let total = match search.group {
        Some(g) if g > 1 && acc.len() % g == g - 1 => Some(acc[acc.len() + 1 - g..].iter().map(|p| p.value).sum::<i64>().to_string()),
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
        let ok = if end == text.len() { cut(per, ti + 1, 0, left - 1, acc, out, search) } else { cut(per, ti, end, left - 1, acc, out, search) };
        acc.pop();
        if !ok {
            return false;
        }
    }
    true
}

fn join(tokens: &[(&str, Span)], from: usize, left: usize, acc: &mut Vec<Piece>, out: &mut Vec<Candidate>, search: Search) -> bool {
    if !search.holds(acc) {
        return true;
    }
    if from == tokens.len() {
        if left == 0 {
            out.push(acc.clone());
        }
        return out.len() <= search.cap;
    }
    if left == 0 {
        return true;
    }
    let mut text = String::new();
    let mut span = tokens[from].1;
    for to in from..tokens.len() {
        text.push_str(tokens[to].0);
        span = span.cover(tokens[to].1);
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

/// The reading shown to a reviewer: `80 1 0 0 0 0 81`.
pub(crate) fn show(c: &[Piece]) -> String {
    c.iter().map(|p| p.text.as_str()).collect::<Vec<_>>().join(" ")
}

/// Chooses one candidate per row so that `holds` accepts the whole combination: returns
/// the choice when exactly one combination holds, `Err(n)` with the number that hold
/// otherwise (0: none; more than one: ambiguous; `usize::MAX`: too many to search).
pub(crate) fn choose(sizes: &[usize], holds: &mut dyn FnMut(&[usize]) -> bool) -> Result<Vec<usize>, usize> {
    const MAX_COMBINATIONS: usize = 1_000_000;
    let product = sizes.iter().try_fold(1usize, |acc, &s| acc.checked_mul(s)).unwrap_or(usize::MAX);
    if product > MAX_COMBINATIONS {
        return Err(usize::MAX);
    }
    if sizes.contains(&0) {
        return Err(0);
    }
    let mut pick = vec![0usize; sizes.len()];
    let mut found: Option<Vec<usize>> = None;
    let mut count = 0;
    loop {
        if holds(&pick) {
            count += 1;
            if found.is_none() {
                found = Some(pick.clone());
            }
        }
        // Next combination (odometer).
        let mut i = 0;
        loop {
            if i == pick.len() {
                return match (count, found) {
                    (1, Some(f)) => Ok(f),
                    (n, _) => Err(n),
                };
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

    const ALL: Search = Search { cap: MAX_CANDIDATES, group: None };

    #[test]
    fn group_totals_prune_as_they_are_built() {
        // 24 digits into table 四's 15 cells: far too many readings unpruned, a handful
        // whose three group totals hold.
        let run = "000251251003594363007512";
        assert!(readings(&[(run, sp(0, 24))], 15, ALL).is_none());
        let held = readings(&[(run, sp(0, 24))], 15, Search { cap: MAX_CANDIDATES, group: Some(5) }).unwrap();
        assert!(!held.is_empty() && held.len() < 100, "{} readings hold", held.len());
        for c in &held {
            for g in c.chunks(5) {
                assert_eq!(g[..4].iter().map(|p| p.value).sum::<i64>(), g[4].value);
            }
        }
    }

    fn texts(cs: &[Candidate]) -> Vec<String> {
        cs.iter().map(|c| show(c)).collect()
    }

    #[test]
    fn a_glued_run_is_cut_every_way_without_leading_zeros() {
        let cs = readings(&[("801000081", sp(10, 19))], 7, ALL).unwrap();
        let all = texts(&cs);
        assert!(all.contains(&"80 1 0 0 0 0 81".to_string()));
        assert!(all.iter().all(|s| !s.split(' ').any(|p| p.len() > 1 && p.starts_with('0'))), "no leading zeros");
        assert!(all.iter().all(|s| s.split(' ').count() == 7));
        // Spans point at the digits themselves.
        let c = cs.iter().find(|c| show(c) == "80 1 0 0 0 0 81").unwrap();
        assert_eq!(c[0].span, sp(10, 12));
        assert_eq!(c[6].span, sp(17, 19));
        // A run as long as the cells has one reading only.
        assert_eq!(texts(&readings(&[("1000001", sp(0, 7))], 7, ALL).unwrap()), vec!["1 0 0 0 0 0 1"]);
    }

    #[test]
    fn split_numbers_are_joined_every_way() {
        let toks = [("1", sp(0, 1)), ("2", sp(2, 3)), ("0", sp(4, 5)), ("12", sp(6, 8))];
        let all = texts(&readings(&toks, 3, ALL).unwrap());
        assert_eq!(all, vec!["1 20 12", "12 0 12"], "`2 0` may join; `0 12` may not (leading zero)");
    }

    #[test]
    fn choosing_needs_exactly_one_combination() {
        let mut holds = |p: &[usize]| p == [1, 0];
        assert_eq!(choose(&[2, 2], &mut holds), Ok(vec![1, 0]));
        let mut two = |p: &[usize]| p[0] == 1;
        assert_eq!(choose(&[2, 2], &mut two), Err(2));
        let mut none = |_: &[usize]| false;
        assert_eq!(choose(&[2, 3], &mut none), Err(0));
        assert_eq!(choose(&[1000, 1000, 1000], &mut none), Err(usize::MAX));
    }
}
