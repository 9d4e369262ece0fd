//! The streaming CSV reader: one reused record, fields checked and interned as they pass, every
//! row accounted for.
//!
//! Owns [`read_csv`] and the row rules. A row becomes an event when it has the header's number of
//! fields, a ticket id, an activity and a readable timestamp; otherwise it is rejected with its
//! line and reason. Ticket-level fields (customer, tier, class, channel, business, brand) keep a ticket's
//! first non-empty value, and a later different value is noted. Cost: O(bytes) with one hash lookup
//! per activity and per new ticket id; memory is the [`EventLog`] plus one record.

use std::io::BufRead;
use std::path::Path;

use crate::log::accounting::{Accounting, NoteKind, Reason, Reject, RejectSink};
use crate::log::builder::{CaseField, Extras, LogBuilder, MAX_EVENTS, Present};
use crate::log::columns::Columns;
use crate::log::csv_split;
use crate::log::error::LogError;
use crate::log::event_log::{CaseIdx, EventLog};
use crate::log::input;
use crate::log::options::{Encoding, ReadOptions};
use crate::log::timestamp::{TimeError, TimeParser};

/// The longest field flowaudit takes (64 KiB); longer ones are a broken export or an unclosed quote.
pub const MAX_FIELD: usize = 64 * 1024;

/// How a CSV was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvInfo {
    /// The delimiter used.
    pub delimiter: u8,
    /// The encoding used.
    pub encoding: Encoding,
    /// Each field read and the header name of its column.
    pub columns: Vec<(&'static str, String)>,
}

/// Picks the delimiter that occurs most often (outside quotes) in the header line; `,` on a tie.
pub fn sniff_delimiter(head: &[u8]) -> u8 {
    let line = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let mut counts = [0usize; 4];
    let candidates = [b',', b';', b'\t', b'|'];
    let mut quoted = false;
    for &b in line {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted && let Some(i) = candidates.iter().position(|&c| c == b) {
            counts[i] += 1;
        }
    }
    let best = (0..4).rev().max_by_key(|&i| (counts[i], usize::from(i == 0))).unwrap_or(0);
    if counts[best] == 0 { b',' } else { candidates[best] }
}

/// Reads a star tier: `1`-`5`, `3星`, `3 stars`, `★★★`, `三星`.
pub fn parse_tier(text: &str) -> Option<u8> {
    let t = text.trim();
    let stars = t.chars().filter(|&c| c == '★').count();
    if stars > 0 && t.chars().all(|c| c == '★' || c == '☆') {
        return u8::try_from(stars).ok().filter(|s| (1..=5).contains(s));
    }
    let head = t
        .trim_end_matches("星级")
        .trim_end_matches('星')
        .trim_end_matches("stars")
        .trim_end_matches("star")
        .trim_end_matches(['-', ' ']);
    let n = match head {
        "一" => 1,
        "二" => 2,
        "三" => 3,
        "四" => 4,
        "五" => 5,
        d => d.parse::<u8>().ok()?,
    };
    (1..=5).contains(&n).then_some(n)
}

/// The reject reason of a timestamp that could not be read (shared with the XES reader).
pub(crate) fn reason_of(e: &TimeError) -> Reason {
    match e {
        TimeError::Empty => Reason::MissingTimestamp,
        TimeError::Ambiguous(..) => Reason::AmbiguousTimestamp,
        TimeError::RepeatedLocalTime(..) | TimeError::SkippedLocalTime(..) => Reason::LocalTimeGap,
        TimeError::Unrecognised(_) | TimeError::OutOfRange(_) => Reason::BadTimestamp,
    }
}

struct Row<'r> {
    rec: &'r csv::ByteRecord,
    /// The record's fields, concatenated, checked as UTF-8 once.
    text: &'r str,
    line: u64,
    path: &'r Path,
    header: &'r [String],
}

/// Trims ASCII whitespace, and Unicode whitespace (such as U+3000) only when an end is not ASCII.
fn trim(s: &str) -> &str {
    let t = s.trim_ascii();
    let wide = |c: Option<char>| c.is_some_and(|c| !c.is_ascii() && c.is_whitespace());
    if wide(t.chars().next()) || wide(t.chars().next_back()) { t.trim() } else { t }
}

