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

use crate::analysis::complaint_rate::Contacts;
use crate::analysis::limits::SlaOptions;
use crate::analysis::view::{DepartmentView, ViewOptions, department_view};
use crate::cli::args::{AuditArgs, CheckArgs, CheckFormat, Lang};
use crate::cli::exit::Exit;
use crate::cli::{log_input, process_arg, sla};
use crate::conformance::allow::{AllowList, Allowed};
use crate::conformance::check::{CheckOptions, CheckResult, Progress, check};
use crate::conformance::deviation::DeviationPattern;
use crate::conformance::fitness::{Summary, describe};
use crate::conformance::token_replay::TokenReplaySummary;
use crate::log::department::Departments;
use crate::log::event_log::EventLog;
use crate::log::mapping::ActivityMapping;
use crate::log::read::ReadLog;
use crate::model::diagnostic;
use crate::model::process::Process;
use crate::net::compile::compile;
use crate::net::petri::PetriNet;
use crate::net::pnml::read_pnml;
use crate::report::data_quality::{self, DataQuality};
use crate::report::department::{DepartmentReport, Names};
use crate::report::department_text;
use crate::report::sla::{self as sla_report, LimitSummary, tiers};

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
    data_quality: &'a DataQuality,
    /// Compliance with the time limits, when the process directory has them.
    time_limits: Option<&'a LimitSummary>,
    /// The department view (absent for a Petri net, which has no departments or designed loops).
    #[serde(flatten)]
    department: Option<&'a DepartmentReport>,
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

/// A log checked against a process: everything `check` and `loops` report.
pub struct Checked {
    /// The process or net's name.
    pub name: String,
    /// The process, when it is one (not a Petri net).
    pub process: Option<Process>,
    /// The net the tickets were aligned with.
    pub net: PetriNet,
    /// The log as read.
    pub read: ReadLog,
    /// The alignments and their figures.
    pub result: CheckResult,
    /// The allow-list resolved for this process.
    pub allowed: Option<Allowed>,
    /// Rows and labels.
    pub quality: DataQuality,
    /// The department view, for a process.
    pub view: Option<(DepartmentView, Departments)>,
    /// Whether names are in Chinese.
    pub zh: bool,
    /// Compliance with the process directory's time limits, when it has them.
    pub limits: Option<LimitSummary>,
}

impl Checked {
    /// The department view's report, for a process.
    pub fn department_report(&self) -> Option<DepartmentReport> {
        let (view, depts) = self.view.as_ref()?;
        let process = self.process.as_ref()?;
        let names = Names { process, log: &self.read.log, depts, zh: self.zh };
        Some(DepartmentReport::new(view, &names))
    }
}

/// Reads, aligns and walks the log `args` name: the pipeline shared by `check` and `loops`.
/// Prints the data-quality warnings on standard error.
pub fn checked(args: &AuditArgs) -> anyhow::Result<Checked> {
    checked_from(args, |profile| log_input::read_log(&args.log, profile))
}

