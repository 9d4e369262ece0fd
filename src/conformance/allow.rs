//! The allow-list: deviations the process owners accept, read from a YAML file
//! (`check --allow FILE`; format and meaning in `docs/conformance.md`).
//!
//! Owns [`AllowList`] (the file, decoded with every problem at `file:line:column`, like the
//! process files and log profiles: same YAML reader, same decoder, same diagnostics) and
//! [`Allowed`] (the entries of one process, resolved against the steps it knows). An entry for
//! another process is ignored; an entry naming a step the process does not know is an error
//! located at that name, with the known steps as a hint. Cost: O(file) to read, O(entries x steps)
//! to resolve.
//!
//! ```yaml
//! allow:
//!   - process: complaint-linear
//!     skip: soothe-record            # skipping this step is accepted
//!     reason: "simple cases are closed at first line"
//!   - process: complaint-linear
//!     unexpected: [receive]          # an extra (repeated) step that is accepted
//! ```

use std::collections::BTreeSet;
use std::path::Path;

use crate::model::decode::{Decoder, did_you_mean};
use crate::model::diagnostic::{Code, Diagnostic, Span, Spanned};
use crate::model::library::read_text;
use crate::model::yaml::{self, Node};

const KEYS: [&str; 2] = ["allow", "description"];
const ENTRY_KEYS: [&str; 4] = ["process", "skip", "unexpected", "reason"];

/// What an entry accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AllowKind {
    /// Skipping the steps (visible model moves).
    Skip,
    /// The steps' events where the process does not allow them (log moves).
    Unexpected,
}

/// One entry as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowEntry {
    /// The process it is for.
    pub process: Spanned<String>,
    /// What it accepts.
    pub kind: AllowKind,
    /// The steps it names (for a Petri net, transition labels).
    pub steps: Vec<Spanned<String>>,
    /// Why, when said.
    pub reason: Option<String>,
}

/// A decoded allow-list file.
#[derive(Debug, Clone)]
pub struct AllowList {
    /// The file, as the user named it.
    pub file: String,
    /// Its text (for rendering diagnostics).
    pub text: String,
    /// The entries, in file order.
    pub entries: Vec<AllowEntry>,
}

/// An allow-list that could not be used: every problem found, and the text they point into.
#[derive(Debug, Clone)]
pub struct AllowListError {
    /// The problems.
    pub diagnostics: Vec<Diagnostic>,
    /// The file's text, when it could be read.
    pub text: Option<String>,
}

/// The accepted deviations of one process, by step id (net label).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Allowed {
    /// Steps whose skipping is accepted.
    pub skip: BTreeSet<String>,
    /// Steps whose unexpected events are accepted.
    pub unexpected: BTreeSet<String>,
    /// How many entries of the file are for this process.
    pub entries: usize,
}

impl Allowed {
    /// Whether skipping step `label` is accepted.
    pub fn skip_allowed(&self, label: &str) -> bool {
        self.skip.contains(label)
    }

    /// Whether an unexpected event of step `step` (`None`: an activity the process does not
    /// know) is accepted.
    pub fn unexpected_allowed(&self, step: Option<&str>) -> bool {
        step.is_some_and(|s| self.unexpected.contains(s))
    }
}

impl AllowList {
    /// Reads and decodes the allow-list at `path`.
    pub fn load(path: &Path) -> Result<AllowList, AllowListError> {
        let name = path.display().to_string();
        let text = read_text(path, &name).map_err(|d| AllowListError { diagnostics: vec![d], text: None })?;
        AllowList::parse(&name, text)
    }

