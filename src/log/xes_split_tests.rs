//! Tests of the split XES read: wherever a document is cut, the result is the single pass's.

use std::fmt::Write as _;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use proptest::prelude::*;

use super::{Plan, plan, read_split};
use crate::log::accounting::{Accounting, Held, Reject};
use crate::log::error::LogError;
use crate::log::event_log::EventLog;
use crate::log::input;
use crate::log::options::ReadOptions;
use crate::log::xes_reader::{XesInfo, read_from};

/// Everything a read gives (the log's every column and string table, the accounting, the
/// [`XesInfo`], the rejects in sink order, or the error), as comparable text.
fn summary(read: Result<(EventLog, Accounting, XesInfo), LogError>, rejects: &[Reject]) -> String {
    let mut out = String::new();
    match read {
        Err(e) => writeln!(out, "error: {e}").unwrap(),
        Ok((log, acc, info)) => {
            for strings in [&log.case_ids, &log.activities, &log.values] {
                writeln!(out, "{:?}", strings.iter().collect::<Vec<_>>()).unwrap();
            }
            writeln!(out, "{:?}\n{:?}\n{:?}", log.case_start, log.activity, log.time).unwrap();
            writeln!(out, "{:?}\n{:?}\n{:?}", log.events, log.cases, log.case_attributes).unwrap();
            writeln!(out, "{acc:?}\n{info:?}").unwrap();
        }
    }
    writeln!(out, "{rejects:?}").unwrap();
    out
}

/// The single streaming pass, fed in small pieces.
fn single(doc: &[u8], opts: &ReadOptions) -> String {
    let mut sink = Held::default();
    let read = read_from(BufReader::with_capacity(61, doc), Path::new("t.xes"), opts, &mut sink);
    summary(read, &sink.0)
}

/// The split read at `cut_at`, and whether its later parts were used.
fn split(doc: &[u8], cut_at: &[usize], opts: &ReadOptions) -> (String, bool) {
    let mut sink = Held::default();
    let stream = BufReader::with_capacity(61, doc);
    let read = read_split(stream, || Some(doc), &Plan::At(cut_at.to_vec()), Path::new("t.xes"), opts, &mut sink);
    let used = matches!(read, Ok((_, true)));
    (summary(read.map(|(r, _)| r), &sink.0), used)
}

/// The start of every `<trace` tag.
fn trace_starts(doc: &[u8]) -> Vec<usize> {
    doc.windows(6).enumerate().filter(|(_, w)| *w == b"<trace").map(|(i, _)| i).collect()
}

fn event(name: Option<&str>, time: Option<&str>, lifecycle: &str, resource: &str) -> String {
    let mut e = String::from("    <event>\n");
    if let Some(n) = name {
        writeln!(e, "      <string key=\"concept:name\" value=\"{n}\"/>").unwrap();
    }
    if let Some(t) = time {
        writeln!(e, "      <date key=\"time:timestamp\" value=\"{t}\"/>").unwrap();
    }
    writeln!(e, "      <string key=\"lifecycle:transition\" value=\"{lifecycle}\"/>").unwrap();
    writeln!(e, "      <string key=\"org:resource\" value=\"{resource}\"/>\n      <int key=\"cost\" value=\"3\"/>")
        .unwrap();
    e.push_str("    </event>\n");
    e
}

/// A log of 20 traces in the form `OpenXES` writes, with trace 15 replaced by `twist` when given.
fn generated(twist: Option<&str>) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<!-- OpenXES -->\n<log xes.version=\"1.0\">\n  \
         <extension name=\"Concept\" prefix=\"concept\" uri=\"http://x/concept.xesext\"/>\n  \
         <global scope=\"event\">\n    <string key=\"concept:name\" value=\"UNKNOWN\"/>\n  </global>\n  \
         <classifier name=\"Activity\" keys=\"concept:name\"/>\n  <string key=\"source\" value=\"test\"/>\n",
    );
    for i in 0..20 {
        if i == 15
            && let Some(t) = twist
        {
            xml.push_str(t);
            continue;
        }
        writeln!(xml, "  <trace>\n    <string key=\"concept:name\" value=\"T{i}\"/>").unwrap();
        writeln!(
            xml,
            "    <string key=\"priority\" value=\"p{}\"/>\n    <string key=\"case:channel\" value=\"c{}\"/>",
            i % 3,
            i % 2
        )
        .unwrap();
        for (k, act) in ["receive", "diagnose", "reply"].into_iter().enumerate() {
            let time = format!("2024-03-{:02}T{:02}:00:00+01:00", 1 + i % 28, 8 + k);
            let lifecycle = if k == 1 { "start" } else { "complete" };
            xml.push_str(&event(Some(act), Some(&time), lifecycle, &format!("R{}", (i + k) % 4)));
        }
        xml.push_str("  </trace>\n");
    }
    xml.push_str("</log>\n");
    xml
}

