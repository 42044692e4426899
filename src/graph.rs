//! Graph: load the packages reachable from the requested ones (scan each
//! directory, resolve each import) into a petgraph `DiGraph`, check the
//! go command's import rules (`internal/` visibility, import comments, no
//! cycles), and freeze it. Edges point from importer to imported package.
//!
//! Standard-library packages are not nodes: gccgo ships them prebuilt, so
//! they are recorded per package as `std_imports`. This module decides
//! nothing about commands or freshness (see `plan`).

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};

mod broken;

use crate::resolve::{Found, Resolver, Root};
use crate::scan::{self, BuildContext, DirPackage, Pos, SourceReader};
pub use broken::Broken;
use broken::{broken_of, files_of_broken};

/// A package's index in the frozen graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PkgId(pub NodeIndex);

impl PkgId {
    /// The index as a `usize`, for per-package state vectors.
    pub fn index(self) -> usize {
        self.0.index()
    }
}

/// A package of Go source to compile.
#[derive(Debug, Clone)]
pub struct Package {
    /// Import path (the compiler's `-fgo-pkgpath`).
    pub import_path: String,
    /// Source directory.
    pub dir: PathBuf,
    /// Providing module's path, in module mode.
    pub module: Option<String>,
    /// The files chosen for this build.
    pub files: DirPackage,
    /// Imports as written in the source, mapped to the import path they
    /// resolved to (differs for vendored packages in GOPATH mode and
    /// relative imports). Standard-library imports map to themselves.
    pub import_map: BTreeMap<String, String>,
    /// Standard-library packages imported directly.
    pub std_imports: Vec<String>,
    /// Whether the package was named on the command line.
    pub is_root: bool,
    /// With tests loaded (`Graph::load`'s `tests`), for a root: the imports
    /// of its `_test.go` files (its own and `<name>_test`'s) mapped as
    /// `import_map` maps the package's. Not graph edges: a test may import
    /// what imports the package (`P_test` imports P).
    pub test_import_map: BTreeMap<String, String>,
}

impl Package {
    /// Whether this is a command (`package main`).
    pub fn is_main(&self) -> bool {
        self.files.name == "main"
    }
}

/// The frozen package graph.
#[derive(Debug)]
pub struct Graph {
    g: DiGraph<Package, ()>,
    by_path: HashMap<String, PkgId>,
    /// Packages named on the command line, in command-line order.
    pub roots: Vec<PkgId>,
    /// A tolerant load's broken packages (`Graph::load_tolerant`), each
    /// a node (with no files when it could not be read); empty otherwise.
    pub broken: BTreeMap<PkgId, Broken>,
}

impl Graph {
    /// Loads every package reachable from `roots` (import path, directory).
    ///
    /// Errors (all collected, one paragraph each): scan errors (syntax,
    /// mixed packages), imports that do not resolve (with the importing
    /// `file:line:col`), `internal/` violations, import-comment mismatches
    /// in GOPATH mode, C++ files in a package without cgo, and import
    /// cycles (the whole path, `a -> b -> a`).
    ///
    /// With `tests`, the imports of the roots' `_test.go` files are loaded
    /// too (their errors, and the roots' `test_error`, reported the same way).
    pub fn load(
        resolver: &Resolver,
        ctx: &BuildContext,
        roots: &[Root],
        src: &dyn SourceReader,
        tests: bool,
    ) -> Result<Graph> {
        Self::load_with(resolver, ctx, roots, src, tests, false)
    }

    /// `load` as `go list -e` loads: a package that cannot be read or
    /// whose import does not resolve, and an import cycle, leave the graph
    /// whole and are recorded in `broken` (a package whose import did not
    /// resolve becomes a node without files; cycles stay in the graph, so
    /// `topo` and planning must not be used on it).
    ///
    /// Errors: those `load` reports that are not one of these (`internal/`
    /// violations, import comments, C++ without cgo, imports of test-only
    /// packages); with `tests`, as `load`.
    pub fn load_tolerant(
        resolver: &Resolver,
        ctx: &BuildContext,
        roots: &[Root],
        src: &dyn SourceReader,
        tests: bool,
    ) -> Result<Graph> {
        Self::load_with(resolver, ctx, roots, src, tests, true)
    }

