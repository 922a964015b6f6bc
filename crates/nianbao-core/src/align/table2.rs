//! Table 二 (主动公开政府信息情况): its blocks found by their headers (2021 or 2019 columns), the values read against each block's columns.

use super::*;

impl Aligner<'_> {
    // -- table 二 ------------------------------------------------------------

    fn header_format(run: &str) -> Option<Format> {
        let has = |phrases: &[&str]| phrases.iter().any(|p| run.contains(p));
        if T2_BLOCKS.iter().any(|b| has(b.header_2019)) || run.contains("本年增减") {
            Some(Format::V2019)
        } else if T2_BLOCKS.iter().any(|b| has(b.header_2021)) {
            Some(Format::V2021)
        } else {
            None
        }
    }

    pub(super) fn read_t2(&mut self, range: std::ops::Range<usize>) {
        let units = self.units(range);
        let mut header: Option<Format> = None;
        let mut found: Vec<&'static str> = Vec::new();
        // Formats seen so far (table 三 is read first), for a header-less block.
        let fallback = TemplateUse::from_evidence(self.parts.iter().map(|(_, f)| *f));
        for unit in &units {
            if unit.labels.is_empty() {
                continue;
            }
            let run = self.run_text(unit);
            if let Some(f) = Self::header_format(&run) {
                header = Some(f);
            }
            if !unit.values.iter().any(|&v| self.toks[v].is_strong_value()) {
                continue;
            }
            // Rightmost row phrase in the run.
            static KEYS: OnceLock<KeyMatcher<(usize, usize)>> = OnceLock::new();
            let m = KEYS.get_or_init(|| {
                KeyMatcher::new(T2_BLOCKS.iter().enumerate().flat_map(|(bi, b)| {
                    b.rows
                        .iter()
                        .enumerate()
                        .flat_map(move |(ri, row)| row.keys.iter().map(move |k| (*k, (bi, ri))))
                }))
            });
            let Some((bi, ri)) = m.rightmost(&run) else {
                continue;
            };
            let block = &T2_BLOCKS[bi];
            let row = &block.rows[ri];
            if found.contains(&row.key) {
                continue;
            }
            let exists = |f: Format| match f {
                Format::V2021 => row.label_2021.is_some(),
                Format::V2019 => row.label_2019.is_some(),
            };
            let other = |f: Format| {
                if f == Format::V2021 {
                    Format::V2019
                } else {
                    Format::V2021
                }
            };
            let mut order: Vec<Format> = Vec::new();
            let header_known = header.filter(|&f| exists(f));
            match header_known {
                Some(f) => order.extend([f, other(f)]),
                None => {
                    let pref = match fallback {
                        TemplateUse::V2019 => Format::V2019,
                        _ => Format::V2021,
                    };
                    order.extend([pref, other(pref)]);
                }
            }
            order.retain(|&f| exists(f));
            let mut done = false;
            let mut err = String::new();
            for (k, &f) in order.iter().enumerate() {
                let cols = block.columns(f);
                // Without a header, a block whose formats have as many columns as each
                // other cannot be told apart by its numbers: say so.
                match self.read(unit, cols.len()) {
                    Ok(reading) => {
                        let ids: Vec<CellId> =
                            cols.iter().map(|c| CellId::t2(row.key, c.key)).collect();
                        self.store(&ids, &reading);
                        let (label, span) = self.label_text(unit);
                        self.rows.push(RowFound {
                            key: format!("t2.{}", row.key),
                            label,
                            span,
                        });
                        self.parts.push((format!("t2.{}", row.key), f));
                        let ambiguous = header_known.is_none()
                            && order.len() == 2
                            && block.columns(order[0]).len() == block.columns(order[1]).len();
                        if ambiguous && k == 0 {
                            self.diags.push(
                                Diagnostic::new(
                                    codes::UNKNOWN_HEADER,
                                    Severity::Warning,
                                    format!("表二「{}」一栏没有可识别的表头，按{}年格式的列读取", block.item, f.as_str()),
                                )
                                .at(Some(span), "此行的列含义无法从表头确定")
                                .cells(ids.iter().copied())
                                .help("按统一格式补全表头（如“本年制发件数 / 本年废止件数 / 现行有效件数”）"),
                            );
                        }
                        found.push(row.key);
                        done = true;
                        break;
                    }
                    Err(e) => {
                        err = e;
                        // Under a header that names the format, a row of glued or split
                        // digits is that format's row broken, not the other format's.
                        if k == 0 && header_known.is_some() && self.numbers_only(unit) {
                            break;
                        }
                    }
                }
            }
            if !done {
                // Damaged numbers: table 二 has no identity to decide between readings, so
                // only the cells on which every reading agrees are read.
                let f = order.first().copied();
                let broken = f.and_then(|f| {
                    let ids: Vec<CellId> = block
                        .columns(f)
                        .iter()
                        .map(|c| CellId::t2(row.key, c.key))
                        .collect();
                    self.damaged(unit, ids, None).map(|b| (f, b))
                });
                match broken {
                    Some((f, b)) => {
                        self.settle_alone("表二的行", &b, "");
                        self.rows.push(RowFound {
                            key: format!("t2.{}", row.key),
                            label: b.label.clone(),
                            span: b.label_span,
                        });
                        self.parts.push((format!("t2.{}", row.key), f));
                        found.push(row.key);
                    }
                    None => {
                        let ids: Vec<CellId> = order
                            .first()
                            .map(|&f| {
                                block
                                    .columns(f)
                                    .iter()
                                    .map(|c| CellId::t2(row.key, c.key))
                                    .collect()
                            })
                            .unwrap_or_default();
                        self.unreadable("表二的行", unit, err, &ids)
                    }
                }
            }
        }
    }
}
