//! The calendar file as written (`processes/calendars/<id>.yaml`, documented in
//! `docs/calendars.md`): its keys, time intervals, dates and ranges, decoded with every problem
//! located at `file:line:column`.
//!
//! Owns [`decode`], which turns one YAML tree into the parts of a [`crate::model::calendar::Calendar`]
//! and reports all problems of the file in one run: unknown keys (with a "did you mean"), bad
//! times, dates and time zones, reversed ranges, overlapping intervals, a make-up day `as` a
//! weekday without hours, a date both off and worked, and dates listed twice. Cost:
//! O(n log n) for n intervals and listed dates (the cross-checks sort them), plus one pass over
//! the zone names for a misspelt time zone.

use chrono::{Datelike, NaiveDate};
use chrono_tz::Tz;

use crate::log::timestamp::parse_zone;
use crate::model::decode::{Decoder, did_you_mean};
use crate::model::diagnostic::{Code, Span, Spanned};
use crate::model::working_time::{DayKind, Week, weekday_of};
use crate::model::yaml::Node;

/// The weekdays as written under `hours:` and in `as:`, Monday first.
pub const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const WEEKDAY_NAMES: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const KEYS: [&str; 8] = ["id", "name", "name_zh", "description", "timezone", "hours", "holidays", "workdays"];
const WORKDAY_KEYS: [&str; 2] = ["date", "as"];
const MINUTE: i64 = 60_000_000;
const TIME_HELP: &str = "write times as HH:MM with hours 00-23 and minutes 00-59; 24:00 ends a day";
const DATE_HELP: &str = "write dates as YYYY-MM-DD, e.g. 2026-10-01";

/// A calendar's weekly hours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hours {
    /// `hours: always`: every instant.
    Always,
    /// Per weekday (Monday first), intervals as microseconds of the day, in order.
    Week(Week),
}

/// Everything a valid calendar file says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parts {
    /// `id`.
    pub id: String,
    /// `name`.
    pub name: String,
    /// `name_zh`.
    pub name_zh: Option<String>,
    /// `timezone`.
    pub zone: Tz,
    /// `hours`.
    pub hours: Hours,
    /// Holidays and make-up working days: `(first day, last day, kind)`, day numbers since 1970-01-01.
    pub listed: Vec<(i64, i64, DayKind)>,
}

/// A holiday entry: a date or a range.
struct Holiday {
    first: i64,
    last: i64,
    text: String,
    span: Span,
}

/// A make-up working day.
struct Workday {
    day: i64,
    weekday: usize,
    span: Span,
}

/// Day number (days since 1970-01-01) of a date.
pub fn day_number(date: NaiveDate) -> i64 {
    date.signed_duration_since(NaiveDate::default()).num_days()
}

/// The span of `len` characters starting `offset` bytes into a scalar written at `span` whose
/// text is `text`: points at one part of `09:00-25:00`. A quoted scalar's span starts at its quote.
fn part(span: Span, source: &str, text: &str, offset: usize, len: usize) -> Span {
    let line = source.lines().nth(span.line as usize - 1).unwrap_or("");
    let quoted = line.chars().nth(span.column as usize - 1).is_some_and(|c| c == '"' || c == '\'');
    let before = text.get(..offset).map_or(0, |t| t.chars().count());
    let column = span.column as usize + before + usize::from(quoted);
    Span::new(span.line, u32::try_from(column).unwrap_or(span.column), u32::try_from(len).unwrap_or(1))
}

/// Minutes since midnight of `HH:MM` (00:00 to 24:00).
fn time_of_day(text: &str) -> Option<i64> {
    let (h, m) = text.split_once(':')?;
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !(1..=2).contains(&h.len()) || m.len() != 2 || !digits(h) || !digits(m) {
        return None;
    }
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    ((h < 24 && m < 60) || (h == 24 && m == 0)).then_some(h * 60 + m)
}

/// A date `YYYY-MM-DD`, or why it is not one.
fn date(text: &str) -> Result<NaiveDate, String> {
    let b = text.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return Err(DATE_HELP.to_owned());
    }
    let (y, m, d): (i32, u32, u32) =
        (text[..4].parse().unwrap_or(0), text[5..7].parse().unwrap_or(0), text[8..].parse().unwrap_or(0));
    if !(1..=12).contains(&m) {
        return Err(format!("month {m} is not 1-12"));
    }
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| format!("{y:04}-{m:02} has no day {d}"))
}