    /// Decodes allow-list `text`, read from the file shown as `name`.
    ///
    /// # Example
    /// ```
    /// use flowaudit::conformance::allow::AllowList;
    /// let list = AllowList::parse("allow.yaml", "allow:\n  - process: p\n    skip: b\n".into()).unwrap();
    /// let allowed = list.resolve("p", &["a", "b"], "step").unwrap();
    /// assert!(allowed.skip_allowed("b") && !allowed.skip_allowed("a"));
    /// let err = list.resolve("p", &["a", "c"], "step").unwrap_err();
    /// assert_eq!(err[0].location(), "allow.yaml:3:11");
    /// ```
    pub fn parse(name: &str, text: String) -> Result<AllowList, AllowListError> {
        let fail = |d: Diagnostic, text: String| AllowListError { diagnostics: vec![d], text: Some(text) };
        let root = match yaml::parse(&text) {
            Ok(Some(root)) => root,
            Ok(None) => {
                let d = Diagnostic::error(Code::YamlSyntax, name, Some(Span::START), "the allow-list is empty")
                    .with_help("write `allow:` and one entry per accepted deviation; see docs/conformance.md");
                return Err(fail(d, text));
            }
            Err(e) => {
                let code = if e.budget { Code::YamlBudget } else { Code::YamlSyntax };
                return Err(fail(Diagnostic::error(code, name, Some(e.span), e.message), text));
            }
        };
        let mut d = Decoder::new(name);
        let entries = decode(&mut d, &root);
        if d.has_errors() {
            return Err(AllowListError { diagnostics: d.diagnostics, text: Some(text) });
        }
        Ok(AllowList { file: name.to_owned(), text, entries })
    }

    /// The entries for `process`, resolved against the steps it knows (`known`; for a Petri
    /// net, its transition labels). `noun` names them in messages ("step", "activity"). Entries
    /// for other processes are ignored.
    pub fn resolve(&self, process: &str, known: &[&str], noun: &str) -> Result<Allowed, Vec<Diagnostic>> {
        let mut allowed = Allowed::default();
        let mut errors = Vec::new();
        for e in self.entries.iter().filter(|e| e.process.value == process) {
            allowed.entries += 1;
            for step in &e.steps {
                if known.contains(&step.value.as_str()) {
                    let set = match e.kind {
                        AllowKind::Skip => &mut allowed.skip,
                        AllowKind::Unexpected => &mut allowed.unexpected,
                    };
                    set.insert(step.value.clone());
                    continue;
                }
                let list =
                    if known.len() <= 30 { known.join(", ") } else { format!("{}, ...", known[..30].join(", ")) };
                let help = match did_you_mean(&step.value, known.iter().copied()) {
                    Some(c) => format!("did you mean `{c}`? the {noun}s of `{process}` are: {list}"),
                    None => format!("the {noun}s of `{process}` are: {list}"),
                };
                errors.push(
                    Diagnostic::error(
                        Code::UnknownReference,
                        &self.file,
                        Some(step.span),
                        format!("process `{process}` has no {noun} `{}`", step.value),
                    )
                    .with_help(help),
                );
            }
        }
        if errors.is_empty() { Ok(allowed) } else { Err(errors) }
    }
}

fn decode(d: &mut Decoder<'_>, root: &Node) -> Vec<AllowEntry> {
    let Some(f) = d.fields(root, "the allow-list", &KEYS) else { return Vec::new() };
    let _ = d.opt_text(&f, "description", "the allow-list");
    let Some(list) = d.required(&f, "allow", "the allow-list", "add `allow:` with one entry per accepted deviation")
    else {
        return Vec::new();
    };
    d.list(list, "`allow`").iter().filter_map(|n| entry(d, n)).collect()
}

fn entry(d: &mut Decoder<'_>, node: &Node) -> Option<AllowEntry> {
    let what = "an allow-list entry";
    let f = d.fields(node, what, &ENTRY_KEYS)?;
    let process = d
        .required(&f, "process", what, "add `process: <process id>` (for a Petri net, its file name without .pnml)")
        .and_then(|n| d.text(n, "`process`"));
    let reason = d.opt_text(&f, "reason", what).map(|t| t.value);
    let (kind, steps) = match (f.get("skip"), f.get("unexpected")) {
        (Some(_), Some(u)) => {
            d.error(
                Code::InvalidValue,
                u.span,
                "an entry accepts skipped steps or unexpected ones, not both",
                Some("write two entries, one with `skip:` and one with `unexpected:`".to_owned()),
            );
            return None;
        }
        (Some(s), None) => (AllowKind::Skip, d.text_list(s, "a step id")),
        (None, Some(u)) => (AllowKind::Unexpected, d.text_list(u, "a step id")),
        (None, None) => {
            if !f.was_misspelt("skip") && !f.was_misspelt("unexpected") {
                d.error(
                    Code::MissingKey,
                    f.span,
                    "an allow-list entry has neither `skip` nor `unexpected`",
                    Some("add `skip: <step id>` (a skipped step is accepted) or `unexpected: <step id>`".to_owned()),
                );
            }
            return None;
        }
    };
    if steps.is_empty() {
        d.error(
            Code::MissingKey,
            f.span,
            "an allow-list entry names no step",
            Some("name at least one step id".to_owned()),
        );
        return None;
    }
    Some(AllowEntry { process: process?, kind, steps, reason })
}

