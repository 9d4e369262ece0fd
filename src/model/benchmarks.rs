//! `processes/benchmarks.yaml`: the centre's benchmark values (标杆值), the targets the monthly
//! audit checks its figures against (seed 004's monitoring mechanisms set them; seed 003's
//! complaint rate of at most 0.05 % is one).
//!
//! Owns [`Benchmarks`], [`Benchmark`], [`Metric`] (the fixed list of figures a target may name),
//! [`Bound`] and [`Outcome`]. The file is decoded with every problem located at `file:line:column`
//! (like `time-limits.yaml`) and checked against the process ids of its directory. The library does
//! not compute the figures here: [`Benchmarks::evaluate`] asks the caller for each one, so the
//! audit supplies them and a figure it could not measure is reported as not measured, never as a
//! silent pass. The format is documented in `docs/benchmarks.md`. Decoding is O(nodes);
//! evaluation is O(rules) calls of the caller's function.

use std::path::Path;

use serde::Serialize;

use crate::model::decode::{Decoder, Fields, suggest};
use crate::model::diagnostic::{Code, Diagnostic, Span, Spanned};
use crate::model::library::read_text;
use crate::model::yaml::{self, Node};

/// The file's name in a process directory.
pub const FILE_NAME: &str = "benchmarks.yaml";

/// How far a measured value may fall short of its target and still pass: a share computed by a
/// division can differ from the decimal written in the file in its last binary digit.
pub const TOLERANCE: f64 = 1e-9;

const KEYS: [&str; 2] = ["description", "benchmarks"];
const RULE_KEYS: [&str; 6] = ["metric", "process", "name", "name_zh", "at_least", "at_most"];

/// A figure of the monthly audit that a benchmark can name.
///
/// *Share* metrics are written as decimals from 0 to 1 in the file (90 % is `0.90`, 0.05 % is
/// `0.0005`); *per ticket* metrics are means, 0 or more. *Centre* metrics are figures of the whole
/// month's log and take no `process:`; the others are figures of one process too.
///
/// | key | definition | kind | scope | better |
/// |---|---|---|---|---|
/// | `conformance_rate` | tickets whose trace fits their process with no deviation, over tickets | share | process | higher |
/// | `fitness` | log fitness of the optimal alignments: 1 - sum of costs / sum of worst-case costs | share | process | higher |
/// | `limit_compliance` | tickets within every time limit that applies to them, over tickets with a limit | share | process | higher |
/// | `complaint_rate` | complaint tickets per customer contact (seed 003: at most 0.0005) | share | centre | lower |
/// | `handoffs_per_ticket` | hand-offs (consecutive events by different departments) per ticket | per ticket | process | lower |
/// | `department_returns_per_ticket` | hand-offs into a department the ticket had already left, per ticket | per ticket | process | lower |
/// | `undesigned_loopbacks_per_ticket` | loop-backs the process does not declare, per ticket | per ticket | process | lower |
/// | `repeat_complaint_rate` | tickets that repeat an earlier complaint of the same customer, over tickets | share | process | lower |
/// | `first_reply_success_rate` | closed tickets no back-office role touched, over closed tickets | share | process | higher |
/// | `closed_loop_rate` | tickets showing every step of their process's closed loop, over tickets | share | process | higher |
/// | `organisational_conformance` | events done by the step's owning department, over events checked | share | process | higher |
/// | `blind_spot_share` | tickets whose touchpoint has no process, over tickets | share | centre | lower |
/// | `rejected_row_share` | log rows rejected as unreadable, over rows read | share | centre | lower |
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Tickets with no deviation, over tickets.
    ConformanceRate,
    /// Log fitness of the optimal alignments.
    Fitness,
    /// Tickets within their time limits, over tickets with a limit.
    LimitCompliance,
    /// Complaints per contact.
    ComplaintRate,
    /// Hand-offs per ticket.
    HandoffsPerTicket,
    /// Department returns per ticket.
    DepartmentReturnsPerTicket,
    /// Undesigned loop-backs per ticket.
    UndesignedLoopbacksPerTicket,
    /// Repeat complaints, over tickets.
    RepeatComplaintRate,
    /// Closed tickets answered by the front office alone, over closed tickets.
    FirstReplySuccessRate,
    /// Tickets with a complete closed loop, over tickets.
    ClosedLoopRate,
    /// Events done by the owning department, over events checked.
    OrganisationalConformance,
    /// Tickets at a touchpoint without a process, over tickets.
    BlindSpotShare,
    /// Rejected log rows, over rows read.
    RejectedRowShare,
}

