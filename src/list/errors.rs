//! `Error` and `DepsErrors` as go 1.19's `go list -e` fills them from a
//! tolerant load (`build::load_tolerant`): the packages are visited as
//! cmd/go/internal/load's `loadImport` visits them (depth first from each
//! named package in command-line order, each package's imports in sorted
//! order, each package once), and each broken package's `PackageError`
//! takes the import stack and position that `setLoadPackageDataError`
//! gives it:
//!
//! - an import that does not resolve: the stack up to the importer, the
//!   position of the import (`dir/f.go:2:8`, relative to the working
//!   directory when shorter, as `base.ShortPath`);
//! - no Go files, or a file that does not parse: the package itself on
//!   the stack too; no position, or the parser's;
//! - another error in the package (a bad `//go:build` line): the stack up
//!   to the importer, the import's position;
//! - an import cycle (`reusePackage`): the stack with the package imported
//!   again at its end, on that package, no position;
//! - a path equal to one loaded before but for case (`foldPath`, checked
//!   once the package's imports are loaded): the stack up to the importer,
//!   the import's position.
//!
//! This module does not load anything; it reads the frozen graph.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::graph::{Broken, Graph, PkgId};

use super::{NoGo, PackageError, PackagePublic};

/// Sets `Error`, `DepsErrors` and `Incomplete` on `packages` (the listing
/// of `graph`) as go's `-e` sets them; `cwd` shortens positions.
pub(super) fn attach(graph: &Graph, cwd: &Path, packages: &mut [PackagePublic]) {
    let mut walk = Walk {
        graph,
        cwd,
        errors: BTreeMap::new(),
        cut_deps: BTreeMap::new(),
        cyclic: graph.in_cycles(),
        folded: BTreeMap::new(),
        collided: BTreeSet::new(),
        done: BTreeSet::new(),
        stack: Vec::new(),
    };
    for &root in &graph.roots {
        walk.visit(root, None);
    }
    let by_path: BTreeMap<&str, &PackageError> = walk
        .errors
        .iter()
        .map(|(id, e)| (graph.pkg(*id).import_path.as_str(), e))
        .collect();
    for p in packages.iter_mut() {
        // In a cycle, go's `collectDeps` (run as the package finishes
        // loading) reaches the package itself, and stops at the packages
        // still loading.
        if let Some(cut) = graph
            .find(&p.import_path)
            .and_then(|id| walk.cut_deps.get(&id))
        {
            p.deps
                .retain(|d| graph.find(d).is_none() || cut.contains(d.as_str()));
            if cut.contains(p.import_path.as_str()) {
                p.deps.push(p.import_path.clone());
                p.deps.sort();
            }
        }
        if let Some(e) = by_path.get(p.import_path.as_str()) {
            p.error = Some((*e).clone());
        }
        p.deps_errors = p
            .deps
            .iter()
            .filter_map(|d| by_path.get(d.as_str()).map(|e| (*e).clone()))
            .collect();
        // go's collision error leaves the package (and importers)
        // complete, unless the package was named on the command line.
        let named = |ip: &str| graph.roots.iter().any(|r| graph.pkg(*r).import_path == ip);
        let incomplete =
            |ip: &str| by_path.contains_key(ip) && (!walk.collided.contains(ip) || named(ip));
        if incomplete(&p.import_path) || p.deps.iter().any(|d| incomplete(d)) {
            p.incomplete = true;
        }
        if walk.collided.contains(&p.import_path) {
            // go stops loading it at the check: no module recorded.
            p.module = None;
        }
        let first = p
            .deps
            .iter()
            .find(|d| by_path.contains_key(d.as_str()))
            .cloned();
        mark_broken(graph, p, first);
    }
}

