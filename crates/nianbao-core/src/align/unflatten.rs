//! The flattened-text damage model: a crawl that ran a whole report into one line.
//!
//! Some crawlers keep a page's text but not its line breaks: headings, row labels and
//! numbers run together (`…二、主动公开政府信息情况第二十条第（一）项信息内容本年制发件数
//! …规章000行政规范性文件…`). Such a paragraph is cut back into pieces before alignment:
//!
//! * at every section heading the template knows (`二、主动公开政府信息情况`), before and
//!   after it;
//! * between the section 二 and section 五 headings (the tables), at every change from
//!   numbers to words and back, so that each row's label and its digits stand apart. A
//!   row number glued to the digits before it (`…00000002.其他法律…`) goes with the
//!   label that the template numbers so.
//!
//! Nothing is read here: a run of digits stays one token, and the glued-digits model
//! ([`super::damage`]) enumerates its readings, decided by the tables' identities. Every
//! piece is a verbatim slice of the source, so spans stay exact.

use super::sections::heading_of;
use crate::document::{Block, Document, Para, Span};
use crate::template::{SECTION_NUMERALS, T3_ROWS};

/// A paragraph shorter than this is never a flattened report.
const MIN_LEN: usize = 1_000;

/// Re-cuts the document's flattened paragraphs; other blocks are kept as they are.
pub(crate) fn reflow(mut doc: Document) -> (Document, bool) {
    if !doc
        .blocks
        .iter()
        .any(|b| matches!(b, Block::Para(p) if is_flattened(p)))
    {
        return (doc, false);
    }
    let blocks = std::mem::take(&mut doc.blocks);
    for block in blocks {
        match block {
            Block::Para(p) if is_flattened(&p) => {
                doc.blocks.extend(cut(&p).into_iter().map(Block::Para))
            }
            b => doc.blocks.push(b),
        }
    }
    (doc, true)
}

/// Whether a paragraph holds a whole report: several section headings and most of table
/// 三's row labels in one piece of text.
fn is_flattened(p: &Para) -> bool {
    if p.text.len() < MIN_LEN || !p.verbatim {
        return false;
    }
    let rows = T3_ROWS
        .iter()
        .filter(|r| r.keys.iter().any(|k| p.text.contains(k)))
        .count();
    rows >= 12 && headings(&p.text).len() >= 3
}

/// Section headings inside a text: (start, end, section number).
fn headings(text: &str) -> Vec<(usize, usize, u8)> {
    let mut out = Vec::new();
    for (i, c) in text.char_indices() {
        let Some(number) = SECTION_NUMERALS
            .iter()
            .position(|&n| n == c)
            .map(|n| n as u8 + 1)
        else {
            continue;
        };
        let after = &text[i + c.len_utf8()..];
        if !after.starts_with(['、', '.', '．']) {
            continue;
        }
        // The heading runs to its closing word (every statutory heading ends in 情况 or
        // 事项), within a heading's length.
        let window: String = after.chars().take(40).collect();
        let Some(end) = ["情况", "事项"]
            .iter()
            .filter_map(|w| window.find(w).map(|e| e + w.len()))
            .min()
        else {
            continue;
        };
        let heading = &text[i..i + c.len_utf8() + end];
        if heading.bytes().any(|b| b.is_ascii_digit()) {
            continue;
        }
        if heading_of(&crate::text::normalize_label(heading)).is_some_and(|(n, _, _)| n == number) {
            out.push((i, i + heading.len(), number));
        }
    }
    out
}

fn cut(p: &Para) -> Vec<Para> {
    let text = p.text.as_str();
    let heads = headings(text);
    let mut cuts: Vec<usize> = heads.iter().flat_map(|&(s, e, _)| [s, e]).collect();
    // The tables: from section 二's heading to section 五's (or the end).
    let from = heads.iter().find(|h| h.2 == 2).map(|h| h.1);
    if let Some(from) = from {
        let to = heads
            .iter()
            .find(|h| h.2 >= 5 && h.0 >= from)
            .map_or(text.len(), |h| h.0);
        let zone = &text[from..to];
        cuts.extend(
            number_word_cuts(zone)
                .into_iter()
                .chain(numbering_cuts(zone))
                .chain(word_cuts(zone))
                .map(|c| c + from),
        );
    }
    cuts.push(0);
    cuts.push(text.len());
    cuts.sort_unstable();
    cuts.dedup();
    let mut out = Vec::new();
    for w in cuts.windows(2) {
        let piece = &text[w[0]..w[1]];
        let trimmed = crate::text::trim(piece);
        if trimmed.is_empty() {
            continue;
        }
        let start = p.span.start + w[0] + (trimmed.as_ptr() as usize - piece.as_ptr() as usize);
        out.push(Para {
            text: trimmed.to_string(),
            span: Span::new(start, start + trimmed.len()),
            verbatim: true,
        });
    }
    out
}

