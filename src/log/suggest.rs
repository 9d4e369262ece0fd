//! Suggested log profiles: for every activity label and department name of a log that the
//! process's own labels do not cover, the most similar step or role, for a person to review.
//!
//! Owns [`suggest`] (the data), [`similarity`] and [`Features`] (the scoring) and
//! [`write_profile`] (a log profile in YAML that [`Profile::load`] reads back, with the scores as
//! comments). `flowaudit log suggest-profile` is the command; `docs/log-format.md` documents it.
//!
//! ## Scoring
//!
//! A log label is compared with every label of a candidate: a step's id, `name`, `name_zh` and
//! `aliases` (a role's, for department names). Both are cut into **features**:
//! - Chinese (Han characters; kana and hangul alike): the character bigrams of each run of such
//!   characters (`后台专家诊断` gives `后台 台专 专家 家诊 诊断`). When either of the two labels has at
//!   most [`SHORT_LABEL`] such characters, single characters count too for that pair, so that a
//!   two-character label such as `归档` still meets `工单归档`.
//! - Everything else: words, lowercased, split on every character that is not a letter or digit
//!   (`soothe-record` gives `soothe record`), English function words (`to`, `the`, `and`, ...)
//!   left out.
//!
//! The score of two labels is the Dice coefficient of their feature multisets,
//! `2 |A ∩ B| / (|A| + |B|)`: 0 when they share nothing, 1 when they have the same features. A
//! candidate's score is the best over its labels; the label that gave it is reported (`like`).
//!
//! **Threshold.** A label whose best candidate scores under [`THRESHOLD`] (0.40) is not placed: it
//! is written as a commented line (`# 某标签: ?`), so the profile still loads and the label stays
//! unmapped until a person decides. 0.40 keeps renamings that share a real part of their words
//! (`后台专家诊断` and `专家诊断`, 0.75) and refuses labels that share one common pair of
//! characters (`回访客户` and `回复客户` share only `客户`: 0.33).
//!
//! **Tie-break.** Between candidates of equal score, a step is preferred when it sits where the
//! label sits: the label's mean relative position among its tickets' events (0 first, 1 last)
//! against the step's depth on the designed flow (the longest path from the start over designed
//! flows, loops excluded, over the deepest step's: alternatives such as the maintenance and
//! construction branches share one depth, which an index in a topological order would not). A
//! role is preferred by the share of the department's events whose step it owns (by the current
//! mapping and the placed suggestions). Remaining ties go to the candidate written first.
//!
//! ## Cost
//!
//! O(events) to count labels and positions, plus O(labels x candidate labels x features) to
//! score: a few thousand comparisons of short vectors for a month of a real ticket system.
//!
//! ```
//! use flowaudit::log::suggest::{THRESHOLD, similarity};
//! assert_eq!(similarity("后台专家诊断", "专家诊断"), 0.75);
//! assert_eq!(similarity("Customer reply", "Reply to customer"), 1.0, "`to` is left out");
//! assert!(similarity("回访客户", "回复客户") < THRESHOLD);
//! ```

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use chrono_tz::Tz;
use petgraph::Direction;
use serde::Serialize;
use unicode_width::UnicodeWidthStr as _;

use crate::log::department::Departments;
use crate::log::event_log::EventLog;
use crate::log::intern::Sym;
use crate::log::mapping::{ActivityMapping, LabelIndex};
use crate::log::options::Encoding;
use crate::log::profile::{LabelMapping, Profile};
use crate::model::diagnostic::Diagnostic;
use crate::model::process::{Process, StepId};

/// The lowest score at which a suggestion is written as an entry; below it the label is left as
/// a commented `?` line.
pub const THRESHOLD: f64 = 0.4;

/// Labels with at most this many Chinese characters are "very short": compared with another
/// label, single characters count as well as bigrams.
pub const SHORT_LABEL: usize = 3;

/// English words too common to tell steps apart.
const STOP_WORDS: [&str; 10] = ["a", "an", "and", "as", "at", "for", "of", "the", "to", "with"];

/// Whether `c` is written without spaces between words (Han, kana, hangul): such text is
/// compared by characters, not words.
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{AC00}'..='\u{D7AF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3134F}')
}

/// `num / den` for display-grade shares of small counts.
#[expect(clippy::cast_precision_loss, reason = "counts far below 2^52")]
fn ratio(num: usize, den: usize) -> f64 {
    if den == 0 { 0.0 } else { num as f64 / den as f64 }
}

