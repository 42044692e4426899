//! The go command's environment and flags, as a Go user types them:
//! `GOARCH=mips` builds a big-endian MIPS binary that runs under qemu;
//! `GOMIPS=softfloat` takes the soft-float SDK (or says clearly there is
//! none); a GOARCH with no compiler names the package to install; `GCCGO`
//! names the compiler; `GOARCH` against `--target` fails; `GOFLAGS`
//! applies (`-tags=netgo`); `-race` is refused; `-p`, `-a`, `-o DIR/`,
//! `-modfile`; `-help` with one dash. Every variable is set on its own
//! `Command` (`bin` clears them), so nothing leaks into other tests.

use std::path::Path;
use std::process::Command;

use object::Object;

use crate::common::*;

/// A module whose command prints its GOARCH, a float computed at run time
/// (an FPU-less core traps on hard-float code) and which of two files the
/// `netgo` tag chose.
fn module(root: &Path) {
    write_tree(
        root,
        &[
            ("go.mod", "module example.com/hello\n\ngo 1.18\n"),
            (
                "main.go",
                "package main\n\nimport (\n\t\"fmt\"\n\t\"math\"\n\t\"os\"\n\t\"runtime\"\n)\n\n\
                 func main() {\n\tx := float64(len(os.Args) + 1)\n\t\
                 fmt.Printf(\"%s %.4f %s\\n\", runtime.GOARCH, math.Sqrt(x), mode)\n}\n",
            ),
            (
                "net_on.go",
                "//go:build netgo\n\npackage main\n\nconst mode = \"netgo\"\n",
            ),
            (
                "net_off.go",
                "//go:build !netgo\n\npackage main\n\nconst mode = \"default\"\n",
            ),
        ],
    );
}

/// gccgo-build in `dir` with `vars` set on this command only.
fn gbv(dir: &Path, vars: &[(&str, &str)], args: &[&str]) -> Command {
    let mut c = bin();
    c.current_dir(dir).args(args);
    for (k, v) in vars {
        c.env(k, v);
    }
    c
}

/// `env VAR…` values, one a line, under `vars`.
fn env_values(dir: &Path, vars: &[(&str, &str)], names: &[&str]) -> Vec<String> {
    let mut args = vec!["env"];
    args.extend(names);
    let (out, _) = ok(run(&mut gbv(dir, vars, &args)));
    out.lines().map(String::from).collect()
}

/// The ELF's architecture, whether big-endian, and its raw `e_machine`.
fn elf_facts(exe: &Path) -> (object::Architecture, bool, u16) {
    let data = std::fs::read(exe).expect("read the binary");
    let elf = object::File::parse(&*data).expect("an ELF file");
    let big = elf.endianness() == object::Endianness::Big;
    let m = [data[18], data[19]];
    let machine = if big {
        u16::from_be_bytes(m)
    } else {
        u16::from_le_bytes(m)
    };
    assert!(!elf.is_64(), "a 32-bit MIPS binary");
    assert!(elf.section_by_name(".text").is_some());
    (elf.architecture(), big, machine)
}

#[test]
fn goarch_mips_builds_big_endian_mips_that_runs_under_qemu() {
    let d = tempfile::tempdir().unwrap();
    module(d.path());
    let exe = d.path().join("hello-mips");
    ok(run(&mut gbv(
        d.path(),
        &[("GOARCH", "mips")],
        &["build", "-o", &exe.to_string_lossy(), "."],
    )));
    let (arch, big, machine) = elf_facts(&exe);
    assert_eq!(arch, object::Architecture::Mips);
    assert!(big, "GOARCH=mips is big-endian");
    assert_eq!(machine, object::elf::EM_MIPS.0);
    let (out, _) = ok(run(Command::new("qemu-mips-static")
        .args(["-cpu", "24Kf", "-L", "/usr/mips-linux-gnu"])
        .arg(&exe)));
    assert_eq!(out, "mips 1.4142 default\n");
    let v = env_values(
        d.path(),
        &[("GOARCH", "mips")],
        &[
            "GOARCH",
            "GCCGOBUILD_TOOLCHAIN",
            "GCCGOBUILD_TARGET_FROM",
            "GOMIPS",
        ],
    );
    assert_eq!(
        v,
        [
            "mips",
            "mips-linux-gnu",
            "GOARCH=mips (environment)",
            "hardfloat"
        ]
    );
}

