//! `flowaudit check`: tickets against their process.

use std::collections::BTreeMap;

use crate::harness::Flowaudit;

#[test]
fn checks_the_sample_month_against_its_process() {
    let out =
        Flowaudit::new(["check", "--log", "samples/2026-10/complaints.csv.gz", "--process", "complaint-linear"]).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!(out.stdout);
    let json = Flowaudit::new([
        "check",
        "--log",
        "samples/2026-10/complaints.csv.gz",
        "--process",
        "complaint-linear",
        "--format",
        "json",
        "--min-rate",
        "0.95",
    ])
    .run();
    assert_eq!(json.code, 1, "the rate is below 95 %");
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    for key in ["cases", "variants", "conformance_rate", "log_fitness", "average_trace_fitness", "not_computed"] {
        assert!(v.get(key).is_some(), "JSON lacks `{key}`");
    }
    assert_eq!(v["cases"], 3000);
}

/// The per-trace file of a check against a PNML net holds PM4Py's cost for every case.
#[test]
fn per_trace_costs_of_a_pnml_net_equal_the_reference() {
    let dir = std::env::temp_dir().join(format!("flowaudit-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let per_trace = dir.join("helpdesk.csv");
    let out = Flowaudit::new([
        "check",
        "--log",
        "tests/fixtures/logs/helpdesk/helpdesk.xes.gz",
        "--process",
        "tests/fixtures/nets/helpdesk_imf20.pnml",
        "--per-trace",
        per_trace.to_str().unwrap(),
    ])
    .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let read = |path: &std::path::Path, cost_col: &str| -> BTreeMap<String, String> {
        let mut r = csv::Reader::from_path(path).unwrap();
        let headers = r.headers().unwrap().clone();
        let i = headers.iter().position(|h| h == cost_col).unwrap();
        r.records().map(|rec| rec.unwrap()).map(|rec| (rec[0].to_owned(), rec[i].to_owned())).collect()
    };
    let ours = read(&per_trace, "cost");
    let theirs =
        read(&crate::harness::root().join("tests/fixtures/agreement/helpdesk.pm4py.csv"), "alignment_deviations");
    assert_eq!(ours.len(), 4580);
    assert_eq!(ours, theirs);
    std::fs::remove_dir_all(&dir).unwrap();
}
