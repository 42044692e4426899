//! Gotest: the driver of `gccgo-build test` and `gccgo-build run`.
//!
//! `test`, in order:
//! 1. Load the packages with their test files (`build::load`, tests on).
//! 2. For each package with tests: find its tests, benchmarks, fuzz
//!    targets, examples and `TestMain` (`testmain::discover`) and write its
//!    test main for the toolchain's `testing` API (`testmain::render`).
//! 3. Plan every package's compile and each test binary (`Plan::add_test`),
//!    and run the plan with the cache, as `build` does.
//! 4. `-c`: install the binaries and stop.
//! 5. Run each binary (`-p` at a time) under the target's runner (the
//!    profile's qemu-user with its `-cpu` model, or `-exec CMD`), in the
//!    package's directory, with the `-test.*` flags (`flags`); or reuse
//!    the cached result of the same binary and flags whose inputs (the
//!    files and variables its last run read, `testlog`) are unchanged.
//! 6. Print each package's result in command-line order, as `go test` does
//!    (`ok  \tP\t0.012s`, `FAIL\tP [build failed]`), or the `-json` event
//!    stream; exit 1 when any package failed.
//!
//! `run` builds one command and runs it under the same runner, its exit
//! status passed through.

pub mod flags;
mod testlog;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};

mod cover;
pub use cover::CoverConfig;

use crate::build::BuildConfig;
use crate::graph::{Graph, PkgId};
use crate::plan::{ActionId, Plan, Role, TestBinary};
use crate::store::Store;
use crate::testmain::{Side, TestFuncs, TestingApi};
use crate::toolchain::Toolchain;

/// What `gccgo-build test` runs with (`cli::test::TestArgs::config`).
#[derive(Debug, Clone)]
pub struct TestConfig {
    /// How to build (loads tests; `output` is `-o` for `-c`).
    pub build: BuildConfig,
    /// `-run RE`.
    pub run: Option<String>,
    /// `-v`: every test's output.
    pub verbose: bool,
    /// `-count N` (`-count=1` also bypasses the result cache).
    pub count: Option<u32>,
    /// `-short`.
    pub short: bool,
    /// `-timeout D`, a Go duration as Go prints it (`10m0s`); the test
    /// binary panics after it, and is killed a minute later.
    pub timeout: String,
    /// `-bench RE`.
    pub bench: Option<String>,
    /// `-c`: build the test binaries, do not run them.
    pub compile_only: bool,
    /// `-json`: the test2json event stream on stdout.
    pub json: bool,
    /// `-exec CMD`: run each binary with this program and arguments.
    pub exec: Option<Vec<String>>,
    /// `-runner KIND` (`None`: `-exec`, the profile's `runner_kind`, or qemu-user).
    pub runner: Option<crate::sysrun::RunnerKind>,
    /// `-m MIB` for the system runner's guests.
    pub memory_mib: Option<u32>,
    /// `-p N`: test binaries run at once, ≥ 1.
    pub parallel: usize,
    /// Arguments after `-args`, passed to every binary.
    pub args: Vec<String>,
    /// `-cover` and its flags; `None` without coverage.
    pub cover: Option<CoverConfig>,
    /// The flags given that go test passes to the binary as
    /// `-test.NAME=VALUE` (`flags::PASS_TO_TEST`): (name, value).
    pub pass: Vec<(String, String)>,
    /// `-list RE`: the output of a passing binary is shown, as with `-v`.
    pub list: bool,
    /// `-vet` asked for checks (not `off`): say once that none ran.
    pub vet_skipped: bool,
    /// Packages were named on the command line; without, go test caches
    /// no result ("local directory mode").
    pub packages_named: bool,
}

/// One package's outcome.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct Outcome {
    /// What the binary printed (stdout, then stderr).
    output: String,
    /// It exited 0.
    passed: bool,
    /// Wall time, seconds.
    elapsed: f64,
    /// The `-test.coverprofile` the binary wrote (kept with a cached result,
    /// as go's test cache keeps it).
    #[serde(default)]
    cover_profile: Option<String>,
}

