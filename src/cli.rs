//! CLI: the command line in two layers, as ripgrep does. The raw layer is
//! clap (with go-style single-dash long flags such as `-json`, `-tags`,
//! `-work` rewritten to `--json` … and `$GOFLAGS` applied before clap sees
//! them, and `-help` written with one dash: module `goflags`); the second
//! layer checks and resolves the raw flags into the configuration each
//! subcommand runs with. Exit codes: 0 success, 1 failure, 2 usage error.

use std::ffi::OsString;
use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Parser, Subcommand};

use crate::build::BuildConfig;
use crate::plan::pkgflags::FlagsValue;
use crate::plan::{Flags, LinkMode};
use crate::progress::Explain;
use crate::store::Store;

pub mod bisect;
pub mod cache;
pub mod compare;
pub mod complete;
pub mod doctor;
pub mod goflag_table;
pub mod goflags;
pub mod goline;
pub mod graph;
pub mod inspect;
pub mod install;
pub mod list;
pub mod mod_cmd;
pub mod reapi;
pub mod size;
pub mod test;
pub mod toolchains;
pub mod verify;

/// gccgo-build: build Go programs with gccgo, for any target a gccgo cross compiler exists for.
#[derive(Debug, Parser)]
#[command(name = "gccgo-build", version, about, long_about = None)]
pub struct Cli {
    /// Change to DIR before doing anything (as `go -C`).
    #[arg(short = 'C', global = true, value_name = "DIR")]
    pub chdir: Option<PathBuf>,
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
// One value per process, parsed once: boxing the large variants would save nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compile packages and link commands.
    Build(BuildArgs),
    /// Compile and install commands into GOBIN (else GOPATH/bin), as `go install`.
    Install(install::InstallArgs),
    /// Describe an ELF executable: class, endianness, machine, ABI, libgo, sections.
    Inspect(inspect::InspectArgs),
    /// Hold a binary (or a target) against a device description and say what will go wrong.
    Doctor(doctor::DoctorArgs),
    /// List every toolchain found (profiles and PATH) and whether it works.
    Toolchains(toolchains::ToolchainsArgs),
    /// Print the resolved settings of one target, like `go env`.
    Env(toolchains::EnvArgs),
    /// List packages with go's `go list` field names (`-json`, `-deps`, `-f`).
    List(list::ListArgs),
    /// Build packages' tests and run them on the target (under qemu-user for a foreign one), as `go test`.
    Test(test::TestArgs),
    /// Build a command and run it on the target (under qemu-user for a foreign one), as `go run`.
    Run(test::RunArgs),
    /// Build (and run, and test) the same packages with several toolchains or flags, side by side.
    Compare(compare::CompareArgs),
    /// Rebuild from a build record (`build --record FILE`) with the cache off and say whether the bytes are the same.
    Verify(verify::VerifyArgs),
    /// Say which packages the bytes of a binary belong to (from its symbol table).
    Size(size::SizeArgs),
    /// Print the import graph (DOT or JSON), with compile times and object sizes from the cache.
    Graph(graph::GraphArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completion(complete::CompletionArgs),
    /// Print a man page (roff): gccgo-build(1), or a subcommand's.
    Man(complete::ManArgs),
    /// Find the packages and the compiler option behind a program whose output changes with the flags.
    Bisect(bisect::BisectArgs),
    /// Show what the build cache holds and how often it hit (`stats`), or trim it (`trim`).
    Cache(cache::CacheArgs),
    /// Module maintenance: `mod download [-json] [-x] [modules]` fetches modules into GOMODCACHE from GOPROXY, verified against go.sum, as `go mod download`.
    Mod(mod_cmd::ModArgs),
}

/// The flags that choose a toolchain (`build`, `list`, `env`); see
/// `profile::resolve` for how they combine.
#[derive(Debug, Args, Clone, Default)]
pub struct SelectArgs {
    /// Target: a toolchain profile (`gccgo-build toolchains` lists them) or a triple whose `<triple>-gccgo` is in PATH; default: GOOS/GOARCH/GOMIPS or GCCGO from the environment, else the host gccgo.
    #[arg(long, value_name = "NAME")]
    pub target: Option<String>,
    /// A toolchain profile file (TOML, as toolchains/*.toml) to build with.
    #[arg(long, value_name = "FILE")]
    pub toolchain: Option<PathBuf>,
    /// An OpenWrt SDK (or its staging_dir, or a toolchain-* dir) whose gccgo to build with; default: $STAGING_DIR.
    #[arg(long, value_name = "DIR")]
    pub sdk: Option<PathBuf>,
}

impl SelectArgs {
    /// The flags as the owned `profile::Choice` the layers below take,
    /// with the go command's `GOOS`/`GOARCH`/`GCCGO`/… as this process
    /// sees them (`profile::goenv`).
    pub fn choice(&self) -> crate::profile::Choice {
        crate::profile::Choice {
            target: self.target.clone(),
            toolchain: self.toolchain.clone(),
            sdk: self.sdk.clone(),
            env: crate::profile::GoEnv::from_process(),
        }
    }
}

/// Flags shared by every command that loads packages.
#[derive(Debug, Args, Clone)]
pub struct LoadArgs {
    /// `--target`, `--toolchain`, `--sdk`.
    #[command(flatten)]
    pub select: SelectArgs,
    /// Extra build tags, comma-separated (as `go build -tags`).
    #[arg(long, value_name = "a,b", value_delimiter = ',')]
    pub tags: Vec<String>,
    /// Module download mode: `vendor` uses vendor/; `readonly` (the default) downloads what the build needs and checks go.sum; `mod` also adds go.sum lines (as `go build -mod`).
    #[arg(long = "mod", value_name = "MODE", default_value = "", hide_default_value = true, value_parser = parse_mod)]
    pub mod_mode: String,
    /// Read FILE instead of the main module's go.mod; the module root stays where go.mod is (as `go build -modfile`).
    #[arg(long, value_name = "FILE")]
    pub modfile: Option<PathBuf>,
    /// JSON file replacing source files (as `go build -overlay`).
    #[arg(long, value_name = "FILE")]
    pub overlay: Option<PathBuf>,
    /// Package patterns: `.`, `./cmd/x`, `./...`, import paths.
    #[arg(value_name = "PACKAGES")]
    pub packages: Vec<String>,
}

impl LoadArgs {
    /// The checked configuration `build::load` takes: empty `-tags`
    /// entries dropped.
    pub fn config(&self) -> crate::build::LoadConfig {
        crate::build::LoadConfig {
            choice: self.select.choice(),
            tags: nonempty(&self.tags),
            mod_mode: self.mod_mode.clone(),
            modfile: self.modfile.clone(),
            overlay: self.overlay.clone(),
            packages: self.packages.clone(),
            tests: false,
            outside: false,
        }
    }
}

/// The flags of every command that compiles (`build`, `test`, `run`).
#[derive(Debug, Args, Clone)]
pub struct CompileArgs {
    /// Parallel jobs (default: available parallelism); `build` and `run` also take the go command's `-p N`.
    #[arg(short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// Rebuild every package and the link although the cache holds them (the results are still stored), as `go build -a`.
    #[arg(short = 'a')]
    pub rebuild_all: bool,
    /// The go command's flags gccgo has no counterpart for: refused.
    #[command(flatten)]
    pub refused: Refused,
    /// Print the commands as they run.
    #[arg(short = 'x')]
    pub print_commands: bool,
    /// Keep going after a failure where the graph allows.
    #[arg(short = 'k')]
    pub keep_going: bool,
    /// Keep the work directory and print its name.
    #[arg(long)]
    pub work: bool,
    /// How to link libgo and libc.
    #[arg(long, value_enum, default_value = "static-libgo")]
    pub link: LinkArg,
    /// Go compile flags, replacing the default `-O2 -g` (space-separated): `[PATTERN=]FLAGS`, repeatable, as go's `-gccgoflags`; the last one whose PATTERN (import path with `...`, ./dir, all) matches a package wins. Unlike go, FLAGS without a pattern apply to every package, not only the named ones.
    #[arg(long, value_name = "[PATTERN=]FLAGS", allow_hyphen_values = true)]
    pub gccgoflags: Vec<String>,
    /// Extra link flags (space-separated).
    #[arg(long, value_name = "FLAGS", allow_hyphen_values = true)]
    pub ldflags: Option<String>,
    /// Cache directory (default: GCCGO_BUILD_CACHE, else $XDG_CACHE_HOME/gccgo-build, else ~/.cache/gccgo-build); `off` disables it.
    #[arg(long, value_name = "DIR")]
    pub cache: Option<PathBuf>,
    /// Optimise for size: -Os, function/data sections, --gc-sections, -no-pie, then strip (implies --strip).
    #[arg(long)]
    pub size: bool,
    /// After linking, strip symbols, debug info and `.go_export` with the target's objcopy.
    #[arg(long)]
    pub strip: bool,
    /// With --size: keep the symbol table and debug info (for `size --by package`); the loaded bytes are the same.
    #[arg(long, conflicts_with = "strip")]
    pub no_strip: bool,
    /// Say for each package why it was rebuilt.
    #[arg(long)]
    pub explain: bool,
    /// Record source directories as import paths and the working directory as `.` (as `go build -trimpath`), so builds in different checkouts are byte-identical.
    #[arg(long)]
    pub trimpath: bool,
    /// Stamp the git revision, commit time and whether the work tree is modified into the build information (as `go build -buildvcs`): `auto` and `true` do when the main package is in a git work tree; `false` never runs git.
    #[arg(long, value_name = "BOOL", default_value = "auto", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = ["auto", "true", "false"])]
    pub buildvcs: String,
    /// `--linker`, `--remote-cache`, `--remote-cache-readonly`.
    #[command(flatten)]
    pub farm: cache::FarmArgs,
    /// Package loading flags.
    #[command(flatten)]
    pub load: LoadArgs,
}

/// `gccgo-build build` flags.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Where to write the command (a file, or an existing directory).
    #[arg(short = 'o', value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Print the commands without running them (a shell script on stdout).
    #[arg(short = 'n')]
    pub dry_run: bool,
    /// Name packages as they are compiled.
    #[arg(short = 'v')]
    pub verbose: bool,
    /// Parallel jobs: the go command's name for `-j`.
    #[arg(short = 'p', value_name = "N", conflicts_with = "jobs")]
    pub parallel: Option<usize>,
    /// Fail (and remove the output) when a linked command is larger than this: bytes, or with a k/M suffix (10^3, 10^6; `10.6M`).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_size: Option<u64>,
    /// With --explain: one JSON object a line on stdout instead of text.
    #[arg(long, requires = "explain")]
    pub json: bool,
    /// Kill a compiler (with its subprocesses) that runs longer than this many seconds; 0 means no limit.
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<u64>,
    /// Write the build record (toolchain identity, every input's and output's sha256, every command) as JSON to FILE; `verify FILE` rebuilds from it.
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
    /// Write the build as a file for another executor and build nothing: `--emit ninja FILE` (a Ninja file whose directory is the work directory; run `ninja -C DIR`).
    #[arg(long, num_args = 2, value_names = ["FORMAT", "FILE"])]
    pub emit: Option<Vec<String>>,
    /// Compile flags.
    #[command(flatten)]
    pub compile: CompileArgs,
}

