//! Per-variant search statistics: `cargo run --release --example align_stats -- LOG NET.pnml [N]`
//! prints the states expanded and time by cost class, the N slowest variants and the totals
//! (single-threaded), and the states by the bound's gap at the start (optimal cost minus the
//! first state's bound) with those expanded below the optimal estimate. Environment: `ALIGN_FORWARD` searches forward, `ALIGN_DIJKSTRA` without
//! the heuristic, `ALIGN_ONLY=V` aligns variant V alone, `ALIGN_FIT` lists fitting variants only.

use std::time::Instant;

use flowaudit::conformance::alignment::{Aligner, Direction, Heuristic, Workspace};
use flowaudit::log::accounting::NoSink;
use flowaudit::log::options::ReadOptions;
use flowaudit::log::read;
use flowaudit::log::variants::Variants;
use flowaudit::net::pnml::read_pnml;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(log), Some(net)) = (args.get(1), args.get(2)) else {
        anyhow::bail!("usage: align_stats LOG NET.pnml [N]");
    };
    let top: usize = args.get(3).map_or(Ok(10), |s| s.parse())?;
    let read = read::read(log.as_ref(), &ReadOptions::default(), &mut NoSink)?;
    let net = read_pnml(net.as_ref())?;
    let direction = if std::env::var_os("ALIGN_FORWARD").is_some() { Direction::Forward } else { Direction::Backward };
    let mut aligner = Aligner::with_direction(&net, u64::MAX, direction);
    if std::env::var_os("ALIGN_DIJKSTRA").is_some() {
        aligner.heuristic = Heuristic::Zero;
    }
    let log = &read.log;
    let variants = Variants::of(log);
    let started = Instant::now();
    let mut rows = Vec::new();
    let mut gaps: Vec<(u32, u64, u64)> = Vec::new();
    let mut workspace = Workspace::default();
    let only: Option<usize> = std::env::var("ALIGN_ONLY").ok().and_then(|s| s.parse().ok());
    for (v, var) in variants.list.iter().enumerate() {
        if only.is_some_and(|o| o != v) {
            continue;
        }
        let trace: Vec<Option<usize>> =
            log.trace(var.example).iter().map(|&a| aligner.label(log.activity_name(a))).collect();
        let t = Instant::now();
        let a = aligner.align_in(&mut workspace, &trace)?;
        let secs = t.elapsed().as_secs_f64();
        if secs > 0.5 {
            eprintln!("slow: variant {v} len {} cost {} states {} {secs:.2} s", trace.len(), a.cost, a.states);
        }
        rows.push((secs, a.states, trace.len(), a.cost, v));
        gaps.push((a.cost - a.bound.min(a.cost), a.states, a.below));
    }
    let total = started.elapsed().as_secs_f64();
    let states: u64 = rows.iter().map(|r| r.1).sum();
    for c in 0..3 {
        let (n, st, tm) = rows
            .iter()
            .filter(|r| r.3 == c || (c == 2 && r.3 > 2))
            .fold((0, 0, 0.0), |a, r| (a.0 + 1, a.1 + r.1, a.2 + r.0));
        println!("cost {c}{}: variants {n} states {st} time {tm:.3} s", if c == 2 { "+" } else { "" });
    }
    let below: u64 = gaps.iter().map(|g| g.2).sum();
    println!("states below the optimal estimate: {below} of {states}");
    gaps.sort_unstable();
    for chunk in gaps.chunk_by(|a, b| a.0 == b.0) {
        let st: u64 = chunk.iter().map(|g| g.1).sum();
        let bl: u64 = chunk.iter().map(|g| g.2).sum();
        println!("bound gap {}: variants {} states {st} below the optimum {bl}", chunk[0].0, chunk.len());
    }
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!("variants {} states {} time {:.3} s", rows.len(), states, total);
    for (t, s, len, cost, v) in rows.iter().filter(|r| std::env::var_os("ALIGN_FIT").is_none() || r.3 == 0).take(top) {
        println!("variant {v:>5} len {len:>4} cost {cost:>3} states {s:>9} {t:.4} s");
    }
    Ok(())
}
