//! Depgraph: `gccgo-build graph [--format dot|json] [--std] PACKAGES`, the
//! import graph of the loaded packages, each node labelled with its import
//! path and, when the cache knows them, the wall time of its last compile
//! and the size of its object, so that `dot -Tsvg` draws where a build
//! spends its time (the slower the compile, the redder the box).
//!
//! The numbers come from the cache (`cache::last_compile`): the last
//! compile of the package with this compiler, of the sources as they are
//! now if there is one. Nothing is compiled here and nothing is written.
//! Standard-library packages are not compiled by gccgo-build (gccgo ships
//! them prebuilt), so with `--std` they appear as leaves without numbers:
//! only their importers' edges are known, not their own imports.
//!
//! The DOT text is petgraph's `Dot` over a graph of `Node`s (whose
//! `Display` is the label), with the node attributes added by a getter and
//! a header of graph-wide attributes.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

use anyhow::Result;
use petgraph::dot::{Config, Dot};
use petgraph::graph::{DiGraph, NodeIndex};
use serde::Serialize;

use crate::build::{LoadConfig, Loaded};
use crate::cache::CompileRecord;
use crate::store::Store;

pub mod why;

/// The output format of `graph`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Graphviz DOT (the default).
    #[default]
    Dot,
    /// One JSON object: `nodes` and `edges` (see `GraphJson`).
    Json,
}

/// What `gccgo-build graph` runs with (`cli::graph::GraphArgs::config`).
#[derive(Debug, Clone)]
pub struct GraphConfig {
    /// The packages and how to load them.
    pub load: LoadConfig,
    /// DOT or JSON.
    pub format: Format,
    /// Include standard-library packages (leaves, without numbers).
    pub std: bool,
    /// The cache the numbers come from (`--cache`; off: no numbers).
    pub store: Store,
}

/// One package in the drawn graph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Node {
    /// The import path.
    pub import_path: String,
    /// The package name (empty for a standard-library package).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// A standard-library package (shipped prebuilt by gccgo).
    pub standard: bool,
    /// Named on the command line.
    pub root: bool,
    /// The last compile the cache knows of, if any.
    pub compile: Option<CompileRecord>,
}

impl fmt::Display for Node {
    /// The DOT label: the import path, then `0.84 s · 312.4 kB` when the
    /// cache knows the compile (and `(older sources)` when it was not of
    /// the files as they are now). Every line ends in a newline, which
    /// petgraph turns into DOT's left-justified break.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.import_path)?;
        if let Some(c) = &self.compile {
            let time = c.wall_ms.map_or_else(|| "time unknown".into(), duration);
            let older = if c.current { "" } else { " (older sources)" };
            writeln!(f, "{time} · {}{older}", bytes(c.object_bytes))?;
        }
        Ok(())
    }
}

/// An edge: `from` imports `to`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Edge {
    /// The importing package.
    pub from: String,
    /// The imported package.
    pub to: String,
}

/// `graph --format json`: `schema` 1, the toolchain the graph was loaded
/// for, the nodes (packages of source in dependency order, dependencies
/// first, then standard-library packages sorted) and the edges (sorted).
#[derive(Debug, Clone, Serialize)]
pub struct GraphJson {
    /// Layout version, 1.
    pub schema: u32,
    /// The compiler's version line.
    pub compiler: String,
    /// Target GOOS.
    pub goos: String,
    /// Target GOARCH.
    pub goarch: String,
    /// The packages.
    pub nodes: Vec<Node>,
    /// Who imports whom.
    pub edges: Vec<Edge>,
}

/// Runs `gccgo-build graph`: loads the packages, reads the cache's
/// numbers and prints DOT or JSON on stdout. Returns the exit status (0).
///
/// Errors: loading errors (see `build::load`).
pub fn main(cwd: &Path, cfg: &GraphConfig) -> Result<i32> {
    let loaded = crate::build::load(cwd, &cfg.load, &cfg.store)?;
    let g = drawn(&loaded, &cfg.store, cfg.std);
    match cfg.format {
        Format::Dot => print!("{}", dot(&g, &title(&loaded))),
        Format::Json => {
            let j = json(&g, &loaded);
            println!("{}", serde_json::to_string_pretty(&j)?);
        }
    }
    Ok(0)
}

