//! `flowaudit log suggest-profile` on the GBK export of clean complaint-linear tickets: the
//! suggested mapping, its snapshot, the check it makes possible, and located errors.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use flowaudit::log::options::Encoding;
use flowaudit::log::profile::{LabelMapping, Profile};
use serde_json::Value;

use crate::harness::{Flowaudit, root, scratch};

const EXPORT: &str = "tests/fixtures/logs/gbk-export/export.csv.gz";
const READ: [&str; 4] = ["--encoding", "gbk", "--timezone", "Asia/Shanghai"];

/// The export's renamed activity labels and the steps they are.
const RENAMED: [(&str, &str); 7] = [
    ("一线安抚并记录", "soothe-record"),
    ("专家转一线", "relay-to-frontline"),
    ("后台专家诊断", "diagnose"),
    ("归档", "close"),
    ("建设单位处理", "construction-handle"),
    ("执行结果反馈专家", "report-to-expert"),
    ("维护部门处理", "maintenance-handle"),
];
/// The export's department names that name no role, and the roles they are.
const DEPARTMENTS: [(&str, &str); 2] = [("一线客服中心", "frontline"), ("建设工程部", "construction")];

/// `log suggest-profile` on the export, written to `dir/profile.yaml`.
fn suggest_into(dir: &Path) -> PathBuf {
    let path = dir.join("profile.yaml");
    let mut args = vec!["log", "suggest-profile", "--log", EXPORT, "--process", "complaint-linear"];
    args.extend(READ);
    args.extend(["-o", path.to_str().unwrap()]);
    let out = Flowaudit::new(args).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "", "the profile goes to the file");
    assert!(
        out.stderr.contains("7 activity labels suggested, 0 left as `?`; 2 departments suggested, 0 left as `?`"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("5 rows rejected"), "{}", out.stderr);
    path
}

fn entries(m: &[LabelMapping]) -> BTreeMap<&str, &str> {
    m.iter().map(|e| (e.label.value.as_str(), e.step.value.as_str())).collect()
}

fn json(args: &[&str]) -> Value {
    let out = Flowaudit::new(args).run();
    assert!(out.code == 0 || out.code == 1, "{}", out.stderr);
    serde_json::from_str(&out.stdout).expect("JSON")
}

#[test]
fn suggests_the_right_step_and_role_for_every_renamed_label_of_the_gbk_export() {
    let mut args = vec!["log", "suggest-profile", "--log", EXPORT, "--process", "complaint-linear"];
    args.extend(READ);
    let out = Flowaudit::new(args).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!("gbk_export_profile", out.stdout);

    let dir = scratch("suggest-mapping");
    let path = suggest_into(&dir);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), out.stdout, "-o writes what stdout shows");
    let profile = Profile::load(&path).unwrap_or_else(|e| panic!("{:?}", e.diagnostics));
    assert_eq!(entries(&profile.activities), RENAMED.into_iter().collect(), "an entry for each renamed label only");
    assert_eq!(entries(&profile.roles), DEPARTMENTS.into_iter().collect(), "网络专家 and 维护部 are aliases");
    assert!(profile.resources.is_empty());
    assert_eq!(profile.columns.case.as_deref(), Some("工单编号"));
    assert_eq!(profile.columns.role.as_deref(), Some("处理部门"));
    assert_eq!(profile.encoding, Some(Encoding::Gb18030));
    assert_eq!(profile.zone, Some(chrono_tz::Asia::Shanghai));

    // Read with it alone (no flags), every label maps, and to the step suggested.
    let stats = json(&[
        "log",
        "stats",
        "--format",
        "json",
        "--log",
        EXPORT,
        "--mapping",
        path.to_str().unwrap(),
        "--process",
        "complaint-linear",
    ]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!((&stats["events"], &stats["rows_rejected"]), (&Value::from(1745), &Value::from(5)));
    let m = &stats["mapping"];
    assert_eq!(m["unmapped_events"], 0, "{m}");
    let mapped: BTreeMap<&str, &str> = m["mapped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["label"].as_str().unwrap(), l["step"].as_str().unwrap()))
        .collect();
    let mut want: BTreeMap<&str, &str> = RENAMED.into_iter().collect();
    want.extend([("受理投诉", "receive"), ("回复客户", "reply-customer")]);
    assert_eq!(mapped, want);
}

#[test]
fn checked_with_the_suggested_profile_the_clean_export_conforms_fully() {
    let dir = scratch("suggest-check");
    let path = suggest_into(&dir);
    let with = json(&[
        "check",
        "--format",
        "json",
        "--log",
        EXPORT,
        "--mapping",
        path.to_str().unwrap(),
        "--process",
        "complaint-linear",
    ]);
    std::fs::remove_dir_all(&dir).unwrap();
    let mut args = vec!["check", "--format", "json", "--log", EXPORT, "--process", "complaint-linear"];
    args.extend(READ);
    let without = json(&args);
    assert_eq!(with["cases"], 200);
    assert_eq!(with["conformance_rate"], 1.0, "these tickets have no deviation");
    // Every department now names the role that owns the step it did.
    assert_eq!(with["organisational_conformance"]["rate"], 1.0, "{}", with["organisational_conformance"]);
    assert_eq!(with["data_quality"]["unmapped_departments"], Value::Array(Vec::new()));
    let rate = without["conformance_rate"].as_f64().unwrap();
    assert!(rate < 0.1, "without the profile 7 of 9 step labels are unknown: {rate}");
    let unmapped = without["data_quality"]["unmapped_departments"].to_string();
    assert!(DEPARTMENTS.iter().all(|(d, _)| unmapped.contains(d)), "{unmapped}");
}

/// A wrong process id and a profile naming a role the process lacks stop the run (exit 2) with a
/// located message, before anything is written.
#[test]
fn suggest_profile_errors_are_located() {
    let dir = scratch("suggest-errors");
    let target = dir.join("profile.yaml");
    let wrong_id = Flowaudit::new([
        "log",
        "suggest-profile",
        "--log",
        EXPORT,
        "--process",
        "complaint-lineer",
        "-o",
        target.to_str().unwrap(),
    ])
    .run();
    assert_eq!(wrong_id.code, 2, "{}", wrong_id.stderr);
    insta::assert_snapshot!("unknown_process", wrong_id.stderr);
    let bad_roles = Flowaudit::new([
        "log",
        "suggest-profile",
        "--log",
        EXPORT,
        "--process",
        "complaint-linear",
        "--mapping",
        "tests/fixtures/logs/gbk-export/bad-roles.yaml",
        "--encoding",
        "gbk",
        "-o",
        target.to_str().unwrap(),
    ])
    .run();
    assert_eq!(bad_roles.code, 2, "{}", bad_roles.stderr);
    insta::assert_snapshot!("unknown_role_in_profile", bad_roles.stderr);
    assert!(!target.exists(), "nothing written");
    let onto_log = Flowaudit::new([
        "log",
        "suggest-profile",
        "--log",
        EXPORT,
        "--process",
        "complaint-linear",
        "-o",
        root().join(EXPORT).to_str().unwrap(),
    ])
    .run();
    assert_eq!(onto_log.code, 2);
    assert!(onto_log.stderr.contains("is the log itself"), "{}", onto_log.stderr);
    std::fs::remove_dir_all(&dir).unwrap();
}
