//! Toolchain: find a gccgo and its binutils for a target, ask the compiler
//! who it is (`-dumpversion`, `-dumpmachine`, `--version`), which Go version
//! it implements, and which standard-library packages it ships (read from
//! its own export data, `<libdir>/go/<version>/<machine>/**/*.gox`, found
//! through `-print-search-dirs` as gccgo itself finds them), and which
//! names each of them exports (module `exports`).
//!
//! This module does not know about Go packages of the user's project; it
//! only answers "what compiler, what std, what target".

mod exports;
mod ldprobe;
mod linker;
pub mod lto;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

pub use exports::{StdExports, export_names};
pub use ldprobe::{LinkerFacts, Tried, linker_env_value};
pub use linker::{Linker, LinkerChoice, fuse_ld};

use crate::process::Cmd;
use crate::store::Store;
use crate::target::{self, Target};

/// Go version implemented by a GCC release, as (GCC major, minor) → Go 1.N
/// minor: GCC 4.7→Go 1, 4.8→1.1, 4.9→1.2, 5→1.4, 6→1.6, 7→1.8, 8→1.10,
/// 9→1.12, 10→1.14, 11→1.16, 12 to 14→1.18 (without generics). Source: the
/// gccgo release notes (gcc.gnu.org/gcc-N/changes.html, "Go" sections).
pub fn go_minor_for_gcc(major: u32, minor: u32) -> Option<u32> {
    Some(match (major, minor) {
        (4, 7) => 0,
        (4, 8) => 1,
        (4, 9) => 2,
        (4, _) => return None,
        (5, _) => 4,
        (6, _) => 6,
        (7, _) => 8,
        (8, _) => 10,
        (9, _) => 12,
        (10, _) => 14,
        (11, _) => 16,
        (12..=14, _) => 18,
        (m, _) if m > 14 => 18,
        _ => return None,
    })
}

/// A profile's remote-execution settings (`remote_exec`, `remote_jobs`,
/// `remote_link` in toolchains/*.toml): defaults that `-remote-exec`,
/// `GCCGO_BUILD_REMOTE_EXEC`, `-remote-jobs` and `-remote-link` override.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RemoteDefaults {
    /// `grpc://HOST:PORT[/INSTANCE]` (or `grpcs://`), checked when used.
    pub exec: Option<String>,
    /// Remote actions in flight at once.
    pub jobs: Option<usize>,
    /// Whether links run remotely too.
    pub link: Option<bool>,
}

/// How to invoke the tools of one toolchain, before they are probed.
#[derive(Debug, Clone, Default)]
pub struct ToolchainSpec {
    /// Name shown to the user: a profile name, a triple, or `host`.
    pub name: String,
    /// The gccgo driver (a name looked up in PATH, or a path).
    pub gccgo: PathBuf,
    /// The objcopy that reads the target's objects.
    pub objcopy: PathBuf,
    /// The target's strip, when known (a name looked up in PATH, or a path).
    pub strip: Option<PathBuf>,
    /// The target's ar, when known.
    pub ar: Option<PathBuf>,
    /// The target's C compiler (for cgo and C files), when known.
    pub cc: Option<PathBuf>,
    /// GOOS/GOARCH override; derived from the compiler's `-dumpmachine` when `None`.
    pub target: Option<Target>,
    /// Go minor version override (Go 1.N); derived from the GCC version when `None`.
    pub go_minor: Option<u32>,
    /// Extra flags for every compile (e.g. `-march=24kc -msoft-float`).
    pub cflags: Vec<String>,
    /// Extra flags for the link.
    pub ldflags: Vec<String>,
    /// A command prefix that runs a target binary, `{sysroot}` expanded (e.g. qemu).
    pub runner: Option<Vec<String>>,
    /// Target libraries' root for the runner (`qemu -L`).
    pub sysroot: Option<PathBuf>,
    /// qemu CPU model of the target's core (`24KEc`), given to a qemu runner as `-cpu`.
    pub cpu: Option<String>,
    /// Debian package that provides the compiler, for the "not installed" hint.
    pub package: Option<String>,
    /// The profile's `runner_kind` (`system`, `user`, `native`, `exec:CMD`).
    pub runner_kind: Option<String>,
    /// The profile's remote-execution defaults (`remote_exec`, …).
    pub remote: RemoteDefaults,
}

