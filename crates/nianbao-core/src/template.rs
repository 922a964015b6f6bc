//! The statutory model: both national formats of the annual report, as data.
//!
//! Everything the parser, the rules and the renderers know about the official
//! tables lives here — tables, rows, columns, their exact labels, the label
//! variants seen in published reports, and the stable cell keys of `cells.md`.
//! Code elsewhere walks these tables; it never spells a row label itself.
//!
//! * 2021 format: 国办公开办函〔2021〕30号 (reports for 2021 onward).
//! * 2019 format: 国办公开办函〔2019〕60号 (reports for 2019 and 2020).

use std::fmt;
use std::sync::OnceLock;

/// One of the two national formats (年度报告格式).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// 国办公开办函〔2019〕60号.
    V2019,
    /// 国办公开办函〔2021〕30号.
    V2021,
}

impl Format {
    /// `"2019"` or `"2021"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::V2019 => "2019",
            Format::V2021 => "2021",
        }
    }
}

/// Which format a report follows (`meta.template`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TemplateUse {
    /// Only parts of the 2021 format were found.
    V2021,
    /// Only parts of the 2019 format were found.
    V2019,
    /// Parts of both formats in one report.
    Mixed,
    /// No table part that tells the formats apart was found.
    Unknown,
}

impl TemplateUse {
    /// The `meta.template` value.
    pub fn as_str(self) -> &'static str {
        match self {
            TemplateUse::V2021 => "2021",
            TemplateUse::V2019 => "2019",
            TemplateUse::Mixed => "mixed",
            TemplateUse::Unknown => "unknown",
        }
    }

    /// In Chinese, for people (the stable key of [`TemplateUse::as_str`] is for data).
    pub fn chinese(self) -> &'static str {
        match self {
            TemplateUse::V2021 => "2021 年格式",
            TemplateUse::V2019 => "2019 年格式",
            TemplateUse::Mixed => "混用 2021 年与 2019 年格式",
            TemplateUse::Unknown => "格式不明",
        }
    }

    /// The Chinese for a stored key (`2021`, `2019`, `mixed`, `unknown`); other text
    /// as it is.
    pub fn chinese_of(key: &str) -> &str {
        match key {
            "2021" => TemplateUse::V2021.chinese(),
            "2019" => TemplateUse::V2019.chinese(),
            "mixed" => TemplateUse::Mixed.chinese(),
            "unknown" => TemplateUse::Unknown.chinese(),
            other => other,
        }
    }

    /// Combines the evidence of every table part.
    pub fn from_evidence(parts: impl IntoIterator<Item = Format>) -> TemplateUse {
        let (mut new, mut old) = (false, false);
        for f in parts {
            match f {
                Format::V2021 => new = true,
                Format::V2019 => old = true,
            }
        }
        match (new, old) {
            (true, false) => TemplateUse::V2021,
            (false, true) => TemplateUse::V2019,
            (true, true) => TemplateUse::Mixed,
            (false, false) => TemplateUse::Unknown,
        }
    }
}

// ---------------------------------------------------------------------------
// Sections
// ---------------------------------------------------------------------------

