//! Time limits evaluated for every ticket: elapsed working time against its limit by tier and
//! class, compliance tables, per-step breaches, the breach list and the early warning of open
//! tickets.
//!
//! Owns [`evaluate`], [`SlaOptions`], [`SlaFigures`] and [`TicketLimit`]. Definitions
//! (`docs/time-limits.md`):
//!
//! - every ticket is taken as it stood at `as_of` (default: the log's last event): events after
//!   it had not happened yet, and a ticket opened after it is not measured (counted apart);
//! - a ticket is **open** when its last event that maps to a step is not an end step; open
//!   tickets are measured up to `as_of`;
//! - **elapsed** time is working time on the rule's calendar: for `ticket` rules from the first
//!   event to the last (to `as_of` while open), for `until` rules from the first event to the
//!   first event of one of the rule's steps (to `as_of` while open and not reached);
//! - the **limit** is the rule's amount for the ticket's tier, in microseconds of working time
//!   (a day is the calendar's usual working day, 24 h on a 24x7 calendar);
//! - **met** when elapsed <= limit, **breached** otherwise; an open ticket within its limit is
//!   **open**, neither met nor breached; `share_used` = elapsed / limit;
//! - a ticket that no rule of a measure applies to, or whose rule needs a tier it lacks, is
//!   counted apart under its reason, never dropped;
//! - **step** limits: each event of a step, from the event before it, against the first `step`
//!   rule naming the step, else the step's own `limit:` in its process file (natural time);
//! - the **early warning** lists open tickets at or over `warn_at` of their limit: at risk below
//!   1, overdue from 1, the least time left first (the most overdue first), then the highest tier.
//!
//! Cost: O(events) per ticket plus the calendar's O(days spanned) per measured span; O(b log b)
//! to rank b breaches.

use std::collections::BTreeMap;

use crate::log::event_log::{CaseIdx, EventLog};
use crate::log::intern::Sym;
use crate::log::timestamp::Time;
use crate::model::calendar::Calendar;
use crate::model::process::{Process, StepId};
use crate::model::time_limits::{Measure, TimeLimits};

/// How to evaluate.
#[derive(Debug, Clone, Copy)]
pub struct SlaOptions<'a> {
    /// Open tickets are measured up to this instant.
    pub as_of: Time,
    /// Share of the limit from which an open ticket is at risk.
    pub warn_at: f64,
    /// When set, every limit is counted on this calendar instead of its rule's.
    pub calendar: Option<&'a Calendar>,
    /// Each ticket's tier (1-5; 0 when unknown), by case index.
    pub tiers: &'a [u8],
    /// Keep every (ticket, rule) in [`SlaFigures::limits`] (for the breach list, the early
    /// warning and the per-ticket file); without it only the counts are kept.
    pub keep_tickets: bool,
}

/// Why a ticket has no limit of a measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Unlimited {
    /// No rule applies (process, class and channel).
    NoRule,
    /// The rule gives limits by tier and the ticket has none.
    NoTier,
    /// The rule's steps never occur in the ticket, which is closed.
    NotReached,
    /// The ticket has no timed event.
    Untimed,
}

/// One ticket against one rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TicketLimit {
    /// The ticket.
    pub case: CaseIdx,
    /// What was measured.
    pub measure: Measure,
    /// The rule's index in [`TimeLimits::rules`].
    pub rule: usize,
    /// The calendar used (index into the evaluation's calendars).
    pub calendar: usize,
    /// Elapsed working time, microseconds.
    pub elapsed: i64,
    /// The limit, microseconds of working time.
    pub limit: i64,
    /// Still open (measured to `as_of`).
    pub open: bool,
    /// When the limit runs out.
    pub due: Time,
    /// When the ticket opened.
    pub opened: Time,
}

impl TicketLimit {
    /// Within the limit.
    pub fn met(&self) -> bool {
        self.elapsed <= self.limit
    }

    /// Elapsed over the limit, microseconds (0 when met).
    pub fn over(&self) -> i64 {
        (self.elapsed - self.limit).max(0)
    }

    /// elapsed / limit.
    #[expect(clippy::cast_precision_loss, reason = "microseconds of a ticket are far below 2^52")]
    pub fn share_used(&self) -> f64 {
        if self.limit > 0 { self.elapsed as f64 / self.limit as f64 } else { f64::INFINITY }
    }

