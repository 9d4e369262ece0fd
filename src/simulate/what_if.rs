//! What-if replay: a month of tickets recorded under one process, replayed on another, so that a
//! manager sees what (say) the flattened complaint process would have done to the month the
//! linear one ran.
//!
//! Owns [`Recorded`], [`replay`] and [`Assumptions`]. The simulator is calibrated from the month
//! itself; each recorded ticket becomes one ticket of the second process:
//!
//! - **Same step**: a step of the second process is the recorded step with the same id; the others
//!   are new (the first process's steps it lacks are dropped with their time).
//! - **Path**: the ticket walks the second process's graph ([`crate::simulate::walk`]). At a choice,
//!   it takes the option whose first step the ticket itself did next (the earliest not yet
//!   replayed occurrence); when it did none of them, the option is drawn with the month's shares
//!   (recorded tickets per option's first steps; the documented branch weights when the month has
//!   none). Each **follow-up** the ticket had (a designed loop-back of the first process, as the
//!   department view counts them) is taken once through the second process's designed loops, at
//!   the first step with a loop the ticket reaches; follow-ups with no loop on the ticket's path are
//!   counted as dropped.
//! - **Time**: the ticket arrives when it did. A step's duration (the time from the event before it
//!   to it, wait and work together) is the ticket's own for the k-th occurrence of a step it did k
//!   times; otherwise one drawn from the month's durations of that step; for a step the month
//!   never recorded, the simulator's designed timing ([`crate::simulate::clock`]).
//! - **Design kept**: every replayed ticket follows the second process exactly, each step done by
//!   its owning role; the month's deviations (skipped steps, undesigned loop-backs,
//!   wrong-department work) are not carried over. Tier, class, channel, business and customer stay
//!   the ticket's.
//!
//! Seeded and deterministic. Cost: O(events) plus O(nodes x options) to prepare.

use std::collections::BTreeSet;

use petgraph::graph::NodeIndex;

use crate::log::builder::{Extras, LogBuilder, Present};
use crate::log::event_log::EventLog;
use crate::log::timestamp::Time;
use crate::model::process::{LoopId, Process, StepId};
use crate::simulate::clock::StepTiming;
use crate::simulate::rng::Xoshiro256;
use crate::simulate::walk::{Guide, Plan, Walker};

/// A month as recorded under its own process.
#[derive(Debug, Clone, Copy)]
pub struct Recorded<'a> {
    /// The tickets.
    pub log: &'a EventLog,
    /// The process they ran.
    pub process: &'a Process,
    /// Each log activity's step (by `Sym` index).
    pub step_of: &'a [Option<StepId>],
    /// Per ticket, in case order: its follow-ups (designed loop-backs).
    pub follow_ups: &'a [u32],
}

/// What the replay assumed, counted: the figures stated under the picture.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Assumptions {
    /// Tickets replayed.
    pub tickets: u64,
    /// Tickets left out: no event mapped to a step, or no timestamp.
    pub tickets_left_out: u64,
    /// Choices the ticket's own steps decided.
    pub choices_from_ticket: u64,
    /// Choices drawn from the month's shares.
    pub choices_drawn: u64,
    /// Follow-ups replayed through a designed loop.
    pub follow_ups: u64,
    /// Follow-ups with no designed loop on the ticket's path.
    pub follow_ups_dropped: u64,
    /// Events timed by the ticket's own duration of the step.
    pub durations_own: u64,
    /// Events timed by a duration drawn from the month's of the step.
    pub durations_month: u64,
    /// Events timed by the simulator's designed timing (a step the month never recorded).
    pub durations_designed: u64,
    /// Ids of the second process's steps the first lacks.
    pub new_steps: Vec<String>,
    /// Ids of the first process's steps the second lacks (dropped with their time).
    pub dropped_steps: Vec<String>,
}

/// One recorded ticket, in the second process's steps.
#[derive(Default)]
struct Ticket {
    /// Per second-process step: the positions of its occurrences and their durations (seconds;
    /// `None` for the first event).
    occurrences: Vec<Vec<(usize, Option<i64>)>>,
    /// Per second-process step: occurrences replayed so far.
    visits: Vec<usize>,
    /// Follow-ups left to replay.
    follow_ups: u32,
}

