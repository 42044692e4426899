//! Cgo: what building a package that imports "C" needs besides its files,
//! as the go command decides it for gccgo (cmd/go/internal/work/exec.go,
//! `cgo`, `CFlags`; gccgo.go): whether cgo is on (`CGO_ENABLED`), the
//! flags of each cgo package (`CGO_CPPFLAGS`, `CGO_CFLAGS`, `CGO_CXXFLAGS`,
//! `CGO_LDFLAGS` or their defaults, then the package's `#cgo` directives,
//! checked against the go command's allow-list (`security`), then what
//! `pkg-config` says for the target (`pkgconfig`)), and the tools: the cgo
//! program that matches the chosen gccgo, and the target's C and C++
//! compilers as `cc::Build` describes them.
//!
//! Everything here is decided while planning and handed to `plan` as data
//! (`Setup`); nothing here runs a build step. It does not know which
//! commands a cgo package compiles with (see `plan::cgo`).

mod pkgconfig;
mod security;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

pub use pkgconfig::PkgConfig;
pub use security::{check_compiler_flags, check_linker_flags};

use crate::graph::{Graph, Package};
use crate::process::Cmd;
use crate::toolchain::{Toolchain, find_program, gcc_major_minor};

/// The environment variables cgo reads (`CGO_*`, `PKG_CONFIG*`), taken once.
#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: BTreeMap<String, String>,
}

impl Env {
    /// The process environment's `CGO_*` and `PKG_CONFIG*` variables.
    pub fn from_process() -> Env {
        Env::from_pairs(std::env::vars())
    }

    /// An environment of these variables (the ones that are not cgo's are
    /// dropped).
    pub fn from_pairs<I, K, V>(vars: I) -> Env
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let vars = vars
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .filter(|(k, _)| k.starts_with("CGO_") || k.starts_with("PKG_CONFIG"))
            .collect();
        Env { vars }
    }

    /// A variable's value; `None` when unset or empty, as `cfg.Getenv`'s
    /// callers treat both.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.vars
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// go's `envList("CGO_"+name, default)`: the variable split with the
    /// go command's quoting (`'` and `"`, no escapes), or `default`.
    ///
    /// Errors: a quote left open, naming the variable.
    pub fn flags(&self, name: &str, default: &str) -> Result<Vec<String>> {
        let var = format!("CGO_{name}");
        let v = self.get(&var).unwrap_or(default);
        match split_env_quoted(v) {
            Ok(f) => Ok(f),
            Err(e) => bail!("could not parse environment variable {var} with value {v:?}: {e}"),
        }
    }
}

/// cmd/internal/quoted's `Split`: fields separated by white space, a field
/// may be quoted whole with `'` or `"` (nothing is unescaped inside).
///
/// Errors: an unterminated quoted field.
fn split_env_quoted(s: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut rest = s;
    loop {
        rest = rest.trim_start_matches([' ', '\t', '\n', '\r']);
        let Some(c) = rest.chars().next() else {
            return Ok(out);
        };
        if c == '"' || c == '\'' {
            let Some(end) = rest[1..].find(c) else {
                return Err(format!("unterminated {c} string"));
            };
            out.push(rest[1..1 + end].to_string());
            rest = &rest[end + 2..];
        } else {
            let end = rest.find([' ', '\t', '\n', '\r']).unwrap_or(rest.len());
            out.push(rest[..end].to_string());
            rest = &rest[end..];
        }
    }
}

/// Whether `tc` builds for the machine it runs on (`Toolchain::is_native`).
pub fn is_native(tc: &Toolchain) -> bool {
    tc.is_native()
}

/// `CGO_ENABLED` as the go command defines it (`toolchain::cgo_enabled`).
/// The `cgo` build tag follows it, and with it off, files that import "C"
/// are left out.
pub fn enabled(env: &Env, tc: &Toolchain) -> bool {
    crate::toolchain::cgo_enabled(env.get("CGO_ENABLED"), tc)
}

/// The target's C compiler (`Toolchain::c_compiler`).
pub fn c_compiler(tc: &Toolchain) -> Option<PathBuf> {
    tc.c_compiler()
}

/// The target's C++ compiler (`Toolchain::cxx_compiler`).
pub fn cxx_compiler(tc: &Toolchain) -> Option<PathBuf> {
    tc.cxx_compiler()
}