#[cfg(test)]
mod tests {
    use super::{AllowKind, AllowList};

    fn errors(text: &str) -> Vec<String> {
        let e = AllowList::parse("a.yaml", text.to_owned()).unwrap_err();
        e.diagnostics.iter().map(|d| format!("{} {} {}", d.location(), d.code.as_str(), d.message)).collect()
    }

    #[test]
    fn reads_entries_and_resolves_them_for_one_process() {
        let text = "# accepted\nallow:\n  - process: p\n    skip: [b, c]\n    reason: short cases\n  - process: q\n    skip: nowhere\n  - process: p\n    unexpected: a\n";
        let list = AllowList::parse("a.yaml", text.to_owned()).unwrap();
        assert_eq!(list.entries.len(), 3);
        assert_eq!(list.entries[0].kind, AllowKind::Skip);
        assert_eq!(list.entries[0].reason.as_deref(), Some("short cases"));
        let p = list.resolve("p", &["a", "b", "c"], "step").unwrap();
        assert_eq!(p.entries, 2);
        assert!(p.skip_allowed("b") && p.skip_allowed("c") && !p.skip_allowed("a"));
        assert!(p.unexpected_allowed(Some("a")) && !p.unexpected_allowed(Some("b")) && !p.unexpected_allowed(None));
        // `q` names a step `p` lacks, but `q` is another process: no error when checking `p`.
        let err = list.resolve("q", &["a"], "step").unwrap_err();
        assert_eq!(err[0].location(), "a.yaml:7:11");
        assert!(err[0].help.as_deref().unwrap().contains("the steps of `q` are: a"), "{err:?}");
        assert_eq!(list.resolve("r", &[], "step").unwrap().entries, 0);
    }

    #[test]
    fn unknown_steps_get_a_suggestion() {
        let list = AllowList::parse("a.yaml", "allow:\n  - process: p\n    skip: diagnoze\n".to_owned()).unwrap();
        let err = list.resolve("p", &["receive", "diagnose"], "step").unwrap_err();
        assert_eq!(err[0].message, "process `p` has no step `diagnoze`");
        assert_eq!(err[0].help.as_deref(), Some("did you mean `diagnose`? the steps of `p` are: receive, diagnose"));
    }

    #[test]
    fn shape_problems_are_located() {
        assert_eq!(errors(""), ["a.yaml:1:1 yaml-syntax the allow-list is empty"]);
        assert_eq!(
            errors("allow: [\n"),
            ["a.yaml:2:1 yaml-syntax while parsing a node, did not find expected node content"]
        );
        assert_eq!(
            errors("allow:\n  - process: p\n    skip: a\n    unexpected: b\n"),
            ["a.yaml:4:17 invalid-value an entry accepts skipped steps or unexpected ones, not both"]
        );
        assert_eq!(
            errors("allow:\n  - process: p\n    reason: x\n"),
            ["a.yaml:2:5 missing-key an allow-list entry has neither `skip` nor `unexpected`"]
        );
        assert_eq!(
            errors("allow:\n  - proces: p\n    skip: a\n")[0],
            "a.yaml:2:5 unknown-key unknown key `proces` in an allow-list entry"
        );
        assert_eq!(errors("allowed: []\n")[0], "a.yaml:1:1 unknown-key unknown key `allowed` in the allow-list");
        assert_eq!(errors("allow: {p: a}\n"), ["a.yaml:1:8 wrong-type `allow` must be a list, found a mapping"]);
    }
}
