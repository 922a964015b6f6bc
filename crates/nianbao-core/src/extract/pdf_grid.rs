//! PDF table cells from ruling lines: the boxes a table's borders draw, and the words in
//! each.
//!
//! A PDF has no cells, only words and strokes. Where a table is ruled, its borders say
//! exactly which words share a cell, so a label wrapped over six lines is one label, a
//! number wrapped in its narrow column is one number, and a cell with no words is a
//! definite blank — none of which word positions alone can tell. A cell is the box around
//! a point bounded by the nearest rule on each side that crosses the point's row or column,
//! kept only when each of its four sides is ruled along its whole length; merged cells
//! (rowspan, colspan) come out whole because the rules inside them are missing. Boxes that
//! touch make a table; a table needs two rows and two columns, and is given up (its words
//! left to the line reader) when a word inside it falls in no cell. A word that runs over
//! a column border leaves the cells it covers in doubt.
//!
//! Work per page is bounded: pages with more rules or boxes than any report's tables fall
//! back to word positions.

use super::pdf::Word;
use super::pdf_rules::Rule;

/// Rules closer than this (points) are one line (a double border, a rounding).
const SAME_LINE: f32 = 1.0;
/// Narrower than any real column with no word in it (a real column has at least its
/// header), in points.
const MIN_COLUMN: f32 = 16.0;
/// How far a rule may fall short of a point or an edge and still reach it.
const REACH: f32 = 2.0;
/// Most merged rules, elementary boxes and cells looked at on one page.
const MAX_RULES: usize = 4_000;
const MAX_BOXES: usize = 20_000;
const MAX_CELLS: usize = 3_000;
/// Most rule tests spent on one page (boxes × rules).
const MAX_WORK: usize = 30_000_000;

/// A merged ruling line: `pos` across, `from..to` along.
#[derive(Debug, Clone, Copy)]
struct Seg {
    pos: f32,
    from: f32,
    to: f32,
}

/// A cell of a ruled table and the words in it.
#[derive(Debug, Clone)]
pub(crate) struct GridCell {
    pub left: f32,
    pub right: f32,
    pub bottom: f32,
    /// Column in the table's grid, and columns spanned.
    pub col: usize,
    pub colspan: usize,
    /// The cell's words joined in reading order.
    pub text: String,
    /// A word runs over the cell's border: its content is not certain.
    pub doubtful: bool,
}

/// A row of a ruled table: the cells whose top is the row's top (cells of a rowspan stand
/// in their first row, as in HTML).
#[derive(Debug, Clone)]
pub(crate) struct GridRow {
    pub page: u32,
    pub top: f32,
    /// Bottom of the row's lowest-reaching leaf: the row's own band ends there.
    pub bottom: f32,
    pub left: f32,
    pub right: f32,
    pub cells: Vec<GridCell>,
}

/// The ruled tables' rows, in page order, and which words they took.
pub(crate) fn rows(words: &[Word], rules: &[Rule]) -> (Vec<GridRow>, Vec<bool>) {
    let mut used = vec![false; words.len()];
    let mut out = Vec::new();
    if rules.is_empty() {
        return (out, used);
    }
    let mut pages: Vec<u32> = rules.iter().map(|r| r.page).collect();
    pages.sort_unstable();
    pages.dedup();
    for page in pages {
        let on_page: Vec<usize> = (0..words.len())
            .filter(|&i| words[i].page == page)
            .collect();
        if on_page.is_empty() {
            continue;
        }
        let hs = merge(rules.iter().filter(|r| r.page == page && r.horizontal));
        let vs = merge(rules.iter().filter(|r| r.page == page && !r.horizontal));
        let Some(cells) = cells_of(&hs, &vs) else {
            continue;
        };
        for table in tables(&cells) {
            if let Some(rows) = fill(page, &table, words, &on_page, &mut used) {
                out.extend(rows);
            }
        }
    }
    (out, used)
}

