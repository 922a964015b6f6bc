//! Text normalisation shared by extraction and alignment.
//!
//! Published reports write the same label in many ways: full- and half-width brackets
//! and digits, spaces inside words (`商业 企业`), curly or straight quotes, zero-width
//! characters. Matching is done on a *normalised* form; the raw text is always kept
//! beside it so that nothing the report printed is lost.

/// Maps one character to its canonical form for matching, or `None` to drop it.
///
/// Full-width ASCII (`０-９`, `（`, `）`, `．`, `：`, `，`) becomes ASCII; white space,
/// zero-width characters and quotes are dropped.
fn canonical_char(c: char) -> Option<char> {
    match c {
        // zero-width and formatting characters
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' => None,
        c if c.is_whitespace() => None,
        '“' | '”' | '"' | '‘' | '’' | '\'' | '「' | '」' | '『' | '』' => None,
        '（' => Some('('),
        '）' => Some(')'),
        '【' | '〔' | '［' => Some('['),
        '】' | '〕' | '］' => Some(']'),
        '：' => Some(':'),
        '，' => Some(','),
        '；' => Some(';'),
        '．' => Some('.'),
        '／' => Some('/'),
        '－' | '—' | '–' => Some('-'),
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0),
        c => Some(c),
    }
}

/// Normalises a label for matching: canonical characters, no white space, and an
/// enumerator such as `1、` or `1．` written as `1.`.
pub fn normalize_label(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev_digit = false;
    for c in s.chars() {
        let Some(c) = canonical_char(c) else { continue };
        let c = if prev_digit && c == '、' { '.' } else { c };
        prev_digit = c.is_ascii_digit();
        out.push(c);
    }
    out
}

/// Converts full-width digits and signs to ASCII and trims white space, for number
/// parsing. Inner white space is kept: `4 0 0` is three numbers, not 400.
pub fn fold_width(s: &str) -> String {
    trim(s)
        .chars()
        .filter_map(|c| match c {
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' => None,
            '－' | '−' => Some('-'),
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0),
            c => Some(c),
        })
        .collect()
}

/// Page furniture between table rows: `-3-`, `— 3 —`, `第3页`, `第 3 页 / 共 5 页`, and the
/// chrome a CMS repeats on every page of a report split over pages (breadcrumbs such as
/// `首页 > 政务公开`, `上一页 下一页`, `【打印本页】`).
pub fn is_page_furniture(text: &str) -> bool {
    // Every piece of chrome below carries one of these characters: most labels have none.
    if !text.contains(['页', '【', '顶', '窗']) && !text.bytes().any(|b| b.is_ascii_digit()) {
        return false;
    }
    if text.chars().count() <= 60 {
        let breadcrumb = text.contains("首页") && text.contains(['>', '›', '»', '＞']);
        let pager = [
            "上一页",
            "下一页",
            "尾页",
            "打印本页",
            "关闭窗口",
            "【打印】",
            "【关闭】",
            "返回顶部",
        ]
        .iter()
        .any(|w| text.contains(w));
        if breadcrumb || pager {
            return true;
        }
    }
    // Page furniture is short and carries a digit.
    if text.len() > 40
        || !text.bytes().any(|b| b.is_ascii_digit())
            && !text.contains(['０', '１', '２', '３', '４', '５', '６', '７', '８', '９'])
    {
        return false;
    }
    let t: String = fold_width(text).split_whitespace().collect();
    let core = t.trim_matches(|c| matches!(c, '-' | '—' | '–' | '·'));
    if core.len() < t.len() && !core.is_empty() && core.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    if let Some(rest) = t.strip_prefix('第') {
        let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit());
        if let Some(rest) = rest.strip_prefix('页') {
            let rest = rest.trim_start_matches([',', '，', '/']);
            return rest.is_empty() || (rest.starts_with('共') && rest.ends_with('页'));
        }
    }
    false
}

/// Trims white space including the non-breaking and ideographic spaces seen in web copies.
pub fn trim(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || matches!(c, '\u{200B}' | '\u{FEFF}' | '\u{3000}'))
}

