//! Device: a device description (`/proc/cpuinfo`, `uname -a`, `df -h`)
//! parsed into a [`Device`]. Pure functions over text; where a description
//! does not state a fact, the rule used is named where it is applied: MIPS
//! `/proc/cpuinfo` never states the byte order (uname says `mips` for both),
//! so it comes from the SoC family; Linux prints `FPU V…` on the `cpu model`
//! line only for a core with an FPU (`arch/mips/kernel/proc.c`), and MIPS
//! core names end in `c` without an FPU and in `f` with one. Knows nothing
//! of binaries.

use serde::Serialize;

/// What doctor knows about a device. Serialized as the `device` field of `--json`.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Device {
    /// cpuinfo `system type` (MIPS SoC), e.g. `MediaTek MT7620A ver:2 eco:6`.
    pub system_type: Option<String>,
    /// cpuinfo `machine` (the board), e.g. `Lenovo Y1`.
    pub board: Option<String>,
    /// cpuinfo `cpu model` / `model name` / `cpu`, e.g. `MIPS 24KEc V5.0`.
    pub cpu_model: Option<String>,
    /// The MIPS core name from `cpu model`, e.g. `24KEc`.
    pub core: Option<String>,
    /// Architecture family: `mips`, `ppc`, `alpha`, `x86`, `arm`, `arm64`,
    /// `riscv`, `s390`, `sparc`, or `unknown`: the family names of the
    /// architecture table (`target::Arch::family`), which a binary's is compared with.
    pub arch: String,
    /// Kernel word size in bits (from uname's machine), if known.
    pub bits: Option<u8>,
    /// `little` or `big`, if known.
    pub endian: Option<String>,
    /// How the byte order was decided.
    pub endian_source: Option<String>,
    /// cpuinfo `isa` words (MIPS), e.g. `["mips1", "mips2", "mips32r1", "mips32r2"]`.
    pub isa: Vec<String>,
    /// cpuinfo `ASEs implemented` words (MIPS).
    pub ases: Vec<String>,
    /// Whether the core has a hardware FPU, if known.
    pub fpu: Option<bool>,
    /// How `fpu` was decided.
    pub fpu_source: Option<String>,
    /// Number of `processor` entries in cpuinfo.
    pub cpus: usize,
    /// uname's host name.
    pub hostname: Option<String>,
    /// uname's kernel release (`4.14.151`).
    pub kernel: Option<String>,
    /// uname's machine (`mips`, `x86_64`).
    pub uname_machine: Option<String>,
    /// Whether uname names OpenWrt.
    pub openwrt: bool,
    /// `glibc`, `musl` or `uclibc`, if known.
    pub libc: Option<String>,
    /// How `libc` was decided.
    pub libc_source: Option<String>,
    /// Mounted file systems from df, sizes in bytes.
    pub mounts: Vec<Mount>,
}

/// One line of `df`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Mount {
    /// The device or file system name (`/dev/mtdblock6`, `tmpfs`).
    pub filesystem: String,
    /// Total bytes (from `df -h`'s `2.5M`-style figures, powers of 1024,
    /// or `df`'s 1K blocks).
    pub size: u64,
    /// Bytes in use.
    pub used: u64,
    /// Bytes free for an unprivileged user.
    pub available: u64,
    /// The mount point (`/overlay`).
    pub mounted_on: String,
}

/// Key/value pairs of a `/proc/cpuinfo` (`key<TAB>: value`), in order.
pub fn parse_cpuinfo(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|l| {
            let (k, v) = l.split_once(':')?;
            let k = k.trim();
            (!k.is_empty()).then(|| (k.to_string(), v.trim().to_string()))
        })
        .collect()
}

/// `uname -a` parsed: (hostname, kernel release, machine, whole line).
/// `uname -a` prints `s n r v m [p i] o`; the machine is the word before the
/// OS name (`GNU/Linux`), or the last word when no OS name ends the line.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Uname {
    /// The second word (`OpenWrt`).
    pub hostname: Option<String>,
    /// The third word (`4.14.151`).
    pub release: Option<String>,
    /// The machine (`mips`); `None` when uname says `unknown`.
    pub machine: Option<String>,
    /// The whole line, trimmed.
    pub line: String,
}

