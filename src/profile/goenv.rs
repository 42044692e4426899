//! Goenv: the go command's variables that choose a target, read as
//! `cmd/go/internal/cfg` reads them — the process environment first, then
//! the go env file (`$GOENV`, else `$XDG_CONFIG_HOME/go/env`, else
//! `~/.config/go/env`, as `go env -w` writes it), an empty value being
//! unset — and what they mean here:
//!
//! | variable | values (checked as the go command checks them) | effect |
//! | --- | --- | --- |
//! | `GOOS`, `GOARCH` | a known GOOS / GOARCH | choose a toolchain that builds for the pair |
//! | `GOMIPS`, `GOMIPS64` | `hardfloat`, `softfloat` | `softfloat`: an SDK or a soft-float profile; `hardfloat`: not one |
//! | `GOARM` | `5`, `6`, `7` | `5`/`6`: a soft-float-ABI (`gnueabi`) toolchain first; `7`: `gnueabihf` first |
//! | `GO386`, `GOAMD64`, `GOPPC64` | `sse2`/`softfloat`, `v1`…`v4`, `power8`…`power10` | checked and shown by `env` only |
//! | `GCCGO` | a path, or a name in PATH | the compiler (go's way to name it) |
//! | `CC`, `CXX`, `AR` | a path, or a name in PATH | the toolchain's C compiler, C++ compiler, archiver |
//!
//! They choose the toolchain only when none of `-target`, `-toolchain`
//! and `-sdk` is given; with one, they must agree with what it chose.
//! Disagreements (with a flag, or among themselves: `GCCGO` for one
//! architecture and `GOARCH` another, `CC=mipsel-linux-gnu-gcc` for a mips
//! build), an invalid value, and a pair no installed toolchain serves are
//! errors that name each variable and what to install — never a silent
//! host build, the trap of golang/go#23566.
//!
//! This module reads the environment, the registry and PATH; it runs no
//! compiler itself (an SDK's profile may ask its compiler, through `sdk`),
//! and checks a probed toolchain only in [`Resolved::probe`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use super::{Entry, Profile, Registry, Resolved, Source, discover, sdk};
use crate::target;
use crate::toolchain::{Toolchain, find_program};

/// The variables that choose (or describe) the target.
pub const TARGET_VARS: &[&str] = &[
    "GOOS", "GOARCH", "GOMIPS", "GOMIPS64", "GOARM", "GO386", "GOAMD64", "GOPPC64", "GCCGO",
];

/// The variables that name the toolchain's other tools.
pub const TOOL_VARS: &[&str] = &["CC", "CXX", "AR"];

/// Where a variable's value was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum From {
    /// The process environment.
    Environment,
    /// The go env file (`go env -w`) at this path.
    EnvFile(PathBuf),
}

impl std::fmt::Display for From {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            From::Environment => f.write_str("environment"),
            From::EnvFile(p) => write!(f, "go env file {}", p.display()),
        }
    }
}

/// The set values of [`TARGET_VARS`] and [`TOOL_VARS`], with where each
/// was read. `Default` is nothing set (the toolchain flags alone decide).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GoEnv {
    /// Variable name → (value, where it was read); only non-empty values.
    pub vars: BTreeMap<String, (String, From)>,
}

/// The go env file's path (`cmd/go/internal/cfg.EnvFile`): `$GOENV`
/// (`off`: none), else the user's config directory's `go/env`.
fn env_file() -> Option<PathBuf> {
    match std::env::var_os("GOENV").filter(|v| !v.is_empty()) {
        Some(v) if v == "off" => None,
        Some(v) => Some(PathBuf::from(v)),
        None => {
            let base = match std::env::var_os("XDG_CONFIG_HOME").filter(|v| !v.is_empty()) {
                Some(x) => PathBuf::from(x),
                None => PathBuf::from(std::env::var_os("HOME")?).join(".config"),
            };
            Some(base.join("go/env"))
        }
    }
}

