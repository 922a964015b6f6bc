//! Places: the national administrative divisions (行政区划) and the placing of an agency
//! among them.
//!
//! The divisions are the statistical division codes (统计用区划代码, GB/T 2260 extended to
//! townships) as data in `data/divisions.tsv`: a code's length gives its level (2 省,
//! 4 市, 6 县, 9 乡镇街道) and its prefixes its ancestors. [`place`] reads an agency's
//! name (`山海关区南关街道办事处`, `泉港区人民政府办公室`, `仙居县审计局`) into the place it
//! belongs to and its kind (the people's government itself, or a department), and says
//! which evidence decided it. A name that fits several places (西大街 exists in seven
//! cities) is resolved only by independent clues — a parent place named in the report's
//! text, title or address, or a division code inside the 索引号 — and otherwise left
//! unresolved with its candidates listed, never guessed.

use std::collections::HashMap;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};

/// The division table as shipped (see `data/README.md` for its source and licence).
const DIVISIONS_TSV: &str = include_str!("../data/divisions.tsv");

/// A level of the administrative hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// 省级 (province, autonomous region, municipality).
    Province,
    /// 地级 (prefecture-level city, 州, 盟).
    City,
    /// 县级 (county, district, county-level city, 旗).
    County,
    /// 乡级 (township, town, street — 乡镇街道).
    Township,
}

impl Level {
    /// The level of a division code, by its length.
    pub fn of_code(code: &str) -> Option<Level> {
        match code.len() {
            2 => Some(Level::Province),
            4 => Some(Level::City),
            6 => Some(Level::County),
            9 => Some(Level::Township),
            _ => None,
        }
    }

    /// `省` / `市` / `县` / `乡镇街道`: the names used in filters and output.
    pub fn chinese(self) -> &'static str {
        match self {
            Level::Province => "省",
            Level::City => "市",
            Level::County => "县",
            Level::Township => "乡镇街道",
        }
    }

    /// Reads `省`, `市`, `县`, `乡镇街道` (and a few synonyms).
    pub fn from_chinese(s: &str) -> Option<Level> {
        match s {
            "省" | "省级" | "province" => Some(Level::Province),
            "市" | "地级" | "市级" | "city" => Some(Level::City),
            "县" | "县级" | "区" | "county" => Some(Level::County),
            "乡镇街道" | "乡镇" | "街道" | "乡级" | "township" => Some(Level::Township),
            _ => None,
        }
    }
}

/// One administrative division.
#[derive(Debug, PartialEq, Eq)]
pub struct Division {
    /// Its statistical code: 2, 4, 6 or 9 digits.
    pub code: &'static str,
    /// Its name, e.g. `山海关区`.
    pub name: &'static str,
}

impl Division {
    /// Its level.
    pub fn level(&self) -> Level {
        Level::of_code(self.code).unwrap_or(Level::Township)
    }

    /// True for the table's placeholder rows (`市辖区`, `省直辖县级行政区划`), which are
    /// groupings, not places anyone names.
    fn is_placeholder(&self) -> bool {
        self.name == "市辖区" || self.name == "县" || self.name.ends_with("直辖县级行政区划")
    }
}

/// The division table with its name index.
pub struct Gazetteer {
    divisions: Vec<Division>,
    by_code: HashMap<&'static str, usize>,
    /// Name form → divisions so named (full names and names without their generic suffix).
    by_form: HashMap<&'static str, Vec<usize>>,
    matcher: AhoCorasick,
}

/// Generic suffixes a place is often named without: `西大街街道` → `西大街`.
const SUFFIXES: [&str; 7] = ["街道", "镇", "乡", "区", "县", "市", "省"];

