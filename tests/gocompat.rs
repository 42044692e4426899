//! Go-command compatibility on real Debian Go packages (GOPATH
//! /usr/share/gocode, GO111MODULE=off): `gccgo-build list -json -deps`
//! held against `go-12 list -compiler=gccgo -json -deps` (the go command
//! shipped with gccgo 12) for the host and for big-endian MIPS; real
//! programs built for both and run with real input (qemu-user for MIPS);
//! libraries compiled whole, golang.org/x/sys/unix with its C file (and,
//! on MIPS, an `-overlay` that works around Debian's double Syscall9);
//! GOPATH vendoring and relative imports; and one test per load error.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use common::*;
use serde_json::Value;

const GOPATH: &str = "/usr/share/gocode";

const PROGRAMS: &[&str] = &[
    "github.com/pelletier/go-toml/cmd/tomljson",
    "github.com/cpuguy83/go-md2man/v2",
    "golang.org/x/tools/cmd/goimports",
    "github.com/pkg/sftp/examples/go-sftp-server",
    "github.com/rogpeppe/go-internal/cmd/testscript",
];

const LIBRARIES: &[&str] = &[
    "github.com/miekg/dns",
    "github.com/sirupsen/logrus",
    "gopkg.in/yaml.v3",
    "github.com/spf13/cobra",
    "golang.org/x/sys/unix",
];

/// gccgo-build in GOPATH mode over Debian's tree.
fn gb_gopath(gopath: &str) -> Command {
    let mut c = bin();
    c.env("GO111MODULE", "off").env("GOPATH", gopath);
    c
}

/// The go command of gccgo 12, in GOPATH mode over Debian's tree.
fn go12(goarch: Option<&str>, cgo: bool) -> Command {
    let mut c = Command::new("go-12");
    c.env("GO111MODULE", "off")
        .env("GOPATH", GOPATH)
        .env("GOFLAGS", "")
        .env("CGO_ENABLED", if cgo { "1" } else { "0" })
        .env("GOCACHE", std::env::temp_dir().join("gocompat-gocache"))
        .args(["list", "-compiler=gccgo", "-json", "-deps"]);
    if let Some(a) = goarch {
        c.env("GOARCH", a);
        if cgo {
            c.env("CC", "mips-linux-gnu-gcc");
        }
    }
    c
}

/// Splits a stream of JSON objects (what `list -json` prints).
fn objects(text: &str) -> Vec<serde_json::Map<String, Value>> {
    serde_json::Deserializer::from_str(text)
        .into_iter::<Value>()
        .map(|v| {
            v.unwrap_or_else(|e| panic!("bad JSON ({e}) in:\n{text}"))
                .as_object()
                .cloned()
                .expect("an object")
        })
        .collect()
}

