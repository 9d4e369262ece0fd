//! Which visible steps can directly follow which in a net, and the ordering bounds it gives.
//!
//! Owns [`Succession`]. The marking equation forgets the order of events: on a net with loops it
//! can bound a trace whose every step is in the wrong order by 0. This module keeps facts about
//! order from the net's reachability graph:
//! - from each reachable marking, which labels are enabled after silent transitions only, and
//!   whether the final marking is reachable that way;
//! - hence which label can directly follow which (`b` after `a` when some reachable firing of an
//!   `a` transition reaches a marking from which `b` is enabled silently), and after which the run
//!   can end.
//!
//! If `b` can never directly follow `a`, a trace where `a` and `b` are neighbours cannot align
//! both as synchronous moves with nothing visible between them: the pair costs at least one
//! deviation (a log move of either event, or a visible model move between them); the same holds
//! for a last event after which the run cannot end, and for a state whose next event is not
//! enabled silently from its marking. Pairs that share no event need different deviations, so
//! the most pairwise disjoint such pairs in the events left bound the cost still to come
//! ([`Succession::bounds`], [`Succession::blocked`]): admissible, and combined with the marking
//! equation by taking the larger. (They are not consistent: a synchronous move can close a
//! counted pair at no cost, which the search's reopening of states absorbs.)
//!
//! Cost, once per net: a breadth-first walk of the reachable markings, then one pass over the
//! strongly connected components of its silent moves (Tarjan) to give every marking its silent
//! closure's labels as a bitset. Past [`Succession::MAX_MARKINGS`] markings nothing is known:
//! every label may follow every other and the bounds are 0. Memory: the markings and one bitset
//! each. Per trace O(length); per search state one hash lookup.

use hashbrown::HashMap;

use crate::conformance::alignment::linear_hash;
use crate::net::petri::{Marking, PetriNet, TransitionIdx};

/// The direct-succession facts of a net's visible labels.
#[derive(Debug, Clone, Default)]
pub struct Succession {
    /// Per label `a`, `words` 64-bit words: the labels that can directly follow `a`. Empty when
    /// unknown (the walk gave up): everything may follow everything.
    follows: Vec<u64>,
    /// `ends[a]`: the final marking can be reached through silent moves right after label `a`
    /// (empty when unknown).
    ends: Vec<bool>,
    /// Every reachable marking, flat (`places` each).
    markings: Vec<u32>,
    places: usize,
    /// Each marking's index by its linear hash (the search's marking hash).
    index: HashMap<u64, Vec<u32>>,
    /// Per marking, `words` 64-bit words: the labels enabled after silent moves from it.
    enabled: Vec<u64>,
    words: usize,
}

impl Succession {
    /// Reachable markings past which nothing is computed.
    pub const MAX_MARKINGS: usize = 50_000;

    /// The facts of `net`, whose transitions carry label indices `label_of` (`None` when silent)
    /// out of `labels`; markings are found by their linear hash with the per-place `keys` (the
    /// search's: the wrapping sum of key times tokens).
    pub fn new(net: &PetriNet, label_of: &[Option<usize>], labels: usize, keys: &[u64]) -> Self {
        let unknown = Succession::default();
        let Some(graph) = Graph::of(net, Self::MAX_MARKINGS) else { return unknown };
        let n = graph.edges.len();
        let words = labels.div_ceil(64).max(1);
        // Each marking's own visible labels, and whether it is final; then closed under silent
        // moves, component by component in reverse topological order.
        let mut enabled = vec![0u64; n * words];
        let mut ends = vec![false; n];
        for (m, edges) in graph.edges.iter().enumerate() {
            for &(t, _) in edges {
                if let Some(l) = label_of[t as usize] {
                    set(&mut enabled[m * words..], l);
                }
            }
            ends[m] = graph.last == Some(u32::try_from(m).unwrap_or(u32::MAX));
        }
        let silent = |m: usize| {
            graph.edges[m].iter().filter(|&&(t, _)| label_of[t as usize].is_none()).map(|&(_, x)| x as usize)
        };
        for component in tarjan(n, &silent) {
            let mut bits = vec![0u64; words];
            let mut end = false;
            for &m in &component {
                for x in std::iter::once(m).chain(silent(m)) {
                    or_into(&mut bits, &enabled[x * words..(x + 1) * words]);
                    end |= ends[x];
                }
            }
            for &m in &component {
                enabled[m * words..(m + 1) * words].copy_from_slice(&bits);
                ends[m] = end;
            }
        }
        let mut follows = vec![0u64; labels * words];
        let mut label_ends = vec![false; labels];
        for edges in &graph.edges {
            for &(t, target) in edges {
                let Some(a) = label_of[t as usize] else { continue };
                let target = target as usize;
                or_into(&mut follows[a * words..(a + 1) * words], &enabled[target * words..(target + 1) * words]);
                label_ends[a] |= ends[target];
            }
        }
        let places = net.places.len();
        let mut index: HashMap<u64, Vec<u32>> = HashMap::new();
        let mut markings = Vec::with_capacity(n * places);
        for (i, m) in graph.markings.iter().enumerate() {
            index
                .entry(linear_hash(keys, m.0.iter().copied().enumerate()))
                .or_default()
                .push(u32::try_from(i).unwrap_or(u32::MAX));
            markings.extend_from_slice(&m.0);
        }
        Succession { follows, ends: label_ends, markings, places, index, enabled, words }
    }

