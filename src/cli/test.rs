//! The flags of `gccgo-build test` and `gccgo-build run` (go's names and
//! meanings), and the configurations they make (`gotest::TestConfig`,
//! `gotest::RunConfig`).

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use clap::Args;

use super::CompileArgs;
use crate::gotest::{RunConfig, TestConfig};

/// `gccgo-build test` flags: go 1.19's `go test` flags (those that reach
/// the test binary are listed in `gotest::flags::PASS_TO_TEST`).
#[derive(Debug, Args)]
pub struct TestArgs {
    /// Run only the tests, examples and fuzz targets matching this regular expression.
    #[arg(long, value_name = "RE")]
    pub run: Option<String>,
    /// Show every test's output, not only the failures'.
    #[arg(short = 'v')]
    pub verbose: bool,
    /// Run each test N times (any -count also skips the cached results).
    #[arg(long, value_name = "N")]
    pub count: Option<u32>,
    /// Tell long-running tests to shorten their run (`testing.Short`).
    #[arg(long)]
    pub short: bool,
    /// Make a test binary that runs longer than this panic (a Go duration: `10m`, `30s`; 0: no limit).
    #[arg(long, value_name = "D")]
    pub timeout: Option<String>,
    /// Run the benchmarks matching this regular expression.
    #[arg(long, value_name = "RE")]
    pub bench: Option<String>,
    /// Run each benchmark for this long, or this many times (`1s`, `100x`).
    #[arg(long, value_name = "D")]
    pub benchtime: Option<String>,
    /// Print memory allocation statistics of benchmarks.
    #[arg(long)]
    pub benchmem: bool,
    /// Stop after the first failing test of each package.
    #[arg(long)]
    pub failfast: bool,
    /// Run at most N tests that call `t.Parallel` at once (default: GOMAXPROCS).
    #[arg(long = "parallel", value_name = "N", id = "test_parallel")]
    pub test_parallel: Option<u32>,
    /// Run the tests with each GOMAXPROCS of this comma-separated list.
    #[arg(long, value_name = "LIST")]
    pub cpu: Option<String>,
    /// Run tests and benchmarks in random order: `off`, `on`, or a seed.
    #[arg(long, value_name = "off|on|N")]
    pub shuffle: Option<String>,
    /// List the tests, benchmarks, fuzz targets and examples matching this regular expression; run none.
    #[arg(long, value_name = "RE")]
    pub list: Option<String>,
    /// go vet's checks during go test: accepted; gccgo has no vet, so none run.
    #[arg(long, value_name = "LIST")]
    pub vet: Option<String>,
    /// Build the test binaries (`<name>.test`) but do not run them.
    #[arg(short = 'c')]
    pub compile_only: bool,
    /// Write the test binary here (a file, or a directory to write `<name>.test` into); without -c the test still runs.
    #[arg(short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Print go test's JSON event stream (as `go test -json`) on stdout.
    #[arg(long)]
    pub json: bool,
    /// Run each test binary with this command (split on spaces), as `go test -exec`.
    #[arg(long, value_name = "CMD")]
    pub exec: Option<String>,
    /// How to run the program: system (a Linux guest under qemu-system, one boot a run: see the README's "The system runner"), user (qemu-user), native, or exec:CMD; default: the profile's runner_kind, else user.
    #[arg(long, value_name = "KIND", value_parser = parse_runner)]
    pub runner: Option<crate::sysrun::RunnerKind>,
    /// With -runner system: the guest's memory in MiB (default: the most its kernel can use: 256 without HIGHMEM).
    #[arg(short = 'm', value_name = "MIB")]
    pub memory: Option<u32>,
    /// Test binaries run at once, and compiles too unless -j says otherwise (default: available parallelism), as `go test -p`.
    #[arg(short = 'p', value_name = "N")]
    pub parallel: Option<usize>,
    /// Enable coverage analysis, as `go test -cover` (go 1.19's: the sources are rewritten as cmd/cover does).
    #[arg(long)]
    pub cover: bool,
    /// Coverage mode: set (default), count or atomic. Sets -cover.
    #[arg(long, value_name = "MODE")]
    pub covermode: Option<String>,
    /// Cover the packages matching these comma-separated patterns in every test binary. Sets -cover.
    #[arg(long, value_name = "PATTERNS")]
    pub coverpkg: Option<String>,
    /// Write the coverage profile of all the tests to this file. Sets -cover.
    #[arg(long, value_name = "FILE")]
    pub coverprofile: Option<PathBuf>,
    /// Compile flags and packages.
    #[command(flatten)]
    pub compile: CompileArgs,
    /// Arguments for every test binary (after `-args` or `--`).
    #[arg(last = true, value_name = "ARGS")]
    pub args: Vec<String>,
}

