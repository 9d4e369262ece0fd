//! Process trees: sequence, exclusive choice, parallel and loop blocks over visible and silent
//! steps, the block structure inductive miners produce, and their workflow nets.
//!
//! Owns [`Tree`] and [`Tree::to_net`]. The engine's property tests and the cross-check against
//! the `process_mining` crate (`benches/peer/harness`) draw random trees and align traces with
//! their nets. The net is the usual block-structured one: every block is a sound net between an
//! input and an output place; parallel blocks get silent split and join transitions, loops a
//! silent entry and exit. O(size of the tree).

use crate::net::petri::{Marking, PetriNet, Place, PlaceIdx, Transition};

/// A process tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tree {
    /// A step with its label; `None` is silent (tau).
    Leaf(Option<String>),
    /// The children in order.
    Seq(Vec<Tree>),
    /// One of the children.
    Xor(Vec<Tree>),
    /// All children, interleaved.
    And(Vec<Tree>),
    /// The body, then any number of (redo, body).
    Loop(Box<Tree>, Box<Tree>),
}

impl Tree {
    /// Number of leaves, silent or not.
    pub fn leaves(&self) -> usize {
        match self {
            Tree::Leaf(_) => 1,
            Tree::Seq(k) | Tree::Xor(k) | Tree::And(k) => k.iter().map(Tree::leaves).sum(),
            Tree::Loop(body, redo) => body.leaves() + redo.leaves(),
        }
    }

    /// The tree's workflow net: one token in the source place initially, one in the sink finally.
    pub fn to_net(&self) -> PetriNet {
        let mut b = Builder::default();
        let (source, sink) = (b.place(), b.place());
        b.block(self, source, sink);
        let n = b.places.len();
        let mut initial = Marking::empty(n);
        initial.0[source.0 as usize] = 1;
        let mut final_marking = Marking::empty(n);
        final_marking.0[sink.0 as usize] = 1;
        PetriNet { places: b.places, transitions: b.transitions, initial, final_marking }
    }
}

#[derive(Default)]
struct Builder {
    places: Vec<Place>,
    transitions: Vec<Transition>,
}

impl Builder {
    fn place(&mut self) -> PlaceIdx {
        let i = self.places.len();
        self.places.push(Place { id: format!("p{i}") });
        PlaceIdx(u32::try_from(i).unwrap_or(u32::MAX))
    }

    fn transition(&mut self, label: Option<&String>, inputs: &[PlaceIdx], outputs: &[PlaceIdx]) {
        let i = self.transitions.len();
        self.transitions.push(Transition {
            id: format!("t{i}"),
            label: label.cloned(),
            inputs: inputs.iter().map(|&p| (p, 1)).collect(),
            outputs: outputs.iter().map(|&p| (p, 1)).collect(),
        });
    }

    /// Emits `t` between places `from` and `to`.
    fn block(&mut self, t: &Tree, from: PlaceIdx, to: PlaceIdx) {
        match t {
            Tree::Leaf(l) => self.transition(l.as_ref(), &[from], &[to]),
            Tree::Seq(kids) => {
                let mut cur = from;
                for (i, k) in kids.iter().enumerate() {
                    let next = if i + 1 == kids.len() { to } else { self.place() };
                    self.block(k, cur, next);
                    cur = next;
                }
            }
            Tree::Xor(kids) => kids.iter().for_each(|k| self.block(k, from, to)),
            Tree::And(kids) => {
                let starts: Vec<PlaceIdx> = kids.iter().map(|_| self.place()).collect();
                let ends: Vec<PlaceIdx> = kids.iter().map(|_| self.place()).collect();
                self.transition(None, &[from], &starts);
                for (k, (&s, &e)) in kids.iter().zip(starts.iter().zip(&ends)) {
                    self.block(k, s, e);
                }
                self.transition(None, &ends, &[to]);
            }
            Tree::Loop(body, redo) => {
                let (a, b) = (self.place(), self.place());
                self.transition(None, &[from], &[a]);
                self.block(body, a, b);
                self.block(redo, b, a);
                self.transition(None, &[b], &[to]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Tree;
    use crate::net::petri::TransitionIdx;

    #[test]
    fn a_sequence_fires_to_the_final_marking() {
        let leaf = |l: &str| Tree::Leaf(Some(l.to_owned()));
        let t = Tree::Seq(vec![leaf("a"), Tree::And(vec![leaf("b"), Tree::Leaf(None)]), leaf("c")]);
        assert_eq!(t.leaves(), 4);
        let net = t.to_net();
        assert_eq!((net.places.len(), net.transitions.len(), net.silent_count()), (8, 6, 3));
        let mut m = net.initial.clone();
        for i in 0..net.transitions.len() {
            let t = TransitionIdx(u32::try_from(i).unwrap());
            assert!(net.enabled(t, &m), "transition {i} in creation order");
            net.fire(t, &mut m);
        }
        assert_eq!(m, net.final_marking);
    }
}
