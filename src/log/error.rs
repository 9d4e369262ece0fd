//! Errors that stop a log from being read: each says where (file, line, column name, ticket id)
//! and what to do. Rows that merely cannot be used are not errors: they are rejected and counted
//! (see [`crate::log::accounting`]).

use std::path::PathBuf;

use crate::log::accounting::Reject;

/// Why a log could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    /// The file could not be opened or read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file's extension names no format flowaudit reads.
    #[error("{}: unknown log format; flowaudit reads .csv, .tsv, .txt, .xes and .xes.gz", path.display())]
    UnknownFormat {
        /// The file.
        path: PathBuf,
    },
    /// The CSV file has no header line.
    #[error("{}: the file is empty; a CSV log starts with a header line naming its columns", path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// A field is not valid UTF-8.
    #[error(
        "{}:{line}: column `{column}` is not valid UTF-8 (byte {byte}); if the file comes from a Chinese ticket system or Excel, read it with --encoding gbk",
        path.display()
    )]
    NotUtf8 {
        /// The file.
        path: PathBuf,
        /// Line of the record.
        line: u64,
        /// The column's name.
        column: String,
        /// Offset of the first bad byte in the field.
        byte: usize,
    },
    /// A needed column was not found.
    #[error("{}: no {what} column{}; the header has: {header}; name it with --{flag} COLUMN", path.display(), suggestion.as_ref().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default())]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// What the column holds.
        what: &'static str,
        /// The flag that names it.
        flag: &'static str,
        /// The header, comma-separated.
        header: String,
        /// The closest header name.
        suggestion: Option<String>,
    },
    /// A column the user named is not in the header.
    #[error("{}: --{flag} `{name}` is not a column; the header has: {header}{}", path.display(), suggestion.as_ref().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default())]
    UnknownColumn {
        /// The file.
        path: PathBuf,
        /// The flag.
        flag: &'static str,
        /// The name given.
        name: String,
        /// The header, comma-separated.
        header: String,
        /// The closest header name.
        suggestion: Option<String>,
    },
    /// The CSV could not be parsed.
    #[error("{}:{line}: {message}", path.display())]
    Csv {
        /// The file.
        path: PathBuf,
        /// Line.
        line: u64,
        /// What the CSV parser said.
        message: String,
    },
    /// The XES could not be parsed.
    #[error("{}:{line}: {message}", path.display())]
    Xml {
        /// The file.
        path: PathBuf,
        /// Line.
        line: u64,
        /// What is wrong, and what to do.
        message: String,
    },
    /// The log has more events than flowaudit can index.
    #[error("{}:{line}: more than {max} events; split the log by month or channel", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Line where the limit was passed.
        line: u64,
        /// The limit.
        max: usize,
    },
    /// `--strict` and some rows were rejected.
    #[error("{}:{}: {count} row(s) rejected and --strict is on; first: {} ({}{}); see them all with --rejects FILE", path.display(), first.line, first.detail, first.reason.as_str(), first.case.as_ref().map(|c| format!(", ticket {c}")).unwrap_or_default())]
    Strict {
        /// The file.
        path: PathBuf,
        /// Rows rejected.
        count: u64,
        /// The first of them.
        first: Box<Reject>,
    },
    /// An option has a value flowaudit cannot use.
    #[error("{0}")]
    Option(String),
}

impl LogError {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        LogError::Io { path: path.into(), source }
    }
}