/// `key` as the go command reads it: the environment, else the go env
/// file; `None` when unset or empty.
pub fn getenv(key: &str) -> Option<(String, From)> {
    if let Some(v) = std::env::var_os(key).filter(|v| !v.is_empty()) {
        return Some((v.to_string_lossy().into_owned(), From::Environment));
    }
    let file = env_file()?;
    let text = std::fs::read_to_string(&file).ok()?;
    text.lines().find_map(|l| {
        let (k, v) = l.trim().split_once('=')?;
        (k.trim() == key && !v.trim().is_empty())
            .then(|| (v.trim().to_string(), From::EnvFile(file.clone())))
    })
}

impl GoEnv {
    /// The variables as this process sees them (see [`getenv`]).
    pub fn from_process() -> GoEnv {
        let vars = TARGET_VARS
            .iter()
            .chain(TOOL_VARS)
            .filter_map(|k| getenv(k).map(|v| (k.to_string(), v)))
            .collect();
        GoEnv { vars }
    }

    /// A set of values from the environment, for tests: `[("GOARCH", "mips")]`.
    pub fn of(pairs: &[(&str, &str)]) -> GoEnv {
        let vars = pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (k.to_string(), (v.to_string(), From::Environment)))
            .collect();
        GoEnv { vars }
    }

    /// The value of `key`, when set.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.vars.get(key).map(|(v, _)| v.as_str())
    }

    /// `KEY=value` for each of `keys` that is set, space-separated, then
    /// where they were read (`GOARCH=mips GOMIPS=softfloat (environment)`).
    pub fn show(&self, keys: &[&str]) -> String {
        let set: Vec<&str> = keys
            .iter()
            .copied()
            .filter(|k| self.get(k).is_some())
            .collect();
        let words: Vec<String> = set
            .iter()
            .map(|k| format!("{k}={}", self.get(k).unwrap_or("")))
            .collect();
        let mut froms: Vec<String> = set
            .iter()
            .filter_map(|k| self.vars.get(*k).map(|(_, f)| f.to_string()))
            .collect();
        froms.dedup();
        format!("{} ({})", words.join(" "), froms.join(", "))
    }

    /// The names of the set variables, in [`TARGET_VARS`] then
    /// [`TOOL_VARS`] order.
    pub fn names(&self) -> Vec<&'static str> {
        TARGET_VARS
            .iter()
            .chain(TOOL_VARS)
            .copied()
            .filter(|k| self.vars.contains_key(*k))
            .collect()
    }

    /// Whether any variable that chooses a toolchain is set.
    pub fn chooses(&self) -> bool {
        TARGET_VARS.iter().any(|k| self.vars.contains_key(*k))
    }

    /// Checks each value as the go command does (`internal/buildcfg`,
    /// `cmd/go/internal/cfg`); `GOOS`/`GOARCH` against the names go/build
    /// knows (`target::KNOWN_ARCH`).
    ///
    /// Errors: one paragraph naming every bad value and what it may be.
    pub fn check(&self) -> Result<()> {
        let rules: &[(&str, &[&str])] = &[
            ("GOMIPS", &["hardfloat", "softfloat"]),
            ("GOMIPS64", &["hardfloat", "softfloat"]),
            ("GOARM", &["5", "6", "7"]),
            ("GO386", &["sse2", "softfloat"]),
            ("GOAMD64", &["v1", "v2", "v3", "v4"]),
            ("GOPPC64", &["power8", "power9", "power10"]),
        ];
        let mut bad = Vec::new();
        if let Some(v) = self.get("GOOS").filter(|v| !target::is_known_os(v)) {
            bad.push(format!(
                "GOOS={v}: not a GOOS the go command knows ({})",
                target::UNIX_OS
                    .iter()
                    .chain(target::NON_UNIX_OS)
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if let Some(v) = self.get("GOARCH").filter(|v| !target::is_known_arch(v)) {
            bad.push(format!(
                "GOARCH={v}: not a GOARCH the go command or gccgo knows ({})",
                target::KNOWN_ARCH.join(", ")
            ));
        }
        for (k, allowed) in rules {
            if let Some(v) = self.get(k).filter(|v| !allowed.contains(v)) {
                bad.push(format!("{k}={v}: must be {}", allowed.join(", ")));
            }
        }
        if !bad.is_empty() {
            bail!("{} ({})", bad.join("; "), self.show(&self.names()));
        }
        Ok(())
    }
}

/// Hard or soft float, as a MIPS profile or `GOMIPS` says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Float {
    /// An FPU's registers carry floats (`-mhard-float`, `GOMIPS=hardfloat`).
    Hard,
    /// Floats in integer registers and library calls (`-msoft-float`, `GOMIPS=softfloat`).
    Soft,
}

impl Float {
    /// The go command's word: `hardfloat`, `softfloat`.
    pub fn go_word(self) -> &'static str {
        match self {
            Float::Hard => "hardfloat",
            Float::Soft => "softfloat",
        }
    }

    /// The float ABI's word as profiles and `env` write it: `hard`, `soft`.
    fn parse(s: &str) -> Option<Float> {
        match s {
            "hard" | "-mhard-float" | "hardfloat" => Some(Float::Hard),
            "soft" | "-msoft-float" | "softfloat" => Some(Float::Soft),
            _ => None,
        }
    }
}

