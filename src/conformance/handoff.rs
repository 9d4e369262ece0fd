//! Hand-offs and department returns (折返): how a ticket travels between departments.
//!
//! Owns [`HandoffFigures`] and [`TicketHandoffs`]. Definitions (`docs/department-view.md`), on a
//! ticket's events in time order, skipping events whose department is unknown:
//!
//! - a **hand-off** is a pair of consecutive events done by different departments; its **wait**
//!   is the time between the two events;
//! - a **department return** is a hand-off into a department the ticket had already been in
//!   (it had handed the ticket off and gets it back);
//! - a **ping-pong** is a return straight back to the department that handed off to the one
//!   returning it (departments A -> B -> A).
//!
//! Per ticket O(events); the matrix keeps every wait (4 bytes per hand-off) for exact medians.

use hashbrown::HashMap;

use crate::log::department::Dept;
use crate::log::timestamp::Time;

/// The hand-offs of one ticket.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TicketHandoffs {
    /// Hand-offs.
    pub handoffs: u32,
    /// Department returns.
    pub returns: u32,
    /// Ping-pongs.
    pub ping_pong: u32,
}

/// Hand-offs from one department to another across a log.
#[derive(Debug, Clone, Default)]
pub struct Pair {
    /// Hand-offs.
    pub count: u64,
    /// Of them, returns into the receiving department.
    pub returns: u64,
    /// Of them, ping-pongs (the receiver had handed the ticket to the sender just before).
    pub ping_pong: u64,
    /// Each hand-off's wait in whole seconds (saturated), when both events are timed.
    pub waits: Vec<u32>,
}

/// Hand-offs and returns summed over a log.
#[derive(Debug, Clone, Default)]
pub struct HandoffFigures {
    /// Tickets seen.
    pub tickets: u64,
    /// Hand-offs.
    pub handoffs: u64,
    /// Tickets by their number of hand-offs.
    pub distribution: Vec<u64>,
    /// Department returns.
    pub returns: u64,
    /// Tickets with at least one return.
    pub tickets_with_returns: u64,
    /// Ping-pongs.
    pub ping_pong: u64,
    /// Returns into each department.
    pub returns_into: HashMap<Dept, u64>,
    /// Per (from, to) pair.
    pub pairs: HashMap<(Dept, Dept), Pair>,
    seen: Vec<u32>,
    stamp: u32,
}

impl HandoffFigures {
    /// Adds one ticket: its events' departments and times, in order.
    pub fn ticket(&mut self, depts: &[Dept], times: &[Time]) -> TicketHandoffs {
        let t = self.walk(depts, times, true);
        self.tickets += 1;
        self.handoffs += u64::from(t.handoffs);
        let n = t.handoffs as usize;
        if self.distribution.len() <= n {
            self.distribution.resize(n + 1, 0);
        }
        self.distribution[n] += 1;
        self.returns += u64::from(t.returns);
        self.tickets_with_returns += u64::from(t.returns > 0);
        self.ping_pong += u64::from(t.ping_pong);
        t
    }

    /// The hand-offs of `depts` without adding them to the figures (for a designed path).
    pub fn of_path(depts: &[Dept]) -> TicketHandoffs {
        HandoffFigures::default().walk(depts, &[], false)
    }

    fn walk(&mut self, depts: &[Dept], times: &[Time], record: bool) -> TicketHandoffs {
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.seen.iter_mut().for_each(|s| *s = 0);
            self.stamp = 1;
        }
        let mut t = TicketHandoffs::default();
        // The current department (and its last event) and the one before it.
        let mut current: Option<(Dept, usize)> = None;
        let mut before = Dept::NONE;
        for (i, &d) in depts.iter().enumerate() {
            if !d.is_some() {
                continue;
            }
            let slot = d.0 as usize;
            if self.seen.len() <= slot {
                self.seen.resize(slot + 1, 0);
            }
            match current {
                Some((c, _)) if c == d => {}
                Some((c, last)) => {
                    t.handoffs += 1;
                    let returns = self.seen[slot] == self.stamp;
                    let ping_pong = returns && before == d;
                    t.returns += u32::from(returns);
                    t.ping_pong += u32::from(ping_pong);
                    if record {
                        let pair = self.pairs.entry((c, d)).or_default();
                        pair.count += 1;
                        pair.returns += u64::from(returns);
                        pair.ping_pong += u64::from(ping_pong);
                        let (a, b) = (times[last], times[i]);
                        if a.is_some() && b.is_some() {
                            pair.waits.push(u32::try_from((b.0 - a.0).max(0) / 1_000_000).unwrap_or(u32::MAX));
                        }
                        if returns {
                            *self.returns_into.entry(d).or_insert(0) += 1;
                        }
                    }
                    before = c;
                }
                None => {}
            }
            self.seen[slot] = self.stamp;
            current = Some((d, i));
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::HandoffFigures;
    use crate::log::department::Dept;
    use crate::log::timestamp::Time;

    #[test]
    fn linear_complaint_path_returns_twice() {
        // frontline, frontline, expert, maintenance, expert, expert, frontline, frontline
        let path: Vec<Dept> = [0, 0, 1, 2, 1, 1, 0, 0].into_iter().map(Dept).collect();
        let t = HandoffFigures::of_path(&path);
        assert_eq!((t.handoffs, t.returns, t.ping_pong), (4, 2, 1), "E -> M -> E is a ping-pong");
        // flattened: frontline, frontline, expert, maintenance, maintenance, frontline
        let flat: Vec<Dept> = [0, 0, 1, 2, 2, 0].into_iter().map(Dept).collect();
        assert_eq!(HandoffFigures::of_path(&flat).returns, 1);
    }

    #[test]
    fn unknown_departments_are_skipped_and_waits_kept() {
        let mut f = HandoffFigures::default();
        let depts = [Dept(0), Dept::NONE, Dept(1), Dept(0)];
        let times = [Time(0), Time(5_000_000), Time(7_000_000), Time(10_000_000)];
        let t = f.ticket(&depts, &times);
        assert_eq!((t.handoffs, t.returns, t.ping_pong), (2, 1, 1));
        assert_eq!(f.pairs[&(Dept(0), Dept(1))].waits, [7], "from the last event of the sender");
        assert_eq!(f.pairs[&(Dept(1), Dept(0))].returns, 1);
        assert_eq!(f.distribution, [0, 0, 1]);
        let t = f.ticket(&[Dept(3)], &[Time(0)]);
        assert_eq!(t.handoffs, 0);
        assert_eq!(f.distribution, [1, 0, 1]);
    }
}
