//! Modules downloaded without a go command: a GOPROXY served from a
//! directory (`file://`) and by a real nginx on 127.0.0.1, the proxy's
//! files made from Debian's Go libraries by golang.org/x/mod (the
//! `modproxy` fixture, built here with `go build`), and faults injected in
//! those files or that server.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::Instant;

use crate::common::*;
use crate::remote::{free_port, terminate, wait_listening};

/// The `modproxy` fixture (tests/e2e/modproxy), built once per run in
/// GOPATH mode against Debian's golang.org/x/mod.
fn modproxy() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("modproxy");
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/modproxy/main.go");
        let o = run(Command::new("go")
            .args(["build", "-o"])
            .arg(&out)
            .arg(&src)
            .env("GO111MODULE", "off")
            .env("GOPATH", "/usr/share/gocode")
            .env("GOFLAGS", "")
            .env(
                "GOCACHE",
                Path::new(env!("CARGO_TARGET_TMPDIR")).join("modproxy-gocache"),
            ));
        assert!(
            o.status.success(),
            "building modproxy (needs golang-golang-x-mod-dev): {o:?}"
        );
        out
    })
    .clone()
}

/// Writes a GOPROXY directory at `out` from (path, version, source dir or
/// "-" for a go.mod-only version); `out/go.sum.all` holds every hash.
fn make_proxy(out: &Path, mods: &[(&str, &str, &str)]) {
    let spec = out.with_extension("spec");
    let text: String = mods
        .iter()
        .map(|(p, v, s)| format!("{p} {v} {s}\n"))
        .collect();
    std::fs::write(&spec, text).unwrap();
    let o = run(Command::new(modproxy()).arg("make").arg(out).arg(&spec));
    assert!(o.status.success(), "modproxy make: {o:?}");
}

/// A PATH without the go command: a directory of links to everything in
/// /usr/bin but `go` and `gofmt`, then /usr/sbin and /sbin.
fn path_without_go() -> String {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    let d = DIR.get_or_init(|| {
        let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bin-without-go");
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        for e in std::fs::read_dir("/usr/bin").unwrap().flatten() {
            let n = e.file_name();
            if n != "go" && n != "gofmt" {
                let _ = std::os::unix::fs::symlink(e.path(), d.join(&n));
            }
        }
        d
    });
    format!("{}:/usr/sbin:/sbin", d.display())
}

/// Debian's Go libraries as the modules of `dnstool` (below): the real
/// ones with the version the requirements ask for, the others go.mod only.
const DEBIAN_MODULES: &[(&str, &str, &str)] = &[
    ("github.com/miekg/dns", "v1.1.50", "github.com/miekg/dns"),
    ("golang.org/x/net", "v0.7.0", "golang.org/x/net"),
    ("golang.org/x/sys", "v0.5.0", "golang.org/x/sys"),
    ("golang.org/x/sync", "v0.1.0", "golang.org/x/sync"),
    ("golang.org/x/text", "v0.7.0", "golang.org/x/text"),
    ("github.com/spf13/cobra", "v1.6.1", "github.com/spf13/cobra"),
    ("github.com/spf13/pflag", "v1.0.5", "github.com/spf13/pflag"),
    (
        "github.com/sirupsen/logrus",
        "v1.9.0",
        "github.com/sirupsen/logrus",
    ),
    ("gopkg.in/yaml.v3", "v3.0.1", "gopkg.in/yaml.v3"),
    (
        "github.com/cespare/xxhash/v2",
        "v2.1.1",
        "github.com/cespare/xxhash",
    ),
    ("golang.org/x/term", "v0.5.0", "-"),
    (
        "golang.org/x/net",
        "v0.0.0-20210726213435-c6fcb2dbf985",
        "-",
    ),
    (
        "golang.org/x/sync",
        "v0.0.0-20210220032951-036812b2e83c",
        "-",
    ),
    (
        "golang.org/x/sys",
        "v0.0.0-20210630005230-0f9fa26af87c",
        "-",
    ),
    (
        "golang.org/x/sys",
        "v0.0.0-20220715151400-c0bba94af5f8",
        "-",
    ),
    (
        "golang.org/x/tools",
        "v0.1.6-0.20210726203631-07bc1bf47fb2",
        "-",
    ),
    ("github.com/cpuguy83/go-md2man/v2", "v2.0.2", "-"),
    ("github.com/inconshreveable/mousetrap", "v1.0.1", "-"),
    ("github.com/davecgh/go-spew", "v1.1.1", "-"),
    ("github.com/stretchr/testify", "v1.7.0", "-"),
    (
        "gopkg.in/check.v1",
        "v0.0.0-20161208181325-20d25e280405",
        "-",
    ),
];

