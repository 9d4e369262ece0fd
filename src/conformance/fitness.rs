//! Conformance figures from alignments: trace and log fitness, the conformance rate, skipped and
//! unexpected steps (with the allow-listed ones apart), and a readable alignment per ticket.
//!
//! Owns [`TraceResult`], [`Summary`], [`AllowedCounts`] and [`describe`]. Definitions are those of
//! `docs/metrics.md` (as PM4Py computes them): trace fitness = 1 - cost / (trace length + the cost
//! of aligning the empty trace); log fitness = 1 - sum of costs / sum of those bounds; average
//! trace fitness = their mean. The conformance rate is the share of tickets with no deviation
//! once allow-listed deviations are set aside (`docs/conformance.md`); the fitness figures are
//! always the raw alignment figures, allow-list or not. A ticket whose alignment was not computed
//! (budget) stays in the ticket count and the rate's denominator and is reported as not computed;
//! it cannot enter the fitness sums, whose count is reported beside them. O(tickets + moves) once
//! each variant is aligned.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::conformance::alignment::{Alignment, Move};
use crate::conformance::deviation::{Deviation, Marked};
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
    /// Tickets with cost 0 (no deviation at all).
    pub fitting: u64,
    /// Tickets whose alignment was not computed.
    pub not_computed: u64,
    /// `(fitting + allowed.tickets) / cases`: tickets with no deviation once allow-listed ones are
    /// set aside (not-computed tickets stay in the denominator).
    pub conformance_rate: f64,
    /// 1 - sum of costs / sum of bounds, over computed tickets (allow-listed deviations included).
    pub log_fitness: f64,
    /// Mean trace fitness over computed tickets (allow-listed deviations included).
    pub average_trace_fitness: f64,
    /// Model moves of visible transitions, by label (steps skipped), weighted by tickets; the
    /// allow-listed ones included.
    pub skipped: BTreeMap<String, u64>,
    /// Log moves, by activity (steps the model does not allow there), weighted by tickets; the
    /// allow-listed ones included.
    pub unexpected: BTreeMap<String, u64>,
    /// What the allow-list accepted.
    pub allowed: AllowedCounts,
}

/// The part of the deviations an allow-list accepted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AllowedCounts {
    /// Tickets that deviate, all of whose deviations are allow-listed: they count as conforming.
    pub tickets: u64,
    /// Allow-listed skipped steps, by label, weighted by tickets (a part of `skipped`).
    pub skipped: BTreeMap<String, u64>,
    /// Allow-listed unexpected events, by activity, weighted by tickets (a part of `unexpected`).
    pub unexpected: BTreeMap<String, u64>,
}