/// One of the six required parts of the report (条例第五十条; 2021 format 一–六).
#[derive(Debug)]
pub struct SectionDef {
    /// 1 to 6.
    pub number: u8,
    /// The heading as the 2021 format writes it, e.g. `一、总体情况`.
    pub canonical: &'static str,
    /// Phrases that identify the heading: every phrase of one inner list must occur.
    pub keys: &'static [&'static [&'static str]],
}

/// The six sections in order.
pub static SECTIONS: [SectionDef; 6] = [
    SectionDef {
        number: 1,
        canonical: "一、总体情况",
        keys: &[&["总体情况"], &["概述"]],
    },
    SectionDef {
        number: 2,
        canonical: "二、主动公开政府信息情况",
        keys: &[&["主动公开政府信息"], &["主动公开情况"]],
    },
    SectionDef {
        number: 3,
        canonical: "三、收到和处理政府信息公开申请情况",
        keys: &[
            &["收到和处理政府信息公开申请"],
            &["收到", "处理", "申请情况"],
            &["依申请公开"],
        ],
    },
    SectionDef {
        number: 4,
        canonical: "四、政府信息公开行政复议、行政诉讼情况",
        keys: &[&["行政复议", "行政诉讼"]],
    },
    SectionDef {
        number: 5,
        canonical: "五、存在的主要问题及改进情况",
        keys: &[&["问题", "改进"]],
    },
    SectionDef {
        number: 6,
        canonical: "六、其他需要报告的事项",
        keys: &[&["其他需要报告"]],
    },
];

/// Chinese numerals 一…十 used to number sections.
pub const SECTION_NUMERALS: [char; 10] =
    ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

// ---------------------------------------------------------------------------
// Columns and rows
// ---------------------------------------------------------------------------

/// A column of a statutory table: its key in `cells.md` and its printed label.
#[derive(Debug, Clone, Copy)]
pub struct ColumnDef {
    /// Last part of the cell key, e.g. `natural`.
    pub key: &'static str,
    /// Label as the format prints it.
    pub label: &'static str,
}

const fn col(key: &'static str, label: &'static str) -> ColumnDef {
    ColumnDef { key, label }
}

/// A block of table 二 (one 第二十条 item) with its header and rows.
#[derive(Debug)]
pub struct T2Block {
    /// The block header row, e.g. `第二十条第（一）项`.
    pub item: &'static str,
    /// Columns in the 2021 format (empty if the block does not exist there).
    pub columns_2021: &'static [ColumnDef],
    /// Columns in the 2019 format (empty if the block does not exist there).
    pub columns_2019: &'static [ColumnDef],
    /// Header phrases that show the 2021 columns.
    pub header_2021: &'static [&'static str],
    /// Header phrases that show the 2019 columns.
    pub header_2019: &'static [&'static str],
    /// Data rows.
    pub rows: &'static [T2Row],
}

impl T2Block {
    /// Columns of this block in a format.
    pub fn columns(&self, f: Format) -> &'static [ColumnDef] {
        match f {
            Format::V2021 => self.columns_2021,
            Format::V2019 => self.columns_2019,
        }
    }
}

/// A data row of table 二.
#[derive(Debug)]
pub struct T2Row {
    /// Row key, e.g. `normative_docs`.
    pub key: &'static str,
    /// Label in the 2021 format (`None`: row absent there).
    pub label_2021: Option<&'static str>,
    /// Label in the 2019 format (`None`: row absent there).
    pub label_2019: Option<&'static str>,
    /// Normalised phrases that identify the row; the longest match wins.
    pub keys: &'static [&'static str],
}

