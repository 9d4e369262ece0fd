//! Conformance figures from alignments: trace and log fitness, the conformance rate, skipped and
//! unexpected steps, and a readable alignment per ticket.
//!
//! Owns [`TraceResult`], [`Summary`] and [`describe`]. Definitions are those of
//! `docs/metrics.md` (as PM4Py computes them): trace fitness = 1 - cost / (trace length + the cost
//! of aligning the empty trace); log fitness = 1 - sum of costs / sum of those bounds; average
//! trace fitness = their mean; conformance rate = share of tickets with cost 0. A ticket whose
//! alignment was not computed (budget) stays in the ticket count and the rate's denominator and
//! is reported as not computed; it cannot enter the fitness sums, whose count is reported beside
//! them. O(tickets) once each variant is aligned.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::conformance::alignment::{Alignment, Move};
use crate::net::petri::PetriNet;

/// The outcome of one variant (shared by all its tickets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceResult {
    /// The optimal alignment, or `None` when it was not computed.
    pub alignment: Option<Alignment>,
    /// Number of events.
    pub len: usize,
    /// Tickets with this variant.
    pub tickets: u64,
}

impl TraceResult {
    /// Trace fitness given the empty trace's cost, when computed.
    #[expect(clippy::cast_precision_loss, reason = "a ratio of small counts")]
    pub fn fitness(&self, empty_cost: u32) -> Option<f64> {
        let a = self.alignment.as_ref()?;
        let bound = self.len as f64 + f64::from(empty_cost);
        Some(if bound == 0.0 { 1.0 } else { 1.0 - f64::from(a.cost) / bound })
    }
}

/// Log-level figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Tickets.
    pub cases: u64,
    /// Variants.
    pub variants: u64,
    /// Tickets with cost 0.
    pub fitting: u64,
    /// Tickets whose alignment was not computed.
    pub not_computed: u64,
    /// `fitting / cases` (not-computed tickets stay in the denominator).
    pub conformance_rate: f64,
    /// 1 - sum of costs / sum of bounds, over computed tickets.
    pub log_fitness: f64,
    /// Mean trace fitness over computed tickets.
    pub average_trace_fitness: f64,
    /// Model moves of visible transitions, by label (steps skipped), weighted by tickets.
    pub skipped: BTreeMap<String, u64>,
    /// Log moves, by activity (steps the model does not allow there), weighted by tickets.
    pub unexpected: BTreeMap<String, u64>,
}

/// Summarises `results`; `activity` names a trace position's activity of a variant.
#[expect(clippy::cast_precision_loss, reason = "ratios of counts")]
pub fn summarise(
    net: &PetriNet,
    results: &[TraceResult],
    empty_cost: u32,
    mut activity: impl FnMut(usize, usize) -> String,
) -> Summary {
    let (mut cases, mut fitting, mut not_computed) = (0u64, 0u64, 0u64);
    let (mut cost_sum, mut bound_sum, mut fitness_sum, mut computed) = (0f64, 0f64, 0f64, 0u64);
    let mut skipped = BTreeMap::new();
    let mut unexpected = BTreeMap::new();
    for (v, r) in results.iter().enumerate() {
        cases += r.tickets;
        let Some(a) = &r.alignment else {
            not_computed += r.tickets;
            continue;
        };
        let n = r.tickets as f64;
        computed += r.tickets;
        if a.cost == 0 {
            fitting += r.tickets;
        }
        cost_sum += n * f64::from(a.cost);
        bound_sum += n * (r.len as f64 + f64::from(empty_cost));
        fitness_sum += n * r.fitness(empty_cost).unwrap_or(0.0);
        for mv in &a.moves {
            match *mv {
                Move::Model(t) => {
                    if let Some(l) = &net.transition(t).label {
                        *skipped.entry(l.clone()).or_insert(0) += r.tickets;
                    }
                }
                Move::Log(i) => *unexpected.entry(activity(v, i)).or_insert(0) += r.tickets,
                Move::Sync(..) => {}
            }
        }
    }
    let ratio = |a: f64, b: f64| if b == 0.0 { 0.0 } else { a / b };
    Summary {
        cases,
        variants: results.len() as u64,
        fitting,
        not_computed,
        conformance_rate: ratio(fitting as f64, cases as f64),
        log_fitness: if bound_sum == 0.0 { 1.0 } else { 1.0 - cost_sum / bound_sum },
        average_trace_fitness: ratio(fitness_sum, computed as f64),
        skipped,
        unexpected,
    }
}

