//! Property tests of the model layer: any text loads without panicking and with located
//! diagnostics; every block-structured process (sequences, choices, parallel blocks, loops) that a
//! generator writes as YAML validates, and keeps its steps and loops.

use std::fmt::Write as _;
use std::path::Path;

use proptest::prelude::*;

use crate::model::decode::Decoder;
use crate::model::{spec, validate, yaml};

/// Runs the whole load of one file's text; returns the diagnostics' lines and whether it validated.
fn load(text: &str, file: &str) -> (Vec<u32>, Option<crate::model::process::Process>) {
    let mut d = Decoder::new(file);
    let process = match yaml::parse(text) {
        Ok(Some(root)) => {
            let s = spec::decode(&mut d, &root, text);
            validate::validate(&mut d, &s, Path::new(file))
        }
        _ => None,
    };
    (d.diagnostics.iter().filter_map(|x| x.span.map(|s| s.line)).collect(), process)
}

/// A block of a process tree.
#[derive(Debug, Clone)]
enum Block {
    Step,
    Seq(Vec<Block>),
    Choice(Vec<Block>),
    Par(Vec<Block>),
    /// A loop from the last step of the body back to its first.
    Loop(Vec<Block>),
}

fn block() -> impl Strategy<Value = Block> {
    let leaf = Just(Block::Step);
    leaf.prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..4).prop_map(Block::Seq),
            prop::collection::vec(inner.clone(), 2..4).prop_map(Block::Choice),
            prop::collection::vec(inner.clone(), 2..4).prop_map(Block::Par),
            prop::collection::vec(inner, 0..3).prop_map(Block::Loop),
        ]
    })
}

#[derive(Default)]
struct Writer {
    steps: Vec<String>,
    gateways: Vec<(String, &'static str)>,
    flows: Vec<String>,
    loops: Vec<(String, String)>,
}

impl Writer {
    fn step(&mut self, preds: &[String]) -> String {
        let s = format!("s{}", self.steps.len());
        for p in preds {
            self.flows.push(format!("{p} -> {s}"));
        }
        self.steps.push(s.clone());
        s
    }

    fn gateway(&mut self, kind: &'static str, preds: &[String]) -> String {
        let g = format!("g{}", self.gateways.len());
        for p in preds {
            self.flows.push(format!("{p} -> {g}"));
        }
        self.gateways.push((g.clone(), kind));
        g
    }

    /// One predecessor: `preds` itself, or an exclusive join of them.
    fn single(&mut self, preds: &[String]) -> String {
        if preds.len() == 1 { preds[0].clone() } else { self.gateway("exclusive-join", preds) }
    }

    /// Emits `b` after `preds`; returns the nodes that flow on to what comes next.
    fn emit(&mut self, b: &Block, preds: Vec<String>) -> Vec<String> {
        match b {
            Block::Step => vec![self.step(&preds)],
            Block::Seq(bs) => bs.iter().fold(preds, |p, b| self.emit(b, p)),
            Block::Choice(bs) => {
                // Steps branch implicitly; after a gateway the choice needs its own split.
                let preds = if preds.iter().any(|p| p.starts_with('g')) {
                    let entry = self.single(&preds);
                    vec![self.gateway("exclusive-split", &[entry])]
                } else {
                    preds
                };
                bs.iter().flat_map(|b| self.emit(b, preds.clone())).collect()
            }
            Block::Par(bs) => {
                let entry = self.single(&preds);
                let split = self.gateway("parallel-split", &[entry]);
                let exits: Vec<String> = bs
                    .iter()
                    .map(|b| {
                        // A branch starts with one step: alternatives straight out of a parallel
                        // split would be more branches, not a choice inside one.
                        let head = self.step(std::slice::from_ref(&split));
                        let e = self.emit(b, vec![head]);
                        self.single(&e)
                    })
                    .collect();
                vec![self.gateway("parallel-join", &exits)]
            }
            Block::Loop(body) => {
                let first = self.step(&preds);
                let mid = body.iter().fold(vec![first.clone()], |p, b| self.emit(b, p));
                let last = self.step(&mid);
                self.loops.push((last.clone(), first));
                vec![last]
            }
        }
    }

    fn yaml(&self, id: &str) -> String {
        let mut y = format!(
            "id: {id}\nname: Generated\nclass: service\nkind: query\nversion: \"1\"\nowner: tests\nroles:\n  agent: Agent\nsteps:\n"
        );
        for s in &self.steps {
            let _ = writeln!(y, "  {s}: {{role: agent, aliases: [\"label {s}\"]}}");
        }
        if !self.gateways.is_empty() {
            y.push_str("gateways:\n");
            for (g, k) in &self.gateways {
                let _ = writeln!(y, "  {g}: {k}");
            }
        }
        let _ = writeln!(y, "start: s0\nend: {}\nflow:", self.steps.last().unwrap());
        for f in &self.flows {
            let _ = writeln!(y, "  - {f}");
        }
        if !self.loops.is_empty() {
            y.push_str("loops:\n");
            for (i, (from, to)) in self.loops.iter().enumerate() {
                let _ = writeln!(y, "  l{i}: {{from: {from}, to: {to}}}");
            }
        }
        y
    }
}

fn generated(b: &Block) -> (Writer, String) {
    let mut w = Writer::default();
    let first = w.step(&[]);
    let exits = w.emit(b, vec![first]);
    w.step(&exits);
    let y = w.yaml("p");
    (w, y)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_text_loads_without_panic(text in "(\\PC|\\n|: |- |\\[|\\]|&a|\\*a){0,300}") {
        let lines = u32::try_from(text.lines().count()).unwrap() + 1;
        let (at, _) = load(&text, "p.yaml");
        prop_assert!(at.iter().all(|l| *l >= 1 && *l <= lines), "{at:?} beyond {lines} lines");
    }

    #[test]
    fn generated_processes_validate(b in block()) {
        let (w, y) = generated(&b);
        let mut d = Decoder::new("p.yaml");
        let root = yaml::parse(&y).unwrap().unwrap();
        let s = spec::decode(&mut d, &root, &y);
        let p = validate::validate(&mut d, &s, Path::new("p.yaml"));
        prop_assert!(d.diagnostics.is_empty(), "{y}\n{:?}", d.diagnostics);
        let p = p.unwrap();
        prop_assert_eq!(p.steps.len(), w.steps.len());
        prop_assert_eq!(p.loops.len(), w.loops.len());
        prop_assert_eq!(p.graph.graph.node_count(), w.steps.len() + w.gateways.len());
    }

    #[test]
    fn dropping_a_flow_never_panics_and_errors_are_located(b in block(), pick in any::<prop::sample::Index>()) {
        let (w, y) = generated(&b);
        let victim = format!("  - {}\n", w.flows[pick.index(w.flows.len())]);
        let broken = y.replacen(&victim, "", 1);
        let lines = u32::try_from(broken.lines().count()).unwrap();
        let (at, _) = load(&broken, "p.yaml");
        prop_assert!(at.iter().all(|l| *l >= 1 && *l <= lines));
    }
}
