//! What a binary takes on an OpenWrt device's flash: `size`, `build --size`
//! and `doctor` print it; the figures are checked against the real `xz`
//! and `gzip` tools (and Python's zlib) run on the same blocks.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;
use object::{Object, ObjectSection};

const HELLO: &str =
    "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello, flash\") }\n";

fn hello() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_tree(
        dir.path(),
        &[
            ("go.mod", "module example.com/hello\n\ngo 1.18\n"),
            ("main.go", HELLO),
        ],
    );
    dir
}

/// The device descriptions the project keeps (../shared/devices, or
/// `$GCCGO_BUILD_SHARED/devices`).
fn device(ext: &str) -> String {
    let shared = std::env::var("GCCGO_BUILD_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    let p = shared
        .join("devices")
        .join(format!("lenovo-y1-mt7620a.{ext}"));
    assert!(
        p.is_file(),
        "{}: missing; the device descriptions come from ../shared/devices beside the \
         checkout, or set GCCGO_BUILD_SHARED to the directory that holds devices/",
        p.display()
    );
    p.to_string_lossy().into_owned()
}

/// The bytes up to the end of the last loaded section (what `size`
/// measures of an unstripped file).
fn loaded(data: &[u8]) -> &[u8] {
    let elf = object::File::parse(data).unwrap();
    let end = elf
        .sections()
        .filter(|s| match s.flags() {
            object::SectionFlags::Elf { sh_flags, .. } => {
                sh_flags.0 & object::elf::SHF_ALLOC.0 != 0
            }
            _ => false,
        })
        .filter_map(|s| s.file_range())
        .map(|(o, n)| o + n)
        .max()
        .unwrap();
    &data[..end as usize]
}

/// Writes `data` into `dir` as numbered files of `block` bytes.
fn split(data: &[u8], block: usize, dir: &Path) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).unwrap();
    data.chunks(block)
        .enumerate()
        .map(|(i, c)| {
            let p = dir.join(format!("b{i:05}"));
            std::fs::write(&p, c).unwrap();
            p
        })
        .collect()
}

/// The squashfs figure by the `xz` tool: each 256 KiB block compressed
/// with OpenWrt's options, or stored when that is not smaller.
fn xz_tool(data: &[u8], tmp: &Path) -> u64 {
    let blocks = split(data, 256 * 1024, &tmp.join("xz"));
    let o = run(Command::new("xz")
        .args([
            "-k",
            "-T1",
            "--format=xz",
            "--check=crc32",
            "--lzma2=preset=9e,lc=0,lp=2,pb=2,dict=256KiB",
        ])
        .args(&blocks));
    ok(o);
    blocks
        .iter()
        .map(|b| {
            let raw = std::fs::metadata(b).unwrap().len();
            let xz = std::fs::metadata(b.with_extension("xz")).unwrap().len();
            xz.min(raw)
        })
        .sum()
}

/// The JFFS2 figure's compressed pages by `gzip -3` (its deflate; the
/// gzip wrapper's 18 bytes swapped for zlib's 6), nodes as the kernel
/// writes them: 68-byte header, payload padded to 4 bytes.
fn gzip_tool(data: &[u8], tmp: &Path) -> u64 {
    let pages = split(data, 4096, &tmp.join("gz"));
    ok(run(Command::new("gzip")
        .args(["-3", "-n", "-k"])
        .args(&pages)));
    pages
        .iter()
        .map(|p| {
            let raw = std::fs::metadata(p).unwrap().len();
            let mut gz = p.clone().into_os_string();
            gz.push(".gz");
            let z = std::fs::metadata(&gz).unwrap().len() - 18 + 6;
            68 + z.min(raw).next_multiple_of(4)
        })
        .sum()
}

/// The same with Python's zlib module (the real zlib, level 3).
fn python_zlib(data: &[u8], tmp: &Path) -> u64 {
    let f = tmp.join("whole");
    std::fs::write(&f, data).unwrap();
    let script = [
        "import sys, zlib",
        "d = open(sys.argv[1], 'rb').read()",
        "t = 0",
        "for i in range(0, len(d), 4096):",
        "    p = d[i:i+4096]",
        "    z = min(len(zlib.compress(p, 3)), len(p))",
        "    t += 68 + (z + 3) // 4 * 4",
        "print(t)",
    ]
    .join("\n");
    let (out, _) = ok(run(Command::new("python3").arg("-c").arg(script).arg(&f)));
    out.trim().parse().unwrap()
}

/// The plain soft-float ramips SDK (as tests/e2e/routers.rs finds it),
/// or `None` (the test is skipped) when this machine has none.
pub(crate) fn ramips_sdk() -> Option<PathBuf> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("toolchains/sdk/build");
    let o = run(Command::new(script).args(["--no-build", "ramips", "plain"]));
    if o.status.code() == Some(3) {
        eprintln!("SKIPPED: no soft-float ramips SDK on this machine");
        return None;
    }
    let (out, _) = ok(o);
    Some(PathBuf::from(out.trim()))
}

/// `size --json` of `exe`: every counted symbol, whatever `--by` says.
pub(crate) fn size_json(exe: &Path) -> serde_json::Value {
    let (out, _) = ok(run(bin().args(["size", "--json"]).arg(exe)));
    serde_json::from_str(&out).unwrap()
}

