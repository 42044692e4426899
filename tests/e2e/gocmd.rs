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
