//! cgo with gccgo, native and cross: examples/cgodemo (a C function taking
//! and returning a struct, a callback from C into Go through `//export`,
//! `#cgo LDFLAGS: -lm`, a `.c` file beside the Go files) built and run on
//! the host, mips and mipsel, its output equal to gc's (`go build`, cgo
//! on) and to the host build's under qemu; Debian's mattn/go-sqlite3 (an
//! in-memory database) on the host and statically linked for mipsel
//! against Debian's libsqlite3 for mipsel; golang.org/x/sys/unix with cgo
//! on; `list -json`'s cgo fields held against the go command's; and the
//! rules: `CGO_ENABLED=0`, a refused `#cgo` flag, a C compile error, what
//! an edit of a `.c` file or of `CGO_CFLAGS` rebuilds, the `-n` script,
//! pkg-config for the target.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::common::*;

fn cgodemo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/cgodemo")
}

/// Whether the cross C compiler (and so cgo) is there for `triple`; says
/// so on stderr when it is not.
fn have_cross(triple: &str) -> bool {
    let ok = Command::new(format!("{triple}-gcc"))
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!(
            "SKIPPED: {triple}-gcc is not installed (Debian's gcc-{triple}; scripts/deps installs it)"
        );
    }
    ok
}

/// cgodemo built by gc (`go build`, cgo on) and run: the reference output.
fn gc_cgodemo_output() -> &'static str {
    static OUT: OnceLock<String> = OnceLock::new();
    OUT.get_or_init(|| {
        let d = tempfile::tempdir().unwrap();
        let exe = d.path().join("cgodemo-gc");
        ok(run(Command::new("go")
            .current_dir(cgodemo_dir())
            .env("CGO_ENABLED", "1")
            .env("GOFLAGS", "")
            .env("GOCACHE", d.path().join("gocache"))
            .args(["build", "-o"])
            .arg(&exe)
            .arg("./cmd/cgodemo")));
        ok(run(&mut Command::new(&exe))).0
    })
}

/// Builds cgodemo with gccgo-build for `triple` (host when `None`) into a
/// fresh directory; returns the directory and the executable.
fn build_cgodemo(triple: Option<&str>, extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let exe = d.path().join("cgodemo");
    let mut c = bin();
    c.current_dir(cgodemo_dir()).args(["build", "-o"]).arg(&exe);
    if let Some(t) = triple {
        c.args(["--target", t]);
    }
    ok(run(c.args(extra).arg("./cmd/cgodemo")));
    (d, exe)
}

#[test]
fn cgodemo_on_the_host_prints_what_gc_builds_print() {
    let (_d, exe) = build_cgodemo(None, &[]);
    let (out, _) = ok(run(&mut Command::new(&exe)));
    assert_eq!(out, gc_cgodemo_output());
    assert!(
        out.contains("sum of squares 1..10 via C calling Go = 385"),
        "{out}"
    );
}

#[test]
fn cgodemo_on_mips_and_mipsel_prints_what_the_host_build_prints() {
    for triple in ["mips-linux-gnu", "mipsel-linux-gnu"] {
        if !have_cross(triple) {
            continue;
        }
        let (_d, exe) = build_cgodemo(Some(triple), &[]);
        let (out, _) = ok(run_target(Some(triple), &exe, &[]));
        assert_eq!(out, gc_cgodemo_output(), "{triple}");
        // And statically linked, as it goes onto a router.
        let (_d, exe) = build_cgodemo(Some(triple), &["--link", "static"]);
        let (out, _) = ok(run_target(Some(triple), &exe, &[]));
        assert_eq!(out, gc_cgodemo_output(), "{triple} --link static");
    }
}

/// Splits a stream of JSON objects (what `list -json` prints).
fn objects(text: &str) -> Vec<serde_json::Value> {
    serde_json::Deserializer::from_str(text)
        .into_iter::<serde_json::Value>()
        .map(|v| v.unwrap_or_else(|e| panic!("bad JSON ({e}) in:\n{text}")))
        .collect()
}

