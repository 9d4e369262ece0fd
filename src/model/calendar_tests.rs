//! Tests of [`super::Calendar`] on the shipped calendars: hand-computed cases, an independent
//! day-by-day oracle built on chrono-tz, and property tests.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use chrono::{DateTime, NaiveDate, TimeZone};
use chrono_tz::Asia::Shanghai;
use proptest::prelude::*;

use super::{Calendar, load, load_dir, read};
use crate::log::timestamp::Time;

const MIN: i64 = 60_000_000;
const H: i64 = 60 * MIN;

fn shipped(id: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("processes/calendars").join(format!("{id}.yaml"))
}

static OFFICE: LazyLock<Calendar> = LazyLock::new(|| load(&shipped("cn-office")).expect("cn-office is valid"));
static ALWAYS: LazyLock<Calendar> = LazyLock::new(|| load(&shipped("24x7")).expect("24x7 is valid"));

/// An RFC 3339 instant.
fn t(text: &str) -> Time {
    Time(DateTime::parse_from_rfc3339(text).unwrap().timestamp_micros())
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

#[test]
fn shipped_calendars_load_without_warnings() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("processes/calendars");
    let (calendars, diagnostics, sources) = load_dir(&dir);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let ids: Vec<&str> = calendars.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["24x7", "cn-office"]);
    assert_eq!(sources.len(), 2);
    assert!(ALWAYS.is_always() && !OFFICE.is_always());
    assert_eq!(OFFICE.zone, Shanghai);
    assert_eq!(OFFICE.name_zh.as_deref(), Some("中国大陆办公时间"));
    assert_eq!(OFFICE.listed(), Some((date("2025-01-01"), date("2026-10-10"))));
    assert_eq!(OFFICE.usual_day_micros(), 8 * H);
    assert_eq!(ALWAYS.usual_day_micros(), 24 * H);
}

#[test]
fn elapsed_working_time_by_hand() {
    let c = &*OFFICE;
    // A weekend: Friday 17:30 to Monday 10:00 is 30 min + 1 h.
    assert_eq!(c.working(t("2026-09-11T17:30:00+08:00"), t("2026-09-14T10:00:00+08:00")), 90 * MIN);
    // National Day 2026: Wednesday 30 Sep 16:00 to Thursday 8 Oct 10:00 is 2 h + (1-7 Oct off) + 1 h.
    assert_eq!(c.working(t("2026-09-30T16:00:00+08:00"), t("2026-10-08T10:00:00+08:00")), 3 * H);
    // The make-up Saturday 10 Oct: Friday 17:00 to Monday 09:00 is 1 h + 8 h.
    assert_eq!(c.working(t("2026-10-09T17:00:00+08:00"), t("2026-10-12T09:00:00+08:00")), 9 * H);
    // The lunch break does not count: 11:30 to 13:30 is 1 h.
    assert_eq!(c.working(t("2026-09-15T11:30:00+08:00"), t("2026-09-15T13:30:00+08:00")), H);
    // Over midnight: Monday 17:00 to Tuesday 09:30 is 1 h + 30 min; from midnight itself, 30 min.
    assert_eq!(c.working(t("2026-09-14T17:00:00+08:00"), t("2026-09-15T09:30:00+08:00")), 90 * MIN);
    assert_eq!(c.working(t("2026-09-15T00:00:00+08:00"), t("2026-09-15T09:30:00+08:00")), 30 * MIN);
    // A log writing UTC: 2026-10-09T23:30Z is Saturday 10 Oct 07:30 in Shanghai, a make-up day;
    // to 02:00Z (10:00 local) is 1 h. The same instants with a +02:00 offset give the same.
    assert_eq!(c.working(t("2026-10-09T23:30:00Z"), t("2026-10-10T02:00:00Z")), H);
    assert_eq!(c.working(t("2026-10-10T01:30:00+02:00"), t("2026-10-10T04:00:00+02:00")), H);
    assert_eq!(c.local_date(t("2026-10-09T23:30:00Z")), Some(date("2026-10-10")));
    // Microseconds count.
    assert_eq!(c.working(t("2026-09-15T08:59:59.999999+08:00"), t("2026-09-15T09:00:00.000001+08:00")), 1);
    // Backwards, empty, and missing times.
    assert_eq!(c.working(t("2026-09-15T12:00:00+08:00"), t("2026-09-15T10:00:00+08:00")), 0);
    assert_eq!(c.working(Time::NONE, t("2026-09-15T10:00:00+08:00")), 0);
    assert_eq!(c.working(t("2026-09-15T10:00:00+08:00"), Time::NONE), 0);
}

