//! Sysrun: the runner kinds that `run`, `test` and `compare` choose from
//! (`-runner system|user|native|exec:CMD`, or a profile's `runner_kind`),
//! and the `system` runner itself: each program boots its own Linux guest
//! under qemu-system (MIPS Malta, the profile's core as `-cpu`), so that a
//! failure is the program's and the real kernel's, not qemu-user's.
//!
//! One run, in order:
//! 1. The kernel for the target (`kernel::find`: Debian's 4kc-malta package
//!    for mipsel, the recipe's big-endian build for mips).
//! 2. The guest's `/init` (`init.go`), compiled once per toolchain with the
//!    toolchain's own gccgo, `-static`, and kept in the cache.
//! 3. An initramfs (`cpio` newc) with `/init`, the static program in
//!    `/sysrun/`, `/sysrun/spec` (working directory, argv, environment), the
//!    working directory itself (the host's path) and, for a test, the
//!    package's `testdata/`.
//! 4. qemu-system with two serial ports: the kernel console on the first
//!    (kept in a file, read for out-of-memory and panic messages), the
//!    init's report frames on the second (`init.go` documents them). No
//!    kernel message can be mistaken for the program's output.
//! 5. The outcome: the program's stdout and stderr, and how it ended —
//!    exit status, signal, out of memory (with the memory figure), killed
//!    at the timeout, or the guest died without a report.
//!
//! This module knows nothing of packages, tests or the build: it is handed
//! a toolchain, a static executable, arguments and a directory.

mod cpio;
pub mod kernel;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};

use crate::store::Store;
use crate::toolchain::Toolchain;

/// How target programs run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunnerKind {
    /// qemu-user (the toolchain's `runner` command), or natively for the host.
    User,
    /// A Linux guest under qemu-system, one boot a program.
    System,
    /// Directly on this machine (only sensible for the host's target).
    Native,
    /// This command and arguments before the program, as `go test -exec`.
    Exec(Vec<String>),
}

impl RunnerKind {
    /// Parses `system`, `user`, `native` or `exec:CMD` (CMD split on spaces).
    ///
    /// Errors: any other word (the message lists the four).
    pub fn parse(s: &str) -> Result<RunnerKind> {
        Ok(match s {
            "system" => RunnerKind::System,
            "user" => RunnerKind::User,
            "native" => RunnerKind::Native,
            _ => match s.strip_prefix("exec:") {
                Some(c) if !c.trim().is_empty() => {
                    RunnerKind::Exec(c.split_whitespace().map(str::to_string).collect())
                }
                _ => bail!(
                    "-runner {s:?}: use system (a Linux guest under qemu-system), user (qemu-user), \
                     native, or exec:CMD"
                ),
            },
        })
    }
}

impl RunnerKind {
    /// The runner a command uses: `-runner` when given, else `-exec CMD`,
    /// else the profile's `runner_kind`, else `user` (qemu-user, or natively
    /// for the host's target).
    ///
    /// Errors: the profile's `runner_kind` is not one of the four.
    pub fn choose(
        flag: Option<&RunnerKind>,
        exec: Option<&[String]>,
        tc: &Toolchain,
    ) -> Result<RunnerKind> {
        if let Some(k) = flag {
            return Ok(k.clone());
        }
        if let Some(e) = exec {
            return Ok(RunnerKind::Exec(e.to_vec()));
        }
        match &tc.runner_kind {
            Some(k) => RunnerKind::parse(k)
                .with_context(|| format!("toolchain profile {}: runner_kind", tc.name)),
            None => Ok(RunnerKind::User),
        }
    }
}

/// The memory a guest gets, `-m` (MiB), and the timeouts.
#[derive(Debug, Clone, Default)]
pub struct Limits {
    /// `-m MIB`; `None`: the most the kernel can use.
    pub memory_mib: Option<u32>,
    /// Kill the guest after this long (boot included); `None`: never.
    pub timeout: Option<Duration>,
}

/// One program to run in a guest.
#[derive(Debug, Clone)]
pub struct Request {
    /// The static executable (host path); it goes into the guest as
    /// `/sysrun/<its file name>`.
    pub exe: PathBuf,
    /// Its arguments (`argv[1..]`).
    pub args: Vec<String>,
    /// The working directory, the same path in the guest as here.
    pub dir: PathBuf,
    /// Copy the files a test may read into the guest (`add_test_files`).
    pub testdata: bool,
}