/// Makes the replayed ticket's choices.
struct Replayer<'a> {
    /// Per graph node: per option, the second process's steps it reaches first.
    firsts: &'a [Vec<BTreeSet<StepId>>],
    /// Per graph node: per option, recorded tickets that did one of its first steps.
    shares: &'a [Vec<u32>],
    ticket: &'a mut Ticket,
    from_ticket: u64,
    drawn: u64,
    looped: u64,
}

impl Guide for Replayer<'_> {
    fn choose(&mut self, at: u32, cumulative: &[u32], rng: &mut Xoshiro256) -> usize {
        let options = &self.firsts[at as usize];
        let t = &*self.ticket;
        let next_of = |s: &StepId| t.occurrences[s.0 as usize].get(t.visits[s.0 as usize]).map(|o| o.0);
        let own =
            options.iter().enumerate().filter_map(|(k, f)| f.iter().filter_map(next_of).min().map(|p| (p, k))).min();
        // The ticket did none of the options' steps next: it finishes where it may.
        if let Some(k) = own.map(|o| o.1).or_else(|| options.iter().position(BTreeSet::is_empty)) {
            self.from_ticket += 1;
            return k;
        }
        self.drawn += 1;
        let shares = &self.shares[at as usize];
        if shares.iter().all(|&n| n == 0) {
            return rng.weighted(cumulative);
        }
        let mut total = 0;
        let running: Vec<u32> = shares
            .iter()
            .map(|&n| {
                total += n;
                total
            })
            .collect();
        rng.weighted(&running)
    }

    fn take_loop(&mut self, _id: LoopId, _taken: u8, _rng: &mut Xoshiro256) -> bool {
        if self.ticket.follow_ups == 0 {
            return false;
        }
        self.ticket.follow_ups -= 1;
        self.looped += 1;
        true
    }

    fn stepped(&mut self, step: StepId) {
        self.ticket.visits[step.0 as usize] += 1;
    }
}

/// Replays the month `rec` on `to`, drawing from `seed`: the replayed log (activities are `to`'s
/// step ids, each event's role its step's owner) and what the replay assumed.
pub fn replay(rec: &Recorded<'_>, to: &Process, seed: u64) -> (EventLog, Assumptions) {
    let log = rec.log;
    let n = to.steps.len();
    // Each log activity's step of `to`, by id.
    let to_step: Vec<Option<StepId>> =
        rec.step_of.iter().map(|s| s.and_then(|s| to.step_id(&rec.process.step(s).id))).collect();
    let plan = Plan::new(to);
    let nodes = to.graph.graph.node_count();
    let firsts: Vec<Vec<BTreeSet<StepId>>> = (0..nodes)
        .map(|at| {
            let options = plan.options(u32::try_from(at).unwrap_or(u32::MAX));
            options
                .iter()
                .map(|o| o.map_or_else(BTreeSet::new, |n| to.graph.first_steps(NodeIndex::new(n as usize))))
                .collect()
        })
        .collect();
    let (mut tickets, month, tickets_with) = tickets_of(rec, &to_step, n);
    let shares: Vec<Vec<u32>> = firsts
        .iter()
        .map(|opts| opts.iter().map(|f| f.iter().map(|s| tickets_with[s.0 as usize]).max().unwrap_or(0)).collect())
        .collect();
    let present = Present {
        role: true,
        customer: log.cases.customer.is_some(),
        tier: log.cases.tier.is_some(),
        class: log.cases.class.is_some(),
        channel: log.cases.channel.is_some(),
        business: log.cases.business.is_some(),
        brand: log.cases.brand.is_some(),
        ..Present::default()
    };
    let mut b = LogBuilder::new(present);
    let mut a = assumptions(rec.process, to);
    let mut rng = Xoshiro256::new(seed, 0x077b_a71f);
    let mut walker = Walker::new(&plan);
    let mut trace = Vec::new();
    for (case, t) in log.case_indices().zip(&mut tickets) {
        let arrival = log.events_of(case).map(|e| log.time[e]).find(|t| t.is_some());
        let (Some(arrival), false) = (arrival, t.occurrences.iter().all(Vec::is_empty)) else {
            a.tickets_left_out += 1;
            continue;
        };
        let follow_ups = t.follow_ups;
        let mut guide = Replayer { firsts: &firsts, shares: &shares, ticket: t, from_ticket: 0, drawn: 0, looped: 0 };
        walker.walk_with(&mut guide, &mut rng, &mut trace);
        a.choices_from_ticket += guide.from_ticket;
        a.choices_drawn += guide.drawn;
        a.follow_ups += guide.looped;
        a.follow_ups_dropped += u64::from(follow_ups) - guide.looped.min(u64::from(follow_ups));
        let c = b.case(log.case_id(case));
        b.copy_case_fields(log, case, c);
        let mut now = arrival.0;
        let mut visits = vec![0usize; n];
        for (j, &s) in trace.iter().enumerate() {
            let k = visits[s.0 as usize];
            visits[s.0 as usize] += 1;
            if j > 0 {
                let own = t.occurrences[s.0 as usize].get(k).and_then(|o| o.1);
                let pool = &month[s.0 as usize];
                let secs = if let Some(d) = own {
                    a.durations_own += 1;
                    d
                } else if !pool.is_empty() {
                    a.durations_month += 1;
                    pool[rng.index(pool.len())]
                } else {
                    a.durations_designed += 1;
                    let step = to.step(s);
                    StepTiming::of(step, &to.role(step.role).id).draw(&mut rng)
                };
                // At least a second apart, so the replayed order is the walk's.
                now += secs.max(1) * 1_000_000;
            }
            let step = to.step(s);
            b.event(c, &step.id, Time(now), Extras { role: Some(&to.role(step.role).id), ..Extras::default() });
        }
        a.tickets += 1;
    }
    (b.finish(), a)
}

