//! Recommend: the target, float ABI, flags and link mode to build with for
//! a [`Device`], with the reasons as notes. The Debian and OpenWrt triples
//! come from the architecture table (`target::ARCHES`); knows nothing of a
//! particular binary.

use serde::Serialize;

use super::Device;
use crate::target::{self, Endian};

/// The target to build for a device.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Recommendation {
    /// Debian's cross triple (`mipsel-linux-gnu`), or null when the byte order is unknown.
    pub triple: Option<String>,
    /// The OpenWrt SDK triple (`mipsel-openwrt-linux-musl`) on OpenWrt.
    pub openwrt_triple: Option<String>,
    /// GOARCH (`mipsle`).
    pub goarch: Option<String>,
    /// `soft` or `hard`.
    pub float_abi: String,
    /// For gc: `GOMIPS=softfloat` and the like.
    pub gc_env: Vec<String>,
    /// Compiler flags (`-march=mips32r2`, `-msoft-float`).
    pub gccgoflags: Vec<String>,
    /// Link flags (`-msoft-float`).
    pub ldflags: Vec<String>,
    /// `--link` mode with Debian's (glibc) toolchain: `static` where the device's libc is not glibc.
    pub link: String,
    /// The `gccgo-build build` command line to use: with the OpenWrt SDK's
    /// toolchain on OpenWrt, else with Debian's (= `debian_command`).
    pub command: Option<String>,
    /// The command line with Debian's cross toolchain (`triple`, `link`).
    pub debian_command: Option<String>,
    /// The built-in router profile for the device (`openwrt-ramips`,
    /// `openwrt-ath79`): a 32-bit MIPS core without an FPU on OpenWrt.
    pub profile: Option<String>,
    /// The qemu CPU model of the device's core (`24KEc`), from
    /// `target::MIPS_CORES`; tests and `run` use it as `-cpu`.
    pub qemu_cpu: Option<String>,
    /// How to try the binary on this machine first, under that core:
    /// `qemu-mipsel-static -cpu 24KEc ./prog` (a static binary).
    pub qemu_command: Option<String>,
    /// Reasons and caveats, one sentence each.
    pub notes: Vec<String>,
}

/// The target to build for a device: Debian triple, OpenWrt triple, GOARCH,
/// float ABI, flags and link mode, with the reasons in `notes`.
pub fn recommend(d: &Device) -> Recommendation {
    let mut r = Recommendation {
        float_abi: if d.fpu == Some(false) { "soft" } else { "hard" }.into(),
        link: "static-libgo".into(),
        ..Recommendation::default()
    };
    choose_target(&mut r, d);
    if d.arch == "mips" {
        mips_flags(&mut r, d);
    }
    if let Some(g) = &r.goarch {
        r.gc_env.insert(0, format!("GOARCH={g}"));
        r.gc_env.insert(0, "GOOS=linux".into());
    }
    link_for_libc(&mut r, d);
    debian_command(&mut r, d);
    emulation(&mut r, d);
    command(&mut r);
    r
}

/// Whether the device's byte order is known to be little (`None`: unknown).
fn little(d: &Device) -> Option<bool> {
    d.endian.as_deref().map(|e| e == "little")
}

/// Fills `triple`, `goarch` and (on OpenWrt) `openwrt_triple` from the
/// architecture table's best fit for the device, or notes why there is none.
fn choose_target(r: &mut Recommendation, d: &Device) {
    let little = little(d);
    let is64 = d.bits == Some(64);
    // MIPS cpuinfo never states the byte order, and both byte orders are
    // common on routers: no guess. Elsewhere an unknown byte order or word
    // size picks the table's first fit (big-endian 32-bit PowerPC, 32-bit x86).
    let arch = if d.arch == "mips" && little.is_none() {
        None
    } else {
        let endian = little.map(|l| if l { Endian::Little } else { Endian::Big });
        target::arch_for_device(&d.arch, Some(if is64 { 64 } else { 32 }), endian)
    };
    r.goarch = arch.map(|a| a.goarch.to_string());
    r.triple = arch
        .and_then(|a| match a.debian_triple {
            // Debian's FPU-less ARM port is armel: soft-float calls, its own triple.
            Some("arm-linux-gnueabihf") if d.fpu == Some(false) => Some("arm-linux-gnueabi"),
            t => t,
        })
        .map(String::from);
    if d.openwrt {
        r.openwrt_triple = arch.and_then(|a| a.openwrt_triple).map(String::from);
    }
    if d.arch == "mips" && little.is_none() {
        r.notes.push(format!(
            "the byte order of this MIPS device is unknown: cpuinfo never states it and `uname -m` says `mips` for both; \
             the SoC `{}` is not in doctor's table, so pass --endian little or --endian big \
             (OpenWrt's /etc/openwrt_release DISTRIB_ARCH says mipsel_… for little-endian)",
            d.system_type.as_deref().unwrap_or("?")
        ));
    }
}