/// 主动公开政府信息情况 — table 二, block by block.
pub static T2_BLOCKS: [T2Block; 5] = [
    T2Block {
        item: "第二十条第（一）项",
        columns_2021: &[
            col("issued", "本年制发件数"),
            col("repealed", "本年废止件数"),
            col("in_force", "现行有效件数"),
        ],
        columns_2019: &[
            col("new_made", "本年新制作数量"),
            col("new_published", "本年新公开数量"),
            col("total_published", "对外公开总数量"),
        ],
        header_2021: &["制发件数", "废止件数", "现行有效"],
        header_2019: &["新制作数量", "新公开数量", "对外公开总数量"],
        rows: &[
            T2Row {
                key: "regulations",
                label_2021: Some("规章"),
                label_2019: Some("规章"),
                keys: &["规章"],
            },
            T2Row {
                key: "normative_docs",
                label_2021: Some("行政规范性文件"),
                label_2019: Some("规范性文件"),
                keys: &["规范性文件"],
            },
        ],
    },
    T2Block {
        item: "第二十条第（五）项",
        columns_2021: &[col("decisions", "本年处理决定数量")],
        columns_2019: &[
            col("prev_items", "上一年项目数量"),
            col("change", "本年增/减"),
            col("decisions", "处理决定数量"),
        ],
        header_2021: &["本年处理决定数量"],
        header_2019: &["上一年项目数量", "本年增/减"],
        rows: &[
            T2Row {
                key: "licensing",
                label_2021: Some("行政许可"),
                label_2019: Some("行政许可"),
                keys: &["行政许可"],
            },
            T2Row {
                key: "other_services",
                label_2021: None,
                label_2019: Some("其他对外管理服务事项"),
                keys: &["其他对外管理服务", "对外管理服务事项"],
            },
        ],
    },
    T2Block {
        item: "第二十条第（六）项",
        columns_2021: &[col("decisions", "本年处理决定数量")],
        columns_2019: &[
            col("prev_items", "上一年项目数量"),
            col("change", "本年增/减"),
            col("decisions", "处理决定数量"),
        ],
        header_2021: &["本年处理决定数量"],
        header_2019: &["上一年项目数量", "本年增/减"],
        rows: &[
            T2Row {
                key: "punishment",
                label_2021: Some("行政处罚"),
                label_2019: Some("行政处罚"),
                keys: &["行政处罚"],
            },
            T2Row {
                key: "coercion",
                label_2021: Some("行政强制"),
                label_2019: Some("行政强制"),
                keys: &["行政强制"],
            },
        ],
    },
    T2Block {
        item: "第二十条第（八）项",
        columns_2021: &[col("amount", "本年收费金额（单位：万元）")],
        columns_2019: &[
            col("prev_items", "上一年项目数量"),
            col("change", "本年增/减"),
        ],
        header_2021: &["收费金额"],
        header_2019: &["上一年项目数量", "本年增/减"],
        rows: &[T2Row {
            key: "fees",
            label_2021: Some("行政事业性收费"),
            label_2019: Some("行政事业性收费"),
            keys: &["行政事业性收费", "事业性收费"],
        }],
    },
    T2Block {
        item: "第二十条第（九）项",
        columns_2021: &[],
        columns_2019: &[col("items", "采购项目数量"), col("amount", "采购总金额")],
        header_2021: &[],
        header_2019: &["采购项目数量", "采购总金额"],
        rows: &[T2Row {
            key: "procurement",
            label_2021: None,
            label_2019: Some("政府集中采购"),
            keys: &["政府集中采购", "集中采购"],
        }],
    },
];

/// 申请人情况 — the seven data columns of table 三, in order.
pub static T3_COLUMNS: [ColumnDef; 7] = [
    col("natural", "自然人"),
    col("commercial", "商业企业"),
    col("research", "科研机构"),
    col("nonprofit", "社会公益组织"),
    col("legal", "法律服务机构"),
    col("other", "其他"),
    col("total", "总计"),
];

/// Which rows of table 三 an identity treats how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum T3Role {
    /// 一、本年新收.
    New,
    /// 二、上年结转.
    CarriedOver,
    /// An outcome row under 三、本年度办理结果 (summed by （七）总计).
    Outcome,
    /// （七）总计.
    TotalProcessed,
    /// 四、结转下年度继续办理.
    CarriedForward,
}

/// A data row of table 三.
#[derive(Debug)]
pub struct T3Row {
    /// Row key, e.g. `denied.state_secret`.
    pub key: &'static str,
    /// The most specific printed label, e.g. `1.属于国家秘密`.
    pub label: &'static str,
    /// The group label above it, e.g. `（三）不予公开`, if any.
    pub group: Option<&'static str>,
    /// Present in the 2021 format.
    pub in_2021: bool,
    /// Present in the 2019 format.
    pub in_2019: bool,
    /// Normalised phrases that identify the row.
    pub keys: &'static [&'static str],
    /// Its part in the identities.
    pub role: T3Role,
    /// Outcome family used by narrative comparison (`denied`, `unavailable`, …).
    pub family: &'static str,
}

macro_rules! t3 {
    ($key:literal, $label:literal, $group:expr, $y21:literal, $y19:literal, [$($k:literal),*], $role:ident, $fam:literal) => {
        T3Row { key: $key, label: $label, group: $group, in_2021: $y21, in_2019: $y19, keys: &[$($k),*], role: T3Role::$role, family: $fam }
    };
}

