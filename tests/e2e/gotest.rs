//! `gccgo-build test` and `run` with the real gccgo, on the host and under
//! qemu-user for big- and little-endian MIPS (Debian's hard-float
//! toolchains on their FPU model, 24Kf; the routers' soft-float SDKs are in
//! `routers`).

use std::path::Path;
use std::process::Output;

use crate::common::*;

/// A private copy of an example and a private cache.
struct Tree {
    dir: tempfile::TempDir,
    cache: tempfile::TempDir,
}

impl Tree {
    fn of(example: &str) -> Tree {
        let dir = tempfile::tempdir().unwrap();
        let from = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples")
            .join(example);
        for e in walkdir::WalkDir::new(&from) {
            let e = e.unwrap();
            let dest = dir.path().join(e.path().strip_prefix(&from).unwrap());
            if e.file_type().is_dir() {
                std::fs::create_dir_all(&dest).unwrap();
            } else {
                std::fs::copy(e.path(), &dest).unwrap();
            }
        }
        Tree {
            dir,
            cache: tempfile::tempdir().unwrap(),
        }
    }

    fn with_files(files: &[(&str, &str)]) -> Tree {
        let dir = tempfile::tempdir().unwrap();
        write_tree(dir.path(), files);
        Tree {
            dir,
            cache: tempfile::tempdir().unwrap(),
        }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn test(&self, args: &[&str]) -> Output {
        run(bin()
            .current_dir(self.root())
            .env("GCCGO_BUILD_CACHE", self.cache.path())
            .arg("test")
            .args(args))
    }
}

/// Test names and results from `-v` output: (name, "PASS"/"FAIL"/"SKIP").
fn results(out: &str) -> Vec<(String, String)> {
    out.lines()
        .filter_map(|l| {
            let l = l.trim_start();
            let rest = l.strip_prefix("--- ")?;
            let (what, name) = rest.split_once(": ")?;
            Some((name.split(" (").next()?.to_string(), what.to_string()))
        })
        .collect()
}

#[test]
fn minion_tests_pass_on_the_host_with_go_tests_summary_lines() {
    let t = Tree::of("minion");
    let (out, _) = ok(t.test(&["./..."]));
    assert!(
        out.contains("?   \texample.com/minion/cmd/minion\t[no test files]\n"),
        "{out}"
    );
    for p in ["rpc", "wire"] {
        assert!(
            out.lines().any(
                |l| l.starts_with(&format!("ok  \texample.com/minion/internal/{p}\t"))
                    && l.ends_with('s')
            ),
            "{out}"
        );
    }
}

/// The reason `test` exists: examples/hdrcast decodes a header with an
/// unsafe cast that assumes a little-endian host.
#[test]
fn endianness_bug_fails_on_big_endian_mips_only() {
    let t = Tree::of("hdrcast");
    let (out, _) = ok(t.test(&["-v", "./..."]));
    assert!(results(&out).iter().all(|(_, r)| r == "PASS"), "{out}");
    let (out, _) = ok(t.test(&["--target", "mipsel-linux-gnu", "./..."]));
    assert!(out.starts_with("ok  \texample.com/hdrcast\t"), "{out}");
    let (out, _) = fails(t.test(&["--target", "mips-linux-gnu", "./..."]));
    assert!(
        out.contains("hdrcast_test.go:8: ID = 0x3412, want 0x1234"),
        "{out}"
    );
    assert!(out.contains("--- FAIL: ExampleDecode"), "{out}");
    assert!(out.contains("FAIL\texample.com/hdrcast\t"), "{out}");
    let r = results(&out);
    assert!(
        r.contains(&("TestZeroHeader".into(), "PASS".into())) || !out.contains("TestZeroHeader"),
        "{out}"
    );
}

#[test]
fn run_count_v_and_short_reach_the_test_binary() {
    let t = Tree::of("minion");
    let (out, _) = ok(t.test(&[
        "-v",
        "-run",
        "HeaderRoundTrip|ShortMode",
        "-count=1",
        "-short",
        "./internal/...",
    ]));
    let r = results(&out);
    assert!(
        r.contains(&("TestHeaderRoundTrip".into(), "PASS".into())),
        "{out}"
    );
    assert!(
        r.contains(&("TestShortMode".into(), "SKIP".into())),
        "{out}"
    );
    assert!(
        !out.contains("TestShortHeader"),
        "-run did not filter: {out}"
    );
    assert!(out.contains("skipped in -short mode"), "{out}");
}

#[test]
fn json_is_go_tests_event_stream() {
    let t = Tree::of("minion");
    let (out, _) = ok(t.test(&["-json", "./..."]));
    let events: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let has = |action: &str, pkg: &str, test: Option<&str>| {
        events.iter().any(|e| {
            e["Action"] == action
                && e["Package"] == pkg
                && e.get("Test").and_then(|t| t.as_str()) == test
                && e["Time"].is_string()
        })
    };
    let wire = "example.com/minion/internal/wire";
    assert!(has("run", wire, Some("TestHeaderRoundTrip")), "{out}");
    assert!(has("pass", wire, Some("TestHeaderRoundTrip")), "{out}");
    assert!(has("pass", wire, Some("ExampleNewQuery")), "{out}");
    assert!(has("pass", wire, None), "{out}");
    assert!(has("skip", "example.com/minion/cmd/minion", None), "{out}");
}

#[test]
fn c_and_o_write_the_binary_and_exec_runs_it() {
    let t = Tree::of("minion");
    let out_dir = tempfile::tempdir().unwrap();
    let exe = out_dir.path().join("wire.test");
    let exe_s = exe.display().to_string();
    ok(t.test(&["-c", "-o", &exe_s, "./internal/wire"]));
    let (stdout, _) = ok(run(std::process::Command::new(&exe)
        .current_dir(t.root().join("internal/wire"))
        .args(["-test.run", "TestMainRanFirst", "-test.v"])));
    assert!(stdout.contains("--- PASS: TestMainRanFirst"), "{stdout}");
    // -exec: every binary runs through the command given.
    let log = out_dir.path().join("exec.log");
    let wrapper = out_dir.path().join("wrap.sh");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\necho \"$1\" >> '{}'\nexec \"$@\"\n",
            log.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    let wrap_s = wrapper.display().to_string();
    ok(t.test(&["-exec", &wrap_s, "-count=1", "./internal/..."]));
    let ran = std::fs::read_to_string(&log).unwrap();
    assert_eq!(ran.lines().count(), 2, "{ran}");
    assert!(ran.lines().all(|l| l.ends_with(".test")), "{ran}");
}

fn module(files: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v = vec![(
        "go.mod".to_string(),
        "module example.com/t\n\ngo 1.18\n".to_string(),
    )];
    v.extend(files.iter().map(|(a, b)| (a.to_string(), b.to_string())));
    v
}

fn tree(files: &[(String, String)]) -> Tree {
    let f: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    Tree::with_files(&f)
}

#[test]
fn a_panicking_test_and_a_hanging_test_fail_their_package() {
    let t = tree(&module(&[
        ("p/p.go", "package p\n\nfunc F() int { return 1 }\n"),
        (
            "p/p_test.go",
            "package p\n\nimport \"testing\"\n\nfunc TestPanics(t *testing.T) {\n\tvar m map[string]int\n\tm[\"x\"] = F()\n}\n",
        ),
        ("q/q.go", "package q\n"),
        (
            "q/q_test.go",
            "package q\n\nimport \"testing\"\n\nfunc TestHangs(t *testing.T) { select {} }\n",
        ),
    ]));
    let (out, _) = fails(t.test(&["-timeout", "2s", "./..."]));
    assert!(out.contains("--- FAIL: TestPanics"), "{out}");
    assert!(
        out.contains("panic: assignment to entry in nil map"),
        "{out}"
    );
    assert!(out.contains("FAIL\texample.com/t/p\t"), "{out}");
    assert!(out.contains("panic: test timed out after 2s"), "{out}");
    assert!(out.contains("FAIL\texample.com/t/q\t"), "{out}");
}

#[test]
fn a_build_failure_in_a_test_file_fails_only_that_package() {
    let t = tree(&module(&[
        ("a/a.go", "package a\n\nfunc A() int { return 1 }\n"),
        (
            "a/a_test.go",
            "package a\n\nimport \"testing\"\n\nfunc TestA(t *testing.T) { var s string = A(); _ = s }\n",
        ),
        ("b/b.go", "package b\n"),
        (
            "b/b_test.go",
            "package b\n\nimport \"testing\"\n\nfunc TestB(t *testing.T) {}\n",
        ),
    ]));
    let o = t.test(&["./..."]);
    let (out, err) = fails(o);
    assert!(
        out.contains("FAIL\texample.com/t/a [build failed]\n"),
        "{out}"
    );
    assert!(out.contains("ok  \texample.com/t/b\t"), "{out}");
    assert!(
        err.contains("a_test.go:5"),
        "the compiler's error is shown: {err}"
    );
}

#[test]
fn unchanged_tests_are_cached_and_an_edit_reruns_only_its_package() {
    let t = Tree::of("minion");
    ok(t.test(&["./internal/..."]));
    let (out, err) = ok(t.test(&["-x", "./internal/..."]));
    assert!(
        out.contains("ok  \texample.com/minion/internal/wire\t(cached)"),
        "{out}"
    );
    assert!(
        out.contains("ok  \texample.com/minion/internal/rpc\t(cached)"),
        "{out}"
    );
    assert!(!err.contains(" -c "), "a cached run compiled:\n{err}");
    assert!(
        !err.contains(".test -test."),
        "a cached run ran a test binary:\n{err}"
    );
    // An edit of rpc reruns rpc's tests; wire's result stays cached.
    let f = t.root().join("internal/rpc/rpc.go");
    let mut s = std::fs::read_to_string(&f).unwrap();
    s.push_str("\nvar addedByTest = 1\n");
    std::fs::write(&f, s).unwrap();
    let (out, _) = ok(t.test(&["./internal/..."]));
    assert!(
        out.contains("ok  \texample.com/minion/internal/wire\t(cached)"),
        "{out}"
    );
    let rpc = out
        .lines()
        .find(|l| l.contains("internal/rpc"))
        .unwrap_or_default();
    assert!(!rpc.contains("(cached)"), "{out}");
}

#[test]
fn run_builds_and_runs_a_command_with_its_exit_status() {
    let t = tree(&module(&[(
        "main.go",
        "package main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n)\n\nfunc main() {\n\tfmt.Println(\"args:\", os.Args[1:])\n\tos.Exit(3)\n}\n",
    )]));
    for target in [None, Some("mips-linux-gnu")] {
        let mut c = bin();
        c.current_dir(t.root())
            .env("GCCGO_BUILD_CACHE", t.cache.path())
            .arg("run");
        if let Some(tg) = target {
            c.args(["--target", tg]);
        }
        let o = run(c.args([".", "--", "a", "b"]));
        let (out, err) = text(&o);
        assert_eq!(o.status.code(), Some(3), "{out}{err}");
        assert_eq!(out, "args: [a b]\n", "{err}");
        assert!(err.is_empty(), "run printed: {err}");
    }
}

/// gccgo 11's libgo is Go 1.16: its `testing.MainStart` takes no fuzz
/// targets, so the generated test main differs; the tests run the same.
#[test]
fn gccgo_11s_testing_api_gets_its_own_test_main() {
    let t = Tree::of("minion");
    let (out, _) = ok(t.test(&["--target", "gccgo-11", "-v", "./internal/wire"]));
    let r = results(&out);
    assert!(
        r.contains(&("ExampleNewQuery".into(), "PASS".into())),
        "{out}"
    );
    assert!(
        r.contains(&("TestMainRanFirst".into(), "PASS".into())),
        "{out}"
    );
}

/// `list -test` names the test binary and test packages as go-12 does
/// (the go command that comes with gccgo), with the same files; only the
/// test main's file differs (go's is in its build cache).
#[test]
fn list_test_matches_go12() {
    let t = Tree::of("minion");
    let f = "{{.ImportPath}}|{{.Name}}|{{.ForTest}}|{{join .GoFiles \",\"}}";
    let (ours, _) = ok(run(bin().current_dir(t.root()).args([
        "list",
        "-test",
        "-f",
        f,
        "./internal/...",
    ])));
    let (theirs, _) = ok(run(std::process::Command::new("go-12")
        .current_dir(t.root())
        .env("GOFLAGS", "-mod=mod")
        .args([
            "list",
            "-compiler=gccgo",
            "-test",
            "-f",
            f,
            "./internal/...",
        ])));
    let strip_main = |s: &str| -> Vec<String> {
        s.lines()
            .map(|l| match l.split_once(".test|main|") {
                Some((ip, _)) => format!("{ip}.test|main|"),
                None => l.to_string(),
            })
            .collect()
    };
    assert_eq!(strip_main(&ours), strip_main(&theirs));
    assert!(ours.contains("example.com/minion/internal/wire [example.com/minion/internal/wire.test]|wire|example.com/minion/internal/wire|header.go,message.go,name.go,types.go,wire_test.go"), "{ours}");
}

/// A command's own tests: the package is compiled as a library under its
/// import path (go's `ForceLibrary`), or the test main cannot import it.
#[test]
fn a_commands_tests_run() {
    let t = tree(&module(&[
        (
            "main.go",
            "package main\n\nimport \"fmt\"\n\nfunc add(a, b int) int { return a + b }\n\nfunc main() { fmt.Println(add(1, 2)) }\n",
        ),
        (
            "main_test.go",
            "package main\n\nimport \"testing\"\n\nfunc TestAdd(t *testing.T) {\n\tif add(1, 2) != 3 {\n\t\tt.Fatal(\"bad\")\n\t}\n}\n",
        ),
    ]));
    let (out, _) = ok(t.test(&["-v", "."]));
    assert!(out.contains("--- PASS: TestAdd"), "{out}");
    assert!(out.contains("ok  \texample.com/t\t"), "{out}");
}
