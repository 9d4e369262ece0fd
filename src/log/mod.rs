//! Ticket event logs: interning, the streaming CSV and XES readers, row accounting, activity
//! mapping and variants.

pub mod accounting;
pub mod builder;
pub mod columns;
pub mod csv_reader;
pub mod csv_split;
pub mod department;
pub mod error;
pub mod event_log;
pub mod input;
pub mod intern;
pub mod mapping;
pub mod options;
pub mod profile;
#[cfg(test)]
mod properties;
pub mod read;
pub mod routing;
pub mod stats;
pub mod suggest;
pub mod time_layout;
pub mod timestamp;
pub mod variants;
pub mod xes_reader;
pub mod xes_split;