impl Metric {
    /// Every metric, in the order of the table above.
    pub const ALL: [Metric; 13] = [
        Metric::ConformanceRate,
        Metric::Fitness,
        Metric::LimitCompliance,
        Metric::ComplaintRate,
        Metric::HandoffsPerTicket,
        Metric::DepartmentReturnsPerTicket,
        Metric::UndesignedLoopbacksPerTicket,
        Metric::RepeatComplaintRate,
        Metric::FirstReplySuccessRate,
        Metric::ClosedLoopRate,
        Metric::OrganisationalConformance,
        Metric::BlindSpotShare,
        Metric::RejectedRowShare,
    ];

    /// Its key in the file.
    pub fn as_str(self) -> &'static str {
        match self {
            Metric::ConformanceRate => "conformance_rate",
            Metric::Fitness => "fitness",
            Metric::LimitCompliance => "limit_compliance",
            Metric::ComplaintRate => "complaint_rate",
            Metric::HandoffsPerTicket => "handoffs_per_ticket",
            Metric::DepartmentReturnsPerTicket => "department_returns_per_ticket",
            Metric::UndesignedLoopbacksPerTicket => "undesigned_loopbacks_per_ticket",
            Metric::RepeatComplaintRate => "repeat_complaint_rate",
            Metric::FirstReplySuccessRate => "first_reply_success_rate",
            Metric::ClosedLoopRate => "closed_loop_rate",
            Metric::OrganisationalConformance => "organisational_conformance",
            Metric::BlindSpotShare => "blind_spot_share",
            Metric::RejectedRowShare => "rejected_row_share",
        }
    }

    /// The metric of a key.
    ///
    /// # Example
    /// ```
    /// use flowaudit::model::benchmarks::Metric;
    /// assert_eq!(Metric::parse("complaint_rate"), Some(Metric::ComplaintRate));
    /// assert_eq!(Metric::parse("complaints"), None);
    /// ```
    pub fn parse(key: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.as_str() == key)
    }

    /// Whether it is a share (0 to 1) rather than a mean per ticket.
    pub fn is_share(self) -> bool {
        !matches!(
            self,
            Metric::HandoffsPerTicket | Metric::DepartmentReturnsPerTicket | Metric::UndesignedLoopbacksPerTicket
        )
    }

    /// Whether it is also a figure of one process (otherwise only of the whole centre).
    pub fn per_process(self) -> bool {
        !matches!(self, Metric::ComplaintRate | Metric::BlindSpotShare | Metric::RejectedRowShare)
    }

    /// Whether a higher value is the better one.
    pub fn higher_is_better(self) -> bool {
        matches!(
            self,
            Metric::ConformanceRate
                | Metric::Fitness
                | Metric::LimitCompliance
                | Metric::FirstReplySuccessRate
                | Metric::ClosedLoopRate
                | Metric::OrganisationalConformance
        )
    }

    /// What it measures, as in the table above.
    pub fn definition(self) -> &'static str {
        match self {
            Metric::ConformanceRate => "tickets whose trace fits their process with no deviation, over tickets",
            Metric::Fitness => "log fitness of the optimal alignments: 1 - sum of costs / sum of worst-case costs",
            Metric::LimitCompliance => {
                "tickets within every time limit that applies to them, over tickets with a limit"
            }
            Metric::ComplaintRate => "complaint tickets per customer contact",
            Metric::HandoffsPerTicket => "hand-offs (consecutive events by different departments) per ticket",
            Metric::DepartmentReturnsPerTicket => "hand-offs into a department the ticket had already left, per ticket",
            Metric::UndesignedLoopbacksPerTicket => "loop-backs the process does not declare, per ticket",
            Metric::RepeatComplaintRate => {
                "tickets that repeat an earlier complaint of the same customer, over tickets"
            }
            Metric::FirstReplySuccessRate => "closed tickets no back-office role touched, over closed tickets",
            Metric::ClosedLoopRate => "tickets showing every step of their process's closed loop, over tickets",
            Metric::OrganisationalConformance => "events done by the step's owning department, over events checked",
            Metric::BlindSpotShare => "tickets whose touchpoint has no process, over tickets",
            Metric::RejectedRowShare => "log rows rejected as unreadable, over rows read",
        }
    }
}

