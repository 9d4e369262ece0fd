//! Deviations: what an optimal alignment says a ticket did differently from its process, and the
//! most frequent patterns of them across a log.
//!
//! Owns [`Deviation`], [`Marked`] (a deviation and whether the allow-list accepts it),
//! [`deviations`] and [`DeviationPattern`] with [`patterns`]. A deviation is a visible model move
//! (a step the process needed and the ticket does not show: *skipped*) or a log move (an event the
//! process does not allow where it happened: *unexpected*); silent model moves and synchronous
//! moves are not deviations. A variant's *pattern* is the multiset of its deviations written in
//! one canonical order, so that tickets deviating in the same way are counted together whatever
//! the order of their events. Cost: O(moves) per variant, O(v log v) to rank v patterns.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::conformance::alignment::{Alignment, Move};
use crate::net::petri::PetriNet;

/// One deviation of a ticket from its process.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Deviation {
    /// A visible step the process needed and the ticket does not show, by its net label (for a
    /// process file, the step id).
    Skipped(String),
    /// An event the process does not allow where it happened, by the log's activity label.
    Unexpected(String),
}

impl fmt::Display for Deviation {
    /// `skipped: diagnose` or `+unexpected: 催办`, as in the readable alignments.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Deviation::Skipped(s) => write!(f, "skipped: {s}"),
            Deviation::Unexpected(a) => write!(f, "+unexpected: {a}"),
        }
    }
}

/// A deviation and whether the allow-list accepts it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Marked {
    /// The deviation.
    pub deviation: Deviation,
    /// True when an allow-list entry accepts it.
    pub allowed: bool,
}

/// The deviations of alignment `a`, in move order. `activity(i)` names the log activity of trace
/// position `i`; `skip_allowed(label)` and `unexpected_allowed(i)` say whether the allow-list
/// accepts skipping the step `label` and the event at position `i` where it is.
pub fn deviations(
    net: &PetriNet,
    a: &Alignment,
    activity: impl Fn(usize) -> String,
    skip_allowed: impl Fn(&str) -> bool,
    unexpected_allowed: impl Fn(usize) -> bool,
) -> Vec<Marked> {
    a.moves
        .iter()
        .filter_map(|mv| match *mv {
            Move::Sync(..) => None,
            Move::Model(t) => net
                .transition(t)
                .label
                .as_ref()
                .map(|l| Marked { deviation: Deviation::Skipped(l.clone()), allowed: skip_allowed(l) }),
            Move::Log(i) => {
                Some(Marked { deviation: Deviation::Unexpected(activity(i)), allowed: unexpected_allowed(i) })
            }
        })
        .collect()
}

/// The canonical text of a multiset of deviations: skipped steps first, then unexpected events,
/// each by name, a repeated one written once with its count (`skipped: diagnose (x2)`), joined
/// with `; `. `None` when there is no deviation.
///
/// # Example
/// ```
/// use flowaudit::conformance::deviation::{Deviation, Marked, pattern_of};
/// let m = |d: Deviation| Marked { deviation: d, allowed: false };
/// let devs = [
///     m(Deviation::Unexpected("call".into())),
///     m(Deviation::Skipped("diagnose".into())),
///     m(Deviation::Unexpected("call".into())),
/// ];
/// assert_eq!(pattern_of(&devs).unwrap(), "skipped: diagnose; +unexpected: call (x2)");
/// assert_eq!(pattern_of(&[]), None);
/// ```
pub fn pattern_of(devs: &[Marked]) -> Option<String> {
    let mut counts: BTreeMap<&Deviation, u32> = BTreeMap::new();
    for d in devs {
        *counts.entry(&d.deviation).or_insert(0) += 1;
    }
    let parts: Vec<String> =
        counts.into_iter().map(|(d, n)| if n == 1 { d.to_string() } else { format!("{d} (x{n})") }).collect();
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// How many tickets (and variants) deviate in one way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeviationPattern {
    /// The deviations, as [`pattern_of`] writes them.
    pub pattern: String,
    /// Tickets with exactly these deviations.
    pub tickets: u64,
    /// Variants with exactly these deviations.
    pub variants: u64,
    /// True when the allow-list accepts every deviation of the pattern (its tickets count as
    /// conforming).
    pub allowed: bool,
}

/// The deviation patterns of a log, most tickets first, then by pattern text. `per_variant`
/// yields each variant's deviations with its ticket count; variants without deviations (or not
/// computed, given as an empty list) have no pattern.
pub fn patterns<'a>(per_variant: impl IntoIterator<Item = (&'a [Marked], u64)>) -> Vec<DeviationPattern> {
    let mut by_text: BTreeMap<String, DeviationPattern> = BTreeMap::new();
    for (devs, tickets) in per_variant {
        let Some(pattern) = pattern_of(devs) else { continue };
        let allowed = devs.iter().all(|d| d.allowed);
        let entry =
            by_text.entry(pattern.clone()).or_insert(DeviationPattern { pattern, tickets: 0, variants: 0, allowed });
        entry.tickets += tickets;
        entry.variants += 1;
    }
    let mut out: Vec<DeviationPattern> = by_text.into_values().collect();
    out.sort_by(|a, b| b.tickets.cmp(&a.tickets).then_with(|| a.pattern.cmp(&b.pattern)));
    out
}

#[cfg(test)]
mod tests {
    use super::{Deviation, Marked, deviations, pattern_of, patterns};
    use crate::conformance::alignment::Aligner;
    use crate::net::petri::tests_support::abc;

    fn m(d: Deviation, allowed: bool) -> Marked {
        Marked { deviation: d, allowed }
    }

    #[test]
    fn deviations_of_an_alignment_name_steps_and_activities() {
        let net = abc();
        let aligner = Aligner::new(&net, 1_000);
        let trace = ["a", "x", "c"];
        let labels: Vec<_> = trace.iter().map(|a| aligner.label(a)).collect();
        let a = aligner.align(&labels).unwrap();
        let mut devs = deviations(&net, &a, |i| trace[i].to_owned(), |l| l == "b", |_| false);
        devs.sort();
        assert_eq!(
            devs,
            [m(Deviation::Skipped("b".into()), true), m(Deviation::Unexpected("x".into()), false)],
            "{a:?}"
        );
        let fit = aligner.align(&[aligner.label("a"), aligner.label("b"), aligner.label("c")]).unwrap();
        assert!(deviations(&net, &fit, |_| String::new(), |_| true, |_| true).is_empty());
    }

    #[test]
    fn patterns_ignore_event_order_and_rank_by_tickets() {
        let s = |x: &str| Deviation::Skipped(x.into());
        let u = |x: &str| Deviation::Unexpected(x.into());
        let v1 = vec![m(u("call"), false), m(s("diagnose"), true)];
        let v2 = vec![m(s("diagnose"), true), m(u("call"), false)];
        let v3 = [m(s("diagnose"), true)];
        let v4 = [m(s("close"), false), m(s("close"), false)];
        let fit: Vec<Marked> = Vec::new();
        let ranked = patterns([(&v1[..], 2), (&v2[..], 3), (&v3[..], 5), (&v4[..], 5), (&fit[..], 100)]);
        let rows: Vec<_> = ranked.iter().map(|p| (p.pattern.as_str(), p.tickets, p.variants, p.allowed)).collect();
        assert_eq!(
            rows,
            [
                ("skipped: close (x2)", 5, 1, false),
                ("skipped: diagnose", 5, 1, true),
                ("skipped: diagnose; +unexpected: call", 5, 2, false),
            ]
        );
        assert_eq!(pattern_of(&v1), pattern_of(&v2));
    }
}
