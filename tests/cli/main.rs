//! The integration tests: one binary that drives the real `flowaudit` executable.

mod audit;
mod calendar;
mod check;
mod compare;
mod department;
mod export;
mod grade;
mod harness;
mod logs;
mod map;
mod render;
mod simulate;
mod sla;
mod suggest_profile;
mod validate;
mod xes;
