//! Process models: the YAML format, its validation with `file:line:column`, the process graph and
//! the touchpoint map.

pub mod decode;
pub mod diagnostic;
pub mod duration;
pub mod flow;
pub mod grading_rules;
pub mod graph;
pub mod library;
pub mod parallel;
pub mod process;
#[cfg(test)]
mod properties;
pub mod spec;
pub mod time_limits;
pub mod touchpoint;
pub mod validate;
pub mod yaml;
