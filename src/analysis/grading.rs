//! Customer grading (客户星级, seed 000): five tiers, five-star to one-star, by composite value =
//! ARPU score x tenure coefficient, with thresholds taken at cumulative cut points of the ranked
//! population.
//!
//! Owns [`grade`] and what it needs and returns: [`Month`], the input rows ([`Listing`],
//! [`BillRow`], [`Inputs`], [`Rejection`]) and the result ([`Grading`], [`Grade`], [`Ungraded`],
//! [`CutPoint`]). Pure: rules and rows in, grades out; reading the CSV files is
//! `analysis::grading_input`, writing the report is `report::grading`. Every quantity is an
//! integer (bills in fen, coefficients and values in thousandths, shares in parts per million),
//! so every rounding is exact. The definitions, with a worked example, are in `docs/grading.md`;
//! in short, for graded month `M`:
//!
//! - **tenure** = months from the joining month to the month before `M`, both counted:
//!   `M - joining month` (joined 2025-04-30, graded 2026-04: 12 months; joined in `M`: 0);
//! - **window** = the last `min(12, tenure)` months before `M` (for tenures of 6-11 months, the
//!   joining month to the month before `M`); a month without a bill counts as 0 yuan;
//! - **ARPU** = the window's bills / its months, rounded half up to whole yuan (112.5 -> 113),
//!   one point per yuan; **value** = ARPU x the coefficient of the tenure, exact;
//! - customers with a tenure below the table's first band (6 months by default) are not graded
//!   and are listed apart ([`Ungraded`]); so are customers who joined after `M`;
//! - a customer listed several times (several numbers, a re-join) is graded on each listing and
//!   keeps the highest value, hence the highest tier, and is ranked once;
//! - **thresholds**: rank the N graded customers by value, highest first; for each cumulative
//!   share `p` the threshold is the value at rank `ceil(p x N)` (1-based), rounded half up to a
//!   multiple of 10; a customer with value >= the five-star threshold has five stars, else >= the
//!   four-star one four, ... , else one star (a value equal to a threshold takes the higher tier).
//!
//! Cost: O((listings + bills) log customers) time, O(customers + customer-months) memory.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;

use crate::model::grading_rules::GradingRules;

/// The months averaged for ARPU (seed 000: the last 12).
pub const ARPU_MONTHS: u32 = 12;

/// Thresholds are rounded half up to a multiple of this many points (seed 000: 10).
pub const THRESHOLD_MULTIPLE: u64 = 10;

/// A calendar month, `YYYY-MM`, years 1 to 9999.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(i32);

impl Month {
    /// The month `number` (1-12) of `year` (1-9999).
    pub fn new(year: i32, number: u32) -> Option<Month> {
        let n = i32::try_from(number).ok().filter(|n| (1..=12).contains(n))?;
        (1..=9999).contains(&year).then_some(Month(year * 12 + n - 1))
    }

    /// Parses `YYYY-MM` (four digits, a dash, two digits; months 01-12).
    ///
    /// ```
    /// use flowaudit::analysis::grading::Month;
    /// assert_eq!(Month::parse("2026-04").unwrap().to_string(), "2026-04");
    /// assert!(Month::parse("2026-4").is_none() && Month::parse("2026-13").is_none());
    /// ```
    pub fn parse(text: &str) -> Option<Month> {
        let b = text.as_bytes();
        if b.len() != 7 || b[4] != b'-' {
            return None;
        }
        let year = text.get(..4).filter(|s| s.bytes().all(|c| c.is_ascii_digit()))?.parse().ok()?;
        let month = text.get(5..).filter(|s| s.bytes().all(|c| c.is_ascii_digit()))?.parse().ok()?;
        Month::new(year, month)
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.0.div_euclid(12)
    }

    /// The month number, 1-12.
    pub fn number(self) -> u32 {
        self.0.rem_euclid(12).unsigned_abs() + 1
    }

    /// The month `n` months later (earlier for negative `n`).
    #[must_use]
    pub fn plus(self, n: i32) -> Month {
        Month(self.0 + n)
    }

    /// Months from `earlier` to `self` (negative when `earlier` is later).
    pub fn since(self, earlier: Month) -> i32 {
        self.0 - earlier.0
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.number())
    }
}

impl Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Which input file a row came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InputFile {
    /// `--customers`.
    Customers,
    /// `--bills`.
    Bills,
}

