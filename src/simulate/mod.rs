//! Synthetic ticket logs from a process model: seeded, deterministic, streamed.
//!
//! Owns `flowaudit simulate`'s library side. A [`config::SimConfig`] is resolved from raw settings;
//! [`engine::simulate`] walks the process graph once per ticket ([`walk`]), gives each ticket an
//! arrival time and step durations ([`clock`]), a customer, touchpoint and agents ([`population`]),
//! optionally one recorded deviation ([`deviation`], checked against the model by [`replay`]), and
//! writes CSV rows as it goes ([`writer`]). Every random draw comes from [`rng`], our own
//! generator, so a seed gives the same bytes on every platform and after every dependency upgrade.
//! [`centre::simulate_centre`] writes a whole centre's month: every service process the touchpoint
//! map routes tickets to, in a hotline's shares, with the same per-process pieces, plus tickets at
//! the map's blind spots.
//!
//! Cost: O(events) time; memory bounded by the process size and a fixed table of recent customers
//! (about 1.5 MiB), so twelve million tickets stream through as easily as twelve.

pub mod centre;
pub mod clock;
pub mod config;
pub mod deviation;
pub mod engine;
pub mod population;
pub mod replay;
pub mod rng;
#[cfg(test)]
pub(crate) mod testing;
pub mod walk;
pub mod what_if;
pub mod writer;
