//! `processes/grading.yaml`: the rules of customer grading (seed 000): the cumulative shares of
//! the four cut points and the tenure -> coefficient table.
//!
//! Owns [`GradingRules`] and [`TenureBand`], decoded with every problem located at
//! `file:line:column` (like the process files), and [`parse_scaled`], the exact decimal reading
//! the rules and the bills share (no floating point touches a share, a coefficient or a yuan).
//! The format and the full grading definition are in `docs/grading.md`. Decoding is O(nodes).
//!
//! The seed fixes the shares (5 %, 15 %, 30 %, 70 %) but prints no tenure table: the table of
//! [`GradingRules::ours`] (and of the shipped `processes/grading.yaml`) is **our** default, not
//! the seed's, and a centre is expected to replace it with its own.

use std::path::Path;

use crate::model::decode::Decoder;
use crate::model::diagnostic::{self, Code, Diagnostic, Span, Spanned};
use crate::model::library::read_text;
use crate::model::yaml::{self, Node};

/// The file's name in a process directory.
pub const FILE_NAME: &str = "grading.yaml";

/// Seed 000's cumulative cut points in parts per million: 5 %, 15 %, 30 % and 70 % (tiers of
/// 5/10/15/40/30 %), for five, four, three and two stars.
pub const SEED_SHARES_PPM: [u32; 4] = [50_000, 150_000, 300_000, 700_000];

/// Decimals a coefficient may have (it is kept in thousandths).
pub const COEFFICIENT_DECIMALS: u32 = 3;

/// Decimals a share may have (it is kept in parts per million).
pub const SHARE_DECIMALS: u32 = 6;

/// The largest coefficient accepted, in thousandths (100.0): far above any sensible table, low
/// enough that a value can never overflow.
pub const MAX_COEFFICIENT_MILLI: u32 = 100_000;

const KEYS: [&str; 3] = ["description", "shares", "tenure_coefficients"];
const BAND_KEYS: [&str; 3] = ["from_months", "to_months", "coefficient"];
const TIERS: [&str; 4] = ["five", "four", "three", "two"];

/// One row of the tenure table: customers with `from_months..=to_months` months of tenure (to the
/// next row's start when `to_months` is not written) have `coefficient_milli / 1000`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TenureBand {
    /// First tenure (in months) of the band.
    pub from_months: u32,
    /// Last tenure of the band, when written; the last band has none (it is open-ended).
    pub to_months: Option<u32>,
    /// The coefficient in thousandths (1.1 is 1100).
    pub coefficient_milli: u32,
    /// Where the band was written.
    pub span: Span,
}

/// The decoded rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GradingRules {
    /// The file, as the user named it (`(built-in)` for [`GradingRules::ours`]).
    pub file: String,
    /// Cumulative shares of the cut points for five, four, three and two stars, in parts per
    /// million, strictly increasing, each in (0, 1 000 000].
    pub shares_ppm: [u32; 4],
    /// The tenure table: at least one band, `from_months` strictly increasing from at least 1,
    /// contiguous, coefficients never decreasing, the last band open-ended.
    pub bands: Vec<TenureBand>,
}

/// A file that could not be used: every problem, and the text they point into.
pub type GradingRulesError = crate::model::diagnostic::FileErrors;

impl GradingRules {
    /// Our default rules, the same as the shipped `processes/grading.yaml`: seed 000's shares and
    /// **our** tenure table (the seed prints none): 6-11 months 1.0, 12-23 1.1, 24-35 1.2, 36-59
    /// 1.3, 60 and more 1.5.
    pub fn ours() -> GradingRules {
        let band = |from_months, to_months, coefficient_milli| TenureBand {
            from_months,
            to_months,
            coefficient_milli,
            span: Span::START,
        };
        GradingRules {
            file: "(built-in)".to_owned(),
            shares_ppm: SEED_SHARES_PPM,
            bands: vec![
                band(6, Some(11), 1000),
                band(12, Some(23), 1100),
                band(24, Some(35), 1200),
                band(36, Some(59), 1300),
                band(60, None, 1500),
            ],
        }
    }

