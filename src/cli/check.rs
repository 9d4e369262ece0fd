//! `flowaudit check`: tickets against their process, by optimal alignments.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::Context as _;
use serde::Serialize;

use crate::cli::args::{CheckArgs, CheckFormat};
use crate::cli::exit::Exit;
use crate::cli::{log_input, process_arg};
use crate::conformance::check::{CheckResult, check};
use crate::conformance::fitness::{Summary, describe};
use crate::log::event_log::EventLog;
use crate::net::compile::compile;
use crate::net::petri::PetriNet;
use crate::net::pnml::read_pnml;

/// What `--format json` prints.
#[derive(Serialize)]
struct Report<'a> {
    process: &'a str,
    log: String,
    #[serde(flatten)]
    summary: &'a Summary,
    rows_read: u64,
    rows_rejected: u64,
}

/// Runs `check`: exit 1 when the conformance rate is below `--min-rate`, 2 on bad input.
pub fn run(args: &CheckArgs, out: &mut impl Write) -> anyhow::Result<Exit> {
    if let Some(r) = args.min_rate
        && !(0.0..=1.0).contains(&r)
    {
        anyhow::bail!("--min-rate {r} is not a share between 0 and 1");
    }
    let profile = log_input::profile(&args.log)?;
    let read = log_input::read_log(&args.log, profile.as_ref())?;
    let log = &read.log;
    let (name, net, label_of) = if Path::new(&args.process).extension().is_some_and(|e| e == "pnml") {
        let net = read_pnml(Path::new(&args.process))?;
        let labels: Vec<Option<String>> = log.activities.iter().map(|(_, a)| Some(a.to_owned())).collect();
        (args.process.clone(), net, labels)
    } else {
        let process = process_arg::load(&args.process, &args.processes)?;
        let mapping = log_input::map_activities(log, &process, profile.as_ref())?;
        let labels: Vec<Option<String>> =
            mapping.step_of.iter().map(|s| s.map(|s| process.step(s).id.clone())).collect();
        (process.id.clone(), compile(&process), labels)
    };
    let result = check(log, &net, &label_of, args.budget).context("the net cannot be aligned with at all")?;
    if let Some(path) = &args.per_trace {
        write_per_trace(path, log, &net, &result)?;
    }
    let s = &result.summary;
    match args.format {
        CheckFormat::Json => {
            let report = Report {
                process: &name,
                log: args.log.log.display().to_string(),
                summary: s,
                rows_read: read.accounting.rows_read,
                rows_rejected: read.accounting.rows_rejected(),
            };
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)?;
        }
        CheckFormat::Text => write_text(out, &name, &args.log.log.display().to_string(), s)?,
    }
    let below = args.min_rate.is_some_and(|r| s.conformance_rate < r);
    Ok(if below { Exit::CriteriaNotMet } else { Exit::Ok })
}

fn write_text(out: &mut impl Write, process: &str, log: &str, s: &Summary) -> std::io::Result<()> {
    writeln!(out, "{log} against {process} (optimal alignments)")?;
    writeln!(out, "  tickets            {} in {} variants", s.cases, s.variants)?;
    writeln!(
        out,
        "  conformance rate   {:.2} % ({} tickets with no deviation)",
        100.0 * s.conformance_rate,
        s.fitting
    )?;
    writeln!(out, "  log fitness        {:.4}", s.log_fitness)?;
    writeln!(out, "  avg trace fitness  {:.4}", s.average_trace_fitness)?;
    writeln!(
        out,
        "  not computed       {} tickets (over the state budget; counted in the rate's denominator)",
        s.not_computed
    )?;
    for (title, map) in [("most skipped steps", &s.skipped), ("most unexpected steps", &s.unexpected)] {
        let mut v: Vec<_> = map.iter().collect();
        v.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        if !v.is_empty() {
            writeln!(out, "\n{title} (tickets x times)")?;
            for (step, n) in v.into_iter().take(10) {
                writeln!(out, "  {n:>8}  {step}")?;
            }
        }
    }
    Ok(())
}

fn write_per_trace(path: &Path, log: &EventLog, net: &PetriNet, r: &CheckResult) -> anyhow::Result<()> {
    let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut w = csv::Writer::from_writer(BufWriter::new(file));
    w.write_record(["case_id", "cost", "fitness", "fits", "alignment"])?;
    for case in log.case_indices() {
        let t = r.of_case(case);
        let trace = log.trace(case);
        let row = match &t.alignment {
            Some(a) => [
                a.cost.to_string(),
                format!("{:.6}", t.fitness(r.empty_cost).unwrap_or(0.0)),
                u8::from(a.cost == 0).to_string(),
                describe(net, a, |i| log.activity_name(trace[i]).to_owned()),
            ],
            None => [String::new(), String::new(), String::new(), "not computed".to_owned()],
        };
        w.write_record([log.case_id(case), &row[0], &row[1], &row[2], &row[3]])?;
    }
    w.into_inner()
        .map_err(csv::IntoInnerError::into_error)?
        .flush()
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
