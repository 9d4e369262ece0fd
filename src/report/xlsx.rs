//! [`Sheet`]s as an Excel workbook (`audit.xlsx`), one worksheet per sheet, written with
//! `rust_xlsxwriter`.
//!
//! Owns [`workbook`], [`sheet_names`] and [`WorkbookError`]. Numbers are real numbers (a
//! percentage is its share with the `0.00%` format), dates are Excel dates, the heading row is
//! bold, frozen, filterable and repeated on every printed page (A4, one page wide, the title in
//! the page header), and column widths follow the widest text (a CJK character counts double).
//! Text a spreadsheet would run as a formula ([`looks_like_formula`]) is stored as text with
//! Excel's quote prefix, so editing the cell cannot turn it into a formula. The note goes one
//! empty row under the table, in italics. The same sheets and creation time give the same
//! bytes: the creation time in the document properties is the caller's (the audit month's
//! first day), never the clock. Memory: the whole workbook, then its bytes; O(cells).

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use rust_xlsxwriter::{
    ColNum, DocProperties, ExcelDateTime, Format, FormatBorder, RowNum, Workbook, Worksheet, XlsxError,
};
use thiserror::Error;
use unicode_width::UnicodeWidthStr;

use crate::report::sheet::{Cell, Sheet, looks_like_formula};

/// Excel's rows per worksheet.
const MAX_ROWS: usize = 1_048_576;
/// Excel's columns per worksheet.
const MAX_COLS: usize = 16_384;
/// Excel's longest worksheet name, in UTF-16 units.
const MAX_SHEET_NAME: usize = 31;
/// Largest integer Excel stores exactly (15 digits); larger ones are written as text.
const MAX_EXACT_INT: i64 = 999_999_999_999_999;

