//! Failure semantics, end to end: what a failed, interrupted or killed
//! build leaves at OUT, in the cache, in TMPDIR and in the process table;
//! output to a closed pipe or a full device; messages without Rust wording.
//! Each test is named after the behaviour it pins.

use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;

/// A one-package main module in `dir`, printing `hello`.
fn hello_module(dir: &Path) {
    write_tree(
        dir,
        &[
            ("go.mod", "module example.com/hello\n\ngo 1.18\n"),
            (
                "main.go",
                "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello\") }\n",
            ),
        ],
    );
}

/// gccgo-build in `dir` with its own cache and TMPDIR under `home`.
fn gbx(home: &Path, dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_gccgo-build"));
    c.args(args)
        .current_dir(dir)
        .env("HOME", home)
        .env("GCCGO_BUILD_CACHE", home.join("cache"))
        .env("TMPDIR", tmpdir(home))
        .env_remove("XDG_CACHE_HOME")
        .env_remove("STAGING_DIR");
    c
}

fn tmpdir(home: &Path) -> PathBuf {
    let t = home.join("tmp");
    std::fs::create_dir_all(&t).unwrap();
    t
}

fn out_of(o: &Output) -> String {
    let (a, b) = text(o);
    format!("{a}{b}")
}

/// Builds hello to `out` successfully, so that OUT holds a binary of ours.
fn good_build(home: &Path, dir: &Path, out: &Path) {
    ok(run(gbx(home, dir, &["build", "-o"]).arg(out)));
    assert!(out.is_file());
}

#[test]
fn stale_binary_of_ours_is_removed_after_an_early_failure() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("m");
    hello_module(&dir);
    let out = home.path().join("hello");
    // Early failures, each after a good build: broken go.mod, import cycle
    // (missing package), a bad -tags value.
    let breakers: [(&str, &str); 2] = [
        ("go.mod", "module example.com/hello\n\ngo 1.18\nrequire (\n"),
        (
            "main.go",
            "package main\n\nimport _ \"example.com/hello/missing\"\n\nfunc main() {}\n",
        ),
    ];
    for (file, body) in breakers {
        hello_module(&dir);
        good_build(home.path(), &dir, &out);
        write_tree(&dir, &[(file, body)]);
        fails(run(gbx(home.path(), &dir, &["build", "-o"]).arg(&out)));
        assert!(!out.exists(), "a stale binary survived a broken {file}");
    }
    hello_module(&dir);
    good_build(home.path(), &dir, &out);
    fails(run(gbx(
        home.path(),
        &dir,
        &["build", "-tags", "a!b", "-o"],
    )
    .arg(&out)));
    assert!(!out.exists(), "a stale binary survived a bad -tags");
}

#[test]
fn file_at_out_that_is_not_ours_is_left_alone_after_a_failure() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("m");
    hello_module(&dir);
    write_tree(
        &dir,
        &[("main.go", "package main\n\nfunc main() { syntax error }\n")],
    );
    // An executable someone else put there: a failed build must not delete it.
    let out = home.path().join("tool");
    std::fs::copy("/bin/true", &out).unwrap();
    let (_, err) = fails(run(gbx(home.path(), &dir, &["build", "-o"]).arg(&out)));
    assert!(err.contains("main.go"), "{err}");
    assert!(
        out.is_file(),
        "a file gccgo-build did not install was deleted"
    );
}

#[test]
fn text_file_at_out_is_refused_before_building() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("m");
    hello_module(&dir);
    let notes = dir.join("notes.txt");
    std::fs::write(&notes, "my notes\n").unwrap();
    let o = run(&mut gbx(
        home.path(),
        &dir,
        &["build", "-x", "-o", "notes.txt", "."],
    ));
    let (_, err) = fails(o);
    assert!(
        err.contains("notes.txt: the file there is not an executable or object file")
            && err.contains("remove it or choose another -o"),
        "{err}"
    );
    assert!(!err.contains("gccgo -c"), "it compiled first: {err}");
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "my notes\n");
}

