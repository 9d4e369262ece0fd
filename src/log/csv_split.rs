//! Reading a large CSV log with two threads: the file is cut at a line break near its middle,
//! each half is read by the same row rules on its own core, and the second half is appended to
//! the first.
//!
//! Owns `read_split`. The cut is only trusted when the first half's records end exactly at it:
//! a quoted field holding line breaks could straddle it, and then the first half simply reads on
//! to the end and the second half's work is dropped, so the result is always the one a single
//! pass gives. Rejected rows of the second half wait in memory until the first half has written
//! its own, so `--rejects` files keep file order; their lines are renumbered once the first half
//! knows how many lines it read. Cost: the halves in parallel, then O(distinct strings of the
//! second half + its events) to append it.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use crate::log::accounting::{Accounting, Held, NoteKind, RejectSink};
use crate::log::builder::{LogBuilder, Present};
use crate::log::columns::Columns;
use crate::log::csv_reader::{Part, Rows, case_value_changed};
use crate::log::error::LogError;
use crate::log::options::ReadOptions;

/// Files smaller than this are read in one pass: threads would not pay for themselves.
pub const MIN_SPLIT_BYTES: u64 = 64 * 1024 * 1024;

/// The byte after the first line break at or after the middle of the file, if any.
pub fn cut_point(path: &Path, size: u64) -> Result<Option<u64>, LogError> {
    let mut f = File::open(path).map_err(|e| LogError::io(path, e))?;
    let mid = size / 2;
    f.seek(SeekFrom::Start(mid)).map_err(|e| LogError::io(path, e))?;
    let mut buf = vec![0u8; 1 << 20];
    let n = f.read(&mut buf).map_err(|e| LogError::io(path, e))?;
    Ok(buf[..n].iter().position(|&b| b == b'\n').map(|i| mid + i as u64 + 1).filter(|&c| c < size))
}

/// The second half: its builder, accounting, held rejects, and its error if it stopped on one.
struct Half {
    b: LogBuilder,
    acc: Accounting,
    held: Held,
    error: Option<LogError>,
}

fn read_second_half(path: &Path, cut: u64, size: u64, delimiter: u8, mut part: Part<'_>, present: Present) -> Half {
    let mut half = Half { b: LogBuilder::new(present), acc: Accounting::default(), held: Held::default(), error: None };
    let mut run = |half: &mut Half| -> Result<(), LogError> {
        let mut f = File::open(path).map_err(|e| LogError::io(path, e))?;
        f.seek(SeekFrom::Start(cut)).map_err(|e| LogError::io(path, e))?;
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(64 * 1024)
            .from_reader(BufReader::with_capacity(64 * 1024, f));
        let mut rec = csv::ByteRecord::new();
        let rows = Rows { stop_at: None, size: Some(size - cut) };
        part.read_rows(&mut reader, &mut rec, &mut half.b, &mut half.acc, &mut half.held, rows).map(|_| ())
    };
    half.error = run(&mut half).err();
    half
}

/// Reads the rest of a CSV log in two halves. `reader` has read the header; `skip` is how many
/// bytes precede its stream in the file (a byte-order mark).
#[expect(clippy::too_many_arguments, reason = "the pieces of one read, passed once")]
pub(crate) fn read_split<R: Read>(
    path: &Path,
    reader: &mut csv::Reader<R>,
    header: &[String],
    cols: &Columns,
    present: Present,
    opts: &ReadOptions,
    delimiter: u8,
    (size, skip, cut): (u64, u64, u64),
    b: &mut LogBuilder,
    acc: &mut Accounting,
    sink: &mut dyn RejectSink,
) -> Result<(), LogError> {
    let mut rec = csv::ByteRecord::new();
    let mut first = Part::new(path, header, cols, delimiter, opts);
    let second = Part::new(path, header, cols, delimiter, opts);
    let (ended, half) = std::thread::scope(|scope| {
        let handle = scope.spawn(|| read_second_half(path, cut, size, delimiter, second, present));
        let rows = Rows { stop_at: Some(cut - skip), size: Some(size) };
        let ended = first.read_rows(reader, &mut rec, b, acc, sink, rows);
        (ended, handle.join())
    });
    let ended = ended?;
    let half = half.map_err(|_| LogError::Option("the second reading thread failed".to_owned()))?;
    if ended || reader.position().byte() != cut - skip {
        // The cut fell inside a record (or the file ended first): read on in one pass.
        if !ended {
            first.read_rows(reader, &mut rec, b, acc, sink, Rows { stop_at: None, size: Some(size) })?;
        }
        return Ok(());
    }
    let lines_before = reader.position().line() - 1;
    if let Some(e) = half.error {
        return Err(renumber_error(e, lines_before));
    }
    for mut r in half.held.0 {
        r.line += lines_before;
        sink.reject(&r).map_err(|e| LogError::io("the rejects file", e))?;
    }
    acc.append(half.acc, lines_before);
    for (case, field, value, kept) in b.append(half.b) {
        acc.note(NoteKind::CaseValueChanged, 0, || case_value_changed(&case, field, &value, &kept));
    }
    Ok(())
}

