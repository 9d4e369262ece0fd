//! Conformance: alignments of tickets with their process, and the figures built on them.

#[cfg(test)]
mod agreement;
pub mod alignment;
pub mod allow;
pub mod check;
pub mod deviation;
pub mod direction;
pub mod fitness;
pub mod handoff;
pub mod loopback;
pub mod marking_equation;
pub mod markings;
pub mod organisation;
#[cfg(test)]
mod properties;
pub mod queue;
pub mod simplex;
pub mod solutions;
pub mod succession;
pub mod token_replay;
#[cfg(test)]
mod token_replay_agreement;
