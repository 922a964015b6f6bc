//! The request register (依申请公开登记) of the agency workbench: cases, their clock
//! events, and their closing with exactly one statutory outcome. Every read and write
//! goes through the user: staff reach only their agencies' cases, a supervisor reads
//! (never writes) the cases of agencies placed under their region, an administrator
//! reaches all. Every change is written to the audit log in the same transaction.

use jiff::civil::Date;
use nianbao_core::calendar::Calendar;
use nianbao_core::clock::{deadline, ClockEvent, Deadline};
use nianbao_core::register::lapse::{lapse, FeeNotice, Lapse};
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
    /// Who asked: the applicant type (table 三's column).
    pub applicant: Applicant,
    /// The applicant's name (姓名或者名称, art. 29), as registered.
    pub applicant_name: String,
    /// The applicant's contact details (联系方式).
    pub contact: String,
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
    /// The period (working days) the last 补正 notice gave, if recorded.
    pub correction_period: Option<u32>,
    /// Its fee notice, if one was sent, with how the amount was computed.
    pub fee: Option<(FeeNotice, String)>,
}

/// A request to register.
#[derive(Debug, Clone)]
pub struct NewCase<'a> {
    /// The agency it was made to.
    pub agency: &'a str,
    /// The applicant type.
    pub applicant: Applicant,
    /// The applicant's name.
    pub applicant_name: &'a str,
    /// Contact details.
    pub contact: &'a str,
    /// One of [`CHANNELS`].
    pub channel: &'a str,
    /// The receipt date (art. 31).
    pub received: Date,
    /// What was asked.
    pub request: &'a str,
}

impl Case {
    /// Whether it has lapsed into 其他处理 by `today` (an unanswered 补正, an unpaid fee).
    pub fn lapse(&self, calendar: &Calendar, today: Date) -> Option<Lapse> {
        if self.answered.is_some() {
            return None;
        }
        lapse(
            calendar,
            &self.events,
            self.correction_period,
            self.fee.as_ref().map(|(f, _)| f),
            today,
        )
    }

    /// Its deadline on `calendar`.
    pub fn deadline(
        &self,
        calendar: &Calendar,
    ) -> std::result::Result<Deadline, nianbao_core::clock::ClockError> {
        deadline(calendar, self.received, &self.events)
    }

    /// As the tables count it.
    pub fn request(&self) -> Request {
        Request {
            applicant: self.applicant,
            received: self.received,
            answered: self.answered,
        }
    }
}

pub use nianbao_core::register::CHANNELS;

