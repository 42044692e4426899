//! Cleanup: what must happen when the process ends before its work is
//! done — on SIGINT or SIGTERM, on a closed standard output, or when the
//! process is killed outright.
//!
//! Everything that would outlive an early end is registered here while it
//! exists: the process group of every running tool (each compiler, objcopy
//! or linker runs in a group of its own, so that its own children — go1,
//! as, collect2 — die with it), the work directory, and the outputs the
//! OUT rule guards (see `store::Store::remove_if_ours`). [`exit_now`] kills those
//! groups, removes the directories, applies the OUT rule and exits.
//!
//! - SIGINT/SIGTERM: the handler only writes a byte to a pipe; a watcher
//!   thread reads it and calls `exit_now(130, "interrupted")`.
//! - SIGKILL cannot be caught, so a reaper process (this binary, run as
//!   `gccgo-build __reap`, started with the first tool) holds the read end
//!   of a pipe on which this process announces each group (`+PGID`/`-PGID`).
//!   When this process dies in any way, the kernel closes the write end, the
//!   reaper reads EOF and kills the groups still announced: no compiler
//!   outlives the build.
//!
//! Knows nothing of Go or of builds: it is handed pids and paths.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

#[derive(Default)]
struct State {
    /// Process groups of the running tools.
    groups: BTreeSet<i32>,
    /// Directories to remove (the work directory unless `--work`).
    dirs: Vec<PathBuf>,
    /// Outputs under the OUT rule, with the cache directory that records
    /// what was installed.
    outs: Vec<(PathBuf, crate::store::Store)>,
    /// The reaper's stdin, once started; `None` before, or when it could
    /// not start (then only caught signals clean up).
    reaper: Option<std::process::ChildStdin>,
    /// Whether starting the reaper was tried.
    reaper_tried: bool,
    /// Run first by `exit_now` (cancelling remote operations).
    hooks: Vec<Box<dyn Fn() + Send>>,
}

static STATE: Mutex<State> = Mutex::new(State {
    groups: BTreeSet::new(),
    dirs: Vec::new(),
    outs: Vec::new(),
    reaper: None,
    reaper_tried: false,
    hooks: Vec::new(),
});

fn state() -> std::sync::MutexGuard<'static, State> {
    // A panic while holding the lock leaves consistent data: keep going.
    STATE.lock().unwrap_or_else(|e| e.into_inner())
}

/// Announces a running tool's process group (its pid: it leads its group).
pub fn add_group(pgid: u32) {
    let Ok(pgid) = i32::try_from(pgid) else {
        return;
    };
    let mut s = state();
    if !s.reaper_tried {
        s.reaper_tried = true;
        s.reaper = start_reaper();
    }
    s.groups.insert(pgid);
    if let Some(r) = s.reaper.as_mut() {
        let _ = writeln!(r, "+{pgid}");
    }
}

/// Forgets a process group whose leader has been waited for.
pub fn remove_group(pgid: u32) {
    let Ok(pgid) = i32::try_from(pgid) else {
        return;
    };
    let mut s = state();
    s.groups.remove(&pgid);
    if let Some(r) = s.reaper.as_mut() {
        let _ = writeln!(r, "-{pgid}");
    }
}

/// Registers `hook` to run first if the process ends early (the remote
/// executor's: cancel the operations in flight). It must not call back here.
pub fn on_exit(hook: Box<dyn Fn() + Send>) {
    state().hooks.push(hook);
}

/// Registers a directory to remove if the process ends early.
pub fn add_dir(dir: &Path) {
    state().dirs.push(dir.to_path_buf());
}

/// Unregisters a directory (kept with `--work`, or already removed).
pub fn remove_dir(dir: &Path) {
    state().dirs.retain(|d| d != dir);
}

/// Puts `out` under the OUT rule for an early end: it is removed then only
/// if gccgo-build installed it there last (as `store` recorded it).
pub fn guard_output(out: &Path, store: &crate::store::Store) {
    state().outs.push((out.to_path_buf(), store.clone()));
}

