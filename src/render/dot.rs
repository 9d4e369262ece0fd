//! Our own deterministic DOT writer: graphs, clusters, nodes and edges with attributes, written
//! in the order they were added, with one escaping function for quoted strings and one for
//! HTML-like labels.
//!
//! Owns [`Graph`], [`Item`], [`Value`], [`quote`], [`html`] and [`push_html`] (the HTML escapes,
//! which the report pages share). Callers add items in a sorted, stable order and get
//! byte-identical DOT for the same input (petgraph's `Dot` is a debugging aid whose output may
//! change). Every identifier and string value is written quoted, so labels
//! in Chinese, with quotes, backslashes or newlines need no care from callers. O(size of the
//! output).

use std::fmt::Write as _;

/// An attribute value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A string, written quoted and escaped (`\n` in it is a line break of the label).
    Str(String),
    /// An HTML-like label, written between `<` and `>` as it is: build it with [`html`].
    Html(String),
}

/// `key=value` pairs, in the order written.
pub type Attrs = Vec<(&'static str, Value)>;

/// A string attribute.
pub fn s(key: &'static str, value: impl Into<String>) -> (&'static str, Value) {
    (key, Value::Str(value.into()))
}

/// Something a graph holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A node and its attributes.
    Node(String, Attrs),
    /// An edge from, to, and its attributes.
    Edge(String, String, Attrs),
    /// A subgraph (a cluster when its id starts with `cluster`).
    Subgraph(Graph),
}

/// A graph or subgraph.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Graph {
    /// Its id.
    pub id: String,
    /// Graph attributes.
    pub attrs: Attrs,
    /// Attributes every node gets unless it says otherwise.
    pub node_defaults: Attrs,
    /// Attributes every edge gets unless it says otherwise.
    pub edge_defaults: Attrs,
    /// Nodes, edges and subgraphs, in order.
    pub items: Vec<Item>,
}

/// `text` as a DOT quoted string: `"` and `\` escaped, line breaks as `\n` (a centred line of
/// the label), carriage returns dropped.
///
/// # Example
/// ```
/// use flowaudit::render::dot::quote;
/// assert_eq!(quote(r#"反馈"专家"\n"#), r#""反馈\"专家\"\\n""#);
/// assert_eq!(quote("a\nb"), r#""a\nb""#);
/// ```
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `text` escaped for the inside of an HTML-like label (`&`, `<`, `>`, `"`, `'`; line breaks as
/// `<br/>`).
///
/// # Example
/// ```
/// use flowaudit::render::dot::html;
/// assert_eq!(html("<a & 'b'>\nc"), "&lt;a &amp; &#39;b&#39;&gt;<br/>c");
/// ```
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("<br/>"),
            '\r' => {}
            c => push_html(&mut out, c),
        }
    }
    out
}

/// Pushes `c` onto `out`, escaped for HTML text and attribute values: `&`, `<`, `>`, `"` and
/// `'` become entities, everything else stays. The one table of HTML escapes, shared by
/// [`html`] and [`crate::report::html::escape`].
pub fn push_html(out: &mut String, c: char) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' => out.push_str("&quot;"),
        '\'' => out.push_str("&#39;"),
        c => out.push(c),
    }
}

/// `key=value`.
fn pair(out: &mut String, key: &str, v: &Value) {
    out.push_str(key);
    out.push('=');
    match v {
        Value::Str(s) => out.push_str(&quote(s)),
        Value::Html(h) => {
            out.push('<');
            out.push_str(h);
            out.push('>');
        }
    }
}

/// ` [k=v, ...]`, or nothing for no attributes.
fn attrs(out: &mut String, list: &Attrs) {
    if list.is_empty() {
        return;
    }
    out.push_str(" [");
    for (i, (k, v)) in list.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        pair(out, k, v);
    }
    out.push(']');
}

impl Graph {
    /// A graph with this id.
    pub fn new(id: impl Into<String>) -> Graph {
        Graph { id: id.into(), ..Graph::default() }
    }

    /// Adds a node.
    pub fn node(&mut self, id: impl Into<String>, a: Attrs) {
        self.items.push(Item::Node(id.into(), a));
    }

    /// Adds an edge.
    pub fn edge(&mut self, from: impl Into<String>, to: impl Into<String>, a: Attrs) {
        self.items.push(Item::Edge(from.into(), to.into(), a));
    }

