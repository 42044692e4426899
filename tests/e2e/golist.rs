//! `gccgo-build list` held against `go list` (go 1.19) line by line: the
//! same command line, in the same directory and environment, through both;
//! the exit status, stdout, and stderr with each tool's prefix (`go: `,
//! `gccgo-build: error: `) taken off must be equal.
//!
//! Module fixtures are served offline: a file-based GOPROXY written by the
//! test (`.info`, `.mod`, `.zip` made with the `zip` command, `list`),
//! from which the real go fills a private GOMODCACHE and go.sum
//! (`GOFLAGS=-mod=mod go mod download all`); then both tools run with
//! `GOPROXY=off`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::*;

/// A module of the fixture proxy: path, version, go.mod text.
type Mod = (&'static str, &'static str, &'static str);

/// The fixture's module graph: `a` (go 1.17, pruned) requires `c` and
/// `d`; `b` (go 1.16, unpruned) requires `f` and a newer `c`, whose own
/// requirements are then followed; `c v1.0.0`'s `e` is pruned away; `h`
/// has no `go` line.
const MODS: &[Mod] = &[
    (
        "example.com/a",
        "v1.0.0",
        "module example.com/a\n\ngo 1.17\n\nrequire (\n\texample.com/c v1.0.0\n\texample.com/d v1.2.0\n)\n",
    ),
    (
        "example.com/b",
        "v1.1.0",
        "module example.com/b\n\ngo 1.16\n\nrequire example.com/f v1.0.0\nrequire example.com/c v1.1.0\n",
    ),
    (
        "example.com/c",
        "v1.0.0",
        "module example.com/c\n\ngo 1.17\n\nrequire example.com/e v1.0.0\n",
    ),
    (
        "example.com/c",
        "v1.1.0",
        "module example.com/c\n\ngo 1.17\n\nrequire example.com/h v1.0.0\n",
    ),
    (
        "example.com/d",
        "v1.2.0",
        "module example.com/d\n\ngo 1.17\n",
    ),
    (
        "example.com/e",
        "v1.0.0",
        "module example.com/e\n\ngo 1.17\n",
    ),
    (
        "example.com/f",
        "v1.0.0",
        "module example.com/f\n\ngo 1.17\n\nrequire example.com/g v1.0.0\n",
    ),
    (
        "example.com/g",
        "v1.0.0",
        "module example.com/g\n\ngo 1.17\n",
    ),
    ("example.com/h", "v1.0.0", "module example.com/h\n"),
];

/// The main module's go.mod, at go version `go`: requires `a`, `b`
/// (indirect), replaces `d` by a directory.
fn main_gomod(go: &str) -> String {
    format!(
        "module example.com/main\n\ngo {go}\n\nrequire (\n\texample.com/a v1.0.0\n\texample.com/b v1.1.0 // indirect\n)\n\nreplace example.com/d => ../localdep\n"
    )
}

/// A fixture: a proxy, a module cache filled by go from it, and main
/// modules `m` (go 1.17) and `m16` (go 1.16) with their go.sum.
struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for (path, v, gomod) in MODS {
            write_proxy_module(&root.join("proxy"), path, v, gomod);
        }
        let main = "package main\n\nimport _ \"example.com/a\"\n\nfunc main() {}\n";
        write_tree(
            root,
            &[
                ("localdep/go.mod", "module example.com/d\n\ngo 1.18\n"),
                ("localdep/d.go", "package d\n"),
                ("m/go.mod", &main_gomod("1.17")),
                ("m/main.go", main),
                ("m16/go.mod", &main_gomod("1.16")),
                ("m16/main.go", main),
            ],
        );
        let f = Fixture { dir };
        for m in ["m", "m16"] {
            let mut c = f.go(m);
            c.env("GOFLAGS", "-mod=mod")
                .env(
                    "GOPROXY",
                    format!("file://{}", f.dir.path().join("proxy").display()),
                )
                .args(["mod", "download", "all"]);
            ok(run(&mut c));
            let mut c = f.go(m);
            c.env("GOFLAGS", "-mod=mod")
                .env(
                    "GOPROXY",
                    format!("file://{}", f.dir.path().join("proxy").display()),
                )
                .args(["list", "-m", "all"]);
            ok(run(&mut c));
        }
        f
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// The offline environment both tools run in, in directory `rel`.
    fn env(&self, c: &mut Command, rel: &str) {
        c.current_dir(self.path(rel))
            .env("GOMODCACHE", self.path("cache"))
            .env("GOPATH", self.path("gopath"))
            .env("GOPROXY", "off")
            .env("GOSUMDB", "off")
            .env("GOFLAGS", "")
            .env("GO111MODULE", "")
            .env("GOWORK", "");
    }

    fn go(&self, rel: &str) -> Command {
        let mut c = Command::new("go");
        self.env(&mut c, rel);
        c
    }

    fn ours(&self, rel: &str) -> Command {
        let mut c = bin();
        self.env(&mut c, rel);
        c
    }
}