/// `--link`: how the link treats libgo and libc (`plan::LinkMode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LinkArg {
    /// `-static-libgo`: libgo linked in, libc dynamic (the default).
    StaticLibgo,
    /// `-static`: a fully static executable.
    Static,
    /// libgo as a shared library (the target needs `libgo.so`).
    Dynamic,
}

impl From<LinkArg> for LinkMode {
    fn from(a: LinkArg) -> LinkMode {
        match a {
            LinkArg::StaticLibgo => LinkMode::StaticLibgo,
            LinkArg::Static => LinkMode::Static,
            LinkArg::Dynamic => LinkMode::Dynamic,
        }
    }
}

/// `-race`, `-msan`, `-asan` and `-buildmode` (other than `exe`
/// or `default`): accepted by the parser so that they are refused in one
/// clear line each (`Refused::check`), not as unknown flags. Hidden from
/// `-help`.
#[derive(Debug, Args, Clone, Default)]
pub struct Refused {
    /// As `go build -race`.
    #[arg(long, hide = true)]
    pub race: bool,
    /// As `go build -msan`.
    #[arg(long, hide = true)]
    pub msan: bool,
    /// As `go build -asan`.
    #[arg(long, hide = true)]
    pub asan: bool,
    /// As `go build -buildmode=MODE`.
    #[arg(long, hide = true, value_name = "MODE")]
    pub buildmode: Option<String>,
}

