//! `nianbao export`: the corpus as a long table (CSV, JSON lines) or an Excel workbook.

use super::*;

#[derive(Copy, Clone, ValueEnum, PartialEq, Eq, Debug)]
pub enum ExportFormat {
    /// 长表 CSV（带 BOM，Excel 可直接打开）
    Csv,
    /// 长表 JSON（对象数组）
    Json,
    /// Excel：表二、表三、表四各一页（统一格式的表头），另有长表一页
    Xlsx,
}

#[derive(clap::Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub db: DbArgs,
    /// 输出格式
    #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
    pub format: ExportFormat,
    /// 输出文件（省略则写到标准输出；xlsx 必须给出）
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

/// The long format's columns (documented in docs/store.md; stable).
pub const LONG_COLUMNS: [&str; 12] = [
    "report",
    "agency",
    "agency_key",
    "province",
    "city",
    "county",
    "township",
    "region_code",
    "year",
    "cell",
    "value",
    "blank",
];

fn long_row(r: &ReportRow, cell: &str, value: &str, blank: bool) -> [String; 12] {
    let code = r.region_code.clone().unwrap_or_default();
    let prefix = |n: usize| {
        if code.len() >= n {
            code[..n].to_string()
        } else {
            String::new()
        }
    };
    [
        r.id.to_string(),
        r.agency_name.clone().unwrap_or_default(),
        r.agency_key.clone().unwrap_or_default(),
        prefix(2),
        prefix(4),
        prefix(6),
        prefix(9),
        code.clone(),
        r.year.map(|y| y.to_string()).unwrap_or_default(),
        cell.to_string(),
        value.to_string(),
        if blank { "1" } else { "0" }.to_string(),
    ]
}

/// The cells of one report: (key, value, blank), in template order.
type ReportCells = Vec<(String, String, bool)>;

/// Where the long rows of `export` go.
enum LongSink {
    Csv(Box<csv::Writer<Box<dyn Write>>>),
    Json {
        out: Box<dyn Write>,
        first: bool,
    },
    /// The workbook needs every report before it is written.
    Xlsx(PathBuf, Vec<(ReportRow, ReportCells)>),
}

impl LongSink {
    fn open(format: ExportFormat, path: Option<&PathBuf>) -> anyhow::Result<LongSink> {
        let mut out: Box<dyn Write> = match path {
            Some(p) if format != ExportFormat::Xlsx => Box::new(io::BufWriter::new(
                std::fs::File::create(p).with_context(|| format!("无法写入 {}", p.display()))?,
            )),
            _ => Box::new(io::BufWriter::new(io::stdout().lock())),
        };
        Ok(match format {
            ExportFormat::Csv => {
                out.write_all("\u{feff}".as_bytes())?; // BOM: Excel on Chinese Windows reads UTF-8 right
                let mut w = csv::Writer::from_writer(out);
                w.write_record(LONG_COLUMNS)?;
                LongSink::Csv(Box::new(w))
            }
            ExportFormat::Json => {
                out.write_all(b"[")?;
                LongSink::Json { out, first: true }
            }
            ExportFormat::Xlsx => LongSink::Xlsx(
                path.context("xlsx 输出需要 --out 文件名")?.clone(),
                Vec::new(),
            ),
        })
    }

    fn report(&mut self, r: ReportRow, values: ReportCells) -> anyhow::Result<()> {
        match self {
            LongSink::Csv(w) => {
                for (k, v, b) in &values {
                    w.write_record(long_row(&r, k, v, *b))?;
                }
            }
            LongSink::Json { out, first } => {
                for (k, v, b) in &values {
                    let mut obj = serde_json::Map::new();
                    for (name, val) in LONG_COLUMNS.iter().zip(long_row(&r, k, v, *b)) {
                        let val = match *name {
                            "report" | "year" => val
                                .parse::<i64>()
                                .map(serde_json::Value::from)
                                .unwrap_or(serde_json::Value::Null),
                            "blank" => serde_json::Value::Bool(val == "1"),
                            "value" => json_value(&val),
                            _ => serde_json::Value::String(val),
                        };
                        obj.insert(name.to_string(), val);
                    }
                    out.write_all(if *first { b"\n" } else { b",\n" })?;
                    *first = false;
                    out.write_all(serde_json::to_string(&obj)?.as_bytes())?;
                }
            }
            LongSink::Xlsx(_, all) => all.push((r, values)),
        }
        Ok(())
    }

    fn finish(self) -> anyhow::Result<()> {
        match self {
            LongSink::Csv(mut w) => w.flush()?,
            LongSink::Json { mut out, .. } => {
                out.write_all(b"\n]\n")?;
                out.flush()?;
            }
            LongSink::Xlsx(path, all) => write_xlsx(&path, &all)?,
        }
        Ok(())
    }
}

