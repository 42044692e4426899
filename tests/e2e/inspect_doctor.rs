//! End-to-end tests of `gccgo-build inspect` and `gccgo-build doctor`: a
//! hello-world module built once per target with the real cross gccgo
//! (mips, mipsel, powerpc, alpha, host; mipsel also fully static), inspected, and
//! cross-checked against binutils' `<triple>-readelf`; doctor run against the
//! real MT7620A router description in shared/devices.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_gccgo-build");

struct Builds {
    _dir: tempfile::TempDir,
    mips: PathBuf,
    mipsel: PathBuf,
    mipsel_static: PathBuf,
    ppc: PathBuf,
    alpha: PathBuf,
    host: PathBuf,
    module: PathBuf,
}

/// Builds the hello world once for every target the tests need.
fn builds() -> &'static Builds {
    static B: OnceLock<Builds> = OnceLock::new();
    B.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let module = dir.path().join("hello");
        std::fs::create_dir_all(&module).expect("mkdir");
        std::fs::write(module.join("go.mod"), "module example.com/hello\n\ngo 1.19\n").expect("go.mod");
        std::fs::write(
            module.join("main.go"),
            "package main\n\nimport (\n\t\"fmt\"\n\t\"math\"\n)\n\nfunc main() { fmt.Println(\"hello\", math.Sqrt(2)) }\n",
        )
        .expect("main.go");
        let build = |target: Option<&str>, extra: &[&str], name: &str| {
            let out = dir.path().join(name);
            build_in(&module, target, extra, &out);
            out
        };
        Builds {
            mips: build(Some("mips-linux-gnu"), &[], "hello-mips"),
            mipsel: build(Some("mipsel-linux-gnu"), &[], "hello-mipsel"),
            mipsel_static: build(Some("mipsel-linux-gnu"), &["--link", "static"], "hello-mipsel-static"),
            ppc: build(Some("powerpc-linux-gnu"), &[], "hello-ppc"),
            alpha: build(Some("alpha-linux-gnu"), &[], "hello-alpha"),
            host: build(None, &[], "hello-host"),
            module,
            _dir: dir,
        }
    })
}

