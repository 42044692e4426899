//! Under GNU make with a jobserver, gccgo-build takes its job slots from
//! make, so `make -j2` running two builds never runs more than two
//! compiles at once, whatever `-j` each build was given.

use crate::common::*;

#[test]
fn make_jobserver_bounds_concurrent_compiles() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // The real gccgo behind a wrapper that records how many compiles run at once.
    let path = gccgo_wrapper(
        &root.join("bin"),
        "  touch \"$COUNT_DIR/$$\"\n  ls \"$COUNT_DIR\" | wc -l >> \"$COUNT_LOG\"\n  \"$real\" \"$@\"; rc=$?\n  rm -f \"$COUNT_DIR/$$\"\n  exit $rc",
    );
    let count_dir = root.join("running");
    std::fs::create_dir_all(&count_dir).unwrap();
    let log = root.join("concurrency.log");
    let exe = env!("CARGO_BIN_EXE_gccgo-build");
    let minion = minion_dir();
    // `-linker bfd`: the auto linker's probe compiles a program of its own
    // (once per fresh cache), which the count below is not about.
    let makefile = format!(
        "all: a b\n\na:\n\t+{exe} build -C {m} -j 8 -linker bfd --cache {root}/cache-a -o {root}/a ./cmd/minion\n\nb:\n\t+{exe} build -C {m} -j 8 -linker bfd --cache {root}/cache-b -o {root}/b ./cmd/minion\n",
        m = minion.display(),
        root = root.display()
    );
    std::fs::write(root.join("Makefile"), makefile).unwrap();
    let o = run(std::process::Command::new("make")
        .current_dir(root)
        .args(["-j2", "--no-print-directory"])
        .env("PATH", &path)
        .env("COUNT_DIR", &count_dir)
        .env("COUNT_LOG", &log)
        .env_remove("MAKEFLAGS")
        .env_remove("MFLAGS"));
    ok(o);
    let counts: Vec<usize> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .filter_map(|l| l.trim().parse().ok())
        .collect();
    assert_eq!(counts.len(), 10, "five compiles per build: {counts:?}");
    let max = counts.iter().copied().max().unwrap_or(0);
    assert!(
        max <= 2,
        "make -j2 allows two jobs, but {max} compiles ran at once: {counts:?}"
    );
    for exe in ["a", "b"] {
        let (out, _) = ok(run_target(None, &root.join(exe), &["-selftest"]));
        assert_eq!(out, minion_expected());
    }
}
