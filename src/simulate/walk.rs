//! Trace generation: walks a process graph from its start step to an end step, as one ticket does.
//!
//! Owns the `Plan` (each node's successors in declaration order with their branch weights, its
//! designed loops, and what kind of node it is, built once per process) and the `Walker` that
//! produces one clean trace per call with reused buffers. Semantics follow the process graph:
//!
//! - at an exclusive choice (a step or exclusive gateway with several outgoing flows) one branch is
//!   taken; branch `k` in declaration order (file order of the flows) weighs `1024 >> 2k` (at least
//!   1), so the first-declared branch, the main path, is the likeliest: 80 % / 20 % for two
//!   branches, 76 / 19 / 5 % for three;
//! - an end step with outgoing flows finishes with the weight of a first branch, its flows follow;
//! - after a step with a designed loop, the loop is taken with probability [`LOOP_PROBABILITY`],
//!   halved on each repeat, at most [`MAX_LOOP_REPEATS`] times per loop and ticket;
//! - a parallel split starts all its branches; they run interleaved in random order (a random
//!   active branch does its next node), and the parallel join continues once every branch arrived.
//!
//! Cost: O(events) per trace plus O(nodes + loops) to reset the buffers; no allocation once warm.

use petgraph::Direction;
use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;

use crate::model::graph::{FlowKind, FlowNode};
use crate::model::process::{LoopId, Process, StepId};
use crate::model::spec::GatewayKind;
use crate::simulate::rng::Xoshiro256;

/// Probability of taking a designed loop the first time its `from` step completes.
pub const LOOP_PROBABILITY: f64 = 0.15;
/// How often one designed loop may be taken in one ticket.
pub const MAX_LOOP_REPEATS: u8 = 3;
/// A guard against runaway traces (never reached by a validated process; loops are capped).
const MAX_TRACE_EVENTS: usize = 10_000;

/// The weight of branch `k` (0-based, declaration order) of a choice.
pub(crate) fn branch_weight(k: usize) -> u32 {
    u32::try_from(k.saturating_mul(2)).ok().and_then(|s| 1024u32.checked_shr(s)).unwrap_or(0).max(1)
}

/// What a node does when a token reaches it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A step: emitted as an event.
    Step(StepId),
    /// An exclusive split or join: silent, one successor.
    Exclusive,
    /// A parallel split: silent, every successor.
    Split,
    /// A parallel join: waits for this many branches.
    Join(u16),
}

/// One node of the plan.
#[derive(Debug, Clone)]
struct Node {
    kind: Kind,
    /// Flow successors in declaration order.
    next: Vec<u32>,
    /// Running totals of the choice weights; for an end step with successors, option 0 is
    /// "finish" and option `k + 1` is `next[k]`.
    cumulative: Vec<u32>,
    /// Whether the ticket may finish here.
    end: bool,
    /// Designed loops leaving this step: (loop, target node), in declaration order.
    loops: Vec<(LoopId, u32)>,
}

/// A process graph prepared for walking. Built once per process; O(nodes + edges).
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    nodes: Vec<Node>,
    start: u32,
    loops: usize,
}

fn idx(n: NodeIndex) -> u32 {
    u32::try_from(n.index()).unwrap_or(u32::MAX)
}

impl Plan {
    /// Prepares `process` for walking.
    pub(crate) fn new(process: &Process) -> Plan {
        let g = &process.graph;
        let mut nodes = Vec::with_capacity(g.graph.node_count());
        for n in g.graph.node_indices() {
            let mut edges: Vec<_> = g.graph.edges_directed(n, Direction::Outgoing).collect();
            // Edge indices grow in insertion order, which is the order the flows were written.
            edges.sort_by_key(EdgeRef::id);
            let next: Vec<u32> =
                edges.iter().filter(|e| *e.weight() == FlowKind::Flow).map(|e| idx(e.target())).collect();
            let loops = edges
                .iter()
                .filter_map(|e| match e.weight() {
                    FlowKind::Loop(id) => Some((*id, idx(e.target()))),
                    FlowKind::Flow => None,
                })
                .collect();
            let end = g.ends.contains(&n);
            let kind = match g.graph[n] {
                FlowNode::Step(s) => Kind::Step(s),
                FlowNode::Gateway(_, GatewayKind::ParallelSplit) => Kind::Split,
                FlowNode::Gateway(_, GatewayKind::ParallelJoin) => {
                    Kind::Join(u16::try_from(g.flow_neighbors(n, Direction::Incoming).count()).unwrap_or(u16::MAX))
                }
                FlowNode::Gateway(..) => Kind::Exclusive,
            };
            let options = next.len() + usize::from(end && !next.is_empty());
            let mut total = 0u32;
            let cumulative = (0..options)
                .map(|k| {
                    total += branch_weight(k);
                    total
                })
                .collect();
            nodes.push(Node { kind, next, cumulative, end, loops });
        }
        Plan { nodes, start: idx(g.start), loops: process.loops.len() }
    }
}