/// As [`checked`], with the log from `read` (given the log profile, when `--mapping` names one)
/// instead of from the file `args` name: for a log made in memory, such as a what-if replay.
pub fn checked_from(
    args: &AuditArgs,
    read: impl FnOnce(Option<&crate::log::profile::Profile>) -> anyhow::Result<ReadLog>,
) -> anyhow::Result<Checked> {
    let time_limit = match args.time_limit {
        Some(s) if s.is_finite() && s > 0.0 => Some(std::time::Duration::from_secs_f64(s)),
        Some(s) => anyhow::bail!("--time-limit {s} is not a positive number of seconds"),
        None => None,
    };
    let allow_list = load_allow_list(args.allow.as_deref())?;
    let contacts = match &args.contacts {
        Some(path) => Some(Contacts::load(path)?),
        None => None,
    };
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
    let read = read(profile.as_ref())?;
    let log = &read.log;
    let mapping: Option<ActivityMapping> = match &process {
        Some(p) => Some(log_input::map_activities(log, p, profile.as_ref())?),
        None => None,
    };
    let depts = match &process {
        Some(p) => Some(log_input::departments(log, p, profile.as_ref())?),
        None => None,
    };
    let label_of: Vec<Option<String>> = match (&process, &mapping) {
        (Some(p), Some(m)) => m.step_of.iter().map(|s| s.map(|s| p.step(s).id.clone())).collect(),
        _ => log.activities.iter().map(|(_, a)| Some(a.to_owned())).collect(),
    };
    let quality = DataQuality::new(
        &read.accounting,
        log.event_count() as u64,
        process.as_ref().zip(mapping.as_ref()).map(|(p, m)| m.summary(log, p).unmapped),
        depts.as_ref().map(|d| d.unmapped(log)).unwrap_or_default(),
    );
    for w in quality.warnings(&log_input::reading_flags(&args.log), &args.process) {
        eprintln!("warning: {w}");
    }
    let bar = Bar::default();
    let memory_limit = (args.memory_limit > 0).then(|| args.memory_limit.saturating_mul(1 << 20));
    let options =
        CheckOptions { budget: args.budget, time_limit, memory_limit, allowed: allowed.as_ref(), progress: &bar };
    let result = check(log, &net, &label_of, &options).context("the net cannot be aligned with at all");
    if let Some(bar) = bar.0.get() {
        bar.finish_and_clear();
    }
    let result = result?;
    let view = match (&process, &mapping, depts) {
        (Some(p), Some(m), Some(d)) if !args.conformance_only => {
            let options = ViewOptions { repeat_days: args.repeat_days, contacts: contacts.as_ref() };
            Some((department_view(log, p, &net, &m.step_of, &d, &result, &options), d))
        }
        _ => None,
    };
    let zh = match args.lang {
        Some(Lang::Zh) => true,
        Some(Lang::En) => false,
        None => process.as_ref().is_some_and(Process::prefers_zh),
    };
    let limits = match (&process, &mapping) {
        (Some(p), Some(m)) if !args.conformance_only && !args.skip_limits => {
            time_limits(&args.processes, &read.log, p, &m.step_of, args.as_of)
        }
        _ => None,
    };
    Ok(Checked { name, process, net, read, result, allowed, quality, view, zh, limits })
}

/// The compliance summary of the directory's `time-limits.yaml` (none when it has no such file,
/// or when it or a calendar is invalid: then a warning), open tickets measured to the log's last
/// event.
fn time_limits(
    dir: &Path,
    log: &EventLog,
    process: &Process,
    step_of: &[Option<crate::model::process::StepId>],
    as_of: Option<crate::log::timestamp::Time>,
) -> Option<LimitSummary> {
    // A broken time-limits file or calendar (reported with its locations) costs the summary, not
    // the check.
    let setup = match sla::load_limits(dir, None, None) {
        Ok(Some(setup)) => setup,
        Ok(None) => return None,
        Err(e) => {
            eprintln!("warning: the time limits are not evaluated: {e:#}");
            return None;
        }
    };
    let tiers = tiers(log, None);
    let as_of = as_of.unwrap_or_else(|| log.time_span().map_or(crate::log::timestamp::Time(0), |(_, last)| last));
    let options =
        SlaOptions { as_of, warn_at: sla::DEFAULT_WARN_AT, calendar: None, tiers: &tiers, keep_tickets: false };
    let figures = setup.evaluate(log, process, step_of, options);
    Some(LimitSummary::new(&figures, &setup.rules, as_of))
}

