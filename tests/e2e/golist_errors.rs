//! `list`'s `Error` and `DepsErrors` held against go 1.19's: the package
//! each error is on, its `ImportStack` and `Pos`, `Incomplete`, `Deps`,
//! `{{.Error}}` as go's `PackageError.Error` prints it, with `-e`, `-deps`,
//! `-json=FIELDS` and `-f`, and without `-e` (which names packages fail
//! and which errors go prints). One fixture, every kind of broken package
//! go's load tells apart: an import no module provides, an import cycle,
//! a header that does not parse, a bad `//go:build` line, build
//! constraints that exclude every file, a case-insensitive collision.

use std::path::Path;

use crate::common::*;

/// The main module `example.com/m` with one package per kind of error and
/// packages importing them.
fn broken_module(root: &Path) {
    write_tree_aged(
        root,
        &[
            ("go.mod", "module example.com/m\n\ngo 1.18\n"),
            // A named import: go's Pos is the spec's column (the `_`).
            (
                "missing/m.go",
                "package missing\n\nimport _ \"example.org/nope\"\n",
            ),
            (
                "cyc/a/a.go",
                "package a\n\nimport \"example.com/m/cyc/b\"\n",
            ),
            (
                "cyc/b/b.go",
                "package b\n\nimport \"example.com/m/cyc/a\"\n",
            ),
            (
                "usecyc/u.go",
                "package usecyc\n\nimport \"example.com/m/cyc/a\"\n",
            ),
            ("syn/s.go", "package syn\n\nimport \"fmt\n"),
            (
                "usesyn/u.go",
                "package usesyn\n\nimport _ \"example.com/m/syn\"\n",
            ),
            ("badc/b.go", "//go:build linux &&\n\npackage badc\n"),
            ("empty/e.go", "//go:build ignore\n\npackage empty\n"),
            (
                "useempty/u.go",
                "package useempty\n\nimport \"example.com/m/empty\"\n",
            ),
            ("coll/foo/a.go", "package foo\n"),
            ("coll/Foo/a.go", "package Foo\n"),
            (
                "usecoll/u.go",
                "package usecoll\n\nimport (\n\t\"example.com/m/coll/Foo\"\n\t\"example.com/m/coll/foo\"\n)\n",
            ),
            (
                "top/t.go",
                "package top\n\nimport (\n\t_ \"example.com/m/missing\"\n\t_ \"example.com/m/usesyn\"\n)\n",
            ),
        ],
    );
}

/// `write_tree`, each file then dated a minute back: go 1.19 reads a
/// directory through its module index (cmd/go/internal/modindex) only
/// when its files are older than 2 s, and the index drops `InvalidGoFiles`
/// for a bad `//go:build` line; aged files make go's answer the one users
/// see, whatever the machine's load.
fn write_tree_aged(root: &Path, files: &[(&str, &str)]) {
    write_tree(root, files);
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
    for (rel, _) in files {
        let f = std::fs::File::options()
            .write(true)
            .open(root.join(rel))
            .unwrap();
        f.set_modified(old).unwrap();
    }
}

/// The fields that carry the errors, in `-json=` form (`Stale` is left
/// out: go's depends on what its own cache holds).
const JSON_FIELDS: &str = "-json=ImportPath,Name,Incomplete,Match,DepOnly,Imports,Deps,Error,DepsErrors,GoFiles,InvalidGoFiles";

/// `{{.Error}}` and `{{.DepsErrors}}` as go prints them, with the stack
/// and position spelled out.
const ERRORS_TEMPLATE: &str = "-f={{.ImportPath}} {{.Incomplete}} {{.Error}}{{with .Error}} \
     stack={{.ImportStack}} pos={{.Pos}}{{end}} | {{.DepsErrors}} | {{.Deps}}";

#[test]
fn list_e_reports_each_broken_package_as_go_does() {
    let d = tempfile::tempdir().unwrap();
    broken_module(d.path());
    let vars = [("GOPROXY", "off")];
    for pkgs in [
        &["./missing"][..],
        &["./cyc/a"],
        &["./usecyc"],
        &["./syn"],
        &["./usesyn"],
        &["./badc"],
        &["./useempty"],
        &["./usecoll"],
        &["./top"],
        &["./usecyc", "./missing", "./cyc/b"],
    ] {
        for deps in [false, true] {
            let mut args = vec!["list", "-e", JSON_FIELDS];
            if deps {
                args.push("-deps");
            }
            args.extend_from_slice(pkgs);
            same_as_go(d.path(), &args, &vars);
        }
    }
    for deps in [false, true] {
        let mut args = vec!["list", "-e", ERRORS_TEMPLATE, "./..."];
        if deps {
            args.insert(2, "-deps");
        }
        let (out, _) = same_as_go(d.path(), &args, &vars);
        // The fixture exercises every kind (go's text, so the test cannot
        // pass on two empty listings).
        for kind in [
            "no required module provides package example.org/nope",
            "import cycle not allowed",
            "string literal not terminated",
            "parsing //go:build line",
            "build constraints exclude all Go files",
            "case-insensitive import collision",
        ] {
            assert!(out.contains(kind), "{kind} missing from:\n{out}");
        }
    }
}

#[test]
fn list_without_e_fails_on_named_packages_errors_as_go_does() {
    let d = tempfile::tempdir().unwrap();
    broken_module(d.path());
    let vars = [("GOPROXY", "off")];
    for args in [
        &["list", "./missing"][..],
        &["list", "./syn"],
        &["list", "./badc"],
        &["list", "./empty"],
        &["list", "./usecyc"],
        &["list", "./cyc/a"],
        &["list", "./usesyn", "./syn"],
        &["list", "-deps", "./usesyn"],
        &["list", "-deps", "./top"],
        &["list", "./..."],
    ] {
        same_as_go(d.path(), args, &vars);
    }
}
