//! Fault injection: a compiler that crashes, hangs or writes garbage. The
//! fake `gccgo` here answers the driver's probes with the real gccgo and
//! misbehaves only when asked to compile (`-c`): the only place a fake
//! compiler is allowed. Each case must fail clearly, leave no output and
//! cache nothing.

use std::path::Path;

use crate::common::*;

fn module(dir: &Path) {
    write_tree(
        dir,
        &[
            ("go.mod", "module example.com/f\n\ngo 1.18\n"),
            (
                "main.go",
                "package main\n\nimport \"example.com/f/lib\"\n\nfunc main() { lib.F() }\n",
            ),
            ("lib/lib.go", "package lib\n\nfunc F() {}\n"),
        ],
    );
}

fn build(dir: &Path, path: &str, extra: &[&str]) -> (String, bool) {
    let o = run(bin()
        .current_dir(dir)
        .env("PATH", path)
        .env("GCCGO_BUILD_CACHE", dir.join("cache"))
        .args(["build", "-o", "out"])
        .args(extra)
        .arg("."));
    (
        String::from_utf8_lossy(&o.stderr).into_owned(),
        o.status.success(),
    )
}

fn cached_entries(dir: &Path) -> usize {
    walkdir::WalkDir::new(dir.join("cache"))
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name() == "meta.json")
        .count()
}

#[test]
fn compiler_crash_is_a_failed_job_with_its_signal() {
    let d = tempfile::tempdir().unwrap();
    module(d.path());
    let path = gccgo_wrapper(
        &d.path().join("fakebin"),
        "  echo 'internal compiler error: Segmentation fault' >&2\n  kill -SEGV $$",
    );
    let (err, ok) = build(d.path(), &path, &[]);
    assert!(!ok);
    assert!(
        err.contains("internal compiler error: Segmentation fault"),
        "{err}"
    );
    assert!(err.contains("killed by signal 11"), "{err}");
    assert!(!d.path().join("out").exists());
    assert_eq!(cached_entries(d.path()), 0);
}

#[test]
fn hung_compiler_is_killed_after_the_timeout() {
    let d = tempfile::tempdir().unwrap();
    module(d.path());
    let path = gccgo_wrapper(&d.path().join("fakebin"), "  exec sleep 600");
    let start = std::time::Instant::now();
    let (err, ok) = build(d.path(), &path, &["--timeout", "2"]);
    assert!(!ok);
    assert!(start.elapsed().as_secs() < 60, "not killed");
    assert!(
        err.contains("still running after 2 s, so it was killed"),
        "{err}"
    );
    assert!(!d.path().join("out").exists());
    assert_eq!(cached_entries(d.path()), 0);
}

#[test]
fn garbage_object_is_caught_by_objcopy_and_not_cached() {
    let d = tempfile::tempdir().unwrap();
    module(d.path());
    // Write garbage where -o points, exit 0.
    let path = gccgo_wrapper(
        &d.path().join("fakebin"),
        "  out=''; prev=''\n  for a in \"$@\"; do [ \"$prev\" = -o ] && out=$a; prev=$a; done\n  echo 'this is not an object file' > \"$out\"\n  exit 0",
    );
    let (err, ok) = build(d.path(), &path, &[]);
    assert!(!ok, "{err}");
    assert!(err.contains("objcopy"), "{err}");
    assert!(
        err.contains("file format not recognized") || err.contains("not recognized"),
        "{err}"
    );
    assert!(!d.path().join("out").exists());
    assert_eq!(cached_entries(d.path()), 0);
    // With the real compiler back, the same cache builds a working program.
    let (err, ok) = build(d.path(), &std::env::var("PATH").unwrap_or_default(), &[]);
    assert!(ok, "{err}");
    let o = run_target(None, &d.path().join("out"), &[]);
    assert!(o.status.success());
}
