//! Build information: `runtime/debug.ReadBuildInfo` in our binaries says
//! what they were built from, field by field as the go command's own
//! gccgo build (`go-12`) says it, on the host, for mips under qemu, and
//! with gccgo 11's older reader; `inspect` prints it.

use std::collections::BTreeMap;
use std::process::Command;

use crate::common::*;

/// `minion -version`'s lines after the banner, as key → value (`path`,
/// `mod`, and each `build` setting by its key).
fn fields(out: &str) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    for l in out.lines().skip(1) {
        let mut w = l.splitn(2, '\t');
        match (w.next(), w.next()) {
            (Some("build"), Some(kv)) => {
                let (k, v) = kv.split_once('=').unwrap();
                m.insert(k.to_string(), v.to_string());
            }
            (Some(k), Some(v)) => {
                m.insert(k.to_string(), v.to_string());
            }
            _ => {}
        }
    }
    m
}

fn have(prog: &str) -> bool {
    let ok = Command::new(prog)
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!(
            "SKIPPED: the build-information comparison with {prog}: it is not installed (package go-12)"
        );
    }
    ok
}

#[test]
fn read_build_info_matches_the_go_commands_gccgo_build() {
    let tmp = tempfile::tempdir().unwrap();
    let ours = tmp.path().join("minion");
    ok(run(bin()
        .current_dir(minion_dir())
        .args(["build", "-tags", "stamp", "-o"])
        .arg(&ours)
        .arg("./cmd/minion")));
    let mine = fields(&ok(run(Command::new(&ours).arg("-version"))).0);
    assert_eq!(mine["path"], "example.com/minion/cmd/minion");
    assert_eq!(mine["mod"], "example.com/minion\t(devel)");
    assert_eq!(mine["-compiler"], "gccgo");
    assert_eq!(mine["-tags"], "stamp");
    assert_eq!(mine["GOARCH"], "amd64");
    assert!(
        mine["gccgo"].contains("12."),
        "the toolchain's identity: {mine:?}"
    );

    // inspect prints it as `go version -m` would.
    let (info, _) = ok(run(bin().arg("inspect").arg(&ours)));
    assert!(info.contains("go_buildinfo: gccgo"), "{info}");
    assert!(
        info.contains("go_modinfo: path\texample.com/minion/cmd/minion"),
        "{info}"
    );

    if !have("go-12") {
        return;
    }
    let theirs = tmp.path().join("minion-go12");
    ok(run(Command::new("go-12")
        .current_dir(minion_dir())
        .args(["build", "-tags", "stamp", "-o"])
        .arg(&theirs)
        .arg("./cmd/minion")));
    let go12 = fields(&ok(run(Command::new(&theirs).arg("-version"))).0);
    let mut compared = 0;
    for (k, v) in &go12 {
        // gccgo-build records CGO_ENABLED but not the CGO_*FLAGS (README,
        // "cgo"); GOEXPERIMENT is Debian's go-12 build's own.
        if (k.starts_with("CGO_") && k != "CGO_ENABLED") || k == "GOEXPERIMENT" {
            continue;
        }
        assert_eq!(mine.get(k), Some(v), "{k}: ours {mine:?}, go-12's {go12:?}");
        compared += 1;
    }
    assert!(
        compared >= 6,
        "path, mod, -compiler, -tags, GOARCH, GOOS at least: {go12:?}"
    );
}

