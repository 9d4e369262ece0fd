//! `processes/time-limits.yaml`: time limits per process (and per step), by customer tier and
//! problem class, each counted on a named working calendar.
//!
//! Owns [`TimeLimits`], [`LimitRule`], [`Measure`] and [`Amount`], decoded with every problem
//! located at `file:line:column` (like process files), and checked against the processes and
//! calendars it names. The format is documented in `docs/time-limits.md`. A rule **measures**:
//!
//! - `ticket`: the whole ticket, from its first event to its last (to `--as-of` while open);
//! - `until`: from the ticket's first event to its first event of one of `steps` (a reply rule);
//! - `step`: each event of one of `steps`, from the event before it (the step's own time).
//!
//! For each measure, a ticket takes the first rule in file order that matches its process, class
//! and channel. Decoding is O(nodes).

use std::path::Path;

use crate::model::decode::{Decoder, suggest};
use crate::model::diagnostic::{Code, Diagnostic, Span, Spanned};
use crate::model::duration::Limit;
use crate::model::library::read_text;
use crate::model::yaml::{self, Node, NodeKind};

/// The file's name in a process directory.
pub const FILE_NAME: &str = "time-limits.yaml";

const KEYS: [&str; 2] = ["description", "limits"];
const RULE_KEYS: [&str; 9] =
    ["id", "description", "processes", "classes", "channels", "calendar", "measure", "steps", "limit"];

/// What a rule measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Measure {
    /// The whole ticket.
    Ticket,
    /// From the ticket's first event to its first event of one of the rule's steps.
    Until,
    /// Each event of one of the rule's steps, from the event before it.
    Step,
}

impl Measure {
    /// Every measure, in report order.
    pub const ALL: [Measure; 3] = [Measure::Ticket, Measure::Until, Measure::Step];

    /// Its name in the file.
    pub fn as_str(self) -> &'static str {
        match self {
            Measure::Ticket => "ticket",
            Measure::Until => "until",
            Measure::Step => "step",
        }
    }
}

/// A limit as written: working days (of the rule's calendar) or a duration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Amount {
    /// `20d`, `1.5 days`: days of the calendar (24 h on a 24x7 calendar, one working day's hours
    /// on a working calendar).
    Days(f64),
    /// `8h`, `90m`, `1h30m`: working time.
    Seconds(u64),
}

impl Amount {
    /// Parses `8h`, `20d`, `1.5 days`, `1h30m`.
    pub fn parse(text: &str) -> Result<Amount, String> {
        let t = text.trim();
        for unit in ["days", "day", "d"] {
            if let Some(n) = t.strip_suffix(unit)
                && let Ok(days) = n.trim().parse::<f64>()
            {
                return if days.is_finite() && days > 0.0 {
                    Ok(Amount::Days(days))
                } else {
                    Err(format!("`{text}` is not a positive number of days"))
                };
            }
        }
        match Limit::parse(t) {
            Ok(l) if l.seconds > 0 => Ok(Amount::Seconds(l.seconds)),
            Ok(_) => Err(format!("`{text}` is no time at all")),
            Err(e) => Err(e),
        }
    }

    /// The amount in microseconds of working time, a day being `day_micros`.
    pub fn micros(self, day_micros: i64) -> i64 {
        match self {
            #[expect(clippy::cast_possible_truncation, reason = "limits are far below 2^63 microseconds")]
            #[expect(clippy::cast_precision_loss, reason = "a day has far fewer than 2^52 microseconds")]
            Amount::Days(d) => (d * day_micros as f64).round() as i64,
            Amount::Seconds(s) => i64::try_from(s).unwrap_or(i64::MAX / 2).saturating_mul(1_000_000),
        }
    }
}

/// One rule of the file.
#[derive(Debug, Clone, PartialEq)]
pub struct LimitRule {
    /// Its id (the line number when none is written).
    pub id: String,
    /// Processes it applies to (empty: every process).
    pub processes: Vec<String>,
    /// Problem classes it applies to (empty: every class, and tickets without one).
    pub classes: Vec<String>,
    /// Channels it applies to (empty: every channel).
    pub channels: Vec<String>,
    /// The calendar its time is counted on.
    pub calendar: String,
    /// What it measures.
    pub measure: Measure,
    /// The steps of `until` and `step` rules.
    pub steps: Vec<String>,
    /// The limit by tier: index 1-5 for one to five stars; index 0 is the limit of tickets without a
    /// tier (only when the rule gives one limit for every tier).
    pub limit: [Option<Amount>; 6],
    /// Where it was written.
    pub span: Span,
}

