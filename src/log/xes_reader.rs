//! The streaming XES reader (IEEE 1849): one reused buffer, one trace held at a time, every
//! `<event>` accounted for.
//!
//! Owns [`read_xes`], [`XesInfo`] and the XES rules. A `<trace>` is one ticket and its
//! `concept:name` the ticket id; an `<event>` is one row: its `concept:name` is the activity,
//! `time:timestamp` the time, `lifecycle:transition` the lifecycle, `org:resource` the resource and
//! `org:role` (else `org:group`) the role. The domain keys `customer` (or `customer_id`), `tier`,
//! `class`, `channel`, `business` and `brand`, bare or with a `case:` prefix, fill the ticket's fields
//! whether a trace or its events carry them (first value kept, a later different one noted).
//! Other trace attributes are kept as case attributes; other event attributes are not stored (their
//! keys are listed in [`XesInfo::ignored_event_keys`]). Nested attributes, `<list>` and
//! `<container>` contents, `<global>` defaults, `<extension>`, `<classifier>` and log-level
//! attributes are parsed past and not used.
//!
//! Every `<event>` is accepted, rejected (no `concept:name`, a trace without `concept:name`, an
//! unreadable timestamp, an event outside any trace) or filtered (`--lifecycle`), with the line of
//! its `<event>` tag. An event without `time:timestamp` is kept untimed and noted. Two traces of
//! the same name are one ticket (noted). A document with a `<!DOCTYPE>` is refused: XES needs no
//! DTD, so no entity is ever declared or expanded; only the five predefined entities and
//! character references are read, and any other reference in a value or text read is an error.
//! (The attributes of skipped elements, such as `<global>` defaults, are not unescaped, so a bad
//! reference there goes unreported.)
//!
//! Lines are counted from the newlines in every byte quick-xml hands over (text between tags,
//! tags with their attributes, comments, CDATA), so a line is exact except after whitespace
//! inside an end tag (`</event\n>`), which quick-xml trims away.
//!
//! Cost: O(bytes) with one hash lookup per activity and per new ticket id; no allocation per
//! attribute unless its value has an escape. Memory: the [`EventLog`] plus the recognised values
//! of the longest trace's events (a trace's ticket id may follow its events, so a trace is pushed
//! at `</trace>`), never the document. Every optional column is collected while reading (an XES
//! file does not say up front which keys its events carry) and dropped at the end when no
//! accepted event filled it.

use std::borrow::Cow;
use std::io::BufRead;
use std::path::Path;

use hashbrown::HashSet;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use crate::log::accounting::{Accounting, NoteKind, Reason, Reject, RejectSink};
use crate::log::builder::{CaseField, Extras, LogBuilder, MAX_EVENTS, Present};
use crate::log::csv_reader::{parse_tier, reason_of};
use crate::log::error::LogError;
use crate::log::event_log::{CaseIdx, EventLog};
use crate::log::input;
use crate::log::options::ReadOptions;
use crate::log::timestamp::{Time, TimeParser};
use crate::log::xes_split;

/// How an XES log was read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct XesInfo {
    /// The `xes.version` the `<log>` element declares, if any.
    pub version: Option<String>,
    /// `<trace>` elements read.
    pub traces: u64,
    /// Each field read and the attribute key it came from (`case` is the trace's `concept:name`).
    pub keys: Vec<(&'static str, String)>,
    /// Event attribute keys that are not stored, sorted.
    pub ignored_event_keys: Vec<String>,
}

/// A value an event or trace attribute can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Activity,
    Time,
    Lifecycle,
    Resource,
    Role,
    Group,
    Customer,
    Tier,
    Class,
    Channel,
    Business,
    Brand,
}

const FIELDS: usize = 12;

/// Attribute keys flowaudit reads, and the field each fills.
const KEYS: [(&str, Field); 20] = [
    ("concept:name", Field::Activity),
    ("time:timestamp", Field::Time),
    ("lifecycle:transition", Field::Lifecycle),
    ("org:resource", Field::Resource),
    ("org:role", Field::Role),
    ("org:group", Field::Group),
    ("customer", Field::Customer),
    ("customer_id", Field::Customer),
    ("tier", Field::Tier),
    ("class", Field::Class),
    ("channel", Field::Channel),
    ("business", Field::Business),
    ("brand", Field::Brand),
    ("case:customer", Field::Customer),
    ("case:customer_id", Field::Customer),
    ("case:tier", Field::Tier),
    ("case:class", Field::Class),
    ("case:channel", Field::Channel),
    ("case:business", Field::Business),
    ("case:brand", Field::Brand),
];

