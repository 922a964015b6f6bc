//! PDF: the document rebuilt from positioned words.
//!
//! The core does not read PDF bytes itself: a text layer is extracted outside it
//! (by the CLI, with poppler's `pdftotext -tsv`) into [`Word`]s — text with a page and
//! a box. Here the words become lines (by their vertical centres), lines become table
//! rows (split where the horizontal gap is wide) or paragraphs (wrapped lines of
//! running text joined again), and the result is a text view like DOCX's.

use crate::document::{Block, Cell, Document, Para, Row, SourceKind, Span, Table};

/// A word of a PDF's text layer.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    /// Page, from 1.
    pub page: u32,
    /// Left edge (points).
    pub left: f32,
    /// Top edge (points, from the top of the page).
    pub top: f32,
    /// Width.
    pub width: f32,
    /// Height.
    pub height: f32,
    /// The text.
    pub text: String,
}

impl Word {
    fn centre(&self) -> f32 {
        self.top + self.height / 2.0
    }
    fn right(&self) -> f32 {
        self.left + self.width
    }
}

/// Reads `pdftotext -tsv` output (level-5 rows are words).
pub fn parse_tsv(tsv: &str) -> Vec<Word> {
    let mut out = Vec::new();
    for line in tsv.lines().skip(1) {
        let f: Vec<&str> = line.splitn(12, '\t').collect();
        if f.len() < 12 || f[0] != "5" {
            continue;
        }
        let num = |i: usize| f[i].trim().parse::<f32>().ok().filter(|v| v.is_finite());
        let (Some(left), Some(top), Some(width), Some(height)) = (num(6), num(7), num(8), num(9))
        else {
            continue;
        };
        let text = crate::text::trim(f[11]);
        if text.is_empty() {
            continue;
        }
        out.push(Word {
            page: f[1].parse().unwrap_or(0),
            left,
            top,
            width,
            height: height.max(1.0),
            text: fold_digits(text),
        });
    }
    out
}

/// How many pages the words come from.
pub fn page_count(words: &[Word]) -> u32 {
    words.iter().map(|w| w.page).max().unwrap_or(0)
}

/// `一、`, `（一）`, `1.`, `第一部分` …: the opening of a heading or a numbered item.
fn starts_with_enumerator(text: &str) -> bool {
    let mut chars = text.chars();
    match chars.next() {
        Some('（' | '(') => chars
            .next()
            .is_some_and(|c| "一二三四五六七八九十".contains(c) || c.is_ascii_digit()),
        Some('第') => true,
        Some(c) if "一二三四五六七八九十".contains(c) => {
            chars.next().is_some_and(|n| matches!(n, '、' | '.' | '．'))
        }
        Some(c) if c.is_ascii_digit() => {
            chars.next().is_some_and(|n| matches!(n, '、' | '.' | '．'))
        }
        _ => false,
    }
}

/// Full-width digits, letters and number signs (GBK-EUC-H text comes out so) as ASCII;
/// full-width CJK punctuation stays.
fn fold_digits(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' | '－' | '．' | '／' | '＋' | '％' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            c => c,
        })
        .collect()
}

fn is_cjk(c: char) -> bool {
    ('\u{2E80}'..='\u{9FFF}').contains(&c)
        || ('\u{F900}'..='\u{FAFF}').contains(&c)
        || ('\u{FF00}'..='\u{FFEF}').contains(&c)
}

/// A visual line: its cells (runs of words separated by wide gaps).
struct Line {
    page: u32,
    top: f32,
    bottom: f32,
    left: f32,
    right: f32,
    height: f32,
    cells: Vec<String>,
    /// Left and right edge of each cell.
    extents: Vec<(f32, f32)>,
    /// Whether each cell holds a number seen only in part ([`Cell::doubtful`]).
    doubtful: Vec<bool>,
    /// A row of a ruled table: each cell's column and span in its grid (its cells are
    /// definite, blanks included).
    grid: Option<Vec<(usize, usize)>>,
}

impl Line {
    fn centre(&self) -> f32 {
        (self.top + self.bottom) / 2.0
    }
    fn has_number(&self) -> bool {
        self.cells.len() > 1 && self.cells.iter().any(|c| is_value(c))
    }
    /// Removes the cells marked in `taken` (given to another line); cells past its end
    /// (joined to this line since) stay.
    fn drop_cells(&mut self, taken: &[bool]) {
        let gone = |i: usize| taken.get(i).copied().unwrap_or(false);
        let mut i = 0..;
        self.cells.retain(|_| !gone(i.next().unwrap_or(0)));
        let mut i = 0..;
        self.extents.retain(|_| !gone(i.next().unwrap_or(0)));
        let mut i = 0..;
        self.doubtful.retain(|_| !gone(i.next().unwrap_or(0)));
    }
}

fn is_value(text: &str) -> bool {
    matches!(
        crate::number::read_cell_text(text),
        crate::number::CellText::Number { .. }
    )
}