#[test]
fn a_whole_year_counts_its_working_days() {
    // 2026: 261 weekdays, 19 of them holidays, 6 make-up days: 248 days of 8 hours.
    assert_eq!(OFFICE.working(t("2026-01-01T00:00:00+08:00"), t("2027-01-01T00:00:00+08:00")), 248 * 8 * H);
    // 2025: 261 weekdays, 18 of them holidays, 5 make-up days.
    assert_eq!(OFFICE.working(t("2025-01-01T00:00:00+08:00"), t("2026-01-01T00:00:00+08:00")), 248 * 8 * H);
    // Outside the listed years only the weekly hours apply: 2030 has 261 weekdays.
    assert_eq!(OFFICE.working(t("2030-01-01T00:00:00+08:00"), t("2031-01-01T00:00:00+08:00")), 261 * 8 * H);
}

#[test]
fn listed_dates_by_hand() {
    let c = &*OFFICE;
    for worked in ["2026-10-10", "2026-09-20", "2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2025-01-26"] {
        assert_eq!(c.day_micros(date(worked)), 8 * H, "{worked} is a make-up working day");
    }
    for off in ["2026-10-05", "2026-10-01", "2026-10-07", "2026-02-23", "2025-10-08", "2025-06-02", "2025-01-01"] {
        assert_eq!(c.day_micros(date(off)), 0, "{off} is a holiday");
    }
    assert_eq!(c.day_micros(date("2026-10-08")), 8 * H);
    assert_eq!(c.day_micros(date("2026-10-11")), 0, "a Sunday");
    // Before and after the listed years: 1 Oct is a Tuesday in 2024 and 2030, worked.
    assert_eq!(c.day_micros(date("2024-10-01")), 8 * H);
    assert_eq!(c.day_micros(date("2030-10-01")), 8 * H);
    assert_eq!(ALWAYS.day_micros(date("2026-10-01")), 24 * H);
}

#[test]
fn deadlines_by_hand() {
    let c = &*OFFICE;
    let monday = t("2026-09-14T09:00:00+08:00");
    // A limit used up at an interval's end is due at the next interval's start.
    assert_eq!(c.deadline(monday, 8 * H), t("2026-09-15T09:00:00+08:00"));
    assert_eq!(c.deadline(monday, 3 * H), t("2026-09-14T13:00:00+08:00"));
    assert_eq!(c.deadline(monday, 8 * H - 1), t("2026-09-14T17:59:59.999999+08:00"));
    // Over National Day: 1 h on Wednesday 30 Sep, then Thursday 8 Oct.
    assert_eq!(c.deadline(t("2026-09-30T17:00:00+08:00"), 2 * H), t("2026-10-08T10:00:00+08:00"));
    // Friday 9 Oct 17:00 + 1 h ends at 18:00: due when the make-up Saturday starts.
    assert_eq!(c.deadline(t("2026-10-09T17:00:00+08:00"), H), t("2026-10-10T09:00:00+08:00"));
    assert_eq!(c.deadline(t("2026-10-09T17:00:00+08:00"), H + 1), t("2026-10-10T09:00:00.000001+08:00"));
    // From outside working hours, the clock starts with the next interval.
    assert_eq!(c.deadline(t("2026-10-03T12:00:00+08:00"), 30 * MIN), t("2026-10-08T09:30:00+08:00"));
    // No limit, and no start.
    assert_eq!(c.deadline(monday, 0), monday);
    assert_eq!(c.deadline(monday, -5), monday);
    assert_eq!(c.deadline(Time::NONE, H), Time::NONE);
    assert_eq!(ALWAYS.deadline(monday, 8 * H), t("2026-09-14T17:00:00+08:00"));
}

