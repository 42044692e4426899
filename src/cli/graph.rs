//! The raw flags of `gccgo-build graph` (clap) and their translation into
//! the `depgraph::GraphConfig` it runs with.

use std::path::{Path, PathBuf};

use clap::Args;

use super::LoadArgs;
use crate::depgraph::{Format, GraphConfig};
use crate::store::Store;

/// `gccgo-build graph` flags.
#[derive(Debug, Args)]
pub struct GraphArgs {
    /// Output format: Graphviz DOT (`dot -Tsvg` draws it) or JSON.
    #[arg(long, value_enum, default_value = "dot")]
    pub format: FormatArg,
    /// Include the standard-library packages imported (leaves, without numbers).
    #[arg(long)]
    pub std: bool,
    /// Cache to read compile times and object sizes from (default as `build`'s); `off`: none.
    #[arg(long, value_name = "DIR")]
    pub cache: Option<PathBuf>,
    /// Package loading flags.
    #[command(flatten)]
    pub load: LoadArgs,
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    /// Graphviz DOT.
    Dot,
    /// One JSON object with `nodes` and `edges`.
    Json,
}

impl GraphArgs {
    /// The configuration `depgraph::main` runs with.
    pub fn config(&self, cwd: &Path) -> GraphConfig {
        GraphConfig {
            load: self.load.config(),
            format: match self.format {
                FormatArg::Dot => Format::Dot,
                FormatArg::Json => Format::Json,
            },
            std: self.std,
            store: Store::from_flag(cwd, self.cache.as_deref()),
        }
    }
}
