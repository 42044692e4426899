//! Discover: the gccgo drivers in PATH, classified by the names Debian and
//! GCC's own install give them, and the profile each one gets when no
//! profile already names it (`toolchains` lists it; `--target` selects it).
//!
//! | file in PATH | listed as | `--target` also takes | profile it is based on |
//! | --- | --- | --- | --- |
//! | `gccgo` | `gccgo` | | none: tools beside it, target from `-dumpmachine` |
//! | `gccgo-N` | `gccgo-N` | | none, as `gccgo`; C compiler `gcc-N` when installed |
//! | `<triple>-gccgo` | `<triple>` | `<triple>-gccgo` | the profile for the triple, else the triple's defaults |
//! | `<triple>-gccgo-N` | `<triple>-N` | `<triple>-gccgo-N` | the same; C compiler `<triple>-gcc-N` when installed |
//!
//! `N` is a GCC version (`11`, `4.9`). A derived profile keeps the base
//! profile's binutils, sysroot, runner, `cpu`, flags and libc, and takes
//! the compiler, the name, the Debian package (`gccgo-11-mipsel-linux-gnu`)
//! and the Go version (from the GCC version) of its own. Two names of one
//! compiler (`gccgo-11` → `x86_64-linux-gnu-gccgo-11`) are one toolchain:
//! drivers are told apart by their canonical path, a profile's compiler
//! covers every name that resolves to it, and within PATH the first name
//! (by directory, then by name) wins.
//!
//! This module reads directory listings only; it runs no compiler.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::{Entry, Profile, Registry, Source};
use crate::target;
use crate::toolchain::{ToolchainSpec, find_program};

/// A gccgo driver found in PATH, with what its file name says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathCompiler {
    /// Where it was found (the first directory of PATH with this file name).
    pub path: PathBuf,
    /// The triple the name starts with (`mipsel-linux-gnu` of
    /// `mipsel-linux-gnu-gccgo-11`), if any.
    pub triple: Option<String>,
    /// The GCC version the name ends with (`11` of `gccgo-11`), if any.
    pub version: Option<String>,
}

/// Whether `v` is a GCC version as Debian suffixes it: `11`, `4.9`.
fn is_version(v: &str) -> bool {
    v.starts_with(|c: char| c.is_ascii_digit())
        && v.chars().all(|c| c.is_ascii_digit() || c == '.')
        && !v.ends_with('.')
}

/// Whether `t` can be the triple part of a driver's name: a word with a `-`.
fn is_triple(t: &str) -> bool {
    t.contains('-') && !t.contains(char::is_whitespace) && !t.starts_with('-')
}

/// Splits a driver's file name into (triple, version): `gccgo` → (None,
/// None), `gccgo-11` → (None, 11), `mips-linux-gnu-gccgo` → (mips-linux-gnu,
/// None), `mipsel-linux-gnu-gccgo-11` → (mipsel-linux-gnu, 11). `None` for
/// any other name.
pub fn parse_name(file: &str) -> Option<(Option<String>, Option<String>)> {
    let (stem, version) = match file.rsplit_once("gccgo-") {
        Some((stem, v)) if is_version(v) => (format!("{stem}gccgo"), Some(v.to_string())),
        _ => (file.to_string(), None),
    };
    if stem == "gccgo" {
        return Some((None, version));
    }
    let triple = stem.strip_suffix("-gccgo").filter(|t| is_triple(t))?;
    Some((Some(triple.to_string()), version))
}

impl PathCompiler {
    /// The name `toolchains` lists it under and `--target` selects it by
    /// (see the module doc).
    pub fn name(&self) -> String {
        match (&self.triple, &self.version) {
            (None, None) => "gccgo".into(),
            (None, Some(v)) => format!("gccgo-{v}"),
            (Some(t), None) => t.clone(),
            (Some(t), Some(v)) => format!("{t}-{v}"),
        }
    }

    /// Whether `--target name` selects this compiler: its listed name, or
    /// its file name (`mipsel-linux-gnu-gccgo-11`).
    pub fn selected_by(&self, name: &str) -> bool {
        self.name() == name || self.path.file_name().is_some_and(|f| f == name)
    }

    /// The Debian package that provides it: `gccgo`, `gccgo-11`,
    /// `gccgo-mips-linux-gnu`, `gccgo-11-mipsel-linux-gnu`.
    pub fn package(&self) -> String {
        match (&self.triple, &self.version) {
            (None, None) => "gccgo".into(),
            (None, Some(v)) => format!("gccgo-{v}"),
            (Some(t), None) => target::debian_gccgo_package(t),
            (Some(t), Some(v)) => format!("gccgo-{v}-{}", t.replace('_', "-")),
        }
    }

