//! The department view for people and tools: names resolved in the process's language, rates
//! computed, lists sorted; the JSON sections of `check` (their text is
//! [`crate::report::department_text`]).
//!
//! Owns [`DepartmentReport`] (serialised under the keys `handoffs`, `loopbacks`,
//! `organisational_conformance`, `repeat_complaints`, `escalations`, `first_reply_success`,
//! `closed_loop` and `complaint_rate`, documented in `docs/department-view.md`) and [`Names`].
//! Every list is sorted (count descending, then name), so output is deterministic.
//! O(steps x departments + pairs log pairs).

use serde::Serialize;

use crate::analysis::complaint_rate::{ChannelRate, TARGET_PER_10000};
use crate::analysis::view::{DepartmentView, Link};
use crate::conformance::loopback::Split;
use crate::log::department::{Departments, Dept, DeptSource};
use crate::log::event_log::EventLog;
use crate::model::process::{Process, RoleId, StepId};
use crate::report::figures::{hours, share};

/// The median of `v` (sorted in place), the mean of the middle two for an even count.
fn median(v: &mut [u32]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    let n = v.len();
    Some(if n % 2 == 1 { f64::from(v[n / 2]) } else { f64::midpoint(f64::from(v[n / 2 - 1]), f64::from(v[n / 2])) })
}

/// Hand-offs of one department pair.
#[derive(Debug, Clone, Serialize)]
pub struct PairRow {
    /// Handing off.
    pub from: String,
    /// Receiving.
    pub to: String,
    /// Hand-offs.
    pub count: u64,
    /// Of them, returns into `to`.
    pub returns: u64,
    /// Of them, ping-pongs.
    pub ping_pong: u64,
    /// Median wait between the two events, in hours.
    pub median_wait_hours: Option<f64>,
}

/// Tickets by their number of hand-offs.
#[derive(Debug, Clone, Serialize)]
pub struct Bucket {
    /// Hand-offs.
    pub handoffs: usize,
    /// Tickets with that many.
    pub tickets: u64,
}

/// The designed main path.
#[derive(Debug, Clone, Serialize)]
pub struct MainPathReport {
    /// Its steps.
    pub steps: Vec<String>,
    /// Hand-offs its steps' owners make.
    pub handoffs: u32,
    /// Department returns on it.
    pub department_returns: u32,
}

/// `handoffs`.
#[derive(Debug, Clone, Serialize)]
pub struct HandoffsReport {
    /// Where departments come from.
    pub departments_from: DeptSource,
    /// Tickets.
    pub tickets: u64,
    /// Hand-offs.
    pub total: u64,
    /// Mean per ticket.
    pub mean_per_ticket: Option<f64>,
    /// Tickets by number of hand-offs.
    pub distribution: Vec<Bucket>,
    /// Department pairs, most hand-offs first.
    pub matrix: Vec<PairRow>,
    /// The design's main path.
    pub main_path: MainPathReport,
}

/// Loop-backs of one step (or unmapped label).
#[derive(Debug, Clone, Serialize)]
pub struct StepLoops {
    /// Its name (the log's label when it maps to no step).
    pub step: String,
    /// Its id (the log's label when it maps to no step).
    pub id: String,
    /// Self-loops.
    pub self_loops: Split,
    /// Repetitions.
    pub repetitions: Split,
    /// Designed loop-backs.
    pub designed: u64,
    /// Undesigned loop-backs.
    pub undesigned: u64,
    /// Tickets where it loops back.
    pub tickets: u64,
}

/// Returns into one department.
#[derive(Debug, Clone, Serialize)]
pub struct DeptReturns {
    /// The department.
    pub department: String,
    /// Returns into it.
    pub returns: u64,
}

/// Department-level loop-backs (折返).
#[derive(Debug, Clone, Serialize)]
pub struct DepartmentLoops {
    /// Department returns.
    pub returns: u64,
    /// Tickets with a return.
    pub tickets_with_returns: u64,
    /// Mean returns per ticket.
    pub mean_per_ticket: Option<f64>,
    /// Returns the design's main path makes.
    pub designed_on_main_path: u32,
    /// Ping-pongs.
    pub ping_pong: u64,
    /// Returns per department, most first.
    pub per_department: Vec<DeptReturns>,
}

