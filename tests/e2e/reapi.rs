//! Remote execution against a real Remote Execution API server: BuildGrid
//! 0.9.1 (in the venv `scripts/buildgrid` makes) over a private PostgreSQL
//! (`initdb`, run as the `postgres` user when we are root), and Bots
//! workers from tests/reapi/worker.py — a TEST FIXTURE standing in for
//! bb_worker/buildbox, not part of gccgo-build — all on 127.0.0.1 with free
//! ports and stopped by PID.
//!
//! Workers only take actions whose platform names their toolchain
//! (`gccgo-target`, `gccgo-compiler`), so a test that needs a worker of its
//! own (a faulty one) builds through a gccgo wrapper at a path of its own:
//! another compiler identity, so only its worker matches.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::common::*;

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn wait_listening(port: u16, what: &str, log: &Path, secs: u64) {
    let t0 = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            t0.elapsed() < Duration::from_secs(secs),
            "{what} did not start listening on {port}:\n{}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn signal(pid: u32, sig: i32) {
    // SAFETY: kill(2) on a process this test started.
    unsafe {
        libc::kill(pid as libc::pid_t, sig);
    }
}

/// `cmd` under a `sh` that stops it with `sig` when its stdin closes: when
/// the test drops it, and when the test process ends (the shared grid lives
/// in a static, which is never dropped), so no server outlives the tests.
fn supervised(cmd: &Command, sig: &str, log: &Path) -> Child {
    let mut c = Command::new("sh");
    c.arg("-c")
        .arg(format!(
            "\"$@\" & c=$!; read _; kill -{sig} $c 2>/dev/null; wait $c"
        ))
        .arg("sh")
        .arg(cmd.get_program())
        .args(cmd.get_args())
        .stdin(Stdio::piped())
        .stdout(std::fs::File::create(log).unwrap())
        .stderr(std::fs::File::create(log.with_extension("err")).unwrap());
    c.spawn().expect("sh")
}

/// The pid of the process `sh` (from `supervised`) runs.
fn supervised_pid(sh: &Child) -> Option<u32> {
    let kids = std::fs::read_to_string(format!("/proc/{0}/task/{0}/children", sh.id())).ok()?;
    kids.split_whitespace().next()?.parse().ok()
}

/// Closes a supervised child's stdin (it stops its command) and waits.
fn stop_supervised(child: &mut Child) {
    let pid = supervised_pid(child);
    drop(child.stdin.take());
    stop(child, 0);
    if let Some(p) = pid.filter(|p| Path::new(&format!("/proc/{p}")).exists()) {
        signal(p, libc::SIGKILL);
    }
}

fn stop(child: &mut Child, sig: i32) {
    if sig != 0 {
        signal(child.id(), sig);
    }
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_secs(5) {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    signal(child.id(), libc::SIGKILL);
    let _ = child.wait();
}

/// BuildGrid's venv (`scripts/buildgrid`, which `scripts/deps test` runs).
fn venv() -> PathBuf {
    let v = std::env::var_os("GCCGO_BUILD_BUILDGRID_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/buildgrid/venv"));
    assert!(
        v.join("bin/bgd").exists(),
        "BuildGrid is not installed at {}: run scripts/buildgrid (scripts/deps test does)",
        v.display()
    );
    v
}

/// `cmd` run as the `postgres` user when we are root (PostgreSQL refuses root).
fn as_postgres(program: &str) -> Command {
    let bin = Path::new("/usr/lib/postgresql/15/bin").join(program);
    if unsafe { libc::geteuid() } == 0 {
        let mut c = Command::new("setpriv");
        c.args([
            "--reuid=postgres",
            "--regid=postgres",
            "--init-groups",
            "--",
        ])
        .arg(bin);
        c
    } else {
        Command::new(bin)
    }
}

/// PostgreSQL, BuildGrid and the workers of one test run.
pub struct Grid {
    dir: tempfile::TempDir,
    pub port: u16,
    pg: Option<Child>,
    server: Option<Child>,
    workers: Vec<Child>,
}

impl Grid {
    /// Starts PostgreSQL and BuildGrid (about 10 s), no workers yet.
    pub fn start() -> Grid {
        Grid::start_with("")
    }

    /// `start` with `extra` appended to tests/reapi/buildgrid.yml (top-level
    /// settings such as `authorization:`).
    pub fn start_with(extra: &str) -> Grid {
        Grid::start_edited(|cfg| cfg + extra)
    }