#[test]
fn keep_going_keeps_the_commands_that_built() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("m");
    write_tree(
        &dir,
        &[
            ("go.mod", "module example.com/two\n\ngo 1.18\n"),
            ("cmd/good/main.go", "package main\n\nfunc main() {}\n"),
            (
                "cmd/bad/main.go",
                "package main\n\nfunc main() { undefined() }\n",
            ),
        ],
    );
    let bin_dir = home.path().join("bin");
    std::fs::create_dir_all(&bin_dir).unwrap();
    let o = run(gbx(home.path(), &dir, &["build", "-k", "-o"])
        .arg(format!("{}/", bin_dir.display()))
        .arg("./cmd/..."));
    fails(o);
    assert!(
        bin_dir.join("good").is_file(),
        "-k deleted the command that built"
    );
    assert!(!bin_dir.join("bad").exists());
}

#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    for cmd in [
        "list -json ./...",
        "build -n ./cmd/minion",
        "toolchains --no-check",
    ] {
        let script = format!(
            "'{}' {cmd} | head -c 1 >/dev/null; echo \"status=${{PIPESTATUS[0]}}\"",
            env!("CARGO_BIN_EXE_gccgo-build")
        );
        let o = run(Command::new("bash")
            .args(["-c", &script])
            .current_dir(minion_dir())
            .env("XDG_CACHE_HOME", cache_home()));
        let (out, err) = text(&o);
        assert_eq!(out.trim(), "status=0", "{cmd}: {err}");
        assert!(
            !err.contains("panicked") && !err.contains("Broken pipe"),
            "{cmd}: {err}"
        );
    }
}

#[test]
fn full_stderr_never_panics() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("m");
    hello_module(&dir);
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    let out = home.path().join("hello");
    // A successful build (it prints its size line to stderr): exit 0, output there.
    let st = gbx(home.path(), &dir, &["build", "-v", "-o"])
        .arg(&out)
        .stderr(full())
        .status()
        .unwrap();
    assert_eq!(st.code(), Some(0));
    assert!(out.is_file());
    // A failing one: exit 1, not 101.
    write_tree(&dir, &[("main.go", "package main\n\nfunc main() { x }\n")]);
    let st = gbx(home.path(), &dir, &["build", "-o"])
        .arg(&out)
        .stderr(full())
        .status()
        .unwrap();
    assert_eq!(st.code(), Some(1));
}

/// PIDs of processes whose command line contains `marker`.
fn pids_with(marker: &str) -> Vec<String> {
    let o = run(Command::new("pgrep").args(["-f", marker]));
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(String::from)
        .collect()
}

/// Waits up to `secs` for `cond`.
fn wait_for(secs: u64, mut cond: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(secs) {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    cond()
}

/// A build of hello whose compiler hangs in `sleep MARKER` (a grandchild
/// of gccgo-build: the wrapper shell waits for it), started in a process
/// group of its own as a terminal would run it. Returns the child once the
/// compiler is running.
fn hanging_build(home: &Path, dir: &Path, marker: &str, out: &Path) -> std::process::Child {
    let path = gccgo_wrapper(&home.join("fakebin"), &format!("  sleep {marker}"));
    let child = gbx(home, dir, &["build", "-o"])
        .arg(out)
        .env("PATH", path)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .unwrap();
    assert!(
        wait_for(30, || !pids_with(&format!("sleep {marker}")).is_empty()),
        "compiler never started"
    );
    child
}

#[test]
fn sigint_to_the_process_group_stops_everything_and_cleans_up() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("m");
    hello_module(&dir);
    let out = home.path().join("hello");
    good_build(home.path(), &dir, &out);
    // An edit, then a build that hangs in the compiler; Ctrl-C.
    write_tree(
        &dir,
        &[("main.go", "package main\n\nfunc main() { println(1) }\n")],
    );
    let marker = "613.25";
    let child = hanging_build(home.path(), &dir, marker, &out);
    let pgid = child.id() as i32;
    // SAFETY: kill(2) with SIGINT on the test's own child's process group, as a terminal does.
    unsafe {
        libc::kill(-pgid, libc::SIGINT);
    }
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(130), "{err}");
    assert!(err.contains("gccgo-build: interrupted"), "{err}");
    assert!(
        wait_for(5, || pids_with(&format!("sleep {marker}")).is_empty()),
        "a compiler outlived the build"
    );
    // Nor the compiler driver itself (the fake gccgo in fakebin).
    let fakebin = home.path().join("fakebin").display().to_string();
    assert!(
        wait_for(5, || pids_with(&fakebin).is_empty()),
        "the gccgo driver outlived the build"
    );
    let left: Vec<_> = std::fs::read_dir(tmpdir(home.path()))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("gccgo-build-"))
        .collect();
    assert!(left.is_empty(), "work directory left in TMPDIR: {left:?}");
    assert!(!out.exists(), "the stale binary survived the interrupt");
}