/// The cgo program for `tc`: the one its gccgo names
/// (`gccgo -print-prog-name=cgo`, e.g. `/usr/lib/gcc/x86_64-linux-gnu/12/cgo`),
/// else, for a cross compiler (Debian ships cgo only with the native
/// gccgo), the host gccgo's of the same GCC major version: cgo runs on the
/// build machine and learns the target from `GOARCH`, `GOOS` and the
/// target's C compiler (`CC`), whose objects it reads.
///
/// Errors: no such program, with what to install.
pub fn find_cgo(tc: &Toolchain) -> Result<PathBuf> {
    let ask = |gccgo: &Path| -> Option<PathBuf> {
        let o = Cmd::new(gccgo).arg("-print-prog-name=cgo").run(None).ok()?;
        let p = PathBuf::from(o.stdout.trim());
        (p.is_absolute() && p.is_file()).then_some(p)
    };
    if let Some(p) = ask(&tc.gccgo) {
        return Ok(p);
    }
    let (major, _) = gcc_major_minor(&tc.gcc_version);
    let major_dir = major.to_string();
    for name in [format!("gccgo-{major}"), "gccgo".to_string()] {
        if let Some(p) = find_program(Path::new(&name)).and_then(|g| ask(&g))
            && p.components().any(|c| c.as_os_str() == major_dir.as_str())
        {
            return Ok(p);
        }
    }
    bail!(
        "toolchain {}: no cgo program for GCC {major}: `{} -print-prog-name=cgo` names none, and no host \
         gccgo-{major} ships one; install Debian's gccgo-{major} (its cgo runs for every target), or \
         build without cgo (CGO_ENABLED=0)",
        tc.name,
        tc.gccgo.display()
    )
}

/// The tools a cgo build runs, found once per build.
#[derive(Debug, Clone)]
pub struct Tools {
    /// The cgo program (`find_cgo`).
    pub cgo: PathBuf,
    /// The target's C compiler.
    pub cc: PathBuf,
    /// The target's C++ compiler, when installed.
    pub cxx: Option<PathBuf>,
    /// What the key of a cgo compile holds of these tools: each path with
    /// its size and modification time.
    pub identity: String,
    c_build: cc::Build,
    cxx_build: Option<cc::Build>,
}

impl Tools {
    /// Finds the tools for `tc`.
    ///
    /// Errors: no cgo program, or no C compiler for the target.
    pub fn find(tc: &Toolchain) -> Result<Tools> {
        let cgo = find_cgo(tc)?;
        let Some(cc) = c_compiler(tc) else {
            bail!(
                "toolchain {}: no C compiler beside {} for cgo (looked for its gcc sibling); \
                 install the target's gcc, or build without cgo (CGO_ENABLED=0)",
                tc.name,
                tc.gccgo.display()
            );
        };
        let cxx = cxx_compiler(tc);
        let stamp = |p: &Path| {
            let (size, mtime) = crate::store::stamp(p).unwrap_or_default();
            format!("{} {size} {mtime}", p.display())
        };
        let mut identity = vec![stamp(&cgo), stamp(&cc)];
        identity.extend(cxx.as_deref().map(stamp));
        Ok(Tools {
            c_build: cc_build(&cc, tc, false),
            cxx_build: cxx.as_deref().map(|c| cc_build(c, tc, true)),
            cgo,
            cc,
            cxx,
            identity: identity.join("; "),
        })
    }

    /// The C (or, with `cpp`, C++) compiler with `flags`, as the command
    /// line `cc::Build::get_compiler` makes of them: program, then
    /// arguments. `None` for C++ without a C++ compiler.
    pub fn compiler(&self, cpp: bool, flags: &[String]) -> Option<Cmd> {
        let base = if cpp {
            self.cxx_build.as_ref()?
        } else {
            &self.c_build
        };
        let mut b = base.clone();
        for f in flags {
            b.flag(f);
        }
        let program = if cpp { self.cxx.as_ref()? } else { &self.cc };
        Some(match b.try_get_compiler() {
            Ok(t) => Cmd::new(t.path().as_os_str()).args(t.args().iter().map(OsString::from)),
            // cc accepts any compiler and target here; should it ever
            // refuse, the command is the same without it.
            Err(_) => Cmd::new(program.as_os_str()).args(flags.iter()),
        })
    }
}

