//! Bisect: the driver of `gccgo-build bisect`, for a program whose output
//! changes with the compile flags (a miscompile, or code that depends on
//! undefined behaviour). It narrows the change down to packages, then to
//! the `-f` options the bad flags enable. The pipeline, in order:
//!
//! 1. Specs: `--good` and `--bad` are `TOOLCHAIN[:FLAGS]` (`compare::spec`);
//!    both must be gccgo. Probe each toolchain (for its runner).
//! 2. Outputs: build the program with each spec's flags on every package and
//!    run it (`trial`); the right output is `--expect FILE`, else the good
//!    build's. Same output from both: nothing to bisect.
//! 3. Packages: only within one compiler (a package's export data is read
//!    by its importers' compiles, so two gccgo versions cannot be mixed).
//!    The candidates are the packages of the program's import graph that
//!    gccgo-build compiles (the standard library comes compiled). Delta
//!    debugging (`ddmin`) finds the fewest packages whose compile with the
//!    bad flags, everything else with the good ones, gives a wrong output
//!    (the bad one or another: a miscompile that reads the wrong word prints
//!    whatever is there, and that depends on the rest of the binary). A
//!    build that fails counts as right, with a note.
//! 4. Options: the `-f` options the bad flags enable and the good ones do
//!    not, as the bad toolchain's gccgo lists them (`options`), or
//!    `--options`. Delta debugging again finds the fewest whose `-fno-`
//!    forms, added to the bad flags of those packages, give the right
//!    output. A build that fails counts as wrong ("not these"), with a note.
//!    One more trial, the other options off, says whether more than one
//!    option hides the wrong output (then the first found need not be the
//!    faulty pass).
//! 5. Report: the packages, the options, and the command lines that
//!    reproduce it (gccgo-build's, and gccgo's from `build -n`). Progress
//!    goes to stderr, one line a step; the summary to stdout (`--json`: one
//!    object).
//!
//! Every trial is a `gccgo-build build` of this executable, through the
//! cache, so a package whose flags did not change is never compiled twice.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};

use crate::build::LoadConfig;
use crate::compare::spec::{Compiler, Spec};
use crate::store::Store;
use crate::toolchain::Toolchain;

pub mod ddmin;
pub mod options;
pub mod report;
pub mod trial;

use report::{Report, Side};
use trial::{Bench, FlagSet, Outcome, Trial};

/// Everything `gccgo-build bisect` runs with (`cli::bisect::BisectArgs::config`).
#[derive(Debug, Clone)]
pub struct BisectConfig {
    /// The spec whose build prints the right output.
    pub good: Spec,
    /// The spec whose build prints a wrong one.
    pub bad: Spec,
    /// The program's arguments.
    pub run_args: Vec<String>,
    /// `--expect FILE`: the right output, instead of the good build's.
    pub expect: Option<PathBuf>,
    /// `--options`: the candidate `-f` options, instead of those the bad flags enable.
    pub options: Option<Vec<String>>,
    /// The main package (one pattern).
    pub package: String,
    /// What to load, for the candidate packages (the toolchain and the
    /// package are set from `bad` and `package`).
    pub load: LoadConfig,
    /// Build flags passed to every trial build (`--tags`, `--overlay`, `-j` …).
    pub build_args: Vec<String>,
    /// The cache and the probes' memos (`--cache`), as the trial builds use them.
    pub store: Store,
    /// Longest run of the program; a run that takes longer is an outcome of its own.
    pub timeout: Duration,
    /// `--json`: the summary as one JSON object.
    pub json: bool,
}

/// Both sides: spec, probed toolchain, the `build` flags that select it,
/// and its compile flags.
struct Sides {
    good: Side,
    bad: Side,
    good_tc: Toolchain,
    bad_tc: Toolchain,
}