/// A module with a cgo package whose directives use every verb go lists,
/// build-constraint prefixes and `${SRCDIR}`, imported by a command.
fn directives_module(root: &Path) {
    write_tree(
        root,
        &[
            ("go.mod", "module example.com/d\n\ngo 1.18\n"),
            ("inc/d.h", "#define D_ANSWER 42\n"),
            (
                "d/d.go",
                "package d\n\n\
                 /*\n\
                 #cgo CFLAGS: -I${SRCDIR}/../inc -DD_X=1\n\
                 #cgo linux,!android CPPFLAGS: -DD_LINUX\n\
                 #cgo windows LDFLAGS: -lws2_32\n\
                 #cgo linux LDFLAGS: -lm\n\
                 #cgo pkg-config: sqlite3\n\
                 #include <sqlite3.h>\n\
                 #include \"d.h\"\n\
                 */\n\
                 import \"C\"\n\n\
                 // Answer comes from C.\n\
                 func Answer() int { return int(C.D_ANSWER) + int(C.sqlite3_libversion_number()*0) }\n",
            ),
            ("d/plain.go", "package d\n\nfunc Plain() int { return 1 }\n"),
            (
                "cmd/dd/main.go",
                "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/d/d\"\n)\n\n\
                 func main() { fmt.Println(d.Answer(), d.Plain()) }\n",
            ),
        ],
    );
}

#[test]
fn list_json_gives_the_cgo_fields_of_go_list() {
    let d = tempfile::tempdir().unwrap();
    directives_module(d.path());
    let fields = [
        "ImportPath",
        "GoFiles",
        "CgoFiles",
        "IgnoredGoFiles",
        "CFiles",
        "HFiles",
        "CgoCFLAGS",
        "CgoCPPFLAGS",
        "CgoLDFLAGS",
        "CgoPkgConfig",
        "Imports",
        "Deps",
    ];
    for (dir, pkg) in [
        (d.path().to_path_buf(), "./cmd/dd"),
        (cgodemo_dir(), "./cmd/cgodemo"),
    ] {
        let (ours, _) = ok(run(bin()
            .current_dir(&dir)
            .args(["list", "-json", "-deps", pkg])));
        let (theirs, _) = ok(run(Command::new("go")
            .current_dir(&dir)
            .env("CGO_ENABLED", "1")
            .env("GOFLAGS", "")
            .args(["list", "-compiler=gccgo", "-json", "-deps", pkg])));
        let (ours, theirs) = (objects(&ours), objects(&theirs));
        let paths = |v: &[serde_json::Value]| -> Vec<String> {
            v.iter().map(|o| o["ImportPath"].to_string()).collect()
        };
        assert_eq!(paths(&ours), paths(&theirs), "{pkg}");
        for (a, b) in ours.iter().zip(&theirs) {
            for f in fields {
                assert_eq!(a.get(f), b.get(f), "{f} of {}", a["ImportPath"]);
            }
        }
    }
    let (out, _) = ok(run(bin().current_dir(d.path()).args([
        "list",
        "-f",
        "{{.CgoFiles}} {{.CgoCFLAGS}} {{.CgoLDFLAGS}} {{.CgoPkgConfig}}",
        "./d",
    ])));
    let dir = d.path().join("d").display().to_string();
    assert_eq!(
        out,
        format!("[d.go] [-I{dir}/../inc -DD_X=1] [-lm] [sqlite3]\n")
    );
}

