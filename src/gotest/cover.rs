//! `test -cover`: which packages each test binary covers and how, as go
//! 1.19's `cmd/go/internal/test` decides it, and the `-coverprofile` file.
//!
//! - `-cover` alone: each tested package is covered in its own test binary
//!   only (go's `cover.Local`: P's variant compiles the rewritten files).
//! - `-coverpkg P1,P2`: every package of the graph matching a pattern
//!   (as go's `load.MatchPackage`) is compiled covered for the whole run,
//!   and every test binary imports all of them (go's pmain imports
//!   `cover.Pkgs`), so a test of A counts the lines of B it runs. A pattern
//!   that matches nothing gets go's warning. The standard library comes
//!   compiled with gccgo, so `std` or `all` cover only the packages
//!   gccgo-build compiles.
//!
//! cgo files (`import "C"`) are covered as go 1.19 covers them: the file
//! is rewritten before cgo reads it (the cgo step of the package's compile
//! is given the rewrite), so their functions count as the plain files' do.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

use crate::cover::{CoverVar, Mode, Rewritten, TestCover};
use crate::graph::{Graph, PkgId};
use crate::plan::Plan;
use crate::plan::pkgflags::Pattern;

/// `-cover`, `-covermode`, `-coverpkg`, `-coverprofile` (any of them turns
/// coverage on).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverConfig {
    /// `-covermode` (default `set`: gccgo-build has no `-race`, which
    /// makes go's default `atomic`).
    pub mode: Mode,
    /// `-coverpkg`'s patterns as written; empty: each tested package alone.
    pub pkgs: Vec<String>,
    /// `-coverprofile`, made absolute against the working directory.
    pub profile: Option<PathBuf>,
}

/// One covered package: its variables and rewritten files.
#[derive(Debug, Clone)]
struct Covered {
    vars: Vec<CoverVar>,
    files: Vec<Rewritten>,
}

/// The coverage of one `test` run.
pub(super) struct Coverage {
    cfg: CoverConfig,
    /// `-coverpkg`'s packages, in dependency order.
    global: Vec<(PkgId, Covered)>,
}

/// What one test binary gets: P's (or recompiled packages') rewritten
/// sources, the extra imports of its main, and what the main registers.
pub(super) struct ForTest {
    pub cover: BTreeMap<PkgId, Vec<Rewritten>>,
    pub extra_imports: Vec<PkgId>,
    pub main: TestCover,
}

/// The variables and rewritten files of package `id`.
///
/// Errors: a file cannot be read or does not parse.
fn cover_package(graph: &Graph, id: PkgId, mode: Mode) -> Result<Covered> {
    let p = graph.pkg(id);
    // go's order: GoFiles, then CgoFiles (their Go covered before cgo
    // reads them, see `plan::cover`).
    let mut names = p.files.plain_go_files();
    names.extend(p.files.cgo_files.iter().cloned());
    let dir = p.dir.display().to_string();
    let local = crate::resolve::is_local_import_path(&p.import_path).then_some(dir.as_str());
    let vars = crate::cover::declare_vars(&p.import_path, local, &names);
    let files = crate::cover::rewrite_package(&p.dir, &vars, mode, |f| p.files.source_path(f))?;
    Ok(Covered { vars, files })
}

/// A pattern that may name standard packages (`std`, `all`, `fmt`,
/// `net/...`: no dot in its first element), which go would cover.
fn std_like(p: &Pattern) -> bool {
    match p {
        Pattern::Std | Pattern::All => true,
        Pattern::ImportPath(ip) => !ip.split('/').next().unwrap_or("").contains('.'),
        Pattern::Cmd | Pattern::Dir { .. } => false,
    }
}

impl Coverage {
    /// Decides the run's coverage; warns (stderr, go's words) about a
    /// `-coverpkg` pattern that matches no package.
    ///
    /// Errors: a covered file cannot be read or does not parse.
    pub fn new(cwd: &Path, graph: &Graph, cfg: &CoverConfig) -> Result<Coverage> {
        let mut global = Vec::new();
        if !cfg.pkgs.is_empty() {
            let pats: Vec<Pattern> = cfg.pkgs.iter().map(|s| Pattern::new(s, cwd)).collect();
            let mut matched = vec![false; pats.len()];
            for id in graph.topo() {
                let p = graph.pkg(id);
                let mut hit = false;
                for (i, pat) in pats.iter().enumerate() {
                    if pat.matches(&p.import_path, &p.dir, false) {
                        matched[i] = true;
                        hit = true;
                    }
                }
                // A package of test files only cannot be covered.
                if hit && !p.files.go_files.is_empty() {
                    global.push((id, cover_package(graph, id, cfg.mode)?));
                }
            }
            for (i, m) in matched.iter().enumerate() {
                if !m {
                    eprintln!(
                        "warning: no packages being tested depend on matches for pattern {}",
                        cfg.pkgs[i]
                    );
                    if std_like(&pats[i]) {
                        eprintln!(
                            "note: gccgo's standard library comes compiled (libgo): \
                             gccgo-build cannot cover it"
                        );
                    }
                }
            }
        }
        Ok(Coverage {
            cfg: cfg.clone(),
            global,
        })
    }

