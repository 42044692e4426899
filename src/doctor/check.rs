//! Check: holds a binary (`inspect`'s [`ElfInfo`]) against a [`Device`] and
//! names each problem as a [`Finding`]: first whether the kernel can load
//! it at all (machine, word size, byte order), then, for a program that
//! starts, the ISA, the float ABI and the loader, and for any program the
//! shared libgo and the free space. Pure: reads no file, runs nothing.

use super::{Device, Finding, Mount, Recommendation, Severity};
use crate::inspect::{ElfInfo, human_bytes};
use crate::sizes::flash::Flash;
use crate::target;

/// Architecture family of an ELF `e_machine` (the names of [`Device::arch`]:
/// `mips`, `ppc`, `x86` …), read from the architecture table
/// ([`target::family_of_machine`]); `unknown` for a machine with no Go port.
pub fn arch_of_elf(e_machine: u16) -> &'static str {
    target::family_of_machine(e_machine).unwrap_or("unknown")
}

/// The C library an interpreter path belongs to: `ld-musl-*` musl,
/// `ld-uClibc*` uClibc, anything else (`ld-linux*`, `ld.so.1`, `ld64.so.*`) glibc.
pub fn libc_of_interpreter(interp: &str) -> &'static str {
    if interp.contains("ld-musl") {
        "musl"
    } else if interp.contains("uClibc") {
        "uclibc"
    } else {
        "glibc"
    }
}

/// The loader path a device's libc uses for a GOARCH and float ABI: musl's
/// `/lib/ld-musl-<arch>[-sf].so.1` (musl's `LDSO_ARCH`: the table's
/// [`Arch::musl_ldso`](target::Arch::musl_ldso), then `hf` for hard-float
/// ARM and `-sf` for soft-float MIPS and PowerPC), uClibc's
/// `/lib/ld-uClibc.so.0`; `None` for glibc (it varies by port) and for a
/// GOARCH musl has no port for.
pub fn expected_loader(libc: &str, goarch: &str, soft: bool) -> Option<String> {
    match libc {
        "musl" => {
            let a = target::arch(goarch)?;
            let name = a.musl_ldso?;
            let suffix = match a.family {
                "arm" if !soft => "hf",
                "mips" | "ppc" if soft => "-sf",
                _ => "",
            };
            Some(format!("/lib/ld-musl-{name}{suffix}.so.1"))
        }
        "uclibc" => Some("/lib/ld-uClibc.so.0".into()),
        _ => None,
    }
}

fn finding(
    severity: Severity,
    code: &str,
    problem: String,
    symptom: Option<String>,
    fix: Option<String>,
) -> Finding {
    Finding {
        severity,
        code: code.into(),
        problem,
        symptom,
        fix,
    }
}

/// The `--target` advice for a rebuild: Debian triple, and the OpenWrt one when known.
fn target_advice(r: &Recommendation) -> String {
    match (&r.triple, &r.openwrt_triple, &r.goarch) {
        (Some(t), Some(o), Some(g)) => format!(
            "rebuild with `--target {t}` (Debian's cross toolchain, GOARCH={g}) or, with the OpenWrt SDK's gccgo, `--target {o}`"
        ),
        (Some(t), None, Some(g)) => format!("rebuild with `--target {t}` (GOARCH={g})"),
        _ => "rebuild for the device's architecture (see the recommendation below)".into(),
    }
}

/// Holds a binary against a device; one [`Finding`] per problem, errors first.
/// Its size is the file's ([`check_on_flash`] with no flash figure).
pub fn check(b: &ElfInfo, d: &Device, rec: &Recommendation) -> Vec<Finding> {
    check_on_flash(b, d, rec, None)
}

/// [`check`], with what the binary takes on the device's flash
/// (`sizes::flash`): on a JFFS2 overlay (`/overlay` on an `mtdblock`, as
/// OpenWrt mounts NOR flash), the zlib figure is what `df`'s free space
/// is spent on, so it is held against it; elsewhere the file's size.
pub fn check_on_flash(
    b: &ElfInfo,
    d: &Device,
    rec: &Recommendation,
    flash: Option<&Flash>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    // A program the kernel cannot load has no run-time problems worth naming.
    let unloadable = load_error(b, d, rec);
    let runs = unloadable.is_none();
    out.extend(unloadable);
    if runs {
        out.extend(endianness_unknown(b, d));
        out.extend(isa_too_new(b, d, rec));
        out.extend(hard_float_without_fpu(b, d, rec));
        out.extend(missing_interpreter(b, d, rec));
    }
    out.extend(libgo_shared(b));
    out.extend(too_big(b, d, flash));
    // Stable: within a severity, findings keep the order above.
    out.sort_by_key(|f| match f.severity {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Note => 2,
    });
    out
}

