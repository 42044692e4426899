//! Router targets on their real cores. Programs built with a soft-float
//! OpenWrt SDK (made by `toolchains/sdk/build`) run under qemu-user with the
//! FPU-less CPU model of the router's core — ramips (MT7620A/MT7628):
//! little-endian 24KEc; ath79: big-endian 24Kc — and print exactly what the
//! host build prints, float lines included. The same programs built with
//! Debian's hard-float cross toolchains die there with SIGILL: the reason the
//! SDK is needed.
//!
//! The SDK tests need an SDK on this machine: `toolchains/sdk/build
//! --no-build` prints it (unpacking ../shared/sdk's prebuilt copy when there
//! is one) and never builds a toolchain. Without one, those tests return
//! early; `scripts/test` says loudly before and after the run which were
//! skipped and why.

use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use crate::common::*;

/// A router family: its SDK recipe target, profile, core and Debian twin.
pub(crate) struct Router {
    /// `toolchains/sdk/build` target name.
    sdk: &'static str,
    /// The built-in profile that describes its SDK.
    profile: &'static str,
    /// qemu-user for its byte order.
    qemu: &'static str,
    /// qemu CPU model of its core (no FPU).
    cpu: &'static str,
    /// Debian's hard-float cross toolchain for the same GOARCH.
    debian: &'static str,
}

pub(crate) const RAMIPS: Router = Router {
    sdk: "ramips",
    profile: "openwrt-ramips",
    qemu: "qemu-mipsel-static",
    cpu: "24KEc",
    debian: "mipsel-linux-gnu",
};

pub(crate) const ATH79: Router = Router {
    sdk: "ath79",
    profile: "openwrt-ath79",
    qemu: "qemu-mips-static",
    cpu: "24Kc",
    debian: "mips-linux-gnu",
};

/// The SDK directory for `r` (plain libgo), or `None` when this machine has
/// none; asked once per test binary, so that two tests never unpack the
/// prebuilt copy at the same time.
pub(crate) fn sdk(r: &Router) -> Option<PathBuf> {
    static SDKS: OnceLock<[Option<PathBuf>; 2]> = OnceLock::new();
    let all = SDKS.get_or_init(|| [RAMIPS.sdk, ATH79.sdk].map(|name| recipe_sdk(name, "plain")));
    all[usize::from(r.sdk == ATH79.sdk)].clone()
}

/// The SDK `toolchains/sdk/build --no-build TARGET VARIANT` prints, or
/// `None` (said on stderr as SKIPPED) when this machine has none.
pub(crate) fn recipe_sdk(target: &str, variant: &str) -> Option<PathBuf> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("toolchains/sdk/build");
    let o = run(Command::new(script).args(["--no-build", target, variant]));
    if o.status.code() == Some(3) {
        eprintln!(
            "SKIPPED: no soft-float {target} {variant} SDK on this machine: {}",
            String::from_utf8_lossy(&o.stderr).trim()
        );
        return None;
    }
    let (out, _) = ok(o);
    Some(PathBuf::from(out.trim()))
}

/// One real program: where it is, how it is built, how it is run.
pub(crate) struct Program {
    pub(crate) name: &'static str,
    /// Directory to build in (`-C`).
    pub(crate) dir: PathBuf,
    /// The package pattern.
    pub(crate) pkg: &'static str,
    /// GOPATH for GOPATH mode, when the program needs one.
    pub(crate) gopath: Option<String>,
    /// Arguments of the run.
    pub(crate) args: Vec<String>,
}

/// examples/minion, Debian's xxhsum, and examples/dnsq (github.com/miekg/dns
/// from Debian's golang-github-miekg-dns-dev, GOPATH mode).
pub(crate) fn programs(tmp: &Path) -> Vec<Program> {
    let input = tmp.join("input.txt");
    std::fs::write(
        &input,
        "The quick brown fox jumps over the lazy dog\n".repeat(500),
    )
    .expect("write input");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    vec![
        Program {
            name: "minion",
            dir: minion_dir(),
            pkg: "./cmd/minion",
            gopath: None,
            args: vec!["-selftest".into()],
        },
        Program {
            name: "xxhsum",
            dir: Path::new(GOPATH).join("src/github.com/cespare/xxhash"),
            pkg: "./xxhsum",
            gopath: None,
            args: vec![input.to_string_lossy().into_owned()],
        },
        Program {
            name: "dnsq",
            dir: repo.join("examples/dnsq/src/dnsq"),
            pkg: ".",
            gopath: Some(format!("{}:{GOPATH}", repo.join("examples/dnsq").display())),
            args: vec![],
        },
    ]
}

