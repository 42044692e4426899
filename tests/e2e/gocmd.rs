//! Where a Go user types what they would type for the go command: `.go`
//! file arguments (`build minion.go`, the `command-line-arguments`
//! package) in module and GOPATH mode, `graph` read by Graphviz's `dot`,
//! shell completions sourced by bash, the man page, and the hint for
//! Debian's double `Syscall9` on MIPS with the overlay shipped in
//! examples/overlays.

use std::path::Path;
use std::process::Command;

use crate::common::*;

/// A module whose command's main file imports a package of the module,
/// with a second file of the command that build constraints would exclude
/// (`//go:build ignore`): named on the command line, it builds anyway, as
/// with the go command.
fn module_tree(root: &Path) {
    write_tree(
        root,
        &[
            ("go.mod", "module example.com/m\n\ngo 1.18\n"),
            (
                "lib/lib.go",
                "package lib\n\nfunc Hello() string { return \"hello from lib\" }\n",
            ),
            (
                "cmd/minion.go",
                "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/m/lib\"\n)\n\n\
                 func main() { fmt.Println(lib.Hello(), extra()) }\n",
            ),
            (
                "cmd/extra.go",
                "//go:build ignore\n\npackage main\n\nfunc extra() string { return \"and extra\" }\n",
            ),
        ],
    );
}

#[test]
fn file_arguments_build_command_line_arguments_in_module_mode() {
    let d = tempfile::tempdir().unwrap();
    module_tree(d.path());
    ok(run(bin().current_dir(d.path()).args([
        "build",
        "cmd/minion.go",
        "cmd/extra.go",
    ])));
    // Named after the first file, in the working directory, as go names it.
    let (out, _) = ok(run(&mut Command::new(d.path().join("minion"))));
    assert_eq!(out, "hello from lib and extra\n");
    let (out, _) = ok(run(bin().current_dir(d.path()).args([
        "list",
        "-f",
        "{{.ImportPath}} {{join .GoFiles \" \"}}",
        "cmd/extra.go",
        "cmd/minion.go",
    ])));
    assert_eq!(out, "command-line-arguments extra.go minion.go\n");
    let (out, _) = ok(run(bin().current_dir(d.path().join("cmd")).args([
        "run",
        "minion.go",
        "extra.go",
    ])));
    assert_eq!(out, "hello from lib and extra\n");
}

#[test]
fn file_arguments_are_refused_as_the_go_command_refuses_them() {
    let d = tempfile::tempdir().unwrap();
    module_tree(d.path());
    let err = |args: &[&str]| fails(run(bin().current_dir(d.path()).args(args))).1;
    let e = err(&["build", "cmd/minion.go", "./lib"]);
    assert!(
        e.contains("named files must be .go files: ./lib"),
        "mixing files and packages: {e}"
    );
    let e = err(&["build", "cmd/minion.go", "lib/lib.go"]);
    assert!(
        e.contains("named files must all be in one directory; have cmd and lib"),
        "{e}"
    );
    let e = err(&["build", "cmd/minion.go", "cmd/gone.go"]);
    assert!(
        e.contains("named file cmd/gone.go: no such file or directory"),
        "{e}"
    );
    // Only the named files: minion.go alone lacks extra().
    let e = err(&["build", "cmd/minion.go"]);
    assert!(
        e.contains("# command-line-arguments") && e.contains("extra"),
        "{e}"
    );
}

