//! `flowaudit log stats`: what a log holds, and what happened to every row.

use std::io::Write;

use crate::cli::args::{LogStatsArgs, StatsFormat};
use crate::cli::exit::Exit;
use crate::cli::log_input;
use crate::cli::process_arg;
use crate::log::stats::LogStats;
use crate::log::variants::Variants;
use crate::render::table::Table;

/// Runs `log stats`.
pub fn run(args: &LogStatsArgs, out: &mut impl Write) -> anyhow::Result<Exit> {
    let profile = log_input::profile(&args.log)?;
    let read = log_input::read_log(&args.log, profile.as_ref())?;
    let variants = Variants::of(&read.log);
    let mut stats = LogStats::of(&args.log.log.display().to_string(), &read, &variants);
    if let Some(id) = &args.process {
        let process = process_arg::load(id, &args.processes)?;
        let mapping = log_input::map_activities(&read.log, &process, profile.as_ref())?;
        stats.mapping = Some(mapping.summary(&read.log, &process));
    }
    match args.format {
        StatsFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &stats)?;
            writeln!(out)?;
        }
        StatsFormat::Text => write_text(&stats, out)?,
    }
    Ok(Exit::Ok)
}

fn write_text(s: &LogStats, out: &mut impl Write) -> std::io::Result<()> {
    writeln!(out, "{} ({})", s.file, s.format)?;
    writeln!(out, "  cases      {}", s.cases)?;
    writeln!(out, "  events     {}", s.events)?;
    writeln!(out, "  variants   {}", s.variants)?;
    writeln!(out, "  activities {}", s.activity_count)?;
    if let (Some(first), Some(last)) = (&s.first_event, &s.last_event) {
        writeln!(out, "  time span  {first} .. {last}")?;
    }
    if s.untimed_events > 0 {
        writeln!(out, "  untimed    {} events (kept in file order)", s.untimed_events)?;
    }
    if let Some(sp) = &s.events_per_case {
        writeln!(out, "  events per case: min {}, median {}, mean {:.2}, max {}", sp.min, sp.median, sp.mean, sp.max)?;
    }
    writeln!(
        out,
        "  rows       {} read = {} accepted + {} rejected + {} filtered",
        s.rows_read, s.events, s.rows_rejected, s.rows_filtered
    )?;
    if !s.columns.is_empty() {
        let cols: Vec<String> = s.columns.iter().map(|(f, c)| format!("{f}=`{c}`")).collect();
        writeln!(out, "  columns    {}", cols.join(", "))?;
    }
    for (reason, tally) in &s.rejected {
        writeln!(out, "\nrejected ({}): {}", reason.as_str(), rows(tally.count))?;
        for r in &tally.examples {
            let case = r.case.as_ref().map(|c| format!(" ticket {c}:")).unwrap_or_default();
            writeln!(out, "  line {}:{case} {}", r.line, r.detail)?;
        }
    }
    for (kind, tally) in &s.notes {
        let name = serde_json::to_value(kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
        writeln!(out, "\nnote ({name}): {}", rows(tally.count))?;
        for n in &tally.examples {
            writeln!(out, "  line {}: {}", n.line, n.detail)?;
        }
    }
    if let Some(m) = &s.mapping {
        writeln!(
            out,
            "\nmapping onto `{}`: {} events mapped, {} unmapped",
            m.process, m.mapped_events, m.unmapped_events
        )?;
        let mut t = Table { headers: vec!["label".into(), "step".into(), "events".into()], rows: Vec::new() };
        for l in m.mapped.iter().chain(&m.unmapped) {
            t.rows.push(vec![
                l.label.clone(),
                l.step.clone().unwrap_or_else(|| "(unmapped)".into()),
                l.events.to_string(),
            ]);
        }
        t.write_text(out)?;
        if !m.steps_not_seen.is_empty() {
            writeln!(out, "steps no event maps to: {}", m.steps_not_seen.join(", "))?;
        }
    }
    writeln!(out, "\nactivities")?;
    let mut t = Table { headers: vec!["activity".into(), "events".into(), "cases".into()], rows: Vec::new() };
    for a in &s.activities {
        t.rows.push(vec![a.activity.clone(), a.events.to_string(), a.cases.to_string()]);
    }
    t.write_text(out)?;
    writeln!(out, "\ntop variants")?;
    let mut t = Table {
        headers: vec!["#".into(), "cases".into(), "%".into(), "length".into(), "activities".into()],
        rows: Vec::new(),
    };
    for (i, v) in s.top_variants.iter().enumerate() {
        t.rows.push(vec![
            (i + 1).to_string(),
            v.cases.to_string(),
            format!("{:.1}", v.percent),
            v.activities.len().to_string(),
            v.activities.join(" > "),
        ]);
    }
    t.write_text(out)
}

fn rows(n: u64) -> String {
    if n == 1 { "1 row".to_owned() } else { format!("{n} rows") }
}
