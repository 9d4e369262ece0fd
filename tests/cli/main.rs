//! The integration tests: one binary that drives the real `flowaudit` executable.

mod harness;
mod log;
mod map;
mod validate;
