//! Located diagnostics: what is wrong with an input file, where (file, line, column) and how to fix it.
//!
//! Owns the [`Diagnostic`] type every loader reports through, its stable [`Code`]s (documented in
//! `docs/process-format.md`), and the rustc-style text rendering with a source excerpt. Rendering
//! costs O(lines of the file) per diagnostic for the line lookup; files are small.

use std::fmt::Write as _;
use std::io;

use serde::Serialize;
use unicode_width::UnicodeWidthStr;

/// A position in a text file: 1-based line and column (columns count characters, not bytes), and
/// how many characters the offending text covers on that line (at least 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    /// 1-based line number.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// Length in characters of the marked text on `line` (at least 1).
    #[serde(skip)]
    pub len: u32,
}

impl Span {
    /// The start of a file (line 1, column 1).
    pub const START: Span = Span { line: 1, column: 1, len: 1 };

    /// A span at `line`:`column` covering `len` characters.
    pub fn new(line: u32, column: u32, len: u32) -> Self {
        Span { line, column, len: len.max(1) }
    }
}

/// A value read from a file, with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it stands in its file.
    pub span: Span,
}

/// How bad a diagnostic is: errors make `validate` exit 2, warnings are shown and do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The file cannot be used as it is.
    Error,
    /// The file can be used, but something in it deserves a look.
    Warning,
}

/// Stable machine-readable identifier of a kind of problem (shown as `error[unknown-key]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    /// The file could not be read.
    Io,
    /// The file is larger than a process definition can sensibly be.
    TooLarge,
    /// The text is not valid YAML.
    YamlSyntax,
    /// The YAML nests too deeply or its aliases expand too far (a "YAML bomb").
    YamlBudget,
    /// A mapping has the same key twice.
    DuplicateKey,
    /// A value has the wrong shape (mapping, list or text expected).
    WrongType,
    /// A key that the format does not know.
    UnknownKey,
    /// A required key is absent.
    MissingKey,
    /// A value outside its allowed set or format.
    InvalidValue,
    /// Two things of the same kind share an id.
    DuplicateId,
    /// A reference to a step, role, gateway, process, business or channel that does not exist.
    UnknownReference,
    /// A process id that differs from its file's name.
    IdMismatch,
    /// A flow line that cannot be read.
    BadFlow,
    /// The process has no `start`.
    MissingStart,
    /// The process has no `end`.
    MissingEnd,
    /// A step no path from the start reaches.
    UnreachableStep,
    /// A step from which no end can be reached.
    NoPathToEnd,
    /// A step without an owning role.
    MissingOwner,
    /// A gateway with the wrong number of incoming or outgoing flows.
    GatewayDegree,
    /// A parallel split whose branches do not meet in one parallel join.
    UnbalancedParallel,
    /// A cycle in the flow that is not declared under `loops:`.
    UndeclaredCycle,
    /// A declared loop that does not go back, or leaves a parallel block.
    InvalidLoop,
    /// A log label (alias, name) claimed by two steps.
    AliasConflict,
    /// The same flow written twice.
    DuplicateFlow,
    /// A role no step uses.
    UnusedRole,
    /// A touchpoint without a process: a management blind spot.
    BlindSpot,
    /// A business x channel cell mapped to more than one process.
    DuplicateTouchpoint,
    /// A range (of dates, or a working interval) that ends before it starts.
    ReversedRange,
    /// Working intervals of one day that overlap or are out of order.
    OverlappingHours,
    /// A date that a calendar both gives off and has worked, or works two ways.
    DateConflict,
    /// A date a calendar lists twice, or a make-up working day already worked with those hours.
    DuplicateDate,
}

