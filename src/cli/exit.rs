//! Named exit codes of the `flowaudit` command.

use std::process::ExitCode;

/// How a `flowaudit` run ended. The numbers are part of the interface and documented in README.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: done, and nothing the user asked to fail on was found.
    Ok = 0,
    /// 1: done, but an audit criterion the user set was not met (`--fail-on`, `--min-rate`).
    CriteriaNotMet = 1,
    /// 2: bad usage or bad input (invalid process file, unreadable log, unknown option).
    InputError = 2,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}
