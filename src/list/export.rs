//! `list -export`: go's `list` builds the packages first (cmd/go/internal/
//! list, `b.NeedExport`: each package's compile action, no link), so that
//! `Export` names the export data of every package that compiles. This
//! runs the compile actions of `list`'s plan through the same executor
//! and cache as `build`; the listing then reads each entry from the cache
//! (`mark_stale`, which also gives `Stale` and `StaleReason`).

use anyhow::Result;

use super::PackagePublic;
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

/// Sets `Stale`/`StaleReason` from the cache (`cache::Cache::probe`) for
/// the plan a plain `build` of the graph would run: the default flags, each
/// command's build information. Nothing when the cache is off or the plan
/// cannot be made (cgo tools missing): the fields stay empty.
///
/// With `export` (`-export`), the packages are built first, as go's list
/// builds them (`export::build`), then `Export` is the export data in the
/// cache entry of each package that compiled. Returns false when that
/// build failed (go's list then exits 2; the compiler's messages are
/// printed).
pub(super) fn mark_stale(
    loaded: &crate::build::Loaded,
    store: &crate::store::Store,
    export: bool,
    packages: &mut [PackagePublic],
) -> bool {
    let (graph, tc) = (&loaded.graph, &loaded.toolchain);
    let Ok(cgo) = crate::cgo::Setup::for_graph(graph, tc, &crate::cgo::Env::from_process()) else {
        return true;
    };
    // -export runs the compiles, in a work directory of their own.
    let workdir = if export {
        crate::build::work_dir(false).ok()
    } else {
        None
    };
    let work = workdir.as_ref().map_or_else(
        || std::env::temp_dir().join("gccgo-build-list"),
        |w| w.path().to_path_buf(),
    );
    let mut plan = crate::plan::Plan::new(
        graph,
        tc,
        &crate::plan::Flags::default(),
        &work,
        &Default::default(),
        &cgo,
    );
    for id in graph
        .topo()
        .into_iter()
        .filter(|id| graph.pkg(*id).is_main())
    {
        let info = crate::buildinfo::text(graph, id, &loaded.resolver, tc, &Default::default());
        plan.add_modinfo(id, crate::buildinfo::go_source(&info));
    }
    // Stale is as the cache stood before -export's build (as go's).
    let Some((reasons, mut entries)) = crate::cache::Cache::probe_entries(store, tc, &plan) else {
        return true;
    };
    let built = workdir.is_none() || build(store, tc, &plan).unwrap_or(false);
    if workdir.is_some() {
        entries = crate::cache::Cache::probe_entries(store, tc, &plan).map_or(entries, |p| p.1);
    }
    for p in packages.iter_mut().filter(|p| !p.standard) {
        let Some(a) = graph
            .find(&p.import_path)
            .and_then(|id| plan.compile_of.get(&id))
        else {
            continue;
        };
        if let Some(why) = &reasons[a.index()] {
            p.stale = true;
            p.stale_reason = why.clone();
        }
        let file = entries[a.index()]
            .as_ref()
            .map(|d| d.join(crate::plan::Role::Export.name()));
        if let Some(f) = file.filter(|f| export && f.is_file()) {
            p.export = f.display().to_string();
        }
    }
    built
}
