//! Cross-checks of a decoded process: references, ownership, labels, and the shape of the flow.
//!
//! Owns turning a [`ProcessSpec`] into a [`Process`], or into located diagnostics: the file's id,
//! roles and owners, alias conflicts, unknown steps in flows and loops, gateway degrees, cycles not
//! declared as loops, reachability from the start and to an end, designed loops that really go
//! back, and balanced parallel blocks. Every check runs even when an earlier one failed, as far as
//! its inputs allow, so one run reports everything. Cost: O(V + E) per check, O(V^2) worst case for
//! loop checks (one search per loop).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::{Dfs, EdgeRef, Reversed};

use crate::model::decode::{Decoder, suggest};
use crate::model::diagnostic::{Code, Span, Spanned};
use crate::model::graph::{FlowKind, FlowNode, ProcessGraph};
use crate::model::parallel;
use crate::model::process::{Escalation, Gateway, Loop, LoopId, Process, Role, RoleId, Step, StepId};
use crate::model::spec::{GatewayKind, LoopSpec, ProcessSpec};

fn u32_of(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// Cross-checks `spec` and builds the process. Returns `None` when any error was found (all are in
/// `d`); warnings alone do not stop it.
pub fn validate(d: &mut Decoder<'_>, spec: &ProcessSpec, file: &Path) -> Option<Process> {
    check_id(d, spec, file);
    let roles = check_roles(d, spec);
    check_labels(d, spec);
    let (closed_loop, escalation) = check_measures(d, spec);
    let built = build_graph(d, spec);
    // The shape checks would only repeat an unresolved reference as unreachable steps or
    // unbalanced gateways: report the cause alone.
    if spec.incomplete || d.diagnostics.iter().any(|x| x.code == Code::UnknownReference) {
        return None;
    }
    check_shape(d, &built);
    if d.has_errors() {
        return None;
    }
    let Built { graph: pg, loops, .. } = built;
    Some(Process {
        id: spec.id.as_ref()?.value.clone(),
        name: spec.name.clone(),
        name_zh: spec.name_zh.clone(),
        class: spec.class?,
        kind: spec.kind.clone()?,
        version: spec.version.clone(),
        owner: spec.owner.clone(),
        description: spec.description.clone(),
        elements: spec.elements.clone(),
        roles,
        steps: spec
            .steps
            .iter()
            .map(|s| {
                let role = s.role.as_ref().and_then(|r| spec.roles.iter().position(|x| x.id.value == r.value));
                Step {
                    id: s.id.value.clone(),
                    name: s.name.as_ref().map_or_else(|| s.id.value.clone(), |n| n.value.clone()),
                    name_zh: s.name_zh.as_ref().map(|n| n.value.clone()),
                    role: RoleId(u32_of(role.unwrap_or(0))),
                    limit: s.limit,
                    aliases: s.aliases.iter().map(|a| a.value.clone()).collect(),
                    description: s.description.clone(),
                }
            })
            .collect(),
        gateways: spec.gateways.iter().map(|g| Gateway { id: g.id.value.clone(), kind: g.kind }).collect(),
        loops: loops
            .iter()
            .map(|(l, from, to)| Loop {
                id: l.id.value.clone(),
                from: StepId(u32_of(from.index())),
                to: StepId(u32_of(to.index())),
                when: l.when.clone(),
                when_zh: l.when_zh.clone(),
            })
            .collect(),
        closed_loop,
        escalation,
        graph: pg,
        file: file.to_path_buf(),
    })
}

/// The flow graph under construction, with what messages need to name and locate its parts.
struct Built<'s> {
    graph: ProcessGraph,
    /// Node id by node index.
    names: Vec<&'s str>,
    /// Where each node's id was written.
    spans: Vec<Span>,
    /// Where each flow edge was written, by edge index.
    edge_spans: Vec<Span>,
    loops: Vec<(&'s LoopSpec, NodeIndex, NodeIndex)>,
    /// Whether the start resolved to a step (reachability is measured from it).
    start_is_step: bool,
}

/// Adds steps (node i = step i), then gateways, then flows, loops, start and ends, reporting
/// unknown references and duplicate ids.
fn build_graph<'s>(d: &mut Decoder<'_>, spec: &'s ProcessSpec) -> Built<'s> {
    let mut graph: DiGraph<FlowNode, FlowKind> = DiGraph::new();
    let mut names: Vec<&'s str> = Vec::new();
    let mut spans: Vec<Span> = Vec::new();
    for (i, s) in spec.steps.iter().enumerate() {
        graph.add_node(FlowNode::Step(StepId(u32_of(i))));
        names.push(&s.id.value);
        spans.push(s.id.span);
    }
    for (i, gw) in spec.gateways.iter().enumerate() {
        if names.contains(&gw.id.value.as_str()) {
            d.error(
                Code::DuplicateId,
                gw.id.span,
                format!("gateway id `{}` is also a step id", gw.id.value),
                Some("steps and gateways share the flow's ids; rename the gateway".to_owned()),
            );
            continue;
        }
        graph.add_node(FlowNode::Gateway(u32_of(i), gw.kind));
        names.push(&gw.id.value);
        spans.push(gw.id.span);
    }
    let by_id: HashMap<&str, NodeIndex> = names.iter().enumerate().map(|(i, n)| (*n, NodeIndex::new(i))).collect();
    let mut reported: Vec<Span> = Vec::new();
    let mut resolve = |d: &mut Decoder<'_>, id: &Spanned<String>, what: &str| {
        let n = by_id.get(id.value.as_str()).copied();
        // Unreadable steps or gateways make every reference suspect: their error says it all. An
        // id in the middle of a chain is both a "to" and a "from": report it once.
        if n.is_none() && !spec.incomplete && !reported.contains(&id.span) {
            reported.push(id.span);
            d.error(
                Code::UnknownReference,
                id.span,
                format!("{what} `{}` is not a step or gateway of this process", id.value),
                Some(suggest(&id.value, &names)),
            );
        }
        n
    };

    let mut edge_spans: Vec<Span> = Vec::new();
    for e in &spec.flows {
        let (Some(a), Some(b)) = (resolve(d, &e.from, "flow from"), resolve(d, &e.to, "flow to")) else { continue };
        if graph.edges_connecting(a, b).any(|x| *x.weight() == FlowKind::Flow) {
            d.warning(
                Code::DuplicateFlow,
                e.to.span,
                format!("flow `{} -> {}` is written twice", e.from.value, e.to.value),
                Some("remove one of them".to_owned()),
            );
            continue;
        }
        graph.add_edge(a, b, FlowKind::Flow);
        edge_spans.push(e.to.span);
    }
    let step_count = spec.steps.len();
    let mut loops = Vec::new();
    for (i, l) in spec.loops.iter().enumerate() {
        let from = resolve(d, &l.from, "loop from");
        let to = resolve(d, &l.to, "loop to");
        let (Some(from), Some(to)) = (from, to) else { continue };
        if from.index() >= step_count || to.index() >= step_count {
            let at = if from.index() >= step_count { &l.from } else { &l.to };
            d.error(
                Code::InvalidLoop,
                at.span,
                format!("loop `{}` must join two steps, and `{}` is a gateway", l.id.value, at.value),
                None,
            );
            continue;
        }
        graph.add_edge(from, to, FlowKind::Loop(LoopId(u32_of(i))));
        loops.push((l, from, to));
    }

    let start = spec.start.as_ref().and_then(|s| resolve(d, s, "start").map(|n| (n, s)));
    let ends: Vec<(NodeIndex, &Spanned<String>)> =
        spec.ends.iter().filter_map(|e| resolve(d, e, "end").map(|n| (n, e))).collect();
    for (label, (n, at)) in start.iter().map(|x| ("start", x)).chain(ends.iter().map(|x| ("end", x))) {
        if n.index() >= step_count {
            d.error(
                Code::InvalidValue,
                at.span,
                format!("the {label} must be a step, and `{}` is a gateway", at.value),
                Some("start and end name steps; put the gateway after the start or before the end".to_owned()),
            );
        }
    }
    let graph = ProcessGraph {
        graph,
        start: start.map_or(NodeIndex::new(0), |s| s.0),
        ends: ends.iter().map(|e| e.0).collect(),
    };
    let start_is_step = start.is_some_and(|s| s.0.index() < step_count);
    Built { graph, names, spans, edge_spans, loops, start_is_step }
}

