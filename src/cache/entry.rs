//! Entries: one directory per key holding an action's output files, named
//! by role (`object`, `export`, `extra-0`, `exe`), and `meta.json` with the
//! label, the saved compiler output, each file's size, sha256 and stamp
//! (inode and mtime when written) and the action's wall time. An entry is staged in `tmp/` and renamed into place
//! whole, so a reader sees all of it or none.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use serde::{Deserialize, Serialize};

use crate::plan::{Output, Role};
use crate::store::{FORMAT, hash_file};

/// One output file of an entry.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileMeta {
    /// Its name in the entry (`object`, `export`, `extra-0`, `exe`).
    pub name: String,
    /// Size in bytes.
    pub size: u64,
    /// sha256 of the contents, hex.
    pub sha256: String,
    /// The file's inode and modification time when the entry was written
    /// (`Stamp`): while they are unchanged, restoring trusts `sha256`
    /// without reading the file again. Absent in entries written before
    /// (and in older binaries' reading): those are hashed every time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stamp: Option<Stamp>,
}

/// What identifies one version of a file on disk: its inode and its
/// modification time (s, ns). Writing to the file or replacing it changes
/// one of them; a hard link or a rename keeps both. As git's index trusts
/// unchanged stat data, an entry file whose stamp is the one recorded when
/// the entry was written is taken as unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    /// Inode number.
    pub ino: u64,
    /// Modification time, seconds since the epoch.
    pub mtime: i64,
    /// Nanoseconds within that second.
    pub mtime_ns: i64,
}

impl Stamp {
    /// The stamp of the file at `p`, if it can be read.
    pub fn of(p: &Path) -> Option<Stamp> {
        Some(Stamp::of_metadata(&std::fs::metadata(p).ok()?))
    }

    /// The stamp of a file whose metadata is `md`.
    pub fn of_metadata(md: &std::fs::Metadata) -> Stamp {
        use std::os::unix::fs::MetadataExt as _;
        Stamp {
            ino: md.ino(),
            mtime: md.mtime(),
            mtime_ns: md.mtime_nsec(),
        }
    }
}

/// `meta.json` of an entry.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Meta {
    /// `store::FORMAT` when written.
    pub format: String,
    /// The action's label.
    pub label: String,
    /// What the action's commands printed (shown again on a hit).
    pub output: String,
    /// The files, in the action's output order.
    pub files: Vec<FileMeta>,
    /// Wall time of the run that made the entry (all its commands: gccgo,
    /// objcopy, the C compiles), in milliseconds. Added after format v2
    /// began, so optional: entries written before read as `None`, and
    /// older binaries ignore the field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wall_ms: Option<u64>,
}

impl Meta {
    /// The sha256 of the file of `role`, if the entry has one.
    pub fn sha_of(&self, role: Role) -> Option<&str> {
        self.files
            .iter()
            .find(|f| f.name == role.name())
            .map(|f| f.sha256.as_str())
    }
}

/// The names of `outputs` in an entry: the role's name, and for the C and
/// assembler objects `extra-<n>` in file order.
pub fn names(outputs: &[Output]) -> Vec<String> {
    let mut extra = 0;
    outputs
        .iter()
        .map(|o| match o.role {
            Role::Extra => {
                extra += 1;
                format!("extra-{}", extra - 1)
            }
            r => r.name().to_string(),
        })
        .collect()
}

/// Reads an entry's `meta.json` and checks, cheaply, that it is complete:
/// this format, and every file there with its recorded size. `None` for a
/// missing or damaged entry.
pub fn read_meta(dir: &Path) -> Option<Meta> {
    let m: Meta = serde_json::from_slice(&std::fs::read(dir.join("meta.json")).ok()?).ok()?;
    if m.format != FORMAT {
        return None;
    }
    for f in &m.files {
        if std::fs::metadata(dir.join(&f.name)).ok()?.len() != f.size {
            return None;
        }
    }
    Some(m)
}

/// Reads an entry's `meta.json` for a hit: this format, without looking at
/// the files (restoring checks each one it needs: `restore`), with the
/// time `meta.json` was last marked used (for `touch`). `None` for a
/// missing entry or one whose `meta.json` is damaged.
pub fn read_meta_for_hit(dir: &Path) -> Option<(Meta, std::time::SystemTime)> {
    let mut f = std::fs::File::open(dir.join("meta.json")).ok()?;
    let md = f.metadata().ok()?;
    let used = md.modified().ok()?;
    let b = crate::store::read_sized(&mut f, md.len()).ok()?;
    let m: Meta = serde_json::from_slice(&b).ok()?;
    (m.format == FORMAT).then_some((m, used))
}

