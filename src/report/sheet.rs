//! A typed, format-neutral table of the monthly audit: what every writer (CSV, Excel, Markdown,
//! HTML) takes in, and the one way a cell becomes text.
//!
//! Owns [`Cell`], [`Sheet`] and [`looks_like_formula`]. Cells keep their type so that Excel gets
//! real numbers, percentages and dates while the text formats share one rendering:
//!
//! | cell | for people ([`Cell::text`]: Markdown, HTML, column widths) | CSV ([`Cell::csv_text`]) | Excel |
//! |---|---|---|---|
//! | `Int(-3)` | `-3` | `-3` | number, format `0` |
//! | `Num(1.234)` | `1.23` | `1.23` | number, format `0.00` |
//! | `Pct(0.1234)` | `12.34 %` | `0.1234` (the share, 4 decimals: as precise as the percent) | number `0.1234`, format `0.00%` |
//! | `Hours(1.5)` | `1.50` | `1.50` | number, format `0.00` |
//! | `Date` | `2026-10-01` | `2026-10-01` | date, format `yyyy-mm-dd` |
//! | `DateTime` | `2026-10-01 08:30:00` | `2026-10-01 08:30:00` | date, format `yyyy-mm-dd hh:mm:ss` |
//!
//! CSV carries the share rather than the percent so that a tool reads the same number as in
//! `summary.json` and in the Excel cell. A number that is not finite (NaN, infinity) is written
//! as an empty cell everywhere: no format can show it honestly. Rendering a cell costs one small
//! allocation; a sheet costs O(cells).

use chrono::{NaiveDate, NaiveDateTime};

/// One cell of a [`Sheet`], typed so each writer can show it in its own way.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing.
    Empty,
    /// Text, written as it is (escaped or neutralised by each writer, never interpreted).
    Text(String),
    /// A whole number: a count.
    Int(i64),
    /// A number with a fraction, shown with 2 decimals.
    Num(f64),
    /// A share between 0 and 1 (0.1234 is shown as `12.34 %`).
    Pct(f64),
    /// A duration in hours, shown with 2 decimals.
    Hours(f64),
    /// A calendar day.
    Date(NaiveDate),
    /// A date and time of day (no zone: the audit's zone, as the caller resolved it).
    DateTime(NaiveDateTime),
}

impl Cell {
    /// Whether the cell is a number (Int, Num, Pct, Hours): right-aligned in tables.
    pub fn is_number(&self) -> bool {
        matches!(self, Cell::Int(_) | Cell::Num(_) | Cell::Pct(_) | Cell::Hours(_))
    }

    /// The cell as people read it (Markdown, HTML): 2 decimals, percentages as `12.34 %`.
    ///
    /// # Example
    /// ```
    /// use flowaudit::report::sheet::Cell;
    /// assert_eq!(Cell::Pct(0.1234).text(), "12.34 %");
    /// assert_eq!(Cell::Num(-0.001).text(), "0.00");
    /// assert_eq!(Cell::Int(-3).text(), "-3");
    /// ```
    pub fn text(&self) -> String {
        match self {
            Cell::Pct(share) => fixed(share * 100.0, 2).map(|p| p + " %").unwrap_or_default(),
            other => other.csv_text(),
        }
    }

    /// The cell as a CSV field: like [`Cell::text`] but a percentage is its share with 4
    /// decimals (`0.1234`), a number a tool can read. Text is returned as it is: the CSV writer
    /// neutralises it.
    pub fn csv_text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Num(x) | Cell::Hours(x) => fixed(*x, 2).unwrap_or_default(),
            Cell::Pct(share) => fixed(*share, 4).unwrap_or_default(),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
            Cell::DateTime(t) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
        }
    }
}

