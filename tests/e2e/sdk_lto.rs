//! The `lto` variant of a router SDK (`toolchains/sdk/build ramips lto`:
//! libgo built with `-flto -ffat-lto-objects`). gccgo-build finds the LTO
//! bytecode in its libgo.a and links with `toolchain::lto::link_flags`: the
//! program must still print, on the router's FPU-less core, what the host
//! build prints; two links of the same objects must give the same bytes
//! (LTO names partitions' private symbols at random without a fixed seed);
//! and the link must print none of libgo's own LTO warnings.
//!
//! Needs that SDK on this machine: `toolchains/sdk/build --no-build ramips
//! lto` prints it and never builds. CI has none (only ../shared's plain
//! prebuilt copies), so there the test returns early and `scripts/test`
//! says it was skipped.

use std::process::Command;

use crate::common::*;
use crate::routers::{host_output, programs, recipe_sdk};

#[test]
fn lto_libgo_links_quietly_reproducibly_and_runs_on_the_router_core() {
    let Some(sdk) = recipe_sdk("ramips", "lto") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let minion = programs(tmp.path())
        .into_iter()
        .find(|p| p.name == "minion")
        .unwrap();
    let want = host_output(&minion, tmp.path());
    let cache = tmp.path().join("cache");
    let link = |out: &str, extra: &[&str]| {
        let exe = tmp.path().join(out);
        let o = run(bin()
            .arg("build")
            .arg("-C")
            .arg(&minion.dir)
            .arg("--cache")
            .arg(&cache)
            .arg("--sdk")
            .arg(&sdk)
            .args(["--size", "--link", "static"])
            .args(extra)
            .arg("-o")
            .arg(&exe)
            .arg(minion.pkg));
        let (_, err) = ok(o);
        // (glibc's own warning about getaddrinfo in a static link stays:
        // every static glibc link prints it.)
        for lto_says in [
            "lto-wrapper",
            "lto1",
            "-Wlto-type-mismatch",
            "-Wreturn-local-addr",
        ] {
            assert!(
                !err.contains(lto_says),
                "the link printed LTO diagnostics ({lto_says}):\n{err}"
            );
        }
        exe
    };
    let a = link("minion-a", &[]);
    // -a: every package compiled and the link run again, not taken from the cache.
    let b = link("minion-b", &["-a"]);
    assert!(
        std::fs::read(&a).unwrap() == std::fs::read(&b).unwrap(),
        "two LTO links of minion differ"
    );
    let o = run(Command::new(RAMIPS_QEMU)
        .args(["-cpu", "24KEc"])
        .arg(&a)
        .args(&minion.args));
    let (out, _) = ok(o);
    assert_eq!(out, want, "minion with the lto libgo on a 24KEc");
}

/// qemu-user for ramips (little-endian MIPS).
const RAMIPS_QEMU: &str = "qemu-mipsel-static";
