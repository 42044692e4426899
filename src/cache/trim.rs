//! Limits on the local cache: what it holds (`cache stats`), the record of
//! each build's hits and misses, and the trim that removes the least
//! recently used entries (`cache trim`, and after a build when
//! `GCCGO_BUILD_CACHE_MAX_SIZE` is exceeded).
//!
//! Last use is an entry's `meta.json` mtime, set when it is written and on
//! a hit when it is more than an hour old (`entry::touch`, as the go
//! command's cache). Sizes are the files' lengths in bytes, the whole versioned
//! tree counted (entries, index, memos), `tmp/` excepted.
//!
//! A trim is safe while builds run on the same cache: it only removes
//! whole entries, each by one rename into `tmp/` (a reader sees the entry
//! or nothing), never anything in `tmp/` younger than a day (an entry being
//! written lives there until its rename), and a build whose pending entry
//! vanished runs that action again (`DirtyReason::EntryTrimmed`).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::{Context as _, Result, bail};
use serde::{Deserialize, Serialize};

/// The build record file under the versioned root.
const BUILDS: &str = "builds.jsonl";
/// Records kept: the file is cut back to `KEEP` lines when it reaches twice that.
const KEEP: usize = 100;
/// Staging directories older than this are abandoned (a killed build).
const STALE_TMP: Duration = Duration::from_secs(24 * 3600);

/// One build's use of the cache.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildRecord {
    /// When the build ended, seconds since the Unix epoch.
    pub time: u64,
    /// Actions answered from the local cache.
    pub local: usize,
    /// Actions answered from the remote cache (fetched, checked, stored locally).
    pub remote: usize,
    /// Actions that ran.
    pub ran: usize,
    /// Entries uploaded to the remote cache.
    #[serde(default)]
    pub pushed: usize,
}

impl BuildRecord {
    /// Actions looked up: hits and runs.
    pub fn actions(&self) -> usize {
        self.local + self.remote + self.ran
    }
}

/// Appends `rec` to the build record of the cache at `root` (`<cache>/v2`).
/// Best effort: a record that cannot be written is lost. Lines are
/// appended whole (`O_APPEND`), so concurrent builds do not mix them.
pub fn record_build(root: &Path, rec: &BuildRecord) {
    let path = root.join(BUILDS);
    let Ok(mut line) = serde_json::to_vec(rec) else {
        return;
    };
    line.push(b'\n');
    if let Ok(mut f) = std::fs::File::options()
        .create(true)
        .append(true)
        .open(&path)
    {
        let _ = f.write_all(&line);
    }
    let records = builds(root, usize::MAX);
    if records.len() >= 2 * KEEP {
        let keep: Vec<u8> = records[records.len() - KEEP..]
            .iter()
            .filter_map(|r| serde_json::to_vec(r).ok())
            .flat_map(|mut l| {
                l.push(b'\n');
                l
            })
            .collect();
        let _ = crate::store::atomic_write(&path, &keep, &root.join("tmp"));
    }
}

/// The last `n` build records of the cache at `root`, oldest first.
pub fn builds(root: &Path, n: usize) -> Vec<BuildRecord> {
    let text = std::fs::read_to_string(root.join(BUILDS)).unwrap_or_default();
    let all: Vec<BuildRecord> = text
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    all[all.len().saturating_sub(n)..].to_vec()
}

/// One entry on disk.
#[derive(Debug, Clone)]
struct Entry {
    dir: PathBuf,
    bytes: u64,
    last_use: SystemTime,
}

/// What the cache holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Usage {
    /// Compile and link entries.
    pub entries: usize,
    /// Bytes in the entries.
    pub entry_bytes: u64,
    /// Bytes in all (entries, index, memos; not `tmp/`).
    pub total_bytes: u64,
}

/// Every entry under `root/entries`, and the bytes of everything else
/// outside `tmp/`.
fn scan(root: &Path) -> (Vec<Entry>, u64) {
    let mut entries = Vec::new();
    let mut other = 0u64;
    for e in walkdir::WalkDir::new(root)
        .min_depth(1)
        .max_depth(1)
        .into_iter()
        .flatten()
    {
        match e.file_name().to_str() {
            Some("tmp") => {}
            Some("entries") => entries = scan_entries(e.path()),
            _ => other += tree_bytes(e.path()),
        }
    }
    (entries, other)
}