const DENIED: Option<&str> = Some("（三）不予公开");
const UNAVAILABLE: Option<&str> = Some("（四）无法提供");
const NOT_PROCESSED: Option<&str> = Some("（五）不予处理");
const OTHER: Option<&str> = Some("（六）其他处理");

/// 收到和处理政府信息公开申请情况 — the rows of table 三 in template order (both formats).
pub static T3_ROWS: [T3Row; 26] = [
    t3!(
        "new",
        "一、本年新收政府信息公开申请数量",
        None,
        true,
        true,
        ["本年新收", "新收政府信息公开申请"],
        New,
        "new"
    ),
    t3!(
        "carried_over",
        "二、上年结转政府信息公开申请数量",
        None,
        true,
        true,
        ["上年结转", "上年度结转"],
        CarriedOver,
        "carried_over"
    ),
    t3!(
        "granted",
        "（一）予以公开",
        Some("三、本年度办理结果"),
        true,
        true,
        ["予以公开"],
        Outcome,
        "granted"
    ),
    t3!(
        "partial",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        None,
        true,
        true,
        ["部分公开", "区分处理的"],
        Outcome,
        "partial"
    ),
    t3!(
        "denied.state_secret",
        "1.属于国家秘密",
        DENIED,
        true,
        true,
        ["国家秘密"],
        Outcome,
        "denied"
    ),
    t3!(
        "denied.law_prohibited",
        "2.其他法律行政法规禁止公开",
        DENIED,
        true,
        true,
        ["法律行政法规禁止"],
        Outcome,
        "denied"
    ),
    t3!(
        "denied.three_safeties",
        "3.危及“三安全一稳定”",
        DENIED,
        true,
        true,
        ["三安全一稳定"],
        Outcome,
        "denied"
    ),
    t3!(
        "denied.third_party",
        "4.保护第三方合法权益",
        DENIED,
        true,
        true,
        ["第三方合法权益"],
        Outcome,
        "denied"
    ),
    t3!(
        "denied.internal_affairs",
        "5.属于三类内部事务信息",
        DENIED,
        true,
        true,
        ["内部事务"],
        Outcome,
        "denied"
    ),
    t3!(
        "denied.process_info",
        "6.属于四类过程性信息",
        DENIED,
        true,
        true,
        ["过程性信息"],
        Outcome,
        "denied"
    ),
    t3!(
        "denied.enforcement_file",
        "7.属于行政执法案卷",
        DENIED,
        true,
        true,
        ["行政执法案卷"],
        Outcome,
        "denied"
    ),
    t3!(
        "denied.inquiry",
        "8.属于行政查询事项",
        DENIED,
        true,
        true,
        ["行政查询"],
        Outcome,
        "denied"
    ),
    t3!(
        "unavailable.not_held",
        "1.本机关不掌握相关政府信息",
        UNAVAILABLE,
        true,
        true,
        ["不掌握"],
        Outcome,
        "unavailable"
    ),
    t3!(
        "unavailable.need_creation",
        "2.没有现成信息需要另行制作",
        UNAVAILABLE,
        true,
        true,
        ["另行制作", "没有现成信息"],
        Outcome,
        "unavailable"
    ),
    t3!(
        "unavailable.unclear",
        "3.补正后申请内容仍不明确",
        UNAVAILABLE,
        true,
        true,
        ["仍不明确"],
        Outcome,
        "unavailable"
    ),
    t3!(
        "not_processed.petition",
        "1.信访举报投诉类申请",
        NOT_PROCESSED,
        true,
        true,
        ["信访举报投诉"],
        Outcome,
        "not_processed"
    ),
    t3!(
        "not_processed.duplicate",
        "2.重复申请",
        NOT_PROCESSED,
        true,
        true,
        ["重复申请"],
        Outcome,
        "not_processed"
    ),
    t3!(
        "not_processed.publication",
        "3.要求提供公开出版物",
        NOT_PROCESSED,
        true,
        true,
        ["公开出版物"],
        Outcome,
        "not_processed"
    ),
    t3!(
        "not_processed.mass_repeat",
        "4.无正当理由大量反复申请",
        NOT_PROCESSED,
        true,
        true,
        ["大量反复"],
        Outcome,
        "not_processed"
    ),
    t3!(
        "not_processed.confirm",
        "5.要求行政机关确认或重新出具已获取信息",
        NOT_PROCESSED,
        true,
        true,
        ["重新出具", "确认或重新"],
        Outcome,
        "not_processed"
    ),
    t3!(
        "other",
        "（六）其他处理",
        None,
        false,
        true,
        ["其他处理"],
        Outcome,
        "other"
    ),
    t3!(
        "other.no_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        OTHER,
        true,
        false,
        ["逾期不补正"],
        Outcome,
        "other"
    ),
    t3!(
        "other.unpaid_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        OTHER,
        true,
        false,
        ["收费通知", "缴纳费用"],
        Outcome,
        "other"
    ),
    t3!(
        "other.other",
        "3.其他",
        OTHER,
        true,
        false,
        ["3.其他"],
        Outcome,
        "other"
    ),
    t3!(
        "total_processed",
        "（七）总计",
        None,
        true,
        true,
        ["(七)总计", "七)总计", "(七)合计", "七、总计"],
        TotalProcessed,
        "total_processed"
    ),
    t3!(
        "carried_forward",
        "四、结转下年度继续办理",
        None,
        true,
        true,
        ["结转下年"],
        CarriedForward,
        "carried_forward"
    ),
];

