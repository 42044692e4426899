//! Cache: a content-addressed store of compile and link outputs, consulted
//! by the scheduler through `exec::CacheHook`.
//!
//! The key of a package compile hashes its source files' contents, its
//! flags, the compiler's identity (path, version, machine, size and mtime of
//! the binary) and the hash of the *export data* (`.gox`) of each direct
//! dependency — not of their objects. So an edit that changes a package's
//! code but not its export data rebuilds that package and the link, and
//! nothing else (early cutoff). A link's key hashes the link flags, the
//! compiler identity and the keys of every object it links.
//!
//! ```text
//! <cache>/                          --cache, GCCGO_BUILD_CACHE, $XDG_CACHE_HOME/gccgo-build, ~/.cache/gccgo-build
//!   v1/                             format version: another version's tree is never read
//!     entries/<k[0..2]>/<key>/      one entry, renamed into place whole (never half-written)
//!       meta.json                   label, saved compiler output, each file's size and sha256
//!       0 1 …                       the action's outputs, by position (object, .gox | executable)
//!     index/<hash of label>.json    the inputs of the label's last build, for --explain
//!     installed/<hash of OUT>.json  size, mtime and key of the last file installed at OUT
//!     tmp/                          staging directories for atomic writes
//! ```
//!
//! Outputs of a hit are copied into the work directory only when a later
//! action that runs needs them (lazily), and verified against their sha256
//! as they are copied: a corrupted entry is removed and its action run
//! again, never linked. This module knows the plan's shape but runs
//! commands only to rebuild a corrupted entry.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::exec::{CacheHook, Lookup};
use crate::plan::{ActionId, ActionKind, Plan};
use crate::toolchain::Toolchain;

/// The cache format version: the name of the tree below the cache root.
pub const FORMAT: &str = "v1";

/// The default cache root: `GCCGO_BUILD_CACHE`, else
/// `$XDG_CACHE_HOME/gccgo-build`, else `~/.cache/gccgo-build`. `None` when
/// `GCCGO_BUILD_CACHE=off`.
pub fn default_dir() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("GCCGO_BUILD_CACHE").filter(|p| !p.is_empty()) {
        return (p != "off").then(|| PathBuf::from(p));
    }
    if let Some(x) = std::env::var_os("XDG_CACHE_HOME").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(x).join("gccgo-build"));
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/gccgo-build"))
}

/// What a key is computed from; also what `--explain` compares.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyInputs {
    /// Format version.
    pub format: String,
    /// `compile` or `link`.
    pub kind: String,
    /// Import path, or `link OUT`.
    pub label: String,
    /// Compiler identity (path, version, machine, size, mtime, profile flags).
    pub toolchain: String,
    /// Flags reaching the compiler or linker.
    pub flags: Vec<String>,
    /// Source files: path → sha256.
    pub sources: BTreeMap<String, String>,
    /// Direct dependencies: import path → sha256 of its export data (compile),
    /// or label → key of its compile (link).
    pub deps: BTreeMap<String, String>,
}

impl KeyInputs {
    /// The key: sha256 of the inputs' JSON, in hex.
    pub fn key(&self) -> String {
        hex(&Sha256::digest(
            serde_json::to_vec(self).unwrap_or_default(),
        ))
    }

    /// Why `self` differs from `old`: the first difference, in words (a
    /// `DirtyReason`), e.g. `source changed: wire/frame.go`.
    pub fn why_differs(&self, old: &KeyInputs) -> String {
        if self.toolchain != old.toolchain {
            return format!("compiler changed: {} → {}", old.toolchain, self.toolchain);
        }
        if self.flags != old.flags {
            return format!(
                "flags changed: {} → {}",
                old.flags.join(" "),
                self.flags.join(" ")
            );
        }
        for (f, h) in &self.sources {
            match old.sources.get(f) {
                None => return format!("source added: {}", short(f)),
                Some(o) if o != h => return format!("source changed: {}", short(f)),
                _ => {}
            }
        }
        if let Some(f) = old.sources.keys().find(|f| !self.sources.contains_key(*f)) {
            return format!("source removed: {}", short(f));
        }
        for (d, h) in &self.deps {
            match old.deps.get(d) {
                None => return format!("new dependency: {d}"),
                Some(o) if o != h => {
                    return if self.kind == "compile" {
                        format!("export data of {d} changed")
                    } else {
                        format!("object of {d} changed")
                    };
                }
                _ => {}
            }
        }
        if let Some(d) = old.deps.keys().find(|d| !self.deps.contains_key(*d)) {
            return format!("dependency removed: {d}");
        }
        "not in cache".into()
    }
}

