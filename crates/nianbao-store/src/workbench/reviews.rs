//! 行政复议 and 行政诉讼 about the agency's disclosure work (table 四), as kept: created,
//! decided, read under the register's access rules.

use super::*;

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

impl Store {
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
}
