//! The CSV reader's parsing stage: a thread that splits records, checks them as UTF-8 and reads
//! their timestamps, handing batches to the stage that interns and groups them.
//!
//! Owns [`Parsed`] and [`spawn`]. Splitting a month of records and reading its timestamps are pure
//! per-row work, so they run on a second core while the first interns strings and builds the log
//! (which must see rows in file order). Batches of [`BATCH`] records travel through a channel of
//! [`IN_FLIGHT`] batches and come back empty for reuse, so the steady state allocates nothing and
//! holds at most `(IN_FLIGHT + 2) x BATCH` records. A CSV or UTF-8 error ends the stream with that
//! error, located at its line.

use std::io::BufRead;
use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::Scope;

use crate::log::error::LogError;
use crate::log::timestamp::{Time, TimeError, TimeParser};

/// Records per batch.
pub const BATCH: usize = 1024;
/// Batches queued between the two stages.
pub const IN_FLIGHT: usize = 4;

/// One record, checked and with its timestamp read.
#[derive(Debug)]
pub struct Parsed {
    /// The fields, valid UTF-8.
    pub rec: csv::StringRecord,
    /// Line the record starts on.
    pub line: u64,
    /// Line the next record starts on (a record spanning lines hints at an unclosed quote).
    pub next_line: u64,
    /// Byte offset of the record.
    pub byte: u64,
    /// Its timestamp, read when the record has the header's number of fields.
    pub time: Option<Result<Time, TimeError>>,
}

/// What the parsing stage sends: a batch of records or the error that ended the file.
pub type Batch = Result<Vec<Parsed>, LogError>;

/// How the parsing stage reads each record.
pub struct Plan<'a> {
    /// The file, for messages.
    pub path: &'a Path,
    /// Header names, for messages.
    pub header: &'a [String],
    /// The timestamp column.
    pub timestamp: usize,
    /// The timestamp parser (each stage has its own).
    pub times: TimeParser,
}

/// Starts the parsing stage on `scope`; returns the batches' receiver and the channel that
/// takes emptied batches back.
pub fn spawn<'scope, 'env, R: BufRead + Send + 'scope>(
    scope: &'scope Scope<'scope, 'env>,
    reader: csv::Reader<R>,
    plan: Plan<'scope>,
) -> (Receiver<Batch>, SyncSender<Vec<Parsed>>) {
    let (tx, rx) = sync_channel::<Batch>(IN_FLIGHT);
    let (back_tx, back_rx) = sync_channel::<Vec<Parsed>>(IN_FLIGHT + 2);
    scope.spawn(move || produce(reader, &plan, &tx, &back_rx));
    (rx, back_tx)
}

fn produce<R: BufRead>(mut reader: csv::Reader<R>, plan: &Plan<'_>, tx: &SyncSender<Batch>, back: &Receiver<Vec<Parsed>>) {
    let mut plan_times = plan.times.clone();
    let mut spare: Vec<csv::ByteRecord> = Vec::new();
    loop {
        let mut batch = back.try_recv().unwrap_or_else(|_| Vec::with_capacity(BATCH));
        spare.extend(batch.drain(..).map(|p| p.rec.into_byte_record()));
        while batch.len() < BATCH {
            let mut rec = spare.pop().unwrap_or_default();
            match reader.read_byte_record(&mut rec) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    let _ = tx.send(Err(super::csv_reader::csv_error(plan.path, &e)));
                    return;
                }
            }
            let (line, byte) = rec.position().map_or((0, 0), |p| (p.line(), p.byte()));
            let next_line = reader.position().line();
            let rec = match csv::StringRecord::from_byte_record(rec) {
                Ok(r) => r,
                Err(e) => {
                    let field = e.utf8_error().field();
                    let byte_in_field = e.utf8_error().valid_up_to();
                    let column = plan.header.get(field).cloned().unwrap_or_else(|| format!("{}", field + 1));
                    let err = LogError::NotUtf8 { path: plan.path.to_path_buf(), line, column, byte: byte_in_field };
                    let _ = tx.send(Err(err));
                    return;
                }
            };
            let time = (rec.len() == plan.header.len())
                .then(|| plan_times.parse(super::csv_reader::trim(rec.get(plan.timestamp).unwrap_or(""))));
            batch.push(Parsed { rec, line, next_line, byte, time });
        }
        let last = batch.len() < BATCH;
        if tx.send(Ok(batch)).is_err() || last {
            return;
        }
    }
}