/// A target: a floor or a ceiling.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    /// The value must be at least this.
    AtLeast(f64),
    /// The value must be at most this.
    AtMost(f64),
}

impl Bound {
    /// The target value.
    pub fn target(self) -> f64 {
        match self {
            Bound::AtLeast(t) | Bound::AtMost(t) => t,
        }
    }

    /// Its key in the file.
    pub fn key(self) -> &'static str {
        match self {
            Bound::AtLeast(_) => "at_least",
            Bound::AtMost(_) => "at_most",
        }
    }

    /// How far `value` is on the good side of the target (negative: short of it).
    ///
    /// # Example
    /// ```
    /// use flowaudit::model::benchmarks::Bound;
    /// assert!((Bound::AtLeast(0.90).margin(0.924) - 0.024).abs() < 1e-12);
    /// assert!((Bound::AtMost(0.0005).margin(0.0007) + 0.0002).abs() < 1e-12);
    /// ```
    pub fn margin(self, value: f64) -> f64 {
        match self {
            Bound::AtLeast(t) => value - t,
            Bound::AtMost(t) => t - value,
        }
    }
}

/// One benchmark of the file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Benchmark {
    /// The figure it checks.
    pub metric: Metric,
    /// The process whose figure it checks; `None`: the whole centre's.
    pub process: Option<String>,
    /// Its label, when the file gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its Chinese label, when the file gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_zh: Option<String>,
    /// The target.
    pub bound: Bound,
    /// Where it was written.
    #[serde(skip)]
    pub span: Span,
}

impl Benchmark {
    /// Its label: the name written, else the metric's key and the process.
    pub fn label(&self) -> String {
        match (&self.name, &self.process) {
            (Some(n), _) => n.clone(),
            (None, Some(p)) => format!("{} ({p})", self.metric.as_str()),
            (None, None) => self.metric.as_str().to_owned(),
        }
    }

    /// Judges a measured `value` (`None`, or a value that is not a finite number: not measured).
    pub fn outcome(&self, value: Option<f64>) -> Outcome<'_> {
        let value = value.filter(|v| v.is_finite());
        let margin = value.map(|v| self.bound.margin(v));
        Outcome { benchmark: self, value, passed: margin.map(|m| m >= -TOLERANCE), margin }
    }
}

/// A benchmark judged against the month's figure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome<'b> {
    /// The benchmark.
    pub benchmark: &'b Benchmark,
    /// The measured value; `None` when the figure was not measured.
    pub value: Option<f64>,
    /// Whether the value meets the target; `None` when it was not measured.
    pub passed: Option<bool>,
    /// How far the value is on the good side of the target (negative: short of it).
    pub margin: Option<f64>,
}

/// The decoded file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Benchmarks {
    /// The file.
    pub file: String,
    /// Its text.
    pub text: String,
    /// Benchmarks in file order.
    pub rules: Vec<Benchmark>,
    /// What deserves a look but does not stop the file being used (a floor on a figure where
    /// lower is better, or a ceiling where higher is).
    pub warnings: Vec<Diagnostic>,
}

/// A file that could not be used: every problem, and the text they point into.
pub type BenchmarksError = crate::model::diagnostic::FileErrors;