/// Collinear pieces joined into lines.
fn merge<'a>(rules: impl Iterator<Item = &'a Rule>) -> Vec<Seg> {
    let mut rs: Vec<Seg> = rules
        .map(|r| Seg {
            pos: r.pos,
            from: r.from,
            to: r.to,
        })
        .collect();
    rs.sort_by(|a, b| a.pos.total_cmp(&b.pos));
    let mut out: Vec<Seg> = Vec::new();
    let mut i = 0;
    while i < rs.len() {
        // A cluster of rules at about the same position.
        let mut j = i + 1;
        while j < rs.len() && rs[j].pos - rs[j - 1].pos <= SAME_LINE {
            j += 1;
        }
        let cluster = &mut rs[i..j];
        let pos = cluster.iter().map(|s| s.pos).sum::<f32>() / cluster.len() as f32;
        cluster.sort_by(|a, b| a.from.total_cmp(&b.from));
        let mut cur: Option<Seg> = None;
        for s in cluster.iter() {
            match &mut cur {
                Some(c) if s.from <= c.to + REACH => c.to = c.to.max(s.to),
                _ => {
                    if let Some(c) = cur.take() {
                        out.push(c);
                    }
                    cur = Some(Seg {
                        pos,
                        from: s.from,
                        to: s.to,
                    });
                }
            }
        }
        out.extend(cur);
        i = j;
    }
    out
}

/// Distinct positions of a set of lines.
fn positions(segs: &[Seg]) -> Vec<f32> {
    let mut ps: Vec<f32> = segs.iter().map(|s| s.pos).collect();
    ps.sort_by(f32::total_cmp);
    ps.dedup_by(|a, b| (*a - *b).abs() <= SAME_LINE);
    ps
}

/// A box: left, top, right, bottom.
type Rect = [f32; 4];

/// The cells the rules close, containers of other cells dropped; `None` when the page is
/// past the work bounds.
fn cells_of(hs: &[Seg], vs: &[Seg]) -> Option<Vec<Rect>> {
    if hs.len() < 2 || vs.len() < 2 || hs.len() + vs.len() > MAX_RULES {
        return None;
    }
    let (xs, ys) = (positions(vs), positions(hs));
    let boxes = (xs.len() - 1) * (ys.len() - 1);
    if boxes > MAX_BOXES || boxes * (hs.len() + vs.len()) > MAX_WORK {
        return None;
    }
    let mut cells: Vec<Rect> = Vec::new();
    for x in xs.windows(2) {
        for y in ys.windows(2) {
            let (px, py) = ((x[0] + x[1]) / 2.0, (y[0] + y[1]) / 2.0);
            if let Some(r) = cell_at(hs, vs, px, py) {
                let same = |c: &Rect| (0..4).all(|k| (c[k] - r[k]).abs() <= SAME_LINE);
                if !cells.iter().any(same) {
                    cells.push(r);
                    if cells.len() > MAX_CELLS {
                        return None;
                    }
                }
            }
        }
    }
    // A box around other boxes (a frame around a table, a layout cell) is not a cell.
    let inside = |a: &Rect, b: &Rect| {
        a != b
            && b[0] >= a[0] - SAME_LINE
            && b[1] >= a[1] - SAME_LINE
            && b[2] <= a[2] + SAME_LINE
            && b[3] <= a[3] + SAME_LINE
    };
    let keep: Vec<bool> = cells
        .iter()
        .map(|a| !cells.iter().any(|b| inside(a, b)))
        .collect();
    Some(
        cells
            .into_iter()
            .zip(keep)
            .filter_map(|(c, k)| k.then_some(c))
            .collect(),
    )
}

