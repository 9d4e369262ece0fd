//! flowaudit audits how customer-service tickets really flow against how the processes were designed.
//!
//! The library does all the work and never prints or exits; the `flowaudit` binary is a thin CLI
//! over it (see [`cli::run`]).
//!
//! - [`model`]: process definitions in YAML, their validation with `file:line:column`, the process
//!   graph (petgraph) and the business x channel touchpoint map.
//! - [`render`]: deterministic writers (tables; process maps as they land).
//! - [`simulate`]: seeded, deterministic synthetic ticket logs (CSV streams) from a process model.

pub mod cli;
pub mod conformance;
pub mod log;
pub mod model;
pub mod net;
pub mod render;
pub mod simulate;
