//! Writes a synthetic report as PDF: `cargo run --example mkpdf -p nianbao-core -- OUT.pdf [SEED] [FONT]`.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let out = args
        .get(1)
        .expect("usage: mkpdf OUT.pdf [SEED] [ucs2|gbk|identity]");
    let seed: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
    let font = match args.get(3).map(String::as_str) {
        Some("gbk") => nianbao_core::render::pdf::PdfFont::GbkEuc,
        Some("identity") => nianbao_core::render::pdf::PdfFont::IdentityToUnicode,
        _ => nianbao_core::render::pdf::PdfFont::UniGbUcs2,
    };
    let r = nianbao_core::synth::SynthReport::random(
        &mut fastrand::Rng::with_seed(seed),
        nianbao_core::template::Format::V2021,
    );
    let opts = nianbao_core::render::pdf::PdfOptions {
        font,
        repeat_header: true,
        ..Default::default()
    };
    std::fs::write(out, r.render_pdf(&opts)).unwrap();
}
