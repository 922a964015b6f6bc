//! The dashboards' charts: each chart's data from the corpus (`chart_of`), cached and
//! computed once in the background at start (`warm`).

use super::*;

/// A chart's data, ready for ECharts: categories and one or more series.
#[derive(Serialize)]
pub struct WireChart {
    pub name: String,
    pub title: String,
    /// `bar`, `line` or `pie`.
    pub kind: &'static str,
    pub categories: Vec<String>,
    pub series: Vec<WireSeries>,
    /// How the figures are defined.
    pub definition: String,
}

/// One series of a chart.
#[derive(Serialize)]
pub struct WireSeries {
    pub name: String,
    pub data: Vec<f64>,
}

/// The charts the dashboards draw: (name, title).
pub const CHARTS: [(&str, &str); 8] = [
    ("requests", "历年收到的申请"),
    ("outcomes", "办理结果构成"),
    ("applicants", "申请人构成"),
    ("reasons", "不予公开、无法提供、不予处理的理由"),
    ("review", "行政复议、行政诉讼结果"),
    ("defects", "最常见的问题（按规则）"),
    ("ranking", "机关排名"),
    ("regions", "地区比较"),
];

async fn sums(
    store: &Store,
    filter: &Filter,
    cells: &[&str],
) -> Result<HashMap<String, f64>, ApiError> {
    Ok(store
        .cell_sums(filter, GroupBy::All, cells)
        .await?
        .into_iter()
        .map(|(_, k, v, _)| (k, v))
        .collect())
}

