//! Doctor: (being written).

use std::path::Path;

use anyhow::Result;

/// `gccgo-build doctor` flags.
#[derive(Debug, clap::Args)]
pub struct DoctorArgs {
    /// The ELF file.
    pub binary: Option<std::path::PathBuf>,
}

/// Runs `gccgo-build doctor`; returns the exit status.
pub fn main(_cwd: &Path, _args: &DoctorArgs) -> Result<i32> {
    anyhow::bail!("doctor: not written yet")
}