/// The ticket-level fields, in the order [`XesInfo::keys`] lists them.
const CASE_FIELDS: [(Field, CaseField); 5] = [
    (Field::Customer, CaseField::Customer),
    (Field::Class, CaseField::Class),
    (Field::Channel, CaseField::Channel),
    (Field::Business, CaseField::Business),
    (Field::Brand, CaseField::Brand),
];

/// The XES elements that are attributes (IEEE 1849 section 6).
fn is_attribute(name: &str) -> bool {
    matches!(name, "string" | "date" | "int" | "float" | "boolean" | "id" | "list" | "container")
}

/// The field an event attribute fills, and the key as a `'static` string.
fn event_field(key: &str) -> Option<(Field, &'static str)> {
    KEYS.iter().find(|(k, _)| *k == key).map(|&(k, f)| (f, k))
}

/// The ticket-level field a trace attribute fills.
fn case_field(key: &str) -> Option<(Field, &'static str)> {
    event_field(key).filter(|(f, _)| {
        matches!(f, Field::Customer | Field::Tier | Field::Class | Field::Channel | Field::Business | Field::Brand)
    })
}

/// Where one value sits in the trace's text, and the key it came from.
#[derive(Debug, Clone, Copy)]
struct Slot {
    key: &'static str,
    start: usize,
    end: usize,
}

type Slots = [Option<Slot>; FIELDS];

/// One `<event>` waiting for its trace to end.
#[derive(Debug, Clone)]
struct Pending {
    line: u64,
    slots: Slots,
}

/// The trace being read: its attributes and events, their text in one reused string.
#[derive(Debug, Default)]
struct Trace {
    line: u64,
    text: String,
    id: Option<(usize, usize)>,
    fields: Slots,
    /// Other attributes: key start, key end (= value start), value end.
    others: Vec<(usize, usize, usize)>,
    events: Vec<Pending>,
}

impl Trace {
    fn begin(&mut self, line: u64) {
        self.line = line;
        self.text.clear();
        self.id = None;
        self.fields = [None; FIELDS];
        self.others.clear();
        self.events.clear();
    }

    fn push(&mut self, s: &str) -> (usize, usize) {
        let start = self.text.len();
        self.text.push_str(s);
        (start, self.text.len())
    }

    fn value(&self, slot: Option<Slot>) -> Option<&str> {
        slot.map(|s| &self.text[s.start..s.end])
    }

    /// The event as `key="value"` pairs of the values read (for the rejects file).
    fn row(&self, ev: &Pending) -> String {
        let pairs: Vec<String> =
            ev.slots.iter().flatten().map(|s| format!("{}=\"{}\"", s.key, &self.text[s.start..s.end])).collect();
        pairs.join(" ")
    }
}

/// Where the reader is in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Where {
    Before,
    Log,
    Trace,
    Event { in_trace: bool },
    After,
}

/// Reads the XES log at `path` (plain or gzip), handing every rejected event to `sink`.
///
/// O(bytes) time; memory is the resulting log plus the longest trace's values, and, for a
/// document between [`xes_split::MIN_SPLIT_BYTES`] and [`xes_split::MAX_HELD_BYTES`] read on
/// several threads, a decompressed copy of the document (see [`xes_split`]; the result is the
/// same). Errors stop the read when the file is not XES or not well-formed XML (with the line
/// reached); unusable events are rejected and counted.
pub fn read_xes(
    path: &Path,
    opts: &ReadOptions,
    sink: &mut dyn RejectSink,
) -> Result<(EventLog, Accounting, XesInfo), LogError> {
    let input = input::open_raw(path)?;
    match xes_split::plan(path, rayon::current_num_threads) {
        Some(plan) => xes_split::read_split(input, || input::open_raw(path).ok(), &plan, path, opts, sink).map(|r| r.0),
        None => read_from(input, path, opts, sink),
    }
}