#[test]
fn pkg_config_and_directives_build_and_run_on_the_host() {
    let d = tempfile::tempdir().unwrap();
    directives_module(d.path());
    let (_, err) = ok(run(bin()
        .current_dir(d.path())
        .args(["build", "-x", "--cache", "off", "-o", "dd", "./cmd/dd"])));
    // The C side gets the directives' flags (SRCDIR made absolute, the
    // constraint prefix honoured); the link gets #cgo LDFLAGS and pkg-config's.
    let export_c = err
        .lines()
        .find(|l| l.contains("_cgo_export.c"))
        .unwrap_or_else(|| panic!("no compile of _cgo_export.c in:\n{err}"));
    assert!(export_c.contains("-DD_LINUX"), "{export_c}");
    assert!(export_c.contains("-DD_X=1"), "{export_c}");
    let link = err
        .lines()
        .find(|l| l.contains("exe/dd"))
        .unwrap_or_else(|| panic!("no link in:\n{err}"));
    assert!(
        link.contains("-lm -lsqlite3") && link.contains("-Wl,-E"),
        "{link}"
    );
    assert!(!link.contains("-lws2_32"), "{link}");
    let (out, _) = ok(run(&mut Command::new(d.path().join("dd"))));
    assert_eq!(out, "42 1\n");
}

#[test]
fn cgo_disabled_leaves_the_cgo_files_out_as_go_does() {
    let vec_dir = cgodemo_dir().join("vec");
    let (out, _) = ok(run(bin()
        .current_dir(cgodemo_dir())
        .env("CGO_ENABLED", "1")
        .args(["list", "-f", "{{.IgnoredGoFiles}} {{.CgoFiles}}", "./vec"])));
    assert_eq!(out, "[] [vec.go walk.go]\n");
    let o = run(bin()
        .current_dir(cgodemo_dir())
        .env("CGO_ENABLED", "0")
        .args(["build", "-o", "/dev/null", "./cmd/cgodemo"]));
    let (_, err) = fails(o);
    let (_, go_err) = fails(run(Command::new("go")
        .current_dir(cgodemo_dir())
        .env("CGO_ENABLED", "0")
        .env("GOFLAGS", "")
        .args(["build", "-o", "/dev/null", "./cmd/cgodemo"])));
    let msg = format!(
        "example.com/cgodemo/vec: build constraints exclude all Go files in {}",
        vec_dir.display()
    );
    assert!(go_err.contains(&msg), "the go command says: {go_err}");
    assert!(err.contains(&msg), "{err}");
}

/// A module whose package `bad` holds `c_body` as `bad.c` and `directive`
/// in its preamble, imported by a command.
fn one_package_module(root: &Path, directive: &str, c_body: &str) {
    write_tree(
        root,
        &[
            ("go.mod", "module example.com/m\n\ngo 1.18\n"),
            (
                "bad/bad.go",
                &format!(
                    "package bad\n\n// {directive}\n// int f(void);\nimport \"C\"\n\n\
                     // F calls C.\nfunc F() int {{ return int(C.f()) }}\n"
                ),
            ),
            ("bad/bad.c", c_body),
            (
                "main.go",
                "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/m/bad\"\n)\n\n\
                 func main() { fmt.Println(bad.F()) }\n",
            ),
        ],
    );
}

#[test]
fn a_disallowed_cgo_flag_is_refused_with_the_go_commands_message() {
    let d = tempfile::tempdir().unwrap();
    one_package_module(
        d.path(),
        "#cgo CFLAGS: -fplugin=evil.so",
        "int f(void) { return 1; }\n",
    );
    let (_, err) = fails(run(bin()
        .current_dir(d.path())
        .args(["build", "-o", "m", "."])));
    let (_, go_err) = fails(run(Command::new("go")
        .current_dir(d.path())
        .env("GOFLAGS", "")
        .args(["build", "-o", "m", "."])));
    let msg = "example.com/m/bad: invalid flag in #cgo CFLAGS: -fplugin=evil.so";
    assert!(go_err.contains(msg), "the go command says: {go_err}");
    assert!(err.contains(msg), "{err}");
    // The go command's override lets it through (gcc then fails on the plugin).
    let (_, err) = fails(run(bin()
        .current_dir(d.path())
        .env("CGO_CFLAGS_ALLOW", "-fplugin=.*")
        .args(["build", "-o", "m", "."])));
    assert!(!err.contains("invalid flag"), "{err}");
    assert!(err.contains("evil.so"), "{err}");
}

