//! `gccgo-build cache stats` and `gccgo-build cache trim`: the drivers of
//! the cache's own subcommand (the clap layer is `cli::cache`).

use std::time::Duration;

use anyhow::{Result, bail};

use super::trim::{self, BuildRecord};
use crate::store::Store;

/// What `gccgo-build cache` runs.
#[derive(Debug, Clone)]
pub enum Tool {
    /// `cache stats`: entries, bytes, the hit rate of the last `builds` builds.
    Stats {
        /// How many builds' records to show.
        builds: usize,
        /// One JSON object instead of text.
        json: bool,
    },
    /// `cache trim`: remove entries not used for `max_age`, then the least
    /// recently used until at most `max_size` bytes are left.
    Trim {
        /// Bytes; `None` with no `max_age` means `GCCGO_BUILD_CACHE_MAX_SIZE`.
        max_size: Option<u64>,
        /// Age since last use.
        max_age: Option<Duration>,
        /// One JSON object instead of text.
        json: bool,
    },
}

/// The configuration of `gccgo-build cache`.
#[derive(Debug, Clone)]
pub struct ToolConfig {
    /// The cache (`--cache DIR`, else as `build` finds it).
    pub store: Store,
    /// `GCCGO_BUILD_CACHE_MAX_SIZE`, in bytes.
    pub configured_max: Option<u64>,
    /// The subcommand.
    pub tool: Tool,
}

/// Runs `gccgo-build cache …`; returns the exit status (0).
///
/// Errors: the cache is `off`, or (trim) no limit is given nor configured,
/// or the directory is not a gccgo-build cache.
pub fn main(cfg: &ToolConfig) -> Result<i32> {
    let Some(root) = cfg.store.versioned() else {
        bail!("the cache is off (--cache off or GCCGO_BUILD_CACHE=off): nothing to show or trim");
    };
    match &cfg.tool {
        Tool::Stats { builds, json } => {
            let usage = trim::usage(&root);
            let records = trim::builds(&root, *builds);
            if *json {
                let v = serde_json::json!({
                    "dir": root,
                    "usage": usage,
                    "max_size": cfg.configured_max,
                    "builds": records,
                    "hit_rate": hit_rate(&records),
                });
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                print!(
                    "{}",
                    stats_text(&root, &usage, &records, cfg.configured_max)
                );
            }
        }
        Tool::Trim {
            max_size,
            max_age,
            json,
        } => {
            let size = max_size.or(if max_age.is_none() {
                cfg.configured_max
            } else {
                None
            });
            if size.is_none() && max_age.is_none() {
                bail!(
                    "cache trim: give --max-size SIZE and/or --max-age AGE (or set \
                     GCCGO_BUILD_CACHE_MAX_SIZE)"
                );
            }
            let t = trim::trim(&root, size, *max_age)?;
            if *json {
                println!("{}", serde_json::to_string_pretty(&t)?);
            } else {
                println!(
                    "removed {} entries ({}); left: {} entries, {} in all",
                    t.removed,
                    bytes(t.freed),
                    t.left.entries,
                    bytes(t.left.total_bytes)
                );
            }
        }
    }
    Ok(0)
}

/// Hits over lookups of `records` (0 to 1); `None` when they looked nothing up.
fn hit_rate(records: &[BuildRecord]) -> Option<f64> {
    let all: usize = records.iter().map(BuildRecord::actions).sum();
    let hits: usize = records.iter().map(|r| r.local + r.remote).sum();
    (all > 0).then(|| hits as f64 / all as f64)
}

/// A byte count in the unit a person reads (`12.3 MB`), powers of 1000.
fn bytes(n: u64) -> String {
    match n {
        n if n >= 1_000_000_000 => format!("{:.2} GB", n as f64 / 1e9),
        n if n >= 1_000_000 => format!("{:.1} MB", n as f64 / 1e6),
        n if n >= 1_000 => format!("{:.1} kB", n as f64 / 1e3),
        n => format!("{n} bytes"),
    }
}

/// The text of `cache stats`.
fn stats_text(
    root: &std::path::Path,
    usage: &trim::Usage,
    records: &[BuildRecord],
    max: Option<u64>,
) -> String {
    let mut s = format!("cache: {}\n", root.display());
    s += &format!(
        "entries: {} ({}); everything: {}\n",
        usage.entries,
        bytes(usage.entry_bytes),
        bytes(usage.total_bytes)
    );
    s += &match max {
        Some(m) => format!("limit: {} (GCCGO_BUILD_CACHE_MAX_SIZE)\n", bytes(m)),
        None => "limit: none (set GCCGO_BUILD_CACHE_MAX_SIZE, or run `gccgo-build cache trim`)\n"
            .to_string(),
    };
    let sum = |f: fn(&BuildRecord) -> usize| records.iter().map(f).sum::<usize>();
    match hit_rate(records) {
        Some(rate) => {
            s += &format!(
                "last {} builds: {} actions, {:.1}% from the cache ({} local, {} remote), {} run, {} uploaded\n",
                records.len(),
                sum(BuildRecord::actions),
                rate * 100.0,
                sum(|r| r.local),
                sum(|r| r.remote),
                sum(|r| r.ran),
                sum(|r| r.pushed)
            );
        }
        None => s += "no builds recorded yet\n",
    }
    for r in records.iter().rev() {
        let when =
            humantime::format_rfc3339_seconds(std::time::UNIX_EPOCH + Duration::from_secs(r.time));
        let rate = hit_rate(std::slice::from_ref(r)).unwrap_or(0.0) * 100.0;
        s += &format!(
            "  {when}  {:>5} actions  {rate:5.1}% hits  (local {}, remote {}, run {}, uploaded {})\n",
            r.actions(),
            r.local,
            r.remote,
            r.ran,
            r.pushed
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_text_sums_the_builds() {
        let recs = [
            BuildRecord {
                time: 0,
                local: 0,
                remote: 3,
                ran: 1,
                pushed: 0,
            },
            BuildRecord {
                time: 60,
                local: 4,
                remote: 0,
                ran: 0,
                pushed: 1,
            },
        ];
        let usage = trim::Usage {
            entries: 2,
            entry_bytes: 2_500_000,
            total_bytes: 2_600_000,
        };
        let t = stats_text(std::path::Path::new("/c/v2"), &usage, &recs, None);
        assert!(t.contains("entries: 2 (2.5 MB); everything: 2.6 MB"), "{t}");
        assert!(
            t.contains("last 2 builds: 8 actions, 87.5% from the cache (4 local, 3 remote), 1 run, 1 uploaded"),
            "{t}"
        );
        assert!(
            t.contains("1970-01-01T00:01:00Z      4 actions  100.0% hits"),
            "{t}"
        );
    }
}
