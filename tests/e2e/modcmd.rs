//! Module commands beyond downloads, each run through go 1.19 and through
//! gccgo-build with the same command line against a `file://` GOPROXY made
//! here (`modfetch::make_proxy`): `run`/`install pkg@version` outside the
//! current module, `-mod=mod` updating go.mod and go.sum, and `-mod=vendor`
//! with an inconsistent vendor/modules.txt.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use crate::common::*;
use crate::modfetch::make_proxy;

/// The modules of these tests, made once per run under the target's tmp:
/// `example.com/greet` v1.0.0; `example.com/cmd` v1.0.0 and v1.1.0 (the
/// command `cmd/a`, importing greet, printing its version and arguments,
/// and the library `lib`); `example.com/rep` and `example.com/excl`
/// v1.0.0, whose go.mod has a `replace` / an `exclude`.
fn world() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("modcmd-world");
        let _ = std::fs::remove_dir_all(&d);
        let main_go = |v: &str| {
            format!(
                "package main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n\n\t\"example.com/greet\"\n)\n\n\
                 func main() {{ fmt.Println(greet.Hello(), \"{v}\", os.Args[1:]) }}\n"
            )
        };
        let cmd_mod = "module example.com/cmd\n\ngo 1.17\n\nrequire example.com/greet v1.0.0\n";
        let (a10, a11) = (main_go("v1.0.0"), main_go("v1.1.0"));
        let trees: &[(&str, &[(&str, &str)])] = &[
            (
                "greet",
                &[
                    ("go.mod", "module example.com/greet\n\ngo 1.17\n"),
                    (
                        "greet.go",
                        "package greet\n\nfunc Hello() string { return \"hello from greet\" }\n",
                    ),
                ],
            ),
            (
                "cmd10",
                &[
                    ("go.mod", cmd_mod),
                    ("cmd/a/main.go", &a10),
                    ("lib/lib.go", "package lib\n"),
                ],
            ),
            (
                "cmd11",
                &[
                    ("go.mod", cmd_mod),
                    ("cmd/a/main.go", &a11),
                    ("lib/lib.go", "package lib\n"),
                ],
            ),
            (
                "rep",
                &[
                    (
                        "go.mod",
                        "module example.com/rep\n\ngo 1.17\n\nreplace example.com/greet => ../greet\n",
                    ),
                    ("main.go", "package main\n\nfunc main() {}\n"),
                ],
            ),
            (
                "excl",
                &[
                    (
                        "go.mod",
                        "module example.com/excl\n\ngo 1.17\n\nexclude example.com/greet v0.9.0\n",
                    ),
                    ("main.go", "package main\n\nfunc main() {}\n"),
                ],
            ),
        ];
        for (name, files) in trees {
            write_tree(&d.join("src").join(name), files);
        }
        let src = |n: &str| d.join("src").join(n).display().to_string();
        let (g, c10, c11, r, e) = (
            src("greet"),
            src("cmd10"),
            src("cmd11"),
            src("rep"),
            src("excl"),
        );
        make_proxy(
            &d.join("proxy"),
            &[
                ("example.com/greet", "v1.0.0", &g),
                ("example.com/cmd", "v1.0.0", &c10),
                ("example.com/cmd", "v1.1.0", &c11),
                ("example.com/rep", "v1.0.0", &r),
                ("example.com/excl", "v1.0.0", &e),
            ],
        );
        d
    })
    .clone()
}

/// `file://` URL of the world's proxy.
fn proxy_url() -> String {
    format!("file://{}", world().join("proxy").display())
}

/// A module directory whose go.mod requires a module no proxy has: a
/// command that did not ignore it would fail.
fn other_module(root: &Path) -> PathBuf {
    let dir = root.join("other");
    write_tree(
        &dir,
        &[
            (
                "go.mod",
                "module example.com/other\n\ngo 1.19\n\nrequire example.com/missing v9.9.9\n",
            ),
            ("main.go", "package main\n\nfunc main() {}\n"),
        ],
    );
    dir
}

