//! Time limits and bottlenecks for people and tools: the sections of `flowaudit sla` (and the
//! compliance summary of `check`), names resolved in the process's language.
//!
//! Owns [`SlaReport`] (JSON keys `compliance`, `compliance_by_rule`, `without_limit`,
//! `step_limits`, `breaches`, `at_risk`, `overdue`, `bottlenecks`; documented in
//! `docs/time-limits.md`), [`write_text`] and [`write_summary`]. Every list is sorted; times are
//! decimal hours. O(cells + breaches log breaches).

use std::io::{self, Write};

use chrono::TimeZone as _;
use serde::Serialize;

use crate::analysis::bottleneck::{Bottlenecks, Stats};
use crate::analysis::limits::{SlaFigures, TicketLimit, Unlimited};
use crate::log::event_log::EventLog;
use crate::log::intern::Sym;
use crate::log::timestamp::Time;
use crate::model::calendar::Calendar;
use crate::model::time_limits::{Measure, TimeLimits};
use crate::render::table::Table;
use crate::report::department::Names;
use crate::report::figures::{hours, pct, share};

/// `t` in `calendar`'s zone, RFC 3339 with its offset.
pub fn local(t: Time, calendar: &Calendar) -> String {
    if !t.is_some() {
        return String::new();
    }
    calendar
        .zone
        .timestamp_opt(t.0.div_euclid(1_000_000), 0)
        .single()
        .map_or_else(|| t.to_string(), |dt| dt.format("%Y-%m-%dT%H:%M:%S%:z").to_string())
}

/// One cell of the compliance table.
#[derive(Debug, Clone, Serialize)]
pub struct ComplianceRow {
    /// What was measured.
    pub measure: Measure,
    /// The rule's id.
    pub rule: String,
    /// The problem class (empty when the ticket has none).
    pub class: String,
    /// The tier (0 when the ticket has none).
    pub tier: u8,
    /// The month the tickets opened in (`YYYY-MM`, the calendar's zone).
    pub month: String,
    /// Tickets.
    pub tickets: u64,
    /// Met.
    pub met: u64,
    /// Breached (closed late or overdue).
    pub breached: u64,
    /// Open within the limit.
    pub open: u64,
    /// met / (met + breached).
    pub rate: Option<f64>,
}

/// One rule's compliance over every cell.
#[derive(Debug, Clone, Serialize)]
pub struct RuleRow {
    /// What it measures.
    pub measure: Measure,
    /// Its id.
    pub rule: String,
    /// Its calendar.
    pub calendar: String,
    /// Tickets.
    pub tickets: u64,
    /// Met.
    pub met: u64,
    /// Breached.
    pub breached: u64,
    /// Open within the limit.
    pub open: u64,
    /// met / (met + breached).
    pub rate: Option<f64>,
}

/// Tickets without a limit of a measure, by reason.
#[derive(Debug, Clone, Serialize)]
pub struct WithoutLimit {
    /// The measure.
    pub measure: Measure,
    /// Why.
    pub reason: Unlimited,
    /// Tickets.
    pub tickets: u64,
}

/// One ticket against one rule (a breach, or an open ticket of the early warning).
#[derive(Debug, Clone, Serialize)]
pub struct TicketRow {
    /// The ticket.
    pub case_id: String,
    /// Its tier (0: none).
    pub tier: u8,
    /// Its class.
    pub class: String,
    /// What was measured.
    pub measure: Measure,
    /// The rule.
    pub rule: String,
    /// The calendar.
    pub calendar: String,
    /// Elapsed working hours.
    pub elapsed_hours: f64,
    /// The limit in hours of the calendar.
    pub limit_hours: f64,
    /// Over the limit, hours.
    pub over_hours: f64,
    /// elapsed / limit.
    pub share_used: f64,
    /// When it opened.
    pub opened: String,
    /// When the limit runs (ran) out.
    pub due: String,
    /// Still open.
    pub open: bool,
}

/// One step against its limit.
#[derive(Debug, Clone, Serialize)]
pub struct StepLimitRow {
    /// The step.
    pub step: String,
    /// Its limit in hours.
    pub limit_hours: f64,
    /// Events measured.
    pub events: u64,
    /// Over the limit.
    pub breached: u64,
    /// breached / events.
    pub rate_breached: Option<f64>,
    /// The largest overrun, hours.
    pub worst_over_hours: f64,
}