impl Refused {
    /// Errors: one line for the first flag given, saying why gccgo cannot
    /// do it (gccgo has no race detector or sanitizer runtime for Go, and
    /// gccgo-build links executables only). `-cover` is test's (go 1.19's
    /// build has none).
    pub fn check(&self) -> Result<()> {
        let why = if self.race {
            "-race: gccgo has no race detector (it is gc's ThreadSanitizer runtime); use the go \
             command with gc on the host to look for races"
        } else if self.msan {
            "-msan: gccgo has no MemorySanitizer support for Go (gc with clang only)"
        } else if self.asan {
            "-asan: gccgo has no AddressSanitizer support for Go (gc only)"
        } else {
            match self.buildmode.as_deref() {
                None | Some("exe" | "default") => return Ok(()),
                Some(m) => anyhow::bail!(
                    "-buildmode={m}: gccgo-build links executables only (-buildmode=exe, the default)"
                ),
            }
        };
        anyhow::bail!("{why} (given on the command line or in GOFLAGS)")
    }
}

/// `-mod`'s values, as the go command checks them (`cmd/go/internal/work/init.go`).
fn parse_mod(s: &str) -> Result<String, String> {
    match s {
        "" | "mod" | "readonly" | "vendor" => Ok(s.to_string()),
        _ => Err("not supported (can be '', 'mod', 'readonly', or 'vendor')".to_string()),
    }
}

