//! The byte-level timestamp layouts: the fast path under [`TimeParser`].
//!
//! Owns [`scan`], which reads the layouts ticket systems write into a [`Scanned`] value in one
//! pass over the bytes (O(n) in the text's length, no allocation, no zone lookup), the reasons a
//! text is refused ([`Why`]), and the calendar arithmetic ([`days_from_civil`]). Applying a time
//! zone to a naive time is not its business: [`TimeParser`] does that, with a cache.
//!
//! The layouts (text already trimmed):
//!
//! - `YYYY-MM-DD`, then `T` or one space, `HH:MM`, optional `:SS`, optional fraction `.f` to
//!   `.fffffffff` (or `,f`; microseconds are kept, further digits truncated), optional offset `Z`,
//!   `+HH:MM`, `+HHMM`, `+HH`, `-...` or `UTC`, optionally after one space. `/` or `.` may
//!   replace `-` in the date, the same one twice (`2012/10/09 14:50:17.000`), and the Chinese
//!   `2024年3月1日 8:05:09` is read too (`日` optional; the space after it too).
//! - The date alone (`2024-03-01`): midnight.
//! - Epoch numbers: 9-11 integer digits are seconds, 12-14 milliseconds, 15-17 microseconds,
//!   optionally with a fraction (`1709287509.123`). Other all-digit texts (`20240301`) are refused.
//!
//! Rules:
//!
//! - **Single digits** are accepted for month, day and hour (`2024-3-1 8:05`) because the year
//!   comes first and fixes the order. Minutes and seconds always have two digits.
//! - **Ambiguity**: a date whose first two fields have one or two digits and whose year comes last
//!   (`01/02/2024`, `1/2/2024 10:00`, `01-02-2024`, `01.02.2024`) is [`Why::Ambiguous`] (day/month
//!   order unknown), and so is any date with a two-digit year (`24-03-01`, `01/02/24`). Never
//!   decided row by row, not even for `13/02/2024`: a log is written in one order, and reading the
//!   rows that happen to fit would hide the problem. A `--timestamp-format` settles it.
//! - **Leap seconds**: second 60 is accepted and clamped to `:59.999999` of the same minute, so the
//!   event keeps its place before the next minute's events. (chrono's `timestamp_micros` puts it
//!   at the first second of the next minute; the fast path deliberately does not.)
//! - **Ranges**: years 1-9999, months 1-12, days within the month (leap years by the Gregorian
//!   rule), hours 0-23 (`24:00` is refused), minutes 0-59, offsets up to ±23:59.
//!
//! [`TimeParser`]: crate::log::timestamp::TimeParser

use std::fmt;

/// A calendar date and wall-clock time as written, without a zone (fields as read, checked by
/// [`check_time`] and [`check_date`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Civil {
    year: i32,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
    micro: u32,
}

impl Civil {
    #[inline]
    fn days(&self) -> i64 {
        days_from_civil(self.year, self.month, self.day)
    }

    /// Microseconds since the epoch of this wall time read as if it were UTC. O(1).
    #[inline]
    fn wall_micros(&self) -> i64 {
        let secs =
            self.days() * 86_400 + i64::from(self.hour) * 3600 + i64::from(self.minute) * 60 + i64::from(self.second);
        secs * 1_000_000 + i64::from(self.micro)
    }
}

/// What [`scan`] read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scanned {
    /// An instant (microseconds since the epoch, UTC): the text had an offset or was an epoch.
    Instant(i64),
    /// A naive date and time, to be read in the parser's zone: microseconds since the epoch of
    /// its wall time read as if it were UTC (`2024-03-01 08:00` gives 2024-03-01T08:00:00Z).
    /// (A number, not the fields: the caller needs nothing else, and a struct of bytes copied
    /// out of the scanner cost a store-forwarding stall per timestamp.)
    Naive(i64),
}

/// Why [`scan`] refused a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// No layout has this shape.
    Shape,
    /// All digits, but not of an epoch length.
    NotEpoch,
    /// The text fits a layout whose field order is unknown.
    Ambiguous(Order),
    /// A time field or the month outside its range, and its value.
    Field(Field, u8),
    /// A day the month does not have.
    NoSuchDay {
        /// The year.
        year: i32,
        /// The month, 1-12.
        month: u8,
        /// The day as written.
        day: u8,
    },
    /// Year 0.
    Year,
    /// An offset beyond ±23:59.
    Offset,
    /// More than nine fraction digits.
    LongFraction,
}