/// Runs `gccgo-build bisect`; returns the exit status: 0 when a package
/// was found, 1 when there was nothing to bisect.
///
/// Errors: bad specs, a build of the good or bad side that fails, two
/// different compilers, or a trial that cannot be started.
pub fn main(cwd: &Path, cfg: &BisectConfig) -> Result<i32> {
    let start = Instant::now();
    // 1. Specs.
    let mut sides = sides(cfg)?;
    let mut bench = Bench::new(
        &cfg.package,
        cfg.build_args.clone(),
        cfg.run_args.clone(),
        cfg.timeout,
    )?;
    // 2. Outputs.
    let (good, bad) = outputs(cfg, &mut sides, &mut bench)?;
    if good == bad {
        eprintln!("bisect: both builds print the same ({good}): nothing to bisect");
        return Ok(1);
    }
    // 3. Packages.
    same_compiler(&sides)?;
    let mut r = Report::new(&sides.good, &sides.bad, &good);
    let candidates = candidates(cwd, cfg)?;
    r.packages = bisect_packages(&mut bench, &sides, &candidates, (&good, &bad), &mut r.notes)?;
    // 4. Options.
    r.options = bisect_options(cfg, &mut bench, &sides, &r.packages, &good, &mut r.notes)?;
    // 5. Report.
    r.commands = report::commands(&bench, &sides.good, &sides.bad, &sides.bad_tc, &r)?;
    r.trials = bench.builds();
    r.seconds = start.elapsed().as_secs_f64();
    r.print(cfg.json)?;
    Ok(0)
}

/// Step 1: both specs, probed; gccgo only.
fn sides(cfg: &BisectConfig) -> Result<Sides> {
    let side = |spec: &Spec, which: &str| -> Result<(Side, Toolchain)> {
        let Compiler::Gccgo(choice) = &spec.compiler else {
            bail!(
                "--{which} {:?}: bisect builds with gccgo only; name a gccgo toolchain (a target, a profile file or an SDK)",
                spec.label
            );
        };
        let tc = crate::build::toolchain_for_selection(&choice.selection(), &cfg.store)
            .with_context(|| format!("--{which} {:?}", spec.label))?;
        let select = Spec {
            flags: None,
            ..spec.clone()
        }
        .gccgo_args();
        let flags = spec
            .flags
            .clone()
            .unwrap_or_else(|| crate::plan::Flags::default().gcflags);
        let s = Side {
            spec: spec.label.clone(),
            select,
            flags,
            outcome: None,
        };
        Ok((s, tc))
    };
    let (good, good_tc) = side(&cfg.good, "good")?;
    let (bad, bad_tc) = side(&cfg.bad, "bad")?;
    Ok(Sides {
        good,
        bad,
        good_tc,
        bad_tc,
    })
}

/// Step 2: the right output and the bad one.
///
/// Errors: either build fails, or the good build disagrees with `--expect`.
fn outputs(cfg: &BisectConfig, sides: &mut Sides, bench: &mut Bench) -> Result<(Outcome, Outcome)> {
    let mut run_side = |s: &Side, tc: &Toolchain, which: &str| -> Result<Outcome> {
        let flags = FlagSet::with(&s.flags, &[], &[]);
        let (t, took) = bench.trial(tc, &s.select, &flags)?;
        match t {
            Trial::Ran(o) => {
                eprintln!("bisect: {which} {:?}: {o} [{}]", s.spec, secs(took));
                Ok(o)
            }
            Trial::BuildFailed(why) => bail!(
                "the {which} build ({}) failed, so there is nothing to compare:\n    {why}",
                bench.build_command(&s.select, &flags)
            ),
        }
    };
    let good = run_side(&sides.good, &sides.good_tc, "good")?;
    let bad = run_side(&sides.bad, &sides.bad_tc, "bad")?;
    sides.good.outcome = Some(good.clone());
    sides.bad.outcome = Some(bad.clone());
    let Some(path) = &cfg.expect else {
        return Ok((good, bad));
    };
    let text = std::fs::read_to_string(path).map_err(|e| {
        anyhow::anyhow!(
            "--expect {}: {}",
            path.display(),
            crate::words::io_error(&e)
        )
    })?;
    let expected = Outcome::expected(text);
    if good != expected {
        bail!(
            "the good build ({:?}) does not print what --expect {} holds either ({good}), so it is \
             not a good side to bisect against: pick flags whose build prints the expected output",
            sides.good.spec,
            path.display()
        );
    }
    Ok((expected, bad))
}

