//! `flowaudit simulate`: determinism, model conformance of clean tickets, shares, ground truth of
//! deviations, the output format and argument errors; and a centre's month (`--touchpoints`):
//! every ticket at a touchpoint of its process or a blind spot, the brand column, `log stats` on it.
//!
//! The conformance check here is written independently of the simulator's own replay: a depth-first
//! search over the multiset of nodes a ticket may enter next, on the process graph as loaded.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use flowaudit::model::graph::{FlowKind, FlowNode};
use flowaudit::model::library::{self, Library};
use flowaudit::model::process::Process;
use flowaudit::model::spec::{Class, GatewayKind};
use petgraph::Direction;
use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;

use crate::harness::{Flowaudit, root};

const HEADER: &str = "case_id,activity,timestamp,role,resource,customer_id,tier,class,channel,business,deviation";

fn bundled() -> Library {
    let lib = library::load(&[root().join("processes")]);
    assert!(!lib.has_errors());
    lib
}

fn simulate(args: &[&str]) -> String {
    let mut all = vec!["simulate"];
    all.extend_from_slice(args);
    let out = Flowaudit::new(all).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout
}

/// One ticket of a simulated log.
#[derive(Debug, Default)]
struct Ticket {
    id: String,
    activities: Vec<String>,
    timestamps: Vec<String>,
    roles: Vec<String>,
    customer: String,
    tier: String,
    class: String,
    channel: String,
    deviation: String,
}

/// The tickets of a log, in file order; every ticket's rows must be consecutive and agree on the
/// per-ticket columns.
fn tickets(csv_text: &str) -> Vec<Ticket> {
    assert!(csv_text.starts_with(&format!("{HEADER}\n")), "header");
    assert!(!csv_text.contains('\r') && !csv_text.starts_with('\u{feff}'));
    let mut r = csv::Reader::from_reader(csv_text.as_bytes());
    let mut out: Vec<Ticket> = Vec::new();
    let mut done = HashSet::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        let f = |i: usize| rec[i].to_owned();
        if out.last().is_none_or(|t| t.id != rec[0]) {
            assert!(done.insert(f(0)), "rows of {} are not consecutive", &rec[0]);
            out.push(Ticket {
                id: f(0),
                customer: f(5),
                tier: f(6),
                class: f(7),
                channel: f(8),
                deviation: f(10),
                ..Ticket::default()
            });
        }
        let t = out.last_mut().unwrap();
        assert_eq!((t.customer.as_str(), t.tier.as_str(), t.class.as_str()), (&rec[5], &rec[6], &rec[7]));
        assert_eq!(t.deviation, &rec[10]);
        t.activities.push(f(1));
        t.timestamps.push(f(2));
        t.roles.push(f(3));
    }
    out
}

fn label(zh: Option<&String>, name: &str) -> String {
    zh.cloned().unwrap_or_else(|| name.to_owned())
}

/// Independent acceptance check: can `trace` (step labels) run from start to end?
struct Checker<'p> {
    p: &'p Process,
}

