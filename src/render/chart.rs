//! Small SVG line charts of our own: a month-by-month trend of one figure, one line per series,
//! an optional dashed benchmark line, axis labels and a legend.
//!
//! Owns [`Chart`], [`Series`], [`line_chart`], [`escape`] and the y axis's [`ticks`]. We write
//! the SVG ourselves rather than use a plotting crate: a few polylines, axis labels and a legend
//! need about 200 lines and stay byte-deterministic (numbers with fixed decimals, elements in a
//! fixed order), where `plotters` would add a dependency tree and font handling for text it does
//! not need to measure. Text widths are estimated from the characters' display width, which is
//! enough to place labels and wrap the legend.
//!
//! The output is one standalone `<svg>` element (no XML prolog), 480 x 240 (taller by a row per
//! extra legend row), with presentation attributes only (no `<style>`, no scripts), so it can be
//! embedded in an HTML report or saved as a file. Every label goes through [`escape`]. O(series x
//! points x months) time, O(output) memory.

use std::fmt::Write as _;

use unicode_width::UnicodeWidthStr;

/// One line of a chart: its name (in the legend) and its values by x label.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Its name in the legend.
    pub name: String,
    /// `(x label, value)` in order, e.g. `("2026-09", Some(0.924))`; `None` is a month not
    /// measured: the line breaks there.
    pub points: Vec<(String, Option<f64>)>,
}

/// A line chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// The title above the plot.
    pub title: String,
    /// The y axis's label.
    pub y_label: String,
    /// Whether the values are shares (0 to 1) shown as percentages.
    pub percent: bool,
    /// A benchmark value, drawn as a dashed line across the plot.
    pub target: Option<f64>,
    /// The lines, drawn in order (later lines over earlier ones).
    pub series: Vec<Series>,
}

/// Colour-blind-safe line colours (Okabe and Ito's palette without its yellow, which is too
/// light on white), used in series order and then again.
pub const PALETTE: [&str; 7] = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000"];

const WIDTH: f64 = 480.0;
const HEIGHT: f64 = 240.0;
const LEFT: f64 = 60.0;
const RIGHT: f64 = WIDTH - 16.0;
const TOP: f64 = 32.0;
const BOTTOM: f64 = 172.0;
const LEGEND_Y: f64 = 214.0;
const LEGEND_ROW: f64 = 14.0;
const TARGET_COLOUR: &str = "#444444";
/// Estimated width of one display column of 10 px sans-serif text.
const COLUMN_PX: f64 = 5.6;

/// `text` made safe for XML text and attribute values: `&`, `<`, `>`, `"` and `'` as entities,
/// control characters (line breaks too) and the non-characters U+FFFE and U+FFFF, which XML
/// forbids, as spaces.
///
/// # Example
/// ```
/// use flowaudit::render::chart::escape;
/// assert_eq!(escape("<script>alert('x')</script> & \"投诉\"\n"), "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;投诉&quot; ");
/// ```
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push(' '),
            c => crate::render::dot::push_html(&mut out, c),
        }
    }
    out
}

/// The ticks of an axis from 0: evenly spaced by a "nice" step (1, 2 or 5 x 10^k), the last at
/// or above the data's maximum, at most 6 in all, with the decimals their labels need.
#[derive(Debug, Clone, PartialEq)]
pub struct Ticks {
    /// Tick values, from 0 up, the last one the axis's top.
    pub values: Vec<f64>,
    /// Decimals that write every tick exactly (0 for a step of 1 or more).
    pub decimals: usize,
}

