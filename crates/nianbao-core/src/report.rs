//! The report aligned to the statutory template: what `parse` returns.

use crate::diagnostic::Diagnostic;
use crate::document::{Document, Span};
use crate::number::Number;
use crate::template::{CellId, Format, TemplateUse};

/// Metadata of a report.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Meta {
    /// 统计年度: the year the report covers.
    pub year: Option<Located<u16>>,
    /// The reporting body as the report names it.
    pub agency: Option<Located<String>>,
    /// 发布日期 (or 发文/成文/公文生成日期), `YYYY-MM-DD`.
    pub published: Option<Located<String>>,
    /// 索引号.
    pub index_number: Option<Located<String>>,
    /// 文号, e.g. `泉港政办〔2025〕1号`.
    pub document_number: Option<Located<String>>,
    /// The report title as written, if found.
    pub title: Option<Located<String>>,
}

/// A value with where it was found and how.
#[derive(Clone, Debug, PartialEq)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Where it stands in the source.
    pub span: Span,
    /// Where it came from (`title`, `发布机构`, `统计期限`, `总体情况` …).
    pub source: &'static str,
}

/// One of the six sections as found.
#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    /// 1 to 6 (一 to 六).
    pub number: u8,
    /// The heading as written.
    pub heading: String,
    /// Where the heading stands.
    pub heading_span: Span,
    /// The numeral the heading itself carries (may differ from `number` when misnumbered).
    pub printed_number: Option<u8>,
    /// Running text of the section (tables excluded), paragraphs joined by newlines.
    pub text: String,
    /// Paragraphs of the section with their spans (for narrative checks).
    pub paras: Vec<SectionPara>,
    /// From the heading to the next section's heading.
    pub span: Span,
}

/// A paragraph of a section.
#[derive(Clone, Debug, PartialEq)]
pub struct SectionPara {
    /// The text.
    pub text: String,
    /// Where it stands.
    pub span: Span,
    /// True when `text` is exactly `source[span]`.
    pub verbatim: bool,
}

/// One cell of a statutory table as read.
#[derive(Clone, Debug, PartialEq)]
pub struct CellValue {
    /// Its address.
    pub id: CellId,
    /// The value (0 for a blank cell).
    pub value: Number,
    /// The cell was printed blank (empty, `/`, `—`, `-`, `无` …).
    pub blank: bool,
    /// The text as printed.
    pub raw: String,
    /// Where it stands.
    pub span: Span,
}

/// A subtotal printed by a variant shape of table 三 (a `（三）不予公开` row with its own
/// numbers, a 法人或其他组织小计 column). Not a cell of the vocabulary, but an extra
/// identity: it must equal the sum of its parts.
#[derive(Clone, Debug, PartialEq)]
pub struct Subtotal {
    /// What it is, in Chinese.
    pub label: String,
    /// The printed value (0 when blank).
    pub value: Number,
    /// The text as printed.
    pub raw: String,
    /// Where it stands.
    pub span: Span,
    /// The cells it sums.
    pub parts: Vec<CellId>,
}

/// A table row that was found, with the label as written.
#[derive(Clone, Debug, PartialEq)]
pub struct RowFound {
    /// The table row key, e.g. `t3.granted` or `t2.licensing`.
    pub key: String,
    /// The label as written.
    pub label: String,
    /// Where the label stands.
    pub span: Span,
}

/// What the reader repaired: a flattened body cut back into lines, and each damaged row
/// read through the damage models (数据修复记录). For measuring a corpus (`nianbao survey`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Damage {
    /// The body came as one flattened line and was cut at headings and row labels.
    pub reflowed: bool,
    /// Each damaged row, in document order.
    pub rows: Vec<Recovery>,
}

/// One damaged row and what came of it.
#[derive(Clone, Debug, PartialEq)]
pub struct Recovery {
    /// The models of the readings kept (else of those tried).
    pub models: Vec<crate::align::DamageModel>,
    /// Cells read (every kept reading agreed).
    pub read: usize,
    /// Cells left uncertain (E0002).
    pub open: usize,
}

/// A report read and aligned to the template.
#[derive(Clone, Debug)]
pub struct Report {
    /// The intermediate document (source text, blocks).
    pub document: Document,
    /// The encoding the file was read in.
    pub encoding: &'static str,
    /// Metadata.
    pub meta: Meta,
    /// The format each table part was read in (evidence for [`Report::template`]).
    pub parts: Vec<(String, Format)>,
    /// The sections found, in order.
    pub sections: Vec<Section>,
    /// Every cell read, in template order.
    pub cells: Vec<CellValue>,
    /// The rows found, in document order.
    pub rows: Vec<RowFound>,
    /// Subtotals of variant table shapes (extra identities).
    pub subtotals: Vec<Subtotal>,
    /// What the reader itself found (unreadable rows, label deviations, decoding trouble).
    pub diagnostics: Vec<Diagnostic>,
    /// What the reader repaired.
    pub damage: Damage,
    /// Position in `cells` of each cell id (`u16::MAX`: absent), for constant-time lookup.
    pub(crate) index: Vec<u16>,
}

