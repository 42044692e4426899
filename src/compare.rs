//! `gccgo-build compare`: the same packages through several toolchains
//! (and flags), side by side: a cold build of each (wall and CPU time),
//! the binaries' sizes by section kind and by Go package, the program's
//! output under `--run`, and the test results under `--test`.
//!
//! Columns are measured one after another, each with a cache of its own
//! (so every build is cold and the CPU time is that build's alone). A
//! toolchain that cannot build the code is a column with its first
//! diagnostic, not an abort. The first column is the reference that the
//! others' output is compared with.

pub mod html;
pub mod measure;
pub mod report;
pub mod spec;
pub mod text;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

use report::{Column, Report, TestMatrix, TestRow};
use spec::{Compiler, Spec};

use crate::toolchain::Toolchain;

/// Everything `compare` runs with (`cli::compare::CompareArgs::config`).
#[derive(Debug, Clone)]
pub struct CompareConfig {
    /// The `--with` specs, in order; at least two.
    pub specs: Vec<Spec>,
    /// Packages and the flags every column is built with.
    pub common: measure::Common,
    /// `--target`/`--toolchain`/`--sdk` of the command line: where a bare
    /// `gc` column takes GOOS/GOARCH and its runner from (default: the host).
    pub target: crate::profile::Choice,
    /// `--run 'ARGS'`: run each binary with these arguments.
    pub run: Option<Vec<String>>,
    /// `--test`: run the packages' tests with each toolchain.
    pub test: bool,
    /// `--json FILE`.
    pub json: Option<PathBuf>,
    /// `--html FILE`.
    pub html: Option<PathBuf>,
    /// `--keep DIR`: put each column's cache and binaries under DIR
    /// (default: a temporary directory, removed at the end).
    pub keep: Option<PathBuf>,
    /// Where compiler facts are remembered (never the columns' caches).
    pub store: crate::store::Store,
}

/// Runs the comparison and prints the table on stdout; writes `--json`
/// and `--html`. Returns 0 when every column built and the outputs and
/// test results agree, 1 when anything differs or failed (as `diff`).
///
/// Errors: a work directory or report file cannot be written, or a build
/// tool cannot be started at all.
pub fn main(cfg: &CompareConfig) -> Result<i32> {
    let tmp;
    let root = match &cfg.keep {
        Some(d) => {
            std::fs::create_dir_all(d).with_context(|| format!("creating {}", d.display()))?;
            d.clone()
        }
        None => {
            tmp = crate::build::work_dir(false)?;
            tmp.path().to_path_buf()
        }
    };
    let mut report = Report {
        schema: report::SCHEMA,
        packages: cfg.common.packages.clone(),
        run_args: cfg.run.clone(),
        ..Report::default()
    };
    let mut toolchains = Vec::new();
    for (i, spec) in cfg.specs.iter().enumerate() {
        let dir = root.join(format!("{}-{}", i + 1, file_safe(&spec.label)));
        eprintln!(
            "compare: [{}/{}] {}: building",
            i + 1,
            cfg.specs.len(),
            spec.label
        );
        let (col, tc) = column(cfg, spec, &dir)?;
        eprintln!(
            "compare: [{}/{}] {}: {} in {}",
            i + 1,
            cfg.specs.len(),
            spec.label,
            if col.build.ok { "built" } else { "FAILED" },
            text::secs(col.build.wall_ms)
        );
        report.columns.push(col);
        toolchains.push((tc, dir));
    }
    report.compare_runs();
    if cfg.test {
        report.tests = Some(test_matrix(cfg, &toolchains)?);
    }
    let color = std::io::IsTerminal::is_terminal(&std::io::stdout())
        && std::env::var_os("NO_COLOR").is_none();
    print!("{}", text::render(&report, color));
    write_reports(cfg, &report)?;
    Ok(if agrees(&report) { 0 } else { 1 })
}