impl LimitRule {
    /// Whether it applies to a ticket of `process`, `class` and `channel`.
    pub fn applies(&self, process: &str, class: Option<&str>, channel: Option<&str>) -> bool {
        (self.processes.is_empty() || self.processes.iter().any(|p| p == process))
            && (self.classes.is_empty() || class.is_some_and(|c| self.classes.iter().any(|x| x == c)))
            && (self.channels.is_empty() || channel.is_some_and(|c| self.channels.iter().any(|x| x == c)))
    }

    /// Whether its limit depends on the tier.
    pub fn by_tier(&self) -> bool {
        self.limit[0].is_none()
    }
}

/// The decoded file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TimeLimits {
    /// The file.
    pub file: String,
    /// Its text.
    pub text: String,
    /// Rules in file order.
    pub rules: Vec<LimitRule>,
}

/// A file that could not be used: every problem, and the text they point into.
pub type TimeLimitsError = crate::model::diagnostic::FileErrors;

/// What the rules may name: process ids with their step ids, and calendar ids.
pub struct Known<'a> {
    /// Each process and its steps.
    pub processes: Vec<(&'a str, Vec<&'a str>)>,
    /// Calendar ids.
    pub calendars: Vec<&'a str>,
}

impl TimeLimits {
    /// Reads `path` and checks it against what is `known`.
    pub fn load(path: &Path, known: &Known<'_>) -> Result<TimeLimits, TimeLimitsError> {
        let name = path.display().to_string();
        let text = read_text(path, &name).map_err(|d| TimeLimitsError { diagnostics: vec![d], text: None })?;
        TimeLimits::parse(&text, &name, known)
    }

    /// Decodes `text` (the file `name`) and checks it against what is `known`.
    pub fn parse(text: &str, name: &str, known: &Known<'_>) -> Result<TimeLimits, TimeLimitsError> {
        let fail = |d: Vec<Diagnostic>| TimeLimitsError { diagnostics: d, text: Some(text.to_owned()) };
        let root =
            yaml::root(text, name, "time-limits.yaml has `limits:` with one entry per rule; see docs/time-limits.md")
                .map_err(|e| fail(vec![e]))?;
        let mut d = Decoder::new(name);
        let rules = decode(&mut d, &root, known);
        if d.has_errors() {
            return Err(fail(d.diagnostics));
        }
        Ok(TimeLimits { file: name.to_owned(), text: text.to_owned(), rules })
    }

    /// The first rule of `measure` that applies to a ticket of `process`, `class`, `channel`.
    pub fn rule(
        &self,
        measure: Measure,
        process: &str,
        class: Option<&str>,
        channel: Option<&str>,
    ) -> Option<&LimitRule> {
        self.rules.iter().find(|r| r.measure == measure && r.applies(process, class, channel))
    }
}

fn decode(d: &mut Decoder<'_>, root: &Node, known: &Known<'_>) -> Vec<LimitRule> {
    let Some(f) = d.fields(root, "time-limits.yaml", &KEYS) else { return Vec::new() };
    let _ = d.opt_text(&f, "description", "time-limits.yaml");
    let Some(list) = d.required(&f, "limits", "time-limits.yaml", "add `limits:` with one entry per rule") else {
        return Vec::new();
    };
    let mut rules: Vec<LimitRule> = Vec::new();
    for node in d.list(list, "`limits`") {
        if let Some(rule) = decode_rule(d, node, known) {
            if let Some(first) = rules.iter().find(|r| r.id == rule.id) {
                let help = format!("the first is at line {}; give each rule its own id", first.span.line);
                d.error(Code::DuplicateId, rule.span, format!("rule id `{}` is used twice", rule.id), Some(help));
            }
            rules.push(rule);
        }
    }
    rules
}

fn list(d: &mut Decoder<'_>, f: &crate::model::decode::Fields<'_>, key: &str, what: &str) -> Vec<Spanned<String>> {
    f.get(key).map(|n| d.text_list(n, what)).unwrap_or_default()
}

