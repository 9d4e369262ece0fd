//! Balance of parallel blocks: every parallel split must be closed by exactly one parallel join.
//!
//! Owns the structural soundness check of the flow's concurrency. On the acyclic flow graph (loops
//! removed), each node gets the place its paths lead to (an `Exit`): the parallel join they reach or
//! the end. Nodes are visited in reverse topological order, so a nested split is matched before the
//! split around it. A split is balanced when all its branches reach the same join, the join waits
//! for exactly that many branches, the branches share no node, and nothing enters a branch from
//! outside. Cost: O(V + E) for the exits plus O(block size x blocks) for the branch walks.

use petgraph::Direction;
use petgraph::graph::NodeIndex;

use crate::model::graph::{FlowNode, ProcessGraph};
use crate::model::spec::GatewayKind;

/// Where the paths from a node lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Exit {
    /// To this parallel join.
    Join(NodeIndex),
    /// To the end of the process.
    End,
    /// Unknown because of an error already reported.
    Broken,
}

/// A problem with parallel balance, at a node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unbalanced {
    /// The node to point at.
    pub node: NodeIndex,
    /// What is wrong (node names are filled in by the caller through `name`).
    pub message: String,
}

/// The matched blocks and the problems found.
#[derive(Debug, Default)]
pub struct Blocks {
    /// (split, join, nodes strictly inside) for each balanced block.
    pub blocks: Vec<(NodeIndex, NodeIndex, Vec<NodeIndex>)>,
    /// The problems.
    pub problems: Vec<Unbalanced>,
}

impl Blocks {
    /// The innermost block `n` lies strictly inside, as its split node.
    pub fn innermost(&self, n: NodeIndex) -> Option<NodeIndex> {
        self.blocks.iter().filter(|(_, _, inside)| inside.contains(&n)).min_by_key(|(_, _, i)| i.len()).map(|b| b.0)
    }
}

fn is(g: &ProcessGraph, n: NodeIndex, kind: GatewayKind) -> bool {
    matches!(g.graph[n], FlowNode::Gateway(_, k) if k == kind)
}

/// Checks every parallel block of `g`. `order` is a topological order of the flow (loops removed);
/// `name` names a node in messages.
pub fn check(g: &ProcessGraph, order: &[NodeIndex], name: &dyn Fn(NodeIndex) -> String) -> Blocks {
    let n = g.graph.node_count();
    let mut exit = vec![Exit::Broken; n];
    let mut matched: Vec<Option<NodeIndex>> = vec![None; n];
    let mut joined_by: Vec<Option<NodeIndex>> = vec![None; n];
    let mut out = Blocks::default();
    // What a predecessor sees when it flows into `m`.
    let seen = |exit: &[Exit], m: NodeIndex| {
        if is(g, m, GatewayKind::ParallelJoin) { Exit::Join(m) } else { exit[m.index()] }
    };
    for &v in order.iter().rev() {
        let combine = |exit: &[Exit], from: NodeIndex, out: &mut Blocks| -> Exit {
            let mut result: Option<Exit> = None;
            let mut succ: Vec<NodeIndex> = g.flow_neighbors(from, Direction::Outgoing).collect();
            succ.sort();
            for s in succ {
                let e = seen(exit, s);
                match (result, e) {
                    (_, Exit::Broken) | (Some(Exit::Broken), _) => result = Some(Exit::Broken),
                    (None, e) => result = Some(e),
                    (Some(r), e) if r == e => {}
                    (Some(r), e) => {
                        let show = |x: Exit| match x {
                            Exit::Join(j) => format!("parallel join `{}`", name(j)),
                            _ => "the end of the process".to_owned(),
                        };
                        out.problems.push(Unbalanced {
                            node: from,
                            message: format!(
                                "the paths after `{}` lead to different places: {} and {}",
                                name(from),
                                show(r),
                                show(e)
                            ),
                        });
                        result = Some(Exit::Broken);
                    }
                }
            }
            result.unwrap_or(Exit::End)
        };
        if is(g, v, GatewayKind::ParallelSplit) {
            let Some(j) = match_split(g, v, &exit, &seen, name, &mut out) else { continue };
            matched[v.index()] = Some(j);
            if let Some(other) = joined_by[j.index()] {
                out.problems.push(Unbalanced {
                    node: v,
                    message: format!("parallel join `{}` already closes parallel split `{}`", name(j), name(other)),
                });
                continue;
            }
            joined_by[j.index()] = Some(v);
            exit[v.index()] = exit[j.index()];
        } else {
            exit[v.index()] = combine(&exit, v, &mut out);
        }
    }
    for &v in order {
        if is(g, v, GatewayKind::ParallelJoin) && joined_by[v.index()].is_none() && exit[v.index()] != Exit::Broken {
            let opened = order.iter().any(|&s| is(g, s, GatewayKind::ParallelSplit) && matched[s.index()].is_none());
            if !opened {
                out.problems.push(Unbalanced {
                    node: v,
                    message: format!("parallel join `{}` closes no parallel split", name(v)),
                });
            }
        }
    }
    out
}

