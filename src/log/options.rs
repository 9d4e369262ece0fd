//! How to read a log, resolved from flags and a log profile before reading starts.
//!
//! Owns [`ReadOptions`], [`ColumnNames`] and [`Encoding`]. The CLI fills them from raw flags (the
//! library never sees clap); `None` in a column name means "recognise it by its usual names".

use chrono_tz::Tz;

use crate::log::error::LogError;

/// The text encoding of a CSV log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// UTF-8, with or without a byte-order mark.
    #[default]
    Utf8,
    /// GB18030, a superset of GBK and GB2312 (exports of Chinese ticket systems and Excel).
    Gb18030,
}

impl Encoding {
    /// Reads an encoding name: `utf-8`/`utf8`, `gbk`, `gb2312`, `gb18030` (any case).
    pub fn parse(name: &str) -> Result<Encoding, LogError> {
        match name.to_ascii_lowercase().replace('_', "-").as_str() {
            "utf-8" | "utf8" => Ok(Encoding::Utf8),
            "gbk" | "gb2312" | "gb18030" | "cp936" => Ok(Encoding::Gb18030),
            _ => Err(LogError::Option(format!(
                "--encoding `{name}` is not supported; use utf-8 (the default) or gbk (also read as gb18030)"
            ))),
        }
    }
}

/// Reads a delimiter: one ASCII character, or `tab`.
pub fn parse_delimiter(text: &str) -> Result<u8, LogError> {
    match text {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        t if t.len() == 1 && t.is_ascii() && t != "\"" => Ok(t.as_bytes()[0]),
        _ => Err(LogError::Option(format!("--delimiter `{text}` is not one character; use , ; | or tab"))),
    }
}

/// Column names chosen by the user; `None` means recognised by the usual names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnNames {
    /// Ticket (case) id.
    pub case: Option<String>,
    /// Activity label.
    pub activity: Option<String>,
    /// Timestamp.
    pub timestamp: Option<String>,
    /// Department or role.
    pub role: Option<String>,
    /// Resource (agent).
    pub resource: Option<String>,
    /// Lifecycle transition.
    pub lifecycle: Option<String>,
    /// Customer id.
    pub customer: Option<String>,
    /// Customer tier, 1-5 stars.
    pub tier: Option<String>,
    /// Problem class.
    pub class: Option<String>,
    /// Channel.
    pub channel: Option<String>,
    /// Business.
    pub business: Option<String>,
    /// Brand.
    pub brand: Option<String>,
}

/// Everything a reader needs to know.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// CSV column names.
    pub columns: ColumnNames,
    /// CSV delimiter; `None` sniffs it from the header line.
    pub delimiter: Option<u8>,
    /// CSV encoding.
    pub encoding: Encoding,
    /// Zone of timestamps written without an offset.
    pub zone: Tz,
    /// A strftime layout for timestamps the built-in layouts do not cover.
    pub timestamp_format: Option<String>,
    /// Keep only events with this lifecycle transition (case-insensitive).
    pub lifecycle: Option<String>,
    /// Turn any rejected row into an error.
    pub strict: bool,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            columns: ColumnNames::default(),
            delimiter: None,
            encoding: Encoding::Utf8,
            zone: Tz::UTC,
            timestamp_format: None,
            lifecycle: None,
            strict: false,
        }
    }
}
