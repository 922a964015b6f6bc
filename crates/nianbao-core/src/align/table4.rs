//! Table 四 (政府信息公开行政复议、行政诉讼情况): one row of fifteen values, or one group to a row.

use super::*;

impl Aligner<'_> {
    // -- table 四 ------------------------------------------------------------

    /// Table 四 printed one group to a row (`行政复议 | 2 | 3 | 0 | 0 | 5`, as
    /// `parse --format md` and some reports print it): each group's row is named by its
    /// label and holds its five values. Taken only when every row with numbers is such a
    /// row (five values, a label naming one group), each group at most once; otherwise the
    /// statutory one-row shape is read.
    fn read_t4_by_group(&mut self, units: &[Unit]) -> bool {
        let group_of_label = |text: &str| -> Option<usize> {
            let t = crate::text::normalize_label(text);
            if t.contains("复议后起诉") {
                Some(2)
            } else if t.contains("未经复议") || t.contains("直接起诉") {
                Some(1)
            } else if t.contains("行政复议") && !t.contains("诉讼") {
                Some(0)
            } else {
                None
            }
        };
        let mut rows: Vec<(usize, &Unit)> = Vec::new();
        for unit in units {
            if !self.has_number(unit) {
                continue;
            }
            let Some(&label) = unit.labels.last() else {
                return false;
            };
            // A group's row holds its five values; a run of fifteen under the header's
            // words is the statutory shape.
            let printed = unit
                .values
                .iter()
                .filter(|&&v| self.toks[v].kind != Kind::Empty)
                .count();
            if printed != T4_COLUMNS.len() {
                return false;
            }
            match group_of_label(self.toks[label].text) {
                Some(g) if !rows.iter().any(|(h, _)| *h == g) => rows.push((g, unit)),
                _ => return false,
            }
        }
        if rows.is_empty() {
            return false;
        }
        for (g, unit) in rows {
            let group = &T4_GROUPS[g];
            let ids: Vec<CellId> = T4_COLUMNS
                .iter()
                .map(|c| CellId::t4(group.key, c.key))
                .collect();
            let (label, span) = self.label_text(unit);
            match self.read(unit, ids.len()) {
                Ok(reading) => {
                    self.store(&ids, &reading);
                    self.rows.push(RowFound {
                        key: format!("t4.{}", group.key),
                        label,
                        span,
                    });
                }
                Err(why) => self.unreadable("表四", unit, why, &ids),
            }
        }
        true
    }

    pub(super) fn read_t4(&mut self, range: std::ops::Range<usize>) {
        let start = range.start;
        let units = self.units(range);
        let is_header = |text: &str| {
            text.contains("行政复议") || text.contains("维持") || text.contains("行政诉讼")
        };
        let mut header_seen = false;
        // Tokens before `scanned` are known to hold no header: each is looked at once.
        let mut scanned = start;
        for unit in &units {
            // The header may stand in a paragraph of prose (a flattened page), whose
            // tokens make no unit: any text before the values counts.
            let before = unit.values.first().map_or(start, |&v| v);
            if !header_seen {
                let run = self.run_text(unit);
                header_seen = is_header(&run)
                    || self.toks[scanned.min(before)..before]
                        .iter()
                        .any(|t| is_header(t.text));
                scanned = scanned.max(before);
            }
            // Table 四's values are one row of numbers: a header row padded with empty cells
            // is none.
            if !header_seen || !self.has_number(unit) {
                continue;
            }
            if self.read_t4_by_group(&units) {
                return;
            }
            let ids: Vec<CellId> = T4_GROUPS
                .iter()
                .flat_map(|g| T4_COLUMNS.iter().map(move |c| CellId::t4(g.key, c.key)))
                .collect();
            match self.read(unit, ids.len()) {
                Ok(reading) => {
                    self.store(&ids, &reading);
                    let span = reading.iter().fold(self.toks[reading[0]].span, |s, &v| {
                        s.cover(self.toks[v].span)
                    });
                    self.rows.push(RowFound {
                        key: "t4".into(),
                        label: "行政复议、行政诉讼".into(),
                        span,
                    });
                }
                // Each group's total is the sum of its four results.
                Err(why) => match self.damaged(unit, ids.clone(), Some(T4_COLUMNS.len())) {
                    Some(b) => {
                        self.settle_alone("表四", &b, "三组“总计”都等于各结果之和");
                        self.rows.push(RowFound {
                            key: "t4".into(),
                            label: "行政复议、行政诉讼".into(),
                            span: b.label_span,
                        });
                    }
                    None => self.unreadable("表四", unit, why, &ids),
                },
            }
            return;
        }
    }
}