/// Digits and separators only: a number, or the part of one that a page break cut off
/// (`1,03` of `1,033`).
fn is_numeric(text: &str) -> bool {
    text.chars().any(|c| c.is_ascii_digit())
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | '，' | ' '))
}

fn lines_of(words: &[Word]) -> Vec<Line> {
    let mut words: Vec<&Word> = words.iter().collect();
    words.sort_by(|a, b| a.page.cmp(&b.page).then(a.centre().total_cmp(&b.centre())));
    // Group by vertical centre: a word joins the line when its centre is within
    // 40% of a line height of the line's first word.
    let mut groups: Vec<Vec<&Word>> = Vec::new();
    for w in words {
        match groups.last_mut() {
            Some(g)
                if g[0].page == w.page
                    && (w.centre() - g[0].centre()).abs() <= 0.4 * g[0].height.max(w.height) =>
            {
                g.push(w)
            }
            _ => groups.push(vec![w]),
        }
    }
    groups
        .into_iter()
        .map(|mut g| {
            g.sort_by(|a, b| a.left.total_cmp(&b.left));
            let height = g.iter().map(|w| w.height).fold(0.0, f32::max);
            let mut cells: Vec<String> = Vec::new();
            let mut extents: Vec<(f32, f32)> = Vec::new();
            // A line of table cells (some gap is wide) also splits where a label's last
            // character meets a number over a narrower gap: a label that fills its cell
            // stands closer to the next cell's number than cells otherwise do, and the
            // number glued to the label would be lost (`…不再处理其 22` read as a label).
            let table_line = g
                .windows(2)
                .any(|p| p[1].left - p[0].right() >= 0.6 * p[1].height.min(height));
            let mut prev_right = f32::NEG_INFINITY;
            for w in &g {
                let gap = w.left - prev_right;
                let char_h = w.height.min(height);
                let label_meets_number = table_line
                    && gap >= 0.2 * char_h
                    && is_value(&w.text)
                    && cells
                        .last()
                        .and_then(|c| c.chars().next_back())
                        .is_some_and(|c| is_cjk(c) && !('\u{FF10}'..='\u{FF19}').contains(&c));
                match (cells.last_mut(), extents.last_mut()) {
                    (Some(cell), Some(ext)) if gap < 0.6 * char_h && !label_meets_number => {
                        // Same cell: CJK runs join directly, other words with a space.
                        let joins = cell.chars().next_back().is_some_and(is_cjk)
                            || w.text.chars().next().is_some_and(is_cjk);
                        if !joins {
                            cell.push(' ');
                        }
                        cell.push_str(&w.text);
                        ext.1 = ext.1.max(w.right());
                    }
                    _ => {
                        cells.push(w.text.clone());
                        extents.push((w.left, w.right()));
                    }
                }
                prev_right = prev_right.max(w.right());
            }
            Line {
                page: g[0].page,
                top: g.iter().map(|w| w.top).fold(f32::INFINITY, f32::min),
                bottom: g.iter().map(|w| w.top + w.height).fold(0.0, f32::max),
                left: g.first().map_or(0.0, |w| w.left),
                right: g.iter().map(|w| w.right()).fold(0.0, f32::max),
                height,
                doubtful: vec![false; cells.len()],
                cells,
                extents,
                grid: None,
            }
        })
        .collect()
}