/// Parses the first non-empty line of `uname -a` output.
pub fn parse_uname(text: &str) -> Uname {
    let line = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    let w: Vec<&str> = line.split_whitespace().collect();
    let last_is_os = w
        .last()
        .is_some_and(|l| l.contains("Linux") || l.contains("GNU") || *l == "Android");
    let machine = if last_is_os && w.len() >= 2 {
        w.get(w.len() - 2)
    } else {
        w.last()
    };
    Uname {
        hostname: w.get(1).map(|s| s.to_string()),
        release: w.get(2).map(|s| s.to_string()),
        machine: machine.filter(|m| **m != "unknown").map(|s| s.to_string()),
        line: line.to_string(),
    }
}

/// Parses `df -h` (busybox or GNU) or plain `df` (1K blocks). A file system
/// name alone on its line (GNU wraps long names) is joined with the next line.
pub fn parse_df(text: &str) -> Vec<Mount> {
    let mut lines = text.lines();
    let Some(header) = lines.next() else {
        return Vec::new();
    };
    let blocks_1k = header.contains("1K-blocks") || header.contains("1k-blocks");
    let mut out = Vec::new();
    let mut pending: Option<String> = None;
    for l in lines {
        let mut words: Vec<String> = l.split_whitespace().map(String::from).collect();
        if words.is_empty() {
            continue;
        }
        if let Some(fs) = pending.take() {
            words.insert(0, fs);
        }
        if words.len() == 1 {
            pending = words.pop();
            continue;
        }
        if words.len() < 6 {
            continue;
        }
        let n = words.len();
        let size = |s: &str| parse_size(s, blocks_1k);
        let (Some(size), Some(used), Some(available)) =
            (size(&words[1]), size(&words[2]), size(&words[3]))
        else {
            continue;
        };
        out.push(Mount {
            filesystem: words[0].clone(),
            size,
            used,
            available,
            mounted_on: words[5..n].join(" "),
        });
    }
    out
}

/// `10.6M` → bytes (powers of 1024, as `df -h`); a bare number is bytes, or
/// KiB when `blocks_1k`.
pub fn parse_size(s: &str, blocks_1k: bool) -> Option<u64> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let v: f64 = num.parse().ok()?;
    let mult: f64 = match unit.trim_end_matches(['i', 'B']) {
        "" if blocks_1k => 1024.0,
        "" => 1.0,
        "K" | "k" => 1024.0,
        "M" => 1024.0 * 1024.0,
        "G" => 1024.0 * 1024.0 * 1024.0,
        "T" => 1024.0f64.powi(4),
        "P" => 1024.0f64.powi(5),
        _ => return None,
    };
    Some((v * mult).round() as u64)
}

/// Byte order of a MIPS SoC family named in cpuinfo's `system type`, with the
/// reason. MediaTek/Ralink (OpenWrt `ramips`), Broadcom BCM47xx/53xx
/// (`bcm47xx`), Ingenic and Loongson run little-endian; Atheros/QCA (`ath79`),
/// Lantiq, Broadcom BCM63xx (`bcm63xx`), Realtek RTL83xx/93xx and Cavium
/// Octeon run big-endian (OpenWrt's per-target `CPU_TYPE`/`ARCH`).
pub fn mips_soc_endian(system_type: &str) -> Option<(&'static str, &'static str)> {
    let s = system_type.to_ascii_lowercase();
    let has = |p: &str| s.contains(p);
    if has("mediatek")
        || has("ralink")
        || s.starts_with("mt76")
        || s.starts_with("rt3")
        || s.starts_with("rt5")
    {
        Some((
            "little",
            "MediaTek/Ralink MIPS SoCs (OpenWrt ramips) run little-endian",
        ))
    } else if has("bcm47") || has("bcm53") {
        Some((
            "little",
            "Broadcom BCM47xx/53xx MIPS SoCs (OpenWrt bcm47xx) run little-endian",
        ))
    } else if has("ingenic") || has("loongson") {
        Some(("little", "Ingenic and Loongson MIPS SoCs run little-endian"))
    } else if has("atheros")
        || has("qca9")
        || has("ar71")
        || has("ar72")
        || has("ar91")
        || has("ar93")
        || has("ar13")
    {
        Some((
            "big",
            "Atheros/Qualcomm Atheros MIPS SoCs (OpenWrt ath79) run big-endian",
        ))
    } else if has("lantiq") || has("xrx") || has("danube") || has("infineon") {
        Some(("big", "Lantiq MIPS SoCs (OpenWrt lantiq) run big-endian"))
    } else if has("bcm63") {
        Some((
            "big",
            "Broadcom BCM63xx MIPS SoCs (OpenWrt bcm63xx) run big-endian",
        ))
    } else if has("realtek rtl83")
        || has("realtek rtl93")
        || has("rtl838")
        || has("rtl839")
        || has("rtl930")
    {
        Some((
            "big",
            "Realtek RTL83xx/93xx switch SoCs (OpenWrt realtek) run big-endian",
        ))
    } else if has("octeon") || has("cavium") {
        Some(("big", "Cavium Octeon runs big-endian"))
    } else {
        None
    }
}

