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
use crate::remote::{free_port, terminate};

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
pub(crate) fn make_proxy(out: &Path, mods: &[(&str, &str, &str)]) {
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
pub(crate) fn path_without_go() -> String {
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
        let r = root.display();
        crate::remote::write_nginx_conf(
            d,
            2,
            &format!(
                "server {{\n    listen 127.0.0.1:{port};\n    root {r};\n\
                 location /fail500/ {{ return 500; }}\n    location /gone/ {{ return 410; }}\n\
                 location /slow/ {{ alias {r}/; limit_rate 65536; }}\n  }}\n"
            ),
        );
        let child = crate::remote::spawn_nginx(d, port);
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
pub(crate) fn unseal(dir: &Path) {
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

    // `list -m all` equals go's on the same project and proxy.
    let (ours, _) = ok(gb_mod(
        &proj,
        &cache,
        &server.url(""),
        &["list", "-m", "all"],
    ));
    let o = go_mod(&proj, &cache, &server.url(""), &["list", "-m", "all"]);
    assert!(o.status.success(), "go list -m all: {o:?}");
    assert_eq!(ours, String::from_utf8_lossy(&o.stdout), "list -m all");
    assert!(ours.lines().count() > 8, "{ours}");

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

/// A one-module world: example.com/greet v1.0.0 (source under `root/src`)
/// in a proxy at `root/proxy`, and `root/hello` requiring it with the
/// proxy's go.sum.
fn greet_world(root: &Path) -> (PathBuf, PathBuf) {
    let src = root.join("src");
    write_tree(
        &src,
        &[
            ("go.mod", "module example.com/greet\n\ngo 1.17\n"),
            (
                "greet.go",
                "package greet\n\nfunc Hello() string { return \"hello from greet\" }\n",
            ),
        ],
    );
    let proxy = root.join("proxy");
    make_proxy(
        &proxy,
        &[("example.com/greet", "v1.0.0", src.to_str().unwrap())],
    );
    let hello = root.join("hello");
    write_tree(
        &hello,
        &[
            (
                "go.mod",
                "module example.com/hello\n\ngo 1.17\n\nrequire example.com/greet v1.0.0\n",
            ),
            (
                "main.go",
                "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/greet\"\n)\n\nfunc main() { fmt.Println(greet.Hello()) }\n",
            ),
        ],
    );
    std::fs::copy(proxy.join("go.sum.all"), hello.join("go.sum")).unwrap();
    (proxy, hello)
}

fn greet_zip(proxy: &Path) -> PathBuf {
    proxy.join("example.com/greet/@v/v1.0.0.zip")
}

/// Writes a zip of (name, contents, is symlink) entries over `zip`.
fn write_zip(zip: &Path, entries: &[(&str, &str, bool)]) {
    use std::io::Write;
    let f = std::fs::File::create(zip).unwrap();
    let mut w = ::zip::ZipWriter::new(f);
    for (name, body, link) in entries {
        let opts = ::zip::write::SimpleFileOptions::default();
        if *link {
            w.add_symlink(*name, *body, opts).unwrap();
        } else {
            w.start_file(*name, opts).unwrap();
            w.write_all(body.as_bytes()).unwrap();
        }
    }
    w.finish().unwrap();
}

#[test]
fn tampered_zip_is_refused_with_go_sum_security_error_as_go() {
    let d = tempfile::tempdir().unwrap();
    let (proxy, hello) = greet_world(d.path());
    // The proxy now serves other bits than go.sum recorded.
    write_zip(
        &greet_zip(&proxy),
        &[
            (
                "example.com/greet@v1.0.0/go.mod",
                "module example.com/greet\n\ngo 1.17\n",
                false,
            ),
            (
                "example.com/greet@v1.0.0/greet.go",
                "package greet\n\nfunc Hello() string { return \"pwned\" }\n",
                false,
            ),
        ],
    );
    let url = format!("file://{}", proxy.display());
    let cache = d.path().join("cache");
    let (_, err) = fails(gb_mod(&hello, &cache, &url, &["build", "-o", "hello", "."]));
    assert!(
        err.contains("verifying example.com/greet@v1.0.0: checksum mismatch\n\tdownloaded: h1:"),
        "{err}"
    );
    assert!(err.contains("\n\tgo.sum:     h1:"), "{err}");
    assert!(
        err.contains(
            "SECURITY ERROR\nThis download does NOT match an earlier download recorded in go.sum."
        ),
        "{err}"
    );
    assert!(!hello.join("hello").exists(), "a binary was written");
    assert!(
        !cache.join("example.com/greet@v1.0.0").exists(),
        "the module was extracted"
    );
    assert!(
        !cache
            .join("cache/download/example.com/greet/@v/v1.0.0.zip")
            .exists(),
        "the zip was kept"
    );
    // go says the same and fails too.
    let o = go_mod(
        &hello,
        &d.path().join("gocache"),
        &url,
        &["build", "-o", "hello", "."],
    );
    let go_err = String::from_utf8_lossy(&o.stderr);
    assert!(
        !o.status.success() && go_err.contains("SECURITY ERROR"),
        "{go_err}"
    );
    assert!(
        go_err.contains("verifying example.com/greet@v1.0.0: checksum mismatch"),
        "{go_err}"
    );
    unseal(&d.path().join("gocache"));
}

#[test]
fn zip_slip_entries_and_symlinks_are_refused_and_nothing_is_written() {
    // (zip entries: name, contents, symlink), the words of the refusal.
    type Case<'a> = (&'a [(&'a str, &'a str, bool)], &'a str);
    let cases: &[Case] = &[
        (
            &[(
                "example.com/greet@v1.0.0/../../escaped.go",
                "package x\n",
                false,
            )],
            "malformed file path \"../../escaped.go\"",
        ),
        (
            &[("/tmp/escaped-abs.go", "package x\n", false)],
            "zip for example.com/greet@v1.0.0 has unexpected file /tmp/escaped-abs.go",
        ),
        (
            &[("example.com/greet@v1.0.0/link.go", "/etc/passwd", true)],
            "symbolic link",
        ),
    ];
    for (entries, want) in cases {
        let d = tempfile::tempdir().unwrap();
        let (proxy, hello) = greet_world(d.path());
        let mut all = vec![(
            "example.com/greet@v1.0.0/go.mod",
            "module example.com/greet\n\ngo 1.17\n",
            false,
        )];
        all.extend_from_slice(entries);
        write_zip(&greet_zip(&proxy), &all);
        // No go.sum line for the zip: -mod=mod takes what the proxy gives, so the zip checks alone must refuse it.
        std::fs::write(hello.join("go.sum"), "").unwrap();
        let cache = d.path().join("cache");
        let url = format!("file://{}", proxy.display());
        let (_, err) = fails(gb_mod(
            &hello,
            &cache,
            &url,
            &["build", "-mod=mod", "-o", "hello", "."],
        ));
        assert!(err.contains(want), "want {want:?} in:\n{err}");
        assert!(!hello.join("hello").exists());
        assert!(
            !cache.join("example.com/greet@v1.0.0").exists(),
            "the module was extracted"
        );
        let escaped: Vec<_> = walkdir::WalkDir::new(d.path())
            .into_iter()
            .flatten()
            .filter(|e| {
                e.file_name().to_string_lossy().starts_with("escaped") || e.file_name() == "link.go"
            })
            .collect();
        assert!(escaped.is_empty(), "written: {escaped:?}");
        assert!(!Path::new("/tmp/escaped-abs.go").exists());
    }
}

#[test]
fn zip_whose_go_mod_differs_from_the_proxy_go_mod_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let (proxy, hello) = greet_world(d.path());
    write_zip(
        &greet_zip(&proxy),
        &[
            (
                "example.com/greet@v1.0.0/go.mod",
                "module example.com/greet\n\ngo 1.17\n\nrequire example.com/evil v1.0.0\n",
                false,
            ),
            (
                "example.com/greet@v1.0.0/greet.go",
                "package greet\n\nfunc Hello() string { return \"x\" }\n",
                false,
            ),
        ],
    );
    std::fs::write(hello.join("go.sum"), "").unwrap();
    let cache = d.path().join("cache");
    let url = format!("file://{}", proxy.display());
    let (_, err) = fails(gb_mod(
        &hello,
        &cache,
        &url,
        &["build", "-mod=mod", "-o", "hello", "."],
    ));
    assert!(err.contains("example.com/greet@v1.0.0: the go.mod in the module zip differs from the go.mod the proxy served"), "{err}");
    assert!(!cache.join("example.com/greet@v1.0.0").exists());
}

#[test]
fn truncated_zip_is_refused_and_leaves_nothing_in_the_cache() {
    let d = tempfile::tempdir().unwrap();
    let (proxy, hello) = greet_world(d.path());
    let z = greet_zip(&proxy);
    let bytes = std::fs::read(&z).unwrap();
    std::fs::write(&z, &bytes[..bytes.len() / 2]).unwrap();
    let cache = d.path().join("cache");
    let url = format!("file://{}", proxy.display());
    let (_, err) = fails(gb_mod(&hello, &cache, &url, &["build", "-o", "hello", "."]));
    assert!(
        err.contains("example.com/greet@v1.0.0: the proxy's zip is not a valid zip file"),
        "{err}"
    );
    let left = files_under(&cache.join("cache/download/example.com/greet/@v"));
    assert!(left.iter().all(|f| !f.contains(".zip")), "left: {left:?}");
    assert!(!cache.join("example.com/greet@v1.0.0").exists());
    // The good zip back: the next build succeeds.
    std::fs::write(&z, &bytes).unwrap();
    ok(gb_mod(&hello, &cache, &url, &["build", "-o", "hello", "."]));
    let out = run(&mut Command::new(hello.join("hello")));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "hello from greet\n");
}

#[test]
fn goproxy_lists_fall_through_on_404_and_410_after_comma_and_on_any_error_after_pipe() {
    let d = tempfile::tempdir().unwrap();
    let (proxy, hello) = greet_world(d.path());
    let empty = d.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let server = ProxyServer::start(&empty);
    let file = format!("file://{}", proxy.display());
    let build = |goproxy: &str, n: usize| {
        let cache = d.path().join(format!("cache{n}"));
        let o = gb_mod(&hello, &cache, goproxy, &["build", "-o", "hello", "."]);
        unseal(&cache);
        o
    };
    // 404 (nothing there) and 410 fall through `,`.
    ok(build(&format!("{},{file}", server.url("/nothing")), 1));
    ok(build(&format!("{},{file}", server.url("/gone")), 2));
    // A 500 stops at `,` …
    let (_, err) = fails(build(&format!("{},{file}", server.url("/fail500")), 3));
    assert!(
        err.contains("/fail500/example.com/greet/@v/v1.0.0.mod: 500 Internal Server Error"),
        "{err}"
    );
    // … but not at `|`.
    ok(build(&format!("{}|{file}", server.url("/fail500")), 4));
    // A proxy that refuses connections: an error naming it; `|` goes on.
    let down = format!("http://127.0.0.1:{}", free_port());
    let (_, err) = fails(build(&format!("{down},{file}"), 5));
    assert!(
        err.contains(&format!("reading {down}/example.com/greet/@v/v1.0.0.mod")),
        "{err}"
    );
    ok(build(&format!("{down}|{file}"), 6));
    // go agrees on the 500 that does not fall through.
    let o = go_mod(
        &hello,
        &d.path().join("gocache"),
        &format!("{},{file}", server.url("/fail500")),
        &["build", "-o", "hello", "."],
    );
    assert!(!o.status.success(), "go fell through a 500");
    unseal(&d.path().join("gocache"));
}

#[test]
fn missing_go_sum_entry_is_reported_in_go_words_under_mod_readonly() {
    let d = tempfile::tempdir().unwrap();
    let (proxy, hello) = greet_world(d.path());
    std::fs::write(hello.join("go.sum"), "").unwrap();
    let url = format!("file://{}", proxy.display());
    let (_, err) = fails(gb_mod(
        &hello,
        &d.path().join("cache"),
        &url,
        &["build", "-o", "hello", "."],
    ));
    // go names the importer (`to add: go get example.com/hello`); we say `go mod download`.
    let want = "main.go:6:2: missing go.sum entry for module providing package example.com/greet";
    assert!(err.contains(want), "{err}");
    assert!(
        err.contains("to add:\n\tgo mod download example.com/greet"),
        "{err}"
    );
    let o = go_mod(
        &hello,
        &d.path().join("gocache"),
        &url,
        &["build", "-o", "hello", "."],
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains(want), "{o:?}");
    // An unpruned main module (go 1.16) loads the whole graph first: the go.mod's sum is missing.
    let go116 = "module example.com/hello\n\ngo 1.16\n\nrequire example.com/greet v1.0.0\n";
    std::fs::write(hello.join("go.mod"), go116).unwrap();
    let (_, err) = fails(gb_mod(
        &hello,
        &d.path().join("cache"),
        &url,
        &["build", "-o", "hello", "."],
    ));
    let want = "example.com/greet@v1.0.0: missing go.sum entry; to add it:\n\tgo mod download example.com/greet";
    assert!(err.contains(want), "{err}");
    let o = go_mod(
        &hello,
        &d.path().join("gocache"),
        &url,
        &["build", "-o", "hello", "."],
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains(want), "{o:?}");
    // -mod=mod downloads and records both hashes in go.sum, as go does.
    ok(gb_mod(
        &hello,
        &d.path().join("cache"),
        &url,
        &["build", "-mod=mod", "-o", "hello", "."],
    ));
    let sum = std::fs::read_to_string(hello.join("go.sum")).unwrap();
    assert_eq!(
        sum,
        std::fs::read_to_string(proxy.join("go.sum.all")).unwrap()
    );
    unseal(&d.path().join("cache"));
}

#[test]
fn an_interrupted_download_leaves_nothing_a_later_build_trusts() {
    let d = tempfile::tempdir().unwrap();
    let (proxy, hello) = greet_world(d.path());
    // A zip large enough to take seconds at 64 KB/s.
    let mut big = String::from("package greet\n\nvar pad = []string{\n");
    for i in 0..40000 {
        big.push_str(&format!("\t\"{i:08x}{:032}\",\n", i * 7919));
    }
    big.push_str("}\n");
    std::fs::write(d.path().join("src/pad.go"), big).unwrap();
    std::fs::remove_dir_all(&proxy).unwrap();
    make_proxy(
        &proxy,
        &[(
            "example.com/greet",
            "v1.0.0",
            d.path().join("src").to_str().unwrap(),
        )],
    );
    std::fs::copy(proxy.join("go.sum.all"), hello.join("go.sum")).unwrap();
    let server = ProxyServer::start(&proxy);
    let cache = d.path().join("cache");
    let mut c = bin();
    c.current_dir(&hello)
        .env("PATH", path_without_go())
        .env("GOMODCACHE", &cache)
        .env("GOPROXY", server.url("/slow"))
        .env("GOSUMDB", "off")
        .args(["build", "-o", "hello", "."])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut child = c.spawn().unwrap();
    // Kill it once the .mod is in and the zip is on its way.
    let modfile = cache.join("cache/download/example.com/greet/@v/v1.0.0.mod");
    let t0 = Instant::now();
    while !modfile.exists() && t0.elapsed().as_secs() < 20 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGKILL) };
    let _ = child.wait();
    assert!(
        !cache
            .join("cache/download/example.com/greet/@v/v1.0.0.ziphash")
            .exists(),
        "the download finished before the kill"
    );
    // An extraction cut short leaves its .partial marker: also distrusted.
    let dir = cache.join("example.com/greet@v1.0.0");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("greet.go"),
        "package greet\n\nfunc Hello() string { return \"half\" }\n",
    )
    .unwrap();
    std::fs::write(
        cache.join("cache/download/example.com/greet/@v/v1.0.0.partial"),
        "",
    )
    .unwrap();
    ok(gb_mod(
        &hello,
        &cache,
        &server.url(""),
        &["build", "-o", "hello", "."],
    ));
    let out = run(&mut Command::new(hello.join("hello")));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "hello from greet\n");
    assert!(
        !cache
            .join("cache/download/example.com/greet/@v/v1.0.0.partial")
            .exists()
    );
    unseal(&cache);
}