impl Code {
    /// The kebab-case name shown in messages and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Io => "io",
            Code::TooLarge => "too-large",
            Code::YamlSyntax => "yaml-syntax",
            Code::YamlBudget => "yaml-budget",
            Code::DuplicateKey => "duplicate-key",
            Code::WrongType => "wrong-type",
            Code::UnknownKey => "unknown-key",
            Code::MissingKey => "missing-key",
            Code::InvalidValue => "invalid-value",
            Code::DuplicateId => "duplicate-id",
            Code::UnknownReference => "unknown-reference",
            Code::IdMismatch => "id-mismatch",
            Code::BadFlow => "bad-flow",
            Code::MissingStart => "missing-start",
            Code::MissingEnd => "missing-end",
            Code::UnreachableStep => "unreachable-step",
            Code::NoPathToEnd => "no-path-to-end",
            Code::MissingOwner => "missing-owner",
            Code::GatewayDegree => "gateway-degree",
            Code::UnbalancedParallel => "unbalanced-parallel",
            Code::UndeclaredCycle => "undeclared-cycle",
            Code::InvalidLoop => "invalid-loop",
            Code::AliasConflict => "alias-conflict",
            Code::DuplicateFlow => "duplicate-flow",
            Code::UnusedRole => "unused-role",
            Code::BlindSpot => "blind-spot",
            Code::DuplicateTouchpoint => "duplicate-touchpoint",
            Code::ReversedRange => "reversed-range",
            Code::OverlappingHours => "overlapping-hours",
            Code::DateConflict => "date-conflict",
            Code::DuplicateDate => "duplicate-date",
        }
    }
}

/// One problem found in one input file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What kind of problem.
    pub code: Code,
    /// The file, as the user named it.
    pub file: String,
    /// Where in the file, when the problem has a place.
    #[serde(flatten)]
    pub span: Option<Span>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error at `span` of `file`.
    pub fn error(code: Code, file: &str, span: Option<Span>, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Error, code, file: file.to_owned(), span, message: message.into(), help: None }
    }

    /// A warning at `span` of `file`.
    pub fn warning(code: Code, file: &str, span: Option<Span>, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(code, file, span, message) }
    }

    /// The same diagnostic with a hint on how to fix it.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Whether this is an error (not a warning).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:column`, or the file alone when the problem has no place.
    pub fn location(&self) -> String {
        match self.span {
            Some(s) => format!("{}:{}:{}", self.file, s.line, s.column),
            None => self.file.clone(),
        }
    }

    /// Renders the diagnostic as text, rustc-style, with the offending line of `source` (the file's
    /// text, when available) and a caret under the marked characters.
    ///
    /// ```text
    /// error[unknown-key]: unknown key `nmae` in step `receive`
    ///   --> processes/complaint-linear.yaml:12:5
    ///    |
    /// 12 |     nmae: Receive
    ///    |     ^^^^
    ///    = help: did you mean `name`?
    /// ```
    pub fn render(&self, source: Option<&str>) -> String {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut out = format!("{severity}[{}]: {}\n", self.code.as_str(), self.message);
        let line_text = self.span.and_then(|s| source.and_then(|src| src.lines().nth(s.line as usize - 1)));
        let gutter = self.span.map_or(1, |s| s.line.to_string().len());
        let pad = " ".repeat(gutter);
        let _ = writeln!(out, "{pad}--> {}", self.location());
        if let (Some(span), Some(text)) = (self.span, line_text) {
            let text = text.trim_end_matches('\r');
            let before: String = text.chars().take(span.column as usize - 1).collect();
            let marked: String = text.chars().skip(span.column as usize - 1).take(span.len as usize).collect();
            let indent = " ".repeat(before.width());
            let carets = "^".repeat(marked.width().max(1));
            let _ = writeln!(out, "{pad} |");
            let _ = writeln!(out, "{} | {text}", span.line);
            let _ = writeln!(out, "{pad} | {indent}{carets}");
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "{pad} = help: {help}");
        }
        out
    }
}

/// Writes diagnostics as text, each with its source excerpt, looked up by file in `sources`.
pub fn write_text<'a>(
    w: &mut impl io::Write,
    diagnostics: &[Diagnostic],
    sources: impl Fn(&str) -> Option<&'a str>,
) -> io::Result<()> {
    for d in diagnostics {
        writeln!(w, "{}", d.render(sources(&d.file)))?;
    }
    Ok(())
}

/// Sorts diagnostics by file, line, column, then code, so output is deterministic.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| (&a.file, a.span, a.code, &a.message).cmp(&(&b.file, b.span, b.code, &b.message)));
}

/// A side file (time limits, grading rules, benchmark values) that could not be used: every
/// problem, and the text they point into (for showing the lines).
#[derive(Debug, Clone)]
pub struct FileErrors {
    /// The problems.
    pub diagnostics: Vec<Diagnostic>,
    /// The file's text, when it could be read.
    pub text: Option<String>,
}
