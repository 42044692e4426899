//! CLI: the command line in two layers, as ripgrep does. The raw layer is
//! clap (with go-style single-dash long flags such as `-json`, `-tags`,
//! `-work` rewritten to `--json` … before clap sees them); the second layer
//! checks and resolves the raw flags into the configuration each
//! subcommand runs with. Exit codes: 0 success, 1 failure, 2 usage error.

use std::ffi::OsString;
use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Parser, Subcommand};

use crate::build::BuildConfig;
use crate::plan::{Flags, LinkMode};
use crate::progress::Explain;
use crate::store::Store;

pub mod cache;
pub mod compare;
pub mod complete;
pub mod doctor;
pub mod graph;
pub mod inspect;
pub mod list;
pub mod size;
pub mod test;
pub mod toolchains;

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
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compile packages and link commands.
    Build(BuildArgs),
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
    /// Say which packages the bytes of a binary belong to (from its symbol table).
    Size(size::SizeArgs),
    /// Print the import graph (DOT or JSON), with compile times and object sizes from the cache.
    Graph(graph::GraphArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completion(complete::CompletionArgs),
    /// Print a man page (roff): gccgo-build(1), or a subcommand's.
    Man(complete::ManArgs),
    /// Show what the build cache holds and how often it hit (`stats`), or trim it (`trim`).
    Cache(cache::CacheArgs),
}

/// The flags that choose a toolchain (`build`, `list`, `env`); see
/// `profile::resolve` for how they combine.
#[derive(Debug, Args, Clone, Default)]
pub struct SelectArgs {
    /// Target: a toolchain profile (`gccgo-build toolchains` lists them) or a triple whose `<triple>-gccgo` is in PATH; default: the host gccgo.
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
    /// The flags as the owned `profile::Choice` the layers below take.
    pub fn choice(&self) -> crate::profile::Choice {
        crate::profile::Choice {
            target: self.target.clone(),
            toolchain: self.toolchain.clone(),
            sdk: self.sdk.clone(),
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
    /// Module download mode: `vendor` uses vendor/ (as `go build -mod`).
    #[arg(long = "mod", value_name = "MODE", default_value = "")]
    pub mod_mode: String,
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
            tags: self
                .tags
                .iter()
                .filter(|t| !t.is_empty())
                .cloned()
                .collect(),
            mod_mode: self.mod_mode.clone(),
            overlay: self.overlay.clone(),
            packages: self.packages.clone(),
            tests: false,
        }
    }
}

/// The flags of every command that compiles (`build`, `test`, `run`).
#[derive(Debug, Args, Clone)]
pub struct CompileArgs {
    /// Parallel jobs (default: available parallelism).
    #[arg(short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
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
    /// Flags for every Go compile, replacing the default `-O2 -g` (space-separated).
    #[arg(long, value_name = "FLAGS", allow_hyphen_values = true)]
    pub gccgoflags: Option<String>,
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
    /// Fail (and remove the output) when a linked command is larger than this: bytes, or with a k/M suffix (10^3, 10^6; `10.6M`).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_size: Option<u64>,
    /// With --explain: one JSON object a line on stdout instead of text.
    #[arg(long, requires = "explain")]
    pub json: bool,
    /// Kill a compiler (with its subprocesses) that runs longer than this many seconds; 0 means no limit.
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<u64>,
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

impl CompileArgs {
    /// The second layer: what the flags mean, defaults resolved (`-j`: the
    /// available parallelism; `--cache`: `store::Store::from_flag`), and
    /// `--size` folded into the compile and link flags. The fields of
    /// `BuildConfig` that only `build` sets get their defaults.
    ///
    /// Errors: `-ldflags` that do not parse (`xflag::parse_ldflags`), or
    /// remote-cache settings that do not (`cache::FarmArgs::cache_options`).
    pub fn config(&self, cwd: &std::path::Path) -> anyhow::Result<BuildConfig> {
        let mut flags = Flags::default();
        let mut xs = Vec::new();
        if let Some(f) = &self.gccgoflags {
            flags.gcflags = split_flags(f);
        }
        if let Some(f) = &self.ldflags {
            (xs, flags.ldflags) = crate::xflag::parse_ldflags(f)?;
        }
        flags.link = self.link.into();
        if self.size {
            // As one does by hand for a router's flash: optimise for size, let the
            // linker drop unused functions and data, and no PIE where the target allows.
            if self.gccgoflags.is_none() {
                flags.gcflags = vec!["-Os".into()];
            }
            flags
                .gcflags
                .extend(["-ffunction-sections".into(), "-fdata-sections".into()]);
            flags
                .ldflags
                .extend(["-Wl,--gc-sections".into(), "-no-pie".into()]);
        }
        flags.strip = self.strip || (self.size && !self.no_strip);
        flags.trimpath = self.trimpath.then(|| cwd.to_path_buf());
        Ok(BuildConfig {
            load: self.load.config(),
            output: None,
            jobs: self
                .jobs
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
                .max(1),
            print_commands: self.print_commands,
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
                gccgoflags: self.gccgoflags.clone(),
                ldflags: self.ldflags.clone(),
                tags: self
                    .load
                    .tags
                    .iter()
                    .filter(|t| !t.is_empty())
                    .cloned()
                    .collect(),
                trimpath: self.trimpath,
            },
            xs,
            linker: self.farm.linker(),
            cache: self.farm.cache_options()?,
        })
    }
}