/// Summarises `results` and their `deviations` (one list per variant, empty when the variant
/// fits or was not computed; see [`crate::conformance::deviation::deviations`]).
#[expect(clippy::cast_precision_loss, reason = "ratios of counts")]
pub fn summarise(results: &[TraceResult], deviations: &[Vec<Marked>], empty_cost: u32) -> Summary {
    let (mut cases, mut fitting, mut not_computed) = (0u64, 0u64, 0u64);
    let (mut cost_sum, mut bound_sum, mut fitness_sum, mut computed) = (0f64, 0f64, 0f64, 0u64);
    let mut skipped = BTreeMap::new();
    let mut unexpected = BTreeMap::new();
    let mut allowed = AllowedCounts::default();
    for (r, devs) in results.iter().zip(deviations) {
        cases += r.tickets;
        let Some(a) = &r.alignment else {
            not_computed += r.tickets;
            continue;
        };
        let n = r.tickets as f64;
        computed += r.tickets;
        if a.cost == 0 {
            fitting += r.tickets;
        } else if devs.iter().all(|d| d.allowed) {
            allowed.tickets += r.tickets;
        }
        cost_sum += n * f64::from(a.cost);
        bound_sum += n * (r.len as f64 + f64::from(empty_cost));
        fitness_sum += n * r.fitness(empty_cost).unwrap_or(0.0);
        for d in devs {
            let (all, part, name) = match &d.deviation {
                Deviation::Skipped(l) => (&mut skipped, &mut allowed.skipped, l),
                Deviation::Unexpected(a) => (&mut unexpected, &mut allowed.unexpected, a),
            };
            *all.entry(name.clone()).or_insert(0) += r.tickets;
            if d.allowed {
                *part.entry(name.clone()).or_insert(0) += r.tickets;
            }
        }
    }
    let ratio = |a: f64, b: f64| if b == 0.0 { 0.0 } else { a / b };
    Summary {
        cases,
        variants: results.len() as u64,
        fitting,
        not_computed,
        conformance_rate: ratio((fitting + allowed.tickets) as f64, cases as f64),
        log_fitness: if bound_sum == 0.0 { 1.0 } else { 1.0 - cost_sum / bound_sum },
        average_trace_fitness: ratio(fitness_sum, computed as f64),
        skipped,
        unexpected,
        allowed,
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
    use crate::conformance::deviation::deviations;
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
        let devs: Vec<_> = results
            .iter()
            .zip(&traces)
            .map(|(r, t)| deviations(&net, r.alignment.as_ref().unwrap(), |i| t[i].to_owned(), |_| false, |_| false))
            .collect();
        let fits: Vec<f64> = results.iter().map(|r| r.fitness(empty).unwrap()).collect();
        assert!((fits[0] - (1.0 - 2.0 / 6.0)).abs() < 1e-12 && (fits[2] - (1.0 - 1.0 / 7.0)).abs() < 1e-12);
        let s = summarise(&results, &devs, empty);
        assert!((s.log_fitness - (1.0 - 3.0 / 19.0)).abs() < 1e-12, "{}", s.log_fitness);
        assert!((s.average_trace_fitness - (fits.iter().sum::<f64>() / 3.0)).abs() < 1e-12);
        assert!((s.conformance_rate - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(format!("{:.4} {:.4}", s.log_fitness, s.average_trace_fitness), "0.8421 0.8413");
        assert_eq!((s.skipped["b"], s.unexpected["x"], s.unexpected["b"]), (1, 1, 1));
        assert_eq!(s.allowed.tickets, 0);
        let text = describe(&net, results[0].alignment.as_ref().unwrap(), |i| traces[0][i].to_owned());
        assert!(
            text == "a | +unexpected: x | [skipped: b] | c" || text == "a | [skipped: b] | +unexpected: x | c",
            "{text}"
        );
    }

    /// Allow-listing every deviation of a ticket makes it conform; allow-listing one of two does
    /// not; the fitness figures do not move.
    #[test]
    fn allow_listed_tickets_conform_and_fitness_stays_raw() {
        let net = abc();
        let aligner = Aligner::new(&net, 1_000);
        let traces: [&[&str]; 3] = [&["a", "c"], &["a", "x", "c"], &["a", "b", "c"]];
        let results: Vec<TraceResult> = traces
            .iter()
            .zip([4, 2, 10])
            .map(|(t, n)| {
                let labels: Vec<_> = t.iter().map(|a| aligner.label(a)).collect();
                TraceResult { alignment: Some(aligner.align(&labels).unwrap()), len: t.len(), tickets: n }
            })
            .collect();
        let devs = |allow_b: bool| -> Vec<_> {
            results
                .iter()
                .zip(&traces)
                .map(|(r, t)| {
                    deviations(
                        &net,
                        r.alignment.as_ref().unwrap(),
                        |i| t[i].to_owned(),
                        |l| allow_b && l == "b",
                        |_| false,
                    )
                })
                .collect()
        };
        let raw = summarise(&results, &devs(false), 3);
        let with = summarise(&results, &devs(true), 3);
        assert!((raw.conformance_rate - 10.0 / 16.0).abs() < 1e-12);
        assert!((with.conformance_rate - 14.0 / 16.0).abs() < 1e-12, "a, c conforms; a, x, c still has x");
        assert_eq!((with.fitting, with.allowed.tickets), (10, 4));
        assert_eq!((with.allowed.skipped["b"], with.skipped["b"]), (6, 6));
        assert!(with.allowed.unexpected.is_empty());
        assert_eq!(with.log_fitness.to_bits(), raw.log_fitness.to_bits());
        assert_eq!(with.average_trace_fitness.to_bits(), raw.average_trace_fitness.to_bits());
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
        let s = summarise(&results, &[Vec::new(), Vec::new()], 3);
        assert_eq!((s.cases, s.fitting, s.not_computed, s.allowed.tickets), (3 + 1, 3, 1, 0));
        assert!((s.conformance_rate - 0.75).abs() < 1e-12);
        assert!((s.log_fitness - 1.0).abs() < 1e-12);
    }
}