    /// The C compiler of the same GCC release when it is installed
    /// (`mipsel-linux-gnu-gcc-11` for `mipsel-linux-gnu-gccgo-11`), as a
    /// path beside the driver.
    fn own_cc(&self) -> Option<String> {
        let v = self.version.as_ref()?;
        let name = match &self.triple {
            Some(t) => format!("{t}-gcc-{v}"),
            None => format!("gcc-{v}"),
        };
        let p = self
            .path
            .parent()
            .map_or(PathBuf::from(&name), |d| d.join(&name));
        find_program(&p).map(|p| p.display().to_string())
    }

    /// The profile this compiler gets (see the module doc): the profile
    /// for its triple in `reg` (or the triple's defaults), with this
    /// compiler, name, package and C compiler.
    pub fn entry(&self, reg: &Registry) -> Entry {
        let base = match &self.triple {
            Some(t) => reg
                .find(t)
                .map(|e| e.profile.clone())
                .or_else(|| triple_profile(t)),
            None => None,
        };
        let mut p = base.unwrap_or_default();
        p.name = self.name();
        p.gccgo = Some(self.path.display().to_string());
        p.package = Some(self.package());
        // The compiler's GCC version says which Go it implements.
        p.go = None;
        p.hint = None;
        p.sdk_arch = None;
        if let Some(cc) = self.own_cc() {
            p.cc = Some(cc);
        } else if self.triple.is_none() {
            p.cc = None;
        }
        Entry {
            profile: p,
            source: Source::Path(self.path.clone()),
        }
    }
}

/// The profile of a triple no profile names: `<triple>-gccgo` and its
/// binutils from PATH, sysroot `/usr/<triple>`, a qemu-user runner (as
/// `ToolchainSpec::for_triple`). `None` when the triple has no Go name.
pub fn triple_profile(triple: &str) -> Option<Profile> {
    let spec = ToolchainSpec::for_triple(triple).ok()?;
    Some(Profile {
        name: triple.to_string(),
        triple: Some(triple.to_string()),
        package: spec.package.clone(),
        sysroot: spec.sysroot.as_ref().map(|s| s.display().to_string()),
        runner_package: spec
            .runner
            .is_some()
            .then(|| target::QEMU_PACKAGE.to_string()),
        runner: spec.runner,
        ..Default::default()
    })
}

/// Every gccgo driver in PATH (`gccgo`, `gccgo-N`, `<triple>-gccgo`,
/// `<triple>-gccgo-N`), each file name once (the first in PATH), in PATH
/// order and by name within a directory.
pub fn in_path() -> Vec<PathCompiler> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    let Some(path) = std::env::var_os("PATH") else {
        return out;
    };
    for dir in std::env::split_paths(&path) {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut found: Vec<(String, Option<String>, Option<String>)> = rd
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter_map(|n| parse_name(&n).map(|(t, v)| (n, t, v)))
            .collect();
        found.sort();
        for (n, triple, version) in found {
            let p = dir.join(&n);
            if find_program(&p).is_some() && seen.insert(n) {
                out.push(PathCompiler {
                    path: p,
                    triple,
                    version,
                });
            }
        }
    }
    out
}

/// A driver's canonical path (symlinks resolved), or the path itself.
pub fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// The canonical path of the installed compiler of an entry, if any.
pub fn entry_compiler(e: &Entry) -> Option<PathBuf> {
    let spec = e.spec().ok()?;
    find_program(&spec.gccgo).map(|p| canonical(&p))
}

/// The entries for the compilers in PATH that no compiler in `covered`
/// (canonical paths) is, nor an earlier one in PATH; `covered` gains theirs.
pub fn uncovered(reg: &Registry, covered: &mut BTreeSet<PathBuf>) -> Vec<Entry> {
    in_path()
        .into_iter()
        .filter(|c| covered.insert(canonical(&c.path)))
        .map(|c| c.entry(reg))
        .collect()
}