fn first<'a>(kv: &'a [(String, String)], key: &str) -> Option<&'a str> {
    kv.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v.as_str())
}

/// Folds the three descriptions into a [`Device`] (see the module comment
/// for the rules used where a fact is not stated).
pub fn describe_device(cpuinfo: &str, uname: Option<&str>, df: Option<&str>) -> Device {
    let kv = parse_cpuinfo(cpuinfo);
    let un = uname.map(parse_uname).unwrap_or_default();
    let mut d = Device {
        system_type: first(&kv, "system type").map(String::from),
        board: first(&kv, "machine").map(String::from),
        cpu_model: first(&kv, "cpu model")
            .or_else(|| first(&kv, "model name"))
            .or_else(|| first(&kv, "cpu"))
            .or_else(|| first(&kv, "Processor"))
            .map(String::from),
        isa: first(&kv, "isa").map(words).unwrap_or_default(),
        ases: first(&kv, "ASEs implemented")
            .map(words)
            .unwrap_or_default(),
        cpus: kv.iter().filter(|(k, _)| k == "processor").count().max(1),
        hostname: un.hostname.clone(),
        kernel: un.release.clone(),
        uname_machine: un.machine.clone(),
        openwrt: un.line.contains("OpenWrt") || un.line.contains("LEDE"),
        mounts: df.map(parse_df).unwrap_or_default(),
        ..Device::default()
    };
    let model = d.cpu_model.clone().unwrap_or_default();
    let um = un.machine.as_deref().unwrap_or("").to_ascii_lowercase();
    d.arch = family(&kv, &d, &model, &um).to_string();
    if d.arch == "mips" {
        d.core = model
            .strip_prefix("MIPS ")
            .and_then(|r| r.split_whitespace().next())
            .map(String::from);
    }
    d.bits = kernel_bits(&d, &um);
    let (endian, source) = byte_order(&d, &um);
    d.endian = endian.map(String::from);
    d.endian_source = endian.map(|_| source);
    let (fpu, src) = fpu(&kv, &d, &model);
    d.fpu = fpu;
    d.fpu_source = fpu.map(|_| src);
    if let Some(f) = first(&kv, "fpu") {
        d.fpu = Some(matches!(f, "yes" | "1" | "true"));
        d.fpu_source = Some("cpuinfo `fpu` line".into());
    }
    if d.openwrt {
        openwrt_libc(&mut d);
    }
    d
}

/// The architecture family ([`Device::arch`]): from uname's machine
/// (`um`, lower case) when given, else from the keys cpuinfo has.
fn family(kv: &[(String, String)], d: &Device, model: &str, um: &str) -> &'static str {
    if !um.is_empty() {
        arch_of_uname(um)
    } else if model.starts_with("MIPS") || !d.isa.is_empty() || d.system_type.is_some() {
        "mips"
    } else if first(kv, "vendor_id").is_some() {
        "x86"
    } else if model.starts_with("EV") || first(kv, "cpu").is_some_and(|c| c.starts_with("Alpha")) {
        "alpha"
    } else if first(kv, "CPU architecture").is_some() {
        if first(kv, "CPU architecture") == Some("8") && !model.contains("ARMv7") {
            "arm64"
        } else {
            "arm"
        }
    } else if first(kv, "timebase").is_some() {
        "ppc"
    } else {
        "unknown"
    }
}

