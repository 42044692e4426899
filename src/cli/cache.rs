//! The raw flags of `gccgo-build cache stats|trim` (clap), the build flags
//! of the cache and the linker (`--remote-cache`, `--linker`, shared by
//! `build`, `test`, `run`), and their translation into `cache::ToolConfig`
//! and `cache::Options`.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use clap::{Args, Subcommand};

use crate::cache::{Tool, ToolConfig};
use crate::store::Store;
use crate::toolchain::LinkerChoice;

/// `gccgo-build cache` flags.
#[derive(Debug, Args)]
pub struct CacheArgs {
    /// Cache directory (default: as `build` finds it: GCCGO_BUILD_CACHE, $XDG_CACHE_HOME/gccgo-build, ~/.cache/gccgo-build).
    #[arg(long, value_name = "DIR", global = true)]
    pub cache: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: CacheCommand,
}

/// `gccgo-build cache` subcommands.
#[derive(Debug, Subcommand)]
pub enum CacheCommand {
    /// Entries, bytes, and the hit rate of the last builds (local and remote hits, runs, uploads).
    Stats {
        /// How many builds to show.
        #[arg(long, value_name = "N", default_value_t = 10)]
        builds: usize,
        /// One JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Remove entries unused for --max-age, then the least recently used until the cache is at most --max-size (default: GCCGO_BUILD_CACHE_MAX_SIZE); safe while builds run.
    Trim {
        /// Size to trim to: bytes, or with k/M/G/T (powers of 1000) or Ki/Mi/Gi/Ti (`5G`).
        #[arg(long, value_name = "SIZE", value_parser = crate::cache::parse_size)]
        max_size: Option<u64>,
        /// Remove entries not used for this long: `30d`, `12h`, `90m`.
        #[arg(long, value_name = "AGE", value_parser = crate::cache::parse_age)]
        max_age: Option<std::time::Duration>,
        /// One JSON object.
        #[arg(long)]
        json: bool,
    },
}

impl CacheArgs {
    /// The configuration `cache::tool_main` runs with.
    ///
    /// Errors: `GCCGO_BUILD_CACHE_MAX_SIZE` is not a size.
    pub fn config(&self, cwd: &Path) -> Result<ToolConfig> {
        Ok(ToolConfig {
            store: Store::from_flag(cwd, self.cache.as_deref()),
            configured_max: configured_max_size()?,
            tool: match &self.command {
                CacheCommand::Stats { builds, json } => Tool::Stats {
                    builds: *builds,
                    json: *json,
                },
                CacheCommand::Trim {
                    max_size,
                    max_age,
                    json,
                } => Tool::Trim {
                    max_size: *max_size,
                    max_age: *max_age,
                    json: *json,
                },
            },
        })
    }
}

/// `GCCGO_BUILD_CACHE_MAX_SIZE` in bytes, `None` when unset or empty.
///
/// Errors: a value that is not a size.
pub fn configured_max_size() -> Result<Option<u64>> {
    match std::env::var("GCCGO_BUILD_CACHE_MAX_SIZE") {
        Ok(v) if !v.trim().is_empty() => match crate::cache::parse_size(&v) {
            Ok(n) => Ok(Some(n)),
            Err(e) => bail!("GCCGO_BUILD_CACHE_MAX_SIZE: {e}"),
        },
        _ => Ok(None),
    }
}

/// The linker and remote-cache flags of every command that compiles.
#[derive(Debug, Args, Clone)]
pub struct FarmArgs {
    /// Linker: auto (the fastest of mold, gold, bfd that links a program that runs for the target, probed once per toolchain), bfd, gold, mold or lld.
    #[arg(long, value_name = "NAME", env = "GCCGO_BUILD_LINKER", value_parser = LinkerChoice::parse)]
    pub linker: Option<LinkerChoice>,
    /// Remote cache shared by builders: http(s)://host[:port][/prefix] (bazel-remote, nginx WebDAV) or redis://host:port[/db]; credentials from GCCGO_BUILD_REMOTE_CACHE_TOKEN or ~/.netrc.
    #[arg(long, value_name = "URL", env = "GCCGO_BUILD_REMOTE_CACHE")]
    pub remote_cache: Option<String>,
    /// Only read the remote cache, never upload (CI pulls; trusted builders push).
    #[arg(long)]
    pub remote_cache_readonly: bool,
    /// Remote execution (`-remote-exec` …).
    #[command(flatten)]
    pub remote_exec: super::reapi::RemoteExecArgs,
}

impl FarmArgs {
    /// The linker choice (default `auto`).
    pub fn linker(&self) -> LinkerChoice {
        self.linker.unwrap_or_default()
    }

    /// The cache options of a build (`explain` is filled by the build).
    ///
    /// Errors: a remote-cache URL that is not one (or holds credentials),
    /// a bad timeout variable, or a bad `GCCGO_BUILD_CACHE_MAX_SIZE`.
    pub fn cache_options(&self) -> Result<crate::cache::Options> {
        let remote = match self.remote_cache.as_deref().map(str::trim) {
            Some(u) if !u.is_empty() => {
                Some(crate::remote::Config::parse(u, self.remote_cache_readonly)?)
            }
            _ => None,
        };
        Ok(crate::cache::Options {
            explain: false,
            remote,
            max_size: configured_max_size()?,
        })
    }
}