/// The month in `to`'s steps (`to_step` of each log activity, `n` steps): each ticket, the
/// durations recorded per step (seconds), and the tickets that did each step.
fn tickets_of(rec: &Recorded<'_>, to_step: &[Option<StepId>], n: usize) -> (Vec<Ticket>, Vec<Vec<i64>>, Vec<u32>) {
    let log = rec.log;
    let mut month: Vec<Vec<i64>> = vec![Vec::new(); n];
    let mut tickets_with: Vec<u32> = vec![0; n];
    let mut tickets: Vec<Ticket> = Vec::with_capacity(log.case_count());
    for case in log.case_indices() {
        let mut t = Ticket { occurrences: vec![Vec::new(); n], visits: vec![0; n], follow_ups: 0 };
        let mut prev: Option<Time> = None;
        let mut pos = 0;
        for e in log.events_of(case) {
            let Some(s) = to_step.get(log.activity[e].index()).copied().flatten() else {
                // A step `to` lacks moves the clock: its time is dropped with it.
                if rec.step_of.get(log.activity[e].index()).copied().flatten().is_some() && log.time[e].is_some() {
                    prev = Some(log.time[e]);
                }
                continue;
            };
            let time = log.time[e];
            let d = match prev {
                Some(p) if time.is_some() => Some((time.0 - p.0).max(0) / 1_000_000),
                _ => None,
            };
            if let Some(d) = d {
                month[s.0 as usize].push(d);
            }
            t.occurrences[s.0 as usize].push((pos, d));
            pos += 1;
            if time.is_some() {
                prev = Some(time);
            }
        }
        for (s, occ) in t.occurrences.iter().enumerate() {
            tickets_with[s] += u32::from(!occ.is_empty());
        }
        t.follow_ups = rec.follow_ups.get(case.index()).copied().unwrap_or(0);
        tickets.push(t);
    }
    (tickets, month, tickets_with)
}

/// The steps one process has and the other lacks.
fn assumptions(from: &Process, to: &Process) -> Assumptions {
    let lacking = |a: &Process, b: &Process| -> Vec<String> {
        a.steps.iter().filter(|s| b.step_id(&s.id).is_none()).map(|s| s.id.clone()).collect()
    };
    Assumptions { new_steps: lacking(to, from), dropped_steps: lacking(from, to), ..Assumptions::default() }
}

#[cfg(test)]
mod tests {
    use super::{Recorded, replay};
    use crate::log::builder::{Extras, LogBuilder, Present};
    use crate::log::event_log::EventLog;
    use crate::log::mapping::ActivityMapping;
    use crate::log::timestamp::Time;
    use crate::model::library;
    use crate::model::process::Process;
    use crate::simulate::replay::Acceptor;

    const HOUR: i64 = 3_600_000_000;

    fn bundled(id: &str) -> Process {
        library::load(&[format!("processes/{id}.yaml").into()]).processes.into_iter().next().unwrap()
    }