    /// Counted as met (closed or reached within the limit), breached, or still open within it.
    pub fn outcome(&self) -> Outcome {
        match (self.met(), self.open) {
            (false, _) => Outcome::Breached,
            (true, false) => Outcome::Met,
            (true, true) => Outcome::Open,
        }
    }
}

/// How a ticket stands against a limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Done within the limit.
    Met,
    /// Over the limit (closed late, or open and overdue).
    Breached,
    /// Open and within the limit so far.
    Open,
}

/// Counts of one cell of the compliance table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cell {
    /// Tickets measured.
    pub tickets: u64,
    /// Met.
    pub met: u64,
    /// Breached.
    pub breached: u64,
    /// Open within the limit.
    pub open: u64,
}

/// The events of one step against its limit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StepTally {
    /// Events measured.
    pub events: u64,
    /// Over the limit.
    pub breached: u64,
    /// The largest overrun, microseconds.
    pub worst: i64,
    /// The limit, microseconds (of the first rule or the step's own; the last tier's seen).
    pub limit: i64,
}

/// Compliance cell key: measure, rule, class (its `Sym` in `log.values`, [`Sym::NONE`] when the
/// ticket has none), tier, opening month (`year * 100 + month` in the calendar's zone).
pub type CellKey = (Measure, usize, Sym, u8, u32);

/// Every ticket against its limits.
#[derive(Debug, Clone, Default)]
pub struct SlaFigures {
    /// The calendars used, by index (rule calendars in file order, or the one `--calendar`).
    pub calendars: Vec<Calendar>,
    /// Every measured (ticket, rule), in case order then measure order (when kept).
    pub limits: Vec<TicketLimit>,
    /// Compliance by measure, rule, class, tier and month.
    pub cells: BTreeMap<CellKey, Cell>,
    /// Tickets without a limit, by measure and reason.
    pub unlimited: BTreeMap<(Measure, Unlimited), u64>,
    /// Per step (by `StepId`) of the process.
    pub steps: Vec<StepTally>,
    /// Tickets seen.
    pub tickets: u64,
    /// Open tickets.
    pub open_tickets: u64,
    /// Tickets whose first event comes after `as_of` (not measured).
    pub not_yet_opened: u64,
}

/// `year * 100 + month` of `t` in `calendar`'s zone (0 when out of range).
fn month_of(t: Time, calendar: &Calendar) -> u32 {
    use chrono::Datelike as _;
    calendar.local_date(t).map_or(0, |d| u32::try_from(d.year()).unwrap_or(0) * 100 + d.month())
}

/// One ticket as it stood at `as_of`: the steps and times of its events up to then.
struct Ticket<'t> {
    case: CaseIdx,
    steps: &'t [Option<StepId>],
    times: &'t [Time],
    open: bool,
    tier: u8,
    class: Option<&'t str>,
    channel: Option<&'t str>,
}

/// What every ticket is measured with: the calendars in use, the rules' calendars, the steps'
/// limits.
struct Evaluator<'a> {
    process: &'a Process,
    rules: &'a TimeLimits,
    as_of: Time,
    /// The calendars in use, by index.
    used: Vec<Calendar>,
    /// Each rule's calendar.
    rule_cal: Vec<Option<usize>>,
    /// Each calendar's day, microseconds.
    days: Vec<i64>,
    /// Per step: the calendar and the limit by tier (index 0: every tier) of its first `step`
    /// rule, else its own limit in natural time.
    step_limits: Vec<Option<(usize, [Option<i64>; 6])>>,
}