pub(crate) async fn chart_of(
    store: &Store,
    name: &str,
    q: &ListQuery,
) -> Result<WireChart, ApiError> {
    let filter = q.filter()?;
    let title = CHARTS
        .iter()
        .find(|c| c.0 == name)
        .map(|c| c.1)
        .ok_or_else(|| ApiError::not_found(format!("没有名为 {name} 的图表")))?;
    let chart = |kind, categories, series, definition: String| WireChart {
        name: name.into(),
        title: title.into(),
        kind,
        categories,
        series,
        definition,
    };
    Ok(match name {
        "requests" => {
            let rows = store
                .measures(
                    &filter,
                    GroupBy::Year,
                    &[
                        Metric::by_name("requests").expect("named"),
                        Metric::by_name("processed").expect("named"),
                    ],
                )
                .await?;
            let cats = rows
                .iter()
                .map(|r| r.group.clone().unwrap_or_else(|| "年度不详".into()))
                .collect();
            let series = ["本年新收", "本年办理"]
                .iter()
                .enumerate()
                .map(|(i, n)| WireSeries {
                    name: (*n).into(),
                    data: rows.iter().map(|r| r.values[i].unwrap_or(0.0)).collect(),
                })
                .collect();
            chart(
                "line",
                cats,
                series,
                "表三“本年新收”与“（七）总计”的总计列，各年合计".into(),
            )
        }
        "outcomes" => {
            let fams = [
                ("granted", "予以公开"),
                ("partial", "部分公开"),
                ("denied", "不予公开"),
                ("unavailable", "无法提供"),
                ("not_processed", "不予处理"),
                ("other", "其他处理"),
            ];
            let keys: Vec<(&str, &str)> = T3_ROWS
                .iter()
                .filter(|r| r.role == T3Role::Outcome)
                .map(|r| (r.family, CellId::t3(r.key, "total").key()))
                .collect();
            let cells: Vec<&str> = keys.iter().map(|k| k.1).collect();
            let s = sums(store, &filter, &cells).await?;
            let data = fams
                .iter()
                .map(|(f, _)| {
                    keys.iter()
                        .filter(|k| k.0 == *f)
                        .map(|k| s.get(k.1).copied().unwrap_or(0.0))
                        .sum()
                })
                .collect();
            chart(
                "pie",
                fams.iter().map(|f| f.1.to_string()).collect(),
                vec![WireSeries {
                    name: "件数".into(),
                    data,
                }],
                "表三办理结果各行的总计列之和".into(),
            )
        }
        "applicants" => {
            let cols: Vec<_> = T3_COLUMNS.iter().filter(|c| c.key != "total").collect();
            let cells: Vec<&str> = cols
                .iter()
                .map(|c| CellId::t3("new", c.key).key())
                .collect();
            let s = sums(store, &filter, &cells).await?;
            let data = cells
                .iter()
                .map(|k| s.get(*k).copied().unwrap_or(0.0))
                .collect();
            chart(
                "pie",
                cols.iter().map(|c| c.label.to_string()).collect(),
                vec![WireSeries {
                    name: "新收申请".into(),
                    data,
                }],
                "表三“本年新收”各申请人列之和".into(),
            )
        }
        "reasons" => {
            let rows: Vec<_> = T3_ROWS
                .iter()
                .filter(|r| ["denied", "unavailable", "not_processed"].contains(&r.family))
                .collect();
            let cells: Vec<&str> = rows
                .iter()
                .map(|r| CellId::t3(r.key, "total").key())
                .collect();
            let s = sums(store, &filter, &cells).await?;
            let cats = rows
                .iter()
                .map(|r| {
                    format!(
                        "{}·{}",
                        r.group
                            .unwrap_or("")
                            .trim_start_matches(|c| c != '）')
                            .trim_start_matches('）'),
                        r.label
                    )
                })
                .collect();
            let data = cells
                .iter()
                .map(|k| s.get(*k).copied().unwrap_or(0.0))
                .collect();
            chart(
                "bar",
                cats,
                vec![WireSeries {
                    name: "件数".into(),
                    data,
                }],
                "表三各理由行的总计列之和".into(),
            )
        }
        "review" => {
            let cells: Vec<&str> = T4_GROUPS
                .iter()
                .flat_map(|g| T4_COLUMNS.iter().map(|c| CellId::t4(g.key, c.key).key()))
                .collect();
            let s = sums(store, &filter, &cells).await?;
            let cols: Vec<_> = T4_COLUMNS.iter().filter(|c| c.key != "total").collect();
            let series = cols
                .iter()
                .map(|c| WireSeries {
                    name: c.label.into(),
                    data: T4_GROUPS
                        .iter()
                        .map(|g| {
                            s.get(CellId::t4(g.key, c.key).key())
                                .copied()
                                .unwrap_or(0.0)
                        })
                        .collect(),
                })
                .collect();
            chart(
                "bar",
                T4_GROUPS.iter().map(|g| g.label.to_string()).collect(),
                series,
                "表四各组各结果列之和".into(),
            )
        }
        "defects" => {
            let counts = store.rule_counts(&filter, GroupBy::All).await?;
            let mut counts: Vec<_> = counts
                .into_iter()
                .map(|(_, code, _, _, reports)| (code, reports))
                .collect();
            counts.sort_by_key(|c| std::cmp::Reverse(c.1));
            counts.truncate(15);
            let cats = counts
                .iter()
                .map(|(c, _)| {
                    format!(
                        "{c} {}",
                        nianbao_core::rules::by_code(c).map_or("", |r| r.meta().title)
                    )
                })
                .collect();
            chart(
                "bar",
                cats,
                vec![WireSeries {
                    name: "年报数".into(),
                    data: counts.iter().map(|c| c.1 as f64).collect(),
                }],
                "出现该问题的年报份数".into(),
            )
        }
        "ranking" | "regions" => {
            let default = if name == "ranking" {
                GroupBy::Agency
            } else {
                GroupBy::County
            };
            let s = stats_of(store, q, default, true).await?;
            let def = format!("{}：{}", s.metric.title, s.metric.definition);
            let cats = s.rows.iter().map(|r| r.label.clone()).collect();
            let data = s.rows.iter().map(|r| r.value.unwrap_or(0.0)).collect();
            chart(
                "bar",
                cats,
                vec![WireSeries {
                    name: s.metric.title.into(),
                    data,
                }],
                def,
            )
        }
        _ => unreachable!("checked against CHARTS above"),
    })
}

pub(crate) async fn chart(
    State(app): State<App>,
    Path(name): Path<String>,
    Query(q): Query<ListQuery>,
) -> Result<Json<Arc<WireChart>>, ApiError> {
    let key = format!(
        "chart/{name}?{}",
        serde_urlencoded::to_string(&q).unwrap_or_default()
    );
    Ok(Json(
        crate::cache::cached(&app, key, chart_of(&app.store, &name, &q)).await?,
    ))
}

/// Computes the unfiltered dashboards, the region tree and the rule counts into the cache.
pub(crate) async fn warm(app: App) {
    let started = std::time::Instant::now();
    let q = ListQuery::default();
    let _ = summary_of(&app).await;
    let _ = region_tree(&app).await;
    let _ = rules_cached(&app).await;
    for (name, _) in CHARTS {
        let key = format!(
            "chart/{name}?{}",
            serde_urlencoded::to_string(&q).unwrap_or_default()
        );
        if let Err(e) = crate::cache::cached(&app, key, chart_of(&app.store, name, &q)).await {
            tracing::warn!(chart = name, error = %e.message, "图表预先计算失败");
        }
    }
    tracing::info!(
        ms = started.elapsed().as_millis() as u64,
        "统计图表已预先计算"
    );
}