/// The proxy of `DEBIAN_MODULES`, made once per run.
fn debian_proxy() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("modfetch-debian-proxy");
        let _ = std::fs::remove_dir_all(&d);
        let full: Vec<(String, String, String)> = DEBIAN_MODULES
            .iter()
            .map(|(p, v, s)| {
                let src = if *s == "-" {
                    "-".to_string()
                } else {
                    format!("/usr/share/gocode/src/{s}")
                };
                (p.to_string(), v.to_string(), src)
            })
            .collect();
        let refs: Vec<(&str, &str, &str)> = full
            .iter()
            .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
            .collect();
        make_proxy(&d, &refs);
        d
    })
    .clone()
}

/// A command with nine modules (eight of them the issue's) behind it.
const DNSTOOL_GO_MOD: &str = "module example.com/dnstool\n\ngo 1.17\n\nrequire (\n\
\tgithub.com/cespare/xxhash/v2 v2.1.1\n\tgithub.com/miekg/dns v1.1.50\n\
\tgithub.com/sirupsen/logrus v1.9.0\n\tgithub.com/spf13/cobra v1.6.1\n\
\tgithub.com/spf13/pflag v1.0.5\n\tgolang.org/x/sync v0.1.0\n\tgolang.org/x/sys v0.5.0\n\
\tgopkg.in/yaml.v3 v3.0.1\n)\n\nrequire golang.org/x/net v0.7.0 // indirect\n";

const DNSTOOL_MAIN: &str = r#"package main

import (
	"fmt"

	"github.com/cespare/xxhash/v2"
	"github.com/miekg/dns"
	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/sync/errgroup"
	"golang.org/x/sys/unix"
	"gopkg.in/yaml.v3"
)

func main() {
	var g errgroup.Group
	m := new(dns.Msg)
	m.SetQuestion("example.org.", dns.TypeA)
	g.Go(func() error { _, err := m.Pack(); return err })
	if err := g.Wait(); err != nil {
		logrus.Fatal(err)
	}
	out, _ := yaml.Marshal(map[string]string{"q": m.Question[0].Name})
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	cmd := &cobra.Command{Use: "dnstool"}
	fmt.Printf("%sxxhash=%x page=%v cmd=%s flags=%v\n", out, xxhash.Sum64String("gccgo"), unix.Getpagesize() > 0, cmd.Use, fs.HasFlags())
}
"#;

const DNSTOOL_OUTPUT: &str =
    "q: example.org.\nxxhash=d2bef0765e2ddef5 page=true cmd=dnstool flags=false\n";

/// Writes dnstool into `dir` with the proxy's go.sum.
fn write_dnstool(dir: &Path) {
    write_tree(
        dir,
        &[("go.mod", DNSTOOL_GO_MOD), ("main.go", DNSTOOL_MAIN)],
    );
    std::fs::copy(debian_proxy().join("go.sum.all"), dir.join("go.sum")).unwrap();
}

