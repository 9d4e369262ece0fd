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

use crate::log::builder::CaseField;
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
}