/// Decodes a calendar file's tree. `source` is its text, `stem` its file name without extension.
///
/// Problems are recorded in `d`; the parts are returned only when there is no error.
pub fn decode(d: &mut Decoder<'_>, root: &Node, source: &str, stem: Option<&str>) -> Option<Parts> {
    let f = d.fields(root, "the calendar", &KEYS)?;
    let what = "the calendar";
    let id = d.required(&f, "id", what, "add `id: <file name without .yaml>`").and_then(|n| d.id(n, "calendar id"));
    if let (Some(id), Some(stem)) = (&id, stem)
        && id.value != stem
    {
        d.error(
            Code::IdMismatch,
            id.span,
            format!("calendar id `{}` differs from its file name `{stem}`", id.value),
            Some(format!(
                "calendars are named by their file: rename the file to `{}.yaml` or set `id: {stem}`",
                id.value
            )),
        );
    }
    let name = d
        .required(&f, "name", what, "add `name:`, e.g. `name: Mainland China office hours`")
        .and_then(|n| d.text(n, "`name`"));
    let name_zh = d.opt_text(&f, "name_zh", what);
    d.opt_text(&f, "description", what);
    let zone = d
        .required(&f, "timezone", what, "add `timezone: Asia/Shanghai`: working hours are read on that zone's clock")
        .and_then(|n| time_zone(d, n));
    let read = d
        .required(&f, "hours", what, "add `hours: always` (24x7) or weekly hours, e.g. `mon: [\"09:00-18:00\"]`")
        .and_then(|n| hours(d, n, source));
    let listed = match &read {
        Some(Read::Always) => {
            for key in ["holidays", "workdays"] {
                if let Some(n) = f.get(key) {
                    d.error(
                        Code::InvalidValue,
                        n.span,
                        format!("a 24x7 calendar (`hours: always`) has no `{key}`: every day is worked"),
                        Some(format!("remove `{key}:`, or give weekly hours instead of `hours: always`")),
                    );
                }
            }
            Vec::new()
        }
        Some(Read::Week { week, known }) => listed(d, f.get("holidays"), f.get("workdays"), (week, *known), source),
        None => listed(d, f.get("holidays"), f.get("workdays"), (&Default::default(), [false; 7]), source),
    };
    if d.has_errors() {
        return None;
    }
    let hours = match read {
        Some(Read::Always) => Some(Hours::Always),
        Some(Read::Week { week, known }) => known.iter().all(|k| *k).then_some(Hours::Week(week)),
        None => None,
    };
    Some(Parts {
        id: id?.value,
        name: name?.value,
        name_zh: name_zh.map(|t| t.value),
        zone: zone?,
        hours: hours?,
        listed,
    })
}

/// `timezone:`, an IANA zone name.
fn time_zone(d: &mut Decoder<'_>, node: &Node) -> Option<Tz> {
    let t = d.text(node, "`timezone`")?;
    if let Ok(zone) = parse_zone(t.value.trim()) {
        return Some(zone);
    }
    let help = match did_you_mean(&t.value, chrono_tz::TZ_VARIANTS.iter().map(|z| z.name())) {
        Some(z) => format!("did you mean `{z}`?"),
        None => "write an IANA zone as Region/City, e.g. Asia/Shanghai or Europe/Amsterdam".to_owned(),
    };
    d.error(Code::InvalidValue, t.span, format!("`{}` is not an IANA time zone", t.value), Some(help));
    None
}

/// `hours:` as far as it could be read.
enum Read {
    /// `always`.
    Always,
    /// The weekdays' intervals, and which weekdays were read without a problem (all of them
    /// false when a key of `hours:` is unknown: it may be any day misspelt).
    Week { week: Week, known: [bool; 7] },
}