impl<'r> Row<'r> {
    /// The row of `rec`, checked as UTF-8 in one pass over its bytes.
    fn new(rec: &'r csv::ByteRecord, line: u64, path: &'r Path, header: &'r [String]) -> Result<Self, LogError> {
        if let Ok(text) = simdutf8::basic::from_utf8(rec.as_slice()) {
            Ok(Row { rec, text, line, path, header })
        } else {
            let bad = (0..rec.len()).find(|&i| std::str::from_utf8(&rec[i]).is_err()).unwrap_or(0);
            Err(not_utf8(path, line, header, rec, bad))
        }
    }

    /// Field `i`, trimmed (empty when the row is short).
    fn text(&self, i: usize) -> Result<&'r str, LogError> {
        let Some(r) = self.rec.range(i) else { return Ok("") };
        if self.text.is_char_boundary(r.start) && self.text.is_char_boundary(r.end) {
            Ok(trim(&self.text[r]))
        } else {
            Err(not_utf8(self.path, self.line, self.header, self.rec, i))
        }
    }

    fn opt(&self, i: Option<usize>) -> Result<Option<&'r str>, LogError> {
        i.map(|i| self.text(i)).transpose()
    }

    fn raw(&self, delimiter: u8) -> String {
        let d = char::from(delimiter).to_string();
        self.rec.iter().map(String::from_utf8_lossy).collect::<Vec<_>>().join(&d)
    }
}

fn not_utf8(path: &Path, line: u64, header: &[String], rec: &csv::ByteRecord, i: usize) -> LogError {
    LogError::NotUtf8 {
        path: path.to_path_buf(),
        line,
        column: if header.is_empty() {
            format!("{} of the header line", i + 1)
        } else {
            header.get(i).cloned().unwrap_or_else(|| format!("{}", i + 1))
        },
        byte: std::str::from_utf8(&rec[i]).err().map_or(0, |e| e.valid_up_to()),
    }
}

/// Reads the CSV log at `path`, handing every rejected row to `sink`.
///
/// O(bytes) time; memory is the resulting log plus one record. Errors stop the read only when
/// the file cannot be read at all (I/O, no header, a needed column missing, text not in the
/// encoding); unusable rows are rejected and counted.
pub fn read_csv(
    path: &Path,
    opts: &ReadOptions,
    sink: &mut dyn RejectSink,
) -> Result<(EventLog, Accounting, CsvInfo), LogError> {
    let mut text = input::open_text(path, opts.encoding)?;
    let size = if input::is_gzip(path)? { None } else { std::fs::metadata(path).ok().map(|m| m.len()) };
    let mut split = None;
    if let Some(size) = size
        && size >= csv_split::MIN_SPLIT_BYTES
        && opts.encoding == Encoding::Utf8
    {
        let mut head = [0u8; 3];
        let n = std::fs::File::open(path).and_then(|mut f| std::io::Read::read(&mut f, &mut head)).unwrap_or(0);
        let skip = if n == 3 && head == *b"\xef\xbb\xbf" { 3 } else { 0 };
        let utf16 = n >= 2 && (head[..2] == [0xff, 0xfe] || head[..2] == [0xfe, 0xff]);
        if !utf16 && let Some(cut) = csv_split::cut_point(path, size)? {
            split = Some((size, skip, cut));
        }
    }
    text.fill_buf().map_err(|e| LogError::io(path, e))?;
    read_csv_inner(path, text, size, split, opts, sink)
}

/// Reads a CSV log from `text` (already UTF-8); `path` names it in messages and `size`, when known,
/// sizes the columns up front.
pub fn read_csv_from(
    path: &Path,
    text: impl BufRead,
    size: Option<u64>,
    opts: &ReadOptions,
    sink: &mut dyn RejectSink,
) -> Result<(EventLog, Accounting, CsvInfo), LogError> {
    read_csv_inner(path, text, size, None, opts, sink)
}

