//! Agreement of token-based replay with PM4Py's: per-case `tbr_fitness` and `tbr_is_fit` of the
//! reference pairs (`tests/fixtures/agreement/*.pm4py.csv`), and the log fitness of each pair's
//! `pm4py_summary.json` (quoted below).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::conformance::token_replay::{Replay, TokenReplayer, summarise};
use crate::log::accounting::NoSink;
use crate::log::options::ReadOptions;
use crate::log::read;
use crate::log::variants::Variants;
use crate::net::pnml::read_pnml;

fn fixture(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(p)
}

/// PM4Py's log-level figures from a pair's `pm4py_summary.json` (`token_based_replay`).
struct Pm4pySummary {
    log_fitness: f64,
    average_trace_fitness: f64,
    percentage_of_fitting_traces: f64,
}

/// Replays every variant of `log` on `net` once and checks, against PM4Py: every case's trace
/// fitness bit for bit and its fit flag, the log fitness bit for bit, the average trace fitness
/// and the share of fitting traces (sums taken in another order: to 1e-12).
fn agrees(file: &str, net: &str, expected: &str, pm4py: &Pm4pySummary) {
    let read = read::read(&fixture(file), &ReadOptions::default(), &mut NoSink).unwrap();
    let net = read_pnml(&fixture(net)).unwrap();
    let tbr = TokenReplayer::new(&net);
    let log = &read.log;
    let variants = Variants::of(log);
    let per_variant: Vec<Replay> = variants
        .list
        .iter()
        .map(|v| {
            let trace: Vec<Option<usize>> =
                log.trace(v.example).iter().map(|&a| tbr.label(log.activity_name(a))).collect();
            tbr.replay(&trace)
        })
        .collect();
    let ours: BTreeMap<&str, Replay> =
        log.case_indices().map(|c| (log.case_id(c), per_variant[variants.of_case[c.index()] as usize])).collect();
    let theirs = reference(expected);
    assert_eq!(ours.len(), theirs.len(), "{file}: case count");
    let differ: Vec<String> = theirs
        .iter()
        .filter(|(case, (f, fits))| {
            ours.get(case.as_str()).is_none_or(|o| o.fitness().to_bits() != f.to_bits() || o.fits != *fits)
        })
        .take(5)
        .map(|(case, theirs)| format!("{case}: PM4Py {theirs:?}, ours {:?}", ours.get(case.as_str())))
        .collect();
    assert!(differ.is_empty(), "{file}: first disagreements {differ:#?}");
    let s = summarise(&per_variant, |v| u64::from(variants.list[v].count), |_| Vec::new());
    assert_eq!(s.log_fitness.to_bits(), pm4py.log_fitness.to_bits(), "{file}: log fitness {}", s.log_fitness);
    assert!((s.average_trace_fitness - pm4py.average_trace_fitness).abs() < 1e-12, "{file}: {s:?}");
    assert!((100.0 * s.fitting_share - pm4py.percentage_of_fitting_traces).abs() < 1e-9, "{file}: {s:?}");
}

/// PM4Py's per-case `(tbr_fitness, tbr_is_fit)`.
fn reference(file: &str) -> BTreeMap<String, (f64, bool)> {
    let mut r = csv::Reader::from_path(fixture(file)).unwrap();
    let headers = r.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (f, fit) = (col("tbr_fitness"), col("tbr_is_fit"));
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            (rec[0].to_owned(), (rec[f].parse().unwrap(), &rec[fit] == "1"))
        })
        .collect()
}

#[test]
fn running_example_agrees_with_pm4py_on_every_case() {
    let pm4py = Pm4pySummary { log_fitness: 1.0, average_trace_fitness: 1.0, percentage_of_fitting_traces: 100.0 };
    agrees("agreement/running-example.xes", "nets/running-example.pnml", "agreement/running-example.pm4py.csv", &pm4py);
}

#[test]
fn a12_agrees_with_pm4py_on_every_case_at_every_noise_level() {
    for (n, log_fitness, average_trace_fitness, percentage_of_fitting_traces) in [
        ("a12f0n00", 1.0, 1.0, 100.0),
        ("a12f0n10", 0.985_707_535_684_631_2, 0.980_211_652_236_652_2, 91.0),
        ("a12f0n50", 0.912_541_053_162_793_9, 0.894_045_743_145_742_4, 50.0),
    ] {
        let pm4py = Pm4pySummary { log_fitness, average_trace_fitness, percentage_of_fitting_traces };
        agrees(&format!("agreement/{n}.xes.gz"), "nets/a12.pnml", &format!("agreement/a12-{n}.pm4py.csv"), &pm4py);
    }
}

/// Helpdesk's inductive-miner net has 30 silent transitions of 44: PM4Py's silent-path
/// heuristics are exercised on every variant that skips or repeats.
#[test]
fn helpdesk_agrees_with_pm4py_on_every_case() {
    let pm4py = Pm4pySummary {
        log_fitness: 0.988_287_128_682_867_5,
        average_trace_fitness: 0.985_228_788_624_672_8,
        percentage_of_fitting_traces: 85.786_026_200_873_37,
    };
    agrees("logs/helpdesk/helpdesk.xes.gz", "nets/helpdesk_imf20.pnml", "agreement/helpdesk.pm4py.csv", &pm4py);
}

/// Receipt on both inductive-miner nets (47 and 42 silent transitions). On `receipt_im` every
/// case fits by alignments, yet 10 do not by token replay, in PM4Py and here alike: the
/// heuristics, not the tickets, are at fault there.
#[test]
fn receipt_agrees_with_pm4py_on_every_case_of_both_nets() {
    let im = Pm4pySummary {
        log_fitness: 0.999_689_313_761_569_6,
        average_trace_fitness: 0.999_872_185_800_469_1,
        percentage_of_fitting_traces: 99.302_649_930_264_99,
    };
    agrees("agreement/receipt.xes.gz", "nets/receipt_im.pnml", "agreement/receipt.pm4py.csv", &im);
    let imf20 = Pm4pySummary {
        log_fitness: 0.944_716_227_984_228_7,
        average_trace_fitness: 0.916_677_211_410_907_9,
        percentage_of_fitting_traces: 49.721_059_972_106,
    };
    agrees("agreement/receipt.xes.gz", "nets/receipt_imf20.pnml", "agreement/receipt-imf20.pm4py.csv", &imf20);
}
