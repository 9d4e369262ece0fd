//! The process graph: steps and gateways as petgraph nodes, designed flows and loops as edges.
//!
//! Owns the graph semantics (documented in `docs/process-format.md`): node `i` for `i <
//! steps.len()` is step `i`, gateways follow; a step with several outgoing flows is an exclusive
//! choice, with several incoming flows an exclusive merge; parallel split/join gateways fork and
//! wait; a [`FlowKind::Loop`] edge is a designed loop back to an earlier step. Without loop edges
//! the graph is acyclic (validation guarantees it). Built once per process; never mutated.

use std::collections::BTreeSet;

use petgraph::Direction;
use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::model::process::{LoopId, StepId};
use crate::model::spec::GatewayKind;

/// A node of the flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowNode {
    /// A step.
    Step(StepId),
    /// A gateway (index into `Process::gateways`) and its kind.
    Gateway(u32, GatewayKind),
}

/// An edge of the flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowKind {
    /// A designed flow.
    Flow,
    /// A designed loop back to an earlier step.
    Loop(LoopId),
}

/// The flow graph of one process.
#[derive(Debug, Clone)]
pub struct ProcessGraph {
    /// Nodes and edges.
    pub graph: DiGraph<FlowNode, FlowKind>,
    /// The start step's node.
    pub start: NodeIndex,
    /// The end steps' nodes.
    pub ends: Vec<NodeIndex>,
}

impl ProcessGraph {
    /// The node of step `id`.
    pub fn node_of(id: StepId) -> NodeIndex {
        NodeIndex::new(id.0 as usize)
    }

    /// The nodes `n` flows to (or comes from, with `Direction::Incoming`), loops excluded, in edge
    /// insertion order reversed (petgraph's order; callers that emit output sort).
    pub fn flow_neighbors(&self, n: NodeIndex, dir: Direction) -> impl Iterator<Item = NodeIndex> + '_ {
        self.graph
            .edges_directed(n, dir)
            .filter(|e| *e.weight() == FlowKind::Flow)
            .map(move |e| if dir == Direction::Outgoing { e.target() } else { e.source() })
    }

    /// The steps a token reaching `n` does first: `n` itself when it is a step, else the steps
    /// reached from the gateway through flows and gateways only. O(nodes + edges) at most.
    pub fn first_steps(&self, n: NodeIndex) -> BTreeSet<StepId> {
        let (mut out, mut stack, mut seen) = (BTreeSet::new(), vec![n], BTreeSet::new());
        while let Some(n) = stack.pop() {
            if !seen.insert(n) {
                continue;
            }
            match self.graph[n] {
                FlowNode::Step(s) => {
                    out.insert(s);
                }
                FlowNode::Gateway(..) => stack.extend(self.flow_neighbors(n, Direction::Outgoing)),
            }
        }
        out
    }

    /// The edges of designed loops.
    pub fn loop_edges(&self) -> impl Iterator<Item = EdgeIndex> + '_ {
        self.graph.edge_indices().filter(|e| matches!(self.graph[*e], FlowKind::Loop(_)))
    }
}
