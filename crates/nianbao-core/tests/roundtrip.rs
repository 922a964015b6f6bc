//! Property tests: a synthetic report rendered in any layout and either format reads
//! back to exactly the cells it was made from, and checks clean; changing any single
//! number of table 三 or 四 makes `check` report an error naming that cell.

use nianbao_core::number::Number;
use nianbao_core::synth::{Layout, SynthReport};
use nianbao_core::template::Format;
use nianbao_core::Severity;
use proptest::prelude::*;

fn layouts() -> impl Strategy<Value = Layout> {
    prop::sample::select(Layout::ALL.to_vec())
}

fn formats() -> impl Strategy<Value = Format> {
    prop::sample::select(vec![Format::V2021, Format::V2019])
}

fn assert_reads_back(r: &SynthReport, layout: Layout) -> Result<(), TestCaseError> {
    let text = r.render(layout);
    let report = nianbao_core::parse(text.as_bytes())
        .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
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
    prop_assert_eq!(&got, &want, "layout {:?}\n{}", layout, text);
    prop_assert_eq!(report.year(), Some(r.year));
    prop_assert_eq!(report.agency(), Some(r.agency.as_str()));
    prop_assert_eq!(report.template().as_str(), r.format.as_str());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn every_layout_and_format_reads_back_exactly(seed in any::<u64>(), layout in layouts(), format in formats()) {
        let r = SynthReport::random(&mut fastrand::Rng::with_seed(seed), format);
        assert_reads_back(&r, layout)?;
    }

    /// `parse --format md` reads back: the Markdown of any report parses to the same
    /// cells, blanks, year, agency and format, and raises no finding the report itself
    /// did not.
    #[test]
    fn the_markdown_rendering_reads_back(seed in any::<u64>(), layout in layouts(), format in formats()) {
        let r = SynthReport::random(&mut fastrand::Rng::with_seed(seed), format);
        let report = nianbao_core::parse(r.render(layout).as_bytes()).unwrap();
        let md = nianbao_core::render::markdown::render(&report);
        let back = nianbao_core::parse(md.as_bytes())
            .map_err(|e| TestCaseError::fail(format!("{e}\n{md}")))?;
        let cells = |r: &nianbao_core::Report| -> Vec<(String, Number, bool)> {
            r.cells.iter().map(|c| (c.id.key().to_string(), c.value, c.blank)).collect()
        };
        prop_assert_eq!(cells(&back), cells(&report), "{}", md);
        prop_assert_eq!(back.year(), report.year());
        prop_assert_eq!(back.agency(), report.agency());
        prop_assert_eq!(back.template().as_str(), report.template().as_str());
        let codes = |r: &nianbao_core::Report| -> std::collections::BTreeSet<&'static str> {
            nianbao_core::check(r, None).into_iter().map(|d| d.code).collect()
        };
        let before = codes(&report);
        let new: Vec<_> = codes(&back).into_iter().filter(|c| !before.contains(c)).collect();
        prop_assert!(new.is_empty(), "{:?}\n{}", new, md);
    }

    #[test]
    fn a_correct_report_has_no_error(seed in any::<u64>(), layout in layouts()) {
        let mut r = SynthReport::random(&mut fastrand::Rng::with_seed(seed), Format::V2021);
        r.blanks.clear();
        let text = r.render(layout);
        let report = nianbao_core::parse(text.as_bytes()).unwrap();
        let diags = nianbao_core::check(&report, None);
        prop_assert!(diags.is_empty(), "{:?}\n{}", diags, text);
    }
}

/// The exhaustive sweep over layouts × formats with fixed seeds, so that every
/// combination is covered on every run whatever proptest draws.
#[test]
fn every_layout_times_format() {
    for layout in Layout::ALL {
        for format in [Format::V2021, Format::V2019] {
            for seed in 0..8 {
                let r = SynthReport::random(&mut fastrand::Rng::with_seed(seed), format);
                assert_reads_back(&r, layout).unwrap();
            }
        }
    }
}

#[test]
fn changing_any_number_of_tables_3_and_4_is_an_error_naming_it() {
    for layout in [Layout::Pipe, Layout::Html, Layout::CellPerLine] {
        let mut r = SynthReport::random(&mut fastrand::Rng::with_seed(11), Format::V2021);
        r.blanks.clear();
        let ids: Vec<_> = r
            .values
            .keys()
            .copied()
            .filter(|id| !id.key().starts_with("t2."))
            .collect();
        assert_eq!(ids.len(), 175 + 15);
        for id in ids {
            let mut m = r.clone();
            let v = m.values[&id];
            m.values.insert(id, v.checked_add(Number::int(1)).unwrap());
            let text = m.render(layout);
            let report = nianbao_core::parse(text.as_bytes()).unwrap();
            assert_eq!(
                report.cell(id).unwrap().value,
                m.values[&id],
                "{id} not read back in {layout:?}"
            );
            let diags = nianbao_core::check(&report, None);
            assert!(
                diags
                    .iter()
                    .any(|d| d.severity == Severity::Error && d.cells.contains(&id)),
                "changing {id} in {layout:?} went unnoticed: {diags:?}"
            );
        }
    }
}

/// DOCX: every template × every variant (automatic heading numbers, content controls,
/// a layout table around the report, tables split across pages) reads back exactly.
#[test]
fn docx_reads_back_exactly_in_every_variant() {
    use nianbao_core::render::docx::DocxOptions;
    for format in [Format::V2021, Format::V2019] {
        for variant in 0..16u8 {
            let opts = DocxOptions {
                auto_numbered_headings: variant & 1 != 0,
                content_controls: variant & 2 != 0,
                layout_table: variant & 4 != 0,
                split_tables: variant & 8 != 0,
            };
            let r =
                SynthReport::random(&mut fastrand::Rng::with_seed(variant as u64 + 100), format);
            let bytes = r.render_docx(&opts);
            let report = nianbao_core::parse(&bytes).unwrap_or_else(|e| panic!("{opts:?}: {e}"));
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
            assert_eq!(got, want, "{opts:?}\n{}", report.document.source);
            assert_eq!(report.year(), Some(r.year));
            assert_eq!(report.agency(), Some(r.agency.as_str()));
            assert_eq!(report.sections.len(), 6, "{opts:?}");
            if r.blanks.is_empty() {
                let errors: Vec<_> = nianbao_core::check(&report, None)
                    .into_iter()
                    .filter(|d| d.severity == Severity::Error)
                    .collect();
                assert!(errors.is_empty(), "{opts:?}: {errors:?}");
            }
        }
    }
}
