//! Reading the two inputs of customer grading: the customers file (`customer_id,joined`) and the
//! bills file (`customer_id,month,amount`), both comma-separated UTF-8 CSV with a header.
//!
//! Owns [`read`], [`read_customers`], [`read_bills`], [`parse_joined`], [`parse_bill_month`]
//! and [`InputError`]. A problem with a whole file (unreadable, not UTF-8, no header, a missing
//! column) is an [`InputError`] naming `file:line`; a problem with one row is a [`Rejection`]
//! with its line and reason, counted and kept, never dropped silently. Columns are found by name
//! (any case, any order; other columns are ignored); a UTF-8 byte-order mark is skipped; fields
//! are trimmed. Cost: one streaming pass per file, O(rows) memory for the rows kept.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;

use crate::analysis::grading::{BillRow, InputFile, Inputs, Listing, Month, RejectReason, Rejection};
use crate::model::grading_rules::parse_scaled;

/// The largest bill accepted, in fen (100 million yuan): beyond any phone bill, and small enough
/// that no sum can overflow.
pub const MAX_BILL_FEN: u64 = 10_000_000_000;

/// Characters of a bad field quoted in a rejection's detail.
const SHOWN: usize = 40;

/// A file that cannot be read as a grading input.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The file could not be opened or read.
    #[error("{file}: cannot read: {source}")]
    Io {
        /// The file.
        file: String,
        /// Why.
        source: io::Error,
    },
    /// A line is not UTF-8.
    #[error("{file}:{line}: the line is not UTF-8 text; save the file as UTF-8 (GBK is not read here)")]
    NotUtf8 {
        /// The file.
        file: String,
        /// The line.
        line: u64,
    },
    /// The file has no header line.
    #[error("{file}:1: the file is empty; it needs the header `{expected}`")]
    Empty {
        /// The file.
        file: String,
        /// The header it needs.
        expected: &'static str,
    },
    /// The header lacks a required column.
    #[error("{file}:1: the header has no `{column}` column (found: {found}); it needs `{expected}`, comma-separated")]
    MissingColumn {
        /// The file.
        file: String,
        /// The missing column.
        column: &'static str,
        /// The header's columns as read.
        found: String,
        /// The header it needs.
        expected: &'static str,
    },
    /// The header names a required column twice.
    #[error("{file}:1: the header names `{column}` twice; keep one")]
    RepeatedColumn {
        /// The file.
        file: String,
        /// The repeated column.
        column: &'static str,
    },
}

/// Reads both files (their names as the user wrote them are kept for messages).
pub fn read(customers: &Path, bills: &Path) -> Result<Inputs, InputError> {
    let customers_file = customers.display().to_string();
    let bills_file = bills.display().to_string();
    let open = |path: &Path, name: &str| {
        File::open(path).map(BufReader::new).map_err(|source| InputError::Io { file: name.to_owned(), source })
    };
    let (listings, customer_rows, mut rejected) = read_customers(open(customers, &customers_file)?, &customers_file)?;
    let (bills, bill_rows, bill_rejected) = read_bills(open(bills, &bills_file)?, &bills_file)?;
    rejected.extend(bill_rejected);
    Ok(Inputs { customers_file, bills_file, customer_rows, bill_rows, listings, bills, rejected })
}

/// Reads a customers file (`customer_id,joined`): its listings, how many data rows it has, and
/// the rows rejected.
///
/// ```
/// use flowaudit::analysis::grading_input::read_customers;
/// let text = "\u{feff}Customer_ID,region,joined\nC1,north,2024/4/2\nC2,south,someday\n";
/// let (listings, rows, rejected) = read_customers(text.as_bytes(), "customers.csv").unwrap();
/// assert_eq!((listings.len(), rows, rejected[0].line), (1, 2, 3));
/// assert_eq!(listings[0].joined.to_string(), "2024-04");
/// ```
pub fn read_customers(input: impl Read, file: &str) -> Result<(Vec<Listing>, u64, Vec<Rejection>), InputError> {
    let mut out = Vec::new();
    let mut rejected = Vec::new();
    let rows = each_row(
        input,
        file,
        InputFile::Customers,
        CUSTOMER_HEADER,
        &["customer_id", "joined"],
        |line, f| {
            let id = f[0];
            if id.is_empty() {
                return Err((RejectReason::MissingCustomerId, None, "the customer id is empty".to_owned()));
            }
            match parse_joined(f[1]) {
                Some(joined) => {
                    out.push(Listing { customer_id: id.to_owned(), joined, line });
                    Ok(())
                }
                None => Err((
                    RejectReason::BadJoined,
                    Some(id),
                    format!("`{}` is not a date (YYYY-MM-DD, YYYY/MM/DD or YYYY-MM)", shown(f[1])),
                )),
            }
        },
        &mut rejected,
    )?;
    Ok((out, rows, rejected))
}

