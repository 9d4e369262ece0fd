//! The simulation run: tickets one after another, from arrival to their last event, into a writer.
//!
//! Owns [`simulate`] and [`SimSummary`], and the two pieces every run is made of, so a run over
//! many processes ([`crate::simulate::centre`]) reuses them instead of copying them:
//! `ProcessSim`, one process's prepared model, walker and deviator, which walks a ticket and
//! writes its rows; and `Run`, what all tickets of a run share (arrivals, customers, case ids, the
//! writer, the counts). Each ticket draws from its own random stream (the seed and its sequence
//! number), and its deviation from a second one, so a ticket's events do not depend on the tickets
//! before it except through the bounded table of recent customers, and tickets without a deviation
//! are the same bytes at every `--noise`. Per ticket, in this order: arrival, clean trace
//! ([`crate::simulate::walk`]), customer and touchpoint, problem class, whether it deviates, then
//! agents and step durations. A timestamp says when a step was done: the first event is written at
//! the ticket's arrival (so tickets appear in arrival order), each later one at the previous event
//! plus its own step's duration.
//!
//! The problem class (`class` column) is written for complaint processes (`kind: complaint`) only:
//! `maintenance` or `construction` after the first step of the clean trace done by the role with
//! that id, so it always matches the branch the ticket took; when neither role occurs, 80 %
//! maintenance and 20 % construction ([`MAINTENANCE_SHARE`]).
//!
//! Cost: O(events) time; memory O(process size + the recent-customer table), whatever the number of
//! tickets: nothing is kept per ticket once it is written.

use std::io::Write;

use crate::model::process::{Process, StepId};
use crate::model::touchpoint::TouchpointMap;
use crate::simulate::clock::{Arrivals, StepTiming, Timestamp};
use crate::simulate::config::{SimConfig, SimError};
use crate::simulate::deviation::{Activity, Deviation, DeviationKind, Deviator, EXTRA_LABELS, Event};
use crate::simulate::population::{Agents, Customers, Touchpoints, tier};
use crate::simulate::rng::Xoshiro256;
use crate::simulate::walk::{Plan, Walker};
use crate::simulate::writer::{CaseIds, EventWriter, Row, customer_id};

/// Share of complaints of the maintenance class when the trace does not tell.
pub const MAINTENANCE_SHARE: f64 = 0.8;
/// Mixed into the seed for the deviation streams, so they never coincide with the ticket streams.
const DEVIATION_SALT: u64 = 0x6465_7669_6174_6521;
/// No agent chosen yet for a role in the current ticket.
const NO_AGENT: usize = usize::MAX;

/// What a simulation wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimSummary {
    /// Tickets written.
    pub tickets: u64,
    /// Events (rows) written.
    pub events: u64,
    /// Tickets filed by a customer who filed one in the days before.
    pub repeats: u64,
    /// Tickets with a deviation.
    pub deviated: u64,
    /// Tickets per deviation kind, every kind in [`DeviationKind::ALL`] order.
    pub deviations: Vec<(DeviationKind, u64)>,
}

/// Names as a ticket system writes them: the Chinese name, else the English one.
fn label<'a>(zh: Option<&'a String>, name: &'a str) -> &'a str {
    zh.map_or(name, String::as_str)
}

/// Writes a simulated log of `process` as CSV to `out` and says what it wrote.
///
/// Arguments: the validated process; the touchpoint map of its library (tickets take their business
/// and channel from the touchpoints mapped to the process; without any, both columns stay empty);
/// the resolved settings. Returns the counts of tickets, events and deviations. The same arguments
/// give byte-identical output.
///
/// Complexity: O(events written); memory O(process size + a bounded customer table). Writes
/// through a 64 KiB buffer; `out` need not be buffered.
///
/// # Example
/// ```
/// use flowaudit::model::library;
/// use flowaudit::simulate::config::SimConfig;
/// use flowaudit::simulate::engine::simulate;
///
/// let lib = library::load(&["processes".into()]);
/// let process = lib.process("complaint-linear").unwrap();
/// let cfg = SimConfig::new(3, 7, 0.0, "2026-10").unwrap();
/// let mut out = Vec::new();
/// let summary = simulate(process, lib.touchpoints.as_ref(), &cfg, &mut out).unwrap();
/// assert_eq!(summary.tickets, 3);
/// assert!(String::from_utf8(out).unwrap().starts_with("case_id,activity,timestamp,"));
/// ```
pub fn simulate(
    process: &Process,
    touchpoints: Option<&TouchpointMap>,
    cfg: &SimConfig,
    out: &mut impl Write,
) -> Result<SimSummary, SimError> {
    if process.steps.is_empty() {
        return Err(SimError::EmptyProcess(process.id.clone()));
    }
    let plan = Plan::new(process);
    let mut sim = ProcessSim::new(process, &plan);
    let touchpoints = Touchpoints::new(touchpoints, &process.id);
    let mut run = Run::new(cfg, out, Columns::Process)?;
    for i in 0..cfg.cases {
        let mut rng = Xoshiro256::new(cfg.seed, i);
        let arrival = run.arrival(i, &mut rng);
        sim.walk(&mut rng);
        let (customer, seen) = run.customers.draw(&mut rng, arrival);
        run.summary.repeats += u64::from(seen.is_some());
        let tp = seen.or_else(|| touchpoints.draw(&mut rng));
        run.customers.remember(&mut rng, customer, arrival, tp.unwrap_or(0));
        let (business, channel) =
            tp.and_then(|t| touchpoints.cells.get(usize::from(t))).map_or(("", ""), |(b, c)| (b.as_str(), c.as_str()));
        let filing = Filing { seq: i, arrival, customer, business, channel, brand: "" };
        sim.write(&filing, &mut rng, &mut run)?;
    }
    run.finish()
}