    /// Reads and decodes the rules at `path`.
    pub fn load(path: &Path) -> Result<GradingRules, GradingRulesError> {
        let name = path.display().to_string();
        let text = read_text(path, &name).map_err(|d| GradingRulesError { diagnostics: vec![d], text: None })?;
        GradingRules::parse(&text, &name)
    }

    /// Decodes `text` (the file `name`).
    ///
    /// # Example
    /// ```
    /// use flowaudit::model::grading_rules::GradingRules;
    /// let text = "tenure_coefficients:\n  - {from_months: 6, coefficient: 1.0}\n  - {from_months: 24, coefficient: 1.25}\n";
    /// let rules = GradingRules::parse(text, "grading.yaml").unwrap();
    /// assert_eq!((rules.min_tenure(), rules.coefficient(23), rules.coefficient(24)), (6, Some(1000), Some(1250)));
    /// assert_eq!(rules.coefficient(5), None);
    /// ```
    pub fn parse(text: &str, name: &str) -> Result<GradingRules, GradingRulesError> {
        let fail = |d: Vec<Diagnostic>| GradingRulesError { diagnostics: d, text: Some(text.to_owned()) };
        let root = yaml::root(
            text,
            name,
            "grading.yaml has `tenure_coefficients:` (and optionally `shares:`); see docs/grading.md",
        )
        .map_err(|e| fail(vec![e]))?;
        let mut d = Decoder::new(name);
        let rules = decode(&mut d, &root);
        match rules {
            Some(mut rules) if !d.has_errors() => {
                name.clone_into(&mut rules.file);
                Ok(rules)
            }
            _ => {
                diagnostic::sort(&mut d.diagnostics);
                Err(fail(d.diagnostics))
            }
        }
    }

    /// The shortest tenure that is graded (the first band's start); shorter tenures are not.
    pub fn min_tenure(&self) -> u32 {
        self.bands.first().map_or(u32::MAX, |b| b.from_months)
    }

    /// The coefficient (thousandths) of a tenure of `months`, or `None` below [`Self::min_tenure`].
    ///
    /// Cost: O(bands).
    pub fn coefficient(&self, months: u32) -> Option<u32> {
        self.bands.iter().rev().find(|b| b.from_months <= months).map(|b| b.coefficient_milli)
    }

    /// The last tenure of band `i`: its `to_months`, or the month before the next band's start;
    /// `None` for the last band.
    pub fn band_end(&self, i: usize) -> Option<u32> {
        let b = self.bands.get(i)?;
        b.to_months.or_else(|| self.bands.get(i + 1).map(|n| n.from_months - 1))
    }
}

/// Reads a non-negative decimal written with at most `decimals` decimals as an integer scaled by
/// `10^decimals` (`parse_scaled("112.5", 2) == Ok(11250)`). Further decimals are accepted only
/// when they are zeros (`1.100` with 2 decimals is 110). Leading and trailing spaces are ignored;
/// signs, exponents, thousands separators and a bare `.5` or `5.` are refused.
///
/// The error says what is wrong, in words that fit after the text itself.
///
/// # Example
/// ```
/// use flowaudit::model::grading_rules::parse_scaled;
/// assert_eq!(parse_scaled("112.5", 2), Ok(11_250));
/// assert_eq!(parse_scaled("0.05", 6), Ok(50_000));
/// assert!(parse_scaled("1.005", 2).is_err());
/// ```
pub fn parse_scaled(text: &str, decimals: u32) -> Result<u64, String> {
    let t = text.trim();
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !digits(int) || !digits(frac) || (t.contains('.') && frac.is_empty()) {
        return Err(format!("`{t}` is not a number written with digits and an optional decimal point"));
    }
    let places = decimals as usize;
    let (kept, rest) = frac.split_at(frac.len().min(places));
    if rest.bytes().any(|b| b != b'0') {
        return Err(format!("`{t}` has more than {decimals} decimals"));
    }
    let padding = std::iter::repeat_n(b'0', places - kept.len());
    let mut value: u64 = 0;
    for b in int.bytes().chain(kept.bytes()).chain(padding) {
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(b - b'0')))
            .ok_or_else(|| format!("`{t}` is too large"))?;
    }
    Ok(value)
}