#[test]
fn killed_build_takes_its_compilers_with_it() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("m");
    hello_module(&dir);
    let marker = "614.25";
    let mut child = hanging_build(home.path(), &dir, marker, &home.path().join("hello"));
    child.kill().unwrap(); // SIGKILL to gccgo-build alone
    child.wait().unwrap();
    assert!(
        wait_for(10, || pids_with(&format!("sleep {marker}")).is_empty()),
        "the compiler outlived a SIGKILLed gccgo-build"
    );
}

#[test]
fn timeout_kills_the_whole_compiler_and_zero_means_no_limit() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("m");
    hello_module(&dir);
    let marker = "615.25";
    let path = gccgo_wrapper(&home.path().join("fakebin"), &format!("  sleep {marker}"));
    let o = run(gbx(
        home.path(),
        &dir,
        &["build", "--timeout", "1", "-o", "x", "."],
    )
    .env("PATH", &path));
    let (_, err) = fails(o);
    assert!(
        err.contains("still running after 1 s, so it was killed"),
        "{err}"
    );
    assert!(!err.contains("cannot run"), "{err}");
    assert!(
        wait_for(5, || pids_with(&format!("sleep {marker}")).is_empty()),
        "timeout left the compiler running"
    );
    // --timeout 0: no limit, the real compiler builds.
    ok(run(&mut gbx(
        home.path(),
        &dir,
        &["build", "--timeout", "0", "-o", "x", "."],
    )));
}

#[test]
fn damaged_cache_entry_is_replaced_by_the_rebuild() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("m");
    write_tree(
        &dir,
        &[
            ("go.mod", "module example.com/lib\n\ngo 1.18\n"),
            (
                "lib/lib.go",
                "package lib\n\n// N is a number.\nfunc N() int { return 7 }\n",
            ),
            (
                "main.go",
                "package main\n\nimport \"example.com/lib/lib\"\n\nfunc main() { println(lib.N()) }\n",
            ),
        ],
    );
    let out = home.path().join("p");
    good_build(home.path(), &dir, &out);
    // Truncate every cached object.
    let cache = home.path().join("cache");
    let mut damaged = 0;
    for e in walkdir_files(&cache) {
        if e.file_name().is_some_and(|n| n == "object") {
            let f = std::fs::OpenOptions::new().write(true).open(&e).unwrap();
            f.set_len(10).unwrap();
            damaged += 1;
        }
    }
    assert!(damaged > 0);
    std::fs::remove_file(&out).unwrap();
    let (_, err) = ok(run(gbx(home.path(), &dir, &["build", "-v", "-o"]).arg(&out)));
    assert!(err.contains("actions run"), "{err}");
    // The next build finds sound entries: everything from the cache.
    std::fs::remove_file(&out).unwrap();
    let (_, err) = ok(run(gbx(home.path(), &dir, &["build", "-v", "-o"]).arg(&out)));
    assert!(
        err.contains(" 0 actions run"),
        "damaged entries were not replaced: {err}"
    );
    ok(run(&mut Command::new(&out)));
}

/// Every file under `dir`.
fn walkdir_files(dir: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                v.push(p);
            }
        }
    }
    v
}

#[test]
fn byte_order_mark_is_accepted_and_bad_utf8_is_placed() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("m");
    hello_module(&dir);
    std::fs::write(
        dir.join("main.go"),
        "\u{feff}package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"bom\") }\n",
    )
    .unwrap();
    let out = home.path().join("bom");
    good_build(home.path(), &dir, &out);
    let (o, _) = ok(run(&mut Command::new(&out)));
    assert_eq!(o, "bom\n");
    std::fs::write(
        dir.join("lib.go"),
        b"package main\n\n// caf\xe9\nvar x = 1\n",
    )
    .unwrap();
    let (_, err) = fails(run(gbx(home.path(), &dir, &["build", "-o"]).arg(&out)));
    assert!(err.contains("lib.go:3:7: invalid UTF-8 encoding"), "{err}");
    assert!(!err.contains("stream did not contain valid UTF-8"), "{err}");
}