impl Report {
    /// A report made of values alone, with no source document: a roll-up of several
    /// reports, or figures computed from a register. Rendered and checked like any other;
    /// its spans are empty.
    pub fn from_values(
        year: Option<u16>,
        agency: &str,
        format: Format,
        values: impl IntoIterator<Item = (CellId, Number)>,
    ) -> Report {
        let cells = values.into_iter().map(|(id, value)| CellValue {
            id,
            value,
            blank: false,
            raw: value.to_string(),
            span: Span::default(),
        });
        Report::from_cells(year, agency, format, cells.collect())
    }

    /// A report made of cells read before (e.g. from the corpus store), keeping their
    /// spans into a source that is not at hand.
    pub fn from_cells(
        year: Option<u16>,
        agency: &str,
        format: Format,
        mut cells: Vec<CellValue>,
    ) -> Report {
        let document = Document {
            source: String::new(),
            kind: crate::document::SourceKind::Text,
            blocks: Vec::new(),
            locations: Vec::new(),
            lines: Default::default(),
        };
        cells.sort_by_key(|c| c.id.index());
        cells.dedup_by_key(|c| c.id);
        let mut parts: Vec<(String, Format)> = Vec::new();
        for c in &cells {
            let def = c.id.def();
            let part = match def.table {
                crate::template::TableId::T2 => format!("t2.{}", def.row),
                t => t.numeral().to_string(),
            };
            if !parts.iter().any(|(p, _)| *p == part) {
                parts.push((part, format));
            }
        }
        let located = |value: String| Located {
            value,
            span: Span::default(),
            source: "values",
        };
        let meta = Meta {
            year: year.map(|y| Located {
                value: y,
                span: Span::default(),
                source: "values",
            }),
            agency: Some(located(agency.to_string())),
            ..Meta::default()
        };
        let mut r = Report {
            document,
            encoding: "UTF-8",
            meta,
            parts,
            sections: Vec::new(),
            cells,
            rows: Vec::new(),
            subtotals: Vec::new(),
            diagnostics: Vec::new(),
            damage: Damage::default(),
            index: Vec::new(),
        };
        r.reindex();
        r
    }

    /// Which format the tables follow (`meta.template`), from the parts read.
    pub fn template(&self) -> TemplateUse {
        TemplateUse::from_evidence(self.parts.iter().map(|(_, f)| *f))
    }

    /// True when any cell of this table was read.
    pub fn has_table(&self, table: crate::template::TableId) -> bool {
        self.cells.iter().any(|c| c.id.def().table == table)
    }

    /// True when no statutory table was read at all.
    pub fn has_no_table(&self) -> bool {
        self.cells.is_empty()
    }

    /// The cell with this id, if the report has it.
    pub fn cell(&self, id: CellId) -> Option<&CellValue> {
        match self.index.get(id.index()) {
            Some(&i) if (i as usize) < self.cells.len() => Some(&self.cells[i as usize]),
            _ => None,
        }
    }

    /// Rebuilds the lookup index after `cells` changed.
    pub fn reindex(&mut self) {
        self.index = vec![u16::MAX; CellId::count()];
        for (i, c) in self.cells.iter().enumerate() {
            self.index[c.id.index()] = i as u16;
        }
    }

    /// The cell with this key, if the report has it.
    pub fn cell_by_key(&self, key: &str) -> Option<&CellValue> {
        CellId::from_key(key).and_then(|id| self.cell(id))
    }

    /// The section with this number (1–6), if found.
    pub fn section(&self, number: u8) -> Option<&Section> {
        self.sections.iter().find(|s| s.number == number)
    }

    /// The report year, if known.
    pub fn year(&self) -> Option<u16> {
        self.meta.year.as_ref().map(|y| y.value)
    }

    /// The agency, if known.
    pub fn agency(&self) -> Option<&str> {
        self.meta.agency.as_ref().map(|a| a.value.as_str())
    }

    /// True when the report has any cell of table 三's row `row` (e.g. `other`).
    pub fn has_t3_row(&self, row: &str) -> bool {
        self.cells
            .iter()
            .any(|c| c.id.def().table == crate::template::TableId::T3 && c.id.def().row == row)
    }
}