/// The float ABI a profile builds with, before probing: its last
/// `-m*-float` flag (as gcc reads them), else its `float` field.
pub fn profile_float(p: &Profile) -> Option<Float> {
    p.cflags
        .iter()
        .rev()
        .find_map(|f| Float::parse(f))
        .or_else(|| p.float.as_deref().and_then(Float::parse))
}

/// The float ABI a probed toolchain builds with: the profile's flags
/// (`tc.cflags`, the last `-m*-float`), then what the profile says, then
/// the compiler's own default (`soft`/`hard`, as `env` prints it).
pub fn float_abi(p: &Profile, tc: &Toolchain) -> Option<String> {
    tc.cflags
        .iter()
        .rev()
        .find_map(|f| Float::parse(f))
        .or_else(|| p.float.as_deref().and_then(Float::parse))
        .map(|f| if f == Float::Soft { "soft" } else { "hard" }.to_string())
        .or_else(|| tc.float_abi.clone())
}

/// The go command's per-architecture variable for a GOARCH
/// (`cmd/go/internal/cfg.GetArchEnv`): `GOMIPS` for `mips`, …; `None` for
/// an architecture with none.
pub fn arch_var(goarch: &str) -> Option<&'static str> {
    Some(match goarch {
        "arm" => "GOARM",
        "386" => "GO386",
        "amd64" => "GOAMD64",
        "mips" | "mipsle" => "GOMIPS",
        "mips64" | "mips64le" => "GOMIPS64",
        "ppc64" | "ppc64le" => "GOPPC64",
        _ => return None,
    })
}

/// The float the environment asks of a GOARCH (`GOMIPS` or `GOMIPS64`).
fn wanted_float(env: &GoEnv, goarch: &str) -> Option<Float> {
    match arch_var(goarch) {
        Some(k @ ("GOMIPS" | "GOMIPS64")) => env.get(k).and_then(Float::parse),
        _ => None,
    }
}

/// The target a triple names, if it has Go names: (GOOS, GOARCH).
fn triple_target(triple: &str) -> Option<(&'static str, &'static str)> {
    Some((
        target::goos_for_triple(triple)?,
        target::goarch_for_triple(triple)?,
    ))
}

/// The (GOOS, GOARCH) a profile builds for, when known before probing.
fn entry_target(e: &Entry) -> Option<(String, String)> {
    let t = e.spec().ok()?.target?;
    Some((t.goos, t.goarch))
}

/// Whether the entry's compiler is installed.
fn installed(e: &Entry) -> bool {
    e.spec().is_ok_and(|s| find_program(&s.gccgo).is_some())
}