/// A `cc::Build` for the target's C (or C++) compiler that adds nothing of
/// its own: the go command, not Cargo, decides a cgo compile's flags.
///
/// How `cc` is used, and why not more of it: `get_compiler()` gives the
/// compiler as a `cc::Tool` (program and arguments) that becomes a step of
/// the plan, so the scheduler runs it with its `-x` line, `--timeout`, job
/// slot and cache entry like every other command, and `-n` prints it.
/// `compile_intermediates()` cannot serve: it runs the compilers itself,
/// at once and outside the plan (no `-x`/`-n` line, no cache, no job
/// slot, no timeout), into an `OUT_DIR` of its own. Its defaults are off
/// (`no_default_flags`: no `-O`, `-g`, `-fPIC`, `-m64` or
/// `-ffunction-sections` of Cargo's profile), it prints no `cargo:`
/// lines, and it sees an environment of its own with empty `CFLAGS` and
/// `CXXFLAGS`: it neither reads the user's `CFLAGS`/`TARGET_CFLAGS`/`CC_<target>`
/// (the go command reads `CGO_CFLAGS`, and so do we) nor adds warning
/// flags (`-Wall -Wextra` come only when no `CFLAGS` is set). Making the
/// `Tool` runs the compiler once to learn its family (`-E` of a probe
/// file); the clones this `Build` is made into share that answer.
fn cc_build(compiler: &Path, tc: &Toolchain, cpp: bool) -> cc::Build {
    let mut b = cc::Build::new();
    b.compiler(compiler)
        .cpp(cpp)
        .target(&tc.machine)
        .host(&format!("{}-unknown-linux-gnu", std::env::consts::ARCH))
        .no_default_flags(true)
        .cargo_metadata(false)
        .cargo_warnings(false)
        .cargo_debug(false)
        .emit_rerun_if_env_changed(false)
        .set_envs_snapshot([("CFLAGS", ""), ("CXXFLAGS", "")])
        .opt_level(0)
        .debug(false);
    b
}

/// One cgo package's flags, as the go command's `CFlags` and
/// `getPkgConfigFlags` make them: the environment's (`CGO_CPPFLAGS`,
/// empty by default; `CGO_CFLAGS`, `CGO_CXXFLAGS`, `CGO_LDFLAGS`, `-g -O2`
/// by default), then the package's `#cgo` directives, then pkg-config's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PkgCgo {
    /// Preprocessor flags (with `pkg-config --cflags`).
    pub cppflags: Vec<String>,
    /// C flags.
    pub cflags: Vec<String>,
    /// C++ flags.
    pub cxxflags: Vec<String>,
    /// Link flags (with `pkg-config --libs`); what cgo writes to `_cgo_flags`.
    pub ldflags: Vec<String>,
    /// What pkg-config said, if the package names pkg-config packages.
    pub pkg_config: Option<PkgConfig>,
}

impl PkgCgo {
    /// The flags of cgo package `p` for `tc`'s target.
    ///
    /// Errors: a `#cgo` flag the allow-list refuses (the go command's
    /// `invalid flag in #cgo CFLAGS: …`), a bad `CGO_*FLAGS` variable, or
    /// pkg-config failing or printing a refused flag.
    pub fn of(p: &Package, tc: &Toolchain, env: &Env) -> Result<PkgCgo, String> {
        let d = &p.files.cgo;
        let ov = |k: &str| env.get(k).map(String::from);
        check_compiler_flags("CPPFLAGS", "#cgo CPPFLAGS", &d.cppflags, &ov)?;
        check_compiler_flags("CFLAGS", "#cgo CFLAGS", &d.cflags, &ov)?;
        check_compiler_flags("CXXFLAGS", "#cgo CXXFLAGS", &d.cxxflags, &ov)?;
        check_compiler_flags("FFLAGS", "#cgo FFLAGS", &d.fflags, &ov)?;
        check_linker_flags("LDFLAGS", "#cgo LDFLAGS", &d.ldflags, &ov)?;
        let pc = if d.pkg_config.is_empty() {
            None
        } else {
            Some(pkgconfig::query(tc, env, &p.dir, &d.pkg_config)?)
        };
        let var = |name: &str, default: &str| env.flags(name, default).map_err(|e| e.to_string());
        let mut out = PkgCgo {
            cppflags: var("CPPFLAGS", "")?,
            cflags: var("CFLAGS", "-g -O2")?,
            cxxflags: var("CXXFLAGS", "-g -O2")?,
            ldflags: var("LDFLAGS", "-g -O2")?,
            pkg_config: None,
        };
        out.cppflags.extend(d.cppflags.iter().cloned());
        out.cflags.extend(d.cflags.iter().cloned());
        out.cxxflags.extend(d.cxxflags.iter().cloned());
        out.ldflags.extend(d.ldflags.iter().cloned());
        if let Some(pc) = &pc {
            out.cppflags.extend(pc.cflags.iter().cloned());
            out.ldflags.extend(pc.libs.iter().cloned());
        }
        out.pkg_config = pc;
        Ok(out)
    }

