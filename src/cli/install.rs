//! The flags of `gccgo-build install` (go's build flags, without `-o`)
//! and the configuration `install::main` runs with.

use std::path::Path;

use anyhow::Result;
use clap::Args;

use super::CompileArgs;
use crate::build::BuildConfig;

/// `gccgo-build install` flags.
#[derive(Debug, Args)]
pub struct InstallArgs {
    /// Print the commands without running them.
    #[arg(short = 'n')]
    pub dry_run: bool,
    /// Name packages as they are compiled.
    #[arg(short = 'v')]
    pub verbose: bool,
    /// Parallel jobs: the go command's name for `-j`.
    #[arg(short = 'p', value_name = "N", conflicts_with = "jobs")]
    pub parallel: Option<usize>,
    /// Compile flags and packages.
    #[command(flatten)]
    pub compile: CompileArgs,
}

impl InstallArgs {
    /// The second layer: `CompileArgs::config` with `-n`, `-v`, `-p`.
    ///
    /// Errors: as `CompileArgs::config`.
    pub fn config(&self, cwd: &Path) -> Result<BuildConfig> {
        let mut c = self.compile.config(cwd)?;
        if let Some(p) = self.parallel {
            c.jobs = p.max(1);
        }
        c.dry_run = self.dry_run;
        c.verbose = self.verbose;
        c.load.outside = crate::resolve::outside::wanted_by_install(&c.load.packages);
        Ok(c)
    }
}
