//! Working calendars: the hours a back office works, its public holidays and its make-up working
//! days (调休), on which time limits are counted.
//!
//! Owns [`Calendar`] and its loading: one YAML file per calendar in `processes/calendars/`
//! (format in `docs/calendars.md`, decoded by [`crate::model::calendar_file`] with every problem
//! located at `file:line:column`), [`load`] for one file and [`load_dir`] for a directory. The
//! arithmetic lives in [`crate::model::working_time`]: [`Calendar::working`] is O(log n) in the
//! listed dates and offset changes (whole weeks are counted at once, so a span of years costs the
//! same as an hour), [`Calendar::deadline`] O(log(days) x log n), neither allocates.
//!
//! ```
//! use flowaudit::log::timestamp::Time;
//! use flowaudit::model::calendar::Calendar;
//! let always = Calendar::always(chrono_tz::Asia::Shanghai);
//! assert_eq!(always.working(Time(0), Time(3_600_000_000)), 3_600_000_000);
//! assert_eq!(always.deadline(Time(0), 60), Time(60));
//! ```

use std::fs;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use chrono_tz::Tz;

use crate::log::timestamp::Time;
use crate::model::calendar_file::{self, Hours, day_number};
use crate::model::decode::Decoder;
use crate::model::diagnostic::{self, Code, Diagnostic, Span};
use crate::model::library::{MAX_FILE_BYTES, read_text};
use crate::model::working_time::Schedule;
use crate::model::yaml;

/// The directory of a process directory that holds its calendars.
pub const DIR_NAME: &str = "calendars";

/// A working calendar: when time counts.
#[derive(Debug, Clone)]
pub struct Calendar {
    /// Its id (the file's stem).
    pub id: String,
    /// English name.
    pub name: String,
    /// Chinese name.
    pub name_zh: Option<String>,
    /// The zone whose wall clock the hours and dates are read on.
    pub zone: Tz,
    /// The file it was read from (empty for [`Calendar::always`]).
    pub file: PathBuf,
    schedule: Schedule,
}

/// A calendar file that could not be used: every problem found, and the text they point into.
#[derive(Debug, Clone)]
pub struct CalendarError {
    /// The problems (warnings included).
    pub diagnostics: Vec<Diagnostic>,
    /// The file's text, when it could be read.
    pub text: Option<String>,
}

/// One calendar file read: the calendar when it has no error, and everything found.
#[derive(Debug, Clone)]
pub struct CalendarFile {
    /// The file, as shown to the user.
    pub name: String,
    /// The calendar, when the file has no error.
    pub calendar: Option<Calendar>,
    /// Errors and warnings, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
    /// The file's text, when it could be read.
    pub text: Option<String>,
}

impl Calendar {
    /// A 24x7 calendar in `zone` (id "24x7"): every instant is working time.
    pub fn always(zone: Tz) -> Calendar {
        Calendar {
            id: "24x7".to_owned(),
            name: "Every hour of every day".to_owned(),
            name_zh: Some("全天候".to_owned()),
            zone,
            file: PathBuf::new(),
            schedule: Schedule::always(zone),
        }
    }

    /// Whether every instant is working time (`hours: always`).
    pub fn is_always(&self) -> bool {
        self.schedule.is_always()
    }

    /// Working time between two instants, in microseconds; 0 when `to <= from` or either is
    /// [`Time::NONE`].
    ///
    /// An instant counts when the calendar zone's clock shows a working interval of the date it
    /// shows (`docs/calendars.md`), so the result is exact to the microsecond whatever offset the
    /// log wrote its times with. Before and after the listed dates the weekly hours apply.
    /// Additive: `working(a, c) == working(a, b) + working(b, c)` for `a <= b <= c`.
    ///
    /// Cost: O(log L + log T + I) for L listed dates, T offset changes of the zone and I intervals
    /// of a day, plus O(log L + I) per offset change between the two (none in Asia/Shanghai since
    /// 1991); independent of the span's length. No allocation.
    pub fn working(&self, from: Time, to: Time) -> i64 {
        if !from.is_some() || !to.is_some() {
            return 0;
        }
        self.schedule.working(from.0, to.0)
    }

    /// The instant at which `micros` of working time have passed since `from` (the deadline of a
    /// limit); `from` itself for `micros <= 0` (and for [`Time::NONE`]).
    ///
    /// It is the **latest** such instant: when the limit is used up exactly at the end of a
    /// working interval (8 hours from Monday 09:00 on office hours end at 18:00), the deadline is
    /// the start of the next working interval (Tuesday 09:00), since no working time passes in
    /// between. Hence `t > deadline(from, x)` exactly when `working(from, t) > x` (for `x > 0`),
    /// and `working(from, deadline(from, x)) == x`. A deadline past the year 9999 is
    /// 10000-01-01T00:00:00Z.
    ///
    /// Cost: O(log T + log(days) x (log L + I)). No allocation.
    pub fn deadline(&self, from: Time, micros: i64) -> Time {
        if !from.is_some() || micros <= 0 {
            return from;
        }
        Time(self.schedule.deadline(from.0, micros))
    }

    /// Working microseconds in one local calendar day: the sum of its intervals (0 on a holiday,
    /// the `as` weekday's on a make-up day), except on a day whose daylight-saving change falls
    /// inside an interval, where it is what the clock shows (an hour less or more).
    /// O(log L + log T + I).
    pub fn day_micros(&self, date: NaiveDate) -> i64 {
        self.schedule.day_micros(day_number(date))
    }

