//! Property tests of the alignment engine: on random block-structured nets (sequence, choice,
//! parallel, loops, silent steps, repeated labels) and random traces, A* with the marking
//! equation, backward (the default) and forward, finds the same cost as the exhaustive search
//! (Dijkstra, no heuristic), and every
//! alignment either returns replays on the net and covers the trace.

use proptest::prelude::*;

use crate::conformance::agreement::replays;
use crate::conformance::alignment::{Aligner, Direction, Heuristic};
use crate::net::petri::{Marking, PetriNet, Place, PlaceIdx, Transition};

/// A process tree; leaves carry a label index or `None` for a silent step.
#[derive(Debug, Clone)]
enum Tree {
    Leaf(Option<u8>),
    Seq(Vec<Tree>),
    Xor(Vec<Tree>),
    And(Vec<Tree>),
    /// Do, then any number of (redo, do).
    Loop(Box<Tree>, Box<Tree>),
}

fn tree() -> impl Strategy<Value = Tree> {
    let leaf = prop_oneof![3 => (0u8..5).prop_map(|l| Tree::Leaf(Some(l))), 1 => Just(Tree::Leaf(None))];
    leaf.prop_recursive(4, 20, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4).prop_map(Tree::Seq),
            prop::collection::vec(inner.clone(), 2..4).prop_map(Tree::Xor),
            prop::collection::vec(inner.clone(), 2..3).prop_map(Tree::And),
            (inner.clone(), inner).prop_map(|(a, b)| Tree::Loop(Box::new(a), Box::new(b))),
        ]
    })
}

/// Builds the workflow net of a tree.
#[derive(Default)]
struct Builder {
    places: usize,
    transitions: Vec<Transition>,
}

impl Builder {
    fn place(&mut self) -> usize {
        self.places += 1;
        self.places - 1
    }

    fn transition(&mut self, label: Option<u8>, inputs: &[usize], outputs: &[usize]) {
        let arcs = |ps: &[usize]| ps.iter().map(|&p| (PlaceIdx(u32::try_from(p).unwrap()), 1)).collect();
        self.transitions.push(Transition {
            id: format!("t{}", self.transitions.len()),
            label: label.map(|l| char::from(b'a' + l).to_string()),
            inputs: arcs(inputs),
            outputs: arcs(outputs),
        });
    }

    /// Emits `t` from place `i` to place `o`.
    fn emit(&mut self, t: &Tree, i: usize, o: usize) {
        match t {
            Tree::Leaf(l) => self.transition(*l, &[i], &[o]),
            Tree::Seq(ts) => {
                let mut from = i;
                for (k, t) in ts.iter().enumerate() {
                    let to = if k + 1 == ts.len() { o } else { self.place() };
                    self.emit(t, from, to);
                    from = to;
                }
            }
            Tree::Xor(ts) => ts.iter().for_each(|t| self.emit(t, i, o)),
            Tree::And(ts) => {
                let (starts, ends): (Vec<usize>, Vec<usize>) = ts.iter().map(|_| (self.place(), self.place())).unzip();
                self.transition(None, &[i], &starts);
                for (t, (&s, &e)) in ts.iter().zip(starts.iter().zip(&ends)) {
                    self.emit(t, s, e);
                }
                self.transition(None, &ends, &[o]);
            }
            Tree::Loop(body, redo) => {
                let (a, b) = (self.place(), self.place());
                self.transition(None, &[i], &[a]);
                self.emit(body, a, b);
                self.emit(redo, b, a);
                self.transition(None, &[b], &[o]);
            }
        }
    }

    fn net(t: &Tree) -> PetriNet {
        let mut b = Builder::default();
        let (i, o) = (b.place(), b.place());
        b.emit(t, i, o);
        let mut initial = Marking::empty(b.places);
        initial.0[i] = 1;
        let mut final_marking = Marking::empty(b.places);
        final_marking.0[o] = 1;
        let places = (0..b.places).map(|p| Place { id: format!("p{p}") }).collect();
        PetriNet { places, transitions: b.transitions, initial, final_marking }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn heuristic_search_costs_what_exhaustive_search_costs(
        t in tree(),
        trace in prop::collection::vec(0u8..6, 0..9),
    ) {
        let net = Builder::net(&t);
        let astar = Aligner::new(&net, 1_000_000);
        let mut dijkstra = Aligner::new(&net, 1_000_000);
        dijkstra.heuristic = Heuristic::Zero;
        // Label 5 ('f') never occurs in a net: always a log move.
        let trace: Vec<Option<usize>> = trace.iter().map(|&l| astar.label(&char::from(b'a' + l).to_string())).collect();
        let forward = Aligner::with_direction(&net, 1_000_000, Direction::Forward);
        let a = astar.align(&trace).unwrap();
        let f = forward.align(&trace).unwrap();
        let d = dijkstra.align(&trace).unwrap();
        prop_assert_eq!(a.cost, d.cost, "net {:?}", t);
        prop_assert_eq!(f.cost, d.cost, "net {:?}", t);
        prop_assert!(replays(&net, &trace, &f), "forward alignment does not replay: {:?}", f.moves);
        prop_assert!(replays(&net, &trace, &a), "A* alignment does not replay: {:?}", a.moves);
        prop_assert!(replays(&net, &trace, &d));
    }
}
