//! The flags of `gccgo-build bisect` and the configuration they make
//! (`bisect::BisectConfig`).

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use clap::Args;

use super::{LinkArg, split_flags};
use crate::bisect::BisectConfig;
use crate::compare::spec::Spec;

/// `gccgo-build bisect` flags.
#[derive(Debug, Args)]
pub struct BisectArgs {
    /// The build that prints the right output: TOOLCHAIN[:FLAGS] (`mipsel-linux-gnu:-O0 -g`); FLAGS replace the default `-O2 -g` on every package.
    #[arg(long, value_name = "SPEC", allow_hyphen_values = true)]
    pub good: String,
    /// The build that prints a wrong one: TOOLCHAIN[:FLAGS] (`mipsel-linux-gnu:-O2 -g`), with the same toolchain as --good for the package and option bisection.
    #[arg(long, value_name = "SPEC", allow_hyphen_values = true)]
    pub bad: String,
    /// The program's arguments (split on blanks).
    #[arg(long = "run", value_name = "ARGS", allow_hyphen_values = true)]
    pub run_args: Option<String>,
    /// A file holding the right output (standard output, with exit status 0), instead of the good build's.
    #[arg(long, value_name = "FILE")]
    pub expect: Option<PathBuf>,
    /// Candidate options for the option bisection, comma-separated (`-fdelayed-branch,-ftree-vrp`), instead of every `-f` option the bad flags enable and the good ones do not.
    #[arg(
        long,
        value_name = "LIST",
        value_delimiter = ',',
        allow_hyphen_values = true
    )]
    pub options: Option<Vec<String>>,
    /// Kill a run of the program after this many seconds (the run's outcome is then "timed out").
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    pub timeout: u64,
    /// The summary as one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
    /// Parallel jobs of each build.
    #[arg(short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// Extra build tags, comma-separated (as `go build -tags`).
    #[arg(long, value_name = "a,b", value_delimiter = ',')]
    pub tags: Vec<String>,
    /// Module download mode: `vendor` uses vendor/ (as `go build -mod`).
    #[arg(long = "mod", value_name = "MODE", default_value = "")]
    pub mod_mode: String,
    /// JSON file replacing source files (as `go build -overlay`).
    #[arg(long, value_name = "FILE")]
    pub overlay: Option<PathBuf>,
    /// How to link libgo and libc.
    #[arg(long, value_enum, default_value = "static-libgo")]
    pub link: LinkArg,
    /// Extra link flags (space-separated).
    #[arg(long, value_name = "FLAGS", allow_hyphen_values = true)]
    pub ldflags: Option<String>,
    /// Cache directory for every build (as `build --cache`); `off` makes each trial compile everything.
    #[arg(long, value_name = "DIR")]
    pub cache: Option<PathBuf>,
    /// The main package to build and run.
    #[arg(value_name = "PACKAGE")]
    pub package: String,
}

impl BisectArgs {
    /// The second layer: the specs parsed, the build flags that every trial
    /// passes on, and the candidate options written as `-fX`.
    ///
    /// Errors: a spec that does not parse, or an option that is not `-fX`.
    pub fn config(&self, cwd: &Path) -> Result<BisectConfig> {
        let options = match &self.options {
            None => None,
            Some(list) => Some(
                list.iter()
                    .filter(|o| !o.trim().is_empty())
                    .map(|o| option_name(o.trim()))
                    .collect::<Result<Vec<_>>>()?,
            ),
        };
        Ok(BisectConfig {
            good: Spec::parse(&self.good, cwd)?,
            bad: Spec::parse(&self.bad, cwd)?,
            run_args: self
                .run_args
                .as_deref()
                .map(split_flags)
                .unwrap_or_default(),
            expect: self.expect.as_ref().map(|p| cwd.join(p)),
            options,
            package: self.package.clone(),
            load: crate::build::LoadConfig {
                tags: super::nonempty(&self.tags),
                mod_mode: self.mod_mode.clone(),
                overlay: self.overlay.clone(),
                ..Default::default()
            },
            build_args: self.build_args(cwd),
            store: crate::store::Store::from_flag(cwd, self.cache.as_deref()),
            timeout: std::time::Duration::from_secs(self.timeout.max(1)),
            json: self.json,
        })
    }

    /// The flags every trial's `gccgo-build build` gets.
    fn build_args(&self, cwd: &Path) -> Vec<String> {
        let mut v = Vec::new();
        let path = |p: &Path| cwd.join(p).to_string_lossy().into_owned();
        if let Some(j) = self.jobs {
            v.push(format!("-j{j}"));
        }
        if !self.tags.is_empty() {
            v.push(format!("--tags={}", self.tags.join(",")));
        }
        if !self.mod_mode.is_empty() {
            v.push(format!("--mod={}", self.mod_mode));
        }
        if let Some(o) = &self.overlay {
            v.push(format!("--overlay={}", path(o)));
        }
        match self.link {
            LinkArg::StaticLibgo => {}
            LinkArg::Static => v.push("--link=static".into()),
            LinkArg::Dynamic => v.push("--link=dynamic".into()),
        }
        if let Some(l) = &self.ldflags {
            v.push(format!("--ldflags={l}"));
        }
        match &self.cache {
            Some(c) if c.as_os_str() == "off" => v.push("--cache=off".into()),
            Some(c) => v.push(format!("--cache={}", path(c))),
            None => {}
        }
        v
    }
}

/// `-fX` or `X` as `-fX` (`-fno-X` stays as written: the bisection turns it on).
///
/// Errors: a word that is another kind of option (`-O2`, `-m…`).
fn option_name(o: &str) -> Result<String> {
    if o.starts_with("-f") {
        return Ok(o.to_string());
    }
    if o.starts_with('-') {
        bail!("--options {o:?}: only -f options can be turned off one by one (-fNAME)");
    }
    Ok(format!("-f{o}"))
}
