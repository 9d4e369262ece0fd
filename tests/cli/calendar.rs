//! Working calendars through `flowaudit validate`: the shipped ones are valid and say what the
//! State Council published; every broken fixture gives its located error.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use flowaudit::model::calendar;

use crate::harness::{Flowaudit, root};

/// The `(severity, code)` of each diagnostic of a `validate --format json` run.
fn codes(json: &str) -> Vec<(String, String)> {
    let v: serde_json::Value = serde_json::from_str(json).expect("validate prints JSON");
    v["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .iter()
        .map(|d| (d["severity"].as_str().unwrap().to_owned(), d["code"].as_str().unwrap().to_owned()))
        .collect()
}

#[test]
fn the_process_directory_validates_its_calendars() {
    let out = Flowaudit::new(["validate"]).run();
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains(", 2 of 2 calendar files valid, time limits with 3 rules, 16 benchmark values; 0 errors"),
        "{}",
        out.stdout
    );
    let json = Flowaudit::new(["validate", "--format", "json"]).run();
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["calendar_files"], 2);
    assert_eq!(v["calendars"], serde_json::json!(["24x7", "cn-office"]));
    assert_eq!(v["time_limit_rules"], 3);
}

#[test]
fn a_calendar_file_is_validated_by_its_path() {
    for path in ["processes/calendars/cn-office.yaml", "processes/calendars/24x7.yaml"] {
        let out = Flowaudit::new(["validate", path]).run();
        assert_eq!(out.code, 0, "{path}: {}{}", out.stdout, out.stderr);
        assert_eq!(out.stdout, "valid: 1 of 1 calendar files valid; 0 errors, 0 warnings\n", "{path}");
    }
    let out = Flowaudit::new(["validate", "processes/calendars"]).run();
    assert_eq!(out.stdout, "valid: 2 of 2 calendar files valid; 0 errors, 0 warnings\n");
}

/// A process directory without `calendars/` validates as before: no calendar count.
#[test]
fn a_directory_without_calendars_is_fine() {
    let dir = std::env::temp_dir().join(format!("flowaudit-no-calendars-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(root().join("processes/complaint-linear.yaml"), dir.join("complaint-linear.yaml")).unwrap();
    let out = Flowaudit::new(["validate".as_ref(), dir.as_os_str()]).run();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_eq!(out.stdout, "valid: 1 of 1 process files valid; 0 errors, 0 warnings\n");
}

#[test]
fn the_shipped_office_calendar_follows_the_notices() {
    let cal = calendar::load(&root().join("processes/calendars/cn-office.yaml")).expect("valid");
    let day = |s: &str| cal.day_micros(NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap());
    let eight_hours = 8 * 3_600_000_000;
    assert_eq!(day("2026-10-10"), eight_hours, "the Saturday after National Day is worked");
    assert_eq!(day("2026-10-05"), 0, "National Day week is off");
    assert_eq!(day("2025-01-26"), eight_hours, "a Sunday worked for the 2025 Spring Festival");
    assert_eq!(day("2025-10-08"), 0, "the eighth day of National Day 2025 is off");
}

/// Each fixture in `tests/fixtures/calendars/` is named after its fault: `<code>[-detail].yaml`
/// raises errors of that code only, `warn-<code>[-detail].yaml` only warnings of it, and
/// `several-*.yaml` many problems at once, all reported in one run. Each text report is
/// snapshotted.
#[test]
fn broken_calendars_report_located_errors() {
    insta::glob!("../fixtures/calendars", "*.yaml", |path| {
        let rel = path.strip_prefix(root()).unwrap().to_str().unwrap().to_owned();
        let stem = path.file_stem().unwrap().to_str().unwrap();
        let json = Flowaudit::new(["validate", "--format", "json", rel.as_str()]).run();
        let found = codes(&json.stdout);
        let errors: Vec<_> = found.iter().filter(|(s, _)| s == "error").collect();
        if stem.starts_with("several-") {
            let kinds: BTreeSet<&str> = errors.iter().map(|(_, c)| c.as_str()).collect();
            assert!(errors.len() >= 10 && kinds.len() >= 6, "{rel}: not every problem reported: {found:?}");
            assert_eq!(json.code, 2, "{rel}");
        } else if let Some(name) = stem.strip_prefix("warn-") {
            assert!(errors.is_empty(), "{rel}: a warning fixture raised errors {found:?}");
            assert!(found.iter().any(|(_, c)| name.starts_with(c.as_str())), "{rel}: {found:?}");
            assert_eq!(json.code, 0, "{rel}");
        } else {
            assert!(!errors.is_empty(), "{rel}: no error");
            assert!(errors.iter().all(|(_, c)| stem.starts_with(c.as_str())), "{rel}: another fault: {found:?}");
            assert_eq!(found.len(), errors.len(), "{rel}: warnings too: {found:?}");
            assert_eq!(json.code, 2, "{rel}");
        }
        let text = Flowaudit::new(["validate", rel.as_str()]).run();
        assert_eq!(text.code, json.code, "{rel}: text and JSON runs disagree");
        assert!(text.stdout.contains(&format!("--> {rel}:")), "{rel}: not located:\n{}", text.stdout);
        insta::assert_snapshot!(text.stdout);
    });
}