/// Writes `path@v` into a file-based proxy: `@v/list`, `.info` (a time
/// from the version), `.mod`, and `.zip` (made by the `zip` command, with
/// go's `path@v/` prefix and no directory entries).
fn write_proxy_module(proxy: &Path, path: &str, v: &str, gomod: &str) {
    let at = proxy.join(path).join("@v");
    std::fs::create_dir_all(&at).unwrap();
    let minor = v.split('.').nth(1).unwrap();
    let info = format!("{{\"Version\":\"{v}\",\"Time\":\"2022-1{minor}-10T00:00:00Z\"}}\n");
    std::fs::write(at.join(format!("{v}.info")), info).unwrap();
    std::fs::write(at.join(format!("{v}.mod")), gomod).unwrap();
    let mut list = std::fs::read_to_string(at.join("list")).unwrap_or_default();
    list.push_str(&format!("{v}\n"));
    std::fs::write(at.join("list"), list).unwrap();
    let src = tempfile::tempdir().unwrap();
    let name = path.rsplit('/').next().unwrap();
    write_tree(
        src.path(),
        &[
            (&format!("{path}@{v}/go.mod"), gomod),
            (
                &format!("{path}@{v}/{name}.go"),
                &format!("package {name}\n"),
            ),
        ],
    );
    ok(run(Command::new("zip")
        .current_dir(src.path())
        .args(["-qrD"])
        .arg(at.join(format!("{v}.zip")))
        .arg(".")));
}