/// Why a workbook could not be made, and where.
#[derive(Debug, Error)]
pub enum WorkbookError {
    /// A sheet does not fit in a worksheet.
    #[error("sheet `{sheet}`: {rows} rows by {cols} columns do not fit Excel's 1,048,576 by 16,384")]
    TooLarge {
        /// The sheet's id.
        sheet: String,
        /// Rows needed: heading, data and note.
        rows: usize,
        /// Columns needed.
        cols: usize,
    },
    /// Writing one cell (or setting up a worksheet) failed.
    #[error("sheet `{sheet}`, cell {cell}: {source}")]
    Cell {
        /// The sheet's id.
        sheet: String,
        /// The cell, e.g. `B7`, or `-` for the worksheet itself.
        cell: String,
        /// The cause.
        #[source]
        source: XlsxError,
    },
    /// The creation time cannot be an Excel date (before 1900 or after 9999).
    #[error("workbook creation time {created}: {source}")]
    Created {
        /// The time given.
        created: NaiveDateTime,
        /// The cause.
        #[source]
        source: XlsxError,
    },
    /// Assembling the file failed.
    #[error("workbook: {0}")]
    Save(#[source] XlsxError),
}

/// The worksheet names of `sheets`, in order: each id with `[ ] : * ? / \` and control
/// characters replaced by `_`, no apostrophe at either end, at most 31 UTF-16 units, never
/// empty (`Sheet`), never Excel's reserved `History`, and unique regardless of case (a
/// repeated name gets `~2`, `~3`, ...). O(sheets x name length).
///
/// # Example
/// ```
/// use flowaudit::report::sheet::Sheet;
/// use flowaudit::report::xlsx::sheet_names;
/// let sheets = [Sheet::new("a/b", "", &[]), Sheet::new("A:B", "", &[]), Sheet::new("'history'", "", &[])];
/// assert_eq!(sheet_names(&sheets), ["a_b", "A_B~2", "history_"]);
/// ```
pub fn sheet_names(sheets: &[Sheet]) -> Vec<String> {
    let mut taken = BTreeSet::new();
    sheets
        .iter()
        .map(|s| {
            let base = clean_sheet_name(&s.id);
            let mut name = base.clone();
            let mut n = 1;
            while !taken.insert(name.to_lowercase()) {
                n += 1;
                let suffix = format!("~{n}");
                name = clean_sheet_name(&cut_utf16(&base, MAX_SHEET_NAME - suffix.len())) + &suffix;
            }
            name
        })
        .collect()
}

/// One id as a valid worksheet name, uniqueness aside.
fn clean_sheet_name(id: &str) -> String {
    let replaced: String = id
        .chars()
        .map(|c| if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') || c.is_control() { '_' } else { c })
        .collect();
    let name = cut_utf16(replaced.trim_matches('\''), MAX_SHEET_NAME);
    let name = name.trim_end_matches('\'');
    if name.is_empty() {
        "Sheet".to_owned()
    } else if name.eq_ignore_ascii_case("History") {
        format!("{name}_")
    } else {
        name.to_owned()
    }
}

/// The longest prefix of `s` of at most `max` UTF-16 units.
fn cut_utf16(s: &str, max: usize) -> String {
    let mut units = 0;
    s.chars()
        .take_while(|c| {
            units += c.len_utf16();
            units <= max
        })
        .collect()
}

/// The formats of one workbook.
struct Formats {
    /// Headings: bold with a rule under them.
    header: Format,
    /// Headings that look like formulas.
    header_quoted: Format,
    /// Text that looks like a formula.
    quoted: Format,
    /// Text of several lines.
    wrapped: Format,
    /// Text of several lines that looks like a formula.
    quoted_wrapped: Format,
    /// Counts.
    int: Format,
    /// Numbers and hours.
    num: Format,
    /// Shares.
    pct: Format,
    /// Days.
    date: Format,
    /// Times.
    datetime: Format,
    /// The note.
    note: Format,
    /// A note that looks like a formula.
    note_quoted: Format,
}

impl Formats {
    fn new() -> Formats {
        let header = Format::new().set_bold().set_border_bottom(FormatBorder::Thin);
        let note = Format::new().set_italic();
        Formats {
            header_quoted: header.clone().set_quote_prefix(),
            header,
            quoted: Format::new().set_quote_prefix(),
            wrapped: Format::new().set_text_wrap(),
            quoted_wrapped: Format::new().set_quote_prefix().set_text_wrap(),
            int: Format::new().set_num_format("0"),
            num: Format::new().set_num_format("0.00"),
            pct: Format::new().set_num_format("0.00%"),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            datetime: Format::new().set_num_format("yyyy-mm-dd hh:mm:ss"),
            note_quoted: note.clone().set_quote_prefix(),
            note,
        }
    }
}

/// The workbook of `sheets`, one worksheet each named by [`sheet_names`], as `.xlsx` bytes;
/// `created` is written as the document's creation (and modification) time, so the same input
/// gives the same bytes.
///
/// # Example
/// ```
/// use flowaudit::report::sheet::{Cell, Sheet};
/// use flowaudit::report::xlsx::workbook;
/// let mut s = Sheet::new("conformance", "Conformance", &["process", "fitness"]);
/// s.push(vec![Cell::from("投诉处理"), Cell::Pct(0.93)]);
/// let created = chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
/// let bytes = workbook(&[s.clone()], created).unwrap();
/// assert!(bytes.starts_with(b"PK"));
/// assert_eq!(bytes, workbook(&[s], created).unwrap());
/// ```
pub fn workbook(sheets: &[Sheet], created: NaiveDateTime) -> Result<Vec<u8>, WorkbookError> {
    let when = excel_datetime(created).map_err(|source| WorkbookError::Created { created, source })?;
    let mut book = Workbook::new();
    book.set_properties(&DocProperties::new().set_creation_datetime(&when));
    let formats = Formats::new();
    for (sheet, name) in sheets.iter().zip(sheet_names(sheets)) {
        let ws = book.add_worksheet();
        write_sheet(ws, &name, sheet, &formats)?;
    }
    book.save_to_buffer().map_err(WorkbookError::Save)
}

/// Fills one worksheet.
fn write_sheet(ws: &mut Worksheet, name: &str, sheet: &Sheet, f: &Formats) -> Result<(), WorkbookError> {
    let width = sheet.width();
    let rows = 1 + sheet.rows.len() + if sheet.note.is_some() { 2 } else { 0 };
    if rows > MAX_ROWS || width > MAX_COLS {
        return Err(WorkbookError::TooLarge { sheet: sheet.id.clone(), rows, cols: width });
    }
    let at = |row: usize, col: usize| {
        // Both fit: checked against Excel's limits above.
        let (r, c) = (RowNum::try_from(row).unwrap_or(RowNum::MAX), ColNum::try_from(col).unwrap_or(ColNum::MAX));
        let cell = move |source| WorkbookError::Cell {
            sheet: sheet.id.clone(),
            cell: rust_xlsxwriter::utility::row_col_to_cell(r, c),
            source,
        };
        (r, c, cell)
    };
    let whole = |source| WorkbookError::Cell { sheet: sheet.id.clone(), cell: "-".to_owned(), source };
    ws.set_name(name).map_err(whole)?;
    for col in 0..width {
        let (r, c, err) = at(0, col);
        let h = sheet.header(col);
        let format = if looks_like_formula(h) { &f.header_quoted } else { &f.header };
        ws.write_string_with_format(r, c, h, format).map_err(err)?;
        let (_, c, err) = at(0, col);
        ws.set_column_width(c, column_width(sheet, col)).map_err(err)?;
    }
    for (i, row) in sheet.rows.iter().enumerate() {
        for col in 0..width {
            let (r, c, err) = at(i + 1, col);
            write_cell(ws, r, c, Sheet::cell(row, col), f).map_err(err)?;
        }
    }
    print_setup(ws, &sheet.title);
    if width > 0 {
        ws.set_repeat_rows(0, 0).map_err(whole)?;
        ws.set_freeze_panes(1, 0).map_err(whole)?;
        if !sheet.rows.is_empty() {
            let (last_row, last_col, _) = at(sheet.rows.len(), width - 1);
            ws.autofilter(0, 0, last_row, last_col).map_err(whole)?;
        }
    }
    if let Some(note) = &sheet.note {
        let (r, c, err) = at(sheet.rows.len() + 2, 0);
        let format = if looks_like_formula(note) { &f.note_quoted } else { &f.note };
        ws.write_string_with_format(r, c, note, format).map_err(err)?;
    }
    Ok(())
}

/// Printing: A4, one page wide, the title centred in the page header and `page / pages` in
/// the footer.
fn print_setup(ws: &mut Worksheet, title: &str) {
    const A4: u8 = 9;
    ws.set_paper_size(A4).set_print_fit_to_pages(1, 0).set_footer("&C&P / &N");
    // `&` starts a header code; doubled it is a literal `&`. Excel allows 255 characters.
    let title = cut_utf16(title, 120).replace('&', "&&");
    if !title.is_empty() {
        ws.set_header(format!("&C{title}"));
    }
}

/// Writes one cell; empty and non-finite cells are left blank, text of several lines wraps,
/// and dates Excel cannot hold (before 1900) are written as text.
fn write_cell(ws: &mut Worksheet, r: RowNum, c: ColNum, cell: &Cell, f: &Formats) -> Result<(), XlsxError> {
    match cell {
        Cell::Empty => {}
        Cell::Text(s) if s.is_empty() => {}
        Cell::Text(s) => match (looks_like_formula(s), s.contains('\n')) {
            (false, false) => {
                ws.write_string(r, c, s)?;
            }
            (true, false) => {
                ws.write_string_with_format(r, c, s, &f.quoted)?;
            }
            (false, true) => {
                ws.write_string_with_format(r, c, s, &f.wrapped)?;
            }
            (true, true) => {
                ws.write_string_with_format(r, c, s, &f.quoted_wrapped)?;
            }
        },
        Cell::Int(n) if n.unsigned_abs() > MAX_EXACT_INT.unsigned_abs() => {
            ws.write_string(r, c, n.to_string())?;
        }
        Cell::Int(n) => {
            #[expect(clippy::cast_precision_loss, reason = "at most 15 digits, exact in an f64")]
            ws.write_number_with_format(r, c, *n as f64, &f.int)?;
        }
        Cell::Num(x) | Cell::Hours(x) | Cell::Pct(x) if !x.is_finite() => {}
        Cell::Num(x) | Cell::Hours(x) => {
            ws.write_number_with_format(r, c, *x, &f.num)?;
        }
        Cell::Pct(x) => {
            ws.write_number_with_format(r, c, *x, &f.pct)?;
        }
        Cell::Date(d) => match excel_date(*d) {
            Ok(when) => {
                ws.write_datetime_with_format(r, c, when, &f.date)?;
            }
            Err(_) => {
                ws.write_string(r, c, cell.text())?;
            }
        },
        Cell::DateTime(t) => match excel_datetime(*t) {
            Ok(when) => {
                ws.write_datetime_with_format(r, c, when, &f.datetime)?;
            }
            Err(_) => {
                ws.write_string(r, c, cell.text())?;
            }
        },
    }
    Ok(())
}

/// A day as an Excel date (years 1900 to 9999).
fn excel_date(d: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    let year = u16::try_from(d.year()).map_err(|_| XlsxError::DateTimeRangeError(d.to_string()))?;
    #[expect(clippy::cast_possible_truncation, reason = "month and day are at most 31")]
    ExcelDateTime::from_ymd(year, d.month() as u8, d.day() as u8)
}

/// A time as an Excel date and time.
fn excel_datetime(t: NaiveDateTime) -> Result<ExcelDateTime, XlsxError> {
    let sec = f64::from(t.second()) + f64::from(t.nanosecond()) / 1e9;
    #[expect(clippy::cast_possible_truncation, reason = "hour and minute are below 60")]
    excel_date(t.date())?.and_hms(t.hour() as u16, t.minute() as u8, sec)
}

/// Width of column `col` in Excel's character units: its widest line of text as people read
/// it (display width: a CJK character counts 2) plus room for the filter button, within 6..=60.
fn column_width(sheet: &Sheet, col: usize) -> f64 {
    let widest = |text: &str| text.lines().map(UnicodeWidthStr::width).max().unwrap_or(0);
    let cells = sheet.rows.iter().map(|row| widest(&Sheet::cell(row, col).text()));
    let chars = cells.fold(widest(sheet.header(col)) + 2, usize::max);
    #[expect(clippy::cast_precision_loss, reason = "clamped to 60 first")]
    let w = chars.clamp(6, 60) as f64;
    w + 1.0
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use calamine::{Data, DataType, Reader, Xlsx, open_workbook_from_rs};
    use chrono::{NaiveDate, NaiveDateTime};
    use proptest::prelude::*;

    use super::{WorkbookError, sheet_names, workbook};
    use crate::report::sheet::{Cell, HOSTILE, Sheet, hostile_sheet};

    fn created() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 10, 1).unwrap().and_hms_opt(0, 0, 0).unwrap()
    }