#[test]
fn two_builds_downloading_the_same_module_at_once_both_succeed() {
    let d = tempfile::tempdir().unwrap();
    let (proxy, hello) = greet_world(d.path());
    let server = ProxyServer::start(&proxy);
    let cache = d.path().join("cache");
    let spawn = |out: &str| {
        bin()
            .current_dir(&hello)
            .env("PATH", path_without_go())
            .env("GOMODCACHE", &cache)
            .env("GOPROXY", server.url("/slow"))
            .env("GOSUMDB", "off")
            .args(["build", "-o", out, "."])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn("hello-a"), spawn("hello-b"));
    for c in [a, b] {
        let o = c.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    for exe in ["hello-a", "hello-b"] {
        let out = run(&mut Command::new(hello.join(exe)));
        assert_eq!(String::from_utf8_lossy(&out.stdout), "hello from greet\n");
    }
    assert_eq!(
        files_under(&cache.join("example.com/greet@v1.0.0")),
        ["go.mod", "greet.go"]
    );
    unseal(&cache);
}

/// golang.org/x/mod/sumdb's test server over `proxy`'s modules (the
/// `modproxy sumdb` fixture) on 127.0.0.1; `flags`: `-lie PATH` (signs a
/// wrong zip hash for PATH), `-badkey` (advertises another key). Returns
/// the GOSUMDB value (`name+key url`) and the server, killed when dropped.
pub(crate) struct SumdbServer {
    pub(crate) gosumdb: String,
    child: Child,
}

impl SumdbServer {
    pub(crate) fn start(proxy: &Path, flags: &[&str]) -> SumdbServer {
        use std::io::BufRead;
        let mut child = Command::new(modproxy())
            .arg("sumdb")
            .arg(proxy)
            .arg("sum.example")
            .args(flags)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        SumdbServer {
            gosumdb: line.trim().to_string(),
            child,
        }
    }
}

impl Drop for SumdbServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// gccgo-build with a checksum database, -mod=mod and an empty go.sum.
fn gb_sumdb(hello: &Path, cache: &Path, goproxy: &str, gosumdb: &str) -> Output {
    std::fs::write(hello.join("go.sum"), "").unwrap();
    run(bin()
        .current_dir(hello)
        .env("PATH", path_without_go())
        .env("GOMODCACHE", cache)
        .env("GOPROXY", goproxy)
        .env("GOSUMDB", gosumdb)
        .env_remove("GOPRIVATE")
        .env_remove("GONOSUMDB")
        .args(["build", "-mod=mod", "-o", "hello", "."]))
}

#[test]
fn checksum_database_proofs_are_checked_and_a_lie_or_bad_signature_refused() {
    let d = tempfile::tempdir().unwrap();
    let (proxy, hello) = greet_world(d.path());
    let url = format!("file://{}", proxy.display());
    // An honest database: the module is downloaded and go.sum gets both lines.
    let honest = SumdbServer::start(&proxy, &[]);
    ok(gb_sumdb(
        &hello,
        &d.path().join("c1"),
        &url,
        &honest.gosumdb,
    ));
    assert_eq!(
        std::fs::read_to_string(hello.join("go.sum")).unwrap(),
        std::fs::read_to_string(proxy.join("go.sum.all")).unwrap()
    );
    unseal(&d.path().join("c1"));
    // A database that signs another zip hash: go's SECURITY ERROR, nothing built.
    let liar = SumdbServer::start(&proxy, &["-lie", "example.com/greet"]);
    let (_, err) = fails(gb_sumdb(&hello, &d.path().join("c2"), &url, &liar.gosumdb));
    assert!(
        err.contains(
            "example.com/greet@v1.0.0: verifying module: checksum mismatch\n\tdownloaded: h1:"
        ),
        "{err}"
    );
    assert!(err.contains("\n\tsum.example: h1:AAAA"), "{err}");
    assert!(
        err.contains("This download does NOT match the one reported by the checksum server."),
        "{err}"
    );
    assert!(!hello.join("hello").exists());
    assert!(!d.path().join("c2/example.com/greet@v1.0.0").exists());
    // A tree head signed by another key: refused.
    let forged = SumdbServer::start(&proxy, &["-badkey"]);
    let (_, err) = fails(gb_sumdb(
        &hello,
        &d.path().join("c3"),
        &url,
        &forged.gosumdb,
    ));
    assert!(
        err.contains("example.com/greet@v1.0.0: verifying go.mod: sum.example:"),
        "{err}"
    );
    assert!(
        err.contains("no signature by the key in GOSUMDB") || err.contains("invalid signature"),
        "{err}"
    );
    assert!(!hello.join("hello").exists());
    // go refuses both too.
    for (db, what) in [
        (&liar, "SECURITY ERROR"),
        (&forged, "note has no verifiable signatures"),
    ] {
        std::fs::write(hello.join("go.sum"), "").unwrap();
        let o = run(Command::new("go")
            .current_dir(&hello)
            .env("GOMODCACHE", d.path().join("gocache"))
            .env("GOPROXY", &url)
            .env("GOSUMDB", &db.gosumdb)
            // go remembers each database's latest tree in $GOPATH/pkg/sumdb.
            .env("GOPATH", d.path().join(format!("gopath-{what}")))
            .env("GOFLAGS", "-mod=mod")
            .env(
                "GOCACHE",
                Path::new(env!("CARGO_TARGET_TMPDIR")).join("modfetch-gocache"),
            )
            .args(["build", "-o", "hello", "."]));
        let e = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success() && e.contains(what), "go: {e}");
        unseal(&d.path().join("gocache"));
    }
}

