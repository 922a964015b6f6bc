//! Timeliness of a year's work, beyond what the statute asks the report to show (as the
//! best FOI systems publish): how long answers took in working days, answers given after
//! the deadline, open requests already overdue, and the oldest open requests.

use jiff::civil::Date;

use super::Request;
use crate::calendar::Calendar;
use crate::clock::{deadline, ClockError, ClockEvent};

/// A request with what its clock needs, under the register's own name for it.
#[derive(Debug, Clone)]
pub struct Tracked {
    /// The register's name for it (编号).
    pub id: String,
    /// What the tables count.
    pub request: Request,
    /// Its clock events.
    pub events: Vec<ClockEvent>,
}

/// The bands of the processing-time distribution, in working days (upper bounds).
pub const BANDS: [(u32, &str); 6] = [
    (0, "当日"),
    (5, "1—5 个工作日"),
    (10, "6—10 个工作日"),
    (20, "11—20 个工作日"),
    (40, "21—40 个工作日"),
    (u32::MAX, "40 个工作日以上"),
];

/// The year's timeliness.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Timeliness {
    /// Answered within the year.
    pub answered: usize,
    /// Median working days from receipt to answer, of those.
    pub median_days: Option<u32>,
    /// Answers per band of [`BANDS`].
    pub bands: Vec<(&'static str, usize)>,
    /// Answered after the due date: (id, answered, due).
    pub late: Vec<(String, Date, Date)>,
    /// Open at `as_of`.
    pub open: usize,
    /// Open at `as_of` and past due: (id, due).
    pub overdue: Vec<(String, Date)>,
    /// The ten oldest open requests: (id, received, working days open).
    pub oldest_open: Vec<(String, Date, u32)>,
}

/// The timeliness of `year` (answers given in it), open requests counted at `as_of`
/// (the year's last day, or today while the year runs).
pub fn timeliness(
    cal: &Calendar,
    cases: &[Tracked],
    year: i16,
    as_of: Date,
) -> Result<Timeliness, (String, ClockError)> {
    let start = Date::new(year, 1, 1).expect("a valid year");
    let end = Date::new(year, 12, 31).expect("a valid year");
    let mut t = Timeliness {
        bands: BANDS.iter().map(|(_, l)| (*l, 0)).collect(),
        ..Default::default()
    };
    let mut times = Vec::new();
    let mut open = Vec::new();
    for c in cases {
        // A case stored with a date outside the work's years (before inputs were checked)
        // has no deadline to compare with; it does not take the whole summary down.
        let due = match deadline(cal, c.request.received, &c.events) {
            Ok(d) => d.due,
            Err(crate::clock::ClockError::OutOfRange(_)) => None,
            Err(e) => return Err((c.id.clone(), e)),
        };
        match c.request.answered {
            Some((a, _)) if a >= start && a <= end => {
                let days = cal.working_days_between(c.request.received, a);
                times.push(days);
                let band = BANDS
                    .iter()
                    .position(|(max, _)| days <= *max)
                    .unwrap_or(BANDS.len() - 1);
                t.bands[band].1 += 1;
                if let Some(d) = due.filter(|d| a > *d) {
                    t.late.push((c.id.clone(), a, d));
                }
            }
            Some((a, _)) if a <= as_of => {}
            _ if c.request.received <= as_of => {
                open.push((
                    c.id.clone(),
                    c.request.received,
                    cal.working_days_between(c.request.received, as_of),
                ));
                if let Some(d) = due.filter(|d| *d < as_of) {
                    t.overdue.push((c.id.clone(), d));
                }
            }
            _ => {}
        }
    }
    times.sort_unstable();
    t.answered = times.len();
    t.median_days = times.get(times.len() / 2).copied();
    t.open = open.len();
    open.sort_by_key(|(id, d, _)| (*d, id.clone()));
    t.oldest_open = open.into_iter().take(10).collect();
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::Applicant;
    use jiff::civil::date;

    fn case(id: &str, received: Date, answered: Option<Date>) -> Tracked {
        Tracked {
            id: id.into(),
            request: Request {
                applicant: Applicant::Natural,
                received,
                answered: answered.map(|d| (d, "granted")),
            },
            events: vec![],
        }
    }

    /// Received 2024-09-30, due 2024-11-01 (the clock tests' hand count): answered 11-04
    /// is late; answered the same day is 当日. Open since 2024-12-03: 20 working days
    /// (12-04…12-31), due 12-31 itself → not yet overdue at year end; open since
    /// 2024-10-08 → overdue.
    #[test]
    fn late_overdue_and_bands() {
        let cal = Calendar::official();
        let cases = [
            case("A", date(2024, 9, 30), Some(date(2024, 11, 4))),
            case("B", date(2024, 5, 6), Some(date(2024, 5, 6))),
            case("C", date(2024, 12, 3), None),
            case("D", date(2024, 10, 8), None),
            case("E", date(2023, 3, 1), Some(date(2023, 3, 5))),
        ];
        let t = timeliness(cal, &cases, 2024, date(2024, 12, 31)).unwrap();
        assert_eq!(t.answered, 2);
        assert_eq!(
            t.late,
            vec![("A".to_string(), date(2024, 11, 4), date(2024, 11, 1))]
        );
        assert_eq!(t.bands[0], ("当日", 1));
        assert_eq!(t.bands[4], ("21—40 个工作日", 1), "A took 24 working days");
        assert_eq!(t.open, 2);
        assert_eq!(t.overdue.len(), 1);
        assert_eq!(t.overdue[0].0, "D");
        assert_eq!(t.oldest_open[0].0, "D");
        assert_eq!(t.oldest_open[1], ("C".to_string(), date(2024, 12, 3), 20));
    }
}
