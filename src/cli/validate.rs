//! `flowaudit validate`: check process files, the touchpoint map, the working calendars, the time
//! limits and the benchmark values, report every problem.
//!
//! A directory given (the process directory by default) contributes its processes and, when it has
//! them, its `calendars/` directory, `time-limits.yaml` and `benchmarks.yaml`; a file in a
//! directory named `calendars` (or that directory itself) is read as a calendar. A time-limits or
//! benchmarks file given alone is checked against the processes of the directory it sits in.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::cli::args::{ValidateArgs, ValidateFormat};
use crate::cli::exit::Exit;
use crate::model::benchmarks::{self, Benchmarks};
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
    /// Benchmarks of the benchmarks files read (`null` when none was).
    benchmarks: Option<usize>,
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

/// The files named `name` among the paths (a time-limits or benchmarks file) given, and that of
/// every directory; the other paths are returned.
fn split_named(paths: Vec<PathBuf>, name: &str) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let is_named = |p: &Path| p.file_name().is_some_and(|n| n == name);
    let mut named: Vec<PathBuf> = paths.iter().filter(|p| p.is_file() && is_named(p)).cloned().collect();
    named.extend(paths.iter().filter(|p| p.is_dir()).map(|d| d.join(name)).filter(|p| p.is_file()));
    (paths.into_iter().filter(|p| !(p.is_file() && is_named(p))).collect(), named)
}

/// The processes of the directory of the first of `files`, when no process was read (a side file
/// given alone is checked against the directory it sits in).
fn dir_library(files: &[&PathBuf], lib: &Library) -> Option<Library> {
    if lib.process_files > 0 {
        return None;
    }
    files.first().and_then(|f| f.parent()).map(|d| library::load(&[d.to_path_buf()]))
}

/// Checks each time-limits file against the processes and calendars read; returns the rules
/// counted and keeps the diagnostics and texts.
fn check_limits(files: &[PathBuf], lib: &mut Library, dir_lib: Option<&Library>, cals: &mut Calendars) -> usize {
    let mut rules = 0;
    let known_lib: &Library = dir_lib.unwrap_or(&*lib);
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

/// Checks each benchmarks file against the process ids read; returns the benchmarks counted and
/// keeps the diagnostics (warnings too) and texts.
fn check_benchmarks(files: &[PathBuf], lib: &mut Library, dir_lib: Option<&Library>, cals: &mut Calendars) -> usize {
    let ids: Vec<&str> = dir_lib.unwrap_or(&*lib).processes.iter().map(|p| p.id.as_str()).collect();
    let mut count = 0;
    let mut diagnostics = Vec::new();
    for f in files {
        match Benchmarks::load(f, &ids) {
            Ok(b) => {
                count += b.rules.len();
                diagnostics.extend(b.warnings);
                cals.sources.push((b.file, b.text));
            }
            Err(e) => {
                diagnostics.extend(e.diagnostics);
                cals.sources.extend(e.text.map(|t| (f.display().to_string(), t)));
            }
        }
    }
    lib.diagnostics.extend(diagnostics);
    count
}

/// How many side files (time limits, benchmarks) were read and what they hold.
#[derive(Clone, Copy)]
struct SideFiles {
    limit_files: usize,
    limit_rules: usize,
    benchmark_files: usize,
    benchmarks: usize,
}

/// Runs `validate`: exit 0 when everything is valid (warnings allowed), 2 otherwise.
pub fn run(args: &ValidateArgs, out: &mut impl Write) -> anyhow::Result<Exit> {
    let (paths, limits) = split_named(resolve_paths(args)?, time_limits::FILE_NAME);
    let (paths, marks) = split_named(paths, benchmarks::FILE_NAME);
    let (paths, mut cals) = split_calendars(paths);
    let mut lib = if paths.is_empty() { Library::default() } else { library::load(&paths) };
    let dir_lib = dir_library(&limits.iter().chain(&marks).collect::<Vec<_>>(), &lib);
    let side = SideFiles {
        limit_files: limits.len(),
        limit_rules: check_limits(&limits, &mut lib, dir_lib.as_ref(), &mut cals),
        benchmark_files: marks.len(),
        benchmarks: check_benchmarks(&marks, &mut lib, dir_lib.as_ref(), &mut cals),
    };
    lib.diagnostics.append(&mut cals.diagnostics);
    diagnostic::sort(&mut lib.diagnostics);
    let errors = lib.diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = lib.diagnostics.len() - errors;
    let valid = errors == 0
        && (lib.process_files > 0
            || lib.touchpoints.is_some()
            || cals.files > 0
            || !limits.is_empty()
            || !marks.is_empty());
    match args.format {
        ValidateFormat::Json => {
            let report = Report {
                valid,
                process_files: lib.process_files,
                processes: lib.processes.iter().map(|p| p.id.as_str()).collect(),
                touchpoints: lib.touchpoints.as_ref().map(|t| t.touchpoints.len()),
                calendar_files: cals.files,
                calendars: cals.valid.iter().map(|c| c.id.as_str()).collect(),
                time_limit_rules: (!limits.is_empty()).then_some(side.limit_rules),
                benchmarks: (!marks.is_empty()).then_some(side.benchmarks),
                errors,
                warnings,
                diagnostics: &lib.diagnostics,
            };
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)?;
        }
        ValidateFormat::Text => write_text(out, &lib, &cals, side, errors, warnings)?,
    }
    Ok(if valid { Exit::Ok } else { Exit::InputError })
}

/// The diagnostics (sorted by file and place), and the summary line.
fn write_text(
    out: &mut impl Write,
    lib: &Library,
    cals: &Calendars,
    side: SideFiles,
    errors: usize,
    warnings: usize,
) -> io::Result<()> {
    diagnostic::write_text(out, &lib.diagnostics, |f| lib.source(f).or_else(|| cals.source(f)))?;
    let tps = lib
        .touchpoints
        .as_ref()
        .map_or_else(String::new, |t| format!(", touchpoint map with {} touchpoints", t.touchpoints.len()));
    let no_processes = lib.process_files == 0 && lib.touchpoints.is_none();
    let side_files = side.limit_files + side.benchmark_files;
    if no_processes && cals.files == 0 && side_files == 0 {
        writeln!(out, "no process files found")?;
    }
    let mut parts = Vec::new();
    if !no_processes || (cals.files == 0 && side_files == 0) {
        parts.push(format!("{} of {} process files valid{tps}", lib.processes.len(), lib.process_files));
    }
    if cals.files > 0 {
        parts.push(format!("{} of {} calendar files valid", cals.valid.len(), cals.files));
    }
    if side.limit_files > 0 {
        parts.push(format!("time limits with {} rules", side.limit_rules));
    }
    if side.benchmark_files > 0 {
        parts.push(format!("{} benchmark values", side.benchmarks));
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
