//! `flowaudit validate`: check process files and the touchpoint map, report every problem.

use std::io::{self, Write};
use std::path::PathBuf;

use serde::Serialize;

use crate::cli::args::{ValidateArgs, ValidateFormat};
use crate::cli::exit::Exit;
use crate::model::diagnostic::{self, Diagnostic};
use crate::model::library::{self, Library};

#[derive(Serialize)]
struct Report<'a> {
    valid: bool,
    process_files: usize,
    processes: Vec<&'a str>,
    touchpoints: Option<usize>,
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

/// Runs `validate`: exit 0 when everything is valid (warnings allowed), 2 otherwise.
pub fn run(args: &ValidateArgs, out: &mut impl Write) -> anyhow::Result<Exit> {
    let paths = resolve_paths(args)?;
    let lib = library::load(&paths);
    let errors = lib.diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = lib.diagnostics.len() - errors;
    let valid = errors == 0 && (lib.process_files > 0 || lib.touchpoints.is_some());
    match args.format {
        ValidateFormat::Json => {
            let report = Report {
                valid,
                process_files: lib.process_files,
                processes: lib.processes.iter().map(|p| p.id.as_str()).collect(),
                touchpoints: lib.touchpoints.as_ref().map(|t| t.touchpoints.len()),
                errors,
                warnings,
                diagnostics: &lib.diagnostics,
            };
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)?;
        }
        ValidateFormat::Text => write_text(out, &lib, errors, warnings)?,
    }
    Ok(if valid { Exit::Ok } else { Exit::InputError })
}

fn write_text(out: &mut impl Write, lib: &Library, errors: usize, warnings: usize) -> io::Result<()> {
    diagnostic::write_text(out, &lib.diagnostics, |f| lib.source(f))?;
    let tps = lib
        .touchpoints
        .as_ref()
        .map_or_else(String::new, |t| format!(", touchpoint map with {} touchpoints", t.touchpoints.len()));
    if lib.process_files == 0 && lib.touchpoints.is_none() {
        writeln!(out, "no process files found")?;
    }
    let verdict = if errors == 0 { "valid" } else { "INVALID" };
    writeln!(
        out,
        "{verdict}: {} of {} process files valid{tps}; {errors} error{}, {warnings} warning{}",
        lib.processes.len(),
        lib.process_files,
        if errors == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" },
    )
}