/// The box around a point, if every side is ruled along its whole length.
fn cell_at(hs: &[Seg], vs: &[Seg], px: f32, py: f32) -> Option<Rect> {
    let crosses = |s: &Seg, along: f32| s.from - REACH <= along && along <= s.to + REACH;
    let nearest = |segs: &[Seg], along: f32, across: f32, before: bool| {
        segs.iter()
            .filter(|s| {
                crosses(s, along)
                    && if before {
                        s.pos < across
                    } else {
                        s.pos > across
                    }
            })
            .map(|s| s.pos)
            .reduce(if before { f32::max } else { f32::min })
    };
    let top = nearest(hs, px, py, true)?;
    let bottom = nearest(hs, px, py, false)?;
    let left = nearest(vs, py, px, true)?;
    let right = nearest(vs, py, px, false)?;
    let ruled = |segs: &[Seg], pos: f32, from: f32, to: f32| {
        segs.iter().any(|s| {
            (s.pos - pos).abs() <= SAME_LINE && s.from <= from + REACH && s.to >= to - REACH
        })
    };
    (ruled(hs, top, left, right)
        && ruled(hs, bottom, left, right)
        && ruled(vs, left, top, bottom)
        && ruled(vs, right, top, bottom))
    .then_some([left, top, right, bottom])
}

/// Cells grouped into tables: cells that share a border belong together.
fn tables(cells: &[Rect]) -> Vec<Vec<Rect>> {
    let n = cells.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    let overlap = |a0: f32, a1: f32, b0: f32, b1: f32| a1.min(b1) - a0.max(b0) > SAME_LINE;
    for i in 0..n {
        for j in i + 1..n {
            let (a, b) = (&cells[i], &cells[j]);
            let side = ((a[2] - b[0]).abs() <= SAME_LINE || (b[2] - a[0]).abs() <= SAME_LINE)
                && overlap(a[1], a[3], b[1], b[3]);
            let above = ((a[3] - b[1]).abs() <= SAME_LINE || (b[3] - a[1]).abs() <= SAME_LINE)
                && overlap(a[0], a[2], b[0], b[2]);
            if side || above {
                let (ri, rj) = (root(&mut parent, i), root(&mut parent, j));
                parent[ri] = rj;
            }
        }
    }
    let mut groups: std::collections::BTreeMap<usize, Vec<Rect>> = Default::default();
    for (i, cell) in cells.iter().enumerate() {
        let r = root(&mut parent, i);
        groups.entry(r).or_default().push(*cell);
    }
    groups.into_values().collect()
}

/// Distinct values within `SAME_LINE`.
fn distinct(mut v: Vec<f32>) -> Vec<f32> {
    v.sort_by(f32::total_cmp);
    v.dedup_by(|a, b| (*a - *b).abs() <= SAME_LINE);
    v
}

fn index_of(bounds: &[f32], x: f32) -> usize {
    bounds
        .iter()
        .position(|b| (b - x).abs() <= SAME_LINE)
        .unwrap_or(0)
}

