//! `flowaudit render`: a process's designed map, or a log's discovered map, as DOT, or drawn by
//! Graphviz's `dot` as SVG, PNG or PDF. The library writes DOT; running `dot` (no shell, DOT on its standard input) happens
//! here, at the edge.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::Context as _;

use crate::analysis::view::DepartmentView;
use crate::cli::args::{AuditArgs, Lang, LogArgs, MapMode, OverlayMetric, RenderArgs, RenderFormat};
use crate::cli::check::{Checked, checked};
use crate::cli::exit::Exit;
use crate::cli::{log_input, process_arg};
use crate::model::process::{Process, StepId};
use crate::render::discovered::{Discover, Mode, discovered_map};
use crate::render::dot::Graph;
use crate::render::overlay::{Metric, Observed, overlay};
use crate::render::process_map::designed_map;

/// The format `-o`'s extension names, if it names one.
pub fn format_of(path: &Path) -> Option<RenderFormat> {
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "dot" | "gv" => Some(RenderFormat::Dot),
        "svg" => Some(RenderFormat::Svg),
        "png" => Some(RenderFormat::Png),
        "pdf" => Some(RenderFormat::Pdf),
        _ => None,
    }
}

/// `dot -T<format>` of `dot_text`: the drawing, or an error that says how to get Graphviz.
pub fn run_dot(dot_text: &str, format: &str) -> anyhow::Result<Vec<u8>> {
    let mut child = Command::new("dot")
        .arg(format!("-T{format}"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            anyhow::anyhow!(
                "cannot run Graphviz's `dot` ({e}): install it (Debian: `apt-get install graphviz fonts-wqy-microhei`), or write DOT with `--format dot`"
            )
        })?;
    let mut stdin = child.stdin.take().context("no standard input to `dot`")?;
    let text = dot_text.to_owned();
    // Write on a thread of its own so that a large drawing cannot fill both pipes.
    let writer = std::thread::spawn(move || stdin.write_all(text.as_bytes()));
    let out = child.wait_with_output().context("`dot` did not finish")?;
    writer.join().map_err(|_| anyhow::anyhow!("writing to `dot` failed"))?.context("writing to `dot`")?;
    if !out.status.success() {
        anyhow::bail!("`dot -T{format}` failed ({}): {}", out.status, String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(out.stdout)
}

/// The DOT `args` ask for: a process's designed map, or a log's discovered map.
fn map(args: &RenderArgs) -> anyhow::Result<String> {
    match (&args.process, &args.log) {
        (Some(id), Some(path)) => overlaid(args, id, path),
        (Some(id), None) => {
            let process = process_arg::load(id, &args.processes)?;
            let zh = match args.lang {
                Some(Lang::Zh) => true,
                Some(Lang::En) => false,
                None => process.prefers_zh(),
            };
            Ok(designed_map(&process, zh).to_dot())
        }
        (None, Some(path)) => {
            let log_args = &args.reading.log_args(path);
            for (flag, p) in [("--activities", args.activities), ("--paths", args.paths)] {
                if !(0.0..=1.0).contains(&p) {
                    anyhow::bail!("{flag} {p} is not a share between 0 and 1");
                }
            }
            let profile = log_input::profile(log_args)?;
            let read = log_input::read_log(log_args, profile.as_ref())?;
            let mode = match args.mode {
                MapMode::Frequency => Mode::Frequency,
                MapMode::Performance => Mode::Performance,
            };
            let opts = Discover { activities: args.activities, paths: args.paths, mode };
            let title = log_args.log.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            Ok(discovered_map(&read.log, &title, &opts).to_dot())
        }
        (None, None) => anyhow::bail!("give `--process ID` (designed map) or `--log FILE` (discovered map)"),
    }
}

/// The designed map of `id` with the log at `path` drawn on it.
fn overlaid(args: &RenderArgs, id: &str, path: &Path) -> anyhow::Result<String> {
    let c = checked(&audit_args(args.reading.log_args(path), id, &args.processes, args.lang))?;
    Ok(overlaid_map(&c, metric(args.metric))?.to_dot())
}

/// The overlay `m` names.
pub fn metric(m: OverlayMetric) -> Metric {
    match m {
        OverlayMetric::Frequency => Metric::Frequency,
        OverlayMetric::Wait => Metric::Wait,
        OverlayMetric::Deviations => Metric::Deviations,
    }
}

/// `check`'s settings for the log `log` against process `id` (as `render` and `compare` use them).
pub fn audit_args(log: LogArgs, id: &str, processes: &Path, lang: Option<Lang>) -> AuditArgs {
    AuditArgs {
        log,
        process: id.to_owned(),
        processes: processes.to_path_buf(),
        allow: None,
        budget: 10_000_000,
        time_limit: None,
        memory_limit: crate::conformance::check::DEFAULT_MEMORY_LIMIT_MIB,
        repeat_days: 30,
        contacts: None,
        lang,
        conformance_only: false,
        as_of: None,
        skip_limits: false,
    }
}

/// The designed map of the checked log's process with what `c` observed drawn on it.
pub fn overlaid_map(c: &Checked, metric: Metric) -> anyhow::Result<Graph> {
    let (Some(process), Some((view, _))) = (&c.process, &c.view) else {
        anyhow::bail!("an overlay needs a process file, not a Petri net");
    };
    let step_of = step_of(process, view);
    let mut o = Observed::new(&c.read.log, process, &step_of);
    for (i, step) in process.steps.iter().enumerate() {
        o.skipped[i] = c.result.summary.skipped.get(&step.id).copied().unwrap_or(0);
        o.undesigned[i] =
            view.loopbacks.per_activity.get(&u32::try_from(i).unwrap_or(u32::MAX)).map_or(0, |a| a.undesigned);
        o.wrong_department[i] = view.organisation.as_ref().map_or(0, |org| org.per_step[i].wrong);
    }
    let mut map = designed_map(process, c.zh);
    overlay(&mut map, process, &o, metric, c.zh);
    Ok(map)
}

/// Each log activity's step, from the department view's activity ids.
pub fn step_of(process: &Process, view: &DepartmentView) -> Vec<Option<StepId>> {
    view.activity_id.iter().map(|&a| ((a as usize) < process.steps.len()).then_some(StepId(a))).collect()
}

/// `dot_text` in `format`: as it is for DOT, else drawn by Graphviz's `dot`.
pub fn draw(dot_text: String, format: RenderFormat) -> anyhow::Result<Vec<u8>> {
    Ok(match format {
        RenderFormat::Dot => dot_text.into_bytes(),
        RenderFormat::Svg => run_dot(&dot_text, "svg")?,
        RenderFormat::Png => run_dot(&dot_text, "png")?,
        RenderFormat::Pdf => run_dot(&dot_text, "pdf")?,
    })
}

/// Runs `render`.
pub fn run(args: &RenderArgs, out: &mut impl Write) -> anyhow::Result<Exit> {
    let format = args.format.or_else(|| args.output.as_deref().and_then(format_of)).unwrap_or(RenderFormat::Dot);
    let bytes = draw(map(args)?, format)?;
    match &args.output {
        Some(path) => std::fs::write(path, &bytes).with_context(|| format!("cannot write {}", path.display()))?,
        None => out.write_all(&bytes)?,
    }
    Ok(Exit::Ok)
}
