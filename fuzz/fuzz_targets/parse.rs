//! Any bytes through the core's reader (text, HTML, DOCX), the rules and the renderers:
//! no panic, and libFuzzer's limits (`-timeout`, `-rss_limit_mb`) bound time and memory.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(report) = nianbao_core::parse(data) {
        let diags = nianbao_core::check(&report, Some(&report));
        let _ = nianbao_core::render::human::render("fuzz", &report.document.source, &diags);
        let _ = serde_json::to_string(&nianbao_core::render::json::parse_output("fuzz", &report));
    }
});
