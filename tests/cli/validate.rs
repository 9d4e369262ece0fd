//! `flowaudit validate`: the bundled library is valid; every broken fixture gives its located error.

use crate::harness::{Flowaudit, root};

#[test]
fn bundled_processes_are_valid() {
    let out = Flowaudit::new(["validate"]).run();
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("valid: "), "{}", out.stdout);
    assert!(!out.stdout.contains("error["), "{}", out.stdout);
}

/// The error codes of a `validate --format json` run, with their severities.
fn codes(json: &str) -> Vec<(String, String)> {
    let v: serde_json::Value = serde_json::from_str(json).expect("validate prints JSON");
    v["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .iter()
        .map(|d| (d["severity"].as_str().unwrap().to_owned(), d["code"].as_str().unwrap().to_owned()))
        .collect()
}

/// Each fixture in `tests/fixtures/process/` has one fault, named by its file: `<code>[-detail].yaml`
/// raises errors of that code only (warnings-only faults live in `warn-<code>[-detail].yaml` and
/// exit 0). Its full text report is snapshotted.
#[test]
fn broken_fixtures_report_located_errors() {
    insta::glob!("../fixtures/process", "*.yaml", |path| {
        let rel = path.strip_prefix(root()).unwrap().to_str().unwrap().to_owned();
        let stem = path.file_stem().unwrap().to_str().unwrap();
        let json = Flowaudit::new(["validate", "--format", "json", rel.as_str()]).run();
        let found = codes(&json.stdout);
        let (warn_only, name) = match stem.strip_prefix("warn-") {
            Some(rest) => (true, rest),
            None => (false, stem),
        };
        let expected_severity = if warn_only { "warning" } else { "error" };
        let matching: Vec<_> =
            found.iter().filter(|(s, c)| s == expected_severity && name.starts_with(c.as_str())).collect();
        assert!(!matching.is_empty(), "{rel}: expected a {expected_severity} named by the file, got {found:?}");
        let errors: Vec<_> = found.iter().filter(|(s, _)| s == "error").collect();
        if warn_only {
            assert!(errors.is_empty(), "{rel}: a warning fixture raised errors {found:?}");
            assert_eq!(json.code, 0, "{rel}");
        } else {
            assert!(errors.iter().all(|(_, c)| name.starts_with(c.as_str())), "{rel}: more than one fault: {found:?}");
            assert_eq!(json.code, 2, "{rel}");
        }
        let text = Flowaudit::new(["validate", rel.as_str()]).run();
        assert_eq!(text.code, json.code, "{rel}: text and JSON runs disagree");
        assert!(text.stdout.contains(&format!("--> {rel}:")), "{rel}: not located:\n{}", text.stdout);
        insta::assert_snapshot!(text.stdout);
    });
}

#[test]
fn a_process_id_is_looked_up_in_the_process_directory() {
    let out = Flowaudit::new(["validate", "complaint-linear"]).run();
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("1 of 1 process files valid"), "{}", out.stdout);
    let out = Flowaudit::new(["validate", "complaint-linaer"]).run();
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("did you mean `complaint-linear`?"), "{}", out.stderr);
}

#[test]
fn errors_of_several_files_come_in_one_run() {
    let dir = root().join("tests/fixtures/process");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let rels: Vec<String> =
        files.iter().map(|p| p.strip_prefix(root()).unwrap().to_str().unwrap().to_owned()).collect();
    let mut args = vec!["validate".to_owned(), "--format".to_owned(), "json".to_owned()];
    args.extend(rels.iter().cloned());
    let out = Flowaudit::new(args).run();
    assert_eq!(out.code, 2);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let files_with_diagnostics: std::collections::BTreeSet<&str> =
        v["diagnostics"].as_array().unwrap().iter().map(|d| d["file"].as_str().unwrap()).collect();
    assert_eq!(files_with_diagnostics.len(), rels.len(), "every broken file is reported in the same run");
}

#[test]
fn a_missing_path_is_an_input_error() {
    let out = Flowaudit::new(["validate", "no/such/dir"]).run();
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("no/such/dir: no such file"), "{}", out.stderr);
}

/// The annotated example of `docs/process-format.md` is a valid process: the doc cannot rot.
#[test]
fn the_documented_example_is_valid() {
    let doc = std::fs::read_to_string(root().join("docs/process-format.md")).unwrap();
    let start = doc.find("```yaml\n").expect("a yaml block") + "```yaml\n".len();
    let example = &doc[start..start + doc[start..].find("```").unwrap()];
    let dir = std::env::temp_dir().join(format!("flowaudit-doc-example-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("complaint-linear.yaml");
    std::fs::write(&file, example).unwrap();
    let out = Flowaudit::new(["validate".as_ref(), file.as_os_str()]).run();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(out.stdout.contains("0 errors, 0 warnings"), "{}", out.stdout);
}

/// A broken benchmarks file (issue 21) given alone: checked against the processes of its
/// directory, every problem in one run at its line and column, with did-you-mean hints.
#[test]
fn broken_benchmarks_report_located_errors() {
    let file = "tests/fixtures/benchmarks/benchmarks.yaml";
    let json = Flowaudit::new(["validate", "--format", "json", file]).run();
    assert_eq!(json.code, 2, "{}", json.stdout);
    let found = codes(&json.stdout);
    let warnings: Vec<_> = found.iter().filter(|(s, _)| s == "warning").collect();
    assert_eq!(warnings.len(), 1, "the ceiling on limit compliance: {found:?}");
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["benchmarks"], 0);
    let text = Flowaudit::new(["validate", file]).run();
    assert_eq!(text.code, 2);
    assert!(text.stdout.contains("did you mean `conformance_rate`?"), "{}", text.stdout);
    assert!(text.stdout.contains("did you mean `query`?"), "{}", text.stdout);
    insta::assert_snapshot!(text.stdout);
}

/// The shipped benchmark values are checked with the process directory, and alone.
#[test]
fn shipped_benchmarks_are_valid() {
    let json = Flowaudit::new(["validate", "--format", "json"]).run();
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["benchmarks"], 16, "{}", json.stdout);
    let out = Flowaudit::new(["validate", "processes/benchmarks.yaml"]).run();
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_eq!(out.stdout, "valid: 16 benchmark values; 0 errors, 0 warnings\n");
}
