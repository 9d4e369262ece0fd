//! `flowaudit compare` (issue 20, item 5): the linear and the flattened complaint flow side by
//! side, with the bundled sample months and the what-if replay of the linear month on the flat
//! design.

use crate::harness::{Flowaudit, scratch};

const LINEAR: &str = "samples/2026-10/complaints.csv.gz";
const FLAT: &str = "samples/2026-10/complaints-flat.csv.gz";

fn json(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["compare", "--process", "complaint-linear", "--process", "complaint-flat", "--format", "json"];
    all.extend_from_slice(args);
    let out = Flowaudit::new(all).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    serde_json::from_str(&out.stdout).unwrap()
}

/// The designs alone: what flattening changes on paper.
#[test]
fn the_designs_side_by_side() {
    let out =
        Flowaudit::new(["compare", "--process", "complaint-linear", "--process", "complaint-flat", "--lang", "en"])
            .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!("designs", out.stdout);
    let v = json(&[]);
    let (a, b) = (&v["processes"][0]["design"], &v["processes"][1]["design"]);
    assert_eq!((a["handoffs"].as_u64(), b["handoffs"].as_u64()), (Some(4), Some(3)));
    assert_eq!((a["department_returns"].as_u64(), b["department_returns"].as_u64()), (Some(2), Some(1)));
    assert_eq!(a["follow_ups"][0]["handoffs"].as_u64(), Some(4));
    assert_eq!(b["follow_ups"][0]["handoffs"].as_u64(), Some(0));
    assert!(v["processes"][0]["observed"].is_null() && v["what_if"].is_null());
}

/// Both sample months, and the linear month replayed on the flat design.
#[test]
fn the_sample_months_and_the_what_if() {
    let v = json(&["--log", LINEAR, "--log", FLAT, "--what-if"]);
    let (a, b) = (&v["processes"][0]["observed"], &v["processes"][1]["observed"]);
    assert_eq!((a["tickets"].as_u64(), b["tickets"].as_u64()), (Some(3000), Some(3000)));
    let per_ticket = |o: &serde_json::Value| o["handoffs_per_ticket"].as_f64().unwrap();
    assert!(per_ticket(a) > per_ticket(b), "the flat month hands off less: {a} {b}");
    let w = &v["what_if"];
    let assumptions = &w["assumptions"];
    assert_eq!(assumptions["tickets"].as_u64(), Some(3000), "{assumptions}");
    assert_eq!(assumptions["follow_ups_dropped"].as_u64(), Some(0), "the flat design has a loop on both branches");
    assert_eq!(
        assumptions["dropped_steps"],
        serde_json::json!(["report-to-expert", "relay-to-frontline", "reply-customer"])
    );
    assert_eq!(w["outcome"]["conformance_rate"].as_f64(), Some(1.0), "replayed tickets follow the design");
    assert!(per_ticket(&w["outcome"]) < per_ticket(a), "{w}");
    // Follow-ups keep their count: the replay's loop-backs are two steps per follow-up.
    let follow_ups = assumptions["follow_ups"].as_f64().unwrap();
    let loops = w["outcome"]["loopbacks_per_ticket"].as_f64().unwrap() * 3000.0;
    assert!((loops - 2.0 * follow_ups).abs() < 0.5, "{loops} loop-backs for {follow_ups} follow-ups");
    // Both sample months come from the same simulator: the linear month replayed on the flat
    // design lands near the month simulated under it.
    let near = |key: &str, tolerance: f64| {
        let (x, y) = (w["outcome"][key].as_f64().unwrap(), b[key].as_f64().unwrap());
        assert!((x - y).abs() <= tolerance * y, "{key}: what-if {x}, flat month {y}");
    };
    near("handoffs_per_ticket", 0.05);
    near("returns_per_ticket", 0.08);
    near("median_throughput_hours", 0.05);
    let again = json(&["--log", LINEAR, "--log", FLAT, "--what-if"]);
    assert_eq!(v, again, "seeded: the same figures every run");
    let other_seed = json(&["--log", LINEAR, "--what-if", "--seed", "9"]);
    assert_eq!(other_seed["what_if"]["assumptions"]["tickets"].as_u64(), Some(3000));
}

/// The picture as DOT: both maps, the shared steps tied, the table and the assumptions under it.
#[test]
fn the_picture_holds_both_maps_and_the_table() {
    let dir = scratch("compare-dot");
    let (a, b) = (dir.join("a.dot"), dir.join("b.dot"));
    for path in [&a, &b] {
        let out = Flowaudit::new([
            "compare",
            "--process",
            "complaint-linear",
            "--process",
            "complaint-flat",
            "--log",
            LINEAR,
            "--what-if",
            "-o",
            path.to_str().unwrap(),
        ])
        .run();
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    let dot = std::fs::read_to_string(&a).unwrap();
    assert_eq!(dot, std::fs::read_to_string(&b).unwrap(), "byte-identical");
    assert!(dot.contains("subgraph \"cluster_a\"") && dot.contains("subgraph \"cluster_b\""), "{dot}");
    assert!(dot.contains("\"a/step:diagnose\";\n    \"b/step:diagnose\";"), "shared steps in one column");
    assert!(dot.contains("假设：投诉处理流程（线性）的 3000 张工单按投诉处理流程（扁平化）重放"), "{dot}");
    assert!(dot.contains("假设：第一流程的当月工单按此流程重放"), "the second map is the what-if's");
    insta::assert_snapshot!("what-if-dot", dot);
}

/// SVG through Graphviz when it is installed (CI installs it).
#[test]
fn the_picture_as_svg() {
    if !std::process::Command::new("dot").arg("-V").output().is_ok_and(|o| o.status.success()) {
        eprintln!("Graphviz's dot is not installed: the SVG test is skipped (CI installs it)");
        return;
    }
    let path = scratch("compare-svg").join("c.svg");
    let out = Flowaudit::new([
        "compare",
        "--process",
        "complaint-linear",
        "--process",
        "complaint-flat",
        "--log",
        LINEAR,
        "--log",
        FLAT,
        "--lang",
        "en",
        "-o",
        path.to_str().unwrap(),
    ])
    .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let svg = std::fs::read_to_string(&path).unwrap();
    assert!(svg.contains("<svg") && svg.contains("Complaint handling (flattened)") && svg.contains("per ticket"));
}

/// Wrong use is a clear error and exit 2.
#[test]
fn wrong_use_says_what_to_do() {
    for (args, says) in [
        (vec!["--process", "complaint-linear"], "give exactly two processes"),
        (
            vec!["--process", "complaint-linear", "--process", "complaint-flat", "--what-if"],
            "give it with `--log FILE`",
        ),
        (
            vec![
                "--process",
                "complaint-linear",
                "--process",
                "complaint-flat",
                "--log",
                LINEAR,
                "--log",
                FLAT,
                "--log",
                FLAT,
            ],
            "at most one log per process",
        ),
        (vec!["--process", "complaint-linear", "--process", "no-such-process"], "no-such-process"),
    ] {
        let mut all = vec!["compare"];
        all.extend(args);
        let out = Flowaudit::new(all).run();
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert!(out.stderr.contains(says), "{}", out.stderr);
    }
}
