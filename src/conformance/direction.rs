//! Which end of the traces the alignment search starts from, chosen per net on a sample.
//!
//! Owns [`choose`]. Both directions give the same optimal costs; the work differs by net. On
//! `BPIC 2012` a backward search settles 1.55 M states against 7.6 M forward (its tickets go wrong
//! near their end); on the travel-permit net of BPI Challenge 2020 (inductive miner infrequent, 144 transitions)
//! forward settles 2.9 M against 4.8 M backward, and 15.0 M against 19.5 M on its long-trace
//! log. So before a log is aligned, a sample of its variants is aligned both ways, each search
//! capped, and the direction that settled fewer states is used for the whole log (backward unless
//! forward settled at most [`FORWARD_SHARE`] of backward's and backward's probes settled at least
//! [`MIN_WORK`] states: below that the log is cheap either way, and the bundled processes' months,
//! whose sample settles about a thousand states, keep the alignments they always had). Both
//! directions find optimal alignments; where several are optimal, which one is reported can
//! depend on the direction, so on a heavy log it can depend on the log as a whole. The sample's alignments in the
//! chosen direction are kept, so only the other direction's probes are extra work: at most
//! `SAMPLE x PROBE_STATES` states, on every core. A log of fewer variants (from [`SHORT_FROM`])
//! samples its shortest traces instead, within its own budget; a forward probe then stops at twice
//! the most states a backward probe needed. Deterministic (state counts do not depend on timing).

use rayon::prelude::*;

use crate::conformance::alignment::{AlignError, Aligner, Alignment, Direction, Workspace};
use crate::net::petri::PetriNet;

/// Variants aligned both ways.
pub const SAMPLE: usize = 24;
/// Most states one probe may settle; a probe past it counts as this many.
pub const PROBE_STATES: u64 = 50_000;
/// Forward is chosen when it settles at most this share of backward's states.
pub const FORWARD_SHARE: f64 = 0.9;
/// Backward's sample must settle at least this many states for forward to be chosen.
pub const MIN_WORK: u64 = 10_000;
/// From this many variants the sample is [`SAMPLE`] variants spread over the log.
pub const PROBE_FROM: usize = 2 * SAMPLE;
/// From this many variants (and below [`PROBE_FROM`]) the sample is the [`SHORT_SAMPLE`]
/// shortest traces, aligned backward within the log's own budget and forward within what
/// backward needed; below it the default is kept without probing.
pub const SHORT_FROM: usize = 8;
/// Traces in the sample of a log with few variants.
pub const SHORT_SAMPLE: usize = 4;

/// The direction chosen and the sample's alignments found in it.
#[derive(Debug)]
pub struct Choice<'n> {
    /// Which end to search from.
    pub direction: Direction,
    /// Alignments of sampled traces in that direction: `(index in traces, alignment)`.
    pub aligned: Vec<(usize, Alignment)>,
    /// The forward aligner the probes used, with the log's bounds, when forward was chosen.
    pub forward: Option<Aligner<'n>>,
}

