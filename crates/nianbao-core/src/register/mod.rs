//! The register of an agency's disclosure work, and the annual report's tables computed
//! from it — correct by construction, because every cell is a count of the same records.
//!
//! * Table 三 (依申请公开) for year Y, column by applicant type:
//!   一 本年新收 = requests received in Y; 二 上年结转 = received before Y and not answered
//!   before 1 January; 三 办理结果 = answered in Y, by statutory outcome (the leaves of the
//!   table, 2021 format), （七）总计 their sum; 四 结转下年度 = received by 31 December and
//!   not answered by then. Hence 一 + 二 = （七） + 四 for every column.
//! * Table 四 (行政复议、行政诉讼) for year Y, per group: a case decided in Y counts under
//!   its result; a case filed by 31 December and not decided by then is 尚未审结; 总计 is
//!   their sum.

pub mod import;
pub mod lapse;
pub mod timeliness;

use jiff::civil::Date;

use crate::number::Number;
use crate::template::{CellId, T3Role, T3_COLUMNS, T3_ROWS, T4_GROUPS};

/// 申请人 — the columns of table 三.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Applicant {
    /// 自然人.
    Natural,
    /// 商业企业.
    Commercial,
    /// 科研机构.
    Research,
    /// 社会公益组织.
    Nonprofit,
    /// 法律服务机构.
    Legal,
    /// 其他.
    Other,
}

impl Applicant {
    /// Every applicant type, in the table's column order.
    pub const ALL: [Applicant; 6] = [
        Applicant::Natural,
        Applicant::Commercial,
        Applicant::Research,
        Applicant::Nonprofit,
        Applicant::Legal,
        Applicant::Other,
    ];

    /// The column key (`natural` …).
    pub fn key(self) -> &'static str {
        T3_COLUMNS[self as usize].key
    }
}

/// The statutory outcomes a closed request takes exactly one of: the outcome rows of table
/// 三 in the 2021 format (`granted`, `partial`, `denied.state_secret` … `other.other`).
pub fn outcomes() -> impl Iterator<Item = &'static str> {
    T3_ROWS
        .iter()
        .filter(|r| r.role == T3Role::Outcome && r.in_2021)
        .map(|r| r.key)
}

/// The outcome a name denotes: a row key (`denied.state_secret`), the printed label with or
/// without its numbering (`属于国家秘密`, `1.属于国家秘密`), or a phrase only one outcome
/// row carries (`国家秘密`). The error says what fits, in Chinese.
pub fn outcome_by_name(name: &str) -> Result<&'static str, String> {
    let name = name.trim();
    let rows: Vec<_> = T3_ROWS
        .iter()
        .filter(|r| r.role == T3Role::Outcome && r.in_2021)
        .collect();
    if let Some(r) = rows.iter().find(|r| r.key == name) {
        return Ok(r.key);
    }
    let bare = |l: &'static str| -> &'static str {
        let l = crate::template::short_label(l);
        let l = l.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
        l.strip_prefix('（')
            .and_then(|x| x.split_once('）'))
            .map_or(l, |(_, rest)| rest)
    };
    if let Some(r) = rows
        .iter()
        .find(|r| r.label == name || bare(r.label) == name)
    {
        return Ok(r.key);
    }
    let hits: Vec<_> = rows
        .iter()
        .filter(|r| r.keys.iter().any(|k| name.contains(k)))
        .collect();
    match hits.as_slice() {
        [one] => Ok(one.key),
        [] => Err(format!(
            "“{name}”不是表三的办理结果；可写：{}",
            rows.iter()
                .map(|r| bare(r.label))
                .collect::<Vec<_>>()
                .join("、")
        )),
        many => Err(format!(
            "“{name}”可指多种结果：{}，请写完整",
            many.iter()
                .map(|r| bare(r.label))
                .collect::<Vec<_>>()
                .join("、")
        )),
    }
}

/// The printed label of an outcome key, with its group (`不予公开：1.属于国家秘密`).
pub fn outcome_label(key: &str) -> String {
    match T3_ROWS.iter().find(|r| r.key == key) {
        Some(r) => match r.group {
            Some(g) if !g.starts_with('三') => format!(
                "{}：{}",
                g.trim_start_matches(|c| c != '）').trim_start_matches('）'),
                r.label
            ),
            _ => r.label.to_string(),
        },
        None => key.to_string(),
    }
}