impl Benchmarks {
    /// Reads `path` and checks it against the process ids of its directory (`processes`).
    pub fn load(path: &Path, processes: &[&str]) -> Result<Benchmarks, BenchmarksError> {
        let name = path.display().to_string();
        let text = read_text(path, &name).map_err(|d| BenchmarksError { diagnostics: vec![d], text: None })?;
        Benchmarks::parse(&text, &name, processes)
    }

    /// Decodes `text` (the file `name`) and checks it against the process ids `processes`.
    /// Errors come back with the file's warnings among them; a file with warnings alone decodes
    /// and keeps them in [`Benchmarks::warnings`].
    ///
    /// # Example
    /// ```
    /// use flowaudit::model::benchmarks::{Benchmarks, Bound, Metric};
    /// let text = "benchmarks:\n  - metric: complaint_rate\n    at_most: 0.0005\n";
    /// let b = Benchmarks::parse(text, "benchmarks.yaml", &[]).unwrap();
    /// assert_eq!((b.rules[0].metric, b.rules[0].bound), (Metric::ComplaintRate, Bound::AtMost(0.0005)));
    /// ```
    pub fn parse(text: &str, name: &str, processes: &[&str]) -> Result<Benchmarks, BenchmarksError> {
        let fail = |d: Vec<Diagnostic>| BenchmarksError { diagnostics: d, text: Some(text.to_owned()) };
        let root = yaml::root(
            text,
            name,
            "benchmarks.yaml has `benchmarks:` with one entry per target; see docs/benchmarks.md",
        )
        .map_err(|e| fail(vec![e]))?;
        let mut d = Decoder::new(name);
        let rules = decode(&mut d, &root, processes);
        if d.has_errors() {
            return Err(fail(d.diagnostics));
        }
        Ok(Benchmarks { file: name.to_owned(), text: text.to_owned(), rules, warnings: d.diagnostics })
    }

    /// Judges every benchmark, in file order, against the figure `value(metric, process)` gives
    /// (`process` is `None` for a benchmark of the whole centre). A figure it returns `None` for
    /// is reported as not measured (`passed: None`), never as a pass.
    ///
    /// Cost: one call of `value` per benchmark.
    ///
    /// # Example
    /// ```
    /// use flowaudit::model::benchmarks::{Benchmarks, Metric};
    /// let text = "benchmarks:\n  - metric: conformance_rate\n    at_least: 0.90\n  - metric: complaint_rate\n    at_most: 0.0005\n";
    /// let b = Benchmarks::parse(text, "benchmarks.yaml", &[]).unwrap();
    /// let outcomes = b.evaluate(|m, _| (m == Metric::ConformanceRate).then_some(0.924));
    /// assert_eq!(outcomes[0].passed, Some(true));
    /// assert_eq!(outcomes[1].passed, None); // no complaint rate measured
    /// ```
    pub fn evaluate(&self, value: impl Fn(Metric, Option<&str>) -> Option<f64>) -> Vec<Outcome<'_>> {
        self.rules.iter().map(|b| b.outcome(value(b.metric, b.process.as_deref()))).collect()
    }

    /// The benchmark that holds for `metric` of `process`: the process's own, else the centre's
    /// (`process: None` asks for the centre's only).
    pub fn rule(&self, metric: Metric, process: Option<&str>) -> Option<&Benchmark> {
        let of = |p: Option<&str>| self.rules.iter().find(|b| b.metric == metric && b.process.as_deref() == p);
        process.and_then(|p| of(Some(p))).or_else(|| of(None))
    }
}

fn decode(d: &mut Decoder<'_>, root: &Node, processes: &[&str]) -> Vec<Benchmark> {
    let Some(f) = d.fields(root, "benchmarks.yaml", &KEYS) else { return Vec::new() };
    let _ = d.opt_text(&f, "description", "benchmarks.yaml");
    let Some(list) = d.required(&f, "benchmarks", "benchmarks.yaml", "add `benchmarks:` with one entry per target")
    else {
        return Vec::new();
    };
    let mut rules: Vec<Benchmark> = Vec::new();
    for node in d.list(list, "`benchmarks`") {
        let Some((rule, metric_span)) = decode_rule(d, node, processes) else { continue };
        if let Some(first) = rules.iter().find(|r| r.metric == rule.metric && r.process == rule.process) {
            let of = rule.process.as_ref().map_or_else(|| "the centre".to_owned(), |p| format!("process `{p}`"));
            d.error(
                Code::DuplicateId,
                metric_span,
                format!("`{}` of {of} has a benchmark already", rule.metric.as_str()),
                Some(format!("the first is at line {}; keep one target per metric and process", first.span.line)),
            );
        }
        rules.push(rule);
    }
    rules
}

