//! Tests of `log::suggest`: scoring on Chinese and English labels, the threshold, the position
//! tie-break, quoting, and the round trip of a written profile through `Profile::load`.

use crate::log::builder::{Extras, LogBuilder, Present};
use crate::log::department::Departments;
use crate::log::event_log::EventLog;
use crate::log::mapping::ActivityMapping;
use crate::log::profile::Profile;
use crate::log::suggest::{
    Features, Match, ReadSettings, Suggestion, THRESHOLD, design_positions, scalar, similarity, suggest, write_profile,
};
use crate::log::timestamp::Time;
use crate::model::library;
use crate::model::process::Process;

/// `a` equals `b` up to rounding.
#[track_caller]
fn near(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-12, "{a} is not {b}");
}

fn complaint() -> Process {
    let lib = library::load(&["processes/complaint-linear.yaml".into()]);
    assert!(!lib.has_errors());
    lib.processes.into_iter().next().unwrap()
}

/// A log of `tickets`, each a list of (activity, department) events.
fn log_of(tickets: &[&[(&str, &str)]]) -> EventLog {
    let mut b = LogBuilder::new(Present { role: true, ..Present::default() });
    for (t, events) in tickets.iter().enumerate() {
        let c = b.case(&format!("T{t}"));
        for (i, (activity, role)) in events.iter().enumerate() {
            let extras = Extras { role: Some(role), ..Extras::default() };
            b.event(c, activity, Time(i64::try_from(i).unwrap()), extras);
        }
    }
    b.finish()
}

#[test]
fn chinese_labels_are_compared_by_character_bigrams() {
    // 后台 台专 专家 家诊 诊断 against 专家 家诊 诊断: 2 x 3 / (5 + 3).
    near(similarity("后台专家诊断", "专家诊断"), 0.75);
    // 一线 线安 安抚 抚并 并记 记录 against 首次 次安 安抚 抚并 并记 记录 录投 投诉: 2 x 4 / 14.
    near(similarity("一线安抚并记录", "首次安抚并记录投诉"), 8.0 / 14.0);
    near(similarity("受理投诉", "受理投诉"), 1.0);
    near(similarity("受理投诉", "归档结单"), 0.0);
    // Punctuation ends a run: no bigram across it.
    assert_eq!(Features::of("维护（外）处理"), Features::of("维护 外 处理"));
}

#[test]
fn very_short_chinese_labels_count_single_characters_too() {
    // 归档 alone has one bigram; with characters: 归 档 归档 against 工 单 归 档 工单 单归 归档.
    near(similarity("归档", "工单归档"), 0.6);
    // Four characters are not very short: bigrams only, so 建设 alone is shared.
    near(similarity("建设工程部", "建设部门"), 2.0 / 7.0);
    // Three are: 建 设 部 建设 are shared.
    near(similarity("建设工程部", "建设部"), 8.0 / 14.0);
}

#[test]
fn english_labels_are_compared_by_lowercased_words() {
    near(similarity("Customer reply", "Reply to customer"), 1.0); // `to` is left out
    near(similarity("soothe-record", "Soothe_Record"), 1.0);
    near(similarity("close", "Close ticket"), 2.0 / 3.0);
    near(similarity("the", "to"), 0.0); // function words are left out
    near(similarity("", "close"), 0.0);
    // Mixed text: words and bigrams together.
    near(similarity("VIP投诉受理", "vip 受理投诉"), 2.0 * 3.0 / 8.0);
}

