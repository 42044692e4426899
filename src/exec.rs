//! Exec: run a plan's actions in parallel. Each action counts its
//! unfinished dependencies and becomes ready at zero; among ready actions,
//! the one with the longest remaining path to the end of the build runs
//! first. One main thread owns all state and all printing; each running
//! action has a worker thread that sends its result back over a channel.
//!
//! A failure lets the running actions finish, then the build stops (or,
//! with keep-going, only the dependents of the failed action are skipped).
//! Exec never decides what to build: the plan says, and the cache hook
//! (when given) says whether an action's outputs can be restored instead,
//! or that a dependency's damaged entry must be rebuilt first (that
//! dependency then runs again like any other action: timeout, `-x` line,
//! job slot).

use std::collections::{BTreeSet, BinaryHeap};
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context as _, Result};

use crate::cache::{CacheHook, Lookup};
use crate::plan::{ActionId, Plan, Step};
use crate::process::RunError;
use crate::progress::Progress;

pub mod remote;

/// How to run the plan.
#[derive(Debug, Clone)]
pub struct Options {
    /// Parallel jobs (≥ 1).
    pub jobs: usize,
    /// Print each command before running it (`-x`).
    pub print_commands: bool,
    /// Name packages as they compile (`-v`).
    pub verbose: bool,
    /// Keep going after a failure where the graph allows (`-k`).
    pub keep_going: bool,
    /// Kill a command that runs longer than this; `None` waits forever.
    pub timeout: Option<Duration>,
    /// A GNU make jobserver to take job slots from (beyond our implicit one).
    pub jobserver: Option<jobserver::Client>,
    /// `-remote-exec`: the remote executor, with its own slots (`-remote-jobs`).
    pub remote: Option<std::sync::Arc<remote::Remote>>,
}

/// The result of a build.
#[derive(Debug, Default)]
pub struct Summary {
    /// Actions whose commands ran (a damaged entry's rebuild counts too).
    pub ran: usize,
    /// Actions restored from the cache.
    pub cached: usize,
    /// Labels of the actions that failed.
    pub failed: Vec<String>,
    /// Actions skipped because a dependency failed.
    pub skipped: usize,
    /// Actions that succeeded (ran or restored), for `-k`: the commands
    /// that did build keep their outputs.
    pub succeeded: BTreeSet<ActionId>,
}

enum Msg {
    Done {
        action: ActionId,
        output: String,
        result: Result<(), String>,
        /// One line to warn with (the remote executor's fallback).
        warning: Option<String>,
    },
    /// A job slot from make's jobserver (or the error acquiring it).
    Token(std::io::Result<jobserver::Acquired>),
}

/// Priority of a ready action: longer remaining path first, then plan order.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Ready(usize, std::cmp::Reverse<ActionId>);

/// Scheduling state, indexed by action: each action counts its unfinished
/// dependencies and is queued at zero (samurai's scheme).
struct Queue {
    dependents: Vec<Vec<ActionId>>,
    waiting: Vec<usize>,
    /// Longest path (in actions) from each action to the end of the build.
    height: Vec<usize>,
    /// Skipped because a dependency failed.
    dead: Vec<bool>,
    /// Finished well once already (so a re-run releases only its `rewaiters`).
    finished: Vec<bool>,
    /// Actions waiting again for this one, run again because its cache
    /// entry was damaged.
    rewaiters: Vec<Vec<ActionId>>,
    ready: BinaryHeap<Ready>,
    /// A failure without keep-going: no new action starts.
    stopped: bool,
}

impl Queue {
    fn new(plan: &Plan) -> Queue {
        let n = plan.actions.len();
        let mut dependents: Vec<Vec<ActionId>> = vec![Vec::new(); n];
        let mut waiting: Vec<usize> = vec![0; n];
        for i in plan.ids() {
            waiting[i.index()] = plan[i].deps.len();
            for &d in &plan[i].deps {
                dependents[d.index()].push(i);
            }
        }
        let mut height = vec![1usize; n];
        for i in (0..n).rev() {
            for &d in &dependents[i] {
                height[i] = height[i].max(height[d.index()] + 1);
            }
        }
        let ready = plan
            .ids()
            .filter(|i| waiting[i.index()] == 0)
            .map(|i| Ready(height[i.index()], std::cmp::Reverse(i)))
            .collect();
        Queue {
            dependents,
            waiting,
            height,
            dead: vec![false; n],
            finished: vec![false; n],
            rewaiters: vec![Vec::new(); n],
            ready,
            stopped: false,
        }
    }