impl ToolchainSpec {
    /// The host toolchain: `gccgo` and `objcopy` from PATH.
    pub fn host() -> ToolchainSpec {
        ToolchainSpec {
            name: "host".into(),
            gccgo: "gccgo".into(),
            objcopy: "objcopy".into(),
            strip: Some("strip".into()),
            ar: Some("ar".into()),
            cc: Some("gcc".into()),
            package: Some("gccgo".into()),
            ..Default::default()
        }
    }

    /// A cross toolchain by triple: `<triple>-gccgo`, `<triple>-objcopy`
    /// from PATH; runs target binaries with qemu-user and `/usr/<triple>`.
    ///
    /// Errors when the triple has no Go name (GOARCH/GOOS).
    pub fn for_triple(triple: &str) -> Result<ToolchainSpec> {
        target::check_triple_syntax(triple)?;
        let t = Target::from_triple(triple)?;
        let sysroot = PathBuf::from(format!("/usr/{triple}"));
        let runner = target::qemu_for_goarch(&t.goarch)
            // The cross libc first, as the built-in profiles do (a multiarch
            // libc of the same architecture would otherwise be loaded).
            .map(|q| {
                vec![
                    q.to_string(),
                    "-L".into(),
                    "{sysroot}".into(),
                    "-E".into(),
                    "LD_LIBRARY_PATH={sysroot}/lib".into(),
                ]
            });
        Ok(ToolchainSpec {
            name: triple.into(),
            gccgo: format!("{triple}-gccgo").into(),
            objcopy: format!("{triple}-objcopy").into(),
            strip: Some(format!("{triple}-strip").into()),
            ar: Some(format!("{triple}-ar").into()),
            cc: Some(format!("{triple}-gcc").into()),
            target: Some(t),
            runner,
            sysroot: Some(sysroot),
            package: Some(target::debian_gccgo_package(triple)),
            ..Default::default()
        })
    }
}

/// A probed toolchain: the compiler is there and has said who it is.
#[derive(Debug, Clone)]
pub struct Toolchain {
    /// Name shown to the user.
    pub name: String,
    /// Absolute path of the gccgo driver.
    pub gccgo: PathBuf,
    /// Absolute path of objcopy.
    pub objcopy: PathBuf,
    /// GOOS/GOARCH and the GNU triple.
    pub target: Target,
    /// `gccgo -dumpfullversion`, e.g. `12.2.0`.
    pub gcc_version: String,
    /// First line of `gccgo --version`.
    pub version_line: String,
    /// `gccgo -dumpmachine`.
    pub machine: String,
    /// N of the Go 1.N the compiler implements.
    pub go_minor: u32,
    /// Directory holding the standard library's `.gox` export data.
    pub std_dir: PathBuf,
    /// Import paths of the standard library packages, plus `unsafe`.
    pub std: BTreeSet<String>,
    /// Extra compile flags.
    pub cflags: Vec<String>,
    /// Extra link flags.
    pub ldflags: Vec<String>,
    /// Runner command prefix with `{sysroot}` expanded and the profile's
    /// `-cpu` model in it; `None` runs natively.
    pub runner: Option<Vec<String>>,
    /// The profile's qemu CPU model of the target's core, when it names one.
    pub cpu: Option<String>,
    /// The profile's `runner_kind`, when it names one.
    pub runner_kind: Option<String>,
    /// The profile's remote-execution defaults, which the command line
    /// and `GCCGO_BUILD_REMOTE_EXEC` override (`exec::remote::Request`).
    pub remote: RemoteDefaults,
    /// The compiler's own float ABI (`soft`/`hard`), which its libgo and crt
    /// files have, whatever `-m*-float` the profile adds.
    pub float_abi: Option<String>,
    /// Whether its libgo.a holds LTO bytecode (toolchains/sdk/build's `lto`
    /// variant): static links then take `lto::link_flags`.
    pub libgo_lto: bool,
    /// Identity for cache keys: path, version, machine, size and mtime of the binary.
    pub identity: CompilerId,
}