/// Durations in hours.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct HoursStats {
    /// How many.
    pub count: u64,
    /// Mean.
    pub mean: f64,
    /// Median.
    pub median: f64,
    /// 90th percentile.
    pub p90: f64,
    /// Smallest.
    pub min: f64,
    /// Largest.
    pub max: f64,
}

impl From<Stats> for HoursStats {
    fn from(s: Stats) -> Self {
        let h = |x: f64| x / 3600.0;
        HoursStats { count: s.count, mean: h(s.mean), median: h(s.median), p90: h(s.p90), min: h(s.min), max: h(s.max) }
    }
}

/// One observed transition.
#[derive(Debug, Clone, Serialize)]
pub struct TransitionRow {
    /// From.
    pub from: String,
    /// To.
    pub to: String,
    /// Its waits.
    pub wait: HoursStats,
}

/// One step's times, and its share of the throughput time.
#[derive(Debug, Clone, Serialize)]
pub struct StepTimeRow {
    /// The step (or log label).
    pub step: String,
    /// Waiting before it.
    pub waiting: Option<HoursStats>,
    /// Processing (with start events).
    pub processing: Option<HoursStats>,
    /// Waiting before it summed over tickets, hours.
    pub waiting_hours: f64,
    /// Of the throughput time summed over tickets.
    pub share_of_throughput: Option<f64>,
}

/// One department's time.
#[derive(Debug, Clone, Serialize)]
pub struct DepartmentTimeRow {
    /// The department.
    pub department: String,
    /// Waiting before its steps, hours.
    pub waiting_hours: f64,
    /// Processing its steps, hours.
    pub processing_hours: f64,
    /// Of the throughput time summed over tickets (waiting plus processing).
    pub share_of_throughput: Option<f64>,
}

/// `bottlenecks`.
#[derive(Debug, Clone, Serialize)]
pub struct BottleneckReport {
    /// Throughput time summed over tickets, hours.
    pub throughput_hours: f64,
    /// Whether processing times exist (the log has start events).
    pub processing_known: bool,
    /// Events of other lifecycle transitions, not used.
    pub unused_events: u64,
    /// Steps by their share of the throughput time, largest first.
    pub ranking: Vec<StepTimeRow>,
    /// Observed transitions, the largest total wait first.
    pub transitions: Vec<TransitionRow>,
    /// Departments, the most time first.
    pub departments: Vec<DepartmentTimeRow>,
}

/// Compliance per rule and the tickets without a limit: what `check` shows of the time limits
/// (its JSON key `time_limits`).
#[derive(Debug, Clone, Serialize)]
pub struct LimitSummary {
    /// Open tickets were measured up to this instant.
    pub as_of: String,
    /// Compliance per rule, in file order.
    pub compliance_by_rule: Vec<RuleRow>,
    /// Tickets without a limit, by measure and reason.
    pub without_limit: Vec<WithoutLimit>,
}

impl LimitSummary {
    /// The summary of `f`, evaluated against `rules` with open tickets measured to `as_of`.
    pub fn new(f: &SlaFigures, rules: &TimeLimits, as_of: Time) -> LimitSummary {
        let mut by_rule: Vec<(usize, RuleRow)> = Vec::new();
        for ((measure, r, ..), c) in &f.cells {
            let i = by_rule.iter().position(|(x, _)| x == r).unwrap_or_else(|| {
                let rule = &rules.rules[*r];
                let row = RuleRow {
                    measure: *measure,
                    rule: rule.id.clone(),
                    calendar: rule.calendar.clone(),
                    tickets: 0,
                    met: 0,
                    breached: 0,
                    open: 0,
                    rate: None,
                };
                by_rule.push((*r, row));
                by_rule.len() - 1
            });
            let x = &mut by_rule[i].1;
            x.tickets += c.tickets;
            x.met += c.met;
            x.breached += c.breached;
            x.open += c.open;
        }
        by_rule.sort_by_key(|(r, _)| *r);
        for (_, x) in &mut by_rule {
            x.rate = share(x.met, x.met + x.breached);
        }
        LimitSummary {
            as_of: f.calendars.first().map_or_else(|| as_of.to_string(), |c| local(as_of, c)),
            compliance_by_rule: by_rule.into_iter().map(|(_, x)| x).collect(),
            without_limit: f
                .unlimited
                .iter()
                .map(|(&(measure, reason), &tickets)| WithoutLimit { measure, reason, tickets })
                .collect(),
        }
    }
}