/// Runs `gccgo-build test`; returns the exit status (0, or 1 when a
/// package failed to build or its tests failed).
///
/// Errors: bad input (see `build::load`), a test function with the wrong
/// signature, an import cycle through a test, or the work directory.
pub fn test_main(cwd: &Path, cfg: &TestConfig) -> Result<i32> {
    let mut bcfg = cfg.build.clone();
    bcfg.load.tests = true;
    // As go test: a package that does not build fails alone.
    bcfg.keep_going = true;
    let loaded = crate::build::load(cwd, &bcfg.load, &bcfg.store)?;
    let (graph, tc) = (&loaded.graph, &loaded.toolchain);
    let kind = check_request(cfg, graph, tc)?;
    if kind == crate::sysrun::RunnerKind::System {
        // The guest has no libc to load: every test binary is static.
        bcfg.flags.link = crate::plan::LinkMode::Static;
    }
    let api = testing_api(tc)?;
    let workdir = crate::build::work_dir(bcfg.keep_work)?;
    let work = workdir.path().to_path_buf();
    let cgo = crate::cgo::Setup::for_graph(graph, tc, &crate::cgo::Env::from_process())?;
    let flags = bcfg.flags_for(tc);
    let mut plan = Plan::new(graph, tc, &flags, &work, &BTreeMap::new(), &cgo);
    let coverage = match &cfg.cover {
        Some(c) => Some(cover::Coverage::new(cwd, graph, c)?),
        None => None,
    };
    if let Some(c) = &coverage {
        c.apply_global(&mut plan);
    }
    let mut links: Vec<(PkgId, Option<ActionId>)> = Vec::new();
    for &id in &graph.roots {
        let p = graph.pkg(id);
        if !p.files.has_tests() {
            links.push((id, None));
            continue;
        }
        let t = test_binary(cwd, cfg, graph, id, api, coverage.as_ref())?;
        links.push((id, Some(plan.add_test(graph, tc, &flags, &t, &cgo)?)));
    }
    if bcfg.keep_work || bcfg.print_commands {
        eprintln!("WORK={}", work.display());
    }
    let summary = crate::build::execute(&bcfg, tc, &plan)?;
    if bcfg.keep_work {
        let _ = workdir.keep();
    }
    let built = |l: &Option<ActionId>| l.is_some_and(|i| summary.succeeded.contains(&i));
    if cfg.compile_only {
        let failed: Vec<&str> = links
            .iter()
            .filter(|(_, l)| l.is_some() && !built(l))
            .map(|(id, _)| graph.pkg(*id).import_path.as_str())
            .collect();
        if !failed.is_empty() {
            bail!("build failed: {}", failed.join(", "));
        }
        for (id, _) in links.iter().filter(|(_, l)| l.is_none()) {
            println!("?   \t{}\t[no test files]", graph.pkg(*id).import_path);
        }
        return Ok(0);
    }
    let profile = cover::ProfileFile::for_config(cfg.cover.as_ref())?;
    let jobs: Vec<Job> = links
        .iter()
        .enumerate()
        .map(|(i, (id, l))| Job {
            cover_out: coverage
                .as_ref()
                .filter(|c| c.wants_profile())
                .map(|_| work.join(format!("_cover_{i}.out"))),
            import_path: graph.pkg(*id).import_path.clone(),
            dir: graph.pkg(*id).dir.clone(),
            exe: match l {
                None => Binary::NoTests,
                Some(i) if built(l) => Binary::Built(
                    plan[*i]
                        .output(Role::Exe)
                        .map(Path::to_path_buf)
                        .unwrap_or_default(),
                ),
                Some(_) => Binary::BuildFailed,
            },
        })
        .collect();
    let runner = Runner::new(&kind, cfg, tc, &bcfg.store)?;
    let failed = run_all(cfg, tc, &bcfg.store, &runner, &jobs, profile)?;
    // go test's last line when something failed (`printExitStatus`).
    if failed && !cfg.json && cfg.packages_named {
        println!("FAIL");
    }
    // As go: 2 when a compile failed (its output printed), else 1.
    let build_failed = jobs.iter().any(|j| matches!(j.exe, Binary::BuildFailed));
    Ok(if build_failed { 2 } else { i32::from(failed) })
}

