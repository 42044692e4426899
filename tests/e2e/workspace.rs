//! Workspaces (go.work): a program module and the library module it
//! imports without any published version (`use ./app ./lib`), built from
//! the workspace root, from inside each module and with `GOWORK=/abs`, each
//! time held against `go build` of Go 1.19 (gc, /usr/bin/go) run the same
//! way; `GOWORK=off` falling back to the module alone and failing as go
//! fails; a go.work `replace` winning over a module's own; and `list` in
//! the workspace held against `go-12 list -compiler=gccgo`.

use std::path::Path;
use std::process::Command;

use crate::common::*;

/// The workspace: `app` (example.com/app, a command) imports `lib`
/// (example.com/lib), which requires example.com/dep v0.0.0 replaced by
/// `../dep-mod` in its go.mod and by `./dep-work` in go.work; lib also has
/// a command of its own (`lib/cmd/libdemo`).
fn workspace(root: &Path) {
    write_tree(
        root,
        &[
            (
                "go.work",
                "go 1.18\n\nuse (\n\t./app\n\t./lib\n)\n\nreplace example.com/dep => ./dep-work\n",
            ),
            ("app/go.mod", "module example.com/app\n\ngo 1.18\n"),
            (
                "app/main.go",
                "// Command app greets from the workspace.\npackage main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/lib\"\n)\n\nfunc main() { fmt.Println(lib.Greet(\"workspace\")) }\n",
            ),
            (
                "lib/go.mod",
                "module example.com/lib\n\ngo 1.18\n\nrequire example.com/dep v0.0.0\n\nreplace example.com/dep => ../dep-mod\n",
            ),
            (
                "lib/lib.go",
                "// Package lib greets. It is used by app.\npackage lib\n\nimport \"example.com/dep\"\n\n// Greet says hello.\nfunc Greet(s string) string { return \"hello, \" + s + \" from \" + dep.Where }\n",
            ),
            (
                "lib/cmd/libdemo/main.go",
                "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/lib\"\n)\n\nfunc main() { fmt.Println(\"demo:\", lib.Greet(\"lib\")) }\n",
            ),
            ("dep-mod/go.mod", "module example.com/dep\n\ngo 1.18\n"),
            (
                "dep-mod/dep.go",
                "package dep\n\nconst Where = \"dep-mod\"\n",
            ),
            ("dep-work/go.mod", "module example.com/dep\n\ngo 1.18\n"),
            (
                "dep-work/dep.go",
                "package dep\n\nconst Where = \"dep-work\"\n",
            ),
        ],
    );
}

/// gc's go command of Go 1.19, offline, with its own cache under `tmp`.
fn gc_go(tmp: &Path, dir: &Path) -> Command {
    let mut c = Command::new("/usr/bin/go");
    c.current_dir(dir)
        .env("GOFLAGS", "")
        .env("GOPROXY", "off")
        .env("GO111MODULE", "")
        .env_remove("GOWORK")
        .env("GOCACHE", tmp.join("gocache"))
        .env("GOPATH", tmp.join("gopath"));
    c
}

/// gccgo-build with the same environment.
fn ours(tmp: &Path, dir: &Path) -> Command {
    let mut c = bin();
    c.current_dir(dir)
        .env_remove("GOWORK")
        .env("GOPATH", tmp.join("gopath"));
    c
}

/// Builds `pkg` with both tools from `dir` (relative to the workspace
/// root) with `env`, runs both programs and returns their common output.
fn both_build(tmp: &Path, dir: &str, pkg: &str, env: &[(&str, &str)]) -> String {
    let d = tmp.join("ws").join(dir);
    let (gc_exe, our_exe) = (tmp.join("gc.out"), tmp.join("ours.out"));
    let mut gc = gc_go(tmp, &d);
    gc.envs(env.iter().copied())
        .args(["build", "-o"])
        .arg(&gc_exe)
        .arg(pkg);
    ok(run(&mut gc));
    let mut o = ours(tmp, &d);
    o.envs(env.iter().copied())
        .args(["build", "-o"])
        .arg(&our_exe)
        .arg(pkg);
    ok(run(&mut o));
    let (want, _) = ok(run(&mut Command::new(&gc_exe)));
    let (got, _) = ok(run(&mut Command::new(&our_exe)));
    assert_eq!(got, want, "{pkg} built in {dir} with {env:?}");
    got
}

fn setup() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("temp dir");
    workspace(&tmp.path().join("ws"));
    tmp
}

#[test]
fn workspace_builds_from_its_root_and_inside_each_module_as_go_does() {
    let tmp = setup();
    let t = tmp.path();
    let greeting = both_build(t, "", "./app", &[]);
    // go.work's replace wins over lib's own.
    assert_eq!(greeting, "hello, workspace from dep-work\n");
    both_build(t, "app", ".", &[]);
    both_build(t, "lib", "./cmd/libdemo", &[]);
    // A workspace module's package by path, from another module.
    both_build(t, "lib", "example.com/app", &[]);
    // GOWORK names the file from outside the workspace.
    let work = t.join("ws/go.work").display().to_string();
    std::fs::create_dir_all(t.join("ws/../elsewhere")).unwrap();
    both_build(t, "../elsewhere", "example.com/app", &[("GOWORK", &work)]);
    // And `./...` at the root builds every used module's packages.
    let (_, err) = ok(run(ours(t, &t.join("ws")).args(["build", "./..."])));
    assert!(!err.contains("error"), "{err}");
}

