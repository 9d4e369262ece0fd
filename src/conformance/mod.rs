//! Conformance: alignments of tickets with their process, and the figures built on them.

#[cfg(test)]
mod agreement;
pub mod alignment;
pub mod check;
pub mod fitness;
pub mod marking_equation;
pub mod simplex;