impl Checker<'_> {
    fn step_node(&self, activity: &str) -> Option<usize> {
        self.p.steps.iter().position(|s| label(s.name_zh.as_ref(), &s.name) == activity)
    }

    fn accepts(&self, trace: &[String]) -> bool {
        let Some(nodes) = trace.iter().map(|a| self.step_node(a)).collect::<Option<Vec<usize>>>() else {
            return false;
        };
        let mut seen = HashSet::new();
        self.search(&nodes, &[self.p.graph.start.index()], &mut seen)
    }

    /// `pending`: sorted multiset of nodes a token is about to enter.
    fn search(&self, rest: &[usize], pending: &[usize], seen: &mut HashSet<(usize, Vec<usize>)>) -> bool {
        if !seen.insert((rest.len(), pending.to_vec())) {
            return false;
        }
        if rest.is_empty() && pending.is_empty() {
            return true;
        }
        let g = &self.p.graph.graph;
        for (i, &n) in pending.iter().enumerate() {
            let without = |v: &[usize]| -> Vec<usize> {
                let mut s: Vec<usize> = pending.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, x)| *x).collect();
                s.extend_from_slice(v);
                s.sort_unstable();
                s
            };
            let flows: Vec<usize> = g
                .edges_directed(NodeIndex::new(n), Direction::Outgoing)
                .filter(|e| *e.weight() == FlowKind::Flow)
                .map(|e| e.target().index())
                .collect();
            match g[NodeIndex::new(n)] {
                FlowNode::Step(_) => {
                    if rest.first() != Some(&n) {
                        continue;
                    }
                    let loops = g
                        .edges_directed(NodeIndex::new(n), Direction::Outgoing)
                        .filter(|e| matches!(e.weight(), FlowKind::Loop(_)))
                        .map(|e| e.target().index());
                    let mut options: Vec<Vec<usize>> =
                        flows.iter().chain(loops.collect::<Vec<_>>().iter()).map(|t| vec![*t]).collect();
                    if self.p.graph.ends.contains(&NodeIndex::new(n)) || options.is_empty() {
                        options.push(vec![]);
                    }
                    if options.into_iter().any(|o| self.search(&rest[1..], &without(&o), seen)) {
                        return true;
                    }
                }
                FlowNode::Gateway(_, GatewayKind::ParallelSplit) => {
                    if self.search(rest, &without(&flows), seen) {
                        return true;
                    }
                }
                FlowNode::Gateway(_, GatewayKind::ParallelJoin) => {
                    let inputs = g
                        .edges_directed(NodeIndex::new(n), Direction::Incoming)
                        .filter(|e| *e.weight() == FlowKind::Flow)
                        .count();
                    if pending.iter().filter(|x| **x == n).count() >= inputs
                        && pending.iter().position(|x| *x == n) == Some(i)
                    {
                        let mut s: Vec<usize> = pending.to_vec();
                        for _ in 0..inputs {
                            let at = s.iter().position(|x| *x == n).unwrap();
                            s.remove(at);
                        }
                        s.extend_from_slice(&flows);
                        s.sort_unstable();
                        if self.search(rest, &s, seen) {
                            return true;
                        }
                    }
                }
                FlowNode::Gateway(..) => {
                    if flows.iter().any(|t| self.search(rest, &without(&[*t]), seen)) {
                        return true;
                    }
                }
            }
        }
        false
    }
}

#[test]
fn same_seed_gives_the_same_bytes_and_another_seed_other_bytes() {
    let args = ["--process", "verification", "--cases", "300", "--noise", "0.2"];
    let a = simulate(&[&args[..], &["--seed", "3"]].concat());
    let b = simulate(&[&args[..], &["--seed", "3"]].concat());
    let c = simulate(&[&args[..], &["--seed", "4"]].concat());
    assert_eq!(a, b);
    assert_ne!(a, c);
    assert_eq!(tickets(&a).len(), 300);
}

