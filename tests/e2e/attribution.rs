//! `size`: where the bytes of real gccgo binaries go. examples/minion is
//! built for the host (and for mips-linux-gnu and with gccgo 11 when those
//! toolchains are installed) and its symbols are attributed to packages.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::*;

/// Builds examples/minion's command into `out_dir` with extra flags.
fn build_minion(out_dir: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let out = out_dir.join(name);
    ok(run(bin()
        .current_dir(minion_dir())
        .args(["build", "-o"])
        .arg(&out)
        .args(extra)
        .arg("./cmd/minion")));
    out
}

/// `size ARGS…` on `binary`, which must succeed; its stdout.
fn size(binary: &Path, args: &[&str]) -> String {
    ok(run(bin().arg("size").arg(binary).args(args))).0
}

/// `size --by package --json`, parsed.
fn size_json(binary: &Path) -> Value {
    let out = size(binary, &["--by", "package", "--json"]);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("size --json: {e}\n{out}"))
}

/// The group named `name` of a `size --json` answer.
fn group<'a>(a: &'a Value, name: &str) -> Option<&'a Value> {
    a["groups"]
        .as_array()?
        .iter()
        .find(|g| g["name"].as_str() == Some(name))
}

/// The invariants every answer keeps: groups and symbols sum to
/// `symbol_bytes` exactly, every symbol's group exists, the counts agree,
/// and minion's packages are the user's while runtime is the standard
/// library's.
fn check_minion(a: &Value, binary: &Path) {
    let sum = |v: &Value, k: &str| -> u64 {
        v.as_array()
            .expect("an array")
            .iter()
            .map(|x| x[k].as_u64().expect("a size"))
            .sum()
    };
    let total = a["symbol_bytes"].as_u64().expect("symbol_bytes");
    assert_eq!(sum(&a["groups"], "bytes"), total, "groups");
    assert_eq!(sum(&a["symbols"], "size"), total, "symbols");
    assert_eq!(
        sum(&a["groups"], "symbols"),
        a["symbols"].as_array().unwrap().len() as u64
    );
    assert_eq!(
        a["file_size"].as_u64(),
        Some(std::fs::metadata(binary).unwrap().len())
    );
    assert!(total > 1_000_000 && total < a["file_size"].as_u64().unwrap());
    for s in a["symbols"].as_array().unwrap() {
        let g = s["group"].as_str().unwrap();
        assert!(group(a, g).is_some(), "{s} names a missing group");
    }
    for pkg in [
        "main",
        "example.com/minion/internal/wire",
        "example.com/minion/internal/probe",
        "example.com/minion/internal/rpc",
    ] {
        let g = group(a, pkg).unwrap_or_else(|| panic!("no group {pkg}"));
        assert_eq!(g["kind"], "user", "{g}");
        assert!(g["bytes"].as_u64().unwrap() > 0);
    }
    for pkg in ["runtime", "fmt", "net", "libgo (C)"] {
        let g = group(a, pkg).unwrap_or_else(|| panic!("no group {pkg}"));
        assert_eq!(g["kind"], "std", "{g}");
    }
    // runtime is the largest Go package of any Go program.
    let largest = a["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| !g["name"].as_str().unwrap().ends_with("(C)") && g["kind"] != "other")
        .unwrap();
    assert_eq!(largest["name"], "runtime", "{largest}");
    // gccgo's names read back: a method of the user's code, demangled.
    let decode = a["symbols"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "example_0com_1minion_1internal_1wire.Question.String")
        .expect("wire.Question.String");
    assert_eq!(
        decode["go_name"],
        "example.com/minion/internal/wire.Question.String"
    );
    assert_eq!(decode["group"], "example.com/minion/internal/wire");
    assert_eq!(decode["section"], ".text");
}

#[test]
fn host_minion_bytes_go_to_its_packages() {
    let dir = tempfile::tempdir().unwrap();
    let m = build_minion(dir.path(), "minion", &[]);
    let a = size_json(&m);
    check_minion(&a, &m);
    assert_eq!(a["symbol_table"], "symtab");
    assert!(group(&a, "type descriptors").is_some());

    // The table: the largest first, the rest, the total; -top and the go-style -by.
    let t = size(&m, &["-top", "3"]);
    let lines: Vec<&str> = t.lines().collect();
    assert!(lines[0].contains("by package:"), "{t}");
    assert!(
        lines[1]
            .split_whitespace()
            .eq(["bytes", "size", "%", "kind", "package"])
    );
    assert!(lines[2].ends_with("std   runtime"), "{t}");
    assert!(lines[5].contains("more packages"), "{t}");
    assert!(
        lines[6].contains("100.0%") && lines[6].ends_with("total in symbols"),
        "{t}"
    );
    assert!(lines[7].starts_with("not in any symbol: ") && lines[7].contains(".debug_info"));
    let t = size(&m, &["-by", "symbol", "--top", "5"]);
    assert!(
        t.contains("by symbol:") && t.contains("unicode..import"),
        "{t}"
    );
    // Header, column names, 5 symbols, rest and total, outside symbols,
    // .bss, on flash.
    assert_eq!(t.lines().count(), 1 + 1 + 5 + 2 + 2 + 1, "{t}");

    // --svg: one rectangle with a tooltip per group, well formed.
    let svg = dir.path().join("minion.svg");
    let out = size(&m, &["--svg", svg.to_str().unwrap(), "--json"]);
    assert!(out.starts_with('{'));
    let text = std::fs::read_to_string(&svg).unwrap();
    check_svg(&text, &a);
}

/// A treemap of `a`: an `<svg>` element that closes, a `<rect>` with a
/// `<title>` for each group, and no external reference.
fn check_svg(text: &str, a: &Value) {
    assert!(text.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(text.trim_end().ends_with("</svg>"));
    assert_eq!(text.matches("<svg").count(), 1);
    let groups = a["groups"].as_array().unwrap();
    let tips = text.matches("</title></rect>").count();
    assert_eq!(tips, groups.len(), "one tooltip rect per group");
    assert!(text.matches("<rect").count() >= groups.len());
    for g in groups {
        let name = g["name"].as_str().unwrap().replace('&', "&amp;");
        assert!(
            text.contains(&format!("<title>{name} (")),
            "no tooltip for {name}"
        );
    }
    assert!(text.contains(">runtime<"), "the largest rect is labelled");
    assert!(!text.contains("href") && !text.contains("<script"));
    // Tags balance: every <rect …> with a title closes, the rest self-close.
    assert_eq!(
        text.matches("<text").count(),
        text.matches("</text>").count()
    );
}

#[test]
fn mips_minion_bytes_go_to_its_packages() {
    if !in_path("mips-linux-gnu-gccgo") {
        eprintln!("SKIPPED: mips-linux-gnu-gccgo is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let m = build_minion(dir.path(), "minion", &["--target", "mips-linux-gnu"]);
    check_minion(&size_json(&m), &m);
}

#[test]
fn gccgo_11_minion_bytes_go_to_its_packages() {
    if !in_path("gccgo-11") {
        eprintln!("SKIPPED: gccgo-11 is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let m = build_minion(dir.path(), "minion", &["--target", "gccgo-11"]);
    check_minion(&size_json(&m), &m);
}

#[test]
fn static_minion_puts_libc_apart_from_libgo() {
    let dir = tempfile::tempdir().unwrap();
    let m = build_minion(dir.path(), "minion", &["--link", "static"]);
    let a = size_json(&m);
    check_minion(&a, &m);
    let libc = group(&a, "libc (C)").expect("libc (C)");
    assert_eq!(libc["kind"], "c");
    assert!(libc["bytes"].as_u64().unwrap() > 300_000, "{libc}");
    let start = a["symbols"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "malloc")
        .expect("malloc");
    assert_eq!(start["group"], "libc (C)");
    assert_eq!(start["go_name"], Value::Null);
}

#[test]
fn stripped_binary_fails_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let m = build_minion(dir.path(), "small", &["--strip"]);
    let o = run(bin().current_dir(dir.path()).args(["size", "small"]));
    assert_eq!(o.status.code(), Some(1));
    let (out, err) = fails(o);
    assert_eq!(out, "");
    assert!(
        err.starts_with("gccgo-build: error: small: no symbol table: the binary was stripped"),
        "{err}"
    );
    assert!(err.contains("without --strip"), "{err}");
    assert_eq!(err.lines().count(), 1, "one paragraph: {err}");
    assert!(m.exists());
}

#[test]
fn not_an_elf_file_fails_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(dir.path(), &[("run.sh", "#!/bin/sh\necho hi\n")]);
    let o = run(bin().current_dir(dir.path()).args(["size", "run.sh"]));
    assert_eq!(o.status.code(), Some(1));
    let (_, err) = fails(o);
    assert!(
        err.contains("run.sh: not an ELF file (it starts with bytes 23 21 2f 62"),
        "{err}"
    );
    let o = run(bin().current_dir(dir.path()).args(["size", "nothing"]));
    let (_, err) = fails(o);
    assert!(
        err.contains("reading nothing: no such file or directory"),
        "{err}"
    );
    // A bad flag value is a usage error (2).
    let o = run(bin()
        .current_dir(dir.path())
        .args(["size", "--by", "color", "run.sh"]));
    assert_eq!(o.status.code(), Some(2));
}

/// Whether a command is found in PATH.
fn in_path(cmd: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(cmd).is_file()))
}