fn renumber_error(e: LogError, lines: u64) -> LogError {
    match e {
        LogError::NotUtf8 { path, line, column, byte } => LogError::NotUtf8 { path, line: line + lines, column, byte },
        LogError::Csv { path, line, message } => LogError::Csv { path, line: line + lines, message },
        LogError::TooLarge { path, line, max } => LogError::TooLarge { path, line: line + lines, max },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;
    use std::io::Cursor;
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use proptest::prelude::*;

    use crate::log::accounting::{Accounting, NoSink};
    use crate::log::csv_reader::read_csv_inner;
    use crate::log::event_log::EventLog;
    use crate::log::options::ReadOptions;

    fn temp_file(text: &str) -> PathBuf {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("flowaudit-split-{}-{n}.csv", std::process::id()));
        std::fs::write(&path, text).unwrap();
        path
    }

    /// Everything a reader's result says, as comparable text.
    fn summary(log: &EventLog, acc: &Accounting) -> String {
        let mut out = format!("{} {} {} {:?}\n", acc.rows_read, acc.accepted, acc.filtered, acc.rejected);
        for c in log.case_indices() {
            let events = log.events_of(c);
            let acts: Vec<_> = log.trace(c).iter().map(|&a| log.activity_name(a)).collect();
            let roles: Vec<_> = events
                .clone()
                .map(|i| {
                    log.events.role.as_ref().map_or("", |r| if r[i].is_some() { log.values.resolve(r[i]) } else { "" })
                })
                .collect();
            let _ = writeln!(out, "{} {acts:?} {roles:?} {:?}", log.case_id(c), &log.time[events]);
        }
        out
    }

    fn read(text: &str, split: Option<u64>) -> String {
        let path = temp_file(text);
        let size = text.len() as u64;
        let result = read_csv_inner(
            &path,
            Cursor::new(text.as_bytes().to_vec()),
            Some(size),
            split.map(|cut| (size, 0, cut)),
            &ReadOptions::default(),
            &mut NoSink,
        );
        std::fs::remove_file(&path).unwrap();
        match result {
            Ok((log, acc, _)) => summary(&log, &acc),
            Err(e) => format!("error: {e}"),
        }
    }

    fn row() -> impl Strategy<Value = String> {
        let case = prop_oneof![5 => "T[0-3]", 1 => Just(String::new())];
        let activity = prop_oneof![
            5 => "[a-c]",
            1 => Just("\"quoted,\nacross lines\"".to_owned()),
            1 => Just(String::new())
        ];
        let time = prop_oneof![
            6 => (0u32..24, 0u32..60).prop_map(|(h, m)| format!("2026-10-01 {h:02}:{m:02}:00")),
            1 => Just("soon".to_owned())
        ];
        let role = prop_oneof![Just("frontline"), Just("expert"), Just("")];
        (case, activity, time, role).prop_map(|(c, a, t, r)| format!("{c},{a},{t},{r}\n"))
    }

    proptest! {
        /// Wherever the file is cut, even inside a quoted field, the result is the single pass's.
        #[test]
        fn any_cut_gives_the_single_pass_result(rows in proptest::collection::vec(row(), 1..40), pick in any::<prop::sample::Index>()) {
            let text = format!("case_id,activity,timestamp,role\n{}", rows.concat());
            let header_end = text.find('\n').unwrap() + 1;
            let cuts: Vec<u64> = text.bytes().enumerate().filter(|&(i, b)| b == b'\n' && i + 1 > header_end && i + 1 < text.len()).map(|(i, _)| i as u64 + 1).collect();
            prop_assume!(!cuts.is_empty());
            let cut = cuts[pick.index(cuts.len())];
            prop_assert_eq!(read(&text, Some(cut)), read(&text, None));
        }
    }
}
