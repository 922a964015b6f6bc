//! Compiler-style diagnostics in Chinese: code, severity, message, the source line
//! with a marker under the offending number (display-width aware, so CJK text before
//! it does not shift the marker), notes and a help line.

use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, Severity as CsSeverity};
use codespan_reporting::files::{Error as FilesError, Files, SimpleFile};
use codespan_reporting::term::{self, Config};

use crate::diagnostic::{Diagnostic, Severity};
use crate::document::{floor_char_boundary, Span};

/// Lines longer than this (minified HTML) are shown as a window around the marker.
const LONG_LINE: usize = 200;
/// Characters shown on each side of a marker on a long line.
const CONTEXT: usize = 60;

/// Renders findings about a report's document: for DOCX and PDF (read into a text view)
/// each finding also names its place in the original (`位置：第2个表格第5行第3列`).
pub fn render_document(
    file: &str,
    doc: &crate::document::Document,
    diagnostics: &[Diagnostic],
) -> String {
    if doc.locations.is_empty() {
        return render(file, &doc.source, diagnostics);
    }
    let located: Vec<Diagnostic> = diagnostics
        .iter()
        .map(|d| {
            let mut d = d.clone();
            if let Some(path) = d.span.and_then(|s| doc.location_of(s.start)) {
                d.label = if d.label.is_empty() {
                    format!("原文{path}")
                } else {
                    format!("{}（原文{path}）", d.label)
                };
            }
            d
        })
        .collect();
    render(file, &doc.source, &located)
}

/// Renders findings about `source` (shown under the name `file`).
pub fn render(file: &str, source: &str, diagnostics: &[Diagnostic]) -> String {
    let files = SimpleFile::new(file, source);
    let config = Config::default();
    let mut out = String::new();
    for d in diagnostics {
        let spans: Vec<Span> = d
            .span
            .iter()
            .copied()
            .chain(d.notes.iter().map(|n| n.span))
            .collect();
        let rendered = if spans
            .iter()
            .any(|s| line_of(source, s.start).len() > LONG_LINE)
        {
            let (excerpt, map) = Excerpt::new(file, source, &spans);
            term::emit_into_string(&config, &excerpt, &convert(source, d, &map))
        } else {
            term::emit_into_string(&config, &files, &convert(source, d, &|s| clamp(source, s)))
        };
        match rendered {
            Ok(s) => out.push_str(&s),
            Err(_) => out.push_str(&format!(
                "{}[{}]: {}\n",
                d.severity.chinese(),
                d.code,
                d.message
            )),
        }
    }
    out
}

/// The byte range of the line holding `offset`.
fn line_range_at(source: &str, offset: usize) -> Range<usize> {
    let offset = floor_char_boundary(source, offset);
    let start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = source[offset..]
        .find('\n')
        .map_or(source.len(), |i| offset + i);
    start..end
}

fn line_of(source: &str, offset: usize) -> &str {
    &source[line_range_at(source, offset)]
}

/// The lines a diagnostic points at, each cut to a window around its markers: what a
/// minified HTML page's one enormous line becomes on a terminal. Line and column numbers
/// stay those of the original.
struct Excerpt<'a> {
    name: &'a str,
    text: String,
    starts: Vec<usize>,
    lines: Vec<usize>,
    columns: Vec<usize>,
}

impl<'a> Excerpt<'a> {
    /// The excerpt and a function mapping original spans into it.
    fn new(
        name: &'a str,
        source: &str,
        spans: &[Span],
    ) -> (Excerpt<'a>, impl Fn(Span) -> Range<usize>) {
        // Windows per original line: (line range, window range).
        let mut windows: Vec<(Range<usize>, Range<usize>)> = Vec::new();
        for s in spans {
            let line = line_range_at(source, s.start);
            let end = s.end.clamp(s.start, line.end);
            let back = |mut i: usize, n: usize| {
                for _ in 0..n {
                    if i <= line.start {
                        break;
                    }
                    i = floor_char_boundary(source, i - 1);
                }
                i.max(line.start)
            };
            let fwd = |mut i: usize, n: usize| {
                for _ in 0..n {
                    if i >= line.end {
                        break;
                    }
                    i += source[i..].chars().next().map_or(1, char::len_utf8);
                }
                i.min(line.end)
            };
            let window = if source[line.clone()].chars().count() <= LONG_LINE {
                line.clone()
            } else {
                back(floor_char_boundary(source, s.start), CONTEXT)
                    ..fwd(floor_char_boundary(source, end), CONTEXT)
            };
            // Markers close together share a window; far apart on one line, each has its own.
            match windows
                .iter_mut()
                .find(|(l, w)| *l == line && w.start <= window.end && window.start <= w.end)
            {
                Some((_, w)) => *w = w.start.min(window.start)..w.end.max(window.end),
                None => windows.push((line, window)),
            }
        }
        windows.sort_by_key(|(_, w)| w.start);
        let mut text = String::new();
        let mut starts = Vec::new();
        let mut lines = Vec::new();
        let mut columns = Vec::new();
        let mut placed: Vec<(Range<usize>, usize)> = Vec::new(); // window, its offset in text
        for (line, w) in &windows {
            starts.push(text.len());
            lines.push(source[..line.start].bytes().filter(|&b| b == b'\n').count() + 1);
            let lead = if w.start > line.start { "…" } else { "" };
            columns.push(
                source[line.start..w.start]
                    .chars()
                    .count()
                    .saturating_sub(lead.chars().count()),
            );
            text.push_str(lead);
            placed.push((w.clone(), text.len()));
            text.push_str(&source[w.clone()]);
            if w.end < line.end {
                text.push('…');
            }
            text.push('\n');
        }
        let map = move |s: Span| -> Range<usize> {
            for (w, at) in &placed {
                if w.start <= s.start && s.start <= w.end {
                    let start = at + (s.start - w.start);
                    let end = at + (s.end.clamp(s.start, w.end) - w.start);
                    return start..end;
                }
            }
            0..0
        };
        (
            Excerpt {
                name,
                text,
                starts,
                lines,
                columns,
            },
            map,
        )
    }
}

