//! The command line as clap parses it: raw values only, resolved by each subcommand's module.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Audits how customer-service tickets really flow against how the processes were designed.
#[derive(Debug, Parser)]
#[command(name = "flowaudit", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check process definitions and the touchpoint map; report every error with its file, line and column.
    Validate(ValidateArgs),
    /// Show the business x channel touchpoint matrix (the process map) with blind spots and duplicates.
    Map(MapArgs),
    /// Read ticket event logs (CSV, XES, XES.gz) and report what they hold.
    #[command(subcommand)]
    Log(LogCommand),
    /// Check tickets against their process: optimal alignments, conformance rate, fitness, deviations, token replay,
    /// and the department view (hand-offs, loop-backs, organisational conformance, repeats, KPIs).
    Check(CheckArgs),
    /// The worst loop-backs of a log: tickets, steps and department pairs that bounce back most.
    Loops(LoopsArgs),
    /// Time limits by customer tier and problem class on working calendars, the early warning of
    /// open tickets, and the bottlenecks where tickets wait.
    Sla(SlaArgs),
    /// Draw a process's designed map: one swimlane per role, steps, gateways, designed loops, a
    /// legend (DOT, or SVG/PNG/PDF through Graphviz's `dot`).
    Render(RenderArgs),
    /// Two processes side by side (e.g. the linear and the flattened complaint flow): both designed
    /// maps in one picture, the steps they share in the same columns, and a table of what each
    /// design implies and, with a month of tickets for each, what really happened; `--what-if`
    /// replays the first month on the second design.
    Compare(CompareArgs),
    /// The monthly audit: a centre's month routed through the touchpoint map, every ticket checked
    /// against its own process, written as reports/YYYY-MM/ (HTML, Excel, Markdown, JSON, CSV,
    /// SVG maps) with benchmark values and trends. With no arguments, in the repository: the
    /// bundled sample month into reports/example/.
    Audit(AuditMonthArgs),
    /// Write a process as a Petri net (PNML, as ProM and PM4Py read it).
    Export(ExportArgs),
    /// Write a realistic, seeded ticket log for a process, or with --touchpoints a whole centre's
    /// month of every kind of ticket (a CSV stream; same seed, same bytes).
    Simulate(SimulateArgs),
    /// Grade customers into five tiers (five-star .. one-star) by ARPU x tenure coefficient (seed 000).
    ///
    /// Thresholds are the values at the 5/15/30/70 % cut points of the ranked customers, rounded
    /// half up to a multiple of 10 (definitions and a worked example in docs/grading.md). ARPU is the mean monthly bill of the 12 months before --month (from the joining month for
    /// 6-11 months of tenure; months without a bill count as 0), half up to whole yuan. Customers
    /// with less tenure than the rules' first band (6 months) are listed as ungraded. A customer
    /// listed more than once keeps the highest grade. Bad rows are rejected with `file:line` and
    /// reason and counted (--strict: exit 2).
    Grade(GradeArgs),
}

/// `flowaudit log ...`.
#[derive(Debug, Subcommand)]
pub enum LogCommand {
    /// Cases, events, variants, activities with counts, time span and row accounting of a log.
    Stats(LogStatsArgs),
    /// Write a log profile for review, with the most similar step or role for each unmapped label.
    ///
    /// The profile holds the columns recognised and, for every activity label and department name
    /// the process's names and aliases do not cover, the most similar step or role with its score
    /// as a comment; labels with nothing similar enough are left as commented `?` lines.
    SuggestProfile(SuggestProfileArgs),
}

/// How to read a ticket event log: shared by every command that reads one.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct LogArgs {
    /// The event log: .csv (or .tsv, .txt), .xes or .xes.gz.
    #[arg(long, value_name = "FILE")]
    pub log: PathBuf,
    /// How to read it.
    #[command(flatten)]
    pub reading: ReadingFlags,
}

impl std::ops::Deref for LogArgs {
    type Target = ReadingFlags;

    fn deref(&self) -> &ReadingFlags {
        &self.reading
    }
}