/// [`read_csv_from`], reading the rows in two halves when `split` gives the file's size, the
/// bytes before the text stream (a byte-order mark) and where to cut.
pub(crate) fn read_csv_inner(
    path: &Path,
    mut text: impl BufRead,
    size: Option<u64>,
    split: Option<(u64, u64, u64)>,
    opts: &ReadOptions,
    sink: &mut dyn RejectSink,
) -> Result<(EventLog, Accounting, CsvInfo), LogError> {
    let delimiter = match opts.delimiter {
        Some(d) => d,
        None => sniff_delimiter(text.fill_buf().map_err(|e| csv_io(path, 1, &e))?),
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(64 * 1024)
        .from_reader(text);
    let mut rec = csv::ByteRecord::new();
    if !reader.read_byte_record(&mut rec).map_err(|e| csv_error(path, &e))? {
        return Err(LogError::Empty { path: path.to_path_buf() });
    }
    let header_row = Row::new(&rec, 1, path, &[])?;
    let header: Vec<String> =
        (0..rec.len()).map(|i| header_row.text(i).map(str::to_owned)).collect::<Result<_, _>>()?;
    let mut acc = Accounting::default();
    let (cols, info, present) = resolve_columns(path, &header, delimiter, opts, &mut acc)?;
    let mut b = LogBuilder::new(present);
    if let Some(split) = split {
        csv_split::read_split(
            path,
            &mut reader,
            &header,
            &cols,
            present,
            opts,
            delimiter,
            split,
            &mut b,
            &mut acc,
            sink,
        )?;
    } else {
        let mut part = Part::new(path, &header, &cols, delimiter, opts);
        part.read_rows(&mut reader, &mut rec, &mut b, &mut acc, sink, Rows { stop_at: None, size })?;
    }
    Ok((b.finish(), acc, info))
}

/// The columns of `header`, how they are reported, and which optional fields they give.
fn resolve_columns(
    path: &Path,
    header: &[String],
    delimiter: u8,
    opts: &ReadOptions,
    acc: &mut Accounting,
) -> Result<(Columns, CsvInfo, Present), LogError> {
    let cols = Columns::resolve(path, header, &opts.columns, acc)?;
    let info = CsvInfo {
        delimiter,
        encoding: opts.encoding,
        columns: cols.used().into_iter().map(|(f, i)| (f, header[i].clone())).collect(),
    };
    let present = Present {
        role: cols.role.is_some(),
        resource: cols.resource.is_some(),
        lifecycle: cols.lifecycle.is_some(),
        customer: cols.customer.is_some(),
        tier: cols.tier.is_some(),
        class: cols.class.is_some(),
        channel: cols.channel.is_some(),
        business: cols.business.is_some(),
        brand: cols.brand.is_some(),
    };
    Ok((cols, info, present))
}

/// Where a run of rows ends and how big the whole file is.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rows {
    /// Stop before the record that starts at or after this byte of the stream.
    pub stop_at: Option<u64>,
    /// The file's size, to size the columns.
    pub size: Option<u64>,
}

/// Everything the row rules need, shared by the parts of a file read in parallel.
pub(crate) struct Part<'a> {
    path: &'a Path,
    header: &'a [String],
    cols: &'a Columns,
    used: Vec<(&'static str, usize)>,
    delimiter: u8,
    times: TimeParser,
    lifecycle: Option<String>,
    memo: CaseMemo,
}

impl<'a> Part<'a> {
    pub(crate) fn new(
        path: &'a Path,
        header: &'a [String],
        cols: &'a Columns,
        delimiter: u8,
        opts: &ReadOptions,
    ) -> Self {
        Part {
            path,
            header,
            cols,
            used: cols.used(),
            delimiter,
            times: TimeParser::new(opts.zone, opts.timestamp_format.clone()),
            lifecycle: opts.lifecycle.as_deref().map(str::to_lowercase),
            memo: CaseMemo::default(),
        }
    }