/// The checks of the flow's shape: gateways, cycles, reachability, parallel balance, loops.
fn check_shape(d: &mut Decoder<'_>, b: &Built<'_>) {
    let pg = &b.graph;
    let gateways_ok = check_gateways(d, pg, &b.spans, &b.names);
    let order = check_cycles(d, pg, &b.names, &b.spans, &b.edge_spans);
    if b.start_is_step {
        check_reachability(d, pg, &b.spans, &b.names);
    }
    // Balance is only meaningful once every gateway has the flows its kind needs.
    if let Some(order) = order.filter(|_| gateways_ok) {
        let name = |n: NodeIndex| b.names[n.index()].to_owned();
        let blocks = parallel::check(pg, &order, &name);
        for p in &blocks.problems {
            d.error(
                Code::UnbalancedParallel,
                b.spans[p.node.index()],
                p.message.clone(),
                Some("close every parallel split with one parallel join that all its branches reach".to_owned()),
            );
        }
        check_loops(d, pg, &b.loops, &blocks, &b.names);
    }
}

fn check_id(d: &mut Decoder<'_>, spec: &ProcessSpec, file: &Path) {
    let (Some(id), Some(stem)) = (&spec.id, file.file_stem().and_then(|s| s.to_str())) else { return };
    if id.value != stem {
        d.error(
            Code::IdMismatch,
            id.span,
            format!("process id `{}` differs from its file name `{stem}`", id.value),
            Some(format!(
                "processes are looked up by file name: rename the file to `{}.yaml` or set `id: {stem}`",
                id.value
            )),
        );
    }
}