    /// The length of a usual working day: the working time of most weekdays with hours (the
    /// longer on a tie): 8 hours on `cn-office`, 24 on a 24x7 calendar. A limit written in days
    /// counts days of this length.
    pub fn usual_day_micros(&self) -> i64 {
        self.schedule.usual_day()
    }

    /// The first and last date the file lists (holidays and make-up days); outside them only the
    /// weekly hours apply, so a report can say when a log runs past what the calendar knows.
    pub fn listed(&self) -> Option<(NaiveDate, NaiveDate)> {
        let (a, b) = self.schedule.listed_days()?;
        let at = |d: i64| NaiveDate::default().checked_add_signed(chrono::TimeDelta::days(d));
        Some((at(a)?, at(b)?))
    }

    /// The local date the calendar's clock shows at `t` (`None` for [`Time::NONE`]).
    pub fn local_date(&self, t: Time) -> Option<NaiveDate> {
        if !t.is_some() {
            return None;
        }
        NaiveDate::default().checked_add_signed(chrono::TimeDelta::days(self.schedule.local_day(t.0)))
    }
}

/// Whether `path` is a calendar file by where it lies: in a directory named `calendars`.
pub fn is_calendar_path(path: &Path) -> bool {
    path.parent().and_then(Path::file_name).is_some_and(|n| n == DIR_NAME)
}

/// Reads one calendar file: the calendar when it has no error, and every diagnostic (warnings too).
///
/// Cost: linear in the file, plus the zone's offset scan (a few milliseconds per calendar).
pub fn read(path: &Path) -> CalendarFile {
    let name = path.display().to_string();
    let text = match read_text(path, &name) {
        Ok(t) => t,
        Err(mut d) => {
            if d.code == Code::TooLarge {
                d.message = format!("the file is larger than {MAX_FILE_BYTES} bytes, far more than a calendar needs");
                d.help = Some(
                    "a calendar lists a few years of dates in a few kilobytes; is this the right file?".to_owned(),
                );
            }
            return CalendarFile { name, calendar: None, diagnostics: vec![d], text: None };
        }
    };
    let mut d = Decoder::new(&name);
    let parts = match yaml::parse(&text) {
        Ok(Some(root)) => calendar_file::decode(&mut d, &root, &text, path.file_stem().and_then(|s| s.to_str())),
        Ok(None) => {
            d.error(
                Code::YamlSyntax,
                Span::START,
                "the file is empty",
                Some("a calendar file starts with `id:`; see docs/calendars.md".to_owned()),
            );
            None
        }
        Err(e) => {
            let (code, help) = if e.budget {
                (Code::YamlBudget, "calendar files are small and shallow; remove the deep nesting or alias expansion")
            } else {
                (Code::YamlSyntax, "check indentation, colons and quotes around this place")
            };
            d.error(code, e.span, e.message, Some(help.to_owned()));
            None
        }
    };
    let calendar = parts.map(|p| {
        let schedule = match p.hours {
            Hours::Always => Schedule::always(p.zone),
            Hours::Week(week) => Schedule::new(week, p.listed, p.zone),
        };
        Calendar { id: p.id, name: p.name, name_zh: p.name_zh, zone: p.zone, file: path.to_path_buf(), schedule }
    });
    let mut diagnostics = d.diagnostics;
    diagnostic::sort(&mut diagnostics);
    CalendarFile { name, calendar, diagnostics, text: Some(text) }
}

/// Reads one calendar file, or every problem in it. Warnings of a usable file are dropped: use
/// [`read`] to see them.
pub fn load(path: &Path) -> Result<Calendar, CalendarError> {
    let f = read(path);
    f.calendar.ok_or(CalendarError { diagnostics: f.diagnostics, text: f.text })
}

/// Reads every `*.yaml` file of a directory as a calendar, sorted by file name; an `io`
/// diagnostic when the directory cannot be listed. Cost: linear in the files.
pub fn read_dir(dir: &Path) -> Result<Vec<CalendarFile>, Diagnostic> {
    let entries = fs::read_dir(dir)
        .map_err(|e| Diagnostic::error(Code::Io, &dir.display().to_string(), None, format!("cannot list: {e}")))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    Ok(files.iter().map(|p| read(p)).collect())
}

/// Every `*.yaml` calendar of a directory (sorted by file name), with all diagnostics (sorted by
/// file and position) and the `(file, text)` of each file read, for rendering them.
///
/// A directory that cannot be listed gives one `io` diagnostic. Cost: linear in the files.
pub fn load_dir(dir: &Path) -> (Vec<Calendar>, Vec<Diagnostic>, Vec<(String, String)>) {
    let (mut calendars, mut diagnostics, mut sources) = (Vec::new(), Vec::new(), Vec::new());
    match read_dir(dir) {
        Err(d) => diagnostics.push(d),
        Ok(files) => {
            for f in files {
                calendars.extend(f.calendar);
                diagnostics.extend(f.diagnostics);
                sources.extend(f.text.map(|t| (f.name, t)));
            }
        }
    }
    diagnostic::sort(&mut diagnostics);
    (calendars, diagnostics, sources)
}

#[cfg(test)]
#[path = "calendar_tests.rs"]
mod tests;
