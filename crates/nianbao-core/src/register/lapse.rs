//! Cases closed by the passing of time into 其他处理 (table 三 （六）):
//!
//! * 逾期不补正 (《条例》第三十条): the agency asked once for a 补正 and gave a reasonable
//!   period; the applicant did not answer within it → the request is treated as abandoned
//!   (`other.no_correction`).
//! * 逾期未缴费 (国办函〔2020〕109号): a fee notice was sent; the applicant did not pay
//!   within 20 working days from the day after receiving it → treated as abandoned
//!   (`other.unpaid_fee`).
//!
//! The register records the day a notice was sent, not the day the applicant got it;
//! periods are counted from the sending day (the earliest the applicant could have it),
//! so a case never lapses before the law lets it.

use jiff::civil::Date;

use crate::calendar::Calendar;
use crate::clock::ClockEvent;

/// A fee notice (收费通知) recorded on a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeeNotice {
    /// The day the notice was sent.
    pub noticed: Date,
    /// The amount, yuan.
    pub yuan: u64,
    /// The day the fee was paid, once paid.
    pub paid: Option<Date>,
}

/// Working days an applicant has to pay a fee (国办函〔2020〕109号).
pub const FEE_PERIOD: u32 = 20;

/// A case's closing by lapse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lapse {
    /// The day the case counts as closed: the day after the period ran out.
    pub on: Date,
    /// The outcome key (`other.no_correction` or `other.unpaid_fee`).
    pub outcome: &'static str,
    /// Why, in Chinese, with the dates.
    pub reason: String,
}

/// The 补正 still waited for: the last request for one with no corrected request after it.
pub fn pending_correction(events: &[ClockEvent]) -> Option<Date> {
    let mut pending = None;
    let mut sorted = events.to_vec();
    sorted.sort_by_key(|e| e.date());
    for e in sorted {
        match e {
            ClockEvent::CorrectionRequested(d) => pending = Some(d),
            ClockEvent::CorrectionReceived(_) => pending = None,
            _ => {}
        }
    }
    pending
}

/// Whether a case has lapsed by `today`: its pending 补正 (with the period in working days
/// the notice gave, if recorded) or its unpaid fee. The earlier lapse wins; a period
/// not recorded never lapses (the agency closes the case itself).
pub fn lapse(
    cal: &Calendar,
    events: &[ClockEvent],
    correction_period: Option<u32>,
    fee: Option<&FeeNotice>,
    today: Date,
) -> Option<Lapse> {
    let mut found: Vec<Lapse> = Vec::new();
    if let (Some(asked), Some(days)) = (pending_correction(events), correction_period) {
        let end = cal.after_working_days(asked, days);
        if today > end {
            found.push(Lapse {
                on: end.tomorrow().unwrap_or(end),
                outcome: "other.no_correction",
                reason: format!("{asked} 发出补正通知，给予 {days} 个工作日（至 {end}），申请人未补正：依《条例》第三十条视为放弃申请"),
            });
        }
    }
    if let Some(f) = fee.filter(|f| f.paid.is_none()) {
        let end = cal.after_working_days(f.noticed, FEE_PERIOD);
        if today > end {
            found.push(Lapse {
                on: end.tomorrow().unwrap_or(end),
                outcome: "other.unpaid_fee",
                reason: format!("{} 发出收费通知（{} 元），申请人 20 个工作日内（至 {end}）未缴纳：依国办函〔2020〕109号视为放弃申请", f.noticed, f.yuan),
            });
        }
    }
    found.into_iter().min_by_key(|l| l.on)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    /// 补正 asked Friday 2024-09-27 with 10 working days. Sunday 09-29 is a 调休 working
    /// day (1); Mon 09-30 (2); 10-01…10-07 National Day off; 10-08 Tue (3), 09 (4), 10 (5),
    /// 11 (6); Sat 10-12 is a 调休 working day (7); 10-14 Mon (8), 15 (9), 16 (10).
    /// The period ends 2024-10-16; the case lapses on 10-17, and not while 10-16 lasts.
    #[test]
    fn an_unanswered_correction_lapses_the_day_after_its_period() {
        let cal = Calendar::official();
        let events = [ClockEvent::CorrectionRequested(date(2024, 9, 27))];
        assert_eq!(
            lapse(cal, &events, Some(10), None, date(2024, 10, 16)),
            None
        );
        let l = lapse(cal, &events, Some(10), None, date(2024, 10, 17)).unwrap();
        assert_eq!(
            (l.on, l.outcome),
            (date(2024, 10, 17), "other.no_correction")
        );
        assert!(l.reason.contains("2024-10-16"), "{}", l.reason);
        // Answered in time: nothing lapses; no period recorded: nothing lapses.
        let answered = [events[0], ClockEvent::CorrectionReceived(date(2024, 10, 9))];
        assert_eq!(
            lapse(cal, &answered, Some(10), None, date(2025, 1, 1)),
            None
        );
        assert_eq!(lapse(cal, &events, None, None, date(2025, 1, 1)), None);
    }

    /// Fee notice Thursday 2025-01-23; 20 working days from 01-24: 01-24 (1), Sun 01-26 is
    /// a 调休 working day (2), 01-27 (3); 01-28…02-04 春节 off; Sat 02-08 is a 调休
    /// working day. 02-05 (4), 06 (5), 07 (6), 08 (7), 10–14 (8–12), 17–21 (13–17),
    /// 24 (18), 25 (19), 26 (20). Unpaid by 2025-02-26 → lapses 2025-02-27.
    #[test]
    fn an_unpaid_fee_lapses_after_twenty_working_days() {
        let cal = Calendar::official();
        let fee = FeeNotice {
            noticed: date(2025, 1, 23),
            yuan: 3000,
            paid: None,
        };
        assert_eq!(lapse(cal, &[], None, Some(&fee), date(2025, 2, 26)), None);
        let l = lapse(cal, &[], None, Some(&fee), date(2025, 2, 27)).unwrap();
        assert_eq!((l.on, l.outcome), (date(2025, 2, 27), "other.unpaid_fee"));
        let paid = FeeNotice {
            paid: Some(date(2025, 2, 20)),
            ..fee
        };
        assert_eq!(lapse(cal, &[], None, Some(&paid), date(2025, 6, 1)), None);
    }

    #[test]
    fn the_earlier_lapse_wins() {
        let cal = Calendar::official();
        let events = [ClockEvent::CorrectionRequested(date(2024, 3, 1))];
        let fee = FeeNotice {
            noticed: date(2024, 3, 4),
            yuan: 100,
            paid: None,
        };
        let l = lapse(cal, &events, Some(5), Some(&fee), date(2024, 12, 1)).unwrap();
        assert_eq!(l.outcome, "other.no_correction");
        let l = lapse(cal, &events, Some(60), Some(&fee), date(2024, 12, 1)).unwrap();
        assert_eq!(l.outcome, "other.unpaid_fee");
    }
}
