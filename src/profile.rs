//! Profile: named toolchains. A profile is a small TOML file (see
//! `toolchains/*.toml`) that says which compiler and binutils build for a
//! target, with which extra flags, against which sysroot, run by which
//! emulator, and which Debian package provides it. Profiles come from four
//! places, later ones overriding earlier ones by name:
//!
//! 1. built in: `toolchains/*.toml`, embedded with `include_str!` so an
//!    installed binary has them;
//! 2. the user's `$XDG_CONFIG_HOME/gccgo-build/toolchains/*.toml`
//!    (`~/.config/…` by default);
//! 3. `--toolchain FILE`;
//! 4. `--sdk DIR` (or `$STAGING_DIR`): a profile derived from an OpenWrt SDK
//!    (module `sdk`).
//!
//! A router profile (one with `sdk_arch`) named without `--sdk` or
//! `$STAGING_DIR` is served by an SDK that `toolchains/sdk/build` made,
//! else by its compiler in PATH (module `locate`).
//!
//! `--target NAME` takes a profile name or a triple: a triple some profile
//! names uses that profile; then the name of a compiler in PATH (module
//! `discover`: `mipsel-linux-gnu-11` or `mipsel-linux-gnu-gccgo-11` for
//! `mipsel-linux-gnu-gccgo-11`, based on the triple's profile); any other
//! triple falls back to `ToolchainSpec::for_triple` (`<triple>-gccgo` from
//! PATH).
//!
//! Without any of these flags, the go command's `GOOS`/`GOARCH`/`GOMIPS`
//! or `GCCGO` choose (module `goenv`), else `$STAGING_DIR`, else the
//! `host` profile; module `select` puts the choice together.
//!
//! This module turns profiles into `ToolchainSpec`s and runs the
//! `toolchains` and `env` subcommands (module `report`); it does not probe
//! compilers itself (that is `toolchain`) and knows nothing of packages.

mod discover;
pub mod goenv;
mod locate;
mod report;
mod sdk;
mod select;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use serde::{Deserialize, Serialize};

use crate::target::{self, Target};
use crate::toolchain::ToolchainSpec;

pub use goenv::GoEnv;
pub use locate::{RecipeSdk, locate, recipe_roots, recipe_sdks};
pub use report::{EnvConfig, Row, Status, ToolchainsConfig, env_main, toolchains_main};
pub use sdk::{SdkToolchain, find_sdk, profile_from_sdk};
pub use select::{Choice, Resolved, Selection, resolve};
use select::{adopt_router, selects, staging_dir_env};

/// The profiles built into the binary: (file name, TOML text).
pub const BUILTIN: &[(&str, &str)] = &[
    ("host.toml", include_str!("../toolchains/host.toml")),
    ("gccgo-11.toml", include_str!("../toolchains/gccgo-11.toml")),
    (
        "mips-linux-gnu.toml",
        include_str!("../toolchains/mips-linux-gnu.toml"),
    ),
    (
        "mipsel-linux-gnu.toml",
        include_str!("../toolchains/mipsel-linux-gnu.toml"),
    ),
    (
        "powerpc-linux-gnu.toml",
        include_str!("../toolchains/powerpc-linux-gnu.toml"),
    ),
    (
        "alpha-linux-gnu.toml",
        include_str!("../toolchains/alpha-linux-gnu.toml"),
    ),
    (
        "sparc64-linux-gnu.toml",
        include_str!("../toolchains/sparc64-linux-gnu.toml"),
    ),
    (
        "aarch64-linux-gnu.toml",
        include_str!("../toolchains/aarch64-linux-gnu.toml"),
    ),
    (
        "arm-linux-gnueabihf.toml",
        include_str!("../toolchains/arm-linux-gnueabihf.toml"),
    ),
    (
        "openwrt-ath79.toml",
        include_str!("../toolchains/openwrt-ath79.toml"),
    ),
    (
        "openwrt-ramips.toml",
        include_str!("../toolchains/openwrt-ramips.toml"),
    ),
];

