//! Who files the simulated tickets, through which touchpoint, and which agents handle them.
//!
//! Owns the customer side and the staffing of a simulation:
//! - `Customers`: fresh customer ids (a seeded bijection, so two fresh tickets never share a
//!   customer by accident) and repeat tickets: with probability [`REPEAT_SHARE`] a ticket comes from
//!   a customer in the bounded table of recent customers ([`RECENT_CAPACITY`] entries, sampled so
//!   that it covers about [`REPEAT_WINDOW_DAYS`] days at any volume), keeping that customer's
//!   business and channel. Memory: O(`RECENT_CAPACITY`), whatever the number of tickets.
//! - `tier`: a customer's star grade (5 to 1 with shares 5/10/15/40/30 %), a pure function of the
//!   customer id, so it never changes between tickets or seeds.
//! - `Touchpoints`: the business x channel touchpoints mapped to the process, each weighted by its
//!   channel ([`channel_weight`]: phone first, e-mail last).
//! - `Brands`: the brands of the touchpoint map, weighted by [`brand_weight`], and each customer's
//!   brand, a pure function of the customer id like the tier (written in a centre's month only).
//! - `Agents`: agent ids per role, `<role>-NNN`: [`FRONT_DESK_AGENTS`] for the roles in
//!   [`FRONT_DESK_ROLES`] (the hotline's agents), [`BACK_OFFICE_AGENTS`] for every other role
//!   (departments, desks and systems, whose "agents" are their staff or server instances).

use crate::model::process::Process;
use crate::model::touchpoint::TouchpointMap;
use crate::simulate::rng::{Xoshiro256, mix, to_unit};

/// Share of tickets filed by a customer who filed one in the last few days (repeat contacts).
pub const REPEAT_SHARE: f64 = 0.06;
/// Size of the table of recent customers repeat tickets are drawn from.
pub const RECENT_CAPACITY: usize = 65_536;
/// The span, in days, the table of recent customers aims to cover.
pub const REPEAT_WINDOW_DAYS: f64 = 3.0;
/// Customer ids run `C00000000` to `C99999999`.
const ID_SPACE: u32 = 100_000_000;
/// Role ids of the hotline's own agents.
pub const FRONT_DESK_ROLES: [&str; 2] = ["frontline", "agent"];
/// Agents in the pool of a role in [`FRONT_DESK_ROLES`].
pub const FRONT_DESK_AGENTS: u32 = 120;
/// Agents in the pool of every other role.
pub const BACK_OFFICE_AGENTS: u32 = 24;
/// Cumulative tier shares in percent, best tier first: 5 stars 5 %, 4 stars 10 %, 3 stars 15 %,
/// 2 stars 40 %, 1 star 30 %.
const TIER_CUTS: [(f64, u8); 5] = [(0.05, 5), (0.15, 4), (0.30, 3), (0.70, 2), (1.0, 1)];
/// Mixed into customer ids before grading, so tiers do not follow id order.
const TIER_SALT: u64 = 0x7469_6572_5f73_616c;
/// Mixed into customer ids before choosing their brand, so brands follow neither id order nor tier.
const BRAND_SALT: u64 = 0x6272_616e_645f_7361;

/// The star grade (5 best, 1 lowest) of customer `id`.
pub(crate) fn tier(id: u32) -> u8 {
    let u = to_unit(mix(u64::from(id) ^ TIER_SALT));
    TIER_CUTS.iter().find(|(cut, _)| u < *cut).map_or(1, |(_, t)| *t)
}

/// The relative weight of a channel (by its id in the touchpoint map).
pub fn channel_weight(channel: &str) -> u32 {
    match channel {
        "phone" => 40,
        "ivr" => 20,
        "app" => 15,
        "web" => 12,
        "sms" => 8,
        "email" => 5,
        _ => 10,
    }
}

/// The relative weight of a brand (by its id in the touchpoint map): `easyown` (神州行, the
/// prepaid mass brand) 50, `mzone` (动感地带, the youth brand) 30, `gotone` (全球通, the high-value
/// brand) 20, any other 30. On the bundled map: half, 30 % and 20 % of the customers.
pub fn brand_weight(brand: &str) -> u32 {
    match brand {
        "easyown" => 50,
        "gotone" => 20,
        _ => 30,
    }
}

/// The brands of a touchpoint map with their weights, and the brand of each customer.
#[derive(Debug, Clone, Default)]
pub(crate) struct Brands {
    ids: Vec<String>,
    cumulative: Vec<u32>,
}

impl Brands {
    /// The brands `map` declares, in file order.
    pub(crate) fn new(map: &TouchpointMap) -> Brands {
        let mut b = Brands::default();
        for brand in &map.brands {
            let total = b.total() + brand_weight(&brand.id);
            b.ids.push(brand.id.clone());
            b.cumulative.push(total);
        }
        b
    }

    /// The weight of every brand together (0 without brands).
    pub(crate) fn total(&self) -> u32 {
        self.cumulative.last().copied().unwrap_or(0)
    }

