//! Store: the one place gccgo-build keeps anything between runs. It owns
//! the resolved cache root (`--cache DIR`, `GCCGO_BUILD_CACHE`,
//! `$XDG_CACHE_HOME/gccgo-build`, `~/.cache/gccgo-build`, or `off`), the
//! atomic writes into it, the memo files of the toolchain probe and the
//! language gate, and the record of each file installed at an OUT. The
//! build's compile and link entries live below it too (`cache`).
//!
//! Every caller gets its `Store` from the command's configuration: with
//! `--cache off` nothing at all is written under any cache directory, and
//! with `--cache DIR` every note lands in DIR. Memos are best effort: one
//! that cannot be read or written is computed again.
//!
//! ```text
//! <cache>/v2/                 FORMAT: another version's tree is never read
//!   compilers/<hash>.json     toolchain probe answers (toolchain::CompilerFacts)
//!   gate/<hash>               packages the language gate found clean
//!   installed/<hash>.json     size, mtime and key of the last file installed at an OUT
//!   testresults/<hash>.json   a passing test binary's output (see `gotest`)
//!   entries/ index/           compile and link entries, explain history (see `cache`)
//!   tmp/                      staging for atomic writes (same filesystem)
//! ```

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The format version: the name of the tree below the cache root. "v2":
/// entries name their files by role (`object`, `export`, `exe`), not position.
pub const FORMAT: &str = "v2";

/// Where persistent notes go for one command: a cache root, or none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Store {
    /// The user's cache directory (without the format version); `None` is `off`.
    root: Option<PathBuf>,
}

impl Store {
    /// No store: nothing is remembered or written (`--cache off`).
    pub fn off() -> Store {
        Store { root: None }
    }

    /// A store at `dir` (the directory the user names; `FORMAT` goes below it).
    pub fn at(dir: impl Into<PathBuf>) -> Store {
        Store {
            root: Some(dir.into()),
        }
    }

    /// The default store: `GCCGO_BUILD_CACHE` (`off` disables it), else
    /// `$XDG_CACHE_HOME/gccgo-build`, else `~/.cache/gccgo-build`; off when
    /// none of these is set.
    pub fn from_env() -> Store {
        if let Some(p) = std::env::var_os("GCCGO_BUILD_CACHE").filter(|p| !p.is_empty()) {
            return if p == "off" {
                Store::off()
            } else {
                Store::at(p)
            };
        }
        if let Some(x) = std::env::var_os("XDG_CACHE_HOME").filter(|p| !p.is_empty()) {
            return Store::at(PathBuf::from(x).join("gccgo-build"));
        }
        match std::env::var_os("HOME") {
            Some(h) => Store::at(PathBuf::from(h).join(".cache/gccgo-build")),
            None => Store::off(),
        }
    }

    /// The store a `--cache` flag names: `off`, a directory relative to
    /// `cwd`, or (no flag) `from_env`.
    pub fn from_flag(cwd: &Path, flag: Option<&Path>) -> Store {
        match flag {
            Some(d) if d.as_os_str() == "off" => Store::off(),
            Some(d) => Store::at(cwd.join(d)),
            None => Store::from_env(),
        }
    }

    /// The user's cache directory, `None` when off.
    pub fn dir(&self) -> Option<&Path> {
        self.root.as_deref()
    }

    /// `<cache>/<FORMAT>`, `None` when off.
    pub fn versioned(&self) -> Option<PathBuf> {
        self.root.as_ref().map(|r| r.join(FORMAT))
    }

    /// The path of a memo file: `<cache>/<FORMAT>/<area>/<32 hex digits of
    /// sha256(id)><ext>`. `None` when off. Never creates anything.
    pub fn memo_path(&self, area: &str, id: &str, ext: &str) -> Option<PathBuf> {
        let h = short_hash(id);
        Some(self.versioned()?.join(area).join(format!("{h}{ext}")))
    }

    /// Reads a memo file written by `write_memo`; `None` when off, missing
    /// or unreadable.
    pub fn read_memo(&self, path: &Path) -> Option<Vec<u8>> {
        self.root.as_ref()?;
        std::fs::read(path).ok()
    }