/// go 1.19's checks of a `go test` request before anything is built
/// (cmd/go/internal/test, `runTest`), and the runner it asks for.
///
/// Errors: no packages; `-c` or `-o` with several packages; `-cover` with
/// the system runner; a runner the toolchain cannot have.
fn check_request(
    cfg: &TestConfig,
    graph: &Graph,
    tc: &Toolchain,
) -> Result<crate::sysrun::RunnerKind> {
    if graph.roots.is_empty() {
        // go test's words after its "matched no packages" warnings.
        bail!("no packages to test");
    }
    // go 1.19's checks (cmd/go/internal/test, runTest).
    if graph.roots.len() != 1 {
        if cfg.compile_only {
            bail!("cannot use -c flag with multiple packages");
        }
        if cfg.build.output.is_some() {
            bail!("cannot use -o flag with multiple packages");
        }
    }
    if cfg.vet_skipped {
        eprintln!("gccgo-build: -vet: gccgo has no vet; vet did not run");
    }
    let kind = crate::sysrun::RunnerKind::choose(cfg.runner.as_ref(), cfg.exec.as_deref(), tc)?;
    if kind == crate::sysrun::RunnerKind::System && cfg.cover.is_some() {
        bail!(
            "-cover with -runner system: the guest cannot write the coverage profile back to \
             the host yet; run coverage under qemu-user (-runner user)"
        );
    }
    Ok(kind)
}

/// Package `id`'s test binary: its test main (with the coverage `coverage`
/// asks for) and where `-c` installs it.
///
/// Errors: a test file that cannot be read or has a test function of the
/// wrong signature; a covered file that cannot be read or parsed.
fn test_binary(
    cwd: &Path,
    cfg: &TestConfig,
    graph: &Graph,
    id: PkgId,
    api: TestingApi,
    coverage: Option<&cover::Coverage>,
) -> Result<TestBinary> {
    let p = graph.pkg(id);
    let funcs = discover(graph, id)?;
    let covered = coverage.map(|c| c.for_test(graph, id)).transpose()?;
    let imports = crate::testmain::Imports {
        internal: !p.files.go_files.is_empty() || !p.files.test_go_files.is_empty(),
        external: !p.files.xtest_go_files.is_empty(),
    };
    let main = crate::testmain::render_with_cover(
        &p.import_path,
        imports,
        &funcs,
        api,
        covered.as_ref().map(|c| &c.main),
    );
    let (cover, extra_imports) = covered
        .map(|c| (c.cover, c.extra_imports))
        .unwrap_or_default();
    Ok(TestBinary {
        pkg: id,
        testmain: main,
        install: (cfg.compile_only || cfg.build.output.is_some())
            .then(|| c_output(cwd, cfg, graph, id)),
        name: crate::link::default_exe_name(&p.import_path),
        cover,
        extra_imports,
    })
}

/// Where `-c` writes a package's test binary: `-o FILE` (one package), or
/// `<name>.test` in the working directory (or in `-o DIR`), as go does.
fn c_output(cwd: &Path, cfg: &TestConfig, graph: &Graph, id: PkgId) -> PathBuf {
    let name = format!(
        "{}.test",
        crate::link::default_exe_name(&graph.pkg(id).import_path)
    );
    match &cfg.build.output {
        Some(o) if o.is_dir() => cwd.join(o).join(name),
        Some(o) => cwd.join(o),
        None => cwd.join(name),
    }
}

/// The `testing` API of the toolchain's libgo, from its `testing.gox`.
///
/// Errors: the export data is missing or offers no `MainStart` we can call.
fn testing_api(tc: &Toolchain) -> Result<TestingApi> {
    let gox = tc.std_dir.join("testing.gox");
    let data = std::fs::read(&gox).with_context(|| {
        format!(
            "reading {} (the toolchain's testing package, which tests need)",
            gox.display()
        )
    })?;
    TestingApi::from_export_data(&data).with_context(|| format!("{}", gox.display()))
}

/// The test functions of a package's test files, its own then `P_test`'s.
///
/// Errors: a test file that cannot be read, or a test function with the
/// wrong signature (file and line).
fn discover(graph: &Graph, id: PkgId) -> Result<TestFuncs> {
    let p = graph.pkg(id);
    let mut funcs = TestFuncs::default();
    for (files, side) in [
        (&p.files.test_go_files, Side::Internal),
        (&p.files.xtest_go_files, Side::External),
    ] {
        for f in files {
            let path = p.files.source_path(&f.name);
            let src = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            let shown = p.dir.join(&f.name);
            crate::testmain::discover(&src, &shown.display().to_string(), side, &mut funcs)?;
        }
    }
    Ok(funcs)
}

/// A package to report on.
struct Job {
    /// Where the binary writes its `-test.coverprofile`, when one is asked for.
    cover_out: Option<PathBuf>,
    import_path: String,
    dir: PathBuf,
    exe: Binary,
}

enum Binary {
    NoTests,
    BuildFailed,
    Built(PathBuf),
}

