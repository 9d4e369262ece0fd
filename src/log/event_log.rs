//! The event log in memory: interned strings, columnar events grouped by ticket and ordered by
//! time, and per-ticket attributes.
//!
//! Owns [`EventLog`] and its accessors. Events are stored column by column (one `Vec` per field)
//! and grouped by case: the events of case `c` are the index range
//! `case_start[c]..case_start[c + 1]`, ordered by timestamp, with ties kept in file order (a
//! stable sort), so two events written in the same second keep the order the ticket system wrote
//! them in. A case whose events are all untimed (XES logs may have no timestamps) keeps file
//! order. Cases are numbered in the order their first accepted event appears in the file.
//!
//! Memory per event: 4 bytes (activity) + 8 (timestamp) + 4 per optional column present in the
//! input (role, resource, lifecycle); per case: 4 bytes of offset plus 4 per case column present
//! (customer, class, channel, business, brand) and 1 for the tier; plus the interned strings.

use std::ops::Range;

use crate::log::builder::{CaseField, Extras, LogBuilder, Present};
use crate::log::intern::{Interner, Sym};
use crate::log::timestamp::Time;

/// Index of a case (ticket) in an [`EventLog`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CaseIdx(pub u32);

impl CaseIdx {
    /// The index as `usize`.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Per-event optional columns: present only when the input had the field.
#[derive(Debug, Clone, Default)]
pub struct EventColumns {
    /// Department or role that did the step ([`Sym`] into [`EventLog::values`]).
    pub role: Option<Vec<Sym>>,
    /// Agent or resource that did the step.
    pub resource: Option<Vec<Sym>>,
    /// Lifecycle transition (start, complete, ...).
    pub lifecycle: Option<Vec<Sym>>,
}

/// Per-case optional columns: the first non-empty value a ticket's events carry.
#[derive(Debug, Clone, Default)]
pub struct CaseColumns {
    /// Customer id.
    pub customer: Option<Vec<Sym>>,
    /// Customer tier in stars, 1-5; 0 when the ticket has none.
    pub tier: Option<Vec<u8>>,
    /// Problem class (maintenance, construction, ...).
    pub class: Option<Vec<Sym>>,
    /// Channel the ticket came in by.
    pub channel: Option<Vec<Sym>>,
    /// Business the ticket is about.
    pub business: Option<Vec<Sym>>,
    /// Brand of the customer's product (`gotone`, `mzone`, ...): some touchpoints serve one brand only.
    pub brand: Option<Vec<Sym>>,
}

impl CaseColumns {
    /// The column of a ticket-level text field, when the input had it.
    pub fn column(&self, field: CaseField) -> Option<&Vec<Sym>> {
        match field {
            CaseField::Customer => self.customer.as_ref(),
            CaseField::Class => self.class.as_ref(),
            CaseField::Channel => self.channel.as_ref(),
            CaseField::Business => self.business.as_ref(),
            CaseField::Brand => self.brand.as_ref(),
        }
    }

    /// The column of a ticket-level text field, to fill, when the input had it.
    pub fn column_mut(&mut self, field: CaseField) -> Option<&mut Vec<Sym>> {
        match field {
            CaseField::Customer => self.customer.as_mut(),
            CaseField::Class => self.class.as_mut(),
            CaseField::Channel => self.channel.as_mut(),
            CaseField::Business => self.business.as_mut(),
            CaseField::Brand => self.brand.as_mut(),
        }
    }
}

/// Any other attribute of a case (XES trace attributes), stored sparsely.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseAttribute {
    /// The case.
    pub case: CaseIdx,
    /// Attribute key ([`Sym`] into [`EventLog::values`]).
    pub key: Sym,
    /// Attribute value as text.
    pub value: Sym,
}

/// A ticket event log, grouped by case and ordered by time.
#[derive(Debug, Clone, Default)]
pub struct EventLog {
    /// Case (ticket) ids; `CaseIdx(i)` is `Sym(i)`.
    pub case_ids: Interner,
    /// Activity labels.
    pub activities: Interner,
    /// Every other string: roles, resources, lifecycle transitions, customers, classes, channels,
    /// businesses, brands, attribute keys and values.
    pub values: Interner,
    /// Where each case's events start; one more entry than cases, the last is the event count.
    pub case_start: Vec<u32>,
    /// Activity of each event.
    pub activity: Vec<Sym>,
    /// Timestamp of each event ([`Time::NONE`] when the input had none).
    pub time: Vec<Time>,
    /// Optional per-event columns.
    pub events: EventColumns,
    /// Optional per-case columns.
    pub cases: CaseColumns,
    /// Other case attributes, sorted by case then key.
    pub case_attributes: Vec<CaseAttribute>,
}