/// `loopbacks`.
#[derive(Debug, Clone, Serialize)]
pub struct LoopbacksReport {
    /// Tickets.
    pub tickets: u64,
    /// Self-loops plus repetitions.
    pub loopbacks: u64,
    /// Through a designed loop.
    pub designed: u64,
    /// Not.
    pub undesigned: u64,
    /// Of tickets not aligned.
    pub not_judged: u64,
    /// Self-loops (repeat: same resource; redo: another).
    pub self_loops: Split,
    /// Repetitions.
    pub repetitions: Split,
    /// Whether repeat and redo could be told apart (the log has resources).
    pub resources_known: bool,
    /// Tickets with a loop-back.
    pub tickets_with_loopbacks: u64,
    /// Tickets with an undesigned loop-back.
    pub tickets_with_undesigned: u64,
    /// Hours spanned by loop-backs, summed over tickets.
    pub hours: f64,
    /// Hours spanned by undesigned loop-backs.
    pub undesigned_hours: f64,
    /// Per step, most undesigned first.
    pub per_step: Vec<StepLoops>,
    /// Department returns.
    pub departments: DepartmentLoops,
}

/// Another department that did a step.
#[derive(Debug, Clone, Serialize)]
pub struct Instead {
    /// The department.
    pub department: String,
    /// Events.
    pub events: u64,
}

/// Organisational conformance of one step.
#[derive(Debug, Clone, Serialize)]
pub struct StepOrg {
    /// The step.
    pub step: String,
    /// Its owner.
    pub owner: String,
    /// Done by the owner.
    pub right: u64,
    /// Done by another role.
    pub wrong: u64,
    /// Done by a department that names no role.
    pub unknown_department: u64,
    /// right / (right + wrong).
    pub rate: Option<f64>,
    /// Who did it instead.
    pub done_instead_by: Vec<Instead>,
    /// Example tickets with a wrong event.
    pub examples: Vec<String>,
}

/// Organisational conformance of one owning department.
#[derive(Debug, Clone, Serialize)]
pub struct DeptOrg {
    /// The department.
    pub department: String,
    /// Its steps done by it.
    pub right: u64,
    /// Its steps done by another role.
    pub wrong: u64,
    /// Its steps done by a department that names no role.
    pub unknown_department: u64,
    /// right / (right + wrong).
    pub rate: Option<f64>,
}

/// `organisational_conformance`.
#[derive(Debug, Clone, Serialize)]
pub struct OrgReport {
    /// Whether it was measured (the log says who did each step).
    pub measured: bool,
    /// Events checked (right + wrong).
    pub checked: u64,
    /// Right.
    pub right: u64,
    /// Wrong.
    pub wrong: u64,
    /// Of a department that names no role.
    pub unknown_department: u64,
    /// right / checked.
    pub rate: Option<f64>,
    /// Tickets with a wrong event.
    pub tickets_with_wrong: u64,
    /// Per step, in process order.
    pub per_step: Vec<StepOrg>,
    /// Per owning department, in process order.
    pub per_department: Vec<DeptOrg>,
}

/// Tickets, of them some, and the share.
#[derive(Debug, Clone, Serialize)]
pub struct Share {
    /// Tickets.
    pub tickets: u64,
    /// Of them.
    pub count: u64,
    /// count / tickets.
    pub rate: Option<f64>,
}

impl Share {
    fn of(count: u64, tickets: u64) -> Share {
        Share { tickets, count, rate: share(count, tickets) }
    }
}

/// `repeat_complaints`.
#[derive(Debug, Clone, Serialize)]
pub struct RepeatReport {
    /// Whether measured (the log has customers).
    pub available: bool,
    /// Days of the window.
    pub window_days: u32,
    /// Whether the same business was required.
    pub by_business: bool,
    /// Tickets.
    pub tickets: u64,
    /// Repeats.
    pub repeats: u64,
    /// repeats / tickets.
    pub rate: Option<f64>,
    /// Tickets without customer or time.
    pub unidentified: u64,
    /// Tickets with undesigned loop-backs later repeated.
    pub after_undesigned_loopbacks: Share,
    /// Other tickets later repeated.
    pub after_others: Share,
}

