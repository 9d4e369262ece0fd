//! Activity mapping: which process step each of a log's activity labels means.
//!
//! Owns [`ActivityMapping`]. A label maps to a step when it is one of the step's labels (id,
//! English name, Chinese name, aliases) or when a log profile maps it explicitly; matching is
//! exact first, then ignoring case and repeated spaces. Labels that map to nothing are listed with
//! their counts: later stages treat them as deviations, never as errors. O(labels x step labels).

use serde::Serialize;

use crate::log::event_log::EventLog;
use crate::log::profile::LabelMapping;
use crate::model::decode::did_you_mean;
use crate::model::diagnostic::{Code, Diagnostic};
use crate::model::process::{Process, StepId};

/// The step of every activity label of one log, for one process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityMapping {
    /// The step of each activity (indexed by the activity's `Sym`), `None` when unmapped.
    pub step_of: Vec<Option<StepId>>,
}

/// A label and its event count, with the step it maps to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LabelCount {
    /// The log's label.
    pub label: String,
    /// The step id, when mapped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    /// Events with this label.
    pub events: u64,
}

/// How a log's labels map onto a process: the figures `log stats --process` shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MappingSummary {
    /// The process id.
    pub process: String,
    /// Events whose label maps to a step.
    pub mapped_events: u64,
    /// Events whose label maps to nothing.
    pub unmapped_events: u64,
    /// Mapped labels, most frequent first.
    pub mapped: Vec<LabelCount>,
    /// Unmapped labels, most frequent first.
    pub unmapped: Vec<LabelCount>,
    /// Steps no event maps to, in process order.
    pub steps_not_seen: Vec<String>,
}

/// The activity id of each log activity (by `Sym` index) that the department view and the
/// bottlenecks count by: its step's index when it maps to one, else the number of steps plus the
/// activity's `Sym` index (so an unmapped label is an activity of its own).
pub fn activity_ids(step_of: &[Option<StepId>], steps: usize) -> Vec<u32> {
    let u32_of = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
    step_of.iter().enumerate().map(|(a, s)| s.map_or(u32_of(steps + a), |s| s.0)).collect()
}

/// `s` with case and repeated spaces ignored: the second, looser way a label matches.
fn loose(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Labels that name things of type `T` (steps, roles), matched in one order: a profile's explicit
/// labels, then the model's own labels exactly, then either ignoring case and repeated spaces.
/// Loose forms are computed once, not per comparison: each log label meets every model label.
#[derive(Debug, Clone)]
pub struct LabelIndex<T> {
    exact: Vec<(String, T)>,
    loose: Vec<(String, T)>,
}

impl<T: Copy> LabelIndex<T> {
    /// An index of `explicit` labels (a profile's, tried first) and the model's `labels`.
    pub fn new(explicit: Vec<(String, T)>, labels: Vec<(String, T)>) -> Self {
        let exact: Vec<(String, T)> = explicit.into_iter().chain(labels).collect();
        let loose = exact.iter().map(|(l, t)| (loose(l), *t)).collect();
        LabelIndex { exact, loose }
    }

    /// What `label` (trimmed) names, if anything. O(labels).
    pub fn find(&self, label: &str) -> Option<T> {
        let label = label.trim();
        self.exact.iter().find(|(l, _)| l == label).map(|&(_, t)| t).or_else(|| {
            let want = loose(label);
            self.loose.iter().find(|(l, _)| *l == want).map(|&(_, t)| t)
        })
    }
}

/// The profile entries `explicit` whose target `resolve` knows, or a located error for each that
/// names a `noun` the process lacks (`ids` lists the process's ones for the hint).
pub fn resolve_explicit<T>(
    explicit: &[LabelMapping],
    resolve: impl Fn(&str) -> Option<T>,
    ids: &[&str],
    noun: &str,
    process: &str,
    profile_file: &str,
) -> Result<Vec<(String, T)>, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut fixed = Vec::new();
    for m in explicit {
        if let Some(t) = resolve(&m.step.value) {
            fixed.push((m.label.value.clone(), t));
            continue;
        }
        let help = did_you_mean(&m.step.value, ids.iter().copied()).map_or_else(
            || format!("the {noun}s of `{process}` are: {}", ids.join(", ")),
            |s| format!("did you mean `{s}`?"),
        );
        errors.push(
            Diagnostic::error(
                Code::UnknownReference,
                profile_file,
                Some(m.step.span),
                format!(
                    "`{}` maps to {noun} `{}`, which process `{process}` does not have",
                    m.label.value, m.step.value
                ),
            )
            .with_help(help),
        );
    }
    if errors.is_empty() { Ok(fixed) } else { Err(errors) }
}

impl ActivityMapping {
    /// Maps the labels of `log` onto `process`, with the profile's `explicit` mappings first.
    ///
    /// An explicit mapping to a step the process does not have is an error, located in the profile.
    pub fn new(
        log: &EventLog,
        process: &Process,
        explicit: &[LabelMapping],
        profile_file: &str,
    ) -> Result<ActivityMapping, Vec<Diagnostic>> {
        let ids: Vec<&str> = process.steps.iter().map(|s| s.id.as_str()).collect();
        let fixed = resolve_explicit(explicit, |id| process.step_id(id), &ids, "step", &process.id, profile_file)?;
        let mut labels: Vec<(String, StepId)> = Vec::new();
        for (i, step) in process.steps.iter().enumerate() {
            let id = StepId(u32::try_from(i).unwrap_or(u32::MAX));
            labels.extend(step.labels().map(|l| (l.to_owned(), id)));
        }
        let index = LabelIndex::new(fixed, labels);
        Ok(ActivityMapping { step_of: log.activities.iter().map(|(_, label)| index.find(label)).collect() })
    }

    /// The figures of this mapping over `log`.
    pub fn summary(&self, log: &EventLog, process: &Process) -> MappingSummary {
        let mut events = vec![0u64; log.activities.len()];
        for &a in &log.activity {
            events[a.index()] += 1;
        }
        let mut seen = vec![false; process.steps.len()];
        let (mut mapped, mut unmapped) = (Vec::new(), Vec::new());
        for (sym, label) in log.activities.iter() {
            let step = self.step_of[sym.index()];
            let lc = LabelCount {
                label: label.to_owned(),
                step: step.map(|s| process.step(s).id.clone()),
                events: events[sym.index()],
            };
            if let Some(s) = step {
                seen[s.0 as usize] = true;
                mapped.push(lc);
            } else {
                unmapped.push(lc);
            }
        }
        let order = |a: &LabelCount, b: &LabelCount| b.events.cmp(&a.events).then_with(|| a.label.cmp(&b.label));
        mapped.sort_by(order);
        unmapped.sort_by(order);
        MappingSummary {
            process: process.id.clone(),
            mapped_events: mapped.iter().map(|l| l.events).sum(),
            unmapped_events: unmapped.iter().map(|l| l.events).sum(),
            mapped,
            unmapped,
            steps_not_seen: process
                .steps
                .iter()
                .zip(&seen)
                .filter(|(_, s)| !**s)
                .map(|(st, _)| st.id.clone())
                .collect(),
        }
    }
}