/// The SDK `$STAGING_DIR` names, as its router profile's entry; `Err`
/// says why it provides none (for the error when nothing else does).
fn staging_sdk(reg: &Registry, store: &crate::store::Store) -> Option<Result<Entry, String>> {
    let dir = super::staging_dir_env()?;
    Some(
        sdk::find_sdk(&dir)
            .and_then(|f| sdk::profile_from_sdk(&f, store))
            .map(|e| match reg.router_for(&e) {
                Some(named) => super::adopt_router(named, e),
                None => e,
            })
            .map_err(|e| format!("$STAGING_DIR={}: {e:#}", dir.display())),
    )
}

/// The toolchain the environment chooses when no flag does: the compiler
/// `GCCGO` names, else the first installed toolchain for `GOOS`/`GOARCH`
/// (default: the host's) that fits `GOMIPS`/`GOARM` — the host profile
/// for the host's pair, then the SDK of `$STAGING_DIR`, the profiles by
/// name, and the compilers in PATH no profile covers.
///
/// Errors: `GCCGO` names no program; an architecture variable without
/// `GOARCH`; no installed toolchain serves the pair (naming what to install).
pub(super) fn choose(env: &GoEnv, reg: &Registry, store: &crate::store::Store) -> Result<Entry> {
    if let Some(g) = env.get("GCCGO") {
        return by_compiler(env, reg, g);
    }
    let host = target::host_goarch().unwrap_or("amd64");
    let goos = env.get("GOOS").unwrap_or("linux");
    let goarch = env.get("GOARCH").unwrap_or(host);
    if env.get("GOARCH").is_none() {
        let stray: Vec<&str> = ["GOMIPS", "GOMIPS64", "GOARM", "GOPPC64", "GO386", "GOAMD64"]
            .into_iter()
            .filter(|k| env.get(k).is_some() && arch_var(host) != Some(k))
            .collect();
        if !stray.is_empty() {
            bail!(
                "{} is set but GOARCH is not, so the target would be the host's {goos}/{host}, \
                 where {} means nothing: set GOARCH too (GOMIPS: mips or mipsle; GOMIPS64: mips64 \
                 or mips64le; GOARM: arm), or unset {}",
                env.show(&stray),
                stray.join(", "),
                stray.join(", ")
            );
        }
    }
    let want = wanted_float(env, goarch);
    let mut cands: Vec<Entry> = Vec::new();
    if goos == "linux"
        && goarch == host
        && let Some(h) = reg.find("host").filter(|h| installed(h))
    {
        cands.push(h.clone());
    }
    let sdk = staging_sdk(reg, store);
    if let Some(Ok(e)) = &sdk {
        cands.push(e.clone());
    }
    cands.extend(reg.entries.values().filter(|e| installed(e)).cloned());
    let mut covered: std::collections::BTreeSet<PathBuf> =
        cands.iter().filter_map(discover::entry_compiler).collect();
    cands.extend(discover::uncovered(reg, &mut covered));
    let fits = |e: &Entry| {
        entry_target(e).is_some_and(|(o, a)| o == goos && a == goarch)
            && match want {
                Some(Float::Soft) => profile_float(&e.profile) == Some(Float::Soft),
                Some(Float::Hard) => profile_float(&e.profile) != Some(Float::Soft),
                None => true,
            }
    };
    let mut fit: Vec<Entry> = cands.into_iter().filter(|e| fits(e)).collect();
    if goarch == "arm"
        && let Some(v) = env.get("GOARM")
    {
        // ARMv5/v6 cores run the soft-float ABI (armel); Debian's armhf is ARMv7.
        let hf_first = v == "7";
        fit.sort_by_key(|e| is_hf(e) != hf_first);
    }
    match fit.into_iter().next() {
        Some(e) => Ok(e),
        None => bail!("{}", missing(env, reg, goos, goarch, want, sdk)),
    }
}

