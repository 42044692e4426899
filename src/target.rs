//! Target: a GNU target triple mapped to the Go names of its system
//! (GOOS) and architecture (GOARCH), plus the known-OS / known-arch lists
//! that file-name suffixes are matched against.
//!
//! The triple → GOARCH table follows gofrontend's `libgo/configure.ac`
//! (the `case ${host}` that sets `GOARCH`), so a cross gccgo for a target
//! gc does not serve (alpha, m68k, sh, 32-bit ppc …) gets the same GOARCH
//! its own libgo was built with. This module knows nothing of compilers or
//! files: it only names things.

use anyhow::{Result, bail};

/// Systems for which the `unix` build tag is satisfied, as go/build's `unixOS`
/// (Go 1.19 `syslist.go`).
pub const UNIX_OS: &[&str] = &[
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "hurd",
    "illumos",
    "ios",
    "linux",
    "netbsd",
    "openbsd",
    "solaris",
];

/// The rest of go/build's `knownOS` (Go 1.19 `syslist.go`): systems
/// recognised in `_GOOS` file-name suffixes that are not [`UNIX_OS`].
pub const NON_UNIX_OS: &[&str] = &["js", "nacl", "plan9", "windows", "zos"];

/// Architectures recognised in `_GOARCH` file-name suffixes: go/build's
/// `knownArch` (Go 1.19) plus the values only gccgo's libgo uses
/// (`alpha`, `ia64`, `m68k`, `nios2`, `or1k`, `sh`, `shbe`), as the go command
/// that ships with gccgo does.
pub const KNOWN_ARCH: &[&str] = &[
    "386",
    "alpha",
    "amd64",
    "amd64p32",
    "arm",
    "armbe",
    "arm64",
    "arm64be",
    "ia64",
    "loong64",
    "m68k",
    "mips",
    "mipsle",
    "mips64",
    "mips64le",
    "mips64p32",
    "mips64p32le",
    "nios2",
    "or1k",
    "ppc",
    "ppc64",
    "ppc64le",
    "riscv",
    "riscv64",
    "s390",
    "s390x",
    "sh",
    "shbe",
    "sparc",
    "sparc64",
    "wasm",
];

/// Byte order of a target or a device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endian {
    /// Least significant byte first (`ELFDATA2LSB`).
    Little,
    /// Most significant byte first (`ELFDATA2MSB`).
    Big,
}

impl Endian {
    /// `"little"` or `"big"`, as `inspect` and `doctor` print it.
    pub fn as_str(self) -> &'static str {
        match self {
            Endian::Little => "little",
            Endian::Big => "big",
        }
    }
}

/// Whether `s` is a GOOS value that file-name suffixes recognise.
pub fn is_known_os(s: &str) -> bool {
    UNIX_OS.contains(&s) || NON_UNIX_OS.contains(&s)
}

/// Whether `s` is a GOARCH value that file-name suffixes recognise.
pub fn is_known_arch(s: &str) -> bool {
    KNOWN_ARCH.contains(&s)
}

/// A compilation target as the Go world names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The GNU triple, e.g. `mips-linux-gnu`; the prefix of cross tool names.
    pub triple: String,
    /// `GOOS`, e.g. `linux`.
    pub goos: String,
    /// `GOARCH`, e.g. `mips`, `mipsle`, `ppc`.
    pub goarch: String,
}

impl Target {
    /// Maps a GNU triple to GOOS/GOARCH.
    ///
    /// Errors when the architecture or the system has no Go name: a triple
    /// gccgo-build cannot name is never silently built for the host.
    pub fn from_triple(triple: &str) -> Result<Target> {
        let goarch = goarch_for_triple(triple).ok_or_else(|| {
            anyhow::anyhow!(
                "target triple `{triple}`: no GOARCH is known for its architecture `{}` \
                 (gccgo-build follows the table of gofrontend's libgo/configure.ac; \
                 name a profile with an explicit goarch, or check the spelling)",
                triple.split('-').next().unwrap_or(triple)
            )
        })?;
        let goos = goos_for_triple(triple).ok_or_else(|| {
            anyhow::anyhow!(
                "target triple `{triple}`: no GOOS is known for its system \
                 (expected a component such as linux, freebsd, netbsd, solaris, aix, gnu)"
            )
        })?;
        Ok(Target {
            triple: triple.to_string(),
            goos: goos.to_string(),
            goarch: goarch.to_string(),
        })
    }

