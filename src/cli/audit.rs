//! `flowaudit audit`: a whole centre's month, routed through the touchpoint map, checked per
//! process, and written as `reports/YYYY-MM/`. The walk of a ticket: read -> select the month ->
//! route ([`crate::log::routing`]) -> per process: align and the department view
//! ([`crate::cli::check`]), time limits and bottlenecks, the map -> [`crate::report::audit`].

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use chrono::{Datelike as _, TimeZone as _};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::args::{AuditMonthArgs, Lang};
use crate::cli::check::{Checked, checked_from};
use crate::cli::render::{audit_args, overlaid_map, run_dot, step_of};
use crate::cli::{log_input, sla};
use crate::log::accounting::Accounting;
use crate::log::event_log::{CaseIdx, EventLog};
use crate::log::read::ReadLog;
use crate::log::routing::{Routing, route};
use crate::log::timestamp::Time;
use crate::model::benchmarks::Benchmarks;
use crate::model::diagnostic;
use crate::model::library::{self, Library};
use crate::render::overlay::Metric;
use crate::report::audit::{Audit, ProcessAudit, RoutingReport, Summary};
use crate::report::audit_pages::{html_page, markdown};
use crate::report::audit_sections::{BenchmarkRow, benchmark_rows, sections};
use crate::report::compare::Outcome;
use crate::report::data_quality::DataQuality;
use crate::report::report_dir::{FileName, ReportDir};
use crate::report::sheet::Sheet;
use crate::report::sla::tiers;
use crate::report::{csv_out, xlsx};

/// The bundled sample month `flowaudit audit` audits when given no log.
pub const EXAMPLE_LOG: &str = "samples/2026-10/centre.csv.gz";
/// The bundled sample month's contact volumes (simulated, like the month).
pub const EXAMPLE_CONTACTS: &str = "samples/2026-10/contacts.csv";
/// The folder the bundled example is written to, under `--out`.
pub const EXAMPLE_NAME: &str = "example";
/// Variants listed per process.
const TOP_VARIANTS: usize = 10;

/// What the command line resolved to.
pub struct Setup {
    /// The logs.
    pub logs: Vec<PathBuf>,
    /// The folder name under `--out`: the month, or `example`.
    pub name: String,
    /// Whether an existing folder may be replaced.
    pub force: bool,
    /// The centre's time zone, for month boundaries.
    pub zone: chrono_tz::Tz,
    /// Contact volumes per channel, for the complaint rate.
    pub contacts: Option<PathBuf>,
}

/// The month (`YYYY-MM`) a time falls in, in `zone`.
fn month_of(t: Time, zone: chrono_tz::Tz) -> Option<String> {
    let secs = t.0.div_euclid(1_000_000);
    let local = zone.timestamp_opt(secs, 0).single()?;
    Some(format!("{:04}-{:02}", local.year(), local.month()))
}

/// Each ticket's month of opening (its first timed event), `None` without a timestamp.
fn opening_months(log: &EventLog, zone: chrono_tz::Tz) -> Vec<Option<String>> {
    log.case_indices()
        .map(|c| {
            let first = log.events_of(c).map(|e| log.time[e]).filter(|t| t.is_some()).min()?;
            month_of(first, zone)
        })
        .collect()
}

/// The month most tickets opened in (the later one on a tie).
fn modal_month(months: &[Option<String>]) -> Option<String> {
    let mut counts: std::collections::BTreeMap<&str, u64> = std::collections::BTreeMap::new();
    for m in months.iter().flatten() {
        *counts.entry(m).or_default() += 1;
    }
    counts.iter().max_by_key(|(m, n)| (**n, **m)).map(|(m, _)| (*m).to_owned())
}

/// The process library of `dir`, or its errors printed with their locations.
pub fn library(dir: &Path) -> anyhow::Result<Library> {
    let lib = library::load(&[dir.to_path_buf()]);
    if lib.has_errors() {
        diagnostic::write_text(&mut std::io::stderr().lock(), &lib.diagnostics, |name| lib.source(name))?;
        anyhow::bail!(
            "the process directory {} has errors: run `flowaudit validate --processes {}`",
            dir.display(),
            dir.display()
        );
    }
    Ok(lib)
}

/// A bar over the processes, on a terminal.
fn bar(len: u64) -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("auditing {bar:30} {pos}/{len} processes: {msg}") {
        bar.set_style(style.progress_chars("=> "));
    }
    Some(bar)
}

