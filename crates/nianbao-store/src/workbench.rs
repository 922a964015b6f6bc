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

/// A 行政复议 or 行政诉讼 as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    /// Id.
    pub id: i64,
    /// The agency it concerns.
    pub agency: String,
    /// The request it arose from, if linked.
    pub case_id: Option<i64>,
    /// Its group and dates, as table 四 counts it.
    pub case: ReviewCase,
    /// A note (case number, court).
    pub note: String,
}

/// Which review cases to read.
#[derive(Clone, Copy)]
enum ReviewFilter<'a> {
    All,
    Agency(&'a str),
    Id(i64),
}

/// A year's report from the record, with its timeliness.
#[derive(Debug, Clone)]
pub struct Annual {
    /// The report.
    pub composed: Composed,
    /// Whether the narrative was saved (or is the starting text).
    pub edited: bool,
    /// Timeliness of the year.
    pub timeliness: Timeliness,
}

fn admin_only(user: &User) -> Result<()> {
    if user.role == Role::Admin {
        Ok(())
    } else {
        Err(Error::Forbidden("只有管理员可以这样做".into()))
    }
}

fn kind_key(k: ReviewKind) -> &'static str {
    match k {
        ReviewKind::Review => "行政复议",
        ReviewKind::SuitDirect => "直接起诉",
        ReviewKind::SuitAfterReview => "复议后起诉",
    }
}

