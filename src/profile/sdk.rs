//! OpenWrt SDK: find the gccgo of an SDK and derive a profile from it.
//!
//! An SDK (or a buildroot) keeps its cross toolchain in
//! `staging_dir/toolchain-<arch>_<cpu>_gcc-<ver>_<libc>/bin/`, with tools
//! named `<triple>-gccgo`, `<triple>-objcopy` …, the triple being
//! `mips-openwrt-linux-musl` (or `mipsel-openwrt-linux` in older SDKs, which
//! name no libc). The target's libraries live in `staging_dir/target-*`.
//! Everything here is read from the directory and the compiler itself:
//! GOARCH from the triple (`target`), the libc from the triple, else the
//! toolchain directory's name, else the compiler's `-dumpmachine`; the
//! float ABI from `-Q --help=target` (or `-dumpspecs`).

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use super::{Entry, Profile, Source};
use crate::process::Cmd;
use crate::target::{self, Target};
use crate::toolchain;

/// The toolchain of an SDK, as found on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdkToolchain {
    /// `staging_dir/toolchain-*`.
    pub toolchain_dir: PathBuf,
    /// `toolchain_dir/bin/<triple>-gccgo`.
    pub gccgo: PathBuf,
    /// The triple: the compiler's file name without `-gccgo`.
    pub triple: String,
    /// `staging_dir/target-*`, when there is one.
    pub target_dir: Option<PathBuf>,
}

/// The entries of `dir` whose names start with `prefix`, sorted.
fn children(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| {
                    p.is_dir()
                        && p.file_name()
                            .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// The gccgo drivers in `bin`: `*-openwrt-linux*-gccgo` first; any other
/// `*-gccgo` only when there is no OpenWrt-named one.
fn gccgos_in(bin: &Path) -> Vec<PathBuf> {
    let mut all: Vec<PathBuf> = std::fs::read_dir(bin)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name().is_some_and(|n| {
                        let n = n.to_string_lossy();
                        n.ends_with("-gccgo") && n.len() > "-gccgo".len()
                    }) && toolchain::find_program(p).is_some()
                })
                .collect()
        })
        .unwrap_or_default();
    all.sort();
    let openwrt: Vec<PathBuf> = all
        .iter()
        .filter(|p| p.to_string_lossy().contains("-openwrt-linux"))
        .cloned()
        .collect();
    if openwrt.is_empty() { all } else { openwrt }
}

