//! Checking a log against a net: every variant aligned once (in parallel), its deviations marked
//! against the allow-list, replayed with tokens as a secondary measure, the figures summarised,
//! per-ticket results on demand.
//!
//! Owns [`check`], [`CheckOptions`], [`Progress`] and [`CheckResult`]. Cost: one alignment and one
//! token replay per variant (see [`crate::conformance::alignment`] and
//! [`crate::conformance::token_replay`]), spread over rayon's threads, plus O(tickets). Results
//! come back in variant order and are summed in that order, so the output does not depend on the
//! number of threads.

use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

/// Fewer variants than this are aligned on the calling thread.
const SEQUENTIAL_BELOW: usize = 32;

use crate::conformance::alignment::{AlignError, Aligner, Alignment, Workspace};
use crate::conformance::allow::Allowed;
use crate::conformance::deviation::{DeviationPattern, Marked, deviations, patterns};
use crate::conformance::direction;
use crate::conformance::fitness::{Summary, TraceResult, summarise};
use crate::conformance::token_replay::{self, Replay, TokenReplaySummary, TokenReplayer};
use crate::log::event_log::{CaseIdx, EventLog};
use crate::log::variants::Variants;
use crate::net::petri::PetriNet;

/// Told how the check advances, from any thread (the command line draws a progress bar with it;
/// the library never draws).
pub trait Progress: Sync {
    /// The check starts on `variants` variants.
    fn start(&self, variants: u64) {
        let _ = variants;
    }
    /// `variants` more variants are done.
    fn advance(&self, variants: u64) {
        let _ = variants;
    }
}

/// No progress reporting.
impl Progress for () {}

/// The default bound on one variant's search memory, in MiB: 1 GiB, so that the two workers of
/// a 2-core machine stay within a few GiB whatever the log.
pub const DEFAULT_MEMORY_LIMIT_MIB: u64 = 1024;

/// How to check.
#[derive(Clone, Copy)]
pub struct CheckOptions<'a> {
    /// Most states one variant's alignment may settle; past it the variant is not computed.
    pub budget: u64,
    /// Longest search per variant, when set; past it the variant is not computed.
    pub time_limit: Option<std::time::Duration>,
    /// Most memory (bytes) one variant's search may hold, when set; past it the variant is not
    /// computed.
    pub memory_limit: Option<u64>,
    /// The accepted deviations of this process, if any.
    pub allowed: Option<&'a Allowed>,
    /// Where to report progress.
    pub progress: &'a dyn Progress,
}

impl CheckOptions<'static> {
    /// A budget, no allow-list, no progress reporting.
    pub fn new(budget: u64) -> Self {
        CheckOptions {
            budget,
            time_limit: None,
            memory_limit: Some(DEFAULT_MEMORY_LIMIT_MIB << 20),
            allowed: None,
            progress: &(),
        }
    }
}

/// The outcome of checking one log.
#[derive(Debug, Clone)]
pub struct CheckResult {
    /// The variants of the log.
    pub variants: Variants,
    /// One result per variant, in the order of `variants.list`.
    pub per_variant: Vec<TraceResult>,
    /// Each variant's deviations (empty when it fits or was not computed), allow-listed ones
    /// marked.
    pub deviations: Vec<Vec<Marked>>,
    /// Each variant's token-based replay.
    pub replays: Vec<Replay>,
    /// The cost of aligning the empty trace (the shortest run's visible steps).
    pub empty_cost: u32,
    /// Log-level figures from the alignments.
    pub summary: Summary,
    /// Deviation patterns, most tickets first.
    pub patterns: Vec<DeviationPattern>,
    /// Log-level token-based replay figures (secondary).
    pub token_replay: TokenReplaySummary,
}

impl CheckResult {
    /// The result of `case`'s variant.
    pub fn of_case(&self, case: CaseIdx) -> &TraceResult {
        &self.per_variant[self.variant_of(case)]
    }

    /// The index of `case`'s variant in `variants.list`.
    pub fn variant_of(&self, case: CaseIdx) -> usize {
        self.variants.of_case[case.index()] as usize
    }

