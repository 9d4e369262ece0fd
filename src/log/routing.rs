//! Routing a centre's tickets through the touchpoint map (seed 004's 流程地图): each ticket's
//! business x channel (x brand) touchpoint names the process it is audited against.
//!
//! Owns [`route`], [`Routing`] and [`Unrouted`]. A ticket's business, channel and brand values
//! are matched against the map's entries by id, code, English or Chinese name (exactly, then
//! ignoring ASCII case). The touchpoint is the map's entry for that business and channel with the
//! ticket's brand, else the one for every brand. Every ticket lands in exactly one bucket: routed
//! to a process, a **blind spot** (its touchpoint is in the map without a process), or
//! **unrouted** with the reason (no business or channel value, a value the map does not know, a
//! business the map does not offer on that channel, or a brand-specific touchpoint without the
//! ticket's brand). None is dropped. Cost: O(distinct values x map entries) to resolve, then
//! O(tickets).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::log::event_log::{CaseIdx, EventLog};
use crate::log::intern::Sym;
use crate::model::touchpoint::{Coded, TouchpointMap};

/// Why a ticket could not be routed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unrouted {
    /// The log has no business or no channel value for it.
    NoTouchpointColumns,
    /// Its business value names no business of the map.
    UnknownBusiness,
    /// Its channel value names no channel of the map.
    UnknownChannel,
    /// The map does not offer its business on its channel.
    NotOffered,
    /// The map routes its business and channel per brand, and it has no (known) brand.
    BrandNeeded,
}

impl Unrouted {
    /// Every reason, in report order.
    pub const ALL: [Unrouted; 5] = [
        Unrouted::NoTouchpointColumns,
        Unrouted::UnknownBusiness,
        Unrouted::UnknownChannel,
        Unrouted::NotOffered,
        Unrouted::BrandNeeded,
    ];

    /// The reason in words.
    pub fn describe(self, zh: bool) -> &'static str {
        match (self, zh) {
            (Unrouted::NoTouchpointColumns, false) => "no business or channel value",
            (Unrouted::NoTouchpointColumns, true) => "缺少业务或渠道",
            (Unrouted::UnknownBusiness, false) => "business not in the touchpoint map",
            (Unrouted::UnknownBusiness, true) => "业务不在流程地图中",
            (Unrouted::UnknownChannel, false) => "channel not in the touchpoint map",
            (Unrouted::UnknownChannel, true) => "渠道不在流程地图中",
            (Unrouted::NotOffered, false) => "business not offered on that channel",
            (Unrouted::NotOffered, true) => "该渠道不提供此业务",
            (Unrouted::BrandNeeded, false) => "touchpoint routed per brand, ticket has no known brand",
            (Unrouted::BrandNeeded, true) => "触点按品牌分流，工单无可识别品牌",
        }
    }
}

/// Where every ticket of a log goes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Routing {
    /// Per process id: its tickets, in case order.
    pub routed: BTreeMap<String, Vec<CaseIdx>>,
    /// Per touchpoint code without a process: its tickets.
    pub blind_spots: BTreeMap<String, Vec<CaseIdx>>,
    /// Per reason: the tickets that could not be routed.
    pub unrouted: BTreeMap<Unrouted, Vec<CaseIdx>>,
    /// Per touchpoint code: tickets routed through it (blind spots included).
    pub by_touchpoint: BTreeMap<String, u64>,
}

impl Routing {
    /// Tickets routed to a process.
    pub fn routed_tickets(&self) -> usize {
        self.routed.values().map(Vec::len).sum()
    }

    /// Tickets at blind spots.
    pub fn blind_spot_tickets(&self) -> usize {
        self.blind_spots.values().map(Vec::len).sum()
    }

    /// Tickets that could not be routed.
    pub fn unrouted_tickets(&self) -> usize {
        self.unrouted.values().map(Vec::len).sum()
    }

    /// Every ticket to `process`: what `--process ID` does instead of routing.
    pub fn all_to(log: &EventLog, process: &str) -> Routing {
        let mut r = Routing::default();
        r.routed.insert(process.to_owned(), log.case_indices().collect());
        r
    }
}

/// The entry of `list` that `value` names (id, code, name, Chinese name; exactly, then ignoring
/// ASCII case).
fn find(list: &[Coded], value: &str) -> Option<usize> {
    fn names(c: &Coded) -> [Option<&str>; 4] {
        [Some(c.id.as_str()), Some(c.code.as_str()), Some(c.name.as_str()), c.name_zh.as_deref()]
    }
    let value = value.trim();
    list.iter()
        .position(|c| names(c).into_iter().flatten().any(|n| n == value))
        .or_else(|| list.iter().position(|c| names(c).into_iter().flatten().any(|n| n.eq_ignore_ascii_case(value))))
}

/// Each value symbol of `column` resolved against `list` (memoised per distinct symbol).
fn resolver<'a>(log: &'a EventLog, list: &'a [Coded]) -> impl FnMut(Sym) -> Option<usize> + 'a {
    let mut memo: BTreeMap<u32, Option<usize>> = BTreeMap::new();
    move |sym: Sym| *memo.entry(sym.0).or_insert_with(|| find(list, log.values.resolve(sym)))
}

/// One business x channel of the map: its touchpoint for every brand, and those per brand id.
type Cell<'m> = (Option<usize>, BTreeMap<&'m str, usize>);

