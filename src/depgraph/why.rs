//! `gccgo-build size -why PKG|SYMBOL [MAIN]`: loads the main package as
//! `build` would (same toolchain selection and tags) and prints, as `go mod
//! why` does, the shortest chain of imports from it to PKG, or to the
//! package of SYMBOL (a name as `size -by symbol` prints it) (`sizes::why`).
//!
//! The edges of the program's own packages come from the loaded graph; a
//! standard-library package's imports from its export data (the `import`
//! lines at the head of `<std_dir>/<path>.gox`, gccgo's export format), as
//! gccgo-build compiles no standard-library package itself. gccgo installs
//! no export data for internal standard-library packages
//! (`crypto/elliptic/internal/nistec`); their imports come instead from the
//! `init`/`init_graph` lines of the export data that imports them (each
//! edge there says a package's initialisation waits for another's, which it
//! imports, directly or not). What is still unseen has no chain; the
//! answer says so instead of "does not need".

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::Result;
use object::{Object, ObjectSection};

use crate::build::BuildConfig;
use crate::sizes::why::{
    import_chain, render_symbol_why, render_why, symbol_package, symbol_package_by_name,
};

/// What `size -why` runs with (`cli::size::SizeArgs::why_config`).
#[derive(Debug, Clone)]
pub struct WhyConfig {
    /// The main package(s): how to load them, and how to link them with
    /// their relocations kept for a symbol target's reference chain
    /// (`sizes::refs`); its `load` and `store` serve the loading too.
    pub link: BuildConfig,
    /// The import paths asked about, in order.
    pub targets: Vec<String>,
    /// An ELF file named instead of a main package: its relocations
    /// answer every target (`sizes::refs::why_in_binary`), nothing is loaded.
    pub binary: Option<PathBuf>,
}

/// Runs `size -why`: one `go mod why` block per target, blank-line
/// separated, on stdout. Returns the exit status (0, also when a package
/// is not needed, as `go mod why`).
///
/// Errors: loading errors (see `build::load`).
pub fn main(cwd: &Path, cfg: &WhyConfig) -> Result<i32> {
    if let Some(b) = &cfg.binary {
        print!("{}", crate::sizes::refs::why_in_binary(b, &cfg.targets)?);
        return Ok(0);
    }
    let loaded = crate::build::load(cwd, &cfg.link.load, &cfg.link.store)?;
    let g = &loaded.graph;
    let mut imports: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut roots = Vec::new();
    for id in g.topo() {
        let p = g.pkg(id);
        let mut list: Vec<String> = g
            .deps(id)
            .into_iter()
            .map(|d| g.pkg(d).import_path.clone())
            .chain(p.std_imports.iter().cloned())
            .collect();
        list.sort();
        list.dedup();
        imports.insert(p.import_path.clone(), list);
        if p.is_root {
            roots.push(p.import_path.clone());
        }
    }
    roots.sort();
    let mut init_edges = Vec::new();
    for s in &loaded.toolchain.std {
        let (direct, edges) = std_imports(&loaded.toolchain.std_dir, s);
        imports.entry(s.clone()).or_insert(direct);
        init_edges.extend(edges);
    }
    // Packages with no export data of their own (internal ones) get their
    // imports from the init graphs that name them.
    let mut unseen: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, to) in init_edges {
        if !loaded.toolchain.std.contains(&from) {
            unseen.entry(from).or_default().insert(to);
        }
    }
    for (from, to) in unseen {
        // Sorted, as every other entry: the set's order.
        imports.insert(from, to.into_iter().collect());
    }
    let known =
        |t: &str| imports.contains_key(t) || imports.values().any(|v| v.iter().any(|x| x == t));
    // Symbols get their reference chains from the program linked with its
    // relocations kept (through the cache, as `build` would link it).
    let linked = if cfg
        .targets
        .iter()
        .any(|t| !known(t) && symbol_package_by_name(t).is_some())
    {
        Some(link_with_relocs(cwd, &cfg.link)?)
    } else {
        None
    };
    let mut out = String::new();
    for (i, t) in cfg.targets.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if known(t) {
            out.push_str(&render_why(t, import_chain(&roots, &imports, t).as_deref()));
            continue;
        }
        if let Some(pkg) = symbol_package(t, imports.keys()) {
            // A symbol (`size -by symbol`'s names): its package's chain.
            let chain = import_chain(&roots, &imports, pkg);
            out.push_str(&render_symbol_why(t, pkg, chain.as_deref()));
        } else {
            // Not `go mod why`'s answer: gccgo installs no export data for
            // internal standard-library packages, so their imports (and
            // so packages only they import) are not seen.
            let (head, pkg) = match symbol_package_by_name(t) {
                Some(p) if p.contains('/') => (format!("{t} (package {p})"), p),
                _ => (t.clone(), t.as_str()),
            };
            out.push_str(&format!(
                "# {head}\n(no package seen imports {pkg}: the program's packages and the standard \
                 library's with export data (.gox) do not; an internal standard-library \
                 package, whose export data gccgo does not install, may)\n"
            ));
        }
        if let Some((g, name, _)) = &linked {
            out.push_str(&crate::sizes::refs::render_references(g, t, name));
        }
    }
    print!("{out}");
    Ok(0)
}

