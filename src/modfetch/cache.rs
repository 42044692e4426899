//! The module cache (`GOMODCACHE`) in the go command's exact layout, so a
//! cache either tool filled serves the other:
//!
//! ```text
//! $GOMODCACHE/
//!   cache/download/<escaped path>/@v/
//!     list                      versions with a .mod here, one a line (rewriteVersionList)
//!     <escaped version>.info    {"Version":…,"Time":…} from the proxy
//!     <escaped version>.mod     the module's go.mod
//!     <escaped version>.zip     the module zip, renamed into place once hashed
//!     <escaped version>.ziphash its h1: hash, written after go.sum accepted it
//!     <escaped version>.lock    flock(2)ed while downloading or extracting
//!     <escaped version>.partial present while extracting (the directory is not to be trusted)
//!   <escaped path>@<escaped version>/   the extracted files: read-only unless -modcacherw
//! ```
//!
//! As cmd/go/internal/modfetch (`CachePath`, `DownloadDir`, `lockVersion`,
//! `writeDiskCache`): every file is written to a temporary name in its
//! directory and renamed, so an interrupted download leaves nothing a later
//! build reads.

use std::io::Write;
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// `module.EscapePath` / `EscapeVersion`: each upper-case letter becomes
/// `!` and its lower case, so paths differing in case differ on
/// case-insensitive file systems.
pub fn escape(p: &str) -> String {
    let mut out = String::with_capacity(p.len());
    for c in p.chars() {
        if c.is_ascii_uppercase() {
            out.push('!');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// A module cache rooted at `GOMODCACHE`.
#[derive(Debug, Clone)]
pub struct Cache {
    /// The `GOMODCACHE` directory.
    pub root: PathBuf,
    /// `-modcacherw`: leave extracted directories writable.
    pub rw: bool,
}

/// An exclusive `flock(2)` on a `.lock` file, released when dropped (go's
/// `lockedfile.MutexAt`).
pub struct Lock(std::fs::File);

impl Drop for Lock {
    fn drop(&mut self) {
        // SAFETY: flock on a descriptor this value owns.
        unsafe { libc::flock(self.0.as_raw_fd(), libc::LOCK_UN) };
    }
}

impl Cache {
    /// `cache/download/<escaped path>/@v`.
    pub fn version_dir(&self, path: &str) -> PathBuf {
        self.root
            .join("cache/download")
            .join(escape(path))
            .join("@v")
    }

    /// `cache/download/<escaped path>/@v/<escaped version>.<ext>` (`CachePath`).
    pub fn file(&self, path: &str, version: &str, ext: &str) -> PathBuf {
        self.version_dir(path)
            .join(format!("{}.{ext}", escape(version)))
    }

    /// `<escaped path>@<escaped version>`, where the module's files are extracted.
    pub fn module_dir(&self, path: &str, version: &str) -> PathBuf {
        self.root
            .join(format!("{}@{}", escape(path), escape(version)))
    }

    /// The extracted directory when it is complete (`DownloadDir`): it
    /// exists, no `.partial` marks it half-extracted and its `.ziphash`
    /// exists.
    pub fn extracted(&self, path: &str, version: &str) -> Option<PathBuf> {
        let dir = self.module_dir(path, version);
        (dir.is_dir()
            && !self.file(path, version, "partial").exists()
            && self.file(path, version, "ziphash").is_file())
        .then_some(dir)
    }

    /// A cached file's contents, `None` when absent.
    pub fn read(&self, path: &str, version: &str, ext: &str) -> Option<Vec<u8>> {
        std::fs::read(self.file(path, version, ext)).ok()
    }

    /// Takes `<version>.lock` (waiting for another build that holds it).
    ///
    /// Errors: the lock file cannot be created or locked.
    pub fn lock(&self, path: &str, version: &str) -> Result<Lock> {
        lock_file(&self.file(path, version, "lock"))
    }

    /// Rewrites `@v/list` from the `.mod` files present, in semver order,
    /// under `list.lock` (`rewriteVersionList`).
    pub fn rewrite_list(&self, path: &str) -> Result<()> {
        let dir = self.version_dir(path);
        let _l = lock_file(&dir.join("list.lock"))?;
        let mut vs: Vec<String> = std::fs::read_dir(&dir)
            .with_context(|| format!("reading {}", dir.display()))?
            .flatten()
            .filter_map(|e| {
                let n = e.file_name().to_string_lossy().into_owned();
                n.strip_suffix(".mod").map(unescape)
            })
            .collect();
        vs.sort_by(|a, b| super::semver::compare(a, b));
        let text: String = vs.iter().map(|v| format!("{v}\n")).collect();
        if std::fs::read(dir.join("list")).ok().as_deref() == Some(text.as_bytes()) {
            return Ok(());
        }
        write_atomic(&dir.join("list"), text.as_bytes())
    }

    /// Makes an extracted tree read-only unless `-modcacherw` (files are
    /// already 0444; directories lose their write bits, `makeDirsReadOnly`).
    pub fn seal(&self, dir: &Path) {
        if self.rw {
            return;
        }
        use std::os::unix::fs::PermissionsExt;
        for e in walkdir::WalkDir::new(dir)
            .contents_first(true)
            .into_iter()
            .flatten()
        {
            if e.file_type().is_dir() {
                let _ = std::fs::set_permissions(e.path(), std::fs::Permissions::from_mode(0o555));
            }
        }
    }
}

/// The inverse of `escape`.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut bang = false;
    for c in s.chars() {
        if bang {
            out.push(c.to_ascii_uppercase());
            bang = false;
        } else if c == '!' {
            bang = true;
        } else {
            out.push(c);
        }
    }
    out
}

/// Opens (creating) `file` and takes an exclusive flock on it (waiting for it).
///
/// Errors: the file cannot be created or locked.
pub fn lock_file(file: &Path) -> Result<Lock> {
    if let Some(d) = file.parent() {
        std::fs::create_dir_all(d).with_context(|| format!("creating {}", d.display()))?;
    }
    let f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(file)
        .with_context(|| format!("opening lock file {}", file.display()))?;
    // SAFETY: flock on a descriptor we own; blocks until granted.
    if unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX) } != 0 {
        return Err(std::io::Error::last_os_error())
            .with_context(|| format!("locking {}", file.display()));
    }
    Ok(Lock(f))
}

/// Writes `data` to `file` through a temporary file in the same directory
/// (`<name>*.tmp`, as renameio) renamed into place, creating the directory.
pub fn write_atomic(file: &Path, data: &[u8]) -> Result<()> {
    let dir = file.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut t = tempfile::Builder::new()
        .prefix(&name)
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| format!("creating a temporary file in {}", dir.display()))?;
    t.write_all(data)
        .with_context(|| format!("writing {}", t.path().display()))?;
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(t.path(), std::fs::Permissions::from_mode(0o644));
    t.persist(file)
        .map_err(|e| e.error)
        .with_context(|| format!("renaming into {}", file.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_upper_case_as_go() {
        assert_eq!(
            escape("github.com/Sirupsen/logrus"),
            "github.com/!sirupsen/logrus"
        );
        assert_eq!(
            unescape("github.com/!burnt!sushi/toml"),
            "github.com/BurntSushi/toml"
        );
    }
}
