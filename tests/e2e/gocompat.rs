//! Go-command compatibility on real Debian Go packages (GOPATH
//! /usr/share/gocode, GO111MODULE=off): `gccgo-build list -json -deps`
//! held against `go-12 list -compiler=gccgo -json -deps` (the go command
//! shipped with gccgo 12) for the host and for big-endian MIPS, every
//! field both print (std packages' too), and `list -f` with the templates
//! Go users write, and `-e`; real
//! programs built for both and run with real input (qemu-user for MIPS),
//! their output compared with that of the same program built by gc (`go
//! build` of Go 1.19) on the same input; libraries compiled whole, among
//! them the `golang.org/x/net/...` pattern, golang.org/x/sys/unix with its
//! C file (and, on MIPS, an `-overlay` that works around Debian's double
//! Syscall9);
//! GOPATH vendoring and relative imports; and one test per load error.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use crate::common::*;
use serde_json::Value;

const GOPATH: &str = "/usr/share/gocode";

const PROGRAMS: &[&str] = &[
    "github.com/pelletier/go-toml/cmd/tomljson",
    "github.com/cpuguy83/go-md2man/v2",
    "golang.org/x/tools/cmd/goimports",
    "github.com/pkg/sftp/examples/go-sftp-server",
    "github.com/rogpeppe/go-internal/cmd/testscript",
    "github.com/fsnotify/fsnotify/cmd/fsnotify",
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

/// The go command of gccgo 12, in GOPATH mode over Debian's tree:
/// `list -compiler=gccgo -json -deps`.
fn go12(goarch: Option<&str>, cgo: bool) -> Command {
    let mut c = go12_env(goarch, cgo);
    c.args(["list", "-compiler=gccgo", "-json", "-deps"]);
    c
}

/// go-12 in GOPATH mode over Debian's tree, no arguments yet.
fn go12_env(goarch: Option<&str>, cgo: bool) -> Command {
    let mut c = Command::new("go-12");
    c.env("GO111MODULE", "off")
        .env("GOPATH", GOPATH)
        .env("GOFLAGS", "")
        .env("CGO_ENABLED", if cgo { "1" } else { "0" })
        .env("GOCACHE", std::env::temp_dir().join("gocompat-gocache"));
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

/// Fields go-12 prints that gccgo-build does not: `Stale` and
/// `StaleReason` (go's build cache, not ours), `IgnoredOtherFiles`
/// (non-Go files that build constraints exclude).
const NOT_LISTED: &[&str] = &["Stale", "StaleReason", "IgnoredOtherFiles"];

/// Compares the listings for one package set and one target. Fields must
/// be identical, with go-12 run with cgo on: gccgo-build's default for the
/// host, and for a cross target whose C compiler is installed (the `cgo`
/// tag set; go's loader also empties `CFiles` when cgo is off, where
/// gccgo-build compiles them regardless, as golang.org/x/sys/unix needs).
fn compare_lists(triple: Option<&str>, goarch: Option<&str>, pkgs: &[&str]) {
    let mut ours = gb_gopath(GOPATH);
    ours.args(["list", "-json", "-deps"]);
    if let Some(t) = triple {
        ours.args(["--target", t]);
    }
    let (ours, _) = ok(run(ours.env_remove("CGO_ENABLED").args(pkgs)));
    let (theirs_cgo, _) = ok(run(go12(goarch, true).args(pkgs)));
    let theirs = theirs_cgo.clone();
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
        // Every field either prints must be the same, std packages' included
        // (Dir and Root under the toolchain's root, Goroot, DepOnly), but
        // those gccgo-build leaves out (`NOT_LISTED`) and CFiles (below).
        let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
        for k in keys {
            if NOT_LISTED.contains(&k.as_str()) || k == "CFiles" {
                continue;
            }
            assert_eq!(
                a.get(k),
                b.get(k),
                "{k} of {ip} ({triple:?}) differs from go-12's"
            );
        }
        let c = strings(a, "CFiles");
        assert_eq!(
            Some(&c),
            cgo_c.get(&ip),
            "CFiles of {ip} ({triple:?}) differs from go-12's (cgo on)"
        );
        c_files_seen += c.len();
    }
    assert!(
        ours.iter()
            .any(|o| o.get("Standard") == Some(&Value::Bool(true))),
        "std packages are listed"
    );
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

/// `list -f` with the templates Go users write, on Debian's tree with its
/// std dependencies, held against go-12 byte for byte.
#[test]
fn list_templates_match_go12() {
    let pkgs = [
        "github.com/pelletier/go-toml/cmd/tomljson",
        "github.com/cpuguy83/go-md2man/v2",
        "gopkg.in/yaml.v3",
        "github.com/miekg/dns",
    ];
    let templates = [
        "{{.ImportPath}}",
        "{{join .Imports \" \"}}",
        "{{range .Deps}}{{.}} {{end}}",
        "{{if .Standard}}std {{.Dir}} {{.Root}}{{else if eq .Name \"main\"}}command{{else}}{{.Name}}{{end}}",
        "{{.Module}} {{.Target}}",
        "{{len .Deps}} {{len .GoFiles}}",
        "{{printf \"%-40s %q\" .ImportPath .Doc}}",
        "{{.ImportPath | printf \"%q\"}}",
        "{{with .Doc}}{{.}}{{end}}",
        "{{range $i, $f := .GoFiles}}{{if $i}},{{end}}{{$f}}{{end}}",
        "{{.Goroot}} {{.DepOnly}} {{.Error}} {{.Incomplete}} {{.Match}}",
    ];
    for t in templates {
        let (ours, _) = ok(run(gb_gopath(GOPATH)
            .args(["list", "-deps", "-f", t])
            .args(pkgs)));
        let mut go = go12_env(None, false);
        let (theirs, _) = ok(run(go
            .args(["list", "-compiler=gccgo", "-deps", "-f", t])
            .args(pkgs)));
        assert_eq!(ours, theirs, "list -deps -f {t:?}");
    }
    // Go's message for a nil module, after the output before it.
    let o = run(gb_gopath(GOPATH).args(["list", "-f", "{{.Module.Path}}", "gopkg.in/yaml.v3"]));
    let (_, err) = fails(o);
    assert!(
        err.contains("template: main:1:9: executing \"main\" at <.Module.Path>: nil pointer evaluating *modinfo.ModulePublic.Path"),
        "{err}"
    );
}

/// `-e`: a package that does not load is listed with its error, the rest
/// as usual, and the command succeeds, as go's `-e`.
#[test]
fn list_e_reports_errors_in_the_error_field() {
    let (out, _) = ok(run(gb_gopath(GOPATH).args([
        "list",
        "-e",
        "-f",
        "{{.ImportPath}} {{.Incomplete}} {{if .Error}}error{{end}}",
        "gopkg.in/yaml.v3",
        "example.com/no/such/package",
    ])));
    assert_eq!(
        out,
        "gopkg.in/yaml.v3 false \nexample.com/no/such/package true error\n"
    );
    let (out, _) = ok(run(gb_gopath(GOPATH).args([
        "list",
        "-e",
        "-json",
        "example.com/no/such/package",
    ])));
    let o = &objects(&out)[0];
    assert!(
        o["Error"]["Err"]
            .as_str()
            .is_some_and(|e| e.contains("cannot find package")),
        "{out}"
    );
    fails(run(
        gb_gopath(GOPATH).args(["list", "example.com/no/such/package"])
    ));
}

/// The name gccgo-build gives a program's executable (and the gc build's
/// after `gc-`): the last element of its import path, or the one before
/// when the last is a major-version suffix (`v2`), as the go command does
/// in module mode.
fn exe_name(import_path: &str) -> &str {
    let mut elems = import_path.rsplit('/');
    let last = elems.next().unwrap_or(import_path);
    let is_major =
        last.len() > 1 && last.starts_with('v') && last[1..].bytes().all(|b| b.is_ascii_digit());
    match elems.next() {
        Some(prev) if is_major => prev,
        _ => last,
    }
}

/// Builds every program for one target into a directory, once per test
/// binary. On MIPS the build carries `mips_overlay()`, which fsnotify
/// needs (it imports golang.org/x/sys/unix); the other programs do not
/// import that package and are unaffected by it.
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
            let ov = dir.path().join("overlay");
            std::fs::create_dir(&ov).expect("mkdir overlay");
            c.args(["--target", t, "-overlay"]).arg(mips_overlay(&ov));
        }
        ok(run(c.args(PROGRAMS)));
        dir
    })
    .path()
}

