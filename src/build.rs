//! Build: the driver of `gccgo-build build`. The pipeline, in order:
//!
//! 1. Toolchain: find and probe the gccgo for `--target` (or the host's):
//!    version, Go version, GOOS/GOARCH, its standard library's export data.
//! 2. Context: the build tags in force (GOOS, GOARCH, `gccgo`, `unix`,
//!    release tags of the toolchain's Go version, `-tags`, and `cgo` when
//!    `CGO_ENABLED` says so: `cgo::enabled`).
//! 3. Resolver: module mode (go.mod at or above the directory) or GOPATH mode.
//! 4. Patterns: expand the command line's package patterns to import paths.
//! 5. Graph: scan and resolve everything reachable; reject cycles; freeze.
//! 6. Outputs: which commands are linked where (`-o`, or the go default).
//! 7. Plan: every command, with inputs and outputs; first, for the cgo
//!    packages, their flags (with pkg-config's) and the cgo tools.
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
    /// The standard-library packages the patterns matched, each with its
    /// pattern (nothing to build: gccgo ships them; `list` lists them).
    pub std_roots: Vec<(String, String)>,
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
    /// `-modfile FILE`, relative to the working directory: read instead of
    /// the main module's go.mod, whose directory stays the module root.
    pub modfile: Option<PathBuf>,
    /// Package patterns as given.
    pub packages: Vec<String>,
    /// Load the named packages' test files and their imports too (`test`).
    pub tests: bool,
    /// The packages are `pkg@version`, loaded outside any module
    /// (`install`/`run pkg@version`, `resolve::outside`).
    pub outside: bool,
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
    /// `-a`: run every action although the cache holds its result (and
    /// store what it makes), as `go build -a`.
    pub rebuild_all: bool,
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
    /// `--record FILE`: write the build record there (`record`).
    pub record: Option<PathBuf>,
    /// `--emit ninja FILE`: write the plan as a Ninja file and build nothing.
    pub emit_ninja: Option<PathBuf>,
    /// `install`: `output` is the install directory, and packages that are
    /// not commands are built and checked only (`install::main`).
    pub install: bool,
    /// `--linker` (or `GCCGO_BUILD_LINKER`), resolved for the toolchain
    /// by `flags_for` before planning.
    pub linker: crate::toolchain::LinkerChoice,
    /// The remote cache and the local cache's size limit (`explain` is
    /// filled from the field above when the cache opens).
    pub cache: crate::cache::Options,
    /// `-remote-exec` and its companions (`exec::remote`).
    pub remote_exec: Option<crate::exec::remote::Settings>,
    /// What the command line asked of remote execution, which the
    /// toolchain profile's `remote_*` fields complete (`with_profile_remote`).
    pub remote_request: crate::exec::remote::Request,
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

impl BuildConfig {
    /// This configuration with the remote-execution settings the toolchain
    /// profile completes (`exec::remote::Request::resolve`: the command
    /// line and `GCCGO_BUILD_REMOTE_EXEC` win); remote execution implies
    /// `-trimpath` (paths relative to `cwd`), as on the command line.
    /// `None` when nothing changes.
    ///
    /// Errors: a profile `remote_exec` that is not a Remote Execution API address.
    pub fn with_profile_remote(&self, tc: &Toolchain, cwd: &Path) -> Result<Option<BuildConfig>> {
        if tc.remote == crate::toolchain::RemoteDefaults::default() {
            return Ok(None);
        }
        let remote = self
            .remote_request
            .resolve(&tc.remote)
            .with_context(|| format!("toolchain profile {}", tc.name))?;
        let mut c = self.clone();
        if remote.is_some() && c.flags.trimpath.is_none() {
            c.flags.trimpath = Some(cwd.to_path_buf());
            c.buildinfo.trimpath = true;
        }
        c.remote_exec = remote;
        Ok(Some(c))
    }
}