/// MIPS: `-march` for the highest ISA of cpuinfo's list that fits the
/// kernel's word size, and soft-float flags (with `GOMIPS`) for a core
/// without an FPU.
fn mips_flags(r: &mut Recommendation, d: &Device) {
    let is64 = d.bits == Some(64);
    let order = [
        "mips1", "mips2", "mips32r1", "mips32r2", "mips32r5", "mips32r6", "mips3", "mips4",
        "mips64r1", "mips64r2", "mips64r6",
    ];
    let best = order.iter().rev().find(|i| {
        d.isa.iter().any(|x| x == *i)
            && (is64 || !(i.starts_with("mips64") || **i == "mips3" || **i == "mips4"))
    });
    if let Some(i) = best {
        // gcc spells the first releases without `r1`.
        let march = match *i {
            "mips32r1" => "mips32",
            "mips64r1" => "mips64",
            s => s,
        };
        r.gccgoflags.push(format!("-march={march}"));
    }
    if d.fpu == Some(false) {
        r.gccgoflags.push("-msoft-float".into());
        r.ldflags.push("-msoft-float".into());
        r.gc_env.push("GOMIPS=softfloat".into());
        r.notes.push(format!(
            "the {} has no FPU ({}): build soft-float; Debian's {}-gccgo and its libgo are hard-float, \
             so -msoft-float needs a soft-float toolchain and libgo such as an OpenWrt SDK/toolchain built with gccgo",
            d.core.as_deref().unwrap_or("core"),
            d.fpu_source.as_deref().unwrap_or(""),
            r.triple.as_deref().unwrap_or("mips")
        ));
    } else {
        r.gc_env.push("GOMIPS=hardfloat".into());
    }
}

/// A device whose libc is not glibc gets `--link static` with Debian's
/// (glibc) toolchain, and a note naming the alternative.
fn link_for_libc(r: &mut Recommendation, d: &Device) {
    if let Some(libc) = d.libc.as_ref().filter(|l| *l != "glibc") {
        r.link = "static".into();
        r.notes.push(format!(
            "the device uses {libc} ({}), not glibc: a binary from a glibc toolchain (Debian's, and gccgo OpenWrt SDKs, \
             which are glibc builds) must be linked fully static (--link static) or needs glibc's loader and libraries \
             installed on the device; or build with a {libc} gccgo toolchain where one exists{}",
            d.libc_source.as_deref().unwrap_or(""),
            r.openwrt_triple.as_deref().map(|t| format!(" (--target {t})")).unwrap_or_default()
        ));
    }
}

/// ` --gccgoflags "-O2 -g …" --ldflags "…"` for a command line; empty
/// parts are left out.
fn flag_args(gccgoflags: &[String], ldflags: &[String]) -> String {
    let mut f = String::new();
    if !gccgoflags.is_empty() {
        f.push_str(&format!(
            " --gccgoflags \"-O2 -g {}\"",
            gccgoflags.join(" ")
        ));
    }
    if !ldflags.is_empty() {
        f.push_str(&format!(" --ldflags \"{}\"", ldflags.join(" ")));
    }
    f
}

/// `debian_command`: the build with Debian's cross toolchain, when there is one.
fn debian_command(r: &mut Recommendation, d: &Device) {
    let Some(t) = r.triple.clone() else {
        return;
    };
    // Debian's MIPS toolchains are hard-float: -msoft-float would only
    // mix ABIs (ld warns "uses -mhard-float (set by Scrt1.o)"), so the
    // Debian command leaves it out and says so.
    let debian_hard = d.arch == "mips" && r.float_abi == "soft";
    let keep = |flags: &[String]| -> Vec<String> {
        flags
            .iter()
            .filter(|f| !(debian_hard && *f == "-msoft-float"))
            .cloned()
            .collect()
    };
    let (gf, lf) = (keep(&r.gccgoflags), keep(&r.ldflags));
    let link = if r.link == "static-libgo" {
        String::new()
    } else {
        format!(" --link {}", r.link)
    };
    r.debian_command = Some(format!(
        "gccgo-build build --target {t}{}{link} -o prog .",
        flag_args(&gf, &lf)
    ));
    if debian_hard {
        r.notes.push(format!(
            "the {t} command stays hard-float (Debian's libgo and crt files are): on a core without an FPU it dies with SIGILL unless the kernel emulates the FPU (OpenWrt kernels usually do not), and then runs slowly"
        ));
    }
}

/// The device's core as a qemu CPU model (`target::MIPS_CORES`), the
/// router profile for a 32-bit FPU-less MIPS device, and the qemu-user
/// command that tries a binary under that core.
fn emulation(r: &mut Recommendation, d: &Device) {
    r.qemu_cpu = d
        .core
        .as_deref()
        .and_then(target::mips_core)
        .map(|c| c.qemu_cpu.to_string());
    if d.arch == "mips" && d.bits != Some(64) && d.fpu == Some(false) {
        r.profile = match little(d) {
            Some(true) => Some("openwrt-ramips".into()),
            Some(false) => Some("openwrt-ath79".into()),
            None => None,
        };
    }
    if let (Some(cpu), Some(g)) = (&r.qemu_cpu, &r.goarch)
        && let Some(q) = target::qemu_for_goarch(g)
    {
        r.qemu_command = Some(format!("{q} -cpu {cpu} ./prog"));
    }
}