    /// Writes a memo file atomically (creating its directory). Best effort:
    /// a memo that cannot be written is computed again next time; off does
    /// nothing.
    pub fn write_memo(&self, path: &Path, data: &[u8]) {
        let Some(v) = self.versioned() else { return };
        let tmp = v.join("tmp");
        if let Some(dir) = path.parent()
            && std::fs::create_dir_all(dir).is_ok()
            && std::fs::create_dir_all(&tmp).is_ok()
        {
            let _ = atomic_write(path, data, &tmp);
        }
    }

    /// A memo written by `write_json` at `path` (from `memo_path`), parsed;
    /// `None` when there is no path (off), no file, or it does not parse.
    pub fn read_json<T: serde::de::DeserializeOwned>(&self, path: Option<&Path>) -> Option<T> {
        serde_json::from_slice(&self.read_memo(path?)?).ok()
    }

    /// Writes `value` as JSON at `path` (from `memo_path`), as `write_memo`;
    /// nothing when there is no path (off).
    pub fn write_json<T: Serialize>(&self, path: Option<&Path>, value: &T) {
        if let (Some(p), Ok(data)) = (path, serde_json::to_vec(value)) {
            self.write_memo(p, &data);
        }
    }

    fn installed_record(&self, out: &Path) -> Option<PathBuf> {
        self.memo_path("installed", &out.to_string_lossy(), ".json")
    }

    /// The cache key of the file gccgo-build installed at `out` last, when
    /// the file there is still that one (a regular file with the recorded
    /// size and mtime). `None` otherwise, or when off. Never writes.
    pub fn installed_key(&self, out: &Path) -> Option<String> {
        // Only a regular file can be ours: never /dev/null, a fifo or a link.
        if !std::fs::symlink_metadata(out).is_ok_and(|m| m.file_type().is_file()) {
            return None;
        }
        let rec: Installed =
            serde_json::from_slice(&self.read_memo(&self.installed_record(out)?)?).ok()?;
        let (size, mtime_ns) = stamp(out)?;
        (rec.size == size && rec.mtime_ns == mtime_ns).then_some(rec.key)
    }

    /// Whether the file at `out` is the one gccgo-build installed there last.
    pub fn installed_here(&self, out: &Path) -> bool {
        self.installed_key(out).is_some()
    }

    /// Records that `out` now holds the result of cache key `key` (its size
    /// and mtime as they are now). Best effort; off does nothing.
    pub fn record_install(&self, out: &Path, key: &str) {
        if let (Some(path), Some((size, mtime_ns))) = (self.installed_record(out), stamp(out)) {
            let rec = Installed {
                size,
                mtime_ns,
                key: key.into(),
            };
            self.write_memo(&path, &serde_json::to_vec(&rec).unwrap_or_default());
        }
    }

    /// The rule for OUT after a failed or interrupted build: the file at
    /// `out` is removed only if it is the one gccgo-build itself installed
    /// there last (`installed_here`), so no stale binary of ours survives,
    /// and anything else is left alone. Off has no record, so nothing is
    /// removed. Returns whether it removed the file.
    pub fn remove_if_ours(&self, out: &Path) -> bool {
        self.installed_here(out) && std::fs::remove_file(out).is_ok()
    }
}

/// `installed/<hash of OUT>.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Installed {
    size: u64,
    mtime_ns: u128,
    key: String,
}

/// A file's size in bytes and modification time in nanoseconds since the
/// Unix epoch, the pair that tells "unchanged since last time" without
/// reading the file. `None` when the file cannot be stat'ed or its mtime
/// predates the epoch.
pub fn stamp(p: &Path) -> Option<(u64, u128)> {
    let md = std::fs::metadata(p).ok()?;
    Some((md.len(), mtime_ns(&md)?))
}

/// A file's mtime in nanoseconds since the epoch (`None` before it).
fn mtime_ns(md: &std::fs::Metadata) -> Option<u128> {
    Some(
        md.modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?
            .as_nanos(),
    )
}