impl<'a> Evaluator<'a> {
    fn new(process: &'a Process, rules: &'a TimeLimits, calendars: &[Calendar], options: &SlaOptions<'_>) -> Self {
        let mut used: Vec<Calendar> = Vec::new();
        let mut index_of = |id: &str| -> Option<usize> {
            let cal = options.calendar.or_else(|| calendars.iter().find(|c| c.id == id))?;
            Some(used.iter().position(|c| c.id == cal.id).unwrap_or_else(|| {
                used.push(cal.clone());
                used.len() - 1
            }))
        };
        let rule_cal: Vec<Option<usize>> = rules.rules.iter().map(|r| index_of(&r.calendar)).collect();
        let natural = index_of("24x7").unwrap_or_else(|| {
            used.push(Calendar::always(options.calendar.map_or(chrono_tz::Asia::Shanghai, |c| c.zone)));
            used.len() - 1
        });
        let days: Vec<i64> = used.iter().map(Calendar::usual_day_micros).collect();
        let step_limits = process
            .steps
            .iter()
            .map(|s| {
                let rule = rules.rules.iter().enumerate().find(|(_, r)| {
                    r.measure == Measure::Step && r.applies(&process.id, None, None) && r.steps.contains(&s.id)
                });
                match rule {
                    Some((i, r)) => rule_cal[i].map(|c| (c, r.limit.map(|a| a.map(|a| a.micros(days[c]))))),
                    None => s
                        .limit
                        .map(|l| (natural, [Some(i64::try_from(l.seconds).unwrap_or(i64::MAX / 2) * 1_000_000); 6])),
                }
            })
            .collect();
        Evaluator { process, rules, as_of: options.as_of, used, rule_cal, days, step_limits }
    }

    /// The ticket against the first rule of `measure` that applies, or why it has no limit.
    fn measure(&self, t: &Ticket<'_>, measure: Measure) -> Result<TicketLimit, Unlimited> {
        let (r, rule) = self
            .rules
            .rules
            .iter()
            .enumerate()
            .find(|(_, r)| r.measure == measure && r.applies(&self.process.id, t.class, t.channel))
            .ok_or(Unlimited::NoRule)?;
        let first = t.times.iter().copied().find(|x| x.is_some());
        let last = t.times.iter().rev().copied().find(|x| x.is_some());
        let (Some(first), Some(last), Some(cal)) = (first, last, self.rule_cal[r]) else {
            return Err(Unlimited::Untimed);
        };
        let amount = rule.limit[usize::from(t.tier)].or(rule.limit[0]).ok_or(Unlimited::NoTier)?;
        let now = (self.as_of.max(last), true);
        let (to, open) = match measure {
            Measure::Until => {
                let reached = t
                    .steps
                    .iter()
                    .zip(t.times)
                    .find(|(s, x)| x.is_some() && s.is_some_and(|s| rule.steps.contains(&self.process.step(s).id)));
                match reached {
                    Some((_, &x)) => (x, false),
                    None if t.open => now,
                    None => return Err(Unlimited::NotReached),
                }
            }
            _ if t.open => now,
            _ => (last, false),
        };
        let calendar = &self.used[cal];
        let limit = amount.micros(self.days[cal]);
        Ok(TicketLimit {
            case: t.case,
            measure,
            rule: r,
            calendar: cal,
            elapsed: calendar.working(first, to),
            limit,
            open,
            due: calendar.deadline(first, limit),
            opened: first,
        })
    }

    /// Adds the ticket's step events to the steps' tallies.
    fn steps(&self, t: &Ticket<'_>, tallies: &mut [StepTally]) {
        for (i, s) in t.steps.iter().enumerate().skip(1) {
            let Some(s) = s else { continue };
            let Some((cal, by_tier)) = self.step_limits[s.0 as usize] else { continue };
            let (Some(limit), true, true) =
                (by_tier[usize::from(t.tier)].or(by_tier[0]), t.times[i - 1].is_some(), t.times[i].is_some())
            else {
                continue;
            };
            let over = self.used[cal].working(t.times[i - 1], t.times[i]) - limit;
            let tally = &mut tallies[s.0 as usize];
            tally.limit = limit;
            tally.events += 1;
            if over > 0 {
                tally.breached += 1;
                tally.worst = tally.worst.max(over);
            }
        }
    }
}

