//! `nianbao survey`: the label-free measure over a folder, on generated damaged reports,
//! and (opt-in) over the real corpus beside the checkout.

use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_nianbao"))
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "nianbao-survey-{name}-{}-{}",
        std::process::id(),
        fastrand::u32(..)
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn generate(dir: &Path, layout: &str, count: usize, seed: u64) {
    let o = bin()
        .args([
            "generate",
            "--out",
            dir.to_str().unwrap(),
            "--layout",
            layout,
        ])
        .args(["--count", &count.to_string(), "--seed", &seed.to_string()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn survey(args: &[&str]) -> serde_json::Value {
    let o = bin()
        .arg("survey")
        .args(["--format", "json"])
        .args(args)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn a_folder_of_damaged_reports_is_measured() {
    let dir = tmp("damaged");
    generate(&dir.join("flat"), "flattened", 4, 7);
    generate(&dir.join("collapsed"), "collapsed", 4, 8);
    generate(&dir.join("pipe"), "pipe", 4, 9);
    std::fs::write(dir.join("notes.txt"), "这不是年报。").unwrap();
    let s = survey(&[dir.to_str().unwrap()]);
    assert_eq!(s["schema_version"], 1);
    assert_eq!(s["files"], 13);
    assert_eq!(s["recognised"], 12, "{s:#}");
    assert_eq!(s["reflowed"], 4, "the flattened ones, and only they");
    assert!(s["recoveries"]["collapsed"].as_u64().unwrap() > 0, "{s:#}");
    assert!(s["recoveries"]["glued"].as_u64().unwrap() > 0, "{s:#}");
    let read = s["cells_read"].as_u64().unwrap();
    let per_file: u64 = s["per_file"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["cells_read"].as_u64().unwrap())
        .sum();
    assert_eq!(read, per_file);
    // The clean ones read whole, with every identity holding.
    let pipe: Vec<&serde_json::Value> = s["per_file"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["name"].as_str().unwrap().contains("/pipe/"))
        .collect();
    assert_eq!(pipe.len(), 4);
    assert!(pipe
        .iter()
        .all(|f| f["identities_hold"] == true && f["cells_uncertain"] == 0));
    let unread = s["per_file"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"].as_str().unwrap().ends_with("notes.txt"))
        .unwrap();
    assert_eq!(unread["recognised"], false);
    assert!(unread["error"].as_str().unwrap().contains("未识别"));

    // The summary is Chinese, and names what it could not read.
    let o = bin().arg("survey").arg(&dir).output().unwrap();
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("识别为年报：12"), "{text}");
    assert!(
        text.contains("未识别：") && text.contains("notes.txt"),
        "{text}"
    );
    assert!(text.contains("重复行被合并"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_missing_folder_is_a_clear_error() {
    let o = bin()
        .args(["survey", "/nonexistent/nianbao"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("/nonexistent/nianbao") && out.contains("文件不存在"),
        "{out}"
    );
}

/// Opt-in: the real corpus beside the checkout (`../shared/corpus`). Every report in it
/// is recognised and its tables found; the figures are printed for the notes.
#[test]
fn the_real_corpus_is_surveyed() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    if !corpus.exists() {
        eprintln!("no shared corpus here: nothing to survey");
        return;
    }
    let dirs: Vec<String> = ["seeds", "public", "crawls", "pages"]
        .iter()
        .map(|d| corpus.join(d))
        .filter(|d| d.exists())
        .map(|d| d.display().to_string())
        .collect();
    let args: Vec<&str> = dirs.iter().map(String::as_str).collect();
    let s = survey(&args);
    let reports = s["per_file"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| !f["name"].as_str().unwrap().ends_with("MANIFEST.tsv"))
        .collect::<Vec<_>>();
    for f in &reports {
        assert_eq!(f["recognised"], true, "{f}");
        assert!(f["tables_read"].as_u64().unwrap() >= 2, "{f}");
    }
    let o = bin().arg("survey").args(&args).output().unwrap();
    eprintln!("{}", String::from_utf8_lossy(&o.stdout));
}