/// Joins the pieces of a number wrapped inside a narrow table cell, or marks the cell as
/// seen only in part.
///
/// A cell's lines are centred on its row, so a number that wraps in two (`２３` over `０`
/// in a total column) stands half a line above and half a line below the row's other
/// numbers, as two lines of their own; one that wraps in three has its middle on the
/// row's line and the others a line away. Left alone, a piece reads as a value of
/// whatever row its line falls to: a wrong number (230 read as 0, or a stray `8` filling
/// the empty cell of the row above). A piece is a value cell, right of a host's label,
/// on a line with fewer numbers than the host: a row of numbers whose centre is within
/// 1.6 line heights. In a column where the host has no cell, one piece half a line above
/// and one as far below, near no other host, are the two halves of its number, joined in
/// reading order. Any other arrangement (a piece alone, more on one side, a piece beside
/// a number the host already has, a piece near two hosts) leaves the number in doubt:
/// every host's cell in that column is marked so, and the piece is read as no value.
fn join_wrapped_numbers(mut lines: Vec<Line>) -> Vec<Line> {
    /// How far from a host's centre a piece is looked for, and how far the halves of a
    /// number wrapped in two stand (in line heights).
    const BAND: f32 = 1.6;
    const HALF: f32 = 0.9;
    let values = |l: &Line| l.cells.iter().filter(|c| is_value(c)).count();
    let counts: Vec<usize> = lines.iter().map(values).collect();
    // (host, line, cell, signed distance in line heights) of every piece.
    let mut pieces: Vec<(usize, usize, usize, f32)> = Vec::new();
    // How many hosts each piece is near.
    let mut hosts_of: std::collections::HashMap<(usize, usize), usize> = Default::default();
    for (li, l) in lines.iter().enumerate() {
        if counts[li] == 0 || l.cells.iter().any(|c| !is_value(c)) && counts[li] >= 2 {
            continue;
        }
        // Lines are sorted by page and centre: the hosts stand among the neighbours.
        let near = li.saturating_sub(6)..(li + 7).min(lines.len());
        for r in near {
            let host = &lines[r];
            if r == li || host.page != l.page || counts[r] < 2 || counts[r] <= counts[li] {
                continue;
            }
            let h = host.height.max(l.height);
            let d = (l.centre() - host.centre()) / h;
            if d.abs() > BAND {
                continue;
            }
            // Right of the host's label: the label cells before its first number (the
            // first number column may be the empty one).
            let label_right = host
                .cells
                .iter()
                .zip(&host.extents)
                .take_while(|(c, _)| !is_value(c))
                .map(|(_, e)| e.1)
                .fold(f32::NEG_INFINITY, f32::max);
            for (ci, c) in l.cells.iter().enumerate() {
                if is_value(c) && l.extents[ci].0 >= label_right {
                    pieces.push((r, li, ci, d));
                    *hosts_of.entry((li, ci)).or_default() += 1;
                }
            }
        }
    }
    // A line that hosts pieces is a row, not a piece of another (and its cells shift as
    // pieces join it).
    let is_host: std::collections::HashSet<usize> = pieces.iter().map(|p| p.0).collect();
    pieces.retain(|p| !is_host.contains(&p.1));
    hosts_of.retain(|k, _| !is_host.contains(&k.0));
    if pieces.is_empty() {
        return lines;
    }
    // Per host, the pieces by column: the host's own cell they overlap, or a new one.
    let overlaps = |a: (f32, f32), b: (f32, f32)| a.0 < b.1 && b.0 < a.1;
    let mut taken: Vec<Vec<bool>> = lines.iter().map(|l| vec![false; l.cells.len()]).collect();
    let mut hosts: Vec<usize> = pieces.iter().map(|p| p.0).collect();
    hosts.sort_unstable();
    hosts.dedup();
    for r in hosts {
        // Each column: its extent and its pieces (line, cell, distance).
        type Column = ((f32, f32), Vec<(usize, usize, f32)>);
        let mut columns: Vec<Column> = Vec::new();
        for &(_, li, ci, d) in pieces.iter().filter(|p| p.0 == r) {
            taken[li][ci] = true;
            let ext = lines[li].extents[ci];
            match columns.iter_mut().find(|(e, _)| overlaps(*e, ext)) {
                Some((e, members)) => {
                    *e = (e.0.min(ext.0), e.1.max(ext.1));
                    members.push((li, ci, d));
                }
                None => columns.push((ext, vec![(li, ci, d)])),
            }
        }
        for (ext, mut members) in columns {
            members.sort_by(|a, b| a.2.total_cmp(&b.2));
            let halves = match members[..] {
                [(la, ca, above), (lb, cb, below)] => {
                    above < 0.0
                        && below > 0.0
                        && below <= HALF
                        && -above <= HALF
                        && (below + above).abs() <= 0.25
                        && hosts_of[&(la, ca)] == 1
                        && hosts_of[&(lb, cb)] == 1
                }
                _ => false,
            };
            let text: String = members
                .iter()
                .map(|&(li, ci, _)| lines[li].cells[ci].as_str())
                .collect();
            let host = &mut lines[r];
            match host.extents.iter().position(|&e| overlaps(e, ext)) {
                Some(i) => {
                    host.doubtful[i] = true;
                    host.extents[i] = (host.extents[i].0.min(ext.0), host.extents[i].1.max(ext.1));
                }
                None => {
                    let at = host
                        .extents
                        .iter()
                        .position(|e| e.0 > ext.0)
                        .unwrap_or(host.cells.len());
                    host.cells.insert(at, text);
                    host.extents.insert(at, ext);
                    host.doubtful.insert(at, !halves);
                }
            }
        }
    }
    for (l, taken) in lines.iter_mut().zip(&taken) {
        l.drop_cells(taken);
    }
    lines.retain(|l| !l.cells.is_empty());
    lines
}