/// How to read ticket event logs (every flag but the file itself): shared by every command that
/// reads logs, those that read several (`audit`, `compare`) included.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ReadingFlags {
    /// A log profile (YAML): column names, delimiter, encoding, time zone, timestamp format and
    /// activity labels of one ticket system's export. Flags override it.
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// CSV column with the ticket (case) id.
    #[arg(long, value_name = "COLUMN", help_heading = "CSV columns")]
    pub case: Option<String>,
    /// CSV column with the activity (step) label.
    #[arg(long, value_name = "COLUMN", help_heading = "CSV columns")]
    pub activity: Option<String>,
    /// CSV column with the event's timestamp.
    #[arg(long, value_name = "COLUMN", help_heading = "CSV columns")]
    pub timestamp: Option<String>,
    /// CSV column with the department or role that did the step.
    #[arg(long, value_name = "COLUMN", help_heading = "CSV columns")]
    pub role: Option<String>,
    /// CSV column with the agent (resource) who did the step.
    #[arg(long, value_name = "COLUMN", help_heading = "CSV columns")]
    pub resource: Option<String>,
    /// CSV column with the lifecycle transition (start, complete, ...).
    #[arg(long = "lifecycle-column", value_name = "COLUMN", help_heading = "CSV columns")]
    pub lifecycle_column: Option<String>,
    /// CSV column with the customer id.
    #[arg(long, value_name = "COLUMN", help_heading = "CSV columns")]
    pub customer: Option<String>,
    /// CSV column with the customer tier (1-5 stars).
    #[arg(long, value_name = "COLUMN", help_heading = "CSV columns")]
    pub tier: Option<String>,
    /// CSV column with the problem class (maintenance, construction, ...).
    #[arg(long, value_name = "COLUMN", help_heading = "CSV columns")]
    pub class: Option<String>,
    /// CSV column with the channel (phone, ivr, web, ...).
    #[arg(long, value_name = "COLUMN", help_heading = "CSV columns")]
    pub channel: Option<String>,
    /// CSV column with the business (billing, broadband, ...).
    #[arg(long, value_name = "COLUMN", help_heading = "CSV columns")]
    pub business: Option<String>,
    /// CSV column with the customer's brand (gotone, mzone, ...; some touchpoints serve one brand).
    #[arg(long, value_name = "COLUMN", help_heading = "CSV columns")]
    pub brand: Option<String>,
    /// CSV field delimiter: `,` `;` `tab` `|` (default: sniffed from the header line).
    #[arg(long, value_name = "CHAR", help_heading = "CSV format")]
    pub delimiter: Option<String>,
    /// Text encoding of a CSV: utf-8 (with or without BOM) or gbk / gb18030.
    #[arg(long, value_name = "NAME", help_heading = "CSV format")]
    pub encoding: Option<String>,
    /// IANA time zone of timestamps written without an offset (e.g. Asia/Shanghai; default UTC).
    #[arg(long, value_name = "ZONE", help_heading = "Timestamps")]
    pub timezone: Option<String>,
    /// strftime-style layout of timestamps the built-in formats do not cover (e.g. "%d.%m.%Y %H:%M").
    #[arg(long, value_name = "FORMAT", help_heading = "Timestamps")]
    pub timestamp_format: Option<String>,
    /// Keep only events with this lifecycle transition (e.g. `complete`); default: every event.
    #[arg(long, value_name = "TRANSITION")]
    pub lifecycle: Option<String>,
    /// Write every rejected row (line, reason, detail, the row) to this CSV file.
    #[arg(long, value_name = "FILE")]
    pub rejects: Option<PathBuf>,
    /// Fail (exit 2) if any row is rejected.
    #[arg(long)]
    pub strict: bool,
}

impl ReadingFlags {
    /// These flags for the log at `path`.
    pub fn log_args(&self, path: &std::path::Path) -> LogArgs {
        LogArgs { log: path.to_path_buf(), reading: self.clone() }
    }
}

/// Output formats of `log stats`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatsFormat {
    /// Human-readable summary and tables.
    Text,
    /// Machine-readable: every figure of the text output.
    Json,
}

/// `flowaudit log stats`.
#[derive(Debug, clap::Args)]
pub struct LogStatsArgs {
    /// How to read the log.
    #[command(flatten)]
    pub log: LogArgs,
    /// Map the log's activity labels to this process's steps and list the unmapped ones.
    #[arg(long, value_name = "ID|FILE")]
    pub process: Option<String>,
    /// The process directory, where `--process` ids are looked up.
    #[arg(long, default_value = "processes", value_name = "DIR")]
    pub processes: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = StatsFormat::Text)]
    pub format: StatsFormat,
}

