//! Compiler-style diagnostics in Chinese: code, severity, message, the source line
//! with a marker under the offending number (display-width aware, so CJK text before
//! it does not shift the marker), notes and a help line.

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, Severity as CsSeverity};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, Config};

use crate::diagnostic::{Diagnostic, Severity};
use crate::document::floor_char_boundary;

/// Renders findings about `source` (shown under the name `file`).
pub fn render(file: &str, source: &str, diagnostics: &[Diagnostic]) -> String {
    let files = SimpleFile::new(file, source);
    let config = Config::default();
    let mut out = String::new();
    for d in diagnostics {
        let cs = convert(source, d);
        match term::emit_into_string(&config, &files, &cs) {
            Ok(s) => out.push_str(&s),
            Err(_) => out.push_str(&format!("{}[{}]: {}\n", d.severity.chinese(), d.code, d.message)),
        }
    }
    out
}

fn clamp(source: &str, s: crate::document::Span) -> std::ops::Range<usize> {
    let start = floor_char_boundary(source, s.start);
    let end = floor_char_boundary(source, s.end.max(s.start)).max(start);
    start..end
}

fn convert(source: &str, d: &Diagnostic) -> CsDiagnostic<()> {
    let severity = match d.severity {
        Severity::Error => CsSeverity::Error,
        Severity::Warning => CsSeverity::Warning,
        Severity::Info => CsSeverity::Note,
    };
    let mut labels = Vec::new();
    if let Some(span) = d.span {
        labels.push(Label::primary((), clamp(source, span)).with_message(d.label.clone()));
    }
    for n in &d.notes {
        labels.push(Label::secondary((), clamp(source, n.span)).with_message(n.text.clone()));
    }
    let mut notes = Vec::new();
    if !d.cells.is_empty() {
        let keys: Vec<&str> = d.cells.iter().map(|c| c.key()).collect();
        notes.push(format!("单元格：{}", keys.join(", ")));
    }
    if let Some(h) = &d.help {
        notes.push(format!("帮助：{h}"));
    }
    CsDiagnostic::new(severity)
        .with_code(d.code)
        .with_message(format!("{}：{}", d.severity.chinese(), d.message))
        .with_labels(labels)
        .with_notes(notes)
}
