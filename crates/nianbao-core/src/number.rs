//! Numbers as reports print them, and the reading of one table cell's text.
//!
//! A cell reads as exactly one of: a number (integer or decimal, optional sign,
//! thousands separators, full-width digits, a unit glued on), a *blank marker*
//! (empty, `/`, `—`, `-`, `无`, `不适用`) which counts as 0 but is flagged, or
//! something that is not a value at all (a label).

use std::fmt;

/// An exact decimal number: `mantissa × 10^-scale`.
///
/// Counts are integers (`scale == 0`); amounts such as 行政事业性收费 in 万元 keep the
/// decimals exactly as printed, so `360.54242` prints back as `360.54242`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Number {
    mantissa: i64,
    scale: u32,
}

impl Number {
    /// Zero, the value of a blank cell.
    pub const ZERO: Number = Number {
        mantissa: 0,
        scale: 0,
    };

    /// An integer.
    pub const fn int(v: i64) -> Number {
        Number {
            mantissa: v,
            scale: 0,
        }
    }

    /// `mantissa × 10^-scale`.
    pub fn new(mantissa: i64, scale: u32) -> Number {
        Number { mantissa, scale }.reduced()
    }

    fn reduced(mut self) -> Number {
        while self.scale > 0 && self.mantissa % 10 == 0 {
            self.mantissa /= 10;
            self.scale -= 1;
        }
        self
    }

    /// True for a whole number.
    pub fn is_integer(self) -> bool {
        self.scale == 0
    }

    /// True below zero.
    pub fn is_negative(self) -> bool {
        self.mantissa < 0
    }

    /// The value as an integer, when it is one.
    pub fn as_i64(self) -> Option<i64> {
        self.is_integer().then_some(self.mantissa)
    }

    /// The value as a float, for rates and display only.
    pub fn as_f64(self) -> f64 {
        self.to_string().parse().unwrap_or(f64::NAN)
    }

    /// Exact sum; `None` on overflow.
    pub fn checked_add(self, other: Number) -> Option<Number> {
        let scale = self.scale.max(other.scale);
        let a = self
            .mantissa
            .checked_mul(10i64.checked_pow(scale - self.scale)?)?;
        let b = other
            .mantissa
            .checked_mul(10i64.checked_pow(scale - other.scale)?)?;
        Some(Number::new(a.checked_add(b)?, scale))
    }

    /// Sum of many numbers, saturating to `None` on overflow.
    pub fn sum<I: IntoIterator<Item = Number>>(it: I) -> Option<Number> {
        it.into_iter()
            .try_fold(Number::ZERO, |acc, n| acc.checked_add(n))
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.scale == 0 {
            return write!(f, "{}", self.mantissa);
        }
        let sign = if self.mantissa < 0 { "-" } else { "" };
        let abs = self.mantissa.unsigned_abs();
        let div = 10u64.pow(self.scale);
        write!(
            f,
            "{sign}{}.{:0width$}",
            abs / div,
            abs % div,
            width = self.scale as usize
        )
    }
}

impl serde::Serialize for Number {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.as_i64() {
            Some(i) => s.serialize_i64(i),
            // A decimal of at most 15 significant digits survives the round trip through
            // f64 exactly: parsing is correctly rounded and JSON writes the shortest form.
            None => s.serialize_f64(self.as_f64()),
        }
    }
}

/// What a cell's text reads as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CellText {
    /// A number, with the unit glued to it if any (`元`, `万元`, `件` …).
    Number {
        /// The value.
        value: Number,
        /// The unit glued to it, if any.
        unit: Option<&'static str>,
    },
    /// A blank marker: empty, `/`, `—`, `-`, `无`, `不适用`. Reads as 0, flagged blank.
    Blank,
    /// Not a value (a label, a heading, noise).
    Text,
}

const UNITS: [&str; 9] = ["万元", "人次", "元", "件", "个", "项", "条", "次", "宗"];
const BLANK_MARKERS: [&str; 11] = [
    "",
    "/",
    "\\",
    "-",
    "--",
    "—",
    "——",
    "–",
    "无",
    "不适用",
    "空",
];

