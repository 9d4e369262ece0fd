//! What a month of tickets really did, drawn on a process's designed map: ticket counts on steps
//! and paths (pen width), median waits as a colour scale, and the deviations: skipped steps,
//! transitions the design does not allow (red), undesigned loop-backs and wrong-department work.
//!
//! Owns [`Observed`] (gathered from the log, its alignments and the department view) and
//! [`overlay`] (which marks up a [`designed_map`](crate::render::process_map::designed_map)).
//! Definitions: a **path** is a pair of consecutive events of a ticket that both map to steps; it
//! is **designed** when the second step follows the first through flows and gateways only, or
//! through a designed loop; any other path is drawn red as **not in the design**. Cost: O(events)
//! plus O(steps x flows) for the designed successors.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use petgraph::Direction;
use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;

use crate::analysis::bottleneck::Stats;
use crate::log::event_log::EventLog;
use crate::model::process::{Process, StepId};
use crate::render::dot::{Attrs, Graph, Item, Value, s};

/// What to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// Tickets per step and path.
    Frequency,
    /// Median wait per path, as a colour scale.
    Wait,
    /// Skipped steps, paths not in the design, undesigned loop-backs, wrong-department work.
    Deviations,
}

/// The month's figures per step and path.
#[derive(Debug, Clone, Default)]
pub struct Observed {
    /// Tickets with the step, by `StepId`.
    pub tickets: Vec<u64>,
    /// Tickets x times the optimal alignment skipped the step.
    pub skipped: Vec<u64>,
    /// Undesigned loop-backs of the step.
    pub undesigned: Vec<u64>,
    /// Events of the step done by another department.
    pub wrong_department: Vec<u64>,
    /// Paths between steps: count and waits (seconds).
    pub paths: BTreeMap<(StepId, StepId), (u64, Vec<i64>)>,
}

impl Observed {
    /// Counts tickets and paths of `log` (`step_of` maps its activities); the deviation columns
    /// are filled by the caller from the alignments and the department view.
    pub fn new(log: &EventLog, process: &Process, step_of: &[Option<StepId>]) -> Observed {
        let n = process.steps.len();
        let mut o = Observed {
            tickets: vec![0; n],
            skipped: vec![0; n],
            undesigned: vec![0; n],
            wrong_department: vec![0; n],
            paths: BTreeMap::new(),
        };
        let mut seen = vec![u32::MAX; n];
        for case in log.case_indices() {
            let mut prev: Option<(StepId, crate::log::timestamp::Time)> = None;
            for e in log.events_of(case) {
                let Some(st) = step_of[log.activity[e].index()] else { continue };
                if seen[st.0 as usize] != case.0 {
                    seen[st.0 as usize] = case.0;
                    o.tickets[st.0 as usize] += 1;
                }
                let t = log.time[e];
                if let Some((p, pt)) = prev {
                    let entry = o.paths.entry((p, st)).or_insert((0, Vec::new()));
                    entry.0 += 1;
                    if pt.is_some() && t.is_some() {
                        entry.1.push((t.0 - pt.0) / 1_000_000);
                    }
                }
                prev = Some((st, t));
            }
        }
        o
    }
}

/// The steps that can follow each step by design: through flows and gateways only, or a loop.
fn designed_successors(process: &Process) -> BTreeSet<(StepId, StepId)> {
    let g = &process.graph;
    let mut out = BTreeSet::new();
    for (i, _) in process.steps.iter().enumerate() {
        let from = StepId(u32::try_from(i).unwrap_or(u32::MAX));
        for e in g.graph.edges_directed(NodeIndex::new(i), Direction::Outgoing) {
            out.extend(g.first_steps(e.target()).into_iter().map(|to| (from, to)));
        }
    }
    out
}

fn attrs_of<'g>(g: &'g mut Graph, id: &str) -> Option<&'g mut Attrs> {
    for item in &mut g.items {
        match item {
            Item::Node(n, a) if n == id => return Some(a),
            Item::Subgraph(sub) => {
                if let Some(a) = attrs_of(sub, id) {
                    return Some(a);
                }
            }
            _ => {}
        }
    }
    None
}

fn set(a: &mut Attrs, key: &'static str, value: String) {
    match a.iter_mut().find(|(k, _)| *k == key) {
        Some(slot) => slot.1 = Value::Str(value),
        None => a.push((key, Value::Str(value))),
    }
}