#[test]
fn size_prints_the_squashfs_xz_and_jffs2_zlib_figures_the_real_tools_give() {
    let m = hello();
    let exe = m.path().join("hello");
    ok(run(bin().current_dir(m.path()).args([
        "build",
        "--size",
        "--no-strip",
        "-o",
        "hello",
        ".",
    ])));
    let j = size_json(&exe);
    let data = std::fs::read(&exe).unwrap();
    let part = loaded(&data);
    assert!(part.len() < data.len(), "the symbol table follows the code");
    let f = &j["flash"];
    assert_eq!(f["raw"].as_u64(), Some(part.len() as u64), "{f}");
    let tmp = tempfile::tempdir().unwrap();
    let xz = f["squashfs_xz"].as_u64().unwrap();
    assert_eq!(xz, xz_tool(part, tmp.path()), "{f}");
    assert!(xz * 2 < part.len() as u64, "{f}");
    let zlib = f["jffs2_zlib"].as_u64().unwrap();
    assert_eq!(zlib, python_zlib(part, tmp.path()), "{f}");
    let gz = gzip_tool(part, tmp.path());
    assert!(zlib.abs_diff(gz) * 100 < gz, "zlib {zlib} vs gzip {gz}");
    assert!(xz < zlib && zlib < part.len() as u64, "{f}");
    // The table says it in one line.
    let (text, _) = ok(run(bin().arg("size").arg(&exe)));
    assert!(
        text.lines()
            .any(|l| l.starts_with("on flash: ") && l.ends_with(" zlib (jffs2)")),
        "{text}"
    );
}

#[test]
fn ramips_sdk_size_build_prints_its_flash_figures_runs_and_doctor_counts_zlib_on_jffs2() {
    let Some(sdk) = ramips_sdk() else { return };
    let m = hello();
    let exe = m.path().join("hello");
    let o = run(bin()
        .current_dir(m.path())
        .arg("build")
        .arg("--sdk")
        .arg(&sdk)
        .args(["--size", "--link", "static", "-o", "hello", "."]));
    let (_, err) = ok(o);
    let line = err
        .lines()
        .find(|l| l.contains("hello: "))
        .unwrap_or_else(|| panic!("{err}"));
    assert!(
        line.contains(" MB (") && line.contains(", on flash ") && line.ends_with(" zlib (jffs2)"),
        "{line}"
    );
    // The stripped file is measured whole: the line's figures are the tools'.
    let data = std::fs::read(&exe).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let mb = |n: u64| match n {
        0..1_000_000 => format!("{:.1} kB", n as f64 / 1e3),
        _ => format!("{:.2} MB", n as f64 / 1e6),
    };
    assert!(
        line.contains(&format!("{} xz", mb(xz_tool(&data, tmp.path())))),
        "{line}"
    );
    let z = python_zlib(&data, tmp.path());
    assert!(line.contains(&format!("{} zlib", mb(z))), "{line}");
    let o = run(Command::new("qemu-mipsel-static")
        .args(["-cpu", "24KEc"])
        .arg(&exe));
    let (out, _) = ok(o);
    assert_eq!(out, "hello, flash\n");
    // doctor: the Y1's /overlay is JFFS2 on /dev/mtdblock6, so zlib's figure counts.
    let (c, u, d) = (device("cpuinfo"), device("uname"), device("df"));
    let o = run(bin()
        .arg("doctor")
        .arg(&exe)
        .args(["--cpuinfo", &c, "--uname", &u, "--df", &d]));
    let (text, _) = ok(o);
    assert!(
        text.contains("/overlay is JFFS2 (on /dev/mtdblock6): the zlib figure is what its 10.6 MiB free are spent on"),
        "{text}"
    );
    let o = run(bin().arg("doctor").arg(&exe).args([
        "--cpuinfo",
        &c,
        "--uname",
        &u,
        "--df",
        &d,
        "--json",
    ]));
    let (js, _) = ok(o);
    let j: serde_json::Value = serde_json::from_str(&js).unwrap();
    assert_eq!(j["flash"]["jffs2_zlib"].as_u64(), Some(z), "{js}");
}

#[test]
fn doctor_holds_the_zlib_figure_against_a_small_jffs2_overlay() {
    // A device with less free than the file but more than its JFFS2 figure
    // fits; one with less than that does not, and the message says both.
    let m = hello();
    let exe = m.path().join("hello");
    ok(run(bin().current_dir(m.path()).args([
        "build",
        "--target",
        "mipsel-linux-gnu",
        "--size",
        "--link",
        "static",
        "-o",
        "hello",
        ".",
    ])));
    let len = std::fs::metadata(&exe).unwrap().len();
    let tmp = tempfile::tempdir().unwrap();
    let z = python_zlib(&std::fs::read(&exe).unwrap(), tmp.path());
    let df = |free: u64| {
        let p = tmp.path().join(format!("df-{free}"));
        std::fs::write(
            &p,
            format!(
                "Filesystem 1K-blocks Used Available Use% Mounted on\n\
                 tmpfs 1024 0 1024 0% /tmp\n\
                 /dev/mtdblock6 12288 100 {} 1% /overlay\n",
                free / 1024
            ),
        )
        .unwrap();
        p
    };
    let c = device("cpuinfo");
    let code = |free: u64| {
        let o = run(bin()
            .arg("doctor")
            .arg(&exe)
            .args(["--cpuinfo", &c, "--libc", "glibc", "--df"])
            .arg(df(free)));
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
        )
    };
    let between = (z + len) / 2;
    // (Debian's hard-float build has other findings on the FPU-less Y1.)
    let (_, text) = code(between);
    assert!(!text.contains("larger than the free space"), "{text}");
    let (status, text) = code(z / 2);
    assert_eq!(status, Some(1), "{text}");
    assert!(
        text.contains(
            "as JFFS2 stores it (zlib, 4 KiB nodes)) is larger than the free space on /overlay"
        ),
        "{text}"
    );
}