/// Reads XES from `input`; `path` names it in errors.
pub(crate) fn read_from(
    input: impl BufRead,
    path: &Path,
    opts: &ReadOptions,
    sink: &mut dyn RejectSink,
) -> Result<(EventLog, Accounting, XesInfo), LogError> {
    let mut reader = Reader::from_reader(input);
    let mut xes = Xes::new(path, opts, sink);
    xes.read_until(&mut reader, &mut Vec::with_capacity(16 * 1024), u64::MAX)?;
    Ok(xes.finish())
}

/// Why [`Xes::read_until`] returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ended {
    /// The document ended, and everything was in order.
    Eof,
    /// The reader's position reached the stop position (or passed it, inside an event).
    Stopped,
    /// A later part met markup it does not take on trust (comment, CDATA, processing
    /// instruction, declaration, DOCTYPE); the single pass must read it.
    Doubt,
}

/// What a later part of a split read produced, to be appended by [`Xes::absorb`].
pub(crate) struct Part {
    b: LogBuilder,
    acc: Accounting,
    seen: [Option<&'static str>; FIELDS],
    ignored: HashSet<String>,
    traces: u64,
}

impl Part {
    /// The part's builder (to see whether it shares a ticket with another part).
    pub(crate) fn builder(&self) -> &LogBuilder {
        &self.b
    }

    /// Events the part accepted.
    pub(crate) fn event_count(&self) -> usize {
        self.b.event_count()
    }
}

/// The document walk: position, line count and the trace being read.
pub(crate) struct Xes<'a> {
    path: &'a Path,
    at: Where,
    /// Depth inside an element whose content is not used (nested attributes, `<global>`...).
    skip: u32,
    /// Line of the next byte (1-based): the newlines in every byte quick-xml handed over.
    line: u64,
    ends_with_newline: bool,
    log_line: u64,
    encoding: Option<String>,
    trace: Trace,
    out: Out<'a>,
    /// A later part of a split read: it starts inside `<log>` and stops at markup it does not
    /// take on trust ([`Ended::Doubt`]).
    later: bool,
}

impl<'a> Xes<'a> {
    /// A walk from the start of a document.
    pub(crate) fn new(path: &'a Path, opts: &ReadOptions, sink: &'a mut dyn RejectSink) -> Self {
        Xes {
            path,
            at: Where::Before,
            skip: 0,
            line: 1,
            ends_with_newline: false,
            log_line: 0,
            encoding: None,
            trace: Trace::default(),
            out: Out::new(path, opts, sink),
            later: false,
        }
    }

    /// A walk of a later part of a document whose first byte is on line `line`. Its input must
    /// begin with a synthetic `<log>` tag (no newline), so that it, and quick-xml's check of end
    /// tag names, start inside `<log>`.
    pub(crate) fn later_part(path: &'a Path, opts: &ReadOptions, sink: &'a mut dyn RejectSink, line: u64) -> Self {
        Xes { line, later: true, ..Xes::new(path, opts, sink) }
    }

    /// Reads events until the document ends or the reader's position reaches `stop`.
    ///
    /// Errors are the reader's errors, with the line reached.
    pub(crate) fn read_until<R: BufRead>(
        &mut self,
        reader: &mut Reader<R>,
        buf: &mut Vec<u8>,
        stop: u64,
    ) -> Result<Ended, LogError> {
        while reader.buffer_position() < stop {
            buf.clear();
            let event = match reader.read_event_into(buf) {
                Ok(e) => e,
                Err(e) => return Err(self.xml_error(&e)),
            };
            if self.later
                && matches!(
                    event,
                    Event::Comment(_) | Event::CData(_) | Event::PI(_) | Event::Decl(_) | Event::DocType(_)
                )
            {
                return Ok(Ended::Doubt);
            }
            if !self.step(event)? {
                return Ok(Ended::Eof);
            }
        }
        Ok(Ended::Stopped)
    }

    /// Whether the walk is directly inside `<log>` (between traces), where a part may end.
    pub(crate) fn between_traces(&self) -> bool {
        self.at == Where::Log && self.skip == 0
    }

    /// The line of the next byte.
    pub(crate) fn line(&self) -> u64 {
        self.line
    }

    /// Events accepted so far.
    pub(crate) fn event_count(&self) -> usize {
        self.out.b.event_count()
    }