#[test]
fn renamed_labels_find_their_steps_and_unlike_ones_stay_unplaced() {
    let p = complaint();
    let tickets: Vec<(&str, &str)> = vec![
        ("受理投诉", "一线坐席"),
        ("一线安抚并记录", "一线客服中心"),
        ("后台专家诊断", "网络专家"),
        ("建设单位处理", "建设工程部"),
        ("回访客户", "质检组"),
        ("归档", "一线客服中心"),
    ];
    let log = log_of(&[&tickets]);
    let s = suggest(&log, &p, None).unwrap();
    let placed: Vec<(&str, Option<&str>)> =
        s.activities.suggestions.iter().map(|x| (x.label.as_str(), x.placed().map(|m| m.id.as_str()))).collect();
    assert_eq!(
        placed,
        [
            ("一线安抚并记录", Some("soothe-record")),
            ("后台专家诊断", Some("diagnose")),
            ("回访客户", None),
            ("建设单位处理", Some("construction-handle")),
            ("归档", Some("close")),
        ]
    );
    let callback = &s.activities.suggestions[2];
    let best = callback.best.as_ref().unwrap();
    assert!(best.score < THRESHOLD && best.score > 0.0, "{best:?}");
    assert_eq!(s.activities.known.len(), 1);
    assert_eq!((s.activities.known[0].label.as_str(), s.activities.known[0].id.as_str()), ("受理投诉", "receive"));
    let roles = s.roles.as_ref().unwrap();
    let depts: Vec<(&str, Option<&str>)> =
        roles.suggestions.iter().map(|x| (x.label.as_str(), x.placed().map(|m| m.id.as_str()))).collect();
    assert_eq!(depts, [("一线客服中心", Some("frontline")), ("建设工程部", Some("construction")), ("质检组", None)]);
    let known: Vec<&str> = roles.known.iter().map(|k| k.id.as_str()).collect();
    assert_eq!(known, ["frontline", "expert"], "一线坐席 is the name, 网络专家 an alias (one event each: by label)");
}

#[test]
fn equal_scores_are_told_apart_by_position() {
    let p = complaint();
    let design = design_positions(&p);
    let at = |id: &str| design[p.step_id(id).unwrap().0 as usize];
    near(at("receive"), 0.0);
    near(at("close"), 1.0);
    near(at("maintenance-handle"), at("construction-handle")); // alternatives share a depth
    assert!(at("report-to-expert") < at("relay-to-frontline"));
    // `Result` is one word of `Report result to expert` and of `Relay result to frontline`:
    // 2 x 1 / (1 + 3) for both. Early in the tickets it goes to report-to-expert, late to relay.
    near(similarity("Result", "Report result to expert"), similarity("Result", "Relay result to frontline"));
    let early = [("受理投诉", "一线"), ("Result", "一线"), ("回复用户", "一线"), ("x", "一线"), ("y", "一线")];
    let late = [("受理投诉", "一线"), ("x", "一线"), ("y", "一线"), ("z", "一线"), ("Result", "一线")];
    for (events, want) in [(&early, "report-to-expert"), (&late, "relay-to-frontline")] {
        let log = log_of(&[events]);
        let s = suggest(&log, &p, None).unwrap();
        let r = s.activities.suggestions.iter().find(|x| x.label == "Result").unwrap();
        assert_eq!(r.best.as_ref().unwrap().id, want, "{r:?}");
    }
}

#[test]
fn labels_that_need_quotes_are_quoted() {
    assert_eq!(scalar("后台专家诊断"), "后台专家诊断");
    assert_eq!(scalar("Close ticket"), "Close ticket");
    assert_eq!(scalar("a: b"), "\"a: b\"");
    assert_eq!(scalar("- x"), "\"- x\"");
    assert_eq!(scalar("null"), "\"null\"");
    assert_eq!(scalar("say \"hi\"\n"), "\"say \\\"hi\\\"\\n\"");
    assert_eq!(scalar("%Y/%m/%d"), "\"%Y/%m/%d\"");
    assert_eq!(scalar("\u{3000}归档"), "\"\u{3000}归档\"");
}