impl fmt::Display for Why {
    /// A short hint for an error message; empty for [`Why::Shape`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Why::Shape => Ok(()),
            Why::NotEpoch => f.write_str("a number, but not epoch seconds or milliseconds"),
            Why::Ambiguous(order) => f.write_str(order.reason()),
            Why::Field(field, value) => {
                let (name, range) = match field {
                    Field::Month => ("month", "1-12"),
                    Field::Hour => ("hour", "0-23"),
                    Field::Minute => ("minute", "0-59"),
                    Field::Second => ("second", "0-60"),
                };
                write!(f, "{name} {value} is not {range}")
            }
            Why::NoSuchDay { year, month, day } => write!(f, "{year:04}-{month:02} has no day {day}"),
            Why::Year => f.write_str("years run from 1 to 9999"),
            Why::Offset => f.write_str("an offset is at most ±23:59"),
            Why::LongFraction => f.write_str("more than 9 fraction digits"),
        }
    }
}

/// A field [`Why::Field`] found out of range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// 1-12.
    Month,
    /// 0-23.
    Hour,
    /// 0-59.
    Minute,
    /// 0-60 (60 is a leap second).
    Second,
}

/// Why the order of a date's fields is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// `01/02/2024`: day first or month first.
    DayMonth,
    /// `24-03-01`, `01/02/24`: which field is the year.
    TwoDigitYear,
}

impl Order {
    /// The reason, as [`TimeError::Ambiguous`] shows it.
    ///
    /// [`TimeError::Ambiguous`]: crate::log::timestamp::TimeError::Ambiguous
    pub fn reason(self) -> &'static str {
        match self {
            Order::DayMonth => "day/month order unknown",
            Order::TwoDigitYear => "two-digit year, field order unknown",
        }
    }
}

const NIAN: &[u8] = "年".as_bytes();
const YUE: &[u8] = "月".as_bytes();
const RI: &[u8] = "日".as_bytes();

/// Reads one trimmed timestamp text in the built-in layouts (see the module docs).
///
/// Returns the instant when the text carries an offset or is an epoch number, else the naive
/// date and time. O(n) in the length of `text`, no allocation.
///
/// ```
/// use flowaudit::log::time_layout::{scan, Scanned, Why};
/// assert_eq!(scan("2024-03-01T00:00:00Z"), Ok(Scanned::Instant(1_709_251_200_000_000)));
/// assert_eq!(scan("2024-3-1 8:05"), Ok(Scanned::Naive(1_709_280_300_000_000)));
/// assert_eq!(scan("20240301"), Err(Why::NotEpoch));
/// ```
pub fn scan(text: &str) -> Result<Scanned, Why> {
    let b = text.as_bytes();
    let mut c = Cursor { b, i: 0 };
    let (date, order) = if let Some(date) = iso_date(b) {
        c.i = 10;
        (date, None)
    } else {
        // A number: digits and at most one dot (`01.02.2024` falls through to the dates).
        let number = || b.iter().all(|&c| c.is_ascii_digit() || c == b'.');
        let one_dot = || b.iter().position(|&c| c == b'.') == b.iter().rposition(|&c| c == b'.');
        if b.first().is_some_and(u8::is_ascii_digit) && number() && one_dot() {
            return epoch(b);
        }
        date(&mut c)?
    };
    let (mut civil, offset) = if c.done() { (date, None) } else { time(&mut c, date)? };
    if !c.done() {
        return Err(Why::Shape);
    }
    check_time(&mut civil)?;
    if let Some(order) = order {
        return Err(Why::Ambiguous(order));
    }
    check_date(&civil)?;
    match offset {
        None => Ok(Scanned::Naive(civil.wall_micros())),
        Some(secs) => Ok(Scanned::Instant(civil.wall_micros() - i64::from(secs) * 1_000_000)),
    }
}

