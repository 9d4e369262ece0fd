//! Optimal alignments of a trace with a Petri net: the exact search behind every conformance
//! figure.
//!
//! Owns [`Aligner`], [`Alignment`] and [`Move`]. The search runs over the synchronous product of
//! the trace and the net: a state is a marking and a position in the trace; moves are synchronous
//! (a visible transition whose label is the next event, cost 0), model moves (any enabled
//! transition, cost 1 if visible, 0 if silent) and log moves (skip the next event, cost 1): the
//! standard costs of `docs/metrics.md`. The optimal cost is unique; which optimal alignment is
//! returned is not, and silent moves cost nothing here (PM4Py's extra 1 per silent move only
//! picks among optimal alignments, never changes their deviation count; searching with it makes
//! the search sweep every state with fewer silent moves, many times slower on nets with loops).
//!
//! The search is A* with the marking-equation heuristic ([`crate::conformance::marking_equation`]):
//! a linear program bounds the cost still to come from each state, so states that cannot lie on
//! an optimal alignment are left alone, instead of expanding every state cheaper than the
//! optimum as in Dijkstra's algorithm. The program is solved lazily, as in van Dongen (BPM 2018):
//! a child whose move the parent's optimal solution uses inherits the bound exactly (that
//! solution minus the move); other children get the better of the parent's bound minus the
//! move's cost (a lower bound, as the heuristic is consistent) and the dual bound of the basis at
//! hand (weak duality: the parent's value minus the move's cost plus its reduced cost, O(1), and
//! exact whenever the parent's optimal basis stays optimal for the child, which halves the solves
//! on `receipt_imf20`), and are solved only when they reach the front of the queue, then
//! requeued if the bound rose. Markings whose equation has no solution cannot
//! reach the final marking and are pruned. The marking equation forgets the order of events, so
//! every state's bound is also at least the succession bound of
//! [`crate::conformance::succession`] (out-of-order neighbours in the events left, from which
//! labels can directly follow which in the net): on `receipt_imf20`, whose loops let the equation
//! bound a cost-12 trace by 0, the two together expand 22 k states instead of 51 k. The larger of
//! two admissible bounds is admissible; the succession bound is not consistent (a synchronous
//! move can close a counted pair for free), which the reopening of states below absorbs. Among states of equal estimate the queue takes the
//! one furthest along the trace, then the newest: depth first along the trace, so a fitting
//! stretch is walked rather than widened (on `BPIC 2012` this took the states expanded from
//! 4.5 M, with fewest-silent-moves-first, to 1.55 M). The search runs backward by default (see
//! [`Direction`]). A state with nothing left to pay for makes its deviation moves only when the
//! queue reaches the next cost level (partial expansion), and silent transitions that cannot
//! conflict fire alone (see `Aligner::eager`).
//!
//! No model move directly follows a log move (see `Aligner::children`): an exact reduction of
//! their interleavings.
//!
//! Every state is stored once: its marking as varint-coded marked places
//! ([`crate::conformance::markings`]), its node in 40 bytes, and a hash table maps states to
//! their best node. A marking's hash is linear in its tokens (a fixed random key per place), so a
//! move updates it in O(1). Only solved nodes keep their program's solution, and only while a
//! child inherits it ([`crate::conformance::solutions`]). Only transitions that consume from a
//! marked place are tried. Cost: O(E log E) for the E states expanded plus one warm-started
//! simplex (a few pivots of O(rows x columns)) per state whose bound is not inherited. A budget
//! of states bounds the work, and optionally a time limit and a memory bound: past any of them a
//! variant is reported as not computed, never guessed.

use std::borrow::Cow;
use std::time::{Duration, Instant};

use hashbrown::HashTable;

use crate::conformance::marking_equation::{Column, MarkingEquation, TraceEquation};
use crate::conformance::markings::{Markings, encode, encode_places};
use crate::conformance::queue::Queue;
use crate::conformance::solutions::{Solutions, Stored};
use crate::conformance::succession::Succession;
use crate::net::petri::{PetriNet, PlaceIdx, TransitionIdx};

/// Cost of a log move or a visible model move.
const DEVIATION: u64 = 1;
/// Cost of a silent model move.
const SILENT: u64 = 0;

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
    /// Silent model moves.
    pub silent: u32,
    /// The moves, in order.
    pub moves: Vec<Move>,
    /// States expanded by the search.
    pub states: u64,
    /// The lower bound on the cost at the start of the search (0 without a heuristic): the
    /// optimal cost minus this is the bound's gap.
    pub bound: u32,
    /// States expanded with an estimate below the optimal cost: the work the bound's gap costs
    /// (an exact bound leaves only states at the optimal estimate).
    pub below: u64,
}

/// Why an alignment was not computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AlignError {
    /// The search expanded more states than its budget.
    #[error("not computed: more than {0} states searched")]
    Budget(u64),
    /// The search ran past its time limit.
    #[error("not computed: over the time limit of {0:?}")]
    TimeLimit(Duration),
    /// The search's memory grew past its bound (bytes).
    #[error("not computed: the search needed more than {} MiB", .0 >> 20)]
    Memory(u64),
    /// The final marking cannot be reached at all.
    #[error("the net cannot reach its final marking")]
    Unreachable,
}

/// Which lower bound guides the search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Heuristic {
    /// The marking equation (the default).
    MarkingEquation,
    /// None: Dijkstra's algorithm, kept as an independent check of the heuristic search.
    Zero,
}

