//! Typed decoding of [`Node`] trees into the format's mirror types, collecting every problem.
//!
//! Owns the shared checks of all our YAML files: the shape of a value, unknown keys (with a "did you
//! mean"), duplicate and missing keys, ids, and lists of text. Decoding never stops at the first
//! problem: each helper records a [`Diagnostic`] and returns `None`, so one run reports all errors.

use crate::model::diagnostic::{Code, Diagnostic, Span, Spanned};
use crate::model::yaml::{Node, NodeKind};

/// Collects diagnostics for one file while it is decoded.
pub struct Decoder<'f> {
    /// The file, as the user named it.
    pub file: &'f str,
    /// Everything found so far.
    pub diagnostics: Vec<Diagnostic>,
}

/// The entries of a mapping whose keys were checked against the allowed set.
pub struct Fields<'n> {
    /// Where the mapping starts.
    pub span: Span,
    entries: Vec<(&'n str, &'n Node)>,
    /// Allowed keys that an unknown key looked like (already reported as a misspelling).
    misspelt: Vec<&'static str>,
}

impl<'n> Fields<'n> {
    /// Whether an unknown key of this mapping looked like `key` (and was reported as such).
    pub fn was_misspelt(&self, key: &str) -> bool {
        self.misspelt.contains(&key)
    }

    /// The value under `key`, if present and not null.
    pub fn get(&self, key: &str) -> Option<&'n Node> {
        self.entries.iter().find(|(k, _)| *k == key).map(|(_, v)| *v).filter(|v| !v.is_null())
    }
}

/// The closest of `candidates` to `word`, when it is close enough to be a likely misspelling.
///
/// Cost: O(candidates x |word| x |candidate|).
pub fn did_you_mean<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (edit_distance(&word.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

/// Edit distance between two strings, counted in characters, where swapping two neighbours costs
/// one edit (optimal string alignment), so `nmae` is one edit from `name`.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        for j in 0..=b.len() {
            d[i * w + j] = if i == 0 || j == 0 {
                i + j
            } else {
                let mut v = (d[(i - 1) * w + j - 1] + usize::from(a[i - 1] != b[j - 1]))
                    .min(d[(i - 1) * w + j] + 1)
                    .min(d[i * w + j - 1] + 1);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    v = v.min(d[(i - 2) * w + j - 2] + 1);
                }
                v
            };
        }
    }
    d[a.len() * w + b.len()]
}

/// A help text "did you mean `x`?" or, failing a close match, the list of what is allowed.
pub fn suggest(word: &str, candidates: &[&str]) -> String {
    match did_you_mean(word, candidates.iter().copied()) {
        Some(c) => format!("did you mean `{c}`?"),
        None if candidates.is_empty() => "there is nothing of that kind to refer to yet".to_owned(),
        None if candidates.len() <= 12 => format!("expected one of: {}", candidates.join(", ")),
        None => format!("expected one of: {}, ...", candidates[..12].join(", ")),
    }
}

impl<'f> Decoder<'f> {
    /// A decoder for `file`.
    pub fn new(file: &'f str) -> Self {
        Decoder { file, diagnostics: Vec::new() }
    }

    /// Records an error.
    pub fn error(&mut self, code: Code, span: Span, message: impl Into<String>, help: Option<String>) {
        let mut d = Diagnostic::error(code, self.file, Some(span), message);
        d.help = help;
        self.diagnostics.push(d);
    }

    /// Records a warning.
    pub fn warning(&mut self, code: Code, span: Span, message: impl Into<String>, help: Option<String>) {
        let mut d = Diagnostic::warning(code, self.file, Some(span), message);
        d.help = help;
        self.diagnostics.push(d);
    }