fn result_key(r: ReviewResult) -> &'static str {
    match r {
        ReviewResult::Upheld => "维持",
        ReviewResult::Corrected => "纠正",
        ReviewResult::Other => "其他",
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

    /// Keeps a reconsideration or suit; `case_id` links the request it arose from (which
    /// must be the same agency's). Returns its id.
    pub async fn create_review(
        &self,
        user: &User,
        agency: &str,
        case_id: Option<i64>,
        kind: &str,
        filed: Date,
        note: &str,
    ) -> Result<i64> {
        may_write(user, agency)?;
        let kind = review_kind(kind).map_err(Error::Question)?;
        if let Some(cid) = case_id {
            let c = self.case(user, cid).await?;
            if c.agency != agency {
                return Err(Error::Question(format!("申请 {cid} 不是“{agency}”的申请")));
            }
            if filed < c.received {
                return Err(Error::Question("提起日期早于所涉申请的收到日期".into()));
            }
        }
        let at = now();
        Ok(on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let id: i64 = sqlx::query_scalar("INSERT INTO review_cases (agency, case_id, kind, filed, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
                .bind(agency).bind(case_id).bind(kind_key(kind)).bind(filed.to_string()).bind(note.trim()).bind(user.id).bind(&at)
                .fetch_one(&mut *tx).await?;
            sqlx::query("INSERT INTO audit_log (at, user_id, action, subject, detail) VALUES ($1, $2, 'create_review', $3, $4)")
                .bind(&at).bind(user.id).bind(format!("review:{id}")).bind(format!("{agency}；{}；{filed}{}", kind_key(kind), case_id.map_or(String::new(), |c| format!("；申请 {c}"))))
                .execute(&mut *tx).await?;
            tx.commit().await?;
            id
        }))
    }

    /// Records the result of a reconsideration or suit (维持 / 纠正 / 其他), once.
    pub async fn decide_review(
        &self,
        user: &User,
        id: i64,
        decided: Date,
        result: &str,
    ) -> Result<()> {
        let r = self.review(user, id).await?;
        may_write(user, &r.agency)?;
        if r.case.decided.is_some() {
            return Err(Error::Question("这件复议或诉讼已有结果".into()));
        }
        if decided < r.case.filed {
            return Err(Error::Question("结果日期早于提起日期".into()));
        }
        let result = review_result(result).map_err(Error::Question)?;
        let at = now();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query("UPDATE review_cases SET decided = $1, result = $2 WHERE id = $3").bind(decided.to_string()).bind(result_key(result)).bind(id).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO audit_log (at, user_id, action, subject, detail) VALUES ($1, $2, 'decide_review', $3, $4)")
                .bind(&at).bind(user.id).bind(format!("review:{id}")).bind(format!("{decided} {}", result_key(result)))
                .execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    async fn review(&self, user: &User, id: i64) -> Result<Review> {
        self.reviews_where(user, ReviewFilter::Id(id))
            .await?
            .pop()
            .ok_or_else(|| Error::NotFound(format!("没有编号为 {id} 的复议或诉讼，或您无权查看")))
    }

    /// The reconsiderations and suits the user may read (of one agency, or all).
    pub async fn reviews(&self, user: &User, agency: Option<&str>) -> Result<Vec<Review>> {
        self.reviews_where(user, agency.map_or(ReviewFilter::All, ReviewFilter::Agency))
            .await
    }

    async fn reviews_where(&self, user: &User, filter: ReviewFilter<'_>) -> Result<Vec<Review>> {
        type Row = (
            i64,
            String,
            Option<i64>,
            String,
            String,
            Option<String>,
            Option<String>,
            String,
        );
        const COLUMNS: &str =
            "SELECT id, agency, case_id, kind, filed, decided, result, note FROM review_cases";
        let rows: Vec<Row> = on_pool!(self, pool => {
            match filter {
                ReviewFilter::All => sqlx::query_as(crate::db::built(format!("{COLUMNS} ORDER BY filed, id"))).fetch_all(pool).await?,
                ReviewFilter::Agency(a) => sqlx::query_as(crate::db::built(format!("{COLUMNS} WHERE agency = $1 ORDER BY filed, id"))).bind(a).fetch_all(pool).await?,
                ReviewFilter::Id(id) => sqlx::query_as(crate::db::built(format!("{COLUMNS} WHERE id = $1"))).bind(id).fetch_all(pool).await?,
            }
        });
        let mut out = Vec::new();
        for (id, ag, case_id, kind, filed, decided, result, note) in rows {
            if !may_read(user, &ag) {
                continue;
            }
            let decided = match (decided, result) {
                (Some(d), Some(r)) => Some((date(&d)?, review_result(&r).map_err(Error::Engine)?)),
                _ => None,
            };
            let case = ReviewCase {
                kind: review_kind(&kind).map_err(Error::Engine)?,
                filed: date(&filed)?,
                decided,
            };
            out.push(Review {
                id,
                agency: ag,
                case_id,
                case,
                note,
            });
        }
        Ok(out)
    }

    /// Sets table 二's figures of an agency's year (the cells given; others unchanged).
    pub async fn set_figures(
        &self,
        user: &User,
        agency: &str,
        year: i16,
        values: &[(CellId, i64)],
    ) -> Result<()> {
        may_write(user, agency)?;
        let allowed: Vec<CellId> = t2_entries().into_iter().map(|(id, _)| id).collect();
        if let Some((id, _)) = values.iter().find(|(id, _)| !allowed.contains(id)) {
            return Err(Error::Question(format!("“{}”不是表二的栏目", id.key())));
        }
        if let Some((id, _)) = values.iter().find(|(_, v)| *v < 0) {
            return Err(Error::Question(format!("“{}”不能为负数", id.describe())));
        }
        let at = now();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            for (id, v) in values {
                sqlx::query("INSERT INTO proactive_figures (agency, year, cell, value) VALUES ($1, $2, $3, $4) ON CONFLICT (agency, year, cell) DO UPDATE SET value = excluded.value")
                    .bind(agency).bind(i64::from(year)).bind(id.key()).bind(*v).execute(&mut *tx).await?;
            }
            sqlx::query("INSERT INTO audit_log (at, user_id, action, subject, detail) VALUES ($1, $2, 'set_figures', $3, $4)")
                .bind(&at).bind(user.id).bind(format!("figures:{agency}:{year}")).bind(values.iter().map(|(id, v)| format!("{}={v}", id.key())).collect::<Vec<_>>().join(" "))
                .execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Table 二's figures of an agency's year, as entered.
    pub async fn figures(
        &self,
        user: &User,
        agency: &str,
        year: i16,
    ) -> Result<BTreeMap<CellId, i64>> {
        if !may_read(user, agency) {
            return Err(Error::NotFound(format!("您无权查看“{agency}”的记录")));
        }
        let rows: Vec<(String, i64)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT cell, value FROM proactive_figures WHERE agency = $1 AND year = $2").bind(agency).bind(i64::from(year)).fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .filter_map(|(k, v)| Some((CellId::from_key(&k)?, v)))
            .collect())
    }

    /// Saves the narrative of an agency's year: the text of sections 一–六 (section 六
    /// without the fee statement, which comes from the record).
    pub async fn save_draft(
        &self,
        user: &User,
        agency: &str,
        year: i16,
        sections: &[String; 6],
    ) -> Result<()> {
        may_write(user, agency)?;
        let at = now();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query("DELETE FROM report_drafts WHERE agency = $1 AND year = $2").bind(agency).bind(i64::from(year)).execute(&mut *tx).await?;
            for (i, body) in sections.iter().enumerate() {
                sqlx::query("INSERT INTO report_drafts (agency, year, section, body, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6)")
                    .bind(agency).bind(i64::from(year)).bind(i as i64 + 1).bind(body.trim()).bind(user.id).bind(&at).execute(&mut *tx).await?;
            }
            sqlx::query("INSERT INTO audit_log (at, user_id, action, subject, detail) VALUES ($1, $2, 'save_draft', $3, $4)")
                .bind(&at).bind(user.id).bind(format!("report:{agency}:{year}")).bind(format!("{} 字", sections.iter().map(|s| s.chars().count()).sum::<usize>()))
                .execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// An agency's year as the report shows it: tables 三/四 counted from the register and
    /// the review cases, table 二 from the figures, the narrative as saved (else the
    /// starting text), section 六 opening with the fee statement from the fees paid in
    /// the year; and the year's timeliness, open cases counted at `as_of`.
    pub async fn annual(
        &self,
        user: &User,
        agency: &str,
        year: i16,
        as_of: Date,
    ) -> Result<Annual> {
        if !may_read(user, agency) {
            return Err(Error::NotFound(format!("您无权查看“{agency}”的登记")));
        }
        let cases: Vec<Case> = self.agency_cases(user, agency).await?;
        let requests: Vec<Request> = cases.iter().map(Case::request).collect();
        let reviews: Vec<ReviewCase> = self
            .reviews(user, Some(agency))
            .await?
            .into_iter()
            .map(|r| r.case)
            .collect();
        let mut values: BTreeMap<CellId, Number> = table3(&requests, year)
            .map_err(|e| Error::Engine(e.to_string()))?
            .into_iter()
            .collect();
        values.extend(table4(&reviews, year).map_err(|e| Error::Engine(e.to_string()))?);
        for (id, _) in t2_entries() {
            values.insert(id, Number::ZERO);
        }
        for (id, v) in self.figures(user, agency, year).await? {
            values.insert(id, Number::new(v, 0));
        }
        let paid: Vec<u64> = cases
            .iter()
            .filter_map(|c| c.fee.as_ref())
            .filter(|(f, _)| f.paid.is_some_and(|p| p.year() == year))
            .map(|(f, _)| f.yuan)
            .collect();
        let fee = fee_statement(paid.len(), paid.iter().sum());
        let y = u16::try_from(year).map_err(|_| Error::Question(format!("年度 {year} 无效")))?;
        let saved: Vec<(i64, String)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT section, body FROM report_drafts WHERE agency = $1 AND year = $2 ORDER BY section").bind(agency).bind(i64::from(year)).fetch_all(pool).await?
        });
        let edited = !saved.is_empty();
        let mut sections = default_sections(agency, y, &values, &fee);
        if edited {
            for (n, body) in saved {
                if let Some(slot) = usize::try_from(n - 1)
                    .ok()
                    .and_then(|i| sections.get_mut(i))
                {
                    *slot = body
                        .lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .map(str::to_string)
                        .collect();
                }
            }
            sections[5].insert(0, fee);
        }
        let published = as_of.to_string();
        let tracked: Vec<Tracked> = cases
            .iter()
            .map(|c| Tracked {
                id: c.id.to_string(),
                request: c.request(),
                events: c.events.clone(),
            })
            .collect();
        let end = Date::new(year, 12, 31).map_err(|e| Error::Question(e.to_string()))?;
        let t = timeliness(self.calendar().await?, &tracked, year, as_of.min(end))
            .map_err(|(id, e)| Error::Engine(format!("申请 {id}：{e}")))?;
        Ok(Annual {
            composed: Composed {
                agency: agency.to_string(),
                year: y,
                published,
                values,
                sections,
            },
            edited,
            timeliness: t,
        })
    }

    /// Publishes an agency's year into the corpus as that agency's report (the HTML page,
    /// read and checked like any other). Refused while a narrative section is empty or
    /// the read-back finds an error. Returns the report id.
    pub async fn publish(&self, user: &User, agency: &str, year: i16, today: Date) -> Result<i64> {
        may_write(user, agency)?;
        let annual = self.annual(user, agency, year, today).await?;
        let c = &annual.composed;
        let empty = c.empty_sections();
        if !empty.is_empty() {
            let names: Vec<&str> = empty
                .iter()
                .map(|n| nianbao_core::template::SECTIONS[usize::from(n - 1)].canonical)
                .collect();
            return Err(Error::Question(format!(
                "以下部分还没有内容，不能发布：{}",
                names.join("、")
            )));
        }
        let html = c.html();
        let (report, found) = c
            .read_back()
            .map_err(|e| Error::Engine(format!("生成的年报无法读取：{e}")))?;
        if let Some(d) = found
            .iter()
            .find(|d| d.severity == nianbao_core::Severity::Error)
        {
            return Err(Error::Question(format!(
                "生成的年报未通过检查：{} {}",
                d.code, d.message
            )));
        }
        let origin = format!("workbench:{agency}:{year}");
        let overrides = self.overrides().await?;
        let incoming = crate::Incoming {
            sha256: crate::sha256_hex(html.as_bytes()),
            kind: "html",
            bytes: html.into_bytes(),
            origin: origin.clone(),
            outcome: crate::Outcome::Parsed(Box::new(crate::record::record(
                &report,
                &found,
                Some(&origin),
                &overrides,
            ))),
        };
        let sha = incoming.sha256.clone();
        self.save(std::slice::from_ref(&incoming)).await?;
        let id = self
            .report_of_sha256(&sha)
            .await?
            .ok_or_else(|| Error::Engine("发布后找不到这份年报".into()))?;
        self.check_across_years(Some(&[id])).await?;
        self.audit(
            Some(user.id),
            "publish",
            &format!("report:{agency}:{year}"),
            &format!("语料库年报 {id}"),
        )
        .await?;
        Ok(id)
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
