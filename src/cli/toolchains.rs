//! The flags of `gccgo-build toolchains` and `gccgo-build env`, and the
//! configurations they make (`profile::ToolchainsConfig`, `profile::EnvConfig`).

use std::path::PathBuf;

use clap::Args;

use crate::profile::{EnvConfig, ToolchainsConfig};

/// `gccgo-build toolchains` flags.
#[derive(Debug, Args)]
pub struct ToolchainsArgs {
    /// Print a JSON array instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Only list; do not build and run a hello world with each toolchain.
    #[arg(long)]
    pub no_check: bool,
    /// Also list this profile file (may be repeated).
    #[arg(long, value_name = "FILE")]
    pub toolchain: Vec<PathBuf>,
    /// Also list the toolchain of this OpenWrt SDK (default: $STAGING_DIR).
    #[arg(long, value_name = "DIR")]
    pub sdk: Option<PathBuf>,
    /// Toolchains checked at once (default: available parallelism).
    #[arg(short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
}

impl ToolchainsArgs {
    /// The second layer: `-j` defaulted to the available parallelism.
    pub fn config(&self) -> ToolchainsConfig {
        ToolchainsConfig {
            json: self.json,
            check: !self.no_check,
            toolchains: self.toolchain.clone(),
            sdk: self.sdk.clone(),
            jobs: self
                .jobs
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
                .max(1),
        }
    }
}

/// `gccgo-build env` flags.
#[derive(Debug, Args)]
pub struct EnvArgs {
    /// `--target`, `--toolchain`, `--sdk`.
    #[command(flatten)]
    pub select: super::SelectArgs,
    /// Print a JSON object.
    #[arg(long)]
    pub json: bool,
    /// Print only these variables' values, one a line.
    #[arg(value_name = "VAR")]
    pub vars: Vec<String>,
}

impl EnvArgs {
    /// The second layer.
    pub fn config(&self) -> EnvConfig {
        EnvConfig {
            choice: self.select.choice(),
            json: self.json,
            vars: self.vars.clone(),
        }
    }
}
