//! `gccgo-build test` against `go test` (gc go 1.19): the same command
//! line through both, comparing exit status, each package's result and
//! each test's (PASS/FAIL/SKIP), the -json events, and when a result
//! comes from the cache. Packages of test files alone, the flags that
//! reach the test binary (`gotest::flags::PASS_TO_TEST`, each with a case
//! here), `-test.paniconexit0`, the result cache keyed by what a test
//! read, `-c`/`-o`, `-exec`; a few under qemu-user for big-endian MIPS.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, SystemTime};

use crate::common::*;

const LIB: &str = r#"package lib

func Add(a, b int) int { return a + b }
"#;

const LIB_TEST: &str = r#"package lib

import (
	"fmt"
	"runtime"
	"testing"
)

func TestA(t *testing.T) {
	if Add(1, 2) != 3 {
		t.Fatal("Add")
	}
}

func TestB(t *testing.T) { t.Error("B fails") }

func TestC(t *testing.T) {}

func TestP1(t *testing.T) { t.Parallel() }
func TestP2(t *testing.T) { t.Parallel() }

func TestShort(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
}

func TestCPU(t *testing.T) { t.Logf("procs=%d", runtime.GOMAXPROCS(0)) }

func TestSub(t *testing.T) {
	t.Run("ok", func(t *testing.T) {})
	t.Run("bad", func(t *testing.T) { t.Fatal("sub") })
}

func BenchmarkAdd(b *testing.B) {
	for i := 0; i < b.N; i++ {
		Add(i, i)
	}
}

func ExampleAdd() {
	fmt.Println(Add(2, 2))
	// Output: 4
}
"#;

/// A module with a package and tests, an external-tests-only package, an
/// internal-tests-only package, a test calling os.Exit(0), a test that
/// does not compile, and a test that reads a file and a variable. Every file is a minute old (go trusts no
/// file for its result cache written in the last two seconds).
fn fixture(root: &Path) {
    std::fs::create_dir_all(root).unwrap();
    write_tree(
        root,
        &[
            ("go.mod", "module example.com/t\n\ngo 1.18\n"),
            ("lib/lib.go", LIB),
            ("lib/lib_test.go", LIB_TEST),
            (
                "xonly/x_test.go",
                "package xonly_test\n\nimport (\n\t\"testing\"\n\n\t\"example.com/t/lib\"\n)\n\nfunc TestX(t *testing.T) {\n\tif lib.Add(2, 2) != 4 {\n\t\tt.Fatal(\"x\")\n\t}\n}\n",
            ),
            (
                "tonly/t_test.go",
                "package tonly\n\nimport \"testing\"\n\nfunc helper() int { return 1 }\n\nfunc TestT(t *testing.T) {\n\tif helper() != 1 {\n\t\tt.Fatal(\"t\")\n\t}\n}\n",
            ),
            (
                "tonly/x_test.go",
                "package tonly_test\n\nimport \"testing\"\n\nfunc TestTX(t *testing.T) {}\n",
            ),
            (
                "exit0/e_test.go",
                "package exit0\n\nimport (\n\t\"os\"\n\t\"testing\"\n)\n\nfunc TestFine(t *testing.T) {}\n\nfunc TestExit(t *testing.T) { os.Exit(0) }\n",
            ),
            ("broken/b.go", "package broken\n"),
            (
                "broken/b_test.go",
                "package broken\n\nimport \"testing\"\n\nfunc TestX(t *testing.T) { undefinedThing() }\n",
            ),
            ("rd/rd.go", "package rd\n"),
            ("rd/testdata/in.txt", "one\n"),
            (
                "rd/rd_test.go",
                "package rd\n\nimport (\n\t\"os\"\n\t\"testing\"\n)\n\nfunc TestRead(t *testing.T) {\n\tb, err := os.ReadFile(\"testdata/in.txt\")\n\tif err != nil {\n\t\tt.Fatal(err)\n\t}\n\tt.Logf(\"%s %s\", b, os.Getenv(\"GB_TEST_RD\"))\n}\n",
            ),
        ],
    );
    age(root);
}