impl TestArgs {
    /// The flags given that reach the test binary, in
    /// `gotest::flags::PASS_TO_TEST`'s order: (name, value as go prints it).
    ///
    /// Errors: a `-timeout` that is not a Go duration, a bad `-shuffle`.
    fn passed(&self) -> Result<Vec<(&'static str, String)>> {
        let t = |b: bool| b.then(|| "true".to_string());
        let timeout = match &self.timeout {
            Some(d) => match crate::gotest::parse_go_duration(d) {
                Some(d) => Some(crate::gotest::flags::go_duration(d)),
                None => bail!(
                    "invalid value {d:?} for flag -timeout: parse error (a Go duration: 10m, 30s, 1m30s, 0)"
                ),
            },
            None => None,
        };
        if let Some(s) = &self.shuffle {
            crate::gotest::flags::check_shuffle(s).map_err(anyhow::Error::msg)?;
        }
        let values = [
            ("bench", self.bench.clone()),
            ("benchmem", t(self.benchmem)),
            ("benchtime", self.benchtime.clone()),
            ("count", self.count.map(|n| n.to_string())),
            ("cpu", self.cpu.clone()),
            ("failfast", t(self.failfast)),
            ("list", self.list.clone()),
            ("parallel", self.test_parallel.map(|n| n.to_string())),
            ("run", self.run.clone()),
            ("short", t(self.short)),
            ("shuffle", self.shuffle.clone()),
            ("timeout", timeout),
            ("v", t(self.verbose)),
        ];
        Ok(values
            .into_iter()
            .filter_map(|(n, v)| v.map(|v| (n, v)))
            .collect())
    }

    /// The second layer.
    ///
    /// Errors: a bad flag value (`passed`, `-vet`).
    pub fn config(&self, cwd: &Path) -> Result<TestConfig> {
        let pass = self.passed()?;
        let vet_off = match &self.vet {
            Some(v) => Some(crate::gotest::flags::check_vet(v).map_err(anyhow::Error::msg)?),
            None => None,
        };
        let mut build = self.compile.config(cwd)?;
        build.output = self.output.clone();
        build.quiet = true;
        if let (Some(p), None) = (self.parallel, self.compile.jobs) {
            build.jobs = p.max(1);
        }
        let parallel = self
            .parallel
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
        let timeout = pass
            .iter()
            .find(|(n, _)| *n == "timeout")
            .map_or_else(|| "10m0s".to_string(), |(_, v)| v.clone());
        Ok(TestConfig {
            packages_named: !build.load.packages.is_empty(),
            build,
            run: self.run.clone(),
            verbose: self.verbose,
            count: self.count,
            short: self.short,
            timeout,
            bench: self.bench.clone(),
            compile_only: self.compile_only,
            json: self.json,
            exec: self.exec.as_deref().map(super::split_flags),
            runner: self.runner.clone(),
            memory_mib: self.memory,
            parallel: parallel.max(1),
            args: self.args.clone(),
            cover: self.cover_config(cwd)?,
            pass: pass.into_iter().map(|(n, v)| (n.to_string(), v)).collect(),
            list: self.list.is_some(),
            vet_skipped: vet_off == Some(false),
        })
    }

    /// `-cover` and the flags that set it, as go's `coverFlag`s; `None`
    /// when none is given. The default mode is `set` (go's `atomic` comes
    /// with `-race`, which gccgo-build does not have).
    ///
    /// Errors: a `-covermode` other than set, count or atomic (go's message).
    fn cover_config(&self, cwd: &Path) -> Result<Option<crate::gotest::CoverConfig>> {
        let on = self.cover
            || self.covermode.is_some()
            || self.coverpkg.is_some()
            || self.coverprofile.is_some();
        if !on {
            return Ok(None);
        }
        let mode = match self.covermode.as_deref() {
            None | Some("") => crate::cover::Mode::Set,
            Some(m) => crate::cover::Mode::parse(m)?,
        };
        let pkgs = match self.coverpkg.as_deref() {
            None | Some("") => Vec::new(),
            Some(v) => v.split(',').map(String::from).collect(),
        };
        // As go's initCoverProfile: none with -c; relative to the working directory.
        let profile = self
            .coverprofile
            .as_ref()
            .filter(|_| !self.compile_only)
            .map(|p| cwd.join(p));
        Ok(Some(crate::gotest::CoverConfig {
            mode,
            pkgs,
            profile,
        }))
    }
}

