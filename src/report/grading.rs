//! The report of `flowaudit grade`: the grades as CSV (the file other commands join on customer
//! id), the whole outcome as JSON, a summary as text, and the rejected rows as CSV.
//!
//! Owns the output formats of a [`Grading`]; all are deterministic (customers by id, rejections
//! by file and line) and exact (values are printed from integer thousandths, never through
//! floating point, except as JSON numbers, which are the nearest double of a short decimal and
//! print as that decimal). The CSV's columns are a contract documented in `docs/grading.md`.
//! Cost: O(customers + rejections).

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::analysis::grading::{ARPU_MONTHS, Grading, InputFile, RejectReason, Rejection, THRESHOLD_MULTIPLE};
use crate::model::grading_rules::{GradingRules, milli};
use crate::render::table::Table;

/// The CSV header of the grades file.
pub const CSV_HEADER: [&str; 6] = ["customer_id", "tenure_months", "arpu", "coefficient", "value", "stars"];

/// Rows of a list (ungraded, rejected) shown in the text summary.
pub const TEXT_LIST: usize = 10;

/// Rejected rows given as examples in JSON.
pub const JSON_EXAMPLES: usize = 10;

/// A thousandths value as the shortest exact decimal: `303000` is `303`, `124300` is `124.3`.
pub fn value(v_milli: u128) -> String {
    let frac = v_milli % 1000;
    if frac == 0 {
        return (v_milli / 1000).to_string();
    }
    let s = format!("{}.{frac:03}", v_milli / 1000);
    s.trim_end_matches('0').to_owned()
}

/// A share in parts per million as a percentage: `50000` is `5%`, `25000` is `2.5%`.
fn percent(ppm: u32) -> String {
    format!("{}%", value(u128::from(ppm) / 10))
}

/// `count / total` as a percentage with one decimal, rounded half up.
fn share_of(count: usize, total: usize) -> String {
    if total == 0 {
        return "-".to_owned();
    }
    let tenths = (count as u128 * 2000 + total as u128) / (2 * total as u128);
    format!("{}.{}%", tenths / 10, tenths % 10)
}

fn file_name(g: &Grading, file: InputFile) -> &str {
    match file {
        InputFile::Customers => &g.customers_file,
        InputFile::Bills => &g.bills_file,
    }
}

/// Writes the grades as CSV: `customer_id,tenure_months,arpu,coefficient,value,stars`, one row
/// per customer listed, by customer id; a customer listed but not graded has an empty `arpu`,
/// `coefficient`, `value` and `stars` (and an empty `tenure_months` when it joined after the
/// graded month).
pub fn write_csv(g: &Grading, w: &mut impl Write) -> io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(CSV_HEADER)?;
    let mut rows: Vec<[String; 6]> = g
        .grades
        .iter()
        .map(|x| {
            [
                x.customer_id.clone(),
                x.tenure_months.to_string(),
                x.arpu.to_string(),
                milli(x.coefficient_milli),
                value(x.value_milli),
                x.stars.to_string(),
            ]
        })
        .collect();
    rows.extend(g.ungraded.iter().map(|u| {
        let tenure = u.tenure_months.map(|t| t.to_string()).unwrap_or_default();
        [u.customer_id.clone(), tenure, String::new(), String::new(), String::new(), String::new()]
    }));
    rows.sort_by(|a, b| a[0].cmp(&b[0]));
    for r in &rows {
        out.write_record(r)?;
    }
    out.flush()
}

/// Writes every rejected row as CSV: `file,line,reason,customer_id,detail`, by file and line.
pub fn write_rejects(g: &Grading, w: &mut impl Write) -> io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(["file", "line", "reason", "customer_id", "detail"])?;
    for r in &g.rejected {
        let line = r.line.to_string();
        let id = r.customer_id.as_deref().unwrap_or("");
        out.write_record([file_name(g, r.file), &line, r.reason.as_str(), id, &r.detail])?;
    }
    out.flush()
}

#[derive(Serialize)]
struct JsonBand {
    from_months: u32,
    to_months: Option<u32>,
    coefficient: f64,
}

