//! Reports: the figures of a check for people (text) and tools (JSON), names resolved in the
//! process's language.

pub mod audit;
pub mod compare;
pub mod data_quality;
pub mod department;
pub mod department_text;
pub mod figures;
pub mod grading;
pub mod sla;
