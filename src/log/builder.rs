//! Building an [`EventLog`] from events in file order: the one place readers hand events to.
//!
//! Owns interning during the read and the final grouping. Readers call [`LogBuilder::event`] for
//! each accepted event and [`LogBuilder::set_case_value`] for ticket-level fields; [`LogBuilder::finish`]
//! groups events by case (a counting sort, O(events)) and orders each case by time with a stable
//! sort (O(k log k) per case of k events, skipped when the case is already in order). When the whole
//! file is already grouped by ticket and in time order, as most exports are, nothing is moved.

use crate::log::event_log::{CaseAttribute, CaseColumns, CaseIdx, EventColumns, EventLog};
use crate::log::intern::Sym;
use crate::log::timestamp::Time;

/// Which optional columns the input has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[expect(clippy::struct_excessive_bools, reason = "independent flags, one per optional column")]
pub struct Present {
    /// Department or role per event.
    pub role: bool,
    /// Resource per event.
    pub resource: bool,
    /// Lifecycle transition per event.
    pub lifecycle: bool,
    /// Customer id per ticket.
    pub customer: bool,
    /// Tier per ticket.
    pub tier: bool,
    /// Problem class per ticket.
    pub class: bool,
    /// Channel per ticket.
    pub channel: bool,
    /// Business per ticket.
    pub business: bool,
    /// Brand per ticket.
    pub brand: bool,
}

/// A ticket-level field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseField {
    /// Customer id.
    Customer,
    /// Problem class.
    Class,
    /// Channel.
    Channel,
    /// Business.
    Business,
    /// Brand.
    Brand,
}

impl CaseField {
    /// Every ticket-level field held as text, in column order (the tier is a number apart).
    pub const ALL: [CaseField; 5] =
        [CaseField::Customer, CaseField::Class, CaseField::Channel, CaseField::Business, CaseField::Brand];

    /// The field's name in notes and reports.
    pub fn name(self) -> &'static str {
        match self {
            CaseField::Customer => "customer",
            CaseField::Class => "class",
            CaseField::Channel => "channel",
            CaseField::Business => "business",
            CaseField::Brand => "brand",
        }
    }
}

/// The optional per-event fields of one event.
#[derive(Debug, Clone, Copy, Default)]
pub struct Extras<'a> {
    /// Department or role.
    pub role: Option<&'a str>,
    /// Resource.
    pub resource: Option<&'a str>,
    /// Lifecycle transition.
    pub lifecycle: Option<&'a str>,
}

/// The most events one log may hold (event indices are `u32`).
pub const MAX_EVENTS: usize = u32::MAX as usize - 1;

/// Collects events in file order; [`LogBuilder::finish`] turns them into an [`EventLog`].
#[derive(Debug)]
pub struct LogBuilder {
    log: EventLog,
    case: Vec<u32>,
    /// Per case: its last timestamp so far, to see whether the file is already in order.
    last_time: Vec<Time>,
    last_case: Option<u32>,
    in_order: bool,
    attributes: Vec<CaseAttribute>,
}

fn column(on: bool) -> Option<Vec<Sym>> {
    on.then(Vec::new)
}

impl LogBuilder {
    /// A builder for an input with the `present` optional columns.
    pub fn new(present: Present) -> Self {
        let log = EventLog {
            events: EventColumns {
                role: column(present.role),
                resource: column(present.resource),
                lifecycle: column(present.lifecycle),
            },
            cases: CaseColumns {
                customer: column(present.customer),
                tier: present.tier.then(Vec::new),
                class: column(present.class),
                channel: column(present.channel),
                business: column(present.business),
                brand: column(present.brand),
            },
            ..EventLog::default()
        };
        LogBuilder {
            log,
            case: Vec::new(),
            last_time: Vec::new(),
            last_case: None,
            in_order: true,
            attributes: Vec::new(),
        }
    }

    /// Reserves room for about `events` more events.
    ///
    /// The number of tickets and their id lengths are extrapolated from those seen so far, so a
    /// month's million ticket ids do not regrow the id table (each regrowth touches every entry).
    pub fn reserve(&mut self, events: usize) {
        let seen = self.case.len().max(1);
        let ids = &mut self.log.case_ids;
        let cases = ids.len() * events / seen;
        ids.reserve(cases, ids.text_bytes() * events / seen);
        self.case.reserve(events);
        self.log.activity.reserve(events);
        self.log.time.reserve(events);
        for v in [&mut self.log.events.role, &mut self.log.events.resource, &mut self.log.events.lifecycle]
            .into_iter()
            .flatten()
        {
            v.reserve(events);
        }
    }

