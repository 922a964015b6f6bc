//! The statutory clock of a request for disclosure (依申请公开), 《政府信息公开条例》:
//!
//! * art. 33: answer within **20 working days** of receipt, counted from the day after
//!   (起算日不计入); an approved extension adds at most **20 working days**; time spent
//!   consulting a third party or another agency is not counted.
//! * art. 30: a 补正 notice is due within **7 working days** of receipt; the answer period
//!   then runs afresh from the day the corrected request arrives.
//! * art. 32: a consulted third party answers within **15 working days**.
//!
//! A pause runs from the day after the consultation is sent through the day the reply
//! arrives: those days are not counted. Every result carries its explanation in Chinese
//! ("why is this due on …"), with the holidays and 调休 days it crossed.

use jiff::civil::Date;

use crate::calendar::{weekday_name, Calendar};

/// Working days to answer (art. 33).
pub const ANSWER_DAYS: u32 = 20;
/// Working days for a 补正 notice (art. 30).
pub const CORRECTION_NOTICE_DAYS: u32 = 7;
/// Working days a consulted third party has to answer (art. 32).
pub const THIRD_PARTY_DAYS: u32 = 15;
/// Longest extension, in working days (art. 33).
pub const MAX_EXTENSION_DAYS: u32 = 20;

/// Something that happened to a request and bears on its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockEvent {
    /// A 补正 notice was sent (art. 30): no answer is due until the corrected request arrives.
    CorrectionRequested(Date),
    /// The corrected request arrived: the answer period starts again from the next day.
    CorrectionReceived(Date),
    /// A third party or another agency was consulted (arts. 32–34): the clock pauses.
    ConsultationSent(Date),
    /// The consultation's reply arrived: the clock runs again from the next day.
    ConsultationAnswered(Date),
    /// An extension was approved (art. 33), by this many working days.
    Extended {
        /// The day of approval.
        on: Date,
        /// Working days added.
        days: u32,
    },
}

impl ClockEvent {
    /// The stable name of the event's kind (`correction_requested` …), as stored and posted.
    pub fn kind(self) -> &'static str {
        match self {
            ClockEvent::CorrectionRequested(_) => "correction_requested",
            ClockEvent::CorrectionReceived(_) => "correction_received",
            ClockEvent::ConsultationSent(_) => "consultation_sent",
            ClockEvent::ConsultationAnswered(_) => "consultation_answered",
            ClockEvent::Extended { .. } => "extended",
        }
    }

    /// The event of a kind name on a date (`days` for an extension); `None` for an
    /// unknown kind or an extension without its days.
    pub fn from_kind(kind: &str, on: Date, days: Option<u32>) -> Option<ClockEvent> {
        Some(match kind {
            "correction_requested" => ClockEvent::CorrectionRequested(on),
            "correction_received" => ClockEvent::CorrectionReceived(on),
            "consultation_sent" => ClockEvent::ConsultationSent(on),
            "consultation_answered" => ClockEvent::ConsultationAnswered(on),
            "extended" => ClockEvent::Extended { on, days: days? },
            _ => return None,
        })
    }

    /// The day it happened.
    pub fn date(self) -> Date {
        match self {
            ClockEvent::CorrectionRequested(d)
            | ClockEvent::CorrectionReceived(d)
            | ClockEvent::ConsultationSent(d)
            | ClockEvent::ConsultationAnswered(d) => d,
            ClockEvent::Extended { on, .. } => on,
        }
    }
}

/// Where a request's clock stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    /// The answer is due by the end of this day; `None` while the clock waits (for a 补正
    /// or a consultation's reply).
    pub due: Option<Date>,
    /// Why there is no due date, when there is none.
    pub waiting: Option<String>,
    /// A 补正 notice, if one is needed, is due by this day (art. 30).
    pub correction_notice_due: Date,
    /// The last consultation's reply is due by this day (art. 32), when one was sent.
    pub reply_due: Option<Date>,
    /// Irregularities to show (a late 补正 notice, an extension approved after expiry).
    pub warnings: Vec<String>,
    /// Some counted day lies outside the calendar's years: the date is Mon–Fri only.
    pub uncovered: bool,
    /// The computation, step by step, in Chinese.
    pub explanation: Vec<String>,
}