#[test]
fn output_file_holds_the_same_bytes_as_stdout() {
    let dir = std::env::temp_dir().join(format!("flowaudit-sim-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("log.csv");
    let args = ["simulate", "--process", "acceptance", "--cases", "50", "--seed", "9"];
    let out = Flowaudit::new(args.iter().copied().chain(["-o", file.to_str().unwrap()])).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.is_empty());
    assert!(out.stderr.starts_with("simulated 50 tickets, ") && out.stderr.contains("log.csv"), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), simulate(&args[1..]));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn clean_tickets_are_runs_of_the_model_in_time_order() {
    let lib = bundled();
    for p in &lib.processes {
        let log = simulate(&["--process", &p.id, "--cases", "400", "--seed", "5"]);
        let checker = Checker { p };
        let ts = tickets(&log);
        assert_eq!(ts.len(), 400, "{}", p.id);
        let mut last_arrival = String::new();
        for t in &ts {
            assert!(t.deviation.is_empty());
            assert!(checker.accepts(&t.activities), "{}: {} {:?}", p.id, t.id, t.activities);
            assert!(t.timestamps.windows(2).all(|w| w[0] < w[1]), "{}: {:?}", t.id, t.timestamps);
            assert!(t.timestamps[0] >= last_arrival, "{} arrives before the ticket before it", t.id);
            last_arrival.clone_from(&t.timestamps[0]);
            assert!(t.timestamps[0].starts_with("2026-10-") && t.timestamps[0].ends_with("+08:00"));
            // Roles are the steps' departments.
            for (a, r) in t.activities.iter().zip(&t.roles) {
                let s = &p.steps[checker.step_node(a).unwrap()];
                let role = p.role(s.role);
                assert_eq!(*r, label(role.name_zh.as_ref(), &role.name));
            }
            // The class follows the branch taken (the first one, when a designed loop took both).
            let at = |id: &str| {
                let s = p.step(p.step_id(id).unwrap());
                t.activities.iter().position(|a| *a == label(s.name_zh.as_ref(), &s.name)).unwrap_or(usize::MAX)
            };
            if p.kind == "complaint" {
                let (m, c) = (at("maintenance-handle"), at("construction-handle"));
                assert_ne!(m, c, "{}: one of the branches", t.id);
                assert_eq!(t.class, if m < c { "maintenance" } else { "construction" }, "{}", t.id);
            } else {
                assert!(t.class.is_empty());
            }
            assert_eq!(
                t.channel.is_empty(),
                p.class == Class::Management,
                "{}: every service process has touchpoints",
                p.id
            );
        }
    }
}

#[test]
fn shares_of_tiers_repeats_and_noise_and_the_ground_truth() {
    let lib = bundled();
    let p = lib.process("complaint-linear").unwrap();
    let checker = Checker { p };
    let log = simulate(&["--process", "complaint-linear", "--cases", "20000", "--seed", "11", "--noise", "0.1"]);
    let ts = tickets(&log);
    assert_eq!(ts.len(), 20_000);
    let mut tiers: BTreeMap<&str, u32> = BTreeMap::new();
    let mut tier_of: BTreeMap<&str, &str> = BTreeMap::new();
    let mut kinds: BTreeMap<&str, u32> = BTreeMap::new();
    let mut classes: BTreeMap<&str, u32> = BTreeMap::new();
    let (mut repeats, mut seen_customers) = (0u32, BTreeSet::new());
    for t in &ts {
        *tiers.entry(&t.tier).or_default() += 1;
        assert_eq!(*tier_of.entry(&t.customer).or_insert(&t.tier), t.tier, "a customer keeps their tier");
        *classes.entry(&t.class).or_default() += 1;
        repeats += u32::from(!seen_customers.insert(&t.customer));
        if t.deviation.is_empty() {
            assert!(checker.accepts(&t.activities), "{} {:?}", t.id, t.activities);
            continue;
        }
        *kinds.entry(check_ground_truth(p, &checker, t)).or_default() += 1;
    }
    let share = |n: u32| f64::from(n) / 20_000.0;
    for (tier, want) in [("5", 0.05), ("4", 0.10), ("3", 0.15), ("2", 0.40), ("1", 0.30)] {
        let got = share(tiers.get(tier).copied().unwrap_or(0));
        assert!((got - want).abs() <= 0.02, "{tier} stars: {got}");
    }
    let noisy = share(kinds.values().sum());
    assert!((noisy - 0.1).abs() < 0.01, "noise share {noisy}");
    assert_eq!(kinds.len(), 6, "{kinds:?}");
    assert!((0.04..0.08).contains(&share(repeats)), "repeat share {}", share(repeats));
    let maintenance = share(classes["maintenance"]);
    assert!((maintenance - 0.8).abs() < 0.02, "maintenance share {maintenance}");
}

/// Checks that a noisy ticket's events show what its deviation token says; returns the kind.
fn check_ground_truth<'t>(p: &Process, checker: &Checker<'_>, t: &'t Ticket) -> &'t str {
    let (kind, what) = t.deviation.split_once(':').unwrap_or((&t.deviation, ""));
    let step_label = |id: &str| {
        let s = p.step(p.step_id(id).unwrap_or_else(|| panic!("{}: no step {id}", t.id)));
        label(s.name_zh.as_ref(), &s.name)
    };
    let ends: Vec<String> =
        p.graph.ends.iter().map(|n| label(p.steps[n.index()].name_zh.as_ref(), &p.steps[n.index()].name)).collect();
    match kind {
        "skipped" => {
            assert!(!t.activities.contains(&step_label(what)), "{} {:?}", t.deviation, t.activities);
            assert!(!checker.accepts(&t.activities), "{} {:?}", t.deviation, t.activities);
        }
        "swapped" => {
            let (a, b) = what.split_once('+').unwrap();
            let pair = [step_label(b), step_label(a)];
            assert!(t.activities.windows(2).any(|w| w == pair), "{} {:?}", t.deviation, t.activities);
            assert!(!checker.accepts(&t.activities), "{} {:?}", t.deviation, t.activities);
        }
        "loop-back" => {
            let (from, to) = what.split_once("->").unwrap();
            let pair = [step_label(from), step_label(to)];
            assert!(t.activities.windows(2).any(|w| w == pair), "{} {:?}", t.deviation, t.activities);
            assert!(!checker.accepts(&t.activities), "{} {:?}", t.deviation, t.activities);
        }
        "wrong-department" => {
            assert!(checker.accepts(&t.activities), "only the department is wrong");
            let s = p.step(p.step_id(what).unwrap());
            let own = label(p.role(s.role).name_zh.as_ref(), &p.role(s.role).name);
            let wrong = t.activities.iter().zip(&t.roles).filter(|(a, r)| **a == step_label(what) && **r != own);
            assert_eq!(wrong.count(), 1, "{} {:?}", t.deviation, t.roles);
        }
        "extra" => {
            assert!(t.activities.iter().any(|a| a == what), "{}", t.deviation);
            assert!(p.steps.iter().all(|s| s.labels().all(|l| l != what)), "{} names a step", t.deviation);
            let without: Vec<String> = t.activities.iter().filter(|a| *a != what).cloned().collect();
            assert!(checker.accepts(&without), "{} {:?}", t.deviation, t.activities);
        }
        "never-closed" => {
            assert!(what.is_empty());
            assert!(!ends.contains(t.activities.last().unwrap()), "{:?}", t.activities);
            assert!(!checker.accepts(&t.activities), "{:?}", t.activities);
        }
        other => panic!("unknown deviation kind {other}"),
    }
    kind
}

#[test]
fn deviations_of_every_bundled_process_match_their_tokens() {
    let lib = bundled();
    for p in &lib.processes {
        let checker = Checker { p };
        let log = simulate(&["--process", &p.id, "--cases", "600", "--seed", "13", "--noise", "0.5"]);
        let mut kinds: BTreeMap<&str, u32> = BTreeMap::new();
        let ts = tickets(&log);
        for t in &ts {
            if t.deviation.is_empty() {
                assert!(checker.accepts(&t.activities), "{} {:?}", t.id, t.activities);
            } else {
                *kinds.entry(check_ground_truth(p, &checker, t)).or_default() += 1;
            }
        }
        let noisy: u32 = kinds.values().sum();
        assert!((240..360).contains(&noisy), "{}: {noisy} noisy tickets of 600", p.id);
        assert!(kinds.len() >= 5, "{}: {kinds:?}", p.id);
    }
}

#[test]
fn clean_tickets_are_the_same_at_every_noise_level() {
    let base = ["--process", "kpi-review", "--cases", "500", "--seed", "2"];
    let clean = tickets(&simulate(&base));
    let noisy = tickets(&simulate(&[&base[..], &["--noise", "0.3"]].concat()));
    let mut deviated = 0;
    for (a, b) in clean.iter().zip(&noisy) {
        if b.deviation.is_empty() {
            assert_eq!((&a.activities, &a.timestamps, &a.customer), (&b.activities, &b.timestamps, &b.customer));
        } else {
            deviated += 1;
        }
    }
    assert!((110..190).contains(&deviated), "{deviated}");
}

#[test]
fn noisy_complaint_log_snapshot() {
    let log = simulate(&["--process", "complaint-linear", "--cases", "5", "--seed", "7", "--noise", "0.4"]);
    let head: Vec<&str> = log.lines().take(25).collect();
    insta::assert_snapshot!(head.join("\n"));
}

#[test]
fn bad_arguments_exit_2_with_a_clear_message() {
    for (name, args) in [
        ("noise", vec!["--process", "complaint-linear", "--noise", "2"]),
        ("month", vec!["--process", "complaint-linear", "--month", "2026-13"]),
        ("cases", vec!["--process", "complaint-linear", "--cases", "0"]),
        ("process", vec!["--process", "complaint-lineer"]),
    ] {
        let out = Flowaudit::new(["simulate"].into_iter().chain(args)).run();
        assert_eq!(out.code, 2, "{name}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{name}: nothing is written");
        insta::assert_snapshot!(format!("bad_{name}"), out.stderr);
    }
}

/// One ticket of a centre's month: its way in and its activities.
#[derive(Debug)]
struct CentreTicket {
    id: String,
    business: String,
    channel: String,
    brand: String,
    deviation: String,
    activities: Vec<String>,
}

/// The tickets of a centre's month, in file order; rows of a ticket must be consecutive, ids unique
/// and tickets in arrival order.
fn centre_tickets(csv_text: &str) -> Vec<CentreTicket> {
    assert!(csv_text.starts_with(&format!("{HEADER},brand\n")), "header: {}", csv_text.lines().next().unwrap());
    let mut r = csv::Reader::from_reader(csv_text.as_bytes());
    let (mut out, mut ids, mut last_arrival): (Vec<CentreTicket>, HashSet<String>, String) = Default::default();
    for rec in r.records() {
        let rec = rec.unwrap();
        if out.last().is_none_or(|t| t.id != rec[0]) {
            assert!(ids.insert(rec[0].to_owned()), "{} is not unique or its rows are not together", &rec[0]);
            assert!(rec[2] >= *last_arrival, "{} arrives before the ticket before it", &rec[0]);
            rec[2].clone_into(&mut last_arrival);
            out.push(CentreTicket {
                id: rec[0].to_owned(),
                channel: rec[8].to_owned(),
                business: rec[9].to_owned(),
                deviation: rec[10].to_owned(),
                brand: rec[11].to_owned(),
                activities: Vec::new(),
            });
        }
        let t = out.last_mut().unwrap();
        assert_eq!((&t.channel[..], &t.business[..], &t.brand[..]), (&rec[8], &rec[9], &rec[11]), "{}", t.id);
        t.activities.push(rec[1].to_owned());
    }
    out
}

#[test]
fn a_centre_month_holds_every_kind_of_ticket_at_its_touchpoints() {
    let lib = bundled();
    let map = lib.touchpoints.as_ref().unwrap();
    let log = simulate(&["--touchpoints", "--cases", "4000", "--seed", "8", "--noise", "0.1"]);
    let ts = centre_tickets(&log);
    assert_eq!(ts.len(), 4000);
    let (mut kinds, mut processes, mut brands) = (BTreeMap::new(), BTreeSet::new(), BTreeMap::new());
    let mut blind = 0u32;
    for t in &ts {
        *brands.entry(t.brand.as_str()).or_insert(0u32) += 1;
        // Route as a ticket system would: business, channel, and the brand where the map splits.
        let tp = map.touchpoints.iter().find(|tp| {
            tp.business == t.business && tp.channel == t.channel && tp.brand.as_ref().is_none_or(|b| *b == t.brand)
        });
        let Some(id) = tp.and_then(|tp| tp.process.as_deref()) else {
            assert!(tp.is_some(), "{}: {}/{} is no touchpoint", t.id, t.business, t.channel);
            blind += 1;
            continue;
        };
        let p = lib.process(id).unwrap();
        *kinds.entry(p.kind.as_str()).or_insert(0u32) += 1;
        processes.insert(id);
        if t.deviation.is_empty() {
            assert!(
                Checker { p }.accepts(&t.activities),
                "{} at {} via {}: {:?}",
                t.id,
                t.business,
                t.channel,
                t.activities
            );
        }
    }
    let share = |n: u32| f64::from(n) / 4000.0;
    // The kind shares of docs/simulate.md less the blind spots of each kind, which no process takes
    // (roaming activation by app 1.5 %, the subscription check on the web 1.0 %, SMS complaints 0.2 %).
    let routed =
        [("query", 0.45), ("acceptance", 0.235), ("consultation", 0.15), ("verification", 0.09), ("complaint", 0.048)];
    for (kind, want) in routed {
        assert!((share(kinds[kind]) - want).abs() < 0.025, "{kind}: {}", share(kinds[kind]));
    }
    assert!((0.015..0.04).contains(&share(blind)), "blind spots {}", share(blind));
    assert_eq!(processes.len(), 6, "every service process: {processes:?}");
    assert!(brands.keys().all(|b| ["gotone", "mzone", "easyown"].contains(b)), "{brands:?}");
    assert!((share(brands["gotone"]) - 0.2).abs() < 0.03, "{brands:?}");
}

#[test]
fn a_centre_month_is_the_same_bytes_for_the_same_seed_in_a_file_or_on_stdout() {
    let dir = crate::harness::scratch("sim-centre");
    let file = dir.join("centre.csv");
    let args = ["simulate", "--touchpoints", "--cases", "300", "--seed", "4", "--noise", "0.2"];
    let out = Flowaudit::new(args.iter().copied().chain(["-o", file.to_str().unwrap()])).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.starts_with("simulated 300 tickets of 6 processes, "), "{}", out.stderr);
    assert!(out.stderr.contains(" at blind spots, "), "{}", out.stderr);
    let a = std::fs::read_to_string(&file).unwrap();
    assert_eq!(a, simulate(&args[1..]));
    assert_ne!(a, simulate(&["--touchpoints", "--cases", "300", "--seed", "5", "--noise", "0.2"]));
    // `log stats` reads the month and finds the brand column by its name.
    let stats = Flowaudit::new(["log", "stats", "--log", file.to_str().unwrap(), "--format", "json"]).run();
    assert_eq!(stats.code, 0, "{}", stats.stderr);
    let v: serde_json::Value = serde_json::from_str(&stats.stdout).unwrap();
    assert_eq!(v["cases"], 300);
    assert_eq!(v["rows_rejected"], 0);
    assert_eq!(v["columns"]["brand"], "brand", "{}", v["columns"]);
    assert_eq!(v["columns"]["business"], "business");
    let text = Flowaudit::new(["log", "stats", "--log", file.to_str().unwrap()]).run();
    assert!(text.stdout.contains("brand=`brand`"), "{}", text.stdout);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn touchpoints_and_process_are_one_or_the_other_and_the_map_must_exist() {
    for args in [vec!["simulate"], vec!["simulate", "--touchpoints", "--process", "query"]] {
        let out = Flowaudit::new(&args).run();
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains("--touchpoints") && out.stdout.is_empty(), "{}", out.stderr);
    }
    let dir = crate::harness::scratch("sim-centre-no-map");
    std::fs::copy(root().join("processes/query.yaml"), dir.join("query.yaml")).unwrap();
    let out = Flowaudit::new(["simulate", "--touchpoints", "--processes", dir.to_str().unwrap()]).run();
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("no touchpoints.yaml in ") && out.stdout.is_empty(), "{}", out.stderr);
    std::fs::remove_dir_all(&dir).unwrap();
}
