//! The hotline's per-ticket KPIs: first-reply success (一次答复成功率), closed-loop completeness
//! and escalations.
//!
//! Owns [`Kpis`] and its per-ticket [`Kpis::ticket`]. Definitions (`docs/department-view.md`):
//!
//! - a ticket is **closed** when its last event that maps to a step is an end step;
//! - **first-reply success**: a closed ticket none of whose events was done by a back-office role
//!   (roles say `office: front|back`); rate = successes / closed tickets. Measured only when some
//!   role of the process states its office; departments are those of [`crate::log::department`];
//! - **closed loop**: a ticket showing every entry of the process's `closed_loop:` (an entry is
//!   one step or alternatives); rate = complete / tickets; each entry's misses are counted;
//! - **escalated**: a ticket with an event of one of the process's `escalation: steps:`, or that
//!   came in by one of its `escalation: channels:`.
//!
//! O(events) per ticket.

use crate::log::department::Dept;
use crate::model::process::{Process, RoleId, StepId};
use crate::model::spec::Office;

/// One ticket's KPIs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[expect(clippy::struct_excessive_bools, reason = "four independent yes/no facts of one ticket")]
pub struct TicketKpis {
    /// Closed (ended in an end step).
    pub closed: bool,
    /// Reached a back-office role.
    pub back_office: bool,
    /// Showed every closed-loop entry.
    pub closed_loop: bool,
    /// Escalated.
    pub escalated: bool,
}

/// KPI counts summed over a log.
#[derive(Debug, Clone, Default)]
pub struct Kpis {
    /// Tickets seen.
    pub tickets: u64,
    /// Closed tickets.
    pub closed: u64,
    /// Closed tickets that never reached a back-office role.
    pub first_reply: u64,
    /// Whether some role states its office (first-reply success is measured).
    pub offices_known: bool,
    /// Tickets showing every closed-loop entry.
    pub closed_loop: u64,
    /// Per closed-loop entry, the tickets missing it.
    pub missing: Vec<u64>,
    /// Escalated tickets.
    pub escalated: u64,
    back: Vec<bool>,
    end: Vec<bool>,
    escalation_step: Vec<bool>,
}

impl Kpis {
    /// Counts for `process`.
    pub fn new(process: &Process) -> Self {
        let mut end = vec![false; process.steps.len()];
        for n in &process.graph.ends {
            end[n.index()] = true;
        }
        let mut escalation_step = vec![false; process.steps.len()];
        for s in process.escalation.iter().flat_map(|e| &e.steps) {
            escalation_step[s.0 as usize] = true;
        }
        Kpis {
            offices_known: process.roles.iter().any(|r| r.office.is_some()),
            back: process.roles.iter().map(|r| r.office == Some(Office::Back)).collect(),
            missing: vec![0; process.closed_loop.len()],
            end,
            escalation_step,
            ..Kpis::default()
        }
    }

    /// Adds one ticket: its events' steps and departments, whether it came in by an escalation
    /// channel, the role of a department, and the closed-loop entries.
    pub fn ticket(
        &mut self,
        steps: &[Option<StepId>],
        depts: &[Dept],
        escalated_channel: bool,
        role_of: impl Fn(Dept) -> Option<RoleId>,
        closed_loop: &[Vec<StepId>],
    ) -> TicketKpis {
        let last = steps.iter().rev().find_map(|s| *s);
        let closed = last.is_some_and(|s| self.end[s.0 as usize]);
        let back_office = depts.iter().any(|&d| role_of(d).is_some_and(|r| self.back[r.0 as usize]));
        let escalated = escalated_channel || steps.iter().flatten().any(|s| self.escalation_step[s.0 as usize]);
        let mut complete = true;
        for (entry, missing) in closed_loop.iter().zip(&mut self.missing) {
            if !steps.iter().flatten().any(|s| entry.contains(s)) {
                *missing += 1;
                complete = false;
            }
        }
        self.tickets += 1;
        self.closed += u64::from(closed);
        self.first_reply += u64::from(closed && !back_office);
        self.closed_loop += u64::from(complete);
        self.escalated += u64::from(escalated);
        TicketKpis { closed, back_office, closed_loop: complete, escalated }
    }
}

#[cfg(test)]
mod tests {
    use super::Kpis;
    use crate::log::department::Dept;
    use crate::model::library;
    use crate::model::process::{RoleId, StepId};

    #[test]
    fn first_reply_closed_loop_and_escalation() {
        let lib = library::load(&["processes/complaint-linear.yaml".into()]);
        let p = &lib.processes[0];
        let mut k = Kpis::new(p);
        assert!(k.offices_known);
        let s = |id: &str| Some(p.step_id(id).unwrap());
        let role_of = |d: Dept| (d.0 < 4).then_some(RoleId(d.0));
        let dept = |id: &str| Dept(p.step(p.step_id(id).unwrap()).role.0);
        // Answered by the frontline alone: closed, no back office, but no handling step.
        let steps = [s("receive"), s("soothe-record"), s("reply-customer"), s("close")];
        let depts: Vec<Dept> = ["receive", "soothe-record", "reply-customer", "close"].map(dept).to_vec();
        let t = k.ticket(&steps, &depts, false, role_of, &p.closed_loop);
        assert!(t.closed && !t.back_office && !t.closed_loop && !t.escalated);
        // The full chain, left open after the reply.
        let full = ["receive", "diagnose", "maintenance-handle", "reply-customer"];
        let steps: Vec<Option<StepId>> = full.iter().map(|x| s(x)).collect();
        let t = k.ticket(&steps, &full.map(dept), true, role_of, &p.closed_loop);
        assert!(!t.closed && t.back_office && !t.closed_loop && t.escalated);
        assert_eq!((k.tickets, k.closed, k.first_reply, k.escalated), (2, 1, 1, 1));
        assert_eq!(k.missing, [0, 1, 0, 1], "handling missed once, close missed once");
    }
}