/// Aligns traces (as label indices) with one net.
#[derive(Debug, Clone)]
pub struct Aligner<'n> {
    /// The net the search runs on: the given one, or its reverse when searching backward.
    net: Cow<'n, PetriNet>,
    /// Whether traces are aligned from their end (see [`Direction`]).
    direction: Direction,
    /// Transitions by label index; labels are `labels[i]`.
    by_label: Vec<Vec<TransitionIdx>>,
    /// The distinct visible labels.
    pub labels: Vec<String>,
    /// Most states one trace may expand.
    pub budget: u64,
    /// Longest one trace may search, when set.
    pub time_limit: Option<Duration>,
    /// Most memory (bytes) one trace's search may hold, when set: checked every 1,024 states.
    pub memory_limit: Option<u64>,
    /// The lower bound in use.
    pub heuristic: Heuristic,
    /// Each transition's label index, `None` when silent.
    label_of: Vec<Option<usize>>,
    /// Transitions consuming from each place.
    consumers: Vec<Vec<TransitionIdx>>,
    /// Transitions without input places (always enabled).
    sources: Vec<TransitionIdx>,
    /// Silent transitions that may fire as soon as they are enabled, as the only move of their
    /// state: each input place has no other consumer and is empty in the final marking, so the
    /// transition must fire before the end and no other move can take its tokens; firing it
    /// earlier only adds tokens sooner, which disables nothing. Every alignment can be reordered
    /// this way at no cost, so the search skips the interleavings of these moves with others.
    eager: Vec<TransitionIdx>,
    /// The hash change of firing each transition. A marking's hash is the wrapping sum of a
    /// fixed pseudo-random 64-bit key per place times its tokens, so a move changes it by its
    /// transition's delta in O(1).
    delta: Vec<u64>,
    /// The initial marking's hash.
    initial_hash: u64,
    /// Each transition's output places, ascending.
    outputs: Vec<Vec<u32>>,
    /// Each transition's input and output places, without repeats.
    touched: Vec<Vec<u32>>,
    /// The net's marking equation, restricted to each trace's labels per search.
    equation: MarkingEquation,
    /// Which labels can directly follow which: a bound on out-of-order neighbours.
    succession: Succession,
}

/// A search node: a state (its marking is `markings.get(id)`), how it was reached and its
/// cost so far (`g`) and bound on the cost to come (`h`).
struct Node {
    mhash: u64,
    pos: u32,
    g: u32,
    h: u32,
    parent: u32,
    step: Step,
    /// [`Flags`]: inherited, closed, deferred, after a log move.
    flags: Flags,
    /// Its optimal solution in [`Search::solutions`], when stored (see [`Search::view`]).
    solution: Stored,
    /// Inheriting nodes from it up to the nearest stored solution (0 when it stores one).
    depth: u8,
}

/// The search's memory: every node and marking once, and a table from each state to its best node.
#[derive(Default)]
struct Search {
    places: usize,
    nodes: Vec<Node>,
    markings: Markings,
    /// The encoding of the marking being offered.
    encoded: Vec<u8>,
    /// The places that may be marked in it.
    candidates: Vec<u32>,
    table: HashTable<u32>,
    solutions: Solutions,
    /// Solution scratch.
    scratch: Vec<(Column, f64)>,
    /// Columns of the moves walked back to a stored solution.
    walk: Vec<Column>,
    /// Nodes made that inherit their parent's solution, so far.
    heirs: u64,
}

/// The linear hash of a multiset of places given as `(place, tokens)`: the wrapping sum of each
/// place's key in `keys` times its tokens. A move changes it by a fixed delta per transition.
pub(crate) fn linear_hash(keys: &[u64], tokens: impl IntoIterator<Item = (usize, u32)>) -> u64 {
    tokens.into_iter().fold(0u64, |h, (p, n)| h.wrapping_add(keys[p].wrapping_mul(u64::from(n))))
}

/// A state's hash from its marking's linear hash and its trace position (the `MurmurHash3` finaliser
/// spreads the bits, since the table takes its tag from the top ones).
fn state_hash(mhash: u64, pos: u32, after_log: bool) -> u64 {
    let key = u64::from(pos) << 1 | u64::from(after_log);
    let mut h = mhash ^ key.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// A node's yes-or-no facts, one bit each.
#[derive(Clone, Copy, Default)]
struct Flags(u8);

impl Flags {
    /// Its optimum is the parent's minus its move (so it can be rebuilt without solving).
    const INHERITED: u8 = 1;
    /// Expanded already.
    const CLOSED: u8 = 2;
    /// Expanded without its deviation children, which wait for the queue to reach f + 1.
    const DEFERRED: u8 = 4;
    /// Reached by a log move: its children are synchronous and log moves only (see
    /// [`Aligner::children`]), so it is a state of its own beside the same marking and position
    /// reached otherwise.
    const AFTER_LOG: u8 = 8;

    fn has(self, bit: u8) -> bool {
        self.0 & bit != 0
    }

    fn with(self, bit: u8, on: bool) -> Flags {
        if on { Flags(self.0 | bit) } else { Flags(self.0 & !bit) }
    }

    fn set(&mut self, bit: u8) {
        self.0 |= bit;
    }

    fn clear(&mut self, bit: u8) {
        self.0 &= !bit;
    }
}

/// A node's solution when none is stored.
const NO_SOLUTION: Stored = (u32::MAX, u32::MAX);

impl Node {
    /// Its stored solution, if any.
    fn stored(&self) -> Option<Stored> {
        (self.solution != NO_SOLUTION).then_some(self.solution)
    }

    /// Its estimate: cost so far plus bound.
    fn f(&self) -> u64 {
        u64::from(self.g) + u64::from(self.h)
    }
}

/// A cost or bound as a node stores it (saturating: no real cost comes near).
fn narrow(v: u64) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

/// How a node was reached, in 4 bytes: the move's kind in the top two bits and its transition
/// below; the event of a synchronous or log move is the one at the parent's position.
#[derive(Clone, Copy)]
struct Step(u32);

impl Step {
    /// The first node's: no move.
    const START: Step = Step(0);
    const TRANSITION: u32 = (1 << 30) - 1;

    fn of(mv: Move) -> Step {
        match mv {
            Move::Sync(_, t) => Step(1 << 30 | (t.0 & Self::TRANSITION)),
            Move::Model(t) => Step(2 << 30 | (t.0 & Self::TRANSITION)),
            Move::Log(_) => Step(3 << 30),
        }
    }
}

/// The move that reached node `id`, `None` for the first node.
fn move_of(nodes: &[Node], id: u32) -> Option<Move> {
    let node = &nodes[id as usize];
    let t = TransitionIdx(node.step.0 & Step::TRANSITION);
    let event = || nodes[node.parent as usize].pos as usize;
    match node.step.0 >> 30 {
        0 => None,
        1 => Some(Move::Sync(event(), t)),
        2 => Some(Move::Model(t)),
        _ => Some(Move::Log(event())),
    }
}

/// A marking as token counts, with how many places are marked.
#[derive(Clone, Copy)]
struct Dense<'a> {
    tokens: &'a [u32],
    marked: usize,
}