/// The module settings both tools run with: the world's proxy, no
/// checksum database, a writable module cache under `root`.
fn module_env(c: &mut Command, root: &Path, tool: &str) {
    c.env("GOPROXY", proxy_url())
        .env("GOSUMDB", "off")
        .env("GOFLAGS", "-modcacherw")
        .env("GOMODCACHE", root.join(format!("modcache-{tool}")))
        .env("GOPATH", root.join(format!("gopath-{tool}")))
        .env_remove("GOBIN")
        .env_remove("GOPRIVATE")
        .env_remove("GONOPROXY")
        .env_remove("GONOSUMDB");
}

/// go 1.19 in `dir` with `module_env` and `env`.
fn go(root: &Path, dir: &Path, env: &[(&str, String)], args: &[&str]) -> Output {
    let mut c = Command::new("go");
    module_env(&mut c, root, "go");
    c.current_dir(dir)
        .env(
            "GOCACHE",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("modcmd-gocache"),
        )
        .envs(env.iter().map(|(k, v)| (k, v)))
        .args(args);
    run(&mut c)
}

/// gccgo-build in `dir` with `module_env` and `env`.
fn gb(root: &Path, dir: &Path, env: &[(&str, String)], args: &[&str]) -> Output {
    let mut c = bin();
    module_env(&mut c, root, "gb");
    c.current_dir(dir)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .args(args);
    run(&mut c)
}

/// The error text of a failed run without go's `go: downloading` lines
/// and without the tool's prefix (`go: `, `gccgo-build: error: `), trimmed.
fn message(o: &Output) -> String {
    let e = String::from_utf8_lossy(&o.stderr);
    let e: Vec<&str> = e
        .lines()
        .filter(|l| !l.starts_with("go: downloading"))
        .collect();
    let e = e.join("\n");
    let e = e.trim();
    e.strip_prefix("gccgo-build: error: ")
        .or_else(|| e.strip_prefix("go: "))
        .unwrap_or(e)
        .to_string()
}

#[test]
fn run_pkg_at_version_ignores_the_current_module_and_runs_the_queried_version_as_go() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    let dir = other_module(root);
    for (args, want) in [
        (
            &["run", "example.com/cmd/cmd/a@v1.0.0", "x", "y"][..],
            "hello from greet v1.0.0 [x y]\n",
        ),
        (
            &["run", "example.com/cmd/cmd/a@latest"][..],
            "hello from greet v1.1.0 []\n",
        ),
        (
            &["run", "example.com/cmd/cmd/a@<v1.1.0"][..],
            "hello from greet v1.0.0 []\n",
        ),
    ] {
        let o = go(root, &dir, &[], args);
        assert_eq!(
            String::from_utf8_lossy(&o.stdout),
            want,
            "go {args:?}: {o:?}"
        );
        let o = gb(root, &dir, &[], args);
        assert!(o.status.success(), "gccgo-build {args:?}: {o:?}");
        assert_eq!(String::from_utf8_lossy(&o.stdout), want, "{args:?}");
    }
    // Nothing was written beside the module that was ignored.
    assert!(!dir.join("go.sum").exists());
    assert!(
        root.join("modcache-gb/example.com/cmd@v1.1.0/cmd/a/main.go")
            .is_file()
    );
}

#[test]
fn install_pkg_at_version_writes_gobin_else_gopath_bin_else_its_goos_goarch_dir_as_go() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    let dir = other_module(root);
    let arg = "example.com/cmd/cmd/a@v1.0.0";
    for tool in ["go", "gb"] {
        let runner = if tool == "go" { go } else { gb };
        let gobin = root.join(format!("gobin-{tool}"));
        let o = runner(
            root,
            &dir,
            &[("GOBIN", gobin.display().to_string())],
            &["install", arg],
        );
        assert!(o.status.success(), "{tool} install with GOBIN: {o:?}");
        let out = run(Command::new(gobin.join("a")).arg("z"));
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "hello from greet v1.0.0 [z]\n"
        );
        let o = runner(root, &dir, &[], &["install", arg]);
        assert!(o.status.success(), "{tool} install to GOPATH/bin: {o:?}");
        assert!(
            root.join(format!("gopath-{tool}/bin/a")).is_file(),
            "{tool}"
        );
    }
    // A cross target goes to GOPATH/bin/GOOS_GOARCH (go: GOARCH=mips).
    let o = go(
        root,
        &dir,
        &[("GOOS", "linux".into()), ("GOARCH", "mips".into())],
        &["install", arg],
    );
    assert!(o.status.success(), "go cross install: {o:?}");
    let o = gb(
        root,
        &dir,
        &[],
        &["install", "--target", "mips-linux-gnu", arg],
    );
    assert!(o.status.success(), "gccgo-build cross install: {o:?}");
    for tool in ["go", "gb"] {
        let exe = root.join(format!("gopath-{tool}/bin/linux_mips/a"));
        let head = std::fs::read(&exe).unwrap_or_default();
        // An ELF for big-endian MIPS (EI_DATA 2, e_machine 8).
        assert!(
            head.len() > 20 && head[5] == 2 && head[19] == 8,
            "{}",
            exe.display()
        );
    }
}

