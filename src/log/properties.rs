//! Property tests of the log readers: every row is accounted for, nothing panics, and the grouped
//! log keeps each ticket's events in time order with ties in file order.

use std::fmt::Write as _;
use std::io::Cursor;
use std::path::Path;

use proptest::prelude::*;

use crate::log::accounting::NoSink;
use crate::log::csv_reader::read_csv_from;
use crate::log::options::ReadOptions;

/// One generated CSV row: some good, some with an empty id, activity or a broken timestamp, some
/// with a field too many.
fn row() -> impl Strategy<Value = String> {
    let case = prop_oneof![4 => "T[0-9]{1,2}", 1 => Just(String::new())];
    let activity = prop_oneof![4 => "[a-c]", 1 => Just(String::new())];
    let time = prop_oneof![
        6 => (0u32..3, 0u32..24, 0u32..60).prop_map(|(d, h, m)| format!("2026-10-0{} {h:02}:{m:02}:00", d + 1)),
        1 => Just("soon".to_owned()),
        1 => Just(String::new()),
    ];
    let extra = prop_oneof![9 => Just(String::new()), 1 => Just(",extra".to_owned())];
    (case, activity, time, extra).prop_map(|(c, a, t, e)| format!("{c},{a},{t}{e}\n"))
}

proptest! {
    #[test]
    fn every_row_is_accepted_rejected_or_filtered(rows in proptest::collection::vec(row(), 0..60)) {
        let text = format!("case_id,activity,timestamp\n{}", rows.concat());
        let (log, acc, _) =
            read_csv_from(Path::new("p.csv"), Cursor::new(text), None, &ReadOptions::default(), &mut NoSink).unwrap();
        prop_assert_eq!(acc.rows_read, rows.len() as u64);
        prop_assert!(acc.balances());
        prop_assert_eq!(acc.accepted, log.event_count() as u64);
        for case in log.case_indices() {
            let times = &log.time[log.events_of(case)];
            prop_assert!(times.is_sorted());
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let mut text = b"case_id,activity,timestamp\n".to_vec();
        text.extend(bytes);
        if let Ok((_, acc, _)) =
            read_csv_from(Path::new("p.csv"), Cursor::new(text), None, &ReadOptions::default(), &mut NoSink)
        {
            prop_assert!(acc.balances());
        }
    }

    #[test]
    fn ties_keep_file_order(n in 1usize..30) {
        let rows = (0..n).fold(String::new(), |mut s, i| {
            let _ = writeln!(s, "T1,a{i},2026-10-01 08:00:00");
            s
        });
        let text = format!("case_id,activity,timestamp\n{rows}");
        let (log, _, _) =
            read_csv_from(Path::new("p.csv"), Cursor::new(text), None, &ReadOptions::default(), &mut NoSink).unwrap();
        let names: Vec<_> = log.trace(crate::log::event_log::CaseIdx(0)).iter().map(|&a| log.activity_name(a)).collect();
        let expected: Vec<String> = (0..n).map(|i| format!("a{i}")).collect();
        prop_assert_eq!(names, expected);
    }
}
