//! `parse --format cells`: one `key<TAB>value` line per value (`cells.md`).

use std::fmt::Write;

use crate::report::Report;

/// Renders the metadata lines, then every cell the report contains, in template order.
/// A blank cell prints as `0`.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    if let Some(y) = &report.meta.year {
        let _ = writeln!(out, "meta.year\t{}", y.value);
    }
    let _ = writeln!(out, "meta.template\t{}", report.template().as_str());
    if let Some(a) = &report.meta.agency {
        let _ = writeln!(out, "meta.agency\t{}", a.value.replace(['\t', '\n'], " "));
    }
    if let Some(p) = &report.meta.published {
        let _ = writeln!(out, "meta.published\t{}", p.value);
    }
    for c in &report.cells {
        let _ = writeln!(out, "{}\t{}", c.id.key(), c.value);
    }
    out
}
