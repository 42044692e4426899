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

use crate::graph::{Graph, PkgId};
use crate::plan::{Flags, Plan};
use crate::progress::Explain;
use crate::resolve::Resolver;
use crate::scan::{BuildContext, Disk};
use crate::store::Store;
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

/// What to load, as the command line chose it (`cli::LoadArgs::config`).
#[derive(Debug, Clone, Default)]
pub struct LoadConfig {
    /// `--target`, `--toolchain`, `--sdk`.
    pub choice: crate::profile::Choice,
    /// Extra build tags (`-tags`), non-empty.
    pub tags: Vec<String>,
    /// Module download mode (`-mod`): empty, `vendor`, `mod`, `readonly`.
    pub mod_mode: String,
    /// `-overlay FILE`, relative to the working directory.
    pub overlay: Option<PathBuf>,
    /// Package patterns as given.
    pub packages: Vec<String>,
    /// Load the named packages' test files and their imports too (`test`).
    pub tests: bool,
}

/// Everything `gccgo-build build` runs with: the second layer of the
/// command line (`cli::BuildArgs::config`), checked, with defaults resolved
/// and `--size` folded into the flags.
#[derive(Debug, Clone)]
pub struct BuildConfig {
    /// What to load.
    pub load: LoadConfig,
    /// `-o OUT` as given (relative to the working directory): a file, or a
    /// directory (existing, or written with a trailing `/`).
    pub output: Option<PathBuf>,
    /// Parallel jobs, ≥ 1.
    pub jobs: usize,
    /// `-x`: print each command as it runs.
    pub print_commands: bool,
    /// `-n`: print the plan as a script, run nothing.
    pub dry_run: bool,
    /// `-v`: name packages as they compile; sizes of the largest sections.
    pub verbose: bool,
    /// `-k`: keep going after a failure where the graph allows.
    pub keep_going: bool,
    /// `--work`: keep the work directory and print its name.
    pub keep_work: bool,
    /// Compile and link settings for every package (`--size` folded in).
    pub flags: Flags,
    /// Where the cache and every memo live (`--cache DIR|off`).
    pub store: Store,
    /// `--max-size`, in bytes.
    pub max_size: Option<u64>,
    /// `--explain` (and `--json`).
    pub explain: Explain,
    /// `--timeout`: kill a command running longer; `None` waits forever.
    pub timeout: Option<std::time::Duration>,
    /// No size line after the link (`run`).
    pub quiet: bool,
    /// What the commands' build information records of the flags.
    pub buildinfo: crate::buildinfo::Settings,
    /// `-ldflags -X importpath.name=value` settings (`xflag`).
    pub xs: Vec<crate::xflag::Setting>,
    /// `--linker` (or `GCCGO_BUILD_LINKER`), resolved for the toolchain
    /// by `flags_for` before planning.
    pub linker: crate::toolchain::LinkerChoice,
    /// The remote cache and the local cache's size limit (`explain` is
    /// filled from the field above when the cache opens).
    pub cache: crate::cache::Options,
}

impl BuildConfig {
    /// The flags to plan with for `tc`: `flags` with the linker that
    /// `linker` resolves to for it (`link::choose_linker`, which probes the
    /// linkers once per toolchain for `auto`).
    pub fn flags_for(&self, tc: &Toolchain) -> Flags {
        let mut f = self.flags.clone();
        f.linker = crate::link::choose_linker(self.linker, tc, &f.ldflags, &self.store);
        f
    }
}

/// Probes the toolchain that `--target`, `--toolchain FILE` and `--sdk DIR`
/// (or `$STAGING_DIR`) choose together (see `profile::resolve`).
///
/// Errors: an unknown triple, a profile that does not parse, a compiler
/// that is not installed, or an SDK without a gccgo.
///
/// `store` keeps the compiler's answers between runs (`--cache off`: nothing is kept).
pub fn toolchain_for_selection(
    sel: &crate::profile::Selection,
    store: &Store,
) -> Result<Toolchain> {
    let r = crate::profile::resolve(sel, store)?;
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
    Toolchain::probe(&r.spec, store)
}