#[test]
fn a_c_compile_error_is_shown_whole_under_its_package_with_file_and_line() {
    let d = tempfile::tempdir().unwrap();
    one_package_module(
        d.path(),
        "#cgo CFLAGS: -DUNUSED",
        "/* line 1 */\n\nint f(void) { return undeclared_thing; }\n",
    );
    let (_, err) = fails(run(bin()
        .current_dir(d.path())
        .args(["build", "--cache", "off", "-o", "m", "."])));
    let at = err
        .find("# example.com/m/bad\n")
        .unwrap_or_else(|| panic!("no package header in:\n{err}"));
    let below = &err[at..];
    assert!(below.contains("bad.c:3:"), "{err}");
    assert!(below.contains("undeclared_thing"), "{err}");
    assert!(below.contains("error:"), "{err}");
    assert!(!d.path().join("m").exists());
}

/// Copies a tree.
fn copy_tree(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let dest = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// What an `-x` log ran: (cgo runs, compiles of cmd/cgodemo, links).
fn ran(log: &str) -> (usize, usize, usize) {
    let count = |f: &dyn Fn(&str) -> bool| log.lines().filter(|l| f(l)).count();
    (
        count(&|l| l.contains("/cgo -objdir")),
        count(&|l| l.contains(" -c ") && l.contains("cmd/cgodemo/main.go")),
        count(&|l| l.contains("gccgo -o ") && l.contains("/exe/cgodemo")),
    )
}

#[test]
fn an_edit_of_a_c_file_or_of_cgo_cflags_rebuilds_that_package_and_the_link_only() {
    let d = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    copy_tree(&cgodemo_dir(), d.path());
    let build = |cflags: Option<&str>| -> String {
        let mut c = bin();
        c.current_dir(d.path())
            .env("GCCGO_BUILD_CACHE", cache.path())
            .args(["build", "-x", "-o", "cgodemo", "./cmd/cgodemo"]);
        match cflags {
            Some(f) => c.env("CGO_CFLAGS", f),
            None => c.env_remove("CGO_CFLAGS"),
        };
        let (_, err) = ok(run(&mut c));
        let (out, _) = ok(run(&mut Command::new(d.path().join("cgodemo"))));
        assert_eq!(out, gc_cgodemo_output());
        err
    };
    assert_eq!(ran(&build(None)), (1, 1, 1), "the first build runs all");
    assert_eq!(ran(&build(None)), (0, 0, 0), "nothing changed");
    let c = d.path().join("vec/vec.c");
    let text = std::fs::read_to_string(&c).unwrap();
    std::fs::write(&c, text.replace("sum += goVisit", "sum = sum + goVisit")).unwrap();
    let log = build(None);
    assert_eq!(ran(&log), (1, 0, 1), "a .c edit:\n{log}");
    assert!(log.contains("vec/vec.c"), "{log}");
    let log = build(Some("-g -O1"));
    assert_eq!(ran(&log), (1, 0, 1), "CGO_CFLAGS:\n{log}");
    assert!(log.contains(" -g -O1 "), "{log}");
}

#[test]
fn the_dry_run_script_builds_cgo_packages() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("from-script");
    let (script, _) = ok(run(bin()
        .current_dir(cgodemo_dir())
        .args(["build", "-n", "-o"])
        .arg(&out)
        .arg("./cmd/cgodemo")));
    assert!(script.contains("/cgo -objdir"), "{script}");
    assert!(script.contains("_cgo_export.c"), "{script}");
    let work = d.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    let script: Vec<String> = script
        .lines()
        .map(|l| match l.starts_with("WORK=") {
            true => format!("WORK={}", work.display()),
            false => l.to_string(),
        })
        .collect();
    let path = d.path().join("plan.sh");
    std::fs::write(&path, script.join("\n")).unwrap();
    ok(run(Command::new("bash").arg("-e").arg(&path)));
    let (stdout, _) = ok(run(&mut Command::new(&out)));
    assert_eq!(stdout, gc_cgodemo_output());
}

