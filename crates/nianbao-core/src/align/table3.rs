//! Table 三 (收到和处理政府信息公开申请情况): its rows found by their labels, read against the seven applicant columns, broken rows resolved by the table's identities, group subtotals of variant shapes.

use super::*;

impl Aligner<'_> {
    // -- table 三 ------------------------------------------------------------

    fn match_t3(&self, run: &str) -> Option<usize> {
        t3_row_of(run)
    }

    pub(super) fn read_t3(&mut self, range: std::ops::Range<usize>) {
        let units = self.units(range);
        let mut found: Vec<usize> = Vec::new();
        // A variant shape with a 法人小计 column: where it stands among the eight values.
        let mut legal_subtotal_at: Option<usize> = None;
        let mut group_subtotals: Vec<(&'static str, Reading, String, Span)> = Vec::new();
        let mut broken: Vec<Broken> = Vec::new();
        // The row each unit's label names outright: a misspelt label is taken for a row
        // only when no later label names that row (a fragment of a label that a page
        // break cut, `府信息公开申请数量`, looks like the next row's label as well).
        let named: Vec<Option<usize>> = units
            .iter()
            .map(|u| {
                (!u.labels.is_empty())
                    .then(|| self.match_t3(&self.run_text(u)))
                    .flatten()
            })
            .collect();
        for (ui, unit) in units.iter().enumerate() {
            if unit.labels.is_empty() {
                continue;
            }
            let run = self.run_text(unit);
            if legal_subtotal_at.is_none()
                && run.contains("小计")
                && (run.contains("自然人") || run.contains("法人"))
            {
                let sub = run.find("小计").unwrap_or(0);
                legal_subtotal_at = Some(if run.find("商业企业").is_some_and(|c| sub < c) {
                    1
                } else {
                    6
                });
            }
            let width = T3_COLUMNS.len() + usize::from(legal_subtotal_at.is_some());
            if !unit.values.iter().any(|&v| self.toks[v].is_strong_value()) {
                continue;
            }
            // A subtotal row of a group (`（三）不予公开` with its own numbers).
            let last = &self.toks[*unit.labels.last().unwrap()].norm;
            if let Some(family) = group_of(last) {
                if let Ok(reading) = self.read(unit, width) {
                    let (label, span) = self.label_text(unit);
                    group_subtotals.push((family, reading, label, span));
                }
                continue;
            }
            let mut deviation = false;
            let ri = match named[ui] {
                Some(ri) => ri,
                None => {
                    // A misspelt label: compare with the next rows the template expects.
                    let next = found.iter().max().map_or(0, |&m| m + 1);
                    let best = (next..(next + 3).min(T3_ROWS.len()))
                        .filter(|r| !found.contains(r) && !named[ui + 1..].contains(&Some(*r)))
                        .map(|r| {
                            (
                                crate::text::bigram_similarity(
                                    last,
                                    &crate::text::normalize_label(T3_ROWS[r].label),
                                ),
                                r,
                            )
                        })
                        .max_by(|a, b| a.0.total_cmp(&b.0));
                    match best {
                        Some((sim, r)) if sim >= 0.6 => {
                            deviation = true;
                            r
                        }
                        _ => continue,
                    }
                }
            };
            // One label naming two rows (`（一）予以公开（二）部分公开`: a PDF's line
            // builder joined two rows' labels into one cell): whose numbers follow is
            // unknown, and the rightmost would take its neighbour's. Nothing is read.
            let last_tok = &self.toks[*unit.labels.last().unwrap()];
            let mut own = t3_keys().all(&last_tok.norm);
            // A family's name beside one of its items (`（六）其他处理 1.申请人…`, where
            // `其他处理` is also the 2019 format's single row) is one row, the item.
            let named = own.clone();
            own.retain(|&r| {
                !named
                    .iter()
                    .any(|&o| o != r && T3_ROWS[o].family == T3_ROWS[r].key)
            });
            if own.len() > 1 {
                let ids: Vec<CellId> = own
                    .iter()
                    .flat_map(|&r| {
                        T3_COLUMNS
                            .iter()
                            .map(move |c| CellId::t3(T3_ROWS[r].key, c.key))
                    })
                    .collect();
                self.unreadable(
                    "表三的行",
                    unit,
                    "一个行标签中含有不止一行的名称，数值属于哪一行无法确定".into(),
                    &ids,
                );
                found.extend(own);
                continue;
            }
            let row = &T3_ROWS[ri];
            if found.contains(&ri) {
                let (label, span) = self.label_text(unit);
                self.diags.push(
                    Diagnostic::new(
                        codes::DUPLICATE_ROW,
                        Severity::Warning,
                        format!("表三的行「{label}」出现了不止一次，只采用第一次的数值"),
                    )
                    .at(Some(span), "重复的行")
                    .help("删除重复的行，或检查该行标签是否写错"),
                );
                continue;
            }
            match self.read(unit, width) {
                Ok(mut reading) => {
                    found.push(ri);
                    let ids: Vec<CellId> = T3_COLUMNS
                        .iter()
                        .map(|c| CellId::t3(row.key, c.key))
                        .collect();
                    if let Some(k) = legal_subtotal_at {
                        let sub = reading.remove(k);
                        let parts = T3_COLUMNS[1..6]
                            .iter()
                            .map(|c| CellId::t3(row.key, c.key))
                            .collect();
                        self.push_subtotal(
                            format!("「{}」行法人或其他组织小计", short_label(row.label)),
                            sub,
                            parts,
                        );
                    }
                    self.store(&ids, &reading);
                    let (label, span) = self.label_text(unit);
                    if deviation {
                        self.diags.push(
                            Diagnostic::new(
                                codes::LABEL_DEVIATION,
                                Severity::Warning,
                                format!("表三的行标签「{label}」与模板「{}」不一致，已按模板顺序识别为该行", row.label),
                            )
                            .at(Some(self.toks[*unit.labels.last().unwrap()].span), format!("模板为「{}」", row.label))
                            .cells(ids.iter().copied())
                            .help(format!("按统一格式将该行标签改为「{}」", row.label)),
                        );
                    }
                    self.rows.push(RowFound {
                        key: format!("t3.{}", row.key),
                        label,
                        span,
                    });
                }
                Err(why) => {
                    let ids: Vec<CellId> = T3_COLUMNS
                        .iter()
                        .map(|c| CellId::t3(row.key, c.key))
                        .collect();
                    match self
                        .damaged(unit, ids.clone(), Some(width))
                        .filter(|_| legal_subtotal_at.is_none())
                    {
                        Some(b) => {
                            found.push(ri);
                            self.rows.push(RowFound {
                                key: format!("t3.{}", row.key),
                                label: b.label.clone(),
                                span: b.label_span,
                            });
                            broken.push(b);
                        }
                        None => self.unreadable("表三的行", unit, why, &ids),
                    }
                }
            }
        }
        if !broken.is_empty() {
            self.resolve_t3(broken, &found);
        }
        if found.is_empty() {
            return;
        }
        let new = found.iter().any(|&r| T3_ROWS[r].key.starts_with("other."));
        let old_at = found.iter().position(|&r| T3_ROWS[r].key == "other");
        if let (true, Some(i)) = (new, old_at) {
            // `（六）其他处理` with numbers of its own above its three sub-rows is the
            // group's subtotal (a variant shape), not the 2019 single row.
            found.remove(i);
            let ids: Vec<CellId> = T3_COLUMNS
                .iter()
                .map(|c| CellId::t3("other", c.key))
                .collect();
            let (taken, kept): (Vec<CellValue>, Vec<CellValue>) = std::mem::take(&mut self.cells)
                .into_iter()
                .partition(|c| ids.contains(&c.id));
            self.cells = kept;
            self.rows.retain(|r| r.key != "t3.other");
            for c in taken {
                self.stored[c.id.index()] = false;
                let col = c.id.def().column;
                let parts = family_cells("other", col, true);
                self.subtotals.push(Subtotal {
                    label: format!("「（六）其他处理」小计「{}」列", c.id.def().column_label),
                    value: c.value,
                    raw: c.raw,
                    span: c.span,
                    parts,
                });
            }
        } else if old_at.is_some() {
            self.parts.push(("t3.other".into(), Format::V2019));
        }
        if new {
            self.parts.push(("t3.other".into(), Format::V2021));
        }
        let format_2021 = old_at.is_none() || new;
        for (family, mut reading, label, _) in group_subtotals {
            if let Some(k) = legal_subtotal_at {
                reading.remove(k);
            }
            for (c, &ti) in T3_COLUMNS.iter().zip(&reading) {
                let parts = family_cells(family, c.key, format_2021);
                let t = &self.toks[ti];
                let value = match t.kind {
                    Kind::Value(v) => v,
                    _ => Number::ZERO,
                };
                self.subtotals.push(Subtotal {
                    label: format!("「{label}」小计「{}」列", c.label),
                    value,
                    raw: t.text.to_string(),
                    span: t.span,
                    parts,
                });
            }
        }
    }

    /// Reads table 三's damaged rows: the row's total has filtered each row's readings;
    /// the column identities (outcome rows sum to （七）总计; 一 + 二 = （七） + 四), with the
    /// rows read normally, keep the combinations under which every column holds; a cell is
    /// read when every kept combination gives it one value. When no combination holds (the
    /// report's own error) or there are too many, each row is read by its own readings.
    fn resolve_t3(&mut self, broken: Vec<Broken>, found: &[usize]) {
        let what = "表三的行";
        let row_identity = "本行总计等于各列之和";
        let mut open: Vec<usize> = Vec::new(); // rows decided together
        for (bi, b) in broken.iter().enumerate() {
            if b.count() >= 1 && b.candidates.is_some() {
                open.push(bi);
            } else {
                self.settle_alone(what, b, row_identity);
            }
        }
        if open.is_empty() {
            return;
        }
        // Values known so far, by row key and column.
        let known: std::collections::HashMap<CellId, i64> = self
            .cells
            .iter()
            .filter_map(|c| Some((c.id, c.value.as_i64()?)))
            .collect();
        let key_of = |b: &Broken| b.ids[0].def().row;
        let outcome_rows: Vec<&'static str> = found
            .iter()
            .map(|&r| &T3_ROWS[r])
            .filter(|r| r.role == crate::template::T3Role::Outcome)
            .map(|r| r.key)
            .collect();
        let sizes: Vec<usize> = open.iter().map(|&bi| broken[bi].count()).collect();
        let mut holds = |pick: &[usize]| {
            let value = |row: &str, col: usize| -> Option<i64> {
                match open
                    .iter()
                    .zip(pick)
                    .find(|(&bi, _)| key_of(&broken[bi]) == row)
                {
                    Some((&bi, &p)) => broken[bi].candidate(p)[col].int(),
                    None => known.get(&CellId::t3(row, T3_COLUMNS[col].key)).copied(),
                }
            };
            (0..T3_COLUMNS.len()).all(|col| {
                let v = |row: &str| value(row, col);
                let balance = match (
                    v("new"),
                    v("carried_over"),
                    v("total_processed"),
                    v("carried_forward"),
                ) {
                    (Some(a), Some(b), Some(c), Some(d)) => a + b == c + d,
                    _ => true,
                };
                let outcomes: Option<i64> = outcome_rows.iter().map(|r| v(r)).sum();
                let processed = match (outcomes, v("total_processed")) {
                    (Some(o), Some(t)) => o == t,
                    _ => true,
                };
                balance && processed
            })
        };
        match damage::combinations(&sizes, &mut holds) {
            Some(kept) if !kept.is_empty() => {
                for (k, &bi) in open.iter().enumerate() {
                    let mut picks: Vec<usize> = kept.iter().map(|c| c[k]).collect();
                    picks.sort_unstable();
                    picks.dedup();
                    let why = match (picks.len(), broken[bi].count()) {
                        (1, 1) => format!("这是唯一使{row_identity}的读法"),
                        (1, _) => "在各种读法中，只有这一种使本行总计与表三各列的勾稽关系都成立".to_string(),
                        (n, _) => format!("有 {n} 种读法使本行总计与表三各列的勾稽关系都成立；各读法一致的单元格已读出"),
                    };
                    self.settle(what, &broken[bi], &picks, &why, true);
                }
            }
            _ => {
                for &bi in &open {
                    self.settle_alone(what, &broken[bi], row_identity);
                }
            }
        }
    }

    fn push_subtotal(&mut self, label: String, tok: usize, parts: Vec<CellId>) {
        let t = &self.toks[tok];
        let value = match t.kind {
            Kind::Value(v) => v,
            _ => Number::ZERO,
        };
        self.subtotals.push(Subtotal {
            label,
            value,
            raw: t.text.to_string(),
            span: t.span,
            parts,
        });
    }
}