/// One entry; `None` when it has errors. Returns where its metric was written, too.
fn decode_rule(d: &mut Decoder<'_>, node: &Node, processes: &[&str]) -> Option<(Benchmark, Span)> {
    let what = format!("the benchmark at line {}", node.span.line);
    let f = d.fields(node, &what, &RULE_KEYS)?;
    let metric = d.required(&f, "metric", &what, "add `metric: conformance_rate` (or another of docs/benchmarks.md)");
    let metric = metric.and_then(|n| metric_of(d, n));
    let name = d.opt_text(&f, "name", &what).map(|t| t.value);
    let name_zh = d.opt_text(&f, "name_zh", &what).map(|t| t.value);
    let process = f.get("process").and_then(|n| d.text(n, "a process id"));
    if let Some(p) = &process {
        check_process(d, p, metric.as_ref().map(|m| m.value), processes);
    }
    let bound = decode_bound(d, &f, &what, metric.as_ref().map(|m| m.value));
    let metric = metric?;
    let bound = bound?;
    if metric.value.higher_is_better() != matches!(bound, Bound::AtLeast(_)) {
        let (better, other) =
            if metric.value.higher_is_better() { ("higher", "at_least") } else { ("lower", "at_most") };
        d.warning(
            Code::InvalidValue,
            f.get(bound.key()).map_or(f.span, |n| n.span),
            format!(
                "a {better} `{}` is better, and `{}` bounds it from the other side",
                metric.value.as_str(),
                bound.key()
            ),
            Some(format!("a target is usually `{other}`; keep `{}` only if the centre really means it", bound.key())),
        );
    }
    let rule =
        Benchmark { metric: metric.value, process: process.map(|p| p.value), name, name_zh, bound, span: node.span };
    Some((rule, metric.span))
}

fn metric_of(d: &mut Decoder<'_>, node: &Node) -> Option<Spanned<Metric>> {
    let keys = Metric::ALL.map(Metric::as_str);
    let t = d.choice(node, "metric", &keys)?;
    Metric::parse(&t.value).map(|m| Spanned { value: m, span: t.span })
}

/// The process must be one of the directory's, and the metric one that has a figure per process.
fn check_process(d: &mut Decoder<'_>, p: &Spanned<String>, metric: Option<Metric>, processes: &[&str]) {
    if let Some(m) = metric.filter(|m| !m.per_process()) {
        d.error(
            Code::InvalidValue,
            p.span,
            format!("`{}` is a figure of the whole centre, not of one process", m.as_str()),
            Some("remove `process:`; the target holds for the whole month's log".to_owned()),
        );
    } else if !processes.contains(&p.value.as_str()) {
        d.error(
            Code::UnknownReference,
            p.span,
            format!("`{}` is not a process of this directory", p.value),
            Some(suggest(&p.value, processes)),
        );
    }
}

/// Exactly one of `at_least` and `at_most`, a number in the metric's range.
fn decode_bound(d: &mut Decoder<'_>, f: &Fields<'_>, what: &str, metric: Option<Metric>) -> Option<Bound> {
    match (f.get("at_least"), f.get("at_most")) {
        (Some(_), Some(most)) => {
            d.error(
                Code::InvalidValue,
                most.span,
                format!("{what} has both `at_least` and `at_most`"),
                Some("a benchmark is one target: keep the floor (`at_least`) or the ceiling (`at_most`)".to_owned()),
            );
            None
        }
        (None, None) => {
            if !f.was_misspelt("at_least") && !f.was_misspelt("at_most") {
                d.error(
                    Code::MissingKey,
                    f.span,
                    format!("{what} has no `at_least` or `at_most`"),
                    Some("add a floor (`at_least: 0.90`) or a ceiling (`at_most: 0.0005`)".to_owned()),
                );
            }
            None
        }
        (Some(n), None) => number(d, n, metric).map(Bound::AtLeast),
        (None, Some(n)) => number(d, n, metric).map(Bound::AtMost),
    }
}

