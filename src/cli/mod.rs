//! The command line: clap structs (raw input), resolution into configs, one module per subcommand,
//! and named exit codes. The only part of the crate that prints, reads the environment or exits.

mod args;
mod audit;
mod check;
mod compare;
mod exit;
mod export;
mod grade;
mod log_input;
mod log_stats;
mod loops;
mod map;
mod process_arg;
mod render;
mod run;
mod simulate;
mod sla;
mod suggest_profile;
mod validate;

pub use exit::Exit;
pub use run::run;
