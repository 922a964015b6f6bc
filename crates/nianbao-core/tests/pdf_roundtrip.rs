//! PDF round trip: synthetic reports written as PDF (three font encodings, both formats,
//! tables split over pages with and without a repeated header) read back through
//! poppler's `pdftotext -tsv` to exactly the cells they were made from.
//!
//! Needs `pdftotext` (Debian `poppler-utils` + `poppler-data`; `.ci/run` installs them).
//! Without it the test fails under CI and says so elsewhere.

use nianbao_core::number::Number;
use nianbao_core::render::pdf::{PdfFont, PdfOptions};
use nianbao_core::synth::SynthReport;
use nianbao_core::template::Format;

fn tsv(pdf: &[u8]) -> Option<String> {
    use std::io::Write;
    let mut child = std::process::Command::new("pdftotext")
        .args(["-tsv", "-enc", "UTF-8", "-", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(pdf).ok()?;
    let out = child.wait_with_output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn pdf_reads_back_exactly_in_every_variant() {
    if std::process::Command::new("pdftotext")
        .arg("-v")
        .output()
        .is_err()
    {
        assert!(
            std::env::var_os("CI").is_none(),
            "pdftotext is required in CI"
        );
        eprintln!("pdftotext not installed: PDF round trip not run");
        return;
    }
    let mut cases = 0;
    for font in [
        PdfFont::UniGbUcs2,
        PdfFont::GbkEuc,
        PdfFont::IdentityToUnicode,
    ] {
        for format in [Format::V2021, Format::V2019] {
            for (repeat_header, page_height) in [
                (false, None),
                (true, None),
                (true, Some(600.0)),
                (false, Some(520.0)),
            ] {
                let seed = cases as u64 * 7 + 3;
                let r = SynthReport::random(&mut fastrand::Rng::with_seed(seed), format);
                let opts = PdfOptions {
                    font,
                    repeat_header,
                    page_height,
                    embedded: None,
                };
                let pdf = r.render_pdf(&opts);
                let text = tsv(&pdf).expect("pdftotext reads the fixture");
                let report =
                    nianbao_core::parse_pdf_tsv(&text).unwrap_or_else(|e| panic!("{opts:?}: {e}"));
                let got: Vec<(String, Number, bool)> = report
                    .cells
                    .iter()
                    .map(|c| (c.id.key().to_string(), c.value, c.blank))
                    .collect();
                let want: Vec<(String, Number, bool)> = r
                    .expected_cells()
                    .into_iter()
                    .map(|(id, v, b)| (id.key().to_string(), v, b))
                    .collect();
                assert_eq!(
                    got, want,
                    "seed {seed} {format:?} {opts:?}\n{}",
                    report.document.source
                );
                assert_eq!(report.year(), Some(r.year), "{opts:?}");
                assert_eq!(report.sections.len(), 6, "{opts:?}");
                cases += 1;
            }
        }
    }
    assert_eq!(cases, 24);
}

#[test]
fn a_pdf_without_text_is_a_clear_error() {
    let e = nianbao_core::parse_pdf_tsv("level\tpage_num\tpar_num\tblock_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n").unwrap_err();
    assert!(e.to_string().contains("扫描件"));
}

/// The font file the embedded-font variant uses (Debian `fonts-droid-fallback`;
/// `.ci/run` installs it).
const FONT: &str = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf";

#[test]
fn pdf_with_an_embedded_font_reads_back_exactly() {
    let (Ok(program), true) = (
        std::fs::read(FONT),
        std::process::Command::new("pdftotext")
            .arg("-v")
            .output()
            .is_ok(),
    ) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "{FONT} and pdftotext are required in CI"
        );
        eprintln!("{FONT} or pdftotext missing: embedded-font PDF round trip not run");
        return;
    };
    let face = ttf_parser::Face::parse(&program, 0).expect("a TrueType font");
    let mut glyphs = std::collections::HashMap::new();
    // Characters the font lacks (a CJK fallback font may have no Latin digits) get glyph
    // ids past its last glyph: they print as nothing, but ToUnicode still names them.
    let mut spare = face.number_of_glyphs();
    let mut complete = true;
    for (format, seed) in [(Format::V2021, 11u64), (Format::V2019, 12)] {
        let r = SynthReport::random(&mut fastrand::Rng::with_seed(seed), format);
        // Every character the report can print (the writer looks glyphs up by character).
        for c in (0x20u32..0x7F)
            .chain(0x3000..0x303F)
            .chain(0x4E00..0x9FA6)
            .chain(0xFF00..0xFFEF)
            .chain([0x201C, 0x201D])
        {
            if let Some(ch) = char::from_u32(c) {
                match face.glyph_index(ch) {
                    Some(g) => {
                        glyphs.insert(ch, g.0);
                    }
                    None if ch.is_ascii_graphic() || "“”".contains(ch) => {
                        complete = false;
                        glyphs.entry(ch).or_insert_with(|| {
                            spare += 1;
                            spare
                        });
                    }
                    None => {}
                }
            }
        }
        // Without ToUnicode the text comes back only through the font's own cmap.
        let variants: &[bool] = if complete { &[true, false] } else { &[true] };
        for &to_unicode in variants {
            let embedded = nianbao_core::render::pdf::EmbeddedFont {
                program: program.clone().into(),
                glyphs: std::sync::Arc::new(glyphs.clone()),
                to_unicode,
            };
            let opts = PdfOptions {
                embedded: Some(embedded),
                repeat_header: true,
                ..Default::default()
            };
            let text = tsv(&r.render_pdf(&opts)).expect("pdftotext reads the fixture");
            let report = nianbao_core::parse_pdf_tsv(&text)
                .unwrap_or_else(|e| panic!("to_unicode {to_unicode}: {e}"));
            let got: Vec<(String, Number, bool)> = report
                .cells
                .iter()
                .map(|c| (c.id.key().to_string(), c.value, c.blank))
                .collect();
            let want: Vec<(String, Number, bool)> = r
                .expected_cells()
                .into_iter()
                .map(|(id, v, b)| (id.key().to_string(), v, b))
                .collect();
            assert_eq!(
                got, want,
                "{format:?} to_unicode {to_unicode}\n{}",
                report.document.source
            );
        }
    }
}
