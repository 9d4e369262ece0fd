//! Two designed maps in one picture, the first above the second, the steps they share in the
//! same columns, and a caption under both (the comparison's table and the what-if's assumptions).
//!
//! Owns [`side_by_side`] and [`caption`]. Each map keeps its swimlanes inside a cluster of its
//! own; node ids get a prefix (`a/`, `b/`) so that the two maps stay apart, and every step id
//! both processes have (plus start and end) is tied to one rank, which with `rankdir=LR` is one
//! column. Only the first map keeps its legend. O(size of the two maps).

use std::fmt::Write as _;

use crate::render::dot::{Graph, Item, Value, html, s};
use crate::render::table::Table;

/// `g`'s ids with `prefix/` in front (clusters get `cluster_<prefix>_...`); its legend is dropped
/// unless `legend`.
fn prefixed(g: Graph, prefix: &str, legend: bool) -> Graph {
    let id = |n: &str| format!("{prefix}/{n}");
    let items = g
        .items
        .into_iter()
        .filter_map(|item| match item {
            Item::Node(n, a) => Some(Item::Node(id(&n), a)),
            Item::Edge(f, t, a) => Some(Item::Edge(id(&f), id(&t), a)),
            Item::Subgraph(sub) if sub.id == "cluster_legend" && !legend => None,
            Item::Subgraph(mut sub) => {
                let rest = sub.id.strip_prefix("cluster_").map(str::to_owned);
                let sub_id = match rest {
                    Some(rest) => format!("cluster_{prefix}_{rest}"),
                    None => format!("{prefix}_{}", sub.id),
                };
                sub = prefixed(sub, prefix, legend);
                sub.id = sub_id;
                Some(Item::Subgraph(sub))
            }
        })
        .collect();
    Graph { items, ..g }
}

/// The two maps in one picture: `first` above `second` (each a designed map, perhaps with an
/// overlay), the steps named in `shared` (ids without the `step:` prefix) in the same columns,
/// and `caption` (an HTML-like label, see [`caption`]) under both.
pub fn side_by_side(first: Graph, second: Graph, shared: &[String], caption: Option<String>) -> Graph {
    let mut out = Graph::new(format!("{} vs {}", first.id, second.id));
    out.attrs = first.attrs.iter().filter(|(k, _)| *k != "label" && *k != "labelloc").cloned().collect();
    out.attrs.push(s("compound", "true"));
    if let Some(c) = caption {
        out.attrs.push(("label", Value::Html(c)));
        out.attrs.push(s("labelloc", "b"));
        out.attrs.push(s("labeljust", "l"));
    }
    out.node_defaults.clone_from(&first.node_defaults);
    out.edge_defaults.clone_from(&first.edge_defaults);
    let wrap = |g: Graph, prefix: &str, legend: bool| {
        let title = g.attrs.iter().find(|(k, _)| *k == "label").map(|(_, v)| v.clone());
        let mut c = prefixed(g, prefix, legend);
        c.id = format!("cluster_{prefix}");
        c.attrs = vec![
            s("style", "rounded"),
            s("color", "#888888"),
            s("fontsize", "18"),
            s("margin", "12"),
            s("labelloc", "t"),
            s("labeljust", "c"),
        ];
        if let Some(t) = title {
            c.attrs.push(("label", t));
        }
        c.node_defaults.clear();
        c.edge_defaults.clear();
        c
    };
    // Graphviz draws the cluster declared later on top: the second goes first.
    out.items.push(Item::Subgraph(wrap(second, "b", false)));
    out.items.push(Item::Subgraph(wrap(first, "a", true)));
    let tied =
        ["start".to_owned()].into_iter().chain(shared.iter().map(|id| format!("step:{id}"))).chain(["end".to_owned()]);
    for (i, node) in tied.enumerate() {
        let mut rank = Graph::new(format!("rank_{i}"));
        rank.attrs = vec![s("rank", "same")];
        rank.node(format!("a/{node}"), vec![]);
        rank.node(format!("b/{node}"), vec![]);
        out.items.push(Item::Subgraph(rank));
    }
    out
}

/// `table` and `notes` (lines under it) as an HTML-like label: header row bold, numbers right.
pub fn caption(table: &Table, notes: &[String]) -> String {
    let mut out = String::from("<table border=\"0\" cellborder=\"1\" cellspacing=\"0\" cellpadding=\"4\">");
    out.push_str("<tr>");
    for h in &table.headers {
        let _ = write!(out, "<td bgcolor=\"#eeeeee\"><b>{}</b></td>", html(h));
    }
    out.push_str("</tr>");
    for row in &table.rows {
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            let align = if i == 0 { "left" } else { "right" };
            let _ = write!(out, "<td align=\"{align}\">{}</td>", html(cell));
        }
        out.push_str("</tr>");
    }
    for note in notes {
        let _ = write!(
            out,
            "<tr><td colspan=\"{}\" align=\"left\" border=\"0\">{}</td></tr>",
            table.headers.len(),
            html(note)
        );
    }
    out.push_str("</table>");
    out
}

#[cfg(test)]
mod tests {
    use super::{caption, side_by_side};
    use crate::model::library;
    use crate::render::process_map::designed_map;
    use crate::render::table::Table;

    #[test]
    fn shared_steps_share_a_column_and_ids_stay_apart() {
        let lib = library::load(&["processes/complaint-linear.yaml".into(), "processes/complaint-flat.yaml".into()]);
        let (a, b) = (lib.process("complaint-linear").unwrap(), lib.process("complaint-flat").unwrap());
        let shared: Vec<String> = a.steps.iter().filter(|s| b.step_id(&s.id).is_some()).map(|s| s.id.clone()).collect();
        let table = Table { headers: vec!["x".into(), "<a>".into()], rows: vec![vec!["1".into(), "&".into()]] };
        let g =
            side_by_side(designed_map(a, true), designed_map(b, true), &shared, Some(caption(&table, &["n".into()])));
        let dot = g.to_dot();
        assert!(dot.contains("subgraph \"cluster_a_lane_expert\""), "{dot}");
        assert!(dot.contains("\"a/step:reply-customer\" -> \"a/step:diagnose\""), "{dot}");
        assert!(dot.contains("\"b/step:maintenance-report\" -> \"b/step:maintenance-handle\""), "{dot}");
        assert!(dot.contains("rank=\"same\";\n    \"a/step:diagnose\";\n    \"b/step:diagnose\";"), "{dot}");
        assert_eq!(dot.matches("cluster_a_legend").count() + dot.matches("cluster_b_legend").count(), 1);
        assert!(dot.contains("<td align=\"right\">&amp;</td>") && dot.contains("<b>&lt;a&gt;</b>"), "{dot}");
        assert!(dot.find("cluster_b\"").unwrap() < dot.find("cluster_a\"").unwrap(), "the second is declared first");
    }
}