fn decode_rule(d: &mut Decoder<'_>, node: &Node, known: &Known<'_>) -> Option<LimitRule> {
    let what = format!("the rule at line {}", node.span.line);
    let f = d.fields(node, &what, &RULE_KEYS)?;
    let id =
        f.get("id").and_then(|n| d.id(n, "rule id")).map_or_else(|| format!("line-{}", node.span.line), |t| t.value);
    let _ = d.opt_text(&f, "description", &what);
    let processes = list(d, &f, "processes", "a process id");
    let process_ids: Vec<&str> = known.processes.iter().map(|(p, _)| *p).collect();
    for p in &processes {
        if !process_ids.contains(&p.value.as_str()) {
            d.error(
                Code::UnknownReference,
                p.span,
                format!("`{}` is not a process of this directory", p.value),
                Some(suggest(&p.value, &process_ids)),
            );
        }
    }
    let classes = list(d, &f, "classes", "a problem class").into_iter().map(|t| t.value).collect();
    let channels = list(d, &f, "channels", "a channel").into_iter().map(|t| t.value).collect();
    let calendar = d.required(&f, "calendar", &what, "add `calendar: 24x7` (or another file of processes/calendars/)");
    let calendar = calendar.and_then(|n| d.text(n, "a calendar id"));
    if let Some(c) = &calendar
        && !known.calendars.contains(&c.value.as_str())
    {
        d.error(
            Code::UnknownReference,
            c.span,
            format!("calendar `{}` is not in processes/calendars/", c.value),
            Some(suggest(&c.value, &known.calendars)),
        );
    }
    let measure = d.required(&f, "measure", &what, "add `measure: ticket` (or `until` or `step` with `steps:`)");
    let measure =
        measure.and_then(|n| d.choice(n, "measure", &["ticket", "until", "step"])).map(|t| match t.value.as_str() {
            "ticket" => Measure::Ticket,
            "until" => Measure::Until,
            _ => Measure::Step,
        });
    let steps = list(d, &f, "steps", "a step id");
    match (measure, steps.is_empty()) {
        (Some(Measure::Until | Measure::Step), true) => d.error(
            Code::MissingKey,
            f.span,
            format!("{what} measures `{}` but names no `steps`", measure.map_or("", Measure::as_str)),
            Some("add `steps: [<step id>, ...]`".to_owned()),
        ),
        (Some(Measure::Ticket), false) => d.error(
            Code::InvalidValue,
            steps[0].span,
            "a `ticket` rule measures the whole ticket and takes no `steps`".to_owned(),
            Some("remove `steps`, or use `measure: until` or `measure: step`".to_owned()),
        ),
        _ => {}
    }
    check_steps(d, &steps, &processes, known);
    let limit = d.required(&f, "limit", &what, "add `limit: 24h`, or one per tier: `limit: {5: 8h, 4: 16h, ...}`");
    let limit = limit.map(|n| decode_limit(d, n)).unwrap_or_default();
    Some(LimitRule {
        id,
        processes: processes.into_iter().map(|t| t.value).collect(),
        classes,
        channels,
        calendar: calendar?.value,
        measure: measure?,
        steps: steps.into_iter().map(|t| t.value).collect(),
        limit,
        span: node.span,
    })
}

/// Every step must be a step of one of the rule's processes (of any process when it lists none).
fn check_steps(d: &mut Decoder<'_>, steps: &[Spanned<String>], processes: &[Spanned<String>], known: &Known<'_>) {
    let scope: Vec<&str> = known
        .processes
        .iter()
        .filter(|(p, _)| processes.is_empty() || processes.iter().any(|x| x.value == *p))
        .flat_map(|(_, s)| s.iter().copied())
        .collect();
    for s in steps {
        if !scope.contains(&s.value.as_str()) {
            d.error(
                Code::UnknownReference,
                s.span,
                format!("`{}` is not a step of the rule's processes", s.value),
                Some(suggest(&s.value, &scope)),
            );
        }
    }
}

