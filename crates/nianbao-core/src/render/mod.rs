//! Renderings of a report and its findings.
//!
//! * [`cells`] — `key<TAB>value` lines, the contract of `parse --format cells`;
//! * [`json`] — the versioned JSON documents of `parse --format json` and `check --format json`;
//! * [`markdown`] — the report re-rendered in the standard format;
//! * [`human`] — compiler-style diagnostics in Chinese;
//! * [`docx`] — a report written as a DOCX 公文;
//! * [`pdf`] — a report written as a PDF with a text layer (fixtures).
//!
//! **API boundary:** the JSON shapes are defined here by explicit wire types, never
//! by serialising the internal model, and carry a `schema_version`.

pub mod cells;
pub mod docx;
pub mod human;
pub mod json;
pub mod layout;
pub mod markdown;
pub mod pdf;