/// Why a row was not used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RejectReason {
    /// The row has another number of fields than the header.
    WrongFieldCount,
    /// The customer id is empty.
    MissingCustomerId,
    /// The joining date is empty or not a date (customers file).
    BadJoined,
    /// The bill's month is empty or not a month.
    BadMonth,
    /// The amount is empty, negative, not a number, finer than a fen or implausibly large.
    BadAmount,
    /// A bill for a customer id the customers file does not list.
    UnknownCustomer,
    /// A bill for a customer whose every customers-file row was rejected.
    CustomerRejected,
    /// A bill for a month before the customer's (earliest) joining month.
    BillBeforeJoining,
}

impl RejectReason {
    /// Its kebab-case name, as in JSON and the rejects file.
    pub fn as_str(self) -> &'static str {
        match self {
            RejectReason::WrongFieldCount => "wrong-field-count",
            RejectReason::MissingCustomerId => "missing-customer-id",
            RejectReason::BadJoined => "bad-joined",
            RejectReason::BadMonth => "bad-month",
            RejectReason::BadAmount => "bad-amount",
            RejectReason::UnknownCustomer => "unknown-customer",
            RejectReason::CustomerRejected => "customer-rejected",
            RejectReason::BillBeforeJoining => "bill-before-joining",
        }
    }
}

/// A row that was read but not used, and where it is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Rejection {
    /// The file.
    pub file: InputFile,
    /// Its line (1-based, the header is line 1; a record's first line).
    pub line: u64,
    /// Why.
    pub reason: RejectReason,
    /// The row's customer id, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// What exactly was wrong.
    pub detail: String,
}

/// One row of the customers file: a customer id and the month it joined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    /// The customer id.
    pub customer_id: String,
    /// The joining month (the day is not used).
    pub joined: Month,
    /// Its line.
    pub line: u64,
}

/// One row of the bills file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillRow {
    /// The customer id.
    pub customer_id: String,
    /// The billed month.
    pub month: Month,
    /// The amount in fen (1/100 yuan).
    pub fen: u64,
    /// Its line.
    pub line: u64,
}

/// Everything read from the two files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inputs {
    /// The customers file, as the user named it.
    pub customers_file: String,
    /// The bills file, as the user named it.
    pub bills_file: String,
    /// Data rows read from the customers file (accepted and rejected).
    pub customer_rows: u64,
    /// Data rows read from the bills file (accepted and rejected).
    pub bill_rows: u64,
    /// The customers file's readable rows.
    pub listings: Vec<Listing>,
    /// The bills file's readable rows.
    pub bills: Vec<BillRow>,
    /// Rows rejected while reading.
    pub rejected: Vec<Rejection>,
}

/// One graded customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grade {
    /// The customer id.
    pub customer_id: String,
    /// The joining month of the listing that gave the grade.
    pub joined: Month,
    /// Its tenure in months.
    pub tenure_months: u32,
    /// Months averaged for the ARPU (`min(12, tenure)`).
    pub window_months: u32,
    /// The window's bills, in fen.
    pub billed_fen: u128,
    /// ARPU in whole yuan (= points), rounded half up.
    pub arpu: u64,
    /// The tenure coefficient, thousandths.
    pub coefficient_milli: u32,
    /// ARPU x coefficient, thousandths of a point.
    pub value_milli: u128,
    /// 1 to 5.
    pub stars: u8,
    /// How many times the customers file lists the customer.
    pub listings: u32,
}

/// Why a customer listed is not graded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UngradedReason {
    /// Tenure below the table's first band (6 months by default): the seed's ARPU rule covers
    /// only longer tenures.
    ShortTenure,
    /// Joined after the graded month.
    JoinedAfterMonth,
}

impl UngradedReason {
    /// Its kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            UngradedReason::ShortTenure => "short-tenure",
            UngradedReason::JoinedAfterMonth => "joined-after-month",
        }
    }
}

/// A customer listed but not graded (not ranked, no tier).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ungraded {
    /// The customer id.
    pub customer_id: String,
    /// The joining month of its longest-standing listing.
    pub joined: Month,
    /// Its tenure, when it joined before or in the graded month.
    pub tenure_months: Option<u32>,
    /// Why.
    pub reason: UngradedReason,
}

/// One cut point: the share, the rank it falls on, the value there and the threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CutPoint {
    /// The tier whose threshold this is (5, 4, 3, 2).
    pub stars: u8,
    /// The cumulative share, parts per million.
    pub share_ppm: u32,
    /// `ceil(share x N)`, 1-based.
    pub rank: usize,
    /// The value at that rank, thousandths.
    pub value_milli: u128,
    /// The value rounded half up to a multiple of 10 points.
    pub threshold: u64,
}