/// `gccgo-build build -j 2 -o OUT [--target T] EXTRA .` in `module`; panics
/// with the build's output when it fails.
fn build_in(module: &Path, target: Option<&str>, extra: &[&str], out: &Path) {
    let mut c = Command::new(BIN);
    c.current_dir(module)
        .args(["build", "-j", "2", "-o"])
        .arg(out);
    if let Some(t) = target {
        c.args(["--target", t]);
    }
    c.args(extra).arg(".");
    let o = c.output().expect("run gccgo-build build");
    assert!(
        o.status.success(),
        "build {} failed:\n{}{}",
        out.display(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .output()
        .expect("run gccgo-build")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn inspect_json(p: &Path) -> Value {
    let o = run(&["inspect", "--json", p.to_str().expect("utf-8 path")]);
    assert!(o.status.success(), "inspect failed: {}", text(&o));
    serde_json::from_slice(&o.stdout).expect("inspect --json prints JSON")
}

/// `<triple>-readelf ARGS FILE` (plain `readelf` for the host), stdout.
fn readelf(triple: Option<&str>, args: &[&str], p: &Path) -> String {
    let tool = match triple {
        Some(t) => format!("{t}-readelf"),
        None => "readelf".into(),
    };
    let o = Command::new(&tool)
        .args(args)
        .arg(p)
        .output()
        .unwrap_or_else(|e| panic!("{tool}: {e}"));
    assert!(
        o.status.success(),
        "{tool} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The value after `key:` on the first readelf line that has it.
fn readelf_field<'a>(out: &'a str, key: &str) -> &'a str {
    out.lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix(key)
                .and_then(|r| r.trim_start().strip_prefix(':'))
        })
        .map(str::trim)
        .unwrap_or_else(|| panic!("readelf printed no `{key}:` line:\n{out}"))
}

/// Size in bytes of a section in `readelf -S -W` output.
fn readelf_section_size(out: &str, name: &str) -> u64 {
    let line = out
        .lines()
        .find(|l| l.split_whitespace().any(|w| w == name))
        .unwrap_or_else(|| panic!("no section {name} in:\n{out}"));
    // `[Nr] Name Type Addr Off Size …`: the Size column follows the name by four words.
    let after: Vec<&str> = line
        .split(']')
        .nth(1)
        .expect("] in section line")
        .split_whitespace()
        .collect();
    u64::from_str_radix(after[4], 16).expect("hex size")
}

/// Checks the fields shared by Debian's 32-bit cross builds against readelf.
fn cross_check(j: &Value, triple: &str, p: &Path) {
    let h = readelf(
        Some(triple),
        &["-h", "-A", "-l", "-p", ".comment", "-S", "-W"],
        p,
    );
    let class = readelf_field(&h, "Class");
    assert_eq!(class, format!("ELF{}", j["class"]), "class vs readelf");
    let data = readelf_field(&h, "Data");
    assert!(
        data.ends_with(&format!("{} endian", j["endian"].as_str().expect("endian"))),
        "{data} vs {}",
        j["endian"]
    );
    let interp = h
        .lines()
        .find_map(|l| l.trim().strip_prefix("[Requesting program interpreter: "))
        .map(|s| s.trim_end_matches(']'));
    assert_eq!(
        j["interpreter"].as_str(),
        interp,
        "interpreter vs readelf -l"
    );
    assert!(
        h.contains(&format!("GCC: (Debian {}", "12.2.0")),
        "readelf .comment: {h}"
    );
    assert_eq!(
        j["go_export_size"].as_u64(),
        Some(readelf_section_size(&h, ".go_export")),
        ".go_export size"
    );
}

#[test]
fn inspect_mips_big_endian_o32_hard_float() {
    let b = builds();
    let j = inspect_json(&b.mips);
    assert_eq!(j["class"], 32);
    assert_eq!(j["endian"], "big");
    assert_eq!(j["machine"], "MIPS");
    assert_eq!(j["goarch"], "mips");
    assert_eq!(j["mips"]["abi"], "o32");
    assert_eq!(j["mips"]["isa"], "MIPS32r2");
    assert_eq!(j["float_abi"]["abi"], "hard");
    assert_eq!(j["linkage"], "dynamic");
    assert_eq!(j["interpreter"], "/lib/ld.so.1");
    assert_eq!(j["libgo"], "static");
    assert!(
        j["needed"]
            .as_array()
            .expect("needed")
            .iter()
            .all(|n| !n.as_str().unwrap_or("").starts_with("libgo"))
    );
    assert_eq!(j["gccgo_version"], "12.2.0");
    assert_eq!(j["go_export"], true);
    cross_check(&j, "mips-linux-gnu", &b.mips);
    // readelf -h -A: the e_flags words and the FP ABI of .MIPS.abiflags.
    let h = readelf(Some("mips-linux-gnu"), &["-h", "-A"], &b.mips);
    let flags = readelf_field(&h, "Flags");
    assert!(
        flags.contains("o32") && flags.contains("mips32r2"),
        "readelf flags: {flags}"
    );
    assert_eq!(
        j["float_abi"]["detail"].as_str(),
        Some(readelf_field(&h, "FP ABI"))
    );
    assert_eq!(j["mips"]["isa"].as_str(), Some(readelf_field(&h, "ISA")));
    // Sections are sorted by size, largest first.
    let sizes: Vec<u64> = j["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .map(|s| s["size"].as_u64().unwrap_or(0))
        .collect();
    assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "{sizes:?}");
}

#[test]
fn inspect_mipsel_little_endian() {
    let b = builds();
    let j = inspect_json(&b.mipsel);
    assert_eq!(
        (j["class"].as_u64(), j["endian"].as_str()),
        (Some(32), Some("little"))
    );
    assert_eq!(j["goarch"], "mipsle");
    assert_eq!(j["mips"]["abi"], "o32");
    assert_eq!(j["float_abi"]["abi"], "hard");
    assert_eq!(j["interpreter"], "/lib/ld.so.1");
    assert_eq!(j["libgo"], "static");
    cross_check(&j, "mipsel-linux-gnu", &b.mipsel);
}

#[test]
fn inspect_mipsel_fully_static() {
    let b = builds();
    let j = inspect_json(&b.mipsel_static);
    assert_eq!(j["linkage"], "static");
    assert_eq!(j["interpreter"], Value::Null);
    assert_eq!(j["needed"].as_array().map(Vec::len), Some(0));
    assert_eq!(j["libgo"], "static");
    let l = readelf(Some("mipsel-linux-gnu"), &["-l", "-d"], &b.mipsel_static);
    assert!(!l.contains("INTERP"), "readelf shows an interpreter: {l}");
    // And it really runs: qemu-user, no sysroot needed for a static binary.
    let o = Command::new("qemu-mipsel-static")
        .arg(&b.mipsel_static)
        .output()
        .expect("qemu-mipsel-static");
    assert!(
        String::from_utf8_lossy(&o.stdout).starts_with("hello 1.41421"),
        "{}",
        text(&o)
    );
}

#[test]
fn inspect_powerpc_float_abi_from_gnu_attributes() {
    let b = builds();
    let j = inspect_json(&b.ppc);
    assert_eq!(
        (j["class"].as_u64(), j["endian"].as_str()),
        (Some(32), Some("big"))
    );
    assert_eq!(j["machine"], "PowerPC");
    assert_eq!(j["goarch"], "ppc");
    assert_eq!(j["mips"], Value::Null);
    assert_eq!(j["float_abi"]["abi"], "hard");
    assert_eq!(j["float_abi"]["source"], ".gnu.attributes");
    assert_eq!(j["libgo"], "static");
    assert_eq!(j["gccgo_version"], "12.2.0");
    cross_check(&j, "powerpc-linux-gnu", &b.ppc);
    let a = readelf(Some("powerpc-linux-gnu"), &["-A"], &b.ppc);
    assert_eq!(
        j["float_abi"]["detail"].as_str(),
        Some(readelf_field(&a, "Tag_GNU_Power_ABI_FP"))
    );
}

#[test]
fn inspect_alpha_is_64_bit_little_endian() {
    let b = builds();
    let j = inspect_json(&b.alpha);
    assert_eq!(
        (j["class"].as_u64(), j["endian"].as_str()),
        (Some(64), Some("little"))
    );
    assert_eq!(j["machine"], "Alpha");
    assert_eq!(j["goarch"], "alpha");
    assert_eq!(j["libgo"], "static");
    let h = readelf(Some("alpha-linux-gnu"), &["-h", "-l"], &b.alpha);
    assert_eq!(readelf_field(&h, "Machine"), "Alpha");
    assert_eq!(readelf_field(&h, "Class"), "ELF64");
    let interp = h
        .lines()
        .find_map(|l| l.trim().strip_prefix("[Requesting program interpreter: "))
        .map(|s| s.trim_end_matches(']'));
    assert_eq!(j["interpreter"].as_str(), interp);
    // On the 32-bit MIPS router it is simply the wrong machine.
    let (code, out) = doctor(Some(&b.alpha), true);
    assert_eq!(code, 1, "{out}");
    let d: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(d["findings"][0]["code"], "wrong-machine");
}

#[test]
fn inspect_host_x86_64() {
    let b = builds();
    let j = inspect_json(&b.host);
    assert_eq!(
        (j["class"].as_u64(), j["endian"].as_str()),
        (Some(64), Some("little"))
    );
    assert_eq!(j["machine"], "x86-64");
    assert_eq!(j["goarch"], "amd64");
    assert_eq!(j["libgo"], "static");
    assert_eq!(j["go_export"], true);
    let h = readelf(None, &["-h", "-l", "-S", "-W"], &b.host);
    assert_eq!(
        readelf_field(&h, "Machine"),
        "Advanced Micro Devices X86-64"
    );
    let interp = h
        .lines()
        .find_map(|l| l.trim().strip_prefix("[Requesting program interpreter: "))
        .map(|s| s.trim_end_matches(']'));
    assert_eq!(j["interpreter"].as_str(), interp);
    assert_eq!(
        j["go_export_size"].as_u64(),
        Some(readelf_section_size(&h, ".go_export"))
    );
}

#[test]
fn inspect_stripped_size_estimate_matches_real_strip() {
    let b = builds();
    let j = inspect_json(&b.mipsel);
    let estimate = j["file_size"].as_u64().unwrap_or(0) - j["removable_size"].as_u64().unwrap_or(0);
    let out = b.mipsel.with_extension("stripped");
    let o = Command::new("mipsel-linux-gnu-strip")
        .args(["--strip-all", "-R", ".go_export", "-o"])
        .arg(&out)
        .arg(&b.mipsel)
        .output()
        .expect("strip");
    assert!(o.status.success(), "{}", text(&o));
    let real = std::fs::metadata(&out).expect("stripped file").len();
    let diff = real.abs_diff(estimate) as f64 / real as f64;
    assert!(diff < 0.06, "estimate {estimate} vs strip {real}");
    let s = inspect_json(&out);
    assert_eq!(s["symtab"], false);
    // Stripped of .symtab, libgo still shows through .dynsym.
    assert_eq!(s["libgo"], "static");
}

/// Regression: `inspect` said `libgo: none` for a `--size --link static`
/// build, which links libgo in and strips every symbol (and `.go_export`)
/// that used to show it. libgo's runtime strings in `.rodata` still do.
#[test]
fn inspect_said_libgo_none_for_static_stripped_size_build() {
    let b = builds();
    let work = tempfile::tempdir().expect("tempdir");
    for (target, run_with) in [
        (None, None),
        (Some("mipsel-linux-gnu"), Some("qemu-mipsel-static")),
    ] {
        let out = work
            .path()
            .join(format!("size-static-{}", target.unwrap_or("host")));
        build_in(&b.module, target, &["--size", "--link", "static"], &out);
        let j = inspect_json(&out);
        assert_eq!(
            (
                j["linkage"].as_str(),
                j["symtab"].as_bool(),
                j["go_export"].as_bool()
            ),
            (Some("static"), Some(false), Some(false)),
            "{target:?}: not the stripped static file the bug needs"
        );
        assert_eq!(j["libgo"], "static", "{target:?}: {}", j["libgo_evidence"]);
        assert!(
            j["libgo_evidence"]
                .as_str()
                .is_some_and(|e| e.contains("runtime string") && e.contains(".rodata")),
            "{target:?}: {}",
            j["libgo_evidence"]
        );
        let o = run(&["inspect", out.to_str().expect("utf-8")]);
        let human = String::from_utf8_lossy(&o.stdout);
        assert!(
            human.lines().any(|l| l.starts_with("libgo: static (")),
            "{human}"
        );
        // And the file is a working program, libgo and all.
        let o = match run_with {
            Some(q) => Command::new(q).arg(&out).output().expect("qemu-user"),
            None => Command::new(&out).output().expect("run the host build"),
        };
        assert!(
            String::from_utf8_lossy(&o.stdout).starts_with("hello 1.41421"),
            "{}",
            text(&o)
        );
    }
}

#[test]
fn inspect_gc_binary_has_buildinfo_and_no_libgo() {
    let b = builds();
    let work = tempfile::tempdir().expect("tempdir");
    let out = work.path().join("hello-gc");
    let o = Command::new("go")
        .current_dir(&b.module)
        .args(["build", "-o"])
        .arg(&out)
        .arg(".")
        .env("GOCACHE", work.path().join("cache"))
        .env("GOPATH", work.path().join("gopath"))
        .env("GOPROXY", "off")
        .env("GOFLAGS", "-mod=mod")
        .env("CGO_ENABLED", "0")
        .output()
        .expect("go build");
    assert!(o.status.success(), "go build: {}", text(&o));
    let j = inspect_json(&out);
    let v = Command::new("go")
        .arg("version")
        .arg(&out)
        .output()
        .expect("go version");
    // `go version FILE` prints `FILE: go1.19.8`.
    let gv = String::from_utf8_lossy(&v.stdout);
    let want = gv.trim().rsplit(' ').next().unwrap_or("");
    assert_eq!(j["go_buildinfo"]["go_version"].as_str(), Some(want));
    assert_eq!(j["go_buildinfo"]["path"], "example.com/hello");
    assert_eq!(j["go_buildinfo"]["main_module"], "example.com/hello");
    assert_eq!(j["libgo"], "none");
    assert_eq!(j["go_export"], false);
    assert_eq!(j["linkage"], "static");
}

#[test]
fn inspect_human_output_is_field_per_line() {
    let b = builds();
    let o = run(&["inspect", b.mips.to_str().expect("utf-8")]);
    assert!(o.status.success(), "{}", text(&o));
    let s = String::from_utf8_lossy(&o.stdout);
    for want in [
        "class: ELF32",
        "endian: big",
        "machine: MIPS",
        "mips_abi: o32",
        "interpreter: /lib/ld.so.1",
        "gccgo_version: 12.2.0",
    ] {
        assert!(s.lines().any(|l| l == want), "no line `{want}` in:\n{s}");
    }
    assert!(s.lines().all(|l| l.contains(": ")), "{s}");
}

#[test]
fn inspect_rejects_a_shell_script() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("x.sh");
    std::fs::write(&p, "#!/bin/sh\necho hi\n").expect("write");
    let o = run(&["inspect", p.to_str().expect("utf-8")]);
    assert!(!o.status.success());
    assert!(text(&o).contains("not an ELF file"), "{}", text(&o));
}