/// `flowaudit sla`'s report.
#[derive(Debug, Clone, Serialize)]
pub struct SlaReport {
    /// The process.
    pub process: String,
    /// `as_of`, `compliance_by_rule`, `without_limit`.
    #[serde(flatten)]
    pub summary: LimitSummary,
    /// Tickets.
    pub tickets: u64,
    /// Open tickets.
    pub open_tickets: u64,
    /// Tickets opened after `as_of` (not measured).
    pub not_yet_opened: u64,
    /// Compliance by measure, rule, class, tier and month.
    pub compliance: Vec<ComplianceRow>,
    /// Steps against their limits.
    pub step_limits: Vec<StepLimitRow>,
    /// Breaches in all.
    pub breaches_total: u64,
    /// The worst breaches (up to the report's `top`).
    pub breaches: Vec<TicketRow>,
    /// Open tickets at risk in all.
    pub at_risk_total: u64,
    /// Open tickets at risk, the most urgent first (up to the report's `top`).
    pub at_risk: Vec<TicketRow>,
    /// Open tickets over their limit in all.
    pub overdue_total: u64,
    /// Open tickets over their limit, the most overdue first (up to the report's `top`).
    pub overdue: Vec<TicketRow>,
    /// Where tickets wait.
    pub bottlenecks: BottleneckReport,
}

/// What the report is built from.
pub struct SlaInput<'a> {
    /// The figures.
    pub figures: &'a SlaFigures,
    /// The rules.
    pub rules: &'a TimeLimits,
    /// The bottlenecks.
    pub bottlenecks: &'a Bottlenecks,
    /// Names.
    pub names: &'a Names<'a>,
    /// Tickets' tiers.
    pub tiers: &'a [u8],
    /// When open tickets were measured to.
    pub as_of: Time,
    /// Share of the limit from which an open ticket is at risk.
    pub warn_at: f64,
    /// Rows per ticket list.
    pub top: usize,
}

fn class_of(log: &EventLog, t: &TicketLimit) -> String {
    log.cases
        .class
        .as_ref()
        .map(|c| c[t.case.index()])
        .filter(|s| s.is_some())
        .map_or_else(String::new, |s| log.values.resolve(s).to_owned())
}

impl SlaReport {
    /// The report of `input`.
    pub fn new(input: &SlaInput<'_>) -> SlaReport {
        let f = input.figures;
        let log = input.names.log;
        let rule_id = |r: usize| input.rules.rules[r].id.clone();
        let row = |t: &TicketLimit| {
            let cal = &f.calendars[t.calendar];
            TicketRow {
                case_id: log.case_id(t.case).to_owned(),
                tier: input.tiers.get(t.case.index()).copied().unwrap_or(0),
                class: class_of(log, t),
                measure: t.measure,
                rule: rule_id(t.rule),
                calendar: cal.id.clone(),
                elapsed_hours: hours(t.elapsed),
                limit_hours: hours(t.limit),
                over_hours: hours(t.over()),
                share_used: t.share_used(),
                opened: local(t.opened, cal),
                due: local(t.due, cal),
                open: t.open,
            }
        };
        let mut keyed: Vec<(usize, ComplianceRow)> = f
            .cells
            .iter()
            .map(|((measure, r, class, tier, month), c)| {
                (
                    *r,
                    ComplianceRow {
                        measure: *measure,
                        rule: rule_id(*r),
                        class: if class.is_some() { log.values.resolve(*class).to_owned() } else { String::new() },
                        tier: *tier,
                        month: format!("{:04}-{:02}", month / 100, month % 100),
                        tickets: c.tickets,
                        met: c.met,
                        breached: c.breached,
                        open: c.open,
                        rate: share(c.met, c.met + c.breached),
                    },
                )
            })
            .collect();
        // By measure, rule (file order), class name, tier, month.
        keyed.sort_by(|(ra, a), (rb, b)| {
            (a.measure, ra, &a.class, a.tier, &a.month).cmp(&(b.measure, rb, &b.class, b.tier, &b.month))
        });
        let compliance = keyed.into_iter().map(|(_, row)| row).collect();
        let summary = LimitSummary::new(f, input.rules, input.as_of);
        let breaches = f.breaches();
        let (at_risk, overdue) = f.warnings(input.warn_at, input.tiers);
        let step_limits = f
            .steps
            .iter()
            .enumerate()
            .filter(|(_, s)| s.events > 0)
            .map(|(i, s)| StepLimitRow {
                step: input.names.step(crate::model::process::StepId(u32::try_from(i).unwrap_or(0))),
                limit_hours: hours(s.limit),
                events: s.events,
                breached: s.breached,
                rate_breached: share(s.breached, s.events),
                worst_over_hours: hours(s.worst),
            })
            .collect();
        SlaReport {
            process: input.names.process.id.clone(),
            summary,
            tickets: f.tickets,
            open_tickets: f.open_tickets,
            not_yet_opened: f.not_yet_opened,
            compliance,
            step_limits,
            breaches_total: breaches.len() as u64,
            breaches: breaches.into_iter().take(input.top).map(row).collect(),
            at_risk_total: at_risk.len() as u64,
            at_risk: at_risk.into_iter().take(input.top).map(row).collect(),
            overdue_total: overdue.len() as u64,
            overdue: overdue.into_iter().take(input.top).map(row).collect(),
            bottlenecks: bottleneck_report(input.bottlenecks, input.names),
        }
    }
}

