//! Flow lines: `receive -> record -> diagnose | reply -> close`.
//!
//! Owns the small flow language of process files. A line is a chain of stages joined by `->`; a
//! stage is one node id or alternatives joined by `|`. Every node of a stage flows to every node of
//! the next, so `a -> b | c -> d` means a->b, a->c, b->d, c->d: an exclusive choice between `b`
//! and `c`. Each id keeps its own `line:column` so later errors point at it. Cost: O(line length).

use crate::model::decode::Decoder;
use crate::model::diagnostic::{Code, Span, Spanned};

/// One designed flow from one node (step or gateway) to the next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowEdge {
    /// The node the flow leaves.
    pub from: Spanned<String>,
    /// The node it enters.
    pub to: Spanned<String>,
}

/// Where the text of a flow line starts in its file (after an opening quote), when the text
/// stands there as written on one line; `None` for lines YAML folded or unescaped, whose ids are
/// then located at the line's start.
fn content_start(span: Span, value: &str, source: &str) -> Option<Span> {
    let line = source.lines().nth(span.line as usize - 1)?;
    let rest: String = line.chars().skip(span.column as usize - 1).collect();
    let (rest, span) = match rest.chars().next() {
        Some(q @ ('"' | '\'')) => (rest[q.len_utf8()..].to_owned(), Span { column: span.column + 1, ..span }),
        _ => (rest, span),
    };
    rest.starts_with(value).then_some(span)
}

fn is_id(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_alphanumeric)
        && s.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_')
}

/// Parses one flow line into edges, recording a located error for each malformed part.
///
/// # Example
/// ```
/// use flowaudit::model::decode::Decoder;
/// use flowaudit::model::diagnostic::{Span, Spanned};
/// use flowaudit::model::flow::parse_line;
/// let mut d = Decoder::new("p.yaml");
/// let line = Spanned { value: "a -> b | c -> d".to_owned(), span: Span::new(1, 5, 15) };
/// let edges = parse_line(&mut d, &line, "  - a -> b | c -> d\n");
/// assert_eq!(edges.len(), 4);
/// assert_eq!(edges[3].to.span.column, 19);
/// ```
pub fn parse_line(d: &mut Decoder<'_>, line: &Spanned<String>, source: &str) -> Vec<FlowEdge> {
    let start = content_start(line.span, &line.value, source);
    let mut stages: Vec<Vec<Spanned<String>>> = Vec::new();
    let mut offset = 0usize; // characters before the current stage
    let at = |chars: usize, len: usize| match start {
        None => line.span,
        Some(s) => Span::new(s.line, s.column + u32::try_from(chars).unwrap_or(0), u32::try_from(len).unwrap_or(1)),
    };
    let mut ok = true;
    for stage in line.value.split("->") {
        let mut alts = Vec::new();
        let mut alt_offset = offset;
        for alt in stage.split('|') {
            let lead = alt.chars().take_while(|c| c.is_whitespace()).count();
            let token = alt.trim();
            let span = at(alt_offset + lead, token.chars().count());
            if token.is_empty() {
                d.error(
                    Code::BadFlow,
                    span,
                    format!("flow line `{}` has an empty place between `->` or `|`", line.value),
                    Some("write a step or gateway id on each side of every `->` and `|`".to_owned()),
                );
                ok = false;
            } else if !is_id(token) {
                d.error(
                    Code::BadFlow,
                    span,
                    format!("`{token}` in a flow line is not a step or gateway id"),
                    Some(
                        "flow lines join ids with `->` (then) and `|` (or), e.g. `record -> diagnose | reply`"
                            .to_owned(),
                    ),
                );
                ok = false;
            } else {
                alts.push(Spanned { value: token.to_owned(), span });
            }
            alt_offset += alt.chars().count() + 1;
        }
        offset += stage.chars().count() + 2;
        stages.push(alts);
    }
    if stages.len() < 2 {
        d.error(
            Code::BadFlow,
            line.span,
            format!("flow line `{}` has no `->`", line.value),
            Some("a flow line joins at least two ids, e.g. `receive -> record`".to_owned()),
        );
        return Vec::new();
    }
    if !ok {
        return Vec::new();
    }
    let mut edges = Vec::new();
    for pair in stages.windows(2) {
        for from in &pair[0] {
            for to in &pair[1] {
                edges.push(FlowEdge { from: from.clone(), to: to.clone() });
            }
        }
    }
    edges
}

#[cfg(test)]
mod tests {
    use super::parse_line;
    use crate::model::decode::Decoder;
    use crate::model::diagnostic::{Span, Spanned};

    fn parse(text: &str) -> (usize, Vec<String>) {
        let mut d = Decoder::new("t.yaml");
        let source = format!("  - {text}\n");
        let line = Spanned { value: text.to_owned(), span: Span::new(1, 5, 1) };
        let edges = parse_line(&mut d, &line, &source);
        (edges.len(), d.diagnostics.iter().map(|x| format!("{}:{}", x.location(), x.message)).collect())
    }

    #[test]
    fn chains_and_choices() {
        assert_eq!(parse("a -> b -> c").0, 2);
        assert_eq!(parse("a -> b | c | d").0, 3);
    }

    #[test]
    fn errors_point_at_the_token() {
        let (n, errs) = parse("a -> -> c");
        assert_eq!(n, 0);
        assert_eq!(errs, ["t.yaml:1:10:flow line `a -> -> c` has an empty place between `->` or `|`"]);
        let (_, errs) = parse("a -> b c");
        assert_eq!(errs, ["t.yaml:1:10:`b c` in a flow line is not a step or gateway id"]);
    }
}
