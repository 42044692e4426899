//! Remote execution of the plan's actions over the Remote Execution API
//! (`-remote-exec grpc://HOST:PORT[/INSTANCE]`): an action's steps become
//! one REAPI Action, its files an input root, its outputs are fetched by
//! digest, checked and installed in `$WORK` as if the steps had run here.
//!
//! The Action (what the ActionCache is keyed by):
//! - Command: `/bin/sh -c SCRIPT`, the script the action's Mkdir and Run
//!   steps make, with every build-local path rewritten relative to the
//!   worker's input root (`$WORK` → `_w/…`, a source file `/a/b.go` →
//!   `_r/a/b.go`), so the script names no path of this machine. The worker's
//!   absolute root (`R=$(pwd -P)`) is what the `-ffile-prefix-map`s map,
//!   so `-trimpath` objects are byte-identical to local ones. Toolchain
//!   paths (`/usr/bin/gccgo`) stay: the platform names the toolchain.
//!   Environment fixed (`PATH`, `LC_ALL=C`); outputs named by role.
//! - Input root: the action's sources (and embedded files), the written
//!   files (`_gomod_.go`, embed configurations), and the dependencies'
//!   export data (compile) or objects (link); each local file hashed once
//!   per build, by the same memo the local cache's keys use
//!   (`store::hash_file`: the scanner's read of a source already hashed
//!   it), and an output fetched from the server remembered with its digest.
//! - Platform: `gccgo-target` (the compiler's `-dumpmachine`) and
//!   `gccgo-compiler` (a hash of the identity the cache keys use), so only
//!   workers with that toolchain take it.
//!
//! ActionCache first (a second builder runs nothing), else upload what CAS
//! lacks, Execute (+ WaitExecution), fetch and verify. Every failure of the
//! remote side falls back to running the steps here, with one warning line
//! a build (`-remote-exec-strict` makes it an error); after a failure that
//! says the server is gone, the rest of the build runs here.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::plan::{ActionId, ActionKind, Plan, Role, Step};
use crate::reapi::{self, Digest, ErrorKind, Source, tree};

/// `-remote-exec` and its companions, as the command line gave them.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The server.
    pub config: reapi::Config,
    /// `-remote-exec-strict`: a remote failure fails the action instead of
    /// running it here.
    pub strict: bool,
    /// `-remote-link`: links run remotely too.
    pub link: bool,
    /// `-remote-jobs N`: remote actions in flight, apart from `-j`.
    pub jobs: usize,
    /// `-j`: how many fallen-back actions may run here at once.
    pub local_jobs: usize,
}

/// How long a remote action may take when `--timeout` gives no limit.
const DEFAULT_DEADLINE: Duration = Duration::from_secs(3600);

/// One build's connection to the remote executor, shared by the workers.
pub struct Remote {
    client: reapi::Client,
    /// The settings it was made from.
    pub settings: Settings,
    platform: Vec<(String, String)>,
    down: AtomicBool,
    warned: AtomicBool,
    inflight: Arc<Mutex<BTreeSet<String>>>,
    /// Each remote action's wall time and whether it was a cache hit.
    pub timings: Mutex<Vec<(String, Duration, bool)>>,
    /// Free slots for actions that fall back to running here.
    fallback: (Mutex<usize>, std::sync::Condvar),
}

impl std::fmt::Debug for Remote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Remote")
            .field("url", &self.client.url())
            .finish()
    }
}

/// An action's steps and files, owned, for a worker thread.
#[derive(Debug, Clone)]
pub struct Job {
    label: String,
    steps: Vec<Step>,
    inputs: Vec<PathBuf>,
    outputs: Vec<PathBuf>,
    dep_files: Vec<PathBuf>,
    work: PathBuf,
}

/// Why the remote side did not produce the action's outputs.
enum Failure {
    /// The server, the network or a worker failed (fall back, warn).
    Remote(reapi::Error),
    /// The command itself exited non-zero there (fall back, quietly: the
    /// local run shows the real error, or shows the worker was wrong).
    Command(String),
}