fn bottleneck_report(b: &Bottlenecks, names: &Names<'_>) -> BottleneckReport {
    #[expect(clippy::cast_precision_loss, reason = "seconds of a month are far below 2^52")]
    let h = |s: i64| s as f64 / 3600.0;
    let of_throughput = |s: i64| (b.throughput > 0).then(|| h(s) / h(b.throughput));
    let mut ranking: Vec<StepTimeRow> = b
        .steps
        .iter()
        .map(|(&id, t)| {
            let total: i64 = t.waiting.iter().sum();
            StepTimeRow {
                step: names.activity(id).0,
                waiting: Stats::of(&mut t.waiting.clone()).map(HoursStats::from),
                processing: Stats::of(&mut t.processing.clone()).map(HoursStats::from),
                waiting_hours: h(total),
                share_of_throughput: of_throughput(total),
            }
        })
        .collect();
    ranking.sort_by(|a, b| b.waiting_hours.total_cmp(&a.waiting_hours).then_with(|| a.step.cmp(&b.step)));
    let mut transitions: Vec<(i64, TransitionRow)> = b
        .transitions
        .iter()
        .filter_map(|(&(x, y), waits)| {
            let total: i64 = waits.iter().sum();
            let wait = Stats::of(&mut waits.clone())?.into();
            Some((total, TransitionRow { from: names.activity(x).0, to: names.activity(y).0, wait }))
        })
        .collect();
    transitions.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| (&a.1.from, &a.1.to).cmp(&(&b.1.from, &b.1.to))));
    let mut departments: Vec<DepartmentTimeRow> = b
        .departments
        .iter()
        .map(|(&d, &(w, p))| DepartmentTimeRow {
            department: names.dept(d),
            waiting_hours: h(w),
            processing_hours: h(p),
            share_of_throughput: of_throughput(w + p),
        })
        .collect();
    departments.sort_by(|a, b| {
        (b.waiting_hours + b.processing_hours)
            .total_cmp(&(a.waiting_hours + a.processing_hours))
            .then_with(|| a.department.cmp(&b.department))
    });
    BottleneckReport {
        throughput_hours: h(b.throughput),
        processing_known: b.has_starts,
        unused_events: b.unused_events,
        ranking,
        transitions: transitions.into_iter().map(|(_, t)| t).collect(),
        departments,
    }
}

