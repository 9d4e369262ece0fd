//! `flowaudit sla`: time limits by tier and class on working calendars, the early warning of open
//! tickets, and the bottlenecks; and the loading of limits and calendars `check` shares.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::analysis::bottleneck::bottlenecks;
use crate::analysis::limits::{SlaFigures, SlaOptions, evaluate};
use crate::cli::args::{CheckFormat, Lang, SlaArgs};
use crate::cli::exit::Exit;
use crate::cli::{log_input, process_arg};
use crate::log::event_log::EventLog;
use crate::log::timestamp::{Time, TimeParser};
use crate::model::calendar::{self, Calendar};
use crate::model::diagnostic;
use crate::model::library::Library;
use crate::model::process::{Process, StepId};
use crate::model::time_limits::{self, Known, TimeLimits};
use crate::report::department::Names;
use crate::report::figures::hours;
use crate::report::sla::{SlaInput, SlaReport, tiers, write_text};

/// The share of its limit from which an open ticket is at risk, unless `--warn-at` says otherwise.
pub const DEFAULT_WARN_AT: f64 = 0.8;

/// Limits and the calendars they count on.
pub struct LimitsSetup {
    /// The rules.
    pub rules: TimeLimits,
    /// Every calendar of the process directory.
    pub calendars: Vec<Calendar>,
    /// `--calendar`: every limit on this one.
    pub only: Option<Calendar>,
}

/// Loads the calendars of `dir/calendars/` (or `--calendar`) and the rules (`limits`, default
/// `dir/time-limits.yaml`), printing every problem with its location. `Ok(None)` when the default
/// file does not exist (then there are no limits to evaluate).
pub fn load_limits(dir: &Path, limits: Option<&Path>, calendar: Option<&Path>) -> anyhow::Result<Option<LimitsSetup>> {
    let default = dir.join(time_limits::FILE_NAME);
    let path = limits.unwrap_or(&default);
    if limits.is_none() && !path.exists() {
        return Ok(None);
    }
    let (calendars, diags, sources) = calendar::load_dir(&dir.join("calendars"));
    if diags.iter().any(diagnostic::Diagnostic::is_error) {
        diagnostic::write_text(&mut std::io::stderr().lock(), &diags, |f| {
            sources.iter().find(|(n, _)| n == f).map(|(_, t)| t.as_str())
        })?;
        anyhow::bail!("the calendars of {} are invalid; run `flowaudit validate`", dir.display());
    }
    let only = match calendar {
        Some(p) => Some(calendar::load(p).or_else(|e| {
            diagnostic::write_text(&mut std::io::stderr().lock(), &e.diagnostics, |_| e.text.as_deref())?;
            anyhow::bail!("the calendar {} is invalid", p.display())
        })?),
        None => None,
    };
    let lib = crate::model::library::load(&[dir.to_path_buf()]);
    let known = known(&lib, &calendars);
    let rules = TimeLimits::load(path, &known).or_else(|e| {
        diagnostic::write_text(&mut std::io::stderr().lock(), &e.diagnostics, |_| e.text.as_deref())?;
        anyhow::bail!("the time limits {} are invalid", path.display())
    })?;
    Ok(Some(LimitsSetup { rules, calendars, only }))
}

fn known<'a>(lib: &'a Library, calendars: &'a [Calendar]) -> Known<'a> {
    Known {
        processes: lib
            .processes
            .iter()
            .map(|p| (p.id.as_str(), p.steps.iter().map(|s| s.id.as_str()).collect()))
            .collect(),
        calendars: calendars.iter().map(|c| c.id.as_str()).collect(),
    }
}