    /// `start` with tests/reapi/buildgrid.yml (placeholders filled in)
    /// rewritten by `edit`.
    pub fn start_edited(edit: impl FnOnce(String) -> String) -> Grid {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
        let pgdata = d.join("pg");
        std::fs::create_dir_all(&pgdata).unwrap();
        if unsafe { libc::geteuid() } == 0 {
            let st = Command::new("chown")
                .args(["postgres:postgres"])
                .arg(&pgdata)
                .status()
                .unwrap();
            assert!(st.success());
        }
        let out = as_postgres("initdb")
            .args(["-A", "trust", "-U", "bgd", "--no-sync", "-D"])
            .arg(pgdata.join("data"))
            .output()
            .expect("initdb (scripts/deps installs postgresql)");
        assert!(
            out.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let pgport = free_port();
        let pglog = d.join("pg.log");
        let mut pgcmd = as_postgres("postgres");
        pgcmd
            .arg("-D")
            .arg(pgdata.join("data"))
            .args(["-h", "127.0.0.1", "-p", &pgport.to_string(), "-k"])
            .arg(&pgdata)
            .args(["-c", "fsync=off", "-c", "max_connections=200"]);
        // SIGINT: PostgreSQL's fast shutdown.
        let pg = supervised(&pgcmd, "INT", &pglog);
        let mut g = Grid {
            dir,
            port: free_port(),
            pg: Some(pg),
            server: None,
            workers: Vec::new(),
        };
        wait_listening(pgport, "PostgreSQL", &pglog.with_extension("err"), 60);
        let bgd = venv().join("bin/bgd");
        let url = format!("postgresql://bgd@127.0.0.1:{pgport}/postgres");
        let out = Command::new(&bgd)
            .args(["migrate", "apply", &url])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "bgd migrate: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let cfg = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reapi/buildgrid.yml"),
        )
        .unwrap()
        .replace("@PORT@", &g.port.to_string())
        .replace("@PG@", &pgport.to_string())
        .replace("@CAS@", &g.cas().to_string_lossy());
        let cfg = edit(cfg);
        let d = g.dir.path();
        std::fs::write(d.join("bgd.yml"), cfg).unwrap();
        let mut server = Command::new(&bgd);
        server.args(["server", "start"]).arg(d.join("bgd.yml"));
        g.server = Some(supervised(&server, "TERM", &d.join("bgd.log")));
        wait_listening(g.port, "BuildGrid", &d.join("bgd.err"), 120);
        g
    }

    fn cas(&self) -> PathBuf {
        self.dir.path().join("cas")
    }

    /// The `-remote-exec` address.
    pub fn url(&self) -> String {
        format!("grpc://127.0.0.1:{}/main", self.port)
    }

    /// Where worker `name` builds (every remote compile runs under it).
    pub fn worker_dir(&self, name: &str) -> PathBuf {
        self.dir.path().join("workers").join(name)
    }

    /// Starts a worker for the toolchain `platform` (`key=value` words),
    /// with `fault` (die, corrupt, hang) if given.
    pub fn worker(&mut self, name: &str, platform: &str, fault: Option<&str>) {
        self.worker_with_token(name, platform, fault, None)
    }

    /// `worker` that sends the bearer token in the file `token`.
    pub fn worker_with_token(
        &mut self,
        name: &str,
        platform: &str,
        fault: Option<&str>,
        token: Option<&Path>,
    ) {
        let py = venv().join("bin/python");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reapi/worker.py");
        let mut c = Command::new(py);
        c.arg(script)
            .args([
                "--server",
                &format!("127.0.0.1:{}", self.port),
                "--name",
                name,
            ])
            .arg("--dir")
            .arg(self.worker_dir(name))
            .arg("--cas")
            .arg(self.cas());
        for p in platform.split_whitespace() {
            c.args(["--prop", p]);
        }
        if let Some(f) = fault {
            c.args(["--fault", f]);
        }
        if let Some(t) = token {
            c.arg("--token").arg(t);
        }
        let log = self.dir.path().join(format!("{name}.log"));
        self.workers.push(supervised(&c, "KILL", &log));
        let t0 = Instant::now();
        while !std::fs::read_to_string(&log)
            .unwrap_or_default()
            .contains("ready")
        {
            assert!(
                t0.elapsed() < Duration::from_secs(20),
                "worker {name} did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// What worker `name` printed so far.
    pub fn worker_log(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(format!("{name}.log"))).unwrap_or_default()
    }

    /// Kills BuildGrid (SIGKILL: a crash, not a shutdown).
    pub fn kill_server(&mut self) {
        if let Some(mut s) = self.server.take() {
            if let Some(pid) = supervised_pid(&s) {
                signal(pid, libc::SIGKILL);
            }
            stop_supervised(&mut s);
        }
    }
}

impl Drop for Grid {
    fn drop(&mut self) {
        for w in &mut self.workers {
            stop_supervised(w);
        }
        if let Some(mut s) = self.server.take() {
            stop_supervised(&mut s);
        }
        if let Some(mut pg) = self.pg.take() {
            stop_supervised(&mut pg);
        }
    }
}

/// The grid the healthy-path tests share, with two workers for the real gccgo.
fn shared() -> &'static std::sync::Mutex<Grid> {
    static G: OnceLock<std::sync::Mutex<Grid>> = OnceLock::new();
    G.get_or_init(|| {
        let mut g = Grid::start();
        let p = platform(None);
        g.worker("w1", &p, None);
        g.worker("w2", &p, None);
        std::sync::Mutex::new(g)
    })
}

