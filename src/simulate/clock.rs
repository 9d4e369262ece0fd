//! Simulated time: when tickets arrive over the month, how long each step takes, and how a moment
//! is written.
//!
//! Owns the daily arrival pattern ([`HOURLY_WEIGHTS`], weekends at [`WEEKEND_PERCENT`] %), the
//! `Arrivals` stream (ticket `i` of `n` arrives at the `(i + u) / n` quantile of the month's
//! arrival intensity, `u` uniform in [0, 1): arrival order equals ticket order, with O(1) memory
//! and O(1) amortised time per ticket), step durations (`StepTiming`: log-normal-like, scaled to
//! the step's time limit) and RFC 3339 timestamps with the `+08:00` offset, written without
//! allocating. All times are seconds of local (Asia/Shanghai, UTC+08:00) wall-clock time counted
//! from 1970-01-01T00:00 local.

use chrono::{Datelike, Weekday};

use crate::model::process::Step;
use crate::simulate::config::Month;
use crate::simulate::rng::Xoshiro256;

/// Relative ticket arrivals per hour of the day (0-23 h local): quiet at night, busy 9-12 and
/// 14-17, a dip at lunch, a long evening tail.
pub const HOURLY_WEIGHTS: [u32; 24] =
    [2, 1, 1, 1, 1, 2, 4, 8, 16, 26, 28, 26, 16, 18, 26, 27, 25, 19, 14, 12, 10, 8, 5, 3];
/// Saturday and Sunday traffic, in percent of a weekday.
pub const WEEKEND_PERCENT: u32 = 75;

/// Median duration as a share of a step's limit: with [`LIMITED_SIGMA`], about 7 % of steps run
/// past their limit.
pub const MEDIAN_SHARE_OF_LIMIT: f64 = 0.35;
/// Spread of steps with a limit (the log-normal sigma).
pub const LIMITED_SIGMA: f64 = 0.7;
/// Median and sigma of a step without a limit, done by an execution department of the maintenance
/// class (a field repair: hours).
pub const MAINTENANCE_TIMING: (f64, f64) = (8.0 * 3600.0, 0.8);
/// ... by an execution department of the construction class (network building: days).
pub const CONSTRUCTION_TIMING: (f64, f64) = (5.0 * 86_400.0, 0.6);
/// ... by anyone else (closing, archiving: minutes).
pub const DEFAULT_TIMING: (f64, f64) = (15.0 * 60.0, 1.0);
/// ... of an extra step that is not in the process (an unplanned callback or re-dispatch).
pub const EXTRA_TIMING: (f64, f64) = (30.0 * 60.0, 1.0);

/// Seconds in a day.
const DAY: i64 = 86_400;

/// Days from 1970-01-01 to `y-m-d` (proleptic Gregorian; Howard Hinnant's algorithm).
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day number (inverse of [`days_from_civil`]).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let m = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Writes `v` as `width` decimal digits at `buf[at..]`.
fn put(buf: &mut [u8], at: usize, v: i64, width: usize) {
    let mut v = v;
    for i in (0..width).rev() {
        buf[at + i] = b'0' + u8::try_from(v % 10).unwrap_or(0);
        v /= 10;
    }
}

/// An RFC 3339 timestamp buffer, `YYYY-MM-DDTHH:MM:SS+08:00`, that recomputes the date only when
/// the day changes (the events of a ticket mostly share a day).
#[derive(Debug, Clone)]
pub(crate) struct Timestamp {
    day: i64,
    buf: [u8; 25],
}

impl Timestamp {
    /// An empty buffer.
    pub(crate) fn new() -> Self {
        Timestamp { day: i64::MIN, buf: *b"0000-00-00T00:00:00+08:00" }
    }

    /// `local` (seconds, see the module docs) written out.
    pub(crate) fn at(&mut self, local: i64) -> &[u8; 25] {
        let day = local.div_euclid(DAY);
        if day != self.day {
            let (y, m, d) = civil_from_days(day);
            put(&mut self.buf, 0, y, 4);
            put(&mut self.buf, 5, i64::from(m), 2);
            put(&mut self.buf, 8, i64::from(d), 2);
            self.day = day;
        }
        let s = local.rem_euclid(DAY);
        put(&mut self.buf, 11, s / 3600, 2);
        put(&mut self.buf, 14, s / 60 % 60, 2);
        put(&mut self.buf, 17, s % 60, 2);
        &self.buf
    }
}

/// The arrival times of `n` tickets spread over a month, in order.
#[derive(Debug, Clone)]
pub(crate) struct Arrivals {
    /// Local seconds at the month's first midnight.
    start: i64,
    /// Running totals of the arrival weight of each hour of the month.
    cumulative: Vec<u64>,
    n: f64,
    /// The hour the last arrival fell in (arrivals only move forward).
    hour: usize,
    last: i64,
}

impl Arrivals {
    /// The arrival stream of `n` tickets in `month`. O(hours of the month).
    pub(crate) fn new(month: Month, n: u64) -> Arrivals {
        let first = month.first_day();
        let start = days_from_civil(i64::from(first.year()), first.month(), first.day()) * DAY;
        let mut total = 0u64;
        let mut cumulative = Vec::with_capacity(month.days() as usize * 24);
        for day in 0..month.days() {
            let weekday = (first + chrono::Days::new(u64::from(day))).weekday();
            let percent = if matches!(weekday, Weekday::Sat | Weekday::Sun) { WEEKEND_PERCENT } else { 100 };
            for w in HOURLY_WEIGHTS {
                total += u64::from(w * percent);
                cumulative.push(total);
            }
        }
        #[expect(clippy::cast_precision_loss, reason = "ticket counts far below 2^53")]
        let n = n as f64;
        Arrivals { start, cumulative, n, hour: 0, last: i64::MIN }
    }

