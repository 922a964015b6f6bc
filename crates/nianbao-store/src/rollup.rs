//! Roll-ups: the reports of a set of agencies summed into one table set.

use std::collections::{BTreeMap, HashSet};

use nianbao_core::number::{parse_number, Number};
use nianbao_core::place::{Gazetteer, Level};
use nianbao_core::template::{CellId, Format};
use nianbao_core::Report;

use crate::query::{Filter, ReportRow};
use crate::{Error, Result, Store};

/// A roll-up: the sum of several agencies' tables.
pub struct Rollup {
    /// The year summed.
    pub year: u16,
    /// `河北省秦皇岛市山海关区（汇总）`.
    pub title: String,
    /// The sums as a report of values alone, to render and check like any other.
    pub report: Report,
    /// The reports summed, one per agency.
    pub included: Vec<ReportRow>,
    /// Further reports of an agency already summed (the same report stored twice).
    pub duplicates: Vec<ReportRow>,
    /// Reports in the other format, left out.
    pub other_format: Vec<ReportRow>,
    /// Agencies of the region in the corpus with no report that year.
    pub missing_agencies: Vec<String>,
    /// Divisions one level below the region whose government has no report that year.
    pub missing_places: Vec<String>,
}

impl Store {
    /// Sums the tables of the reports `filter` selects — one year, one report per
    /// agency, one format — into one table set, with who is missing.
    pub async fn rollup(&self, filter: &Filter) -> Result<Rollup> {
        let (Some(year), true) = (filter.year_from, filter.year_from == filter.year_to) else {
            return Err(Error::Question("汇总需要给出一个年度：--year 2024".into()));
        };
        let rows = self.reports(filter, i64::MAX / 4, 0).await?;
        if rows.is_empty() {
            return Err(Error::Question(format!(
                "没有符合条件的 {year} 年度年报可汇总"
            )));
        }
        // One report per agency (the same report may be stored as HTML and PDF).
        let mut seen = HashSet::new();
        let (mut included, mut duplicates) = (Vec::new(), Vec::new());
        for r in rows {
            let key = r
                .agency_key
                .clone()
                .or_else(|| r.agency_name.clone())
                .unwrap_or_else(|| format!("#{}", r.id));
            if seen.insert(key) {
                included.push(r);
            } else {
                duplicates.push(r);
            }
        }
        let n2021 = included
            .iter()
            .filter(|r| r.template.as_deref() == Some("2021"))
            .count();
        let format = if n2021 * 2 >= included.len() {
            Format::V2021
        } else {
            Format::V2019
        };
        let (same, other): (Vec<ReportRow>, Vec<ReportRow>) = included.into_iter().partition(|r| {
            let t = r.template.as_deref().unwrap_or("");
            t == format.as_str() || !(t == "2021" || t == "2019")
        });
        let mut sums: BTreeMap<CellId, Number> = BTreeMap::new();
        let ids: Vec<i64> = same.iter().map(|r| r.id).collect();
        for chunk in ids.chunks(500) {
            for (_, key, value, _) in self.cells_of(chunk).await? {
                let Some(id) = CellId::from_key(&key) else {
                    continue;
                };
                let def = id.def();
                let fits = match format {
                    Format::V2021 => def.in_2021,
                    Format::V2019 => def.in_2019,
                };
                if !fits {
                    continue;
                }
                let v = parse_number(&value).ok_or_else(|| {
                    Error::Question(format!("库中单元格 {key} 的值“{value}”不是数字"))
                })?;
                let entry = sums.entry(id).or_insert(Number::ZERO);
                *entry = entry
                    .checked_add(v)
                    .ok_or_else(|| Error::Question(format!("单元格 {key} 的合计超出范围")))?;
            }
        }
        let g = Gazetteer::get();
        let place = filter.region.as_deref().and_then(|c| g.by_code(c));
        let title = match place {
            Some(d) => format!("{}（汇总）", g.path(d)),
            None => "全部（汇总）".to_string(),
        };
        let report = Report::from_values(Some(year), &title, format, sums);

        // Who is missing: agencies of the region known to the corpus with no report this
        // year, and (for a county or city) the townships or counties below it with none.
        let present: HashSet<i64> = same
            .iter()
            .chain(&other)
            .chain(&duplicates)
            .filter_map(|r| r.agency_id)
            .collect();
        let known = self.agencies(false, filter.region.as_deref()).await?;
        let mut missing_agencies: Vec<String> = known
            .iter()
            .filter(|a| !present.contains(&a.id))
            .filter(|a| {
                filter
                    .level
                    .as_ref()
                    .is_none_or(|l| a.level.as_ref() == Some(l))
            })
            .filter(|a| filter.kind.as_ref().is_none_or(|k| &a.kind_class == k))
            .map(|a| a.name.clone())
            .collect();
        missing_agencies.sort();
        let placed: HashSet<&str> = known
            .iter()
            .filter(|a| present.contains(&a.id) && a.kind_class == "人民政府")
            .filter_map(|a| a.region_code.as_deref())
            .collect();
        let missing_places = match place {
            Some(d)
                if matches!(d.level(), Level::City | Level::County)
                    && filter.kind.as_deref() != Some("部门") =>
            {
                let child_len = if d.level() == Level::County { 9 } else { 6 };
                g.all()
                    .iter()
                    .filter(|c| c.code.len() == child_len && c.code.starts_with(d.code))
                    .filter(|c| !placed.contains(c.code))
                    .map(|c| c.name.to_string())
                    .collect()
            }
            _ => Vec::new(),
        };
        Ok(Rollup {
            year,
            title,
            report,
            included: same,
            duplicates,
            other_format: other,
            missing_agencies,
            missing_places,
        })
    }
}
