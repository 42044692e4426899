//! The module graph: every module version the main modules' requirements
//! reach, as `cmd/go/internal/modload.readModGraph` loads it (Go 1.19),
//! and the version of each module path that minimal version selection
//! picks from it (`mvs.Graph`): what `go list -m all` lists.
//!
//! Graph pruning (go ≥ 1.17, <https://go.dev/ref/mod#graph-pruning>): the
//! requirements of a module whose go.mod says `go 1.17` or later, reached
//! from a pruned module, are recorded but not followed; a module below
//! 1.17 (or without a `go` line) has its requirements followed
//! transitively, unpruned, as are all requirements below it. In workspace
//! mode the modules go.work uses are the roots, and a dependency selected
//! at a higher version than a root requires is loaded at that version too.
//!
//! Each module's go.mod is read from the module cache
//! (`cache/download/PATH/@v/VERSION.mod`), or from a replacement (its
//! directory, or the replacing module's `.mod`). Nothing is downloaded
//! here: a go.mod missing from the cache is a `Missing` error that names
//! the module, for the caller to fetch (see `GraphError::missing`).

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::PathBuf;

use super::{ModuleMode, compare_versions, escape_path, is_local_path};

/// A module at a version (`module.Version`); the version is empty for a
/// main module.
pub type ModVersion = (String, String);

/// How a module's requirements are followed (`modload.modPruning`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Pruning {
    Pruned,
    Unpruned,
    Workspace,
}

/// What the graph needs of one go.mod (`modload.modFileSummary`).
#[derive(Debug, Clone)]
struct Summary {
    /// The `go` directive's version, empty without one.
    go: String,
    /// The requirements, as written.
    require: Vec<ModVersion>,
}

impl Summary {
    /// go's `pruningForGoVersion`: pruned at go 1.17 and later.
    fn pruning(&self) -> Pruning {
        match crate::gomod::parse_go_version(&self.go) {
            Some(v) if v >= (1, 17) => Pruning::Pruned,
            _ => Pruning::Unpruned,
        }
    }
}

/// Why a module's go.mod could not be read: the message as go words it
/// after `path@version: `, and, when it is only missing from the module
/// cache, which module version's `.mod` a download would supply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphError {
    /// The module version whose requirements are unknown.
    pub module: ModVersion,
    /// go's text (`missing go.sum entry; to add it: …`).
    pub message: String,
    /// The module version (after replacement) whose go.mod is not in the
    /// module cache, when that is the cause: fetching it
    /// (`modfetch`) and loading again would go further.
    pub missing: Option<ModVersion>,
}

/// The loaded module graph (`modload.ModuleGraph`).
#[derive(Debug, Clone, Default)]
pub struct ModGraph {
    /// The roots' paths in order: the main modules.
    roots: Vec<String>,
    /// Each module path's selected version: the highest any loaded go.mod
    /// (or a root) requires; empty for a main module.
    selected: BTreeMap<String, String>,
    /// The requirements of each module version whose go.mod was loaded.
    required: BTreeMap<ModVersion, Vec<ModVersion>>,
    /// The go.mod files that could not be read.
    pub errors: Vec<GraphError>,
}

impl ModGraph {
    /// The version selected for `path`; `None` when no module in the graph
    /// requires it (go's `"none"`); `Some("")` for a main module.
    pub fn selected(&self, path: &str) -> Option<&str> {
        self.selected.get(path).map(String::as_str)
    }

    /// go's `mvs.Graph.BuildList`: the main modules first, in order, then
    /// every other module path at its selected version, sorted by path.
    pub fn build_list(&self) -> Vec<ModVersion> {
        let mut out: Vec<ModVersion> = self
            .roots
            .iter()
            .map(|r| (r.clone(), String::new()))
            .collect();
        let rest = self
            .selected
            .iter()
            .filter(|(p, _)| !self.roots.contains(p))
            .map(|(p, v)| (p.clone(), v.clone()));
        out.extend(rest);
        out
    }