/// A readable alignment: `receive | record | [skipped: diagnose] | +unexpected: call | reply`.
/// Silent model moves are left out.
pub fn describe(net: &PetriNet, a: &Alignment, activity: impl Fn(usize) -> String) -> String {
    a.moves
        .iter()
        .filter_map(|mv| match *mv {
            Move::Sync(i, _) => Some(activity(i)),
            Move::Model(t) => net.transition(t).label.as_ref().map(|l| format!("[skipped: {l}]")),
            Move::Log(i) => Some(format!("+unexpected: {}", activity(i))),
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

#[cfg(test)]
mod tests {
    use super::{TraceResult, describe, summarise};
    use crate::conformance::alignment::Aligner;
    use crate::net::petri::tests_support::abc;

    /// The golden vector of `docs/metrics.md`.
    #[test]
    fn golden_vector() {
        let net = abc();
        let aligner = Aligner::new(&net, 1_000);
        let empty = aligner.align(&[]).unwrap().cost;
        let traces: Vec<Vec<&str>> = vec![vec!["a", "x", "c"], vec!["a", "b", "c"], vec!["a", "b", "b", "c"]];
        let results: Vec<TraceResult> = traces
            .iter()
            .map(|t| {
                let labels: Vec<_> = t.iter().map(|a| aligner.label(a)).collect();
                TraceResult { alignment: Some(aligner.align(&labels).unwrap()), len: t.len(), tickets: 1 }
            })
            .collect();
        let fits: Vec<f64> = results.iter().map(|r| r.fitness(empty).unwrap()).collect();
        assert!((fits[0] - (1.0 - 2.0 / 6.0)).abs() < 1e-12 && (fits[2] - (1.0 - 1.0 / 7.0)).abs() < 1e-12);
        let s = summarise(&net, &results, empty, |v, i| traces[v][i].to_owned());
        assert!((s.log_fitness - (1.0 - 3.0 / 19.0)).abs() < 1e-12, "{}", s.log_fitness);
        assert!((s.average_trace_fitness - (fits.iter().sum::<f64>() / 3.0)).abs() < 1e-12);
        assert!((s.conformance_rate - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(format!("{:.4} {:.4}", s.log_fitness, s.average_trace_fitness), "0.8421 0.8413");
        assert_eq!((s.skipped["b"], s.unexpected["x"], s.unexpected["b"]), (1, 1, 1));
        let text = describe(&net, results[0].alignment.as_ref().unwrap(), |i| traces[0][i].to_owned());
        assert!(
            text == "a | +unexpected: x | [skipped: b] | c" || text == "a | [skipped: b] | +unexpected: x | c",
            "{text}"
        );
    }

    #[test]
    fn not_computed_tickets_stay_in_the_rate() {
        let net = abc();
        let aligner = Aligner::new(&net, 1_000);
        let ok = aligner.align(&[aligner.label("a"), aligner.label("b"), aligner.label("c")]).unwrap();
        let results = vec![
            TraceResult { alignment: Some(ok), len: 3, tickets: 3 },
            TraceResult { alignment: None, len: 9, tickets: 1 },
        ];
        let s = summarise(&net, &results, 3, |_, _| String::new());
        assert_eq!((s.cases, s.fitting, s.not_computed), (4, 3, 1));
        assert!((s.conformance_rate - 0.75).abs() < 1e-12);
        assert!((s.log_fitness - 1.0).abs() < 1e-12);
    }
}
