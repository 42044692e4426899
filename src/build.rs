//! Build: the driver of `gccgo-build build`. The pipeline, in order:
//!
//! 1. Toolchain: find and probe the gccgo for `--target` (or the host's):
//!    version, Go version, GOOS/GOARCH, its standard library's export data.
//! 2. Context: the build tags in force (GOOS, GOARCH, `gccgo`, `unix`,
//!    release tags of the toolchain's Go version, `-tags`).
//! 3. Resolver: module mode (go.mod at or above the directory) or GOPATH mode.
//! 4. Patterns: expand the command line's package patterns to import paths.
//! 5. Graph: scan and resolve everything reachable; reject cycles; freeze.
//! 6. Outputs: which commands are linked where (`-o`, or the go default).
//! 7. Plan: every command, with inputs and outputs.
//! 8. `-n`: print the plan as a script and stop.
//! 9. Exec: run the plan in parallel; on failure let running jobs finish.
//! 10. Report: one size line per linked command; on failure, remove any
//!     output of this build and exit non-zero.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

use crate::cli::{BuildArgs, LoadArgs, split_flags};
use crate::graph::{Graph, PkgId};
use crate::plan::{Flags, Plan};
use crate::resolve::Resolver;
use crate::scan::{BuildContext, Disk};
use crate::toolchain::Toolchain;

/// Everything loaded for a set of packages: steps 1 to 5.
pub struct Loaded {
    /// The probed toolchain.
    pub toolchain: Toolchain,
    /// The build context (tags).
    pub ctx: BuildContext,
    /// The resolver used.
    pub resolver: Resolver,
    /// The frozen package graph.
    pub graph: Graph,
}

/// Probes the toolchain that `--target`, `--toolchain FILE` and `--sdk DIR`
/// (or `$STAGING_DIR`) choose together (see `profile::resolve`).
///
/// Errors: an unknown triple, a profile that does not parse, a compiler
/// that is not installed, or an SDK without a gccgo.
pub fn toolchain_for_selection(sel: &crate::profile::Selection) -> Result<Toolchain> {
    let r = crate::profile::resolve(sel)?;
    if r.spec.package.is_none()
        && crate::toolchain::find_program(&r.spec.gccgo).is_none()
        && let Some(hint) = &r.entry.profile.hint
    {
        bail!(
            "toolchain {}: compiler `{}` not found in PATH; it {hint}",
            r.spec.name,
            r.spec.gccgo.display()
        );
    }
    Toolchain::probe(&r.spec)
}

/// Steps 1–5: toolchain, context, resolver, patterns, graph.
///
/// Errors: see each step; every message names the file (and line) at fault.
pub fn load(cwd: &Path, args: &LoadArgs) -> Result<Loaded> {
    let toolchain = toolchain_for_selection(&args.select.selection())?;
    if let Some(w) = toolchain.fpu_mismatch() {
        eprintln!("gccgo-build: warning: {w}");
    }
    let tags: Vec<String> = args
        .tags
        .iter()
        .filter(|t| !t.is_empty())
        .cloned()
        .collect();
    for t in &tags {
        if !crate::constraint::is_valid_tag(t) {
            bail!("-tags: invalid build tag {t:?}");
        }
    }
    let ctx = BuildContext::new(
        &toolchain.target.goos,
        &toolchain.target.goarch,
        toolchain.go_minor,
        false,
        tags,
    );
    let resolver = Resolver::for_dir(cwd, toolchain.std.clone(), &args.mod_mode)?;
    let roots = resolver.expand(&args.packages, cwd)?;
    let graph = match &args.overlay {
        Some(f) => {
            let overlay = crate::overlay::Overlay::read(&cwd.join(f), cwd)?;
            Graph::load(&resolver, &ctx, &roots, &overlay)?
        }
        None => Graph::load(&resolver, &ctx, &roots, &Disk)?,
    };
    for w in crate::gate::check(&graph, &toolchain)? {
        eprintln!("gccgo-build: warning: {w}");
    }
    Ok(Loaded {
        toolchain,
        ctx,
        resolver,
        graph,
    })
}

