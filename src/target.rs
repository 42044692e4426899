//! Target: a GNU target triple mapped to the Go names of its system
//! (GOOS) and architecture (GOARCH), plus the known-OS / known-arch lists
//! that file-name suffixes are matched against.
//!
//! The triple → GOARCH table follows gofrontend's `libgo/configure.ac`
//! (the `case ${host}` that sets `GOARCH`), so a cross gccgo for a target
//! gc does not serve (alpha, m68k, sh, 32-bit ppc …) gets the same GOARCH
//! its own libgo was built with.
//!
//! [`ARCHES`] is the one architecture table: per GOARCH its ELF machine,
//! class and byte order, device family, qemu-user emulator, Debian and
//! OpenWrt triples and musl loader name. `inspect`, `doctor`, `toolchain`
//! and `profile` read it through the lookups next to it; none keeps its own
//! list. [`MIPS_CORES`] does the same for MIPS cores. This module knows
//! nothing of compilers or files: it only names things.

use anyhow::{Result, bail};
use object::elf;

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

/// GOARCH of the machine gccgo-build runs on (its Rust `ARCH` read as a
/// triple); `None` for an architecture libgo has no port for.
pub fn host_goarch() -> Option<&'static str> {
    goarch_for_triple(&format!("{}-linux-gnu", std::env::consts::ARCH))
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

/// One architecture as every stage of gccgo-build names it: the GOARCH, the
/// ELF header that marks its files, the device family doctor compares by,
/// the qemu-user emulator that runs its programs, and the toolchain and
/// loader names used for it. [`ARCHES`] holds one row per GOARCH; the
/// lookups below ([`arch`], [`arch_for_elf`], [`arch_for_device`],
/// [`machine_name`], [`family_of_machine`], [`qemu_for_goarch`]) are how
/// the other modules read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arch {
    /// GOARCH as libgo names it (`mipsle`, `ppc`, `amd64p32`): a value of [`KNOWN_ARCH`].
    pub goarch: &'static str,
    /// The family a device is described by, as doctor's `Device::arch`
    /// names it (`mips` for every MIPS GOARCH, `x86` for `386` and `amd64`):
    /// a binary of another family cannot run on the device at all.
    pub family: &'static str,
    /// The ELF `e_machine` values of its files (`object::elf::EM_*`), with
    /// readelf-like names; the first is what toolchains write.
    pub machines: &'static [ElfMachine],
    /// ELF class: 32 or 64 (MIPS n32 is ELF32 on a 64-bit ISA).
    pub class: u8,
    /// Byte order of its files and of the CPU running them.
    pub endian: Endian,
    /// The MIPS n32 ABI (`EF_MIPS_ABI2`): what tells `mips64p32` from `mips`.
    pub n32: bool,
    /// The `qemu-<name>-static` user-mode emulator (Debian's
    /// [`QEMU_PACKAGE`]) that runs its programs, when qemu has one.
    pub qemu: Option<&'static str>,
    /// Debian's cross triple for it (`mipsel-linux-gnu`): the toolchain doctor
    /// recommends and whose binutils (`<triple>-strip`) read its files; `None`
    /// where gccgo-build recommends no Debian toolchain. For `arm` it is the
    /// hard-float `arm-linux-gnueabihf` (doctor picks `arm-linux-gnueabi`
    /// for a core without an FPU).
    pub debian_triple: Option<&'static str>,
    /// The OpenWrt SDK's triple (`mipsel-openwrt-linux-musl`), where
    /// OpenWrt has a target for it.
    pub openwrt_triple: Option<&'static str>,
    /// musl's name for it in the loader path `/lib/ld-musl-<name>.so.1`
    /// (musl's `LDSO_ARCH`, before the float suffixes `-sf` and `hf`).
    pub musl_ldso: Option<&'static str>,
}

/// One ELF `e_machine` value and the name `inspect` prints for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ElfMachine {
    /// `e_machine`, as `object::elf::EM_*`.
    pub machine: elf::Machine,
    /// readelf-like name (`MIPS`, `PowerPC`, `x86-64`).
    pub name: &'static str,
}

const fn em(machine: elf::Machine, name: &'static str) -> ElfMachine {
    ElfMachine { machine, name }
}

