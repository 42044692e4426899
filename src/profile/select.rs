//! Select: which toolchain one command builds with — the flags
//! (`-toolchain FILE`, `-sdk DIR`, `-target NAME`), `$STAGING_DIR`, the go
//! command's variables (module `goenv`), or the host profile — as a
//! `Resolved` profile and spec, before probing (`Resolved::probe`).
//! It reads profiles and directories; it runs no compiler but an SDK's
//! (through `sdk`, for its float ABI).

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

use super::{
    Entry, GoEnv, Profile, Registry, Source, discover, find_sdk, goenv, profile_from_sdk,
    read_profile, sdk,
};
use crate::toolchain::ToolchainSpec;

/// The toolchain flags of one command, owned: `--target NAME`,
/// `--toolchain FILE`, `--sdk DIR` as `cli` parsed them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Choice {
    /// `--target NAME`: a profile name or a triple.
    pub target: Option<String>,
    /// `--toolchain FILE`.
    pub toolchain: Option<PathBuf>,
    /// `--sdk DIR`.
    pub sdk: Option<PathBuf>,
    /// The go command's variables (`GOARCH`, `GCCGO`, …; module `goenv`);
    /// `Default` (none) for a choice that ignores them.
    pub env: GoEnv,
}

impl Choice {
    /// The flags as the borrowed `Selection` that `resolve` takes.
    pub fn selection(&self) -> Selection<'_> {
        Selection {
            target: self.target.as_deref(),
            toolchain: self.toolchain.as_deref(),
            sdk: self.sdk.as_deref(),
            env: Some(&self.env),
        }
    }
}

/// How the toolchain of one command is chosen: `--target`, `--toolchain`,
/// `--sdk` (see the module doc).
#[derive(Debug, Clone, Default)]
pub struct Selection<'a> {
    /// `--target NAME`: a profile name or a triple.
    pub target: Option<&'a str>,
    /// `--toolchain FILE`.
    pub toolchain: Option<&'a Path>,
    /// `--sdk DIR`.
    pub sdk: Option<&'a Path>,
    /// The go command's variables; `None`: ignored.
    pub env: Option<&'a GoEnv>,
}

/// The chosen toolchain, before probing (`Resolved::probe` probes it).
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The profile and where it came from.
    pub entry: Entry,
    /// What to probe (`CC`/`AR` from the environment applied).
    pub spec: ToolchainSpec,
    /// The go command's variables it was chosen or checked with.
    pub env: GoEnv,
    /// What chose it, as `env` prints it in `GCCGOBUILD_TARGET_FROM`:
    /// `--target mips-linux-gnu`, `GOARCH=mips (environment)`, ….
    pub origin: String,
}

impl Resolved {
    /// An entry and its spec, not yet checked against any environment.
    fn new(entry: Entry, spec: ToolchainSpec) -> Resolved {
        Resolved {
            entry,
            spec,
            env: GoEnv::default(),
            origin: String::new(),
        }
    }
}

