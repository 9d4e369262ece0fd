//! One small builder to run the `flowaudit` executable from the repository root.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What a run printed and how it ended.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// A `flowaudit` invocation under construction.
pub struct Flowaudit {
    args: Vec<OsString>,
    cwd: PathBuf,
    env: Vec<(OsString, OsString)>,
}

/// The repository root (where `processes/` and `tests/fixtures/` are).
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

impl Flowaudit {
    /// `flowaudit` with the given arguments, run in the repository root.
    pub fn new<I, S>(args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        Flowaudit { args: args.into_iter().map(Into::into).collect(), cwd: root().to_path_buf(), env: Vec::new() }
    }

    /// Runs it with the environment variable `key` set to `value`.
    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Runs it and collects its output.
    pub fn run(&self) -> Output {
        let out = Command::new(env!("CARGO_BIN_EXE_flowaudit"))
            .args(&self.args)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .current_dir(&self.cwd)
            .output()
            .expect("flowaudit runs");
        Output {
            code: out.status.code().expect("exited normally, not by a signal"),
            stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        }
    }
}

/// A scratch directory `flowaudit-<name>-<pid>` in the system's temporary directory, created;
/// the caller removes it.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("flowaudit-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every row of a CSV file as header -> value maps.
pub fn rows(path: &Path) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| headers.iter().zip(rec.unwrap().iter()).map(|(h, v)| (h.to_owned(), v.to_owned())).collect())
        .collect()
}
