//! Bytes to text: encoding detection and format sniffing.
//!
//! Order of evidence: a byte-order mark; valid UTF-8; an HTML `<meta charset>`;
//! statistical detection (chardetng, with the `.cn` hint) — in practice GB18030/GBK
//! for Chinese government pages. A decode that needed replacement characters is
//! reported, never hidden.

use encoding_rs::{Encoding, GB18030, UTF_16BE, UTF_16LE, UTF_8};

/// The result of decoding a file.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The text (UTF-8, BOM removed).
    pub text: String,
    /// The encoding that was used, by its WHATWG name (`UTF-8`, `gb18030`, `UTF-16LE` …).
    pub encoding: &'static str,
    /// How the encoding was chosen.
    pub evidence: EncodingEvidence,
    /// Number of malformed sequences replaced by U+FFFD.
    pub replacements: usize,
}

/// How an encoding was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EncodingEvidence {
    /// A byte-order mark.
    Bom,
    /// The bytes are valid UTF-8.
    ValidUtf8,
    /// An HTML `<meta charset>` declaration.
    MetaCharset,
    /// Statistical detection.
    Detected,
}

/// Decodes a file's bytes to text.
pub fn decode(bytes: &[u8]) -> Decoded {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return finish(text.into_owned(), enc, EncodingEvidence::Bom, had_errors);
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Decoded {
            text: s.to_owned(),
            encoding: "UTF-8",
            evidence: EncodingEvidence::ValidUtf8,
            replacements: 0,
        };
    }
    if let Some(enc) = meta_charset(bytes) {
        // A page that declares UTF-8 but is not valid UTF-8 was mislabelled: detect instead.
        if enc != UTF_8 && enc != UTF_16LE && enc != UTF_16BE {
            let (text, had_errors) = enc.decode_without_bom_handling(bytes);
            return finish(
                text.into_owned(),
                enc,
                EncodingEvidence::MetaCharset,
                had_errors,
            );
        }
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    let mut enc = det.guess(Some(b"cn"), chardetng::Utf8Detection::Allow);
    // GBK and GB2312 are decoded as GB18030, their superset (four-byte sequences included).
    if enc.name() == "GBK" || enc.name() == "gb2312" {
        enc = GB18030;
    }
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    finish(
        text.into_owned(),
        enc,
        EncodingEvidence::Detected,
        had_errors,
    )
}

fn finish(
    text: String,
    enc: &'static Encoding,
    evidence: EncodingEvidence,
    had_errors: bool,
) -> Decoded {
    let replacements = if had_errors {
        text.chars().filter(|&c| c == '\u{FFFD}').count()
    } else {
        0
    };
    Decoded {
        text,
        encoding: enc.name(),
        evidence,
        replacements,
    }
}

/// Finds `<meta charset=…>` or `<meta http-equiv content="…charset=…">` in the first 4 KiB.
fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = head.iter().map(|b| b.to_ascii_lowercase()).collect();
    let mut from = 0;
    while let Some(pos) = find(&lower[from..], b"charset") {
        let mut i = from + pos + b"charset".len();
        while i < lower.len() && matches!(lower[i], b' ' | b'=' | b'"' | b'\'') {
            i += 1;
        }
        let start = i;
        while i < lower.len()
            && (lower[i].is_ascii_alphanumeric() || matches!(lower[i], b'-' | b'_'))
        {
            i += 1;
        }
        if let Some(enc) = Encoding::for_label(&lower[start..i]) {
            return Some(if enc.name() == "GBK" || enc.name() == "gb2312" {
                GB18030
            } else {
                enc
            });
        }
        from = i.max(from + pos + 1);
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// True when the text looks like HTML rather than plain text.
pub fn looks_like_html(text: &str) -> bool {
    let end = crate::document::floor_char_boundary(text, 2048);
    let head = text[..end].to_ascii_lowercase();
    let trimmed = head.trim_start();
    if trimmed.starts_with("<!doctype html") || trimmed.starts_with("<html") {
        return true;
    }
    ["<table", "<body", "<p>", "<p ", "<div", "<tr", "<td", "<br"]
        .iter()
        .filter(|t| head.contains(*t))
        .count()
        >= 2
        || text.contains("<table") && text.contains("</td>")
}

/// Mojibake check: text that decoded without errors but reads as a wrong decode
/// (UTF-8 bytes read as GBK, or the reverse) shows runs of characters that are rare in
/// Chinese prose. Returns the share of such characters among the CJK ones.
pub fn mojibake_ratio(text: &str) -> f64 {
    // Characters typical of UTF-8-read-as-GBK mojibake (鍙, 鏀, 涓, 璁, 浜, 鐨 …) and of
    // GBK-read-as-Latin-1 (Ã, Â, Ð …).
    const MARKERS: &str = "鍙鏀涓璁浜鐨鍏銆閮缃绋鎴寮杩锛閲勫€滃紑鏂囦欢鐢璇宸閾";
    let mut cjk = 0usize;
    let mut odd = 0usize;
    for c in text.chars() {
        if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
            cjk += 1;
            if MARKERS.contains(c) {
                odd += 1;
            }
        } else if matches!(c, 'Ã' | 'Â' | 'Ð' | 'Ñ' | 'æ' | 'ç' | 'è' | 'é' | 'å' | 'ä') {
            cjk += 1;
            odd += 1;
        }
    }
    if cjk < 20 {
        0.0
    } else {
        odd as f64 / cjk as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str =
        "三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量 | 42 |";

    #[test]
    fn utf8_with_and_without_bom() {
        let d = decode(SAMPLE.as_bytes());
        assert_eq!((d.text.as_str(), d.encoding), (SAMPLE, "UTF-8"));
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice(SAMPLE.as_bytes());
        let d = decode(&b);
        assert_eq!(d.text, SAMPLE);
        assert_eq!(d.evidence, EncodingEvidence::Bom);
    }

    #[test]
    fn utf16_with_bom() {
        let mut b = vec![0xFF, 0xFE];
        for u in SAMPLE.encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&b).text, SAMPLE);
    }

    #[test]
    fn gb18030_detected_and_meta_honoured() {
        let (bytes, _, _) = GB18030.encode(SAMPLE);
        let d = decode(&bytes);
        assert_eq!(d.text, SAMPLE);
        assert_eq!(d.encoding, "gb18030");
        let html =
            format!("<html><head><meta charset=\"gbk\"></head><body><p>{SAMPLE}</p></body></html>");
        let (bytes, _, _) = GB18030.encode(&html);
        let d = decode(&bytes);
        assert_eq!(d.text, html);
        assert_eq!(d.evidence, EncodingEvidence::MetaCharset);
    }

    #[test]
    fn sniffs_html() {
        assert!(looks_like_html("<!DOCTYPE html><html>"));
        assert!(looks_like_html(
            "<p>一、总体情况</p><table><tr><td>1</td></tr></table>"
        ));
        assert!(!looks_like_html(SAMPLE));
    }

    #[test]
    fn mojibake_is_noticed() {
        let (bytes, _, _) =
            UTF_8.encode("政府信息公开工作年度报告，本年度共收到政府信息公开申请件，办理结果如下");
        let (wrong, _) = GB18030.decode_without_bom_handling(&bytes);
        assert!(mojibake_ratio(&wrong) > 0.15, "{}", mojibake_ratio(&wrong));
        assert!(
            mojibake_ratio(
                "政府信息公开工作年度报告，本年度共收到政府信息公开申请件，办理结果如下"
            ) < 0.05
        );
    }
}