/// `escalations`.
#[derive(Debug, Clone, Serialize)]
pub struct EscalationReport {
    /// Whether the process says how to recognise one.
    pub configured: bool,
    /// Escalated tickets.
    pub escalated: u64,
    /// escalated / tickets.
    pub rate: Option<f64>,
    /// Among tickets with undesigned loop-backs.
    pub with_undesigned_loopbacks: Share,
    /// Among the others.
    pub others: Share,
}

/// `first_reply_success`.
#[derive(Debug, Clone, Serialize)]
pub struct FirstReplyReport {
    /// Whether the roles state front or back office.
    pub configured: bool,
    /// Closed tickets.
    pub closed_tickets: u64,
    /// Closed without reaching the back office.
    pub successes: u64,
    /// successes / closed.
    pub rate: Option<f64>,
}

/// A closed-loop entry and the tickets missing it.
#[derive(Debug, Clone, Serialize)]
pub struct Missing {
    /// The entry (`a | b` for alternatives).
    pub entry: String,
    /// Tickets without it.
    pub tickets: u64,
}

/// `closed_loop`.
#[derive(Debug, Clone, Serialize)]
pub struct ClosedLoopReport {
    /// Whether the process defines its closed loop.
    pub configured: bool,
    /// Tickets.
    pub tickets: u64,
    /// Tickets with every entry.
    pub complete: u64,
    /// complete / tickets.
    pub rate: Option<f64>,
    /// Each entry, in process order.
    pub missing: Vec<Missing>,
}

/// `complaint_rate`.
#[derive(Debug, Clone, Serialize)]
pub struct ComplaintRateReport {
    /// The target, per 10,000 contacts.
    pub target_per_10000: f64,
    /// Per channel.
    pub channels: Vec<ChannelRate>,
}

/// The department view, ready to print or serialise.
#[derive(Debug, Clone, Serialize)]
pub struct DepartmentReport {
    /// Hand-offs.
    pub handoffs: HandoffsReport,
    /// Loop-backs.
    pub loopbacks: LoopbacksReport,
    /// Organisational conformance.
    pub organisational_conformance: OrgReport,
    /// Repeat complaints.
    pub repeat_complaints: RepeatReport,
    /// Escalations.
    pub escalations: EscalationReport,
    /// First-reply success.
    pub first_reply_success: FirstReplyReport,
    /// Closed-loop completeness.
    pub closed_loop: ClosedLoopReport,
    /// Complaint rate per channel (`null` without `--contacts`).
    pub complaint_rate: Option<ComplaintRateReport>,
}

/// Names of steps, departments and activities in one language.
pub struct Names<'a> {
    /// The process.
    pub process: &'a Process,
    /// The log.
    pub log: &'a EventLog,
    /// The departments.
    pub depts: &'a Departments,
    /// Chinese names.
    pub zh: bool,
}

impl Names<'_> {
    /// A step's name.
    pub fn step(&self, s: StepId) -> String {
        self.process.step(s).display(self.zh).to_owned()
    }

    /// A department's name.
    pub fn dept(&self, d: Dept) -> String {
        self.depts.name(d, self.process, self.log, self.zh).to_owned()
    }

    fn role(&self, r: RoleId) -> String {
        self.process.role(r).display(self.zh).to_owned()
    }

    /// An activity id's (see [`DepartmentView::activity_id`]) name and id: a step's, or the log
    /// label's.
    pub fn activity(&self, id: u32) -> (String, String) {
        let steps = self.process.steps.len();
        match (id as usize).checked_sub(steps) {
            None => (self.step(StepId(id)), self.process.step(StepId(id)).id.clone()),
            Some(a) => {
                let label = self.log.activity_name(crate::log::intern::Sym(u32::try_from(a).unwrap_or(0)));
                (label.to_owned(), label.to_owned())
            }
        }
    }
}

