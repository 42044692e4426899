//! The build cache with the real gccgo: no-op rebuilds run no compiler,
//! early cutoff on export data, corrupted entries, concurrent builds,
//! failures that must not be cached.

mod common;

use std::path::{Path, PathBuf};

use common::*;

/// A private copy of examples/minion and a private cache.
struct Proj {
    dir: tempfile::TempDir,
    cache: tempfile::TempDir,
}

impl Proj {
    fn new() -> Proj {
        let dir = tempfile::tempdir().unwrap();
        copy_tree(&minion_dir(), dir.path());
        Proj {
            dir,
            cache: tempfile::tempdir().unwrap(),
        }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn out(&self) -> PathBuf {
        self.root().join("minion")
    }

    /// Builds with -x --explain; returns (success, stderr).
    fn build(&self) -> (bool, String) {
        let o = run(bin()
            .current_dir(self.root())
            .env("GCCGO_BUILD_CACHE", self.cache.path())
            .args([
                "build",
                "-x",
                "--explain",
                "-j",
                "2",
                "-o",
                "minion",
                "./cmd/minion",
            ]));
        (
            o.status.success(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    }

    fn edit(&self, rel: &str, from: &str, to: &str) {
        let p = self.root().join(rel);
        let s = std::fs::read_to_string(&p).unwrap();
        assert!(s.contains(from), "{rel} has no {from:?}");
        std::fs::write(&p, s.replacen(from, to, 1)).unwrap();
    }

    fn append(&self, rel: &str, text: &str) {
        let p = self.root().join(rel);
        let mut s = std::fs::read_to_string(&p).unwrap();
        s.push_str(text);
        std::fs::write(&p, s).unwrap();
    }

    fn selftest_ok(&self) {
        let (out, _) = ok(run_target(None, &self.out(), &["-selftest"]));
        assert_eq!(out, minion_expected());
    }
}

fn copy_tree(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// Import paths compiled in an -x log (the `-fgo-pkgpath=` of each `-c`), plus `main`.
fn compiled(log: &str) -> Vec<String> {
    let mut v: Vec<String> = log
        .lines()
        .filter(|l| l.contains("gccgo -c") || l.contains("gccgo-12 -c"))
        .map(|l| {
            l.split_whitespace()
                .find_map(|w| w.strip_prefix("-fgo-pkgpath="))
                .unwrap_or("main")
                .to_string()
        })
        .collect();
    v.sort();
    v
}

fn links(log: &str) -> usize {
    log.lines().filter(|l| l.contains(" -static-libgo")).count()
}

#[test]
fn second_build_runs_no_compiler() {
    let p = Proj::new();
    let (ok1, log1) = p.build();
    assert!(ok1, "{log1}");
    assert_eq!(compiled(&log1).len(), 5, "{log1}");
    let (ok2, log2) = p.build();
    assert!(ok2, "{log2}");
    assert!(
        compiled(&log2).is_empty(),
        "no-op rebuild compiled:\n{log2}"
    );
    assert_eq!(links(&log2), 0, "no-op rebuild linked:\n{log2}");
    p.selftest_ok();
    // The output removed: restored from the cache, still without compiling.
    std::fs::remove_file(p.out()).unwrap();
    let (ok3, log3) = p.build();
    assert!(ok3, "{log3}");
    assert!(compiled(&log3).is_empty() && links(&log3) == 0, "{log3}");
    p.selftest_ok();
}

#[test]
fn body_only_edit_recompiles_one_package_and_links() {
    let p = Proj::new();
    assert!(p.build().0);
    // Change the body of a function that is not inlinable, adding no
    // declaration: gccgo's export data carries inlinable bodies with their
    // line numbers and numbers result variables package-wide, so adding a
    // function (or moving an inlinable one) does change it.
    p.edit(
        "internal/wire/name.go",
        "func readName(b []byte, off int) (string, int, error) {\n",
        "func readName(b []byte, off int) (string, int, error) {\n\tif off < 0 {\n\t\treturn \"\", 0, ErrCompressed\n\t}\n",
    );
    let (ok, log) = p.build();
    assert!(ok, "{log}");
    assert_eq!(
        compiled(&log),
        ["example.com/minion/internal/wire"],
        "{log}"
    );
    assert_eq!(links(&log), 1, "{log}");
    assert!(
        log.contains("example.com/minion/internal/wire: source changed: wire/name.go"),
        "{log}"
    );
    p.selftest_ok();
}

#[test]
fn exported_api_edit_recompiles_the_importers() {
    let p = Proj::new();
    assert!(p.build().0);
    p.append(
        "internal/wire/header.go",
        "\n// AddedByTest is new exported API.\nconst AddedByTest = 7\n",
    );
    let (ok, log) = p.build();
    assert!(ok, "{log}");
    // wire and exactly its importers: rpc, probe and cmd/minion (`main`);
    // version, which does not import wire, comes from the cache.
    assert_eq!(
        compiled(&log),
        [
            "example.com/minion/internal/probe",
            "example.com/minion/internal/rpc",
            "example.com/minion/internal/wire",
            "main"
        ],
        "{log}"
    );
    assert!(log.contains("example.com/minion/internal/rpc: export data of example.com/minion/internal/wire changed"), "{log}");
    p.selftest_ok();
}

#[test]
fn corrupted_cache_entry_is_detected_and_rebuilt() {
    let p = Proj::new();
    assert!(p.build().0);
    // Corrupt every stored object of internal/wire (entries whose meta names it).
    let mut corrupted = 0;
    for e in walkdir::WalkDir::new(p.cache.path()) {
        let e = e.unwrap();
        if e.file_name() == "meta.json" {
            let meta = std::fs::read_to_string(e.path()).unwrap();
            if meta.contains("\"label\": \"example.com/minion/internal/wire\"") {
                let obj = e.path().parent().unwrap().join("object");
                let mut data = std::fs::read(&obj).unwrap();
                let mid = data.len() / 2;
                for b in &mut data[mid..mid + 64] {
                    *b ^= 0xff;
                }
                std::fs::write(&obj, data).unwrap();
                corrupted += 1;
            }
        }
    }
    assert_eq!(corrupted, 1);
    // Force a link, so the corrupted object would be needed.
    p.append("cmd/minion/main.go", "\nvar addedByTest = 1\n");
    let (ok, log) = p.build();
    assert!(ok, "{log}");
    assert!(
        log.contains("internal/wire: cache entry was corrupted; rebuilt it"),
        "{log}"
    );
    p.selftest_ok();
    // And the rebuilt entry is good again: the next build uses it.
    let (ok, log) = p.build();
    assert!(ok && compiled(&log).is_empty(), "{log}");
}

#[test]
fn two_concurrent_builds_on_one_cache_both_work() {
    let p = Proj::new();
    let outs = [p.root().join("a"), p.root().join("b")];
    let children: Vec<_> = outs
        .iter()
        .map(|o| {
            bin()
                .current_dir(p.root())
                .env("GCCGO_BUILD_CACHE", p.cache.path())
                .args(["build", "-j", "1", "-o"])
                .arg(o)
                .arg("./cmd/minion")
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    for o in &outs {
        let (out, _) = ok(run_target(None, o, &["-selftest"]));
        assert_eq!(out, minion_expected());
    }
}

#[test]
fn failing_package_leaves_no_cache_entry() {
    let p = Proj::new();
    p.append("internal/rpc/rpc.go", "\nfunc broken() { return 1 }\n");
    let (ok1, log) = p.build();
    assert!(!ok1, "{log}");
    let labels: Vec<String> = walkdir::WalkDir::new(p.cache.path())
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name() == "meta.json")
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect();
    assert!(
        !labels.iter().any(|m| m.contains("internal/rpc\"")),
        "failed package cached"
    );
    assert!(!p.out().exists());
    // Fixed, it builds; the packages that had compiled come from the cache.
    p.edit("internal/rpc/rpc.go", "func broken() { return 1 }\n", "");
    let (ok2, log2) = p.build();
    assert!(ok2, "{log2}");
    assert!(
        compiled(&log2).contains(&"example.com/minion/internal/rpc".to_string()),
        "{log2}"
    );
    assert!(
        !compiled(&log2).contains(&"example.com/minion/internal/wire".to_string()),
        "{log2}"
    );
    p.selftest_ok();
}
