//! The main job, end to end with the real toolchains: build examples/minion
//! for the host, big-endian and little-endian MIPS, run it (qemu-user for
//! MIPS), check the ELF, build a real third-party program (xxhsum), and
//! the error paths: import cycle, missing package, syntax error, missing
//! toolchain.

use std::path::Path;

use crate::common::*;
use object::{Object, ObjectSection};

fn build_minion(triple: Option<&str>, out: &Path) {
    let mut c = bin();
    c.current_dir(minion_dir())
        .args(["build", "-j", "2", "-o"])
        .arg(out);
    if let Some(t) = triple {
        c.args(["--target", t]);
    }
    c.arg("./cmd/minion");
    ok(run(&mut c));
}

fn minion_runs(triple: Option<&str>) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("minion");
    build_minion(triple, &out);
    let (stdout, _) = ok(run_target(triple, &out, &["-selftest"]));
    assert_eq!(stdout, minion_expected(), "selftest output for {triple:?}");
}

#[test]
fn minion_host_runs_selftest() {
    minion_runs(None);
}

#[test]
fn minion_mips_runs_under_qemu_and_is_big_endian_mips() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("minion");
    build_minion(Some("mips-linux-gnu"), &out);
    let (stdout, _) = ok(run_target(Some("mips-linux-gnu"), &out, &["-selftest"]));
    assert_eq!(stdout, minion_expected());
    let data = std::fs::read(&out).unwrap();
    let elf = object::File::parse(&*data).unwrap();
    assert_eq!(elf.architecture(), object::Architecture::Mips);
    assert!(!elf.is_little_endian(), "mips build must be big-endian");
    assert!(!elf.is_64());
    // gccgo keeps export data in the executable (golang/go#26204): proof it was built by gccgo.
    assert!(
        elf.section_by_name(".go_export").is_some() || elf.section_by_name(".comment").is_some()
    );
    let comment = elf
        .section_by_name(".comment")
        .and_then(|s| s.data().ok())
        .unwrap_or_default();
    assert!(
        String::from_utf8_lossy(comment).contains("GCC"),
        "no GCC .comment"
    );
}

#[test]
fn minion_mipsel_runs_under_qemu_and_is_little_endian() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("minion");
    build_minion(Some("mipsel-linux-gnu"), &out);
    let (stdout, _) = ok(run_target(Some("mipsel-linux-gnu"), &out, &["-selftest"]));
    assert_eq!(stdout, minion_expected());
    let data = std::fs::read(&out).unwrap();
    let elf = object::File::parse(&*data).unwrap();
    assert_eq!(elf.architecture(), object::Architecture::Mips);
    assert!(elf.is_little_endian());
}

#[test]
fn default_output_name_is_the_package_base_name() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(
        dir.path(),
        &[
            ("go.mod", "module example.com/hello\n\ngo 1.18\n"),
            (
                "cmd/hello/main.go",
                "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello\") }\n",
            ),
        ],
    );
    ok(run(bin()
        .current_dir(dir.path())
        .args(["build", "./cmd/hello"])));
    let (out, _) = ok(run_target(None, &dir.path().join("hello"), &[]));
    assert_eq!(out, "hello\n");
}

#[test]
fn xxhsum_for_mips_hashes_like_the_host_build() {
    let src = Path::new("/usr/share/gocode/src/github.com/cespare/xxhash");
    assert!(
        src.join("xxhsum").is_dir(),
        "install golang-github-cespare-xxhash-dev"
    );
    let dir = tempfile::tempdir().unwrap();
    let before = std::fs::read_dir(src).unwrap().count();
    let input = dir.path().join("input.txt");
    std::fs::write(
        &input,
        "The quick brown fox jumps over the lazy dog\n".repeat(1000),
    )
    .unwrap();
    let mut sums = Vec::new();
    for triple in [None, Some("mips-linux-gnu")] {
        let out = dir
            .path()
            .join(format!("xxhsum-{}", triple.unwrap_or("host")));
        let mut c = bin();
        c.arg("build")
            .arg("-C")
            .arg(src)
            .args(["-j", "2", "-o"])
            .arg(&out);
        if let Some(t) = triple {
            c.args(["--target", t]);
        }
        c.arg("./xxhsum");
        ok(run(&mut c));
        let (stdout, _) = ok(run_target(triple, &out, &[input.to_str().unwrap()]));
        let sum = stdout.split_whitespace().next().unwrap_or("").to_string();
        assert_eq!(sum.len(), 16, "{stdout}");
        sums.push(sum);
    }
    assert_eq!(sums[0], sums[1], "mips and host hashes differ");
    assert_eq!(
        std::fs::read_dir(src).unwrap().count(),
        before,
        "wrote into the source tree"
    );
}