/// The ticks of an axis from 0 to `max` (rounded up to the next multiple of a nice step). A
/// `max` that is not above 0 (or not a number) gives the axis 0 to 1.
///
/// Cost: O(1).
///
/// # Example
/// ```
/// use flowaudit::render::chart::ticks;
/// assert_eq!(ticks(92.4).values, [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
/// assert_eq!(ticks(4.65).values, [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]);
/// let t = ticks(0.07);
/// assert_eq!((t.values.len(), t.decimals), (5, 2)); // 0, 0.02, 0.04, 0.06, 0.08
/// ```
pub fn ticks(max: f64) -> Ticks {
    let max = if max > 0.0 && max.is_finite() { max } else { 1.0 };
    let raw = max / 5.0;
    let k0 = floor_log10(raw);
    // The smallest nice step of at least a fifth of the maximum: at most 5 intervals.
    let (m, k) = (k0 - 1..=k0 + 1)
        .flat_map(|k| [1u32, 2, 5].map(|m| (m, k)))
        .find(|&(m, k)| scaled(m, k) >= raw)
        .unwrap_or((1, k0 + 1));
    let step = scaled(m, k);
    // Allow for the division's last digit: 1.0 / 0.2 must be 5 intervals, not 6.
    let n = ((max / step) - 1e-9).ceil().clamp(1.0, 5.0);
    #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "n is 1 to 5")]
    let n = n as u32;
    Ticks { values: (0..=n).map(|i| scaled(i * m, k)).collect(), decimals: usize::try_from(-k).unwrap_or(0) }
}

fn floor_log10(x: f64) -> i32 {
    #[expect(clippy::cast_possible_truncation, reason = "the logarithm of a finite f64 is within ±324")]
    let k = x.log10().floor() as i32;
    k
}

/// `m x 10^k`, computed so that small steps are exact decimals (a division by an exact power of
/// ten, not a multiplication by an inexact one).
fn scaled(m: u32, k: i32) -> f64 {
    let pow = 10f64.powi(k.abs());
    if k >= 0 { f64::from(m) * pow } else { f64::from(m) / pow }
}

/// A count of months, series or legend rows as a number of pixels' worth.
fn count(n: usize) -> f64 {
    #[expect(clippy::cast_precision_loss, reason = "a chart has far fewer than 2^52 of anything")]
    let n = n as f64;
    n
}

/// A coordinate with one decimal, never `-0.0`.
fn px(v: f64) -> String {
    format!("{:.1}", v + 0.0)
}

/// Estimated width in pixels of `text` at 10 px.
fn text_px(text: &str) -> f64 {
    #[expect(clippy::cast_precision_loss, reason = "labels are far shorter than 2^52 columns")]
    let columns = text.width() as f64;
    columns * COLUMN_PX
}

/// The x labels of all series, in order of first appearance.
fn months(chart: &Chart) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for (x, _) in chart.series.iter().flat_map(|s| &s.points) {
        if !out.contains(&x.as_str()) {
            out.push(x);
        }
    }
    out
}

/// How the chart's values map to the plot.
struct Scale {
    ticks: Ticks,
    /// Values are multiplied by this for the axis (100 for percentages).
    factor: f64,
    /// Whether axis values are percentages.
    percent: bool,
    top: f64,
    slot: f64,
}

impl Scale {
    fn x(&self, i: usize) -> f64 {
        LEFT + self.slot * (count(i) + 0.5)
    }

    fn y(&self, value: f64) -> f64 {
        BOTTOM - (BOTTOM - TOP) * (value * self.factor / self.top)
    }

    fn label(&self, value: f64, decimals: usize) -> String {
        let suffix = if self.percent { " %" } else { "" };
        format!("{:.decimals$}{suffix}", value * self.factor)
    }
}

/// A value that is drawn: finite and not negative (the charts' figures never are).
fn drawn(v: Option<f64>) -> Option<f64> {
    v.filter(|v| v.is_finite() && *v >= 0.0)
}

