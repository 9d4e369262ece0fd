//! Timestamps: the UTC instant every event carries, and the parser that reads the layouts ticket
//! systems write.
//!
//! Owns [`Time`] (microseconds since the Unix epoch, UTC), [`TimeError`] and [`TimeParser`]. Text
//! with an offset (`Z`, `+08:00`) is read as written; naive text (no offset) is read in the
//! parser's IANA zone (UTC unless the user names one) and never shifted silently: a local time
//! that a daylight-saving change skips or repeats is an error, not a guess.
//!
//! Cost: the built-in layouts are read byte by byte ([`crate::log::time_layout`]: no allocation,
//! tens of nanoseconds); a naive time in a zone other than UTC costs one table look-up per call,
//! because the zone's offset is cached per local day (a day is cached only when its offset is the
//! same all day, so days with a daylight-saving change take chrono-tz's exact path). A
//! user-given `--timestamp-format` goes through chrono's parser, which is several times slower.

use std::fmt;

use chrono::format::{Fixed, Item, Numeric, Parsed, StrftimeItems};
use chrono::{DateTime, Datelike, LocalResult, NaiveDateTime, NaiveTime, Offset, TimeZone, Timelike};
use chrono_tz::Tz;

use crate::log::time_layout::{self, Scanned, Why};

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

/// Why a timestamp could not be read. Each variant holds the trimmed text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    /// The text was empty.
    #[error("the timestamp is empty")]
    Empty,
    /// No known layout matched (or the `--timestamp-format` did not). The message adds why when
    /// the built-in layouts can tell (`month 13 is not 1-12`).
    #[error("`{}` is not a timestamp flowaudit knows{}; give its layout with --timestamp-format", .0, hint(.0))]
    Unrecognised(String),
    /// The text fits more than one layout (day/month order unknown, two-digit year).
    #[error("`{0}` is ambiguous ({1}); give its layout with --timestamp-format")]
    Ambiguous(String, &'static str),
    /// A naive local time that the time zone repeats (daylight saving ends).
    #[error("`{0}` happens twice in {1} (daylight saving ends); write it with an offset")]
    RepeatedLocalTime(String, Tz),
    /// A naive local time that the time zone skips (daylight saving starts).
    #[error("`{0}` does not exist in {1} (daylight saving starts)")]
    SkippedLocalTime(String, Tz),
    /// Outside the years 1-9999.
    #[error("`{0}` is out of range (years 1-9999)")]
    OutOfRange(String),
}

/// The parenthesised reason the built-in layouts give for refusing `text`, if any.
fn hint(text: &str) -> String {
    match time_layout::scan(text) {
        Err(why @ (Why::NotEpoch | Why::Field(..) | Why::NoSuchDay { .. } | Why::Offset | Why::LongFraction)) => {
            format!(" ({why})")
        }
        _ => String::new(),
    }
}

/// Zones whose offset is zero at every instant: naive times in them need no look-up.
const UTC_NAMES: [&str; 18] = [
    "UTC",
    "Etc/UTC",
    "Etc/UCT",
    "UCT",
    "Universal",
    "Etc/Universal",
    "Zulu",
    "Etc/Zulu",
    "GMT",
    "Etc/GMT",
    "Etc/GMT+0",
    "Etc/GMT-0",
    "Etc/GMT0",
    "GMT+0",
    "GMT-0",
    "GMT0",
    "Greenwich",
    "Etc/Greenwich",
];

/// Cache slots for local days (a power of two; a month of days fits without collisions).
const SLOTS: usize = 64;
/// Picks a day's slot: the day number's low bits.
const SLOT_MASK: i64 = 63;
/// A slot's offset when its day has a daylight-saving (or other) change.
const MIXED: i32 = i32::MIN;
const MICROS_PER_DAY: i64 = 86_400_000_000;

/// A zone with a per-local-day offset cache: 64 direct-mapped slots, one per day number modulo 64.
#[derive(Debug, Clone)]
struct LocalDays {
    zone: Tz,
    /// Whether `zone` is UTC under any of its names.
    utc: bool,
    slots: [Slot; SLOTS],
}

impl LocalDays {
    fn new(zone: Tz) -> Self {
        let utc = UTC_NAMES.contains(&zone.name());
        LocalDays { zone, utc, slots: [Slot { day: i64::MIN, offset: MIXED }; SLOTS] }
    }