#[test]
fn dry_run_prints_the_plan_and_runs_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("minion");
    let (script, _) = ok(run(bin()
        .current_dir(minion_dir())
        .args(["build", "-n", "--target", "mips-linux-gnu", "-o"])
        .arg(&out)
        .arg("./cmd/minion")));
    assert!(!out.exists(), "-n wrote the output");
    let wire = script
        .find("-fgo-pkgpath=example.com/minion/internal/wire")
        .expect("wire compiled");
    let rpc = script
        .find("-fgo-pkgpath=example.com/minion/internal/rpc")
        .expect("rpc compiled");
    let probe = script
        .find("-fgo-pkgpath=example.com/minion/internal/probe")
        .expect("probe compiled");
    let link = script.find("-static-libgo").expect("link");
    assert!(
        wire < rpc && wire < probe && rpc < link && probe < link,
        "order:\n{script}"
    );
    assert!(
        script.contains("mips-linux-gnu-objcopy -j .go_export"),
        "{script}"
    );
    assert!(
        !script.contains("name_plan9.go"),
        "constraint-excluded file compiled:\n{script}"
    );
    assert!(
        script.contains("compiler_gccgo.go") && !script.contains("compiler_gc.go"),
        "{script}"
    );
    assert!(
        script.contains("sys_linux.go") && !script.contains("sys_windows.go"),
        "{script}"
    );
}

#[test]
fn import_cycle_prints_the_whole_path() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(
        dir.path(),
        &[
            ("go.mod", "module example.com/cyc\n\ngo 1.18\n"),
            (
                "main.go",
                "package main\n\nimport _ \"example.com/cyc/a\"\n\nfunc main() {}\n",
            ),
            ("a/a.go", "package a\n\nimport _ \"example.com/cyc/b\"\n"),
            ("b/b.go", "package b\n\nimport _ \"example.com/cyc/c\"\n"),
            ("c/c.go", "package c\n\nimport _ \"example.com/cyc/a\"\n"),
        ],
    );
    let (_, err) = fails(run(bin()
        .current_dir(dir.path())
        .args(["build", "-o", "out", "."])));
    assert!(
        err.contains("import cycle not allowed: example.com/cyc/a -> example.com/cyc/b -> example.com/cyc/c -> example.com/cyc/a"),
        "{err}"
    );
    assert!(
        err.contains("c/c.go:3:10: example.com/cyc/c imports example.com/cyc/a"),
        "{err}"
    );
    assert!(!dir.path().join("out").exists());
}

#[test]
fn missing_package_names_the_importing_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(
        dir.path(),
        &[
            ("go.mod", "module example.com/miss\n\ngo 1.18\n"),
            (
                "main.go",
                "package main\n\nimport (\n\t\"fmt\"\n\t\"example.com/miss/nope\"\n)\n\nfunc main() { fmt.Println(nope.X) }\n",
            ),
            (
                "other.go",
                "package main\n\nimport \"github.com/nobody/nothing\"\n\nvar _ = nothing.Y\n",
            ),
        ],
    );
    let (_, err) = fails(run(bin().current_dir(dir.path()).args(["build", "."])));
    let main = dir.path().join("main.go");
    assert!(
        err.contains(&format!(
            "{}:5:2: package example.com/miss/nope is not in the main module",
            main.display()
        )),
        "{err}"
    );
    assert!(
        err.contains("other.go:3:8: no required module provides package github.com/nobody/nothing"),
        "{err}"
    );
}

#[test]
fn syntax_error_shows_gccgo_message_and_leaves_no_output() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(
        dir.path(),
        &[
            ("go.mod", "module example.com/syn\n\ngo 1.18\n"),
            (
                "main.go",
                "package main\n\nimport \"example.com/syn/lib\"\n\nfunc main() { lib.F() }\n",
            ),
            ("lib/lib.go", "package lib\n\nfunc F() {}\n"),
        ],
    );
    // A binary of an earlier, good build: stale once the code is broken.
    let out = dir.path().join("syn");
    ok(run(bin()
        .current_dir(dir.path())
        .args(["build", "-o", "syn", "."])));
    assert!(out.exists());
    write_tree(
        dir.path(),
        &[("lib/lib.go", "package lib\n\nfunc F() {\n\treturn 1 +\n}\n")],
    );
    let (_, err) = fails(run(bin()
        .current_dir(dir.path())
        .args(["build", "-o", "syn", "."])));
    // gccgo's own diagnostic, shown under the package it belongs to.
    assert!(err.contains("# example.com/syn/lib"), "{err}");
    assert!(err.contains("lib/lib.go:5:1: error"), "{err}");
    assert!(err.contains("build failed: example.com/syn/lib"), "{err}");
    assert!(!out.exists(), "a failed build left our stale binary at OUT");
}