    fn pop(&mut self) -> Option<ActionId> {
        self.ready.pop().map(|Ready(_, std::cmp::Reverse(i))| i)
    }

    fn push(&mut self, i: ActionId) {
        self.ready
            .push(Ready(self.height[i.index()], std::cmp::Reverse(i)));
    }

    /// `i` finished well: the actions waiting for it that wait for nothing
    /// else are ready (after a re-run, only those that waited again).
    fn succeeded(&mut self, i: ActionId) {
        let released = if self.finished[i.index()] {
            std::mem::take(&mut self.rewaiters[i.index()])
        } else {
            self.dependents[i.index()].clone()
        };
        self.finished[i.index()] = true;
        for d in released {
            self.waiting[d.index()] -= 1;
            if self.waiting[d.index()] == 0 && !self.dead[d.index()] {
                self.push(d);
            }
        }
    }

    /// Whether `i` already finished once, so that it runs now because its
    /// cache entry turned out damaged (nothing else runs an action twice).
    fn is_rerun(&self, i: ActionId) -> bool {
        self.finished[i.index()]
    }

    /// `waiter` must wait again for `again`, which runs once more.
    fn run_again(&mut self, again: ActionId, waiter: ActionId) {
        self.waiting[waiter.index()] += 1;
        if self.rewaiters[again.index()].is_empty() {
            self.push(again);
        }
        self.rewaiters[again.index()].push(waiter);
    }

    /// `i` failed: everything that depends on it, directly or not, is
    /// skipped. Returns how many actions that newly skips.
    fn failed(&mut self, i: ActionId) -> usize {
        let mut skipped = 0;
        let mut stack = self.dependents[i.index()].clone();
        stack.extend(std::mem::take(&mut self.rewaiters[i.index()]));
        while let Some(d) = stack.pop() {
            // One that finished already (a hit before a dependency's damaged
            // entry was found) keeps its result.
            if !self.dead[d.index()] && !self.finished[d.index()] {
                self.dead[d.index()] = true;
                skipped += 1;
                stack.extend(self.dependents[d.index()].iter().copied());
            }
        }
        skipped
    }
}

/// Runs every action of `plan`.
///
/// Returns the summary; compiler diagnostics and failures are printed
/// through `progress` as they happen. Errors only on internal failures
/// (a worker thread or the jobserver helper that could not be started).
pub fn run<'a>(
    plan: &'a Plan,
    opts: &'a Options,
    progress: &'a mut dyn Progress,
    cache: Option<&'a mut dyn CacheHook>,
) -> Result<Summary> {
    let (tx, rx) = mpsc::channel::<Msg>();
    // Under make, each job beyond the first needs a token from the jobserver
    // (our process holds one implicitly), so `make -j` is not oversubscribed.
    let helper = match &opts.jobserver {
        Some(client) => {
            let tx = tx.clone();
            Some(
                client
                    .clone()
                    .into_helper_thread(move |tok| {
                        let _ = tx.send(Msg::Token(tok));
                    })
                    .context("starting the jobserver helper thread")?,
            )
        }
        None => None,
    };
    let mut s = Scheduler {
        plan,
        opts,
        progress,
        cache,
        q: Queue::new(plan),
        sum: Summary::default(),
        tx,
        running: 0,
        helper,
        slots_held: Vec::new(),
        requested: 0,
        quiet_rerun: BTreeSet::new(),
        remote_running: BTreeSet::new(),
    };
    s.progress.start(plan.actions.len());
    if let Some(r) = opts.remote.as_ref().filter(|_| opts.print_commands) {
        s.progress.command(&format!(
            "# remote execution on {}: {}",
            r.settings.config.url(),
            r.platform_line()
        ));
    }
    loop {
        s.start_ready()?;
        if s.running == 0 {
            break;
        }
        match rx.recv() {
            Ok(Msg::Done {
                action,
                output,
                result,
                warning,
            }) => {
                if let Some(w) = warning {
                    s.progress.warn(&w);
                }
                s.finished(action, output, result)
            }
            Ok(Msg::Token(t)) => s.token(t),
            Err(_) => break,
        }
    }
    if let Some(c) = s.cache.as_deref_mut() {
        c.finish();
    }
    s.cache_warnings();
    s.progress.finish();
    Ok(s.sum)
}

