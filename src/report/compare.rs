//! Two processes side by side: what their designs imply and, with a month of tickets for each,
//! what really happened, with the differences; optionally the first month replayed on the second
//! design (the what-if).
//!
//! Owns [`CompareReport`] (the JSON of `flowaudit compare --format json`: keys `processes`, each
//! with `design` and `observed`, and `what_if`), [`Outcome`] (a month's figures under one process)
//! and [`CompareReport::table`] (the rows the text output and the picture show). Definitions:
//! hand-offs, returns and loop-backs per ticket are the department view's totals over its
//! tickets; the **throughput time** of a ticket is its last event minus its first (the median over
//! tickets with two timed events or more); **limit compliance** is met / (met + breached) over
//! every time-limit rule and ticket the rules cover, open tickets left out. O(tickets) to build.

use serde::Serialize;

use crate::analysis::bottleneck::Stats;
use crate::analysis::design::DesignFigures;
use crate::analysis::view::DepartmentView;
use crate::conformance::fitness::Summary;
use crate::log::event_log::EventLog;
use crate::model::process::Process;
use crate::render::table::Table;
use crate::report::figures::{pct, share};
use crate::report::sla::LimitSummary;
use crate::simulate::what_if::Assumptions;

/// A month's figures under one process.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Outcome {
    /// Tickets.
    pub tickets: u64,
    /// Share of tickets that fit the process.
    pub conformance_rate: f64,
    /// Hand-offs per ticket.
    pub handoffs_per_ticket: Option<f64>,
    /// Department returns per ticket.
    pub returns_per_ticket: Option<f64>,
    /// Loop-backs (designed and undesigned) per ticket.
    pub loopbacks_per_ticket: Option<f64>,
    /// Undesigned loop-backs per ticket.
    pub undesigned_loopbacks_per_ticket: Option<f64>,
    /// Median throughput time, hours.
    pub median_throughput_hours: Option<f64>,
    /// Met / (met + breached) over every time-limit rule; `None` without time limits.
    pub limit_compliance: Option<f64>,
}

impl Outcome {
    /// The figures of `log`, checked (`summary`) and walked (`view`), with its time limits.
    pub fn new(log: &EventLog, summary: &Summary, view: &DepartmentView, limits: Option<&LimitSummary>) -> Outcome {
        let h = &view.handoffs;
        let l = &view.loopbacks;
        let mut throughput: Vec<i64> = log
            .case_indices()
            .filter_map(|c| {
                let mut times = log.events_of(c).map(|e| log.time[e]).filter(|t| t.is_some());
                let first = times.next()?;
                let last = times.next_back()?;
                Some(last.0 - first.0)
            })
            .collect();
        let limit_compliance = limits.and_then(|s| {
            let met: u64 = s.compliance_by_rule.iter().map(|r| r.met).sum();
            let breached: u64 = s.compliance_by_rule.iter().map(|r| r.breached).sum();
            share(met, met + breached)
        });
        Outcome {
            tickets: summary.cases,
            conformance_rate: summary.conformance_rate,
            handoffs_per_ticket: share(h.handoffs, h.tickets),
            returns_per_ticket: share(h.returns, h.tickets),
            loopbacks_per_ticket: share(l.designed + l.undesigned, l.tickets),
            undesigned_loopbacks_per_ticket: share(l.undesigned, l.tickets),
            median_throughput_hours: Stats::of(&mut throughput).map(|s| s.median / 3_600_000_000.0),
            limit_compliance,
        }
    }
}

/// What one follow-up request costs by design.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FollowUpReport {
    /// The designed loop's id.
    pub id: String,
    /// Steps redone.
    pub steps: usize,
    /// Hand-offs.
    pub handoffs: u32,
}