/// The 2015 write-up's `go build minion.go`, in a GOPATH tree: the main
/// file imports the tree's packages (one of them `internal/`, allowed
/// because the file's directory is the package that holds it), built for
/// big-endian MIPS and run under qemu.
#[test]
fn file_arguments_build_in_gopath_mode_for_mips() {
    let gp = tempfile::tempdir().unwrap();
    write_tree(
        gp.path(),
        &[
            (
                "src/example.com/g/wire/wire.go",
                "package wire\n\nimport \"example.com/g/internal/v\"\n\n\
                 func Name() string { return \"wire \" + v.V }\n",
            ),
            (
                "src/example.com/g/internal/v/v.go",
                "package v\n\nconst V = \"v1\"\n",
            ),
            (
                "src/example.com/g/minion.go",
                "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/g/internal/v\"\n\t\"example.com/g/wire\"\n)\n\n\
                 func main() { fmt.Println(wire.Name(), v.V) }\n",
            ),
        ],
    );
    let dir = gp.path().join("src/example.com/g");
    ok(run(bin()
        .current_dir(&dir)
        .env("GO111MODULE", "off")
        .env("GOPATH", gp.path())
        .args([
            "build",
            "--target",
            "mips-linux-gnu",
            "minion.go",
        ])));
    let exe = dir.join("minion");
    let (out, _) = ok(run_target(Some("mips-linux-gnu"), &exe, &[]));
    assert_eq!(out, "wire v1 v1\n");
}

/// examples/dnsq (github.com/miekg/dns over Debian's golang.org/x/sys/unix)
/// in GOPATH mode, as tests/e2e/routers.rs builds it.
fn dnsq_gopath() -> String {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    format!("{}:{GOPATH}", repo.join("examples/dnsq").display())
}

/// Debian's double `Syscall9` on MIPS: the failure names the cause and
/// the exact `-overlay` in one hint line; that line, pasted into bash,
/// builds dnsq, and so does the shipped overlay.json from its directory
/// (its replacement path is relative, read against the current directory
/// as the go command reads it). The binary runs under qemu.
#[test]
fn syscall9_redefinition_hints_at_the_shipped_overlay() {
    let d = tempfile::tempdir().unwrap();
    // The shipped file is still Debian's with the one line fixed.
    mips_overlay(d.path());
    let (_, err) = fails(run(bin()
        .current_dir(d.path())
        .env("GO111MODULE", "off")
        .env("GOPATH", dnsq_gopath())
        .args(["build", "--target", "mips-linux-gnu", "-j", "2", "dnsq"])));
    let hints: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("gccgo-build: hint: "))
        .collect();
    assert_eq!(hints.len(), 1, "one hint line: {err}");
    assert!(
        err.contains("redefinition of") && hints[0].contains("declares Syscall9"),
        "{err}"
    );
    let flag = &hints[0][hints[0].find("-overlay <(").expect("the exact flag")..];
    let fixed = mips_overlay_dir().join("syscall_linux_mipsx.go");
    assert!(flag.contains(&*fixed.to_string_lossy()), "{flag}");
    // The hint's flag, as a user pastes it into bash.
    let exe = d.path().join("dnsq");
    let script = format!(
        "\"$GB\" build --target mips-linux-gnu -j 2 -o {} {flag} dnsq",
        exe.display()
    );
    ok(run(Command::new("bash")
        .args(["-c", &script])
        .current_dir(d.path())
        .env("GB", env!("CARGO_BIN_EXE_gccgo-build"))
        .env("XDG_CACHE_HOME", cache_home())
        .env("GO111MODULE", "off")
        .env("GOPATH", dnsq_gopath())));
    let (out, _) = ok(run_target(Some("mips-linux-gnu"), &exe, &[]));
    assert!(out.contains("rcode=NOERROR"), "{out}");
    // The shipped overlay.json, from its own directory.
    let exe2 = d.path().join("dnsq2");
    ok(run(bin()
        .current_dir(mips_overlay_dir())
        .env("GO111MODULE", "off")
        .env("GOPATH", dnsq_gopath())
        .args(["build", "--target", "mips-linux-gnu", "-j", "2"])
        .args(["-overlay", "overlay.json", "-o"])
        .arg(&exe2)
        .arg("dnsq")));
    assert_eq!(ok(run_target(Some("mips-linux-gnu"), &exe2, &[])).0, out);
}

