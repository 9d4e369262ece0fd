//! `flowaudit audit` (issue 21): the bundled example, a second month's trends, benchmark misses
//! and `--fail-on-miss`, replacing a month only with `--force`, the workbook read back, and a
//! hostile log made harmless in every format.

use std::path::Path;

use crate::harness::{Flowaudit, scratch};

const CENTRE: &str = "samples/2026-10/centre.csv.gz";

fn audit(args: &[&str]) -> crate::harness::Output {
    let mut all = vec!["audit"];
    all.extend_from_slice(args);
    Flowaudit::new(all).run()
}

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

/// The committed example is exactly what auditing the bundled month writes, and two runs give
/// the same bytes.
#[test]
fn the_bundled_example_is_what_audit_writes() {
    let out = scratch("audit-example");
    for _ in 0..2 {
        let r = audit(&[
            "--log",
            CENTRE,
            "--contacts",
            "samples/2026-10/contacts.csv",
            "--out",
            out.to_str().unwrap(),
            "--force",
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stdout.contains("20000 tickets") && r.stdout.contains("benchmark values missed"), "{}", r.stdout);
    }
    let ours = out.join("2026-10");
    let example = crate::harness::root().join("reports/example");
    assert_eq!(files(&ours), files(&example));
    for name in files(&ours) {
        assert!(
            std::fs::read(ours.join(&name)).unwrap() == std::fs::read(example.join(&name)).unwrap(),
            "{name} differs"
        );
    }
    for name in ["index.html", "audit.xlsx", "audit.md", "summary.json", "conformance.csv", "map-complaint-flat.svg"] {
        assert!(files(&ours).contains(&name.to_owned()), "{name}");
    }
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(ours.join("summary.json")).unwrap()).unwrap();
    for key in ["schema", "month", "tickets", "conformance_rate", "processes", "benchmarks", "data_quality", "routing"]
    {
        assert!(summary.get(key).is_some(), "summary.json has `{key}`");
    }
    assert_eq!(summary["schema"], "flowaudit.audit/1");
    let rate = summary["benchmarks"].as_array().unwrap().iter().find(|b| b["metric"] == "complaint_rate").unwrap();
    assert!(rate["value"].as_f64().is_some_and(|v| v > 0.0 && v < 0.001), "complaints per contact: {rate}");
    let r = &summary["routing"];
    let routed = r["routed"].as_u64().unwrap() + r["blind_spot"].as_u64().unwrap() + r["unrouted"].as_u64().unwrap();
    assert_eq!(routed, summary["tickets"].as_u64().unwrap(), "no ticket dropped: {r}");
    assert!(r["blind_spot"].as_u64().unwrap() > 0, "the sample month has blind-spot tickets");
    let html = std::fs::read_to_string(ours.join("index.html")).unwrap();
    assert!(html.contains("<svg") && html.contains("<style>"), "maps and CSS inline");
    for external in ["<script", "<link", "src=\"http", "href=\"http", "url(http"] {
        assert!(!html.contains(external), "self-contained: no `{external}`");
    }
    assert!(
        html.contains("id=\"loopbacks\"") && html.contains("线性与扁平化流程对比"),
        "linear vs flattened where both run"
    );
    std::fs::remove_dir_all(&out).unwrap();
}

/// A second month under the same folder shows the trend from the first; an existing month is
/// replaced only with --force; --fail-on-miss exits 1 on a missed benchmark value.
#[test]
fn a_second_month_shows_trends_and_misses_fail_on_request() {
    let out = scratch("audit-trends");
    let nov = out.join("nov.csv");
    let sim = Flowaudit::new([
        "simulate",
        "--touchpoints",
        "--cases",
        "3000",
        "--seed",
        "7",
        "--noise",
        "0.2",
        "--month",
        "2026-11",
        "-o",
        nov.to_str().unwrap(),
    ])
    .run();
    assert_eq!(sim.code, 0, "{}", sim.stderr);
    let o = out.to_str().unwrap();
    assert_eq!(audit(&["--log", CENTRE, "--out", o]).code, 0);
    let again = audit(&["--log", CENTRE, "--out", o]);
    assert_eq!(again.code, 2, "an existing month is kept without --force");
    assert!(again.stderr.contains("--force"), "{}", again.stderr);
    let r = audit(&["--log", nov.to_str().unwrap(), "--out", o, "--fail-on-miss"]);
    assert_eq!(r.code, 1, "20 % noise misses the conformance target: {}", r.stdout);
    let trends = std::fs::read_to_string(out.join("2026-11/trends.csv")).unwrap();
    assert_eq!(trends.lines().count(), 3, "header, October, November: {trends}");
    assert!(trends.contains("2026-10") && trends.contains("2026-11"));
    let html = std::fs::read_to_string(out.join("2026-11/index.html")).unwrap();
    let trend_part = &html[html.find("id=\"trends\"").unwrap()..];
    assert!(trend_part.contains("<svg"), "a line chart of the months");
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("2026-11/summary.json")).unwrap()).unwrap();
    assert!(summary["benchmarks"].as_array().unwrap().iter().any(|b| b["passed"] == false));
    assert_eq!(audit(&["--log", nov.to_str().unwrap(), "--out", o, "--force"]).code, 0, "without --fail-on-miss: 0");
    std::fs::remove_dir_all(&out).unwrap();
}

