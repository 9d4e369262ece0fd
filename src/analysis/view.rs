//! The department view: one walk over the tickets of a checked log that computes every
//! department-level and per-ticket family (hand-offs, loop-backs, organisational conformance,
//! KPIs), then the families across tickets (repeat complaints, their link with loop-backs, the
//! complaint rate).
//!
//! Owns [`department_view`], [`DepartmentView`] and [`TicketRow`]. The walk is the stage after
//! the alignments: read -> intern -> align ([`crate::conformance::check`]) -> this -> report
//! ([`crate::report::department`]). Each family is a module of its own fed one ticket at a time
//! from buffers reused across tickets; a new family is one field here and one call in the loop.
//! Cost: one classification of loop-backs per variant (O(moves)), then O(events) per ticket, plus
//! O(n log n) for the repeat complaints of n tickets. Memory: one [`TicketRow`] (56 bytes) per
//! ticket and 4 bytes per hand-off.

use crate::analysis::complaint_rate::{ChannelRate, Contacts, rates};
use crate::analysis::kpi::{Kpis, TicketKpis};
use crate::analysis::repeat::{RepeatFigures, repeats};
use crate::conformance::check::CheckResult;
use crate::conformance::handoff::{HandoffFigures, TicketHandoffs};
use crate::conformance::loopback::{LoopNet, LoopbackFigures, Position, TicketLoops, classify};
use crate::conformance::organisation::OrganisationFigures;
use crate::log::department::{Departments, Dept, DeptSource};
use crate::log::event_log::EventLog;
use crate::log::mapping::activity_ids;
use crate::model::process::{Process, StepId};
use crate::net::compile::{loop_transitions, step_transitions};
use crate::net::petri::PetriNet;

/// What the walk needs besides the log and its alignments.
#[derive(Debug, Clone, Copy)]
pub struct ViewOptions<'a> {
    /// Days within which a ticket of the same customer and business is a repeat.
    pub repeat_days: u32,
    /// Contact volumes per channel, for the complaint rate.
    pub contacts: Option<&'a Contacts>,
}

/// One ticket's figures (the `--per-trace` columns).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TicketRow {
    /// Hand-offs, returns, ping-pongs.
    pub handoffs: TicketHandoffs,
    /// Loop-backs and their time.
    pub loops: TicketLoops,
    /// Events done by a department other than the step's owner.
    pub wrong_department: u32,
    /// Closed, back office, closed loop, escalated.
    pub kpis: TicketKpis,
}

/// The designed main path: the run that takes the first-written branch at every choice and no
/// loop, with the hand-offs and returns its owners make.
#[derive(Debug, Clone, Default)]
pub struct MainPath {
    /// Its steps in order.
    pub steps: Vec<StepId>,
    /// Its hand-offs and department returns.
    pub handoffs: TicketHandoffs,
}

/// How often repeats and escalations follow tickets with and without undesigned loop-backs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Link {
    /// Tickets with undesigned loop-backs.
    pub with: u64,
    /// Of them, followed by a repeat complaint.
    pub with_repeated: u64,
    /// Of them, escalated.
    pub with_escalated: u64,
    /// Tickets without (judged) undesigned loop-backs.
    pub without: u64,
    /// Of them, followed by a repeat complaint.
    pub without_repeated: u64,
    /// Of them, escalated.
    pub without_escalated: u64,
}

/// Every family of the department view over one log.
#[derive(Debug, Clone)]
pub struct DepartmentView {
    /// Where departments come from.
    pub source: DeptSource,
    /// Hand-offs and department returns.
    pub handoffs: HandoffFigures,
    /// Step-level loop-backs.
    pub loopbacks: LoopbackFigures,
    /// Organisational conformance; `None` when the log does not say who did each step.
    pub organisation: Option<OrganisationFigures>,
    /// First-reply success, closed loop, escalations.
    pub kpis: Kpis,
    /// Repeat complaints.
    pub repeats: RepeatFigures,
    /// Repeats and escalations after undesigned loop-backs.
    pub link: Link,
    /// The designed main path.
    pub main_path: MainPath,
    /// Complaint rate per channel, when contact volumes were given.
    pub complaint_rate: Option<Vec<ChannelRate>>,
    /// Per ticket, in case order.
    pub per_ticket: Vec<TicketRow>,
    /// The activity id of each log activity (by `Sym` index; see
    /// [`crate::log::mapping::activity_ids`]).
    pub activity_id: Vec<u32>,
}