/// `hours:`: `always`, or a mapping of weekdays to lists of `HH:MM-HH:MM`.
fn hours(d: &mut Decoder<'_>, node: &Node, source: &str) -> Option<Read> {
    if let Some(t) = node.as_str() {
        if t.trim() == "always" {
            return Some(Read::Always);
        }
        d.error(
            Code::InvalidValue,
            node.span,
            format!("`{t}` is not a weekly schedule"),
            Some(
                "write `hours: always` for 24x7, or map weekdays to intervals, e.g. `mon: [\"09:00-18:00\"]`"
                    .to_owned(),
            ),
        );
        return None;
    }
    let before = d.diagnostics.len();
    let f = d.fields(node, "`hours`", &WEEKDAYS)?;
    let clean_keys = d.diagnostics.len() == before;
    let mut week: Week = Default::default();
    let mut known = [clean_keys; 7];
    let mut written = 0;
    for (w, day) in WEEKDAYS.iter().enumerate() {
        let Some(v) = f.get(day) else { continue };
        let before = d.diagnostics.len();
        let items = d.text_list(v, &format!("an interval of `{day}`"));
        written += items.len();
        let mut prev: Option<(i64, i64, String)> = None;
        for item in items {
            let Some((s, e)) = interval(d, &item, source) else { continue };
            if let Some((ps, pe, pt)) = &prev
                && s < *pe
            {
                let (message, help) = if s < *ps {
                    (
                        format!("interval `{}` of `{day}` comes after `{pt}` but starts before it", item.value),
                        "list a day's intervals in the order of the day".to_owned(),
                    )
                } else {
                    (
                        format!("interval `{}` of `{day}` overlaps `{pt}`", item.value),
                        format!(
                            "a day's intervals do not overlap; merge them into `{}-{}`",
                            clock(*ps),
                            clock(e.max(*pe))
                        ),
                    )
                };
                d.error(Code::OverlappingHours, item.span, message, Some(help));
                continue;
            }
            week[w].push((s, e));
            prev = Some((s, e, item.value));
        }
        known[w] &= d.diagnostics.len() == before;
    }
    if written == 0 && clean_keys {
        d.error(
            Code::InvalidValue,
            node.span,
            "no weekday has working hours, so no time would ever count",
            Some(
                "give at least one weekday intervals, e.g. `mon: [\"09:00-18:00\"]`, or write `hours: always`"
                    .to_owned(),
            ),
        );
        return None;
    }
    Some(Read::Week { week, known })
}