impl Gazetteer {
    /// The shipped table, loaded once.
    pub fn get() -> &'static Gazetteer {
        static G: OnceLock<Gazetteer> = OnceLock::new();
        G.get_or_init(|| Gazetteer::from_tsv(DIVISIONS_TSV))
    }

    fn from_tsv(tsv: &'static str) -> Gazetteer {
        let divisions: Vec<Division> = tsv
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split_once('\t'))
            .map(|(code, name)| Division { code, name })
            .collect();
        let by_code = divisions
            .iter()
            .enumerate()
            .map(|(i, d)| (d.code, i))
            .collect();
        let mut by_form: HashMap<&'static str, Vec<usize>> = HashMap::new();
        for (i, d) in divisions.iter().enumerate() {
            if d.is_placeholder() {
                continue;
            }
            by_form.entry(d.name).or_default().push(i);
            if let Some(short) = short_form(d.name) {
                by_form.entry(short).or_default().push(i);
            }
        }
        let forms: Vec<&'static str> = by_form.keys().copied().collect();
        let matcher = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&forms)
            .expect("division names build an automaton");
        Gazetteer {
            divisions,
            by_code,
            by_form,
            matcher,
        }
    }

    /// The division with this code.
    pub fn by_code(&self, code: &str) -> Option<&Division> {
        self.by_code.get(code).map(|&i| &self.divisions[i])
    }

    /// Every division, in code order.
    pub fn all(&self) -> &[Division] {
        &self.divisions
    }

    /// The divisions named `name` (full name or without its generic suffix).
    pub fn named(&self, name: &str) -> Vec<&Division> {
        self.by_form
            .get(name)
            .map(|v| v.iter().map(|&i| &self.divisions[i]).collect())
            .unwrap_or_default()
    }

    /// The chain from the province down to `d` (placeholders left out).
    pub fn ancestry(&self, d: &Division) -> Vec<&Division> {
        [2, 4, 6, 9]
            .into_iter()
            .filter(|&n| n <= d.code.len())
            .filter_map(|n| self.by_code(&d.code[..n]))
            .filter(|a| !a.is_placeholder())
            .collect()
    }

    /// `河北省秦皇岛市山海关区南关街道`.
    pub fn path(&self, d: &Division) -> String {
        self.ancestry(d).iter().map(|a| a.name).collect()
    }

    /// The path of the division with this code (`None`: no code, or not in the table).
    pub fn path_of(&self, code: Option<&str>) -> Option<String> {
        code.and_then(|c| self.by_code(c)).map(|d| self.path(d))
    }

    /// Resolves a region the user typed: a code, a full path (`河北省秦皇岛市山海关区`), or a
    /// unique name (`山海关区`). Several places of that name: all are returned.
    pub fn lookup(&self, query: &str) -> Vec<&Division> {
        let q = query.trim();
        if q.bytes().all(|b| b.is_ascii_digit()) {
            return self.by_code(q).into_iter().collect();
        }
        self.chain(q).map(|c| c.divisions).unwrap_or_default()
    }

    /// The one division a region the user typed denotes ([`Gazetteer::lookup`]); the error,
    /// in Chinese, says why there is none: not found, or several of that name (listed).
    pub fn resolve(&self, query: &str) -> Result<&Division, String> {
        match self.lookup(query).as_slice() {
            [one] => Ok(one),
            [] => Err(format!(
                "找不到地区“{query}”：请给出区划代码或带上级的全称，例如 河北省秦皇岛市山海关区"
            )),
            many => {
                let list: Vec<String> = many
                    .iter()
                    .take(12)
                    .map(|d| format!("{}（{}）", self.path(d), d.code))
                    .collect();
                Err(format!(
                    "“{query}”有 {} 处同名地区，请写明上级或用区划代码：{}",
                    many.len(),
                    list.join("、")
                ))
            }
        }
    }

    /// The chain of places a name gives, outermost first: each later mention must lie
    /// within the earlier ones (山海关区 → 南关街道); one that does not is a word inside a
    /// department's name (人民 in 人民政府, 交通 in 交通运输局) and is passed over.
    fn chain<'t>(&self, text: &'t str) -> Option<Chain<'_, 't>> {
        let mut chain: Option<Chain<'_, 't>> = None;
        for (at, form) in self.mentions(text) {
            let named = self.by_form[form].iter().map(|&i| &self.divisions[i]);
            match &mut chain {
                None => {
                    chain = Some(Chain {
                        end: at + form.len(),
                        form,
                        divisions: named.collect(),
                        parents: Vec::new(),
                    })
                }
                Some(c) => {
                    let within: Vec<&Division> = named
                        .filter(|d| {
                            c.divisions
                                .iter()
                                .any(|p| d.code.starts_with(p.code) && d.code != p.code)
                        })
                        .collect();
                    if !within.is_empty() {
                        c.parents.push(c.form);
                        *c = Chain {
                            end: at + form.len(),
                            form,
                            divisions: within,
                            parents: std::mem::take(&mut c.parents),
                        };
                    }
                }
            }
        }
        chain
    }

    /// Place names in `text`, left to right, longest first: `(byte offset, form)`.
    fn mentions<'t>(&self, text: &'t str) -> Vec<(usize, &'t str)> {
        self.matcher
            .find_iter(text)
            .map(|m| (m.start(), &text[m.start()..m.end()]))
            .collect()
    }
}