    fn load_with(
        resolver: &Resolver,
        ctx: &BuildContext,
        roots: &[Root],
        src: &dyn SourceReader,
        tests: bool,
        tolerant: bool,
    ) -> Result<Graph> {
        let _dirs = crate::scan::ListingMemo::start();
        let mut loader = Loader::new(resolver, ctx, roots);
        loader.tests = tests;
        loader.tolerant = tolerant;
        // Breadth first, a whole frontier at a time: its directories are
        // read and parsed on all cores, then visited in queue order (so the
        // graph is the same as one package at a time would make it).
        while !loader.queue.is_empty() {
            let mut frontier: Vec<Pending> = Vec::new();
            let mut taken = BTreeSet::new();
            for p in loader.queue.drain(..) {
                if !loader.seen.contains(&p.import_path) && taken.insert(p.import_path.clone()) {
                    frontier.push(p);
                }
            }
            let scanned = scan_all(ctx, src, &frontier);
            for (p, s) in frontier.into_iter().zip(scanned) {
                loader.visit(p, s);
            }
        }
        loader.finish(roots)
    }

    /// The package at `id`.
    pub fn pkg(&self, id: PkgId) -> &Package {
        &self.g[id.0]
    }

    /// The package with this import path, if loaded.
    pub fn find(&self, import_path: &str) -> Option<PkgId> {
        self.by_path.get(import_path).copied()
    }

    /// Number of packages.
    pub fn len(&self) -> usize {
        self.g.node_count()
    }

    /// Whether there are no packages.
    pub fn is_empty(&self) -> bool {
        self.g.node_count() == 0
    }

    /// Every package id.
    pub fn ids(&self) -> impl Iterator<Item = PkgId> + '_ {
        self.g.node_indices().map(PkgId)
    }

    /// Direct (non-std) imports of `id`, sorted by import path.
    pub fn deps(&self, id: PkgId) -> Vec<PkgId> {
        let mut v: Vec<PkgId> = self
            .g
            .neighbors_directed(id.0, Direction::Outgoing)
            .map(PkgId)
            .collect();
        v.sort_by(|a, b| self.pkg(*a).import_path.cmp(&self.pkg(*b).import_path));
        v
    }

    /// Packages that import `id` directly.
    pub fn importers(&self, id: PkgId) -> Vec<PkgId> {
        self.g
            .neighbors_directed(id.0, Direction::Incoming)
            .map(PkgId)
            .collect()
    }

    /// All packages, dependencies before their importers (ties broken by
    /// import path, so the order is stable).
    pub fn topo(&self) -> Vec<PkgId> {
        let mut indeg: Vec<usize> = self
            .g
            .node_indices()
            .map(|n| self.g.neighbors(n).count())
            .collect();
        let mut ready: BTreeMap<String, PkgId> = self
            .ids()
            .filter(|id| indeg[id.index()] == 0)
            .map(|id| (self.pkg(id).import_path.clone(), id))
            .collect();
        let mut out = Vec::with_capacity(self.len());
        while let Some((_, id)) = ready.pop_first() {
            out.push(id);
            for imp in self.importers(id) {
                indeg[imp.index()] -= 1;
                if indeg[imp.index()] == 0 {
                    ready.insert(self.pkg(imp).import_path.clone(), imp);
                }
            }
        }
        out
    }

    /// Transitive (non-std) dependencies of `id`, dependencies first.
    pub fn deps_closure(&self, id: PkgId) -> Vec<PkgId> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![id];
        while let Some(n) = stack.pop() {
            for d in self.deps(n) {
                if seen.insert(d) {
                    stack.push(d);
                }
            }
        }
        self.topo()
            .into_iter()
            .filter(|x| seen.contains(x))
            .collect()
    }

    /// The packages on an import cycle (each in a strongly connected
    /// component of more than one package, or importing itself); empty
    /// for any graph but a tolerant load's.
    pub fn in_cycles(&self) -> BTreeSet<PkgId> {
        petgraph::algo::tarjan_scc(&self.g)
            .into_iter()
            .filter(|c| c.len() > 1 || self.g.contains_edge(c[0], c[0]))
            .flatten()
            .map(PkgId)
            .collect()
    }

    /// A cycle as a list of packages `[a, b, …]` where each imports the
    /// next and the last imports the first; the first is the smallest
    /// import path in its strongly connected component.
    fn find_cycle(&self) -> Option<Vec<PkgId>> {
        let sccs = petgraph::algo::tarjan_scc(&self.g);
        let scc = sccs
            .into_iter()
            .filter(|c| c.len() > 1 || self.g.contains_edge(c[0], c[0]))
            .min_by_key(|c| c.iter().map(|n| self.g[*n].import_path.clone()).min())?;
        let members: BTreeSet<NodeIndex> = scc.iter().copied().collect();
        let start = *scc.iter().min_by_key(|n| &self.g[**n].import_path)?;
        // Breadth-first search from start back to start within the component.
        let mut prev: HashMap<NodeIndex, NodeIndex> = HashMap::new();
        let mut q = VecDeque::from([start]);
        while let Some(n) = q.pop_front() {
            for d in self.deps(PkgId(n)) {
                if d.0 == start {
                    let mut path = vec![PkgId(n)];
                    let mut cur = n;
                    while cur != start {
                        cur = prev[&cur];
                        path.push(PkgId(cur));
                    }
                    path.reverse();
                    return Some(path);
                }
                if members.contains(&d.0) && !prev.contains_key(&d.0) && d.0 != start {
                    prev.insert(d.0, n);
                    q.push_back(d.0);
                }
            }
        }
        None
    }

    fn cycle_message(&self, cycle: &[PkgId]) -> String {
        let mut names: Vec<&str> = cycle
            .iter()
            .map(|id| self.pkg(*id).import_path.as_str())
            .collect();
        names.push(names[0]);
        let mut msg = format!("import cycle not allowed: {}", names.join(" -> "));
        for (i, id) in cycle.iter().enumerate() {
            let next = &self.pkg(cycle[(i + 1) % cycle.len()]).import_path;
            let p = self.pkg(*id);
            if let Some(pos) = import_pos(p, next) {
                msg.push_str(&format!("\n\t{pos}: {} imports {next}", p.import_path));
            }
        }
        msg
    }
}

