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
//! (`crypto/elliptic/internal/nistec`), so what only they import has no
//! chain here; the answer says so instead of "does not need".

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;
use object::{Object, ObjectSection};

use crate::build::LoadConfig;
use crate::sizes::why::{
    import_chain, render_symbol_why, render_why, symbol_package, symbol_package_by_name,
};
use crate::store::Store;

/// What `size -why` runs with (`cli::size::SizeArgs::why_config`).
#[derive(Debug, Clone)]
pub struct WhyConfig {
    /// The main package(s) and how to load them.
    pub load: LoadConfig,
    /// The import paths asked about, in order.
    pub targets: Vec<String>,
    /// The cache the toolchain probe's memo lives in.
    pub store: Store,
}

/// Runs `size -why`: one `go mod why` block per target, blank-line
/// separated, on stdout. Returns the exit status (0, also when a package
/// is not needed, as `go mod why`).
///
/// Errors: loading errors (see `build::load`).
pub fn main(cwd: &Path, cfg: &WhyConfig) -> Result<i32> {
    let loaded = crate::build::load(cwd, &cfg.load, &cfg.store)?;
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
    for s in &loaded.toolchain.std {
        imports
            .entry(s.clone())
            .or_insert_with(|| std_imports(&loaded.toolchain.std_dir, s));
    }
    let mut out = String::new();
    for (i, t) in cfg.targets.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let known = imports.contains_key(t) || imports.values().any(|v| v.contains(t));
        if !known && let Some(pkg) = symbol_package(t, imports.keys()) {
            // A symbol (`size -by symbol`'s names): its package's chain.
            let chain = import_chain(&roots, &imports, pkg);
            out.push_str(&render_symbol_why(t, pkg, chain.as_deref()));
            continue;
        }
        let chain = import_chain(&roots, &imports, t);
        if chain.is_none() && !known {
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
            continue;
        }
        out.push_str(&render_why(t, chain.as_deref()));
    }
    print!("{out}");
    Ok(0)
}

/// The direct imports a standard-library package's export data lists
/// (`import NAME PATH "PATH"` lines before the declarations), sorted;
/// empty when the `.gox` cannot be read.
fn std_imports(std_dir: &Path, path: &str) -> Vec<String> {
    let Ok(file) = std::fs::read(std_dir.join(format!("{path}.gox"))) else {
        return Vec::new();
    };
    let data = if file.starts_with(b"v") {
        file
    } else {
        let Some(d) = object::File::parse(&*file).ok().and_then(|o| {
            o.section_by_name(".go_export")
                .and_then(|s| s.data().ok().map(<[u8]>::to_vec))
        }) else {
            return Vec::new();
        };
        d
    };
    let text = String::from_utf8_lossy(&data);
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
    out
}
