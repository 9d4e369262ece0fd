//! What a process's design implies before any ticket runs: the steps on its main path, the
//! hand-offs and department returns they make, the departments they touch, and what each
//! follow-up request (a designed loop taken once) costs in steps and hand-offs.
//!
//! Owns [`DesignFigures`] and [`design_figures`], the design half of `flowaudit compare`.
//! Definitions: the **main path** is the run that takes the first-written branch at every choice
//! and no loop (as in the department view); a **hand-off** is a change of owning role
//! between consecutive steps, a **department return** a hand-off to a role that worked on the
//! path before (as [`HandoffFigures::of_path`] counts them). A **follow-up** through a designed
//! loop `from -> to` redoes the steps of the shortest flow path from `to` back to `from` (flows and
//! gateways only, no loop); its hand-offs are those of `from, to, ..., from`. Cost: one walk of
//! the main path plus a breadth-first search per loop, O(loops x (steps + flows)).

use std::collections::VecDeque;

use petgraph::Direction;
use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;

use crate::analysis::view::main_path;
use crate::conformance::handoff::HandoffFigures;
use crate::log::department::Dept;
use crate::model::graph::{FlowKind, FlowNode};
use crate::model::process::{LoopId, Process, RoleId, StepId};

/// One designed loop taken once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    /// The loop.
    pub id: LoopId,
    /// The steps redone, from the loop's `to` to its `from`.
    pub steps: Vec<StepId>,
    /// Hand-offs of `from, to, ..., from`.
    pub handoffs: u32,
    /// Department returns among them.
    pub returns: u32,
}

/// What a process's design implies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesignFigures {
    /// Steps of the main path, in order.
    pub main_path: Vec<StepId>,
    /// Hand-offs on the main path.
    pub handoffs: u32,
    /// Department returns on the main path.
    pub returns: u32,
    /// Roles the main path touches, in the order it first reaches them.
    pub departments: Vec<RoleId>,
    /// Roles any step of the process belongs to.
    pub departments_designed: usize,
    /// One per designed loop, in file order.
    pub follow_ups: Vec<FollowUp>,
}

/// The design figures of `process`.
pub fn design_figures(process: &Process) -> DesignFigures {
    let path = main_path(process);
    let mut departments: Vec<RoleId> = Vec::new();
    for &s in &path.steps {
        let role = process.step(s).role;
        if !departments.contains(&role) {
            departments.push(role);
        }
    }
    let mut roles: Vec<RoleId> = process.steps.iter().map(|s| s.role).collect();
    roles.sort_unstable_by_key(|r| r.0);
    roles.dedup();
    let follow_ups = process
        .loops
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let steps = flow_path(process, l.to, l.from);
            let mut owners = vec![owner(process, l.from)];
            owners.extend(steps.iter().map(|&s| owner(process, s)));
            let h = HandoffFigures::of_path(&owners);
            FollowUp {
                id: LoopId(u32::try_from(i).unwrap_or(u32::MAX)),
                steps,
                handoffs: h.handoffs,
                returns: h.returns,
            }
        })
        .collect();
    DesignFigures {
        main_path: path.steps,
        handoffs: path.handoffs.handoffs,
        returns: path.handoffs.returns,
        departments,
        departments_designed: roles.len(),
        follow_ups,
    }
}

fn owner(process: &Process, s: StepId) -> Dept {
    Dept(process.step(s).role.0)
}

/// The steps of the shortest flow path from `from` to `to` (both included; flows and gateways
/// only), or just `from` when `to` cannot be reached that way.
fn flow_path(process: &Process, from: StepId, to: StepId) -> Vec<StepId> {
    let g = &process.graph.graph;
    let (start, goal) = (NodeIndex::new(from.0 as usize), NodeIndex::new(to.0 as usize));
    let mut parent: Vec<Option<NodeIndex>> = vec![None; g.node_count()];
    let mut queue = VecDeque::from([start]);
    let mut reached = start == goal;
    while let Some(n) = queue.pop_front() {
        if reached {
            break;
        }
        // Edges in file order, so that ties go to the first-written branch.
        let mut edges: Vec<_> =
            g.edges_directed(n, Direction::Outgoing).filter(|e| *e.weight() == FlowKind::Flow).collect();
        edges.sort_by_key(EdgeRef::id);
        for e in edges {
            let next = e.target();
            if next != start && parent[next.index()].is_none() {
                parent[next.index()] = Some(n);
                if next == goal {
                    reached = true;
                    break;
                }
                queue.push_back(next);
            }
        }
    }
    if !reached {
        return vec![from];
    }
    let mut nodes = vec![goal];
    let mut at = goal;
    while at != start {
        let Some(p) = parent[at.index()] else { break };
        nodes.push(p);
        at = p;
    }
    nodes.reverse();
    nodes.into_iter().filter_map(|n| if let FlowNode::Step(s) = g[n] { Some(s) } else { None }).collect()
}

#[cfg(test)]
mod tests {
    use super::design_figures;
    use crate::model::library;

    fn figures(id: &str) -> (crate::model::process::Process, super::DesignFigures) {
        let lib = library::load(&[format!("processes/{id}.yaml").into()]);
        let p = lib.processes.into_iter().next().unwrap();
        let f = design_figures(&p);
        (p, f)
    }

    #[test]
    fn linear_complaint_makes_more_handoffs_than_flat() {
        let (p, f) = figures("complaint-linear");
        let ids: Vec<&str> = f.main_path.iter().map(|&s| p.step(s).id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "receive",
                "soothe-record",
                "diagnose",
                "maintenance-handle",
                "report-to-expert",
                "relay-to-frontline",
                "reply-customer",
                "close"
            ]
        );
        assert_eq!((f.handoffs, f.returns, f.departments.len(), f.departments_designed), (4, 2, 3, 4));
        let fu = &f.follow_ups[0];
        let redone: Vec<&str> = fu.steps.iter().map(|&s| p.step(s).id.as_str()).collect();
        assert_eq!(
            redone,
            ["diagnose", "maintenance-handle", "report-to-expert", "relay-to-frontline", "reply-customer"]
        );
        assert_eq!((fu.handoffs, fu.returns), (4, 2), "reply(F) -> diagnose(E) -> M -> E -> F: the last two return");

        let (p, f) = figures("complaint-flat");
        let ids: Vec<&str> = f.main_path.iter().map(|&s| p.step(s).id.as_str()).collect();
        assert_eq!(ids, ["receive", "soothe-record", "diagnose", "maintenance-handle", "maintenance-report", "close"]);
        assert_eq!((f.handoffs, f.returns, f.departments.len()), (3, 1, 3));
        assert_eq!(f.follow_ups.len(), 2);
        assert!(f.follow_ups.iter().all(|fu| fu.handoffs == 0 && fu.steps.len() == 2), "{:?}", f.follow_ups);
    }
}