/// Steps 1–5: toolchain, context, resolver, patterns, graph.
///
/// Errors: see each step; every message names the file (and line) at fault.
///
/// `store` holds the toolchain probe's and the language gate's memos.
pub fn load(cwd: &Path, args: &LoadConfig, store: &Store) -> Result<Loaded> {
    let toolchain = toolchain_for_selection(&args.choice.selection(), store)?;
    if let Some(w) = toolchain.fpu_mismatch() {
        eprintln!("gccgo-build: warning: {w}");
    }
    let tags = args.tags.clone();
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
            Graph::load(&resolver, &ctx, &roots, &overlay, args.tests)?
        }
        None => Graph::load(&resolver, &ctx, &roots, &Disk, args.tests)?,
    };
    for w in crate::gate::check(&graph, &toolchain, store)? {
        eprintln!("gccgo-build: warning: {w}");
    }
    Ok(Loaded {
        toolchain,
        ctx,
        resolver,
        graph,
    })
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
pub fn build(cwd: &Path, cfg: &BuildConfig) -> Result<i32> {
    let named_out = cfg
        .output
        .as_ref()
        .filter(|o| !is_dir_output(o))
        .map(|o| crate::resolve::clean(&cwd.join(o)));
    if let Some(o) = &named_out {
        crate::link::refuse_foreign_output(o, &cfg.store)?;
        crate::cleanup::guard_output(o, &cfg.store);
    }
    let r = build_outputs(cwd, cfg);
    if r.is_err()
        && let Some(o) = &named_out
    {
        cfg.store.remove_if_ours(o);
    }
    r
}

/// Whether `-o` names a directory: an existing one, or one written with a
/// trailing `/` (as `go build -o dir/`).
fn is_dir_output(o: &Path) -> bool {
    o.is_dir() || o.to_string_lossy().ends_with('/')
}

/// `build` once OUT has been checked: steps 1–10 of the module outline.
fn build_outputs(cwd: &Path, cfg: &BuildConfig) -> Result<i32> {
    let loaded = load(cwd, &cfg.load, &cfg.store)?;
    let graph = &loaded.graph;
    let tc = &loaded.toolchain;

    // 6. Outputs.
    let outputs = link_outputs(cwd, cfg, graph)?;
    if cfg.output.is_none() {
        for out in outputs.values() {
            crate::link::refuse_foreign_output(out, &cfg.store)?;
            crate::cleanup::guard_output(out, &cfg.store);
        }
    }

    // 7. Plan.
    let workdir = work_dir(cfg.keep_work)?;
    let work = workdir.path().to_path_buf();
    let mut plan = Plan::new(graph, tc, &cfg.flags_for(tc), &work, &outputs);
    apply_x(cfg, graph, &mut plan, &outputs)?;
    for &main in outputs.keys() {
        let info = crate::buildinfo::text(graph, main, &loaded.resolver, tc, &cfg.buildinfo);
        plan.add_modinfo(main, crate::buildinfo::go_source(&info));
    }

    // 8. -n
    if cfg.dry_run {
        print!("{}", plan.script());
        return Ok(0);
    }
    if cfg.keep_work || cfg.print_commands {
        eprintln!("WORK={}", work.display());
    }

    // 9. Exec.
    let summary = execute(cfg, tc, &plan)?;
    if cfg.keep_work {
        let _ = workdir.keep();
    }

    // 10. Report.
    report(cfg, &plan, &outputs, &summary)
}

/// `-X importpath.name=value`: each package's file declaring the variable
/// is compiled from a rewritten copy (`xflag`); `main` names every linked
/// command's main package. A name found nowhere is ignored, as gc does
/// (`-v` says so).
///
/// Errors: a variable that is not a string (`xflag::apply`), or a file that
/// cannot be read.
fn apply_x(
    cfg: &BuildConfig,
    graph: &Graph,
    plan: &mut Plan,
    outputs: &BTreeMap<PkgId, PathBuf>,
) -> Result<()> {
    for x in &cfg.xs {
        let targets: Vec<PkgId> = if x.package == "main" {
            outputs.keys().copied().collect()
        } else {
            graph.find(&x.package).into_iter().collect()
        };
        let mut found = false;
        for id in targets {
            let p = graph.pkg(id);
            for f in &p.files.go_files {
                let path = p.files.source_path(&f.name);
                let src = std::fs::read_to_string(&path)
                    .with_context(|| format!("reading {}", path.display()))?;
                match crate::xflag::apply(&path, &src, &[x])? {
                    crate::xflag::Outcome::Rewritten(text) => {
                        plan.replace_source(
                            id,
                            &path,
                            text,
                            &format!("-X {}.{}", x.package, x.name),
                        );
                        found = true;
                    }
                    crate::xflag::Outcome::Left(why) => {
                        found = true;
                        if cfg.verbose {
                            eprintln!("gccgo-build: {why}");
                        }
                    }
                    _ => {}
                }
            }
        }
        if !found && cfg.verbose {
            eprintln!(
                "gccgo-build: -X {}.{}: no such string variable is built; ignored, as gc does",
                x.package, x.name
            );
        }
    }
    Ok(())
}