#[test]
fn messages_have_no_rust_wording_and_clean_paths() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("m");
    hello_module(&dir);
    // -C to a missing directory.
    let o = run(&mut gbx(
        home.path(),
        &dir,
        &["build", "-C", "/nonexistent/x", "."],
    ));
    let all = out_of(&o);
    assert!(!o.status.success());
    assert!(
        all.contains("-C /nonexistent/x: no such file or directory"),
        "{all}"
    );
    // An unusable cache directory: the cause in words, and the way out.
    let o = run(&mut gbx(
        home.path(),
        &dir,
        &["build", "--cache", "/dev/null/c", "-o", "x", "."],
    ));
    let all = out_of(&o);
    assert!(!o.status.success());
    assert!(
        all.contains("a component of the path is not a directory") && all.contains("--cache off"),
        "{all}"
    );
    // A profile naming an absolute tool path that does not exist.
    let prof = home.path().join("p.toml");
    std::fs::write(
        &prof,
        "name = \"p\"\ngccgo = \"gccgo\"\nobjcopy = \"/nonexistent/objcopy\"\n",
    )
    .unwrap();
    let o = run(gbx(home.path(), &dir, &["build", "--toolchain"])
        .arg(&prof)
        .args(["-o", "x", "."]));
    let all = out_of(&o);
    assert!(
        all.contains("/nonexistent/objcopy` does not exist"),
        "{all}"
    );
    assert!(!all.contains("in PATH"), "{all}");
    // An output path with `..` is shown cleaned.
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    let (_, err) = ok(run(&mut gbx(
        home.path(),
        &dir,
        &["build", "-o", "sub/../o7", "."],
    )));
    assert!(err.contains(&format!("{}/o7:", dir.display())), "{err}");
    {
        let text = err;
        assert!(
            !text.contains("os error") && !text.contains("/../"),
            "{text}"
        );
    }
}

#[test]
fn unreadable_package_dir_and_missing_replace_dir_name_the_cause() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("m");
    hello_module(&dir);
    write_tree(
        &dir,
        &[(
            "main.go",
            "package main\n\nimport _ \"example.com/hello/loop\"\n\nfunc main() {}\n",
        )],
    );
    std::os::unix::fs::symlink("loop", dir.join("loop")).unwrap();
    let (_, err) = fails(run(&mut gbx(home.path(), &dir, &["build", "-o", "x", "."])));
    assert!(err.contains("symlink loop"), "{err}");
    assert!(
        !err.contains("no Go files") && !err.contains("os error"),
        "{err}"
    );

    std::fs::remove_file(dir.join("loop")).unwrap();
    write_tree(
        &dir,
        &[
            (
                "go.mod",
                "module example.com/hello\n\ngo 1.18\n\nrequire example.com/lib v1.0.0\n\nreplace example.com/lib => ../nonexist\n",
            ),
            (
                "main.go",
                "package main\n\nimport _ \"example.com/lib\"\n\nfunc main() {}\n",
            ),
        ],
    );
    let (_, err) = fails(run(&mut gbx(home.path(), &dir, &["build", "-o", "x", "."])));
    assert!(
        err.contains("go.mod:7: replace example.com/lib => ../nonexist")
            && err.contains("does not exist"),
        "{err}"
    );
    assert!(!err.contains("go mod download"), "{err}");
}

#[test]
fn output_to_dev_null_leaves_the_device_alone() {
    use std::os::unix::fs::FileTypeExt;
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("m");
    hello_module(&dir);
    ok(run(&mut gbx(
        home.path(),
        &dir,
        &["build", "-o", "/dev/null", "."],
    )));
    // A failed build afterwards must not remove it either.
    write_tree(&dir, &[("main.go", "package main\n\nfunc main() { x }\n")]);
    fails(run(&mut gbx(
        home.path(),
        &dir,
        &["build", "-o", "/dev/null", "."],
    )));
    let md = std::fs::symlink_metadata("/dev/null");
    let is_device = md.as_ref().is_ok_and(|m| m.file_type().is_char_device());
    if !is_device {
        // Put the machine right before failing.
        let _ = std::fs::remove_file("/dev/null");
        let _ = Command::new("mknod")
            .args(["-m", "666", "/dev/null", "c", "1", "3"])
            .status();
    }
    assert!(is_device, "-o /dev/null replaced the device: {md:?}");
}