    /// The first error in breadth-first order from the roots, as go's
    /// `mvs.BuildListError` prints it: the chain of requirements that led
    /// to it (`a@v1 requires\n\tb@v2: message`).
    pub fn first_error(&self) -> Option<String> {
        let failed: BTreeMap<&ModVersion, &GraphError> =
            self.errors.iter().map(|e| (&e.module, e)).collect();
        let mut queue: VecDeque<ModVersion> = self
            .roots
            .iter()
            .map(|r| (r.clone(), String::new()))
            .collect();
        let mut from: BTreeMap<ModVersion, Option<ModVersion>> =
            queue.iter().map(|m| (m.clone(), None)).collect();
        while let Some(m) = queue.pop_front() {
            if let Some(e) = failed.get(&m) {
                let mut chain = vec![m.clone()];
                while let Some(Some(p)) = from.get(chain.last()?) {
                    chain.push(p.clone());
                }
                chain.reverse();
                // go leaves out the unversioned main modules at the start.
                let chain: Vec<&ModVersion> = chain.iter().filter(|m| !m.1.is_empty()).collect();
                let mut s = String::new();
                for c in &chain[..chain.len().saturating_sub(1)] {
                    s.push_str(&format!("{}@{} requires\n\t", c.0, c.1));
                }
                s.push_str(&format!("{}@{}: {}", m.0, m.1, e.message));
                return Some(s);
            }
            for r in self.required.get(&m).into_iter().flatten() {
                if !from.contains_key(r) {
                    from.insert(r.clone(), Some(m.clone()));
                    queue.push_back(r.clone());
                }
            }
        }
        self.errors
            .first()
            .map(|e| format!("{}@{}: {}", e.module.0, e.module.1, e.message))
    }

    /// mvs's `Graph.Require`: records `m`'s requirements and raises the
    /// selected version of each.
    fn require(&mut self, m: ModVersion, reqs: Vec<ModVersion>) {
        for (p, v) in &reqs {
            match self.selected.get(p) {
                // A main module ("") is above every version.
                Some(cur) if cur.is_empty() || compare_versions(cur, v).is_ge() => {}
                _ => {
                    self.selected.insert(p.clone(), v.clone());
                }
            }
        }
        self.required.insert(m, reqs);
    }
}

/// The loading state of `ModuleMode::module_graph`.
struct Loader<'a> {
    mode: &'a ModuleMode,
    /// go.sum's `path version/go.mod` lines, when go checks them (`-mod=readonly`).
    sums: Option<BTreeSet<String>>,
    graph: ModGraph,
    /// The summaries loaded (or failed), by module version.
    loaded: BTreeMap<ModVersion, Option<Summary>>,
    /// The (module, pruning) pairs already enqueued.
    seen: BTreeSet<(ModVersion, Pruning)>,
    queue: VecDeque<(ModVersion, Pruning)>,
}

impl ModuleMode {
    /// Loads the module graph as `modload.readModGraph` (Go 1.19) does,
    /// for the main modules' requirements; `mod_flag` is `-mod` (with
    /// `readonly`, the default, each dependency's go.mod needs its
    /// `/go.mod` line in go.sum, as go checks it). Errors are collected
    /// in `ModGraph::errors`, never fatal here.
    pub fn module_graph(&self, mod_flag: &str) -> ModGraph {
        let readonly = self.work.is_none() && (mod_flag.is_empty() || mod_flag == "readonly");
        let sums = readonly.then(|| go_sum_lines(&self.first().dir().join("go.sum")));
        let mut l = Loader {
            mode: self,
            sums,
            graph: ModGraph {
                roots: self.mains.iter().map(|m| m.module.clone()).collect(),
                ..ModGraph::default()
            },
            loaded: BTreeMap::new(),
            seen: BTreeSet::new(),
            queue: VecDeque::new(),
        };
        for m in &self.mains {
            l.graph.selected.insert(m.module.clone(), String::new());
        }
        if self.work.is_none() {
            let main = self.first();
            let roots: Vec<ModVersion> = main
                .require
                .iter()
                .map(|r| (r.path.clone(), r.version.clone()))
                .collect();
            l.graph
                .require((main.module.clone(), String::new()), roots.clone());
            let pruning = Summary {
                go: main.go.clone().unwrap_or_default(),
                require: vec![],
            }
            .pruning();
            for r in roots {
                l.enqueue(r, pruning);
            }
            l.run();
        } else {
            l.load_workspace();
        }
        l.graph
    }
}