fn grid_url() -> String {
    shared().lock().unwrap_or_else(|e| e.into_inner()).url()
}

/// The platform line gccgo-build sends for the gccgo found in `path`
/// (PATH value; `None`: the real one), from `-x` against a closed port.
fn platform(path: Option<&str>) -> String {
    let home = tempfile::tempdir().unwrap();
    let m = home.path().join("m");
    write_tree(
        &m,
        &[
            ("go.mod", "module example.com/p\n\ngo 1.18\n"),
            ("p.go", "package p\n\nfunc F() int { return 1 }\n"),
        ],
    );
    let dead = format!("grpc://127.0.0.1:{}/main", free_port());
    let mut c = Command::new(env!("CARGO_BIN_EXE_gccgo-build"));
    c.args(["build", "-x", "--cache", "off", "-remote-exec", &dead, "."])
        .current_dir(&m)
        .env("HOME", home.path());
    if let Some(p) = path {
        c.env("PATH", p);
    }
    let out = c.output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    let line = err
        .lines()
        .find_map(|l| l.strip_prefix("# remote execution on "))
        .unwrap_or_else(|| panic!("no platform line in:\n{err}"));
    line.split_once(": ").map(|(_, p)| p.to_string()).unwrap()
}

/// gccgo-build `args` in `dir` with cache `cache` and PATH `path`.
fn build(dir: &Path, cache: &Path, path: Option<&str>, args: &[&str]) -> (bool, String) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_gccgo-build"));
    c.arg("build")
        .arg("--cache")
        .arg(cache)
        .args(args)
        .current_dir(dir)
        .env_remove("GCCGO_BUILD_REMOTE_EXEC");
    if let Some(p) = path {
        c.env("PATH", p);
    }
    let out = c.output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

/// The `remote execution on …: N actions ran remotely (M from the action cache), L here` counts.
fn counts(log: &str) -> (usize, usize, usize) {
    let l = log
        .lines()
        .find(|l| l.contains("actions ran remotely"))
        .unwrap_or_else(|| panic!("no remote summary in:\n{log}"));
    let nums: Vec<usize> = l
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|w| w.parse().ok())
        .collect::<Vec<_>>();
    // grpc://127.0.0.1:PORT/main: N … (M …), L here
    let n = nums.len();
    assert!(n >= 3, "{l}");
    let after_port = &nums[5..];
    (after_port[0], after_port[1], after_port[2])
}

fn warnings(log: &str) -> Vec<&str> {
    log.lines().filter(|l| l.contains("warning:")).collect()
}

#[test]
fn minion_compiles_remotely_and_links_byte_identical_to_a_local_build() {
    let url = grid_url();
    let t = tempfile::tempdir().unwrap();
    // A gccgo of this test's own (another identity): every compile of a
    // minion package logs where it ran (the linker probe's compile does not).
    let log = t.path().join("gccgo.log");
    let path = gccgo_wrapper(
        &t.path().join("bin"),
        &format!(
            "case \"$*\" in *example.com/minion*) pwd >> '{}';; esac",
            log.display()
        ),
    );
    let p = platform(Some(&path));
    {
        let mut g = shared().lock().unwrap_or_else(|e| e.into_inner());
        g.worker("minion-w", &p, None);
    }
    std::fs::remove_file(&log).ok();
    let exe_r = t.path().join("minion-remote");
    let (ok, err) = build(
        &minion_dir(),
        &t.path().join("cache-r"),
        Some(&path),
        &[
            "-x",
            "-remote-exec",
            &url,
            "-o",
            exe_r.to_str().unwrap(),
            "./cmd/minion",
        ],
    );
    assert!(ok, "{err}");
    assert!(warnings(&err).is_empty(), "{err}");
    let local_compiles = err
        .lines()
        .filter(|l| l.contains("gccgo -c") && !l.starts_with("# remote: "))
        .count();
    assert_eq!(local_compiles, 0, "{err}");
    assert_eq!(counts(&err), (5, 0, 1), "{err}");
    // Every compiler process ran in the worker's directory, none here.
    let ran = std::fs::read_to_string(&log).unwrap_or_default();
    let worker = shared()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .worker_dir("minion-w");
    assert!(!ran.is_empty());
    for l in ran.lines() {
        assert!(
            l.starts_with(worker.to_str().unwrap()),
            "a compile ran at {l}, not on the worker"
        );
    }
    let exe_l = t.path().join("minion-local");
    let (ok, err) = build(
        &minion_dir(),
        &t.path().join("cache-l"),
        Some(&path),
        &["-trimpath", "-o", exe_l.to_str().unwrap(), "./cmd/minion"],
    );
    assert!(ok, "{err}");
    assert!(
        std::fs::read(&exe_l).unwrap() == std::fs::read(&exe_r).unwrap(),
        "the remotely compiled minion differs from the local one"
    );
    let run = Command::new(&exe_r).arg("-selftest").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&run.stdout), minion_expected());

    // -remote-link: the link runs on the worker too, nothing here, and the
    // binary is still the local build's.
    let exe_rl = t.path().join("minion-remote-link");
    let (ok, err) = build(
        &minion_dir(),
        &t.path().join("cache-rl"),
        Some(&path),
        &[
            "-v",
            "-remote-exec",
            &url,
            "-remote-link",
            "-o",
            exe_rl.to_str().unwrap(),
            "./cmd/minion",
        ],
    );
    assert!(ok, "{err}");
    assert!(warnings(&err).is_empty(), "{err}");
    assert_eq!(
        counts(&err).2,
        0,
        "nothing runs here with -remote-link: {err}"
    );
    assert!(
        std::fs::read(&exe_l).unwrap() == std::fs::read(&exe_rl).unwrap(),
        "the remotely linked minion differs from the local one"
    );
}

