//! `build` and `install` held against go 1.19 on the same command lines:
//! go's `-o` rules (several packages to one file, `-o DIR` with no
//! command, the default output name taken by a directory, `/dev/null`),
//! `...` patterns, packages and directories that exist only in an
//! `-overlay`, GOTMPDIR, and `install` into GOBIN, GOPATH/bin, ~/go/bin
//! and `bin/GOOS_GOARCH` for a cross target, with go's errors.

use std::path::Path;
use std::process::Output;

use crate::common::*;

/// A module with two commands (`.` = `m`, `./cmd2`), a library, a nested
/// library, and directories go's `./...` skips.
fn module(root: &Path) {
    write_tree(
        root,
        &[
            ("go.mod", "module example.com/m\n\ngo 1.18\n"),
            (
                "main.go",
                "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"m\") }\n",
            ),
            (
                "cmd2/main.go",
                "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"cmd2\") }\n",
            ),
            ("lib/lib.go", "package lib\n\nconst L = 1\n"),
            ("lib/inner/inner.go", "package inner\n\nconst I = 2\n"),
            ("lib/testdata/t.go", "package t\n"),
            ("_skip/s.go", "package s\n"),
            (".hidden/h.go", "package h\n"),
            ("onlytest/x_test.go", "package onlytest\n"),
        ],
    );
}

/// Runs `args` in `dir` through go 1.19 (`go == true`) or gccgo-build,
/// with GOBIN, GOPATH and HOME set from `vars` only.
fn cmd(go: bool, dir: &Path, args: &[&str], vars: &[(&str, &str)]) -> Output {
    let mut c = go_or_ours_command(go, dir, args);
    c.env_remove("GOPATH");
    for (k, v) in vars {
        c.env(k, v);
    }
    run(&mut c)
}

/// The first line of stderr without the program's prefix (`go: `,
/// `gccgo-build: error: `).
fn first_error(o: &Output) -> String {
    let (_, err) = text(o);
    let line = err
        .lines()
        .find(|l| !l.contains("warning:"))
        .unwrap_or("")
        .to_string();
    line.trim_start_matches("gccgo-build: error: ")
        .trim_start_matches("go: ")
        .to_string()
}

/// `-o` as go 1.19's `runBuild` takes it: the same exit status, the same
/// message, the same files.
#[test]
fn build_o_follows_go_s_rules() {
    let both = |args: &[&str], prep: &dyn Fn(&Path)| -> [(Output, Vec<String>); 2] {
        [true, false].map(|go| {
            let d = tempfile::tempdir().unwrap();
            module(d.path());
            prep(d.path());
            let o = cmd(go, d.path(), args, &[]);
            let mut files: Vec<String> = walkdir::WalkDir::new(d.path())
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
                .map(|e| {
                    e.path()
                        .strip_prefix(d.path())
                        .unwrap()
                        .display()
                        .to_string()
                })
                .filter(|f| !f.ends_with(".go") && f != "go.mod")
                .collect();
            files.sort();
            (o, files)
        })
    };
    let none = |_: &Path| {};
    let m_dir = |d: &Path| std::fs::create_dir(d.join("m")).unwrap();
    let out_dir = |d: &Path| std::fs::create_dir(d.join("out")).unwrap();
    for (args, prep, message) in [
        (
            &["build", "-o", "out/", "./lib"][..],
            &none as &dyn Fn(&Path),
            Some("no main packages to build"),
        ),
        (
            &["build", "-o", "one", ".", "./cmd2"],
            &none,
            Some("cannot write multiple packages to non-directory one"),
        ),
        (&["build", "-o", "bin", "./cmd2", "./cmd2"], &none, None),
        (&["build", "-o", "out", ".", "./cmd2"], &out_dir, None),
        (&["build", "-o", "ex/", ".", "./cmd2", "./lib"], &none, None),
        (
            &["build", "."],
            &m_dir,
            Some("build output \"m\" already exists and is a directory"),
        ),
        (&["build", "-o", "/dev/null", "."], &none, None),
        (&["build", "./..."], &none, None),
    ] {
        let [(g, gf), (o, of)] = both(args, prep);
        assert_eq!(
            g.status.success(),
            o.status.success(),
            "{args:?}\ngo: {:?}\ngccgo-build: {:?}",
            text(&g),
            text(&o)
        );
        assert_eq!(gf, of, "{args:?}: the files left");
        if let Some(m) = message {
            assert_eq!(first_error(&g), m, "go {args:?}");
            assert!(first_error(&o).starts_with(m), "{args:?}: {:?}", text(&o));
        }
    }
}