impl Loader<'_> {
    fn enqueue(&mut self, m: ModVersion, pruning: Pruning) {
        if m.1 == "none" || !self.seen.insert((m.clone(), pruning)) {
            return;
        }
        self.queue.push_back((m, pruning));
    }

    /// Loads the queue until it is empty (readModGraph's `enqueue`).
    fn run(&mut self) {
        while let Some((m, pruning)) = self.queue.pop_front() {
            let Some(summary) = self.load_one(&m) else {
                continue;
            };
            if pruning != Pruning::Pruned || summary.pruning() == Pruning::Unpruned {
                let next = if pruning == Pruning::Unpruned {
                    Pruning::Unpruned
                } else {
                    summary.pruning()
                };
                for r in summary.require {
                    self.enqueue(r, next);
                }
            }
        }
    }

    /// Workspace mode: the used modules are the roots; then any dependency
    /// of a module whose dependencies matter, selected above the version
    /// required, is loaded at its selected version (readModGraph's
    /// `hasDepsInAll` loop).
    fn load_workspace(&mut self) {
        let mains: Vec<ModVersion> = self
            .mode
            .mains
            .iter()
            .map(|m| (m.module.clone(), String::new()))
            .collect();
        for m in &mains {
            self.enqueue(m.clone(), Pruning::Workspace);
        }
        self.run();
        let mut deps_in_all: BTreeSet<String> = mains.iter().map(|m| m.0.clone()).collect();
        let mut done: BTreeSet<ModVersion> = mains.into_iter().collect();
        loop {
            let mut next = BTreeSet::new();
            for p in &deps_in_all {
                let m = (p.clone(), self.sel(p));
                for r in self.graph.required.get(&m).into_iter().flatten() {
                    let s = (r.0.clone(), self.sel(&r.0));
                    if compare_versions(&s.1, &r.1).is_gt() && !done.contains(&s) {
                        next.insert(s);
                    }
                }
            }
            if next.is_empty() {
                return;
            }
            for m in next {
                deps_in_all.insert(m.0.clone());
                done.insert(m.clone());
                self.enqueue(m, Pruning::Workspace);
            }
            self.run();
        }
    }

    fn sel(&self, p: &str) -> String {
        self.graph.selected(p).unwrap_or("none").to_string()
    }

    /// `m`'s summary, loaded once; its requirements go into the graph. A
    /// failure is recorded in the graph's errors.
    fn load_one(&mut self, m: &ModVersion) -> Option<Summary> {
        if let Some(s) = self.loaded.get(m) {
            return s.clone();
        }
        let s = match self.summary(m) {
            Ok(s) => {
                self.graph.require(m.clone(), s.require.clone());
                Some(s)
            }
            Err((message, missing)) => {
                self.graph.errors.push(GraphError {
                    module: m.clone(),
                    message,
                    missing,
                });
                None
            }
        };
        self.loaded.insert(m.clone(), s.clone());
        s
    }

    /// go's `goModSummary`: the go.mod of `m` after replacement, checked
    /// against go.sum (`-mod=readonly`) and its module line.
    fn summary(&self, m: &ModVersion) -> Result<Summary, (String, Option<ModVersion>)> {
        if m.1.is_empty()
            && let Some(g) = self.mode.main_named(&m.0)
        {
            return Ok(summary_of(g));
        }
        let (file, actual) = match self.mode.replacement(&m.0, Some(&m.1)) {
            Some(f) if is_local_path(&f.replace.new) => {
                let dir = super::clean(&f.base.join(&f.replace.new));
                let file = dir.join("go.mod");
                // go reads a replacement directory without go.mod as one without requirements.
                let Ok(text) = std::fs::read_to_string(&file) else {
                    return Ok(Summary {
                        go: String::new(),
                        require: vec![],
                    });
                };
                return crate::gomod::parse(&file, &text)
                    .map(|g| summary_of(&g))
                    .map_err(|e| (format!("parsing {}: {e:#}", file.display()), None));
            }
            Some(f) => {
                let v = f.replace.new_version.clone().unwrap_or_default();
                (
                    self.mode.cached_mod_file(&f.replace.new, &v),
                    (f.replace.new.clone(), v),
                )
            }
            None => (self.mode.cached_mod_file(&m.0, &m.1), m.clone()),
        };
        if let Some(sums) = &self.sums
            && !sums.contains(&format!("{} {}/go.mod", actual.0, actual.1))
        {
            return Err((
                format!(
                    "missing go.sum entry; to add it:\n\tgo mod download {}",
                    m.0
                ),
                None,
            ));
        }
        let text = match std::fs::read_to_string(&file) {
            Ok(t) => t,
            Err(_) => self.fetch_go_mod(&actual)?,
        };
        let g = crate::gomod::parse(&file, &text)
            .map_err(|_| ("parsing go.mod: missing module line".to_string(), None))?;
        if g.module != m.0 && g.module != actual.0 {
            return Err((
                format!(
                    "parsing go.mod:\n\tmodule declares its path as: {}\n\t        but was required as: {}",
                    g.module, m.0
                ),
                None,
            ));
        }
        Ok(summary_of(&g))
    }
}

