//! The command line of `gccgo-build size`: clap's flags (what was typed)
//! and their translation into [`SizeConfig`] (what `sizes::main` runs
//! with). Only this layer knows clap; `sizes` knows only the config.

use std::path::PathBuf;

use crate::sizes::{By, SizeConfig};

/// `gccgo-build size` flags.
#[derive(Debug, clap::Args)]
pub struct SizeArgs {
    /// The ELF file to look into (built without --strip: its symbol table is what is read).
    #[arg(value_name = "BINARY")]
    pub binary: PathBuf,
    /// Rows by package (the sum of each package's symbols) or by single symbol.
    #[arg(long, value_enum, value_name = "WHAT", default_value = "package")]
    pub by: ByArg,
    /// Print one JSON object instead of the table: path, file_size,
    /// symbol_bytes, groups [{name, kind, bytes, symbols}] and every counted
    /// symbol [{name, go_name, group, size, section}].
    #[arg(long)]
    pub json: bool,
    /// Also write a treemap of the packages to FILE (a self-contained SVG).
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
    /// How many rows the table shows.
    #[arg(long, value_name = "N", default_value_t = 30)]
    pub top: usize,
}

/// `--by`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ByArg {
    /// One row per package (and per C, type-descriptor and other group).
    Package,
    /// One row per symbol.
    Symbol,
}

impl SizeArgs {
    /// The configuration `sizes::main` runs with: the binary as typed
    /// (relative to the working directory) and the output choices.
    pub fn config(&self) -> SizeConfig {
        SizeConfig {
            binary: self.binary.clone(),
            by: match self.by {
                ByArg::Package => By::Package,
                ByArg::Symbol => By::Symbol,
            },
            json: self.json,
            svg: self.svg.clone(),
            top: self.top,
        }
    }
}