/// `flowaudit log suggest-profile`.
#[derive(Debug, clap::Args)]
pub struct SuggestProfileArgs {
    /// How to read the log (a `--mapping` profile given here is kept in the suggested one).
    #[command(flatten)]
    pub log: LogArgs,
    /// The process whose steps and roles the log's labels are matched against.
    #[arg(long, value_name = "ID|FILE")]
    pub process: String,
    /// The process directory, where `--process` ids are looked up.
    #[arg(long, default_value = "processes", value_name = "DIR")]
    pub processes: PathBuf,
    /// Where to write the profile (default: standard output).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// A summary with the most skipped and unexpected steps and deviation patterns.
    Text,
    /// Every log-level figure.
    Json,
}

/// What `check` and `loops` share: the log, its process, and how to align and walk it.
#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    /// How to read the log.
    #[command(flatten)]
    pub log: LogArgs,
    /// The process: an id from the process directory, a process file, or a Petri net (.pnml).
    #[arg(long, value_name = "ID|FILE")]
    pub process: String,
    /// The process directory, where ids are looked up.
    #[arg(long, default_value = "processes", value_name = "DIR")]
    pub processes: PathBuf,
    /// Accepted deviations (YAML; see docs/conformance.md): a ticket whose every deviation is
    /// allow-listed counts as conforming. Entries for other processes are ignored.
    #[arg(long, value_name = "FILE")]
    pub allow: Option<PathBuf>,
    /// Most search states per variant; a variant past it is reported as not computed.
    #[arg(long, default_value_t = 10_000_000, value_name = "N")]
    pub budget: u64,
    /// Longest search per variant, in seconds; a variant past it is reported as not computed.
    #[arg(long, value_name = "SECONDS")]
    pub time_limit: Option<f64>,
    /// Most memory one variant's search may hold, in MiB; a variant past it is reported as not
    /// computed (0: no bound).
    #[arg(long, default_value_t = crate::conformance::check::DEFAULT_MEMORY_LIMIT_MIB, value_name = "MIB")]
    pub memory_limit: u64,
    /// A ticket is a repeat complaint when the same customer opened one about the same business
    /// at most this many days before.
    #[arg(long, default_value_t = 30, value_name = "DAYS")]
    pub repeat_days: u32,
    /// Contact volumes per channel (CSV `channel,contacts`) for the complaint rate per 10,000 contacts.
    #[arg(long, value_name = "FILE")]
    pub contacts: Option<PathBuf>,
    /// Language of step and department names (default: Chinese when the process has Chinese names).
    #[arg(long, value_enum, value_name = "LANG")]
    pub lang: Option<Lang>,
    /// Only the alignments and their figures: no hand-offs, loop-backs, departments or KPIs.
    #[arg(long)]
    pub conformance_only: bool,
    /// Open tickets' time limits are measured to this instant (default: the log's last event);
    /// set by `audit` (the month's end), not a flag.
    #[arg(skip)]
    pub as_of: Option<crate::log::timestamp::Time>,
    /// Leave the time-limit summary out: set by `audit`, which evaluates the limits itself (once
    /// per process, for its full report), not a flag.
    #[arg(skip)]
    pub skip_limits: bool,
}

/// `flowaudit check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The log, the process and how to check.
    #[command(flatten)]
    pub audit: AuditArgs,
    /// Write one row per ticket (`case_id,cost,fitness,fits,alignment,allowed,tbr_fitness`, then
    /// the department view's `handoffs,department_returns,loopbacks,designed_loopbacks,
    /// undesigned_loopbacks,wrong_department_events,repeat_of`) to this CSV file.
    #[arg(long, value_name = "FILE")]
    pub per_trace: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    /// Exit with 1 when the conformance rate is below this share (0.0-1.0).
    #[arg(long, value_name = "R")]
    pub min_rate: Option<f64>,
}

/// `flowaudit loops`.
#[derive(Debug, clap::Args)]
pub struct LoopsArgs {
    /// The log, the process and how to check.
    #[command(flatten)]
    pub audit: AuditArgs,
    /// Rows per list.
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub top: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
}