pub fn export(args: ExportArgs) -> anyhow::Result<ExitCode> {
    let (rt, store) = open_read_only(&args.db)?;
    let filter = args.filter.filter()?;
    let mut sink = LongSink::open(args.format, args.out.as_ref())?;
    let page = 500;
    let mut offset = 0;
    let mut n_reports = 0usize;
    loop {
        let rows = rt.block_on(store.reports(&filter, page, offset))?;
        if rows.is_empty() {
            break;
        }
        offset += page;
        n_reports += rows.len();
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut cells: HashMap<i64, ReportCells> = HashMap::new();
        for (id, key, value, blank) in rt.block_on(store.cells_of(&ids))? {
            cells.entry(id).or_default().push((key, value, blank != 0));
        }
        for r in rows {
            let mut values = cells.remove(&r.id).unwrap_or_default();
            values.sort_by_key(|(k, _, _)| CellId::from_key(k).map_or(usize::MAX, |c| c.index()));
            sink.report(r, values)?;
        }
    }
    sink.finish()?;
    eprintln!("已导出 {n_reports} 份年报");
    Ok(ExitCode::SUCCESS)
}

/// The workbook: one sheet per table (one row per report, the official row and column
/// labels as a two-row merged header, panes frozen below it and right of the report
/// columns), and the long format as sheet `cells`.
pub fn write_xlsx(path: &PathBuf, reports: &[(ReportRow, ReportCells)]) -> anyhow::Result<()> {
    use rust_xlsxwriter::{Format as XFormat, FormatAlign, FormatBorder, Workbook};
    let mut wb = Workbook::new();
    let head = XFormat::new()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin)
        .set_text_wrap();
    let g = Gazetteer::get();
    let lead = ["ID", "机关", "地区", "区划代码", "年度"];
    for table in [TableId::T2, TableId::T3, TableId::T4] {
        let ids: Vec<CellId> = CellId::all()
            .filter(|c| c.def().table == table && c.def().in_2021)
            .collect();
        let ws = wb.add_worksheet();
        ws.set_name(format!("表{}", table.numeral()))?;
        for (i, h) in lead.iter().enumerate() {
            ws.merge_range(0, i as u16, 1, i as u16, h, &head)?;
        }
        // Row 0: the statutory row (merged over its columns); row 1: the column.
        let mut col = lead.len() as u16;
        let mut i = 0;
        while i < ids.len() {
            let row_label = ids[i].def().row_label;
            let start = col;
            while i < ids.len() && ids[i].def().row_label == row_label {
                ws.write_with_format(1, col, ids[i].def().column_label, &head)?;
                col += 1;
                i += 1;
            }
            if col - start > 1 {
                ws.merge_range(0, start, 0, col - 1, row_label, &head)?;
            } else {
                ws.write_with_format(0, start, row_label, &head)?;
            }
        }
        ws.set_row_height(0, 45)?;
        ws.set_column_width(1, 24)?;
        ws.set_column_width(2, 30)?;
        ws.set_freeze_panes(2, lead.len() as u16)?;
        let pos: HashMap<&str, u16> = ids
            .iter()
            .enumerate()
            .map(|(k, c)| (c.key(), lead.len() as u16 + k as u16))
            .collect();
        for (n, (r, values)) in reports.iter().enumerate() {
            let row = 2 + n as u32;
            let path = g.path_of(r.region_code.as_deref()).unwrap_or_default();
            ws.write(row, 0, r.id)?;
            ws.write(row, 1, r.agency_name.as_deref().unwrap_or(""))?;
            ws.write(row, 2, path)?;
            ws.write(row, 3, r.region_code.as_deref().unwrap_or(""))?;
            if let Some(y) = r.year {
                ws.write(row, 4, y)?;
            }
            for (k, v, _) in values {
                if let Some(&c) = pos.get(k.as_str()) {
                    match v.parse::<f64>() {
                        Ok(x) => ws.write(row, c, x)?,
                        Err(_) => ws.write(row, c, v.as_str())?,
                    };
                }
            }
        }
    }
    let ws = wb.add_worksheet();
    ws.set_name("cells")?;
    for (i, h) in LONG_COLUMNS.iter().enumerate() {
        ws.write_with_format(0, i as u16, *h, &head)?;
    }
    ws.set_freeze_panes(1, 0)?;
    let mut row = 1u32;
    for (r, values) in reports {
        for (k, v, b) in values {
            for (i, val) in long_row(r, k, v, *b).iter().enumerate() {
                ws.write(row, i as u16, val.as_str())?;
            }
            row += 1;
        }
    }
    wb.save(path)
        .with_context(|| format!("无法写入 {}", path.display()))?;
    Ok(())
}