/// Joins the pieces of a label wrapped inside its table cell. A cell's lines are centred
/// on the row, so a wrapped label stands partly above and partly below the row's numbers;
/// each piece of a line without numbers is given to the nearest row with numbers whose
/// label cell lies in the same column, before or after that label.
fn join_wrapped_labels(lines: Vec<Line>) -> Vec<Line> {
    let rows: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].has_number())
        .collect();
    // Pieces given to each row with numbers: (centre, left, right, text).
    let mut pieces: Vec<Vec<(f32, f32, f32, String)>> = vec![Vec::new(); lines.len()];
    let mut taken: Vec<Vec<bool>> = lines.iter().map(|l| vec![false; l.cells.len()]).collect();
    for (li, l) in lines.iter().enumerate() {
        if l.has_number() {
            continue;
        }
        // The nearest row with numbers on this page, within 1.6 line heights (a wrapped
        // label's lines are closer to their row than the next row of the table is).
        let nearest = rows
            .iter()
            .filter(|&&r| lines[r].page == l.page)
            .map(|&r| (r, (lines[r].centre() - l.centre()).abs()))
            .filter(|&(r, d)| d <= 1.6 * lines[r].height.max(l.height).min(2.0 * l.height))
            .min_by(|a, b| a.1.total_cmp(&b.1));
        let Some((r, _)) = nearest else { continue };
        // Only pieces left of the row's first number: those are label columns.
        let first_number = lines[r]
            .cells
            .iter()
            .zip(&lines[r].extents)
            .find(|(c, _)| is_value(c))
            .map_or(f32::MAX, |(_, e)| e.0);
        for (ci, &(left, right)) in l.extents.iter().enumerate() {
            if right <= first_number + 1.0 {
                pieces[r].push((l.centre(), left, right, l.cells[ci].clone()));
                taken[li][ci] = true;
            }
        }
    }
    let mut out = Vec::with_capacity(lines.len());
    for (li, mut l) in lines.into_iter().enumerate() {
        if l.has_number() {
            if !pieces[li].is_empty() {
                merge_pieces(&mut l, std::mem::take(&mut pieces[li]));
            }
            out.push(l);
            continue;
        }
        l.drop_cells(&taken[li]);
        if !l.cells.is_empty() {
            out.push(l);
        }
    }
    out
}

/// Puts label pieces into a row: each joins the label cell in its column (above or below
/// the row's own text), or makes a label cell of its own.
fn merge_pieces(row: &mut Line, mut pieces: Vec<(f32, f32, f32, String)>) {
    struct Col {
        left: f32,
        right: f32,
        above: String,
        own: String,
        below: String,
        value: bool,
        doubtful: bool,
    }
    let centre = row.centre();
    let mut cols: Vec<Col> = row
        .cells
        .iter()
        .zip(&row.extents)
        .zip(&row.doubtful)
        .map(|((c, &(left, right)), &doubtful)| Col {
            left,
            right,
            above: String::new(),
            own: c.clone(),
            below: String::new(),
            value: doubtful || is_value(c),
            doubtful,
        })
        .collect();
    pieces.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (c, left, right, text) in pieces {
        let i = match cols
            .iter()
            .position(|col| !col.value && col.left < right && left < col.right)
        {
            Some(i) => i,
            None => {
                cols.push(Col {
                    left,
                    right,
                    above: String::new(),
                    own: String::new(),
                    below: String::new(),
                    value: false,
                    doubtful: false,
                });
                cols.len() - 1
            }
        };
        let col = &mut cols[i];
        col.left = col.left.min(left);
        col.right = col.right.max(right);
        if c < centre {
            col.above.push_str(&text);
        } else {
            col.below.push_str(&text);
        }
    }
    cols.sort_by(|a, b| a.left.total_cmp(&b.left));
    row.cells = cols
        .iter()
        .map(|c| format!("{}{}{}", c.above, c.own, c.below))
        .collect();
    row.extents = cols.iter().map(|c| (c.left, c.right)).collect();
    row.doubtful = cols.iter().map(|c| c.doubtful).collect();
}

impl From<super::pdf_grid::GridRow> for Line {
    fn from(r: super::pdf_grid::GridRow) -> Line {
        let height = r.bottom - r.top;
        Line {
            page: r.page,
            top: r.top,
            bottom: r.bottom,
            left: r.left,
            right: r.right,
            height,
            extents: r.cells.iter().map(|c| (c.left, c.right)).collect(),
            doubtful: r.cells.iter().map(|c| c.doubtful).collect(),
            grid: Some(r.cells.iter().map(|c| (c.col, c.colspan)).collect()),
            cells: r.cells.into_iter().map(|c| c.text).collect(),
        }
    }
}