fn short(path: &str) -> String {
    let p = Path::new(path);
    let n: Vec<_> = p.iter().rev().take(2).collect();
    n.iter()
        .rev()
        .map(|s| s.to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// One output file of an entry.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct FileMeta {
    size: u64,
    sha256: String,
}

/// `meta.json` of an entry.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Meta {
    format: String,
    label: String,
    output: String,
    files: Vec<FileMeta>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Installed {
    size: u64,
    mtime_ns: u128,
    key: String,
}

/// Per-action state during one build.
#[derive(Debug, Clone, Default)]
struct State {
    key: Option<String>,
    /// Entry directory when the outputs are in the cache and not yet in $WORK.
    pending: Option<PathBuf>,
    /// sha256 of the `.gox` (compile of a non-main package).
    gox: Option<String>,
}

/// The cache for one build.
pub struct Cache {
    root: PathBuf,
    toolchain: String,
    explain: bool,
    state: Vec<State>,
    /// Actions whose entries were found corrupted and rebuilt.
    pub rebuilt_corrupt: Vec<String>,
}

struct Token {
    inputs: KeyInputs,
}

impl Cache {
    /// Opens (creating if needed) the cache at `root` for a plan of `n_actions`.
    ///
    /// Errors when the directory cannot be created.
    pub fn open(root: &Path, tc: &Toolchain, n_actions: usize, explain: bool) -> Result<Cache> {
        let v = root.join(FORMAT);
        for d in ["entries", "index", "installed", "tmp"] {
            std::fs::create_dir_all(v.join(d)).with_context(|| {
                format!(
                    "creating cache directory {} (name a usable one with --cache DIR, \
                         or build without a cache: --cache off)",
                    v.join(d).display()
                )
            })?;
        }
        Ok(Cache {
            root: v,
            toolchain: tc.identity.clone(),
            explain,
            state: vec![State::default(); n_actions],
            rebuilt_corrupt: vec![],
        })
    }

    fn entry_dir(&self, key: &str) -> PathBuf {
        self.root.join("entries").join(&key[..2]).join(key)
    }

    fn inputs(&self, plan: &Plan, i: ActionId) -> Result<KeyInputs> {
        let a = &plan.actions[i];
        let mut k = KeyInputs {
            format: FORMAT.into(),
            label: a.label.clone(),
            toolchain: self.toolchain.clone(),
            flags: a.flags.clone(),
            ..Default::default()
        };
        match &a.kind {
            ActionKind::Compile { .. } => {
                k.kind = "compile".into();
                for f in &a.inputs {
                    let h = hash_file(f).with_context(|| format!("reading {}", f.display()))?;
                    k.sources.insert(f.to_string_lossy().into_owned(), h);
                }
                for &d in &a.deps {
                    let gox = match &self.state[d].gox {
                        Some(g) => g.clone(),
                        None => bail!(
                            "internal: export data hash of {} unknown",
                            plan.actions[d].label
                        ),
                    };
                    k.deps.insert(plan.actions[d].label.clone(), gox);
                }
            }
            ActionKind::Link { .. } => {
                k.kind = "link".into();
                for &d in &a.deps {
                    let key = self.state[d].key.clone().unwrap_or_default();
                    k.deps.insert(plan.actions[d].label.clone(), key);
                }
            }
        }
        Ok(k)
    }

    fn index_path(&self, label: &str) -> PathBuf {
        let h = hex(&Sha256::digest(
            format!("{}\n{label}", self.toolchain).as_bytes(),
        ));
        self.root.join("index").join(format!("{}.json", &h[..32]))
    }

    fn read_meta(&self, dir: &Path) -> Option<Meta> {
        let m: Meta = serde_json::from_slice(&std::fs::read(dir.join("meta.json")).ok()?).ok()?;
        if m.format != FORMAT {
            return None;
        }
        // A cheap completeness check: every file there with its recorded size.
        for (n, f) in m.files.iter().enumerate() {
            if std::fs::metadata(dir.join(n.to_string()))
                .map(|md| md.len())
                .ok()?
                != f.size
            {
                return None;
            }
        }
        Some(m)
    }

    /// Copies the pending outputs of action `j` into $WORK, verifying their
    /// hashes; a corrupted entry is removed and the action run again here.
    fn materialize(&mut self, plan: &Plan, j: ActionId) -> Result<()> {
        let Some(dir) = self.state[j].pending.clone() else {
            return Ok(());
        };
        let a = &plan.actions[j];
        let ok = match self.read_meta(&dir) {
            Some(meta) => restore_files(&dir, &meta, &a.outputs).is_ok(),
            None => false,
        };
        if !ok {
            let _ = std::fs::remove_dir_all(&dir);
            for d in a.deps.clone() {
                self.materialize(plan, d)?;
            }
            for o in &a.outputs {
                let _ = std::fs::remove_file(o);
            }
            let (out, res) = crate::exec::run_steps(&a.steps, &a.fail_when, None, &plan.work);
            if let Err(e) = res {
                bail!(
                    "cache entry of {} was corrupted; rebuilding it failed: {e}\n{out}",
                    a.label
                );
            }
            self.rebuilt_corrupt.push(a.label.clone());
            if let Some(k) = self.state[j].key.clone() {
                let _ = self.write_entry(&k, a.label.as_str(), &a.outputs, &out);
            }
            // The rebuilt export data must be what the key said, or dependents' keys are wrong.
            if let (Some(expect), Some(gox)) = (&self.state[j].gox, a.outputs.get(1))
                && &hash_file(gox)? != expect
            {
                bail!(
                    "cache entry of {} was corrupted and its rebuild gave other export data; run the build again",
                    a.label
                );
            }
        }
        self.state[j].pending = None;
        Ok(())
    }

    fn write_entry(&self, key: &str, label: &str, outputs: &[PathBuf], output: &str) -> Result<()> {
        let dest = self.entry_dir(key);
        if dest.is_dir() {
            if self.read_meta(&dest).is_some() {
                // A sound entry (another build stored it first): keep it.
                return Ok(());
            }
            // A damaged entry (truncated file, bad meta.json): moved aside in
            // one rename, so the rebuild's result below takes its place and
            // the next build is a hit. A concurrent reader sees the old
            // entry, none, or the new one: never a mix.
            if let Ok(aside) = tempfile::Builder::new()
                .prefix("damaged-")
                .tempdir_in(self.root.join("tmp"))
            {
                let aside = aside.keep();
                if std::fs::rename(&dest, aside.join("entry")).is_ok() {
                    let _ = std::fs::remove_dir_all(&aside);
                }
            }
        }
        let tmp = tempfile::Builder::new()
            .prefix("entry-")
            .tempdir_in(self.root.join("tmp"))
            .context("creating a cache staging directory")?;
        let mut files = Vec::new();
        for (n, o) in outputs.iter().enumerate() {
            let (size, sha) = copy_hashing(o, &tmp.path().join(n.to_string()))?;
            files.push(FileMeta { size, sha256: sha });
        }
        let meta = Meta {
            format: FORMAT.into(),
            label: label.into(),
            output: output.into(),
            files,
        };
        std::fs::write(
            tmp.path().join("meta.json"),
            serde_json::to_vec_pretty(&meta)?,
        )?;
        std::fs::create_dir_all(dest.parent().unwrap_or(&self.root))?;
        let staged = tmp.keep();
        if std::fs::rename(&staged, &dest).is_err() {
            // Another build stored the same entry first: theirs is as good.
            let _ = std::fs::remove_dir_all(&staged);
        }
        Ok(())
    }

    fn installed_path(&self, out: &Path) -> PathBuf {
        installed_record(&self.root, out)
    }

    fn install_is_current(&self, out: &Path, key: &str) -> bool {
        let Ok(b) = std::fs::read(self.installed_path(out)) else {
            return false;
        };
        let Ok(rec) = serde_json::from_slice::<Installed>(&b) else {
            return false;
        };
        match stamp(out) {
            Some((size, mtime)) => rec.key == key && rec.size == size && rec.mtime_ns == mtime,
            None => false,
        }
    }

    /// Records that `out` now holds the executable of link key `key`.
    fn record_install(&self, out: &Path, key: &str) {
        if let Some((size, mtime_ns)) = stamp(out) {
            let rec = Installed {
                size,
                mtime_ns,
                key: key.into(),
            };
            let _ = atomic_write(
                &self.installed_path(out),
                &serde_json::to_vec(&rec).unwrap_or_default(),
                &self.root.join("tmp"),
            );
        }
    }
}

impl CacheHook for Cache {
    fn lookup(&mut self, plan: &Plan, i: ActionId) -> Result<Lookup> {
        let inputs = self.inputs(plan, i)?;
        let key = inputs.key();
        self.state[i].key = Some(key.clone());
        let a = &plan.actions[i];
        let dir = self.entry_dir(&key);
        if let Some(meta) = self.read_meta(&dir) {
            if let ActionKind::Compile { .. } = a.kind {
                if a.outputs.len() > 1 {
                    self.state[i].gox = meta.files.get(1).map(|f| f.sha256.clone());
                }
                self.state[i].pending = Some(dir);
                return Ok(Lookup::Hit {
                    output: meta.output,
                    installed: false,
                });
            }
            if let ActionKind::Link { out, .. } = &a.kind {
                if self.install_is_current(out, &key) {
                    return Ok(Lookup::Hit {
                        output: meta.output,
                        installed: true,
                    });
                }
                if restore_files(&dir, &meta, &a.outputs).is_ok() {
                    return Ok(Lookup::Hit {
                        output: meta.output,
                        installed: false,
                    });
                }
                let _ = std::fs::remove_dir_all(&dir);
            }
        }
        // A miss: what it needs from hits must be in $WORK before it runs.
        // A compile reads its dependencies' export data, a link their objects.
        for j in a.deps.clone() {
            self.materialize(plan, j)?;
        }
        let reason = if self.explain {
            match std::fs::read(self.index_path(&a.label))
                .ok()
                .and_then(|b| serde_json::from_slice::<KeyInputs>(&b).ok())
            {
                Some(old) => inputs.why_differs(&old),
                None => "not in cache".into(),
            }
        } else {
            String::new()
        };
        Ok(Lookup::Miss(reason, Box::new(Token { inputs })))
    }

    fn store(
        &mut self,
        plan: &Plan,
        i: ActionId,
        token: Box<dyn std::any::Any + Send>,
        output: &str,
    ) -> Result<()> {
        let Ok(tok) = token.downcast::<Token>() else {
            bail!("internal: bad cache token")
        };
        let a = &plan.actions[i];
        let key = tok.inputs.key();
        if let ActionKind::Compile { .. } = a.kind
            && let Some(gox) = a.outputs.get(1)
        {
            self.state[i].gox =
                Some(hash_file(gox).with_context(|| format!("reading {}", gox.display()))?);
        }
        self.write_entry(&key, &a.label, &a.outputs, output)?;
        atomic_write(
            &self.index_path(&a.label),
            &serde_json::to_vec(&tok.inputs)?,
            &self.root.join("tmp"),
        )?;
        Ok(())
    }

    fn installed(&mut self, plan: &Plan, i: ActionId) {
        if let (ActionKind::Link { out, .. }, Some(key)) =
            (&plan.actions[i].kind, &self.state[i].key)
        {
            self.record_install(out, key);
        }
    }
}

/// A file's size in bytes and modification time in nanoseconds since the
/// Unix epoch, the pair that tells "unchanged since last time" without
/// reading the file. `None` when the file cannot be stat'ed or its mtime
/// predates the epoch.
pub fn stamp(p: &Path) -> Option<(u64, u128)> {
    let md = std::fs::metadata(p).ok()?;
    let mtime = md
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_nanos();
    Some((md.len(), mtime))
}

/// Where the record of the last file installed at `out` lives, under a
/// versioned cache root (`<cache>/<FORMAT>`).
fn installed_record(versioned_root: &Path, out: &Path) -> PathBuf {
    let h = hex(&Sha256::digest(out.to_string_lossy().as_bytes()));
    versioned_root
        .join("installed")
        .join(format!("{}.json", &h[..32]))
}

/// Whether the file at `out` is the one gccgo-build installed there last,
/// as the cache under `cache_dir` recorded it (same size and mtime). False
/// when there is no such record or file; never writes.
pub fn installed_here(cache_dir: &Path, out: &Path) -> bool {
    // Only a regular file can be ours: never /dev/null, a fifo or a link.
    if !std::fs::symlink_metadata(out).is_ok_and(|m| m.file_type().is_file()) {
        return false;
    }
    let Ok(b) = std::fs::read(installed_record(&cache_dir.join(FORMAT), out)) else {
        return false;
    };
    let Ok(rec) = serde_json::from_slice::<Installed>(&b) else {
        return false;
    };
    stamp(out).is_some_and(|(size, mtime)| rec.size == size && rec.mtime_ns == mtime)
}

/// Copies an entry's files to `outputs`, checking each sha256.
fn restore_files(dir: &Path, meta: &Meta, outputs: &[PathBuf]) -> Result<()> {
    if meta.files.len() != outputs.len() {
        bail!(
            "entry has {} files, action {}",
            meta.files.len(),
            outputs.len()
        );
    }
    for (n, (f, o)) in meta.files.iter().zip(outputs).enumerate() {
        if let Some(p) = o.parent() {
            std::fs::create_dir_all(p)?;
        }
        let (_, sha) = copy_hashing(&dir.join(n.to_string()), o)?;
        if sha != f.sha256 {
            let _ = std::fs::remove_file(o);
            bail!("{}: sha256 mismatch", dir.join(n.to_string()).display());
        }
    }
    Ok(())
}

/// Copies `from` to `to`, returning the size and sha256 of what was copied.
fn copy_hashing(from: &Path, to: &Path) -> Result<(u64, String)> {
    let mut r = std::fs::File::open(from).with_context(|| format!("reading {}", from.display()))?;
    let w = std::fs::File::create(to).with_context(|| format!("writing {}", to.display()))?;
    let got = hash_through(&mut r, w)
        .with_context(|| format!("copying {} to {}", from.display(), to.display()))?;
    let perms = std::fs::metadata(from)?.permissions();
    std::fs::set_permissions(to, perms)?;
    Ok(got)
}

/// sha256 of a file's contents, in hex.
pub fn hash_file(p: &Path) -> Result<String> {
    let mut f = std::fs::File::open(p).with_context(|| format!("reading {}", p.display()))?;
    let (_, sha) = hash_through(&mut f, std::io::sink())
        .with_context(|| format!("reading {}", p.display()))?;
    Ok(sha)
}

/// Reads `r` to the end, writing what it reads to `w`; returns the byte
/// count and the sha256 (hex) of the bytes.
fn hash_through(r: &mut impl Read, mut w: impl Write) -> std::io::Result<(u64, String)> {
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

    fn inputs() -> KeyInputs {
        let mut k = KeyInputs {
            format: FORMAT.into(),
            kind: "compile".into(),
            label: "a/b".into(),
            toolchain: "gccgo 12".into(),
            flags: vec!["-O2".into()],
            ..Default::default()
        };
        k.sources.insert("/m/wire/frame.go".into(), "1".into());
        k.deps.insert("a/wire".into(), "g1".into());
        k
    }

    #[test]
    fn explain_names_the_first_difference() {
        let old = inputs();
        let mut new = old.clone();
        new.sources.insert("/m/wire/frame.go".into(), "2".into());
        assert_eq!(new.why_differs(&old), "source changed: wire/frame.go");
        let mut new = old.clone();
        new.flags = vec!["-Os".into()];
        assert_eq!(new.why_differs(&old), "flags changed: -O2 → -Os");
        let mut new = old.clone();
        new.deps.insert("a/wire".into(), "g2".into());
        assert_eq!(new.why_differs(&old), "export data of a/wire changed");
        assert_eq!(old.why_differs(&old), "not in cache");
        assert_ne!(new.key(), old.key());
    }
}
