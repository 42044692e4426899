//! The kernels the system runner boots: which one a target gets, and where
//! it comes from.
//!
//! - mipsel (ramips, 24KEc): Debian's own `linux-image-<abi>-4kc-malta`
//!   package, fetched with `apt-get download` into the cache
//!   (`<cache>/v2/kernels/<package>_<version>/`), checked against the sha256
//!   that apt's index gives for the `.deb`; `kernel.json` beside it records
//!   the package, version and both sha256s, and `kernels/<meta>_<arch>`
//!   names the one fetched last, so that apt is asked nothing while it is
//!   whole. That kernel has no HIGHMEM, so it uses at most 256 MiB.
//! - mips (ath79, 24Kc): Debian ships no big-endian Malta kernel; the recipe
//!   `toolchains/kernel/build mips` makes one (HIGHMEM, the FPU emulator)
//!   under `/var/cache/gccgo-build/kernel` (root) or
//!   `$XDG_CACHE_HOME/gccgo-build/kernel` (or `$GCCGO_BUILD_KERNEL_ROOT`).
//!
//! `GCCGO_BUILD_KERNEL=FILE` overrides both (any kernel qemu's Malta boots).

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

use crate::store::Store;

/// Where a target's kernel comes from.
enum Source {
    /// A Debian package of this architecture, through its meta-package
    /// (`linux-image-4kc-malta`), which depends on the versioned one.
    Debian {
        meta: &'static str,
        arch: &'static str,
    },
    /// `toolchains/kernel/build ARCH` (a directory `malta-ARCH-<key>`).
    Recipe { arch: &'static str },
}

/// One row of the kernel table: a GOARCH, its qemu-system program and
/// machine, and its kernel.
struct Row {
    goarch: &'static str,
    qemu: &'static str,
    source: Source,
}

/// The targets the system runner can boot (Malta boards, 32-bit MIPS).
const KERNELS: &[Row] = &[
    Row {
        goarch: "mipsle",
        qemu: "qemu-system-mipsel",
        source: Source::Debian {
            meta: "linux-image-4kc-malta",
            arch: "mipsel",
        },
    },
    Row {
        goarch: "mips",
        qemu: "qemu-system-mips",
        source: Source::Recipe { arch: "mips" },
    },
];

/// The memory qemu's Malta board takes at most (`hw/mips/malta.c`), MiB.
const MALTA_MAX_MIB: u32 = 2048;
/// What a 32-bit MIPS kernel without HIGHMEM can use (KSEG0), MiB.
const LOWMEM_MIB: u32 = 256;

/// A kernel ready to boot.
#[derive(Debug, Clone)]
pub struct Kernel {
    /// The kernel image (ELF `vmlinux`/`vmlinuz`, as qemu's `-kernel` loads it).
    pub path: PathBuf,
    /// The qemu-system program for the target's byte order.
    pub qemu: &'static str,
    /// The most memory it can use, MiB: 256 without HIGHMEM, else the board's 2048.
    pub max_memory_mib: u32,
    /// Where it came from, for messages (`Debian linux-image-6.1.0-50-4kc-malta 6.1.176-1`).
    pub origin: String,
}

/// `kernel.json`: what was downloaded.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Record {
    package: String,
    version: String,
    deb_sha256: String,
    image: String,
    image_sha256: String,
    highmem: bool,
}

/// The kernel for `goarch`.
///
/// Errors: no kernel is known for the architecture, Debian's package
/// cannot be fetched or does not match its index, or the recipe's kernel
/// has not been built.
pub fn find(goarch: &str, store: &Store, work: &Path) -> Result<Kernel> {
    let Some(row) = KERNELS.iter().find(|r| r.goarch == goarch) else {
        bail!(
            "-runner system: no kernel for GOARCH={goarch}: the system runner boots qemu's MIPS Malta board \
             (GOARCH mips or mipsle); use -runner user (qemu-user) for this target"
        );
    };
    if let Some(k) = std::env::var_os("GCCGO_BUILD_KERNEL").filter(|k| !k.is_empty()) {
        let path = PathBuf::from(k);
        if !path.is_file() {
            bail!(
                "GCCGO_BUILD_KERNEL={}: no such file; unset it to use the kernel gccgo-build finds itself",
                path.display()
            );
        }
        return Ok(Kernel {
            max_memory_mib: highmem_of(&path).map_or(LOWMEM_MIB, mib_for),
            path,
            qemu: row.qemu,
            origin: "GCCGO_BUILD_KERNEL".into(),
        });
    }
    match row.source {
        Source::Debian { meta, arch } => debian(row.qemu, meta, arch, store, work),
        Source::Recipe { arch } => recipe(row.qemu, arch),
    }
}

