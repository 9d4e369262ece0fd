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
use crate::model::time_limits::{self, Known, TimeLimits};

#[derive(Serialize)]
struct Report<'a> {
    valid: bool,
    process_files: usize,
    processes: Vec<&'a str>,
    touchpoints: Option<usize>,
    calendar_files: usize,
    calendars: Vec<&'a str>,
    /// Rules of the time-limits files read (`null` when none was).
    time_limit_rules: Option<usize>,
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

/// The time limits among the paths: `time-limits.yaml` files given, and that of every directory;
/// the other paths are returned.
fn split_limits(paths: Vec<PathBuf>) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let is_limits = |p: &Path| p.file_name().is_some_and(|n| n == time_limits::FILE_NAME);
    let mut limits: Vec<PathBuf> = paths.iter().filter(|p| p.is_file() && is_limits(p)).cloned().collect();
    limits.extend(paths.iter().filter(|p| p.is_dir()).map(|d| d.join(time_limits::FILE_NAME)).filter(|p| p.is_file()));
    (paths.into_iter().filter(|p| !(p.is_file() && is_limits(p))).collect(), limits)
}

/// Checks each time-limits file against the processes and calendars read; returns the rules
/// counted and keeps the diagnostics and texts.
fn check_limits(files: &[PathBuf], lib: &mut Library, cals: &mut Calendars) -> usize {
    let mut rules = 0;
    // A time-limits file given alone is checked against the directory it sits in.
    let dir_lib;
    let known_lib: &Library = if lib.process_files == 0 {
        dir_lib = files.first().and_then(|f| f.parent()).map(|d| library::load(&[d.to_path_buf()]));
        dir_lib.as_ref().unwrap_or(&*lib)
    } else {
        &*lib
    };
    // Likewise its calendars, when none were read.
    let dir_calendars = if cals.valid.is_empty() {
        files
            .first()
            .and_then(|f| f.parent())
            .map_or_else(Vec::new, |d| calendar::load_dir(&d.join(calendar::DIR_NAME)).0)
    } else {
        Vec::new()
    };
    let known = Known {
        processes: known_lib
            .processes
            .iter()
            .map(|p| (p.id.as_str(), p.steps.iter().map(|s| s.id.as_str()).collect()))
            .collect(),
        calendars: cals.valid.iter().chain(&dir_calendars).map(|c| c.id.as_str()).collect(),
    };
    let mut diagnostics = Vec::new();
    for f in files {
        match TimeLimits::load(f, &known) {
            Ok(t) => {
                rules += t.rules.len();
                cals.sources.push((t.file, t.text));
            }
            Err(e) => {
                diagnostics.extend(e.diagnostics);
                cals.sources.extend(e.text.map(|t| (f.display().to_string(), t)));
            }
        }
    }
    drop(known);
    lib.diagnostics.extend(diagnostics);
    rules
}

/// Runs `validate`: exit 0 when everything is valid (warnings allowed), 2 otherwise.
pub fn run(args: &ValidateArgs, out: &mut impl Write) -> anyhow::Result<Exit> {
    let (paths, limits) = split_limits(resolve_paths(args)?);
    let (paths, mut cals) = split_calendars(paths);
    let mut lib = if paths.is_empty() { Library::default() } else { library::load(&paths) };
    let rules = check_limits(&limits, &mut lib, &mut cals);
    lib.diagnostics.append(&mut cals.diagnostics);
    diagnostic::sort(&mut lib.diagnostics);
    let errors = lib.diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = lib.diagnostics.len() - errors;
    let valid =
        errors == 0 && (lib.process_files > 0 || lib.touchpoints.is_some() || cals.files > 0 || !limits.is_empty());
    match args.format {
        ValidateFormat::Json => {
            let report = Report {
                valid,
                process_files: lib.process_files,
                processes: lib.processes.iter().map(|p| p.id.as_str()).collect(),
                touchpoints: lib.touchpoints.as_ref().map(|t| t.touchpoints.len()),
                calendar_files: cals.files,
                calendars: cals.valid.iter().map(|c| c.id.as_str()).collect(),
                time_limit_rules: (!limits.is_empty()).then_some(rules),
                errors,
                warnings,
                diagnostics: &lib.diagnostics,
            };
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)?;
        }
        ValidateFormat::Text => write_text(out, &lib, &cals, (limits.len(), rules), errors, warnings)?,
    }
    Ok(if valid { Exit::Ok } else { Exit::InputError })
}

/// The diagnostics (processes' first, then calendars'), and the summary line.
fn write_text(
    out: &mut impl Write,
    lib: &Library,
    cals: &Calendars,
    (limit_files, rules): (usize, usize),
    errors: usize,
    warnings: usize,
) -> io::Result<()> {
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
    if !no_processes || (cals.files == 0 && limit_files == 0) {
        parts.push(format!("{} of {} process files valid{tps}", lib.processes.len(), lib.process_files));
    }
    if cals.files > 0 {
        parts.push(format!("{} of {} calendar files valid", cals.valid.len(), cals.files));
    }
    if limit_files > 0 {
        parts.push(format!("time limits with {rules} rules"));
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
