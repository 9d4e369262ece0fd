//! Whether a sequence of steps is a run the process model allows: the simulator's ground-truth check.
//!
//! Owns `Acceptor`, a token game on the process graph used to make sure that a recorded deviation
//! really is one (skipping an optional step, or swapping two steps of parallel branches, changes
//! nothing the model forbids, so it is not recorded). Tokens sit on edges; a step fires by taking a
//! token from one of its incoming flows or loops and putting one on one of its outgoing flows or
//! loops (any one: the replay keeps every possibility); exclusive gateways pass a token on to one
//! branch, parallel splits to all, parallel joins wait for all their branches. A trace is accepted
//! when, after its last step, no token is left. This is not the conformance checker (alignments and
//! fitness live in the conformance module); it only answers yes or no.
//!
//! Cost: O(events x states x tokens) where "states" is the number of token placements still
//! possible (a few for the bundled processes). Beyond [`MAX_STATES`] the answer is "accepted", so a
//! deviation the replay cannot judge is never recorded.

use std::collections::BTreeSet;

use petgraph::Direction;
use petgraph::visit::EdgeRef;

use crate::model::graph::FlowNode;
use crate::model::process::{Process, StepId};
use crate::model::spec::GatewayKind;

/// Most token placements tracked at once.
pub const MAX_STATES: usize = 4096;

/// The virtual edge whose token enables the start step.
const ENTRY: u32 = u32::MAX;

/// A multiset of tokens: sorted edge indices.
type State = Vec<u32>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gate {
    Step,
    Exclusive,
    Split,
    Join,
}

/// The process graph prepared for replay. Built once per process; O(nodes + edges).
#[derive(Debug, Clone)]
pub(crate) struct Acceptor {
    /// Per node: what it is.
    gate: Vec<Gate>,
    /// Per node: outgoing edges (flows and loops).
    out: Vec<Vec<u32>>,
    /// Per node: incoming flow edges (what a join waits for).
    inputs: Vec<Vec<u32>>,
    /// Per edge: its target node.
    target: Vec<u32>,
    /// Per node: whether a ticket may finish there.
    end: Vec<bool>,
    start: u32,
}