/// A table's rows with its words, or `None` when it is not a table of words (one row or
/// column, no words, a word inside it in no cell). Marks the words taken.
fn fill(
    page: u32,
    table: &[Rect],
    words: &[Word],
    on_page: &[usize],
    used: &mut [bool],
) -> Option<Vec<GridRow>> {
    let lefts = distinct(table.iter().map(|c| c[0]).collect());
    let tops = distinct(table.iter().map(|c| c[1]).collect());
    if lefts.len() < 2 || tops.len() < 2 {
        return None;
    }
    let bbox = table
        .iter()
        .fold([f32::MAX, f32::MAX, f32::MIN, f32::MIN], |b, c| {
            [
                b[0].min(c[0]),
                b[1].min(c[1]),
                b[2].max(c[2]),
                b[3].max(c[3]),
            ]
        });
    let contains = |r: &Rect, x: f32, y: f32| r[0] <= x && x <= r[2] && r[1] <= y && y <= r[3];
    let mut in_cell: Vec<Vec<usize>> = vec![Vec::new(); table.len()];
    let mut doubtful = vec![false; table.len()];
    let mut taken = Vec::new();
    for &wi in on_page {
        let w = &words[wi];
        let (cx, cy) = (w.left + w.width / 2.0, w.top + w.height / 2.0);
        if !contains(&bbox, cx, cy) {
            continue;
        }
        let ci = table.iter().position(|r| contains(r, cx, cy))?;
        in_cell[ci].push(wi);
        taken.push(wi);
        let c = &table[ci];
        if w.left < c[0] - SAME_LINE || w.left + w.width > c[2] + SAME_LINE {
            // Over a column border: every cell the word covers is in doubt.
            for (k, r) in table.iter().enumerate() {
                let covered = (w.left + w.width).min(r[2]) - w.left.max(r[0]);
                if r[1] <= cy && cy <= r[3] && covered > SAME_LINE {
                    doubtful[k] = true;
                }
            }
        }
    }
    if taken.is_empty() {
        return None;
    }
    for wi in taken {
        used[wi] = true;
    }
    let all_bounds = distinct(table.iter().flat_map(|c| [c[0], c[2]]).collect());
    // A sliver between two column borders that no word of the table falls in is no
    // column (LibreOffice draws a table's edge as several close lines): merged into the
    // column on its left, and an empty cell within slivers only is dropped.
    let sliver: Vec<bool> = all_bounds
        .windows(2)
        .map(|b| {
            b[1] - b[0] < MIN_COLUMN
                && in_cell.iter().flatten().all(|&wi| {
                    let x = words[wi].left + words[wi].width / 2.0;
                    x <= b[0] || x >= b[1]
                })
        })
        .collect();
    let bounds: Vec<f32> = all_bounds
        .iter()
        .enumerate()
        .filter(|&(i, _)| i == 0 || !sliver[i - 1])
        .map(|(_, &b)| b)
        .collect();
    let in_slivers = |c: &Rect| {
        let (a, b) = (index_of(&all_bounds, c[0]), index_of(&all_bounds, c[2]));
        a < b && sliver[a..b].iter().all(|&s| s)
    };
    // The column a border position falls in: kept borders at or before it, less one.
    let column = |x: f32| {
        bounds
            .iter()
            .filter(|&&b| b <= x + SAME_LINE)
            .count()
            .saturating_sub(1)
    };
    let mut rows: Vec<GridRow> = Vec::new();
    for &top in &tops {
        let mut cells: Vec<GridCell> = table
            .iter()
            .enumerate()
            .filter(|(k, c)| {
                (c[1] - top).abs() <= SAME_LINE && !(in_cell[*k].is_empty() && in_slivers(c))
            })
            .map(|(k, c)| {
                let col = column(c[0]);
                GridCell {
                    left: c[0],
                    right: c[2],
                    bottom: c[3],
                    col,
                    colspan: column(c[2]).saturating_sub(col).max(1),
                    text: cell_text(words, &in_cell[k]),
                    doubtful: doubtful[k],
                }
            })
            .collect();
        cells.sort_by(|a, b| a.left.total_cmp(&b.left));
        rows.push(GridRow {
            page,
            top,
            bottom: cells.iter().map(|c| c.bottom).fold(f32::MAX, f32::min),
            left: cells.first().map_or(0.0, |c| c.left),
            right: cells.iter().map(|c| c.right).fold(0.0, f32::max),
            cells,
        });
    }
    Some(rows)
}

fn is_cjk(c: char) -> bool {
    ('\u{2E80}'..='\u{9FFF}').contains(&c)
        || ('\u{F900}'..='\u{FAFF}').contains(&c)
        || ('\u{FF00}'..='\u{FFEF}').contains(&c)
        || ('\u{3000}'..='\u{303F}').contains(&c)
}

fn numberish(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, ',' | '.')
}

