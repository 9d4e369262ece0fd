//! `flowaudit check`: tickets against their process.

use std::collections::BTreeMap;
use std::path::Path;

use crate::harness::{Flowaudit, scratch};

const SAMPLE: &str = "samples/2026-10/complaints.csv.gz";
const ALLOW: &str = "tests/fixtures/allow/complaint-linear.yaml";

/// `column` of a CSV file by its first column.
fn column(path: &Path, column: &str) -> BTreeMap<String, String> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let headers = r.headers().unwrap().clone();
    let i = headers.iter().position(|h| h == column).unwrap_or_else(|| panic!("{}: no `{column}`", path.display()));
    r.records().map(|rec| rec.unwrap()).map(|rec| (rec[0].to_owned(), rec[i].to_owned())).collect()
}

#[test]
fn checks_the_sample_month_against_its_process() {
    let out = Flowaudit::new(["check", "--log", SAMPLE, "--process", "complaint-linear"]).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stderr, "", "no progress bar when standard error is not a terminal");
    insta::assert_snapshot!(out.stdout);
    let json = Flowaudit::new([
        "check",
        "--log",
        SAMPLE,
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
    for key in [
        "cases",
        "variants",
        "conformance_rate",
        "log_fitness",
        "average_trace_fitness",
        "not_computed",
        "skipped",
        "unexpected",
        "allowed",
        "deviation_patterns",
        "token_replay",
    ] {
        assert!(v.get(key).is_some(), "JSON lacks `{key}`");
    }
    assert_eq!(v["cases"], 3000);
    assert_eq!(v["allowed"]["tickets"], 0, "no allow-list, nothing allowed");
    assert_eq!(v["allow_list"], serde_json::Value::Null);
    assert_eq!(v["token_replay"]["measure"], "secondary");
    // Every deviating ticket is in exactly one pattern.
    let patterns = v["deviation_patterns"].as_array().unwrap();
    let in_patterns: u64 = patterns.iter().map(|p| p["tickets"].as_u64().unwrap()).sum();
    assert_eq!(in_patterns, 3000 - v["fitting"].as_u64().unwrap());
    let order: Vec<(u64, &str)> =
        patterns.iter().map(|p| (p["tickets"].as_u64().unwrap(), p["pattern"].as_str().unwrap())).collect();
    assert!(order.windows(2).all(|w| w[0].0 > w[1].0 || (w[0].0 == w[1].0 && w[0].1 < w[1].1)), "{order:?}");
}

/// The allow-list: text and JSON snapshots; the tickets counted as conforming thanks to it are
/// those of the fully allow-listed patterns and those marked `allowed` in the per-trace file;
/// fitness does not move; the entry for another process is ignored.
#[test]
fn an_allow_list_counts_accepted_deviations_apart() {
    let out = Flowaudit::new(["check", "--log", SAMPLE, "--process", "complaint-linear", "--allow", ALLOW]).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!("allow_list_text", out.stdout);
    let dir = scratch("check-allow");
    let per_trace = dir.join("per-trace.csv");
    let json = Flowaudit::new([
        "check",
        "--log",
        SAMPLE,
        "--process",
        "complaint-linear",
        "--allow",
        ALLOW,
        "--format",
        "json",
        "--per-trace",
        per_trace.to_str().unwrap(),
    ])
    .run();
    assert_eq!(json.code, 0, "{}", json.stderr);
    insta::assert_snapshot!("allow_list_json", json.stdout);
    let with: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let without: serde_json::Value = serde_json::from_str(
        &Flowaudit::new(["check", "--log", SAMPLE, "--process", "complaint-linear", "--format", "json"]).run().stdout,
    )
    .unwrap();
    let allowed = with["allowed"]["tickets"].as_u64().unwrap();
    assert!(allowed > 0);
    let from_patterns: u64 = with["deviation_patterns"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["allowed"] == true)
        .map(|p| p["tickets"].as_u64().unwrap())
        .sum();
    assert_eq!(allowed, from_patterns);
    let marked = column(&per_trace, "allowed").values().filter(|a| *a == "1").count() as u64;
    assert_eq!(allowed, marked);
    let cases = with["cases"].as_f64().unwrap();
    let fitting = with["fitting"].as_f64().unwrap();
    #[expect(clippy::cast_precision_loss, reason = "a count of tickets")]
    let rate = (fitting + allowed as f64) / cases;
    assert!((with["conformance_rate"].as_f64().unwrap() - rate).abs() < 1e-12);
    for key in ["log_fitness", "average_trace_fitness", "skipped", "unexpected", "fitting", "token_replay"] {
        assert_eq!(with[key], without[key], "`{key}` does not depend on the allow-list");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// An allow-list for a Petri net names it by its file name; its steps are the net's labels.
#[test]
fn an_allow_list_for_a_pnml_net_uses_its_file_name() {
    let dir = scratch("check-pnml");
    let allow = dir.join("allow.yaml");
    std::fs::write(&allow, "allow:\n  - process: helpdesk_imf20\n    skip: Take in charge ticket\n").unwrap();
    let args = |allow: &Path| {
        Flowaudit::new([
            "check",
            "--log",
            "tests/fixtures/logs/helpdesk/helpdesk.xes.gz",
            "--process",
            "tests/fixtures/nets/helpdesk_imf20.pnml",
            "--format",
            "json",
            "--allow",
            allow.to_str().unwrap(),
        ])
        .run()
    };
    let out = args(&allow);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let only_that: Vec<&serde_json::Value> = v["deviation_patterns"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["pattern"] == "skipped: Take in charge ticket")
        .collect();
    assert_eq!(only_that.len(), 1);
    assert_eq!(only_that[0]["allowed"], true);
    assert_eq!(v["allowed"]["tickets"], only_that[0]["tickets"]);
    assert_eq!(v["allowed"]["skipped"]["Take in charge ticket"], v["skipped"]["Take in charge ticket"]);
    std::fs::write(&allow, "allow:\n  - process: helpdesk_imf20\n    unexpected: Take in charge tickets\n").unwrap();
    let bad = args(&allow);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("process `helpdesk_imf20` has no activity `Take in charge tickets`"), "{}", bad.stderr);
    assert!(bad.stderr.contains("did you mean `Take in charge ticket`?"), "{}", bad.stderr);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A bad allow-list stops the check (exit 2) with every problem located in the file.
#[test]
fn bad_allow_lists_give_located_errors() {
    for name in ["unknown-step", "unclosed-quote"] {
        let file = format!("tests/fixtures/allow/{name}.yaml");
        let out = Flowaudit::new(["check", "--log", SAMPLE, "--process", "complaint-linear", "--allow", &file]).run();
        assert_eq!(out.code, 2, "{name}: {}", out.stderr);
        assert_eq!(out.stdout, "");
        insta::assert_snapshot!(format!("bad_allow_list_{name}"), out.stderr);
    }
}

/// The per-trace file of a check against a PNML net holds PM4Py's alignment cost and token-based
/// replay fitness for every case, and no progress bar is drawn into a pipe (226 variants).
#[test]
fn per_trace_costs_of_a_pnml_net_equal_the_reference() {
    let dir = scratch("check-helpdesk");
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
    assert_eq!(out.stderr, "");
    let reference = crate::harness::root().join("tests/fixtures/agreement/helpdesk.pm4py.csv");
    let ours = column(&per_trace, "cost");
    assert_eq!(ours.len(), 4580);
    assert_eq!(ours, column(&reference, "alignment_deviations"));
    let headers = csv::Reader::from_path(&per_trace).unwrap().headers().unwrap().clone();
    assert_eq!(
        headers.iter().collect::<Vec<_>>(),
        ["case_id", "cost", "fitness", "fits", "alignment", "allowed", "tbr_fitness"]
    );
    let tbr = column(&per_trace, "tbr_fitness");
    let differ: Vec<_> = column(&reference, "tbr_fitness")
        .into_iter()
        .filter(|(case, f)| (tbr[case].parse::<f64>().unwrap() - f.parse::<f64>().unwrap()).abs() > 5e-7)
        .take(5)
        .collect();
    assert!(differ.is_empty(), "{differ:?}");
    assert!(column(&per_trace, "allowed").values().all(|a| a == "0"), "no allow-list, nothing allowed");
    std::fs::remove_dir_all(&dir).unwrap();
}
