//! A YAML document as a tree of nodes that remember where they were written.
//!
//! Owns reading YAML text into [`Node`]s with spans, so that every later error can point at
//! `file:line:column`. Built on `saphyr-parser`'s event stream (pure Rust, no recursion), with two
//! budgets that refuse "YAML bombs" with an error instead of a hang: nesting deeper than
//! [`MAX_DEPTH`] and more than [`MAX_NODES`] nodes after alias expansion. Every scalar is kept as
//! text (no implicit booleans or numbers: `version: 1.0` stays `"1.0"`, `NO` stays `"NO"`); the
//! decoder decides what a value means. Cost: O(nodes) time and memory.

use std::collections::BTreeMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span as YamlSpan};

use crate::model::diagnostic::{Code, Diagnostic, Span};

/// Deepest nesting of mappings and sequences accepted.
pub const MAX_DEPTH: usize = 64;
/// Most nodes a document may have once its aliases are expanded.
pub const MAX_NODES: usize = 100_000;

/// One YAML node and where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// What the node holds.
    pub kind: NodeKind,
    /// Where it starts; for scalars it covers the scalar on its first line.
    pub span: Span,
}

/// The three shapes of YAML data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeKind {
    /// Text, exactly as written once YAML quoting is removed, and whether it was plain (unquoted).
    Scalar {
        /// The text.
        text: String,
        /// True for an unquoted scalar (where `~`, `null` and nothing mean "no value").
        plain: bool,
    },
    /// A list.
    Seq(Vec<Node>),
    /// A mapping, entries in file order (duplicate keys are kept for the decoder to report).
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// The text of a scalar node.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// Whether the node is YAML's null (an unquoted empty, `~` or `null`).
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, NodeKind::Scalar { text, plain: true }
            if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// A word for the node's shape, for "expected a list, found a mapping" messages.
    pub fn shape(&self) -> &'static str {
        match self.kind {
            NodeKind::Scalar { .. } if self.is_null() => "nothing",
            NodeKind::Scalar { .. } => "text",
            NodeKind::Seq(_) => "a list",
            NodeKind::Map(_) => "a mapping",
        }
    }
}

/// Why a YAML text could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// What went wrong.
    pub message: String,
    /// Where.
    pub span: Span,
    /// True when a budget (depth, expansion) was exceeded rather than the syntax being wrong.
    pub budget: bool,
}

enum Frame {
    Seq { span: Span, anchor: usize, items: Vec<Node> },
    Map { span: Span, anchor: usize, entries: Vec<(Node, Node)>, key: Option<Node> },
}

fn span_of(s: &YamlSpan, text_len: usize) -> Span {
    let line = u32::try_from(s.start.line()).unwrap_or(u32::MAX);
    let column = u32::try_from(s.start.col() + 1).unwrap_or(u32::MAX);
    let len = if s.end.line() == s.start.line() { s.end.col().saturating_sub(s.start.col()) } else { text_len };
    Span::new(line, column, u32::try_from(len).unwrap_or(1))
}

fn count(node: &Node) -> usize {
    match &node.kind {
        NodeKind::Scalar { .. } => 1,
        NodeKind::Seq(items) => 1 + items.iter().map(count).sum::<usize>(),
        NodeKind::Map(entries) => 1 + entries.iter().map(|(k, v)| count(k) + count(v)).sum::<usize>(),
    }
}