/// Probes the toolchain that `--target`, `--toolchain FILE` and `--sdk DIR`
/// (or `$STAGING_DIR`), or else the go command's `GOOS`/`GOARCH`/`GCCGO`…,
/// choose together (see `profile::resolve`).
///
/// Errors: an unknown triple, a profile that does not parse, a compiler
/// that is not installed, an SDK without a gccgo, or variables that
/// disagree with the flags or ask for a target nothing installed serves.
///
/// `store` keeps the compiler's answers between runs (`--cache off`: nothing is kept).
pub fn toolchain_for_selection(
    sel: &crate::profile::Selection,
    store: &Store,
) -> Result<Toolchain> {
    crate::profile::resolve(sel, store)?.probe(store)
}

/// Steps 1–5: toolchain, context, resolver, patterns, graph.
///
/// Errors: see each step; every message names the file (and line) at fault.
///
/// `store` holds the toolchain probe's and the language gate's memos.
pub fn load(cwd: &Path, args: &LoadConfig, store: &Store) -> Result<Loaded> {
    load_then(cwd, args, store, |_| {})
}

/// `load`, calling `probed` with the toolchain as soon as it is known
/// (before the graph loads), to start work that needs only it.
///
/// Errors: as `load`.
pub fn load_then(
    cwd: &Path,
    args: &LoadConfig,
    store: &Store,
    probed: impl FnOnce(&Toolchain),
) -> Result<Loaded> {
    load_inner(cwd, args, store, probed, false)
}

/// `load` as `go list -e` loads: with `Graph::load_tolerant` (broken
/// packages and cycles recorded in the graph's `broken`, not errors).
///
/// Errors: as `load`, less those the tolerant graph records.
pub fn load_tolerant(cwd: &Path, args: &LoadConfig, store: &Store) -> Result<Loaded> {
    load_inner(cwd, args, store, |_| {}, true)
}

fn load_inner(
    cwd: &Path,
    args: &LoadConfig,
    store: &Store,
    probed: impl FnOnce(&Toolchain),
    tolerant: bool,
) -> Result<Loaded> {
    let toolchain = toolchain_for_selection(&args.choice.selection(), store)?;
    probed(&toolchain);
    if let Some(w) = toolchain.fpu_mismatch() {
        eprintln!("gccgo-build: warning: {w}");
    }
    let tags = args.tags.clone();
    for t in &tags {
        if !crate::constraint::is_valid_tag(t) {
            bail!("-tags: invalid build tag {t:?}");
        }
    }
    let cgo = crate::cgo::enabled(&crate::cgo::Env::from_process(), &toolchain);
    let ctx = BuildContext::new(
        &toolchain.target.goos,
        &toolchain.target.goarch,
        toolchain.go_minor,
        cgo,
        tags,
    );
    // Pattern expansion and the graph read each directory once.
    let _dirs = crate::scan::ListingMemo::start();
    let overlay = match &args.overlay {
        Some(f) => Some(crate::overlay::Overlay::read(&cwd.join(f), cwd)?),
        None => None,
    };
    // The resolver sees directories as the overlay makes them.
    if let Some(o) = &overlay {
        o.seed_listings();
    }
    let (mut resolver, packages) = if args.outside {
        Resolver::outside_module(toolchain.std.clone(), &args.packages)?
    } else {
        let r = Resolver::for_dir(cwd, toolchain.std.clone(), &args.mod_mode)?;
        (r, args.packages.clone())
    };
    if let Some(f) = args.modfile.as_ref().filter(|_| !args.outside) {
        use_modfile(&mut resolver, cwd, f, &args.mod_mode)?;
    }
    let expanded = resolver.expand_quietly(&packages, cwd)?;
    for pat in &expanded.unmatched {
        eprintln!("gccgo-build: warning: {pat:?} matched no packages");
    }
    let roots = expanded.roots;
    let src: &dyn crate::scan::SourceReader = match &overlay {
        Some(o) => o,
        None => &Disk,
    };
    let graph = if tolerant {
        Graph::load_tolerant(&resolver, &ctx, &roots, src, args.tests)?
    } else {
        Graph::load(&resolver, &ctx, &roots, src, args.tests)?
    };
    for w in crate::gate::check(&graph, &toolchain, store)? {
        eprintln!("gccgo-build: warning: {w}");
    }
    Ok(Loaded {
        std_roots: expanded.std,
        toolchain,
        ctx,
        resolver,
        graph,
    })
}