/// Row counts of the customers file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CustomerCounts {
    /// Data rows read.
    pub rows: u64,
    /// Rows rejected.
    pub rejected: u64,
    /// Distinct customer ids of the accepted rows.
    pub customers: u64,
    /// Customer ids with more than one accepted row.
    pub listed_more_than_once: u64,
}

/// Row counts of the bills file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct BillCounts {
    /// Data rows read.
    pub rows: u64,
    /// Rows rejected.
    pub rejected: u64,
    /// Accepted rows for months outside the 12 months before the graded month (not used).
    pub outside_window: u64,
    /// Customer-months billed on more than one row (their amounts are summed).
    pub summed_customer_months: u64,
}

/// The outcome of grading one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grading {
    /// The graded month.
    pub month: Month,
    /// The customers file.
    pub customers_file: String,
    /// The bills file.
    pub bills_file: String,
    /// Graded customers, by customer id.
    pub grades: Vec<Grade>,
    /// Customers listed but not graded, by customer id.
    pub ungraded: Vec<Ungraded>,
    /// The four cut points (five, four, three, two stars); empty when nobody is graded.
    pub cut_points: Vec<CutPoint>,
    /// Every rejected row, by file then line.
    pub rejected: Vec<Rejection>,
    /// The customers file's counts.
    pub customers: CustomerCounts,
    /// The bills file's counts.
    pub bills: BillCounts,
}

impl Grading {
    /// The thresholds for five, four, three and two stars, when anybody is graded.
    pub fn thresholds(&self) -> Option<[u64; 4]> {
        let t: Vec<u64> = self.cut_points.iter().map(|c| c.threshold).collect();
        t.try_into().ok()
    }

    /// How many customers have `stars`.
    pub fn count(&self, stars: u8) -> usize {
        self.grades.iter().filter(|g| g.stars == stars).count()
    }

    /// The first months of the ARPU window of 12 months and its last (the month before `month`).
    pub fn window(&self) -> (Month, Month) {
        (self.month.plus(-12), self.month.plus(-1))
    }
}

/// ARPU in whole yuan: `billed_fen / months / 100`, rounded half up (2.5 yuan -> 3, 2.49 -> 2).
///
/// ```
/// use flowaudit::analysis::grading::arpu;
/// assert_eq!((arpu(135_000, 12), arpu(29_900, 12), arpu(0, 6)), (113, 25, 0));
/// ```
pub fn arpu(billed_fen: u128, months: u32) -> u64 {
    let n = u128::from(months.max(1));
    u64::try_from((2 * billed_fen + 100 * n) / (200 * n)).unwrap_or(u64::MAX)
}

/// A value (thousandths of a point) rounded half up to a multiple of [`THRESHOLD_MULTIPLE`]
/// points: 125 -> 130, 124.9 -> 120, 64 -> 60.
pub fn round_threshold(value_milli: u128) -> u64 {
    let step = u128::from(THRESHOLD_MULTIPLE) * 1000;
    u64::try_from((value_milli + step / 2) / step * u128::from(THRESHOLD_MULTIPLE)).unwrap_or(u64::MAX)
}

/// The 1-based rank of the cut point at `share_ppm` among `n` ranked customers: `ceil(share x n)`,
/// at least 1 and at most `n` (`n` >= 1). With 20 customers the seed's shares fall on ranks 1, 3,
/// 6 and 14; with 7 on 1, 2, 3 and 5.
pub fn cut_rank(share_ppm: u32, n: usize) -> usize {
    let n128 = n as u128;
    let k = (u128::from(share_ppm) * n128).div_ceil(1_000_000);
    usize::try_from(k).unwrap_or(n).clamp(1, n.max(1))
}

/// The cut points of the values `desc` (sorted highest first) at the cumulative `shares` (parts
/// per million); empty for no value.
///
/// Cost: O(1) on sorted values.
pub fn cut_points(desc: &[u128], shares: &[u32; 4]) -> Vec<CutPoint> {
    if desc.is_empty() {
        return Vec::new();
    }
    (0u8..4)
        .map(|i| {
            let share_ppm = shares[usize::from(i)];
            let rank = cut_rank(share_ppm, desc.len());
            let value_milli = desc[rank - 1];
            CutPoint { stars: 5 - i, share_ppm, rank, value_milli, threshold: round_threshold(value_milli) }
        })
        .collect()
}

