//! `flowaudit grade`: the worked example of docs/grading.md, the three formats, rejected rows
//! with file and line, `--strict`, `--rejects`, and located errors for bad rules and bad files.

use serde_json::Value;

use crate::harness::{Flowaudit, Output, root, scratch};

const CUSTOMERS: &str = "tests/fixtures/grading/example/customers.csv";
const BILLS: &str = "tests/fixtures/grading/example/bills.csv";
const BAD_CUSTOMERS: &str = "tests/fixtures/grading/bad/customers.csv";
const BAD_BILLS: &str = "tests/fixtures/grading/bad/bills.csv";

fn grade(customers: &str, bills: &str, more: &[&str]) -> Output {
    let mut args = vec!["grade", "--customers", customers, "--bills", bills, "--month", "2026-04"];
    args.extend_from_slice(more);
    Flowaudit::new(args).run()
}

fn example(more: &[&str]) -> Output {
    let out = grade(CUSTOMERS, BILLS, more);
    assert_eq!(out.code, 0, "{}", out.stderr);
    out
}

/// The rows of the Markdown table between `<!-- {marker}` and `<!-- /{marker} -->` in
/// docs/grading.md, cells trimmed, header and rule left out.
fn doc_table(marker: &str) -> Vec<Vec<String>> {
    let doc = std::fs::read_to_string(root().join("docs/grading.md")).unwrap();
    let start = doc.find(&format!("<!-- {marker}")).unwrap_or_else(|| panic!("docs/grading.md has no {marker}"));
    let end = doc.find(&format!("<!-- /{marker} -->")).unwrap();
    doc[start..end]
        .lines()
        .filter(|l| l.starts_with('|'))
        .skip(2)
        .map(|l| l.trim_matches('|').split('|').map(|c| c.trim().to_owned()).collect())
        .collect()
}

/// A JSON number as the doc writes it: `2424.0` is `2424`, `92.4` stays.
fn decimal(v: &Value) -> String {
    let s = v.to_string();
    s.strip_suffix(".0").unwrap_or(&s).to_owned()
}

/// Regression guard of docs/grading.md: every number of its worked example is what `grade`
/// computes on the fixture, so the page cannot drift from the tool.
#[test]
fn the_worked_example_of_the_docs_is_what_grade_computes() {
    let csv = example(&["--format", "csv"]).stdout;
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(
        reader.headers().unwrap(),
        vec!["customer_id", "tenure_months", "arpu", "coefficient", "value", "stars"]
    );
    let rows: Vec<Vec<String>> = reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect();
    let doc = doc_table("worked-example-grades");
    assert_eq!(doc.len(), 22, "the doc lists 22 customers");
    assert_eq!(rows.len(), doc.len(), "one CSV row per customer listed");
    let json: Value = serde_json::from_str(&example(&["--format", "json"]).stdout).unwrap();
    for (row, d) in rows.iter().zip(&doc) {
        // customer | joined | tenure | window | billed | ARPU | coefficient | value | stars
        let cell = |i: usize| if d[i] == "-" || d[i] == "ungraded" { String::new() } else { d[i].clone() };
        let want = [cell(0), cell(2), cell(5), cell(6), cell(7), cell(8)];
        assert_eq!(row[..], want[..], "docs/grading.md row {d:?}");
        if let Some(g) = json["grades"].as_array().unwrap().iter().find(|g| g["customer_id"] == d[0]) {
            assert_eq!(g["window_months"].to_string(), d[3], "{d:?}");
            assert_eq!(decimal(&g["billed"]), d[4], "{d:?}");
            // The doc writes the date as the file does (`2024/04/02`); the JSON has its month.
            assert!(d[1].starts_with(&g["joined"].as_str().unwrap().replace('-', &d[1][4..5])), "{d:?} {g}");
        } else {
            assert_eq!(d[8], "ungraded");
        }
    }
    let cuts = json["cut_points"].as_array().unwrap();
    let tiers = doc_table("worked-example-thresholds");
    let names = ["five", "four", "three", "two", "one"];
    for (i, t) in tiers.iter().enumerate() {
        // stars | cut at | rank | value at rank | threshold | customers | share
        assert_eq!(t[0], (5 - i).to_string());
        assert_eq!(json["stars"][names[i]].to_string(), t[5], "{t:?}");
        if i < 4 {
            let c = &cuts[i];
            let share = t[1].trim_end_matches('%').trim().parse::<f64>().unwrap() / 100.0;
            assert!((c["share"].as_f64().unwrap() - share).abs() < 1e-12, "{t:?}");
            assert_eq!((c["rank"].to_string(), c["threshold"].to_string()), (t[2].clone(), t[4].clone()), "{t:?}");
            assert_eq!(decimal(&c["value"]), t[3], "{t:?}");
        }
    }
    assert_eq!(json["thresholds"], serde_json::json!({"five": 300, "four": 130, "three": 90, "two": 60}));
    assert_eq!((json["graded"].as_u64(), json["ungraded"]["count"].as_u64()), (Some(20), Some(2)));
    assert_eq!(json["customers"]["listed_more_than_once"], 1);
    assert_eq!(
        (json["bills"]["outside_window"].as_u64(), json["bills"]["summed_customer_months"].as_u64()),
        (Some(2), Some(1))
    );
}