/// One toolchain profile, as written in a `toolchains/*.toml` file.
///
/// Tool names without a `/` are looked up in PATH; relative paths with a
/// `/` are taken from the profile file's directory; `~/` is the home
/// directory. Every field but `name` is optional: the tools default to
/// `<triple>-gccgo`, `<triple>-objcopy` … (or to the names beside the
/// compiler), GOOS/GOARCH to what `target` derives from the triple, and the
/// Go version to what the GCC version implements.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// The name `--target` selects it by, e.g. `mips-linux-gnu`, `openwrt-ath79`.
    pub name: String,
    /// GNU triple, the prefix of the tool names (`mips-openwrt-linux-gnu`).
    pub triple: Option<String>,
    /// Router profiles: every triple whose `<triple>-gccgo` serves the
    /// profile, in the order PATH is searched (module `locate`): the glibc
    /// `…-openwrt-linux-gnu` of gccgo SDKs, then `…-musl`. Empty: `triple`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub triples: Vec<String>,
    /// Debian package that provides the compiler (`gccgo-mips-linux-gnu`).
    pub package: Option<String>,
    /// What to tell a user whose compiler is missing, when no package provides it.
    pub hint: Option<String>,
    /// The gccgo driver.
    pub gccgo: Option<String>,
    /// objcopy for the target.
    pub objcopy: Option<String>,
    /// strip for the target.
    pub strip: Option<String>,
    /// ar for the target.
    pub ar: Option<String>,
    /// The C compiler for the target.
    pub cc: Option<String>,
    /// Root of the target's libraries (`/usr/mips-linux-gnu`); asked of the
    /// compiler when not given.
    pub sysroot: Option<String>,
    /// GOOS override (default: from the triple).
    pub goos: Option<String>,
    /// GOARCH override (default: from the triple, as libgo's configure).
    pub goarch: Option<String>,
    /// The Go version the compiler implements, `1.18` or `go1.18` (default:
    /// from the GCC version); it sets the release tags `go1.1` … `go1.N`.
    pub go: Option<String>,
    /// The C library: `glibc`, `musl`, `uclibc` (informational).
    pub libc: Option<String>,
    /// Float ABI: `hard` or `soft` (informational; the flags set it).
    pub float: Option<String>,
    /// Extra flags for every Go compile and for the link (`-march=24kc -msoft-float`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cflags: Vec<String>,
    /// Extra flags for the link only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ldflags: Vec<String>,
    /// Command prefix that runs a target binary; `{sysroot}` is replaced.
    pub runner: Option<Vec<String>>,
    /// The qemu CPU model of the target's core (`24KEc` for ramips, `24Kc`
    /// for ath79): a qemu runner gets `-cpu MODEL`, so tests and `run` see
    /// what the device's core does (an FPU-less core traps on every FPU
    /// instruction). It also tells whether the core has an FPU
    /// (`target::MIPS_CORES`), for the hard-float warning.
    pub cpu: Option<String>,
    /// For router profiles: the `<arch>_<cpu>` of the OpenWrt SDK toolchain
    /// they describe (`mipsel_24kc` in `staging_dir/toolchain-mipsel_24kc_gcc-…`),
    /// so that `--sdk DIR` alone picks the profile (its core, flags, name).
    pub sdk_arch: Option<String>,
    /// Debian package that provides the runner's program (`qemu-user-static`).
    pub runner_package: Option<String>,
    /// How `run`, `test` and `compare` run target programs when no
    /// `-runner` is given: `user` (the `runner` command, qemu-user; the
    /// default), `system` (a Linux guest under qemu-system, see
    /// `sysrun`), `native`, or `exec:CMD`.
    pub runner_kind: Option<String>,
    /// A Remote Execution API server for this toolchain's compiles
    /// (`grpc://HOST:PORT[/INSTANCE]`), as `-remote-exec` gives one; the
    /// command line and `GCCGO_BUILD_REMOTE_EXEC` win over it.
    pub remote_exec: Option<String>,
    /// Remote actions in flight at once, as `-remote-jobs` (which wins).
    pub remote_jobs: Option<usize>,
    /// Links run remotely too, as `-remote-link`.
    pub remote_link: Option<bool>,
}

/// Where a profile came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Built into the binary (`toolchains/<file>`).
    Builtin(&'static str),
    /// A user profile file.
    User(PathBuf),
    /// `--toolchain FILE`.
    File(PathBuf),
    /// Derived from an OpenWrt SDK at this toolchain directory (`-sdk`,
    /// `$STAGING_DIR`).
    Sdk(PathBuf),
    /// Derived from an SDK `toolchains/sdk/build` made, at this toolchain
    /// directory (module `locate`).
    Recipe(PathBuf),
    /// A compiler found in PATH (no profile).
    Path(PathBuf),
    /// A triple with no profile (`<triple>-gccgo` from PATH).
    Triple,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Builtin(n) => write!(f, "built-in toolchains/{n}"),
            Source::User(p) | Source::File(p) => write!(f, "{}", p.display()),
            Source::Sdk(p) => write!(f, "OpenWrt SDK {}", p.display()),
            Source::Recipe(p) => write!(
                f,
                "OpenWrt SDK {} (made by toolchains/sdk/build)",
                p.display()
            ),
            Source::Path(p) => write!(f, "found in PATH: {}", p.display()),
            Source::Triple => f.write_str("triple, no profile"),
        }
    }
}

