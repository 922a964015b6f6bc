//! A PDF's two views as the core takes them — `pdftotext -tsv` words and `pdftocairo -svg`
//! pages — from any bytes: the input up to the first NUL is the TSV, the rest the SVG.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let cut = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    let tsv = String::from_utf8_lossy(&data[..cut]);
    let svg = data.get(cut + 1..).map(String::from_utf8_lossy);
    if let Ok(report) = nianbao_core::parse_pdf(&tsv, svg.as_deref()) {
        let _ = nianbao_core::check(&report, None);
    }
});