#[test]
fn build_info_on_mips_and_with_gccgo_11() {
    let tmp = tempfile::tempdir().unwrap();
    let exe = tmp.path().join("minion-mips");
    ok(run(bin()
        .current_dir(minion_dir())
        .args(["build", "--target", "mips-linux-gnu", "-o"])
        .arg(&exe)
        .arg("./cmd/minion")));
    let m = fields(&ok(run_target(Some("mips-linux-gnu"), &exe, &["-version"])).0);
    assert_eq!(m["path"], "example.com/minion/cmd/minion");
    assert_eq!(
        (
            m["GOARCH"].as_str(),
            m["GOMIPS"].as_str(),
            m["GOOS"].as_str()
        ),
        ("mips", "hardfloat", "linux")
    );

    // gccgo 11's runtime/debug (Go 1.16) reads the path and module lines.
    let exe11 = tmp.path().join("minion-11");
    ok(run(bin()
        .current_dir(minion_dir())
        .args(["build", "--target", "gccgo-11", "-o"])
        .arg(&exe11)
        .arg("./cmd/minion")));
    let m = fields(&ok(run(Command::new(&exe11).arg("-version"))).0);
    assert_eq!(m["path"], "example.com/minion/cmd/minion");
    assert_eq!(m["mod"], "example.com/minion\t(devel)");
}

/// `-ldflags -X` sets package-level string variables, in package main and
/// in an imported package, on the host and for mips (under qemu).
#[test]
fn dash_x_sets_string_variables_host_and_mips() {
    let tmp = tempfile::tempdir().unwrap();
    let x = "-X main.version=1.2.3 -X 'example.com/minion/internal/version.Commit=abc def' -s";
    for target in [None, Some("mips-linux-gnu")] {
        let exe = tmp.path().join(format!("m-{}", target.unwrap_or("host")));
        let mut c = bin();
        c.current_dir(minion_dir())
            .args(["build", "-ldflags", x, "-o"])
            .arg(&exe);
        if let Some(t) = target {
            c.args(["--target", t]);
        }
        ok(run(c.arg("./cmd/minion")));
        let out = ok(run_target(target, &exe, &["-version"])).0;
        assert!(
            out.contains("version\t1.2.3\ncommit\tabc def\n"),
            "{target:?}: {out}"
        );
        assert!(
            out.contains("build\t-ldflags=-X main.version=1.2.3"),
            "the flags are in the build information: {out}"
        );
    }
    let plain = tmp.path().join("plain");
    ok(run(bin()
        .current_dir(minion_dir())
        .args(["build", "-o"])
        .arg(&plain)
        .arg("./cmd/minion")));
    let out = ok(run(std::process::Command::new(&plain).arg("-version"))).0;
    assert!(out.contains("version\tdev\ncommit\t\n"), "{out}");
}

/// gc's rules: a name that is not there is ignored (`-v` says so), a
/// variable of another type is an error naming the file and line, and a
/// variable initialized by a call is left alone.
#[test]
fn dash_x_follows_gcs_rules() {
    let tmp = tempfile::tempdir().unwrap();
    write_tree(
        tmp.path(),
        &[
            ("go.mod", "module example.com/x\n\ngo 1.18\n"),
            (
                "main.go",
                "package main\n\nvar (\n\tname = \"dev\"\n\tcount int\n\tcalc = f()\n)\n\nfunc f() string { return \"f\" }\n\nfunc main() { println(name, count, calc) }\n",
            ),
        ],
    );
    let o = run(bin().current_dir(tmp.path()).args([
        "build",
        "-v",
        "-ldflags",
        "-X main.name=set -X main.calc=no -X main.nope=1",
        "-o",
        "x",
        ".",
    ]));
    let (_, err) = ok(o);
    assert!(err.contains("main.go:6: -X main.calc left alone"), "{err}");
    assert!(
        err.contains("-X main.nope: no such string variable is built; ignored"),
        "{err}"
    );
    let o = run(&mut std::process::Command::new(tmp.path().join("x")));
    assert_eq!(text(&o).1, "set 0 f\n");
    let (_, err) = fails(run(bin().current_dir(tmp.path()).args([
        "build",
        "-ldflags",
        "-X main.count=3",
        "-o",
        "y",
        ".",
    ])));
    assert!(
        err.contains(
            "main.go:5: cannot set main.count with -X: not a var of type string (it is int)"
        ),
        "{err}"
    );
    assert!(
        !tmp.path().join("y").exists(),
        "no output from a failed build"
    );
}