#[test]
fn gomips_softfloat_takes_the_soft_float_sdk() {
    let Some(sdk) = crate::routers::sdk(&crate::routers::RAMIPS) else {
        eprintln!("SKIPPED: GOMIPS=softfloat with an SDK: no ramips SDK on this machine");
        return;
    };
    let d = tempfile::tempdir().unwrap();
    module(d.path());
    let sdk = sdk.to_string_lossy().into_owned();
    let vars = [
        ("STAGING_DIR", sdk.as_str()),
        ("GOARCH", "mipsle"),
        ("GOMIPS", "softfloat"),
    ];
    let v = env_values(
        d.path(),
        &vars,
        &[
            "GCCGOBUILD_TOOLCHAIN",
            "FLOAT_ABI",
            "GOMIPS",
            "GCCGOBUILD_FROM_ENVIRONMENT",
        ],
    );
    assert_eq!(v, ["openwrt-ramips", "soft", "softfloat", "GOARCH GOMIPS"]);
    let exe = d.path().join("hello-soft");
    ok(run(&mut gbv(
        d.path(),
        &vars,
        &["build", "-o", &exe.to_string_lossy(), "."],
    )));
    let (arch, big, _) = elf_facts(&exe);
    assert_eq!((arch, big), (object::Architecture::Mips, false));
    let (attrs, _) = ok(run(Command::new("mipsel-linux-gnu-readelf")
        .arg("-A")
        .arg(&exe)));
    assert!(attrs.contains("FP ABI: Soft float"), "{attrs}");
    // Run on the router's FPU-less core (the profile's runner: -cpu 24KEc).
    let (out, _) = ok(run(&mut gbv(d.path(), &vars, &["run", "."])));
    assert_eq!(out, "mipsle 1.4142 default\n");
    // GOMIPS=hardfloat with the same STAGING_DIR is Debian's toolchain.
    let v = env_values(
        d.path(),
        &[
            ("STAGING_DIR", &sdk),
            ("GOARCH", "mipsle"),
            ("GOMIPS", "hardfloat"),
        ],
        &["GCCGOBUILD_TOOLCHAIN"],
    );
    assert_eq!(v, ["mipsel-linux-gnu"]);
}

#[test]
fn gomips_softfloat_without_a_soft_float_toolchain_fails_clearly() {
    let d = tempfile::tempdir().unwrap();
    module(d.path());
    let empty = tempfile::tempdir().unwrap();
    let out = d.path().join("hello");
    let (_, err) = fails(run(&mut gbv(
        d.path(),
        &[
            ("STAGING_DIR", &empty.path().to_string_lossy()),
            // No SDK made by toolchains/sdk/build either.
            ("GCCGO_BUILD_SDK_ROOT", &empty.path().to_string_lossy()),
            ("GOARCH", "mipsle"),
            ("GOMIPS", "softfloat"),
        ],
        &["build", "-o", &out.to_string_lossy(), "."],
    )));
    for want in [
        "GOARCH=mipsle GOMIPS=softfloat (environment): no soft-float gccgo for linux/mipsle is installed",
        "$STAGING_DIR=",
        "-sdk DIR or STAGING_DIR=DIR",
        "toolchains/sdk/build ramips",
        "GOMIPS=hardfloat",
    ] {
        assert!(err.contains(want), "{want:?} not in:\n{err}");
    }
    assert_eq!(err.lines().count(), 1, "one paragraph: {err}");
    assert!(!out.exists(), "no host build");
}