/// `...` in every place go allows it, relative and by import path, with
/// `testdata`, `_` and `.` directories skipped as go skips them.
#[test]
fn dot_dot_dot_patterns_match_what_go_matches() {
    let d = tempfile::tempdir().unwrap();
    module(d.path());
    // A directory of tests only is matched by go's `...` too; that is the
    // test-only-package work of issue 24 (gotest), not pinned here.
    std::fs::remove_dir_all(d.path().join("onlytest")).unwrap();
    for pat in [
        "./...",
        "example.com/m/...",
        "./lib/...",
        "example.com/m/lib/...",
        "example.com/m/l...",
        "./c...",
        "example.com/.../inner",
        "example.com/m/...in...",
    ] {
        let args = ["list", "-e", pat];
        let g = cmd(true, d.path(), &args, &[]);
        let o = cmd(false, d.path(), &args, &[]);
        assert_eq!(
            g.status.success(),
            o.status.success(),
            "{pat}: go {:?} ours {:?}",
            text(&g),
            text(&o)
        );
        assert_eq!(text(&g).0, text(&o).0, "{pat}: {:?}", text(&o).1);
    }
}

/// A file, and a whole package directory, that exist only in the overlay
/// build and run as with go.
#[test]
fn overlay_only_files_and_directories_build() {
    let d = tempfile::tempdir().unwrap();
    let m = d.path().join("m");
    write_tree(
        d.path(),
        &[
            ("m/go.mod", "module example.com/m\n\ngo 1.18\n"),
            (
                "m/main.go",
                "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/m/extra\"\n)\n\n\
                 func main() { fmt.Println(extra.S, only) }\n",
            ),
            (
                "src/extra.go",
                "package extra\n\nconst S = \"from an overlay directory\"\n",
            ),
            (
                "src/only.go",
                "package main\n\nconst only = \"and an overlay file\"\n",
            ),
        ],
    );
    let json = format!(
        "{{\"Replace\": {{\"{m}/extra/extra.go\": \"{s}/extra.go\", \"only.go\": \"{s}/only.go\"}}}}",
        m = m.display(),
        s = d.path().join("src").display()
    );
    std::fs::write(d.path().join("o.json"), json).unwrap();
    let args = ["run", "-overlay", "../o.json", "."];
    let (g, _) = ok(cmd(true, &m, &args, &[]));
    let (o, _) = ok(cmd(false, &m, &args, &[]));
    assert_eq!(g, "from an overlay directory and an overlay file\n");
    assert_eq!(o, g);
}

/// GOTMPDIR holds the work directory (`-work` names it), as with go; a
/// GOTMPDIR that does not exist is an error for both.
#[test]
fn gotmpdir_holds_the_work_directory() {
    let d = tempfile::tempdir().unwrap();
    module(d.path());
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path().to_string_lossy().into_owned();
    for go in [true, false] {
        let o = cmd(
            go,
            d.path(),
            &["build", "-work", "-o", "/dev/null", "."],
            &[("GOTMPDIR", &t)],
        );
        let (_, err) = ok(o);
        let work = err
            .lines()
            .find_map(|l| l.strip_prefix("WORK="))
            .unwrap_or_else(|| panic!("go={go}: no WORK= line: {err}"));
        assert!(
            work.starts_with(&t),
            "go={go}: {work} is not under GOTMPDIR {t}"
        );
        let _ = std::fs::remove_dir_all(work);
        let missing = format!("{t}/missing");
        let o = cmd(
            go,
            d.path(),
            &["build", "-o", "/dev/null", "."],
            &[("GOTMPDIR", &missing)],
        );
        fails(o);
    }
}