fn by_count<T>(v: &mut [T], key: impl Fn(&T) -> (u64, String)) {
    v.sort_by(|a, b| {
        let (ca, na) = key(a);
        let (cb, nb) = key(b);
        cb.cmp(&ca).then(na.cmp(&nb))
    });
}

impl DepartmentReport {
    /// The report of `view`, with names from `names`.
    pub fn new(view: &DepartmentView, names: &Names<'_>) -> DepartmentReport {
        DepartmentReport {
            handoffs: handoffs(view, names),
            loopbacks: loopbacks(view, names),
            organisational_conformance: organisation(view, names),
            repeat_complaints: repeat_report(view),
            escalations: escalations(view, names.process),
            first_reply_success: FirstReplyReport {
                configured: view.kpis.offices_known,
                closed_tickets: view.kpis.closed,
                successes: view.kpis.first_reply,
                rate: share(view.kpis.first_reply, view.kpis.closed).filter(|_| view.kpis.offices_known),
            },
            closed_loop: ClosedLoopReport {
                configured: !names.process.closed_loop.is_empty(),
                tickets: view.kpis.tickets,
                complete: view.kpis.closed_loop,
                rate: share(view.kpis.closed_loop, view.kpis.tickets).filter(|_| !names.process.closed_loop.is_empty()),
                missing: names
                    .process
                    .closed_loop
                    .iter()
                    .zip(&view.kpis.missing)
                    .map(|(alts, &tickets)| Missing {
                        entry: alts.iter().map(|&s| names.step(s)).collect::<Vec<_>>().join(" | "),
                        tickets,
                    })
                    .collect(),
            },
            complaint_rate: view
                .complaint_rate
                .as_ref()
                .map(|c| ComplaintRateReport { target_per_10000: TARGET_PER_10000, channels: c.clone() }),
        }
    }
}

fn handoffs(view: &DepartmentView, names: &Names<'_>) -> HandoffsReport {
    let h = &view.handoffs;
    let mut matrix: Vec<PairRow> = h
        .pairs
        .iter()
        .map(|(&(from, to), p)| PairRow {
            from: names.dept(from),
            to: names.dept(to),
            count: p.count,
            returns: p.returns,
            ping_pong: p.ping_pong,
            median_wait_hours: median(&mut p.waits.clone()).map(|s| s / 3600.0),
        })
        .collect();
    by_count(&mut matrix, |r| (r.count, format!("{}\u{0}{}", r.from, r.to)));
    let mp = &view.main_path;
    HandoffsReport {
        departments_from: view.source,
        tickets: h.tickets,
        total: h.handoffs,
        #[expect(clippy::cast_precision_loss, reason = "counts are far below 2^52")]
        mean_per_ticket: (h.tickets > 0).then(|| h.handoffs as f64 / h.tickets as f64),
        distribution: h
            .distribution
            .iter()
            .enumerate()
            .map(|(handoffs, &tickets)| Bucket { handoffs, tickets })
            .collect(),
        matrix,
        main_path: MainPathReport {
            steps: mp.steps.iter().map(|&s| names.step(s)).collect(),
            handoffs: mp.handoffs.handoffs,
            department_returns: mp.handoffs.returns,
        },
    }
}