/// What a shell prints when the kernel refuses a binary for another machine.
const ENOEXEC_SYMPTOM: &str = "the kernel does not recognise the file as a program it can run (execve fails with ENOEXEC), \
                   so the shell falls back to running it as a shell script and trips over the ELF bytes: \
                   `line 1: syntax error: unexpected \"(\"` from busybox ash, or `cannot execute binary file: Exec format error`";

/// Why the kernel cannot load the binary at all, checked in the order the
/// kernel does: wrong machine, then 64-bit code on a 32-bit kernel, then
/// the wrong byte order. `None` when it loads (or when the device does not
/// say enough to tell).
fn load_error(b: &ElfInfo, d: &Device, rec: &Recommendation) -> Option<Finding> {
    let goarch = b.goarch.as_deref().unwrap_or("?");
    if d.arch != "unknown" && arch_of_elf(b.e_machine) != d.arch {
        return Some(finding(
            Severity::Error,
            "wrong-machine",
            format!(
                "wrong machine: the binary is {} code (GOARCH {goarch}) but the device is {} ({})",
                b.machine,
                d.arch,
                d.cpu_model.as_deref().unwrap_or("cpu model not given")
            ),
            Some(ENOEXEC_SYMPTOM.into()),
            Some(target_advice(rec)),
        ));
    }
    if b.class == 64 && d.bits == Some(32) {
        return Some(finding(
            Severity::Error,
            "wrong-word-size",
            format!(
                "wrong word size: the binary is 64-bit (ELF64) but the device runs a 32-bit kernel (uname machine `{}`)",
                d.uname_machine.as_deref().unwrap_or("?")
            ),
            Some(ENOEXEC_SYMPTOM.into()),
            Some(target_advice(rec)),
        ));
    }
    let e = d.endian.as_deref().filter(|e| *e != b.endian)?;
    Some(finding(
        Severity::Error,
        "wrong-endianness",
        format!(
            "wrong byte order: the binary is {}-endian {} (GOARCH {goarch}) but the device is {e}-endian ({})",
            b.endian,
            b.machine,
            d.endian_source.as_deref().unwrap_or("")
        ),
        Some(ENOEXEC_SYMPTOM.into()),
        Some(target_advice(rec)),
    ))
}

/// A note when the device's byte order is unknown, so a byte-order mismatch
/// could not be ruled out.
fn endianness_unknown(b: &ElfInfo, d: &Device) -> Option<Finding> {
    if d.endian.is_some() {
        return None;
    }
    Some(finding(
        Severity::Note,
        "endianness-unknown",
        format!(
            "cannot tell the device's byte order (the binary is {}-endian): cpuinfo does not state it and the SoC `{}` is not known",
            b.endian,
            d.system_type.as_deref().unwrap_or("?")
        ),
        None,
        Some("pass --endian little or --endian big".into()),
    ))
}

/// A MIPS binary whose ISA is not among the ISAs cpuinfo lists.
fn isa_too_new(b: &ElfInfo, d: &Device, rec: &Recommendation) -> Option<Finding> {
    let m = b
        .mips
        .as_ref()
        .filter(|m| !d.isa.is_empty() && !d.isa.contains(&m.cpuinfo_isa))?;
    Some(finding(
        Severity::Error,
        "isa-too-new",
        format!(
            "the binary needs {} ({} ABI) but the CPU implements only {}",
            m.isa,
            m.abi,
            d.isa.join(" ")
        ),
        Some("the program dies with `Illegal instruction` (SIGILL) at the first instruction the CPU lacks, often at once".into()),
        Some(format!(
            "rebuild with `--gccgoflags \"-O2 -g -march={}\"`, using a toolchain whose libgo was built for that ISA \
             (libgo is precompiled at the toolchain's default ISA, which -march does not change)",
            rec.gccgoflags
                .iter()
                .find_map(|f| f.strip_prefix("-march="))
                .unwrap_or("<the device's ISA>")
        )),
    ))
}

