//! `flowaudit map`: the business x channel touchpoint matrix with blind spots and duplicates.

use std::io::Write;

use crate::cli::args::{MapArgs, MapFailOn, MapFormat};
use crate::cli::exit::Exit;
use crate::cli::process_arg;
use crate::model::library;
use crate::model::touchpoint::{self, Matrix};
use crate::render::matrix;

/// Runs `map`: exit 2 when the library is invalid or has no map, 1 when `--fail-on` finds what it
/// names, 0 otherwise.
pub fn run(args: &MapArgs, out: &mut impl Write) -> anyhow::Result<Exit> {
    let lib = library::load(std::slice::from_ref(&args.processes));
    if lib.has_errors() {
        process_arg::print_errors(&lib)?;
        writeln!(
            std::io::stderr().lock(),
            "error: the process library in {} is invalid; run `flowaudit validate {}`",
            args.processes.display(),
            args.processes.display()
        )?;
        return Ok(Exit::InputError);
    }
    let Some(map) = &lib.touchpoints else {
        anyhow::bail!(
            "no {} in {}: the touchpoint map lives beside the process files",
            touchpoint::FILE_NAME,
            args.processes.display()
        );
    };
    let m = Matrix::build(map);
    match args.format {
        MapFormat::Text => {
            matrix::table(&m).write_text(out)?;
            writeln!(out)?;
            for line in matrix::summary_lines(&m) {
                writeln!(out, "{line}")?;
            }
        }
        MapFormat::Md => {
            matrix::table(&m).write_markdown(out)?;
            writeln!(out)?;
            for line in matrix::summary_lines(&m) {
                writeln!(out, "{line}  ")?;
            }
        }
        MapFormat::Csv => matrix::table(&m).write_csv(out)?,
        MapFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &m)?;
            writeln!(out)?;
        }
    }
    let failed = args.fail_on.iter().any(|f| match f {
        MapFailOn::BlindSpots => m.summary.blind_spots > 0,
        MapFailOn::Duplicates => m.summary.duplicate_cells > 0,
    });
    Ok(if failed { Exit::CriteriaNotMet } else { Exit::Ok })
}