/// A finite number, 0 or more, and at most 1 for a share metric.
fn number(d: &mut Decoder<'_>, node: &Node, metric: Option<Metric>) -> Option<f64> {
    let t = d.text(node, "a target")?;
    let written = t.value.trim();
    let share = metric.is_none_or(Metric::is_share);
    let help = if share {
        "shares are decimals from 0 to 1: 90 % is `0.90`, 0.05 % is `0.0005`"
    } else {
        "write a mean per ticket, e.g. `3.5`"
    };
    let share_metric = metric.is_some_and(Metric::is_share);
    let problem = if written.ends_with('%') {
        format!("`{written}` is a percentage; the file takes decimals")
    } else {
        match written.parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 && !(share_metric && v > 1.0) => return Some(v),
            Ok(v) if v.is_finite() && v > 1.0 => format!("`{written}` is not a share: shares are at most 1"),
            Ok(_) => format!("`{written}` is not a number of 0 or more"),
            Err(_) => format!("`{written}` is not a number"),
        }
    };
    d.error(Code::InvalidValue, t.span, problem, Some(help.to_owned()));
    None
}

#[cfg(test)]
mod tests {
    use super::{Benchmarks, Bound, Metric};

    const PROCESSES: [&str; 2] = ["complaint-linear", "complaint-flat"];

    fn parse(text: &str) -> Benchmarks {
        Benchmarks::parse(text, "benchmarks.yaml", &PROCESSES).unwrap()
    }

    /// `line:column code message` of each diagnostic of a broken file.
    fn problems(text: &str) -> Vec<String> {
        let e = Benchmarks::parse(text, "benchmarks.yaml", &PROCESSES).unwrap_err();
        e.diagnostics
            .iter()
            .map(|d| {
                let s = d.span.unwrap_or(crate::model::diagnostic::Span::START);
                format!("{}:{} {} {}", s.line, s.column, d.code.as_str(), d.message)
            })
            .collect()
    }

    const GOOD: &str = "description: targets\nbenchmarks:\n  - metric: conformance_rate\n    name: Conformance\n    name_zh: 流程符合率\n    at_least: 0.90\n  - metric: conformance_rate\n    process: complaint-linear\n    at_least: 0.85\n  - metric: complaint_rate\n    at_most: 0.0005\n  - metric: handoffs_per_ticket\n    process: complaint-flat\n    at_most: 3.5\n";

    #[test]
    fn a_good_file_decodes_in_file_order() {
        let b = parse(GOOD);
        let got: Vec<(Metric, Option<&str>, Bound)> =
            b.rules.iter().map(|r| (r.metric, r.process.as_deref(), r.bound)).collect();
        assert_eq!(
            got,
            [
                (Metric::ConformanceRate, None, Bound::AtLeast(0.90)),
                (Metric::ConformanceRate, Some("complaint-linear"), Bound::AtLeast(0.85)),
                (Metric::ComplaintRate, None, Bound::AtMost(0.0005)),
                (Metric::HandoffsPerTicket, Some("complaint-flat"), Bound::AtMost(3.5)),
            ]
        );
        assert_eq!(b.rules[0].name_zh.as_deref(), Some("流程符合率"));
        assert_eq!(
            (b.rules[0].label(), b.rules[1].label()),
            ("Conformance".into(), "conformance_rate (complaint-linear)".into())
        );
        assert_eq!((b.rules[2].span.line, b.rules[2].span.column), (10, 5));
        let empty = parse("benchmarks: []\n");
        assert!(empty.rules.is_empty());
    }

