//! Resolving the shared log flags into [`ReadOptions`] and reading the log, with `--rejects`.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Write};

use anyhow::Context;

use crate::cli::args::LogArgs;
use crate::log::accounting::{CsvRejects, NoSink};
use crate::log::department::Departments;
use crate::log::event_log::EventLog;
use crate::log::mapping::ActivityMapping;
use crate::log::options::{ColumnNames, Encoding, ReadOptions, parse_delimiter};
use crate::log::profile::{FlagsGiven, Profile};
use crate::log::read::{self, ReadLog};
use crate::log::timestamp::{check_format, parse_zone};
use crate::model::diagnostic;
use crate::model::process::Process;

/// The log profile `--mapping` names, if any; its problems are printed with their locations.
pub fn profile(args: &LogArgs) -> anyhow::Result<Option<Profile>> {
    let Some(path) = &args.mapping else { return Ok(None) };
    match Profile::load(path) {
        Ok(p) => Ok(Some(p)),
        Err(e) => {
            let mut err = std::io::stderr().lock();
            diagnostic::write_text(&mut err, &e.diagnostics, |_| e.text.as_deref())?;
            anyhow::bail!("the log profile {} is invalid", path.display())
        }
    }
}

/// The log's labels mapped onto `process`, the profile's own mappings first; a profile mapping to
/// a step the process lacks is printed with its location.
pub fn map_activities(log: &EventLog, process: &Process, profile: Option<&Profile>) -> anyhow::Result<ActivityMapping> {
    let explicit = profile.map_or(&[][..], |p| &p.activities[..]);
    let file = profile.map_or("", |p| p.file.as_str());
    ActivityMapping::new(log, process, explicit, file).map_err(|diags| {
        let text = profile.map(|p| p.text.as_str());
        let _ = diagnostic::write_text(&mut std::io::stderr().lock(), &diags, |_| text);
        anyhow::anyhow!("the log profile maps labels to steps `{}` does not have", process.id)
    })
}

/// The departments of the log's events for `process`, with the profile's `roles:` and
/// `resources:`; an entry naming a role the process lacks is printed with its location.
pub fn departments(log: &EventLog, process: &Process, profile: Option<&Profile>) -> anyhow::Result<Departments> {
    let (roles, resources) = profile.map_or((&[][..], &[][..]), |p| (&p.roles[..], &p.resources[..]));
    let file = profile.map_or("", |p| p.file.as_str());
    Departments::new(log, process, roles, resources, file).map_err(|diags| {
        let text = profile.map(|p| p.text.as_str());
        let _ = diagnostic::write_text(&mut std::io::stderr().lock(), &diags, |_| text);
        anyhow::anyhow!("the log profile maps departments to roles `{}` does not have", process.id)
    })
}

/// The reading flags the user gave, as they would be typed again (`--log FILE` first): for hints
/// that name a command to run next.
pub fn reading_flags(args: &LogArgs) -> String {
    let quote = |s: &str| {
        if s.is_empty() || s.contains([' ', '"', '\'', '$', '`', '\\']) {
            format!("'{}'", s.replace('\'', "'\\''"))
        } else {
            s.to_owned()
        }
    };
    let mut out = format!("--log {}", quote(&args.log.display().to_string()));
    let path = |p: &Option<std::path::PathBuf>| p.as_ref().map(|p| p.display().to_string());
    for (flag, value) in [
        ("--mapping", path(&args.mapping)),
        ("--case", args.case.clone()),
        ("--activity", args.activity.clone()),
        ("--timestamp", args.timestamp.clone()),
        ("--role", args.role.clone()),
        ("--resource", args.resource.clone()),
        ("--lifecycle-column", args.lifecycle_column.clone()),
        ("--customer", args.customer.clone()),
        ("--tier", args.tier.clone()),
        ("--class", args.class.clone()),
        ("--channel", args.channel.clone()),
        ("--business", args.business.clone()),
        ("--brand", args.brand.clone()),
        ("--delimiter", args.delimiter.clone()),
        ("--encoding", args.encoding.clone()),
        ("--timezone", args.timezone.clone()),
        ("--timestamp-format", args.timestamp_format.clone()),
        ("--lifecycle", args.lifecycle.clone()),
    ] {
        if let Some(v) = value {
            let _ = write!(out, " {flag} {}", quote(&v));
        }
    }
    out
}

/// The read options the flags ask for, laid over the profile's.
pub fn options(args: &LogArgs, profile: Option<&Profile>) -> anyhow::Result<ReadOptions> {
    let mut opts = ReadOptions {
        columns: ColumnNames {
            case: args.case.clone(),
            activity: args.activity.clone(),
            timestamp: args.timestamp.clone(),
            role: args.role.clone(),
            resource: args.resource.clone(),
            lifecycle: args.lifecycle_column.clone(),
            customer: args.customer.clone(),
            tier: args.tier.clone(),
            class: args.class.clone(),
            channel: args.channel.clone(),
            business: args.business.clone(),
            brand: args.brand.clone(),
        },
        timestamp_format: args.timestamp_format.clone(),
        lifecycle: args.lifecycle.clone(),
        strict: args.strict,
        ..ReadOptions::default()
    };
    if let Some(d) = &args.delimiter {
        opts.delimiter = Some(parse_delimiter(d)?);
    }
    if let Some(e) = &args.encoding {
        opts.encoding = Encoding::parse(e)?;
    }
    if let Some(z) = &args.timezone {
        opts.zone = parse_zone(z).map_err(|e| anyhow::anyhow!("--timezone: {e}"))?;
    }
    if let Some(f) = &args.timestamp_format {
        check_format(f).map_err(|e| anyhow::anyhow!("--timestamp-format: {e}"))?;
    }
    if let Some(p) = profile {
        p.apply_to(&mut opts, &FlagsGiven { encoding: args.encoding.is_some(), timezone: args.timezone.is_some() });
    }
    Ok(opts)
}

/// Reads the log the flags name, writing rejected rows to `--rejects` when given.
pub fn read_log(args: &LogArgs, profile: Option<&Profile>) -> anyhow::Result<ReadLog> {
    let opts = options(args, profile)?;
    let Some(path) = &args.rejects else {
        return Ok(read::read(&args.log, &opts, &mut NoSink)?);
    };
    let file = File::create(path).with_context(|| format!("cannot write the rejects file {}", path.display()))?;
    let mut sink = CsvRejects::new(BufWriter::new(file))?;
    let read = read::read(&args.log, &opts, &mut sink);
    sink.finish()?.flush().with_context(|| format!("cannot write the rejects file {}", path.display()))?;
    Ok(read?)
}
