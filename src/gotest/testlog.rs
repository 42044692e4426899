//! The inputs of a test run, as go keys its cached result
//! (cmd/go/internal/test/test.go, `computeTestInputsID`): the test binary
//! writes, with `-test.testlogfile=F`, each environment variable it read
//! (`getenv NAME`), file it opened (`open NAME`) or stat'ed (`stat NAME`)
//! and directory it changed to (`chdir DIR`), after the line `# test log`.
//! libgo's `os` and `testing/internal/testdeps` (gccgo 11 and 12, as Go
//! 1.16 and 1.18) write it as gc's do. A result is reused only when the
//! binary, its cacheable flags and every one of those inputs are as they
//! were: the variables' values, and for files inside the package's root
//! (module, GOPATH entry) their size, mode, mtime and, for a directory,
//! its entries' (files outside the root are not checked, as go does not).
//!
//! This module reads a log and the file system; where entries are stored
//! is the driver's (`Store`).

use std::fmt::Write as _;
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// The first line of a test log (testing/internal/testdeps's `testlogMagic`).
pub const MAGIC: &str = "# test log\n";

/// A file read less than this long after it was written makes the run
/// uncacheable: its next write may leave the mtime as it is (go's
/// `modTimeCutoff`).
const MOD_TIME_CUTOFF: Duration = Duration::from_secs(2);

/// The description of the current state of the inputs a log names, run in
/// `pkg_dir` with `root` the package's root (`None`: outside any, no file
/// is checked). `None` when the log is malformed or a file it opened is
/// too new to trust, as `computeTestInputsID` fails then: the result is
/// then not cached.
pub fn inputs_id(log: &str, pkg_dir: &Path, root: Option<&Path>) -> Option<String> {
    let body = log.strip_prefix(MAGIC)?;
    let mut out = String::new();
    let mut pwd = pkg_dir.to_path_buf();
    let inside = |p: &Path| root.is_some_and(|r| p.starts_with(r));
    for line in body.lines().filter(|l| !l.is_empty()) {
        let (op, name) = line.split_once(' ')?;
        let path = pwd.join(name);
        match op {
            "getenv" => {
                let v = std::env::var_os(name);
                let _ = writeln!(out, "env {name} {v:?}");
            }
            "chdir" => {
                pwd = PathBuf::from(name);
                let _ = writeln!(out, "chdir {name} {}", stat_text(&pwd));
            }
            "stat" if inside(&path) => {
                let _ = writeln!(out, "stat {} {}", path.display(), stat_text(&path));
            }
            "open" if inside(&path) => {
                let _ = writeln!(out, "open {} {}", path.display(), open_text(&path)?);
            }
            "stat" | "open" => {}
            _ => return None,
        }
    }
    Some(out)
}

/// `hashWriteStat`'s fields: size, mode, mtime, is-dir.
fn meta_text(m: &std::fs::Metadata) -> String {
    format!(
        "{} {:o} {}.{} {}",
        m.len(),
        m.mode(),
        m.mtime(),
        m.mtime_nsec(),
        m.is_dir()
    )
}

/// `hashStat`: the file's stat and lstat, or the error.
fn stat_text(p: &Path) -> String {
    let one = |m: std::io::Result<std::fs::Metadata>| match m {
        Ok(m) => meta_text(&m),
        Err(e) => format!("err {}", e.kind()),
    };
    format!(
        "{} {}",
        one(std::fs::metadata(p)),
        one(std::fs::symlink_metadata(p))
    )
}

/// `hashOpen`: the file's stat, and for a directory each entry's name and
/// stat; `None` for a regular file changed less than `MOD_TIME_CUTOFF` ago.
fn open_text(p: &Path) -> Option<String> {
    let m = match std::fs::metadata(p) {
        Ok(m) => m,
        Err(e) => return Some(format!("err {}", e.kind())),
    };
    let mut s = meta_text(&m);
    if m.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(p)
            .map(|rd| rd.flatten().collect())
            .unwrap_or_default();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let info = e
                .metadata()
                .map_or_else(|e| format!("err {}", e.kind()), |m| meta_text(&m));
            let _ = write!(s, " file {} {info}", e.file_name().to_string_lossy());
        }
    } else if m.is_file() {
        let age = m
            .modified()
            .ok()
            .and_then(|t| SystemTime::now().duration_since(t).ok());
        if age.is_none_or(|a| a < MOD_TIME_CUTOFF) {
            return None;
        }
    }
    Some(s)
}

/// The root go rechecks files under for a package in `dir`: the nearest
/// directory above it with a `go.mod`, else the GOPATH entry holding it;
/// `None` outside both (go then caches no result at all).
pub fn package_root(dir: &Path, gopath: &[PathBuf]) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| d.join("go.mod").is_file())
        .map(Path::to_path_buf)
        .or_else(|| gopath.iter().find(|g| dir.starts_with(g)).cloned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_change_when_a_file_read_changes() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("in.txt");
        std::fs::write(&f, "a").unwrap();
        let old = SystemTime::now() - Duration::from_secs(60);
        let set_old = || {
            std::fs::File::options()
                .write(true)
                .open(&f)
                .unwrap()
                .set_modified(old)
                .unwrap()
        };
        set_old();
        let log = format!("{MAGIC}open in.txt\ngetenv GCCGO_BUILD_TESTLOG_VAR\nstat /etc\n");
        let root = Some(d.path());
        let a = inputs_id(&log, d.path(), root).unwrap();
        assert_eq!(inputs_id(&log, d.path(), root).unwrap(), a);
        std::fs::write(&f, "ab").unwrap();
        // Written just now: too new to trust.
        assert_eq!(inputs_id(&log, d.path(), root), None);
        set_old();
        assert_ne!(inputs_id(&log, d.path(), root).unwrap(), a);
        assert_eq!(inputs_id("no magic\n", d.path(), root), None);
        assert_eq!(
            inputs_id(&format!("{MAGIC}bogus x\n"), d.path(), root),
            None
        );
    }
}
