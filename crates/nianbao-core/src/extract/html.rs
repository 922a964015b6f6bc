//! HTML pages and fragments: paragraphs and `<table>`s with rowspan/colspan expanded
//! into a grid, page chrome included (the aligner finds the report inside it).
//!
//! html5ever (through `scraper`) builds the tree as a browser would. It keeps no
//! source positions, so each text is located in the source afterwards by a forward
//! search over the page's visible text (tags, comments and scripts skipped); blocks
//! come in document order, so the search never runs backwards.

use ego_tree::NodeRef;
use scraper::{Html, Node};

use crate::document::{Block, Cell, Document, Para, Row, SourceKind, Span, Table};

/// Deepest element nesting the walker follows; deeper content is ignored.
const MAX_DEPTH: usize = 256;
/// Largest colspan or rowspan honoured (the HTML standard caps colspan at 1000).
const MAX_SPAN: usize = 1000;
/// Columns within which rowspans are followed: far beyond any report's table (the widest
/// has a dozen); cells past it keep their text and column but cover nothing below.
const MAX_COLUMNS: usize = 256;

/// Deepest nesting handed to the HTML parser: html5ever scans its stack of open
/// elements for many start tags, so 100,000 nested `<div>`s took 35 s. Tags deeper than
/// this are blanked (see [`flatten_deep_nesting`]); real reports nest a few dozen deep.
/// Below the walker's [`MAX_DEPTH`], so that the text inside stays within its reach.
const MAX_PARSE_DEPTH: usize = 200;

/// Reads an HTML page into blocks.
pub fn extract_html(source: &str) -> Document {
    let shallow = flatten_deep_nesting(source);
    let html = Html::parse_document(shallow.as_deref().unwrap_or(source));
    let mut w = Walker {
        blocks: Vec::new(),
        buf: String::new(),
        loc: Locator::new(source),
    };
    w.walk(*html.root_element(), 0);
    w.flush();
    Document {
        source: source.to_string(),
        kind: SourceKind::Html,
        blocks: w.blocks,
        locations: Vec::new(),
        lines: Default::default(),
    }
}

/// Elements whose end tag may be left out (`<p>`, `<li>`, `<td>` …) or that have none
/// (`<br>`): they do not nest when unclosed, so they are not counted.
fn nests(name: &str) -> bool {
    !matches!(
        name,
        "p" | "li"
            | "dt"
            | "dd"
            | "tr"
            | "td"
            | "th"
            | "option"
            | "optgroup"
            | "thead"
            | "tbody"
            | "tfoot"
            | "colgroup"
            | "col"
            | "caption"
            | "rb"
            | "rt"
            | "rp"
            | "html"
            | "head"
            | "body"
            | "br"
            | "img"
            | "hr"
            | "meta"
            | "link"
            | "input"
            | "area"
            | "base"
            | "embed"
            | "param"
            | "source"
            | "track"
            | "wbr"
    )
}

/// A copy of `source` with every tag nested deeper than [`MAX_PARSE_DEPTH`] replaced by
/// spaces of the same length (so byte positions, and the spans found by searching the
/// original, are unchanged); `None` when nothing is that deep. One linear pass; comments,
/// scripts and styles are skipped.
fn flatten_deep_nesting(source: &str) -> Option<String> {
    let b = source.as_bytes();
    let mut blank: Vec<(usize, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(off) = b[i..].iter().position(|&c| c == b'<') {
        let start = i + off;
        let rest = &source[start..];
        if rest.starts_with("<!--") {
            i = rest.find("-->").map_or(b.len(), |e| start + e + 3);
            continue;
        }
        let Some(end) = rest.find('>').map(|e| start + e + 1) else {
            break;
        };
        let tag = &source[start + 1..end - 1];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        i = end;
        if name.is_empty() || !nests(&name) {
            continue;
        }
        if !closing && (name == "script" || name == "style") {
            let close = format!("</{name}");
            // Searched in place: a lowercased copy of the rest per script was quadratic.
            i = find_ci(&source[end..], &close).map_or(b.len(), |e| end + e);
            continue;
        }
        if closing {
            if depth > MAX_PARSE_DEPTH {
                blank.push((start, end));
            }
            depth = depth.saturating_sub(1);
        } else if !tag.ends_with('/') {
            depth += 1;
            if depth > MAX_PARSE_DEPTH {
                blank.push((start, end));
            }
        }
    }
    if blank.is_empty() {
        return None;
    }
    let mut out = source.as_bytes().to_vec();
    for (s, e) in blank {
        out[s..e].fill(b' ');
    }
    // Only ASCII tag bytes were replaced by ASCII spaces: still UTF-8.
    String::from_utf8(out).ok()
}

struct Walker<'a> {
    blocks: Vec<Block>,
    buf: String,
    loc: Locator<'a>,
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "li"
            | "ul"
            | "ol"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "nav"
            | "main"
            | "aside"
            | "blockquote"
            | "pre"
            | "dl"
            | "dt"
            | "dd"
            | "form"
            | "fieldset"
            | "address"
            | "center"
            | "hr"
            | "tr"
            | "td"
            | "th"
            | "caption"
            | "figure"
            | "title"
            | "body"
    )
}