/// Whether a profile's triple is ARM's hard-float EABI (`…gnueabihf`).
fn is_hf(e: &Entry) -> bool {
    e.profile
        .triple
        .as_deref()
        .is_some_and(|t| t.ends_with("hf"))
}

/// The paragraph for a pair no installed toolchain serves: what was asked,
/// why `$STAGING_DIR` did not serve, and what to install.
fn missing(
    env: &GoEnv,
    reg: &Registry,
    goos: &str,
    goarch: &str,
    want: Option<Float>,
    sdk: Option<Result<Entry, String>>,
) -> String {
    let asked = env.show(&["GOOS", "GOARCH", "GOMIPS", "GOMIPS64", "GOARM"]);
    let kind = if want == Some(Float::Soft) {
        "soft-float "
    } else {
        ""
    };
    let mut s = format!("{asked}: no {kind}gccgo for {goos}/{goarch} is installed");
    match &sdk {
        Some(Err(why)) => s.push_str(&format!(" ({why})")),
        Some(Ok(e)) => s.push_str(&format!(
            " ($STAGING_DIR's SDK builds for {})",
            entry_target(e).map_or("another target".into(), |(o, a)| format!("{o}/{a}"))
        )),
        None => {}
    }
    let for_pair = |e: &&Entry| entry_target(e).is_some_and(|(o, a)| o == goos && a == goarch);
    if want == Some(Float::Soft) {
        let routers: Vec<&Entry> = reg
            .entries
            .values()
            .filter(for_pair)
            .filter(|e| e.profile.sdk_arch.is_some())
            .collect();
        s.push_str(
            "; name an OpenWrt SDK built with gccgo (soft-float) with -sdk DIR or STAGING_DIR=DIR",
        );
        for r in routers {
            s.push_str(&format!(" ({} {})", r.profile.name, r.install_hint()));
        }
        if let Some(h) = reg
            .entries
            .values()
            .filter(for_pair)
            .find(|e| installed(e) && profile_float(&e.profile) != Some(Float::Soft))
        {
            s.push_str(&format!(
                ", or set GOMIPS=hardfloat to build with {} (for cores with an FPU only)",
                h.profile.name
            ));
        }
        return s;
    }
    // ARMv5/v6 cores need the soft-float ABI: Debian's armel, not armhf.
    let armel = (goarch == "arm" && matches!(env.get("GOARM"), Some("5" | "6")))
        .then(|| target::debian_gccgo_package("arm-linux-gnueabi"));
    let pkg = armel
        .or_else(|| {
            reg.entries
                .values()
                .filter(for_pair)
                .find_map(|e| e.profile.package.clone())
        })
        .or_else(|| {
            let t = target::arch(goarch)?.debian_triple?;
            (goos == "linux").then(|| target::debian_gccgo_package(t))
        });
    match pkg {
        Some(p) => s.push_str(&format!("; apt-get install {p}")),
        None => s.push_str(&format!(
            "; no Debian package provides a gccgo for {goos}/{goarch}: write a toolchain profile \
             for your compiler (README, \"Toolchain profiles\") and name it with -target"
        )),
    }
    s
}

/// The toolchain of the compiler `GCCGO` names (a path, or a name looked
/// up in PATH as `exec.LookPath` does): the profile whose compiler it is,
/// else the profile its file name derives (module `discover`), else a bare
/// profile whose target the probe reads from `-dumpmachine`.
///
/// Errors: no such program.
fn by_compiler(env: &GoEnv, reg: &Registry, g: &str) -> Result<Entry> {
    let Some(found) = find_program(Path::new(g)) else {
        bail!(
            "{}: no such compiler ({}); name an installed gccgo (a path, or a name in PATH such \
             as mipsel-linux-gnu-gccgo), or unset GCCGO",
            env.show(&["GCCGO"]),
            if g.contains('/') {
                "no executable at that path"
            } else {
                "not found in PATH"
            }
        );
    };
    let canon = discover::canonical(&found);
    if let Some(e) = reg
        .entries
        .values()
        .filter(|e| e.profile.name == "host")
        .chain(reg.entries.values())
        .find(|e| discover::entry_compiler(e).as_ref() == Some(&canon))
    {
        return Ok(e.clone());
    }
    let file = found
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    if let Some((triple, version)) = discover::parse_name(&file) {
        let pc = discover::PathCompiler {
            path: found.clone(),
            triple,
            version,
        };
        return Ok(pc.entry(reg));
    }
    Ok(Entry {
        profile: Profile {
            name: file,
            gccgo: Some(found.display().to_string()),
            ..Default::default()
        },
        source: Source::Path(found),
    })
}