/// A cell's words in reading order: lines by their centres, words left to right; CJK and
/// the pieces of a wrapped number join directly, other words with a space.
fn cell_text(words: &[Word], ids: &[usize]) -> String {
    let mut ws: Vec<&Word> = ids.iter().map(|&i| &words[i]).collect();
    ws.sort_by(|a, b| (a.top + a.height / 2.0).total_cmp(&(b.top + b.height / 2.0)));
    let mut lines: Vec<Vec<&Word>> = Vec::new();
    for w in ws {
        let c = w.top + w.height / 2.0;
        match lines.last_mut() {
            Some(l)
                if (c - (l[0].top + l[0].height / 2.0)).abs()
                    <= 0.4 * l[0].height.max(w.height) =>
            {
                l.push(w)
            }
            _ => lines.push(vec![w]),
        }
    }
    let mut text = String::new();
    for (li, mut line) in lines.into_iter().enumerate() {
        line.sort_by(|a, b| a.left.total_cmp(&b.left));
        for (wi, w) in line.iter().enumerate() {
            if let (Some(prev), Some(next)) = (text.chars().next_back(), w.text.chars().next()) {
                let direct = is_cjk(prev)
                    || is_cjk(next)
                    || (li > 0 && wi == 0 && numberish(prev) && numberish(next));
                if !direct {
                    text.push(' ');
                }
            }
            text.push_str(&w.text);
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pos: f32, from: f32, to: f32) -> Rule {
        Rule {
            page: 1,
            horizontal: true,
            pos,
            from,
            to,
        }
    }
    fn v(pos: f32, from: f32, to: f32) -> Rule {
        Rule {
            page: 1,
            horizontal: false,
            pos,
            from,
            to,
        }
    }
    fn w(left: f32, top: f32, width: f32, text: &str) -> Word {
        Word {
            page: 1,
            left,
            top,
            width,
            height: 10.0,
            text: text.into(),
        }
    }
    fn texts(rows: &[GridRow]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.cells.iter().map(|c| c.text.clone()).collect())
            .collect()
    }

    /// A label column 0–100 whose first cell spans two rows, and two value columns.
    fn ruled() -> Vec<Rule> {
        vec![
            h(0.0, 0.0, 300.0),
            h(30.0, 100.0, 300.0), // not under the merged label
            h(60.0, 0.0, 300.0),
            h(90.0, 0.0, 300.0),
            v(0.0, 0.0, 90.0),
            v(100.0, 0.0, 90.0),
            v(200.0, 0.0, 90.0),
            v(300.0, 0.0, 90.0),
        ]
    }

    #[test]
    fn merged_cells_wrapped_text_and_blank_cells() {
        let words = vec![
            w(5.0, 2.0, 90.0, "三、本年度办理"),
            w(5.0, 14.0, 40.0, "结果"),
            w(150.0, 10.0, 10.0, "23"),
            w(150.0, 20.0, 5.0, "0"),
            w(150.0, 40.0, 10.0, "12"),
            w(5.0, 70.0, 40.0, "合计"),
            w(250.0, 70.0, 10.0, "7"),
            w(5.0, 200.0, 90.0, "表格之外的段落"),
        ];
        let (rows, used) = rows(&words, &ruled());
        assert_eq!(
            texts(&rows),
            vec![
                vec!["三、本年度办理结果", "230", ""],
                vec!["12", ""],
                vec!["合计", "", "7"],
            ]
        );
        assert_eq!(rows[1].cells[0].col, 1);
        assert_eq!(rows[0].cells[0].colspan, 1);
        assert_eq!(used, vec![true, true, true, true, true, true, true, false]);
        assert!(rows.iter().flat_map(|r| &r.cells).all(|c| !c.doubtful));
    }

    #[test]
    fn a_word_over_a_border_leaves_its_cells_in_doubt() {
        let words = vec![w(190.0, 70.0, 20.0, "00"), w(5.0, 70.0, 40.0, "合计")];
        let (rows, _) = rows(&words, &ruled());
        let last = &rows[2].cells;
        assert!(!last[0].doubtful);
        assert!(last[1].doubtful && last[2].doubtful, "{last:?}");
    }

    #[test]
    fn frames_single_boxes_and_open_sides_are_not_tables() {
        // A box with one cell; a grid whose right side is open.
        let rules = vec![
            h(0.0, 0.0, 100.0),
            h(50.0, 0.0, 100.0),
            v(0.0, 0.0, 50.0),
            v(100.0, 0.0, 50.0),
            h(100.0, 0.0, 200.0),
            h(130.0, 0.0, 200.0),
            h(160.0, 0.0, 200.0),
            v(0.0, 100.0, 160.0),
            v(100.0, 100.0, 160.0),
        ];
        let words = vec![w(10.0, 20.0, 30.0, "框内"), w(110.0, 110.0, 30.0, "右侧")];
        let (rows, used) = rows(&words, &rules);
        assert!(rows.is_empty(), "{rows:?}");
        assert_eq!(used, vec![false, false]);
    }
}