/// How a guest run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    /// The program exited with this status.
    Exited(i32),
    /// The program was killed by this signal (not the OOM killer).
    Signaled(i32),
    /// The kernel ran out of memory: its OOM killer ended the program, or
    /// it panicked (`System is deadlocked on memory`). The guest had `mib`.
    OutOfMemory {
        /// The guest's memory, MiB.
        mib: u32,
        /// The kernel's line that says so.
        line: String,
    },
    /// Still running at the timeout: qemu was killed.
    TimedOut(Duration),
    /// The guest ended without a report from the init (kernel panic, a
    /// broken init): the last lines of the kernel console.
    NoReport(String),
}

impl End {
    /// The exit status a shell would see (`run`): the program's own, 128+N
    /// for signal N (137 for the OOM killer's SIGKILL), 1 otherwise.
    pub fn status(&self) -> i32 {
        match self {
            End::Exited(c) => *c,
            End::Signaled(s) => 128 + s,
            End::OutOfMemory { .. } => 137,
            End::TimedOut(_) | End::NoReport(_) => 1,
        }
    }

    /// A line for the user when the end was not an exit (`None` for one).
    pub fn describe(&self) -> Option<String> {
        match self {
            End::Exited(_) => None,
            End::Signaled(s) => Some(format!(
                "signal: killed by signal {s} (in the system runner's guest)"
            )),
            End::OutOfMemory { mib, line } => Some(format!(
                "out of memory: the guest kernel ran out of its {mib} MiB ({line}); \
                 give it more with -m MIB if the kernel can use it"
            )),
            End::TimedOut(d) => Some(format!(
                "the system runner's guest was still running after {}, so it was killed",
                crate::process::human_duration(*d)
            )),
            End::NoReport(tail) => Some(format!(
                "the system runner's guest ended without the program's exit status; the kernel said:\n{tail}"
            )),
        }
    }
}

/// What a guest run gave back.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The program's stdout.
    pub stdout: Vec<u8>,
    /// The program's stderr.
    pub stderr: Vec<u8>,
    /// Both, in the order the init read them.
    pub combined: Vec<u8>,
    /// How it ended.
    pub end: End,
    /// The program's peak resident memory, KiB (`ru_maxrss`), when reported.
    pub max_rss_kib: Option<u64>,
    /// Wall time of the whole run, boot included.
    pub wall: Duration,
    /// The program's own wall time in the guest (start to exit), when reported.
    pub program_time: Option<Duration>,
}

/// A prepared system runner: kernel, init and guest memory for one toolchain.
#[derive(Debug, Clone)]
pub struct System {
    kernel: kernel::Kernel,
    init: PathBuf,
    cpu: Option<String>,
    memory_mib: u32,
    limits: Limits,
    /// Holds the init when the cache is off; removed on drop.
    _work: std::sync::Arc<tempfile::TempDir>,
}

/// The init's Go source (`init.go`).
const INIT_GO: &str = include_str!("sysrun/init.go");

impl System {
    /// Finds the kernel for `tc`'s target and builds (or takes from the
    /// cache) the init.
    ///
    /// Errors: no kernel for the target (see `kernel::find`), qemu-system
    /// is not installed, `-m` is beyond what the kernel can use, or the init
    /// does not compile with the toolchain.
    pub fn prepare(tc: &Toolchain, store: &Store, limits: &Limits) -> Result<System> {
        let work = tempfile::Builder::new()
            .prefix("gccgo-build-sysrun-")
            .tempdir()
            .context("creating a temporary directory")?;
        crate::cleanup::add_dir(work.path());
        let kernel = kernel::find(&tc.target.goarch, store, work.path())?;
        if which(kernel.qemu).is_none() {
            bail!(
                "-runner system needs {} (apt-get install qemu-system-mips, which has both byte orders)",
                kernel.qemu
            );
        }
        let memory_mib = match limits.memory_mib {
            Some(m) if m > kernel.max_memory_mib => bail!(
                "-m {m}: the kernel ({}) can use at most {} MiB{}",
                kernel.origin,
                kernel.max_memory_mib,
                if kernel.max_memory_mib <= 256 {
                    " (it has no HIGHMEM)"
                } else {
                    " (qemu's Malta board)"
                }
            ),
            Some(m) if m < 32 => bail!("-m {m}: a guest needs at least 32 MiB"),
            Some(m) => m,
            None => kernel.max_memory_mib,
        };
        let init = build_init(tc, store, work.path())?;
        Ok(System {
            kernel,
            init,
            cpu: tc.cpu.clone(),
            memory_mib,
            limits: limits.clone(),
            _work: std::sync::Arc::new(work),
        })
    }