fn label_of(a: &Attrs) -> String {
    a.iter().find(|(k, _)| *k == "label").map_or_else(String::new, |(_, v)| match v {
        Value::Str(s) | Value::Html(s) => s.clone(),
    })
}

/// The colour of a wait `heat` (0 = none, 1 = the longest median wait): from grey-red to a
/// strong red, brighter as it heats, as `#rrggbb` (for edges and the legend alike).
pub fn heat_colour(heat: f64) -> String {
    let heat = heat.clamp(0.0, 1.0);
    // HSV with hue 0 (red), saturation `heat`, value 0.45 + 0.45 * heat.
    let v = 0.45 + 0.45 * heat;
    #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "in 0..=255 by construction")]
    let byte = |x: f64| (x * 255.0).round() as u8;
    let (r, gb) = (byte(v), byte(v * (1.0 - heat)));
    format!("#{r:02x}{gb:02x}{gb:02x}")
}

/// Adds the colour scale of median waits (0 to `max_wait` seconds) to the map's legend.
fn wait_scale(map: &mut Graph, max_wait: f64, zh: bool) {
    let Some(a) = attrs_of(map, "legend") else { return };
    let Some((_, Value::Html(table))) = a.iter_mut().find(|(k, _)| *k == "label") else { return };
    let mut cells = String::new();
    for i in 0..=4 {
        let heat = f64::from(i) / 4.0;
        let _ = write!(
            cells,
            "<td bgcolor=\"{}\"><font color=\"white\">{:.1}</font></td>",
            heat_colour(heat),
            heat * max_wait / 3600.0
        );
    }
    let title = if zh { "路径等待时长中位数（小时）" } else { "median wait on a path (h)" };
    let row = format!(
        "<tr><td colspan=\"2\"><table border=\"0\" cellspacing=\"0\" cellpadding=\"3\"><tr><td colspan=\"5\">{title}</td></tr><tr>{cells}</tr></table></td></tr>"
    );
    if let Some(end) = table.rfind("</table>") {
        table.insert_str(end, &row);
    }
}