/// Joins a ruled table row that a page break cut in two (Word and LibreOffice let a row
/// break across pages): the first row of a page continues the last of the page before
/// when only page furniture stands between them, every cell of the earlier half has a
/// cell below it in the later half, and the later half does not open a row of its own
/// (none of its cells starts with an enumerator such as `3.` or `（四）`). Each cell's
/// text is appended to the cell above it in the same column: the earlier half's own cell,
/// or the cell of a row-spanning label higher up on that page (the later half draws those
/// too). A number in the later half leaves its cell in doubt: it may finish the number
/// above it (`69` on one page, `8` on the next) or stand alone. A number under a cell of
/// text opens a row of its own (`行政处罚 | 6` under `信息内容 | 本年处理决定数量`); a
/// number under an empty cell may be either, so the halves stay apart and both cells are
/// left in doubt. Left apart, the later half of a broken row is a row of blank cells under
/// the tail of the label, read as a row of its own.
fn join_split_rows(lines: Vec<Line>) -> Vec<Line> {
    let furniture =
        |l: &Line| l.grid.is_none() && crate::text::is_page_furniture(&l.cells.join(" "));
    let same =
        |a: &(f32, f32), b: &(f32, f32)| (a.0 - b.0).abs() <= 2.0 && (a.1 - b.1).abs() <= 2.0;
    let mut out: Vec<Line> = Vec::with_capacity(lines.len());
    for l in lines {
        let targets = l.grid.as_ref().and_then(|_| {
            let pi = out.iter().rposition(|p| !furniture(p))?;
            let p = &out[pi];
            let first_on_page = out[pi + 1..].iter().all(furniture);
            if p.grid.is_none() || p.page + 1 != l.page || !first_on_page {
                return None;
            }
            if !p
                .extents
                .iter()
                .all(|a| l.extents.iter().any(|b| same(a, b)))
            {
                return None;
            }
            // For each cell of the later half: the line and cell above it on the page before.
            // A number under a cell of text is a row of its own (`行政处罚 | 6` under
            // `信息内容 | 本年处理决定数量`); a number under an empty cell may be either —
            // the value of a row broken over the page, or a new row's — so both rows' cells
            // there are left in doubt.
            let mut targets = Vec::with_capacity(l.cells.len());
            let mut ambiguous = Vec::new();
            for (text, ext) in l.cells.iter().zip(&l.extents) {
                let above = (0..=pi)
                    .rev()
                    .take_while(|&k| out[k].page == p.page)
                    .find_map(|k| {
                        let line = &out[k];
                        line.grid.as_ref()?;
                        line.extents
                            .iter()
                            .position(|e| same(e, ext))
                            .map(|c| (k, c))
                    });
                match above {
                    None if text.is_empty() => targets.push(None),
                    None => return None,
                    Some((k, c)) => {
                        if !is_value(text) && starts_with_enumerator(text) {
                            return None;
                        }
                        if is_value(text) {
                            let above = &out[k].cells[c];
                            if above.is_empty() {
                                ambiguous.push((k, c));
                            }
                            if !above.is_empty() && !is_value(above) && !is_numeric(above) {
                                return None;
                            }
                        }
                        targets.push(Some((k, c)));
                    }
                }
            }
            l.cells
                .iter()
                .any(|c| !c.is_empty())
                .then_some((targets, ambiguous))
        });
        match targets {
            Some((_, ambiguous)) if !ambiguous.is_empty() => {
                for (k, c) in ambiguous {
                    out[k].doubtful[c] = true;
                }
                let mut l = l;
                for (d, text) in l.doubtful.iter_mut().zip(&l.cells) {
                    *d |= is_value(text);
                }
                out.push(l);
            }
            Some((targets, _)) => {
                for ((text, doubtful), target) in l.cells.into_iter().zip(l.doubtful).zip(targets) {
                    if let Some((k, c)) = target {
                        // A number in the later half may be the tail of one in the earlier
                        // (`69` | `8`) or a number of its own: either way not certain.
                        let cut = is_value(&text);
                        out[k].cells[c].push_str(&text);
                        out[k].doubtful[c] |= doubtful || cut;
                    }
                }
            }
            None => out.push(l),
        }
    }
    out
}

/// Rebuilds a document from words.
pub fn document_from_words(words: &[Word]) -> Document {
    document_from_layout(words, &[])
}