/// Links the main package as `link` says (its output a temporary file)
/// and reads its references: the graph, how the binary is named in the
/// answer, and the directory that holds it (removed when dropped).
///
/// Errors: the build's, or the linked file's (`sizes::refs::Graph::read`).
fn link_with_relocs(
    cwd: &Path,
    link: &BuildConfig,
) -> Result<(crate::sizes::refs::Graph, String, tempfile::TempDir)> {
    let dir = tempfile::Builder::new()
        .prefix("gccgo-build-why")
        .tempdir()?;
    let exe = dir.path().join("prog");
    let mut cfg = link.clone();
    cfg.output = Some(exe.clone());
    let status = crate::build::build(cwd, &cfg)?;
    if status != 0 {
        anyhow::bail!("size -why: linking the program to read its references failed (above)");
    }
    let name = "the program linked with -ldflags=-Wl,--emit-relocs".to_string();
    let g = crate::sizes::refs::Graph::open(&exe, &name)?;
    Ok((g, name, dir))
}

/// The direct imports a standard-library package's export data lists
/// (`import NAME PATH "PATH"` lines before the declarations), sorted, and
/// the edges of its init graph (`init_graph_edges`); empty when the `.gox`
/// cannot be read.
fn std_imports(std_dir: &Path, path: &str) -> (Vec<String>, Vec<(String, String)>) {
    let Ok(file) = std::fs::read(std_dir.join(format!("{path}.gox"))) else {
        return Default::default();
    };
    let data = if file.starts_with(b"v") {
        file
    } else {
        let Some(d) = object::File::parse(&*file).ok().and_then(|o| {
            o.section_by_name(".go_export")
                .and_then(|s| s.data().ok().map(<[u8]>::to_vec))
        }) else {
            return Default::default();
        };
        d
    };
    let text = String::from_utf8_lossy(&data);
    let edges = init_graph_edges(&text);
    let mut out: Vec<String> = text
        .lines()
        .take_while(|l| !l.starts_with("func ") && !l.starts_with("type "))
        .filter_map(|l| {
            let rest = l.strip_prefix("import ")?;
            rest.split(' ').nth(1).map(String::from)
        })
        .collect();
    out.sort();
    out.dedup();
    (out, edges)
}

/// The edges `(package, package it waits for)` of gccgo export data's init
/// graph: the `init NAME SYMBOL …` line lists packages by their init
/// symbol (`crypto_1elliptic_1internal_1fiat..import`; `~` marks one with
/// no init function), and `init_graph A B …` pairs index that list, as
/// gofrontend's `Export::write_imported_init_fns` writes them. Empty when
/// the text has neither line.
fn init_graph_edges(text: &str) -> Vec<(String, String)> {
    let mut pkgs: Vec<String> = Vec::new();
    let mut edges = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("init ") {
            let words: Vec<&str> = rest.split(' ').collect();
            pkgs = words
                .chunks(2)
                .filter_map(|c| c.get(1))
                .map(|sym| init_symbol_path(sym))
                .collect();
        } else if let Some(rest) = line.strip_prefix("init_graph ") {
            let n: Vec<usize> = rest.split(' ').filter_map(|w| w.parse().ok()).collect();
            for pair in n.chunks(2) {
                if let [a, b] = *pair
                    && let (Some(x), Some(y)) = (pkgs.get(a), pkgs.get(b))
                {
                    edges.push((x.clone(), y.clone()));
                }
            }
        }
    }
    edges
}

/// The import path an init symbol names: `crypto_1elliptic..import` and
/// `~golang_0org_1x_1net_1idna` (GCC 12: `_1` is `/`, `_0` is `.`), or
/// `crypto..z2felliptic..import` (GCC 11 and earlier: `..z2f`, `..z2e`).
fn init_symbol_path(sym: &str) -> String {
    let s = sym.trim_start_matches('~');
    let s = s.strip_suffix("..import").unwrap_or(s);
    s.replace("..z2f", "/")
        .replace("..z2e", ".")
        .replace("_1", "/")
        .replace("_0", ".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_graph_names_the_imports_of_a_package_without_export_data() {
        // From Debian's gccgo 12 crypto/elliptic.gox (shortened): 2 is
        // nistec (internal, no .gox), 1 is fiat.
        let text = "v3;\nimport nistec crypto/elliptic/internal/nistec \"crypto/elliptic/internal/nistec\"\n\
                    init elliptic crypto_1elliptic..import fiat crypto_1elliptic_1internal_1fiat..import \
                    nistec crypto_1elliptic_1internal_1nistec..import aes ~crypto_1aes\n\
                    init_graph 0 1 0 2 2 1\n";
        assert_eq!(
            init_graph_edges(text),
            [
                ("crypto/elliptic", "crypto/elliptic/internal/fiat"),
                ("crypto/elliptic", "crypto/elliptic/internal/nistec"),
                (
                    "crypto/elliptic/internal/nistec",
                    "crypto/elliptic/internal/fiat"
                ),
            ]
            .map(|(a, b)| (a.to_string(), b.to_string()))
        );
    }

    #[test]
    fn init_symbols_of_gcc_11_and_12_name_the_same_path() {
        assert_eq!(
            init_symbol_path("golang_0org_1x_1net_1idna..import"),
            "golang.org/x/net/idna"
        );
        assert_eq!(init_symbol_path("~crypto_1aes"), "crypto/aes");
        assert_eq!(
            init_symbol_path("crypto..z2felliptic..import"),
            "crypto/elliptic"
        );
    }
}
