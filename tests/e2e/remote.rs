//! The remote cache against real servers: Debian's nginx with its WebDAV
//! module (`dav_methods PUT DELETE; create_full_put_path on;`) and
//! Debian's redis-server, each started by the test on 127.0.0.1 with a free
//! port, its own prefix, configuration and temporary directories under a
//! temp dir, and stopped at the end (`scripts/deps` installs both). Two
//! builders are two local caches building the same checkout.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;

/// A free TCP port on 127.0.0.1 (bound, then released for the server).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Waits until something listens on `port` (10 s at most).
pub fn wait_listening(port: u16, what: &str, log: &Path) {
    let t0 = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            t0.elapsed() < Duration::from_secs(10),
            "{what} did not start listening on {port}:\n{}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Sends SIGTERM to `pid` (the servers' fast shutdown).
pub fn terminate(pid: u32) {
    // SAFETY: kill(2) with a pid we started and a valid signal.
    unsafe {
        libc::kill(pid as libc::pid_t, libc::SIGTERM);
    }
}

/// nginx serving a WebDAV directory, in the foreground (its master is our child).
pub struct Nginx {
    dir: tempfile::TempDir,
    port: u16,
    child: Option<Child>,
}

impl Nginx {
    /// Starts nginx; with `user` and `password`, every request needs them
    /// (`auth_basic` with an htpasswd file made by `openssl passwd -apr1`).
    pub fn start(auth: Option<(&str, &str)>) -> Nginx {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("root")).unwrap();
        std::fs::create_dir_all(d.join("tmp")).unwrap();
        let auth_conf = match auth {
            Some((user, password)) => {
                let hash = Command::new("openssl")
                    .args(["passwd", "-apr1", password])
                    .output()
                    .expect("openssl (for the htpasswd file)");
                let hash = String::from_utf8_lossy(&hash.stdout).trim().to_string();
                std::fs::write(d.join("htpasswd"), format!("{user}:{hash}\n")).unwrap();
                format!(
                    "auth_basic \"gccgo-build cache\";\n      auth_basic_user_file {};",
                    d.join("htpasswd").display()
                )
            }
            None => String::new(),
        };
        let port = free_port();
        let p = d.display();
        write_nginx_conf(
            d,
            1,
            &format!(
                "client_max_body_size 0;\n  server {{\n    listen 127.0.0.1:{port};\n\
                 root {p}/root;\n    location / {{\n      dav_methods PUT DELETE;\n\
                 create_full_put_path on;\n      dav_access user:rw group:r all:r;\n      {auth_conf}\n\
                 }}\n  }}\n"
            ),
        );
        let child = spawn_nginx(d, port);
        Nginx {
            dir,
            port,
            child: Some(child),
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/gccgo", self.port)
    }

    /// The server's files for an area (`ac`, `cas`).
    pub fn files(&self, area: &str) -> Vec<PathBuf> {
        let d = self.dir.path().join("root/gccgo").join(area);
        walkdir::WalkDir::new(d)
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| e.path().to_path_buf())
            .collect()
    }

    /// The requests with `method` in the access log so far.
    pub fn requests(&self, method: &str) -> usize {
        std::fs::read_to_string(self.dir.path().join("access.log"))
            .unwrap_or_default()
            .lines()
            .filter(|l| l.contains(&format!("\"{method} ")))
            .count()
    }

    /// The master's pid file (for a wrapper that stops the server).
    pub fn pid_file(&self) -> PathBuf {
        self.dir.path().join("nginx.pid")
    }

    /// Stops nginx and waits for it.
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            terminate(c.id());
            let _ = c.wait();
        }
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        self.stop();
    }
}

/// redis-server without persistence, in the foreground.
pub struct Redis {
    dir: tempfile::TempDir,
    port: u16,
    child: Child,
}

impl Redis {
    pub fn start() -> Redis {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let log = dir.path().join("redis.log");
        let child = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
            .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
            .arg("--dir")
            .arg(dir.path())
            .arg("--logfile")
            .arg(&log)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server (Debian's redis-server; scripts/deps installs it)");
        wait_listening(port, "redis-server", &log);
        Redis { dir, port, child }
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/3", self.port)
    }

    /// Keys in database 3.
    pub fn keys(&self) -> usize {
        let o = Command::new("redis-cli")
            .args(["-p", &self.port.to_string(), "-n", "3", "DBSIZE"])
            .output()
            .expect("redis-cli");
        String::from_utf8_lossy(&o.stdout)
            .trim()
            .parse()
            .unwrap_or(0)
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        terminate(self.child.id());
        let _ = self.child.wait();
        let _ = &self.dir;
    }
}

/// A copy of examples/minion that builders build with their own caches.
struct Checkout {
    dir: tempfile::TempDir,
}

impl Checkout {
    fn new() -> Checkout {
        let dir = tempfile::tempdir().unwrap();
        for e in walkdir::WalkDir::new(minion_dir()) {
            let e = e.unwrap();
            let dest = dir
                .path()
                .join(e.path().strip_prefix(minion_dir()).unwrap());
            if e.file_type().is_dir() {
                std::fs::create_dir_all(&dest).unwrap();
            } else {
                std::fs::copy(e.path(), &dest).unwrap();
            }
        }
        Checkout { dir }
    }