/// The features of one label that [`similarity`] compares, each list sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Features {
    /// Lowercased words of the text that is not Chinese, function words left out.
    words: Vec<String>,
    /// Bigrams of each run of Chinese characters.
    bigrams: Vec<[char; 2]>,
    /// The Chinese characters (unigrams), used when one of two labels is very short.
    chars: Vec<char>,
}

/// Size of the intersection of two sorted multisets. O(|a| + |b|).
fn common<T: Ord>(a: &[T], b: &[T]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

impl Features {
    /// The features of `label`. O(length).
    pub fn of(label: &str) -> Features {
        let mut f = Features::default();
        let mut word = String::new();
        let mut prev: Option<char> = None;
        let end_word = |word: &mut String, words: &mut Vec<String>| {
            if !word.is_empty() && !STOP_WORDS.contains(&word.as_str()) {
                words.push(std::mem::take(word));
            }
            word.clear();
        };
        for c in label.chars() {
            if is_cjk(c) {
                end_word(&mut word, &mut f.words);
                if let Some(p) = prev {
                    f.bigrams.push([p, c]);
                }
                f.chars.push(c);
                prev = Some(c);
            } else {
                prev = None;
                if c.is_alphanumeric() {
                    word.extend(c.to_lowercase());
                } else {
                    end_word(&mut word, &mut f.words);
                }
            }
        }
        end_word(&mut word, &mut f.words);
        f.words.sort_unstable();
        f.bigrams.sort_unstable();
        f.chars.sort_unstable();
        f
    }

    /// Whether the label has Chinese text, and at most [`SHORT_LABEL`] characters of it.
    fn is_short(&self) -> bool {
        (1..=SHORT_LABEL).contains(&self.chars.len())
    }

    /// The Dice coefficient of the two labels' features (see the module docs), 0 to 1.
    /// O(features).
    pub fn similarity(&self, other: &Features) -> f64 {
        let mut shared = common(&self.words, &other.words) + common(&self.bigrams, &other.bigrams);
        let mut total = self.words.len() + other.words.len() + self.bigrams.len() + other.bigrams.len();
        if self.is_short() || other.is_short() {
            shared += common(&self.chars, &other.chars);
            total += self.chars.len() + other.chars.len();
        }
        ratio(2 * shared, total)
    }
}

/// How alike two labels are, 0 to 1 (the Dice coefficient of their features; module docs).
pub fn similarity(a: &str, b: &str) -> f64 {
    Features::of(a).similarity(&Features::of(b))
}

/// A step or role with the features of each of its labels.
struct Candidate<'p> {
    id: &'p str,
    labels: Vec<(&'p str, Features)>,
}

impl<'p> Candidate<'p> {
    fn new(id: &'p str, labels: impl Iterator<Item = &'p str>) -> Self {
        Candidate { id, labels: labels.map(|l| (l, Features::of(l))).collect() }
    }

    /// The best score over the candidate's labels and the (first) label that gave it.
    fn score(&self, f: &Features) -> (f64, &'p str) {
        let mut best = (0.0, "");
        for (label, g) in &self.labels {
            let s = f.similarity(g);
            if s > best.0 {
                best = (s, label);
            }
        }
        best
    }
}

/// The most similar candidate to a label.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Match {
    /// The step or role id.
    pub id: String,
    /// Its score, 0 to 1.
    pub score: f64,
    /// The candidate's label that gave the score.
    pub like: String,
}

/// The most similar of `candidates` to `f`, ties broken by the larger `tie(candidate index)`,
/// then by the first; `None` when no candidate shares a feature with it.
fn best_match(f: &Features, candidates: &[Candidate<'_>], tie: impl Fn(usize) -> f64) -> Option<Match> {
    let mut best: Option<(f64, f64, usize, &str)> = None;
    for (i, c) in candidates.iter().enumerate() {
        let (score, like) = c.score(f);
        if score <= 0.0 {
            continue;
        }
        let t = tie(i);
        let better = best.is_none_or(|(s, bt, _, _)| score.total_cmp(&s).then(t.total_cmp(&bt)).is_gt());
        if better {
            best = Some((score, t, i, like));
        }
    }
    best.map(|(score, _, i, like)| Match { id: candidates[i].id.to_owned(), score, like: like.to_owned() })
}

/// A log label that names nothing yet, and the candidate most like it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    /// The label as the log writes it.
    pub label: String,
    /// Events with it.
    pub events: u64,
    /// The most similar step or role, when any shares a feature with the label (placed or not).
    pub best: Option<Match>,
}

