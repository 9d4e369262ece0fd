//! peer-harness: flowaudit's alignments beside the `process_mining` crate (rust4pm).
//!
//! - `peer-harness align --pnml NET --log LOG.xes[.gz] [--budget N|none] --out OUT.csv`: the crate's
//!   XES and PNML import and its alignments of every variant, timed stage by stage; per-case
//!   deviations to `OUT.csv` (`case_id,cost`) and one JSON line of figures on stdout.
//! - `peer-harness crosscheck --cases N --seed S [--traces T] [--budget N]`: the oracle property
//!   test. N random process trees become workflow nets (flowaudit's `PetriNet`, written with
//!   flowaudit's PNML writer and read by the crate's PNML importer); T random traces each (runs of
//!   the net, mutated runs, random words with foreign labels) are aligned by both engines, whose
//!   optimal costs must be equal. Exits 1 with the first disagreement (net as PNML, and trace).
//!
//! See `benches/peer/README.md`.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use process_mining::conformance::alignments::cost::CostFunction;
use process_mining::conformance::alignments::petri_net::AlignmentError;
use process_mining::conformance::alignments::{
    AlignmentMove, AlignmentOptions, AlignmentResult, align_trace, align_variants,
};
use process_mining::core::event_data::case_centric::utils::activity_projection::EventLogActivityProjection;
use process_mining::core::event_data::case_centric::{AttributeValue, XESEditableAttribute};
use process_mining::core::process_models::case_centric::petri_net::pnml::import_pnml_reader;
use process_mining::utils::dijkstra_search::SearchError;
use process_mining::{EventLog, Importable, PetriNet as PmNet};

use flowaudit::conformance::alignment::{AlignError, Aligner};
use flowaudit::net::petri::PetriNet;
use flowaudit::net::pnml::{parse_pnml, write_pnml};
use flowaudit::net::tree::Tree;

const TOOL: &str = "process_mining 0.6.2";

fn usage() -> ExitCode {
    eprintln!(
        "usage:\n  peer-harness align --pnml NET.pnml --log LOG.xes[.gz] [--budget N|none] --out OUT.csv\n  \
         peer-harness crosscheck --cases N --seed S [--traces T] [--budget N]"
    );
    ExitCode::from(2)
}

/// `--key value` pairs after the subcommand.
fn options(args: &[String]) -> Result<HashMap<String, String>, String> {
    let mut map = HashMap::new();
    let mut it = args.iter();
    while let Some(k) = it.next() {
        let key = k.strip_prefix("--").ok_or_else(|| format!("unexpected argument `{k}`"))?;
        let v = it.next().ok_or_else(|| format!("`{k}` needs a value"))?;
        map.insert(key.to_owned(), v.clone());
    }
    Ok(map)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(cmd) = args.first() else { return usage() };
    let opts = match options(&args[1..]) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("peer-harness: {e}");
            return usage();
        }
    };
    let result = match cmd.as_str() {
        "align" => align_cmd(&opts),
        "crosscheck" => crosscheck_cmd(&opts),
        _ => return usage(),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("peer-harness: {e}");
            ExitCode::from(2)
        }
    }
}

/// `none` (or absent) is no limit; otherwise a number of states.
fn parse_budget(v: Option<&String>) -> Result<Option<usize>, String> {
    match v.map(String::as_str) {
        None | Some("none") => Ok(None),
        Some(n) => n.parse().map(Some).map_err(|_| format!("--budget: `{n}` is neither a number nor `none`")),
    }
}

/// Log moves plus model moves of visible transitions, counted from the moves themselves (so a
/// silent move never counts, whatever the cost function says).
fn deviations(net: &PmNet, r: &AlignmentResult) -> u32 {
    let mut n = 0;
    for m in &r.moves {
        match m {
            AlignmentMove::LogMove { .. } => n += 1,
            AlignmentMove::ModelMove { transition } => {
                if net.transitions.get(&transition.0).is_some_and(|t| t.label.is_some()) {
                    n += 1;
                }
            }
            AlignmentMove::SyncMove { .. } => {}
        }
    }
    n
}

fn activity(e: &process_mining::core::event_data::case_centric::Event) -> &str {
    // As the crate's own activity projection reads it.
    match e.attributes.get_by_key("concept:name").map(|a| &a.value) {
        Some(AttributeValue::String(s)) => s.as_str(),
        _ => "No Activity",
    }
}

