//! Data quality of a checked log: what happened to its rows, which labels and departments map to
//! nothing, and the warnings a figure resting on them must carry.
//!
//! Owns [`DataQuality`] (the `data_quality` section of `check --format json`), [`write_text`]
//! and [`DataQuality::warnings`]. A figure computed on a log whose labels do not map is a figure
//! about the mapping, not the tickets: above [`UNMAPPED_WARNING`] unmapped events, or with any
//! rejected row, `check` warns on standard error and names the fix. O(labels).

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::log::accounting::{Accounting, Reason};
use crate::log::department::UnmappedDept;
use crate::log::mapping::LabelCount;

/// Share of unmapped events above which `check` warns.
pub const UNMAPPED_WARNING: f64 = 0.05;
/// Unmapped labels listed in the text.
const TOP: usize = 5;

/// Rows and labels of a checked log.
#[derive(Debug, Clone, Serialize)]
pub struct DataQuality {
    /// Rows (CSV) or events (XES) read.
    pub rows_read: u64,
    /// Accepted as events.
    pub rows_accepted: u64,
    /// Rejected, all reasons.
    pub rows_rejected: u64,
    /// Left out by an option (`--lifecycle`).
    pub rows_filtered: u64,
    /// Rejected rows by reason.
    pub rejected_by_reason: BTreeMap<Reason, u64>,
    /// Events.
    pub events: u64,
    /// Events whose label maps to no step (`null` for a Petri net, whose labels are the log's).
    pub unmapped_events: Option<u64>,
    /// unmapped / events.
    pub unmapped_share: Option<f64>,
    /// Labels that map to no step, most events first.
    pub unmapped_labels: Vec<LabelCount>,
    /// Department labels that name no role, most events first.
    pub unmapped_departments: Vec<UnmappedDept>,
}

impl DataQuality {
    /// From the read's accounting, the event count and (for a process) the unmapped labels.
    pub fn new(
        accounting: &Accounting,
        events: u64,
        unmapped_labels: Option<Vec<LabelCount>>,
        unmapped_departments: Vec<UnmappedDept>,
    ) -> DataQuality {
        let unmapped_events = unmapped_labels.as_ref().map(|l| l.iter().map(|l| l.events).sum::<u64>());
        #[expect(clippy::cast_precision_loss, reason = "event counts are far below 2^52")]
        let unmapped_share = unmapped_events.filter(|_| events > 0).map(|u| u as f64 / events as f64);
        DataQuality {
            rows_read: accounting.rows_read,
            rows_accepted: accounting.accepted,
            rows_rejected: accounting.rows_rejected(),
            rows_filtered: accounting.filtered,
            rejected_by_reason: accounting.rejected.iter().map(|(r, t)| (*r, t.count)).collect(),
            events,
            unmapped_events,
            unmapped_share,
            unmapped_labels: unmapped_labels.unwrap_or_default(),
            unmapped_departments,
        }
    }

    /// The warnings `check` prints on standard error, each naming its fix; `log_flags` (the
    /// reading flags, `--log FILE ...`) and `process` are as the user gave them.
    pub fn warnings(&self, log_flags: &str, process: &str) -> Vec<String> {
        let mut w = Vec::new();
        if let Some(share) = self.unmapped_share.filter(|&s| s > UNMAPPED_WARNING) {
            w.push(format!(
                "{:.1} % of the events ({} of {}) have labels that map to no step of `{process}`, so the figures describe the labels more than the tickets; \
                 run `flowaudit log suggest-profile {log_flags} --process {process} -o profile.yaml`, review it, and check again with `--mapping profile.yaml`",
                100.0 * share,
                self.unmapped_events.unwrap_or(0),
                self.events
            ));
        }
        if self.rows_rejected > 0 {
            w.push(format!(
                "{} of {} rows were rejected and are in no figure; see which and why with `--rejects rejects.csv`",
                self.rows_rejected, self.rows_read
            ));
        }
        if !self.unmapped_departments.is_empty() {
            let events: u64 = self.unmapped_departments.iter().map(|d| d.events).sum();
            if events * 20 > self.events {
                w.push(format!(
                    "{events} events name departments that are no role of `{process}` (e.g. `{}`); map them under `roles:` in a log profile",
                    self.unmapped_departments[0].label
                ));
            }
        }
        w
    }
}

/// Writes the data-quality lines of the text output.
pub fn write_text(out: &mut impl Write, q: &DataQuality) -> io::Result<()> {
    writeln!(out, "\ndata quality")?;
    writeln!(
        out,
        "  rows               {} read = {} accepted + {} rejected + {} filtered",
        q.rows_read, q.rows_accepted, q.rows_rejected, q.rows_filtered
    )?;
    if let (Some(n), Some(share)) = (q.unmapped_events, q.unmapped_share) {
        writeln!(out, "  unmapped events    {n} of {} ({:.2} %): labels that map to no step", q.events, 100.0 * share)?;
        let shown: Vec<String> =
            q.unmapped_labels.iter().take(TOP).map(|l| format!("{} ({})", l.label, l.events)).collect();
        if !shown.is_empty() {
            let more = if q.unmapped_labels.len() > TOP { ", ..." } else { "" };
            writeln!(out, "                     {}{more}", shown.join(", "))?;
        }
    }
    if !q.unmapped_departments.is_empty() {
        let shown: Vec<String> =
            q.unmapped_departments.iter().take(TOP).map(|d| format!("{} ({})", d.label, d.events)).collect();
        let more = if q.unmapped_departments.len() > TOP { ", ..." } else { "" };
        writeln!(out, "  unmapped depts     {}{more}", shown.join(", "))?;
    }
    Ok(())
}