/// The entries `entries/<k[0..2]>/<key>/`, with their sizes and last use.
fn scan_entries(dir: &Path) -> Vec<Entry> {
    let mut v = Vec::new();
    for e in walkdir::WalkDir::new(dir)
        .min_depth(2)
        .max_depth(2)
        .into_iter()
        .flatten()
    {
        if !e.file_type().is_dir() {
            continue;
        }
        let last_use = std::fs::metadata(e.path().join("meta.json"))
            .or_else(|_| e.metadata().map_err(std::io::Error::other))
            .and_then(|m| m.modified())
            .unwrap_or(SystemTime::UNIX_EPOCH);
        v.push(Entry {
            dir: e.path().to_path_buf(),
            bytes: tree_bytes(e.path()),
            last_use,
        });
    }
    v
}

/// Bytes of the files under `p` (or of `p` itself); unreadable ones count 0.
fn tree_bytes(p: &Path) -> u64 {
    walkdir::WalkDir::new(p)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum()
}

/// What the cache at `root` (`<cache>/v2`) holds now.
pub fn usage(root: &Path) -> Usage {
    let (entries, other) = scan(root);
    let entry_bytes: u64 = entries.iter().map(|e| e.bytes).sum();
    Usage {
        entries: entries.len(),
        entry_bytes,
        total_bytes: entry_bytes + other,
    }
}

/// What a trim did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Trimmed {
    /// Entries removed.
    pub removed: usize,
    /// Their bytes.
    pub freed: u64,
    /// What is left.
    pub left: Usage,
}

/// Removes the entries of the cache at `root` (`<cache>/v2`) not used
/// for `max_age`, then the least recently used ones until the cache is at
/// or under `max_size` bytes (or no entry is left), and staging
/// directories abandoned for a day. Safe while builds use the cache (see
/// the module's text).
///
/// Errors: `root` is not a cache directory (no `entries/`).
pub fn trim(root: &Path, max_size: Option<u64>, max_age: Option<Duration>) -> Result<Trimmed> {
    if !root.join("entries").is_dir() {
        bail!(
            "{} is not a gccgo-build cache (no entries/ in it)",
            root.display()
        );
    }
    let tmp = root.join("tmp");
    std::fs::create_dir_all(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
    remove_stale_tmp(&tmp);
    let (mut entries, other) = scan(root);
    entries.sort_by_key(|e| e.last_use);
    let now = SystemTime::now();
    let mut total: u64 = other + entries.iter().map(|e| e.bytes).sum::<u64>();
    let mut out = Trimmed::default();
    for e in &entries {
        let old = max_age.is_some_and(|a| now.duration_since(e.last_use).unwrap_or_default() > a);
        let big = max_size.is_some_and(|m| total > m);
        if !(old || big) {
            continue;
        }
        if remove_entry(&e.dir, &tmp) {
            total = total.saturating_sub(e.bytes);
            out.removed += 1;
            out.freed += e.bytes;
        }
    }
    out.left = usage(root);
    Ok(out)
}

/// Removes one entry: one rename into `tmp` (so no reader sees half of
/// it), then the removal. Whether it was there to remove.
fn remove_entry(dir: &Path, tmp: &Path) -> bool {
    let Ok(aside) = tempfile::Builder::new().prefix("trimmed-").tempdir_in(tmp) else {
        return false;
    };
    let moved = std::fs::rename(dir, aside.path().join("entry")).is_ok();
    drop(aside); // removes it, with the entry in it
    moved
}

/// Removes what a killed build left in `tmp` (older than a day).
fn remove_stale_tmp(tmp: &Path) {
    let Ok(rd) = std::fs::read_dir(tmp) else {
        return;
    };
    let now = SystemTime::now();
    for e in rd.flatten() {
        let stale = e
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| now.duration_since(t).unwrap_or_default() > STALE_TMP);
        if stale {
            let p = e.path();
            let _ = std::fs::remove_dir_all(&p).or_else(|_| std::fs::remove_file(&p));
        }
    }
}