#[test]
fn always_is_wall_time_in_any_zone() {
    let c = Calendar::always(chrono_tz::Europe::Amsterdam);
    assert_eq!(c.id, "24x7");
    assert!(c.is_always());
    let (a, b) = (t("2026-03-28T12:00:00Z"), t("2026-03-30T12:00:00Z"));
    assert_eq!(c.working(a, b), 48 * H);
    assert_eq!(c.day_micros(date("2026-03-29")), 23 * H, "the day daylight saving starts");
}

#[test]
fn the_shipped_file_matches_the_notices() {
    let f = read(&shipped("cn-office"));
    assert!(f.diagnostics.is_empty(), "{:?}", f.diagnostics);
    let text = f.text.unwrap();
    assert!(text.contains("国办发明电〔2024〕12号") && text.contains("2025-11-04"), "the notices are cited");
}

/// Holidays and make-up days of the notices, written again here as the oracle's own table.
const OFF: [(&str, &str); 13] = [
    ("2025-01-01", "2025-01-01"),
    ("2025-01-28", "2025-02-04"),
    ("2025-04-04", "2025-04-06"),
    ("2025-05-01", "2025-05-05"),
    ("2025-05-31", "2025-06-02"),
    ("2025-10-01", "2025-10-08"),
    ("2026-01-01", "2026-01-03"),
    ("2026-02-15", "2026-02-23"),
    ("2026-04-04", "2026-04-06"),
    ("2026-05-01", "2026-05-05"),
    ("2026-06-19", "2026-06-21"),
    ("2026-09-25", "2026-09-27"),
    ("2026-10-01", "2026-10-07"),
];
const WORKED: [&str; 11] = [
    "2025-01-26",
    "2025-02-08",
    "2025-04-27",
    "2025-09-28",
    "2025-10-11",
    "2026-01-04",
    "2026-02-14",
    "2026-02-28",
    "2026-05-09",
    "2026-09-20",
    "2026-10-10",
];

/// Working time by brute force: every local date between the two, its intervals turned into
/// instants with chrono-tz and intersected with `[a, b)`.
fn oracle(a: i64, b: i64) -> i64 {
    if b <= a {
        return 0;
    }
    let local = |x: i64| DateTime::from_timestamp_micros(x).unwrap().with_timezone(&Shanghai).date_naive();
    let mut day = local(a).pred_opt().unwrap();
    let mut total = 0;
    while day <= local(b) {
        let s = day.format("%Y-%m-%d").to_string();
        let off = OFF.iter().any(|(f, l)| *f <= s.as_str() && s.as_str() <= *l);
        let weekend = chrono::Datelike::weekday(&day).num_days_from_monday() >= 5;
        if !off && (!weekend || WORKED.contains(&s.as_str())) {
            for (h1, h2) in [(9, 12), (13, 18)] {
                let at =
                    |h| Shanghai.from_local_datetime(&day.and_hms_opt(h, 0, 0).unwrap()).unwrap().timestamp_micros();
                total += (at(h2).min(b) - at(h1).max(a)).max(0);
            }
        }
        day = day.succ_opt().unwrap();
    }
    total
}

/// Instants from mid-2024 to 2027: minutes (they meet interval ends) or any microsecond.
fn instant() -> impl Strategy<Value = i64> {
    let (lo, hi) = (1_719_792_000_000_000_i64, 1_800_000_000_000_000_i64);
    prop_oneof![(lo / MIN..hi / MIN).prop_map(|m| m * MIN), lo..hi]
}

