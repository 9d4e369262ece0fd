//! Checking a log against a net: every variant aligned once, the figures summarised, per-ticket
//! results on demand.
//!
//! Owns [`check`] and [`CheckResult`]. Cost: one alignment per variant (see
//! [`crate::conformance::alignment`]) plus O(tickets).

use crate::conformance::alignment::{AlignError, Aligner};
use crate::conformance::fitness::{Summary, TraceResult, summarise};
use crate::log::event_log::{CaseIdx, EventLog};
use crate::log::variants::Variants;
use crate::net::petri::PetriNet;

/// The outcome of checking one log.
#[derive(Debug, Clone)]
pub struct CheckResult {
    /// The variants of the log.
    pub variants: Variants,
    /// One result per variant, in the order of `variants.list`.
    pub per_variant: Vec<TraceResult>,
    /// The cost of aligning the empty trace (the shortest run's visible steps).
    pub empty_cost: u32,
    /// Log-level figures.
    pub summary: Summary,
}

impl CheckResult {
    /// The result of `case`'s variant.
    pub fn of_case(&self, case: CaseIdx) -> &TraceResult {
        &self.per_variant[self.variants.of_case[case.index()] as usize]
    }
}

/// Aligns every variant of `log` with `net`. `label_of` gives, for each activity of the log (by
/// its `Sym` index), the net label it stands for, or `None` when it maps to none (its events are
/// then always unexpected). `budget` bounds the states searched per variant.
pub fn check(
    log: &EventLog,
    net: &PetriNet,
    label_of: &[Option<String>],
    budget: u64,
) -> Result<CheckResult, AlignError> {
    let aligner = Aligner::new(net, budget);
    let empty_cost = aligner.align(&[])?.cost;
    let idx: Vec<Option<usize>> = label_of.iter().map(|l| l.as_deref().and_then(|l| aligner.label(l))).collect();
    let variants = Variants::of(log);
    let per_variant: Vec<TraceResult> = variants
        .list
        .iter()
        .map(|v| {
            let trace: Vec<Option<usize>> = log.trace(v.example).iter().map(|&a| idx[a.index()]).collect();
            TraceResult { alignment: aligner.align(&trace).ok(), len: trace.len(), tickets: u64::from(v.count) }
        })
        .collect();
    let summary = summarise(net, &per_variant, empty_cost, |v, i| {
        log.activity_name(log.trace(variants.list[v].example)[i]).to_owned()
    });
    Ok(CheckResult { variants, per_variant, empty_cost, summary })
}