/// The text output shown in docs/grading.md: its lines, in order, are lines of the real output
/// (the command, its continuation and `...` aside).
#[test]
fn the_text_output_in_the_docs_is_the_real_one() {
    let doc = std::fs::read_to_string(root().join("docs/grading.md")).unwrap();
    let start = doc.find("<!-- worked-example-text").unwrap();
    let end = doc.find("<!-- /worked-example-text -->").unwrap();
    let block = &doc[start..end];
    let shown: Vec<&str> = block
        .lines()
        .skip_while(|l| !l.starts_with("```text"))
        .skip(1)
        .take_while(|l| !l.starts_with("```"))
        .filter(|l| !l.starts_with("$ ") && !l.starts_with("    --") && l.trim() != "...")
        .collect();
    assert!(shown.len() > 20, "{shown:?}");
    let out = example(&[]).stdout;
    let mut real = out.lines();
    for line in shown {
        assert!(
            real.any(|r| r == line),
            "docs/grading.md shows a line the output lacks (or out of order):\n{line}\n\n{out}"
        );
    }
}

#[test]
fn the_worked_example_as_text_and_json() {
    let text = example(&[]);
    assert!(text.stderr.is_empty(), "{}", text.stderr);
    insta::assert_snapshot!("example_text", text.stdout);
    let json = example(&["--format", "json"]);
    assert!(
        json.stderr.contains("graded 20 customers for 2026-04 (thresholds 300/130/90/60; 2 ungraded, 0 rows rejected)"),
        "{}",
        json.stderr
    );
    insta::assert_snapshot!("example_json", json.stdout);
}