impl Toolchain {
    /// Whether it builds for the machine this runs on (Linux, same GOARCH).
    pub fn is_native(&self) -> bool {
        crate::target::host_goarch() == Some(self.target.goarch.as_str())
            && self.target.goos == "linux"
    }

    /// The target's C compiler: the `gcc` of the gccgo's own GCC installation,
    /// its name with `gccgo` replaced (`/usr/bin/mipsel-linux-gnu-gccgo` →
    /// `mipsel-linux-gnu-gcc`, `gccgo-12` → `gcc-12`), or with the GCC major
    /// version added (`mipsel-linux-gnu-gcc-12`, which Debian's
    /// gccgo-12-mipsel-linux-gnu always brings). `None` when neither exists.
    pub fn c_compiler(&self) -> Option<PathBuf> {
        self.sibling("gcc")
    }

    /// The target's C++ compiler: the `g++` found as `c_compiler` finds `gcc`.
    pub fn cxx_compiler(&self) -> Option<PathBuf> {
        self.sibling("g++")
    }

    /// `tool` of the same GCC installation as the gccgo (see `c_compiler`).
    fn sibling(&self, tool: &str) -> Option<PathBuf> {
        let name = self.gccgo.file_name()?.to_str()?;
        let i = name.rfind("gccgo")?;
        let (pre, post) = (&name[..i], &name[i + 5..]);
        let (major, _) = gcc_major_minor(&self.gcc_version);
        [format!("{pre}{tool}{post}"), format!("{pre}{tool}-{major}")]
            .into_iter()
            .map(|n| self.gccgo.with_file_name(n))
            .find(|p| p.is_file())
    }
}

/// `CGO_ENABLED` as the go command defines it: `setting` (the variable)
/// `1` or `0` when set; else on for a native build, and for a cross build
/// when the target's C compiler is installed beside its gccgo.
pub fn cgo_enabled(setting: Option<&str>, tc: &Toolchain) -> bool {
    match setting {
        Some("1") => true,
        Some("0") => false,
        _ => tc.is_native() || tc.c_compiler().is_some(),
    }
}

/// Who compiled: what a cache key holds of the compiler, and what
/// `--explain` compares to say "compiler changed: 12.2.0 → 11.3.0".
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CompilerId {
    /// Absolute path of the gccgo driver.
    pub path: String,
    /// `-dumpfullversion` (`12.2.0`).
    pub version: String,
    /// `-dumpmachine`.
    pub machine: String,
    /// Size of the driver binary, in bytes.
    pub size: u64,
    /// Modification time of the driver binary, in ns since the Unix epoch.
    pub mtime_ns: u128,
    /// The profile's flags for every compile and link (`-msoft-float`, …).
    pub flags: Vec<String>,
}

impl CompilerId {
    /// How `self` differs from `old`, in the fewest words: the versions
    /// when they differ (`12.2.0 → 11.3.0`), else the paths, else the
    /// profile flags, else "the same version, reinstalled" (size or mtime).
    pub fn change_from(&self, old: &CompilerId) -> (String, String) {
        if self.version != old.version {
            (old.version.clone(), self.version.clone())
        } else if self.path != old.path {
            (old.path.clone(), self.path.clone())
        } else if self.machine != old.machine {
            (old.machine.clone(), self.machine.clone())
        } else if self.flags != old.flags {
            (old.flags.join(" "), self.flags.join(" "))
        } else {
            (
                format!("{} {}", self.path, old.version),
                format!("{} reinstalled", self.version),
            )
        }
    }
}

/// The major and minor numbers of a GCC version (`12.2.0` → (12, 2));
/// a missing or non-numeric part is 0.
pub fn gcc_major_minor(version: &str) -> (u32, u32) {
    let mut vs = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    (vs.next().unwrap_or(0), vs.next().unwrap_or(0))
}

