//! Working days (工作日) as the State Council sets them: Monday to Friday, except the
//! statutory holidays (法定节假日), plus the weekend days made working days by 调休.
//!
//! The schedule of each year comes from that year's 国务院办公厅关于部分节假日安排的通知;
//! `data/holidays.tsv` holds 2019 onward with each notice named. A calendar can also be
//! built from an edited table (an administrator correcting or adding a year). Outside the
//! years a table covers, days fall back to Monday–Friday and are marked as not covered,
//! so a deadline computed over them says so.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use jiff::civil::{Date, Weekday};

/// What the schedule says of one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayKind {
    /// A working day.
    pub working: bool,
    /// The holiday it belongs to (放假 or 调休上班), if any.
    pub holiday: Option<&'static str>,
    /// The day's year is covered by a notice in the table.
    pub covered: bool,
}

/// A working-day calendar.
#[derive(Debug, Clone)]
pub struct Calendar {
    /// Days that differ from the Mon–Fri rule, or fall inside a holiday: date → (working, holiday).
    days: BTreeMap<Date, (bool, &'static str)>,
    /// Years with a notice: year → the notice.
    notices: BTreeMap<i16, &'static str>,
}

/// Why a calendar table could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("节假日表第 {line} 行：{message}")]
pub struct CalendarError {
    /// 1-based line.
    pub line: usize,
    /// What is wrong, in Chinese.
    pub message: String,
}

impl Calendar {
    /// The project's table (`data/holidays.tsv`), 2019 onward.
    pub fn official() -> &'static Calendar {
        static CAL: OnceLock<Calendar> = OnceLock::new();
        CAL.get_or_init(|| {
            Calendar::from_tsv(Calendar::official_text())
                .expect("the shipped holiday table is valid")
        })
    }

    /// The project's table as text (the starting point of an edited one).
    pub fn official_text() -> &'static str {
        include_str!("../data/holidays.tsv")
    }

    /// Reads a table: `@YEAR<TAB>notice` lines name the years covered; each other line is
    /// `DATE<TAB>off|work<TAB>holiday[<TAB>…]`; `#` starts a comment. The text is leaked
    /// into `'static` (a calendar lives as long as the program; tables are a few KB).
    pub fn from_tsv(text: &str) -> Result<Calendar, CalendarError> {
        let text: &'static str = Box::leak(text.to_string().into_boxed_str());
        let mut days = BTreeMap::new();
        let mut notices = BTreeMap::new();
        for (i, line) in text.lines().enumerate() {
            let err = |message: String| CalendarError {
                line: i + 1,
                message,
            };
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let fields: Vec<&'static str> = line.split('\t').collect();
            if let Some(year) = fields[0].strip_prefix('@') {
                let year: i16 = year
                    .trim()
                    .parse()
                    .map_err(|_| err(format!("年度“{year}”不是数字")))?;
                notices.insert(year, fields.get(1).copied().unwrap_or("").trim());
                continue;
            }
            let [date, kind, name, ..] = fields[..] else {
                return Err(err("应为：日期、off 或 work、节日名称，以制表符分隔".into()));
            };
            let date: Date = date
                .trim()
                .parse()
                .map_err(|_| err(format!("日期“{date}”应写作 YYYY-MM-DD")))?;
            let working = match kind.trim() {
                "off" => false,
                "work" => true,
                other => return Err(err(format!("“{other}”应为 off（放假）或 work（调休上班）"))),
            };
            if working && !is_weekend(date) {
                return Err(err(format!("{date} 本来就是工作日，不能再标为调休上班")));
            }
            if days.insert(date, (working, name.trim())).is_some() {
                return Err(err(format!("{date} 出现了两次")));
            }
        }
        Ok(Calendar { days, notices })
    }

    /// What kind of day `date` is.
    pub fn day(&self, date: Date) -> DayKind {
        let covered = self.notices.contains_key(&date.year());
        match self.days.get(&date) {
            Some(&(working, name)) => DayKind {
                working,
                holiday: Some(name),
                covered,
            },
            None => DayKind {
                working: !is_weekend(date),
                holiday: None,
                covered,
            },
        }
    }

    /// The day on which the `n`-th working day after `start` falls (`start` itself not
    /// counted, as periods run from the next day).
    pub fn after_working_days(&self, start: Date, n: u32) -> Date {
        let mut d = start;
        let mut k = 0;
        while k < n {
            // The calendar's last day has no tomorrow: the count stops there (dates from
            // input are kept far below it, see `clock::in_range`).
            let Ok(next) = d.tomorrow() else { break };
            d = next;
            k += u32::from(self.is_working_day(d));
        }
        d
    }

    /// Working days after `from` through `to` (0 when `to` is not after `from`).
    pub fn working_days_between(&self, from: Date, to: Date) -> u32 {
        let mut d = from;
        let mut n = 0;
        while d < to {
            // `d < to` leaves a tomorrow; the guard only keeps this free of a panic path.
            let Ok(next) = d.tomorrow() else { break };
            d = next;
            n += u32::from(self.is_working_day(d));
        }
        n
    }

    /// True for a working day.
    pub fn is_working_day(&self, date: Date) -> bool {
        self.day(date).working
    }

    /// The notice a year's schedule comes from, if the table covers it.
    pub fn notice(&self, year: i16) -> Option<&'static str> {
        self.notices.get(&year).copied()
    }

    /// The years covered.
    pub fn years(&self) -> impl Iterator<Item = i16> + '_ {
        self.notices.keys().copied()
    }

    /// The days of the table in `from..=to` (every day of a holiday, and the 调休
    /// workdays): (date, working, holiday), for explanations.
    pub fn special_days(
        &self,
        from: Date,
        to: Date,
    ) -> impl Iterator<Item = (Date, bool, &'static str)> + '_ {
        self.days.range(from..=to).map(|(d, (w, n))| (*d, *w, *n))
    }
}

fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// 星期一 … 星期日.
pub fn weekday_name(d: Date) -> &'static str {
    match d.weekday() {
        Weekday::Monday => "星期一",
        Weekday::Tuesday => "星期二",
        Weekday::Wednesday => "星期三",
        Weekday::Thursday => "星期四",
        Weekday::Friday => "星期五",
        Weekday::Saturday => "星期六",
        Weekday::Sunday => "星期日",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn working_days_per_year_match_the_notices() {
        // Counts derived from the notices (template.md §5.2): 251, 248, 248.
        let cal = Calendar::official();
        for (year, expected) in [(2024, 251), (2025, 248), (2026, 248)] {
            let mut d = date(year, 1, 1);
            let mut n = 0;
            while d.year() == year {
                n += usize::from(cal.is_working_day(d));
                d = d.tomorrow().unwrap();
            }
            assert_eq!(n, expected, "{year}");
        }
    }

    #[test]
    fn holidays_and_makeup_days() {
        let cal = Calendar::official();
        assert!(!cal.is_working_day(date(2024, 10, 1)), "国庆节");
        assert!(
            cal.is_working_day(date(2024, 10, 12)),
            "a Saturday made a working day"
        );
        assert_eq!(cal.day(date(2024, 10, 12)).holiday, Some("国庆节"));
        assert!(
            !cal.is_working_day(date(2020, 1, 31)),
            "the 2020 春节 extension"
        );
        assert!(
            cal.is_working_day(date(2023, 6, 25)),
            "端午 2023: Sunday worked"
        );
        assert!(cal.day(date(2019, 3, 1)).covered);
        let outside = cal.day(date(2031, 3, 3));
        assert!(
            outside.working && !outside.covered,
            "outside the table: Mon–Fri, flagged"
        );
        assert!(cal.years().eq(2019..=2026));
    }

    #[test]
    fn an_edited_table_is_checked() {
        let ok = Calendar::from_tsv(
            "@2030\t测试通知\n2030-10-01\toff\t国庆节\n2030-09-29\twork\t国庆节\n",
        )
        .unwrap();
        assert!(!ok.is_working_day(date(2030, 10, 1)));
        assert!(ok.is_working_day(date(2030, 9, 29)));
        let e = Calendar::from_tsv("@2030\tx\n2030-10-02\twork\t国庆节\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.to_string().contains("本来就是工作日"));
        assert!(Calendar::from_tsv("2030-13-01\toff\tx\n").is_err());
        assert!(Calendar::from_tsv("2030-10-01\tholiday\tx\n").is_err());
    }
}