/// [`CompileArgs`] alone, for [`CompileArgs::parse_words`].
#[derive(Debug, clap::Parser)]
#[command(no_binary_name = true)]
struct CompileWords {
    #[command(flatten)]
    compile: CompileArgs,
}

impl CompileArgs {
    /// The flags `build` would take from `words` (flags and packages, no
    /// command name; clap's double-dash spelling), with `build`'s defaults:
    /// how another command asks for a build of its own (`size -why`).
    ///
    /// Errors: a word `build` does not take, in clap's words (a bug of
    /// the caller, which makes the words).
    pub fn parse_words(words: &[String]) -> anyhow::Result<CompileArgs> {
        use clap::Parser;
        Ok(CompileWords::try_parse_from(words)
            .map_err(|e| anyhow::anyhow!("{}", e.render()))?
            .compile)
    }

    /// The second layer: what the flags mean, defaults resolved (`-j`: the
    /// available parallelism; `--cache`: `store::Store::from_flag`), and
    /// `--size` folded into the compile and link flags. The fields of
    /// `BuildConfig` that only `build` sets get their defaults.
    ///
    /// Errors: a `-gccgoflags` value that `plan::pkgflags::parse` refuses;
    /// `-ldflags` that do not parse (`xflag::parse_ldflags`); a refused flag
    /// (`Refused::check`); remote-cache settings that do not parse
    /// (`cache::FarmArgs::cache_options`).
    pub fn config(&self, cwd: &std::path::Path) -> anyhow::Result<BuildConfig> {
        self.refused.check()?;
        let mut flags = Flags::default();
        let mut xs = Vec::new();
        let mut bare = false;
        for v in &self.gccgoflags {
            match crate::plan::pkgflags::parse(v, cwd)? {
                // Bare flags match every package: they override everything before them.
                FlagsValue::Bare(f) => {
                    (flags.gcflags, bare) = (f, true);
                    flags.per_package.clear();
                }
                FlagsValue::Package(p) => flags.per_package.push(p),
            }
        }
        if let Some(f) = &self.ldflags {
            (xs, flags.ldflags) = crate::xflag::parse_ldflags(f)?;
        }
        flags.link = self.link.into();
        if self.size {
            // As one does by hand for a router's flash: optimise for size, let the
            // linker drop unused functions and data, and no PIE where the target allows.
            if !bare {
                flags.gcflags = vec!["-Os".into()];
            }
            let sections = ["-ffunction-sections".to_string(), "-fdata-sections".into()];
            flags.gcflags.extend(sections.clone());
            for p in &mut flags.per_package {
                p.flags.extend(sections.clone());
            }
            flags
                .ldflags
                .extend(["-Wl,--gc-sections".into(), "-no-pie".into()]);
        }
        flags.strip = self.strip || (self.size && !self.no_strip);
        // Remote compiles must not depend on where the checkout is: -trimpath.
        let remote_exec = self.farm.remote_exec.settings()?;
        let trimpath = self.trimpath || remote_exec.is_some();
        flags.trimpath = trimpath.then(|| cwd.to_path_buf());
        // -x also prints each module fetch (`# get URL`), as go does.
        crate::modfetch::set_trace(self.print_commands);
        Ok(BuildConfig {
            load: self.load.config(),
            output: None,
            jobs: self
                .jobs
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
                .max(1),
            print_commands: self.print_commands,
            rebuild_all: self.rebuild_all,
            dry_run: false,
            verbose: false,
            keep_going: self.keep_going,
            keep_work: self.work,
            flags,
            store: Store::from_flag(cwd, self.cache.as_deref()),
            max_size: None,
            explain: if self.explain {
                Explain::Text
            } else {
                Explain::Off
            },
            timeout: None,
            quiet: false,
            buildinfo: crate::buildinfo::Settings {
                gccgoflags: (!self.gccgoflags.is_empty()).then(|| self.gccgoflags.join(" ")),
                ldflags: self.ldflags.clone(),
                tags: nonempty(&self.load.tags),
                trimpath,
                no_vcs: self.buildvcs == "false",
            },
            xs,
            record: None,
            emit_ninja: None,
            install: false,
            linker: self.farm.linker(),
            cache: self.farm.cache_options()?,
            remote_exec,
            remote_request: self.farm.remote_exec.request(),
        })
    }
}