/// The tier of `value_milli` under thresholds for five, four, three and two stars: the highest
/// tier whose threshold the value reaches (equal counts), else one star.
pub fn stars(value_milli: u128, thresholds: &[u64; 4]) -> u8 {
    let mut tier = 5u8;
    for t in thresholds {
        if value_milli >= u128::from(*t) * 1000 {
            return tier;
        }
        tier -= 1;
    }
    1
}

/// Per customer-month: the sum of its bills in fen and how many rows it came from.
type Sums<'i> = BTreeMap<(&'i str, Month), (u128, u32)>;

/// What one listing gives before ranking.
struct Scored {
    joined: Month,
    tenure: u32,
    window: u32,
    billed: u128,
    arpu: u64,
    coefficient: u32,
    value: u128,
}

/// Grades the customers of `inputs` for `month` under `rules`.
///
/// Cross-file checks happen here: a bill for a customer id no accepted row lists is rejected
/// (`unknown-customer`, or `customer-rejected` when its rows were rejected), and so is a bill for
/// a month before the customer's earliest joining month (`bill-before-joining`). Several bill
/// rows for one customer-month are summed (a bill split across accounts or items) and counted.
/// The result does not depend on the order of the rows.
///
/// Cost: O((listings + bills) log customers).
///
/// # Example
/// ```
/// use flowaudit::analysis::grading::{grade, BillRow, Inputs, Listing, Month};
/// use flowaudit::model::grading_rules::GradingRules;
/// let m = |s| Month::parse(s).unwrap();
/// let listings = vec![Listing { customer_id: "C1".into(), joined: m("2020-01"), line: 2 }];
/// let bills = (1..=12).map(|i| BillRow { customer_id: "C1".into(), month: m("2025-04").plus(i - 1), fen: 8_800, line: 1 + i as u64 }).collect();
/// let g = grade(&GradingRules::ours(), m("2026-04"), &Inputs { listings, bills, ..Inputs::default() });
/// assert_eq!((g.grades[0].arpu, g.grades[0].value_milli, g.grades[0].stars), (88, 132_000, 5));
/// assert_eq!(g.thresholds(), Some([130, 130, 130, 130]));
/// ```
pub fn grade(rules: &GradingRules, month: Month, inputs: &Inputs) -> Grading {
    let mut rejected = inputs.rejected.clone();
    let mut by_customer: BTreeMap<&str, Vec<&Listing>> = BTreeMap::new();
    for l in &inputs.listings {
        by_customer.entry(l.customer_id.as_str()).or_default().push(l);
    }
    let (sums, outside_window) = sum_bills(month, inputs, &by_customer, &mut rejected);
    let summed_customer_months = sums.values().filter(|(_, rows)| *rows > 1).count() as u64;

    let mut best: Vec<(&str, Scored, u32)> = Vec::new();
    let mut ungraded = Vec::new();
    for (id, listings) in &by_customer {
        let scored = listings.iter().filter_map(|l| score(rules, month, id, l.joined, &sums));
        // The highest value; of equal values the longer tenure (an order-free choice).
        let top = scored.max_by(|a, b| (a.value, a.tenure).cmp(&(b.value, b.tenure)));
        let count = u32::try_from(listings.len()).unwrap_or(u32::MAX);
        match top {
            Some(s) => best.push((id, s, count)),
            None => ungraded.push(not_graded(id, month, listings)),
        }
    }

    let mut desc: Vec<u128> = best.iter().map(|(_, s, _)| s.value).collect();
    desc.sort_unstable_by(|a, b| b.cmp(a));
    let cuts = cut_points(&desc, &rules.shares_ppm);
    let thresholds: [u64; 4] = cuts.iter().map(|c| c.threshold).collect::<Vec<_>>().try_into().unwrap_or([0; 4]);
    let grades = best
        .into_iter()
        .map(|(id, s, listings)| Grade {
            customer_id: id.to_owned(),
            joined: s.joined,
            tenure_months: s.tenure,
            window_months: s.window,
            billed_fen: s.billed,
            arpu: s.arpu,
            coefficient_milli: s.coefficient,
            value_milli: s.value,
            stars: stars(s.value, &thresholds),
            listings,
        })
        .collect();

    rejected.sort();
    let count_of = |file| rejected.iter().filter(|r| r.file == file).count() as u64;
    let customers = CustomerCounts {
        rows: inputs.customer_rows,
        rejected: count_of(InputFile::Customers),
        customers: by_customer.len() as u64,
        listed_more_than_once: by_customer.values().filter(|l| l.len() > 1).count() as u64,
    };
    let bills = BillCounts {
        rows: inputs.bill_rows,
        rejected: count_of(InputFile::Bills),
        outside_window,
        summed_customer_months,
    };
    Grading {
        month,
        customers_file: inputs.customers_file.clone(),
        bills_file: inputs.bills_file.clone(),
        grades,
        ungraded,
        cut_points: cuts,
        rejected,
        customers,
        bills,
    }
}

