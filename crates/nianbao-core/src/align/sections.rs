//! Finding the six sections by their headings.
//!
//! A heading is a short line that starts with a section numeral (`一、`, `第一部分`)
//! and carries the section's identifying phrase. Sub-headings inside 总体情况 that
//! happen to be numbered `二、` (`二、加强学习培训`) do not carry a section phrase; a
//! table of contents inside a paragraph is not a short line. Among the candidates,
//! the chain in section order with the best numbering wins.

use super::tokens::{Kind, Tok};
use crate::template::{SECTIONS, SECTION_NUMERALS};

/// A heading found in the token stream.
#[derive(Debug, Clone)]
pub(crate) struct HeadingHit {
    pub tok: usize,
    pub number: u8,
    pub printed: Option<u8>,
    pub exact: bool,
}

fn numeral_value(c: char) -> Option<u8> {
    SECTION_NUMERALS
        .iter()
        .position(|&n| n == c)
        .map(|i| i as u8 + 1)
}

/// Splits a leading section enumerator (`一、`, `一.`, `第一部分`) off a normalised line.
fn strip_enumerator(norm: &str) -> Option<(Option<u8>, &str)> {
    let mut chars = norm.char_indices();
    let (_, first) = chars.next()?;
    if first == '第' {
        let (_, n) = chars.next()?;
        let v = numeral_value(n)?;
        let rest = &norm[first.len_utf8() + n.len_utf8()..];
        let rest = rest.strip_prefix("部分")?;
        return Some((Some(v), rest.trim_start_matches(['、', '.', ':'])));
    }
    if let Some(v) = numeral_value(first) {
        let rest = &norm[first.len_utf8()..];
        if let Some(r) = rest.strip_prefix(['、', '.', ':', ',']) {
            return Some((Some(v), r));
        }
        return None;
    }
    Some((None, norm))
}

/// Whether a normalised line is a section heading, and of which section.
pub(crate) fn heading_of(norm: &str) -> Option<(u8, Option<u8>, bool)> {
    if norm.len() > 40 * 3 {
        return None;
    }
    let (printed, rest) = strip_enumerator(norm)?;
    let len = rest.chars().count();
    if !(2..=32).contains(&len) || rest.contains(['。', ';', '；']) {
        return None;
    }
    static CANONICAL: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let canonical = CANONICAL.get_or_init(|| {
        SECTIONS
            .iter()
            .map(|d| {
                let n = crate::text::normalize_label(d.canonical);
                n.split_once('、').map_or(n.clone(), |(_, r)| r.to_string())
            })
            .collect()
    });
    for (def, canonical_rest) in SECTIONS.iter().zip(canonical) {
        let exact = rest == canonical_rest;
        // An unnumbered line must be the exact heading; a numbered one needs its phrase.
        if exact
            || (printed.is_some()
                && def
                    .keys
                    .iter()
                    .any(|all| all.iter().all(|k| rest.contains(k))))
        {
            return Some((def.number, printed, exact && printed == Some(def.number)));
        }
    }
    None
}

/// Finds the best chain of headings in section order.
pub(crate) fn find_headings(toks: &[Tok<'_>]) -> Vec<HeadingHit> {
    let mut cands: Vec<HeadingHit> = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if t.kind != Kind::Label {
            continue;
        }
        if let Some((number, printed, exact)) = heading_of(&t.norm) {
            cands.push(HeadingHit {
                tok: i,
                number,
                printed,
                exact,
            });
        }
    }
    // Longest-weight chain with increasing position and increasing section number.
    let score = |h: &HeadingHit| -> u32 {
        1 + u32::from(h.printed == Some(h.number)) * 2 + u32::from(h.exact) * 2
    };
    let n = cands.len();
    let mut best = vec![0u32; n];
    let mut prev = vec![usize::MAX; n];
    // Section numbers are 1 to 6: the best chain ending in each number so far (its weight
    // and its earliest end) replaces a scan of every earlier candidate, so the chain is
    // linear in the candidates (a page repeating its headings 100,000 times was quadratic).
    let mut top: [Option<(u32, usize)>; 8] = [None; 8];
    for i in 0..n {
        let number = usize::from(cands[i].number).min(7);
        best[i] = score(&cands[i]);
        // The earliest candidate of the heaviest chain among the smaller numbers.
        let pick = top[..number]
            .iter()
            .flatten()
            .copied()
            .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        if let Some((w, j)) = pick {
            best[i] = w + score(&cands[i]);
            prev[i] = j;
        }
        if top[number].is_none_or(|(w, _)| best[i] > w) {
            top[number] = Some((best[i], i));
        }
    }
    let Some(mut i) = (0..n).max_by_key(|&i| (best[i], std::cmp::Reverse(i))) else {
        return Vec::new();
    };
    let mut chain = vec![cands[i].clone()];
    while prev[i] != usize::MAX {
        i = prev[i];
        chain.push(cands[i].clone());
    }
    chain.reverse();
    // A heading standing right under the previous one, leaving that section empty, whose
    // section is headed again further on (a stray heading a crawl left inside a table):
    // the later one is the heading.
    for k in 1..chain.len() {
        if chain[k].tok != chain[k - 1].tok + 1 {
            continue;
        }
        let limit = chain.get(k + 1).map_or(usize::MAX, |h| h.tok);
        if let Some(later) = cands
            .iter()
            .find(|c| c.number == chain[k].number && c.tok > chain[k].tok && c.tok < limit)
        {
            chain[k] = later.clone();
        }
    }
    chain
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::normalize_label as n;

    #[test]
    fn headings_and_non_headings() {
        assert_eq!(heading_of(&n("一、总体情况")), Some((1, Some(1), true)));
        assert_eq!(
            heading_of(&n("四、因政府信息公开工作被申请行政复议、提起行政诉讼情况")),
            Some((4, Some(4), false))
        );
        assert_eq!(
            heading_of(&n("五、政府信息公开工作存在的主要问题及改进情况")),
            Some((5, Some(5), false))
        );
        assert_eq!(
            heading_of(&n("六、存在的主要问题及改进情况")),
            Some((5, Some(6), false))
        );
        assert_eq!(heading_of(&n("二、加强学习培训，完善工作制度。")), None);
        assert_eq!(heading_of(&n("(二)依申请公开")), None);
        assert_eq!(heading_of(&n("四、公开情况")), None);
        assert_eq!(
            heading_of(&n("第三部分 收到和处理政府信息公开申请情况")),
            Some((3, Some(3), true))
        );
        assert_eq!(heading_of(&n("其他需要报告的事项")), Some((6, None, false)));
    }
}