#[test]
fn goarch_without_a_compiler_names_the_package() {
    if Command::new("sh")
        .args(["-c", "command -v riscv64-linux-gnu-gccgo"])
        .status()
        .is_ok_and(|s| s.success())
    {
        eprintln!("SKIPPED: riscv64-linux-gnu-gccgo is installed here");
        return;
    }
    let d = tempfile::tempdir().unwrap();
    module(d.path());
    let (_, err) = fails(run(&mut gbv(
        d.path(),
        &[("GOARCH", "riscv64")],
        &["build", "."],
    )));
    assert!(
        err.contains(
            "GOARCH=riscv64 (environment): no gccgo for linux/riscv64 is installed; \
             apt-get install gccgo-riscv64-linux-gnu"
        ),
        "{err}"
    );
    assert!(!d.path().join("hello").exists(), "no host build");
    // An unknown value is named too, as the go command names it.
    let (_, err) = fails(run(&mut gbv(
        d.path(),
        &[("GOARCH", "mipsel")],
        &["build", "."],
    )));
    assert!(err.contains("GOARCH=mipsel: not a GOARCH"), "{err}");
}

#[test]
fn gccgo_names_the_compiler() {
    let d = tempfile::tempdir().unwrap();
    module(d.path());
    let vars = [("GCCGO", "mipsel-linux-gnu-gccgo")];
    let v = env_values(
        d.path(),
        &vars,
        &[
            "GOARCH",
            "GCCGOBUILD_TOOLCHAIN",
            "GCCGO",
            "GCCGOBUILD_TARGET_FROM",
        ],
    );
    assert_eq!(
        v,
        [
            "mipsle",
            "mipsel-linux-gnu",
            "/usr/bin/mipsel-linux-gnu-gccgo",
            "GCCGO=mipsel-linux-gnu-gccgo (environment)"
        ]
    );
    let exe = d.path().join("hello-mipsel");
    // Static: a multiarch libc6:mipsel beside Debian's cross one makes
    // qemu's -L /usr/mipsel-linux-gnu load a libc of another build.
    ok(run(&mut gbv(
        d.path(),
        &vars,
        &[
            "build",
            "-link",
            "static",
            "-o",
            &exe.to_string_lossy(),
            ".",
        ],
    )));
    assert_eq!(
        elf_facts(&exe),
        (object::Architecture::Mips, false, object::elf::EM_MIPS.0)
    );
    let (out, _) = ok(run_target(Some("mipsel-linux-gnu"), &exe, &[]));
    assert_eq!(out, "mipsle 1.4142 default\n");
}

#[test]
fn goarch_against_target_or_gccgo_fails() {
    let d = tempfile::tempdir().unwrap();
    module(d.path());
    let out = d.path().join("hello");
    let (_, err) = fails(run(&mut gbv(
        d.path(),
        &[("GOARCH", "mips")],
        &[
            "build",
            "-target",
            "host",
            "-o",
            &out.to_string_lossy(),
            ".",
        ],
    )));
    assert!(
        err.contains("GOARCH=mips (environment) disagrees with -target host")
            && err.contains("linux/amd64"),
        "{err}"
    );
    let (_, err) = fails(run(&mut gbv(
        d.path(),
        &[("GOARCH", "mips"), ("GCCGO", "mipsel-linux-gnu-gccgo")],
        &["build", "."],
    )));
    assert!(
        err.contains("GOARCH=mips (environment) disagrees with GCCGO=mipsel-linux-gnu-gccgo"),
        "{err}"
    );
    let (_, err) = fails(run(&mut gbv(
        d.path(),
        &[("GOARCH", "mips"), ("CC", "mipsel-linux-gnu-gcc")],
        &["build", "."],
    )));
    assert!(
        err.contains("CC=mipsel-linux-gnu-gcc (environment)"),
        "{err}"
    );
    assert!(!out.exists(), "nothing built");
}