fn mib_for(highmem: bool) -> u32 {
    if highmem { MALTA_MAX_MIB } else { LOWMEM_MIB }
}

/// Whether the kernel configuration beside `image` (`config` or
/// `config-*`) has `CONFIG_HIGHMEM=y`; `None` when there is none.
fn highmem_of(image: &Path) -> Option<bool> {
    let dir = image.parent()?;
    let cfg = std::fs::read_dir(dir).ok()?.flatten().find(|e| {
        let n = e.file_name();
        let n = n.to_string_lossy();
        n == "config" || n.starts_with("config-")
    })?;
    let text = std::fs::read_to_string(cfg.path()).ok()?;
    Some(text.lines().any(|l| l == "CONFIG_HIGHMEM=y"))
}

/// Debian's kernel package: from the cache, or downloaded (into the cache,
/// or into `work` with `--cache off`).
fn debian(
    qemu: &'static str,
    meta: &str,
    arch: &str,
    store: &Store,
    work: &Path,
) -> Result<Kernel> {
    let root = match store.versioned() {
        Some(v) => v.join("kernels"),
        None => work.join("kernels"),
    };
    // The kernel fetched last for this meta-package, still whole: no need
    // to ask apt (a run works offline once the kernel is here).
    let chosen = root.join(format!("{meta}_{arch}"));
    let valid = |dir: &Path| -> Option<Record> {
        let r: Record =
            serde_json::from_slice(&std::fs::read(dir.join("kernel.json")).ok()?).ok()?;
        (crate::store::hash_file(&dir.join(&r.image)).ok()? == r.image_sha256).then_some(r)
    };
    let (dir, rec) = match std::fs::read_to_string(&chosen)
        .ok()
        .map(|name| root.join(name.trim()))
        .and_then(|d| valid(&d).map(|r| (d, r)))
    {
        Some(found) => found,
        None => {
            let (package, version, sha) = debian_candidate(meta, arch)?;
            let dir = root.join(format!("{package}_{version}"));
            let rec = match valid(&dir).filter(|r| r.deb_sha256 == sha) {
                Some(r) => r,
                None => download(&root, &dir, &package, &version, arch, &sha)?,
            };
            let _ = std::fs::write(&chosen, format!("{package}_{version}\n"));
            (dir, rec)
        }
    };
    Ok(Kernel {
        path: dir.join(&rec.image),
        qemu,
        max_memory_mib: mib_for(rec.highmem),
        origin: format!(
            "Debian {} {} (sha256 {})",
            rec.package,
            rec.version,
            &rec.deb_sha256[..12.min(rec.deb_sha256.len())]
        ),
    })
}

/// The versioned package the meta-package depends on, its version and
/// the sha256 apt's index gives for its `.deb`.
fn debian_candidate(meta: &str, arch: &str) -> Result<(String, String, String)> {
    let hint = format!(
        "the system runner boots Debian's {meta}:{arch}; enable the architecture and refresh apt's index \
         (dpkg --add-architecture {arch} && apt-get update, as scripts/deps does), or set GCCGO_BUILD_KERNEL=FILE"
    );
    let show = |pkg: &str| -> Result<String> {
        let o = crate::process::Cmd::new("apt-cache")
            .args(["show", "--no-all-versions", &format!("{pkg}:{arch}")])
            .run(Some(std::time::Duration::from_secs(600)))
            .map_err(|e| anyhow::anyhow!("{e}"))
            .with_context(|| hint.clone())?;
        Ok(o.stdout)
    };
    let field = |text: &str, name: &str| -> Option<String> {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}: ")))
            .map(str::to_string)
    };
    let m = show(meta)?;
    let dep = field(&m, "Depends")
        .and_then(|d| {
            d.split(',')
                .map(|s| s.trim().split(' ').next().unwrap_or("").to_string())
                .find(|s| s.starts_with("linux-image-"))
        })
        .with_context(|| {
            format!("apt-cache show {meta}:{arch} names no linux-image package; {hint}")
        })?;
    let p = show(&dep)?;
    match (field(&p, "Version"), field(&p, "SHA256")) {
        (Some(v), Some(s)) => Ok((dep, v, s)),
        _ => bail!("apt-cache show {dep}:{arch} gives no Version or SHA256; {hint}"),
    }
}