/// Writes the compliance per rule: the summary `check` shows too.
pub fn write_summary(out: &mut impl Write, r: &LimitSummary) -> io::Result<()> {
    writeln!(out, "\ntime limits (open tickets measured to {})", r.as_of)?;
    if r.compliance_by_rule.is_empty() {
        writeln!(out, "  no limit applies to these tickets")?;
    }
    for x in &r.compliance_by_rule {
        writeln!(
            out,
            "  {:<24} {} met ({} of {}; {} breached, {} open) [{}, {}]",
            x.rule,
            pct(x.rate),
            x.met,
            x.met + x.breached,
            x.breached,
            x.open,
            x.measure.as_str(),
            x.calendar
        )?;
    }
    for w in &r.without_limit {
        let why = match w.reason {
            Unlimited::NoRule => "no rule of this measure matches their process, class and channel",
            Unlimited::NoTier => "no tier (the limit depends on it)",
            Unlimited::NotReached => "closed without the rule's steps",
            Unlimited::Untimed => "no timed event",
        };
        writeln!(out, "  {:<24} {} tickets have no `{}` limit: {why}", "", w.tickets, w.measure.as_str())?;
    }
    Ok(())
}

fn ticket_table(list: &[TicketRow], top: usize) -> Table {
    let rows = list
        .iter()
        .take(top)
        .map(|t| {
            vec![
                t.case_id.clone(),
                if t.tier > 0 { format!("{}★", t.tier) } else { "-".to_owned() },
                t.class.clone(),
                format!("{:.1}", t.elapsed_hours),
                format!("{:.1}", t.limit_hours),
                format!("{:.0} %", 100.0 * t.share_used),
                t.due.clone(),
                t.rule.clone(),
            ]
        })
        .collect();
    Table {
        headers: ["ticket", "tier", "class", "elapsed h", "limit h", "used", "due", "rule"].map(String::from).to_vec(),
        rows,
    }
}

/// Writes `table` indented by two spaces.
fn indented(out: &mut impl Write, table: &Table) -> io::Result<()> {
    let mut buf = Vec::new();
    table.write_text(&mut buf)?;
    for line in String::from_utf8_lossy(&buf).lines() {
        writeln!(out, "  {line}")?;
    }
    Ok(())
}

/// Writes the whole report as text; `top` rows per list.
pub fn write_text(out: &mut impl Write, r: &SlaReport, top: usize) -> io::Result<()> {
    writeln!(out, "  tickets            {} ({} open)", r.tickets - r.not_yet_opened, r.open_tickets)?;
    if r.not_yet_opened > 0 {
        writeln!(out, "                     {} more opened after {}, not measured", r.not_yet_opened, r.summary.as_of)?;
    }
    write_summary(out, &r.summary)?;
    write_compliance(out, r)?;
    write_lists(out, r, top)?;
    write_bottlenecks(out, &r.bottlenecks, top)
}

/// The tier x class table of each rule.
fn write_compliance(out: &mut impl Write, r: &SlaReport) -> io::Result<()> {
    let mut rules: Vec<&str> = r.compliance.iter().map(|c| c.rule.as_str()).collect();
    rules.dedup();
    for rule in rules {
        writeln!(out, "\ncompliance of {rule} by class and tier (met, of measured)")?;
        let cells: Vec<&ComplianceRow> = r.compliance.iter().filter(|c| c.rule == rule).collect();
        let mut classes: Vec<&str> = cells.iter().map(|c| c.class.as_str()).collect();
        classes.sort_unstable();
        classes.dedup();
        let rows = classes
            .into_iter()
            .map(|class| {
                let cell = |tier: u8| {
                    let (met, breached) = cells
                        .iter()
                        .filter(|c| c.class == class && c.tier == tier)
                        .fold((0, 0), |(m, b), c| (m + c.met, b + c.breached));
                    if met + breached == 0 {
                        "-".to_owned()
                    } else {
                        format!("{} of {}", pct(share(met, met + breached)), met + breached)
                    }
                };
                let name = if class.is_empty() { "(none)".to_owned() } else { class.to_owned() };
                vec![name, cell(5), cell(4), cell(3), cell(2), cell(1), cell(0)]
            })
            .collect();
        indented(
            out,
            &Table {
                headers: ["class", "5★", "4★", "3★", "2★", "1★", "no tier"].map(String::from).to_vec(), rows
            },
        )?;
    }
    Ok(())
}