#[test]
fn pkg_at_version_errors_are_go_s_for_queries_directives_mixed_and_non_main_arguments() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    let dir = other_module(root);
    let cases: &[&[&str]] = &[
        &["run", "example.com/cmd/cmd/a@v1.9.9"],
        &["run", "example.com/cmd/cmd/a@v2"],
        &["run", "example.com/nope/x@latest"],
        &["run", "example.com/cmd/nothere@v1.0.0"],
        &["run", "example.com/cmd/nothere@latest"],
        &["run", "example.com/cmd/cmd/a@"],
        &["install", "example.com/rep@v1.0.0"],
        &["install", "example.com/excl@v1.0.0"],
        &[
            "install",
            "example.com/cmd/cmd/a@v1.0.0",
            "example.com/cmd/lib",
        ],
        &[
            "install",
            "example.com/cmd/cmd/a@v1.0.0",
            "example.com/cmd/lib@v1.1.0",
        ],
        &["install", "example.com/cmd/lib@v1.0.0"],
        &["install", "fmt@v1.0.0"],
        &["install", "all@v1.0.0"],
    ];
    for args in cases {
        let want = go(root, &dir, &[], args);
        let got = gb(root, &dir, &[], args);
        assert!(!want.status.success(), "go {args:?} succeeded");
        assert_eq!(got.status.code(), Some(1), "{args:?}: {got:?}");
        let (w, g) = (message(&want), message(&got));
        assert_eq!(g, w, "{args:?}");
    }
    let installed: Vec<_> = walkdir::WalkDir::new(root.join("gopath-gb/bin"))
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .collect();
    assert!(installed.is_empty(), "installed: {installed:?}");
}

/// A module `example.com/hello` in `root/tool/hello` importing greet,
/// whose go.mod says `go 1.17` and then `reqs`; no go.sum.
fn hello(root: &Path, tool: &str, reqs: &str) -> PathBuf {
    let dir = root.join(tool).join("hello");
    write_tree(
        &dir,
        &[
            (
                "go.mod",
                &format!("module example.com/hello\n\ngo 1.17\n{reqs}"),
            ),
            (
                "main.go",
                "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/greet\"\n)\n\nfunc main() { fmt.Println(greet.Hello()) }\n",
            ),
        ],
    );
    dir
}

#[test]
fn mod_mod_adds_the_requirement_and_go_sum_lines_go_adds() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    let read = |p: PathBuf| std::fs::read_to_string(p).unwrap_or_default();
    for (reqs, finds) in [
        // No requirement: the module is found by query.
        ("", true),
        // Required, but go.sum lacks its lines.
        ("\nrequire example.com/greet v1.0.0\n", false),
        // Provided through the graph only: go 1.17 lists it directly.
        ("\nrequire example.com/cmd v1.0.0\n", false),
    ] {
        let (g, o) = (hello(root, "go", reqs), hello(root, "gb", reqs));
        let args = ["build", "-mod=mod", "-o", "/dev/null", "."];
        let want = go(root, &g, &[], &args);
        let got = gb(root, &o, &[], &args);
        assert!(want.status.success(), "go: {want:?}");
        assert!(got.status.success(), "gccgo-build {reqs:?}: {got:?}");
        assert_eq!(read(o.join("go.mod")), read(g.join("go.mod")), "{reqs:?}");
        let (ours, gos) = (read(o.join("go.sum")), read(g.join("go.sum")));
        if reqs.contains("cmd") {
            // go keeps no go.mod line for the new root its lazy graph did
            // not load (modload's keepSums); gccgo-build loaded it.
            for l in gos.lines() {
                assert!(ours.lines().any(|x| x == l), "{l} missing from {ours}");
            }
            let extra = "example.com/greet v1.0.0/go.mod";
            assert!(
                ours.lines()
                    .all(|x| gos.contains(x) || x.starts_with(extra))
            );
        } else {
            assert_eq!(ours, gos, "go.sum after {reqs:?}");
        }
        let lines = [
            "go: finding module for package example.com/greet",
            "go: found example.com/greet in example.com/greet v1.0.0",
        ];
        for l in lines {
            let (w, h) = (text(&want).1, text(&got).1);
            assert_eq!(w.lines().any(|x| x == l), finds, "go: {w}");
            assert_eq!(h.lines().any(|x| x == l), finds, "gccgo-build: {h}");
        }
        std::fs::remove_dir_all(root.join("go")).unwrap();
        std::fs::remove_dir_all(root.join("gb")).unwrap();
    }
}