/// The innermost place a name gives, and the outer ones that narrowed it down.
struct Chain<'g, 't> {
    /// Byte offset just after the innermost mention.
    end: usize,
    /// The innermost mention as written.
    form: &'t str,
    /// The divisions it can be.
    divisions: Vec<&'g Division>,
    /// The outer mentions that narrowed it, outermost first.
    parents: Vec<&'t str>,
}

fn short_form(name: &'static str) -> Option<&'static str> {
    let short = SUFFIXES.iter().find_map(|s| name.strip_suffix(s))?;
    (short.chars().count() >= 2).then_some(short)
}

/// What kind of body an agency is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AgencyKind {
    /// The people's government of the place itself (人民政府; for a street, its 街道办事处),
    /// whichever office publishes for it (人民政府办公室).
    Government,
    /// A department of that government (e.g. `审计局`, `教育局`), by its own name.
    Department(String),
}

impl AgencyKind {
    /// `人民政府` or the department's name.
    pub fn name(&self) -> &str {
        match self {
            AgencyKind::Government => "人民政府",
            AgencyKind::Department(d) => d,
        }
    }

    /// `人民政府` or `部门`: the coarse kind used in filters.
    pub fn class(&self) -> &'static str {
        match self {
            AgencyKind::Government => "人民政府",
            AgencyKind::Department(_) => "部门",
        }
    }
}

/// What a government is called after its place name: these all mean the government itself.
const GOVERNMENT_SUFFIXES: [&str; 12] = [
    "人民政府办公室",
    "人民政府办公厅",
    "人民政府",
    "政府办公室",
    "政府办",
    "政府",
    "街道办事处",
    "街道办",
    "办事处",
    "街道",
    "办公厅",
    "",
];

/// The clues a report gives about where its agency is.
#[derive(Debug, Default, Clone, Copy)]
pub struct Clues<'a> {
    /// The agency's name as the report gives it.
    pub agency: &'a str,
    /// The title.
    pub title: Option<&'a str>,
    /// 索引号: often carries the agency's 统一社会信用代码 or a division code.
    pub index_number: Option<&'a str>,
    /// The report's text.
    pub text: &'a str,
    /// Where the file came from (path or URL).
    pub origin: Option<&'a str>,
}

/// How a placement was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// One place fits, with the evidence given.
    Resolved,
    /// Several places fit and no clue tells them apart: the candidates are listed.
    Ambiguous,
    /// No place name was found in the agency's name.
    Unresolved,
}

impl Resolution {
    /// `resolved` / `ambiguous` / `unresolved`, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Resolution::Resolved => "resolved",
            Resolution::Ambiguous => "ambiguous",
            Resolution::Unresolved => "unresolved",
        }
    }
}

/// Where an agency belongs.
#[derive(Debug, Clone)]
pub struct Placement {
    /// The outcome.
    pub resolution: Resolution,
    /// The place, when resolved.
    pub division: Option<&'static Division>,
    /// Government or which department.
    pub kind: AgencyKind,
    /// The evidence, one sentence each, in Chinese.
    pub evidence: Vec<String>,
    /// The places that remained possible, when ambiguous.
    pub candidates: Vec<&'static Division>,
}

impl Placement {
    /// A stable identity for the agency: the same body across years and name variants
    /// (`泉港区人民政府`, `泉港区`, `泉港区人民政府办公室` → `350505/人民政府`). Unresolved
    /// agencies are identified by their normalised name.
    pub fn agency_key(&self, normalised_name: &str) -> String {
        match self.division {
            Some(d) => format!("{}/{}", d.code, self.kind.name()),
            None => format!("?/{normalised_name}"),
        }
    }
}

/// The agency's name with spaces and brackets of a publisher line removed.
pub fn normalise_name(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '“' | '”' | '"'))
        .collect()
}