/// An instant and another at most `days` later.
fn pair(days: i64) -> impl Strategy<Value = (i64, i64)> {
    (instant(), 0..days * 24 * H).prop_map(|(a, d)| (a, a + d))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn working_matches_the_day_by_day_oracle((a, b) in pair(40)) {
        prop_assert_eq!(OFFICE.working(Time(a), Time(b)), oracle(a, b));
    }

    #[test]
    fn working_never_exceeds_wall_time(a in instant(), b in instant()) {
        let w = OFFICE.working(Time(a), Time(b));
        prop_assert!((0..=(b - a).max(0)).contains(&w));
    }

    #[test]
    fn working_is_additive(a in instant(), b in instant(), c in instant()) {
        let mut v = [a, b, c];
        v.sort_unstable();
        let [a, b, c] = v.map(Time);
        prop_assert_eq!(OFFICE.working(a, c), OFFICE.working(a, b) + OFFICE.working(b, c));
    }

    #[test]
    fn nothing_counts_inside_a_holiday(x in 0..7 * 24 * H, y in 0..7 * 24 * H, spring in any::<bool>()) {
        let start = if spring { t("2025-01-28T00:00:00+08:00") } else { t("2026-10-01T00:00:00+08:00") };
        let (x, y) = (x.min(y), x.max(y));
        prop_assert_eq!(OFFICE.working(Time(start.0 + x), Time(start.0 + y)), 0);
    }

    #[test]
    fn always_is_wall_time(a in instant(), b in instant()) {
        prop_assert_eq!(ALWAYS.working(Time(a), Time(b)), (b - a).max(0));
        prop_assert_eq!(Calendar::always(Shanghai).working(Time(a), Time(b)), (b - a).max(0));
    }

    #[test]
    fn deadline_is_the_inverse_of_working(a in instant(), x in 1..(120 * 8 * H)) {
        let due = OFFICE.deadline(Time(a), x);
        prop_assert_eq!(OFFICE.working(Time(a), due), x);
        prop_assert!(OFFICE.working(Time(a), Time(due.0 + 1)) > x, "the latest such instant");
        prop_assert_eq!(ALWAYS.deadline(Time(a), x), Time(a + x));
    }
}

#[test]
fn extreme_dates_and_instants_neither_overflow_nor_panic() {
    for c in [&*OFFICE, &*ALWAYS] {
        assert_eq!(c.day_micros(NaiveDate::MAX), 0, "past the year 9999 nothing counts");
        assert_eq!(c.day_micros(NaiveDate::MIN), 0);
        assert!(c.working(Time(i64::MIN + 1), Time(i64::MAX)) > 0);
        assert_eq!(c.deadline(Time(i64::MAX), 1), Time(253_402_300_800_000_000));
        assert!(c.local_date(Time(i64::MAX)).is_some());
    }
}

/// Lines a calendar file may have, right and wrong, to build random files from.
const LINES: [&str; 24] = [
    "id: x",
    "name: X",
    "timezone: Asia/Shanghai",
    "timezone: Europe/Amsterdam",
    "timezone: Mars/Base",
    "hours: always",
    "hours:",
    "  mon: [\"09:00-12:00\", \"13:00-18:00\"]",
    "  tue: [\"13:00-18:00\", \"09:00-12:00\"]",
    "  sat: [\"22:00-24:00\"]",
    "  sun: \"00:00-06:00\"",
    "  wed: [24:00-24:00, 9-5]",
    "  thu: {a: b}",
    "holidays:",
    "  - 2026-10-01..2026-10-07",
    "  - 2026-10-07..2026-10-01",
    "  - 2026-02-30",
    "  - [2026-01-01]",
    "workdays:",
    "  - {date: 2026-10-10, as: mon}",
    "  - {date: 2026-10-03, as: sun}",
    "  - {date: 2026-10-10, as: sat}",
    "  - {as: fri}",
    "  - 2026-10-11",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Any mix of those lines is decoded without a panic; a valid result computes.
    #[test]
    fn decoding_never_panics(lines in prop::collection::vec(prop::sample::select(LINES.to_vec()), 0..16)) {
        let text = lines.join("\n");
        if let Ok(Some(root)) = crate::model::yaml::parse(&text) {
            let mut d = crate::model::decode::Decoder::new("x.yaml");
            if let Some(p) = crate::model::calendar_file::decode(&mut d, &root, &text, Some("x")) {
                prop_assert!(!d.has_errors());
                if let crate::model::calendar_file::Hours::Week(week) = p.hours {
                    let s = crate::model::working_time::Schedule::new(week, p.listed, chrono_tz::Tz::UTC);
                    let w = s.working(1_790_000_000_000_000, 1_800_000_000_000_000);
                    prop_assert!(w > 0);
                    prop_assert_eq!(s.working(1_790_000_000_000_000, s.deadline(1_790_000_000_000_000, w)), w);
                }
            } else {
                prop_assert!(d.has_errors(), "no calendar and no error for:\n{}", text);
            }
        }
    }
}
