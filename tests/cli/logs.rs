//! `flowaudit log stats` on CSV logs: the reference log, encodings and profiles, row accounting,
//! and the corpus of malformed logs.

use std::path::Path;

use serde_json::Value;

use crate::harness::{Flowaudit, root};

/// `log stats --format json` with `args`, which must succeed.
pub fn stats_json(args: &[&str]) -> Value {
    let mut all = vec!["log", "stats", "--format", "json"];
    all.extend_from_slice(args);
    let out = Flowaudit::new(all).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    serde_json::from_str(&out.stdout).expect("JSON")
}

/// The count under `key`.
pub fn count(v: &Value, key: &str) -> u64 {
    v[key].as_u64().unwrap_or_else(|| panic!("`{key}` is a count in {v}"))
}

/// Rows read = accepted (events) + rejected + filtered, in every JSON report.
fn assert_balanced(v: &Value) {
    let filtered = count(v, "rows_filtered");
    assert_eq!(count(v, "rows_read"), count(v, "events") + count(v, "rows_rejected") + filtered, "{v}");
}

#[test]
fn helpdesk_csv_reads_to_the_reference_figures() {
    let v = stats_json(&["--log", "tests/fixtures/logs/helpdesk/helpdesk.csv.gz"]);
    assert_eq!((count(&v, "cases"), count(&v, "events"), count(&v, "variants")), (4580, 21_348, 226));
    assert_eq!((count(&v, "rows_read"), count(&v, "rows_rejected")), (21_348, 0));
    assert_eq!(v["columns"]["timestamp"], "Complete Timestamp");
    assert_eq!(v["notes"]["repeated-column"]["count"], 1, "the header repeats `Variant`");
}

#[test]
fn gbk_export_with_naive_shanghai_times_reads_through_its_profile() {
    let v = stats_json(&[
        "--log",
        "tests/fixtures/logs/gbk/hotline-export-gbk.csv",
        "--mapping",
        "tests/fixtures/logs/gbk/hotline-profile.yaml",
        "--process",
        "complaint-linear",
    ]);
    assert_eq!((count(&v, "cases"), count(&v, "events"), count(&v, "rows_rejected")), (2, 13, 0));
    // 2026/10/08 09:15:02 in Shanghai is 01:15:02 UTC; nothing shifted silently.
    assert_eq!(v["first_event"], "2026-10-08T01:15:02Z");
    assert_eq!(v["activities"][0]["activity"], "专家诊断");
    let m = &v["mapping"];
    assert_eq!((count(m, "mapped_events"), count(m, "unmapped_events")), (12, 1));
    assert_eq!(m["unmapped"][0]["label"], "回访客户");
    let close = m["mapped"].as_array().unwrap().iter().find(|l| l["label"] == "结单").unwrap();
    assert_eq!(close["step"], "close", "the profile's own label mapping");
}

#[test]
fn a_gbk_export_read_as_utf8_names_the_encoding_flag() {
    let out = Flowaudit::new(["log", "stats", "--log", "tests/fixtures/logs/gbk/hotline-export-gbk.csv"]).run();
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--encoding gbk"), "{}", out.stderr);
}

#[test]
fn rejects_file_holds_every_rejected_row_with_line_and_reason() {
    let dir = std::env::temp_dir().join(format!("flowaudit-rejects-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let rejects = dir.join("rejects.csv");
    let v = stats_json(&[
        "--log",
        "tests/fixtures/logs/bad/csv-bad-timestamps.csv",
        "--rejects",
        rejects.to_str().unwrap(),
    ]);
    assert_balanced(&v);
    let text = std::fs::read_to_string(&rejects).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len() as u64, count(&v, "rows_rejected"));
    assert_eq!(&rows[0][0], "3");
    assert_eq!(&rows[0][1], "bad-timestamp");
    assert_eq!(&rows[0][4], "T1,diagnose,yesterday,expert");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_ten_megabyte_field_is_rejected_not_swallowed() {
    let dir = std::env::temp_dir().join(format!("flowaudit-big-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("big.csv");
    let big = "x".repeat(10 * 1024 * 1024);
    let text = format!("case_id,activity,timestamp\nT1,receive,2026-10-01 08:00\nT1,{big},2026-10-01 09:00\n");
    std::fs::write(&path, text).unwrap();
    let v = stats_json(&["--log", path.to_str().unwrap()]);
    assert_balanced(&v);
    assert_eq!(v["rejected"]["field-too-long"]["count"], 1);
    assert_eq!(v["rejected"]["field-too-long"]["examples"][0]["line"], 3);
    assert_eq!(count(&v, "events"), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

fn extra_args(path: &Path) -> Vec<String> {
    let mut args_file = path.as_os_str().to_owned();
    args_file.push(".args");
    std::fs::read_to_string(args_file).map(|t| t.split_whitespace().map(str::to_owned).collect()).unwrap_or_default()
}

/// Every malformed log gives a clear error (exit 2) or a full accounting (exit 0), never a panic;
/// `NAME.args` beside a fixture holds extra flags. The text output is snapshotted.
#[test]
fn malformed_logs_give_located_errors_or_full_accounting() {
    insta::glob!("../fixtures/logs/bad", "*", |path| {
        if path.extension().is_some_and(|e| e == "args" || e == "md") {
            return;
        }
        let rel = path.strip_prefix(root()).unwrap().to_str().unwrap().to_owned();
        let mut args = vec!["log".to_owned(), "stats".to_owned(), "--log".to_owned(), rel.clone()];
        args.extend(extra_args(path));
        let text = Flowaudit::new(&args).run();
        assert!(text.code == 0 || text.code == 2, "{rel}: exit {}\n{}", text.code, text.stderr);
        assert!(!text.stderr.contains("panicked"), "{rel}: {}", text.stderr);
        if text.code == 2 {
            assert!(text.stderr.contains(&rel) || text.stderr.contains("--"), "{rel}: not located: {}", text.stderr);
        } else {
            args.extend(["--format".to_owned(), "json".to_owned()]);
            let json = Flowaudit::new(&args).run();
            assert_balanced(&serde_json::from_str(&json.stdout).unwrap());
        }
        insta::assert_snapshot!(format!("exit {}\n{}{}", text.code, text.stdout, text.stderr));
    });
}