/// Sets every file under `root` a minute back.
fn age(root: &Path) {
    let old = SystemTime::now() - Duration::from_secs(60);
    for e in walkdir::WalkDir::new(root) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let f = std::fs::File::options().write(true).open(e.path()).unwrap();
            f.set_modified(old).unwrap();
        }
    }
}

/// Both tools on one tree, each with a private cache.
struct Both {
    root: PathBuf,
    gocache: PathBuf,
    cache: PathBuf,
    /// The directory holding all three, when private to one test.
    _own: Option<tempfile::TempDir>,
}

/// One run: exit status, stdout, stderr.
struct Run {
    code: i32,
    out: String,
    err: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            out: String::from_utf8_lossy(&o.stdout).into_owned(),
            err: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Both {
    /// A fixture and caches of one's own (for a test that changes the tree).
    fn new() -> Both {
        let d = tempfile::tempdir().unwrap();
        let base = d.path().to_path_buf();
        Both::at(&base, Some(d))
    }

    fn at(base: &Path, own: Option<tempfile::TempDir>) -> Both {
        let root = base.join("tree");
        fixture(&root);
        Both {
            root,
            gocache: base.join("gocache"),
            cache: base.join("cache"),
            _own: own,
        }
    }

    /// The fixture and caches that the tests which leave the tree as it is
    /// share, so that its packages compile once per run (a compile's key
    /// holds its directory): `<target>/tmp/gotest-flags`, emptied when the
    /// run first asks for it.
    fn shared() -> &'static Both {
        static B: std::sync::OnceLock<Both> = std::sync::OnceLock::new();
        B.get_or_init(|| {
            let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("gotest-flags");
            let _ = std::fs::remove_dir_all(&d);
            Both::at(&d, None)
        })
    }

    fn root(&self) -> &Path {
        &self.root
    }

    fn go(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut c = Command::new("go");
        c.current_dir(self.root())
            .env("GOFLAGS", "")
            .env("GO111MODULE", "on")
            .env("GOPROXY", "off")
            .env("GOCACHE", &self.gocache)
            .env_remove("GB_TEST_RD")
            .arg("test")
            .args(args)
            .envs(env.iter().copied());
        run(&mut c).into()
    }

    fn gb(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut c = bin();
        c.current_dir(self.root())
            .env("GCCGO_BUILD_CACHE", &self.cache)
            .env_remove("GB_TEST_RD")
            .arg("test")
            .args(args)
            .envs(env.iter().copied());
        run(&mut c).into()
    }

    /// The same command line through both; asserts the same exit status
    /// and the same results (`results`); returns (go's, ours).
    fn same(&self, args: &[&str]) -> (Run, Run) {
        self.same_with(args, &[])
    }

    fn same_with(&self, args: &[&str], env: &[(&str, &str)]) -> (Run, Run) {
        let (g, o) = (self.go(args, env), self.gb(args, env));
        let show = || {
            format!(
                "{args:?}\n--- go ({}):\n{}{}\n--- gccgo-build ({}):\n{}{}",
                g.code, g.out, g.err, o.code, o.out, o.err
            )
        };
        assert_eq!(g.code, o.code, "exit status: {}", show());
        assert_eq!(results(&g.out), results(&o.out), "results: {}", show());
        (g, o)
    }
}

/// Each test's result (`--- PASS: TestX`, subtests too) and each
/// package's (`ok`, `FAIL`, `?`), as a set. Whether a result came from
/// the cache is left out (tests sharing a cache race for it); the cache's
/// own test compares it.
fn results(out: &str) -> BTreeSet<String> {
    out.lines()
        .filter_map(|l| {
            let t = l.trim_start();
            if let Some(rest) = t.strip_prefix("--- ") {
                let (what, name) = rest.split_once(": ")?;
                return Some(format!("{what} {}", name.split(" (").next()?));
            }
            let mut f = l.split('\t');
            let head = f.next()?.trim_end();
            let pkg = f.next()?;
            ["ok", "FAIL", "?"]
                .contains(&head)
                .then(|| format!("{head} {}", pkg.split(' ').next().unwrap_or(pkg)))
        })
        .collect()
}

