//! Findings: what a rule or the reader has to say about a report.

use crate::document::Span;
use crate::template::CellId;

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth knowing; not a defect (e.g. a known heading variant).
    Info,
    /// A defect that does not make a number wrong (old template, blank cell …).
    Warning,
    /// A wrong or missing number or part.
    Error,
}

impl Severity {
    /// `"error"`, `"warning"`, `"info"` — the JSON value.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// 错误 / 警告 / 提示.
    pub fn chinese(self) -> &'static str {
        match self {
            Severity::Info => "提示",
            Severity::Warning => "警告",
            Severity::Error => "错误",
        }
    }
}

/// A secondary location with a note, shown under the main one.
#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    /// Where.
    pub span: Span,
    /// What is there (Chinese).
    pub text: String,
}

/// One finding.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// Stable rule code, e.g. `T3001`.
    pub code: &'static str,
    /// Severity.
    pub severity: Severity,
    /// One-sentence message in Chinese.
    pub message: String,
    /// Every cell that takes part (for an identity: all cells of the equation).
    pub cells: Vec<CellId>,
    /// The main location, if the finding has one in the source.
    pub span: Option<Span>,
    /// What the marker under the main location says.
    pub label: String,
    /// Further locations.
    pub notes: Vec<Note>,
    /// How to fix it (Chinese).
    pub help: Option<String>,
}

impl Diagnostic {
    /// A finding with a code, severity and message; the rest is added with the builders.
    pub fn new(code: &'static str, severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity,
            message: message.into(),
            cells: Vec::new(),
            span: None,
            label: String::new(),
            notes: Vec::new(),
            help: None,
        }
    }

    /// Sets the main location and its marker text.
    pub fn at(mut self, span: Option<Span>, label: impl Into<String>) -> Self {
        self.span = span;
        self.label = label.into();
        self
    }

    /// Sets the cells involved.
    pub fn cells(mut self, cells: impl IntoIterator<Item = CellId>) -> Self {
        self.cells = cells.into_iter().collect();
        self
    }

    /// Adds a secondary location.
    pub fn note(mut self, span: Span, text: impl Into<String>) -> Self {
        self.notes.push(Note {
            span,
            text: text.into(),
        });
        self
    }

    /// Sets the help line.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}