const GOPATH: &str = "/usr/share/gocode";

/// A GOPATH tree with one command using mattn/go-sqlite3 (Debian's, from
/// /usr/share/gocode, second in GOPATH).
fn sqlite_tree() -> &'static (tempfile::TempDir, String) {
    static T: OnceLock<(tempfile::TempDir, String)> = OnceLock::new();
    T.get_or_init(|| {
        let d = tempfile::tempdir().unwrap();
        write_tree(
            d.path(),
            &[(
                "src/sqlitedemo/main.go",
                r#"// Command sqlitedemo creates an in-memory database, inserts and selects.
package main

import (
	"database/sql"
	"fmt"
	"log"

	_ "github.com/mattn/go-sqlite3"
)

func main() {
	db, err := sql.Open("sqlite3", ":memory:")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		"CREATE TABLE router (id INTEGER PRIMARY KEY, name TEXT, flash_mb REAL)",
		"INSERT INTO router (name, flash_mb) VALUES ('mt7620a', 8), ('ar9331', 16), ('mt7628', 15.5)",
	} {
		if _, err := db.Exec(q); err != nil {
			log.Fatal(err)
		}
	}
	rows, err := db.Query("SELECT id, name, flash_mb FROM router WHERE flash_mb > ? ORDER BY name", 10)
	if err != nil {
		log.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int
		var name string
		var mb float64
		if err := rows.Scan(&id, &name, &mb); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%d %s %.1f\n", id, name, mb)
	}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM router").Scan(&n); err != nil {
		log.Fatal(err)
	}
	fmt.Println("rows:", n)
}
"#,
            )],
        );
        let gopath = format!("{}:{GOPATH}", d.path().display());
        (d, gopath)
    })
}

/// Whether Debian's mattn/go-sqlite3 is installed; says so when it is not.
fn have_sqlite3_source() -> bool {
    let ok = Path::new(GOPATH)
        .join("src/github.com/mattn/go-sqlite3/sqlite3.go")
        .is_file();
    if !ok {
        eprintln!(
            "SKIPPED: Debian's golang-github-mattn-go-sqlite3-dev is not installed (scripts/deps installs it)"
        );
    }
    ok
}

const SQLITE_OUT: &str = "2 ar9331 16.0\n3 mt7628 15.5\nrows: 3\n";

#[test]
fn sqlite_in_memory_on_the_host_as_gc_builds_it() {
    if !have_sqlite3_source() {
        return;
    }
    let (tree, gopath) = sqlite_tree();
    let exe = tree.path().join("sqlitedemo-host");
    ok(run(bin()
        .env("GO111MODULE", "off")
        .env("GOPATH", gopath)
        .args(["build", "-o"])
        .arg(&exe)
        .arg("sqlitedemo")));
    let (out, _) = ok(run(&mut Command::new(&exe)));
    assert_eq!(out, SQLITE_OUT);
    let gc = tree.path().join("sqlitedemo-gc");
    ok(run(Command::new("go")
        .env("GO111MODULE", "off")
        .env("GOPATH", gopath)
        .env("GOFLAGS", "")
        .env("CGO_ENABLED", "1")
        .args(["build", "-o"])
        .arg(&gc)
        .arg("sqlitedemo")));
    assert_eq!(ok(run(&mut Command::new(&gc))).0, out);
}