fn check_roles(d: &mut Decoder<'_>, spec: &ProcessSpec) -> Vec<Role> {
    let role_ids: Vec<&str> = spec.roles.iter().map(|r| r.id.value.as_str()).collect();
    let mut used = vec![false; role_ids.len()];
    for s in &spec.steps {
        match &s.role {
            // A step with problems of its own (a misspelt `role:`?) is reported for those.
            None if !s.complete => {}
            None => d.error(
                Code::MissingOwner,
                s.id.span,
                format!("step `{}` has no owner", s.id.value),
                Some(format!("add `role: <one of {}>` to the step", role_ids.join(", "))),
            ),
            Some(r) => match role_ids.iter().position(|x| *x == r.value) {
                Some(i) => used[i] = true,
                None => d.error(
                    Code::UnknownReference,
                    r.span,
                    format!("step `{}` is owned by `{}`, which is not a role of this process", s.id.value, r.value),
                    Some(suggest(&r.value, &role_ids)),
                ),
            },
        }
    }
    for (r, used) in spec.roles.iter().zip(used) {
        if !used && !spec.incomplete {
            d.warning(
                Code::UnusedRole,
                r.id.span,
                format!("role `{}` owns no step", r.id.value),
                Some("remove it, or give it the steps it performs".to_owned()),
            );
        }
    }
    spec.roles
        .iter()
        .map(|r| Role {
            id: r.id.value.clone(),
            name: r.name.clone(),
            name_zh: r.name_zh.clone(),
            aliases: r.aliases.iter().map(|a| a.value.clone()).collect(),
            office: r.office,
            description: r.description.clone(),
        })
        .collect()
}

/// A label (id, name, Chinese name, alias) names one step only, and one role only: log events are
/// mapped to steps and departments by these labels.
fn check_labels(d: &mut Decoder<'_>, spec: &ProcessSpec) {
    let step_names = spec.steps.iter().map(|s| {
        let names: Vec<&Spanned<String>> =
            std::iter::once(&s.id).chain(s.name.iter()).chain(s.name_zh.iter()).collect();
        (&s.id.value, names, &s.aliases)
    });
    check_owners(d, "step", &step_names.collect::<Vec<_>>());
    // A role's names are plain text: they are located at the role's id.
    let located: Vec<Vec<Spanned<String>>> = spec
        .roles
        .iter()
        .map(|r| {
            let at = |v: &String| Spanned { value: v.clone(), span: r.id.span };
            std::iter::once(&r.name).chain(r.name_zh.iter()).map(at).collect()
        })
        .collect();
    let role_names = spec.roles.iter().zip(&located).map(|(r, names)| {
        let names: Vec<&Spanned<String>> = std::iter::once(&r.id).chain(names).collect();
        (&r.id.value, names, &r.aliases)
    });
    check_owners(d, "role", &role_names.collect::<Vec<_>>());
}

/// Reports every label that `owners` (id, located names, aliases) give to two of them. Ids and
/// names first, aliases second: a clash is reported at the alias, the likelier mistake.
/// A step or role: its id, its located names, its aliases.
type Owner<'s> = (&'s String, Vec<&'s Spanned<String>>, &'s Vec<Spanned<String>>);