/// Rebuilds a document from words and the pages' ruling lines: ruled tables from their
/// cells ([`super::pdf_grid`]), everything else from the words' positions.
pub fn document_from_layout(words: &[Word], rules: &[super::pdf_rules::Rule]) -> Document {
    let (grid_rows, used) = super::pdf_grid::rows(words, rules);
    let rest: Vec<Word> = words
        .iter()
        .zip(&used)
        .filter(|(_, &u)| !u)
        .map(|(w, _)| w.clone())
        .collect();
    let mut lines = join_wrapped_labels(join_wrapped_numbers(lines_of(&rest)));
    if !grid_rows.is_empty() {
        lines.extend(grid_rows.into_iter().map(Line::from));
        lines.sort_by(|a, b| a.page.cmp(&b.page).then(a.centre().total_cmp(&b.centre())));
        lines = join_split_rows(lines);
    }
    // The text block's right margin, per page, to tell wrapped lines of running text.
    let mut right_margin: std::collections::HashMap<u32, f32> = std::collections::HashMap::new();
    for l in &lines {
        let m = right_margin.entry(l.page).or_insert(0.0);
        *m = m.max(l.right);
    }
    let mut source = String::new();
    let mut blocks: Vec<Block> = Vec::new();
    let mut table: Option<Table> = None;
    let mut prev: Option<&Line> = None;
    // For each text-view line: the page and the line on that page where it starts.
    let mut origins: Vec<(u32, usize)> = Vec::new();
    let mut on_page: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
    for l in &lines {
        let line_no = {
            let n = on_page.entry(l.page).or_insert(0);
            *n += 1;
            *n
        };
        if l.grid.is_none()
            && l.cells.len() > 1
            && crate::text::is_page_furniture(&l.cells.join(" "))
        {
            origins.push((l.page, line_no));
            // A page number spread over cells (`-  3  -`): one piece of furniture.
            let text = l.cells.join(" ");
            let start = source.len();
            source.push_str(&text);
            let span = Span::new(start, source.len());
            source.push('\n');
            blocks.push(Block::Para(Para {
                text,
                span,
                verbatim: true,
            }));
            prev = Some(l);
            continue;
        }
        if l.grid.is_none() && l.cells.len() == 1 {
            if let Some(t) = table.take() {
                blocks.push(Block::Table(t));
            }
            let text = l.cells[0].clone();
            // A wrapped line of running text continues the paragraph above.
            // Not when this line is indented further (a new paragraph), opens with an
            // enumerator (a heading), or the line above ended a sentence at the same indent.
            let continues = prev.is_some_and(|p| {
                let same_indent = (l.left - p.left).abs() < 0.5 * l.height;
                p.cells.len() == 1
                    && p.grid.is_none()
                    && p.page == l.page
                    && l.top - p.bottom < 0.9 * l.height
                    && p.right >= right_margin[&p.page] - 2.0 * p.height
                    && p.cells[0].chars().count() > 15
                    && l.left < p.left + 0.5 * l.height
                    && !starts_with_enumerator(&text)
                    && !(same_indent && p.cells[0].ends_with(['。', '；', '：', '！', '？']))
            });
            if let (true, Some(Block::Para(para))) = (continues, blocks.last_mut()) {
                // Extend the paragraph in the text view: it is the last line written.
                source.pop(); // the newline
                source.push_str(&text);
                para.text.push_str(&text);
                para.span.end = source.len();
                source.push('\n');
            } else {
                origins.push((l.page, line_no));
                let start = source.len();
                source.push_str(&text);
                let span = Span::new(start, source.len());
                source.push('\n');
                blocks.push(Block::Para(Para {
                    text,
                    span,
                    verbatim: true,
                }));
            }
        } else {
            origins.push((l.page, line_no));
            let start = source.len();
            let mut cells = Vec::new();
            for (i, (c, &doubtful)) in l.cells.iter().zip(&l.doubtful).enumerate() {
                if i > 0 {
                    source.push_str(" | ");
                }
                let s = source.len();
                source.push_str(c);
                let (col, colspan) = l.grid.as_ref().map_or((i, 1), |g| g[i]);
                cells.push(Cell {
                    text: c.clone(),
                    span: Span::new(s, source.len()),
                    verbatim: true,
                    col,
                    colspan,
                    definite: l.grid.is_some(),
                    doubtful,
                });
            }
            let span = Span::new(start, source.len());
            source.push('\n');
            table
                .get_or_insert_with(Table::default)
                .rows
                .push(Row { cells, span });
        }
        prev = Some(l);
    }
    if let Some(t) = table.take() {
        blocks.push(Block::Table(t));
    }
    // Each line of the text view starts at one line of one page.
    let mut locations = Vec::new();
    let mut offset = 0;
    for (line, &(page, n)) in source.split('\n').zip(origins.iter()) {
        locations.push(crate::document::Location {
            span: Span::new(offset, offset + line.len()),
            path: format!("第{page}页第{n}行"),
        });
        offset += line.len() + 1;
    }
    Document {
        source,
        kind: SourceKind::Pdf,
        blocks,
        locations,
        lines: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(page: u32, left: f32, top: f32, width: f32, text: &str) -> Word {
        Word {
            page,
            left,
            top,
            width,
            height: 10.0,
            text: text.into(),
        }
    }

    #[test]
    fn rows_from_positioned_words() {
        let words = vec![
            w(1, 80.0, 100.0, 100.0, "二、上年结转政府信息公开申请数量"),
            w(1, 320.0, 99.0, 7.0, "0"),
            w(1, 350.0, 99.5, 14.0, "12"),
            w(1, 80.0, 120.0, 50.0, "（二）部分公开"),
            w(1, 131.0, 120.0, 20.0, "（区分"),
            w(
                1,
                80.0,
                140.0,
                400.0,
                "本年度共收到政府信息公开申请四十二件，办理结果如下，其中予以公开",
            ),
            w(1, 80.0, 152.0, 60.0, "三十件。"),
        ];
        let doc = document_from_words(&words);
        let rows: Vec<Vec<String>> = doc
            .blocks
            .iter()
            .filter_map(|b| {
                if let Block::Table(t) = b {
                    Some(
                        t.rows
                            .iter()
                            .map(|r| r.cells.iter().map(|c| c.text.clone()).collect::<Vec<_>>()),
                    )
                } else {
                    None
                }
            })
            .flatten()
            .collect();
        assert_eq!(
            rows,
            vec![vec![
                "二、上年结转政府信息公开申请数量".to_string(),
                "0".into(),
                "12".into()
            ]]
        );
        let paras: Vec<&str> = doc
            .blocks
            .iter()
            .filter_map(|b| {
                if let Block::Para(p) = b {
                    Some(p.text.as_str())
                } else {
                    None
                }
            })
            .collect();
        assert_eq!(
            paras,
            vec![
                "（二）部分公开（区分",
                "本年度共收到政府信息公开申请四十二件，办理结果如下，其中予以公开三十件。"
            ]
        );
        for b in &doc.blocks {
            if let Block::Para(p) = b {
                assert_eq!(&doc.source[p.span.start..p.span.end], p.text);
            }
        }
        let at = doc.source.find("12").unwrap();
        assert_eq!(doc.location_of(at), Some("第1页第1行"));
        let at = doc.source.find("三十件").unwrap();
        assert_eq!(
            doc.location_of(at),
            Some("第1页第3行"),
            "a wrapped paragraph is located where it starts"
        );
    }

    fn table_rows(doc: &Document) -> Vec<Vec<(String, bool)>> {
        doc.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Table(t) => Some(t.rows.iter().map(|r| {
                    r.cells
                        .iter()
                        .map(|c| (c.text.clone(), c.doubtful))
                        .collect::<Vec<_>>()
                })),
                _ => None,
            })
            .flatten()
            .collect()
    }

    /// A total column too narrow for `230`: Chromium wraps it to `23` half a line above
    /// the row and `0` half a line below. The halves are joined; the lower one alone is
    /// never the row's total.
    #[test]
    fn a_number_wrapped_in_its_cell_is_joined() {
        let mut words = vec![
            w(1, 80.0, 100.0, 60.0, "（七）总计"),
            w(1, 300.0, 100.0, 18.0, "122"),
            w(1, 340.0, 100.0, 12.0, "20"),
        ];
        words.push(w(1, 380.0, 94.5, 12.0, "２３"));
        words.push(w(1, 383.0, 105.5, 6.0, "０"));
        words.push(w(1, 80.0, 125.0, 120.0, "四、结转下年度继续办理"));
        words.push(w(1, 300.0, 125.0, 6.0, "6"));
        words.push(w(1, 340.0, 125.0, 6.0, "0"));
        words.push(w(1, 380.0, 125.0, 6.0, "6"));
        let doc = document_from_words(&words);
        let rows = table_rows(&doc);
        let texts: Vec<Vec<&str>> = rows
            .iter()
            .map(|r| r.iter().map(|(t, _)| t.as_str()).collect())
            .collect();
        assert_eq!(
            texts,
            vec![
                vec!["（七）总计", "122", "20", "２３０"],
                vec!["四、结转下年度继续办理", "6", "0", "6"]
            ]
        );
        assert!(rows.iter().flatten().all(|(_, d)| !d));
    }

    /// One piece alone in a column the row leaves empty, or a piece beside a number the
    /// row has: the number is not known whole, and the cell says so.
    #[test]
    fn a_number_seen_in_part_is_doubtful() {
        let words = vec![
            w(1, 80.0, 100.0, 60.0, "（七）总计"),
            w(1, 300.0, 100.0, 18.0, "122"),
            w(1, 340.0, 100.0, 12.0, "20"),
            w(1, 383.0, 105.5, 6.0, "０"),
            w(1, 80.0, 140.0, 60.0, "（六）其他处理"),
            w(1, 300.0, 140.0, 12.0, "12"),
            w(1, 303.0, 145.5, 6.0, "3"),
            w(1, 340.0, 140.0, 6.0, "0"),
        ];
        let rows = table_rows(&document_from_words(&words));
        assert_eq!(
            rows,
            vec![
                vec![
                    ("（七）总计".to_string(), false),
                    ("122".into(), false),
                    ("20".into(), false),
                    ("０".into(), true)
                ],
                vec![
                    ("（六）其他处理".to_string(), false),
                    ("12".into(), true),
                    ("0".into(), false)
                ]
            ]
        );
    }

    /// The first number column empty but for the halves of a wrapped number; a label
    /// filling its cell up to the next cell's number; a number wrapped in three, its
    /// middle on the row's line (which piece is whose is not certain: doubtful).
    #[test]
    fn wrapped_numbers_in_the_first_column_and_labels_meeting_numbers() {
        let words = vec![
            w(1, 80.0, 100.0, 100.0, "5.属于三类内部事务信息"),
            w(1, 200.0, 94.5, 12.0, "２"),
            w(1, 200.0, 105.5, 6.0, "０"),
            w(1, 230.0, 100.0, 6.0, "0"),
            w(1, 260.0, 100.0, 12.0, "20"),
            w(1, 80.0, 140.0, 116.0, "行政机关不再处理其"),
            w(1, 199.0, 140.0, 12.0, "22"),
            w(1, 230.0, 140.0, 6.0, "2"),
            w(1, 260.0, 140.0, 12.0, "24"),
            w(1, 80.0, 180.0, 60.0, "（七）总计"),
            w(1, 200.0, 180.0, 6.0, "5"),
            w(1, 230.0, 180.0, 6.0, "0"),
            w(1, 260.0, 169.0, 6.0, "８"),
            w(1, 260.0, 180.0, 6.0, "３"),
            w(1, 260.0, 191.0, 6.0, "１"),
        ];
        let rows = table_rows(&document_from_words(&words));
        let shown: Vec<Vec<String>> = rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|(t, d)| if *d { format!("{t}?") } else { t.clone() })
                    .collect()
            })
            .collect();
        assert_eq!(
            shown,
            vec![
                vec!["5.属于三类内部事务信息", "２０", "0", "20"],
                vec!["行政机关不再处理其", "22", "2", "24"],
                vec!["（七）总计", "5", "0", "３?"],
            ]
        );
    }

    /// A ruled table whose last row on page 1 runs on at the top of page 2 (LibreOffice
    /// breaks rows over pages): the halves are one row; a number in the later half is
    /// doubtful (the tail of `3`, or a number of its own); a row that starts with its own
    /// enumerator is a row of its own.
    #[test]
    fn a_ruled_row_broken_over_a_page_is_joined() {
        use super::super::pdf_rules::Rule;
        let rule = |page, horizontal, pos, from, to| Rule {
            page,
            horizontal,
            pos,
            from,
            to,
        };
        // Page 1: two rows at 700–760; page 2: two rows at 50–110; columns 80–280–380.
        let mut rules = Vec::new();
        for (page, top) in [(1, 700.0), (2, 50.0)] {
            for y in [top, top + 30.0, top + 60.0] {
                rules.push(rule(page, true, y, 80.0, 380.0));
            }
            for x in [80.0, 280.0, 380.0] {
                rules.push(rule(page, false, x, top, top + 60.0));
            }
        }
        let read_under = |above: &str, continued: &str, value: &str| {
            let mut words = vec![
                w(1, 85.0, 710.0, 100.0, "（一）本机关"),
                w(1, 300.0, 710.0, 6.0, "1"),
                w(1, 85.0, 740.0, 100.0, "1.属于国家秘密"),
            ];
            if !above.is_empty() {
                words.push(w(1, 300.0, 740.0, 30.0, above));
            }
            words.extend([
                w(1, 280.0, 800.0, 30.0, "— 1 —"),
                w(2, 85.0, 60.0, 40.0, continued),
                w(2, 85.0, 90.0, 100.0, "3.危及“三安全一稳定”"),
                w(2, 300.0, 90.0, 6.0, "2"),
            ]);
            if !value.is_empty() {
                words.push(w(2, 300.0, 60.0, 6.0, value));
            }
            let shown: Vec<Vec<String>> = table_rows(&document_from_layout(&words, &rules))
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|(t, d)| if *d { format!("{t}?") } else { t.clone() })
                        .collect()
                })
                .collect();
            shown
        };
        let read = |continued: &str, value: &str| read_under("3", continued, value);
        assert_eq!(
            read("事项", ""),
            vec![
                vec!["（一）本机关", "1"],
                vec!["1.属于国家秘密事项", "3"],
                vec!["3.危及“三安全一稳定”", "2"],
            ]
        );
        assert_eq!(read("事项", "8")[1], vec!["1.属于国家秘密事项", "38?"]);
        assert_eq!(
            read("2.其他", "4")[1..],
            [
                vec!["1.属于国家秘密", "3"],
                vec!["2.其他", "4"],
                vec!["3.危及“三安全一稳定”", "2"],
            ]
        );
        // A number under a cell of text opens a row of its own.
        assert_eq!(
            read_under("决定数量", "行政处罚", "6")[1..3],
            [vec!["1.属于国家秘密", "决定数量"], vec!["行政处罚", "6"],]
        );
        // A number under an empty cell may be that row's value or a new row's: both in doubt.
        assert_eq!(
            read_under("", "事项", "5")[1..3],
            [vec!["1.属于国家秘密", "?"], vec!["事项", "5?"]]
        );
    }

    #[test]
    fn tsv_rows() {
        let tsv = "level\tpage_num\tpar_num\tblock_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
                   1\t1\t0\t0\t0\t0\t0\t0\t595\t842\t-1\t###PAGE###\n5\t1\t0\t0\t0\t0\t81.00\t133.98\t48.00\t12.04\t100\t行政处罚\n";
        assert_eq!(
            parse_tsv(tsv),
            vec![Word {
                page: 1,
                left: 81.0,
                top: 133.98,
                width: 48.0,
                height: 12.04,
                text: "行政处罚".into()
            }]
        );
    }
}
