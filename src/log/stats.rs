//! What a log holds, in figures: the data behind `flowaudit log stats`.
//!
//! Owns [`LogStats`]. Everything is sorted (counts descending, then label) so the same log gives
//! the same figures byte for byte. O(events) plus the variant grouping.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::log::accounting::{Note, NoteKind, Reason, Reject, Tally};
use crate::log::event_log::EventLog;
use crate::log::mapping::MappingSummary;
use crate::log::read::{ReadLog, Source};
use crate::log::variants::Variants;

/// How many variants the summary lists.
pub const TOP_VARIANTS: usize = 10;

/// An activity and how often it occurs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActivityCount {
    /// The log's label.
    pub activity: String,
    /// Events with it.
    pub events: u64,
    /// Cases with at least one.
    pub cases: u64,
}

/// One of the most frequent variants.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VariantSummary {
    /// Cases with this sequence.
    pub cases: u32,
    /// Share of all cases, in percent.
    pub percent: f64,
    /// The activity sequence.
    pub activities: Vec<String>,
}

/// Smallest, median, mean and largest number of events per case.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Spread {
    /// Smallest.
    pub min: u64,
    /// Median (the lower one for an even count).
    pub median: u64,
    /// Mean.
    pub mean: f64,
    /// Largest.
    pub max: u64,
}

/// The figures of one log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogStats {
    /// The file.
    pub file: String,
    /// `csv` or `xes`.
    pub format: &'static str,
    /// Cases (tickets).
    pub cases: u64,
    /// Events.
    pub events: u64,
    /// Distinct activity sequences.
    pub variants: u64,
    /// Rows (CSV records after the header, or XES events) read.
    pub rows_read: u64,
    /// Rows rejected.
    pub rows_rejected: u64,
    /// Rows left out by `--lifecycle`.
    pub rows_filtered: u64,
    /// Rejections by reason, with the first examples.
    pub rejected: BTreeMap<Reason, Tally<Reject>>,
    /// Notes by kind, with the first examples.
    pub notes: BTreeMap<NoteKind, Tally<Note>>,
    /// First and last timestamp (RFC 3339, UTC).
    pub first_event: Option<String>,
    /// Last timestamp.
    pub last_event: Option<String>,
    /// Events without a timestamp.
    pub untimed_events: u64,
    /// Events per case.
    pub events_per_case: Option<Spread>,
    /// Distinct activities.
    pub activity_count: u64,
    /// Every activity, most frequent first.
    pub activities: Vec<ActivityCount>,
    /// The most frequent variants.
    pub top_variants: Vec<VariantSummary>,
    /// How the input was used, field to CSV column name or XES attribute key.
    pub columns: BTreeMap<&'static str, String>,
    /// How the labels map onto a process, when one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mapping: Option<MappingSummary>,
}

fn activity_counts(log: &EventLog) -> Vec<ActivityCount> {
    let n = log.activities.len();
    let mut events = vec![0u64; n];
    let mut cases = vec![0u64; n];
    let mut last_case = vec![u32::MAX; n];
    for case in log.case_indices() {
        for &a in log.trace(case) {
            events[a.index()] += 1;
            if last_case[a.index()] != case.0 {
                last_case[a.index()] = case.0;
                cases[a.index()] += 1;
            }
        }
    }
    let mut out: Vec<ActivityCount> = log
        .activities
        .iter()
        .map(|(s, name)| ActivityCount {
            activity: name.to_owned(),
            events: events[s.index()],
            cases: cases[s.index()],
        })
        .collect();
    out.sort_by(|a, b| b.events.cmp(&a.events).then_with(|| a.activity.cmp(&b.activity)));
    out
}

fn spread(log: &EventLog) -> Option<Spread> {
    let mut lens: Vec<u64> = log.case_indices().map(|c| log.events_of(c).len() as u64).collect();
    if lens.is_empty() {
        return None;
    }
    lens.sort_unstable();
    #[expect(clippy::cast_precision_loss, reason = "a mean for display")]
    let mean = lens.iter().sum::<u64>() as f64 / lens.len() as f64;
    Some(Spread { min: lens[0], median: lens[(lens.len() - 1) / 2], mean, max: lens[lens.len() - 1] })
}

impl LogStats {
    /// The figures of `read`, whose file is `file`, with its `variants`.
    pub fn of(file: &str, read: &ReadLog, variants: &Variants) -> LogStats {
        let log = &read.log;
        let acc = &read.accounting;
        let cases = log.case_count() as u64;
        #[expect(clippy::cast_precision_loss, reason = "a share for display")]
        let percent = |n: u32| if cases == 0 { 0.0 } else { (f64::from(n) * 1000.0 / cases as f64).round() / 10.0 };
        let top_variants = variants
            .list
            .iter()
            .take(TOP_VARIANTS)
            .map(|v| VariantSummary {
                cases: v.count,
                percent: percent(v.count),
                activities: log.trace(v.example).iter().map(|&a| log.activity_name(a).to_owned()).collect(),
            })
            .collect();
        let span = log.time_span();
        let (format, columns) = match &read.source {
            Source::Csv(info) => ("csv", info.columns.iter().cloned().collect()),
            Source::Xes(info) => ("xes", info.keys.iter().cloned().collect()),
            Source::Made => ("made", std::collections::BTreeMap::new()),
        };
        LogStats {
            file: file.to_owned(),
            format,
            cases,
            events: log.event_count() as u64,
            variants: variants.len() as u64,
            rows_read: acc.rows_read,
            rows_rejected: acc.rows_rejected(),
            rows_filtered: acc.filtered,
            rejected: acc.rejected.clone(),
            notes: acc.notes.clone(),
            first_event: span.map(|s| s.0.to_string()),
            last_event: span.map(|s| s.1.to_string()),
            untimed_events: log.time.iter().filter(|t| !t.is_some()).count() as u64,
            events_per_case: spread(log),
            activity_count: log.activities.len() as u64,
            activities: activity_counts(log),
            top_variants,
            columns,
            mapping: None,
        }
    }
}
