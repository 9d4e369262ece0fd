//! Petri nets: the form every process takes for conformance checking.
//!
//! Owns [`PetriNet`], [`Marking`] and the firing rule. Places and transitions are addressed by
//! dense `u32` indices; each transition keeps its input and output arcs as compact `(place,
//! weight)` arrays, so the alignment search tests and fires a transition in O(arcs) without
//! hashing. A transition's label is `None` for a silent (tau) transition. Built once per net and
//! never mutated afterwards.

use std::fmt;

/// Index of a place in [`PetriNet::places`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PlaceIdx(pub u32);

/// Index of a transition in [`PetriNet::transitions`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TransitionIdx(pub u32);

/// A place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// Its id in the source (PNML id, or the process element it came from).
    pub id: String,
}

/// A transition and its arcs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    /// Its id in the source.
    pub id: String,
    /// The activity it stands for; `None` when silent.
    pub label: Option<String>,
    /// Input places with arc weights.
    pub inputs: Vec<(PlaceIdx, u32)>,
    /// Output places with arc weights.
    pub outputs: Vec<(PlaceIdx, u32)>,
}

/// Tokens per place.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Marking(pub Vec<u32>);

impl Marking {
    /// The empty marking of a net with `places` places.
    pub fn empty(places: usize) -> Self {
        Marking(vec![0; places])
    }
}

impl fmt::Display for Marking {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> =
            self.0.iter().enumerate().filter(|(_, n)| **n > 0).map(|(p, n)| format!("p{p}:{n}")).collect();
        write!(f, "[{}]", parts.join(" "))
    }
}

/// A labelled Petri net with an initial and a final marking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PetriNet {
    /// Places, indexed by [`PlaceIdx`].
    pub places: Vec<Place>,
    /// Transitions, indexed by [`TransitionIdx`].
    pub transitions: Vec<Transition>,
    /// Where runs start.
    pub initial: Marking,
    /// Where runs must end.
    pub final_marking: Marking,
}

impl PetriNet {
    /// The transition behind `t`.
    pub fn transition(&self, t: TransitionIdx) -> &Transition {
        &self.transitions[t.0 as usize]
    }

    /// Whether `t` may fire in `m`. O(inputs of `t`).
    pub fn enabled(&self, t: TransitionIdx, m: &Marking) -> bool {
        self.transition(t).inputs.iter().all(|&(p, w)| m.0[p.0 as usize] >= w)
    }

    /// Fires `t` in `m`, which must enable it. O(arcs of `t`).
    pub fn fire(&self, t: TransitionIdx, m: &mut Marking) {
        let tr = self.transition(t);
        for &(p, w) in &tr.inputs {
            m.0[p.0 as usize] -= w;
        }
        for &(p, w) in &tr.outputs {
            m.0[p.0 as usize] += w;
        }
    }

    /// Number of silent transitions.
    pub fn silent_count(&self) -> usize {
        self.transitions.iter().filter(|t| t.label.is_none()).count()
    }

    /// Distinct visible labels, sorted.
    pub fn labels(&self) -> Vec<&str> {
        let mut l: Vec<&str> = self.transitions.iter().filter_map(|t| t.label.as_deref()).collect();
        l.sort_unstable();
        l.dedup();
        l
    }
}

/// Small nets for tests elsewhere in the crate.
#[cfg(test)]
pub(crate) mod tests_support {
    use super::{Marking, PetriNet, Place, PlaceIdx, Transition};

    /// The golden net of `docs/metrics.md`: p0 -a-> p1 -b-> p2 -c-> p3.
    pub(crate) fn abc() -> PetriNet {
        let places = (0..4).map(|i| Place { id: format!("p{i}") }).collect();
        let transitions = ["a", "b", "c"]
            .iter()
            .enumerate()
            .map(|(i, l)| Transition {
                id: (*l).to_owned(),
                label: Some((*l).to_owned()),
                inputs: vec![(PlaceIdx(u32::try_from(i).unwrap()), 1)],
                outputs: vec![(PlaceIdx(u32::try_from(i + 1).unwrap()), 1)],
            })
            .collect();
        PetriNet { places, transitions, initial: Marking(vec![1, 0, 0, 0]), final_marking: Marking(vec![0, 0, 0, 1]) }
    }
}

#[cfg(test)]
mod tests {
    use super::TransitionIdx;
    use super::tests_support::abc;

    #[test]
    fn fires_in_sequence_to_the_final_marking() {
        let net = abc();
        let mut m = net.initial.clone();
        assert!(!net.enabled(TransitionIdx(1), &m));
        for t in 0..3 {
            assert!(net.enabled(TransitionIdx(t), &m));
            net.fire(TransitionIdx(t), &mut m);
        }
        assert_eq!(m, net.final_marking);
        assert_eq!(m.to_string(), "[p3:1]");
        assert_eq!(net.labels(), ["a", "b", "c"]);
    }
}