/// Step limits, the worst breaches and the early warning.
fn write_lists(out: &mut impl Write, r: &SlaReport, top: usize) -> io::Result<()> {
    if !r.step_limits.is_empty() {
        writeln!(out, "\nstep limits (each step from the event before it)")?;
        let rows = r
            .step_limits
            .iter()
            .map(|s| {
                vec![
                    s.step.clone(),
                    format!("{:.2}", s.limit_hours),
                    s.events.to_string(),
                    s.breached.to_string(),
                    pct(s.rate_breached),
                    format!("+{:.1}", s.worst_over_hours),
                ]
            })
            .collect();
        indented(
            out,
            &Table {
                headers: ["step", "limit h", "events", "over", "share over", "worst h"].map(String::from).to_vec(),
                rows,
            },
        )?;
    }
    writeln!(out, "\nworst breaches ({} in all)", r.breaches_total)?;
    if !r.breaches.is_empty() {
        indented(out, &ticket_table(&r.breaches, top))?;
    }
    writeln!(out, "\nearly warning at {}: {} overdue, {} at risk", r.summary.as_of, r.overdue_total, r.at_risk_total)?;
    for (title, list) in [("overdue", &r.overdue), ("at risk", &r.at_risk)] {
        if !list.is_empty() {
            writeln!(out, "  {title}:")?;
            indented(out, &ticket_table(list, top))?;
        }
    }
    Ok(())
}

/// Where tickets wait: steps, transitions, departments.
fn write_bottlenecks(out: &mut impl Write, b: &BottleneckReport, top: usize) -> io::Result<()> {
    writeln!(out, "\nbottlenecks: where tickets wait ({:.0} h of throughput time in all)", b.throughput_hours)?;
    let rows = b
        .ranking
        .iter()
        .take(top)
        .map(|s| {
            let (median, p90) = s.waiting.map_or((0.0, 0.0), |w| (w.median, w.p90));
            let processing = s.processing.map_or_else(|| "-".to_owned(), |p| format!("{:.2}", p.median));
            vec![
                s.step.clone(),
                pct(s.share_of_throughput),
                format!("{:.1}", s.waiting_hours),
                format!("{median:.2}"),
                format!("{p90:.2}"),
                processing,
            ]
        })
        .collect();
    indented(
        out,
        &Table {
            headers: ["step", "share of throughput", "waiting h", "median wait h", "p90 wait h", "median processing h"]
                .map(String::from)
                .to_vec(),
            rows,
        },
    )?;
    writeln!(out, "\n  transitions, the largest total wait first")?;
    let rows = b
        .transitions
        .iter()
        .take(top)
        .map(|t| {
            vec![
                format!("{} -> {}", t.from, t.to),
                t.wait.count.to_string(),
                format!("{:.2}", t.wait.median),
                format!("{:.2}", t.wait.p90),
                format!("{:.1}", t.wait.max),
            ]
        })
        .collect();
    indented(
        out,
        &Table { headers: ["transition", "count", "median h", "p90 h", "max h"].map(String::from).to_vec(), rows },
    )?;
    writeln!(out, "\n  time per department")?;
    let rows = b
        .departments
        .iter()
        .map(|d| {
            vec![
                d.department.clone(),
                format!("{:.1}", d.waiting_hours),
                format!("{:.1}", d.processing_hours),
                pct(d.share_of_throughput),
            ]
        })
        .collect();
    indented(
        out,
        &Table {
            headers: ["department", "waiting h", "processing h", "share of throughput"].map(String::from).to_vec(),
            rows,
        },
    )?;
    if !b.processing_known {
        writeln!(out, "  (no start events: processing time is not known, all time counts as waiting)")?;
    }
    Ok(())
}

/// Tickets' tiers: the log's tier column, else (or where it is empty) the `stars` of `grades`
/// joined on the customer id.
pub fn tiers(log: &EventLog, grades: Option<&std::collections::BTreeMap<String, u8>>) -> Vec<u8> {
    log.case_indices()
        .map(|c| {
            let own = log.cases.tier.as_ref().map_or(0, |t| t[c.index()]);
            if own > 0 {
                return own;
            }
            let customer: Option<Sym> = log.cases.customer.as_ref().map(|v| v[c.index()]).filter(|s| s.is_some());
            customer.and_then(|s| grades?.get(log.values.resolve(s)).copied()).unwrap_or(0)
        })
        .collect()
}