impl Toolchain {
    /// Finds and probes the tools of `spec`.
    ///
    /// Errors: the compiler or objcopy is not installed (naming the Debian
    /// package that provides it), the compiler does not answer, its GCC
    /// version maps to no Go version, or its standard library is not found.
    /// `store` holds the memo of the compiler's answers (`--cache off`: none).
    pub fn probe(spec: &ToolchainSpec, store: &Store) -> Result<Toolchain> {
        let gccgo = find_program(&spec.gccgo).ok_or_else(|| {
            let hint = match &spec.package {
                Some(p) => {
                    format!("; it is provided by Debian's package {p} (apt-get install {p})")
                }
                None => String::new(),
            };
            anyhow::anyhow!(
                "toolchain {}: compiler `{}` {}{hint}",
                spec.name,
                spec.gccgo.display(),
                where_missing(&spec.gccgo)
            )
        })?;
        // With no objcopy in PATH (an empty PATH, as go accepts when GCCGO
        // and AR are paths), the one installed beside the compiler.
        let objcopy = find_program(&spec.objcopy)
            .or_else(|| beside(&gccgo, &spec.objcopy))
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "toolchain {}: `{}` {} (binutils for the target; it comes with {})",
                    spec.name,
                    spec.objcopy.display(),
                    where_missing(&spec.objcopy),
                    spec.package.as_deref().unwrap_or("the toolchain")
                )
            })?;
        let facts = CompilerFacts::of(&gccgo, store)?;
        let machine = facts.machine.clone();
        let gcc_version = facts.gcc_version.clone();
        let version_line = facts.version_line.clone();
        let (maj, min) = gcc_major_minor(&gcc_version);
        let go_minor = match spec.go_minor {
            Some(m) => m,
            None => go_minor_for_gcc(maj, min).ok_or_else(|| {
                anyhow::anyhow!(
                    "toolchain {}: GCC {gcc_version} implements no Go version gccgo-build knows",
                    spec.name
                )
            })?,
        };
        let target = checked_target(spec, &machine, &gccgo)?;
        let dumpversion = facts.dumpversion.clone();
        let search = facts.search_dirs.clone();
        let std_dir = find_std_dir(&search, &dumpversion, &gcc_version, &machine).ok_or_else(|| {
            anyhow::anyhow!(
                "toolchain {}: no standard library export data (go/{dumpversion}/{machine}/fmt.gox) \
                 in the library directories of {}; is libgo for the target installed?",
                spec.name,
                gccgo.display()
            )
        })?;
        let (size, mtime_ns) =
            crate::store::stamp(&gccgo).with_context(|| format!("reading {}", gccgo.display()))?;
        let std = list_std_remembered(&std_dir, (size, mtime_ns), store)?;
        let identity = CompilerId {
            path: gccgo.display().to_string(),
            version: gcc_version.clone(),
            machine: machine.clone(),
            size,
            mtime_ns,
            flags: spec.cflags.clone(),
        };
        let runner = runner_words(spec, &gccgo);
        Ok(Toolchain {
            name: spec.name.clone(),
            gccgo,
            objcopy,
            target,
            gcc_version,
            version_line,
            machine,
            go_minor,
            std_dir,
            std,
            cflags: spec.cflags.clone(),
            ldflags: spec.ldflags.clone(),
            runner,
            cpu: spec.cpu.clone(),
            runner_kind: spec.runner_kind.clone(),
            remote: spec.remote.clone(),
            float_abi: facts.float_abi.clone(),
            libgo_lto: facts.libgo_lto,
            identity,
        })
    }
}

impl Toolchain {
    /// The exported names of each standard-library package this toolchain
    /// ships, from its export data (`StdExports::of`; remembered in `store`).
    pub fn std_exports(&self, store: &Store) -> StdExports {
        StdExports::of(&self.std_dir, &self.std, &self.gcc_version, store)
    }