/// `-modfile FILE` (relative to `cwd`; as the go command reads it, `cmd/go/internal/modload`):
/// the main module's requirements and replacements come from FILE, which
/// must end in `.mod`; the module root stays the directory of the go.mod
/// found from the working directory, and `vendor/` is used as that go.mod
/// would be with FILE's `go` version.
///
/// Errors: FILE does not end in `.mod`, cannot be read or does not parse,
/// or there is no main module (GOPATH mode).
fn use_modfile(resolver: &mut Resolver, cwd: &Path, file: &Path, mod_mode: &str) -> Result<()> {
    if file.extension().is_none_or(|e| e != "mod") {
        bail!(
            "-modfile={}: file does not have .mod extension",
            file.display()
        );
    }
    let crate::resolve::Mode::Module(m) = &mut resolver.mode else {
        bail!(
            "-modfile={}: no go.mod at or above the working directory, and -modfile cannot \
             set the module root directory (build flag -modfile only valid when using modules)",
            file.display()
        );
    };
    if let Some(w) = &m.work {
        bail!(
            "-modfile={}: -modfile cannot be used in workspace mode ({}); set GOWORK=off to build the module alone",
            file.display(),
            w.file.display()
        );
    }
    let mut alt = crate::gomod::GoMod::read(&cwd.join(file))?;
    // The root stays where go.mod is (GoMod::dir is its file's directory).
    alt.file = m.mains[0].file.clone();
    let has_vendor = alt.dir().join("vendor/modules.txt").is_file();
    m.vendor = mod_mode == "vendor"
        || (mod_mode.is_empty() && has_vendor && alt.go_version().is_some_and(|v| v >= (1, 14)));
    m.mains[0] = alt;
    // The build list and the downloads follow the file in force.
    m.load_build_list(mod_mode)
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
        .filter(|o| !is_dir_output(o) && *o != Path::new("/dev/null"))
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
    let mut probing = None;
    let loaded = load_then(cwd, &cfg.load, &cfg.store, |tc| {
        probing = start_linker_probe(cfg, tc);
    })?;
    if let Some(h) = probing {
        let _ = h.join();
    }
    let graph = &loaded.graph;
    let tc = &loaded.toolchain;
    let profiled = cfg.with_profile_remote(tc, cwd)?;
    let cfg = profiled.as_ref().unwrap_or(cfg);
    if let Some(e) = graph.case_collision(cwd) {
        bail!("{e}");
    }
    // pkg@version names commands only (load.PackageOpts's MainOnly).
    if cfg.load.outside
        && let Some(p) = graph
            .roots
            .iter()
            .map(|&r| graph.pkg(r))
            .find(|p| !p.is_main())
    {
        bail!("package {} is not a main package", p.import_path);
    }

    // 6. Outputs.
    let outputs = link_outputs(cwd, cfg, graph)?;
    if cfg.output.is_none() {
        for out in outputs.values() {
            crate::link::refuse_foreign_output(out, &cfg.store)?;
            crate::cleanup::guard_output(out, &cfg.store);
        }
    }

    // 7. Plan (or a Ninja file of it).
    if let Some(file) = &cfg.emit_ninja {
        let file = cwd.join(file);
        let dir = file.parent().unwrap_or(cwd).to_path_buf();
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let work = dir
            .canonicalize()
            .with_context(|| format!("reading {}", dir.display()))?;
        let plan = make_plan(cfg, &loaded, &work, &outputs)?;
        crate::ninja::emit(&plan, cwd, &file)?;
        eprintln!(
            "gccgo-build: wrote {} ({} actions); run `ninja -C {}`",
            file.display(),
            plan.actions.len(),
            dir.display()
        );
        return Ok(0);
    }
    let workdir = work_dir(cfg.keep_work)?;
    let work = workdir.path().to_path_buf();
    let plan = make_plan(cfg, &loaded, &work, &outputs)?;

    // 8. -n
    if cfg.dry_run {
        print!("{}", plan.script());
        return Ok(0);
    }
    if cfg.keep_work || cfg.print_commands {
        eprintln!("WORK={}", work.display());
    }

    // 9. Exec (and the toolchain's identity for the build record, when
    // the store does not remember it: beside the compiles, not after them).
    let tc_id = crate::record::start_toolchain_id(tc, &cfg.store);
    let summary = execute(cfg, tc, &plan)?;
    if cfg.keep_work {
        let _ = workdir.keep();
    }

    // 10. Report, and the build record: kept in the cache whenever
    // something ran (a build that ran nothing left the last record true, and
    // hashing every input and output would cost a no-op build more than the
    // rest of it), written to `-record FILE` always.
    let code = report(cfg, &plan, &outputs, &summary)?;
    if summary.ran > 0 || cfg.record.is_some() {
        let installed: Vec<PathBuf> = outputs.values().cloned().collect();
        let rec = crate::record::of_build(cwd, tc, &cfg.store, &plan, &installed, tc_id);
        crate::record::keep(&rec, &cfg.store);
        if let Some(f) = &cfg.record {
            crate::record::write(&rec, &cwd.join(f))?;
        }
    }
    Ok(code)
}