/// Where the toolchain's choice came from, for `env`'s
/// `GCCGOBUILD_TARGET_FROM`: the flags, `$STAGING_DIR`, the environment's
/// variables, or the default.
pub(super) fn origin(sel: &super::Selection, env: &GoEnv, entry: &Entry) -> String {
    if let Some(f) = sel.toolchain
        && sel.target.is_none_or(|t| super::selects(t, entry))
    {
        return format!("-toolchain {}", f.display());
    }
    if let Some(d) = sel.sdk {
        return format!("-sdk {}", d.display());
    }
    if let Some(t) = sel.target {
        return format!("-target {t}");
    }
    if env.get("GCCGO").is_some() {
        return env.show(&["GCCGO"]);
    }
    if env.chooses() {
        return env.show(TARGET_VARS);
    }
    match &entry.source {
        Source::Sdk(_) => format!(
            "$STAGING_DIR ({})",
            super::staging_dir_env().unwrap_or_default().display()
        ),
        _ => "the host's gccgo (the default)".to_string(),
    }
}

/// The goarch a tool's file name says it is for: `mipsel-linux-gnu-gcc-12`
/// → `mipsle`; `None` for a name without a triple (`gcc`, `cc`, `ar`).
fn tool_goarch(tool: &str) -> Option<&'static str> {
    let file = Path::new(tool).file_name()?.to_string_lossy().into_owned();
    let (triple, _) = file.rsplit_once('-')?;
    let triple = triple
        .rsplit_once("-gcc")
        .or_else(|| triple.rsplit_once("-g++"))
        .map_or(triple, |(t, _)| t);
    if !triple.contains('-') {
        return None;
    }
    triple_target(triple).map(|(_, a)| a)
}

/// Checks that the environment agrees with the toolchain chosen (by the
/// flags, `$STAGING_DIR` or the environment itself) as far as it is known
/// before probing, and applies `CC`/`AR` to its spec. `by` names the choice.
///
/// Errors: one paragraph naming every variable that disagrees, with what
/// the toolchain builds for and how to settle it.
pub(super) fn agree(env: &GoEnv, r: &mut Resolved, by: &str) -> Result<()> {
    let mut bad = Vec::new();
    let target = r.spec.target.clone();
    if let Some(t) = &target {
        bad.extend(pair_conflicts(env, &t.goos, &t.goarch, by));
    }
    if let Some(g) = env.get("GCCGO")
        && !by.starts_with("GCCGO=")
    {
        let want = find_program(Path::new(g)).map(|p| discover::canonical(&p));
        let have = find_program(&r.spec.gccgo).map(|p| discover::canonical(&p));
        if want.is_none() || want != have {
            bad.push(format!(
                "{} names another compiler than {by} ({}); unset GCCGO or drop the flag",
                env.show(&["GCCGO"]),
                r.spec.gccgo.display()
            ));
        }
    }
    if let (Some(t), Some(f)) = (&target, profile_float(&r.entry.profile)) {
        bad.extend(float_conflict(env, &t.goarch, f, by));
    }
    if let (Some(t), Some(v)) = (&target, env.get("GOARM"))
        && t.goarch == "arm"
        && v != "7"
        && is_hf(&r.entry)
    {
        bad.push(format!(
            "{} asks for an ARMv{v} core, but {by} ({}) builds ARMv7 hard-float code; use an \
             arm-linux-gnueabi toolchain (apt-get install gccgo-arm-linux-gnueabi)",
            env.show(&["GOARM"]),
            r.entry.profile.name
        ));
    }
    for k in TOOL_VARS {
        let (Some(v), Some(t)) = (env.get(k), &target) else {
            continue;
        };
        if let Some(a) = tool_goarch(v).filter(|a| *a != t.goarch) {
            bad.push(format!(
                "{} is a tool for GOARCH {a}, but {by} builds for {}; set GOARCH={a} or unset {k}",
                env.show(&[k]),
                t.goarch
            ));
        }
    }
    if !bad.is_empty() {
        bail!("{}", bad.join("; "));
    }
    if let Some(cc) = env.get("CC") {
        r.spec.cc = Some(PathBuf::from(cc));
    }
    if let Some(ar) = env.get("AR") {
        r.spec.ar = Some(PathBuf::from(ar));
    }
    Ok(())
}

