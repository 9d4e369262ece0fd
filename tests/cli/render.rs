//! `flowaudit render` (issue 20, the designed maps): DOT of every shipped process in both
//! languages, SVG through Graphviz, byte-identical runs, hostile names, a missing `dot`.

use crate::harness::{Flowaudit, scratch};

/// The DOT of every shipped process, in Chinese and in English.
#[test]
fn designed_maps_of_every_shipped_process() {
    let mut ids: Vec<String> = std::fs::read_dir(crate::harness::root().join("processes"))
        .unwrap()
        .filter_map(|e| e.ok()?.path().file_stem()?.to_str().map(str::to_owned))
        .filter(|id| !["touchpoints", "time-limits", "grading", "benchmarks", "calendars"].contains(&id.as_str()))
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

/// The discovered map of a log without a model: every activity and path at full sliders, fewer
/// paths with `--paths`, fewer activities with `--activities`, waits in performance mode.
#[test]
fn discovered_maps_with_their_sliders() {
    let log = "tests/fixtures/logs/helpdesk/helpdesk.csv.gz";
    let dot = |extra: &[&str]| {
        let out = Flowaudit::new(["render", "--log", log].iter().copied().chain(extra.iter().copied())).run();
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stdout
    };
    let edges = |d: &str| d.lines().filter(|l| l.contains(" -> ")).count();
    let nodes =
        |d: &str| d.lines().filter(|l| l.trim_start().starts_with("\"activity:") && !l.contains(" -> ")).count();
    let full = dot(&["--activities", "1", "--paths", "1"]);
    let default = dot(&[]);
    let few = dot(&["--activities", "0.8"]);
    assert_eq!(nodes(&full), 14, "every activity of the helpdesk log");
    assert!(edges(&default) < edges(&full), "{} paths of {}", edges(&default), edges(&full));
    assert!(nodes(&few) < nodes(&full));
    insta::assert_snapshot!("helpdesk-discovered", default);
    let perf = dot(&["--mode", "performance"]);
    assert!(perf.contains(" d\"") || perf.contains(" h\""), "waits as durations: {perf}");
    let bad = Flowaudit::new(["render", "--log", log, "--paths", "2"]).run();
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("--paths 2 is not a share between 0 and 1"), "{}", bad.stderr);
    let neither = Flowaudit::new(["render"]).run();
    assert_eq!(neither.code, 2);
    assert!(
        neither.stderr.contains("give `--process ID` (designed map) or `--log FILE` (discovered map)"),
        "{}",
        neither.stderr
    );
}

/// The sample month drawn on the designed map: ticket counts, waits, and the deviations the
/// alignments found, by step; only paths not in the design are red.
#[test]
fn the_month_drawn_on_the_designed_map() {
    let sample = "samples/2026-10/complaints.csv.gz";
    let dot = |metric: &str| {
        let out =
            Flowaudit::new(["render", "--process", "complaint-linear", "--log", sample, "--metric", metric]).run();
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stdout
    };
    let frequency = dot("frequency");
    assert!(frequency.contains("\"step:receive\" [label=\"受理投诉\\n3000 单\""), "every ticket was received");
    let deviations = dot("deviations");
    // The check's figures on the same month: 51 tickets skipped the reply (see the check snapshot).
    assert!(deviations.contains("跳过 51"), "{deviations}");
    let red: Vec<&str> = deviations.lines().filter(|l| l.contains("color=\"#c0392b\"") && l.contains(" -> ")).collect();
    assert!(!red.is_empty());
    assert!(
        red.iter().all(|l| !l.contains("\"step:receive\" -> \"step:soothe-record\"")),
        "a designed path is not red"
    );
    assert!(deviations.contains("红色：设计之外的路径"), "the title says which rare paths are left out");
    let wait = dot("wait");
    assert!(wait.contains(" h\"]"), "median waits on the paths");
    assert!(
        wait.contains("路径等待时长中位数（小时）</td></tr><tr><td bgcolor=\"#737373\">"),
        "the colour scale in the legend: {wait}"
    );
    insta::assert_snapshot!("complaint-linear-sample-deviations", deviations);
}
