//! The discovered map of a log without a model: its directly-follows map, as the commercial tools
//! draw it, in frequency or performance mode, with two sliders (shares of activities and paths to
//! keep) to hide rare steps and edges.
//!
//! Owns [`discovered_map`], [`Discover`] and [`Mode`]. Definitions:
//!
//! - activities are kept most frequent first (by events, then name) until they hold at least
//!   `activities` of the log's events; the others are left out of every trace (their neighbours
//!   then follow each other directly, as in Disco's projection);
//! - a **path** is a directly-follows pair of the projected traces, including `start -> first`
//!   and `last -> end`; paths are kept most frequent first until they hold at least `paths` of all
//!   transitions, and every kept activity keeps its most frequent path in and out (self-loops
//!   aside), so no activity is cut off;
//! - frequency mode labels nodes with their events and paths with their counts; performance mode
//!   labels paths with their median wait (the time between the two events) and shades them from
//!   grey to red by it. Pen width grows with the count in both.
//!
//! Cost: O(events) twice (counting, projecting) plus O(p log p) for p paths.

use std::collections::{BTreeMap, BTreeSet};

use crate::analysis::bottleneck::Stats;
use crate::log::event_log::EventLog;
use crate::log::intern::Sym;
use crate::render::dot::{Graph, s};

/// What the paths show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Counts.
    Frequency,
    /// Median waits.
    Performance,
}

/// How to draw.
#[derive(Debug, Clone, Copy)]
pub struct Discover {
    /// Share of events whose activities are kept (0-1).
    pub activities: f64,
    /// Share of transitions whose paths are kept (0-1).
    pub paths: f64,
    /// Frequency or performance.
    pub mode: Mode,
}

/// An end of a path: an activity, or the start or end of the tickets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum End {
    Start,
    Act(u32),
    Finish,
}

const FONT: &str = "WenQuanYi Micro Hei,Noto Sans CJK SC,sans-serif";

/// `d` seconds for a label: `45 s`, `12 min`, `3.5 h`, `2.1 d`.
fn duration(d: f64) -> String {
    if d < 60.0 {
        format!("{d:.0} s")
    } else if d < 3600.0 {
        format!("{:.0} min", d / 60.0)
    } else if d < 86_400.0 {
        format!("{:.1} h", d / 3600.0)
    } else {
        format!("{:.1} d", d / 86_400.0)
    }
}

/// The discovered map of `log`, titled `title`.
pub fn discovered_map(log: &EventLog, title: &str, opts: &Discover) -> Graph {
    let name = |a: u32| log.activity_name(Sym(a));
    let mut events = vec![0u64; log.activities.len()];
    for a in &log.activity {
        events[a.index()] += 1;
    }
    let total: u64 = events.iter().sum();
    let mut order: Vec<u32> =
        (0..u32::try_from(events.len()).unwrap_or(0)).filter(|&a| events[a as usize] > 0).collect();
    order.sort_by(|&a, &b| events[b as usize].cmp(&events[a as usize]).then_with(|| name(a).cmp(name(b))));
    let mut kept = vec![false; events.len()];
    let mut covered = 0u64;
    for &a in &order {
        #[expect(clippy::cast_precision_loss, reason = "event counts are far below 2^52")]
        let enough = covered > 0 && covered as f64 >= opts.activities * total as f64;
        if enough {
            break;
        }
        kept[a as usize] = true;
        covered += events[a as usize];
    }
    let paths = projected_paths(log, &kept);
    let (by_count, keep_path) = kept_paths(&paths, &order, &kept, opts.paths);
    let input = Drawn {
        log,
        events: &events,
        order: &order,
        kept: &kept,
        paths: &paths,
        by_count: &by_count,
        keep_path: &keep_path,
    };
    draw(&input, title, opts.mode)
}

/// A path: from, to.
type Path = (End, End);

/// Paths and their waits (seconds).
type Paths = BTreeMap<(End, End), (u64, Vec<i64>)>;

