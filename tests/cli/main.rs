//! The integration tests: one binary that drives the real `flowaudit` executable.

mod harness;
mod map;
mod simulate;
mod validate;