    /// The builder so far (to see whether a later part shares a ticket with it).
    pub(crate) fn builder(&self) -> &LogBuilder {
        &self.out.b
    }

    /// What this walk, a later part, produced.
    pub(crate) fn into_part(self) -> Part {
        let Out { b, acc, seen, ignored, info, .. } = self.out;
        Part { b, acc, seen, ignored, traces: info.traces }
    }

    /// Appends a later part, read from where this walk stopped, as if this walk had read it:
    /// its held `rejects` go to the sink, in order, after this walk's.
    ///
    /// The part's lines are already the file's; it must share no ticket with this walk (see
    /// [`LogBuilder::shares_case`]): a repeated trace name across parts is noted by the single
    /// pass and would not be here. O(the part's distinct strings and events).
    pub(crate) fn absorb(&mut self, part: Part, rejects: &[Reject]) -> Result<(), LogError> {
        let out = &mut self.out;
        for r in rejects {
            out.sink.reject(r).map_err(|e| LogError::io("the rejects file", e))?;
        }
        let conflicts = out.b.append(part.b);
        debug_assert!(conflicts.is_empty(), "parts that share no ticket have no conflicting ticket values");
        out.acc.append(part.acc, 0);
        for (mine, theirs) in out.seen.iter_mut().zip(part.seen) {
            *mine = mine.or(theirs);
        }
        out.ignored.extend(part.ignored);
        out.info.traces += part.traces;
        Ok(())
    }

    /// The log, its accounting and how it was read.
    pub(crate) fn finish(self) -> (EventLog, Accounting, XesInfo) {
        self.out.finish()
    }

    /// Handles one XML event; `false` at the end of the document.
    fn step(&mut self, event: Event<'_>) -> Result<bool, LogError> {
        let here = self.line;
        self.count_lines(&event);
        match event {
            Event::Start(e) => self.open(&e, here, false)?,
            Event::Empty(e) => self.open(&e, here, true)?,
            Event::End(_) => self.close()?,
            Event::Text(t) if self.at == Where::Before && !t.trim().is_empty() => {
                let message = "text before the root element: this is not an XES event log".to_owned();
                return Err(self.error(here, message));
            }
            Event::DocType(_) => {
                let message = "the file has a <!DOCTYPE> declaration; XES needs no DTD; refusing entity declarations";
                return Err(self.error(here, message.to_owned()));
            }
            Event::GeneralRef(r) => {
                let known = if r.is_char_ref() {
                    matches!(r.resolve_char_ref(), Ok(Some(_)))
                } else {
                    resolve_predefined_entity(&r).is_some()
                };
                if !known {
                    return Err(self.error(here, undefined_entity(&r)));
                }
            }
            Event::Decl(d) => {
                if let Some(Ok(enc)) = d.encoding()
                    && !matches!(enc.to_ascii_lowercase().as_str(), "utf-8" | "utf8" | "us-ascii" | "ascii")
                {
                    self.encoding = Some(enc.into_owned());
                }
            }
            Event::Eof => {
                self.eof()?;
                return Ok(false);
            }
            Event::Text(_) | Event::CData(_) | Event::Comment(_) | Event::PI(_) => {}
        }
        Ok(true)
    }

    fn count_lines(&mut self, event: &Event<'_>) {
        let text: &str = match event {
            Event::Start(e) | Event::Empty(e) => e,
            Event::End(e) => e,
            Event::Text(t) | Event::Comment(t) | Event::DocType(t) => t,
            Event::CData(c) => c,
            Event::Decl(d) => d,
            Event::PI(p) => p,
            Event::GeneralRef(_) | Event::Eof => return,
        };
        if let Some(&last) = text.as_bytes().last() {
            self.ends_with_newline = last == b'\n';
        }
        self.line += newlines(text.as_bytes());
    }