/// Scans a package's directory (or, for `command-line-arguments`, the
/// files named).
fn scan_one(ctx: &BuildContext, src: &dyn SourceReader, p: &Pending) -> Result<DirPackage> {
    if p.files.is_empty() {
        scan::scan_dir(ctx, &p.dir, src)
    } else {
        scan::scan_files(ctx, &p.dir, &p.files, src)
    }
}

/// `scan_one` of each of `ps`, in order: on the available cores when there
/// are enough of them to be worth a thread, each sharing this thread's
/// directory listings (`scan::ListingMemo`).
fn scan_all(ctx: &BuildContext, src: &dyn SourceReader, ps: &[Pending]) -> Vec<Result<DirPackage>> {
    let threads = if ps.len() < 4 {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    };
    let memo = scan::ListingMemo::current();
    crate::par::map(ps, threads, "scan", |p| {
        let _listings = scan::ListingMemo::adopt(memo.clone());
        scan_one(ctx, src, p)
    })
}

/// A package waiting in `Loader`'s queue.
struct Pending {
    /// Its import path.
    import_path: String,
    /// Its source directory.
    dir: PathBuf,
    /// The providing module's path, in module mode.
    module: Option<String>,
    /// Named on the command line.
    is_root: bool,
    /// The files named on the command line (`command-line-arguments`);
    /// empty for a package read from its directory.
    files: Vec<String>,
}

/// What one package's imports resolved to.
#[derive(Default)]
struct ResolvedImports {
    /// Each import as written → the import path it resolved to.
    import_map: BTreeMap<String, String>,
    /// The standard-library imports.
    std_imports: Vec<String>,
    /// The import paths of the imported packages of source (graph edges).
    imported: Vec<String>,
}

/// The state of one `Graph::load`: a breadth-first walk from the roots
/// that scans each package, checks the go command's rules on it and
/// queues its imports, collecting every error rather than stopping at the
/// first, so that one run reports them all.
struct Loader<'a> {
    resolver: &'a Resolver,
    ctx: &'a BuildContext,
    /// Import paths of the roots matched by a `...` pattern.
    wildcard: BTreeSet<&'a str>,
    g: DiGraph<Package, ()>,
    by_path: HashMap<String, PkgId>,
    queue: VecDeque<Pending>,
    /// Import paths queued or loaded.
    seen: BTreeSet<String>,
    /// Edges to add once every package is a node: importer → import path.
    pending_edges: Vec<(PkgId, String)>,
    errors: Vec<String>,
    /// Load the roots' test imports too.
    tests: bool,
    /// A `...` pattern matched a package of test files alone, left out
    /// (not testing), as `go build` leaves it out (`omitTestOnly`).
    test_only_left_out: bool,
    /// `Graph::load_tolerant`: record broken packages instead of failing.
    tolerant: bool,
    /// Roots a `...` pattern matched that were left out (no Go files):
    /// not roots, though an import may load them.
    left_out: BTreeSet<String>,
    /// A tolerant load's broken packages by import path.
    broken: BTreeMap<String, Broken>,
}