    #[test]
    fn every_metric_has_a_key_that_parses_back() {
        for m in Metric::ALL {
            assert_eq!(Metric::parse(m.as_str()), Some(m));
            assert!(!m.definition().is_empty());
        }
        let shares = Metric::ALL.iter().filter(|m| m.is_share()).count();
        assert_eq!(shares, 10);
    }

    #[test]
    fn every_problem_is_located() {
        let text = "benchmarks:\n  - metric: conformance_rat\n    at_least: 0.9\n  - metric: fitness\n    process: complaint-liner\n    at_least: 0.95\n  - metric: complaint_rate\n    process: complaint-linear\n    at_most: 0.05%\n  - metric: closed_loop_rate\n    at_least: 1.5\n  - metric: limit_compliance\n  - metric: fitness\n    at_least: 0.9\n    at_most: 1\n  - metric: handoffs_per_ticket\n    process: complaint-flat\n    at_most: many\n  - metric: repeat_complaint_rate\n    at_most: -0.1\n  - metric: conformance_rate\n    at_least: 0.8\n  - metric: fitness\n    at_lest: 0.9\n";
        assert_eq!(
            problems(text),
            [
                "2:13 invalid-value `conformance_rat` is not a metric",
                "5:14 unknown-reference `complaint-liner` is not a process of this directory",
                "8:14 invalid-value `complaint_rate` is a figure of the whole centre, not of one process",
                "9:14 invalid-value `0.05%` is a percentage; the file takes decimals",
                "11:15 invalid-value `1.5` is not a share: shares are at most 1",
                "12:5 missing-key the benchmark at line 12 has no `at_least` or `at_most`",
                "15:14 invalid-value the benchmark at line 13 has both `at_least` and `at_most`",
                "18:14 invalid-value `many` is not a number",
                "20:14 invalid-value `-0.1` is not a number of 0 or more",
                "24:5 unknown-key unknown key `at_lest` in the benchmark at line 23",
            ]
            .map(String::from)
        );
        let e = Benchmarks::parse(text, "benchmarks.yaml", &PROCESSES).unwrap_err();
        assert_eq!(e.diagnostics[0].help.as_deref(), Some("did you mean `conformance_rate`?"));
        assert_eq!(e.diagnostics[1].help.as_deref(), Some("did you mean `complaint-linear`?"));
    }

    #[test]
    fn a_metric_and_process_take_one_benchmark() {
        let text = "benchmarks:\n  - metric: fitness\n    at_least: 0.9\n  - metric: fitness\n    process: complaint-flat\n    at_least: 0.95\n  - metric: fitness\n    at_least: 0.8\n  - metric: fitness\n    process: complaint-flat\n    at_least: 0.97\n";
        assert_eq!(
            problems(text),
            [
                "7:13 duplicate-id `fitness` of the centre has a benchmark already",
                "9:13 duplicate-id `fitness` of process `complaint-flat` has a benchmark already",
            ]
            .map(String::from)
        );
    }

    #[test]
    fn empty_and_shapeless_files_are_located() {
        assert_eq!(problems(""), ["1:1 yaml-syntax the file is empty"]);
        assert_eq!(
            problems("benchmark:\n  - metric: fitness\n"),
            ["1:1 unknown-key unknown key `benchmark` in benchmarks.yaml"]
        );
        assert_eq!(problems("benchmarks: fitness\n"), ["1:13 wrong-type `benchmarks` must be a list, found text"]);
        assert_eq!(
            problems("benchmarks:\n  - fitness\n"),
            ["2:5 wrong-type the benchmark at line 2 must be a mapping of keys to values, found text"]
        );
    }

    #[test]
    fn a_bound_against_the_metric_direction_is_a_warning() {
        let text = "benchmarks:\n  - metric: conformance_rate\n    at_most: 0.9\n";
        let b = Benchmarks::parse(text, "benchmarks.yaml", &PROCESSES).unwrap();
        let warnings = &b.warnings;
        assert_eq!(b.rules.len(), 1);
        assert_eq!(warnings.len(), 1);
        assert_eq!((warnings[0].span.unwrap().line, warnings[0].span.unwrap().column), (3, 14));
        assert!(warnings[0].message.contains("a higher `conformance_rate` is better"), "{}", warnings[0].message);
    }

