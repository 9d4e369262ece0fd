//! Repeat complaints (重复投诉): a ticket whose customer opened an earlier ticket about the same
//! business shortly before.
//!
//! Owns [`repeats`] and [`RepeatFigures`]. A ticket is *opened* at its first timed event. Ticket
//! `b` is a **repeat** of ticket `a` when both have the same customer, the same business (when the
//! log has a business column; any business otherwise), `a` was opened before `b` (or at the same
//! instant and earlier in the file) and at most `window` before it; `repeat_of` names the latest
//! such `a`. Tickets without a customer or an opening time are never repeats and are counted
//! apart. O(n log n) for n tickets (one sort by customer, business, opening).

use crate::log::event_log::{CaseIdx, EventLog};
use crate::log::intern::Sym;
use crate::log::timestamp::Time;

/// Repeat tickets of a log.
#[derive(Debug, Clone, Default)]
pub struct RepeatFigures {
    /// Whether the log has a customer column (without it nothing is measured).
    pub available: bool,
    /// Whether the business column took part.
    pub by_business: bool,
    /// The window in days.
    pub window_days: u32,
    /// For each ticket, the ticket it repeats.
    pub repeat_of: Vec<Option<CaseIdx>>,
    /// Tickets that are repeats.
    pub repeats: u64,
    /// Tickets with no customer or no timed event (never repeats).
    pub unidentified: u64,
}

impl RepeatFigures {
    /// Whether some later ticket repeats each ticket.
    pub fn followed(&self) -> Vec<bool> {
        let mut out = vec![false; self.repeat_of.len()];
        for c in self.repeat_of.iter().flatten() {
            out[c.index()] = true;
        }
        out
    }
}

/// The repeat tickets of `log` within `window_days` days.
///
/// # Example
/// ```
/// use flowaudit::analysis::repeat::repeats;
/// use flowaudit::log::builder::{CaseField, Extras, LogBuilder, Present};
/// use flowaudit::log::timestamp::Time;
///
/// let day = 86_400_000_000;
/// let mut b = LogBuilder::new(Present { customer: true, ..Present::default() });
/// for (case, customer, t) in [("1", "c1", 0), ("2", "c1", 3 * day), ("3", "c2", day), ("4", "c1", 40 * day)] {
///     let c = b.case(case);
///     b.event(c, "receive", Time(t), Extras::default());
///     b.set_case_value(c, CaseField::Customer, customer);
/// }
/// let log = b.finish();
/// let r = repeats(&log, 30);
/// let of: Vec<Option<u32>> = r.repeat_of.iter().map(|c| c.map(|c| c.0)).collect();
/// assert_eq!(of, [None, Some(0), None, None]);
/// ```
pub fn repeats(log: &EventLog, window_days: u32) -> RepeatFigures {
    let n = log.case_count();
    let mut r = RepeatFigures { window_days, repeat_of: vec![None; n], ..RepeatFigures::default() };
    let Some(customers) = &log.cases.customer else { return r };
    r.available = true;
    let business = log.cases.business.as_ref();
    r.by_business = business.is_some();
    let opened = |c: CaseIdx| log.time[log.events_of(c)].iter().copied().find(|t| t.is_some());
    let mut keyed: Vec<(Sym, Sym, Time, CaseIdx)> = Vec::with_capacity(n);
    for c in log.case_indices() {
        let customer = customers[c.index()];
        match opened(c) {
            Some(t) if customer.is_some() && !log.values.resolve(customer).trim().is_empty() => {
                keyed.push((customer, business.map_or(Sym::NONE, |b| b[c.index()]), t, c));
            }
            _ => r.unidentified += 1,
        }
    }
    keyed.sort_unstable();
    let window = i64::from(window_days) * 86_400_000_000;
    for w in keyed.windows(2) {
        let ((c0, b0, t0, a), (c1, b1, t1, b)) = (w[0], w[1]);
        if c0 == c1 && b0 == b1 && t1.0 - t0.0 <= window {
            r.repeat_of[b.index()] = Some(a);
            r.repeats += 1;
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::repeats;
    use crate::log::builder::{CaseField, Extras, LogBuilder, Present};
    use crate::log::timestamp::Time;

    const DAY: i64 = 86_400_000_000;

    #[test]
    fn same_customer_and_business_within_the_window() {
        let present = Present { customer: true, business: true, ..Present::default() };
        let mut b = LogBuilder::new(present);
        // (ticket, customer, business, opened)
        for (case, customer, business, t) in [
            ("a", "c1", "net", 0),
            ("b", "c1", "bill", DAY),     // other business: not a repeat of a
            ("c", "c1", "net", 30 * DAY), // exactly 30 days after a: a repeat
            ("d", "c1", "net", 30 * DAY), // same instant as c, later in the file: repeats c
            ("e", "c1", "net", 61 * DAY), // 31 days after d
            ("f", "", "net", DAY),        // no customer
        ] {
            let c = b.case(case);
            b.event(c, "receive", Time(t), Extras::default());
            b.event(c, "close", Time(t + 5), Extras::default());
            b.set_case_value(c, CaseField::Customer, customer);
            b.set_case_value(c, CaseField::Business, business);
        }
        let log = b.finish();
        let r = repeats(&log, 30);
        let of: Vec<Option<&str>> = r.repeat_of.iter().map(|c| c.map(|c| log.case_id(c))).collect();
        assert_eq!(of, [None, None, Some("a"), Some("c"), None, None]);
        assert_eq!((r.repeats, r.unidentified), (2, 1));
        assert!(r.available && r.by_business);
        assert_eq!(r.followed(), [true, false, true, false, false, false]);
    }

    #[test]
    fn without_a_customer_column_nothing_is_measured() {
        let mut b = LogBuilder::new(Present::default());
        let c = b.case("a");
        b.event(c, "receive", Time(0), Extras::default());
        let r = repeats(&b.finish(), 30);
        assert!(!r.available);
        assert_eq!(r.repeat_of, [None]);
    }
}
