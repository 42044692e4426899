//! Exec: run a plan's actions in parallel. Each action counts its
//! unfinished dependencies and becomes ready at zero; among ready actions,
//! the one with the longest remaining path to the end of the build runs
//! first. One main thread owns all state and all printing; each running
//! action has a worker thread that sends its result back over a channel.
//!
//! A failure lets the running actions finish, then the build stops (or,
//! with keep-going, only the dependents of the failed action are skipped).
//! Exec never decides what to build: the plan says, and the cache hook
//! (when given) says whether an action's outputs can be restored instead.

use std::collections::BinaryHeap;
use std::path::Path;
use std::sync::mpsc;

use anyhow::{Context as _, Result};

use crate::plan::{ActionId, Plan, Step};
use crate::process::RunError;
use crate::progress::Progress;

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
    /// Kill a command that runs longer than this (seconds); `None` waits forever.
    pub timeout_secs: Option<u64>,
    /// A GNU make jobserver to take job slots from (beyond our implicit one).
    pub jobserver: Option<jobserver::Client>,
}

/// What the cache says about an action before it runs.
pub enum Lookup {
    /// Outputs available from the cache. `output` is the saved compiler
    /// output to show again; `installed` says the user's output file already
    /// holds this result, so nothing is installed.
    Hit {
        /// Saved compiler output.
        output: String,
        /// Whether the installed output is already current.
        installed: bool,
    },
    /// Must run; carries the reason (for `--explain`) and a token for `store`.
    Miss(String, Box<dyn std::any::Any + Send>),
}

/// A cache consulted by the scheduler on the main thread.
pub trait CacheHook {
    /// Called when `action` is ready (its dependencies' outputs exist).
    ///
    /// Errors are reported as the action's failure.
    fn lookup(&mut self, plan: &Plan, action: ActionId) -> Result<Lookup>;
    /// Called after `action` ran successfully; `output` is what its commands printed.
    fn store(
        &mut self,
        plan: &Plan,
        action: ActionId,
        token: Box<dyn std::any::Any + Send>,
        output: &str,
    ) -> Result<()>;
    /// Called after `action`'s outputs were installed where the user asked.
    fn installed(&mut self, plan: &Plan, action: ActionId);
}

/// The result of a build.
#[derive(Debug, Default)]
pub struct Summary {
    /// Actions whose commands ran.
    pub ran: usize,
    /// Actions restored from the cache.
    pub cached: usize,
    /// Labels of the actions that failed.
    pub failed: Vec<String>,
    /// Actions skipped because a dependency failed.
    pub skipped: usize,
    /// Actions that succeeded (ran or restored), for `-k`: the commands
    /// that did build keep their outputs.
    pub succeeded: std::collections::BTreeSet<ActionId>,
}

enum Msg {
    Done {
        action: ActionId,
        output: String,
        result: Result<(), String>,
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
    ready: BinaryHeap<Ready>,
    /// A failure without keep-going: no new action starts.
    stopped: bool,
}

impl Queue {
    fn new(plan: &Plan) -> Queue {
        let n = plan.actions.len();
        let mut dependents: Vec<Vec<ActionId>> = vec![Vec::new(); n];
        let mut waiting: Vec<usize> = vec![0; n];
        for (i, a) in plan.actions.iter().enumerate() {
            waiting[i] = a.deps.len();
            for &d in &a.deps {
                dependents[d].push(i);
            }
        }
        let mut height = vec![1usize; n];
        for i in (0..n).rev() {
            for &d in &dependents[i] {
                height[i] = height[i].max(height[d] + 1);
            }
        }
        let ready = (0..n)
            .filter(|&i| waiting[i] == 0)
            .map(|i| Ready(height[i], std::cmp::Reverse(i)))
            .collect();
        Queue {
            dependents,
            waiting,
            height,
            dead: vec![false; n],
            ready,
            stopped: false,
        }
    }

    fn pop(&mut self) -> Option<ActionId> {
        self.ready.pop().map(|Ready(_, std::cmp::Reverse(i))| i)
    }

    /// `i` finished well: its dependents that wait for nothing else are ready.
    fn succeeded(&mut self, i: ActionId) {
        for &d in &self.dependents[i] {
            self.waiting[d] -= 1;
            if self.waiting[d] == 0 && !self.dead[d] {
                self.ready.push(Ready(self.height[d], std::cmp::Reverse(d)));
            }
        }
    }