/// Step 3's precondition: one compiler on both sides.
fn same_compiler(s: &Sides) -> Result<()> {
    if s.good_tc.identity == s.bad_tc.identity {
        return Ok(());
    }
    bail!(
        "--good {:?} and --bad {:?} are different toolchains ({} {} and {} {}), and bisect \
         mixes packages compiled by both in one binary, which two gccgo builds cannot do: each \
         package's compile reads its imports' export data, whose format and runtime calls belong \
         to one compiler version (and a profile's flags to one ABI). The outputs do differ, as \
         shown above. To find out why, compare flags within one toolchain: --good \
         'TOOLCHAIN:-O0 -g' --bad 'TOOLCHAIN:-O2 -g' with the bad side's toolchain",
        s.good.spec,
        s.bad.spec,
        s.good_tc.gccgo.display(),
        s.good_tc.gcc_version,
        s.bad_tc.gccgo.display(),
        s.bad_tc.gcc_version
    )
}

/// The import paths gccgo-build compiles for the program, dependencies first.
///
/// Errors: the package does not load, or is not one main package.
fn candidates(cwd: &Path, cfg: &BisectConfig) -> Result<Vec<String>> {
    let mut load = cfg.load.clone();
    if let Compiler::Gccgo(choice) = &cfg.bad.compiler {
        load.choice = choice.clone();
    }
    load.packages = vec![cfg.package.clone()];
    let loaded = crate::build::load(cwd, &load, &cfg.store)?;
    let g = &loaded.graph;
    if g.roots.len() != 1 || !g.pkg(g.roots[0]).is_main() {
        bail!(
            "bisect needs one main package to build and run; {:?} names {} package(s){}",
            cfg.package,
            g.roots.len(),
            if g.roots.len() == 1 {
                " that is not main"
            } else {
                ""
            }
        );
    }
    Ok(g.topo()
        .into_iter()
        .map(|id| g.pkg(id).import_path.clone())
        .collect())
}

/// Step 3: the fewest packages whose bad compile gives a wrong output.
fn bisect_packages(
    bench: &mut Bench,
    s: &Sides,
    candidates: &[String],
    (right, bad): (&Outcome, &Outcome),
    notes: &mut Vec<String>,
) -> Result<Vec<String>> {
    eprintln!(
        "bisect: {} packages to bisect (good flags {:?}, bad flags {:?})",
        candidates.len(),
        s.good.flags.join(" "),
        s.bad.flags.join(" ")
    );
    // Any wrong output counts, not only the bad build's: a miscompile that
    // reads the wrong word prints whatever is there, which depends on the
    // rest of the binary.
    let mut test = |set: &[String]| -> Result<bool> {
        let flags = FlagSet::with(&s.good.flags, set, &s.bad.flags);
        let (t, took) = bench.trial(&s.bad_tc, &s.bad.select, &flags)?;
        let what = format!("bad flags on {}", list(set));
        let said = match &t {
            Trial::Ran(o) if o == right => "right output".to_string(),
            Trial::Ran(o) if o == bad => "bad output".to_string(),
            Trial::Ran(o) => format!("wrong output: {o}"),
            Trial::BuildFailed(why) => {
                notes.push(format!(
                    "{what}: the build failed, counted as right:\n    {why}"
                ));
                "build failed (counted as right)".to_string()
            }
        };
        eprintln!("bisect: {what}: {said} [{}]", secs(took));
        Ok(matches!(&t, Trial::Ran(o) if o != right))
    };
    let found = ddmin::ddmin(candidates, &mut test)?;
    if found.len() > 1 {
        notes.push(format!(
            "a wrong output needs the bad flags on {} packages together: {}",
            found.len(),
            found.join(", ")
        ));
    }
    eprintln!("bisect: package: {}", found.join(", "));
    Ok(found)
}

