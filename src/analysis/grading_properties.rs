//! Property tests of customer grading on random populations (duplicate listings, unknown
//! customers, bills before joining, split bills, random cut-point shares): more value never means
//! fewer stars; each tier's population matches its cut point up to ties and the rounding of the
//! threshold; the outcome does not depend on the order of the rows.

use proptest::prelude::*;

use crate::analysis::grading::{BillRow, Grading, Inputs, Listing, Month, grade};
use crate::model::grading_rules::GradingRules;

fn month(k: i32) -> Month {
    Month::new(2019, 1).unwrap().plus(k)
}

fn graded_month() -> Month {
    Month::new(2026, 4).unwrap()
}

/// Listings of up to 30 ids joined 2019-01..2026-06, and bills of up to 32 ids (two unknown)
/// for 2024-01..2026-06, 0 to 600 yuan.
fn population() -> impl Strategy<Value = (Vec<Listing>, Vec<BillRow>)> {
    let listing = (0u8..30, 0i32..90);
    let bill = (0u8..32, 60i32..90, 0u64..60_000);
    (prop::collection::vec(listing, 0..45), prop::collection::vec(bill, 0..400)).prop_map(|(ls, bs)| {
        let listings = ls
            .into_iter()
            .enumerate()
            .map(|(i, (id, k))| Listing { customer_id: format!("c{id:02}"), joined: month(k), line: i as u64 + 2 })
            .collect();
        let bills = bs
            .into_iter()
            .enumerate()
            .map(|(i, (id, k, fen))| BillRow {
                customer_id: format!("c{id:02}"),
                month: month(k),
                fen,
                line: i as u64 + 2,
            })
            .collect();
        (listings, bills)
    })
}

/// Four strictly increasing cumulative shares in (0, 1].
fn shares() -> impl Strategy<Value = [u32; 4]> {
    prop::collection::btree_set(1u32..=1_000_000, 4).prop_map(|s| {
        let v: Vec<u32> = s.into_iter().collect();
        [v[0], v[1], v[2], v[3]]
    })
}

fn run(rules: &GradingRules, listings: Vec<Listing>, bills: Vec<BillRow>) -> Grading {
    let inputs = Inputs {
        customers_file: "customers.csv".into(),
        bills_file: "bills.csv".into(),
        customer_rows: listings.len() as u64,
        bill_rows: bills.len() as u64,
        listings,
        bills,
        rejected: Vec::new(),
    };
    grade(rules, graded_month(), &inputs)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn more_value_never_means_fewer_stars((listings, bills) in population(), shares in shares()) {
        let rules = GradingRules { shares_ppm: shares, ..GradingRules::ours() };
        let g = run(&rules, listings, bills);
        for a in &g.grades {
            for b in &g.grades {
                if a.value_milli > b.value_milli {
                    prop_assert!(a.stars >= b.stars, "{a:?} has fewer stars than {b:?}");
                }
                if a.value_milli == b.value_milli {
                    prop_assert_eq!(a.stars, b.stars);
                }
            }
        }
        prop_assert_eq!(g.grades.len() + g.ungraded.len(), usize::try_from(g.customers.customers).unwrap());
        prop_assert_eq!((1..=5).map(|s| g.count(s)).sum::<usize>(), g.grades.len());
    }

    #[test]
    fn tiers_follow_the_cut_points_up_to_ties_and_rounding((listings, bills) in population(), shares in shares()) {
        let rules = GradingRules { shares_ppm: shares, ..GradingRules::ours() };
        let g = run(&rules, listings, bills);
        let mut desc: Vec<u128> = g.grades.iter().map(|x| x.value_milli).collect();
        desc.sort_unstable_by(|a, b| b.cmp(a));
        for c in &g.cut_points {
            let n = desc.len();
            // The rank is ceil(share x N), 1-based.
            prop_assert!(c.rank >= 1 && c.rank <= n);
            prop_assert!(c.rank as u128 * 1_000_000 >= u128::from(c.share_ppm) * n as u128);
            prop_assert!((c.rank as u128 - 1) * 1_000_000 < u128::from(c.share_ppm) * n as u128);
            prop_assert_eq!(c.value_milli, desc[c.rank - 1]);
            // The threshold is within 5 points of the value at the rank, and a multiple of 10.
            prop_assert!(c.threshold % 10 == 0);
            prop_assert!((i128::from(c.threshold) * 1000 - i128::try_from(c.value_milli).unwrap()).abs() <= 5_000);
            let at_least = g.grades.iter().filter(|x| x.stars >= c.stars).count();
            // With a threshold equal to the value at the rank, the tier and those above hold
            // exactly the customers ranked up to the cut point and those tied with the last of them.
            let ties = desc.iter().filter(|&&v| v >= c.value_milli).count();
            if u128::from(c.threshold) * 1000 == c.value_milli {
                prop_assert!(at_least >= c.rank);
                prop_assert_eq!(at_least, ties);
            }
            // Whatever the rounding: nobody 5 points or more above the value at the rank is
            // below the tier, nobody more than 5 points below it is in it.
            for x in &g.grades {
                if x.value_milli >= c.value_milli + 5_000 {
                    prop_assert!(x.stars >= c.stars);
                }
                if x.value_milli + 5_000 < c.value_milli {
                    prop_assert!(x.stars < c.stars);
                }
            }
        }
    }

    #[test]
    fn row_order_does_not_matter(
        (listings, bills, l2, b2) in population().prop_flat_map(|(l, b)| {
            (Just(l.clone()), Just(b.clone()), Just(l).prop_shuffle(), Just(b).prop_shuffle())
        })
    ) {
        let rules = GradingRules::ours();
        prop_assert_eq!(run(&rules, listings, bills), run(&rules, l2, b2));
    }
}

/// Values that are multiples of 10 points make the rounding exact: each tier and those above it
/// then hold exactly the customers up to the cut point plus the ties of the last of them.
#[test]
fn round_values_fill_tiers_exactly_up_to_ties() {
    // 20 customers of 12+ months and coefficient 1.0 (a one-band table); values 200, 190, ...
    // with a tie at rank 3 and 4 (the 15 % cut point).
    let rules = GradingRules::parse("tenure_coefficients: [{from_months: 6, coefficient: 1.0}]", "g").unwrap();
    let yuan = [200, 190, 180, 180, 160, 150, 140, 130, 120, 110, 100, 90, 80, 70, 60, 50, 40, 30, 20, 10];
    let mut listings = Vec::new();
    let mut bills = Vec::new();
    for (i, y) in yuan.iter().enumerate() {
        let id = format!("c{i:02}");
        listings.push(Listing { customer_id: id.clone(), joined: month(0), line: i as u64 + 2 });
        for k in 0..12 {
            bills.push(BillRow { customer_id: id.clone(), month: month(75 + k), fen: y * 100, line: 0 });
        }
    }
    let g = run(&rules, listings, bills);
    assert_eq!(g.thresholds(), Some([200, 180, 150, 70]));
    assert_eq!([5, 4, 3, 2, 1].map(|s| g.count(s)), [1, 3, 2, 8, 6], "the tie at rank 3 takes rank 4 along");
}
