//! PDF ruling lines: the straight strokes and hairline fills a producer draws as a table's
//! borders, read from the page's vector paths.
//!
//! The core does not interpret PDF content streams itself: the pages are drawn outside it
//! (by the reader, with poppler's `pdftocairo -svg`) and the SVG's paths come here. Only
//! horizontal and vertical pieces are kept, in points from the page's top-left corner (the
//! frame of `pdftotext -tsv`'s words): a stroked segment, or a filled rectangle thin enough
//! to be a line (Word and WPS draw borders so). Glyph outlines (inside `<defs>`), curves,
//! white or transparent paint and large fills (backgrounds, shading) are not rules.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// A horizontal or vertical ruling line on a page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    /// Page, from 1.
    pub page: u32,
    /// Horizontal (a row border) or vertical (a column border).
    pub horizontal: bool,
    /// Its y (horizontal) or x (vertical), in points from the page's top or left.
    pub pos: f32,
    /// Where it starts along its direction (x of a horizontal rule, y of a vertical).
    pub from: f32,
    /// Where it ends (`from <= to`).
    pub to: f32,
}

/// Most rules read from one document: far above any report's tables (a page of table 三
/// has a few hundred); beyond it the rest are dropped and tables fall back to word
/// positions.
pub const MAX_RULES: usize = 200_000;
/// Thickest fill read as a line (points).
const HAIRLINE: f32 = 3.0;
/// Deepest element nesting followed.
const MAX_DEPTH: usize = 256;

/// An affine transform `matrix(a,b,c,d,e,f)`.
#[derive(Clone, Copy)]
struct Matrix([f32; 6]);

impl Matrix {
    const IDENTITY: Matrix = Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    fn apply(&self, x: f32, y: f32) -> (f32, f32) {
        let [a, b, c, d, e, f] = self.0;
        (a * x + c * y + e, b * x + d * y + f)
    }

    /// `self` after `inner` (an element's transform inside its group's).
    fn then(&self, inner: &Matrix) -> Matrix {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = inner.0;
        Matrix([
            a * a2 + c * b2,
            b * a2 + d * b2,
            a * c2 + c * d2,
            b * c2 + d * d2,
            a * e2 + c * f2 + e,
            b * e2 + d * f2 + f,
        ])
    }

    /// Reads `matrix(…)`; any other transform is not followed (`None`).
    fn parse(text: &str) -> Option<Matrix> {
        let inner = text.trim().strip_prefix("matrix(")?.strip_suffix(')')?;
        let mut m = [0.0f32; 6];
        let mut n = 0;
        for part in inner.split([',', ' ']).filter(|p| !p.is_empty()) {
            *m.get_mut(n)? = part.parse().ok().filter(|v: &f32| v.is_finite())?;
            n += 1;
        }
        (n == 6).then_some(Matrix(m))
    }
}

/// How an element is painted, from its `style` (inherited from its groups).
#[derive(Clone, Copy)]
struct Paint {
    stroke: bool,
    fill: bool,
}

impl Default for Paint {
    /// SVG's initial values: no stroke, a black fill.
    fn default() -> Paint {
        Paint {
            stroke: false,
            fill: true,
        }
    }
}

impl Paint {
    fn with_style(mut self, style: &str) -> Paint {
        let mut stroke_opacity = None;
        let mut fill_opacity = None;
        for decl in style.split(';') {
            let Some((key, value)) = decl.split_once(':') else {
                continue;
            };
            let value = value.trim();
            match key.trim() {
                "stroke" => self.stroke = visible_colour(value),
                "fill" => self.fill = visible_colour(value),
                "stroke-opacity" => stroke_opacity = value.parse::<f32>().ok(),
                "fill-opacity" => fill_opacity = value.parse::<f32>().ok(),
                _ => {}
            }
        }
        if stroke_opacity.is_some_and(|o| o < 0.1) {
            self.stroke = false;
        }
        if fill_opacity.is_some_and(|o| o < 0.1) {
            self.fill = false;
        }
        self
    }
}