impl Suggestion {
    /// The match to write as an entry: the best one, when it scores at least [`THRESHOLD`].
    pub fn placed(&self) -> Option<&Match> {
        self.best.as_ref().filter(|m| m.score >= THRESHOLD)
    }
}

/// A log label that already names a step or role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Known {
    /// The label as the log writes it.
    pub label: String,
    /// The step or role id it names.
    pub id: String,
    /// Events with it.
    pub events: u64,
    /// Whether the log profile read with the log maps it (else the model's own labels do).
    pub by_profile: bool,
}

/// The labels of one of a log's columns (activities or departments) against a process.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    /// Labels that already name a step or role, most events first, then by label.
    pub known: Vec<Known>,
    /// Labels that do not, with their best candidate, most events first, then by label.
    pub suggestions: Vec<Suggestion>,
}

/// What `log suggest-profile` found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SuggestedProfile {
    /// The process id.
    pub process: String,
    /// The activity labels.
    pub activities: Section,
    /// The department names, when the log has a department column.
    pub roles: Option<Section>,
}

/// The mean relative position (0 first, 1 last) of each activity among its tickets' events,
/// indexed by the activity's `Sym`; a one-event ticket's event counts as 0.5. O(events).
pub fn mean_positions(log: &EventLog) -> Vec<f64> {
    let mut sum = vec![0.0; log.activities.len()];
    let mut count = vec![0usize; log.activities.len()];
    for case in log.case_indices() {
        let trace = log.trace(case);
        for (i, a) in trace.iter().enumerate() {
            sum[a.index()] += if trace.len() < 2 { 0.5 } else { ratio(i, trace.len() - 1) };
            count[a.index()] += 1;
        }
    }
    // `ratio(n, 1)` is `n` as a float.
    sum.iter().zip(&count).map(|(s, &n)| if n == 0 { 0.5 } else { s / ratio(n, 1) }).collect()
}

/// Each step's depth on the designed flow over the deepest step's (0 the start, 1 the deepest),
/// indexed by [`StepId`]: the longest path from a source over designed flows (loops excluded),
/// gateways counted as nodes. O(nodes + edges), Kahn's topological order.
pub fn design_positions(process: &Process) -> Vec<f64> {
    let g = &process.graph;
    let n = g.graph.node_count();
    let mut indegree = vec![0usize; n];
    for v in g.graph.node_indices() {
        for w in g.flow_neighbors(v, Direction::Outgoing) {
            indegree[w.index()] += 1;
        }
    }
    let mut depth = vec![0usize; n];
    let mut ready: Vec<_> = g.graph.node_indices().filter(|v| indegree[v.index()] == 0).collect();
    while let Some(v) = ready.pop() {
        for w in g.flow_neighbors(v, Direction::Outgoing) {
            depth[w.index()] = depth[w.index()].max(depth[v.index()] + 1);
            indegree[w.index()] -= 1;
            if indegree[w.index()] == 0 {
                ready.push(w);
            }
        }
    }
    // Node `i` is step `i` (gateways follow), so the steps' depths are the first ones.
    let deepest = depth.iter().take(process.steps.len()).copied().max().unwrap_or(0);
    (0..process.steps.len()).map(|i| ratio(depth.get(i).copied().unwrap_or(0), deepest)).collect()
}

fn by_events_then_label<T>(key: impl Fn(&T) -> (u64, &str)) -> impl Fn(&T, &T) -> std::cmp::Ordering {
    move |a, b| {
        let (ea, la) = key(a);
        let (eb, lb) = key(b);
        eb.cmp(&ea).then_with(|| la.cmp(lb))
    }
}

/// An index of `explicit` entries' labels alone: whether a label is one of them (exactly, or
/// ignoring case and spaces), which tells labels the profile maps from those the model's own do.
fn explicit_index(explicit: &[LabelMapping]) -> LabelIndex<()> {
    LabelIndex::new(explicit.iter().map(|m| (m.label.value.clone(), ())).collect(), Vec::new())
}