impl Applicant {
    /// The column label (`自然人` …).
    pub fn label(self) -> &'static str {
        T3_COLUMNS[self as usize].label
    }

    /// The type a name denotes (`自然人`, `商业企业` …, or the column key).
    pub fn by_name(name: &str) -> Result<Applicant, String> {
        let name = name.trim();
        Applicant::ALL
            .into_iter()
            .find(|a| a.key() == name || T3_COLUMNS[*a as usize].label == name)
            .ok_or_else(|| format!("“{name}”不是申请人类型；可写：自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他"))
    }
}

/// The channels a request may come by (《条例》第二十九条), as a register records them.
pub const CHANNELS: [&str; 6] = ["当面", "信函", "网络", "传真", "电子邮件", "其他"];

/// One request (依申请公开), as the tables need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Who asked.
    pub applicant: Applicant,
    /// The receipt date (《条例》第三十一条).
    pub received: Date,
    /// When answered, and with which outcome (a key from [`outcomes`]); `None` while open.
    pub answered: Option<(Date, &'static str)>,
}

/// Table 四's groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewKind {
    /// 行政复议.
    Review,
    /// 行政诉讼，未经复议直接起诉.
    SuitDirect,
    /// 行政诉讼，复议后起诉.
    SuitAfterReview,
}

/// Table 四's results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewResult {
    /// 结果维持.
    Upheld,
    /// 结果纠正.
    Corrected,
    /// 其他结果.
    Other,
}

/// A reconsideration or a suit about the agency's disclosure work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewCase {
    /// Which group.
    pub kind: ReviewKind,
    /// When filed.
    pub filed: Date,
    /// When decided, and how; `None` while pending.
    pub decided: Option<(Date, ReviewResult)>,
}

/// An error in the register that would make the tables wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegisterError {
    /// An outcome that is not a leaf of table 三.
    #[error("第 {0} 件申请的办理结果“{1}”不是表三的法定结果")]
    UnknownOutcome(usize, String),
    /// Answered before received.
    #[error("第 {0} 件申请的答复日期早于收到日期")]
    AnsweredBeforeReceived(usize),
    /// Decided before filed.
    #[error("第 {0} 件复议或诉讼的结果日期早于提起日期")]
    DecidedBeforeFiled(usize),
}

fn count(n: usize) -> Number {
    Number::new(n as i64, 0)
}

/// Table 三 for `year`, every cell of the 2021 format.
pub fn table3(requests: &[Request], year: i16) -> Result<Vec<(CellId, Number)>, RegisterError> {
    let valid: Vec<&str> = outcomes().collect();
    for (i, r) in requests.iter().enumerate() {
        if let Some((d, o)) = r.answered {
            if !valid.contains(&o) {
                return Err(RegisterError::UnknownOutcome(i + 1, o.to_string()));
            }
            if d < r.received {
                return Err(RegisterError::AnsweredBeforeReceived(i + 1));
            }
        }
    }
    let start = Date::new(year, 1, 1).expect("a valid year");
    let end = Date::new(year, 12, 31).expect("a valid year");
    let answered_by = |r: &Request, d: Date| r.answered.is_some_and(|(a, _)| a <= d);
    let answered_before = |r: &Request, d: Date| r.answered.is_some_and(|(a, _)| a < d);
    let mut out = Vec::new();
    for row in T3_ROWS.iter().filter(|r| r.in_2021) {
        let in_row = |r: &Request| -> bool {
            match row.role {
                T3Role::New => r.received >= start && r.received <= end,
                T3Role::CarriedOver => r.received < start && !answered_before(r, start),
                T3Role::Outcome => r
                    .answered
                    .is_some_and(|(a, o)| a >= start && a <= end && o == row.key),
                T3Role::TotalProcessed => r.answered.is_some_and(|(a, _)| a >= start && a <= end),
                T3Role::CarriedForward => r.received <= end && !answered_by(r, end),
            }
        };
        let rows: Vec<&Request> = requests.iter().filter(|r| in_row(r)).collect();
        for a in Applicant::ALL {
            out.push((
                CellId::t3(row.key, a.key()),
                count(rows.iter().filter(|r| r.applicant == a).count()),
            ));
        }
        out.push((CellId::t3(row.key, "total"), count(rows.len())));
    }
    Ok(out)
}