/// What go lists for a broken package (and its importers) besides the
/// error: no `Root` for an import path that did not resolve; the file
/// that does not parse among `GoFiles` and `InvalidGoFiles`, with the
/// name its package clause gives; `Stale` with go's reasons (`build ID
/// mismatch` for the broken package, `stale dependency: P` for an
/// importer, P the first of its dependencies with an error).
fn mark_broken(graph: &Graph, p: &mut PackagePublic, first_broken_dep: Option<String>) {
    let broken = graph
        .find(&p.import_path)
        .and_then(|id| graph.broken.get(&id));
    match broken {
        Some(Broken::Import(_)) => p.root.clear(),
        Some(Broken::Syntax(pos, _)) => {
            let name = pos.file.file_name().unwrap_or_default().to_string_lossy();
            p.go_files = vec![name.to_string()];
            p.invalid_go_files = p.go_files.clone();
            p.name = std::fs::read_to_string(&pos.file)
                .ok()
                .and_then(|t| package_clause(&t))
                .unwrap_or_default();
        }
        // go 1.19's module index (cmd/go/internal/modindex, used for any
        // directory whose files are older than 2 s) lists no invalid file
        // for a bad //go:build line; go/build on a fresher file does.
        _ => {}
    }
    if p.standard {
        return;
    }
    // go computes no staleness for a package without files to build.
    if !p.dep_only
        && matches!(
            broken,
            Some(Broken::NoGo(_) | Broken::Other(_) | Broken::Constraint(..))
        )
    {
        return;
    }
    if p.error.is_some() {
        p.stale = true;
        p.stale_reason = "build ID mismatch".into();
    } else if let Some(dep) = first_broken_dep {
        p.stale = true;
        p.stale_reason = format!("stale dependency: {dep}");
    }
}

/// The package name of a Go file's `package` clause, read roughly (the
/// first line starting `package `), for a file whose header did not parse.
fn package_clause(text: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let name = l.trim().strip_prefix("package ")?;
        Some(
            name.split(|c: char| !c.is_alphanumeric() && c != '_')
                .next()?
                .to_string(),
        )
    })
}

/// Without `-e` (`e` false), go's list (`runList`, `loadPackageList`):
/// a named package with an `Error` fails the command with each such error
/// (nothing listed); otherwise the errors of the dependencies listed
/// (`-deps`) are returned, to print before the listing, which lists
/// them too (exit status 1). With `-e`, nothing is refused.
///
/// Errors: the named packages' errors, one per line, as go prints them.
pub(super) fn refuse_without_e(e: bool, packages: &[PackagePublic]) -> anyhow::Result<Vec<String>> {
    if e {
        return Ok(Vec::new());
    }
    let named: Vec<String> = packages
        .iter()
        .filter(|p| !p.dep_only)
        .filter_map(|p| p.error.as_ref().map(PackageError::go_text))
        .collect();
    if !named.is_empty() {
        anyhow::bail!("{}", named.join("\n"));
    }
    let deps = packages
        .iter()
        .filter_map(|p| p.error.as_ref().map(PackageError::go_text))
        .collect();
    Ok(deps)
}

impl PackageError {
    /// The error as go's `(*PackageError).Error` writes it: `Pos: Err`
    /// when it has a position, else `Err` when the import stack is empty,
    /// else `package A\n\timports B: Err` (go prints the stack before a
    /// position only for `internal/` violations, not listed this way).
    pub fn go_text(&self) -> String {
        let stack: Vec<&str> = self.import_stack.iter().map(String::as_str).collect();
        error_text(&stack, &self.pos, &self.err)
    }
}

/// `PackageError.go_text` of its fields (also for `-f`'s `{{.Error}}`).
pub(super) fn error_text(stack: &[&str], pos: &str, err: &str) -> String {
    if !pos.is_empty() {
        format!("{pos}: {err}")
    } else if stack.is_empty() {
        err.to_string()
    } else {
        format!("package {}: {err}", stack.join("\n\timports "))
    }
}