fn u(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Acceptor {
    /// Prepares `process` for replay.
    pub(crate) fn new(process: &Process) -> Acceptor {
        let g = &process.graph.graph;
        let gate = g
            .node_weights()
            .map(|w| match w {
                FlowNode::Step(_) => Gate::Step,
                FlowNode::Gateway(_, GatewayKind::ParallelSplit) => Gate::Split,
                FlowNode::Gateway(_, GatewayKind::ParallelJoin) => Gate::Join,
                FlowNode::Gateway(..) => Gate::Exclusive,
            })
            .collect();
        let out = g
            .node_indices()
            .map(|n| g.edges_directed(n, Direction::Outgoing).map(|e| u(e.id().index())).collect())
            .collect();
        let inputs = g
            .node_indices()
            .map(|n| {
                let mut v: Vec<u32> = g
                    .edges_directed(n, Direction::Incoming)
                    .filter(|e| *e.weight() == crate::model::graph::FlowKind::Flow)
                    .map(|e| u(e.id().index()))
                    .collect();
                v.sort_unstable();
                v
            })
            .collect();
        let target = g.edge_references().map(|e| u(e.target().index())).collect();
        let end = g.node_indices().map(|n| process.graph.ends.contains(&n)).collect();
        Acceptor { gate, out, inputs, target, end, start: u(process.graph.start.index()) }
    }

    fn target_of(&self, edge: u32) -> u32 {
        if edge == ENTRY { self.start } else { self.target[edge as usize] }
    }

    /// Whether the model allows `trace` as a whole ticket, from its start step to an end step.
    pub(crate) fn accepts(&self, trace: &[StepId]) -> bool {
        let mut states: BTreeSet<State> = BTreeSet::from([vec![ENTRY]]);
        for step in trace {
            let node = step.0;
            let mut next: BTreeSet<State> = BTreeSet::new();
            let Some(all) = self.closure(states) else { return true };
            for s in all {
                self.fire(&s, node, &mut next);
            }
            if next.is_empty() {
                return false;
            }
            if next.len() > MAX_STATES {
                return true;
            }
            states = next;
        }
        self.closure(states).is_none_or(|all| all.iter().any(Vec::is_empty))
    }

    /// Every state reachable through gateways alone (the states themselves included), or `None`
    /// past [`MAX_STATES`].
    fn closure(&self, states: BTreeSet<State>) -> Option<BTreeSet<State>> {
        let mut seen = states.clone();
        let mut todo: Vec<State> = states.into_iter().collect();
        while let Some(s) = todo.pop() {
            if seen.len() > MAX_STATES {
                return None;
            }
            for (i, &e) in s.iter().enumerate() {
                let at = self.target_of(e) as usize;
                let mut moved: Vec<State> = Vec::new();
                match self.gate[at] {
                    Gate::Step => {}
                    Gate::Exclusive => {
                        for &o in &self.out[at] {
                            moved.push(replace(&s, &[i], &[o]));
                        }
                    }
                    Gate::Split => moved.push(replace(&s, &[i], &self.out[at])),
                    Gate::Join => {
                        // Take one token from every input, if all are there.
                        let mut take = Vec::with_capacity(self.inputs[at].len());
                        for input in &self.inputs[at] {
                            match s.iter().enumerate().position(|(j, t)| t == input && !take.contains(&j)) {
                                Some(j) => take.push(j),
                                None => break,
                            }
                        }
                        if take.len() == self.inputs[at].len() {
                            for &o in &self.out[at] {
                                moved.push(replace(&s, &take, &[o]));
                            }
                        }
                    }
                }
                for m in moved {
                    if seen.insert(m.clone()) {
                        todo.push(m);
                    }
                }
            }
        }
        Some(seen)
    }

    /// Fires step node `node` in state `s` in every way possible, adding the results to `next`.
    fn fire(&self, s: &State, node: u32, next: &mut BTreeSet<State>) {
        let at = node as usize;
        for (i, &e) in s.iter().enumerate() {
            if self.target_of(e) != node || (i > 0 && s[i - 1] == e) {
                continue;
            }
            if self.out[at].is_empty() || self.end[at] {
                next.insert(replace(s, &[i], &[]));
            }
            for &o in &self.out[at] {
                next.insert(replace(s, &[i], &[o]));
            }
        }
    }
}

/// `s` without the tokens at positions `remove`, plus tokens on `add`, sorted.
fn replace(s: &[u32], remove: &[usize], add: &[u32]) -> State {
    let mut v: State =
        s.iter().enumerate().filter(|(j, _)| !remove.contains(j)).map(|(_, t)| *t).chain(add.iter().copied()).collect();
    v.sort_unstable();
    v
}

#[cfg(test)]
mod tests {
    use crate::simulate::replay::Acceptor;
    use crate::simulate::testing::bundled;

    fn ids(p: &crate::model::process::Process, names: &str) -> Vec<crate::model::process::StepId> {
        names.split_whitespace().map(|n| p.step_id(n).unwrap_or_else(|| panic!("no step {n}"))).collect()
    }

    #[test]
    fn linear_complaint_paths() {
        let lib = bundled();
        let p = lib.process("complaint-linear").unwrap();
        let a = Acceptor::new(p);
        let ok = "receive soothe-record diagnose maintenance-handle report-to-expert relay-to-frontline reply-customer close";
        assert!(a.accepts(&ids(p, ok)));
        let looped = "receive soothe-record diagnose construction-handle report-to-expert relay-to-frontline \
                      reply-customer diagnose maintenance-handle report-to-expert relay-to-frontline reply-customer close";
        assert!(a.accepts(&ids(p, looped)));
        for bad in [
            "receive soothe-record diagnose report-to-expert relay-to-frontline reply-customer close",
            "receive diagnose soothe-record maintenance-handle report-to-expert relay-to-frontline reply-customer close",
            "receive soothe-record diagnose maintenance-handle report-to-expert relay-to-frontline reply-customer",
            "receive soothe-record diagnose maintenance-handle construction-handle report-to-expert relay-to-frontline reply-customer close",
            "",
        ] {
            assert!(!a.accepts(&ids(p, bad)), "{bad}");
        }
    }

    #[test]
    fn parallel_blocks_allow_any_interleaving_but_need_every_branch() {
        let lib = bundled();
        let p = lib.process("verification").unwrap();
        let a = Acceptor::new(p);
        assert!(a.accepts(&ids(p, "receive first-check dispatch billing-check usage-check conclude callback close")));
        assert!(a.accepts(&ids(p, "receive first-check dispatch usage-check billing-check conclude callback close")));
        assert!(a.accepts(&ids(p, "receive first-check close")));
        assert!(!a.accepts(&ids(p, "receive first-check dispatch usage-check conclude callback close")));
        assert!(!a.accepts(&ids(
            p,
            "receive first-check dispatch usage-check usage-check billing-check conclude callback close"
        )));
        // the designed re-check repeats the whole parallel block
        assert!(a.accepts(&ids(
            p,
            "receive first-check dispatch usage-check billing-check conclude callback dispatch billing-check usage-check conclude refund callback close"
        )));
    }

    #[test]
    fn optional_steps_may_be_left_out() {
        let lib = bundled();
        let p = lib.process("acceptance").unwrap();
        let a = Acceptor::new(p);
        let base = "receive verify-identity check-eligibility confirm submit-order provision";
        assert!(a.accepts(&ids(p, &format!("{base} notify-sms close"))));
        assert!(a.accepts(&ids(p, &format!("{base} manual-provision notify-sms close"))));
        assert!(!a.accepts(&ids(p, &format!("{base} close"))));
    }
}
