//! A register kept as a spreadsheet (XLSX, or CSV when the bytes are not a ZIP): any
//! bytes are read within the sheet reader's bounds, never a panic or a huge allocation.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let name = if data.starts_with(b"PK") {
        "fuzz.xlsx"
    } else {
        "fuzz.csv"
    };
    let _ = nianbao_read::sheet::rows(name, data);
});