/// Builds `p` to `out` with `args` (toolchain selection, link mode …);
/// on MIPS with the overlay that Debian's x/sys/unix needs there.
fn build(p: &Program, args: &[&str], out: &Path, mips: bool, tmp: &Path) {
    let mut c = bin();
    c.arg("build")
        .arg("-C")
        .arg(&p.dir)
        .args(["-j", "2"])
        .args(args);
    if let Some(g) = &p.gopath {
        c.env("GOPATH", g).env("GO111MODULE", "off");
    }
    if mips && p.name == "dnsq" {
        c.arg("-overlay").arg(mips_overlay(tmp));
    }
    c.arg("-o").arg(out).arg(p.pkg);
    ok(run(&mut c));
}

/// What the host build of `p` prints (built once per program).
pub(crate) fn host_output(p: &Program, tmp: &Path) -> String {
    let exe = tmp.join(format!("{}-host", p.name));
    build(p, &[], &exe, false, tmp);
    let (out, _) = ok(run(Command::new(&exe).args(&p.args)));
    if p.name == "minion" {
        assert_eq!(out, minion_expected());
    }
    out
}

/// Runs a static target binary under qemu-user as core `cpu`.
fn on_core(qemu: &str, cpu: &str, exe: &Path, args: &[String]) -> Output {
    run(Command::new(qemu).args(["-cpu", cpu]).arg(exe).args(args))
}

/// Every program built with `r`'s soft-float SDK and linked static (what
/// goes onto the router) prints, under `r`'s FPU-less core, what the host
/// build prints.
fn sdk_programs_match_the_host(r: &Router) {
    let Some(sdk) = sdk(r) else { return };
    let tmp = tempfile::tempdir().unwrap();
    let sdk_s = sdk.to_string_lossy().into_owned();
    for p in programs(tmp.path()) {
        let want = host_output(&p, tmp.path());
        let exe = tmp.path().join(format!("{}-{}", p.name, r.sdk));
        build(
            &p,
            &["--sdk", &sdk_s, "--link", "static"],
            &exe,
            true,
            tmp.path(),
        );
        let (got, _) = ok(on_core(r.qemu, r.cpu, &exe, &p.args));
        assert_eq!(
            got, want,
            "{} built with the {} SDK, run as a {}",
            p.name, r.sdk, r.cpu
        );
        assert!(
            want.contains("ln2=0.6931471805599453") || p.name == "xxhsum",
            "the float line is part of the comparison: {want}"
        );
    }
}

#[test]
fn ramips_sdk_programs_run_on_a_24kec_like_the_host_build() {
    sdk_programs_match_the_host(&RAMIPS);
}

#[test]
fn ath79_sdk_programs_run_on_a_24kc_like_the_host_build() {
    sdk_programs_match_the_host(&ATH79);
}

/// Debian's hard-float builds of the same programs trap on the first FPU
/// instruction on each router core, and run on a core with an FPU (24Kf):
/// the FPU is the whole difference.
#[test]
fn debian_hard_float_programs_die_with_sigill_on_router_cores() {
    let tmp = tempfile::tempdir().unwrap();
    for r in [&RAMIPS, &ATH79] {
        for p in programs(tmp.path()) {
            let exe = tmp.path().join(format!("{}-{}", p.name, r.debian));
            build(
                &p,
                &["--target", r.debian, "--link", "static"],
                &exe,
                true,
                tmp.path(),
            );
            let o = on_core(r.qemu, r.cpu, &exe, &p.args);
            let (_, err) = text(&o);
            assert_eq!(
                o.status.signal(),
                Some(libc::SIGILL),
                "{} from {} under -cpu {}: {} {err}",
                p.name,
                r.debian,
                r.cpu,
                o.status
            );
            assert!(err.contains("Illegal instruction"), "{err}");
            ok(on_core(r.qemu, "24Kf", &exe, &p.args));
        }
    }
}