impl BuildArgs {
    /// The second layer of `build`: `CompileArgs::config` plus `-p`, `-o`, `-n`,
    /// `-v`, `--max-size`, `--explain --json` and `--timeout` (0: no limit).
    ///
    /// Errors: as `CompileArgs::config`.
    pub fn config(&self, cwd: &std::path::Path) -> anyhow::Result<BuildConfig> {
        let mut c = self.compile.config(cwd)?;
        if let Some(p) = self.parallel {
            c.jobs = p.max(1);
        }
        c.output = self.output.clone();
        c.dry_run = self.dry_run;
        c.verbose = self.verbose;
        c.max_size = self.max_size;
        if self.json && c.explain != Explain::Off {
            c.explain = Explain::Json;
        }
        c.timeout = self
            .timeout
            .filter(|&s| s > 0)
            .map(std::time::Duration::from_secs);
        c.record = self.record.clone();
        if let Some(e) = &self.emit {
            match e.as_slice() {
                [f, file] if f == "ninja" => c.emit_ninja = Some(PathBuf::from(file)),
                [f, _] => anyhow::bail!("-emit {f}: the only format is ninja (-emit ninja FILE)"),
                _ => anyhow::bail!("-emit needs a format and a file: -emit ninja FILE"),
            }
        }
        Ok(c)
    }
}

pub use goflags::normalize;

/// Parses and runs a command line (`argv[0]` included), with `$GOFLAGS`
/// (module `goflags`); returns the exit status.
///
/// Errors: a bad `$GOFLAGS`, or whatever the subcommand reports (bad
/// input, failed build).
pub fn run(args: Vec<OsString>) -> Result<i32> {
    let goflags = crate::profile::goenv::getenv("GOFLAGS").map(|(f, _)| f);
    let args = match goline::rewrite(args, goflags.as_deref()) {
        Ok(a) => a,
        Err(e) => {
            eprint!("{}", e.render());
            return Ok(e.code);
        }
    };
    let cli = match Cli::try_parse_from(&args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            if matches!(e.kind(), clap::error::ErrorKind::DisplayHelp) {
                let help = goflags::go_style_help(&e.render().to_string(), &args);
                println!("{}", help.trim_end());
            } else if e.use_stderr() {
                eprint!(
                    "{}",
                    goflags::go_style_error(&e.render().to_string(), &args)
                );
            } else {
                let _ = e.print();
            }
            return Ok(code);
        }
    };
    let cwd = match &cli.chdir {
        Some(d) => {
            std::env::set_current_dir(d).map_err(|e| {
                anyhow::anyhow!("-C {}: {}", d.display(), crate::words::io_error(&e))
            })?;
            std::env::current_dir()?
        }
        None => std::env::current_dir()?,
    };
    if let Some(o) = crate::progress::DownloadLine::for_stderr() {
        crate::modfetch::status::set_observer(o);
    }
    match cli.command {
        Command::Build(b) => crate::build::build(&cwd, &b.config(&cwd)?),
        Command::Install(a) => crate::install::main(&cwd, &a.config(&cwd)?),
        Command::Inspect(a) => crate::inspect::main(&cwd, &a.config()),
        Command::Doctor(a) => crate::doctor::main(&cwd, &a.config()),
        Command::Toolchains(a) => crate::profile::toolchains_main(&cwd, &a.config()),
        Command::Env(a) => crate::profile::env_main(&cwd, &a.config()),
        Command::List(a) => crate::list::main(&cwd, &a.config()),
        Command::Test(a) => crate::gotest::test_main(&cwd, &a.config(&cwd)?),
        Command::Run(a) => crate::gotest::run_main(&cwd, &a.config(&cwd)?),
        Command::Compare(a) => crate::compare::main(&a.config(&cwd)?),
        Command::Verify(a) => crate::record::verify(&cwd.join(&a.record)),
        Command::Size(a) => match a.why_config(&cwd)? {
            Some(w) => crate::depgraph::why::main(&cwd, &w),
            None => crate::sizes::main(&cwd, &a.config()),
        },
        Command::Graph(a) => crate::depgraph::main(&cwd, &a.config(&cwd)),
        Command::Completion(a) => complete::completion_main(&a),
        Command::Man(a) => complete::man_main(&a),
        Command::Bisect(a) => crate::bisect::main(&cwd, &a.config(&cwd)?),
        Command::Cache(a) => crate::cache::tool_main(&a.config(&cwd)?),
        Command::Mod(a) => mod_cmd::main(&cwd, &a),
    }
}