/// The tickets opened in `month` (`months`: each ticket's, from [`opening_months`]) and the counts
/// of those left out (other months, no timestamp).
fn select_month(months: &[Option<String>], month: &str) -> (Vec<CaseIdx>, u64, u64) {
    let mut keep = Vec::new();
    let (mut other, mut untimed) = (0, 0);
    for (c, m) in (0u32..).map(CaseIdx).zip(months) {
        match m {
            Some(m) if m == month => keep.push(c),
            Some(_) => other += 1,
            None => untimed += 1,
        }
    }
    (keep, other, untimed)
}

/// The month the user named, or the one most tickets opened in (`months`: each ticket's).
fn choose_month(given: Option<&str>, months: &[Option<String>]) -> anyhow::Result<String> {
    if let Some(m) = given {
        crate::simulate::config::Month::parse(m).map_err(|e| anyhow::anyhow!("--month {m}: {e}"))?;
        return Ok(m.to_owned());
    }
    modal_month(months).context("no ticket of the log has a timestamp: give --month YYYY-MM")
}

/// One process's month: checked, its time limits and bottlenecks, its map.
fn audit_process(
    args: &AuditMonthArgs,
    id: &str,
    log: EventLog,
    as_of: Time,
    limits: Option<&sla::LimitsSetup>,
    zh: bool,
    draw: bool,
) -> anyhow::Result<(ProcessAudit, Checked)> {
    let made = ReadLog::made(log);
    let mut a = audit_args(
        crate::cli::args::LogArgs { log: PathBuf::from(id), ..Default::default() },
        id,
        &args.processes,
        Some(if zh { Lang::Zh } else { Lang::En }),
    );
    a.as_of = Some(as_of);
    // The limits are evaluated once below, for the full report; its summary serves `check`'s too.
    a.skip_limits = true;
    let mut c = checked_from(&a, |_| Ok(made))?;
    let (Some(process), Some((view, depts))) = (&c.process, &c.view) else {
        anyhow::bail!("`{id}` is not a process file");
    };
    let log = &c.read.log;
    let steps = step_of(process, view);
    let sla = limits.map(|setup| {
        let tiers = tiers(log, None);
        let tickets = sla::Tickets { log, process, step_of: &steps, depts, tiers: &tiers, zh };
        setup.report(&tickets, as_of, sla::DEFAULT_WARN_AT, 20).0
    });
    let map_svg = if draw {
        let dot = overlaid_map(&c, Metric::Deviations)?.to_dot();
        Some(String::from_utf8_lossy(&run_dot(&dot, "svg")?).into_owned())
    } else {
        None
    };
    let mut variants: Vec<(Vec<String>, u64)> = c
        .result
        .variants
        .list
        .iter()
        .map(|v| {
            let names = log
                .trace(v.example)
                .iter()
                .map(|&a| {
                    steps[a.index()]
                        .map_or_else(|| log.activity_name(a).to_owned(), |s| process.step(s).display(zh).to_owned())
                })
                .collect();
            (names, u64::from(v.count))
        })
        .collect();
    variants.sort_by(|x, y| y.1.cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
    variants.truncate(TOP_VARIANTS);
    let outcome = Outcome::new(log, &c.result.summary, view, sla.as_ref().map(|s| &s.summary));
    let p = ProcessAudit {
        id: process.id.clone(),
        name: process.display_name(zh).to_owned(),
        version: process.version.clone(),
        outcome,
        conformance: c.result.summary.clone(),
        patterns: c.result.patterns.clone(),
        variants,
        department: c.department_report(),
        sla,
        quality: c.quality.clone(),
        map_svg,
    };
    c.limits = p.sla.as_ref().map(|s| s.summary.clone());
    Ok((p, c))
}

/// Reads, selects, routes and audits the month against the processes of `lib`: everything but
/// the writing.
pub fn audit(args: &AuditMonthArgs, setup: &Setup, lib: &Library) -> anyhow::Result<Audit> {
    let mut read_logs: Vec<ReadLog> = Vec::new();
    for path in &setup.logs {
        let la = args.reading.log_args(path);
        let profile = log_input::profile(&la)?;
        read_logs.push(log_input::read_log(&la, profile.as_ref())?);
    }
    let quality = rows_quality(&read_logs);
    let log = EventLog::concat(read_logs.into_iter().map(|r| r.log).collect());
    let months = opening_months(&log, setup.zone);
    let month = choose_month(args.month.as_deref(), &months)?;
    let (cases, other_months, untimed) = select_month(&months, &month);
    let month_log = log.subset(&cases);
    drop((log, months));
    let routing = if let Some(id) = &args.process {
        Routing::all_to(&month_log, &crate::cli::process_arg::load(id, &args.processes)?.id)
    } else {
        let map = lib.touchpoints.as_ref().with_context(|| {
            format!("{} has no touchpoints.yaml to route tickets by: give --process ID", args.processes.display())
        })?;
        route(&month_log, map, month_log.cases.brand.as_deref())
    };
    let zh = !matches!(args.lang, Some(Lang::En));
    let as_of = month_end(&month, setup.zone).min(month_log.time_span().map_or(Time(i64::MAX), |(_, last)| last));
    let limits = sla::load_limits(&args.processes, None, None)?;
    let draw = which_dot();
    if !draw {
        eprintln!(
            "warning: Graphviz's `dot` is not installed: the report has no maps (Debian: apt-get install graphviz fonts-wqy-microhei)"
        );
    }
    let bar = bar(routing.routed.len() as u64);
    let mut processes = Vec::new();
    // The processes of the kind that has two designs running this month (linear vs flattened).
    let kind_of = |id: &str| lib.process(id).map(|p| p.kind.clone());
    let mut kinds: std::collections::BTreeMap<String, u32> = std::collections::BTreeMap::new();
    for id in routing.routed.keys() {
        if let Some(k) = kind_of(id) {
            *kinds.entry(k).or_default() += 1;
        }
    }
    let paired = |id: &str| kind_of(id).is_some_and(|k| kinds.get(&k) == Some(&2));
    let mut checked: Vec<Checked> = Vec::new();
    for (id, cases) in &routing.routed {
        if let Some(b) = &bar {
            b.set_message(id.clone());
        }
        let (p, c) = audit_process(args, id, month_log.subset(cases), as_of, limits.as_ref(), zh, draw)?;
        processes.push(p);
        if paired(id) {
            checked.push(c);
        }
        if let Some(b) = &bar {
            b.inc(1);
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let compare = crate::cli::compare::same_kind(&checked, zh)?;
    Ok(Audit {
        month,
        zh,
        logs: setup.logs.iter().map(|p| p.display().to_string()).collect(),
        tickets: cases.len() as u64,
        other_months,
        untimed,
        processes,
        routing: RoutingReport::new(&routing, args.process.is_none()),
        quality,
        compare,
        complaints: routing
            .routed
            .iter()
            .filter(|(id, _)| lib.process(id).is_some_and(|p| p.kind == "complaint"))
            .map(|(_, cases)| cases.len() as u64)
            .sum(),
        contacts: match setup.contacts.as_deref() {
            Some(path) => Some(crate::analysis::complaint_rate::Contacts::load(path)?.per_channel.values().sum()),
            None => None,
        },
        inspections: match &args.inspections {
            Some(path) => load_inspections(path, lib)?,
            None => std::collections::BTreeMap::new(),
        },
    })
}

/// On-site inspection results: CSV `process,inspected,compliant`, one row per process (rows of
/// one process add up). A bad row, or one naming no process of `lib`, stops with its line and
/// what to write.
fn load_inspections(path: &Path, lib: &Library) -> anyhow::Result<std::collections::BTreeMap<String, (u64, u64)>> {
    let mut r = csv::Reader::from_path(path).with_context(|| format!("cannot read {}", path.display()))?;
    let headers = r.headers()?.clone();
    let col = |name: &str| {
        headers.iter().position(|h| h.trim().trim_start_matches('\u{feff}') == name).with_context(|| {
            format!("{}: no `{name}` column; the header must be `process,inspected,compliant`", path.display())
        })
    };
    let (p, i, c) = (col("process")?, col("inspected")?, col("compliant")?);
    let mut out: std::collections::BTreeMap<String, (u64, u64)> = std::collections::BTreeMap::new();
    for (n, row) in r.records().enumerate() {
        let line = n + 2;
        let row = row.with_context(|| format!("{}:{line}: cannot read the row", path.display()))?;
        let num =
            |k: usize, what: &str| {
                row.get(k).unwrap_or("").trim().parse::<u64>().with_context(|| {
                    format!("{}:{line}: `{what}` must be a whole number of inspections", path.display())
                })
            };
        let (inspected, compliant) = (num(i, "inspected")?, num(c, "compliant")?);
        if compliant > inspected {
            anyhow::bail!(
                "{}:{line}: `compliant` ({compliant}) is more than `inspected` ({inspected})",
                path.display()
            );
        }
        let process = row.get(p).unwrap_or("").trim();
        if lib.process(process).is_none() {
            let known: Vec<&str> = lib.processes.iter().map(|p| p.id.as_str()).collect();
            anyhow::bail!(
                "{}:{line}: no process `{process}` in the process directory (known: {})",
                path.display(),
                known.join(", ")
            );
        }
        let e = out.entry(process.to_owned()).or_default();
        e.0 += inspected;
        e.1 += compliant;
    }
    Ok(out)
}

/// The rows read, accepted, filtered and rejected across `reads`.
fn rows_quality(reads: &[ReadLog]) -> DataQuality {
    let mut sum = DataQuality::new(&Accounting::default(), 0, None, Vec::new());
    for r in reads {
        let q = DataQuality::new(&r.accounting, r.log.event_count() as u64, None, Vec::new());
        sum.rows_read += q.rows_read;
        sum.rows_accepted += q.rows_accepted;
        sum.rows_rejected += q.rows_rejected;
        sum.rows_filtered += q.rows_filtered;
        sum.events += q.events;
        for (reason, n) in q.rejected_by_reason {
            *sum.rejected_by_reason.entry(reason).or_default() += n;
        }
    }
    sum
}

/// Whether Graphviz's `dot` runs.
fn which_dot() -> bool {
    std::process::Command::new("dot").arg("-V").output().is_ok_and(|o| o.status.success())
}

/// The first instant after `month` (`YYYY-MM`) in `zone`.
fn month_end(month: &str, zone: chrono_tz::Tz) -> Time {
    let Ok(m) = crate::simulate::config::Month::parse(month) else { return Time(i64::MAX) };
    let first = m.first_day();
    let next = first.checked_add_months(chrono::Months::new(1)).unwrap_or(first);
    next.and_hms_opt(0, 0, 0)
        .and_then(|d| zone.from_local_datetime(&d).earliest())
        .map_or(Time(i64::MAX), |d| Time(d.timestamp() * 1_000_000))
}

/// The logs, folder name and zone the command line asks for.
fn setup(args: &AuditMonthArgs) -> anyhow::Result<Setup> {
    let zone =
        crate::log::timestamp::parse_zone(&args.zone).map_err(|e| anyhow::anyhow!("--zone {}: {e}", args.zone))?;
    if args.log.is_empty() {
        if args.month.is_some() || args.process.is_some() {
            anyhow::bail!("give the month's export with --log FILE");
        }
        if !Path::new(EXAMPLE_LOG).is_file() {
            anyhow::bail!(
                "give the month's export with --log FILE (the bundled example {EXAMPLE_LOG} is not here: run in the repository)"
            );
        }
        // The bundled example is committed and rebuilt by design: it is always replaced.
        let contacts = args.contacts.clone().or_else(|| Some(PathBuf::from(EXAMPLE_CONTACTS)).filter(|p| p.is_file()));
        return Ok(Setup {
            logs: vec![PathBuf::from(EXAMPLE_LOG)],
            name: EXAMPLE_NAME.to_owned(),
            force: true,
            zone,
            contacts,
        });
    }
    if args.log.len() > 1 && args.reading.rejects.is_some() {
        anyhow::bail!("--rejects writes one file per log: give one --log with it");
    }
    Ok(Setup { logs: args.log.clone(), name: String::new(), force: args.force, zone, contacts: args.contacts.clone() })
}

/// The benchmark values of the process directory, when it has `benchmarks.yaml`.
fn benchmarks(dir: &Path, lib: &Library) -> anyhow::Result<Option<Benchmarks>> {
    let path = dir.join(crate::model::benchmarks::FILE_NAME);
    if !path.is_file() {
        return Ok(None);
    }
    let ids: Vec<&str> = lib.processes.iter().map(|p| p.id.as_str()).collect();
    Benchmarks::load(&path, &ids).map(Some).map_err(|e| {
        let _ = diagnostic::write_text(&mut std::io::stderr().lock(), &e.diagnostics, |_| e.text.as_deref());
        anyhow::anyhow!("{} is invalid: run `flowaudit validate`", path.display())
    })
}

/// Earlier months' `summary.json` under `out` (folders named `YYYY-MM` before `month`), then
/// this month's: the trend, oldest first. Unreadable or foreign files are skipped with a warning.
fn trends(out: &Path, month: &str, this: &Summary) -> Vec<Summary> {
    let mut earlier: Vec<Summary> = Vec::new();
    if let Ok(entries) = std::fs::read_dir(out) {
        for e in entries.filter_map(Result::ok) {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.len() != 7 || crate::simulate::config::Month::parse(&name).is_err() || name.as_str() >= month {
                continue;
            }
            let path = e.path().join("summary.json");
            let Ok(text) = std::fs::read_to_string(&path) else { continue };
            match serde_json::from_str::<Summary>(&text) {
                Ok(s) if s.schema.starts_with("flowaudit.audit/") => earlier.push(s),
                Ok(_) | Err(_) => {
                    eprintln!("warning: {} is not a flowaudit summary: left out of the trends", path.display());
                }
            }
        }
    }
    earlier.sort_by(|a, b| a.month.cmp(&b.month));
    earlier.push(this.clone());
    earlier
}

/// Writes the month's folder: pages, workbook, summary, tables, maps, charts.
fn write_report(
    args: &AuditMonthArgs,
    setup: &Setup,
    audit: &Audit,
    lib: &Library,
) -> anyhow::Result<(PathBuf, Vec<BenchmarkRow>)> {
    let rows = match benchmarks(&args.processes, lib)? {
        Some(b) => benchmark_rows(&b, audit),
        None => Vec::new(),
    };
    let mut summary = audit.summary();
    summary.benchmarks.clone_from(&rows);
    let trend = trends(&args.out, &audit.month, &summary);
    let sections = sections(audit, &rows, &trend);
    let dir = ReportDir::create(&args.out, &setup.name, setup.force)?;
    let mut maps = Vec::new();
    for p in &audit.processes {
        if let Some(svg) = &p.map_svg {
            let name = FileName::with_ext(&format!("map-{}", p.id), "svg");
            dir.write_bytes(&name, svg.as_bytes())?;
            maps.push((p.name.clone(), name.as_str().to_owned()));
        }
    }
    for (i, (_, svg)) in
        sections.iter().flat_map(|s| &s.pictures).filter(|(_, svg)| svg.starts_with("<svg")).enumerate()
    {
        dir.write_bytes(&FileName::with_ext(&format!("chart-{}", i + 1), "svg"), svg.as_bytes())?;
    }
    dir.write(&FileName::new("index.html"), |w| w.write_all(html_page(audit, &sections, &rows).as_bytes()))?;
    dir.write(&FileName::new("audit.md"), |w| markdown(audit, &sections, &rows, &maps, w))?;
    dir.write(&FileName::new("summary.json"), |w| {
        serde_json::to_writer_pretty(&mut *w, &summary)?;
        writeln!(w)
    })?;
    let sheets: Vec<Sheet> = sections.iter().flat_map(|s| s.sheets.iter().cloned()).collect();
    for s in &sheets {
        dir.write(&FileName::with_ext(&s.id, "csv"), |w| csv_out::write(s, w))?;
    }
    // The workbook's creation time is the month's first day, so the same month gives the same bytes.
    let created = crate::simulate::config::Month::parse(&audit.month)
        .map(|m| m.first_day().and_hms_opt(0, 0, 0).unwrap_or_default())
        .unwrap_or_default();
    dir.write_bytes(&FileName::new("audit.xlsx"), &xlsx::workbook(&sheets, created)?)?;
    Ok((dir.commit()?, rows))
}

/// Runs `audit`: exit 1 with `--fail-on-miss` when a benchmark value is missed.
pub fn run(args: &AuditMonthArgs, out: &mut impl std::io::Write) -> anyhow::Result<crate::cli::exit::Exit> {
    let mut setup = setup(args)?;
    let lib = library(&args.processes)?;
    let audit = audit(args, &setup, &lib)?;
    if setup.name.is_empty() {
        setup.name.clone_from(&audit.month);
    }
    let (path, rows) = write_report(args, &setup, &audit, &lib)?;
    let missed: Vec<&BenchmarkRow> = rows.iter().filter(|r| r.passed == Some(false)).collect();
    let names: Vec<String> = missed
        .iter()
        .map(|r| format!("{}{}", r.name, r.process.as_ref().map_or_else(String::new, |p| format!(" ({p})"))))
        .collect();
    writeln!(
        out,
        "{}: {} tickets, conformance {}, {} of {} benchmark values missed{}",
        path.join("index.html").display(),
        audit.tickets,
        crate::report::figures::pct(audit.conformance_rate()),
        missed.len(),
        rows.len(),
        if names.is_empty() { String::new() } else { format!(": {}", names.join(", ")) }
    )?;
    if args.fail_on_miss && !missed.is_empty() {
        return Ok(crate::cli::exit::Exit::CriteriaNotMet);
    }
    Ok(crate::cli::exit::Exit::Ok)
}