    /// The one-line warning for a hard-float toolchain whose profile names
    /// a core without an FPU (`target::MIPS_CORES`): every float instruction
    /// of the program, its libgo and its libc traps there (SIGILL, or the
    /// kernel's slow emulator where it has one). `None` when the toolchain
    /// is soft-float, the core has an FPU, or either is unknown.
    pub fn fpu_mismatch(&self) -> Option<String> {
        let cpu = self.cpu.as_deref()?;
        if target::cpu_lacks_fpu(cpu) != Some(true) || self.float_abi.as_deref() != Some("hard") {
            return None;
        }
        let fix = match self.target.goarch.as_str() {
            "mips" => {
                "an OpenWrt SDK with a soft-float gccgo (-sdk DIR; `toolchains/sdk/build ath79` builds one)"
            }
            "mipsle" => {
                "an OpenWrt SDK with a soft-float gccgo (-sdk DIR; `toolchains/sdk/build ramips` builds one)"
            }
            _ => "a soft-float toolchain (an OpenWrt SDK built with gccgo, -sdk DIR)",
        };
        Some(format!(
            "toolchain {} is hard-float ({}), but the core it is for ({cpu}) has no FPU: \
             the program dies with SIGILL (illegal instruction) there, or, on a kernel with \
             the FPU emulator (OpenWrt builds its kernels without it unless \
             CONFIG_KERNEL_MIPS_FPU_EMULATOR is set), runs every float instruction through it, \
             slowly; build with {fix}",
            self.name,
            self.gccgo.display()
        ))
    }
}

/// `tool`, a bare name, in the directory of the compiler `gccgo` (binutils
/// are installed beside gccgo: /usr/bin, an SDK's toolchain bin/), if it
/// is an executable there; None for a path.
fn beside(gccgo: &Path, tool: &Path) -> Option<PathBuf> {
    if tool.to_string_lossy().contains('/') {
        return None;
    }
    find_program(&gccgo.parent()?.join(tool))
}

/// How a missing tool is missing: a name is looked up in PATH, a path with
/// a `/` is not (`does not exist`, or `is not an executable file`).
fn where_missing(tool: &Path) -> &'static str {
    if !tool.to_string_lossy().contains('/') {
        "not found in PATH"
    } else if tool.exists() {
        "is not an executable file"
    } else {
        "does not exist"
    }
}

/// Puts `-cpu MODEL` after the program of a qemu-user runner
/// (`qemu-mipsel-static -cpu 24KEc -L …`), unless the runner names a
/// `-cpu` itself; other runners are left as they are.
pub fn with_qemu_cpu(mut runner: Vec<String>, cpu: Option<&str>) -> Vec<String> {
    let is_qemu = runner.first().is_some_and(|p| {
        Path::new(p)
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("qemu-"))
    });
    if let Some(cpu) = cpu
        && is_qemu
        && !runner.iter().any(|w| w == "-cpu")
    {
        runner.splice(1..1, ["-cpu".to_string(), cpu.to_string()]);
    }
    runner
}

/// What a compiler binary says about itself; remembered on disk (keyed by
/// its path, size and mtime) so a no-op build does not start five compilers.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct CompilerFacts {
    /// `-dumpmachine`.
    pub machine: String,
    /// `-dumpfullversion` (or `-dumpversion` before GCC 7).
    pub gcc_version: String,
    /// `-dumpversion`: the version in gccgo's library paths (`12` on Debian).
    pub dumpversion: String,
    /// First line of `--version`.
    pub version_line: String,
    /// `-print-search-dirs`.
    pub search_dirs: String,
    /// The float ABI the compiler uses without flags, which is the ABI its
    /// libgo and crt files were built for: `soft` or `hard` (from
    /// `-Q --help=target`, else `-dumpspecs`); `None` when neither says.
    #[serde(default)]
    pub float_abi: Option<String>,
    /// Whether the libgo.a it links holds LTO bytecode (`lto::libgo_is_lto`).
    #[serde(default)]
    pub libgo_lto: bool,
}