    fn open(&mut self, e: &BytesStart<'_>, here: u64, empty: bool) -> Result<(), LogError> {
        if self.skip > 0 {
            self.skip = self.skip.saturating_add(u32::from(!empty));
            return Ok(());
        }
        let name = e.local_name();
        let name = name.as_ref();
        match self.at {
            Where::Before => self.root(e, name, here, empty)?,
            Where::After => {
                let message = format!("an element <{name}> after </log>; an XES file has one <log> root");
                return Err(self.error(here, message));
            }
            Where::Log => match name {
                "trace" => {
                    self.out.info.traces += 1;
                    if !empty {
                        self.trace.begin(here);
                        self.at = Where::Trace;
                    }
                }
                "event" => {
                    self.trace.begin(here);
                    self.trace.events.push(Pending { line: here, slots: [None; FIELDS] });
                    if empty {
                        self.out.loose(&self.trace)?;
                    } else {
                        self.at = Where::Event { in_trace: false };
                    }
                }
                _ => self.skip = u32::from(!empty),
            },
            Where::Trace => match name {
                "event" => {
                    self.trace.events.push(Pending { line: here, slots: [None; FIELDS] });
                    if !empty {
                        self.at = Where::Event { in_trace: true };
                    }
                }
                n => {
                    if is_attribute(n) {
                        self.trace_attribute(e, here)?;
                    }
                    self.skip = u32::from(!empty);
                }
            },
            Where::Event { .. } => {
                if is_attribute(name) {
                    self.event_attribute(e, here)?;
                }
                self.skip = u32::from(!empty);
            }
        }
        Ok(())
    }

    fn close(&mut self) -> Result<(), LogError> {
        if self.skip > 0 {
            self.skip -= 1;
            return Ok(());
        }
        match self.at {
            Where::Event { in_trace: true } => self.at = Where::Trace,
            Where::Event { in_trace: false } => {
                self.out.loose(&self.trace)?;
                self.at = Where::Log;
            }
            Where::Trace => {
                self.out.flush(&self.trace)?;
                self.at = Where::Log;
            }
            Where::Log => self.at = Where::After,
            // quick-xml reports an end tag that closes nothing.
            Where::Before | Where::After => {}
        }
        Ok(())
    }

    fn root(&mut self, e: &BytesStart<'_>, name: &str, here: u64, empty: bool) -> Result<(), LogError> {
        if name != "log" {
            let message = format!("the root element is <{name}>, not <log>: this is not an XES event log");
            return Err(self.error(here, message));
        }
        self.log_line = here;
        for attr in e.attributes().with_checks(false) {
            let attr = attr.map_err(|err| self.xml_error_at(here, &err.into()))?;
            if attr.key.as_ref() == "xes.version" {
                self.out.info.version = Some(attr.value.trim().to_owned());
            }
        }
        self.at = if empty { Where::After } else { Where::Log };
        Ok(())
    }

    fn event_attribute(&mut self, e: &BytesStart<'_>, here: u64) -> Result<(), LogError> {
        let (key, value) = key_value(e).map_err(|err| self.xml_error_at(here, &err))?;
        let Some(key) = key else { return Ok(()) };
        let Some((field, key)) = event_field(&key) else {
            if !self.out.ignored.contains(&*key) {
                self.out.ignored.insert(key.into_owned());
            }
            return Ok(());
        };
        let (Some(value), Some(ev)) = (value, self.trace.events.last()) else { return Ok(()) };
        if ev.slots[field as usize].is_none() {
            let (start, end) = self.trace.push(value.trim());
            if let Some(ev) = self.trace.events.last_mut() {
                ev.slots[field as usize] = Some(Slot { key, start, end });
            }
        }
        Ok(())
    }

    fn trace_attribute(&mut self, e: &BytesStart<'_>, here: u64) -> Result<(), LogError> {
        let (key, value) = key_value(e).map_err(|err| self.xml_error_at(here, &err))?;
        let (Some(key), Some(value)) = (key, value) else { return Ok(()) };
        let t = &mut self.trace;
        if &*key == "concept:name" {
            if t.id.is_none() {
                t.id = Some(t.push(value.trim()));
            }
        } else if let Some((field, k)) = case_field(&key) {
            if t.fields[field as usize].is_none() {
                let (start, end) = t.push(value.trim());
                t.fields[field as usize] = Some(Slot { key: k, start, end });
            }
        } else {
            let (start, mid) = t.push(&key);
            let (_, end) = t.push(value.trim());
            t.others.push((start, mid, end));
        }
        Ok(())
    }