#[test]
fn mod_vendor_with_an_inconsistent_modules_txt_is_refused_in_go_s_words() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    let dir = hello(root, "both", "\nrequire example.com/greet v1.0.0\n");
    std::fs::copy(world().join("proxy/go.sum.all"), dir.join("go.sum")).unwrap();
    let o = go(root, &dir, &[], &["mod", "vendor"]);
    assert!(o.status.success(), "go mod vendor: {o:?}");
    // Consistent: both build from vendor/ (no proxy needed).
    let off = [("GOPROXY", "off".to_string())];
    for args in [
        &["build", "-o", "/dev/null", "."][..],
        &["build", "-mod=vendor", "-o", "/dev/null", "."],
    ] {
        let o = go(root, &dir, &off, args);
        assert!(o.status.success(), "go {args:?}: {o:?}");
        let o = gb(root, &dir, &off, args);
        assert!(o.status.success(), "gccgo-build {args:?}: {o:?}");
    }
    // go.mod now requires and replaces what modules.txt does not say.
    let gomod = "module example.com/hello\n\ngo 1.17\n\nrequire (\n\texample.com/greet v1.0.0\n\
                 \texample.com/cmd v1.0.0\n)\n\nreplace example.com/greet => ../greet\n";
    std::fs::write(dir.join("go.mod"), gomod).unwrap();
    for args in [
        &["build", "-o", "/dev/null", "."][..],
        &["build", "-mod=vendor", "-o", "/dev/null", "."],
    ] {
        let want = go(root, &dir, &off, args);
        let got = gb(root, &dir, &off, args);
        assert!(!want.status.success(), "go {args:?} succeeded");
        assert_eq!(got.status.code(), Some(1), "{args:?}: {got:?}");
        let w = message(&want);
        assert!(w.starts_with("inconsistent vendoring in "), "{w}");
        assert!(
            w.contains("example.com/cmd@v1.0.0: is explicitly required"),
            "{w}"
        );
        assert_eq!(message(&got), w, "{args:?}");
    }
}

#[test]
fn downloads_show_one_status_line_on_a_terminal_and_nothing_when_piped() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    let dir = hello(root, "both", "\nrequire example.com/greet v1.0.0\n");
    std::fs::copy(world().join("proxy/go.sum.all"), dir.join("go.sum")).unwrap();
    // Piped: no status line, no escape sequence.
    let o = gb(root, &dir, &[], &["build", "-o", "/dev/null", "."]);
    let (_, err) = ok(o);
    assert!(
        !err.contains("downloading") && !err.contains('\x1b'),
        "{err:?}"
    );
    // On a terminal (util-linux `script`), with an empty module cache.
    std::fs::remove_dir_all(root.join("modcache-gb")).unwrap();
    let log = root.join("tty.log");
    let cmd = format!("{} build -o /dev/null .", env!("CARGO_BIN_EXE_gccgo-build"));
    let mut c = Command::new("script");
    module_env(&mut c, root, "gb");
    let o = run(c
        .current_dir(&dir)
        .env("XDG_CACHE_HOME", cache_home())
        .args(["-qec", &cmd])
        .arg(&log));
    assert!(o.status.success(), "{o:?}");
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.contains("\r\x1b[Kdownloading example.com/greet v1.0.0, 0 of 1 done"),
        "{text:?}"
    );
    // Cleared when the download ended: the last status write is a clear.
    let last = text.rfind("\r\x1b[K").unwrap();
    assert!(!text[last..].contains("downloading"), "{text:?}");
}

