//! Writing a report folder atomically: all of `reports/2026-10/` appears at once or not at all.
//!
//! Owns [`ReportDir`], [`FileName`], [`file_name`] and [`ReportDirError`]. Files are written into
//! a hidden sibling, `<out>/.<name>.partial-<pid>`, each synced to disk, and
//! [`ReportDir::commit`] renames that folder into place. Replacing an existing report (only with
//! `force`) renames the old one aside first (`<out>/.<name>.old-<pid>`), then the new one into
//! place, then deletes the old one, so a crash at any point leaves either the old report or the
//! new one whole, never half of each (at worst a hidden folder to delete by hand). Dropping a
//! `ReportDir` that was not committed deletes its partial folder.
//!
//! Files are named only by [`FileName`], which can only be made by sanitising ([`file_name`]):
//! no name can hold a path separator or `..`, so no write can leave the folder. Each file is
//! created new, so writing the same name twice is an error rather than a silent overwrite.
//! Cost: one `fsync` per file and a few renames; nothing is held in memory.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use thiserror::Error;

/// What went wrong with a report folder, and where.
#[derive(Debug, Error)]
pub enum ReportDirError {
    /// The report already exists and `force` was not given.
    #[error("{}: the report already exists; pass --force to replace it", path.display())]
    Exists {
        /// The existing report.
        path: PathBuf,
    },
    /// The report's name is not a safe folder name.
    #[error("`{name}` cannot name a report folder (it would be `{safe}`)")]
    BadName {
        /// The name given.
        name: String,
        /// What [`file_name`] makes of it.
        safe: String,
    },
    /// A file system operation failed.
    #[error("{}: cannot {action}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What was being done, e.g. `create the file`.
        action: &'static str,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// The new report is in place but the old one, renamed aside, could not be deleted.
    #[error("the new report is in place, but the old one at {} could not be deleted: {source}", path.display())]
    OldLeft {
        /// Where the old report was left.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
}

/// A [`ReportDirError::Io`] at `path`.
fn io_err<'a>(path: &'a Path, action: &'static str) -> impl FnOnce(io::Error) -> ReportDirError + 'a {
    move |source| ReportDirError::Io { path: path.to_owned(), action, source }
}

/// Longest file name [`file_name`] makes, in bytes (file systems allow 255; leave room for a
/// suffix the caller adds).
const MAX_NAME_BYTES: usize = 120;

/// `id` as a safe file name. ASCII letters, digits, `.`, `_`, `-` and CJK ideographs are kept
/// (a Chinese step name stays readable); anything else becomes `_`, one for a run and none
/// straight after a `_`. Runs of dots become one dot (no `..`). Leading dots and dashes are
/// dropped (no hidden file, nothing that reads as a command-line option), as are trailing dots
/// (Windows drops them). Windows device names (`CON`, `NUL`, `COM1`, ...) get a leading `_`. The
/// result is cut to 120 bytes on a character boundary and is never empty (`unnamed`).
/// Idempotent. O(len).
///
/// # Example
/// ```
/// use flowaudit::report::report_dir::file_name;
/// assert_eq!(file_name("../../x"), "_._x");
/// assert_eq!(file_name("投诉处理/流程 v2.csv"), "投诉处理_流程_v2.csv");
/// assert_eq!(file_name(".hidden"), "hidden");
/// assert_eq!(file_name(""), "unnamed");
/// assert_eq!(file_name("con.csv"), "_con.csv");
/// ```
pub fn file_name(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for c in id.chars() {
        let kept = c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') || is_cjk(c);
        let skip = if kept {
            (c == '.' && out.ends_with('.')) || ((c == '.' || c == '-') && out.is_empty())
        } else {
            out.ends_with('_')
        };
        if !skip {
            out.push(if kept { c } else { '_' });
        }
    }
    if out.trim_end_matches('.').is_empty() {
        return "unnamed".to_owned();
    }
    let stem = out.split('.').next().unwrap_or_default().to_ascii_uppercase();
    let numbered = |prefix: &str| stem.len() == 4 && stem.starts_with(prefix) && stem.as_bytes()[3].is_ascii_digit();
    if matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL") || numbered("COM") || numbered("LPT") {
        out.insert(0, '_');
    }
    if out.len() > MAX_NAME_BYTES {
        let mut cut = MAX_NAME_BYTES;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
    }
    // The first character is neither a dot nor a dash, so this never empties the name.
    out.truncate(out.trim_end_matches('.').len());
    out
}