/// Runs the built binaries `cfg.parallel` at a time and prints each
/// package's result in order; returns whether any package failed.
///
/// Errors: a worker thread could not start.
fn run_all(
    cfg: &TestConfig,
    tc: &Toolchain,
    store: &Store,
    runner: &Runner,
    jobs: &[Job],
    mut profile: Option<cover::ProfileFile>,
) -> Result<bool> {
    let (tx, rx) = std::sync::mpsc::channel::<(usize, Option<(Outcome, bool)>)>();
    let next = std::sync::Mutex::new(0usize);
    let mut any_failed = false;
    std::thread::scope(|s| -> Result<()> {
        for _ in 0..cfg.parallel.max(1) {
            let tx = tx.clone();
            let next = &next;
            std::thread::Builder::new()
                .name("test-runner".into())
                .spawn_scoped(s, move || {
                    loop {
                        let i = {
                            let Ok(mut n) = next.lock() else { return };
                            *n += 1;
                            *n - 1
                        };
                        let Some(job) = jobs.get(i) else { return };
                        if let Binary::Built(exe) = &job.exe {
                            let r = run_one(cfg, tc, store, runner, job, exe);
                            if tx.send((i, Some(r))).is_err() {
                                return;
                            }
                        } else if tx.send((i, None)).is_err() {
                            return;
                        }
                    }
                })
                .context("starting a test runner thread")?;
        }
        drop(tx);
        // Print in command-line order as results arrive.
        let mut done: BTreeMap<usize, Option<(Outcome, bool)>> = BTreeMap::new();
        let mut shown = 0;
        for (i, r) in rx {
            done.insert(i, r);
            while let Some(r) = done.remove(&shown) {
                if let (Some(pf), Some((o, _))) = (profile.as_mut(), &r)
                    && let Some(msg) = pf.append(o.cover_profile.as_deref().unwrap_or(""))
                {
                    print!("{msg}");
                }
                any_failed |= report(cfg, &jobs[shown], r);
                shown += 1;
            }
        }
        Ok(())
    })?;
    Ok(any_failed)
}

/// Prints one package's result (`go test`'s lines, or `-json` events);
/// returns whether it failed.
fn report(cfg: &TestConfig, job: &Job, r: Option<(Outcome, bool)>) -> bool {
    let ip = &job.import_path;
    // `text` as -json events (`passed` and `elapsed` for the package's last
    // one), or as it is.
    let emit = |text: &str, passed: bool, elapsed: f64, no_tests: bool| {
        if !cfg.json {
            print!("{text}");
            return;
        }
        let time = crate::test2json::now_rfc3339();
        for mut e in crate::test2json::convert(ip, text, passed, elapsed, &time) {
            // go test -json reports a package without tests as `skip`.
            if no_tests && e.action == "pass" {
                e.action = "skip".into();
            }
            println!("{}", serde_json::to_string(&e).unwrap_or_default());
        }
    };
    match (&job.exe, r) {
        (Binary::NoTests, _) => {
            emit(&format!("?   \t{ip}\t[no test files]\n"), true, 0.0, true);
            false
        }
        (Binary::BuildFailed, _) | (_, None) => {
            emit(&format!("FAIL\t{ip} [build failed]\n"), false, 0.0, false);
            true
        }
        (Binary::Built(_), Some((o, cached))) => {
            let time = if cached {
                "(cached)".to_string()
            } else {
                format!("{:.3}s", o.elapsed)
            };
            let coverage = if cfg.cover.is_some() {
                crate::cover::percentage_suffix(&o.output)
            } else {
                String::new()
            };
            let summary = if o.passed {
                format!("ok  \t{ip}\t{time}{coverage}\n")
            } else {
                format!("FAIL\t{ip}\t{time}\n")
            };
            // -json carries all of the output; the text shows it for -v
            // and for a failure.
            let mut text = String::new();
            // go streams the output of benchmarks and of a run without
            // package arguments (`builderRunTest`), and shows a passing
            // run's with -v and -list (testShowPass).
            let list = cfg.list || cfg.args.iter().any(|a| a.starts_with("-test.list="));
            let shown = cfg.verbose || list || cfg.bench.is_some() || !cfg.packages_named;
            if cfg.json || shown || !o.passed {
                text.push_str(&o.output);
                if !text.is_empty() && !text.ends_with('\n') && !cfg.json {
                    text.push('\n');
                }
            }
            text.push_str(&summary);
            emit(&text, o.passed, o.elapsed, false);
            !o.passed
        }
    }
}

