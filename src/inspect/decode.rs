//! Decode: the encodings inside an ELF file that `inspect` reports, as
//! pure functions over numbers and bytes: MIPS `e_flags` and
//! `.MIPS.abiflags` (binutils `include/elf/mips.h`), GNU attributes'
//! float-ABI tags (`include/elf/mips.h`, `include/elf/ppc.h`), gc's
//! `.go.buildinfo` (Go `debug/buildinfo`), and libgo's runtime strings;
//! machine names and GOARCH come from the architecture table in `target`.
//! Knows nothing of files or sections.

use object::Endianness;
use object::elf;
use object::read::elf::{AttributesSection, FileHeader};

use super::{FloatAbi, GoBuildInfo, MipsInfo};
use crate::target::{self, Endian};

/// `Tag_GNU_MIPS_ABI_FP` / `Tag_GNU_Power_ABI_FP` (both tag 4) of the file-level
/// attributes in vendor `gnu`. GNU attribute types follow binutils'
/// `_bfd_elf_obj_attrs_arg_type`: tag 32 (`Tag_compatibility`) holds an integer
/// and a string, other odd tags a string, even tags an integer.
pub(crate) fn gnu_attribute_fp<Elf: FileHeader<Endian = Endianness>>(
    endian: Endianness,
    data: &[u8],
) -> Option<u64> {
    let section = AttributesSection::<Elf>::new(endian, data).ok()?;
    let mut subs = section.subsections().ok()?;
    while let Ok(Some(sub)) = subs.next() {
        if sub.vendor() != b"gnu" {
            continue;
        }
        let mut subsubs = sub.subsubsections();
        while let Ok(Some(ss)) = subsubs.next() {
            if ss.tag().0 != 1 {
                continue; // Tag_File only; per-section attributes are not used by GNU ld.
            }
            let mut r = ss.attributes();
            while let Ok(Some(tag)) = r.read_tag() {
                if tag == 32 {
                    r.read_integer().ok()?;
                    r.read_string().ok()?;
                } else if tag % 2 == 1 {
                    r.read_string().ok()?;
                } else {
                    let v = r.read_integer().ok()?;
                    if tag == 4 {
                        return Some(v);
                    }
                }
            }
        }
    }
    None
}

/// MIPS facts from `e_flags` and the `.MIPS.abiflags` payload
/// (`Elf_External_ABIFlags_v0`: version u16, isa_level, isa_rev, gpr_size,
/// cpr1_size, cpr2_size, fp_abi, then four u32).
pub fn mips_info(class: u8, e_flags: u32, abiflags: Option<&[u8]>) -> MipsInfo {
    let has = |flag: elf::FileFlags| e_flags & flag.0 != 0;
    // n32 is EF_MIPS_ABI2 in an ELF32 file; n64 has no flag (any ELF64).
    let abi = match (
        elf::FileFlags(e_flags & elf::EF_MIPS_ABI),
        has(elf::EF_MIPS_ABI2),
        class,
    ) {
        (_, true, 32) => "n32",
        (elf::EF_MIPS_ABI_O64, _, _) => "o64",
        (elf::EF_MIPS_ABI_EABI32, _, _) => "eabi32",
        (elf::EF_MIPS_ABI_EABI64, _, _) => "eabi64",
        (_, _, 64) => "n64",
        _ => "o32",
    }
    .to_string();
    let isa_e_flags = match elf::FileFlags(e_flags & elf::EF_MIPS_ARCH) {
        elf::EF_MIPS_ARCH_1 => "MIPS1",
        elf::EF_MIPS_ARCH_2 => "MIPS2",
        elf::EF_MIPS_ARCH_3 => "MIPS3",
        elf::EF_MIPS_ARCH_4 => "MIPS4",
        elf::EF_MIPS_ARCH_5 => "MIPS5",
        elf::EF_MIPS_ARCH_32 => "MIPS32",
        elf::EF_MIPS_ARCH_64 => "MIPS64",
        elf::EF_MIPS_ARCH_32R2 => "MIPS32r2",
        elf::EF_MIPS_ARCH_64R2 => "MIPS64r2",
        elf::EF_MIPS_ARCH_32R6 => "MIPS32r6",
        elf::EF_MIPS_ARCH_64R6 => "MIPS64r6",
        _ => "unknown",
    }
    .to_string();
    let mut isa = isa_e_flags.clone();
    let mut fp_abi = None;
    let mut gpr_size = None;
    let abiflags = abiflags.filter(|d| d.len() >= 24);
    if let Some(d) = abiflags {
        let (level, rev) = (d[2], d[3]);
        isa = match (level, rev) {
            (32 | 64, 0 | 1) => format!("MIPS{level}"),
            (32 | 64, r) => format!("MIPS{level}r{r}"),
            (l, _) => format!("MIPS{l}"),
        };
        gpr_size = match d[4] {
            1 => Some(32),
            2 => Some(64),
            3 => Some(128),
            _ => None,
        };
        fp_abi = Some(d[7]);
    }
    let cpuinfo_isa = match isa.as_str() {
        "MIPS32" => "mips32r1".to_string(),
        "MIPS64" => "mips64r1".to_string(),
        s => s.to_lowercase(),
    };
    MipsInfo {
        abi,
        isa,
        cpuinfo_isa,
        isa_e_flags,
        abiflags: abiflags.is_some(),
        fp_abi,
        gpr_size,
        nan2008: has(elf::EF_MIPS_NAN2008),
        fp64: has(elf::EF_MIPS_FP64),
        pic: has(elf::EF_MIPS_PIC),
    }
}

