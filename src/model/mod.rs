//! Process models: the YAML format, its validation with `file:line:column`, the process graph, the
//! touchpoint map, the working calendars time limits are counted on and the benchmark values
//! the monthly audit checks.

pub mod benchmarks;
pub mod calendar;
pub mod calendar_file;
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
pub mod working_time;
pub mod yaml;