/// `24h` for every tier, or `{5: 8h, 4: 16h, 3: 24h, 2: 48h, 1: 96h}`.
fn decode_limit(d: &mut Decoder<'_>, node: &Node) -> [Option<Amount>; 6] {
    let mut out = [None; 6];
    let parse = |d: &mut Decoder<'_>, n: &Node| {
        let t = d.text(n, "a limit")?;
        match Amount::parse(&t.value) {
            Ok(a) => Some(a),
            Err(e) => {
                d.error(Code::InvalidValue, t.span, e, Some("write `8h`, `30m`, `1h30m` or `20d`".to_owned()));
                None
            }
        }
    };
    if let NodeKind::Map(entries) = &node.kind {
        let mut bad_key = false;
        for (k, v) in entries {
            let tier = k.as_str().and_then(|t| t.trim().parse::<usize>().ok()).filter(|t| (1..=5).contains(t));
            let Some(tier) = tier else {
                d.error(
                    Code::InvalidValue,
                    k.span,
                    format!("`{}` is not a tier", k.as_str().unwrap_or("?")),
                    Some("tiers are stars, 1 to 5: `{5: 8h, 4: 16h, 3: 24h, 2: 48h, 1: 96h}`".to_owned()),
                );
                bad_key = true;
                continue;
            };
            out[tier] = parse(d, v);
        }
        // A tier written wrongly was reported; its gap would only repeat that.
        if let Some(missing) = (1..=5).find(|&t| out[t].is_none())
            && !bad_key
        {
            d.error(
                Code::MissingKey,
                node.span,
                format!("the limit has no value for {missing}-star tickets"),
                Some("give all five tiers, or one limit for every tier (`limit: 24h`)".to_owned()),
            );
        }
    } else if let Some(a) = parse(d, node) {
        out = [Some(a); 6];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{Amount, Known, Measure, TimeLimits};

    fn known() -> Known<'static> {
        Known {
            processes: vec![("complaint-linear", vec!["receive", "reply-customer"]), ("query", vec!["agent-query"])],
            calendars: vec!["24x7", "cn-office"],
        }
    }

    #[test]
    fn rules_by_tier_class_and_channel() {
        let text = "limits:\n  - id: m\n    processes: [complaint-linear]\n    classes: [maintenance]\n    calendar: 24x7\n    measure: ticket\n    limit: {5: 8h, 4: 16h, 3: 24h, 2: 48h, 1: 96h}\n  - id: reply\n    channels: [email, sms]\n    calendar: cn-office\n    measure: until\n    steps: [reply-customer, agent-query]\n    limit: 1.5d\n";
        let t = TimeLimits::parse(text, "time-limits.yaml", &known()).unwrap();
        let m = t.rule(Measure::Ticket, "complaint-linear", Some("maintenance"), Some("phone")).unwrap();
        assert_eq!(
            (m.id.as_str(), m.limit[5], m.limit[1]),
            ("m", Some(Amount::Seconds(8 * 3600)), Some(Amount::Seconds(96 * 3600)))
        );
        assert!(m.by_tier());
        assert!(t.rule(Measure::Ticket, "complaint-linear", None, Some("phone")).is_none(), "no class: no class rule");
        let r = t.rule(Measure::Until, "query", None, Some("sms")).unwrap();
        assert_eq!(r.limit[0], Some(Amount::Days(1.5)));
        assert_eq!(Amount::Days(1.5).micros(8 * 3_600_000_000), 12 * 3_600_000_000);
        assert!(t.rule(Measure::Until, "query", None, Some("phone")).is_none());
    }

    #[test]
    fn every_problem_is_located() {
        let text = "limits:\n  - processes: [complaint-liner]\n    calendar: office\n    measure: until\n    limit: {5: 8h, 6: 1h}\n  - calendar: 24x7\n    measure: ticket\n    steps: [receive]\n    limit: soon\n";
        let e = TimeLimits::parse(text, "time-limits.yaml", &known()).unwrap_err();
        let got: Vec<String> = e
            .diagnostics
            .iter()
            .map(|d| format!("{}:{} {}", d.span.map_or(0, |s| s.line), d.code.as_str(), d.message))
            .collect();
        assert_eq!(
            got,
            [
                "2:unknown-reference `complaint-liner` is not a process of this directory",
                "3:unknown-reference calendar `office` is not in processes/calendars/",
                "2:missing-key the rule at line 2 measures `until` but names no `steps`",
                "5:invalid-value `6` is not a tier",
                "8:invalid-value a `ticket` rule measures the whole ticket and takes no `steps`",
                "9:invalid-value `soon` is not a duration",
            ]
            .map(String::from),
            "{got:#?}"
        );
    }
}