impl<'a> Loader<'a> {
    /// A loader with `roots` queued, in command-line order.
    fn new(resolver: &'a Resolver, ctx: &'a BuildContext, roots: &'a [Root]) -> Self {
        let queue = roots
            .iter()
            .map(|r| Pending {
                import_path: r.import_path.clone(),
                dir: r.dir.clone(),
                module: None,
                is_root: true,
                files: r.files.clone(),
            })
            .collect();
        let wildcard = roots
            .iter()
            .filter(|r| r.wildcard)
            .map(|r| r.import_path.as_str())
            .collect();
        Loader {
            resolver,
            ctx,
            wildcard,
            g: DiGraph::new(),
            by_path: HashMap::new(),
            queue,
            seen: BTreeSet::new(),
            pending_edges: Vec::new(),
            errors: Vec::new(),
            tests: false,
            test_only_left_out: false,
            tolerant: false,
            left_out: BTreeSet::new(),
            broken: BTreeMap::new(),
        }
    }

    /// Loads one queued package (unless already loaded) from its scan
    /// (`scan_one`): checks it, resolves its imports (queueing new ones)
    /// and adds its node.
    fn visit(&mut self, p: Pending, scanned: Result<DirPackage>) {
        if !self.seen.insert(p.import_path.clone()) {
            return;
        }
        let Some(files) = self.scanned(&p, scanned) else {
            return;
        };
        if let Some(e) = cxx_error(&p.import_path, &files) {
            self.errors.push(e);
        }
        if let Some(e) = self.import_comment_error(&p.import_path, &p.dir, &files) {
            self.errors.push(e);
        }
        let written = files
            .imports
            .iter()
            .map(|i| (i.clone(), files.import_pos[i][0].clone()))
            .filter(|(i, pos)| !self.relative_from_named_files(&p, i, pos))
            .collect();
        let rules_path = self.rules_path(&p);
        let imports = self.resolve_imports(&rules_path, &p.dir, written);
        let test_import_map = if self.tests && p.is_root {
            if let Some(e) = &files.test_error {
                self.errors.push(format!("package {}: {e}", p.import_path));
            }
            let written = test_imports_written(&files, &p.import_path);
            self.resolve_imports(&rules_path, &p.dir, written)
                .import_map
        } else {
            BTreeMap::new()
        };
        let id = PkgId(self.g.add_node(Package {
            import_path: p.import_path.clone(),
            dir: p.dir,
            module: p.module,
            files,
            import_map: imports.import_map,
            std_imports: imports.std_imports,
            is_root: p.is_root,
            test_import_map,
        }));
        self.by_path.insert(p.import_path, id);
        self.pending_edges
            .extend(imports.imported.into_iter().map(|to| (id, to)));
    }

    /// The import path the go command's import rules see for package `p`:
    /// its own, except for files named on the command line, which go
    /// treats as the package of their directory for `internal/`
    /// (cmd/go/internal/load, `disallowInternal`: the directory's import
    /// path in the main module, else one that is no prefix of any package)
    /// (their relative imports are refused, see `relative_from_named_files`).
    fn rules_path(&self, p: &Pending) -> String {
        if p.files.is_empty() {
            return p.import_path.clone();
        }
        self.resolver
            .import_path_for_dir(&p.dir)
            .unwrap_or_else(|| format!("{}/.", crate::resolve::COMMAND_LINE_ARGUMENTS))
    }