impl Remote {
    /// Connects (lazily) to `settings.config` for a toolchain whose
    /// `-dumpmachine` is `target` and whose identity hashes to `compiler`.
    /// Cancels the build's remote operations when it is interrupted.
    ///
    /// Errors: unreadable credential files or TLS settings.
    pub fn new(settings: Settings, target: &str, compiler: &str) -> anyhow::Result<Arc<Remote>> {
        let client = reapi::Client::new(settings.config.clone())?;
        let settings_local_jobs = settings.local_jobs.max(1);
        let r = Arc::new(Remote {
            client,
            settings,
            platform: vec![
                ("gccgo-target".into(), target.into()),
                ("gccgo-compiler".into(), compiler.into()),
            ],
            down: AtomicBool::new(false),
            warned: AtomicBool::new(false),
            inflight: Arc::new(Mutex::new(BTreeSet::new())),
            timings: Mutex::new(Vec::new()),
            fallback: (Mutex::new(settings_local_jobs), std::sync::Condvar::new()),
        });
        let weak = Arc::downgrade(&r);
        crate::cleanup::on_exit(Box::new(move || {
            if let Some(r) = weak.upgrade() {
                let names: Vec<String> = lock(&r.inflight).iter().cloned().collect();
                for n in names {
                    r.client.cancel(&n);
                }
            }
        }));
        Ok(r)
    }

    /// `new` for toolchain `tc`: its `-dumpmachine` and a hash of the
    /// identity the cache keys use (`toolchain::CompilerId`).
    ///
    /// Errors: as `new`.
    pub fn for_toolchain(
        settings: Settings,
        tc: &crate::toolchain::Toolchain,
    ) -> anyhow::Result<Arc<Remote>> {
        let id = serde_json::to_vec(&tc.identity).unwrap_or_default();
        let hash = Digest::of(&id).hash;
        Remote::new(settings, &tc.identity.machine, &hash[..16])
    }

    /// `N actions ran remotely (M from the action cache), L here`, for -x and -v.
    pub fn summary_line(&self, ran: usize) -> String {
        let t = lock(&self.timings);
        let hits = t.iter().filter(|(_, _, c)| *c).count();
        let mut ms: Vec<u128> = t.iter().map(|(_, d, _)| d.as_millis()).collect();
        ms.sort_unstable();
        let at = |q: usize| ms.get((ms.len() * q / 100).min(ms.len().saturating_sub(1)));
        let times = match (at(50), at(90)) {
            (Some(m), Some(p)) => format!("; each took {m} ms (median), {p} ms (p90)"),
            _ => String::new(),
        };
        format!(
            "remote execution on {}: {} actions ran remotely ({hits} from the action cache), {} here{times}",
            self.client.url(),
            t.len(),
            ran.saturating_sub(t.len())
        )
    }

    /// Runs `local` once one of the fallback slots (as many as `-j`) is
    /// free, so that remote slots falling back at once (a server down at
    /// start) do not run `-remote-jobs` compilers here.
    fn locally<T>(&self, local: impl FnOnce() -> T) -> T {
        let (m, cv) = &self.fallback;
        let mut free = lock(m);
        while *free == 0 {
            free = cv.wait(free).unwrap_or_else(|e| e.into_inner());
        }
        *free -= 1;
        drop(free);
        let out = local();
        *lock(m) += 1;
        cv.notify_one();
        out
    }

    /// The platform properties, as `key=value` words (for `-x`).
    pub fn platform_line(&self) -> String {
        let p: Vec<String> = self
            .platform
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        p.join(" ")
    }

    /// Whether action `i` goes to the server: compiles always, links with
    /// `-remote-link`; nothing once the server has failed this build.
    pub fn takes(&self, plan: &Plan, i: ActionId) -> bool {
        if self.down.load(Ordering::Relaxed) && !self.settings.strict {
            return false;
        }
        match plan[i].kind {
            ActionKind::Compile { .. } => true,
            ActionKind::Link { .. } => self.settings.link,
        }
    }