/// Places the agency of a report. See the module doc for the method.
pub fn place(clues: &Clues<'_>) -> Placement {
    let g = Gazetteer::get();
    let name = normalise_name(clues.agency);
    let Some(chain) = g.chain(&name) else {
        return Placement {
            resolution: Resolution::Unresolved,
            division: None,
            kind: kind_of(&name),
            evidence: vec![format!("机构名称“{name}”中没有可识别的行政区划名称")],
            candidates: Vec::new(),
        };
    };
    let mut evidence: Vec<String> = chain
        .parents
        .iter()
        .map(|p| format!("机构名称中的上级区划“{p}”"))
        .collect();
    let (last, mut candidates) = (chain.form, chain.divisions);
    let kind = kind_of(&name[chain.end..]);

    if candidates.len() > 1 {
        if let Some((chosen, why)) = decide_by_index_number(&candidates, clues.index_number) {
            evidence.push(why);
            candidates = vec![chosen];
        }
    }
    if candidates.len() > 1 {
        let sources = [
            ("标题", clues.title.unwrap_or("")),
            ("来源地址", clues.origin.unwrap_or("")),
            ("正文", clues.text),
        ];
        if let Some((chosen, why)) = decide_by_parent_mentions(g, &candidates, &sources) {
            evidence.push(why);
            candidates = vec![chosen];
        }
    }
    match candidates.as_slice() {
        [one] => {
            if evidence.is_empty() {
                evidence.push(format!("“{last}”在全国区划中唯一"));
            }
            // An independent confirmation is worth stating too.
            if let Some((_, code_clue)) = decide_by_index_number(&candidates, clues.index_number) {
                if !evidence.contains(&code_clue) {
                    evidence.push(code_clue);
                }
            }
            Placement {
                resolution: Resolution::Resolved,
                division: Some(one),
                kind,
                evidence,
                candidates: Vec::new(),
            }
        }
        _ => {
            evidence.push(format!(
                "“{last}”有 {} 处同名区划，报告中没有能区分它们的上级地名或代码",
                candidates.len()
            ));
            Placement {
                resolution: Resolution::Ambiguous,
                division: None,
                kind,
                evidence,
                candidates,
            }
        }
    }
}

/// The kind of body named by what follows the place name.
fn kind_of(rest: &str) -> AgencyKind {
    let rest = rest.trim();
    if GOVERNMENT_SUFFIXES.contains(&rest) {
        return AgencyKind::Government;
    }
    let dept = rest.strip_prefix("人民政府").unwrap_or(rest);
    AgencyKind::Department(dept.to_string())
}