    /// Events accepted so far.
    pub fn event_count(&self) -> usize {
        self.log.activity.len()
    }

    /// Whether a case with ticket id `id` exists already (XES: a trace repeating a name).
    pub fn has_case(&self, id: &str) -> bool {
        self.log.case_ids.get(id).is_some()
    }

    /// Whether a ticket id of `other` is also one of this builder's: then [`LogBuilder::append`]
    /// would merge two tickets, which a reader that must note repeated names cannot take back.
    /// O(tickets of `other`).
    pub fn shares_case(&self, other: &LogBuilder) -> bool {
        other.log.case_ids.iter().any(|(_, id)| self.has_case(id))
    }

    /// The case with ticket id `id`, created when new.
    pub fn case(&mut self, id: &str) -> CaseIdx {
        if let Some(last) = self.last_case
            && self.log.case_ids.resolve(Sym(last)) == id
        {
            return CaseIdx(last);
        }
        let before = self.log.case_ids.len();
        let sym = self.log.case_ids.intern(id);
        if self.log.case_ids.len() > before {
            self.last_time.push(Time::NONE);
            let cases = &mut self.log.cases;
            for field in CaseField::ALL {
                if let Some(v) = cases.column_mut(field) {
                    v.push(Sym::NONE);
                }
            }
            if let Some(t) = &mut cases.tier {
                t.push(0);
            }
        } else if self.last_case.is_some() {
            // A ticket seen before, after another one: the file is not grouped by ticket.
            self.in_order = false;
        }
        self.last_case = Some(sym.0);
        CaseIdx(sym.0)
    }

    /// Adds one event of `case`. The caller checks [`MAX_EVENTS`] first.
    pub fn event(&mut self, case: CaseIdx, activity: &str, time: Time, extras: Extras<'_>) {
        let a = self.log.activities.intern(activity);
        let values = &mut self.log.values;
        let mut sym = |v: Option<&str>| v.filter(|s| !s.is_empty()).map_or(Sym::NONE, |s| values.intern(s));
        let syms = [sym(extras.role), sym(extras.resource), sym(extras.lifecycle)];
        self.push(case, a, time, syms);
    }

    /// Notes whether an event of `case` at `time` keeps the file grouped by ticket and in time
    /// order (then [`LogBuilder::finish`] moves nothing).
    fn track_order(&mut self, case: CaseIdx, time: Time) {
        if self.in_order {
            let last = &mut self.last_time[case.index()];
            if (last.is_some() || time.is_some()) && (time < *last || (last.is_some() && !time.is_some())) {
                self.in_order = false;
            }
            *last = time;
        }
    }

    /// Adds one event whose strings are already interned: role, resource, lifecycle.
    fn push(&mut self, case: CaseIdx, activity: Sym, time: Time, [role, resource, lifecycle]: [Sym; 3]) {
        self.track_order(case, time);
        self.case.push(case.0);
        self.log.activity.push(activity);
        self.log.time.push(time);
        let events = &mut self.log.events;
        for (col, v) in [(&mut events.role, role), (&mut events.resource, resource), (&mut events.lifecycle, lifecycle)]
        {
            if let Some(col) = col {
                col.push(v);
            }
        }
    }