/// A child about to be offered to the search.
struct Child {
    mhash: u64,
    pos: u32,
    g: u64,
    h: u64,
    parent: u32,
    mv: Move,
    inherited: bool,
    depth: u8,
}

impl Search {
    /// Empties the search down to just the initial state (marking `initial` with linear hash
    /// `mhash`), keeping its buffers' capacity.
    fn reset(&mut self, initial: &[u32], mhash: u64, columns: usize) {
        self.places = initial.len();
        self.nodes.clear();
        self.markings.clear();
        encode(initial, &mut self.encoded);
        self.markings.push(&self.encoded);
        self.table.clear();
        self.solutions.reset(columns);
        let h = state_hash(mhash, 0, false);
        self.table.insert_unique(h, 0, |_| h);
        self.nodes.push(Node {
            mhash,
            pos: 0,
            g: 0,
            h: 0,
            parent: u32::MAX,
            step: Step::START,
            flags: Flags::default(),
            solution: NO_SOLUTION,
            depth: 0,
        });
    }

    /// Node `id`'s marking, into `out`.
    fn marking(&self, id: u32, out: &mut Vec<u32>) {
        self.markings.decode(id, self.places, out);
    }

    /// Records the child's state, whose marking is `marking`, unless it is known at no more
    /// cost; returns the new node. `encode` writes the marking's encoding, called only when a node is
    /// made.
    fn offer(&mut self, c: &Child, marking: Dense<'_>, encode: impl FnOnce(&Markings, &mut Vec<u8>)) -> Option<u32> {
        let after_log = matches!(c.mv, Move::Log(_));
        // The same state reached otherwise, no dearer, can do everything this one can.
        if after_log
            && self
                .find(marking, c.mhash, c.pos, false)
                .is_some_and(|free| u64::from(self.nodes[free as usize].g) <= c.g)
        {
            return None;
        }
        let id = u32::try_from(self.nodes.len()).unwrap_or(u32::MAX);
        let Search { nodes, markings, table, encoded, .. } = self;
        let same = |&i: &u32| {
            let n = &nodes[i as usize];
            n.mhash == c.mhash
                && n.pos == c.pos
                && n.flags.has(Flags::AFTER_LOG) == after_log
                && markings.equals(i, marking.tokens, marking.marked)
        };
        let h = state_hash(c.mhash, c.pos, after_log);
        let mut bound = c.h;
        match table.find_mut(h, same) {
            Some(known) if u64::from(nodes[*known as usize].g) <= c.g => return None,
            Some(known) => {
                // A cheaper way to a known state: its bound is a property of the state.
                bound = bound.max(u64::from(nodes[*known as usize].h));
                *known = id;
            }
            None => {
                table.insert_unique(h, id, |&i| {
                    let n: &Node = &nodes[i as usize];
                    state_hash(n.mhash, n.pos, n.flags.has(Flags::AFTER_LOG))
                });
            }
        }
        let inherited = c.inherited && bound == c.h;
        self.heirs += u64::from(inherited);
        encode(markings, encoded);
        markings.push(encoded);
        nodes.push(Node {
            mhash: c.mhash,
            pos: c.pos,
            g: narrow(c.g),
            h: narrow(bound),
            parent: c.parent,
            step: Step::of(c.mv),
            flags: Flags::default().with(Flags::INHERITED, inherited).with(Flags::AFTER_LOG, after_log),
            solution: NO_SOLUTION,
            depth: if inherited { c.depth } else { 0 },
        });
        Some(id)
    }

    /// The best node of the state with `marking` (linear hash `mhash`), `pos` and `after_log`.
    fn find(&self, marking: Dense<'_>, mhash: u64, pos: u32, after_log: bool) -> Option<u32> {
        let same = |&i: &u32| {
            let n = &self.nodes[i as usize];
            n.mhash == mhash
                && n.pos == pos
                && n.flags.has(Flags::AFTER_LOG) == after_log
                && self.markings.equals(i, marking.tokens, marking.marked)
        };
        self.table.find(state_hash(mhash, pos, after_log), same).copied()
    }

    /// Whether node `id` is still the best for its state (not superseded since it was queued).
    fn current(&self, id: u32) -> bool {
        let n = &self.nodes[id as usize];
        self.table.find(state_hash(n.mhash, n.pos, n.flags.has(Flags::AFTER_LOG)), |&i| i == id).is_some()
    }

    /// Bytes its buffers hold (capacity).
    fn bytes_held(&self) -> usize {
        self.nodes.capacity() * std::mem::size_of::<Node>()
            + self.markings.bytes_held()
            + self.solutions.bytes_held()
            + self.table.capacity() * (std::mem::size_of::<u32>() + 1)
            + (self.scratch.capacity() + self.walk.capacity()) * 16
    }

    /// Stores `solution` as node `id`'s.
    fn keep(&mut self, id: u32, solution: impl IntoIterator<Item = (Column, f64)>) {
        let stored = self.solutions.store(solution);
        let node = &mut self.nodes[id as usize];
        node.solution = stored;
        node.depth = 0;
    }