#[test]
fn mod_download_json_matches_go_and_x_prints_each_fetch() {
    let d = tempfile::tempdir().unwrap();
    let (proxy, hello) = greet_world(d.path());
    let server = ProxyServer::start(&proxy);
    let (ours, theirs) = (d.path().join("ours"), d.path().join("theirs"));
    let (out, err) = ok(gb_mod(
        &hello,
        &ours,
        &server.url(""),
        &["mod", "download", "-json", "-x"],
    ));
    let zip_url = server.url("/example.com/greet/@v/v1.0.0.zip");
    assert!(err.contains(&format!("# get {zip_url}\n")), "{err}");
    assert!(err.contains(&format!("# get {zip_url}: 200 OK (")), "{err}");
    let o = go_mod(
        &hello,
        &theirs,
        &server.url(""),
        &["mod", "download", "-json"],
    );
    assert!(o.status.success(), "{o:?}");
    let go_out = String::from_utf8_lossy(&o.stdout)
        .replace(theirs.to_str().unwrap(), ours.to_str().unwrap());
    assert_eq!(out, go_out);
    assert_eq!(files_under(&ours), files_under(&theirs));
    unseal(&ours);
    unseal(&theirs);
}

#[test]
fn goflags_modcacherw_leaves_extracted_modules_writable() {
    let d = tempfile::tempdir().unwrap();
    let (proxy, hello) = greet_world(d.path());
    let url = format!("file://{}", proxy.display());
    let cache = d.path().join("cache");
    ok(run(bin()
        .current_dir(&hello)
        .env("PATH", path_without_go())
        .env("GOMODCACHE", &cache)
        .env("GOPROXY", &url)
        .env("GOSUMDB", "off")
        .env("GOFLAGS", "-modcacherw")
        .args(["build", "-o", "hello", "."])));
    let dir = cache.join("example.com/greet@v1.0.0");
    assert!(!std::fs::metadata(&dir).unwrap().permissions().readonly());
    // Files are read-only either way, as go's Unzip writes them.
    assert!(
        std::fs::metadata(dir.join("greet.go"))
            .unwrap()
            .permissions()
            .readonly()
    );
}