/// Events that cannot happen as given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    /// An event before the receipt, or out of order.
    #[error("{0}")]
    OutOfOrder(String),
    /// Extensions over the statutory maximum.
    #[error("延长答复期限合计 {0} 个工作日，超过《条例》第三十三条规定的最长 20 个工作日")]
    ExtensionTooLong(u32),
    /// A date outside [`EARLIEST_YEAR`]..=[`LATEST_YEAR`].
    #[error("{0}")]
    OutOfRange(String),
}

/// The years a date of the disclosure work may fall in: the Regulations date from 2008,
/// and a date far ahead is a typing error (9999-12-31 once broke a workbench for good).
pub const EARLIEST_YEAR: i16 = 2000;
/// See [`EARLIEST_YEAR`].
pub const LATEST_YEAR: i16 = 2100;

/// `d` if it lies in the years the work can have, else why not (Chinese).
pub fn in_range(d: Date) -> Result<Date, String> {
    if (EARLIEST_YEAR..=LATEST_YEAR).contains(&d.year()) {
        Ok(d)
    } else {
        Err(format!(
            "日期 {d} 超出可处理的范围（{EARLIEST_YEAR} 年至 {LATEST_YEAR} 年）"
        ))
    }
}

/// A date typed by a person (`2024-09-30`), checked for range; the Chinese reason if it
/// is not one.
pub fn input_date(text: &str) -> Result<Date, String> {
    let text = text.trim();
    let d = text
        .parse::<Date>()
        .map_err(|_| format!("“{text}”不是日期，应写作 YYYY-MM-DD"))?;
    in_range(d)
}

fn show(d: Date) -> String {
    format!(
        "{}年{}月{}日（{}）",
        d.year(),
        d.month(),
        d.day(),
        weekday_name(d)
    )
}

/// The day by which `n` working days after `start` have passed (start not counted),
/// skipping the days inside `pauses` (each `(sent, answered)`: days after `sent` through
/// `answered`). Also whether a day outside the calendar's years was counted.
fn count(cal: &Calendar, start: Date, n: u32, pauses: &[(Date, Date)]) -> (Date, bool) {
    let mut d = start;
    let mut k = 0;
    let mut uncovered = false;
    while k < n {
        // Dates are in range (`deadline` checks them), so there is always a tomorrow;
        // were there not, the count stops rather than panics.
        let Ok(next) = d.tomorrow() else { break };
        d = next;
        if pauses.iter().any(|&(s, e)| d > s && d <= e) {
            continue;
        }
        let day = cal.day(d);
        if day.working {
            k += 1;
            uncovered |= !day.covered;
        }
    }
    (d, uncovered)
}

/// The holidays and 调休 days after `from` through `to`, as one Chinese sentence (empty
/// if none): consecutive days off of one holiday as a range.
fn crossed(cal: &Calendar, from: Date, to: Date) -> String {
    let md = |d: Date| format!("{}月{}日", d.month(), d.day());
    let mut parts: Vec<String> = Vec::new();
    let mut run: Option<(Date, Date, &str)> = None;
    let close = |run: Option<(Date, Date, &str)>, parts: &mut Vec<String>| {
        if let Some((a, b, name)) = run {
            parts.push(if a == b {
                format!("{}{name}放假", md(a))
            } else {
                format!("{}至{}{name}放假", md(a), md(b))
            });
        }
    };
    for (d, working, name) in cal.special_days(from.tomorrow().unwrap_or(from), to) {
        if working {
            close(run.take(), &mut parts);
            parts.push(format!("{}（{}）调休上班", md(d), weekday_name(d)));
            continue;
        }
        run = match run {
            Some((a, b, n)) if n == name && b.tomorrow().ok() == Some(d) => Some((a, d, n)),
            other => {
                close(other, &mut parts);
                Some((d, d, name))
            }
        };
    }
    close(run, &mut parts);
    parts.join("；")
}