/// `gccgo-build graph` for GOOS/GOARCH with gccgo VERSION: the graph's caption.
fn title(l: &Loaded) -> String {
    format!(
        "gccgo-build graph · {}/{} · gccgo {} · compile wall time and object size from the cache",
        l.toolchain.target.goos, l.toolchain.target.goarch, l.toolchain.gcc_version
    )
}

/// The graph to draw: every package of source, with the cache's record of
/// its compile, and with `std` the standard-library packages they import.
pub fn drawn(l: &Loaded, store: &Store, std: bool) -> DiGraph<Node, ()> {
    let graph = &l.graph;
    // The plan only names each compile's inputs here (nothing runs, the
    // work directory is never made): the cache matches them with its own.
    let plan = crate::plan::Plan::new(
        graph,
        &l.toolchain,
        &crate::plan::Flags::default(),
        Path::new("/nonexistent/gccgo-build-graph"),
        &BTreeMap::new(),
        // Only the inputs matter here, and a cgo package's are its sources.
        &crate::cgo::Setup::default(),
    );
    let mut g = DiGraph::new();
    let mut at: BTreeMap<String, NodeIndex> = BTreeMap::new();
    for id in graph.topo() {
        let p = graph.pkg(id);
        let inputs = plan
            .compile_of
            .get(&id)
            .map(|&a| plan[a].inputs.clone())
            .unwrap_or_default();
        let compile =
            crate::cache::last_compile(store, &l.toolchain.identity, &p.import_path, &inputs);
        let n = g.add_node(Node {
            import_path: p.import_path.clone(),
            name: p.files.name.clone(),
            standard: false,
            root: p.is_root,
            compile,
        });
        at.insert(p.import_path.clone(), n);
    }
    let std_paths: BTreeSet<&String> = graph
        .ids()
        .flat_map(|id| graph.pkg(id).std_imports.iter())
        .filter(|_| std)
        .collect();
    for s in std_paths {
        let n = g.add_node(Node {
            import_path: s.clone(),
            name: String::new(),
            standard: true,
            root: false,
            compile: None,
        });
        at.insert(s.clone(), n);
    }
    for id in graph.topo() {
        let p = graph.pkg(id);
        let from = at[&p.import_path];
        let deps = graph
            .deps(id)
            .into_iter()
            .map(|d| &graph.pkg(d).import_path);
        for to in deps.chain(p.std_imports.iter()) {
            if let Some(&t) = at.get(to) {
                g.update_edge(from, t, ());
            }
        }
    }
    g
}

/// The DOT text of `g`, captioned `title`: boxes, the packages named on
/// the command line in bold, standard-library packages dashed and grey,
/// and each compiled package filled from white to red by its compile time
/// relative to the slowest one.
pub fn dot(g: &DiGraph<Node, ()>, title: &str) -> String {
    let slowest = g
        .node_weights()
        .filter_map(|n| n.compile.as_ref()?.wall_ms)
        .max()
        .unwrap_or(0);
    let attrs = |_, (_, n): (NodeIndex, &Node)| node_attributes(n, slowest);
    let body = Dot::with_attr_getters(
        g,
        &[Config::EdgeNoLabel, Config::GraphContentOnly],
        &|_, _| String::new(),
        &attrs,
    );
    // Edges carry no weight to show (`()`), so format with petgraph's
    // `graph_fmt` and an edge formatter that writes nothing.
    struct Body<'a, 'b>(Dot<'a, &'b DiGraph<Node, ()>>);
    impl fmt::Display for Body<'_, '_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.graph_fmt(f, fmt::Display::fmt, |_, _| Ok(()))
        }
    }
    let body = Body(body);
    format!(
        "digraph imports {{\n    label = \"{}\"\n    labelloc = \"t\"\n    fontname = \"Helvetica\"\n    \
         node [shape = box, fontname = \"Helvetica\", fontsize = 10]\n    \
         edge [color = \"#777777\"]\n{body}}}\n",
        escape(title)
    )
}