/// `command`: with the router profile and an OpenWrt SDK when there is a
/// profile, else with the OpenWrt toolchain on OpenWrt, else Debian's.
fn command(r: &mut Recommendation) {
    if let Some(p) = &r.profile {
        // The profile carries the core's flags and qemu model; the SDK brings
        // the soft-float libgo and libc. Static: the router has no libgo.
        r.command = Some(format!(
            "gccgo-build build --target {p} --link static -o prog ."
        ));
        let which = if p == "openwrt-ramips" {
            "ramips"
        } else {
            "ath79"
        };
        r.notes.push(format!(
            "{p} needs an OpenWrt SDK whose toolchain has a soft-float gccgo: one that \
             `toolchains/sdk/build {which}` (in gccgo-build's source tree) made is found by itself; \
             name any other with --sdk DIR. gccgo SDKs are glibc builds, and OpenWrt runs musl: \
             hence --link static (or glibc's loader and libraries installed on the device)"
        ));
        return;
    }
    r.command = match &r.openwrt_triple {
        // The OpenWrt toolchain's libc is the device's: the default link mode serves.
        Some(o) => Some(format!(
            "gccgo-build build --target {o}{} -o prog .",
            flag_args(&r.gccgoflags, &r.ldflags)
        )),
        None => r.debian_command.clone(),
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::describe_device;

    #[test]
    fn mt7620a_gets_mipsel_soft_float() {
        let d = describe_device(
            "system type : MediaTek MT7620A ver:2 eco:6\ncpu model : MIPS 24KEc V5.0\nisa : mips1 mips2 mips32r1 mips32r2\n",
            Some("Linux OpenWrt 4.14.151 #0 Tue Nov 5 14:12:18 2019 mips GNU/Linux"),
            None,
        );
        let r = recommend(&d);
        assert_eq!(r.triple.as_deref(), Some("mipsel-linux-gnu"));
        assert_eq!(
            r.openwrt_triple.as_deref(),
            Some("mipsel-openwrt-linux-musl")
        );
        assert_eq!(r.goarch.as_deref(), Some("mipsle"));
        assert_eq!(r.float_abi, "soft");
        assert_eq!(r.gccgoflags, ["-march=mips32r2", "-msoft-float"]);
        assert!(r.gc_env.contains(&"GOMIPS=softfloat".to_string()));
        assert_eq!(r.link, "static");
        let cmd = r.command.expect("command");
        assert!(
            cmd.contains("build --target openwrt-ramips --link static"),
            "{cmd}"
        );
        assert_eq!(r.profile.as_deref(), Some("openwrt-ramips"));
        // The FPU-less core that tests and `run` emulate.
        assert_eq!(r.qemu_cpu.as_deref(), Some("24KEc"));
        assert_eq!(
            r.qemu_command.as_deref(),
            Some("qemu-mipsel-static -cpu 24KEc ./prog")
        );
        // Debian's toolchain is hard-float: its command must not pretend otherwise.
        let deb = r.debian_command.expect("debian command");
        assert!(
            deb.contains("--target mipsel-linux-gnu") && deb.contains("--link static"),
            "{deb}"
        );
        assert!(!deb.contains("-msoft-float"), "{deb}");
    }

    #[test]
    fn big_endian_fpu_core_and_unknown_byte_order() {
        let d = describe_device(
            "system type : Atheros AR9344 rev 3\ncpu model : MIPS 74Kf V4.12  FPU V0.0\nisa : mips1 mips2 mips32r1 mips32r2\n",
            None,
            None,
        );
        let r = recommend(&d);
        assert_eq!(
            (r.triple.as_deref(), r.goarch.as_deref()),
            (Some("mips-linux-gnu"), Some("mips"))
        );
        assert_eq!(r.float_abi, "hard");
        assert_eq!(r.link, "static-libgo");
        let d = describe_device(
            "system type : Frobnicator\ncpu model : MIPS 24Kc V7.4\n",
            None,
            None,
        );
        let r = recommend(&d);
        assert_eq!(r.triple, None);
        assert!(
            r.notes.iter().any(|n| n.contains("--endian")),
            "{:?}",
            r.notes
        );
    }

    #[test]
    fn mips32r1_only_core_gets_march_mips32() {
        let d = describe_device(
            "system type : Broadcom BCM4716 chip rev 1\ncpu model : MIPS 74Kc V4.0\nisa : mips1 mips2 mips32r1\n",
            None,
            None,
        );
        assert_eq!(recommend(&d).gccgoflags, ["-march=mips32", "-msoft-float"]);
    }
}