    /// Whether the `unix` build tag holds for this target.
    pub fn is_unix(&self) -> bool {
        UNIX_OS.contains(&self.goos.as_str())
    }
}

/// GOARCH for the architecture part of a GNU triple, as libgo's configure.
/// `None` for architectures libgo has no port for.
pub fn goarch_for_triple(triple: &str) -> Option<&'static str> {
    let mut parts = triple.split('-');
    let arch = parts.next()?;
    let rest: Vec<&str> = parts.collect();
    let env = rest.last().copied().unwrap_or("");
    let a = arch;
    Some(match a {
        _ if a.starts_with("aarch64") => {
            if a.contains("_be") {
                "arm64be"
            } else {
                "arm64"
            }
        }
        _ if a.starts_with("alpha") => "alpha",
        _ if a.starts_with("armeb") => "armbe",
        _ if a.starts_with("arm") || a.starts_with("xscale") || a.starts_with("strongarm") => "arm",
        "i386" | "i486" | "i586" | "i686" | "i786" => "386",
        "x86_64" | "amd64" => {
            if env.ends_with("x32") {
                "amd64p32"
            } else {
                "amd64"
            }
        }
        _ if a.starts_with("ia64") => "ia64",
        _ if a.starts_with("m68k") => "m68k",
        _ if a.starts_with("mips") => {
            let le = a.contains("el");
            let is64 = a.contains("64");
            match (is64, env.contains("abin32"), le) {
                (true, true, false) => "mips64p32",
                (true, true, true) => "mips64p32le",
                (true, false, false) => "mips64",
                (true, false, true) => "mips64le",
                (false, _, false) => "mips",
                (false, _, true) => "mipsle",
            }
        }
        _ if a.starts_with("nios2") => "nios2",
        _ if a.starts_with("or1k") => "or1k",
        "powerpc64le" | "ppc64le" => "ppc64le",
        "powerpc64" | "ppc64" => "ppc64",
        _ if a.starts_with("powerpc") || a == "ppc" => "ppc",
        "riscv64" => "riscv64",
        "riscv32" | "riscv" => "riscv",
        "s390x" => "s390x",
        "s390" => "s390",
        _ if a.starts_with("sh") => {
            if a.ends_with("eb") {
                "shbe"
            } else {
                "sh"
            }
        }
        "sparc64" | "sparcv9" => "sparc64",
        _ if a.starts_with("sparc") => "sparc",
        _ if a.starts_with("loongarch64") => "loong64",
        _ => return None,
    })
}

/// GOOS for the system part of a GNU triple (`linux` in `mips-openwrt-linux-musl`,
/// `hurd` for `i686-gnu`). `None` when no component names a Go system.
pub fn goos_for_triple(triple: &str) -> Option<&'static str> {
    let comps: Vec<&str> = triple.split('-').skip(1).collect();
    for c in &comps {
        let c = c.trim_end_matches(|ch: char| ch.is_ascii_digit() || ch == '.');
        let os = match c {
            "linux" => {
                if comps.iter().any(|x| x.starts_with("android")) {
                    "android"
                } else {
                    "linux"
                }
            }
            "android" | "androideabi" => "android",
            "freebsd" => "freebsd",
            "netbsd" | "netbsdelf" => "netbsd",
            "openbsd" => "openbsd",
            "dragonfly" => "dragonfly",
            "solaris" => "solaris",
            "aix" => "aix",
            "darwin" => "darwin",
            "gnu" if comps.len() == 1 => "hurd",
            "rtems" => "rtems",
            _ => continue,
        };
        return Some(os);
    }
    None
}

/// Debian's package that provides `<triple>-gccgo`, e.g. `gccgo-mips-linux-gnu`
/// (underscores in the triple become hyphens, as in `gccgo-x86-64-linux-gnu`).
pub fn debian_gccgo_package(triple: &str) -> String {
    format!("gccgo-{}", triple.replace('_', "-"))
}

