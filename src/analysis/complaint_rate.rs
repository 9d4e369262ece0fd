//! Complaint rate per channel: tickets per 10,000 contacts (seed 003's target: 5, i.e. 0.05 %).
//!
//! Owns [`Contacts`] (the `channel,contacts` CSV, read with located errors) and [`rates`]. A
//! channel's rate is its tickets (by the log's channel column) / its contacts x 10,000. Channels
//! of the log missing from the contacts file, and contact channels with no ticket, are listed
//! too: a rate is never computed on a guessed volume. O(tickets + channels).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use crate::log::event_log::EventLog;

/// Seed 003's target: 5 complaints per 10,000 contacts (0.05 %).
pub const TARGET_PER_10000: f64 = 5.0;

/// A contacts file that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ContactsError {
    /// It could not be read.
    #[error("cannot read the contacts file {file}: {source}")]
    Io {
        /// The file.
        file: String,
        /// Why.
        source: std::io::Error,
    },
    /// A line is not `channel,contacts`.
    #[error("{file}:{line}: {message}")]
    Line {
        /// The file.
        file: String,
        /// The 1-based line.
        line: u64,
        /// What is wrong and what to write instead.
        message: String,
    },
}

/// Contact volumes per channel.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Contacts {
    /// Contacts per channel.
    pub per_channel: BTreeMap<String, u64>,
}

impl Contacts {
    /// Reads `channel,contacts` lines (a header line `channel,contacts` is optional).
    pub fn load(path: &Path) -> Result<Contacts, ContactsError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ContactsError::Io { file: file.clone(), source })?;
        Contacts::parse(&text, &file)
    }

    /// Parses the text of a contacts file named `file`.
    pub fn parse(text: &str, file: &str) -> Result<Contacts, ContactsError> {
        let mut per_channel = BTreeMap::new();
        let err = |line: usize, message: String| ContactsError::Line {
            file: file.to_owned(),
            line: u64::try_from(line + 1).unwrap_or(u64::MAX),
            message,
        };
        for (i, raw) in text.trim_start_matches('\u{feff}').lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || (i == 0 && line.replace(' ', "").eq_ignore_ascii_case("channel,contacts")) {
                continue;
            }
            let Some((channel, count)) = line.split_once(',') else {
                return Err(err(i, format!("`{line}` is not `channel,contacts` (e.g. `phone,1200000`)")));
            };
            let count: u64 = count.trim().replace('_', "").parse().map_err(|_| {
                err(i, format!("the contacts of `{}` must be a whole number, found `{}`", channel.trim(), count.trim()))
            })?;
            if per_channel.insert(channel.trim().to_owned(), count).is_some() {
                return Err(err(i, format!("channel `{}` is listed twice; keep one line per channel", channel.trim())));
            }
        }
        Ok(Contacts { per_channel })
    }
}

/// The rate of one channel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelRate {
    /// The channel.
    pub channel: String,
    /// Tickets that came in by it.
    pub tickets: u64,
    /// Its contacts, when the file lists it.
    pub contacts: Option<u64>,
    /// Tickets per 10,000 contacts.
    pub per_10000: Option<f64>,
    /// Whether it is within the target.
    pub meets_target: Option<bool>,
}

/// The rate of every channel of the log or of the contacts file, by channel name.
pub fn rates(log: &EventLog, contacts: &Contacts) -> Vec<ChannelRate> {
    let mut tickets: BTreeMap<String, u64> = contacts.per_channel.keys().map(|c| (c.clone(), 0)).collect();
    if let Some(channels) = &log.cases.channel {
        for &c in channels.iter().filter(|c| c.is_some()) {
            *tickets.entry(log.values.resolve(c).to_owned()).or_insert(0) += 1;
        }
    }
    tickets
        .into_iter()
        .map(|(channel, tickets)| {
            let contacts = contacts.per_channel.get(&channel).copied();
            #[expect(clippy::cast_precision_loss, reason = "ticket and contact counts are far below 2^52")]
            let per_10000 = contacts.filter(|&n| n > 0).map(|n| tickets as f64 * 10_000.0 / n as f64);
            ChannelRate {
                channel,
                tickets,
                contacts,
                per_10000,
                meets_target: per_10000.map(|r| r <= TARGET_PER_10000),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{Contacts, ContactsError};

    #[test]
    fn located_errors() {
        let ok = Contacts::parse("channel,contacts\nphone, 1_200_000\nweb,300\n", "c.csv").unwrap();
        assert_eq!(ok.per_channel["phone"], 1_200_000);
        let e = Contacts::parse("phone,12\nweb,many\n", "c.csv").unwrap_err();
        assert!(matches!(e, ContactsError::Line { line: 2, .. }), "{e}");
        assert_eq!(e.to_string(), "c.csv:2: the contacts of `web` must be a whole number, found `many`");
        assert!(Contacts::parse("phone,1\nphone,2\n", "c.csv").unwrap_err().to_string().contains("twice"));
    }
}
