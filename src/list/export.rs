//! `list -export`: go's `list` builds the packages first (cmd/go/internal/
//! list, `b.NeedExport`: each package's compile action, no link), so that
//! `Export` names the export data of every package that compiles. This
//! runs the compile actions of `list`'s plan through the same executor
//! and cache as `build`; the listing then reads each entry from the cache.

use anyhow::Result;

use crate::plan::Plan;
use crate::store::Store;
use crate::toolchain::Toolchain;

/// Runs `plan` (made with no outputs to link, so only compiles, cgo and
/// export-data extraction) with the cache of `store`, the compiler's
/// messages printed as a build prints them (`# pkg` and the lines).
/// Returns whether every action succeeded (go's list then exits 2).
///
/// Errors: the cache directory cannot be created, or a worker thread
/// cannot start.
pub(super) fn build(store: &Store, tc: &Toolchain, plan: &Plan) -> Result<bool> {
    let opts = crate::exec::Options {
        jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
        print_commands: false,
        verbose: false,
        keep_going: true,
        timeout: None,
        jobserver: None,
        remote: None,
    };
    let mut progress = crate::progress::for_stderr(Default::default());
    let mut cache = crate::cache::Cache::open(store, tc, plan, &Default::default())?;
    let hook = cache
        .as_mut()
        .map(|c| c as &mut dyn crate::cache::CacheHook);
    let summary = crate::exec::run(plan, &opts, progress.as_mut(), hook)?;
    Ok(summary.failed.is_empty())
}
