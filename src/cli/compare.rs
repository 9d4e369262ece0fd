//! `flowaudit compare`: two processes side by side, with a month of tickets for each and the
//! first month replayed on the second design (`--what-if`). The library computes the figures
//! ([`crate::analysis::design`], [`crate::simulate::what_if`], [`crate::report::compare`]) and
//! draws the picture ([`crate::render::compare`]); this module reads, checks and writes.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::analysis::design::design_figures;
use crate::cli::args::{CompareArgs, CompareFormat, Lang, LogArgs, RenderFormat};
use crate::cli::check::{Checked, checked, checked_from};
use crate::cli::exit::Exit;
use crate::cli::render::{audit_args, draw, format_of, metric, overlaid_map, step_of};
use crate::cli::{log_input, process_arg};
use crate::log::read::ReadLog;
use crate::model::process::Process;
use crate::render::compare::{caption, side_by_side};
use crate::render::dot::Value;
use crate::render::overlay::Metric;
use crate::render::process_map::designed_map;
use crate::report::compare::{CompareReport, DesignReport, Outcome, Side, WhatIfReport};
use crate::simulate::what_if::{Assumptions, Recorded, replay};

/// The month's figures of a checked log.
fn outcome(c: &Checked) -> anyhow::Result<Outcome> {
    let (Some((view, _)), true) = (&c.view, c.process.is_some()) else {
        anyhow::bail!("`compare` needs process files, not Petri nets");
    };
    Ok(Outcome::new(&c.read.log, &c.result.summary, view, c.limits.as_ref()))
}

/// The first month `c` replayed on `to`, checked like a recorded one.
fn what_if(args: &CompareArgs, c: &Checked, to: &Process) -> anyhow::Result<(Checked, Assumptions)> {
    let (Some(from), Some((view, _))) = (&c.process, &c.view) else {
        anyhow::bail!("`compare --what-if` needs process files, not Petri nets");
    };
    let step_of = step_of(from, view);
    let follow_ups: Vec<u32> = view.per_ticket.iter().map(|t| t.loops.follow_ups).collect();
    let rec = Recorded { log: &c.read.log, process: from, step_of: &step_of, follow_ups: &follow_ups };
    let (log, assumptions) = replay(&rec, to, args.seed);
    let made = ReadLog::made(log);
    let log = LogArgs { log: PathBuf::from(format!("what-if ({} → {})", from.id, to.id)), ..LogArgs::default() };
    let checked = checked_from(&audit_args(log, &to.id, &args.processes, args.lang), |_| Ok(made))?;
    Ok((checked, assumptions))
}

/// The lines under the picture that say what the what-if assumed.
fn assumption_notes(a: &Assumptions, from: &Process, to: &Process, seed: u64, zh: bool) -> Vec<String> {
    let names = |p: &Process, ids: &[String]| -> String {
        let list: Vec<&str> = ids.iter().filter_map(|id| p.step_id(id)).map(|s| p.step(s).display(zh)).collect();
        if list.is_empty() { "-".to_owned() } else { list.join(if zh { "、" } else { ", " }) }
    };
    let (new, dropped) = (names(to, &a.new_steps), names(from, &a.dropped_steps));
    let (fname, tname) = (from.display_name(zh), to.display_name(zh));
    if zh {
        vec![
            format!(
                "假设：{fname}的 {} 张工单按{tname}重放（种子 {seed}），{} 张无可用事件未计入。",
                a.tickets, a.tickets_left_out
            ),
            format!(
                "每张工单保留到达时间、分支（{} 次由工单自身步骤决定，{} 次按当月比例抽取）和追加诉求（{} 次经设计回环重放，{} 次路径上无回环而舍弃）。",
                a.choices_from_ticket, a.choices_drawn, a.follow_ups, a.follow_ups_dropped
            ),
            format!(
                "步骤时长（含等待）：{} 个事件用工单自身时长，{} 个取当月同步骤时长，{} 个当月未记录的步骤（{new}）用模拟器的设计时长。",
                a.durations_own, a.durations_month, a.durations_designed
            ),
            format!(
                "第二流程没有的步骤（{dropped}）连同其时长一并去掉；重放工单完全按第二流程执行、由设计部门处理，当月的偏差不带入。"
            ),
        ]
    } else {
        vec![
            format!(
                "What-if: the {} tickets of {fname} replayed on {tname} (seed {seed}); {} without a usable event left out.",
                a.tickets, a.tickets_left_out
            ),
            format!(
                "Each ticket keeps its arrival, its branches ({} choices decided by its own steps, {} drawn from the month's shares) and its follow-up requests ({} replayed through the designed loops, {} with no loop on its path dropped).",
                a.choices_from_ticket, a.choices_drawn, a.follow_ups, a.follow_ups_dropped
            ),
            format!(
                "Step durations (waiting included): {} events take the ticket's own, {} one of the month's for that step, {} the simulator's designed timing for steps the month never recorded ({new}).",
                a.durations_own, a.durations_month, a.durations_designed
            ),
            format!(
                "Steps the second design lacks ({dropped}) are dropped with their time; replayed tickets follow the second design exactly, each step by its owning role: the month's deviations are not carried over."
            ),
        ]
    }
}

