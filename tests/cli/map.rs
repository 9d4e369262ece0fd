//! `flowaudit map`: the touchpoint matrix of the bundled library and its formats.

use crate::harness::Flowaudit;

#[test]
fn text_matrix_marks_blind_spots() {
    let out = Flowaudit::new(["map"]).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("BLIND SPOT ("), "{}", out.stdout);
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn fail_on_blind_spots_exits_1() {
    let out = Flowaudit::new(["map", "--fail-on", "blind-spots"]).run();
    assert_eq!(out.code, 1, "{}", out.stderr);
    let out = Flowaudit::new(["map", "--fail-on", "duplicates"]).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn formats_are_deterministic_and_consistent() {
    for format in ["md", "csv", "json"] {
        let a = Flowaudit::new(["map", "--format", format]).run();
        let b = Flowaudit::new(["map", "--format", format]).run();
        assert_eq!(a.code, 0, "{format}: {}", a.stderr);
        assert_eq!(a.stdout, b.stdout, "{format} output differs between runs");
    }
    let json = Flowaudit::new(["map", "--format", "json"]).run();
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let cells = v["cells"].as_array().unwrap();
    let rows = v["businesses"].as_array().unwrap().len();
    let cols = v["channels"].as_array().unwrap().len();
    assert_eq!(cells.len(), rows * cols);
    let blind = cells.iter().filter(|c| c["state"] == "blind-spot").count();
    assert!(blind > 0 && v["summary"]["blind_spots"].as_u64().unwrap() >= blind as u64);
    let csv = Flowaudit::new(["map", "--format", "csv"]).run();
    assert_eq!(csv.stdout.lines().count(), rows + 1, "one CSV line per business plus the header");
}