/// Table 四 for `year`.
pub fn table4(cases: &[ReviewCase], year: i16) -> Result<Vec<(CellId, Number)>, RegisterError> {
    for (i, c) in cases.iter().enumerate() {
        if c.decided.is_some_and(|(d, _)| d < c.filed) {
            return Err(RegisterError::DecidedBeforeFiled(i + 1));
        }
    }
    let start = Date::new(year, 1, 1).expect("a valid year");
    let end = Date::new(year, 12, 31).expect("a valid year");
    let mut out = Vec::new();
    for (g, kind) in T4_GROUPS.iter().zip([
        ReviewKind::Review,
        ReviewKind::SuitDirect,
        ReviewKind::SuitAfterReview,
    ]) {
        let of_kind: Vec<&ReviewCase> = cases.iter().filter(|c| c.kind == kind).collect();
        let decided = |res: ReviewResult| {
            of_kind
                .iter()
                .filter(|c| {
                    c.decided
                        .is_some_and(|(d, r)| r == res && d >= start && d <= end)
                })
                .count()
        };
        let pending = of_kind
            .iter()
            .filter(|c| c.filed <= end && c.decided.is_none_or(|(d, _)| d > end))
            .count();
        let (upheld, corrected, other) = (
            decided(ReviewResult::Upheld),
            decided(ReviewResult::Corrected),
            decided(ReviewResult::Other),
        );
        for (col, n) in [
            ("upheld", upheld),
            ("corrected", corrected),
            ("other", other),
            ("pending", pending),
            ("total", upheld + corrected + other + pending),
        ] {
            out.push((CellId::t4(g.key, col), count(n)));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Report;
    use crate::template::Format;
    use jiff::civil::date;
    use jiff::ToSpan;

    fn random_requests(rng: &mut fastrand::Rng, n: usize) -> Vec<Request> {
        let outcomes: Vec<&str> = outcomes().collect();
        (0..n)
            .map(|_| {
                let received = date(2023, 10, 1)
                    .checked_add(rng.i64(0..500).days())
                    .unwrap();
                let answered = (rng.u8(0..10) > 0).then(|| {
                    let on = received.checked_add(rng.i64(0..60).days()).unwrap();
                    (on, outcomes[rng.usize(..outcomes.len())])
                });
                Request {
                    applicant: Applicant::ALL[rng.usize(..6)],
                    received,
                    answered,
                }
            })
            .collect()
    }

    fn value(cells: &[(CellId, Number)], key: &str) -> i64 {
        cells
            .iter()
            .find(|(c, _)| c.key() == key)
            .map(|(_, v)| v.as_i64().unwrap())
            .unwrap_or_else(|| panic!("no {key}"))
    }

    /// A year of generated cases: every cell equals a count made independently here, and
    /// the rules find no broken identity in the tables.
    #[test]
    fn a_year_of_cases_gives_consistent_tables() {
        let mut rng = fastrand::Rng::with_seed(42);
        let requests = random_requests(&mut rng, 800);
        let reviews: Vec<ReviewCase> = (0..60)
            .map(|_| {
                let filed = date(2023, 6, 1)
                    .checked_add(rng.i64(0..700).days())
                    .unwrap();
                let decided = (rng.bool()).then(|| {
                    let r = [
                        ReviewResult::Upheld,
                        ReviewResult::Corrected,
                        ReviewResult::Other,
                    ][rng.usize(..3)];
                    (filed.checked_add(rng.i64(0..120).days()).unwrap(), r)
                });
                ReviewCase {
                    kind: [
                        ReviewKind::Review,
                        ReviewKind::SuitDirect,
                        ReviewKind::SuitAfterReview,
                    ][rng.usize(..3)],
                    filed,
                    decided,
                }
            })
            .collect();
        let t3 = table3(&requests, 2024).unwrap();
        let t4 = table4(&reviews, 2024).unwrap();
        let (y0, y1) = (date(2024, 1, 1), date(2024, 12, 31));
        // Independent counts, one predicate per statutory definition.
        for a in Applicant::ALL {
            let mine: Vec<&Request> = requests.iter().filter(|r| r.applicant == a).collect();
            let new = mine
                .iter()
                .filter(|r| (y0..=y1).contains(&r.received))
                .count() as i64;
            let over = mine
                .iter()
                .filter(|r| r.received < y0 && r.answered.is_none_or(|(d, _)| d >= y0))
                .count() as i64;
            let done = mine
                .iter()
                .filter(|r| r.answered.is_some_and(|(d, _)| (y0..=y1).contains(&d)))
                .count() as i64;
            let forward = mine
                .iter()
                .filter(|r| r.received <= y1 && r.answered.is_none_or(|(d, _)| d > y1))
                .count() as i64;
            assert_eq!(value(&t3, &format!("t3.new.{}", a.key())), new);
            assert_eq!(value(&t3, &format!("t3.carried_over.{}", a.key())), over);
            assert_eq!(value(&t3, &format!("t3.total_processed.{}", a.key())), done);
            assert_eq!(
                value(&t3, &format!("t3.carried_forward.{}", a.key())),
                forward
            );
            for o in outcomes() {
                let n = mine
                    .iter()
                    .filter(|r| {
                        r.answered
                            .is_some_and(|(d, k)| k == o && (y0..=y1).contains(&d))
                    })
                    .count() as i64;
                assert_eq!(value(&t3, &format!("t3.{o}.{}", a.key())), n, "{o}");
            }
        }
        assert!(
            value(&t3, "t3.carried_over.total") > 0 && value(&t3, "t3.carried_forward.total") > 0,
            "the sample spans the year's edges"
        );
        for (kind, g) in [
            (ReviewKind::Review, "review"),
            (ReviewKind::SuitDirect, "suit_direct"),
            (ReviewKind::SuitAfterReview, "suit_after_review"),
        ] {
            let mine: Vec<&ReviewCase> = reviews.iter().filter(|c| c.kind == kind).collect();
            let pending = mine
                .iter()
                .filter(|c| c.filed <= y1 && c.decided.is_none_or(|(d, _)| d > y1))
                .count() as i64;
            let corrected = mine
                .iter()
                .filter(|c| {
                    c.decided.is_some_and(|(d, r)| {
                        r == ReviewResult::Corrected && (y0..=y1).contains(&d)
                    })
                })
                .count() as i64;
            assert_eq!(value(&t4, &format!("t4.{g}.pending")), pending);
            assert_eq!(value(&t4, &format!("t4.{g}.corrected")), corrected);
        }
        // The rules agree: no table identity fails.
        let report = Report::from_values(
            Some(2024),
            "测试机关",
            Format::V2021,
            t3.into_iter().chain(t4),
        );
        let broken: Vec<_> = crate::rules::run_all(&report, None)
            .into_iter()
            .filter(|d| d.code.starts_with('T'))
            .collect();
        assert!(broken.is_empty(), "{broken:?}");
    }

    #[test]
    fn outcomes_and_applicants_by_name() {
        assert_eq!(outcome_by_name("予以公开"), Ok("granted"));
        assert_eq!(outcome_by_name("部分公开"), Ok("partial"));
        assert_eq!(outcome_by_name("属于国家秘密"), Ok("denied.state_secret"));
        assert_eq!(outcome_by_name("1.属于国家秘密"), Ok("denied.state_secret"));
        assert_eq!(outcome_by_name("国家秘密"), Ok("denied.state_secret"));
        assert_eq!(
            outcome_by_name("unavailable.not_held"),
            Ok("unavailable.not_held")
        );
        assert_eq!(outcome_by_name("重复申请"), Ok("not_processed.duplicate"));
        assert!(outcome_by_name("批准")
            .unwrap_err()
            .contains("不是表三的办理结果"));
        assert_eq!(Applicant::by_name("法律服务机构"), Ok(Applicant::Legal));
        assert!(Applicant::by_name("个人").is_err());
    }

    #[test]
    fn register_errors_are_named() {
        let r = Request {
            applicant: Applicant::Natural,
            received: date(2024, 5, 1),
            answered: Some((date(2024, 4, 1), "granted")),
        };
        assert_eq!(
            table3(std::slice::from_ref(&r), 2024),
            Err(RegisterError::AnsweredBeforeReceived(1))
        );
        let bad = Request {
            answered: Some((date(2024, 5, 2), "approved")),
            ..r
        };
        assert!(matches!(
            table3(&[bad], 2024),
            Err(RegisterError::UnknownOutcome(1, _))
        ));
        let c = ReviewCase {
            kind: ReviewKind::Review,
            filed: date(2024, 5, 1),
            decided: Some((date(2024, 4, 1), ReviewResult::Upheld)),
        };
        assert_eq!(
            table4(&[c], 2024),
            Err(RegisterError::DecidedBeforeFiled(1))
        );
        assert_eq!(
            outcomes().count(),
            21,
            "2021 format: 予以公开, 部分公开, 8 不予公开, 3 无法提供, 5 不予处理, 3 其他处理"
        );
    }
}
