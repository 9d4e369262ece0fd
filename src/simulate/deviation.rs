//! Deviations: what goes wrong in a noisy ticket, done to its events and recorded as ground truth.
//!
//! Owns the six [`DeviationKind`]s, their weights, the fixed list of [`EXTRA_LABELS`] and the
//! `Deviator` that applies exactly one deviation to a clean ticket. A deviation that changes the
//! order of steps (skipped, swapped, loop-back, never-closed) is kept only when the process model
//! rejects the changed trace (`Acceptor`), so skipping an optional step or swapping two parallel
//! branches, which the model allows, is never recorded as a deviation. Designed loops are part of
//! clean traces, never deviations. If the drawn kind cannot be applied to a ticket (too short, no
//! candidate the model rejects), the next kinds in the order below are tried; a ticket none fits
//! stays clean. Cost: O(attempts x replay) per noisy ticket; clean tickets cost nothing here.

use std::fmt::Write as _;

use crate::model::process::{Process, RoleId, StepId};
use crate::simulate::replay::Acceptor;
use crate::simulate::rng::Xoshiro256;

/// Labels of extra events a ticket system writes although they are in no process (an unplanned
/// callback, a second dispatch, a manual re-entry, a reminder, a transfer review).
pub const EXTRA_LABELS: [&str; 5] = ["额外回访", "重复派单", "人工补录", "催办", "转办复核"];
/// Random candidates tried per kind before the next kind is tried.
const ATTEMPTS: usize = 12;
/// Longest stretch of events a loop-back repeats.
const MAX_REPEATED: usize = 12;

/// The kinds of deviation, in the order they are tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DeviationKind {
    /// A step the ticket did once, neither first nor last, was left out: `skipped:<step>`.
    Skipped,
    /// Two consecutive steps ran in the wrong order: `swapped:<a>+<b>` (`a` was due first).
    Swapped,
    /// An undesigned return to an earlier step, repeating the steps from there:
    /// `loop-back:<from>-><to>`.
    LoopBack,
    /// A step done by another department: `wrong-department:<step>`.
    WrongDepartment,
    /// An event that is no step of the process: `extra:<label>`.
    Extra,
    /// The ticket stops before an end step: `never-closed`.
    NeverClosed,
}

impl DeviationKind {
    /// Every kind, in the order they are tried.
    pub const ALL: [DeviationKind; 6] = [
        DeviationKind::Skipped,
        DeviationKind::Swapped,
        DeviationKind::LoopBack,
        DeviationKind::WrongDepartment,
        DeviationKind::Extra,
        DeviationKind::NeverClosed,
    ];

    /// The token's prefix in the `deviation` column.
    pub fn name(self) -> &'static str {
        match self {
            DeviationKind::Skipped => "skipped",
            DeviationKind::Swapped => "swapped",
            DeviationKind::LoopBack => "loop-back",
            DeviationKind::WrongDepartment => "wrong-department",
            DeviationKind::Extra => "extra",
            DeviationKind::NeverClosed => "never-closed",
        }
    }

    /// The relative weight with which a noisy ticket gets this kind (out of 100): skipped 25,
    /// swapped 15, loop-back 20, wrong department 15, extra 15, never closed 10.
    pub fn weight(self) -> u32 {
        match self {
            DeviationKind::Skipped => 25,
            DeviationKind::LoopBack => 20,
            DeviationKind::Swapped | DeviationKind::WrongDepartment | DeviationKind::Extra => 15,
            DeviationKind::NeverClosed => 10,
        }
    }
}

/// What one event of a ticket is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Activity {
    /// A step of the process.
    Step(StepId),
    /// An extra event, labelled `EXTRA_LABELS[i]`.
    Extra(u8),
}

/// One event of a ticket before it gets its time: what was done and which department did it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Event {
    pub(crate) activity: Activity,
    pub(crate) role: RoleId,
}

/// A deviation done to a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Deviation {
    Skipped(StepId),
    Swapped(StepId, StepId),
    LoopBack { from: StepId, to: StepId },
    WrongDepartment(StepId),
    Extra(u8),
    NeverClosed,
}