/// `customer_id -> stars` of a `flowaudit grade` CSV (columns `customer_id` and `stars`; an empty
/// `stars` is a customer listed but not graded, left without a tier); a row that is not usable
/// stops with its line.
pub fn load_grades(path: &Path) -> anyhow::Result<BTreeMap<String, u8>> {
    let mut r = csv::Reader::from_path(path).with_context(|| format!("cannot read the grades {}", path.display()))?;
    let headers = r.headers()?.clone();
    let col = |name: &str| {
        headers.iter().position(|h| h.trim_start_matches('\u{feff}') == name).with_context(|| {
            format!(
                "{}: no `{name}` column (a `flowaudit grade --format csv` file has `customer_id,...,stars`)",
                path.display()
            )
        })
    };
    let (id, stars) = (col("customer_id")?, col("stars")?);
    let mut out = BTreeMap::new();
    for (i, rec) in r.records().enumerate() {
        let rec = rec.with_context(|| format!("{}:{}", path.display(), i + 2))?;
        if rec.get(stars).unwrap_or("").trim().is_empty() {
            continue;
        }
        let s: u8 =
            rec.get(stars).unwrap_or("").trim().parse().ok().filter(|s| (1..=5).contains(s)).with_context(|| {
                format!(
                    "{}:{}: `stars` must be 1 to 5, found `{}`",
                    path.display(),
                    i + 2,
                    rec.get(stars).unwrap_or("")
                )
            })?;
        let entry = out.entry(rec.get(id).unwrap_or("").trim().to_owned()).or_insert(s);
        *entry = (*entry).max(s);
    }
    Ok(out)
}

/// `--as-of`: RFC 3339, or a naive time in the log's time zone (`--timezone` or the profile's);
/// default the log's last event.
pub fn as_of(text: Option<&str>, zone: chrono_tz::Tz, log: &EventLog) -> anyhow::Result<Time> {
    let Some(text) = text else {
        return Ok(log.time_span().map_or(Time(0), |(_, last)| last));
    };
    TimeParser::new(zone, None)
        .parse(text)
        .map_err(|e| anyhow::anyhow!("--as-of `{text}`: {e}; write e.g. 2026-11-01T09:00:00+08:00"))
}

/// A log's tickets for one process, as the time limits and bottlenecks read them.
pub struct Tickets<'a> {
    /// The log.
    pub log: &'a EventLog,
    /// The process.
    pub process: &'a Process,
    /// Each log activity's step.
    pub step_of: &'a [Option<StepId>],
    /// Each event's department.
    pub depts: &'a crate::log::department::Departments,
    /// Each ticket's tier (0: none).
    pub tiers: &'a [u8],
    /// Names in Chinese.
    pub zh: bool,
}

impl LimitsSetup {
    /// The `sla` report of `t` (open tickets measured to `as_of`, at risk past `warn_at` of a
    /// limit, `top` tickets listed) and the figures it rests on.
    pub fn report(&self, t: &Tickets<'_>, as_of: Time, warn_at: f64, top: usize) -> (SlaReport, SlaFigures) {
        let options = SlaOptions { as_of, warn_at, calendar: None, tiers: t.tiers, keep_tickets: true };
        let figures = self.evaluate(t.log, t.process, t.step_of, options);
        let b = bottlenecks(t.log, t.process, t.step_of, t.depts);
        let names = Names { process: t.process, log: t.log, depts: t.depts, zh: t.zh };
        let input = SlaInput {
            figures: &figures,
            rules: &self.rules,
            bottlenecks: &b,
            names: &names,
            tiers: t.tiers,
            as_of,
            warn_at,
            top,
        };
        (SlaReport::new(&input), figures)
    }

    /// The limits of every ticket of `log` (for `process`, `step_of` mapping its activities),
    /// with `options` (whose calendar is `--calendar`'s when one was given).
    pub fn evaluate(
        &self,
        log: &EventLog,
        process: &Process,
        step_of: &[Option<StepId>],
        options: SlaOptions<'_>,
    ) -> SlaFigures {
        let options = SlaOptions { calendar: self.only.as_ref().or(options.calendar), ..options };
        evaluate(log, process, step_of, &self.rules, &self.calendars, &options)
    }
}