    /// Drops node `id`'s stored solution when it is the last one stored: once no child
    /// inherits it (their bounds were all computed otherwise), nothing reads it again (a
    /// deferred expansion makes only deviation children, which inherit nothing from a
    /// solution of cost 0).
    fn forget_solution(&mut self, id: u32) {
        let node = &mut self.nodes[id as usize];
        if let Some((start, end)) = node.stored()
            && end as usize == self.solutions.len()
        {
            self.solutions.truncate(start);
            node.solution = NO_SOLUTION;
        }
    }

    /// Makes node `id`'s optimal solution the view of [`Search::solutions`]: its stored one, or
    /// its nearest stored ancestor's minus the moves of the inheriting nodes in between (`column`
    /// gives a move's column). A node at the end of a chain of [`Solutions::CHAIN`] stores it.
    fn view(&mut self, id: u32, column: impl Fn(Move) -> Column) {
        let Search { nodes, solutions, walk, .. } = self;
        walk.clear();
        let mut n = id;
        loop {
            let node = &nodes[n as usize];
            if let Some(stored) = node.stored() {
                solutions.view(stored, walk);
                break;
            }
            let (true, Some(mv)) = (node.flags.has(Flags::INHERITED), move_of(nodes, n)) else {
                solutions.view_none();
                break;
            };
            walk.push(column(mv));
            n = node.parent;
        }
        let node = &mut nodes[id as usize];
        if node.stored().is_none() && node.depth >= Solutions::CHAIN {
            node.solution = solutions.store_view();
            node.depth = 0;
        }
    }
}

/// The memory of one search, kept from trace to trace so that aligning many variants on one
/// thread reuses its buffers instead of growing (and page-faulting) new ones each time. One per
/// thread: see [`Aligner::align_in`].
#[derive(Default)]
pub struct Workspace {
    search: Search,
    queue: Queue,
    scratch: Scratch,
    here: Vec<u32>,
    /// Bytes kept from one trace to the next (`None`: [`Workspace::RETAIN`]).
    retain: Option<usize>,
}

impl Workspace {
    /// Bytes kept from one trace to the next; a workspace holding more after a search is
    /// released, so that one hard trace does not keep its memory for the rest of the run.
    pub const RETAIN: usize = 64 << 20;

    /// A workspace keeping at most `bytes` from one trace to the next.
    pub fn retaining(bytes: usize) -> Self {
        Workspace { retain: Some(bytes), ..Workspace::default() }
    }

    /// Releases its buffers if they hold more than it keeps.
    fn release_if_large(&mut self) {
        let retain = self.retain.unwrap_or(Self::RETAIN);
        if self.bytes_held() > retain {
            *self = Workspace { retain: self.retain, ..Workspace::default() };
        }
    }

    /// Bytes its buffers hold (capacity).
    pub fn bytes_held(&self) -> usize {
        self.search.bytes_held() + self.queue.bytes_held() + self.here.capacity() * 4
    }
}

impl std::fmt::Debug for Workspace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workspace").field("nodes", &self.search.nodes.capacity()).finish_non_exhaustive()
    }
}

/// The heuristic of one search: its program and the events left from each trace position.
struct Bounds<'a, 'e> {
    equation: TraceEquation<'e>,
    /// Row `i` (of `width` entries) counts the labels of `trace[i..]`.
    left: &'a [u32],
    width: usize,
    /// The succession bound at each trace position.
    order: Vec<u64>,
    /// The node whose state the program's basis was last solved for (optimal there, so its
    /// dual value is that optimum), until the next solve.
    solved: Option<u32>,
}

impl<'e> Bounds<'_, 'e> {
    /// The program and the label counts left at trace position `pos`.
    fn at(&mut self, pos: u32) -> (&mut TraceEquation<'e>, &[u32]) {
        let p = pos as usize;
        (&mut self.equation, &self.left[p * self.width..(p + 1) * self.width])
    }
}

/// Which children to make.
#[derive(Clone, Copy)]
struct Kinds {
    /// Moves that cost nothing: synchronous and silent.
    free: bool,
    /// Log moves and visible model moves.
    deviations: bool,
}

/// Buffers reused from node to node.
#[derive(Default)]
struct Scratch {
    marking: Vec<u32>,
    /// The generation in which each transition was last tried (tries each once per node).
    stamp: Vec<u64>,
    generation: u64,
    /// Children held back to be queued after their siblings.
    later: Vec<u32>,
    /// The marked places of the node being expanded, ascending.
    marked: Vec<u32>,
    /// States expanded per estimate.
    levels: Levels,
}

/// How many states the search expanded at each estimate.
#[derive(Default)]
struct Levels(Vec<u64>);

impl Levels {
    fn clear(&mut self) {
        self.0.clear();
    }

    fn count(&mut self, f: u64) {
        let f = usize::try_from(f).unwrap_or(usize::MAX);
        if self.0.len() <= f {
            self.0.resize(f + 1, 0);
        }
        self.0[f] += 1;
    }

    /// States expanded with an estimate below `cost`.
    fn below(&self, cost: u64) -> u64 {
        self.0.iter().take(usize::try_from(cost).unwrap_or(usize::MAX)).sum()
    }
}

/// What settling a node's bound decided.
enum Settled {
    /// The bound is exact and unchanged: expand the node.
    Expand,
    /// The bound rose: queue the node again.
    Requeue,
    /// The final marking is unreachable from it.
    Pruned,
}

/// Queues node `id` at its estimate (the queue takes the least estimate, then the furthest
/// along the trace, then the newest).
fn enqueue(queue: &mut Queue, n: &Node, id: u32) {
    queue.push(n.f(), n.pos, id);
}

/// Which end of the trace the search starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// From the initial marking and the first event.
    Forward,
    /// From the final marking and the last event, on the reversed net (every arc turned
    /// around, initial and final markings swapped). Its alignments are the forward ones read
    /// backwards, at the same costs. Real tickets mostly go wrong near their end (a
    /// cancellation, a missing closure), where a backward search meets the deviation first
    /// instead of after exhausting every cheap way through the rest: on `BPIC 2012` the
    /// search expands 1.55 M states instead of 7.6 M forward (the default).
    Backward,
}