    /// Appends the events `other` read from the rest of the same file, as if this builder had
    /// read them itself: strings are re-interned (O(distinct strings of `other`)), tickets that
    /// both parts hold become one, and ticket-level values keep this builder's first value.
    /// Returns the conflicts as `(ticket id, field, other's value, kept value)`.
    pub fn append(&mut self, other: LogBuilder) -> Vec<(String, &'static str, String, String)> {
        let LogBuilder { log: mut o, case: o_case, in_order, attributes: o_attributes, .. } = other;
        self.in_order &= in_order;
        let acts: Vec<Sym> = o.activities.iter().map(|(_, s)| self.log.activities.intern(s)).collect();
        let vals: Vec<Sym> = o.values.iter().map(|(_, s)| self.log.values.intern(s)).collect();
        let cases: Vec<CaseIdx> = o.case_ids.iter().map(|(_, id)| self.case(id)).collect();
        let col = |c: Option<&Vec<Sym>>, i: usize| c.map_or(Sym::NONE, |v| v[i]);
        let mut conflicts = Vec::new();
        for (i, &case) in cases.iter().enumerate() {
            let id = || o.case_ids.resolve(Sym(u32::try_from(i).unwrap_or(u32::MAX))).to_owned();
            for field in CaseField::ALL {
                let v = col(o.cases.column(field), i);
                if v.is_some() {
                    let value = o.values.resolve(v);
                    if let Some(kept) = self.set_case_value(case, field, value) {
                        conflicts.push((id(), field.name(), value.to_owned(), kept));
                    }
                }
            }
            if let Some(t) = o.cases.tier.as_ref().map(|t| t[i]).filter(|&t| t > 0)
                && let Some(kept) = self.set_tier(case, t)
            {
                conflicts.push((id(), "tier", t.to_string(), kept.to_string()));
            }
        }
        for a in o_attributes {
            let (k, v) = (o.values.resolve(a.key), o.values.resolve(a.value));
            self.case_attribute(cases[a.case.index()], k, v);
        }
        drop((std::mem::take(&mut o.values), std::mem::take(&mut o.case_ids), std::mem::take(&mut o.activities)));
        drop(std::mem::take(&mut o.cases));
        // Column by column, each of `other`'s freed once copied: the peak holds one extra column.
        for (&c, &t) in o_case.iter().zip(&o.time) {
            let c = cases[c as usize];
            self.track_order(c, t);
            self.case.push(c.0);
        }
        drop(o_case);
        self.log.time.extend_from_slice(&std::mem::take(&mut o.time));
        self.log.activity.extend(std::mem::take(&mut o.activity).into_iter().map(|a| acts[a.index()]));
        let val = |s: Sym| if s.is_some() { vals[s.index()] } else { Sym::NONE };
        let mine = &mut self.log.events;
        for (into, from) in [
            (&mut mine.role, &mut o.events.role),
            (&mut mine.resource, &mut o.events.resource),
            (&mut mine.lifecycle, &mut o.events.lifecycle),
        ] {
            if let (Some(into), Some(from)) = (into, from.take()) {
                into.extend(from.into_iter().map(val));
            }
        }
        conflicts
    }

    /// Sets a ticket-level field. The first non-empty value wins; returns the kept value when
    /// `value` differs from it (the caller reports the conflict), `None` otherwise.
    pub fn set_case_value(&mut self, case: CaseIdx, field: CaseField, value: &str) -> Option<String> {
        if value.is_empty() {
            return None;
        }
        let slot = &mut self.log.cases.column_mut(field)?[case.index()];
        if slot.is_some() {
            let kept = self.log.values.resolve(*slot);
            return (kept != value).then(|| kept.to_owned());
        }
        *slot = self.log.values.intern(value);
        None
    }

    /// Sets a ticket's tier (1-5). Returns the kept tier when it differs.
    pub fn set_tier(&mut self, case: CaseIdx, stars: u8) -> Option<u8> {
        let slot = &mut self.log.cases.tier.as_mut()?[case.index()];
        if *slot == 0 {
            *slot = stars;
            return None;
        }
        (*slot != stars).then_some(*slot)
    }

    /// Copies ticket `case` of `log`'s ticket-level fields (customer, class, channel, business,
    /// brand, tier) onto `c`, as [`LogBuilder::set_case_value`] and [`LogBuilder::set_tier`] keep
    /// them. O(fields).
    pub fn copy_case_fields(&mut self, log: &EventLog, case: CaseIdx, c: CaseIdx) {
        let i = case.index();
        for field in CaseField::ALL {
            if let Some(sym) = log.cases.column(field).map(|v| v[i]).filter(|s| s.is_some()) {
                self.set_case_value(c, field, log.values.resolve(sym));
            }
        }
        if let Some(&tier) = log.cases.tier.as_ref().and_then(|v| v.get(i)).filter(|&&t| t > 0) {
            self.set_tier(c, tier);
        }
    }

    /// Adds a ticket attribute that has no column of its own (XES trace attributes).
    pub fn case_attribute(&mut self, case: CaseIdx, key: &str, value: &str) {
        let key = self.log.values.intern(key);
        let value = self.log.values.intern(value);
        self.attributes.push(CaseAttribute { case, key, value });
    }