fn case_id(t: &process_mining::core::event_data::case_centric::Trace) -> String {
    match t.attributes.get_by_key("concept:name").map(|a| &a.value) {
        Some(AttributeValue::String(s)) => s.clone(),
        Some(other) => format!("{other:?}"),
        None => String::new(),
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_owned() }
}

fn align_cmd(o: &HashMap<String, String>) -> Result<ExitCode, String> {
    let pnml = PathBuf::from(o.get("pnml").ok_or("align needs --pnml")?);
    let log_path = PathBuf::from(o.get("log").ok_or("align needs --log")?);
    let out = PathBuf::from(o.get("out").ok_or("align needs --out")?);
    let budget = parse_budget(o.get("budget"))?;

    let t0 = Instant::now();
    let log = EventLog::import_from_path(&log_path).map_err(|e| format!("{}: {e}", log_path.display()))?;
    let net = PmNet::import_pnml(&pnml).map_err(|e| format!("{}: {e}", pnml.display()))?;
    let import_s = t0.elapsed().as_secs_f64();

    let t1 = Instant::now();
    let projection: EventLogActivityProjection = (&log).into();
    let project_s = t1.elapsed().as_secs_f64();

    let t2 = Instant::now();
    let options = AlignmentOptions { cost_fn: CostFunction::standard(), max_states: budget };
    let results = align_variants(&net, &projection, &options);
    let align_s = t2.elapsed().as_secs_f64();

    // Per variant: deviations (checked against the crate's own cost) or None when it failed.
    let mut by_variant: HashMap<&[usize], Option<u32>> = HashMap::new();
    let mut failed = 0usize;
    let mut states = 0u64;
    for ((acts, _), v) in projection.traces.iter().zip(&results) {
        let cost = match &v.result {
            Ok(r) => {
                states += r.states_visited as u64;
                let d = deviations(&net, r);
                if d != r.cost {
                    return Err(format!(
                        "variant {:?}: crate cost {} but {d} deviations in its moves",
                        v.activities, r.cost
                    ));
                }
                Some(d)
            }
            Err(e) => {
                failed += 1;
                eprintln!("peer-harness: variant of {} events failed: {e}", v.activities.len());
                None
            }
        };
        by_variant.insert(acts.as_slice(), cost);
    }

    let mut csv = String::from("case_id,cost\n");
    let mut seq = Vec::new();
    for t in &log.traces {
        seq.clear();
        seq.extend(t.events.iter().map(|e| projection.act_to_index[activity(e)]));
        let cost = by_variant.get(seq.as_slice()).copied().flatten();
        let _ = writeln!(csv, "{},{}", csv_field(&case_id(t)), cost.map(|c| c.to_string()).unwrap_or_default());
    }
    std::fs::write(&out, csv).map_err(|e| format!("{}: {e}", out.display()))?;

    println!(
        "{{\"tool\":\"{TOOL}\",\"import_s\":{import_s:.6},\"project_s\":{project_s:.6},\"align_s\":{align_s:.6},\
         \"cases\":{},\"variants\":{},\"failed_variants\":{failed},\"states\":{},\"budget\":{}}}",
        log.traces.len(),
        projection.traces.len(),
        if failed == 0 { states.to_string() } else { "null".to_owned() },
        budget.map_or("null".to_owned(), |b| b.to_string())
    );
    Ok(ExitCode::SUCCESS)
}

// ---------------------------------------------------------------------------------------------
// The crosscheck.

/// xorshift64*: tiny, seeded, good enough to draw test cases.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        // splitmix64 of the seed, so small seeds still start far apart; never zero.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        Rng((z ^ (z >> 31)) | 1)
    }
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        (((self.next() >> 32) * n as u64) >> 32) as usize
    }
    /// True with probability `p` percent.
    fn pct(&mut self, p: usize) -> bool {
        self.below(100) < p
    }
}

/// Visible labels the trees draw from (one with XML-special characters, to test the PNML writer
/// and both importers' unescaping).
const LABELS: [&str; 8] = ["a", "b", "c", "d", "e", "f", "g", "R&D <check> \"x\""];
/// Most leaves in a crosscheck tree.
const MAX_LEAVES: usize = 12;
/// Labels no model has.
const FOREIGN: [&str; 3] = ["zz", "a ", "unknown step"];