    /// The link flags a command that links this package gets from it, as
    /// the go command reads them back from `_cgo_flags`: without `-g` and
    /// `-O…`, which mean nothing to the linker.
    pub fn link_flags(&self) -> impl Iterator<Item = &String> {
        self.ldflags
            .iter()
            .filter(|f| *f != "-g" && !f.starts_with("-O"))
    }
}

/// Everything cgo needs for one build: the tools (when any package uses
/// cgo) and each cgo package's flags, by import path. The default is a
/// build without cgo packages.
#[derive(Debug, Clone, Default)]
pub struct Setup {
    /// The tools, found when a package of the graph uses cgo.
    pub tools: Option<Tools>,
    /// Each cgo package's flags, by import path.
    pub packages: BTreeMap<String, PkgCgo>,
    /// `CGO_LDFLAGS` (no default), which the go command adds once more to
    /// a link with cgo packages.
    pub env_ldflags: Vec<String>,
}

impl Setup {
    /// The setup for the cgo packages of `graph` (none: the default, and
    /// nothing is run).
    ///
    /// Errors: the tools are missing, or packages' flags are refused or
    /// pkg-config fails (every such package, one line each).
    pub fn for_graph(graph: &Graph, tc: &Toolchain, env: &Env) -> Result<Setup> {
        let cgo_pkgs: Vec<&Package> = graph
            .topo()
            .into_iter()
            .map(|id| graph.pkg(id))
            .filter(|p| !p.files.cgo_files.is_empty())
            .collect();
        if cgo_pkgs.is_empty() {
            return Ok(Setup::default());
        }
        let mut errors = Vec::new();
        let mut packages = BTreeMap::new();
        for p in &cgo_pkgs {
            match PkgCgo::of(p, tc, env) {
                Ok(f) => {
                    packages.insert(p.import_path.clone(), f);
                }
                Err(e) => errors.push(format!("package {}: {e}", p.import_path)),
            }
        }
        if !errors.is_empty() {
            bail!("{}", errors.join("\n"));
        }
        let tools = Tools::find(tc)?;
        if tools.cxx.is_none()
            && let Some(p) = cgo_pkgs.iter().find(|p| !p.files.cxx_files.is_empty())
        {
            bail!(
                "package {}: no C++ compiler beside {} for its C++ files (looked for its g++ sibling); \
                 install the target's g++",
                p.import_path,
                tc.gccgo.display()
            );
        }
        Ok(Setup {
            tools: Some(tools),
            packages,
            env_ldflags: env.flags("LDFLAGS", "")?,
        })
    }

    /// The flags of cgo package `import_path`, if it is one.
    pub fn pkg(&self, import_path: &str) -> Option<&PkgCgo> {
        self.packages.get(import_path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_flags_split_and_default_as_go_does() {
        let env = Env::from_pairs([
            ("CGO_CFLAGS", "-O0 '-DA=b c' \"-I/x y\""),
            ("CGO_LDFLAGS", ""),
            ("HOME", "/root"),
        ]);
        assert_eq!(
            env.flags("CFLAGS", "-g -O2").unwrap(),
            ["-O0", "-DA=b c", "-I/x y"]
        );
        assert_eq!(env.flags("LDFLAGS", "-g -O2").unwrap(), ["-g", "-O2"]);
        assert_eq!(env.flags("CPPFLAGS", "").unwrap(), Vec::<String>::new());
        assert_eq!(env.get("HOME"), None);
        let bad = Env::from_pairs([("CGO_CFLAGS", "'-DA")]);
        assert!(
            bad.flags("CFLAGS", "")
                .unwrap_err()
                .to_string()
                .contains("CGO_CFLAGS")
        );
    }

    #[test]
    fn link_flags_drop_debug_and_optimisation() {
        let p = PkgCgo {
            ldflags: ["-g", "-O2", "-lm", "-Os", "-L/x"]
                .map(String::from)
                .to_vec(),
            ..Default::default()
        };
        assert_eq!(p.link_flags().collect::<Vec<_>>(), ["-lm", "-L/x"]);
    }
}
