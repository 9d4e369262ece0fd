//! The simulated log as CSV: the header, one row per event, written as a stream.
//!
//! Owns the column layout ([`HEADER`], and [`BRAND_COLUMN`] after it in a centre's month), the case
//! and customer id formats and the CSV writer (the
//! csv crate's, so quoting follows RFC 4180; UTF-8 without BOM, `\n` line ends). Rows are written
//! from borrowed fields and reused buffers: no allocation per event. Cost: O(bytes written).

use std::io::Write;

use crate::simulate::config::{Month, SimError};

/// The columns of a simulated log, in order.
pub const HEADER: [&str; 11] = [
    "case_id",
    "activity",
    "timestamp",
    "role",
    "resource",
    "customer_id",
    "tier",
    "class",
    "channel",
    "business",
    "deviation",
];

/// The column a centre's month adds after [`HEADER`]: the customer's brand. It comes last so every
/// other column keeps its place, and a single process's month keeps its exact bytes.
pub const BRAND_COLUMN: &str = "brand";

/// Digits of the sequence number in a case id at least (`T2610-0000001`); more when the run needs.
const MIN_CASE_DIGITS: usize = 7;

/// Writes `v` as exactly `out.len()` decimal digits (zero-padded; higher digits are cut).
fn put_digits(out: &mut [u8], mut v: u64) {
    for b in out.iter_mut().rev() {
        *b = b'0' + u8::try_from(v % 10).unwrap_or(0);
        v /= 10;
    }
}

/// Case ids of one run: `T` + `YYMM` + `-` + the ticket's sequence number, zero-padded to a width
/// that fits the number of tickets.
#[derive(Debug, Clone)]
pub(crate) struct CaseIds {
    buf: Vec<u8>,
    prefix: usize,
}

impl CaseIds {
    /// The case ids of `cases` tickets arriving in `month`.
    pub(crate) fn new(month: Month, cases: u64) -> CaseIds {
        let width = cases.to_string().len().max(MIN_CASE_DIGITS);
        let mut buf = format!("T{:02}{:02}-", month.year.rem_euclid(100), month.month).into_bytes();
        let prefix = buf.len();
        buf.resize(prefix + width, b'0');
        CaseIds { buf, prefix }
    }

    /// The id of ticket number `seq` (1-based).
    pub(crate) fn get(&mut self, seq: u64) -> &[u8] {
        put_digits(&mut self.buf[self.prefix..], seq);
        &self.buf
    }
}

/// `C` + eight digits.
pub(crate) fn customer_id(id: u32) -> [u8; 9] {
    let mut b = [b'C'; 9];
    put_digits(&mut b[1..], u64::from(id));
    b
}

/// One row of the log, borrowed from the simulator's buffers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Row<'a> {
    pub(crate) case_id: &'a [u8],
    pub(crate) activity: &'a str,
    pub(crate) timestamp: &'a [u8],
    pub(crate) role: &'a str,
    pub(crate) resource: &'a str,
    pub(crate) customer_id: &'a [u8],
    pub(crate) tier: u8,
    pub(crate) class: &'a str,
    pub(crate) channel: &'a str,
    pub(crate) business: &'a str,
    /// Written only by a writer made with the brand column.
    pub(crate) brand: &'a str,
    pub(crate) deviation: &'a str,
}

/// Writes the log as CSV.
#[derive(Debug)]
pub(crate) struct EventWriter<W: Write> {
    csv: csv::Writer<W>,
    /// Reused for every row: `write_byte_record` has a fast path the generic writer lacks.
    record: csv::ByteRecord,
    /// Whether rows end with [`BRAND_COLUMN`].
    brand: bool,
}

impl<W: Write> EventWriter<W> {
    /// A writer on `out` that has written the header: [`HEADER`], and [`BRAND_COLUMN`] when
    /// `brand`.
    pub(crate) fn new(out: W, brand: bool) -> Result<Self, SimError> {
        let mut csv = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .buffer_capacity(64 * 1024)
            .from_writer(out);
        let brand_column = brand.then_some(BRAND_COLUMN);
        csv.write_record(HEADER.iter().copied().chain(brand_column))?;
        let record = csv::ByteRecord::with_capacity(256, HEADER.len() + usize::from(brand));
        Ok(EventWriter { csv, record, brand })
    }

    /// Writes one event.
    pub(crate) fn row(&mut self, r: &Row<'_>) -> Result<(), SimError> {
        let tier = [b'0' + r.tier];
        self.record.clear();
        for field in [
            r.case_id,
            r.activity.as_bytes(),
            r.timestamp,
            r.role.as_bytes(),
            r.resource.as_bytes(),
            r.customer_id,
            &tier,
            r.class.as_bytes(),
            r.channel.as_bytes(),
            r.business.as_bytes(),
            r.deviation.as_bytes(),
        ] {
            self.record.push_field(field);
        }
        if self.brand {
            self.record.push_field(r.brand.as_bytes());
        }
        self.csv.write_byte_record(&self.record)?;
        Ok(())
    }

    /// Flushes everything written to the underlying writer.
    pub(crate) fn finish(mut self) -> Result<(), SimError> {
        self.csv.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::simulate::config::Month;
    use crate::simulate::writer::{CaseIds, EventWriter, HEADER, Row, customer_id};

    #[test]
    fn ids_are_padded() {
        let m = Month::parse("2026-10").unwrap();
        assert_eq!(CaseIds::new(m, 5).get(1), b"T2610-0000001");
        assert_eq!(CaseIds::new(m, 12_000_000).get(12_000_000), b"T2610-12000000");
        assert_eq!(&customer_id(12_345), b"C00012345");
    }

    fn row() -> Row<'static> {
        Row {
            case_id: b"T2610-0000001",
            activity: "受理投诉",
            timestamp: b"2026-10-03T09:14:05+08:00",
            role: "一线坐席",
            resource: "frontline-017",
            customer_id: b"C00012345",
            tier: 3,
            class: "maintenance",
            channel: "phone",
            business: "a, b",
            brand: "gotone",
            deviation: "",
        }
    }

    #[test]
    fn rows_are_csv_with_quoting() {
        let mut out = Vec::new();
        let mut w = EventWriter::new(&mut out, false).unwrap();
        w.row(&row()).unwrap();
        w.finish().unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "case_id,activity,timestamp,role,resource,customer_id,tier,class,channel,business,deviation\n\
             T2610-0000001,受理投诉,2026-10-03T09:14:05+08:00,一线坐席,frontline-017,C00012345,3,maintenance,phone,\"a, b\",\n"
        );
    }

    #[test]
    fn the_brand_column_comes_last_and_only_when_asked() {
        let mut out = Vec::new();
        let mut w = EventWriter::new(&mut out, true).unwrap();
        w.row(&row()).unwrap();
        w.row(&Row { brand: "", ..row() }).unwrap();
        w.finish().unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], format!("{},brand", HEADER.join(",")));
        assert!(lines[1].ends_with(",maintenance,phone,\"a, b\",,gotone"), "{}", lines[1]);
        assert!(lines[2].ends_with(",\"a, b\",,"), "{}", lines[2]);
    }
}