/// Parses a size: bytes, or with a suffix `k`, `M`, `G`, `T` (powers of
/// 1000) or `Ki`, `Mi`, `Gi`, `Ti` (powers of 1024), an optional `B`
/// after (`5G`, `500MB`, `1.5Gi`, `123456`).
///
/// Errors: anything else (the message shows the forms).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let t = t.strip_suffix('B').unwrap_or(t);
    let (num, mult) = [
        ("Ki", 1u64 << 10),
        ("Mi", 1 << 20),
        ("Gi", 1 << 30),
        ("Ti", 1 << 40),
        ("k", 1_000),
        ("K", 1_000),
        ("M", 1_000_000),
        ("G", 1_000_000_000),
        ("T", 1_000_000_000_000),
    ]
    .iter()
    .find_map(|(suf, m)| t.strip_suffix(suf).map(|n| (n, *m)))
    .unwrap_or((t, 1));
    match num.trim().parse::<f64>() {
        Ok(v) if v >= 0.0 && v.is_finite() => Ok((v * mult as f64).round() as u64),
        _ => Err(format!(
            "`{s}` is not a size (e.g. 5G, 500M, 1.5Gi, 123456)"
        )),
    }
}

/// Parses an age: a number with `s`, `m`, `h`, `d` or `w` (`30d`, `12h`).
///
/// Errors: anything else.
pub fn parse_age(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    let unit = t.chars().last().unwrap_or('?');
    let secs = match unit {
        's' => 1.0,
        'm' => 60.0,
        'h' => 3600.0,
        'd' => 86_400.0,
        'w' => 604_800.0,
        _ => return Err(format!("`{s}` is not an age (e.g. 30d, 12h, 90m)")),
    };
    match t[..t.len() - 1].trim().parse::<f64>() {
        Ok(v) if v >= 0.0 && v.is_finite() => Ok(Duration::from_secs_f64(v * secs)),
        _ => Err(format!("`{s}` is not an age (e.g. 30d, 12h, 90m)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_ages_parse() {
        assert_eq!(parse_size("5G"), Ok(5_000_000_000));
        assert_eq!(parse_size("500MB"), Ok(500_000_000));
        assert_eq!(parse_size("1.5Gi"), Ok(1_610_612_736));
        assert_eq!(parse_size("42"), Ok(42));
        assert!(parse_size("lots").is_err());
        assert_eq!(parse_age("30d"), Ok(Duration::from_secs(30 * 86_400)));
        assert_eq!(parse_age("90m"), Ok(Duration::from_secs(5400)));
        assert!(parse_age("30").is_err());
    }

    /// Writes an entry of `bytes` bytes last used `age` ago.
    fn entry(root: &Path, key: &str, bytes: usize, age: Duration) {
        let d = root.join("entries").join(&key[..2]).join(key);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("object"), vec![0u8; bytes]).unwrap();
        std::fs::write(d.join("meta.json"), b"{}").unwrap();
        let f = std::fs::File::options()
            .append(true)
            .open(d.join("meta.json"))
            .unwrap();
        f.set_modified(SystemTime::now() - age).unwrap();
    }

    #[test]
    fn trim_removes_least_recently_used_first() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        let h = Duration::from_secs(3600);
        entry(root, "aa01", 1000, 3 * h);
        entry(root, "bb02", 1000, h);
        entry(root, "cc03", 1000, 2 * h);
        let before = usage(root);
        assert_eq!(before.entries, 3);
        let t = trim(root, Some(before.total_bytes - 500), None).unwrap();
        assert_eq!(t.removed, 1);
        assert!(
            !root.join("entries/aa/aa01").exists(),
            "the oldest goes first"
        );
        assert!(t.left.total_bytes <= before.total_bytes - 500);
        let t = trim(root, None, Some(h + h / 2)).unwrap();
        assert_eq!(t.removed, 1);
        assert!(root.join("entries/bb/bb02").exists());
        assert!(trim(&root.join("nope"), None, None).is_err());
    }

    #[test]
    fn build_records_append_and_keep_the_last() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join("tmp")).unwrap();
        for i in 0..(2 * KEEP + 3) {
            record_build(
                d.path(),
                &BuildRecord {
                    time: i as u64,
                    local: 1,
                    ..Default::default()
                },
            );
        }
        let all = builds(d.path(), usize::MAX);
        assert!(all.len() <= 2 * KEEP, "{}", all.len());
        assert_eq!(all.last().unwrap().time, (2 * KEEP + 2) as u64);
        assert_eq!(builds(d.path(), 2).len(), 2);
    }
}
