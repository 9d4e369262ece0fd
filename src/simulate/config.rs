//! The resolved settings of one simulation run, and every error a simulation can end with.
//!
//! Owns [`SimConfig`] (built from raw text and numbers by [`SimConfig::new`], which checks them
//! all before any work starts), [`Month`] (a `YYYY-MM` local month in Asia/Shanghai) and
//! [`SimError`]. Resolution costs O(days of the month) for the time-zone check; nothing else.

use std::fmt;
use std::io;

use chrono::{NaiveDate, Offset, TimeZone};
use chrono_tz::Asia::Shanghai;
use thiserror::Error;

/// The UTC offset every simulated timestamp carries: Asia/Shanghai, UTC+08:00, in seconds.
pub const SHANGHAI_OFFSET_SECONDS: i32 = 8 * 3600;

/// Largest share of tickets that can get a deviation.
const MAX_NOISE: f64 = 1.0;

/// Why a simulation could not be set up or could not write its log.
#[derive(Debug, Error)]
pub enum SimError {
    /// The noise share is not a number from 0 to 1.
    #[error(
        "the noise share must be a number from 0 to 1, got {0}: it is the share of tickets that get \
         one deviation (0.1 = 10 %)"
    )]
    InvalidNoise(f64),
    /// Zero tickets were asked for.
    #[error("the number of cases must be at least 1: ask for the tickets to simulate, e.g. 1000")]
    NoCases,
    /// The month is not written `YYYY-MM`, or the month number is not 1-12.
    #[error("`{0}` is not a month: write it as YYYY-MM, e.g. 2026-10 (months 01 to 12)")]
    InvalidMonth(String),
    /// The month lies outside the years timestamps are written for.
    #[error(
        "month {0} is out of range: Asia/Shanghai has been UTC+08:00 without daylight saving only \
         since 1992, and four-digit years end at 9998; pick a month from 1992-01 to 9998-12"
    )]
    MonthOutOfRange(String),
    /// The touchpoint map sends no ticket to a service process of the library.
    #[error(
        "the touchpoint map sends no ticket to a service process of the library: map touchpoints to \
         processes with `process: <id>` (`flowaudit map` shows the map)"
    )]
    NoTouchpoints,
    /// The process has no step to simulate.
    #[error("process `{0}` has no steps to simulate")]
    EmptyProcess(String),
    /// Writing the log failed.
    #[error("cannot write the simulated log: {0}")]
    Io(#[from] io::Error),
}

impl From<csv::Error> for SimError {
    fn from(e: csv::Error) -> Self {
        match e.into_kind() {
            csv::ErrorKind::Io(e) => SimError::Io(e),
            other => SimError::Io(io::Error::other(format!("{other:?}"))),
        }
    }
}

/// A calendar month, read as local time in Asia/Shanghai (UTC+08:00 throughout).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    /// The year, 1992 to 9998.
    pub year: i32,
    /// The month, 1 to 12.
    pub month: u32,
}