fn exe(triple: Option<&'static str>, name: &str) -> PathBuf {
    programs(triple).join(name)
}

/// Every program built once with gc, the reference: `go build` of
/// golang-go (Go 1.19) in GOPATH mode over the same tree, cgo off, into
/// `gc-<name>`. Each gccgo-built program's output is compared with its
/// gc-built twin's on the same input.
fn gc_programs() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        for p in PROGRAMS {
            let mut c = Command::new("go");
            c.env("GO111MODULE", "off")
                .env("GOPATH", GOPATH)
                .env("GOCACHE", dir.path().join("gocache"))
                .env("CGO_ENABLED", "0")
                .env("GOFLAGS", "")
                .env_remove("GOROOT")
                .env_remove("GOOS")
                .env_remove("GOARCH")
                .args(["build", "-o"])
                .arg(dir.path().join(format!("gc-{}", exe_name(p))))
                .arg(p);
            ok(run(&mut c));
        }
        dir
    })
    .path()
}

fn gc_exe(name: &str) -> PathBuf {
    gc_programs().join(format!("gc-{name}"))
}

/// The command that runs a target program: natively for the host, under
/// qemu-user with the triple's libraries for MIPS.
fn target_cmd(triple: Option<&str>, exe: &Path) -> Command {
    match triple {
        None => Command::new(exe),
        Some(t) => {
            let mut c = Command::new("qemu-mips-static");
            c.arg("-L").arg(format!("/usr/{t}")).arg(exe);
            c
        }
    }
}

