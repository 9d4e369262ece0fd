//! The process library: every process file and the touchpoint map of a directory, loaded together.
//!
//! Owns finding process files (`*.yaml` and `*.yml` in a directory, sorted by name), reading them
//! with size and YAML budgets, decoding and validating each, checking ids are unique across files,
//! decoding `touchpoints.yaml` against the processes, and resolving a `--process` argument (an id
//! looked up in `processes/`, or a path). Every problem becomes a [`Diagnostic`]; nothing panics.
//! Cost: linear in the total size of the files.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::model::decode::{Decoder, suggest};
use crate::model::diagnostic::{self, Code, Diagnostic, Span};
use crate::model::process::Process;
use crate::model::spec::Class;
use crate::model::touchpoint::{self, TouchpointMap};
use crate::model::{spec, validate, yaml};

/// Largest process or map file read (a real one is a few kilobytes).
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// One file read, kept for quoting in diagnostics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// The path as shown to the user.
    pub name: String,
    /// Its text.
    pub text: String,
}

/// What loading a set of paths produced.
#[derive(Debug, Default)]
pub struct Library {
    /// Valid processes, sorted by id.
    pub processes: Vec<Process>,
    /// The touchpoint map, when one was among the files.
    pub touchpoints: Option<TouchpointMap>,
    /// Files that were read.
    pub sources: Vec<SourceFile>,
    /// Everything found, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// How many process files were read (valid or not).
    pub process_files: usize,
}

impl Library {
    /// Whether any error (not warning) was found.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The text of the file shown as `name`.
    pub fn source(&self, name: &str) -> Option<&str> {
        self.sources.iter().find(|s| s.name == name).map(|s| s.text.as_str())
    }

    /// The process with id `id`.
    pub fn process(&self, id: &str) -> Option<&Process> {
        self.processes.iter().find(|p| p.id == id)
    }
}

/// A `--process` argument that names no process.
#[derive(Debug, Error)]
pub enum ResolveError {
    /// No file for that id in the process directory.
    #[error("no process `{id}` in {dir}: no file {dir}/{id}.yaml{hint}")]
    UnknownId {
        /// The id asked for.
        id: String,
        /// The directory searched.
        dir: String,
        /// A "did you mean" or the list of ids.
        hint: String,
    },
    /// A path that does not exist.
    #[error("{0}: no such file")]
    Missing(String),
}

/// Resolves a `--process` argument: an existing path (anything with a `/` or a file extension is
/// taken as a path), or an id looked up as `<dir>/<id>.yaml` (or `.yml`).
pub fn resolve_process(arg: &str, dir: &Path) -> Result<PathBuf, ResolveError> {
    let as_path = Path::new(arg);
    if as_path.is_file() {
        return Ok(as_path.to_path_buf());
    }
    if arg.contains('/') || arg.contains('\\') || as_path.extension().is_some() {
        return Err(ResolveError::Missing(arg.to_owned()));
    }
    for ext in ["yaml", "yml"] {
        let p = dir.join(format!("{arg}.{ext}"));
        if p.is_file() {
            return Ok(p);
        }
    }
    let ids: Vec<String> = process_files(dir)
        .unwrap_or_default()
        .iter()
        .filter_map(|p| p.file_stem().and_then(|s| s.to_str()).map(str::to_owned))
        .collect();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let hint = if refs.is_empty() { String::new() } else { format!("; {}", suggest(arg, &refs)) };
    Err(ResolveError::UnknownId { id: arg.to_owned(), dir: dir.display().to_string(), hint })
}

/// The YAML files of a directory (process files and the touchpoint map), sorted by name.
/// Files of a process directory that are not processes: the touchpoint map is loaded apart, and
/// these configure other parts (time limits, customer grading, benchmark values).
pub const NOT_PROCESSES: [&str; 3] = ["time-limits.yaml", "grading.yaml", "benchmarks.yaml"];

fn process_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .filter(|p| !p.file_name().is_some_and(|n| NOT_PROCESSES.iter().any(|x| n == *x)))
        .collect();
    files.sort();
    Ok(files)
}

fn is_touchpoint_map(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == touchpoint::FILE_NAME)
}

