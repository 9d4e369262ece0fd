//! Entry point of the command line: parse, dispatch, turn errors into messages and exit codes.

use std::ffi::OsString;
use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;

use crate::cli::args::{Cli, Command, LogCommand};
use crate::cli::exit::Exit;
use crate::cli::{
    audit, check, compare, export, grade, log_stats, loops, map, render, simulate, sla, suggest_profile, validate,
};

/// Runs `flowaudit` with `args` (the program name first) and returns its exit code.
pub fn run(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { Exit::InputError.into() } else { Exit::Ok.into() };
        }
    };
    // Buffered: line-buffered stdout made one write per line (48 for a small JSON report).
    let stdout = io::stdout();
    let mut out = io::BufWriter::with_capacity(64 << 10, stdout.lock());
    let result = match cli.command {
        Command::Validate(a) => validate::run(&a, &mut out),
        Command::Map(a) => map::run(&a, &mut out),
        Command::Log(LogCommand::Stats(a)) => log_stats::run(&a, &mut out),
        Command::Log(LogCommand::SuggestProfile(a)) => suggest_profile::run(&a, &mut out),
        Command::Check(a) => check::run(&a, &mut out),
        Command::Loops(a) => loops::run(&a, &mut out),
        Command::Sla(a) => sla::run(&a, &mut out),
        Command::Render(a) => render::run(&a, &mut out),
        Command::Compare(a) => compare::run(&a, &mut out),
        Command::Audit(a) => audit::run(&a, &mut out),
        Command::Export(a) => export::run(&a),
        Command::Simulate(a) => simulate::run(&a, &mut out),
        Command::Grade(a) => grade::run(&a, &mut out),
    };
    let _ = out.flush();
    match result {
        Ok(exit) => exit.into(),
        Err(e) => {
            if e.downcast_ref::<io::Error>().is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe) {
                return Exit::Ok.into();
            }
            eprintln!("error: {e:#}");
            Exit::InputError.into()
        }
    }
}
