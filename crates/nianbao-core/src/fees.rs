//! 信息处理费 (information processing fee), 《政府信息公开信息处理费管理办法》
//! (国办函〔2020〕109号): charged only where requests exceed a reasonable quantity or
//! frequency, by one of two methods, both 超额累进 (each tier's rate applies to the part
//! within it):
//!
//! * 按件计收 (art. 4): per applicant, per natural month, cumulative — 1–10 件 free;
//!   11–30 件 100 元/件; from 31, every further 10 件 one tier, each 100 元/件 more
//!   (31–40: 200, 41–50: 300, …).
//! * 按量计收 (art. 5): per application — 1–30 页 free; 31–100 页 10 元/页; 101–200 页
//!   20 元/页; from 201 页 40 元/页.
//!
//! A notice states the basis and amount; the applicant has 20 working days from the day
//! after receiving it to pay, else the request is treated as abandoned (table 三 row
//! （六）2).

/// One tier's part of a fee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeePart {
    /// First unit (件 or 页, counted from 1) in this tier.
    pub from: u32,
    /// Last unit in this tier.
    pub to: u32,
    /// Yuan per unit.
    pub rate: u32,
}

impl FeePart {
    fn units(&self) -> u32 {
        self.to + 1 - self.from
    }
}

/// A computed fee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fee {
    /// Total in yuan.
    pub yuan: u64,
    /// The charged tiers, in order (free units are not listed).
    pub parts: Vec<FeePart>,
    /// How it was computed, in Chinese, e.g. `第11—30件 20件×100元 + 第31—35件 5件×200元 = 3000元`.
    pub explanation: String,
}

/// The rate of the `n`-th item (件) of an applicant's month.
fn item_rate(n: u32) -> u32 {
    match n {
        0..=10 => 0,
        11..=30 => 100,
        n => 100 * (2 + (n - 31) / 10),
    }
}

/// The rate of the `n`-th page (页) of one application.
fn page_rate(n: u32) -> u32 {
    match n {
        0..=30 => 0,
        31..=100 => 10,
        101..=200 => 20,
        _ => 40,
    }
}

fn tiers(first: u32, last: u32, rate: impl Fn(u32) -> u32, unit: &str) -> Fee {
    let mut parts: Vec<FeePart> = Vec::new();
    for n in first..=last {
        let r = rate(n);
        if r == 0 {
            continue;
        }
        match parts.last_mut() {
            Some(p) if p.rate == r && p.to + 1 == n => p.to = n,
            _ => parts.push(FeePart {
                from: n,
                to: n,
                rate: r,
            }),
        }
    }
    let yuan = parts
        .iter()
        .map(|p| u64::from(p.units()) * u64::from(p.rate))
        .sum();
    let explanation = if parts.is_empty() {
        format!("第{first}—{last}{unit}在免费范围内，不收费")
    } else {
        let terms: Vec<String> = parts
            .iter()
            .map(|p| {
                format!(
                    "第{}—{}{unit} {}{unit}×{}元",
                    p.from,
                    p.to,
                    p.units(),
                    p.rate
                )
            })
            .collect();
        format!("{} = {yuan}元", terms.join(" + "))
    };
    Fee {
        yuan,
        parts,
        explanation,
    }
}

/// 按件计收: the fee for `items` 件 of an applicant who has already made `earlier` 件 in
/// the same natural month (their cumulative count decides the tier).
pub fn per_item(earlier: u32, items: u32) -> Fee {
    if items == 0 {
        return Fee {
            yuan: 0,
            parts: Vec::new(),
            explanation: "没有申请件".into(),
        };
    }
    tiers(earlier + 1, earlier + items, item_rate, "件")
}

/// 按量计收: the fee for an application of `pages` 页.
pub fn per_page(pages: u32) -> Fee {
    if pages == 0 {
        return Fee {
            yuan: 0,
            parts: Vec::new(),
            explanation: "没有页数".into(),
        };
    }
    tiers(1, pages, page_rate, "页")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The worked examples: 35 件 in one month = 20×100 + 5×200 = 3000 元;
    /// 150 页 = 70×10 + 50×20 = 1700 元.
    #[test]
    fn worked_examples() {
        let f = per_item(0, 35);
        assert_eq!(f.yuan, 3000);
        assert_eq!(
            f.explanation,
            "第11—30件 20件×100元 + 第31—35件 5件×200元 = 3000元"
        );
        assert_eq!(per_page(150).yuan, 1700);
        assert_eq!(
            per_page(150).parts,
            vec![
                FeePart {
                    from: 31,
                    to: 100,
                    rate: 10
                },
                FeePart {
                    from: 101,
                    to: 150,
                    rate: 20
                }
            ]
        );
    }

    #[test]
    fn tiers_and_edges() {
        assert_eq!(per_item(0, 10).yuan, 0, "ten a month are free");
        assert_eq!(per_item(10, 1).yuan, 100, "the 11th costs 100");
        assert_eq!(per_item(30, 1).yuan, 200, "the 31st is in the second tier");
        assert_eq!(per_item(40, 1).yuan, 300);
        assert_eq!(per_item(50, 10).yuan, 10 * 400);
        // Splitting a month's requests changes nothing: the tiers follow the cumulative count.
        assert_eq!(
            per_item(0, 20).yuan + per_item(20, 25).yuan,
            per_item(0, 45).yuan
        );
        assert_eq!(per_page(30).yuan, 0);
        assert_eq!(per_page(31).yuan, 10);
        assert_eq!(per_page(200).yuan, 70 * 10 + 100 * 20);
        assert_eq!(per_page(250).yuan, 70 * 10 + 100 * 20 + 50 * 40);
        assert!(per_page(20).explanation.contains("免费"));
    }
}