#[test]
fn pkg_at_version_without_go_sum_is_checked_against_the_checksum_database() {
    use crate::modfetch::SumdbServer;
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    let dir = other_module(root);
    let proxy = world().join("proxy");
    let args = ["run", "example.com/cmd/cmd/a@v1.0.0"];
    let honest = SumdbServer::start(&proxy, &[]);
    let env = |db: &SumdbServer, name: &str| {
        vec![
            ("GOSUMDB", db.gosumdb.clone()),
            // go remembers each database's tree under GOPATH/pkg/sumdb.
            (
                "GOPATH",
                root.join(format!("gopath-{name}")).display().to_string(),
            ),
        ]
    };
    let (_, err) = ok(gb(root, &dir, &env(&honest, "honest"), &args));
    assert!(!err.contains("error"), "{err}");
    // A database that signs another hash for greet: go's SECURITY ERROR
    // from both tools, nothing run, greet not extracted.
    let liar = SumdbServer::start(&proxy, &["-lie", "example.com/greet"]);
    std::fs::remove_dir_all(root.join("modcache-gb")).unwrap();
    let want = go(root, &dir, &env(&liar, "liar-go"), &args);
    let got = gb(root, &dir, &env(&liar, "liar-gb"), &args);
    for (tool, o) in [("go", &want), ("gccgo-build", &got)] {
        let e = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "{tool} succeeded");
        assert!(o.stdout.is_empty(), "{tool} ran the program");
        assert!(
            e.contains("example.com/greet@v1.0.0: verifying module: checksum mismatch"),
            "{tool}: {e}"
        );
        assert!(e.contains("SECURITY ERROR"), "{tool}: {e}");
    }
    assert!(!root.join("modcache-gb/example.com/greet@v1.0.0").exists());
}

#[test]
fn install_pattern_at_version_installs_only_its_main_packages_as_go() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    let dir = other_module(root);
    for tool in ["go", "gb"] {
        let runner = if tool == "go" { go } else { gb };
        let gobin = root.join(format!("gobin-{tool}"));
        let env = [("GOBIN", gobin.display().to_string())];
        let o = runner(root, &dir, &env, &["install", "example.com/cmd/...@v1.0.0"]);
        assert!(o.status.success(), "{tool}: {o:?}");
        let names: Vec<String> = std::fs::read_dir(&gobin)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["a"], "{tool}");
        // Only a library: a warning, nothing installed, success.
        let o = runner(
            root,
            &dir,
            &env,
            &["install", "example.com/cmd/lib/...@v1.0.0"],
        );
        assert!(o.status.success(), "{tool}: {o:?}");
        let e = String::from_utf8_lossy(&o.stderr);
        assert!(
            e.contains("warning: \"example.com/cmd/lib/...\" matched only non-main packages"),
            "{tool}: {e}"
        );
    }
}

#[test]
fn mod_mod_import_no_module_provides_is_go_s_error_and_go_mod_stays() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    let gomod = "module example.com/hello\n\ngo 1.17\n";
    let dir = root.join("nope");
    write_tree(
        &dir,
        &[
            ("go.mod", gomod),
            (
                "main.go",
                "package main\n\nimport \"example.com/nope/x\"\n\nfunc main() { x.F() }\n",
            ),
        ],
    );
    let args = ["build", "-mod=mod", "-o", "/dev/null", "."];
    let (want, got) = (go(root, &dir, &[], &args), gb(root, &dir, &[], &args));
    assert!(!want.status.success());
    assert_eq!(got.status.code(), Some(1), "{got:?}");
    // The error after the importing file's name (gccgo-build names it absolute).
    let tail = |o: &Output| {
        let e = String::from_utf8_lossy(&o.stderr).into_owned();
        assert!(
            e.contains("go: finding module for package example.com/nope/x\n"),
            "{e}"
        );
        e.split_once("main.go:")
            .map(|x| x.1.trim().to_string())
            .unwrap_or(e)
    };
    assert_eq!(tail(&got), tail(&want));
    assert!(tail(&got).contains("cannot find module providing package example.com/nope/x"));
    assert_eq!(std::fs::read_to_string(dir.join("go.mod")).unwrap(), gomod);
    assert!(!dir.join("go.sum").exists());
}
