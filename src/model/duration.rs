//! Time limits as written in process files: `30s`, `15m`, `4h`, `2d`, `1h30m`, `90 days`.
//!
//! Owns parsing and printing of durations. Parsing is O(length of the text).

use std::fmt;

/// A time limit, in whole seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Limit {
    /// The limit in seconds.
    pub seconds: u64,
}

const UNITS: [(&str, u64); 12] = [
    ("s", 1),
    ("sec", 1),
    ("m", 60),
    ("min", 60),
    ("h", 3600),
    ("hour", 3600),
    ("hours", 3600),
    ("d", 86_400),
    ("day", 86_400),
    ("days", 86_400),
    ("w", 604_800),
    ("weeks", 604_800),
];

impl Limit {
    /// Parses a duration: one or more `<number><unit>` parts, units `s`, `m`, `h`, `d`, `w` (and
    /// the words `min`, `hour(s)`, `day(s)`, `weeks`), optionally separated by spaces.
    ///
    /// # Example
    /// ```
    /// use flowaudit::model::duration::Limit;
    /// assert_eq!(Limit::parse("1h30m").unwrap().seconds, 5400);
    /// assert_eq!(Limit::parse("96 hours").unwrap().seconds, 96 * 3600);
    /// assert!(Limit::parse("soon").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Limit, String> {
        let mut rest = text.trim();
        if rest.is_empty() {
            return Err("an empty duration".to_owned());
        }
        let mut total: u64 = 0;
        while !rest.is_empty() {
            let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
            if digits == 0 {
                return Err(format!("`{text}` is not a duration"));
            }
            let n: u64 = rest[..digits].parse().map_err(|_| format!("`{text}` is too large"))?;
            rest = rest[digits..].trim_start();
            let unit_len = rest.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(rest.len());
            let unit = &rest[..unit_len];
            let Some((_, secs)) = UNITS.iter().find(|(u, _)| *u == unit) else {
                return Err(format!("`{text}` has no unit or an unknown unit `{unit}`"));
            };
            total = n
                .checked_mul(*secs)
                .and_then(|v| total.checked_add(v))
                .ok_or_else(|| format!("`{text}` is too large"))?;
            rest = rest[unit_len..].trim_start();
        }
        if total == 0 {
            return Err(format!("`{text}` is zero; leave the limit out instead"));
        }
        Ok(Limit { seconds: total })
    }
}

impl fmt::Display for Limit {
    /// The shortest exact form: `2d`, `4h`, `1h30m`, `45s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = self.seconds;
        for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)] {
            if s >= size {
                write!(f, "{}{unit}", s / size)?;
                s %= size;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Limit;

    #[test]
    fn round_trips() {
        for (text, secs, shown) in [("8h", 28_800, "8h"), ("20d", 1_728_000, "20d"), ("1h 30m", 5400, "1h30m")] {
            let l = Limit::parse(text).unwrap();
            assert_eq!(l.seconds, secs);
            assert_eq!(l.to_string(), shown);
        }
    }

    #[test]
    fn rejects_nonsense() {
        for bad in ["", "h", "5", "5x", "0m", "99999999999999999999d"] {
            assert!(Limit::parse(bad).is_err(), "{bad}");
        }
    }
}