    /// The job of action `i`: its steps and files, and its dependencies'
    /// outputs (export data for a compile, objects for a link).
    pub fn job(plan: &Plan, i: ActionId) -> Job {
        let a = &plan[i];
        let link = matches!(a.kind, ActionKind::Link { .. });
        let mut seen = BTreeSet::new();
        let mut stack = a.deps.clone();
        let mut dep_files = Vec::new();
        while let Some(d) = stack.pop() {
            if !seen.insert(d) {
                continue;
            }
            for o in &plan[d].outputs {
                let want = if link {
                    matches!(o.role, Role::Object | Role::Extra)
                } else {
                    o.role == Role::Export
                };
                if want {
                    dep_files.push(o.path.clone());
                }
            }
            stack.extend(plan[d].deps.iter().copied());
        }
        Job {
            label: a.label.clone(),
            steps: a.steps.clone(),
            inputs: a.inputs.clone(),
            outputs: a.outputs.iter().map(|o| o.path.clone()).collect(),
            dep_files,
            work: plan.work.clone(),
        }
    }

    /// Runs `job` remotely; on a remote failure, runs `local` (the steps
    /// here) unless strict. Returns what the commands printed, the result,
    /// and a warning to show (at most one a build).
    pub fn run(
        &self,
        job: &Job,
        timeout: Option<Duration>,
        fail_when: &[(String, String)],
        local: impl FnOnce() -> (String, Result<(), String>),
    ) -> (String, Result<(), String>, Option<String>) {
        let started = Instant::now();
        match self.execute(job, timeout) {
            Ok((output, cached)) => {
                lock(&self.timings).push((job.label.clone(), started.elapsed(), cached));
                // The plan's fatal tool output counts wherever the tool ran.
                if let Some((_, why)) = fail_when.iter().find(|(p, _)| output.contains(p.as_str()))
                {
                    return (output, Err(why.clone()), None);
                }
                let install: Vec<Step> = job
                    .steps
                    .iter()
                    .filter(|s| matches!(s, Step::Install { .. }))
                    .cloned()
                    .collect();
                let (more, r) = super::run_steps(&install, &[], timeout, &job.work);
                (output + &more, r, None)
            }
            Err(Failure::Command(out)) => {
                if self.settings.strict {
                    return (
                        out,
                        Err(format!("{}: failed on the remote worker", job.label)),
                        None,
                    );
                }
                let (o, r) = self.locally(local);
                let warn = r.is_ok().then(|| {
                    format!(
                        "{}: failed on the remote worker but built here; check the workers' toolchain",
                        job.label
                    )
                });
                (o, r, warn)
            }
            Err(Failure::Remote(e)) => self.fall_back(job, &e, local),
        }
    }

    fn fall_back(
        &self,
        job: &Job,
        e: &reapi::Error,
        local: impl FnOnce() -> (String, Result<(), String>),
    ) -> (String, Result<(), String>, Option<String>) {
        let why = match e.kind {
            // The token itself is never printed: only where it came from.
            ErrorKind::Credentials => format!(
                "remote execution on {}: the server refused the credentials ({}); check the \
                 bearer token in the file GCCGO_BUILD_REMOTE_EXEC_TOKEN_FILE names",
                self.client.url(),
                e.message
            ),
            _ => match self.client.tls_hint(e) {
                Some(hint) => format!(
                    "remote execution on {}: {} ({hint})",
                    self.client.url(),
                    e.message
                ),
                None => format!("remote execution on {}: {}", self.client.url(), e.message),
            },
        };
        if self.settings.strict {
            return (
                String::new(),
                Err(format!("{}: {why} (-remote-exec-strict)", job.label)),
                None,
            );
        }
        if matches!(
            e.kind,
            ErrorKind::Unreachable | ErrorKind::Credentials | ErrorKind::Timeout
        ) {
            self.down.store(true, Ordering::Relaxed);
        }
        let first = !self.warned.swap(true, Ordering::Relaxed);
        let warn = first.then(|| format!("{why}; building here instead"));
        let (o, r) = self.locally(local);
        (o, r, warn)
    }

