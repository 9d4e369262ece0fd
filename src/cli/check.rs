//! `flowaudit check`: tickets against their process, by optimal alignments (primary) and
//! token-based replay (secondary), with an optional allow-list of accepted deviations.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, IsTerminal as _, Write};
use std::path::Path;
use std::sync::OnceLock;

use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use crate::cli::args::{CheckArgs, CheckFormat};
use crate::cli::exit::Exit;
use crate::cli::{log_input, process_arg};
use crate::conformance::allow::{AllowList, Allowed};
use crate::conformance::check::{CheckOptions, CheckResult, Progress, check};
use crate::conformance::deviation::DeviationPattern;
use crate::conformance::fitness::{Summary, describe};
use crate::conformance::token_replay::TokenReplaySummary;
use crate::log::event_log::EventLog;
use crate::model::diagnostic;
use crate::net::compile::compile;
use crate::net::petri::PetriNet;
use crate::net::pnml::read_pnml;

/// A progress bar is drawn only for logs with more variants than this (and only on a terminal).
const PROGRESS_MIN_VARIANTS: u64 = 200;
/// Deviation patterns shown in the text output (JSON has them all).
const TOP_PATTERNS: usize = 10;

/// What `--format json` prints.
#[derive(Serialize)]
struct Report<'a> {
    process: &'a str,
    log: String,
    #[serde(flatten)]
    summary: &'a Summary,
    /// The allow-list file, when one was given.
    allow_list: Option<String>,
    deviation_patterns: &'a [DeviationPattern],
    token_replay: &'a TokenReplaySummary,
    rows_read: u64,
    rows_rejected: u64,
}

/// A bar of variants aligned, on standard error, when it is a terminal and the log is large.
#[derive(Default)]
struct Bar(OnceLock<ProgressBar>);

impl Progress for Bar {
    fn start(&self, variants: u64) {
        if variants <= PROGRESS_MIN_VARIANTS || !std::io::stderr().is_terminal() {
            return;
        }
        let bar = ProgressBar::with_draw_target(Some(variants), ProgressDrawTarget::stderr());
        if let Ok(style) =
            ProgressStyle::with_template("aligning {bar:40} {pos}/{len} variants, {elapsed} ({eta} left)")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        let _ = self.0.set(bar);
    }

    fn advance(&self, variants: u64) {
        if let Some(bar) = self.0.get() {
            bar.inc(variants);
        }
    }
}

/// The allow-list `--allow` names, if any; its problems are printed with their locations.
fn load_allow_list(path: Option<&Path>) -> anyhow::Result<Option<AllowList>> {
    let Some(path) = path else { return Ok(None) };
    match AllowList::load(path) {
        Ok(list) => Ok(Some(list)),
        Err(e) => {
            diagnostic::write_text(&mut std::io::stderr().lock(), &e.diagnostics, |_| e.text.as_deref())?;
            anyhow::bail!("the allow-list {} is invalid", path.display())
        }
    }
}

