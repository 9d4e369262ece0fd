//! Property tests of the loop-back judgement on the bundled processes: a ticket that walks its
//! process as designed (the simulator's clean walks, designed loops included) has no undesigned
//! loop-back; on any trace, designed + undesigned = every self-loop and repetition, and a process
//! without designed loops has no designed loop-back.

use proptest::prelude::*;

use crate::conformance::alignment::Aligner;
use crate::conformance::loopback::{Judged, LoopNet, Repeat, classify};
use crate::model::process::StepId;
use crate::net::compile::{compile, loop_transitions, step_transitions};
use crate::simulate::rng::Xoshiro256;
use crate::simulate::testing::bundled;
use crate::simulate::walk::{Plan, Walker};

/// A change to a clean trace: insert step `a` at `b`, delete the step at `a`, or repeat the
/// stretch `a..=b` right after it.
#[derive(Debug, Clone, Copy)]
enum Edit {
    Insert(usize, usize),
    Delete(usize),
    Repeat(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0usize..64, 0usize..64).prop_map(|(a, b)| Edit::Insert(a, b)),
        (0usize..64).prop_map(Edit::Delete),
        (0usize..64, 0usize..8).prop_map(|(a, b)| Edit::Repeat(a, b)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn clean_walks_loop_back_only_by_design(seed in any::<u64>(), which in 0usize..10, edits in prop::collection::vec(edit(), 0..3)) {
        let lib = bundled();
        let p = &lib.processes[which % lib.processes.len()];
        let net = compile(p);
        let loop_from: Vec<StepId> = p.loops.iter().map(|l| l.from).collect();
        let loop_net = LoopNet::new(step_transitions(p, &net), &loop_transitions(p, &net), &loop_from, p.steps.len());
        let aligner = Aligner::new(&net, 1_000_000);
        let plan = Plan::new(p);
        let mut walker = Walker::new(&plan);
        let mut rng = Xoshiro256::new(seed, 0);
        let mut trace = Vec::new();
        walker.walk(&mut rng, &mut trace);
        let clean = edits.is_empty();
        for e in edits {
            let n = trace.len();
            match e {
                Edit::Insert(a, b) => trace.insert(b % (n + 1), StepId(u32::try_from(a % p.steps.len()).unwrap())),
                Edit::Delete(a) if n > 0 => { trace.remove(a % n); }
                Edit::Repeat(a, len) if n > 0 => {
                    let from = a % n;
                    let to = (from + len).min(n - 1);
                    let again: Vec<StepId> = trace[from..=to].to_vec();
                    trace.splice((to + 1)..=to, again);
                }
                _ => {}
            }
        }
        let labels: Vec<Option<usize>> = trace.iter().map(|&s| aligner.label(&p.step(s).id)).collect();
        let alignment = aligner.align(&labels).unwrap();
        let acts: Vec<u32> = trace.iter().map(|s| s.0).collect();
        let pos = classify(&acts, Some(&alignment), &loop_net);
        let loopbacks = pos.iter().filter(|x| x.repeat != Repeat::First).count();
        let designed = pos.iter().filter(|x| x.repeat != Repeat::First && x.judged == Judged::Designed).count();
        let undesigned = pos.iter().filter(|x| x.repeat != Repeat::First && x.judged == Judged::Undesigned).count();
        prop_assert_eq!(designed + undesigned, loopbacks);
        if p.loops.is_empty() {
            prop_assert_eq!(designed, 0, "{} has no designed loop", p.id);
        }
        if clean {
            prop_assert_eq!(alignment.cost, 0);
            prop_assert_eq!(undesigned, 0, "{}: a clean walk {:?}", p.id, trace);
        }
    }
}
