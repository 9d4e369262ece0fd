//! The department view as text: the sections `check` prints after the conformance figures.
//!
//! Owns [`write_text`]: hand-offs, loop-backs, organisational conformance, repeats and
//! escalations, the KPIs, each a few summary lines and the top rows of its lists (the JSON of
//! [`crate::report::department::DepartmentReport`] has them all). O(rows shown).

use std::io::{self, Write};

use crate::report::department::{
    DepartmentReport, EscalationReport, HandoffsReport, LoopbacksReport, OrgReport, RepeatReport, StepOrg,
};
use crate::report::figures::pct;

fn opt_hours(h: Option<f64>) -> String {
    h.map_or_else(|| "-".to_owned(), |h| format!("{h:.1} h"))
}

/// Rows shown per list in the text (JSON has them all).
const TOP: usize = 8;

/// Writes the department view's sections as text.
pub fn write_text(out: &mut impl Write, r: &DepartmentReport) -> io::Result<()> {
    write_handoffs(out, &r.handoffs)?;
    write_loopbacks(out, &r.loopbacks)?;
    write_organisation(out, &r.organisational_conformance)?;
    write_repeats(out, &r.repeat_complaints, &r.escalations)?;
    write_kpis(out, r)
}

fn write_handoffs(out: &mut impl Write, h: &HandoffsReport) -> io::Result<()> {
    writeln!(out, "\nhand-offs (departments from {})", h.departments_from.describe())?;
    writeln!(
        out,
        "  per ticket         {} mean, {} in all; the design's main path makes {} ({})",
        h.mean_per_ticket.map_or_else(|| "-".to_owned(), |m| format!("{m:.2}")),
        h.total,
        h.main_path.handoffs,
        h.main_path.steps.join(" -> ")
    )?;
    for p in h.matrix.iter().take(TOP) {
        writeln!(
            out,
            "  {:>8}  {} -> {}  (median wait {}{})",
            p.count,
            p.from,
            p.to,
            opt_hours(p.median_wait_hours),
            match p.returns {
                0 => String::new(),
                1 => ", 1 return".to_owned(),
                n => format!(", {n} returns"),
            }
        )?;
    }
    Ok(())
}

fn write_loopbacks(out: &mut impl Write, l: &LoopbacksReport) -> io::Result<()> {
    let d = &l.departments;
    writeln!(out, "\nloop-backs")?;
    writeln!(
        out,
        "  department returns {} in {} tickets ({} per ticket; the main path returns {} by design), {} ping-pong",
        d.returns,
        d.tickets_with_returns,
        d.mean_per_ticket.map_or_else(|| "-".to_owned(), |m| format!("{m:.2}")),
        d.designed_on_main_path,
        d.ping_pong
    )?;
    for x in d.per_department.iter().take(TOP) {
        writeln!(out, "  {:>8}  back to {}", x.returns, x.department)?;
    }
    writeln!(
        out,
        "  repeated steps     {} in {} tickets: {} designed, {} undesigned in {} tickets{}",
        l.loopbacks,
        l.tickets_with_loopbacks,
        l.designed,
        l.undesigned,
        l.tickets_with_undesigned,
        if l.not_judged > 0 { format!(", {} not judged (not aligned)", l.not_judged) } else { String::new() }
    )?;
    let split = |s: &crate::conformance::loopback::Split| {
        if l.resources_known { format!("{} ({} repeat, {} redo)", s.all, s.repeat, s.redo) } else { s.all.to_string() }
    };
    writeln!(out, "  self-loops         {}; repetitions {}", split(&l.self_loops), split(&l.repetitions))?;
    writeln!(out, "  time in loop-backs {:.1} h, of it undesigned {:.1} h", l.hours, l.undesigned_hours)?;
    for s in l.per_step.iter().take(TOP) {
        writeln!(
            out,
            "  {:>8}  {}  ({} designed, {} undesigned, {} tickets)",
            s.self_loops.all + s.repetitions.all,
            s.step,
            s.designed,
            s.undesigned,
            s.tickets
        )?;
    }
    Ok(())
}