fn run_in(triple: Option<&str>, exe: &Path, args: &[&str], cwd: &Path) -> Output {
    let mut c = target_cmd(triple, exe);
    c.args(args).current_dir(cwd);
    run(&mut c)
}

/// One program run twice on the same input in the same directory: the
/// gccgo build for `triple` and the gc build (on the host). Returns
/// (gccgo's, gc's).
fn run_both(
    triple: Option<&'static str>,
    name: &str,
    args: &[&str],
    cwd: &Path,
) -> (Output, Output) {
    (
        run_in(triple, &exe(triple, name), args, cwd),
        run_in(None, &gc_exe(name), args, cwd),
    )
}

/// Asserts both runs succeeded with identical stdout; returns it.
fn same_stdout(triple: Option<&str>, name: &str, (ours, gc): (Output, Output)) -> String {
    let (ours, _) = ok(ours);
    let (gc, _) = ok(gc);
    assert_eq!(
        ours, gc,
        "{name} built by gccgo-build ({triple:?}) prints other output than the gc build"
    );
    ours
}

fn tomljson_converts(triple: Option<&'static str>) {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("a.toml"),
        "title = \"TOML\"\npi = 3.14159\ntiny = 1e-300\nwhen = 1979-05-27T07:32:00Z\n\
         [owner]\nname = \"Tom\"\nports = [8001, 8002]\n\
         [[fruit]]\nname = \"apple\"\n[[fruit]]\nname = \"banana\"\ncolour = \"yellow\"\n",
    )
    .unwrap();
    let out = same_stdout(
        triple,
        "tomljson",
        run_both(triple, "tomljson", &["a.toml"], d.path()),
    );
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(v["title"], "TOML", "{out}");
    assert_eq!(
        v["owner"],
        serde_json::json!({"name": "Tom", "ports": [8001, 8002]}),
        "{out}"
    );
    assert_eq!(v["fruit"][1]["colour"], "yellow", "{out}");
}

fn md2man_converts(triple: Option<&'static str>) {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("a.md"),
        "# hello 1 \"May 2024\"\n\n## NAME\n\nhello - say **hi**\n\n## OPTIONS\n\n\
         * `-v`: be *verbose*\n* `-q`: be quiet\n\n```\nhello -v\n```\n\n\
         | flag | meaning |\n|------|---------|\n| -v   | verbose |\n\n\
         See [the site](https://example.com).\n",
    )
    .unwrap();
    let out = same_stdout(
        triple,
        "go-md2man",
        run_both(triple, "go-md2man", &["-in", "a.md"], d.path()),
    );
    for want in [".TH hello 1", ".SH NAME", "hello - say \\fBhi\\fP", ".TS"] {
        assert!(out.contains(want), "{want:?} missing from:\n{out}");
    }
}