#[test]
fn a_second_builder_with_an_empty_cache_gets_every_compile_from_the_action_cache() {
    let url = grid_url();
    let t = tempfile::tempdir().unwrap();
    let exe1 = t.path().join("m1");
    let (ok, err) = build(
        &minion_dir(),
        &t.path().join("c1"),
        None,
        &[
            "-v",
            "-remote-exec",
            &url,
            "-o",
            exe1.to_str().unwrap(),
            "./cmd/minion",
        ],
    );
    assert!(ok, "{err}");
    let exe2 = t.path().join("m2");
    let (ok, err) = build(
        &minion_dir(),
        &t.path().join("c2"),
        None,
        &[
            "-v",
            "-remote-exec",
            &url,
            "-o",
            exe2.to_str().unwrap(),
            "./cmd/minion",
        ],
    );
    assert!(ok, "{err}");
    assert_eq!(counts(&err), (5, 5, 1), "{err}");
    assert!(std::fs::read(&exe1).unwrap() == std::fs::read(&exe2).unwrap());
}

#[test]
fn a_server_that_is_down_at_start_means_a_local_build_and_one_warning() {
    let t = tempfile::tempdir().unwrap();
    let dead = format!("grpc://127.0.0.1:{}/main", free_port());
    let exe = t.path().join("m");
    let (ok, err) = build(
        &minion_dir(),
        &t.path().join("c"),
        None,
        &[
            "-v",
            "-remote-exec",
            &dead,
            "-o",
            exe.to_str().unwrap(),
            "./cmd/minion",
        ],
    );
    assert!(ok, "{err}");
    let w = warnings(&err);
    assert_eq!(w.len(), 1, "{err}");
    assert!(
        w[0].contains(&dead) && w[0].contains("building here instead"),
        "{err}"
    );
    let run = Command::new(&exe).arg("-selftest").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&run.stdout), minion_expected());
    // Strict: the same failure is the build's error.
    let (ok, err) = build(
        &minion_dir(),
        &t.path().join("c2"),
        None,
        &[
            "-remote-exec",
            &dead,
            "-remote-exec-strict",
            "-o",
            exe.to_str().unwrap(),
            "./cmd/minion",
        ],
    );
    assert!(!ok, "{err}");
    assert!(err.contains("-remote-exec-strict"), "{err}");
}

/// A one-package module whose source is unique to `name` (no cache hit
/// from another test), with a gccgo wrapper of its own; starts a worker
/// with `fault` for it on the shared grid. Returns (temp dir, module, PATH).
fn faulty(name: &str, fault: &str) -> (tempfile::TempDir, PathBuf, String) {
    let t = tempfile::tempdir().unwrap();
    let m = t.path().join("m");
    write_tree(
        &m,
        &[
            ("go.mod", "module example.com/f\n\ngo 1.18\n"),
            (
                "main.go",
                &format!(
                    "package main\n\nimport \"fmt\"\n\nfunc main() {{ fmt.Println(\"{name}\") }}\n"
                ),
            ),
        ],
    );
    let path = gccgo_wrapper(&t.path().join("bin"), ":");
    let p = platform(Some(&path));
    shared()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .worker(name, &p, Some(fault));
    (t, m, path)
}