/// What a design implies, names resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DesignReport {
    /// Steps of the main path, by name.
    pub main_path: Vec<String>,
    /// Hand-offs on the main path.
    pub handoffs: u32,
    /// Department returns on the main path.
    pub department_returns: u32,
    /// Departments the main path touches, by name.
    pub departments: Vec<String>,
    /// Departments any step belongs to.
    pub departments_designed: usize,
    /// Per designed loop.
    pub follow_ups: Vec<FollowUpReport>,
}

impl DesignReport {
    /// The report of `f`, figures of `process`, names in Chinese when `zh`.
    pub fn new(process: &Process, f: &DesignFigures, zh: bool) -> DesignReport {
        DesignReport {
            main_path: f.main_path.iter().map(|&s| process.step(s).display(zh).to_owned()).collect(),
            handoffs: f.handoffs,
            department_returns: f.returns,
            departments: f.departments.iter().map(|&r| process.role(r).display(zh).to_owned()).collect(),
            departments_designed: f.departments_designed,
            follow_ups: f
                .follow_ups
                .iter()
                .map(|u| FollowUpReport {
                    id: process.loops[u.id.0 as usize].id.clone(),
                    steps: u.steps.len(),
                    handoffs: u.handoffs,
                })
                .collect(),
        }
    }
}

/// One of the two processes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Side {
    /// Process id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its version.
    pub version: String,
    /// What its design implies.
    pub design: DesignReport,
    /// The month of tickets recorded under it, when one was given.
    pub observed: Option<Outcome>,
    /// The log file.
    pub log: Option<String>,
}

/// The first month replayed on the second design.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WhatIfReport {
    /// The figures of the replayed month.
    pub outcome: Outcome,
    /// What the replay assumed, counted.
    pub assumptions: Assumptions,
    /// The seed of its draws.
    pub seed: u64,
}

/// Two processes compared.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompareReport {
    /// The first and the second process.
    pub processes: Vec<Side>,
    /// The first process's month replayed on the second, when asked.
    pub what_if: Option<WhatIfReport>,
}

/// Words of the table.
struct Words {
    figure: &'static str,
    difference: &'static str,
    note: &'static str,
    what_if: &'static str,
    design: [&'static str; 5],
    observed: [&'static str; 8],
}

const ZH: Words = Words {
    figure: "指标",
    difference: "差异",
    note: "差异：设计指标为第二流程 − 第一流程；实际指标为第二流程（有假设重放时为假设）− 第一流程。",
    what_if: "假设",
    design: [
        "设计：主路径步骤数",
        "设计：主路径交接次数",
        "设计：主路径部门折返",
        "设计：主路径涉及部门",
        "设计：每次追加诉求的交接",
    ],
    observed: [
        "实际：工单数",
        "实际：流程符合率",
        "实际：每单交接",
        "实际：每单部门折返",
        "实际：每单回环",
        "实际：每单未设计回环",
        "实际：处理时长中位数（小时）",
        "实际：时限达标率",
    ],
};

const EN: Words = Words {
    figure: "figure",
    difference: "difference",
    note: "difference: second − first for the design; for observed figures, the second month (the what-if when there is one) − the first.",
    what_if: "what-if",
    design: [
        "design: steps on the main path",
        "design: hand-offs on the main path",
        "design: department returns on the main path",
        "design: departments on the main path",
        "design: hand-offs per follow-up request",
    ],
    observed: [
        "observed: tickets",
        "observed: conformance rate",
        "observed: hand-offs per ticket",
        "observed: department returns per ticket",
        "observed: loop-backs per ticket",
        "observed: undesigned loop-backs per ticket",
        "observed: median throughput time (h)",
        "observed: time-limit compliance",
    ],
};

/// A number with two decimals, `-` when there is none.
fn num(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_owned(), |x| format!("{x:.2}"))
}

/// `b - a` with its sign, in the units of `kind` (`%` points for shares).
fn diff(a: Option<f64>, b: Option<f64>, percent: bool) -> String {
    match (a, b) {
        (Some(a), Some(b)) if percent => format!("{:+.2} pp", 100.0 * (b - a)),
        (Some(a), Some(b)) => {
            let rel = if a.abs() > f64::EPSILON { format!(" ({:+.0} %)", 100.0 * (b - a) / a) } else { String::new() };
            format!("{:+.2}{rel}", b - a)
        }
        _ => String::new(),
    }
}

/// The follow-up cost of a design: the most hand-offs one follow-up makes, over its loops.
fn follow_up_handoffs(d: &DesignReport) -> Option<f64> {
    d.follow_ups.iter().map(|f| f64::from(f.handoffs)).reduce(f64::max)
}

impl CompareReport {
    /// What the table's difference column means.
    pub fn difference_note(zh: bool) -> &'static str {
        if zh { ZH.note } else { EN.note }
    }

