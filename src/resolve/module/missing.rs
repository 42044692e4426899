//! Imports no module in the build list provides, under `-mod=mod` and
//! for `run`/`install pkg@version` (modload's `queryImport` with
//! `allowMissingModuleImports`): the module is found by querying `@latest`
//! for each prefix of the import path (`go: finding module for package
//! X`, then `go: found X in M V`), added to the roots, the build list
//! recomputed (MVS) and, with a main module, `require M V` written into
//! go.mod (go.sum gets the lines its checks added).

use std::collections::{BTreeMap, BTreeSet};

use super::ModuleMode;
use crate::modfetch::mvs;
use crate::resolve::{ResolveError, under};

/// Concurrent go.mod fetches while the build list is recomputed.
const FETCH_JOBS: usize = 8;

/// Modules found for missing imports this run.
#[derive(Debug, Default)]
pub struct FoundModules {
    /// The modules added to the roots, in the order found.
    pub roots: Vec<(String, String)>,
    /// The build list with them (path → version), once one was found.
    pub list: BTreeMap<String, String>,
}

impl ModuleMode {
    /// Whether imports the build list lacks are looked up (`-mod=mod`
    /// outside workspace mode, and pkg@version: the fetcher may add to go.sum).
    fn may_query_imports(&self) -> bool {
        self.work.is_none() && !self.vendor && self.fetcher.as_ref().is_some_and(|f| !f.readonly)
    }

    /// The module providing `path` among those found earlier (the longest
    /// path that is a prefix), at its version in the recomputed build list.
    fn found_provider(list: &BTreeMap<String, String>, path: &str) -> Option<(String, String)> {
        list.iter()
            .filter(|(m, _)| under(path, m).is_some())
            .max_by_key(|(m, _)| m.len())
            .map(|(m, v)| (m.clone(), v.clone()))
    }

    /// `find_missing` unless `path` belongs to a main module (`in_main`
    /// says where it would be).
    pub(super) fn find_missing_if(
        &self,
        path: &str,
        in_main: &Option<Result<crate::resolve::Found, ResolveError>>,
    ) -> Option<Result<(String, String), ResolveError>> {
        if in_main.is_some() {
            return None;
        }
        self.find_missing(path)
    }

    /// The module (path, version) that provides `path`, found by query
    /// when the build list has none; `None` when queries are not allowed.
    ///
    /// Errors: no module provides it (go's `cannot find module providing
    /// package X: …`), the build list with it cannot be computed, or
    /// go.mod cannot be written.
    pub(super) fn find_missing(
        &self,
        path: &str,
    ) -> Option<Result<(String, String), ResolveError>> {
        if !self.may_query_imports() {
            return None;
        }
        let f = self.fetcher.as_ref()?;
        let err = |e: String| ResolveError::NotFound(e);
        let Ok(mut found) = self.found.lock() else {
            return Some(Err(err(
                "internal: the found-modules lock is poisoned".into()
            )));
        };
        if let Some(p) = Self::found_provider(&found.list, path) {
            return Some(Ok(p));
        }
        eprintln!("go: finding module for package {path}");
        let (m, info) = match crate::resolve::outside::query_package(f, path, "latest") {
            Ok(x) => x,
            Err(e) => {
                return Some(Err(err(format!(
                    "cannot find module providing package {path}: {e}"
                ))));
            }
        };
        eprintln!("go: found {path} in {m} {}", info.version);
        found.roots.push((m.clone(), info.version.clone()));
        let mains: BTreeSet<String> = self.mains.iter().map(|x| x.module.clone()).collect();
        let roots: Vec<(String, String)> = self
            .first()
            .require
            .iter()
            .map(|r| (r.path.clone(), r.version.clone()))
            .chain(found.roots.iter().cloned())
            .collect();
        let pruned = self.first().go_version().is_none_or(|v| v >= (1, 17));
        let replace = |p: &str, v: &str| match self.replacement_source(p, v) {
            Some(s) => s,
            None => mvs::Source::Module(p.into(), v.into()),
        };
        match mvs::build_list(f, &mains, &roots, pruned, &replace, FETCH_JOBS) {
            Ok(l) => found.list = l,
            Err(e) => return Some(Err(err(format!("{e:#}")))),
        }
        if let Err(e) = self.write_requirement(&m, &info.version) {
            return Some(Err(err(format!("{e:#}"))));
        }
        let v = found.list.get(&m).cloned().unwrap_or(info.version);
        Some(Ok((m, v)))
    }

    /// go ≥ 1.17 lists every module that provides a package a main-module
    /// package (in `from_dir`) imports: under `-mod=mod`, one reached only
    /// through the graph is added to go.mod (modload's direct roots).
    ///
    /// Errors: go.mod or go.sum cannot be written.
    pub(in crate::resolve) fn note_import(
        &self,
        modpath: &str,
        from_dir: &std::path::Path,
    ) -> Result<(), ResolveError> {
        let main = self.first();
        if !self.may_query_imports()
            || main.module == crate::resolve::outside::NO_ROOT_MODULE
            || main.go_version().is_some_and(|v| v < (1, 17))
            || main.require.iter().any(|r| r.path == modpath)
            || self.replacement_source(modpath, "").is_some()
            || self.main_of_dir(from_dir).is_none()
        {
            return Ok(());
        }
        let Some(v) = self.selected_version(modpath).map(String::from) else {
            return Ok(());
        };
        // A new root's go.mod is checked (its go.sum line added), as go
        // does when it loads the graph from the new roots.
        if let Some(f) = &self.fetcher
            && let Err(e) = f.go_mod(modpath, &v)
        {
            return Err(ResolveError::NotFound(format!("{e:#}")));
        }
        // One writer of go.mod at a time (find_missing writes under it too).
        let _one = self.found.lock();
        self.write_requirement(modpath, &v)
            .map_err(|e| ResolveError::NotFound(format!("{e:#}")))
    }

    /// `require m v` added to the main module's go.mod (none for
    /// pkg@version's dummy main module), and go.sum written.
    ///
    /// Errors: either file cannot be read or written.
    fn write_requirement(&self, m: &str, v: &str) -> anyhow::Result<()> {
        use anyhow::Context;
        let main = self.first();
        if main.module == crate::resolve::outside::NO_ROOT_MODULE {
            return Ok(());
        }
        let text = std::fs::read_to_string(&main.file)
            .with_context(|| format!("reading {}", main.file.display()))?;
        let new = crate::gomod::edit::add_require(&text, m, v, false);
        if new != text {
            crate::modfetch::cache::write_atomic(&main.file, new.as_bytes())
                .with_context(|| format!("updating {}", main.file.display()))?;
        }
        if let Some(f) = &self.fetcher {
            f.save_go_sum()?;
        }
        Ok(())
    }
}
