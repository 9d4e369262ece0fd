//! Reading a large XES log on several threads: the document is cut at `<trace` tags into one
//! part per thread, each part walked by the same rules as the single pass, and the later parts
//! appended to the first in order.
//!
//! Owns `plan`, `read_split`, [`MIN_SPLIT_BYTES`] and [`MAX_HELD_BYTES`]. The design is
//! `csv_split`'s. The first part is the single pass itself, on its own stream of the file from
//! the start (prolog, `<log>`, extensions, globals, classifiers, log attributes), and it stops at
//! the first cut. Meanwhile a loader thread decompresses a second copy of the document into
//! memory, finds the first cut (the first `<trace` tag after a planned offset) as soon as it has
//! read past it and tells the first part, and then reads the later parts (one on its own thread,
//! the others on threads of their own). Gzip can only be decompressed from the start, so the
//! first part, which decompresses as it parses, gets a larger share when the file is gzip. A
//! later part starts inside `<log>` (its input is a synthetic `<log>` tag followed by the document
//! from its cut), counts lines from its cut's line, holds its rejects in memory and stops at the
//! next cut.
//!
//! The later parts are used only when every seam is clean, and then they are appended in file
//! order (strings re-interned, rejects written after the first part's, accounting added);
//! otherwise the first part reads on to the end and the later parts' work is dropped, so the
//! result is always the single pass's: the same log, accounting, [`XesInfo`], rejects in the same
//! order with the same lines, and the same error. A seam is clean when the part before it stopped
//! exactly at the cut, directly inside `<log>`, on the line the part after it started from
//! (quick-xml trims whitespace inside end tags, and the single pass does not count those lines;
//! then the lines disagree). The later parts are dropped too when one met a comment, CDATA, a
//! processing instruction, a declaration or a DOCTYPE, stopped on an error (the first part finds
//! it and reports it with its line), or names a ticket that an earlier part names (the single
//! pass notes the repeated trace name and keeps the first trace's attributes, which an append
//! cannot redo). Decompression errors, or a document larger than planned, leave the first part
//! to read alone.
//!
//! Cost: the parts in parallel, then O(distinct strings and events of the later parts) to append
//! them; the first part's share of a gzip file is decompressed twice, and the newlines before
//! each cut are counted once more. Memory: a whole decompressed copy of the document is held
//! while the later parts are read (beside the log being built), so only documents between
//! [`MIN_SPLIT_BYTES`] and [`MAX_HELD_BYTES`] are read this way; the size is judged from the
//! file's size or the gzip trailer's ISIZE field, and the loader gives up past [`MAX_HELD_BYTES`]
//! (ISIZE is the size modulo 4 GiB, and only the last member's). Other documents are read by the
//! streaming single pass alone, which holds one trace at a time.

use std::fs::File;
use std::io::{BufRead, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use quick_xml::Reader;

use crate::log::accounting::{Accounting, Held, Reject, RejectSink};
use crate::log::builder::MAX_EVENTS;
use crate::log::error::LogError;
use crate::log::event_log::EventLog;
use crate::log::input;
use crate::log::options::ReadOptions;
use crate::log::xes_reader::{Ended, Part, Xes, XesInfo, newlines};

/// Documents smaller than this are read in one streaming pass: threads would not pay for
/// themselves. The single pass reads the 4 MB receipt log in about 27 ms on the 2-core
/// development machine, so 1 MiB takes about 7 ms; the 1-3 ms two threads could save there are
/// within that machine's noise, while the 4 MB log gains about 6-10 ms.
pub const MIN_SPLIT_BYTES: u64 = 1 << 20;

/// Documents larger than this are never held in memory; they are read in one streaming pass.
pub const MAX_HELD_BYTES: u64 = 512 << 20;

/// The least text one part should have: fewer, larger parts for smaller documents.
const MIN_PART_BYTES: u64 = 512 * 1024;

/// How far past the planned offset the loader reads before it looks for the first cut.
const WINDOW: usize = 256 * 1024;

/// How often (in bytes of text) a later part looks whether the read was called off.
const STEP: u64 = 1 << 20;

/// Decompression time over parse time, in percent, for gzip XES (measured on the reference
/// logs: the loader gunzips the receipt log in 7-16 ms of a 27 ms single pass, with both cores
/// busy); it sizes the first part's share.
const GZIP_COST_PERCENT: u64 = 40;

/// What a later part's input begins with, so that it starts inside `<log>`. No newline: the
/// part's lines are counted from its cut's line.
const LOG_TAG: &[u8] = b"<log>";

/// Where to cut a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Plan {
    /// In `parts` parts, the first cut at the first `<trace` tag at or after byte `first`.
    Even {
        /// Parts, at least 2.
        parts: usize,
        /// Where the first part's share ends.
        first: usize,
    },
    /// At these byte offsets, whatever is there (for tests).
    #[cfg(test)]
    At(Vec<usize>),
}