/// `GOOS`/`GOARCH` against the pair a toolchain builds for.
fn pair_conflicts(env: &GoEnv, goos: &str, goarch: &str, by: &str) -> Vec<String> {
    let mut bad = Vec::new();
    for (k, have) in [("GOARCH", goarch), ("GOOS", goos)] {
        if env.get(k).is_some_and(|v| v != have) {
            let hint = if by.starts_with("GCCGO=") {
                "unset GCCGO to let GOOS/GOARCH choose the compiler, or name one for that target"
                    .to_string()
            } else {
                "drop one of them".to_string()
            };
            bad.push(format!(
                "{} disagrees with {by}, which builds for {goos}/{goarch} ({k} {have}); {hint}",
                env.show(&[k])
            ));
        }
    }
    bad
}

/// `GOMIPS`/`GOMIPS64` against the float ABI a toolchain builds with.
fn float_conflict(env: &GoEnv, goarch: &str, have: Float, by: &str) -> Option<String> {
    let want = wanted_float(env, goarch)?;
    (want != have).then(|| {
        let fix = match want {
            Float::Soft => {
                "for soft float use an OpenWrt SDK (-sdk DIR or STAGING_DIR) or a soft-float \
                 profile"
            }
            Float::Hard => "for hard float use Debian's toolchain for the architecture",
        };
        format!(
            "{} disagrees with {by}, which builds {} code; {fix}, or change the variable",
            env.show(&[arch_var(goarch).unwrap_or("GOMIPS")]),
            have.go_word()
        )
    })
}

