//! The integration tests: one binary that drives the real `flowaudit` executable.

mod harness;
mod logs;
mod map;
mod validate;
mod xes;