/// The `$STAGING_DIR` OpenWrt's build environment sets, when set and non-empty.
pub(super) fn staging_dir_env() -> Option<PathBuf> {
    std::env::var_os("STAGING_DIR")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// A named profile for an SDK's triple, with the tools, sysroot and runner
/// the SDK provides (the profile's own sysroot wins when it has one; the
/// SDK's runner, which knows where its libc is, wins over the profile's).
pub(super) fn merge_sdk(named: &Entry, sdk: &Entry) -> Entry {
    let (n, s) = (&named.profile, &sdk.profile);
    Entry {
        profile: Profile {
            name: n.name.clone(),
            triple: s.triple.clone().or_else(|| n.triple.clone()),
            gccgo: s.gccgo.clone(),
            objcopy: s.objcopy.clone(),
            strip: s.strip.clone(),
            ar: s.ar.clone(),
            cc: s.cc.clone(),
            sysroot: n.sysroot.clone().or_else(|| s.sysroot.clone()),
            // The SDK's runner names the directory its libc is really in.
            runner: s.runner.clone().or_else(|| n.runner.clone()),
            // What the SDK's compiler says beats what the profile expects.
            libc: s.libc.clone().or_else(|| n.libc.clone()),
            float: s.float.clone().or_else(|| n.float.clone()),
            ..n.clone()
        },
        source: sdk.source.clone(),
    }
}

impl Registry {
    /// The built-in router profile (one with `sdk_arch`) that describes the
    /// SDK toolchain of `sdk`, if any.
    pub(super) fn router_for(&self, sdk: &Entry) -> Option<&Entry> {
        self.entries
            .values()
            .find(|e| e.profile.sdk_arch.is_some() && describes_sdk(e, sdk))
    }
}

/// An SDK's own profile under the name and core of the router profile that
/// describes it (`--sdk DIR` alone): the SDK's compiler keeps its own
/// defaults (no flags are added), the runner gets the core's `-cpu`.
pub(super) fn adopt_router(named: &Entry, mut sdk: Entry) -> Entry {
    sdk.profile.name = named.profile.name.clone();
    sdk.profile.cpu = named.profile.cpu.clone();
    sdk
}

/// A triple without its libc part: `mipsel-openwrt-linux-musl` and
/// `mipsel-openwrt-linux-gnu` are both `mipsel-openwrt-linux`.
fn triple_base(t: &str) -> &str {
    match t.rsplit_once('-') {
        Some((base, env)) if sdk::libc_of_triple(t).is_some() && !env.is_empty() => base,
        _ => t,
    }
}

/// Whether the named profile `named` describes the SDK toolchain of `sdk`:
/// the same `<arch>_<cpu>` (`sdk_arch`), or the same triple up to the libc
/// (an OpenWrt SDK may be built for musl, glibc or uClibc).
fn describes_sdk(named: &Entry, sdk: &Entry) -> bool {
    let arch = match &sdk.source {
        Source::Sdk(dir) | Source::Recipe(dir) => sdk::arch_cpu_of(dir),
        _ => None,
    };
    if let (Some(a), Some(b)) = (&named.profile.sdk_arch, &arch) {
        return a == b;
    }
    match (&named.profile.triple, &sdk.profile.triple) {
        (Some(a), Some(b)) => triple_base(a) == triple_base(b),
        _ => false,
    }
}

/// Whether `name` selects `e`: its name or its triple.
pub(super) fn selects(name: &str, e: &Entry) -> bool {
    e.profile.name == name || e.profile.triple.as_deref() == Some(name)
}

/// Chooses the toolchain: `--toolchain FILE` (when `--target` is absent or
/// names it), then the SDK of `--sdk DIR` or `$STAGING_DIR` (same rule),
/// then the profile or triple `--target` names; without any of these
/// flags, the go command's variables when set (`GOARCH`, `GCCGO`, …;
/// module `goenv`), else `$STAGING_DIR`, else the `host` profile. The
/// variables must agree with whatever chose.
///
/// Errors: a profile that does not parse, an SDK directory with no gccgo,
/// `--sdk` together with a `--target` the SDK does not provide, a
/// `--target` that is neither a profile nor a triple with a Go name; a
/// variable with a bad value, that disagrees, or that asks for a target
/// no installed toolchain serves (module `goenv`).
pub fn resolve(sel: &Selection, store: &crate::store::Store) -> Result<Resolved> {
    let env = sel.env.cloned().unwrap_or_default();
    env.check()?;
    let flags = sel.target.is_some() || sel.toolchain.is_some() || sel.sdk.is_some();
    let mut r = if !flags && env.chooses() {
        let mut reg = Registry::load()?;
        // A cross GOARCH may be served by a router SDK the recipe made.
        // Only the routers of that GOARCH: locating one runs its compiler.
        if let Some(a) = env
            .get("GOARCH")
            .filter(|a| Some(*a) != crate::target::host_goarch())
        {
            reg.locate_routers(store, Some(a));
        }
        let entry = goenv::choose(&env, &reg, store)?;
        let spec = entry.spec()?;
        Resolved::new(entry, spec)
    } else {
        resolve_flags(sel, store)?
    };
    let origin = goenv::origin(sel, &env, &r.entry);
    goenv::agree(&env, &mut r, &origin)?;
    r.origin = origin;
    r.env = env;
    Ok(r)
}

/// `resolve` by the flags (and `$STAGING_DIR`) alone.
fn resolve_flags(sel: &Selection, store: &crate::store::Store) -> Result<Resolved> {
    let mut reg = Registry::load()?;
    let done = |entry: Entry| -> Result<Resolved> {
        let spec = entry.spec()?;
        Ok(Resolved::new(entry, spec))
    };
    if let Some(f) = sel.toolchain {
        let entry = Entry {
            profile: read_profile(f)?,
            source: Source::File(f.to_path_buf()),
        };
        match sel.target {
            Some(t) if !selects(t, &entry) => reg.add(entry),
            _ => return done(entry),
        }
    }
    if let Some(entry) = sdk_choice(sel, store, &reg)? {
        return done(entry);
    }
    by_name(&reg, sel.target, store)
}

/// The SDK's toolchain when `--sdk DIR` or `$STAGING_DIR` chooses it (see
/// `resolve`): the SDK's compiler under its router profile's name, or that
/// profile's flags with the SDK's tools. `None` when no SDK is named, or
/// `$STAGING_DIR` does not provide the `--target` asked for.
///
/// Errors: an SDK directory with no gccgo; `--sdk` with a `--target` it
/// does not provide.
fn sdk_choice(
    sel: &Selection,
    store: &crate::store::Store,
    reg: &Registry,
) -> Result<Option<Entry>> {
    let (sdk_dir, explicit) = match sel.sdk {
        Some(d) => (Some(d.to_path_buf()), true),
        None => (staging_dir_env(), false),
    };
    if let Some(dir) = sdk_dir {
        let what = if explicit {
            format!("-sdk {}", dir.display())
        } else {
            format!("$STAGING_DIR ({})", dir.display())
        };
        let derived = find_sdk(&dir).and_then(|found| profile_from_sdk(&found, store));
        // $STAGING_DIR (set by OpenWrt's build shell) only chooses the
        // toolchain when nothing else does; with a --target it is used
        // when it provides that target, and ignored otherwise.
        let sdk_entry = match (derived, explicit || sel.target.is_none()) {
            (Ok(e), _) => Some(e),
            (Err(e), true) => return Err(e.context(what)),
            (Err(_), false) => None,
        };
        if let Some(entry) = sdk_entry {
            // The built-in router profile of the SDK's `<arch>_<cpu>` gives
            // the core (qemu `-cpu`) and the name.
            let router = reg.router_for(&entry);
            let Some(t) = sel.target else {
                // `--sdk DIR` alone: the SDK's compiler as it is, under the router's name.
                return Ok(Some(match router {
                    Some(named) => adopt_router(named, entry),
                    None => entry,
                }));
            };
            // `--sdk DIR --target openwrt-ramips`: the profile's flags with
            // the SDK's tools, when the profile is for the SDK's triple.
            if let Some(named) = reg.entries.get(t)
                && describes_sdk(named, &entry)
            {
                return Ok(Some(merge_sdk(named, &entry)));
            }
            if selects(t, &entry) {
                return Ok(Some(entry));
            }
            let entry = match router {
                Some(named) => adopt_router(named, entry),
                None => entry,
            };
            if explicit {
                bail!(
                    "{what} provides toolchain {} (triple {}), but -target asks for `{t}`; \
                     drop one of them",
                    entry.profile.name,
                    entry.profile.triple.as_deref().unwrap_or("?")
                );
            }
        }
    }
    Ok(None)
}

/// The toolchain `--target NAME` names (a profile, a compiler in PATH by
/// the names of module `discover`, or a triple whose `<triple>-gccgo` is
/// taken from PATH), or the `host` profile without one.
///
/// Errors: NAME is neither a profile nor a triple with a Go name.
fn by_name(reg: &Registry, target: Option<&str>, store: &crate::store::Store) -> Result<Resolved> {
    let done = |entry: Entry| -> Result<Resolved> {
        let spec = entry.spec()?;
        Ok(Resolved::new(entry, spec))
    };
    match target {
        Some(t) => match reg
            .find(t)
            .map(|e| super::locate(e, store).unwrap_or_else(|| e.clone()))
            .or_else(|| discover::select(reg, t))
        {
            Some(e) => done(e),
            None => {
                let spec = ToolchainSpec::for_triple(t).with_context(|| {
                    format!(
                        "-target {t}: not a toolchain profile ({}), so it was taken as a triple",
                        reg.entries.keys().cloned().collect::<Vec<_>>().join(", ")
                    )
                })?;
                let profile = Profile {
                    name: t.to_string(),
                    triple: Some(t.to_string()),
                    package: spec.package.clone(),
                    runner: spec.runner.clone(),
                    ..Default::default()
                };
                Ok(Resolved::new(
                    Entry {
                        profile,
                        source: Source::Triple,
                    },
                    spec,
                ))
            }
        },
        None => match reg.find("host") {
            Some(e) => done(e.clone()),
            None => Ok(Resolved::new(
                Entry {
                    profile: Profile {
                        name: "host".into(),
                        ..Default::default()
                    },
                    source: Source::Triple,
                },
                ToolchainSpec::host(),
            )),
        },
    }
}