/// A new work directory (`$WORK`), removed on an early end unless
/// `keep` (`--work`; the caller keeps it at the end).
///
/// Errors when the temporary directory cannot be created.
pub fn work_dir(keep: bool) -> Result<tempfile::TempDir> {
    let workdir = tempfile::Builder::new()
        .prefix("gccgo-build-")
        .tempdir()
        .context("creating the work directory")?;
    if !keep {
        crate::cleanup::add_dir(workdir.path());
    }
    Ok(workdir)
}

/// Step 6: which main package is linked where. `-o DIR` (or several
/// commands without `-o`, which are only compiled, as `go build` does)
/// uses go's default executable names.
///
/// Errors: `-o FILE` with no main package, or with several.
fn link_outputs(cwd: &Path, cfg: &BuildConfig, graph: &Graph) -> Result<BTreeMap<PkgId, PathBuf>> {
    let mains: Vec<PkgId> = graph
        .roots
        .iter()
        .copied()
        .filter(|id| graph.pkg(*id).is_main())
        .collect();
    let exe = |m: PkgId| crate::link::exe_name(graph.pkg(m));
    let mut outputs: BTreeMap<PkgId, PathBuf> = BTreeMap::new();
    match (&cfg.output, mains.len()) {
        (Some(o), 0) if !is_dir_output(o) => bail!(
            "-o {}: no main package among the packages named, so there is nothing to link",
            o.display()
        ),
        (_, 0) => {}
        (Some(o), _) if is_dir_output(o) => {
            for &m in &mains {
                outputs.insert(m, crate::resolve::clean(&cwd.join(o).join(exe(m))));
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
            outputs.insert(mains[0], cwd.join(exe(mains[0])));
        }
        // As go build: several packages without -o are compiled and checked only.
        (None, _) => {}
    }
    Ok(outputs)
}

/// Step 9: runs the plan with the cache of `cfg.store` (none when off).
///
/// Errors: the cache directory cannot be created, or a worker thread
/// cannot start; failed actions are in the summary, not errors.
pub fn execute(cfg: &BuildConfig, tc: &Toolchain, plan: &Plan) -> Result<crate::exec::Summary> {
    let opts = crate::exec::Options {
        jobs: cfg.jobs,
        print_commands: cfg.print_commands,
        verbose: cfg.verbose,
        keep_going: cfg.keep_going,
        timeout: cfg.timeout,
        // SAFETY: the descriptors named in MAKEFLAGS are only used as a jobserver
        // by this process, and nothing else here opens or closes them.
        jobserver: unsafe { jobserver::Client::from_env() },
    };
    let mut progress = crate::progress::for_stderr(cfg.explain);
    let cache_opts = crate::cache::Options {
        explain: cfg.explain != Explain::Off,
        ..cfg.cache.clone()
    };
    let mut cache = crate::cache::Cache::open(&cfg.store, tc, plan, &cache_opts)?;
    let hook = cache
        .as_mut()
        .map(|c| c as &mut dyn crate::cache::CacheHook);
    let summary = crate::exec::run(plan, &opts, progress.as_mut(), hook)?;
    if cfg.verbose || cfg.explain == Explain::Text {
        eprintln!(
            "gccgo-build: {} actions run, {} from cache",
            summary.ran, summary.cached
        );
    }
    Ok(summary)
}

/// Step 10: on failure, removes this build's outputs (the rule for OUT)
/// and names the failed actions; on success, prints one size line per
/// command and enforces `--max-size`.
///
/// Errors: the build failed, or a command is larger than `--max-size`.
fn report(
    cfg: &BuildConfig,
    plan: &Plan,
    outputs: &BTreeMap<PkgId, PathBuf>,
    summary: &crate::exec::Summary,
) -> Result<i32> {
    if !summary.failed.is_empty() {
        for out in outputs.values() {
            // A failed build leaves no binary of ours at OUT, not even an
            // older one; with -k, the commands that did build keep theirs.
            let built = plan
                .link_of(out)
                .is_some_and(|i| summary.succeeded.contains(&i));
            if !(cfg.keep_going && built) {
                cfg.store.remove_if_ours(out);
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
        if let Some(line) = crate::link::size_line(out).filter(|_| !cfg.quiet) {
            eprintln!("{line}");
        }
        if cfg.verbose {
            for l in crate::link::largest_sections(out, 6) {
                eprintln!("  {l}");
            }
        }
        if let (Some(max), Ok(md)) = (cfg.max_size, std::fs::metadata(out))
            && md.len() > max
        {
            cfg.store.remove_if_ours(out);
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
