//! Derived measures over the statutory cells, with precise names and definitions.
//!
//! A measure over many reports is a ratio of sums (Σ numerator / Σ denominator), never a
//! mean of per-report ratios: a county with 3 requests must not weigh as much as a city
//! with 3,000. Counts of table 三 are the 总计 column (all applicant types).

/// A measure: a single cell's total, or a ratio of sums of cells.
#[derive(Debug, Clone, Copy)]
pub struct Metric {
    /// Stable name used on the command line and in the API, e.g. `granted_share`.
    pub name: &'static str,
    /// Chinese title, e.g. `予以公开率`.
    pub title: &'static str,
    /// The definition in words, shown wherever the figure is.
    pub definition: &'static str,
    /// Cells summed above the line (see [`Metric::numerator`]).
    numerator: &'static [&'static str],
    /// For the plain total of one cell: its key (the numerator).
    cell: Option<&'static str>,
    /// Cells summed below the line; empty for a plain total.
    pub denominator: &'static [&'static str],
    /// Multiplier of the ratio (100 for a percentage).
    pub scale: f64,
}

const PROCESSED: &[&str] = &["t3.total_processed.total"];

/// Every named measure.
pub static METRICS: &[Metric] = &[
    Metric {
        name: "requests",
        title: "本年新收申请数",
        definition: "表三“一、本年新收政府信息公开申请数量”总计列之和",
        numerator: &["t3.new.total"],
        denominator: &[],
        scale: 1.0,
        cell: None,
    },
    Metric {
        name: "processed",
        title: "本年办理数",
        definition: "表三“（七）总计”总计列之和",
        numerator: PROCESSED,
        denominator: &[],
        scale: 1.0,
        cell: None,
    },
    Metric {
        name: "granted_share",
        title: "予以公开率（%）",
        definition: "表三“（一）予以公开”÷“（七）总计”（总计列），×100",
        numerator: &["t3.granted.total"],
        denominator: PROCESSED,
        scale: 100.0,
        cell: None,
    },
    Metric {
        name: "partial_share",
        title: "部分公开率（%）",
        definition: "表三“（二）部分公开”÷“（七）总计”（总计列），×100",
        numerator: &["t3.partial.total"],
        denominator: PROCESSED,
        scale: 100.0,
        cell: None,
    },
    Metric {
        name: "denied_share",
        title: "不予公开率（%）",
        definition: "表三“（三）不予公开”8 项之和 ÷“（七）总计”（总计列），×100",
        numerator: &[
            "t3.denied.state_secret.total",
            "t3.denied.law_prohibited.total",
            "t3.denied.three_safeties.total",
            "t3.denied.third_party.total",
            "t3.denied.internal_affairs.total",
            "t3.denied.process_info.total",
            "t3.denied.enforcement_file.total",
            "t3.denied.inquiry.total",
        ],
        denominator: PROCESSED,
        scale: 100.0,
        cell: None,
    },
    Metric {
        name: "unavailable_share",
        title: "无法提供率（%）",
        definition: "表三“（四）无法提供”3 项之和 ÷“（七）总计”（总计列），×100",
        numerator: &[
            "t3.unavailable.not_held.total",
            "t3.unavailable.need_creation.total",
            "t3.unavailable.unclear.total",
        ],
        denominator: PROCESSED,
        scale: 100.0,
        cell: None,
    },
    Metric {
        name: "not_processed_share",
        title: "不予处理率（%）",
        definition: "表三“（五）不予处理”5 项之和 ÷“（七）总计”（总计列），×100",
        numerator: &[
            "t3.not_processed.petition.total",
            "t3.not_processed.duplicate.total",
            "t3.not_processed.publication.total",
            "t3.not_processed.mass_repeat.total",
            "t3.not_processed.confirm.total",
        ],
        denominator: PROCESSED,
        scale: 100.0,
        cell: None,
    },
    Metric {
        name: "natural_person_share",
        title: "自然人申请占比（%）",
        definition: "表三“一、本年新收”自然人列 ÷ 总计列，×100",
        numerator: &["t3.new.natural"],
        denominator: &["t3.new.total"],
        scale: 100.0,
        cell: None,
    },
    Metric {
        name: "carry_forward_share",
        title: "结转率（%）",
        definition:
            "表三“四、结转下年度继续办理”÷（“一、本年新收”+“二、上年结转”）（总计列），×100",
        numerator: &["t3.carried_forward.total"],
        denominator: &["t3.new.total", "t3.carried_over.total"],
        scale: 100.0,
        cell: None,
    },
    Metric {
        name: "reviews",
        title: "行政复议数",
        definition: "表四行政复议“总计”之和",
        numerator: &["t4.review.total"],
        denominator: &[],
        scale: 1.0,
        cell: None,
    },
    Metric {
        name: "review_per_100_requests",
        title: "每百件申请的复议数",
        definition: "表四行政复议“总计”÷ 表三“一、本年新收”总计列，×100",
        numerator: &["t4.review.total"],
        denominator: &["t3.new.total"],
        scale: 100.0,
        cell: None,
    },
    Metric {
        name: "review_correction_rate",
        title: "行政复议纠错率（%）",
        definition: "表四行政复议“结果纠正”÷ 已审结（“结果维持”+“结果纠正”+“其他结果”），×100",
        numerator: &["t4.review.corrected"],
        denominator: &["t4.review.upheld", "t4.review.corrected", "t4.review.other"],
        scale: 100.0,
        cell: None,
    },
    Metric {
        name: "suit_correction_rate",
        title: "行政诉讼纠错率（%）",
        definition: "表四两类行政诉讼“结果纠正”之和 ÷ 两类已审结（维持+纠正+其他）之和，×100",
        numerator: &["t4.suit_direct.corrected", "t4.suit_after_review.corrected"],
        denominator: &[
            "t4.suit_direct.upheld",
            "t4.suit_direct.corrected",
            "t4.suit_direct.other",
            "t4.suit_after_review.upheld",
            "t4.suit_after_review.corrected",
            "t4.suit_after_review.other",
        ],
        scale: 100.0,
        cell: None,
    },
];