    /// The brand of customer `id` (empty without brands): a pure function of the id, so a customer
    /// keeps their brand on every ticket, with the shares of [`brand_weight`].
    pub(crate) fn of(&self, id: u32) -> &str {
        let total = u64::from(self.total());
        if total == 0 {
            return "";
        }
        let x = mix(u64::from(id) ^ BRAND_SALT) % total;
        let at = self.cumulative.iter().position(|&c| x < u64::from(c)).unwrap_or(0);
        &self.ids[at]
    }
}

/// A customer remembered for repeat tickets.
#[derive(Debug, Clone, Copy)]
struct Recent {
    id: u32,
    at: i64,
    touchpoint: u16,
}

/// The customers of a simulation: fresh ones and a bounded table of recent ones.
#[derive(Debug)]
pub(crate) struct Customers {
    recent: Vec<Recent>,
    capacity: usize,
    next_slot: usize,
    keep: f64,
    fresh: u32,
    key: u32,
}

/// A bijection of [0, 2^27): odd multiplications and xor-shifts, each invertible modulo 2^27.
fn scramble(x: u32, key: u32) -> u32 {
    const M: u32 = (1 << 27) - 1;
    let mut x = (x ^ key) & M;
    x = x.wrapping_mul(0x0052_4C2D) & M;
    x ^= x >> 14;
    x = x.wrapping_mul(0x0161_59A3) & M;
    x ^= x >> 13;
    x = x.wrapping_add(key >> 5) & M;
    x
}

impl Customers {
    /// The customers of a run of `n` tickets over `days` days, for `seed`.
    pub(crate) fn new(seed: u64, n: u64, days: u32) -> Customers {
        #[expect(clippy::cast_precision_loss, reason = "ticket counts far below 2^53")]
        let per_window = n as f64 * REPEAT_WINDOW_DAYS / f64::from(days.max(1));
        // The table holds about the last few days' customers: all of them at low volume, a sample
        // of RECENT_CAPACITY at high volume.
        #[expect(clippy::cast_precision_loss, reason = "a small constant")]
        let keep = (RECENT_CAPACITY as f64 / per_window).min(1.0);
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss,
            reason = "clamped to the capacity, a small constant"
        )]
        let capacity = per_window.ceil().clamp(1.0, RECENT_CAPACITY as f64) as usize;
        #[expect(clippy::cast_possible_truncation, reason = "27 bits are enough for the key")]
        let key = (mix(seed ^ 0x6375_7374) as u32) & ((1 << 27) - 1);
        Customers { recent: Vec::new(), capacity, next_slot: 0, keep, fresh: 0, key }
    }

    /// A customer for a ticket arriving at `now`: `(id, Some(touchpoint))` for a repeat ticket of a
    /// recent customer, `(id, None)` for a customer not seen in the table.
    pub(crate) fn draw(&mut self, rng: &mut Xoshiro256, now: i64) -> (u32, Option<u16>) {
        if !self.recent.is_empty() && rng.chance(REPEAT_SHARE) {
            let r = self.recent[rng.index(self.recent.len())];
            if now - r.at <= 7 * 86_400 {
                return (r.id, Some(r.touchpoint));
            }
        }
        (self.next_fresh(), None)
    }

    /// The next fresh customer id (unique for the first 10^8 fresh customers).
    fn next_fresh(&mut self) -> u32 {
        let mut x = scramble(self.fresh % ID_SPACE, self.key);
        self.fresh = self.fresh.wrapping_add(1);
        // Cycle-walk: re-scramble until inside the id space (1.34 rounds on average), which keeps
        // the map a bijection of the id space.
        while x >= ID_SPACE {
            x = scramble(x, self.key);
        }
        x
    }

    /// Remembers that customer `id` filed a ticket through `touchpoint` at `now` (sampled so that
    /// the table covers a few days).
    pub(crate) fn remember(&mut self, rng: &mut Xoshiro256, id: u32, now: i64, touchpoint: u16) {
        if !rng.chance(self.keep) {
            return;
        }
        let r = Recent { id, at: now, touchpoint };
        if self.recent.len() < self.capacity {
            self.recent.push(r);
        } else {
            self.recent[self.next_slot] = r;
            self.next_slot = (self.next_slot + 1) % self.capacity;
        }
    }
}

/// The touchpoints a process serves: (business, channel) ids, with channel weights.
#[derive(Debug, Clone, Default)]
pub(crate) struct Touchpoints {
    /// (business, channel), in map order, each cell once.
    pub(crate) cells: Vec<(String, String)>,
    cumulative: Vec<u32>,
}