/// An all-digit text with an optional `.fraction`: epoch seconds, milliseconds or microseconds.
fn epoch(b: &[u8]) -> Result<Scanned, Why> {
    let int_len = b.iter().position(|&c| c == b'.').unwrap_or(b.len());
    let (int, frac) = (&b[..int_len], b.get(int_len + 1..).unwrap_or_default());
    if int_len < b.len() && frac.is_empty() {
        return Err(Why::Shape);
    }
    if frac.len() > 9 {
        return Err(Why::LongFraction);
    }
    // (unit in microseconds, how many fraction digits are below a microsecond)
    let (unit, kept) = match int_len {
        9..=11 => (1_000_000, 6),
        12..=14 => (1_000, 3),
        15..=17 => (1, 0),
        _ => return Err(Why::NotEpoch),
    };
    let whole = int.iter().fold(0_i64, |n, &d| n * 10 + i64::from(d - b'0'));
    let mut part = 0_i64;
    for k in 0..kept {
        part = part * 10 + frac.get(k).map_or(0, |&d| i64::from(d - b'0'));
    }
    Ok(Scanned::Instant(whole * unit + part))
}

/// The common date by position: `YYYY-MM-DD` (or `/`, `.`) in the first ten bytes, not followed
/// by a digit. Everything else goes through [`date`].
fn iso_date(b: &[u8]) -> Option<Civil> {
    let &[y0, y1, y2, y3, s1, m0, m1, s2, d0, d1] = b.get(..10)? else { return None };
    let digits = [y0, y1, y2, y3, m0, m1, d0, d1].iter().all(u8::is_ascii_digit);
    if !digits || s1 != s2 || !matches!(s1, b'-' | b'/' | b'.') || b.get(10).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let n = |a: u8, b: u8| (a - b'0') * 10 + (b - b'0');
    let year = i32::from(n(y0, y1)) * 100 + i32::from(n(y2, y3));
    Some(Civil { year, month: n(m0, m1), day: n(d0, d1), hour: 0, minute: 0, second: 0, micro: 0 })
}

/// The date part. Returns the date (time fields zero) and, for a day-first or two-digit-year
/// layout, why its order is unknown.
fn date(c: &mut Cursor<'_>) -> Result<(Civil, Option<Order>), Why> {
    let mut civil = Civil { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, micro: 0 };
    let (first, len) = c.run(4).ok_or(Why::Shape)?;
    if len == 4 {
        civil.year = i32::try_from(first).unwrap_or(0);
        let chinese = c.eat_bytes(NIAN);
        let sep = if chinese { 0 } else { c.eat_any(b"-/.").ok_or(Why::Shape)? };
        civil.month = c.run2()?;
        let again = if chinese { c.eat_bytes(YUE) } else { c.eat(sep) };
        if !again {
            return Err(Why::Shape);
        }
        civil.day = c.run2()?;
        if chinese {
            c.eat_bytes(RI);
        }
        return Ok((civil, None));
    }
    if len > 2 {
        return Err(Why::Shape);
    }
    let sep = c.eat_any(b"-/.").ok_or(Why::Shape)?;
    let second = c.run2()?;
    if !c.eat(sep) {
        return Err(Why::Shape);
    }
    let (_, last) = c.run(4).ok_or(Why::Shape)?;
    let why = match last {
        1 | 2 if len == 2 || last == 2 => Order::TwoDigitYear,
        4 => {
            let (a, b) = (first, u32::from(second));
            let reads = |day: u32, month: u32| (1..=31).contains(&day) && (1..=12).contains(&month);
            if !reads(a, b) && !reads(b, a) {
                return Err(Why::Shape);
            }
            Order::DayMonth
        }
        _ => return Err(Why::Shape),
    };
    Ok((civil, Some(why)))
}

/// The time part after the date (`T`, a space or nothing after `日`), with its optional offset
/// in seconds east of UTC.
fn time(c: &mut Cursor<'_>, mut civil: Civil) -> Result<(Civil, Option<i32>), Why> {
    let rest = &c.b[c.i..];
    // The common case by position: `THH:MM:SS` (or a space for `T`), not followed by a digit.
    if let Some(&[t, h0, h1, b':', m0, m1, b':', s0, s1]) = rest.get(..9)
        && matches!(t, b'T' | b't' | b' ')
        && [h0, h1, m0, m1, s0, s1].iter().all(u8::is_ascii_digit)
        && !rest.get(9).is_some_and(u8::is_ascii_digit)
    {
        let n = |a: u8, b: u8| (a - b'0') * 10 + (b - b'0');
        (civil.hour, civil.minute, civil.second) = (n(h0, h1), n(m0, m1), n(s0, s1));
        c.i += 9;
    } else {
        // A digit straight after the date only happens after `日` (`2024年3月1日8:05`).
        if !c.peek().is_some_and(|d| d.is_ascii_digit()) && c.eat_any(b"Tt ").is_none() {
            return Err(Why::Shape);
        }
        civil.hour = c.run2()?;
        if !c.eat(b':') {
            return Err(Why::Shape);
        }
        civil.minute = c.fixed2()?;
        if !c.eat(b':') {
            return Ok((civil, offset(c)?));
        }
        civil.second = c.fixed2()?;
    }
    if c.eat_any(b".,").is_some() {
        let start = c.i;
        while c.peek().is_some_and(|d| d.is_ascii_digit()) {
            c.i += 1;
        }
        let digits = &c.b[start..c.i];
        if digits.is_empty() {
            return Err(Why::Shape);
        }
        if digits.len() > 9 {
            return Err(Why::LongFraction);
        }
        for k in 0..6 {
            civil.micro = civil.micro * 10 + digits.get(k).map_or(0, |&d| u32::from(d - b'0'));
        }
    }
    Ok((civil, offset(c)?))
}