/// Similarity of two strings as the Dice coefficient of their character bigrams (0..=1).
///
/// Used only to recognise a misspelt row label (`2.其他法律行政止公开`) among the few
/// rows the template expects next; never to pick between numbers.
pub fn bigram_similarity(a: &str, b: &str) -> f64 {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len() < 2 || b.len() < 2 {
        return if a == b { 1.0 } else { 0.0 };
    }
    let mut bigrams_b: Vec<(char, char)> = b.windows(2).map(|w| (w[0], w[1])).collect();
    let total = (a.len() - 1 + b.len() - 1) as f64;
    let mut shared = 0usize;
    for w in a.windows(2) {
        if let Some(i) = bigrams_b.iter().position(|&p| p == (w[0], w[1])) {
            bigrams_b.swap_remove(i);
            shared += 1;
        }
    }
    2.0 * shared as f64 / total
}

/// Display width of a string in terminal columns (CJK characters take two).
pub fn display_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

fn char_width(c: char) -> usize {
    let u = c as u32;
    if c == '\t' {
        return 4;
    }
    if u < 0x1100 {
        return 1;
    }
    let wide = (0x1100..=0x115F).contains(&u)
        || (0x2E80..=0x303E).contains(&u)
        || (0x3041..=0x33FF).contains(&u)
        || (0x3400..=0x4DBF).contains(&u)
        || (0x4E00..=0x9FFF).contains(&u)
        || (0xA000..=0xA4CF).contains(&u)
        || (0xAC00..=0xD7A3).contains(&u)
        || (0xF900..=0xFAFF).contains(&u)
        || (0xFE30..=0xFE4F).contains(&u)
        || (0xFF00..=0xFF60).contains(&u)
        || (0xFFE0..=0xFFE6).contains(&u)
        || (0x20000..=0x3FFFD).contains(&u);
    if wide {
        2
    } else {
        1
    }
}

/// Value of a Chinese numeral such as `二十一`, `一百零五`, `两千` (up to 99,999,999).
pub fn parse_chinese_numeral(s: &str) -> Option<u64> {
    fn digit(c: char) -> Option<u64> {
        Some(match c {
            '零' | '〇' => 0,
            '一' | '壹' => 1,
            '二' | '两' | '贰' => 2,
            '三' | '叁' => 3,
            '四' | '肆' => 4,
            '五' | '伍' => 5,
            '六' | '陆' => 6,
            '七' | '柒' => 7,
            '八' | '捌' => 8,
            '九' | '玖' => 9,
            _ => return None,
        })
    }
    if s.is_empty() {
        return None;
    }
    let mut total = 0u64;
    let mut section = 0u64;
    let mut current: Option<u64> = None;
    for c in s.chars() {
        if let Some(d) = digit(c) {
            current = Some(d);
            continue;
        }
        let unit = match c {
            '十' | '拾' => 10,
            '百' | '佰' => 100,
            '千' | '仟' => 1000,
            '万' => 10_000,
            _ => return None,
        };
        if unit == 10_000 {
            section += current.take().unwrap_or(0);
            total += section * 10_000;
            section = 0;
        } else {
            section += current.take().unwrap_or(1) * unit;
        }
    }
    Some(total + section + current.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_normalise_brackets_spaces_quotes_and_enumerators() {
        assert_eq!(normalize_label("（三） 不予公开"), "(三)不予公开");
        assert_eq!(
            normalize_label("3.危及“三安全一稳定”"),
            "3.危及三安全一稳定"
        );
        assert_eq!(normalize_label("商业 企业"), "商业企业");
        assert_eq!(normalize_label("3、其他"), "3.其他");
        assert_eq!(
            normalize_label("第二十\u{a0}条第(一)项"),
            "第二十条第(一)项"
        );
    }

    #[test]
    fn chinese_numerals() {
        assert_eq!(parse_chinese_numeral("二十一"), Some(21));
        assert_eq!(parse_chinese_numeral("十"), Some(10));
        assert_eq!(parse_chinese_numeral("一百零五"), Some(105));
        assert_eq!(parse_chinese_numeral("两千三百"), Some(2300));
        assert_eq!(parse_chinese_numeral("三万零二十"), Some(30020));
        assert_eq!(parse_chinese_numeral("件"), None);
    }

    #[test]
    fn widths() {
        assert_eq!(display_width("a中b"), 4);
        assert!(bigram_similarity("2.其他法律行政止公开", "2.其他法律行政法规禁止公开") > 0.6);
        assert!(bigram_similarity("规章", "行政许可") < 0.1);
    }
}