fn goimports_formats(triple: Option<&'static str>) {
    let d = tempfile::tempdir().unwrap();
    // An unused import to drop, two standard ones to add, layout to fix.
    std::fs::write(
        d.path().join("a.go"),
        "package main\nimport \"os\"\nfunc main() {  fmt.Println(strings.ToUpper(\"x\")) }\n",
    )
    .unwrap();
    let out = same_stdout(
        triple,
        "goimports",
        run_both(triple, "goimports", &["a.go"], d.path()),
    );
    assert_eq!(
        out,
        "package main\n\nimport (\n\t\"fmt\"\n\t\"strings\"\n)\n\n\
         func main() { fmt.Println(strings.ToUpper(\"x\")) }\n"
    );
}

fn sftp_server_helps(triple: Option<&'static str>) {
    let d = tempfile::tempdir().unwrap();
    let (ours, gc) = run_both(triple, "go-sftp-server", &["-h"], d.path());
    // The usage names the program as started (argv[0]).
    let usage = |o: &Output, exe: &Path| {
        let (out, err) = text(o);
        let err = err.replace(&exe.display().to_string(), "PROG");
        (o.status.code(), out, err)
    };
    let ours = usage(&ours, &exe(triple, "go-sftp-server"));
    let gc = usage(&gc, &gc_exe("go-sftp-server"));
    assert_eq!(ours, gc, "go-sftp-server -h ({triple:?}) against gc");
    assert!(ours.2.starts_with("Usage of PROG:"), "{}", ours.2);
    assert!(ours.2.contains("read-only server"), "{}", ours.2);
}

/// testscript's `-v` output with what varies from run to run replaced:
/// the durations of `# comment (0.002s)` lines, the random work
/// directory `/tmp/testscript123…`, and the `GOARCH=` line, which is the
/// program's own runtime.GOARCH (`goarch`: mips under qemu) and becomes
/// `GOARCH=(runtime)` only when it is that.
fn normalise_testscript(s: &str, goarch: &str) -> String {
    let mut out = String::new();
    for line in s.lines() {
        if line.strip_prefix("GOARCH=") == Some(goarch) {
            out.push_str("GOARCH=(runtime)\n");
            continue;
        }
        let line = match (line.starts_with('#'), line.rfind(" (")) {
            (true, Some(i)) if line.ends_with("s)") => format!("{} (TIME)", &line[..i]),
            _ => line.to_string(),
        };
        let mut rest = line.as_str();
        while let Some(i) = rest.find("/testscript") {
            let (head, tail) = rest.split_at(i + "/testscript".len());
            out.push_str(head);
            let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
            if digits > 0 {
                out.push('N');
            }
            rest = &tail[digits..];
        }
        out.push_str(rest);
        out.push('\n');
    }
    out
}

fn testscript_runs(triple: Option<&'static str>) {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("pass.txtar"),
        "# files\nexists foo.txt\ncmp foo.txt bar.txt\n# a command\nexec echo hello\nstdout hello\n\
         -- foo.txt --\nhi\n-- bar.txt --\nhi\n",
    )
    .unwrap();
    std::fs::write(d.path().join("fail.txtar"), "exists nope.txt\n").unwrap();
    for (script, passes) in [("pass.txtar", true), ("fail.txtar", false)] {
        let (ours, gc) = run_both(triple, "testscript", &["-v", script], d.path());
        let key = |o: &Output, goarch: &str| {
            let (out, err) = text(o);
            (
                o.status.code(),
                normalise_testscript(&out, goarch),
                normalise_testscript(&err, goarch),
            )
        };
        let goarch = if triple.is_some() {
            "mips"
        } else {
            host_goarch()
        };
        let (ours, gc) = (key(&ours, goarch), key(&gc, host_goarch()));
        assert_eq!(ours, gc, "testscript -v {script} ({triple:?}) against gc");
        assert_eq!(ours.0, Some(if passes { 0 } else { 1 }), "{ours:?}");
        let want = if passes {
            "\nPASS\n"
        } else {
            "$WORK/nope.txt does not exist"
        };
        assert!(ours.1.contains(want), "{want:?} missing: {ours:?}");
        assert!(ours.1.contains("\nGOARCH=(runtime)\n"), "{ours:?}");
    }
}

/// An fsnotify line without its leading `15:04:05.0000` time stamp.
fn strip_time(line: &str) -> &str {
    match line.split_once(' ') {
        Some((t, rest))
            if t.len() == 13
                && t.bytes()
                    .all(|b| b.is_ascii_digit() || b == b':' || b == b'.') =>
        {
            rest
        }
        _ => line,
    }
}

