//! Working-time arithmetic: how much of a stretch of time a working calendar counts, and when a
//! given amount of working time has passed.
//!
//! Owns [`Schedule`], the compiled form of a calendar file (see [`crate::model::calendar`] and
//! `docs/calendars.md`): weekly hours, the listed dates (holidays and make-up working days) and
//! the calendar zone's UTC offsets.
//!
//! **What counts.** An instant is working time when the wall clock of the calendar's zone, at that
//! instant, shows a time inside a working interval of the date it shows: the weekday's intervals, none
//! on a holiday, and the intervals of the weekday named by `as` on a make-up working day. Working
//! time between two instants is the measure of the working instants between them. This one rule
//! settles daylight-saving changes: a wall-clock time the clock skips (a gap) is never shown, so an
//! interval end in a gap closes the interval when the clock jumps past it; a wall-clock time the
//! clock shows twice (a fold) is worked both times, so an interval end in a fold closes it at the
//! second occurrence. Asia/Shanghai has had neither since 1991.
//!
//! **How.** Let `W(x)` be the working time from a fixed origin to the wall-clock time `x` (local
//! microseconds, read as if UTC) on the weekly hours and listed dates. `W` is computed in
//! O(log L + I) for L listed runs and I intervals of a day: whole weeks are counted at once
//! (weeks x the week's hours), each listed run's difference to its regular weeks is summed in
//! advance, and the runs are found by binary search. Between two transitions of the zone's offset
//! the wall clock is `utc + offset`, so the working time of a stretch is `W(b + off) - W(a + off)`
//! summed over the offset spans it crosses. The spans are found once per calendar, by reading the
//! zone's offset at every UTC midnight from 1800 to 2200 (chrono-tz holds transitions only from
//! 1845 to 2099, and no zone in it changes twice within a day: the closest two changes are a week
//! apart) and bisecting to the second where it changes.
//!
//! Instants are clamped to the years 1 to 9999, which is all a log reader produces.

use std::sync::OnceLock;

use chrono::{DateTime, Offset, TimeZone};
use chrono_tz::Tz;

/// Microseconds in a day of 24 hours.
pub const DAY: i64 = 86_400_000_000;
/// The earliest instant counted: 0001-01-01T00:00:00Z (earlier instants are read as this one).
pub const FIRST: i64 = -62_135_596_800_000_000;
/// The latest instant counted: 10000-01-01T00:00:00Z (later instants are read as this one).
pub const LAST: i64 = 253_402_300_800_000_000;
/// First and last second (UTC, 1800-01-01 and 2200-01-01) of the scan for offset changes.
const SCAN: (i64, i64) = (-5_364_662_400, 7_258_118_400);

/// Weekly hours: per weekday (0 = Monday), working intervals as microseconds of the day.
pub type Week = [Vec<(i64, i64)>; 7];

/// How a listed date is worked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind {
    /// Not worked (a public holiday).
    Off,
    /// Worked with the hours of this weekday (0 = Monday ... 6 = Sunday).
    As(usize),
}

/// A run of listed dates, as day numbers (days since 1970-01-01), both ends included.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Run {
    first: i64,
    last: i64,
    kind: DayKind,
    /// Working time the runs before this one add to (or take from) the regular weeks.
    before: i64,
}

/// A compiled working calendar: weekly hours, listed dates and the zone's offset spans.
#[derive(Debug, Clone)]
pub struct Schedule {
    /// Per weekday (0 = Monday), working intervals as microseconds of the day: sorted, disjoint,
    /// not touching, within `0..=DAY`.
    hours: Week,
    /// Working microseconds of each weekday.
    day_total: [i64; 7],
    /// `prefix[w]`: working microseconds from Monday 00:00 to weekday `w` 00:00; `prefix[7]` is the week.
    prefix: [i64; 8],
    /// Listed runs, sorted and disjoint.
    runs: Vec<Run>,
    /// What all runs together add to the regular weeks.
    after_all: i64,
    /// The zone the wall clock is read in.
    zone: Tz,
    /// `(first instant, UTC offset)` in microseconds, sorted; the first starts at `i64::MIN`.
    /// Found when the schedule is built, except for `always`, whose working time needs no offset
    /// (only [`Schedule::day_micros`] and [`Schedule::local_day`] do): found on first use there.
    spans: OnceLock<Vec<(i64, i64)>>,
    /// Every instant is working time (`hours: always`).
    always: bool,
}