/// Reads a bills file (`customer_id,month,amount`): its bills, how many data rows it has, and the
/// rows rejected.
///
/// ```
/// use flowaudit::analysis::grading_input::read_bills;
/// let text = "customer_id,month,amount\nC1,2026-03,58.5\nC1,202602,1.005\n";
/// let (bills, rows, rejected) = read_bills(text.as_bytes(), "bills.csv").unwrap();
/// assert_eq!((bills[0].fen, rows, rejected[0].reason.as_str()), (5_850, 2, "bad-amount"));
/// ```
pub fn read_bills(input: impl Read, file: &str) -> Result<(Vec<BillRow>, u64, Vec<Rejection>), InputError> {
    let mut out = Vec::new();
    let mut rejected = Vec::new();
    let columns = ["customer_id", "month", "amount"];
    let rows = each_row(
        input,
        file,
        InputFile::Bills,
        BILL_HEADER,
        &columns,
        |line, f| {
            let id = f[0];
            if id.is_empty() {
                return Err((RejectReason::MissingCustomerId, None, "the customer id is empty".to_owned()));
            }
            let Some(month) = parse_bill_month(f[1]) else {
                let detail = format!("`{}` is not a month (YYYY-MM, YYYY/MM or YYYYMM)", shown(f[1]));
                return Err((RejectReason::BadMonth, Some(id), detail));
            };
            let fen = amount(f[2]).map_err(|e| (RejectReason::BadAmount, Some(id), e))?;
            out.push(BillRow { customer_id: id.to_owned(), month, fen, line });
            Ok(())
        },
        &mut rejected,
    )?;
    Ok((out, rows, rejected))
}

const CUSTOMER_HEADER: &str = "customer_id,joined";
const BILL_HEADER: &str = "customer_id,month,amount";

/// What a row handler says about a bad row: the reason, its customer id if any, the detail.
type Bad<'a> = (RejectReason, Option<&'a str>, String);

/// Streams the data rows of `input`, handing the trimmed fields of `columns` (in that order) and
/// the row's line to `row`; rows it refuses, and rows with another field count than the header,
/// go to `rejected`. Returns the number of data rows.
fn each_row(
    input: impl Read,
    file: &str,
    which: InputFile,
    expected: &'static str,
    columns: &[&'static str],
    mut row: impl for<'a> FnMut(u64, &[&'a str]) -> Result<(), Bad<'a>>,
    rejected: &mut Vec<Rejection>,
) -> Result<u64, InputError> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(LineStarts::new(input));
    let mut rec = csv::ByteRecord::new();
    let io_err = |e: csv::Error| match e.into_kind() {
        csv::ErrorKind::Io(source) => InputError::Io { file: file.to_owned(), source },
        other => InputError::Io { file: file.to_owned(), source: io::Error::other(format!("{other:?}")) },
    };
    if !reader.read_byte_record(&mut rec).map_err(io_err)? {
        return Err(InputError::Empty { file: file.to_owned(), expected });
    }
    let header = texts(&rec).map_err(|_| InputError::NotUtf8 { file: file.to_owned(), line: 1 })?;
    let header: Vec<String> = header
        .iter()
        .enumerate()
        .map(|(i, h)| if i == 0 { h.trim_start_matches('\u{feff}') } else { h }.trim().to_lowercase())
        .collect();
    let mut index = Vec::with_capacity(columns.len());
    for &column in columns {
        let mut at = header.iter().enumerate().filter(|(_, h)| *h == column).map(|(i, _)| i);
        let Some(i) = at.next() else {
            let found = header.iter().map(|h| format!("`{}`", shown(h))).collect::<Vec<_>>().join(", ");
            return Err(InputError::MissingColumn { file: file.to_owned(), column, found, expected });
        };
        if at.next().is_some() {
            return Err(InputError::RepeatedColumn { file: file.to_owned(), column });
        }
        index.push(i);
    }
    let mut rows = 0u64;
    while reader.read_byte_record(&mut rec).map_err(io_err)? {
        rows += 1;
        let line = rec
            .position()
            .and_then(|p| reader.get_mut().line_at(p.byte()))
            .unwrap_or_else(|| rec.position().map_or(rows + 1, csv::Position::line));
        let all = texts(&rec).map_err(|_| InputError::NotUtf8 { file: file.to_owned(), line })?;
        if all.len() != header.len() {
            let first = all.first().map(|s| s.trim()).filter(|s| !s.is_empty()).map(shown);
            rejected.push(Rejection {
                file: which,
                line,
                reason: RejectReason::WrongFieldCount,
                customer_id: first,
                detail: format!("{} fields where the header has {}", all.len(), header.len()),
            });
            continue;
        }
        let fields: Vec<&str> = index.iter().map(|&i| all[i].trim()).collect();
        if let Err((reason, id, detail)) = row(line, &fields) {
            rejected.push(Rejection { file: which, line, reason, customer_id: id.map(str::to_owned), detail });
        }
    }
    Ok(rows)
}

