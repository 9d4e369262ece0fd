//! The designed map of a process: one swimlane per role, steps as boxes, gateways as diamonds,
//! start and end, designed loops drawn apart, a title and a legend, in the process's language.
//!
//! Owns [`designed_map`]. The map is a [`Graph`] for our DOT writer: lanes in role order, steps
//! in file order, flows in the order the process graph holds them, so the same process always
//! gives the same DOT. Node ids are stable (`step:<id>`, `gateway:<id>`, `start`, `end`), so two
//! maps of processes that share steps name them alike. O(steps + flows).

use petgraph::visit::EdgeRef;
use unicode_width::UnicodeWidthChar;

use crate::model::graph::{FlowKind, FlowNode};
use crate::model::process::Process;
use crate::model::spec::GatewayKind;
use crate::render::dot::{Graph, Item, Value, html, s};

/// Lane colours, by role order (light, printable, distinct in greyscale too).
const LANES: [&str; 6] = ["#eef4fb", "#fdf3e7", "#eef8ef", "#f6eefa", "#fbeeee", "#f1f1f1"];
/// The font: Graphviz falls back per glyph, so Chinese labels find a CJK font.
const FONT: &str = "WenQuanYi Micro Hei,Noto Sans CJK SC,sans-serif";
/// Colour of designed loops.
const LOOP: &str = "#1f5fbf";

/// `text` in as few lines of at most `width` columns as it needs (a Chinese character takes two),
/// the lines about equally long, breaking English at spaces and Chinese between characters.
pub fn wrap(text: &str, width: usize) -> String {
    let total: usize = text.chars().map(|c| c.width().unwrap_or(0)).sum();
    if total <= width || width == 0 {
        return text.to_owned();
    }
    let lines = total.div_ceil(width);
    // Balanced lines, an even number of columns (whole Chinese characters).
    let width = total.div_ceil(lines).next_multiple_of(2).min(width.max(2));
    let mut out = String::new();
    let mut line = 0;
    for word in text.split_inclusive(' ') {
        let w: usize = word.trim_end().chars().map(|c| c.width().unwrap_or(0)).sum();
        if line > 0 && line + w > width && word.is_ascii() {
            out.push('\n');
            line = 0;
        }
        for c in word.chars() {
            let cw = c.width().unwrap_or(0);
            if line + cw > width && !c.is_ascii() {
                out.push('\n');
                line = 0;
            }
            out.push(c);
            line += cw;
        }
    }
    out.trim_end().replace(" \n", "\n")
}

