//! Reproducible builds: the same sources built in two checkouts (different
//! absolute paths, HOME, TMPDIR), with `-trimpath` and a fixed
//! SOURCE_DATE_EPOCH, give byte-identical objects, export data and
//! executables, on the host and for mips.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::common::*;

/// Copies the directory tree `from` into `to`.
fn copy_tree(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let dest = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else if e.file_type().is_file() {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// sha256 (as `sha256sum` prints it) of every regular file under `root`, by relative path.
fn digests(root: &Path) -> BTreeMap<PathBuf, String> {
    let mut m = BTreeMap::new();
    for e in walkdir::WalkDir::new(root) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let o = ok(run(std::process::Command::new("sha256sum").arg(e.path()))).0;
            let rel = e.path().strip_prefix(root).unwrap().to_path_buf();
            m.insert(rel, o.split_whitespace().next().unwrap().to_string());
        }
    }
    m
}

/// A program: its source tree, where it goes in a checkout, the directory
/// the build runs in (inside it), the package argument, and GOPATH mode.
struct Case<'a> {
    src: &'a Path,
    rel: &'a str,
    dir_in: &'a str,
    pkg: &'a str,
    gopath: bool,
}

/// Builds `pkg` in checkout `n` of `src` (copied to `root/n/<rel>`), with
/// its own HOME and TMPDIR and the work directory kept; returns the digests
/// of the work directory's files and of the executable.
fn build_in(
    root: &Path,
    n: &str,
    c: &Case,
    target: Option<&str>,
) -> (BTreeMap<PathBuf, String>, String) {
    let Case {
        src,
        rel,
        dir_in,
        pkg,
        gopath,
    } = *c;
    let top = root.join(n);
    let tree = top.join(rel);
    copy_tree(src, &tree);
    let (home, tmp) = (top.join("home"), top.join("tmp"));
    std::fs::create_dir_all(&home).unwrap();
    std::fs::create_dir_all(&tmp).unwrap();
    let exe = top.join("out");
    let mut c = bin();
    c.current_dir(tree.join(dir_in))
        .env("HOME", &home)
        .env("TMPDIR", &tmp)
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .args(["build", "-trimpath", "--cache", "off", "--work", "-o"])
        .arg(&exe);
    if gopath {
        c.env("GOPATH", top.join("gopath"))
            .env("GO111MODULE", "off");
    }
    if let Some(t) = target {
        c.args(["--target", t]);
    }
    let (_, err) = ok(run(c.arg(pkg)));
    let work = err
        .lines()
        .find_map(|l| l.strip_prefix("WORK="))
        .expect("--work names the work directory");
    let d = digests(Path::new(work));
    let _ = std::fs::remove_dir_all(work);
    let exe_sum = digests(&top).remove(Path::new("out")).unwrap();
    (d, exe_sum)
}

fn same_bytes_in_two_checkouts(c: &Case, target: Option<&str>) {
    let root = tempfile::tempdir().unwrap();
    let a = build_in(root.path(), "first-checkout", c, target);
    let b = build_in(root.path(), "elsewhere/second", c, target);
    assert!(
        a.0.keys()
            .any(|k| k.extension().is_some_and(|e| e == "gox")),
        "export data is compared"
    );
    assert!(
        a.0.keys().any(|k| k.extension().is_some_and(|e| e == "o")),
        "objects are compared"
    );
    for (f, sum) in &a.0 {
        assert_eq!(
            Some(sum),
            b.0.get(f),
            "{} differs between the checkouts ({target:?})",
            f.display()
        );
    }
    assert_eq!(a.0.len(), b.0.len());
    assert_eq!(a.1, b.1, "the executables differ ({target:?})");
}

#[test]
fn minion_is_byte_identical_from_two_checkouts_host_and_mips() {
    for target in [None, Some("mips-linux-gnu")] {
        let m = minion_dir();
        same_bytes_in_two_checkouts(
            &Case {
                src: &m,
                rel: "minion",
                dir_in: ".",
                pkg: "./cmd/minion",
                gopath: false,
            },
            target,
        );
    }
}

#[test]
fn xxhsum_is_byte_identical_from_two_gopaths_host_and_mips() {
    let src = Path::new("/usr/share/gocode/src/github.com/cespare/xxhash");
    if !src.is_dir() {
        eprintln!(
            "SKIPPED: xxhsum reproducibility: golang-github-cespare-xxhash-dev is not installed"
        );
        return;
    }
    for target in [None, Some("mips-linux-gnu")] {
        same_bytes_in_two_checkouts(
            &Case {
                src,
                rel: "gopath/src/github.com/cespare/xxhash",
                dir_in: "xxhsum",
                pkg: ".",
                gopath: true,
            },
            target,
        );
    }
}