/// Finds and checks the join that closes split `s`.
fn match_split(
    g: &ProcessGraph,
    s: NodeIndex,
    exit: &[Exit],
    seen: &dyn Fn(&[Exit], NodeIndex) -> Exit,
    name: &dyn Fn(NodeIndex) -> String,
    out: &mut Blocks,
) -> Option<NodeIndex> {
    let mut branches: Vec<NodeIndex> = g.flow_neighbors(s, Direction::Outgoing).collect();
    branches.sort();
    let mut join: Option<NodeIndex> = None;
    for &b in &branches {
        match seen(exit, b) {
            Exit::Broken => return None,
            Exit::End => {
                out.problems.push(Unbalanced {
                    node: s,
                    message: format!(
                        "the branch of parallel split `{}` through `{}` reaches the end without a parallel join",
                        name(s),
                        name(b)
                    ),
                });
                return None;
            }
            Exit::Join(j) if join.is_some_and(|k| k != j) => {
                out.problems.push(Unbalanced {
                    node: s,
                    message: format!(
                        "the branches of parallel split `{}` end in different parallel joins `{}` and `{}`",
                        name(s),
                        name(join.unwrap_or(j)),
                        name(j)
                    ),
                });
                return None;
            }
            Exit::Join(j) => join = Some(j),
        }
    }
    let j = join?;
    let waits = g.flow_neighbors(j, Direction::Incoming).count();
    if waits != branches.len() {
        out.problems.push(Unbalanced {
            node: j,
            message: format!(
                "parallel join `{}` waits for {waits} flows but parallel split `{}` opens {} branches",
                name(j),
                name(s),
                branches.len()
            ),
        });
        return None;
    }
    // Walk each branch up to the join: branches must not share nodes, nothing may enter from outside.
    let mut owner: Vec<Option<usize>> = vec![None; g.graph.node_count()];
    let mut inside = Vec::new();
    for (i, &b) in branches.iter().enumerate() {
        let mut stack = vec![b];
        while let Some(v) = stack.pop() {
            if v == j {
                continue;
            }
            match owner[v.index()] {
                Some(o) if o == i => continue,
                Some(_) => {
                    out.problems.push(Unbalanced {
                        node: v,
                        message: format!(
                            "`{}` is reached from two branches of parallel split `{}`; each branch must reach parallel join `{}` on its own",
                            name(v),
                            name(s),
                            name(j)
                        ),
                    });
                    return None;
                }
                None => {}
            }
            owner[v.index()] = Some(i);
            inside.push(v);
            stack.extend(g.flow_neighbors(v, Direction::Outgoing));
        }
    }
    for &v in inside.iter().chain(std::iter::once(&j)) {
        for p in g.flow_neighbors(v, Direction::Incoming) {
            if p != s && owner[p.index()].is_none() {
                out.problems.push(Unbalanced {
                    node: v,
                    message: format!(
                        "`{}` flows into the parallel block `{}` .. `{}` from outside it, at `{}`",
                        name(p),
                        name(s),
                        name(j),
                        name(v)
                    ),
                });
                return None;
            }
        }
    }
    inside.sort();
    out.blocks.push((s, j, inside));
    Some(j)
}