impl CompilerFacts {
    /// Asks `gccgo` (or the memo under the cache directory, when the binary
    /// is unchanged since it was asked).
    ///
    /// Errors when the compiler does not run or does not answer.
    pub fn of(gccgo: &Path, store: &Store) -> Result<CompilerFacts> {
        // "3": the facts gained `libgo_lto` ("2": `float_abi`).
        let memo = crate::store::stamp(gccgo).and_then(|(size, mtime)| {
            let id = format!("3\n{}\n{size}\n{mtime}", gccgo.display());
            store.memo_path("compilers", &id, ".json")
        });
        if let Some(f) = store.read_json(memo.as_deref()) {
            return Ok(f);
        }
        let ask = |flag: &str| -> Result<String> {
            let out = Cmd::new(gccgo)
                .arg(flag)
                .run(Some(std::time::Duration::from_secs(30)))
                .with_context(|| format!("asking {} for {flag}", gccgo.display()))?;
            Ok(out.stdout.trim().to_string())
        };
        let machine = ask("-dumpmachine")?;
        let dumpversion = ask("-dumpversion")?;
        let mut gcc_version = ask("-dumpfullversion").unwrap_or_default();
        if gcc_version.is_empty() || !gcc_version.contains('.') {
            gcc_version = dumpversion.clone(); // GCC before 7 has no -dumpfullversion
        }
        let version_line = ask("--version")?.lines().next().unwrap_or("").to_string();
        let search_dirs = ask("-print-search-dirs")?;
        let f = CompilerFacts {
            machine,
            gcc_version,
            dumpversion,
            version_line,
            search_dirs,
            float_abi: ask_float_abi(gccgo).map(String::from),
            libgo_lto: lto::libgo_is_lto(gccgo),
        };
        store.write_json(memo.as_deref(), &f);
        Ok(f)
    }
}

/// The target of `spec`: its profile's, checked against what the compiler
/// says it targets (`-dumpmachine`), or the compiler's own.
///
/// Errors when the profile names another GOARCH than its compiler targets
/// (and adds no flags that select another one), or the triple has no Go name.
fn checked_target(spec: &ToolchainSpec, machine: &str, gccgo: &Path) -> Result<Target> {
    Ok(match &spec.target {
        Some(t) => {
            // A profile's triple may name the vendor's spelling
            // (`mipsel-openwrt-linux`) while the compiler says
            // `mipsel-linux-gnu`: the same GOARCH, so it is fine. A
            // different GOARCH means the profile names the wrong compiler,
            // unless its own flags (`-m32`, `-mabi=…`) select another one.
            if let Some(m) = target::goarch_for_triple(machine)
                && m != t.goarch
                && spec.cflags.is_empty()
            {
                bail!(
                    "toolchain {}: it says GOARCH={} (triple {}), but its compiler {} \
                         targets {machine}, which is GOARCH={m}; fix the profile's \
                         gccgo, triple or goarch",
                    spec.name,
                    t.goarch,
                    t.triple,
                    gccgo.display()
                );
            }
            t.clone()
        }
        None => Target::from_triple(machine).with_context(|| format!("toolchain {}", spec.name))?,
    })
}

/// The profile's runner with `{sysroot}` expanded (the profile's sysroot,
/// else the compiler's) and its qemu `-cpu` model; `None` runs natively.
/// Only a runner needs the sysroot: asking the compiler costs processes.
fn runner_words(spec: &ToolchainSpec, gccgo: &Path) -> Option<Vec<String>> {
    let r = spec.runner.as_ref()?;
    let sysroot = spec
        .sysroot
        .clone()
        .filter(|p| p.is_dir())
        .or_else(|| compiler_sysroot(gccgo));
    let root = sysroot
        .as_deref()
        .unwrap_or(Path::new("/"))
        .to_string_lossy();
    let words = r.iter().map(|w| w.replace("{sysroot}", &root)).collect();
    Some(with_qemu_cpu(words, spec.cpu.as_deref()))
}