    #[test]
    fn evaluation_passes_misses_and_says_not_measured() {
        let b = parse(GOOD);
        let outcomes = b.evaluate(|m, p| match (m, p) {
            (Metric::ConformanceRate, None) => Some(0.924),
            (Metric::ConformanceRate, Some("complaint-linear")) => Some(0.80),
            (Metric::ComplaintRate, None) => Some(f64::NAN),
            _ => None,
        });
        let got: Vec<(Option<bool>, Option<f64>)> = outcomes.iter().map(|o| (o.passed, o.value)).collect();
        assert_eq!(got, [(Some(true), Some(0.924)), (Some(false), Some(0.80)), (None, None), (None, None)]);
        assert!((outcomes[0].margin.unwrap() - 0.024).abs() < 1e-12);
        assert!((outcomes[1].margin.unwrap() + 0.05).abs() < 1e-12);
        assert_eq!(outcomes[1].benchmark.process.as_deref(), Some("complaint-linear"));
        // A share computed by division meets a target written as the same decimal.
        let exact = b.rules[2].outcome(Some(5.0 / 10_000.0));
        assert_eq!(exact.passed, Some(true));
        let json = serde_json::to_string(&outcomes[2]).unwrap();
        assert_eq!(
            json,
            r#"{"benchmark":{"metric":"complaint_rate","process":null,"bound":{"at_most":0.0005}},"value":null,"passed":null,"margin":null}"#
        );
    }

    #[test]
    fn a_process_target_comes_before_the_centre_target() {
        let b = parse(GOOD);
        let target = |m, p| b.rule(m, p).map(|r| r.bound.target());
        assert_eq!(target(Metric::ConformanceRate, Some("complaint-linear")), Some(0.85));
        assert_eq!(target(Metric::ConformanceRate, Some("complaint-flat")), Some(0.90));
        assert_eq!(target(Metric::ConformanceRate, None), Some(0.90));
        assert_eq!(target(Metric::HandoffsPerTicket, Some("complaint-flat")), Some(3.5));
        assert_eq!(target(Metric::HandoffsPerTicket, None), None);
        assert_eq!(target(Metric::HandoffsPerTicket, Some("complaint-linear")), None);
    }

    /// `docs/benchmarks.md` cannot rot: its example decodes, its table defines every metric as
    /// the code does.
    #[test]
    fn the_documentation_agrees() {
        let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/benchmarks.md")).unwrap();
        let start = doc.find("```yaml\n").expect("a yaml block") + "```yaml\n".len();
        let example = &doc[start..start + doc[start..].find("```").unwrap()];
        assert_eq!(parse(example).rules.len(), 4);
        for m in Metric::ALL {
            let row = format!("| `{}` | ", m.as_str());
            let line = doc.lines().find(|l| l.starts_with(&row)).unwrap_or_else(|| panic!("no row for {row}"));
            assert!(line[row.len()..].starts_with(m.definition()), "{line}");
        }
    }

    #[test]
    fn the_shipped_file_is_valid() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("processes/benchmarks.yaml");
        let ids = [
            "acceptance",
            "complaint-flat",
            "complaint-linear",
            "consultation",
            "floor-management",
            "knowledge-update",
            "kpi-review",
            "quality-inspection",
            "query",
            "verification",
        ];
        let text = std::fs::read_to_string(&path).unwrap();
        let b = Benchmarks::parse(&text, "benchmarks.yaml", &ids).unwrap();
        assert!(b.warnings.is_empty(), "{:?}", b.warnings);
        let complaints = b.rule(Metric::ComplaintRate, None).unwrap();
        assert_eq!(complaints.bound, Bound::AtMost(0.0005), "seed 003: 5 complaints per 10,000 contacts");
        assert!(Metric::ALL.iter().all(|m| b.rules.iter().any(|r| r.metric == *m)), "every metric has a target");
    }
}