    /// The remote run: ActionCache, else upload and Execute; then fetch,
    /// verify and write the outputs. Returns the commands' output and
    /// whether it came from the cache.
    fn execute(&self, job: &Job, timeout: Option<Duration>) -> Result<(String, bool), Failure> {
        let spec = self.spec(job, timeout).map_err(Failure::Remote)?;
        let (action, blobs) = self.client.action(&spec);
        let cached = self
            .client
            .get_action_result(&action)
            .map_err(Failure::Remote)?;
        let (result, hit) = match cached.filter(|r| r.exit_code == 0) {
            Some(r) => (r, true),
            None => {
                let mut all = spec.root.1.clone();
                all.extend(blobs);
                self.client.upload_missing(&all).map_err(Failure::Remote)?;
                let deadline = timeout.unwrap_or(DEFAULT_DEADLINE) + Duration::from_secs(5);
                let inflight = self.inflight.clone();
                let named = Arc::new(Mutex::new(None::<String>));
                let n2 = named.clone();
                let out = self.client.execute(&action, deadline, move |name| {
                    lock(&inflight).insert(name.to_string());
                    *lock(&n2) = Some(name.to_string());
                });
                if let Some(n) = lock(&named).take() {
                    lock(&self.inflight).remove(&n);
                    if matches!(&out, Err(e) if e.kind == ErrorKind::Timeout) {
                        self.client.cancel(&n);
                    }
                }
                let o = out.map_err(Failure::Remote)?;
                (o.result, o.cached)
            }
        };
        let output = self.text(&result).map_err(Failure::Remote)?;
        if result.exit_code != 0 {
            return Err(Failure::Command(output));
        }
        self.install(job, &result).map_err(Failure::Remote)?;
        Ok((output, hit))
    }

    /// What the command printed (stdout, then stderr).
    fn text(&self, r: &reapi::ActionResult) -> Result<String, reapi::Error> {
        let mut s = String::new();
        for (raw, d) in [
            (&r.stdout_raw, r.stdout_digest.as_ref()),
            (&r.stderr_raw, r.stderr_digest.as_ref()),
        ] {
            if !raw.is_empty() {
                s.push_str(&String::from_utf8_lossy(raw));
            } else if let Some(d) = Digest::from_proto(d) {
                s.push_str(&String::from_utf8_lossy(&self.client.read_blob(&d)?));
            }
        }
        Ok(s)
    }

    /// Fetches each output the job names, checks its digest, and writes it
    /// at its place in `$WORK` (a temporary file, then a rename).
    fn install(&self, job: &Job, r: &reapi::ActionResult) -> Result<(), reapi::Error> {
        for out in &job.outputs {
            let rel = self.rel(job, out).unwrap_or_default();
            let Some(f) = r.output_files.iter().find(|f| f.path == rel) else {
                return Err(reapi::Error {
                    kind: ErrorKind::Mismatch,
                    message: format!("the worker did not return {rel}"),
                });
            };
            let Some(d) = Digest::from_proto(f.digest.as_ref()) else {
                return Err(reapi::Error {
                    kind: ErrorKind::Mismatch,
                    message: format!("the worker returned {rel} without a digest"),
                });
            };
            let data = if !f.contents.is_empty() && Digest::of(&f.contents) == d {
                f.contents.clone()
            } else {
                self.client.read_blob(&d)?
            };
            write_file(out, &data, f.is_executable).map_err(|e| reapi::Error {
                kind: ErrorKind::Rejected,
                message: format!("writing {}: {}", out.display(), crate::words::io_error(&e)),
            })?;
            self.remember(out, d);
        }
        Ok(())
    }