/// `x` with `decimals` decimals, `None` when it is not finite; never `-0.00`.
fn fixed(x: f64, decimals: usize) -> Option<String> {
    if !x.is_finite() {
        return None;
    }
    let s = format!("{x:.decimals$}");
    // A small negative number rounds to "-0.00", which reads as a sign where there is none.
    Some(match s.strip_prefix('-') {
        Some(rest) if rest.bytes().all(|b| b == b'0' || b == b'.') => rest.to_owned(),
        _ => s,
    })
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_owned())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<i64> for Cell {
    fn from(n: i64) -> Cell {
        Cell::Int(n)
    }
}

impl From<u64> for Cell {
    /// A count; above `i64::MAX` (never a real count) it becomes a [`Cell::Num`].
    fn from(n: u64) -> Cell {
        #[expect(clippy::cast_precision_loss, reason = "only counts beyond i64::MAX, which lose precision anyway")]
        i64::try_from(n).map_or(Cell::Num(n as f64), Cell::Int)
    }
}

impl From<f64> for Cell {
    fn from(x: f64) -> Cell {
        Cell::Num(x)
    }
}

impl From<NaiveDate> for Cell {
    fn from(d: NaiveDate) -> Cell {
        Cell::Date(d)
    }
}

impl From<NaiveDateTime> for Cell {
    fn from(t: NaiveDateTime) -> Cell {
        Cell::DateTime(t)
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    /// `None` is [`Cell::Empty`].
    fn from(v: Option<T>) -> Cell {
        v.map_or(Cell::Empty, Into::into)
    }
}

/// A table of the audit: one CSV file, one worksheet, one HTML or Markdown table.
///
/// Rows should have `headers.len()` cells. Writers never drop a cell: a short row is padded
/// with empty cells, and a longer row widens the table under an empty heading (see
/// [`Sheet::width`]).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sheet {
    /// File and worksheet name stem, e.g. `conformance` (sanitised by each writer).
    pub id: String,
    /// The title shown to people.
    pub title: String,
    /// Column headings.
    pub headers: Vec<String>,
    /// The rows.
    pub rows: Vec<Vec<Cell>>,
    /// A caveat shown under the table, e.g. `rests on 12 rejected rows`.
    pub note: Option<String>,
}

impl Sheet {
    /// An empty sheet with these headings.
    pub fn new(id: impl Into<String>, title: impl Into<String>, headers: &[&str]) -> Sheet {
        Sheet {
            id: id.into(),
            title: title.into(),
            headers: headers.iter().map(|h| (*h).to_owned()).collect(),
            rows: Vec::new(),
            note: None,
        }
    }

    /// The sheet with this note.
    #[must_use]
    pub fn with_note(mut self, note: impl Into<String>) -> Sheet {
        self.note = Some(note.into());
        self
    }

    /// Adds a row.
    pub fn push(&mut self, row: Vec<Cell>) {
        self.rows.push(row);
    }

    /// Columns written: the headings or the longest row, whichever is wider. O(rows).
    pub fn width(&self) -> usize {
        self.rows.iter().map(Vec::len).fold(self.headers.len(), usize::max)
    }

    /// Heading of column `col` (empty past the headings).
    pub fn header(&self, col: usize) -> &str {
        self.headers.get(col).map_or("", String::as_str)
    }

    /// Cell `col` of `row` ([`Cell::Empty`] past its end).
    pub fn cell(row: &[Cell], col: usize) -> &Cell {
        row.get(col).unwrap_or(&Cell::Empty)
    }

    /// For each column, whether it holds numbers: at least one number and nothing but numbers
    /// and empty cells. Such columns are right-aligned. O(cells).
    pub fn numeric_columns(&self) -> Vec<bool> {
        (0..self.width())
            .map(|col| {
                let mut cells = self.rows.iter().map(|r| Sheet::cell(r, col)).filter(|c| **c != Cell::Empty);
                let mut any = false;
                cells.all(|c| {
                    any = true;
                    c.is_number()
                }) && any
            })
            .collect()
    }
}

