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