    /// Whether `case` deviates and every deviation is allow-listed (it counts as conforming).
    pub fn conforms_by_allow_list(&self, case: CaseIdx) -> bool {
        let v = self.variant_of(case);
        self.per_variant[v].alignment.as_ref().is_some_and(|a| a.cost > 0)
            && self.deviations[v].iter().all(|d| d.allowed)
    }
}

/// `work` applied to every item, in order, with one [`Workspace`] per worker thread. Workers take
/// the next item as they finish one (hard variants are spread over the cores wherever they sit
/// in the list); a few items run on the calling thread, as starting the pool costs more.
fn for_each_variant<T: Sync, R: Send>(items: &[T], work: impl Fn(&mut Workspace, &T) -> R + Sync) -> Vec<R> {
    if items.len() < SEQUENTIAL_BELOW {
        let mut workspace = Workspace::default();
        return items.iter().map(|v| work(&mut workspace, v)).collect();
    }
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = (0..rayon::current_num_threads())
        .into_par_iter()
        .flat_map_iter(|_| {
            let mut workspace = Workspace::default();
            let mut mine = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                mine.push((i, work(&mut workspace, item)));
            }
            mine
        })
        .collect();
    done.sort_unstable_by_key(|&(i, _)| i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// A variant to align: its trace as label indices, and its alignment when the choice of
/// direction found it already.
type Item<'a> = (&'a crate::log::variants::Variant, &'a [Option<usize>], Option<Alignment>);

/// Aligns and replays every variant of `log` with `net`. `label_of` gives, for each activity of
/// the log (by its `Sym` index), the net label it stands for, or `None` when it maps to none (its
/// events are then always unexpected, and skipped by token replay).
///
/// Errors only when the empty trace cannot be aligned (the net cannot reach its final marking,
/// or the budget is too small for even that); a variant past the budget is reported as not
/// computed.
pub fn check(
    log: &EventLog,
    net: &PetriNet,
    label_of: &[Option<String>],
    options: &CheckOptions<'_>,
) -> Result<CheckResult, AlignError> {
    let mut aligner = Aligner::new(net, options.budget);
    let empty_cost = aligner.align(&[])?.cost;
    let replayer = TokenReplayer::new(net);
    let align_idx: Vec<Option<usize>> = label_of.iter().map(|l| l.as_deref().and_then(|l| aligner.label(l))).collect();
    let replay_idx: Vec<Option<usize>> =
        label_of.iter().map(|l| l.as_deref().and_then(|l| replayer.label(l))).collect();
    let no_allow = Allowed::default();
    let allowed = options.allowed.unwrap_or(&no_allow);
    let variants = Variants::of(log);
    let traces: Vec<Vec<Option<usize>>> =
        variants.list.iter().map(|v| log.trace(v.example).iter().map(|&a| align_idx[a.index()]).collect()).collect();
    aligner.time_limit = options.time_limit;
    aligner.memory_limit = options.memory_limit;
    let choice = direction::choose(net, &mut aligner, &traces);
    if let Some(forward) = choice.forward {
        aligner = forward;
    }
    let mut known: Vec<Option<Alignment>> = vec![None; traces.len()];
    for (i, a) in choice.aligned {
        known[i] = Some(a);
    }
    let aligner = &aligner;
    options.progress.start(variants.list.len() as u64);
    let items: Vec<Item<'_>> =
        variants.list.iter().zip(&traces).zip(known).map(|((v, t), known)| (v, &t[..], known)).collect();
    let one = |workspace: &mut Workspace, (v, trace, known): &Item<'_>| {
        let events = log.trace(v.example);
        let alignment = known.clone().or_else(|| aligner.align_in(workspace, trace).ok());
        let devs = alignment.as_ref().map_or_else(Vec::new, |a| {
            deviations(
                net,
                a,
                |i| log.activity_name(events[i]).to_owned(),
                |l| allowed.skip_allowed(l),
                |i| allowed.unexpected_allowed(label_of[events[i].index()].as_deref()),
            )
        });
        let tokens: Vec<Option<usize>> = events.iter().map(|&a| replay_idx[a.index()]).collect();
        let replay = replayer.replay(&tokens);
        options.progress.advance(1);
        (TraceResult { alignment, len: trace.len(), tickets: u64::from(v.count) }, devs, replay)
    };
    let per = for_each_variant(&items, one);
    let mut per_variant = Vec::with_capacity(per.len());
    let mut devs = Vec::with_capacity(per.len());
    let mut replays = Vec::with_capacity(per.len());
    for (r, d, t) in per {
        per_variant.push(r);
        devs.push(d);
        replays.push(t);
    }
    let summary = summarise(&per_variant, &devs, empty_cost);
    let patterns = patterns(devs.iter().zip(&per_variant).map(|(d, r)| (&d[..], r.tickets)));
    let token_replay = token_replay::summarise(
        &replays,
        |v| per_variant[v].tickets,
        |v| {
            let events = log.trace(variants.list[v].example);
            events
                .iter()
                .filter(|a| replay_idx[a.index()].is_none())
                .map(|&a| log.activity_name(a).to_owned())
                .collect()
        },
    );
    Ok(CheckResult { variants, per_variant, deviations: devs, replays, empty_cost, summary, patterns, token_replay })
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, Ordering};

    use super::{CheckOptions, Progress, check};
    use crate::conformance::allow::Allowed;
    use crate::log::builder::{Extras, LogBuilder, Present};
    use crate::log::event_log::EventLog;
    use crate::log::timestamp::Time;
    use crate::net::petri::tests_support::abc;

    fn log(cases: &[(&str, &str)]) -> EventLog {
        let mut b = LogBuilder::new(Present::default());
        for (case, trace) in cases {
            let c = b.case(case);
            for (i, act) in trace.split(',').enumerate() {
                b.event(c, act, Time(i64::try_from(i).unwrap()), Extras::default());
            }
        }
        b.finish()
    }

    #[derive(Default)]
    struct Count {
        total: AtomicU64,
        done: AtomicU64,
    }

    impl Progress for Count {
        fn start(&self, variants: u64) {
            self.total.store(variants, Ordering::Relaxed);
        }
        fn advance(&self, variants: u64) {
            self.done.fetch_add(variants, Ordering::Relaxed);
        }
    }

    #[test]
    fn checks_variants_once_in_order_with_both_measures() {
        let log = log(&[("1", "a,b,c"), ("2", "a,c"), ("3", "a,b,c"), ("4", "a,x,c"), ("5", "a,c")]);
        let net = abc();
        let label_of: Vec<Option<String>> = log.activities.iter().map(|(_, a)| Some(a.to_owned())).collect();
        let count = Count::default();
        let mut allowed = Allowed::default();
        allowed.skip.insert("b".to_owned());
        let options = CheckOptions {
            budget: 1_000,
            time_limit: None,
            memory_limit: None,
            allowed: Some(&allowed),
            progress: &count,
        };
        let r = check(&log, &net, &label_of, &options).unwrap();
        assert_eq!((count.total.load(Ordering::Relaxed), count.done.load(Ordering::Relaxed)), (3, 3));
        assert_eq!(r.empty_cost, 3);
        assert_eq!((r.summary.cases, r.summary.fitting, r.summary.allowed.tickets), (5, 2, 2));
        assert!((r.summary.conformance_rate - 0.8).abs() < 1e-12);
        let case = |id: &str| log.find_case(id).unwrap();
        assert!(r.conforms_by_allow_list(case("2")) && !r.conforms_by_allow_list(case("4")));
        assert!(!r.conforms_by_allow_list(case("1")), "a fitting ticket needs no allow-list");
        let pats: Vec<_> = r.patterns.iter().map(|p| (p.pattern.as_str(), p.tickets, p.allowed)).collect();
        assert_eq!(pats, [("skipped: b", 2, true), ("skipped: b; +unexpected: x", 1, false)]);
        // Token replay: x is skipped (counted), a, c misses b's token and leaves a's.
        assert_eq!(r.token_replay.ignored_events, 1);
        assert_eq!(r.token_replay.ignored_activities["x"], 1);
        assert_eq!(r.token_replay.fitting_tickets, 2);
        assert!(r.replays[r.variant_of(case("1"))].fits);
        // Without the allow-list the same alignments give the raw rate.
        let raw = check(&log, &net, &label_of, &CheckOptions::new(1_000)).unwrap();
        assert!((raw.summary.conformance_rate - 0.4).abs() < 1e-12);
        assert_eq!(raw.summary.log_fitness.to_bits(), r.summary.log_fitness.to_bits());
    }
}