/// `graph` of examples/minion after a build: Graphviz's `dot` reads the
/// DOT into an SVG that names every package (and with `--std` the
/// standard-library ones), and the JSON carries each package's compile
/// time and object size from the cache.
#[test]
fn graph_is_drawn_by_dot_and_carries_the_cache_numbers() {
    let cache = tempfile::tempdir().unwrap();
    let gb = |args: &[&str]| {
        ok(run(bin()
            .current_dir(minion_dir())
            .env("XDG_CACHE_HOME", cache.path())
            .args(args)))
        .0
    };
    let out = tempfile::tempdir().unwrap();
    let exe = out.path().join("minion");
    gb(&["build", "-o", &exe.to_string_lossy(), "./cmd/minion"]);
    // The packages of source and every package they import directly
    // (std ones included), from `list`.
    let (deps, _) = ok(run(bin().current_dir(minion_dir()).args([
        "list",
        "-deps",
        "-f",
        "{{.ImportPath}} {{join .Imports \" \"}}",
        "./cmd/minion",
    ])));
    let mut listed: Vec<&str> = deps
        .lines()
        .filter(|l| l.starts_with("example.com/"))
        .flat_map(|l| l.split_whitespace())
        .collect();
    listed.sort();
    listed.dedup();
    let listed = listed.join("\n");
    let dot_text = gb(&["graph", "--std", "-format", "dot", "./cmd/minion"]);
    let svg_path = out.path().join("minion.svg");
    std::fs::write(out.path().join("minion.dot"), &dot_text).unwrap();
    let o = run(Command::new("dot")
        .args(["-Tsvg", "-o"])
        .arg(&svg_path)
        .arg(out.path().join("minion.dot")));
    let (_, err) = ok(o);
    assert!(err.is_empty(), "dot warns: {err}\n{dot_text}");
    let svg = std::fs::read_to_string(&svg_path).unwrap();
    assert!(svg.contains("<svg"), "{svg}");
    for p in listed.lines() {
        assert!(
            svg.contains(&format!(">{p}</text>")),
            "{p} in the SVG:\n{svg}"
        );
    }
    assert!(
        listed.lines().any(|l| l == "fmt"),
        "std is listed: {listed}"
    );
    let j: serde_json::Value =
        serde_json::from_str(&gb(&["graph", "--format", "json", "./cmd/minion"])).unwrap();
    let nodes = j["nodes"].as_array().unwrap();
    let ours: Vec<&str> = listed
        .lines()
        .filter(|l| l.starts_with("example.com/"))
        .collect();
    assert_eq!(nodes.len(), ours.len(), "no std without --std: {j}");
    for n in nodes {
        let c = &n["compile"];
        assert!(c["wall_ms"].as_u64().is_some(), "{n}");
        assert!(c["object_bytes"].as_u64().unwrap() > 1000, "{n}");
        assert_eq!(c["current"], true, "{n}");
    }
    let edges = j["edges"].as_array().unwrap();
    assert!(
        edges
            .iter()
            .any(|e| e["from"] == "example.com/minion/cmd/minion"
                && e["to"] == "example.com/minion/internal/wire"),
        "{j}"
    );
}

/// `completion bash` is a script bash sources and registers; the man page
/// is roff that names the subcommands.
#[test]
fn completion_is_sourced_by_bash_and_man_renders() {
    let script = "source <(\"$GB\" completion bash) && complete -p gccgo-build";
    let (out, _) = ok(run(Command::new("bash")
        .args(["-c", script])
        .env("GB", env!("CARGO_BIN_EXE_gccgo-build"))));
    assert!(out.contains("gccgo-build"), "{out}");
    let (man, _) = ok(run(bin().args(["man"])));
    assert!(
        man.contains(".TH gccgo-build 1") && man.contains("graph"),
        "{man}"
    );
    let (man, _) = ok(run(bin().args(["man", "build"])));
    assert!(man.contains(".TH gccgo-build-build 1"), "{man}");
}