/// Debian's package that provides the user-mode emulator `qemu-<arch>-static`.
pub const QEMU_PACKAGE: &str = "qemu-user-static";

/// The `qemu-<name>-static` user-mode emulator name for a GOARCH, when qemu has one.
pub fn qemu_for_goarch(goarch: &str) -> Option<&'static str> {
    Some(match goarch {
        "mips" => "qemu-mips-static",
        "mipsle" => "qemu-mipsel-static",
        "mips64" => "qemu-mips64-static",
        "mips64le" => "qemu-mips64el-static",
        "mips64p32" => "qemu-mipsn32-static",
        "mips64p32le" => "qemu-mipsn32el-static",
        "ppc" => "qemu-ppc-static",
        "ppc64" => "qemu-ppc64-static",
        "ppc64le" => "qemu-ppc64le-static",
        "alpha" => "qemu-alpha-static",
        "arm" => "qemu-arm-static",
        "armbe" => "qemu-armeb-static",
        "arm64" => "qemu-aarch64-static",
        "386" => "qemu-i386-static",
        "amd64" => "qemu-x86_64-static",
        "m68k" => "qemu-m68k-static",
        "riscv64" => "qemu-riscv64-static",
        "s390x" => "qemu-s390x-static",
        "sh" => "qemu-sh4-static",
        "shbe" => "qemu-sh4eb-static",
        "sparc" => "qemu-sparc-static",
        "sparc64" => "qemu-sparc64-static",
        _ => return None,
    })
}

/// A MIPS core as `/proc/cpuinfo` names it (`cpu model : MIPS 24KEc V5.0`),
/// the qemu-user CPU model that emulates it (`qemu-mipsel-static -cpu …`),
/// and whether it has a hardware FPU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MipsCore {
    /// The core's name in cpuinfo, e.g. `24KEc`.
    pub core: &'static str,
    /// qemu's `-cpu` model for it: the same core where qemu has it, else the
    /// closest one with the same ISA level and the same FPU answer.
    pub qemu_cpu: &'static str,
    /// Whether the core has an FPU (MIPS names: `…c` none, `…f` one).
    pub fpu: bool,
}

/// The MIPS cores of the routers and boards gccgo-build targets. qemu has no
/// 34Kc, 74Kc or 1004Kc (MT7621); they run as the 24KEc (MIPS32r2 with the
/// DSP ASE and no FPU), which executes every instruction a
/// `-march=24kc`/`34kc`/`74kc` soft-float program uses and traps on every
/// FPU instruction, as those cores do. Sources: qemu's `-cpu help`, the
/// OpenWrt target pages (ramips MT7620/MT7628 = 24KEc, ath79 = 24Kc/74Kc).
pub const MIPS_CORES: &[MipsCore] = &[
    MipsCore {
        core: "4Kc",
        qemu_cpu: "4Kc",
        fpu: false,
    },
    MipsCore {
        core: "4KEc",
        qemu_cpu: "4KEc",
        fpu: false,
    },
    MipsCore {
        core: "24Kc",
        qemu_cpu: "24Kc",
        fpu: false,
    },
    MipsCore {
        core: "24KEc",
        qemu_cpu: "24KEc",
        fpu: false,
    },
    MipsCore {
        core: "34Kc",
        qemu_cpu: "24KEc",
        fpu: false,
    },
    MipsCore {
        core: "74Kc",
        qemu_cpu: "24KEc",
        fpu: false,
    },
    MipsCore {
        core: "1004Kc",
        qemu_cpu: "24KEc",
        fpu: false,
    },
    MipsCore {
        core: "M14Kc",
        qemu_cpu: "M14Kc",
        fpu: false,
    },
    MipsCore {
        core: "24Kf",
        qemu_cpu: "24Kf",
        fpu: true,
    },
    MipsCore {
        core: "34Kf",
        qemu_cpu: "34Kf",
        fpu: true,
    },
    MipsCore {
        core: "74Kf",
        qemu_cpu: "74Kf",
        fpu: true,
    },
    MipsCore {
        core: "1004Kf",
        qemu_cpu: "34Kf",
        fpu: true,
    },
    MipsCore {
        core: "P5600",
        qemu_cpu: "P5600",
        fpu: true,
    },
];

