//! `flowaudit export`: a process as the workflow net the conformance engine aligns with, in PNML.

use std::fs::File;
use std::io::{BufWriter, Write};

use anyhow::Context as _;

use crate::cli::args::ExportArgs;
use crate::cli::exit::Exit;
use crate::cli::process_arg;
use crate::net::compile::compile;
use crate::net::pnml::write_pnml;

/// Runs `export`: exit 0 when the file was written, 2 for an invalid process or an unwritable file.
pub fn run(args: &ExportArgs) -> anyhow::Result<Exit> {
    let process = process_arg::load(&args.process, &args.processes)?;
    let net = compile(&process);
    let file = File::create(&args.pnml).with_context(|| format!("cannot create {}", args.pnml.display()))?;
    let mut out = BufWriter::new(file);
    write_pnml(&net, &process.id, &mut out)?;
    out.flush().with_context(|| format!("cannot write {}", args.pnml.display()))?;
    eprintln!(
        "{}: {} places, {} transitions ({} silent) → {}",
        process.id,
        net.places.len(),
        net.transitions.len(),
        net.silent_count(),
        args.pnml.display()
    );
    Ok(Exit::Ok)
}
