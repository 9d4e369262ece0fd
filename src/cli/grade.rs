//! `flowaudit grade`: customer tiers (seed 000) from a customers file and a bills file, under
//! the rules of `processes/grading.yaml`.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::Context;

use crate::analysis::grading::{self, Grading, Month};
use crate::analysis::grading_input;
use crate::cli::args::{GradeArgs, GradeFormat};
use crate::cli::exit::Exit;
use crate::model::diagnostic;
use crate::model::grading_rules::GradingRules;
use crate::report::grading as report;

/// Runs `grade`: exit 0 when the grades were written, 2 on bad input (a bad `--month`, invalid
/// rules, an unreadable input file, or with `--strict` any rejected row).
pub fn run(args: &GradeArgs, out: &mut impl Write) -> anyhow::Result<Exit> {
    let month = Month::parse(args.month.trim()).with_context(|| {
        format!("`{}` is not a month: write --month as YYYY-MM, e.g. 2026-04 (months 01 to 12)", args.month)
    })?;
    for target in [&args.output, &args.rejects].into_iter().flatten() {
        if [&args.customers, &args.bills].into_iter().any(|input| same_file(target, input)) {
            anyhow::bail!("{} is one of the input files; write to another file", target.display());
        }
    }
    let rules = rules(&args.rules)?;
    let inputs = grading_input::read(&args.customers, &args.bills)?;
    let g = grading::grade(&rules, month, &inputs);

    if let Some(path) = &args.rejects {
        write_to(path, |mut w| report::write_rejects(&g, &mut w))?;
    }
    if let Some(first) = g.rejected.first() {
        let file = match first.file {
            grading::InputFile::Customers => &g.customers_file,
            grading::InputFile::Bills => &g.bills_file,
        };
        let first = format!("{file}:{}: {} ({})", first.line, first.detail, first.reason.as_str());
        if args.strict {
            anyhow::bail!(
                "{} row(s) rejected and --strict is on; first: {first}; see them all with --rejects FILE",
                g.rejected.len()
            );
        }
        eprintln!(
            "warning: {} row(s) rejected, not used; first: {first}; --rejects FILE lists them all, --strict fails on them",
            g.rejected.len()
        );
    }

    let write = |w: &mut dyn Write| -> std::io::Result<()> {
        let mut w = w;
        match args.format {
            GradeFormat::Text => report::write_text(&g, &rules, &mut w),
            GradeFormat::Json => report::write_json(&g, &rules, &mut w),
            GradeFormat::Csv => report::write_csv(&g, &mut w),
        }
    };
    match &args.output {
        Some(path) => write_to(path, write)?,
        None => write(out)?,
    }
    if args.output.is_some() || args.format != GradeFormat::Text {
        let target = args.output.as_ref().map_or_else(|| "stdout".to_owned(), |p| p.display().to_string());
        eprintln!("{} → {target}", summary(&g));
    }
    Ok(Exit::Ok)
}

/// The rules at `path`, their problems printed with their locations.
fn rules(path: &Path) -> anyhow::Result<GradingRules> {
    GradingRules::load(path).or_else(|e| {
        diagnostic::write_text(&mut std::io::stderr().lock(), &e.diagnostics, |_| e.text.as_deref())?;
        if e.text.is_none() {
            anyhow::bail!(
                "cannot read the grading rules {}; run from the repository root or name them with --rules FILE",
                path.display()
            );
        }
        anyhow::bail!("the grading rules {} are invalid (see docs/grading.md)", path.display())
    })
}

/// One line for standard error when the output goes elsewhere.
fn summary(g: &Grading) -> String {
    let thresholds = g
        .thresholds()
        .map_or_else(|| "no thresholds".to_owned(), |t| format!("thresholds {}", t.map(|x| x.to_string()).join("/")));
    format!(
        "graded {} customers for {} ({thresholds}; {} ungraded, {} rows rejected)",
        g.grades.len(),
        g.month,
        g.ungraded.len(),
        g.rejected.len()
    )
}

fn write_to(path: &Path, f: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> anyhow::Result<()> {
    let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut w = BufWriter::new(file);
    f(&mut w).and_then(|()| w.flush()).with_context(|| format!("cannot write {}", path.display()))
}

fn same_file(a: &Path, b: &Path) -> bool {
    fs::canonicalize(a).ok().is_some_and(|p| fs::canonicalize(b).ok() == Some(p))
}
