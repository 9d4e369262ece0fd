//! Reading any supported log: picks the reader by file name, applies `--strict`.
//!
//! Owns [`read`] and [`ReadLog`]. `.csv`, `.tsv`, `.txt` (optionally `.gz`) go to the CSV reader;
//! `.xes` and `.xes.gz` to the XES reader.

use std::path::Path;

use crate::log::accounting::{Accounting, RejectSink};
use crate::log::csv_reader::{self, CsvInfo};
use crate::log::error::LogError;
use crate::log::event_log::EventLog;
use crate::log::options::ReadOptions;
use crate::log::xes_reader::{self, XesInfo};

/// Which reader read the log, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A CSV file.
    Csv(CsvInfo),
    /// An XES file.
    Xes(XesInfo),
    /// Made in memory (a what-if replay), never read from a file.
    Made,
}

/// A log as read: the events, what happened to every row, and how it was read.
#[derive(Debug, Clone)]
pub struct ReadLog {
    /// The events.
    pub log: EventLog,
    /// Rows read, accepted, rejected, filtered; notes.
    pub accounting: Accounting,
    /// How it was read.
    pub source: Source,
}

impl ReadLog {
    /// A log made in memory (one process's tickets of a month, a what-if replay): every event
    /// counted as a row read and accepted.
    pub fn made(log: EventLog) -> ReadLog {
        let events = log.event_count() as u64;
        ReadLog {
            log,
            accounting: Accounting { rows_read: events, accepted: events, ..Accounting::default() },
            source: Source::Made,
        }
    }
}

/// The formats flowaudit reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Delimited text.
    Csv,
    /// XES (IEEE 1849) XML.
    Xes,
}

/// The format of `path`, from its name (a `.gz` suffix is looked through).
pub fn format_of(path: &Path) -> Result<Format, LogError> {
    let name = path.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    match Path::new(name).extension().and_then(|e| e.to_str()) {
        Some("csv" | "tsv" | "txt") => Ok(Format::Csv),
        Some("xes") => Ok(Format::Xes),
        _ => Err(LogError::UnknownFormat { path: path.to_path_buf() }),
    }
}

/// Reads the log at `path` with `opts`, handing every rejected row to `sink`.
///
/// With `opts.strict`, any rejected row makes it an error naming the first one.
pub fn read(path: &Path, opts: &ReadOptions, sink: &mut dyn RejectSink) -> Result<ReadLog, LogError> {
    let read = match format_of(path)? {
        Format::Csv => {
            let (log, accounting, info) = csv_reader::read_csv(path, opts, sink)?;
            ReadLog { log, accounting, source: Source::Csv(info) }
        }
        Format::Xes => {
            let (log, accounting, info) = xes_reader::read_xes(path, opts, sink)?;
            ReadLog { log, accounting, source: Source::Xes(info) }
        }
    };
    debug_assert!(read.accounting.balances());
    if opts.strict
        && let Some(first) = read.accounting.first_reject()
    {
        return Err(LogError::Strict {
            path: path.to_path_buf(),
            count: read.accounting.rows_rejected(),
            first: Box::new(first.clone()),
        });
    }
    Ok(read)
}