/// Runs `fsnotify watch w` in a fresh directory, waits for its `ready`
/// line, then creates, writes, chmods, renames and removes a file with a
/// pause between steps (so inotify never merges two events), and stops
/// the watcher once the last event is printed or 5 s after the last step.
/// Returns the printed lines without their time stamps.
fn fsnotify_events(triple: Option<&str>, exe: &Path) -> Vec<String> {
    use std::io::{BufRead, Write};
    use std::os::unix::fs::PermissionsExt;
    use std::sync::mpsc;
    use std::time::{Duration, Instant};

    let d = tempfile::tempdir().unwrap();
    let w = d.path().join("w");
    std::fs::create_dir(&w).unwrap();
    let err_file = std::fs::File::create(d.path().join("stderr")).unwrap();
    let mut c = target_cmd(triple, exe);
    c.args(["watch", "w"])
        .current_dir(d.path())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(err_file);
    let mut child = c.spawn().unwrap_or_else(|e| panic!("running {c:?}: {e}"));
    let stdout = child.stdout.take().expect("piped stdout");
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut lines = Vec::new();
    let stderr_of = |d: &Path| std::fs::read_to_string(d.join("stderr")).unwrap_or_default();
    match rx.recv_timeout(Duration::from_secs(30)) {
        Ok(l) => lines.push(strip_time(&l).to_string()),
        Err(e) => {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{c:?} printed nothing ({e}); stderr:\n{}",
                stderr_of(d.path())
            );
        }
    }
    assert!(lines[0].starts_with("ready"), "{lines:?}");
    let pause = || std::thread::sleep(Duration::from_millis(300));
    let (a, b) = (w.join("a.txt"), w.join("b.txt"));
    let mut f = std::fs::File::create(&a).unwrap();
    pause();
    f.write_all(b"hello\n").unwrap();
    drop(f);
    pause();
    std::fs::set_permissions(&a, std::fs::Permissions::from_mode(0o600)).unwrap();
    pause();
    std::fs::rename(&a, &b).unwrap();
    pause();
    std::fs::remove_file(&b).unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(l) => {
                let l = strip_time(&l).to_string();
                let last = l.contains("REMOVE");
                lines.push(l);
                if last {
                    break;
                }
            }
            Err(_) => break,
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let _ = reader.join();
    lines.extend(rx.try_iter().map(|l| strip_time(&l).to_string()));
    let err = stderr_of(d.path());
    assert!(err.is_empty(), "{c:?} wrote to stderr:\n{err}");
    lines
}

fn fsnotify_watches(triple: Option<&'static str>) {
    let ours = fsnotify_events(triple, &exe(triple, "fsnotify"));
    let gc = fsnotify_events(None, &gc_exe("fsnotify"));
    assert_eq!(ours, gc, "fsnotify events ({triple:?}) against gc");
    let kinds: Vec<String> = ours
        .iter()
        .skip(1)
        .map(|l| l.split_whitespace().skip(1).collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        kinds,
        [
            "CREATE \"w/a.txt\"",
            "WRITE \"w/a.txt\"",
            "CHMOD \"w/a.txt\"",
            "RENAME \"w/a.txt\"",
            "CREATE \"w/b.txt\"",
            "REMOVE \"w/b.txt\"",
        ],
        "{ours:?}"
    );
}

#[test]
fn programs_run_host() {
    tomljson_converts(None);
    md2man_converts(None);
    goimports_formats(None);
    sftp_server_helps(None);
    testscript_runs(None);
    fsnotify_watches(None);
}

#[test]
fn programs_run_mips() {
    let t = Some("mips-linux-gnu");
    tomljson_converts(t);
    md2man_converts(t);
    goimports_formats(t);
    sftp_server_helps(t);
    testscript_runs(t);
    fsnotify_watches(t);
}

#[test]
fn libraries_compile_host() {
    // x/sys/unix with a cache of its own: the -x output must show its
    // compiles, not restores. The rest share the run's cache.
    let cache = tempfile::tempdir().unwrap();
    let (_, err) = ok(run(gb_gopath(GOPATH)
        .env("XDG_CACHE_HOME", cache.path())
        .args(["build", "-j", "2", "-x", XSYS])));
    assert!(
        err.contains("gcc -c") && err.contains("_c_gccgo_c.o"),
        "the C file of x/sys/unix is compiled: {err}"
    );
    ok(run(gb_gopath(GOPATH)
        .args(["build", "-j", "2"])
        .args(LIBRARIES)));
}