fn strings(o: &serde_json::Map<String, Value>, k: &str) -> Vec<String> {
    o.get(k)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// Compares the listings for one package set and one target. Fields must
/// be identical; `CFiles` is compared with go-12 run with cgo on, because
/// go's loader empties `CFiles` when cgo is off (gccgo-build compiles them
/// regardless, as golang.org/x/sys/unix needs), while every other field is
/// compared with cgo off, the build context gccgo-build uses (no `cgo` tag).
fn compare_lists(triple: Option<&str>, goarch: Option<&str>, pkgs: &[&str]) {
    let mut ours = gb_gopath(GOPATH);
    ours.args(["list", "-json", "-deps"]);
    if let Some(t) = triple {
        ours.args(["--target", t]);
    }
    let (ours, _) = ok(run(ours.args(pkgs)));
    let (theirs, _) = ok(run(go12(goarch, false).args(pkgs)));
    let (theirs_cgo, _) = ok(run(go12(goarch, true).args(pkgs)));
    let ours = objects(&ours);
    let theirs = objects(&theirs);
    let cgo_c: BTreeMap<String, Vec<String>> = objects(&theirs_cgo)
        .iter()
        .map(|o| (strings_one(o, "ImportPath"), strings(o, "CFiles")))
        .collect();
    let order = |v: &[serde_json::Map<String, Value>]| -> Vec<String> {
        v.iter().map(|o| strings_one(o, "ImportPath")).collect()
    };
    assert_eq!(order(&ours), order(&theirs), "package order for {pkgs:?}");
    let mut c_files_seen = 0;
    for (a, b) in ours.iter().zip(&theirs) {
        let ip = strings_one(a, "ImportPath");
        for f in ["GoFiles", "SFiles", "Imports", "Deps", "IgnoredGoFiles"] {
            assert_eq!(
                strings(a, f),
                strings(b, f),
                "{f} of {ip} ({triple:?}) differs from go-12's"
            );
        }
        assert_eq!(
            a.get("Standard").and_then(Value::as_bool).unwrap_or(false),
            b.get("Standard").and_then(Value::as_bool).unwrap_or(false),
            "Standard of {ip}"
        );
        let c = strings(a, "CFiles");
        assert_eq!(
            Some(&c),
            cgo_c.get(&ip),
            "CFiles of {ip} ({triple:?}) differs from go-12's (cgo on)"
        );
        c_files_seen += c.len();
    }
    if pkgs.contains(&"golang.org/x/sys/unix") {
        assert!(c_files_seen > 0, "x/sys/unix lists gccgo_c.c");
    }
}

fn strings_one(o: &serde_json::Map<String, Value>, k: &str) -> String {
    o.get(k)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

#[test]
fn list_matches_go12_host() {
    let all: Vec<&str> = PROGRAMS.iter().chain(LIBRARIES).copied().collect();
    compare_lists(None, None, &all);
}

#[test]
fn list_matches_go12_mips() {
    let all: Vec<&str> = PROGRAMS.iter().chain(LIBRARIES).copied().collect();
    compare_lists(Some("mips-linux-gnu"), Some("mips"), &all);
}

#[test]
fn list_format_prints_import_paths() {
    let (out, _) = ok(run(gb_gopath(GOPATH).args([
        "list",
        "-deps",
        "-f",
        "{{.ImportPath}} {{.Standard}}",
        "gopkg.in/yaml.v3",
    ])));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.last(), Some(&"gopkg.in/yaml.v3 false"), "{out}");
    assert!(lines.contains(&"reflect true"), "{out}");
}

/// The overlay that works around Debian's golang.org/x/sys/unix on MIPS:
/// syscall_linux_mipsx.go declares `Syscall9` (an assembly function for gc)
/// while gccgo.go defines it too. The replacement keeps the file but turns
/// the declaration into a use of `syscall`, whose import would be unused.
fn mips_overlay(dir: &Path) -> PathBuf {
    let orig = Path::new(GOPATH).join("src/golang.org/x/sys/unix/syscall_linux_mipsx.go");
    let text = std::fs::read_to_string(&orig).expect("Debian's syscall_linux_mipsx.go");
    assert!(
        text.contains("\nfunc Syscall9("),
        "the double declaration is there"
    );
    let fixed: String = text
        .lines()
        .map(|l| {
            if l.starts_with("func Syscall9(") {
                "var _ syscall.Errno // Syscall9 comes from gccgo.go"
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let repl = dir.join("syscall_linux_mipsx.go");
    std::fs::write(&repl, fixed + "\n").expect("write replacement");
    let json = dir.join("overlay.json");
    let body = serde_json::json!({"Replace": {orig.to_string_lossy(): repl.to_string_lossy()}});
    std::fs::write(&json, body.to_string()).expect("write overlay");
    json
}

/// Builds every program for one target into a directory, once per test binary.
fn programs(triple: Option<&'static str>) -> &'static Path {
    static HOST: OnceLock<tempfile::TempDir> = OnceLock::new();
    static MIPS: OnceLock<tempfile::TempDir> = OnceLock::new();
    let cell = if triple.is_some() { &MIPS } else { &HOST };
    cell.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut c = gb_gopath(GOPATH);
        c.args(["build", "-j", "2", "-o"])
            .arg(format!("{}/", dir.path().display()));
        if let Some(t) = triple {
            c.args(["--target", t]);
        }
        ok(run(c.args(PROGRAMS)));
        dir
    })
    .path()
}

fn exe(triple: Option<&'static str>, name: &str) -> PathBuf {
    programs(triple).join(name)
}

fn run_in(triple: Option<&str>, exe: &Path, args: &[&str], cwd: &Path) -> Output {
    let mut c = match triple {
        None => Command::new(exe),
        Some(t) => {
            let mut c = Command::new("qemu-mips-static");
            c.arg("-L").arg(format!("/usr/{t}")).arg(exe);
            c
        }
    };
    c.args(args).current_dir(cwd);
    run(&mut c)
}

fn tomljson_converts(triple: Option<&'static str>) {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("a.toml"),
        "title = \"TOML\"\n[owner]\nname = \"Tom\"\nports = [8001, 8002]\n",
    )
    .unwrap();
    let (out, _) = ok(run_in(
        triple,
        &exe(triple, "tomljson"),
        &["a.toml"],
        d.path(),
    ));
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(
        v,
        serde_json::json!({"title": "TOML", "owner": {"name": "Tom", "ports": [8001, 8002]}})
    );
}

fn md2man_converts(triple: Option<&'static str>) {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("a.md"),
        "# hello 1\n\n## NAME\n\nhello - say **hi**\n",
    )
    .unwrap();
    let (out, _) = ok(run_in(
        triple,
        &exe(triple, "go-md2man"),
        &["-in", "a.md"],
        d.path(),
    ));
    for want in [".TH hello 1", ".SH NAME", "hello - say \\fBhi\\fP"] {
        assert!(out.contains(want), "{want:?} missing from:\n{out}");
    }
}

fn goimports_formats(triple: Option<&'static str>) {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("a.go"),
        "package main\nfunc main() {  fmt.Println(\"x\") }\n",
    )
    .unwrap();
    let (out, _) = ok(run_in(
        triple,
        &exe(triple, "goimports"),
        &["a.go"],
        d.path(),
    ));
    assert_eq!(
        out,
        "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"x\") }\n"
    );
}

