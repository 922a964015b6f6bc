//! Opt-in: when the shared corpus (`../shared/corpus` beside the checkout) exists, every
//! report with a label must read to exactly its labelled cells: text, HTML and DOCX
//! always; PDF through poppler's `pdftotext -tsv` (installed by `.ci/run`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn corpus_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    dir.join("labels").is_dir().then_some(dir)
}

fn raw_files(dir: &Path, out: &mut BTreeMap<String, PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let p = entry.path();
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n != "labels") {
                raw_files(&p, out);
            }
        } else if let Some(stem) = p.file_stem().and_then(|s| s.to_str()) {
            out.insert(stem.to_string(), p);
        }
    }
}

#[test]
fn text_and_html_reports_match_their_labels() {
    let Some(dir) = corpus_dir() else {
        eprintln!("shared corpus not present: nothing to compare (opt-in test)");
        return;
    };
    let mut raws = BTreeMap::new();
    raw_files(&dir, &mut raws);
    let mut compared = 0;
    let mut failures = Vec::new();
    for entry in std::fs::read_dir(dir.join("labels")).unwrap().flatten() {
        let label_path = entry.path();
        let stem = label_path
            .file_stem()
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        let Some(raw) = raws.get(&stem) else { continue };
        let ext = raw
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        let parsed = match ext.as_str() {
            "pdf" => match std::process::Command::new("pdftotext")
                .args(["-tsv", "-enc", "UTF-8"])
                .arg(raw)
                .arg("-")
                .output()
            {
                Ok(out) if out.status.success() => {
                    nianbao_core::parse_pdf_tsv(&String::from_utf8_lossy(&out.stdout))
                }
                _ => {
                    eprintln!(
                        "{stem}: pdftotext (poppler-utils) is not installed: PDF not compared"
                    );
                    continue;
                }
            },
            _ => nianbao_core::parse(&std::fs::read(raw).unwrap()),
        };
        compared += 1;
        let report = match parsed {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("{stem}: {e}"));
                continue;
            }
        };
        let cells: BTreeMap<String, String> = nianbao_core::render::cells::render(&report)
            .lines()
            .filter_map(|l| {
                l.split_once('\t')
                    .map(|(k, v)| (k.to_string(), v.to_string()))
            })
            .collect();
        for line in std::fs::read_to_string(&label_path).unwrap().lines() {
            let Some((key, want)) = line.split_once('\t') else {
                continue;
            };
            let ok = match key.strip_suffix('~') {
                Some(k) => cells.get(k).is_some_and(|v| v.contains(want)),
                None if key.starts_with("meta.") => {
                    cells.get(key).map(String::as_str) == Some(want)
                }
                None => {
                    cells.get(key).and_then(|v| v.parse::<f64>().ok()) == want.parse::<f64>().ok()
                        && cells.contains_key(key)
                }
            };
            if !ok {
                failures.push(format!(
                    "{stem}: {key} want {want} got {:?}",
                    cells.get(key.trim_end_matches('~'))
                ));
            }
        }
    }
    assert!(
        compared > 0,
        "the corpus has labels but no text or HTML report to compare"
    );
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
