//! The request register (依申请公开登记) of the agency workbench: cases, their clock
//! events, and their closing with exactly one statutory outcome. Every read and write
//! goes through the user: staff reach only their agencies' cases, a supervisor reads
//! (never writes) the cases of agencies placed under their region, an administrator
//! reaches all. Every change is written to the audit log in the same transaction.

use jiff::civil::Date;
use nianbao_core::calendar::Calendar;
use nianbao_core::clock::{deadline, ClockEvent, Deadline};
use nianbao_core::register::{outcome_by_name, Applicant, Request};

use crate::accounts::{Role, User};
use crate::db::{on_pool, Store};
use crate::{now, Error, Result};

/// One case as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// Id.
    pub id: i64,
    /// The agency it was made to.
    pub agency: String,
    /// Who asked.
    pub applicant: Applicant,
    /// 当面 / 信函 / 网络 / 传真 / 电子邮件 / 其他.
    pub channel: String,
    /// The receipt date (art. 31).
    pub received: Date,
    /// What was asked.
    pub request: String,
    /// When answered, with the outcome key; `None` while open.
    pub answered: Option<(Date, &'static str)>,
    /// Its clock events.
    pub events: Vec<ClockEvent>,
}

impl Case {
    /// Its deadline on `calendar`.
    pub fn deadline(&self, calendar: &Calendar) -> std::result::Result<Deadline, nianbao_core::clock::ClockError> {
        deadline(calendar, self.received, &self.events)
    }

    /// As the tables count it.
    pub fn request(&self) -> Request {
        Request { applicant: self.applicant, received: self.received, answered: self.answered }
    }
}

pub use nianbao_core::register::CHANNELS;

fn may_write(user: &User, agency: &str) -> Result<()> {
    match user.role {
        Role::Admin => Ok(()),
        Role::Staff if user.agencies.iter().any(|a| a == agency) => Ok(()),
        Role::Staff => Err(Error::Forbidden(format!("您不是“{agency}”的工作人员"))),
        Role::Supervisor => Err(Error::Forbidden("监督者只能查看，不能修改".into())),
    }
}

/// Whether `user` may read the register of `agency`.
pub fn may_read(user: &User, agency: &str) -> bool {
    match user.role {
        Role::Admin => true,
        Role::Staff => user.agencies.iter().any(|a| a == agency),
        Role::Supervisor => {
            let placed = nianbao_core::place::place(&nianbao_core::place::Clues { agency, ..Default::default() });
            match (&user.region_code, placed.division) {
                (Some(r), Some(d)) => d.code.starts_with(r.as_str()),
                _ => false,
            }
        }
    }
}

fn event_of(kind: &str, d: Date, days: Option<i64>) -> Option<ClockEvent> {
    ClockEvent::from_kind(kind, d, days.and_then(|n| u32::try_from(n).ok()))
}

fn date(s: &str) -> Result<Date> {
    s.parse().map_err(|_| Error::Engine(format!("登记表中的日期“{s}”无效")))
}

type CaseRow = (i64, String, String, String, String, String, Option<String>, Option<String>);