fn check_fallback(name: &str, fault: &str, extra: &[&str], why: &str) {
    let url = grid_url();
    let (t, m, path) = faulty(name, fault);
    let exe = t.path().join("f");
    let mut args = vec!["-v", "-remote-exec", &url, "-o", exe.to_str().unwrap()];
    args.extend(extra);
    args.push(".");
    let (ok, err) = build(&m, &t.path().join("c"), Some(&path), &args);
    assert!(ok, "{err}");
    let w = warnings(&err);
    assert_eq!(w.len(), 1, "{err}");
    assert!(
        w[0].contains("building here instead") && w[0].contains(why),
        "{err}"
    );
    let run = Command::new(&exe).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&run.stdout), format!("{name}\n"));
}

#[test]
fn a_worker_that_dies_mid_action_means_a_local_build_and_one_warning() {
    // The server fails the job when the worker's session expires, or the
    // action's deadline (--timeout + 5 s) passes first on a loaded machine.
    check_fallback("dies", "die", &["--timeout", "20"], "");
}

#[test]
fn an_output_that_does_not_match_its_digest_is_caught_and_built_locally() {
    check_fallback("corrupts", "corrupt", &[], "hash to");
}

#[test]
fn an_action_past_its_timeout_is_cancelled_and_built_locally() {
    check_fallback("hangs", "hang", &["--timeout", "3"], "did not finish");
}

#[test]
fn a_server_killed_mid_build_means_a_local_build_and_one_warning() {
    let mut g = Grid::start();
    g.worker("k1", &platform(None), None);
    let t = tempfile::tempdir().unwrap();
    let exe = t.path().join("m");
    let child = Command::new(env!("CARGO_BIN_EXE_gccgo-build"))
        .args(["build", "-v", "--cache"])
        .arg(t.path().join("c"))
        .args([
            "-remote-exec",
            &g.url(),
            "-o",
            exe.to_str().unwrap(),
            "./cmd/minion",
        ])
        .current_dir(minion_dir())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Kill the server once the worker has taken the first action.
    let t0 = Instant::now();
    while std::fs::read_dir(g.worker_dir("k1")).map_or(0, |d| d.count()) == 0 {
        assert!(
            t0.elapsed() < Duration::from_secs(60),
            "the worker never got an action"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    g.kill_server();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert_eq!(warnings(&err).len(), 1, "{err}");
    let run = Command::new(&exe).arg("-selftest").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&run.stdout), minion_expected());
}

#[test]
fn the_remote_cache_speaks_the_action_cache_and_cas_over_grpc() {
    let url = grid_url();
    let t = tempfile::tempdir().unwrap();
    let m = t.path().join("m");
    write_tree(
        &m,
        &[
            ("go.mod", "module example.com/rc\n\ngo 1.18\n"),
            (
                "lib/lib.go",
                "package lib\n\nfunc Answer() int { return 42 }\n",
            ),
            (
                "main.go",
                "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/rc/lib\"\n)\n\nfunc main() { fmt.Println(lib.Answer()) }\n",
            ),
        ],
    );
    for (cache, want_remote) in [("c1", 0), ("c2", 2)] {
        let exe = t.path().join(cache).with_extension("exe");
        let (ok, err) = build(
            &m,
            &t.path().join(cache),
            None,
            &["-remote-cache", &url, "-o", exe.to_str().unwrap(), "."],
        );
        assert!(ok, "{err}");
        assert!(warnings(&err).is_empty(), "{err}");
        let rec = std::fs::read_to_string(t.path().join(cache).join("v2/builds.jsonl")).unwrap();
        assert!(rec.contains(&format!("\"remote\":{want_remote},")), "{rec}");
        let run = Command::new(&exe).output().unwrap();
        assert_eq!(String::from_utf8_lossy(&run.stdout), "42\n");
    }
}

/// A one-package program printing `word`, in `dir`, with its source in `file`.
fn hello(dir: &Path, module: &str, file: &str, word: &str) {
    write_tree(
        dir,
        &[
            (
                "go.mod",
                &format!("module example.com/{module}\n\ngo 1.18\n"),
            ),
            (
                file,
                &format!(
                    "package main\n\nimport \"fmt\"\n\nfunc main() {{ fmt.Println(\"{word}\") }}\n"
                ),
            ),
        ],
    );
}