    /// Reads records until the end (or `rows.stop_at`), accepting, rejecting or filtering each.
    /// Returns whether the stream ended (rather than stopping at `stop_at`).
    pub(crate) fn read_rows<R: std::io::Read>(
        &mut self,
        reader: &mut csv::Reader<R>,
        rec: &mut csv::ByteRecord,
        b: &mut LogBuilder,
        acc: &mut Accounting,
        sink: &mut dyn RejectSink,
        rows: Rows,
    ) -> Result<bool, LogError> {
        let mut reserved = false;
        loop {
            if rows.stop_at.is_some_and(|stop| reader.position().byte() >= stop) {
                return Ok(false);
            }
            match reader.read_byte_record(rec) {
                Ok(true) => {}
                Ok(false) => return Ok(true),
                Err(e) => return Err(csv_error(self.path, &e)),
            }
            let (line, byte) = rec.position().map_or((0, 0), |p| (p.line(), p.byte()));
            acc.rows_read += 1;
            if !reserved && acc.rows_read.is_multiple_of(4096) {
                // Size the columns once from the bytes per row so far: fewer reallocations.
                if let Some(size) = rows.size {
                    let per_row = (byte / acc.rows_read).max(1);
                    let end = rows.stop_at.unwrap_or(size).min(size);
                    b.reserve(usize::try_from(end.saturating_sub(byte) / per_row).unwrap_or(0) + 1024);
                }
                reserved = true;
            }
            let spans = reader.position().line().saturating_sub(line);
            self.one(rec, line, spans, b, acc, sink)?;
        }
    }

    fn one(
        &mut self,
        rec: &csv::ByteRecord,
        line: u64,
        spans: u64,
        b: &mut LogBuilder,
        acc: &mut Accounting,
        sink: &mut dyn RejectSink,
    ) -> Result<(), LogError> {
        let (cols, header, delimiter) = (self.cols, self.header, self.delimiter);
        let row = Row::new(rec, line, self.path, header)?;
        let mut reject = |reason: Reason, case: Option<&str>, detail: String| {
            let r = Reject { line, reason, case: case.map(str::to_owned), detail, row: row.raw(delimiter) };
            acc.reject(r, sink).map_err(|e| LogError::io("the rejects file", e))
        };
        if rec.len() != header.len() {
            let hint = if spans > 1 { "; a quote opened on this line may not be closed" } else { "" };
            let detail = format!("{} fields where the header has {}{hint}", rec.len(), header.len());
            return reject(Reason::WrongFieldCount, None, detail);
        }
        if let Some(&(name, i)) = self.used.iter().find(|&&(_, i)| rec[i].len() > MAX_FIELD) {
            let detail = format!("the {name} field is {} bytes long (at most {MAX_FIELD})", rec[i].len());
            return reject(Reason::FieldTooLong, None, detail);
        }
        let case_id = row.text(cols.case)?;
        if case_id.is_empty() {
            return reject(
                Reason::MissingCaseId,
                None,
                format!("the ticket id (column `{}`) is empty", header[cols.case]),
            );
        }
        let activity = row.text(cols.activity)?;
        if activity.is_empty() {
            let detail = format!("the activity (column `{}`) is empty", header[cols.activity]);
            return reject(Reason::MissingActivity, Some(case_id), detail);
        }
        let time = match self.times.parse(row.text(cols.timestamp)?) {
            Ok(t) => t,
            Err(e) => return reject(reason_of(&e), Some(case_id), e.to_string()),
        };
        let lifecycle_value = row.opt(cols.lifecycle)?;
        if let (Some(want), Some(have)) = (&self.lifecycle, lifecycle_value)
            && have.to_lowercase() != *want
        {
            acc.filtered += 1;
            return Ok(());
        }
        if b.event_count() >= MAX_EVENTS {
            return Err(LogError::TooLarge { path: self.path.to_path_buf(), line, max: MAX_EVENTS });
        }
        let case = b.case(case_id);
        let extras =
            Extras { role: row.opt(cols.role)?, resource: row.opt(cols.resource)?, lifecycle: lifecycle_value };
        b.event(case, activity, time, extras);
        acc.accepted += 1;
        if cols.has_case_fields() && !self.memo.unchanged(case, rec, cols) {
            case_fields(b, acc, &row, cols, case, case_id)?;
        }
        Ok(())
    }
}

/// The ticket-level fields of the previous row: a row of the same ticket with the same values
/// needs no work (most rows of an export repeat them).
#[derive(Default)]
struct CaseMemo {
    case: Option<CaseIdx>,
    values: [Vec<u8>; 6],
}

