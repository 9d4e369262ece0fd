//! `flowaudit export`: processes as PNML.

use crate::harness::Flowaudit;

#[test]
fn exports_a_process_as_pnml_that_names_its_steps() {
    let dir = std::env::temp_dir().join(format!("flowaudit-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("complaint-linear.pnml");
    let out = Flowaudit::new(["export", "--process", "complaint-linear", "--pnml", file.to_str().unwrap()]).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.starts_with("complaint-linear: "), "{}", out.stderr);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("<text>diagnose</text>") && text.contains("<finalmarkings>"), "{text}");
    let again = Flowaudit::new(["export", "--process", "complaint-linear", "--pnml", file.to_str().unwrap()]).run();
    assert_eq!(again.code, 0);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text, "deterministic");
    let bad = Flowaudit::new(["export", "--process", "complaint-lineer", "--pnml", file.to_str().unwrap()]).run();
    assert_eq!(bad.code, 2);
    std::fs::remove_dir_all(&dir).unwrap();
}