fn decode(d: &mut Decoder<'_>, root: &Node) -> Option<GradingRules> {
    let f = d.fields(root, "grading.yaml", &KEYS)?;
    let _ = d.opt_text(&f, "description", "grading.yaml");
    let shares = match f.get("shares") {
        Some(node) => decode_shares(d, node),
        None => Some(SEED_SHARES_PPM),
    };
    let table = d.required(
        &f,
        "tenure_coefficients",
        "grading.yaml",
        "add `tenure_coefficients:` with one `{from_months: 6, coefficient: 1.0}` entry per tenure band",
    );
    let bands = table.and_then(|n| decode_bands(d, n));
    Some(GradingRules { file: String::new(), shares_ppm: shares?, bands: bands? })
}

fn decode_shares(d: &mut Decoder<'_>, node: &Node) -> Option<[u32; 4]> {
    let items = d.list(node, "`shares`");
    if items.len() != 4 {
        if matches!(node.kind, yaml::NodeKind::Seq(_)) {
            d.error(
                Code::InvalidValue,
                node.span,
                format!("`shares` needs four cumulative shares (five, four, three, two stars), found {}", items.len()),
                Some("seed 000's are `[0.05, 0.15, 0.30, 0.70]`".to_owned()),
            );
        }
        return None;
    }
    let mut out = [0u32; 4];
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        let what = format!("the share of {}-star customers", TIERS[i]);
        let Some(t) = d.text(item, &what) else {
            ok = false;
            continue;
        };
        match share(&t.value) {
            Ok(ppm) => out[i] = ppm,
            Err(e) => {
                d.error(
                    Code::InvalidValue,
                    t.span,
                    e,
                    Some("write a decimal above 0 and at most 1, e.g. 0.05".to_owned()),
                );
                ok = false;
                continue;
            }
        }
        if i > 0 && out[i - 1] > 0 && out[i] <= out[i - 1] {
            d.error(
                Code::InvalidValue,
                t.span,
                format!(
                    "the {}-star share {} is not above the {}-star share {} before it",
                    TIERS[i],
                    t.value.trim(),
                    TIERS[i - 1],
                    items[i - 1].as_str().unwrap_or("?").trim()
                ),
                Some("shares are cumulative (the 5 % top, then the top 15 %, ...) and must increase".to_owned()),
            );
            ok = false;
        }
    }
    ok.then_some(out)
}

fn share(text: &str) -> Result<u32, String> {
    if text.trim().ends_with('%') {
        return Err(format!("`{}` is a percentage; write shares as decimals (5 % is 0.05)", text.trim()));
    }
    let ppm = parse_scaled(text, SHARE_DECIMALS)?;
    match u32::try_from(ppm) {
        Ok(p) if p > 0 && p <= 1_000_000 => Ok(p),
        _ => Err(format!("`{}` is not a share above 0 and at most 1", text.trim())),
    }
}

fn decode_bands(d: &mut Decoder<'_>, node: &Node) -> Option<Vec<TenureBand>> {
    let items = d.list(node, "`tenure_coefficients`");
    if items.is_empty() {
        if matches!(node.kind, yaml::NodeKind::Seq(_)) {
            d.error(
                Code::InvalidValue,
                node.span,
                "`tenure_coefficients` has no band",
                Some("add at least `- {from_months: 6, coefficient: 1.0}`".to_owned()),
            );
        }
        return None;
    }
    let mut bands: Vec<TenureBand> = Vec::with_capacity(items.len());
    let mut ok = true;
    for item in items {
        match decode_band(d, item) {
            Some(b) => bands.push(b),
            None => ok = false,
        }
    }
    // Order and contiguity are judged on the bands that decoded: a broken band was reported.
    check_table(d, &bands);
    ok.then_some(bands)
}

