//! Step-level loop-backs: the same step done again in a ticket, as edeaR counts them, and judged
//! against the process through the ticket's optimal alignment (designed or not).
//!
//! Owns [`Repeat`], [`Judged`], [`classify`] (per variant) and [`LoopbackFigures`] (per ticket,
//! summed per process and per step). Definitions (`docs/department-view.md`):
//!
//! - an event's *activity* is its step when its label maps to one, else its log label;
//! - a **self-loop** is an event whose activity is that of the event just before it; a
//!   **repetition** is an event whose activity occurred earlier in the ticket, but not just before
//!   (edeaR's `number_of_selfloops` and `number_of_repetitions`, on events);
//! - either is a **repeat** when the same resource did it as the occurrence it repeats (for a
//!   self-loop the event before, for a repetition the activity's first occurrence, as edeaR
//!   compares), a **redo** when another did; without a resource column neither is counted;
//! - every self-loop and repetition is a **loop-back**, and is **designed** when the alignment
//!   shows the ticket going round one of the process's `loops:` as designed: the event and the
//!   occurrence before it are both synchronous; between them the alignment fires a designed loop
//!   whose `from` step was really done (its firing that enabled the loop was synchronous, not a
//!   skipped step); and from that loop to the event the ticket followed the design (no skipped
//!   step, no step event out of place; events that are no step of the process do not count).
//!   Any other loop-back is **undesigned**; a ticket whose alignment was not computed is not
//!   judged. So designed + undesigned + not judged = all loop-backs;
//! - the **time** loop-backs cost a ticket is the length of the union, over its repeated
//!   activities, of the span from the activity's first occurrence to its last repetition (for the
//!   undesigned time: to its last undesigned repetition).
//!
//! Cost: [`classify`] is O(moves + events) per variant; a ticket costs O(events) plus
//! O(r log r) for its r loop-backs' spans.

use serde::Serialize;

use crate::conformance::alignment::{Alignment, Move};
use crate::log::intern::Sym;
use crate::log::timestamp::Time;
use crate::model::process::{LoopId, StepId};

/// How an event stands to the earlier events of its ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repeat {
    /// The first occurrence of its activity.
    First,
    /// Its activity was the event just before it.
    SelfLoop,
    /// Its activity occurred earlier, not just before.
    Repetition,
}

/// Whether a loop-back follows the design.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Judged {
    /// Through a designed loop whose `from` step was done.
    Designed,
    /// Any other loop-back.
    Undesigned,
    /// The ticket's alignment was not computed.
    NotJudged,
}

/// One event of a variant, classified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// How it repeats.
    pub repeat: Repeat,
    /// The position of its activity's first occurrence.
    pub first: u32,
    /// Designed or not (meaningful for self-loops and repetitions).
    pub judged: Judged,
}

/// What [`classify`] needs of the net: per transition, the step it does and the designed loop it
/// takes.
#[derive(Debug, Clone)]
pub struct LoopNet {
    /// The step of each visible transition.
    pub step_of: Vec<Option<StepId>>,
    /// For each transition that is a designed loop, the step the loop leaves from.
    pub loop_from: Vec<Option<StepId>>,
    /// Steps of the process.
    pub steps: usize,
}

impl LoopNet {
    /// From per-transition steps and loops (see [`crate::net::compile::step_transitions`] and
    /// [`crate::net::compile::loop_transitions`]) and the loops' `from` steps.
    pub fn new(step_of: Vec<Option<StepId>>, loops: &[Option<LoopId>], loop_from: &[StepId], steps: usize) -> Self {
        let loop_from = loops.iter().map(|l| l.map(|l| loop_from[l.0 as usize])).collect();
        LoopNet { step_of, loop_from, steps }
    }
}