/// `flowaudit sla`.
#[derive(Debug, clap::Args)]
pub struct SlaArgs {
    /// How to read the log.
    #[command(flatten)]
    pub log: LogArgs,
    /// The process: an id from the process directory or a process file.
    #[arg(long, value_name = "ID|FILE")]
    pub process: String,
    /// The process directory: processes, `time-limits.yaml` and `calendars/`.
    #[arg(long, default_value = "processes", value_name = "DIR")]
    pub processes: PathBuf,
    /// The time limits (default: `time-limits.yaml` of the process directory).
    #[arg(long, value_name = "FILE")]
    pub limits: Option<PathBuf>,
    /// Count every limit on this calendar (a calendar file) instead of each rule's own.
    #[arg(long, value_name = "FILE")]
    pub calendar: Option<PathBuf>,
    /// Measure open tickets up to this time (RFC 3339, or naive in the log's time zone; default:
    /// the log's last event).
    #[arg(long, value_name = "TIME")]
    pub as_of: Option<String>,
    /// Share of its limit from which an open ticket is at risk.
    #[arg(long, default_value_t = 0.8, value_name = "SHARE")]
    pub warn_at: f64,
    /// Customer grades (`flowaudit grade --format csv`: `customer_id,...,stars`) for tickets whose
    /// log has no tier, joined on the customer id.
    #[arg(long, value_name = "FILE")]
    pub grades: Option<PathBuf>,
    /// Write one row per ticket and limit
    /// (`case_id,tier,class,calendar,elapsed_hours,limit_hours,met,over_hours,share_used,measure,rule,open,due`).
    #[arg(long, value_name = "FILE.csv")]
    pub per_ticket: Option<PathBuf>,
    /// Rows per list in the text output (breaches, warnings, bottlenecks) and in the JSON lists.
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub top: usize,
    /// Language of step and department names (default: Chinese when the process has Chinese names).
    #[arg(long, value_enum, value_name = "LANG")]
    pub lang: Option<Lang>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
}

/// Output formats of `render`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RenderFormat {
    /// Graphviz DOT text (needs no Graphviz).
    Dot,
    /// SVG, drawn by `dot`.
    Svg,
    /// PNG, drawn by `dot`.
    Png,
    /// PDF, drawn by `dot`.
    Pdf,
}

/// What a discovered map shows on its edges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MapMode {
    /// How many tickets took each step and each path.
    Frequency,
    /// The median wait on each path.
    Performance,
}

/// What an overlay of a log on a designed map shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OverlayMetric {
    /// Tickets per step and path (pen width).
    Frequency,
    /// Median wait per path, as a colour scale.
    Wait,
    /// Skipped steps, paths not in the design (red), undesigned loop-backs, wrong-department work.
    Deviations,
}

/// `flowaudit render`.
#[derive(Debug, clap::Args)]

pub struct RenderArgs {
    /// The process: an id from the process directory or a process file.
    #[arg(long, value_name = "ID|FILE")]
    pub process: Option<String>,
    /// A log to draw a discovered map of (without `--process`): the directly-follows map of its
    /// activities. Its columns are recognised as by `log stats`; name others in a `--mapping` profile.
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,
    /// How to read the log.
    #[command(flatten)]
    pub reading: ReadingFlags,
    /// Discovered map: share of events whose activities are kept, the most frequent first.
    #[arg(long, default_value_t = 1.0, value_name = "P")]
    pub activities: f64,
    /// Discovered map: share of transitions whose paths are kept, the most frequent first (every
    /// kept activity keeps its strongest way in and out).
    #[arg(long, default_value_t = 0.9, value_name = "P")]
    pub paths: f64,
    /// Discovered map: frequency or performance.
    #[arg(long, value_enum, default_value_t = MapMode::Frequency)]
    pub mode: MapMode,
    /// With `--process` and `--log`: what of the log to draw on the designed map.
    #[arg(long, value_enum, default_value_t = OverlayMetric::Frequency)]
    pub metric: OverlayMetric,
    /// The process directory, where ids are looked up.
    #[arg(long, default_value = "processes", value_name = "DIR")]
    pub processes: PathBuf,
    /// Where to write the map (default: standard output); its extension (.dot, .svg, .png, .pdf)
    /// chooses the format unless `--format` does.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Output format (default: from `-o`'s extension, else DOT).
    #[arg(long, value_enum)]
    pub format: Option<RenderFormat>,
    /// Language of the map's names (default: Chinese when the process has Chinese names).
    #[arg(long, value_enum, value_name = "LANG")]
    pub lang: Option<Lang>,
}