    /// Whether `imp` is a relative import in files named on the command
    /// line, recording the error if so: gccgo-build compiles such files as
    /// `command-line-arguments`, which gives gccgo no directory to resolve
    /// `./x` against (the go command resolves it in GOPATH mode).
    fn relative_from_named_files(&mut self, p: &Pending, imp: &str, pos: &Pos) -> bool {
        let relative = imp == "." || imp.starts_with("./") || imp.starts_with("../");
        if relative && !p.files.is_empty() {
            self.errors.push(format!(
                "{pos}: local import \"{imp}\" in files named on the command line: gccgo-build \
                 does not build it; name the directory instead (`gccgo-build build {}`)",
                p.dir.display()
            ));
        }
        relative && !p.files.is_empty()
    }

    /// A package's scan (`scan_one`), or `None` (with the error recorded)
    /// when it does not make a package. A root that a `...` pattern matched and
    /// whose Go files build constraints all exclude is left out quietly, as
    /// the go command does; if something imports it, that import reports it.
    fn scanned(&mut self, p: &Pending, scanned: Result<DirPackage>) -> Option<DirPackage> {
        let e = match scanned {
            Ok(files) => return Some(files),
            Err(e) => e,
        };
        let ip = &p.import_path;
        match e.downcast_ref::<scan::DirError>() {
            // go test tests a package of test files alone (cmd/go's
            // `TestPackagesFor` needs no non-test file); only building it
            // needs one.
            Some(scan::DirError::NoGo {
                test_only: Some(t), ..
            }) if self.tests && p.is_root => return Some((**t).clone()),
            Some(scan::DirError::NoGo { test_only, .. })
                if p.is_root && self.wildcard.contains(ip.as_str()) =>
            {
                self.test_only_left_out |= test_only.is_some();
                self.seen.remove(ip);
                self.left_out.insert(ip.clone());
            }
            _ if self.tolerant => {
                self.broken.insert(ip.clone(), broken_of(&e));
                return Some(files_of_broken(&p.dir, &e));
            }
            Some(scan::DirError::NoGo {
                all_excluded: true, ..
            }) => self.errors.push(format!(
                "package {ip}: build constraints exclude all Go files in {}",
                p.dir.display()
            )),
            _ => self
                .errors
                .push(format!("package {ip}: {}", crate::words::error_text(&e))),
        }
        None
    }

    /// In GOPATH mode, go's import-comment check: a package whose comment
    /// says `import "x"` must be imported as `x`.
    fn import_comment_error(&self, ip: &str, dir: &Path, files: &DirPackage) -> Option<String> {
        let (crate::resolve::Mode::Gopath(_), Some(c)) =
            (&self.resolver.mode, &files.import_comment)
        else {
            return None;
        };
        // go compares the comment with the path as importers write it: for
        // a vendored package, the part after `vendor/`
        // (cmd/go/internal/load, loadPackageData).
        let written = ip
            .rsplit_once("/vendor/")
            .map(|(_, w)| w)
            .or_else(|| ip.strip_prefix("vendor/"))
            .unwrap_or(ip);
        (c != written).then(|| {
            format!(
                "code in directory {} expects import \"{c}\", but it is imported as \"{written}\"",
                dir.display()
            )
        })
    }

    /// Resolves the imports of package `ip` (in `dir`), recording an error
    /// for each that does not resolve or is not allowed (a relative import
    /// from a non-local package, an `internal/` violation) and queueing
    /// each package of source not seen yet.
    fn resolve_imports(
        &mut self,
        ip: &str,
        dir: &Path,
        written: Vec<(String, Pos)>,
    ) -> ResolvedImports {
        let mut out = ResolvedImports::default();
        for (imp, pos) in &written {
            let relative = imp == "." || imp.starts_with("./") || imp.starts_with("../");
            if relative && !crate::resolve::is_local_import_path(ip) {
                // go's rule (cmd/go/internal/load): only a package named
                // by a directory outside GOPATH may import by relative path.
                self.errors.push(format!(
                    "{pos}: local import \"{imp}\" in non-local package"
                ));
                continue;
            }
            match self.resolver.resolve(imp, dir) {
                Ok(Found::Std) => {
                    if let Some(msg) = internal_violation(ip, imp) {
                        self.errors.push(format!("{pos}: {msg}"));
                    }
                    out.std_imports.push(imp.clone());
                    out.import_map.insert(imp.clone(), imp.clone());
                }
                Ok(Found::Dir {
                    import_path,
                    dir: d,
                    module: m,
                }) => {
                    if let Some(msg) = internal_violation(ip, &import_path) {
                        self.errors.push(format!("{pos}: {msg}"));
                        continue;
                    }
                    out.import_map.insert(imp.clone(), import_path.clone());
                    out.imported.push(import_path.clone());
                    if !self.seen.contains(&import_path) {
                        self.queue.push_back(Pending {
                            import_path,
                            dir: d,
                            module: m,
                            is_root: false,
                            files: Vec::new(),
                        });
                    }
                }
                Err(e) if self.tolerant => {
                    // go lists the import path as a package with the error.
                    self.broken
                        .entry(imp.clone())
                        .or_insert_with(|| Broken::Import(e.to_string()));
                    out.import_map.insert(imp.clone(), imp.clone());
                    out.imported.push(imp.clone());
                }
                Err(e) => self.errors.push(format!("{pos}: {e}")),
            }
        }
        out
    }

