//! A generator of synthetic annual reports — the project's own fixtures.
//!
//! [`SynthReport::random`] draws an internally consistent report (every identity
//! holds) in either format; [`SynthReport::render`] writes it in any [`Layout`]; the
//! [`Defect`]s inject the errors real reports have. Property tests render → parse →
//! compare with [`SynthReport::expected_cells`]; the benchmark renders thousands.
//! No text is copied from real reports: names and sentences are assembled here.

mod render;

use std::collections::BTreeMap;

use crate::number::Number;
use crate::template::{
    CellId, Format, T3Role, T2_BLOCKS, T3_COLUMNS, T3_ROWS, T4_COLUMNS, T4_GROUPS,
};

pub use render::Layout;

/// A defect to inject.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Defect {
    /// （七）总计 of the 总计 column off by one or more (identities 1 and 2 fail).
    WrongTotal,
    /// One zero cell of table 三 printed blank.
    BlankCell,
    /// A row of table 三 left out.
    MissingRow,
    /// The 2019 format used for a report year ≥ 2021.
    OldTemplate,
    /// The narrative states a received count that contradicts table 三.
    ContradictingSentence,
    /// Section 六 silent on 信息处理费.
    NoFeeStatement,
}

/// A synthetic report: what it says, before any layout.
#[derive(Clone, Debug)]
pub struct SynthReport {
    /// Report year.
    pub year: u16,
    /// Agency name.
    pub agency: String,
    /// Format of the tables.
    pub format: Format,
    /// Publication date.
    pub published: String,
    /// Cell values in template order.
    pub values: BTreeMap<CellId, Number>,
    /// Cells printed blank (their value is 0).
    pub blanks: Vec<CellId>,
    /// Table 三 rows left out.
    pub missing_rows: Vec<&'static str>,
    /// The received figure the narrative states.
    pub stated_received: i64,
    /// Whether section 六 states the fee.
    pub fee_statement: bool,
    /// Seed for layout choices (ragged pipes, shifted cells, number styles).
    pub style_seed: u64,
}

const PLACE_CHARS: &[char] = &[
    '安', '平', '泉', '港', '西', '湖', '东', '兴', '和', '宁', '山', '海', '清', '河', '云', '龙',
    '华', '长', '新', '城', '溪', '桥', '阳', '丰', '源', '江', '台', '林', '石', '南',
];
const SUFFIXES: &[&str] = &[
    "区",
    "县",
    "市",
    "街道办事处",
    "镇人民政府",
    "区教育局",
    "县审计局",
    "市人民政府办公室",
    "区住房和城乡建设局",
];

impl SynthReport {
    /// A random report with every identity holding.
    pub fn random(rng: &mut fastrand::Rng, format: Format) -> SynthReport {
        let year = match format {
            Format::V2021 => rng.u16(2021..=2025),
            Format::V2019 => rng.u16(2019..=2020),
        };
        let name: String = (0..rng.usize(2..=3))
            .map(|_| PLACE_CHARS[rng.usize(..PLACE_CHARS.len())])
            .collect();
        let agency = format!("{name}{}", SUFFIXES[rng.usize(..SUFFIXES.len())]);
        let published = format!("{}-{:02}-{:02}", year + 1, rng.u8(1..=3), rng.u8(1..=28));
        let mut values = BTreeMap::new();
        let mut set = |id: CellId, v: Number| {
            values.insert(id, v);
        };

        // Table 二.
        for block in &T2_BLOCKS {
            for row in block.rows {
                let exists = match format {
                    Format::V2021 => row.label_2021.is_some(),
                    Format::V2019 => row.label_2019.is_some(),
                };
                if !exists {
                    continue;
                }
                for c in block.columns(format) {
                    let v = match c.key {
                        "amount" => Number::new(rng.i64(0..5_000_000), rng.u32(0..=4)),
                        "change" => Number::int(rng.i64(-30..=30)),
                        "decisions" if rng.bool() => Number::int(rng.i64(0..20_000)),
                        _ => Number::int(small(rng, 60)),
                    };
                    set(CellId::t2(row.key, c.key), v);
                }
            }
        }

        // Table 三, column by column so that identities 1 and 2 hold.
        let outcome_rows: Vec<&str> = T3_ROWS
            .iter()
            .filter(|r| r.role == T3Role::Outcome)
            .filter(|r| match format {
                Format::V2021 => r.in_2021,
                Format::V2019 => r.in_2019,
            })
            .map(|r| r.key)
            .collect();
        let mut t3: BTreeMap<(&str, usize), i64> = BTreeMap::new();
        for col in 0..6 {
            let scale = if col == 0 { 40 } else { 3 };
            let mut processed = 0;
            for &row in &outcome_rows {
                let v = if rng.u8(0..10) < 3 {
                    small(rng, scale)
                } else {
                    0
                };
                t3.insert((row, col), v);
                processed += v;
            }
            let over = if rng.u8(0..10) < 3 {
                small(rng, scale / 3 + 1)
            } else {
                0
            };
            let forward = if rng.u8(0..10) < 3 {
                small(rng, scale / 3 + 1)
            } else {
                0
            };
            let new = (processed + forward - over).max(0);
            let forward = new + over - processed;
            t3.insert(("total_processed", col), processed);
            t3.insert(("carried_over", col), over);
            t3.insert(("carried_forward", col), forward);
            t3.insert(("new", col), new);
        }
        let rows: Vec<&str> = T3_ROWS
            .iter()
            .filter(|r| match format {
                Format::V2021 => r.in_2021,
                Format::V2019 => r.in_2019,
            })
            .map(|r| r.key)
            .collect();
        for &row in &rows {
            let mut total = 0;
            for (ci, c) in T3_COLUMNS[..6].iter().enumerate() {
                let v = t3[&(row, ci)];
                total += v;
                set(CellId::t3(row, c.key), Number::int(v));
            }
            set(CellId::t3(row, "total"), Number::int(total));
        }

        // Table 四.
        for g in &T4_GROUPS {
            let mut total = 0;
            for c in &T4_COLUMNS[..4] {
                let v = if rng.u8(0..10) < 3 { small(rng, 12) } else { 0 };
                total += v;
                set(CellId::t4(g.key, c.key), Number::int(v));
            }
            set(CellId::t4(g.key, "total"), Number::int(total));
        }

        // Some zero counts are printed blank, as real reports do.
        let mut blanks = Vec::new();
        if rng.u8(0..4) == 0 {
            for (&id, v) in &values {
                if *v == Number::ZERO && id.def().is_count && rng.u8(0..8) == 0 {
                    blanks.push(id);
                }
            }
        }
        let stated_received = values[&CellId::t3("new", "total")].as_i64().unwrap_or(0);
        SynthReport {
            year,
            agency,
            format,
            published,
            values,
            blanks,
            missing_rows: Vec::new(),
            stated_received,
            fee_statement: true,
            style_seed: rng.u64(..),
        }
    }

