//! Per-package compile flags (`--gccgoflags PATTERN=FLAGS`) and
//! `gccgo-build bisect`, with the miscompile that made them: gccgo 12 at
//! `-O2` on 32-bit MIPS unpacks miekg/dns's EDNS0 OPT record into a wrong
//! RCODE (examples/ednsrcode).

use crate::common::*;

/// The `-x` line of the Go compile of package `pkg` (`-o $WORK/<pkg>.o`).
fn compile_line<'a>(log: &'a str, pkg: &str) -> &'a str {
    let obj = format!("-o \"$WORK\"/{pkg}.o ");
    log.lines()
        .find(|l| l.contains(" -c ") && l.contains(&obj))
        .unwrap_or_else(|| panic!("no compile of {pkg} in:\n{log}"))
}

#[test]
fn gccgoflags_pattern_gives_one_package_its_own_flags() {
    let out = tempfile::tempdir().unwrap();
    let (_, log) = ok(run(bin()
        .current_dir(minion_dir())
        .args([
            "build",
            "-x",
            "--cache",
            "off",
            "-gccgoflags",
            "example.com/minion/internal/wire=-O0 -g",
            "-o",
        ])
        .arg(out.path().join("minion"))
        .arg("./cmd/minion")));
    let wire = compile_line(&log, "example.com/minion/internal/wire");
    assert!(wire.contains(" -c -O0 -g "), "{wire}");
    for other in [
        "example.com/minion/internal/probe",
        "example.com/minion/cmd/minion",
    ] {
        let l = compile_line(&log, other);
        assert!(l.contains(" -c -O2 -g ") && !l.contains("-O0"), "{l}");
    }
    // The later value wins for a package; a bare value applies to all.
    let (log, _) = ok(run(bin().current_dir(minion_dir()).args([
        "build",
        "-n",
        "--gccgoflags=-Os",
        "--gccgoflags",
        "./internal/...=-O1",
        "--gccgoflags",
        "example.com/minion/internal/wire=-O0",
        "./cmd/minion",
    ])));
    assert!(compile_line(&log, "example.com/minion/internal/wire").contains(" -c -O0 "));
    assert!(compile_line(&log, "example.com/minion/internal/probe").contains(" -c -O1 "));
    assert!(compile_line(&log, "example.com/minion/cmd/minion").contains(" -c -Os "));
    let (_, err) = fails(run(bin().current_dir(minion_dir()).args([
        "build",
        "-n",
        "--gccgoflags",
        "example.com/minion",
        "./cmd/minion",
    ])));
    assert!(err.contains("missing =FLAGS"), "{err}");
}