    /// The kernel it boots.
    pub fn kernel(&self) -> &kernel::Kernel {
        &self.kernel
    }

    /// The guest's memory, MiB.
    pub fn memory_mib(&self) -> u32 {
        self.memory_mib
    }

    /// A word for cache keys and `-x`: what the runner is (qemu, cpu,
    /// memory, kernel file).
    pub fn describe(&self) -> String {
        format!(
            "{} -M malta{} -m {} -kernel {}",
            self.kernel.qemu,
            self.cpu
                .as_deref()
                .map(|c| format!(" -cpu {c}"))
                .unwrap_or_default(),
            self.memory_mib,
            self.kernel.path.display()
        )
    }

    /// Boots a guest that runs `req` and returns what it did.
    ///
    /// Errors: the executable is not static (it would find no libc in the
    /// guest), a file cannot be read or the initramfs written, or qemu
    /// cannot be started.
    pub fn run(&self, req: &Request) -> Result<Outcome> {
        check_static(&req.exe)?;
        let o = self.boot(req)?;
        // The init (a Go program, PID 1) sometimes dies of its own fatal
        // error in libgo's signal path (its traceback through libbacktrace
        // fails on the vDSO, `fatal error: linux-vdso.so.1`; seen about one
        // run in five with the host loaded, never under qemu-user, which
        // maps no vDSO for MIPS). The guest is thrown away either way, so
        // the program runs once more in a new one, and the user is told.
        if let End::NoReport(tail) = &o.end
            && let Some(why) = init_died(tail)
        {
            eprintln!(
                "gccgo-build: the system runner's init died ({why}) before it reported the \
                 program's exit status; running the program again in a new guest"
            );
            return self.boot(req);
        }
        Ok(o)
    }

    /// One guest for `req` ([`System::run`] without the second chance).
    fn boot(&self, req: &Request) -> Result<Outcome> {
        let dir = tempfile::Builder::new()
            .prefix("gccgo-build-guest-")
            .tempdir()
            .context("creating a temporary directory")?;
        crate::cleanup::add_dir(dir.path());
        let initrd = dir.path().join("initrd.cpio");
        write_initramfs(&initrd, &self.init, req)?;
        let console = dir.path().join("console.log");
        let frames = dir.path().join("frames.txt");
        let mut cmd = crate::process::Cmd::new(self.kernel.qemu).args(["-M", "malta"]);
        if let Some(c) = &self.cpu {
            cmd = cmd.args(["-cpu", c]);
        }
        cmd = cmd
            .args(["-m", &self.memory_mib.to_string()])
            .args([
                "-display",
                "none",
                "-monitor",
                "none",
                "-nodefaults",
                "-no-reboot",
            ])
            .arg("-serial")
            .arg(format!("file:{}", console.display()))
            .arg("-serial")
            .arg(format!("file:{}", frames.display()))
            .arg("-kernel")
            .arg(&self.kernel.path)
            .arg("-initrd")
            .arg(&initrd)
            .args([
                "-append",
                "console=ttyS0 rdinit=/init panic=-1 oops=panic quiet",
            ]);
        let start = Instant::now();
        let r = cmd.run(self.limits.timeout);
        let wall = start.elapsed();
        let timed_out = match r {
            Ok(_) => false,
            Err(crate::process::RunError::TimedOut { .. }) => true,
            Err(e) => {
                return Err(anyhow::anyhow!("{e}")).context("booting the system runner's guest");
            }
        };
        let frames = std::fs::read(&frames).unwrap_or_default();
        let console =
            String::from_utf8_lossy(&std::fs::read(&console).unwrap_or_default()).into_owned();
        let mut o = parse_frames(&frames);
        o.wall = wall;
        let oom = oom_line(&console);
        o.end = match (
            std::mem::replace(&mut o.end, End::Exited(0)),
            timed_out,
            oom,
        ) {
            // The OOM killer's SIGKILL.
            (End::Signaled(9), _, Some(line)) => End::OutOfMemory {
                mib: self.memory_mib,
                line,
            },
            (e @ (End::Exited(_) | End::Signaled(_)), _, _) => e,
            (_, true, _) => End::TimedOut(self.limits.timeout.unwrap_or_default()),
            (_, false, Some(line)) => End::OutOfMemory {
                mib: self.memory_mib,
                line,
            },
            (End::NoReport(init), false, None) if !init.is_empty() => End::NoReport(init),
            (_, false, None) => End::NoReport(tail(&console, 20)),
        };
        Ok(o)
    }
}