/// Hard-float (or single-float) code on a core without an FPU.
fn hard_float_without_fpu(b: &ElfInfo, d: &Device, rec: &Recommendation) -> Option<Finding> {
    let f = b
        .float_abi
        .as_ref()
        .filter(|f| f.abi == "hard" || f.abi == "single")?;
    if d.fpu != Some(false) {
        return None;
    }
    Some(finding(
        Severity::Warning,
        "hard-float-without-fpu",
        format!(
            "hard-float code ({} from {}) on a core without an FPU ({})",
            f.detail,
            f.source,
            d.fpu_source.as_deref().unwrap_or("")
        ),
        Some(
            "every floating-point instruction traps into the kernel: a kernel with the FPU emulator \
             (`CONFIG_MIPS_FP_SUPPORT`, upstream's default) runs it, slowly (minion's selftest took about \
             2.2 times as long as the soft-float build's on a 24KEc under `-runner system`); OpenWrt builds \
             ath79 and ramips kernels without it unless `CONFIG_KERNEL_MIPS_FPU_EMULATOR=y`, and there \
             the program dies with `Illegal instruction` (SIGILL)"
                .into(),
        ),
        Some(format!(
            "build soft-float: `--gccgoflags \"-O2 -g -msoft-float\" --ldflags -msoft-float` with a soft-float toolchain and libgo, \
             such as an OpenWrt SDK's gccgo{}; Debian's {}-gccgo, its libgo and crt files are hard-float, so -msoft-float \
             there only mixes ABIs (ld warns `uses -mhard-float`) and the program stays hard-float (gc: GOMIPS=softfloat)",
            rec.openwrt_triple.as_deref().map(|t| format!(" (`--target {t}`)")).unwrap_or_default(),
            rec.triple.as_deref().unwrap_or("cross")
        )),
    ))
}

/// A dynamic binary whose loader is not the device's: another libc's, or
/// the device libc's under another name (musl's `-sf` for soft float).
fn missing_interpreter(b: &ElfInfo, d: &Device, rec: &Recommendation) -> Option<Finding> {
    let (interp, libc) = (b.interpreter.as_ref()?, d.libc.as_ref()?);
    let blibc = libc_of_interpreter(interp);
    let soft = d.fpu == Some(false);
    let want = b
        .goarch
        .as_deref()
        .and_then(|g| expected_loader(libc, g, soft));
    let mismatch = blibc != libc || want.as_deref().is_some_and(|w| w != interp);
    if !mismatch {
        return None;
    }
    let have = want
        .as_deref()
        .map(|w| format!(", whose loader is {w}"))
        .unwrap_or_default();
    Some(finding(
        Severity::Error,
        "missing-interpreter",
        format!(
            "the binary asks for the {blibc} loader {interp}, but the device uses {libc}{have} ({}): \
             there is no {interp} on it{}",
            d.libc_source.as_deref().unwrap_or(""),
            if b.needed.is_empty() {
                String::new()
            } else {
                format!(", nor its {}", b.needed.join(", "))
            }
        ),
        Some(format!(
            "running it prints `./prog: not found` (busybox ash) although the file is there: what is missing is {interp}"
        )),
        Some(format!(
            "link fully static so no loader or libc is needed (`--link static`), install {blibc}'s loader and \
             libraries on the device, or build with a {libc} toolchain{}",
            rec.openwrt_triple
                .as_deref()
                .map(|t| format!(" (`--target {t}`)"))
                .unwrap_or_default()
        )),
    ))
}

/// A binary that needs `libgo.so` on the device (`--link dynamic`).
fn libgo_shared(b: &ElfInfo) -> Option<Finding> {
    if b.libgo != "shared" {
        return None;
    }
    let lib = b
        .needed
        .iter()
        .find(|n| n.starts_with("libgo.so"))
        .cloned()
        .unwrap_or_default();
    Some(finding(
        Severity::Warning,
        "libgo-shared",
        format!("the binary needs {lib} on the device (linked with --link dynamic)"),
        Some(format!("without it: `error while loading shared libraries: {lib}` (glibc) or `Error loading shared library {lib}` (musl)")),
        Some("install the toolchain's libgo on the device, or link it in: `--link static-libgo` (the default) or `--link static`".into()),
    ))
}

