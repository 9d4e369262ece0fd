//! `flowaudit simulate`: resolve the arguments, load the process, stream the log to a file or stdout.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};

use anyhow::Context as _;

use crate::cli::args::SimulateArgs;
use crate::cli::exit::Exit;
use crate::cli::process_arg;
use crate::model::library;
use crate::model::process::Process;
use crate::model::touchpoint::TouchpointMap;
use crate::simulate::config::{SimConfig, SimError};
use crate::simulate::engine::{self, SimSummary};

/// Runs `simulate`: exit 0 when the log was written, 2 on a bad argument or an invalid library.
pub fn run(args: &SimulateArgs, out: &mut impl Write) -> anyhow::Result<Exit> {
    let cfg = SimConfig::new(args.cases, args.seed, args.noise, &args.month)?;
    let path = library::resolve_process(&args.process, &args.processes)?;
    // A process of the directory is loaded with the directory, so the touchpoint map is checked
    // against it; a file from elsewhere is loaded alone and takes the directory's map if valid.
    let in_dir = fs::canonicalize(&args.processes)
        .ok()
        .is_some_and(|d| fs::canonicalize(&path).ok().and_then(|p| p.parent().map(|p| p == d)).unwrap_or(false));
    let lib = library::load(&[if in_dir { args.processes.clone() } else { path.clone() }]);
    if lib.has_errors() {
        process_arg::print_errors(&lib)?;
        writeln!(
            io::stderr().lock(),
            "error: the process library is invalid; run `flowaudit validate {}` and fix it first",
            if in_dir { args.processes.display() } else { path.display() }
        )?;
        return Ok(Exit::InputError);
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
    let summary = match &args.output {
        Some(file) => {
            let f = File::create(file).with_context(|| format!("cannot create {}", file.display()))?;
            let mut w = BufWriter::new(f);
            let s = write(process, touchpoints, &cfg, &mut w)?;
            w.flush().with_context(|| format!("cannot write {}", file.display()))?;
            s
        }
        None => write(process, touchpoints, &cfg, out)?,
    };
    let target = args.output.as_ref().map_or_else(|| "stdout".to_owned(), |p| p.display().to_string());
    eprintln!(
        "simulated {} tickets, {} events, {} with a deviation → {target}",
        summary.tickets, summary.events, summary.deviated
    );
    Ok(Exit::Ok)
}

/// Runs the simulation, handing a closed pipe up as the I/O error it is (not an error to report).
fn write(
    process: &Process,
    touchpoints: Option<&TouchpointMap>,
    cfg: &SimConfig,
    out: &mut impl Write,
) -> anyhow::Result<SimSummary> {
    engine::simulate(process, touchpoints, cfg, out).map_err(|e| match e {
        SimError::Io(io) if io.kind() == io::ErrorKind::BrokenPipe => anyhow::Error::new(io),
        other => anyhow::Error::new(other),
    })
}