#[derive(Serialize)]
struct JsonRules<'a> {
    file: &'a str,
    shares: Vec<f64>,
    tenure_coefficients: Vec<JsonBand>,
    arpu_months: u32,
    threshold_multiple: u64,
}

#[derive(Serialize)]
struct JsonCustomers<'a> {
    file: &'a str,
    rows: u64,
    rejected: u64,
    distinct: u64,
    listed_more_than_once: u64,
}

#[derive(Serialize)]
struct JsonBills<'a> {
    file: &'a str,
    rows: u64,
    rejected: u64,
    outside_window: u64,
    summed_customer_months: u64,
}

/// One figure per tier, in tier order.
#[derive(Serialize)]
struct Tiers<T> {
    five: T,
    four: T,
    three: T,
    two: T,
    #[serde(skip_serializing_if = "Option::is_none")]
    one: Option<T>,
}

#[derive(Serialize)]
struct JsonCut {
    stars: u8,
    share: f64,
    rank: usize,
    value: f64,
    threshold: u64,
}

#[derive(Serialize)]
struct JsonGrade<'a> {
    customer_id: &'a str,
    joined: String,
    tenure_months: u32,
    window_months: u32,
    billed: f64,
    arpu: u64,
    coefficient: f64,
    value: f64,
    stars: u8,
    listings: u32,
}

#[derive(Serialize)]
struct JsonRejected<'a> {
    count: usize,
    by_reason: BTreeMap<RejectReason, usize>,
    examples: Vec<JsonReject<'a>>,
}

#[derive(Serialize)]
struct JsonReject<'a> {
    file: &'a str,
    line: u64,
    reason: RejectReason,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_id: Option<&'a str>,
    detail: &'a str,
}

#[derive(Serialize)]
struct JsonUngraded<'a> {
    count: usize,
    customers: &'a [crate::analysis::grading::Ungraded],
}

#[derive(Serialize)]
struct Json<'a> {
    month: String,
    window: [String; 2],
    rules: JsonRules<'a>,
    customers: JsonCustomers<'a>,
    bills: JsonBills<'a>,
    graded: usize,
    thresholds: Option<Tiers<u64>>,
    cut_points: Vec<JsonCut>,
    stars: Tiers<usize>,
    ungraded: JsonUngraded<'a>,
    rejected: JsonRejected<'a>,
    grades: Vec<JsonGrade<'a>>,
}

/// A thousandths (or ppm, or fen) integer as a JSON number: the nearest double of an exact
/// short decimal, which `serde_json` prints as that decimal.
#[expect(clippy::cast_precision_loss, reason = "grading figures are far below 2^53")]
fn number(v: u128, scale: f64) -> f64 {
    v as f64 / scale
}

