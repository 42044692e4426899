//! Locate: where a router profile's compiler is when neither `-sdk` nor
//! `$STAGING_DIR` names an SDK. The order, after those two: the SDKs that
//! `toolchains/sdk/build` made (its cache root; the plain variant, or the
//! unpacked prebuilt copy, before the `sections` one, before the `lto`
//! one, whose links are much slower; the newest first),
//! then PATH, by each triple the profile accepts (`triples`: the glibc
//! `<arch>-openwrt-linux-gnu` that gccgo SDKs really are, and the musl one
//! where a musl gccgo exists).
//!
//! The recipe's cache root is the script's rule (toolchains/sdk/build):
//! `$GCCGO_BUILD_SDK_ROOT`, else `/var/cache/gccgo-build/sdk` (where root
//! builds) and `$XDG_CACHE_HOME/gccgo-build/sdk` (`~/.cache/…`, where a
//! user builds). An SDK directory counts once its `.complete` marker is
//! there: the script writes it last, so a half-unpacked or failed build is
//! never taken.
//!
//! This module reads directory listings and runs only the found SDK's
//! compiler (through `sdk::profile_from_sdk`, for its machine and float ABI).

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::{Entry, Registry, Source, find_sdk, profile_from_sdk, sdk};
use crate::toolchain::find_program;

/// Which libgo an SDK of the recipe has (toolchains/sdk/build's VARIANT),
/// in the order `locate` prefers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LibgoVariant {
    /// GCC's own build (`-O2 -g`), also the unpacked prebuilt copy.
    Plain,
    /// Rebuilt `-Os -ffunction-sections -fdata-sections`.
    Sections,
    /// Rebuilt as `Sections` plus `-flto -ffat-lto-objects`.
    Lto,
}

impl LibgoVariant {
    /// The variant a directory name of the recipe says
    /// (`<target>-<variant>-<key>`; anything else is plain).
    pub fn of_dir_name(name: &str) -> LibgoVariant {
        if name.contains("-sections-") {
            LibgoVariant::Sections
        } else if name.contains("-lto-") {
            LibgoVariant::Lto
        } else {
            LibgoVariant::Plain
        }
    }
}

/// One SDK directory `toolchains/sdk/build` made (or unpacked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecipeSdk {
    /// `<root>/<target>[-sections|-lto|-prebuilt]-<key>`: the `-sdk` argument.
    pub dir: PathBuf,
    /// Which libgo it has.
    pub variant: LibgoVariant,
    /// When its `.complete` marker was written.
    pub made: SystemTime,
}

/// The recipe's cache roots, in the order they are searched (see the
/// module doc). Only existing directories.
pub fn recipe_roots() -> Vec<PathBuf> {
    if let Some(r) = std::env::var_os("GCCGO_BUILD_SDK_ROOT").filter(|v| !v.is_empty()) {
        return vec![PathBuf::from(r)];
    }
    let mut roots = vec![PathBuf::from("/var/cache/gccgo-build/sdk")];
    let xdg = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache")));
    if let Some(x) = xdg {
        roots.push(x.join("gccgo-build/sdk"));
    }
    roots.retain(|r| r.is_dir());
    roots
}

/// The finished SDKs under `roots`: plain (and prebuilt) before
/// `sections` before `lto`, then the newest `.complete` first, then by name.
pub fn recipe_sdks(roots: &[PathBuf]) -> Vec<RecipeSdk> {
    let mut found = Vec::new();
    for root in roots {
        let Ok(rd) = std::fs::read_dir(root) else {
            continue;
        };
        for e in rd.flatten() {
            let dir = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            // `build-<target>-<key>` is the recipe's work tree, `*.partial` an unfinished unpack.
            if name.starts_with("build-") || name.ends_with(".partial") {
                continue;
            }
            let Ok(made) = std::fs::metadata(dir.join(".complete")).and_then(|m| m.modified())
            else {
                continue;
            };
            found.push(RecipeSdk {
                variant: LibgoVariant::of_dir_name(&name),
                dir,
                made,
            });
        }
    }
    found.sort_by(|a, b| {
        (a.variant, std::cmp::Reverse(a.made), &a.dir).cmp(&(
            b.variant,
            std::cmp::Reverse(b.made),
            &b.dir,
        ))
    });
    found
}

/// The router profile `named` (one with `sdk_arch`) served by the first
/// recipe SDK of its `<arch>_<cpu>`, else by the first of its triples
/// whose gccgo is in PATH; `None` when neither is there (the profile then
/// stays as it is written, and `toolchains` says it is not installed).
pub fn locate(named: &Entry, store: &crate::store::Store) -> Option<Entry> {
    let arch = named.profile.sdk_arch.as_deref()?;
    for r in recipe_sdks(&recipe_roots()) {
        let Ok(found) = find_sdk(&r.dir) else {
            continue;
        };
        if sdk::arch_cpu_of(&found.toolchain_dir).as_deref() != Some(arch) {
            continue;
        }
        if let Ok(e) = profile_from_sdk(&found, store) {
            let mut merged = super::select::merge_sdk(named, &e);
            merged.source = Source::Recipe(found.toolchain_dir);
            return Some(merged);
        }
    }
    in_path(named, store)
}