/// `HH:MM` of microseconds since midnight.
fn clock(micros: i64) -> String {
    let minutes = micros / MINUTE;
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// One `HH:MM-HH:MM`, as microseconds of the day.
fn interval(d: &mut Decoder<'_>, item: &Spanned<String>, source: &str) -> Option<(i64, i64)> {
    let text = item.value.as_str();
    let Some(dash) = text.find('-') else {
        d.error(
            Code::InvalidValue,
            item.span,
            format!("`{text}` is not a working interval"),
            Some("write it as HH:MM-HH:MM, e.g. 09:00-12:00".to_owned()),
        );
        return None;
    };
    let mut times = [None, None];
    for (k, (raw, at)) in [(&text[..dash], 0), (&text[dash + 1..], dash + 1)].into_iter().enumerate() {
        let piece = raw.trim();
        let offset = at + (raw.len() - raw.trim_start().len());
        times[k] = time_of_day(piece);
        if times[k].is_none() {
            let span = part(item.span, source, text, offset, piece.chars().count());
            d.error(
                Code::InvalidValue,
                span,
                format!("`{piece}` in `{text}` is not a time of day"),
                Some(TIME_HELP.to_owned()),
            );
        }
    }
    let [Some(s), Some(e)] = times else { return None };
    if s >= e {
        let message = if s == e {
            format!("interval `{text}` is empty")
        } else {
            format!("interval `{text}` ends before it starts")
        };
        d.error(
            Code::ReversedRange,
            item.span,
            message,
            Some(
                "an interval lies within one day; a night shift is two, e.g. `22:00-24:00` on one day and \
                 `00:00-06:00` on the next"
                    .to_owned(),
            ),
        );
        return None;
    }
    Some((s * MINUTE, e * MINUTE))
}

/// One date of `item`'s text, starting `offset` bytes in, or an error at it.
fn date_at(d: &mut Decoder<'_>, item: &Spanned<String>, source: &str, piece: &str, offset: usize) -> Option<i64> {
    match date(piece) {
        Ok(date) => Some(day_number(date)),
        Err(why) => {
            let span = part(item.span, source, &item.value, offset, piece.chars().count());
            let help = if why == DATE_HELP { why } else { format!("{why}; {DATE_HELP}") };
            d.error(Code::InvalidValue, span, format!("`{piece}` is not a date"), Some(help));
            None
        }
    }
}

/// `s` without surrounding blanks, and its byte offset once `s` itself starts at `at`.
fn trimmed(s: &str, at: usize) -> (&str, usize) {
    (s.trim(), at + (s.len() - s.trim_start().len()))
}

/// A holiday entry: `YYYY-MM-DD` or `YYYY-MM-DD..YYYY-MM-DD`.
fn holiday(d: &mut Decoder<'_>, item: Spanned<String>, source: &str) -> Option<Holiday> {
    let text = item.value.as_str();
    let (a, b, b_at) = match text.find("..") {
        Some(i) => (&text[..i], &text[i + 2..], i + 2),
        None => (text, text, 0),
    };
    let (a, a_at) = trimmed(a, 0);
    let (b, b_at) = trimmed(b, b_at);
    let first = date_at(d, &item, source, a, a_at);
    let last = if b_at == 0 { first } else { date_at(d, &item, source, b, b_at) };
    let (first, last) = (first?, last?);
    if last < first {
        d.error(
            Code::ReversedRange,
            item.span,
            format!("holiday range `{text}` ends before it starts"),
            Some(format!("write the earlier date first: `{b}..{a}`")),
        );
        return None;
    }
    Some(Holiday { first, last, text: item.value, span: item.span })
}

/// `holidays:` and `workdays:`, checked against each other and against the weekly hours of the
/// weekdays that could be read (`known`).
fn listed(
    d: &mut Decoder<'_>,
    holidays: Option<&Node>,
    workdays: Option<&Node>,
    (week, known): (&Week, [bool; 7]),
    source: &str,
) -> Vec<(i64, i64, DayKind)> {
    let holidays: Vec<Holiday> = holidays
        .map(|n| d.text_list(n, "a holiday"))
        .unwrap_or_default()
        .into_iter()
        .filter_map(|item| holiday(d, item, source))
        .collect();
    let mut days = Vec::new();
    for item in workdays.map_or(&[][..], |n| d.list(n, "`workdays`")) {
        let Some(f) = d.fields(item, "a make-up working day", &WORKDAY_KEYS) else { continue };
        let what = "a make-up working day";
        let date =
            d.required(&f, "date", what, "add `date: YYYY-MM-DD`").and_then(|n| d.text(n, "`date`")).and_then(|t| {
                date_at(d, &t, source, t.value.trim(), t.value.len() - t.value.trim_start().len()).map(|day| (day, t))
            });
        let weekday = d
            .required(&f, "as", what, "add `as: mon`: the weekday whose hours the day is worked with")
            .and_then(|n| d.choice(n, "weekday", &WEEKDAYS))
            .map(|t| (WEEKDAYS.iter().position(|w| *w == t.value).unwrap_or(0), t));
        let (Some((day, date)), Some((weekday, as_text))) = (date, weekday) else { continue };
        if known[weekday] && week[weekday].is_empty() {
            d.error(
                Code::UnknownReference,
                as_text.span,
                format!("make-up working day {} is worked `as: {}`, which has no hours", date.value, as_text.value),
                Some("name a weekday that has hours under `hours:`, usually `mon`".to_owned()),
            );
            continue;
        }
        let own = weekday_of(day);
        if known[own] && known[weekday] && !week[own].is_empty() && week[own] == week[weekday] {
            d.warning(
                Code::DuplicateDate,
                date.span,
                format!("{} is a {}, worked with these hours anyway", date.value, WEEKDAY_NAMES[own]),
                Some(
                    "a make-up working day is a day off that is worked, usually a Saturday or Sunday; check the date"
                        .to_owned(),
                ),
            );
        }
        days.push(Workday { day, weekday, span: date.span });
    }
    check_holidays(d, &holidays);
    check_workdays(d, &holidays, &mut days);
    let mut out: Vec<(i64, i64, DayKind)> = holidays.iter().map(|h| (h.first, h.last, DayKind::Off)).collect();
    out.extend(days.iter().map(|w| (w.day, w.day, DayKind::As(w.weekday))));
    out
}

/// Date text of a day number.
fn date_text(day: i64) -> String {
    NaiveDate::default()
        .checked_add_signed(chrono::TimeDelta::days(day))
        .map_or_else(|| day.to_string(), |d| format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))
}