impl Month {
    /// Parses `YYYY-MM` (exactly four digits, a dash, two digits).
    ///
    /// # Example
    /// ```
    /// use flowaudit::simulate::config::Month;
    /// assert_eq!(Month::parse("2026-10").unwrap().days(), 31);
    /// assert!(Month::parse("2026-13").is_err());
    /// assert!(Month::parse("2026-1").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Month, SimError> {
        let bad = || SimError::InvalidMonth(text.to_owned());
        let b = text.as_bytes();
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        if b.len() != 7 || b[4] != b'-' || !digits(0..4) || !digits(5..7) {
            return Err(bad());
        }
        let year: i32 = text[..4].parse().map_err(|_| bad())?;
        let month: u32 = text[5..].parse().map_err(|_| bad())?;
        if !(1..=12).contains(&month) {
            return Err(bad());
        }
        if !(1992..=9998).contains(&year) {
            return Err(SimError::MonthOutOfRange(text.to_owned()));
        }
        let m = Month { year, month };
        // The writer prints a fixed +08:00: make sure the zone database agrees for every day.
        for day in 1..=m.days() {
            let noon =
                NaiveDate::from_ymd_opt(year, month, day).and_then(|d| d.and_hms_opt(12, 0, 0)).ok_or_else(bad)?;
            if Shanghai.offset_from_utc_datetime(&noon).fix().local_minus_utc() != SHANGHAI_OFFSET_SECONDS {
                return Err(SimError::MonthOutOfRange(text.to_owned()));
            }
        }
        Ok(m)
    }

    /// The first day of the month.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// How many days the month has (28 to 31).
    pub fn days(self) -> u32 {
        let next = if self.month == 12 {
            NaiveDate::from_ymd_opt(self.year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(self.year, self.month + 1, 1)
        };
        next.map_or(30, |n| u32::try_from((n - self.first_day()).num_days()).unwrap_or(30))
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// What to simulate: checked settings, built before work starts.
#[derive(Debug, Clone, PartialEq)]
pub struct SimConfig {
    /// How many tickets to write (at least 1).
    pub cases: u64,
    /// The seed: the same seed and settings give the same bytes.
    pub seed: u64,
    /// The share of tickets (0 to 1) that get exactly one recorded deviation.
    pub noise: f64,
    /// The month tickets arrive in.
    pub month: Month,
}

impl SimConfig {
    /// Checks the raw settings: `cases` at least 1, `noise` from 0 to 1, `month` a valid `YYYY-MM`.
    ///
    /// # Example
    /// ```
    /// use flowaudit::simulate::config::SimConfig;
    /// let cfg = SimConfig::new(1000, 7, 0.1, "2026-10").unwrap();
    /// assert_eq!(cfg.month.to_string(), "2026-10");
    /// assert!(SimConfig::new(1000, 7, 2.0, "2026-10").is_err());
    /// assert!(SimConfig::new(0, 7, 0.0, "2026-10").is_err());
    /// ```
    pub fn new(cases: u64, seed: u64, noise: f64, month: &str) -> Result<SimConfig, SimError> {
        if !(0.0..=MAX_NOISE).contains(&noise) {
            return Err(SimError::InvalidNoise(noise));
        }
        if cases == 0 {
            return Err(SimError::NoCases);
        }
        Ok(SimConfig { cases, seed, noise, month: Month::parse(month)? })
    }
}

#[cfg(test)]
mod tests {
    use crate::simulate::config::{Month, SimConfig, SimError};

    #[test]
    fn months_parse_strictly() {
        assert_eq!(Month::parse("2026-02").unwrap().days(), 28);
        assert_eq!(Month::parse("2028-02").unwrap().days(), 29);
        assert_eq!(Month::parse("2026-12").unwrap().days(), 31);
        for bad in ["2026-13", "2026-00", "2026-1", "26-10", "2026/10", "２０２６-10", "2026-10-01", ""] {
            assert!(matches!(Month::parse(bad), Err(SimError::InvalidMonth(_))), "{bad}");
        }
        // Shanghai kept daylight saving time until 1991.
        assert!(matches!(Month::parse("1988-07"), Err(SimError::MonthOutOfRange(_))));
        assert!(matches!(Month::parse("9999-12"), Err(SimError::MonthOutOfRange(_))));
    }

    #[test]
    fn settings_are_checked() {
        assert!(matches!(SimConfig::new(10, 1, -0.1, "2026-10"), Err(SimError::InvalidNoise(_))));
        assert!(matches!(SimConfig::new(10, 1, f64::NAN, "2026-10"), Err(SimError::InvalidNoise(_))));
        assert!(matches!(SimConfig::new(0, 1, 0.5, "2026-10"), Err(SimError::NoCases)));
        assert!(SimConfig::new(10, 1, 1.0, "2026-10").is_ok());
        let msg = SimConfig::new(10, 1, 2.0, "2026-10").unwrap_err().to_string();
        assert!(msg.contains("from 0 to 1"), "{msg}");
    }
}
