//! End-to-end tests of toolchain profiles, `gccgo-build toolchains`,
//! `gccgo-build env`, `--toolchain FILE` and `--sdk DIR`, against the real
//! Debian gccgo cross compilers, binutils and qemu-user installed here.
//!
//! Every command runs with HOME pointing at an empty temp dir (no user
//! profiles unless a test writes some) and without $STAGING_DIR.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::{gb, minion_dir, minion_expected};

const BIN: &str = env!("CARGO_BIN_EXE_gccgo-build");

fn ok(o: &Output, what: &str) -> String {
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        o.status.success(),
        "{what} failed: {}\nstdout:\n{out}\nstderr:\n{}",
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

/// `KEY="value"` lines of `gccgo-build env` as a map.
fn env_map(text: &str) -> std::collections::BTreeMap<String, String> {
    text.lines()
        .filter_map(|l| {
            let (k, v) = l.split_once('=')?;
            Some((k.to_string(), v.trim_matches('"').to_string()))
        })
        .collect()
}

fn on_path(name: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(name).is_file()))
}

/// Builds examples/minion's command with `args`, runs it under `qemu`, and
/// checks `-selftest` prints exactly expected-selftest.txt.
fn build_and_selftest(home: &Path, out_dir: &Path, args: &[&str], qemu: &[&str], name: &str) {
    let out = out_dir.join(name);
    let out_s = out.to_string_lossy().into_owned();
    let mut a = vec!["build", "-j", "2", "-o", out_s.as_str()];
    a.extend_from_slice(args);
    a.push("./cmd/minion");
    let o = gb(home, &minion_dir(), &a);
    ok(&o, &format!("gccgo-build {}", a.join(" ")));
    let run = Command::new(qemu[0])
        .args(&qemu[1..])
        .arg(&out)
        .arg("-selftest")
        .output()
        .expect("running qemu");
    assert!(
        run.status.success(),
        "{name} -selftest under {}: {}\n{}",
        qemu.join(" "),
        run.status,
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&run.stdout),
        minion_expected(),
        "{name}"
    );
}

#[test]
fn toolchains_lists_the_installed_debian_gccgos_as_working() {
    let home = tempfile::tempdir().unwrap();
    let o = gb(home.path(), home.path(), &["toolchains", "-j", "2"]);
    let table = ok(&o, "gccgo-build toolchains");
    let row = |name: &str| -> Vec<String> {
        table
            .lines()
            .find(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("no row {name} in:\n{table}"))
            .split_whitespace()
            .map(String::from)
            .collect()
    };
    for (name, go, goarch) in [
        ("host", "go1.18", "amd64"),
        ("mips-linux-gnu", "go1.18", "mips"),
        ("mipsel-linux-gnu", "go1.18", "mipsle"),
        ("powerpc-linux-gnu", "go1.18", "ppc"),
        ("alpha-linux-gnu", "go1.18", "alpha"),
        ("gccgo-11", "go1.16", "amd64"),
    ] {
        let r = row(name);
        assert_eq!(r[2], go, "{name}: {r:?}");
        assert_eq!(r[3], goarch, "{name}: {r:?}");
        assert_eq!(r[4], format!("toolchains/{name}.toml"), "{name}: {r:?}");
        assert_eq!(r[5], "works", "{name}: {r:?}\n{table}");
    }
    // Cross toolchains ran their hello world under qemu.
    assert!(row("mips-linux-gnu").join(" ").contains("qemu-mips-static"));
    // A shipped profile whose compiler is missing says how to get it.
    for (name, pkg) in [
        ("sparc64-linux-gnu", "gccgo-sparc64-linux-gnu"),
        ("aarch64-linux-gnu", "gccgo-aarch64-linux-gnu"),
        ("arm-linux-gnueabihf", "gccgo-arm-linux-gnueabihf"),
    ] {
        let line = row(name).join(" ");
        if !on_path(&format!("{name}-gccgo")) {
            assert!(
                line.contains(&format!("not installed (apt-get install {pkg})")),
                "{line}"
            );
        }
    }
    // A router profile: the SDK toolchains/sdk/build made, or what it needs.
    let ath79 = row("openwrt-ath79").join(" ");
    assert!(
        ath79.contains("sdk/build ath79-") || ath79.contains("needs an OpenWrt SDK"),
        "{ath79}"
    );
    // A versioned cross compiler in PATH is a row of its own, run as its
    // triple's profile runs (the core's -cpu too).
    if Path::new(MIPSEL_11).is_file() {
        let r = row("mipsel-linux-gnu-11").join(" ");
        assert!(
            r.contains("go1.16 mipsle PATH works (ran under qemu-mipsel-static -cpu 24Kf)"),
            "{r}"
        );
    }
    // The host's other names for the same compiler are not listed twice.
    assert!(
        !table.lines().any(|l| l.starts_with("x86_64-linux-gnu ")),
        "{table}"
    );
}