    /// Groups the events by case and orders each case by time (ties in file order).
    ///
    /// O(events) plus a stable sort of each case that is out of order.
    pub fn finish(self) -> EventLog {
        let LogBuilder { mut log, case, in_order, mut attributes, .. } = self;
        let cases = log.case_ids.len();
        let mut start = vec![0u32; cases + 1];
        for &c in &case {
            start[c as usize + 1] += 1;
        }
        for i in 0..cases {
            start[i + 1] += start[i];
        }
        if !in_order {
            let mut next = start.clone();
            let mut order = vec![0u32; case.len()];
            for (i, &c) in case.iter().enumerate() {
                let slot = &mut next[c as usize];
                order[*slot as usize] = u32::try_from(i).unwrap_or(u32::MAX);
                *slot += 1;
            }
            drop(case);
            for w in start.windows(2) {
                let seg = &mut order[w[0] as usize..w[1] as usize];
                let times = &log.time;
                if seg.iter().all(|&i| times[i as usize].is_some()) && !seg.is_sorted_by_key(|&i| times[i as usize]) {
                    seg.sort_by_key(|&i| times[i as usize]);
                }
            }
            log.activity = permute(&log.activity, &order);
            log.time = permute(&log.time, &order);
            for v in [&mut log.events.role, &mut log.events.resource, &mut log.events.lifecycle].into_iter().flatten() {
                *v = permute(v, &order);
            }
        }
        log.case_start = start;
        attributes.sort_by_key(|a| (a.case, a.key));
        log.case_attributes = attributes;
        log
    }
}

fn permute<T: Copy>(column: &[T], order: &[u32]) -> Vec<T> {
    order.iter().map(|&i| column[i as usize]).collect()
}

#[cfg(test)]
mod tests {
    use super::{CaseField, Extras, LogBuilder, Present};
    use crate::log::timestamp::Time;

    fn names(log: &crate::log::event_log::EventLog) -> Vec<(String, Vec<String>)> {
        log.case_indices()
            .map(|c| {
                (log.case_id(c).to_owned(), log.trace(c).iter().map(|&a| log.activity_name(a).to_owned()).collect())
            })
            .collect()
    }

    #[test]
    fn groups_by_case_and_orders_by_time_keeping_ties_in_file_order() {
        let mut b = LogBuilder::new(Present { role: true, ..Present::default() });
        for (case, act, t, role) in [
            ("T1", "receive", 10, Some("frontline")),
            ("T2", "receive", 5, None),
            ("T1", "reply", 30, Some("frontline")),
            ("T1", "diagnose", 20, Some("expert")),
            ("T2", "close", 7, None),
            ("T2", "note", 7, None),
        ] {
            let c = b.case(case);
            b.event(c, act, Time(t), Extras { role, ..Extras::default() });
        }
        let log = b.finish();
        assert_eq!(log.case_count(), 2);
        assert_eq!(log.event_count(), 6);
        assert_eq!(
            names(&log),
            [
                ("T1".to_owned(), vec!["receive".to_owned(), "diagnose".to_owned(), "reply".to_owned()]),
                ("T2".to_owned(), vec!["receive".to_owned(), "close".to_owned(), "note".to_owned()]),
            ]
        );
        let roles: Vec<_> = log.events.role.as_ref().unwrap().iter().map(|&r| r.is_some()).collect();
        assert_eq!(roles, [true, true, true, false, false, false]);
        assert_eq!(log.values.resolve(log.events.role.as_ref().unwrap()[1]), "expert");
    }

    #[test]
    fn the_brand_is_kept_per_ticket_first_value_wins_and_survives_append() {
        let present = Present { brand: true, business: true, ..Present::default() };
        let mut a = LogBuilder::new(present);
        let c = a.case("T1");
        a.event(c, "receive", Time(1), Extras::default());
        assert_eq!(a.set_case_value(c, CaseField::Brand, "gotone"), None);
        assert_eq!(a.set_case_value(c, CaseField::Brand, ""), None, "an empty value changes nothing");
        assert_eq!(a.set_case_value(c, CaseField::Brand, "mzone").as_deref(), Some("gotone"));
        let mut b = LogBuilder::new(present);
        let d = b.case("T2");
        b.event(d, "receive", Time(2), Extras::default());
        b.set_case_value(d, CaseField::Brand, "easyown");
        let e = b.case("T1");
        b.event(e, "reply", Time(3), Extras::default());
        b.set_case_value(e, CaseField::Brand, "mzone");
        let conflicts = a.append(b);
        assert_eq!(conflicts, [("T1".to_owned(), "brand", "mzone".to_owned(), "gotone".to_owned())]);
        let log = a.finish();
        let brands: Vec<&str> = log.cases.brand.as_ref().unwrap().iter().map(|&s| log.values.resolve(s)).collect();
        assert_eq!(brands, ["gotone", "easyown"]);
        assert!(LogBuilder::new(Present::default()).finish().cases.brand.is_none());
    }

    #[test]
    fn untimed_cases_keep_file_order() {
        let mut b = LogBuilder::new(Present::default());
        let c = b.case("A");
        b.event(c, "b", Time::NONE, Extras::default());
        b.event(c, "a", Time::NONE, Extras::default());
        let log = b.finish();
        assert_eq!(names(&log)[0].1, ["b", "a"]);
    }
}