/// What to suggest for `log` against `process`, read with `profile` (whose entries apply first).
///
/// Every activity label (and, when the log has a department column, every department name) is
/// either known (it names a step or role already, by the profile or the model's labels) or a
/// suggestion with its best candidate (module docs: scoring, threshold, tie-break). An entry of
/// `profile` naming a step or role the process lacks is an error located in the profile.
///
/// O(events + labels x candidate labels x features).
pub fn suggest(
    log: &EventLog,
    process: &Process,
    profile: Option<&Profile>,
) -> Result<SuggestedProfile, Vec<Diagnostic>> {
    let none: &[LabelMapping] = &[];
    let (acts, roles, resources, file) = profile
        .map_or((none, none, none, ""), |p| (&p.activities[..], &p.roles[..], &p.resources[..], p.file.as_str()));
    let mapping = ActivityMapping::new(log, process, acts, file);
    let departments = Departments::new(log, process, roles, resources, file);
    let (mapping, departments) = match (mapping, departments) {
        (Ok(m), Ok(d)) => (m, d),
        (m, d) => return Err(m.err().into_iter().chain(d.err()).flatten().collect()),
    };
    let activities = activity_section(log, process, &mapping, &explicit_index(acts));
    // The step of every activity once the placed suggestions are taken: what the roles' tie-break
    // counts.
    let mut step_of = mapping.step_of.clone();
    for s in &activities.suggestions {
        if let (Some(m), Some(sym)) = (s.placed(), log.activities.get(&s.label)) {
            step_of[sym.index()] = process.step_id(&m.id);
        }
    }
    let roles = log
        .events
        .role
        .as_ref()
        .map(|column| role_section(log, process, &departments, column, &step_of, &explicit_index(roles)));
    Ok(SuggestedProfile { process: process.id.clone(), activities, roles })
}

fn activity_section(
    log: &EventLog,
    process: &Process,
    mapping: &ActivityMapping,
    explicit: &LabelIndex<()>,
) -> Section {
    let mut events = vec![0u64; log.activities.len()];
    for a in &log.activity {
        events[a.index()] += 1;
    }
    let observed = mean_positions(log);
    let design = design_positions(process);
    let steps: Vec<Candidate<'_>> = process.steps.iter().map(|s| Candidate::new(&s.id, s.labels())).collect();
    let mut section = Section { known: Vec::new(), suggestions: Vec::new() };
    for (sym, label) in log.activities.iter() {
        let n = events[sym.index()];
        if n == 0 {
            continue;
        }
        if let Some(step) = mapping.step_of[sym.index()] {
            let id = process.step(step).id.clone();
            section.known.push(Known {
                label: label.to_owned(),
                id,
                events: n,
                by_profile: explicit.find(label).is_some(),
            });
        } else {
            let at = observed[sym.index()];
            let best = best_match(&Features::of(label), &steps, |i| -(at - design[i]).abs());
            section.suggestions.push(Suggestion { label: label.to_owned(), events: n, best });
        }
    }
    section.known.sort_by(by_events_then_label(|k: &Known| (k.events, k.label.as_str())));
    section.suggestions.sort_by(by_events_then_label(|s: &Suggestion| (s.events, s.label.as_str())));
    section
}

fn role_section(
    log: &EventLog,
    process: &Process,
    departments: &Departments,
    column: &[Sym],
    step_of: &[Option<StepId>],
    explicit: &LabelIndex<()>,
) -> Section {
    // Events per value, and one event of each (its department is the value's).
    let mut events: HashMap<u32, (u64, usize)> = HashMap::new();
    for (e, v) in column.iter().enumerate() {
        if v.is_some() && !log.values.resolve(*v).trim().is_empty() {
            events.entry(v.0).or_insert((0, e)).0 += 1;
        }
    }
    let mut section = Section { known: Vec::new(), suggestions: Vec::new() };
    // Per unknown value, its events by the owning role of their step.
    let mut owned: HashMap<u32, Vec<u64>> = HashMap::new();
    for (&v, &(_, e)) in &events {
        if departments.role(departments.of_event(log, e, None, process)).is_none() {
            owned.insert(v, vec![0; process.roles.len()]);
        }
    }
    for (e, v) in column.iter().enumerate() {
        if let (Some(own), Some(step)) = (owned.get_mut(&v.0), step_of[log.activity[e].index()]) {
            own[process.step(step).role.0 as usize] += 1;
        }
    }
    let roles: Vec<Candidate<'_>> = process.roles.iter().map(|r| Candidate::new(&r.id, r.labels())).collect();
    for (&v, &(n, e)) in &events {
        let label = log.values.resolve(Sym(v)).to_owned();
        if let Some(own) = owned.get(&v) {
            let total = usize::try_from(n).unwrap_or(usize::MAX);
            let share = |i: usize| ratio(usize::try_from(own[i]).unwrap_or(usize::MAX), total);
            let best = best_match(&Features::of(&label), &roles, share);
            section.suggestions.push(Suggestion { label, events: n, best });
        } else if let Some(r) = departments.role(departments.of_event(log, e, None, process)) {
            let by_profile = explicit.find(&label).is_some();
            section.known.push(Known { label, id: process.role(r).id.clone(), events: n, by_profile });
        }
    }
    section.known.sort_by(by_events_then_label(|k: &Known| (k.events, k.label.as_str())));
    section.suggestions.sort_by(by_events_then_label(|s: &Suggestion| (s.events, s.label.as_str())));
    section
}

