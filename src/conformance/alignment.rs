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
//! This first engine is Dijkstra's algorithm with duplicate-state detection: each state is
//! stored once, in a node array, and a hash table maps states to their best node. A marking's
//! hash is linear in its tokens (a fixed random key per place), so a move updates it in O(1) and
//! the table never rehashes markings. Exact, O(S log S) for the S states it settles, which on
//! nets full of concurrency can be many (no heuristic yet). A budget of states bounds the work:
//! past it a variant is reported as not computed, never guessed.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use hashbrown::HashTable;

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
    /// A fixed pseudo-random 64-bit key per place: a marking's hash is the wrapping sum of key x
    /// tokens, so firing a transition changes it by a per-transition delta in O(1) instead of
    /// rehashing every place.
    zobrist: Vec<u64>,
    /// The hash change of firing each transition.
    delta: Vec<u64>,
}

/// A search node: a state (marking and trace position), how it was reached and at what cost.
struct Node {
    marking: Box<[u32]>,
    /// The marking's linear hash (see [`Aligner::zobrist`]).
    mhash: u64,
    pos: u32,
    cost: (u32, u32),
    parent: u32,
    mv: Option<Move>,
}

/// The search's memory: every node once, and a table from each state to its best node.
struct Search {
    nodes: Vec<Node>,
    table: HashTable<u32>,
}

/// A state's hash from its marking's linear hash and its trace position (the `MurmurHash3` finaliser
/// spreads the bits, since the table takes its tag from the top ones).
fn state_hash(mhash: u64, pos: u32) -> u64 {
    let mut h = mhash ^ u64::from(pos).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

impl Search {
    /// Records `marking, pos` reached at `cost` unless it is known at no more; returns the new node.
    fn offer(&mut self, marking: &[u32], mhash: u64, pos: u32, cost: (u32, u32), parent: u32, mv: Move) -> Option<u32> {
        let h = state_hash(mhash, pos);
        let Search { nodes, table } = self;
        let id = u32::try_from(nodes.len()).unwrap_or(u32::MAX);
        let same = |&i: &u32| {
            let n = &nodes[i as usize];
            n.mhash == mhash && n.pos == pos && *n.marking == *marking
        };
        match table.find_mut(h, same) {
            Some(known) if nodes[*known as usize].cost <= cost => return None,
            Some(known) => *known = id,
            None => {
                table.insert_unique(h, id, |&i| {
                    let n: &Node = &nodes[i as usize];
                    state_hash(n.mhash, n.pos)
                });
            }
        }
        nodes.push(Node { marking: marking.into(), mhash, pos, cost, parent, mv: Some(mv) });
        Some(id)
    }

    /// Whether node `id` is still the best for its state (not superseded since it was queued).
    fn current(&self, id: u32) -> bool {
        let n = &self.nodes[id as usize];
        self.table.find(state_hash(n.mhash, n.pos), |&i| i == id).is_some()
    }
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
        let mut x = 0x853c_49e6_748f_ea9b_u64;
        let zobrist: Vec<u64> = (0..net.places.len())
            .map(|_| {
                x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
                let mut z = x;
                z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
                z ^ (z >> 31)
            })
            .collect();
        let delta = net
            .transitions
            .iter()
            .map(|t| {
                let sum = |arcs: &[(crate::net::petri::PlaceIdx, u32)]| {
                    arcs.iter()
                        .fold(0u64, |h, &(p, w)| h.wrapping_add(zobrist[p.0 as usize].wrapping_mul(u64::from(w))))
                };
                sum(&t.outputs).wrapping_sub(sum(&t.inputs))
            })
            .collect();
        Aligner { net, by_label, labels, budget, zobrist, delta }
    }

    /// The label index of `activity`, `None` when no transition has it (its events are always log moves).
    pub fn label(&self, activity: &str) -> Option<usize> {
        self.labels.binary_search_by(|l| l.as_str().cmp(activity)).ok()
    }

    /// An optimal alignment of `trace` (label indices; `None` for activities the net lacks).
    pub fn align(&self, trace: &[Option<usize>]) -> Result<Alignment, AlignError> {
        let net = self.net;
        let n = trace.len();
        let mut search = Search { nodes: Vec::new(), table: HashTable::new() };
        let start: Box<[u32]> = net.initial.0.clone().into_boxed_slice();
        let mhash =
            start.iter().zip(&self.zobrist).fold(0u64, |h, (&n, &z)| h.wrapping_add(z.wrapping_mul(u64::from(n))));
        let h = state_hash(mhash, 0);
        search.table.insert_unique(h, 0, |_| h);
        search.nodes.push(Node { marking: start, mhash, pos: 0, cost: (0, 0), parent: u32::MAX, mv: None });
        let mut heap = BinaryHeap::new();
        heap.push(Reverse(((0u32, 0u32), 0u32)));
        let mut settled = 0u64;
        let mut scratch = Marking(Vec::new());
        while let Some(Reverse((cost, id))) = heap.pop() {
            if !search.current(id) {
                continue;
            }
            settled += 1;
            if settled > self.budget {
                return Err(AlignError::Budget(self.budget));
            }
            let node = &search.nodes[id as usize];
            let (pos, here, mhash) = (node.pos, Marking(node.marking.to_vec()), node.mhash);
            let p = pos as usize;
            if p == n && here == net.final_marking {
                return Ok(unwind(&search.nodes, id, cost, settled));
            }
            let mut step = |search: &mut Search, t: Option<TransitionIdx>, pos: u32, add: (u32, u32), mv: Move| {
                scratch.0.clear();
                scratch.0.extend_from_slice(&here.0);
                let mut h = mhash;
                if let Some(t) = t {
                    net.fire(t, &mut scratch);
                    h = h.wrapping_add(self.delta[t.0 as usize]);
                }
                let c = (cost.0 + add.0, cost.1 + add.1);
                if let Some(nid) = search.offer(&scratch.0, h, pos, c, id, mv) {
                    heap.push(Reverse((c, nid)));
                }
            };
            if p < n {
                if let Some(l) = trace[p] {
                    for &t in &self.by_label[l] {
                        if net.enabled(t, &here) {
                            step(&mut search, Some(t), pos + 1, (0, 0), Move::Sync(p, t));
                        }
                    }
                }
                step(&mut search, None, pos + 1, (1, 0), Move::Log(p));
            }
            for (i, tr) in net.transitions.iter().enumerate() {
                let t = TransitionIdx(u32::try_from(i).unwrap_or(u32::MAX));
                if net.enabled(t, &here) {
                    let add = if tr.label.is_some() { (1, 0) } else { (0, 1) };
                    step(&mut search, Some(t), pos, add, Move::Model(t));
                }
            }
        }
        Err(AlignError::Unreachable)
    }
}

/// The moves from the start to node `id`, following parent links.
fn unwind(nodes: &[Node], mut id: u32, cost: (u32, u32), states: u64) -> Alignment {
    let mut moves = Vec::new();
    while let Some(mv) = nodes[id as usize].mv {
        moves.push(mv);
        id = nodes[id as usize].parent;
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