/// The `-test.*` arguments of a run and those after `-args`, as go test
/// passes them (`flags::binary_args`).
fn test_flags(cfg: &TestConfig) -> Vec<String> {
    let given: Vec<(&str, String)> = cfg
        .pass
        .iter()
        .map(|(n, v)| (n.as_str(), v.clone()))
        .collect();
    let timeout = parse_go_duration(&cfg.timeout).unwrap_or_default();
    flags::binary_args(&given, cfg.json, timeout, &cfg.args)
}

/// The command that runs `exe`: `-exec CMD`, else the toolchain's runner
/// (qemu-user with the profile's `-cpu` and `-L <sysroot>`), else `exe` itself.
pub fn runner_command(exec: Option<&[String]>, tc: &Toolchain, exe: &Path) -> Vec<String> {
    let mut v: Vec<String> = match (exec, &tc.runner) {
        (Some(e), _) => e.to_vec(),
        (None, Some(r)) if !r.is_empty() && !is_host(tc) => r.clone(),
        _ => Vec::new(),
    };
    v.push(exe.display().to_string());
    v
}

/// Whether the toolchain builds for the machine this runs on.
pub fn is_host(tc: &Toolchain) -> bool {
    crate::target::host_goarch() == Some(tc.target.goarch.as_str())
        && tc.target.goos == std::env::consts::OS
}

/// Runs one package's binary, or takes its cached result; returns the
/// outcome and whether it came from the cache.
///
/// The binary gets `-test.paniconexit0` (so a test calling `os.Exit(0)`
/// fails, as under go test) and, when its result may be cached,
/// `-test.testlogfile` (go's rule, `tryCacheWithID`: packages named, no
/// `-exec`, only cacheable flags; see `testlog`). A binary that cannot be
/// started is a failed run (its error is the output).
fn run_one(
    cfg: &TestConfig,
    tc: &Toolchain,
    store: &Store,
    runner: &Runner,
    job: &Job,
    exe: &Path,
) -> (Outcome, bool) {
    let mut flags = test_flags(cfg);
    let argv = match runner {
        Runner::Command(exec) => runner_command(exec.as_deref(), tc, exe),
        Runner::System(sys) => {
            let mut v: Vec<String> = sys.describe().split(' ').map(str::to_string).collect();
            // The guest writes no test log the host can read: its inputs
            // are the package's testdata/, which goes into the initramfs.
            v.push(format!("testdata={}", testdata_stamp(&job.dir)));
            v.push(exe.display().to_string());
            v
        }
    };
    // The key names the profile flag, not the work directory's file.
    let mut keyed = flags.clone();
    if let Some(out) = &job.cover_out {
        keyed.push("-test.coverprofile=".into());
        flags.insert(0, format!("-test.coverprofile={}", out.display()));
    }
    let cache = ResultCache::new(cfg, store, job, exe, &argv, &keyed);
    if let Some(o) = cache.as_ref().and_then(ResultCache::lookup) {
        return (o, true);
    }
    if let Runner::System(sys) = runner {
        let o = run_in_guest(cfg, sys, job, exe, &flags);
        if let (true, Some(c)) = (o.passed, &cache) {
            c.save_log("", &o);
        }
        return (o, false);
    }
    let log_dir = cache.as_ref().and_then(|_| tempfile::tempdir().ok());
    let log_file = log_dir.as_ref().map(|d| d.path().join("testlog.txt"));
    let mut cmd = crate::process::Cmd::new(&argv[0]).args(&argv[1..]);
    if let Some(f) = &log_file {
        cmd = cmd.arg(format!("-test.testlogfile={}", f.display()));
    }
    cmd = cmd.arg("-test.paniconexit0").args(&flags);
    cmd.dir = Some(job.dir.clone());
    if cfg.build.print_commands {
        // As go test -x shows the run of each test binary.
        eprintln!(
            "cd {}; {cmd}",
            crate::process::quote(&job.dir.to_string_lossy(), None)
        );
    }
    let limit = parse_go_duration(&cfg.timeout)
        .filter(|d| !d.is_zero())
        .map(|d| d + Duration::from_secs(60));
    let start = Instant::now();
    let (output, passed) = match cmd.run(limit) {
        Ok(o) => (o.combined(), true),
        Err(e) => {
            let mut out = e.output().map(|o| o.combined()).unwrap_or_default();
            if !matches!(e, crate::process::RunError::Failed { .. }) {
                out.push_str(&format!(
                    "{}\n",
                    crate::words::error_text(&anyhow::Error::new(e))
                ));
            }
            (out, false)
        }
    };
    let o = Outcome {
        output,
        passed,
        elapsed: start.elapsed().as_secs_f64(),
        cover_profile: job
            .cover_out
            .as_ref()
            .map(|p| std::fs::read_to_string(p).unwrap_or_default()),
    };
    // Only a pass is remembered, as go test caches successful runs.
    if let (true, Some(c), Some(f)) = (o.passed, &cache, &log_file) {
        c.save(f, &o);
    }
    (o, false)
}

