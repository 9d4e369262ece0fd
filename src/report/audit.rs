//! The monthly audit's data: every process's figures for the month, the routing of the month's
//! tickets through the touchpoint map, the benchmark values, data quality and the trends, and
//! `summary.json` (schema [`SCHEMA`]).
//!
//! Owns [`Audit`], [`ProcessAudit`], [`RoutingReport`] and [`Summary`]. The CLI fills an
//! [`Audit`] (read -> route -> per process: check, department view, time limits, map) and the
//! writers turn it into HTML, Markdown, CSV and a workbook.
//! Definitions: a ticket belongs to the month it was **opened** in (its first timed event, in
//! the centre's time zone); the month's **conformance rate** is fitting tickets over routed
//! tickets whose alignment was computed, over every process; its **fitness** the processes' log
//! fitness weighted by their tickets. O(processes + findings) once the figures exist.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::conformance::deviation::DeviationPattern;
use crate::conformance::fitness::Summary as Conformance;
use crate::log::routing::{Routing, Unrouted};
use crate::model::benchmarks::Metric;
use crate::report::compare::{CompareReport, Outcome};
use crate::report::data_quality::DataQuality;
use crate::report::department::DepartmentReport;
use crate::report::sla::SlaReport;

/// The version of `summary.json`'s layout; a change that removes or renames a key bumps it.
pub const SCHEMA: &str = "flowaudit.audit/1";

/// One process's month.
#[derive(Debug, Clone)]
pub struct ProcessAudit {
    /// Process id.
    pub id: String,
    /// Its name in the audit's language.
    pub name: String,
    /// Its version.
    pub version: String,
    /// The comparison figures (tickets, conformance, hand-offs, loop-backs, throughput, limits).
    pub outcome: Outcome,
    /// The alignments' summary.
    pub conformance: Conformance,
    /// Deviation patterns, most tickets first.
    pub patterns: Vec<DeviationPattern>,
    /// The most frequent variants: step names and tickets.
    pub variants: Vec<(Vec<String>, u64)>,
    /// The department view's report.
    pub department: Option<DepartmentReport>,
    /// The time limits, warnings and bottlenecks.
    pub sla: Option<SlaReport>,
    /// Labels and departments of this process's tickets the process does not know.
    pub quality: DataQuality,
    /// The designed map with the month's deviations, as SVG (when Graphviz drew it).
    pub map_svg: Option<String>,
}

/// Where the month's tickets went.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutingReport {
    /// Whether the tickets were routed through the touchpoint map (false: `--process`).
    pub by_touchpoint: bool,
    /// Tickets routed to a process.
    pub routed: u64,
    /// Tickets at touchpoints without a process.
    pub blind_spot: u64,
    /// Tickets that could not be routed.
    pub unrouted: u64,
    /// Per process: tickets.
    pub per_process: BTreeMap<String, u64>,
    /// Per blind-spot touchpoint code: tickets.
    pub blind_spots: BTreeMap<String, u64>,
    /// Per reason: unrouted tickets.
    pub unrouted_by_reason: BTreeMap<String, u64>,
    /// Per touchpoint code: tickets.
    pub per_touchpoint: BTreeMap<String, u64>,
}

impl RoutingReport {
    /// The report of `r`.
    pub fn new(r: &Routing, by_touchpoint: bool) -> RoutingReport {
        let n = |v: &[crate::log::event_log::CaseIdx]| v.len() as u64;
        RoutingReport {
            by_touchpoint,
            routed: r.routed_tickets() as u64,
            blind_spot: r.blind_spot_tickets() as u64,
            unrouted: r.unrouted_tickets() as u64,
            per_process: r.routed.iter().map(|(k, v)| (k.clone(), n(v))).collect(),
            blind_spots: r.blind_spots.iter().map(|(k, v)| (k.clone(), n(v))).collect(),
            unrouted_by_reason: Unrouted::ALL
                .iter()
                .filter_map(|u| r.unrouted.get(u).map(|v| (u.describe(false).to_owned(), n(v))))
                .collect(),
            per_touchpoint: r.by_touchpoint.clone(),
        }
    }
}

