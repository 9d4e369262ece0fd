//! A whole centre's month: every kind of ticket a hotline takes, each coming in at a touchpoint of
//! the process that serves it, plus the tickets that come in where no process is designed.
//!
//! Owns [`simulate_centre`], [`CentreSummary`], the kind shares ([`KIND_SHARES`]) and the centre's
//! mix of ways in (`Mix`). A **way in** is a touchpoint of the map (business x channel, and brand
//! when the touchpoint names one), or a brand that a brand-split cell leaves out. Every way in
//! follows the steps of one service process: the process it is mapped to, or, at a **blind spot**
//! (a touchpoint without a process, or a left-out brand), the *similar* process, the one that
//! serves most touchpoints of the same business (the first in map order on a tie); a blind spot
//! whose business no process serves anywhere is not simulated (nothing says what its tickets do).
//!
//! Shares. Tickets are split between the service kinds by [`KIND_SHARES`]: query 45 %, acceptance
//! 25 %, consultation 15 %, verification 10 %, complaint 5 % (renormalised over the kinds the map
//! serves). Within a kind, each way in weighs its channel ([`channel_weight`]) times its brands
//! (the touchpoint's brand's [`brand_weight`], or every brand's for a touchpoint that serves all);
//! so the complaint share is split between `complaint-linear` and `complaint-flat` by their
//! touchpoints, and a blind spot is as busy as a mapped touchpoint of its channel, brand and kind.
//! On the bundled map: blind spots 2.7 % of all tickets (roaming activation by app 1.5 %, the
//! subscription check on the web 1.0 %, complaints by SMS 0.2 %) and `complaint-linear` 16 % of
//! the complaints (M-Zone and Easy Own network complaints by phone).
//!
//! Per ticket, in this order: arrival (one arrival stream for the whole month, so tickets of all
//! processes appear in arrival order, each ticket's rows together, as in a single process's
//! month), customer, way in (a repeat ticket comes in where the customer's earlier one did, so it
//! follows the same process), then the way's process walks and writes the ticket with the same
//! pieces as `simulate --process` ([`crate::simulate::engine`]). The `brand` column is written on
//! every ticket: the touchpoint's brand, or the customer's own ([`brand_weight`] shares, fixed per
//! customer), since every customer has one and a touchpoint for all brands serves each of them.
//!
//! Cost: O(events) time; memory O(size of the processes + ways in + the recent-customer table),
//! whatever the number of tickets, as for one process.

use std::io::Write;

use crate::model::process::Process;
use crate::model::spec::Class;
use crate::model::touchpoint::{Matrix, TouchpointMap};
use crate::simulate::config::{SimConfig, SimError};
use crate::simulate::engine::{Columns, Filing, ProcessSim, Run, SimSummary};
use crate::simulate::population::{Brands, brand_weight, channel_weight};
use crate::simulate::rng::Xoshiro256;
use crate::simulate::walk::Plan;

/// Share of a centre's tickets per service process kind, in percent.
pub const KIND_SHARES: [(&str, u32); 5] =
    [("query", 45), ("acceptance", 25), ("consultation", 15), ("verification", 10), ("complaint", 5)];

/// The draw weights of a month's ways in add up to about this (so every way keeps its share to
/// nine digits in `u32` arithmetic).
const TOTAL_WEIGHT: u64 = 1 << 30;

/// What a centre's month wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CentreSummary {
    /// Tickets, events, repeats and deviations of the whole month.
    pub total: SimSummary,
    /// Tickets per process whose steps they followed (blind-spot tickets under their similar
    /// process), every simulated process in library order.
    pub by_process: Vec<(String, u64)>,
    /// Tickets that came in at a blind spot.
    pub blind_spots: u64,
}

/// One way a ticket comes in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Way {
    pub(crate) business: String,
    pub(crate) channel: String,
    /// The touchpoint's brand; `None` when it serves every brand.
    pub(crate) brand: Option<String>,
    /// Index into [`Mix::processes`] of the process its tickets follow.
    pub(crate) process: usize,
    /// Whether no process serves it (its tickets follow the similar process).
    pub(crate) blind: bool,
}

/// The ways in of a centre and the weights they are drawn with.
#[derive(Debug, Clone)]
pub(crate) struct Mix<'p> {
    /// The processes tickets follow, in library order.
    pub(crate) processes: Vec<&'p Process>,
    /// Touchpoints in map order, then the brands left out of brand-split cells in matrix order.
    pub(crate) ways: Vec<Way>,
    cumulative: Vec<u32>,
}