/// Where `prog` is in PATH.
fn which(prog: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join(prog))
            .find(|f| f.is_file())
    })
}

/// The init binary for `tc`: from the cache (keyed on the compiler's
/// identity, its flags and the source), else compiled into it (or into
/// `work` with the cache off).
fn build_init(tc: &Toolchain, store: &Store, work: &Path) -> Result<PathBuf> {
    let id = format!(
        "sysrun init 1\n{:?}\n{:?}\n{:?}\n{}\n",
        tc.identity,
        tc.cflags,
        tc.ldflags,
        crate::store::short_hash(INIT_GO)
    );
    let cached = store.memo_path("sysrun", &id, "-init");
    if let Some(p) = cached.as_ref().filter(|p| p.is_file()) {
        return Ok(p.clone());
    }
    let src = work.join("init.go");
    std::fs::write(&src, INIT_GO).with_context(|| format!("writing {}", src.display()))?;
    let out = work.join("init");
    crate::process::Cmd::new(&tc.gccgo)
        .args(&tc.cflags)
        .args(["-O2", "-static", "-s", "-o"])
        .arg(&out)
        .arg(&src)
        .args(&tc.ldflags)
        .run(Some(Duration::from_secs(600)))
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("compiling the system runner's init (a static Go program) with the toolchain")?;
    if let Some(p) = cached {
        let data = std::fs::read(&out).with_context(|| format!("reading {}", out.display()))?;
        store.write_memo(&p, &data);
        if p.is_file() {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755));
            return Ok(p);
        }
    }
    Ok(out)
}

/// Errors unless `exe` is an ELF file without a program interpreter.
fn check_static(exe: &Path) -> Result<()> {
    let data = std::fs::read(exe).with_context(|| format!("reading {}", exe.display()))?;
    let f = object::File::parse(&*data).with_context(|| {
        format!(
            "{}: not an executable the system runner can boot",
            exe.display()
        )
    })?;
    use object::{Object as _, ObjectSection as _};
    if f.section_by_name(".interp").is_some_and(|s| s.size() > 0) {
        bail!(
            "{}: dynamically linked; the system runner's guest has no libc to load it: build with --link static",
            exe.display()
        );
    }
    Ok(())
}

/// Writes the guest's initramfs.
fn write_initramfs(path: &Path, init: &Path, req: &Request) -> Result<()> {
    let file =
        std::fs::File::create(path).with_context(|| format!("writing {}", path.display()))?;
    let mut w = cpio::Writer::new(std::io::BufWriter::new(file));
    let read = |p: &Path| std::fs::read(p).with_context(|| format!("reading {}", p.display()));
    let io = |e: std::io::Error| anyhow::anyhow!("writing {}: {e}", path.display());
    for d in ["dev", "proc", "sys", "tmp", "root", "bin", "sysrun"] {
        w.dir(d, 0o755).map_err(io)?;
    }
    w.char_dev("dev/console", 0o600, 5, 1).map_err(io)?;
    w.char_dev("dev/null", 0o666, 1, 3).map_err(io)?;
    w.file("init", 0o755, &read(init)?).map_err(io)?;
    let name = req
        .exe
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "prog".into());
    let guest_exe = format!("/sysrun/{name}");
    w.file(&guest_exe[1..], 0o755, &read(&req.exe)?)
        .map_err(io)?;
    // The working directory and its parents, as on the host.
    let rel = req.dir.strip_prefix("/").unwrap_or(&req.dir);
    let mut acc = PathBuf::new();
    for c in rel.components() {
        acc.push(c);
        let s = acc.to_string_lossy();
        if !["dev", "proc", "sys", "tmp", "root", "bin", "sysrun"].contains(&&*s) {
            w.dir(&s, 0o755).map_err(io)?;
        }
    }
    if req.testdata {
        add_test_files(&mut w, &req.dir, &acc).map_err(io)?;
    }
    let mut spec = Vec::new();
    for f in [
        req.dir.to_string_lossy().into_owned(),
        format!("argv {}", req.args.len() + 1),
        guest_exe,
    ] {
        spec.extend_from_slice(f.as_bytes());
        spec.push(0);
    }
    for a in &req.args {
        spec.extend_from_slice(a.as_bytes());
        spec.push(0);
    }
    for e in guest_env(&req.dir) {
        spec.extend_from_slice(e.as_bytes());
        spec.push(0);
    }
    w.file("sysrun/spec", 0o644, &spec).map_err(io)?;
    w.finish().map_err(io)?;
    Ok(())
}