/// Evaluates every ticket of `log` (checked against `process`, `step_of` mapping its activities)
/// against `rules`, counting on `calendars` (which must hold every calendar the rules name).
pub fn evaluate(
    log: &EventLog,
    process: &Process,
    step_of: &[Option<StepId>],
    rules: &TimeLimits,
    calendars: &[Calendar],
    options: &SlaOptions<'_>,
) -> SlaFigures {
    let ev = Evaluator::new(process, rules, calendars, options);
    let mut end = vec![false; process.steps.len()];
    for n in &process.graph.ends {
        end[n.index()] = true;
    }
    let mut f = SlaFigures { steps: vec![StepTally::default(); process.steps.len()], ..SlaFigures::default() };
    let sym = |col: &Option<Vec<Sym>>, c: CaseIdx| col.as_ref().map_or(Sym::NONE, |v| v[c.index()]);
    let value = |s: Sym| s.is_some().then(|| log.values.resolve(s));
    let (mut steps, mut times) = (Vec::new(), Vec::new());
    for case in log.case_indices() {
        f.tickets += 1;
        // The ticket as it stood at `as_of`: events after it had not happened yet.
        steps.clear();
        times.clear();
        for e in log.events_of(case).filter(|&e| !log.time[e].is_some() || log.time[e] <= options.as_of) {
            steps.push(step_of[log.activity[e].index()]);
            times.push(log.time[e]);
        }
        if steps.is_empty() {
            f.not_yet_opened += 1;
            continue;
        }
        let open = !steps.iter().rev().find_map(|s| *s).is_some_and(|s| end[s.0 as usize]);
        f.open_tickets += u64::from(open);
        let t = Ticket {
            case,
            steps: &steps,
            times: &times,
            open,
            tier: options.tiers.get(case.index()).copied().unwrap_or(0),
            class: value(sym(&log.cases.class, case)),
            channel: value(sym(&log.cases.channel, case)),
        };
        for measure in [Measure::Ticket, Measure::Until] {
            match ev.measure(&t, measure) {
                Ok(limit) => {
                    let month = month_of(limit.opened, &ev.used[limit.calendar]);
                    let cell =
                        f.cells.entry((measure, limit.rule, sym(&log.cases.class, case), t.tier, month)).or_default();
                    cell.tickets += 1;
                    match limit.outcome() {
                        Outcome::Met => cell.met += 1,
                        Outcome::Breached => cell.breached += 1,
                        Outcome::Open => cell.open += 1,
                    }
                    if options.keep_tickets {
                        f.limits.push(limit);
                    }
                }
                Err(why) => *f.unlimited.entry((measure, why)).or_insert(0) += 1,
            }
        }
        ev.steps(&t, &mut f.steps);
    }
    f.calendars = ev.used;
    f
}

impl SlaFigures {
    /// Breached (ticket, rule) pairs, the largest overrun first, then by ticket.
    pub fn breaches(&self) -> Vec<&TicketLimit> {
        let mut b: Vec<&TicketLimit> = self.limits.iter().filter(|t| !t.met()).collect();
        b.sort_by(|x, y| y.over().cmp(&x.over()).then(x.case.cmp(&y.case)).then(x.measure.cmp(&y.measure)));
        b
    }

    /// Open tickets at or over `warn_at` of their limit and under it (at risk), and over it
    /// (overdue): the least time left (the most overdue) first, then the highest tier.
    pub fn warnings(&self, warn_at: f64, tiers: &[u8]) -> (Vec<&TicketLimit>, Vec<&TicketLimit>) {
        let tier = |t: &TicketLimit| tiers.get(t.case.index()).copied().unwrap_or(0);
        let order = |x: &&TicketLimit, y: &&TicketLimit| {
            (x.limit - x.elapsed)
                .cmp(&(y.limit - y.elapsed))
                .then(tier(y).cmp(&tier(x)))
                .then(x.case.cmp(&y.case))
                .then(x.measure.cmp(&y.measure))
        };
        let open = self.limits.iter().filter(|t| t.open);
        let mut at_risk: Vec<&TicketLimit> = open.clone().filter(|t| t.met() && t.share_used() >= warn_at).collect();
        let mut overdue: Vec<&TicketLimit> = open.filter(|t| !t.met()).collect();
        at_risk.sort_by(order);
        overdue.sort_by(order);
        (at_risk, overdue)
    }
}

#[cfg(test)]
mod tests {
    use super::{SlaOptions, Unlimited, evaluate};
    use crate::log::builder::{CaseField, Extras, LogBuilder, Present};
    use crate::log::event_log::EventLog;
    use crate::log::mapping::ActivityMapping;
    use crate::log::timestamp::Time;
    use crate::model::calendar::{self, Calendar};
    use crate::model::library;
    use crate::model::time_limits::{Known, Measure, TimeLimits};

