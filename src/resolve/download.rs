//! Module mode's link to `modfetch`: the build list (MVS over the whole
//! requirement graph, go.mod files from the cache or the GOPROXY) computed
//! when module mode starts, and a module's directory downloaded, verified
//! and extracted the first time a package needs it (as modload's
//! `fetch`), with go.sum checked either way.

use std::collections::BTreeSet;
use std::sync::Arc;

use anyhow::Result;

use super::module::ModuleMode;
use super::{ResolveError, is_local_path};
use crate::modfetch::gosum::GoSum;
use crate::modfetch::{Env, Fetcher, mvs};

/// Set by `list -m`: a build list that cannot be computed is not an error
/// when module mode starts (the listing reads the graph itself and
/// reports each module's error, with `-e` in its `Error` field, as go).
static DEFER_BUILD_LIST_ERRORS: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

/// Makes this process's module mode start even when the build list
/// cannot be computed (`list -m`; see `DEFER_BUILD_LIST_ERRORS`).
pub fn defer_build_list_errors() {
    DEFER_BUILD_LIST_ERRORS.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Concurrent fetches (go.mod files of one graph level, zips of the main
/// module's direct requirements): network-bound, so above the core count.
const FETCH_JOBS: usize = 8;

impl ModuleMode {
    /// Computes `build_list` and keeps the fetcher for `module_dir`; then
    /// fetches the zips of the main modules' direct requirements in
    /// parallel (the packages a build imports first; failures surface again
    /// when a package needs the module). Vendor mode fetches nothing.
    ///
    /// Errors: GOPROXY/GOSUMDB malformed, or a go.mod of the graph that
    /// cannot be fetched or verified (go's words, naming the module).
    pub fn load_build_list(&mut self, mod_flag: &str) -> Result<()> {
        if self.vendor {
            return Ok(());
        }
        let (sum_file, extra, readonly) = match &self.work {
            Some(w) => (
                w.dir().join("go.work.sum"),
                self.mains.iter().map(|m| m.dir().join("go.sum")).collect(),
                false,
            ),
            None => (
                self.first().dir().join("go.sum"),
                Vec::new(),
                mod_flag != "mod",
            ),
        };
        let sums = GoSum::read(Some(&sum_file), &extra)?;
        let fetcher = Fetcher::new(self.modcache.clone(), Env::from_env(), sums, readonly)?;
        let mains: BTreeSet<String> = self.mains.iter().map(|m| m.module.clone()).collect();
        let roots: Vec<(String, String)> = self
            .mains
            .iter()
            .flat_map(|m| &m.require)
            .map(|r| (r.path.clone(), r.version.clone()))
            .collect();
        let pruned = self.work.is_some() || self.first().go_version().is_some_and(|v| v >= (1, 17));
        let replace = |p: &str, v: &str| self.graph_source(p, v);
        self.build_list =
            match mvs::build_list(&fetcher, &mains, &roots, pruned, &replace, FETCH_JOBS) {
                Ok(l) => l,
                Err(_) if DEFER_BUILD_LIST_ERRORS.load(std::sync::atomic::Ordering::Relaxed) => {
                    self.fetcher = Some(Arc::new(fetcher));
                    return Ok(());
                }
                Err(e) => return Err(e),
            };
        if mod_flag == "mod" {
            fetcher.save_go_sum()?;
        }
        let direct: Vec<(String, String)> = self
            .mains
            .iter()
            .flat_map(|m| &m.require)
            .filter(|r| !r.indirect && self.replacement_source(&r.path, &r.version).is_none())
            .filter_map(|r| Some((r.path.clone(), self.build_list.get(&r.path)?.clone())))
            .filter(|(p, v)| {
                // Only zips go.sum lists: a prefetch must add no go.sum line
                // (-mod=mod adds those of the modules that provide packages).
                fetcher.cache.extracted(p, v).is_none() && fetcher.has_sum(p, v)
            })
            .collect();
        let _ = fetcher.download_all(&direct, FETCH_JOBS);
        self.fetcher = Some(Arc::new(fetcher));
        Ok(())
    }

    /// Where the go.mod of `path` at `version` comes from after `replace`.
    fn graph_source(&self, path: &str, version: &str) -> mvs::Source {
        match self.replacement_source(path, version) {
            Some(s) => s,
            None => mvs::Source::Module(path.into(), version.into()),
        }
    }

    /// The module directory of `modpath` at `version` (the replacement
    /// module's, when replaced by one: `real`), downloaded and extracted if
    /// the cache lacks it, its zip checked against go.sum. `path` is the
    /// package that needs it (for messages).
    ///
    /// Errors: `-mod=readonly` and go.sum lacks the module (go's `missing
    /// go.sum entry for module providing package …; to add: go mod
    /// download …`), or a download or verification failure.
    pub(super) fn fetch_module_dir(
        &self,
        path: &str,
        real: &str,
        version: &str,
    ) -> Option<Result<std::path::PathBuf, ResolveError>> {
        let f = self.fetcher.as_ref()?;
        if version.is_empty() || is_local_path(real) {
            return None;
        }
        if f.readonly && !f.has_sum(real, version) {
            return Some(Err(ResolveError::NotFound(format!(
                "missing go.sum entry for module providing package {path}; to add:\n\tgo mod download {real}"
            ))));
        }
        let r = f.download(real, version);
        if f.sums.lock().is_ok_and(|s| s.file.is_some()) && !f.readonly {
            let _ = f.save_go_sum();
        }
        Some(r.map_err(|e| ResolveError::NotFound(format!("{e:#}"))))
    }
}