fn sftp_server_helps(triple: Option<&'static str>) {
    let d = tempfile::tempdir().unwrap();
    let o = run_in(triple, &exe(triple, "go-sftp-server"), &["-h"], d.path());
    let (_, err) = text(&o);
    assert!(err.contains("Usage of"), "{err}");
    assert!(err.contains("read-only server"), "{err}");
}

fn testscript_runs(triple: Option<&'static str>) {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("pass.txtar"),
        "exists foo.txt\ncmp foo.txt bar.txt\n-- foo.txt --\nhi\n-- bar.txt --\nhi\n",
    )
    .unwrap();
    std::fs::write(d.path().join("fail.txtar"), "exists nope.txt\n").unwrap();
    let t = exe(triple, "testscript");
    let (out, _) = ok(run_in(triple, &t, &["pass.txtar"], d.path()));
    assert!(out.contains("PASS"), "{out}");
    let (out, err) = fails(run_in(triple, &t, &["fail.txtar"], d.path()));
    assert!(out.contains("nope.txt does not exist"), "{out}\n{err}");
}

#[test]
fn programs_run_host() {
    tomljson_converts(None);
    md2man_converts(None);
    goimports_formats(None);
    sftp_server_helps(None);
    testscript_runs(None);
}

#[test]
fn programs_run_mips() {
    let t = Some("mips-linux-gnu");
    tomljson_converts(t);
    md2man_converts(t);
    goimports_formats(t);
    sftp_server_helps(t);
    testscript_runs(t);
}

#[test]
fn libraries_compile_host() {
    // A cache of its own: the -x output must show the compiles, not restores.
    let cache = tempfile::tempdir().unwrap();
    let (_, err) = ok(run(gb_gopath(GOPATH)
        .env("XDG_CACHE_HOME", cache.path())
        .args(["build", "-j", "2", "-x"])
        .args(LIBRARIES)));
    assert!(
        err.contains("gcc -c") && err.contains("_c_gccgo_c.o"),
        "the C file of x/sys/unix is compiled: {err}"
    );
}

#[test]
fn libraries_compile_mips_with_overlay() {
    let d = tempfile::tempdir().unwrap();
    let ov = mips_overlay(d.path());
    // Without the overlay, Debian's x/sys/unix does not compile for MIPS.
    let (_, err) = fails(run(gb_gopath(GOPATH).args([
        "build",
        "--target",
        "mips-linux-gnu",
        "golang.org/x/sys/unix",
    ])));
    assert!(
        err.contains("redefinition of") && err.contains("Syscall9"),
        "{err}"
    );
    let cache = tempfile::tempdir().unwrap();
    let (_, err) = ok(run(gb_gopath(GOPATH)
        .env("XDG_CACHE_HOME", cache.path())
        .args([
            "build",
            "-j",
            "2",
            "-x",
            "--target",
            "mips-linux-gnu",
            "-overlay",
        ])
        .arg(&ov)
        .args(LIBRARIES)));
    // The compile is given the replacement file, and the C file is compiled
    // with the target's C compiler.
    assert!(
        err.contains(&format!("{}/syscall_linux_mipsx.go", d.path().display())),
        "{err}"
    );
    assert!(
        err.contains("mips-linux-gnu-gcc -c") && err.contains("_c_gccgo_c.o"),
        "{err}"
    );
}

