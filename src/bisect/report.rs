//! What `gccgo-build bisect` found, and the command lines that show it:
//! text on stdout, or one JSON object (`--json`).

use anyhow::Result;

use super::trial::{Bench, FlagSet, Outcome};
use crate::toolchain::Toolchain;

/// One side of the bisection.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Side {
    /// The spec as written (`mipsel-linux-gnu:-O2 -g`).
    pub spec: String,
    /// The `build` flags that select its toolchain (`--target X`).
    #[serde(skip)]
    pub select: Vec<String>,
    /// Its compile flags (the spec's, else the default `-O2 -g`).
    pub flags: Vec<String>,
    /// What its build printed.
    pub outcome: Option<Outcome>,
}

/// Command lines that reproduce the finding.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Commands {
    /// Build with the bad flags on the packages found only, then run: a wrong output.
    pub bad: String,
    /// The same with the options found turned off: the right output.
    pub fixed: Option<String>,
    /// gccgo's compile of each package found, with the bad flags (from `build -n`).
    pub bad_compile: Vec<String>,
    /// The same with the options found turned off.
    pub fixed_compile: Vec<String>,
}

/// The finding.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Report {
    /// The good side.
    pub good: Side,
    /// The bad side.
    pub bad: Side,
    /// The right output (`--expect`, else the good build's).
    pub right: Outcome,
    /// The fewest packages whose bad compile gives a wrong output.
    pub packages: Vec<String>,
    /// The fewest `-f` options whose `-fno-` forms fix it; `None`: none found.
    pub options: Option<Vec<String>>,
    /// What did not go to plan: failed trial builds, several culprits.
    pub notes: Vec<String>,
    /// How to see it again.
    pub commands: Commands,
    /// Builds made.
    pub trials: usize,
    /// Time taken, in seconds.
    pub seconds: f64,
}

impl Report {
    /// A report with nothing found yet.
    pub fn new(good: &Side, bad: &Side, right: &Outcome) -> Report {
        Report {
            good: good.clone(),
            bad: bad.clone(),
            right: right.clone(),
            packages: vec![],
            options: None,
            notes: vec![],
            commands: Commands::default(),
            trials: 0,
            seconds: 0.0,
        }
    }

    /// The `-fno-` forms of the options found.
    pub fn off(&self) -> Vec<String> {
        self.options
            .iter()
            .flatten()
            .map(|o| super::options::negate(o))
            .collect()
    }

    /// Prints the report on stdout.
    ///
    /// Errors: the JSON cannot be made (it always can).
    pub fn print(&self, json: bool) -> Result<()> {
        if json {
            println!("{}", serde_json::to_string(self)?);
            return Ok(());
        }
        let out = |s: &Side| s.outcome.as_ref().map_or(String::new(), |o| o.to_string());
        println!("good:    {:<28} {}", self.good.spec, out(&self.good));
        println!("bad:     {:<28} {}", self.bad.spec, out(&self.bad));
        println!("package: {}", self.packages.join(" "));
        match &self.options {
            Some(o) => println!(
                "option:  {}  ({} with {} on it prints the right output)",
                o.join(" "),
                self.bad.flags.join(" "),
                self.off().join(" ")
            ),
            None => println!("option:  none found"),
        }
        for n in &self.notes {
            println!("note: {n}");
        }
        let c = &self.commands;
        println!("wrong output:\n  {}", c.bad);
        if let Some(f) = &c.fixed {
            println!("right output:\n  {f}");
        }
        let pkgs = self.packages.join(", ");
        println!(
            "gccgo's compile of {pkgs} with the bad flags (from gccgo-build build -n; $WORK holds the export data of its imports):"
        );
        for l in &c.bad_compile {
            println!("  {l}");
        }
        if !c.fixed_compile.is_empty() {
            println!("and with {}:", self.off().join(" "));
            for l in &c.fixed_compile {
                println!("  {l}");
            }
        }
        println!("{} builds in {:.0}s", self.trials, self.seconds);
        Ok(())
    }
}

/// The command lines of the finding: gccgo-build's (build, then run) and
/// gccgo's compile of each package found.
///
/// Errors: `gccgo-build build -n` cannot be run.
pub fn commands(
    bench: &Bench,
    good: &Side,
    bad: &Side,
    tc: &Toolchain,
    r: &Report,
) -> Result<Commands> {
    let run = bench.run_command(tc);
    let with = |extra: &[String]| {
        FlagSet::with(&good.flags, &r.packages, &[&bad.flags[..], extra].concat())
    };
    let bad_flags = with(&[]);
    let mut c = Commands {
        bad: format!("{} && {run}", bench.build_command(&bad.select, &bad_flags)),
        ..Commands::default()
    };
    for p in &r.packages {
        c.bad_compile
            .push(bench.compile_line(&bad.select, &bad_flags, p)?);
    }
    if r.options.is_some() {
        let fixed = with(&r.off());
        c.fixed = Some(format!(
            "{} && {run}",
            bench.build_command(&bad.select, &fixed)
        ));
        for p in &r.packages {
            c.fixed_compile
                .push(bench.compile_line(&bad.select, &fixed, p)?);
        }
    }
    Ok(c)
}
