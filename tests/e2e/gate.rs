//! End-to-end tests of the Go-version gate (`src/gate.rs`) and of
//! `//go:embed` (`src/embed.rs`), with the real binary and two real gccgo
//! versions side by side: the host's gccgo 12 (Go 1.18 without generics)
//! and gccgo-11 (profile `gccgo-11`, Go 1.16).
//!
//! Every command runs with HOME in a temp dir and `--cache off`, so no
//! earlier build can answer for it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::gb;

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `gccgo -dumpfullversion` of a compiler, as the messages quote it.
fn gcc_version(gccgo: &str) -> String {
    let o = Command::new(gccgo)
        .arg("-dumpfullversion")
        .output()
        .unwrap_or_else(|e| panic!("running {gccgo}: {e}"));
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

/// Writes a module `example.com/t` with `go.mod` saying `go GO` and the
/// given files; returns the temp dir (module root inside at `m/`).
fn module(go: &str, files: &[(&str, &str)]) -> tempfile::TempDir {
    let d = tempfile::tempdir().expect("temp dir");
    let m = d.path().join("m");
    std::fs::create_dir_all(&m).unwrap();
    std::fs::write(
        m.join("go.mod"),
        format!("module example.com/t\n\ngo {go}\n"),
    )
    .unwrap();
    for (name, text) in files {
        let p = m.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    std::fs::create_dir_all(d.path().join("home")).unwrap();
    d
}

/// Builds `.` in the module with extra args; returns (output, binary path).
fn build(d: &tempfile::TempDir, extra: &[&str]) -> (Output, PathBuf) {
    let m = d.path().join("m");
    let out = d.path().join("prog");
    let mut args = vec!["build", "-x", "-j", "2", "--cache", "off", "-o"];
    let out_s = out.to_string_lossy().into_owned();
    args.push(&out_s);
    args.extend_from_slice(extra);
    args.push(".");
    (gb(&d.path().join("home"), &m, &args), out)
}

fn run(prog: &Path) -> String {
    let o = Command::new(prog).output().expect("running the program");
    assert!(
        o.status.success(),
        "{} failed: {}",
        prog.display(),
        stderr(&o)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Whether `-x` printed a gccgo compile (`… -c …`) line.
fn compiled_something(err: &str) -> bool {
    err.lines()
        .any(|l| l.contains("gccgo") && l.split_whitespace().any(|w| w == "-c"))
}

const GENERIC: &str = "package main

import \"fmt\"

func Map[T any](xs []T, f func(T) T) []T {
\tfor i := range xs {
\t\txs[i] = f(xs[i])
\t}
\treturn xs
}

func main() {
\tfmt.Println(Map[int]([]int{1, 2}, func(x int) int { return x * 2 }))
}
";

#[test]
fn generics_fail_before_gccgo_runs_on_gccgo_12_and_gccgo_11() {
    let d = module("1.16", &[("main.go", GENERIC)]);
    let file = d.path().join("m/main.go");
    for (target, gccgo, name, go) in [
        (None, "gccgo", "host", "Go 1.18 without generics"),
        (Some("gccgo-11"), "gccgo-11", "gccgo-11", "Go 1.16"),
    ] {
        let extra: Vec<&str> = target.map(|t| vec!["--target", t]).unwrap_or_default();
        let (o, prog) = build(&d, &extra);
        let err = stderr(&o);
        assert!(
            !o.status.success(),
            "{name}: built a generic program:\n{err}"
        );
        let who = format!("gccgo {} (toolchain {name}, {go})", gcc_version(gccgo));
        let want = format!(
            "{}:5:9: type parameters (generics, Go 1.18) are not implemented by {who}",
            file.display()
        );
        assert!(err.contains(&want), "{name}: no line\n{want}\nin:\n{err}");
        let want = format!(
            "{}:13:14: generic instantiation `Map[int]` (generics, Go 1.18) \
             is not implemented by {who}",
            file.display()
        );
        assert!(err.contains(&want), "{name}: no line\n{want}\nin:\n{err}");
        assert!(
            !compiled_something(&err),
            "{name}: gccgo ran before the gate failed:\n{err}"
        );
        assert!(!prog.exists(), "{name}: left a binary");
    }
}

#[test]
fn any_builds_with_gccgo_12_and_fails_clearly_with_gccgo_11() {
    let src = "package main\n\nimport \"fmt\"\n\nfunc show(v any) { fmt.Println(\"got\", v) }\n\nfunc main() { show(42) }\n";
    let d = module("1.16", &[("main.go", src)]);
    let (o, prog) = build(&d, &[]);
    assert!(o.status.success(), "gccgo 12 failed:\n{}", stderr(&o));
    assert_eq!(run(&prog), "got 42\n");

    let (o, _) = build(&d, &["--target", "gccgo-11"]);
    let err = stderr(&o);
    assert!(!o.status.success(), "gccgo-11 built `any`:\n{err}");
    let want = format!(
        "{}:5:13: predeclared `any` (Go 1.18) is not implemented by gccgo {} (toolchain gccgo-11, Go 1.16)",
        d.path().join("m/main.go").display(),
        gcc_version("gccgo-11")
    );
    assert!(err.contains(&want), "no line\n{want}\nin:\n{err}");
    assert!(!compiled_something(&err), "gccgo-11 ran:\n{err}");
}

const CUT_AND_SLICE: &str = "package main

import (
\t\"fmt\"
\t\"strings\"
\t\"unsafe\"
)

func main() {
\tk, v, ok := strings.Cut(\"key=value\", \"=\")
\tb := []byte(\"hi\")
\ts := unsafe.Slice(&b[0], len(b))
\tfmt.Println(k, v, ok, string(s))
}
";

#[test]
fn std_names_newer_than_gccgo_11_fail_before_it_runs_and_build_with_gccgo_12() {
    let d = module("1.16", &[("main.go", CUT_AND_SLICE)]);
    let (o, prog) = build(&d, &[]);
    assert!(o.status.success(), "gccgo 12 failed:\n{}", stderr(&o));
    assert_eq!(run(&prog), "key value true hi\n");
    std::fs::remove_file(&prog).unwrap();

    let (o, prog) = build(&d, &["--target", "gccgo-11"]);
    let err = stderr(&o);
    assert!(!o.status.success(), "gccgo-11 built strings.Cut:\n{err}");
    assert_eq!(o.status.code(), Some(1), "{err}");
    let file = d.path().join("m/main.go");
    let who = format!(
        "gccgo {} (toolchain gccgo-11, Go 1.16)",
        gcc_version("gccgo-11")
    );
    // When Go's API files are installed (Debian's golang-1.19-src), the
    // release that added strings.Cut is named; unsafe's come from a table.
    let cut_why = if Path::new("/usr/share/go-1.19/api/go1.18.txt").is_file() {
        " (added in Go 1.18); build with a newer toolchain"
    } else {
        ""
    };
    for want in [
        format!(
            "{}:10:14: uses strings.Cut, which {who} does not have{cut_why}",
            file.display()
        ),
        format!(
            "{}:12:7: uses unsafe.Slice, which {who} does not have (added in Go 1.17); \
             build with a newer toolchain",
            file.display()
        ),
    ] {
        assert!(err.contains(&want), "no line\n{want}\nin:\n{err}");
    }
    assert!(!err.contains("undefined"), "gccgo's own error:\n{err}");
    assert!(!compiled_something(&err), "gccgo-11 ran:\n{err}");
    assert!(!prog.exists(), "left a binary");
}

const EMBED: &str = "package main

import (
\t_ \"embed\"
\t\"fmt\"
)

//go:embed hello.txt
var hello string

//go:embed static
var _ string

func main() { fmt.Print(hello) }
";

#[test]
fn embed_builds_and_prints_the_file_with_gccgo_12_and_gccgo_11() {
    let d = module(
        "1.16",
        &[
            (
                "main.go",
                &EMBED.replace("//go:embed static\nvar _ string\n\n", ""),
            ),
            ("hello.txt", "hello from an embedded file\n"),
        ],
    );
    for extra in [&[][..], &["--target", "gccgo-11"][..]] {
        let (o, prog) = build(&d, extra);
        let err = stderr(&o);
        // Needs plan.rs to write `embed::config`'s JSON and pass
        // -fgo-embedcfg; without it gccgo says "build system did not supply
        // embed configuration".
        assert!(o.status.success(), "{extra:?}: embed build failed:\n{err}");
        assert!(
            err.contains("-fgo-embedcfg="),
            "{extra:?}: no -fgo-embedcfg:\n{err}"
        );
        assert_eq!(run(&prog), "hello from an embedded file\n", "{extra:?}");
    }
}

#[test]
fn embed_is_rejected_by_a_go_1_15_toolchain_and_bad_patterns_are_located() {
    let d = module(
        "1.16",
        &[
            ("main.go", EMBED),
            ("hello.txt", "hi\n"),
            ("static/.keep", ""),
        ],
    );
    // gccgo-11 told to implement only Go 1.15: the gate's table says no embed.
    let tc = d.path().join("go115.toml");
    std::fs::write(
        &tc,
        "name = \"go115\"\ntriple = \"x86_64-linux-gnu\"\ngccgo = \"gccgo-11\"\nobjcopy = \"objcopy\"\ngo = \"1.15\"\n",
    )
    .unwrap();
    let (o, _) = build(&d, &["--toolchain", &tc.to_string_lossy()]);
    let err = stderr(&o);
    assert!(!o.status.success(), "go 1.15 toolchain built embed:\n{err}");
    let file = d.path().join("m/main.go");
    for line in [8, 11] {
        let want = format!(
            "{}:{line}:1: `//go:embed` directives (Go 1.16) are not implemented by gccgo {} (toolchain go115, Go 1.15)",
            file.display(),
            gcc_version("gccgo-11")
        );
        assert!(err.contains(&want), "no line\n{want}\nin:\n{err}");
    }
    assert!(!compiled_something(&err), "gccgo ran:\n{err}");

    // With gccgo 12, `static` holds only a hidden file: go's own message, located.
    let (o, _) = build(&d, &[]);
    let err = stderr(&o);
    assert!(!o.status.success(), "built an empty embed dir:\n{err}");
    let want = format!(
        "{}:11:12: pattern static: cannot embed directory static: contains no embeddable files",
        file.display()
    );
    assert!(err.contains(&want), "no line\n{want}\nin:\n{err}");
    assert!(!compiled_something(&err), "gccgo ran:\n{err}");
}

/// The embed configuration alone, handed to the real compilers by hand as
/// the go command does (`-fgo-embedcfg=FILE`), with a directory pattern.
#[test]
fn embedcfg_is_what_gccgo_reads() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let src = "package main\n\nimport (\n\t\"embed\"\n\t\"fmt\"\n)\n\n//go:embed static\nvar fs embed.FS\n\nfunc main() {\n\tes, _ := fs.ReadDir(\"static\")\n\tfor _, e := range es {\n\t\tb, _ := fs.ReadFile(\"static/\" + e.Name())\n\t\tfmt.Printf(\"%s=%s\", e.Name(), b)\n\t}\n}\n";
    std::fs::write(dir.join("main.go"), src).unwrap();
    std::fs::create_dir_all(dir.join("static")).unwrap();
    std::fs::write(dir.join("static/a.txt"), "A\n").unwrap();
    std::fs::write(dir.join("static/b.txt"), "B\n").unwrap();
    std::fs::write(dir.join("static/_skipped"), "no\n").unwrap();
    let tree = gccgo_build::embed::parse_go(src).unwrap();
    let pats = gccgo_build::embed::patterns_in(&dir.join("main.go"), src, &tree).unwrap();
    let pats: Vec<_> = pats.into_iter().map(|p| (dir.join("main.go"), p)).collect();
    let cfg = gccgo_build::embed::resolve(dir, &pats).unwrap();
    std::fs::write(dir.join("embedcfg"), cfg.to_json()).unwrap();
    for gccgo in ["gccgo", "gccgo-11"] {
        let prog = dir.join(format!("prog-{gccgo}"));
        let o = Command::new(gccgo)
            .arg(format!("-fgo-embedcfg={}", dir.join("embedcfg").display()))
            .arg("-o")
            .arg(&prog)
            .arg(dir.join("main.go"))
            .output()
            .unwrap();
        assert!(o.status.success(), "{gccgo}: {}", stderr(&o));
        assert_eq!(run(&prog), "a.txt=A\nb.txt=B\n", "{gccgo}");
    }
}

#[test]
fn gomod_go_newer_than_the_toolchain_is_a_warning() {
    let d = module(
        "1.20",
        &[(
            "main.go",
            "package main\n\nfunc main() { println(\"ok\") }\n",
        )],
    );
    let (o, prog) = build(&d, &[]);
    let err = stderr(&o);
    assert!(
        o.status.success(),
        "a go 1.20 go.mod failed the build:\n{err}"
    );
    // The same absolute file:line form as errors.
    let want = format!(
        "gccgo-build: warning: {}:3: go 1.20 is newer than Go 1.18 that gccgo {} implements",
        d.path().join("m/go.mod").display(),
        gcc_version("gccgo")
    );
    assert!(err.contains(&want), "no line\n{want}\nin:\n{err}");
    assert!(prog.exists());
}
