//! Coverage (`gccgo-build test -cover`), as go 1.19 does it for gccgo: the
//! source rewrite is cmd/cover's, byte for byte, and the profiles give the
//! per-function figures gc's `go test -coverprofile` gives for the same tests.

use std::path::{Path, PathBuf};
use std::process::Command;

use gccgo_build::cover::Mode;
use gccgo_build::cover::annotate::annotate;

/// Non-test Go files of the directories, sorted.
fn go_files(dirs: &[&str]) -> Vec<PathBuf> {
    let mut v = Vec::new();
    for d in dirs {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            let n = p.file_name().unwrap().to_string_lossy().to_string();
            if n.ends_with(".go") && !n.ends_with("_test.go") {
                v.push(p);
            }
        }
    }
    v.sort();
    v
}

/// `go tool cover -mode M -var V FILE`'s output.
fn go_cover(file: &Path, mode: &str, var: &str) -> String {
    let out = Command::new("go")
        .args(["tool", "cover", "-mode", mode, "-var", var])
        .arg(file)
        .output()
        .expect("go tool cover");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Line directives of every form go/scanner reads (`//line f:N`,
/// `//line f:N:C`, `/*line f:N:C*/`, a `//line` not at a line's start,
/// which is not one), with blocks that repeat a position.
const LINE_DIRECTIVES: &str = "package p

//line gen.y:10
func a(x int) int {
	if x > 0 { return 1 } else if x < 0 { return -1 }
	return 0
}

//line :40:5
func b() { for { break } }
/*line other.y:7:3*/func c(s []int) (n int) { for range s { n++ }; return }
	//line ignored.y:99
func d() { switch { case true: d(); default: } }
//line gen.y:20
func e() { a(1) }; func f() { a(2) }
";

#[test]
fn the_rewrite_is_go_tool_covers_byte_for_byte() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let minion = root.join("examples/minion/internal");
    let dirs = [
        minion.join("wire").to_string_lossy().to_string(),
        minion.join("rpc").to_string_lossy().to_string(),
        "/usr/share/gocode/src/golang.org/x/text/language".to_string(),
        "/usr/share/go-1.19/src/go/parser".to_string(),
        "/usr/share/go-1.19/src/strconv".to_string(),
        "/usr/share/go-1.19/src/text/template".to_string(),
        "/usr/share/go-1.19/src/net/http".to_string(),
        "/usr/share/go-1.19/src/cmd/cover".to_string(),
    ];
    let extra: Vec<String> = std::env::var("COVER_DIRS")
        .map(|v| v.split(':').map(String::from).collect())
        .unwrap_or_default();
    let dirs: Vec<&str> = if extra.is_empty() {
        dirs.iter().map(String::as_str).collect()
    } else {
        extra.iter().map(String::as_str).collect()
    };
    let mut bad = Vec::new();
    let tmp = tempfile::tempdir().unwrap();
    let lines = tmp.path().join("lines.go");
    std::fs::write(&lines, LINE_DIRECTIVES).unwrap();
    let mut files = go_files(&dirs);
    files.push(lines);
    for (i, f) in files.iter().enumerate() {
        let mode = ["set", "count", "atomic"][i % 3];
        let want = go_cover(f, mode, "GoCover_0_abcdef012345");
        let src = std::fs::read_to_string(f).unwrap();
        let (got, _) = annotate(
            &src,
            &f.display().to_string(),
            Mode::parse(mode).unwrap(),
            "GoCover_0_abcdef012345",
        )
        .unwrap();
        if got != want {
            let line = got
                .lines()
                .zip(want.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            bad.push(format!(
                "{} ({mode}) line {}:\n ours: {}\n go:   {}",
                f.display(),
                line + 1,
                got.lines().nth(line).unwrap_or(""),
                want.lines().nth(line).unwrap_or("")
            ));
        }
    }
    eprintln!("compared {} files", files.len());
    assert!(
        bad.is_empty(),
        "{} files differ:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

/// A private copy of examples/minion.
fn minion_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = crate::common::minion_dir();
    for e in walkdir::WalkDir::new(&from) {
        let e = e.unwrap();
        let dest = dir.path().join(e.path().strip_prefix(&from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
    dir
}

/// The go command (gc, go 1.19) in `dir`, without the caller's GOFLAGS or
/// target; `gopath`: GOPATH mode with that GOPATH.
fn go(dir: &Path, gopath: Option<&str>) -> Command {
    let mut c = Command::new("go");
    for v in crate::common::GO_TARGET_VARS {
        c.env_remove(v);
    }
    c.current_dir(dir).env("GOENV", "off");
    match gopath {
        Some(p) => c.env("GOPATH", p).env("GO111MODULE", "off"),
        None => c.env("GO111MODULE", ""),
    };
    c
}

/// gccgo-build in `dir` (the suite's shared cache), as `go`.
fn ours(dir: &Path, gopath: Option<&str>) -> Command {
    let mut c = crate::common::bin();
    c.current_dir(dir);
    if let Some(p) = gopath {
        c.env("GOPATH", p).env("GO111MODULE", "off");
    }
    c
}

/// `go tool cover -func` of `profile` (run in `dir`, so that it finds the
/// packages' sources): one (place and function, percentage) a line, the
/// total last.
fn func_table(profile: &Path, dir: &Path, gopath: Option<&str>) -> Vec<(String, String)> {
    let out = crate::common::run(
        go(dir, gopath)
            .args(["tool", "cover"])
            .arg(format!("-func={}", profile.display())),
    );
    let (stdout, stderr) = crate::common::text(&out);
    assert!(out.status.success(), "go tool cover -func: {stderr}");
    stdout
        .lines()
        .map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            (w[..w.len() - 1].join(" "), w[w.len() - 1].to_string())
        })
        .collect()
}

/// The `ok`/`FAIL`/`?` lines of go test's output, without the elapsed time.
fn summaries(out: &str) -> Vec<String> {
    out.lines()
        .filter(|l| l.starts_with("ok  ") || l.starts_with("FAIL") || l.starts_with("?   "))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let keep: Vec<&str> = f
                .iter()
                .enumerate()
                .filter(|(i, x)| !(*i == 2 && (x.ends_with('s') || **x == "(cached)")))
                .map(|(_, x)| *x)
                .collect();
            keep.join("\t")
        })
        .collect()
}

/// The profile's lines, sorted (test binaries and map order make go's order vary).
fn sorted_profile(p: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(p).unwrap();
    let mut v: Vec<String> = text.lines().map(String::from).collect();
    v.sort();
    v
}

/// Runs `go test ARGS -coverprofile=gc.out PKGS` and ours with
/// `-coverprofile=ours.out` (plus `extra` flags) in `dir`; asserts that
/// both pass with the same summary lines (coverage figures included) and
/// returns the two profiles' paths and our stdout.
fn both(
    dir: &Path,
    gopath: Option<&str>,
    args: &[&str],
    extra: &[&str],
) -> (PathBuf, PathBuf, String) {
    let (gc, us) = (dir.join("gc.out"), dir.join("ours.out"));
    let g = crate::common::run(
        go(dir, gopath)
            .arg("test")
            .arg(format!("-coverprofile={}", gc.display()))
            .args(args),
    );
    let (gout, gerr) = crate::common::text(&g);
    assert!(g.status.success(), "go test: {gout}{gerr}");
    let o = crate::common::run(
        ours(dir, gopath)
            .arg("test")
            .arg(format!("-coverprofile={}", us.display()))
            .args(extra)
            .args(args),
    );
    let (oout, oerr) = crate::common::text(&o);
    assert!(o.status.success(), "gccgo-build test: {oout}{oerr}");
    assert_eq!(
        summaries(&oout),
        summaries(&gout),
        "ours:\n{oout}\ngc:\n{gout}"
    );
    (gc, us, oout)
}

#[test]
fn minion_coverage_on_the_host_is_gcs_per_function_and_comes_back_from_the_cache() {
    let d = minion_copy();
    let (gc, us, _) = both(d.path(), None, &["./..."], &[]);
    let want = func_table(&gc, d.path(), None);
    assert_eq!(func_table(&us, d.path(), None), want);
    assert!(want.len() > 10, "{want:?}");
    // Again: the results come from the cache, figures and profile with them.
    std::fs::remove_file(&us).unwrap();
    let (_, _, out) = both(d.path(), None, &["./..."], &[]);
    assert!(
        out.contains("(cached)\tcoverage: 79.2% of statements"),
        "{out}"
    );
    assert_eq!(func_table(&us, d.path(), None), want);
    // Without -cover the same tests are other binaries: no coverage, not cached.
    let o = crate::common::run(ours(d.path(), None).args(["test", "./internal/wire"]));
    let (plain, _) = crate::common::text(&o);
    assert!(
        plain.starts_with("ok  \texample.com/minion/internal/wire\t")
            && !plain.contains("coverage"),
        "{plain}"
    );
}

#[test]
fn minion_coverpkg_count_profile_is_gcs_line_for_line() {
    let d = minion_copy();
    let args = ["-coverpkg=./...", "-covermode=count", "./..."];
    let (gc, us, out) = both(d.path(), None, &args, &[]);
    assert!(out.contains("of statements in ./...\n"), "{out}");
    assert_eq!(sorted_profile(&us), sorted_profile(&gc));
}

#[test]
fn minion_coverage_under_qemu_mips_is_gcs_line_for_line() {
    let d = minion_copy();
    let args = ["-covermode=atomic", "./..."];
    let (gc, us, _) = both(d.path(), None, &args, &["-target", "mips-linux-gnu"]);
    assert_eq!(sorted_profile(&us), sorted_profile(&gc));
    assert_eq!(
        func_table(&us, d.path(), None),
        func_table(&gc, d.path(), None)
    );
}

#[test]
fn x_text_language_coverage_on_the_host_and_under_qemu_mips_is_gcs_per_function() {
    let d = tempfile::tempdir().unwrap();
    let gopath = Some(crate::common::GOPATH);
    let pkg = ["golang.org/x/text/language"];
    let (gc, us, _) = both(d.path(), gopath, &pkg, &[]);
    let want = func_table(&gc, d.path(), gopath);
    assert!(want.len() > 50, "{want:?}");
    assert_eq!(func_table(&us, d.path(), gopath), want);
    let (_, us, _) = both(d.path(), gopath, &pkg, &["-target", "mips-linux-gnu"]);
    assert_eq!(func_table(&us, d.path(), gopath), want);
}

#[test]
fn a_bad_covermode_is_refused_in_gos_words() {
    let d = minion_copy();
    let o = crate::common::run(ours(d.path(), None).args(["test", "-covermode=often", "./..."]));
    let (_, err) = crate::common::text(&o);
    assert!(!o.status.success());
    assert!(
        err.contains(
            "invalid value \"often\" for flag -covermode: valid modes are \"set\", \"count\", or \"atomic\""
        ),
        "{err}"
    );
}

#[test]
fn minion_coverage_on_a_routers_core_is_gcs_per_function() {
    // The ramips SDK's soft-float gccgo, run as a 24KEc (no FPU) under qemu.
    let Some(sdk) = crate::routers::sdk(&crate::routers::RAMIPS) else {
        return;
    };
    let d = minion_copy();
    let sdk = sdk.to_string_lossy().to_string();
    let (gc, us, _) = both(d.path(), None, &["./..."], &["--sdk", &sdk]);
    assert_eq!(
        func_table(&us, d.path(), None),
        func_table(&gc, d.path(), None)
    );
}

#[test]
fn a_local_packages_profile_names_its_files_by_path_and_an_unused_pattern_is_warned_of() {
    // GOPATH mode outside GOPATH: `_/abs/dir` packages, whose profiles
    // name files by absolute path (go's `declareCoverVars` for Local).
    let d = tempfile::tempdir().unwrap();
    crate::common::write_tree(
        d.path(),
        &[
            (
                "lib/lib.go",
                "package lib\n\nfunc F(x int) int {\n\tif x > 10 {\n\t\treturn 0\n\t}\n\treturn x * 2\n}\n",
            ),
            (
                "lib/lib_test.go",
                "package lib\n\nimport \"testing\"\n\nfunc TestF(t *testing.T) { F(1) }\n",
            ),
        ],
    );
    let nowhere = d.path().join("gopath").display().to_string();
    let args = ["-coverpkg=./...,nosuch/...", "./lib"];
    let (gc, us, _) = both(d.path(), Some(&nowhere), &args, &[]);
    assert_eq!(sorted_profile(&us), sorted_profile(&gc));
    assert!(
        sorted_profile(&us)[0].starts_with(&format!("{}/lib/lib.go:", d.path().display())),
        "{:?}",
        sorted_profile(&us)
    );
    let o = crate::common::run(ours(d.path(), Some(&nowhere)).args(["test"]).args(args));
    let (_, err) = crate::common::text(&o);
    assert!(
        err.contains(
            "warning: no packages being tested depend on matches for pattern nosuch/...\n"
        ),
        "{err}"
    );
}

/// go 1.19 covers the Go of cgo files (cmd/go runs cover on them before
/// cgo): a package of a cgo file and a plain file gets gc's profile line
/// for line, on the host and under qemu mips (the covered test variant runs
/// cgo on the rewrite and compiles that C side of its own).
#[test]
fn cgo_files_are_covered_as_gc_covers_them_on_the_host_and_under_qemu_mips() {
    let d = tempfile::tempdir().unwrap();
    crate::common::write_tree(
        d.path(),
        &[
            ("go.mod", "module example.com/cg\n\ngo 1.18\n"),
            (
                "cg.go",
                "package cg\n\n// static int twice(int x) { return 2 * x; }\nimport \"C\"\n\n\
                 func Twice(x int) int {\n\tif x < 0 {\n\t\treturn 0\n\t}\n\treturn int(C.twice(C.int(x)))\n}\n\n\
                 func Unused() int {\n\treturn 3\n}\n",
            ),
            (
                "plain.go",
                "package cg\n\nfunc Plain(x int) int {\n\tif x > 10 {\n\t\treturn 10\n\t}\n\treturn x\n}\n",
            ),
            (
                "cg_test.go",
                "package cg\n\nimport \"testing\"\n\nfunc TestTwice(t *testing.T) {\n\t\
                 if Twice(3) != 6 || Plain(3) != 3 {\n\t\tt.Fatal(\"bad\")\n\t}\n}\n",
            ),
        ],
    );
    let args = ["-covermode=count", "."];
    let (gc, us, out) = both(d.path(), None, &args, &[]);
    assert!(out.contains("coverage: 57.1% of statements"), "{out}");
    assert_eq!(sorted_profile(&us), sorted_profile(&gc));
    let (gc, us, _) = both(d.path(), None, &args, &["-target", "mips-linux-gnu"]);
    assert_eq!(sorted_profile(&us), sorted_profile(&gc));
    let table = func_table(&us, d.path(), None);
    assert!(
        table
            .iter()
            .any(|(f, p)| f.ends_with("Twice") && p == "66.7%"),
        "{table:?}"
    );
}
