//! Times each pipeline stage over a directory of reports: `cargo run --release --example stages DIR`.
use std::time::{Duration, Instant};

fn main() {
    let dir = std::env::args().nth(1).expect("usage: stages DIR");
    let files: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| std::fs::read(e.path()).unwrap())
        .collect();
    let bytes: usize = files.iter().map(Vec::len).sum();
    let mut t = [Duration::ZERO; 4];
    for b in &files {
        let s = Instant::now();
        let d = nianbao_core::decode::decode(b);
        t[0] += s.elapsed();
        let s = Instant::now();
        let doc = nianbao_core::extract::extract(&d);
        t[1] += s.elapsed();
        let s = Instant::now();
        let r = nianbao_core::align::align(doc, d.encoding);
        t[2] += s.elapsed();
        let s = Instant::now();
        let _ = nianbao_core::check(&r, None);
        t[3] += s.elapsed();
    }
    for (name, d) in ["decode", "extract", "align", "check"].iter().zip(t) {
        println!(
            "{name:<8} {:>8.3} s  {:>8.1} MB/s",
            d.as_secs_f64(),
            bytes as f64 / 1e6 / d.as_secs_f64()
        );
    }
}
