//! A [`Sheet`] as a CSV file that Excel opens safely: UTF-8 with a byte-order mark (so Excel on
//! Windows reads Chinese), a header row, RFC 4180 quoting by the csv crate, and text that a
//! spreadsheet would run as a formula neutralised by a leading `'`.
//!
//! Owns [`write()`], [`neutralise`] and [`restore`]. Numbers are written by [`Cell::csv_text`] and
//! never touched (`-3` stays a number; a percentage is its share, `0.1234`). The note of a sheet
//! is not written: a CSV file is a table for tools. O(cells); memory: the csv crate's buffer.

use std::borrow::Cow;
use std::io::{self, Write};

use crate::report::sheet::{Cell, Sheet, looks_like_formula};

/// The UTF-8 byte-order mark Excel needs to read a CSV file as UTF-8.
pub const BOM: &str = "\u{feff}";

/// Writes `sheet` as CSV to `w`: the byte-order mark, the headings, then the rows, each
/// [`Sheet::width`] fields wide; text (headings too) goes through [`neutralise`].
///
/// # Example
/// ```
/// use flowaudit::report::csv_out;
/// use flowaudit::report::sheet::{Cell, Sheet};
/// let mut s = Sheet::new("t", "T", &["step", "change"]);
/// s.push(vec![Cell::from("=1+1"), Cell::Int(-3)]);
/// let mut out = Vec::new();
/// csv_out::write(&s, &mut out).unwrap();
/// assert_eq!(String::from_utf8(out).unwrap(), "\u{feff}step,change\n'=1+1,-3\n");
/// ```
pub fn write(sheet: &Sheet, mut w: impl Write) -> io::Result<()> {
    w.write_all(BOM.as_bytes())?;
    let mut out = csv::Writer::from_writer(w);
    let width = sheet.width();
    out.write_record((0..width).map(|col| bytes(neutralise(sheet.header(col)))))?;
    for row in &sheet.rows {
        out.write_record((0..width).map(|col| match Sheet::cell(row, col) {
            Cell::Text(s) => bytes(neutralise(s)),
            other => Cow::Owned(other.csv_text().into_bytes()),
        }))?;
    }
    out.flush()
}

/// A field as the bytes the csv crate takes, without copying borrowed text.
fn bytes(field: Cow<'_, str>) -> Cow<'_, [u8]> {
    match field {
        Cow::Borrowed(s) => Cow::Borrowed(s.as_bytes()),
        Cow::Owned(s) => Cow::Owned(s.into_bytes()),
    }
}

/// `text` with a leading `'` when a spreadsheet would run it as a formula
/// ([`looks_like_formula`]) or when it already begins with `'`. The second case keeps the
/// neutralising quote unambiguous: [`restore`] takes exactly one `'` back off, so every text
/// survives a round trip.
///
/// # Example
/// ```
/// use flowaudit::report::csv_out::{neutralise, restore};
/// assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
/// assert_eq!(neutralise("'quoted"), "''quoted");
/// assert_eq!(neutralise("投诉"), "投诉");
/// assert_eq!(restore(&neutralise("'=x")), "'=x");
/// ```
pub fn neutralise(text: &str) -> Cow<'_, str> {
    if looks_like_formula(text) || text.starts_with('\'') {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// The text a [`neutralise`]d field stood for: one leading `'` removed when what follows it
/// would have been neutralised. For tools that read our CSV back.
pub fn restore(field: &str) -> &str {
    match field.strip_prefix('\'') {
        Some(rest) if looks_like_formula(rest) || rest.starts_with('\'') => rest,
        _ => field,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{BOM, neutralise, restore, write};
    use crate::report::sheet::{Cell, HOSTILE, Sheet, hostile_sheet};

    /// The records of a CSV file we wrote, BOM checked and removed.
    fn read_back(bytes: &[u8]) -> Vec<Vec<String>> {
        let text = std::str::from_utf8(bytes).unwrap();
        let body = text.strip_prefix(BOM).expect("starts with the BOM");
        let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(body.as_bytes());
        r.records().map(|rec| rec.unwrap().iter().map(str::to_owned).collect()).collect()
    }

    #[test]
    fn hostile_text_is_neutralised_and_numbers_are_not() {
        let mut out = Vec::new();
        write(&hostile_sheet(), &mut out).unwrap();
        let records = read_back(&out);
        assert_eq!(records[0], ["'=HYPERLINK(\"http://x\",\"y\")", "n", "share"]);
        let expected = [
            "<script>alert(1)</script>",
            "'=HYPERLINK(\"http://x\",\"y\")",
            "'+1",
            "'-2+3",
            "'@SUM(A1)",
            "../../x",
            "投诉处理\"流程\"\\",
        ];
        for (i, (record, want)) in records[1..].iter().zip(expected).enumerate() {
            assert_eq!(record[0], want);
            assert_eq!(record[1], format!("{}", -i64::try_from(i).unwrap()), "numbers stay numbers");
            assert_eq!(record[2], "0.2500");
            assert_eq!(restore(&record[0]), HOSTILE[i]);
        }
        assert_eq!(records.len(), HOSTILE.len() + 1, "the note is not a row");
    }

    #[test]
    fn short_and_long_rows_are_padded_to_one_width() {
        let mut s = Sheet::new("t", "T", &["a", "b"]);
        s.push(vec![Cell::Int(1)]);
        s.push(vec![Cell::Int(1), Cell::Int(2), Cell::Num(3.0)]);
        let mut out = Vec::new();
        write(&s, &mut out).unwrap();
        assert_eq!(std::str::from_utf8(&out).unwrap(), "\u{feff}a,b,\n1,,\n1,2,3.00\n");
    }

    #[test]
    fn tabs_and_carriage_returns_are_neutralised() {
        assert_eq!(neutralise("\t=1"), "'\t=1");
        assert_eq!(neutralise("\r=1"), "'\r=1");
        assert_eq!(restore("'"), "'", "a lone quote was never neutralised");
    }

    proptest! {
        #[test]
        fn any_text_round_trips(text in any::<String>(), head in "[=+@'\\-\t\r]?\\PC{0,8}") {
            let mut s = Sheet::new("p", "P", &[head.as_str()]);
            s.push(vec![Cell::Text(text.clone())]);
            let mut out = Vec::new();
            write(&s, &mut out).unwrap();
            let records = read_back(&out);
            prop_assert_eq!(restore(&records[0][0]), head.as_str());
            prop_assert_eq!(restore(&records[1][0]), text.as_str());
            prop_assert!(!super::looks_like_formula(&records[1][0]));
        }
    }
}