/// Kills every registered process group, removes the registered
/// directories, applies the OUT rule to the guarded outputs, prints
/// `gccgo-build: MESSAGE` (when given) and exits with `code`.
pub fn exit_now(code: i32, message: Option<&str>) -> ! {
    let s = state();
    for h in &s.hooks {
        h();
    }
    for &g in &s.groups {
        // SAFETY: kill(2) on a process group this process created and announced.
        unsafe {
            libc::kill(-g, libc::SIGKILL);
        }
    }
    for d in &s.dirs {
        let _ = std::fs::remove_dir_all(d);
    }
    for (out, store) in &s.outs {
        store.remove_if_ours(out);
    }
    if let Some(m) = message {
        let _ = writeln!(std::io::stderr(), "gccgo-build: {m}");
    }
    std::process::exit(code)
}

/// The write end of the signal pipe, for the handler (-1 before install).
static SIGNAL_FD: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(-1);

extern "C" fn on_signal(_: libc::c_int) {
    let fd = SIGNAL_FD.load(std::sync::atomic::Ordering::Relaxed);
    if fd >= 0 {
        // SAFETY: write(2) is async-signal-safe; the buffer is a static byte.
        unsafe {
            libc::write(fd, b"x".as_ptr().cast(), 1);
        }
    }
}

/// Installs the SIGINT/SIGTERM handling described in the module doc.
/// Best effort: where a pipe or thread cannot be made, the default
/// disposition stays (the process dies; the reaper still cleans up).
pub fn install_signal_handlers() {
    let mut fds = [0i32; 2];
    // SAFETY: pipe2(2) fills the two descriptors; O_CLOEXEC keeps them out of the tools.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return;
    }
    let read_fd = fds[0];
    let started = std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            let mut b = [0u8; 1];
            loop {
                // SAFETY: read(2) into a one-byte buffer we own.
                let n = unsafe { libc::read(read_fd, b.as_mut_ptr().cast(), 1) };
                if n == 1 {
                    exit_now(130, Some("interrupted"));
                }
                if n == 0 {
                    return;
                }
            }
        });
    if started.is_err() {
        return;
    }
    SIGNAL_FD.store(fds[1], std::sync::atomic::Ordering::Relaxed);
    for sig in [libc::SIGINT, libc::SIGTERM] {
        // SAFETY: installing a handler that only calls write(2).
        unsafe {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = on_signal as *const () as usize;
            sa.sa_flags = libc::SA_RESTART;
            libc::sigaction(sig, &sa, std::ptr::null_mut());
        }
    }
}

/// Starts the reaper: this binary as `gccgo-build __reap`, reading group
/// announcements on its stdin. `None` when it cannot start.
fn start_reaper() -> Option<std::process::ChildStdin> {
    let exe = std::env::current_exe().ok()?;
    let mut child = std::process::Command::new(exe)
        .arg(REAP_ARG)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    child.stdin.take()
}

/// The hidden first argument that makes this binary the reaper.
pub const REAP_ARG: &str = "__reap";

/// The reaper's main loop (see the module doc): reads `+PGID`/`-PGID`
/// lines until EOF, then kills the groups still announced. Returns the exit
/// status (0).
pub fn reaper_main() -> i32 {
    use std::io::BufRead as _;
    // A terminal's Ctrl-C reaches the whole foreground group, this process
    // too: it must live on to see its parent go.
    // SAFETY: setting the disposition of two signals to "ignore".
    unsafe {
        libc::signal(libc::SIGINT, libc::SIG_IGN);
        libc::signal(libc::SIGTERM, libc::SIG_IGN);
    }
    let mut live: BTreeSet<i32> = BTreeSet::new();
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        if let Some(p) = line.strip_prefix('+').and_then(|p| p.parse().ok()) {
            live.insert(p);
        } else if let Some(p) = line.strip_prefix('-').and_then(|p| p.parse::<i32>().ok()) {
            live.remove(&p);
        }
    }
    for g in live {
        // SAFETY: kill(2) on a group the parent announced and never retired.
        unsafe {
            libc::kill(-g, libc::SIGKILL);
        }
    }
    0
}