/// The paths of the traces with only `kept` activities, with their waits.
fn projected_paths(log: &EventLog, kept: &[bool]) -> Paths {
    let mut paths: BTreeMap<(End, End), (u64, Vec<i64>)> = BTreeMap::new();
    for case in log.case_indices() {
        let mut prev: Option<(End, crate::log::timestamp::Time)> =
            Some((End::Start, crate::log::timestamp::Time::NONE));
        let mut any = false;
        for e in log.events_of(case) {
            let a = log.activity[e].0;
            if !kept[a as usize] {
                continue;
            }
            let t = log.time[e];
            if let Some((p, pt)) = prev {
                let entry = paths.entry((p, End::Act(a))).or_insert((0, Vec::new()));
                entry.0 += 1;
                if pt.is_some() && t.is_some() {
                    entry.1.push((t.0 - pt.0) / 1_000_000);
                }
            }
            prev = Some((End::Act(a), t));
            any = true;
        }
        if any && let Some((p, _)) = prev {
            paths.entry((p, End::Finish)).or_insert((0, Vec::new())).0 += 1;
        }
    }
    paths
}

/// The paths kept: most frequent first until `share` of the transitions, plus each kept
/// activity's strongest way in and out. Returns the paths most frequent first and the kept set.
fn kept_paths(paths: &Paths, order: &[u32], kept: &[bool], share: f64) -> (Vec<Path>, BTreeSet<Path>) {
    let transitions: u64 = paths.values().map(|p| p.0).sum();
    let mut by_count: Vec<(End, End)> = paths.keys().copied().collect();
    by_count.sort_by(|a, b| paths[b].0.cmp(&paths[a].0).then(a.cmp(b)));
    let mut keep_path: BTreeSet<Path> = BTreeSet::new();
    let mut sum = 0u64;
    for k in &by_count {
        #[expect(clippy::cast_precision_loss, reason = "counts are far below 2^52")]
        let enough = sum as f64 >= share * transitions as f64;
        if enough {
            break;
        }
        keep_path.insert(*k);
        sum += paths[k].0;
    }
    // Every kept activity keeps its strongest way in and out (by_count is most frequent first).
    for &a in order.iter().filter(|&&a| kept[a as usize]) {
        for incoming in [true, false] {
            // A self-loop is no way in or out.
            let best =
                by_count.iter().find(|(x, y)| x != y && if incoming { *y == End::Act(a) } else { *x == End::Act(a) });
            if let Some(k) = best {
                keep_path.insert(*k);
            }
        }
    }
    (by_count, keep_path)
}

/// What [`draw`] draws.
struct Drawn<'a> {
    log: &'a EventLog,
    events: &'a [u64],
    order: &'a [u32],
    kept: &'a [bool],
    paths: &'a Paths,
    by_count: &'a [(End, End)],
    keep_path: &'a BTreeSet<Path>,
}

