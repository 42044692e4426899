//! Graph: load the packages reachable from the requested ones (scan each
//! directory, resolve each import) into a petgraph `DiGraph`, check the
//! go command's import rules (`internal/` visibility, import comments, no
//! cycles), and freeze it. Edges point from importer to imported package.
//!
//! Standard-library packages are not nodes: gccgo ships them prebuilt, so
//! they are recorded per package as `std_imports`. This module decides
//! nothing about commands or freshness (see `plan`).

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::path::PathBuf;

use anyhow::{Result, bail};
use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};

use crate::resolve::{Found, Resolver};
use crate::scan::{self, BuildContext, DirPackage, Pos, SourceReader};

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
}

impl Graph {
    /// Loads every package reachable from `roots` (import path, directory).
    ///
    /// Errors (all collected, one paragraph each): scan errors (syntax,
    /// mixed packages), imports that do not resolve (with the importing
    /// `file:line:col`), `internal/` violations, import-comment mismatches
    /// in GOPATH mode, cgo packages (not built yet), and import cycles
    /// (the whole path, `a -> b -> a`).
    pub fn load(
        resolver: &Resolver,
        ctx: &BuildContext,
        roots: &[crate::resolve::Root],
        src: &dyn SourceReader,
    ) -> Result<Graph> {
        let mut g: DiGraph<Package, ()> = DiGraph::new();
        let mut by_path: HashMap<String, PkgId> = HashMap::new();
        let mut errors: Vec<String> = Vec::new();
        let mut queue: VecDeque<(String, PathBuf, Option<String>, bool)> = VecDeque::new();
        for r in roots {
            queue.push_back((r.import_path.clone(), r.dir.clone(), None, true));
        }
        let wildcard: BTreeSet<&str> = roots
            .iter()
            .filter(|r| r.wildcard)
            .map(|r| r.import_path.as_str())
            .collect();
        let mut pending_edges: Vec<(PkgId, String)> = Vec::new();
        let mut seen: BTreeSet<String> = BTreeSet::new();
        while let Some((ip, dir, module, is_root)) = queue.pop_front() {
            if !seen.insert(ip.clone()) {
                continue;
            }
            let files = match scan::scan_dir(ctx, &dir, src) {
                Ok(f) => f,
                Err(e) => {
                    if is_root
                        && wildcard.contains(ip.as_str())
                        && matches!(
                            e.downcast_ref::<scan::DirError>(),
                            Some(scan::DirError::NoGo { .. })
                        )
                    {
                        // Left out quietly; if something imports it, that
                        // import reports the error.
                        seen.remove(&ip);
                        continue;
                    }
                    errors.push(match e.downcast_ref::<scan::DirError>() {
                        Some(scan::DirError::NoGo {
                            all_excluded: true, ..
                        }) => {
                            format!(
                                "package {ip}: build constraints exclude all Go files in {}",
                                dir.display()
                            )
                        }
                        _ => format!("package {ip}: {}", crate::words::error_text(&e)),
                    });
                    continue;
                }
            };
            if let Some(f) = files.cgo_files.first() {
                let pos = files
                    .go_files
                    .iter()
                    .find(|g| &g.name == f)
                    .and_then(|g| g.header.imports.iter().find(|i| i.path == "C"))
                    .map(|i| format!("{}:{}:{}", dir.join(f).display(), i.line, i.col))
                    .unwrap_or_else(|| dir.join(f).display().to_string());
                errors.push(format!(
                    "{pos}: package {ip} uses cgo (import \"C\"), which gccgo-build does not build yet; \
                     build it with the go command (`go build -compiler=gccgo`) until cgo support lands"
                ));
            }
            if let (crate::resolve::Mode::Gopath(_), Some(c)) =
                (&resolver.mode, &files.import_comment)
            {
                // go compares the comment with the path as importers write
                // it: for a vendored package, the part after `vendor/`
                // (cmd/go/internal/load, loadPackageData).
                let written = ip
                    .rsplit_once("/vendor/")
                    .map(|(_, w)| w)
                    .or_else(|| ip.strip_prefix("vendor/"))
                    .unwrap_or(&ip);
                if c != written {
                    errors.push(format!(
                        "code in directory {} expects import \"{c}\", but it is imported as \"{written}\"",
                        dir.display()
                    ));
                }
            }
            let mut import_map = BTreeMap::new();
            let mut std_imports = Vec::new();
            let mut imported = Vec::new();
            for imp in &files.imports {
                let pos = &files.import_pos[imp][0];
                let relative = imp == "." || imp.starts_with("./") || imp.starts_with("../");
                if relative && !crate::resolve::is_local_import_path(&ip) {
                    // go's rule (cmd/go/internal/load): only a package named
                    // by a directory outside GOPATH may import by relative path.
                    errors.push(format!(
                        "{pos}: local import \"{imp}\" in non-local package"
                    ));
                    continue;
                }
                match resolver.resolve(imp, &dir) {
                    Ok(Found::Std) => {
                        if let Some(msg) = internal_violation(&ip, imp) {
                            errors.push(format!("{pos}: {msg}"));
                        }
                        std_imports.push(imp.clone());
                        import_map.insert(imp.clone(), imp.clone());
                    }
                    Ok(Found::Dir {
                        import_path,
                        dir: d,
                        module: m,
                    }) => {
                        if let Some(msg) = internal_violation(&ip, &import_path) {
                            errors.push(format!("{pos}: {msg}"));
                            continue;
                        }
                        import_map.insert(imp.clone(), import_path.clone());
                        imported.push(import_path.clone());
                        if !seen.contains(&import_path) {
                            queue.push_back((import_path, d, m, false));
                        }
                    }
                    Err(e) => errors.push(format!("{pos}: {e}")),
                }
            }
            let id = PkgId(g.add_node(Package {
                import_path: ip.clone(),
                dir,
                module,
                files,
                import_map,
                std_imports,
                is_root,
            }));
            by_path.insert(ip, id);
            pending_edges.extend(imported.into_iter().map(|to| (id, to)));
        }
        for (from, to) in pending_edges {
            if let Some(&t) = by_path.get(&to) {
                g.update_edge(from.0, t.0, ());
            }
        }
        if !errors.is_empty() {
            errors.dedup();
            bail!("{}", errors.join("\n"));
        }
        let root_ids: Vec<PkgId> = roots
            .iter()
            .filter_map(|r| by_path.get(&r.import_path).copied())
            .collect();
        if root_ids.is_empty() {
            bail!(
                "the patterns matched only directories whose Go files build constraints exclude for {}/{}",
                ctx.goos,
                ctx.goarch
            );
        }
        let graph = Graph {
            g,
            by_path,
            roots: root_ids,
        };
        if let Some(cycle) = graph.find_cycle() {
            bail!("{}", graph.cycle_message(&cycle));
        }
        Ok(graph)
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