/// Walks every ticket of `log`, checked against `net` (compiled from `process`) in `check`, with
/// `step_of` each log activity's step and `depts` each event's department.
pub fn department_view(
    log: &EventLog,
    process: &Process,
    net: &PetriNet,
    step_of: &[Option<StepId>],
    depts: &Departments,
    check: &CheckResult,
    options: &ViewOptions<'_>,
) -> DepartmentView {
    let steps = process.steps.len();
    let activity_id = activity_ids(step_of, steps);
    let loop_from: Vec<StepId> = process.loops.iter().map(|l| l.from).collect();
    let loop_net = LoopNet::new(step_transitions(process, net), &loop_transitions(process, net), &loop_from, steps);
    let classified: Vec<Vec<Position>> = check
        .variants
        .list
        .iter()
        .zip(&check.per_variant)
        .map(|(v, r)| {
            let acts: Vec<u32> = log.trace(v.example).iter().map(|a| activity_id[a.index()]).collect();
            classify(&acts, r.alignment.as_ref(), &loop_net)
        })
        .collect();
    let role_of = |d: Dept| depts.role(d);
    let owner = |s: StepId| process.step(s).role;
    // Which values are escalation channels (empty when the process names none).
    let wanted = process.escalation.as_ref().map_or(&[][..], |e| &e.channels[..]);
    let escalation_channels: Vec<bool> = if wanted.is_empty() {
        Vec::new()
    } else {
        log.values.iter().map(|(_, v)| wanted.iter().any(|w| w == v)).collect()
    };
    let mut handoffs = HandoffFigures::default();
    let mut loopbacks = LoopbackFigures::default();
    loopbacks.loop_targets = process.loops.iter().map(|l| l.to.0).collect();
    let mut organisation = depts.source.observed().then(|| OrganisationFigures::new(steps, process.roles.len()));
    let mut kpis = Kpis::new(process);
    let mut per_ticket = Vec::with_capacity(log.case_count());
    let (mut ev_steps, mut ev_depts, mut acts) = (Vec::new(), Vec::new(), Vec::new());
    for case in log.case_indices() {
        let range = log.events_of(case);
        ev_steps.clear();
        ev_depts.clear();
        acts.clear();
        for e in range.clone() {
            let a = log.activity[e].index();
            ev_steps.push(step_of[a]);
            ev_depts.push(depts.of_event(log, e, step_of[a], process));
            acts.push(activity_id[a]);
        }
        let times = &log.time[range.clone()];
        let resources = log.events.resource.as_ref().map(|r| &r[range.clone()]);
        let pos = &classified[check.variant_of(case)];
        let channel = log.cases.channel.as_ref().map(|c| c[case.index()]).filter(|c| c.is_some());
        let row = TicketRow {
            handoffs: handoffs.ticket(&ev_depts, times),
            loops: loopbacks.ticket(&acts, pos, times, resources),
            wrong_department: organisation.as_mut().map_or(0, |o| o.ticket(case, &ev_steps, &ev_depts, role_of, owner)),
            kpis: kpis.ticket(
                &ev_steps,
                &ev_depts,
                channel.is_some_and(|c| escalation_channels.get(c.index()).copied().unwrap_or(false)),
                role_of,
                &process.closed_loop,
            ),
        };
        per_ticket.push(row);
    }
    let repeats = repeats(log, options.repeat_days);
    let link = link(&per_ticket, &repeats);
    let main_path = main_path(process);
    DepartmentView {
        source: depts.source,
        handoffs,
        loopbacks,
        organisation,
        kpis,
        repeats,
        link,
        main_path,
        complaint_rate: options.contacts.map(|c| rates(log, c)),
        per_ticket,
        activity_id,
    }
}

fn link(rows: &[TicketRow], repeats: &RepeatFigures) -> Link {
    let followed = repeats.followed();
    let mut l = Link::default();
    for (row, &repeated) in rows.iter().zip(&followed) {
        let escalated = row.kpis.escalated;
        if row.loops.undesigned > 0 {
            l.with += 1;
            l.with_repeated += u64::from(repeated);
            l.with_escalated += u64::from(escalated);
        } else {
            l.without += 1;
            l.without_repeated += u64::from(repeated);
            l.without_escalated += u64::from(escalated);
        }
    }
    l
}

/// The design's main path (the first-written branch at every choice, no loop; see
/// [`crate::simulate::walk::main_path`]) and the hand-offs of its owners.
pub fn main_path(process: &Process) -> MainPath {
    let steps = crate::simulate::walk::main_path(process);
    let owners: Vec<Dept> = steps.iter().map(|&s| Dept(process.step(s).role.0)).collect();
    MainPath { handoffs: HandoffFigures::of_path(&owners), steps }
}

#[cfg(test)]
mod tests {
    /// The per-ticket row stays small: the department view's memory is one row per ticket.
    #[test]
    fn a_ticket_row_is_small() {
        assert_eq!(std::mem::size_of::<super::TicketRow>(), 56);
    }
}