/// `net` with every arc turned around and its markings swapped.
fn reversed(net: &PetriNet) -> PetriNet {
    let mut r = net.clone();
    for t in &mut r.transitions {
        std::mem::swap(&mut t.inputs, &mut t.outputs);
    }
    std::mem::swap(&mut r.initial, &mut r.final_marking);
    r
}

impl<'n> Aligner<'n> {
    /// An aligner for `net` with a budget of `budget` expanded states per trace, searching
    /// backward (see [`Direction`]).
    pub fn new(net: &'n PetriNet, budget: u64) -> Self {
        Self::with_direction(net, budget, Direction::Backward)
    }

    /// An aligner searching in `direction`.
    pub fn with_direction(given: &'n PetriNet, budget: u64, direction: Direction) -> Self {
        let searched = match direction {
            Direction::Forward => Cow::Borrowed(given),
            Direction::Backward => Cow::Owned(reversed(given)),
        };
        let net: &PetriNet = &searched;
        let labels: Vec<String> = net.labels().into_iter().map(str::to_owned).collect();
        let mut by_label = vec![Vec::new(); labels.len()];
        let mut label_of = Vec::with_capacity(net.transitions.len());
        let mut consumers = vec![Vec::new(); net.places.len()];
        let mut sources = Vec::new();
        for (i, t) in net.transitions.iter().enumerate() {
            let ti = TransitionIdx(u32::try_from(i).unwrap_or(u32::MAX));
            let li = t.label.as_ref().map(|l| labels.binary_search(l).unwrap_or(0));
            if let Some(li) = li {
                by_label[li].push(ti);
            }
            label_of.push(li);
            for &(p, _) in &t.inputs {
                if !consumers[p.0 as usize].contains(&ti) {
                    consumers[p.0 as usize].push(ti);
                }
            }
            if t.inputs.is_empty() {
                sources.push(ti);
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
        let arcs = |a: &[(PlaceIdx, u32)]| linear_hash(&zobrist, a.iter().map(|&(p, w)| (p.0 as usize, w)));
        let delta = net.transitions.iter().map(|t| arcs(&t.outputs).wrapping_sub(arcs(&t.inputs))).collect();
        let initial_hash = linear_hash(&zobrist, net.initial.0.iter().copied().enumerate());
        let eager = net
            .transitions
            .iter()
            .enumerate()
            .filter(|(i, t)| {
                t.label.is_none()
                    && !t.inputs.is_empty()
                    && t.inputs.iter().all(|&(p, _)| {
                        consumers[p.0 as usize].len() == 1
                            && consumers[p.0 as usize][0].0 as usize == *i
                            && net.final_marking.0[p.0 as usize] == 0
                    })
            })
            .map(|(i, _)| TransitionIdx(u32::try_from(i).unwrap_or(u32::MAX)))
            .collect();
        let outputs = net.transitions.iter().map(|t| places_of(&t.outputs)).collect();
        let touched = net.transitions.iter().map(|t| places_of(t.inputs.iter().chain(&t.outputs))).collect();
        let equation = MarkingEquation::new(net, &label_of, labels.len());
        let succession = Succession::new(net, &label_of, labels.len(), &zobrist);
        Aligner {
            net: searched,
            direction,
            by_label,
            labels,
            budget,
            time_limit: None,
            memory_limit: None,
            heuristic: Heuristic::MarkingEquation,
            label_of,
            consumers,
            sources,
            eager,
            delta,
            initial_hash,
            outputs,
            touched,
            equation,
            succession,
        }
    }

    /// The label index of `activity`, `None` when no transition has it (its events are always log moves).
    pub fn label(&self, activity: &str) -> Option<usize> {
        self.labels.binary_search_by(|l| l.as_str().cmp(activity)).ok()
    }

    /// Events left per label from each trace position: row `i` counts `trace[i..]`, one column per
    /// label plus one for events the net lacks.
    fn suffix_counts(&self, trace: &[Option<usize>]) -> Vec<u32> {
        let w = self.labels.len() + 1;
        let mut left = vec![0u32; (trace.len() + 1) * w];
        for (i, l) in trace.iter().enumerate().rev() {
            let (row, next) = left.split_at_mut((i + 1) * w);
            row[i * w..].copy_from_slice(&next[..w]);
            row[i * w + l.unwrap_or(self.labels.len())] += 1;
        }
        left
    }

    /// The program column of a move, for inheriting bounds.
    fn column(&self, mv: Move, trace: &[Option<usize>]) -> Column {
        match mv {
            Move::Sync(_, t) => self.equation.sync(t.0),
            Move::Model(t) => MarkingEquation::model(t.0),
            Move::Log(p) => self.equation.log(trace[p], self.labels.len()),
        }
    }

    /// Makes node `id`'s bound exact and its optimal solution known before it is expanded:
    /// rebuilt from its parent's when inherited, otherwise solved (warm-started).
    fn settle(search: &mut Search, id: u32, bounds: &mut Bounds<'_, '_>, here: &[u32]) -> Settled {
        let node = &search.nodes[id as usize];
        if node.stored().is_some() {
            return Settled::Expand;
        }
        if node.flags.has(Flags::INHERITED) {
            return Settled::Expand;
        }
        let mut solution = std::mem::take(&mut search.scratch);
        let pos = search.nodes[id as usize].pos;
        let (equation, left) = bounds.at(pos);
        let bound = equation.bound(here, left, &mut solution);
        bounds.solved = bound.is_some().then_some(id);
        search.keep(id, solution.iter().copied());
        search.scratch = solution;
        let node = &mut search.nodes[id as usize];
        let Some(bound) = bound else {
            node.flags.set(Flags::CLOSED);
            return Settled::Pruned;
        };
        if bound > u64::from(node.h) {
            node.h = narrow(bound);
            return Settled::Requeue;
        }
        Settled::Expand
    }

    /// Offers node `id`'s children of the given kinds (its marking is `here`); returns whether an
    /// eager transition was its only move.
    #[expect(clippy::too_many_arguments, reason = "the search's parts, borrowed separately")]
    fn children(
        &self,
        search: &mut Search,
        queue: &mut Queue,
        scratch: &mut Scratch,
        here: &[u32],
        id: u32,
        trace: &[Option<usize>],
        bounds: &mut Option<Bounds<'_, '_>>,
        kinds: Kinds,
    ) -> bool {
        let net: &PetriNet = &self.net;
        scratch.marked.clear();
        scratch.marked.extend((0u32..).zip(here).filter(|&(_, &k)| k > 0).map(|(p, _)| p));
        let p_pos = search.nodes[id as usize].pos;
        let p = p_pos as usize;
        let use_bound = bounds.is_some();
        // The parent's dual value in the basis at hand, computed for the first child that needs it.
        let mut value: Option<f64> = None;
        let solved = bounds.as_ref().and_then(|b| b.solved);
        let mut step = |search: &mut Search, mv: Move| {
            if let Some(nid) =
                self.offer_move(search, &mut scratch.marking, here, &scratch.marked, id, mv, trace, use_bound)
            {
                if let Some(b) = bounds.as_ref() {
                    let order = self.order_bound(search, nid, &scratch.marking, trace, &b.order);
                    let node = &mut search.nodes[nid as usize];
                    node.h = node.h.max(narrow(order));
                }
                // A child not inheriting its parent's optimum gets the dual bound of the basis at
                // hand (mostly its parent's), which is exact whenever that basis stays optimal.
                if let Some(b) = bounds.as_mut()
                    && !search.nodes[nid as usize].flags.has(Flags::INHERITED)
                {
                    let (equation, left) = b.at(p_pos);
                    let v = *value.get_or_insert_with(|| {
                        if solved == Some(id) { equation.last_optimum() } else { equation.dual_value(here, left) }
                    });
                    let dual = equation.step_bound(v, self.column(mv, trace));
                    let node = &mut search.nodes[nid as usize];
                    node.h = node.h.max(narrow(dual));
                }
                if search.nodes[nid as usize].flags.has(Flags::INHERITED) {
                    enqueue(queue, &search.nodes[nid as usize], nid);
                } else {
                    scratch.later.push(nid);
                }
            }
        };
        let enabled = |t: TransitionIdx| net.transition(t).inputs.iter().all(|&(p, w)| here[p.0 as usize] >= w);
        // Move order: no model move directly after a log move. A log move changes no marking and
        // a model move no trace position, so every alignment can swap each "log, model" pair into
        // "model, log" at the same cost until, between two synchronous moves, all model moves
        // come first; the search skips the other interleavings. A state reached by a log move had
        // no eager transition enabled (it would have been the only move), so the two reductions
        // agree: the swapped alignment still fires every eager transition as soon as enabled.
        let after_log = search.nodes[id as usize].flags.has(Flags::AFTER_LOG);
        // An enabled eager transition is the state's only move (see `Aligner::eager`).
        let eager = if kinds.free && !after_log { self.eager.iter().copied().find(|&t| enabled(t)) } else { None };
        if let Some(t) = eager {
            step(search, Move::Model(t));
        } else {
            if kinds.free
                && let Some(Some(l)) = trace.get(p)
            {
                for &t in &self.by_label[*l] {
                    if enabled(t) {
                        step(search, Move::Sync(p, t));
                    }
                }
            }
            if kinds.deviations && p < trace.len() {
                step(search, Move::Log(p));
            }
            scratch.generation += 1;
            let generation = scratch.generation;
            let marked = if after_log { &[][..] } else { &scratch.marked[..] };
            let sources = if after_log { &[][..] } else { &self.sources[..] };
            for &t in marked.iter().flat_map(|&p| &self.consumers[p as usize]).chain(sources) {
                let slot = &mut scratch.stamp[t.0 as usize];
                if *slot == generation {
                    continue;
                }
                *slot = generation;
                let silent = self.label_of[t.0 as usize].is_none();
                if (if silent { kinds.free } else { kinds.deviations }) && enabled(t) {
                    step(search, Move::Model(t));
                }
            }
        }
        // Children off the parent's optimum go in last, so that among equals they come out first
        // (measured: 6 % fewer states on BPIC 2012 than the other way round).
        for nid in scratch.later.drain(..) {
            enqueue(queue, &search.nodes[nid as usize], nid);
        }
        eager.is_some()
    }

    /// The succession bound of node `id` (see [`crate::conformance::succession`]): the
    /// out-of-order pairs left from its position (`order`), or one more than those after its
    /// next event when that event is not enabled silently from its marking.
    fn order_bound(&self, search: &Search, id: u32, marking: &[u32], trace: &[Option<usize>], order: &[u64]) -> u64 {
        let node = &search.nodes[id as usize];
        let pos = node.pos as usize;
        match trace.get(pos) {
            Some(&Some(l)) if self.succession.blocked(marking, node.mhash, l) => order[pos].max(1 + order[pos + 1]),
            _ => order[pos],
        }
    }

    /// Offers the state reached from node `id` (marking `here`, marked places `marked`) by
    /// `mv`; returns the new node.
    #[expect(clippy::too_many_arguments, reason = "the search's parts, borrowed separately")]
    fn offer_move(
        &self,
        search: &mut Search,
        scratch: &mut Vec<u32>,
        here: &[u32],
        marked: &[u32],
        id: u32,
        mv: Move,
        trace: &[Option<usize>],
        use_bound: bool,
    ) -> Option<u32> {
        let parent = &search.nodes[id as usize];
        let (t, pos, cost) = match mv {
            Move::Sync(_, t) => (Some(t), parent.pos + 1, 0),
            Move::Log(_) => (None, parent.pos + 1, DEVIATION),
            Move::Model(t) if self.label_of[t.0 as usize].is_some() => (Some(t), parent.pos, DEVIATION),
            Move::Model(t) => (Some(t), parent.pos, SILENT),
        };
        scratch.clear();
        scratch.extend_from_slice(here);
        let mut mhash = parent.mhash;
        let mut count = marked.len();
        if let Some(t) = t {
            let tr = self.net.transition(t);
            for &(p, w) in &tr.inputs {
                scratch[p.0 as usize] -= w;
            }
            for &(p, w) in &tr.outputs {
                scratch[p.0 as usize] += w;
            }
            for &p in &self.touched[t.0 as usize] {
                let p = p as usize;
                count = count + usize::from(scratch[p] > 0) - usize::from(here[p] > 0);
            }
            mhash = mhash.wrapping_add(self.delta[t.0 as usize]);
        }
        // The view is the parent's solution (see `Aligner::children`).
        let inherited = use_bound && search.solutions.value(self.column(mv, trace)) >= Solutions::ONE;
        let parent = &search.nodes[id as usize];
        let child = Child {
            mhash,
            pos,
            g: u64::from(parent.g) + cost,
            h: u64::from(parent.h).saturating_sub(cost),
            parent: id,
            mv,
            inherited,
            depth: parent.depth.saturating_add(1),
        };
        let outputs: &[u32] = t.map_or(&[], |t| &self.outputs[t.0 as usize]);
        let mut candidates = std::mem::take(&mut search.candidates);
        let dense = Dense { tokens: scratch, marked: count };
        let made = search.offer(&child, dense, |markings, encoded| {
            if t.is_some() {
                merge(marked, outputs, &mut candidates);
                encode_places(scratch, candidates.iter().map(|&p| p as usize), encoded);
            } else {
                encoded.clear();
                encoded.extend_from_slice(markings.get(id));
            }
        });
        search.candidates = candidates;
        made
    }

    /// Whether `expanded` states, the time since `started` or the memory of `search` and
    /// `queue` exceed the budget.
    fn over_budget(&self, expanded: u64, started: Instant, search: &Search, queue: &Queue) -> Option<AlignError> {
        if expanded > self.budget {
            return Some(AlignError::Budget(self.budget));
        }
        if !expanded.is_multiple_of(1024) {
            return None;
        }
        if let Some(limit) = self.time_limit
            && started.elapsed() > limit
        {
            return Some(AlignError::TimeLimit(limit));
        }
        let limit = self.memory_limit?;
        let held = u64::try_from(search.bytes_held() + queue.bytes_held()).unwrap_or(u64::MAX);
        (held > limit).then_some(AlignError::Memory(limit))
    }

    /// An optimal alignment of `trace` (label indices; `None` for activities the net lacks).
    pub fn align(&self, trace: &[Option<usize>]) -> Result<Alignment, AlignError> {
        self.align_in(&mut Workspace::default(), trace)
    }

    /// [`Aligner::align`] in the buffers of `workspace`, which keep their capacity for the next
    /// trace.
    pub fn align_in(&self, workspace: &mut Workspace, trace: &[Option<usize>]) -> Result<Alignment, AlignError> {
        let found = if self.direction == Direction::Forward {
            self.search(workspace, trace)
        } else {
            let reversed: Vec<Option<usize>> = trace.iter().rev().copied().collect();
            self.search(workspace, &reversed).map(|a| forward(a, trace.len()))
        };
        // One hard trace must not keep its memory for the rest of the run.
        workspace.release_if_large();
        found
    }

    /// An optimal alignment of `trace` on the searched net, in its direction.
    fn search(&self, workspace: &mut Workspace, trace: &[Option<usize>]) -> Result<Alignment, AlignError> {
        let net: &PetriNet = &self.net;
        let n = trace.len();
        let left = self.suffix_counts(trace);
        let width = self.labels.len() + 1;
        let use_bound = self.heuristic == Heuristic::MarkingEquation;
        let mut bounds = use_bound.then(|| {
            let mut present = vec![false; width];
            for l in trace {
                present[l.unwrap_or(self.labels.len())] = true;
            }
            Bounds {
                equation: self.equation.for_labels(&present),
                left: &left,
                width,
                order: self.succession.bounds(trace),
                solved: None,
            }
        });
        let Workspace { search, queue, scratch, here, .. } = workspace;
        search.reset(&net.initial.0, self.initial_hash, self.equation.columns());
        queue.clear();
        if let Some(b) = &bounds {
            search.nodes[0].h = narrow(self.order_bound(search, 0, &net.initial.0, trace, &b.order));
        }
        enqueue(queue, &search.nodes[0], 0);
        let started = Instant::now();
        let mut expanded = 0u64;
        scratch.levels.clear();
        scratch.stamp.clear();
        scratch.stamp.resize(net.transitions.len(), 0);
        scratch.generation = 0;
        while let Some((f, id)) = queue.pop() {
            let node = &search.nodes[id as usize];
            if node.flags.has(Flags::CLOSED)
                && node.flags.has(Flags::DEFERRED)
                && f == node.f() + 1
                && search.current(id)
            {
                search.nodes[id as usize].flags.clear(Flags::DEFERRED);
                search.marking(id, here);
                if bounds.is_some() {
                    search.view(id, |mv| self.column(mv, trace));
                }
                let kinds = Kinds { free: false, deviations: true };
                self.children(search, queue, scratch, here, id, trace, &mut bounds, kinds);
                continue;
            }
            if node.flags.has(Flags::CLOSED) || node.f() != f || !search.current(id) {
                continue;
            }
            search.marking(id, here);
            let (pos, g) = (node.pos, u64::from(node.g));
            let p = pos as usize;
            if let Some(bounds) = &mut bounds {
                match Self::settle(search, id, bounds, here) {
                    Settled::Expand => {}
                    Settled::Pruned => continue,
                    Settled::Requeue => {
                        enqueue(queue, &search.nodes[id as usize], id);
                        continue;
                    }
                }
            }
            search.nodes[id as usize].flags.set(Flags::CLOSED);
            expanded += 1;
            scratch.levels.count(search.nodes[id as usize].f());
            if let Some(e) = self.over_budget(expanded, started, search, queue) {
                return Err(e);
            }
            if p == n && *here == net.final_marking.0 {
                let mut a = unwind(net, &search.nodes, id, g, expanded);
                a.bound = search.nodes[0].h;
                a.below = scratch.levels.below(g);
                return Ok(a);
            }
            if bounds.is_some() {
                search.view(id, |mv| self.column(mv, trace));
            }
            // Partial expansion: with nothing left to pay for (h = 0), every deviation child costs
            // at least f + 1, so those children are made only if the search gets that far.
            let defer = search.nodes[id as usize].h == 0;
            let kinds = Kinds { free: true, deviations: !defer };
            let heirs = search.heirs;
            let eager = self.children(search, queue, scratch, here, id, trace, &mut bounds, kinds);
            if search.heirs == heirs {
                search.forget_solution(id);
            }
            if defer && !eager {
                let node = &mut search.nodes[id as usize];
                node.flags.set(Flags::DEFERRED);
                queue.push(f + 1, node.pos, id);
            }
        }
        Err(AlignError::Unreachable)
    }
}

/// The places of `arcs`, ascending, without repeats.
fn places_of<'a>(arcs: impl IntoIterator<Item = &'a (PlaceIdx, u32)>) -> Vec<u32> {
    let mut places: Vec<u32> = arcs.into_iter().map(|&(p, _)| p.0).collect();
    places.sort_unstable();
    places.dedup();
    places
}

/// The ascending union of two ascending lists, into `out`: O(a + b).
fn merge(a: &[u32], b: &[u32], out: &mut Vec<u32>) {
    out.clear();
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        out.push(x.min(y));
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
}

/// A backward search's alignment of a trace of `len` events, read forward.
fn forward(mut a: Alignment, len: usize) -> Alignment {
    let last = len.saturating_sub(1);
    a.moves.reverse();
    for mv in &mut a.moves {
        if let Move::Sync(i, _) | Move::Log(i) = mv {
            *i = last - *i;
        }
    }
    a
}

/// The moves from the start to node `id`, following parent links.
fn unwind(net: &PetriNet, nodes: &[Node], mut id: u32, cost: u64, states: u64) -> Alignment {
    let mut moves = Vec::new();
    while let Some(mv) = move_of(nodes, id) {
        moves.push(mv);
        id = nodes[id as usize].parent;
    }
    moves.reverse();
    let deviations = u32::try_from(cost).unwrap_or(u32::MAX);
    let silent = u32::try_from(
        moves.iter().filter(|m| matches!(m, Move::Model(t) if net.transition(*t).label.is_none())).count(),
    )
    .unwrap_or(u32::MAX);
    Alignment { cost: deviations, silent, moves, states, bound: 0, below: 0 }
}

#[cfg(test)]
mod tests {
    use super::{AlignError, Aligner, Heuristic, Workspace};
    use crate::net::petri::tests_support::abc;
    use crate::net::petri::{Marking, PetriNet, Place, PlaceIdx, Transition};