/// Debian's libsqlite3-dev and libsqlite3-0 for mipsel, unpacked (`dpkg
/// -x`) into a directory: the root that holds `usr/include/sqlite3.h` and
/// `usr/lib/mipsel-linux-gnu/libsqlite3.a`. Not installed with apt
/// (`libsqlite3-dev:mipsel`): that brings Debian's libc6:mipsel into
/// `/lib/mipsel-linux-gnu`, which qemu-user's `-L /usr/mipsel-linux-gnu`
/// falls back to, so the cross glibc's loader loads another glibc build
/// and every dynamic mipsel program crashes. `None` (with the reason on
/// stderr) when the packages cannot be downloaded.
fn mipsel_sqlite_root() -> Option<&'static Path> {
    static ROOT: OnceLock<Option<(tempfile::TempDir, PathBuf)>> = OnceLock::new();
    ROOT.get_or_init(|| {
        let d = tempfile::tempdir().unwrap();
        let o = run(Command::new("apt-get").current_dir(d.path()).args([
            "download",
            "libsqlite3-dev:mipsel",
            "libsqlite3-0:mipsel",
        ]));
        if !o.status.success() {
            eprintln!(
                "SKIPPED: cannot download Debian's libsqlite3 for mipsel (`apt-get download \
                 libsqlite3-dev:mipsel libsqlite3-0:mipsel` needs `dpkg --add-architecture mipsel \
                 && apt-get update`; scripts/deps does it): {}",
                String::from_utf8_lossy(&o.stderr)
            );
            return None;
        }
        let root = d.path().join("root");
        for e in std::fs::read_dir(d.path()).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "deb") {
                ok(run(Command::new("dpkg-deb").arg("-x").arg(&p).arg(&root)));
            }
        }
        Some((d, root))
    })
    .as_ref()
    .map(|(_, root)| root.as_path())
}

#[test]
fn sqlite_statically_linked_for_mipsel_runs_under_qemu() {
    if !have_sqlite3_source() || !have_cross("mipsel-linux-gnu") {
        return;
    }
    let Some(root) = mipsel_sqlite_root() else {
        return;
    };
    let (tree, gopath) = sqlite_tree();
    let exe = tree.path().join("sqlitedemo-mipsel");
    let lib = root.join("usr/lib/mipsel-linux-gnu");
    ok(run(bin()
        .env("GO111MODULE", "off")
        .env("GOPATH", gopath)
        .env("CGO_LDFLAGS", format!("-L{}", lib.display()))
        .args([
            "build",
            "--target",
            "mipsel-linux-gnu",
            "--link",
            "static",
            "-o",
        ])
        .arg(&exe)
        .arg("sqlitedemo")));
    let (out, _) = ok(run(Command::new("qemu-mipsel-static")
        .args(["-cpu", "24Kf", "-L", "/usr/mipsel-linux-gnu"])
        .arg(&exe)));
    assert_eq!(out, SQLITE_OUT);
}

/// A module whose command asks pkg-config for sqlite3.
fn pkg_config_module(root: &Path) {
    write_tree(
        root,
        &[
            ("go.mod", "module example.com/pc\n\ngo 1.18\n"),
            (
                "main.go",
                "package main\n\n// #cgo pkg-config: sqlite3\n// #include <sqlite3.h>\nimport \"C\"\n\n\
                 import \"fmt\"\n\n\
                 func main() { fmt.Println(C.sqlite3_libversion_number() > 3000000) }\n",
            ),
        ],
    );
}