/// A JWT (HS256, an hour to live) signed with `secret`, made by PyJWT in
/// BuildGrid's venv.
fn jwt(secret: &str) -> String {
    let out = Command::new(venv().join("bin/python"))
        .args([
            "-c",
            "import jwt, sys, time; print(jwt.encode({'sub': 'builder', 'exp': int(time.time()) + 3600}, sys.argv[1], algorithm='HS256'))",
            secret,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn refused_credentials_mean_a_local_build_and_one_warning_that_never_shows_the_token() {
    let t = tempfile::tempdir().unwrap();
    let secret = t.path().join("secret");
    std::fs::write(&secret, "gccgo-build-test-secret\n").unwrap();
    let mut g = Grid::start_with(&format!(
        "\nauthorization:\n  method: jwt\n  secret: {}\n  algorithm: hs256\n",
        secret.display()
    ));
    let good = t.path().join("good.jwt");
    std::fs::write(&good, jwt("gccgo-build-test-secret")).unwrap();
    g.worker_with_token("a1", &platform(None), None, Some(&good));
    let wrong_token = jwt("not-the-server-secret");
    let wrong = t.path().join("wrong.jwt");
    std::fs::write(&wrong, &wrong_token).unwrap();
    let m = t.path().join("m");
    hello(&m, "auth", "main.go", "authorized");
    let exe = t.path().join("exe");
    let run = |token: &Path, cache: &str, strict: bool| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_gccgo-build"));
        c.args(["build", "-v", "--cache"])
            .arg(t.path().join(cache))
            .args(["-remote-exec", &g.url(), "-o"])
            .arg(&exe)
            .current_dir(&m)
            .env("GCCGO_BUILD_REMOTE_EXEC_TOKEN_FILE", token)
            .env_remove("GCCGO_BUILD_REMOTE_EXEC");
        if strict {
            c.arg("-remote-exec-strict");
        }
        let out = c.arg(".").output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    // A wrong token: built here, one warning naming the refusal, not the token.
    let (ok, err) = run(&wrong, "c1", false);
    assert!(ok, "{err}");
    let w = warnings(&err);
    assert_eq!(w.len(), 1, "{err}");
    assert!(
        w[0].contains("refused the credentials") && w[0].contains("building here instead"),
        "{err}"
    );
    assert!(!err.contains(&wrong_token), "the token was printed:\n{err}");
    let out = Command::new(&exe).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "authorized\n");
    // Strict: the refusal is the build's error, and no output is left.
    std::fs::remove_file(&exe).unwrap();
    let (ok, err) = run(&wrong, "c2", true);
    assert!(!ok, "{err}");
    assert!(
        err.contains("refused the credentials") && err.contains("-remote-exec-strict"),
        "{err}"
    );
    assert!(!err.contains(&wrong_token), "the token was printed:\n{err}");
    assert!(!exe.exists());
    // The right token: the compile runs on the worker.
    let (ok, err) = run(&good, "c3", false);
    assert!(ok, "{err}");
    assert!(warnings(&err).is_empty(), "{err}");
    assert_eq!(counts(&err), (1, 0, 1), "{err}");
    let out = Command::new(&exe).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "authorized\n");
}

#[test]
fn an_interrupt_cancels_the_remote_operations_and_leaves_no_output() {
    let url = grid_url();
    let t = tempfile::tempdir().unwrap();
    let m = t.path().join("m");
    hello(&m, "slow", "slowpoke.go", "slow");
    // A gccgo of this test's own that, compiling slowpoke.go, notes its
    // pid and sleeps: the action is still running when the build is
    // interrupted.
    let pidfile = t.path().join("compile.pid");
    let path = gccgo_wrapper(
        &t.path().join("bin"),
        &format!(
            "case \"$*\" in *slowpoke.go*) echo $$ > '{}'; sleep 60;; esac",
            pidfile.display()
        ),
    );
    let p = platform(Some(&path));
    shared()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .worker("slow-w", &p, None);
    let exe = t.path().join("exe");
    let child = Command::new(env!("CARGO_BIN_EXE_gccgo-build"))
        .args(["build", "-x", "--cache"])
        .arg(t.path().join("c"))
        .args(["-remote-exec", &url, "-o"])
        .arg(&exe)
        .arg(".")
        .current_dir(&m)
        .env("PATH", &path)
        .env_remove("GCCGO_BUILD_REMOTE_EXEC")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let t0 = Instant::now();
    let pid = loop {
        if let Some(p) = std::fs::read_to_string(&pidfile)
            .ok()
            .and_then(|s| s.trim().parse::<u32>().ok())
        {
            break p;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(60),
            "the compile never started on the worker"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    signal(child.id(), libc::SIGINT);
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{err}");
    assert!(err.contains("gccgo-build: interrupted"), "{err}");
    assert!(!exe.exists(), "a half-built output was left");
    // The server dropped the lease and the worker killed the compile.
    let t0 = Instant::now();
    loop {
        let log = shared()
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .worker_log("slow-w");
        // Gone, or a zombie nobody has reaped yet.
        let gone = std::fs::read_to_string(format!("/proc/{pid}/stat")).map_or(true, |st| {
            st.rsplit(')')
                .next()
                .is_some_and(|r| r.trim_start().starts_with('Z'))
        });
        if log.contains("cancelled by the server") && gone {
            break;
        }
        // Generous: on a loaded machine the worker's 0.5 s session polls
        // time out for a while before one gets through (seen at 15 s).
        assert!(
            t0.elapsed() < Duration::from_secs(60),
            "the remote compile was not cancelled (pid {pid} alive: {}):\n{log}",
            !gone
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn remote_exec_comes_from_the_profile_and_the_environment_and_the_command_line_wins() {
    let url = grid_url();
    let dead = format!("grpc://127.0.0.1:{}/main", free_port());
    let t = tempfile::tempdir().unwrap();
    let m = t.path().join("m");
    hello(&m, "prof", "main.go", "profiled");
    let host =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("toolchains/host.toml"))
            .unwrap();
    let profile = |name: &str, server: &str| {
        let f = t.path().join(format!("{name}.toml"));
        std::fs::write(
            &f,
            format!("{host}remote_exec = \"{server}\"\nremote_jobs = 2\n"),
        )
        .unwrap();
        f
    };
    let live = profile("live", &url);
    let down = profile("down", &dead);
    let n = std::cell::Cell::new(0);
    let run = |env: Option<&str>, args: &[&str]| {
        n.set(n.get() + 1);
        let mut c = Command::new(env!("CARGO_BIN_EXE_gccgo-build"));
        c.args(["build", "-v", "--cache"])
            .arg(t.path().join(format!("c{}", n.get())))
            .args(args)
            .arg("-o")
            .arg(t.path().join("exe"))
            .arg(".")
            .current_dir(&m)
            .env_remove("GCCGO_BUILD_REMOTE_EXEC");
        if let Some(e) = env {
            c.env("GCCGO_BUILD_REMOTE_EXEC", e);
        }
        let out = c.output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(out.status.success(), "{err}");
        assert!(warnings(&err).is_empty(), "{err}");
        let exe = Command::new(t.path().join("exe")).output().unwrap();
        assert_eq!(String::from_utf8_lossy(&exe.stdout), "profiled\n");
        err
    };
    let remote_on = |err: &str, server: &str| {
        let l = err.lines().find(|l| l.contains("actions ran remotely"));
        assert!(
            l.is_some_and(|l| l.contains(server)),
            "not built on {server}:\n{err}"
        );
        assert_eq!(counts(err), (1, counts(err).1, 1), "{err}");
    };
    let p = |f: &Path| f.to_str().unwrap().to_string();
    // The profile names the server.
    remote_on(&run(None, &["-toolchain", &p(&live)]), &url);
    // The environment names it.
    remote_on(&run(Some(&url), &[]), &url);
    // The command line wins over the profile and the environment.
    remote_on(
        &run(
            Some(&dead),
            &["-toolchain", &p(&down), "-remote-exec", &url],
        ),
        &url,
    );
    // -remote-exec off turns both off: the build is local and says nothing remote.
    for err in [
        run(Some(&url), &["-remote-exec", "off"]),
        run(None, &["-toolchain", &p(&live), "-remote-exec", "off"]),
    ] {
        assert!(!err.contains("actions ran remotely"), "{err}");
    }
}

/// Builds `pkg` in `dir` remotely (`-x`, empty cache) and here with
/// `-trimpath`; asserts no warning, every action but the link remote, and
/// byte-identical programs. Returns the remote build's log and program.
fn remote_equals_local(dir: &Path, pkg: &str) -> (String, PathBuf, tempfile::TempDir) {
    let url = grid_url();
    let t = tempfile::tempdir().unwrap();
    let exe_r = t.path().join("remote");
    let (ok, err) = build(
        dir,
        &t.path().join("cr"),
        None,
        &[
            "-x",
            "-remote-exec",
            &url,
            "-o",
            exe_r.to_str().unwrap(),
            pkg,
        ],
    );
    assert!(ok, "{err}");
    assert!(warnings(&err).is_empty(), "{err}");
    let (n, _, here) = counts(&err);
    assert!(n > 0 && here == 1, "{err}");
    let exe_l = t.path().join("local");
    let (ok, err2) = build(
        dir,
        &t.path().join("cl"),
        None,
        &["-trimpath", "-o", exe_l.to_str().unwrap(), pkg],
    );
    assert!(ok, "{err2}");
    assert!(
        std::fs::read(&exe_l).unwrap() == std::fs::read(&exe_r).unwrap(),
        "the remote build of {pkg} differs from the local one"
    );
    (err, exe_r, t)
}

#[test]
fn embed_and_cgo_packages_compile_remotely_byte_identical_to_local() {
    let t = tempfile::tempdir().unwrap();
    let m = t.path().join("m");
    write_tree(
        &m,
        &[
            ("go.mod", "module example.com/emb\n\ngo 1.18\n"),
            ("static/greeting.txt", "hello from an embedded file\n"),
            (
                "main.go",
                "package main\n\nimport (\n\t_ \"embed\"\n\t\"fmt\"\n)\n\n//go:embed static/greeting.txt\nvar greeting string\n\nfunc main() { fmt.Print(greeting) }\n",
            ),
        ],
    );
    let (_, exe, _t1) = remote_equals_local(&m, ".");
    let out = Command::new(&exe).output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "hello from an embedded file\n"
    );
    let cgodemo = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/cgodemo");
    let (_, exe, _t2) = remote_equals_local(&cgodemo, "./cmd/cgodemo");
    let out = Command::new(&exe).output().unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("sum of squares 1..10 via C calling Go = 385"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// A CA and, signed by it, a server certificate for 127.0.0.1 and a client
/// certificate, made with openssl in `dir` (`ca.pem`, `server.pem`,
/// `server.key`, `client.pem`, `client.key`).
fn test_pki(dir: &Path) {
    let sh = |script: &str| {
        let o = Command::new("sh")
            .args(["-ec", script])
            .current_dir(dir)
            .output()
            .expect("sh");
        assert!(
            o.status.success(),
            "openssl: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    sh("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=gccgo-build test CA' \
        -keyout ca.key -out ca.pem 2>/dev/null
        for who in server client; do
          openssl req -newkey rsa:2048 -nodes -subj \"/CN=$who\" -keyout $who.key -out $who.csr 2>/dev/null
        done
        printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > server.ext
        printf 'extendedKeyUsage=clientAuth\n' > client.ext
        for who in server client; do
          openssl x509 -req -in $who.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
            -extfile $who.ext -out $who.pem 2>/dev/null
        done");
}

/// `grpcs://`: a second BuildGrid channel speaks TLS and asks for a client
/// certificate. With the test's CA (`GCCGO_BUILD_REMOTE_EXEC_CA`) and a
/// client certificate (`…_CERT`, `…_KEY`) the compile runs on the worker;
/// without the client certificate, or without the CA (the web PKI does not
/// know it), the build is done here with one warning.
#[test]
fn grpcs_with_the_ca_and_a_client_certificate_runs_remotely_and_without_them_locally() {
    let t = tempfile::tempdir().unwrap();
    let pki = t.path().join("pki");
    std::fs::create_dir_all(&pki).unwrap();
    test_pki(&pki);
    let tls_port = free_port();
    let f = |n: &str| pki.join(n).display().to_string();
    let mut g = Grid::start_edited(|cfg| {
        cfg.replacen(
            "server:\n",
            &format!(
                "server:\n  - !channel\n    address: \"127.0.0.1:{tls_port}\"\n    insecure-mode: false\n    \
                 credentials:\n      tls-server-key: {}\n      tls-server-cert: {}\n      tls-client-certs: {}\n",
                f("server.key"),
                f("server.pem"),
                f("ca.pem")
            ),
            1,
        )
    });
    g.worker("tls-w", &platform(None), None);
    let m = t.path().join("m");
    hello(&m, "tls", "main.go", "over tls");
    let url = format!("grpcs://127.0.0.1:{tls_port}/main");
    let run = |cache: &str, env: &[(&str, String)]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_gccgo-build"));
        c.args(["build", "-v", "--cache"])
            .arg(t.path().join(cache))
            .args(["-remote-exec", &url, "-o"])
            .arg(t.path().join(cache).with_extension("exe"))
            .arg(".")
            .current_dir(&m)
            .env_remove("GCCGO_BUILD_REMOTE_EXEC")
            .envs(env.iter().map(|(k, v)| (k, v)));
        let out = c.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stderr).to_string()
    };
    let ca = ("GCCGO_BUILD_REMOTE_EXEC_CA", f("ca.pem"));
    let cert = ("GCCGO_BUILD_REMOTE_EXEC_CERT", f("client.pem"));
    let key = ("GCCGO_BUILD_REMOTE_EXEC_KEY", f("client.key"));
    let err = run("c1", &[ca.clone(), cert.clone(), key.clone()]);
    assert!(warnings(&err).is_empty(), "{err}");
    assert_eq!(counts(&err).0, 1, "the compile ran on the worker: {err}");
    for (cache, env, hint) in [
        ("c2", vec![ca.clone()], "GCCGO_BUILD_REMOTE_EXEC_CERT and"),
        (
            "c3",
            vec![cert, key],
            "name its CA's PEM file in GCCGO_BUILD_REMOTE_EXEC_CA",
        ),
    ] {
        let err = run(cache, &env);
        assert_eq!(warnings(&err).len(), 1, "{env:?}: {err}");
        assert!(err.contains("building here instead"), "{err}");
        assert!(err.contains(hint), "{env:?}: {err}");
        let exe = t.path().join(cache).with_extension("exe");
        let out = Command::new(&exe).output().unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), "over tls\n");
    }
}
