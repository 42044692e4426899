//! CLI: the command line in two layers, as ripgrep does. The raw layer is
//! clap (with go-style single-dash long flags such as `-json`, `-tags`,
//! `-work` rewritten to `--json` … before clap sees them); the second layer
//! checks and resolves the raw flags into the configuration each
//! subcommand runs with. Exit codes: 0 success, 1 failure, 2 usage error.

use std::ffi::OsString;
use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Parser, Subcommand};

use crate::plan::LinkMode;

pub mod doctor;
pub mod inspect;

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
    Toolchains(crate::profile::ToolchainsArgs),
    /// Print the resolved settings of one target, like `go env`.
    Env(crate::profile::EnvArgs),
    /// List packages with go's `go list` field names (`-json`, `-deps`, `-f`).
    List(crate::list::ListArgs),
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
    /// The flags as the borrowed `Selection` that `profile::resolve` takes.
    pub fn selection(&self) -> crate::profile::Selection<'_> {
        crate::profile::Selection {
            target: self.target.as_deref(),
            toolchain: self.toolchain.as_deref(),
            sdk: self.sdk.as_deref(),
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

/// `gccgo-build build` flags.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Where to write the command (a file, or an existing directory).
    #[arg(short = 'o', value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Parallel jobs (default: available parallelism).
    #[arg(short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// Print the commands as they run.
    #[arg(short = 'x')]
    pub print_commands: bool,
    /// Print the commands without running them (a shell script on stdout).
    #[arg(short = 'n')]
    pub dry_run: bool,
    /// Name packages as they are compiled.
    #[arg(short = 'v')]
    pub verbose: bool,
    /// Keep going after a failure where the graph allows.
    #[arg(short = 'k')]
    pub keep_going: bool,
    /// Keep the work directory and print its name.
    #[arg(long)]
    pub work: bool,
    /// How to link libgo and libc.
    #[arg(long, value_enum, default_value = "static-libgo")]
    pub link: LinkMode,
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
    /// Fail (and remove the output) when a linked command is larger than this: bytes, or with a k/M suffix (10^3, 10^6; `10.6M`).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_size: Option<u64>,
    /// Say for each package why it was rebuilt.
    #[arg(long)]
    pub explain: bool,
    /// Kill a compiler (with its subprocesses) that runs longer than this many seconds; 0 means no limit.
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<u64>,
    /// Package loading flags.
    #[command(flatten)]
    pub load: LoadArgs,
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
];

/// Rewrites `-json` to `--json` (and `-tags=x` to `--tags=x`) for the names in `GO_STYLE`.
pub fn normalize(args: Vec<OsString>) -> Vec<OsString> {
    let mut out = Vec::with_capacity(args.len());
    let mut after_dashdash = false;
    for a in args {
        let s = a.to_string_lossy();
        if after_dashdash || !s.starts_with('-') || s.starts_with("--") {
            after_dashdash |= s == "--";
            out.push(a);
            continue;
        }
        let name = s[1..].split('=').next().unwrap_or("");
        if GO_STYLE.contains(&name) {
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
        Command::Build(b) => crate::build::build(&cwd, &b),
        Command::Inspect(a) => crate::inspect::main(&cwd, &a.config()),
        Command::Doctor(a) => crate::doctor::main(&cwd, &a.config()),
        Command::Toolchains(a) => crate::profile::toolchains_main(&cwd, &a),
        Command::Env(a) => crate::profile::env_main(&cwd, &a),
        Command::List(a) => crate::list::main(&cwd, &a),
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