/// How to read the file at `path` on `threads()` threads (asked only for a document worth splitting): `None` for the single pass (a document
/// outside [`MIN_SPLIT_BYTES`]..=[`MAX_HELD_BYTES`], one thread, or a file that cannot be looked
/// at, which the single pass then reports).
pub(crate) fn plan(path: &Path, threads: impl FnOnce() -> usize) -> Option<Plan> {
    let gzip = input::is_gzip(path).ok()?;
    let size = size_hint(path, gzip).filter(|h| (MIN_SPLIT_BYTES..=MAX_HELD_BYTES).contains(h))?;
    // Only now: asking for the thread count starts the thread pool, which small files never need.
    let parts = u64::try_from(threads()).ok()?.min(size / MIN_PART_BYTES);
    if parts < 2 {
        return None;
    }
    // The first part decompresses as it parses (cost d per byte against 1 for parsing) from
    // time 0; the others start once the loader has decompressed everything. Equal finishing
    // times give the first part the share (d + 1/(n-1)) / (1 + d + 1/(n-1)).
    let d = if gzip { GZIP_COST_PERCENT } else { 0 };
    let rest = 100 / (parts - 1);
    let first = size * (d + rest) / (100 + d + rest);
    Some(Plan::Even { parts: usize::try_from(parts).ok()?, first: usize::try_from(first).ok()? })
}

/// The document's size: the file's, or for gzip the ISIZE field of its last 4 bytes.
fn size_hint(path: &Path, gzip: bool) -> Option<u64> {
    let len = std::fs::metadata(path).ok()?.len();
    if !gzip {
        return Some(len);
    }
    let mut f = File::open(path).ok()?;
    f.seek(SeekFrom::End(-4)).ok()?;
    let mut isize = [0u8; 4];
    f.read_exact(&mut isize).ok()?;
    Some(u64::from(u32::from_le_bytes(isize)))
}