/// Classifies every event of one variant: `acts` are the events' activities (any ids, equal for
/// the same activity), `alignment` the variant's optimal alignment, if computed.
///
/// O(events) expected for the first/self-loop/repetition pass (activities hashed), plus O(moves)
/// for the judgement.
///
/// # Example
/// ```
/// use flowaudit::conformance::loopback::{LoopNet, Repeat, classify};
/// let net = LoopNet { step_of: vec![], loop_from: vec![], steps: 0 };
/// let p = classify(&[1, 2, 2, 3, 1], None, &net);
/// let kinds: Vec<Repeat> = p.iter().map(|p| p.repeat).collect();
/// assert_eq!(kinds, [Repeat::First, Repeat::First, Repeat::SelfLoop, Repeat::First, Repeat::Repetition]);
/// assert_eq!(p[4].first, 0);
/// ```
pub fn classify(acts: &[u32], alignment: Option<&Alignment>, net: &LoopNet) -> Vec<Position> {
    let mut first_at: hashbrown::HashMap<u32, u32> = hashbrown::HashMap::new();
    let judged = if alignment.is_some() { Judged::Undesigned } else { Judged::NotJudged };
    let mut out: Vec<Position> = acts
        .iter()
        .enumerate()
        .map(|(i, &a)| {
            let pos = u32::try_from(i).unwrap_or(u32::MAX);
            let first = *first_at.entry(a).or_insert(pos);
            let repeat = if first == pos {
                Repeat::First
            } else if acts[i - 1] == a {
                Repeat::SelfLoop
            } else {
                Repeat::Repetition
            };
            Position { repeat, first, judged }
        })
        .collect();
    if let Some(a) = alignment {
        judge(acts, a, net, &mut out);
    }
    out
}

/// Marks the loop-backs the alignment explains by a designed loop, taken after its `from` step
/// was done and followed by the design up to the loop-back.
fn judge(acts: &[u32], a: &Alignment, net: &LoopNet, out: &mut [Position]) {
    let is_step = |i: usize| (acts[i] as usize) < net.steps;
    // Whether the latest firing of each step was synchronous; the latest designed loop taken
    // after a step that was really done, and whether the design was followed since.
    let mut done = vec![false; net.steps];
    let mut last_loop: Option<usize> = None;
    let mut clean = false;
    // The move of each activity's latest occurrence, and whether it was synchronous.
    let mut previous: hashbrown::HashMap<u32, (usize, bool)> = hashbrown::HashMap::new();
    for (m, mv) in a.moves.iter().enumerate() {
        match *mv {
            Move::Model(t) => {
                if let Some(from) = net.loop_from[t.0 as usize]
                    && done[from.0 as usize]
                {
                    last_loop = Some(m);
                    clean = true;
                }
                if let Some(s) = net.step_of[t.0 as usize] {
                    done[s.0 as usize] = false;
                    clean = false;
                }
            }
            Move::Sync(i, t) => {
                if let Some(s) = net.step_of[t.0 as usize] {
                    done[s.0 as usize] = true;
                }
                if let Some(&(before, true)) = previous.get(&acts[i])
                    && clean
                    && last_loop.is_some_and(|l| l > before)
                {
                    out[i].judged = Judged::Designed;
                }
                previous.insert(acts[i], (m, true));
            }
            Move::Log(i) => {
                clean &= !is_step(i);
                previous.insert(acts[i], (m, false));
            }
        }
    }
}

/// Self-loops or repetitions, all and split by resource.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Split {
    /// Every one.
    pub all: u64,
    /// By the same resource as the occurrence repeated.
    pub repeat: u64,
    /// By another resource.
    pub redo: u64,
}

impl Split {
    fn add(&mut self, same: Option<bool>) {
        self.all += 1;
        match same {
            Some(true) => self.repeat += 1,
            Some(false) => self.redo += 1,
            None => {}
        }
    }
}

/// The loop-backs of one ticket.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TicketLoops {
    /// Self-loops plus repetitions.
    pub loopbacks: u32,
    /// Of them, through a designed loop.
    pub designed: u32,
    /// Of them, not.
    pub undesigned: u32,
    /// Follow-ups: designed loops taken (designed repetitions of a loop's `to` step).
    pub follow_ups: u32,
    /// Microseconds the loop-backs span (union over repeated activities).
    pub time: i64,
    /// Microseconds the undesigned ones span.
    pub undesigned_time: i64,
}

/// Loop-backs of one activity across the log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActivityLoops {
    /// Self-loops.
    pub self_loops: Split,
    /// Repetitions.
    pub repetitions: Split,
    /// Designed loop-backs.
    pub designed: u64,
    /// Undesigned loop-backs.
    pub undesigned: u64,
    /// Tickets where it loops back.
    pub tickets: u64,
}

/// Loop-backs summed over a log.
#[derive(Debug, Clone, Default)]
pub struct LoopbackFigures {
    /// Tickets seen.
    pub tickets: u64,
    /// Tickets with at least one loop-back.
    pub tickets_with_loopbacks: u64,
    /// Tickets with at least one undesigned loop-back.
    pub tickets_with_undesigned: u64,
    /// Self-loops.
    pub self_loops: Split,
    /// Repetitions.
    pub repetitions: Split,
    /// Designed loop-backs.
    pub designed: u64,
    /// Undesigned loop-backs.
    pub undesigned: u64,
    /// Loop-backs of tickets whose alignment was not computed.
    pub not_judged: u64,
    /// Microseconds spanned by loop-backs, summed over tickets.
    pub time: i64,
    /// Microseconds spanned by undesigned loop-backs, summed over tickets.
    pub undesigned_time: i64,
    /// Per activity id (as in [`classify`]'s `acts`).
    pub per_activity: hashbrown::HashMap<u32, ActivityLoops>,
    /// Activity ids that are a designed loop's `to` step (set before the walk), for
    /// [`TicketLoops::follow_ups`].
    pub loop_targets: Vec<u32>,
    spans: Vec<(i64, i64, bool)>,
    touched: Vec<u32>,
}