/// An optional offset, optionally after one space: `Z`, `UTC`, `+HH:MM`, `+HHMM`, `+HH`, `-...`.
fn offset(c: &mut Cursor<'_>) -> Result<Option<i32>, Why> {
    if c.done() {
        return Ok(None);
    }
    c.eat(b' ');
    if c.eat_any(b"Zz").is_some() {
        return Ok(Some(0));
    }
    if c.b[c.i..].eq_ignore_ascii_case(b"UTC") {
        c.i += 3;
        return Ok(Some(0));
    }
    let sign = match c.eat_any(b"+-") {
        Some(b'+') => 1,
        Some(_) => -1,
        None => return Err(Why::Shape),
    };
    let hours = c.fixed2()?;
    let minutes = if c.eat(b':') || c.peek().is_some_and(|d| d.is_ascii_digit()) { c.fixed2()? } else { 0 };
    if hours > 23 || minutes > 59 {
        return Err(Why::Offset);
    }
    Ok(Some(sign * (i32::from(hours) * 3600 + i32::from(minutes) * 60)))
}

/// Checks the time fields; clamps a leap second to `:59.999999`.
fn check_time(civil: &mut Civil) -> Result<(), Why> {
    if civil.hour > 23 {
        return Err(Why::Field(Field::Hour, civil.hour));
    }
    if civil.minute > 59 {
        return Err(Why::Field(Field::Minute, civil.minute));
    }
    match civil.second {
        0..=59 => Ok(()),
        60 => {
            civil.second = 59;
            civil.micro = 999_999;
            Ok(())
        }
        s => Err(Why::Field(Field::Second, s)),
    }
}

/// Checks year, month and day.
fn check_date(civil: &Civil) -> Result<(), Why> {
    if civil.year < 1 {
        return Err(Why::Year);
    }
    if !(1..=12).contains(&civil.month) {
        return Err(Why::Field(Field::Month, civil.month));
    }
    if civil.day < 1 || civil.day > days_in_month(civil.year, civil.month) {
        return Err(Why::NoSuchDay { year: civil.year, month: civil.month, day: civil.day });
    }
    Ok(())
}

/// Days in `month` (1-12) of `year`, Gregorian leap years. O(1).
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to the proleptic Gregorian date `year-month-day` (negative before it).
///
/// Howard Hinnant's `days_from_civil`: O(1), exact for every year an `i32` holds. `month` is 1-12
/// and `day` 1-31; other values give meaningless results, not a panic.
///
/// ```
/// use flowaudit::log::time_layout::days_from_civil;
/// assert_eq!(days_from_civil(1970, 1, 1), 0);
/// assert_eq!(days_from_civil(2000, 3, 1), 11_017);
/// assert_eq!(days_from_civil(1, 1, 1), -719_162);
/// ```
#[inline]
pub fn days_from_civil(year: i32, month: u8, day: u8) -> i64 {
    // Shifted by 5.4 million 400-year eras so every `i32` year is positive: unsigned division by
    // constants is a multiply and a shift, with no sign fix-ups (this runs once per timestamp).
    const ERAS: i64 = 5_400_000;
    let m = u64::from(month);
    let y = u64::try_from(i64::from(year) + 400 * ERAS).unwrap_or(0) - u64::from(month <= 2);
    let era = y / 400;
    let yoe = y - era * 400; // 0..=399
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + u64::from(day); // 1..=366
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // 1..=146097
    i64::try_from(era * 146_097 + doe).unwrap_or(0) - (146_097 * ERAS + 719_469)
}

