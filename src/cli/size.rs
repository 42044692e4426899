//! The command line of `gccgo-build size`: clap's flags (what was typed)
//! and their translation into [`SizeConfig`] (what `sizes::main` runs
//! with). Only this layer knows clap; `sizes` knows only the config.

use std::path::{Path, PathBuf};

use crate::sizes::{By, SizeConfig};

/// `gccgo-build size` flags.
#[derive(Debug, clap::Args)]
pub struct SizeArgs {
    /// The ELF file to look into (built without --strip: its symbol table is what is read).
    /// With --why: the main package (default `.`).
    #[arg(value_name = "BINARY", required_unless_present = "why")]
    pub binary: Option<PathBuf>,
    /// Print why the binary has package PKG, as `go mod why` does: the shortest
    /// chain of imports from the main package to it (repeat for more). A symbol
    /// as `--by symbol` names it (`crypto/x509.CreateCertificate`) gives its package's chain.
    #[arg(long, value_name = "PKG")]
    pub why: Vec<String>,
    /// With --why: `--target`, `--toolchain`, `--sdk` (the build's choice; it sets the tags).
    #[command(flatten)]
    pub select: crate::cli::SelectArgs,
    /// With --why: extra build tags, comma-separated (as `go build -tags`).
    #[arg(long, value_name = "a,b", value_delimiter = ',')]
    pub tags: Vec<String>,
    /// With --why: the cache the toolchain probe is remembered in (default as `build`'s).
    #[arg(long, value_name = "DIR")]
    pub cache: Option<PathBuf>,
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
            binary: self.binary.clone().unwrap_or_default(),
            by: match self.by {
                ByArg::Package => By::Package,
                ByArg::Symbol => By::Symbol,
            },
            json: self.json,
            svg: self.svg.clone(),
            top: self.top,
        }
    }

    /// With `--why`: what `depgraph::why::main` runs with (the main
    /// package as given, else `.`); `None` without it.
    pub fn why_config(&self, cwd: &Path) -> Option<crate::depgraph::why::WhyConfig> {
        if self.why.is_empty() {
            return None;
        }
        let main = self
            .binary
            .as_ref()
            .map_or_else(|| ".".to_string(), |b| b.to_string_lossy().into_owned());
        Some(crate::depgraph::why::WhyConfig {
            load: crate::build::LoadConfig {
                choice: self.select.choice(),
                tags: self
                    .tags
                    .iter()
                    .filter(|t| !t.is_empty())
                    .cloned()
                    .collect(),
                packages: vec![main],
                ..Default::default()
            },
            targets: self.why.clone(),
            store: crate::store::Store::from_flag(cwd, self.cache.as_deref()),
        })
    }
}
