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

/// The package a symbol belongs to, for a `-why` target that is no
/// package: the longest of `packages` that the target continues with a
/// `.`, as `size -by symbol` prints symbols (`crypto/x509.CreateCertificate`,
/// `unicode..import`, `net.Resolver.lookupIPAddr`); `None` when none does.
pub fn symbol_package<'a>(
    target: &str,
    packages: impl IntoIterator<Item = &'a String>,
) -> Option<&'a str> {
    packages
        .into_iter()
        .filter(|p| {
            target
                .strip_prefix(p.as_str())
                .is_some_and(|rest| rest.len() > 1 && rest.starts_with('.'))
        })
        .max_by_key(|p| p.len())
        .map(String::as_str)
}

/// The package a symbol names by its spelling alone, for a package the
/// import graph does not hold: the text before the first `.` after the
/// last `/` (`crypto/elliptic/internal/fiat.p521Mul` →
/// `crypto/elliptic/internal/fiat`); `None` when there is no such `.`.
pub fn symbol_package_by_name(target: &str) -> Option<&str> {
    let slash = target.rfind('/').map_or(0, |i| i + 1);
    let dot = target[slash..].find('.')? + slash;
    (dot > 0 && dot + 1 < target.len()).then(|| &target[..dot])
}

/// The block for a symbol target: `# SYMBOL (package PKG)`, then the
/// package's chain, or `(main module does not need package PKG)`.
pub fn render_symbol_why(target: &str, pkg: &str, chain: Option<&[String]>) -> String {
    let body = render_why(pkg, chain);
    let rest = body.split_once('\n').map_or("", |(_, r)| r);
    format!("# {target} (package {pkg})\n{rest}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_symbol_belongs_to_the_longest_package_it_continues() {
        let pkgs: Vec<String> = ["net", "net/http", "gopkg.in/yaml.v3", "unicode"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(symbol_package("net/http.Get", &pkgs), Some("net/http"));
        assert_eq!(
            symbol_package("net.Resolver.lookupIPAddr", &pkgs),
            Some("net")
        );
        assert_eq!(
            symbol_package("gopkg.in/yaml.v3.Marshal", &pkgs),
            Some("gopkg.in/yaml.v3")
        );
        assert_eq!(symbol_package("unicode..import", &pkgs), Some("unicode"));
        assert_eq!(symbol_package("netx.F", &pkgs), None);
        assert_eq!(symbol_package("net.", &pkgs), None);
        assert_eq!(
            symbol_package_by_name("crypto/elliptic/internal/fiat.p521Mul"),
            Some("crypto/elliptic/internal/fiat")
        );
        assert_eq!(
            symbol_package_by_name("gopkg.in/yaml.v3"),
            Some("gopkg.in/yaml")
        );
        assert_eq!(symbol_package_by_name("fmt"), None);
        let chain = ["m".to_string(), "net".to_string()];
        assert_eq!(
            render_symbol_why("net.Dial", "net", Some(&chain)),
            "# net.Dial (package net)\nm\nnet\n"
        );
    }

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