impl<'f> Files<'f> for Excerpt<'_> {
    type FileId = ();
    type Name = &'f str;
    type Source = &'f str;

    fn name(&'f self, _: ()) -> Result<&'f str, FilesError> {
        Ok(self.name)
    }

    fn source(&'f self, _: ()) -> Result<&'f str, FilesError> {
        Ok(&self.text)
    }

    fn line_index(&'f self, _: (), byte_index: usize) -> Result<usize, FilesError> {
        Ok(self
            .starts
            .partition_point(|&s| s <= byte_index)
            .saturating_sub(1))
    }

    fn line_number(&'f self, _: (), line_index: usize) -> Result<usize, FilesError> {
        self.lines
            .get(line_index)
            .copied()
            .ok_or(FilesError::LineTooLarge {
                given: line_index,
                max: self.lines.len(),
            })
    }

    fn column_number(
        &'f self,
        _: (),
        line_index: usize,
        byte_index: usize,
    ) -> Result<usize, FilesError> {
        let start = self.starts.get(line_index).copied().unwrap_or(0);
        let end = floor_char_boundary(&self.text, byte_index.max(start));
        Ok(self.columns.get(line_index).copied().unwrap_or(0)
            + self.text[start..end].chars().count()
            + 1)
    }

    fn line_range(&'f self, _: (), line_index: usize) -> Result<Range<usize>, FilesError> {
        let start = *self
            .starts
            .get(line_index)
            .ok_or(FilesError::LineTooLarge {
                given: line_index,
                max: self.starts.len(),
            })?;
        let end = self
            .starts
            .get(line_index + 1)
            .copied()
            .unwrap_or(self.text.len());
        Ok(start..end)
    }
}

fn clamp(source: &str, s: Span) -> Range<usize> {
    let start = floor_char_boundary(source, s.start);
    let end = floor_char_boundary(source, s.end.max(s.start)).max(start);
    start..end
}

fn convert(_source: &str, d: &Diagnostic, map: &dyn Fn(Span) -> Range<usize>) -> CsDiagnostic<()> {
    let severity = match d.severity {
        Severity::Error => CsSeverity::Error,
        Severity::Warning => CsSeverity::Warning,
        Severity::Info => CsSeverity::Note,
    };
    let mut labels = Vec::new();
    if let Some(span) = d.span {
        labels.push(Label::primary((), map(span)).with_message(d.label.clone()));
    }
    for n in &d.notes {
        labels.push(Label::secondary((), map(n.span)).with_message(n.text.clone()));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_line_is_shown_as_a_window_with_true_positions() {
        let filler = "<td>填充内容</td>".repeat(100);
        let source = format!("第一行\n{filler}<td>（七）总计</td><td>42</td>{filler}\n末行\n");
        let at = source.find("42").unwrap();
        let d = Diagnostic::new("T3002", Severity::Error, "测试")
            .at(Some(Span::new(at, at + 2)), "此处");
        let out = render("page.html", &source, &[d]);
        let col = source[source.find('\n').unwrap() + 1..at].chars().count() + 1;
        assert!(out.contains(&format!("page.html:2:{col}")), "{out}");
        assert!(
            out.contains("（七）总计") && out.contains('…') && out.contains("^^ 此处"),
            "{out}"
        );
        assert!(out.lines().all(|l| l.chars().count() < 200), "{out}");
    }
}
