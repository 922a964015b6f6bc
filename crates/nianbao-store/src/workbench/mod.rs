//! The rest of the agency workbench's record, beside the register of requests
//! ([`crate::cases`]): fee notices, cases lapsing into 其他处理, reconsiderations and suits
//! (table 四), table 二's figures, the report's narrative, the holiday calendar in force,
//! and the year's report composed from all of it and published into the corpus.
//!
//! Access is the register's: staff write their agencies, supervisors read under their
//! region, administrators do everything (and alone edit the calendar and the users).
//! Every change is audited in the same transaction.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use jiff::civil::Date;
use nianbao_core::calendar::Calendar;
use nianbao_core::compose::{default_sections, fee_statement, t2_entries, Composed};
use nianbao_core::number::Number;
use nianbao_core::register::import::{review_kind, review_result};
use nianbao_core::register::lapse::Lapse;
use nianbao_core::register::timeliness::{timeliness, Timeliness, Tracked};
use nianbao_core::register::{table3, table4, Request, ReviewCase, ReviewKind, ReviewResult};
use nianbao_core::template::CellId;

use crate::accounts::{Role, User};
use crate::cases::{date, may_read, may_write, Case};
use crate::db::{on_pool, Store};
use crate::{now, Error, Result};

mod annual;
mod reviews;

pub use annual::Annual;
pub use reviews::Review;

/// 按件 or 按量 (国办函〔2020〕109号 arts. 4–5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeeMethod {
    /// 按件计收: per request, counted per applicant per natural month.
    PerItem,
    /// 按量计收: per page.
    PerPage,
}

impl FeeMethod {
    /// As stored and shown: `按件` / `按量`.
    pub fn as_str(self) -> &'static str {
        match self {
            FeeMethod::PerItem => "按件",
            FeeMethod::PerPage => "按量",
        }
    }
}

fn admin_only(user: &User) -> Result<()> {
    if user.role == Role::Admin {
        Ok(())
    } else {
        Err(Error::Forbidden("只有管理员可以这样做".into()))
    }
}

/// Calendars read from the settings, by their text: each distinct table is parsed (and
/// kept) once, so a calendar costs nothing per request.
static CALENDARS: Mutex<Option<HashMap<String, &'static Calendar>>> = Mutex::new(None);

fn calendar_of(
    text: &str,
) -> std::result::Result<&'static Calendar, nianbao_core::calendar::CalendarError> {
    let mut cache = CALENDARS.lock().unwrap_or_else(|e| e.into_inner());
    let cache = cache.get_or_insert_with(HashMap::new);
    if let Some(c) = cache.get(text) {
        return Ok(c);
    }
    let cal: &'static Calendar = Box::leak(Box::new(Calendar::from_tsv(text)?));
    cache.insert(text.to_string(), cal);
    Ok(cal)
}