fn check_owners(d: &mut Decoder<'_>, noun: &str, owners: &[Owner<'_>]) {
    let mut owner: BTreeMap<&str, (usize, Span)> = BTreeMap::new();
    let names = owners.iter().enumerate().flat_map(|(i, (_, names, _))| names.iter().map(move |l| (i, *l)));
    let aliases = owners.iter().enumerate().flat_map(|(i, (_, _, aliases))| aliases.iter().map(move |l| (i, l)));
    for (i, label) in names.chain(aliases) {
        match owner.get(label.value.as_str()) {
            Some(&(j, first)) if j != i => d.error(
                Code::AliasConflict,
                label.span,
                format!("`{}` names both {noun} `{}` and {noun} `{}`", label.value, owners[j].0, owners[i].0),
                Some(format!(
                    "log events are mapped to {noun}s by these labels; keep `{}` on one {noun} only (the other is at line {})",
                    label.value, first.line
                )),
            ),
            Some(_) => {}
            None => {
                owner.insert(&label.value, (i, label.span));
            }
        }
    }
}

/// The closed-loop entries and escalation steps as step ids; a step the process lacks is an error
/// at the entry.
fn check_measures(d: &mut Decoder<'_>, spec: &ProcessSpec) -> (Vec<Vec<StepId>>, Option<Escalation>) {
    let ids: Vec<&str> = spec.steps.iter().map(|s| s.id.value.as_str()).collect();
    let resolve = |d: &mut Decoder<'_>, r: &Spanned<String>, what: &str| {
        if let Some(i) = ids.iter().position(|x| *x == r.value) {
            Some(StepId(u32_of(i)))
        } else {
            d.error(
                Code::UnknownReference,
                r.span,
                format!("{what} names step `{}`, which is not a step of this process", r.value),
                Some(suggest(&r.value, &ids)),
            );
            None
        }
    };
    let closed_loop = spec
        .closed_loop
        .iter()
        .map(|alts| alts.iter().filter_map(|a| resolve(d, a, "`closed_loop`")).collect::<Vec<_>>())
        .filter(|alts| !alts.is_empty())
        .collect();
    let escalation = spec.escalation.as_ref().map(|e| Escalation {
        steps: e.steps.iter().filter_map(|s| resolve(d, s, "`escalation`")).collect(),
        channels: e.channels.clone(),
    });
    (closed_loop, escalation)
}

fn check_gateways(d: &mut Decoder<'_>, g: &ProcessGraph, spans: &[Span], names: &[&str]) -> bool {
    let mut ok_all = true;
    for n in g.graph.node_indices() {
        let FlowNode::Gateway(_, kind) = g.graph[n] else { continue };
        let ins = g.flow_neighbors(n, Direction::Incoming).count();
        let outs = g.flow_neighbors(n, Direction::Outgoing).count();
        let split = matches!(kind, GatewayKind::ExclusiveSplit | GatewayKind::ParallelSplit);
        let ok = if split { ins == 1 && outs >= 2 } else { ins >= 2 && outs == 1 };
        if !ok {
            ok_all = false;
            let want = if split {
                "one incoming flow and at least two outgoing"
            } else {
                "at least two incoming flows and one outgoing"
            };
            d.error(
                Code::GatewayDegree,
                spans[n.index()],
                format!(
                    "{} `{}` has {ins} incoming and {outs} outgoing flows; it needs {want}",
                    kind.as_str(),
                    names[n.index()]
                ),
                Some(if split {
                    "give the split one flow in and a flow out to each branch; a single path needs no gateway"
                        .to_owned()
                } else {
                    "lead every branch into the join and one flow out of it; a single path needs no gateway".to_owned()
                }),
            );
        }
    }
    ok_all
}