/// The three groups of table 四 (行政复议 and the two kinds of 行政诉讼).
pub static T4_GROUPS: [ColumnDef; 3] = [
    col("review", "行政复议"),
    col("suit_direct", "行政诉讼·未经复议直接起诉"),
    col("suit_after_review", "行政诉讼·复议后起诉"),
];

/// The five columns of each table 四 group.
pub static T4_COLUMNS: [ColumnDef; 5] = [
    col("upheld", "结果维持"),
    col("corrected", "结果纠正"),
    col("other", "其他结果"),
    col("pending", "尚未审结"),
    col("total", "总计"),
];

// ---------------------------------------------------------------------------
// The cell catalogue
// ---------------------------------------------------------------------------

/// Which statutory table a cell belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TableId {
    /// 二、主动公开政府信息情况.
    T2,
    /// 三、收到和处理政府信息公开申请情况.
    T3,
    /// 四、政府信息公开行政复议、行政诉讼情况.
    T4,
}

impl TableId {
    /// The Chinese name of the table.
    pub fn title(self) -> &'static str {
        match self {
            TableId::T2 => "主动公开政府信息情况",
            TableId::T3 => "收到和处理政府信息公开申请情况",
            TableId::T4 => "政府信息公开行政复议、行政诉讼情况",
        }
    }

    /// `二`, `三`, `四`.
    pub fn numeral(self) -> &'static str {
        match self {
            TableId::T2 => "二",
            TableId::T3 => "三",
            TableId::T4 => "四",
        }
    }
}

/// One addressable cell of the vocabulary (`cells.md`).
#[derive(Debug)]
pub struct CellDef {
    /// `t3.granted.natural`.
    pub key: String,
    /// Its table.
    pub table: TableId,
    /// The row part of the key (`granted`, `denied.state_secret`, `review` …).
    pub row: &'static str,
    /// The column part of the key.
    pub column: &'static str,
    /// Human label for messages: row label and column label.
    pub row_label: &'static str,
    /// Column label.
    pub column_label: &'static str,
    /// Formats that have this cell.
    pub in_2021: bool,
    /// Formats that have this cell.
    pub in_2019: bool,
    /// A count (non-negative integer); otherwise a signed change or an amount.
    pub is_count: bool,
}

/// A stable handle to a [`CellDef`] (an index into the catalogue).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CellId(u16);