/// Stores `outputs` as the entry `dest`, staged in `tmp` and renamed into
/// place. A sound entry already there (another build stored it first) is
/// kept; a damaged one is moved aside in one rename and replaced, so the
/// next build is a hit. A concurrent reader sees the old entry, none, or
/// the new one: never a mix. `wall_ms` is how long the action ran
/// (`Meta::wall_ms`).
///
/// Errors when an output cannot be read or the staging area written.
pub fn write(
    dest: &Path,
    tmp: &Path,
    label: &str,
    outputs: &[Output],
    output: &str,
    wall_ms: Option<u64>,
) -> Result<()> {
    let Some(stage) = staging(dest, tmp)? else {
        return Ok(());
    };
    let mut files = Vec::new();
    for (name, o) in names(outputs).into_iter().zip(outputs) {
        let staged = stage.path().join(&name);
        let (size, sha256) = link_hashing(&o.path, &staged)?;
        let stamp = Stamp::of(&staged);
        files.push(FileMeta {
            name,
            size,
            sha256,
            stamp,
        });
    }
    let meta = Meta {
        format: FORMAT.into(),
        label: label.into(),
        output: output.into(),
        files,
        wall_ms,
    };
    commit(stage, &meta, dest)
}

/// A staging directory in `tmp` for a new entry at `dest`, or `None` when a
/// sound entry is there already (`sound_or_cleared`).
///
/// Errors: the staging directory cannot be created.
fn staging(dest: &Path, tmp: &Path) -> Result<Option<tempfile::TempDir>> {
    if sound_or_cleared(dest, tmp) {
        return Ok(None);
    }
    let stage = tempfile::Builder::new()
        .prefix("entry-")
        .tempdir_in(tmp)
        .context("creating a cache staging directory")?;
    Ok(Some(stage))
}

/// Whether a sound entry is at `dest` already (another build stored it
/// first); a damaged one is moved aside into `tmp` in one rename and
/// removed, so that a new one can take its place.
fn sound_or_cleared(dest: &Path, tmp: &Path) -> bool {
    if !dest.is_dir() {
        return false;
    }
    if read_meta(dest).is_some() {
        return true;
    }
    if let Ok(aside) = tempfile::Builder::new().prefix("damaged-").tempdir_in(tmp) {
        let aside = aside.keep();
        if std::fs::rename(dest, aside.join("entry")).is_ok() {
            let _ = std::fs::remove_dir_all(&aside);
        }
    }
    false
}

/// Writes `meta.json` into the staging directory and renames it to `dest`.
/// When another build stored the same entry first, theirs is kept (it is
/// as good) and the staged copy removed.
///
/// Errors when `meta.json` or `dest`'s parent cannot be written.
fn commit(stage: tempfile::TempDir, meta: &Meta, dest: &Path) -> Result<()> {
    std::fs::write(
        stage.path().join("meta.json"),
        serde_json::to_vec_pretty(meta)?,
    )?;
    if let Some(parent) = dest.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    let staged: PathBuf = stage.keep();
    if std::fs::rename(&staged, dest).is_err() {
        let _ = std::fs::remove_dir_all(&staged);
    }
    Ok(())
}

/// Stores an entry whose files arrived as bytes (from the remote cache,
/// already checked against `meta`'s sizes and sha256), staged in `tmp`
/// and renamed into place as `write` does. `blobs` are the files' bytes in
/// `meta.files` order; the `exe` is made executable.
///
/// Errors when the staging area cannot be written or `blobs` does not
/// match `meta.files` in number.
pub fn place(dest: &Path, tmp: &Path, meta: &Meta, blobs: &[Vec<u8>]) -> Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    if blobs.len() != meta.files.len() {
        bail!(
            "internal: {} blobs for {} files",
            blobs.len(),
            meta.files.len()
        );
    }
    let Some(stage) = staging(dest, tmp)? else {
        return Ok(());
    };
    let mut meta = meta.clone();
    for (f, b) in meta.files.iter_mut().zip(blobs) {
        let p = stage.path().join(&f.name);
        std::fs::write(&p, b).with_context(|| format!("writing {}", p.display()))?;
        let mode = if f.name == Role::Exe.name() {
            0o755
        } else {
            0o644
        };
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode))
            .with_context(|| format!("setting permissions on {}", p.display()))?;
        f.stamp = Stamp::of(&p);
    }
    commit(stage, &meta, dest)
}

/// How stale an entry's last-use time may be before a hit sets it again:
/// as the go command's cache (`mtimeInterval`, cmd/go/internal/cache), an
/// hour, so a no-op build does not write to every entry it reads.
const TOUCH_INTERVAL: std::time::Duration = std::time::Duration::from_secs(3600);

/// Marks the entry `dir` as used now (its `meta.json`'s mtime), for the
/// trim's least-recently-used order, unless it was marked less than
/// `TOUCH_INTERVAL` ago. Best effort: a read-only cache keeps the old time.
/// `used` is the mark it has now (`read_meta_for_hit`).
pub fn touch(dir: &Path, used: std::time::SystemTime) {
    let meta = dir.join("meta.json");
    if used.elapsed().is_ok_and(|age| age < TOUCH_INTERVAL) {
        return;
    }
    if let Ok(f) = std::fs::File::options().append(true).open(&meta) {
        let _ = f.set_modified(std::time::SystemTime::now());
    }
}