/// The direction for aligning `traces` (label indices) with `net`, from a sample of them (see
/// [`PROBE_FROM`] and [`SHORT_FROM`]). `backward` is the log's backward aligner: its budget and
/// memory bound are the log's, and it comes back with them (the probes run without its time
/// limit, so that the choice never depends on timing).
pub fn choose<'n>(net: &'n PetriNet, backward: &mut Aligner<'n>, traces: &[Vec<Option<usize>>]) -> Choice<'n> {
    let (budget, time_limit) = (backward.budget, backward.time_limit);
    let n = traces.len();
    let (sample, backward_cap): (Vec<usize>, u64) = if n >= PROBE_FROM {
        ((0..SAMPLE).map(|i| i * n / SAMPLE).collect(), PROBE_STATES)
    } else if n >= SHORT_FROM {
        let mut by_length: Vec<usize> = (0..n).collect();
        by_length.sort_by_key(|&i| (traces[i].len(), i));
        by_length.truncate(SHORT_SAMPLE);
        (by_length, budget)
    } else {
        return Choice { direction: Direction::Backward, aligned: Vec::new(), forward: None };
    };
    let probe = |aligner: &Aligner<'_>| -> Vec<Result<Alignment, AlignError>> {
        sample.par_iter().map_init(Workspace::default, |w, &i| aligner.align_in(w, &traces[i])).collect()
    };
    let settled = |found: &[Result<Alignment, AlignError>], cap: u64| -> u64 {
        found
            .iter()
            .map(|r| match r {
                Ok(a) => a.states.min(cap),
                Err(AlignError::Unreachable) => 0,
                Err(_) => cap,
            })
            .sum()
    };
    (backward.budget, backward.time_limit) = (backward_cap, None);
    let backward_found = probe(backward);
    (backward.budget, backward.time_limit) = (budget, time_limit);
    // On the shortest traces forward stops at twice the most backward needed on one of them:
    // past that it has lost, and counts so.
    let most = backward_found.iter().map(|r| r.as_ref().map_or(backward_cap, |a| a.states)).max().unwrap_or(0);
    let forward_cap = if n >= PROBE_FROM { backward_cap } else { backward_cap.min(most.saturating_mul(2).max(1)) };
    let mut forward = Aligner::with_direction(net, forward_cap, Direction::Forward);
    forward.memory_limit = backward.memory_limit;
    let forward_found = probe(&forward);
    (forward.budget, forward.time_limit) = (budget, time_limit);
    let (backward_states, forward_states) =
        (settled(&backward_found, backward_cap), settled(&forward_found, forward_cap));
    #[expect(clippy::cast_precision_loss, reason = "a ratio of state counts")]
    let forward_wins = backward_states >= MIN_WORK && (forward_states as f64) <= FORWARD_SHARE * backward_states as f64;
    let (direction, found, forward) = if forward_wins {
        (Direction::Forward, forward_found, Some(forward))
    } else {
        (Direction::Backward, backward_found, None)
    };
    let aligned = sample.into_iter().zip(found).filter_map(|(i, r)| r.ok().map(|a| (i, a))).collect();
    Choice { direction, aligned, forward }
}

#[cfg(test)]
mod tests {
    use super::{Direction, PROBE_FROM, SAMPLE, SHORT_FROM, SHORT_SAMPLE, choose};
    use crate::conformance::alignment::Aligner;
    use crate::net::petri::tests_support::abc;

    /// A cheap log keeps the default, and the sample's alignments are the ones the default
    /// search finds; a smaller log samples its shortest traces, a tiny one is not probed.
    #[test]
    fn cheap_logs_keep_the_backward_search_and_reuse_the_sample() {
        let net = abc();
        let mut aligner = Aligner::new(&net, 1_000);
        let words = ["a,b,c", "a,c", "b", "c,b,a", "a,a,b,c", "x,a,b"];
        let traces: Vec<Vec<Option<usize>>> = (0..PROBE_FROM)
            .map(|i| {
                let mut t: Vec<Option<usize>> = words[i % words.len()].split(',').map(|x| aligner.label(x)).collect();
                t.extend(std::iter::repeat_n(aligner.label("c"), i / words.len()));
                t
            })
            .collect();
        let choice = choose(&net, &mut aligner, &traces);
        assert_eq!(choice.direction, Direction::Backward);
        assert_eq!(choice.aligned.len(), SAMPLE);
        for (i, a) in &choice.aligned {
            assert_eq!(a, &aligner.align(&traces[*i]).unwrap());
        }
        assert!(choice.forward.is_none());
        assert_eq!(aligner.budget, 1_000, "the log's budget comes back");
        assert_eq!(choose(&net, &mut aligner, &traces[..PROBE_FROM - 1]).aligned.len(), SHORT_SAMPLE);
        assert!(choose(&net, &mut aligner, &traces[..SHORT_FROM - 1]).aligned.is_empty());
    }
}