/// A random tree drawing its visible labels from the first `labels` of `LABELS`.
fn random_tree(rng: &mut Rng, depth: usize, max_depth: usize, labels: usize) -> Tree {
    if depth >= max_depth || rng.pct(if depth == 0 { 0 } else { 35 }) {
        return if rng.pct(12) { Tree::Leaf(None) } else { Tree::Leaf(Some(LABELS[rng.below(labels)].to_owned())) };
    }
    let kids = |rng: &mut Rng| -> Vec<Tree> {
        (0..2 + rng.below(2)).map(|_| random_tree(rng, depth + 1, max_depth, labels)).collect()
    };
    match rng.below(4) {
        0 => Tree::Seq(kids(rng)),
        1 => Tree::Xor(kids(rng)),
        2 => Tree::And(kids(rng)),
        _ => Tree::Loop(
            Box::new(random_tree(rng, depth + 1, max_depth, labels)),
            Box::new(random_tree(rng, depth + 1, max_depth, labels)),
        ),
    }
}

/// A random tree of depth at most 4 with at most `MAX_LEAVES` leaves (larger draws are drawn
/// again: a few nested parallel blocks already give millions of search states).
fn small_tree(rng: &mut Rng, labels: usize) -> Tree {
    loop {
        let t = random_tree(rng, 0, 4, labels);
        if t.leaves() <= MAX_LEAVES {
            return t;
        }
    }
}

/// The tree in the usual notation: `->` sequence, `X` choice, `+` parallel, `*` loop.
fn show_tree(t: &Tree, out: &mut String) {
    let list = |out: &mut String, op: &str, kids: &[&Tree]| {
        out.push_str(op);
        out.push('(');
        for (i, k) in kids.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            show_tree(k, out);
        }
        out.push(')');
    };
    match t {
        Tree::Leaf(None) => out.push_str("tau"),
        Tree::Leaf(Some(l)) => {
            let _ = write!(out, "{l:?}");
        }
        Tree::Seq(k) => list(out, "->", &k.iter().collect::<Vec<_>>()),
        Tree::Xor(k) => list(out, "X", &k.iter().collect::<Vec<_>>()),
        Tree::And(k) => list(out, "+", &k.iter().collect::<Vec<_>>()),
        Tree::Loop(d, r) => list(out, "*", &[d, r]),
    }
}

/// A random run of the net (a token game choosing uniformly among enabled transitions), cut
/// after `max_steps` firings; the visible labels fired.
fn random_run(net: &PetriNet, rng: &mut Rng, max_steps: usize) -> Vec<String> {
    let mut m = net.initial.clone();
    let mut trace = Vec::new();
    for _ in 0..max_steps {
        let enabled: Vec<usize> = (0..net.transitions.len())
            .filter(|&t| net.enabled(flowaudit::net::petri::TransitionIdx(t as u32), &m))
            .collect();
        if enabled.is_empty() {
            break;
        }
        let t = enabled[rng.below(enabled.len())];
        net.fire(flowaudit::net::petri::TransitionIdx(t as u32), &mut m);
        if let Some(l) = &net.transitions[t].label {
            trace.push(l.clone());
        }
    }
    trace
}

fn random_label(rng: &mut Rng, labels: usize) -> String {
    if rng.pct(20) { FOREIGN[rng.below(FOREIGN.len())].to_owned() } else { LABELS[rng.below(labels)].to_owned() }
}

/// One trace for a net: a run, a mutated run (insert, delete, swap, replace), or a random word.
fn random_trace(net: &PetriNet, rng: &mut Rng, labels: usize) -> Vec<String> {
    match rng.below(10) {
        0..=2 => random_run(net, rng, 40),
        3..=7 => {
            let mut t = random_run(net, rng, 40);
            for _ in 0..1 + rng.below(3) {
                let n = t.len();
                match rng.below(4) {
                    0 => t.insert(rng.below(n + 1), random_label(rng, labels)),
                    1 if n > 0 => {
                        t.remove(rng.below(n));
                    }
                    2 if n > 1 => {
                        let i = rng.below(n - 1);
                        t.swap(i, i + 1);
                    }
                    _ if n > 0 => t[rng.below(n)] = random_label(rng, labels),
                    _ => t.push(random_label(rng, labels)),
                }
            }
            t
        }
        _ => (0..rng.below(9)).map(|_| random_label(rng, labels)).collect(),
    }
}

