//! Property tests of the alignment engine: on random block-structured nets (sequence, choice,
//! parallel, loops, silent steps, repeated labels) and random traces, A* with the marking
//! equation, backward (the default) and forward, finds the same cost as the exhaustive search
//! (Dijkstra, no heuristic), and every
//! alignment either returns replays on the net and covers the trace.

use proptest::prelude::*;

use crate::conformance::agreement::replays;
use crate::conformance::alignment::{Aligner, Direction, Heuristic};
use crate::net::tree::Tree;

fn tree() -> impl Strategy<Value = Tree> {
    let leaf = prop_oneof![
        3 => (0u8..5).prop_map(|l| Tree::Leaf(Some(char::from(b'a' + l).to_string()))),
        1 => Just(Tree::Leaf(None)),
    ];
    leaf.prop_recursive(4, 20, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4).prop_map(Tree::Seq),
            prop::collection::vec(inner.clone(), 2..4).prop_map(Tree::Xor),
            prop::collection::vec(inner.clone(), 2..3).prop_map(Tree::And),
            (inner.clone(), inner).prop_map(|(a, b)| Tree::Loop(Box::new(a), Box::new(b))),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn heuristic_search_costs_what_exhaustive_search_costs(
        t in tree(),
        trace in prop::collection::vec(0u8..6, 0..9),
    ) {
        let net = t.to_net();
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