// The ELF machines of the Go ports, each named once (readelf's names,
// shortened as `inspect` prints them); rows of the same machine share one.
const I386: &[ElfMachine] = &[em(elf::EM_386, "i386")];
const X86_64: &[ElfMachine] = &[em(elf::EM_X86_64, "x86-64")];
const ARM: &[ElfMachine] = &[em(elf::EM_ARM, "ARM")];
const AARCH64: &[ElfMachine] = &[em(elf::EM_AARCH64, "AArch64")];
const ALPHA: &[ElfMachine] = &[em(elf::EM_ALPHA, "Alpha")];
const IA_64: &[ElfMachine] = &[em(elf::EM_IA_64, "IA-64")];
const LOONGARCH: &[ElfMachine] = &[em(elf::EM_LOONGARCH, "LoongArch")];
const M68K: &[ElfMachine] = &[em(elf::EM_68K, "m68k")];
/// Big-endian `EM_MIPS`, or the rare `EM_MIPS_RS3_LE`, for all six MIPS
/// GOARCHes (class, byte order and ABI tell them apart).
const MIPS: &[ElfMachine] = &[
    em(elf::EM_MIPS, "MIPS"),
    em(elf::EM_MIPS_RS3_LE, "MIPS (RS3000 little-endian)"),
];
const NIOS2: &[ElfMachine] = &[em(elf::EM_ALTERA_NIOS2, "Nios II")];
const OPENRISC: &[ElfMachine] = &[em(elf::EM_OPENRISC, "OpenRISC")];
const PPC: &[ElfMachine] = &[em(elf::EM_PPC, "PowerPC")];
const PPC64: &[ElfMachine] = &[em(elf::EM_PPC64, "PowerPC64")];
const RISCV: &[ElfMachine] = &[em(elf::EM_RISCV, "RISC-V")];
const S390: &[ElfMachine] = &[em(elf::EM_S390, "S/390")];
const SH: &[ElfMachine] = &[em(elf::EM_SH, "SuperH")];
/// 32-bit SPARC, and SPARC V8+ (32-bit code using V9 instructions).
const SPARC: &[ElfMachine] = &[
    em(elf::EM_SPARC, "SPARC"),
    em(elf::EM_SPARC32PLUS, "SPARC32PLUS"),
];
const SPARCV9: &[ElfMachine] = &[em(elf::EM_SPARCV9, "SPARC v9")];

impl Arch {
    /// A row with no emulator, toolchain or loader names; the methods below
    /// add them (`const`, so [`ARCHES`] is built at compile time).
    const fn new(
        goarch: &'static str,
        family: &'static str,
        machines: &'static [ElfMachine],
        class: u8,
        endian: Endian,
    ) -> Arch {
        Arch {
            goarch,
            family,
            machines,
            class,
            endian,
            n32: false,
            qemu: None,
            debian_triple: None,
            openwrt_triple: None,
            musl_ldso: None,
        }
    }
    const fn n32(self) -> Arch {
        Arch { n32: true, ..self }
    }
    const fn qemu(self, qemu: &'static str) -> Arch {
        Arch {
            qemu: Some(qemu),
            ..self
        }
    }
    const fn debian(self, triple: &'static str) -> Arch {
        Arch {
            debian_triple: Some(triple),
            ..self
        }
    }
    const fn openwrt(self, triple: &'static str) -> Arch {
        Arch {
            openwrt_triple: Some(triple),
            ..self
        }
    }
    const fn musl(self, ldso: &'static str) -> Arch {
        Arch {
            musl_ldso: Some(ldso),
            ..self
        }
    }

    /// Whether a file's `e_machine` is one of this architecture's.
    pub fn has_machine(&self, e_machine: u16) -> bool {
        self.machines.iter().any(|m| m.machine.0 == e_machine)
    }
}

use Endian::{Big, Little};