/// A spec label as a directory name.
fn file_safe(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The toolchain a spec builds with (gccgo) or takes its target from (gc).
fn probe(cfg: &CompareConfig, spec: &Spec) -> Result<Toolchain> {
    let choice = match &spec.compiler {
        Compiler::Gccgo(c) => c.clone(),
        Compiler::Gc(Some(name)) => crate::profile::Choice {
            target: Some(name.clone()),
            ..Default::default()
        },
        Compiler::Gc(None) => cfg.target.clone(),
    };
    crate::build::toolchain_for_selection(&choice.selection(), &cfg.store)
}

/// Measures one column in `dir` (its cache and binaries).
fn column(cfg: &CompareConfig, spec: &Spec, dir: &Path) -> Result<(Column, Option<Toolchain>)> {
    let is_gc = matches!(spec.compiler, Compiler::Gc(_));
    let mut col = Column {
        spec: spec.label.clone(),
        kind: if is_gc { "gc" } else { "gccgo" }.into(),
        ..Column::default()
    };
    let tc = match probe(cfg, spec) {
        Ok(tc) => tc,
        Err(e) => {
            col.build.diagnostic = Some(crate::words::error_text(&e));
            return Ok((col, None));
        }
    };
    col.compiler = if is_gc {
        go_version()
    } else {
        tc.version_line.clone()
    };
    col.goos = tc.target.goos.clone();
    col.goarch = tc.target.goarch.clone();
    col.build = measure::build(
        &cfg.common,
        spec,
        Some(&tc),
        &dir.join("cache"),
        &dir.join("bin"),
    )?;
    if let Some(b) = col.build.binaries.first() {
        // `size` reads gccgo's symbol names; gc's (`pkg.(*T).M`) are another scheme.
        col.packages = if is_gc {
            None
        } else {
            package_sizes(Path::new(&b.path))
        };
        if let Some(args) = &cfg.run {
            col.run = Some(measure::run(
                &cfg.common,
                Some(&tc),
                Path::new(&b.path),
                args,
            ));
        }
    }
    Ok((col, Some(tc)))
}

/// Bytes per Go package of a binary with a symbol table (`sizes::attribute`).
fn package_sizes(exe: &Path) -> Option<BTreeMap<String, u64>> {
    let a = crate::sizes::attribute(exe).ok()?;
    Some(a.groups.into_iter().map(|g| (g.name, g.bytes)).collect())
}

/// `go version`'s line, or what stopped it.
fn go_version() -> String {
    match std::process::Command::new("go").arg("version").output() {
        Ok(o) => String::from_utf8_lossy(&o.stdout).trim().to_string(),
        Err(e) => format!("go: {}", crate::words::io_error(&e)),
    }
}

/// Runs each column's tests (with its warm cache) and lines them up.
fn test_matrix(
    cfg: &CompareConfig,
    columns: &[(Option<Toolchain>, PathBuf)],
) -> Result<TestMatrix> {
    let mut results = Vec::new();
    for (i, (spec, (tc, dir))) in cfg.specs.iter().zip(columns).enumerate() {
        eprintln!(
            "compare: [{}/{}] {}: testing",
            i + 1,
            cfg.specs.len(),
            spec.label
        );
        results.push(match tc {
            Some(tc) => measure::tests(&cfg.common, spec, Some(tc), &dir.join("cache"))?,
            None => BTreeMap::new(),
        });
    }
    Ok(line_up(&results))
}

/// One row per (package, test) any column ran: `-` where a column has no
/// result; rows whose results differ first.
pub fn line_up(results: &[BTreeMap<(String, String), String>]) -> TestMatrix {
    let keys: BTreeSet<&(String, String)> = results.iter().flat_map(|m| m.keys()).collect();
    let mut rows: Vec<TestRow> = keys
        .into_iter()
        .map(|k| {
            let cells: Vec<String> = results
                .iter()
                .map(|m| m.get(k).cloned().unwrap_or_else(|| "-".into()))
                .collect();
            let distinct: BTreeSet<&String> = cells.iter().collect();
            TestRow {
                package: k.0.clone(),
                test: k.1.clone(),
                differs: distinct.len() > 1,
                results: cells,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.differs
            .cmp(&a.differs)
            .then_with(|| (&a.package, &a.test).cmp(&(&b.package, &b.test)))
    });
    TestMatrix { rows }
}

/// Whether nothing failed and nothing differs.
fn agrees(r: &Report) -> bool {
    r.columns.iter().all(|c| {
        c.build.ok
            && c.run
                .as_ref()
                .is_none_or(|x| x.same_stdout && x.same_stderr && x.same_status)
    }) && r
        .tests
        .as_ref()
        .is_none_or(|m| m.rows.iter().all(|x| !x.differs))
}

/// Writes `--json` and `--html`, each whole or not at all.
fn write_reports(cfg: &CompareConfig, r: &Report) -> Result<()> {
    let write = |path: &Path, data: &[u8]| -> Result<()> {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        crate::store::atomic_write(path, data, &dir)
    };
    if let Some(p) = &cfg.json {
        let mut s = serde_json::to_string_pretty(r).context("encoding the report")?;
        s.push('\n');
        write(&cfg.common.cwd.join(p), s.as_bytes())?;
        eprintln!("compare: wrote {}", p.display());
    }
    if let Some(p) = &cfg.html {
        write(&cfg.common.cwd.join(p), html::render(r).as_bytes())?;
        eprintln!("compare: wrote {}", p.display());
    }
    Ok(())
}