/// gccgo-build in `dir` with a module cache and GOPROXY, no checksum
/// database (the go.sum is complete) and no go command on PATH.
fn gb_mod(dir: &Path, modcache: &Path, goproxy: &str, args: &[&str]) -> Output {
    run(bin()
        .current_dir(dir)
        .env("PATH", path_without_go())
        .env("GOMODCACHE", modcache)
        .env("GOPROXY", goproxy)
        .env("GOSUMDB", "off")
        .env_remove("GOPRIVATE")
        .env_remove("GONOPROXY")
        .env_remove("GONOSUMDB")
        .args(args))
}

/// The go command with the same module settings (and its own build cache).
fn go_mod(dir: &Path, modcache: &Path, goproxy: &str, args: &[&str]) -> Output {
    run(Command::new("go")
        .current_dir(dir)
        .env("GOMODCACHE", modcache)
        .env("GOPROXY", goproxy)
        .env("GOSUMDB", "off")
        .env("GOFLAGS", "-mod=readonly")
        .env(
            "GOCACHE",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("modfetch-gocache"),
        )
        .env_remove("GOPRIVATE")
        .env_remove("GONOPROXY")
        .env_remove("GONOSUMDB")
        .args(args))
}

/// nginx serving `root` at `/`, with `/fail500/` answering 500, `/gone/`
/// 410 and `/slow/` serving `root` at 64 KB/s; stopped when dropped.
struct ProxyServer {
    dir: tempfile::TempDir,
    port: u16,
    child: Option<Child>,
}

impl ProxyServer {
    fn start(root: &Path) -> ProxyServer {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("tmp")).unwrap();
        let port = free_port();
        let user = if unsafe { libc::geteuid() } == 0 {
            "user root;"
        } else {
            ""
        };
        let (p, r) = (d.display(), root.display());
        std::fs::write(
            d.join("nginx.conf"),
            format!(
                "daemon off;\nworker_processes 2;\n{user}\npid {p}/nginx.pid;\nerror_log {p}/error.log;\n\
                 events {{ worker_connections 64; }}\nhttp {{\n  access_log {p}/access.log;\n\
                 client_body_temp_path {p}/tmp/body;\n  proxy_temp_path {p}/tmp/proxy;\n\
                 fastcgi_temp_path {p}/tmp/fastcgi;\n  uwsgi_temp_path {p}/tmp/uwsgi;\n\
                 scgi_temp_path {p}/tmp/scgi;\n  server {{\n    listen 127.0.0.1:{port};\n    root {r};\n\
                 location /fail500/ {{ return 500; }}\n    location /gone/ {{ return 410; }}\n\
                 location /slow/ {{ alias {r}/; limit_rate 65536; }}\n  }}\n}}\n"
            ),
        )
        .unwrap();
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
        ProxyServer {
            dir,
            port,
            child: Some(child),
        }
    }

    fn url(&self, under: &str) -> String {
        format!("http://127.0.0.1:{}{under}", self.port)
    }

    /// GET requests logged so far.
    fn gets(&self) -> usize {
        std::fs::read_to_string(self.dir.path().join("access.log"))
            .unwrap_or_default()
            .lines()
            .filter(|l| l.contains("\"GET "))
            .count()
    }
}

impl Drop for ProxyServer {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            terminate(c.id());
            let _ = c.wait();
        }
    }
}

/// Every file under `dir`, relative, without lock files (go and we both leave them).
fn files_under(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(dir).unwrap().display().to_string())
        .filter(|n| !n.ends_with(".lock"))
        .collect();
    v.sort();
    v
}

/// Makes a module cache writable again so the temp dir can go.
fn unseal(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    for e in walkdir::WalkDir::new(dir).into_iter().flatten() {
        if e.file_type().is_dir() {
            let _ = std::fs::set_permissions(e.path(), std::fs::Permissions::from_mode(0o755));
        }
    }
}

