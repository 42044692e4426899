//! The command line of `gccgo-build verify`.

use std::path::PathBuf;

/// `gccgo-build verify` flags.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// A build record written by `build --record FILE`.
    #[arg(value_name = "RECORD")]
    pub record: PathBuf,
}