/// An SDK build is soft-float all through: readelf's `FP ABI`, `inspect`,
/// and not one FPU instruction in the whole static binary (Debian's
/// hard-float build of the same program has thousands).
#[test]
fn sdk_builds_are_soft_float_in_readelf_inspect_and_the_code() {
    let Some(sdk) = sdk(&RAMIPS) else { return };
    let tmp = tempfile::tempdir().unwrap();
    let p = &programs(tmp.path())[0];
    let exe = tmp.path().join("minion-sdk");
    build(
        p,
        &["--sdk", &sdk.to_string_lossy(), "--link", "static"],
        &exe,
        true,
        tmp.path(),
    );
    let (attrs, _) = ok(run(Command::new("mipsel-linux-gnu-readelf")
        .arg("-A")
        .arg(&exe)));
    assert!(attrs.contains("FP ABI: Soft float"), "{attrs}");
    let (j, _) = ok(run(bin().args(["inspect", "--json"]).arg(&exe)));
    let j: serde_json::Value = serde_json::from_str(&j).expect("inspect --json");
    assert_eq!(j["float_abi"]["abi"], "soft", "{j}");
    assert_eq!(j["linkage"], "static", "{j}");
    let fpu_ops = |exe: &Path| -> usize {
        let (dis, _) = ok(run(Command::new("mipsel-linux-gnu-objdump")
            .arg("-d")
            .arg(exe)));
        dis.lines()
            .filter(|l| {
                let op = l.split('\t').nth(2).unwrap_or("");
                [
                    "lwc1", "swc1", "ldc1", "sdc1", "mtc1", "mfc1", "cfc1", "ctc1",
                ]
                .contains(&op)
                    || op.ends_with(".d")
                    || op.ends_with(".s")
            })
            .count()
    };
    assert_eq!(fpu_ops(&exe), 0, "FPU instructions in the SDK build");
    let deb = tmp.path().join("minion-debian");
    build(
        p,
        &["--target", "mipsel-linux-gnu", "--link", "static"],
        &deb,
        true,
        tmp.path(),
    );
    assert!(
        fpu_ops(&deb) > 1000,
        "Debian's build should be full of FPU code"
    );
}

/// `--sdk DIR` alone is the router profile that describes the SDK: its
/// name, its soft float, and a runner that emulates its FPU-less core, which
/// runs a default (`-static-libgo`, dynamic glibc) build with the SDK's own
/// libraries; `toolchains --sdk` shows it working there.
#[test]
fn sdk_alone_is_the_router_profile_with_its_core() {
    let Some(sdk) = sdk(&RAMIPS) else { return };
    let sdk_s = sdk.to_string_lossy().into_owned();
    let (env, _) = ok(run(bin().args(["env", "--sdk", &sdk_s])));
    let var = |k: &str| -> String {
        env.lines()
            .find_map(|l| l.strip_prefix(&format!("{k}=")))
            .unwrap_or_else(|| panic!("{k} not in {env}"))
            .trim_matches('"')
            .to_string()
    };
    assert_eq!(var("GCCGOBUILD_TOOLCHAIN"), RAMIPS.profile);
    assert_eq!(var("FLOAT_ABI"), "soft");
    let runner = var("RUNNER");
    assert!(
        runner.starts_with("qemu-mipsel-static -cpu 24KEc -L "),
        "{runner}"
    );

    let tmp = tempfile::tempdir().unwrap();
    let exe = tmp.path().join("minion");
    build(
        &programs(tmp.path())[0],
        &["--sdk", &sdk_s],
        &exe,
        true,
        tmp.path(),
    );
    let words: Vec<&str> = runner.split(' ').collect();
    let (out, _) = ok(run(Command::new(words[0])
        .args(&words[1..])
        .arg(&exe)
        .arg("-selftest")));
    assert_eq!(out, minion_expected());

    let (table, _) = ok(run(bin().args(["toolchains", "--sdk", &sdk_s, "-j", "2"])));
    let row = table
        .lines()
        .find(|l| l.starts_with("openwrt-ramips "))
        .unwrap_or_else(|| panic!("{table}"));
    assert!(
        row.contains("works (ran under qemu-mipsel-static -cpu 24KEc)"),
        "{row}"
    );
}