/// A binary larger than the free space of the device's persistent file
/// system (`/overlay`, else `/`): a warning when it fits in `/tmp` (RAM),
/// an error when not. `None` when df was not given or it fits. On JFFS2
/// ([`jffs2`]) with `flash` known, the size is the zlib figure.
fn too_big(b: &ElfInfo, d: &Device, flash: Option<&Flash>) -> Option<Finding> {
    let mount = |p: &str| d.mounts.iter().find(|m| m.mounted_on == p);
    let p = mount("/overlay").or_else(|| mount("/"))?;
    let tmp = mount("/tmp");
    let on_jffs2 = flash.filter(|_| jffs2(p));
    let size = on_jffs2.map_or(b.file_size, |f| f.jffs2_zlib);
    if size <= p.available {
        return None;
    }
    let what = match on_jffs2 {
        Some(f) => format!(
            "{}, {} as JFFS2 stores it (zlib, 4 KiB nodes)",
            human_bytes(b.file_size),
            human_bytes(f.jffs2_zlib)
        ),
        None => human_bytes(size),
    };
    // What stripping leaves, compressed as much as the whole file was.
    let stripped = b.file_size.saturating_sub(b.removable_size) as u128 * u128::from(size)
        / u128::from(b.file_size.max(1));
    let stripped = stripped as u64;
    let (sev, code, tail) = match tmp.filter(|t| b.file_size <= t.available) {
        Some(t) => (
            Severity::Warning,
            "fits-only-tmp",
            format!(
                "; it fits in /tmp ({} free), which is RAM and lost at reboot",
                human_bytes(t.available)
            ),
        ),
        None => (Severity::Error, "too-big", String::new()),
    };
    Some(finding(
        sev,
        code,
        format!(
            "the binary ({what}) is larger than the free space on {} ({}){tail}",
            p.mounted_on,
            human_bytes(p.available)
        ),
        Some("copying it fails with `No space left on device`, or leaves a truncated file".into()),
        Some(format!(
            "{}({}); or run it from /tmp",
            strip_advice(b),
            if stripped <= p.available {
                "that fits"
            } else {
                "still too big: drop packages or use -Os"
            }
        )),
    ))
}

/// Whether a mount is JFFS2 as OpenWrt sets it up: a NOR flash partition
/// (`/dev/mtdblockN`) as the overlay or root. (A NAND device's overlay is
/// UBIFS on `ubiN_M`; x86 images use ext4 or f2fs on a loop device.)
pub fn jffs2(m: &Mount) -> bool {
    m.filesystem.starts_with("/dev/mtdblock")
}

