//! The corpus's own checks: each report against the same agency's previous year.

use std::collections::HashMap;

use nianbao_core::number::parse_number;
use nianbao_core::report::CellValue;
use nianbao_core::template::{CellId, Format};
use nianbao_core::{Report, Span};

use crate::record::NewDiagnostic;
use crate::{Result, Store};

/// The cells the cross-year rules read: table 三's carry-over rows, table 二's stocks
/// (a key prefix each).
const CROSS_YEAR_CELLS: &[&str] = &["t3.carried", "t2.regulations.", "t2.normative_docs."];

/// Pairs handled per round trip.
const PAIRS_PER_ROUND: usize = 256;

impl Store {
    /// Runs the cross-year rules over each (year, previous year) pair of the same agency
    /// that involves one of `ids` or a report still owed its check (all pairs for
    /// `None`), stores their findings as the corpus's (stage `corpus`), and returns them.
    /// The rules read only cells, so the two reports are rebuilt from the stored cells,
    /// with their spans and lines; no source is read again.
    ///
    /// Idempotent over what is stored: a report is owed its check from the transaction
    /// that stores it until a pass has stored its findings, so whatever stopped an earlier
    /// pass (a kill, a full disk), the next one leaves the same findings as one pass over
    /// everything would.
    pub async fn check_across_years(&self, ids: Option<&[i64]>) -> Result<Vec<NewDiagnostic>> {
        let owed = self.owed_across_years().await?;
        let wanted: Option<Vec<i64>> = ids.map(|ids| {
            let mut all: Vec<i64> = ids.iter().chain(&owed).copied().collect();
            all.sort_unstable();
            all.dedup();
            all
        });
        let all = self.check_pairs(wanted.as_deref()).await?;
        self.settle_across_years(&owed).await?;
        Ok(all)
    }

    async fn check_pairs(&self, ids: Option<&[i64]>) -> Result<Vec<NewDiagnostic>> {
        let pairs = self.year_pairs(ids).await?;
        let mut all = Vec::new();
        for chunk in pairs.chunks(PAIRS_PER_ROUND) {
            let mut wanted: Vec<i64> = chunk.iter().flat_map(|&(a, b)| [a, b]).collect();
            wanted.sort_unstable();
            wanted.dedup();
            let mut cells: HashMap<i64, Vec<CellValue>> = HashMap::new();
            let mut lines: HashMap<(i64, usize), usize> = HashMap::new();
            for (id, key, value, blank, start, end, line) in
                self.located_cells_of(&wanted, CROSS_YEAR_CELLS).await?
            {
                let (Some(cid), Some(v)) = (CellId::from_key(&key), parse_number(&value)) else {
                    continue;
                };
                let span = Span {
                    start: start as usize,
                    end: end as usize,
                };
                lines.insert((id, span.start), line as usize);
                cells.entry(id).or_default().push(CellValue {
                    id: cid,
                    value: v,
                    blank: blank != 0,
                    raw: value,
                    span,
                });
            }
            let reports: HashMap<i64, Report> = self
                .years_of(&wanted)
                .await?
                .into_iter()
                .map(|(id, year, agency)| {
                    let year = year.and_then(|y| u16::try_from(y).ok());
                    let agency = agency.unwrap_or_default();
                    (
                        id,
                        Report::from_cells(
                            year,
                            &agency,
                            Format::V2021,
                            cells.remove(&id).unwrap_or_default(),
                        ),
                    )
                })
                .collect();
            let mut found = Vec::new();
            for (now_id, prior_id) in chunk {
                let (Some(now), Some(prior)) = (reports.get(now_id), reports.get(prior_id)) else {
                    continue;
                };
                let diags: Vec<NewDiagnostic> = nianbao_core::rules::run_across_years(now, prior)
                    .iter()
                    .map(|d| {
                        let mut nd = NewDiagnostic::new(now, d);
                        // The rebuilt report has no text to count lines in: take the stored line.
                        if let Some(span) = &mut nd.span {
                            span.2 = lines.get(&(*now_id, span.0)).copied().unwrap_or(span.2);
                        }
                        nd
                    })
                    .collect();
                found.push((*now_id, diags));
            }
            // Only reports with findings now, or with findings from an earlier pass, change.
            let had = self.with_corpus_diagnostics(&wanted).await?;
            found.retain(|(id, diags)| !diags.is_empty() || had.contains(id));
            self.set_corpus_diagnostics(&found).await?;
            all.extend(found.into_iter().flat_map(|(_, d)| d));
        }
        Ok(all)
    }
}