/// Whether `user` may change the register of `agency` (else why not).
pub(crate) fn may_write(user: &User, agency: &str) -> Result<()> {
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
            let placed = nianbao_core::place::place(&nianbao_core::place::Clues {
                agency,
                ..Default::default()
            });
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

/// A stored ISO date.
pub(crate) fn date(s: &str) -> Result<Date> {
    s.parse()
        .map_err(|_| Error::Engine(format!("记录中的日期“{s}”无效")))
}

type CaseRow = (
    i64,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    String,
);

const CASE_COLUMNS: &str =
    "id, agency, applicant, channel, received, request, answered, outcome, applicant_name, contact";

/// Events, 补正 periods and fees of some cases.
#[derive(Default)]
struct CaseDetails {
    events: std::collections::HashMap<i64, Vec<ClockEvent>>,
    periods: std::collections::HashMap<i64, u32>,
    fees: std::collections::HashMap<i64, (FeeNotice, String)>,
}

impl Store {
    /// Registers a request; returns its id.
    pub async fn create_case(&self, user: &User, new: &NewCase<'_>) -> Result<i64> {
        let NewCase {
            agency,
            applicant,
            applicant_name,
            contact,
            channel,
            received,
            request,
        } = *new;
        may_write(user, agency)?;
        if !CHANNELS.contains(&channel) {
            return Err(Error::Question(format!(
                "申请渠道应为 {}",
                CHANNELS.join("、")
            )));
        }
        let at = now();
        Ok(on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO cases (agency, applicant, channel, received, request, created_by, created_at, applicant_name, contact) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            )
            .bind(agency).bind(applicant.key()).bind(channel).bind(received.to_string()).bind(request).bind(user.id).bind(&at).bind(applicant_name.trim()).bind(contact.trim())
            .fetch_one(&mut *tx).await?;
            sqlx::query("INSERT INTO audit_log (at, user_id, action, subject, detail) VALUES ($1, $2, 'create_case', $3, $4)")
                .bind(&at).bind(user.id).bind(format!("case:{id}")).bind(format!("{agency}；{}；{channel}；收到 {received}", applicant.key()))
                .execute(&mut *tx).await?;
            tx.commit().await?;
            id
        }))
    }

    /// Records a clock event of a case (补正, consultation, extension); refuses one that
    /// makes the clock impossible. A 补正 notice carries the period it gave the applicant
    /// (working days), after which the case lapses into 其他处理.
    pub async fn add_case_event(
        &self,
        user: &User,
        id: i64,
        event: ClockEvent,
        correction_period: Option<u32>,
    ) -> Result<()> {
        let mut case = self.case(user, id).await?;
        may_write(user, &case.agency)?;
        if case.answered.is_some() {
            return Err(Error::Question("已结案的申请不能再记录期限事件".into()));
        }
        case.events.push(event);
        case.deadline(self.calendar().await?)
            .map_err(|e| Error::Question(e.to_string()))?;
        let (kind, d) = (event.kind(), event.date());
        let days = match event {
            ClockEvent::Extended { days, .. } => Some(i64::from(days)),
            ClockEvent::CorrectionRequested(_) => match correction_period {
                Some(n) if (1..=60).contains(&n) => Some(i64::from(n)),
                Some(_) => return Err(Error::Question("补正期限应为 1–60 个工作日".into())),
                None => None,
            },
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
    pub async fn close_case(
        &self,
        user: &User,
        id: i64,
        answered: Date,
        outcome: &str,
    ) -> Result<()> {
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

    fn case_of(row: CaseRow, details: &mut CaseDetails) -> Result<Case> {
        let (
            id,
            agency,
            applicant,
            channel,
            received,
            request,
            answered,
            outcome,
            applicant_name,
            contact,
        ) = row;
        let applicant = Applicant::by_name(&applicant).map_err(Error::Engine)?;
        let answered = match (answered, outcome) {
            (Some(a), Some(o)) => Some((date(&a)?, outcome_by_name(&o).map_err(Error::Engine)?)),
            _ => None,
        };
        Ok(Case {
            id,
            agency,
            applicant,
            applicant_name,
            contact,
            channel,
            received: date(&received)?,
            request,
            answered,
            events: details.events.remove(&id).unwrap_or_default(),
            correction_period: details.periods.remove(&id),
            fee: details.fees.remove(&id),
        })
    }

    /// The events, 补正 periods and fees of the cases `ids`.
    async fn case_details(&self, ids: &[i64]) -> Result<CaseDetails> {
        let mut out = CaseDetails::default();
        if ids.is_empty() {
            return Ok(out);
        }
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let sql = format!("SELECT case_id, kind, on_date, days FROM case_events WHERE case_id IN ({list}) ORDER BY id");
        let found: Vec<(i64, String, String, Option<i64>)> =
            on_pool!(self, pool => sqlx::query_as(crate::db::built(sql)).fetch_all(pool).await?);
        for (cid, k, d, n) in found {
            if let Some(e) = d.parse().ok().and_then(|d| event_of(&k, d, n)) {
                if matches!(e, ClockEvent::CorrectionRequested(_)) {
                    match n.and_then(|n| u32::try_from(n).ok()) {
                        Some(n) => out.periods.insert(cid, n),
                        None => out.periods.remove(&cid),
                    };
                }
                out.events.entry(cid).or_default().push(e);
            }
        }
        let sql = format!("SELECT case_id, yuan, explanation, noticed, paid FROM case_fees WHERE case_id IN ({list})");
        let fees: Vec<(i64, i64, String, String, Option<String>)> =
            on_pool!(self, pool => sqlx::query_as(crate::db::built(sql)).fetch_all(pool).await?);
        for (cid, yuan, explanation, noticed, paid) in fees {
            let paid = match paid {
                Some(p) => Some(date(&p)?),
                None => None,
            };
            out.fees.insert(
                cid,
                (
                    FeeNotice {
                        noticed: date(&noticed)?,
                        yuan: u64::try_from(yuan).unwrap_or(0),
                        paid,
                    },
                    explanation,
                ),
            );
        }
        Ok(out)
    }

    /// One case, if the user may read it (otherwise `Forbidden`, the same as not found to
    /// the user: no one learns what another agency's cases are).
    pub async fn case(&self, user: &User, id: i64) -> Result<Case> {
        let sql = format!("SELECT {CASE_COLUMNS} FROM cases WHERE id = $1");
        let row: Option<CaseRow> = on_pool!(self, pool => {
            sqlx::query_as(crate::db::built(sql)).bind(id).fetch_optional(pool).await?
        });
        let Some(row) = row.filter(|r| may_read(user, &r.1)) else {
            return Err(Error::NotFound(format!(
                "没有编号为 {id} 的申请，或您无权查看"
            )));
        };
        let mut details = self.case_details(&[id]).await?;
        Store::case_of(row, &mut details)
    }

    /// The cases the user may read, open ones only with `open_only`, oldest first.
    pub async fn cases(&self, user: &User, open_only: bool) -> Result<Vec<Case>> {
        self.cases_where(user, open_only, None).await
    }

    /// All cases of one agency the user may read, oldest first.
    pub async fn agency_cases(&self, user: &User, agency: &str) -> Result<Vec<Case>> {
        self.cases_where(user, false, Some(agency)).await
    }

    async fn cases_where(
        &self,
        user: &User,
        open_only: bool,
        agency: Option<&str>,
    ) -> Result<Vec<Case>> {
        let filter = match (open_only, agency.is_some()) {
            (true, true) => "WHERE answered IS NULL AND agency = $1 ",
            (true, false) => "WHERE answered IS NULL ",
            (false, true) => "WHERE agency = $1 ",
            (false, false) => "",
        };
        let sql = format!("SELECT {CASE_COLUMNS} FROM cases {filter}ORDER BY received, id");
        let rows: Vec<CaseRow> = on_pool!(self, pool => {
            let q = sqlx::query_as(crate::db::built(sql));
            match agency {
                Some(a) => q.bind(a).fetch_all(pool).await?,
                None => q.fetch_all(pool).await?,
            }
        });
        let rows: Vec<CaseRow> = rows.into_iter().filter(|r| may_read(user, &r.1)).collect();
        let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
        let mut details = self.case_details(&ids).await?;
        rows.into_iter()
            .map(|r| Store::case_of(r, &mut details))
            .collect()
    }
}