/// Parses one YAML document into a [`Node`] tree.
///
/// Returns `Ok(None)` for a file with no document (empty or only comments). More than one document
/// (`---` twice) is an error: a process file holds one process.
///
/// # Example
/// ```
/// use flowaudit::model::yaml::{parse, NodeKind};
/// let node = parse("id: complaint\nsteps: [a, b]\n").unwrap().unwrap();
/// assert!(matches!(node.kind, NodeKind::Map(ref e) if e.len() == 2));
/// ```
pub fn parse(text: &str) -> Result<Option<Node>, YamlError> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: BTreeMap<usize, Node> = BTreeMap::new();
    let mut root: Option<Node> = None;
    let mut nodes = 0usize;
    let mut documents = 0usize;
    let budget = |message: String, span: Span| YamlError { message, span, budget: true };

    while let Some(event) = parser.next_event() {
        let (event, yspan) = event.map_err(|e| YamlError {
            message: e.info().to_owned(),
            span: Span::new(
                u32::try_from(e.marker().line()).unwrap_or(u32::MAX),
                u32::try_from(e.marker().col() + 1).unwrap_or(u32::MAX),
                1,
            ),
            budget: false,
        })?;
        let span = span_of(&yspan, 1);
        let complete: Option<(Node, usize)> = match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(YamlError {
                        message: "more than one YAML document in the file; keep one process (or one map) per file"
                            .to_owned(),
                        span,
                        budget: false,
                    });
                }
                None
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(budget(format!("YAML nested deeper than {MAX_DEPTH} levels"), span));
                }
                nodes += 1;
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq { span, anchor, items: Vec::new() }
                } else {
                    Frame::Map { span, anchor, entries: Vec::new(), key: None }
                });
                None
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Frame::Seq { span, anchor, items }) => Some((Node { kind: NodeKind::Seq(items), span }, anchor)),
                Some(Frame::Map { span, anchor, entries, .. }) => {
                    Some((Node { kind: NodeKind::Map(entries), span }, anchor))
                }
                None => None,
            },
            Event::Scalar(text, style, anchor, _) => {
                nodes += 1;
                let chars = text.chars().count();
                let plain = style == ScalarStyle::Plain;
                let span = span_of(&yspan, chars.max(1));
                Some((Node { kind: NodeKind::Scalar { text: text.into_owned(), plain }, span }, anchor))
            }
            Event::Alias(id) => {
                let Some(target) = anchors.get(&id) else {
                    return Err(YamlError { message: "alias to an unknown anchor".to_owned(), span, budget: false });
                };
                nodes += count(target);
                if nodes > MAX_NODES {
                    return Err(budget(
                        format!("YAML aliases expand to more than {MAX_NODES} nodes (an alias bomb?)"),
                        span,
                    ));
                }
                let mut copy = target.clone();
                copy.span = span;
                Some((copy, 0))
            }
            _ => None,
        };
        if nodes > MAX_NODES {
            return Err(budget(format!("YAML document has more than {MAX_NODES} nodes"), span));
        }
        if let Some((node, anchor)) = complete {
            if anchor != 0 {
                anchors.insert(anchor, node.clone());
            }
            match stack.last_mut() {
                Some(Frame::Seq { items, .. }) => items.push(node),
                Some(Frame::Map { entries, key, .. }) => match key.take() {
                    Some(k) => entries.push((k, node)),
                    None => *key = Some(node),
                },
                None => root = Some(node),
            }
        }
    }
    Ok(root)
}

/// The root node of a side file's YAML (time limits, grading, benchmark values), or the
/// diagnostic that says why there is none: an empty file (with `empty_help`, what the file
/// holds), a syntax error or a budget overrun at its place.
pub fn root(text: &str, name: &str, empty_help: &str) -> Result<Node, Diagnostic> {
    match parse(text) {
        Ok(Some(root)) => Ok(root),
        Ok(None) => {
            Err(Diagnostic::error(Code::YamlSyntax, name, Some(Span::START), "the file is empty").with_help(empty_help))
        }
        Err(e) => {
            let code = if e.budget { Code::YamlBudget } else { Code::YamlSyntax };
            Err(Diagnostic::error(code, name, Some(e.span), e.message))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{MAX_DEPTH, NodeKind, parse};

    #[test]
    fn scalars_stay_text_and_remember_their_place() {
        let node = parse("a: 1.0\nb: 'NO'\n").unwrap().unwrap();
        let NodeKind::Map(entries) = node.kind else { panic!("not a map") };
        assert_eq!(entries[0].1.as_str(), Some("1.0"));
        assert_eq!(entries[1].1.as_str(), Some("NO"));
        assert_eq!((entries[1].1.span.line, entries[1].1.span.column), (2, 4));
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        let err = parse(&text).unwrap_err();
        assert!(err.budget, "{err:?}");
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let names = ["b", "c", "d", "e", "f", "g", "h"];
        let mut prev = "a";
        for n in names {
            let refs = vec![format!("*{prev}"); 10].join(", ");
            text += &[n, ": &", n, " [", &refs, "]\n"].concat();
            prev = n;
        }
        let err = parse(&text).unwrap_err();
        assert!(err.budget && err.message.contains("alias"), "{err:?}");
    }

    #[test]
    fn empty_file_has_no_document() {
        assert_eq!(parse("# only a comment\n").unwrap(), None);
    }
}