/// Walks a [`Plan`] again and again, reusing its buffers.
#[derive(Debug)]
pub(crate) struct Walker<'p> {
    plan: &'p Plan,
    tokens: Vec<u32>,
    arrived: Vec<u16>,
    taken: Vec<u8>,
}

impl<'p> Walker<'p> {
    /// A walker over `plan`.
    pub(crate) fn new(plan: &'p Plan) -> Self {
        Walker { plan, tokens: Vec::new(), arrived: vec![0; plan.nodes.len()], taken: vec![0; plan.loops] }
    }

    /// Writes one clean trace (the steps a ticket does, in order) into `trace`, drawing from `rng`.
    ///
    /// The trace starts at the start step and ends at an end step, and every step follows a
    /// designed flow or loop, with parallel branches interleaved. O(trace length).
    pub(crate) fn walk(&mut self, rng: &mut Xoshiro256, trace: &mut Vec<StepId>) {
        self.walk_with(&mut Random, rng, trace);
    }

    /// As [`Walker::walk`], with `guide` making the choices.
    pub(crate) fn walk_with(&mut self, guide: &mut impl Guide, rng: &mut Xoshiro256, trace: &mut Vec<StepId>) {
        trace.clear();
        self.tokens.clear();
        self.arrived.fill(0);
        self.taken.fill(0);
        self.tokens.push(self.plan.start);
        while !self.tokens.is_empty() && trace.len() < MAX_TRACE_EVENTS {
            let pick = if self.tokens.len() == 1 { 0 } else { guide.token(self.tokens.len(), rng) };
            let at = self.tokens.swap_remove(pick);
            let node = &self.plan.nodes[at as usize];
            match node.kind {
                Kind::Step(s) => {
                    trace.push(s);
                    guide.stepped(s);
                    if let Some(target) = self.designed_loop(guide, node, rng) {
                        self.tokens.push(target);
                    } else if !node.next.is_empty() {
                        self.choose(guide, at, rng);
                    }
                }
                Kind::Exclusive => self.choose(guide, at, rng),
                Kind::Split => self.tokens.extend_from_slice(&node.next),
                Kind::Join(inputs) => {
                    self.arrived[at as usize] += 1;
                    if self.arrived[at as usize] >= inputs {
                        self.arrived[at as usize] = 0;
                        self.choose(guide, at, rng);
                    }
                }
            }
        }
    }

    /// The target of a designed loop taken after `node`, if one is.
    fn designed_loop(&mut self, guide: &mut impl Guide, node: &Node, rng: &mut Xoshiro256) -> Option<u32> {
        for &(id, target) in &node.loops {
            let taken = &mut self.taken[id.0 as usize];
            if guide.take_loop(id, *taken, rng) {
                *taken = taken.saturating_add(1);
                return Some(target);
            }
        }
        None
    }

    /// Moves the token on to one successor of node `at` (or finishes at an end step).
    fn choose(&mut self, guide: &mut impl Guide, at: u32, rng: &mut Xoshiro256) {
        let node = &self.plan.nodes[at as usize];
        let k = if node.cumulative.len() == 1 { 0 } else { guide.choose(at, &node.cumulative, rng) };
        if node.end && !node.next.is_empty() {
            if k > 0 {
                self.tokens.push(node.next[k - 1]);
            }
        } else {
            self.tokens.push(node.next[k]);
        }
    }
}

impl Plan {
    /// The options of the choice at node `at`: `None` for "finish here" (an end step with
    /// successors offers it first), then the flow successors' nodes in file order.
    pub(crate) fn options(&self, at: u32) -> Vec<Option<u32>> {
        let node = &self.nodes[at as usize];
        let finish = (node.end && !node.next.is_empty()).then_some(None);
        finish.into_iter().chain(node.next.iter().map(|&n| Some(n))).collect()
    }
}

/// Who makes a walk's choices.
pub(crate) trait Guide {
    /// Which of `tokens` (parallel branches) moves next.
    fn token(&mut self, tokens: usize, rng: &mut Xoshiro256) -> usize {
        rng.index(tokens)
    }
    /// Which option of the choice at node `at` (see [`Plan::options`]) the ticket takes;
    /// `cumulative` holds the documented branch weights' running totals.
    fn choose(&mut self, at: u32, cumulative: &[u32], rng: &mut Xoshiro256) -> usize;
    /// Whether the ticket takes designed loop `id` now, having taken it `taken` times.
    fn take_loop(&mut self, id: LoopId, taken: u8, rng: &mut Xoshiro256) -> bool;
    /// Told of each step the walk emits.
    fn stepped(&mut self, _step: StepId) {}
}

/// The simulator's choices: the documented branch weights and loop probabilities.
struct Random;

impl Guide for Random {
    fn choose(&mut self, _at: u32, cumulative: &[u32], rng: &mut Xoshiro256) -> usize {
        rng.weighted(cumulative)
    }

    fn take_loop(&mut self, _id: LoopId, taken: u8, rng: &mut Xoshiro256) -> bool {
        taken < MAX_LOOP_REPEATS && rng.chance(LOOP_PROBABILITY / f64::from(1u8 << taken))
    }
}

/// The design's main path: the first-written branch at every choice (finishing where an end step
/// may), no loop, parallel branches in turn.
struct FirstBranch;