fn loopbacks(view: &DepartmentView, names: &Names<'_>) -> LoopbacksReport {
    let l = &view.loopbacks;
    let h = &view.handoffs;
    let mut per_step: Vec<StepLoops> = l
        .per_activity
        .iter()
        .map(|(&id, a)| {
            let (step, id) = names.activity(id);
            StepLoops {
                step,
                id,
                self_loops: a.self_loops,
                repetitions: a.repetitions,
                designed: a.designed,
                undesigned: a.undesigned,
                tickets: a.tickets,
            }
        })
        .collect();
    per_step.sort_by(|a, b| {
        (b.undesigned, b.self_loops.all + b.repetitions.all)
            .cmp(&(a.undesigned, a.self_loops.all + a.repetitions.all))
            .then_with(|| a.id.cmp(&b.id))
    });
    let mut per_department: Vec<DeptReturns> =
        h.returns_into.iter().map(|(&d, &returns)| DeptReturns { department: names.dept(d), returns }).collect();
    by_count(&mut per_department, |r| (r.returns, r.department.clone()));
    LoopbacksReport {
        tickets: l.tickets,
        loopbacks: l.loopbacks(),
        designed: l.designed,
        undesigned: l.undesigned,
        not_judged: l.not_judged,
        self_loops: l.self_loops,
        repetitions: l.repetitions,
        resources_known: names.log.events.resource.is_some(),
        tickets_with_loopbacks: l.tickets_with_loopbacks,
        tickets_with_undesigned: l.tickets_with_undesigned,
        hours: hours(l.time),
        undesigned_hours: hours(l.undesigned_time),
        per_step,
        departments: DepartmentLoops {
            returns: h.returns,
            tickets_with_returns: h.tickets_with_returns,
            #[expect(clippy::cast_precision_loss, reason = "counts are far below 2^52")]
            mean_per_ticket: (h.tickets > 0).then(|| h.returns as f64 / h.tickets as f64),
            designed_on_main_path: view.main_path.handoffs.returns,
            ping_pong: h.ping_pong,
            per_department,
        },
    }
}

fn organisation(view: &DepartmentView, names: &Names<'_>) -> OrgReport {
    let Some(o) = &view.organisation else {
        return OrgReport {
            measured: false,
            checked: 0,
            right: 0,
            wrong: 0,
            unknown_department: 0,
            rate: None,
            tickets_with_wrong: 0,
            per_step: Vec::new(),
            per_department: Vec::new(),
        };
    };
    let p = names.process;
    let per_step = p
        .steps
        .iter()
        .enumerate()
        .map(|(i, step)| {
            let s = StepId(u32::try_from(i).unwrap_or(u32::MAX));
            let t = &o.per_step[i];
            let mut instead: Vec<Instead> = o
                .wrong_by
                .iter()
                .filter(|((st, _), _)| *st == s)
                .map(|(&(_, r), &events)| Instead { department: names.role(r), events })
                .collect();
            by_count(&mut instead, |x| (x.events, x.department.clone()));
            StepOrg {
                step: names.step(s),
                owner: names.role(step.role),
                right: t.right,
                wrong: t.wrong,
                unknown_department: t.unknown,
                rate: t.rate(),
                done_instead_by: instead,
                examples: o.examples[i].iter().map(|&c| names.log.case_id(c).to_owned()).collect(),
            }
        })
        .collect();
    let per_department = p
        .roles
        .iter()
        .zip(&o.per_role)
        .map(|(r, t)| DeptOrg {
            department: r.display(names.zh).to_owned(),
            right: t.right,
            wrong: t.wrong,
            unknown_department: t.unknown,
            rate: t.rate(),
        })
        .collect();
    OrgReport {
        measured: true,
        checked: o.total.right + o.total.wrong,
        right: o.total.right,
        wrong: o.total.wrong,
        unknown_department: o.total.unknown,
        rate: o.total.rate(),
        tickets_with_wrong: o.tickets_with_wrong,
        per_step,
        per_department,
    }
}

fn repeat_report(view: &DepartmentView) -> RepeatReport {
    let r = &view.repeats;
    let Link { with, with_repeated, without, without_repeated, .. } = view.link;
    let tickets = r.repeat_of.len() as u64;
    RepeatReport {
        available: r.available,
        window_days: r.window_days,
        by_business: r.by_business,
        tickets,
        repeats: r.repeats,
        rate: share(r.repeats, tickets).filter(|_| r.available),
        unidentified: r.unidentified,
        after_undesigned_loopbacks: Share::of(with_repeated, with),
        after_others: Share::of(without_repeated, without),
    }
}

fn escalations(view: &DepartmentView, process: &Process) -> EscalationReport {
    let k = &view.kpis;
    let Link { with, with_escalated, without, without_escalated, .. } = view.link;
    let configured = process.escalation.is_some();
    EscalationReport {
        configured,
        escalated: k.escalated,
        rate: share(k.escalated, k.tickets).filter(|_| configured),
        with_undesigned_loopbacks: Share::of(with_escalated, with),
        others: Share::of(without_escalated, without),
    }
}