/// The words of the map in one language.
struct Words {
    start: &'static str,
    end: &'static str,
    version: &'static str,
    legend: [&'static str; 5],
}

const ZH: Words = Words {
    start: "开始",
    end: "结束",
    version: "版本",
    legend: ["图例", "步骤（所在泳道为负责部门）", "排他网关 ×", "并行网关 +", "设计的回环（虚线，注明触发条件）"],
};
const EN: Words = Words {
    start: "Start",
    end: "End",
    version: "version",
    legend: [
        "Legend",
        "step (its lane: the owning role)",
        "exclusive gateway ×",
        "parallel gateway +",
        "designed loop (dashed, with when)",
    ],
};

/// The designed map of `process`, names in Chinese when `zh` (where the process has them).
pub fn designed_map(process: &Process, zh: bool) -> Graph {
    let words = if zh { &ZH } else { &EN };
    let g = &process.graph.graph;
    let name = process.display_name(zh);
    let mut map = Graph::new(process.id.clone());
    map.attrs = vec![
        s("label", format!("{name}\n{} {}", words.version, process.version)),
        s("labelloc", "t"),
        s("fontname", FONT),
        s("fontsize", "18"),
        s("rankdir", "LR"),
        s("newrank", "true"),
        s("nodesep", "0.35"),
        s("ranksep", "0.45"),
        s("pad", "0.3"),
    ];
    map.node_defaults = vec![s("fontname", FONT), s("fontsize", "11")];
    map.edge_defaults = vec![s("fontname", FONT), s("fontsize", "9"), s("color", "#444444")];
    let node_id = |n: petgraph::graph::NodeIndex| match g[n] {
        FlowNode::Step(st) => format!("step:{}", process.step(st).id),
        FlowNode::Gateway(i, _) => format!("gateway:{}", process.gateways[i as usize].id),
    };
    for (r, role) in process.roles.iter().enumerate() {
        let mut lane = Graph::new(format!("cluster_lane_{}", role.id));
        lane.attrs = vec![
            s("label", role.display(zh)),
            s("labeljust", "l"),
            s("style", "filled"),
            s("color", "#b0b0b0"),
            s("fillcolor", LANES[r % LANES.len()]),
            s("fontsize", "13"),
        ];
        for step in process.steps.iter().filter(|st| process.role(st.role).id == role.id) {
            lane.node(
                format!("step:{}", step.id),
                vec![
                    s("label", wrap(step.display(zh), if zh { 16 } else { 22 })),
                    s("shape", "box"),
                    s("style", "rounded,filled"),
                    s("fillcolor", "white"),
                ],
            );
        }
        if !lane.items.is_empty() {
            map.items.push(Item::Subgraph(lane));
        }
    }
    for gw in &process.gateways {
        let symbol = match gw.kind {
            GatewayKind::ExclusiveSplit | GatewayKind::ExclusiveJoin => "×",
            GatewayKind::ParallelSplit | GatewayKind::ParallelJoin => "+",
        };
        map.node(
            format!("gateway:{}", gw.id),
            vec![
                s("label", symbol),
                s("shape", "diamond"),
                s("style", "filled"),
                s("fillcolor", "#fff8d6"),
                s("fontsize", "14"),
            ],
        );
    }
    map.node(
        "start",
        vec![s("label", words.start), s("shape", "circle"), s("style", "filled"), s("fillcolor", "#dff0d8")],
    );
    map.node(
        "end",
        vec![s("label", words.end), s("shape", "doublecircle"), s("style", "filled"), s("fillcolor", "#f2dede")],
    );
    map.edge("start", node_id(process.graph.start), vec![]);
    for e in g.edge_references() {
        let (from, to) = (node_id(e.source()), node_id(e.target()));
        match *e.weight() {
            FlowKind::Flow => map.edge(from, to, vec![]),
            FlowKind::Loop(l) => {
                let designed = &process.loops[l.0 as usize];
                let label = designed.when(zh).map_or_else(|| designed.id.clone(), |w| wrap(w, 28));
                map.edge(
                    from,
                    to,
                    vec![
                        s("style", "dashed"),
                        s("color", LOOP),
                        s("fontcolor", LOOP),
                        s("constraint", "false"),
                        s("label", label),
                    ],
                );
            }
        }
    }
    for &end in &process.graph.ends {
        map.edge(node_id(end), "end", vec![]);
    }
    map.items.push(Item::Subgraph(legend(words)));
    map
}

/// A small table of the map's symbols.
fn legend(words: &Words) -> Graph {
    let [title, step, exclusive, parallel, designed] = words.legend;
    let row = |symbol: &str, text: &str| format!("<tr><td>{symbol}</td><td align=\"left\">{}</td></tr>", html(text));
    let table = format!(
        "<table border=\"0\" cellborder=\"1\" cellspacing=\"0\" cellpadding=\"4\"><tr><td colspan=\"2\"><b>{}</b></td></tr>{}{}{}{}</table>",
        html(title),
        row("▭", step),
        row("◇", exclusive),
        row("◇", parallel),
        row("<font color=\"#1f5fbf\">- - →</font>", designed),
    );
    let mut g = Graph::new("cluster_legend");
    g.attrs = vec![s("label", ""), s("color", "white")];
    g.node("legend", vec![("label", Value::Html(table)), s("shape", "plaintext"), s("fontsize", "10")]);
    g
}

#[cfg(test)]
mod tests {
    use super::{designed_map, wrap};
    use crate::model::library;

    #[test]
    fn wraps_chinese_by_width_and_english_at_spaces() {
        assert_eq!(wrap("客户补充或变更诉求后重新流转", 10), "客户补充或\n变更诉求后\n重新流转");
        assert_eq!(wrap("诊断并制定解决方案", 16), "诊断并制定\n解决方案", "balanced lines");
        assert_eq!(wrap("受理投诉", 16), "受理投诉");
        assert_eq!(wrap("the customer adds a request", 14), "the customer\nadds a request");
    }

    #[test]
    fn lanes_steps_loops_and_legend() {
        let lib = library::load(&["processes/complaint-linear.yaml".into()]);
        let dot = designed_map(&lib.processes[0], true).to_dot();
        assert!(dot.contains("subgraph \"cluster_lane_expert\" {\n    label=\"后台网络专家\";"), "{dot}");
        assert!(dot.contains("\"step:diagnose\" [label=\"诊断并制定\\n解决方案\""), "{dot}");
        assert!(dot.contains("\"step:reply-customer\" -> \"step:diagnose\" [style=\"dashed\""), "the designed loop");
        assert!(dot.contains("\"start\" -> \"step:receive\";") && dot.contains("\"step:close\" -> \"end\";"));
        assert!(dot.contains("label=\"投诉处理流程（线性）\\n版本 1.0\";"), "{dot}");
        let en = designed_map(&lib.processes[0], false).to_dot();
        assert!(en.contains("label=\"Backend network expert\""), "{en}");
        assert!(en.contains("label=\"Diagnose and\\nwrite solution\""), "{en}");
    }
}