fn trace(name: Option<&str>, events: &[String]) -> String {
    let name = name.map(|n| format!("    <string key=\"concept:name\" value=\"{n}\"/>\n")).unwrap_or_default();
    format!("  <trace>\n{name}    <string key=\"tier\" value=\"9 stars\"/>\n{}  </trace>\n", events.concat())
}

/// Compares the single pass with every cut at a trace start (and, for three parts, pairs of
/// them); returns whether the later parts were used with a cut before trace 15.
fn same_at_every_trace_start(xml: &str, opts: &ReadOptions) -> bool {
    let doc = xml.as_bytes();
    let want = single(doc, opts);
    let starts = trace_starts(doc);
    let mut used_before_15 = false;
    for (i, &cut) in starts.iter().enumerate() {
        let (got, used) = split(doc, &[cut], opts);
        assert_eq!(got, want, "cut before trace {i}");
        used_before_15 |= used && i > 0 && i < 15;
        let third = starts[(i + 3).min(starts.len() - 1)];
        assert_eq!(split(doc, &[cut, third], opts).0, want, "cuts before traces {i} and {}", i + 3);
    }
    used_before_15
}

#[test]
fn a_clean_log_reads_in_parts_as_in_one_pass() {
    assert!(same_at_every_trace_start(&generated(None), &ReadOptions::default()));
}

#[test]
fn rejects_in_a_later_part_keep_their_lines_and_order() {
    let t = "2024-03-01T10:00:00+01:00";
    let twist = [
        trace(Some("X1"), &[event(None, Some(t), "complete", "R1"), event(Some("a"), Some("soon"), "complete", "R1")]),
        trace(None, &[event(Some("a"), Some(t), "complete", "R1")]),
        "  <event><string key=\"concept:name\" value=\"loose\"/></event>\n".to_owned(),
    ]
    .concat();
    let xml = generated(Some(&twist));
    assert!(same_at_every_trace_start(&xml, &ReadOptions::default()));
    let (got, _) = split(xml.as_bytes(), &[trace_starts(xml.as_bytes())[10]], &ReadOptions::default());
    assert!(
        got.contains("MissingActivity") && got.contains("MissingCaseId") && got.contains("EventOutsideTrace"),
        "{got}"
    );
}

#[test]
fn untimed_events_and_a_lifecycle_filter_in_a_later_part() {
    let twist = trace(Some("X1"), &[event(Some("a"), None, "start", "R1"), event(Some("b"), None, "complete", "")]);
    let xml = generated(Some(&twist));
    assert!(same_at_every_trace_start(&xml, &ReadOptions::default()));
    let opts = ReadOptions { lifecycle: Some("COMPLETE".to_owned()), ..ReadOptions::default() };
    assert!(same_at_every_trace_start(&xml, &opts));
}

#[test]
fn a_repeated_trace_name_within_a_part_is_joined_and_across_parts_read_on() {
    let t = "2024-03-01T10:00:00+01:00";
    let opts = ReadOptions::default();
    // Trace 17 is T16 too: with a cut before trace 15 one later part holds both.
    let xml = generated(Some(&trace(Some("T16"), &[event(Some("x"), Some(t), "complete", "R9")])));
    assert!(same_at_every_trace_start(&xml, &opts));
    assert!(split(xml.as_bytes(), &[trace_starts(xml.as_bytes())[10]], &opts).1);
    // T2 is in the first part for any cut after trace 2, and again in the later part.
    let xml = generated(Some(&trace(Some("T2"), &[event(Some("y"), Some(t), "complete", "R9")])));
    same_at_every_trace_start(&xml, &opts);
    let (got, used) = split(xml.as_bytes(), &[trace_starts(xml.as_bytes())[10]], &opts);
    assert!(!used);
    assert!(got.contains("RepeatedTrace"), "{got}");
}