/// `list -m -versions`, `list -m -u all` and `list -m path@latest` ask the
/// proxy (file://) and print what go prints for the same module graph.
#[test]
fn list_m_versions_update_and_latest_from_the_proxy_equal_go() {
    let root = tempfile::tempdir().unwrap();
    let src = root.path().join("src");
    write_tree(
        &src,
        &[
            ("go.mod", "module example.com/greet\n\ngo 1.17\n"),
            (
                "greet.go",
                "package greet\n\nfunc Hello() string { return \"hi\" }\n",
            ),
        ],
    );
    let proxy = root.path().join("proxy");
    let s = src.to_str().unwrap();
    make_proxy(
        &proxy,
        &[
            ("example.com/greet", "v1.0.0", s),
            ("example.com/greet", "v1.1.0", s),
            ("example.com/greet", "v1.2.0-rc.1", s),
        ],
    );
    let hello = root.path().join("hello");
    write_tree(
        &hello,
        &[
            (
                "go.mod",
                "module example.com/hello\n\ngo 1.17\n\nrequire example.com/greet v1.0.0\n",
            ),
            (
                "main.go",
                "package main\n\nimport \"example.com/greet\"\n\nfunc main() { println(greet.Hello()) }\n",
            ),
        ],
    );
    std::fs::copy(proxy.join("go.sum.all"), hello.join("go.sum")).unwrap();
    let goproxy = format!("file://{}", proxy.display());
    for args in [
        &["list", "-m", "-versions", "example.com/greet"][..],
        &["list", "-m", "-u", "all"],
        &[
            "list",
            "-m",
            "-f",
            "{{.Path}} {{.Version}}",
            "example.com/greet@latest",
        ],
    ] {
        let ours_cache = root.path().join("ours-cache");
        let go_cache = root.path().join("go-cache");
        let (ours, _) = ok(gb_mod(&hello, &ours_cache, &goproxy, args));
        let (theirs, _) = ok(go_mod(&hello, &go_cache, &goproxy, args));
        assert_eq!(ours, theirs, "{args:?}");
        unseal(&ours_cache);
        unseal(&go_cache);
    }
}
