//! Reports: the figures of a check for people (text) and tools (JSON), names resolved in the
//! process's language; and the monthly audit's typed tables ([`sheet`]), their writers (CSV,
//! Excel, Markdown, HTML) and the atomic report folder they are written into.

pub mod audit;
pub mod audit_pages;
pub mod audit_sections;
pub mod compare;
pub mod csv_out;
pub mod data_quality;
pub mod department;
pub mod department_text;
pub mod figures;
pub mod grading;
pub mod html;
pub mod markdown;
pub mod report_dir;
pub mod sheet;
pub mod sla;
pub mod xlsx;