/// The kernel's word size: from uname's machine (`um`), else 64 for Alpha
/// and 32 for a MIPS CPU whose cpuinfo `isa` lists no 64-bit ISA.
fn kernel_bits(d: &Device, um: &str) -> Option<u8> {
    match um {
        "" if d.arch == "alpha" => Some(64),
        // A MIPS CPU whose cpuinfo `isa` lists no 64-bit ISA runs a 32-bit kernel.
        "" if d.arch == "mips"
            && !d.isa.is_empty()
            && !d.isa.iter().any(|i| {
                i.starts_with("mips64") || matches!(i.as_str(), "mips3" | "mips4" | "mips5")
            }) =>
        {
            Some(32)
        }
        "" => None,
        m if m.contains("64") || m == "alpha" || m == "s390x" => Some(64),
        _ => Some(32),
    }
}

/// The byte order and how it was decided: uname's machine (`um`) where it
/// tells, else the MIPS SoC family ([`mips_soc_endian`]), else the family
/// where it has one byte order. `(None, "")` when unknown.
fn byte_order(d: &Device, um: &str) -> (Option<&'static str>, String) {
    match um {
        "mipsel" | "mips64el" => (Some("little"), format!("uname machine `{um}`")),
        "ppc" | "ppc64" | "powerpc" | "s390" | "s390x" | "sparc" | "sparc64" | "aarch64_be"
        | "m68k" => (Some("big"), format!("uname machine `{um}` is big-endian")),
        m if m.starts_with("armv") && m.ends_with('b') => {
            (Some("big"), format!("uname machine `{um}`"))
        }
        m if !m.is_empty() && !m.starts_with("mips") => (
            Some("little"),
            format!("uname machine `{um}` is little-endian"),
        ),
        _ if d.arch == "mips" => match d.system_type.as_deref().and_then(mips_soc_endian) {
            Some((e, why)) => (
                Some(e),
                format!(
                    "system type `{}`: {why}",
                    d.system_type.as_deref().unwrap_or("")
                ),
            ),
            None => (None, String::new()),
        },
        _ if matches!(d.arch.as_str(), "x86" | "alpha" | "arm" | "arm64") => {
            (Some("little"), format!("{} is little-endian", d.arch))
        }
        _ => (None, String::new()),
    }
}

/// Whether the core has an FPU and how that was decided, by family: MIPS
/// from the `cpu model` line (module comment), x86 and ARM from cpuinfo's
/// flags, PowerPC from the core name. `(None, "")` when unknown.
fn fpu(kv: &[(String, String)], d: &Device, model: &str) -> (Option<bool>, String) {
    match d.arch.as_str() {
        "mips" => mips_fpu(d.core.as_deref().unwrap_or_default(), model),
        "x86" => match first(kv, "flags") {
            Some(f) => (
                Some(words(f).iter().any(|w| w == "fpu")),
                "cpuinfo flags".into(),
            ),
            None => (None, String::new()),
        },
        "arm" | "arm64" => match first(kv, "Features") {
            Some(f) => (
                Some(words(f).iter().any(|w| w.starts_with("vfp") || w == "fp")),
                "cpuinfo Features (vfp/fp)".into(),
            ),
            None => (None, String::new()),
        },
        "ppc" => {
            let l = model.to_ascii_lowercase();
            if l.starts_with("e500") || l.starts_with("e200") || l.contains("405") {
                (
                    Some(false),
                    format!("cpu `{model}`: e500/e200/405 cores have no classic PowerPC FPU"),
                )
            } else if !model.is_empty() {
                (Some(true), format!("cpu `{model}`"))
            } else {
                (None, String::new())
            }
        }
        "alpha" => (Some(true), "every Alpha has an FPU".into()),
        _ => (None, String::new()),
    }
}

/// A MIPS core's FPU: Linux prints `FPU V…` on the `cpu model` line only
/// for a core with one; else the core name's last letter (`c` none, `f` one).
fn mips_fpu(core: &str, model: &str) -> (Option<bool>, String) {
    if model.contains("FPU") {
        (Some(true), "the cpu model line shows `FPU V…`".into())
    } else if core.ends_with('c') {
        (
            Some(false),
            format!("core {core}: MIPS core names ending in `c` have no FPU"),
        )
    } else if core.ends_with('f') {
        (
            Some(true),
            format!("core {core}: MIPS core names ending in `f` have an FPU"),
        )
    } else if !model.is_empty() {
        (
            Some(false),
            "the cpu model line shows no `FPU V…`, which Linux prints for a core with an FPU"
                .into(),
        )
    } else {
        (None, String::new())
    }
}