    const H: i64 = 3_600_000_000;
    /// 2026-10-09T09:00:00+08:00, a Friday.
    const FRI_9: i64 = 1_791_507_600 * 1_000_000;

    const RULES: &str = "limits:
  - id: maintenance
    processes: [complaint-linear]
    classes: [maintenance]
    calendar: 24x7
    measure: ticket
    limit: {5: 8h, 4: 24h, 3: 48h, 2: 72h, 1: 96h}
  - id: office
    processes: [complaint-linear]
    classes: [construction]
    calendar: cn-office
    measure: ticket
    limit: 2d
  - id: reply
    channels: [email]
    calendar: 24x7
    measure: until
    steps: [reply-customer]
    limit: 24h
";

    /// (ticket, tier, class, channel, events as (step, hours after `FRI_9`)).
    type Ticket = (&'static str, u8, &'static str, &'static str, &'static [(&'static str, i64)]);

    fn log(tickets: &[Ticket]) -> EventLog {
        let present = Present { tier: true, class: true, channel: true, ..Present::default() };
        let mut b = LogBuilder::new(present);
        for &(id, tier, class, channel, events) in tickets {
            let c = b.case(id);
            for &(step, h) in events {
                b.event(c, step, Time(FRI_9 + h * H), Extras::default());
            }
            if tier > 0 {
                b.set_tier(c, tier);
            }
            b.set_case_value(c, CaseField::Class, class);
            b.set_case_value(c, CaseField::Channel, channel);
        }
        b.finish()
    }

    #[test]
    fn tickets_against_their_limits_by_tier_class_and_calendar() {
        let lib = library::load(&["processes/complaint-linear.yaml".into()]);
        let p = &lib.processes[0];
        let office = calendar::load(std::path::Path::new("processes/calendars/cn-office.yaml")).unwrap();
        let calendars = vec![Calendar::always(chrono_tz::Asia::Shanghai), office];
        let steps: Vec<&str> = p.steps.iter().map(|s| s.id.as_str()).collect();
        let known = Known { processes: vec![("complaint-linear", steps)], calendars: vec!["24x7", "cn-office"] };
        let rules = TimeLimits::parse(RULES, "time-limits.yaml", &known).unwrap();
        let log = log(&[
            ("met", 5, "maintenance", "phone", &[("receive", 0), ("close", 7)]),
            ("late", 5, "maintenance", "phone", &[("receive", 0), ("close", 9)]),
            ("no-tier", 0, "maintenance", "phone", &[("receive", 0), ("close", 1)]),
            ("no-class", 3, "", "phone", &[("receive", 0), ("close", 1)]),
            ("risk", 3, "maintenance", "phone", &[("receive", 0), ("diagnose", 1)]),
            ("overdue", 4, "maintenance", "email", &[("receive", 0), ("diagnose", 2)]),
            // Friday 09:00 to Monday 10:00 on the office calendar: Friday 8 h, Saturday 10 Oct is
            // a make-up working day (8 h), Monday 1 h: 17 working hours of a 2-day (16 h) limit.
            ("office", 2, "construction", "phone", &[("receive", 0), ("close", 73)]),
        ]);
        let m = ActivityMapping::new(&log, p, &[], "").unwrap();
        let tiers: Vec<u8> = log.cases.tier.clone().unwrap();
        let options =
            SlaOptions { as_of: Time(FRI_9 + 40 * H), warn_at: 0.8, calendar: None, tiers: &tiers, keep_tickets: true };
        let f = evaluate(&log, p, &m.step_of, &rules, &calendars, &options);
        assert_eq!(calendars[1].usual_day_micros(), 8 * H);
        let of = |id: &str, measure: Measure| {
            let case = log.find_case(id).unwrap();
            f.limits.iter().find(|t| t.case == case && t.measure == measure).copied()
        };
        let met = of("met", Measure::Ticket).unwrap();
        assert!(met.met() && !met.open && met.elapsed == 7 * H && met.limit == 8 * H);
        let late = of("late", Measure::Ticket).unwrap();
        assert_eq!((late.met(), late.over()), (false, H));
        assert_eq!(late.due, Time(FRI_9 + 8 * H));
        assert!(of("no-tier", Measure::Ticket).is_none() && of("no-class", Measure::Ticket).is_none());
        assert_eq!(f.unlimited[&(Measure::Ticket, Unlimited::NoTier)], 1);
        assert_eq!(f.unlimited[&(Measure::Ticket, Unlimited::NoRule)], 1, "no class: no class rule");
        let risk = of("risk", Measure::Ticket).unwrap();
        assert!(risk.open && risk.met() && risk.elapsed == 40 * H, "open: measured to as-of");
        // As of Sunday 01:00 the office ticket is still open: Friday's 8 h and the make-up
        // Saturday's 8 h have elapsed, all of its 2-day (16 h) limit.
        let office = of("office", Measure::Ticket).unwrap();
        assert_eq!((office.elapsed, office.limit, office.open, office.met()), (16 * H, 16 * H, true, true));
        // Used up at Saturday 18:00; due at the latest instant still within it, Monday 09:00.
        assert_eq!(office.due, Time(FRI_9 + 72 * H));
        // The e-mail ticket has not replied: its reply rule is open and over 24 h at as-of.
        let reply = of("overdue", Measure::Until).unwrap();
        assert!(reply.open && !reply.met() && reply.elapsed == 40 * H);
        let (at_risk, overdue) = f.warnings(0.8, &tiers);
        let ids = |v: &[&super::TicketLimit]| v.iter().map(|t| log.case_id(t.case).to_owned()).collect::<Vec<_>>();
        assert_eq!(ids(&at_risk), ["office", "risk"], "no time left, then 40 of 48 h (83 %)");
        assert_eq!(ids(&overdue), ["overdue", "overdue"], "the ticket and its reply, both 16 h over");
        let breaches = f.breaches();
        assert_eq!(breaches.iter().map(|t| t.over()).collect::<Vec<_>>(), [16 * H, 16 * H, H]);
        // The process file's own step limit: diagnose within 4 h of the event before it.
        let diagnose = &f.steps[p.step_id("diagnose").unwrap().0 as usize];
        assert_eq!((diagnose.events, diagnose.breached, diagnose.limit), (2, 0, 4 * H));
        // Once closed on Monday 10:00: 17 working hours, 1 over.
        let later = SlaOptions { as_of: Time(FRI_9 + 100 * H), ..options };
        let f = evaluate(&log, p, &m.step_of, &rules, &calendars, &later);
        let case = log.find_case("office").unwrap();
        let office = f.limits.iter().find(|t| t.case == case).unwrap();
        assert_eq!((office.elapsed, office.open, office.over()), (17 * H, false, H));
    }

    #[test]
    fn early_warning_puts_the_least_time_left_then_the_highest_tier_first() {
        let lib = library::load(&["processes/complaint-linear.yaml".into()]);
        let p = &lib.processes[0];
        let calendars = vec![Calendar::always(chrono_tz::Asia::Shanghai)];
        let known = Known { processes: vec![("complaint-linear", vec![])], calendars: vec!["24x7"] };
        let rules = TimeLimits::parse(
            "limits:\n  - calendar: 24x7\n    measure: ticket\n    limit: {5: 10h, 4: 10h, 3: 20h, 2: 20h, 1: 20h}\n",
            "t.yaml",
            &known,
        )
        .unwrap();
        let log = log(&[
            ("a", 3, "x", "phone", &[("receive", 0)]),  // 18 of 20 h: 2 h left
            ("b", 5, "x", "phone", &[("receive", 10)]), // 8 of 10 h: 2 h left, higher tier
            ("c", 4, "x", "phone", &[("receive", 9)]),  // 9 of 10 h: 1 h left
            ("d", 1, "x", "phone", &[("receive", 16)]), // 2 of 20 h: not at risk
        ]);
        let m = ActivityMapping::new(&log, p, &[], "").unwrap();
        let tiers: Vec<u8> = log.cases.tier.clone().unwrap();
        let options =
            SlaOptions { as_of: Time(FRI_9 + 18 * H), warn_at: 0.8, calendar: None, tiers: &tiers, keep_tickets: true };
        let f = evaluate(&log, p, &m.step_of, &rules, &calendars, &options);
        let (at_risk, overdue) = f.warnings(0.8, &tiers);
        let ids: Vec<&str> = at_risk.iter().map(|t| log.case_id(t.case)).collect();
        assert_eq!(ids, ["c", "b", "a"]);
        assert!(overdue.is_empty());
    }
}