    /// `k` branches in parallel between a silent split and a silent join, each two visible steps
    /// `a<i>` then `b<i>`: a net whose interleavings make Dijkstra's search large.
    fn parallel(k: u32) -> PetriNet {
        let places = (0..3 * k + 2).map(|i| Place { id: format!("p{i}") }).collect();
        let (start, end) = (PlaceIdx(3 * k), PlaceIdx(3 * k + 1));
        let mut transitions = vec![
            Transition { id: "split".into(), label: None, inputs: vec![(start, 1)], outputs: vec![] },
            Transition { id: "join".into(), label: None, inputs: vec![], outputs: vec![(end, 1)] },
        ];
        for i in 0..k {
            let p = |j: u32| PlaceIdx(3 * i + j);
            transitions[0].outputs.push((p(0), 1));
            transitions[1].inputs.push((p(2), 1));
            transitions.push(Transition {
                id: format!("a{i}"),
                label: Some(format!("a{i}")),
                inputs: vec![(p(0), 1)],
                outputs: vec![(p(1), 1)],
            });
            transitions.push(Transition {
                id: format!("b{i}"),
                label: Some(format!("b{i}")),
                inputs: vec![(p(1), 1)],
                outputs: vec![(p(2), 1)],
            });
        }
        let mut initial = vec![0; places_len(k)];
        initial[start.0 as usize] = 1;
        let mut fin = vec![0; places_len(k)];
        fin[end.0 as usize] = 1;
        PetriNet { places, transitions, initial: Marking(initial), final_marking: Marking(fin) }
    }

