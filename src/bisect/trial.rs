//! One trial of a bisection: build the program with a set of compile flags
//! (this very executable, `gccgo-build build`, as a subprocess, so the cache
//! makes every package whose flags did not change a hit), run it under the
//! toolchain's runner, and keep what it printed. Trials are remembered by
//! their command line: a bisection never builds the same thing twice.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};

use crate::process::{Cmd, RunError, quote};
use crate::toolchain::Toolchain;

/// The compile flags of one trial: `base` for every package, then
/// `PATTERN=FLAGS` entries (later ones win), as `--gccgoflags` takes them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct FlagSet {
    /// Flags for every package.
    pub base: Vec<String>,
    /// (pattern, flags) per package.
    pub per_package: Vec<(String, Vec<String>)>,
}

impl FlagSet {
    /// `--gccgoflags=…` arguments, one per entry.
    pub fn args(&self) -> Vec<String> {
        let mut v = vec![format!("--gccgoflags={}", self.base.join(" "))];
        for (p, f) in &self.per_package {
            v.push(format!("--gccgoflags={p}={}", f.join(" ")));
        }
        v
    }

    /// `base` everywhere and `flags` for each of `pkgs`.
    pub fn with(base: &[String], pkgs: &[String], flags: &[String]) -> FlagSet {
        FlagSet {
            base: base.to_vec(),
            per_package: pkgs.iter().map(|p| (p.clone(), flags.to_vec())).collect(),
        }
    }
}

/// What a run of the program gave: its standard output and how it ended.
/// Two runs agree when both are equal; standard error is not compared
/// (it is where a crash's trace goes, with addresses that vary).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Outcome {
    /// Standard output, lossily decoded.
    pub stdout: String,
    /// `exit status 0`, `killed by signal 11`, `timed out after 60 s`.
    pub status: String,
}

impl Outcome {
    /// The outcome `--expect FILE` describes: that output and exit status 0.
    pub fn expected(stdout: String) -> Outcome {
        Outcome {
            stdout,
            status: "exit status 0".into(),
        }
    }
}

impl fmt::Display for Outcome {
    /// The first line of the output (at most 60 characters) and the status.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut lines = self.stdout.lines();
        let first: String = match lines.next() {
            None => "(no output)".into(),
            Some(l) if l.chars().count() > 60 => l.chars().take(57).collect::<String>() + "...",
            Some(l) => format!("{l:?}"),
        };
        let more = lines.count();
        let more = if more > 0 {
            format!(" +{more} lines")
        } else {
            String::new()
        };
        write!(f, "{first}{more}, {}", self.status)
    }
}

/// How a trial ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trial {
    /// The program was built and ran.
    Ran(Outcome),
    /// The build failed: the last lines of what it said.
    BuildFailed(String),
}

/// Builds and runs trials of one program.
pub struct Bench {
    /// This executable.
    exe: PathBuf,
    /// The main package to build.
    package: String,
    /// Build flags shared by every trial (`--tags`, `--overlay`, …).
    build_args: Vec<String>,
    /// Arguments of the program.
    run_args: Vec<String>,
    /// Longest run of the program.
    timeout: Duration,
    /// Where the binaries go (removed after each run).
    dir: tempfile::TempDir,
    /// Trials so far, by build command line.
    memo: HashMap<Vec<String>, Trial>,
    /// Builds started, for the binaries' names.
    count: usize,
}

impl Bench {
    /// A bench for `package` with `build_args` for every build.
    ///
    /// Errors: this executable's path is unknown, or no temporary directory.
    pub fn new(
        package: &str,
        build_args: Vec<String>,
        run_args: Vec<String>,
        timeout: Duration,
    ) -> Result<Bench> {
        let exe = std::env::current_exe().context("finding the gccgo-build executable")?;
        let dir = tempfile::Builder::new()
            .prefix("gccgo-build-bisect-")
            .tempdir()
            .context("creating a temporary directory")?;
        crate::cleanup::add_dir(dir.path());
        Ok(Bench {
            exe,
            package: package.to_string(),
            build_args,
            run_args,
            timeout,
            dir,
            memo: HashMap::new(),
            count: 0,
        })
    }

    /// The build command's arguments after `gccgo-build`: `build`, the
    /// toolchain selection, the flags, the shared build flags, `-o OUT` and
    /// the package (`extra` goes before `-o`: `-n`, `-x`).
    fn build_argv(
        &self,
        select: &[String],
        flags: &FlagSet,
        extra: &[&str],
        out: &Path,
    ) -> Vec<String> {
        let mut v = vec!["build".to_string()];
        v.extend(select.iter().cloned());
        v.extend(flags.args());
        v.extend(self.build_args.iter().cloned());
        v.extend(extra.iter().map(|s| s.to_string()));
        v.extend(["-o".to_string(), out.to_string_lossy().into_owned()]);
        v.push(self.package.clone());
        v
    }