/// The first 32 hex digits (128 bits) of sha256(`id`): a file name.
pub fn short_hash(id: &str) -> String {
    hex(&Sha256::digest(id.as_bytes())[..16])
}

/// sha256 of a file's contents, in hex; a file already hashed by this
/// process and not changed since (same `FileId`) is not read again.
///
/// Errors when the file cannot be read (names it).
pub fn hash_file(p: &Path) -> Result<String> {
    if let Some(sha) = std::fs::metadata(p)
        .ok()
        .and_then(|md| FileId::of(&md).remembered())
    {
        return Ok(sha);
    }
    let mut f = std::fs::File::open(p).with_context(|| format!("reading {}", p.display()))?;
    let md = f.metadata().ok();
    let id = md.as_ref().map(FileId::of);
    // Source files are small: one read into a buffer of their size, not
    // a 64 KiB buffer zeroed for each (a no-op build hashes every file).
    let len = md.map_or(u64::MAX, |m| m.len());
    let sha = if len <= 1 << 20 {
        let data = read_sized(&mut f, len).with_context(|| format!("reading {}", p.display()))?;
        hex(&Sha256::digest(&data))
    } else {
        hash_through(&mut f, std::io::sink())
            .with_context(|| format!("reading {}", p.display()))?
            .1
    };
    if let Some(id) = id {
        id.remember(&sha);
    }
    Ok(sha)
}

/// Copies `from` to `to` (created or truncated), hashing the bytes as
/// they pass; returns the size and sha256, and remembers the hash for both
/// files (see `hash_file`), so neither is read again to hash it.
///
/// Errors when either file cannot be opened, read or written.
pub fn copy_hashing(from: &Path, to: &Path) -> Result<(u64, String)> {
    let mut r = std::fs::File::open(from).with_context(|| format!("reading {}", from.display()))?;
    let mut w = std::fs::File::create(to).with_context(|| format!("writing {}", to.display()))?;
    let got = hash_through(&mut r, &mut w)
        .with_context(|| format!("copying {} to {}", from.display(), to.display()))?;
    for f in [&r, &w] {
        if let Ok(md) = f.metadata() {
            FileId::of(&md).remember(&got.1);
        }
    }
    Ok(got)
}

/// Reads the text file at `p` whole (as `std::fs::read_to_string`) and
/// remembers its hash for `hash_file`: the scanner reads every source file
/// anyway, so the cache keys do not read them again.
///
/// Errors: as `read_to_string` (`InvalidData` for text that is not UTF-8).
pub fn read_text_hashed(p: &Path) -> std::io::Result<String> {
    let mut f = std::fs::File::open(p)?;
    let md = f.metadata()?;
    let b = read_sized(&mut f, md.len())?;
    FileId::of(&md).remember(&hex(&Sha256::digest(&b)));
    if let (Ok(mut m), Some(t)) = (SCANNED.get_or_init(Default::default).lock(), mtime_ns(&md)) {
        m.insert(p.to_path_buf(), (md.len(), t));
    }
    String::from_utf8(b).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
}

/// Size and mtime (ns) of each file `read_text_hashed` read, as it was
/// then: the scanner's view of the sources, for memos keyed by it.
static SCANNED: std::sync::OnceLock<
    std::sync::Mutex<std::collections::HashMap<PathBuf, (u64, u128)>>,
> = std::sync::OnceLock::new();

/// `stamp` of a source file as the scanner read it (`read_text_hashed`),
/// without asking the file system again; else `stamp` now.
pub fn source_stamp(p: &Path) -> Option<(u64, u128)> {
    let seen = SCANNED
        .get()
        .and_then(|m| m.lock().ok().and_then(|m| m.get(p).copied()));
    seen.or_else(|| stamp(p))
}