impl CellId {
    /// The definition of this cell.
    pub fn def(self) -> &'static CellDef {
        &catalogue()[self.0 as usize]
    }

    /// The `cells.md` key.
    pub fn key(self) -> &'static str {
        &self.def().key
    }

    /// Looks a key up.
    pub fn from_key(key: &str) -> Option<CellId> {
        static BY_KEY: OnceLock<std::collections::HashMap<&'static str, CellId>> = OnceLock::new();
        BY_KEY
            .get_or_init(|| {
                catalogue()
                    .iter()
                    .enumerate()
                    .map(|(i, d)| (d.key.as_str(), CellId(i as u16)))
                    .collect()
            })
            .get(key)
            .copied()
    }

    /// Number of cells in the catalogue (ids are `0..count`).
    pub fn count() -> usize {
        catalogue().len()
    }

    /// The index of this id, `0..count()`.
    pub fn index(self) -> usize {
        self.0 as usize
    }

    /// Every cell of every format, in template order.
    pub fn all() -> impl Iterator<Item = CellId> {
        (0..catalogue().len()).map(|i| CellId(i as u16))
    }

    /// The cell of table 三 at `row`, `column` (keys from [`T3_ROWS`] and [`T3_COLUMNS`]).
    pub fn t3(row: &str, column: &str) -> CellId {
        // The catalogue lays table 三 out row by row after table 二.
        let r = key_position(T3_ROWS.iter().map(|x| x.key), row)
            .unwrap_or_else(|| panic!("no row t3.{row}"));
        let c = key_position(T3_COLUMNS.iter().map(|x| x.key), column)
            .unwrap_or_else(|| panic!("no column {column}"));
        CellId((t3_base() + r * T3_COLUMNS.len() + c) as u16)
    }

    /// The cell of table 三 at row `row` of [`T3_ROWS`] and column `column` of [`T3_COLUMNS`]
    /// (by index: for loops over the whole table).
    pub fn t3_at(row: usize, column: usize) -> CellId {
        CellId((t3_base() + row * T3_COLUMNS.len() + column) as u16)
    }

    /// The cell of table 四 at `group`, `column`.
    pub fn t4(group: &str, column: &str) -> CellId {
        let g = T4_GROUPS
            .iter()
            .position(|x| x.key == group)
            .unwrap_or_else(|| panic!("no group t4.{group}"));
        let c = T4_COLUMNS
            .iter()
            .position(|x| x.key == column)
            .unwrap_or_else(|| panic!("no column {column}"));
        CellId((t3_base() + T3_ROWS.len() * T3_COLUMNS.len() + g * T4_COLUMNS.len() + c) as u16)
    }

    /// The cell of table 二 at `row`, `column`.
    pub fn t2(row: &str, column: &str) -> CellId {
        Self::from_key(&format!("t2.{row}.{column}"))
            .unwrap_or_else(|| panic!("no cell t2.{row}.{column}"))
    }

    /// A short Chinese description, e.g. `表三「（一）予以公开」行「自然人」列`.
    pub fn describe(self) -> String {
        let d = self.def();
        format!(
            "表{}「{}」行「{}」列",
            d.table.numeral(),
            d.row_label,
            d.column_label
        )
    }
}

impl fmt::Display for CellId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl serde::Serialize for CellId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.key())
    }
}

/// Position of `key` among `keys`. Callers mostly pass the template's own `&'static str`,
/// so the address is compared first and the text only when that finds nothing.
fn key_position<'a>(keys: impl Iterator<Item = &'a str> + Clone, key: &str) -> Option<usize> {
    keys.clone()
        .position(|k| std::ptr::eq(k.as_ptr(), key.as_ptr()) && k.len() == key.len())
        .or_else(|| keys.into_iter().position(|k| k == key))
}

/// Index of the first table 三 cell in the catalogue.
fn t3_base() -> usize {
    static BASE: OnceLock<usize> = OnceLock::new();
    *BASE.get_or_init(|| {
        catalogue()
            .iter()
            .position(|d| d.table == TableId::T3)
            .unwrap_or(0)
    })
}