impl LoopbackFigures {
    /// Adds one ticket: its events' activities, classification (of its variant), times and
    /// resources (when the log has them).
    pub fn ticket(&mut self, acts: &[u32], pos: &[Position], times: &[Time], resources: Option<&[Sym]>) -> TicketLoops {
        self.tickets += 1;
        let mut t = TicketLoops::default();
        self.spans.clear();
        self.touched.clear();
        for (i, p) in pos.iter().enumerate() {
            if p.repeat == Repeat::First {
                continue;
            }
            let before = if p.repeat == Repeat::SelfLoop { i - 1 } else { p.first as usize };
            let same =
                resources.map(|r| (r[i], r[before])).filter(|(a, b)| a.is_some() && b.is_some()).map(|(a, b)| a == b);
            let act = self.per_activity.entry(acts[i]).or_default();
            if p.repeat == Repeat::SelfLoop {
                self.self_loops.add(same);
                act.self_loops.add(same);
            } else {
                self.repetitions.add(same);
                act.repetitions.add(same);
            }
            if !self.touched.contains(&acts[i]) {
                self.touched.push(acts[i]);
                act.tickets += 1;
            }
            t.loopbacks += 1;
            match p.judged {
                Judged::Designed => {
                    t.designed += 1;
                    act.designed += 1;
                    t.follow_ups += u32::from(self.loop_targets.contains(&acts[i]));
                }
                Judged::Undesigned => {
                    t.undesigned += 1;
                    act.undesigned += 1;
                }
                Judged::NotJudged => self.not_judged += 1,
            }
            let (from, to) = (times[p.first as usize], times[i]);
            if from.is_some() && to.is_some() {
                self.spans.push((from.0, to.0, p.judged == Judged::Undesigned));
            }
        }
        t.time = union_length(&mut self.spans, |_| true);
        t.undesigned_time = union_length(&mut self.spans, |&(_, _, undesigned)| undesigned);
        self.designed += u64::from(t.designed);
        self.undesigned += u64::from(t.undesigned);
        self.tickets_with_loopbacks += u64::from(t.loopbacks > 0);
        self.tickets_with_undesigned += u64::from(t.undesigned > 0);
        self.time += t.time;
        self.undesigned_time += t.undesigned_time;
        t
    }

    /// Self-loops plus repetitions.
    pub fn loopbacks(&self) -> u64 {
        self.self_loops.all + self.repetitions.all
    }
}

/// The length of the union of the spans `keep` selects. O(s log s).
fn union_length(spans: &mut [(i64, i64, bool)], keep: impl Fn(&(i64, i64, bool)) -> bool) -> i64 {
    spans.sort_unstable();
    let mut total = 0;
    let mut open: Option<(i64, i64)> = None;
    for &(from, to, _) in spans.iter().filter(|s| keep(s)) {
        let to = to.max(from);
        open = match open {
            Some((a, b)) if from <= b => Some((a, b.max(to))),
            Some((a, b)) => {
                total += b - a;
                Some((from, to))
            }
            None => Some((from, to)),
        };
    }
    total + open.map_or(0, |(a, b)| b - a)
}

#[cfg(test)]
mod tests {
    use super::{Judged, LoopNet, LoopbackFigures, Repeat, classify, union_length};
    use crate::conformance::alignment::{Alignment, Move};
    use crate::log::intern::Sym;
    use crate::log::timestamp::Time;
    use crate::model::process::StepId;
    use crate::net::petri::TransitionIdx;

