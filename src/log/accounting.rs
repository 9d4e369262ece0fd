//! Row accounting: what happened to every row (CSV) or event (XES) of a log.
//!
//! Owns [`Accounting`], [`Reason`] and [`Reject`]. Every row read is accepted, rejected for one
//! [`Reason`] or filtered out by an option the user gave (`--lifecycle`); the identity
//! `rows_read == accepted + rejected + filtered` holds after every read and is tested. Rejections
//! keep their count and the first [`EXAMPLES`] examples per reason; a [`RejectSink`] receives every
//! one of them for `--rejects FILE`. Notes are things that were read but deserve a word (a ticket
//! whose customer changes between rows, a repeated column name).

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;

/// Examples kept per reason.
pub const EXAMPLES: usize = 3;

/// Why a row was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// The ticket (case) id is empty.
    MissingCaseId,
    /// The activity is empty.
    MissingActivity,
    /// The timestamp is empty.
    MissingTimestamp,
    /// The timestamp could not be read.
    BadTimestamp,
    /// The timestamp fits several layouts (day/month order).
    AmbiguousTimestamp,
    /// A naive local time that the time zone skips or repeats.
    LocalTimeGap,
    /// A field longer than the limit (a broken export, an unclosed quote).
    FieldTooLong,
    /// The row has another number of fields than the header.
    WrongFieldCount,
    /// An XES `<event>` directly under `<log>`, outside any `<trace>`: it belongs to no ticket.
    EventOutsideTrace,
}

impl Reason {
    /// Its kebab-case name, as in JSON and the rejects file.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::MissingCaseId => "missing-case-id",
            Reason::MissingActivity => "missing-activity",
            Reason::MissingTimestamp => "missing-timestamp",
            Reason::BadTimestamp => "bad-timestamp",
            Reason::AmbiguousTimestamp => "ambiguous-timestamp",
            Reason::LocalTimeGap => "local-time-gap",
            Reason::FieldTooLong => "field-too-long",
            Reason::WrongFieldCount => "wrong-field-count",
            Reason::EventOutsideTrace => "event-outside-trace",
        }
    }
}

/// Something read that deserves a word, without losing the row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NoteKind {
    /// A ticket-level field (customer, tier, class, channel, business, brand) changes within a ticket;
    /// the first value is kept.
    CaseValueChanged,
    /// The header names a column twice; the first is used.
    RepeatedColumn,
    /// An event without a timestamp (XES).
    Untimed,
    /// Two XES traces share a name; their events form one ticket.
    RepeatedTrace,
    /// A tier that is not 1-5 stars; the event is kept without a tier.
    BadTier,
}

/// One rejected row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reject {
    /// Line in the file (1-based; a CSV record's first line).
    pub line: u64,
    /// Why.
    pub reason: Reason,
    /// The ticket id, when the row has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case: Option<String>,
    /// What exactly was wrong.
    pub detail: String,
    /// The row as read (fields joined by the delimiter; for XES, the event's attributes).
    #[serde(skip)]
    pub row: String,
}

/// Count and first examples of one reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tally<T> {
    /// How many.
    pub count: u64,
    /// The first few.
    pub examples: Vec<T>,
}

impl<T> Default for Tally<T> {
    fn default() -> Self {
        Tally { count: 0, examples: Vec::new() }
    }
}

impl<T> Tally<T> {
    /// Adds a later tally's count and, while room is left, its examples (each fixed by `fix`).
    fn extend(&mut self, from: Tally<T>, mut fix: impl FnMut(&mut T)) {
        self.count += from.count;
        for mut e in from.examples {
            if self.examples.len() < EXAMPLES {
                fix(&mut e);
                self.examples.push(e);
            }
        }
    }

    fn add(&mut self, example: impl FnOnce() -> T) {
        self.count += 1;
        if self.examples.len() < EXAMPLES {
            self.examples.push(example());
        }
    }
}

/// A note's example: where and what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    /// Line in the file (0 when it concerns the whole file).
    pub line: u64,
    /// What.
    pub detail: String,
}

/// What happened to every row of one read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Accounting {
    /// Rows (CSV records after the header, or XES events) read.
    pub rows_read: u64,
    /// Rows that became events.
    pub accepted: u64,
    /// Rows left out by an option the user gave (`--lifecycle`).
    pub filtered: u64,
    /// Rejected rows by reason.
    pub rejected: BTreeMap<Reason, Tally<Reject>>,
    /// Notes by kind.
    pub notes: BTreeMap<NoteKind, Tally<Note>>,
}

/// Receives every rejected row (for `--rejects FILE`).
pub trait RejectSink {
    /// Takes one rejected row.
    fn reject(&mut self, reject: &Reject) -> std::io::Result<()>;
}

/// Discards rejected rows (their counts and examples are still kept).
#[derive(Debug, Default)]
pub struct NoSink;