/// How the log was read, for the profile's header keys: what a flag or the read profile gave.
#[derive(Debug, Clone, Default)]
pub struct ReadSettings<'a> {
    /// The log file, as the user named it.
    pub log_file: &'a str,
    /// Each field read and its CSV column; empty for XES.
    pub columns: &'a [(&'static str, String)],
    /// Whether the log is XES (whose attributes need no column names).
    pub xes: bool,
    /// The delimiter, when given.
    pub delimiter: Option<u8>,
    /// The encoding, when given.
    pub encoding: Option<Encoding>,
    /// The zone of naive timestamps, when given.
    pub zone: Option<Tz>,
    /// The timestamp layout, when given.
    pub timestamp_format: Option<&'a str>,
    /// The lifecycle filter, when given.
    pub lifecycle: Option<&'a str>,
    /// The profile the log was read with: its entries are kept.
    pub profile: Option<&'a Profile>,
}

/// Whether `s` can be written as a plain YAML scalar: letters, digits, a few safe marks and
/// non-ASCII text, not starting with `-` and not a word YAML reads as null.
fn is_plain(s: &str) -> bool {
    let safe = |c: char| {
        c.is_alphanumeric()
            || matches!(c, ' ' | '-' | '_' | '.' | '/' | '(' | ')' | '+')
            || (!c.is_ascii() && !c.is_control() && !c.is_whitespace() && c != '\u{feff}')
    };
    !s.is_empty()
        && s.trim() == s
        && !s.starts_with(['-', '.'])
        && s.chars().all(safe)
        && !matches!(s.to_ascii_lowercase().as_str(), "null" | "true" | "false" | "yes" | "no" | "on" | "off")
}

/// `s` as a YAML scalar: plain when that is safe, else double-quoted with escapes.
fn scalar(s: &str) -> Cow<'_, str> {
    if is_plain(s) {
        return Cow::Borrowed(s);
    }
    let mut q = String::with_capacity(s.len() + 2);
    q.push('"');
    for c in s.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            '\n' => q.push_str("\\n"),
            '\t' => q.push_str("\\t"),
            '\r' => q.push_str("\\r"),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') => {
                let _ = write!(q, "\\u{:04X}", u32::from(c));
            }
            c => q.push(c),
        }
    }
    q.push('"');
    Cow::Owned(q)
}

fn events(n: u64) -> String {
    if n == 1 { "1 event".to_owned() } else { format!("{n} events") }
}

/// The profile's `key:` block: the read profile's own entries, the known labels as comments,
/// then the suggestions, placed ones as entries and the others as commented `?` lines.
fn write_section(
    out: &mut impl Write,
    key: &str,
    noun: &str,
    section: &Section,
    kept: &[LabelMapping],
    profile_file: &str,
) -> io::Result<()> {
    let placed = section.suggestions.iter().filter(|s| s.placed().is_some()).count();
    if kept.is_empty() && placed == 0 {
        writeln!(out, "{key}: {{}}")?;
    } else {
        writeln!(out, "{key}:")?;
    }
    if !kept.is_empty() {
        writeln!(out, "  # from the profile {profile_file}:")?;
        for m in kept {
            writeln!(out, "  {}: {}", scalar(&m.label.value), scalar(&m.step.value))?;
        }
    }
    let model_known: Vec<&Known> = section.known.iter().filter(|k| !k.by_profile).collect();
    if !model_known.is_empty() {
        writeln!(out, "  # already named by the {noun}s' own labels (no entry needed):")?;
        for k in model_known {
            writeln!(out, "  #   {}: {}  ({})", scalar(&k.label), k.id, events(k.events))?;
        }
    }
    let lines: Vec<(String, String)> = section
        .suggestions
        .iter()
        .map(|s| {
            let label = scalar(&s.label);
            match (s.placed(), &s.best) {
                (Some(m), _) => (
                    format!("{label}: {}", m.id),
                    format!("# {:.2}, like {}; {}", m.score, scalar(&m.like), events(s.events)),
                ),
                (None, Some(m)) => (
                    format!("# {label}: ?"),
                    format!(
                        "# no {noun} is similar enough (best: {} {:.2}, like {}); {}",
                        m.id,
                        m.score,
                        scalar(&m.like),
                        events(s.events)
                    ),
                ),
                (None, None) => {
                    (format!("# {label}: ?"), format!("# no {noun} shares anything with it; {}", events(s.events)))
                }
            }
        })
        .collect();
    let width = lines.iter().map(|(entry, _)| entry.width()).max().unwrap_or(0).min(48);
    for (entry, comment) in lines {
        let pad = width.saturating_sub(entry.width());
        writeln!(out, "  {entry}{:pad$}  {comment}", "")?;
    }
    Ok(())
}

