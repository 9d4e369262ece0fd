//! `flowaudit loops`: where tickets bounce back most: the worst tickets, steps and department
//! pairs, from the department view of `check`.

use std::io::Write;

use serde::Serialize;

use crate::cli::args::{CheckFormat, LoopsArgs};
use crate::cli::check::{Checked, checked};
use crate::cli::exit::Exit;
use crate::model::process::StepId;
use crate::report::department::{Names, PairRow, StepLoops};
use crate::report::figures::hours;

/// One ticket among the worst.
#[derive(Debug, Serialize)]
struct WorstTicket {
    case_id: String,
    undesigned_loopbacks: u32,
    designed_loopbacks: u32,
    department_returns: u32,
    ping_pong: u32,
    loopback_hours: f64,
    /// The departments it went through, runs collapsed.
    departments: Vec<String>,
}

/// What `loops --format json` prints.
#[derive(Debug, Serialize)]
struct LoopsReport {
    process: String,
    log: String,
    tickets: Vec<WorstTicket>,
    steps: Vec<StepLoops>,
    department_pairs: Vec<PairRow>,
}

/// Runs `loops`.
pub fn run(args: &LoopsArgs, out: &mut impl Write) -> anyhow::Result<Exit> {
    let c = checked(&args.audit)?;
    let (Some(report), Some((view, depts)), Some(process)) = (c.department_report(), &c.view, &c.process) else {
        anyhow::bail!(
            "`loops` needs a process file (a Petri net has no departments or designed loops) and the department view (drop --conformance-only)"
        );
    };
    let log = &c.read.log;
    let names = Names { process, log, depts, zh: c.zh };
    let mut order: Vec<usize> = (0..view.per_ticket.len())
        .filter(|&i| {
            let r = &view.per_ticket[i];
            r.loops.loopbacks > 0 || r.handoffs.returns > 0
        })
        .collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (&view.per_ticket[a], &view.per_ticket[b]);
        (rb.loops.undesigned, rb.handoffs.returns, rb.loops.time)
            .cmp(&(ra.loops.undesigned, ra.handoffs.returns, ra.loops.time))
            .then(a.cmp(&b))
    });
    let tickets = order
        .into_iter()
        .take(args.top)
        .map(|i| {
            let case = crate::log::event_log::CaseIdx(u32::try_from(i).unwrap_or(u32::MAX));
            let r = &view.per_ticket[i];
            WorstTicket {
                case_id: log.case_id(case).to_owned(),
                undesigned_loopbacks: r.loops.undesigned,
                designed_loopbacks: r.loops.designed,
                department_returns: r.handoffs.returns,
                ping_pong: r.handoffs.ping_pong,
                loopback_hours: hours(r.loops.time),
                departments: path(&c, case, &names),
            }
        })
        .collect();
    let steps: Vec<StepLoops> = report.loopbacks.per_step.into_iter().take(args.top).collect();
    let mut pairs: Vec<PairRow> = report.handoffs.matrix.into_iter().filter(|p| p.returns > 0).collect();
    pairs.sort_by(|a, b| {
        (b.returns, b.ping_pong).cmp(&(a.returns, a.ping_pong)).then_with(|| (&a.from, &a.to).cmp(&(&b.from, &b.to)))
    });
    pairs.truncate(args.top);
    let r = LoopsReport {
        process: c.name.clone(),
        log: args.audit.log.log.display().to_string(),
        tickets,
        steps,
        department_pairs: pairs,
    };
    match args.format {
        CheckFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &r)?;
            writeln!(out)?;
        }
        CheckFormat::Text => write_text(out, &r)?,
    }
    Ok(Exit::Ok)
}

/// The departments `case` went through, consecutive repeats written once.
fn path(c: &Checked, case: crate::log::event_log::CaseIdx, names: &Names<'_>) -> Vec<String> {
    let Some((view, depts)) = &c.view else { return Vec::new() };
    let Some(process) = &c.process else { return Vec::new() };
    let log = &c.read.log;
    let mut out: Vec<String> = Vec::new();
    for e in log.events_of(case) {
        let id = view.activity_id[log.activity[e].index()] as usize;
        let step = (id < process.steps.len()).then(|| StepId(u32::try_from(id).unwrap_or(u32::MAX)));
        let d = depts.of_event(log, e, step, process);
        if !d.is_some() {
            continue;
        }
        let name = names.dept(d);
        if out.last() != Some(&name) {
            out.push(name);
        }
    }
    out
}

fn write_text(out: &mut impl Write, r: &LoopsReport) -> std::io::Result<()> {
    writeln!(out, "{} against {}: where tickets bounce back", r.log, r.process)?;
    writeln!(out, "\nworst tickets (undesigned loop-backs, designed, department returns, hours in loop-backs)")?;
    if r.tickets.is_empty() {
        writeln!(out, "  none: no ticket repeats a step or returns to a department")?;
    }
    for t in &r.tickets {
        writeln!(
            out,
            "  {:<16} {:>3} {:>3} {:>3} {:>8.1} h  {}",
            t.case_id,
            t.undesigned_loopbacks,
            t.designed_loopbacks,
            t.department_returns,
            t.loopback_hours,
            t.departments.join(" -> ")
        )?;
    }
    writeln!(out, "\nsteps done again (all, designed, undesigned, tickets)")?;
    for s in &r.steps {
        writeln!(
            out,
            "  {:>8} {:>8} {:>8} {:>8}  {}",
            s.self_loops.all + s.repetitions.all,
            s.designed,
            s.undesigned,
            s.tickets,
            s.step
        )?;
    }
    writeln!(out, "\ndepartment pairs that send tickets back (hand-offs, returns, ping-pong)")?;
    for p in &r.department_pairs {
        writeln!(out, "  {:>8} {:>8} {:>8}  {} -> {}", p.count, p.returns, p.ping_pong, p.from, p.to)?;
    }
    Ok(())
}
