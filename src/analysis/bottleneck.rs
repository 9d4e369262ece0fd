//! Bottlenecks: where tickets wait. A performance view of the observed transitions, waiting and
//! processing time per step, time per department, and the ranking of steps by the share of
//! throughput time tickets spend waiting for them.
//!
//! Owns [`bottlenecks`], [`Bottlenecks`] and [`Stats`]. Definitions (`docs/metrics.md`,
//! `docs/time-limits.md`), in natural (wall-clock) time:
//!
//! - an **activity instance** is a `complete` event, paired with the earliest unpaired `start`
//!   event of the same activity before it when the log has lifecycle transitions; without them
//!   every event is an instance that completes at its time; other transitions (schedule,
//!   suspend, ...) are not used and are counted;
//! - a **transition** a -> b joins consecutive instances of a ticket (in completion order); its
//!   **wait** is b's start (or completion, when b has no start) minus a's completion (the edge
//!   duration of a performance map);
//! - a step's **waiting time** is the wait of the transition into it; its **processing time**
//!   is its completion minus its start (only with start events);
//! - a department's **time** is the waiting and processing time of the instances it did;
//! - a ticket's **throughput time** is its last event minus its first; a step's **share** is the
//!   waiting time before it summed over tickets over the throughput time summed over tickets.
//!
//! Statistics are count, mean, median, p90 (linear between ranks, as numpy's default), min and
//! max, in seconds. Cost: O(events) per ticket plus a sort of each step's and transition's
//! durations (8 bytes per event kept).

use std::collections::BTreeMap;

use crate::log::department::{Departments, Dept};
use crate::log::event_log::EventLog;
use crate::log::mapping::activity_ids;
use crate::log::timestamp::Time;
use crate::model::process::{Process, StepId};

/// count, mean, median, p90, min, max of durations in seconds.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Stats {
    /// How many.
    pub count: u64,
    /// Mean, seconds.
    pub mean: f64,
    /// Median, seconds.
    pub median: f64,
    /// 90th percentile, seconds.
    pub p90: f64,
    /// Smallest, seconds.
    pub min: f64,
    /// Largest, seconds.
    pub max: f64,
}

impl Stats {
    /// The statistics of `v` (sorted in place); `None` when empty.
    ///
    /// # Example
    /// ```
    /// use flowaudit::analysis::bottleneck::Stats;
    /// let s = Stats::of(&mut vec![40, 10, 20, 30]).unwrap();
    /// assert_eq!((s.median, s.p90, s.mean), (25.0, 37.0, 25.0));
    /// ```
    #[expect(clippy::cast_precision_loss, reason = "durations and counts are far below 2^52")]
    pub fn of(v: &mut [i64]) -> Option<Stats> {
        if v.is_empty() {
            return None;
        }
        v.sort_unstable();
        let n = v.len();
        let at = |p: f64| {
            let rank = p * (n - 1) as f64;
            #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "rank is in 0..n")]
            let (lo, hi) = (rank.floor() as usize, rank.ceil() as usize);
            v[lo] as f64 + (v[hi] - v[lo]) as f64 * (rank - lo as f64)
        };
        let sum: i64 = v.iter().sum();
        Some(Stats {
            count: n as u64,
            mean: sum as f64 / n as f64,
            median: at(0.5),
            p90: at(0.9),
            min: v[0] as f64,
            max: v[n - 1] as f64,
        })
    }
}

/// Durations gathered for one step.
#[derive(Debug, Clone, Default)]
pub struct StepTimes {
    /// Waits before it, seconds.
    pub waiting: Vec<i64>,
    /// Processing times, seconds.
    pub processing: Vec<i64>,
}

/// Where a log's tickets spend their time.
#[derive(Debug, Clone, Default)]
pub struct Bottlenecks {
    /// Waits of each observed transition (by activity ids), seconds.
    pub transitions: BTreeMap<(u32, u32), Vec<i64>>,
    /// Waiting and processing per activity id.
    pub steps: BTreeMap<u32, StepTimes>,
    /// Waiting and processing seconds per department.
    pub departments: BTreeMap<Dept, (i64, i64)>,
    /// Throughput time summed over tickets, seconds.
    pub throughput: i64,
    /// Whether start events were paired (processing times exist).
    pub has_starts: bool,
    /// Events of other lifecycle transitions, not used.
    pub unused_events: u64,
    /// Start events never completed.
    pub unfinished: u64,
}

/// One activity instance of a ticket.
#[derive(Clone, Copy)]
struct Instance {
    act: u32,
    start: Time,
    end: Time,
    dept: Dept,
}