fn decode_band(d: &mut Decoder<'_>, node: &Node) -> Option<TenureBand> {
    let what = format!("the tenure band at line {}", node.span.line);
    let f = d.fields(node, &what, &BAND_KEYS)?;
    let from = d.required(&f, "from_months", &what, "add `from_months: <first tenure in months of the band>`");
    let from = from.and_then(|n| months(d, n, "from_months"));
    let to = f.get("to_months").map(|n| months(d, n, "to_months"));
    let coefficient = d.required(&f, "coefficient", &what, "add `coefficient: 1.0`");
    let coefficient = coefficient.and_then(|n| coefficient_of(d, n));
    if let (Some(from), Some(Some(to))) = (&from, &to)
        && to.value < from.value
    {
        d.error(
            Code::InvalidValue,
            to.span,
            format!("the band ends (to_months {}) before it starts (from_months {})", to.value, from.value),
            Some("`to_months` is the band's last tenure, inclusive".to_owned()),
        );
        return None;
    }
    let from = from?;
    if from.value == 0 {
        d.error(
            Code::InvalidValue,
            from.span,
            "a band cannot start at 0 months: a customer who joined in the graded month has no month to average",
            Some("start the table at 1 month or later (seed 000 grades from 6 months)".to_owned()),
        );
        return None;
    }
    Some(TenureBand {
        from_months: from.value,
        to_months: match to {
            Some(t) => Some(t?.value),
            None => None,
        },
        coefficient_milli: coefficient?,
        span: f.span,
    })
}

fn months(d: &mut Decoder<'_>, node: &Node, key: &str) -> Option<Spanned<u32>> {
    let t = d.text(node, &format!("`{key}`"))?;
    match t.value.trim().parse::<u32>() {
        Ok(m) if m <= 12_000 => Some(Spanned { value: m, span: t.span }),
        _ => {
            d.error(
                Code::InvalidValue,
                t.span,
                format!("`{}` is not a whole number of months", t.value),
                Some(format!("write `{key}: 12`")),
            );
            None
        }
    }
}

fn coefficient_of(d: &mut Decoder<'_>, node: &Node) -> Option<u32> {
    let t = d.text(node, "`coefficient`")?;
    let parsed = parse_scaled(&t.value, COEFFICIENT_DECIMALS).and_then(|c| match u32::try_from(c) {
        Ok(c) if c > 0 && c <= MAX_COEFFICIENT_MILLI => Ok(c),
        _ => Err(format!("`{}` is not a coefficient above 0 and at most 100", t.value.trim())),
    });
    match parsed {
        Ok(c) => Some(c),
        Err(e) => {
            let help = format!("write a decimal with at most {COEFFICIENT_DECIMALS} decimals, e.g. `coefficient: 1.1`");
            d.error(Code::InvalidValue, t.span, e, Some(help));
            None
        }
    }
}

/// Starts strictly increasing, no gap and no overlap where `to_months` is written, coefficients
/// never decreasing, the last band open-ended.
fn check_table(d: &mut Decoder<'_>, bands: &[TenureBand]) {
    for pair in bands.windows(2) {
        let (prev, next) = (&pair[0], &pair[1]);
        if next.from_months <= prev.from_months {
            d.error(
                Code::InvalidValue,
                next.span,
                format!(
                    "the band from {} months does not start after the band before it (from {} months)",
                    next.from_months, prev.from_months
                ),
                Some("list the bands by tenure, shortest first, each starting later".to_owned()),
            );
            continue;
        }
        match prev.to_months {
            Some(to) if to + 1 < next.from_months => d.error(
                Code::InvalidValue,
                next.span,
                format!(
                    "a gap in the tenure table: {} to {} months have no coefficient (the band before ends at {to})",
                    to + 1,
                    next.from_months - 1
                ),
                Some(format!(
                    "start this band at {} months, or end the one before at {}",
                    to + 1,
                    next.from_months - 1
                )),
            ),
            Some(to) if to >= next.from_months => d.error(
                Code::InvalidValue,
                next.span,
                format!(
                    "the band from {} months overlaps the band before it, which runs to {to} months",
                    next.from_months
                ),
                Some(format!(
                    "start this band at {} months, or end the one before at {}",
                    to + 1,
                    next.from_months - 1
                )),
            ),
            _ => {}
        }
        if next.coefficient_milli < prev.coefficient_milli {
            d.error(
                Code::InvalidValue,
                next.span,
                format!(
                    "the coefficient {} of the band from {} months is below the {} of the shorter tenure before it",
                    milli(next.coefficient_milli),
                    next.from_months,
                    milli(prev.coefficient_milli)
                ),
                Some("a longer tenure must never lower a customer's value: coefficients may only grow".to_owned()),
            );
        }
    }
    if let Some(last) = bands.last()
        && let Some(to) = last.to_months
    {
        d.error(
            Code::InvalidValue,
            last.span,
            format!("the last band ends at {to} months: longer tenures would have no coefficient"),
            Some("leave `to_months` out of the last band; it runs on without end".to_owned()),
        );
    }
}