/// Computes a request's deadline from its receipt date (as art. 31 fixes it) and its events.
pub fn deadline(
    cal: &Calendar,
    received: Date,
    events: &[ClockEvent],
) -> Result<Deadline, ClockError> {
    for d in std::iter::once(received).chain(events.iter().map(|e| e.date())) {
        in_range(d).map_err(ClockError::OutOfRange)?;
    }
    let mut events = events.to_vec();
    if let Some(e) = events.iter().find(|e| e.date() < received) {
        return Err(ClockError::OutOfOrder(format!(
            "{} 早于收到申请之日 {}",
            show(e.date()),
            show(received)
        )));
    }
    events.sort_by_key(|e| e.date());
    let mut explanation = vec![format!(
        "收到申请：{}（《条例》第三十一条确定的收到日；期限自次日起算，只计工作日）",
        show(received)
    )];
    let (correction_notice_due, mut uncovered) = count(cal, received, CORRECTION_NOTICE_DAYS, &[]);
    let mut warnings = Vec::new();
    let mut start = received;
    let mut waiting: Option<String> = None;
    let mut pauses: Vec<(Date, Date)> = Vec::new();
    let mut open_pause: Option<Date> = None;
    let mut reply_due = None;
    let mut extension = 0;
    for e in &events {
        match *e {
            ClockEvent::CorrectionRequested(d) => {
                explanation.push(format!(
                    "{}：发出补正通知，答复期限停止，待收到补正后的申请重新计算（第三十条）",
                    show(d)
                ));
                if d > correction_notice_due {
                    warnings.push(format!(
                        "补正通知晚于收到申请后第 7 个工作日（{}）",
                        show(correction_notice_due)
                    ));
                }
                waiting = Some("等待申请人补正".into());
            }
            ClockEvent::CorrectionReceived(d) => {
                if waiting.is_none() {
                    return Err(ClockError::OutOfOrder(format!(
                        "{} 收到补正，但此前没有补正通知",
                        show(d)
                    )));
                }
                explanation.push(format!(
                    "{}：收到补正后的申请，答复期限自次日起重新计算 20 个工作日",
                    show(d)
                ));
                waiting = None;
                start = d;
                // Pauses before the restart no longer matter.
                pauses.clear();
            }
            ClockEvent::ConsultationSent(d) => {
                let (due, u) = count(cal, d, THIRD_PARTY_DAYS, &[]);
                uncovered |= u;
                reply_due = Some(due);
                explanation.push(format!(
                    "{}：征求第三方或其他机关意见，自次日起至收到答复之日不计入答复期限（第三十二、三十三条）；第三方应在 15 个工作日内答复，即不迟于 {}",
                    show(d),
                    show(due)
                ));
                open_pause = Some(d);
            }
            ClockEvent::ConsultationAnswered(d) => {
                let Some(s) = open_pause.take() else {
                    return Err(ClockError::OutOfOrder(format!(
                        "{} 收到征求意见的答复，但此前没有征求意见",
                        show(d)
                    )));
                };
                explanation.push(format!(
                    "{}：收到征求意见的答复，答复期限自次日起继续计算",
                    show(d)
                ));
                pauses.push((s, d));
            }
            ClockEvent::Extended { on, days } => {
                extension += days;
                if extension > MAX_EXTENSION_DAYS {
                    return Err(ClockError::ExtensionTooLong(extension));
                }
                let (due_before, _) = count(cal, start, ANSWER_DAYS + extension - days, &pauses);
                if on > due_before {
                    warnings.push(format!(
                        "延期于 {} 批准，晚于原答复期限 {}",
                        show(on),
                        show(due_before)
                    ));
                }
                explanation.push(format!(
                    "{}：经批准延长答复期限 {days} 个工作日（第三十三条，合计不超过 20 个工作日）",
                    show(on)
                ));
            }
        }
    }
    if let Some(s) = open_pause {
        waiting = Some(format!("征求意见中（{} 发出），答复期限暂停", show(s)));
    }
    let due = if waiting.is_some() {
        None
    } else {
        let (due, u) = count(cal, start, ANSWER_DAYS + extension, &pauses);
        uncovered |= u;
        let mut line = format!(
            "答复期限：{}，即自 {} 次日起第 {} 个工作日",
            show(due),
            show(start),
            ANSWER_DAYS + extension
        );
        let paused: i64 = pauses
            .iter()
            .map(|(s, e)| (*e - *s).get_days() as i64)
            .sum();
        if paused > 0 {
            line.push_str(&format!("（另有 {paused} 天征求意见期间不计）"));
        }
        let holidays = crossed(cal, start, due);
        if !holidays.is_empty() {
            line.push_str(&format!("；期间{holidays}"));
        }
        explanation.push(line);
        Some(due)
    };
    if uncovered {
        explanation.push(
            "注意：部分日期超出节假日表覆盖的年度，仅按周一至周五计算，请核对当年的放假安排".into(),
        );
    }
    Ok(Deadline {
        due,
        waiting,
        correction_notice_due,
        reply_due,
        warnings,
        uncovered,
        explanation,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn cal() -> &'static Calendar {
        Calendar::official()
    }

    /// Dates near the end of the calendar (9999-12-30) are refused with a reason, never
    /// counted into a panic; so are events far ahead of a sane receipt.
    #[test]
    fn far_dates_are_refused_not_counted() {
        for received in [date(9999, 12, 30), date(1999, 12, 31)] {
            match deadline(cal(), received, &[]) {
                Err(ClockError::OutOfRange(m)) => assert!(m.contains("超出可处理的范围"), "{m}"),
                other => panic!("{received}: {other:?}"),
            }
        }
        let far = [ClockEvent::CorrectionRequested(date(9999, 12, 31))];
        assert!(matches!(
            deadline(cal(), date(2024, 9, 30), &far),
            Err(ClockError::OutOfRange(_))
        ));
        assert!(input_date("9999-12-31").unwrap_err().contains("2100"));
        assert!(input_date("2024-13-01").unwrap_err().contains("YYYY-MM-DD"));
        assert_eq!(input_date(" 2024-09-30 "), Ok(date(2024, 9, 30)));
        assert_eq!(crate::register::import::parse_date("9999/12/31"), None);
    }

    /// Received on Monday 30 September 2024, the working day before 国庆节 (1–7 October
    /// off, Saturday 12 October worked). Counting from 1 October:
    /// 10-08 (1), 10-09 (2), 10-10 (3), 10-11 (4), 10-12 Sat 调休 (5), 10-14…10-18 (6–10),
    /// 10-21…10-25 (11–15), 10-28…10-31 (16–19), 11-01 (20) → due Friday 1 November 2024.
    /// The 补正 notice would be due by 10-08 (1), … 10-12 (5), 10-14 (6), 10-15 (7).
    #[test]
    fn received_the_working_day_before_national_day() {
        let d = deadline(cal(), date(2024, 9, 30), &[]).unwrap();
        assert_eq!(d.due, Some(date(2024, 11, 1)));
        assert_eq!(d.correction_notice_due, date(2024, 10, 15));
        assert!(!d.uncovered);
        let why = d.explanation.join("\n");
        assert!(why.contains("10月1日至10月7日国庆节放假"), "{why}");
        assert!(why.contains("10月12日（星期六）调休上班"), "{why}");
    }

    /// Received Monday 20 January 2025. 补正 notice due 7 working days on: 01-21 (1),
    /// 01-22 (2), 01-23 (3), 01-24 (4), 01-26 Sun 调休 (5), 01-27 (6), [01-28…02-04 春节],
    /// 02-05 (7) → 5 February. Notice sent 22 January; the corrected request arrives Monday
    /// 10 February; 20 working days from 11 February: 02-11…02-14 (1–4), 02-17…02-21
    /// (5–9), 02-24…02-28 (10–14), 03-03…03-07 (15–19), 03-10 (20) → Monday 10 March 2025.
    #[test]
    fn a_correction_restarts_the_clock() {
        let waiting = deadline(
            cal(),
            date(2025, 1, 20),
            &[ClockEvent::CorrectionRequested(date(2025, 1, 22))],
        )
        .unwrap();
        assert_eq!(waiting.correction_notice_due, date(2025, 2, 5));
        assert_eq!(waiting.due, None);
        assert_eq!(waiting.waiting.as_deref(), Some("等待申请人补正"));
        let events = [
            ClockEvent::CorrectionRequested(date(2025, 1, 22)),
            ClockEvent::CorrectionReceived(date(2025, 2, 10)),
        ];
        let d = deadline(cal(), date(2025, 1, 20), &events).unwrap();
        assert_eq!(d.due, Some(date(2025, 3, 10)));
        assert!(d.warnings.is_empty());
        // A notice after the seventh working day is flagged.
        let late = [
            ClockEvent::CorrectionRequested(date(2025, 2, 6)),
            ClockEvent::CorrectionReceived(date(2025, 2, 10)),
        ];
        assert_eq!(
            deadline(cal(), date(2025, 1, 20), &late)
                .unwrap()
                .warnings
                .len(),
            1
        );
    }

    /// Received Wednesday 1 April 2026. Counting from 2 April: 04-02 (1), 04-03 (2),
    /// [04-04…04-06 清明], 04-07 (3), 04-08 (4). A third party is consulted on 8 April and
    /// answers on Monday 20 April: 04-09…04-20 are not counted. Then 04-21…04-24 (5–8),
    /// 04-27…04-30 (9–12), [05-01…05-05 劳动节], 05-06…05-08 (13–15), 05-09 Sat 调休 (16),
    /// 05-11…05-14 (17–20) → 14 May. An extension of 10 working days approved on 28 April:
    /// 05-15 (1), 05-18…05-22 (2–6), 05-25…05-28 (7–10) → Thursday 28 May 2026.
    /// The third party's reply was due 15 working days after 8 April: 04-09, 04-10,
    /// 04-13…04-17, 04-20…04-24, 04-27…04-29 → 29 April.
    #[test]
    fn a_pause_and_an_extension() {
        let events = [
            ClockEvent::ConsultationSent(date(2026, 4, 8)),
            ClockEvent::ConsultationAnswered(date(2026, 4, 20)),
            ClockEvent::Extended {
                on: date(2026, 4, 28),
                days: 10,
            },
        ];
        let d = deadline(cal(), date(2026, 4, 1), &events).unwrap();
        assert_eq!(d.reply_due, Some(date(2026, 4, 29)));
        assert_eq!(d.due, Some(date(2026, 5, 28)));
        assert!(d.warnings.is_empty(), "{:?}", d.warnings);
        // Without the extension: 14 May.
        let d = deadline(cal(), date(2026, 4, 1), &events[..2]).unwrap();
        assert_eq!(d.due, Some(date(2026, 5, 14)));
        // While the consultation is open, nothing is due.
        let d = deadline(cal(), date(2026, 4, 1), &events[..1]).unwrap();
        assert_eq!(d.due, None);
        assert!(d.waiting.unwrap().contains("征求意见中"));
    }

    #[test]
    fn impossible_events_are_refused() {
        let r = date(2024, 3, 1);
        assert!(matches!(
            deadline(
                cal(),
                r,
                &[ClockEvent::CorrectionReceived(date(2024, 3, 5))]
            ),
            Err(ClockError::OutOfOrder(_))
        ));
        assert!(matches!(
            deadline(cal(), r, &[ClockEvent::ConsultationSent(date(2024, 2, 1))]),
            Err(ClockError::OutOfOrder(_))
        ));
        let too_long = [
            ClockEvent::Extended {
                on: date(2024, 3, 20),
                days: 15,
            },
            ClockEvent::Extended {
                on: date(2024, 3, 21),
                days: 6,
            },
        ];
        assert_eq!(
            deadline(cal(), r, &too_long),
            Err(ClockError::ExtensionTooLong(21))
        );
    }

    #[test]
    fn outside_the_table_the_answer_says_so() {
        let d = deadline(cal(), date(2031, 3, 3), &[]).unwrap();
        assert!(d.uncovered);
        assert!(d.explanation.last().unwrap().contains("超出节假日表"));
        assert_eq!(
            d.due,
            Some(date(2031, 3, 31)),
            "Mon–Fri only: 20 working days after Monday 3 March"
        );
    }
}