/// The scheduler of one build: the main thread's state. Workers only run
/// steps and send back `Msg::Done`.
struct Scheduler<'a> {
    plan: &'a Plan,
    opts: &'a Options,
    progress: &'a mut dyn Progress,
    cache: Option<&'a mut dyn CacheHook>,
    q: Queue,
    sum: Summary,
    tx: mpsc::Sender<Msg>,
    running: usize,
    helper: Option<jobserver::HelperThread>,
    slots_held: Vec<jobserver::Acquired>,
    requested: usize,
    /// Actions run again because a concurrent trim removed their entries
    /// (no "corrupted" warning for them).
    quiet_rerun: BTreeSet<ActionId>,
    /// Running actions that went to the remote executor (`running` counts them too).
    remote_running: BTreeSet<ActionId>,
}

impl Scheduler<'_> {
    /// How many actions may run now: `-j`, and under make the job slots
    /// held (asking for more when ready actions wait).
    fn slots(&mut self) -> usize {
        let jobs = self.opts.jobs.max(1);
        let Some(h) = &self.helper else {
            return jobs;
        };
        let want = jobs.min(self.running + self.q.ready.len()).max(1);
        while !self.q.stopped && 1 + self.slots_held.len() + self.requested < want {
            h.request_token();
            self.requested += 1;
        }
        jobs.min(1 + self.slots_held.len())
    }

    /// Starts ready actions while slots allow; hits finish at once.
    fn start_ready(&mut self) -> Result<()> {
        while !self.q.stopped {
            let local_free = self.running - self.remote_running.len() < self.slots();
            let remote_free = (self.opts.remote.as_ref())
                .is_some_and(|r| self.remote_running.len() < r.settings.jobs.max(1));
            if !local_free && !remote_free {
                break;
            }
            let Some(i) = self.q.pop() else {
                break;
            };
            let remote = (self.opts.remote.as_ref()).is_some_and(|r| r.takes(self.plan, i));
            if (remote && !remote_free) || (!remote && !local_free) {
                self.q.push(i);
                break;
            }
            let lookup = match self.cache.as_deref_mut() {
                Some(c) => c.lookup(self.plan, i),
                None => Ok(Lookup::Miss {
                    reason: crate::cache::DirtyReason::NothingObvious,
                }),
            };
            match lookup {
                Ok(Lookup::Hit { output, installed }) => self.hit(i, &output, installed),
                Ok(Lookup::Miss { reason }) => {
                    if self.cache.is_some() {
                        self.progress.explain(&self.plan[i].label, &reason);
                    }
                    self.spawn(i, remote)?;
                }
                Ok(Lookup::Corrupt { rebuild, trimmed }) => {
                    for j in rebuild {
                        self.progress.warn(&format!(
                            "{}: cache entry was corrupted; rebuilding it",
                            self.plan[j].label
                        ));
                        self.q.run_again(j, i);
                    }
                    for j in trimmed {
                        self.quiet_rerun.insert(j);
                        self.q.run_again(j, i);
                    }
                }
                Err(e) => {
                    let text = format!("{}\n", crate::words::error_text(&e));
                    self.fail(i, &text);
                }
            }
            self.cache_warnings();
        }
        Ok(())
    }

    /// Shows what the cache has to say (the remote cache's warning).
    fn cache_warnings(&mut self) {
        if let Some(c) = self.cache.as_deref_mut() {
            for w in c.take_warnings() {
                self.progress.warn(&w);
            }
        }
    }

    /// A cache hit: installs the restored output where the user asked
    /// (unless it is there already) and releases the dependents.
    fn hit(&mut self, i: ActionId, saved: &str, installed: bool) {
        let (plan, a) = (self.plan, &self.plan[i]);
        let installs: Vec<Step> = if installed {
            vec![]
        } else {
            a.steps
                .iter()
                .filter(|s| matches!(s, Step::Install { .. }))
                .cloned()
                .collect()
        };
        if self.opts.print_commands {
            for st in &installs {
                self.progress.command(&st.display(&plan.work));
            }
        }
        if let (_, Err(msg)) = run_steps(&installs, &[], self.opts.timeout, &plan.work) {
            self.fail(i, &format!("{msg}\n"));
            return;
        }
        if let Some(c) = self.cache.as_deref_mut()
            && !installs.is_empty()
        {
            c.installed(plan, i);
        }
        self.sum.cached += 1;
        self.progress.cached(&a.label, saved);
        self.sum.succeeded.insert(i);
        self.q.succeeded(i);
    }

    /// Runs action `i`'s steps on a worker thread (`remote`: through the
    /// remote executor, which falls back to running them here).
    fn spawn(&mut self, i: ActionId, remote: bool) -> Result<()> {
        let a = &self.plan[i];
        self.progress.begin(&a.label, self.opts.verbose);
        if self.opts.print_commands {
            let mark = if remote { "# remote: " } else { "" };
            for st in &a.steps {
                let line = st.display(&self.plan.work);
                self.progress.command(&format!("{mark}{line}"));
            }
        }
        let steps = a.steps.clone();
        let fail_when = a.fail_when.clone();
        let work = self.plan.work.clone();
        let timeout = self.opts.timeout;
        let tx = self.tx.clone();
        let job = (self.opts.remote.clone())
            .filter(|_| remote)
            .map(|r| (r, remote::Remote::job(self.plan, i)));
        std::thread::Builder::new()
            .name(format!("job-{}", i.index()))
            .spawn(move || {
                let local = || run_steps(&steps, &fail_when, timeout, &work);
                let (output, result, warning) = match &job {
                    Some((r, job)) => r.run(job, timeout, &fail_when, local),
                    None => {
                        let (o, r) = local();
                        (o, r, None)
                    }
                };
                let _ = tx.send(Msg::Done {
                    action: i,
                    output,
                    result,
                    warning,
                });
            })
            .context("starting a worker thread")?;
        self.running += 1;
        if remote {
            self.remote_running.insert(i);
        }
        Ok(())
    }

    /// A worker finished action `i`: store it in the cache, report it, and
    /// release its dependents; or record the failure.
    fn finished(&mut self, i: ActionId, output: String, result: Result<(), String>) {
        self.running -= 1;
        self.remote_running.remove(&i);
        // Give back the slots we no longer need.
        while self.slots_held.len() > self.running {
            self.slots_held.pop();
        }
        let (plan, a) = (self.plan, &self.plan[i]);
        if let Err(msg) = result {
            self.fail(i, &(output + &msg));
            return;
        }
        self.sum.ran += 1;
        if let Some(c) = self.cache.as_deref_mut() {
            if let Err(e) = c.store(plan, i, &output) {
                let why = crate::words::error_text(&e);
                if self.q.is_rerun(i) {
                    self.fail(i, &format!("{output}{why}\n"));
                    return;
                }
                self.progress
                    .warn(&format!("{}: not cached: {why}", a.label));
            }
            if a.installs().is_some() {
                c.installed(plan, i);
            }
        }
        if self.q.is_rerun(i) && !self.quiet_rerun.remove(&i) {
            self.progress.warn(&format!(
                "{}: cache entry was corrupted; rebuilt it",
                a.label
            ));
        }
        self.cache_warnings();
        self.progress.done(&a.label, &output);
        self.sum.succeeded.insert(i);
        self.q.succeeded(i);
    }

    /// A job slot arrived from make's jobserver (or failed to).
    fn token(&mut self, t: std::io::Result<jobserver::Acquired>) {
        self.requested = self.requested.saturating_sub(1);
        match t {
            Ok(t) => self.slots_held.push(t),
            Err(e) => self.progress.warn(&format!("jobserver: {e}")),
        }
    }

    /// Records a failed action: reports it, skips its dependents, and stops
    /// the build unless keep-going.
    fn fail(&mut self, i: ActionId, text: &str) {
        let label = &self.plan[i].label;
        // A known cause with a known fix gets one more line (`hint`).
        let hinted = crate::hint::for_output(text).map(|h| {
            let sep = if text.ends_with('\n') { "" } else { "\n" };
            format!("{text}{sep}gccgo-build: hint: {h}\n")
        });
        self.progress
            .failed(label, hinted.as_deref().unwrap_or(text));
        self.sum.failed.push(label.clone());
        self.sum.succeeded.remove(&i);
        self.sum.skipped += self.q.failed(i);
        self.q.stopped |= !self.opts.keep_going;
    }
}

