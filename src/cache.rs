//! Cache: a content-addressed store of compile and link outputs, consulted
//! by the scheduler through [`CacheHook`]. It answers (`Hit`, `Miss` with a
//! [`DirtyReason`], `Corrupt`) and stores; it never runs a command, so
//! every rebuild the scheduler starts has its timeout, `-x` line and job slot.
//!
//! The key of a package compile hashes its source files' contents, its
//! flags and settings, the compiler's identity (path, version, machine,
//! size and mtime of the binary) and the hash of the *export data* (`.gox`)
//! of each direct dependency — not of their objects. So an edit that
//! changes a package's code but not its export data rebuilds that package
//! and the link, and nothing else (early cutoff). A link's key hashes the
//! link flags, the compiler identity and the keys of every object it links.
//!
//! ```text
//! <cache>/v2/                       the store's versioned root (see `store`)
//!   entries/<k[0..2]>/<key>/        one entry, renamed into place whole (see `entry`)
//!     meta.json                     label, saved compiler output, each file's size, sha256 and stamp, wall time
//!     object export extra-N exe     the action's outputs, by role
//!   index/<hash of label>.json      the inputs of the label's last builds (≤ 8), for --explain
//!   installed/<hash of OUT>.json    the last file installed at OUT (see `store`)
//!   builds.jsonl                    each build's hits, remote hits and runs (`cache stats`)
//!   tmp/                            staging directories for atomic writes
//! ```
//!
//! Outputs of a hit are put into the work directory only when a later
//! action that runs needs them (lazily): hard-linked when the cache and the
//! work directory share a filesystem, else copied. Each file is checked as
//! it is put there: unchanged since the entry was written (its inode and
//! mtime, `entry::Stamp`), or else hashed against its sha256. A damaged
//! entry is removed and the answer for the
//! action that needed it is `Corrupt`: the scheduler runs the damaged
//! action again, then asks again. An entry that a concurrent `cache trim`
//! removed in the meantime is run again the same way, without a warning.
//!
//! With a remote cache (`remote`), a local miss asks the server; what it
//! returns is checked and stored as a local entry before it is a hit. Each
//! entry this build stores is uploaded behind the build's back. Every hit
//! marks its entry used (`entry::touch`, at most hourly), for the trim's LRU order (`trim`).

mod entry;
mod key;
mod remote;
mod report;
mod trim;

use std::path::PathBuf;

use anyhow::{Context as _, Result, bail};

pub use key::{DirtyReason, KeyInputs, Kind};
pub use report::{Tool, ToolConfig, main as tool_main};
pub use trim::{BuildRecord, Trimmed, Usage, builds, parse_age, parse_size, trim, usage};

use crate::plan::{ActionId, ActionKind, Plan, Role};
use crate::store::{FORMAT, Store, hash_file};
use crate::toolchain::{CompilerId, Toolchain};

/// How many earlier inputs of one label `--explain` compares with.
const HISTORY: usize = 8;

/// What the cache says about an action whose dependencies are done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// Outputs available from the cache.
    Hit {
        /// The compiler output saved with the entry, shown again.
        output: String,
        /// The user's OUT already holds this result: nothing to install.
        installed: bool,
    },
    /// The action must run.
    Miss {
        /// Why (`--explain`).
        reason: DirtyReason,
    },
    /// The action must wait: these dependencies' entries turned out damaged
    /// (or gone) when their outputs were copied into the work directory.
    /// Run them again (their next lookup is a `Miss` with `CorruptEntry`
    /// or `EntryTrimmed`), then ask again.
    Corrupt {
        /// The damaged dependencies (each worth a warning).
        rebuild: Vec<ActionId>,
        /// Dependencies whose entries a concurrent trim removed: run again
        /// without a warning.
        trimmed: Vec<ActionId>,
    },
}