impl Guide for FirstBranch {
    fn token(&mut self, _tokens: usize, _rng: &mut Xoshiro256) -> usize {
        0
    }

    fn choose(&mut self, _at: u32, _cumulative: &[u32], _rng: &mut Xoshiro256) -> usize {
        0
    }

    fn take_loop(&mut self, _id: LoopId, _taken: u8, _rng: &mut Xoshiro256) -> bool {
        false
    }
}

/// The steps of `process`'s main path: the run that takes the first-written branch at every
/// choice and no designed loop (the likeliest run of the simulator). O(steps).
pub fn main_path(process: &Process) -> Vec<StepId> {
    let plan = Plan::new(process);
    let mut trace = Vec::new();
    Walker::new(&plan).walk_with(&mut FirstBranch, &mut Xoshiro256::new(0, 0), &mut trace);
    trace
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::LazyLock;

    use proptest::prelude::*;

    use crate::model::library::Library;
    use crate::simulate::replay::Acceptor;
    use crate::simulate::rng::Xoshiro256;
    use crate::simulate::testing::{bundled, parse};
    use crate::simulate::walk::{Plan, Walker, branch_weight};

    #[test]
    fn branch_weights_favour_the_first_branch() {
        assert_eq!((0..7).map(branch_weight).collect::<Vec<_>>(), [1024, 256, 64, 16, 4, 1, 1]);
        assert_eq!(branch_weight(usize::MAX), 1);
    }

    #[test]
    fn every_walk_of_every_bundled_process_is_accepted() {
        for p in &bundled().processes {
            let plan = Plan::new(p);
            let acceptor = Acceptor::new(p);
            let mut walker = Walker::new(&plan);
            let mut rng = Xoshiro256::new(11, 0);
            let mut trace = Vec::new();
            for _ in 0..2000 {
                walker.walk(&mut rng, &mut trace);
                assert!(acceptor.accepts(&trace), "{}: {:?}", p.id, trace);
            }
        }
    }

    #[test]
    fn choices_follow_the_documented_weights() {
        let lib = bundled();
        let p = lib.process("complaint-linear").unwrap();
        let plan = Plan::new(p);
        let mut walker = Walker::new(&plan);
        let mut rng = Xoshiro256::new(5, 0);
        let (mut trace, mut counts) = (Vec::new(), BTreeMap::new());
        let (maint, diagnose) = (p.step_id("maintenance-handle").unwrap(), p.step_id("diagnose").unwrap());
        let mut looped = 0;
        for _ in 0..10_000 {
            walker.walk(&mut rng, &mut trace);
            for s in &trace {
                *counts.entry(*s).or_insert(0u32) += 1;
            }
            looped += u32::from(trace.iter().filter(|s| **s == diagnose).count() > 1);
        }
        let share = f64::from(counts[&maint]) / f64::from(counts[&diagnose]);
        assert!((share - 0.8).abs() < 0.02, "maintenance share {share}");
        assert!((1300..1700).contains(&looped), "looped {looped} of 10000");
    }

    #[test]
    fn parallel_branches_interleave_both_ways() {
        let p = parse(
            "par",
            "id: par\nname: P\nclass: management\nkind: kpi\nversion: \"1\"\nowner: t\nroles: {a: A}\n\
             steps: {s: {role: a}, x1: {role: a}, x2: {role: a}, y: {role: a}, e: {role: a}}\n\
             gateways: {f: parallel-split, j: parallel-join}\nstart: s\nend: e\n\
             flow:\n  - s -> f -> x1 | y\n  - x1 -> x2 -> j\n  - y -> j -> e\n",
        );
        let plan = Plan::new(&p);
        let acceptor = Acceptor::new(&p);
        let mut walker = Walker::new(&plan);
        let mut rng = Xoshiro256::new(9, 0);
        let mut trace = Vec::new();
        let mut orders = BTreeMap::new();
        for _ in 0..500 {
            walker.walk(&mut rng, &mut trace);
            assert!(acceptor.accepts(&trace), "{trace:?}");
            let names: Vec<&str> = trace.iter().map(|s| p.step(*s).id.as_str()).collect();
            *orders.entry(names.join(" ")).or_insert(0) += 1;
        }
        assert_eq!(orders.len(), 3, "y before, between and after x1 x2: {orders:?}");
    }

    static LIBRARY: LazyLock<Library> = LazyLock::new(bundled);

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Property: whatever the seed, every generated trace is a run the model allows.
        #[test]
        fn walks_are_accepted_for_any_seed(seed in any::<u64>(), stream in any::<u64>()) {
            for p in &LIBRARY.processes {
                let (plan, acceptor) = (Plan::new(p), Acceptor::new(p));
                let mut walker = Walker::new(&plan);
                let mut rng = Xoshiro256::new(seed, stream);
                let mut trace = Vec::new();
                for _ in 0..20 {
                    walker.walk(&mut rng, &mut trace);
                    prop_assert!(acceptor.accepts(&trace), "{}: {:?}", p.id, trace);
                }
            }
        }
    }
}