impl RejectSink for NoSink {
    fn reject(&mut self, _: &Reject) -> std::io::Result<()> {
        Ok(())
    }
}

/// Collects rejected rows in memory: a later part of a split read holds its rejects here until
/// the parts before it have written theirs, so a `--rejects` file keeps file order.
#[derive(Debug, Default)]
pub(crate) struct Held(pub(crate) Vec<Reject>);

impl RejectSink for Held {
    fn reject(&mut self, reject: &Reject) -> std::io::Result<()> {
        self.0.push(reject.clone());
        Ok(())
    }
}

/// Writes rejected rows as CSV: `line,reason,case_id,detail,row`.
#[derive(Debug)]
pub struct CsvRejects<W: Write> {
    out: csv::Writer<W>,
}

impl<W: Write> CsvRejects<W> {
    /// A sink writing to `out`, header first.
    pub fn new(out: W) -> std::io::Result<Self> {
        let mut out = csv::Writer::from_writer(out);
        out.write_record(["line", "reason", "case_id", "detail", "row"])?;
        Ok(CsvRejects { out })
    }

    /// Flushes and returns the writer.
    pub fn finish(self) -> std::io::Result<W> {
        self.out.into_inner().map_err(csv::IntoInnerError::into_error)
    }
}

impl<W: Write> RejectSink for CsvRejects<W> {
    fn reject(&mut self, r: &Reject) -> std::io::Result<()> {
        let line = r.line.to_string();
        self.out.write_record([
            line.as_str(),
            r.reason.as_str(),
            r.case.as_deref().unwrap_or(""),
            &r.detail,
            &r.row,
        ])?;
        Ok(())
    }
}

impl Accounting {
    /// Rejected rows, all reasons.
    pub fn rows_rejected(&self) -> u64 {
        self.rejected.values().map(|t| t.count).sum()
    }

    /// Whether every row read is accounted for.
    pub fn balances(&self) -> bool {
        self.rows_read == self.accepted + self.filtered + self.rows_rejected()
    }

    /// Records a rejected row and hands it to `sink`.
    pub fn reject(&mut self, reject: Reject, sink: &mut dyn RejectSink) -> std::io::Result<()> {
        sink.reject(&reject)?;
        self.rejected.entry(reject.reason).or_default().add(|| reject);
        Ok(())
    }

    /// Records a note; `detail` is only built for the first few.
    pub fn note(&mut self, kind: NoteKind, line: u64, detail: impl FnOnce() -> String) {
        self.notes.entry(kind).or_default().add(|| Note { line, detail: detail() });
    }

    /// Adds the accounting of a later part of the same file (every row of which comes after the
    /// rows counted here), adding `lines` to the line of each of its examples.
    ///
    /// The first [`EXAMPLES`] examples per reason stay the first in file order. O(reasons + kinds).
    pub(crate) fn append(&mut self, other: Accounting, lines: u64) {
        self.rows_read += other.rows_read;
        self.accepted += other.accepted;
        self.filtered += other.filtered;
        for (reason, tally) in other.rejected {
            self.rejected.entry(reason).or_default().extend(tally, |r| r.line += lines);
        }
        for (kind, tally) in other.notes {
            self.notes.entry(kind).or_default().extend(tally, |n| n.line += lines);
        }
    }

    /// The first rejection (lowest line), for `--strict` errors.
    pub fn first_reject(&self) -> Option<&Reject> {
        self.rejected.values().filter_map(|t| t.examples.first()).min_by_key(|r| r.line)
    }
}

#[cfg(test)]
mod tests {
    use super::{Accounting, CsvRejects, NoteKind, Reason, Reject};

    fn reject(line: u64, reason: Reason) -> Reject {
        Reject { line, reason, case: Some("T1".into()), detail: "x".into(), row: "a,b".into() }
    }

    #[test]
    fn counts_all_keeps_first_examples_and_streams_every_reject() {
        let mut acc = Accounting::default();
        let mut sink = CsvRejects::new(Vec::new()).unwrap();
        for line in 2..10 {
            acc.rows_read += 1;
            acc.reject(reject(line, Reason::BadTimestamp), &mut sink).unwrap();
        }
        acc.rows_read += 1;
        acc.accepted += 1;
        assert!(acc.balances());
        assert_eq!(acc.rows_rejected(), 8);
        assert_eq!(acc.rejected[&Reason::BadTimestamp].examples.len(), super::EXAMPLES);
        assert_eq!(acc.first_reject().unwrap().line, 2);
        let text = String::from_utf8(sink.finish().unwrap()).unwrap();
        assert_eq!(text.lines().count(), 9);
        assert_eq!(text.lines().nth(1), Some("2,bad-timestamp,T1,x,\"a,b\""));
        acc.note(NoteKind::Untimed, 3, || "no time".into());
        assert_eq!(acc.notes[&NoteKind::Untimed].count, 1);
    }
}
