//! Resolving a `--process ID|FILE` argument into a validated process, printing its diagnostics
//! when it is not valid.

use std::path::Path;

use crate::model::diagnostic;
use crate::model::library::{self, Library};
use crate::model::process::Process;

/// Prints the library's errors (not its warnings) to standard error, with their source lines.
pub fn print_errors(lib: &Library) -> std::io::Result<()> {
    let errors: Vec<_> = lib.diagnostics.iter().filter(|d| d.is_error()).cloned().collect();
    diagnostic::write_text(&mut std::io::stderr().lock(), &errors, |f| lib.source(f))
}

/// The valid process `arg` names (an id in `dir`, or a file).
pub fn load(arg: &str, dir: &Path) -> anyhow::Result<Process> {
    let path = library::resolve_process(arg, dir)?;
    let lib = library::load(std::slice::from_ref(&path));
    if lib.has_errors() {
        print_errors(&lib)?;
        anyhow::bail!("process {} is invalid; run `flowaudit validate {}`", path.display(), path.display());
    }
    lib.processes.into_iter().next().ok_or_else(|| anyhow::anyhow!("{} holds no process", path.display()))
}