/// The float ABI: MIPS from `.MIPS.abiflags` `fp_abi`, else
/// `Tag_GNU_MIPS_ABI_FP`, else `e_flags` (o32 with neither says nothing);
/// PowerPC from `Tag_GNU_Power_ABI_FP` (low two bits: 1 hard, 2 soft, 3 single).
pub(crate) fn float_abi(
    e_machine: u16,
    e_flags: u32,
    mips: Option<&MipsInfo>,
    attr_fp: Option<u64>,
) -> Option<FloatAbi> {
    let mk = |abi: &str, detail: String, source: &str| {
        Some(FloatAbi {
            abi: abi.to_string(),
            detail,
            source: source.to_string(),
        })
    };
    match target::family_of_machine(e_machine) {
        Some("mips") => {
            let (v, source) = match (mips.and_then(|m| m.fp_abi), attr_fp) {
                (Some(v), _) => (u64::from(v), ".MIPS.abiflags"),
                (None, Some(v)) => (v, ".gnu.attributes"),
                // EF_MIPS_FP64 alone: Val_GNU_MIPS_ABI_FP_64 (6).
                (None, None) if e_flags & elf::EF_MIPS_FP64.0 != 0 => (6, "e_flags"),
                (None, None) => return None,
            };
            let (abi, detail) = mips_fp_abi(v);
            mk(abi, detail.to_string(), source)
        }
        Some("ppc") => {
            let v = attr_fp?;
            let (abi, fp) = match v & 3 {
                1 => ("hard", "hard float"),
                2 => ("soft", "soft float"),
                3 => ("single", "single-precision hard float"),
                _ => ("any", "unspecified"),
            };
            let ld = match (v >> 2) & 3 {
                1 => "128-bit IBM long double",
                2 => "64-bit long double",
                3 => "128-bit IEEE long double",
                _ => "unspecified long double",
            };
            mk(abi, format!("{fp}, {ld}"), ".gnu.attributes")
        }
        _ => None,
    }
}

/// A `Val_GNU_MIPS_ABI_FP_*` value as (abi, readelf's wording).
pub fn mips_fp_abi(v: u64) -> (&'static str, &'static str) {
    match v {
        0 => ("any", "Hard or soft float"),
        1 => ("hard", "Hard float (double precision)"),
        2 => ("single", "Hard float (single precision)"),
        3 => ("soft", "Soft float"),
        4 => ("hard", "Hard float (MIPS32r2 64-bit FPU 12 callee-saved)"),
        5 => ("hard", "Hard float (32-bit CPU, Any FPU)"),
        6 => ("hard", "Hard float (32-bit CPU, 64-bit FPU)"),
        7 => ("hard", "Hard float compat (32-bit CPU, 64-bit FPU)"),
        _ => ("hard", "unknown FP ABI value"),
    }
}

/// `"12.2.0"` from `"GCC: (Debian 12.2.0-14) 12.2.0"`: the last word of a `GCC:` line.
pub fn gcc_version(comment: &str) -> Option<String> {
    let rest = comment.strip_prefix("GCC:")?;
    rest.split_whitespace().last().map(String::from)
}