impl Source {
    /// A short form for a table cell (`toolchains`' FROM column):
    /// `toolchains/host.toml`, `PATH`, `sdk/build ramips-prebuilt-9e929e9cb087`.
    pub fn short(&self) -> String {
        // The recipe's SDK dir is <root>/<name>/staging_dir/toolchain-*.
        let up2 = |p: &Path| {
            p.parent()
                .and_then(Path::parent)
                .and_then(Path::file_name)
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        };
        let name = |p: &Path| {
            p.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        };
        match self {
            Source::Builtin(n) => format!("toolchains/{n}"),
            Source::User(p) | Source::File(p) => p.display().to_string(),
            Source::Sdk(p) => format!("SDK {}", name(p)),
            Source::Recipe(p) => format!("sdk/build {}", up2(p)),
            Source::Path(_) => "PATH".to_string(),
            Source::Triple => "triple".to_string(),
        }
    }
}

/// A profile with its origin.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The profile.
    pub profile: Profile,
    /// Where it was read (or derived) from.
    pub source: Source,
}

impl Entry {
    /// The directory relative tool paths are taken from: the profile file's.
    fn base_dir(&self) -> Option<&Path> {
        match &self.source {
            Source::User(p) | Source::File(p) => p.parent(),
            _ => None,
        }
    }

    /// Turns the profile into the spec `Toolchain::probe` takes.
    ///
    /// Errors: no compiler and no triple to name one after, a triple or
    /// GOARCH that has no Go name, or a bad `go` version.
    pub fn spec(&self) -> Result<ToolchainSpec> {
        let p = &self.profile;
        let ctx = || format!("toolchain profile {} ({})", p.name, self.source);
        let base = self.base_dir();
        let gccgo = match (&p.gccgo, &p.triple) {
            (Some(g), _) => expand_path(g, base),
            (None, Some(t)) => PathBuf::from(format!("{t}-gccgo")),
            (None, None) => {
                bail!(
                    "{}: names neither `gccgo` nor `triple`, so there is no compiler to run",
                    ctx()
                )
            }
        };
        let tool = |field: &Option<String>, name: &str| -> PathBuf {
            match field {
                Some(v) => expand_path(v, base),
                None => tool_beside(&gccgo, name),
            }
        };
        let objcopy = tool(&p.objcopy, "objcopy");
        let strip = Some(tool(&p.strip, "strip"));
        let ar = Some(tool(&p.ar, "ar"));
        let cc = Some(tool(&p.cc, "gcc"));
        let target = profile_target(p).with_context(ctx)?;
        let go_minor = match &p.go {
            Some(v) => Some(parse_go_version(v).with_context(ctx)?),
            None => None,
        };
        Ok(ToolchainSpec {
            name: p.name.clone(),
            gccgo,
            objcopy,
            strip,
            ar,
            cc,
            target,
            go_minor,
            cflags: p.cflags.clone(),
            ldflags: p.ldflags.clone(),
            runner: p.runner.clone(),
            runner_kind: p.runner_kind.clone(),
            remote: crate::toolchain::RemoteDefaults {
                exec: p.remote_exec.clone(),
                jobs: p.remote_jobs,
                link: p.remote_link,
            },
            cpu: p.cpu.clone(),
            sysroot: p.sysroot.as_deref().map(|s| expand_path(s, base)),
            package: p.package.clone(),
        })
    }

    /// The line telling a user how to get the compiler: `apt-get install PKG`
    /// or the profile's hint.
    pub fn install_hint(&self) -> String {
        match (&self.profile.package, &self.profile.hint) {
            (Some(pkg), _) => format!("apt-get install {pkg}"),
            (None, Some(h)) => h.clone(),
            (None, None) => "no package known; see the profile".to_string(),
        }
    }
}