/// The first of `named`'s triples whose `<triple>-gccgo` is in PATH: with
/// the SDK around it when it sits in an SDK's `toolchain-*/bin`, else with
/// the tools beside it.
fn in_path(named: &Entry, store: &crate::store::Store) -> Option<Entry> {
    for t in accepted_triples(named) {
        let Some(gccgo) = find_program(Path::new(&format!("{t}-gccgo"))) else {
            continue;
        };
        let toolchain_dir = gccgo.parent().and_then(Path::parent);
        if let Some(e) = toolchain_dir
            .and_then(|d| find_sdk(d).ok())
            .filter(|f| f.gccgo == gccgo)
            .and_then(|f| profile_from_sdk(&f, store).ok())
        {
            let mut merged = super::select::merge_sdk(named, &e);
            merged.source = Source::Path(gccgo);
            return Some(merged);
        }
        let mut e = named.clone();
        let p = &mut e.profile;
        p.triple = Some(t.clone());
        p.gccgo = Some(gccgo.display().to_string());
        for (field, tool) in [
            (&mut p.objcopy, "objcopy"),
            (&mut p.strip, "strip"),
            (&mut p.ar, "ar"),
            (&mut p.cc, "gcc"),
        ] {
            *field = Some(super::tool_beside(&gccgo, tool).display().to_string());
        }
        p.libc = sdk::libc_of_triple(&t).map(String::from);
        e.source = Source::Path(gccgo);
        return Some(e);
    }
    None
}

/// The triples a profile's compiler may be named by: `triples`, else its
/// `triple`.
pub fn accepted_triples(e: &Entry) -> Vec<String> {
    if e.profile.triples.is_empty() {
        e.profile.triple.iter().cloned().collect()
    } else {
        e.profile.triples.clone()
    }
}

/// Where a router profile with no SDK and no compiler was looked for, for
/// its "not installed" row: the recipe's roots and the PATH names.
pub fn looked_for(e: &Entry) -> String {
    let roots = recipe_roots();
    let roots = if roots.is_empty() {
        "found no SDK made by toolchains/sdk/build (/var/cache/gccgo-build/sdk)".to_string()
    } else {
        format!(
            "found no {} SDK in {}",
            e.profile.sdk_arch.as_deref().unwrap_or("matching"),
            roots
                .iter()
                .map(|r| r.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let names: Vec<String> = accepted_triples(e)
        .iter()
        .map(|t| format!("{t}-gccgo"))
        .collect();
    format!("{roots} and no {} in PATH", names.join(" or "))
}

impl Registry {
    /// Each router profile (one with `sdk_arch`) for `goarch` (`None`:
    /// every one) replaced by the toolchain `locate` finds for it, where it
    /// finds one.
    pub fn locate_routers(&mut self, store: &crate::store::Store, goarch: Option<&str>) {
        let routers: Vec<Entry> = self
            .entries
            .values()
            .filter(|e| e.profile.sdk_arch.is_some() && matches!(e.source, Source::Builtin(_)))
            .filter(|e| goarch.is_none_or(|g| e.profile.goarch.as_deref() == Some(g)))
            .cloned()
            .collect();
        for r in routers {
            if let Some(found) = locate(&r, store) {
                self.add(found);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sdk_dir(root: &Path, name: &str, age_secs: u64) {
        let d = root.join(name);
        std::fs::create_dir_all(&d).unwrap();
        let f = std::fs::File::create(d.join(".complete")).unwrap();
        let t = SystemTime::now() - std::time::Duration::from_secs(age_secs);
        f.set_modified(t).unwrap();
    }

    #[test]
    fn plain_before_sections_before_lto_then_newest_first() {
        let d = tempfile::tempdir().unwrap();
        sdk_dir(d.path(), "ramips-lto-eeee", 0);
        sdk_dir(d.path(), "ramips-sections-bbbb", 1);
        sdk_dir(d.path(), "ramips-aaaa", 100);
        sdk_dir(d.path(), "ramips-prebuilt-cccc", 10);
        std::fs::create_dir_all(d.path().join("ramips-dddd")).unwrap(); // no .complete
        std::fs::create_dir_all(d.path().join("build-ramips-aaaa")).unwrap();
        let got: Vec<String> = recipe_sdks(&[d.path().to_path_buf()])
            .iter()
            .map(|s| s.dir.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            got,
            [
                "ramips-prebuilt-cccc",
                "ramips-aaaa",
                "ramips-sections-bbbb",
                "ramips-lto-eeee"
            ]
        );
    }
}