/// Regression: `inspect --help` showed the Rust type name `ElfInfo` (a
/// docstring that clap turned into the `--json` help). Help text is for
/// users: no Rust type or path may leak into it, for inspect or doctor.
#[test]
fn inspect_help_names_no_rust_type() {
    for cmd in ["inspect", "doctor"] {
        let o = run(&[cmd, "--help"]);
        assert!(o.status.success(), "{}", text(&o));
        let help = String::from_utf8_lossy(&o.stdout);
        assert!(help.contains("-json"), "{help}");
        for leak in ["ElfInfo", "Option<", "Vec<", "::"] {
            assert!(
                !help.contains(leak),
                "`{cmd} --help` shows `{leak}`:\n{help}"
            );
        }
    }
}

fn device(ext: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/devices")
        .join(format!("lenovo-y1-mt7620a.{ext}"))
        .to_string_lossy()
        .into_owned()
}

fn doctor(binary: Option<&Path>, json: bool) -> (i32, String) {
    let (c, u, d) = (device("cpuinfo"), device("uname"), device("df"));
    let mut args = vec!["doctor"];
    let bs;
    if let Some(b) = binary {
        bs = b.to_string_lossy().into_owned();
        args.push(&bs);
    }
    args.extend(["--cpuinfo", &c, "--uname", &u, "--df", &d]);
    if json {
        args.push("--json");
    }
    let o = run(&args);
    (o.status.code().unwrap_or(-1), text(&o))
}