impl BuildArgs {
    /// The second layer of `build`: `CompileArgs::config` plus `-o`, `-n`,
    /// `-v`, `--max-size`, `--explain --json` and `--timeout` (0: no limit).
    ///
    /// Errors: as `CompileArgs::config`.
    pub fn config(&self, cwd: &std::path::Path) -> anyhow::Result<BuildConfig> {
        let mut c = self.compile.config(cwd)?;
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
        Ok(c)
    }
}

/// Long flags that go users type with one dash.
const GO_STYLE: &[&str] = &[
    "json",
    "deps",
    "tags",
    "work",
    "mod",
    "overlay",
    "target",
    "explain",
    "link",
    "toolchain",
    "sdk",
    "size",
    "max-size",
    "strip",
    "cache",
    "gccgoflags",
    "ldflags",
    "timeout",
    "run",
    "count",
    "short",
    "bench",
    "exec",
    "test",
    "with",
    "html",
    "keep",
    "no-strip",
    "run-timeout",
    "trimpath",
    "by",
    "svg",
    "top",
    "format",
    // Not "std": a flag value such as `-gccgoflags -std=gnu11` would be rewritten.
];

/// Rewrites `-json` to `--json` (and `-tags=x` to `--tags=x`) for the names in `GO_STYLE`.
pub fn normalize(args: Vec<OsString>) -> Vec<OsString> {
    let mut out = Vec::with_capacity(args.len());
    let mut after_dashdash = false;
    for a in args {
        let s = a.to_string_lossy();
        if after_dashdash || !s.starts_with('-') || (s.starts_with("--") && s != "--args") {
            after_dashdash |= s == "--";
            out.push(a);
            continue;
        }
        let name = s.trim_start_matches('-').split('=').next().unwrap_or("");
        if name == "args" {
            // go test's `-args`: the rest goes to the test binary.
            after_dashdash = true;
            out.push(OsString::from("--"));
        } else if GO_STYLE.contains(&name) {
            out.push(OsString::from(format!("-{s}")));
        } else {
            out.push(a);
        }
    }
    out
}

/// Parses and runs a command line (`argv[0]` included); returns the exit status.
///
/// Errors: whatever the subcommand reports (bad input, failed build).
pub fn run(args: Vec<OsString>) -> Result<i32> {
    let cli = match Cli::try_parse_from(normalize(args)) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
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
    match cli.command {
        Command::Build(b) => crate::build::build(&cwd, &b.config(&cwd)?),
        Command::Inspect(a) => crate::inspect::main(&cwd, &a.config()),
        Command::Doctor(a) => crate::doctor::main(&cwd, &a.config()),
        Command::Toolchains(a) => crate::profile::toolchains_main(&cwd, &a.config()),
        Command::Env(a) => crate::profile::env_main(&cwd, &a.config()),
        Command::List(a) => crate::list::main(&cwd, &a.config()),
        Command::Test(a) => crate::gotest::test_main(&cwd, &a.config(&cwd)?),
        Command::Run(a) => crate::gotest::run_main(&cwd, &a.config(&cwd)?),
        Command::Compare(a) => crate::compare::main(&a.config(&cwd)?),
        Command::Size(a) => crate::sizes::main(&cwd, &a.config()),
        Command::Graph(a) => crate::depgraph::main(&cwd, &a.config(&cwd)),
        Command::Completion(a) => complete::completion_main(&a),
        Command::Man(a) => complete::man_main(&a),
        Command::Cache(a) => crate::cache::tool_main(&a.config(&cwd)?),
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
