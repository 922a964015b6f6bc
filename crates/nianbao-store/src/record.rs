//! What is stored of one report, built from the core's types in the import's worker
//! threads (so that the single writer only writes).

use std::collections::HashMap;

use nianbao_core::document::LineIndex;
use nianbao_core::place::{self, Clues, Gazetteer, Placement, Resolution};
use nianbao_core::{Diagnostic, Report, Severity};

/// A cell as stored.
#[derive(Debug, Clone)]
pub struct NewCell {
    /// Its key, e.g. `t3.new.total`.
    pub key: &'static str,
    /// The exact value as printed (decimals kept).
    pub value: String,
    /// The value as a float, for sums.
    pub num: f64,
    /// Printed blank (counted as 0).
    pub blank: bool,
    /// Byte span in the decoded source.
    pub span: (usize, usize),
    /// 1-based line of the span.
    pub line: usize,
    /// For DOCX/PDF: where in the original.
    pub location: Option<String>,
}

/// A section as stored.
#[derive(Debug, Clone)]
pub struct NewSection {
    /// 1–6.
    pub number: u8,
    /// The heading as printed.
    pub heading: String,
    /// Its prose.
    pub body: String,
}

/// A diagnostic as stored.
#[derive(Debug, Clone)]
pub struct NewDiagnostic {
    /// Rule code.
    pub code: &'static str,
    /// `error` / `warning` / `info`.
    pub severity: &'static str,
    /// The message.
    pub message: String,
    /// Cell keys involved, space-separated.
    pub cells: String,
    /// Byte span and line, when it has a place.
    pub span: Option<(usize, usize, usize)>,
}

impl NewDiagnostic {
    /// From a core diagnostic about `report`.
    pub fn new(report: &Report, d: &Diagnostic) -> NewDiagnostic {
        NewDiagnostic::with_lines(d, &LineIndex::new(&report.document.source))
    }

    /// From a core diagnostic, with the lines of its report's text counted already.
    fn with_lines(d: &Diagnostic, lines: &LineIndex) -> NewDiagnostic {
        NewDiagnostic {
            code: d.code,
            severity: d.severity.as_str(),
            message: d.message.clone(),
            cells: d
                .cells
                .iter()
                .map(|c| c.key())
                .collect::<Vec<_>>()
                .join(" "),
            span: d.span.map(|s| (s.start, s.end, lines.line(s.start))),
        }
    }
}

/// The agency a report belongs to, as placed.
#[derive(Debug, Clone)]
pub struct NewAgency {
    /// Stable identity (see [`Placement::agency_key`]).
    pub key: String,
    /// The name as last printed.
    pub name: String,
    /// Division code, when placed.
    pub region_code: Option<String>,
    /// `省` / `市` / `县` / `乡镇街道`.
    pub level: Option<&'static str>,
    /// `人民政府` or `部门`.
    pub kind_class: &'static str,
    /// `人民政府` or the department's name.
    pub kind_name: String,
    /// `resolved` / `ambiguous` / `unresolved` / `manual`.
    pub resolution: &'static str,
    /// The evidence, `；`-separated.
    pub evidence: String,
    /// Candidate codes when ambiguous, space-separated.
    pub candidates: String,
}

/// Manual placements, by normalised agency name: (division code, department name or
/// `None` for the government itself).
pub type Overrides = HashMap<String, (String, Option<String>)>;

/// A parsed report, ready to store.
#[derive(Debug, Clone)]
pub struct NewReport {
    /// `meta.year`.
    pub year: Option<u16>,
    /// `2021` / `2019` / `mixed` / `unknown`.
    pub template: &'static str,
    /// `meta.agency` as printed.
    pub agency_name: Option<String>,
    /// 发布日期.
    pub published: Option<String>,
    /// 索引号.
    pub index_number: Option<String>,
    /// 文号.
    pub document_number: Option<String>,
    /// Title.
    pub title: Option<String>,
    /// The cells.
    pub cells: Vec<NewCell>,
    /// The sections.
    pub sections: Vec<NewSection>,
    /// The report's own diagnostics (stage `report`).
    pub diagnostics: Vec<NewDiagnostic>,
    /// Its agency, when it names one.
    pub agency: Option<NewAgency>,
}

impl NewReport {
    /// Errors among the diagnostics.
    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error.as_str())
            .count()
    }

    /// Warnings among the diagnostics.
    pub fn warnings(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning.as_str())
            .count()
    }
}

/// Builds the stored form of a report checked without a prior year; `origin` (path or
/// URL) is a clue to its place.
pub fn record(
    report: &Report,
    diagnostics: &[Diagnostic],
    origin: Option<&str>,
    overrides: &Overrides,
) -> NewReport {
    let doc = &report.document;
    let lines = LineIndex::new(&doc.source);
    let cells = report
        .cells
        .iter()
        .map(|c| NewCell {
            key: c.id.key(),
            value: c.value.to_string(),
            num: c.value.as_f64(),
            blank: c.blank,
            span: (c.span.start, c.span.end),
            line: lines.line(c.span.start),
            location: doc.location_of(c.span.start).map(str::to_string),
        })
        .collect();
    let sections = report
        .sections
        .iter()
        .map(|s| NewSection {
            number: s.number,
            heading: s.heading.clone(),
            body: s.text.clone(),
        })
        .collect();
    let meta = &report.meta;
    let agency = report.agency().map(|name| {
        let clues = Clues {
            agency: name,
            title: meta.title.as_ref().map(|t| t.value.as_str()),
            index_number: meta.index_number.as_ref().map(|t| t.value.as_str()),
            text: &doc.source,
            origin,
        };
        agency_of(&clues, overrides)
    });
    NewReport {
        year: report.year(),
        template: report.template().as_str(),
        agency_name: report.agency().map(str::to_string),
        published: meta.published.as_ref().map(|v| v.value.clone()),
        index_number: meta.index_number.as_ref().map(|v| v.value.clone()),
        document_number: meta.document_number.as_ref().map(|v| v.value.clone()),
        title: meta.title.as_ref().map(|v| v.value.clone()),
        cells,
        sections,
        diagnostics: diagnostics
            .iter()
            .map(|d| NewDiagnostic::with_lines(d, &lines))
            .collect(),
        agency,
    }
}

/// Places an agency, a manual placement first.
pub fn agency_of(clues: &Clues<'_>, overrides: &Overrides) -> NewAgency {
    let name = place::normalise_name(clues.agency);
    let g = Gazetteer::get();
    if let Some((code, dept)) = overrides.get(&name) {
        if let Some(d) = g.by_code(code) {
            let kind = match dept {
                Some(dn) => place::AgencyKind::Department(dn.clone()),
                None => place::AgencyKind::Government,
            };
            let p = Placement {
                resolution: Resolution::Resolved,
                division: Some(d),
                kind,
                evidence: vec!["人工指定".to_string()],
                candidates: Vec::new(),
            };
            let mut a = from_placement(&name, &p);
            a.resolution = "manual";
            return a;
        }
    }
    from_placement(&name, &place::place(clues))
}

fn from_placement(name: &str, p: &Placement) -> NewAgency {
    NewAgency {
        key: p.agency_key(name),
        name: name.to_string(),
        region_code: p.division.map(|d| d.code.to_string()),
        level: p.division.map(|d| d.level().chinese()),
        kind_class: p.kind.class(),
        kind_name: p.kind.name().to_string(),
        resolution: p.resolution.as_str(),
        evidence: p.evidence.join("；"),
        candidates: p
            .candidates
            .iter()
            .map(|d| d.code)
            .collect::<Vec<_>>()
            .join(" "),
    }
}