/// `apt-get download` into a staging directory, checks the sha256, takes
/// `boot/vmlinu*` and `boot/config-*` out of it, and renames the result
/// into place.
fn download(
    root: &Path,
    dir: &Path,
    package: &str,
    version: &str,
    arch: &str,
    sha: &str,
) -> Result<Record> {
    std::fs::create_dir_all(root).with_context(|| format!("creating {}", root.display()))?;
    let stage = tempfile::Builder::new()
        .prefix(".download-")
        .tempdir_in(root)
        .with_context(|| format!("creating a directory in {}", root.display()))?;
    crate::process::Cmd {
        dir: Some(stage.path().to_path_buf()),
        ..crate::process::Cmd::new("apt-get").args(["download", "-q", &format!("{package}:{arch}")])
    }
    .run(Some(std::time::Duration::from_secs(600)))
    .map_err(|e| anyhow::anyhow!("{e}"))
    .with_context(|| format!("downloading Debian's {package}:{arch} for the system runner"))?;
    let deb = std::fs::read_dir(stage.path())?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "deb"))
        .with_context(|| format!("apt-get download {package}:{arch} left no .deb"))?;
    let got = crate::store::hash_file(&deb)?;
    if got != sha {
        bail!(
            "{}: sha256 {got}, but apt's index says {sha}; nothing was kept (run apt-get update and try again)",
            deb.display()
        );
    }
    let x = stage.path().join("x");
    crate::process::Cmd::new("dpkg-deb")
        .arg("-x")
        .arg(&deb)
        .arg(&x)
        .run(Some(std::time::Duration::from_secs(600)))
        .map_err(|e| anyhow::anyhow!("{e}"))
        .with_context(|| format!("unpacking {}", deb.display()))?;
    let out = stage.path().join("out");
    std::fs::create_dir_all(&out)?;
    let mut image = None;
    let mut highmem = false;
    for e in std::fs::read_dir(x.join("boot"))
        .with_context(|| format!("{} has no boot/", deb.display()))?
        .flatten()
    {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with("vmlinu") || name.starts_with("config-") {
            std::fs::copy(e.path(), out.join(&name))?;
        }
        if name.starts_with("vmlinu") {
            image = Some(name);
        } else if name.starts_with("config-") {
            highmem = std::fs::read_to_string(e.path())?
                .lines()
                .any(|l| l == "CONFIG_HIGHMEM=y");
        }
    }
    let image = image.with_context(|| format!("{} has no boot/vmlinu*", deb.display()))?;
    let rec = Record {
        package: package.into(),
        version: version.into(),
        deb_sha256: got,
        image_sha256: crate::store::hash_file(&out.join(&image))?,
        image,
        highmem,
    };
    std::fs::write(out.join("kernel.json"), serde_json::to_vec_pretty(&rec)?)?;
    let _ = std::fs::remove_dir_all(dir);
    std::fs::rename(&out, dir)
        .with_context(|| format!("moving the kernel into {}", dir.display()))?;
    Ok(rec)
}

/// The newest complete `malta-ARCH-*` kernel of `toolchains/kernel/build`.
fn recipe(qemu: &'static str, arch: &str) -> Result<Kernel> {
    let roots: Vec<PathBuf> =
        match std::env::var_os("GCCGO_BUILD_KERNEL_ROOT").filter(|r| !r.is_empty()) {
            Some(r) => vec![PathBuf::from(r)],
            None => {
                let mut v = vec![PathBuf::from("/var/cache/gccgo-build/kernel")];
                if let Some(x) = std::env::var_os("XDG_CACHE_HOME").filter(|p| !p.is_empty()) {
                    v.push(PathBuf::from(x).join("gccgo-build/kernel"));
                }
                if let Some(h) = std::env::var_os("HOME") {
                    v.push(PathBuf::from(h).join(".cache/gccgo-build/kernel"));
                }
                v
            }
        };
    let prefix = format!("malta-{arch}-");
    let newest = roots
        .iter()
        .filter_map(|r| std::fs::read_dir(r).ok())
        .flatten()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .filter(|e| e.path().join(".complete").is_file() && e.path().join("vmlinux").is_file())
        .max_by_key(|e| e.metadata().and_then(|m| m.modified()).ok());
    let Some(dir) = newest.map(|e| e.path()) else {
        bail!(
            "-runner system: no big-endian Malta kernel for GOARCH=mips (Debian ships none); build one with \
             `toolchains/kernel/build mips` from gccgo-build's source tree (about an hour on 2 cores), \
             or set GCCGO_BUILD_KERNEL=FILE; looked in {}",
            roots
                .iter()
                .map(|r| r.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    };
    let path = dir.join("vmlinux");
    Ok(Kernel {
        max_memory_mib: highmem_of(&path).map_or(LOWMEM_MIB, mib_for),
        path,
        qemu,
        origin: format!("toolchains/kernel/build ({})", dir.display()),
    })
}