/// The float ABI a compiler uses by default, from `-Q --help=target`
/// (`-msoft-float [enabled]`), else from `-dumpspecs` (a spec that adds
/// `-msoft-float` when neither is given). `None` when neither says.
fn ask_float_abi(gccgo: &Path) -> Option<&'static str> {
    let t = std::time::Duration::from_secs(30);
    if let Ok(out) = Cmd::new(gccgo).args(["-Q", "--help=target"]).run(Some(t))
        && let Some(f) = float_from_help(&out.stdout)
    {
        return Some(f);
    }
    let specs = Cmd::new(gccgo).arg("-dumpspecs").run(Some(t)).ok()?.stdout;
    float_from_specs(&specs)
}

/// Parses `-Q --help=target` for the enabled one of `-msoft-float` / `-mhard-float`.
fn float_from_help(text: &str) -> Option<&'static str> {
    for line in text.lines() {
        let mut w = line.split_whitespace();
        let (Some(opt), Some(state)) = (w.next(), w.next()) else {
            continue;
        };
        if state != "[enabled]" {
            continue;
        }
        match opt {
            "-msoft-float" => return Some("soft"),
            "-mhard-float" => return Some("hard"),
            _ => {}
        }
    }
    None
}

/// Parses `-dumpspecs` for a default float option (`%{!mhard-float:…-msoft-float}`).
fn float_from_specs(text: &str) -> Option<&'static str> {
    for (flag, abi) in [("-msoft-float", "soft"), ("-mhard-float", "hard")] {
        let other = if abi == "soft" {
            "mhard-float"
        } else {
            "msoft-float"
        };
        let own = &flag[1..];
        for pat in [
            format!("%{{!{other}:%{{!{own}:{flag}}}}}"),
            format!("%{{!{own}:%{{!{other}:{flag}}}}}"),
        ] {
            if text.contains(&pat) {
                return Some(abi);
            }
        }
    }
    None
}

/// The root of the target's libraries as the compiler finds them: its
/// `-print-sysroot` when that names a directory other than `/`, else the
/// directory above the `lib` that holds the `libc.so` (or `libc.a`) it links
/// against (`/usr/mipsel-linux-gnu` for Debian's cross compilers, the
/// `toolchain-*` directory of an OpenWrt SDK). This is what `qemu -L` needs.
/// `None` for a native compiler whose libc lives in a multiarch directory
/// such as `/usr/lib/x86_64-linux-gnu`, and when the compiler does not answer.
pub fn compiler_sysroot(gccgo: &Path) -> Option<PathBuf> {
    let ask = |flag: &str| -> Option<String> {
        let out = Cmd::new(gccgo)
            .arg(flag)
            .run(Some(std::time::Duration::from_secs(30)))
            .ok()?;
        Some(out.stdout.trim().to_string())
    };
    if let Some(s) = ask("-print-sysroot") {
        let p = PathBuf::from(&s);
        if !s.is_empty() && p != Path::new("/") && p.is_dir() {
            return Some(std::fs::canonicalize(&p).unwrap_or(p));
        }
    }
    for lib in ["libc.so", "libc.a"] {
        let Some(f) = ask(&format!("-print-file-name={lib}")) else {
            continue;
        };
        // Without a match gcc prints the bare name back.
        let Ok(f) = std::fs::canonicalize(&f) else {
            continue;
        };
        let dir = f.parent()?;
        let name = dir.file_name()?.to_string_lossy();
        if matches!(name.as_ref(), "lib" | "lib32" | "lib64") {
            return dir.parent().map(Path::to_path_buf);
        }
    }
    None
}