/// GOOS/GOARCH of a profile: explicit fields win over the triple.
fn profile_target(p: &Profile) -> Result<Option<Target>> {
    let from_triple = match &p.triple {
        Some(t) if p.goarch.is_none() || p.goos.is_none() => Some(Target::from_triple(t)?),
        _ => None,
    };
    if p.goarch.is_none() && p.goos.is_none() {
        return Ok(from_triple);
    }
    let goarch = match (&p.goarch, &from_triple) {
        (Some(a), _) => a.clone(),
        (None, Some(t)) => t.goarch.clone(),
        (None, None) => bail!("goos is given without goarch or a triple to derive it from"),
    };
    if !target::is_known_arch(&goarch) {
        bail!(
            "goarch `{goarch}` is not a GOARCH gccgo-build knows (one of {})",
            target::KNOWN_ARCH.join(", ")
        );
    }
    let goos = match (&p.goos, &from_triple) {
        (Some(o), _) => o.clone(),
        (None, Some(t)) => t.goos.clone(),
        (None, None) => "linux".to_string(),
    };
    if !target::is_known_os(&goos) {
        bail!("goos `{goos}` is not a GOOS gccgo-build knows");
    }
    Ok(Some(Target {
        triple: p.triple.clone().unwrap_or_default(),
        goos,
        goarch,
    }))
}

/// Parses a Go version as profiles write it, `1.18`, `go1.18` or `1.18.3`,
/// to its minor number N of Go 1.N (`1` alone is Go 1.0).
///
/// Errors: anything that is not `[go]1[.N[.P]]`.
pub fn parse_go_version(v: &str) -> Result<u32> {
    let s = v.trim().strip_prefix("go").unwrap_or(v.trim());
    let bad = || anyhow::anyhow!("go = {v:?}: expected a Go 1 version such as \"1.18\"");
    // go.mod's reading of a version, then stricter: numbers only, Go 1.
    let numeric = s.split('.').count() <= 3
        && s.split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    match crate::gomod::parse_go_version(s) {
        Some((1, minor)) if numeric => Ok(minor),
        _ => Err(bad()),
    }
}

/// `~/x` against $HOME, `a/b` against `base` (the profile's directory);
/// bare names and absolute paths unchanged.
fn expand_path(s: &str, base: Option<&Path>) -> PathBuf {
    if let Some(rest) = s.strip_prefix("~/")
        && let Some(h) = std::env::var_os("HOME")
    {
        return PathBuf::from(h).join(rest);
    }
    let p = PathBuf::from(s);
    match base {
        Some(b) if p.is_relative() && s.contains('/') => b.join(p),
        _ => p,
    }
}

/// The tool `name` that goes with a compiler: `mips-linux-gnu-gccgo` →
/// `mips-linux-gnu-objcopy`; `gccgo` or `gccgo-11` → `objcopy` (the host's);
/// in the compiler's directory when it was given as a path.
pub fn tool_beside(gccgo: &Path, name: &str) -> PathBuf {
    let file = gccgo
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tool = match file.rfind("-gccgo") {
        Some(i) if i > 0 && !file.starts_with("gccgo") => format!("{}-{name}", &file[..i]),
        _ => name.to_string(),
    };
    match gccgo.parent() {
        Some(d) if !d.as_os_str().is_empty() && tool != name => d.join(tool),
        _ => PathBuf::from(tool),
    }
}

/// Parses one profile file's text.
///
/// Errors: TOML syntax, unknown fields, or an empty name, worded with the
/// file name and line.
pub fn parse_profile(text: &str, origin: &str) -> Result<Profile> {
    let p: Profile = toml::from_str(text)
        .map_err(|e| anyhow::anyhow!("toolchain profile {origin}: {}", e.to_string().trim()))?;
    if p.name.trim().is_empty() || p.name.contains(char::is_whitespace) {
        bail!(
            "toolchain profile {origin}: `name` must be a non-empty word, got {:?}",
            p.name
        );
    }
    Ok(p)
}

/// Reads a profile file.
///
/// Errors: the file cannot be read or does not parse; a bare name that is
/// no file (`-toolchain gccgo-11`) says that `-target` takes profile names.
pub fn read_profile(path: &Path) -> Result<Profile> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && path.components().count() == 1 => {
            bail!(
                "toolchain profile file {0} does not exist: -toolchain takes a profile's file; \
                 for the profile named {0}, use -target {0} (gccgo-build toolchains lists them)",
                path.display()
            )
        }
        Err(e) => {
            return Err(e).with_context(|| format!("reading toolchain profile {}", path.display()));
        }
    };
    parse_profile(&text, &path.display().to_string())
}