/// A program over golang.org/x/sys/unix whose syscalls go through
/// gccgo_c.c's `realSyscall`: it links only if the C object is linked.
fn sysdemo_runs(triple: Option<&'static str>) {
    let gp = tempfile::tempdir().unwrap();
    write_tree(
        gp.path(),
        &[(
            "src/sysdemo/main.go",
            "package main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n\n\t\"golang.org/x/sys/unix\"\n)\n\n\
             func main() {\n\tvar u unix.Utsname\n\tif err := unix.Uname(&u); err != nil {\n\t\tpanic(err)\n\t}\n\
             \tfmt.Println(unix.Getpid() == os.Getpid(), unix.ByteSliceToString(u.Sysname[:]))\n}\n",
        )],
    );
    let ov_dir = tempfile::tempdir().unwrap();
    let out = gp.path().join("sysdemo");
    let gopath = format!("{}:{GOPATH}", gp.path().display());
    let mut c = gb_gopath(&gopath);
    c.args(["build", "-j", "2", "-o"]).arg(&out);
    if let Some(t) = triple {
        c.args(["--target", t, "-overlay"])
            .arg(mips_overlay(ov_dir.path()));
    }
    ok(run(c.arg("sysdemo")));
    let (stdout, _) = ok(run_target(triple, &out, &[]));
    assert_eq!(stdout, "true Linux\n");
}

#[test]
fn c_file_of_x_sys_unix_is_linked_host() {
    sysdemo_runs(None);
}

#[test]
fn c_file_of_x_sys_unix_is_linked_mips() {
    sysdemo_runs(Some("mips-linux-gnu"));
}

/// GOARCH of the machine running the tests (for a `.syso` file name suffix).
fn host_goarch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "x86" => "386",
        "aarch64" => "arm64",
        other => other,
    }
}

#[test]
fn assembler_c_and_syso_files_are_built_and_linked() {
    // lib.Answer() = lib_data (a .S file, preprocessed: GOPKGPATH defined)
    // + lib_bonus() (a prebuilt .syso, one per GOARCH, chosen by file-name
    // suffix), summed by a .c file.
    let gp = tempfile::tempdir().unwrap();
    write_tree(
        gp.path(),
        &[
            (
                "src/asmdemo/main.go",
                "package main\n\nimport (\n\t\"fmt\"\n\n\t\"asmdemo/lib\"\n)\n\nfunc main() { fmt.Println(lib.Answer()) }\n",
            ),
            (
                "src/asmdemo/lib/lib.go",
                "package lib\n\n//extern lib_answer\nfunc answer() int32\n\n// Answer is 42.\nfunc Answer() int32 { return answer() }\n",
            ),
            (
                "src/asmdemo/lib/answer.c",
                "#include <stdint.h>\nextern int32_t lib_data;\nint32_t lib_bonus(void);\n\
                 int32_t lib_answer(void) { return lib_data + lib_bonus(); }\n",
            ),
            (
                "src/asmdemo/lib/data.S",
                "#ifndef GOPKGPATH\n#error no GOPKGPATH\n#endif\n\t.data\n\t.globl lib_data\n\t.p2align 2\n\
                 lib_data:\n\t.long 40\n\t.section .note.GNU-stack,\"\",@progbits\n",
            ),
            ("bonus.c", "int lib_bonus(void) { return 2; }\n"),
        ],
    );
    let lib = gp.path().join("src/asmdemo/lib");
    for (cc, goarch) in [("gcc", host_goarch()), ("mips-linux-gnu-gcc", "mips")] {
        let mut c = Command::new(cc);
        c.args(["-c", "-O2", "-o"])
            .arg(lib.join(format!("bonus_{goarch}.syso")))
            .arg(gp.path().join("bonus.c"));
        ok(run(&mut c));
    }
    for triple in [None, Some("mips-linux-gnu")] {
        let out = gp
            .path()
            .join(format!("asmdemo-{}", triple.unwrap_or("host")));
        let mut c = gb_gopath(&gp.path().display().to_string());
        c.args(["build", "-x", "-o"]).arg(&out);
        if let Some(t) = triple {
            c.args(["--target", t]);
        }
        let (_, err) = ok(run(c.arg("asmdemo")));
        assert!(err.contains("-xassembler-with-cpp"), "{err}");
        assert!(
            err.contains("_s_data.o") && err.contains("_c_answer.o"),
            "{err}"
        );
        let (stdout, _) = ok(run_target(triple, &out, &[]));
        assert_eq!(stdout, "42\n", "{triple:?}");
    }
    let (list, _) = ok(run(gb_gopath(&gp.path().display().to_string()).args([
        "list",
        "--target",
        "mips-linux-gnu",
        "-f",
        "{{.CFiles}} {{.SFiles}} {{.SysoFiles}}",
        "asmdemo/lib",
    ])));
    assert_eq!(list, "[answer.c] [data.S] [bonus_mips.syso]\n");
}