/// Runs an action's steps in order on a worker thread. Returns what the
/// commands printed and, on failure, a one-line reason. Output matching one
/// of `fail_when` (the plan's fatal tool output) fails the action at once,
/// before any later step installs a result at the user's OUT.
pub(crate) fn run_steps(
    steps: &[Step],
    fail_when: &[(String, String)],
    timeout: Option<std::time::Duration>,
    work: &Path,
) -> (String, Result<(), String>) {
    // The plan names output that turns success into failure.
    let fatal = |output: &str| {
        fail_when
            .iter()
            .find(|(pat, _)| output.contains(pat.as_str()))
            .map(|(_, why)| why.clone())
    };
    let mut output = String::new();
    for st in steps {
        if let Some(why) = fatal(&output) {
            return (output, Err(why));
        }
        match st {
            Step::Mkdir(d) => {
                if let Err(e) = std::fs::create_dir_all(d) {
                    let why = crate::words::io_error(&e);
                    return (output, Err(format!("creating {}: {why}", d.display())));
                }
            }
            Step::Run(cmd) => match cmd.run(timeout) {
                Ok(o) => output.push_str(&o.combined()),
                Err(e) => {
                    if let Some(o) = e.output() {
                        output.push_str(&o.combined());
                    }
                    let why = match &e {
                        RunError::Spawn { err, .. } => {
                            format!("cannot run {}: {err}", cmd.display_with_work(Some(work)))
                        }
                        RunError::Failed { status, .. } => {
                            format!("{}: {status}", cmd.display_with_work(Some(work)))
                        }
                        RunError::TimedOut { after, .. } => format!(
                            "{}: still running after {}, so it was killed with its \
                             subprocesses (--timeout; 0 means no limit)",
                            cmd.display_with_work(Some(work)),
                            crate::process::human_duration(*after)
                        ),
                    };
                    return (output, Err(why));
                }
            },
            Step::Install { from, to } => {
                if let Err(e) = install(from, to) {
                    return (output, Err(crate::words::error_text(&e)));
                }
            }
            Step::Write { path, contents } => {
                if let Err(e) = std::fs::write(path, contents) {
                    let why = crate::words::io_error(&e);
                    return (output, Err(format!("writing {}: {why}", path.display())));
                }
            }
        }
    }
    match fatal(&output) {
        Some(why) => (output, Err(why)),
        None => (output, Ok(())),
    }
}