/// How the test binaries run: a command (qemu-user, `-exec`, or none),
/// or each in its own guest.
enum Runner {
    /// `-exec CMD` words, or `None` for the toolchain's runner.
    Command(Option<Vec<String>>),
    /// The system runner, prepared once for all binaries.
    System(crate::sysrun::System),
}

impl Runner {
    /// The runner of `kind`; the system runner's kernel and init are made
    /// ready here, once.
    ///
    /// Errors: as `sysrun::System::prepare`.
    fn new(
        kind: &crate::sysrun::RunnerKind,
        cfg: &TestConfig,
        tc: &Toolchain,
        store: &Store,
    ) -> Result<Runner> {
        use crate::sysrun::RunnerKind as K;
        Ok(match kind {
            K::User => Runner::Command(None),
            K::Native => Runner::Command(Some(Vec::new())),
            K::Exec(e) => Runner::Command(Some(e.clone())),
            K::System => {
                // The binary's own -test.timeout panics first; the guest is
                // killed a minute later, boot time allowed on top.
                let timeout = parse_go_duration(&cfg.timeout)
                    .filter(|d| !d.is_zero())
                    .map(|d| d + Duration::from_secs(120));
                let limits = crate::sysrun::Limits {
                    memory_mib: cfg.memory_mib,
                    timeout,
                };
                Runner::System(crate::sysrun::System::prepare(tc, store, &limits)?)
            }
        })
    }
}

/// Runs one test binary in a guest of its own; a guest that cannot start
/// is a failed run (its error is the output).
fn run_in_guest(
    cfg: &TestConfig,
    sys: &crate::sysrun::System,
    job: &Job,
    exe: &Path,
    flags: &[String],
) -> Outcome {
    let req = crate::sysrun::Request {
        exe: exe.to_path_buf(),
        args: flags.to_vec(),
        dir: job.dir.clone(),
        testdata: true,
    };
    if cfg.build.print_commands {
        eprintln!(
            "cd {}; {} {} {}",
            crate::process::quote(&job.dir.to_string_lossy(), None),
            sys.describe(),
            exe.display(),
            flags.join(" ")
        );
    }
    let start = Instant::now();
    match sys.run(&req) {
        Ok(o) => {
            let mut output = String::from_utf8_lossy(&o.combined).into_owned();
            if let Some(d) = o.end.describe() {
                if !output.is_empty() && !output.ends_with('\n') {
                    output.push('\n');
                }
                output.push_str(&d);
                output.push('\n');
            }
            Outcome {
                output,
                passed: o.end == crate::sysrun::End::Exited(0),
                elapsed: o.wall.as_secs_f64(),
                cover_profile: None,
            }
        }
        Err(e) => Outcome {
            output: format!("{}\n", crate::words::error_text(&e)),
            passed: false,
            elapsed: start.elapsed().as_secs_f64(),
            cover_profile: None,
        },
    }
}

/// Where one run's result is cached, as go test keys it: first the
/// binary (its contents), how it is run and its cacheable flags name the
/// test log of the last passing run (`testlog/`); then that key with the
/// present state of the inputs the log lists names the result
/// (`testresults/`).
struct ResultCache<'a> {
    store: &'a Store,
    test_id: String,
    dir: PathBuf,
    root: PathBuf,
}