impl EventLog {
    /// Number of cases.
    pub fn case_count(&self) -> usize {
        self.case_start.len().saturating_sub(1)
    }

    /// Number of events.
    pub fn event_count(&self) -> usize {
        self.activity.len()
    }

    /// Every case, in index order.
    pub fn case_indices(&self) -> impl ExactSizeIterator<Item = CaseIdx> + use<> {
        (0..u32::try_from(self.case_count()).unwrap_or(u32::MAX)).map(CaseIdx)
    }

    /// The event index range of `case`.
    pub fn events_of(&self, case: CaseIdx) -> Range<usize> {
        self.case_start[case.index()] as usize..self.case_start[case.index() + 1] as usize
    }

    /// The activity sequence (trace) of `case`.
    pub fn trace(&self, case: CaseIdx) -> &[Sym] {
        &self.activity[self.events_of(case)]
    }

    /// The ticket id of `case`.
    pub fn case_id(&self, case: CaseIdx) -> &str {
        self.case_ids.resolve(Sym(case.0))
    }

    /// The case with ticket id `id`.
    pub fn find_case(&self, id: &str) -> Option<CaseIdx> {
        self.case_ids.get(id).map(|s| CaseIdx(s.0))
    }

    /// The label of activity `sym`.
    pub fn activity_name(&self, sym: Sym) -> &str {
        self.activities.resolve(sym)
    }

    /// Earliest and latest timestamp, if any event has one.
    pub fn time_span(&self) -> Option<(Time, Time)> {
        let mut it = self.time.iter().copied().filter(|t| t.is_some());
        let first = it.next()?;
        Some(it.fold((first, first), |(lo, hi), t| (lo.min(t), hi.max(t))))
    }

    /// Bytes held by the event and case columns (not the interned strings).
    pub fn column_bytes(&self) -> usize {
        let opt = |c: &Option<Vec<Sym>>| c.as_ref().map_or(0, Vec::len) * 4;
        self.case_start.len() * 4
            + self.activity.len() * 4
            + self.time.len() * 8
            + opt(&self.events.role)
            + opt(&self.events.resource)
            + opt(&self.events.lifecycle)
            + opt(&self.cases.customer)
            + self.cases.tier.as_ref().map_or(0, Vec::len)
            + opt(&self.cases.class)
            + opt(&self.cases.channel)
            + opt(&self.cases.business)
            + opt(&self.cases.brand)
            + self.case_attributes.len() * 12
    }

    /// One log of `logs` (several exports of one month): a ticket id found in several is one
    /// ticket, its events merged in time order. One log is returned as it is; otherwise
    /// O(events) with every string interned again.
    pub fn concat(mut logs: Vec<EventLog>) -> EventLog {
        if logs.len() <= 1 {
            return logs.pop().unwrap_or_default();
        }
        let any = |f: &dyn Fn(&EventLog) -> bool| logs.iter().any(f);
        let present = Present {
            role: any(&|l| l.events.role.is_some()),
            resource: any(&|l| l.events.resource.is_some()),
            lifecycle: any(&|l| l.events.lifecycle.is_some()),
            customer: any(&|l| l.cases.customer.is_some()),
            tier: any(&|l| l.cases.tier.is_some()),
            class: any(&|l| l.cases.class.is_some()),
            channel: any(&|l| l.cases.channel.is_some()),
            business: any(&|l| l.cases.business.is_some()),
            brand: any(&|l| l.cases.brand.is_some()),
        };
        let mut b = LogBuilder::new(present);
        b.reserve(logs.iter().map(EventLog::event_count).sum());
        for log in &logs {
            let text = |col: Option<&Vec<Sym>>, i: usize| {
                col.map(|v| v[i]).filter(|s| s.is_some()).map(|s| log.values.resolve(s))
            };
            let mut attrs = log.case_attributes.iter().peekable();
            for case in log.case_indices() {
                let c = b.case(log.case_id(case));
                b.copy_case_fields(log, case, c);
                while let Some(a) = attrs.next_if(|a| a.case == case) {
                    b.case_attribute(c, log.values.resolve(a.key), log.values.resolve(a.value));
                }
                for e in log.events_of(case) {
                    let extras = Extras {
                        role: text(log.events.role.as_ref(), e),
                        resource: text(log.events.resource.as_ref(), e),
                        lifecycle: text(log.events.lifecycle.as_ref(), e),
                    };
                    b.event(c, log.activity_name(log.activity[e]), log.time[e], extras);
                }
            }
        }
        b.finish()
    }

