//! The system runner (`-runner system`): each program boots its own Linux
//! guest under qemu-system-mips(el) -M malta with the profile's core, and
//! gccgo-build reports its stdout, stderr and exit status apart. mipsel
//! boots Debian's 4kc-malta kernel (downloaded into the test's cache);
//! mips boots the kernel of `toolchains/kernel/build`, and its test returns
//! early, loudly, when this machine has none. A boot is seconds, so there
//! are few tests here.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;
use crate::routers::{RAMIPS, sdk};

/// The big-endian Malta kernel, or `None` (with a SKIPPED line).
fn mips_kernel() -> Option<PathBuf> {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("toolchains/kernel/build");
    let o = run(Command::new(script).args(["--no-build", "mips"]));
    if o.status.code() == Some(3) {
        eprintln!(
            "SKIPPED: no big-endian Malta kernel on this machine: {}",
            String::from_utf8_lossy(&o.stderr).trim()
        );
        return None;
    }
    let (out, _) = ok(o);
    Some(PathBuf::from(out.trim()))
}

#[test]
fn system_runner_runs_minion_on_24kec_and_prints_what_the_host_build_prints() {
    let Some(sdk) = sdk(&RAMIPS) else { return };
    let o = run(bin()
        .current_dir(minion_dir())
        .args(["run", "-runner", "system", "--sdk"])
        .arg(&sdk)
        .args(["./cmd/minion", "--", "-selftest"]));
    let (out, err) = ok(o);
    assert_eq!(out, minion_expected(), "stderr:\n{err}");
}

/// dnsq (github.com/miekg/dns, GOPATH mode, with the overlay Debian's
/// x/sys/unix needs on MIPS) and cgodemo (cgo, the SDK's C compiler), each
/// built with a router's SDK, print on its core (24KEc, 24Kc) under a real
/// kernel what the host builds print, float lines included. The 24Kc half
/// needs the recipe's big-endian kernel (SKIPPED without it).
#[test]
fn system_runner_runs_dnsq_and_cgodemo_on_both_router_cores_like_the_host_build() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(p) = crate::routers::programs(tmp.path())
        .into_iter()
        .find(|p| p.name == "dnsq")
    else {
        panic!("dnsq is among the router programs");
    };
    let cgodemo = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/cgodemo");
    let want_dnsq = crate::routers::host_output(&p, tmp.path());
    assert!(want_dnsq.contains("ln2=0.6931471805599453"), "{want_dnsq}");
    let (want_cgo, _) = ok(run(bin()
        .current_dir(&cgodemo)
        .args(["run", "./cmd/cgodemo"])));
    for r in [&RAMIPS, &crate::routers::ATH79] {
        let Some(sdk) = sdk(r) else { continue };
        if std::ptr::eq(r, &crate::routers::ATH79) && mips_kernel().is_none() {
            continue;
        }
        let mut c = bin();
        c.current_dir(&p.dir)
            .env("GOPATH", p.gopath.as_deref().unwrap_or_default())
            .env("GO111MODULE", "off")
            .args(["run", "-runner", "system", "--sdk"])
            .arg(&sdk)
            .arg("-overlay")
            .arg(mips_overlay(tmp.path()))
            .arg(p.pkg);
        let (out, err) = ok(run(&mut c));
        assert_eq!(
            out,
            want_dnsq,
            "dnsq with {}: stderr:\n{err}",
            sdk.display()
        );
        let (out, err) = ok(run(bin()
            .current_dir(&cgodemo)
            .args(["run", "-runner", "system", "--sdk"])
            .arg(&sdk)
            .arg("./cmd/cgodemo")));
        assert_eq!(
            out,
            want_cgo,
            "cgodemo with {}: stderr:\n{err}",
            sdk.display()
        );
    }
}

#[test]
fn system_runner_runs_minion_on_24kc_big_endian_with_the_recipe_kernel() {
    let Some(sdk) = crate::routers::sdk(&crate::routers::ATH79) else {
        return;
    };
    if mips_kernel().is_none() {
        return;
    }
    let o = run(bin()
        .current_dir(minion_dir())
        .args(["run", "-runner", "system", "--sdk"])
        .arg(&sdk)
        .args(["./cmd/minion", "--", "-selftest"]));
    let (out, err) = ok(o);
    assert_eq!(out, minion_expected(), "stderr:\n{err}");
}

#[test]
fn system_runner_keeps_stdout_stderr_and_exit_status_apart_and_tests_see_testdata() {
    let Some(sdk) = sdk(&RAMIPS) else { return };
    let top = tempfile::tempdir().unwrap();
    let tmp = &top.path().join("g");
    // As go test: the package's own files and ../testdata are readable too.
    write_tree(
        top.path(),
        &[
            ("testdata/up.txt", "from ../testdata\n"),
            ("g/beside.toml", "beside = true\n"),
        ],
    );
    write_tree(
        tmp,
        &[
            ("go.mod", "module example.com/g\n\ngo 1.18\n"),
            (
                "main.go",
                "package main\n\nimport (\"fmt\"; \"os\")\n\nfunc main() {\n\tfmt.Println(\"out\", os.Args[1:])\n\tfmt.Fprintln(os.Stderr, \"err line\")\n\tos.Exit(3)\n}\n",
            ),
            ("testdata/in.txt", "from testdata\n"),
            (
                "g_test.go",
                "package main\n\nimport (\"os\"; \"testing\")\n\nfunc TestData(t *testing.T) {\n\tb, err := os.ReadFile(\"testdata/in.txt\")\n\tif err != nil || string(b) != \"from testdata\\n\" {\n\t\tt.Fatalf(\"%q %v\", b, err)\n\t}\n\tfor f, want := range map[string]string{\"../testdata/up.txt\": \"from ../testdata\\n\", \"beside.toml\": \"beside = true\\n\"} {\n\t\tif b, err := os.ReadFile(f); err != nil || string(b) != want {\n\t\t\tt.Fatalf(\"%s: %q %v\", f, b, err)\n\t\t}\n\t}\n\tt.Log(\"read it\")\n}\n\nfunc TestFails(t *testing.T) { t.Error(\"as it should\") }\n",
            ),
        ],
    );
    let o = run(bin()
        .current_dir(tmp)
        .args(["run", "-runner", "system", "--sdk"])
        .arg(&sdk)
        .args([".", "--", "a b", "c"]));
    assert_eq!(o.status.code(), Some(3), "{:?}", text(&o));
    let (out, err) = text(&o);
    assert_eq!(out, "out [a b c]\n");
    assert!(
        err.ends_with("err line\n") && !err.contains("out ["),
        "{err}"
    );

    let o = run(bin()
        .current_dir(tmp)
        .args(["test", "-runner", "system", "-v", "--sdk"])
        .arg(&sdk)
        .arg("."));
    let (out, err) = fails(o);
    assert!(
        out.contains("--- PASS: TestData") && out.contains("read it"),
        "{out}\n{err}"
    );
    assert!(
        out.contains("--- FAIL: TestFails") && out.contains("as it should"),
        "{out}"
    );
    assert!(out.contains("FAIL\texample.com/g\t"), "{out}");
}