/// Which columns a run writes: the single-process layout, or that plus `brand` (a centre's month).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Columns {
    /// [`crate::simulate::writer::HEADER`].
    Process,
    /// [`crate::simulate::writer::HEADER`] and `brand`.
    WithBrand,
}

/// What a run shares across its tickets, whichever process each follows: the arrival stream, the
/// customers, case ids, the timestamp buffer, the writer and the counts.
pub(crate) struct Run<'c, W: Write> {
    cfg: &'c SimConfig,
    arrivals: Arrivals,
    /// The customers of the run (fresh ids and the recent ones, for repeat tickets).
    pub(crate) customers: Customers,
    case_ids: CaseIds,
    stamp: Timestamp,
    writer: EventWriter<W>,
    /// The counts so far (`deviations` is filled by [`Run::finish`]).
    pub(crate) summary: SimSummary,
    by_kind: [u64; DeviationKind::ALL.len()],
}

impl<'c, W: Write> Run<'c, W> {
    /// A run of `cfg` writing to `out`, header written.
    pub(crate) fn new(cfg: &'c SimConfig, out: W, columns: Columns) -> Result<Self, SimError> {
        Ok(Run {
            cfg,
            arrivals: Arrivals::new(cfg.month, cfg.cases),
            customers: Customers::new(cfg.seed, cfg.cases, cfg.month.days()),
            case_ids: CaseIds::new(cfg.month, cfg.cases),
            stamp: Timestamp::new(),
            writer: EventWriter::new(out, columns == Columns::WithBrand)?,
            summary: SimSummary { tickets: 0, events: 0, repeats: 0, deviated: 0, deviations: Vec::new() },
            by_kind: [0; DeviationKind::ALL.len()],
        })
    }

    /// When ticket `i` (asked in increasing order) arrives: the first draw of its stream.
    pub(crate) fn arrival(&mut self, i: u64, rng: &mut Xoshiro256) -> i64 {
        self.arrivals.at(i, rng.unit())
    }

    /// Flushes the writer and returns the counts.
    pub(crate) fn finish(mut self) -> Result<SimSummary, SimError> {
        self.writer.finish()?;
        self.summary.deviations = DeviationKind::ALL.iter().copied().zip(self.by_kind).collect();
        Ok(self.summary)
    }
}

/// What the caller drew for a ticket before its steps: its number, arrival, customer and way in.
pub(crate) struct Filing<'a> {
    /// 0-based number of the ticket in the run (its random streams and case id).
    pub(crate) seq: u64,
    pub(crate) arrival: i64,
    pub(crate) customer: u32,
    pub(crate) business: &'a str,
    pub(crate) channel: &'a str,
    /// Written only by runs with [`Columns::WithBrand`].
    pub(crate) brand: &'a str,
}

/// One process's part of a run: its prepared model, walker and deviator and the per-ticket
/// buffers, so a run over many processes keeps one of these per process and no copy of the logic.
pub(crate) struct ProcessSim<'p> {
    process: &'p Process,
    model: Model<'p>,
    walker: Walker<'p>,
    deviator: Deviator<'p>,
    trace: Vec<StepId>,
    events: Vec<Event>,
    token: String,
    agent_of_role: Vec<usize>,
}

impl<'p> ProcessSim<'p> {
    /// The part of `process` (which has steps), walking `plan` (its plan). O(process size).
    pub(crate) fn new(process: &'p Process, plan: &'p Plan) -> Self {
        ProcessSim {
            process,
            model: Model::new(process),
            walker: Walker::new(plan),
            deviator: Deviator::new(process),
            trace: Vec::new(),
            events: Vec::new(),
            token: String::new(),
            agent_of_role: vec![NO_AGENT; process.roles.len()],
        }
    }

    /// Walks the next ticket's clean trace.
    pub(crate) fn walk(&mut self, rng: &mut Xoshiro256) {
        self.walker.walk(rng, &mut self.trace);
    }

