//! The rules: one file per rule, each with a stable code, a default severity and a
//! doc (what it checks, why, the clause it enforces, a failing and a passing
//! example, how to fix) that `nianbao explain CODE` prints. A rule file declares the
//! rule with `rule!` and gives its check as an inherent `run`; the macro implements
//! [`Rule`] from the two.
//!
//! Families: `E` the reader's own findings, `S` structure and template, `T` table
//! arithmetic (勾稽关系), `V` values, `X` narrative against tables, `Y` across years.
//! Codes are stable and never reused.

use crate::decode::Decoded;
use crate::diagnostic::{Diagnostic, Severity};
use crate::report::{CellValue, Report};
use crate::template::CellId;

macro_rules! rule {
    ($(#[doc = $doc:literal])* $name:ident, $code:literal, $sev:ident, $title:literal) => {
        $(#[doc = $doc])*
        pub struct $name;
        impl $name {
            /// This rule's registry entry.
            pub const META: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
                code: $code,
                name: stringify!($name),
                severity: $crate::diagnostic::Severity::$sev,
                title: $title,
                doc: concat!($($doc, "\n"),*),
            };
        }
        impl $crate::rules::Rule for $name {
            fn meta(&self) -> &'static $crate::rules::RuleMeta {
                &Self::META
            }
            fn check(&self, cx: &$crate::rules::Context<'_>, out: &mut Vec<$crate::diagnostic::Diagnostic>) {
                self.run(cx, out)
            }
        }
    };
}

mod applicant_total_mismatch;
mod application_balance_mismatch;
mod blank_cell;
mod carry_over_mismatch;
mod decoding_trouble;
mod duplicate_row;
mod fee_statement_missing;
mod fractional_count;
mod heading_variant;
mod in_force_out_of_step;
mod missing_row;
mod missing_section;
mod missing_table;
mod mixed_template;
mod narrative_contradicts_table;
mod negative_count;
mod outcome_total_mismatch;
mod outdated_template;
mod recovered_row;
mod review_total_mismatch;
mod row_label_deviation;
mod section_heading_missing;
mod section_misnumbered;
mod subtotal_mismatch;
mod unknown_table_header;
mod unreadable_row;

#[cfg(test)]
mod tests;

pub use applicant_total_mismatch::ApplicantTotalMismatch;
pub use application_balance_mismatch::ApplicationBalanceMismatch;
pub use blank_cell::BlankCell;
pub use carry_over_mismatch::CarryOverMismatch;
pub use decoding_trouble::DecodingTrouble;
pub use duplicate_row::DuplicateRow;
pub use fee_statement_missing::FeeStatementMissing;
pub use fractional_count::FractionalCount;
pub use heading_variant::HeadingVariant;
pub use in_force_out_of_step::InForceOutOfStep;
pub use missing_row::MissingRow;
pub use missing_section::MissingSection;
pub use missing_table::MissingTable;
pub use mixed_template::MixedTemplate;
pub use narrative_contradicts_table::NarrativeContradictsTable;
pub use negative_count::NegativeCount;
pub use outcome_total_mismatch::OutcomeTotalMismatch;
pub use outdated_template::OutdatedTemplate;
pub use recovered_row::RecoveredRow;
pub use review_total_mismatch::ReviewTotalMismatch;
pub use row_label_deviation::RowLabelDeviation;
pub use section_heading_missing::SectionHeadingMissing;
pub use section_misnumbered::SectionMisnumbered;
pub use subtotal_mismatch::SubtotalMismatch;
pub use unknown_table_header::UnknownTableHeader;
pub use unreadable_row::UnreadableRow;

/// A rule's registry entry.
#[derive(Debug, Clone, Copy)]
pub struct RuleMeta {
    /// Stable code, e.g. `T3001`.
    pub code: &'static str,
    /// Name of the problem, e.g. `ApplicationBalanceMismatch`.
    pub name: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// One line in Chinese.
    pub title: &'static str,
    /// The full doc (Markdown, Chinese).
    pub doc: &'static str,
}

impl RuleMeta {
    /// The doc with the one leading space of each doc-comment line removed.
    pub fn doc_text(&self) -> String {
        self.doc
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
            .trim()
            .to_string()
    }
}

/// What a rule sees.
pub struct Context<'a> {
    /// The report under check.
    pub report: &'a Report,
    /// The same agency's report for the previous year, if given.
    pub prior: Option<&'a Report>,
}

impl Context<'_> {
    /// A cell of the report.
    pub fn cell(&self, id: CellId) -> Option<&CellValue> {
        self.report.cell(id)
    }
}

/// A rule.
pub trait Rule: Sync {
    /// Its registry entry.
    fn meta(&self) -> &'static RuleMeta;
    /// Adds its findings about the report.
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>);
}