#[test]
fn goflags_apply_as_the_go_command_applies_them() {
    let d = tempfile::tempdir().unwrap();
    module(d.path());
    let exe = d.path().join("hello");
    let go = |vars: &[(&str, &str)], args: &[&str]| -> String {
        let mut a = vec!["run"];
        a.extend(args);
        a.push(".");
        ok(run(&mut gbv(d.path(), vars, &a))).0
    };
    assert_eq!(go(&[], &[]), format!("{} 1.4142 default\n", host_goarch()));
    assert_eq!(
        go(&[("GOFLAGS", "-tags=netgo -modcacherw")], &[]),
        format!("{} 1.4142 netgo\n", host_goarch())
    );
    // The command line wins.
    assert_eq!(
        go(&[("GOFLAGS", "-tags=netgo")], &["-tags=other"]),
        format!("{} 1.4142 default\n", host_goarch())
    );
    let (_, err) = fails(run(&mut gbv(
        d.path(),
        &[("GOFLAGS", "-frobnicate")],
        &["build", "-o", &exe.to_string_lossy(), "."],
    )));
    assert!(err.contains("$GOFLAGS: unknown flag -frobnicate"), "{err}");
    let (_, err) = fails(run(&mut gbv(
        d.path(),
        &[("GOFLAGS", "-race")],
        &["build", "."],
    )));
    assert!(
        err.contains("-race is not supported with gccgo: gccgo has no race detector"),
        "{err}"
    );
    // `env` shows GOFLAGS, and does not fail on it (as `go env`).
    let v = env_values(d.path(), &[("GOFLAGS", "-tags=netgo -bogus")], &["GOFLAGS"]);
    assert_eq!(v, ["-tags=netgo -bogus"]);
}

/// The host's GOARCH as runtime.GOARCH prints it.
fn host_goarch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        other => other,
    }
}

#[test]
fn race_msan_asan_and_buildmode_are_refused_in_one_line() {
    let d = tempfile::tempdir().unwrap();
    module(d.path());
    for (flag, want) in [
        (
            "-race",
            "-race is not supported with gccgo: gccgo has no race detector",
        ),
        (
            "-msan",
            "-msan is not supported with gccgo: gccgo has no MemorySanitizer",
        ),
        (
            "-asan",
            "-asan is not supported with gccgo: gccgo has no AddressSanitizer",
        ),
        (
            "-buildmode=c-shared",
            "-buildmode=c-shared: gccgo-build links executables only",
        ),
    ] {
        let o = run(&mut gbv(d.path(), &[], &["build", flag, "."]));
        let (_, err) = fails(o);
        assert!(err.contains(want), "{flag}: {err}");
        assert_eq!(err.lines().count(), 1, "{flag}: one line: {err}");
    }
    ok(run(&mut gbv(
        d.path(),
        &[],
        &["build", "-buildmode=exe", "."],
    )));
}

#[test]
fn p_a_and_o_dir() {
    let d = tempfile::tempdir().unwrap();
    module(d.path());
    let out_dir = d.path().join("bin/");
    let o = out_dir.to_string_lossy().into_owned() + "/";
    ok(run(&mut gbv(
        d.path(),
        &[],
        &["build", "-p", "1", "-o", &o, "."],
    )));
    assert!(out_dir.join("hello").is_file(), "-o DIR/ writes DIR/hello");
    let compiles = |args: &[&str]| -> usize {
        let mut a = vec!["build", "-x", "-o", &o];
        a.extend(args);
        a.push(".");
        let (_, err) = ok(run(&mut gbv(d.path(), &[], &a)));
        err.lines()
            .filter(|l| l.contains("gccgo") && l.contains(" -c "))
            .count()
    };
    assert_eq!(compiles(&[]), 0, "a second build comes from the cache");
    assert_eq!(compiles(&["-a"]), 1, "-a compiles the package again");
    assert_eq!(compiles(&[]), 0, "and stored it");
}