impl Deviation {
    /// Its kind.
    pub(crate) fn kind(self) -> DeviationKind {
        match self {
            Deviation::Skipped(_) => DeviationKind::Skipped,
            Deviation::Swapped(..) => DeviationKind::Swapped,
            Deviation::LoopBack { .. } => DeviationKind::LoopBack,
            Deviation::WrongDepartment(_) => DeviationKind::WrongDepartment,
            Deviation::Extra(_) => DeviationKind::Extra,
            Deviation::NeverClosed => DeviationKind::NeverClosed,
        }
    }

    /// Writes the ground-truth token (e.g. `skipped:diagnose`) into `out` (cleared first).
    pub(crate) fn write_token(self, p: &Process, out: &mut String) {
        out.clear();
        out.push_str(self.kind().name());
        let id = |s: StepId| p.step(s).id.as_str();
        let _ = match self {
            Deviation::Skipped(s) | Deviation::WrongDepartment(s) => write!(out, ":{}", id(s)),
            Deviation::Swapped(a, b) => write!(out, ":{}+{}", id(a), id(b)),
            Deviation::LoopBack { from, to } => write!(out, ":{}->{}", id(from), id(to)),
            Deviation::Extra(i) => write!(out, ":{}", EXTRA_LABELS[usize::from(i)]),
            Deviation::NeverClosed => Ok(()),
        };
    }
}

/// Applies deviations to the tickets of one process.
#[derive(Debug)]
pub(crate) struct Deviator<'p> {
    process: &'p Process,
    acceptor: Acceptor,
    cumulative: [u32; 6],
    /// Indices into [`EXTRA_LABELS`] of the labels that name no step of the process.
    extras: Vec<u8>,
    candidate: Vec<StepId>,
}

fn step_of(e: &Event) -> StepId {
    match e.activity {
        Activity::Step(s) => s,
        Activity::Extra(_) => StepId(u32::MAX),
    }
}

impl<'p> Deviator<'p> {
    /// A deviator for `process`. O(steps x labels).
    pub(crate) fn new(process: &'p Process) -> Self {
        let mut total = 0;
        let cumulative = DeviationKind::ALL.map(|k| {
            total += k.weight();
            total
        });
        let extras = (0..EXTRA_LABELS.len())
            .filter(|&i| !process.steps.iter().any(|s| s.labels().any(|l| l == EXTRA_LABELS[i])))
            .filter_map(|i| u8::try_from(i).ok())
            .collect();
        Deviator { process, acceptor: Acceptor::new(process), cumulative, extras, candidate: Vec::new() }
    }

    /// Applies one deviation to the clean ticket `events`, or none when no kind fits.
    pub(crate) fn deviate(&mut self, rng: &mut Xoshiro256, events: &mut Vec<Event>) -> Option<Deviation> {
        let first = rng.weighted(&self.cumulative);
        (0..DeviationKind::ALL.len()).find_map(|k| self.try_kind(DeviationKind::ALL[(first + k) % 6], rng, events))
    }

    /// Whether the model rejects the steps now in `self.candidate`.
    fn rejected(&self) -> bool {
        !self.acceptor.accepts(&self.candidate)
    }

    fn load(&mut self, events: &[Event]) {
        self.candidate.clear();
        self.candidate.extend(events.iter().map(step_of));
    }