/// A profile that puts Debian's hard-float compiler on an FPU-less core
/// gets one plain warning from `build` naming the fix.
#[test]
fn hard_float_toolchain_on_an_fpu_less_core_is_called_out() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("debian-on-24kec.toml");
    std::fs::write(
        &f,
        "name = \"debian-on-24kec\"\ntriple = \"mipsel-linux-gnu\"\ncpu = \"24KEc\"\n\
         runner = [\"qemu-mipsel-static\", \"-L\", \"/usr/mipsel-linux-gnu\"]\n",
    )
    .unwrap();
    let o = run(bin()
        .current_dir(minion_dir())
        .args(["build", "-n", "--toolchain"])
        .arg(&f)
        .arg("./cmd/minion"));
    let (_, err) = ok(o);
    let warnings: Vec<&str> = err.lines().filter(|l| l.contains("warning:")).collect();
    assert_eq!(warnings.len(), 1, "{err}");
    assert!(
        warnings[0].contains("toolchain debian-on-24kec is hard-float")
            && warnings[0].contains("(24KEc) has no FPU")
            && warnings[0].contains("SIGILL")
            && warnings[0].contains("toolchains/sdk/build ramips"),
        "{err}"
    );
}

/// `gccgo-build test` with each router's SDK: the tests run under the
/// FPU-less core's model (the runner says `-cpu`), minion's pass on both,
/// and examples/hdrcast's endianness bug shows on the big-endian ath79 only.
#[test]
fn sdk_tests_run_on_the_router_core_and_catch_the_big_endian_bug() {
    for r in [RAMIPS, ATH79] {
        let Some(sdk) = sdk(&r) else { continue };
        let sdk_s = sdk.display().to_string();
        let cache = tempfile::tempdir().unwrap();
        let test = |dir: &str| {
            run(bin()
                .current_dir(
                    Path::new(env!("CARGO_MANIFEST_DIR"))
                        .join("examples")
                        .join(dir),
                )
                .env("GCCGO_BUILD_CACHE", cache.path())
                .args(["test", "-x", "--sdk", &sdk_s, "./..."]))
        };
        let (out, err) = ok(test("minion"));
        assert!(
            out.contains("ok  \texample.com/minion/internal/wire\t"),
            "{out}"
        );
        let runner = format!("{} -cpu {}", r.qemu, r.cpu);
        assert!(
            err.contains(&runner),
            "the tests did not run under {runner}:\n{err}"
        );
        let o = test("hdrcast");
        let (out, _) = text(&o);
        if r.sdk == ATH79.sdk {
            assert!(!o.status.success(), "{out}");
            assert!(out.contains("ID = 0x3412, want 0x1234"), "{out}");
        } else {
            assert!(o.status.success(), "{out}");
        }
    }
}

/// A cgo program (examples/cgodemo: C structs, C calling Go, libm) built
/// with each soft-float SDK's gccgo, cgo and C compiler, linked static,
/// prints under the router's FPU-less core what the host build prints.
#[test]
fn cgo_programs_built_with_the_sdk_run_on_the_router_core() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/cgodemo");
    let tmp = tempfile::tempdir().unwrap();
    let host = tmp.path().join("cgodemo-host");
    ok(run(bin()
        .current_dir(&dir)
        .arg("build")
        .arg("-o")
        .arg(&host)
        .arg("./cmd/cgodemo")));
    let want = ok(run(&mut Command::new(&host))).0;
    assert!(want.contains("via C calling Go = 385"), "{want}");
    for r in [&RAMIPS, &ATH79] {
        let Some(sdk) = sdk(r) else { continue };
        let exe = tmp.path().join(format!("cgodemo-{}", r.sdk));
        ok(run(bin()
            .current_dir(&dir)
            .arg("build")
            .arg("-sdk")
            .arg(&sdk)
            .args(["-link", "static", "-o"])
            .arg(&exe)
            .arg("./cmd/cgodemo")));
        let (got, _) = ok(on_core(r.qemu, r.cpu, &exe, &[]));
        assert_eq!(got, want, "{} under -cpu {}", r.sdk, r.cpu);
    }
}

