//! Retained bytes (`size --by retained`): for each symbol of a binary
//! linked with `-Wl,--emit-relocs`, its own bytes and those of every
//! symbol that only it keeps, i.e. what the binary would lose if nothing
//! referred to it any more: the sizes of its subtree in the dominator tree
//! of the reference graph ([`Graph`]), rooted at `main.main`, the
//! main package's initialisation and the entry point together. That is
//! the figure that says which link of a `size -why` chain is worth
//! cutting. Only bytes in the file count (not `.bss`).
//!
//! A symbol that no relocation reaches from the roots (a call or datum
//! reached inside one section, see [`super::refs`]) is in no subtree; its bytes
//! are reported apart as unreached, so that the figures say what the
//! relocations show and no more.

use petgraph::algo::dominators;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::Dfs;
use serde::Serialize;

use super::refs::Graph;
use super::text;
use crate::inspect::human_bytes;

/// One symbol's row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    /// The name in the symbol table.
    pub name: String,
    /// The name as `size -by symbol` prints it.
    pub go_name: String,
    /// Its section.
    pub section: String,
    /// Its own bytes in the file.
    pub size: u64,
    /// Its own bytes and those of every symbol only it keeps, in bytes.
    pub retained: u64,
}

/// The retained bytes of a binary. Serialized as is for `size --by
/// retained --json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Retained {
    /// The file as named on the command line.
    pub path: String,
    /// The file bytes of the symbols the roots reach through relocations.
    pub reached_bytes: u64,
    /// The file bytes of the symbols they do not reach.
    pub unreached_bytes: u64,
    /// Every reached symbol, by retained bytes, largest first (then by name).
    pub symbols: Vec<Row>,
}

/// Computes the retained bytes of `graph` (read from `path`).
pub fn retained(path: &str, graph: &Graph) -> Retained {
    let n = graph.nodes.len();
    let mut g: DiGraph<(), ()> = DiGraph::with_capacity(n + 1, n * 4);
    for _ in 0..=n {
        g.add_node(());
    }
    // Node n is the virtual root: one edge to each real root.
    let root = NodeIndex::new(n);
    for r in graph.named_roots().into_iter().chain(graph.entry) {
        g.add_edge(root, NodeIndex::new(r), ());
    }
    for (from, to) in graph.edges.iter().enumerate() {
        for &t in to {
            g.add_edge(NodeIndex::new(from), NodeIndex::new(t), ());
        }
    }
    let doms = dominators::simple_fast(&g, root);
    // A dominator comes before what it dominates in any depth-first
    // preorder from the root: summing in reverse preorder gives subtrees.
    let mut order = Vec::with_capacity(n + 1);
    let mut dfs = Dfs::new(&g, root);
    while let Some(v) = dfs.next(&g) {
        order.push(v.index());
    }
    let own = |i: usize| {
        graph
            .nodes
            .get(i)
            .map_or(0, |x| if x.nobits { 0 } else { x.size })
    };
    let mut kept: Vec<u64> = (0..=n).map(own).collect();
    let mut reached = vec![false; n + 1];
    for &v in order.iter().rev() {
        reached[v] = true;
        if let Some(d) = doms.immediate_dominator(NodeIndex::new(v)) {
            kept[d.index()] += kept[v];
        }
    }
    let mut symbols: Vec<Row> = (0..n)
        .filter(|&i| reached[i])
        .map(|i| {
            let x = &graph.nodes[i];
            Row {
                name: x.name.clone(),
                go_name: x.display.clone(),
                section: x.section.clone(),
                size: own(i),
                retained: kept[i],
            }
        })
        .collect();
    symbols.sort_by(|a, b| b.retained.cmp(&a.retained).then(a.name.cmp(&b.name)));
    let total: u64 = (0..n).map(own).sum();
    Retained {
        path: path.to_string(),
        reached_bytes: kept[n],
        unreached_bytes: total - kept[n],
        symbols,
    }
}

/// The table `size --by retained` prints: the `top` rows (retained
/// bytes, human size, share of the reached bytes, own bytes, name), then
/// the reached and unreached totals.
pub fn render(r: &Retained, top: usize) -> String {
    let rows: Vec<[String; 5]> = r
        .symbols
        .iter()
        .take(top)
        .map(|s| {
            text::row(
                s.retained,
                percent(s.retained, r.reached_bytes),
                &s.size.to_string(),
                &s.go_name,
            )
        })
        .collect();
    format!(
        "{}: bytes each symbol keeps (its own, and those of the symbols only it keeps), \
         read from the relocations:\n{}reached from main.main, the main package's \
         initialisation and the entry point: {}; not reached through relocations: {}\n",
        r.path,
        text::table(&["retained", "size", "%", "own", "symbol"], &rows),
        human_bytes(r.reached_bytes),
        human_bytes(r.unreached_bytes)
    )
}

fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sizes::refs::Node;

    fn node(name: &str, size: u64) -> Node {
        Node {
            name: name.into(),
            display: name.into(),
            section: ".text".into(),
            address: 0,
            size,
            nobits: false,
        }
    }

    /// main.main → a → c, main.main → b → c, a → d; d is only a's, c is
    /// shared: a keeps itself and d, main.main everything; e is unreached.
    #[test]
    fn a_symbol_keeps_what_only_it_reaches() {
        let graph = Graph {
            nodes: vec![
                node("main.main", 1),
                node("a", 10),
                node("b", 100),
                node("c", 1000),
                node("d", 10000),
                node("e", 7),
            ],
            edges: vec![vec![1, 2], vec![3, 4], vec![3], vec![], vec![], vec![0]],
            entry: None,
        };
        let r = retained("p", &graph);
        let get = |n: &str| r.symbols.iter().find(|s| s.name == n).map(|s| s.retained);
        assert_eq!(get("main.main"), Some(11111));
        assert_eq!(get("a"), Some(10010));
        assert_eq!(get("b"), Some(100));
        assert_eq!(get("c"), Some(1000));
        assert_eq!(get("e"), None);
        assert_eq!((r.reached_bytes, r.unreached_bytes), (11111, 7));
        assert_eq!(r.symbols[0].name, "main.main");
    }
}