#[test]
fn header_syntax_error_is_reported_with_position_before_compiling() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(
        dir.path(),
        &[
            ("go.mod", "module example.com/h\n\ngo 1.18\n"),
            ("main.go", "package main\n\nimport \"fmt\n"),
        ],
    );
    let (_, err) = fails(run(bin()
        .current_dir(dir.path())
        .args(["build", "-x", "."])));
    assert!(
        err.contains("main.go:3:8: string literal not terminated"),
        "{err}"
    );
    assert!(
        !err.contains("gccgo -c"),
        "compiled despite a header error: {err}"
    );
}

#[test]
fn target_without_compiler_names_the_debian_package() {
    let empty = tempfile::tempdir().unwrap();
    let (_, err) = fails(run(bin()
        .current_dir(minion_dir())
        .env("PATH", empty.path())
        .args(["build", "--target", "mips-linux-gnu", "./cmd/minion"])));
    assert!(
        err.contains("compiler `mips-linux-gnu-gccgo` not found in PATH"),
        "{err}"
    );
    assert!(
        err.contains("apt-get install gccgo-mips-linux-gnu"),
        "{err}"
    );
}

#[test]
fn unknown_goarch_is_an_error_not_a_host_build() {
    let (_, err) = fails(run(bin().current_dir(minion_dir()).args([
        "build",
        "--target",
        "vax-linux-gnu",
        "./cmd/minion",
    ])));
    assert!(err.contains("no GOARCH is known"), "{err}");
}

#[test]
fn broken_go_mod_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(
        dir.path(),
        &[
            (
                "go.mod",
                "module example.com/b\n\ngo 1.18\nrequire (\n\tgithub.com/x/y\n)\n",
            ),
            ("main.go", "package main\nfunc main(){}\n"),
        ],
    );
    let (_, err) = fails(run(bin().current_dir(dir.path()).args(["build", "."])));
    assert!(
        err.contains("go.mod:5: usage: require module/path v1.2.3"),
        "{err}"
    );
}

/// Regression: `./...` failed on a directory whose Go files build
/// constraints all exclude (golang.org/x/net/lif, route); the go command
/// leaves such a directory out of a wildcard, but not when it is named.
#[test]
fn wildcard_leaves_out_directories_excluded_by_constraints() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(
        dir.path(),
        &[
            ("go.mod", "module example.com/w\n\ngo 1.18\n"),
            ("a/a.go", "package a\n\nfunc A() int { return 1 }\n"),
            ("win/w_windows.go", "package win\n"),
            ("sol/s.go", "//go:build solaris\n\npackage sol\n"),
        ],
    );
    let (_, err) = ok(run(bin()
        .current_dir(dir.path())
        .args(["build", "-v", "./..."])));
    assert!(err.contains("example.com/w/a"), "{err}");
    let (_, err) = fails(run(bin().current_dir(dir.path()).args(["build", "./sol"])));
    assert!(
        err.contains("build constraints exclude all Go files in"),
        "{err}"
    );
    // Imported, it is an error again, with the importing line.
    write_tree(
        dir.path(),
        &[("b/b.go", "package b\n\nimport _ \"example.com/w/sol\"\n")],
    );
    let (_, err) = fails(run(bin().current_dir(dir.path()).args(["build", "./..."])));
    assert!(
        err.contains("example.com/w/sol: build constraints exclude all Go files"),
        "{err}"
    );
}

/// The `-n` plan is a shell script that builds the same program.
#[test]
fn dry_run_script_builds_a_working_program() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("from-script");
    let (script, _) = ok(run(bin()
        .current_dir(minion_dir())
        .args(["build", "-n", "-o"])
        .arg(&out)
        .arg("./cmd/minion")));
    let work = dir.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    let script: String = script
        .lines()
        .map(|l| {
            if l.starts_with("WORK=") {
                format!("WORK={}", work.display())
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let path = dir.path().join("plan.sh");
    std::fs::write(&path, script).unwrap();
    ok(run(std::process::Command::new("bash").arg("-e").arg(&path)));
    let (stdout, _) = ok(run_target(None, &out, &["-selftest"]));
    assert_eq!(stdout, minion_expected());
}