#[test]
fn gowork_off_falls_back_to_the_module_and_fails_as_go_does() {
    let tmp = setup();
    let t = tmp.path();
    let app = t.join("ws/app");
    let (_, go_err) = fails(run(gc_go(t, &app).env("GOWORK", "off").args([
        "build",
        "-o",
        "/dev/null",
        ".",
    ])));
    let (_, our_err) = fails(run(ours(t, &app).env("GOWORK", "off").args(["build", "."])));
    let gist = "no required module provides package example.com/lib";
    assert!(go_err.contains(gist), "go: {go_err}");
    assert!(our_err.contains(gist), "ours: {our_err}");
    // Both name the importing file and line.
    assert!(go_err.contains("main.go:7:2"), "go: {go_err}");
    assert!(our_err.contains("main.go:7:2"), "ours: {our_err}");
    // lib alone still builds (its own replace now applies).
    both_build(t, "lib", "./cmd/libdemo", &[("GOWORK", "off")]);
    let (out, _) = ok(run(ours(t, &t.join("ws/lib"))
        .env("GOWORK", "off")
        .args(["run", "./cmd/libdemo"])));
    assert_eq!(out, "demo: hello, lib from dep-mod\n");
}

#[test]
fn gowork_must_be_absolute_and_the_module_must_be_used() {
    let tmp = setup();
    let t = tmp.path();
    let (_, err) = fails(run(ours(t, &t.join("ws/app"))
        .env("GOWORK", "go.work")
        .args(["build", "."])));
    assert!(err.contains("must be an absolute path"), "{err}");
    write_tree(
        &t.join("ws"),
        &[
            ("other/go.mod", "module example.com/other\n\ngo 1.18\n"),
            ("other/main.go", "package main\n\nfunc main() {}\n"),
        ],
    );
    let (_, go_err) = fails(run(gc_go(t, &t.join("ws/other")).args(["build", "."])));
    let (_, err) = fails(run(ours(t, &t.join("ws/other")).args(["build", "."])));
    let gist = "not one of the workspace modules listed in";
    assert!(go_err.contains(gist), "go: {go_err}");
    assert!(err.contains(gist) && err.contains("go work use"), "{err}");
    let (_, err) = fails(run(ours(t, &t.join("ws/app")).args([
        "build",
        "-mod=vendor",
        ".",
    ])));
    assert!(
        err.contains("-mod may only be set to readonly when in workspace mode"),
        "{err}"
    );
}

#[test]
fn env_gowork_names_the_file() {
    let tmp = setup();
    let t = tmp.path();
    let app = t.join("ws/app");
    let (ours_out, _) = ok(run(ours(t, &app).args(["env", "GOWORK"])));
    let (go_out, _) = ok(run(gc_go(t, &app).args(["env", "GOWORK"])));
    assert_eq!(ours_out, go_out);
    // With GOWORK=off there is no go.work, and go 1.19's `env` prints "off".
    let (go_off, _) = ok(run(gc_go(t, &app)
        .env("GOWORK", "off")
        .args(["env", "GOWORK"])));
    let (ours_off, _) = ok(run(ours(t, &app)
        .env("GOWORK", "off")
        .args(["env", "GOWORK"])));
    assert_eq!((go_off.trim(), ours_off.trim()), ("off", "off"));
}

/// Splits what `list -json` prints into objects.
fn objects(text: &str) -> Vec<serde_json::Map<String, serde_json::Value>> {
    serde_json::Deserializer::from_str(text)
        .into_iter::<serde_json::Value>()
        .map(|v| v.expect("JSON").as_object().cloned().expect("an object"))
        .collect()
}

/// `list -deps -json` in the workspace (whole `Module` objects with the
/// go.work replacement, std packages' `Dir` and `Root`, `Doc`, `Target`)
/// held against go-12's, from the root and, with `GOWORK=off`, from
/// inside lib; every field but those gccgo-build leaves out.
#[test]
fn list_in_the_workspace_matches_go12() {
    let tmp = setup();
    let t = tmp.path();
    for (dir, gowork, pkg) in [("", "", "./app"), ("lib", "", "."), ("lib", "off", ".")] {
        let d = t.join("ws").join(dir);
        let (ours, _) = ok(run(ours(t, &d)
            .env("GOWORK", gowork)
            .args(["list", "-deps", "-json", pkg])));
        let mut go = Command::new("go-12");
        go.current_dir(&d)
            .env("GOFLAGS", "")
            .env("GOPROXY", "off")
            .env("GOWORK", gowork)
            .env("GOCACHE", t.join("gocache12"))
            .env("GOPATH", t.join("gopath"))
            .args(["list", "-compiler=gccgo", "-deps", "-json", pkg]);
        let (theirs, _) = ok(run(&mut go));
        let (ours, theirs) = (objects(&ours), objects(&theirs));
        let paths = |v: &[serde_json::Map<String, serde_json::Value>]| -> Vec<String> {
            v.iter().map(|o| o["ImportPath"].to_string()).collect()
        };
        assert_eq!(paths(&ours), paths(&theirs), "in {dir} GOWORK={gowork}");
        for (mut a, mut b) in ours.into_iter().zip(theirs) {
            for k in ["Stale", "StaleReason"] {
                a.remove(k);
                b.remove(k);
            }
            assert_eq!(a, b, "in {dir} GOWORK={gowork}");
        }
    }
}
