//! The command line of `gccgo-build inspect`: clap's flags (what was typed)
//! and their translation into [`InspectConfig`] (what `inspect::main` runs
//! with). Only this layer knows clap; `inspect` knows only the config.

use std::path::PathBuf;

use crate::inspect::{InspectConfig, OutputFormat};

/// `gccgo-build inspect` flags.
#[derive(Debug, clap::Args)]
pub struct InspectArgs {
    /// The ELF file to describe.
    #[arg(value_name = "BINARY")]
    pub binary: PathBuf,
    /// Print one JSON object instead of text: the same facts under stable
    /// field names (path, class, endian, machine, goarch, linkage, libgo, sections …).
    // clap prints this doc comment as the help text, so it names no Rust type.
    #[arg(long)]
    pub json: bool,
}

impl InspectArgs {
    /// The configuration `inspect::main` runs with: the binary as typed
    /// (relative to the working directory) and the output format.
    pub fn config(&self) -> InspectConfig {
        InspectConfig {
            binary: self.binary.clone(),
            format: OutputFormat::from_json_flag(self.json),
        }
    }
}