    /// A sheet of every kind of cell.
    fn typed_sheet() -> Sheet {
        let day = NaiveDate::from_ymd_opt(2026, 10, 31).unwrap();
        let mut s = Sheet::new("sla", "SLA", &["步骤", "count", "mean", "share", "hours", "day", "at"]);
        s.push(vec![
            "受理".into(),
            Cell::Int(-3),
            Cell::Num(1.5),
            Cell::Pct(0.125),
            Cell::Hours(26.25),
            Cell::Date(day),
            Cell::DateTime(day.and_hms_opt(12, 0, 0).unwrap()),
        ]);
        s.push(vec![
            Cell::Empty,
            Cell::Int(i64::MAX),
            Cell::Num(f64::NAN),
            Cell::Empty,
            Cell::Empty,
            Cell::Date(NaiveDate::from_ymd_opt(1800, 1, 1).unwrap()),
        ]);
        s
    }

    fn read(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
        open_workbook_from_rs(Cursor::new(bytes)).unwrap()
    }

    #[test]
    fn workbook_reads_back_with_real_numbers_and_inert_text() {
        let bytes = workbook(&[hostile_sheet(), typed_sheet()], created()).unwrap();
        let mut book = read(bytes);
        assert_eq!(book.sheet_names(), [".._hostile__1_", "sla"]);

        let hostile = book.worksheet_range(".._hostile__1_").unwrap();
        assert_eq!(
            hostile.get((0, 0)),
            Some(&Data::String(HOSTILE[1].to_owned())),
            "a heading that looks like a formula"
        );
        for (i, h) in HOSTILE.iter().enumerate() {
            assert_eq!(hostile.get((i + 1, 0)), Some(&Data::String((*h).to_owned())));
            assert_eq!(hostile.get((i + 1, 1)), Some(&Data::Float(-f64::from(u8::try_from(i).unwrap()))));
            assert_eq!(hostile.get((i + 1, 2)), Some(&Data::Float(0.25)));
        }
        assert_eq!(hostile.get((HOSTILE.len() + 2, 0)), Some(&Data::String(HOSTILE[0].to_owned())), "the note");
        let formulas = book.worksheet_formula(".._hostile__1_").unwrap();
        assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "no cell is a formula");