/// Marks up `map` (a designed map of `process`) with what `o` observed; `zh` for the legend's
/// words.
pub fn overlay(map: &mut Graph, process: &Process, o: &Observed, metric: Metric, zh: bool) {
    let designed = designed_successors(process);
    let id = |st: StepId| format!("step:{}", process.step(st).id);
    let max_tickets = o.tickets.iter().copied().max().unwrap_or(1).max(1);
    for (i, step) in process.steps.iter().enumerate() {
        let Some(a) = attrs_of(map, &format!("step:{}", step.id)) else { continue };
        let base = label_of(a);
        let mut lines = vec![base];
        match metric {
            Metric::Frequency | Metric::Wait => lines.push(match (zh, o.tickets[i]) {
                (true, n) => format!("{n} 单"),
                (false, 1) => "1 ticket".to_owned(),
                (false, n) => format!("{n} tickets"),
            }),
            Metric::Deviations => {
                for (n, zh_word, en_word) in [
                    (o.skipped[i], "跳过", "skipped"),
                    (o.undesigned[i], "未设计回环", "undesigned loop-backs"),
                    (o.wrong_department[i], "非本部门", "wrong department"),
                ] {
                    if n > 0 {
                        lines.push(format!("{} {n}", if zh { zh_word } else { en_word }));
                    }
                }
            }
        }
        set(a, "label", lines.join("\n"));
        #[expect(clippy::cast_precision_loss, reason = "counts are far below 2^52")]
        let width = 1.0 + 3.0 * o.tickets[i] as f64 / max_tickets as f64;
        set(a, "penwidth", format!("{width:.2}"));
        if metric == Metric::Deviations && o.skipped[i] > 0 {
            set(a, "style", "rounded,filled,dashed".to_owned());
        }
        if metric == Metric::Deviations && (o.undesigned[i] > 0 || o.wrong_department[i] > 0) {
            set(a, "color", "#c0392b".to_owned());
        }
    }
    let max_count = o.paths.values().map(|p| p.0).max().unwrap_or(1).max(1);
    let waits: BTreeMap<(StepId, StepId), f64> =
        o.paths.iter().map(|(k, (_, w))| (*k, Stats::of(&mut w.clone()).map_or(0.0, |st| st.median))).collect();
    let max_wait = waits.values().copied().fold(0.0, f64::max).max(1.0);
    // Rare paths not in the design would hide the map: those seen by fewer than one ticket in
    // 500 (at least 2) are left out, and the title says so.
    let tickets = o.tickets.iter().copied().max().unwrap_or(0);
    let min_red = (tickets / 500).max(2);
    let mut hidden = 0u64;
    for (&(x, y), (count, _)) in &o.paths {
        let allowed = designed.contains(&(x, y)) || process.loops.iter().any(|l| l.from == x && l.to == y);
        if metric == Metric::Deviations && allowed {
            continue;
        }
        if !allowed && *count < min_red {
            hidden += count;
            continue;
        }
        #[expect(clippy::cast_precision_loss, reason = "counts are far below 2^52")]
        let width = 0.8 + 4.0 * *count as f64 / max_count as f64;
        let mut a = vec![s("penwidth", format!("{width:.2}")), s("constraint", "false")];
        if allowed {
            let heat = waits[&(x, y)] / max_wait;
            a.push(s("arrowhead", "none"));
            if metric == Metric::Wait {
                a.push(s("color", heat_colour(heat)));
                a.push(s("label", format!("{:.1} h", waits[&(x, y)] / 3600.0)));
            } else {
                a.push(s("color", "#7f8c8d80"));
                a.push(s("label", count.to_string()));
            }
        } else {
            a.push(s("color", "#c0392b"));
            a.push(s("fontcolor", "#c0392b"));
            a.push(s("style", "bold"));
            a.push(s("label", count.to_string()));
        }
        map.edge(id(x), id(y), a);
    }
    if metric == Metric::Wait {
        wait_scale(map, max_wait, zh);
    }
    if let Some(title) = map.attrs.iter_mut().find(|(k, _)| *k == "label") {
        let note = match (zh, hidden) {
            (_, 0) => String::new(),
            (true, n) => format!("\n红色：设计之外的路径（少于 {min_red} 次的 {n} 次未画出）"),
            (false, n) => {
                format!("\nred: paths not in the design ({n} seen fewer than {min_red} times each not drawn)")
            }
        };
        if let Value::Str(t) = &mut title.1 {
            t.push_str(&note);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Metric, Observed, designed_successors, overlay};
    use crate::log::builder::{Extras, LogBuilder, Present};
    use crate::log::mapping::ActivityMapping;
    use crate::log::timestamp::Time;
    use crate::model::library;
    use crate::render::process_map::designed_map;

    #[test]
    fn paths_counted_and_undesigned_ones_red() {
        let lib = library::load(&["processes/complaint-linear.yaml".into()]);
        let p = &lib.processes[0];
        let id = |s: &str| p.step_id(s).unwrap();
        let succ = designed_successors(p);
        assert!(succ.contains(&(id("diagnose"), id("maintenance-handle"))));
        assert!(!succ.contains(&(id("receive"), id("diagnose"))));
        let mut b = LogBuilder::new(Present::default());
        for (case, trace) in
            [("1", "receive,soothe-record,diagnose"), ("2", "receive,diagnose"), ("3", "receive,diagnose")]
        {
            let c = b.case(case);
            for (i, a) in trace.split(',').enumerate() {
                b.event(c, a, Time(i64::try_from(i).unwrap() * 3_600_000_000), Extras::default());
            }
        }
        let log = b.finish();
        let m = ActivityMapping::new(&log, p, &[], "").unwrap();
        let o = Observed::new(&log, p, &m.step_of);
        assert_eq!(o.tickets[id("receive").0 as usize], 3);
        assert_eq!(o.paths[&(id("receive"), id("diagnose"))].0, 2);
        let mut map = designed_map(p, false);
        overlay(&mut map, p, &o, Metric::Deviations, false);
        let dot = map.to_dot();
        assert!(
            dot.contains(
                "\"step:receive\" -> \"step:diagnose\" [penwidth=\"4.80\", constraint=\"false\", color=\"#c0392b\""
            ),
            "{dot}"
        );
        assert!(
            !dot.contains("\"step:receive\" -> \"step:soothe-record\" [penwidth"),
            "designed paths are not repeated in deviations"
        );
        let mut map = designed_map(p, false);
        overlay(&mut map, p, &o, Metric::Frequency, false);
        assert!(map.to_dot().contains("complaint\\n3 tickets\""), "{}", map.to_dot());
        assert!(map.to_dot().contains("complaint\\n1 ticket\""), "{}", map.to_dot());
    }
}