/// A node's DOT attributes after its label (petgraph writes the label).
fn node_attributes(n: &Node, slowest: u64) -> String {
    if n.standard {
        return "style = \"dashed\", color = \"#999999\", fontcolor = \"#666666\"".into();
    }
    let heat = match n.compile.as_ref().and_then(|c| c.wall_ms) {
        Some(ms) if slowest > 0 => ms as f64 / slowest as f64,
        _ => 0.0,
    };
    let mut a = format!(
        "style = \"filled\", fillcolor = \"0.0 {:.3} 1.0\", tooltip = \"package {}\"",
        heat * 0.75,
        escape(&n.name)
    );
    if n.root {
        a.push_str(", penwidth = 2");
    }
    a
}

/// `graph --format json`'s object.
pub fn json(g: &DiGraph<Node, ()>, l: &Loaded) -> GraphJson {
    let mut edges: Vec<Edge> = g
        .raw_edges()
        .iter()
        .map(|e| Edge {
            from: g[e.source()].import_path.clone(),
            to: g[e.target()].import_path.clone(),
        })
        .collect();
    edges.sort();
    GraphJson {
        schema: 1,
        compiler: l.toolchain.version_line.clone(),
        goos: l.toolchain.target.goos.clone(),
        goarch: l.toolchain.target.goarch.clone(),
        nodes: g.node_weights().cloned().collect(),
        edges,
    }
}

/// A DOT double-quoted string's contents: `"` and `\` escaped, one line.
fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', " ")
}

/// Milliseconds as people read them: `840 ms`, `1.23 s`.
fn duration(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else {
        format!("{:.2} s", ms as f64 / 1000.0)
    }
}

/// Bytes in decimal units, short: `912 B`, `312.4 kB`, `1.27 MB`.
fn bytes(n: u64) -> String {
    match n {
        0..1_000 => format!("{n} B"),
        1_000..1_000_000 => format!("{:.1} kB", n as f64 / 1e3),
        _ => format!("{:.2} MB", n as f64 / 1e6),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(ip: &str, ms: Option<u64>, std: bool) -> Node {
        Node {
            import_path: ip.into(),
            name: if std { String::new() } else { "p".into() },
            standard: std,
            root: ip == "a",
            compile: ms.map(|ms| CompileRecord {
                wall_ms: Some(ms),
                object_bytes: 312_400,
                current: true,
            }),
        }
    }

    #[test]
    fn dot_labels_carry_time_and_size() {
        let mut g = DiGraph::new();
        let a = g.add_node(node("a", Some(1230), false));
        let b = g.add_node(node("example.com/\"q\"", Some(840), false));
        let f = g.add_node(node("fmt", None, true));
        g.add_edge(a, b, ());
        g.add_edge(b, f, ());
        let d = dot(&g, "t");
        assert!(d.starts_with("digraph imports {\n"), "{d}");
        assert!(d.contains("label = \"a\\l1.23 s · 312.4 kB\\l\""), "{d}");
        assert!(d.contains("example.com/\\\"q\\\"\\l840 ms"), "{d}");
        assert!(d.contains("0 -> 1 [ ]") && d.contains("1 -> 2 [ ]"), "{d}");
        assert!(
            d.contains("fillcolor = \"0.0 0.750 1.0\""),
            "the slowest is reddest: {d}"
        );
        assert!(d.contains("style = \"dashed\""), "std is dashed: {d}");
        assert!(d.trim_end().ends_with('}'), "{d}");
    }

    #[test]
    fn units() {
        assert_eq!(duration(840), "840 ms");
        assert_eq!(duration(1234), "1.23 s");
        assert_eq!(bytes(912), "912 B");
        assert_eq!(bytes(1_270_000), "1.27 MB");
    }
}