    fn out(&self) -> PathBuf {
        self.dir.path().join("minion")
    }

    /// A build of ./cmd/minion with -x, the local cache `cache`, the remote
    /// `url`, `extra` flags and environment `env`: (success, stderr).
    fn build(
        &self,
        cache: &Path,
        url: &str,
        extra: &[&str],
        env: &[(&str, &str)],
    ) -> (bool, String) {
        let mut c = bin();
        c.current_dir(self.dir.path())
            .env("GCCGO_BUILD_CACHE", cache)
            .env_remove("GCCGO_BUILD_REMOTE_CACHE_TOKEN")
            .env("GCCGO_BUILD_REMOTE_CACHE_TIMEOUT", "20")
            .args(["build", "-x", "-j", "2", "--remote-cache", url])
            .args(extra)
            .args(["-o", "minion", "./cmd/minion"]);
        for (k, v) in env {
            c.env(k, v);
        }
        let o = run(&mut c);
        (
            o.status.success(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    }

    fn selftest_ok(&self) {
        let (out, _) = ok(run_target(None, &self.out(), &["-selftest"]));
        assert_eq!(out, minion_expected());
    }
}

/// Compiles in an -x log (`gccgo … -c` lines).
fn compiles(log: &str) -> Vec<String> {
    log.lines()
        .filter(|l| l.contains("gccgo -c ") || l.contains("gccgo\" -c "))
        .map(|l| {
            l.split_whitespace()
                .find_map(|w| w.strip_prefix("-fgo-pkgpath="))
                .unwrap_or("main")
                .to_string()
        })
        .collect()
}

/// Links in an -x log.
fn links(log: &str) -> usize {
    log.lines().filter(|l| l.contains(" -static-libgo")).count()
}

/// The remote cache's warning lines.
fn warnings(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|l| l.starts_with("gccgo-build: warning: remote cache"))
        .collect()
}

/// Builder A fills the remote cache from a cold build; builder B, with an
/// empty local cache, then builds without running any compiler or linker
/// and gets the same bytes.
fn second_builder_runs_nothing(url: &str) {
    let co = Checkout::new();
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (ok_a, log_a) = co.build(a.path(), url, &[], &[]);
    assert!(ok_a, "{log_a}");
    assert_eq!(compiles(&log_a).len(), 5, "{log_a}");
    assert!(warnings(&log_a).is_empty(), "{log_a}");
    let first = std::fs::read(co.out()).unwrap();
    std::fs::remove_file(co.out()).unwrap();
    let (ok_b, log_b) = co.build(b.path(), url, &[], &[]);
    assert!(ok_b, "{log_b}");
    assert!(compiles(&log_b).is_empty(), "builder B compiled:\n{log_b}");
    assert_eq!(links(&log_b), 0, "builder B linked:\n{log_b}");
    assert!(warnings(&log_b).is_empty(), "{log_b}");
    assert!(
        std::fs::read(co.out()).unwrap() == first,
        "builder B's binary differs from builder A's"
    );
    co.selftest_ok();
    // B's cache now holds everything: its next build asks nobody.
    let stats = bin()
        .env("GCCGO_BUILD_CACHE", b.path())
        .args(["cache", "stats", "--json"])
        .output()
        .unwrap();
    let (out, _) = ok(stats);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["builds"][0]["remote"], 6, "{out}");
    assert_eq!(v["builds"][0]["ran"], 0, "{out}");
}

#[test]
fn second_builder_gets_minion_from_nginx() {
    let ngx = Nginx::start(None);
    second_builder_runs_nothing(&ngx.url());
    assert!(ngx.files("ac").len() >= 6, "manifests on the server");
}

#[test]
fn second_builder_gets_minion_from_redis() {
    let r = Redis::start();
    second_builder_runs_nothing(&r.url());
    assert!(r.keys() >= 12, "{} keys", r.keys());
}

#[test]
fn readonly_builders_never_write() {
    let ngx = Nginx::start(None);
    let co = Checkout::new();
    let caches: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let url = ngx.url();
    let (ok1, log) = co.build(caches[0].path(), &url, &["--remote-cache-readonly"], &[]);
    assert!(ok1, "{log}");
    assert_eq!((ngx.files("cas").len(), ngx.requests("PUT")), (0, 0));
    // A trusted builder pushes; a read-only one then pulls and adds nothing.
    std::fs::remove_file(co.out()).unwrap();
    let (ok2, log) = co.build(caches[1].path(), &url, &[], &[]);
    assert!(ok2, "{log}");
    let (blobs, puts) = (ngx.files("cas").len(), ngx.requests("PUT"));
    assert!(blobs > 0 && puts > 0);
    std::fs::remove_file(co.out()).unwrap();
    let (ok3, log) = co.build(caches[2].path(), &url, &["--remote-cache-readonly"], &[]);
    assert!(ok3 && compiles(&log).is_empty(), "{log}");
    assert_eq!((ngx.files("cas").len(), ngx.requests("PUT")), (blobs, puts));
    co.selftest_ok();
}

#[test]
fn server_stopped_mid_build_means_a_local_build_and_one_warning() {
    let mut ngx = Nginx::start(None);
    let co = Checkout::new();
    let cache = tempfile::tempdir().unwrap();
    // The compiler stops the server when the build reaches internal/rpc.
    let bin_dir = co.dir.path().join("bin");
    let path = gccgo_wrapper(
        &bin_dir,
        &format!(
            "case \"$*\" in *internal/rpc*) kill -TERM \"$(cat '{}')\"; sleep 1;; esac",
            ngx.pid_file().display()
        ),
    );
    let (ok, log) = co.build(cache.path(), &ngx.url(), &[], &[("PATH", &path)]);
    ngx.stop();
    assert!(ok, "{log}");
    assert_eq!(compiles(&log).len(), 5, "{log}");
    let w = warnings(&log);
    assert_eq!(w.len(), 1, "{log}");
    assert!(w[0].contains("building without it"), "{log}");
    co.selftest_ok();
}

#[test]
fn a_corrupted_blob_on_the_server_is_caught_and_rebuilt_locally() {
    let ngx = Nginx::start(None);
    let co = Checkout::new();
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (ok_a, log) = co.build(a.path(), &ngx.url(), &[], &[]);
    assert!(ok_a, "{log}");
    let good = std::fs::read(co.out()).unwrap();
    std::fs::remove_file(co.out()).unwrap();
    // Damage the object of internal/wire on the server's disk.
    let manifest = ngx
        .files("ac")
        .into_iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .find(|m| m.contains("\"label\": \"example.com/minion/internal/wire\""))
        .expect("wire's manifest on the server");
    let meta: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    let sha = meta["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "object")
        .unwrap()["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    let blob = ngx.dir.path().join("root/gccgo/cas").join(&sha);
    let mut bytes = std::fs::read(&blob).unwrap();
    let mid = bytes.len() / 2;
    for x in &mut bytes[mid..mid + 64] {
        *x ^= 0x5a;
    }
    std::fs::write(&blob, &bytes).unwrap();

    let (ok_b, log) = co.build(b.path(), &ngx.url(), &[], &[]);
    assert!(ok_b, "{log}");
    assert_eq!(
        compiles(&log),
        ["example.com/minion/internal/wire"],
        "{log}"
    );
    let w = warnings(&log);
    assert_eq!(w.len(), 1, "{log}");
    assert!(w[0].contains("damaged") && w[0].contains(&sha), "{log}");
    assert!(std::fs::read(co.out()).unwrap() == good);
    co.selftest_ok();
    // Nothing damaged reached B's local cache; the server got the good blob back.
    assert_eq!(damaged_files(b.path()), Vec::<PathBuf>::new());
    let fixed = std::fs::read(&blob).unwrap();
    assert_eq!(sha256_hex(&fixed), sha, "the blob was uploaded again");
}

/// Files of a local cache's entries whose sha256 is not what their meta says.
fn damaged_files(cache: &Path) -> Vec<PathBuf> {
    let mut bad = Vec::new();
    for e in walkdir::WalkDir::new(cache).into_iter().flatten() {
        if e.file_name() != "meta.json" {
            continue;
        }
        let meta: serde_json::Value =
            serde_json::from_slice(&std::fs::read(e.path()).unwrap()).unwrap();
        for f in meta["files"].as_array().unwrap() {
            let p = e.path().parent().unwrap().join(f["name"].as_str().unwrap());
            if sha256_hex(&std::fs::read(&p).unwrap()) != f["sha256"].as_str().unwrap() {
                bad.push(p);
            }
        }
    }
    bad
}

fn sha256_hex(b: &[u8]) -> String {
    let o = Command::new("sha256sum")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write as _;
            c.stdin.take().unwrap().write_all(b)?;
            c.wait_with_output()
        })
        .expect("sha256sum");
    String::from_utf8_lossy(&o.stdout)
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_string()
}

#[test]
fn wrong_credentials_give_one_clear_warning_and_a_local_build() {
    let ngx = Nginx::start(Some(("builder", "right-one")));
    let co = Checkout::new();
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let wrong = [("GCCGO_BUILD_REMOTE_CACHE_TOKEN", "builder:wrong-one")];
    let (ok1, log) = co.build(a.path(), &ngx.url(), &[], &wrong);
    assert!(ok1, "{log}");
    assert_eq!(compiles(&log).len(), 5, "{log}");
    let w = warnings(&log);
    assert_eq!(w.len(), 1, "{log}");
    assert!(
        w[0].contains("refused the credentials") && w[0].contains("401"),
        "{log}"
    );
    assert!(!log.contains("wrong-one"), "the password leaked:\n{log}");
    assert_eq!(ngx.files("cas").len(), 0);
    // The right ones, from the environment: uploads.
    std::fs::remove_file(co.out()).unwrap();
    let right = [("GCCGO_BUILD_REMOTE_CACHE_TOKEN", "builder:right-one")];
    let (ok2, log) = co.build(b.path(), &ngx.url(), &[], &right);
    assert!(ok2 && warnings(&log).is_empty(), "{log}");
    assert!(!ngx.files("cas").is_empty());
    // And from a netrc file: downloads.
    std::fs::remove_file(co.out()).unwrap();
    let netrc = co.dir.path().join("netrc");
    std::fs::write(
        &netrc,
        "machine 127.0.0.1\n  login builder\n  password right-one\n",
    )
    .unwrap();
    let env = [("NETRC", netrc.to_str().unwrap())];
    let (ok3, log) = co.build(c.path(), &ngx.url(), &[], &env);
    assert!(ok3 && warnings(&log).is_empty(), "{log}");
    assert!(compiles(&log).is_empty(), "{log}");
    co.selftest_ok();
}

#[test]
fn credentials_in_the_url_are_refused_without_echoing_them() {
    let co = Checkout::new();
    let cache = tempfile::tempdir().unwrap();
    let (ok, log) = co.build(cache.path(), "http://bob:hunter2@127.0.0.1:1/", &[], &[]);
    assert!(!ok, "{log}");
    assert!(log.contains("GCCGO_BUILD_REMOTE_CACHE_TOKEN"), "{log}");
    assert!(!log.contains("hunter2"), "{log}");
}

/// Writes `d/nginx.conf` for an nginx of the tests' own: in the
/// foreground, pid, logs and temporary files under `d` (`d/tmp` made
/// here), `workers` worker processes (as root, running as root: the
/// default user, nobody, could not write under `d`), and `http` (server
/// blocks and directives) inside the `http` block.
pub fn write_nginx_conf(d: &Path, workers: u32, http: &str) {
    std::fs::create_dir_all(d.join("tmp")).unwrap();
    let user = if unsafe { libc::geteuid() } == 0 {
        "user root;"
    } else {
        ""
    };
    let p = d.display();
    std::fs::write(
        d.join("nginx.conf"),
        format!(
            "daemon off;\nworker_processes {workers};\n{user}\npid {p}/nginx.pid;\n\
             error_log {p}/error.log;\nevents {{ worker_connections 64; }}\n\
             http {{\n  access_log {p}/access.log;\n  client_body_temp_path {p}/tmp/body;\n\
             proxy_temp_path {p}/tmp/proxy;\n  fastcgi_temp_path {p}/tmp/fastcgi;\n\
             uwsgi_temp_path {p}/tmp/uwsgi;\n  scgi_temp_path {p}/tmp/scgi;\n  {http}}}\n"
        ),
    )
    .unwrap();
}

/// Starts Debian's nginx with prefix `d` and `d/nginx.conf` (errors to
/// `d/error.log`), and waits until it listens on 127.0.0.1:`port`.
pub fn spawn_nginx(d: &Path, port: u16) -> std::process::Child {
    let child = Command::new("nginx")
        .arg("-p")
        .arg(d)
        .arg("-c")
        .arg(d.join("nginx.conf"))
        .arg("-e")
        .arg(d.join("error.log"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("nginx (Debian's nginx package; scripts/deps installs it)");
    wait_listening(port, "nginx", &d.join("error.log"));
    child
}