/// Draws `chart` as a standalone `<svg>` element.
///
/// The x axis has one slot per x label (in order of first appearance over the series), the y axis
/// runs from 0 to a nice top above every value and the target (percentages: 0 % up to at most
/// 100 % for shares). A missing value (`None`, negative or not a number) breaks its line; a value
/// between two gaps is drawn as a dot. The same chart gives the same bytes.
///
/// Cost: O(series x points x months + output).
///
/// # Example
/// ```
/// use flowaudit::render::chart::{Chart, Series, line_chart};
/// let chart = Chart {
///     title: "Conformance rate".into(),
///     y_label: "tickets".into(),
///     percent: true,
///     target: Some(0.90),
///     series: vec![Series { name: "complaint-linear".into(), points: vec![("2026-09".into(), Some(0.92)), ("2026-10".into(), Some(0.924))] }],
/// };
/// let svg = line_chart(&chart);
/// assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\"") && svg.ends_with("</svg>\n"));
/// assert!(svg.contains(">100 %</text>") && svg.contains("stroke-dasharray"));
/// ```
pub fn line_chart(chart: &Chart) -> String {
    let months = months(chart);
    let target = drawn(chart.target);
    let factor = if chart.percent { 100.0 } else { 1.0 };
    let max =
        chart.series.iter().flat_map(|s| &s.points).filter_map(|(_, v)| drawn(*v)).chain(target).fold(0.0, f64::max);
    let ticks = ticks(if chart.percent && max <= 0.0 { 100.0 } else { max * factor });
    let top = ticks.values.last().copied().unwrap_or(1.0);
    let slot = (RIGHT - LEFT) / count(months.len().max(1));
    let scale = Scale { ticks, factor, percent: chart.percent, top, slot };
    let legend = legend_items(chart, &scale, target);
    let rows = legend_rows(&legend);
    let height = HEIGHT + LEGEND_ROW * count(rows.len().max(1) - 1);

    let mut out = String::new();
    let (w, h) = (format!("{WIDTH:.0}"), format!("{height:.0}"));
    let title = escape(&chart.title);
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{title}\" font-family=\"sans-serif\" font-size=\"10\">"
    );
    let _ = writeln!(out, "<title>{title}</title>");
    let _ = writeln!(out, "<rect width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>");
    let _ = writeln!(out, "<text x=\"8\" y=\"18\" font-size=\"12\" font-weight=\"bold\">{title}</text>");
    write_axes(&mut out, chart, &scale, &months);
    if let Some(t) = target {
        let y = px(scale.y(t));
        let _ = writeln!(
            out,
            "<line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"{TARGET_COLOUR}\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>",
            px(LEFT),
            px(RIGHT)
        );
    }
    for (i, s) in chart.series.iter().enumerate() {
        write_series(&mut out, s, PALETTE[i % PALETTE.len()], &scale, &months);
    }
    write_legend(&mut out, &legend, &rows);
    out.push_str("</svg>\n");
    out
}

/// Grid lines and tick labels of the y axis, its label, the axes and the x labels (thinned so
/// they do not overlap).
fn write_axes(out: &mut String, chart: &Chart, scale: &Scale, months: &[&str]) {
    for &v in &scale.ticks.values {
        let y = px(BOTTOM - (BOTTOM - TOP) * (v / scale.top));
        let label = format!("{v:.d$}{}", if chart.percent { " %" } else { "" }, d = scale.ticks.decimals);
        let _ =
            writeln!(out, "<line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"#dddddd\"/>", px(LEFT), px(RIGHT));
        let _ = writeln!(out, "<text x=\"{}\" y=\"{y}\" dy=\"3\" text-anchor=\"end\">{label}</text>", px(LEFT - 6.0));
    }
    let middle = px(f64::midpoint(TOP, BOTTOM));
    let _ = writeln!(
        out,
        "<text transform=\"translate(14 {middle}) rotate(-90)\" text-anchor=\"middle\">{}</text>",
        escape(&chart.y_label)
    );
    let _ = writeln!(
        out,
        "<path d=\"M{l} {t} V{b} H{r}\" fill=\"none\" stroke=\"#888888\"/>",
        l = px(LEFT),
        t = px(TOP),
        b = px(BOTTOM),
        r = px(RIGHT)
    );
    let widest = months.iter().map(|m| text_px(m)).fold(0.0, f64::max) + 8.0;
    #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "a small positive ratio")]
    let every = ((widest / scale.slot).ceil() as usize).max(1);
    for (i, m) in months.iter().enumerate().filter(|(i, _)| i % every == 0) {
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            px(scale.x(i)),
            px(BOTTOM + 14.0),
            escape(m)
        );
    }
}

