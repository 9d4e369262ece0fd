//! The department view of `check` (issue 18): hand-offs, loop-backs, organisational
//! conformance, repeats and KPIs, against the ground truth of simulated months and hand checks.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::harness::{Flowaudit, rows, scratch};

const SAMPLE: &str = "samples/2026-10/complaints.csv.gz";

fn num(row: &BTreeMap<String, String>, key: &str) -> u64 {
    row[key].parse().unwrap_or_else(|_| panic!("`{key}` = `{}`", row[key]))
}

/// Simulated months carry the truth of every deviation they inject: an injected loop-back is an
/// undesigned loop-back, an injected wrong-department event is counted once, and a ticket with
/// no injected deviation has neither (its designed loops included).
#[test]
fn simulated_months_agree_with_their_ground_truth() {
    let dir = scratch("department-truth");
    for (process, seed) in [("complaint-linear", "7"), ("complaint-flat", "13"), ("verification", "5")] {
        let month = dir.join(format!("{process}.csv"));
        let per = dir.join(format!("{process}-per.csv"));
        let sim = Flowaudit::new([
            "simulate",
            "--process",
            process,
            "--cases",
            "2000",
            "--seed",
            seed,
            "--noise",
            "0.3",
            "-o",
            month.to_str().unwrap(),
        ])
        .run();
        assert_eq!(sim.code, 0, "{}", sim.stderr);
        let out = Flowaudit::new([
            "check",
            "--log",
            month.to_str().unwrap(),
            "--process",
            process,
            "--per-trace",
            per.to_str().unwrap(),
        ])
        .run();
        assert_eq!(out.code, 0, "{}", out.stderr);
        let truth: BTreeMap<String, String> =
            rows(&month).into_iter().map(|r| (r["case_id"].clone(), r["deviation"].clone())).collect();
        let mut seen: BTreeMap<&str, u64> = BTreeMap::new();
        let (mut designed, mut undesigned) = (0, 0);
        for row in rows(&per) {
            let deviation = &truth[&row["case_id"]];
            let kind = deviation.split(':').next().filter(|k| !k.is_empty()).unwrap_or("clean");
            let (u, w) = (num(&row, "undesigned_loopbacks"), num(&row, "wrong_department_events"));
            let d = num(&row, "designed_loopbacks");
            assert_eq!(d + u, num(&row, "loopbacks"), "{process} {}: every loop-back is judged", row["case_id"]);
            match kind {
                "loop-back" => assert!(u >= 1, "{process} {} ({deviation}): no undesigned loop-back", row["case_id"]),
                "wrong-department" => assert_eq!(w, 1, "{process} {} ({deviation})", row["case_id"]),
                "clean" => assert_eq!((u, w), (0, 0), "{process} {}: a clean ticket", row["case_id"]),
                _ => {}
            }
            if kind != "wrong-department" {
                assert_eq!(w, 0, "{process} {} ({deviation}): only injected departments are wrong", row["case_id"]);
            }
            *seen
                .entry(match kind {
                    "loop-back" => "loop-back",
                    "wrong-department" => "wrong-department",
                    "clean" => "clean",
                    _ => "other",
                })
                .or_insert(0) += 1;
            designed += d;
            undesigned += u;
        }
        assert!(seen.get("loop-back").copied().unwrap_or(0) > 50, "{process}: {seen:?}");
        assert!(seen.get("wrong-department").copied().unwrap_or(0) > 50, "{process}: {seen:?}");
        assert!(designed > 100, "{process}: designed loops are taken in clean tickets ({designed})");
        assert!(undesigned > 50, "{process}: {undesigned}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

fn json(args: &[&str]) -> Value {
    let out = Flowaudit::new(args.iter().copied().chain(["--format", "json"])).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    serde_json::from_str(&out.stdout).unwrap()
}

/// The JSON sections add up, and agree with the per-trace columns ticket by ticket.
#[test]
fn json_sections_add_up_and_match_the_per_trace_file() {
    let dir = scratch("department-json");
    let per = dir.join("per.csv");
    let v = json(&["check", "--log", SAMPLE, "--process", "complaint-linear", "--per-trace", per.to_str().unwrap()]);
    for key in [
        "handoffs",
        "loopbacks",
        "organisational_conformance",
        "repeat_complaints",
        "escalations",
        "first_reply_success",
        "closed_loop",
        "complaint_rate",
        "data_quality",
    ] {
        assert!(v.get(key).is_some(), "JSON lacks `{key}`");
    }
    let rows = rows(&per);
    let sum = |key: &str| rows.iter().map(|r| num(r, key)).sum::<u64>();
    let l = &v["loopbacks"];
    let n = |x: &Value| x.as_u64().unwrap();
    assert_eq!(n(&l["designed"]) + n(&l["undesigned"]) + n(&l["not_judged"]), n(&l["loopbacks"]));
    assert_eq!(n(&l["self_loops"]["all"]) + n(&l["repetitions"]["all"]), n(&l["loopbacks"]));
    assert_eq!(sum("loopbacks"), n(&l["loopbacks"]));
    assert_eq!(sum("designed_loopbacks"), n(&l["designed"]));
    assert_eq!(sum("undesigned_loopbacks"), n(&l["undesigned"]));
    assert!(n(&l["designed"]) > 0 && n(&l["undesigned"]) > 0);
    assert_eq!(sum("handoffs"), n(&v["handoffs"]["total"]));
    assert_eq!(sum("department_returns"), n(&l["departments"]["returns"]));
    let buckets: u64 = v["handoffs"]["distribution"].as_array().unwrap().iter().map(|b| n(&b["tickets"])).sum();
    assert_eq!(buckets, 3000);
    let o = &v["organisational_conformance"];
    assert_eq!(o["measured"], true);
    assert_eq!(n(&o["right"]) + n(&o["wrong"]), n(&o["checked"]));
    assert_eq!(sum("wrong_department_events"), n(&o["wrong"]));
    let repeats = rows.iter().filter(|r| !r["repeat_of"].is_empty()).count() as u64;
    assert_eq!(repeats, n(&v["repeat_complaints"]["repeats"]));
    assert!(repeats > 0);
    // The linear process returns by design: expert, then execution, then expert again, then
    // frontline.
    let mp = &v["handoffs"]["main_path"];
    assert_eq!((n(&mp["handoffs"]), n(&mp["department_returns"])), (4, 2));
    assert_eq!(v["escalations"]["configured"], false);
    assert_eq!(v["complaint_rate"], Value::Null);
    assert_eq!(v["data_quality"]["rows_rejected"], 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Flattening takes one department return and one hand-off out of the main path, and a month of
/// it shows fewer returns per ticket than a month of the linear process.
#[test]
fn flattened_returns_less_than_linear() {
    let dir = scratch("department-flat");
    let mut per_ticket = BTreeMap::new();
    for process in ["complaint-linear", "complaint-flat"] {
        let month = dir.join(format!("{process}.csv"));
        let sim = Flowaudit::new([
            "simulate",
            "--process",
            process,
            "--cases",
            "1000",
            "--seed",
            "3",
            "-o",
            month.to_str().unwrap(),
        ])
        .run();
        assert_eq!(sim.code, 0, "{}", sim.stderr);
        let v = json(&["check", "--log", month.to_str().unwrap(), "--process", process]);
        let mp = &v["handoffs"]["main_path"];
        per_ticket.insert(
            process,
            (
                mp["handoffs"].as_u64().unwrap(),
                mp["department_returns"].as_u64().unwrap(),
                v["loopbacks"]["departments"]["mean_per_ticket"].as_f64().unwrap(),
            ),
        );
    }
    let (linear, flat) = (per_ticket["complaint-linear"], per_ticket["complaint-flat"]);
    assert_eq!((linear.0, linear.1), (4, 2));
    assert_eq!((flat.0, flat.1), (3, 1));
    assert!(flat.2 < linear.2, "{flat:?} {linear:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn loops_lists_the_worst_tickets_steps_and_pairs() {
    let out = Flowaudit::new(["loops", "--log", SAMPLE, "--process", "complaint-linear", "--top", "5"]).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!(out.stdout);
    let v = json(&["loops", "--log", SAMPLE, "--process", "complaint-linear", "--lang", "en"]);
    let tickets = v["tickets"].as_array().unwrap();
    let undesigned: Vec<u64> = tickets.iter().map(|t| t["undesigned_loopbacks"].as_u64().unwrap()).collect();
    assert!(undesigned.windows(2).all(|w| w[0] >= w[1]), "{undesigned:?}");
    assert_eq!(v["steps"][0]["id"], "soothe-record");
    assert_eq!(v["steps"][0]["step"], "Soothe customer and record complaint", "--lang en names steps in English");
    let pnml = Flowaudit::new(["loops", "--log", SAMPLE, "--process", "tests/fixtures/nets/receipt_imf20.pnml"]).run();
    assert_eq!(pnml.code, 2);
    assert!(pnml.stderr.contains("needs a process file"), "{}", pnml.stderr);
}

/// The complaint rate per 10,000 contacts, and a contacts file with a bad line.
#[test]
fn complaint_rate_per_channel() {
    let dir = scratch("department-contacts");
    let contacts = dir.join("contacts.csv");
    std::fs::write(&contacts, "channel,contacts\nphone,4000000\nweb,100000\n").unwrap();
    let v =
        json(&["check", "--log", SAMPLE, "--process", "complaint-linear", "--contacts", contacts.to_str().unwrap()]);
    let cr = &v["complaint_rate"];
    assert_eq!(cr["target_per_10000"], 5.0);
    let channels: Vec<(&str, u64, f64, bool)> = cr["channels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let rate = c["per_10000"].as_f64().unwrap();
            (c["channel"].as_str().unwrap(), c["tickets"].as_u64().unwrap(), rate, c["meets_target"].as_bool().unwrap())
        })
        .collect();
    assert_eq!(channels, [("phone", 3000, 7.5, false), ("web", 0, 0.0, true)]);
    std::fs::write(&contacts, "channel,contacts\nphone,lots\n").unwrap();
    let bad = Flowaudit::new([
        "check",
        "--log",
        SAMPLE,
        "--process",
        "complaint-linear",
        "--contacts",
        contacts.to_str().unwrap(),
    ])
    .run();
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("contacts.csv:2: the contacts of `phone` must be a whole number"), "{}", bad.stderr);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Labels that map to nothing make `check` warn on standard error and name the fix; a net (PNML)
/// has no department view.
#[test]
fn unmapped_labels_warn_and_nets_have_no_department_view() {
    let dir = scratch("department-unmapped");
    let log = dir.join("renamed.csv");
    // A month with two of its labels renamed to labels no step has.
    let out = Flowaudit::new([
        "simulate",
        "--process",
        "complaint-linear",
        "--cases",
        "200",
        "--seed",
        "9",
        "-o",
        log.to_str().unwrap(),
    ])
    .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let renamed = std::fs::read_to_string(&log)
        .unwrap()
        .replace("诊断并制定解决方案", "后台专家诊断")
        .replace("受理投诉", "工单受理");
    std::fs::write(&log, renamed).unwrap();
    let out = Flowaudit::new(["check", "--log", log.to_str().unwrap(), "--process", "complaint-linear"]).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.starts_with("warning: "), "{}", out.stderr);
    assert!(out.stderr.contains("map to no step of `complaint-linear`"), "{}", out.stderr);
    assert!(out.stderr.contains("flowaudit log suggest-profile --log"), "{}", out.stderr);
    assert!(out.stdout.contains("unmapped events"), "{}", out.stdout);
    assert!(out.stdout.contains("后台专家诊断"), "the most frequent unmapped labels are named");
    let only = json(&["check", "--log", SAMPLE, "--process", "complaint-linear", "--conformance-only"]);
    assert!(only.get("handoffs").is_none() && only.get("conformance_rate").is_some());
    let net = json(&["check", "--log", SAMPLE, "--process", "tests/fixtures/nets/receipt_imf20.pnml"]);
    assert!(net.get("handoffs").is_none() && net.get("loopbacks").is_none());
    assert_eq!(net["data_quality"]["unmapped_events"], Value::Null);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Issue 18's first case: a GBK export whose labels and departments differ from the process's.
/// `check` warns about the unmapped labels, the rejected rows and the unknown departments, and
/// the command its warning names, run as written, gives a profile under which the tickets
/// (all clean) conform and every department maps.
#[test]
fn the_gbk_export_warns_and_its_named_fix_works() {
    let export = "tests/fixtures/logs/gbk-export/export.csv.gz";
    let read = ["--encoding", "gbk", "--timezone", "Asia/Shanghai"];
    let args: Vec<&str> =
        ["check", "--log", export].into_iter().chain(read).chain(["--process", "complaint-linear"]).collect();
    let out = Flowaudit::new(&args).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let warnings: Vec<&str> = out.stderr.lines().filter(|l| l.starts_with("warning: ")).collect();
    assert_eq!(warnings.len(), 3, "{}", out.stderr);
    assert!(warnings[1].contains("5 of 1750 rows were rejected"), "{}", warnings[1]);
    assert!(warnings[2].contains("一线客服中心"), "{}", warnings[2]);
    assert!(out.stdout.contains("conformance rate   0.00 %"), "{}", out.stdout);
    // The command the first warning names, with the profile written to a scratch directory.
    let named = warnings[0].split('`').nth(3).expect("a command in backquotes");
    assert!(named.starts_with("flowaudit log suggest-profile --log ") && named.contains("--encoding gbk"), "{named}");
    let dir = scratch("department-gbk");
    let profile = dir.join("profile.yaml");
    let suggest: Vec<String> = named
        .split(' ')
        .skip(1)
        .map(|a| if a == "profile.yaml" { profile.display().to_string() } else { a.to_owned() })
        .collect();
    let out = Flowaudit::new(&suggest).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let mapped: Vec<String> =
        args.iter().map(|a| (*a).to_owned()).chain(["--mapping".to_owned(), profile.display().to_string()]).collect();
    let out = Flowaudit::new(mapped.iter().chain(&["--format".to_owned(), "json".to_owned()])).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["conformance_rate"], 1.0);
    assert_eq!(v["data_quality"]["unmapped_events"], 0);
    assert_eq!(v["data_quality"]["unmapped_departments"].as_array().unwrap().len(), 0);
    assert_eq!(v["organisational_conformance"]["rate"], 1.0);
    let warnings: Vec<&str> = out.stderr.lines().filter(|l| l.starts_with("warning: ")).collect();
    assert_eq!(warnings.len(), 1, "only the rejected rows are left to warn about: {}", out.stderr);
    std::fs::remove_dir_all(&dir).unwrap();
}