/// A colour a reader sees on white paper: not `none`, not white.
fn visible_colour(value: &str) -> bool {
    let v = value.replace(' ', "");
    !(v == "none"
        || v == "transparent"
        || v == "rgb(100%,100%,100%)"
        || v == "rgb(255,255,255)"
        || v.eq_ignore_ascii_case("#ffffff")
        || v.eq_ignore_ascii_case("#fff")
        || v == "white")
}

fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// The ruling lines of every page of `pdftocairo -svg` output (pages in `<page>` elements,
/// or one page without them).
pub fn parse_svg(svg: &str) -> Vec<Rule> {
    let mut reader = Reader::from_str(svg);
    let mut out = Vec::new();
    let mut page = 1u32;
    let mut pages_seen = 0u32;
    // The transform and paint of each open group; depth inside <defs> and the like.
    let mut stack: Vec<(Matrix, Paint)> = vec![(Matrix::IDENTITY, Paint::default())];
    let mut hidden_depth: Option<usize> = None;
    loop {
        let event = match reader.read_event() {
            Ok(Event::Eof) | Err(_) => break,
            Ok(e) => e,
        };
        match event {
            Event::Start(e) => {
                let name = e.name();
                let name = name.as_ref();
                if name == "page" {
                    pages_seen += 1;
                    page = pages_seen;
                }
                if hidden_depth.is_none()
                    && matches!(
                        name,
                        "defs" | "clipPath" | "mask" | "pattern" | "symbol" | "marker"
                    )
                {
                    hidden_depth = Some(stack.len());
                }
                let (parent_m, parent_p) = *stack
                    .last()
                    .unwrap_or(&(Matrix::IDENTITY, Paint::default()));
                let m = match attr(&e, "transform") {
                    Some(t) => Matrix::parse(&t).map(|inner| parent_m.then(&inner)),
                    None => Some(parent_m),
                };
                let p = attr(&e, "style").map_or(parent_p, |s| parent_p.with_style(&s));
                if stack.len() >= MAX_DEPTH {
                    break;
                }
                // A group under a transform not followed hides what it holds.
                if m.is_none() && hidden_depth.is_none() {
                    hidden_depth = Some(stack.len());
                }
                stack.push((m.unwrap_or(Matrix::IDENTITY), p));
                if name == "path" && hidden_depth.is_none() {
                    path_rules(&e, m, p, page, &mut out);
                }
            }
            Event::Empty(e) if hidden_depth.is_none() && e.name().as_ref() == "path" => {
                let (parent_m, parent_p) = *stack
                    .last()
                    .unwrap_or(&(Matrix::IDENTITY, Paint::default()));
                let m = match attr(&e, "transform") {
                    Some(t) => Matrix::parse(&t).map(|inner| parent_m.then(&inner)),
                    None => Some(parent_m),
                };
                let p = attr(&e, "style").map_or(parent_p, |s| parent_p.with_style(&s));
                path_rules(&e, m, p, page, &mut out);
            }
            Event::End(_) => {
                stack.pop();
                if hidden_depth.is_some_and(|d| stack.len() <= d) {
                    hidden_depth = None;
                }
                if stack.is_empty() {
                    stack.push((Matrix::IDENTITY, Paint::default()));
                }
            }
            _ => {}
        }
        if out.len() >= MAX_RULES {
            out.truncate(MAX_RULES);
            break;
        }
    }
    out
}

/// The rules one `<path>` draws.
fn path_rules(e: &BytesStart<'_>, m: Option<Matrix>, paint: Paint, page: u32, out: &mut Vec<Rule>) {
    let Some(m) = m else { return };
    if !paint.stroke && !paint.fill {
        return;
    }
    let Some(d) = attr(e, "d") else { return };
    for sub in subpaths(&d) {
        let pts: Vec<(f32, f32)> = sub.iter().map(|&(x, y)| m.apply(x, y)).collect();
        if paint.stroke {
            for w in pts.windows(2) {
                push_segment(w[0], w[1], page, out);
            }
        }
        if paint.fill {
            push_hairline(&pts, page, out);
        }
    }
}

