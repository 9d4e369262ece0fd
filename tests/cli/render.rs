//! `flowaudit render` (issue 20, the designed maps): DOT of every shipped process in both
//! languages, SVG through Graphviz, byte-identical runs, hostile names, a missing `dot`.

use crate::harness::{Flowaudit, scratch};

/// The DOT of every shipped process, in Chinese and in English.
#[test]
fn designed_maps_of_every_shipped_process() {
    let mut ids: Vec<String> = std::fs::read_dir(crate::harness::root().join("processes"))
        .unwrap()
        .filter_map(|e| e.ok()?.path().file_stem()?.to_str().map(str::to_owned))
        .filter(|id| !["touchpoints", "time-limits", "grading", "calendars"].contains(&id.as_str()))
        .collect();
    ids.sort();
    assert_eq!(ids.len(), 10);
    for id in &ids {
        for lang in ["zh", "en"] {
            let out = Flowaudit::new(["render", "--process", id, "--lang", lang]).run();
            assert_eq!(out.code, 0, "{id}: {}", out.stderr);
            assert!(out.stdout.starts_with(&format!("digraph \"{id}\" {{")), "{}", out.stdout);
            insta::assert_snapshot!(format!("{id}-{lang}"), out.stdout);
        }
    }
}

fn has_dot() -> bool {
    std::process::Command::new("dot").arg("-V").output().is_ok_and(|o| o.status.success())
}

/// SVG, PNG and PDF through Graphviz (CI installs it); the same input gives the same bytes; a
/// process with quotes, backslashes and angle brackets in its names renders.
#[test]
fn svg_through_graphviz_byte_identical() {
    if !has_dot() {
        eprintln!("Graphviz's dot is not installed: the SVG test is skipped (CI installs it)");
        return;
    }
    let dir = scratch("render-svg");
    let (a, b) = (dir.join("a.svg"), dir.join("b.svg"));
    for path in [&a, &b] {
        let out = Flowaudit::new(["render", "--process", "complaint-linear", "-o", path.to_str().unwrap()]).run();
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    let svg = std::fs::read_to_string(&a).unwrap();
    assert!(svg.contains("<svg") && svg.contains("后台网络专家") && svg.contains("诊断并制定"), "{svg}");
    assert_eq!(svg, std::fs::read_to_string(&b).unwrap(), "byte-identical from run to run");
    for (path, magic) in [(dir.join("m.png"), &b"\x89PNG"[..]), (dir.join("m.pdf"), &b"%PDF"[..])] {
        let out = Flowaudit::new(["render", "--process", "complaint-flat", "-o", path.to_str().unwrap()]).run();
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(std::fs::read(&path).unwrap().starts_with(magic), "{}", path.display());
    }
    let hostile = dir.join("hostile.svg");
    for lang in ["zh", "en"] {
        let out = Flowaudit::new([
            "render",
            "--process",
            "tests/fixtures/render/quoted-names.yaml",
            "--lang",
            lang,
            "-o",
            hostile.to_str().unwrap(),
        ])
        .run();
        assert_eq!(out.code, 0, "{}", out.stderr);
        let svg = std::fs::read_to_string(&hostile).unwrap();
        let expected = if lang == "zh" { "询问“原因”\\立即" } else { "&lt;fully&gt; &amp;" };
        assert!(svg.contains(expected), "{lang}: {svg}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Without Graphviz, DOT still works and SVG fails with a clear message and exit 2.
#[test]
fn a_missing_dot_is_a_clear_error() {
    let out = Flowaudit::new(["render", "--process", "complaint-linear", "--format", "svg"])
        .env("PATH", "/nonexistent")
        .run();
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("cannot run Graphviz's `dot`") && out.stderr.contains("--format dot"),
        "{}",
        out.stderr
    );
    let dot = Flowaudit::new(["render", "--process", "complaint-linear"]).env("PATH", "/nonexistent").run();
    assert_eq!(dot.code, 0, "{}", dot.stderr);
    assert!(dot.stdout.contains("cluster_lane_frontline"));
}