/// The toolchain `--target name` selects among the compilers in PATH: the
/// profile in `reg` whose compiler it is, else its derived profile. `None`
/// when no compiler in PATH goes by that name.
pub fn select(reg: &Registry, name: &str) -> Option<Entry> {
    let c = in_path().into_iter().find(|c| c.selected_by(name))?;
    let canon = canonical(&c.path);
    if let Some(e) = reg
        .entries
        .values()
        .find(|e| entry_compiler(e).as_ref() == Some(&canon))
    {
        return Some(e.clone());
    }
    Some(c.entry(reg))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pc(path: &str) -> PathCompiler {
        let file = Path::new(path).file_name().unwrap().to_string_lossy();
        let (triple, version) = parse_name(&file).unwrap();
        PathCompiler {
            path: path.into(),
            triple,
            version,
        }
    }

    #[test]
    fn driver_names() {
        let s = |t: &str| Some(t.to_string());
        assert_eq!(parse_name("gccgo"), Some((None, None)));
        assert_eq!(parse_name("gccgo-11"), Some((None, s("11"))));
        assert_eq!(parse_name("gccgo-4.9"), Some((None, s("4.9"))));
        assert_eq!(
            parse_name("mips-linux-gnu-gccgo"),
            Some((s("mips-linux-gnu"), None))
        );
        assert_eq!(
            parse_name("mipsel-linux-gnu-gccgo-11"),
            Some((s("mipsel-linux-gnu"), s("11")))
        );
        assert_eq!(
            parse_name("mipsel-openwrt-linux-musl-gccgo"),
            Some((s("mipsel-openwrt-linux-musl"), None))
        );
        for bad in [
            "gccgo-go",
            "x-gccgo",
            "gccgo-",
            "gccgo-11.",
            "mips-linux-gnu-gccgo-x",
            "-gccgo",
            "gccgo-11-mips",
        ] {
            assert_eq!(parse_name(bad), None, "{bad}");
        }
    }

    #[test]
    fn names_and_packages() {
        let c = pc("/usr/bin/mipsel-linux-gnu-gccgo-11");
        assert_eq!(c.name(), "mipsel-linux-gnu-11");
        assert!(c.selected_by("mipsel-linux-gnu-11"));
        assert!(c.selected_by("mipsel-linux-gnu-gccgo-11"));
        assert!(!c.selected_by("mipsel-linux-gnu"));
        assert_eq!(c.package(), "gccgo-11-mipsel-linux-gnu");
        let c = pc("/usr/bin/gccgo-11");
        assert_eq!(
            (c.name().as_str(), c.package().as_str()),
            ("gccgo-11", "gccgo-11")
        );
        let c = pc("/usr/bin/sparc64-linux-gnu-gccgo");
        assert_eq!(c.name(), "sparc64-linux-gnu");
        assert!(c.selected_by("sparc64-linux-gnu-gccgo"));
        assert_eq!(c.package(), "gccgo-sparc64-linux-gnu");
    }

    #[test]
    fn a_versioned_cross_compiler_takes_its_triple_profile() {
        let mut reg = Registry::default();
        reg.add(Entry {
            profile: super::super::parse_profile(
                include_str!("../../toolchains/mipsel-linux-gnu.toml"),
                "mipsel-linux-gnu.toml",
            )
            .unwrap(),
            source: Source::Builtin("mipsel-linux-gnu.toml"),
        });
        let e = pc("/nonexistent/mipsel-linux-gnu-gccgo-11").entry(&reg);
        let p = &e.profile;
        assert_eq!(p.name, "mipsel-linux-gnu-11");
        assert_eq!(
            p.gccgo.as_deref(),
            Some("/nonexistent/mipsel-linux-gnu-gccgo-11")
        );
        assert_eq!(p.package.as_deref(), Some("gccgo-11-mipsel-linux-gnu"));
        assert_eq!(p.objcopy.as_deref(), Some("mipsel-linux-gnu-objcopy"));
        assert_eq!(p.sysroot.as_deref(), Some("/usr/mipsel-linux-gnu"));
        assert_eq!(p.cpu.as_deref(), Some("24Kf"));
        assert_eq!(p.go, None);
        let spec = e.spec().unwrap();
        assert_eq!(spec.target.unwrap().goarch, "mipsle");
        // A triple with no profile gets the triple's defaults.
        let e = pc("/nonexistent/powerpc-linux-gnu-gccgo-11").entry(&reg);
        assert_eq!(e.profile.sysroot.as_deref(), Some("/usr/powerpc-linux-gnu"));
        assert_eq!(
            e.profile.runner.as_ref().map(|r| r[0].as_str()),
            Some("qemu-ppc-static")
        );
    }
}