fn crosscheck_cmd(o: &HashMap<String, String>) -> Result<ExitCode, String> {
    let num = |k: &str, d: u64| -> Result<u64, String> {
        o.get(k).map_or(Ok(d), |v| v.parse().map_err(|_| format!("--{k}: `{v}` is not a number")))
    };
    let cases = num("cases", 200)?;
    let seed = num("seed", 1)?;
    let traces = num("traces", 8)?;
    let budget = num("budget", 10_000_000)?;
    let started = Instant::now();
    let mut rng = Rng::new(seed);
    let options = AlignmentOptions { cost_fn: CostFunction::standard(), max_states: None };
    let (mut pairs, mut fitting, mut deviating, mut max_cost, mut transitions, mut silent) =
        (0u64, 0u64, 0u64, 0u32, 0usize, 0usize);
    let mut pm_states = 0u64;
    for case in 0..cases {
        let labels = 2 + rng.below(7); // 2..=8 visible labels to draw from
        let tree = small_tree(&mut rng, labels);
        let net = tree.to_net();
        transitions += net.transitions.len();
        silent += net.silent_count();

        // Our writer, read back by us (a round trip) and by the crate.
        let mut pnml = Vec::new();
        write_pnml(&net, &format!("crosscheck-{seed}-{case}"), &mut pnml).map_err(|e| e.to_string())?;
        let pnml_text = String::from_utf8_lossy(&pnml).into_owned();
        let ours_back = parse_pnml("crosscheck.pnml", &pnml).map_err(|e| e.to_string())?;
        let mut show = String::new();
        show_tree(&tree, &mut show);
        if ours_back != net {
            eprintln!("DISAGREEMENT: flowaudit's PNML round trip changed the net\ntree: {show}\n{pnml_text}");
            return Ok(ExitCode::FAILURE);
        }
        let pm_net =
            import_pnml_reader(&mut std::io::Cursor::new(&pnml)).map_err(|e| format!("crate PNML import: {e}"))?;
        let aligner = Aligner::new(&net, budget);

        for _ in 0..traces {
            let trace = random_trace(&net, &mut rng, labels);
            let ours_trace: Vec<Option<usize>> = trace.iter().map(|a| aligner.label(a)).collect();
            let ours = aligner.align(&ours_trace);
            let refs: Vec<&str> = trace.iter().map(String::as_str).collect();
            let theirs = align_trace(&pm_net, &refs, &options);
            pairs += 1;
            let o = match &ours {
                Ok(a) => Ok(a.cost),
                Err(AlignError::Unreachable) => Err("unreachable".to_owned()),
                Err(e) => Err(e.to_string()),
            };
            let t = match &theirs {
                Ok(r) => Ok(r.cost),
                Err(AlignmentError::SearchError(SearchError::Unreachable)) => Err("unreachable".to_owned()),
                Err(e) => Err(e.to_string()),
            };
            let silent_ok = theirs.as_ref().map_or(true, |r| deviations(&pm_net, r) == r.cost);
            if o != t || !silent_ok {
                eprintln!("DISAGREEMENT on case {case} (seed {seed}), pair {pairs}");
                eprintln!("  flowaudit: {o:?}");
                eprintln!("  {TOOL}: {t:?}{}", if silent_ok { "" } else { " (its moves count differently)" });
                eprintln!("  trace ({} events): {trace:?}", trace.len());
                eprintln!("  tree: {show}");
                eprintln!("  net (PNML):\n{pnml_text}");
                return Ok(ExitCode::FAILURE);
            }
            if let (Ok(a), Ok(r)) = (&ours, &theirs) {
                pm_states += r.states_visited as u64;
                if a.cost == 0 {
                    fitting += 1
                } else {
                    deviating += 1
                }
                max_cost = max_cost.max(a.cost);
            }
        }
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "crosscheck seed {seed}: {cases} random nets ({:.1} transitions, {:.1} silent on average), {pairs} net-trace pairs: \
         costs equal on {pairs}/{pairs} ({fitting} fitting, {deviating} deviating, highest cost {max_cost}); \
         {TOOL} settled {pm_states} states; {:.1} s",
        transitions as f64 / cases.max(1) as f64,
        silent as f64 / cases.max(1) as f64,
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