    /// Two linear tickets: one on the main path, one through construction with one follow-up.
    fn month() -> EventLog {
        let mut b = LogBuilder::new(Present::default());
        let chain = "report-to-expert,relay-to-frontline,reply-customer";
        for (case, trace) in [
            ("1", "receive,soothe-record,diagnose,maintenance-handle,report-to-expert,relay-to-frontline,reply-customer,close".to_owned()),
            ("2", format!("receive,soothe-record,diagnose,construction-handle,{chain},diagnose,construction-handle,{chain},close")),
        ] {
            let c = b.case(case);
            for (i, a) in trace.split(',').enumerate() {
                let i = i64::try_from(i).unwrap();
                b.event(c, a, Time(1_000 * HOUR + i * i * HOUR), Extras::default());
            }
        }
        b.finish()
    }

    fn names(log: &EventLog, case: usize) -> Vec<String> {
        log.trace(crate::log::event_log::CaseIdx(u32::try_from(case).unwrap()))
            .iter()
            .map(|&a| log.activity_name(a).to_owned())
            .collect()
    }

    #[test]
    fn a_month_replayed_on_its_own_process_is_itself() {
        let linear = bundled("complaint-linear");
        let log = month();
        let m = ActivityMapping::new(&log, &linear, &[], "").unwrap();
        let rec = Recorded { log: &log, process: &linear, step_of: &m.step_of, follow_ups: &[0, 1] };
        let (out, a) = replay(&rec, &linear, 7);
        assert_eq!((a.tickets, a.follow_ups, a.follow_ups_dropped, a.choices_drawn), (2, 1, 0, 0));
        assert_eq!(a.durations_own, u64::try_from(log.event_count()).unwrap() - 2, "{a:?}");
        for case in 0..2 {
            assert_eq!(names(&out, case), names(&log, case));
        }
        assert_eq!(out.time, log.time, "every duration is the ticket's own");
    }

    #[test]
    fn the_linear_month_on_the_flat_process() {
        let (linear, flat) = (bundled("complaint-linear"), bundled("complaint-flat"));
        let log = month();
        let m = ActivityMapping::new(&log, &linear, &[], "").unwrap();
        let rec = Recorded { log: &log, process: &linear, step_of: &m.step_of, follow_ups: &[0, 1] };
        let (out, a) = replay(&rec, &flat, 7);
        assert_eq!(
            names(&out, 0),
            ["receive", "soothe-record", "diagnose", "maintenance-handle", "maintenance-report", "close"]
        );
        assert_eq!(
            names(&out, 1),
            [
                "receive",
                "soothe-record",
                "diagnose",
                "construction-handle",
                "construction-report",
                "construction-handle",
                "construction-report",
                "close"
            ]
        );
        assert_eq!((a.follow_ups, a.follow_ups_dropped), (1, 0));
        assert_eq!(a.new_steps, ["maintenance-report", "construction-report"]);
        assert_eq!(a.dropped_steps, ["report-to-expert", "relay-to-frontline", "reply-customer"]);
        assert_eq!(a.durations_designed, 3, "the report steps were never recorded: {a:?}");
        let acceptor = Acceptor::new(&flat);
        let fm = ActivityMapping::new(&out, &flat, &[], "").unwrap();
        for case in out.case_indices() {
            let trace: Vec<_> = out.trace(case).iter().map(|a| fm.step_of[a.index()].unwrap()).collect();
            assert!(acceptor.accepts(&trace));
        }
        // Ticket 1 keeps its arrival and its own time to the expert; the relay time is gone.
        let first = out.events_of(crate::log::event_log::CaseIdx(0));
        assert_eq!(out.time[first.start], Time(1_000 * HOUR));
        assert_eq!(out.time[first.start + 2].0 - out.time[first.start].0, 4 * HOUR);
    }

    #[test]
    fn a_process_with_no_step_in_common_replays_nothing() {
        let (linear, query) = (bundled("complaint-linear"), bundled("query"));
        let log = month();
        let m = ActivityMapping::new(&log, &linear, &[], "").unwrap();
        let rec = Recorded { log: &log, process: &linear, step_of: &m.step_of, follow_ups: &[0, 1] };
        let (out, a) = replay(&rec, &query, 7);
        assert_eq!(out.case_count(), 0, "no step in common: nothing to replay");
        assert_eq!(a.tickets_left_out, 2);
    }
}