/// Every architecture gccgo-build knows, one row per GOARCH. Sources: GOARCH
/// and the triples from gofrontend's `libgo/configure.ac` and [`goarch_for_triple`];
/// `e_machine`, class and byte order from the ELF ABI supplements (binutils
/// `include/elf/common.h`); qemu names from Debian's `qemu-user-static`; the
/// Debian triples from Debian's `gccgo-<triple>` cross packages; the OpenWrt
/// triples from the OpenWrt SDKs (`<arch>-openwrt-linux-musl`); the musl
/// loader names from musl's `arch/*/reloc.h` (`LDSO_ARCH`). Order matters
/// only where a lookup finds two rows equally good: the earlier wins (so an
/// unknown word size picks the 32-bit row, an unknown PowerPC byte order the
/// big-endian one).
pub const ARCHES: &[Arch] = &[
    Arch::new("386", "x86", I386, 32, Little)
        .qemu("qemu-i386-static")
        .debian("i686-linux-gnu")
        .openwrt("i486-openwrt-linux-musl")
        .musl("i386"),
    Arch::new("amd64", "x86", X86_64, 64, Little)
        .qemu("qemu-x86_64-static")
        .debian("x86_64-linux-gnu")
        .openwrt("x86_64-openwrt-linux-musl")
        .musl("x86_64"),
    Arch::new("amd64p32", "x86", X86_64, 32, Little),
    Arch::new("arm", "arm", ARM, 32, Little)
        .qemu("qemu-arm-static")
        .debian("arm-linux-gnueabihf")
        .openwrt("arm-openwrt-linux-muslgnueabi")
        .musl("arm"),
    Arch::new("armbe", "arm", ARM, 32, Big).qemu("qemu-armeb-static"),
    Arch::new("arm64", "arm64", AARCH64, 64, Little)
        .qemu("qemu-aarch64-static")
        .debian("aarch64-linux-gnu")
        .openwrt("aarch64-openwrt-linux-musl")
        .musl("aarch64"),
    Arch::new("arm64be", "arm64", AARCH64, 64, Big),
    Arch::new("alpha", "alpha", ALPHA, 64, Little)
        .qemu("qemu-alpha-static")
        .debian("alpha-linux-gnu"),
    Arch::new("ia64", "ia64", IA_64, 64, Little),
    Arch::new("loong64", "loong64", LOONGARCH, 64, Little),
    Arch::new("m68k", "m68k", M68K, 32, Big).qemu("qemu-m68k-static"),
    Arch::new("mips", "mips", MIPS, 32, Big)
        .qemu("qemu-mips-static")
        .debian("mips-linux-gnu")
        .openwrt("mips-openwrt-linux-musl")
        .musl("mips"),
    Arch::new("mipsle", "mips", MIPS, 32, Little)
        .qemu("qemu-mipsel-static")
        .debian("mipsel-linux-gnu")
        .openwrt("mipsel-openwrt-linux-musl")
        .musl("mipsel"),
    Arch::new("mips64", "mips", MIPS, 64, Big)
        .qemu("qemu-mips64-static")
        .debian("mips64-linux-gnuabi64")
        .openwrt("mips64-openwrt-linux-musl")
        .musl("mips64"),
    Arch::new("mips64le", "mips", MIPS, 64, Little)
        .qemu("qemu-mips64el-static")
        .debian("mips64el-linux-gnuabi64")
        .openwrt("mips64el-openwrt-linux-musl")
        .musl("mips64el"),
    Arch::new("mips64p32", "mips", MIPS, 32, Big)
        .n32()
        .qemu("qemu-mipsn32-static"),
    Arch::new("mips64p32le", "mips", MIPS, 32, Little)
        .n32()
        .qemu("qemu-mipsn32el-static"),
    Arch::new("nios2", "nios2", NIOS2, 32, Little),
    Arch::new("or1k", "or1k", OPENRISC, 32, Big),
    Arch::new("ppc", "ppc", PPC, 32, Big)
        .qemu("qemu-ppc-static")
        .debian("powerpc-linux-gnu")
        .openwrt("powerpc-openwrt-linux-musl")
        .musl("powerpc"),
    Arch::new("ppc64", "ppc", PPC64, 64, Big)
        .qemu("qemu-ppc64-static")
        .debian("powerpc64-linux-gnu")
        .musl("powerpc64"),
    Arch::new("ppc64le", "ppc", PPC64, 64, Little)
        .qemu("qemu-ppc64le-static")
        .debian("powerpc64le-linux-gnu")
        .musl("powerpc64le"),
    Arch::new("riscv", "riscv", RISCV, 32, Little),
    Arch::new("riscv64", "riscv", RISCV, 64, Little)
        .qemu("qemu-riscv64-static")
        .debian("riscv64-linux-gnu")
        .openwrt("riscv64-openwrt-linux-musl")
        .musl("riscv64"),
    Arch::new("s390", "s390", S390, 32, Big),
    Arch::new("s390x", "s390", S390, 64, Big)
        .qemu("qemu-s390x-static")
        .debian("s390x-linux-gnu")
        .musl("s390x"),
    Arch::new("sh", "sh", SH, 32, Little).qemu("qemu-sh4-static"),
    Arch::new("shbe", "sh", SH, 32, Big).qemu("qemu-sh4eb-static"),
    Arch::new("sparc", "sparc", SPARC, 32, Big).qemu("qemu-sparc-static"),
    Arch::new("sparc64", "sparc", SPARCV9, 64, Big)
        .qemu("qemu-sparc64-static")
        .debian("sparc64-linux-gnu"),
];