#[test]
fn pkg_config_asks_about_the_targets_libraries() {
    let d = tempfile::tempdir().unwrap();
    pkg_config_module(d.path());
    // For the host: the host's pkg-config database.
    ok(run(bin()
        .current_dir(d.path())
        .args(["build", "-o", "pc", "."])));
    assert_eq!(ok(run(&mut Command::new(d.path().join("pc")))).0, "true\n");
    if !have_cross("mipsel-linux-gnu") {
        return;
    }
    // For mipsel: Debian's multiarch directory, not the host's; sqlite3.pc
    // for mipsel is not there (see mipsel_sqlite_root), so pkg-config
    // fails, naming the directory it searched.
    let o = run(bin()
        .current_dir(d.path())
        .env_remove("PKG_CONFIG_LIBDIR")
        .env_remove("PKG_CONFIG_SYSROOT_DIR")
        .args(["build", "-n", "--target", "mipsel-linux-gnu", "."]));
    if o.status.success() {
        eprintln!("NOTE: sqlite3.pc for mipsel is installed: the multiarch failure is not shown");
    } else {
        let (_, err) = text(&o);
        assert!(
            err.contains("PKG_CONFIG_LIBDIR=/usr/local/lib/mipsel-linux-gnu/pkgconfig:")
                && err.contains("/usr/lib/mipsel-linux-gnu/pkgconfig")
                && err.contains("pkg-config --cflags -- sqlite3"),
            "{err}"
        );
    }
    // The user's PKG_CONFIG_LIBDIR and PKG_CONFIG_SYSROOT_DIR win (an SDK's
    // staging directory, here the unpacked Debian packages).
    let Some(root) = mipsel_sqlite_root() else {
        return;
    };
    let (_, err) = ok(run(bin()
        .current_dir(d.path())
        .env(
            "PKG_CONFIG_LIBDIR",
            root.join("usr/lib/mipsel-linux-gnu/pkgconfig"),
        )
        .env("PKG_CONFIG_SYSROOT_DIR", root)
        .args([
            "build",
            "-x",
            "--target",
            "mipsel-linux-gnu",
            "--link",
            "static",
            "-o",
            "pc-mipsel",
            ".",
        ])));
    let lib = format!("-L{}/usr/lib/mipsel-linux-gnu", root.display());
    assert!(err.contains(&lib), "{err}");
    let (out, _) = ok(run_target(
        Some("mipsel-linux-gnu"),
        &d.path().join("pc-mipsel"),
        &[],
    ));
    assert_eq!(out, "true\n");
}

#[test]
fn x_sys_unix_with_cgo_on_compiles_gccgo_c_once() {
    let (_, err) = ok(run(bin()
        .env("GO111MODULE", "off")
        .env("GOPATH", GOPATH)
        .env("CGO_ENABLED", "1")
        .args(["build", "-x", "--cache", "off", "golang.org/x/sys/unix"])));
    let compiles: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("gccgo_c.c") && l.contains(" -c"))
        .collect();
    assert_eq!(compiles.len(), 1, "{err}");
    let (tags, _) = ok(run(bin()
        .env("GO111MODULE", "off")
        .env("GOPATH", GOPATH)
        .env("CGO_ENABLED", "1")
        .args(["list", "-f", "{{.CFiles}}", "golang.org/x/sys/unix"])));
    assert_eq!(tags, "[gccgo_c.c]\n");
}

#[test]
fn test_runs_a_cgo_packages_tests_on_the_host_and_mips() {
    let d = tempfile::tempdir().unwrap();
    copy_tree(&cgodemo_dir(), d.path());
    write_tree(
        d.path(),
        &[
            (
                "vec/vec_test.go",
                "package vec\n\nimport \"testing\"\n\n\
                 func TestLenAndWalk(t *testing.T) {\n\
                 \tif got := Len(Point{3, 4}); got != 5 {\n\t\tt.Fatalf(\"Len = %v\", got)\n\t}\n\
                 \tif got := Walk(4, func(i int) int { return i }); got != 10 {\n\t\tt.Fatalf(\"Walk = %v\", got)\n\t}\n}\n",
            ),
            (
                "vec/x_test.go",
                "package vec_test\n\nimport (\n\t\"testing\"\n\n\t\"example.com/cgodemo/vec\"\n)\n\n\
                 func TestEcho(t *testing.T) {\n\tif vec.Echo(\"x\") != \"x\" {\n\t\tt.Fatal(\"echo\")\n\t}\n}\n",
            ),
        ],
    );
    let (out, _) = ok(run(bin()
        .current_dir(d.path())
        .args(["test", "-v", "./vec"])));
    assert!(out.contains("--- PASS: TestLenAndWalk"), "{out}");
    assert!(out.contains("--- PASS: TestEcho"), "{out}");
    if have_cross("mips-linux-gnu") {
        let (out, _) = ok(run(bin().current_dir(d.path()).args([
            "test",
            "--target",
            "mips-linux-gnu",
            "./vec",
        ])));
        assert!(out.starts_with("ok  \texample.com/cgodemo/vec"), "{out}");
    }
}
