//! Optimal alignments of a trace with a Petri net: the exact search behind every conformance
//! figure.
//!
//! Owns [`Aligner`], [`Alignment`] and [`Move`]. The search runs over the synchronous product of
//! the trace and the net: a state is a marking and a position in the trace; moves are synchronous
//! (a visible transition whose label is the next event, cost 0), model moves (any enabled
//! transition, cost 1 if visible, 0 if silent) and log moves (skip the next event, cost 1). The
//! cost is the pair (deviations, silent moves) compared lexicographically: the first is the
//! standard cost of `docs/metrics.md`, the second breaks ties toward fewer silent moves as PM4Py's
//! 10000/1 costs do, without changing the optimal deviation count.
//!
//! This first engine is Dijkstra's algorithm with duplicate-state detection (a hash map of the
//! best cost per state): exact, O(S log S) for the S states it settles, which on nets full of
//! concurrency can be many. A budget of states bounds the work: past it a variant is reported as
//! not computed, never guessed.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use hashbrown::HashMap;

use crate::net::petri::{Marking, PetriNet, TransitionIdx};

/// One step of an alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Move {
    /// The event at this trace position and the transition agree.
    Sync(usize, TransitionIdx),
    /// The model fired a transition the trace does not show (silent or a skipped step).
    Model(TransitionIdx),
    /// The trace has an event the model cannot do here.
    Log(usize),
}

/// An optimal alignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alignment {
    /// Log moves plus visible model moves.
    pub cost: u32,
    /// Silent model moves (the tie-breaker).
    pub silent: u32,
    /// The moves, in order.
    pub moves: Vec<Move>,
    /// States settled by the search.
    pub states: u64,
}

/// Why an alignment was not computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AlignError {
    /// The search settled more states than its budget.
    #[error("not computed: more than {0} states searched")]
    Budget(u64),
    /// The final marking cannot be reached at all.
    #[error("the net cannot reach its final marking")]
    Unreachable,
}

/// Aligns traces (as label indices) with one net.
#[derive(Debug, Clone)]
pub struct Aligner<'n> {
    net: &'n PetriNet,
    /// Transitions by label index; labels are `labels[i]`.
    by_label: Vec<Vec<TransitionIdx>>,
    /// The distinct visible labels.
    pub labels: Vec<String>,
    /// Most states one trace may settle.
    pub budget: u64,
}

#[derive(Clone, PartialEq, Eq, Hash)]
struct State {
    marking: Marking,
    pos: u32,
}

impl<'n> Aligner<'n> {
    /// An aligner for `net` with a budget of `budget` settled states per trace.
    pub fn new(net: &'n PetriNet, budget: u64) -> Self {
        let labels: Vec<String> = net.labels().into_iter().map(str::to_owned).collect();
        let mut by_label = vec![Vec::new(); labels.len()];
        for (i, t) in net.transitions.iter().enumerate() {
            if let Some(l) = &t.label {
                let li = labels.binary_search(l).unwrap_or(0);
                by_label[li].push(TransitionIdx(u32::try_from(i).unwrap_or(u32::MAX)));
            }
        }
        Aligner { net, by_label, labels, budget }
    }

    /// The label index of `activity`, `None` when no transition has it (its events are always log moves).
    pub fn label(&self, activity: &str) -> Option<usize> {
        self.labels.binary_search_by(|l| l.as_str().cmp(activity)).ok()
    }

    /// An optimal alignment of `trace` (label indices; `None` for activities the net lacks).
    pub fn align(&self, trace: &[Option<usize>]) -> Result<Alignment, AlignError> {
        let net = self.net;
        let n = trace.len();
        let start = State { marking: net.initial.clone(), pos: 0 };
        let mut best: HashMap<State, ((u32, u32), u32)> = HashMap::new();
        let mut nodes: Vec<(State, u32, Option<Move>)> = Vec::new();
        let mut heap = BinaryHeap::new();
        best.insert(start.clone(), ((0, 0), 0));
        nodes.push((start, u32::MAX, None));
        heap.push(Reverse(((0u32, 0u32), 0u32)));
        let mut settled = 0u64;
        let transitions: Vec<TransitionIdx> =
            (0..net.transitions.len()).map(|i| TransitionIdx(u32::try_from(i).unwrap_or(u32::MAX))).collect();
        while let Some(Reverse((cost, id))) = heap.pop() {
            let (state, _, _) = nodes[id as usize].clone();
            if best.get(&state).is_some_and(|&(c, _)| c < cost) {
                continue;
            }
            settled += 1;
            if settled > self.budget {
                return Err(AlignError::Budget(self.budget));
            }
            let pos = state.pos as usize;
            if pos == n && state.marking == net.final_marking {
                return Ok(unwind(&nodes, id, cost, settled));
            }
            let mut push = |marking: Marking, pos: u32, add: (u32, u32), mv: Move, heap: &mut BinaryHeap<_>| {
                let succ = State { marking, pos };
                let c = (cost.0 + add.0, cost.1 + add.1);
                if best.get(&succ).is_some_and(|&(b, _)| b <= c) {
                    return;
                }
                let nid = u32::try_from(nodes.len()).unwrap_or(u32::MAX);
                best.insert(succ.clone(), (c, nid));
                nodes.push((succ, id, Some(mv)));
                heap.push(Reverse((c, nid)));
            };
            if pos < n {
                if let Some(l) = trace[pos] {
                    for &t in &self.by_label[l] {
                        if net.enabled(t, &state.marking) {
                            let mut m = state.marking.clone();
                            net.fire(t, &mut m);
                            push(m, state.pos + 1, (0, 0), Move::Sync(pos, t), &mut heap);
                        }
                    }
                }
                push(state.marking.clone(), state.pos + 1, (1, 0), Move::Log(pos), &mut heap);
            }
            for &t in &transitions {
                if net.enabled(t, &state.marking) {
                    let mut m = state.marking.clone();
                    net.fire(t, &mut m);
                    let add = if net.transition(t).label.is_some() { (1, 0) } else { (0, 1) };
                    push(m, state.pos, add, Move::Model(t), &mut heap);
                }
            }
        }
        Err(AlignError::Unreachable)
    }
}

/// The moves from the start to node `id`, following parent links.
fn unwind(nodes: &[(State, u32, Option<Move>)], mut id: u32, cost: (u32, u32), states: u64) -> Alignment {
    let mut moves = Vec::new();
    while let Some(mv) = nodes[id as usize].2 {
        moves.push(mv);
        id = nodes[id as usize].1;
    }
    moves.reverse();
    Alignment { cost: cost.0, silent: cost.1, moves, states }
}

#[cfg(test)]
mod tests {
    use super::Aligner;
    use crate::net::petri::tests_support::abc;

    /// The golden vector of `docs/metrics.md`.
    #[test]
    fn golden_vector() {
        let net = abc();
        let a = Aligner::new(&net, 100_000);
        let trace = |s: &str| s.split(',').map(|x| a.label(x)).collect::<Vec<_>>();
        assert_eq!(a.align(&trace("a,x,c")).unwrap().cost, 2);
        assert_eq!(a.align(&trace("a,b,c")).unwrap().cost, 0);
        assert_eq!(a.align(&trace("a,b,b,c")).unwrap().cost, 1);
        assert_eq!(a.align(&[]).unwrap().cost, 3, "the empty trace costs the shortest run's visible steps");
    }
}