/// Decodes `.go.buildinfo` (Go `debug/buildinfo`): a 32-byte header starting
/// `"\xff Go buildinf:"`, then pointer size and flags; flag bit 2 means the
/// version and module info follow inline, each a uvarint length and bytes.
/// The module info is wrapped in 16-byte sentinels, stripped here.
pub fn parse_buildinfo(d: &[u8]) -> Option<GoBuildInfo> {
    const MAGIC: &[u8] = b"\xff Go buildinf:";
    let start = d.windows(MAGIC.len()).position(|w| w == MAGIC)?;
    let d = &d[start..];
    if d.len() < 32 {
        return None;
    }
    if d[15] & 2 == 0 {
        return Some(GoBuildInfo {
            format: "pointer".into(),
            go_version: None,
            path: None,
            main_module: None,
            mod_info: String::new(),
        });
    }
    let mut rest = &d[32..];
    let version = String::from_utf8_lossy(read_varint_bytes(&mut rest)?).into_owned();
    let mut mod_bytes = read_varint_bytes(&mut rest).unwrap_or_default();
    if mod_bytes.len() >= 33 && mod_bytes[mod_bytes.len() - 17] == b'\n' {
        mod_bytes = &mod_bytes[16..mod_bytes.len() - 16];
    }
    let mod_info = String::from_utf8_lossy(mod_bytes).into_owned();
    Some(GoBuildInfo {
        format: "inline".into(),
        go_version: Some(version),
        path: modinfo_field(&mod_info, "path"),
        main_module: modinfo_field(&mod_info, "mod"),
        mod_info: mod_info.clone(),
    })
}

/// The second word of the module info's first line starting with `key`
/// (`path` → the main package's import path, `mod` → the main module's).
pub fn modinfo_field(mod_info: &str, key: &str) -> Option<String> {
    mod_info.lines().find_map(|l| {
        let mut it = l.split('\t');
        (it.next() == Some(key))
            .then(|| it.next().map(String::from))
            .flatten()
    })
}

fn read_varint_bytes<'a>(d: &mut &'a [u8]) -> Option<&'a [u8]> {
    let mut n: u64 = 0;
    let mut shift = 0;
    loop {
        let (&b, rest) = d.split_first()?;
        *d = rest;
        n |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            break;
        }
        shift += 7;
        if shift > 63 {
            return None;
        }
    }
    let n = usize::try_from(n).ok()?;
    if n > d.len() {
        return None;
    }
    let (s, rest) = d.split_at(n);
    *d = rest;
    Some(s)
}

/// Strings that only libgo's runtime puts into a program's read-only data,
/// with where in libgo each comes from. They survive `strip` (they are data,
/// not symbols), so they show libgo is linked in when nothing else does.
/// gc's runtime has neither: its `tracebackothers` prints no C-code line and
/// its functions are named `runtime.mstart`, not `runtime_mstart`.
pub const LIBGO_RUNTIME_STRINGS: &[(&str, &str)] = &[
    (
        "goroutine in C code; stack unavailable",
        "printed by libgo's tracebackothers (go/runtime/traceback_gccgo.go; runtime/proc.c before GCC 8)",
    ),
    (
        "runtime_mstart",
        "the frame where libgo's go-callers.c ends a backtrace",
    ),
];

/// The first of [`LIBGO_RUNTIME_STRINGS`] found in `data` (a section's bytes).
pub fn find_libgo_runtime_string(data: &[u8]) -> Option<&'static str> {
    LIBGO_RUNTIME_STRINGS
        .iter()
        .map(|(s, _)| *s)
        .find(|s| data.windows(s.len()).any(|w| w == s.as_bytes()))
}

/// readelf-like name of an `e_machine` value (`MIPS`, `PowerPC`,
/// `unknown (N)`), from the architecture table [`target::ARCHES`].
pub fn machine_name(m: u16) -> String {
    target::machine_name(m)
}

