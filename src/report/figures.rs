//! The few number formats every report section shares: shares, percentages, hours.
//!
//! Owns [`share`], [`pct`] and [`hours`]. O(1) each.

/// `part / whole`, when `whole` is not zero.
#[expect(clippy::cast_precision_loss, reason = "ticket and event counts are far below 2^52")]
pub fn share(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// A share as a percentage with two decimals (`-` when there is none).
pub fn pct(r: Option<f64>) -> String {
    r.map_or_else(|| "-".to_owned(), |r| format!("{:.2} %", 100.0 * r))
}

/// Microseconds as decimal hours.
#[expect(clippy::cast_precision_loss, reason = "microseconds of a month are far below 2^52")]
pub fn hours(us: i64) -> f64 {
    us as f64 / 3_600_000_000.0
}

/// A count as a float, for averages.
#[expect(clippy::cast_precision_loss, reason = "ticket and event counts are far below 2^52")]
pub fn as_f64(n: u64) -> f64 {
    n as f64
}