    fn eof(&self) -> Result<(), LogError> {
        let line = self.line - u64::from(self.ends_with_newline && self.line > 1);
        match self.at {
            Where::After => Ok(()),
            Where::Before => {
                Err(self.error(line, "no <log> element: the file is empty or not an XES event log".to_owned()))
            }
            _ => Err(self.error(line, format!("the file ends {}; is it truncated?", self.inside()))),
        }
    }

    /// The innermost open element, for messages.
    fn inside(&self) -> String {
        match self.at {
            Where::Event { in_trace } => {
                let ev = self.trace.events.last().map_or(self.trace.line, |e| e.line);
                if in_trace {
                    format!("inside <event> (line {ev}) of <trace> (line {})", self.trace.line)
                } else {
                    format!("inside <event> (line {ev})")
                }
            }
            Where::Trace => format!("inside <trace> (opened on line {})", self.trace.line),
            Where::Log => format!("inside <log> (opened on line {}), before </log>", self.log_line),
            Where::Before => "before the <log> element".to_owned(),
            Where::After => "after </log>".to_owned(),
        }
    }

    fn error(&self, line: u64, message: String) -> LogError {
        LogError::Xml { path: self.path.to_path_buf(), line, message }
    }

    fn xml_error(&self, e: &quick_xml::Error) -> LogError {
        self.xml_error_at(self.line, e)
    }

    fn xml_error_at(&self, line: u64, e: &quick_xml::Error) -> LogError {
        use quick_xml::Error as X;
        let message = match e {
            X::Io(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
                format!("the file ends early ({io}) {}; is it truncated?", self.inside())
            }
            X::Io(io) => format!("cannot read the file ({io}) {}", self.inside()),
            X::Syntax(s) => format!("malformed XML: {s} ({}); is the file truncated?", self.inside()),
            X::IllFormed(i) => format!("malformed XML: {i}"),
            X::InvalidAttr(a) => format!("malformed XML attribute: {a}"),
            X::Escape(quick_xml::escape::EscapeError::UnrecognizedEntity(_, name)) => undefined_entity(name),
            X::Escape(x) => format!("bad character or entity reference: {x}"),
            X::Encoding(x) => match &self.encoding {
                Some(enc) => format!(
                    "not valid UTF-8 ({x}); the XML declaration says encoding=\"{enc}\" but flowaudit reads UTF-8 XES: convert it first (iconv -f {enc} -t UTF-8)"
                ),
                None => format!("not valid UTF-8 ({x}); flowaudit reads UTF-8 XES files"),
            },
            X::Namespace(n) => format!("malformed XML: {n}"),
        };
        self.error(line, message)
    }
}

/// The newlines in `bytes`, counted in blocks of 255 with a byte-wide counter (which vectorises
/// far better than a `usize` count).
pub(crate) fn newlines(bytes: &[u8]) -> u64 {
    bytes.chunks(255).map(|c| u64::from(c.iter().fold(0u8, |n, &b| n + u8::from(b == b'\n')))).sum()
}

fn undefined_entity(name: &str) -> String {
    format!(
        "`&{name};` is not an entity XES knows; only &amp; &lt; &gt; &quot; &apos; and character references are read (no DTD, no custom entities)"
    )
}

/// The unescaped `key` and `value` of an attribute element.
type KeyValue<'e> = (Option<Cow<'e, str>>, Option<Cow<'e, str>>);

fn key_value<'e>(e: &'e BytesStart<'_>) -> Result<KeyValue<'e>, quick_xml::Error> {
    let (mut key, mut value) = (None, None);
    for attr in e.attributes().with_checks(false) {
        let attr = attr?;
        match attr.key.as_ref() {
            "key" => key = Some(attr.normalized_value(XmlVersion::Implicit1_0)?),
            "value" => value = Some(attr.normalized_value(XmlVersion::Implicit1_0)?),
            _ => {}
        }
    }
    Ok((key, value))
}

/// Whether lifecycle `have` is `want` (already lower case), ignoring case.
fn same_transition(have: &str, want: &str) -> bool {
    have.eq_ignore_ascii_case(want) || (!have.is_ascii() && have.to_lowercase() == want)
}

/// What the read produces: the builder, the accounting and what was seen.
struct Out<'a> {
    path: &'a Path,
    b: LogBuilder,
    acc: Accounting,
    sink: &'a mut dyn RejectSink,
    times: TimeParser,
    lifecycle: Option<String>,
    /// Per field, the key of its first value in an accepted event or trace.
    seen: [Option<&'static str>; FIELDS],
    ignored: HashSet<String>,
    info: XesInfo,
}