/// ELF machines with no Go port, named only so `inspect` can say what a file is.
const OTHER_MACHINES: &[ElfMachine] = &[em(elf::EM_PARISC, "PA-RISC")];

/// The row of [`ARCHES`] for a GOARCH.
pub fn arch(goarch: &str) -> Option<&'static Arch> {
    ARCHES.iter().find(|a| a.goarch == goarch)
}

/// The row of `rows` that best fits a word size and a byte order, either of
/// which may be unknown: a matching byte order counts more than a matching
/// word size (little-endian PowerPC is `ppc64le` whatever the word size),
/// and of equally good rows the first wins. `None` when `rows` is empty.
fn best_fit<'a>(
    rows: impl Iterator<Item = &'a Arch>,
    class: Option<u8>,
    endian: Option<Endian>,
) -> Option<&'a Arch> {
    let score =
        |a: &Arch| 2 * u8::from(Some(a.endian) == endian) + u8::from(Some(a.class) == class);
    let mut best: Option<&Arch> = None;
    for a in rows {
        if best.is_none_or(|b| score(a) > score(b)) {
            best = Some(a);
        }
    }
    best
}

/// The architecture of an ELF file: the row with its `e_machine` and MIPS
/// ABI (`n32`: the file's ABI is n32) that best fits its class (32 or 64)
/// and byte order. An `e_machine` names the architecture; class and byte
/// order only choose among its GOARCHes, so a file whose class or byte
/// order fits no row (an ELF64 `EM_386`) still gets the machine's closest
/// one. `None` for a machine with no Go port.
pub fn arch_for_elf(e_machine: u16, class: u8, endian: Endian, n32: bool) -> Option<&'static Arch> {
    best_fit(
        ARCHES
            .iter()
            .filter(|a| a.has_machine(e_machine) && a.n32 == n32),
        Some(class),
        Some(endian),
    )
}

/// The architecture to build for a device of `family` (doctor's
/// `Device::arch`) with a kernel word size and a byte order, either maybe
/// unknown: among the rows with a Debian toolchain ([`Arch::debian_triple`]),
/// the best fit. `None` for a family with no such row.
pub fn arch_for_device(
    family: &str,
    bits: Option<u8>,
    endian: Option<Endian>,
) -> Option<&'static Arch> {
    best_fit(
        ARCHES
            .iter()
            .filter(|a| a.family == family && a.debian_triple.is_some()),
        bits,
        endian,
    )
}

/// The family ([`Arch::family`]) of an ELF `e_machine`, `None` for a
/// machine with no Go port.
pub fn family_of_machine(e_machine: u16) -> Option<&'static str> {
    ARCHES
        .iter()
        .find(|a| a.has_machine(e_machine))
        .map(|a| a.family)
}

/// readelf-like name of an ELF `e_machine` (`MIPS`, `PowerPC`, `x86-64`),
/// or `unknown (N)`.
pub fn machine_name(e_machine: u16) -> String {
    ARCHES
        .iter()
        .flat_map(|a| a.machines)
        .chain(OTHER_MACHINES)
        .find(|m| m.machine.0 == e_machine)
        .map(|m| m.name.to_string())
        .unwrap_or_else(|| format!("unknown ({e_machine})"))
}

