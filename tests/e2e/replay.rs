//! Replaying a build: `build --record` and `verify` (the bytes are
//! re-proved, or the first differing action is named), and `--emit ninja`
//! (Debian's ninja builds the same binary; an edit that leaves export data
//! as it was rebuilds one package and the link).

use std::path::Path;
use std::process::Command;

use crate::common::*;

/// A private copy of examples/minion.
fn minion_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let dst = tmp.path().join("minion");
    for e in walkdir::WalkDir::new(minion_dir()) {
        let e = e.unwrap();
        let to = dst.join(e.path().strip_prefix(minion_dir()).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(e.path(), &to).unwrap();
        }
    }
    tmp
}

fn edit(file: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains(from), "{} holds {from:?}", file.display());
    std::fs::write(file, text.replacen(from, to, 1)).unwrap();
}

const BODY: (&str, &str) = (
    "make([]Result, 0, len(probes))",
    "make([]Result, 0, len(probes)+1)",
);

#[test]
fn verify_reproves_a_record_and_names_an_edited_file() {
    let tmp = minion_copy();
    let dir = tmp.path().join("minion");
    ok(run(bin().current_dir(&dir).args([
        "build",
        "--record",
        "r.json",
        "-o",
        "m",
        "./cmd/minion",
    ])));
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("r.json")).unwrap()).unwrap();
    let files: Vec<&str> = r["toolchain"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["what"].as_str().unwrap())
        .collect();
    for want in ["gccgo", "go1", "objcopy"] {
        assert!(files.contains(&want), "{want} is hashed: {files:?}");
    }
    assert!(r["actions"].as_array().unwrap().iter().all(|a| {
        a["outputs"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["sha256"].as_str().unwrap().len() == 64)
    }));
    assert_eq!(r["installed"][0]["sha256"].as_str().unwrap().len(), 64);
    let kept = walkdir::WalkDir::new(cache_home())
        .into_iter()
        .filter_map(|e| e.ok())
        .any(|e| e.path().to_string_lossy().contains("/records/"));
    assert!(kept, "the record is kept in the cache too");

    let (out, _) = ok(run(bin().current_dir(&dir).args(["verify", "r.json"])));
    assert!(out.starts_with("identical:"), "{out}");

    edit(&dir.join("internal/probe/probe.go"), BODY.0, BODY.1);
    let o = run(bin().current_dir(&dir).args(["verify", "r.json"]));
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o).0;
    assert!(
        out.contains("first differing action: example.com/minion/internal/probe"),
        "{out}"
    );
    assert!(out.contains("internal/probe/probe.go changed"), "{out}");
}

#[test]
fn ninja_builds_the_same_binary_and_restat_keeps_an_edit_local() {
    if Command::new("ninja").arg("--version").output().is_err() {
        eprintln!(
            "SKIPPED: the Ninja replay: ninja is not installed (package ninja-build; scripts/deps installs it)"
        );
        return;
    }
    let tmp = minion_copy();
    let dir = tmp.path().join("minion");
    ok(run(bin().current_dir(&dir).args([
        "build",
        "--cache",
        "off",
        "-o",
        "ours",
        "./cmd/minion",
    ])));
    let nd = tmp.path().join("ninja");
    ok(run(bin()
        .current_dir(&dir)
        .arg("build")
        .args(["--emit", "ninja"])
        .arg(nd.join("build.ninja"))
        .arg("-o")
        .arg(nd.join("minion"))
        .arg("./cmd/minion")));
    assert!(!nd.join("minion").exists(), "emitting builds nothing");
    let (first, _) = ok(run(Command::new("ninja").arg("-C").arg(&nd)));
    assert!(first.contains("link"), "{first}");
    let (a, b) = (
        std::fs::read(dir.join("ours")).unwrap(),
        std::fs::read(nd.join("minion")).unwrap(),
    );
    assert!(a == b, "ninja's binary is byte-identical to gccgo-build's");
    let (noop, _) = ok(run(Command::new("ninja").arg("-C").arg(&nd)));
    assert!(noop.contains("no work to do"), "{noop}");

    // A body-only edit: that package recompiles, its .gox is unchanged, so
    // nothing that imports it does; the link runs.
    edit(&dir.join("internal/probe/probe.go"), BODY.0, BODY.1);
    let (again, _) = ok(run(Command::new("ninja").arg("-C").arg(&nd)));
    let ran: Vec<&str> = again.lines().filter(|l| l.starts_with('[')).collect();
    assert!(
        ran.iter()
            .any(|l| l.ends_with("example.com/minion/internal/probe")),
        "{again}"
    );
    assert!(ran.iter().any(|l| l.contains("link")), "{again}");
    assert_eq!(ran.len(), 2, "one package and the link: {again}");
    ok(run(Command::new(nd.join("minion")).arg("-selftest")));
}