/// `flowaudit audit`.
#[derive(Debug, clap::Args)]
pub struct AuditMonthArgs {
    /// The month to audit, `YYYY-MM` (default: the month most tickets opened in). A ticket belongs
    /// to the month it was opened in.
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Option<String>,
    /// The month's ticket exports (CSV, XES, XES.gz; several may be given); default: the bundled
    /// sample month, written to `<out>/example/`.
    #[arg(long = "log", value_name = "FILE", num_args = 1..)]
    pub log: Vec<PathBuf>,
    /// Audit every ticket against this one process instead of routing by touchpoint.
    #[arg(long, value_name = "ID|FILE")]
    pub process: Option<String>,
    /// The process directory (processes, touchpoints.yaml, time limits, benchmark values).
    #[arg(long, default_value = "processes", value_name = "DIR")]
    pub processes: PathBuf,
    /// Where the month's folder is written.
    #[arg(long, default_value = "reports", value_name = "DIR")]
    pub out: PathBuf,
    /// Language of the report (default: Chinese).
    #[arg(long, value_enum, value_name = "LANG")]
    pub lang: Option<Lang>,
    /// Replace the month's folder when it exists.
    #[arg(long)]
    pub force: bool,
    /// Exit 1 when a benchmark value is missed (for cron and CI).
    #[arg(long)]
    pub fail_on_miss: bool,
    /// On-site inspection results to merge into field application (实地运用): CSV
    /// `process,inspected,compliant`.
    #[arg(long, value_name = "FILE")]
    pub inspections: Option<PathBuf>,
    /// The month's contact volumes per channel (CSV `channel,contacts`), for the complaint rate
    /// (complaint tickets per contact; the bundled benchmark is at most 0.05 %).
    #[arg(long, value_name = "FILE")]
    pub contacts: Option<PathBuf>,
    /// The centre's time zone, for the month's boundaries.
    #[arg(long, default_value = "Asia/Shanghai", value_name = "ZONE")]
    pub zone: String,
    /// How to read the logs.
    #[command(flatten)]
    pub reading: ReadingFlags,
}

/// Output formats of `compare`'s table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompareFormat {
    /// An aligned text table.
    Text,
    /// A Markdown table.
    Markdown,
    /// JSON (design, observed and what-if figures).
    Json,
}

/// `flowaudit compare`.
#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    /// The two processes, first then second: ids from the process directory or files.
    #[arg(long = "process", value_name = "ID|FILE", required = true, num_args = 1)]
    pub process: Vec<String>,
    /// A month of tickets per process, in the same order (one: the first process's only). Read as
    /// by `log stats`.
    #[arg(long = "log", value_name = "FILE", num_args = 1)]
    pub log: Vec<PathBuf>,
    /// Replay the first log on the second process, with the month's own step durations and
    /// choices (assumptions in docs/compare.md and under the picture).
    #[arg(long)]
    pub what_if: bool,
    /// Seed of the what-if's draws: the same seed gives the same figures.
    #[arg(long, default_value_t = 1, value_name = "S")]
    pub seed: u64,
    /// What of each log to draw on its map.
    #[arg(long, value_enum, default_value_t = OverlayMetric::Deviations)]
    pub metric: OverlayMetric,
    /// How to read the logs.
    #[command(flatten)]
    pub reading: ReadingFlags,
    /// The process directory, where ids, time limits and calendars are looked up.
    #[arg(long, default_value = "processes", value_name = "DIR")]
    pub processes: PathBuf,
    /// Where to write the picture; its extension (.dot, .svg, .png, .pdf) chooses the format.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Format of the table on standard output.
    #[arg(long, value_enum, default_value_t = CompareFormat::Text)]
    pub format: CompareFormat,
    /// Language of names (default: Chinese when the first process has Chinese names).
    #[arg(long, value_enum, value_name = "LANG")]
    pub lang: Option<Lang>,
}

/// Languages of names in output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    /// Chinese (`name_zh`), where the process has it.
    Zh,
    /// English (`name`).
    En,
}

/// `flowaudit export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The process: an id from the process directory or a file.
    #[arg(long, value_name = "ID|FILE")]
    pub process: String,
    /// The process directory, where ids are looked up.
    #[arg(long, default_value = "processes", value_name = "DIR")]
    pub processes: PathBuf,
    /// Where to write the workflow net as PNML.
    #[arg(long, value_name = "FILE")]
    pub pnml: PathBuf,
}