/// Finds the SDK's gccgo. `dir` may be the SDK (or buildroot) itself, its
/// `staging_dir`, a `staging_dir/toolchain-*` or a `staging_dir/target-*`.
///
/// Errors: no `*-gccgo` under any `toolchain-*/bin` (the SDK was built
/// without Go), or several (name the `toolchain-*` directory instead).
pub fn find_sdk(dir: &Path) -> Result<SdkToolchain> {
    if !dir.is_dir() {
        bail!("{}: not a directory", dir.display());
    }
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // (toolchain dirs, staging_dir)
    let (toolchains, staging): (Vec<PathBuf>, Option<PathBuf>) = if name.starts_with("toolchain-")
        || (dir.join("bin").is_dir() && !dir.join("staging_dir").is_dir())
    {
        (vec![dir.clone()], dir.parent().map(Path::to_path_buf))
    } else if name.starts_with("target-") {
        let parent = dir.parent().map(Path::to_path_buf);
        (
            parent
                .as_deref()
                .map(|p| children(p, "toolchain-"))
                .unwrap_or_default(),
            parent,
        )
    } else if dir.join("staging_dir").is_dir() {
        let s = dir.join("staging_dir");
        (children(&s, "toolchain-"), Some(s))
    } else {
        (children(&dir, "toolchain-"), Some(dir.clone()))
    };
    let mut found: Vec<(PathBuf, PathBuf)> = Vec::new();
    for tc in &toolchains {
        for g in gccgos_in(&tc.join("bin")) {
            found.push((tc.clone(), g));
        }
    }
    let (toolchain_dir, gccgo) = match found.len() {
        0 => bail!(
            "no OpenWrt gccgo (staging_dir/toolchain-*/bin/*-openwrt-linux-*gccgo) in {}{}; \
             was the SDK's toolchain built with Go (CONFIG_GCC_USE_GO)?",
            dir.display(),
            if toolchains.is_empty() {
                String::new()
            } else {
                format!(
                    " (looked in {})",
                    toolchains
                        .iter()
                        .map(|t| t.join("bin").display().to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        ),
        1 => found.remove(0),
        _ => bail!(
            "several gccgo compilers in {}: {}; name one toolchain-* directory with -sdk",
            dir.display(),
            found
                .iter()
                .map(|(_, g)| g.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let file = gccgo
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let triple = file.trim_end_matches("-gccgo").to_string();
    // The target-* directory that goes with this toolchain: the one whose
    // name starts with the same `<arch>_<cpu>` as `toolchain-<arch>_<cpu>_gcc…`.
    let arch_cpu = arch_cpu_of(&toolchain_dir).unwrap_or_default();
    let targets = staging
        .as_deref()
        .map(|s| children(s, "target-"))
        .unwrap_or_default();
    let target_dir = targets
        .iter()
        .find(|t| {
            !arch_cpu.is_empty()
                && t.file_name()
                    .is_some_and(|n| n.to_string_lossy()[7..].starts_with(&arch_cpu))
        })
        .or(targets.first())
        .cloned();
    Ok(SdkToolchain {
        toolchain_dir,
        gccgo,
        triple,
        target_dir,
    })
}

/// The `<arch>_<cpu>` of a `staging_dir/toolchain-<arch>_<cpu>_gcc-<ver>_<libc>`
/// directory (`mipsel_24kc`): OpenWrt's `ARCH_PACKAGES`, which built-in
/// router profiles name in their `sdk_arch`.
pub fn arch_cpu_of(toolchain_dir: &Path) -> Option<String> {
    let name = toolchain_dir.file_name()?.to_string_lossy().into_owned();
    let rest = name.strip_prefix("toolchain-")?;
    let arch_cpu = rest.split("_gcc").next()?;
    (!arch_cpu.is_empty() && arch_cpu != rest).then(|| arch_cpu.to_string())
}

/// The C library a triple names: `musl`, `uclibc`, `glibc` (`…-gnu*`).
pub fn libc_of_triple(triple: &str) -> Option<&'static str> {
    let env = triple.rsplit('-').next().unwrap_or("");
    if env.starts_with("musl") {
        Some("musl")
    } else if env.starts_with("uclibc") {
        Some("uclibc")
    } else if env.starts_with("gnu") {
        Some("glibc")
    } else {
        None
    }
}

/// The `-march=` a compiler uses by default, from `-Q --help=target`.
pub fn default_march(gccgo: &Path) -> Option<String> {
    let out = Cmd::new(gccgo)
        .args(["-Q", "--help=target"])
        .run(Some(std::time::Duration::from_secs(30)))
        .ok()?;
    out.stdout.lines().find_map(|l| {
        let mut w = l.split_whitespace();
        let opt = w.next()?;
        let val = w.next()?;
        (opt.starts_with("-march=") && !val.starts_with('[')).then(|| val.to_string())
    })
}

/// Derives the profile of an SDK's toolchain: tools beside the compiler,
/// GOARCH from the triple, libc, float ABI, sysroot (`target-*`) and a
/// qemu runner whose `-L` is where the compiler's libc is.
///
/// Errors: a triple with no Go name, or a compiler that does not answer
/// `-dumpmachine`.
pub fn profile_from_sdk(sdk: &SdkToolchain, store: &crate::store::Store) -> Result<Entry> {
    let t = Target::from_triple(&sdk.triple)?;
    let machine = Cmd::new(&sdk.gccgo)
        .arg("-dumpmachine")
        .run(Some(std::time::Duration::from_secs(30)))
        .map_err(|e| anyhow::anyhow!("asking the SDK's compiler who it is: {e}"))?
        .stdout
        .trim()
        .to_string();
    let dir_name = sdk
        .toolchain_dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let libc = libc_of_triple(&sdk.triple)
        .or_else(|| {
            ["musl", "glibc", "uclibc"]
                .into_iter()
                .find(|l| dir_name.ends_with(&format!("_{l}")))
        })
        .or_else(|| libc_of_triple(&machine));
    let beside = |tool: &str| -> Option<String> {
        let p = super::tool_beside(&sdk.gccgo, tool);
        toolchain::find_program(&p).map(|p| p.display().to_string())
    };
    let objcopy = beside("objcopy").unwrap_or_else(|| {
        // Validated (with the package hint) when the toolchain is probed.
        super::tool_beside(&sdk.gccgo, "objcopy")
            .display()
            .to_string()
    });
    let libc_root = toolchain::compiler_sysroot(&sdk.gccgo).unwrap_or(sdk.toolchain_dir.clone());
    // A dynamic or `-static-libgo` program also needs the toolchain's own
    // libgcc_s.so.1 (and libgo.so), which sit in `<toolchain>/<triple>/lib`,
    // outside the sysroot: the guest's loader finds them through
    // LD_LIBRARY_PATH (qemu passes host paths through when the -L tree has
    // no such file).
    let own_libs = sdk.toolchain_dir.join(&sdk.triple).join("lib");
    let runner = target::qemu_for_goarch(&t.goarch).map(|q| {
        let mut r = vec![q.to_string(), "-L".into(), libc_root.display().to_string()];
        if own_libs.join("libgcc_s.so.1").exists() {
            r.push("-E".into());
            r.push(format!("LD_LIBRARY_PATH={}", own_libs.display()));
        }
        r
    });
    Ok(Entry {
        profile: Profile {
            name: sdk.triple.clone(),
            triple: Some(sdk.triple.clone()),
            hint: Some(format!(
                "the OpenWrt SDK's compiler {} is gone",
                sdk.gccgo.display()
            )),
            gccgo: Some(sdk.gccgo.display().to_string()),
            objcopy: Some(objcopy),
            strip: beside("strip"),
            ar: beside("ar"),
            cc: beside("gcc"),
            sysroot: sdk.target_dir.as_ref().map(|p| p.display().to_string()),
            libc: libc.map(String::from),
            float: toolchain::CompilerFacts::of(&sdk.gccgo, store)
                .ok()
                .and_then(|f| f.float_abi),
            runner,
            runner_package: Some(target::QEMU_PACKAGE.to_string()),
            ..Default::default()
        },
        source: Source::Sdk(sdk.toolchain_dir.clone()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libc_from_triples() {
        assert_eq!(libc_of_triple("mips-openwrt-linux-musl"), Some("musl"));
        assert_eq!(
            libc_of_triple("mipsel-openwrt-linux-uclibc"),
            Some("uclibc")
        );
        assert_eq!(libc_of_triple("arm-linux-gnueabihf"), Some("glibc"));
        assert_eq!(libc_of_triple("mipsel-openwrt-linux"), None);
    }

    #[test]
    fn finds_the_compiler_from_any_level_of_the_sdk() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        let tc = d
            .path()
            .join("staging_dir/toolchain-mips_24kc_gcc-12.3.0_musl");
        std::fs::create_dir_all(tc.join("bin")).unwrap();
        std::fs::create_dir_all(d.path().join("staging_dir/target-mips_24kc_musl")).unwrap();
        let g = tc.join("bin/mips-openwrt-linux-musl-gccgo");
        std::fs::write(&g, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(&g, std::fs::Permissions::from_mode(0o755)).unwrap();
        for dir in [
            d.path().to_path_buf(),
            d.path().join("staging_dir"),
            tc.clone(),
            d.path().join("staging_dir/target-mips_24kc_musl"),
        ] {
            let f = find_sdk(&dir).unwrap();
            assert_eq!(f.triple, "mips-openwrt-linux-musl", "{}", dir.display());
            assert!(f.target_dir.unwrap().ends_with("target-mips_24kc_musl"));
        }
        let err = find_sdk(&tc.join("bin")).unwrap_err().to_string();
        assert!(err.contains("no OpenWrt gccgo"), "{err}");
    }
}