/// Writes the whole outcome as JSON (pretty, keys in a fixed order).
pub fn write_json(g: &Grading, rules: &GradingRules, w: &mut impl Write) -> io::Result<()> {
    let (from, to) = g.window();
    let json = Json {
        month: g.month.to_string(),
        window: [from.to_string(), to.to_string()],
        rules: JsonRules {
            file: &rules.file,
            shares: rules.shares_ppm.iter().map(|&p| number(u128::from(p), 1e6)).collect(),
            tenure_coefficients: (0..rules.bands.len())
                .map(|i| JsonBand {
                    from_months: rules.bands[i].from_months,
                    to_months: rules.band_end(i),
                    coefficient: number(u128::from(rules.bands[i].coefficient_milli), 1e3),
                })
                .collect(),
            arpu_months: ARPU_MONTHS,
            threshold_multiple: THRESHOLD_MULTIPLE,
        },
        customers: JsonCustomers {
            file: &g.customers_file,
            rows: g.customers.rows,
            rejected: g.customers.rejected,
            distinct: g.customers.customers,
            listed_more_than_once: g.customers.listed_more_than_once,
        },
        bills: JsonBills {
            file: &g.bills_file,
            rows: g.bills.rows,
            rejected: g.bills.rejected,
            outside_window: g.bills.outside_window,
            summed_customer_months: g.bills.summed_customer_months,
        },
        graded: g.grades.len(),
        thresholds: g.thresholds().map(|[five, four, three, two]| Tiers { five, four, three, two, one: None }),
        cut_points: g
            .cut_points
            .iter()
            .map(|c| JsonCut {
                stars: c.stars,
                share: number(u128::from(c.share_ppm), 1e6),
                rank: c.rank,
                value: number(c.value_milli, 1e3),
                threshold: c.threshold,
            })
            .collect(),
        stars: Tiers { five: g.count(5), four: g.count(4), three: g.count(3), two: g.count(2), one: Some(g.count(1)) },
        ungraded: JsonUngraded { count: g.ungraded.len(), customers: &g.ungraded },
        rejected: JsonRejected {
            count: g.rejected.len(),
            by_reason: by_reason(&g.rejected),
            examples: g
                .rejected
                .iter()
                .take(JSON_EXAMPLES)
                .map(|r| JsonReject {
                    file: file_name(g, r.file),
                    line: r.line,
                    reason: r.reason,
                    customer_id: r.customer_id.as_deref(),
                    detail: &r.detail,
                })
                .collect(),
        },
        grades: g
            .grades
            .iter()
            .map(|x| JsonGrade {
                customer_id: &x.customer_id,
                joined: x.joined.to_string(),
                tenure_months: x.tenure_months,
                window_months: x.window_months,
                billed: number(x.billed_fen, 100.0),
                arpu: x.arpu,
                coefficient: number(u128::from(x.coefficient_milli), 1e3),
                value: number(x.value_milli, 1e3),
                stars: x.stars,
                listings: x.listings,
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *w, &json)?;
    writeln!(w)
}

fn by_reason(rejected: &[Rejection]) -> BTreeMap<RejectReason, usize> {
    let mut out = BTreeMap::new();
    for r in rejected {
        *out.entry(r.reason).or_insert(0) += 1;
    }
    out
}

/// The tenure table in one line: `6-11 months 1.0, 12-23 1.1, ..., 60+ 1.5`.
fn table_line(rules: &GradingRules) -> String {
    let parts: Vec<String> = (0..rules.bands.len())
        .map(|i| {
            let b = &rules.bands[i];
            let range = match rules.band_end(i) {
                Some(e) if e == b.from_months => b.from_months.to_string(),
                Some(e) => format!("{}-{e}", b.from_months),
                None => format!("{}+", b.from_months),
            };
            let unit = if i == 0 { " months" } else { "" };
            format!("{range}{unit} {}", milli(b.coefficient_milli))
        })
        .collect();
    parts.join(", ")
}

/// Writes a summary for people: what was read, the thresholds, the count and share per tier, the
/// ungraded customers and the rejected rows (the first [`TEXT_LIST`] of each).
pub fn write_text(g: &Grading, rules: &GradingRules, w: &mut impl Write) -> io::Result<()> {
    let (from, to) = g.window();
    let n = g.grades.len();
    writeln!(
        w,
        "customer grades for {}: {n} graded, {} ungraded, {} rows rejected",
        g.month,
        g.ungraded.len(),
        g.rejected.len()
    )?;
    let shares: Vec<String> = rules.shares_ppm.iter().map(|&p| percent(p)).collect();
    writeln!(w, "  rules      {} (cut points {}; tenure {})", rules.file, shares.join(" "), table_line(rules))?;
    let c = &g.customers;
    let twice = if c.listed_more_than_once > 0 {
        format!(" ({} listed more than once: highest grade kept)", c.listed_more_than_once)
    } else {
        String::new()
    };
    writeln!(
        w,
        "  customers  {}: {} rows, {} rejected, {} customers{twice}",
        g.customers_file, c.rows, c.rejected, c.customers
    )?;
    let b = &g.bills;
    let summed = if b.summed_customer_months > 0 {
        format!(", {} customer-month(s) billed on several rows (summed)", b.summed_customer_months)
    } else {
        String::new()
    };
    writeln!(
        w,
        "  bills      {}: {} rows, {} rejected, {} for months outside {from}..{to} (not used){summed}",
        g.bills_file, b.rows, b.rejected, b.outside_window
    )?;
    writeln!(
        w,
        "  ARPU       mean monthly bill of {from}..{to} (from the joining month when tenure is under 12 months), half up to whole yuan"
    )?;
    writeln!(w)?;
    if n == 0 {
        writeln!(w, "no customer is graded: no thresholds")?;
    } else {
        writeln!(w, "thresholds: the value at rank ceil(share x {n}), half up to a multiple of {THRESHOLD_MULTIPLE}")?;
        let rows = g
            .cut_points
            .iter()
            .map(|c| {
                vec![
                    c.stars.to_string(),
                    percent(c.share_ppm),
                    c.rank.to_string(),
                    value(c.value_milli),
                    c.threshold.to_string(),
                ]
            })
            .collect();
        let headers = ["stars", "cut at", "rank", "value at rank", "threshold"].map(String::from).to_vec();
        Table { headers, rows }.write_text(w)?;
        writeln!(w)?;
        let rows = [5u8, 4, 3, 2, 1]
            .iter()
            .map(|&s| vec![s.to_string(), g.count(s).to_string(), share_of(g.count(s), n)])
            .collect();
        Table { headers: ["stars", "customers", "share"].map(String::from).to_vec(), rows }.write_text(w)?;
    }
    write_ungraded(g, rules, w)?;
    write_rejected(g, w)
}

/// The first [`TEXT_LIST`] ungraded customers, when there are any.
fn write_ungraded(g: &Grading, rules: &GradingRules, w: &mut impl Write) -> io::Result<()> {
    if !g.ungraded.is_empty() {
        writeln!(w)?;
        writeln!(w, "ungraded (not ranked, no tier): {}{}", g.ungraded.len(), more(g.ungraded.len(), "the CSV"))?;
        let rows = g
            .ungraded
            .iter()
            .take(TEXT_LIST)
            .map(|u| {
                let reason = match u.reason {
                    crate::analysis::grading::UngradedReason::ShortTenure => {
                        format!("tenure under {} months", rules.min_tenure())
                    }
                    crate::analysis::grading::UngradedReason::JoinedAfterMonth => format!("joined after {}", g.month),
                };
                vec![
                    u.customer_id.clone(),
                    u.joined.to_string(),
                    u.tenure_months.map_or_else(|| "-".to_owned(), |t| t.to_string()),
                    reason,
                ]
            })
            .collect();
        let headers = ["customer", "joined", "tenure", "reason"].map(String::from).to_vec();
        Table { headers, rows }.write_text(w)?;
    }
    Ok(())
}

/// The first [`TEXT_LIST`] rejected rows, when there are any.
fn write_rejected(g: &Grading, w: &mut impl Write) -> io::Result<()> {
    if !g.rejected.is_empty() {
        writeln!(w)?;
        writeln!(w, "rejected rows: {}{}", g.rejected.len(), more(g.rejected.len(), "--rejects FILE"))?;
        let rows = g
            .rejected
            .iter()
            .take(TEXT_LIST)
            .map(|r| {
                vec![format!("{}:{}", file_name(g, r.file), r.line), r.reason.as_str().to_owned(), r.detail.clone()]
            })
            .collect();
        Table { headers: ["where", "reason", "detail"].map(String::from).to_vec(), rows }.write_text(w)?;
    }
    Ok(())
}

/// `" (first 10; WHERE lists them all)"` when a list is cut.
fn more(len: usize, place: &str) -> String {
    if len > TEXT_LIST { format!(" (the first {TEXT_LIST}; {place} lists them all)") } else { String::new() }
}

#[cfg(test)]
mod tests {
    use super::{percent, share_of, value};

    #[test]
    fn numbers_print_exactly() {
        assert_eq!(
            [303_000, 124_300, 62_400, 0, 88_550, 1].map(value),
            ["303", "124.3", "62.4", "0", "88.55", "0.001"]
        );
        assert_eq!([50_000, 150_000, 25_000, 1_000_000].map(percent), ["5%", "15%", "2.5%", "100%"]);
        assert_eq!(
            (share_of(1, 20), share_of(1, 3), share_of(2, 3), share_of(0, 0)),
            ("5.0%".into(), "33.3%".into(), "66.7%".into(), "-".into())
        );
    }
}