/// Warns about holiday entries that share dates (harmless, but one of them is likely a typo).
fn check_holidays(d: &mut Decoder<'_>, holidays: &[Holiday]) {
    let mut order: Vec<usize> = (0..holidays.len()).collect();
    order.sort_by_key(|&i| (holidays[i].first, holidays[i].span));
    let mut reach: Option<usize> = None; // the entry reaching furthest so far
    for &i in &order {
        let h = &holidays[i];
        if let Some(r) = reach
            && h.first <= holidays[r].last
        {
            let (later, earlier) = if h.span > holidays[r].span { (h, &holidays[r]) } else { (&holidays[r], h) };
            d.warning(
                Code::DuplicateDate,
                later.span,
                format!("holiday `{}` repeats dates of `{}` (line {})", later.text, earlier.text, earlier.span.line),
                Some("list each date once: remove or shorten one of them".to_owned()),
            );
        }
        if reach.is_none_or(|r| h.last > holidays[r].last) {
            reach = Some(i);
        }
    }
}

/// Errors for a make-up day that is also a holiday or listed twice with different hours; a
/// warning when listed twice alike. Removes the repeats from `days`.
fn check_workdays(d: &mut Decoder<'_>, holidays: &[Holiday], days: &mut Vec<Workday>) {
    let mut by_first: Vec<&Holiday> = holidays.iter().collect();
    by_first.sort_by_key(|h| h.first);
    // reach[i]: the entry among by_first[..=i] ending last.
    let mut reach: Vec<usize> = Vec::with_capacity(by_first.len());
    for (i, h) in by_first.iter().enumerate() {
        let best = reach.last().copied().filter(|&r| by_first[r].last >= h.last).unwrap_or(i);
        reach.push(best);
    }
    for w in days.iter() {
        let n = by_first.partition_point(|h| h.first <= w.day);
        if let Some(h) = n.checked_sub(1).map(|i| by_first[reach[i]]).filter(|h| h.last >= w.day) {
            d.error(
                Code::DateConflict,
                w.span,
                format!(
                    "{} is both a holiday (`{}`, line {}) and a make-up working day",
                    date_text(w.day),
                    h.text,
                    h.span.line
                ),
                Some("a date is either off or worked: remove it from `holidays` or from `workdays`".to_owned()),
            );
        }
    }
    days.sort_by_key(|w| (w.day, w.span));
    let mut kept: Vec<Workday> = Vec::with_capacity(days.len());
    for w in days.drain(..) {
        match kept.last() {
            Some(k) if k.day == w.day && k.weekday == w.weekday => d.warning(
                Code::DuplicateDate,
                w.span,
                format!("make-up working day {} is listed twice (line {})", date_text(w.day), k.span.line),
                Some("remove one of them".to_owned()),
            ),
            Some(k) if k.day == w.day => d.error(
                Code::DateConflict,
                w.span,
                format!(
                    "make-up working day {} is worked `as: {}` at line {} and `as: {}` here",
                    date_text(w.day),
                    WEEKDAYS[k.weekday],
                    k.span.line,
                    WEEKDAYS[w.weekday]
                ),
                Some("keep one of them".to_owned()),
            ),
            _ => kept.push(w),
        }
    }
    *days = kept;
}

#[cfg(test)]
mod tests {
    use super::{date, time_of_day};
    use crate::model::working_time::DAY;

    #[test]
    fn times_and_dates() {
        assert_eq!(time_of_day("09:00"), Some(540));
        assert_eq!(time_of_day("9:30"), Some(570));
        assert_eq!(time_of_day("24:00"), Some(1440));
        for bad in ["24:01", "25:00", "12:60", "12", "12:5", "ab:cd", "", "123:00"] {
            assert_eq!(time_of_day(bad), None, "{bad}");
        }
        assert_eq!(i64::from(1440) * 60_000_000, DAY);
        assert!(date("2026-10-01").is_ok());
        assert_eq!(date("2026-02-30").unwrap_err(), "2026-02 has no day 30");
        assert_eq!(date("2026-13-01").unwrap_err(), "month 13 is not 1-12");
        assert!(date("2026-1-01").unwrap_err().contains("YYYY-MM-DD"));
        assert!(date("２０２６-10-01").is_err());
    }
}