impl<'a> Out<'a> {
    fn new(path: &'a Path, opts: &ReadOptions, sink: &'a mut dyn RejectSink) -> Self {
        let all = Present {
            role: true,
            resource: true,
            lifecycle: true,
            customer: true,
            tier: true,
            class: true,
            channel: true,
            business: true,
            brand: true,
        };
        Out {
            path,
            b: LogBuilder::new(all),
            acc: Accounting::default(),
            sink,
            times: TimeParser::new(opts.zone, opts.timestamp_format.clone()),
            lifecycle: opts.lifecycle.as_deref().map(str::to_lowercase),
            seen: [None; FIELDS],
            ignored: HashSet::new(),
            info: XesInfo::default(),
        }
    }

    fn reject(
        &mut self,
        t: &Trace,
        ev: &Pending,
        reason: Reason,
        case: Option<&str>,
        detail: String,
    ) -> Result<(), LogError> {
        let r = Reject { line: ev.line, reason, case: case.map(str::to_owned), detail, row: t.row(ev) };
        self.acc.reject(r, self.sink).map_err(|e| LogError::io("the rejects file", e))
    }

    /// Rejects the events of `t`, read outside any trace.
    fn loose(&mut self, t: &Trace) -> Result<(), LogError> {
        for ev in &t.events {
            self.acc.rows_read += 1;
            let detail = "an <event> directly under <log>, outside any <trace>: it belongs to no ticket".to_owned();
            self.reject(t, ev, Reason::EventOutsideTrace, None, detail)?;
        }
        Ok(())
    }

    /// Accepts, rejects or filters every event of the trace `t`, which has just ended.
    fn flush(&mut self, t: &Trace) -> Result<(), LogError> {
        let id = t.id.map(|(s, e)| &t.text[s..e]).filter(|s| !s.is_empty());
        let mut case = None;
        for ev in &t.events {
            self.acc.rows_read += 1;
            let Some(id) = id else {
                let what = if t.id.is_some() { "an empty concept:name" } else { "no concept:name" };
                let detail = format!("its <trace> (line {}) has {what}, so the event has no ticket id", t.line);
                self.reject(t, ev, Reason::MissingCaseId, None, detail)?;
                continue;
            };
            let slot = |f: Field| t.value(ev.slots[f as usize]);
            let Some(activity) = slot(Field::Activity).filter(|a| !a.is_empty()) else {
                let what = if slot(Field::Activity).is_some() { "an empty concept:name" } else { "no concept:name" };
                let detail = format!("the event has {what} (its activity)");
                self.reject(t, ev, Reason::MissingActivity, Some(id), detail)?;
                continue;
            };
            let time = match slot(Field::Time).map(|text| self.times.parse(text)) {
                None => Time::NONE,
                Some(Ok(time)) => time,
                Some(Err(e)) => {
                    self.reject(t, ev, reason_of(&e), Some(id), format!("time:timestamp: {e}"))?;
                    continue;
                }
            };
            let lifecycle = slot(Field::Lifecycle);
            if let (Some(want), Some(have)) = (&self.lifecycle, lifecycle)
                && !same_transition(have, want)
            {
                self.acc.filtered += 1;
                continue;
            }
            if self.b.event_count() >= MAX_EVENTS {
                return Err(LogError::TooLarge { path: self.path.to_path_buf(), line: ev.line, max: MAX_EVENTS });
            }
            let c = match case {
                Some(c) => c,
                None => *case.insert(self.open_case(t, id)),
            };
            let role = slot(Field::Role).or_else(|| slot(Field::Group));
            self.b.event(c, activity, time, Extras { role, resource: slot(Field::Resource), lifecycle });
            self.acc.accepted += 1;
            self.mark_seen(&ev.slots);
            if !time.is_some() {
                self.acc.note(NoteKind::Untimed, ev.line, || {
                    format!("ticket {id}: event `{activity}` has no time:timestamp; it keeps its place in file order")
                });
            }
            self.case_fields(t, &ev.slots, c, id, ev.line);
        }
        Ok(())
    }