/// A segment, if it is horizontal or vertical and not a dot.
fn push_segment((x1, y1): (f32, f32), (x2, y2): (f32, f32), page: u32, out: &mut Vec<Rule>) {
    let (dx, dy) = ((x2 - x1).abs(), (y2 - y1).abs());
    if dy <= 0.3 && dx > 1.0 {
        out.push(Rule {
            page,
            horizontal: true,
            pos: (y1 + y2) / 2.0,
            from: x1.min(x2),
            to: x1.max(x2),
        });
    } else if dx <= 0.3 && dy > 1.0 {
        out.push(Rule {
            page,
            horizontal: false,
            pos: (x1 + x2) / 2.0,
            from: y1.min(y2),
            to: y1.max(y2),
        });
    }
}

/// A filled axis-aligned rectangle thin enough to be a line.
fn push_hairline(pts: &[(f32, f32)], page: u32, out: &mut Vec<Rule>) {
    if pts.len() < 4 || pts.len() > 5 {
        return;
    }
    let (mut l, mut t, mut r, mut b) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for &(x, y) in pts {
        l = l.min(x);
        r = r.max(x);
        t = t.min(y);
        b = b.max(y);
    }
    // Every point a corner: an axis-aligned rectangle.
    let corner = |&(x, y): &(f32, f32)| {
        ((x - l).abs() < 0.3 || (x - r).abs() < 0.3) && ((y - t).abs() < 0.3 || (y - b).abs() < 0.3)
    };
    if !pts.iter().all(corner) {
        return;
    }
    let (w, h) = (r - l, b - t);
    if w <= HAIRLINE && h > 1.0 && h > w {
        out.push(Rule {
            page,
            horizontal: false,
            pos: (l + r) / 2.0,
            from: t,
            to: b,
        });
    } else if h <= HAIRLINE && w > 1.0 && w > h {
        out.push(Rule {
            page,
            horizontal: true,
            pos: (t + b) / 2.0,
            from: l,
            to: r,
        });
    }
}