#[test]
fn doctor_big_endian_mips_on_mt7620a_explains_the_syntax_error() {
    let (code, out) = doctor(Some(&builds().mips), false);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("error: wrong byte order"), "{out}");
    assert!(
        out.contains("line 1: syntax error: unexpected \"(\""),
        "{out}"
    );
    assert!(out.contains("--target mipsel-linux-gnu"), "{out}");
    assert!(out.contains("GOARCH=mipsle"), "{out}");
    let (code, out) = doctor(Some(&builds().mips), true);
    assert_eq!(code, 1);
    let j: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(j["findings"][0]["code"], "wrong-endianness");
    assert_eq!(j["exit_status"], 1);
}

#[test]
fn doctor_mipsel_on_mt7620a_warns_hard_float_and_missing_loader() {
    let (code, out) = doctor(Some(&builds().mipsel), true);
    let j: Value = serde_json::from_str(&out).expect("json");
    let f: Vec<(&str, &str)> = j["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["severity"].as_str().unwrap_or(""),
                f["code"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        f,
        [
            ("error", "missing-interpreter"),
            ("warning", "hard-float-without-fpu")
        ]
    );
    assert_eq!(code, 1);
    let fpu = &j["findings"][1];
    assert!(
        fpu["symptom"]
            .as_str()
            .is_some_and(|s| s.contains("Illegal instruction")),
        "{fpu}"
    );
    assert!(
        fpu["fix"]
            .as_str()
            .is_some_and(|s| s.contains("-msoft-float")),
        "{fpu}"
    );
    let interp = &j["findings"][0];
    assert!(
        interp["problem"]
            .as_str()
            .is_some_and(|s| s.contains("/lib/ld-musl-mipsel-sf.so.1")),
        "{interp}"
    );
}

#[test]
fn doctor_static_mipsel_on_mt7620a_only_warns_and_exits_0() {
    let (code, out) = doctor(Some(&builds().mipsel_static), false);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("warning: hard-float code"), "{out}");
    assert!(out.contains("symptom:") && out.contains("fix:"), "{out}");
    assert!(!out.contains("\nerror:"), "{out}");
}