/// The accepted bills summed per customer-month, and how many of them are for months outside the
/// 12 before `month`; bills of unknown or rejected customers and bills before joining go to
/// `rejected` instead.
fn sum_bills<'i>(
    month: Month,
    inputs: &'i Inputs,
    by_customer: &BTreeMap<&str, Vec<&Listing>>,
    rejected: &mut Vec<Rejection>,
) -> (Sums<'i>, u64) {
    let rejected_ids: BTreeSet<&str> = inputs
        .rejected
        .iter()
        .filter(|r| r.file == InputFile::Customers)
        .filter_map(|r| r.customer_id.as_deref())
        .collect();
    let (first, last) = (month.plus(-12), month.plus(-1));
    let mut sums = Sums::new();
    let mut outside_window = 0u64;
    for b in &inputs.bills {
        let id = b.customer_id.as_str();
        let Some(listings) = by_customer.get(id) else {
            let (reason, detail) = if rejected_ids.contains(id) {
                (
                    RejectReason::CustomerRejected,
                    format!("customer `{id}`: its rows in the customers file were rejected"),
                )
            } else {
                (RejectReason::UnknownCustomer, format!("customer `{id}` is not in {}", inputs.customers_file))
            };
            rejected.push(Rejection {
                file: InputFile::Bills,
                line: b.line,
                reason,
                customer_id: Some(id.to_owned()),
                detail,
            });
            continue;
        };
        let joined = listings.iter().map(|l| l.joined).min().unwrap_or(b.month);
        if b.month < joined {
            rejected.push(Rejection {
                file: InputFile::Bills,
                line: b.line,
                reason: RejectReason::BillBeforeJoining,
                customer_id: Some(id.to_owned()),
                detail: format!("a bill for {} before customer `{id}` joined ({joined})", b.month),
            });
            continue;
        }
        let slot = sums.entry((id, b.month)).or_insert((0, 0));
        slot.0 += u128::from(b.fen);
        slot.1 += 1;
        if b.month < first || b.month > last {
            outside_window += 1;
        }
    }
    (sums, outside_window)
}

/// The value of one listing, or `None` when it is not graded (short tenure, joined later).
fn score(rules: &GradingRules, month: Month, id: &str, joined: Month, sums: &Sums<'_>) -> Option<Scored> {
    let tenure = u32::try_from(month.since(joined)).ok()?;
    let coefficient = rules.coefficient(tenure)?;
    let window = tenure.min(ARPU_MONTHS);
    let from = month.plus(-i32::try_from(window).unwrap_or(12));
    let billed: u128 = sums.range((id, from)..(id, month)).map(|(_, (fen, _))| *fen).sum();
    let arpu = arpu(billed, window);
    let value = u128::from(arpu) * u128::from(coefficient);
    Some(Scored { joined, tenure, window, billed, arpu, coefficient, value })
}

/// Why none of `listings` is graded: short tenure if any listing joined by `month` (the longest
/// such tenure is shown), else joined after it (the earliest joining month is shown).
fn not_graded(id: &str, month: Month, listings: &[&Listing]) -> Ungraded {
    let earliest = listings.iter().map(|l| l.joined).min().unwrap_or(month);
    let tenure = u32::try_from(month.since(earliest)).ok();
    Ungraded {
        customer_id: id.to_owned(),
        joined: earliest,
        tenure_months: tenure,
        reason: if tenure.is_some() { UngradedReason::ShortTenure } else { UngradedReason::JoinedAfterMonth },
    }
}

#[cfg(test)]
mod tests {
    use super::{
        BillRow, Grading, InputFile, Inputs, Listing, Month, RejectReason, UngradedReason, arpu, cut_points, cut_rank,
        grade, round_threshold, stars,
    };
    use crate::model::grading_rules::GradingRules;