/// The user's profile directory: `$XDG_CONFIG_HOME/gccgo-build/toolchains`,
/// or `~/.config/gccgo-build/toolchains`. `None` without either variable.
pub fn user_dir() -> Option<PathBuf> {
    let base = match std::env::var_os("XDG_CONFIG_HOME").filter(|v| !v.is_empty()) {
        Some(x) => PathBuf::from(x),
        None => PathBuf::from(std::env::var_os("HOME")?).join(".config"),
    };
    Some(base.join("gccgo-build").join("toolchains"))
}

/// Every known profile by name, in the override order of the module doc.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    /// Profiles by name.
    pub entries: BTreeMap<String, Entry>,
}

impl Registry {
    /// The built-in profiles, then the user's (which override by name).
    ///
    /// Errors: a user profile that does not parse (its file and line named).
    pub fn load() -> Result<Registry> {
        let mut r = Registry::default();
        for (file, text) in BUILTIN {
            let profile = parse_profile(text, &format!("toolchains/{file} (built in)"))?;
            r.add(Entry {
                profile,
                source: Source::Builtin(file),
            });
        }
        if let Some(dir) = user_dir()
            && dir.is_dir()
        {
            let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
                .with_context(|| format!("reading {}", dir.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect();
            files.sort();
            for f in files {
                let profile = read_profile(&f)?;
                r.add(Entry {
                    profile,
                    source: Source::User(f),
                });
            }
        }
        Ok(r)
    }

    /// Adds (or replaces by name) one profile.
    pub fn add(&mut self, e: Entry) {
        self.entries.insert(e.profile.name.clone(), e);
    }

    /// The profile named `name`, or else the one whose triple is `name`
    /// (when several share it, the one named like the triple, else the first
    /// by name).
    pub fn find(&self, name: &str) -> Option<&Entry> {
        if let Some(e) = self.entries.get(name) {
            return Some(e);
        }
        self.entries
            .values()
            .find(|e| e.profile.triple.as_deref() == Some(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_name_that_is_no_file_points_to_target() {
        let e = read_profile(Path::new("no-such-profile-gccgo-42")).unwrap_err();
        let m = format!("{e:#}");
        assert!(m.contains("use -target no-such-profile-gccgo-42"), "{m}");
        let e = read_profile(Path::new("/nonexistent/dir/p.toml")).unwrap_err();
        assert!(format!("{e:#}").starts_with("reading toolchain profile /nonexistent/dir/p.toml"));
    }

    #[test]
    fn builtin_profiles_parse_and_derive() {
        let mut names = Vec::new();
        for (file, text) in BUILTIN {
            let p = parse_profile(text, file).unwrap();
            assert_eq!(format!("{}.toml", p.name), *file);
            let e = Entry {
                profile: p.clone(),
                source: Source::Builtin(file),
            };
            let spec = e.spec().unwrap();
            assert!(spec.target.is_some(), "{file}: no target");
            names.push(p.name);
        }
        for want in [
            "host",
            "gccgo-11",
            "mips-linux-gnu",
            "mipsel-linux-gnu",
            "powerpc-linux-gnu",
            "alpha-linux-gnu",
            "sparc64-linux-gnu",
            "aarch64-linux-gnu",
            "arm-linux-gnueabihf",
            "openwrt-ath79",
            "openwrt-ramips",
        ] {
            assert!(names.iter().any(|n| n == want), "{want} missing");
        }
        let ath79 = parse_profile(
            include_str!("../toolchains/openwrt-ath79.toml"),
            "openwrt-ath79",
        )
        .unwrap();
        let spec = Entry {
            profile: ath79,
            source: Source::Builtin("openwrt-ath79.toml"),
        }
        .spec()
        .unwrap();
        assert_eq!(spec.target.unwrap().goarch, "mips");
        assert_eq!(
            spec.cflags,
            ["-march=24kc", "-msoft-float", "-fno-delayed-branch"]
        );
    }

    /// Every field `Profile` deserializes, as serde lists them (so a new
    /// field is in the list without anyone remembering to add it).
    fn profile_fields() -> &'static [&'static str] {
        use serde::de::{Error as _, Visitor, value::Error};
        /// A deserializer that only notes the fields a struct asks for.
        struct Grab<'a>(&'a mut &'static [&'static str]);
        impl<'de> serde::Deserializer<'de> for Grab<'_> {
            type Error = Error;
            fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Error> {
                Err(Error::custom("not a struct"))
            }
            fn deserialize_struct<V: Visitor<'de>>(
                self,
                _: &'static str,
                fields: &'static [&'static str],
                _: V,
            ) -> Result<V::Value, Error> {
                *self.0 = fields;
                Err(Error::custom("fields noted"))
            }
            serde::forward_to_deserialize_any! {
                bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
                bytes byte_buf option unit unit_struct newtype_struct seq tuple
                tuple_struct map enum identifier ignored_any
            }
        }
        let mut fields: &'static [&'static str] = &[];
        let _ = Profile::deserialize(Grab(&mut fields));
        fields
    }

    #[test]
    fn readme_documents_every_profile_field() {
        let fields = profile_fields();
        assert!(
            fields.len() >= 21 && fields.contains(&"runner_package"),
            "{fields:?}"
        );
        let readme =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
        let section = readme
            .split("\n## Toolchain profiles\n")
            .nth(1)
            .expect("README.md has a section \"Toolchain profiles\"");
        let section = section.split("\n## ").next().unwrap();
        let table_rows: Vec<&str> = section.lines().filter(|l| l.starts_with("| `")).collect();
        let example = section
            .split("```toml\n")
            .nth(1)
            .and_then(|t| t.split("```").next())
            .expect("the section has a ```toml example");
        let mut missing = Vec::new();
        for f in fields {
            if !table_rows
                .iter()
                .any(|r| r.starts_with(&format!("| `{f}` |")))
            {
                missing.push(format!("{f}: no row in the field table"));
            }
            if !example.lines().any(|l| {
                let l = l.trim_start_matches("# ");
                l.starts_with(&format!("{f} = "))
            }) {
                missing.push(format!("{f}: not in the example file"));
            }
        }
        assert!(
            missing.is_empty(),
            "README.md, Toolchain profiles:\n{}",
            missing.join("\n")
        );
        // The example is a real profile.
        let p = parse_profile(example, "README.md example").unwrap();
        assert_eq!(p.name, "mipsel-gcc11");
    }

    #[test]
    fn go_versions() {
        assert_eq!(parse_go_version("1.18").unwrap(), 18);
        assert_eq!(parse_go_version("go1.1").unwrap(), 1);
        assert_eq!(parse_go_version("1").unwrap(), 0);
        assert_eq!(parse_go_version("1.16.5").unwrap(), 16);
        assert!(parse_go_version("2.0").is_err());
        assert!(parse_go_version("1.x").is_err());
    }

    #[test]
    fn tools_beside_the_compiler() {
        assert_eq!(
            tool_beside(Path::new("mips-linux-gnu-gccgo"), "objcopy"),
            Path::new("mips-linux-gnu-objcopy")
        );
        assert_eq!(
            tool_beside(Path::new("/sdk/bin/mipsel-openwrt-linux-gccgo"), "strip"),
            Path::new("/sdk/bin/mipsel-openwrt-linux-strip")
        );
        assert_eq!(
            tool_beside(Path::new("gccgo-11"), "objcopy"),
            Path::new("objcopy")
        );
        assert_eq!(
            tool_beside(Path::new("/usr/bin/gccgo"), "ar"),
            Path::new("ar")
        );
    }

    #[test]
    fn unknown_fields_and_bad_toml_name_the_file_and_line() {
        let err = parse_profile("name = \"x\"\ngcc-go = \"y\"\n", "/p/x.toml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("/p/x.toml"), "{err}");
        assert!(err.contains("line 2"), "{err}");
        assert!(err.contains("gcc-go"), "{err}");
    }

    #[test]
    fn explicit_goarch_wins_and_is_checked() {
        let p = Profile {
            name: "x".into(),
            triple: Some("mips-openwrt-linux".into()),
            goarch: Some("mipsle".into()),
            ..Default::default()
        };
        let t = profile_target(&p).unwrap().unwrap();
        assert_eq!((t.goos.as_str(), t.goarch.as_str()), ("linux", "mipsle"));
        let bad = Profile {
            goarch: Some("mipsel".into()),
            ..p
        };
        assert!(profile_target(&bad).is_err());
    }

    #[test]
    fn relative_tool_paths_are_taken_from_the_profile_dir() {
        let e = Entry {
            profile: Profile {
                name: "x".into(),
                gccgo: Some("bin/mips-linux-gnu-gccgo".into()),
                ..Default::default()
            },
            source: Source::File("/opt/tc/x.toml".into()),
        };
        let s = e.spec().unwrap();
        assert_eq!(s.gccgo, Path::new("/opt/tc/bin/mips-linux-gnu-gccgo"));
        assert_eq!(s.objcopy, Path::new("/opt/tc/bin/mips-linux-gnu-objcopy"));
        assert!(s.target.is_none());
    }
}