impl Metric {
    /// The measure with this name, or the plain total of a cell key (`t3.new.total`).
    pub fn by_name(name: &str) -> Option<Metric> {
        if let Some(m) = METRICS.iter().find(|m| m.name == name) {
            return Some(*m);
        }
        let id = crate::template::CellId::from_key(name)?;
        Some(Metric {
            name: id.key(),
            title: id.def().row_label,
            definition: "该单元格之和",
            numerator: &[],
            cell: Some(id.key()),
            denominator: &[],
            scale: 1.0,
        })
    }

    /// Cells summed above the line.
    pub fn numerator(&self) -> &[&'static str] {
        match &self.cell {
            Some(k) => std::slice::from_ref(k),
            None => self.numerator,
        }
    }

    /// Every cell the measure reads.
    pub fn cells(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.numerator().iter().chain(self.denominator).copied()
    }

    /// True for a ratio.
    pub fn is_ratio(&self) -> bool {
        !self.denominator.is_empty()
    }

    /// The value from the sums of its cells (`sum(key)`); `None` for a ratio over nothing.
    pub fn value(&self, sum: impl Fn(&str) -> f64) -> Option<f64> {
        let top: f64 = self.numerator().iter().map(|k| sum(k)).sum();
        if self.denominator.is_empty() {
            return Some(top * self.scale);
        }
        let bottom: f64 = self.denominator.iter().map(|k| sum(k)).sum();
        (bottom > 0.0).then(|| top / bottom * self.scale)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::CellId;

    #[test]
    fn every_metric_reads_real_cells() {
        for m in METRICS {
            for k in m.cells() {
                assert!(CellId::from_key(k).is_some(), "{}: {k}", m.name);
            }
        }
    }

    #[test]
    fn ratios_are_ratios_of_sums() {
        let m = Metric::by_name("review_correction_rate").unwrap();
        let sums = |k: &str| match k {
            "t4.review.corrected" => 1.0,
            "t4.review.upheld" => 3.0,
            _ => 0.0,
        };
        assert_eq!(m.value(sums), Some(25.0));
        assert_eq!(m.value(|_| 0.0), None);
        let cell = Metric::by_name("t3.new.natural").unwrap();
        assert_eq!(cell.numerator(), &["t3.new.natural"]);
        assert_eq!(cell.value(|_| 4.0), Some(4.0));
    }
}