/// `flowaudit simulate`: one of `--process` and `--touchpoints`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["process", "touchpoints"])))]
pub struct SimulateArgs {
    /// The process to simulate: an id from the process directory or a file.
    #[arg(long, value_name = "ID|FILE")]
    pub process: Option<String>,
    /// Simulate a whole centre's month instead: tickets of every service process the touchpoint map
    /// (touchpoints.yaml in --processes) routes to, in a hotline's shares (query 45 %, acceptance
    /// 25 %, consultation 15 %, verification 10 %, complaint 5 %), each at a touchpoint of its
    /// process, and tickets at the map's blind spots; adds a `brand` column (docs/simulate.md).
    #[arg(long)]
    pub touchpoints: bool,
    /// The process directory, where ids and touchpoints.yaml are looked up.
    #[arg(long, default_value = "processes", value_name = "DIR")]
    pub processes: PathBuf,
    /// Number of tickets (cases): of the process, or with --touchpoints of the whole centre.
    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub cases: u64,
    /// Random seed: the same seed gives a byte-identical file.
    #[arg(long, default_value_t = 1, value_name = "S")]
    pub seed: u64,
    /// Share of tickets with a recorded deviation (0.0-1.0).
    #[arg(long, default_value_t = 0.0, value_name = "F")]
    pub noise: f64,
    /// The month tickets arrive in (YYYY-MM).
    #[arg(long, default_value = "2026-10", value_name = "YYYY-MM")]
    pub month: String,
    /// Output file (default: standard output).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Output formats of `validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ValidateFormat {
    /// Human-readable, with source excerpts.
    Text,
    /// Machine-readable: counts and every diagnostic with file, line, column, code, message, help.
    Json,
}

/// `flowaudit validate`.
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// Process files, process ids or directories (default: the process directory).
    pub paths: Vec<String>,
    /// The process directory, where ids are looked up.
    #[arg(long, default_value = "processes", value_name = "DIR")]
    pub processes: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ValidateFormat::Text)]
    pub format: ValidateFormat,
}

/// Output formats of `map`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MapFormat {
    /// An aligned text table with a legend.
    Text,
    /// A Markdown table.
    Md,
    /// CSV: one row per business, one column per channel.
    Csv,
    /// The whole matrix as JSON: rows, columns, cells with their touchpoints, and totals.
    Json,
}

/// What `map --fail-on` can fail on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MapFailOn {
    /// A touchpoint without a process.
    BlindSpots,
    /// A cell with more than one process.
    Duplicates,
}

/// `flowaudit map`.
#[derive(Debug, clap::Args)]
pub struct MapArgs {
    /// The process directory holding the processes and touchpoints.yaml.
    #[arg(long, default_value = "processes", value_name = "DIR")]
    pub processes: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = MapFormat::Text)]
    pub format: MapFormat,
    /// Exit with 1 when the matrix has these (repeat or separate with commas).
    #[arg(long, value_enum, value_delimiter = ',')]
    pub fail_on: Vec<MapFailOn>,
}

/// Output formats of `grade`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GradeFormat {
    /// A summary: what was read, thresholds, customers and share per tier, ungraded, rejected.
    Text,
    /// Everything: month, rules, thresholds and cut points, counts, ungraded, rejected, grades.
    Json,
    /// One row per customer: `customer_id,tenure_months,arpu,coefficient,value,stars`.
    Csv,
}

/// `flowaudit grade`.
#[derive(Debug, clap::Args)]
pub struct GradeArgs {
    /// Customers: CSV with the header `customer_id,joined`; `joined` is YYYY-MM-DD, YYYY/MM/DD or
    /// YYYY-MM. A customer id on several rows (several numbers, a re-join) keeps its highest grade.
    #[arg(long, value_name = "FILE")]
    pub customers: PathBuf,
    /// Monthly bills: CSV with the header `customer_id,month,amount`; `month` is YYYY-MM (or
    /// YYYY/MM, YYYYMM), `amount` in yuan with at most two decimals. Rows of one customer-month
    /// are summed.
    #[arg(long, value_name = "FILE")]
    pub bills: PathBuf,
    /// The month being graded (YYYY-MM); its ARPU window is the 12 months before it.
    #[arg(long, value_name = "YYYY-MM")]
    pub month: String,
    /// The grading rules: cut-point shares and the tenure coefficient table.
    #[arg(long, default_value = "processes/grading.yaml", value_name = "FILE")]
    pub rules: PathBuf,
    /// Where to write the output (default: standard output).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = GradeFormat::Text)]
    pub format: GradeFormat,
    /// Write every rejected row (file, line, reason, `customer_id`, detail) to this CSV file.
    #[arg(long, value_name = "FILE")]
    pub rejects: Option<PathBuf>,
    /// Fail (exit 2, nothing written but --rejects) if any row is rejected.
    #[arg(long)]
    pub strict: bool,
}