#[test]
fn toolchains_json_without_checking_probes_only() {
    let home = tempfile::tempdir().unwrap();
    let o = gb(
        home.path(),
        home.path(),
        &["toolchains", "--json", "--no-check"],
    );
    let rows: serde_json::Value = serde_json::from_str(&ok(&o, "toolchains --json")).unwrap();
    let rows = rows.as_array().unwrap();
    let ppc = rows
        .iter()
        .find(|r| r["name"] == "powerpc-linux-gnu")
        .expect("powerpc-linux-gnu row");
    assert_eq!(ppc["status"], "unchecked");
    assert_eq!(ppc["go_version"], "go1.18");
    assert_eq!(ppc["goarch"], "ppc");
    assert_eq!(ppc["gccgo"], "/usr/bin/powerpc-linux-gnu-gccgo");
}

#[test]
fn env_of_mipsel_says_mipsle() {
    let home = tempfile::tempdir().unwrap();
    let o = gb(
        home.path(),
        home.path(),
        &["env", "--target", "mipsel-linux-gnu"],
    );
    let text = ok(&o, "env --target mipsel-linux-gnu");
    assert!(text.lines().any(|l| l == "GOARCH=\"mipsle\""), "{text}");
    let m = env_map(&text);
    assert_eq!(m["GOOS"], "linux");
    assert_eq!(m["GOVERSION"], "go1.18");
    assert_eq!(m["GCCGO"], "/usr/bin/mipsel-linux-gnu-gccgo");
    assert_eq!(m["OBJCOPY"], "/usr/bin/mipsel-linux-gnu-objcopy");
    assert_eq!(m["GNU_TRIPLE"], "mipsel-linux-gnu");
    assert_eq!(m["SYSROOT"], "/usr/mipsel-linux-gnu");
    assert_eq!(m["FLOAT_ABI"], "hard");
    assert_eq!(
        m["RUNNER"],
        "qemu-mipsel-static -cpu 24Kf -L /usr/mipsel-linux-gnu -E LD_LIBRARY_PATH=/usr/mipsel-linux-gnu/lib"
    );
    assert!(
        m["RELEASE_TAGS"].ends_with("go1.17 go1.18"),
        "{}",
        m["RELEASE_TAGS"]
    );
    assert!(Path::new(&m["GOSTDDIR"]).join("fmt.gox").is_file());

    // One variable, and JSON.
    let o = gb(
        home.path(),
        home.path(),
        &["env", "--target", "gccgo-11", "GOVERSION", "GOARCH"],
    );
    assert_eq!(ok(&o, "env GOVERSION GOARCH"), "go1.16\namd64\n");
    let o = gb(
        home.path(),
        home.path(),
        &["env", "--json", "--target", "alpha-linux-gnu"],
    );
    let j: serde_json::Value = serde_json::from_str(&ok(&o, "env --json")).unwrap();
    assert_eq!(j["GOARCH"], "alpha");

    // A shipped profile whose compiler is missing: an error naming the package.
    if !on_path("sparc64-linux-gnu-gccgo") {
        let o = gb(
            home.path(),
            home.path(),
            &["env", "--target", "sparc64-linux-gnu"],
        );
        assert!(!o.status.success());
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("apt-get install gccgo-sparc64-linux-gnu"),
            "{err}"
        );
    }
}

