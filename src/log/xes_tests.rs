//! Tests of the XES reader: small inline documents for every rule of `xes_reader`.

use std::fmt::Write as _;
use std::io::{BufReader, Read, Write};
use std::path::Path;

use flate2::Compression;
use flate2::read::MultiGzDecoder;
use flate2::write::GzEncoder;

use super::{XesInfo, read_from};
use crate::log::accounting::{Accounting, Held, NoSink, NoteKind, Reason, Reject};
use crate::log::event_log::EventLog;
use crate::log::options::ReadOptions;

fn read_with(xml: &str, opts: &ReadOptions) -> (EventLog, Accounting, XesInfo, Vec<Reject>) {
    let mut sink = Held::default();
    let (log, acc, info) = read_from(xml.as_bytes(), Path::new("t.xes"), opts, &mut sink).unwrap();
    assert!(acc.balances(), "{acc:?}");
    (log, acc, info, sink.0)
}

fn read(xml: &str) -> (EventLog, Accounting, XesInfo, Vec<Reject>) {
    read_with(xml, &ReadOptions::default())
}

fn error(xml: &str) -> String {
    read_from(xml.as_bytes(), Path::new("t.xes"), &ReadOptions::default(), &mut NoSink).unwrap_err().to_string()
}

fn traces(log: &EventLog) -> Vec<(String, Vec<String>)> {
    log.case_indices()
        .map(|c| (log.case_id(c).to_owned(), log.trace(c).iter().map(|&a| log.activity_name(a).to_owned()).collect()))
        .collect()
}

