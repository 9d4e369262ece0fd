//! Import benchmark: a bare csv-crate `ByteRecord` scan of a ticket log against flowaudit's full
//! import (parse, intern, group, order), measured in the same run, plus the import's peak memory.
//!
//! Run with `cargo bench --bench import -- LOG.csv` (see `benches/README.md`; `benches/import.sh`
//! simulates the 1-million-ticket month first). Each figure is the median of three runs; the
//! import runs in a fresh child process so its peak resident memory (`VmHWM`) is its own.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use flowaudit::log::accounting::NoSink;
use flowaudit::log::options::ReadOptions;
use flowaudit::log::read;

const RUNS: usize = 3;

fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Reads every record with one reused `ByteRecord` and touches every field: the floor for any
/// CSV importer.
fn bare_scan(path: &Path) -> (f64, u64) {
    let start = Instant::now();
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_path(path).expect("log opens");
    let mut rec = csv::ByteRecord::new();
    let mut bytes = 0u64;
    while reader.read_byte_record(&mut rec).expect("log reads") {
        bytes += rec.as_slice().len() as u64;
    }
    (start.elapsed().as_secs_f64(), bytes)
}

/// In the child: one full import, then its figures as one line of `key=value`.
fn import_child(path: &Path) {
    let base = status_kib("VmRSS:");
    let start = Instant::now();
    let read = read::read(path, &ReadOptions::default(), &mut NoSink).expect("log imports");
    let secs = start.elapsed().as_secs_f64();
    let log = &read.log;
    let interned: usize = [&log.case_ids, &log.activities, &log.values]
        .iter()
        .map(|i| i.text_bytes() + i.len() * 4 /* offsets */ + i.len() * 5 /* hash table, ~ */)
        .sum();
    println!(
        "secs={secs} hwm_kib={} base_kib={base} events={} cases={} interned={interned} columns={}",
        status_kib("VmHWM:"),
        log.event_count(),
        log.case_count(),
        log.column_bytes()
    );
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn field(line: &str, key: &str) -> f64 {
    line.split_whitespace()
        .find_map(|kv| kv.strip_prefix(key).and_then(|v| v.strip_prefix('=')))
        .and_then(|v| v.parse().ok())
        .unwrap_or(f64::NAN)
}

#[expect(clippy::cast_precision_loss, reason = "figures for display")]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    if args.first().map(String::as_str) == Some("--import-child") {
        import_child(Path::new(&args[1]));
        return;
    }
    if args.first().map(String::as_str) == Some("--scan-only") {
        // For instruction counts under `valgrind --tool=callgrind`, which are repeatable where
        // seconds on a shared machine are not.
        println!("bytes={}", bare_scan(Path::new(&args[1])).1);
        return;
    }
    let Some(path) = args.first().map(PathBuf::from) else {
        eprintln!("usage: cargo bench --bench import -- LOG.csv   (benches/import.sh makes one)");
        std::process::exit(2);
    };
    let size = std::fs::metadata(&path).map_or(0, |m| m.len());
    println!("log: {} ({:.1} MB)", path.display(), size as f64 / 1e6);
    let scans: Vec<f64> = (0..RUNS).map(|_| bare_scan(&path).0).collect();
    let mut imports = Vec::new();
    let mut last = String::new();
    for _ in 0..RUNS {
        let out = Command::new(std::env::current_exe().expect("bench binary"))
            .args(["--import-child", path.to_str().expect("UTF-8 path")])
            .output()
            .expect("child runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().clone_into(&mut last);
        imports.push(field(&last, "secs"));
    }
    let (scan, import) = (median(scans), median(imports));
    let events = field(&last, "events");
    let peak = (field(&last, "hwm_kib") - field(&last, "base_kib")) * 1024.0;
    let interned = field(&last, "interned");
    println!("events: {events}, cases: {}", field(&last, "cases"));
    println!("bare ByteRecord scan   {scan:>8.3} s (median of {RUNS})");
    println!("flowaudit full import  {import:>8.3} s (median of {RUNS})  = {:.2}x the bare scan", import / scan);
    println!(
        "import peak memory     {:>8.1} MiB = {:.1} B/event; without interned strings ({:.1} MiB): {:.1} B/event; columns alone: {:.1} B/event",
        peak / 1_048_576.0,
        peak / events,
        interned / 1_048_576.0,
        (peak - interned) / events,
        field(&last, "columns") / events
    );
}