/// Routes every ticket of `log` through `map`; `brand` is the log's brand column, when it has one.
pub fn route(log: &EventLog, map: &TouchpointMap, brand: Option<&[Sym]>) -> Routing {
    // (business, channel) -> (touchpoint for every brand, per brand).
    let mut cells: BTreeMap<(&str, &str), Cell<'_>> = BTreeMap::new();
    for (i, t) in map.touchpoints.iter().enumerate() {
        let cell = cells.entry((t.business.as_str(), t.channel.as_str())).or_default();
        match &t.brand {
            // The first entry wins, as the map's duplicate warning says.
            None => {
                cell.0.get_or_insert(i);
            }
            Some(b) => {
                cell.1.entry(b.as_str()).or_insert(i);
            }
        }
    }
    let mut business = resolver(log, &map.businesses);
    let mut channel = resolver(log, &map.channels);
    let mut brand_of = resolver(log, &map.brands);
    let mut r = Routing::default();
    let column = |c: &Option<Vec<Sym>>, case: CaseIdx| c.as_ref().map(|v| v[case.index()]).filter(|s| s.is_some());
    for case in log.case_indices() {
        let (Some(b), Some(c)) = (column(&log.cases.business, case), column(&log.cases.channel, case)) else {
            r.unrouted.entry(Unrouted::NoTouchpointColumns).or_default().push(case);
            continue;
        };
        let (Some(b), Some(c)) = (business(b), channel(c)) else {
            let reason = if business(b).is_none() { Unrouted::UnknownBusiness } else { Unrouted::UnknownChannel };
            r.unrouted.entry(reason).or_default().push(case);
            continue;
        };
        let Some((all, per_brand)) = cells.get(&(map.businesses[b].id.as_str(), map.channels[c].id.as_str())) else {
            r.unrouted.entry(Unrouted::NotOffered).or_default().push(case);
            continue;
        };
        let ticket_brand =
            brand.and_then(|col| col.get(case.index()).copied()).filter(|s| s.is_some()).and_then(&mut brand_of);
        let chosen = ticket_brand.and_then(|k| per_brand.get(map.brands[k].id.as_str()).copied()).or(*all);
        let Some(t) = chosen.map(|i| &map.touchpoints[i]) else {
            r.unrouted.entry(Unrouted::BrandNeeded).or_default().push(case);
            continue;
        };
        *r.by_touchpoint.entry(t.code.clone()).or_default() += 1;
        match &t.process {
            Some(p) => r.routed.entry(p.clone()).or_default().push(case),
            None => r.blind_spots.entry(t.code.clone()).or_default().push(case),
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::{Routing, Unrouted, route};
    use crate::log::builder::{CaseField, Extras, LogBuilder, Present};
    use crate::log::event_log::EventLog;
    use crate::log::timestamp::Time;
    use crate::model::library;

    fn log(tickets: &[(&str, Option<&str>, Option<&str>)]) -> EventLog {
        let mut b = LogBuilder::new(Present { business: true, channel: true, ..Present::default() });
        for (id, business, channel) in tickets {
            let c = b.case(id);
            b.event(c, "x", Time(1), Extras::default());
            if let Some(v) = business {
                b.set_case_value(c, CaseField::Business, v);
            }
            if let Some(v) = channel {
                b.set_case_value(c, CaseField::Channel, v);
            }
        }
        b.finish()
    }

    #[test]
    fn every_ticket_lands_in_one_bucket() {
        let lib = library::load(&["processes".into()]);
        let map = lib.touchpoints.as_ref().unwrap();
        let l = log(&[
            ("1", Some("bill-query"), Some("phone")),
            ("2", Some("话费查询"), Some("人工热线")),
            ("3", Some("B201"), Some("01")),
            ("4", Some("roaming-activation"), Some("app")),
            ("5", None, Some("phone")),
            ("6", Some("no-such-business"), Some("phone")),
            ("7", Some("bill-query"), Some("no-such-channel")),
            ("8", Some("network-complaint"), Some("phone")),
            ("9", Some("BROADBAND-COMPLAINT"), Some("Phone")),
        ]);
        let r = route(&l, map, None);
        let ids = |v: &[crate::log::event_log::CaseIdx]| v.iter().map(|c| l.case_id(*c).to_owned()).collect::<Vec<_>>();
        assert_eq!(ids(&r.routed["query"]), ["1", "2", "3"], "ids, Chinese names and codes");
        assert_eq!(ids(&r.routed["complaint-flat"]), ["9"], "case-insensitive");
        assert_eq!(r.blind_spots.values().map(|v| ids(v)).collect::<Vec<_>>(), [vec!["4".to_owned()]]);
        assert_eq!(ids(&r.unrouted[&Unrouted::NoTouchpointColumns]), ["5"]);
        assert_eq!(ids(&r.unrouted[&Unrouted::UnknownBusiness]), ["6"]);
        assert_eq!(ids(&r.unrouted[&Unrouted::UnknownChannel]), ["7"]);
        assert_eq!(ids(&r.unrouted[&Unrouted::BrandNeeded]), ["8"], "network complaints by phone go per brand");
        assert_eq!(r.routed_tickets() + r.blind_spot_tickets() + r.unrouted_tickets(), l.case_count());
        let all = Routing::all_to(&l, "query");
        assert_eq!(all.routed_tickets(), 9);
    }
}