/// Runs `check`: exit 1 when the conformance rate is below `--min-rate`, 2 on bad input.
pub fn run(args: &CheckArgs, out: &mut impl Write) -> anyhow::Result<Exit> {
    if let Some(r) = args.min_rate
        && !(0.0..=1.0).contains(&r)
    {
        anyhow::bail!("--min-rate {r} is not a share between 0 and 1");
    }
    let time_limit = match args.time_limit {
        Some(s) if s.is_finite() && s > 0.0 => Some(std::time::Duration::from_secs_f64(s)),
        Some(s) => anyhow::bail!("--time-limit {s} is not a positive number of seconds"),
        None => None,
    };
    let allow_list = load_allow_list(args.allow.as_deref())?;
    let pnml = Path::new(&args.process).extension().is_some_and(|e| e == "pnml");
    // The process (or net) before the log, so that a bad process or allow-list costs no read.
    let process = if pnml { None } else { Some(process_arg::load(&args.process, &args.processes)?) };
    let (name, allow_id, net, noun) = if let Some(p) = &process {
        (p.id.clone(), p.id.clone(), compile(p), "step")
    } else {
        let stem = Path::new(&args.process).file_stem().map(|s| s.to_string_lossy().into_owned());
        (args.process.clone(), stem.unwrap_or_default(), read_pnml(Path::new(&args.process))?, "activity")
    };
    let allowed = match &allow_list {
        Some(list) => {
            // A process's steps in file order; a net's labels sorted.
            let known: Vec<&str> = match &process {
                Some(p) => p.steps.iter().map(|s| s.id.as_str()).collect(),
                None => net.labels(),
            };
            let resolved = list.resolve(&allow_id, &known, noun).or_else(|errors| {
                diagnostic::write_text(&mut std::io::stderr().lock(), &errors, |_| Some(list.text.as_str()))?;
                anyhow::bail!("the allow-list {} does not fit process `{allow_id}`", list.file)
            })?;
            Some(resolved)
        }
        None => None,
    };
    let profile = log_input::profile(&args.log)?;
    let read = log_input::read_log(&args.log, profile.as_ref())?;
    let log = &read.log;
    let label_of: Vec<Option<String>> = match &process {
        Some(p) => {
            let mapping = log_input::map_activities(log, p, profile.as_ref())?;
            mapping.step_of.iter().map(|s| s.map(|s| p.step(s).id.clone())).collect()
        }
        None => log.activities.iter().map(|(_, a)| Some(a.to_owned())).collect(),
    };
    let bar = Bar::default();
    let options = CheckOptions { budget: args.budget, time_limit, allowed: allowed.as_ref(), progress: &bar };
    let result = check(log, &net, &label_of, &options).context("the net cannot be aligned with at all");
    if let Some(bar) = bar.0.get() {
        bar.finish_and_clear();
    }
    let result = result?;
    if let Some(path) = &args.per_trace {
        write_per_trace(path, log, &net, &result)?;
    }
    let s = &result.summary;
    let log_name = args.log.log.display().to_string();
    match args.format {
        CheckFormat::Json => {
            let report = Report {
                process: &name,
                log: log_name,
                summary: s,
                allow_list: args.allow.as_ref().map(|p| p.display().to_string()),
                deviation_patterns: &result.patterns,
                token_replay: &result.token_replay,
                rows_read: read.accounting.rows_read,
                rows_rejected: read.accounting.rows_rejected(),
            };
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)?;
        }
        CheckFormat::Text => {
            let allow = allowed.as_ref().zip(args.allow.as_deref());
            write_text(out, &name, &log_name, &result, allow)?;
        }
    }
    let below = args.min_rate.is_some_and(|r| s.conformance_rate < r);
    Ok(if below { Exit::CriteriaNotMet } else { Exit::Ok })
}