/// The GOARCH (as libgo names it) of a file with this machine, class (32 or
/// 64) and byte order; `mips` tells the MIPS n32 ABI apart. Read from the
/// architecture table ([`target::arch_for_elf`]); `None` for a machine with
/// no Go port.
pub fn goarch_for(
    e_machine: u16,
    class: u8,
    big: bool,
    mips: Option<&MipsInfo>,
) -> Option<&'static str> {
    let endian = if big { Endian::Big } else { Endian::Little };
    let n32 = mips.is_some_and(|m| m.abi == "n32");
    target::arch_for_elf(e_machine, class, endian, n32).map(|a| a.goarch)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gcc_version_is_the_last_word() {
        assert_eq!(
            gcc_version("GCC: (Debian 12.2.0-14) 12.2.0").as_deref(),
            Some("12.2.0")
        );
        assert_eq!(gcc_version("clang version 15"), None);
    }

    #[test]
    fn mips_e_flags_of_debian_o32() {
        // 0x70001007: noreorder, pic, cpic, o32, mips32r2 (readelf -h).
        let m = mips_info(32, 0x7000_1007, None);
        assert_eq!(m.abi, "o32");
        assert_eq!(m.isa, "MIPS32r2");
        assert_eq!(m.cpuinfo_isa, "mips32r2");
        assert!(m.pic && !m.nan2008 && !m.fp64);
        assert_eq!(mips_info(32, 0x8000_0020, None).abi, "n32");
        assert_eq!(mips_info(64, 0x8000_0000, None).abi, "n64");
    }

    #[test]
    fn mips_abiflags_payload_gives_isa_and_fp_abi() {
        // version 0, level 32, rev 2, gpr 32-bit, cpr1 32, cpr2 none, fp_abi 5.
        let mut d = vec![0u8, 0, 32, 2, 1, 1, 0, 5];
        d.extend([0u8; 16]);
        let m = mips_info(32, 0x5000_1000, Some(&d));
        assert_eq!(m.isa, "MIPS32r2");
        assert_eq!(m.isa_e_flags, "MIPS32");
        assert_eq!(m.fp_abi, Some(5));
        let f = float_abi(elf::EM_MIPS.0, 0, Some(&m), None).expect("float abi");
        assert_eq!(
            (f.abi.as_str(), f.source.as_str()),
            ("hard", ".MIPS.abiflags")
        );
        let f = float_abi(elf::EM_MIPS.0, 0, None, Some(3)).expect("float abi");
        assert_eq!(
            (f.abi.as_str(), f.source.as_str()),
            ("soft", ".gnu.attributes")
        );
    }

    #[test]
    fn power_fp_attribute() {
        let f = float_abi(elf::EM_PPC.0, 0, None, Some(1)).expect("float abi");
        assert_eq!(f.abi, "hard");
        assert_eq!(f.detail, "hard float, unspecified long double");
        assert_eq!(
            float_abi(elf::EM_PPC.0, 0, None, Some(2 | (2 << 2))).map(|f| f.abi),
            Some("soft".into())
        );
    }

    #[test]
    fn inline_buildinfo() {
        let mut d = b"\xff Go buildinf:".to_vec();
        d.push(8);
        d.push(2);
        d.resize(32, 0);
        d.push(8);
        d.extend(b"go1.19.8");
        let sentinel = [0xe6u8; 16];
        let body = "path\texample.com/hw\nmod\texample.com/hw\t(devel)\t\n";
        let mut mi = sentinel.to_vec();
        mi.extend(body.as_bytes());
        mi.extend(sentinel);
        d.push(mi.len() as u8);
        d.extend(&mi);
        let b = parse_buildinfo(&d).expect("buildinfo");
        assert_eq!(b.go_version.as_deref(), Some("go1.19.8"));
        assert_eq!(b.path.as_deref(), Some("example.com/hw"));
        assert_eq!(b.main_module.as_deref(), Some("example.com/hw"));
        assert_eq!(b.mod_info, body);
    }

    #[test]
    fn libgo_runtime_string_in_data() {
        let rodata = b"\0fatal error: \0\tgoroutine in C code; stack unavailable\n\0";
        assert_eq!(
            find_libgo_runtime_string(rodata),
            Some("goroutine in C code; stack unavailable")
        );
        assert_eq!(find_libgo_runtime_string(b"runtime.mstart\0"), None);
    }

    #[test]
    fn goarch_names() {
        assert_eq!(goarch_for(elf::EM_MIPS.0, 32, false, None), Some("mipsle"));
        assert_eq!(goarch_for(elf::EM_MIPS.0, 32, true, None), Some("mips"));
        let n32 = mips_info(32, 0x8000_0020, None);
        assert_eq!(
            goarch_for(elf::EM_MIPS.0, 32, false, Some(&n32)),
            Some("mips64p32le")
        );
        assert_eq!(goarch_for(elf::EM_PPC.0, 32, true, None), Some("ppc"));
        assert_eq!(goarch_for(elf::EM_ALPHA.0, 64, false, None), Some("alpha"));
        assert_eq!(goarch_for(elf::EM_X86_64.0, 64, false, None), Some("amd64"));
        assert_eq!(
            goarch_for(elf::EM_X86_64.0, 32, false, None),
            Some("amd64p32")
        );
        assert_eq!(machine_name(elf::EM_PPC64.0), "PowerPC64");
        assert_eq!(machine_name(elf::EM_PARISC.0), "PA-RISC");
        assert_eq!(machine_name(0xfffe), "unknown (65534)");
    }
}