    /// Makes the plan's compiles of `-coverpkg`'s packages compile them covered.
    pub fn apply_global(&self, plan: &mut Plan) {
        for (id, c) in &self.global {
            if let Some(&a) = plan.compile_of.get(id) {
                plan.cover_compile(a, &c.files);
            }
        }
    }

    /// The coverage of package `id`'s test binary.
    ///
    /// Errors: (`-cover` alone) a file of the package cannot be read or
    /// does not parse.
    pub fn for_test(&self, graph: &Graph, id: PkgId) -> Result<ForTest> {
        let mut out = ForTest {
            cover: BTreeMap::new(),
            extra_imports: Vec::new(),
            main: TestCover {
                mode: self.cfg.mode,
                packages: Vec::new(),
                paths: self.cfg.pkgs.clone(),
            },
        };
        let p = graph.pkg(id);
        if self.cfg.pkgs.is_empty() {
            let c = cover_package(graph, id, self.cfg.mode)?;
            // A package of test files only has nothing to cover (go adds
            // only packages with cover variables to the test main).
            if !c.vars.is_empty() {
                out.main.packages.push((p.import_path.clone(), c.vars));
                out.cover.insert(id, c.files);
            }
            return Ok(out);
        }
        for (q, c) in &self.global {
            // P's variant (its own test files) must be covered too; a
            // recompiled `Q [P.test]` is a copy of the covered Q.
            if *q != id || !p.files.test_go_files.is_empty() {
                out.cover.insert(*q, c.files.clone());
            }
            if *q != id {
                out.extra_imports.push(*q);
            }
            if !c.vars.is_empty() {
                out.main
                    .packages
                    .push((graph.pkg(*q).import_path.clone(), c.vars.clone()));
            }
        }
        Ok(out)
    }

    /// Whether the binaries write a profile (`-coverprofile`).
    pub fn wants_profile(&self) -> bool {
        self.cfg.profile.is_some()
    }
}

/// The `-coverprofile` file: created (emptied) before the tests run, as
/// go's `initCoverProfile`, with its `mode:` line; each binary's profile is
/// appended as it finishes (`append`).
pub(super) struct ProfileFile {
    file: std::fs::File,
    path: PathBuf,
    mode: Mode,
}

impl ProfileFile {
    /// The `-coverprofile` file of `cfg`, created; `None` without one.
    ///
    /// Errors: the file cannot be created.
    pub fn for_config(cfg: Option<&CoverConfig>) -> Result<Option<ProfileFile>> {
        match cfg.and_then(|c| Some((c.profile.as_ref()?, c.mode))) {
            Some((path, mode)) => Ok(Some(ProfileFile::create(path, mode)?)),
            None => Ok(None),
        }
    }

    /// Creates `path` with the `mode:` line.
    ///
    /// Errors: the file cannot be created.
    pub fn create(path: &Path, mode: Mode) -> Result<ProfileFile> {
        let mut file = std::fs::File::create(path)
            .with_context(|| format!("creating the coverage profile {}", path.display()))?;
        writeln!(file, "mode: {mode}").with_context(|| format!("writing {}", path.display()))?;
        Ok(ProfileFile {
            file,
            path: path.to_path_buf(),
            mode,
        })
    }

    /// go's `mergeCoverProfile`: appends a binary's profile (the text it
    /// wrote) without its `mode:` line; returns go's message when it is
    /// malformed or cannot be saved (printed with the package's output).
    pub fn append(&mut self, written: &str) -> Option<String> {
        match crate::cover::profile_body(written, self.mode) {
            Ok(None) => None,
            Ok(Some(body)) => self.file.write_all(body.as_bytes()).err().map(|e| {
                format!(
                    "error: saving coverage profile: {}: {}\n",
                    self.path.display(),
                    crate::words::io_error(&e)
                )
            }),
            Err(msg) => Some(msg),
        }
    }
}