    /// The rows shown to people: figure, first, second, [what-if,] difference.
    pub fn table(&self, zh: bool) -> Table {
        let w = if zh { &ZH } else { &EN };
        let (a, b) = (&self.processes[0], &self.processes[1]);
        let mut headers = vec![w.figure.to_owned(), a.name.clone(), b.name.clone()];
        if self.what_if.is_some() {
            headers.push(format!("{} ({} → {})", w.what_if, a.id, b.id));
        }
        headers.push(w.difference.to_owned());
        let cols = headers.len();
        let mut rows = Vec::new();
        #[expect(clippy::cast_precision_loss, reason = "step and role counts are tiny")]
        let design = |d: &DesignReport| -> [Option<f64>; 5] {
            [
                Some(d.main_path.len() as f64),
                Some(f64::from(d.handoffs)),
                Some(f64::from(d.department_returns)),
                Some(d.departments.len() as f64),
                follow_up_handoffs(d),
            ]
        };
        let (da, db) = (design(&a.design), design(&b.design));
        for (i, label) in w.design.iter().enumerate() {
            let mut row = vec![(*label).to_owned(), num0(da[i]), num0(db[i])];
            if self.what_if.is_some() {
                row.push(String::new());
            }
            row.push(diff(da[i], db[i], false));
            rows.push(row);
        }
        let observed = |o: &Outcome| -> [Option<f64>; 8] {
            #[expect(clippy::cast_precision_loss, reason = "ticket counts are far below 2^52")]
            let tickets = o.tickets as f64;
            [
                Some(tickets),
                Some(o.conformance_rate),
                o.handoffs_per_ticket,
                o.returns_per_ticket,
                o.loopbacks_per_ticket,
                o.undesigned_loopbacks_per_ticket,
                o.median_throughput_hours,
                o.limit_compliance,
            ]
        };
        let oa = a.observed.as_ref().map(observed);
        let ob = b.observed.as_ref().map(observed);
        let ow = self.what_if.as_ref().map(|x| observed(&x.outcome));
        if oa.is_some() || ob.is_some() {
            for (i, label) in w.observed.iter().enumerate() {
                let percent = i == 1 || i == 7;
                let cell = |o: Option<[Option<f64>; 8]>| {
                    let x = o.and_then(|o| o[i]);
                    if i == 0 {
                        num0(x)
                    } else if percent {
                        pct(x)
                    } else {
                        num(x)
                    }
                };
                let mut row = vec![(*label).to_owned(), cell(oa), cell(ob)];
                // The difference the design change makes: the second process's month, or the
                // what-if when there is one.
                let other = ow.or(ob);
                if self.what_if.is_some() {
                    row.push(cell(ow));
                }
                row.push(if i == 0 {
                    String::new()
                } else {
                    diff(oa.and_then(|o| o[i]), other.and_then(|o| o[i]), percent)
                });
                rows.push(row);
            }
        }
        debug_assert!(rows.iter().all(|r| r.len() == cols));
        Table { headers, rows }
    }
}

/// A whole number, `-` when there is none.
fn num0(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_owned(), |x| format!("{x:.0}"))
}