fn catalogue() -> &'static [CellDef] {
    static CATALOGUE: OnceLock<Vec<CellDef>> = OnceLock::new();
    CATALOGUE.get_or_init(build_catalogue)
}

fn build_catalogue() -> Vec<CellDef> {
    let mut out = Vec::new();
    for block in &T2_BLOCKS {
        for row in block.rows {
            // Union of both formats' columns, 2019 order first where they share keys
            // (prev_items, change, decisions), then the 2021-only ones.
            let mut cols: Vec<(ColumnDef, bool, bool)> = Vec::new();
            if row.label_2019.is_some() {
                for c in block.columns_2019 {
                    cols.push((*c, false, true));
                }
            }
            if row.label_2021.is_some() {
                for c in block.columns_2021 {
                    match cols.iter_mut().find(|(x, _, _)| x.key == c.key) {
                        Some(e) => e.1 = true,
                        None => cols.push((*c, true, false)),
                    }
                }
            }
            for (c, y21, y19) in cols {
                out.push(CellDef {
                    key: format!("t2.{}.{}", row.key, c.key),
                    table: TableId::T2,
                    row: row.key,
                    column: c.key,
                    row_label: row.label_2021.or(row.label_2019).unwrap_or(row.key),
                    column_label: c.label,
                    in_2021: y21,
                    in_2019: y19,
                    is_count: !matches!(c.key, "amount" | "change"),
                });
            }
        }
    }
    for row in &T3_ROWS {
        for c in &T3_COLUMNS {
            out.push(CellDef {
                key: format!("t3.{}.{}", row.key, c.key),
                table: TableId::T3,
                row: row.key,
                column: c.key,
                row_label: row.label,
                column_label: c.label,
                in_2021: row.in_2021,
                in_2019: row.in_2019,
                is_count: true,
            });
        }
    }
    for g in &T4_GROUPS {
        for c in &T4_COLUMNS {
            out.push(CellDef {
                key: format!("t4.{}.{}", g.key, c.key),
                table: TableId::T4,
                row: g.key,
                column: c.key,
                row_label: g.label,
                column_label: c.label,
                in_2021: true,
                in_2019: true,
                is_count: true,
            });
        }
    }
    out
}

/// A row label without its long parenthetical (`（二）部分公开（区分处理的…）` →
/// `（二）部分公开`), for messages.
pub fn short_label(label: &str) -> &str {
    match label.find(['（', '(']) {
        Some(i) if i > 0 => &label[..i],
        _ => label,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_has_every_cell_of_both_formats() {
        let n21 = CellId::all().filter(|c| c.def().in_2021).count();
        let n19 = CellId::all().filter(|c| c.def().in_2019).count();
        // 2021: 10 + 25×7 + 15; 2019: 22 + 23×7 + 15 (template.md §1.4–1.6, §2).
        assert_eq!(n21, 10 + 175 + 15);
        assert_eq!(n19, 22 + 161 + 15);
        assert_eq!(
            CellId::from_key("t3.denied.state_secret.natural")
                .unwrap()
                .key(),
            "t3.denied.state_secret.natural"
        );
        assert!(
            CellId::from_key("t2.licensing.decisions")
                .unwrap()
                .def()
                .in_2019
        );
        assert!(
            CellId::from_key("t2.licensing.decisions")
                .unwrap()
                .def()
                .in_2021
        );
        for row in &T3_ROWS {
            for c in &T3_COLUMNS {
                assert_eq!(
                    CellId::t3(row.key, c.key).key(),
                    format!("t3.{}.{}", row.key, c.key)
                );
            }
        }
        assert_eq!(
            CellId::t4("suit_after_review", "total").key(),
            "t4.suit_after_review.total"
        );
    }

    #[test]
    fn keys_are_unique() {
        let mut keys: Vec<_> = CellId::all().map(|c| c.key()).collect();
        let n = keys.len();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), n);
    }
}