impl<'a> ResultCache<'a> {
    /// `None` when go would not cache this run: no packages named, `-exec`
    /// or a profile's runner that is not qemu-user (go then writes no test
    /// log), a flag that is not cacheable, a
    /// package outside any module or GOPATH, or an unreadable binary.
    fn new(
        cfg: &TestConfig,
        store: &'a Store,
        job: &Job,
        exe: &Path,
        argv: &[String],
        flags: &[String],
    ) -> Option<ResultCache<'a>> {
        // The log is written where the binary runs: on this machine, natively
        // or under qemu-user; any other runner of a profile counts as -exec.
        let local = argv.len() == 1
            || Path::new(&argv[0])
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("qemu-"));
        if !cfg.packages_named
            || cfg.exec.is_some()
            || !local
            || flags::uncacheable_arg(flags).is_some()
        {
            return None;
        }
        let root = testlog::package_root(&job.dir, &crate::resolve::gopath())?;
        let test_id = format!(
            "test result 2\n{}\n{}\n{}\n{}\n",
            crate::store::hash_file(exe).ok()?,
            argv[..argv.len() - 1].join(" "),
            flags.join(" "),
            job.dir.display()
        );
        Some(ResultCache {
            store,
            test_id,
            dir: job.dir.clone(),
            root,
        })
    }

    fn log_memo(&self) -> Option<PathBuf> {
        self.store.memo_path("testlog", &self.test_id, ".json")
    }

    fn result_memo(&self, inputs: &str) -> Option<PathBuf> {
        let key = format!("{}inputs\n{inputs}", self.test_id);
        self.store.memo_path("testresults", &key, ".json")
    }

    /// The cached outcome, when the inputs the last run read are unchanged.
    fn lookup(&self) -> Option<Outcome> {
        let log: String = self.store.read_json(self.log_memo().as_deref())?;
        let inputs = testlog::inputs_id(&log, &self.dir, Some(&self.root))?;
        self.store.read_json(self.result_memo(&inputs).as_deref())
    }

    /// Remembers a passing run with the log it wrote at `log_file` (nothing
    /// when the log is missing or names an input too new to trust).
    fn save(&self, log_file: &Path, o: &Outcome) {
        if let Ok(log) = std::fs::read_to_string(log_file) {
            self.save_log(&log, o);
        }
    }

    /// Remembers a passing run with the test log text `log` (empty: a run
    /// whose inputs are all in the key, as the system runner's).
    fn save_log(&self, log: &str, o: &Outcome) {
        let Some(inputs) = testlog::inputs_id(log, &self.dir, Some(&self.root)) else {
            return;
        };
        self.store
            .write_json(self.log_memo().as_deref(), &log.to_string());
        self.store
            .write_json(self.result_memo(&inputs).as_deref(), o);
    }
}

/// The size and mtime of every file under `dir/testdata`, hashed: what
/// the system runner's result key holds of the files its guest gets.
fn testdata_stamp(dir: &Path) -> String {
    let mut id = String::new();
    for e in walkdir::WalkDir::new(dir.join("testdata"))
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if let Some((size, mtime)) = crate::store::stamp(e.path()) {
            id.push_str(&format!("{} {size} {mtime}\n", e.path().display()));
        }
    }
    crate::store::short_hash(&id)
}

/// Parses a Go duration (`10m`, `1.5s`, `1h30m`, `250ms`, `0`), as
/// `time.ParseDuration`; `None` when it does not parse.
pub fn parse_go_duration(s: &str) -> Option<Duration> {
    if s == "0" {
        return Some(Duration::ZERO);
    }
    let mut total = 0f64;
    let mut rest = s;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let n = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let num: f64 = rest[..n].parse().ok()?;
        rest = &rest[n..];
        let u = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let unit = match &rest[..u] {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        total += num * unit;
        rest = &rest[u..];
    }
    Some(Duration::from_secs_f64(total))
}

/// What `gccgo-build run` runs with.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// How to build the command (one main package).
    pub build: BuildConfig,
    /// `-exec CMD`.
    pub exec: Option<Vec<String>>,
    /// `-runner KIND` (`None`: `-exec`, the profile's `runner_kind`, or qemu-user).
    pub runner: Option<crate::sysrun::RunnerKind>,
    /// `-m MIB` for the system runner's guest.
    pub memory_mib: Option<u32>,
    /// `-timeout D`: kill the program after this long (`None`: never).
    pub timeout: Option<Duration>,
    /// Arguments for the program.
    pub args: Vec<String>,
}

