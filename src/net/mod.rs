//! Petri nets: the form processes take for conformance checking, and PNML import.

pub mod compile;
pub mod petri;
pub mod pnml;
pub mod tree;