    fn try_kind(&mut self, kind: DeviationKind, rng: &mut Xoshiro256, events: &mut Vec<Event>) -> Option<Deviation> {
        let len = events.len();
        match kind {
            DeviationKind::Skipped if len >= 3 => (0..ATTEMPTS).find_map(|_| {
                let at = 1 + rng.index(len - 2);
                // Only a step done once can be absent afterwards.
                if events.iter().filter(|e| e.activity == events[at].activity).count() > 1 {
                    return None;
                }
                self.load(events);
                self.candidate.remove(at);
                self.rejected().then(|| Deviation::Skipped(step_of(&events.remove(at))))
            }),
            DeviationKind::Swapped if len >= 2 => (0..ATTEMPTS).find_map(|_| {
                let at = rng.index(len - 1);
                let (a, b) = (step_of(&events[at]), step_of(&events[at + 1]));
                if a == b {
                    return None;
                }
                self.load(events);
                self.candidate.swap(at, at + 1);
                self.rejected().then(|| {
                    events.swap(at, at + 1);
                    Deviation::Swapped(a, b)
                })
            }),
            DeviationKind::LoopBack if len >= 2 => (0..ATTEMPTS).find_map(|_| {
                let from = 1 + rng.index(len - 1);
                let to = from.saturating_sub(1 + rng.index(from.min(MAX_REPEATED)));
                let (f, t) = (step_of(&events[from]), step_of(&events[to]));
                if f == t {
                    return None;
                }
                self.load(events);
                let repeat: Vec<StepId> = self.candidate[to..=from].to_vec();
                self.candidate.splice(from + 1..=from, repeat);
                self.rejected().then(|| {
                    let again: Vec<Event> = events[to..=from].to_vec();
                    events.splice(from + 1..=from, again);
                    Deviation::LoopBack { from: f, to: t }
                })
            }),
            DeviationKind::WrongDepartment if self.process.roles.len() >= 2 => {
                let at = rng.index(len);
                let own = events[at].role.0;
                let other = u32::try_from(rng.index(self.process.roles.len() - 1)).unwrap_or(0);
                events[at].role = RoleId(if other >= own { other + 1 } else { other });
                Some(Deviation::WrongDepartment(step_of(&events[at])))
            }
            DeviationKind::Extra if !self.extras.is_empty() => {
                let label = self.extras[rng.index(self.extras.len())];
                let at = 1 + rng.index(len);
                let role = events[at - 1].role;
                events.insert(at, Event { activity: Activity::Extra(label), role });
                Some(Deviation::Extra(label))
            }
            DeviationKind::NeverClosed if len >= 2 => (0..ATTEMPTS).find_map(|_| {
                let keep = 1 + rng.index(len - 1);
                self.load(&events[..keep]);
                self.rejected().then(|| {
                    events.truncate(keep);
                    Deviation::NeverClosed
                })
            }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use crate::model::process::StepId;
    use crate::simulate::deviation::{Activity, Deviation, DeviationKind, Deviator, Event};
    use crate::simulate::replay::Acceptor;
    use crate::simulate::rng::Xoshiro256;
    use crate::simulate::testing::bundled;
    use crate::simulate::walk::{Plan, Walker};

    #[test]
    fn every_recorded_deviation_is_one() {
        let lib = bundled();
        for p in &lib.processes {
            let (plan, acceptor) = (Plan::new(p), Acceptor::new(p));
            let mut walker = Walker::new(&plan);
            let mut deviator = Deviator::new(p);
            let mut rng = Xoshiro256::new(21, 0);
            let (mut trace, mut kinds, mut token) = (Vec::new(), BTreeMap::new(), String::new());
            for _ in 0..1500 {
                walker.walk(&mut rng, &mut trace);
                let mut events: Vec<Event> =
                    trace.iter().map(|s| Event { activity: Activity::Step(*s), role: p.step(*s).role }).collect();
                let clean = events.clone();
                let d = deviator.deviate(&mut rng, &mut events).expect("some kind fits every bundled ticket");
                *kinds.entry(d.kind()).or_insert(0) += 1;
                d.write_token(p, &mut token);
                let steps: Vec<StepId> = events
                    .iter()
                    .filter_map(|e| if let Activity::Step(s) = e.activity { Some(s) } else { None })
                    .collect();
                match d {
                    Deviation::WrongDepartment(s) => {
                        assert_eq!(steps, trace);
                        let changed: Vec<_> = events.iter().zip(&clean).filter(|(a, b)| a != b).collect();
                        assert_eq!(changed.len(), 1, "{token}");
                        assert_eq!(changed[0].0.activity, Activity::Step(s));
                        assert_ne!(changed[0].0.role, p.step(s).role, "{token}");
                    }
                    Deviation::Extra(_) => {
                        assert_eq!(steps, trace);
                        assert_eq!(events.len(), clean.len() + 1);
                    }
                    Deviation::Skipped(s) => {
                        assert_eq!(steps.len() + 1, trace.len());
                        assert!(!acceptor.accepts(&steps), "{token}");
                        assert!(!steps.contains(&s), "{token}");
                    }
                    _ => assert!(!acceptor.accepts(&steps), "{}: {token} {steps:?}", p.id),
                }
            }
            assert!(kinds.len() >= 5, "{}: {kinds:?}", p.id);
            let skipped = f64::from(kinds.get(&DeviationKind::Skipped).copied().unwrap_or(0)) / 1500.0;
            assert!(skipped > 0.1, "{}: {kinds:?}", p.id);
        }
    }
}