    /// Records an error for each import (by a package or by a root's test
    /// files) of a package made of test files alone, which cannot be built
    /// (go's "no non-test Go files in DIR" when it builds the importer).
    fn refuse_imports_of_test_only(&mut self) {
        for n in self.g.node_indices() {
            let p = &self.g[n];
            let imported = self.g.neighbors(n).map(|d| &self.g[d]).chain(
                p.test_import_map
                    .values()
                    .filter(|to| **to != p.import_path)
                    .filter_map(|to| self.by_path.get(to).map(|d| &self.g[d.0])),
            );
            for d in imported {
                if d.files.go_files.is_empty() && !self.broken.contains_key(&d.import_path) {
                    self.errors.push(format!(
                        "package {} imports {}: no non-test Go files in {}",
                        p.import_path,
                        d.import_path,
                        d.dir.display()
                    ));
                }
            }
        }
    }

    /// Adds the edges, then reports every error collected, a load that
    /// left no root (all excluded by build constraints), or a cycle;
    /// otherwise the frozen graph.
    fn finish(mut self, roots: &[Root]) -> Result<Graph> {
        for ip in self.broken.keys() {
            if !self.by_path.contains_key(ip) {
                let id = PkgId(self.g.add_node(Package {
                    import_path: ip.clone(),
                    dir: PathBuf::new(),
                    module: None,
                    files: DirPackage::default(),
                    import_map: BTreeMap::new(),
                    std_imports: Vec::new(),
                    is_root: false,
                    test_import_map: BTreeMap::new(),
                }));
                self.by_path.insert(ip.clone(), id);
            }
        }
        for (from, to) in std::mem::take(&mut self.pending_edges) {
            if let Some(&t) = self.by_path.get(&to) {
                self.g.update_edge(from.0, t.0, ());
            }
        }
        self.refuse_imports_of_test_only();
        if !self.errors.is_empty() {
            self.errors.dedup();
            bail!("{}", self.errors.join("\n"));
        }
        let root_ids: Vec<PkgId> = roots
            .iter()
            .filter(|r| !self.left_out.contains(&r.import_path))
            .filter_map(|r| self.by_path.get(&r.import_path).copied())
            .collect();
        if root_ids.is_empty() && self.test_only_left_out {
            bail!(
                "the patterns matched only packages of test files (no non-test Go files), which \
                 only `gccgo-build test` builds"
            );
        }
        // No roots at all (patterns that matched nothing, which `resolve`
        // warned about) is an empty graph, as go goes on with none.
        if root_ids.is_empty() && !roots.is_empty() {
            bail!(
                "the patterns matched only directories whose Go files build constraints exclude for {}/{}",
                self.ctx.goos,
                self.ctx.goarch
            );
        }
        let broken = self
            .broken
            .iter()
            .filter_map(|(ip, b)| Some((*self.by_path.get(ip)?, b.clone())))
            .collect();
        let graph = Graph {
            g: self.g,
            by_path: self.by_path,
            roots: root_ids,
            broken,
        };
        if self.tolerant {
            return Ok(graph);
        }
        if let Some(cycle) = graph.find_cycle() {
            bail!("{}", graph.cycle_message(&cycle));
        }
        Ok(graph)
    }
}