    /// Builds made so far.
    pub fn builds(&self) -> usize {
        self.count
    }

    /// The build command a user types to reproduce a trial, shell-quoted,
    /// writing `./prog`.
    pub fn build_command(&self, select: &[String], flags: &FlagSet) -> String {
        let argv = self.build_argv(select, flags, &[], Path::new("prog"));
        let mut words = vec!["gccgo-build".to_string()];
        words.extend(argv.iter().map(|a| quote(a, None)));
        words.join(" ")
    }

    /// The command that runs `./prog` under `tc`'s runner, shell-quoted.
    pub fn run_command(&self, tc: &Toolchain) -> String {
        let mut argv = crate::gotest::runner_command(None, tc, Path::new("./prog"));
        argv.extend(self.run_args.iter().cloned());
        argv.iter()
            .map(|a| quote(a, None))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Builds with `flags` for the toolchain `select` names (`tc`, probed)
    /// and runs the program; a trial seen before is not built again.
    ///
    /// Errors: gccgo-build or the runner cannot be started.
    pub fn trial(
        &mut self,
        tc: &Toolchain,
        select: &[String],
        flags: &FlagSet,
    ) -> Result<(Trial, Duration)> {
        let key = self.build_argv(select, flags, &[], Path::new("prog"));
        if let Some(t) = self.memo.get(&key) {
            return Ok((t.clone(), Duration::ZERO));
        }
        let start = Instant::now();
        self.count += 1;
        let prog = self.dir.path().join(format!("prog-{}", self.count));
        let build = Cmd::new(self.exe.as_os_str()).args(self.build_argv(select, flags, &[], &prog));
        let t = match build.run(None) {
            Ok(_) => Trial::Ran(self.run(tc, &prog)?),
            Err(RunError::Failed { output, .. }) => Trial::BuildFailed(tail(&output.combined(), 6)),
            Err(e) => bail!("running gccgo-build for a trial build: {e}"),
        };
        let _ = std::fs::remove_file(&prog);
        self.memo.insert(key, t.clone());
        Ok((t, start.elapsed()))
    }

    /// Runs `prog` under `tc`'s runner with the program's arguments.
    fn run(&self, tc: &Toolchain, prog: &Path) -> Result<Outcome> {
        let mut argv = crate::gotest::runner_command(None, tc, prog);
        argv.extend(self.run_args.iter().cloned());
        let cmd = Cmd::new(&argv[0]).args(&argv[1..]);
        match cmd.run(Some(self.timeout)) {
            Ok(o) => Ok(Outcome {
                stdout: o.stdout,
                status: "exit status 0".into(),
            }),
            Err(RunError::Failed { status, output, .. }) => Ok(Outcome {
                stdout: output.stdout,
                status,
            }),
            Err(RunError::TimedOut { after, .. }) => Ok(Outcome {
                stdout: String::new(),
                status: format!("timed out after {}", crate::process::human_duration(after)),
            }),
            Err(e @ RunError::Spawn { .. }) => bail!(
                "cannot run the program: {e}; for another architecture, install its runner (qemu-user-static)"
            ),
        }
    }

    /// The Go compile command of `pkg` in the build with `flags`, from
    /// `gccgo-build build -n` (its `$WORK` is a directory of that dry run).
    ///
    /// Errors: gccgo-build cannot be run, or its plan has no such compile.
    pub fn compile_line(&self, select: &[String], flags: &FlagSet, pkg: &str) -> Result<String> {
        let prog = self.dir.path().join("prog-n");
        let cmd =
            Cmd::new(self.exe.as_os_str()).args(self.build_argv(select, flags, &["-n"], &prog));
        let out = cmd.run(None).map_err(|e| anyhow::anyhow!("{e}"))?;
        let label = format!("# {pkg}");
        let mut lines = out.stdout.lines().skip_while(|l| *l != label);
        match lines.find(|l| l.contains(" -c ")) {
            Some(l) => Ok(l.to_string()),
            None => bail!("`gccgo-build build -n` planned no compile of {pkg}"),
        }
    }
}

/// The last `n` lines of `s`, indented, for a note.
fn tail(s: &str, n: usize) -> String {
    let lines: Vec<&str> = s.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n    ")
}