fn skipped(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "iframe"
            | "object"
            | "svg"
            | "select"
            | "button"
    )
}

impl Walker<'_> {
    fn flush(&mut self) {
        let text = crate::text::trim(&self.buf).to_string();
        self.buf.clear();
        if text.is_empty() {
            return;
        }
        let (span, verbatim) = self.loc.locate(&text);
        self.blocks.push(Block::Para(Para {
            text,
            span,
            verbatim,
        }));
    }

    fn walk(&mut self, node: NodeRef<'_, Node>, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        for child in node.children() {
            match child.value() {
                Node::Text(t) => self.buf.push_str(t),
                Node::Element(e) => {
                    let name = e.name();
                    if skipped(name) {
                        continue;
                    }
                    match name {
                        "head" => {
                            // Only the page title is worth keeping from the head.
                            for t in child.descendants() {
                                if let Node::Element(e) = t.value() {
                                    if e.name() == "title" {
                                        self.flush();
                                        self.walk(t, depth + 1);
                                        self.flush();
                                    }
                                }
                            }
                        }
                        "br" => self.flush(),
                        "table" => {
                            self.flush();
                            if has_nested_table(child) {
                                // A layout table (page chrome): its cells are containers.
                                self.walk(child, depth + 1);
                            } else {
                                let t = self.table(child, depth);
                                if !t.rows.is_empty() {
                                    self.blocks.push(Block::Table(t));
                                }
                            }
                            self.flush();
                        }
                        n if is_block(n) => {
                            self.flush();
                            self.walk(child, depth + 1);
                            self.flush();
                        }
                        _ => self.walk(child, depth + 1),
                    }
                }
                _ => {}
            }
        }
    }

    fn table(&mut self, table: NodeRef<'_, Node>, depth: usize) -> Table {
        let mut trs = Vec::new();
        collect_rows(table, &mut trs, depth);
        let mut out = Table::default();
        // pending[c]: how many more rows column c stays covered by a rowspan from above.
        let mut pending: Vec<usize> = Vec::new();
        for tr in trs {
            let mut row = Row::default();
            let covered: Vec<bool> = pending.iter().map(|&p| p > 0).collect();
            let mut col = 0;
            for td in tr.children() {
                let Node::Element(e) = td.value() else {
                    continue;
                };
                if !matches!(e.name(), "td" | "th") {
                    continue;
                }
                while covered.get(col).copied().unwrap_or(false) {
                    col += 1;
                }
                let colspan = span_attr(e.attr("colspan"));
                let rowspan = span_attr(e.attr("rowspan"));
                let mut text = String::new();
                cell_text(td, &mut text, depth + 1);
                let text = crate::text::trim(&text).to_string();
                let (span, verbatim) = self.loc.locate(&text);
                // Rowspans are followed within the first MAX_COLUMNS columns only: every
                // row costs at most that much, however wide the spans above it made the grid.
                let end = (col + colspan).min(MAX_COLUMNS);
                if pending.len() < end {
                    pending.resize(end, 0);
                }
                for p in pending.get_mut(col..end).unwrap_or_default() {
                    *p = rowspan; // decremented below with the rest of the row
                }
                row.span = if row.cells.is_empty() {
                    span
                } else {
                    row.span.cover(span)
                };
                row.cells.push(Cell {
                    text,
                    span,
                    verbatim,
                    col,
                    colspan,
                    definite: true,
                    doubtful: false,
                });
                col += colspan;
            }
            for p in pending.iter_mut() {
                *p = p.saturating_sub(1);
            }
            out.rows.push(row);
        }
        out
    }
}