/// Parses `10.6M`, `900k`, `123456` into bytes (k = 10^3, M = 10^6, as `df -h` sizes read; `Ki`/`Mi` are powers of 1024).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (num, mult) = match t {
        _ if t.ends_with("Mi") || t.ends_with("MiB") => (
            t.trim_end_matches("iB")
                .trim_end_matches('i')
                .trim_end_matches('M'),
            1_048_576.0,
        ),
        _ if t.ends_with("Ki") || t.ends_with("KiB") => (
            t.trim_end_matches("iB")
                .trim_end_matches('i')
                .trim_end_matches('K'),
            1024.0,
        ),
        _ if t.ends_with('M') || t.ends_with("MB") => {
            (t.trim_end_matches('B').trim_end_matches('M'), 1e6)
        }
        _ if t.ends_with('k') || t.ends_with('K') || t.ends_with("kB") => {
            (t.trim_end_matches('B').trim_end_matches(['k', 'K']), 1e3)
        }
        _ => (t, 1.0),
    };
    let v: f64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a size (e.g. 10.6M, 900k, 123456)"))?;
    if v < 0.0 {
        return Err(format!("`{s}` is negative"));
    }
    Ok((v * mult).round() as u64)
}

/// `-tags` as given, without the empty entries (`-tags a,,b`).
pub fn nonempty(tags: &[String]) -> Vec<String> {
    tags.iter().filter(|t| !t.is_empty()).cloned().collect()
}

/// Splits a flags string on white space (no quoting, as go's `-gccgoflags`).
pub fn split_flags(s: &str) -> Vec<String> {
    s.split_whitespace().map(String::from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("10.6M"), Ok(10_600_000));
        assert_eq!(parse_size("900k"), Ok(900_000));
        assert_eq!(parse_size("2Mi"), Ok(2_097_152));
        assert_eq!(parse_size("42"), Ok(42));
        assert!(parse_size("big").is_err());
    }

    #[test]
    fn gccgoflags_later_wins_and_size_adds_sections() {
        let parse = |a: &[&str]| {
            let mut v = vec!["gccgo-build", "build"];
            v.extend(a);
            let Command::Build(b) =
                Cli::parse_from(normalize(v.iter().map(OsString::from).collect())).command
            else {
                panic!("build")
            };
            b.config(std::path::Path::new("/m")).expect("config").flags
        };
        let f = parse(&[
            "-gccgoflags",
            "x/...=-O0",
            "-gccgoflags=-Os",
            "-gccgoflags",
            "x/y=-O1",
        ]);
        assert_eq!(f.gcflags, ["-Os"]);
        assert_eq!(f.per_package.len(), 1, "the bare -Os overrides x/...=-O0");
        assert_eq!(f.per_package[0].flags, ["-O1"]);
        let f = parse(&["--size", "--gccgoflags", "x=-O0"]);
        assert_eq!(f.gcflags, ["-Os", "-ffunction-sections", "-fdata-sections"]);
        assert_eq!(
            f.per_package[0].flags,
            ["-O0", "-ffunction-sections", "-fdata-sections"]
        );
    }

    #[test]
    fn go_style_flags_are_accepted() {
        let v: Vec<OsString> = [
            "gccgo-build",
            "build",
            "-tags=a,b",
            "-work",
            "-o",
            "x",
            "-x",
            "./...",
        ]
        .iter()
        .map(OsString::from)
        .collect();
        let n: Vec<String> = normalize(v)
            .iter()
            .map(|s| s.to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            n,
            [
                "gccgo-build",
                "build",
                "--tags=a,b",
                "--work",
                "-o",
                "x",
                "-x",
                "./..."
            ]
        );
    }
}