/// Cuts at the spaces between words in the tables' text: there a space is what is left
/// of a cell boundary (`信息内容 本年制发件数 … 规章000`), so the header's words and the
/// row labels stand apart. Spaces inside a run of numbers are the run's own.
fn word_cuts(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut prev: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        if c.is_whitespace()
            && prev.is_some_and(|p| !p.is_ascii_digit() && !p.is_whitespace())
            && next.is_some_and(|n| !n.is_ascii_digit() && !n.is_whitespace())
        {
            out.push(i);
        }
        prev = Some(c);
    }
    out
}

/// Cuts before every row numbering of the tables (`一、`, `（三）`), so that a row's
/// label stands apart from the header words or the row before it.
fn numbering_cuts(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut prev: Option<(usize, char)> = None;
    let mut before_prev: Option<char> = None;
    for (i, c) in text.char_indices() {
        if SECTION_NUMERALS.contains(&c) {
            let next = text[i + c.len_utf8()..].chars().next();
            match (prev, next) {
                // `第二十条第（五）项` is a header's words, not a row's number.
                (Some((at, '（' | '(')), Some('）' | ')')) if before_prev != Some('第') => {
                    out.push(at)
                }
                (_, Some('、')) if !matches!(prev, Some((_, '第'))) => out.push(i),
                _ => {}
            }
        }
        before_prev = prev.map(|(_, p)| p);
        prev = Some((i, c));
    }
    out
}

/// Cuts between numbers and words in the tables' text: a run of digits (with the spaces,
/// points and signs between them) stands apart from the words around it. A row number
/// glued to the end of a run (`…0002.其他法律…`) belongs to the label after it.
fn number_word_cuts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    // A sign glued to digits (`-10` in table 二's 2019 增/减 column) is part of the run:
    // cut off, it would read as a blank marker.
    let signed = |i: usize| {
        matches!(bytes[i], b'-' | b'+') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
    };
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() && !signed(i) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len()
            && (bytes[i].is_ascii_digit() || matches!(bytes[i], b' ' | b'.' | b'\t') || signed(i))
        {
            i += 1;
        }
        let mut end = i;
        // `2.` or `2、` right before the words: the next row's number.
        let rest = &text[end..];
        let numbered = |digit_at: usize| digit_at >= start && bytes[digit_at].is_ascii_digit();
        if end >= start + 2 && bytes[end - 1] == b'.' && numbered(end - 2) && !rest.is_empty() {
            end -= 2;
        } else if rest.starts_with('、') && numbered(end - 1) {
            end -= 1;
        }
        out.push(start);
        out.push(end);
        if i == start {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(t: &str, cuts: Vec<usize>) -> Vec<&str> {
        let mut out = Vec::new();
        let mut all = vec![0];
        all.extend(cuts);
        all.push(t.len());
        all.sort_unstable();
        all.dedup();
        for w in all.windows(2) {
            let s = t[w[0]..w[1]].trim();
            if !s.is_empty() {
                out.push(s);
            }
        }
        out
    }

    #[test]
    fn numbers_and_words_are_cut_apart_and_row_numbers_go_with_their_labels() {
        let t = "规章000行政规范性文件8855698第二十条 1.属于国家秘密00000002.其他法律行政法规禁止公开 0000000";
        assert_eq!(
            pieces(t, number_word_cuts(t)),
            vec![
                "规章",
                "000",
                "行政规范性文件",
                "8855698",
                "第二十条",
                "1.属于国家秘密",
                "0000000",
                "2.其他法律行政法规禁止公开",
                "0000000"
            ]
        );
    }

    #[test]
    fn row_numberings_start_pieces() {
        let t =
            "法律服务机构其他一、本年新收数量三、本年度办理结果（一）予以公开第二十条第（五）项";
        let at: Vec<&str> = numbering_cuts(t).into_iter().map(|i| &t[i..]).collect();
        assert!(
            at[0].starts_with("一、本年新收")
                && at[1].starts_with("三、本年度")
                && at[2].starts_with("（一）予以"),
            "{at:?}"
        );
        // `第（五）项` is a header's words: no cut there.
        assert_eq!(at.len(), 3, "{at:?}");
    }

    #[test]
    fn signs_stay_with_their_digits_and_words_stand_apart() {
        // A signed change (2019 format) is one number, not a blank marker and a number.
        let t = "处理决定数量 行政许可12 -1017其他对外管理服务事项";
        let mut cuts = number_word_cuts(t);
        cuts.extend(word_cuts(t));
        assert_eq!(
            pieces(t, cuts),
            vec![
                "处理决定数量",
                "行政许可",
                "12 -1017",
                "其他对外管理服务事项"
            ]
        );
    }

    #[test]
    fn headings_are_found_inside_running_text() {
        let t = "……如有疑问请联系。 一、总体情况 本年度…… 二、主动公开政府信息情况第二十条 四、结转下年度继续办理 0 五、存在的主要问题及改进情况 今年";
        let found: Vec<u8> = headings(t).into_iter().map(|h| h.2).collect();
        assert_eq!(found, vec![1, 2, 5]);
    }
}