impl Resolved {
    /// Probes the chosen toolchain and checks it against the environment
    /// (the pair and float ABI the compiler itself reports, for a compiler
    /// whose profile did not say).
    ///
    /// Errors: the compiler is missing (with the profile's hint or
    /// package), does not answer (`Toolchain::probe`), or builds for
    /// another target than `GOOS`/`GOARCH`/`GOMIPS` ask.
    pub fn probe(&self, store: &crate::store::Store) -> Result<Toolchain> {
        if self.spec.package.is_none()
            && find_program(&self.spec.gccgo).is_none()
            && let Some(hint) = &self.entry.profile.hint
        {
            bail!(
                "toolchain {}: compiler `{}` not found in PATH; it {hint}",
                self.spec.name,
                self.spec.gccgo.display()
            );
        }
        let tc = Toolchain::probe(&self.spec, store)?;
        let by = format!("{} ({})", self.origin, tc.gccgo.display());
        let mut bad = pair_conflicts(&self.env, &tc.target.goos, &tc.target.goarch, &by);
        if let Some(f) = float_abi(&self.entry.profile, &tc)
            .as_deref()
            .and_then(Float::parse)
        {
            bad.extend(float_conflict(&self.env, &tc.target.goarch, f, &by));
        }
        if !bad.is_empty() {
            bail!("{}", bad.join("; "));
        }
        Ok(tc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_checked_as_the_go_command_checks_them() {
        assert!(
            GoEnv::of(&[("GOARCH", "mips"), ("GOMIPS", "softfloat")])
                .check()
                .is_ok()
        );
        let e = GoEnv::of(&[("GOARCH", "mipsel"), ("GOMIPS", "soft")])
            .check()
            .unwrap_err()
            .to_string();
        assert!(e.contains("GOARCH=mipsel: not a GOARCH"), "{e}");
        assert!(
            e.contains("GOMIPS=soft: must be hardfloat, softfloat"),
            "{e}"
        );
        assert!(e.contains("(environment)"), "{e}");
        assert!(GoEnv::of(&[("GOARM", "8")]).check().is_err());
        assert!(GoEnv::of(&[("GOOS", "plan10")]).check().is_err());
        // Empty is unset, as for the go command.
        assert!(!GoEnv::of(&[("GOARCH", "")]).chooses());
    }

    #[test]
    fn shown_with_their_origin() {
        let e = GoEnv::of(&[("GOARCH", "mipsle"), ("GOMIPS", "softfloat")]);
        assert_eq!(
            e.show(TARGET_VARS),
            "GOARCH=mipsle GOMIPS=softfloat (environment)"
        );
        assert_eq!(e.names(), ["GOARCH", "GOMIPS"]);
    }

    #[test]
    fn tools_name_their_architecture() {
        assert_eq!(tool_goarch("mipsel-linux-gnu-gcc"), Some("mipsle"));
        assert_eq!(tool_goarch("/usr/bin/mips-linux-gnu-gcc-12"), Some("mips"));
        assert_eq!(tool_goarch("mips-openwrt-linux-musl-g++"), Some("mips"));
        assert_eq!(tool_goarch("powerpc-linux-gnu-ar"), Some("ppc"));
        assert_eq!(tool_goarch("gcc"), None);
        assert_eq!(tool_goarch("gcc-12"), None);
        assert_eq!(tool_goarch("ar"), None);
    }

    #[test]
    fn float_of_profiles() {
        let p = Profile {
            cflags: vec!["-msoft-float".into(), "-mhard-float".into()],
            float: Some("soft".into()),
            ..Default::default()
        };
        assert_eq!(profile_float(&p), Some(Float::Hard));
        let p = Profile {
            float: Some("soft".into()),
            ..Default::default()
        };
        assert_eq!(profile_float(&p), Some(Float::Soft));
        assert_eq!(profile_float(&Profile::default()), None);
        assert_eq!(arch_var("mipsle"), Some("GOMIPS"));
        assert_eq!(arch_var("riscv64"), None);
    }

    #[test]
    fn a_pair_with_no_toolchain_names_the_package() {
        let mut reg = Registry::default();
        for (file, text) in super::super::BUILTIN {
            reg.add(Entry {
                profile: super::super::parse_profile(text, file).unwrap(),
                source: Source::Builtin(file),
            });
        }
        let env = GoEnv::of(&[("GOARCH", "riscv64")]);
        let m = missing(&env, &reg, "linux", "riscv64", None, None);
        assert_eq!(
            m,
            "GOARCH=riscv64 (environment): no gccgo for linux/riscv64 is installed; \
             apt-get install gccgo-riscv64-linux-gnu"
        );
        let env = GoEnv::of(&[("GOARCH", "mipsle"), ("GOMIPS", "softfloat")]);
        let m = missing(&env, &reg, "linux", "mipsle", Some(Float::Soft), None);
        assert!(m.contains("no soft-float gccgo for linux/mipsle"), "{m}");
        assert!(m.contains("-sdk DIR or STAGING_DIR=DIR"), "{m}");
        assert!(m.contains("(openwrt-ramips needs an OpenWrt SDK"), "{m}");
        let env = GoEnv::of(&[("GOARCH", "arm"), ("GOARM", "5")]);
        let m = missing(&env, &reg, "linux", "arm", None, None);
        assert!(
            m.ends_with("apt-get install gccgo-arm-linux-gnueabi"),
            "{m}"
        );
    }
}