/// A position in the bytes being scanned.
struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn done(&self) -> bool {
        self.i == self.b.len()
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        let hit = self.peek() == Some(byte);
        self.i += usize::from(hit);
        hit
    }

    /// Eats one of `set`, returning it.
    fn eat_any(&mut self, set: &[u8]) -> Option<u8> {
        let byte = self.peek().filter(|x| set.contains(x))?;
        self.i += 1;
        Some(byte)
    }

    fn eat_bytes(&mut self, s: &[u8]) -> bool {
        let hit = self.b[self.i..].starts_with(s);
        self.i += if hit { s.len() } else { 0 };
        hit
    }

    /// A run of 1..=`max` digits (the whole run): its value and length.
    fn run(&mut self, max: usize) -> Option<(u32, usize)> {
        let start = self.i;
        let mut value = 0_u32;
        while let Some(d) = self.peek().filter(u8::is_ascii_digit) {
            if self.i - start == max {
                return None;
            }
            value = value * 10 + u32::from(d - b'0');
            self.i += 1;
        }
        (self.i > start).then_some((value, self.i - start))
    }

    /// A run of one or two digits.
    fn run2(&mut self) -> Result<u8, Why> {
        self.run(2).and_then(|(v, _)| u8::try_from(v).ok()).ok_or(Why::Shape)
    }

    /// Exactly two digits (whatever follows).
    fn fixed2(&mut self) -> Result<u8, Why> {
        match self.b.get(self.i..self.i + 2) {
            Some(&[a, b]) if a.is_ascii_digit() && b.is_ascii_digit() => {
                self.i += 2;
                Ok((a - b'0') * 10 + (b - b'0'))
            }
            _ => Err(Why::Shape),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Datelike, NaiveDate};

    use super::{Civil, Field, Order, Scanned, Why, days_from_civil, scan};

    /// The instant of `2024-03-01T08:05:09Z` plus `micro`.
    fn at(micro: i64) -> i64 {
        1_709_280_309_000_000 + micro
    }

    fn naive(text: &str) -> i64 {
        match scan(text) {
            Ok(Scanned::Naive(wall)) => wall,
            other => panic!("{text}: {other:?}"),
        }
    }

    fn civil(year: i32, month: u8, day: u8, hour: u8, minute: u8, second: u8, micro: u32) -> i64 {
        Civil { year, month, day, hour, minute, second, micro }.wall_micros()
    }

    #[test]
    fn days_from_civil_matches_chrono() {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        let mut d = NaiveDate::from_ymd_opt(1, 1, 1).unwrap();
        while d.year() <= 9999 {
            let (y, m, day) = (d.year(), u8::try_from(d.month()).unwrap(), u8::try_from(d.day()).unwrap());
            let ours = days_from_civil(y, m, day);
            assert_eq!(ours, (d - epoch).num_days(), "{d}");
            // Every day of 1890-2110, then one day in 13 elsewhere (all months and leap days).
            let step = if (1890..2110).contains(&y) { 1 } else { 13 };
            d = d + chrono::Days::new(step);
        }
    }

    #[test]
    fn days_from_civil_holds_for_every_i32_year() {
        for year in [i32::MIN, i32::MIN + 1, -1_000_000, -1, 0, 1, 1_000_000, i32::MAX - 400] {
            assert_eq!(days_from_civil(year + 400, 3, 1) - days_from_civil(year, 3, 1), 146_097, "{year}");
        }
        assert_eq!(days_from_civil(0, 3, 1) - days_from_civil(0, 2, 28), 2); // year 0 is a leap year
        assert!(days_from_civil(i32::MIN, 1, 1) < days_from_civil(i32::MAX, 12, 31));
        let _ = days_from_civil(2024, 0, 0); // out-of-range fields: no panic
    }

    #[test]
    fn iso_with_offsets() {
        let cases = [
            ("2024-03-01T08:05:09Z", at(0)),
            ("2024-03-01t08:05:09z", at(0)),
            ("2024-03-01 08:05:09Z", at(0)),
            ("2024-03-01T16:05:09+08:00", at(0)),
            ("2024-03-01T16:05:09+0800", at(0)),
            ("2024-03-01T16:05:09+08", at(0)),
            ("2024-03-01T16:05:09 +08:00", at(0)),
            ("2024-03-01T02:35:09-05:30", at(0)),
            ("2024-03-01T08:05:09-00:00", at(0)),
            ("2024-03-01 08:05:09 UTC", at(0)),
            ("2024-03-01 08:05:09utc", at(0)),
            ("2024-03-01T08:05:09.5Z", at(500_000)),
            ("2024-03-01T08:05:09,123Z", at(123_000)),
            ("2024-03-01T08:05:09.123456Z", at(123_456)),
            ("2024-03-01T08:05:09.123456789Z", at(123_456)),
            ("2024-03-01T16:05:09.000001+08:00", at(1)),
            ("2024-03-01T08:05Z", at(-9_000_000)),
            ("2024-03-01T08:05:09+23:59", at(-86_340_000_000)),
        ];
        for (text, want) in cases {
            assert_eq!(scan(text), Ok(Scanned::Instant(want)), "{text}");
        }
    }

    #[test]
    fn naive_layouts() {
        let full = civil(2024, 3, 1, 8, 5, 9, 0);
        for text in [
            "2024-03-01 08:05:09",
            "2024-03-01T08:05:09",
            "2024/03/01 08:05:09",
            "2024.03.01 08:05:09",
            "2024-3-1 8:05:09",
            "2024/3/1T8:05:09",
            "2024年3月1日 8:05:09",
            "2024年03月01日08:05:09",
            "2024年3月1日T08:05:09",
        ] {
            assert_eq!(naive(text), full, "{text}");
        }
        assert_eq!(naive("2012/10/09 14:50:17.000"), civil(2012, 10, 9, 14, 50, 17, 0));
        assert_eq!(naive("2024-03-01 08:05"), civil(2024, 3, 1, 8, 5, 0, 0));
        assert_eq!(naive("2024-3-1 8:05"), civil(2024, 3, 1, 8, 5, 0, 0));
        assert_eq!(naive("2024-03-01 08:05:09.1234567"), civil(2024, 3, 1, 8, 5, 9, 123_456));
        assert_eq!(naive("2024-03-01 08:05:09,25"), civil(2024, 3, 1, 8, 5, 9, 250_000));
    }

    #[test]
    fn date_only_is_midnight() {
        let midnight = civil(2024, 2, 29, 0, 0, 0, 0);
        for text in ["2024-02-29", "2024/02/29", "2024-2-29", "2024年2月29日", "2024年2月29"] {
            assert_eq!(naive(text), midnight, "{text}");
        }
    }

    #[test]
    fn leap_second_is_clamped_to_the_end_of_its_minute() {
        assert_eq!(naive("2016-12-31 23:59:60"), civil(2016, 12, 31, 23, 59, 59, 999_999));
        assert_eq!(naive("2016-12-31 23:59:60.5"), civil(2016, 12, 31, 23, 59, 59, 999_999));
        assert_eq!(scan("2017-01-01T07:59:60+08:00"), scan("2016-12-31T23:59:59.999999Z"));
        // chrono's reading, which we do not follow: the leap second lands in the next minute.
        let chrono = chrono::DateTime::parse_from_rfc3339("2016-12-31T23:59:60Z").unwrap().timestamp_micros();
        assert_eq!(Ok(Scanned::Instant(chrono)), scan("2017-01-01T00:00:00Z"));
    }

    #[test]
    fn epoch_numbers() {
        let cases = [
            ("1709280309", at(0)),
            ("1709280309.5", at(500_000)),
            ("1709280309.1234567", at(123_456)),
            ("1709280309123", at(123_000)),
            ("1709280309123.456", at(123_456)),
            ("1709280309123456", at(123_456)),
            ("1709280309123456.9", at(123_456)),
            ("100000000", 100_000_000_000_000),
            ("99999999999", 99_999_999_999_000_000),
        ];
        for (text, want) in cases {
            assert_eq!(scan(text), Ok(Scanned::Instant(want)), "{text}");
        }
    }

    #[test]
    fn numbers_that_are_not_epochs() {
        for text in ["2024", "20240301", "12345678", "170928030912345678", "20240301.5"] {
            assert_eq!(scan(text), Err(Why::NotEpoch), "{text}");
        }
        assert_eq!(scan("1709280309."), Err(Why::Shape));
        assert_eq!(scan("1709280309.1234567891"), Err(Why::LongFraction));
    }

    #[test]
    fn day_first_and_two_digit_years_are_ambiguous() {
        for text in ["01/02/2024", "1/2/2024 10:00", "01-02-2024", "01.02.2024 10:00:00", "13/02/2024", "02/13/2024"] {
            assert_eq!(scan(text), Err(Why::Ambiguous(Order::DayMonth)), "{text}");
        }
        for text in ["24-03-01", "01/02/24", "1/2/24 10:00", "24.3.1"] {
            assert_eq!(scan(text), Err(Why::Ambiguous(Order::TwoDigitYear)), "{text}");
        }
        // Neither reading is a date, or the time is broken: not a question of order.
        assert_eq!(scan("13/13/2024"), Err(Why::Shape));
        assert_eq!(scan("01/02/2024 25:00"), Err(Why::Field(Field::Hour, 25)));
        assert_eq!(scan("01/02/2024 10:00 tomorrow"), Err(Why::Shape));
    }

    #[test]
    fn fields_out_of_range() {
        let cases = [
            ("2024-13-01", Why::Field(Field::Month, 13)),
            ("2024-00-01", Why::Field(Field::Month, 0)),
            ("2023-02-29", Why::NoSuchDay { year: 2023, month: 2, day: 29 }),
            ("1900-02-29 10:00", Why::NoSuchDay { year: 1900, month: 2, day: 29 }),
            ("2024-04-31", Why::NoSuchDay { year: 2024, month: 4, day: 31 }),
            ("2024-04-00", Why::NoSuchDay { year: 2024, month: 4, day: 0 }),
            ("2024-03-01 24:00:00", Why::Field(Field::Hour, 24)),
            ("2024-03-01 23:60", Why::Field(Field::Minute, 60)),
            ("2024-03-01 23:59:61", Why::Field(Field::Second, 61)),
            ("2024-03-01 23:59:59+24:00", Why::Offset),
            ("2024-03-01 23:59:59-08:60", Why::Offset),
            ("2024-03-01 23:59:59.1234567890", Why::LongFraction),
            ("0000-01-01 00:00:00", Why::Year),
        ];
        for (text, why) in cases {
            assert_eq!(scan(text), Err(why), "{text}");
        }
        assert!(matches!(scan("2000-02-29"), Ok(Scanned::Naive(_))));
        assert!(matches!(scan("0001-01-01"), Ok(Scanned::Naive(_))));
        assert!(matches!(scan("9999-12-31T23:59:59.999999Z"), Ok(Scanned::Instant(_))));
    }

    #[test]
    fn other_shapes_are_refused() {
        for text in [
            "yesterday",
            "2024",
            "2024-03",
            "2024-03-01T",
            "2024-03-01 8",
            "2024-03-01 08:5",
            "2024-03-01 08:05:9",
            "2024-03-01 08:05:09.",
            "2024-03-01  08:05",
            "2024-03/01",
            "2024/03-01",
            "2024-003-01",
            "20240-03-01",
            "2024-03-01 08:05:09 +8",
            "2024-03-01 08:05:09+08:0",
            "2024-03-01 08:05:09+08:00:00",
            "2024-03-01 08:05:09 Z Z",
            "2024-03-01 08:05:09 CET",
            "2024-03-01 08:05:09[Asia/Shanghai]",
            "2024-03-01Z",
            "2024年3月1日日",
            "2024年3-1",
            "Mar 1, 2024",
            "1/2/3",
            "-1709280309",
            ".5",
        ] {
            assert!(matches!(scan(text), Err(Why::Shape | Why::NotEpoch)), "{text}: {:?}", scan(text));
        }
    }

    #[test]
    fn reasons_read_well() {
        assert_eq!(Why::NotEpoch.to_string(), "a number, but not epoch seconds or milliseconds");
        assert_eq!(Why::Field(Field::Month, 13).to_string(), "month 13 is not 1-12");
        assert_eq!(Why::NoSuchDay { year: 2023, month: 2, day: 29 }.to_string(), "2023-02 has no day 29");
        assert_eq!(Why::Offset.to_string(), "an offset is at most ±23:59");
        assert_eq!(Why::LongFraction.to_string(), "more than 9 fraction digits");
        assert_eq!(Why::Ambiguous(Order::DayMonth).to_string(), "day/month order unknown");
        assert_eq!(Why::Shape.to_string(), "");
    }
}