/// A thousandths value as a decimal with at least one decimal (`1000` is `1.0`, `1125` is `1.125`).
pub fn milli(v: u32) -> String {
    let s = format!("{}.{:03}", v / 1000, v % 1000);
    let trimmed = s.trim_end_matches('0');
    if trimmed.ends_with('.') { format!("{trimmed}0") } else { trimmed.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::{GradingRules, milli, parse_scaled};

    fn errors(text: &str) -> Vec<String> {
        let e = GradingRules::parse(text, "grading.yaml").unwrap_err();
        e.diagnostics
            .iter()
            .map(|d| {
                let s = d.span.unwrap_or(crate::model::diagnostic::Span::START);
                format!("{}:{} {} {}", s.line, s.column, d.code.as_str(), d.message)
            })
            .collect()
    }

    #[test]
    fn the_shipped_file_is_our_default() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("processes/grading.yaml");
        let shipped = GradingRules::load(&path).unwrap();
        let ours = GradingRules::ours();
        assert_eq!(shipped.shares_ppm, ours.shares_ppm);
        let strip = |r: &GradingRules| -> Vec<(u32, Option<u32>, u32)> {
            r.bands.iter().map(|b| (b.from_months, b.to_months, b.coefficient_milli)).collect()
        };
        assert_eq!(strip(&shipped), strip(&ours));
    }

    #[test]
    fn coefficients_by_tenure_and_band_ends() {
        let r = GradingRules::ours();
        let got: Vec<Option<u32>> = [0, 5, 6, 11, 12, 23, 24, 35, 36, 59, 60, 600].map(|m| r.coefficient(m)).to_vec();
        assert_eq!(
            got,
            [
                None,
                None,
                Some(1000),
                Some(1000),
                Some(1100),
                Some(1100),
                Some(1200),
                Some(1200),
                Some(1300),
                Some(1300),
                Some(1500),
                Some(1500)
            ]
        );
        assert_eq!((r.band_end(0), r.band_end(4), r.band_end(9)), (Some(11), None, None));
        let open = GradingRules::parse(
            "tenure_coefficients: [{from_months: 3, coefficient: 1}, {from_months: 9, coefficient: 2}]",
            "g",
        )
        .unwrap();
        assert_eq!((open.band_end(0), open.min_tenure(), open.shares_ppm), (Some(8), 3, super::SEED_SHARES_PPM));
    }

    #[test]
    fn decimals_are_exact() {
        assert_eq!(parse_scaled("112.5", 2), Ok(11_250));
        assert_eq!(parse_scaled(" 7 ", 2), Ok(700));
        assert_eq!(parse_scaled("1.100", 2), Ok(110));
        assert_eq!(parse_scaled("0.000001", 6), Ok(1));
        for bad in ["", ".5", "5.", "-1", "+1", "1e3", "1,000", "1.2.3", "١"] {
            assert!(parse_scaled(bad, 2).is_err(), "{bad:?}");
        }
        assert!(parse_scaled("0.125", 2).unwrap_err().contains("more than 2 decimals"));
        assert!(parse_scaled("99999999999999999999", 0).unwrap_err().contains("too large"));
        assert_eq!([1000, 1100, 1125, 15_000].map(milli), ["1.0", "1.1", "1.125", "15.0"]);
    }

    #[test]
    fn shares_are_checked_where_written() {
        let table = "tenure_coefficients: [{from_months: 6, coefficient: 1.0}]\n";
        let r = GradingRules::parse(&format!("shares: [0.1, 0.2, 0.5, 1]\n{table}"), "g").unwrap();
        assert_eq!(r.shares_ppm, [100_000, 200_000, 500_000, 1_000_000]);
        assert_eq!(
            errors(&format!("shares: [0.05, 0.30, 0.15, 5%]\n{table}")),
            [
                "1:22 invalid-value the three-star share 0.15 is not above the four-star share 0.30 before it",
                "1:28 invalid-value `5%` is a percentage; write shares as decimals (5 % is 0.05)",
            ]
        );
        assert_eq!(
            errors(&format!("shares: [0.05, 0.15, 0.30]\n{table}")),
            ["1:9 invalid-value `shares` needs four cumulative shares (five, four, three, two stars), found 3"]
        );
        assert_eq!(
            errors(&format!("shares: [0, 0.15, 0.30, 1.5]\n{table}")),
            [
                "1:10 invalid-value `0` is not a share above 0 and at most 1",
                "1:25 invalid-value `1.5` is not a share above 0 and at most 1",
            ]
        );
    }

    #[test]
    fn overlaps_gaps_and_order_are_located() {
        let text = "\
tenure_coefficients:
  - {from_months: 6, to_months: 11, coefficient: 1.0}
  - {from_months: 12, to_months: 23, coefficient: 1.1}
  - {from_months: 20, to_months: 35, coefficient: 1.2}
  - {from_months: 40, coefficient: 1.3}
  - {from_months: 30, coefficient: 1.4}
  - {from_months: 60, to_months: 99, coefficient: 1.35}
";
        assert_eq!(
            errors(text),
            [
                "4:5 invalid-value the band from 20 months overlaps the band before it, which runs to 23 months",
                "5:5 invalid-value a gap in the tenure table: 36 to 39 months have no coefficient (the band before ends at 35)",
                "6:5 invalid-value the band from 30 months does not start after the band before it (from 40 months)",
                "7:5 invalid-value the coefficient 1.35 of the band from 60 months is below the 1.4 of the shorter tenure before it",
                "7:5 invalid-value the last band ends at 99 months: longer tenures would have no coefficient",
            ]
        );
    }

    #[test]
    fn bad_bands_are_located() {
        let text = "\
description: ours
tenure_coefficients:
  - {from_months: 0, coefficient: 1.0}
  - {from_months: six, coefficient: 1.0}
  - {from_months: 12, to_months: 10, coefficient: 1.1}
  - {from_months: 24, coefficent: 1.2}
  - {from_months: 36, coefficient: 1.2345}
";
        assert_eq!(
            errors(text),
            [
                "3:19 invalid-value a band cannot start at 0 months: a customer who joined in the graded month has no month to average",
                "4:19 invalid-value `six` is not a whole number of months",
                "5:34 invalid-value the band ends (to_months 10) before it starts (from_months 12)",
                "6:23 unknown-key unknown key `coefficent` in the tenure band at line 6",
                "7:36 invalid-value `1.2345` has more than 3 decimals",
            ]
        );
        assert_eq!(
            errors("shares: [0.05, 0.15, 0.30, 0.70]\n"),
            ["1:1 missing-key grading.yaml has no `tenure_coefficients`"]
        );
        assert_eq!(errors("tenure_coefficients: []\n"), ["1:22 invalid-value `tenure_coefficients` has no band"]);
        assert_eq!(errors("# nothing\n"), ["1:1 yaml-syntax the file is empty"]);
        assert_eq!(errors("tenure_coefficient: [a\n").len(), 1);
    }
}
