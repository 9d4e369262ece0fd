//! `flowaudit validate`: check process files, the touchpoint map and the working calendars, report
//! every problem.
//!
//! A directory given (the process directory by default) contributes its processes and, when it has
//! one, its `calendars/` directory; a file in a directory named `calendars` (or that directory
//! itself) is read as a calendar.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::cli::args::{ValidateArgs, ValidateFormat};
use crate::cli::exit::Exit;
use crate::model::calendar::{self, Calendar};
use crate::model::diagnostic::{self, Diagnostic};
use crate::model::library::{self, Library};

#[derive(Serialize)]
struct Report<'a> {
    valid: bool,
    process_files: usize,
    processes: Vec<&'a str>,
    touchpoints: Option<usize>,
    calendar_files: usize,
    calendars: Vec<&'a str>,
    errors: usize,
    warnings: usize,
    diagnostics: &'a [Diagnostic],
}

/// Turns the arguments into paths: existing paths as they are, other words as process ids.
fn resolve_paths(args: &ValidateArgs) -> Result<Vec<PathBuf>, library::ResolveError> {
    if args.paths.is_empty() {
        return Ok(vec![args.processes.clone()]);
    }
    args.paths
        .iter()
        .map(|p| {
            let path = PathBuf::from(p);
            if path.exists() { Ok(path) } else { library::resolve_process(p, &args.processes) }
        })
        .collect()
}

/// The calendars among the paths: files in a `calendars` directory, such directories, and the
/// `calendars/` of every other directory.
#[derive(Default)]
struct Calendars {
    files: usize,
    valid: Vec<Calendar>,
    diagnostics: Vec<Diagnostic>,
    sources: Vec<(String, String)>,
}

impl Calendars {
    fn source(&self, name: &str) -> Option<&str> {
        self.sources.iter().find(|(n, _)| n == name).map(|(_, t)| t.as_str())
    }

    fn add(&mut self, f: calendar::CalendarFile) {
        self.files += 1;
        self.valid.extend(f.calendar);
        self.diagnostics.extend(f.diagnostics);
        self.sources.extend(f.text.map(|t| (f.name, t)));
    }

    fn add_dir(&mut self, dir: &Path) {
        match calendar::read_dir(dir) {
            Ok(files) => files.into_iter().for_each(|f| self.add(f)),
            Err(d) => self.diagnostics.push(d),
        }
    }
}

/// Splits the paths into what the process library reads and the calendars, and reads those.
fn split_calendars(paths: Vec<PathBuf>) -> (Vec<PathBuf>, Calendars) {
    let mut cals = Calendars::default();
    let mut rest = Vec::with_capacity(paths.len());
    for p in paths {
        let is_calendar_dir = p.is_dir() && p.file_name().is_some_and(|n| n == calendar::DIR_NAME);
        if is_calendar_dir {
            cals.add_dir(&p);
        } else if p.is_file() && calendar::is_calendar_path(&p) {
            cals.add(calendar::read(&p));
        } else {
            let sub = p.join(calendar::DIR_NAME);
            if p.is_dir() && sub.is_dir() {
                cals.add_dir(&sub);
            }
            rest.push(p);
        }
    }
    diagnostic::sort(&mut cals.diagnostics);
    (rest, cals)
}

/// Runs `validate`: exit 0 when everything is valid (warnings allowed), 2 otherwise.
pub fn run(args: &ValidateArgs, out: &mut impl Write) -> anyhow::Result<Exit> {
    let (paths, mut cals) = split_calendars(resolve_paths(args)?);
    let mut lib = if paths.is_empty() { Library::default() } else { library::load(&paths) };
    lib.diagnostics.append(&mut cals.diagnostics);
    let errors = lib.diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = lib.diagnostics.len() - errors;
    let valid = errors == 0 && (lib.process_files > 0 || lib.touchpoints.is_some() || cals.files > 0);
    match args.format {
        ValidateFormat::Json => {
            let report = Report {
                valid,
                process_files: lib.process_files,
                processes: lib.processes.iter().map(|p| p.id.as_str()).collect(),
                touchpoints: lib.touchpoints.as_ref().map(|t| t.touchpoints.len()),
                calendar_files: cals.files,
                calendars: cals.valid.iter().map(|c| c.id.as_str()).collect(),
                errors,
                warnings,
                diagnostics: &lib.diagnostics,
            };
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)?;
        }
        ValidateFormat::Text => write_text(out, &lib, &cals, errors, warnings)?,
    }
    Ok(if valid { Exit::Ok } else { Exit::InputError })
}

/// The diagnostics (processes' first, then calendars'), and the summary line.
fn write_text(out: &mut impl Write, lib: &Library, cals: &Calendars, errors: usize, warnings: usize) -> io::Result<()> {
    diagnostic::write_text(out, &lib.diagnostics, |f| lib.source(f).or_else(|| cals.source(f)))?;
    let tps = lib
        .touchpoints
        .as_ref()
        .map_or_else(String::new, |t| format!(", touchpoint map with {} touchpoints", t.touchpoints.len()));
    let no_processes = lib.process_files == 0 && lib.touchpoints.is_none();
    if no_processes && cals.files == 0 {
        writeln!(out, "no process files found")?;
    }
    let mut parts = Vec::new();
    if !no_processes || cals.files == 0 {
        parts.push(format!("{} of {} process files valid{tps}", lib.processes.len(), lib.process_files));
    }
    if cals.files > 0 {
        parts.push(format!("{} of {} calendar files valid", cals.valid.len(), cals.files));
    }
    let verdict = if errors == 0 { "valid" } else { "INVALID" };
    writeln!(
        out,
        "{verdict}: {}; {errors} error{}, {warnings} warning{}",
        parts.join(", "),
        if errors == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" },
    )
}
