//! Profile: (being written).

use std::path::Path;

use anyhow::Result;

/// `gccgo-build toolchains` flags.
#[derive(Debug, clap::Args)]
pub struct ToolchainsArgs {}

/// `gccgo-build env` flags.
#[derive(Debug, clap::Args)]
pub struct EnvArgs {
    /// Target profile or triple.
    #[arg(long)]
    pub target: Option<String>,
}

/// Runs `gccgo-build toolchains`.
pub fn toolchains_main(_cwd: &Path, _args: &ToolchainsArgs) -> Result<i32> {
    anyhow::bail!("toolchains: not written yet")
}

/// Runs `gccgo-build env`.
pub fn env_main(_cwd: &Path, _args: &EnvArgs) -> Result<i32> {
    anyhow::bail!("env: not written yet")
}