/// The program's environment in the guest: a plain one (PATH, HOME, TMPDIR,
/// PWD), plus the host's Go runtime settings (`GOTRACEBACK`, `GODEBUG`,
/// `GOGC`, `GOMAXPROCS`) and `TZ`, so that a run can be steered as on the host.
fn guest_env(dir: &Path) -> Vec<String> {
    let mut v = vec![
        "PATH=/bin".to_string(),
        "HOME=/root".to_string(),
        "TMPDIR=/tmp".to_string(),
        format!("PWD={}", dir.display()),
    ];
    for k in ["GOTRACEBACK", "GODEBUG", "GOGC", "GOMAXPROCS", "TZ"] {
        if let Ok(val) = std::env::var(k) {
            v.push(format!("{k}={val}"));
        }
    }
    v
}

/// The files a test may read, as `go test` runs it in the package's
/// source directory: the directory's own regular files (go-toml reads
/// `example.toml` beside its sources), its `testdata/` tree, and the
/// parent's `testdata/` tree (x/text's encodings read `../testdata`).
/// `guest` is `dir` relative to the guest's root. Other subdirectories
/// are not copied.
fn add_test_files<W: std::io::Write>(
    w: &mut cpio::Writer<W>,
    dir: &Path,
    guest: &Path,
) -> std::io::Result<()> {
    let mut files: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .collect();
    files.sort_by_key(|e| e.file_name());
    for e in files {
        use std::os::unix::fs::PermissionsExt;
        let perm = e.metadata()?.permissions().mode() & 0o777;
        let name = guest.join(e.file_name()).to_string_lossy().into_owned();
        w.file(&name, perm, &std::fs::read(e.path())?)?;
    }
    add_tree(w, &dir.join("testdata"), &guest.join("testdata"))?;
    if let (Some(up), Some(gup)) = (dir.parent(), guest.parent())
        && !gup.as_os_str().is_empty()
    {
        add_tree(w, &up.join("testdata"), &gup.join("testdata"))?;
    }
    Ok(())
}

/// Adds the tree at `host` (if it exists) as `guest` (relative), following
/// no symbolic links out of it.
fn add_tree<W: std::io::Write>(
    w: &mut cpio::Writer<W>,
    host: &Path,
    guest: &Path,
) -> std::io::Result<()> {
    if !host.is_dir() {
        return Ok(());
    }
    for e in walkdir::WalkDir::new(host).sort_by_file_name() {
        let e = e.map_err(std::io::Error::other)?;
        let rel = e.path().strip_prefix(host).unwrap_or(e.path());
        let name = guest.join(rel).to_string_lossy().into_owned();
        let ft = e.file_type();
        if ft.is_dir() {
            w.dir(&name, 0o755)?;
        } else if ft.is_symlink() {
            let t = std::fs::read_link(e.path())?;
            w.symlink(&name, &t.to_string_lossy())?;
        } else if ft.is_file() {
            use std::os::unix::fs::PermissionsExt;
            let perm = e
                .metadata()
                .map_err(std::io::Error::other)?
                .permissions()
                .mode()
                & 0o777;
            w.file(&name, perm, &std::fs::read(e.path())?)?;
        }
    }
    Ok(())
}

/// The init's own fatal error when the console `tail` shows that the init
/// (PID 1), not the program, died of one: the kernel's "Attempted to kill
/// init!" after a Go runtime `fatal error:` line; `None` otherwise.
fn init_died(tail: &str) -> Option<&str> {
    let fatal = tail.lines().find(|l| l.starts_with("fatal error: "))?;
    tail.contains("Attempted to kill init!").then_some(fatal)
}

