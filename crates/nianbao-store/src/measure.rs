//! Measures by group: the named measures of `nianbao_core::metric` computed as ratios of
//! sums over the reports of each group, with each group's label. One place for the CLI's
//! `stats` and the web app's rankings and charts.

use std::collections::{BTreeMap, HashMap};

use nianbao_core::metric::Metric;
use nianbao_core::place::Gazetteer;

use crate::query::{Filter, GroupBy};
use crate::{Result, Store};

/// One group's figures.
#[derive(Debug, Clone)]
pub struct MeasureRow {
    /// The group value (a year, a division code, an agency key …); `None` for reports of
    /// agencies not placed.
    pub group: Option<String>,
    /// Reports in the group.
    pub reports: i64,
    /// One value per measure asked for; `None` where a ratio has nothing below the line.
    pub values: Vec<Option<f64>>,
}

impl Store {
    /// The `metrics` over the reports matching `filter`, one row per group, in group order.
    pub async fn measures(
        &self,
        filter: &Filter,
        group: GroupBy,
        metrics: &[Metric],
    ) -> Result<Vec<MeasureRow>> {
        let mut cells: Vec<&str> = metrics.iter().flat_map(|m| m.cells()).collect();
        cells.sort_unstable();
        cells.dedup();
        let sums = self.cell_sums(filter, group, &cells).await?;
        let counts = self.count_reports(filter, group).await?;
        let mut by_group: BTreeMap<Option<String>, HashMap<String, f64>> = BTreeMap::new();
        for (g, _) in &counts {
            by_group.entry(g.clone()).or_default();
        }
        for (g, cell, sum, _) in sums {
            by_group.entry(g).or_default().insert(cell, sum);
        }
        let n_reports: HashMap<Option<String>, i64> = counts.into_iter().collect();
        Ok(by_group
            .into_iter()
            .map(|(g, s)| MeasureRow {
                reports: n_reports.get(&g).copied().unwrap_or(0),
                values: metrics
                    .iter()
                    .map(|m| m.value(|k| s.get(k).copied().unwrap_or(0.0)))
                    .collect(),
                group: g,
            })
            .collect())
    }

    /// Agency key → `name（place）`, for labelling agency groups.
    pub async fn agency_labels(&self) -> Result<HashMap<String, String>> {
        let g = Gazetteer::get();
        Ok(self
            .agencies(false, None)
            .await?
            .into_iter()
            .map(|a| {
                let label = match g.path_of(a.region_code.as_deref()) {
                    Some(p) => format!("{}（{p}）", a.name),
                    None => a.name.clone(),
                };
                (a.key, label)
            })
            .collect())
    }
}

/// A group's label: division codes as place paths, agency keys as names (from
/// [`Store::agency_labels`]), anything else as it is.
pub fn group_label(
    group: GroupBy,
    value: Option<&str>,
    agency_labels: &HashMap<String, String>,
) -> String {
    match value {
        None => "（未定位）".to_string(),
        Some(v) if group.is_region() => Gazetteer::get()
            .path_of(Some(v))
            .unwrap_or_else(|| v.to_string()),
        Some(v) if group == GroupBy::Agency => agency_labels
            .get(v)
            .cloned()
            .unwrap_or_else(|| v.trim_start_matches("?/").to_string()),
        Some(v) => v.to_string(),
    }
}
