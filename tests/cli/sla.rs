//! `flowaudit sla` (issue 19): time limits by tier and class, the early warning, bottlenecks.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::harness::{Flowaudit, rows, scratch};

const SAMPLE: &str = "samples/2026-10/complaints.csv.gz";

fn json(args: &[&str]) -> Value {
    let out = Flowaudit::new(args.iter().copied().chain(["--format", "json"])).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    serde_json::from_str(&out.stdout).unwrap()
}

/// First and last event time (seconds) of every ticket of a plain CSV month, and its tier and
/// class, read straight from the file.
fn spans(path: &Path) -> BTreeMap<String, (i64, i64, String, String)> {
    let mut out: BTreeMap<String, (i64, i64, String, String)> = BTreeMap::new();
    for r in rows(path) {
        let t = chrono::DateTime::parse_from_rfc3339(&r["timestamp"]).unwrap().timestamp();
        let e = out.entry(r["case_id"].clone()).or_insert((t, t, r["tier"].clone(), r["class"].clone()));
        e.0 = e.0.min(t);
        e.1 = e.1.max(t);
    }
    out
}

/// On a simulated month, every closed ticket's elapsed natural time, limit and verdict agree with
/// a hand check from the raw file and the shipped limits (seed 000's scale by tier and class).
#[test]
fn a_simulated_month_against_the_shipped_limits_by_hand() {
    let dir = scratch("sla-month");
    let month = dir.join("month.csv");
    let per = dir.join("per.csv");
    let sim = Flowaudit::new([
        "simulate",
        "--process",
        "complaint-flat",
        "--cases",
        "1500",
        "--seed",
        "21",
        "--noise",
        "0.1",
        "-o",
        month.to_str().unwrap(),
    ])
    .run();
    assert_eq!(sim.code, 0, "{}", sim.stderr);
    let v = json(&[
        "sla",
        "--log",
        month.to_str().unwrap(),
        "--process",
        "complaint-flat",
        "--per-ticket",
        per.to_str().unwrap(),
    ]);
    for key in
        ["compliance", "compliance_by_rule", "breaches", "at_risk", "overdue", "bottlenecks", "without_limit", "as_of"]
    {
        assert!(v.get(key).is_some(), "JSON lacks `{key}`");
    }
    let spans = spans(&month);
    let hours = |tier: &str, class: &str| -> f64 {
        let t: usize = tier.parse().unwrap();
        match class {
            "maintenance" => [96.0, 72.0, 48.0, 24.0, 8.0][t - 1],
            _ => [90.0, 60.0, 45.0, 30.0, 20.0][t - 1] * 24.0,
        }
    };
    let (mut checked, mut replies) = (0, 0);
    let (mut met, mut breached) = (0u64, 0u64);
    for r in rows(&per) {
        let (first, last, tier, class) = &spans[&r["case_id"]];
        assert_eq!((&r["tier"], &r["class"]), (tier, class));
        if r["measure"] == "until" {
            // The written-reply rule: its tickets came by e-mail or SMS, limit 24 h.
            assert_eq!((r["rule"].as_str(), r["limit_hours"].as_str()), ("written-reply-24h", "24.0000"));
            replies += 1;
            continue;
        }
        assert_eq!(r["measure"], "ticket");
        assert_eq!(r["calendar"], "24x7");
        let limit: f64 = r["limit_hours"].parse().unwrap();
        assert!((limit - hours(tier, class)).abs() < 1e-9, "{r:?}");
        if r["open"] == "0" {
            #[expect(clippy::cast_precision_loss, reason = "seconds of a month")]
            let elapsed = (last - first) as f64 / 3600.0;
            let got: f64 = r["elapsed_hours"].parse().unwrap();
            assert!((got - elapsed).abs() < 1e-4, "{r:?}: {elapsed}");
            assert_eq!(r["met"], if elapsed <= limit { "1" } else { "0" }, "{r:?}");
            checked += 1;
            if elapsed <= limit { met += 1 } else { breached += 1 }
        }
    }
    assert!(checked > 1000, "{checked}");
    assert!(replies > 0, "the simulated channels include e-mail and SMS");
    assert!(breached > 0 && met > 0, "{met} met, {breached} breached");
    // The compliance per rule sums the same verdicts (open tickets past their limit are breaches too).
    let by_rule = v["compliance_by_rule"].as_array().unwrap();
    let sum =
        |key: &str| by_rule.iter().filter(|r| r["measure"] == "ticket").map(|r| r[key].as_u64().unwrap()).sum::<u64>();
    assert_eq!(sum("met"), met);
    assert!(sum("breached") >= breached);
    let ticket_rules = by_rule.iter().filter(|r| r["measure"] == "ticket");
    assert_eq!(ticket_rules.map(|r| r["tickets"].as_u64().unwrap()).sum::<u64>(), 1500);
    // The breach list: the largest overrun first.
    let over: Vec<f64> = v["breaches"].as_array().unwrap().iter().map(|b| b["over_hours"].as_f64().unwrap()).collect();
    assert!(!over.is_empty() && over.windows(2).all(|w| w[0] >= w[1]), "{over:?}");
    // Bottlenecks: the ranking is by waiting time, and its shares add up to at most the whole.
    let ranking = v["bottlenecks"]["ranking"].as_array().unwrap();
    let shares: f64 = ranking.iter().filter_map(|s| s["share_of_throughput"].as_f64()).sum();
    assert!(shares > 0.5 && shares <= 1.0 + 1e-9, "{shares}");
    let waits: Vec<f64> = ranking.iter().map(|s| s["waiting_hours"].as_f64().unwrap()).collect();
    assert!(waits.windows(2).all(|w| w[0] >= w[1]));
    // By hand from the raw file: each event waits from the event before it in its ticket (file
    // order is time order in a simulated month), summed per activity label.
    let mut by_hand: BTreeMap<String, i64> = BTreeMap::new();
    let mut previous: BTreeMap<String, i64> = BTreeMap::new();
    for r in rows(&month) {
        let t = chrono::DateTime::parse_from_rfc3339(&r["timestamp"]).unwrap().timestamp();
        if let Some(before) = previous.insert(r["case_id"].clone(), t) {
            *by_hand.entry(r["activity"].clone()).or_insert(0) += t - before;
        }
    }
    for s in ranking {
        #[expect(clippy::cast_precision_loss, reason = "seconds of a month")]
        let expected = by_hand[s["step"].as_str().unwrap()] as f64 / 3600.0;
        assert!((s["waiting_hours"].as_f64().unwrap() - expected).abs() < 1e-6, "{s} against {expected}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Mid-month, open tickets are measured to `--as-of` and the early warning lists them, the least
/// time left first; the text has every section; a working calendar counts less than natural time.
#[test]
fn early_warning_mid_month_and_the_text_report() {
    let as_of = "2026-10-10T12:00:00+08:00";
    let v = json(&["sla", "--log", SAMPLE, "--process", "complaint-linear", "--as-of", as_of, "--top", "1000"]);
    assert_eq!(v["as_of"], as_of);
    let at_risk = v["at_risk"].as_array().unwrap();
    let overdue = v["overdue"].as_array().unwrap();
    assert!(!at_risk.is_empty() && !overdue.is_empty(), "{} at risk, {} overdue", at_risk.len(), overdue.len());
    assert_eq!(at_risk.len() as u64, v["at_risk_total"].as_u64().unwrap());
    for t in at_risk {
        let share = t["share_used"].as_f64().unwrap();
        assert!((0.8..1.0).contains(&share) && t["open"] == true, "{t}");
    }
    let left = |t: &Value| t["limit_hours"].as_f64().unwrap() - t["elapsed_hours"].as_f64().unwrap();
    assert!(at_risk.windows(2).all(|w| left(&w[0]) <= left(&w[1]) + 1e-9));
    assert!(overdue.windows(2).all(|w| left(&w[0]) <= left(&w[1]) + 1e-9));
    let out = Flowaudit::new(["sla", "--log", SAMPLE, "--process", "complaint-linear"]).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!(out.stdout);
    let natural = json(&["sla", "--log", SAMPLE, "--process", "complaint-linear"]);
    let office = json(&[
        "sla",
        "--log",
        SAMPLE,
        "--process",
        "complaint-linear",
        "--calendar",
        "processes/calendars/cn-office.yaml",
    ]);
    let met =
        |v: &Value| v["compliance_by_rule"].as_array().unwrap().iter().map(|r| r["met"].as_u64().unwrap()).sum::<u64>();
    assert!(met(&office) > met(&natural), "fewer working hours elapse than natural ones");
    let bad = Flowaudit::new(["sla", "--log", SAMPLE, "--process", "complaint-linear", "--as-of", "yesterday"]).run();
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("--as-of `yesterday`"), "{}", bad.stderr);
}

/// A log without a tier column takes its tiers from `flowaudit grade`'s CSV, joined on the
/// customer; tickets of ungraded customers are counted apart.
#[test]
fn tiers_from_grades() {
    let dir = scratch("sla-grades");
    let month = dir.join("month.csv");
    let sim = Flowaudit::new([
        "simulate",
        "--process",
        "complaint-linear",
        "--cases",
        "300",
        "--seed",
        "4",
        "-o",
        month.to_str().unwrap(),
    ])
    .run();
    assert_eq!(sim.code, 0, "{}", sim.stderr);
    // Drop the tier column and grade the customers from it instead (all but one).
    let all = rows(&month);
    let mut w = csv::Writer::from_path(dir.join("no-tier.csv")).unwrap();
    w.write_record(["case_id", "activity", "timestamp", "role", "customer_id", "class"]).unwrap();
    let mut grades: BTreeMap<String, String> = BTreeMap::new();
    for r in &all {
        w.write_record([&r["case_id"], &r["activity"], &r["timestamp"], &r["role"], &r["customer_id"], &r["class"]])
            .unwrap();
        grades.insert(r["customer_id"].clone(), r["tier"].clone());
    }
    w.flush().unwrap();
    let skipped = grades.keys().next().unwrap().clone();
    let mut g = csv::Writer::from_path(dir.join("grades.csv")).unwrap();
    g.write_record(["customer_id", "tenure_months", "arpu", "coefficient", "value", "stars"]).unwrap();
    for (c, t) in grades.iter().filter(|(c, _)| **c != skipped) {
        g.write_record([c, "24", "100", "1.2", "120", t]).unwrap();
    }
    g.flush().unwrap();
    let with_tiers = json(&["sla", "--log", month.to_str().unwrap(), "--process", "complaint-linear"]);
    let joined = json(&[
        "sla",
        "--log",
        dir.join("no-tier.csv").to_str().unwrap(),
        "--process",
        "complaint-linear",
        "--grades",
        dir.join("grades.csv").to_str().unwrap(),
    ]);
    let no_tier = |v: &Value| {
        v["without_limit"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|w| w["reason"] == "no-tier")
            .map(|w| w["tickets"].as_u64().unwrap())
            .sum::<u64>()
    };
    let skipped_tickets = all
        .iter()
        .filter(|r| r["customer_id"] == skipped)
        .map(|r| &r["case_id"])
        .collect::<std::collections::BTreeSet<_>>()
        .len() as u64;
    assert_eq!(no_tier(&joined), skipped_tickets);
    let met = |v: &Value| {
        v["compliance_by_rule"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["met"].as_u64().unwrap() + r["breached"].as_u64().unwrap())
            .sum::<u64>()
    };
    assert_eq!(met(&joined) + skipped_tickets, met(&with_tiers));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `check` shows the compliance per rule of the directory's time limits.
#[test]
fn check_shows_the_compliance_summary() {
    let v = json(&["check", "--log", SAMPLE, "--process", "complaint-linear"]);
    let rules: Vec<&str> = v["time_limits"]["compliance_by_rule"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["complaint-maintenance", "complaint-construction"]);
    let out = Flowaudit::new(["check", "--log", SAMPLE, "--process", "complaint-linear"]).run();
    assert!(out.stdout.contains("\ntime limits (open tickets measured to "), "{}", out.stdout);
}

/// A broken time-limits file: `validate` and `sla` name every problem at its line and column.
#[test]
fn broken_time_limits_are_located() {
    let dir = scratch("sla-broken");
    let limits = dir.join("time-limits.yaml");
    std::fs::write(
        &limits,
        "limits:\n  - processes: [complaint-liner]\n    calendar: office\n    measure: until\n    limit: {5: 8h, 6: 1h}\n  - calendar: 24x7\n    measure: ticket\n    limit: soon\n",
    )
    .unwrap();
    let out =
        Flowaudit::new(["sla", "--log", SAMPLE, "--process", "complaint-linear", "--limits", limits.to_str().unwrap()])
            .run();
    assert_eq!(out.code, 2);
    let errors: Vec<&str> = out.stderr.lines().filter(|l| l.starts_with("error[") || l.contains(" --> ")).collect();
    let at = |line: u32, column: u32| format!("time-limits.yaml:{line}:{column}");
    for (code, place) in [
        ("error[unknown-reference]: `complaint-liner` is not a process of this directory", at(2, 17)),
        ("error[unknown-reference]: calendar `office` is not in processes/calendars/", at(3, 15)),
        ("error[missing-key]: the rule at line 2 measures `until` but names no `steps`", at(2, 5)),
        ("error[invalid-value]: `6` is not a tier", at(5, 20)),
        ("error[invalid-value]: `soon` is not a duration", at(8, 12)),
    ] {
        let i = errors.iter().position(|l| *l == code).unwrap_or_else(|| panic!("no `{code}` in {}", out.stderr));
        assert!(errors[i + 1].ends_with(&place), "{} for {code}", errors[i + 1]);
    }
    assert!(out.stderr.contains("did you mean `complaint-linear`?"), "{}", out.stderr);
    let valid = Flowaudit::new(["validate", "processes/time-limits.yaml"]).run();
    assert_eq!(valid.code, 0, "{}", valid.stdout);
    assert!(valid.stdout.contains("time limits with 3 rules; 0 errors"), "{}", valid.stdout);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A broken time-limits file stops `sla` but not `check`, which warns and leaves the summary out.
#[test]
fn check_survives_broken_time_limits() {
    let dir = scratch("sla-broken-dir");
    for entry in std::fs::read_dir(crate::harness::root().join("processes")).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
        }
    }
    std::fs::create_dir_all(dir.join("calendars")).unwrap();
    std::fs::copy("processes/calendars/24x7.yaml", dir.join("calendars/24x7.yaml")).unwrap();
    std::fs::write(
        dir.join("time-limits.yaml"),
        "limits:\n  - calendar: nowhere\n    measure: ticket\n    limit: 8h\n",
    )
    .unwrap();
    let processes = dir.to_str().unwrap();
    let out = Flowaudit::new([
        "check",
        "--log",
        SAMPLE,
        "--process",
        "complaint-linear",
        "--processes",
        processes,
        "--format",
        "json",
    ])
    .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("calendar `nowhere` is not in processes/calendars/"), "{}", out.stderr);
    assert!(out.stderr.contains("warning: the time limits are not evaluated"), "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["time_limits"], Value::Null);
    let sla = Flowaudit::new(["sla", "--log", SAMPLE, "--process", "complaint-linear", "--processes", processes]).run();
    assert_eq!(sla.code, 2);
    std::fs::remove_dir_all(&dir).unwrap();
}