    /// Whether any error (not warning) was recorded.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// Checks that `node` is a mapping whose keys are all in `allowed` and none repeats.
    ///
    /// `what` names the thing for messages ("step `receive`"). Unknown and repeated keys are
    /// reported and left out; the rest are returned.
    pub fn fields<'n>(&mut self, node: &'n Node, what: &str, allowed: &[&'static str]) -> Option<Fields<'n>> {
        let NodeKind::Map(entries) = &node.kind else {
            self.error(
                Code::WrongType,
                node.span,
                format!("{what} must be a mapping of keys to values, found {}", node.shape()),
                Some(format!("write it as `key: value` lines; allowed keys: {}", allowed.join(", "))),
            );
            return None;
        };
        let mut out: Vec<(&'n str, &'n Node)> = Vec::with_capacity(entries.len());
        let mut misspelt = Vec::new();
        for (key, value) in entries {
            let Some(name) = key.as_str() else {
                self.error(Code::WrongType, key.span, format!("a key in {what} must be text"), None);
                continue;
            };
            if !allowed.contains(&name) {
                misspelt.extend(did_you_mean(name, allowed.iter().copied()));
                self.error(
                    Code::UnknownKey,
                    key.span,
                    format!("unknown key `{name}` in {what}"),
                    Some(suggest(name, allowed)),
                );
            } else if out.iter().any(|(k, _)| *k == name) {
                self.error(
                    Code::DuplicateKey,
                    key.span,
                    format!("key `{name}` appears twice in {what}"),
                    Some("keep one of them".to_owned()),
                );
            } else {
                out.push((name, value));
            }
        }
        Some(Fields { span: node.span, entries: out, misspelt })
    }

    /// The value under `key`, or an error saying it is required (unless a misspelling of `key` was
    /// reported already: one mistake, one error).
    pub fn required<'n>(&mut self, fields: &Fields<'n>, key: &str, what: &str, help: &str) -> Option<&'n Node> {
        let v = fields.get(key);
        if v.is_none() && !fields.was_misspelt(key) {
            self.error(Code::MissingKey, fields.span, format!("{what} has no `{key}`"), Some(help.to_owned()));
        }
        v
    }

    /// The text of a scalar, or an error when `node` is a list or mapping.
    pub fn text(&mut self, node: &Node, what: &str) -> Option<Spanned<String>> {
        if let Some(t) = node.as_str() {
            Some(Spanned { value: t.to_owned(), span: node.span })
        } else {
            self.error(Code::WrongType, node.span, format!("{what} must be text, found {}", node.shape()), None);
            None
        }
    }

    /// The optional text under `key`.
    pub fn opt_text(&mut self, fields: &Fields<'_>, key: &str, what: &str) -> Option<Spanned<String>> {
        fields.get(key).and_then(|n| self.text(n, &format!("`{key}` of {what}")))
    }

    /// An identifier: text of letters, digits, `-` and `_`, starting with a letter or digit.
    pub fn id(&mut self, node: &Node, what: &str) -> Option<Spanned<String>> {
        let t = self.text(node, what)?;
        let ok = t.value.chars().next().is_some_and(char::is_alphanumeric)
            && t.value.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_');
        if ok {
            Some(t)
        } else {
            self.error(
                Code::InvalidValue,
                t.span,
                format!("`{}` is not a valid {what}", t.value),
                Some("use letters, digits, `-` and `_` only, e.g. `expert-diagnose`".to_owned()),
            );
            None
        }
    }

    /// A list of text: either a YAML list of scalars or a single scalar (a list of one).
    pub fn text_list(&mut self, node: &Node, what: &str) -> Vec<Spanned<String>> {
        match &node.kind {
            NodeKind::Seq(items) => items.iter().filter_map(|n| self.text(n, what)).collect(),
            NodeKind::Scalar { .. } => self.text(node, what).into_iter().collect(),
            NodeKind::Map(_) => {
                self.error(Code::WrongType, node.span, format!("{what} must be a list, found a mapping"), None);
                Vec::new()
            }
        }
    }

    /// The items of a list, or an error when `node` is not a list.
    pub fn list<'n>(&mut self, node: &'n Node, what: &str) -> &'n [Node] {
        if let NodeKind::Seq(items) = &node.kind {
            items
        } else {
            self.error(Code::WrongType, node.span, format!("{what} must be a list, found {}", node.shape()), None);
            &[]
        }
    }

    /// One of `allowed` values, with a "did you mean" when it is not.
    pub fn choice(&mut self, node: &Node, what: &str, allowed: &[&str]) -> Option<Spanned<String>> {
        let t = self.text(node, what)?;
        if allowed.contains(&t.value.as_str()) {
            Some(t)
        } else {
            self.error(
                Code::InvalidValue,
                t.span,
                format!("`{}` is not a {what}", t.value),
                Some(suggest(&t.value, allowed)),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{did_you_mean, edit_distance};

    #[test]
    fn distances() {
        assert_eq!(edit_distance("nmae", "name"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("投诉", "投诉"), 0);
    }

    #[test]
    fn suggestions_are_close_only() {
        assert_eq!(did_you_mean("rol", ["role", "roles", "steps"]), Some("role"));
        assert_eq!(did_you_mean("xyz", ["role", "steps"]), None);
    }
}