/// Whether a spreadsheet would run `text` as a formula if it were typed in: it begins with `=`,
/// `+`, `-`, `@`, a tab or a carriage return (the OWASP list for CSV injection). Such text is
/// neutralised by the CSV and Excel writers; numbers are never touched.
///
/// # Example
/// ```
/// use flowaudit::report::sheet::looks_like_formula;
/// assert!(looks_like_formula("=HYPERLINK(\"http://x\",\"y\")"));
/// assert!(looks_like_formula("-2+3"));
/// assert!(!looks_like_formula("投诉 -2"));
/// ```
pub fn looks_like_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Strings every writer must make inert: markup, formulas, path escapes, quotes, backslashes.
#[cfg(test)]
pub(crate) const HOSTILE: [&str; 7] = [
    "<script>alert(1)</script>",
    "=HYPERLINK(\"http://x\",\"y\")",
    "+1",
    "-2+3",
    "@SUM(A1)",
    "../../x",
    "投诉处理\"流程\"\\",
];

/// A sheet whose headings, cells and note are the [`HOSTILE`] strings, with a number column.
#[cfg(test)]
pub(crate) fn hostile_sheet() -> Sheet {
    let mut s = Sheet::new("../hostile:[1]", "<b>Hostile</b> & \"co\"", &["text", "n", "share"]);
    s.headers[0] = HOSTILE[1].to_owned();
    for (i, h) in (0_i64..).zip(HOSTILE) {
        s.push(vec![Cell::Text(h.to_owned()), Cell::Int(-i), Cell::Pct(0.25)]);
    }
    s.with_note(HOSTILE[0])
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::{Cell, Sheet, looks_like_formula};

    #[test]
    fn cells_render_with_fixed_decimals() {
        let day = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
        let cases = [
            (Cell::Empty, "", ""),
            (Cell::Text("投诉".into()), "投诉", "投诉"),
            (Cell::Int(-3), "-3", "-3"),
            (Cell::Num(2.0 / 3.0), "0.67", "0.67"),
            (Cell::Num(-0.004), "0.00", "0.00"),
            (Cell::Pct(0.123_45), "12.35 %", "0.1235"),
            (Cell::Pct(1.0), "100.00 %", "1.0000"),
            (Cell::Hours(26.5), "26.50", "26.50"),
            (Cell::Num(f64::NAN), "", ""),
            (Cell::Pct(f64::INFINITY), "", ""),
            (Cell::Date(day), "2026-10-01", "2026-10-01"),
            (Cell::DateTime(day.and_hms_opt(8, 30, 5).unwrap()), "2026-10-01 08:30:05", "2026-10-01 08:30:05"),
        ];
        for (cell, text, csv) in cases {
            assert_eq!(cell.text(), text, "{cell:?}");
            assert_eq!(cell.csv_text(), csv, "{cell:?}");
        }
    }

    #[test]
    fn conversions() {
        assert_eq!(Cell::from("a"), Cell::Text("a".into()));
        assert_eq!(Cell::from(7_u64), Cell::Int(7));
        assert_eq!(Cell::from(None::<i64>), Cell::Empty);
        assert_eq!(Cell::from(Some(0.5)), Cell::Num(0.5));
    }

    #[test]
    fn width_covers_long_rows_and_numeric_columns_ignore_empty_cells() {
        let mut s = Sheet::new("t", "T", &["step", "count"]);
        s.push(vec!["a".into(), Cell::Int(1)]);
        s.push(vec!["b".into(), Cell::Empty, Cell::Pct(0.5)]);
        s.push(vec![Cell::Empty]);
        assert_eq!(s.width(), 3);
        assert_eq!(s.header(2), "");
        assert_eq!(Sheet::cell(&s.rows[2], 1), &Cell::Empty);
        assert_eq!(s.numeric_columns(), [false, true, true]);
        assert_eq!(Sheet::new("e", "E", &["x"]).numeric_columns(), [false]);
    }

    #[test]
    fn formula_starts() {
        for s in ["=1", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            assert!(looks_like_formula(s), "{s:?}");
        }
        for s in ["", "1", "a=1", " =1", "'=1", "投诉处理"] {
            assert!(!looks_like_formula(s), "{s:?}");
        }
    }
}