/// Copies an entry's files to the action's `outputs`, checking each sha256.
///
/// Errors when the entry does not have the action's files, a copy fails,
/// or a file's contents are not what `meta.json` says (the copy is removed).
pub fn restore(dir: &Path, meta: &Meta, outputs: &[Output]) -> Result<()> {
    let want = names(outputs);
    if meta.files.len() != outputs.len() || meta.files.iter().zip(&want).any(|(f, n)| &f.name != n)
    {
        bail!("entry {} does not hold the action's files", dir.display());
    }
    let r = meta
        .files
        .iter()
        .zip(outputs)
        .try_for_each(|(f, o)| restore_one(&dir.join(&f.name), f, &o.path));
    if r.is_err() {
        // None of the action's files is left half-restored in $WORK.
        for o in outputs {
            let _ = std::fs::remove_file(&o.path);
        }
    }
    r
}

/// Puts the entry's file `from` (described by `f`) at `to` when its
/// contents are what `f` says: unchanged since the entry was written (the
/// same `Stamp`), or else hashing to `f.sha256`. A hard link when both are
/// on one filesystem (no bytes copied; the scheduler never writes to a
/// restored output: an action whose entry is damaged has its $WORK outputs
/// removed before it runs again), else a copy, hashed as it is made.
///
/// Errors: the file cannot be read, its sha256 is not `f.sha256`, or it
/// cannot be linked or copied.
fn restore_one(from: &Path, f: &FileMeta, to: &Path) -> Result<()> {
    let md = std::fs::metadata(from).with_context(|| format!("reading {}", from.display()))?;
    let unchanged = f.stamp.is_some() && Some(Stamp::of_metadata(&md)) == f.stamp;
    if !unchanged && hash_file(from)? != f.sha256 {
        bail!("{}: sha256 mismatch", from.display());
    }
    if link_into(from, to) {
        // The same inode: `hash_file` need not read it either.
        crate::store::remember_hash_of(&md, &f.sha256);
        return Ok(());
    }
    if let Some(p) = to.parent() {
        std::fs::create_dir_all(p).with_context(|| format!("creating {}", p.display()))?;
    }
    let (_, got) = copy_hashing(from, to)?;
    if got != f.sha256 {
        bail!("{}: sha256 mismatch", from.display());
    }
    Ok(())
}

/// Hard-links `from` at `to`, replacing a file there and creating the
/// directories on the way (only when the link says they are missing: a
/// link's 200 objects share a few directories); false when it cannot
/// (another filesystem, say).
fn link_into(from: &Path, to: &Path) -> bool {
    use std::io::ErrorKind;
    match std::fs::hard_link(from, to) {
        Ok(()) => true,
        Err(e) if e.kind() == ErrorKind::AlreadyExists => {
            std::fs::remove_file(to).is_ok() && std::fs::hard_link(from, to).is_ok()
        }
        Err(e) if e.kind() == ErrorKind::NotFound => {
            to.parent()
                .is_some_and(|p| std::fs::create_dir_all(p).is_ok())
                && std::fs::hard_link(from, to).is_ok()
        }
        Err(_) => false,
    }
}

/// Stores the action's output `from` as the staged entry file `to`: a hard
/// link when both are on one filesystem (the work directory's file is not
/// written again), else a copy; returns the size and sha256 of the contents.
///
/// Errors: `from` cannot be read, or `to` cannot be linked or written.
fn link_hashing(from: &Path, to: &Path) -> Result<(u64, String)> {
    if std::fs::hard_link(from, to).is_ok() {
        let size = std::fs::metadata(to)
            .with_context(|| format!("reading {}", to.display()))?
            .len();
        return Ok((size, hash_file(to)?));
    }
    copy_hashing(from, to)
}

/// Copies `from` to `to` with its permissions, returning the size and
/// sha256 of what was copied.
fn copy_hashing(from: &Path, to: &Path) -> Result<(u64, String)> {
    let got = crate::store::copy_hashing(from, to)?;
    let perms = std::fs::metadata(from)
        .with_context(|| format!("reading {}", from.display()))?
        .permissions();
    std::fs::set_permissions(to, perms)
        .with_context(|| format!("setting permissions on {}", to.display()))?;
    Ok(got)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_without_wall_time_still_reads() {
        // meta.json as written before `wall_ms` was recorded.
        let old = r#"{"format":"v2","label":"p","output":"","files":[]}"#;
        let m: Meta = serde_json::from_str(old).unwrap();
        assert_eq!(m.wall_ms, None);
        let new = serde_json::to_string(&Meta {
            wall_ms: Some(12),
            ..m
        })
        .unwrap();
        assert!(new.contains("\"wall_ms\":12"), "{new}");
    }
}