/// Reads `f`, whose length is `len` bytes (as its metadata said, just
/// before): that many bytes, in one buffer, without the size probes
/// (`fstat`, `lseek`) and the read at end of file that `read_to_end`
/// makes. The contents are the file as it was when its metadata was read;
/// a file that turns out shorter is read to its end.
///
/// Errors: as `read`.
pub fn read_sized(f: &mut std::fs::File, len: u64) -> std::io::Result<Vec<u8>> {
    let want = usize::try_from(len).unwrap_or(0);
    let mut b = vec![0u8; want.max(1)];
    let mut n = 0;
    loop {
        if n == want && want > 0 {
            break;
        }
        if n == b.len() {
            b.resize(b.len() * 2, 0);
        }
        match f.read(&mut b[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    b.truncate(n);
    Ok(b)
}

/// Tells `hash_file` that the file at `p`, as it is now, hashes to `sha`
/// (the caller knows it some other way: a cache entry file whose stamp
/// shows it unchanged since it was hashed). Best effort.
pub fn remember_hash(p: &Path, sha: &str) {
    if let Ok(md) = std::fs::metadata(p) {
        remember_hash_of(&md, sha);
    }
}

/// `remember_hash` for the file whose metadata is `md` (every hard link
/// to it).
pub fn remember_hash_of(md: &std::fs::Metadata, sha: &str) {
    FileId::of(md).remember(sha);
}

/// A file's identity for `hash_file`'s memo: device, inode, size and
/// modification time (ns). Hard links share it, so an output hashed when
/// the cache stored or restored it is not read again by the build record;
/// a file rewritten (new mtime or size, or a new inode) is hashed again.
/// The memo lives as long as the process: one build.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct FileId(u64, u64, u64, i64, i64);

/// The memo: file identity → sha256 (hex).
static HASHED: std::sync::OnceLock<std::sync::Mutex<std::collections::HashMap<FileId, String>>> =
    std::sync::OnceLock::new();

impl FileId {
    fn of(md: &std::fs::Metadata) -> FileId {
        use std::os::unix::fs::MetadataExt as _;
        FileId(md.dev(), md.ino(), md.size(), md.mtime(), md.mtime_nsec())
    }

    fn remembered(&self) -> Option<String> {
        HASHED.get()?.lock().ok()?.get(self).cloned()
    }

    fn remember(self, sha: &str) {
        if let Ok(mut m) = HASHED.get_or_init(Default::default).lock() {
            m.insert(self, sha.to_string());
        }
    }
}

/// Reads `r` to the end, writing what it reads to `w`; returns the byte
/// count and the sha256 (hex) of the bytes.
pub fn hash_through(r: &mut impl Read, mut w: impl Write) -> std::io::Result<(u64, String)> {
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = r.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
        w.write_all(&buf[..n])?;
        size += n as u64;
    }
    Ok((size, hex(&h.finalize())))
}

/// Writes `data` to `path` through a temporary file in `tmpdir` (which must
/// be on the same filesystem) renamed into place, so a reader sees the old
/// contents or the new, never half of them.
///
/// Errors when the temp file cannot be created or written, or the rename fails.
pub fn atomic_write(path: &Path, data: &[u8], tmpdir: &Path) -> Result<()> {
    let mut t = tempfile::NamedTempFile::new_in(tmpdir).context("creating a cache temp file")?;
    t.write_all(data)?;
    t.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// Lower-case hex of `b`, two digits a byte (`[0x0a, 0xff]` → `"0aff"`).
pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_writes_and_remembers_nothing() {
        let s = Store::off();
        assert!(s.memo_path("compilers", "x", ".json").is_none());
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("prog");
        std::fs::write(&f, b"\x7fELF").unwrap();
        s.record_install(&f, "k");
        assert!(!s.installed_here(&f));
        assert!(!s.remove_if_ours(&f));
        assert!(f.exists());
    }

    #[test]
    fn install_records_follow_the_file() {
        let d = tempfile::tempdir().unwrap();
        let s = Store::at(d.path().join("cache"));
        let f = d.path().join("prog");
        std::fs::write(&f, b"\x7fELF one").unwrap();
        assert!(!s.installed_here(&f));
        s.record_install(&f, "k1");
        assert_eq!(s.installed_key(&f).as_deref(), Some("k1"));
        std::fs::write(&f, b"\x7fELF another size").unwrap();
        assert!(!s.installed_here(&f), "a file changed since is not ours");
        assert!(!s.remove_if_ours(&f));
        assert!(f.exists());
    }
}