#[test]
fn gopath_vendored_import_maps_to_vendor_path() {
    // "example.com/dep" from inside example.com/app means
    // example.com/app/vendor/example.com/dep, also from a subpackage.
    let gp = tempfile::tempdir().unwrap();
    write_tree(
        gp.path(),
        &[
            (
                "src/example.com/app/main.go",
                "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/app/util\"\n\t\"example.com/dep\"\n)\n\nfunc main() { fmt.Println(dep.Version(), util.V()) }\n",
            ),
            (
                "src/example.com/app/util/util.go",
                "package util\n\nimport \"example.com/dep\"\n\nfunc V() string { return \"util:\" + dep.Version() }\n",
            ),
            (
                "src/example.com/app/vendor/example.com/dep/dep.go",
                "package dep\n\nfunc Version() string { return \"vendored\" }\n",
            ),
            (
                "src/example.com/dep/dep.go",
                "package dep\n\nfunc Version() string { return \"gopath\" }\n",
            ),
        ],
    );
    let gopath = gp.path().display().to_string();
    let (list, _) = ok(run(gb_gopath(&gopath).args([
        "list",
        "-deps",
        "-f",
        "{{.ImportPath}}: {{join .Imports \" \"}}",
        "example.com/app",
    ])));
    let mut go = Command::new("go-12");
    go.env("GO111MODULE", "off").env("GOPATH", &gopath).args([
        "list",
        "-compiler=gccgo",
        "-deps",
        "-f",
        "{{.ImportPath}}: {{join .Imports \" \"}}",
        "example.com/app",
    ]);
    let (golist, _) = ok(run(&mut go));
    assert_eq!(list, golist);
    for triple in [None, Some("mips-linux-gnu")] {
        let out = gp.path().join("app");
        let mut c = gb_gopath(&gopath);
        c.args(["build", "-o"]).arg(&out);
        if let Some(t) = triple {
            c.args(["--target", t]);
        }
        ok(run(c.arg("example.com/app")));
        let (stdout, _) = ok(run_target(triple, &out, &[]));
        assert_eq!(stdout, "vendored util:vendored\n", "{triple:?}");
    }
}

#[test]
fn relative_imports_outside_gopath() {
    let d = tempfile::tempdir().unwrap();
    write_tree(
        d.path(),
        &[
            ("lib/lib.go", "package lib\n\nfunc F() int { return 42 }\n"),
            (
                "cmd/main.go",
                "package main\n\nimport (\n\t\"fmt\"\n\n\t\"../lib\"\n)\n\nfunc main() { fmt.Println(lib.F()) }\n",
            ),
        ],
    );
    let empty = tempfile::tempdir().unwrap();
    let gopath = empty.path().display().to_string();
    let (list, _) = ok(run(gb_gopath(&gopath).current_dir(d.path()).args([
        "list",
        "-f",
        "{{.ImportPath}} {{.Imports}}",
        "./cmd",
    ])));
    let mut go = Command::new("go-12");
    go.env("GO111MODULE", "off")
        .env("GOPATH", &gopath)
        .current_dir(d.path())
        .args([
            "list",
            "-compiler=gccgo",
            "-f",
            "{{.ImportPath}} {{.Imports}}",
            "./cmd",
        ]);
    let (golist, _) = ok(run(&mut go));
    assert_eq!(list, golist);
    let out = d.path().join("rel");
    ok(run(gb_gopath(&gopath)
        .current_dir(d.path())
        .args(["build", "-o"])
        .arg(&out)
        .arg("./cmd")));
    let (stdout, _) = ok(run_target(None, &out, &[]));
    assert_eq!(stdout, "42\n");
}

