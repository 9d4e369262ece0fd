//! Timestamps: the UTC instant every event carries, and the parser that reads the layouts ticket
//! systems write.
//!
//! Owns [`Time`] (microseconds since the Unix epoch, UTC) and [`TimeParser`]. Text with an offset
//! (`Z`, `+08:00`) is read as written; naive text (no offset) is read in the parser's IANA zone
//! (UTC unless the user names one) and never shifted silently: a local time that a daylight-saving
//! change skips or repeats is an error, not a guess.

use std::fmt;

use chrono::{DateTime, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

/// An instant: microseconds since 1970-01-01T00:00:00Z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time(pub i64);

impl Time {
    /// Marks an event without a timestamp (XES events may have none).
    pub const NONE: Time = Time(i64::MIN);

    /// Whether this is a real instant (not [`Time::NONE`]).
    pub fn is_some(self) -> bool {
        self != Time::NONE
    }
}

impl fmt::Display for Time {
    /// RFC 3339 in UTC, with as many fraction digits as the instant needs (0, 3 or 6).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.is_some() {
            return f.write_str("-");
        }
        let secs = self.0.div_euclid(1_000_000);
        let micros = self.0.rem_euclid(1_000_000);
        let Some(dt) = DateTime::from_timestamp(secs, 0) else {
            return write!(f, "@{}us", self.0);
        };
        write!(f, "{}", dt.format("%Y-%m-%dT%H:%M:%S"))?;
        if micros % 1000 != 0 {
            write!(f, ".{micros:06}")?;
        } else if micros != 0 {
            write!(f, ".{:03}", micros / 1000)?;
        }
        f.write_str("Z")
    }
}

/// Why a timestamp could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    /// The text was empty.
    #[error("the timestamp is empty")]
    Empty,
    /// No known layout matched.
    #[error("`{0}` is not a timestamp flowaudit knows; give its layout with --timestamp-format")]
    Unrecognised(String),
    /// The text fits more than one layout (day/month order unknown).
    #[error("`{0}` is ambiguous ({1}); give its layout with --timestamp-format")]
    Ambiguous(String, &'static str),
    /// A naive local time that the time zone repeats (daylight saving ends).
    #[error("`{0}` happens twice in {1} (daylight saving ends); write it with an offset")]
    RepeatedLocalTime(String, Tz),
    /// A naive local time that the time zone skips (daylight saving starts).
    #[error("`{0}` does not exist in {1} (daylight saving starts)")]
    SkippedLocalTime(String, Tz),
    /// Outside the years 1-9999.
    #[error("`{0}` is out of range")]
    OutOfRange(String),
}

/// Reads timestamps in the built-in layouts, or in one user-given strftime layout.
#[derive(Debug, Clone)]
pub struct TimeParser {
    zone: Tz,
    format: Option<String>,
}

impl TimeParser {
    /// A parser reading naive times in `zone`, with an optional strftime `format` tried first.
    pub fn new(zone: Tz, format: Option<String>) -> Self {
        TimeParser { zone, format }
    }

    /// The zone naive times are read in.
    pub fn zone(&self) -> Tz {
        self.zone
    }

    /// Parses one timestamp.
    pub fn parse(&mut self, text: &str) -> Result<Time, TimeError> {
        let t = text.trim();
        if t.is_empty() {
            return Err(TimeError::Empty);
        }
        if let Some(fmt) = &self.format {
            if let Ok(dt) = DateTime::parse_from_str(t, fmt) {
                return Ok(Time(dt.timestamp_micros()));
            }
            if let Ok(naive) = NaiveDateTime::parse_from_str(t, fmt) {
                return self.local(t, naive);
            }
            return Err(TimeError::Unrecognised(t.to_owned()));
        }
        if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
            return Ok(Time(dt.timestamp_micros()));
        }
        for layout in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f", "%Y/%m/%d %H:%M:%S%.f", "%Y-%m-%d %H:%M"] {
            if let Ok(naive) = NaiveDateTime::parse_from_str(t, layout) {
                return self.local(t, naive);
            }
        }
        Err(TimeError::Unrecognised(t.to_owned()))
    }

    fn local(&self, text: &str, naive: NaiveDateTime) -> Result<Time, TimeError> {
        match self.zone.from_local_datetime(&naive) {
            chrono::LocalResult::Single(dt) => Ok(Time(dt.timestamp_micros())),
            chrono::LocalResult::Ambiguous(..) => Err(TimeError::RepeatedLocalTime(text.to_owned(), self.zone)),
            chrono::LocalResult::None => Err(TimeError::SkippedLocalTime(text.to_owned(), self.zone)),
        }
    }
}

/// Looks up an IANA zone name such as `Asia/Shanghai` (case-insensitive).
pub fn parse_zone(name: &str) -> Result<Tz, String> {
    let exact = name.parse::<Tz>().ok();
    exact.or_else(|| chrono_tz::TZ_VARIANTS.iter().copied().find(|z| z.name().eq_ignore_ascii_case(name))).ok_or_else(
        || {
            format!(
                "`{name}` is not an IANA time zone; write it as Region/City, e.g. Asia/Shanghai or Europe/Amsterdam"
            )
        },
    )
}