/// The whole month.
#[derive(Debug, Clone)]
pub struct Audit {
    /// `YYYY-MM`.
    pub month: String,
    /// Names in Chinese.
    pub zh: bool,
    /// The log files read.
    pub logs: Vec<String>,
    /// Tickets opened in the month (routed or not).
    pub tickets: u64,
    /// Tickets of the logs opened in other months (left out).
    pub other_months: u64,
    /// Tickets without any timestamp (left out: no month).
    pub untimed: u64,
    /// Per process with tickets, by id.
    pub processes: Vec<ProcessAudit>,
    /// Where the tickets went.
    pub routing: RoutingReport,
    /// Rows read and rejected across the logs.
    pub quality: DataQuality,
    /// The linear vs flattened comparison, where both ran this month.
    pub compare: Option<CompareReport>,
    /// On-site inspections per process id: inspected, compliant (field application).
    pub inspections: BTreeMap<String, (u64, u64)>,
    /// Tickets routed to complaint processes.
    pub complaints: u64,
    /// The month's contacts over every channel, when their volumes were given.
    pub contacts: Option<u64>,
}

/// One process in `summary.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcessSummary {
    /// Process id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Tickets.
    pub tickets: u64,
    /// Share of its tickets that fit.
    pub conformance_rate: f64,
    /// Log fitness.
    pub fitness: f64,
    /// Hand-offs per ticket.
    pub handoffs_per_ticket: Option<f64>,
    /// Department returns per ticket.
    pub returns_per_ticket: Option<f64>,
    /// Undesigned loop-backs per ticket.
    pub undesigned_loopbacks_per_ticket: Option<f64>,
    /// Median throughput time, hours.
    pub median_throughput_hours: Option<f64>,
    /// Time-limit compliance.
    pub limit_compliance: Option<f64>,
    /// Events done by the owning department.
    pub organisational_conformance: Option<f64>,
    /// Repeat complaints among its tickets.
    pub repeat_rate: Option<f64>,
    /// The most frequent deviation patterns and their tickets.
    pub top_deviations: Vec<(String, u64)>,
}

/// `summary.json`: the month in one documented, versioned object (see docs/audit.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// [`SCHEMA`].
    pub schema: String,
    /// `YYYY-MM`.
    pub month: String,
    /// Tickets opened in the month.
    pub tickets: u64,
    /// Fitting over routed computed tickets; `None` without routed tickets.
    pub conformance_rate: Option<f64>,
    /// The processes' log fitness, weighted by their tickets.
    pub fitness: Option<f64>,
    /// Met over met + breached, every process and rule.
    pub limit_compliance: Option<f64>,
    /// Per process, by id.
    pub processes: Vec<ProcessSummary>,
    /// Routing through the touchpoint map.
    pub routing: RoutingReport,
    /// Benchmark values and whether the month met them (filled by the caller).
    pub benchmarks: Vec<crate::report::audit_sections::BenchmarkRow>,
    /// Rows read, rejected, unmapped labels and departments.
    pub data_quality: DataQualitySummary,
}

/// Data quality in `summary.json`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DataQualitySummary {
    /// Rows read from the logs.
    pub rows_read: u64,
    /// Rows rejected (with line and reason in the logs' accounting).
    pub rows_rejected: u64,
    /// Tickets of other months left out.
    pub tickets_other_months: u64,
    /// Tickets without timestamps left out.
    pub tickets_untimed: u64,
    /// Events whose label names no step of their process.
    pub unmapped_events: u64,
    /// Events whose department names no role of their process.
    pub unmapped_department_events: u64,
}

fn weighted(items: impl Iterator<Item = (f64, u64)>) -> Option<f64> {
    let (sum, n) = items.fold((0.0, 0u64), |(s, n), (x, w)| (s + x * crate::report::figures::as_f64(w), n + w));
    (n > 0).then(|| sum / crate::report::figures::as_f64(n))
}

impl Audit {
    /// Fitting over computed tickets, over every process.
    pub fn conformance_rate(&self) -> Option<f64> {
        let fitting: u64 = self.processes.iter().map(|p| p.conformance.fitting).sum();
        let computed: u64 = self.processes.iter().map(|p| p.conformance.cases - p.conformance.not_computed).sum();
        crate::report::figures::share(fitting, computed)
    }

    /// The processes' log fitness, weighted by their tickets.
    pub fn fitness(&self) -> Option<f64> {
        weighted(self.processes.iter().map(|p| (p.conformance.log_fitness, p.conformance.cases)))
    }

    /// Met over met + breached across processes.
    pub fn limit_compliance(&self) -> Option<f64> {
        let (met, breached) = self
            .processes
            .iter()
            .filter_map(|p| p.sla.as_ref())
            .flat_map(|s| &s.summary.compliance_by_rule)
            .fold((0, 0), |(m, b), r| (m + r.met, b + r.breached));
        crate::report::figures::share(met, met + breached)
    }