/// The C library of an OpenWrt device, from its kernel version: OpenWrt
/// moved from uClibc to musl in 2015; 17.01 (kernel 4.4) on ship musl.
fn openwrt_libc(d: &mut Device) {
    let major: u32 = d
        .kernel
        .as_deref()
        .and_then(|k| k.split('.').next())
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    if major >= 4 {
        d.libc = Some("musl".into());
        d.libc_source = Some(format!(
            "uname names OpenWrt with kernel {}: OpenWrt has used musl since 17.01 (kernel 4.4)",
            d.kernel.as_deref().unwrap_or("?")
        ));
    } else {
        d.libc = Some("uclibc".into());
        d.libc_source = Some(
            "uname names OpenWrt with a 3.x kernel: OpenWrt 15.05 and older used uClibc".into(),
        );
    }
}

fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(String::from).collect()
}

fn arch_of_uname(m: &str) -> &'static str {
    match m {
        _ if m.starts_with("mips") => "mips",
        _ if m.starts_with("ppc") || m.starts_with("powerpc") => "ppc",
        "alpha" => "alpha",
        "x86_64" | "i386" | "i486" | "i586" | "i686" => "x86",
        _ if m.starts_with("aarch64") || m == "arm64" => "arm64",
        _ if m.starts_with("arm") => "arm",
        _ if m.starts_with("riscv") => "riscv",
        _ if m.starts_with("s390") => "s390",
        _ if m.starts_with("sparc") => "sparc",
        _ => "unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Lenovo Y1's /proc/cpuinfo (shared/devices/lenovo-y1-mt7620a.cpuinfo).
    const Y1_CPUINFO: &str = "system type\t            : MediaTek MT7620A ver:2 eco:6\n\
machine\t                : Lenovo Y1\n\
processor\t            : 0\n\
cpu model\t            : MIPS 24KEc V5.0\n\
BogoMIPS\t            : 385.84\n\
isa\t                    : mips1 mips2 mips32r1 mips32r2\n\
ASEs implemented\t    : mips16 dsp\n";
    const Y1_UNAME: &str = "Linux OpenWrt 4.14.151 #0 Tue Nov 5 14:12:18 2019 mips GNU/Linux\n";
    const Y1_DF: &str = "Filesystem                Size      Used Available Use% Mounted on
/dev/root                 2.5M      2.5M         0 100% /rom
tmpfs                    61.2M      1.3M     60.0M   2% /tmp
/dev/mtdblock6           12.0M      1.5M     10.6M  12% /overlay
overlayfs:/overlay       12.0M      1.5M     10.6M  12% /
tmpfs                   512.0K         0    512.0K   0% /dev
";

    #[test]
    fn mt7620a_is_little_endian_mips32r2_without_fpu_on_musl() {
        let d = describe_device(Y1_CPUINFO, Some(Y1_UNAME), Some(Y1_DF));
        assert_eq!(d.arch, "mips");
        assert_eq!(d.bits, Some(32));
        assert_eq!(d.endian.as_deref(), Some("little"));
        assert_eq!(d.core.as_deref(), Some("24KEc"));
        assert_eq!(d.fpu, Some(false));
        assert_eq!(d.isa, ["mips1", "mips2", "mips32r1", "mips32r2"]);
        assert_eq!(d.ases, ["mips16", "dsp"]);
        assert_eq!(d.board.as_deref(), Some("Lenovo Y1"));
        assert!(d.openwrt);
        assert_eq!(d.libc.as_deref(), Some("musl"));
        assert_eq!(d.kernel.as_deref(), Some("4.14.151"));
        let overlay = d
            .mounts
            .iter()
            .find(|m| m.mounted_on == "/overlay")
            .expect("overlay");
        assert_eq!(
            overlay.available,
            (10.6f64 * 1024.0 * 1024.0).round() as u64
        );
    }

    #[test]
    fn fpu_from_core_name_and_fpu_line() {
        let d = describe_device("cpu model\t\t: MIPS 24Kf V7.4  FPU V0.0\n", None, None);
        assert_eq!(d.fpu, Some(true));
        let d = describe_device("cpu model\t\t: MIPS 74Kc V4.12\n", None, None);
        assert_eq!(d.fpu, Some(false));
        assert_eq!(d.bits, None);
        assert_eq!(d.core.as_deref(), Some("74Kc"));
        let d = describe_device(Y1_CPUINFO, None, None);
        assert_eq!(d.bits, Some(32));
        let d = describe_device("cpu model\t\t: MIPS 74Kf V4.12\n", None, None);
        assert_eq!(d.fpu, Some(true));
        let d = describe_device(
            "vendor_id\t: GenuineIntel\nfpu\t\t: yes\nflags\t\t: fpu vme lm\n",
            Some("Linux box 6.1.0 #1 SMP x86_64 GNU/Linux"),
            None,
        );
        assert_eq!(
            (d.arch.as_str(), d.bits, d.fpu),
            ("x86", Some(64), Some(true))
        );
    }

    #[test]
    fn soc_table() {
        assert_eq!(
            mips_soc_endian("Atheros AR9344 rev 3").map(|e| e.0),
            Some("big")
        );
        assert_eq!(
            mips_soc_endian("Qualcomm Atheros QCA9563 ver 1 rev 0").map(|e| e.0),
            Some("big")
        );
        assert_eq!(
            mips_soc_endian("MediaTek MT7628AN ver:1 eco:2").map(|e| e.0),
            Some("little")
        );
        assert_eq!(
            mips_soc_endian("Ralink RT5350 id:1 rev:3").map(|e| e.0),
            Some("little")
        );
        assert_eq!(
            mips_soc_endian("Broadcom BCM4716 chip rev 1").map(|e| e.0),
            Some("little")
        );
        assert_eq!(
            mips_soc_endian("Lantiq xRX200 rev 1.2").map(|e| e.0),
            Some("big")
        );
        assert_eq!(mips_soc_endian("Frobnicator 9000"), None);
        let d = describe_device(
            "system type : Frobnicator 9000\ncpu model : MIPS 24Kc V7.4\n",
            None,
            None,
        );
        assert_eq!((d.arch.as_str(), d.endian.as_deref()), ("mips", None));
    }

    #[test]
    fn uname_variants() {
        let u = parse_uname(Y1_UNAME);
        assert_eq!(u.machine.as_deref(), Some("mips"));
        assert_eq!(u.hostname.as_deref(), Some("OpenWrt"));
        let u = parse_uname(
            "Linux deb 6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01) x86_64 GNU/Linux",
        );
        assert_eq!(u.machine.as_deref(), Some("x86_64"));
        assert_eq!(u.release.as_deref(), Some("6.1.0-18-amd64"));
        let d = describe_device(
            "cpu\t\t: 7447A, altivec supported\ntimebase\t: 41666666\n",
            Some("Linux g4 4.19.0 #1 ppc GNU/Linux"),
            None,
        );
        assert_eq!(
            (d.arch.as_str(), d.endian.as_deref(), d.bits),
            ("ppc", Some("big"), Some(32))
        );
        assert!(!d.openwrt);
        assert_eq!(d.libc, None);
    }

    #[test]
    fn uname_families_are_those_of_the_arch_table() {
        // Device::arch and a binary's family (target::ARCHES) are compared
        // by name: every family uname can give must be one the table knows.
        for m in [
            "mips", "mipsel", "mips64", "ppc", "ppc64le", "powerpc", "alpha", "x86_64", "i686",
            "aarch64", "arm64", "armv7l", "riscv64", "s390x", "sparc64",
        ] {
            let f = arch_of_uname(m);
            assert!(
                crate::target::ARCHES.iter().any(|a| a.family == f),
                "{m}: {f}"
            );
        }
        assert_eq!(arch_of_uname("vax"), "unknown");
    }

    #[test]
    fn df_sizes_and_wrapped_lines() {
        assert_eq!(parse_size("512.0K", false), Some(524_288));
        assert_eq!(parse_size("0", false), Some(0));
        assert_eq!(parse_size("1.5G", false), Some(1_610_612_736));
        assert_eq!(parse_size("100", true), Some(102_400));
        assert_eq!(parse_size("lots", false), None);
        let m = parse_df(
            "Filesystem     1K-blocks  Used Available Use% Mounted on\n\
/dev/mapper/very-long-volume-name\n\
                  1000   200       800  20% /data\n",
        );
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].filesystem, "/dev/mapper/very-long-volume-name");
        assert_eq!(
            (m[0].available, m[0].mounted_on.as_str()),
            (800 * 1024, "/data")
        );
    }
}