/// `gccgo-build run` flags.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Run the program with this command (split on spaces) instead of the target's runner.
    #[arg(long, value_name = "CMD")]
    pub exec: Option<String>,
    /// How to run the program: system (a Linux guest under qemu-system, one boot a run: see the README's "The system runner"), user (qemu-user), native, or exec:CMD; default: the profile's runner_kind, else user.
    #[arg(long, value_name = "KIND", value_parser = parse_runner)]
    pub runner: Option<crate::sysrun::RunnerKind>,
    /// With -runner system: the guest's memory in MiB (default: the most its kernel can use: 256 without HIGHMEM).
    #[arg(short = 'm', value_name = "MIB")]
    pub memory: Option<u32>,
    /// Kill the program (its guest, under -runner system) after this long (a Go duration; 0: no limit).
    #[arg(long, value_name = "D", default_value = "0")]
    pub timeout: String,
    /// Parallel jobs: the go command's name for `-j`.
    #[arg(short = 'p', value_name = "N", conflicts_with = "jobs")]
    pub parallel: Option<usize>,
    /// Compile flags and the package (one main package).
    #[command(flatten)]
    pub compile: CompileArgs,
    /// Arguments for the program (after `--`).
    #[arg(last = true, value_name = "ARGS")]
    pub args: Vec<String>,
}

impl RunArgs {
    /// The second layer.
    ///
    /// Errors: as `CompileArgs::config`.
    pub fn config(&self, cwd: &Path) -> Result<RunConfig> {
        let mut build = self.compile.config(cwd)?;
        build.quiet = true;
        if let Some(p) = self.parallel {
            build.jobs = p.max(1);
        }
        let timeout = crate::gotest::parse_go_duration(&self.timeout).ok_or_else(|| {
            anyhow::anyhow!(
                "run: -timeout {:?} is not a duration (e.g. 10m, 30s, 1m30s, 0)",
                self.timeout
            )
        })?;
        let (packages, mut args) = split_run_args(&build.load.packages);
        build.load.outside = crate::resolve::outside::wanted_by_run(&packages);
        build.load.packages = packages;
        args.extend(self.args.iter().cloned());
        Ok(RunConfig {
            build,
            exec: self.exec.as_deref().map(super::split_flags),
            runner: self.runner.clone(),
            memory_mib: self.memory,
            timeout: (!timeout.is_zero()).then_some(timeout),
            args,
        })
    }
}

/// `-runner KIND` (`sysrun::RunnerKind::parse`), for clap.
pub fn parse_runner(s: &str) -> Result<crate::sysrun::RunnerKind, String> {
    crate::sysrun::RunnerKind::parse(s).map_err(|e| format!("{e:#}"))
}

/// `go run`'s reading of its arguments (cmd/go/internal/run): the leading
/// arguments that end in `.go` are the files of the program, or else the
/// first argument is its package; the rest go to the program. Returns
/// (packages, program arguments). Arguments starting with `-` still need
/// `--` before them here, or they are read as flags.
pub fn split_run_args(args: &[String]) -> (Vec<String>, Vec<String>) {
    let files = args.iter().take_while(|a| a.ends_with(".go")).count();
    let n = if files > 0 { files } else { args.len().min(1) };
    (args[..n].to_vec(), args[n..].to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_arguments_split_as_go_run_splits_them() {
        let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            split_run_args(&v(&["a.go", "b.go", "x", "y.go"])),
            (v(&["a.go", "b.go"]), v(&["x", "y.go"]))
        );
        assert_eq!(
            split_run_args(&v(&["./cmd/minion", "x"])),
            (v(&["./cmd/minion"]), v(&["x"]))
        );
        assert_eq!(split_run_args(&[]), (vec![], vec![]));
    }
}