/// Runs `gccgo-build build` on a GOPATH tree and returns stderr of the failure.
fn gopath_error(files: &[(&str, &str)], pkg: &str) -> (String, PathBuf, tempfile::TempDir) {
    let gp = tempfile::tempdir().unwrap();
    write_tree(gp.path(), files);
    let (_, err) = fails(run(
        gb_gopath(&gp.path().display().to_string()).args(["build", "-n", pkg])
    ));
    let root = gp.path().to_path_buf();
    (err, root, gp)
}

#[test]
fn error_mixed_packages_in_a_directory() {
    let (err, root, _gp) = gopath_error(
        &[
            ("src/mix/a.go", "package a\n"),
            ("src/mix/b.go", "package b\n"),
        ],
        "mix",
    );
    assert!(
        err.contains(&format!(
            "found packages a (a.go) and b (b.go) in {}",
            root.join("src/mix").display()
        )),
        "{err}"
    );
}

#[test]
fn error_internal_import_violation() {
    let (err, root, _gp) = gopath_error(
        &[
            ("src/a/internal/x/x.go", "package x\n"),
            ("src/b/b.go", "package b\n\nimport _ \"a/internal/x\"\n"),
        ],
        "b",
    );
    assert!(
        err.contains(&format!(
            "{}:3:10: use of internal package a/internal/x not allowed",
            root.join("src/b/b.go").display()
        )),
        "{err}"
    );
}

#[test]
fn error_import_comment_mismatch() {
    let (err, root, _gp) = gopath_error(
        &[("src/old/p/p.go", "package p // import \"new.example/p\"\n")],
        "old/p",
    );
    assert!(
        err.contains(&format!(
            "code in directory {} expects import \"new.example/p\", but it is imported as \"old/p\"",
            root.join("src/old/p").display()
        )),
        "{err}"
    );
}

#[test]
fn error_local_import_in_non_local_package() {
    let (err, _root, _gp) = gopath_error(
        &[
            ("src/q/q.go", "package q\n\nimport _ \"../r\"\n"),
            ("src/r/r.go", "package r\n"),
        ],
        "q",
    );
    assert!(
        err.contains("local import \"../r\" in non-local package"),
        "{err}"
    );
}

#[test]
fn error_cgo_package() {
    let (err, root, _gp) = gopath_error(
        &[(
            "src/cg/cg.go",
            "package cg\n\n// int one(void) { return 1; }\nimport \"C\"\n\nfunc One() int { return int(C.one()) }\n",
        )],
        "cg",
    );
    assert!(
        err.contains(&format!(
            "{}:4:8: package cg uses cgo (import \"C\")",
            root.join("src/cg/cg.go").display()
        )),
        "{err}"
    );
}

#[test]
fn error_module_missing_from_cache() {
    let d = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    write_tree(
        d.path(),
        &[
            (
                "go.mod",
                "module example.com/m\n\ngo 1.18\n\nrequire example.com/absent v1.2.3\n",
            ),
            (
                "main.go",
                "package main\n\nimport _ \"example.com/absent/pkg\"\n\nfunc main() {}\n",
            ),
        ],
    );
    let (_, err) = fails(run(bin()
        .env("GOMODCACHE", cache.path())
        .current_dir(d.path())
        .args(["build", "-n", "."])));
    assert!(
        err.contains(&format!(
            "{}:3:10: module example.com/absent@v1.2.3 (which provides package example.com/absent/pkg) is not in the module cache {}",
            d.path().join("main.go").display(),
            cache.path().display()
        )),
        "{err}"
    );
    assert!(err.contains("go mod download example.com/absent"), "{err}");
}

#[test]
fn vendored_package_import_comment_is_checked_against_the_written_path() {
    // Regression: a vendored copy of a package with an import comment (as
    // Debian's golang.org/x/sys/unix has) is imported as written, "x"; go
    // accepts it although its import path is a/vendor/x.
    let gp = tempfile::tempdir().unwrap();
    write_tree(
        gp.path(),
        &[
            ("src/a/vendor/x/x.go", "package x // import \"x\"\n"),
            ("src/a/a.go", "package a\n\nimport _ \"x\"\n"),
        ],
    );
    let (out, _) = ok(run(
        gb_gopath(&gp.path().display().to_string()).args(["list", "-deps", "a"])
    ));
    assert_eq!(out, "a/vendor/x\na\n");
}