#[test]
fn an_error_in_a_later_part_is_the_single_pass_error() {
    let doc = generated(Some("  <trace>\n    <string key=\"concept:name\" value=\"a &nbsp; b\"/>\n  </trace>\n"));
    same_at_every_trace_start(&doc, &ReadOptions::default());
    let (got, used) = split(doc.as_bytes(), &[trace_starts(doc.as_bytes())[10]], &ReadOptions::default());
    assert!(!used);
    assert!(got.starts_with("error: t.xes:") && got.contains("`&nbsp;`"), "{got}");
    for bad in ["  <trace>\n  </event>\n", "  <trace>\n", "  </trace>\n", "<!DOCTYPE x>\n"] {
        let doc = generated(Some(bad));
        same_at_every_trace_start(&doc, &ReadOptions::default());
    }
}

#[test]
fn comments_cdata_and_whitespace_in_end_tags_are_left_to_the_single_pass() {
    for twist in [
        "  <!-- <trace> -->\n",
        "  <trace><![CDATA[\n]]><string key=\"concept:name\" value=\"X\"/></trace>\n",
        "  <trace><string key=\"concept:name\" value=\"X\"/><event><string key=\"concept:name\" value=\"a\"/></event\n></trace>\n  \
         <trace><string key=\"concept:name\" value=\"Y\"/><event/></trace>\n",
        "  <?pi x?>\n",
    ] {
        let xml = generated(Some(twist));
        // The end tag's trimmed newline is lost in both reads alike when it is in the last part.
        let used = same_at_every_trace_start(&xml, &ReadOptions::default());
        assert_eq!(used, twist.contains("</event\n>"), "{twist}");
    }
}