/// The imports of a package's test files with the first place each is
/// written, except the package's own import path (`P_test` imports P,
/// which is the package itself, not a dependency to load).
fn test_imports_written(files: &DirPackage, ip: &str) -> Vec<(String, Pos)> {
    let mut out: BTreeMap<String, Pos> = BTreeMap::new();
    for f in files.test_go_files.iter().chain(&files.xtest_go_files) {
        for i in &f.header.imports {
            if i.path != ip && i.path != "C" {
                out.entry(i.path.clone()).or_insert_with(|| Pos {
                    file: files.dir.join(&f.name),
                    line: i.line,
                    col: i.col,
                });
            }
        }
    }
    out.into_iter().collect()
}

/// go's error for C++ files in a package that does not use cgo
/// (cmd/go/internal/load: only cgo or SWIG compiles them, whatever the
/// toolchain); `None` otherwise.
fn cxx_error(ip: &str, files: &DirPackage) -> Option<String> {
    (!files.cxx_files.is_empty() && files.cgo_files.is_empty()).then(|| {
        format!(
            "package {ip}: C++ source files not allowed when not using cgo or SWIG: {}",
            files.cxx_files.join(" ")
        )
    })
}

/// Where package `p` imports `target` (after import-path mapping).
fn import_pos<'a>(p: &'a Package, target: &str) -> Option<&'a Pos> {
    let src = p
        .import_map
        .iter()
        .find(|(_, v)| v.as_str() == target)
        .map(|(k, _)| k)?;
    p.files.import_pos.get(src)?.first()
}

/// go's `internal/` rule: `a/b/internal/c` may be imported only from
/// below `a/b`. Returns go's message when `importer` may not import `imported`.
pub fn internal_violation(importer: &str, imported: &str) -> Option<String> {
    let parent = if imported.starts_with("internal/") || imported == "internal" {
        Some("")
    } else if let Some(i) = imported.rfind("/internal/") {
        Some(&imported[..i])
    } else {
        imported.strip_suffix("/internal")
    }?;
    if parent.is_empty() {
        // Standard-library internal packages: only std may import them, and
        // std is never compiled here, so every importer is outside.
        return Some(format!("use of internal package {imported} not allowed"));
    }
    if crate::resolve::under(importer, parent).is_some() {
        None
    } else {
        Some(format!("use of internal package {imported} not allowed"))
    }
}

impl Graph {
    /// go's check that no two packages of a build have import paths that
    /// differ only in case (cmd/go/internal/load/pkg.go, `ToFold`; ASCII
    /// case here): the later path in byte order is reported at the first
    /// import of it, as go words it, `main.go:5:2: case-insensitive import
    /// collision: "example.com/m/foo" and "example.com/m/Foo"` (the file
    /// relative to `cwd`). None when there is no collision.
    pub fn case_collision(&self, cwd: &Path) -> Option<String> {
        let mut paths: Vec<&str> = self
            .ids()
            .map(|id| self.pkg(id).import_path.as_str())
            .collect();
        paths.sort_unstable();
        let mut seen: BTreeMap<String, &str> = BTreeMap::new();
        let (p, other) =
            paths
                .into_iter()
                .find_map(|p| match seen.get(&p.to_ascii_lowercase()) {
                    Some(o) if *o != p => Some((p, *o)),
                    Some(_) => None,
                    None => {
                        seen.insert(p.to_ascii_lowercase(), p);
                        None
                    }
                })?;
        let msg = format!("case-insensitive import collision: {p:?} and {other:?}");
        let at = self.ids().find_map(|id| {
            let q = self.pkg(id);
            q.files.go_files.iter().find_map(|f| {
                let i =
                    f.header.imports.iter().find(|i| {
                        i.path == p || q.import_map.get(&i.path).is_some_and(|r| r == p)
                    })?;
                let file = q.dir.join(&f.name);
                let file = file.strip_prefix(cwd).unwrap_or(&file).to_path_buf();
                Some(format!("{}:{}:{}", file.display(), i.line, i.col))
            })
        });
        Some(match at {
            Some(at) => format!("{at}: {msg}"),
            None => format!("package {p}: {msg}"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_rule() {
        assert_eq!(internal_violation("a/b/c", "a/b/internal/x"), None);
        assert_eq!(internal_violation("a/b", "a/b/internal/x"), None);
        assert!(internal_violation("a/c", "a/b/internal/x").is_some());
        assert!(internal_violation("example.com/m", "internal/cpu").is_some());
        assert_eq!(internal_violation("a/b/x", "a/b/internal"), None);
    }
}