#[test]
fn module_project_builds_from_an_empty_cache_through_an_http_proxy_without_go() {
    let proxy = debian_proxy();
    let server = ProxyServer::start(&proxy);
    let d = tempfile::tempdir().unwrap();
    let proj = d.path().join("dnstool");
    write_dnstool(&proj);
    let cache = d.path().join("modcache");
    // No go command on the PATH gccgo-build sees.
    let which = run(Command::new("sh")
        .args(["-c", "command -v go"])
        .env("PATH", path_without_go()));
    assert!(!which.status.success(), "go is still on PATH: {which:?}");

    let t0 = Instant::now();
    let (_, err) = ok(gb_mod(
        &proj,
        &cache,
        &server.url(""),
        &["build", "-o", "dnstool", "."],
    ));
    eprintln!(
        "gccgo-build: empty cache → built in {:.1}s through nginx",
        t0.elapsed().as_secs_f64()
    );
    assert!(!err.contains("error"), "{err}");
    let out = run(&mut Command::new(proj.join("dnstool")));
    assert_eq!(String::from_utf8_lossy(&out.stdout), DNSTOOL_OUTPUT);
    for m in [
        "github.com/miekg/dns@v1.1.50",
        "golang.org/x/sys@v0.5.0",
        "gopkg.in/yaml.v3@v3.0.1",
    ] {
        assert!(
            cache.join(m).join("go.mod").is_file() || cache.join(m).is_dir(),
            "{m} not extracted"
        );
    }
    assert!(
        cache
            .join("cache/download/golang.org/x/sys/@v/v0.5.0.ziphash")
            .is_file()
    );
    // Read-only, as go leaves it.
    let meta = std::fs::metadata(cache.join("golang.org/x/sys@v0.5.0")).unwrap();
    assert!(meta.permissions().readonly());

    // Rebuild with the proxy off: everything comes from the cache.
    let before = server.gets();
    std::fs::remove_file(proj.join("dnstool")).unwrap();
    ok(gb_mod(
        &proj,
        &cache,
        "off",
        &["build", "-o", "dnstool", "."],
    ));
    assert_eq!(server.gets(), before, "GOPROXY=off fetched something");
    assert!(proj.join("dnstool").is_file());

    // The go command builds offline from the cache gccgo-build filled.
    let o = go_mod(&proj, &cache, "off", &["build", "-o", "dnstool-gc", "."]);
    assert!(
        o.status.success(),
        "go build from our cache: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = run(&mut Command::new(proj.join("dnstool-gc")));
    assert_eq!(String::from_utf8_lossy(&out.stdout), DNSTOOL_OUTPUT);

    // gccgo-build builds offline from a cache `go mod download` filled
    // (same directory, emptied first, so the compile cache still applies).
    unseal(&cache);
    std::fs::remove_dir_all(&cache).unwrap();
    let t0 = Instant::now();
    let o = go_mod(&proj, &cache, &server.url(""), &["mod", "download"]);
    let go_secs = t0.elapsed().as_secs_f64();
    assert!(o.status.success(), "go mod download: {o:?}");
    std::fs::remove_file(proj.join("dnstool")).unwrap();
    ok(gb_mod(
        &proj,
        &cache,
        "off",
        &["build", "-o", "dnstool", "."],
    ));
    let out = run(&mut Command::new(proj.join("dnstool")));
    assert_eq!(String::from_utf8_lossy(&out.stdout), DNSTOOL_OUTPUT);

    // Download time: gccgo-build mod download against go mod download, same proxy.
    let ours = d.path().join("modcache-ours");
    let t0 = Instant::now();
    ok(gb_mod(&proj, &ours, &server.url(""), &["mod", "download"]));
    let our_secs = t0.elapsed().as_secs_f64();
    eprintln!("mod download through nginx: gccgo-build {our_secs:.2}s, go {go_secs:.2}s");
    assert_eq!(
        files_under(&ours),
        files_under(&cache),
        "the two caches differ"
    );
    unseal(&cache);
    unseal(&ours);
}
