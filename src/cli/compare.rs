//! The command line of `gccgo-build compare` and its translation into
//! `compare::CompareConfig`.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use super::{LinkArg, SelectArgs};
use crate::compare::CompareConfig;
use crate::compare::measure::Common;
use crate::compare::spec::Spec;

/// `gccgo-build compare` flags.
#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    /// Toolchain specs, comma-separated (or the flag repeated): TOOLCHAIN[:FLAGS], where TOOLCHAIN is a toolchain name, a profile file, an SDK directory, `gc` or `gc@NAME`, and FLAGS replace the default compile flags (`mipsel-linux-gnu:-O2 -g`). The first is the reference.
    #[arg(
        long = "with",
        value_name = "SPECS",
        required = true,
        allow_hyphen_values = true
    )]
    pub with: Vec<String>,
    /// Run each binary with these arguments (shell-quoted, one string) under its runner and compare stdout, stderr and exit status.
    #[arg(long, value_name = "ARGS", allow_hyphen_values = true)]
    pub run: Option<String>,
    /// Run the packages' tests with each toolchain (as `gccgo-build test`, `go test` for gc) and show test × toolchain.
    #[arg(long)]
    pub test: bool,
    /// Write the report as JSON (README: "Comparing toolchains" documents the fields).
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Write one self-contained HTML page: the table, size and time charts, output differences and test matrix.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Keep each column's cache and binaries under DIR (default: a temporary directory, removed).
    #[arg(long, value_name = "DIR")]
    pub keep: Option<PathBuf>,
    /// Kill a run (`--run`) that takes longer than this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    pub run_timeout: u64,
    /// How the gccgo columns run binaries and tests: system (a Linux guest under qemu-system; `--run` needs --link static), user (qemu-user), native, or exec:CMD; gc columns keep qemu-user.
    #[arg(long, value_name = "KIND", value_parser = super::test::parse_runner)]
    pub runner: Option<crate::sysrun::RunnerKind>,
    /// How to link libgo and libc.
    #[arg(long, value_enum)]
    pub link: Option<LinkArg>,
    /// Build each column for size (`build --size`), keeping the symbol table so bytes can be attributed to packages.
    #[arg(long)]
    pub size: bool,
    /// Strip the binaries (gc: `-ldflags=-s -w`).
    #[arg(long)]
    pub strip: bool,
    /// Compile flags for the specs that name none (default `-O2 -g`).
    #[arg(long, value_name = "FLAGS", allow_hyphen_values = true)]
    pub gccgoflags: Option<String>,
    /// Extra link flags for the gccgo columns.
    #[arg(long, value_name = "FLAGS", allow_hyphen_values = true)]
    pub ldflags: Option<String>,
    /// Extra build tags, comma-separated.
    #[arg(long, value_name = "a,b", value_delimiter = ',')]
    pub tags: Vec<String>,
    /// JSON file replacing source files in the gccgo builds (as `go build -overlay`).
    #[arg(long, value_name = "FILE")]
    pub overlay: Option<PathBuf>,
    /// Module download mode of every build (`vendor`, `mod`, `readonly`).
    #[arg(long = "mod", value_name = "MODE")]
    pub mod_mode: Option<String>,
    /// Parallel jobs of each build.
    #[arg(short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// The target a bare `gc` column builds for (its GOOS/GOARCH and runner); default: the host.
    #[command(flatten)]
    pub select: SelectArgs,
    /// Package patterns.
    #[arg(value_name = "PACKAGES")]
    pub packages: Vec<String>,
}

impl CompareArgs {
    /// The configuration `compare::main` runs with.
    ///
    /// Errors: a spec that does not parse, fewer than two specs, or
    /// `--run` arguments with an unclosed quote.
    pub fn config(&self, cwd: &Path) -> Result<CompareConfig> {
        let specs = Spec::parse_list(&self.with, cwd, 2)?;
        let run = match &self.run {
            Some(r) => match shlex::split(r) {
                Some(v) => Some(v),
                None => bail!("--run {r:?}: an unclosed quote"),
            },
            None => None,
        };
        let tags: Vec<String> = super::nonempty(&self.tags);
        let mut flags: Vec<String> = Vec::new();
        if let Some(l) = self.link {
            let v = clap::ValueEnum::to_possible_value(&l).map(|v| v.get_name().to_string());
            flags.extend(["--link".to_string(), v.unwrap_or_default()]);
        }
        if self.size {
            flags.extend(["--size".into(), "--no-strip".into()]);
        }
        if self.strip {
            flags.push("--strip".into());
        }
        for (name, v) in [
            ("--gccgoflags", &self.gccgoflags),
            ("--ldflags", &self.ldflags),
        ] {
            if let Some(v) = v {
                flags.extend([name.to_string(), v.clone()]);
            }
        }
        if !tags.is_empty() {
            flags.extend(["--tags".into(), tags.join(",")]);
        }
        if let Some(o) = &self.overlay {
            flags.extend(["--overlay".into(), cwd.join(o).display().to_string()]);
        }
        if let Some(m) = &self.mod_mode {
            flags.extend(["--mod".into(), m.clone()]);
        }
        if let Some(j) = self.jobs {
            flags.extend(["-j".into(), j.to_string()]);
        }
        let me = std::env::current_exe().map_err(|e| {
            anyhow::anyhow!(
                "cannot find this program's own path: {}",
                crate::words::io_error(&e)
            )
        })?;
        Ok(CompareConfig {
            specs,
            common: Common {
                me,
                cwd: cwd.to_path_buf(),
                packages: self.packages.clone(),
                gccgo_flags: flags,
                tags,
                strip: self.strip,
                run_timeout: std::time::Duration::from_secs(self.run_timeout.max(1)),
                runner: self.runner.clone(),
            },
            target: self.select.choice(),
            run,
            test: self.test,
            json: self.json.clone(),
            html: self.html.clone(),
            keep: self.keep.clone(),
            store: crate::store::Store::from_env(),
        })
    }
}