/// The graph of the kept activities and paths.
fn draw(d: &Drawn<'_>, title: &str, mode: Mode) -> Graph {
    let Drawn { log, events, order, kept, paths, by_count, keep_path } = *d;
    let name = |a: u32| log.activity_name(Sym(a));
    let id = |e: End| match e {
        End::Start => "start".to_owned(),
        End::Finish => "end".to_owned(),
        End::Act(a) => format!("activity:{}", name(a)),
    };
    let mut g = Graph::new("discovered");
    g.attrs = vec![
        s("label", title),
        s("labelloc", "t"),
        s("fontname", FONT),
        s("fontsize", "16"),
        s("rankdir", "TB"),
        s("nodesep", "0.3"),
        s("ranksep", "0.4"),
    ];
    g.node_defaults = vec![s("fontname", FONT), s("fontsize", "10"), s("shape", "box"), s("style", "rounded,filled")];
    g.edge_defaults = vec![s("fontname", FONT), s("fontsize", "9")];
    g.node("start", vec![s("label", "▶"), s("shape", "circle"), s("fillcolor", "#dff0d8")]);
    g.node("end", vec![s("label", "■"), s("shape", "circle"), s("fillcolor", "#f2dede")]);
    let max_events = order.first().map_or(1, |&a| events[a as usize]).max(1);
    for &a in order.iter().filter(|&&a| kept[a as usize]) {
        #[expect(clippy::cast_precision_loss, reason = "counts are far below 2^52")]
        let shade = 95.0 - 40.0 * events[a as usize] as f64 / max_events as f64;
        g.node(
            id(End::Act(a)),
            vec![
                s("label", format!("{}\n{}", name(a), events[a as usize])),
                s("fillcolor", format!("0.58 0.35 {:.2}", shade / 100.0)),
            ],
        );
    }
    let shown: Vec<((End, End), f64)> = by_count
        .iter()
        .filter(|k| keep_path.contains(k))
        .map(|k| (*k, Stats::of(&mut paths[k].1.clone()).map_or(0.0, |st| st.median)))
        .collect();
    let max_count = shown.iter().map(|(k, _)| paths[k].0).max().unwrap_or(1).max(1);
    let max_wait = shown.iter().map(|(_, w)| *w).fold(0.0, f64::max).max(1.0);
    let mut ordered = shown;
    ordered.sort_by_key(|(k, _)| *k);
    for ((x, y), wait) in ordered {
        let count = paths[&(x, y)].0;
        #[expect(clippy::cast_precision_loss, reason = "counts are far below 2^52")]
        let width = 1.0 + 5.0 * count as f64 / max_count as f64;
        let mut attrs = vec![s("penwidth", format!("{width:.2}"))];
        match mode {
            Mode::Frequency => attrs.push(s("label", count.to_string())),
            Mode::Performance => {
                let heat = wait / max_wait;
                attrs.push(s(
                    "label",
                    if matches!(x, End::Start) || matches!(y, End::Finish) { String::new() } else { duration(wait) },
                ));
                attrs.push(s("color", format!("0.0 {heat:.2} {:.2}", 0.35 + 0.5 * heat)));
            }
        }
        g.edge(id(x), id(y), attrs);
    }
    g
}

#[cfg(test)]
mod tests {
    use super::{Discover, Mode, discovered_map};
    use crate::log::builder::{Extras, LogBuilder, Present};
    use crate::log::timestamp::Time;

    fn log(traces: &[&str]) -> crate::log::event_log::EventLog {
        let mut b = LogBuilder::new(Present::default());
        for (i, t) in traces.iter().enumerate() {
            let c = b.case(&i.to_string());
            for (j, a) in t.split(',').enumerate() {
                b.event(c, a, Time(i64::try_from(j).unwrap() * 60_000_000), Extras::default());
            }
        }
        b.finish()
    }

    #[test]
    fn sliders_hide_rare_activities_and_paths() {
        let l = log(&["a,b,c", "a,b,c", "a,b,c", "a,x,c"]);
        let all = discovered_map(&l, "t", &Discover { activities: 1.0, paths: 1.0, mode: Mode::Frequency }).to_dot();
        assert!(
            all.contains("\"activity:x\"")
                && all.contains("\"activity:a\" -> \"activity:b\" [penwidth=\"4.75\", label=\"3\"]"),
            "{all}"
        );
        // 11 of 12 events: x (1 event) is left out and a -> c is the projected path.
        let some = discovered_map(&l, "t", &Discover { activities: 0.9, paths: 1.0, mode: Mode::Frequency }).to_dot();
        assert!(!some.contains("activity:x") && some.contains("\"activity:a\" -> \"activity:c\""), "{some}");
        // Paths: x is reached from a once and from b once; at half the transitions only the
        // strongest way in (a -> x, first on a tie) stays, so x is not cut off.
        let l = log(&["a,b,c", "a,b,c", "a,b,c", "a,x,c", "a,b,x,c"]);
        let into_x = |dot: &str| dot.lines().filter(|l| l.contains("-> \"activity:x\"")).count();
        let all = discovered_map(&l, "t", &Discover { activities: 1.0, paths: 1.0, mode: Mode::Frequency }).to_dot();
        let half = discovered_map(&l, "t", &Discover { activities: 1.0, paths: 0.5, mode: Mode::Frequency }).to_dot();
        assert_eq!((into_x(&all), into_x(&half)), (2, 1), "{half}");
        assert!(half.contains("\"activity:a\" -> \"activity:x\""), "{half}");
        let perf = discovered_map(&l, "t", &Discover { activities: 1.0, paths: 1.0, mode: Mode::Performance }).to_dot();
        assert!(perf.contains("label=\"1 min\""), "{perf}");
    }
}