/// One series: a polyline per run of measured months, a dot for a month alone between gaps.
fn write_series(out: &mut String, s: &Series, colour: &str, scale: &Scale, months: &[&str]) {
    let value = |m: &str| s.points.iter().find(|(x, _)| x == m).and_then(|(_, v)| drawn(*v));
    let _ = writeln!(out, "<g>\n<title>{}</title>", escape(&s.name));
    let mut run: Vec<(f64, f64)> = Vec::new();
    let flush = |out: &mut String, run: &mut Vec<(f64, f64)>| {
        match run.as_slice() {
            [] => {}
            [(x, y)] => {
                let _ = writeln!(out, "<circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"{colour}\"/>", px(*x), px(*y));
            }
            points => {
                let points: Vec<String> = points.iter().map(|(x, y)| format!("{},{}", px(*x), px(*y))).collect();
                let _ = writeln!(
                    out,
                    "<polyline points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" stroke-linejoin=\"round\"/>",
                    points.join(" ")
                );
            }
        }
        run.clear();
    };
    for (i, m) in months.iter().enumerate() {
        match value(m) {
            Some(v) => run.push((scale.x(i), scale.y(v))),
            None => flush(out, &mut run),
        }
    }
    flush(out, &mut run);
    out.push_str("</g>\n");
}

/// A legend entry: its text, colour and whether its swatch is dashed (the target).
struct LegendItem {
    text: String,
    colour: &'static str,
    dashed: bool,
}

fn legend_items(chart: &Chart, scale: &Scale, target: Option<f64>) -> Vec<LegendItem> {
    let mut items: Vec<LegendItem> = chart
        .series
        .iter()
        .enumerate()
        .map(|(i, s)| LegendItem { text: s.name.clone(), colour: PALETTE[i % PALETTE.len()], dashed: false })
        .collect();
    if let Some(t) = target {
        let text = format!("target {}", scale.label(t, scale.ticks.decimals.max(2)));
        items.push(LegendItem { text, colour: TARGET_COLOUR, dashed: true });
    }
    items
}

/// Each legend row's entries with their x positions: a 20 px swatch, the text, 16 px between
/// entries, a new row when the next entry would pass the plot's right edge.
fn legend_rows(items: &[LegendItem]) -> Vec<Vec<(f64, &LegendItem)>> {
    let mut rows: Vec<Vec<(f64, &LegendItem)>> = vec![Vec::new()];
    let mut x = LEFT;
    for item in items {
        let w = 24.0 + text_px(&item.text);
        if x + w > RIGHT && x > LEFT {
            rows.push(Vec::new());
            x = LEFT;
        }
        if let Some(row) = rows.last_mut() {
            row.push((x, item));
        }
        x += w + 16.0;
    }
    rows
}