/// Copies `from` to `to` atomically: a temporary file in `to`'s directory,
/// then a rename, so `to` is never half-written.
pub fn install(from: &Path, to: &Path) -> Result<()> {
    // `-o /dev/null` (or another device or fifo): written through, as the
    // go command does, never replaced by a regular file.
    if let Ok(md) = std::fs::metadata(to)
        && !md.is_file()
        && !md.is_dir()
    {
        std::fs::copy(from, to).with_context(|| format!("writing {}", to.display()))?;
        return Ok(());
    }
    let dir = match to.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let tmp = tempfile::Builder::new()
        .prefix(".gccgo-build-")
        .tempfile_in(dir)
        .with_context(|| format!("creating a temporary file in {}", dir.display()))?;
    // The cache stores the same file next, and the build record hashes
    // what was installed: hash it beside the copy (the kernel's), and the
    // copy is known to have the same hash.
    let (hashed, copied) = std::thread::scope(|s| {
        let h = s.spawn(|| crate::store::hash_file(from));
        let c = std::fs::copy(from, tmp.path());
        (h.join(), c)
    });
    copied.with_context(|| format!("copying {} to {}", from.display(), tmp.path().display()))?;
    if let Ok(Ok(sha)) = hashed {
        crate::store::remember_hash(tmp.path(), &sha);
    }
    let perms = std::fs::metadata(from)
        .with_context(|| format!("reading {}", from.display()))?
        .permissions();
    std::fs::set_permissions(tmp.path(), perms)
        .with_context(|| format!("setting permissions on {}", tmp.path().display()))?;
    tmp.persist(to)
        .map_err(|e| e.error)
        .with_context(|| format!("writing {}", to.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests;