/// The written profile loads, and read with it the log maps exactly what it suggested.
#[test]
fn the_written_profile_loads_and_maps_what_it_suggests() {
    let p = complaint();
    let tickets: Vec<(&str, &str)> = vec![
        ("受理投诉", "一线坐席"),
        ("后台专家诊断", "网络专家"),
        ("a: b # c", "一线客服中心"),
        ("回访客户", "质检组"),
        ("Close", "一线"),
        ("归档", "建设工程部"),
    ];
    let log = log_of(&[&tickets]);
    let s = suggest(&log, &p, None).unwrap();
    let mut text = Vec::new();
    let columns = [("case", "工单编号".to_owned()), ("activity", "处理环节".to_owned())];
    let read = ReadSettings {
        log_file: "export: october.csv",
        columns: &columns,
        delimiter: Some(b','),
        timestamp_format: Some("%Y/%m/%d %H:%M:%S"),
        ..ReadSettings::default()
    };
    write_profile(&mut text, &s, &read).unwrap();
    let text = String::from_utf8(text).unwrap();
    assert!(text.contains("后台专家诊断: diagnose"), "{text}");
    assert!(text.contains("# 回访客户: ?"), "{text}");
    let dir = std::env::temp_dir().join(format!("flowaudit-suggest-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("profile.yaml");
    std::fs::write(&path, &text).unwrap();
    let profile = Profile::load(&path).unwrap_or_else(|e| panic!("{:?}\n{text}", e.diagnostics));
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(profile.columns.case.as_deref(), Some("工单编号"));
    assert_eq!(profile.delimiter, Some(b','));
    assert_eq!(profile.timestamp_format.as_deref(), Some("%Y/%m/%d %H:%M:%S"));
    let mapping = ActivityMapping::new(&log, &p, &profile.activities, &profile.file).unwrap();
    let before = ActivityMapping::new(&log, &p, &[], "").unwrap();
    for (sym, label) in log.activities.iter() {
        let want = match s.activities.suggestions.iter().find(|x| x.label == label) {
            Some(x) => x.placed().map(|m| m.id.as_str()),
            None => before.step_of[sym.index()].map(|st| p.step(st).id.as_str()),
        };
        assert_eq!(mapping.step_of[sym.index()].map(|st| p.step(st).id.as_str()), want, "{label}");
    }
    let depts = Departments::new(&log, &p, &profile.roles, &profile.resources, &profile.file).unwrap();
    let roles = s.roles.as_ref().unwrap();
    let column = log.events.role.as_ref().unwrap();
    for (e, v) in column.iter().enumerate() {
        let label = log.values.resolve(*v);
        let got = depts.role(depts.of_event(&log, e, None, &p)).map(|r| p.role(r).id.as_str());
        let want = match roles.suggestions.iter().find(|x| x.label == label) {
            Some(x) => x.placed().map(|m| m.id.as_str()),
            None => roles.known.iter().find(|k| k.label == label).map(|k| k.id.as_str()),
        };
        assert_eq!(got, want, "{label}");
    }
    // A second round with the written profile has nothing left to place.
    let again = suggest(&log, &p, Some(&profile)).unwrap();
    assert!(again.activities.suggestions.iter().all(|x| x.placed().is_none()), "{again:?}");
    let mut second = Vec::new();
    write_profile(&mut second, &again, &ReadSettings { profile: Some(&profile), ..ReadSettings::default() }).unwrap();
    let second = String::from_utf8(second).unwrap();
    assert!(second.contains("后台专家诊断: diagnose"), "entries of the read profile are kept:\n{second}");
}

#[test]
fn a_log_with_nothing_to_place_still_writes_a_loadable_profile() {
    let p = complaint();
    let log = log_of(&[&[("受理投诉", "一线坐席"), ("回访客户", "质检组")]]);
    let s = suggest(&log, &p, None).unwrap();
    let mut text = Vec::new();
    write_profile(&mut text, &s, &ReadSettings::default()).unwrap();
    let text = String::from_utf8(text).unwrap();
    assert!(text.contains("activities: {}"), "{text}");
    let dir = std::env::temp_dir().join(format!("flowaudit-suggest-empty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("profile.yaml");
    std::fs::write(&path, &text).unwrap();
    let profile = Profile::load(&path);
    std::fs::remove_dir_all(&dir).unwrap();
    let profile = profile.unwrap_or_else(|e| panic!("{:?}\n{text}", e.diagnostics));
    assert!(profile.activities.is_empty() && profile.roles.is_empty());
}

#[test]
fn a_suggestion_is_placed_from_the_threshold_up() {
    let at = |score: f64| Suggestion {
        label: "x".into(),
        events: 1,
        best: Some(Match { id: "close".into(), score, like: "结单".into() }),
    };
    assert!(at(THRESHOLD).placed().is_some());
    assert!(at(THRESHOLD - 0.01).placed().is_none());
    assert!(Suggestion { label: "x".into(), events: 1, best: None }.placed().is_none());
}