    fn m(s: &str) -> Month {
        Month::parse(s).unwrap()
    }

    /// A customer who joined `joined` and was billed `yuan` (as fen) in each of `months`.
    struct Pop {
        listings: Vec<Listing>,
        bills: Vec<BillRow>,
    }

    impl Pop {
        fn new() -> Pop {
            Pop { listings: Vec::new(), bills: Vec::new() }
        }

        fn customer(&mut self, id: &str, joined: &str) -> &mut Self {
            let line = self.listings.len() as u64 + 2;
            self.listings.push(Listing { customer_id: id.to_owned(), joined: m(joined), line });
            self
        }

        /// Bills of `fen` for `id` in each month from `from` for `n` months.
        fn bills(&mut self, id: &str, from: &str, n: i32, fen: u64) -> &mut Self {
            for i in 0..n {
                let line = self.bills.len() as u64 + 2;
                self.bills.push(BillRow { customer_id: id.to_owned(), month: m(from).plus(i), fen, line });
            }
            self
        }

        /// A customer with 12 months of tenure or more (joined 2020-01) and a flat bill.
        fn flat(&mut self, id: &str, fen: u64) -> &mut Self {
            self.customer(id, "2020-01").bills(id, "2025-04", 12, fen)
        }

        fn inputs(&self) -> Inputs {
            Inputs {
                customers_file: "customers.csv".into(),
                bills_file: "bills.csv".into(),
                customer_rows: self.listings.len() as u64,
                bill_rows: self.bills.len() as u64,
                listings: self.listings.clone(),
                bills: self.bills.clone(),
                rejected: Vec::new(),
            }
        }

        fn grade(&self, rules: &GradingRules) -> Grading {
            grade(rules, m("2026-04"), &self.inputs())
        }
    }

    /// Rules with one coefficient (1.0 from `min` months), so a value is its ARPU.
    fn flat_rules(min: u32) -> GradingRules {
        GradingRules::parse(&format!("tenure_coefficients: [{{from_months: {min}, coefficient: 1.0}}]"), "g").unwrap()
    }

    fn stars_of(g: &Grading) -> Vec<(String, u8)> {
        g.grades.iter().map(|x| (x.customer_id.clone(), x.stars)).collect()
    }

