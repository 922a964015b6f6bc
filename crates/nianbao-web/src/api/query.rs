//! The API's query parameters: filters, paging, grouping and metrics, checked and turned
//! into the store's `Filter`.

use super::*;

/// Filters and paging, as query parameters (all optional; empty values are ignored, so
/// an HTML form can send every field).
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub struct ListQuery {
    /// Division code (any level) or an unambiguous place name.
    pub region: Option<String>,
    /// One year.
    pub year: Option<String>,
    /// First year.
    pub year_from: Option<String>,
    /// Last year.
    pub year_to: Option<String>,
    /// `省` / `市` / `县` / `乡镇街道`.
    pub level: Option<String>,
    /// `人民政府` / `部门`.
    pub kind: Option<String>,
    /// `errors` / `warnings` / `clean`.
    pub status: Option<String>,
    /// A rule code.
    pub rule: Option<String>,
    /// Free text over agency names, titles and section text.
    pub q: Option<String>,
    /// An agency id.
    pub agency_id: Option<String>,
    /// `-year` (default), `year`, `agency`, `-errors`, `region`.
    pub sort: Option<String>,
    /// Page, from 1.
    pub page: Option<String>,
    /// Reports per page (1–200, default 50).
    pub per_page: Option<String>,
    /// A measure name (stats, charts).
    pub metric: Option<String>,
    /// A grouping name (stats, charts).
    pub by: Option<String>,
    /// How many groups (rankings).
    pub limit: Option<String>,
}

pub(super) fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

pub(super) fn number<T: std::str::FromStr>(
    v: &Option<String>,
    what: &str,
) -> Result<Option<T>, ApiError> {
    given(v)
        .map(|s| {
            s.parse()
                .map_err(|_| ApiError::bad_request(format!("{what}应为数字：{s}")))
        })
        .transpose()
}

/// A place name or code → its division code.
pub(crate) fn region_code(query: &str) -> Result<String, ApiError> {
    Ok(Gazetteer::get()
        .resolve(query)
        .map_err(ApiError::bad_request)?
        .code
        .to_string())
}

impl ListQuery {
    /// The store filter these parameters ask for.
    pub fn filter(&self) -> Result<Filter, ApiError> {
        let mut f = Filter {
            region: given(&self.region).map(region_code).transpose()?,
            level: given(&self.level).map(str::to_string),
            kind: given(&self.kind).map(str::to_string),
            rule: given(&self.rule).map(str::to_uppercase),
            text: given(&self.q).map(str::to_string),
            agency_id: number(&self.agency_id, "机关编号")?,
            ..Filter::default()
        };
        if let Some(y) = number::<u16>(&self.year, "年度")? {
            f.year_from = Some(y);
            f.year_to = Some(y);
        }
        if let Some(y) = number(&self.year_from, "起始年度")? {
            f.year_from = Some(y);
        }
        if let Some(y) = number(&self.year_to, "截止年度")? {
            f.year_to = Some(y);
        }
        match given(&self.status) {
            None | Some("all") => {}
            Some("errors") => f.has_errors = true,
            Some("warnings") => f.has_warnings = true,
            Some("clean") => f.clean = true,
            Some(s) => {
                return Err(ApiError::bad_request(format!(
                    "状态应为 errors、warnings 或 clean：{s}"
                )))
            }
        }
        Ok(f)
    }

    pub fn sort(&self) -> Result<Sort, ApiError> {
        match given(&self.sort) {
            None => Ok(Sort::default()),
            Some(s) => Sort::from_name(s).ok_or_else(|| {
                let names: Vec<&str> = Sort::ALL.iter().map(|s| s.1).collect();
                ApiError::bad_request(format!("排序应为 {}：{s}", names.join("、")))
            }),
        }
    }

    /// (page from 1, per page).
    /// Pages of the list (at 200 per page, 200 million reports: far past any corpus).
    pub fn paging(&self) -> Result<(i64, i64), ApiError> {
        let page = number::<i64>(&self.page, "页码")?.unwrap_or(1).max(1);
        let per = number::<i64>(&self.per_page, "每页份数")?
            .unwrap_or(50)
            .clamp(1, 200);
        // The offset `(page - 1) * per` must not overflow (page=9223372036854775807 once
        // wrapped to page 1): a page past any corpus is refused.
        if page > MAX_PAGE {
            return Err(ApiError::bad_request(format!(
                "页码 {page} 过大（最大 {MAX_PAGE}）"
            )));
        }
        Ok((page, per))
    }

    pub fn group(&self, default: GroupBy) -> Result<GroupBy, ApiError> {
        match given(&self.by) {
            None => Ok(default),
            Some(b) => GroupBy::from_name(b).ok_or_else(|| {
                let names: Vec<&str> = GroupBy::ALL.iter().map(|g| g.1).collect();
                ApiError::bad_request(format!("分组应为 {}：{b}", names.join("、")))
            }),
        }
    }

    pub fn metric(&self, default: &str) -> Result<Metric, ApiError> {
        let name = given(&self.metric).unwrap_or(default);
        Metric::by_name(name).ok_or_else(|| {
            ApiError::bad_request(format!(
                "没有名为 {name} 的指标或单元格；/api/v1/metrics 列出全部指标"
            ))
        })
    }
}