#[test]
fn doctor_powerpc_on_mt7620a_is_the_wrong_machine() {
    let (code, out) = doctor(Some(&builds().ppc), true);
    assert_eq!(code, 1, "{out}");
    let j: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(j["findings"][0]["code"], "wrong-machine");
    assert_eq!(j["findings"].as_array().map(Vec::len), Some(1));
}

#[test]
fn doctor_without_binary_recommends_mipsel_soft_float() {
    let (code, out) = doctor(None, true);
    assert_eq!(code, 0, "{out}");
    let j: Value = serde_json::from_str(&out).expect("json");
    let r = &j["recommendation"];
    assert_eq!(r["triple"], "mipsel-linux-gnu");
    assert_eq!(r["openwrt_triple"], "mipsel-openwrt-linux-musl");
    assert_eq!(r["goarch"], "mipsle");
    assert_eq!(r["float_abi"], "soft");
    assert!(
        r["gccgoflags"]
            .as_array()
            .expect("flags")
            .iter()
            .any(|f| f == "-msoft-float")
    );
    assert_eq!(j["device"]["endian"], "little");
    assert_eq!(j["device"]["fpu"], false);
    let (_, text) = doctor(None, false);
    assert!(
        text.contains("goarch: mipsle") && text.contains("float abi: soft"),
        "{text}"
    );
}

#[test]
fn doctor_host_binary_on_this_machine_finds_nothing() {
    // This machine's own description: the host build must pass.
    let dir = tempfile::tempdir().expect("tempdir");
    let cpuinfo = dir.path().join("cpuinfo");
    std::fs::copy("/proc/cpuinfo", &cpuinfo).expect("copy /proc/cpuinfo");
    let uname = dir.path().join("uname");
    let o = Command::new("uname").arg("-a").output().expect("uname -a");
    std::fs::write(&uname, &o.stdout).expect("write uname");
    let o = run(&[
        "doctor",
        builds().host.to_str().expect("utf-8"),
        "--cpuinfo",
        cpuinfo.to_str().expect("utf-8"),
        "--uname",
        uname.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        text(&o).contains("result: no problems found"),
        "{}",
        text(&o)
    );
}