/// The process serving most touchpoints of `business` among `usable` (the first in map order on a
/// tie).
fn similar<'m>(map: &'m TouchpointMap, business: &str, usable: &dyn Fn(&str) -> bool) -> Option<&'m str> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    let served = map.touchpoints.iter().filter(|t| t.business == business).filter_map(|t| t.process.as_deref());
    for p in served.filter(|p| usable(p)) {
        match counts.iter_mut().find(|(q, _)| *q == p) {
            Some((_, n)) => *n += 1,
            None => counts.push((p, 1)),
        }
    }
    let mut best: Option<(&str, usize)> = None;
    for c in counts {
        if best.is_none_or(|b| c.1 > b.1) {
            best = Some(c);
        }
    }
    best.map(|b| b.0)
}

impl<'p> Mix<'p> {
    /// The mix of `map` over the service processes with steps of `library` (see the module docs).
    /// O(touchpoints x (touchpoints + processes)).
    pub(crate) fn new(library: &'p [Process], map: &TouchpointMap) -> Mix<'p> {
        let usable = |id: &str| library.iter().any(|p| p.id == id && p.class == Class::Service && !p.steps.is_empty());
        // (business, channel, brand, process id, blind)
        let mut found: Vec<(String, String, Option<String>, &str, bool)> = Vec::new();
        for t in &map.touchpoints {
            let (process, blind) = match t.process.as_deref().filter(|p| usable(p)) {
                Some(p) => (Some(p), false),
                None if t.process.is_none() => (similar(map, &t.business, &usable), true),
                None => (None, false),
            };
            if let Some(p) = process {
                found.push((t.business.clone(), t.channel.clone(), t.brand.clone(), p, blind));
            }
        }
        for cell in Matrix::build(map).cells {
            for brand in cell.missing_brands {
                if let Some(p) = similar(map, &cell.business, &usable) {
                    found.push((cell.business.clone(), cell.channel.clone(), Some(brand), p, true));
                }
            }
        }
        found.truncate(usize::from(u16::MAX));
        let processes: Vec<&Process> = library.iter().filter(|p| found.iter().any(|f| f.3 == p.id)).collect();
        let ways: Vec<Way> = found
            .into_iter()
            .map(|(business, channel, brand, p, blind)| Way {
                process: processes.iter().position(|q| q.id == p).unwrap_or(0),
                business,
                channel,
                brand,
                blind,
            })
            .collect();
        let cumulative = weights(&processes, &ways, &Brands::new(map));
        Mix { processes, ways, cumulative }
    }

    /// A way in, by its weight.
    pub(crate) fn draw(&self, rng: &mut Xoshiro256) -> u16 {
        u16::try_from(rng.weighted(&self.cumulative)).unwrap_or(0)
    }

    /// The share of tickets (0 to 1) way `i` gets.
    #[cfg(test)]
    pub(crate) fn share(&self, i: usize) -> f64 {
        let before = if i == 0 { 0 } else { self.cumulative[i - 1] };
        f64::from(self.cumulative[i] - before) / f64::from(self.cumulative.last().copied().unwrap_or(1).max(1))
    }
}

/// The kind share (percent) of a process kind; 0 for a kind [`KIND_SHARES`] does not list.
fn kind_share(kind: &str) -> u64 {
    KIND_SHARES.iter().find(|(k, _)| *k == kind).map_or(0, |(_, s)| u64::from(*s))
}

/// Running totals of the draw weights of `ways` (see the module docs), in integers, so the same
/// map gives the same weights everywhere.
fn weights(processes: &[&Process], ways: &[Way], brands: &Brands) -> Vec<u32> {
    let all_brands = u64::from(brands.total().max(1));
    let way_weight = |w: &Way| {
        u64::from(channel_weight(&w.channel)) * w.brand.as_deref().map_or(all_brands, |b| u64::from(brand_weight(b)))
    };
    let kind = |w: &Way| processes[w.process].kind.as_str();
    let kind_total = |k: &str| ways.iter().filter(|w| kind(w) == k).map(way_weight).sum::<u64>();
    let served: u64 = KIND_SHARES.iter().filter(|(k, _)| kind_total(k) > 0).map(|(_, s)| u64::from(*s)).sum();
    let mut total = 0u32;
    ways.iter()
        .map(|w| {
            // In 128 bits, so no map (however many brands it declares) can overflow the product.
            let within = u128::from(kind_total(kind(w)).max(1)) * u128::from(served.max(1));
            let weight =
                u128::from(kind_share(kind(w))) * u128::from(way_weight(w)) * u128::from(TOTAL_WEIGHT) / within;
            total = total.saturating_add(u32::try_from(weight).unwrap_or(u32::MAX));
            total
        })
        .collect()
}

/// Writes a simulated month of a whole centre as CSV to `out` and says what it wrote.
///
/// Arguments: the library's processes (only the service processes the map sends tickets to are
/// simulated), its touchpoint map and the resolved settings (`cases` is the number of tickets of
/// the whole centre). The columns are those of [`crate::simulate::engine::simulate`] and then
/// `brand`. The same arguments give byte-identical output. Errors with
/// [`SimError::NoTouchpoints`] when the map sends no ticket to a process of `processes`.
///
/// Complexity: O(events written); memory O(processes + ways in + a bounded customer table).
///
/// # Example
/// ```
/// use flowaudit::model::library;
/// use flowaudit::simulate::centre::simulate_centre;
/// use flowaudit::simulate::config::SimConfig;
///
/// let lib = library::load(&["processes".into()]);
/// let cfg = SimConfig::new(200, 7, 0.1, "2026-10").unwrap();
/// let mut out = Vec::new();
/// let summary = simulate_centre(&lib.processes, lib.touchpoints.as_ref().unwrap(), &cfg, &mut out).unwrap();
/// assert_eq!(summary.total.tickets, 200);
/// assert_eq!(summary.by_process.iter().map(|(_, n)| n).sum::<u64>(), 200);
/// assert!(String::from_utf8(out).unwrap().lines().next().unwrap().ends_with(",deviation,brand"));
/// ```
pub fn simulate_centre(
    processes: &[Process],
    map: &TouchpointMap,
    cfg: &SimConfig,
    out: &mut impl Write,
) -> Result<CentreSummary, SimError> {
    let mix = Mix::new(processes, map);
    if mix.ways.is_empty() {
        return Err(SimError::NoTouchpoints);
    }
    let plans: Vec<Plan> = mix.processes.iter().map(|p| Plan::new(p)).collect();
    let mut sims: Vec<ProcessSim<'_>> =
        mix.processes.iter().zip(&plans).map(|(p, plan)| ProcessSim::new(p, plan)).collect();
    let brands = Brands::new(map);
    let mut run = Run::new(cfg, out, Columns::WithBrand)?;
    let (mut by_process, mut blind_spots) = (vec![0u64; sims.len()], 0);
    for i in 0..cfg.cases {
        let mut rng = Xoshiro256::new(cfg.seed, i);
        let arrival = run.arrival(i, &mut rng);
        let (customer, seen) = run.customers.draw(&mut rng, arrival);
        run.summary.repeats += u64::from(seen.is_some());
        let at = seen.unwrap_or_else(|| mix.draw(&mut rng));
        run.customers.remember(&mut rng, customer, arrival, at);
        let way = &mix.ways[usize::from(at)];
        let sim = &mut sims[way.process];
        sim.walk(&mut rng);
        let brand = way.brand.as_deref().unwrap_or_else(|| brands.of(customer));
        let filing = Filing { seq: i, arrival, customer, business: &way.business, channel: &way.channel, brand };
        sim.write(&filing, &mut rng, &mut run)?;
        by_process[way.process] += 1;
        blind_spots += u64::from(way.blind);
    }
    Ok(CentreSummary {
        total: run.finish()?,
        by_process: mix.processes.iter().map(|p| p.id.clone()).zip(by_process).collect(),
        blind_spots,
    })
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use crate::model::library::Library;
    use crate::model::process::{Process, StepId};
    use crate::model::spec::Class;
    use crate::model::touchpoint::{Touchpoint, TouchpointMap};
    use crate::simulate::centre::{KIND_SHARES, Mix, simulate_centre};
    use crate::simulate::config::{SimConfig, SimError};
    use crate::simulate::replay::Acceptor;
    use crate::simulate::testing::bundled;

    fn month(lib: &Library, cases: u64, seed: u64, noise: f64) -> (Vec<u8>, super::CentreSummary) {
        let cfg = SimConfig::new(cases, seed, noise, "2026-10").unwrap();
        let mut out = Vec::new();
        let summary = simulate_centre(&lib.processes, lib.touchpoints.as_ref().unwrap(), &cfg, &mut out).unwrap();
        (out, summary)
    }

    /// The process a ticket system routes (business, channel, brand) to: `Some(None)` at a blind spot
    /// (no process, or a brand the cell leaves out), written without the simulator's code.
    fn route<'m>(map: &'m TouchpointMap, business: &str, channel: &str, brand: &str) -> Option<&'m str> {
        map.touchpoints
            .iter()
            .find(|t| t.business == business && t.channel == channel && t.brand.as_deref().is_none_or(|b| b == brand))
            .and_then(|t| t.process.as_deref())
    }

    /// The step ids of `labels` in `p`, if every label is a step's.
    fn steps(p: &Process, labels: &[String]) -> Option<Vec<StepId>> {
        labels
            .iter()
            .map(|l| p.step_id(&p.steps.iter().find(|s| s.name_zh.as_deref().unwrap_or(&s.name) == l)?.id))
            .collect()
    }

    #[test]
    fn the_bundled_map_gives_the_documented_shares_and_blind_spots() {
        let lib = bundled();
        let mix = Mix::new(&lib.processes, lib.touchpoints.as_ref().unwrap());
        let mut by_kind: BTreeMap<&str, f64> = BTreeMap::new();
        let (mut blind, mut linear) = (BTreeMap::new(), 0.0);
        for (i, w) in mix.ways.iter().enumerate() {
            let p = mix.processes[w.process];
            *by_kind.entry(p.kind.as_str()).or_default() += mix.share(i);
            if w.blind {
                blind.insert((w.business.as_str(), w.channel.as_str()), (p.id.as_str(), mix.share(i)));
            }
            if p.id == "complaint-linear" {
                linear += mix.share(i);
            }
        }
        for (kind, percent) in KIND_SHARES {
            assert!((by_kind[kind] - f64::from(percent) / 100.0).abs() < 1e-6, "{kind}: {by_kind:?}");
        }
        let ids: Vec<_> = blind.iter().map(|(k, v)| (k.0, k.1, v.0)).collect();
        assert_eq!(
            ids,
            [
                ("network-complaint", "sms", "complaint-flat"),
                ("roaming-activation", "app", "acceptance"),
                ("vas-charge-check", "web", "verification"),
            ]
        );
        let total: f64 = blind.values().map(|v| v.1).sum();
        assert!((total - 0.0268).abs() < 0.0005, "blind spots {total}");
        assert!((blind[&("roaming-activation", "app")].1 - 0.0146).abs() < 0.0005);
        assert!((linear / 0.05 - 0.157).abs() < 0.001, "complaint-linear of the complaints {}", linear / 0.05);
        let processes: Vec<&str> = mix.processes.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(
            processes,
            ["acceptance", "complaint-flat", "complaint-linear", "consultation", "query", "verification"],
            "every service process, no management process"
        );
    }

    #[test]
    fn a_month_follows_the_shares_and_every_ticket_its_touchpoint() {
        let lib = bundled();
        let map = lib.touchpoints.as_ref().unwrap();
        let n = 6000;
        let (out, summary) = month(&lib, n, 5, 0.1);
        let share = |c: u64| {
            #[expect(clippy::cast_precision_loss, reason = "small counts")]
            let s = c as f64 / n as f64;
            s
        };
        let kind_of = |id: &str| lib.process(id).unwrap().kind.as_str();
        let mut by_kind: BTreeMap<&str, u64> = BTreeMap::new();
        for (id, c) in &summary.by_process {
            *by_kind.entry(kind_of(id)).or_default() += c;
        }
        for (kind, percent) in KIND_SHARES {
            let want = f64::from(percent) / 100.0;
            assert!((share(by_kind[kind]) - want).abs() < 0.02 + want * 0.05, "{kind}: {}", share(by_kind[kind]));
        }
        assert!((0.018..0.036).contains(&share(summary.blind_spots)), "blind spots {}", share(summary.blind_spots));
        assert!((0.085..0.115).contains(&share(summary.total.deviated)), "noise {}", share(summary.total.deviated));

        let mut r = csv::Reader::from_reader(out.as_slice());
        let header: Vec<String> = r.headers().unwrap().iter().map(str::to_owned).collect();
        assert_eq!(header.last().map(String::as_str), Some("brand"));
        // Per ticket: (business, channel, brand, deviation, activities); rows must be consecutive.
        let mut tickets: Vec<(String, [String; 4], Vec<String>)> = Vec::new();
        let (mut ids, mut last_arrival) = (BTreeSet::new(), String::new());
        for rec in r.records() {
            let rec = rec.unwrap();
            if tickets.last().is_none_or(|t| t.0 != rec[0]) {
                assert!(ids.insert(rec[0].to_owned()), "{} is not unique or its rows not together", &rec[0]);
                assert!(rec[2] >= *last_arrival, "{} arrives before the ticket before it", &rec[0]);
                rec[2].clone_into(&mut last_arrival);
                let fields = [&rec[9], &rec[8], &rec[11], &rec[10]].map(str::to_owned);
                tickets.push((rec[0].to_owned(), fields, Vec::new()));
            }
            tickets.last_mut().unwrap().2.push(rec[1].to_owned());
        }
        assert_eq!(tickets.len(), 6000);
        let services: Vec<&Process> = lib.processes.iter().filter(|p| p.class == Class::Service).collect();
        let (mut blind, mut brands) = (0u64, BTreeMap::<&str, u64>::new());
        for (id, [business, channel, brand, deviation], labels) in &tickets {
            *brands.entry(brand.as_str()).or_default() += 1;
            match route(map, business, channel, brand) {
                Some(p) if deviation.is_empty() => {
                    let p = lib.process(p).unwrap();
                    let trace = steps(p, labels).unwrap_or_else(|| panic!("{id}: {labels:?} are not {}'s", p.id));
                    assert!(Acceptor::new(p).accepts(&trace), "{id} at {business}/{channel}/{brand}: {labels:?}");
                }
                Some(_) => {}
                None => {
                    blind += 1;
                    let runs_of = |p: &&Process| steps(p, labels).is_some_and(|t| Acceptor::new(p).accepts(&t));
                    assert!(
                        !deviation.is_empty() || services.iter().any(runs_of),
                        "{id}: blind-spot labels {labels:?} are no service process's run"
                    );
                }
            }
        }
        assert_eq!(blind, summary.blind_spots, "the routing sees every blind-spot ticket and no other");
        for (brand, want) in [("easyown", 0.5), ("mzone", 0.3), ("gotone", 0.2)] {
            assert!((share(brands[brand]) - want).abs() < 0.025, "{brand}: {}", share(brands[brand]));
        }
        assert_eq!(brands.len(), 3, "every ticket has a brand: {brands:?}");
    }

    #[test]
    fn the_same_seed_gives_the_same_bytes() {
        let lib = bundled();
        let (a, _) = month(&lib, 400, 3, 0.2);
        let (b, _) = month(&lib, 400, 3, 0.2);
        let (c, _) = month(&lib, 400, 4, 0.2);
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn left_out_brands_are_blind_spots_and_unserved_businesses_are_not_simulated() {
        let lib = bundled();
        let mut map = lib.touchpoints.clone().unwrap();
        // Easy Own network complaints by phone lose their touchpoint; a new business has no process.
        map.touchpoints.retain(|t| t.brand.as_deref() != Some("easyown"));
        let span = map.touchpoints[0].span;
        map.touchpoints.push(Touchpoint {
            code: "05-00-B999".into(),
            business: "esim-transfer".into(),
            channel: "app".into(),
            brand: None,
            process: None,
            span,
        });
        let mix = Mix::new(&lib.processes, &map);
        let blind: Vec<_> = mix
            .ways
            .iter()
            .filter(|w| w.blind)
            .map(|w| {
                (w.business.as_str(), w.channel.as_str(), w.brand.as_deref(), mix.processes[w.process].id.as_str())
            })
            .collect();
        assert!(blind.contains(&("network-complaint", "phone", Some("easyown"), "complaint-flat")), "{blind:?}");
        assert!(!blind.iter().any(|w| w.0 == "esim-transfer"), "{blind:?}");
        let cfg = SimConfig::new(10, 1, 0.0, "2026-10").unwrap();
        let none = simulate_centre(&lib.processes, &TouchpointMap::default(), &cfg, &mut Vec::new());
        assert!(matches!(none, Err(SimError::NoTouchpoints)));
    }
}