impl Store {
    /// Registers a request; returns its id.
    pub async fn create_case(&self, user: &User, agency: &str, applicant: Applicant, channel: &str, received: Date, request: &str) -> Result<i64> {
        may_write(user, agency)?;
        if !CHANNELS.contains(&channel) {
            return Err(Error::Question(format!("申请渠道应为 {}", CHANNELS.join("、"))));
        }
        let at = now();
        Ok(on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO cases (agency, applicant, channel, received, request, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(agency).bind(applicant.key()).bind(channel).bind(received.to_string()).bind(request).bind(user.id).bind(&at)
            .fetch_one(&mut *tx).await?;
            sqlx::query("INSERT INTO audit_log (at, user_id, action, subject, detail) VALUES ($1, $2, 'create_case', $3, $4)")
                .bind(&at).bind(user.id).bind(format!("case:{id}")).bind(format!("{agency}；{}；{channel}；收到 {received}", applicant.key()))
                .execute(&mut *tx).await?;
            tx.commit().await?;
            id
        }))
    }

    /// Records a clock event of a case (补正, consultation, extension); refuses one that
    /// makes the clock impossible.
    pub async fn add_case_event(&self, user: &User, id: i64, event: ClockEvent) -> Result<()> {
        let mut case = self.case(user, id).await?;
        may_write(user, &case.agency)?;
        if case.answered.is_some() {
            return Err(Error::Question("已结案的申请不能再记录期限事件".into()));
        }
        case.events.push(event);
        case.deadline(Calendar::official()).map_err(|e| Error::Question(e.to_string()))?;
        let (kind, d) = (event.kind(), event.date());
        let days = match event {
            ClockEvent::Extended { days, .. } => Some(i64::from(days)),
            _ => None,
        };
        let at = now();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query("INSERT INTO case_events (case_id, kind, on_date, days, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(id).bind(kind).bind(d.to_string()).bind(days).bind(user.id).bind(&at).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO audit_log (at, user_id, action, subject, detail) VALUES ($1, $2, 'case_event', $3, $4)")
                .bind(&at).bind(user.id).bind(format!("case:{id}")).bind(format!("{kind} {d}{}", days.map_or(String::new(), |n| format!(" {n} 个工作日"))))
                .execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Closes a case with exactly one statutory outcome (a name `outcome_by_name` takes).
    pub async fn close_case(&self, user: &User, id: i64, answered: Date, outcome: &str) -> Result<()> {
        let case = self.case(user, id).await?;
        may_write(user, &case.agency)?;
        if case.answered.is_some() {
            return Err(Error::Question("这件申请已经结案".into()));
        }
        if answered < case.received {
            return Err(Error::Question("答复日期早于收到日期".into()));
        }
        let key = outcome_by_name(outcome).map_err(Error::Question)?;
        let at = now();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query("UPDATE cases SET answered = $1, outcome = $2 WHERE id = $3").bind(answered.to_string()).bind(key).bind(id).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO audit_log (at, user_id, action, subject, detail) VALUES ($1, $2, 'close_case', $3, $4)")
                .bind(&at).bind(user.id).bind(format!("case:{id}")).bind(format!("{answered} {key}"))
                .execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    fn case_of(row: CaseRow, events: Vec<ClockEvent>) -> Result<Case> {
        let (id, agency, applicant, channel, received, request, answered, outcome) = row;
        let applicant = Applicant::by_name(&applicant).map_err(Error::Engine)?;
        let answered = match (answered, outcome) {
            (Some(a), Some(o)) => Some((date(&a)?, outcome_by_name(&o).map_err(Error::Engine)?)),
            _ => None,
        };
        Ok(Case { id, agency, applicant, channel, received: date(&received)?, request, answered, events })
    }

    /// One case, if the user may read it (otherwise `Forbidden`, the same as not found to
    /// the user: no one learns what another agency's cases are).
    pub async fn case(&self, user: &User, id: i64) -> Result<Case> {
        let row: Option<CaseRow> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, agency, applicant, channel, received, request, answered, outcome FROM cases WHERE id = $1")
                .bind(id).fetch_optional(pool).await?
        });
        let Some(row) = row.filter(|r| may_read(user, &r.1)) else {
            return Err(Error::Forbidden(format!("没有编号为 {id} 的申请，或您无权查看")));
        };
        let events: Vec<(String, String, Option<i64>)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT kind, on_date, days FROM case_events WHERE case_id = $1 ORDER BY id").bind(id).fetch_all(pool).await?
        });
        let events = events.iter().filter_map(|(k, d, n)| event_of(k, d.parse().ok()?, *n)).collect();
        Store::case_of(row, events)
    }

    /// The register of one agency as table rows of `year` (tables 三 and 四; table 四 is
    /// zero until review cases are kept), or `Forbidden`.
    pub async fn annual_tables(&self, user: &User, agency: &str, year: i16) -> Result<Vec<(nianbao_core::template::CellId, nianbao_core::number::Number)>> {
        if !may_read(user, agency) {
            return Err(Error::Forbidden(format!("您无权查看“{agency}”的登记")));
        }
        let requests: Vec<Request> = self.cases(user, false).await?.iter().filter(|c| c.agency == agency).map(Case::request).collect();
        let mut values = nianbao_core::register::table3(&requests, year).map_err(|e| Error::Engine(e.to_string()))?;
        values.extend(nianbao_core::register::table4(&[], year).map_err(|e| Error::Engine(e.to_string()))?);
        Ok(values)
    }

    /// The cases the user may read, open ones only with `open_only`, oldest first.
    pub async fn cases(&self, user: &User, open_only: bool) -> Result<Vec<Case>> {
        let sql = if open_only {
            "SELECT id, agency, applicant, channel, received, request, answered, outcome FROM cases WHERE answered IS NULL ORDER BY received, id"
        } else {
            "SELECT id, agency, applicant, channel, received, request, answered, outcome FROM cases ORDER BY received, id"
        };
        let rows: Vec<CaseRow> = on_pool!(self, pool => sqlx::query_as(sql).fetch_all(pool).await?);
        let rows: Vec<CaseRow> = rows.into_iter().filter(|r| may_read(user, &r.1)).collect();
        let ids: Vec<String> = rows.iter().map(|r| r.0.to_string()).collect();
        let mut events: std::collections::HashMap<i64, Vec<ClockEvent>> = Default::default();
        if !ids.is_empty() {
            let sql = format!("SELECT case_id, kind, on_date, days FROM case_events WHERE case_id IN ({}) ORDER BY id", ids.join(","));
            let found: Vec<(i64, String, String, Option<i64>)> = on_pool!(self, pool => sqlx::query_as(crate::db::built(sql)).fetch_all(pool).await?);
            for (cid, k, d, n) in found {
                if let Some(e) = d.parse().ok().and_then(|d| event_of(&k, d, n)) {
                    events.entry(cid).or_default().push(e);
                }
            }
        }
        rows.into_iter().map(|r| {
            let ev = events.remove(&r.0).unwrap_or_default();
            Store::case_of(r, ev)
        }).collect()
    }
}