    /// Whether `next` can directly follow label `a` (an event the net lacks is always a log
    /// move and never counted here).
    fn can_follow(&self, a: Option<usize>, next: Next) -> bool {
        match (a, next) {
            (Some(a), Next::Event(Some(b))) if !self.follows.is_empty() => bit(&self.follows[a * self.words..], b),
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

    /// Whether label `l` is not enabled through silent moves from `marking` (linear hash
    /// `mhash`): then the next event costs a deviation before or at it. `false` when unknown.
    pub fn blocked(&self, marking: &[u32], mhash: u64, l: usize) -> bool {
        let Some(found) = self.index.get(&mhash) else { return false };
        let p = self.places;
        found.iter().any(|&i| {
            let i = i as usize;
            self.markings[i * p..(i + 1) * p] == *marking && !bit(&self.enabled[i * self.words..], l)
        })
    }
}

/// Whether label `l` is in the bitset starting at `words[0]`.
fn bit(words: &[u64], l: usize) -> bool {
    words[l / 64] >> (l % 64) & 1 == 1
}

/// Puts label `l` into the bitset starting at `words[0]`.
fn set(words: &mut [u64], l: usize) {
    words[l / 64] |= 1 << (l % 64);
}

/// `into |= from`, word by word.
fn or_into(into: &mut [u64], from: &[u64]) {
    for (a, &b) in into.iter_mut().zip(from) {
        *a |= b;
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
    markings: Vec<Marking>,
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
        Some(Graph { markings: order, edges, last })
    }
}

/// The strongly connected components of the graph on `0..n` with successors `next`, each
/// listed after every component it reaches (Tarjan's algorithm, without recursion). O(n + edges).
fn tarjan<I: Iterator<Item = usize>>(n: usize, next: &dyn Fn(usize) -> I) -> Vec<Vec<usize>> {
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut components = Vec::new();
    let mut counter = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        // (node, its successors not yet looked at)
        let mut work: Vec<(usize, Vec<usize>)> = vec![(root, next(root).collect())];
        index[root] = counter;
        low[root] = counter;
        counter += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some((v, succ)) = work.last_mut() {
            let v = *v;
            if let Some(w) = succ.pop() {
                if index[w] == usize::MAX {
                    index[w] = counter;
                    low[w] = counter;
                    counter += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, next(w).collect()));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some((u, _)) = work.last() {
                low[*u] = low[*u].min(low[v]);
            }
            if low[v] == index[v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                components.push(component);
            }
        }
    }
    components
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
        let s = Succession::new(&net, &of, labels.len(), &[1, 2, 3, 4]);
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

    /// From a marking, only the labels enabled through silent moves are not blocked.
    #[test]
    fn blocked_next_events() {
        let net = abc();
        let (of, labels) = labels_of(&net);
        let keys = [1, 2, 3, 4];
        let s = Succession::new(&net, &of, labels.len(), &keys);
        let l = |x: &str| labels.binary_search_by(|y| y.as_str().cmp(x)).unwrap();
        let hash = |m: &[u32]| super::linear_hash(&keys, m.iter().copied().enumerate());
        let start = [1, 0, 0, 0];
        assert!(!s.blocked(&start, hash(&start), l("a")));
        assert!(s.blocked(&start, hash(&start), l("b")) && s.blocked(&start, hash(&start), l("c")));
        // A marking the net never reaches is not known: nothing is blocked.
        let odd = [1, 1, 0, 0];
        assert!(!s.blocked(&odd, hash(&odd), l("b")));
    }

    /// Components come out after every component they reach.
    #[test]
    fn tarjan_orders_components() {
        // 0 -> 1 -> 2 -> 1, 2 -> 3
        let next = |v: usize| {
            match v {
                0 => vec![1],
                1 => vec![2],
                2 => vec![1, 3],
                _ => vec![],
            }
            .into_iter()
        };
        let mut components = super::tarjan(4, &next);
        for c in &mut components {
            c.sort_unstable();
        }
        assert_eq!(components, vec![vec![3], vec![1, 2], vec![0]]);
    }

    /// A net too large to walk leaves the relation unknown: no bound.
    #[test]
    fn unknown_relation_bounds_nothing() {
        let net = abc();
        let (_, labels) = labels_of(&net);
        let s = Succession::default();
        let l = |x: &str| labels.binary_search_by(|y| y.as_str().cmp(x)).ok();
        assert_eq!(s.bounds(&[l("c"), l("a")]), vec![0, 0, 0]);
    }
}
