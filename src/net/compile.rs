//! Compiling a validated process into a workflow net, so that tickets can be aligned with it.
//!
//! Owns [`compile`]. The mapping (also in `docs/process-format.md` terms):
//!
//! - every node `n` of the process graph (step or gateway) has an input place `in:n` and an
//!   output place `out:n`, except as below;
//! - a **step** is one visible transition labelled with the step's id, from `in:s` to `out:s`
//!   (log labels reach step ids through the activity mapping, so aliases need no transitions);
//! - an **exclusive** gateway is a silent transition from `in:g` to `out:g`; a step with several
//!   outgoing flows is an exclusive choice by itself, since its flows share `out:s`;
//! - a **parallel split** is a silent transition putting one token on each of its outgoing flows;
//!   a **parallel join** is a silent transition taking one token from each incoming flow, which
//!   therefore has a place of its own (`flow:x>j`);
//! - every flow and designed loop `x -> y` is a silent transition from `out:x` (or the split's
//!   branch place) to `in:y` (or the join's flow place);
//! - the start step's input place holds the one initial token; each end step's output place is
//!   emptied by a silent transition into `sink`, and the final marking is one token in `sink`.
//!
//! Silent transitions cost nothing in an alignment, so a trace that follows the design aligns at
//! cost 0. Size: O(steps + gateways + flows) places and transitions.

use petgraph::Direction;
use petgraph::visit::EdgeRef;

use crate::model::graph::{FlowKind, FlowNode};
use crate::model::process::{LoopId, Process, StepId};
use crate::model::spec::GatewayKind;
use crate::net::petri::{Marking, PetriNet, Place, PlaceIdx, Transition};

struct Builder {
    places: Vec<Place>,
    transitions: Vec<Transition>,
}

impl Builder {
    fn place(&mut self, id: String) -> PlaceIdx {
        self.places.push(Place { id });
        PlaceIdx(u32::try_from(self.places.len() - 1).unwrap_or(u32::MAX))
    }

    fn transition(&mut self, id: String, label: Option<String>, inputs: Vec<PlaceIdx>, outputs: Vec<PlaceIdx>) {
        let arcs = |v: Vec<PlaceIdx>| v.into_iter().map(|p| (p, 1)).collect();
        self.transitions.push(Transition { id, label, inputs: arcs(inputs), outputs: arcs(outputs) });
    }
}

/// The workflow net of `process`.
///
/// # Example
/// ```
/// use flowaudit::model::library;
/// use flowaudit::net::compile::compile;
///
/// let lib = library::load(&["processes/complaint-linear.yaml".into()]);
/// let net = compile(&lib.processes[0]);
/// assert_eq!(net.labels().len(), lib.processes[0].steps.len());
/// ```
pub fn compile(process: &Process) -> PetriNet {
    let g = &process.graph.graph;
    let name = |n: petgraph::graph::NodeIndex| match g[n] {
        FlowNode::Step(s) => process.step(s).id.clone(),
        FlowNode::Gateway(i, _) => process.gateways[i as usize].id.clone(),
    };
    let mut b = Builder { places: Vec::new(), transitions: Vec::new() };
    let mut input = vec![None; g.node_count()];
    let mut output = vec![None; g.node_count()];
    for n in g.node_indices() {
        let kind = match g[n] {
            FlowNode::Gateway(_, k) => Some(k),
            FlowNode::Step(_) => None,
        };
        if kind != Some(GatewayKind::ParallelJoin) {
            input[n.index()] = Some(b.place(format!("in:{}", name(n))));
        }
        if kind != Some(GatewayKind::ParallelSplit) {
            output[n.index()] = Some(b.place(format!("out:{}", name(n))));
        }
    }
    // Flow places: a parallel split's branches start in one, a parallel join's inputs end in one.
    let mut edge_source = vec![None; g.edge_count()];
    let mut edge_target = vec![None; g.edge_count()];
    for e in g.edge_references() {
        let (x, y) = (e.source(), e.target());
        edge_source[e.id().index()] =
            output[x.index()].or_else(|| Some(b.place(format!("flow:{}>{}", name(x), name(y)))));
        edge_target[e.id().index()] =
            input[y.index()].or_else(|| Some(b.place(format!("flow:{}>{}:in", name(x), name(y)))));
    }
    let flows = |n, dir| -> Vec<PlaceIdx> {
        g.edges_directed(n, dir)
            .filter_map(|e| {
                if dir == Direction::Outgoing { edge_source[e.id().index()] } else { edge_target[e.id().index()] }
            })
            .collect()
    };
    for n in g.node_indices() {
        let (ins, outs) = match (input[n.index()], output[n.index()]) {
            (Some(i), Some(o)) => (vec![i], vec![o]),
            (Some(i), None) => (vec![i], flows(n, Direction::Outgoing)),
            (None, Some(o)) => (flows(n, Direction::Incoming), vec![o]),
            (None, None) => (Vec::new(), Vec::new()),
        };
        let label = match g[n] {
            FlowNode::Step(s) => Some(process.step(s).id.clone()),
            FlowNode::Gateway(..) => None,
        };
        b.transition(name(n), label, ins, outs);
    }
    for e in g.edge_references() {
        let (from, to) = (edge_source[e.id().index()], edge_target[e.id().index()]);
        if let (Some(from), Some(to)) = (from, to) {
            b.transition(edge_id(&name(e.source()), &name(e.target())), None, vec![from], vec![to]);
        }
    }
    let sink = b.place("sink".to_owned());
    for &end in &process.graph.ends {
        if let Some(o) = output[end.index()] {
            b.transition(format!("{}>end", name(end)), None, vec![o], vec![sink]);
        }
    }
    let mut initial = Marking::empty(b.places.len());
    if let Some(i) = input[process.graph.start.index()] {
        initial.0[i.0 as usize] = 1;
    }
    let mut final_marking = Marking::empty(b.places.len());
    final_marking.0[sink.0 as usize] = 1;
    PetriNet { places: b.places, transitions: b.transitions, initial, final_marking }
}

/// The id of the silent transition of the flow or loop `x -> y`.
fn edge_id(x: &str, y: &str) -> String {
    format!("{x}>{y}")
}

/// For each transition of `net` (compiled from `process` by [`compile`]), the designed loop it
/// takes, if it is one: the silent transition `from>to` of a `loops:` entry. O(transitions +
/// loops).
pub fn loop_transitions(process: &Process, net: &PetriNet) -> Vec<Option<LoopId>> {
    let g = &process.graph.graph;
    let ids: Vec<(String, LoopId)> = g
        .edge_references()
        .filter_map(|e| match *e.weight() {
            FlowKind::Loop(l) => {
                let designed = &process.loops[l.0 as usize];
                Some((edge_id(&process.step(designed.from).id, &process.step(designed.to).id), l))
            }
            FlowKind::Flow => None,
        })
        .collect();
    net.transitions
        .iter()
        .map(|t| if t.label.is_some() { None } else { ids.iter().find(|(id, _)| *id == t.id).map(|&(_, l)| l) })
        .collect()
}

/// For each transition of `net` compiled from `process`, the step it stands for (visible
/// transitions are labelled with step ids). O(transitions x steps).
pub fn step_transitions(process: &Process, net: &PetriNet) -> Vec<Option<StepId>> {
    net.transitions.iter().map(|t| t.label.as_deref().and_then(|l| process.step_id(l))).collect()
}