/// Reads one cell's text.
pub fn read_cell_text(raw: &str) -> CellText {
    // Fast path for labels and running text: a value is short and starts with a
    // digit, a sign or a blank marker.
    let t = crate::text::trim(raw);
    if t.len() > 48 {
        return CellText::Text;
    }
    if let Some(c) = t.chars().next() {
        let may_be_value = c.is_ascii()
            || matches!(
                c,
                '０'
                    ..='９'
                        | '＋'
                        | '－'
                        | '−'
                        | '／'
                        | '—'
                        | '–'
                        | '无'
                        | '不'
                        | '空'
                        | '\u{200B}'
                        | '\u{FEFF}'
            );
        if !may_be_value {
            return CellText::Text;
        }
    }
    // ASCII text needs no width folding (and no allocation).
    let folded;
    let s: &str = if t.is_ascii() {
        t
    } else {
        folded = crate::text::fold_width(t);
        &folded
    };
    if BLANK_MARKERS.contains(&s) {
        return CellText::Blank;
    }
    let (body, unit) = split_unit(s);
    match parse_number(body) {
        Some(value) => CellText::Number { value, unit },
        None => CellText::Text,
    }
}

fn split_unit(s: &str) -> (&str, Option<&'static str>) {
    for u in UNITS {
        if let Some(body) = s.strip_suffix(u) {
            if body.ends_with(|c: char| c.is_ascii_digit()) {
                return (body, Some(u));
            }
        }
    }
    (s, None)
}

/// Parses `123`, `+36`, `-2`, `1,234`, `1，234` (already folded to `,`), `360.54242`.
///
/// Thousands separators must group by three; anything else is not a number, so a
/// label such as `1.属于国家秘密` or an enumerator `3.` never reads as a value.
pub fn parse_number(s: &str) -> Option<Number> {
    let (neg, s) = match s.as_bytes().first()? {
        b'+' => (false, &s[1..]),
        b'-' => (true, &s[1..]),
        _ => (false, s),
    };
    let (int_part, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let digits: String = if int_part.contains(',') {
        let groups: Vec<&str> = int_part.split(',').collect();
        let first_ok = (1..=3).contains(&groups[0].len());
        if !first_ok || groups[1..].iter().any(|g| g.len() != 3) {
            return None;
        }
        groups.concat()
    } else {
        int_part.to_string()
    };
    if digits.is_empty() || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut mantissa: i64 = digits.parse().ok()?;
    let mut scale = 0;
    if let Some(f) = frac {
        if f.is_empty() || f.len() > 6 || !f.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        mantissa = mantissa.checked_mul(10i64.pow(f.len() as u32))? + f.parse::<i64>().ok()?;
        scale = f.len() as u32;
    }
    Some(Number::new(if neg { -mantissa } else { mantissa }, scale))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(s: &str) -> Option<String> {
        match read_cell_text(s) {
            CellText::Number { value, .. } => Some(value.to_string()),
            CellText::Blank => Some("blank".into()),
            CellText::Text => None,
        }
    }

    #[test]
    fn reads_every_printed_form() {
        assert_eq!(num("42"), Some("42".into()));
        assert_eq!(num("１２３"), Some("123".into()));
        assert_eq!(num("1,234"), Some("1234".into()));
        assert_eq!(num("1，234"), Some("1234".into()));
        assert_eq!(num("11,398,889"), Some("11398889".into()));
        assert_eq!(num("360.54242"), Some("360.54242".into()));
        assert_eq!(num("251000元"), Some("251000".into()));
        assert_eq!(num("7.5万元"), Some("7.5".into()));
        assert_eq!(num("+36"), Some("36".into()));
        assert_eq!(num("-2"), Some("-2".into()));
        assert_eq!(num(" 0 "), Some("0".into()));
        for b in ["", "/", "—", "-", "无", "不适用", "\u{a0}"] {
            assert_eq!(num(b), Some("blank".into()), "{b:?}");
        }
    }

    #[test]
    fn labels_are_not_numbers() {
        for t in [
            "1.属于国家秘密",
            "3.",
            "1,2",
            "12,34",
            "规章",
            "2023年",
            "1.2.3",
            "第3页",
        ] {
            assert_eq!(num(t), None, "{t}");
        }
    }

    #[test]
    fn arithmetic_is_exact() {
        let a = parse_number("0.1").unwrap();
        let b = parse_number("0.2").unwrap();
        assert_eq!(a.checked_add(b).unwrap().to_string(), "0.3");
        assert_eq!(Number::new(1500, 2).to_string(), "15");
        assert_eq!(Number::new(-5, 1).to_string(), "-0.5");
    }
}