#[test]
fn minion_for_powerpc_and_alpha_runs_under_qemu() {
    let home = tempfile::tempdir().unwrap();
    build_and_selftest(
        home.path(),
        home.path(),
        &["--target", "powerpc-linux-gnu"],
        &["qemu-ppc-static", "-L", "/usr/powerpc-linux-gnu"],
        "minion-ppc",
    );
    build_and_selftest(
        home.path(),
        home.path(),
        &["--target", "alpha-linux-gnu"],
        &["qemu-alpha-static", "-L", "/usr/alpha-linux-gnu"],
        "minion-alpha",
    );
}

/// Debian's versioned cross compiler of GCC 11 for mipsel
/// (package gccgo-11-mipsel-linux-gnu), when installed.
const MIPSEL_11: &str = "/usr/bin/mipsel-linux-gnu-gccgo-11";

fn have_mipsel_11(test: &str) -> bool {
    let have = Path::new(MIPSEL_11).is_file();
    if !have {
        eprintln!(
            "SKIPPED {test}: {MIPSEL_11} is not installed (apt-get install gccgo-11-mipsel-linux-gnu)"
        );
    }
    have
}

#[test]
fn toolchains_lists_versioned_cross_compilers_once_each() {
    if !have_mipsel_11("toolchains_lists_versioned_cross_compilers_once_each") {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let o = gb(
        home.path(),
        home.path(),
        &["toolchains", "--json", "--no-check"],
    );
    let rows: serde_json::Value = serde_json::from_str(&ok(&o, "toolchains --json")).unwrap();
    let rows = rows.as_array().unwrap();
    let row = rows
        .iter()
        .find(|r| r["name"] == "mipsel-linux-gnu-11")
        .unwrap_or_else(|| panic!("no mipsel-linux-gnu-11 row in {rows:#?}"));
    assert_eq!(row["gccgo"], MIPSEL_11);
    assert_eq!(row["go_version"], "go1.16");
    assert_eq!(row["goarch"], "mipsle");
    assert_eq!(row["status"], "unchecked");
    assert!(
        row["gcc_version"].as_str().unwrap().starts_with("11."),
        "{row}"
    );
    assert_eq!(row["source"], format!("found in PATH: {MIPSEL_11}"));
    // Other names of listed compilers are not listed again:
    // x86_64-linux-gnu-gccgo-11 is gccgo-11, mipsel-linux-gnu-gccgo-12 is
    // mipsel-linux-gnu.
    let mut seen = std::collections::BTreeSet::new();
    for r in rows {
        if let Some(g) = r["gccgo"].as_str() {
            let canon = std::fs::canonicalize(g).unwrap();
            assert!(seen.insert(canon), "{g} listed twice: {rows:#?}");
        }
    }
    for name in ["x86_64-linux-gnu-11", "mipsel-linux-gnu-12", "gccgo-12"] {
        assert!(
            !rows.iter().any(|r| r["name"] == name),
            "{name} is listed: {rows:#?}"
        );
    }
    // The other spelling selects the same compiler; the host's other name
    // for gccgo-11 selects the gccgo-11 profile.
    for (target, name) in [
        ("mipsel-linux-gnu-gccgo-11", "mipsel-linux-gnu-11"),
        ("x86_64-linux-gnu-11", "gccgo-11"),
    ] {
        let o = gb(
            home.path(),
            home.path(),
            &["env", "--target", target, "GCCGOBUILD_TOOLCHAIN", "RUNNER"],
        );
        let text = ok(&o, &format!("env --target {target}"));
        assert_eq!(text.lines().next(), Some(name), "{text}");
        if name.starts_with("mipsel") {
            assert_eq!(
                text.lines().nth(1),
                Some(
                    "qemu-mipsel-static -cpu 24Kf -L /usr/mipsel-linux-gnu -E LD_LIBRARY_PATH=/usr/mipsel-linux-gnu/lib"
                )
            );
        }
    }
}

#[test]
fn minion_built_by_the_versioned_mipsel_11_compiler_runs_as_the_host_build() {
    if !have_mipsel_11("minion_built_by_the_versioned_mipsel_11_compiler_runs_as_the_host_build") {
        return;
    }
    // expected-selftest.txt is what the host build prints (tests/e2e/main_job.rs).
    let home = tempfile::tempdir().unwrap();
    build_and_selftest(
        home.path(),
        home.path(),
        &["--target", "mipsel-linux-gnu-11"],
        &[
            "qemu-mipsel-static",
            "-cpu",
            "24Kf",
            "-L",
            "/usr/mipsel-linux-gnu",
            "-E",
            "LD_LIBRARY_PATH=/usr/mipsel-linux-gnu/lib",
        ],
        "minion-mipsel-11",
    );
}

/// A fake OpenWrt SDK in the old naming (`mipsel-openwrt-linux`, no libc in
/// the triple) whose tools are shell wrappers around Debian's mipsel ones.
fn fake_sdk(root: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let bin = root.join("staging_dir/toolchain-mipsel_24kc_gcc-12.2.0_glibc/bin");
    std::fs::create_dir_all(&bin).unwrap();
    for tool in ["gccgo", "objcopy", "strip", "gcc"] {
        let p = bin.join(format!("mipsel-openwrt-linux-{tool}"));
        std::fs::write(
            &p,
            format!("#!/bin/sh\nexec mipsel-linux-gnu-{tool} \"$@\"\n"),
        )
        .unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    bin.join("mipsel-openwrt-linux-gccgo")
}

/// A hard-float "SDK" (wrappers around Debian's mipsel tools) laid out as
/// ramips's: found from every level, named after the router profile that
/// describes it, run under that profile's FPU-less core — and called out as
/// hard-float for that core by `build` and `toolchains`.
#[test]
fn hard_float_sdk_for_ramips_is_found_and_flagged_for_the_fpu_less_core() {
    let home = tempfile::tempdir().unwrap();
    let sdk = tempfile::tempdir().unwrap();
    let gccgo = fake_sdk(sdk.path());
    let sdk_s = sdk.path().to_string_lossy().into_owned();

    let o = gb(home.path(), home.path(), &["env", "--sdk", &sdk_s]);
    let m = env_map(&ok(&o, "env --sdk"));
    assert_eq!(m["GOARCH"], "mipsle");
    assert_eq!(m["GNU_TRIPLE"], "mipsel-openwrt-linux");
    // The wrapped compiler says mipsel-linux-gnu: its std lives there.
    assert_eq!(m["GCC_MACHINE"], "mipsel-linux-gnu");
    assert!(
        m["GOSTDDIR"].ends_with("go/12/mipsel-linux-gnu"),
        "{}",
        m["GOSTDDIR"]
    );
    assert_eq!(
        Path::new(&m["GCCGO"]).canonicalize().unwrap(),
        gccgo.canonicalize().unwrap()
    );
    assert!(
        m["OBJCOPY"].ends_with("/bin/mipsel-openwrt-linux-objcopy"),
        "{}",
        m["OBJCOPY"]
    );
    assert_eq!(m["LIBC"], "glibc");
    assert_eq!(m["FLOAT_ABI"], "hard");
    assert_eq!(m["GCCGOBUILD_TOOLCHAIN"], "openwrt-ramips");
    // ramips's core, MT7620A's 24KEc, has no FPU: the runner emulates it.
    assert_eq!(
        m["RUNNER"],
        "qemu-mipsel-static -cpu 24KEc -L /usr/mipsel-linux-gnu"
    );

    // $STAGING_DIR pointing at staging_dir does the same; an explicit
    // --target of another profile wins over it.
    let staging = sdk.path().join("staging_dir");
    let run_env = |args: &[&str]| -> String {
        let o = Command::new(BIN)
            .args(args)
            .env("HOME", home.path())
            .env("STAGING_DIR", &staging)
            .output()
            .unwrap();
        ok(&o, &args.join(" "))
    };
    assert_eq!(
        run_env(&["env", "GCCGOBUILD_TOOLCHAIN"]),
        "openwrt-ramips\n"
    );
    assert_eq!(
        run_env(&["env", "--target", "mips-linux-gnu", "GOARCH"]),
        "mips\n"
    );

    // --sdk with a --target the SDK does not provide is an error.
    let o = gb(
        home.path(),
        home.path(),
        &["env", "--sdk", &sdk_s, "--target", "powerpc-linux-gnu"],
    );
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("provides toolchain openwrt-ramips"));

    // It builds, with the warning; the program runs on a core with an FPU
    // (24Kf) only. tests/e2e/routers.rs shows it dying with SIGILL on a 24KEc.
    let o = gb(
        home.path(),
        &minion_dir(),
        &["build", "--sdk", &sdk_s, "-o", "/dev/null", "./cmd/minion"],
    );
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(
        err.contains("warning: toolchain openwrt-ramips is hard-float")
            && err.contains("(24KEc) has no FPU")
            && err.contains("toolchains/sdk/build ramips"),
        "{err}"
    );
    build_and_selftest(
        home.path(),
        home.path(),
        &["--sdk", &sdk_s],
        &[
            "qemu-mipsel-static",
            "-cpu",
            "24Kf",
            "-L",
            "/usr/mipsel-linux-gnu",
            "-E",
            "LD_LIBRARY_PATH=/usr/mipsel-linux-gnu/lib",
        ],
        "minion-openwrt",
    );

    // `toolchains --sdk` lists it, working.
    let o = gb(
        home.path(),
        home.path(),
        &["toolchains", "--sdk", &sdk_s, "-j", "2"],
    );
    let table = ok(&o, "toolchains --sdk");
    let line = table
        .lines()
        .find(|l| l.starts_with("openwrt-ramips "))
        .unwrap_or_else(|| panic!("{table}"));
    assert!(
        line.contains("go1.18") && line.contains("broken: toolchain openwrt-ramips is hard-float"),
        "{line}"
    );
}

#[test]
fn an_sdk_without_gccgo_is_an_error_naming_it() {
    let home = tempfile::tempdir().unwrap();
    let sdk = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(
        sdk.path()
            .join("staging_dir/toolchain-mips_24kc_gcc-12.3.0_musl/bin"),
    )
    .unwrap();
    let o = gb(
        home.path(),
        home.path(),
        &["env", "--sdk", &sdk.path().to_string_lossy()],
    );
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("no OpenWrt gccgo"), "{err}");
    assert!(err.contains("CONFIG_GCC_USE_GO"), "{err}");
}