/// The cache directory a build uses: `--cache DIR` (relative to `cwd`),
/// none for `--cache off`, else `cache::default_dir`.
fn cache_dir_for(cwd: &Path, args: &BuildArgs) -> Option<PathBuf> {
    match &args.cache {
        Some(d) if d.as_os_str() == "off" => None,
        Some(d) => Some(cwd.join(d)),
        None => crate::cache::default_dir(),
    }
}

/// Runs `gccgo-build build`; returns the exit status (0 or 1).
///
/// The rule for OUT (README, "Build"), on every path: a file at `-o OUT`
/// that is not an executable or object is refused before anything runs;
/// after any failure, early (go.mod, graph, toolchain) or late (compile,
/// link), the file at OUT is removed only if gccgo-build installed it there
/// last, and nothing else is ever removed.
///
/// Errors: bad input (see `load`), an unusable `-o`, or a failed build.
pub fn build(cwd: &Path, args: &BuildArgs) -> Result<i32> {
    let cache_dir = cache_dir_for(cwd, args);
    let named_out = args
        .output
        .as_ref()
        .filter(|o| !(o.is_dir() || o.to_string_lossy().ends_with('/')))
        .map(|o| crate::resolve::clean(&cwd.join(o)));
    if let Some(o) = &named_out {
        crate::link::refuse_foreign_output(o, cache_dir.as_deref())?;
        crate::cleanup::guard_output(o, cache_dir.as_deref());
    }
    let r = build_outputs(cwd, args, cache_dir.as_deref());
    if r.is_err()
        && let Some(o) = &named_out
    {
        crate::link::remove_if_ours(o, cache_dir.as_deref());
    }
    r
}