/// Runs `sla`.
pub fn run(args: &SlaArgs, out: &mut impl Write) -> anyhow::Result<Exit> {
    if !(0.0..=1.0).contains(&args.warn_at) {
        anyhow::bail!("--warn-at {} is not a share between 0 and 1", args.warn_at);
    }
    let process = process_arg::load(&args.process, &args.processes)?;
    let setup = load_limits(&args.processes, args.limits.as_deref(), args.calendar.as_deref())?.with_context(|| {
        format!(
            "no time limits: {} does not exist; name a file with --limits",
            args.processes.join(time_limits::FILE_NAME).display()
        )
    })?;
    let grades = args.grades.as_deref().map(load_grades).transpose()?;
    let profile = log_input::profile(&args.log)?;
    let read = log_input::read_log(&args.log, profile.as_ref())?;
    let log = &read.log;
    let mapping = log_input::map_activities(log, &process, profile.as_ref())?;
    let depts = log_input::departments(log, &process, profile.as_ref())?;
    let zone = log_input::options(&args.log, profile.as_ref())?.zone;
    let as_of = as_of(args.as_of.as_deref(), zone, log)?;
    let tiers = tiers(log, grades.as_ref());
    let zh = match args.lang {
        Some(Lang::Zh) => true,
        Some(Lang::En) => false,
        None => process.prefers_zh(),
    };
    let tickets = Tickets { log, process: &process, step_of: &mapping.step_of, depts: &depts, tiers: &tiers, zh };
    let (report, figures) = setup.report(&tickets, as_of, args.warn_at, args.top);
    if let Some(path) = &args.per_ticket {
        write_per_ticket(path, log, &figures, &setup.rules, &tiers)?;
    }
    match args.format {
        CheckFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)?;
        }
        CheckFormat::Text => {
            writeln!(out, "{} against {} (time limits of {})", args.log.log.display(), process.id, setup.rules.file)?;
            write_text(out, &report, args.top)?;
        }
    }
    Ok(Exit::Ok)
}

fn write_per_ticket(
    path: &PathBuf,
    log: &EventLog,
    f: &SlaFigures,
    rules: &TimeLimits,
    tiers: &[u8],
) -> anyhow::Result<()> {
    let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut w = csv::Writer::from_writer(BufWriter::new(file));
    w.write_record([
        "case_id",
        "tier",
        "class",
        "calendar",
        "elapsed_hours",
        "limit_hours",
        "met",
        "over_hours",
        "share_used",
        "measure",
        "rule",
        "open",
        "due",
    ])?;
    let class = |c: crate::log::event_log::CaseIdx| {
        log.cases.class.as_ref().map(|v| v[c.index()]).filter(|s| s.is_some()).map_or("", |s| log.values.resolve(s))
    };
    let mut next = f.limits.iter().peekable();
    for case in log.case_indices() {
        let tier = tiers.get(case.index()).copied().filter(|&t| t > 0).map(|t| t.to_string()).unwrap_or_default();
        let mut any = false;
        while let Some(t) = next.next_if(|t| t.case == case) {
            any = true;
            let cal = &f.calendars[t.calendar];
            w.write_record([
                log.case_id(case),
                &tier,
                class(case),
                &cal.id,
                &format!("{:.4}", hours(t.elapsed)),
                &format!("{:.4}", hours(t.limit)),
                if t.met() { "1" } else { "0" },
                &format!("{:.4}", hours(t.over())),
                &format!("{:.4}", t.share_used()),
                t.measure.as_str(),
                &rules.rules[t.rule].id,
                if t.open { "1" } else { "0" },
                &crate::report::sla::local(t.due, cal),
            ])?;
        }
        if !any {
            w.write_record([log.case_id(case), &tier, class(case), "", "", "", "", "", "", "", "", "", ""])?;
        }
    }
    w.into_inner()
        .map_err(csv::IntoInnerError::into_error)?
        .flush()
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