    /// Makes this report the next year's of `prior`, for the same agency: 上年结转 takes
    /// the prior 结转下年度继续办理 column by column (identity 5), and 本年新收 and 结转下年度
    /// are adjusted so that identity 1 still holds.
    pub fn follow(&mut self, prior: &SynthReport) {
        self.year = prior.year + 1;
        self.agency = prior.agency.clone();
        self.published = format!("{}-01-{:02}", self.year + 1, (self.style_seed % 28) + 1);
        let get = |m: &BTreeMap<CellId, Number>, row: &str, col: &str| {
            m.get(&CellId::t3(row, col))
                .and_then(|v| v.as_i64())
                .unwrap_or(0)
        };
        let mut totals = [0i64; 4];
        for c in &T3_COLUMNS[..6] {
            let over = get(&prior.values, "carried_forward", c.key);
            let processed = get(&self.values, "total_processed", c.key);
            let mut new = get(&self.values, "new", c.key);
            let mut forward = new + over - processed;
            if forward < 0 {
                new -= forward;
                forward = 0;
            }
            for (i, (row, v)) in [
                ("new", new),
                ("carried_over", over),
                ("carried_forward", forward),
            ]
            .into_iter()
            .enumerate()
            {
                self.values.insert(CellId::t3(row, c.key), Number::int(v));
                totals[i] += v;
            }
        }
        for (i, row) in ["new", "carried_over", "carried_forward"]
            .into_iter()
            .enumerate()
        {
            self.values
                .insert(CellId::t3(row, "total"), Number::int(totals[i]));
        }
        self.stated_received = totals[0];
        // Table 二's stocks follow too: 现行有效 = last year's + 制发 − 废止.
        for row in ["regulations", "normative_docs"] {
            let ids = ["in_force", "issued", "repealed"].map(|c| CellId::t2(row, c));
            let int =
                |m: &BTreeMap<CellId, Number>, id: CellId| m.get(&id).and_then(|v| v.as_i64());
            let (Some(then), Some(issued), Some(repealed)) = (
                int(&prior.values, ids[0]),
                int(&self.values, ids[1]),
                int(&self.values, ids[2]),
            ) else {
                continue;
            };
            let repealed = repealed.min(then + issued);
            self.values.insert(ids[2], Number::int(repealed));
            self.values
                .insert(ids[0], Number::int(then + issued - repealed));
        }
        self.blanks
            .retain(|id| self.values.get(id) == Some(&Number::ZERO));
    }