/// The subpaths of SVG path data as point lists (absolute and relative `M L H V Z`;
/// a subpath with a curve is dropped: a curve is not a ruling line).
fn subpaths(d: &str) -> Vec<Vec<(f32, f32)>> {
    let mut out: Vec<Vec<(f32, f32)>> = Vec::new();
    let mut cur: Vec<(f32, f32)> = Vec::new();
    let mut curved = false;
    let (mut x, mut y) = (0.0f32, 0.0f32);
    let mut start = (0.0f32, 0.0f32);
    let mut cmd = b'M';
    let mut nums: Vec<f32> = Vec::new();
    let flush = |cur: &mut Vec<(f32, f32)>, curved: &mut bool, out: &mut Vec<Vec<(f32, f32)>>| {
        if cur.len() >= 2 && !*curved {
            out.push(std::mem::take(cur));
        }
        cur.clear();
        *curved = false;
    };
    // Tokens: command letters and numbers.
    let bytes = d.as_bytes();
    let mut i = 0;
    let mut tokens: Vec<Result<u8, f32>> = Vec::new();
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_alphabetic() && c != b'e' && c != b'E' {
            tokens.push(Ok(c));
            i += 1;
        } else if c.is_ascii_digit() || c == b'-' || c == b'+' || c == b'.' {
            let s = i;
            i += 1;
            while i < bytes.len()
                && (bytes[i].is_ascii_digit()
                    || bytes[i] == b'.'
                    || bytes[i] == b'e'
                    || bytes[i] == b'E'
                    || ((bytes[i] == b'-' || bytes[i] == b'+')
                        && matches!(bytes[i - 1], b'e' | b'E')))
            {
                i += 1;
            }
            match d[s..i].parse::<f32>() {
                Ok(v) if v.is_finite() => tokens.push(Err(v)),
                _ => return out,
            }
        } else {
            i += 1;
        }
        if tokens.len() > 1_000_000 {
            return out;
        }
    }
    tokens.push(Ok(b'\0'));
    for t in tokens {
        match t {
            Err(v) => nums.push(v),
            Ok(next) => {
                // Apply the pending command to the numbers collected.
                let rel = cmd.is_ascii_lowercase();
                match cmd.to_ascii_uppercase() {
                    b'M' | b'L' => {
                        for (k, pair) in nums.chunks_exact(2).enumerate() {
                            let (nx, ny) = if rel {
                                (x + pair[0], y + pair[1])
                            } else {
                                (pair[0], pair[1])
                            };
                            if k == 0 && cmd.eq_ignore_ascii_case(&b'M') {
                                flush(&mut cur, &mut curved, &mut out);
                                start = (nx, ny);
                            }
                            cur.push((nx, ny));
                            (x, y) = (nx, ny);
                        }
                    }
                    b'H' => {
                        for &v in &nums {
                            x = if rel { x + v } else { v };
                            cur.push((x, y));
                        }
                    }
                    b'V' => {
                        for &v in &nums {
                            y = if rel { y + v } else { v };
                            cur.push((x, y));
                        }
                    }
                    b'Z' => {
                        if !cur.is_empty() {
                            cur.push(start);
                            flush(&mut cur, &mut curved, &mut out);
                        }
                        (x, y) = start;
                    }
                    b'C' | b'S' | b'Q' | b'T' | b'A' => {
                        curved = true;
                        // The current point moves to the curve's end (last pair).
                        if nums.len() >= 2 {
                            let (ex, ey) = (nums[nums.len() - 2], nums[nums.len() - 1]);
                            (x, y) = if rel { (x + ex, y + ey) } else { (ex, ey) };
                        }
                    }
                    _ => {}
                }
                nums.clear();
                cmd = next;
            }
        }
    }
    flush(&mut cur, &mut curved, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strokes_and_hairlines_under_transforms() {
        let svg = r#"<svg><defs><g><symbol id="glyph0-1"><path style="stroke:none;" d="M 0 0 L 5 0 L 5 0.5 L 0 0.5 Z"/></symbol></g></defs>
<pageSet><page><g id="surface1">
<path style="fill:none;stroke-width:0.5;stroke:rgb(0%,0%,0%);" d="M 10 100 L 200 100 " transform="matrix(1,0,0,-1,0,800)"/>
<path style="fill:none;stroke:rgb(0%,0%,0%);" d="M 10 20 L 50 20 L 50 40 L 10 40 Z M 10 20 "/>
<path style="fill:none;stroke:rgb(100%,100%,100%);" d="M 0 0 L 500 0"/>
<path style="stroke:none;fill:rgb(0%,0%,0%);" d="M 60 10 L 60.5 10 L 60.5 90 L 60 90 Z"/>
<path style="stroke:none;fill:rgb(0%,0%,0%);" d="M 0 0 L 300 0 L 300 300 L 0 300 Z"/>
</g></page><page><g><path style="fill:none;stroke:rgb(0%,0%,0%);" d="M 5 5 C 6 6 7 7 8 8 M 1 9 L 1 30"/></g></page></pageSet></svg>"#;
        let rules = parse_svg(svg);
        let h = |page, pos, from, to| Rule {
            page,
            horizontal: true,
            pos,
            from,
            to,
        };
        let v = |page, pos, from, to| Rule {
            page,
            horizontal: false,
            pos,
            from,
            to,
        };
        assert_eq!(
            rules,
            vec![
                // y flipped by the matrix: 800 - 100.
                h(1, 700.0, 10.0, 200.0),
                // A stroked rectangle: its four sides.
                h(1, 20.0, 10.0, 50.0),
                v(1, 50.0, 20.0, 40.0),
                h(1, 40.0, 10.0, 50.0),
                v(1, 10.0, 20.0, 40.0),
                // A thin fill is a line; a large one (a background) is not.
                v(1, 60.25, 10.0, 90.0),
                // The curve is dropped, the line after it kept, on page 2.
                v(2, 1.0, 9.0, 30.0),
            ]
        );
    }

    #[test]
    fn relative_commands_and_bad_data() {
        let svg = r#"<svg><path style="stroke:#000" d="m 10 10 h 30 v 20 l -30 0 z"/><path style="stroke:#000" d="M 1 1 L x y"/><path style="stroke:#000" transform="rotate(45)" d="M 0 0 L 9 0"/></svg>"#;
        let rules = parse_svg(svg);
        assert_eq!(rules.len(), 4, "{rules:?}");
        assert!(rules.iter().all(|r| r.page == 1));
        assert_eq!(parse_svg("<svg><path d=\"M 0 0 L 9 0\""), vec![]);
        assert_eq!(parse_svg(""), vec![]);
    }
}