/// Writes `s` as a log profile for review: a header comment naming the process and the log, the
/// settings `read` says were given, the columns read, then `activities:` and `roles:` (and the
/// read profile's `resources:`). Deterministic: no dates, everything sorted. The text loads with
/// [`Profile::load`] and maps exactly the placed suggestions plus what already mapped.
pub fn write_profile(out: &mut impl Write, s: &SuggestedProfile, read: &ReadSettings<'_>) -> io::Result<()> {
    writeln!(out, "# Log profile suggested by `flowaudit log suggest-profile` for process `{}`,", s.process)?;
    writeln!(out, "# from the log {}.", scalar(read.log_file))?;
    writeln!(out, "# Review it before use. Each suggested entry's comment gives its score (0 to 1: how alike the")?;
    writeln!(out, "# log's label and the closest label of the step or role are) and that label; a `?` line had")?;
    writeln!(out, "# nothing scoring {THRESHOLD:.2} or more: fill in an id and remove the `#`, or leave it unmapped.")?;
    writeln!(out, "# How labels are scored: docs/log-format.md, \"Suggesting a profile\".")?;
    writeln!(out, "description: {}", scalar(&format!("suggested for {}; review before use", s.process)))?;
    if read.xes {
        writeln!(out, "# columns: none needed, an XES log names its attributes by the standard keys")?;
    } else if !read.columns.is_empty() {
        writeln!(out, "columns:")?;
        for (field, column) in read.columns {
            writeln!(out, "  {field}: {}", scalar(column))?;
        }
    }
    if let Some(d) = read.delimiter {
        let d = if d == b'\t' { "tab".to_owned() } else { char::from(d).to_string() };
        writeln!(out, "delimiter: {}", scalar(&d))?;
    }
    if let Some(e) = read.encoding {
        writeln!(out, "encoding: {}", if e == Encoding::Utf8 { "utf-8" } else { "gbk" })?;
    }
    if let Some(z) = read.zone {
        writeln!(out, "timezone: {}", scalar(z.name()))?;
    }
    if let Some(f) = read.timestamp_format {
        writeln!(out, "timestamp_format: {}", scalar(f))?;
    }
    if let Some(l) = read.lifecycle {
        writeln!(out, "lifecycle: {}", scalar(l))?;
    }
    let none: &[LabelMapping] = &[];
    let (acts, roles, resources, file) = read
        .profile
        .map_or((none, none, none, ""), |p| (&p.activities[..], &p.roles[..], &p.resources[..], p.file.as_str()));
    write_section(out, "activities", "step", &s.activities, acts, file)?;
    match &s.roles {
        Some(section) => write_section(out, "roles", "role", section, roles, file)?,
        None if !roles.is_empty() => {
            writeln!(out, "roles:")?;
            writeln!(out, "  # from the profile {file} (the log has no department column):")?;
            for m in roles {
                writeln!(out, "  {}: {}", scalar(&m.label.value), scalar(&m.step.value))?;
            }
        }
        None => writeln!(out, "# roles: none suggested, the log has no department column")?,
    }
    if !resources.is_empty() {
        writeln!(out, "resources:")?;
        writeln!(out, "  # from the profile {file}:")?;
        for m in resources {
            writeln!(out, "  {}: {}", scalar(&m.label.value), scalar(&m.step.value))?;
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "suggest_tests.rs"]
mod tests;