    /// edeaR's vignette example: a, a, b, a by resources r1, r1, r2, r2.
    #[test]
    fn repeat_and_redo_as_edear_counts_them() {
        let net = LoopNet { step_of: vec![], loop_from: vec![], steps: 0 };
        let acts = [0, 0, 1, 0, 0];
        let pos = classify(&acts, None, &net);
        let res = [Sym(1), Sym(1), Sym(2), Sym(2), Sym(1)];
        let times: Vec<Time> = (0..5).map(|i| Time(i * 10)).collect();
        let mut f = LoopbackFigures::default();
        let t = f.ticket(&acts, &pos, &times, Some(&res));
        // a(r1) a(r1): self-loop, repeat. a(r2) after b: repetition, redo (first a was r1).
        // a(r1) right after a(r2): self-loop, redo (the event before was r2).
        assert_eq!((f.self_loops.all, f.self_loops.repeat, f.self_loops.redo), (2, 1, 1));
        assert_eq!((f.repetitions.all, f.repetitions.repeat, f.repetitions.redo), (1, 0, 1));
        assert_eq!((t.loopbacks, t.designed, t.undesigned), (3, 0, 0), "no alignment: not judged");
        assert_eq!(f.not_judged, 3);
        assert_eq!(t.time, 40, "from the first a to the last repetition");
        let without = f.ticket(&acts, &pos, &times, None);
        assert_eq!(without.loopbacks, 3);
        assert_eq!((f.self_loops.all, f.self_loops.repeat), (4, 1), "no resources: counted, not split");
    }

    #[test]
    fn a_designed_loop_counts_only_after_its_from_step_was_done() {
        // Steps: 0 = diagnose, 1 = reply; transition 0 does diagnose, 1 reply, 2 the loop from
        // reply back to diagnose.
        let net = LoopNet {
            step_of: vec![Some(StepId(0)), Some(StepId(1)), None],
            loop_from: vec![None, None, Some(StepId(1))],
            steps: 2,
        };
        let (d, r, back) = (TransitionIdx(0), TransitionIdx(1), TransitionIdx(2));
        let acts = [0, 1, 0, 1];
        let through = Alignment {
            cost: 0,
            silent: 1,
            moves: vec![Move::Sync(0, d), Move::Sync(1, r), Move::Model(back), Move::Sync(2, d), Move::Sync(3, r)],
            states: 0,
            bound: 0,
            below: 0,
        };
        let pos = classify(&acts, Some(&through), &net);
        assert_eq!(pos[2].repeat, Repeat::Repetition);
        assert_eq!([pos[2].judged, pos[3].judged], [Judged::Designed, Judged::Designed]);
        // The same loop taken after a skipped reply: the ticket went back without replying.
        let acts = [0, 0, 1];
        let skipped = Alignment {
            cost: 1,
            silent: 1,
            moves: vec![Move::Sync(0, d), Move::Model(r), Move::Model(back), Move::Sync(1, d), Move::Sync(2, r)],
            states: 0,
            bound: 0,
            below: 0,
        };
        let pos = classify(&acts, Some(&skipped), &net);
        assert_eq!((pos[1].repeat, pos[1].judged), (Repeat::SelfLoop, Judged::Undesigned));
        // Round the loop, but a step skipped on the way back: the repetitions after it are not
        // as designed.
        let acts = [0, 1, 0, 1];
        let broken = Alignment {
            cost: 1,
            silent: 1,
            moves: vec![
                Move::Sync(0, d),
                Move::Sync(1, r),
                Move::Model(back),
                Move::Model(d),
                Move::Log(2),
                Move::Sync(3, r),
            ],
            states: 0,
            bound: 0,
            below: 0,
        };
        let pos = classify(&acts, Some(&broken), &net);
        assert_eq!([pos[2].judged, pos[3].judged], [Judged::Undesigned, Judged::Undesigned]);
        // A step the model did once, first logged out of place and then done: not a loop.
        let acts = [1, 0, 1];
        let once = Alignment {
            cost: 1,
            silent: 0,
            moves: vec![Move::Log(0), Move::Sync(1, d), Move::Sync(2, r)],
            states: 0,
            bound: 0,
            below: 0,
        };
        assert_eq!(classify(&acts, Some(&once), &net)[2].judged, Judged::Undesigned);
        let acts = [0, 0, 1];
        // A repeated event the model does not do at all.
        let logged = Alignment {
            cost: 1,
            silent: 0,
            moves: vec![Move::Sync(0, d), Move::Log(1), Move::Sync(2, r)],
            states: 0,
            bound: 0,
            below: 0,
        };
        assert_eq!(classify(&acts, Some(&logged), &net)[1].judged, Judged::Undesigned);
    }

    #[test]
    fn spans_are_united() {
        let mut s = vec![(0, 10, false), (5, 20, true), (30, 40, true)];
        assert_eq!(union_length(&mut s, |_| true), 30);
        assert_eq!(union_length(&mut s, |x| x.2), 25);
        assert_eq!(union_length(&mut [], |_| true), 0);
    }
}
