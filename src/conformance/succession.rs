//! Which visible steps can directly follow which in a net, and the ordering bound it gives.
//!
//! Owns [`Succession`]. The marking equation forgets the order of events: on a net with loops it
//! can bound a trace whose every step is in the wrong order by 0. This module keeps one fact about
//! order: label `b` can directly follow label `a` when some reachable marking enables a transition
//! labelled `a` after which, through silent transitions only, one labelled `b` is enabled. If `b`
//! can never directly follow `a`, a trace where `a` and `b` are neighbours cannot align both as
//! synchronous moves with nothing visible between them: the pair costs at least one deviation
//! (a log move of either event, or a visible model move between them). Pairs that share no event
//! need different deviations, so the most pairwise disjoint such pairs in the events left is a
//! lower bound on the cost still to come ([`Succession::bounds`]): admissible, and combined with
//! the marking equation by taking the larger. (It is not consistent: a synchronous move can end
//! a counted pair at no cost, which the search's reopening of states handles.)
//!
//! Cost, once per net: a breadth-first walk of the reachable markings (the reachability graph),
//! then per label one walk of the silent moves out of the markings its transitions reach. Past
//! [`Succession::MAX_MARKINGS`] markings or [`Succession::MAX_STEPS`] steps of those walks the
//! relation is left unknown: every label may follow every other, and the bound is 0. Per trace,
//! O(length).

use hashbrown::HashMap;

use crate::net::petri::{Marking, PetriNet, TransitionIdx};

/// The direct-succession relation of a net's visible labels.
#[derive(Debug, Clone)]
pub struct Succession {
    labels: usize,
    /// `follows[a * labels + b]`: label `b` can directly follow label `a`. Empty when unknown
    /// (a walk gave up): everything may follow everything.
    follows: Vec<bool>,
    /// `ends[a]`: the final marking can be reached through silent moves right after label `a`
    /// (empty when unknown).
    ends: Vec<bool>,
}

impl Succession {
    /// Reachable markings past which the relation is not computed.
    pub const MAX_MARKINGS: usize = 50_000;
    /// Silent-closure steps past which the relation is not computed.
    pub const MAX_STEPS: usize = 5_000_000;

    /// The relation of `net`, whose transitions carry label indices `label_of` (`None` when
    /// silent) out of `labels`.
    pub fn new(net: &PetriNet, label_of: &[Option<usize>], labels: usize) -> Self {
        let unknown = Succession { labels, follows: Vec::new(), ends: Vec::new() };
        let Some(graph) = Graph::of(net, Self::MAX_MARKINGS) else { return unknown };
        let mut follows = vec![false; labels * labels];
        let mut ends = vec![false; labels];
        // Every marking a visible firing reaches, with the label fired; then the labels enabled
        // from each such marking through silent moves follow that label.
        let mut after: Vec<Vec<u32>> = vec![Vec::new(); labels];
        for edges in &graph.edges {
            for &(t, target) in edges {
                if let Some(a) = label_of[t as usize] {
                    after[a].push(target);
                }
            }
        }
        let mut seen = vec![u32::MAX; graph.edges.len()];
        let mut stack = Vec::new();
        let mut steps = 0usize;
        let mut enabled = vec![false; labels];
        for (a, targets) in after.iter_mut().enumerate() {
            targets.sort_unstable();
            targets.dedup();
            // One walk from all of `a`'s targets at once: their silent closures, merged.
            enabled.fill(false);
            let mark = u32::try_from(a).unwrap_or(u32::MAX);
            for &start in targets.iter() {
                if seen[start as usize] != mark {
                    seen[start as usize] = mark;
                    stack.push(start);
                }
            }
            while let Some(m) = stack.pop() {
                ends[a] |= Some(m) == graph.last;
                for &(t, target) in &graph.edges[m as usize] {
                    steps += 1;
                    match label_of[t as usize] {
                        Some(b) => enabled[b] = true,
                        None if seen[target as usize] != mark => {
                            seen[target as usize] = mark;
                            stack.push(target);
                        }
                        None => {}
                    }
                }
                if steps > Self::MAX_STEPS {
                    return unknown;
                }
            }
            for (b, &e) in enabled.iter().enumerate() {
                follows[a * labels + b] = e;
            }
        }
        Succession { labels, follows, ends }
    }

    /// Whether `next` can directly follow label `a` (an event the net lacks is always a log
    /// move and never counted here).
    fn can_follow(&self, a: Option<usize>, next: Next) -> bool {
        match (a, next) {
            (Some(a), Next::Event(Some(b))) if !self.follows.is_empty() => self.follows[a * self.labels + b],
            (Some(a), Next::End) if !self.ends.is_empty() => self.ends[a],
            _ => true,
        }
    }