/// The bottlenecks of `log` for `process`.
pub fn bottlenecks(log: &EventLog, process: &Process, step_of: &[Option<StepId>], depts: &Departments) -> Bottlenecks {
    let ids = activity_ids(step_of, process.steps.len());
    // Lifecycle values: Some(true) start, Some(false) complete, None other.
    let lifecycle: Option<(&Vec<crate::log::intern::Sym>, Vec<Option<bool>>)> =
        log.events.lifecycle.as_ref().map(|c| {
            let kinds = log
                .values
                .iter()
                .map(|(_, v)| match v.trim().to_ascii_lowercase().as_str() {
                    "start" => Some(true),
                    "complete" | "" => Some(false),
                    _ => None,
                })
                .collect();
            (c, kinds)
        });
    let mut b = Bottlenecks::default();
    let mut instances: Vec<Instance> = Vec::new();
    let mut open: Vec<Instance> = Vec::new();
    let secs = |d: i64| d.div_euclid(1_000_000);
    for case in log.case_indices() {
        instances.clear();
        open.clear();
        let range = log.events_of(case);
        for e in range.clone() {
            let t = log.time[e];
            if !t.is_some() {
                continue;
            }
            let a = log.activity[e].index();
            let kind = lifecycle
                .as_ref()
                .map_or(Some(false), |(c, k)| if c[e].is_some() { k[c[e].index()] } else { Some(false) });
            let dept = depts.of_event(log, e, step_of[a], process);
            match kind {
                Some(true) => open.push(Instance { act: ids[a], start: t, end: Time::NONE, dept }),
                Some(false) => {
                    let start = open.iter().position(|o| o.act == ids[a]).map_or(Time::NONE, |i| open.remove(i).start);
                    b.has_starts |= start.is_some();
                    instances.push(Instance { act: ids[a], start, end: t, dept });
                }
                None => b.unused_events += 1,
            }
        }
        b.unfinished += open.len() as u64;
        let times = &log.time[range];
        if let (Some(first), Some(last)) =
            (times.iter().find(|t| t.is_some()), times.iter().rev().find(|t| t.is_some()))
        {
            b.throughput += secs(last.0 - first.0);
        }
        for (i, x) in instances.iter().enumerate() {
            let times = b.steps.entry(x.act).or_default();
            let processing = if x.start.is_some() { secs(x.end.0 - x.start.0) } else { 0 };
            if x.start.is_some() {
                times.processing.push(processing);
            }
            let mut waiting = 0;
            if i > 0 {
                let prev = &instances[i - 1];
                let begin = if x.start.is_some() { x.start } else { x.end };
                waiting = secs(begin.0 - prev.end.0);
                times.waiting.push(waiting);
                b.transitions.entry((prev.act, x.act)).or_default().push(waiting);
            }
            if x.dept.is_some() {
                let d = b.departments.entry(x.dept).or_insert((0, 0));
                d.0 += waiting;
                d.1 += processing;
            }
        }
    }
    b
}

#[cfg(test)]
mod tests {
    use super::{Stats, bottlenecks};
    use crate::log::builder::{Extras, LogBuilder, Present};
    use crate::log::department::Departments;
    use crate::log::mapping::ActivityMapping;
    use crate::log::timestamp::Time;
    use crate::model::library;

    const S: i64 = 1_000_000;

    #[test]
    fn waits_processing_and_shares_by_hand() {
        let lib = library::load(&["processes/complaint-linear.yaml".into()]);
        let p = &lib.processes[0];
        let mut b = LogBuilder::new(Present { lifecycle: true, ..Present::default() });
        let c = b.case("T1");
        // receive done at 0; diagnose starts at 100 and completes at 400; close at 1000.
        for (act, life, t) in [
            ("receive", "complete", 0),
            ("diagnose", "start", 100),
            ("diagnose", "complete", 400),
            ("close", "complete", 1000),
        ] {
            b.event(c, act, Time(t * S), Extras { lifecycle: Some(life), ..Extras::default() });
        }
        let c = b.case("T2");
        b.event(c, "receive", Time(0), Extras { lifecycle: Some("complete"), ..Extras::default() });
        b.event(c, "close", Time(50 * S), Extras { lifecycle: Some("complete"), ..Extras::default() });
        b.event(c, "diagnose", Time(60 * S), Extras { lifecycle: Some("schedule"), ..Extras::default() });
        let log = b.finish();
        let m = ActivityMapping::new(&log, p, &[], "").unwrap();
        let d = Departments::new(&log, p, &[], &[], "").unwrap();
        let r = bottlenecks(&log, p, &m.step_of, &d);
        let id = |s: &str| p.step_id(s).unwrap().0;
        assert!(r.has_starts);
        assert_eq!(r.unused_events, 1, "the schedule event");
        assert_eq!(r.transitions[&(id("receive"), id("diagnose"))], [100], "to the start of diagnose");
        assert_eq!(r.transitions[&(id("diagnose"), id("close"))], [600]);
        assert_eq!(r.transitions[&(id("receive"), id("close"))], [50]);
        assert_eq!(r.steps[&id("diagnose")].processing, [300]);
        assert_eq!(r.throughput, 1060, "1000 + 60 s");
        let expert = crate::log::department::Dept(p.step(p.step_id("diagnose").unwrap()).role.0);
        assert_eq!(r.departments[&expert], (100, 300));
        let s = Stats::of(&mut r.transitions[&(id("diagnose"), id("close"))].clone()).unwrap();
        assert_eq!((s.count, s.median, s.max), (1, 600.0, 600.0));
    }
}