/// How to make the binary smaller: rebuild with `--size` or strip it with
/// Debian's `<triple>-strip` (the triple from the architecture table), with
/// the size that leaves; empty when stripping would remove nothing.
fn strip_advice(b: &ElfInfo) -> String {
    let stripped = b.file_size.saturating_sub(b.removable_size);
    if stripped >= b.file_size {
        return String::new();
    }
    format!(
        "rebuild with `gccgo-build build --size` (-Os, --gc-sections, stripped), or \
         strip it: `{}-strip --strip-all -R .go_export prog` leaves about {} ",
        b.goarch
            .as_deref()
            .and_then(target::arch)
            .and_then(|a| a.debian_triple)
            .unwrap_or("<triple>"),
        human_bytes(stripped)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::{describe_device, recommend};
    use crate::inspect::{FloatAbi, MipsInfo};

    const Y1_CPUINFO: &str = "system type : MediaTek MT7620A ver:2 eco:6\nmachine : Lenovo Y1\n\
cpu model : MIPS 24KEc V5.0\nisa : mips1 mips2 mips32r1 mips32r2\n";
    const Y1_UNAME: &str = "Linux OpenWrt 4.14.151 #0 Tue Nov 5 14:12:18 2019 mips GNU/Linux";
    const Y1_DF: &str = "Filesystem Size Used Available Use% Mounted on\n\
tmpfs 61.2M 1.3M 60.0M 2% /tmp\n/dev/mtdblock6 12.0M 1.5M 10.6M 12% /overlay\n";

    /// An o32 MIPS32r2 hard-float glibc PIE as Debian's cross gccgo links it.
    fn debian_mips(big: bool) -> ElfInfo {
        ElfInfo {
            path: "prog".into(),
            file_size: 4 << 20,
            class: 32,
            endian: if big { "big" } else { "little" }.into(),
            machine: "MIPS".into(),
            e_machine: object::elf::EM_MIPS.0,
            goarch: Some(if big { "mips" } else { "mipsle" }.into()),
            elf_type: "DYN".into(),
            pie: true,
            e_flags: 0x7000_1007,
            mips: Some(MipsInfo {
                abi: "o32".into(),
                isa: "MIPS32r2".into(),
                cpuinfo_isa: "mips32r2".into(),
                isa_e_flags: "MIPS32r2".into(),
                abiflags: true,
                fp_abi: Some(5),
                gpr_size: Some(32),
                nan2008: false,
                fp64: false,
                pic: true,
            }),
            float_abi: Some(FloatAbi {
                abi: "hard".into(),
                detail: "Hard float (32-bit CPU, Any FPU)".into(),
                source: ".MIPS.abiflags".into(),
            }),
            linkage: "dynamic".into(),
            libc: Some("glibc (its loader /lib/ld.so.1)".into()),
            interpreter: Some("/lib/ld.so.1".into()),
            needed: vec!["libc.so.6".into()],
            libgo: "static".into(),
            libgo_evidence: None,
            gccgo_version: Some("12.2.0".into()),
            comment: vec![],
            go_export: true,
            go_export_size: Some(600_000),
            go_buildinfo: None,
            symtab: true,
            debug_info: true,
            removable_size: 1 << 20,
            sections: vec![],
        }
    }

    fn codes(b: &ElfInfo, d: &Device) -> Vec<(Severity, String)> {
        check(b, d, &recommend(d))
            .into_iter()
            .map(|f| (f.severity, f.code))
            .collect()
    }

    fn y1() -> Device {
        describe_device(Y1_CPUINFO, Some(Y1_UNAME), Some(Y1_DF))
    }

    #[test]
    fn big_endian_on_mt7620a_is_the_shell_syntax_error() {
        let d = y1();
        let f = check(&debian_mips(true), &d, &recommend(&d));
        assert_eq!(f[0].code, "wrong-endianness");
        assert_eq!(f[0].severity, Severity::Error);
        assert!(
            f[0].symptom
                .as_deref()
                .is_some_and(|s| s.contains("unexpected \"(\""))
        );
        assert!(
            f[0].fix
                .as_deref()
                .is_some_and(|s| s.contains("--target mipsel-linux-gnu"))
        );
        // A program that cannot start has no further run-time findings.
        assert!(
            !f.iter()
                .any(|x| x.code == "hard-float-without-fpu" || x.code == "missing-interpreter")
        );
    }

    #[test]
    fn little_endian_glibc_on_openwrt_lacks_its_loader_and_fpu() {
        let c = codes(&debian_mips(false), &y1());
        assert_eq!(
            c,
            [
                (Severity::Error, "missing-interpreter".to_string()),
                (Severity::Warning, "hard-float-without-fpu".to_string())
            ]
        );
    }

    #[test]
    fn static_little_endian_only_warns() {
        let mut b = debian_mips(false);
        b.linkage = "static".into();
        b.interpreter = None;
        b.needed.clear();
        assert_eq!(
            codes(&b, &y1()),
            [(Severity::Warning, "hard-float-without-fpu".to_string())]
        );
    }

    #[test]
    fn isa_and_machine_and_word_size() {
        let mut d = y1();
        d.isa = vec!["mips1".into(), "mips2".into(), "mips32r1".into()];
        d.libc = None;
        assert_eq!(
            codes(&debian_mips(false), &d)[0],
            (Severity::Error, "isa-too-new".to_string())
        );
        let mut ppc = debian_mips(true);
        ppc.machine = "PowerPC".into();
        ppc.e_machine = object::elf::EM_PPC.0;
        ppc.mips = None;
        assert_eq!(
            codes(&ppc, &d),
            [(Severity::Error, "wrong-machine".to_string())]
        );
        let mut m64 = debian_mips(false);
        m64.class = 64;
        assert_eq!(
            codes(&m64, &d)[0],
            (Severity::Error, "wrong-word-size".to_string())
        );
    }

    #[test]
    fn size_against_overlay_and_tmp() {
        let mut b = debian_mips(false);
        b.interpreter = None;
        b.float_abi = None;
        b.file_size = 20 << 20; // 20 MiB: over the 10.6 MiB overlay, under the 60 MiB tmpfs
        assert_eq!(
            codes(&b, &y1()),
            [(Severity::Warning, "fits-only-tmp".to_string())]
        );
        b.file_size = 70 << 20;
        b.removable_size = 65 << 20;
        let d = y1();
        let f = check(&b, &d, &recommend(&d));
        assert_eq!(f[0].code, "too-big");
        assert!(
            f[0].fix
                .as_deref()
                .is_some_and(|s| s.contains("mipsel-linux-gnu-strip"))
        );
    }

    #[test]
    fn loaders() {
        assert_eq!(libc_of_interpreter("/lib/ld-musl-mipsel-sf.so.1"), "musl");
        assert_eq!(libc_of_interpreter("/lib/ld.so.1"), "glibc");
        assert_eq!(
            expected_loader("musl", "mipsle", true).as_deref(),
            Some("/lib/ld-musl-mipsel-sf.so.1")
        );
        assert_eq!(
            expected_loader("musl", "mips", false).as_deref(),
            Some("/lib/ld-musl-mips.so.1")
        );
        assert_eq!(expected_loader("glibc", "mips", false), None);
    }
}
