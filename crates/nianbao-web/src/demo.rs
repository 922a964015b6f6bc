//! The demo corpus: generated reports for the agencies of a few real counties, four
//! years each, some with defects, so that a first run of the app is never empty.

use nianbao_core::place::Gazetteer;
use nianbao_core::synth::{agencies_in_county, agency_series, Defect, Layout};
use nianbao_store::record::{record, Overrides};
use nianbao_store::{Incoming, Outcome, Store};

/// Counties of the demo, by division code: 仙居县, 山海关区, 泉港区, 安居区.
const COUNTIES: [&str; 4] = ["331024", "130303", "350505", "510904"];

const DEFECTS: [Defect; 6] = [
    Defect::WrongTotal,
    Defect::BlankCell,
    Defect::MissingRow,
    Defect::OldTemplate,
    Defect::ContradictingSentence,
    Defect::NoFeeStatement,
];

/// The demo's files: (name, bytes).
pub fn files(seed: u64) -> Vec<(String, Vec<u8>)> {
    let g = Gazetteer::get();
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut out = Vec::new();
    for code in COUNTIES {
        let Some(county) = g.by_code(code) else {
            continue;
        };
        for agency in agencies_in_county(county) {
            for r in agency_series(&agency, 4, 0.15, &DEFECTS, &mut rng) {
                let layout = Layout::ALL[rng.usize(..Layout::ALL.len())];
                out.push((
                    format!("demo/{}-{}.{}", r.agency, r.year, layout.extension()),
                    r.render(layout).into_bytes(),
                ));
            }
        }
    }
    out
}

/// Reads and stores the demo corpus; returns how many reports were stored.
pub async fn load(store: &Store) -> nianbao_store::Result<usize> {
    let overrides: Overrides = store.overrides().await?;
    let batch: Vec<Incoming> = tokio::task::spawn_blocking(move || {
        files(2024)
            .into_iter()
            .map(|(name, bytes)| {
                let outcome = match nianbao_core::parse(&bytes) {
                    Ok(report) => {
                        let diags = nianbao_core::check(&report, None);
                        Outcome::Parsed(Box::new(record(&report, &diags, Some(&name), &overrides)))
                    }
                    Err(e) => Outcome::Failed(e.to_string()),
                };
                Incoming {
                    sha256: nianbao_store::sha256_hex(&bytes),
                    kind: "text",
                    bytes,
                    origin: name,
                    outcome,
                }
            })
            .collect()
    })
    .await
    .map_err(|e| nianbao_store::Error::Engine(e.to_string()))?;
    let mut stored = 0;
    for chunk in batch.chunks(200) {
        stored += store
            .save(chunk)
            .await?
            .iter()
            .filter(|s| matches!(s, nianbao_store::Saved::New(_)))
            .count();
    }
    store.check_across_years(None).await?;
    Ok(stored)
}
