//! The year's report from the record: table 二's figures and the narrative as entered,
//! composed with tables 三 and 四 from the register, and published into the corpus.

use super::*;

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

impl Store {
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
}