fn write_legend(out: &mut String, items: &[LegendItem], rows: &[Vec<(f64, &LegendItem)>]) {
    if items.is_empty() {
        return;
    }
    for (r, row) in rows.iter().enumerate() {
        let y = LEGEND_Y + LEGEND_ROW * count(r);
        for (x, item) in row {
            let dash = if item.dashed { " stroke-dasharray=\"6 4\"" } else { "" };
            let _ = writeln!(
                out,
                "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"2\"{dash}/>",
                px(*x),
                px(y - 3.5),
                px(x + 20.0),
                px(y - 3.5),
                item.colour
            );
            let _ = writeln!(out, "<text x=\"{}\" y=\"{}\">{}</text>", px(x + 24.0), px(y), escape(&item.text));
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{Chart, Series, escape, line_chart, ticks};

    fn series(name: &str, values: &[Option<f64>]) -> Series {
        let points = values.iter().enumerate().map(|(i, v)| (format!("2026-{:02}", i + 5), *v)).collect();
        Series { name: name.to_owned(), points }
    }

    fn two_series() -> Chart {
        Chart {
            title: "Conformance rate by month".to_owned(),
            y_label: "tickets with no deviation".to_owned(),
            percent: true,
            target: Some(0.90),
            series: vec![
                series("complaint-linear", &[Some(0.91), Some(0.924), None, Some(0.88), Some(0.93), Some(0.925)]),
                series("complaint-flat 扁平", &[None, Some(0.95), None, Some(0.97), Some(0.96), None]),
            ],
        }
    }

    #[test]
    fn two_series_and_a_target() {
        let svg = line_chart(&two_series());
        assert_eq!(svg, line_chart(&two_series()), "the same chart gives the same bytes");
        // The linear line breaks at the gap; the flat one's second value stands alone: a dot.
        assert_eq!(svg.matches("<polyline").count(), 3);
        assert_eq!(svg.matches("<circle").count(), 1);
        insta::assert_snapshot!(svg);
    }

    #[test]
    fn hostile_labels_are_inert() {
        let chart = Chart {
            title: "<script>alert(1)</script>".to_owned(),
            y_label: "a\" onload=\"x".to_owned(),
            percent: false,
            target: None,
            series: vec![Series {
                name: "]]><!-- & ' \u{0}".to_owned(),
                points: vec![("<b>".to_owned(), Some(1.0)), ("</svg>".to_owned(), Some(2.0))],
            }],
        };
        let svg = line_chart(&chart);
        assert!(!svg.contains("<script") && !svg.contains("<b>") && !svg.contains("<!--"), "{svg}");
        assert!(!svg.contains("\" onload"), "{svg}");
        assert_eq!(svg.matches("</svg>").count(), 1);
        assert!(!svg.contains('\u{0}'));
        assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && svg.contains("]]&gt;&lt;!-- &amp; &#39;"));
        assert_eq!(escape("a\r\nb\u{7f}\u{FFFE}"), "a  b  ");
    }

    #[test]
    fn axes_by_kind_of_figure() {
        let complaints = Chart {
            title: "Complaint rate".to_owned(),
            y_label: "complaints per contact".to_owned(),
            percent: true,
            target: Some(0.0005),
            series: vec![series("centre", &[Some(0.0004), Some(0.0007)])],
        };
        let svg = line_chart(&complaints);
        assert!(svg.contains(">0.08 %</text>") && svg.contains("target 0.05 %"), "{svg}");
        let handoffs = Chart { percent: false, target: Some(3.5), ..complaints };
        let svg = line_chart(&Chart { series: vec![series("flat", &[Some(3.1), Some(4.65)])], ..handoffs });
        assert!(svg.contains(">5</text>") && svg.contains("target 3.50"), "{svg}");
        let empty = line_chart(&Chart { series: Vec::new(), target: None, ..two_series() });
        assert!(empty.contains(">100 %</text>") && !empty.contains("<polyline"), "{empty}");
    }

    #[test]
    fn many_months_thin_their_labels_and_a_long_legend_wraps() {
        let values: Vec<Option<f64>> = (0..24).map(|i| Some(f64::from(i) / 30.0)).collect();
        let names = ["a long series name one", "a long series name two", "a long series name three"];
        let chart = Chart { series: names.iter().map(|n| series(n, &values)).collect(), ..two_series() };
        let svg = line_chart(&chart);
        let labels = svg.matches("text-anchor=\"middle\">2026-").count();
        assert!((6..24).contains(&labels), "{labels} x labels");
        assert!(svg.contains("height=\"254\""), "a second legend row: {}", svg.lines().next().unwrap());
    }

    proptest! {
        /// The ticks start at 0, increase by one step, cover the data, and are at most 6.
        #[test]
        fn ticks_cover_the_data(mantissa in 1.0f64..10.0, exponent in -8i32..9) {
            let max = mantissa * 10f64.powi(exponent);
            let t = ticks(max);
            prop_assert!(t.values.len() >= 2 && t.values.len() <= 6, "{:?}", t);
            prop_assert!(t.values[0].abs() < f64::MIN_POSITIVE, "{:?}", t);
            prop_assert!(t.values.windows(2).all(|w| w[1] > w[0]), "{:?}", t);
            let top = *t.values.last().unwrap();
            prop_assert!(top >= max * (1.0 - 1e-9), "{} below {}", top, max);
            prop_assert!(top <= max * 2.5 + 1e-300, "{} far above {}", top, max);
            let labels: Vec<String> = t.values.iter().map(|v| format!("{v:.d$}", d = t.decimals)).collect();
            let mut distinct = labels.clone();
            distinct.dedup();
            prop_assert_eq!(distinct.len(), labels.len(), "labels {:?}", labels);
        }
    }
}
