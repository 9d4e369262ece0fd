//! `flowaudit log stats` on XES logs: the reference figures, read from committed copies.

use serde_json::Value;

use crate::logs::count;

fn stats_json(log: &str) -> Value {
    crate::logs::stats_json(&["--log", log])
}

#[test]
fn helpdesk_xes_reads_to_the_same_figures_as_its_csv() {
    let v = stats_json("tests/fixtures/logs/helpdesk/helpdesk.xes.gz");
    assert_eq!(v["format"], "xes");
    assert_eq!((count(&v, "cases"), count(&v, "events"), count(&v, "variants")), (4580, 21_348, 226));
    assert_eq!((count(&v, "rows_read"), count(&v, "rows_rejected")), (21_348, 0));
    assert_eq!(v["columns"]["timestamp"], "time:timestamp");
    assert_eq!(v["untimed_events"], 0);
}

#[test]
fn running_example_xes_reads_to_the_reference_figures() {
    let v = stats_json("tests/fixtures/logs/running-example/running-example.xes");
    assert_eq!((count(&v, "cases"), count(&v, "events"), count(&v, "variants")), (6, 42, 6));
    assert_eq!((count(&v, "rows_read"), count(&v, "rows_rejected")), (42, 0));
    // Its events carry +01:00 offsets: read as written, reported in UTC.
    assert_eq!(v["first_event"], "2010-12-30T10:02:00Z");
}