#[test]
fn modfile_is_read_instead_of_go_mod() {
    let d = tempfile::tempdir().unwrap();
    write_tree(
        d.path(),
        &[
            ("lib/go.mod", "module example.com/lib\n"),
            (
                "lib/lib.go",
                "package lib\n\nfunc Name() string { return \"lib via alt.mod\" }\n",
            ),
            ("app/go.mod", "module example.com/app\n\ngo 1.18\n"),
            (
                "app/alt.mod",
                "module example.com/app\n\ngo 1.18\n\nrequire example.com/lib v0.0.0\n\n\
                 replace example.com/lib => ../lib\n",
            ),
            (
                "app/main.go",
                "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/lib\"\n)\n\n\
                 func main() { fmt.Println(lib.Name()) }\n",
            ),
        ],
    );
    let app = d.path().join("app");
    let (_, err) = fails(run(&mut gbv(&app, &[], &["build", "."])));
    assert!(err.contains("example.com/lib"), "{err}");
    let (out, _) = ok(run(&mut gbv(&app, &[], &["run", "-modfile=alt.mod", "."])));
    assert_eq!(out, "lib via alt.mod\n");
    let (_, err) = fails(run(&mut gbv(
        &app,
        &[],
        &["build", "-modfile", "alt.txt", "."],
    )));
    assert!(
        err.contains("-modfile=alt.txt: file does not have .mod extension"),
        "{err}"
    );
}

#[test]
fn help_and_env_speak_the_go_command() {
    let d = tempfile::tempdir().unwrap();
    module(d.path());
    let (help, _) = ok(run(&mut gbv(d.path(), &[], &["build", "-help"])));
    for want in [
        "  -tags <a,b>",
        "  -target <NAME>",
        "  -modfile <FILE>",
        "  -p <N>",
        "  -a",
    ] {
        assert!(help.contains(want), "{want:?} not in:\n{help}");
    }
    assert!(!help.contains("--tags"), "{help}");
    // Both spellings work.
    ok(run(&mut gbv(
        d.path(),
        &[],
        &["build", "--tags=netgo", "-trimpath", "."],
    )));
    let (j, _) = ok(run(&mut gbv(
        d.path(),
        &[("GOARCH", "mips"), ("GOFLAGS", "-tags=netgo")],
        &["env", "-json"],
    )));
    let j: serde_json::Value = serde_json::from_str(&j).expect("env -json");
    assert_eq!(j["GOARCH"], "mips");
    assert_eq!(j["GCCGOBUILD_TARGET_FROM"], "GOARCH=mips (environment)");
    assert_eq!(j["GOFLAGS"], "-tags=netgo");
    // On for a cross target whose C compiler is installed, as the go command.
    let cc = Path::new("/usr/bin/mips-linux-gnu-gcc").exists();
    assert_eq!(j["CGO_ENABLED"], if cc { "1" } else { "0" });
    assert_eq!(j["GOWORK"], "");
    let gomod = d.path().join("go.mod").canonicalize().unwrap();
    assert_eq!(
        Path::new(j["GOMOD"].as_str().unwrap())
            .canonicalize()
            .unwrap(),
        gomod
    );
    assert!(
        j["GOCACHE"].as_str().unwrap().ends_with("gccgo-build"),
        "{j}"
    );
    for k in ["GOPATH", "GCCGO", "CC", "CXX"] {
        assert!(j[k].is_string(), "{k} missing: {j}");
    }
    // `go env -w GOARCH=mips` writes the go env file; it counts too.
    let file = d.path().join("go-env");
    std::fs::write(&file, "GOARCH=mips\n").unwrap();
    let v = env_values(
        d.path(),
        &[("GOENV", &file.to_string_lossy())],
        &["GOARCH", "GCCGOBUILD_TARGET_FROM"],
    );
    assert_eq!(
        v,
        [
            "mips".to_string(),
            format!("GOARCH=mips (go env file {})", file.display())
        ]
    );
}