    /// Writes the ticket just walked: its problem class, whether it deviates (and how), then its
    /// agents and step durations, as rows of `run`, and counts it.
    pub(crate) fn write<W: Write>(
        &mut self,
        filing: &Filing<'_>,
        rng: &mut Xoshiro256,
        run: &mut Run<'_, W>,
    ) -> Result<(), SimError> {
        let class = self.model.class(&self.trace, rng);
        let process = self.process;
        self.events.clear();
        self.events
            .extend(self.trace.iter().map(|s| Event { activity: Activity::Step(*s), role: process.step(*s).role }));
        // Always drawn, so the streams of clean tickets do not depend on the noise level.
        let deviates = rng.unit() < run.cfg.noise;
        let deviation: Option<Deviation> = if deviates {
            self.deviator.deviate(&mut Xoshiro256::new(run.cfg.seed ^ DEVIATION_SALT, filing.seq), &mut self.events)
        } else {
            None
        };
        self.token.clear();
        if let Some(d) = deviation {
            d.write_token(process, &mut self.token);
            run.summary.deviated += 1;
            run.by_kind[DeviationKind::ALL.iter().position(|k| *k == d.kind()).unwrap_or(0)] += 1;
        }
        let ticket = Ticket {
            case_id: run.case_ids.get(filing.seq + 1),
            customer: customer_id(filing.customer),
            tier: tier(filing.customer),
            class,
            channel: filing.channel,
            business: filing.business,
            brand: filing.brand,
            deviation: &self.token,
        };
        self.agent_of_role.fill(NO_AGENT);
        let mut at =
            Placing { arrival: filing.arrival, rng, agent_of_role: &mut self.agent_of_role, stamp: &mut run.stamp };
        self.model.write_events(&ticket, &self.events, &mut at, &mut run.writer)?;
        run.summary.tickets += 1;
        run.summary.events += self.events.len() as u64;
        Ok(())
    }
}

/// Where a ticket's events are placed in time and staff: its arrival, its random stream, the agent
/// chosen per role so far, and the timestamp buffer.
struct Placing<'a> {
    arrival: i64,
    rng: &'a mut Xoshiro256,
    agent_of_role: &'a mut [usize],
    stamp: &'a mut Timestamp,
}

/// What is written for every event of a ticket.
struct Ticket<'a> {
    case_id: &'a [u8],
    customer: [u8; 9],
    tier: u8,
    class: &'a str,
    channel: &'a str,
    business: &'a str,
    brand: &'a str,
    deviation: &'a str,
}

/// The process's labels, timings, classes and agents, prepared once.
struct Model<'p> {
    /// Per step: its label and timing.
    steps: Vec<(&'p str, StepTiming)>,
    /// Per role: its label.
    roles: Vec<&'p str>,
    /// Per role: the problem class its steps reveal (empty for none), for complaint processes.
    class_of_role: Option<Vec<&'static str>>,
    /// Per step: its role.
    role_of_step: Vec<usize>,
    agents: Agents,
}

impl<'p> Model<'p> {
    fn new(process: &'p Process) -> Self {
        let class_of_role = (process.kind == "complaint").then(|| {
            process
                .roles
                .iter()
                .map(|r| match r.id.as_str() {
                    "maintenance" => "maintenance",
                    "construction" => "construction",
                    _ => "",
                })
                .collect()
        });
        Model {
            steps: process
                .steps
                .iter()
                .map(|s| (label(s.name_zh.as_ref(), &s.name), StepTiming::of(s, &process.role(s.role).id)))
                .collect(),
            roles: process.roles.iter().map(|r| label(r.name_zh.as_ref(), &r.name)).collect(),
            class_of_role,
            role_of_step: process.steps.iter().map(|s| s.role.0 as usize).collect(),
            agents: Agents::new(process),
        }
    }

    /// The problem class of a ticket with the clean `trace` (see the module docs).
    fn class(&self, trace: &[StepId], rng: &mut Xoshiro256) -> &'static str {
        let Some(classes) = &self.class_of_role else { return "" };
        let branch = trace.iter().map(|s| classes[self.role_of_step[s.0 as usize]]).find(|c| !c.is_empty());
        branch.unwrap_or_else(|| if rng.chance(MAINTENANCE_SHARE) { "maintenance" } else { "construction" })
    }

    /// Writes the events of one ticket, choosing agents and durations.
    fn write_events<W: Write>(
        &self,
        ticket: &Ticket<'_>,
        events: &[Event],
        at: &mut Placing<'_>,
        writer: &mut EventWriter<W>,
    ) -> Result<(), SimError> {
        let Placing { arrival, rng, agent_of_role, stamp } = at;
        let mut t = *arrival;
        for (k, e) in events.iter().enumerate() {
            let (activity, timing) = match e.activity {
                Activity::Step(s) => self.steps[s.0 as usize],
                Activity::Extra(l) => (EXTRA_LABELS[usize::from(l)], StepTiming::extra()),
            };
            if k > 0 {
                t += timing.draw(rng);
            }
            let role = e.role.0 as usize;
            let pool = &self.agents.pools[role];
            if agent_of_role[role] == NO_AGENT {
                agent_of_role[role] = rng.index(pool.len());
            }
            writer.row(&Row {
                case_id: ticket.case_id,
                activity,
                timestamp: stamp.at(t),
                role: self.roles[role],
                resource: &pool[agent_of_role[role]],
                customer_id: &ticket.customer,
                tier: ticket.tier,
                class: ticket.class,
                channel: ticket.channel,
                business: ticket.business,
                brand: ticket.brand,
                deviation: ticket.deviation,
            })?;
        }
        Ok(())
    }
}