    /// Injects a defect.
    pub fn inject(&mut self, defect: Defect, rng: &mut fastrand::Rng) {
        match defect {
            Defect::WrongTotal => {
                let id = CellId::t3("total_processed", "total");
                let v = self.values[&id].as_i64().unwrap_or(0);
                self.values.insert(id, Number::int(v + rng.i64(1..=5)));
                self.blanks.retain(|&b| b != id);
            }
            Defect::BlankCell => {
                let zeros: Vec<CellId> = self
                    .values
                    .iter()
                    .filter(|(id, v)| {
                        **v == Number::ZERO
                            && id.key().starts_with("t3.")
                            && !self.blanks.contains(id)
                    })
                    .map(|(id, _)| *id)
                    .collect();
                if !zeros.is_empty() {
                    self.blanks.push(zeros[rng.usize(..zeros.len())]);
                }
            }
            Defect::MissingRow => {
                let candidates = [
                    "denied.inquiry",
                    "unavailable.unclear",
                    "not_processed.publication",
                ];
                let row = candidates[rng.usize(..candidates.len())];
                self.missing_rows.push(row);
                self.values
                    .retain(|id, _| !(id.key().starts_with("t3.") && id.def().row == row));
            }
            Defect::OldTemplate => {
                let seed = self.style_seed;
                let mut r = fastrand::Rng::with_seed(seed);
                let mut old = SynthReport::random(&mut r, Format::V2019);
                old.year = self.year.max(2021);
                old.agency = self.agency.clone();
                old.published = self.published.clone();
                if self.blanks.is_empty() {
                    old.blanks.clear();
                }
                *self = old;
            }
            Defect::ContradictingSentence => self.stated_received += rng.i64(1..=9),
            Defect::NoFeeStatement => self.fee_statement = false,
        }
    }

    /// The cells a correct reading gives: key, value, blank flag, in template order.
    pub fn expected_cells(&self) -> Vec<(CellId, Number, bool)> {
        self.values
            .iter()
            .map(|(&id, &v)| (id, v, self.blanks.contains(&id)))
            .collect()
    }

    /// The value of a cell.
    pub fn get(&self, key: &str) -> Number {
        CellId::from_key(key)
            .and_then(|id| self.values.get(&id))
            .copied()
            .unwrap_or(Number::ZERO)
    }

    /// Renders the report in a layout.
    pub fn render(&self, layout: Layout) -> String {
        render::render(self, layout)
    }

    /// Renders the report as a DOCX file.
    pub fn render_docx(&self, opts: &crate::render::docx::DocxOptions) -> Vec<u8> {
        crate::render::docx::write_docx(&render::blocks(self, true), opts)
    }

    /// Renders the report as a PDF with a text layer.
    pub fn render_pdf(&self, opts: &crate::render::pdf::PdfOptions) -> Vec<u8> {
        crate::render::pdf::write_pdf(&render::blocks(self, false), opts)
    }
}

/// A small count: mostly below `scale`, sometimes larger.
fn small(rng: &mut fastrand::Rng, scale: i64) -> i64 {
    let scale = scale.max(1);
    if rng.u8(0..20) == 0 {
        rng.i64(0..scale * 30)
    } else {
        rng.i64(0..=scale)
    }
}

/// Departments a generated county has (besides its government and townships).
const DEPARTMENTS: [&str; 6] = [
    "教育局",
    "审计局",
    "财政局",
    "民政局",
    "自然资源局",
    "住房和城乡建设局",
];

/// Agencies of a real county-level division, named as their reports name them: the
/// county government, six departments, and every township or street
/// (`仙居县下各镇人民政府`, `山海关区南关街道办事处`).
pub fn agencies_in_county(county: &crate::place::Division) -> Vec<String> {
    let g = crate::place::Gazetteer::get();
    let ancestry = g.ancestry(county);
    // The place above the county makes a name that is unique even where the county's is not.
    let parent = ancestry.iter().rev().nth(1).map_or("", |d| d.name);
    let mut out = vec![format!("{parent}{}人民政府", county.name)];
    out.extend(
        DEPARTMENTS
            .iter()
            .map(|d| format!("{parent}{}{d}", county.name)),
    );
    for t in g
        .all()
        .iter()
        .filter(|d| d.code.len() == 9 && d.code.starts_with(county.code))
    {
        let suffix = if t.name.ends_with("街道") {
            "办事处"
        } else {
            "人民政府"
        };
        out.push(format!("{}{}{suffix}", county.name, t.name));
    }
    out
}

/// An agency's reports for `years` consecutive years from 2021 (2021 format), each
/// following the one before (carry-over and stocks in step); each gets a defect with
/// probability `defect_rate`, drawn from `defects`.
pub fn agency_series(
    agency: &str,
    years: usize,
    defect_rate: f64,
    defects: &[Defect],
    rng: &mut fastrand::Rng,
) -> Vec<SynthReport> {
    let mut out: Vec<SynthReport> = Vec::with_capacity(years);
    for _ in 0..years {
        let mut r = SynthReport::random(rng, Format::V2021);
        match out.last() {
            Some(p) => r.follow(p),
            None => {
                r.year = 2021;
                r.agency = agency.to_string();
                r.published = "2022-01-15".into();
            }
        }
        if !defects.is_empty() && rng.f64() < defect_rate {
            r.inject(defects[rng.usize(..defects.len())], rng);
        }
        out.push(r);
    }
    out
}

/// The county-level divisions within `region` (itself if it is one); all of them for `None`.
pub fn counties_in(
    region: Option<&crate::place::Division>,
) -> Vec<&'static crate::place::Division> {
    let g = crate::place::Gazetteer::get();
    g.all()
        .iter()
        .filter(|d| d.code.len() == 6 && region.is_none_or(|r| d.code.starts_with(r.code)))
        .filter(|d| !d.name.ends_with("市辖区") && d.name != "县")
        .collect()
}