/// The `qemu-<name>-static` user-mode emulator name for a GOARCH, when qemu has one.
pub fn qemu_for_goarch(goarch: &str) -> Option<&'static str> {
    arch(goarch).and_then(|a| a.qemu)
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
    MipsCore::new("4Kc", "4Kc", false),
    MipsCore::new("4KEc", "4KEc", false),
    MipsCore::new("24Kc", "24Kc", false),
    MipsCore::new("24KEc", "24KEc", false),
    MipsCore::new("34Kc", "24KEc", false),
    MipsCore::new("74Kc", "24KEc", false),
    MipsCore::new("1004Kc", "24KEc", false),
    MipsCore::new("M14Kc", "M14Kc", false),
    MipsCore::new("24Kf", "24Kf", true),
    MipsCore::new("34Kf", "34Kf", true),
    MipsCore::new("74Kf", "74Kf", true),
    MipsCore::new("1004Kf", "34Kf", true),
    MipsCore::new("P5600", "P5600", true),
];

impl MipsCore {
    /// A row of [`MIPS_CORES`]: core name, qemu CPU model, FPU.
    const fn new(core: &'static str, qemu_cpu: &'static str, fpu: bool) -> MipsCore {
        MipsCore {
            core,
            qemu_cpu,
            fpu,
        }
    }
}

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
    fn arch_table_agrees_with_itself_and_the_triple_rules() {
        for (i, a) in ARCHES.iter().enumerate() {
            assert!(is_known_arch(a.goarch), "{}", a.goarch);
            assert!(
                ARCHES[..i].iter().all(|b| b.goarch != a.goarch),
                "{} twice",
                a.goarch
            );
            assert!(matches!(a.class, 32 | 64) && !a.machines.is_empty());
            // Each triple names this GOARCH under libgo's configure rules.
            for t in [a.debian_triple, a.openwrt_triple].into_iter().flatten() {
                assert_eq!(goarch_for_triple(t), Some(a.goarch), "{t}");
            }
            if let Some(q) = a.qemu {
                assert!(q.starts_with("qemu-") && q.ends_with("-static"), "{q}");
            }
            // A file of this architecture's own header finds this row.
            let m = a.machines[0].machine.0;
            assert_eq!(arch_for_elf(m, a.class, a.endian, a.n32), Some(a));
            assert_eq!(family_of_machine(m), Some(a.family));
        }
    }

    #[test]
    fn elf_and_device_lookups() {
        let goarch = |m: elf::Machine, class, endian, n32| {
            arch_for_elf(m.0, class, endian, n32).map(|a| a.goarch)
        };
        assert_eq!(goarch(elf::EM_MIPS, 32, Little, false), Some("mipsle"));
        assert_eq!(goarch(elf::EM_MIPS, 32, Big, true), Some("mips64p32"));
        assert_eq!(goarch(elf::EM_MIPS, 64, Little, false), Some("mips64le"));
        assert_eq!(goarch(elf::EM_SPARC32PLUS, 32, Big, false), Some("sparc"));
        assert_eq!(goarch(elf::EM_X86_64, 32, Little, false), Some("amd64p32"));
        // Class and byte order choose among a machine's GOARCHes; they never
        // turn a known machine into no GOARCH.
        assert_eq!(goarch(elf::EM_PPC, 64, Little, false), Some("ppc"));
        assert_eq!(goarch(elf::EM_PPC64, 32, Little, false), Some("ppc64le"));
        assert_eq!(goarch(elf::EM_PARISC, 32, Big, false), None);
        assert_eq!(
            machine_name(elf::EM_MIPS_RS3_LE.0),
            "MIPS (RS3000 little-endian)"
        );
        assert_eq!(machine_name(elf::EM_PARISC.0), "PA-RISC");
        assert_eq!(machine_name(7), "unknown (7)");
        let device = |family, bits, endian| arch_for_device(family, bits, endian).map(|a| a.goarch);
        assert_eq!(device("mips", Some(32), Some(Little)), Some("mipsle"));
        assert_eq!(device("ppc", Some(32), Some(Little)), Some("ppc64le"));
        assert_eq!(device("ppc", Some(64), None), Some("ppc64"));
        assert_eq!(device("ppc", Some(32), None), Some("ppc"));
        assert_eq!(device("x86", None, Some(Little)), Some("386"));
        assert_eq!(device("sparc", Some(32), Some(Big)), Some("sparc64"));
        assert_eq!(device("m68k", Some(32), Some(Big)), None);
        assert_eq!(
            qemu_for_goarch("mips64p32le"),
            Some("qemu-mipsn32el-static")
        );
        assert_eq!(qemu_for_goarch("riscv"), None);
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