        let sla = book.worksheet_range("sla").unwrap();
        assert_eq!(sla.get((0, 0)), Some(&Data::String("步骤".into())));
        assert_eq!(sla.get((1, 1)), Some(&Data::Float(-3.0)));
        assert_eq!(sla.get((1, 2)), Some(&Data::Float(1.5)));
        assert_eq!(sla.get((1, 3)), Some(&Data::Float(0.125)));
        assert_eq!(sla.get((1, 4)), Some(&Data::Float(26.25)));
        let day = sla.get((1, 5)).unwrap();
        assert!(day.is_datetime(), "{day:?}");
        assert_eq!(day.get_datetime().map(|d| d.as_f64()), Some(46_326.0), "2026-10-31 is Excel day 46326");
        let at = sla.get((1, 6)).unwrap();
        assert_eq!(at.get_datetime().map(|d| d.as_f64()), Some(46_326.5), "noon");
        assert_eq!(sla.get((2, 0)), Some(&Data::Empty));
        assert_eq!(sla.get((2, 1)), Some(&Data::String(i64::MAX.to_string())), "too many digits for a number");
        assert_eq!(sla.get((2, 2)), Some(&Data::Empty), "NaN is left blank");
        assert_eq!(sla.get((2, 5)), Some(&Data::String("1800-01-01".into())), "before Excel's calendar");
    }

    #[test]
    fn same_input_same_bytes_whatever_the_clock() {
        let sheets = [hostile_sheet(), typed_sheet()];
        let first = workbook(&sheets, created()).unwrap();
        // rust_xlsxwriter's own creation time has one-second resolution: outlive it.
        std::thread::sleep(std::time::Duration::from_millis(1100));
        assert!(first == workbook(&sheets, created()).unwrap(), "byte-identical workbooks");
        let other = created() + chrono::Duration::days(1);
        assert!(first != workbook(&sheets, other).unwrap(), "the creation time is the caller's");
    }

    #[test]
    fn limits_give_located_errors() {
        let mut wide = Sheet::new("wide", "W", &[]);
        wide.push(vec![Cell::Empty; 16_385]);
        let err = workbook(&[wide], created()).unwrap_err();
        assert!(matches!(err, WorkbookError::TooLarge { cols: 16_385, .. }), "{err}");

        let mut long = Sheet::new("long", "L", &["text"]);
        long.push(vec![Cell::Text("x".repeat(40_000))]);
        let err = workbook(&[long], created()).unwrap_err();
        assert!(err.to_string().starts_with("sheet `long`, cell A2: "), "{err}");

        let early = NaiveDate::from_ymd_opt(1899, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
        assert!(matches!(workbook(&[], early), Err(WorkbookError::Created { .. })));
    }

    #[test]
    fn sheet_names_follow_excel_rules() {
        let ids = [
            "conformance",
            "Conformance",
            "[a]:b*?/\\c",
            "",
            "'quoted'",
            &"投诉".repeat(20),
            &"x".repeat(40),
            &"x".repeat(40),
        ];
        let sheets: Vec<Sheet> = ids.iter().map(|id| Sheet::new(*id, "", &[])).collect();
        assert_eq!(
            sheet_names(&sheets),
            [
                "conformance".to_owned(),
                "Conformance~2".to_owned(),
                "_a__b____c".to_owned(),
                "Sheet".to_owned(),
                "quoted".to_owned(),
                "投诉".repeat(15) + "投",
                "x".repeat(31),
                "x".repeat(29) + "~2",
            ]
        );
    }

    proptest! {
        #[test]
        fn sheet_names_are_valid_and_unique(ids in proptest::collection::vec("\\PC{0,40}|[xX']{0,3}", 1..8)) {
            let sheets: Vec<Sheet> = ids.iter().map(|id| Sheet::new(id.clone(), "", &[])).collect();
            let names = sheet_names(&sheets);
            let mut seen = std::collections::BTreeSet::new();
            for name in &names {
                prop_assert!(rust_xlsxwriter::utility::check_sheet_name(name).is_ok(), "{:?}", name);
                prop_assert!(seen.insert(name.to_lowercase()), "{:?} repeated", name);
            }
        }
    }
}