    /// The log of `cases` only (in that order), sharing nothing with `self`: for auditing one
    /// process's tickets of a centre's month. The activity and value interners are copied whole
    /// (their symbols stay valid); case ids are interned anew. O(events of `cases` + strings).
    #[must_use]
    pub fn subset(&self, cases: &[CaseIdx]) -> EventLog {
        let events: usize = cases.iter().map(|&c| self.events_of(c).len()).sum();
        let mut case_ids = Interner::new();
        let mut case_start = Vec::with_capacity(cases.len() + 1);
        let mut order: Vec<u32> = Vec::with_capacity(events);
        let mut new_case = vec![u32::MAX; self.case_count()];
        for (i, &c) in cases.iter().enumerate() {
            case_ids.intern(self.case_id(c));
            case_start.push(u32::try_from(order.len()).unwrap_or(u32::MAX));
            new_case[c.index()] = u32::try_from(i).unwrap_or(u32::MAX);
            order.extend(self.events_of(c).map(|e| u32::try_from(e).unwrap_or(u32::MAX)));
        }
        case_start.push(u32::try_from(order.len()).unwrap_or(u32::MAX));
        let per_event = |col: &Option<Vec<Sym>>| col.as_ref().map(|v| order.iter().map(|&e| v[e as usize]).collect());
        let per_case = |col: &Option<Vec<Sym>>| col.as_ref().map(|v| cases.iter().map(|c| v[c.index()]).collect());
        let mut case_attributes: Vec<CaseAttribute> = self
            .case_attributes
            .iter()
            .filter(|a| new_case[a.case.index()] != u32::MAX)
            .map(|a| CaseAttribute { case: CaseIdx(new_case[a.case.index()]), ..*a })
            .collect();
        case_attributes.sort_by_key(|a| (a.case.0, a.key.0));
        EventLog {
            case_ids,
            activities: self.activities.clone(),
            values: self.values.clone(),
            case_start,
            activity: order.iter().map(|&e| self.activity[e as usize]).collect(),
            time: order.iter().map(|&e| self.time[e as usize]).collect(),
            events: EventColumns {
                role: per_event(&self.events.role),
                resource: per_event(&self.events.resource),
                lifecycle: per_event(&self.events.lifecycle),
            },
            cases: CaseColumns {
                customer: per_case(&self.cases.customer),
                tier: self.cases.tier.as_ref().map(|v| cases.iter().map(|c| v[c.index()]).collect()),
                class: per_case(&self.cases.class),
                channel: per_case(&self.cases.channel),
                business: per_case(&self.cases.business),
                brand: per_case(&self.cases.brand),
            },
            case_attributes,
        }
    }
}

#[cfg(test)]
mod subset_tests {
    use crate::log::builder::{CaseField, Extras, LogBuilder, Present};
    use crate::log::event_log::CaseIdx;
    use crate::log::timestamp::Time;

    #[test]
    fn a_subset_keeps_its_tickets_whole_and_in_the_given_order() {
        let mut b = LogBuilder::new(Present { role: true, channel: true, tier: true, ..Present::default() });
        for (id, acts, channel) in [("a", "x,y", "phone"), ("b", "y", "web"), ("c", "z,x,z", "app")] {
            let c = b.case(id);
            b.set_case_value(c, CaseField::Channel, channel);
            b.set_tier(c, 3);
            for (i, act) in acts.split(',').enumerate() {
                b.event(c, act, Time(i64::try_from(i).unwrap()), Extras { role: Some("r"), ..Extras::default() });
            }
        }
        let log = b.finish();
        let s = log.subset(&[CaseIdx(2), CaseIdx(0)]);
        assert_eq!((s.case_count(), s.event_count()), (2, 5));
        assert_eq!((s.case_id(CaseIdx(0)), s.case_id(CaseIdx(1))), ("c", "a"));
        let names: Vec<&str> = s.trace(CaseIdx(0)).iter().map(|&a| s.activity_name(a)).collect();
        assert_eq!(names, ["z", "x", "z"]);
        assert_eq!(s.time[s.events_of(CaseIdx(1))], [Time(0), Time(1)]);
        let channel = s.cases.channel.as_ref().unwrap();
        assert_eq!((s.values.resolve(channel[0]), s.values.resolve(channel[1])), ("app", "phone"));
        assert_eq!(s.events.role.as_ref().unwrap().len(), 5);
        assert_eq!(s.find_case("a"), Some(CaseIdx(1)));
    }
}
