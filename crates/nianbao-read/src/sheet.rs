//! A register kept as a spreadsheet: CSV (UTF-8 or GB18030, with or without BOM) or
//! XLSX (the first sheet), read into rows by header name for
//! [`nianbao_core::register::import`]. The header is the first non-empty row; blank rows
//! are skipped; line numbers are the sheet's own, so errors point where the user looks.

use std::collections::HashMap;

use calamine::{Data, Reader, Xlsx};
use nianbao_core::register::import::SheetRow;

/// Reads `bytes` (named `name`, whose extension decides XLSX or CSV; ZIP content is
/// taken as XLSX whatever the name) into rows.
pub fn rows(name: &str, bytes: &[u8]) -> Result<Vec<SheetRow>, String> {
    let is_zip = bytes.starts_with(b"PK\x03\x04");
    if is_zip || name.to_lowercase().ends_with(".xlsx") {
        xlsx_rows(name, bytes)
    } else if name.to_lowercase().ends_with(".xls") {
        Err(format!(
            "{name}：旧版 Excel（.xls）无法读取，请另存为 .xlsx 或 .csv"
        ))
    } else {
        csv_rows(name, bytes)
    }
}

fn into_rows(name: &str, grid: Vec<(usize, Vec<String>)>) -> Result<Vec<SheetRow>, String> {
    let mut grid = grid
        .into_iter()
        .filter(|(_, r)| r.iter().any(|c| !c.trim().is_empty()));
    let Some((_, header)) = grid.next() else {
        return Err(format!("{name}：表格是空的"));
    };
    let header: Vec<String> = header
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    Ok(grid
        .map(|(line, r)| {
            (
                line,
                header
                    .iter()
                    .cloned()
                    .zip(r.into_iter().map(|c| c.trim().to_string()))
                    .filter(|(h, _)| !h.is_empty())
                    .collect::<HashMap<_, _>>(),
            )
        })
        .collect())
}

fn csv_rows(name: &str, bytes: &[u8]) -> Result<Vec<SheetRow>, String> {
    let text = nianbao_core::decode::decode(bytes).text;
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut grid = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            format!(
                "{name}：第 {} 行无法读取（{e}）",
                e.position().map_or(0, |p| p.line())
            )
        })?;
        // The record's position may sit before blank lines the reader skipped: count
        // the line from the first non-blank byte at or after it.
        let mut at = rec
            .position()
            .map_or(0, |p| p.byte() as usize)
            .min(text.len());
        while text[at..].starts_with(['\n', '\r']) {
            at += 1;
        }
        let line = text.as_bytes()[..at]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        grid.push((line, rec.iter().map(str::to_string).collect()));
    }
    into_rows(name, grid)
}

/// A cell as text; dates as ISO dates (Excel keeps them as day numbers).
fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => {
            // Excel's serial day 1 is 1900-01-01, with the 1900 leap-year bug: day 60 does
            // not exist; from day 61 on, day n is 1899-12-30 + n.
            let days = dt.as_f64().floor() as i64;
            jiff::civil::date(1899, 12, 30)
                .checked_add(jiff::Span::new().days(days))
                .map(|d| d.to_string())
                .unwrap_or_else(|_| dt.to_string())
        }
        Data::DateTimeIso(s) => s.chars().take(10).collect(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// A register has a few thousand rows of a dozen columns; the sheet's cells are read one
/// by one (never as a dense range sized by the farthest cell: one cell at XFD1048576 would
/// ask for 512 GiB) and refused beyond these bounds.
const MAX_SHEET_ROWS: u32 = 200_000;
const MAX_SHEET_COLUMNS: u32 = 256;
const MAX_SHEET_CELLS: usize = 2_000_000;

fn xlsx_rows(name: &str, bytes: &[u8]) -> Result<Vec<SheetRow>, String> {
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("{name}：不是可读取的 XLSX 文件（{e}）"))?;
    let Some(first) = book.sheet_names().first().cloned() else {
        return Err(format!("{name}：工作簿里没有工作表"));
    };
    let mut reader = book
        .worksheet_cells_reader(&first)
        .map_err(|e| format!("{name}：工作表「{first}」无法读取（{e}）"))?;
    let mut cells: std::collections::BTreeMap<u32, Vec<(u32, String)>> = Default::default();
    let mut count = 0usize;
    while let Some(cell) = reader
        .next_cell()
        .map_err(|e| format!("{name}：工作表「{first}」无法读取（{e}）"))?
    {
        let (row, col) = cell.get_position();
        if row >= MAX_SHEET_ROWS || col >= MAX_SHEET_COLUMNS {
            return Err(format!(
                "{name}：工作表「{first}」过大：第 {} 行第 {} 列有内容，登记表最多 {MAX_SHEET_ROWS} 行、{MAX_SHEET_COLUMNS} 列",
                u64::from(row) + 1,
                u64::from(col) + 1
            ));
        }
        count += 1;
        if count > MAX_SHEET_CELLS {
            return Err(format!(
                "{name}：工作表「{first}」的单元格超过 {MAX_SHEET_CELLS} 个"
            ));
        }
        let text = cell_text(&Data::from(cell.get_value().clone()));
        cells.entry(row).or_default().push((col, text));
    }
    let grid = cells
        .into_iter()
        .map(|(row, mut cols)| {
            cols.sort_by_key(|(c, _)| *c);
            let width = cols.last().map_or(0, |(c, _)| *c as usize + 1);
            let mut line = vec![String::new(); width];
            for (c, t) in cols {
                line[c as usize] = t;
            }
            (row as usize + 1, line)
        })
        .collect();
    into_rows(name, grid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_bom_and_blank_rows() {
        let rows = rows(
            "a.csv",
            "\u{feff}收到日期,申请人类型\n\n2024-03-01,自然人\n".as_bytes(),
        )
        .unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].0, 3);
        assert_eq!(rows[0].1["收到日期"], "2024-03-01");
    }

    /// One cell at the sheet's last address (XFD1048576) in a tiny file: refused with a
    /// Chinese message, without allocating the sheet's whole range.
    #[test]
    fn a_far_cell_is_refused_not_allocated() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "收到日期").unwrap();
        sheet.write_string(1_048_575, 16_383, "x").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        assert!(bytes.len() < 10_000);
        let err = rows("大.xlsx", &bytes).unwrap_err();
        assert!(
            err.contains("大.xlsx") && err.contains("过大") && err.contains("1048576"),
            "{err}"
        );
    }

    #[test]
    fn xlsx_dates_become_iso_dates() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "收到日期").unwrap();
        sheet.write_string(0, 1, "申请人类型").unwrap();
        let fmt = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
        let d = rust_xlsxwriter::ExcelDateTime::from_ymd(2024, 9, 30).unwrap();
        sheet.write_datetime_with_format(1, 0, &d, &fmt).unwrap();
        sheet.write_string(1, 1, "自然人").unwrap();
        sheet.write_string(2, 0, "2024/10/8").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let rows = rows("登记.xlsx", &bytes).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[0].0, rows[0].1["收到日期"].as_str()),
            (2, "2024-09-30")
        );
        assert_eq!(rows[1].1["收到日期"], "2024/10/8");
        assert!(super::rows("x.xlsx", b"PK\x03\x04garbage")
            .unwrap_err()
            .contains("x.xlsx"));
        assert!(super::rows("x.xls", b"\xd0\xcf\x11\xe0")
            .unwrap_err()
            .contains(".xls"));
    }
}