/// The entry of [`MIPS_CORES`] for a core name (`24KEc`; case-insensitive),
/// or for a qemu CPU model name, which is a core name too.
pub fn mips_core(name: &str) -> Option<&'static MipsCore> {
    MIPS_CORES
        .iter()
        .find(|c| c.core.eq_ignore_ascii_case(name))
}

/// Whether a qemu CPU model has no FPU: `Some(true)` for the FPU-less
/// models of [`MIPS_CORES`], `Some(false)` for those with one, `None` for a
/// model the table does not know.
pub fn cpu_lacks_fpu(qemu_cpu: &str) -> Option<bool> {
    MIPS_CORES
        .iter()
        .find(|c| {
            c.qemu_cpu.eq_ignore_ascii_case(qemu_cpu) || c.core.eq_ignore_ascii_case(qemu_cpu)
        })
        .map(|c| !c.fpu)
}

/// Rejects a triple that is obviously not one (empty, spaces, no `-`).
pub fn check_triple_syntax(triple: &str) -> Result<()> {
    if triple.is_empty() || triple.contains(char::is_whitespace) || !triple.contains('-') {
        bail!(
            "`{triple}` is not a target triple (expected e.g. mips-linux-gnu, mipsel-openwrt-linux-musl)"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn router_cores_map_to_fpu_less_qemu_models() {
        // ramips (MT7620A/MT7628) and ath79: their own qemu models, no FPU.
        assert_eq!(
            mips_core("24KEc").map(|c| (c.qemu_cpu, c.fpu)),
            Some(("24KEc", false))
        );
        assert_eq!(
            mips_core("24kc").map(|c| (c.qemu_cpu, c.fpu)),
            Some(("24Kc", false))
        );
        // qemu has no 74Kc: the stand-in must lack an FPU too.
        let c74 = mips_core("74Kc").expect("74Kc");
        assert_eq!(cpu_lacks_fpu(c74.qemu_cpu), Some(true));
        assert_eq!(cpu_lacks_fpu("24Kf"), Some(false));
        assert_eq!(cpu_lacks_fpu("pentium"), None);
    }

    use super::*;

    #[test]
    fn goarch_table_matches_libgo_configure() {
        let cases = [
            ("mips-linux-gnu", "mips"),
            ("mipsel-linux-gnu", "mipsle"),
            ("mipsel-openwrt-linux-musl", "mipsle"),
            ("mips64el-linux-gnuabi64", "mips64le"),
            ("mips64-linux-gnuabin32", "mips64p32"),
            ("powerpc-linux-gnu", "ppc"),
            ("powerpc64le-linux-gnu", "ppc64le"),
            ("powerpc64-linux-gnu", "ppc64"),
            ("alpha-linux-gnu", "alpha"),
            ("x86_64-linux-gnu", "amd64"),
            ("x86_64-linux-gnux32", "amd64p32"),
            ("i686-linux-gnu", "386"),
            ("aarch64-linux-gnu", "arm64"),
            ("arm-linux-gnueabihf", "arm"),
            ("sparc64-linux-gnu", "sparc64"),
            ("sh4-linux-gnu", "sh"),
            ("m68k-linux-gnu", "m68k"),
            ("s390x-linux-gnu", "s390x"),
            ("riscv64-linux-gnu", "riscv64"),
        ];
        for (triple, want) in cases {
            assert_eq!(goarch_for_triple(triple), Some(want), "{triple}");
            assert_eq!(goos_for_triple(triple), Some("linux"), "{triple}");
        }
    }

    #[test]
    fn unknown_arch_is_an_error_not_a_host_build() {
        let err = Target::from_triple("vax-linux-gnu")
            .unwrap_err()
            .to_string();
        assert!(err.contains("no GOARCH is known"), "{err}");
        assert!(err.contains("vax"), "{err}");
    }

    #[test]
    fn debian_package_names() {
        assert_eq!(
            debian_gccgo_package("mips-linux-gnu"),
            "gccgo-mips-linux-gnu"
        );
        assert_eq!(
            debian_gccgo_package("x86_64-linux-gnu"),
            "gccgo-x86-64-linux-gnu"
        );
    }
}