/// Runs `gccgo-build run`: builds the command into a temporary directory
/// and runs it under the target's runner with the terminal's stdin,
/// stdout and stderr; returns its exit status (128+N for signal N).
///
/// Errors: the build fails, or the program cannot be started.
pub fn run_main(cwd: &Path, cfg: &RunConfig) -> Result<i32> {
    let dir = tempfile::Builder::new()
        .prefix("gccgo-build-run-")
        .tempdir()
        .context("creating a temporary directory")?;
    crate::cleanup::add_dir(dir.path());
    let exe = dir.path().join("prog");
    let mut b = cfg.build.clone();
    b.output = Some(exe.clone());
    let tc = crate::build::toolchain_for_selection(&b.load.choice.selection(), &b.store)?;
    let kind = crate::sysrun::RunnerKind::choose(cfg.runner.as_ref(), cfg.exec.as_deref(), &tc)?;
    if kind == crate::sysrun::RunnerKind::System {
        // The guest has no libc to load: the program is static.
        b.flags.link = crate::plan::LinkMode::Static;
    }
    if crate::build::build(cwd, &b)? != 0 {
        return Ok(1);
    }
    use crate::sysrun::RunnerKind as K;
    let exec: Option<Vec<String>> = match kind {
        K::System => return run_in_guest_main(cwd, cfg, &tc, &b.store, &exe),
        K::User => None,
        K::Native => Some(Vec::new()),
        K::Exec(e) => Some(e),
    };
    let argv = runner_command(exec.as_deref(), &tc, &exe);
    let mut child = std::process::Command::new(&argv[0])
        .args(&argv[1..])
        .args(&cfg.args)
        .spawn()
        .with_context(|| format!("running {}", argv.join(" ")))?;
    let status = match cfg.timeout {
        None => child.wait(),
        Some(t) => wait_or_kill(&mut child, t),
    }
    .with_context(|| format!("running {}", argv.join(" ")))?;
    use std::os::unix::process::ExitStatusExt;
    Ok(status
        .code()
        .unwrap_or_else(|| 128 + status.signal().unwrap_or(0)))
}

/// Waits for `child`, killing it after `t` (then it reports SIGKILL).
fn wait_or_kill(
    child: &mut std::process::Child,
    t: Duration,
) -> std::io::Result<std::process::ExitStatus> {
    let start = Instant::now();
    loop {
        if let Some(st) = child.try_wait()? {
            return Ok(st);
        }
        if start.elapsed() >= t {
            let _ = child.kill();
            return child.wait();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `run -runner system`: the program in a guest, its stdout and stderr
/// passed on, its exit status returned (128+N for signal N, 137 for the
/// guest's OOM killer, 1 for a timeout or a guest that died unreported,
/// each with a line on stderr saying which).
///
/// Errors: as `sysrun::System::prepare` and `sysrun::System::run`.
fn run_in_guest_main(
    cwd: &Path,
    cfg: &RunConfig,
    tc: &Toolchain,
    store: &Store,
    exe: &Path,
) -> Result<i32> {
    let limits = crate::sysrun::Limits {
        memory_mib: cfg.memory_mib,
        timeout: cfg.timeout,
    };
    let sys = crate::sysrun::System::prepare(tc, store, &limits)?;
    let req = crate::sysrun::Request {
        exe: exe.to_path_buf(),
        args: cfg.args.clone(),
        dir: cwd.to_path_buf(),
        testdata: false,
    };
    let o = sys.run(&req)?;
    // The program's bytes as they are (not necessarily UTF-8); a closed
    // stdout is the reader's business, as it would be for the program.
    use std::io::Write as _;
    let mut so = std::io::stdout().lock();
    let _ = so.write_all(&o.stdout).and_then(|()| so.flush());
    drop(so);
    let _ = std::io::stderr().lock().write_all(&o.stderr);
    if let Some(d) = o.end.describe() {
        eprintln!("gccgo-build: {d}");
    }
    if cfg.build.print_commands {
        // -x: the boot's cost against the program's own time.
        eprintln!(
            "gccgo-build: system runner: {:.3}s wall, program {}, peak memory {}",
            o.wall.as_secs_f64(),
            o.program_time
                .map_or("?".into(), |t| format!("{:.3}s", t.as_secs_f64())),
            o.max_rss_kib.map_or("?".into(), |k| format!("{k} KiB"))
        );
    }
    Ok(o.end.status())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        assert_eq!(parse_go_duration("10m"), Some(Duration::from_secs(600)));
        assert_eq!(parse_go_duration("1m30s"), Some(Duration::from_secs(90)));
        assert_eq!(parse_go_duration("250ms"), Some(Duration::from_millis(250)));
        assert_eq!(parse_go_duration("0"), Some(Duration::ZERO));
        assert_eq!(parse_go_duration("ten"), None);
        assert_eq!(parse_go_duration(""), None);
    }
}