/// Step 4: the fewest options whose `-fno-` forms make the packages' bad
/// compile print the right output; `None` when there is none to try or
/// turning them all off does not help.
fn bisect_options(
    cfg: &BisectConfig,
    bench: &mut Bench,
    s: &Sides,
    pkgs: &[String],
    good: &Outcome,
    notes: &mut Vec<String>,
) -> Result<Option<Vec<String>>> {
    let cands = match &cfg.options {
        Some(list) => list.clone(),
        None => {
            let gccgo = &s.bad_tc.gccgo;
            let with_profile = |f: &[String]| [f, &s.bad_tc.cflags[..]].concat();
            let bad = options::query(gccgo, &with_profile(&s.bad.flags))?;
            let good = options::query(gccgo, &with_profile(&s.good.flags))?;
            options::enabled_only_in(&bad, &good)
        }
    };
    if cands.is_empty() {
        notes.push(
            "the bad flags enable no -f option that the good ones do not: no option to bisect"
                .into(),
        );
        return Ok(None);
    }
    match &cfg.options {
        Some(_) => eprintln!("bisect: {} options (--options)", cands.len()),
        None => eprintln!(
            "bisect: {} options that {:?} enables and {:?} does not",
            cands.len(),
            s.bad.flags.join(" "),
            s.good.flags.join(" ")
        ),
    }
    let mut test = |set: &[String]| -> Result<bool> {
        let off: Vec<String> = set.iter().map(|o| options::negate(o)).collect();
        let flags = FlagSet::with(&s.good.flags, pkgs, &[&s.bad.flags[..], &off].concat());
        let (t, took) = bench.trial(&s.bad_tc, &s.bad.select, &flags)?;
        let what = format!("bad flags with {}", list(&off));
        let said = match &t {
            Trial::Ran(o) if o == good => "right output".to_string(),
            Trial::Ran(o) => format!("wrong output: {o}"),
            Trial::BuildFailed(why) => {
                notes.push(format!(
                    "{what}: the build failed, counted as wrong:\n    {why}"
                ));
                "build failed (counted as wrong)".to_string()
            }
        };
        eprintln!("bisect: {what}: {said} [{}]", secs(took));
        Ok(matches!(&t, Trial::Ran(o) if o == good))
    };
    if !test(&cands)? {
        notes.push(format!(
            "turning off all {} options does not give the right output: the difference lies in \
             what the optimisation level does beyond its -f options (or in an option not listed)",
            cands.len()
        ));
        return Ok(None);
    }
    let found = ddmin::ddmin(&cands, &mut test)?;
    eprintln!("bisect: option: {}", found.join(" "));
    // Another option may hide the symptom as well (one that changes what the
    // faulty pass is given): one more trial says whether the rest do.
    let rest: Vec<String> = cands
        .iter()
        .filter(|o| !found.contains(o))
        .cloned()
        .collect();
    if !rest.is_empty() && test(&rest)? {
        notes.push(format!(
            "turning off the other {} options, with {} left on, gives the right output too: more \
             than one option hides the wrong output, and the first found need not be the faulty \
             pass; look at the code, or bisect again with --options without {}",
            rest.len(),
            found.join(" "),
            found.join(",")
        ));
    }
    Ok(Some(found))
}

/// `a, b, c` or `a, b +3 more`, for progress lines.
fn list(items: &[String]) -> String {
    if items.len() <= 3 {
        return items.join(", ");
    }
    format!("{}, {} +{} more", items[0], items[1], items.len() - 2)
}

fn secs(d: Duration) -> String {
    if d.is_zero() {
        "seen before".into()
    } else {
        format!("{:.1}s", d.as_secs_f64())
    }
}