/// `p` as `-json=FIELDS` writes it: go clears the fields not asked for in
/// each package as it prints it, and a `NoGoError` of a package printed
/// so far (`printed`, `p` included) is then worded from what is left
/// (`no Go files in ` with no `Dir`).
pub(super) fn json_fields_errors(
    p: &PackagePublic,
    printed: &BTreeSet<String>,
    keep: &[String],
) -> PackagePublic {
    let kept = |f: &str| keep.iter().any(|k| k == f);
    let reword = |e: &mut PackageError| {
        let Some(n) = &e.no_go else { return };
        if !e.import_stack.last().is_some_and(|ip| printed.contains(ip)) {
            return;
        }
        let dir = if kept("Dir") { n.dir.as_str() } else { "" };
        e.err = if n.ignored && kept("IgnoredGoFiles") {
            format!("build constraints exclude all Go files in {dir}")
        } else if n.tests && (kept("TestGoFiles") || kept("XTestGoFiles")) {
            format!("no non-test Go files in {dir}")
        } else {
            format!("no Go files in {dir}")
        };
    };
    let mut p = p.clone();
    if let Some(e) = &mut p.error {
        reword(e);
    }
    p.deps_errors.iter_mut().for_each(reword);
    p
}

/// The state of the depth-first visit.
struct Walk<'a> {
    graph: &'a Graph,
    cwd: &'a Path,
    errors: BTreeMap<PkgId, PackageError>,
    /// For a package in an import cycle: its `Deps` of source as go
    /// collects them when it finishes loading.
    cut_deps: BTreeMap<PkgId, BTreeSet<String>>,
    /// The packages on an import cycle (`Graph::in_cycles`).
    cyclic: BTreeSet<PkgId>,
    /// Each import path loaded, by its lower-case form (go's `foldPath`).
    folded: BTreeMap<String, String>,
    /// The import paths in error for a case-insensitive collision.
    collided: BTreeSet<String>,
    done: BTreeSet<PkgId>,
    /// The import paths being loaded, outermost first (go's `ImportStack`).
    stack: Vec<String>,
}

impl Walk<'_> {
    /// Visits `id`, imported at `at` (`file:line:col`, shortened), or
    /// named on the command line (`None`).
    fn visit(&mut self, id: PkgId, at: Option<String>) {
        let ip = self.graph.pkg(id).import_path.clone();
        if self.stack.contains(&ip) {
            // reusePackage: the package is still loading, an import cycle.
            if !self.errors.contains_key(&id) {
                let mut stack = self.stack.clone();
                stack.push(ip);
                self.errors.insert(
                    id,
                    PackageError {
                        import_stack: stack,
                        pos: String::new(),
                        err: "import cycle not allowed".into(),
                        no_go: None,
                    },
                );
            }
            return;
        }
        if !self.done.insert(id) {
            return;
        }
        if let Some(b) = self.graph.broken.get(&id) {
            let e = self.error_of(&ip, b, at.clone().unwrap_or_default());
            self.errors.insert(id, e);
        }
        self.stack.push(ip.clone());
        for (dep, pos) in self.imports(id) {
            self.visit(dep, Some(pos));
        }
        self.stack.pop();
        // go's fold check, once the imports are loaded: the later of two
        // paths equal but for case is the one in error.
        match self.folded.get(&ip.to_lowercase()) {
            None => {
                self.folded.insert(ip.to_lowercase(), ip.clone());
            }
            Some(other) if *other != ip && !self.errors.contains_key(&id) => {
                let err = format!("case-insensitive import collision: {ip:?} and {other:?}");
                let e = PackageError {
                    import_stack: self.stack.clone(),
                    pos: at.unwrap_or_default(),
                    err,
                    no_go: None,
                };
                self.errors.insert(id, e);
                self.collided.insert(ip);
            }
            Some(_) => {}
        }
        if self.cyclic.contains(&id) {
            let cut = self.deps_as_loaded(id);
            self.cut_deps.insert(id, cut);
        }
    }

    /// The import paths of source reachable from `id`, not going through
    /// the packages on the stack (still loading: go's `collectDeps` sees
    /// no imports of theirs).
    fn deps_as_loaded(&self, id: PkgId) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut queue = self.graph.deps(id);
        while let Some(n) = queue.pop() {
            let ip = &self.graph.pkg(n).import_path;
            if out.insert(ip.clone()) && !self.stack.contains(ip) {
                queue.extend(self.graph.deps(n));
            }
        }
        out
    }

    /// go's `PackageError` for a broken package `ip` imported at `at`.
    fn error_of(&self, ip: &str, b: &Broken, at: String) -> PackageError {
        let with_self = || {
            let mut s = self.stack.clone();
            s.push(ip.to_string());
            s
        };
        let (import_stack, pos, err) = match b {
            Broken::Import(msg) => (self.stack.clone(), at, go_words(ip, msg)),
            Broken::NoGo(msg) => {
                let e = PackageError {
                    import_stack: with_self(),
                    pos: String::new(),
                    err: msg.clone(),
                    no_go: Some(self.no_go(ip)),
                };
                return e;
            }
            Broken::Syntax(p, msg) => (
                with_self(),
                format!("{}:{}:{}", self.short(&p.file), p.line, p.col),
                msg.clone(),
            ),
            Broken::Other(msg) | Broken::Constraint(_, msg) => {
                (self.stack.clone(), at, msg.clone())
            }
        };
        PackageError {
            import_stack,
            pos,
            err,
            no_go: None,
        }
    }

    /// What go's `NoGoError` reads of package `ip`.
    fn no_go(&self, ip: &str) -> NoGo {
        let Some(p) = self.graph.find(ip).map(|id| self.graph.pkg(id)) else {
            return NoGo::default();
        };
        let f = &p.files;
        NoGo {
            dir: p.dir.display().to_string(),
            ignored: !f.ignored_go_files.is_empty(),
            tests: !f.test_go_files.is_empty() || !f.xtest_go_files.is_empty(),
        }
    }

    /// The packages of source `id` imports, in the order of the import
    /// paths as written (go's sorted `Imports`), each with the position of
    /// its first import spec.
    fn imports(&self, id: PkgId) -> Vec<(PkgId, String)> {
        let p = self.graph.pkg(id);
        p.import_map
            .iter()
            .filter_map(|(written, resolved)| {
                let dep = self.graph.find(resolved)?;
                let pos = p.files.go_files.iter().find_map(|f| {
                    let i = f.header.imports.iter().find(|i| &i.path == written)?;
                    let file = p.dir.join(&f.name);
                    Some(format!("{}:{}:{}", self.short(&file), i.line, i.spec_col))
                });
                Some((dep, pos.unwrap_or_default()))
            })
            .collect()
    }

    /// `base.ShortPath`: `file` relative to the working directory when that
    /// is shorter.
    fn short(&self, file: &Path) -> String {
        let abs = file.display().to_string();
        match pathdiff(file, self.cwd) {
            Some(rel) if rel.len() < abs.len() => rel,
            _ => abs,
        }
    }
}

