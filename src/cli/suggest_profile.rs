//! `flowaudit log suggest-profile`: read a log, match its unmapped activity labels and department
//! names against a process, and write a log profile for a person to review.

use std::fmt::Write as _;
use std::fs;
use std::io::Write;

use anyhow::Context as _;

use crate::cli::args::SuggestProfileArgs;
use crate::cli::exit::Exit;
use crate::cli::{log_input, process_arg};
use crate::log::read::Source;
use crate::log::suggest::{self, ReadSettings, Section};
use crate::model::diagnostic;

/// Runs `log suggest-profile`: exit 0 when the profile was written, 2 on bad input.
pub fn run(args: &SuggestProfileArgs, out: &mut impl Write) -> anyhow::Result<Exit> {
    // The process before the log, so that a wrong id costs no read.
    let process = process_arg::load(&args.process, &args.processes)?;
    if let Some(path) = &args.output
        && fs::canonicalize(path).ok().is_some_and(|p| fs::canonicalize(&args.log.log).ok() == Some(p))
    {
        anyhow::bail!("-o {} is the log itself; write the profile to another file", path.display());
    }
    let profile = log_input::profile(&args.log)?;
    let opts = log_input::options(&args.log, profile.as_ref())?;
    let read = log_input::read_log(&args.log, profile.as_ref())?;
    let suggested = suggest::suggest(&read.log, &process, profile.as_ref()).map_err(|diags| {
        let text = profile.as_ref().map(|p| p.text.as_str());
        let _ = diagnostic::write_text(&mut std::io::stderr().lock(), &diags, |_| text);
        let file = profile.as_ref().map_or("", |p| p.file.as_str());
        anyhow::anyhow!("the log profile {file} does not fit process `{}`", process.id)
    })?;
    let log_file = args.log.log.display().to_string();
    let (columns, xes) = match &read.source {
        Source::Csv(info) => (&info.columns[..], false),
        Source::Xes(_) | Source::Made => (&[][..], true),
    };
    let given = |flag: bool, in_profile: bool| flag || in_profile;
    let settings = ReadSettings {
        log_file: &log_file,
        columns,
        xes,
        delimiter: opts.delimiter,
        encoding: given(args.log.encoding.is_some(), profile.as_ref().is_some_and(|p| p.encoding.is_some()))
            .then_some(opts.encoding),
        zone: given(args.log.timezone.is_some(), profile.as_ref().is_some_and(|p| p.zone.is_some()))
            .then_some(opts.zone),
        timestamp_format: opts.timestamp_format.as_deref(),
        lifecycle: opts.lifecycle.as_deref(),
        profile: profile.as_ref(),
    };
    let mut text = Vec::new();
    suggest::write_profile(&mut text, &suggested, &settings)?;
    let target = if let Some(path) = &args.output {
        fs::write(path, &text).with_context(|| format!("cannot write {}", path.display()))?;
        path.display().to_string()
    } else {
        out.write_all(&text)?;
        "stdout".to_owned()
    };
    let (placed, open) = counts(&suggested.activities);
    let mut summary = format!("{placed} activity labels suggested, {open} left as `?`");
    if let Some(roles) = &suggested.roles {
        let (placed, open) = counts(roles);
        let _ = write!(summary, "; {placed} departments suggested, {open} left as `?`");
    }
    let rejected = read.accounting.rows_rejected();
    let rejected = if rejected == 0 {
        String::new()
    } else {
        format!(" ({rejected} rows rejected; `flowaudit log stats` lists them)")
    };
    eprintln!("{summary} for {} → {target}{rejected}", process.id);
    Ok(Exit::Ok)
}

/// Suggestions placed and left open.
fn counts(s: &Section) -> (usize, usize) {
    let placed = s.suggestions.iter().filter(|x| x.placed().is_some()).count();
    (placed, s.suggestions.len() - placed)
}