/// Reads a file as UTF-8 text within [`MAX_FILE_BYTES`], or says why not.
pub(crate) fn read_text(path: &Path, name: &str) -> Result<String, Diagnostic> {
    let meta = fs::metadata(path).map_err(|e| Diagnostic::error(Code::Io, name, None, format!("cannot read: {e}")))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(Diagnostic::error(
            Code::TooLarge,
            name,
            None,
            format!("the file has {} bytes; a process file may have at most {MAX_FILE_BYTES}", meta.len()),
        )
        .with_help("split it: one process per file"));
    }
    let bytes = fs::read(path).map_err(|e| Diagnostic::error(Code::Io, name, None, format!("cannot read: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let before = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = before.split(|&b| b == b'\n').count();
        let col = String::from_utf8_lossy(&before[before.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1)..])
            .chars()
            .count()
            + 1;
        Diagnostic::error(
            Code::Io,
            name,
            Some(Span::new(u32::try_from(line).unwrap_or(u32::MAX), u32::try_from(col).unwrap_or(u32::MAX), 1)),
            "the file is not valid UTF-8",
        )
        .with_help("save it as UTF-8 (process files from Excel or Windows editors are often GBK)")
    })
}

/// Parses a file's YAML, turning syntax and budget errors into diagnostics.
fn parse_yaml(name: &str, text: &str) -> Result<yaml::Node, Diagnostic> {
    match yaml::parse(text) {
        Ok(Some(node)) => Ok(node),
        Ok(None) => Err(Diagnostic::error(Code::YamlSyntax, name, Some(Span::START), "the file is empty")
            .with_help("a process file starts with `id:`; see docs/process-format.md")),
        Err(e) => {
            let code = if e.budget { Code::YamlBudget } else { Code::YamlSyntax };
            let help = if e.budget {
                "process files are small and shallow; remove the deep nesting or alias expansion"
            } else {
                "check indentation, colons and quotes around this place"
            };
            Err(Diagnostic::error(code, name, Some(e.span), e.message).with_help(help))
        }
    }
}

/// Reads and parses one file, hands its tree to `decode`, and keeps its diagnostics and its text.
fn with_file(lib: &mut Library, path: &Path, decode: impl FnOnce(&mut Library, &mut Decoder<'_>, &yaml::Node, &str)) {
    let name = path.display().to_string();
    let text = match read_text(path, &name) {
        Ok(t) => t,
        Err(d) => {
            lib.diagnostics.push(d);
            return;
        }
    };
    let mut d = Decoder::new(&name);
    match parse_yaml(&name, &text) {
        Err(e) => d.diagnostics.push(e),
        Ok(root) => decode(lib, &mut d, &root, &text),
    }
    lib.diagnostics.append(&mut d.diagnostics);
    lib.sources.push(SourceFile { name, text });
}

/// Loads every process file and the touchpoint map among `paths` (files or directories).
///
/// Directories contribute their `*.yaml` / `*.yml` files; `touchpoints.yaml` is the touchpoint map
/// and is checked against all processes loaded in the same call.
pub fn load(paths: &[PathBuf]) -> Library {
    let mut lib = Library::default();
    let mut files: Vec<PathBuf> = Vec::new();
    for p in paths {
        if p.is_dir() {
            match process_files(p) {
                Ok(f) => files.extend(f),
                Err(e) => lib.diagnostics.push(Diagnostic::error(
                    Code::Io,
                    &p.display().to_string(),
                    None,
                    format!("cannot list: {e}"),
                )),
            }
        } else if p.exists() {
            files.push(p.clone());
        } else {
            lib.diagnostics.push(Diagnostic::error(
                Code::Io,
                &p.display().to_string(),
                None,
                "no such file or directory",
            ));
        }
    }
    let (maps, procs): (Vec<PathBuf>, Vec<PathBuf>) = files.into_iter().partition(|p| is_touchpoint_map(p));
    let mut first_file: Vec<(String, String, Span)> = Vec::new(); // (id, file, span of id)
    let mut known: Vec<(String, Option<Class>)> = Vec::new();
    for path in procs {
        lib.process_files += 1;
        with_file(&mut lib, &path, |lib, d, root, text| {
            let s = spec::decode(d, root, text);
            if let Some(id) = &s.id {
                if let Some((_, other, at)) = first_file.iter().find(|(i, _, _)| *i == id.value) {
                    d.error(
                        Code::DuplicateId,
                        id.span,
                        format!("process id `{}` is also used by {other}:{}:{}", id.value, at.line, at.column),
                        Some("each process needs its own id".to_owned()),
                    );
                } else {
                    first_file.push((id.value.clone(), d.file.to_owned(), id.span));
                    known.push((id.value.clone(), s.class));
                }
            }
            if let Some(p) = validate::validate(d, &s, &path) {
                lib.processes.push(p);
            }
        });
    }
    lib.processes.sort_by(|a, b| a.id.cmp(&b.id));
    for path in maps {
        with_file(&mut lib, &path, |lib, d, root, _| lib.touchpoints = Some(touchpoint::decode(d, root, &known)));
    }
    diagnostic::sort(&mut lib.diagnostics);
    lib
}