impl Touchpoints {
    /// The touchpoints of `map` mapped to `process_id` (none without a map).
    pub(crate) fn new(map: Option<&TouchpointMap>, process_id: &str) -> Touchpoints {
        let mut t = Touchpoints::default();
        let Some(map) = map else { return t };
        for tp in map.touchpoints.iter().filter(|tp| tp.process.as_deref() == Some(process_id)) {
            let cell = (tp.business.clone(), tp.channel.clone());
            // Brand-specific touchpoints of one cell are one way in for the simulation.
            if !t.cells.contains(&cell) && t.cells.len() < usize::from(u16::MAX) {
                let total = t.cumulative.last().copied().unwrap_or(0) + channel_weight(&cell.1);
                t.cells.push(cell);
                t.cumulative.push(total);
            }
        }
        t
    }

    /// A touchpoint index, or `None` when the process serves none.
    pub(crate) fn draw(&self, rng: &mut Xoshiro256) -> Option<u16> {
        if self.cells.is_empty() { None } else { u16::try_from(rng.weighted(&self.cumulative)).ok() }
    }
}

/// The agent ids of every role of a process.
#[derive(Debug, Clone)]
pub(crate) struct Agents {
    /// Per role, its agents' ids.
    pub(crate) pools: Vec<Vec<String>>,
}

impl Agents {
    /// The pools of `process`.
    pub(crate) fn new(process: &Process) -> Agents {
        let pools = process
            .roles
            .iter()
            .map(|r| {
                let size =
                    if FRONT_DESK_ROLES.contains(&r.id.as_str()) { FRONT_DESK_AGENTS } else { BACK_OFFICE_AGENTS };
                (1..=size).map(|k| format!("{}-{k:03}", r.id)).collect()
            })
            .collect();
        Agents { pools }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use crate::simulate::population::{Brands, Customers, ID_SPACE, Touchpoints, scramble, tier};
    use crate::simulate::rng::Xoshiro256;
    use crate::simulate::testing::bundled;

    #[test]
    fn scramble_is_a_bijection() {
        let mut all = BTreeSet::new();
        for x in 0..200_000 {
            assert!(all.insert(scramble(x, 12345)), "{x} collides");
        }
        assert!(all.iter().all(|x| *x < 1 << 27));
    }

    #[test]
    fn tiers_have_the_documented_shares() {
        let mut counts = [0u32; 6];
        for id in 0..200_000 {
            counts[tier(id) as usize] += 1;
        }
        for (t, share) in [(5, 0.05), (4, 0.10), (3, 0.15), (2, 0.40), (1, 0.30)] {
            let got = f64::from(counts[t]) / 200_000.0;
            assert!((got - share).abs() < 0.005, "{t} stars: {got}");
        }
    }

    #[test]
    fn brands_have_the_documented_shares_and_follow_the_customer() {
        let lib = bundled();
        let brands = Brands::new(lib.touchpoints.as_ref().unwrap());
        let mut counts: BTreeMap<&str, u32> = BTreeMap::new();
        for id in 0..100_000 {
            *counts.entry(brands.of(id)).or_default() += 1;
            assert_eq!(brands.of(id), brands.of(id));
        }
        for (brand, share) in [("easyown", 0.5), ("mzone", 0.3), ("gotone", 0.2)] {
            let got = f64::from(counts[brand]) / 100_000.0;
            assert!((got - share).abs() < 0.01, "{brand}: {got}");
        }
        assert_eq!(counts.len(), 3);
        assert_eq!(Brands::default().of(7), "", "no brands declared, no brand");
    }

    #[test]
    fn repeat_customers_come_back_within_days() {
        let n = 100_000u64;
        let mut c = Customers::new(3, n, 31);
        let mut rng = Xoshiro256::new(3, 0);
        let mut last_seen = BTreeMap::new();
        let (mut repeats, mut gaps) = (0, 0);
        for i in 0..n {
            let now = i64::try_from(i).unwrap() * 26; // 100,000 tickets over 30 days
            let (id, tp) = c.draw(&mut rng, now);
            assert!(id < ID_SPACE);
            if let Some(before) = last_seen.insert(id, now) {
                repeats += 1;
                assert!(tp.is_some(), "a fresh id was used twice");
                assert!(now - before <= 7 * 86_400, "a repeat after {} s", now - before);
                gaps += now - before;
            }
            c.remember(&mut rng, id, now, 0);
        }
        let share = f64::from(repeats) / 100_000.0;
        assert!((0.05..0.07).contains(&share), "{share}");
        let mean_gap_days = f64::from(i32::try_from(gaps / i64::from(repeats)).unwrap()) / 86_400.0;
        assert!((0.5..2.5).contains(&mean_gap_days), "{mean_gap_days}");
    }

    #[test]
    fn touchpoints_of_the_linear_complaint_process() {
        let lib = bundled();
        let t = Touchpoints::new(lib.touchpoints.as_ref(), "complaint-linear");
        assert_eq!(t.cells, [("network-complaint".to_owned(), "phone".to_owned())]);
        assert!(Touchpoints::new(lib.touchpoints.as_ref(), "kpi-review").cells.is_empty());
        assert!(Touchpoints::new(None, "complaint-linear").draw(&mut Xoshiro256::new(1, 1)).is_none());
    }
}