    /// The graph as a `digraph` in DOT.
    pub fn to_dot(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "digraph {} {{", quote(&self.id));
        self.body(&mut out, 1);
        out.push_str("}\n");
        out
    }

    fn body(&self, out: &mut String, depth: usize) {
        let pad = "  ".repeat(depth);
        for (k, v) in &self.attrs {
            out.push_str(&pad);
            pair(out, k, v);
            out.push_str(";\n");
        }
        for (what, defaults) in [("node", &self.node_defaults), ("edge", &self.edge_defaults)] {
            if !defaults.is_empty() {
                out.push_str(&pad);
                out.push_str(what);
                attrs(out, defaults);
                out.push_str(";\n");
            }
        }
        for item in &self.items {
            out.push_str(&pad);
            match item {
                Item::Node(id, a) => {
                    out.push_str(&quote(id));
                    attrs(out, a);
                    out.push_str(";\n");
                }
                Item::Edge(from, to, a) => {
                    out.push_str(&quote(from));
                    out.push_str(" -> ");
                    out.push_str(&quote(to));
                    attrs(out, a);
                    out.push_str(";\n");
                }
                Item::Subgraph(g) => {
                    let _ = writeln!(out, "subgraph {} {{", quote(&g.id));
                    g.body(out, depth + 1);
                    out.push_str(&pad);
                    out.push_str("}\n");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Graph, Item, Value, s};

    #[test]
    fn writes_in_order_with_every_string_quoted() {
        let mut g = Graph::new("p");
        g.attrs.push(s("rankdir", "LR"));
        g.node_defaults.push(s("shape", "box"));
        let mut lane = Graph::new("cluster_a");
        lane.attrs.push(s("label", "一线\"坐席\""));
        lane.node("x", vec![s("label", "受理\\投诉")]);
        g.items.push(Item::Subgraph(lane));
        g.edge("x", "y z", vec![("label", Value::Html("<b>1</b>".into()))]);
        assert_eq!(
            g.to_dot(),
            "digraph \"p\" {\n  rankdir=\"LR\";\n  node [shape=\"box\"];\n  subgraph \"cluster_a\" {\n    label=\"一线\\\"坐席\\\"\";\n    \"x\" [label=\"受理\\\\投诉\"];\n  }\n  \"x\" -> \"y z\" [label=<<b>1</b>>];\n}\n"
        );
    }
}

/// Our DOT read back by the design card's crate (graphviz-rust): every label comes back as it was
/// written, whatever it holds.
#[cfg(test)]
mod parse_back {
    use graphviz_rust::dot_structures::{Attribute, Graph as Parsed, Id, Stmt};
    use proptest::prelude::*;

    use super::{Graph, Item, s};
    use crate::model::library;
    use crate::render::process_map::designed_map;

    /// The text of a quoted DOT string as DOT reads it.
    fn unquote(raw: &str) -> String {
        let inner = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')).unwrap_or(raw);
        let mut out = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n') => out.push('\n'),
                    Some(other) => out.push(other),
                    None => out.push('\\'),
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    /// Every `label` of a node, anywhere in `stmts`, by node id.
    fn labels(stmts: &[Stmt], out: &mut Vec<(String, String)>) {
        for st in stmts {
            match st {
                Stmt::Node(n) => {
                    let Id::Escaped(id) = &n.id.0 else { continue };
                    for Attribute(k, v) in &n.attributes {
                        if let (Id::Plain(k), Id::Escaped(v)) = (k, v)
                            && k == "label"
                        {
                            out.push((unquote(id), unquote(v)));
                        }
                    }
                }
                Stmt::Subgraph(g) => labels(&g.stmts, out),
                _ => {}
            }
        }
    }

    fn parsed_labels(dot: &str) -> Vec<(String, String)> {
        let parsed = graphviz_rust::parse(dot).unwrap_or_else(|e| panic!("{e}\n{dot}"));
        let Parsed::DiGraph { stmts, .. } = parsed else { panic!("not a digraph") };
        let mut out = Vec::new();
        labels(&stmts, &mut out);
        out
    }

    #[test]
    fn every_shipped_map_parses_back_with_its_names() {
        let lib = library::load(&["processes".into()]);
        for p in &lib.processes {
            for zh in [true, false] {
                let dot = designed_map(p, zh).to_dot();
                let got = parsed_labels(&dot);
                for step in &p.steps {
                    let (_, label) = got
                        .iter()
                        .find(|(id, _)| *id == format!("step:{}", step.id))
                        .unwrap_or_else(|| panic!("{}: no node for {}", p.id, step.id));
                    // Wrapping only adds line breaks (at spaces or between Chinese characters).
                    let bare = |t: &str| t.chars().filter(|c| !c.is_whitespace()).collect::<String>();
                    assert_eq!(bare(label), bare(step.display(zh)), "{}", p.id);
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn any_label_comes_back_as_written(label in "[a-z \"\\\\\\n\\r{}<>;=,'一-龥（）]{0,24}", id in "[a-z\"\\\\ 一-龥]{1,8}") {
            let mut g = Graph::new("g");
            let mut lane = Graph::new("cluster_x");
            lane.attrs.push(s("label", label.clone()));
            lane.node(id.clone(), vec![s("label", label.clone())]);
            g.items.push(Item::Subgraph(lane));
            g.edge(id.clone(), "end", vec![s("label", label.clone())]);
            let got = parsed_labels(&g.to_dot());
            prop_assert_eq!(got, vec![(id, label.replace('\r', ""))]);
        }
    }
}