/// The library with a C file and, on MIPS, Debian's double Syscall9.
const XSYS: &str = "golang.org/x/sys/unix";

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
        .arg(XSYS)));
    ok(run(gb_gopath(GOPATH)
        .args(["build", "-j", "2", "--target", "mips-linux-gnu", "-overlay"])
        .arg(&ov)
        .args(LIBRARIES)));
    // The compile is given the replacement file, and the C file is compiled
    // with the target's C compiler.
    assert!(
        err.contains(&format!(
            "{}/syscall_linux_mipsx.go",
            mips_overlay_dir().display()
        )),
        "{err}"
    );
    assert!(
        err.contains("mips-linux-gnu-gcc -c") && err.contains("_c_gccgo_c.o"),
        "{err}"
    );
}

/// Compiles `golang.org/x/net/...` whole for one target. The pattern must
/// match the packages go matches: go-12's `list` for the same GOARCH is
/// the reference. go leaves out a wildcard match whose Go files build
/// constraints all exclude (golang.org/x/net/lif, Solaris only, and
/// golang.org/x/net/route, BSD only), recording neither the package nor an
/// error (cmd/go/internal/search, MatchPackages: `*build.NoGoError`).
/// Every package the pattern matches compiles with gccgo 12 for both
/// targets, so none is excluded here.
fn x_net_compiles(triple: Option<&str>, goarch: Option<&str>) {
    const XNET: &str = "golang.org/x/net/...";
    let mut ours = gb_gopath(GOPATH);
    ours.arg("list");
    if let Some(t) = triple {
        ours.args(["--target", t]);
    }
    let (ours, _) = ok(run(ours.arg(XNET)));
    let mut go = Command::new("go-12");
    go.env("GO111MODULE", "off")
        .env("GOPATH", GOPATH)
        .env("GOFLAGS", "")
        .env("CGO_ENABLED", "0")
        .env("GOCACHE", std::env::temp_dir().join("gocompat-gocache"))
        .args(["list", "-compiler=gccgo", XNET]);
    if let Some(a) = goarch {
        go.env("GOARCH", a);
    }
    let (theirs, _) = ok(run(&mut go));
    assert_eq!(ours, theirs, "packages matched by {XNET} ({triple:?})");
    assert!(theirs.lines().count() > 20, "{theirs}");
    let ov_dir = tempfile::tempdir().unwrap();
    let mut c = gb_gopath(GOPATH);
    c.args(["build", "-j", "2"]);
    if let Some(t) = triple {
        c.args(["--target", t, "-overlay"])
            .arg(mips_overlay(ov_dir.path()));
    }
    ok(run(c.arg(XNET)));
}

#[test]
fn x_net_compiles_host() {
    x_net_compiles(None, None);
}

#[test]
fn x_net_compiles_mips_with_overlay() {
    x_net_compiles(Some("mips-linux-gnu"), Some("mips"));
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

/// A cgo package builds now (tests/e2e/cgo.rs); with cgo off its cgo
/// files are left out, and a package made only of them is the go
/// command's error.
#[test]
fn error_cgo_package_with_cgo_off() {
    let files = [(
        "src/cg/cg.go",
        "package cg\n\n// int one(void) { return 1; }\nimport \"C\"\n\nfunc One() int { return int(C.one()) }\n",
    )];
    let gp = tempfile::tempdir().unwrap();
    write_tree(gp.path(), &files);
    let gopath = gp.path().display().to_string();
    ok(run(gb_gopath(&gopath).args(["build", "-n", "cg"])));
    let (_, err) = fails(run(gb_gopath(&gopath)
        .env("CGO_ENABLED", "0")
        .args(["build", "-n", "cg"])));
    assert!(
        err.contains(&format!(
            "package cg: build constraints exclude all Go files in {}",
            gp.path().join("src/cg").display()
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
    // As go 1.19: -mod=readonly refuses a module go.sum does not list
    // before fetching it.
    assert!(
        err.contains(&format!(
            "{}:3:10: missing go.sum entry for module providing package example.com/absent/pkg",
            d.path().join("main.go").display()
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