impl Store {
    /// The administrator's holiday table, if edited.
    async fn edited_calendar(&self) -> Result<Option<String>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT value FROM settings WHERE key = 'calendar'").fetch_optional(pool).await?
        }))
    }

    /// The holiday calendar in force: the administrator's edited table, else the project's.
    pub async fn calendar(&self) -> Result<&'static Calendar> {
        let text = self.edited_calendar().await?;
        match text {
            Some(t) => calendar_of(&t).map_err(|e| {
                Error::Engine(format!("保存的节假日表第 {} 行：{}", e.line, e.message))
            }),
            None => Ok(Calendar::official()),
        }
    }

    /// The calendar's table as text (the edited one, or the project's).
    pub async fn calendar_text(&self) -> Result<(String, bool)> {
        let text = self.edited_calendar().await?;
        Ok(match text {
            Some(t) => (t, true),
            None => (Calendar::official_text().to_string(), false),
        })
    }

    /// Replaces the calendar (administrator only), after checking every line; returns
    /// the open cases whose due date changed: (case, before, after).
    pub async fn set_calendar(
        &self,
        user: &User,
        text: &str,
    ) -> Result<Vec<(i64, Option<Date>, Option<Date>)>> {
        admin_only(user)?;
        let new = calendar_of(text)
            .map_err(|e| Error::Question(format!("节假日表第 {} 行：{}", e.line, e.message)))?;
        let old = self.calendar().await?;
        let mut changed = Vec::new();
        for c in self.cases(user, true).await? {
            let before = c.deadline(old).ok().and_then(|d| d.due);
            let after = c.deadline(new).ok().and_then(|d| d.due);
            if before != after {
                changed.push((c.id, before, after));
            }
        }
        let at = now();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query("INSERT INTO settings (key, value, updated_by, updated_at) VALUES ('calendar', $1, $2, $3) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by, updated_at = excluded.updated_at")
                .bind(text).bind(user.id).bind(&at).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO audit_log (at, user_id, action, subject, detail) VALUES ($1, $2, 'set_calendar', 'calendar', $3)")
                .bind(&at).bind(user.id).bind(format!("{} 件未结申请的期限随之改变", changed.len()))
                .execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(changed)
    }

    /// Records the fee notice of a case: computed by 国办函〔2020〕109号 — 按件 counts the
    /// applicant's earlier requests to the agency in the same natural month (same name),
    /// 按量 the pages. Returns the amount and how it was computed.
    pub async fn record_fee(
        &self,
        user: &User,
        id: i64,
        method: FeeMethod,
        units: u32,
        noticed: Date,
    ) -> Result<(u64, String)> {
        let case = self.case(user, id).await?;
        may_write(user, &case.agency)?;
        if case.answered.is_some() {
            return Err(Error::Question("已结案的申请不能再发收费通知".into()));
        }
        if case.fee.is_some() {
            return Err(Error::Question("这件申请已经发过收费通知".into()));
        }
        if noticed < case.received {
            return Err(Error::Question("收费通知日期早于收到日期".into()));
        }
        if units == 0 {
            return Err(Error::Question("件数或页数应至少为 1".into()));
        }
        let fee = match method {
            FeeMethod::PerItem => {
                let earlier = if case.applicant_name.is_empty() {
                    0
                } else {
                    self.agency_cases(user, &case.agency)
                        .await?
                        .iter()
                        .filter(|c| c.applicant_name == case.applicant_name && c.id != case.id)
                        .filter(|c| {
                            (c.received.year(), c.received.month())
                                == (case.received.year(), case.received.month())
                        })
                        .filter(|c| (c.received, c.id) < (case.received, case.id))
                        .count()
                };
                let mut fee =
                    nianbao_core::fees::per_item(u32::try_from(earlier).unwrap_or(u32::MAX), units);
                fee.explanation =
                    format!("同一申请人本月此前已申请 {earlier} 件；{}", fee.explanation);
                fee
            }
            FeeMethod::PerPage => nianbao_core::fees::per_page(units),
        };
        if fee.yuan == 0 {
            return Err(Error::Question(format!(
                "按规定这件申请不收费（{}），无需发收费通知",
                fee.explanation
            )));
        }
        let at = now();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query("INSERT INTO case_fees (case_id, method, units, yuan, explanation, noticed, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                .bind(id).bind(method.as_str()).bind(i64::from(units)).bind(i64::try_from(fee.yuan).unwrap_or(i64::MAX)).bind(&fee.explanation)
                .bind(noticed.to_string()).bind(user.id).bind(&at).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO audit_log (at, user_id, action, subject, detail) VALUES ($1, $2, 'fee_notice', $3, $4)")
                .bind(&at).bind(user.id).bind(format!("case:{id}")).bind(format!("{noticed} {} {units} → {} 元", method.as_str(), fee.yuan))
                .execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok((fee.yuan, fee.explanation))
    }

    /// Records that a case's fee was paid.
    pub async fn fee_paid(&self, user: &User, id: i64, on: Date) -> Result<()> {
        let case = self.case(user, id).await?;
        may_write(user, &case.agency)?;
        let Some((fee, _)) = case.fee else {
            return Err(Error::Question("这件申请没有收费通知".into()));
        };
        if fee.paid.is_some() {
            return Err(Error::Question("这笔费用已经登记为已缴".into()));
        }
        if on < fee.noticed {
            return Err(Error::Question("缴费日期早于收费通知日期".into()));
        }
        let at = now();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query("UPDATE case_fees SET paid = $1 WHERE case_id = $2").bind(on.to_string()).bind(id).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO audit_log (at, user_id, action, subject, detail) VALUES ($1, $2, 'fee_paid', $3, $4)")
                .bind(&at).bind(user.id).bind(format!("case:{id}")).bind(on.to_string())
                .execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Closes, into the matching 其他处理 row, every open case the user may write that has
    /// lapsed by `today` (an unanswered 补正, an unpaid fee); each closing audited with
    /// its reason. Returns what was closed.
    pub async fn sweep_lapsed(&self, user: &User, today: Date) -> Result<Vec<(i64, Lapse)>> {
        if user.role == Role::Supervisor {
            return Ok(Vec::new());
        }
        let cal = self.calendar().await?;
        let mut closed = Vec::new();
        for case in self.cases(user, true).await? {
            let Some(l) = case.lapse(cal, today) else {
                continue;
            };
            if may_write(user, &case.agency).is_err() {
                continue;
            }
            let at = now();
            let done = on_pool!(self, pool => {
                let mut tx = pool.begin().await?;
                let n = sqlx::query("UPDATE cases SET answered = $1, outcome = $2 WHERE id = $3 AND answered IS NULL")
                    .bind(l.on.to_string()).bind(l.outcome).bind(case.id).execute(&mut *tx).await?.rows_affected();
                if n == 1 {
                    sqlx::query("INSERT INTO audit_log (at, user_id, action, subject, detail) VALUES ($1, $2, 'auto_close', $3, $4)")
                        .bind(&at).bind(user.id).bind(format!("case:{}", case.id)).bind(format!("{} {}：{}", l.on, l.outcome, l.reason))
                        .execute(&mut *tx).await?;
                }
                tx.commit().await?;
                n == 1
            });
            if done {
                closed.push((case.id, l));
            }
        }
        Ok(closed)
    }

    /// Imports a register's rows (already validated by
    /// [`nianbao_core::register::import::requests`]) as cases of `agency`, with their clock
    /// events and closings, in one transaction: all rows or none. Returns the count.
    pub async fn import_requests(
        &self,
        user: &User,
        agency: &str,
        rows: &[nianbao_core::register::import::ImportedRequest],
    ) -> Result<usize> {
        may_write(user, agency)?;
        let cal = self.calendar().await?;
        for r in rows {
            nianbao_core::clock::deadline(cal, r.request.received, &r.events)
                .map_err(|e| Error::Question(format!("第 {} 行（{}）：{e}", r.line, r.id)))?;
        }
        let at = now();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            for r in rows {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO cases (agency, applicant, channel, received, request, created_by, created_at, applicant_name, contact, answered, outcome) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                )
                .bind(agency).bind(r.request.applicant.key()).bind(&r.channel).bind(r.request.received.to_string())
                .bind(if r.text.is_empty() { format!("导入：{}", r.id) } else { r.text.clone() })
                .bind(user.id).bind(&at).bind(&r.applicant_name).bind(&r.contact)
                .bind(r.request.answered.map(|(d, _)| d.to_string())).bind(r.request.answered.map(|(_, o)| o))
                .fetch_one(&mut *tx).await?;
                for e in &r.events {
                    let days = match e { nianbao_core::clock::ClockEvent::Extended { days, .. } => Some(i64::from(*days)), _ => None };
                    sqlx::query("INSERT INTO case_events (case_id, kind, on_date, days, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
                        .bind(id).bind(e.kind()).bind(e.date().to_string()).bind(days).bind(user.id).bind(&at).execute(&mut *tx).await?;
                }
            }
            sqlx::query("INSERT INTO audit_log (at, user_id, action, subject, detail) VALUES ($1, $2, 'import_requests', $3, $4)")
                .bind(&at).bind(user.id).bind(format!("register:{agency}")).bind(format!("导入 {} 件", rows.len()))
                .execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(rows.len())
    }

    /// Every user, for the administrator: (id, name, role, agencies, region code).
    pub async fn users(
        &self,
        user: &User,
    ) -> Result<Vec<(i64, String, Role, Vec<String>, Option<String>)>> {
        admin_only(user)?;
        let rows: Vec<(i64, String, String, Option<String>)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, name, role, region_code FROM users ORDER BY id").fetch_all(pool).await?
        });
        let links: Vec<(i64, String)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT user_id, agency FROM user_agencies ORDER BY agency").fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, name, role, region)| {
                let agencies = links
                    .iter()
                    .filter(|(u, _)| *u == id)
                    .map(|(_, a)| a.clone())
                    .collect();
                (
                    id,
                    name,
                    Role::from_name(&role).unwrap_or(Role::Staff),
                    agencies,
                    region,
                )
            })
            .collect())
    }
}