impl CaseMemo {
    fn unchanged(&mut self, case: CaseIdx, rec: &csv::ByteRecord, cols: &Columns) -> bool {
        let mut same = self.case == Some(case);
        for (slot, col) in self.values.iter_mut().zip(cols.case_fields()) {
            let v = col.and_then(|i| rec.get(i)).unwrap_or_default();
            if slot.as_slice() != v {
                same = false;
                slot.clear();
                slot.extend_from_slice(v);
            }
        }
        self.case = Some(case);
        same
    }
}

/// The note for a ticket-level value that differs from the one kept (the first).
pub(crate) fn case_value_changed(case_id: &str, field: &str, value: &str, kept: &str) -> String {
    if field == "tier" {
        format!("ticket {case_id}: tier {value} differs from {kept} on its earlier row; {kept} is kept")
    } else {
        format!("ticket {case_id}: {field} `{value}` differs from `{kept}` on its earlier row; `{kept}` is kept")
    }
}

fn case_fields(
    b: &mut LogBuilder,
    acc: &mut Accounting,
    row: &Row<'_>,
    cols: &Columns,
    case: CaseIdx,
    case_id: &str,
) -> Result<(), LogError> {
    for (field, col) in [
        (CaseField::Customer, cols.customer),
        (CaseField::Class, cols.class),
        (CaseField::Channel, cols.channel),
        (CaseField::Business, cols.business),
        (CaseField::Brand, cols.brand),
    ] {
        if let Some(value) = row.opt(col)?
            && let Some(kept) = b.set_case_value(case, field, value)
        {
            acc.note(NoteKind::CaseValueChanged, row.line, || case_value_changed(case_id, field.name(), value, &kept));
        }
    }
    if let Some(text) = row.opt(cols.tier)?
        && !text.is_empty()
    {
        match parse_tier(text) {
            Some(stars) => {
                if let Some(kept) = b.set_tier(case, stars) {
                    acc.note(NoteKind::CaseValueChanged, row.line, || {
                        case_value_changed(case_id, "tier", &stars.to_string(), &kept.to_string())
                    });
                }
            }
            None => acc.note(NoteKind::BadTier, row.line, || {
                format!("ticket {case_id}: tier `{text}` is not 1-5 stars; the event is kept without a tier")
            }),
        }
    }
    Ok(())
}

fn csv_io(path: &Path, line: u64, e: &std::io::Error) -> LogError {
    LogError::Csv { path: path.to_path_buf(), line, message: e.to_string() }
}

fn csv_error(path: &Path, e: &csv::Error) -> LogError {
    let line = e.position().map_or(0, csv::Position::line);
    match e.kind() {
        csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::InvalidData => LogError::Csv {
            path: path.to_path_buf(),
            line,
            message: format!("{io}; is --encoding right? (utf-8 is the default; gbk for Chinese Excel exports)"),
        },
        _ => LogError::Csv { path: path.to_path_buf(), line, message: e.to_string() },
    }
}

#[cfg(test)]
mod tests {
    use super::{parse_tier, sniff_delimiter};

    #[test]
    fn sniffs_the_most_frequent_delimiter_outside_quotes() {
        assert_eq!(sniff_delimiter(b"a,b,c\n1;2"), b',');
        assert_eq!(sniff_delimiter(b"a;b;c"), b';');
        assert_eq!(sniff_delimiter(b"a\tb\tc,d"), b'\t');
        assert_eq!(sniff_delimiter(b"\"a;b;c\"|d|e"), b'|');
        assert_eq!(sniff_delimiter(b"single"), b',');
    }

    #[test]
    fn reads_star_tiers_in_their_usual_spellings() {
        for (t, n) in [("5", 5), ("3星", 3), ("2 stars", 2), ("★★★★", 4), ("五星", 5), ("1-star", 1), ("三星级", 3)]
        {
            assert_eq!(parse_tier(t), Some(n), "{t}");
        }
        for t in ["0", "6", "gold", "", "★★★★★★"] {
            assert_eq!(parse_tier(t), None, "{t}");
        }
    }
}