    /// The instant of a naive wall time (`wall` microseconds, read as if UTC) in the zone.
    fn instant(&mut self, text: &str, wall: i64) -> Result<Time, TimeError> {
        if self.utc {
            return Ok(Time(wall));
        }
        let day = wall.div_euclid(MICROS_PER_DAY);
        let slot = &mut self.slots[usize::try_from(day & SLOT_MASK).unwrap_or(0)];
        if slot.day != day {
            *slot = Slot { day, offset: uniform_offset(self.zone, day) };
        }
        if slot.offset != MIXED {
            return Ok(Time(wall - i64::from(slot.offset) * 1_000_000));
        }
        exact(self.zone, text, wall)
    }
}

/// One cached local day: its number (days since 1970-01-01) and the zone's offset that whole day
/// in seconds east of UTC, or [`MIXED`].
#[derive(Debug, Clone, Copy)]
struct Slot {
    day: i64,
    offset: i32,
}

/// Which layouts a parser tries.
#[derive(Debug, Clone)]
enum Layouts {
    /// The fast path's layouts ([`time_layout::scan`]).
    BuiltIn,
    /// Only the user's strftime layout, parsed once.
    Format(Vec<Item<'static>>),
    /// A user's layout chrono cannot read: every text is refused.
    BadFormat,
}

/// Reads timestamps in the built-in layouts, or in one user-given strftime layout.
///
/// Holds a small per-day offset cache (64 slots), hence `&mut self` in [`TimeParser::parse`]; make
/// one parser per reader thread.
#[derive(Debug, Clone)]
pub struct TimeParser {
    layouts: Layouts,
    local: LocalDays,
}

impl TimeParser {
    /// A parser reading naive times in `zone`; when `format` is given it is the only layout tried.
    ///
    /// Never fails: check the format first with [`check_format`] for a clear message; a format
    /// chrono cannot read refuses every text.
    pub fn new(zone: Tz, format: Option<String>) -> Self {
        let layouts = match format.map(|f| StrftimeItems::new(&f).parse_to_owned()) {
            None => Layouts::BuiltIn,
            Some(Ok(items)) => Layouts::Format(items),
            Some(Err(_)) => Layouts::BadFormat,
        };
        TimeParser { layouts, local: LocalDays::new(zone) }
    }

    /// The zone naive times are read in.
    pub fn zone(&self) -> Tz {
        self.local.zone
    }

    /// Parses one timestamp (surrounding whitespace is ignored).
    ///
    /// Built-in layouts: see [`crate::log::time_layout`]. O(n) in the text's length; a naive time
    /// outside UTC adds one cache probe, and on a day not seen recently 25 zone look-ups.
    ///
    /// ```
    /// use flowaudit::log::timestamp::{TimeError, TimeParser};
    /// let mut p = TimeParser::new(chrono_tz::Asia::Shanghai, None);
    /// assert_eq!(p.parse("2024-03-01 08:00:00").unwrap().to_string(), "2024-03-01T00:00:00Z");
    /// assert_eq!(p.parse(" 2024-03-01T08:00:00+08:00 ").unwrap().to_string(), "2024-03-01T00:00:00Z");
    /// assert!(matches!(p.parse("01/02/2024"), Err(TimeError::Ambiguous(..))));
    /// ```
    pub fn parse(&mut self, text: &str) -> Result<Time, TimeError> {
        let t = text.trim();
        if t.is_empty() {
            return Err(TimeError::Empty);
        }
        let items = match &self.layouts {
            Layouts::BuiltIn => return self.built_in(t),
            Layouts::Format(items) => items,
            Layouts::BadFormat => return Err(TimeError::Unrecognised(t.to_owned())),
        };
        with_format(&mut self.local, t, items)
    }