#[test]
fn a_byte_order_mark_does_not_hide_the_cut() {
    let xml = format!("\u{feff}{}", generated(None));
    assert!(same_at_every_trace_start(&xml, &ReadOptions::default()));
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// The single pass on the file as a stream against the split read in two and three parts (as
/// [`plan`]s it, or at trace starts for a file too small to plan); returns whether both split
/// reads used their later parts.
fn same_on_fixture(name: &str) -> bool {
    let path = fixture(name);
    let opts = ReadOptions::default();
    let mut sink = Held::default();
    let want = summary(read_from(input::open_raw(&path).unwrap(), &path, &opts, &mut sink), &sink.0);
    let mut doc = Vec::new();
    input::open_raw(&path).unwrap().read_to_end(&mut doc).unwrap();
    let starts = trace_starts(&doc);
    let mut all_used = true;
    for parts in [2, 3] {
        let plan = plan(&path, || parts).unwrap_or_else(|| {
            Plan::At((1..parts).filter_map(|i| starts.get(starts.len() * i / parts).copied()).collect())
        });
        let mut sink = Held::default();
        let stream = input::open_raw(&path).unwrap();
        let read = read_split(stream, || input::open_raw(&path).ok(), &plan, &path, &opts, &mut sink);
        all_used &= matches!(read, Ok((_, true)));
        assert_eq!(summary(read.map(|(r, _)| r), &sink.0), want, "{name} in {parts} parts ({plan:?})");
    }
    all_used
}

#[test]
fn reference_logs_read_in_parts_as_in_one_pass() {
    for name in [
        "agreement/receipt.xes.gz",
        "agreement/a12f0n00.xes.gz",
        "agreement/a12f0n50.xes.gz",
        "agreement/running-example.xes",
        "logs/helpdesk/helpdesk.xes.gz",
    ] {
        assert!(same_on_fixture(name), "{name}: the later parts were not used");
    }
    for name in [
        "logs/bad/xes-bad-timestamp.xes",
        "logs/bad/xes-doctype-bomb.xes",
        "logs/bad/xes-event-outside-trace.xes",
        "logs/bad/xes-mismatched-tag.xes",
        "logs/bad/xes-no-concept-name.xes",
        "logs/bad/xes-not-xes.xes",
        "logs/bad/xes-unclosed.xes",
    ] {
        same_on_fixture(name);
    }
}

/// 74 MB: a minute in a debug build. `cargo test --release -- --ignored bpic2012`.
#[test]
#[ignore = "slow in a debug build; run with --release"]
fn bpic2012_reads_in_parts_as_in_one_pass() {
    assert!(same_on_fixture("agreement/bpic2012.xes.gz"));
}

#[test]
fn only_documents_of_a_holdable_size_are_split() {
    assert_eq!(plan(&fixture("agreement/running-example.xes"), || 2), None);
    assert_eq!(plan(&fixture("agreement/a12f0n00.xes.gz"), || 2), None);
    assert_eq!(plan(&fixture("agreement/receipt.xes.gz"), || 1), None);
    // 4,064,719 bytes gunzipped; gzip gives the first part (0.4 + 1) / (1 + 0.4 + 1) of it.
    assert_eq!(plan(&fixture("agreement/receipt.xes.gz"), || 2), Some(Plan::Even { parts: 2, first: 2_371_086 }));
    assert_eq!(plan(&fixture("agreement/receipt.xes.gz"), || 64), Some(Plan::Even { parts: 7, first: 1_459_129 }));
}

/// One random trace (or a loose event, or a comment), with the quirks the seams must survive.
fn piece() -> impl Strategy<Value = String> {
    let name = prop_oneof![6 => "T[0-5]".prop_map(Some), 1 => Just(None)];
    let time = prop_oneof![
        5 => (0u32..24).prop_map(|h| Some(format!("2024-03-01T{h:02}:00:00Z"))),
        1 => Just(Some("soon".to_owned())),
        1 => Just(None)
    ];
    let act = prop_oneof![5 => "[a-c]".prop_map(Some), 1 => Just(None), 1 => Just(Some("R&amp;D".to_owned()))];
    let lifecycle = prop_oneof![Just("complete"), Just("start")];
    let ev = (act, time, lifecycle).prop_map(|(a, t, l)| event(a.as_deref(), t.as_deref(), l, "R1"));
    prop_oneof![
        12 => (name, proptest::collection::vec(ev, 0..4)).prop_map(|(n, evs)| trace(n.as_deref(), &evs)),
        1 => Just("  <event><string key=\"concept:name\" value=\"loose\"/></event>\n".to_owned()),
        1 => Just("  <!-- a <trace> in a comment -->\n".to_owned()),
        1 => Just("  <trace/>\n".to_owned()),
        1 => Just("  <trace><string key=\"concept:name\" value=\"T9\"/></trace\n  >\n".to_owned()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Cut anywhere (at trace starts, or at any byte, in any order), even in a truncated
    /// document, the split read gives the single pass's result.
    #[test]
    fn any_cuts_give_the_single_pass_result(
        pieces in proptest::collection::vec(piece(), 1..12),
        picks in proptest::collection::vec((any::<bool>(), any::<prop::sample::Index>()), 1..4),
        truncate in prop_oneof![4 => Just(None), 1 => any::<prop::sample::Index>().prop_map(Some)],
        lifecycle in prop_oneof![Just(None), Just(Some("complete".to_owned()))],
    ) {
        let xml = format!("<?xml version=\"1.0\"?>\n<log xes.version=\"1.0\">\n{}</log>\n", pieces.concat());
        let doc = match truncate {
            Some(at) => &xml.as_bytes()[..at.index(xml.len())],
            None => xml.as_bytes(),
        };
        let starts = trace_starts(doc);
        let mut cut_at: Vec<usize> = picks
            .iter()
            .map(|&(at_trace, i)| if at_trace && !starts.is_empty() { starts[i.index(starts.len())] } else { i.index(doc.len() + 1) })
            .collect();
        if picks[0].0 {
            cut_at.sort_unstable();
        }
        let opts = ReadOptions { lifecycle, ..ReadOptions::default() };
        prop_assert_eq!(split(doc, &cut_at, &opts).0, single(doc, &opts));
    }
}