#[test]
fn profile_go_version_sets_the_release_tags() {
    // A user profile (overriding nothing) for the host gccgo that says it
    // implements Go 1.1, and a user profile that overrides a shipped one.
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join(".config/gccgo-build/toolchains");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("ancient.toml"),
        "name = \"ancient\"\ngccgo = \"gccgo\"\ngo = \"1.1\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("mips.toml"),
        "name = \"mips-linux-gnu\"\ntriple = \"mips-linux-gnu\"\ngo = \"go1.10\"\n",
    )
    .unwrap();
    let o = gb(home.path(), home.path(), &["env", "--target", "ancient"]);
    let m = env_map(&ok(&o, "env --target ancient"));
    assert_eq!(m["GOVERSION"], "go1.1");
    assert_eq!(m["RELEASE_TAGS"], "go1.1");
    assert_eq!(m["GOARCH"], "amd64");
    let o = gb(
        home.path(),
        home.path(),
        &["env", "--target", "mips-linux-gnu"],
    );
    let m = env_map(&ok(&o, "env --target mips-linux-gnu"));
    assert_eq!(m["GOVERSION"], "go1.10");
    assert!(
        m["GCCGOBUILD_PROFILE"].ends_with("mips.toml"),
        "{}",
        m["GCCGOBUILD_PROFILE"]
    );

    // The release tags choose files: go1.2-only code is left out for "ancient".
    let proj = tempfile::tempdir().unwrap();
    let p = proj.path();
    std::fs::write(p.join("go.mod"), "module example.com/tags\n\ngo 1.18\n").unwrap();
    std::fs::write(
        p.join("main.go"),
        "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(era) }\n",
    )
    .unwrap();
    std::fs::write(
        p.join("old.go"),
        "//go:build !go1.2\n\npackage main\n\nconst era = \"old\"\n",
    )
    .unwrap();
    std::fs::write(
        p.join("new.go"),
        "//go:build go1.2\n\npackage main\n\nconst era = \"new\"\n",
    )
    .unwrap();
    for (target, want) in [("ancient", "old\n"), ("host", "new\n")] {
        let exe = p.join(format!("tags-{target}"));
        let o = gb(
            home.path(),
            p,
            &[
                "build",
                "--target",
                target,
                "-o",
                &exe.to_string_lossy(),
                ".",
            ],
        );
        ok(&o, &format!("build --target {target}"));
        let run = Command::new(&exe).output().unwrap();
        assert_eq!(String::from_utf8_lossy(&run.stdout), want, "{target}");
    }
}