/// A cache consulted by the scheduler on its main thread.
pub trait CacheHook {
    /// Called when `action` is ready (its dependencies are done).
    ///
    /// Errors are reported as the action's failure.
    fn lookup(&mut self, plan: &Plan, action: ActionId) -> Result<Lookup>;
    /// Called after `action` ran successfully; `output` is what its
    /// commands printed.
    ///
    /// Errors: the outputs cannot be stored (a warning), or a rebuilt
    /// damaged entry gave other export data than its key promised (a failure).
    fn store(&mut self, plan: &Plan, action: ActionId, output: &str) -> Result<()>;
    /// Called after `action`'s outputs were installed where the user asked.
    fn installed(&mut self, plan: &Plan, action: ActionId);
    /// Warnings to show now (the remote cache's one line), drained.
    fn take_warnings(&mut self) -> Vec<String> {
        Vec::new()
    }
    /// Called once when the build is over: waits for uploads, records the
    /// build's hits and misses, trims to the configured size.
    fn finish(&mut self) {}
}

/// What the cache of a build does beyond its directory (the command
/// line's second layer fills it).
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--explain`: compute a `DirtyReason` for each miss.
    pub explain: bool,
    /// `--remote-cache URL` (or `GCCGO_BUILD_REMOTE_CACHE`) with
    /// `--remote-cache-readonly`.
    pub remote: Option<crate::remote::Config>,
    /// `GCCGO_BUILD_CACHE_MAX_SIZE`, in bytes: after a build that stored
    /// something, a cache larger than this is trimmed to 90% of it.
    pub max_size: Option<u64>,
}

/// What the cache remembers of one package compile: `gccgo-build graph`
/// labels its nodes with it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CompileRecord {
    /// Wall time of the compile action (gccgo, objcopy, the package's C
    /// and assembler compiles), in milliseconds; `None` for an entry
    /// written before the cache recorded it.
    pub wall_ms: Option<u64>,
    /// Size of the package's Go object file (`.o`, export data and debug
    /// information included), in bytes.
    pub object_bytes: u64,
    /// Whether the compile was of the sources as they are now (same
    /// contents); otherwise it is the most recent one of older sources.
    pub current: bool,
}

/// The last compile of the package `label` (its import path) by
/// `compiler` still in the cache of `store`: of the inputs the index keeps
/// for the label (its last builds that ran, most recent first), the most
/// recent whose sources have the contents `sources` have now, else the
/// most recent with this compiler at all. Flags are not matched: a `-Os`
/// build and an `-O2` build of the same code both count. `None` when the
/// store is off or nothing of the label with this compiler is left.
pub fn last_compile(
    store: &Store,
    compiler: &CompilerId,
    label: &str,
    sources: &[PathBuf],
) -> Option<CompileRecord> {
    let root = store.versioned()?;
    let index = root
        .join("index")
        .join(format!("{}.json", crate::store::short_hash(label)));
    let history: Vec<KeyInputs> = serde_json::from_slice(&std::fs::read(index).ok()?).ok()?;
    let now: std::collections::BTreeMap<String, String> = sources
        .iter()
        .filter_map(|f| Some((f.to_string_lossy().into_owned(), hash_file(f).ok()?)))
        .collect();
    let ours = history
        .iter()
        .filter(|h| h.kind == Kind::Compile && h.compiler == *compiler);
    let record = |h: &KeyInputs| -> Option<CompileRecord> {
        let key = h.key();
        let meta = entry::read_meta(&root.join("entries").join(&key[..2]).join(&key))?;
        let object = meta.files.iter().find(|f| f.name == Role::Object.name())?;
        Some(CompileRecord {
            wall_ms: meta.wall_ms,
            object_bytes: object.size,
            current: h.sources == now,
        })
    };
    let mut any = None;
    for h in ours {
        match record(h) {
            Some(r) if r.current => return Some(r),
            Some(r) => {
                any.get_or_insert(r);
            }
            None => {}
        }
    }
    any
}

/// Per-action state during one build.
#[derive(Debug, Clone, Default)]
struct State {
    inputs: Option<KeyInputs>,
    key: Option<String>,
    /// Entry directory when the outputs are in the cache and not yet in $WORK.
    pending: Option<PathBuf>,
    /// sha256 of the export data (compile of a non-main package).
    export: Option<String>,
    /// The entry was found damaged (or trimmed); the action is being run again.
    corrupt: bool,
    /// It was trimmed, not damaged (`DirtyReason::EntryTrimmed`).
    trimmed: bool,
    /// When the lookup answered `Miss` (the scheduler starts the action
    /// right after), for the entry's `wall_ms`.
    started: Option<std::time::Instant>,
}

/// The cache for one build.
pub struct Cache {
    /// `<cache>/<FORMAT>`.
    root: PathBuf,
    store: Store,
    compiler: CompilerId,
    explain: bool,
    /// `-a`: every lookup is a miss; results are still stored.
    rebuild_all: bool,
    state: Vec<State>,
    remote: Option<remote::Remote>,
    max_size: Option<u64>,
    /// This build's hits and runs so far.
    record: BuildRecord,
    /// Entries this build wrote (locally or from the remote cache).
    stored: usize,
}

impl Cache {
    /// Opens (creating if needed) the cache of `store` for `plan`; `None`
    /// when the store is off (a remote cache is then not used either: its
    /// entries are checked and kept locally). See `Options`.
    ///
    /// Errors when the directory cannot be created (names it and the fix).
    pub fn open(
        store: &Store,
        tc: &Toolchain,
        plan: &Plan,
        opts: &Options,
    ) -> Result<Option<Cache>> {
        let Some(root) = store.versioned() else {
            return Ok(None);
        };
        for d in ["entries", "index", "installed", "tmp"] {
            std::fs::create_dir_all(root.join(d)).with_context(|| {
                format!(
                    "creating cache directory {} (name a usable one with --cache DIR, \
                     or build without a cache: --cache off)",
                    root.join(d).display()
                )
            })?;
        }
        Ok(Some(Cache {
            root,
            store: store.clone(),
            compiler: tc.identity.clone(),
            explain: opts.explain,
            rebuild_all: false,
            state: vec![State::default(); plan.actions.len()],
            remote: opts.remote.clone().map(remote::Remote::new),
            max_size: opts.max_size,
            record: BuildRecord::default(),
            stored: 0,
        }))
    }

    /// The cache for `-a` (as `go build -a`): every action runs, as if no
    /// entry existed (`DirtyReason::RebuildAll`), and what it makes is stored.
    pub fn rebuild_all(mut self) -> Cache {
        self.rebuild_all = true;
        self
    }

    fn entry_dir(&self, key: &str) -> PathBuf {
        self.root.join("entries").join(&key[..2]).join(key)
    }

    fn index_path(&self, label: &str) -> PathBuf {
        let h = crate::store::short_hash(label);
        self.root.join("index").join(format!("{h}.json"))
    }

    /// The inputs of `i`'s key, from the plan and its dependencies' state.
    fn inputs(&self, plan: &Plan, i: ActionId) -> Result<KeyInputs> {
        let a = &plan[i];
        let mut k = KeyInputs {
            format: FORMAT.into(),
            label: a.label.clone(),
            compiler: self.compiler.clone(),
            flags: a.flags.clone(),
            settings: a.settings.clone(),
            ..Default::default()
        };
        k.kind = match a.kind {
            ActionKind::Compile { .. } => Kind::Compile,
            ActionKind::Link { .. } => Kind::Link,
        };
        for f in &a.inputs {
            k.sources
                .insert(f.to_string_lossy().into_owned(), hash_file(f)?);
        }
        for &d in &a.deps {
            let st = &self.state[d.index()];
            let v = match k.kind {
                Kind::Compile => st.export.clone(),
                Kind::Link => st.key.clone(),
            };
            let Some(v) = v else {
                bail!("internal: the cache knows nothing of {}", plan[d].label)
            };
            k.deps.insert(plan[d].label.clone(), v);
        }
        Ok(k)
    }

    /// The inputs of the label's earlier builds, most recent first.
    fn history(&self, label: &str) -> Vec<KeyInputs> {
        std::fs::read(self.index_path(label))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// Copies the pending outputs of `deps` into $WORK; returns the ones
    /// whose entries turned out damaged (removed, and marked to run again).
    fn materialize(&mut self, plan: &Plan, deps: &[ActionId]) -> Vec<ActionId> {
        let mut damaged = Vec::new();
        for &j in deps {
            let Some(dir) = self.state[j.index()].pending.take() else {
                continue;
            };
            let sound = entry::read_meta(&dir)
                .is_some_and(|meta| entry::restore(&dir, &meta, &plan[j].outputs).is_ok());
            if !sound {
                // Gone as a whole: a concurrent trim renamed it away.
                let trimmed = !dir.join("meta.json").exists();
                let _ = std::fs::remove_dir_all(&dir);
                self.state[j.index()].corrupt = true;
                self.state[j.index()].trimmed = trimmed;
                damaged.push(j);
            }
        }
        damaged
    }

    /// A hit's answer, or `None` when the entry cannot serve (missing,
    /// damaged, or a link whose files do not restore).
    fn hit(&mut self, plan: &Plan, i: ActionId, key: &str) -> Option<Lookup> {
        let dir = self.entry_dir(key);
        let (meta, used) = entry::read_meta_for_hit(&dir)?;
        entry::touch(&dir, used);
        let a = &plan[i];
        match &a.kind {
            ActionKind::Compile { .. } => {
                self.state[i.index()].export = meta.sha_of(Role::Export).map(String::from);
                self.state[i.index()].pending = Some(dir);
                Some(Lookup::Hit {
                    output: meta.output,
                    installed: false,
                })
            }
            ActionKind::Link { out, .. } => {
                if self.store.installed_key(out).as_deref() == Some(key) {
                    return Some(Lookup::Hit {
                        output: meta.output,
                        installed: true,
                    });
                }
                if entry::restore(&dir, &meta, &a.outputs).is_ok() {
                    return Some(Lookup::Hit {
                        output: meta.output,
                        installed: false,
                    });
                }
                let _ = std::fs::remove_dir_all(&dir);
                None
            }
        }
    }
}

impl Cache {
    /// Whether each action would run if the plan were built now, without
    /// running or touching anything (`list`'s `Stale`): `None` when its
    /// entry is in the cache, else why not (`DirtyReason`'s words, or
    /// `stale dependency: P` as the go command says it). Actions are
    /// looked at in plan order, so dependencies come first.
    ///
    /// `None` for the whole answer when the store is off.
    pub fn probe(store: &Store, tc: &Toolchain, plan: &Plan) -> Option<Vec<Option<String>>> {
        Cache::probe_entries(store, tc, plan).map(|(reasons, _)| reasons)
    }

    /// `probe`, with each action's entry directory where the cache holds
    /// one (`None` for a stale action); the entry's files are named by
    /// their role (`export`, `object`, …). `list -export` reads it.
    pub fn probe_entries(store: &Store, tc: &Toolchain, plan: &Plan) -> Option<Probed> {
        let mut c = Cache::open(store, tc, plan, &Options::default()).ok()??;
        let mut out: Vec<Option<String>> = Vec::with_capacity(plan.actions.len());
        let mut dirs: Vec<Option<PathBuf>> = Vec::with_capacity(plan.actions.len());
        for i in plan.ids() {
            if let Some(d) = plan[i].deps.iter().find(|d| out[d.index()].is_some()) {
                out.push(Some(format!("stale dependency: {}", plan[*d].label)));
                dirs.push(None);
                continue;
            }
            let Ok(inputs) = c.inputs(plan, i) else {
                out.push(Some(DirtyReason::NothingObvious.to_string()));
                dirs.push(None);
                continue;
            };
            let key = inputs.key();
            match entry::read_meta(&c.entry_dir(&key)) {
                Some(meta) => {
                    c.state[i.index()].export = meta.sha_of(Role::Export).map(String::from);
                    dirs.push(Some(c.entry_dir(&key)));
                    c.state[i.index()].key = Some(key);
                    out.push(None);
                }
                None => {
                    out.push(Some(inputs.explain(&c.history(&inputs.label)).to_string()));
                    dirs.push(None);
                }
            }
        }
        Some((out, dirs))
    }
}

/// What `Cache::probe_entries` finds, per action: why it is stale (`None`
/// when cached), and its entry directory when cached.
pub type Probed = (Vec<Option<String>>, Vec<Option<PathBuf>>);

impl CacheHook for Cache {
    fn lookup(&mut self, plan: &Plan, i: ActionId) -> Result<Lookup> {
        let reason = if self.state[i.index()].trimmed {
            DirtyReason::EntryTrimmed
        } else if self.state[i.index()].corrupt {
            DirtyReason::CorruptEntry
        } else {
            let inputs = self.inputs(plan, i)?;
            let key = inputs.key();
            self.state[i.index()].key = Some(key.clone());
            if !self.rebuild_all
                && let Some(hit) = self.hit(plan, i, &key)
            {
                self.record.local += 1;
                return Ok(hit);
            }
            if !self.rebuild_all
                && self.fetch(plan, i, &key)
                && let Some(hit) = self.hit(plan, i, &key)
            {
                self.record.remote += 1;
                self.stored += 1;
                return Ok(hit);
            }
            let reason = if self.rebuild_all {
                DirtyReason::RebuildAll
            } else if self.explain {
                inputs.explain(&self.history(&inputs.label))
            } else {
                DirtyReason::NothingObvious
            };
            self.state[i.index()].inputs = Some(inputs);
            reason
        };
        // A miss: a compile reads its dependencies' export data, a link
        // their objects, so what they restored lazily must be in $WORK now.
        let damaged = self.materialize(plan, &plan[i].deps);
        if !damaged.is_empty() {
            let (trimmed, rebuild) = damaged
                .into_iter()
                .partition(|j| self.state[j.index()].trimmed);
            return Ok(Lookup::Corrupt { rebuild, trimmed });
        }
        self.state[i.index()].started = Some(std::time::Instant::now());
        self.record.ran += 1;
        Ok(Lookup::Miss { reason })
    }

    fn store(&mut self, plan: &Plan, i: ActionId, output: &str) -> Result<()> {
        let a = &plan[i];
        let st = &mut self.state[i.index()];
        let Some(key) = st.key.clone() else {
            bail!("internal: {} stored without a lookup", a.label)
        };
        if let Some(gox) = a.output(Role::Export) {
            let got = hash_file(gox)?;
            // A rebuilt damaged entry must give the export data its key
            // promised, or its dependents' keys (already computed) are wrong.
            if st.corrupt && st.export.as_ref().is_some_and(|want| *want != got) {
                bail!(
                    "cache entry of {} was corrupted and its rebuild gave other export data; \
                     run the build again",
                    a.label
                );
            }
            st.export = Some(got);
        }
        st.corrupt = false;
        st.trimmed = false;
        let inputs = st.inputs.take();
        let wall_ms = st
            .started
            .take()
            .map(|t| u64::try_from(t.elapsed().as_millis()).unwrap_or(u64::MAX));
        let dest = self.entry_dir(&key);
        entry::write(
            &dest,
            &self.root.join("tmp"),
            &a.label,
            &a.outputs,
            output,
            wall_ms,
        )?;
        self.stored += 1;
        if let Some(r) = &self.remote {
            r.push(&key, &dest);
        }
        if let Some(inputs) = inputs {
            let mut history = self.history(&a.label);
            history.retain(|h| h.key() != key);
            history.insert(0, inputs);
            history.truncate(HISTORY);
            crate::store::atomic_write(
                &self.index_path(&a.label),
                &serde_json::to_vec(&history)?,
                &self.root.join("tmp"),
            )?;
        }
        Ok(())
    }

    fn installed(&mut self, plan: &Plan, i: ActionId) {
        if let (Some(out), Some(key)) = (plan[i].installs(), &self.state[i.index()].key) {
            self.store.record_install(out, key);
        }
    }

    fn take_warnings(&mut self) -> Vec<String> {
        self.remote
            .as_ref()
            .and_then(|r| r.take_warning())
            .into_iter()
            .collect()
    }

    fn finish(&mut self) {
        if let Some(r) = &mut self.remote {
            self.record.pushed = r.finish().pushed;
        }
        self.record.time = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        trim::record_build(&self.root, &self.record);
        if let Some(max) = self.max_size
            && self.stored > 0
            && trim::usage(&self.root).total_bytes > max
        {
            let _ = trim::trim(&self.root, Some(max / 10 * 9), None);
        }
    }
}

impl Cache {
    /// On a local miss: whether the remote cache had the entry of `key`
    /// (now stored locally, checked).
    fn fetch(&mut self, plan: &Plan, i: ActionId, key: &str) -> bool {
        let dest = self.entry_dir(key);
        let tmp = self.root.join("tmp");
        let Some(r) = &mut self.remote else {
            return false;
        };
        let a = &plan[i];
        r.fetch(key, &a.label, &entry::names(&a.outputs), &dest, &tmp)
    }
}