    #[test]
    fn months_parse_and_count() {
        assert_eq!(m("2026-01").plus(-1).to_string(), "2025-12");
        assert_eq!(m("2026-04").since(m("2025-04")), 12);
        assert_eq!((m("0001-01").year(), m("9999-12").number()), (1, 12));
        for bad in ["2026-00", "2026-13", "26-04", "2026/04", "2026-4", "0000-01", "２０２６-04", ""] {
            assert!(Month::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn arpu_rounds_half_up_exactly() {
        assert_eq!(arpu(12 * 250, 12), 3, "2.50 yuan a month is 3");
        assert_eq!(arpu(12 * 249, 12), 2);
        assert_eq!(arpu(135_000, 12), 113, "112.50 is 113");
        assert_eq!(arpu(134_999, 12), 112);
        assert_eq!(arpu(750, 6), 1, "1.25 is 1");
        assert_eq!(arpu(0, 12), 0);
        // 0.1 + 0.2 in floating point is not 0.3: in fen it is.
        assert_eq!(arpu(10 + 20, 1), 0);
        assert_eq!(arpu(50, 1), 1);
    }

    #[test]
    fn thresholds_round_half_up_to_ten() {
        assert_eq!(round_threshold(125_000), 130);
        assert_eq!(round_threshold(124_900), 120);
        assert_eq!(round_threshold(124_999), 120);
        assert_eq!(round_threshold(4_999), 0);
        assert_eq!(round_threshold(5_000), 10);
        assert_eq!(round_threshold(0), 0);
    }

    #[test]
    fn cut_ranks_on_small_populations() {
        let seed = [50_000, 150_000, 300_000, 700_000];
        let ranks = |n| seed.map(|p| cut_rank(p, n));
        assert_eq!(ranks(1), [1, 1, 1, 1]);
        assert_eq!(ranks(7), [1, 2, 3, 5]);
        assert_eq!(ranks(10), [1, 2, 3, 7]);
        assert_eq!(ranks(20), [1, 3, 6, 14]);
        assert_eq!(ranks(21), [2, 4, 7, 15], "5 % of 21 is 1.05: rank 2");
        assert_eq!(ranks(100), [5, 15, 30, 70]);
        assert_eq!(cut_rank(1_000_000, 3), 3);
    }

    #[test]
    fn thresholds_at_rounding_edges_with_small_n() {
        // N = 7: ranks 1, 2, 3, 5. Rank 2's 125 rounds up to 130 (so its customer has three stars),
        // rank 3's 124 rounds down to 120.
        let mut p = Pop::new();
        for (id, yuan) in [("a", 300), ("b", 125), ("c", 124), ("d", 90), ("e", 64), ("f", 63), ("g", 10)] {
            p.flat(id, yuan * 100);
        }
        let g = p.grade(&flat_rules(6));
        assert_eq!(g.thresholds(), Some([300, 130, 120, 60]));
        let ranks: Vec<usize> = g.cut_points.iter().map(|c| c.rank).collect();
        assert_eq!(ranks, [1, 2, 3, 5]);
        let want = [("a", 5), ("b", 3), ("c", 3), ("d", 2), ("e", 2), ("f", 2), ("g", 1)];
        assert_eq!(stars_of(&g), want.map(|(i, s)| (i.to_owned(), s)));
        assert_eq!([5, 4, 3, 2, 1].map(|s| g.count(s)), [1, 0, 2, 3, 1]);
    }

    #[test]
    fn a_tie_at_a_cut_point_takes_the_higher_tier() {
        // N = 10: the cut points fall on ranks 1, 2, 3 and 7. Ranks 2 and 3 tie at 200: both are
        // four-star, and the three-star threshold (rank 3's 200) leaves that tier empty.
        let mut p = Pop::new();
        for (i, yuan) in [400, 200, 200, 150, 100, 90, 80, 70, 60, 50].into_iter().enumerate() {
            p.flat(&format!("c{i}"), yuan * 100);
        }
        let g = p.grade(&flat_rules(6));
        assert_eq!(g.thresholds(), Some([400, 200, 200, 80]));
        assert_eq!([5, 4, 3, 2, 1].map(|s| g.count(s)), [1, 2, 0, 4, 3]);
        // A value equal to a threshold has that tier.
        assert_eq!(stars(70_000, &[400, 200, 150, 70]), 2);
        assert_eq!(stars(69_999, &[400, 200, 150, 70]), 1);
        assert_eq!(stars(0, &[0, 0, 0, 0]), 5, "every threshold 0: everybody reaches five");
    }

    #[test]
    fn tenure_edges() {
        let rules = GradingRules::ours();
        let mut p = Pop::new();
        // Exactly 6 months (joined 2025-10): window 2025-10..2026-03, coefficient 1.0.
        p.customer("six", "2025-10").bills("six", "2025-10", 6, 10_000);
        // Exactly 12 months (joined 2025-04): window of 12, coefficient 1.1.
        p.customer("twelve", "2025-04").bills("twelve", "2025-04", 12, 10_000);
        // 11 months: window of 11, coefficient 1.0.
        p.customer("eleven", "2025-05").bills("eleven", "2025-05", 11, 10_000);
        // 5 months: not graded.
        p.customer("five", "2025-11").bills("five", "2025-11", 5, 10_000);
        // Joined in the graded month: tenure 0, not graded; its bill for 2026-04 is outside the window.
        p.customer("new", "2026-04").bills("new", "2026-04", 1, 10_000);
        // Joined after it.
        p.customer("later", "2026-06");
        let g = p.grade(&rules);
        let got: Vec<(&str, u32, u32, u64, u32)> = g
            .grades
            .iter()
            .map(|x| (x.customer_id.as_str(), x.tenure_months, x.window_months, x.arpu, x.coefficient_milli))
            .collect();
        assert_eq!(got, [("eleven", 11, 11, 100, 1000), ("six", 6, 6, 100, 1000), ("twelve", 12, 12, 100, 1100)]);
        let un: Vec<(&str, Option<u32>, UngradedReason)> =
            g.ungraded.iter().map(|u| (u.customer_id.as_str(), u.tenure_months, u.reason)).collect();
        assert_eq!(
            un,
            [
                ("five", Some(5), UngradedReason::ShortTenure),
                ("later", None, UngradedReason::JoinedAfterMonth),
                ("new", Some(0), UngradedReason::ShortTenure),
            ]
        );
        assert_eq!(g.bills.outside_window, 1);
    }

    #[test]
    fn months_without_a_bill_count_as_zero() {
        let mut p = Pop::new();
        p.customer("gaps", "2020-01").bills("gaps", "2025-04", 10, 10_080);
        p.customer("none", "2020-01");
        let g = p.grade(&flat_rules(6));
        assert_eq!((g.grades[0].arpu, g.grades[0].billed_fen), (84, 100_800), "1008 yuan over 12 months");
        assert_eq!((g.grades[1].customer_id.as_str(), g.grades[1].arpu), ("none", 0));
    }

    #[test]
    fn several_listings_keep_the_highest_grade_and_rank_once() {
        let rules = GradingRules::ours();
        let mut p = Pop::new();
        // Listed twice: joined 2025-06 (10 months, window of 10, 58 yuan, 1.0 -> 58) and 2023-01
        // (39 months, window of 12: 580/12 = 48.33 -> 48, 1.3 -> 62.4). The second is higher.
        p.customer("two", "2025-06").customer("two", "2023-01").bills("two", "2025-06", 10, 5_800);
        for (id, yuan) in [("a", 100), ("b", 90), ("c", 80), ("d", 70), ("e", 61), ("f", 50), ("g", 40)] {
            p.customer(id, "2025-04").bills(id, "2025-04", 12, yuan * 100);
        }
        let g = p.grade(&rules);
        assert_eq!(g.grades.len(), 8, "ranked once");
        let two = g.grades.iter().find(|x| x.customer_id == "two").unwrap();
        assert_eq!((two.tenure_months, two.arpu, two.value_milli, two.listings), (39, 48, 62_400, 2));
        assert_eq!(g.customers.listed_more_than_once, 1);
        // Its two listings alone would grade it 58.0 (the lower); the kept grade is at least that one's tier.
        let th = g.thresholds().unwrap();
        assert!(two.stars >= stars(58_000, &th));
        assert!(two.stars > stars(58_000, &th), "the example must show a higher tier: {th:?}");
        // A graded listing beats an ungraded one.
        let mut q = Pop::new();
        q.customer("x", "2026-02").customer("x", "2024-01").bills("x", "2025-04", 12, 1_000);
        let g = q.grade(&rules);
        assert_eq!((g.grades.len(), g.ungraded.len(), g.grades[0].tenure_months), (1, 0, 27));
    }

    #[test]
    fn bills_are_summed_checked_and_rejected_with_lines() {
        let mut p = Pop::new();
        p.customer("a", "2025-01").bills("a", "2025-04", 12, 10_000);
        // A second row for 2025-09 (split bill): summed.
        p.bills.push(BillRow { customer_id: "a".into(), month: m("2025-09"), fen: 1_200, line: 90 });
        // Unknown customer, a rejected customer, and a bill before joining.
        p.bills.push(BillRow { customer_id: "zz".into(), month: m("2025-09"), fen: 1, line: 91 });
        p.bills.push(BillRow { customer_id: "bad".into(), month: m("2025-09"), fen: 1, line: 92 });
        p.bills.push(BillRow { customer_id: "a".into(), month: m("2024-12"), fen: 1, line: 93 });
        let mut inputs = p.inputs();
        inputs.rejected.push(super::Rejection {
            file: InputFile::Customers,
            line: 3,
            reason: RejectReason::BadJoined,
            customer_id: Some("bad".into()),
            detail: "x".into(),
        });
        let g = grade(&flat_rules(6), m("2026-04"), &inputs);
        assert_eq!(g.grades[0].billed_fen, 121_200);
        assert_eq!(g.grades[0].arpu, 101, "1212 / 12 = 101");
        assert_eq!(g.bills.summed_customer_months, 1);
        let got: Vec<(InputFile, u64, RejectReason)> = g.rejected.iter().map(|r| (r.file, r.line, r.reason)).collect();
        assert_eq!(
            got,
            [
                (InputFile::Customers, 3, RejectReason::BadJoined),
                (InputFile::Bills, 91, RejectReason::UnknownCustomer),
                (InputFile::Bills, 92, RejectReason::CustomerRejected),
                (InputFile::Bills, 93, RejectReason::BillBeforeJoining),
            ]
        );
        assert_eq!((g.customers.rejected, g.bills.rejected), (1, 3));
    }

    #[test]
    fn nobody_graded_has_no_thresholds() {
        let mut p = Pop::new();
        p.customer("new", "2026-03");
        let g = p.grade(&GradingRules::ours());
        assert!(g.cut_points.is_empty() && g.thresholds().is_none() && g.grades.is_empty());
        assert!(cut_points(&[], &[1, 2, 3, 4]).is_empty());
    }
}
