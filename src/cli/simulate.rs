//! `flowaudit simulate`: resolve the arguments, load the process (or, with `--touchpoints`, the
//! whole library and its touchpoint map), stream the log to a file or stdout.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::Path;

use anyhow::Context as _;

use crate::cli::args::SimulateArgs;
use crate::cli::exit::Exit;
use crate::cli::process_arg;
use crate::model::library;
use crate::simulate::centre;
use crate::simulate::config::{SimConfig, SimError};
use crate::simulate::engine;

/// Runs `simulate`: exit 0 when the log was written, 2 on a bad argument or an invalid library.
pub fn run(args: &SimulateArgs, out: &mut impl Write) -> anyhow::Result<Exit> {
    let cfg = SimConfig::new(args.cases, args.seed, args.noise, &args.month)?;
    let Some(process_arg) = args.process.as_deref().filter(|_| !args.touchpoints) else {
        return run_centre(args, &cfg, out);
    };
    let path = library::resolve_process(process_arg, &args.processes)?;
    // A process of the directory is loaded with the directory, so the touchpoint map is checked
    // against it; a file from elsewhere is loaded alone and takes the directory's map if valid.
    let in_dir = fs::canonicalize(&args.processes)
        .ok()
        .is_some_and(|d| fs::canonicalize(&path).ok().and_then(|p| p.parent().map(|p| p == d)).unwrap_or(false));
    let lib = library::load(&[if in_dir { args.processes.clone() } else { path.clone() }]);
    if lib.has_errors() {
        return invalid(&lib, if in_dir { &args.processes } else { &path });
    }
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
    let process = lib.process(stem).with_context(|| format!("{} holds no valid process", path.display()))?;
    let dir_lib;
    let touchpoints = if in_dir {
        lib.touchpoints.as_ref()
    } else {
        dir_lib = library::load(std::slice::from_ref(&args.processes));
        if dir_lib.has_errors() { None } else { dir_lib.touchpoints.as_ref() }
    };
    let summary = emit(args.output.as_deref(), out, |mut w| engine::simulate(process, touchpoints, &cfg, &mut w))?;
    eprintln!(
        "simulated {} tickets, {} events, {} with a deviation → {}",
        summary.tickets,
        summary.events,
        summary.deviated,
        target(args.output.as_deref())
    );
    Ok(Exit::Ok)
}

/// `simulate --touchpoints`: the whole centre's month through the directory's touchpoint map.
fn run_centre(args: &SimulateArgs, cfg: &SimConfig, out: &mut impl Write) -> anyhow::Result<Exit> {
    let lib = library::load(std::slice::from_ref(&args.processes));
    if lib.has_errors() {
        return invalid(&lib, &args.processes);
    }
    let Some(map) = &lib.touchpoints else {
        writeln!(
            io::stderr().lock(),
            "error: no {} in {}: --touchpoints simulates the tickets its touchpoint map routes to each process; \
             give --processes the directory that holds the map",
            crate::model::touchpoint::FILE_NAME,
            args.processes.display()
        )?;
        return Ok(Exit::InputError);
    };
    let s = emit(args.output.as_deref(), out, |mut w| centre::simulate_centre(&lib.processes, map, cfg, &mut w))?;
    eprintln!(
        "simulated {} tickets of {} processes, {} at blind spots, {} events, {} with a deviation → {}",
        s.total.tickets,
        s.by_process.len(),
        s.blind_spots,
        s.total.events,
        s.total.deviated,
        target(args.output.as_deref())
    );
    Ok(Exit::Ok)
}

/// Reports an invalid library at `dir` (exit 2).
fn invalid(lib: &library::Library, dir: &Path) -> anyhow::Result<Exit> {
    process_arg::print_errors(lib)?;
    writeln!(
        io::stderr().lock(),
        "error: the process library is invalid; run `flowaudit validate {}` and fix it first",
        dir.display()
    )?;
    Ok(Exit::InputError)
}

/// Where the log goes, as the closing message names it.
fn target(file: Option<&Path>) -> String {
    file.map_or_else(|| "stdout".to_owned(), |p| p.display().to_string())
}

/// Runs `simulate` on `file` (created) or on `out`, handing a closed pipe up as the I/O error it
/// is (not an error to report).
fn emit<T>(
    file: Option<&Path>,
    out: &mut impl Write,
    simulate: impl FnOnce(&mut dyn Write) -> Result<T, SimError>,
) -> anyhow::Result<T> {
    let quiet_pipe = |e: SimError| match e {
        SimError::Io(io) if io.kind() == io::ErrorKind::BrokenPipe => anyhow::Error::new(io),
        other => anyhow::Error::new(other),
    };
    match file {
        Some(file) => {
            let f = File::create(file).with_context(|| format!("cannot create {}", file.display()))?;
            let mut w = BufWriter::new(f);
            let s = simulate(&mut w).map_err(quiet_pipe)?;
            w.flush().with_context(|| format!("cannot write {}", file.display()))?;
            Ok(s)
        }
        None => simulate(out).map_err(quiet_pipe),
    }
}