/// Runs `check`: exit 1 when the conformance rate is below `--min-rate`, 2 on bad input.
pub fn run(args: &CheckArgs, out: &mut impl Write) -> anyhow::Result<Exit> {
    if let Some(r) = args.min_rate
        && !(0.0..=1.0).contains(&r)
    {
        anyhow::bail!("--min-rate {r} is not a share between 0 and 1");
    }
    let c = checked(&args.audit)?;
    let log = &c.read.log;
    let result = &c.result;
    if let Some(path) = &args.per_trace {
        write_per_trace(path, log, &c.net, result, c.view.as_ref().map(|(v, _)| v))?;
    }
    let department = c.department_report();
    let s = &result.summary;
    let log_name = args.audit.log.log.display().to_string();
    match args.format {
        CheckFormat::Json => {
            let report = Report {
                process: &c.name,
                log: log_name,
                summary: s,
                allow_list: args.audit.allow.as_ref().map(|p| p.display().to_string()),
                deviation_patterns: &result.patterns,
                token_replay: &result.token_replay,
                rows_read: c.read.accounting.rows_read,
                rows_rejected: c.read.accounting.rows_rejected(),
                data_quality: &c.quality,
                time_limits: c.limits.as_ref(),
                department: department.as_ref(),
            };
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)?;
        }
        CheckFormat::Text => {
            let allow = c.allowed.as_ref().zip(args.audit.allow.as_deref());
            let step_name = |id: &str| match c.process.as_ref().and_then(|p| p.step_id(id).map(|s| p.step(s))) {
                Some(step) if step.display(c.zh) != id => format!("{} ({id})", step.display(c.zh)),
                _ => id.to_owned(),
            };
            write_text(out, &c.name, &log_name, result, allow, step_name)?;
            data_quality::write_text(out, &c.quality)?;
            if let Some(l) = &c.limits {
                sla_report::write_summary(out, l)?;
            }
            match &department {
                Some(d) => department_text::write_text(out, d)?,
                None if args.audit.conformance_only => {}
                None => writeln!(
                    out,
                    "
(hand-offs, loop-backs and departments need a process file: a Petri net has no departments or designed loops)"
                )?,
            }
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
    step_name: impl Fn(&str) -> String,
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
        "  not computed       {} tickets (over the state budget, time limit or memory bound; counted in the rate's denominator)",
        s.not_computed
    )?;
    // Skipped steps are the process's (named in its language); unexpected events the log's labels.
    for (title, map, part, skipped) in [
        ("most skipped steps", &s.skipped, &s.allowed.skipped, true),
        ("most unexpected steps", &s.unexpected, &s.allowed.unexpected, false),
    ] {
        let v = ranked(map);
        if !v.is_empty() {
            writeln!(out, "\n{title} (tickets x times)")?;
            for (step, n) in v.into_iter().take(10) {
                let name = if skipped { step_name(step) } else { step.clone() };
                match part.get(step) {
                    Some(k) => writeln!(out, "  {n:>8}  {name}  ({k} allow-listed)")?,
                    None => writeln!(out, "  {n:>8}  {name}")?,
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

fn write_per_trace(
    path: &Path,
    log: &EventLog,
    net: &PetriNet,
    r: &CheckResult,
    view: Option<&DepartmentView>,
) -> anyhow::Result<()> {
    let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut w = csv::Writer::from_writer(BufWriter::new(file));
    let mut header = vec!["case_id", "cost", "fitness", "fits", "alignment", "allowed", "tbr_fitness"];
    if view.is_some() {
        header.extend([
            "handoffs",
            "department_returns",
            "loopbacks",
            "designed_loopbacks",
            "undesigned_loopbacks",
            "wrong_department_events",
            "repeat_of",
        ]);
    }
    w.write_record(&header)?;
    let mut record: Vec<String> = Vec::with_capacity(header.len());
    for case in log.case_indices() {
        record.clear();
        let t = r.of_case(case);
        let trace = log.trace(case);
        record.push(log.case_id(case).to_owned());
        match &t.alignment {
            Some(a) => record.extend([
                a.cost.to_string(),
                format!("{:.6}", t.fitness(r.empty_cost).unwrap_or(0.0)),
                u8::from(a.cost == 0).to_string(),
                describe(net, a, |i| log.activity_name(trace[i]).to_owned()),
                u8::from(r.conforms_by_allow_list(case)).to_string(),
            ]),
            None => {
                record.extend([String::new(), String::new(), String::new(), "not computed".to_owned(), String::new()]);
            }
        }
        record.push(format!("{:.6}", r.replays[r.variant_of(case)].fitness()));
        if let Some(v) = view {
            let row = &v.per_ticket[case.index()];
            record.extend([
                row.handoffs.handoffs.to_string(),
                row.handoffs.returns.to_string(),
                row.loops.loopbacks.to_string(),
                row.loops.designed.to_string(),
                row.loops.undesigned.to_string(),
                row.wrong_department.to_string(),
                v.repeats.repeat_of[case.index()].map(|c| log.case_id(c).to_owned()).unwrap_or_default(),
            ]);
        }
        w.write_record(&record)?;
    }
    w.into_inner()
        .map_err(csv::IntoInnerError::into_error)?
        .flush()
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