fn ev(name: &str) -> String {
    format!(r#"<event><string key="concept:name" value="{name}"/></event>"#)
}

#[test]
fn reads_standard_keys_and_ticket_fields() {
    let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1849-2016" xmlns="http://www.xes-standard.org/">
  <trace>
<string key="concept:name" value="T1"/>
<string key="case:channel" value="phone"/>
<string key="priority" value="high"/>
<event>
  <string key="concept:name" value="receive"/>
  <date key="time:timestamp" value="2024-03-01T09:00:00+08:00"/>
  <string key="org:resource" value="Li"/>
  <string key="org:group" value="frontline"/>
  <string key="lifecycle:transition" value="complete"/>
  <string key="tier" value="3星"/>
  <string key="customer" value="C9"/>
  <int key="cost" value="5"/>
</event>
<event>
  <string key="concept:name" value="reply"/>
  <date key="time:timestamp" value="2024-03-01T09:30:00"/>
  <string key="org:role" value="expert"/>
  <string key="org:group" value="ignored when org:role is there"/>
  <string key="customer" value="C10"/>
</event>
  </trace>
</log>"#;
    let (log, acc, info, _) = read(xml);
    assert_eq!(traces(&log), [("T1".to_owned(), vec!["receive".to_owned(), "reply".to_owned()])]);
    assert_eq!(log.time[0].to_string(), "2024-03-01T01:00:00Z");
    assert_eq!(log.time[1].to_string(), "2024-03-01T09:30:00Z", "naive times are read in opts.zone (UTC)");
    let roles = log.events.role.as_ref().unwrap();
    assert_eq!(log.values.resolve(roles[0]), "frontline");
    assert_eq!(log.values.resolve(roles[1]), "expert");
    assert_eq!(log.values.resolve(log.events.resource.as_ref().unwrap()[0]), "Li");
    assert_eq!(log.values.resolve(log.cases.channel.as_ref().unwrap()[0]), "phone");
    assert_eq!(log.values.resolve(log.cases.customer.as_ref().unwrap()[0]), "C9");
    assert_eq!(log.cases.tier.as_deref(), Some(&[3][..]));
    assert!(log.cases.class.is_none() && log.cases.business.is_none(), "columns no event filled are left out");
    let attr = log.case_attributes[0];
    assert_eq!((log.values.resolve(attr.key), log.values.resolve(attr.value)), ("priority", "high"));
    assert_eq!(acc.notes[&NoteKind::CaseValueChanged].count, 1);
    assert_eq!(info.version.as_deref(), Some("1849-2016"));
    assert_eq!(info.traces, 1);
    assert_eq!(info.ignored_event_keys, ["cost"]);
    let keys: Vec<_> = info.keys.iter().map(|(f, k)| format!("{f}={k}")).collect();
    assert_eq!(
        keys,
        [
            "case=concept:name",
            "activity=concept:name",
            "timestamp=time:timestamp",
            "role=org:role",
            "resource=org:resource",
            "lifecycle=lifecycle:transition",
            "customer=customer",
            "tier=tier",
            "channel=case:channel",
        ]
    );
}

#[test]
fn the_brand_is_a_ticket_field_on_a_trace_or_its_events() {
    let xml = r#"<log>
  <trace>
    <string key="concept:name" value="T1"/>
    <string key="case:brand" value="gotone"/>
    <event><string key="concept:name" value="receive"/></event>
  </trace>
  <trace>
    <string key="concept:name" value="T2"/>
    <event><string key="concept:name" value="receive"/><string key="brand" value="动感地带"/></event>
    <event><string key="concept:name" value="reply"/><string key="brand" value="mzone"/></event>
  </trace>
</log>"#;
    let (log, acc, info, _) = read(xml);
    let brands: Vec<&str> = log.cases.brand.as_ref().unwrap().iter().map(|&b| log.values.resolve(b)).collect();
    assert_eq!(brands, ["gotone", "动感地带"], "the first value is kept");
    assert_eq!(acc.notes[&NoteKind::CaseValueChanged].count, 1);
    assert!(acc.notes[&NoteKind::CaseValueChanged].examples[0].detail.contains("brand `mzone`"));
    assert!(info.keys.contains(&("brand", "case:brand".to_owned())), "{:?}", info.keys);
    let (log, _, info, _) =
        read(&format!("<log><trace>{}{}</trace></log>", r#"<string key="concept:name" value="T"/>"#, ev("a")));
    assert!(log.cases.brand.is_none() && !info.keys.iter().any(|(f, _)| *f == "brand"));
}

#[test]
fn nested_attributes_and_lists_are_parsed_past() {
    let xml = r#"<log>
  <trace>
<string key="concept:name" value="T1">
  <string key="concept:name" value="not the ticket id"/>
</string>
<event>
  <string key="note" value="outer">
    <string key="concept:name" value="not the activity"/>
    <container key="deeper"><int key="n" value="1"/></container>
  </string>
  <list key="tags">
    <values>
      <string key="concept:name" value="nor this"/>
      <event><string key="concept:name" value="nor an event"/></event>
    </values>
  </list>
  <string key="concept:name" value="receive"/>
</event>
  </trace>
</log>"#;
    let (log, acc, info, _) = read(xml);
    assert_eq!(traces(&log), [("T1".to_owned(), vec!["receive".to_owned()])]);
    assert_eq!(acc.rows_read, 1);
    assert_eq!(info.ignored_event_keys, ["note", "tags"]);
}

#[test]
fn globals_classifiers_extensions_and_log_attributes_are_skipped() {
    let xml = format!(
        r#"<log>
  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
  <global scope="trace"><string key="concept:name" value="UNKNOWN"/></global>
  <global scope="event">
<string key="concept:name" value="UNKNOWN"/>
<date key="time:timestamp" value="1970-01-01T00:00:00.000+01:00"/>
  </global>
  <classifier name="Activity" keys="concept:name"/>
  <string key="concept:name" value="the log's own name"/>
  <float key="meta" value="1.5"><float key="10609" value="2.5"/></float>
  <trace><string key="concept:name" value="T1"/>{}</trace>
</log>"#,
        ev("a")
    );
    let (log, acc, _, _) = read(&xml);
    assert_eq!(traces(&log), [("T1".to_owned(), vec!["a".to_owned()])]);
    assert_eq!(acc.rows_read, 1);
}

#[test]
fn lifecycle_filter_keeps_matching_and_unmarked_events() {
    let xml = r#"<log><trace><string key="concept:name" value="T1"/>
  <event><string key="concept:name" value="a"/><string key="lifecycle:transition" value="start"/></event>
  <event><string key="concept:name" value="a"/><string key="lifecycle:transition" value="COMPLETE"/></event>
  <event><string key="concept:name" value="b"/></event>
  <event><string key="concept:name" value="c"/><string key="lifecycle:transition" value="schedule"/></event>
</trace></log>"#;
    let (log, acc, _, _) = read(xml);
    assert_eq!(log.event_count(), 4, "by default every event counts");
    let opts = ReadOptions { lifecycle: Some("Complete".into()), ..ReadOptions::default() };
    let (log, acc2, _, _) = read_with(xml, &opts);
    assert_eq!(traces(&log)[0].1, ["a", "b"]);
    assert_eq!((acc.filtered, acc2.rows_read, acc2.accepted, acc2.filtered), (0, 4, 2, 2));
}

#[test]
fn events_and_traces_without_concept_name_are_rejected() {
    let xml = format!(
        r#"<log>
<trace>{a}<event><string key="org:resource" value="Li"/></event><event><string key="concept:name" value="  "/></event>
  <string key="concept:name" value="T1"/>
</trace>
<trace><string key="creator" value="x"/>{a}{a}</trace>
<trace/>
</log>"#,
        a = ev("a")
    );
    let (log, acc, info, rejects) = read(&xml);
    assert_eq!(traces(&log), [("T1".to_owned(), vec!["a".to_owned()])], "the name may follow the events");
    assert_eq!(acc.rejected[&Reason::MissingActivity].count, 2);
    assert_eq!(acc.rejected[&Reason::MissingCaseId].count, 2);
    assert_eq!((acc.rows_read, acc.accepted), (5, 1));
    assert_eq!(info.traces, 3);
    assert_eq!(rejects[0].row, r#"org:resource="Li""#);
    assert_eq!(rejects[0].case.as_deref(), Some("T1"));
    assert!(rejects[2].detail.contains("<trace> (line 5) has no concept:name"), "{}", rejects[2].detail);
}

#[test]
fn events_outside_a_trace_are_rejected() {
    let xml = format!(
        "<log>\n{}\n<event/>\n<trace><string key=\"concept:name\" value=\"T\"/>{}</trace></log>",
        ev("a"),
        ev("b")
    );
    let (log, acc, _, rejects) = read(&xml);
    assert_eq!(log.event_count(), 1);
    assert_eq!(acc.rejected[&Reason::EventOutsideTrace].count, 2);
    assert_eq!((rejects[0].line, rejects[1].line), (2, 3));
}

#[test]
fn untimed_events_are_kept_and_noted_bad_timestamps_rejected() {
    let xml = r#"<log><trace><string key="concept:name" value="T"/>
<event><string key="concept:name" value="a"/></event>
<event><string key="concept:name" value="b"/><date key="time:timestamp" value="yesterday"/></event>
<event><string key="concept:name" value="c"/><date key="time:timestamp" value=""/></event>
</trace></log>"#;
    let (log, acc, _, rejects) = read(xml);
    assert_eq!(log.event_count(), 1);
    assert!(!log.time[0].is_some());
    assert_eq!(acc.notes[&NoteKind::Untimed].count, 1);
    assert_eq!((rejects[0].reason, rejects[0].line), (Reason::BadTimestamp, 3));
    assert!(rejects[0].detail.contains("`yesterday`"), "{}", rejects[0].detail);
    assert_eq!(rejects[1].reason, Reason::MissingTimestamp);
}

#[test]
fn repeated_trace_names_form_one_ticket() {
    let xml = format!(
        r#"<log><trace><string key="concept:name" value="T"/>{}</trace><trace><string key="concept:name" value="U"/>{}</trace>
<trace><string key="concept:name" value="T"/>{}</trace></log>"#,
        ev("a"),
        ev("x"),
        ev("b")
    );
    let (log, acc, _, _) = read(&xml);
    assert_eq!(traces(&log)[0], ("T".to_owned(), vec!["a".to_owned(), "b".to_owned()]));
    assert_eq!(acc.notes[&NoteKind::RepeatedTrace].examples[0].line, 2);
}

#[test]
fn reject_lines_are_the_lines_of_their_event_tags() {
    let xml = r#"<?xml version="1.0"?>
<!-- a comment
 over two lines -->
<log>
  <trace>
<string key="concept:name"
        value="T1"/>
<event>
  <string key="concept:name" value="a"/>
</event>
<![CDATA[
]]>
<event
  ><string key="org:resource" value="line
break"/>
</event>
<event><string key="concept:name" value="&amp;"/></event><event/>
  </trace>
</log>
"#;
    let (log, _, _, rejects) = read(xml);
    assert_eq!(log.event_count(), 2);
    let lines: Vec<u64> = rejects.iter().map(|r| r.line).collect();
    assert_eq!(lines, [13, 17]);
}

#[test]
fn values_are_unescaped_and_may_be_chinese() {
    let xml = r#"<log><trace><string key="concept:name" value="工单&#x2F;001"/>
<event><string key="concept:name" value="R&amp;D &lt;审核&gt; &quot;一&quot; &apos;二&apos;"/><string key="org:role" value="客服部"/></event>
</trace></log>"#;
    let (log, _, _, _) = read(xml);
    assert_eq!(traces(&log), [("工单/001".to_owned(), vec![r#"R&D <审核> "一" '二'"#.to_owned()])]);
    assert_eq!(log.values.resolve(log.events.role.as_ref().unwrap()[0]), "客服部");
}

#[test]
fn a_doctype_is_refused_before_any_entity_is_declared() {
    let xml = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
]>
<log><trace><string key="concept:name" value="&lol2;"/></trace></log>"#;
    let e = error(xml);
    assert_eq!(e, "t.xes:2: the file has a <!DOCTYPE> declaration; XES needs no DTD; refusing entity declarations");
}

#[test]
fn an_undefined_entity_is_an_error_with_its_line() {
    let e = error("<log>\n<trace>\n<string key=\"concept:name\" value=\"a &nbsp; b\"/></trace></log>");
    assert!(e.starts_with("t.xes:3: `&nbsp;` is not an entity XES knows"), "{e}");
    let e = error("<log>\n\n<trace>&bogus;</trace></log>");
    assert!(e.starts_with("t.xes:3: `&bogus;`"), "{e}");
}

#[test]
fn a_truncated_document_names_what_is_open() {
    let e = error("<log>\n  <trace>\n    <string key=\"concept:name\" value=\"T1\"/>\n    <event>\n");
    assert_eq!(e, "t.xes:4: the file ends inside <event> (line 4) of <trace> (line 2); is it truncated?");
    let e = error("<log>\n  <trace>\n    <string key=\"concept:name\" value=\"T1\"/>\n  </trace>\n<trace><str");
    assert!(e.starts_with("t.xes:5: malformed XML: tag not closed"), "{e}");
    let e = error("<log>\n  <trace>\n");
    assert_eq!(e, "t.xes:2: the file ends inside <trace> (opened on line 2); is it truncated?");
}

#[test]
fn a_truncated_gzip_stream_is_an_error_with_the_line_reached() {
    let mut xml = String::from("<log>\n");
    for i in 0..2000 {
        writeln!(xml, "<trace><string key=\"concept:name\" value=\"T{i}\"/>\n{}\n</trace>", ev("a")).unwrap();
    }
    xml.push_str("</log>\n");
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    gz.write_all(xml.as_bytes()).unwrap();
    let gz = gz.finish().unwrap();
    let half = BufReader::new(MultiGzDecoder::new(&gz[..gz.len() / 2]));
    let e = read_from(half, Path::new("t.xes.gz"), &ReadOptions::default(), &mut NoSink).unwrap_err().to_string();
    assert!(e.contains("is it truncated?") && e.contains("inside <"), "{e}");
    let mut whole = String::new();
    MultiGzDecoder::new(&gz[..]).read_to_string(&mut whole).unwrap();
    assert_eq!(whole, xml);
}

#[test]
fn malformed_or_foreign_documents_are_errors_with_lines() {
    let e = error("<log>\n<trace>\n<event>\n</trace>\n</log>");
    assert_eq!(e, "t.xes:4: malformed XML: expected `</event>`, but `</trace>` was found");
    let e = error("<?xml version=\"1.0\"?>\n<process id=\"p\"/>");
    assert_eq!(e, "t.xes:2: the root element is <process>, not <log>: this is not an XES event log");
    let e = error("Case ID,Activity\n1,a\n");
    assert!(e.starts_with("t.xes:1: text before the root element"), "{e}");
    assert!(error("").contains("no <log> element"));
    let bad = read_from(
        &b"<log><trace><string key=\"k\" value=\"\xff\"/></trace></log>"[..],
        Path::new("t.xes"),
        &ReadOptions::default(),
        &mut NoSink,
    );
    assert!(bad.unwrap_err().to_string().contains("not valid UTF-8"));
}

#[test]
fn every_prefix_and_mangled_byte_is_read_or_refused_without_panic() {
    let xml = r#"<?xml version="1.0"?><!-- c --><log xes.version="1.0">
<global scope="event"><string key="concept:name" value="x"/></global>
<trace><string key="concept:name" value="T&amp;1"><int key="n" value="1"/></string>
<event><string key="concept:name" value="接单"/><date key="time:timestamp" value="2024-01-01T00:00:00Z"/>
<list key="l"><values><string key="a" value="b"/></values></list><![CDATA[x]]></event>
<event><string key="concept:name" value="b"/><string key="lifecycle:transition" value="start"/></event>
</trace><event/></log>
"#;
    let bytes = xml.as_bytes();
    let opts = ReadOptions::default();
    for end in 0..xml.find("</log>").unwrap() + "</log>".len() {
        let r = read_from(&bytes[..end], Path::new("t.xes"), &opts, &mut NoSink);
        assert!(r.is_err(), "a document cut at byte {end} must not read as complete");
    }
    for at in 0..bytes.len() {
        for b in [b'<', b'>', b'&', b'"', b'/', b'\n', 0xff] {
            let mut m = bytes.to_vec();
            m[at] = b;
            if let Ok((_, acc, _)) = read_from(&m[..], Path::new("t.xes"), &opts, &mut NoSink) {
                assert!(acc.balances());
            }
        }
    }
    let (_, acc, _) = read_from(bytes, Path::new("t.xes"), &opts, &mut NoSink).unwrap();
    assert_eq!((acc.rows_read, acc.accepted), (3, 2));
}

#[test]
fn an_empty_log_reads_as_no_cases() {
    let (log, acc, _, _) = read("<log/>");
    assert_eq!((log.case_count(), acc.rows_read), (0, 0));
}