/// Looks a program up in PATH (or checks a path with a `/`).
pub fn find_program(p: &Path) -> Option<PathBuf> {
    if p.components().count() > 1 {
        return is_executable(p).then(|| p.to_path_buf());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(p))
        .find(|c| is_executable(c))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

/// Finds `go/<version>/<machine>` under one of the `libraries:` directories
/// printed by `-print-search-dirs`, as gccgo's own import search does.
fn find_std_dir(
    search_dirs: &str,
    dumpversion: &str,
    full: &str,
    machine: &str,
) -> Option<PathBuf> {
    let libs = search_dirs
        .lines()
        .find_map(|l| l.strip_prefix("libraries: ="))?;
    for d in std::env::split_paths(libs) {
        for v in [dumpversion, full] {
            let cand = d.join("go").join(v).join(machine);
            if cand.join("fmt.gox").is_file() {
                return Some(std::fs::canonicalize(&cand).unwrap_or(cand));
            }
        }
    }
    None
}

/// `list_std`, remembered in `store` (`compilers/<hash>.std.json`) for
/// the compiler binary of stamp `gccgo` (size, mtime) and the directory's
/// own mtime: a no-op build does not walk the standard library's 300
/// directories. (An upgraded libgo comes with a new compiler binary.)
fn list_std_remembered(dir: &Path, gccgo: (u64, u128), store: &Store) -> Result<BTreeSet<String>> {
    let dir_mtime = crate::store::stamp(dir).map(|s| s.1);
    let id = format!("std 1\n{}\n{gccgo:?}\n{dir_mtime:?}", dir.display());
    let memo = store.memo_path("compilers", &id, ".std.json");
    if let Some(set) = store.read_json(memo.as_deref()) {
        return Ok(set);
    }
    let set = list_std(dir)?;
    store.write_json(memo.as_deref(), &set);
    Ok(set)
}

/// The import paths of every `.gox` below `dir`, plus `unsafe`.
fn list_std(dir: &Path) -> Result<BTreeSet<String>> {
    let mut set = BTreeSet::new();
    set.insert("unsafe".to_string());
    for e in walkdir::WalkDir::new(dir) {
        let e = e.with_context(|| format!("reading {}", dir.display()))?;
        let p = e.path();
        if p.extension().is_some_and(|x| x == "gox")
            && let Ok(rel) = p.strip_prefix(dir)
        {
            let s = rel.with_extension("").to_string_lossy().into_owned();
            set.insert(s);
        }
    }
    if set.len() < 10 {
        bail!(
            "{}: only {} export-data files; the standard library looks incomplete",
            dir.display(),
            set.len()
        );
    }
    Ok(set)
}

#[cfg(test)]
mod tests {
    #[test]
    fn float_from_target_help() {
        let soft = "  -mhard-float                \t\t[disabled]\n  -msoft-float                \t\t[enabled]\n";
        assert_eq!(float_from_help(soft), Some("soft"));
        let hard = "  -mhard-float                \t\t[enabled]\n  -msoft-float                \t\t[disabled]\n";
        assert_eq!(float_from_help(hard), Some("hard"));
        assert_eq!(float_from_help("  -march=ISA   mips32r2\n"), None);
        assert_eq!(
            float_from_specs("*self_spec:\n%{!mhard-float:%{!msoft-float:-msoft-float}}\n"),
            Some("soft")
        );
    }

    use super::*;

    #[test]
    fn gcc_to_go_versions() {
        assert_eq!(go_minor_for_gcc(4, 8), Some(1));
        assert_eq!(go_minor_for_gcc(4, 9), Some(2));
        assert_eq!(go_minor_for_gcc(11, 3), Some(16));
        assert_eq!(go_minor_for_gcc(12, 2), Some(18));
        assert_eq!(go_minor_for_gcc(4, 6), None);
    }

    #[test]
    fn std_dir_from_search_dirs() {
        let dir = tempfile::tempdir().unwrap();
        let std = dir.path().join("lib/go/12/mips-linux-gnu");
        std::fs::create_dir_all(&std).unwrap();
        std::fs::write(std.join("fmt.gox"), "").unwrap();
        let text = format!(
            "install: /x\nprograms: =/y\nlibraries: =/nonexistent/:{}/lib/\n",
            dir.path().display()
        );
        let got = find_std_dir(&text, "12", "12.2.0", "mips-linux-gnu").unwrap();
        assert!(got.ends_with("go/12/mips-linux-gnu"), "{}", got.display());
    }
}