fn write_organisation(out: &mut impl Write, o: &OrgReport) -> io::Result<()> {
    writeln!(out, "\norganisational conformance (the owning department did the step)")?;
    if o.measured {
        writeln!(
            out,
            "  rate               {} ({} of {} events; {} wrong-department events in {} tickets{})",
            pct(o.rate),
            o.right,
            o.checked,
            o.wrong,
            o.tickets_with_wrong,
            if o.unknown_department > 0 {
                format!("; {} events by departments that name no role, not counted", o.unknown_department)
            } else {
                String::new()
            }
        )?;
        let mut worst: Vec<&StepOrg> = o.per_step.iter().filter(|s| s.wrong > 0).collect();
        worst.sort_by(|a, b| b.wrong.cmp(&a.wrong).then_with(|| a.step.cmp(&b.step)));
        for s in worst.iter().take(TOP) {
            let instead: Vec<String> =
                s.done_instead_by.iter().map(|i| format!("{} {}", i.department, i.events)).collect();
            writeln!(
                out,
                "  {:>8}  {} (owner {}; done by {}; e.g. {})",
                s.wrong,
                s.step,
                s.owner,
                instead.join(", "),
                s.examples.join(", ")
            )?;
        }
    } else {
        writeln!(
            out,
            "  not measured: the log has no department column (name it with --role, or map agents in a profile's resources:)"
        )?;
    }
    Ok(())
}

fn write_repeats(out: &mut impl Write, rp: &RepeatReport, e: &EscalationReport) -> io::Result<()> {
    writeln!(out, "\nrepeat complaints and escalations")?;
    if rp.available {
        writeln!(
            out,
            "  repeats            {} of {} tickets ({}), same customer{} within {} days",
            rp.repeats,
            rp.tickets,
            pct(rp.rate),
            if rp.by_business { " and business" } else { "" },
            rp.window_days
        )?;
        writeln!(
            out,
            "  repeated later     {} after undesigned loop-backs, {} after other tickets",
            pct(rp.after_undesigned_loopbacks.rate),
            pct(rp.after_others.rate)
        )?;
    } else {
        writeln!(out, "  repeats            not measured: the log has no customer column")?;
    }
    if e.configured {
        writeln!(
            out,
            "  escalated          {} ({}); {} with undesigned loop-backs, {} others",
            e.escalated,
            pct(e.rate),
            pct(e.with_undesigned_loopbacks.rate),
            pct(e.others.rate)
        )?;
    } else {
        writeln!(out, "  escalated          not configured (add `escalation:` to the process)")?;
    }
    Ok(())
}

fn write_kpis(out: &mut impl Write, r: &DepartmentReport) -> io::Result<()> {
    writeln!(out, "\nhotline KPIs")?;
    let f = &r.first_reply_success;
    if f.configured {
        writeln!(
            out,
            "  first-reply success {} ({} of {} closed tickets never reached the back office)",
            pct(f.rate),
            f.successes,
            f.closed_tickets
        )?;
    } else {
        writeln!(out, "  first-reply success not configured (give the roles `office: front|back`)")?;
    }
    let c = &r.closed_loop;
    if c.configured {
        let missing: Vec<String> =
            c.missing.iter().filter(|m| m.tickets > 0).map(|m| format!("{} {}", m.entry, m.tickets)).collect();
        writeln!(
            out,
            "  closed loop        {} ({} of {} tickets{})",
            pct(c.rate),
            c.complete,
            c.tickets,
            if missing.is_empty() { String::new() } else { format!("; missing: {}", missing.join(", ")) }
        )?;
    } else {
        writeln!(out, "  closed loop        not configured (add `closed_loop:` to the process)")?;
    }
    if let Some(cr) = &r.complaint_rate {
        writeln!(out, "  complaint rate     per 10,000 contacts (target {})", cr.target_per_10000)?;
        for ch in &cr.channels {
            let rate = ch.per_10000.map_or_else(|| "no contacts given".to_owned(), |x| format!("{x:.2}"));
            let mark = if ch.meets_target == Some(false) { "  ABOVE TARGET" } else { "" };
            writeln!(out, "    {:<12} {:>8} tickets  {rate}{mark}", ch.channel, ch.tickets)?;
        }
    }
    Ok(())
}