/// `--linker auto` with nothing remembered for the toolchain: the linker
/// probe (a compile, a link and a run of a small program, about half a
/// second) started on another thread, so that it runs beside loading the
/// graph and the language check instead of after them; it remembers its
/// answer in the store, where planning reads it. `None` when there is
/// nothing to probe (another choice, or the answer remembered) or no
/// store to remember in.
fn start_linker_probe(cfg: &BuildConfig, tc: &Toolchain) -> Option<std::thread::JoinHandle<()>> {
    if cfg.linker != crate::toolchain::LinkerChoice::Auto
        || cfg.store.dir().is_none()
        || crate::toolchain::LinkerFacts::remembered(tc, &cfg.store)
    {
        return None;
    }
    let tc = tc.clone();
    let (ldflags, store, linker) = (cfg.flags.ldflags.clone(), cfg.store.clone(), cfg.linker);
    std::thread::Builder::new()
        .name("linker-probe".into())
        .spawn(move || {
            crate::link::choose_linker(linker, &tc, &ldflags, &store);
        })
        .ok()
}

/// Step 7: the plan, with each command's build information and the
/// `-X` rewrites.
///
/// Errors: as `apply_x`.
fn make_plan(
    cfg: &BuildConfig,
    loaded: &Loaded,
    work: &Path,
    outputs: &BTreeMap<PkgId, PathBuf>,
) -> Result<Plan> {
    let (graph, tc) = (&loaded.graph, &loaded.toolchain);
    let cgo = crate::cgo::Setup::for_graph(graph, tc, &crate::cgo::Env::from_process())?;
    let mut plan = Plan::new(graph, tc, &cfg.flags_for(tc), work, outputs, &cgo);
    apply_x(cfg, graph, &mut plan, outputs)?;
    for &main in outputs.keys() {
        let info = crate::buildinfo::text(graph, main, &loaded.resolver, tc, &cfg.buildinfo);
        plan.add_modinfo(main, crate::buildinfo::go_source(&info));
    }
    Ok(plan)
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
/// `keep` (`--work`; the caller keeps it at the end); under `GOTMPDIR`
/// when set (environment or go env file), as go's `Builder.Init`, else
/// under TMPDIR.
///
/// Errors when the temporary directory cannot be created (naming GOTMPDIR
/// when it is the cause).
pub fn work_dir(keep: bool) -> Result<tempfile::TempDir> {
    let mut b = tempfile::Builder::new();
    b.prefix("gccgo-build-");
    let workdir = match crate::profile::goenv::getenv("GOTMPDIR") {
        Some((d, _)) => b
            .tempdir_in(&d)
            .with_context(|| format!("creating the work directory in GOTMPDIR={d}"))?,
        None => b.tempdir().context("creating the work directory")?,
    };
    if !keep {
        crate::cleanup::add_dir(workdir.path());
    }
    Ok(workdir)
}

/// Step 6: which main package is linked where, by go 1.19's `runBuild`
/// rules (cmd/go/internal/work/build.go). `-o DIR` (or several commands
/// without `-o`, which are only compiled, as `go build` does) uses go's
/// default executable names; `-o /dev/null` links nothing.
///
/// Errors, in go's words: `-o DIR` naming no command (but for `install`),
/// `-o FILE` with several packages, `-o FILE` with no main package, and
/// the default output name of a single command naming a directory, or
/// `-o DIR` where `DIR/NAME` is a directory.
fn link_outputs(cwd: &Path, cfg: &BuildConfig, graph: &Graph) -> Result<BTreeMap<PkgId, PathBuf>> {
    let mains: Vec<PkgId> = graph
        .roots
        .iter()
        .copied()
        .filter(|id| graph.pkg(*id).is_main())
        .collect();
    let exe = |m: PkgId| crate::link::exe_name(graph.pkg(m));
    let mut outputs: BTreeMap<PkgId, PathBuf> = BTreeMap::new();
    match &cfg.output {
        Some(o) if o == Path::new("/dev/null") => {}
        Some(o) if is_dir_output(o) => {
            if mains.is_empty() && !cfg.install {
                bail!(
                    "no main packages to build (-o {} is a directory, which holds commands only)",
                    o.display()
                );
            }
            for &m in &mains {
                let out = crate::resolve::clean(&cwd.join(o).join(exe(m)));
                if out.is_dir() {
                    // go's builder, when it installs (work/exec.go, `BuildInstallFunc`).
                    bail!(
                        "build {}: build output {:?} already exists and is a directory",
                        graph.pkg(m).import_path,
                        o.join(exe(m))
                    );
                }
                // Two commands of one name (`./a/cmd ./b/cmd`): go 1.19
                // links both to the same file, the last to finish winning;
                // here the first named is linked there.
                if !outputs.values().any(|p| *p == out) {
                    outputs.insert(m, out);
                }
            }
        }
        Some(o) if graph.roots.len() > 1 => bail!(
            "cannot write multiple packages to non-directory {}",
            o.display()
        ),
        Some(o) if mains.is_empty() => bail!(
            "-o {}: no main package among the packages named, so there is nothing to link",
            o.display()
        ),
        Some(o) => {
            outputs.insert(mains[0], crate::resolve::clean(&cwd.join(o)));
        }
        None if mains.len() == 1 && graph.roots.len() == 1 => {
            let out = cwd.join(exe(mains[0]));
            if out.is_dir() {
                bail!(
                    "build output {:?} already exists and is a directory",
                    exe(mains[0])
                );
            }
            outputs.insert(mains[0], out);
        }
        // As go build: several packages without -o are compiled and checked only.
        None => {}
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
        remote: match &cfg.remote_exec {
            Some(s) => {
                let s = crate::exec::remote::Settings {
                    local_jobs: cfg.jobs,
                    ..s.clone()
                };
                Some(crate::exec::remote::Remote::for_toolchain(s, tc)?)
            }
            None => None,
        },
    };
    let mut progress = crate::progress::for_stderr(cfg.explain);
    let cache_opts = crate::cache::Options {
        explain: cfg.explain != Explain::Off,
        ..cfg.cache.clone()
    };
    let mut cache = crate::cache::Cache::open(&cfg.store, tc, plan, &cache_opts)?
        .map(|c| if cfg.rebuild_all { c.rebuild_all() } else { c });
    let hook = cache
        .as_mut()
        .map(|c| c as &mut dyn crate::cache::CacheHook);
    let summary = crate::exec::run(plan, &opts, progress.as_mut(), hook)?;
    if let Some(r) = &opts.remote
        && (cfg.verbose || cfg.print_commands)
    {
        eprintln!("gccgo-build: {}", r.summary_line(summary.ran));
    }
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
            // A stripped binary (--size, --strip) is the one for a device's
            // flash: also what it takes there, compressed.
            // (Measured only then: xz at squashfs's settings costs seconds.)
            let flash = cfg
                .flags
                .strip
                .then(|| crate::link::flash_note(out))
                .flatten();
            eprintln!("{line}{}", flash.unwrap_or_default());
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