/// The first `<trace` tag (followed by a space, `>` or `/`) at or after `from`.
fn next_trace_tag(doc: &[u8], from: usize) -> Option<usize> {
    let rest = doc.get(from..)?;
    rest.windows(7)
        .position(|w| w.starts_with(b"<trace") && matches!(w[6], b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/'))
        .map(|i| from + i)
}

/// A later part as read: what it produced, its held rejects, and the lines it began and ended on.
struct Later {
    part: Part,
    rejects: Vec<Reject>,
    start_line: u64,
    end_line: u64,
}

/// Reads the XES document `stream` (the file at `path`, from its start) as [`plan`] says, with
/// the same result as the single pass; `open_copy` opens the same document again for the loader.
/// Returns the read and whether the later parts were used (`false`: the first part read alone).
pub(crate) fn read_split<C: BufRead>(
    stream: impl BufRead,
    open_copy: impl FnOnce() -> Option<C> + Send,
    plan: &Plan,
    path: &Path,
    opts: &ReadOptions,
    sink: &mut dyn RejectSink,
) -> Result<((EventLog, Accounting, XesInfo), bool), LogError> {
    let cancel = AtomicBool::new(false);
    let (tell, told) = mpsc::channel();
    // A lower bound of the first cut as the stream counts it (a byte-order mark is not counted).
    let early = match plan {
        Plan::Even { first, .. } => *first,
        #[cfg(test)]
        Plan::At(cuts) => cuts.first().copied().unwrap_or(0),
    }
    .saturating_sub(3) as u64;
    std::thread::scope(|scope| {
        let cancel = &cancel;
        let loader = scope.spawn(move || load_and_read(open_copy, plan, &tell, cancel, path, opts));
        let mut xes = Xes::new(path, opts, sink);
        let mut reader = Reader::from_reader(stream);
        let mut buf = Vec::with_capacity(16 * 1024);
        let first = first_part(&mut xes, &mut reader, &mut buf, early, &told);
        let used = match first {
            Ok(true) => {
                let later = loader.join().ok().flatten();
                match later.filter(|later| joinable(&xes, later)) {
                    Some(later) => {
                        for Later { part, rejects, .. } in later.into_iter().flatten() {
                            xes.absorb(part, &rejects)?;
                        }
                        return Ok((xes.finish(), true));
                    }
                    None => false,
                }
            }
            Ok(false) => false,
            Err(e) => {
                cancel.store(true, Ordering::Relaxed);
                return Err(e);
            }
        };
        cancel.store(true, Ordering::Relaxed);
        xes.read_until(&mut reader, &mut buf, u64::MAX)?;
        Ok((xes.finish(), used))
    })
}

/// The first part: reads up to `early`, waits for the loader to tell the first cut, reads up to
/// it. `true` when it stopped exactly there, directly inside `<log>` (else the later parts cannot
/// be used, and the reader has read past the cut or to the end).
fn first_part<R: BufRead>(
    xes: &mut Xes<'_>,
    reader: &mut Reader<R>,
    buf: &mut Vec<u8>,
    early: u64,
    told: &mpsc::Receiver<Option<u64>>,
) -> Result<bool, LogError> {
    if xes.read_until(reader, buf, early)? != Ended::Stopped {
        return Ok(false);
    }
    let Ok(Some(cut)) = told.recv() else { return Ok(false) };
    Ok(xes.read_until(reader, buf, cut)? == Ended::Stopped && reader.buffer_position() == cut && xes.between_traces())
}

/// The loader: reads the document into memory, tells the first cut (as the stream counts it,
/// `None` when there is none), and reads the later parts. `None` when the document could not be
/// loaded, has no cut, or the read was called off.
fn load_and_read<C: BufRead>(
    open_copy: impl FnOnce() -> Option<C>,
    plan: &Plan,
    tell: &mpsc::Sender<Option<u64>>,
    cancel: &AtomicBool,
    path: &Path,
    opts: &ReadOptions,
) -> Option<Vec<Option<Later>>> {
    let mut copy = open_copy()?;
    let mut doc = Vec::new();
    let mut first_cut = None;
    // Tests' fixed cuts are told once the whole document is in.
    let mut told = !matches!(plan, Plan::Even { .. });
    let mut from = match plan {
        Plan::Even { first, .. } => {
            doc.reserve(first.saturating_mul(2));
            *first
        }
        #[cfg(test)]
        Plan::At(_) => usize::MAX,
    };
    loop {
        if cancel.load(Ordering::Relaxed) || doc.len() as u64 > MAX_HELD_BYTES {
            return None;
        }
        let chunk = copy.fill_buf().ok()?;
        let done = chunk.is_empty();
        let n = chunk.len();
        doc.extend_from_slice(chunk);
        copy.consume(n);
        if !told && (done || doc.len() >= from.saturating_add(WINDOW)) {
            first_cut = next_trace_tag(&doc, from);
            if first_cut.is_some() || done {
                let bom = if doc.starts_with(b"\xef\xbb\xbf") { 3 } else { 0 };
                told = true;
                tell.send(first_cut.map(|c| c.saturating_sub(bom) as u64)).ok()?;
            } else {
                from = doc.len().saturating_sub(6);
            }
        }
        if done {
            break;
        }
    }
    let cuts = match plan {
        Plan::Even { parts, .. } => {
            let first = first_cut?;
            let mut cuts = vec![first];
            let share = (doc.len() - first) / parts;
            for i in 1..parts - 1 {
                let from = (first + share * i).max(cuts[cuts.len() - 1] + 1);
                if let Some(at) = next_trace_tag(&doc, from) {
                    cuts.push(at);
                }
            }
            cuts
        }
        #[cfg(test)]
        Plan::At(cuts) => {
            let bom = if doc.starts_with(b"\xef\xbb\xbf") { 3 } else { 0 };
            tell.send(cuts.first().map(|&c| c.saturating_sub(bom) as u64)).ok()?;
            cuts.clone()
        }
    };
    let doc = &doc;
    std::thread::scope(|scope| {
        let (last, middle) = cuts.split_last()?;
        let handles: Vec<_> = middle
            .iter()
            .enumerate()
            .map(|(k, &start)| {
                let end = cuts[k + 1];
                scope.spawn(move || read_later(doc, start, Some(end), cancel, path, opts))
            })
            .collect();
        let last = read_later(doc, *last, None, cancel, path, opts);
        let mut later: Vec<Option<Later>> = handles.into_iter().map(|h| h.join().ok().flatten()).collect();
        later.push(last);
        Some(later)
    })
}

/// Whether the later parts can be appended to the first, which stopped cleanly at the first
/// cut: each part was read cleanly, each seam's lines agree, no two parts name the same ticket
/// and the events fit in one log.
fn joinable(first: &Xes<'_>, later: &[Option<Later>]) -> bool {
    let mut line = first.line();
    let mut events = first.event_count();
    for (k, p) in later.iter().enumerate() {
        let Some(p) = p else { return false };
        if p.start_line != line {
            return false;
        }
        line = p.end_line;
        events = events.saturating_add(p.part.event_count());
        let b = p.part.builder();
        if first.builder().shares_case(b) || later[..k].iter().flatten().any(|q| q.part.builder().shares_case(b)) {
            return false;
        }
    }
    events <= MAX_EVENTS
}

/// Reads the part of `doc` from `start` to `end` (to the document's end when `None`); `None`
/// when it did not end cleanly (see the module docs) or the read was called off.
fn read_later(
    doc: &[u8],
    start: usize,
    end: Option<usize>,
    cancel: &AtomicBool,
    path: &Path,
    opts: &ReadOptions,
) -> Option<Later> {
    let start_line = 1 + newlines(doc.get(..start)?);
    let region = doc.get(start..)?;
    let stop = match end {
        Some(end) => (end.checked_sub(start)? + LOG_TAG.len()) as u64,
        None => u64::MAX,
    };
    let mut held = Held::default();
    let mut xes = Xes::later_part(path, opts, &mut held, start_line);
    let mut reader = Reader::from_reader(LOG_TAG.chain(region));
    let mut buf = Vec::with_capacity(16 * 1024);
    let mut ended = Ended::Stopped;
    while ended == Ended::Stopped && reader.buffer_position() < stop {
        if cancel.load(Ordering::Relaxed) {
            return None;
        }
        let next = reader.buffer_position().saturating_add(STEP).min(stop);
        ended = xes.read_until(&mut reader, &mut buf, next).ok()?;
    }
    let clean = match ended {
        Ended::Eof => end.is_none(),
        Ended::Stopped => reader.buffer_position() == stop && xes.between_traces(),
        Ended::Doubt => false,
    };
    if !clean {
        return None;
    }
    let end_line = xes.line();
    let part = xes.into_part();
    Some(Later { part, rejects: held.0, start_line, end_line })
}

#[cfg(test)]
#[path = "xes_split_tests.rs"]
mod tests;