    /// `summary.json` without the benchmark outcomes (the caller adds them).
    pub fn summary(&self) -> Summary {
        let processes = self
            .processes
            .iter()
            .map(|p| {
                let d = p.department.as_ref();
                ProcessSummary {
                    id: p.id.clone(),
                    name: p.name.clone(),
                    tickets: p.outcome.tickets,
                    conformance_rate: p.outcome.conformance_rate,
                    fitness: p.conformance.log_fitness,
                    handoffs_per_ticket: p.outcome.handoffs_per_ticket,
                    returns_per_ticket: p.outcome.returns_per_ticket,
                    undesigned_loopbacks_per_ticket: p.outcome.undesigned_loopbacks_per_ticket,
                    median_throughput_hours: p.outcome.median_throughput_hours,
                    limit_compliance: p.outcome.limit_compliance,
                    organisational_conformance: d.and_then(|d| d.organisational_conformance.rate),
                    repeat_rate: d.and_then(|d| d.repeat_complaints.rate),
                    top_deviations: p.patterns.iter().take(5).map(|x| (x.pattern.clone(), x.tickets)).collect(),
                }
            })
            .collect();
        Summary {
            schema: SCHEMA.to_owned(),
            month: self.month.clone(),
            tickets: self.tickets,
            conformance_rate: self.conformance_rate(),
            fitness: self.fitness(),
            limit_compliance: self.limit_compliance(),
            processes,
            routing: self.routing.clone(),
            benchmarks: Vec::new(),
            data_quality: DataQualitySummary {
                rows_read: self.quality.rows_read,
                rows_rejected: self.quality.rows_rejected,
                tickets_other_months: self.other_months,
                tickets_untimed: self.untimed,
                unmapped_events: self.processes.iter().filter_map(|p| p.quality.unmapped_events).sum(),
                unmapped_department_events: self
                    .processes
                    .iter()
                    .flat_map(|p| &p.quality.unmapped_departments)
                    .map(|d| d.events)
                    .sum(),
            },
        }
    }
}

/// One thing to fix, with what it costs and the section that shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// The section's anchor (`#conformance`, ...).
    pub section: String,
    /// What was found, in the audit's language.
    pub what: String,
    /// Tickets it touches.
    pub tickets: u64,
    /// Hours it costs (waiting, loop-backs, overdue), when known.
    pub hours: Option<f64>,
}

/// Findings shown under "what to fix first": the three that touch the most tickets, then the two
/// that cost the most hours among the rest.
const FIX_BY_TICKETS: usize = 3;
const FIX_BY_HOURS: usize = 2;

impl Audit {
    /// Every candidate finding of the month, unranked.
    fn candidates(&self) -> Vec<Finding> {
        let zh = self.zh;
        let mut out = Vec::new();
        let mut push = |section: &str, what: String, tickets: u64, hours: Option<f64>| {
            if tickets > 0 || hours.is_some_and(|h| h > 0.0) {
                out.push(Finding { section: section.to_owned(), what, tickets, hours });
            }
        };
        for p in &self.processes {
            if let Some(top) = p.patterns.iter().find(|x| !x.allowed) {
                let what = if zh {
                    format!("{}：{} 张工单偏离方式相同（{}）", p.name, top.tickets, top.pattern)
                } else {
                    format!("{}: {} tickets deviate the same way ({})", p.name, top.tickets, top.pattern)
                };
                push("conformance", what, top.tickets, None);
            }
            if let Some(d) = &p.department {
                let l = &d.loopbacks;
                let what = if zh {
                    format!(
                        "{}：{} 张工单有未设计的回环（折返），共 {:.0} 小时",
                        p.name, l.tickets_with_undesigned, l.undesigned_hours
                    )
                } else {
                    format!(
                        "{}: {} tickets loop back outside the design, {:.0} h in all",
                        p.name, l.tickets_with_undesigned, l.undesigned_hours
                    )
                };
                push("loopbacks", what, l.tickets_with_undesigned, Some(l.undesigned_hours));
                let o = &d.organisational_conformance;
                let what = if zh {
                    format!("{}：{} 张工单有步骤不由负责部门完成", p.name, o.tickets_with_wrong)
                } else {
                    format!("{}: {} tickets had a step done by another department", p.name, o.tickets_with_wrong)
                };
                push("monitoring", what, o.tickets_with_wrong, None);
            }
            if let Some(s) = &p.sla {
                let what = if zh {
                    format!("{}：{} 次超出时限（其中 {} 张工单月末仍未结）", p.name, s.breaches_total, s.overdue_total)
                } else {
                    format!(
                        "{}: {} time-limit breaches ({} tickets still open past their limit)",
                        p.name, s.breaches_total, s.overdue_total
                    )
                };
                push("time-limits", what, s.breaches_total, None);
                if let Some(step) = s.bottlenecks.ranking.first() {
                    let what = if zh {
                        format!("{}：工单在「{}」前等待最久，共 {:.0} 小时", p.name, step.step, step.waiting_hours)
                    } else {
                        format!(
                            "{}: tickets wait longest before \"{}\", {:.0} h in all",
                            p.name, step.step, step.waiting_hours
                        )
                    };
                    push("bottlenecks", what, 0, Some(step.waiting_hours));
                }
            }
        }
        for (code, n) in &self.routing.blind_spots {
            let what = if zh {
                format!("触点 {code} 没有设计流程（盲点）：{n} 张工单无法稽核")
            } else {
                format!("touchpoint {code} has no process (blind spot): {n} tickets cannot be audited")
            };
            push("touchpoints", what, *n, None);
        }
        if self.routing.unrouted > 0 {
            let what = if zh {
                format!("{} 张工单无法按触点分流（见触点覆盖）", self.routing.unrouted)
            } else {
                format!("{} tickets could not be routed by touchpoint (see touchpoint coverage)", self.routing.unrouted)
            };
            push("touchpoints", what, self.routing.unrouted, None);
        }
        out
    }