/// Reports every flow that closes a cycle (a DFS back edge). Returns a topological order of the
/// flow (loops excluded) when it is acyclic.
fn check_cycles(
    d: &mut Decoder<'_>,
    g: &ProcessGraph,
    names: &[&str],
    spans: &[Span],
    edge_spans: &[Span],
) -> Option<Vec<NodeIndex>> {
    let n = g.graph.node_count();
    // Iterative DFS with colours, from the start first so back edges read naturally.
    let mut colour = vec![0u8; n]; // 0 new, 1 on stack, 2 done
    let mut post = Vec::with_capacity(n);
    let mut cyclic = false;
    let roots = std::iter::once(g.start).filter(|s| s.index() < n).chain(g.graph.node_indices());
    for root in roots {
        if colour[root.index()] != 0 {
            continue;
        }
        let mut stack: Vec<(NodeIndex, Vec<NodeIndex>)> = vec![(root, sorted_succ(g, root))];
        colour[root.index()] = 1;
        while let Some((v, succ)) = stack.last_mut() {
            let v = *v;
            if let Some(w) = succ.pop() {
                match colour[w.index()] {
                    0 => {
                        colour[w.index()] = 1;
                        let s = sorted_succ(g, w);
                        stack.push((w, s));
                    }
                    1 => {
                        cyclic = true;
                        let edge = g.graph.edges_connecting(v, w).find(|e| *e.weight() == FlowKind::Flow);
                        let span = edge.map_or(spans[w.index()], |e| edge_spans[e.id().index()]);
                        let path: Vec<&str> =
                            stack.iter().skip_while(|(x, _)| *x != w).map(|(x, _)| names[x.index()]).collect();
                        d.error(
                            Code::UndeclaredCycle,
                            span,
                            format!("the flow goes round in a circle: {} -> {}", path.join(" -> "), names[w.index()]),
                            Some(format!(
                                "if tickets are meant to go back, remove `{} -> {}` from `flow:` and declare it under `loops:` with `from: {}` and `to: {}`",
                                names[v.index()], names[w.index()], names[v.index()], names[w.index()]
                            )),
                        );
                    }
                    _ => {}
                }
            } else {
                colour[v.index()] = 2;
                post.push(v);
                stack.pop();
            }
        }
    }
    if cyclic {
        return None;
    }
    post.reverse();
    Some(post)
}

fn sorted_succ(g: &ProcessGraph, v: NodeIndex) -> Vec<NodeIndex> {
    let mut s: Vec<NodeIndex> = g.flow_neighbors(v, Direction::Outgoing).collect();
    s.sort_by(|a, b| b.cmp(a)); // popped from the back: lowest index first
    s
}

fn check_reachability(d: &mut Decoder<'_>, g: &ProcessGraph, spans: &[Span], names: &[&str]) {
    let n = g.graph.node_count();
    let mut reached = vec![false; n];
    let mut dfs = Dfs::new(&g.graph, g.start);
    while let Some(v) = dfs.next(&g.graph) {
        reached[v.index()] = true;
    }
    let mut finishes = vec![false; n];
    let rev = Reversed(&g.graph);
    for &e in &g.ends {
        let mut dfs = Dfs::new(rev, e);
        while let Some(v) = dfs.next(rev) {
            finishes[v.index()] = true;
        }
    }
    for v in g.graph.node_indices() {
        let what = if matches!(g.graph[v], FlowNode::Step(_)) { "step" } else { "gateway" };
        if !reached[v.index()] {
            d.error(
                Code::UnreachableStep,
                spans[v.index()],
                format!("{what} `{}` cannot be reached from the start `{}`", names[v.index()], names[g.start.index()]),
                Some(format!("add a flow into `{}`, or remove it", names[v.index()])),
            );
        } else if !finishes[v.index()] && !g.ends.is_empty() {
            d.error(
                Code::NoPathToEnd,
                spans[v.index()],
                format!("no end can be reached from {what} `{}`: a ticket there could never close", names[v.index()]),
                Some(format!("add a flow out of `{}` towards an end, or list it under `end:`", names[v.index()])),
            );
        }
    }
}

fn check_loops(
    d: &mut Decoder<'_>,
    g: &ProcessGraph,
    loops: &[(&LoopSpec, NodeIndex, NodeIndex)],
    blocks: &parallel::Blocks,
    names: &[&str],
) {
    let flow_only = petgraph::visit::EdgeFiltered::from_fn(&g.graph, |e| *e.weight() == FlowKind::Flow);
    for (l, from, to) in loops {
        let mut dfs = Dfs::new(&flow_only, *to);
        let mut goes_back = false;
        while let Some(v) = dfs.next(&flow_only) {
            if v == *from {
                goes_back = true;
                break;
            }
        }
        if !goes_back {
            d.error(
                Code::InvalidLoop,
                l.to.span,
                format!(
                    "loop `{}` does not go back: `{}` does not come before `{}` in the flow",
                    l.id.value,
                    names[to.index()],
                    names[from.index()]
                ),
                Some(format!(
                    "a loop returns to an earlier step; for a forward path write `{} -> {}` under `flow:`",
                    names[from.index()],
                    names[to.index()]
                )),
            );
        } else if blocks.innermost(*from) != blocks.innermost(*to) {
            d.error(
                Code::InvalidLoop,
                l.to.span,
                format!(
                    "loop `{}` crosses the edge of a parallel block between `{}` and `{}`",
                    l.id.value,
                    names[from.index()],
                    names[to.index()]
                ),
                Some("a loop must start and end inside the same parallel branch, or both outside".to_owned()),
            );
        }
    }
}