    fn places_len(k: u32) -> usize {
        3 * k as usize + 2
    }

    /// A search past its memory bound stops as not computed, the same search without the bound
    /// finishes, and the workspace does not keep a hard trace's memory.
    #[test]
    fn memory_bound_stops_a_search_and_its_memory_is_given_back() {
        let net = parallel(7);
        let mut a = Aligner::new(&net, u64::MAX);
        a.heuristic = Heuristic::Zero;
        // Every b before every a: each branch costs 2 (one step skipped, one event unexpected).
        let trace: Vec<Option<usize>> =
            (0..7).map(|i| a.label(&format!("b{i}"))).chain((0..7).map(|i| a.label(&format!("a{i}")))).collect();
        let (mut keeping, mut releasing) = (Workspace::default(), Workspace::retaining(1 << 20));
        let free = a.align_in(&mut keeping, &trace).unwrap();
        assert_eq!(free.cost, 7 * 2, "per branch one event synchronous, the other skipped and unexpected");
        assert!(keeping.bytes_held() > 1 << 20, "a search of {} states holds more than 1 MiB", free.states);
        assert_eq!(a.align_in(&mut releasing, &trace), Ok(free));
        assert!(releasing.bytes_held() < 1 << 10, "a workspace gives back what it does not keep");
        a.memory_limit = Some(256 << 10);
        assert_eq!(a.align_in(&mut keeping, &trace), Err(AlignError::Memory(256 << 10)));
    }

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
