//! flowaudit audits how customer-service tickets really flow against how the processes were designed.
//!
//! The library does all the work and never prints or exits; the `flowaudit` binary is a thin CLI
//! over it (see [`cli::run`]).
//!
//! - [`model`]: process definitions in YAML, their validation with `file:line:column`, the process
//!   graph (petgraph), the business x channel touchpoint map and working calendars (hours, public
//!   holidays, make-up working days) with exact working-time arithmetic.
//! - [`log`]: ticket event logs: streaming CSV and XES readers, interning, row accounting,
//!   timestamps, log profiles, activity mapping and variants.
//! - [`net`]: Petri nets and PNML import.
//! - [`conformance`]: optimal alignments of traces with nets, the figures and deviation patterns
//!   built on them, the allow-list of accepted deviations, and token-based replay (secondary).
//! - [`analysis`]: the department view (hand-offs, loop-backs, organisational conformance, repeat
//!   complaints, KPIs) walked over the checked tickets.
//! - [`report`]: the department view's sections as text and JSON; the monthly audit's typed
//!   tables and their CSV, Excel, Markdown and HTML writers, written atomically into a report folder.
//! - [`render`]: deterministic writers (tables; process maps as they land).
//! - [`simulate`]: seeded, deterministic synthetic ticket logs (CSV streams) from a process model.

pub mod analysis;
pub mod cli;
pub mod conformance;
pub mod log;
pub mod model;
pub mod net;
pub mod render;
pub mod report;
pub mod simulate;