/// Issue "`-target openwrt-ramips` finds the SDK that toolchains/sdk/build
/// made": with only the recipe's SDKs on the machine (no `-sdk`, no
/// `$STAGING_DIR`, no OpenWrt compiler in PATH), `toolchains` lists both
/// router profiles as working, from the recipe's SDK, and `-target NAME
/// --link static` builds minion that runs on each router's FPU-less core.
#[test]
fn router_targets_find_the_recipes_sdk_with_nothing_in_path() {
    let (Some(ramips), Some(ath79)) = (sdk(&RAMIPS), sdk(&ATH79)) else {
        return;
    };
    let root = ramips.parent().expect("the recipe's root").to_path_buf();
    assert_eq!(ath79.parent(), Some(root.as_path()), "one root for both");
    let home = tempfile::tempdir().unwrap();
    let gb_root = |args: &[&str]| -> Output {
        let mut c = Command::new(env!("CARGO_BIN_EXE_gccgo-build"));
        for v in GO_TARGET_VARS {
            c.env_remove(v);
        }
        c.args(args)
            .current_dir(minion_dir())
            .env("HOME", home.path())
            .env("PATH", "/usr/bin:/bin")
            .env("GCCGO_BUILD_SDK_ROOT", &root)
            .env("XDG_CACHE_HOME", cache_home())
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("STAGING_DIR");
        run(&mut c)
    };
    let (table, _) = ok(gb_root(&["toolchains", "-j", "2"]));
    for r in [&RAMIPS, &ATH79] {
        let row = table
            .lines()
            .find(|l| l.starts_with(&format!("{} ", r.profile)))
            .unwrap_or_else(|| panic!("{table}"));
        assert!(
            row.contains(&format!("works (ran under {} -cpu {})", r.qemu, r.cpu))
                && row.contains(&format!("sdk/build {}-", r.sdk)),
            "{row}"
        );
        let (env, _) = ok(gb_root(&[
            "env",
            "-target",
            r.profile,
            "GCCGOBUILD_PROFILE",
        ]));
        assert!(
            env.contains("(made by toolchains/sdk/build)") && env.contains("_glibc"),
            "{env}"
        );
        let tmp = tempfile::tempdir().unwrap();
        let exe = tmp.path().join("minion");
        let exe_s = exe.to_string_lossy().into_owned();
        ok(gb_root(&[
            "build",
            "-target",
            r.profile,
            "--link",
            "static",
            "-o",
            &exe_s,
            "./cmd/minion",
        ]));
        let (out, _) = ok(on_core(r.qemu, r.cpu, &exe, &["-selftest".to_string()]));
        assert_eq!(out, minion_expected(), "{} on {}", r.profile, r.cpu);
        let (info, _) = ok(run(bin().arg("inspect").arg(&exe)));
        assert!(
            info.contains("libc: glibc (static: glibc's .note.ABI-tag)"),
            "{info}"
        );
    }
    // An empty root and no compiler in PATH: not installed, saying where it looked.
    let empty = tempfile::tempdir().unwrap();
    let (table, _) = ok(run(bin()
        .args(["toolchains", "--no-check"])
        .env("PATH", "/usr/bin:/bin")
        .env("GCCGO_BUILD_SDK_ROOT", empty.path())
        .env_remove("STAGING_DIR")));
    let row = table
        .lines()
        .find(|l| l.starts_with("openwrt-ramips "))
        .unwrap_or_else(|| panic!("{table}"));
    assert!(
        row.contains("not installed")
            && row.contains("toolchains/sdk/build ramips")
            && row.contains("mipsel-openwrt-linux-gnu-gccgo or mipsel-openwrt-linux-musl-gccgo"),
        "{row}"
    );
}