/// The workbook opens: a sheet per table, real numbers, headers as text.
#[test]
fn the_workbook_opens_with_real_numbers() {
    use calamine::{Data, Reader as _, Xlsx, open_workbook};
    let out = scratch("audit-xlsx");
    assert_eq!(audit(&["--log", CENTRE, "--out", out.to_str().unwrap(), "--lang", "en"]).code, 0);
    let mut wb: Xlsx<_> = open_workbook(out.join("2026-10/audit.xlsx")).unwrap();
    let names = wb.sheet_names();
    for sheet in ["overview", "conformance", "time-limits", "touchpoints", "data-quality"] {
        assert!(names.iter().any(|n| n == sheet), "{sheet} in {names:?}");
    }
    let range = wb.worksheet_range("conformance").unwrap();
    assert_eq!(range.get((0, 0)), Some(&Data::String("process".into())));
    assert!(matches!(range.get((1, 1)), Some(Data::Float(_))), "tickets as a number: {:?}", range.get((1, 1)));
    std::fs::remove_dir_all(&out).unwrap();
}

/// Hostile ticket ids, labels and departments are inert in every format, and nothing is
/// written outside --out; a failed run leaves no folder behind.
#[test]
fn a_hostile_log_is_made_harmless() {
    // The report folder one level down in this test's own scratch folder, so that a path that
    // escaped it (`../../x` from the month's folder) would land where the test can see it.
    let base = scratch("audit-hostile");
    let out = base.join("reports");
    let r = audit(&[
        "--log",
        "tests/fixtures/audit/hostile.csv",
        "--process",
        "complaint-linear",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let dir = out.join("2026-10");
    let html = std::fs::read_to_string(dir.join("index.html")).unwrap();
    assert!(!html.contains("<script") && !html.contains("<img") && !html.contains("<b>一线"), "escaped");
    assert!(html.contains("&lt;img src=x onerror=alert(2)&gt;"), "the label is shown, escaped");
    let md = std::fs::read_to_string(dir.join("audit.md")).unwrap();
    assert!(!md.contains("<img") && !md.contains("<b>"), "{md}");
    let unmapped = std::fs::read_to_string(dir.join("unmapped.csv")).unwrap();
    assert!(unmapped.starts_with('\u{feff}'), "UTF-8 with BOM");
    assert!(unmapped.contains("'=HYPERLINK") && !unmapped.contains(",=HYPERLINK"), "{unmapped}");
    assert!(unmapped.contains("'@SUM(A1)"), "{unmapped}");
    let mut entries = files(&out);
    entries.retain(|n| !n.starts_with('.'));
    assert_eq!(entries, ["2026-10"], "nothing outside the month's folder");
    assert_eq!(files(&base), ["reports"], "nothing beside the report folder");
    assert!(!Path::new("x").exists(), "nothing in the working directory");

    let bad = out.join("processes");
    let root = crate::harness::root().join("processes");
    for sub in ["", "calendars"] {
        std::fs::create_dir_all(bad.join(sub)).unwrap();
        for f in std::fs::read_dir(root.join(sub)).unwrap() {
            let f = f.unwrap().path();
            if f.is_file() {
                std::fs::copy(&f, bad.join(sub).join(f.file_name().unwrap())).unwrap();
            }
        }
    }
    std::fs::write(bad.join("benchmarks.yaml"), "benchmarks:\n  - metric: no-such-metric\n    at_least: 1\n").unwrap();
    let failed = audit(&[
        "--log",
        CENTRE,
        "--processes",
        bad.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--month",
        "2026-10",
        "--force",
    ]);
    assert_eq!(failed.code, 2, "{}", failed.stderr);
    assert!(failed.stderr.contains("benchmarks.yaml"), "{}", failed.stderr);
    let left: Vec<String> = files(&out).into_iter().filter(|n| n.contains("partial")).collect();
    assert!(left.is_empty(), "no half report: {left:?}");
    std::fs::remove_dir_all(&base).unwrap();
}

/// On-site inspections merge into field application; a row naming no process stops with its line.
#[test]
fn inspections_merge_into_field_application() {
    let out = scratch("audit-inspections");
    let file = out.join("inspections.csv");
    std::fs::write(&file, "process,inspected,compliant\nquery,20,18\n").unwrap();
    let o = out.join("reports");
    let args = ["--log", CENTRE, "--out", o.to_str().unwrap(), "--lang", "en", "--inspections", file.to_str().unwrap()];
    let r = audit(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = crate::harness::rows(&o.join("2026-10/monitoring.csv"));
    let query = rows.iter().find(|r| r.values().any(|v| v.contains("query") || v.contains("Query"))).unwrap();
    let field = query.iter().find(|(k, _)| k.contains("field application")).map(|(_, v)| v.as_str());
    assert_eq!(field, Some("0.9000"), "18 of 20 inspections passed: {query:?}");
    let others = rows.iter().filter(|r| !std::ptr::eq(*r, query));
    assert!(others.flat_map(|r| r.iter()).filter(|(k, _)| k.contains("field application")).all(|(_, v)| v.is_empty()));
    std::fs::write(&file, "process,inspected,compliant\nquery,20,18\nqeury,5,5\n").unwrap();
    let bad = audit(&[&args[..], &["--force"]].concat());
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stderr.contains("inspections.csv:3: no process `qeury`"), "{}", bad.stderr);
    std::fs::remove_dir_all(&out).unwrap();
}