#[test]
fn toolchain_file_with_soft_float_flags_on_debian_mips_is_reported_broken() {
    // ath79-style flags with Debian's hard-float mips gccgo: ld links the
    // soft-float objects against hard-float libgo/libc with only a warning,
    // and float arguments then arrive in the wrong registers. `toolchains`
    // must not call that profile working.
    let home = tempfile::tempdir().unwrap();
    let f = home.path().join("sf.toml");
    std::fs::write(
        &f,
        "name = \"debian-mips-24kc-sf\"\ntriple = \"mips-linux-gnu\"\nsysroot = \"/usr/mips-linux-gnu\"\n\
         cflags = [\"-march=24kc\", \"-msoft-float\"]\nrunner = [\"qemu-mips-static\", \"-L\", \"{sysroot}\"]\n",
    )
    .unwrap();
    let fs = f.to_string_lossy().into_owned();
    let o = gb(
        home.path(),
        home.path(),
        &["toolchains", "--toolchain", &fs, "-j", "2"],
    );
    let table = ok(&o, "toolchains --toolchain");
    let line = table
        .lines()
        .find(|l| l.starts_with("debian-mips-24kc-sf "))
        .unwrap_or_else(|| panic!("{table}"));
    assert!(line.contains("broken: "), "{line}");
    assert!(
        line.contains("uses -mhard-float") && line.contains("uses -msoft-float"),
        "{line}"
    );

    // `env --toolchain FILE` shows the flags the build will use.
    let o = gb(home.path(), home.path(), &["env", "--toolchain", &fs]);
    let m = env_map(&ok(&o, "env --toolchain"));
    assert_eq!(m["GCCGOFLAGS"], "-march=24kc -msoft-float");
    assert_eq!(m["MARCH"], "24kc");
    assert_eq!(m["FLOAT_ABI"], "soft");
    assert_eq!(m["GCCGOBUILD_TOOLCHAIN"], "debian-mips-24kc-sf");
}