/// Draws both maps, each with its month, and the table under them, to `path`.
fn picture(
    args: &CompareArgs,
    [a, b]: [&Process; 2],
    checked_logs: &[Checked],
    replayed: Option<&(Checked, Assumptions)>,
    table: &crate::render::table::Table,
    zh: bool,
    path: &Path,
) -> anyhow::Result<()> {
    let format = format_of(path).unwrap_or(RenderFormat::Svg);
    let metric = metric(args.metric);
    let map_a = match checked_logs.first() {
        Some(c) => overlaid_map(c, metric)?,
        None => designed_map(a, zh),
    };
    // The second map shows its own month, else the what-if's.
    let map_b = match (checked_logs.get(1), replayed) {
        (Some(c), _) => overlaid_map(c, metric)?,
        // The what-if has no deviations by construction: it shows its tickets per step and path.
        (None, Some((c, _))) => {
            let metric = if metric == Metric::Deviations { Metric::Frequency } else { metric };
            let mut map = overlaid_map(c, metric)?;
            if let Some((_, Value::Str(title))) = map.attrs.iter_mut().find(|(k, _)| *k == "label") {
                title.push_str(if zh {
                    "\n假设：第一流程的当月工单按此流程重放"
                } else {
                    "\nwhat-if: the first process's month replayed on it"
                });
            }
            map
        }
        (None, None) => designed_map(b, zh),
    };
    let shared: Vec<String> = a.steps.iter().filter(|s| b.step_id(&s.id).is_some()).map(|s| s.id.clone()).collect();
    let mut notes: Vec<String> = vec![CompareReport::difference_note(zh).to_owned()];
    if let Some((_, assumptions)) = replayed {
        notes.extend(assumption_notes(assumptions, a, b, args.seed, zh));
    }
    for (c, path) in checked_logs.iter().zip(&args.log) {
        for w in c.quality.warnings(&log_input::reading_flags(&args.reading.log_args(path)), &c.name) {
            notes.push(format!("{}: {w}", c.name));
        }
    }
    let picture = side_by_side(map_a, map_b, &shared, Some(caption(table, &notes)));
    let bytes = draw(picture.to_dot(), format)?;
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// One side of a comparison: the design, and the month `c` when there is one.
fn side(p: &Process, c: Option<&Checked>, path: Option<&PathBuf>, zh: bool) -> anyhow::Result<Side> {
    Ok(Side {
        id: p.id.clone(),
        name: p.display_name(zh).to_owned(),
        version: p.version.clone(),
        design: DesignReport::new(p, &design_figures(p), zh),
        observed: c.map(outcome).transpose()?,
        log: path.map(|p| p.display().to_string()),
    })
}

/// The comparison of two processes of one kind that both ran in an audited month (e.g. the
/// linear and the flattened complaint flow), first by id; `None` unless exactly two did.
pub fn same_kind(checked: &[Checked], zh: bool) -> anyhow::Result<Option<CompareReport>> {
    let [a, b] = checked else { return Ok(None) };
    let (Some(pa), Some(pb)) = (&a.process, &b.process) else { return Ok(None) };
    let (first, second) = if pa.id <= pb.id { ((pa, a), (pb, b)) } else { ((pb, b), (pa, a)) };
    Ok(Some(CompareReport {
        processes: vec![side(first.0, Some(first.1), None, zh)?, side(second.0, Some(second.1), None, zh)?],
        what_if: None,
    }))
}

/// Runs `compare`.
pub fn run(args: &CompareArgs, out: &mut impl Write) -> anyhow::Result<Exit> {
    let [first, second] = &args.process[..] else {
        anyhow::bail!("give exactly two processes: `--process FIRST --process SECOND` ({} given)", args.process.len());
    };
    if args.log.len() > 2 {
        anyhow::bail!("give at most one log per process: {} logs for 2 processes", args.log.len());
    }
    if args.what_if && args.log.is_empty() {
        anyhow::bail!("`--what-if` replays the first process's month on the second: give it with `--log FILE`");
    }
    let a = process_arg::load(first, &args.processes)?;
    let b = process_arg::load(second, &args.processes)?;
    let zh = match args.lang {
        Some(Lang::Zh) => true,
        Some(Lang::En) => false,
        None => a.prefers_zh(),
    };
    let checked_logs: Vec<Checked> = args
        .log
        .iter()
        .zip([&a.id, &b.id])
        .map(|(path, id)| {
            checked(&audit_args(
                args.reading.log_args(path),
                id,
                &args.processes,
                Some(if zh { Lang::Zh } else { Lang::En }),
            ))
        })
        .collect::<anyhow::Result<_>>()?;
    let replayed = match (args.what_if, checked_logs.first()) {
        (true, Some(c)) => Some(what_if(args, c, &b)?),
        _ => None,
    };
    let report = CompareReport {
        processes: vec![
            side(&a, checked_logs.first(), args.log.first(), zh)?,
            side(&b, checked_logs.get(1), args.log.get(1), zh)?,
        ],
        what_if: match &replayed {
            Some((c, assumptions)) => {
                Some(WhatIfReport { outcome: outcome(c)?, assumptions: assumptions.clone(), seed: args.seed })
            }
            None => None,
        },
    };
    let table = report.table(zh);
    if let Some(path) = &args.output {
        picture(args, [&a, &b], &checked_logs, replayed.as_ref(), &table, zh, path)?;
    }
    match args.format {
        CompareFormat::Text => {
            table.write_text(out)?;
            writeln!(out, "\n{}", CompareReport::difference_note(zh))?;
        }
        CompareFormat::Markdown => {
            table.write_markdown(out)?;
            writeln!(out, "\n{}", CompareReport::difference_note(zh))?;
        }
        CompareFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)?;
        }
    }
    Ok(Exit::Ok)
}