/// Weekday (0 = Monday) of a day number (days since 1970-01-01, a Thursday).
pub fn weekday_of(day: i64) -> usize {
    usize::try_from((day + 3).rem_euclid(7)).unwrap_or(0)
}

/// The zone's offset changes: `(first instant, offset)` in microseconds, the first from `i64::MIN`.
///
/// Reads the offset at every UTC midnight of [`SCAN`] (146,000 look-ups, a few milliseconds) and
/// bisects each change to its second (offsets change on whole seconds).
fn offset_spans(zone: Tz) -> Vec<(i64, i64)> {
    let offset = |secs: i64| {
        DateTime::from_timestamp(secs, 0)
            .map_or(0, |dt| i64::from(zone.offset_from_utc_datetime(&dt.naive_utc()).fix().local_minus_utc()))
    };
    let mut t = SCAN.0;
    let mut current = offset(t);
    let mut spans = vec![(i64::MIN, current * 1_000_000)];
    while t < SCAN.1 {
        let next = t + 86_400;
        if offset(next) == current {
            t = next;
            continue;
        }
        let (mut lo, mut hi) = (t, next); // offset(lo) == current != offset(hi)
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if offset(mid) == current {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        current = offset(hi);
        spans.push((hi * 1_000_000, current * 1_000_000));
        t = hi;
    }
    spans
}

impl Schedule {
    /// Compiles weekly hours (per weekday, 0 = Monday, as microseconds of the day) and listed runs
    /// `(first day, last day, kind)` (day numbers since 1970-01-01) for `zone`.
    ///
    /// Intervals are sorted, merged and clipped to the day, and overlapping runs clipped so the
    /// earlier one wins (the calendar decoder reports such overlaps first: as errors, except a
    /// holiday listed twice, which is harmless). Cost:
    /// O(I log I + L log L) plus the scan of the zone's offsets (see the module docs).
    pub fn new(hours: Week, mut listed: Vec<(i64, i64, DayKind)>, zone: Tz) -> Schedule {
        let hours = hours.map(|mut day| {
            day.retain(|(s, e)| s < e);
            day.sort_unstable();
            let mut merged: Vec<(i64, i64)> = Vec::with_capacity(day.len());
            for (s, e) in day {
                let (s, e) = (s.clamp(0, DAY), e.clamp(0, DAY));
                match merged.last_mut() {
                    Some(last) if s <= last.1 => last.1 = last.1.max(e),
                    _ if s < e => merged.push((s, e)),
                    _ => {}
                }
            }
            merged
        });
        let day_total = std::array::from_fn(|w| hours[w].iter().map(|(s, e)| e - s).sum());
        let mut prefix = [0; 8];
        for w in 0..7 {
            prefix[w + 1] = prefix[w] + day_total[w];
        }
        let mut schedule = Schedule {
            hours,
            day_total,
            prefix,
            runs: Vec::with_capacity(listed.len()),
            after_all: 0,
            zone,
            spans: OnceLock::new(),
            always: false,
        };
        listed.sort_by_key(|(first, last, _)| (*first, *last));
        let mut total = 0;
        for (first, last, kind) in listed {
            let first = schedule.runs.last().map_or(first, |r| first.max(r.last + 1));
            if first > last {
                continue;
            }
            let run = Run { first, last, kind, before: total };
            total += schedule.listed_delta(&run, last + 1);
            schedule.runs.push(run);
        }
        schedule.after_all = total;
        schedule.spans.get_or_init(|| offset_spans(zone));
        schedule
    }

    /// Every instant of every day worked, in `zone`. Cheap: the zone's offsets are not read until
    /// [`Schedule::day_micros`] or [`Schedule::local_day`] needs them.
    pub fn always(zone: Tz) -> Schedule {
        let hours = std::array::from_fn(|_| vec![(0, DAY)]);
        let day_total = [DAY; 7];
        let prefix = std::array::from_fn(|w| i64::try_from(w).unwrap_or(0) * DAY);
        Schedule {
            hours,
            day_total,
            prefix,
            runs: Vec::new(),
            after_all: 0,
            zone,
            spans: OnceLock::new(),
            always: true,
        }
    }

    /// The zone's offset spans, found on first use.
    fn spans(&self) -> &[(i64, i64)] {
        self.spans.get_or_init(|| offset_spans(self.zone))
    }

    /// Whether every instant is working time.
    pub fn is_always(&self) -> bool {
        self.always
    }

    /// Working microseconds from Monday 1969-12-29 00:00 to day `day` 00:00 on the weekly hours alone.
    fn regular(&self, day: i64) -> i64 {
        let m = day + 3;
        m.div_euclid(7) * self.prefix[7] + self.prefix[weekday_of(day)]
    }

    /// What the days of `run` before day `upto` add to the regular weeks (negative for holidays).
    fn listed_delta(&self, run: &Run, upto: i64) -> i64 {
        let worked = match run.kind {
            DayKind::Off => 0,
            DayKind::As(w) => (upto - run.first) * self.day_total[w],
        };
        worked - (self.regular(upto) - self.regular(run.first))
    }

    /// How day `day` is worked: the weekday whose hours it has, or not at all.
    fn kind(&self, day: i64) -> DayKind {
        let i = self.runs.partition_point(|r| r.last < day);
        match self.runs.get(i) {
            Some(r) if r.first <= day => r.kind,
            _ => DayKind::As(weekday_of(day)),
        }
    }

    /// The working intervals of a day of `kind`.
    fn intervals(&self, kind: DayKind) -> &[(i64, i64)] {
        match kind {
            DayKind::Off => &[],
            DayKind::As(w) => &self.hours[w],
        }
    }

    /// `W(wall)`: working microseconds from the origin to the wall-clock time `wall` (local
    /// microseconds since 1970-01-01T00:00 read as if UTC). Non-decreasing and continuous.
    /// O(log L + I).
    fn cumulative(&self, wall: i64) -> i64 {
        let day = wall.div_euclid(DAY);
        let time = wall.rem_euclid(DAY);
        let i = self.runs.partition_point(|r| r.last < day);
        let (listed, kind) = match self.runs.get(i) {
            Some(r) if r.first <= day => (r.before + self.listed_delta(r, day), r.kind),
            Some(r) => (r.before, DayKind::As(weekday_of(day))),
            None => (self.after_all, DayKind::As(weekday_of(day))),
        };
        let today: i64 =
            self.intervals(kind).iter().take_while(|(s, _)| *s < time).map(|(s, e)| time.min(*e) - s).sum();
        self.regular(day) + listed + today
    }

    /// Index of the offset span holding instant `t`. O(log T) for T offset changes.
    fn span_at(&self, t: i64) -> usize {
        self.spans().partition_point(|s| s.0 <= t).saturating_sub(1)
    }

    /// Where span `i` ends (the next span's start, or [`LAST`]).
    fn span_end(&self, i: usize) -> i64 {
        self.spans().get(i + 1).map_or(LAST, |s| s.0.min(LAST))
    }

    /// Working microseconds between instants `from` and `to` (UTC microseconds); 0 when `to <= from`.
    ///
    /// O(log T + log L + I) plus O(log L + I) per offset change crossed (two a year in a zone
    /// with daylight saving, none in Asia/Shanghai since 1991). No allocation.
    pub fn working(&self, from: i64, to: i64) -> i64 {
        let (from, to) = (from.clamp(FIRST, LAST), to.clamp(FIRST, LAST));
        if to <= from {
            return 0;
        }
        if self.always {
            return to - from;
        }
        let mut i = self.span_at(from);
        let mut a = from;
        let mut total = 0;
        loop {
            let off = self.spans()[i].1;
            let b = to.min(self.span_end(i));
            total += self.cumulative(b + off) - self.cumulative(a + off);
            if b >= to {
                return total;
            }
            a = b;
            i += 1;
        }
    }

    /// The latest instant `t` with `working(from, t) <= micros`: the moment `micros` of working
    /// time have passed, or, when they end exactly where a working interval ends, the start of the
    /// next working interval. So `t > deadline(from, x)` exactly when `working(from, t) > x`.
    /// `from` itself for `micros <= 0`; [`LAST`] when the limit runs past the year 9999.
    ///
    /// O(log T + spans crossed + log(days) x (log L + I)): the day is found by galloping and
    /// bisection over `W`. No allocation.
    pub fn deadline(&self, from: i64, micros: i64) -> i64 {
        if micros <= 0 {
            return from;
        }
        let from = from.clamp(FIRST, LAST);
        if self.always {
            return from.saturating_add(micros).min(LAST);
        }
        let mut i = self.span_at(from);
        let mut a = from;
        let mut remaining = micros;
        loop {
            let off = self.spans()[i].1;
            let end = self.span_end(i);
            let at_a = self.cumulative(a + off);
            let available = self.cumulative(end + off) - at_a;
            if remaining < available {
                return self.latest_wall(at_a + remaining, a + off, end + off) - off;
            }
            if end >= LAST {
                return LAST;
            }
            remaining -= available;
            a = end;
            i += 1;
        }
    }

    /// The latest wall-clock time `x` with `W(x) <= c`, given `W(low) <= c < W(high)`.
    fn latest_wall(&self, c: i64, low: i64, high: i64) -> i64 {
        let at = |day: i64| self.cumulative(day * DAY);
        let cap = high.div_euclid(DAY) + 1; // at(cap) >= W(high) > c
        let mut lo = low.div_euclid(DAY); // at(lo) <= W(low) <= c
        let mut step = 1;
        let mut hi = loop {
            let probe = lo.saturating_add(step).min(cap);
            if probe == cap || at(probe) > c {
                break probe;
            }
            lo = probe;
            step *= 2;
        };
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if at(mid) <= c {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        // Day `lo` holds it: at(lo) <= c < at(lo + 1).
        let mut base = at(lo);
        for (s, e) in self.intervals(self.kind(lo)) {
            if c - base < e - s {
                return lo * DAY + s + (c - base);
            }
            base += e - s;
        }
        (lo + 1) * DAY
    }

    /// Working microseconds of local day `day` (days since 1970-01-01): the time during which the
    /// clock shows that date inside one of its intervals. Equal to the sum of the day's intervals
    /// except on a day whose offset change falls inside one. O(log T + log L + I).
    pub fn day_micros(&self, day: i64) -> i64 {
        let (start, end) = (day * DAY, (day + 1) * DAY);
        // Offsets stay within +-26 h: the spans showing this date start within two days of it.
        let mut i = self.span_at(start - 2 * DAY);
        let mut total = 0;
        loop {
            let off = self.spans()[i].1;
            let span_start = self.spans()[i].0.max(FIRST);
            let span_end = self.span_end(i);
            let (lo, hi) = ((span_start + off).max(start), (span_end + off).min(end));
            if lo < hi {
                total += self.cumulative(hi) - self.cumulative(lo);
            }
            if span_end >= end + 2 * DAY || span_end >= LAST {
                return total;
            }
            i += 1;
        }
    }

    /// The length of a usual working day: the working time most weekdays with hours have (the
    /// longer on a tie); 24 hours for `always`. A limit of `1d` on this calendar is that long.
    pub fn usual_day(&self) -> i64 {
        let mut best = (0, 0); // (weekdays, length)
        for len in self.day_total {
            let n = self.day_total.iter().filter(|x| **x == len).count();
            if len > 0 && (n, len) > best {
                best = (n, len);
            }
        }
        best.1
    }

    /// The first and last listed day (day numbers), when any date is listed.
    pub fn listed_days(&self) -> Option<(i64, i64)> {
        Some((self.runs.first()?.first, self.runs.last()?.last))
    }

    /// The local date's day number (days since 1970-01-01) of instant `t`.
    pub fn local_day(&self, t: i64) -> i64 {
        let t = t.clamp(FIRST, LAST);
        (t + self.spans()[self.span_at(t)].1).div_euclid(DAY)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::LazyLock;

    use chrono::{NaiveDate, TimeZone};
    use chrono_tz::{America, Asia, Europe, Tz};
    use proptest::prelude::*;

    use super::{DAY, DayKind, LAST, Schedule, Week, offset_spans};

    const H: i64 = 3_600_000_000;

    fn day(y: i32, m: u32, d: u32) -> i64 {
        NaiveDate::from_ymd_opt(y, m, d).unwrap().signed_duration_since(NaiveDate::default()).num_days()
    }

    fn at(zone: Tz, y: i32, mo: u32, d: u32, h: u32, mi: u32) -> i64 {
        zone.with_ymd_and_hms(y, mo, d, h, mi, 0).earliest().unwrap().timestamp_micros()
    }

    /// Weekdays 09:00-12:00 and 13:00-18:00; 2026-10-01..07 off, 2026-10-10 (Saturday) worked as Monday.
    fn office(zone: Tz) -> Schedule {
        let week: Week =
            std::array::from_fn(|w| if w < 5 { vec![(9 * H, 12 * H), (13 * H, 18 * H)] } else { Vec::new() });
        let listed = vec![
            (day(2026, 10, 1), day(2026, 10, 7), DayKind::Off),
            (day(2026, 10, 10), day(2026, 10, 10), DayKind::As(0)),
        ];
        Schedule::new(week, listed, zone)
    }

    /// [`office`] in Shanghai and in Amsterdam (built once: the zone scan takes milliseconds).
    static OFFICES: LazyLock<[Schedule; 2]> = LazyLock::new(|| [office(Asia::Shanghai), office(Europe::Amsterdam)]);

    #[test]
    fn offset_spans_match_chrono_tz() {
        for zone in [Asia::Shanghai, Europe::Amsterdam, America::New_York, Tz::UTC, chrono_tz::Africa::Casablanca] {
            let spans = offset_spans(zone);
            for w in spans.windows(2) {
                assert!(w[0].0 < w[1].0 && w[0].1 != w[1].1, "{zone}: {w:?}");
            }
            for secs in (-3_000_000_000_i64..4_200_000_000).step_by(3_600 * 7 + 13) {
                let dt = chrono::DateTime::from_timestamp(secs, 0).unwrap();
                let want =
                    i64::from(chrono::Offset::fix(&zone.offset_from_utc_datetime(&dt.naive_utc())).local_minus_utc());
                let i = spans.partition_point(|s| s.0 <= secs * 1_000_000) - 1;
                assert_eq!(spans[i].1, want * 1_000_000, "{zone} at {dt}");
            }
        }
        assert_eq!(offset_spans(Tz::UTC), vec![(i64::MIN, 0)]);
    }

    #[test]
    fn weekend_holiday_and_make_up_day() {
        let s = office(Asia::Shanghai);
        let z = Asia::Shanghai;
        // Friday 2026-09-25 17:00 to Monday 09:30: 1 h + 30 min.
        assert_eq!(s.working(at(z, 2026, 9, 25, 17, 0), at(z, 2026, 9, 28, 9, 30)), H + H / 2);
        // Wednesday 2026-09-30 17:00 to Thursday 2026-10-08 10:00: 1 h (National Day off) + 1 h.
        assert_eq!(s.working(at(z, 2026, 9, 30, 17, 0), at(z, 2026, 10, 8, 10, 0)), 2 * H);
        // The Saturday 2026-10-10 is worked like a Monday.
        assert_eq!(s.day_micros(day(2026, 10, 10)), 8 * H);
        assert_eq!(s.day_micros(day(2026, 10, 17)), 0);
        assert_eq!(s.day_micros(day(2026, 10, 5)), 0);
        assert_eq!(s.usual_day(), 8 * H);
    }

    #[test]
    fn deadline_ending_at_an_interval_end_lands_at_the_next_start() {
        let z = Asia::Shanghai;
        let s = office(z);
        // 8 h from Monday 09:00 end at 18:00; the deadline is the next working start, Tuesday 09:00.
        let monday = at(z, 2026, 9, 14, 9, 0);
        assert_eq!(s.deadline(monday, 8 * H), at(z, 2026, 9, 15, 9, 0));
        assert_eq!(s.deadline(monday, 8 * H - 1), at(z, 2026, 9, 14, 18, 0) - 1);
        assert_eq!(s.deadline(monday, 3 * H), at(z, 2026, 9, 14, 13, 0));
        assert_eq!(s.deadline(monday, 0), monday);
    }

    #[test]
    fn a_fold_is_worked_twice_and_a_gap_not_at_all() {
        // 01:00-05:00 every day in Amsterdam: 2026-03-29 skips 02:00-03:00, 2026-10-25 repeats it.
        let s = Schedule::new(std::array::from_fn(|_| vec![(H, 5 * H)]), Vec::new(), Europe::Amsterdam);
        assert_eq!(s.day_micros(day(2026, 3, 28)), 4 * H);
        assert_eq!(s.day_micros(day(2026, 3, 29)), 3 * H);
        assert_eq!(s.day_micros(day(2026, 10, 25)), 5 * H);
        let z = Europe::Amsterdam;
        assert_eq!(s.working(at(z, 2026, 10, 25, 0, 0), at(z, 2026, 10, 25, 12, 0)), 5 * H);
        let always = Schedule::always(z);
        assert_eq!(always.day_micros(day(2026, 3, 29)), 23 * H);
        assert_eq!(always.day_micros(day(2026, 10, 25)), 25 * H);
    }

    #[test]
    fn far_instants_neither_overflow_nor_panic() {
        let s = office(Asia::Shanghai);
        assert_eq!(s.working(i64::MIN + 1, i64::MAX), s.working(super::FIRST, LAST));
        assert!(s.working(super::FIRST, LAST) > 0);
        assert_eq!(s.deadline(0, i64::MAX), LAST);
        assert_eq!(Schedule::always(Tz::UTC).deadline(LAST - 5, 10), LAST);
        let none = Schedule::new(std::array::from_fn(|_| Vec::new()), Vec::new(), Tz::UTC);
        assert_eq!(none.deadline(0, 1), LAST);
        assert_eq!(none.working(0, LAST), 0);
    }

    /// Instants from 2024 to 2028, where the listed dates are, in minutes or microseconds.
    fn instant() -> impl Strategy<Value = i64> {
        let lo = 1_704_067_200_000_000_i64; // 2024-01-01
        let hi = 1_830_297_600_000_000_i64; // 2028-01-01
        prop_oneof![(lo / 60_000_000..hi / 60_000_000).prop_map(|m| m * 60_000_000), lo..hi]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn working_is_additive_and_bounded(a in instant(), b in instant(), c in instant(),
                                           amsterdam in any::<bool>()) {
            let s = &OFFICES[usize::from(amsterdam)];
            let mut v = [a, b, c];
            v.sort_unstable();
            let [a, b, c] = v;
            prop_assert_eq!(s.working(a, c), s.working(a, b) + s.working(b, c));
            prop_assert!(s.working(a, c) <= c - a);
            prop_assert!(s.working(a, c) >= 0);
        }

        #[test]
        fn deadline_inverts_working(a in instant(), x in 1..(400 * DAY)) {
            let s = &OFFICES[1];
            let t = s.deadline(a, x);
            prop_assert_eq!(s.working(a, t), x);
            prop_assert!(s.working(a, t + 1) > x, "not the latest instant");
        }
    }
}
