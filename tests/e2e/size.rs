//! Binaries that fit the device: `--size` and `--strip` with the target's
//! binutils, checked with the real mips toolchain and qemu-user; `--max-size`.

use std::path::{Path, PathBuf};

use crate::common::*;
use object::{Object, ObjectSection};

const PANICS: &str = "package main\n\nimport \"os\"\n\nfunc f(n int) int {\n\tif n > len(os.Args)+2 {\n\t\tpanic(\"boom at depth 4\")\n\t}\n\treturn f(n+1) + 1\n}\n\nfunc main() {\n\tif len(os.Args) > 1 {\n\t\tprintln(f(0))\n\t}\n\tprintln(\"hello from a small binary\")\n}\n";

fn module() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_tree(
        dir.path(),
        &[
            ("go.mod", "module example.com/small\n\ngo 1.18\n"),
            ("main.go", PANICS),
        ],
    );
    dir
}

fn build(dir: &Path, name: &str, extra: &[&str]) -> (PathBuf, String) {
    let out = dir.join(name);
    let o = run(bin()
        .current_dir(dir)
        .args(["build", "--target", "mips-linux-gnu", "-o", name])
        .args(extra)
        .arg("."));
    let (_, err) = ok(o);
    (out, err)
}

fn sections(p: &Path) -> Vec<String> {
    let data = std::fs::read(p).unwrap();
    let elf = object::File::parse(&*data).unwrap();
    elf.sections()
        .filter_map(|s| s.name().ok().map(String::from))
        .collect()
}

#[test]
fn size_build_is_smaller_stripped_runs_and_still_panics_usefully() {
    let m = module();
    let (plain, _) = build(m.path(), "plain", &[]);
    let (small, log) = build(m.path(), "small", &["--size", "-v"]);
    let (ps, ss) = (
        std::fs::metadata(&plain).unwrap().len(),
        std::fs::metadata(&small).unwrap().len(),
    );
    assert!(ss * 2 < ps, "--size gave {ss} bytes against {ps}");
    // The size line, and with -v the largest sections.
    assert!(log.contains("small: ") && log.contains(" MB ("), "{log}");
    assert!(log.contains(".text"), "{log}");
    let secs = sections(&small);
    assert!(!secs.iter().any(|s| s == ".go_export"), "{secs:?}");
    assert!(
        !secs
            .iter()
            .any(|s| s == ".symtab" || s.starts_with(".debug_")),
        "{secs:?}"
    );
    assert!(sections(&plain).iter().any(|s| s == ".go_export"));
    let (out, _) = ok(run_target(Some("mips-linux-gnu"), &small, &[]));
    assert_eq!(out, "");
    let o = run_target(Some("mips-linux-gnu"), &small, &[]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("hello from a small binary"));
    // A panic in the stripped binary still names the panic and the functions
    // (gccgo's runtime reads names without debug info; file:line are lost).
    let o = run_target(Some("mips-linux-gnu"), &small, &["x"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("panic: boom at depth 4"), "{err}");
    assert!(err.contains("main.f"), "{err}");
    // The unstripped one keeps file:line.
    let o = run_target(Some("mips-linux-gnu"), &plain, &["x"]);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("main.go:7"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn strip_alone_keeps_optimisation_and_removes_export_data() {
    let m = module();
    let (stripped, _) = build(m.path(), "stripped", &["--strip", "-x"]);
    let secs = sections(&stripped);
    assert!(
        !secs.iter().any(|s| s == ".go_export" || s == ".symtab"),
        "{secs:?}"
    );
    let o = run_target(Some("mips-linux-gnu"), &stripped, &[]);
    assert!(o.status.success());
}

#[test]
fn max_size_fails_and_leaves_no_file() {
    let m = module();
    let o = run(bin().current_dir(m.path()).args([
        "build",
        "--target",
        "mips-linux-gnu",
        "--max-size",
        "1M",
        "-o",
        "big",
        ".",
    ]));
    let (_, err) = fails(o);
    assert!(
        err.contains("larger than --max-size 1.00 MB (1000000 bytes)"),
        "{err}"
    );
    assert!(!m.path().join("big").exists());
    // A limit it fits is fine.
    let o = run(bin().current_dir(m.path()).args([
        "build",
        "--target",
        "mips-linux-gnu",
        "--size",
        "-max-size=10.6M",
        "-o",
        "fits",
        ".",
    ]));
    ok(o);
    assert!(m.path().join("fits").exists());
}

#[test]
fn soft_float_flags_with_a_hard_float_libgo_fail_the_link() {
    // Debian's mips libgo and crt files are hard-float: -msoft-float links
    // with only a linker warning, and the program then computes garbage with
    // floats. gccgo-build turns that warning into a failed build.
    let m = module();
    let o = run(bin().current_dir(m.path()).args([
        "build",
        "--target",
        "mips-linux-gnu",
        "--gccgoflags",
        "-O2 -march=24kc -msoft-float",
        "--ldflags",
        "-msoft-float",
        "-o",
        "sf",
        ".",
    ]));
    let (_, err) = fails(o);
    // ld.bfd's warning, or gold's (the auto linker for MIPS).
    assert!(
        err.contains("uses -msoft-float") || err.contains("FP ABI -msoft-float is incompatible"),
        "{err}"
    );
    assert!(err.contains("mix soft-float and hard-float code"), "{err}");
    assert!(!m.path().join("sf").exists());
}