/// A division code inside the 索引号 (e.g. the 统一社会信用代码 `11331024…` carries 331024)
/// that only one candidate lies within.
fn decide_by_index_number(
    candidates: &[&'static Division],
    index: Option<&str>,
) -> Option<(&'static Division, String)> {
    let index = index?;
    let digits: Vec<String> = index
        .split(|c: char| !c.is_ascii_alphanumeric())
        .map(str::to_string)
        .collect();
    let fits = |d: &Division| {
        let county = &d.code[..d.code.len().min(6)];
        let county6 = format!("{county:0<6}");
        digits.iter().any(|run| run.contains(&county6))
    };
    let hits: Vec<&'static Division> = candidates.iter().copied().filter(|d| fits(d)).collect();
    match hits.as_slice() {
        [one] => {
            let county6 = format!("{:0<6}", &one.code[..one.code.len().min(6)]);
            Some((one, format!("索引号“{index}”含区划代码 {county6}")))
        }
        _ => None,
    }
}

/// The one candidate whose closest ancestor is named in the title, address or text
/// (a county named beats a province named; a tie decides nothing).
fn decide_by_parent_mentions(
    g: &Gazetteer,
    candidates: &[&'static Division],
    sources: &[(&str, &str)],
) -> Option<(&'static Division, String)> {
    let mut best: Vec<(usize, &'static Division, String)> = Vec::new();
    for &d in candidates {
        let ancestors = g.ancestry(d);
        let mut depth_found = None;
        for (depth, a) in ancestors
            .iter()
            .enumerate()
            .take(ancestors.len().saturating_sub(1))
            .rev()
        {
            if let Some((where_, _)) = sources.iter().find(|(_, s)| s.contains(a.name)) {
                depth_found = Some((depth + 1, format!("{where_}提到上级区划“{}”", a.name)));
                break;
            }
        }
        if let Some((depth, why)) = depth_found {
            best.push((depth, d, why));
        }
    }
    let top = best.iter().map(|b| b.0).max()?;
    let mut at_top = best.into_iter().filter(|b| b.0 == top);
    let (_, d, why) = at_top.next()?;
    at_top.next().is_none().then_some((d, why))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolved(clues: Clues<'_>) -> (String, Placement) {
        let p = place(&clues);
        let path = p
            .division
            .map(|d| Gazetteer::get().path(d))
            .unwrap_or_default();
        (path, p)
    }

    #[test]
    fn a_unique_name_resolves_alone() {
        let (path, p) = resolved(Clues {
            agency: "泉港区人民政府办公室",
            ..Default::default()
        });
        assert_eq!(path, "福建省泉州市泉港区");
        assert_eq!(p.kind, AgencyKind::Government);
        assert!(p.evidence[0].contains("唯一"), "{:?}", p.evidence);
    }

    #[test]
    fn name_variants_are_one_agency() {
        let keys: Vec<String> = ["泉港区人民政府", "泉港区", "泉港区人民政府办公室"]
            .into_iter()
            .map(|n| {
                place(&Clues {
                    agency: n,
                    ..Default::default()
                })
                .agency_key(n)
            })
            .collect();
        assert!(keys.iter().all(|k| k == "350505/人民政府"), "{keys:?}");
    }

    #[test]
    fn a_parent_in_the_name_decides() {
        let (path, p) = resolved(Clues {
            agency: "山海关区南关街道办事处",
            ..Default::default()
        });
        assert_eq!(path, "河北省秦皇岛市山海关区南关街道");
        assert_eq!(p.division.unwrap().level(), Level::Township);
        assert!(p.evidence.iter().any(|e| e.contains("山海关区")));
    }

    #[test]
    fn a_parent_in_the_text_decides_and_without_it_nothing_is_guessed() {
        let text = "西大街街道按照文峰区政府关于政府信息公开工作的部署……";
        let (path, p) = resolved(Clues {
            agency: "西大街",
            text,
            ..Default::default()
        });
        assert_eq!(path, "河南省安阳市文峰区西大街街道");
        assert!(
            p.evidence
                .iter()
                .any(|e| e.contains("正文") && e.contains("文峰区")),
            "{:?}",
            p.evidence
        );

        let p = place(&Clues {
            agency: "西大街",
            text: "本街道认真落实……",
            ..Default::default()
        });
        assert_eq!(p.resolution, Resolution::Ambiguous);
        assert!(p.division.is_none());
        assert!(p.candidates.len() >= 7, "{:?}", p.candidates);
        // Two candidates equally supported (both in 河南省) still decide nothing.
        let p = place(&Clues {
            agency: "西大街",
            text: "河南省",
            ..Default::default()
        });
        assert_eq!(p.resolution, Resolution::Ambiguous);
    }

    #[test]
    fn the_index_number_carries_a_division_code() {
        let p = place(&Clues {
            agency: "南关街道",
            index_number: Some("11130303000000000X/2024-1"),
            ..Default::default()
        });
        assert_eq!(p.division.unwrap().code, "130303001");
        assert!(p.evidence.iter().any(|e| e.contains("130303")));
    }

    #[test]
    fn departments_are_told_from_the_government() {
        let p = place(&Clues {
            agency: "仙居县审计局",
            ..Default::default()
        });
        assert_eq!(p.division.unwrap().code, "331024");
        assert_eq!(p.kind, AgencyKind::Department("审计局".into()));
        assert_eq!(p.agency_key("仙居县审计局"), "331024/审计局");
    }

    #[test]
    fn names_without_a_place_are_unresolved() {
        let p = place(&Clues {
            agency: "某某委员会",
            ..Default::default()
        });
        assert_eq!(p.resolution, Resolution::Unresolved);
        assert_eq!(p.agency_key("某某委员会"), "?/某某委员会");
    }

    #[test]
    fn lookup_reads_codes_paths_and_names() {
        let g = Gazetteer::get();
        assert_eq!(g.lookup("130303")[0].name, "山海关区");
        assert_eq!(g.lookup("河北省秦皇岛市")[0].code, "1303");
        assert_eq!(g.lookup("山海关区南关街道")[0].code, "130303001");
        assert!(g.lookup("南关街道").len() > 3);
    }
}