    /// When ticket `i` (0-based, asked in increasing order) arrives, with `u` uniform in [0, 1).
    pub(crate) fn at(&mut self, i: u64, u: f64) -> i64 {
        let total = self.cumulative.last().copied().unwrap_or(1);
        #[expect(clippy::cast_precision_loss, reason = "ticket indices and weights far below 2^53")]
        let x = ((i as f64 + u) / self.n).min(1.0) * total as f64;
        #[expect(clippy::cast_precision_loss, reason = "weights of a month are far below 2^53")]
        while self.hour + 1 < self.cumulative.len() && (self.cumulative[self.hour] as f64) <= x {
            self.hour += 1;
        }
        let before = if self.hour == 0 { 0 } else { self.cumulative[self.hour - 1] };
        let weight = self.cumulative[self.hour] - before;
        #[expect(clippy::cast_precision_loss, reason = "weights are small")]
        let into = ((x - before as f64) / weight as f64).clamp(0.0, 1.0) * 3599.0;
        #[expect(clippy::cast_possible_truncation, reason = "0..3600 seconds")]
        let t = self.start + i64::try_from(self.hour).unwrap_or(0) * 3600 + into as i64;
        self.last = self.last.max(t);
        self.last
    }
}

/// How long a step takes: a median and a spread.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct StepTiming {
    median: f64,
    sigma: f64,
}

impl StepTiming {
    /// The timing of `step` done by the role with id `role_id`: scaled to its limit when it has one
    /// ([`MEDIAN_SHARE_OF_LIMIT`], [`LIMITED_SIGMA`]), else by who does it.
    pub(crate) fn of(step: &Step, role_id: &str) -> StepTiming {
        #[expect(clippy::cast_precision_loss, reason = "limits are far below 2^53 seconds")]
        let (median, sigma) = match step.limit {
            Some(l) => (l.seconds as f64 * MEDIAN_SHARE_OF_LIMIT, LIMITED_SIGMA),
            None if role_id == "maintenance" => MAINTENANCE_TIMING,
            None if role_id == "construction" => CONSTRUCTION_TIMING,
            None => DEFAULT_TIMING,
        };
        StepTiming { median, sigma }
    }

    /// The timing of an extra, unplanned step.
    pub(crate) fn extra() -> StepTiming {
        StepTiming { median: EXTRA_TIMING.0, sigma: EXTRA_TIMING.1 }
    }

    /// A duration in whole seconds, at least 1 (so events of a ticket never share a second).
    pub(crate) fn draw(self, rng: &mut Xoshiro256) -> i64 {
        #[expect(clippy::cast_possible_truncation, reason = "at most e^6 times a bounded median")]
        let s = (self.median * rng.skewed(self.sigma)).round() as i64;
        s.max(1)
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, NaiveDateTime};

    use crate::model::duration::Limit;
    use crate::model::process::{RoleId, Step};
    use crate::simulate::clock::{Arrivals, DAY, HOURLY_WEIGHTS, StepTiming, Timestamp, days_from_civil};
    use crate::simulate::config::Month;
    use crate::simulate::rng::Xoshiro256;

    fn local(t: i64) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(1970, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap() + chrono::Duration::seconds(t)
    }

    #[test]
    fn timestamps_match_chrono() {
        let mut stamp = Timestamp::new();
        for t in [
            0,
            1_790_000_000,
            1_790_000_000 + 86_399,
            951_782_400,
            4_102_444_800 + 3_600 * 23 + 59,
            253_370_764_800 - 1,
        ] {
            let want = format!("{}+08:00", local(t).format("%Y-%m-%dT%H:%M:%S"));
            assert_eq!(std::str::from_utf8(stamp.at(t)).unwrap(), want);
        }
        assert_eq!(
            days_from_civil(2026, 10, 1),
            (NaiveDate::from_ymd_opt(2026, 10, 1).unwrap() - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days()
        );
    }

    #[test]
    fn arrivals_are_ordered_inside_the_month_and_busy_in_office_hours() {
        let month = Month::parse("2026-10").unwrap();
        let n = 50_000;
        let mut a = Arrivals::new(month, n);
        let start = days_from_civil(2026, 10, 1) * DAY;
        let mut by_hour = [0u32; 24];
        let mut last = i64::MIN;
        let mut rng = Xoshiro256::new(1, 0);
        for i in 0..n {
            let t = a.at(i, rng.unit());
            assert!(t >= last && t >= start && t < start + 31 * DAY, "{i}: {t}");
            last = t;
            by_hour[usize::try_from(t.rem_euclid(DAY) / 3600).unwrap()] += 1;
        }
        assert!(last > start + 30 * DAY, "the whole month is used");
        let total: u32 = HOURLY_WEIGHTS.iter().sum();
        for (h, c) in by_hour.iter().enumerate() {
            let want = f64::from(HOURLY_WEIGHTS[h]) / f64::from(total) * 50_000.0;
            assert!((f64::from(*c) - want).abs() < want * 0.1 + 30.0, "hour {h}: {c} vs {want}");
        }
    }

    #[test]
    fn durations_mostly_stay_within_the_limit() {
        let step = Step {
            id: "s".into(),
            name: "s".into(),
            name_zh: None,
            role: RoleId(0),
            limit: Some(Limit { seconds: 3600 }),
            aliases: vec![],
            description: None,
        };
        let timing = StepTiming::of(&step, "frontline");
        let mut rng = Xoshiro256::new(2, 0);
        let over = (0..10_000).filter(|_| timing.draw(&mut rng) > 3600).count();
        assert!((400..1000).contains(&over), "{over} of 10000 past the limit");
    }
}
