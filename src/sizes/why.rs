//! Why: the chain of imports that keeps a package in a binary, as `go mod
//! why` prints it (cmd/go/internal/modcmd/why.go and modload's `Why`): the
//! shortest import path from a main package to the package, one import
//! path a line under `# PKG`, or `(main module does not need package
//! PKG)`. This module knows only an import graph given to it (each
//! package's direct imports); `depgraph::why` loads it.

use std::collections::{BTreeMap, VecDeque};

/// The shortest chain `[root, …, target]` of imports from one of `roots`
/// to `target` in `imports` (package → its direct imports), breadth first
/// with roots and imports in the order given, as modload's `Why` finds it;
/// `None` when no root imports `target`, even indirectly.
pub fn import_chain(
    roots: &[String],
    imports: &BTreeMap<String, Vec<String>>,
    target: &str,
) -> Option<Vec<String>> {
    let mut parent: BTreeMap<&str, Option<&str>> = BTreeMap::new();
    let mut queue: VecDeque<&str> = VecDeque::new();
    for r in roots {
        if parent.insert(r, None).is_none() {
            queue.push_back(r);
        }
    }
    while let Some(p) = queue.pop_front() {
        if p == target {
            let mut chain = vec![p.to_string()];
            let mut at = p;
            while let Some(Some(up)) = parent.get(at) {
                chain.push(up.to_string());
                at = up;
            }
            chain.reverse();
            return Some(chain);
        }
        for i in imports.get(p).into_iter().flatten() {
            if !parent.contains_key(i.as_str()) {
                parent.insert(i, Some(p));
                queue.push_back(i);
            }
        }
    }
    None
}

/// `go mod why`'s block for `target`: `# target`, then the chain one path
/// a line, or `(main module does not need package target)`.
pub fn render_why(target: &str, chain: Option<&[String]>) -> String {
    match chain {
        Some(c) => format!("# {target}\n{}\n", c.join("\n")),
        None => format!("# {target}\n(main module does not need package {target})\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shortest_chain_from_main_as_go_mod_why_prints_it() {
        let g: BTreeMap<String, Vec<String>> = [
            ("dnsq", vec!["fmt", "github.com/miekg/dns"]),
            ("github.com/miekg/dns", vec!["crypto", "net"]),
            ("fmt", vec!["os"]),
            ("os", vec!["syscall"]),
            ("net", vec!["os", "syscall"]),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
        .collect();
        let roots = vec!["dnsq".to_string()];
        let c = import_chain(&roots, &g, "net").unwrap();
        assert_eq!(
            render_why("net", Some(&c)),
            "# net\ndnsq\ngithub.com/miekg/dns\nnet\n"
        );
        // Through fmt (first in order), not through dns and net.
        assert_eq!(
            import_chain(&roots, &g, "syscall").unwrap(),
            ["dnsq", "fmt", "os", "syscall"]
        );
        assert_eq!(import_chain(&roots, &g, "reflect"), None);
        assert_eq!(
            render_why("reflect", None),
            "# reflect\n(main module does not need package reflect)\n"
        );
    }
}