/// `build` once OUT has been checked: steps 1–10 of the module outline.
fn build_outputs(cwd: &Path, args: &BuildArgs, cache_dir: Option<&Path>) -> Result<i32> {
    let loaded = load(cwd, &args.load)?;
    let graph = &loaded.graph;
    let tc = &loaded.toolchain;

    // 6. Outputs.
    let mains: Vec<PkgId> = graph
        .roots
        .iter()
        .copied()
        .filter(|id| graph.pkg(*id).is_main())
        .collect();
    let mut outputs: BTreeMap<PkgId, PathBuf> = BTreeMap::new();
    let out_is_dir = args
        .output
        .as_ref()
        .is_some_and(|o| o.is_dir() || o.to_string_lossy().ends_with('/'));
    match (&args.output, mains.len()) {
        (_, 0) => {
            if let Some(o) = &args.output
                && !out_is_dir
            {
                bail!(
                    "-o {}: no main package among the packages named, so there is nothing to link",
                    o.display()
                );
            }
        }
        (Some(o), _) if out_is_dir => {
            for &m in &mains {
                outputs.insert(
                    m,
                    crate::resolve::clean(
                        &cwd.join(o)
                            .join(crate::link::default_exe_name(&graph.pkg(m).import_path)),
                    ),
                );
            }
        }
        (Some(o), 1) => {
            outputs.insert(mains[0], crate::resolve::clean(&cwd.join(o)));
        }
        (Some(o), n) => bail!(
            "-o {}: {n} commands named; -o must be a directory to hold them",
            o.display()
        ),
        (None, 1) if graph.roots.len() == 1 => {
            outputs.insert(
                mains[0],
                cwd.join(crate::link::default_exe_name(
                    &graph.pkg(mains[0]).import_path,
                )),
            );
        }
        // As go build: several packages without -o are compiled and checked only.
        (None, _) => {}
    }

    if args.output.is_none() {
        for out in outputs.values() {
            crate::link::refuse_foreign_output(out, cache_dir)?;
            crate::cleanup::guard_output(out, cache_dir);
        }
    }

    // 7. Plan.
    let mut flags = Flags::default();
    if let Some(f) = &args.gccgoflags {
        flags.gcflags = split_flags(f);
    }
    if let Some(f) = &args.ldflags {
        flags.ldflags = split_flags(f);
    }
    flags.link = args.link;
    if args.size {
        // As one does by hand for a router's flash: optimise for size, let the
        // linker drop unused functions and data, and no PIE where the target allows.
        if args.gccgoflags.is_none() {
            flags.gcflags = vec!["-Os".into()];
        }
        flags.gcflags.extend([
            "-ffunction-sections".to_string(),
            "-fdata-sections".to_string(),
        ]);
        flags
            .ldflags
            .extend(["-Wl,--gc-sections".to_string(), "-no-pie".to_string()]);
    }
    flags.strip = args.strip || args.size;
    let workdir = tempfile::Builder::new()
        .prefix("gccgo-build-")
        .tempdir()
        .context("creating the work directory")?;
    let work = workdir.path().to_path_buf();
    if !args.work {
        crate::cleanup::add_dir(&work);
    }
    let plan = Plan::new(graph, tc, &flags, &work, &outputs);

    // 8. -n
    if args.dry_run {
        print!("{}", plan.script());
        return Ok(0);
    }
    if args.work || args.print_commands {
        eprintln!("WORK={}", work.display());
    }

    // 9. Exec.
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let opts = crate::exec::Options {
        jobs,
        print_commands: args.print_commands,
        verbose: args.verbose,
        keep_going: args.keep_going,
        timeout_secs: args.timeout,
        // SAFETY: the descriptors named in MAKEFLAGS are only used as a jobserver
        // by this process, and nothing else here opens or closes them.
        jobserver: unsafe { jobserver::Client::from_env() },
    };
    let mut progress = crate::progress::for_stderr(args.explain);
    let mut cache = match cache_dir {
        Some(d) => Some(crate::cache::Cache::open(
            d,
            tc,
            plan.actions.len(),
            args.explain,
        )?),
        None => None,
    };
    let hook = cache.as_mut().map(|c| c as &mut dyn crate::exec::CacheHook);
    let summary = crate::exec::run(&plan, &opts, progress.as_mut(), hook)?;
    if let Some(c) = &cache {
        for label in &c.rebuilt_corrupt {
            progress.warn(&format!("{label}: cache entry was corrupted; rebuilt it"));
        }
    }
    if args.verbose || args.explain {
        eprintln!(
            "gccgo-build: {} actions run, {} from cache",
            summary.ran, summary.cached
        );
    }
    if args.work {
        let _ = workdir.keep();
    }

    // 10. Report.
    if !summary.failed.is_empty() {
        for out in outputs.values() {
            // A failed build leaves no binary of ours at OUT, not even an
            // older one; with -k, the commands that did build keep theirs.
            let built = plan.actions.iter().enumerate().any(|(i, a)| {
                matches!(&a.kind, crate::plan::ActionKind::Link { out: o, .. } if o == out)
                    && summary.succeeded.contains(&i)
            });
            if !(args.keep_going && built) {
                crate::link::remove_if_ours(out, cache_dir);
            }
        }
        let skipped = if summary.skipped > 0 {
            format!(" ({} not built because of it)", summary.skipped)
        } else {
            String::new()
        };
        bail!("build failed: {}{skipped}", summary.failed.join(", "));
    }
    let mut too_big = Vec::new();
    for out in outputs.values() {
        if let Some(line) = crate::link::size_line(out) {
            eprintln!("{line}");
        }
        if args.verbose {
            for l in crate::link::largest_sections(out, 6) {
                eprintln!("  {l}");
            }
        }
        if let (Some(max), Ok(md)) = (args.max_size, std::fs::metadata(out))
            && md.len() > max
        {
            crate::link::remove_if_ours(out, cache_dir);
            too_big.push(format!(
                "{} is {}, larger than --max-size {}; removed it (try --size)",
                out.display(),
                crate::link::human_size(md.len()),
                crate::link::human_size(max)
            ));
        }
    }
    if !too_big.is_empty() {
        bail!("{}", too_big.join("\n"));
    }
    Ok(0)
}