    /// The case of trace `t` named `id`, at its first accepted event: created (with the trace's
    /// attributes) or, when an earlier trace had the name, shared and noted.
    fn open_case(&mut self, t: &Trace, id: &str) -> CaseIdx {
        let repeated = self.b.has_case(id);
        let c = self.b.case(id);
        if repeated {
            self.acc.note(NoteKind::RepeatedTrace, t.line, || {
                format!("trace `{id}` repeats the name of an earlier trace; their events form one ticket")
            });
        } else {
            for &(start, mid, end) in &t.others {
                self.b.case_attribute(c, &t.text[start..mid], &t.text[mid..end]);
            }
        }
        self.mark_seen(&t.fields);
        self.case_fields(t, &t.fields, c, id, t.line);
        c
    }

    fn mark_seen(&mut self, slots: &Slots) {
        for (seen, slot) in self.seen.iter_mut().zip(slots) {
            if seen.is_none()
                && let Some(s) = slot
            {
                *seen = Some(s.key);
            }
        }
    }

    /// Sets the ticket-level fields `slots` carry; a value that differs from the kept one is noted.
    fn case_fields(&mut self, t: &Trace, slots: &Slots, c: CaseIdx, id: &str, line: u64) {
        for (field, case_field) in CASE_FIELDS {
            if let Some(value) = t.value(slots[field as usize])
                && let Some(kept) = self.b.set_case_value(c, case_field, value)
            {
                let name = case_field.name();
                self.acc.note(NoteKind::CaseValueChanged, line, || {
                    format!("ticket {id}: {name} `{value}` differs from `{kept}` read before; `{kept}` is kept")
                });
            }
        }
        let Some(text) = t.value(slots[Field::Tier as usize]).filter(|s| !s.is_empty()) else { return };
        match parse_tier(text) {
            Some(stars) => {
                if let Some(kept) = self.b.set_tier(c, stars) {
                    self.acc.note(NoteKind::CaseValueChanged, line, || {
                        format!("ticket {id}: tier {stars} differs from {kept} read before; {kept} is kept")
                    });
                }
            }
            None => self.acc.note(NoteKind::BadTier, line, || {
                format!("ticket {id}: tier `{text}` is not 1-5 stars; the event is kept without a tier")
            }),
        }
    }

    /// The log, with the columns no accepted event filled left out, and how it was read.
    fn finish(self) -> (EventLog, Accounting, XesInfo) {
        let Out { b, acc, seen, ignored, mut info, .. } = self;
        let mut log = b.finish();
        let has = |f: Field| seen[f as usize];
        let role = has(Field::Role).or(has(Field::Group));
        let ev = &mut log.events;
        for (col, key) in
            [(&mut ev.role, role), (&mut ev.resource, has(Field::Resource)), (&mut ev.lifecycle, has(Field::Lifecycle))]
        {
            if key.is_none() {
                *col = None;
            }
        }
        let cases = &mut log.cases;
        for (col, f) in [
            (&mut cases.customer, Field::Customer),
            (&mut cases.class, Field::Class),
            (&mut cases.channel, Field::Channel),
            (&mut cases.business, Field::Business),
            (&mut cases.brand, Field::Brand),
        ] {
            if has(f).is_none() {
                *col = None;
            }
        }
        if has(Field::Tier).is_none() {
            cases.tier = None;
        }
        let case_key = (log.case_count() > 0).then_some("concept:name");
        info.keys = [
            ("case", case_key),
            ("activity", has(Field::Activity)),
            ("timestamp", has(Field::Time)),
            ("role", role),
            ("resource", has(Field::Resource)),
            ("lifecycle", has(Field::Lifecycle)),
            ("customer", has(Field::Customer)),
            ("tier", has(Field::Tier)),
            ("class", has(Field::Class)),
            ("channel", has(Field::Channel)),
            ("business", has(Field::Business)),
            ("brand", has(Field::Brand)),
        ]
        .into_iter()
        .filter_map(|(name, key)| key.map(|k| (name, k.to_owned())))
        .collect();
        let mut ignored: Vec<String> = ignored.into_iter().collect();
        ignored.sort_unstable();
        info.ignored_event_keys = ignored;
        (log, acc, info)
    }
}

#[cfg(test)]
#[path = "xes_tests.rs"]
mod tests;