/// Every rule, in code order. `nianbao rules` lists this slice.
pub static RULES: &[&dyn Rule] = &[
    &DecodingTrouble,
    &UnreadableRow,
    &RowLabelDeviation,
    &UnknownTableHeader,
    &DuplicateRow,
    &RecoveredRow,
    &OutdatedTemplate,
    &MixedTemplate,
    &MissingTable,
    &MissingRow,
    &BlankCell,
    &MissingSection,
    &SectionMisnumbered,
    &HeadingVariant,
    &SectionHeadingMissing,
    &FeeStatementMissing,
    &ApplicationBalanceMismatch,
    &OutcomeTotalMismatch,
    &ApplicantTotalMismatch,
    &SubtotalMismatch,
    &ReviewTotalMismatch,
    &NegativeCount,
    &FractionalCount,
    &NarrativeContradictsTable,
    &CarryOverMismatch,
    &InForceOutOfStep,
];

/// The rule with this code.
pub fn by_code(code: &str) -> Option<&'static dyn Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.meta().code.eq_ignore_ascii_case(code))
}

/// Runs every rule. Findings are ordered by position in the source, then by code.
pub fn run_all(report: &Report, prior: Option<&Report>) -> Vec<Diagnostic> {
    let cx = Context { report, prior };
    let mut out = Vec::new();
    for r in RULES {
        r.check(&cx, &mut out);
    }
    out.sort_by_key(|d| (d.span.map_or(usize::MAX, |s| s.start), d.code));
    out
}

/// Runs only the rules across years (the `Y` family): what a corpus adds to a report it
/// already checked alone, once it holds the same agency's previous year.
pub fn run_across_years(report: &Report, prior: &Report) -> Vec<Diagnostic> {
    let cx = Context {
        report,
        prior: Some(prior),
    };
    let mut out = Vec::new();
    for r in RULES.iter().filter(|r| r.meta().code.starts_with('Y')) {
        r.check(&cx, &mut out);
    }
    out
}

/// Forwards the reader's findings with this code (the `E` family).
fn forward(cx: &Context<'_>, code: &str, out: &mut Vec<Diagnostic>) {
    out.extend(
        cx.report
            .diagnostics
            .iter()
            .filter(|d| d.code == code)
            .cloned(),
    );
}

/// The decoding findings that `parse` attaches to a report (see [`DecodingTrouble`]).
pub fn decoding_findings(decoded: &Decoded, report: &Report) -> Vec<Diagnostic> {
    decoding_trouble::findings(decoded, report)
}

/// `「（一）予以公开」5` for messages.
pub(crate) fn show(c: &CellValue) -> String {
    format!("「{}」{}", short_row(c.id.def().row_label), c.value)
}

pub(crate) use crate::template::short_label as short_row;

/// Builds the finding for an identity `left = right` that fails: the message shows
/// both sides with every term, the marker points at the total, and every cell of the
/// equation is listed.
pub(crate) fn equation_failure(
    meta: &RuleMeta,
    context: String,
    left: &[&CellValue],
    right: &[&CellValue],
    help: &str,
) -> Option<Diagnostic> {
    let sum = |side: &[&CellValue]| crate::number::Number::sum(side.iter().map(|c| c.value));
    let (l, r) = (sum(left)?, sum(right)?);
    if l == r {
        return None;
    }
    let terms = |side: &[&CellValue]| side.iter().map(|c| show(c)).collect::<Vec<_>>().join(" + ");
    let message = format!(
        "{context}：{} = {l}，而 {} = {r}",
        terms(left),
        terms(right)
    );
    // The marker goes under the total (the single cell of one side), the notes under the parts.
    let (total, parts) = if left.len() == 1 {
        (left[0], right)
    } else {
        (right[0], left)
    };
    let mut d = Diagnostic::new(meta.code, meta.severity, message)
        .at(Some(total.span), format!("此处为 {}", total.value))
        .cells(left.iter().chain(right).map(|c| c.id))
        .help(help);
    for p in parts
        .iter()
        .filter(|p| !p.span.is_empty() && p.span != total.span)
        .take(4)
    {
        d = d.note(
            p.span,
            format!("{} {}", short_row(p.id.def().row_label), p.value),
        );
    }
    Some(d)
}

/// Builds the finding for a row whose total is not the sum of its columns (identities 3
/// and 4): every term by its column label, the marker under the total.
pub(crate) fn row_total_failure(
    meta: &RuleMeta,
    row: &str,
    total: &CellValue,
    parts: &[&CellValue],
    help: &str,
) -> Option<Diagnostic> {
    let sum = crate::number::Number::sum(parts.iter().map(|c| c.value))?;
    if sum == total.value {
        return None;
    }
    let terms: Vec<String> = parts
        .iter()
        .map(|c| format!("{}{}", c.id.def().column_label, c.value))
        .collect();
    let mut d = Diagnostic::new(
        meta.code,
        meta.severity,
        format!(
            "{row}：{} = {sum}，而总计为 {}",
            terms.join(" + "),
            total.value
        ),
    )
    .at(Some(total.span), format!("应为 {sum}"))
    .cells(parts.iter().map(|c| c.id).chain([total.id]))
    .help(help);
    for p in parts
        .iter()
        .filter(|c| c.value != crate::number::Number::ZERO && !c.span.is_empty())
        .take(3)
    {
        d = d.note(p.span, format!("{} {}", p.id.def().column_label, p.value));
    }
    Some(d)
}
