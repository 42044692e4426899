//! The flags of `gccgo-build test` and `gccgo-build run` (go's names and
//! meanings), and the configurations they make (`gotest::TestConfig`,
//! `gotest::RunConfig`).

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use clap::Args;

use super::CompileArgs;
use crate::gotest::{RunConfig, TestConfig};

/// `gccgo-build test` flags.
#[derive(Debug, Args)]
pub struct TestArgs {
    /// Run only the tests, examples and fuzz targets matching this regular expression.
    #[arg(long, value_name = "RE")]
    pub run: Option<String>,
    /// Show every test's output, not only the failures'.
    #[arg(short = 'v')]
    pub verbose: bool,
    /// Run each test N times (`-count=1` also skips the cached results).
    #[arg(long, value_name = "N")]
    pub count: Option<u32>,
    /// Tell long-running tests to shorten their run (`testing.Short`).
    #[arg(long)]
    pub short: bool,
    /// Make a test binary that runs longer than this panic (a Go duration: `10m`, `30s`; 0: no limit).
    #[arg(long, value_name = "D", default_value = "10m")]
    pub timeout: String,
    /// Run the benchmarks matching this regular expression.
    #[arg(long, value_name = "RE")]
    pub bench: Option<String>,
    /// Build the test binaries (`<name>.test`) but do not run them.
    #[arg(short = 'c')]
    pub compile_only: bool,
    /// With -c: write the test binary here (a file, or a directory).
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
    /// Compile flags and packages.
    #[command(flatten)]
    pub compile: CompileArgs,
    /// Arguments for every test binary (after `-args` or `--`).
    #[arg(last = true, value_name = "ARGS")]
    pub args: Vec<String>,
}

impl TestArgs {
    /// The second layer.
    ///
    /// Errors: `-o` without `-c`, or a `-timeout` that is not a Go duration.
    pub fn config(&self, cwd: &Path) -> Result<TestConfig> {
        if self.output.is_some() && !self.compile_only {
            bail!("test: -o is only for -c (write the test binary instead of running it)");
        }
        if crate::gotest::parse_go_duration(&self.timeout).is_none() {
            bail!(
                "test: -timeout {:?} is not a duration (e.g. 10m, 30s, 1m30s, 0)",
                self.timeout
            );
        }
        let mut build = self.compile.config(cwd)?;
        build.output = self.output.clone();
        build.quiet = true;
        if let (Some(p), None) = (self.parallel, self.compile.jobs) {
            build.jobs = p.max(1);
        }
        let parallel = self
            .parallel
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
        Ok(TestConfig {
            build,
            run: self.run.clone(),
            verbose: self.verbose,
            count: self.count,
            short: self.short,
            timeout: self.timeout.clone(),
            bench: self.bench.clone(),
            compile_only: self.compile_only,
            json: self.json,
            exec: self.exec.as_deref().map(super::split_flags),
            runner: self.runner.clone(),
            memory_mib: self.memory,
            parallel: parallel.max(1),
            args: self.args.clone(),
        })
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
