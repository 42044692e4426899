//! Inspect: (being written).

use std::path::Path;

use anyhow::Result;

/// `gccgo-build inspect` flags.
#[derive(Debug, clap::Args)]
pub struct InspectArgs {
    /// The ELF file.
    pub binary: Option<std::path::PathBuf>,
}

/// Runs `gccgo-build inspect`; returns the exit status.
pub fn main(_cwd: &Path, _args: &InspectArgs) -> Result<i32> {
    anyhow::bail!("inspect: not written yet")
}