/// Reads the init's report (see `init.go`). Without an `x` frame the end
/// is `NoReport` (the caller looks at the console).
fn parse_frames(data: &[u8]) -> Outcome {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut o = Outcome {
        stdout: Vec::new(),
        stderr: Vec::new(),
        combined: Vec::new(),
        end: End::NoReport(String::new()),
        max_rss_kib: None,
        wall: Duration::ZERO,
        program_time: None,
    };
    for line in data.split(|&b| b == b'\n') {
        let line = String::from_utf8_lossy(line);
        let line = line.trim_end_matches('\r');
        let (tag, body) = line.split_once(' ').unwrap_or((line, ""));
        match tag {
            "1" | "2" => {
                let Ok(bytes) = b64.decode(body) else {
                    continue;
                };
                if tag == "1" {
                    o.stdout.extend_from_slice(&bytes);
                } else {
                    o.stderr.extend_from_slice(&bytes);
                }
                o.combined.extend_from_slice(&bytes);
            }
            "x" => {
                let (what, n) = body.split_once(' ').unwrap_or((body, ""));
                let n: i32 = n.trim().parse().unwrap_or(-1);
                o.end = if what == "signal" {
                    End::Signaled(n)
                } else {
                    End::Exited(n)
                };
            }
            "m" => o.max_rss_kib = body.trim().parse().ok(),
            "t" => o.program_time = body.trim().parse().ok().map(Duration::from_micros),
            "e" => {
                let msg = b64.decode(body).unwrap_or_default();
                o.end = End::NoReport(format!("sysrun init: {}", String::from_utf8_lossy(&msg)));
            }
            _ => {}
        }
    }
    o
}

/// The kernel's out-of-memory line on the console, if any.
fn oom_line(console: &str) -> Option<String> {
    console
        .lines()
        .find(|l| {
            l.contains("Out of memory")
                || l.contains("deadlocked on memory")
                || l.contains("oom-kill")
                || l.contains("page allocation failure")
        })
        .map(|l| l.trim().to_string())
}

/// The last `n` lines of `text`.
fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The console of a run whose init died (CI, 2026-12-06), and one
    /// whose program was killed by the OOM killer (init lived).
    #[test]
    fn an_init_that_died_of_its_own_fatal_error_is_told_apart() {
        let died = "fatal error: linux-vdso.so.1\npanic during panic\n\ngoroutine 0 [idle]:\n\
                    linux-vdso.so.1 errno 14\nfatal error: linux-vdso.so.1\nstack trace unavailable\n\
                    [    4.332440] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000400\n";
        assert_eq!(init_died(died), Some("fatal error: linux-vdso.so.1"));
        let oom = "[    3.1] Out of memory: Killed process 57 (prog)\n";
        assert_eq!(init_died(oom), None);
        assert_eq!(
            init_died("Attempted to kill init! exitcode=0x00000100\n"),
            None
        );
    }

    #[test]
    fn runner_kinds_parse_and_a_bad_one_lists_the_four() {
        assert_eq!(RunnerKind::parse("system").unwrap(), RunnerKind::System);
        assert_eq!(
            RunnerKind::parse("exec:qemu-mips -cpu 24Kc").unwrap(),
            RunnerKind::Exec(vec!["qemu-mips".into(), "-cpu".into(), "24Kc".into()])
        );
        let e = RunnerKind::parse("vm").unwrap_err().to_string();
        assert!(e.contains("system") && e.contains("exec:CMD"), "{e}");
    }

    #[test]
    fn frames_give_stdout_stderr_and_the_status_apart() {
        let f = b"r\r\n1 aGk=\r\n2 b29wcw==\r\n1 IQo=\r\nx exit 3\r\nm 4968\r\n";
        let o = parse_frames(f);
        assert_eq!(o.stdout, b"hi!\n");
        assert_eq!(o.stderr, b"oops");
        assert_eq!(o.combined, b"hioops!\n");
        assert_eq!(o.end, End::Exited(3));
        assert_eq!(o.max_rss_kib, Some(4968));
        assert_eq!(
            parse_frames(b"r\n1 aGk=\n").end,
            End::NoReport(String::new())
        );
        assert_eq!(parse_frames(b"x signal 9\n").end, End::Signaled(9));
    }
}