/// CJK ideographs (the unified blocks, extension A and the compatibility block).
fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' | '\u{f900}'..='\u{faff}')
}

/// A file name that stays inside its folder; the only way to name a file in a [`ReportDir`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileName(String);

impl FileName {
    /// `name` sanitised by [`file_name`] (extension included: `conformance.csv`).
    pub fn new(name: &str) -> FileName {
        FileName(file_name(name))
    }

    /// The stem `id` sanitised, then `.ext`; the extension survives however long the id is.
    ///
    /// # Example
    /// ```
    /// use flowaudit::report::report_dir::FileName;
    /// assert_eq!(FileName::with_ext("../conformance", "csv").as_str(), "_conformance.csv");
    /// assert!(FileName::with_ext(&"长".repeat(200), "csv").as_str().ends_with("长.csv"));
    /// ```
    pub fn with_ext(id: &str, ext: &str) -> FileName {
        let ext = file_name(ext);
        let mut stem = file_name(id);
        while stem.len() + 1 + ext.len() > MAX_NAME_BYTES {
            stem.pop();
        }
        FileName(file_name(&format!("{stem}.{ext}")))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for FileName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A report folder being written; see the module docs.
#[derive(Debug)]
pub struct ReportDir {
    /// Where the report goes: `<out>/<name>`.
    target: PathBuf,
    /// Where it is written until commit: `<out>/.<name>.partial-<pid>`.
    partial: PathBuf,
    /// Where an old report is put aside while replacing: `<out>/.<name>.old-<pid>`.
    aside: PathBuf,
    /// Whether an existing report may be replaced.
    force: bool,
    /// Set by [`ReportDir::commit`]: the partial folder is gone.
    committed: bool,
}

impl ReportDir {
    /// Starts the report `<out>/<name>`, creating `out` if needed. Fails early, before anything
    /// is written, when the report exists and `force` is false, or when `name` is not already a
    /// safe file name (`2026-10` is; `../x` is not). A partial folder left by an earlier crash
    /// of a process with the same id is deleted.
    pub fn create(out: &Path, name: &str, force: bool) -> Result<ReportDir, ReportDirError> {
        let safe = file_name(name);
        if safe != name {
            return Err(ReportDirError::BadName { name: name.to_owned(), safe });
        }
        let target = out.join(name);
        if !force && exists(&target)? {
            return Err(ReportDirError::Exists { path: target });
        }
        fs::create_dir_all(out).map_err(io_err(out, "create the folder"))?;
        let pid = std::process::id();
        let partial = out.join(format!(".{name}.partial-{pid}"));
        let aside = out.join(format!(".{name}.old-{pid}"));
        if exists(&partial)? {
            fs::remove_dir_all(&partial).map_err(io_err(&partial, "delete the stale partial folder"))?;
        }
        fs::create_dir(&partial).map_err(io_err(&partial, "create the folder"))?;
        Ok(ReportDir { target, partial, aside, force, committed: false })
    }

    /// Where the report will be once committed.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Writes the file `name` with `write`, which gets a buffered writer; the file is flushed and
    /// synced to disk. Returns the path the file will have once committed.
    ///
    /// # Example
    /// ```
    /// use flowaudit::report::report_dir::{FileName, ReportDir};
    /// let out = std::env::temp_dir().join(format!("flowaudit-doc-{}", std::process::id()));
    /// let dir = ReportDir::create(&out, "2026-10", true).unwrap();
    /// dir.write(&FileName::new("audit.md"), |w| writeln!(w, "# 2026-10")).unwrap();
    /// let report = dir.commit().unwrap();
    /// assert_eq!(std::fs::read_to_string(report.join("audit.md")).unwrap(), "# 2026-10\n");
    /// # std::fs::remove_dir_all(&out).unwrap();
    /// ```
    pub fn write(
        &self,
        name: &FileName,
        write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> Result<PathBuf, ReportDirError> {
        let path = self.partial.join(name.as_str());
        let file =
            OpenOptions::new().write(true).create_new(true).open(&path).map_err(io_err(&path, "create the file"))?;
        let mut w = BufWriter::new(file);
        write(&mut w).map_err(io_err(&path, "write the file"))?;
        let file: File =
            w.into_inner().map_err(io::IntoInnerError::into_error).map_err(io_err(&path, "write the file"))?;
        file.sync_all().map_err(io_err(&path, "sync the file"))?;
        Ok(self.target.join(name.as_str()))
    }

    /// Writes the file `name` with these bytes (a workbook, an SVG map).
    pub fn write_bytes(&self, name: &FileName, bytes: &[u8]) -> Result<PathBuf, ReportDirError> {
        self.write(name, |w| w.write_all(bytes))
    }

    /// Moves the report into place and returns its path. An existing report is replaced only
    /// with `force` (checked again here: another run may have written it meanwhile): it is
    /// renamed aside, the new one renamed into place, and the old one deleted. Should the second
    /// rename fail, the old report is put back.
    pub fn commit(mut self) -> Result<PathBuf, ReportDirError> {
        sync_dir(&self.partial)?;
        let replacing = exists(&self.target)?;
        if replacing {
            if !self.force {
                return Err(ReportDirError::Exists { path: self.target.clone() });
            }
            if exists(&self.aside)? {
                fs::remove_dir_all(&self.aside).map_err(io_err(&self.aside, "delete the stale old folder"))?;
            }
            fs::rename(&self.target, &self.aside).map_err(io_err(&self.target, "move the old report aside"))?;
        }
        if let Err(source) = fs::rename(&self.partial, &self.target) {
            if replacing {
                // Put the old report back; if even that fails, it is still whole at `aside`.
                let _ = fs::rename(&self.aside, &self.target);
            }
            return Err(ReportDirError::Io {
                path: self.target.clone(),
                action: "move the new report into place",
                source,
            });
        }
        self.committed = true;
        if let Some(parent) = self.target.parent() {
            sync_dir(parent)?;
        }
        if replacing {
            fs::remove_dir_all(&self.aside)
                .map_err(|source| ReportDirError::OldLeft { path: self.aside.clone(), source })?;
        }
        Ok(self.target.clone())
    }
}

impl Drop for ReportDir {
    fn drop(&mut self) {
        if !self.committed {
            // Best effort: a folder left behind is hidden and named after its process.
            let _ = fs::remove_dir_all(&self.partial);
        }
    }
}

/// Whether `path` exists (a broken link counts: it must not be silently replaced).
fn exists(path: &Path) -> Result<bool, ReportDirError> {
    match fs::symlink_metadata(path) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(source) => Err(ReportDirError::Io { path: path.to_owned(), action: "look at", source }),
    }
}

/// Syncs a folder's entries to disk, so renames survive a power cut (Unix; elsewhere a no-op).
fn sync_dir(path: &Path) -> Result<(), ReportDirError> {
    #[cfg(unix)]
    File::open(path).and_then(|d| d.sync_all()).map_err(io_err(path, "sync the folder"))?;
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::path::{Path, PathBuf};

    use proptest::prelude::*;

    use super::{FileName, ReportDir, ReportDirError, file_name};
    use crate::report::sheet::HOSTILE;

    /// A fresh scratch folder for one test.
    fn scratch(test: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("flowaudit-report-dir-{}-{test}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// The entries of a folder, sorted.
    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> =
            fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        names.sort();
        names
    }

    #[test]
    fn commit_moves_the_whole_report_into_place() {
        let out = scratch("commit");
        let dir = ReportDir::create(&out.join("reports"), "2026-10", false).unwrap();
        let at = dir.write(&FileName::new("audit.md"), |w| w.write_all(b"# audit\n")).unwrap();
        dir.write_bytes(&FileName::with_ext("投诉处理", "csv"), b"a\n").unwrap();
        assert_eq!(at, out.join("reports/2026-10/audit.md"));
        assert!(!out.join("reports/2026-10").exists(), "nothing visible before commit");
        let report = dir.commit().unwrap();
        assert_eq!(entries(&out.join("reports")), ["2026-10"]);
        assert_eq!(entries(&report), ["audit.md", "投诉处理.csv"]);
        fs::remove_dir_all(&out).unwrap();
    }

    #[test]
    fn an_existing_report_needs_force() {
        let out = scratch("force");
        fs::create_dir_all(out.join("2026-10")).unwrap();
        fs::write(out.join("2026-10/old.txt"), "old").unwrap();
        let err = ReportDir::create(&out, "2026-10", false).unwrap_err();
        assert!(matches!(err, ReportDirError::Exists { .. }));
        assert_eq!(
            err.to_string(),
            format!("{}: the report already exists; pass --force to replace it", out.join("2026-10").display())
        );

        let dir = ReportDir::create(&out, "2026-10", true).unwrap();
        dir.write_bytes(&FileName::new("new.txt"), b"new").unwrap();
        dir.commit().unwrap();
        assert_eq!(entries(&out), ["2026-10"], "no partial or old folder is left");
        assert_eq!(entries(&out.join("2026-10")), ["new.txt"]);
        fs::remove_dir_all(&out).unwrap();
    }

    #[test]
    fn a_report_written_meanwhile_is_not_replaced_without_force() {
        let out = scratch("race");
        let dir = ReportDir::create(&out, "2026-10", false).unwrap();
        dir.write_bytes(&FileName::new("new.txt"), b"new").unwrap();
        fs::create_dir(out.join("2026-10")).unwrap();
        assert!(matches!(dir.commit(), Err(ReportDirError::Exists { .. })));
        assert_eq!(entries(&out), ["2026-10"], "the partial folder is removed on drop");
        assert!(entries(&out.join("2026-10")).is_empty());
        fs::remove_dir_all(&out).unwrap();
    }

    #[test]
    fn dropping_an_uncommitted_report_leaves_nothing() {
        let out = scratch("drop");
        {
            let dir = ReportDir::create(&out, "2026-10", false).unwrap();
            dir.write_bytes(&FileName::new("a.txt"), b"a").unwrap();
            assert_eq!(entries(&out).len(), 1);
            assert!(entries(&out)[0].starts_with(".2026-10.partial-"));
        }
        assert!(entries(&out).is_empty());
        fs::remove_dir_all(&out).unwrap();
    }

    #[test]
    fn the_same_name_twice_is_an_error_naming_the_file() {
        let out = scratch("twice");
        let dir = ReportDir::create(&out, "m", false).unwrap();
        dir.write_bytes(&FileName::new("a/b.csv"), b"1").unwrap();
        let err = dir.write_bytes(&FileName::new("a:b.csv"), b"2").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("a_b.csv: cannot create the file"), "{text}");
        drop(dir);
        fs::remove_dir_all(&out).unwrap();
    }

    #[test]
    fn unsafe_report_names_are_refused() {
        let out = scratch("names");
        for name in ["../x", ".m", "a/b", ""] {
            assert!(matches!(ReportDir::create(&out, name, true), Err(ReportDirError::BadName { .. })), "{name}");
        }
        assert!(entries(&out).is_empty());
        fs::remove_dir_all(&out).unwrap();
    }

    #[test]
    fn hostile_ids_become_plain_names() {
        let names: Vec<String> = HOSTILE.iter().map(|h| file_name(h)).collect();
        assert_eq!(
            names,
            ["_script_alert_1_script_", "_HYPERLINK_http_x_y_", "_1", "2_3", "_SUM_A1_", "_._x", "投诉处理_流程_",]
        );
    }

    #[test]
    fn long_names_are_cut_on_a_character_boundary() {
        let long = file_name(&"流程".repeat(100));
        assert!(long.len() <= super::MAX_NAME_BYTES && long.starts_with("流程"));
        assert_eq!(file_name("LPT1"), "_LPT1");
        assert_eq!(file_name("lpt10"), "lpt10");
        assert_eq!(file_name("a.."), "a");
        assert_eq!(file_name("...."), "unnamed");
    }

    proptest! {
        #[test]
        fn file_names_are_safe_and_idempotent(id in any::<String>()) {
            let name = file_name(&id);
            prop_assert!(!name.is_empty());
            prop_assert!(!name.contains(['/', '\\', '\0']) && !name.contains(".."));
            prop_assert!(!name.starts_with(['.', '-']) && !name.ends_with('.'));
            prop_assert!(name.len() <= super::MAX_NAME_BYTES);
            prop_assert_eq!(file_name(&name), name.clone());
            let with_ext = FileName::with_ext(&id, "csv");
            prop_assert_eq!(Path::new(with_ext.as_str()).extension(), Some("csv".as_ref()), "{}", with_ext);
            prop_assert!(Path::new(with_ext.as_str()).components().count() == 1);
        }
    }
}