/// The fields of a record as text.
fn texts(rec: &csv::ByteRecord) -> Result<Vec<&str>, std::str::Utf8Error> {
    rec.iter().map(std::str::from_utf8).collect()
}

/// The input under the CSV reader: skips a UTF-8 byte-order mark and remembers where lines that
/// start with data begin, so that a record's line is exact. (The csv crate's own line numbers
/// lag behind on CRLF files and after blank lines, rust-csv issue #395.) Holds only the line
/// starts the reader has read ahead, O(buffer).
struct LineStarts<R> {
    inner: R,
    /// Bytes read before the first `read` returned (to look for a byte-order mark).
    head: Vec<u8>,
    started: bool,
    /// Offset (byte-order mark excluded, as the reader counts) of the next byte.
    offset: u64,
    /// Line of the next byte.
    line: u64,
    /// Whether the next byte starts a line.
    at_line_start: bool,
    /// (offset, line) of each line start whose first byte is not `\r` or `\n`, not yet passed.
    starts: std::collections::VecDeque<(u64, u64)>,
}

impl<R: Read> LineStarts<R> {
    fn new(inner: R) -> Self {
        LineStarts {
            inner,
            head: Vec::new(),
            started: false,
            offset: 0,
            line: 1,
            at_line_start: true,
            starts: std::collections::VecDeque::new(),
        }
    }

    /// The line of the record the reader says starts at byte `start`: the first line with data
    /// at or after it (a record's reported start may sit on the terminator before it).
    fn line_at(&mut self, start: u64) -> Option<u64> {
        while self.starts.front().is_some_and(|&(at, _)| at < start) {
            self.starts.pop_front();
        }
        self.starts.front().map(|&(_, line)| line)
    }

    fn note(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if self.at_line_start && b != b'\n' && b != b'\r' {
                self.starts.push_back((self.offset, self.line));
            }
            self.at_line_start = b == b'\n';
            if b == b'\n' {
                self.line += 1;
            }
            self.offset += 1;
        }
    }
}

impl<R: Read> Read for LineStarts<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if !self.started {
            self.started = true;
            let mut head = [0u8; 3];
            let mut got = 0;
            while got < 3 {
                match self.inner.read(&mut head[got..]) {
                    Ok(0) => break,
                    Ok(n) => got += n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
            let bom = got == 3 && head == [0xEF, 0xBB, 0xBF];
            if !bom {
                self.head.extend_from_slice(&head[..got]);
            }
        }
        let n = if self.head.is_empty() {
            self.inner.read(buf)?
        } else {
            let n = self.head.len().min(buf.len());
            buf[..n].copy_from_slice(&self.head[..n]);
            self.head.drain(..n);
            n
        };
        self.note(&buf[..n]);
        Ok(n)
    }
}