#[test]
fn packages_of_test_files_alone_are_tested_and_left_out_of_build_as_go_does() {
    let b = Both::shared();
    let (g, o) = b.same(&["-v", "./xonly", "./tonly", "./lib", "./rd"]);
    for line in [
        "ok example.com/t/xonly",
        "ok example.com/t/tonly",
        "PASS TestTX",
    ] {
        assert!(results(&o.out).contains(line), "{line}: {}", o.out);
    }
    assert!(
        g.out.ends_with("FAIL\n") && o.out.ends_with("FAIL\n"),
        "{}",
        o.out
    );
    // A test that does not compile fails its package alone, with go's exit status 2.
    let (_, o) = b.same(&["./broken", "./tonly"]);
    assert_eq!(o.code, 2, "{}{}", o.out, o.err);
    assert!(
        results(&o.out).contains("FAIL example.com/t/broken"),
        "{}",
        o.out
    );
    // `./...` matches them; `build ./...` leaves them out, `build ./xonly` refuses.
    let (_, o) = b.same(&["./..."]);
    assert!(
        results(&o.out).contains("ok example.com/t/xonly"),
        "{}",
        o.out
    );
    let build = |args: &[&str]| {
        let g = run(Command::new("go")
            .current_dir(b.root())
            .env("GOFLAGS", "")
            .env("GOCACHE", &b.gocache)
            .arg("build")
            .args(args));
        let o = run(bin()
            .current_dir(b.root())
            .env("GCCGO_BUILD_CACHE", &b.cache)
            .arg("build")
            .args(args));
        assert_eq!(g.status.code(), o.status.code(), "build {args:?}: {o:?}");
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    build(&["./..."]);
    let err = build(&["./xonly"]);
    assert!(err.contains("no non-test Go files in"), "{err}");
}

/// (flag of `PASS_TO_TEST`, a command line that gives it). Every flag of
/// the table has a case.
const FLAG_CASES: &[(&str, &[&str])] = &[
    ("v", &["-v", "-run", "A|C", "./lib"]),
    ("failfast", &["-v", "-failfast", "./lib"]),
    ("parallel", &["-v", "-parallel", "1", "-run", "P", "./lib"]),
    ("cpu", &["-v", "-cpu", "1,2", "-run", "CPU", "./lib"]),
    (
        "shuffle",
        &["-v", "-shuffle", "7", "-run", "A|C|P", "./lib"],
    ),
    ("count", &["-v", "-count", "2", "-run", "A", "./lib"]),
    ("short", &["-v", "-short", "-run", "Short", "./lib"]),
    ("timeout", &["-v", "-timeout", "90s", "-run", "A", "./lib"]),
    ("run", &["-v", "-run", "Sub/ok", "./lib"]),
    ("list", &["-list", "A|Sub|Bench|Example", "./lib"]),
    (
        "bench",
        &[
            "-run",
            "XXX",
            "-bench",
            ".",
            "-benchtime",
            "3x",
            "-benchmem",
            "./lib",
        ],
    ),
    (
        "benchtime",
        &["-run", "XXX", "-bench", "Add", "-benchtime", "5x", "./lib"],
    ),
    (
        "benchmem",
        &["-run", "XXX", "-bench", "Add", "-benchmem", "./lib"],
    ),
];

/// The `-test.` words of the run of a test binary that `-x` printed (the
/// test log's path left out: it is a temporary file's).
fn binary_args(err: &str) -> Option<BTreeSet<String>> {
    let line = err
        .lines()
        .find(|l| l.contains(".test -test.") && l.contains("-test.paniconexit0"))?;
    Some(
        line.split_whitespace()
            // gccgo-build shell-quotes a word (`'-test.run=A|C'`), go does not.
            .map(|w| w.trim_matches('\''))
            .filter(|w| w.starts_with("-test.") && !w.starts_with("-test.testlogfile="))
            .map(String::from)
            .collect(),
    )
}

#[test]
fn test_flags_reach_the_binary_as_go_test_passes_them() {
    for f in gccgo_build::gotest::flags::PASS_TO_TEST {
        assert!(
            FLAG_CASES.iter().any(|(n, _)| *n == f.name),
            "-{} has no case in FLAG_CASES",
            f.name
        );
    }
    let b = Both::shared();
    for (name, args) in FLAG_CASES {
        let with_x: Vec<&str> = std::iter::once("-x").chain(args.iter().copied()).collect();
        let (g, o) = b.same(&with_x);
        // The binary's -test.* arguments, as -x shows its run (when it ran:
        // a result from the cache shows none).
        if let (Some(ga), Some(oa)) = (binary_args(&g.err), binary_args(&o.err)) {
            assert_eq!(ga, oa, "{with_x:?}");
            assert!(
                ga.iter().any(|a| a.starts_with(&format!("-test.{name}="))),
                "{ga:?}"
            );
        }
        let lines = |out: &str, pat: &str| out.lines().filter(|l| l.contains(pat)).count();
        match *name {
            "failfast" => assert!(!o.out.contains("TestC"), "{}", o.out),
            "cpu" | "count" => {
                let pat = if *name == "cpu" {
                    "procs="
                } else {
                    "PASS: TestA"
                };
                assert_eq!(lines(&g.out, pat), 2, "{}", g.out);
                assert_eq!(lines(&o.out, pat), 2, "{}", o.out);
            }
            "shuffle" => assert!(o.out.starts_with("-test.shuffle 7\n"), "{}", o.out),
            "list" => {
                let names = |s: &str| {
                    s.lines()
                        .filter(|l| !l.contains('\t'))
                        .map(String::from)
                        .collect::<Vec<_>>()
                };
                assert_eq!(names(&g.out), names(&o.out));
            }
            "bench" | "benchtime" | "benchmem" => {
                let bench = |s: &str| {
                    s.lines()
                        .filter(|l| l.starts_with("BenchmarkAdd"))
                        .map(|l| {
                            let f: Vec<&str> = l.split('\t').map(str::trim).collect();
                            // Name, iterations (fixed by -benchtime Nx) and whether B/op is there.
                            let iters = if args.contains(&"-benchtime") {
                                f[1]
                            } else {
                                ""
                            };
                            format!("{} {iters} {}", f[0], l.contains("B/op"))
                        })
                        .collect::<Vec<_>>()
                };
                assert_eq!(bench(&g.out), bench(&o.out), "{}\n{}", g.out, o.out);
                assert_eq!(bench(&o.out).len(), 1, "{}", o.out);
            }
            _ => {}
        }
    }
    // -args: the rest reaches the binary untouched.
    b.same(&["-run", "TestA", "./lib", "-args", "-test.v"]);
    let (_, o) = b.same(&["-v", "./lib", "-run", "A", "-args", "-test.run", "C"]);
    assert!(o.out.contains("--- PASS: TestC"), "{}", o.out);
    assert!(!o.out.contains("TestA"), "{}", o.out);
    // -vet: accepted; gccgo-build says once that no vet ran.
    let (_, o) = b.same(&["-vet=atomic", "-run", "A", "./lib", "./rd"]);
    assert_eq!(o.err.matches("vet did not run").count(), 1, "{}", o.err);
    let (_, o) = b.same(&["-vet=off", "-run", "A", "./lib"]);
    assert!(!o.err.contains("vet"), "{}", o.err);
}

#[test]
fn os_exit_0_inside_a_test_fails_it_as_under_go_test() {
    let b = Both::shared();
    let (_, o) = b.same(&["-v", "./exit0"]);
    assert!(results(&o.out).contains("FAIL TestExit"), "{}", o.out);
    assert!(
        o.out.contains("unexpected call to os.Exit(0) during test"),
        "{}",
        o.out
    );
}

#[test]
fn a_result_is_cached_as_go_caches_it_by_the_files_and_variables_a_test_read() {
    let b = Both::new();
    let cached = |args: &[&str], env: &[(&str, &str)], want: bool| {
        let (g, o) = b.same_with(args, env);
        assert_eq!(g.out.contains("(cached)"), want, "go {args:?}: {}", g.out);
        assert_eq!(o.out.contains("(cached)"), want, "ours {args:?}: {}", o.out);
    };
    let rd = ["./rd"];
    cached(&rd, &[], false);
    cached(&rd, &[], true);
    // The variable the test read changed, then is as it was.
    cached(&rd, &[("GB_TEST_RD", "x")], false);
    cached(&rd, &[("GB_TEST_RD", "x")], true);
    cached(&rd, &[], true);
    // The file it read changed (a minute old, so trusted).
    let f = b.root().join("rd/testdata/in.txt");
    std::fs::write(&f, "two\n").unwrap();
    age(&b.root().join("rd"));
    cached(&rd, &[], false);
    cached(&rd, &[], true);
    // Cacheable flags key the result; others never come from the cache.
    cached(&["-run", "Read", "./rd"], &[], false);
    cached(&["-run", "Read", "./rd"], &[], true);
    for never in [
        &["-count=1", "./rd"][..],
        &["-benchmem", "./rd"],
        &["./rd", "-args", "extra"],
    ] {
        cached(never, &[], false);
        cached(never, &[], false);
    }
    // No package named (local directory mode): never cached.
    let (g, o) = (
        run(Command::new("go")
            .current_dir(b.root().join("rd"))
            .env("GOFLAGS", "")
            .env("GOCACHE", &b.gocache)
            .arg("test")),
        run(bin()
            .current_dir(b.root().join("rd"))
            .env("GCCGO_BUILD_CACHE", &b.cache)
            .arg("test")),
    );
    assert!(!String::from_utf8_lossy(&g.stdout).contains("(cached)"));
    assert!(
        !String::from_utf8_lossy(&o.stdout).contains("(cached)"),
        "{o:?}"
    );
}

/// The events, without times, elapsed seconds and `(cached)`, each package's in
/// order (packages run in parallel, so theirs interleave). A benchmark's
/// name and its result are one event or two as the pipe delivered them
/// to go's test2json (two when the benchmark took time); they are joined.
fn events(out: &str) -> Vec<String> {
    let mut pending = String::new();
    let mut v: Vec<(String, String)> = out
        .lines()
        .filter_map(|l| {
            let mut e: serde_json::Value = serde_json::from_str(l).unwrap();
            let m = e.as_object_mut().unwrap();
            if let Some(o) = m.get("Output").and_then(|o| o.as_str()) {
                if o.starts_with("Benchmark") && o.ends_with('\t') {
                    pending = o.to_string();
                    return None;
                }
                let joined = std::mem::take(&mut pending) + o;
                m.insert("Output".into(), joined.into());
            }
            m.remove("Time");
            m.remove("Elapsed");
            if let Some(o) = m.get("Output").and_then(|o| o.as_str()) {
                let o = o
                    .split_whitespace()
                    .map(|w| {
                        if (w.ends_with('s') && w.contains('.')) || w == "(cached)" {
                            "T"
                        } else {
                            w
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" ");
                m.insert("Output".into(), o.into());
            }
            Some((m["Package"].to_string(), e.to_string()))
        })
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v.into_iter().map(|(_, e)| e).collect()
}

#[test]
fn json_events_are_go_test2jsons() {
    let b = Both::shared();
    let args = ["-json", "./lib", "./tonly", "./xonly"];
    let (g, o) = b.same(&args);
    assert_eq!(events(&g.out), events(&o.out), "{}\n{}", g.out, o.out);
    let (g, o) = b.same(&[
        "-json",
        "-run",
        "XXX",
        "-bench",
        "Add",
        "-benchtime",
        "2x",
        "./lib",
    ]);
    let strip = |v: Vec<String>| -> Vec<String> {
        v.into_iter()
            .map(|e| {
                if e.contains("ns/op") {
                    "NSOP".to_string()
                } else {
                    e
                }
            })
            .collect()
    };
    assert_eq!(
        strip(events(&g.out)),
        strip(events(&o.out)),
        "{}\n{}",
        g.out,
        o.out
    );
}

#[test]
fn c_and_o_and_exec_as_go_1_19_has_them() {
    let b = Both::shared();
    let (_, o) = b.same(&["-c", "./lib", "./tonly"]);
    assert!(
        o.err.contains("cannot use -c flag with multiple packages"),
        "{}",
        o.err
    );
    let (_, o) = b.same(&["-o", "x.test", "./lib", "./tonly"]);
    assert!(
        o.err.contains("cannot use -o flag with multiple packages"),
        "{}",
        o.err
    );
    // -c -o FILE writes it and runs nothing; -o FILE alone writes it and runs the tests.
    let outdir = tempfile::tempdir().unwrap();
    let file = |n: &str| outdir.path().join(n).display().to_string();
    let (g, o) = (
        b.go(&["-c", "-o", &file("go.test"), "./xonly"], &[]),
        b.gb(&["-c", "-o", &file("gb.test"), "./xonly"], &[]),
    );
    assert_eq!(
        (g.code, o.code, o.out.as_str()),
        (0, 0, g.out.as_str()),
        "{}",
        o.err
    );
    let (g, o) = (
        b.go(&["-o", &file("go2.test"), "./tonly"], &[]),
        b.gb(&["-o", &file("gb2.test"), "./tonly"], &[]),
    );
    assert_eq!(results(&g.out), results(&o.out));
    for n in ["go.test", "gb.test", "go2.test", "gb2.test"] {
        assert!(outdir.path().join(n).is_file(), "{n}");
    }
    let (out, _) = ok(run(
        Command::new(outdir.path().join("gb.test")).arg("-test.v")
    ));
    assert!(out.contains("--- PASS: TestX"), "{out}");
    // -c -o DIR: go 1.19 refuses a directory; gccgo-build writes
    // DIR/<name>.test there, as later go commands do.
    let d = tempfile::tempdir().unwrap();
    let r = b.gb(
        &["-c", "-o", &d.path().display().to_string(), "./tonly"],
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(d.path().join("tonly.test").is_file());
    // -exec: the binary runs through the command, for both.
    let log = outdir.path().join("exec.log");
    let wrap = outdir.path().join("wrap.sh");
    std::fs::write(
        &wrap,
        format!(
            "#!/bin/sh\necho \"$1\" >> '{}'\nexec \"$@\"\n",
            log.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&wrap, std::fs::Permissions::from_mode(0o755)).unwrap();
    let w = wrap.display().to_string();
    b.same(&["-exec", &w, "-v", "./tonly", "./xonly"]);
    let ran = std::fs::read_to_string(&log).unwrap();
    assert_eq!(ran.lines().count(), 4, "{ran}");
    // -exec runs are never cached, by go nor by us.
    let (g, o) = b.same(&["-exec", &w, "./tonly"]);
    assert!(
        !g.out.contains("(cached)") && !o.out.contains("(cached)"),
        "{}",
        o.out
    );
}

/// Under qemu-user for big-endian MIPS: the same results as go's on the
/// host for packages of test files alone, -failfast, -cpu, and os.Exit(0).
#[test]
fn under_qemu_mips_the_flags_and_test_only_packages_give_gos_results() {
    let b = Both::shared();
    let mips = |args: &[&str]| -> Run {
        let mut v = vec!["--target", "mips-linux-gnu"];
        v.extend_from_slice(args);
        b.gb(&v, &[])
    };
    for args in [
        &[
            "-v",
            "-failfast",
            "-cpu",
            "1,2",
            "./lib",
            "./tonly",
            "./xonly",
        ][..],
        &["-v", "./exit0"],
    ] {
        let (g, o) = (b.go(args, &[]), mips(args));
        assert_eq!(
            (g.code, results(&g.out)),
            (o.code, results(&o.out)),
            "{}\n{}{}",
            g.out,
            o.out,
            o.err
        );
    }
    // The cache works there too (the test log is written through qemu).
    let _ = mips(&["./rd"]);
    let o = mips(&["./rd"]);
    assert!(o.out.contains("(cached)"), "{}{}", o.out, o.err);
}