    /// For each position `i` of `trace` (and its end), the most pairwise disjoint neighbouring
    /// pairs in `trace[i..]` followed by the end of the run whose second cannot directly follow
    /// the first (the last event counts when the final marking cannot be reached silently right
    /// after it): a lower bound on the deviations still to come from any state at position `i`.
    /// O(length).
    pub fn bounds(&self, trace: &[Option<usize>]) -> Vec<u64> {
        let n = trace.len();
        let mut best = vec![0u64; n + 2];
        for i in (0..n).rev() {
            let skip = best[i + 1];
            let next = trace.get(i + 1).map_or(Next::End, |&b| Next::Event(b));
            let take = if self.can_follow(trace[i], next) { 0 } else { 1 + best[i + 2] };
            best[i] = skip.max(take);
        }
        best.truncate(n + 1);
        best
    }
}

/// What comes after an event: another event (its label, `None` when the net lacks it) or the end
/// of the run.
#[derive(Debug, Clone, Copy)]
enum Next {
    Event(Option<usize>),
    End,
}

/// The reachability graph: each reachable marking's firings as `(transition, target marking)`.
struct Graph {
    edges: Vec<Vec<(u32, u32)>>,
    /// The final marking's index, when reachable.
    last: Option<u32>,
}

impl Graph {
    /// The graph of `net` from its initial marking, or `None` past `limit` markings.
    fn of(net: &PetriNet, limit: usize) -> Option<Self> {
        let mut index: HashMap<Vec<u32>, u32> = HashMap::new();
        let mut order: Vec<Marking> = vec![net.initial.clone()];
        index.insert(net.initial.0.clone(), 0);
        let mut edges = Vec::new();
        let mut i = 0;
        while i < order.len() {
            let mut out = Vec::new();
            for t in 0..net.transitions.len() {
                let ti = TransitionIdx(u32::try_from(t).ok()?);
                if !net.enabled(ti, &order[i]) {
                    continue;
                }
                let mut m = order[i].clone();
                net.fire(ti, &mut m);
                let target = if let Some(&j) = index.get(&m.0) {
                    j
                } else {
                    if order.len() >= limit {
                        return None;
                    }
                    let j = u32::try_from(order.len()).ok()?;
                    index.insert(m.0.clone(), j);
                    order.push(m);
                    j
                };
                out.push((ti.0, target));
            }
            edges.push(out);
            i += 1;
        }
        let last = index.get(&net.final_marking.0).copied();
        Some(Graph { edges, last })
    }
}

#[cfg(test)]
mod tests {
    use super::{Next, Succession};
    use crate::net::petri::tests_support::abc;

    fn labels_of(net: &crate::net::petri::PetriNet) -> (Vec<Option<usize>>, Vec<String>) {
        let labels: Vec<String> = net.labels().into_iter().map(str::to_owned).collect();
        let of = net.transitions.iter().map(|t| t.label.as_ref().and_then(|l| labels.binary_search(l).ok())).collect();
        (of, labels)
    }

    /// On the golden net (a, b, c in sequence) b follows a, c follows b and nothing else
    /// follows anything; out-of-order neighbours are counted disjointly.
    #[test]
    fn sequence_and_skip() {
        let net = abc();
        let (of, labels) = labels_of(&net);
        let s = Succession::new(&net, &of, labels.len());
        let l = |x: &str| labels.binary_search_by(|y| y.as_str().cmp(x)).ok();
        let follows = |a: &str, b: &str| s.can_follow(l(a), Next::Event(l(b)));
        assert!(follows("a", "b") && follows("b", "c"));
        assert!(!follows("a", "c") && !follows("b", "a") && !follows("c", "b") && !follows("a", "a"));
        assert!(s.can_follow(l("c"), Next::End) && !s.can_follow(l("b"), Next::End));
        let trace = |t: &str| t.split(',').map(l).collect::<Vec<_>>();
        // c,b,a: pairs (c,b) and (b,a) are both bad but share b, and the run cannot end after a:
        // (c,b) and (a, end) share nothing.
        assert_eq!(s.bounds(&trace("c,b,a")), vec![2, 1, 1, 0]);
        // c,a,c,a: every neighbour pair is out of order; at most two share no event.
        assert_eq!(s.bounds(&trace("c,a,c,a"))[0], 2);
        assert_eq!(s.bounds(&trace("a,b,c")), vec![0, 0, 0, 0]);
        // a,b: the run cannot end after b (c is missing).
        assert_eq!(s.bounds(&trace("a,b")), vec![1, 1, 0]);
        // Activities the net lacks are never counted here (they are log moves anyway).
        assert_eq!(s.bounds(&[None, None]), vec![0, 0, 0]);
    }

    /// A net too large to walk leaves the relation unknown: no bound.
    #[test]
    fn unknown_relation_bounds_nothing() {
        let net = abc();
        let (_, labels) = labels_of(&net);
        let s = Succession { labels: labels.len(), follows: Vec::new(), ends: Vec::new() };
        let l = |x: &str| labels.binary_search_by(|y| y.as_str().cmp(x)).ok();
        assert_eq!(s.bounds(&[l("c"), l("a")]), vec![0, 0, 0]);
    }
}