#[test]
fn the_csv_is_the_same_whatever_the_row_order_and_wherever_it_goes() {
    let first = example(&["--format", "csv"]).stdout;
    assert_eq!(first, example(&["--format", "csv"]).stdout, "two runs differ");
    // The same rows reversed (header kept first) grade the same.
    let dir = scratch("grade-order");
    let reversed = |from: &str, to: &str| {
        let text = std::fs::read_to_string(root().join(from)).unwrap();
        let mut lines: Vec<&str> = text.lines().collect();
        lines[1..].reverse();
        let path = dir.join(to);
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
        path.to_str().unwrap().to_owned()
    };
    let (c, b) = (reversed(CUSTOMERS, "customers.csv"), reversed(BILLS, "bills.csv"));
    let out = grade(&c, &b, &["--format", "csv"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, first, "reversed rows give other grades");
    // -o writes exactly what standard output gets.
    let file = dir.join("grades.csv");
    let out = example(&["--format", "csv", "-o", file.to_str().unwrap()]);
    assert!(out.stdout.is_empty());
    assert!(out.stderr.contains(&format!("→ {}", file.display())), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), first);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn bad_rows_are_rejected_with_file_line_and_reason_and_counted() {
    let dir = scratch("grade-rejects");
    let rejects = dir.join("rejects.csv");
    let out = grade(BAD_CUSTOMERS, BAD_BILLS, &["--rejects", rejects.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .starts_with("warning: 12 row(s) rejected, not used; first: tests/fixtures/grading/bad/customers.csv:3:"),
        "{}",
        out.stderr
    );
    insta::assert_snapshot!("bad_rows_text", out.stdout);
    let written = std::fs::read_to_string(&rejects).unwrap();
    insta::assert_snapshot!("bad_rows_rejects_csv", written);
    assert_eq!(written.lines().count(), 13, "a header and every rejected row");
    let json = grade(BAD_CUSTOMERS, BAD_BILLS, &["--format", "json"]);
    let v: Value = serde_json::from_str(&json.stdout).unwrap();
    // Every row is accounted for: rows = accepted + rejected, per file.
    assert_eq!((v["customers"]["rows"].as_u64(), v["customers"]["rejected"].as_u64()), (Some(8), Some(4)));
    assert_eq!((v["bills"]["rows"].as_u64(), v["bills"]["rejected"].as_u64()), (Some(23), Some(8)));
    assert_eq!(v["rejected"]["count"], 12);
    assert_eq!(v["rejected"]["by_reason"]["bad-amount"], 3);
    assert_eq!(v["rejected"]["examples"][0]["line"], 3);
    assert_eq!(v["ungraded"]["customers"][0]["reason"], "joined-after-month");
    // A01's graded listing (2024-01) wins over its short one (2025-11).
    let a01 = v["grades"].as_array().unwrap().iter().find(|g| g["customer_id"] == "A01").unwrap();
    assert_eq!(
        (a01["tenure_months"].as_u64(), a01["listings"].as_u64(), a01["arpu"].as_u64()),
        (Some(27), Some(2), Some(100))
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn strict_turns_a_rejected_row_into_an_error_and_writes_no_grades() {
    let dir = scratch("grade-strict");
    let (grades, rejects) = (dir.join("grades.csv"), dir.join("rejects.csv"));
    let out = grade(
        BAD_CUSTOMERS,
        BAD_BILLS,
        &["--strict", "--format", "csv", "-o", grades.to_str().unwrap(), "--rejects", rejects.to_str().unwrap()],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(
        out.stderr.trim_end(),
        "error: 12 row(s) rejected and --strict is on; first: tests/fixtures/grading/bad/customers.csv:3: `2024-13-01` is not a date (YYYY-MM-DD, YYYY/MM/DD or YYYY-MM) (bad-joined); see them all with --rejects FILE"
    );
    assert!(!grades.exists(), "no grades file under --strict");
    assert_eq!(std::fs::read_to_string(&rejects).unwrap().lines().count(), 13);
    assert_eq!(example(&["--strict"]).code, 0, "a clean input passes --strict");
    let _ = std::fs::remove_dir_all(dir);
}

/// Each rules fixture has problems; all are reported at `file:line:column` and the run exits 2.
#[test]
fn bad_rules_give_located_errors() {
    insta::glob!("../fixtures/grading/rules", "*.yaml", |path| {
        let rel = path.strip_prefix(root()).unwrap().to_str().unwrap().to_owned();
        let out = grade(CUSTOMERS, BILLS, &["--rules", &rel]);
        assert_eq!(out.code, 2, "{rel}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{rel}: {}", out.stdout);
        assert!(out.stderr.contains(&format!("--> {rel}:")), "{rel}: not located:\n{}", out.stderr);
        insta::assert_snapshot!(out.stderr);
    });
}

#[test]
fn bad_files_and_a_bad_month_exit_2_and_say_where() {
    let no_amount = "tests/fixtures/grading/bad/bills-no-amount.csv";
    let cases: [(&str, &str, &str, &[&str], &str); 5] = [
        (
            CUSTOMERS,
            no_amount,
            "2026-04",
            &[],
            "error: tests/fixtures/grading/bad/bills-no-amount.csv:1: the header has no `amount` column (found: `customer_id`, `month`, `total`); it needs `customer_id,month,amount`, comma-separated",
        ),
        (
            CUSTOMERS,
            "tests/fixtures/grading/missing.csv",
            "2026-04",
            &[],
            "error: tests/fixtures/grading/missing.csv: cannot read: ",
        ),
        (
            CUSTOMERS,
            BILLS,
            "2026-13",
            &[],
            "error: `2026-13` is not a month: write --month as YYYY-MM, e.g. 2026-04 (months 01 to 12)",
        ),
        (CUSTOMERS, BILLS, "2026-04", &["--rules", "no/such/grading.yaml"], "error[io]: cannot read: "),
        (
            CUSTOMERS,
            BILLS,
            "2026-04",
            &["-o", CUSTOMERS],
            "error: tests/fixtures/grading/example/customers.csv is one of the input files; write to another file",
        ),
    ];
    for (customers, bills, month, flags, want) in cases {
        let mut args = vec!["grade", "--customers", customers, "--bills", bills, "--month", month];
        args.extend_from_slice(flags);
        let out = Flowaudit::new(args).run();
        assert_eq!(out.code, 2, "{bills} {month} {flags:?}: {}", out.stderr);
        assert!(out.stderr.starts_with(want), "{bills} {month} {flags:?}:\n{}", out.stderr);
        assert!(out.stdout.is_empty(), "{flags:?}");
    }
    let text = std::fs::read_to_string(root().join(CUSTOMERS)).unwrap();
    assert!(text.starts_with("customer_id,joined\nC01,"), "-o onto an input must not touch it");
}

#[test]
fn help_names_the_inputs_and_the_definitions() {
    let out = Flowaudit::new(["grade", "--help"]).run();
    assert_eq!(out.code, 0);
    for part in ["--customers <FILE>", "--bills <FILE>", "--month <YYYY-MM>", "docs/grading.md", "highest grade"] {
        assert!(out.stdout.contains(part), "{part}: {}", out.stdout);
    }
}