impl Loader<'_> {
    /// The go.mod of `m` the cache lacks, from the GOPROXY (checked
    /// against go.sum and written to the cache), as go's `goModSummary`
    /// fetches it.
    ///
    /// Errors: no fetcher (vendor mode) or GOPROXY=off (`missing_text`), or the fetch or check failed,
    /// without the `path@version: ` the graph error adds.
    fn fetch_go_mod(&self, m: &ModVersion) -> Result<String, (String, Option<ModVersion>)> {
        let off = std::env::var("GOPROXY").is_ok_and(|p| p == "off");
        let Some(f) = self.mode.fetcher.as_ref().filter(|_| !off) else {
            return Err((missing_text(m), Some(m.clone())));
        };
        match f.go_mod(&m.0, &m.1) {
            Ok(d) => Ok(String::from_utf8_lossy(&d).into_owned()),
            Err(e) => {
                let e = format!("{e:#}");
                let prefix = format!("{}@{}: ", m.0, m.1);
                let e = e.strip_prefix(&prefix).map(String::from).unwrap_or(e);
                Err((e, Some(m.clone())))
            }
        }
    }
}

impl ModuleMode {
    /// The module cache's copy of `path@version`'s go.mod
    /// (`cache/download/ESCAPED/@v/VERSION.mod`, modfetch's layout).
    pub fn cached_mod_file(&self, path: &str, version: &str) -> PathBuf {
        self.modcache
            .join("cache/download")
            .join(escape_path(path))
            .join("@v")
            .join(format!("{}.mod", escape_path(version)))
    }
}

/// Why a go.mod is not at hand, in go's words where go has them: with
/// `GOPROXY=off`, `module lookup disabled by GOPROXY=off`.
pub fn missing_text(m: &ModVersion) -> String {
    if std::env::var("GOPROXY").is_ok_and(|p| p == "off") {
        "module lookup disabled by GOPROXY=off".to_string()
    } else {
        format!(
            "not in the module cache {}; fetch it with `gccgo-build mod download {}@{}`",
            super::super::modcache().display(),
            m.0,
            m.1
        )
    }
}

fn summary_of(g: &crate::gomod::GoMod) -> Summary {
    Summary {
        go: g.go.clone().unwrap_or_default(),
        require: g
            .require
            .iter()
            .map(|r| (r.path.clone(), r.version.clone()))
            .collect(),
    }
}

/// go.sum's lines as `path version` (`path version/go.mod` for a go.mod
/// hash): the entries go checks exist.
fn go_sum_lines(file: &std::path::Path) -> BTreeSet<String> {
    std::fs::read_to_string(file)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            Some(format!("{} {}", w.next()?, w.next()?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mv(p: &str, v: &str) -> ModVersion {
        (p.into(), v.into())
    }

    #[test]
    fn selection_takes_the_highest_version_and_the_main_module_wins() {
        let mut g = ModGraph {
            roots: vec!["m".into()],
            ..ModGraph::default()
        };
        g.selected.insert("m".into(), String::new());
        g.require(mv("m", ""), vec![mv("a", "v1.2.0"), mv("b", "v1.0.0")]);
        g.require(
            mv("a", "v1.2.0"),
            vec![mv("b", "v1.10.0"), mv("m", "v9.0.0")],
        );
        assert_eq!(g.selected("b"), Some("v1.10.0"));
        assert_eq!(g.selected("m"), Some(""));
        assert_eq!(g.selected("c"), None);
        assert_eq!(
            g.build_list(),
            vec![mv("m", ""), mv("a", "v1.2.0"), mv("b", "v1.10.0")]
        );
    }

    #[test]
    fn errors_show_the_requirement_chain_as_go() {
        let mut g = ModGraph {
            roots: vec!["m".into()],
            ..ModGraph::default()
        };
        g.require(mv("m", ""), vec![mv("a", "v1.0.0")]);
        g.require(mv("a", "v1.0.0"), vec![mv("b", "v1.1.0")]);
        g.errors.push(GraphError {
            module: mv("b", "v1.1.0"),
            message: "module lookup disabled by GOPROXY=off".into(),
            missing: None,
        });
        assert_eq!(
            g.first_error().unwrap(),
            "a@v1.0.0 requires\n\tb@v1.1.0: module lookup disabled by GOPROXY=off"
        );
    }
}