    /// What to fix first: the findings that touch the most tickets, then those that cost the most
    /// hours. Deterministic: ties go by section, then text.
    pub fn fix_first(&self) -> Vec<Finding> {
        let mut all = self.candidates();
        all.sort_by(|a, b| {
            b.tickets.cmp(&a.tickets).then_with(|| a.section.cmp(&b.section)).then_with(|| a.what.cmp(&b.what))
        });
        let mut chosen: Vec<Finding> = all.iter().filter(|f| f.tickets > 0).take(FIX_BY_TICKETS).cloned().collect();
        let mut rest: Vec<&Finding> = all.iter().filter(|f| !chosen.contains(f) && f.hours.is_some()).collect();
        rest.sort_by(|a, b| {
            b.hours.unwrap_or(0.0).total_cmp(&a.hours.unwrap_or(0.0)).then_with(|| a.what.cmp(&b.what))
        });
        chosen.extend(rest.into_iter().take(FIX_BY_HOURS).cloned());
        chosen
    }
}

impl ProcessAudit {
    /// This process's value of benchmark metric `m` (`None`: not measured).
    pub fn metric(&self, m: Metric) -> Option<f64> {
        let d = self.department.as_ref();
        match m {
            Metric::ConformanceRate => Some(self.outcome.conformance_rate),
            Metric::Fitness => Some(self.conformance.log_fitness),
            Metric::LimitCompliance => self.outcome.limit_compliance,
            Metric::HandoffsPerTicket => self.outcome.handoffs_per_ticket,
            Metric::DepartmentReturnsPerTicket => self.outcome.returns_per_ticket,
            Metric::UndesignedLoopbacksPerTicket => self.outcome.undesigned_loopbacks_per_ticket,
            Metric::RepeatComplaintRate => d.and_then(|d| d.repeat_complaints.rate),
            Metric::FirstReplySuccessRate => d.and_then(|d| d.first_reply_success.rate),
            Metric::ClosedLoopRate => d.and_then(|d| d.closed_loop.rate),
            Metric::OrganisationalConformance => d.and_then(|d| d.organisational_conformance.rate),
            Metric::ComplaintRate | Metric::BlindSpotShare | Metric::RejectedRowShare => None,
        }
    }
}

impl Audit {
    /// The month's value of benchmark metric `m`, for `process` or the whole centre (`None`: not
    /// measured). A centre value of a per-process metric is the processes' values weighted by their
    /// tickets (the rates above are already over all tickets).
    pub fn metric(&self, m: Metric, process: Option<&str>) -> Option<f64> {
        if let Some(id) = process {
            return self.processes.iter().find(|p| p.id == id)?.metric(m);
        }
        match m {
            Metric::ConformanceRate => self.conformance_rate(),
            Metric::Fitness => self.fitness(),
            Metric::LimitCompliance => self.limit_compliance(),
            Metric::BlindSpotShare => crate::report::figures::share(self.routing.blind_spot, self.tickets),
            Metric::RejectedRowShare => {
                crate::report::figures::share(self.quality.rows_rejected, self.quality.rows_read)
            }
            Metric::ComplaintRate => crate::report::figures::share(self.complaints, self.contacts?),
            _ => weighted(self.processes.iter().filter_map(|p| Some((p.metric(m)?, p.outcome.tickets)))),
        }
    }
}