    /// Tells the local cache's hashing (`store::hash_file`) what an output
    /// fetched from the server hashes to, so neither the cache storing it
    /// nor a later action's input root reads it again to hash it.
    fn remember(&self, path: &Path, d: Digest) {
        crate::store::remember_hash(path, &d.hash);
    }

    /// The digest of a local file. The sha256 is the one the local cache's
    /// keys use (`store::hash_file`, remembered per file identity for the
    /// whole build): a source the scanner read, or an output the cache
    /// stored, is not read again, and nothing is hashed twice.
    fn digest(&self, path: &Path) -> Result<Digest, reapi::Error> {
        let md = std::fs::metadata(path).map_err(|e| reapi::Error {
            kind: ErrorKind::Rejected,
            message: format!("reading {}: {}", path.display(), crate::words::io_error(&e)),
        })?;
        let hash = crate::store::hash_file(path).map_err(|e| reapi::Error {
            kind: ErrorKind::Rejected,
            message: format!("{e:#}"),
        })?;
        Ok(Digest {
            hash,
            size: md.len(),
        })
    }

    /// Where `p` lives in the input root, if it is a build-local path.
    fn rel(&self, job: &Job, p: &Path) -> Option<String> {
        rel_path(&job.work, p)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// `$WORK/x` → `_w/x`; another absolute path `/a/b` → `_r/a/b`.
fn rel_path(work: &Path, p: &Path) -> Option<String> {
    if let Ok(r) = p.strip_prefix(work) {
        let r = r.to_string_lossy();
        return Some(if r.is_empty() {
            "_w".to_string()
        } else {
            format!("_w/{r}")
        });
    }
    let s = p.to_string_lossy();
    s.strip_prefix('/').map(|r| format!("_r/{r}"))
}

fn write_file(path: &Path, data: &[u8], executable: bool) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = tempfile::NamedTempFile::new_in(dir)?;
    std::fs::write(tmp.path(), data)?;
    let mode = if executable { 0o755 } else { 0o644 };
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(mode))?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

mod request;
mod script;
pub use request::{DEFAULT_JOBS, Request};
use script::Script;

impl Remote {
    /// The REAPI description of `job`: the script, the input root, the outputs.
    fn spec(&self, job: &Job, timeout: Option<Duration>) -> Result<reapi::Spec, reapi::Error> {
        let mut root = tree::Builder::default();
        let mut local_dirs = BTreeSet::new();
        for p in &job.inputs {
            let rel = self.rel(job, p).unwrap_or_default();
            root.file(&rel, Source::File(p.clone(), self.digest(p)?), false);
            if let Some(d) = p.parent() {
                local_dirs.insert(d.to_path_buf());
            }
        }
        for p in &job.dep_files {
            let rel = self.rel(job, p).unwrap_or_default();
            root.file(&rel, Source::File(p.clone(), self.digest(p)?), false);
        }
        let mut script = Script::new(&job.work, local_dirs);
        for st in &job.steps {
            match st {
                Step::Write { path, contents } => {
                    let rel = self.rel(job, path).unwrap_or_default();
                    root.file(&rel, Source::Bytes(contents.clone().into_bytes()), false);
                }
                Step::Mkdir(d) => script.mkdir(d),
                Step::Run(cmd) => script.run(cmd),
                Step::Install { .. } => {}
            }
        }
        let outputs = job
            .outputs
            .iter()
            .filter_map(|o| self.rel(job, o))
            .collect();
        Ok(reapi::Spec {
            arguments: vec!["/bin/sh".into(), "-c".into(), script.finish()],
            env: vec![
                ("PATH".into(), "/usr/local/bin:/usr/bin:/bin".into()),
                ("LC_ALL".into(), "C".into()),
            ],
            outputs,
            platform: self.platform.clone(),
            root: root.finish(),
            timeout,
        })
    }
}