fn span_attr(v: Option<&str>) -> usize {
    v.and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or(1)
        .min(MAX_SPAN)
}

fn has_nested_table(table: NodeRef<'_, Node>) -> bool {
    table
        .descendants()
        .skip(1)
        .any(|d| matches!(d.value(), Node::Element(e) if e.name() == "table"))
}

fn collect_rows<'a>(node: NodeRef<'a, Node>, out: &mut Vec<NodeRef<'a, Node>>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    for child in node.children() {
        if let Node::Element(e) = child.value() {
            match e.name() {
                "tr" => out.push(child),
                "thead" | "tbody" | "tfoot" => collect_rows(child, out, depth + 1),
                _ => {}
            }
        }
    }
}

fn cell_text(node: NodeRef<'_, Node>, out: &mut String, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    for child in node.children() {
        match child.value() {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) if skipped(e.name()) => {}
            Node::Element(e) => {
                let block = e.name() == "br" || is_block(e.name());
                if block {
                    out.push(' ');
                }
                cell_text(child, out, depth + 1);
                if block {
                    out.push(' ');
                }
            }
            _ => {}
        }
    }
}

/// How far ahead of the last text found, in bytes of visible text, the next is looked for.
const SEARCH_WINDOW: usize = 16 * 1024;

/// Finds texts in the source by a forward search over its visible characters.
struct Locator<'a> {
    src: &'a str,
    /// The visible characters (outside tags, comments, scripts and styles).
    visible: String,
    /// For each byte of `visible`, its byte offset in `src`.
    map: Vec<usize>,
    /// Where the next search starts, in `visible`.
    cursor: usize,
}

impl<'a> Locator<'a> {
    fn new(src: &'a str) -> Self {
        let mut visible = String::with_capacity(src.len() / 2);
        let mut map = Vec::with_capacity(src.len() / 2);
        let bytes = src.as_bytes();
        let mut i = 0;
        while i < src.len() {
            if bytes[i] == b'<' {
                let rest = &src[i..];
                let skip_to = if rest.starts_with("<!--") {
                    rest.find("-->").map(|p| p + 3)
                } else if starts_with_ci(rest, "<script") {
                    find_ci(rest, "</script").and_then(|p| rest[p..].find('>').map(|q| p + q + 1))
                } else if starts_with_ci(rest, "<style") {
                    find_ci(rest, "</style").and_then(|p| rest[p..].find('>').map(|q| p + q + 1))
                } else if rest.len() > 1
                    && (rest.as_bytes()[1].is_ascii_alphabetic()
                        || matches!(rest.as_bytes()[1], b'/' | b'!' | b'?'))
                {
                    rest.find('>').map(|p| p + 1)
                } else {
                    Some(1).filter(|_| false)
                };
                if let Some(n) = skip_to {
                    i += n;
                    continue;
                }
            }
            let c = src[i..].chars().next().unwrap_or(' ');
            for k in 0..c.len_utf8() {
                map.push(i + k);
            }
            visible.push(c);
            i += c.len_utf8();
        }
        Locator {
            src,
            visible,
            map,
            cursor: 0,
        }
    }

    /// Locates `text` at or after the cursor; returns its span and whether the span
    /// holds exactly `text`.
    fn locate(&mut self, text: &str) -> (Span, bool) {
        let here = self.map.get(self.cursor).copied().unwrap_or(self.src.len());
        // Search for the longest prefix free of characters an entity may have encoded.
        let key: String = text
            .chars()
            .take_while(|c| {
                !matches!(c, '&' | '<' | '>' | '"' | '\'' | '\u{a0}') && !c.is_whitespace()
            })
            .take(24)
            .collect();
        if key.is_empty() {
            return (Span::new(here, here), text.is_empty());
        }
        // Texts come in order, each near the last: the search looks a bounded way ahead,
        // so a text that is not there (rewritten by the parser) costs a window, not the
        // rest of the page, and a page of many such texts stays linear.
        let rest = &self.visible[self.cursor..];
        let mut window = rest.len().min(SEARCH_WINDOW + key.len());
        while !rest.is_char_boundary(window) {
            window -= 1;
        }
        let Some(rel) = rest[..window].find(&key) else {
            return (Span::new(here, here), false);
        };
        let p = self.cursor + rel;
        let start = self.map[p];
        // The whole text, if it stands verbatim.
        let whole = self.visible[p..].starts_with(text);
        let vis_len = if whole { text.len() } else { key.len() };
        let end = self.map[p + vis_len - 1] + 1;
        self.cursor = p + vis_len;
        let verbatim = whole && self.src.get(start..end) == Some(text);
        (Span::new(start, end), verbatim)
    }
}

fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

fn find_ci(s: &str, needle: &str) -> Option<usize> {
    let n = needle.as_bytes();
    s.as_bytes()
        .windows(n.len())
        .position(|w| w.eq_ignore_ascii_case(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tags nested past the parser's bound are blanked in place (same length, same text
    /// positions); an ordinary page, with hundreds of unclosed `<p>`s and `<td>`s, is
    /// handed over untouched; the text inside the deep part is still read.
    #[test]
    fn deep_nesting_is_flattened_in_place() {
        let ordinary = format!(
            "<html><body>{}<table>{}</table></body></html>",
            "<p>段落".repeat(800),
            "<tr><td>1<td>2".repeat(800)
        );
        assert!(flatten_deep_nesting(&ordinary).is_none());
        let deep = format!(
            "<html><body>{}<p>一、总体情况</p>{}</body></html>",
            "<div class=\"x\">".repeat(2000),
            "</div>".repeat(2000)
        );
        let flat = flatten_deep_nesting(&deep).unwrap();
        assert_eq!(flat.len(), deep.len());
        assert_eq!(flat.find("一、总体情况"), deep.find("一、总体情况"));
        assert!(flat.matches("<div").count() == MAX_PARSE_DEPTH);
        let doc = extract_html(&deep);
        let text: String = doc
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Para(p) => Some(p.text.as_str()),
                _ => None,
            })
            .collect();
        assert!(text.contains("一、总体情况"), "{text}");
        // Unclosed, too: the parser is never handed more than the bound.
        let unclosed = format!("<html><body>{}文字", "<span>".repeat(100_000));
        assert!(flatten_deep_nesting(&unclosed).is_some());
    }

    #[test]
    fn rowspan_colspan_grid_and_spans() {
        let src = "<html><body><div class=nav>首页 &gt; 政务公开</div><p>三、收到和处理政府信息公开申请情况</p>\
            <table><tr><td rowspan=2>甲</td><td colspan=2>法人或<br>其他组织</td></tr>\
            <tr><td><p>3</p></td><td>&nbsp;</td></tr><tr><td>乙</td><td><span>1,234</span></td><td>5</td></tr></table></body></html>";
        let doc = extract_html(src);
        let table = doc
            .blocks
            .iter()
            .find_map(|b| match b {
                Block::Table(t) => Some(t),
                _ => None,
            })
            .unwrap();
        let grid: Vec<Vec<(String, usize)>> = table
            .rows
            .iter()
            .map(|r| r.cells.iter().map(|c| (c.text.clone(), c.col)).collect())
            .collect();
        assert_eq!(
            grid[0],
            vec![("甲".into(), 0), ("法人或  其他组织".into(), 1)]
        );
        assert_eq!(grid[1], vec![("3".into(), 1), ("".into(), 2)]);
        assert_eq!(
            grid[2],
            vec![("乙".into(), 0), ("1,234".into(), 1), ("5".into(), 2)]
        );
        let c = &table.rows[2].cells[1];
        assert_eq!(&src[c.span.start..c.span.end], "1,234");
        assert!(c.verbatim);
        let c = &table.rows[1].cells[0];
        assert_eq!(&src[c.span.start..c.span.end], "3");
        assert!(doc
            .blocks
            .iter()
            .any(|b| matches!(b, Block::Para(p) if p.text == "首页 > 政务公开")));
    }

    #[test]
    fn layout_tables_are_containers() {
        let src = "<table><tr><td>菜单</td><td><p>正文</p><table><tr><td>规章</td><td>3</td></tr></table></td></tr></table>";
        let doc = extract_html(src);
        let tables: Vec<_> = doc
            .blocks
            .iter()
            .filter(|b| matches!(b, Block::Table(_)))
            .collect();
        assert_eq!(tables.len(), 1);
        assert!(doc
            .blocks
            .iter()
            .any(|b| matches!(b, Block::Para(p) if p.text == "正文")));
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let src = "<div>".repeat(5000) + "文本" + &"</div>".repeat(5000);
        let _ = extract_html(&src);
    }
}