/// Entries by count, most first, then by name.
fn ranked(map: &BTreeMap<String, u64>) -> Vec<(&String, u64)> {
    let mut v: Vec<_> = map.iter().map(|(k, &n)| (k, n)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    v
}

fn write_text(
    out: &mut impl Write,
    process: &str,
    log: &str,
    r: &CheckResult,
    allow: Option<(&Allowed, &Path)>,
) -> std::io::Result<()> {
    let s = &r.summary;
    writeln!(out, "{log} against {process} (optimal alignments)")?;
    writeln!(out, "  tickets            {} in {} variants", s.cases, s.variants)?;
    if allow.is_some() {
        writeln!(
            out,
            "  conformance rate   {:.2} % ({} tickets with no deviation, {} with allow-listed deviations only)",
            100.0 * s.conformance_rate,
            s.fitting,
            s.allowed.tickets
        )?;
    } else {
        writeln!(
            out,
            "  conformance rate   {:.2} % ({} tickets with no deviation)",
            100.0 * s.conformance_rate,
            s.fitting
        )?;
    }
    if let Some((allowed, file)) = allow {
        writeln!(out, "  allow-list         {} tickets conform only thanks to the allow-list", s.allowed.tickets)?;
        writeln!(out, "                     ({}: {} entries for {process})", file.display(), allowed.entries)?;
    }
    writeln!(out, "  log fitness        {:.4}", s.log_fitness)?;
    writeln!(out, "  avg trace fitness  {:.4}", s.average_trace_fitness)?;
    if allow.is_some() {
        writeln!(out, "                     (fitness counts every deviation, allow-listed or not)")?;
    }
    writeln!(
        out,
        "  not computed       {} tickets (over the state budget or time limit; counted in the rate's denominator)",
        s.not_computed
    )?;
    for (title, map, part) in [
        ("most skipped steps", &s.skipped, &s.allowed.skipped),
        ("most unexpected steps", &s.unexpected, &s.allowed.unexpected),
    ] {
        let v = ranked(map);
        if !v.is_empty() {
            writeln!(out, "\n{title} (tickets x times)")?;
            for (step, n) in v.into_iter().take(10) {
                match part.get(step) {
                    Some(k) => writeln!(out, "  {n:>8}  {step}  ({k} allow-listed)")?,
                    None => writeln!(out, "  {n:>8}  {step}")?,
                }
            }
        }
    }
    if !r.patterns.is_empty() {
        writeln!(out, "\nmost frequent deviation patterns (tickets, variants)")?;
        for p in r.patterns.iter().take(TOP_PATTERNS) {
            let mark = if p.allowed { "  (allow-listed)" } else { "" };
            writeln!(out, "  {:>8} {:>5}  {}{mark}", p.tickets, p.variants, p.pattern)?;
        }
        if r.patterns.len() > TOP_PATTERNS {
            writeln!(out, "  ... {} more patterns in --format json", r.patterns.len() - TOP_PATTERNS)?;
        }
    }
    let t = &r.token_replay;
    writeln!(out, "\ntoken-based replay (secondary measure, as PM4Py computes it; alignments above are primary)")?;
    writeln!(out, "  log fitness        {:.4}", t.log_fitness)?;
    writeln!(out, "  avg trace fitness  {:.4}", t.average_trace_fitness)?;
    writeln!(out, "  fitting tickets    {} ({:.2} %)", t.fitting_tickets, 100.0 * t.fitting_share)?;
    if t.ignored_events == 0 {
        writeln!(out, "  ignored events     0")?;
    } else {
        let shown: Vec<String> =
            ranked(&t.ignored_activities).iter().take(5).map(|(a, n)| format!("{a} ({n})")).collect();
        let more = if t.ignored_activities.len() > 5 { ", ..." } else { "" };
        writeln!(
            out,
            "  ignored events     {} (activities the model lacks, skipped as PM4Py skips them)",
            t.ignored_events
        )?;
        writeln!(out, "                     {}{more}", shown.join(", "))?;
    }
    Ok(())
}

fn write_per_trace(path: &Path, log: &EventLog, net: &PetriNet, r: &CheckResult) -> anyhow::Result<()> {
    let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut w = csv::Writer::from_writer(BufWriter::new(file));
    w.write_record(["case_id", "cost", "fitness", "fits", "alignment", "allowed", "tbr_fitness"])?;
    for case in log.case_indices() {
        let t = r.of_case(case);
        let trace = log.trace(case);
        let row = match &t.alignment {
            Some(a) => [
                a.cost.to_string(),
                format!("{:.6}", t.fitness(r.empty_cost).unwrap_or(0.0)),
                u8::from(a.cost == 0).to_string(),
                describe(net, a, |i| log.activity_name(trace[i]).to_owned()),
                u8::from(r.conforms_by_allow_list(case)).to_string(),
            ],
            None => [String::new(), String::new(), String::new(), "not computed".to_owned(), String::new()],
        };
        let tbr = format!("{:.6}", r.replays[r.variant_of(case)].fitness());
        w.write_record([log.case_id(case), &row[0], &row[1], &row[2], &row[3], &row[4], &tbr])?;
    }
    w.into_inner()
        .map_err(csv::IntoInnerError::into_error)?
        .flush()
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