    /// `i` failed: everything that depends on it, directly or not, is
    /// skipped. Returns how many actions that newly skips.
    fn failed(&mut self, i: ActionId) -> usize {
        let mut skipped = 0;
        let mut stack = self.dependents[i].clone();
        while let Some(d) = stack.pop() {
            if !self.dead[d] {
                self.dead[d] = true;
                skipped += 1;
                stack.extend(self.dependents[d].iter().copied());
            }
        }
        skipped
    }
}

/// Records a failed action: reports it, skips its dependents, and stops
/// the build unless keep-going.
fn fail(
    q: &mut Queue,
    i: ActionId,
    label: &str,
    text: &str,
    progress: &mut dyn Progress,
    sum: &mut Summary,
    keep_going: bool,
) {
    progress.failed(label, text);
    sum.failed.push(label.to_string());
    sum.skipped += q.failed(i);
    q.stopped |= !keep_going;
}

/// Runs every action of `plan`.
///
/// Returns the summary; compiler diagnostics and failures are printed
/// through `progress` as they happen. Errors only on internal failures
/// (a worker thread that could not be started).
pub fn run(
    plan: &Plan,
    opts: &Options,
    progress: &mut dyn Progress,
    mut cache: Option<&mut dyn CacheHook>,
) -> Result<Summary> {
    let n = plan.actions.len();
    let mut q = Queue::new(plan);
    let mut tokens: Vec<Option<Box<dyn std::any::Any + Send>>> = (0..n).map(|_| None).collect();
    let (tx, rx) = mpsc::channel::<Msg>();
    let mut running = 0usize;
    let mut sum = Summary::default();
    let jobs = opts.jobs.max(1);
    // --timeout 0 means no limit.
    let timeout = opts
        .timeout_secs
        .filter(|&s| s > 0)
        .map(std::time::Duration::from_secs);
    progress.start(n);

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
    let mut slots_held: Vec<jobserver::Acquired> = Vec::new();
    let mut requested = 0usize;

    loop {
        let slots = match &helper {
            None => jobs,
            Some(h) => {
                let want = jobs.min(running + q.ready.len()).max(1);
                while !q.stopped && 1 + slots_held.len() + requested < want {
                    h.request_token();
                    requested += 1;
                }
                jobs.min(1 + slots_held.len())
            }
        };
        while !q.stopped && running < slots {
            let Some(i) = q.pop() else {
                break;
            };
            let a = &plan.actions[i];
            if let Some(c) = cache.as_deref_mut() {
                match c.lookup(plan, i) {
                    Ok(Lookup::Hit {
                        output: saved,
                        installed,
                    }) => {
                        // Restored outputs still have to be installed where the user asked.
                        let installs: Vec<Step> = if installed {
                            vec![]
                        } else {
                            a.steps
                                .iter()
                                .filter(|s| matches!(s, Step::Install { .. }))
                                .cloned()
                                .collect()
                        };
                        if opts.print_commands {
                            for st in &installs {
                                progress.command(&st.display(&plan.work));
                            }
                        }
                        if let (_, Err(msg)) = run_steps(&installs, &[], timeout, &plan.work) {
                            let text = format!("{msg}\n");
                            fail(
                                &mut q,
                                i,
                                &a.label,
                                &text,
                                progress,
                                &mut sum,
                                opts.keep_going,
                            );
                            continue;
                        }
                        if !installs.is_empty() {
                            c.installed(plan, i);
                        }
                        sum.cached += 1;
                        progress.cached(&a.label, &saved);
                        sum.succeeded.insert(i);
                        q.succeeded(i);
                        continue;
                    }
                    Ok(Lookup::Miss(reason, token)) => {
                        progress.explain(&a.label, &reason);
                        tokens[i] = Some(token);
                    }
                    Err(e) => {
                        let text = format!("{}\n", crate::words::error_text(&e));
                        fail(
                            &mut q,
                            i,
                            &a.label,
                            &text,
                            progress,
                            &mut sum,
                            opts.keep_going,
                        );
                        continue;
                    }
                }
            }
            progress.begin(&a.label, opts.verbose);
            if opts.print_commands {
                for st in &a.steps {
                    progress.command(&st.display(&plan.work));
                }
            }
            let steps = a.steps.clone();
            let fail_when = a.fail_when.clone();
            let work = plan.work.clone();
            let tx = tx.clone();
            std::thread::Builder::new()
                .name(format!("job-{i}"))
                .spawn(move || {
                    let (output, result) = run_steps(&steps, &fail_when, timeout, &work);
                    let _ = tx.send(Msg::Done {
                        action: i,
                        output,
                        result,
                    });
                })
                .context("starting a worker thread")?;
            running += 1;
        }
        if running == 0 {
            break;
        }
        let (i, output, result) = match rx.recv() {
            Ok(Msg::Done {
                action,
                output,
                result,
            }) => (action, output, result),
            Ok(Msg::Token(t)) => {
                requested = requested.saturating_sub(1);
                match t {
                    Ok(t) => slots_held.push(t),
                    Err(e) => progress.warn(&format!("jobserver: {e}")),
                }
                continue;
            }
            Err(_) => break,
        };
        running -= 1;
        // Give back the slots we no longer need.
        while slots_held.len() > running {
            slots_held.pop();
        }
        let a = &plan.actions[i];
        match result {
            Ok(()) => {
                sum.ran += 1;
                if let (Some(c), Some(tok)) = (cache.as_deref_mut(), tokens[i].take()) {
                    if let Err(e) = c.store(plan, i, tok, &output) {
                        progress.warn(&format!(
                            "{}: not cached: {}",
                            a.label,
                            crate::words::error_text(&e)
                        ));
                    }
                    if a.steps.iter().any(|s| matches!(s, Step::Install { .. })) {
                        c.installed(plan, i);
                    }
                }
                progress.done(&a.label, &output);
                sum.succeeded.insert(i);
                q.succeeded(i);
            }
            Err(msg) => {
                let text = output + &msg;
                fail(
                    &mut q,
                    i,
                    &a.label,
                    &text,
                    progress,
                    &mut sum,
                    opts.keep_going,
                );
            }
        }
    }
    progress.finish();
    Ok(sum)
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
    std::fs::copy(from, tmp.path())
        .with_context(|| format!("copying {} to {}", from.display(), tmp.path().display()))?;
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