    /// The fast path: [`time_layout::scan`], then the zone for a naive time.
    fn built_in(&mut self, t: &str) -> Result<Time, TimeError> {
        match time_layout::scan(t) {
            Ok(Scanned::Instant(micros)) => Ok(Time(micros)),
            Ok(Scanned::Naive(wall)) => self.local.instant(t, wall),
            Err(Why::Ambiguous(order)) => Err(TimeError::Ambiguous(t.to_owned(), order.reason())),
            Err(Why::Year) => Err(TimeError::OutOfRange(t.to_owned())),
            Err(_) => Err(TimeError::Unrecognised(t.to_owned())),
        }
    }
}

/// Parses with the user's strftime items: an offset (`%z`) or epoch (`%s`) gives the instant, a
/// time without offset is read in the zone, a date alone is its midnight in the zone.
fn with_format(local: &mut LocalDays, t: &str, items: &[Item<'static>]) -> Result<Time, TimeError> {
    let unrecognised = || TimeError::Unrecognised(t.to_owned());
    let mut p = Parsed::new();
    chrono::format::parse(&mut p, t, items.iter()).map_err(|_| unrecognised())?;
    if p.offset().is_some() || p.timestamp().is_some() {
        if p.offset().is_none() {
            p.set_offset(0).map_err(|_| unrecognised())?; // %s is an epoch: UTC
        }
        let dt = p.to_datetime().map_err(|_| unrecognised())?;
        in_range(t, dt.year())?;
        return Ok(Time(micros_of(dt.naive_utc())));
    }
    let naive = if p.hour_mod_12().is_some() {
        p.to_naive_datetime_with_offset(0)
    } else {
        p.to_naive_date().map(|d| d.and_time(NaiveTime::MIN))
    };
    let naive = naive.map_err(|_| unrecognised())?;
    in_range(t, naive.year())?;
    let wall = micros_of(naive);
    local.instant(t, wall)
}

/// Refuses years outside 1-9999.
fn in_range(text: &str, year: i32) -> Result<(), TimeError> {
    if (1..=9999).contains(&year) { Ok(()) } else { Err(TimeError::OutOfRange(text.to_owned())) }
}

/// Microseconds since the epoch of a naive time read as UTC; a leap second (chrono's nanosecond
/// ≥ 1e9) is clamped to `:59.999999`, as the fast path does.
fn micros_of(naive: NaiveDateTime) -> i64 {
    let micros = i64::from(naive.nanosecond() / 1000).min(999_999);
    naive.and_utc().timestamp() * 1_000_000 + micros
}

/// The naive time at `wall` microseconds (read as UTC).
fn naive_at(wall: i64) -> Option<NaiveDateTime> {
    DateTime::from_timestamp_micros(wall).map(|dt| dt.naive_utc())
}

/// The zone's offset over local day `day` when it is one offset all day, else [`MIXED`].
///
/// Samples every local hour and the day's last microsecond: every one must map to a single
/// instant with the same offset. A change inside the day leaves a gap, a repeat or two different
/// offsets among the samples, unless the zone changed and changed back within one hour. No zone
/// does: in chrono-tz 0.10.4's data the closest two offset changes of any zone are 7 days apart
/// (checked by reading its generated tables), so even the two ends alone would do; the hourly
/// samples are a margin for future data. 25 look-ups, done once per day and slot.
fn uniform_offset(zone: Tz, day: i64) -> i32 {
    let start = day * MICROS_PER_DAY;
    let samples = (0..24).map(|h| start + h * 3_600_000_000).chain([start + MICROS_PER_DAY - 1]);
    let mut offset = None;
    for wall in samples {
        let Some(naive) = naive_at(wall) else { return MIXED };
        let LocalResult::Single(o) = zone.offset_from_local_datetime(&naive) else { return MIXED };
        let secs = o.fix().local_minus_utc();
        if offset.is_some_and(|x| x != secs) {
            return MIXED;
        }
        offset = Some(secs);
    }
    offset.unwrap_or(MIXED)
}

/// chrono-tz's exact answer for one naive wall time.
fn exact(zone: Tz, text: &str, wall: i64) -> Result<Time, TimeError> {
    let naive = naive_at(wall).ok_or_else(|| TimeError::OutOfRange(text.to_owned()))?;
    match zone.from_local_datetime(&naive) {
        LocalResult::Single(dt) => Ok(Time(micros_of(dt.naive_utc()))),
        LocalResult::Ambiguous(..) => Err(TimeError::RepeatedLocalTime(text.to_owned(), zone)),
        LocalResult::None => Err(TimeError::SkippedLocalTime(text.to_owned(), zone)),
    }
}

/// Checks a user's `--timestamp-format` (strftime, as chrono reads it) before any row is read.
///
/// Refuses a format chrono cannot parse, one without a full date (year with month and day, a
/// day of the year or an ISO week and weekday, or an epoch `%s`), an hour without minutes, a
/// 12-hour clock without AM/PM, and `%Z`, whose zone name chrono skips instead of reading.
/// O(n) in the format's length.
///
/// ```
/// use flowaudit::log::timestamp::check_format;
/// assert!(check_format("%d/%m/%Y %H:%M").is_ok());
/// assert!(check_format("%Y年%m月%d日").is_ok());
/// assert!(check_format("%H:%M:%S").unwrap_err().contains("no full date"));
/// ```
pub fn check_format(format: &str) -> Result<(), String> {
    let items: Vec<Item<'_>> = StrftimeItems::new(format).collect();
    if items.iter().any(|i| matches!(i, Item::Error)) {
        return Err(format!(
            "`{format}` is not a layout chrono understands; check each %-directive (e.g. %Y-%m-%d %H:%M:%S)"
        ));
    }
    let num = |n: Numeric| items.iter().any(|i| matches!(i, Item::Numeric(x, _) if *x == n));
    let fixed = |f: Fixed| items.iter().any(|i| matches!(i, Item::Fixed(x) if *x == f));
    if fixed(Fixed::TimezoneName) {
        return Err(format!(
            "`{format}` has %Z, a zone name chrono skips instead of reading; use %z for an offset such \
             as +08:00, or --timezone for times written without one"
        ));
    }
    let epoch = num(Numeric::Timestamp) || fixed(Fixed::RFC2822) || fixed(Fixed::RFC3339);
    let year = [Numeric::Year, Numeric::YearMod100, Numeric::IsoYear, Numeric::IsoYearMod100].into_iter().any(num);
    let month = num(Numeric::Month) || fixed(Fixed::ShortMonthName) || fixed(Fixed::LongMonthName);
    let week = [Numeric::WeekFromSun, Numeric::WeekFromMon, Numeric::IsoWeek].into_iter().any(num);
    let weekday = [Numeric::NumDaysFromSun, Numeric::WeekdayFromMon].into_iter().any(num)
        || fixed(Fixed::ShortWeekdayName)
        || fixed(Fixed::LongWeekdayName);
    let full_date = year && ((month && num(Numeric::Day)) || num(Numeric::Ordinal) || (week && weekday));
    if !epoch && !full_date {
        return Err(format!(
            "`{format}` has no full date; a timestamp layout needs the year, month and day (e.g. %Y-%m-%d), \
             a day of the year (%Y %j) or an epoch (%s)"
        ));
    }
    let hour = num(Numeric::Hour) || num(Numeric::Hour12);
    if hour != num(Numeric::Minute) {
        return Err(format!("`{format}` has an hour without minutes or minutes without an hour (%H:%M)"));
    }
    if num(Numeric::Hour12) && !fixed(Fixed::UpperAmPm) && !fixed(Fixed::LowerAmPm) {
        return Err(format!("`{format}` has a 12-hour clock (%I or %l) without AM/PM (%p)"));
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use chrono::{DateTime, NaiveDateTime, TimeZone};
    use chrono_tz::{America, Asia, Europe, Tz};
    use proptest::prelude::*;

    use super::{Time, TimeError, TimeParser, check_format, exact, parse_zone};

    fn utc() -> TimeParser {
        TimeParser::new(Tz::UTC, None)
    }

    /// `text` read by `p`, shown as RFC 3339 UTC.
    fn read(p: &mut TimeParser, text: &str) -> String {
        p.parse(text).map_or_else(|e| format!("error: {e}"), |t| t.to_string())
    }

    #[test]
    fn every_layout_in_utc() {
        let mut p = utc();
        let cases = [
            ("2024-03-01T08:05:09Z", "2024-03-01T08:05:09Z"),
            ("2024-03-01T16:05:09.123+08:00", "2024-03-01T08:05:09.123Z"),
            ("2024-03-01T16:05:09,123456+0800", "2024-03-01T08:05:09.123456Z"),
            ("2024-03-01 03:05:09 -05", "2024-03-01T08:05:09Z"),
            ("2024-03-01 08:05:09 UTC", "2024-03-01T08:05:09Z"),
            ("2024-03-01 08:05:09", "2024-03-01T08:05:09Z"),
            ("2024-03-01 08:05", "2024-03-01T08:05:00Z"),
            ("2012/10/09 14:50:17.000", "2012-10-09T14:50:17Z"),
            ("2024-3-1 8:05", "2024-03-01T08:05:00Z"),
            ("2024年3月1日 8:05:09", "2024-03-01T08:05:09Z"),
            ("2024年3月1日", "2024-03-01T00:00:00Z"),
            ("2024-03-01", "2024-03-01T00:00:00Z"),
            ("1709280309", "2024-03-01T08:05:09Z"),
            ("1709280309123", "2024-03-01T08:05:09.123Z"),
            ("1709280309123456", "2024-03-01T08:05:09.123456Z"),
            ("  2024-03-01 08:05:09\t", "2024-03-01T08:05:09Z"),
            ("2016-12-31 23:59:60", "2016-12-31T23:59:59.999999Z"),
        ];
        for (text, want) in cases {
            assert_eq!(read(&mut p, text), want, "{text}");
        }
    }

    #[test]
    fn naive_times_take_the_zone_and_offsets_do_not() {
        let mut p = TimeParser::new(Asia::Shanghai, None);
        assert_eq!(p.zone(), Asia::Shanghai);
        assert_eq!(read(&mut p, "2024-03-01 08:05:09"), "2024-03-01T00:05:09Z");
        assert_eq!(read(&mut p, "2024-03-01"), "2024-02-29T16:00:00Z");
        assert_eq!(read(&mut p, "2024-03-01T08:05:09Z"), "2024-03-01T08:05:09Z");
        assert_eq!(read(&mut p, "2024-03-01T08:05:09+01:00"), "2024-03-01T07:05:09Z");
        assert_eq!(read(&mut p, "1709280309"), "2024-03-01T08:05:09Z");
        let mut a = TimeParser::new(Europe::Amsterdam, None);
        assert_eq!(read(&mut a, "2024-01-15 12:00"), "2024-01-15T11:00:00Z");
        assert_eq!(read(&mut a, "2024-07-15 12:00"), "2024-07-15T10:00:00Z");
    }

    #[test]
    fn daylight_saving_gaps_and_repeats_are_errors() {
        let cases = [
            (Europe::Amsterdam, "2024-03-31 02:30", "2024-10-27 02:30", "2024-03-31 03:00", "2024-03-31T01:00:00Z"),
            (America::New_York, "2024-03-10 02:30", "2024-11-03 01:30", "2024-11-03 02:00", "2024-11-03T07:00:00Z"),
            (Asia::Shanghai, "1988-04-17 02:30:00", "1988-09-11 01:30:00", "1988-09-11 02:00", "1988-09-10T18:00:00Z"),
        ];
        for (zone, skipped, repeated, after, after_utc) in cases {
            let mut p = TimeParser::new(zone, None);
            assert_eq!(p.parse(skipped), Err(TimeError::SkippedLocalTime(skipped.into(), zone)));
            assert_eq!(p.parse(repeated), Err(TimeError::RepeatedLocalTime(repeated.into(), zone)));
            assert_eq!(read(&mut p, after), after_utc, "{zone}");
        }
        let mut p = TimeParser::new(Asia::Shanghai, None);
        assert_eq!(read(&mut p, "1988-04-17 01:59:59.999999"), "1988-04-16T17:59:59.999999Z");
        assert_eq!(read(&mut p, "1988-04-17 03:00"), "1988-04-16T18:00:00Z");
        assert_eq!(read(&mut p, "1988-07-01 12:00"), "1988-07-01T03:00:00Z"); // +09:00 in summer 1988
        assert_eq!(read(&mut p, "1988-04-17T02:30:00+09:00"), "1988-04-16T17:30:00Z"); // an offset settles it
        // A date alone is its local midnight, which São Paulo skipped on 2018-11-04.
        let mut p = TimeParser::new(America::Sao_Paulo, None);
        assert_eq!(p.parse("2018-11-04"), Err(TimeError::SkippedLocalTime("2018-11-04".into(), America::Sao_Paulo)));
        assert_eq!(read(&mut p, "2018-11-05"), "2018-11-05T02:00:00Z");
    }

    /// The per-day cache gives chrono-tz's exact answer for every local time, in order and
    /// shuffled, across daylight-saving days.
    #[test]
    fn cached_offsets_agree_with_chrono_tz() {
        for (zone, year) in [(Europe::Amsterdam, 2024), (America::New_York, 2024), (Asia::Shanghai, 1988)] {
            let start = DateTime::parse_from_rfc3339(&format!("{year}-01-01T00:00:00Z")).unwrap().timestamp_micros();
            let walls: Vec<i64> = (0..(366 * 24 * 60 / 7)).map(|k| start + k * 7 * 60_000_000 + k % 1000).collect();
            let mut shuffled = walls.clone();
            let mut x = 0x9E37_79B9_7F4A_7C15_u64;
            for i in (1..shuffled.len()).rev() {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                shuffled.swap(i, usize::try_from(x % (i as u64 + 1)).unwrap());
            }
            let mut p = TimeParser::new(zone, None);
            for wall in walls.iter().chain(&shuffled) {
                let text = DateTime::from_timestamp_micros(*wall).unwrap().format("%Y-%m-%d %H:%M:%S%.6f").to_string();
                assert_eq!(p.parse(&text), exact(zone, &text, *wall), "{zone} {text}");
            }
        }
    }

    #[test]
    fn error_messages() {
        let mut p = utc();
        let cases = [
            ("", "the timestamp is empty"),
            ("   ", "the timestamp is empty"),
            ("yesterday", "`yesterday` is not a timestamp flowaudit knows; give its layout with --timestamp-format"),
            (
                "20240301",
                "`20240301` is not a timestamp flowaudit knows (a number, but not epoch seconds or milliseconds); \
                 give its layout with --timestamp-format",
            ),
            (
                "2024-13-01",
                "`2024-13-01` is not a timestamp flowaudit knows (month 13 is not 1-12); give its layout with \
                 --timestamp-format",
            ),
            (
                "2023-02-29 10:00",
                "`2023-02-29 10:00` is not a timestamp flowaudit knows (2023-02 has no day 29); give its layout with \
                 --timestamp-format",
            ),
            (
                "2024-03-01 24:00:00",
                "`2024-03-01 24:00:00` is not a timestamp flowaudit knows (hour 24 is not 0-23); give its layout \
                 with --timestamp-format",
            ),
            (
                "2024-03-01T10:00+24:00",
                "`2024-03-01T10:00+24:00` is not a timestamp flowaudit knows (an offset is at most ±23:59); give its \
                 layout with --timestamp-format",
            ),
            (
                "2024-03-01T10:00:00.1234567890Z",
                "`2024-03-01T10:00:00.1234567890Z` is not a timestamp flowaudit knows (more than 9 fraction digits); \
                 give its layout with --timestamp-format",
            ),
            (
                " 01/02/2024 ",
                "`01/02/2024` is ambiguous (day/month order unknown); give its layout with --timestamp-format",
            ),
            (
                "24-03-01 10:00",
                "`24-03-01 10:00` is ambiguous (two-digit year, field order unknown); give its layout with \
                 --timestamp-format",
            ),
            ("0000-01-01", "`0000-01-01` is out of range (years 1-9999)"),
        ];
        for (text, want) in cases {
            assert_eq!(p.parse(text).unwrap_err().to_string(), want, "{text}");
        }
        let mut a = TimeParser::new(Europe::Amsterdam, None);
        assert_eq!(
            a.parse("2024-03-31 02:30").unwrap_err().to_string(),
            "`2024-03-31 02:30` does not exist in Europe/Amsterdam (daylight saving starts)"
        );
        assert_eq!(
            a.parse("2024-10-27 02:30").unwrap_err().to_string(),
            "`2024-10-27 02:30` happens twice in Europe/Amsterdam (daylight saving ends); write it with an offset"
        );
    }

    #[test]
    fn format_is_tried_alone() {
        let mut p = TimeParser::new(Asia::Shanghai, Some("%d/%m/%Y %H:%M".into()));
        assert_eq!(read(&mut p, "01/02/2024 08:30"), "2024-02-01T00:30:00Z");
        assert!(matches!(p.parse("2024-02-01 08:30"), Err(TimeError::Unrecognised(_))));
        let mut p = TimeParser::new(Asia::Shanghai, Some("%d/%m/%Y %H:%M:%S%.f %z".into()));
        assert_eq!(read(&mut p, "01/02/2024 08:30:00.25 +0100"), "2024-02-01T07:30:00.250Z");
        let mut p = TimeParser::new(Asia::Shanghai, Some("%Y年%m月%d日".into()));
        assert_eq!(read(&mut p, "2024年02月01日"), "2024-01-31T16:00:00Z");
        let mut p = TimeParser::new(Asia::Shanghai, Some("%s".into()));
        assert_eq!(read(&mut p, "1709280309"), "2024-03-01T08:05:09Z");
        let mut p = TimeParser::new(Asia::Shanghai, Some("%m/%d/%y %I:%M %p".into()));
        assert_eq!(read(&mut p, "02/01/24 08:30 PM"), "2024-02-01T12:30:00Z");
        let mut p = TimeParser::new(Europe::Amsterdam, Some("%d.%m.%Y %H:%M".into()));
        let gap = "31.03.2024 02:30";
        assert_eq!(p.parse(gap), Err(TimeError::SkippedLocalTime(gap.into(), Europe::Amsterdam)));
        assert_eq!(p.parse("31.02.2024 02:30"), Err(TimeError::Unrecognised("31.02.2024 02:30".into())));
        let mut p = TimeParser::new(Tz::UTC, Some("%Y-%m-%d %H:%M:%S".into()));
        assert_eq!(read(&mut p, "2016-12-31 23:59:60"), "2016-12-31T23:59:59.999999Z");
        let mut p = TimeParser::new(Tz::UTC, Some("%s".into()));
        assert_eq!(p.parse("253402300800"), Err(TimeError::OutOfRange("253402300800".into()))); // year 10000
        let mut p = TimeParser::new(Tz::UTC, Some("%Y-%m-%d %Q".into()));
        assert!(matches!(p.parse("2024-03-01 x"), Err(TimeError::Unrecognised(_))));
    }

    #[test]
    fn formats_are_checked() {
        for ok in [
            "%Y-%m-%d %H:%M:%S%.f",
            "%d/%m/%Y %H:%M",
            "%Y年%m月%d日",
            "%s",
            "%F %T %z",
            "%Y %j",
            "%m/%d/%y %I:%M %p",
            "%+",
            "%c",
        ] {
            assert_eq!(check_format(ok), Ok(()), "{ok}");
        }
        let errors = [
            (
                "%Y-%m-%d %Q",
                "`%Y-%m-%d %Q` is not a layout chrono understands; check each %-directive (e.g. %Y-%m-%d %H:%M:%S)",
            ),
            (
                "%H:%M:%S",
                "`%H:%M:%S` has no full date; a timestamp layout needs the year, month and day (e.g. %Y-%m-%d), a day \
                 of the year (%Y %j) or an epoch (%s)",
            ),
            (
                "%m/%d %H:%M",
                "`%m/%d %H:%M` has no full date; a timestamp layout needs the year, month and day (e.g. %Y-%m-%d), a day of the year (%Y %j) or an epoch (%s)",
            ),
            (
                "%Y-%m-%d %H:%M %Z",
                "`%Y-%m-%d %H:%M %Z` has %Z, a zone name chrono skips instead of reading; use %z for an offset such \
                 as +08:00, or --timezone for times written without one",
            ),
            ("%Y-%m-%d %H", "`%Y-%m-%d %H` has an hour without minutes or minutes without an hour (%H:%M)"),
            ("%Y-%m-%d %I:%M", "`%Y-%m-%d %I:%M` has a 12-hour clock (%I or %l) without AM/PM (%p)"),
        ];
        for (format, want) in errors {
            assert_eq!(check_format(format).unwrap_err(), want, "{format}");
        }
    }

    #[test]
    fn display_round_trips() {
        let mut p = utc();
        for micros in [0, 1, 1_000, 123_456_789, -1, -86_400_000_000, 253_402_300_799_999_999, -62_135_596_800_000_000]
        {
            let t = Time(micros);
            assert_eq!(p.parse(&t.to_string()), Ok(t), "{t}");
        }
        assert_eq!(Time(1_500).to_string(), "1970-01-01T00:00:00.001500Z");
        assert_eq!(Time(1_000).to_string(), "1970-01-01T00:00:00.001Z");
        assert_eq!(Time::NONE.to_string(), "-");
        assert!(!Time::NONE.is_some());
    }

    #[test]
    fn zones_by_name() {
        assert_eq!(parse_zone("asia/shanghai"), Ok(Asia::Shanghai));
        assert_eq!(parse_zone("Europe/Amsterdam"), Ok(Europe::Amsterdam));
        assert!(parse_zone("Mars/Olympus").unwrap_err().contains("not an IANA time zone"));
    }

    /// Every zone the parser treats as UTC without a look-up really has offset zero.
    #[test]
    fn utc_aliases_have_offset_zero() {
        for name in super::UTC_NAMES {
            let zone: Tz = name.parse().unwrap();
            let mut p = TimeParser::new(zone, None);
            assert!(p.local.utc, "{name}");
            for text in ["1900-01-01 00:00", "1970-06-01 12:00", "2024-03-31 02:30"] {
                let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap();
                let want = zone.from_local_datetime(&naive).unwrap().timestamp_micros();
                assert_eq!(p.parse(text), Ok(Time(want)), "{name} {text}");
            }
        }
    }

    /// A valid datetime and the pieces to write it: (y, mo, d, h, mi, s, fraction digits).
    fn datetime() -> impl Strategy<Value = (i32, u32, u32, u32, u32, u32, String)> {
        (1900..=2100_i32, 1..=12_u32, 1..=31_u32, 0..24_u32, 0..60_u32, 0..60_u32, "[0-9]{0,9}")
            .prop_filter("a real day", |(y, mo, d, ..)| chrono::NaiveDate::from_ymd_opt(*y, *mo, *d).is_some())
    }

    fn fraction(digits: &str) -> String {
        if digits.is_empty() { String::new() } else { format!(".{digits}") }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn rfc3339_matches_chrono(
            (y, mo, d, h, mi, s, frac) in datetime(),
            offset in -1439..=1439_i32,
            zulu in any::<bool>(),
            sep in prop::sample::select(vec!['T', 't', ' ']),
        ) {
            let zone = if zulu {
                "Z".to_owned()
            } else {
                let sign = if offset < 0 { '-' } else { '+' };
                format!("{sign}{:02}:{:02}", offset.abs() / 60, offset.abs() % 60)
            };
            let text = format!("{y:04}-{mo:02}-{d:02}{sep}{h:02}:{mi:02}:{s:02}{}{zone}", fraction(&frac));
            let want = DateTime::parse_from_rfc3339(&text).unwrap().timestamp_micros();
            prop_assert_eq!(utc().parse(&text), Ok(Time(want)), "{}", text);
        }

        /// Naive times in several layouts and zones, many per parser so the day cache is
        /// exercised (slot collisions included): the same as chrono's parse plus chrono-tz.
        #[test]
        fn naive_matches_chrono_and_chrono_tz(
            zone in prop::sample::select(vec![Tz::UTC, Asia::Shanghai, Europe::Amsterdam, America::New_York]),
            times in prop::collection::vec((datetime(), 0..4_usize, any::<bool>()), 1..40),
        ) {
            let mut p = TimeParser::new(zone, None);
            for ((y, mo, d, h, mi, s, frac), layout, pad) in times {
                let (ymd, chrono_format) = match layout {
                    0 => (format!("{y:04}-{mo:02}-{d:02}"), "%Y-%m-%d %H:%M:%S%.f"),
                    1 => (format!("{y:04}/{mo}/{d}"), "%Y/%m/%d %H:%M:%S%.f"),
                    2 => (format!("{y:04}年{mo}月{d}日"), "%Y年%m月%d日 %H:%M:%S%.f"),
                    _ => (format!("{y:04}-{mo}-{d}"), "%Y-%m-%d %H:%M:%S%.f"),
                };
                let hour = if pad { format!("{h:02}") } else { h.to_string() };
                let text = format!("{ymd} {hour}:{mi:02}:{s:02}{}", fraction(&frac));
                let naive = NaiveDateTime::parse_from_str(&text, chrono_format).unwrap();
                let want = match zone.from_local_datetime(&naive) {
                    chrono::LocalResult::Single(dt) => Ok(Time(dt.timestamp_micros())),
                    chrono::LocalResult::Ambiguous(..) => Err(TimeError::RepeatedLocalTime(text.clone(), zone)),
                    chrono::LocalResult::None => Err(TimeError::SkippedLocalTime(text.clone(), zone)),
                };
                prop_assert_eq!(p.parse(&text), want, "{}", text);
            }
        }

        #[test]
        fn display_round_trips_any_instant(micros in -62_135_596_800_000_000..=253_402_300_799_999_999_i64) {
            prop_assert_eq!(utc().parse(&Time(micros).to_string()), Ok(Time(micros)));
        }

        #[test]
        fn never_panics_on_any_text(text in "\\PC*") {
            let mut p = TimeParser::new(Europe::Amsterdam, None);
            if let Err(e) = p.parse(&text) {
                let _ = e.to_string();
            }
        }

        #[test]
        fn never_panics_on_timestamp_like_text(text in "[0-9:/. TtZz+,年月日U-]{0,40}") {
            let mut p = TimeParser::new(America::New_York, None);
            if let Err(e) = p.parse(&text) {
                let _ = e.to_string();
            }
        }

        #[test]
        fn never_panics_on_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
            let text = String::from_utf8_lossy(&bytes);
            let mut p = TimeParser::new(Asia::Shanghai, Some("%d/%m/%Y %H:%M".into()));
            let _ = p.parse(&text).map_err(|e| e.to_string());
            let mut p = utc();
            let _ = p.parse(&text).map_err(|e| e.to_string());
        }
    }
}