/// A field shortened for a message.
fn shown(s: &str) -> String {
    if s.chars().count() <= SHOWN { s.to_owned() } else { s.chars().take(SHOWN).chain(['…']).collect() }
}

/// The month of a joining date: `YYYY-MM-DD`, `YYYY/MM/DD` (month and day of one or two digits,
/// a real calendar date) or `YYYY-MM`.
///
/// ```
/// use flowaudit::analysis::grading_input::parse_joined;
/// assert_eq!(parse_joined("2024/4/2").unwrap().to_string(), "2024-04");
/// assert!(parse_joined("2025-02-29").is_none() && parse_joined("2024-02-29").is_some());
/// ```
pub fn parse_joined(text: &str) -> Option<Month> {
    if let Some(m) = Month::parse(text) {
        return Some(m);
    }
    let sep = if text.contains('/') { '/' } else { '-' };
    let mut parts = text.split(sep);
    let (y, mo, d) = (parts.next()?, parts.next()?, parts.next()?);
    let ok = |s: &str, lens: std::ops::RangeInclusive<usize>| {
        lens.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    if parts.next().is_some() || !ok(y, 4..=4) || !ok(mo, 1..=2) || !ok(d, 1..=2) {
        return None;
    }
    let (year, month, day) = (y.parse().ok()?, mo.parse().ok()?, d.parse().ok()?);
    chrono::NaiveDate::from_ymd_opt(year, month, day)?;
    Month::new(year, month)
}

/// A bill's month: `YYYY-MM`, `YYYY/MM` or `YYYYMM` (billing systems write all three).
pub fn parse_bill_month(text: &str) -> Option<Month> {
    let b = text.as_bytes();
    match b.len() {
        7 if b[4] == b'/' => Month::parse(&text.replace('/', "-")),
        7 => Month::parse(text),
        6 if b.iter().all(u8::is_ascii_digit) => Month::new(text[..4].parse().ok()?, text[4..].parse().ok()?),
        _ => None,
    }
}

/// An amount in yuan (at most two decimals, not negative, at most [`MAX_BILL_FEN`]) in fen.
fn amount(text: &str) -> Result<u64, String> {
    if text.is_empty() {
        return Err("the amount is empty".to_owned());
    }
    if text.starts_with('-') {
        return Err(format!("`{}` is negative; a monthly bill is 0 yuan or more", shown(text)));
    }
    let fen = parse_scaled(text, 2).map_err(|e| {
        if e.contains("decimals") { format!("`{}` is finer than a fen (1/100 yuan)", shown(text)) } else { e }
    })?;
    if fen > MAX_BILL_FEN {
        return Err(format!("`{}` yuan is more than any monthly bill (at most 100000000)", shown(text)));
    }
    Ok(fen)
}

#[cfg(test)]
mod tests {
    use super::{InputError, parse_bill_month, parse_joined, read_bills, read_customers};
    use crate::analysis::grading::RejectReason;

    /// A reader that hands out one byte per read.
    struct Trickle<'a>(&'a [u8]);

    impl std::io::Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.0.len().min(buf.len()).min(1);
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn joined_dates_and_bill_months() {
        let month = |s: &str| parse_joined(s).map(|m| m.to_string());
        assert_eq!(month("2025-04-30").as_deref(), Some("2025-04"));
        assert_eq!(month("2025/4/3").as_deref(), Some("2025-04"));
        assert_eq!(month("2025/04/03").as_deref(), Some("2025-04"));
        assert_eq!(month("2025-04").as_deref(), Some("2025-04"));
        for bad in
            ["2025-04-31", "2025-13-01", "2025/04", "25-04-01", "2025-04-01 00:00", "2025.04.01", "", "2025-04-01-02"]
        {
            assert_eq!(month(bad), None, "{bad}");
        }
        let bill = |s: &str| parse_bill_month(s).map(|m| m.to_string());
        assert_eq!(
            (bill("2026-03"), bill("2026/03"), bill("202603")),
            (Some("2026-03".into()), Some("2026-03".into()), Some("2026-03".into()))
        );
        for bad in ["2026-3", "2026-03-01", "202613", "2026", "２０２６03"] {
            assert_eq!(bill(bad), None, "{bad}");
        }
    }

    #[test]
    fn every_bad_row_is_rejected_with_its_line() {
        let text = "customer_id,month,amount\n\
            C1,2026-03,58.50\n\
            ,2026-03,1\n\
            C2,March,1\n\
            C3,2026-03,-4\n\
            C4,2026-03,12.345\n\
            C5,2026-03,\n\
            C6,2026-03,1,extra\n\
            \"C7\nbroken\",2026-03,1\n\
            C8,2026-03,200000000\n\
            C9 , 2026-02 , 0 \n";
        let (bills, rows, rejected) = read_bills(text.as_bytes(), "bills.csv").unwrap();
        assert_eq!(rows, 10);
        let kept: Vec<(&str, u64, u64)> = bills.iter().map(|b| (b.customer_id.as_str(), b.fen, b.line)).collect();
        assert_eq!(kept, [("C1", 5_850, 2), ("C7\nbroken", 100, 9), ("C9", 0, 12)]);
        let got: Vec<(u64, RejectReason, Option<&str>)> =
            rejected.iter().map(|r| (r.line, r.reason, r.customer_id.as_deref())).collect();
        assert_eq!(
            got,
            [
                (3, RejectReason::MissingCustomerId, None),
                (4, RejectReason::BadMonth, Some("C2")),
                (5, RejectReason::BadAmount, Some("C3")),
                (6, RejectReason::BadAmount, Some("C4")),
                (7, RejectReason::BadAmount, Some("C5")),
                (8, RejectReason::WrongFieldCount, Some("C6")),
                (11, RejectReason::BadAmount, Some("C8")),
            ]
        );
        assert_eq!(rejected[3].detail, "`12.345` is finer than a fen (1/100 yuan)");
    }

    #[test]
    fn file_problems_are_errors_that_name_the_line() {
        let err = |text: &[u8]| read_customers(text, "c.csv").unwrap_err().to_string();
        assert_eq!(err(b""), "c.csv:1: the file is empty; it needs the header `customer_id,joined`");
        assert_eq!(
            err(b"customer_id;joined\nC1;2025-01-01\n"),
            "c.csv:1: the header has no `customer_id` column (found: `customer_id;joined`); it needs `customer_id,joined`, comma-separated"
        );
        assert_eq!(err(b"customer_id,joined,Joined\n"), "c.csv:1: the header names `joined` twice; keep one");
        assert_eq!(
            err(b"customer_id,joined\nC1,2025-01-01\n\xc0\xb7,2025-01-01\n"),
            "c.csv:3: the line is not UTF-8 text; save the file as UTF-8 (GBK is not read here)"
        );
        assert!(matches!(
            read_customers(&b"x"[..], "c.csv"),
            Err(InputError::MissingColumn { column: "customer_id", .. })
        ));
        let (listings, rows, rejected) = read_customers(&b"customer_id,joined\n"[..], "c.csv").unwrap();
        assert_eq!((listings.len(), rows, rejected.len()), (0, 0, 0));
    }

    #[test]
    fn lines_are_exact_with_a_bom_crlf_blank_lines_and_quoted_newlines() {
        for nl in ["\n", "\r\n"] {
            let text =
                ["\u{feff}customer_id,joined", "C1,2025-01-01", "", "C2,2025-13-01", "\"C\n3\",x", "", "", "C4,y", ""]
                    .join(nl);
            let (listings, rows, rejected) = read_customers(text.as_bytes(), "c.csv").unwrap();
            assert_eq!((listings[0].customer_id.as_str(), listings[0].line, rows), ("C1", 2, 4), "{nl:?}");
            let lines: Vec<(u64, RejectReason)> = rejected.iter().map(|r| (r.line, r.reason)).collect();
            assert_eq!(
                lines,
                [(4, RejectReason::BadJoined), (5, RejectReason::BadJoined), (9, RejectReason::BadJoined)],
                "{nl:?}"
            );
        }
        // A byte-order mark split across reads is still found.
        let text = "\u{feff}joined,customer_id\n2025-01,C1\nbad,C2\n";
        let (listings, _, rejected) = read_customers(Trickle(text.as_bytes()), "c.csv").unwrap();
        assert_eq!((listings[0].customer_id.as_str(), rejected[0].line), ("C1", 3));
    }
}