/// `install`: GOBIN, else GOPATH's first entry's bin, else ~/go/bin, and
/// bin/linux_mips for a cross target; `.go` files under the first one's
/// name; GOBIN with a cross target and a relative GOBIN are go's errors. The same
/// files as go installs, and the installed command runs.
#[test]
fn install_puts_commands_where_go_install_does() {
    let d = tempfile::tempdir().unwrap();
    module(d.path());
    let installed = |go: bool, vars: &[(&str, &str)], args: &[&str]| -> (Output, Vec<String>) {
        let home = tempfile::tempdir().unwrap();
        let h = home.path().to_string_lossy().into_owned();
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.replace("$H", &h)))
            .collect();
        let mut all: Vec<(&str, &str)> =
            vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        all.push(("HOME", &h));
        if go {
            all.push(("GOMODCACHE", "/tmp/gccgo-build-e2e-gomodcache"));
        }
        let mut a = vec!["install"];
        a.extend(args);
        let o = cmd(go, d.path(), &a, &all);
        let mut files: Vec<String> = walkdir::WalkDir::new(home.path())
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                e.path()
                    .strip_prefix(home.path())
                    .unwrap()
                    .display()
                    .to_string()
            })
            .filter(|f| f.contains("bin"))
            .collect();
        files.sort();
        let cross = vars.iter().any(|(k, _)| k == "GOARCH");
        if o.status.success() && !files.is_empty() {
            let (out, _) = ok(run_target(
                cross.then_some("mips-linux-gnu"),
                &home.path().join(&files[0]),
                &[],
            ));
            assert!(!out.is_empty());
        }
        (o, files)
    };
    for (vars, args, message) in [
        (
            &[("GOBIN", "$H/gobin")][..],
            &[".", "./cmd2", "./lib"][..],
            None,
        ),
        (&[("GOPATH", "$H/gp:$H/other")], &["./..."], None),
        (&[], &["."], None),
        (
            &[("GOPATH", "$H/gp"), ("GOARCH", "mips")],
            &["./cmd2"],
            None,
        ),
        (
            &[("GOBIN", "$H/gobin"), ("GOARCH", "mips")],
            &["./cmd2"],
            Some("cannot install cross-compiled binaries when GOBIN is set"),
        ),
        (
            &[("GOBIN", "gobin")],
            &["."],
            Some("cannot install, GOBIN must be an absolute path"),
        ),
        (&[], &["main.go"], None),
    ] {
        let (g, gf) = installed(true, vars, args);
        let (o, of) = installed(false, vars, args);
        assert_eq!(
            g.status.success(),
            o.status.success(),
            "{vars:?} {args:?}\ngo: {:?}\ngccgo-build: {:?}",
            text(&g),
            text(&o)
        );
        assert_eq!(gf, of, "{vars:?} {args:?}: the files installed");
        if let Some(m) = message {
            assert_eq!(first_error(&g), m, "go {vars:?} {args:?}");
            assert_eq!(first_error(&o), m, "{vars:?} {args:?}");
        }
    }
    // pkg@version is looked up outside the module (tests/e2e/modcmd.rs): with
    // no proxy, go's words.
    let (_, err) = fails(cmd(
        false,
        d.path(),
        &["install", "example.com/cmd/a@v1.0.0"],
        &[("GOPROXY", "off")],
    ));
    assert!(
        err.contains("example.com/cmd/a@v1.0.0: module lookup disabled by GOPROXY=off"),
        "{err}"
    );
}

/// Two packages whose import paths differ only in case are refused as go
/// refuses them, at the import, in go's words.
#[test]
fn case_insensitive_import_collisions_are_refused_as_go_refuses_them() {
    let d = tempfile::tempdir().unwrap();
    write_tree(
        d.path(),
        &[
            ("go.mod", "module example.com/m\n\ngo 1.18\n"),
            ("foo/a.go", "package foo\n"),
            ("Foo/a.go", "package Foo\n"),
            (
                "main.go",
                // Unnamed imports: gccgo-build's column is the path's, go's the spec's.
                "package main\n\nimport (\n\t\"example.com/m/Foo\"\n\t\"example.com/m/foo\"\n)\n\nfunc main() {}\n",
            ),
        ],
    );
    let args = ["build", "-o", "/dev/null", "."];
    let g = cmd(true, d.path(), &args, &[]);
    let o = cmd(false, d.path(), &args, &[]);
    fails(g.clone());
    fails(o.clone());
    let want = "main.go:5:2: case-insensitive import collision: \"example.com/m/foo\" and \"example.com/m/Foo\"";
    assert_eq!(first_error(&g), want);
    assert_eq!(first_error(&o), want);
}