/// `file` relative to `dir` (`../` steps allowed), when both are absolute.
fn pathdiff(file: &Path, dir: &Path) -> Option<String> {
    (file.is_absolute() && dir.is_absolute())
        .then(|| crate::resolve::relative_to(file, dir))
        .flatten()
}

/// The resolver's message for an import path no module provides, in the
/// go command's words (modload's `ImportMissingError`): gccgo-build's
/// says where to add the requirement, or that a main-module directory
/// does not exist; `go list` says `go get`.
fn go_words(ip: &str, msg: &str) -> String {
    let missing = msg.starts_with(&format!("no required module provides package {ip};"))
        || (msg.starts_with(&format!("package {ip} is not in the main module"))
            && msg.ends_with("does not exist"));
    if missing {
        format!("no required module provides package {ip}; to add it:\n\tgo get {ip}")
    } else {
        msg.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_shortened_as_go_s_short_path() {
        assert_eq!(
            pathdiff(Path::new("/a/b/c.go"), Path::new("/a")).as_deref(),
            Some("b/c.go")
        );
        assert_eq!(
            pathdiff(Path::new("/a/b/c.go"), Path::new("/a/d")).as_deref(),
            Some("../b/c.go")
        );
    }

    #[test]
    fn a_missing_module_is_worded_as_go_list_words_it() {
        assert_eq!(
            go_words(
                "x.org/p",
                "no required module provides package x.org/p; add it"
            ),
            "no required module provides package x.org/p; to add it:\n\tgo get x.org/p"
        );
        assert_eq!(go_words("x.org/p", "other"), "other");
    }
}