/// stderr with each tool's prefix taken off, so that go's words compare.
fn messages(o: &Output) -> String {
    let (_, err) = text(o);
    err.lines()
        .map(|l| {
            l.strip_prefix("gccgo-build: error: ")
                .or_else(|| l.strip_prefix("gccgo-build: "))
                .or_else(|| l.strip_prefix("go: "))
                .unwrap_or(l)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs `args` through go and gccgo-build and asserts the same exit
/// status, stdout and messages; returns go's stdout.
fn same(go: &mut Command, ours: &mut Command, args: &[&str]) -> String {
    let g = run(go.args(args));
    let o = run(ours.args(args));
    let (gout, _) = text(&g);
    let (oout, _) = text(&o);
    assert_eq!(
        (g.status.code(), &gout, messages(&g)),
        (o.status.code(), &oout, messages(&o)),
        "{args:?}: go (left) and gccgo-build (right) differ"
    );
    gout
}

#[test]
fn list_m_all_equals_go_on_pruned_and_unpruned_graphs() {
    let f = Fixture::new();
    for m in ["m", "m16"] {
        let out = same(&mut f.go(m), &mut f.ours(m), &["list", "-m", "all"]);
        assert!(
            out.contains("example.com/d v1.2.0 => ../localdep\n"),
            "{out}"
        );
        assert!(out.contains("example.com/h v1.0.0\n"), "{out}");
        // c v1.0.0's requirement e is pruned in a go 1.17 graph only.
        assert_eq!(out.contains("example.com/e "), m == "m16", "{m}: {out}");
        for args in [
            &["list", "-m"][..],
            &["list", "-m", "-json", "all"],
            &["list", "-m", "-json=Path,Version,Indirect", "all"],
            &[
                "list",
                "-m",
                "-f",
                "{{.Path}} {{.Version}} {{.Indirect}} {{.Main}} {{.Time}} {{.Replace}} {{.GoVersion}}",
                "all",
            ],
            &["list", "-m", "example.com/c", "example.com/d"],
            &["list", "-m", "example.com/...", "example.com/zz/..."],
            &["list", "-m", "example.com/a@v1.0.0"],
            &["list", "-m", "-json", "example.com/a@v1.0.0"],
        ] {
            same(&mut f.go(m), &mut f.ours(m), args);
        }
    }
}

#[test]
fn list_m_errors_are_gos() {
    let f = Fixture::new();
    for args in [
        &["list", "-m", "example.com/zzz"][..],
        &["list", "-m", "-e", "example.com/zzz"],
        &[
            "list",
            "-m",
            "-e",
            "-f",
            "{{.Error}}|{{.Error.Err}}",
            "example.com/zzz",
        ],
        &["list", "-m", "example.com/a@latest"],
        &["list", "-m", "-versions", "example.com/a"],
        &["list", "-m", "-e", "example.com/c@v1.0.0"],
        &["list", "-m", "./x"],
        &["list", "-m", "-deps", "all"],
        &["list", "-m", "-u", "all"],
        &["list", "-u", "."],
    ] {
        same(&mut f.go("m"), &mut f.ours("m"), args);
    }
    // A go.sum without a dependency's go.mod line, in the requirement chain.
    let sum = f.path("m16/go.sum");
    let text = std::fs::read_to_string(&sum).unwrap();
    let without: String = text
        .lines()
        .filter(|l| !l.starts_with("example.com/f v1.0.0/go.mod"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&sum, without).unwrap();
    same(&mut f.go("m16"), &mut f.ours("m16"), &["list", "-m", "all"]);
    same(
        &mut f.go("m16"),
        &mut f.ours("m16"),
        &["list", "-m", "-e", "all"],
    );
    // An empty module cache: each module's lookup is disabled.
    for args in [
        &["list", "-m", "all"][..],
        &["list", "-m", "-e", "-json", "all"],
    ] {
        let (mut g, mut o) = (f.go("m"), f.ours("m"));
        g.env("GOMODCACHE", f.path("empty"));
        o.env("GOMODCACHE", f.path("empty"));
        same(&mut g, &mut o, args);
    }
    // Outside any module.
    std::fs::create_dir_all(f.path("nomod")).unwrap();
    for args in [
        &["list", "-m"][..],
        &["list", "-m", "all"],
        &["list", "-m", "example.com/a@v1.0.0"],
    ] {
        same(&mut f.go("nomod"), &mut f.ours("nomod"), args);
    }
}

#[test]
fn list_m_all_in_a_workspace_equals_go() {
    let f = Fixture::new();
    write_tree(
        f.dir.path(),
        &[
            (
                "ws/w2/go.mod",
                "module example.com/w2\n\ngo 1.18\n\nrequire example.com/c v1.0.0\n",
            ),
            ("ws/w2/w.go", "package w2\n"),
            ("ws/go.work", "go 1.18\n\nuse (\n\t../m\n\t./w2\n)\n"),
        ],
    );
    for args in [
        &["list", "-m"][..],
        &["list", "-m", "all"],
        &["list", "-m", "-json", "all"],
    ] {
        same(&mut f.go("ws"), &mut f.ours("ws"), args);
    }
}

#[test]
fn list_embed_fields_equal_go_with_and_without_test() {
    let d = tempfile::tempdir().unwrap();
    write_tree(
        d.path(),
        &[
            ("go.mod", "module example.com/emb\n\ngo 1.18\n"),
            ("static/a.txt", "hi\n"),
            ("static/sub/b.txt", "x\n"),
            ("static/.hidden", "y\n"),
            ("data/t.txt", "t\n"),
            ("u.txt", "u\n"),
            (
                "e.go",
                "package emb\n\nimport \"embed\"\n\n//go:embed static u.txt\nvar F embed.FS\n\n//go:embed static/*.txt\nvar G embed.FS\n",
            ),
            (
                "e_test.go",
                "package emb\n\nimport _ \"embed\"\n\n//go:embed data/t.txt\nvar T string\n",
            ),
            (
                "x_test.go",
                "package emb_test\n\nimport _ \"embed\"\n\n//go:embed all:static\nvar X string\n",
            ),
        ],
    );
    let f = "{{.ImportPath}} {{.EmbedPatterns}} {{.EmbedFiles}} {{.TestEmbedPatterns}} \
             {{.TestEmbedFiles}} {{.XTestEmbedPatterns}} {{.XTestEmbedFiles}}";
    let mut go = Command::new("go");
    go.current_dir(d.path())
        .env("GOFLAGS", "")
        .env("GOWORK", "off");
    let mut ours = bin();
    ours.current_dir(d.path()).env("GOWORK", "off");
    let out = same(&mut go, &mut ours, &["list", "-f", f, "."]);
    assert!(
        out.contains("[static/a.txt static/sub/b.txt u.txt]"),
        "{out}"
    );
    let mut go = Command::new("go");
    go.current_dir(d.path())
        .env("GOFLAGS", "")
        .env("GOWORK", "off");
    let mut ours = bin();
    ours.current_dir(d.path()).env("GOWORK", "off");
    same(&mut go, &mut ours, &["list", "-test", "-f", f, "."]);
}

/// stderr's warnings and errors, each tool's prefix off (`go: warning: `,
/// `gccgo-build: warning: `, `go: `, `gccgo-build: error: `).
fn warnings(o: &Output) -> Vec<String> {
    let (_, err) = text(o);
    err.lines()
        .map(|l| {
            let l = l
                .strip_prefix("gccgo-build: ")
                .or_else(|| l.strip_prefix("go: "))
                .unwrap_or(l);
            l.strip_prefix("error: ").unwrap_or(l).to_string()
        })
        .collect()
}

#[test]
fn a_pattern_matching_nothing_is_gos_warning_and_the_command_goes_on() {
    let d = tempfile::tempdir().unwrap();
    write_tree(
        d.path(),
        &[
            ("go.mod", "module example.com/e\n\ngo 1.18\n"),
            ("sub/README", "no Go here\n"),
        ],
    );
    for args in [
        &["list", "./..."][..],
        &["list", "-json", "-deps", "./...", "./sub/..."],
        &["build", "./..."],
        &["test", "./..."],
    ] {
        let mut go = Command::new("go");
        go.current_dir(d.path())
            .env("GOFLAGS", "")
            .env("GOWORK", "off")
            .args(args);
        let mut ours = bin();
        ours.current_dir(d.path()).env("GOWORK", "off").args(args);
        let (g, o) = (run(&mut go), run(&mut ours));
        assert_eq!(
            (g.status.code(), text(&g).0, warnings(&g)),
            (o.status.code(), text(&o).0, warnings(&o)),
            "{args:?}"
        );
    }
}

/// A module importing `embed`, for the pattern tests.
fn embed_module() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    write_tree(
        d.path(),
        &[
            ("go.mod", "module example.com/emb\n\ngo 1.18\n"),
            ("u.txt", "u\n"),
            (
                "e.go",
                "package emb\n\nimport _ \"embed\"\n\n//go:embed u.txt\nvar U string\n",
            ),
        ],
    );
    d
}

#[test]
fn std_all_and_cmd_patterns_follow_go() {
    let d = embed_module();
    let pair = || {
        let mut go = Command::new("go-12");
        go.current_dir(d.path())
            .env("GOFLAGS", "")
            .env("GOWORK", "off");
        let mut ours = bin();
        ours.current_dir(d.path()).env("GOWORK", "off");
        (go, ours)
    };
    for args in [
        &["list", "fmt"][..],
        &["list", "-json", "fmt"],
        &["list", "all"],
        &[
            "list",
            "-f",
            "{{.ImportPath}}:{{.Match}}:{{.DepOnly}}",
            "all",
            "fmt",
        ],
        &["list", "cmd"],
        &["build", "fmt"],
    ] {
        let (mut go, mut ours) = pair();
        let (g, o) = (run(go.args(args)), run(ours.args(args)));
        assert_eq!(
            (g.status.code(), text(&g).0, warnings(&g)),
            (o.status.code(), text(&o).0, warnings(&o)),
            "{args:?}"
        );
    }
    // `std` is the chosen gccgo's library (go-12 finds no sources to match).
    let (_, mut ours) = pair();
    let (std, _) = ok(run(ours.args(["list", "std"])));
    for p in ["fmt", "net/http", "embed", "encoding/json"] {
        assert!(std.lines().any(|l| l == p), "{p} not in list std");
    }
    let (_, mut ours) = pair();
    let (net, _) = ok(run(ours.args(["list", "net/..."])));
    assert!(
        net.lines().all(|l| l == "net" || l.starts_with("net/")),
        "{net}"
    );
    assert!(net.lines().any(|l| l == "net/http"), "{net}");
    let (_, mut ours) = pair();
    let (out, err) = ok(run(ours.args(["build", "std"])));
    assert_eq!((out.as_str(), err.as_str()), ("", ""));
}

/// go's `modload.die`: outside a module, a `.git/config` (or another
/// dependency manager's file) above the directory is named, with the
/// `cd` to make a module there.
#[test]
fn outside_a_module_in_a_git_checkout_go_names_its_config() {
    let d = tempfile::tempdir().unwrap();
    write_tree(
        d.path(),
        &[(".git/config", "[core]\n"), ("a/b/x/x.go", "package x\n")],
    );
    for dir in ["a/b", ""] {
        let cwd = d.path().join(dir);
        let mut go = Command::new("go");
        go.current_dir(&cwd)
            .env("GOFLAGS", "")
            .env("GOWORK", "")
            .env("GO111MODULE", "on")
            .args(["list", "./x"]);
        let mut ours = bin();
        ours.current_dir(&cwd)
            .env("GOWORK", "")
            .env("GO111MODULE", "on")
            .args(["list", "./x"]);
        let (g, o) = (run(&mut go), run(&mut ours));
        assert!(warnings(&g)[0].starts_with("cannot find main module, but found .git/config"));
        assert_eq!(
            (g.status.code(), warnings(&g)),
            (o.status.code(), warnings(&o)),
            "in {dir:?}"
        );
    }
}

#[test]
fn outside_a_module_go_mod_not_found_is_gos_error() {
    let d = tempfile::tempdir().unwrap();
    write_tree(
        d.path(),
        &[
            ("x/x.go", "package x\n"),
            (
                "m.go",
                "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(1) }\n",
            ),
            (
                "_bad/m.go",
                "package main\n\nimport \"example.com/foo\"\n\nfunc main() { foo.X() }\n",
            ),
        ],
    );
    for module in ["", "on", "auto"] {
        for args in [
            &["list", "./x"][..],
            &["list", "."],
            &["list", "./..."],
            &["list", "example.com/foo"],
            &["list", "m.go"],
            &["build", "./x"],
            &["build", "-o", "/dev/null", "_bad/m.go"],
        ] {
            let mut go = Command::new("go");
            go.current_dir(d.path())
                .env("GOFLAGS", "")
                .env("GOWORK", "")
                .env("GOPATH", d.path().join("gopath"))
                .env("GO111MODULE", module);
            let mut ours = bin();
            ours.current_dir(d.path())
                .env("GOWORK", "")
                .env("GOPATH", d.path().join("gopath"))
                .env("GO111MODULE", module);
            let (g, o) = (run(go.args(args)), run(ours.args(args)));
            let first = |o: &Output| warnings(o).first().cloned().unwrap_or_default();
            // go names $GOROOT/src among the places searched; gccgo has no such tree.
            let abs = format!("{}/", d.path().display());
            let tail = |s: String| s.replace(&abs, "");
            assert_eq!(
                (g.status.code(), text(&g).0, tail(first(&g))),
                (o.status.code(), text(&o).0, tail(first(&o))),
                "GO111MODULE={module} {args:?}"
            );
        }
    }
}

#[test]
fn list_find_compiled_and_export_flags() {
    let d = embed_module();
    let pair = || {
        let mut go = Command::new("go");
        go.current_dir(d.path())
            .env("GOFLAGS", "")
            .env("GOWORK", "off");
        let mut ours = bin();
        ours.current_dir(d.path()).env("GOWORK", "off");
        (go, ours)
    };
    for args in [
        &[
            "list",
            "-find",
            "-f",
            "{{.ImportPath}} {{.Deps}} {{.Imports}}",
            ".",
        ][..],
        &["list", "-compiled", "-f", "{{.CompiledGoFiles}}", "."],
        &["list", "-find", "-deps", "."],
        &["list", "-find", "-test", "."],
        &["list", "-versions", "."],
        &["list", "-json", "-f", "{{.Name}}", "."],
        &["list", "-json=Name,EmbedPatterns", "."],
    ] {
        let (mut go, mut ours) = pair();
        same(&mut go, &mut ours, args);
    }
    // -export names the export data in the cache once the package is built.
    let (_, mut ours) = pair();
    ok(run(ours.args(["build", "."])));
    let (_, mut ours) = pair();
    let (out, _) = ok(run(ours.args([
        "list",
        "-export",
        "-f",
        "{{.Stale}} {{.Export}}",
        ".",
    ])));
    let export = out.trim().strip_prefix("false ").expect(&out);
    let data = std::fs::read(export).unwrap();
    assert!(!data.is_empty() && export.ends_with("/export"), "{out}");
}
