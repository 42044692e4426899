//! List: `gccgo-build list [-json] [-deps] [-f TEMPLATE] PACKAGES`, the
//! loaded package graph printed with the go command's `go list` field
//! names (`ImportPath`, `Name`, `Dir`, `GoFiles`, `CFiles`, `SFiles`,
//! `IgnoredGoFiles`, `Imports`, `Deps`, `Standard`, `Module`, …), so the
//! output can be held against `go list -compiler=gccgo`.
//!
//! Standard-library packages: gccgo ships them as export data only, and the
//! go command that comes with gccgo (`go-12`) lists them without sources,
//! imports or dependencies (`"Standard": true, "DepOnly": true`); so does
//! this, which makes `Deps` the same set go-12 prints: every non-std package
//! reachable, the std packages they import directly, and `runtime` for a
//! command (go's `LinkerDeps`); their `Dir` and `Root` are under the
//! toolchain's root (`$GOROOT`, else the prefix gccgo is installed in:
//! `/usr` for `/usr/bin/gccgo`), as go-12 prints them. This module only
//! formats what `build::load` found; it decides nothing about files or
//! imports. `-f` runs go's template language (`template`) over go's field
//! set (`fields`); `Doc` is go/doc's synopsis (`doc`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use serde::Serialize;

use crate::graph::{Graph, PkgId};
use crate::resolve::{Mode, Resolver};

mod doc;
mod embeds;
mod errors;
mod export;
mod fields;
mod modules;
mod public;
mod template;

pub use modules::{ModuleError, ModulePublic};
use public::is_false;
pub use public::{NoGo, PackageError, PackagePublic};

/// What `gccgo-build list` does: made from the command line by
/// `cli::list::ListArgs::config`.
#[derive(Debug, Clone)]
pub struct ListConfig {
    /// Print each package as go's `-json` does.
    pub json: bool,
    /// Also list every dependency, dependencies before their importers.
    pub deps: bool,
    /// `-test`: also each named package's test binary and test packages.
    pub test: bool,
    /// `-e`: a package that cannot be loaded is listed with its `Error`
    /// instead of failing the command.
    pub errors: bool,
    /// The `-f` template; `None` prints `{{.ImportPath}}`.
    pub format: Option<String>,
    /// `-json=A,B`: only these fields (empty: all).
    pub json_fields: Vec<String>,
    /// `-m`: list modules, not packages (`modules`).
    pub modules: bool,
    /// `-u` (with `-m`): each module's available update.
    pub update: bool,
    /// `-versions` (with `-m`): each module's available versions.
    pub versions: bool,
    /// `-retracted` (with `-m`): retracted versions too.
    pub retracted: bool,
    /// `-compiled`: fill `CompiledGoFiles`.
    pub compiled: bool,
    /// `-export`: fill `Export` (and `BuildID`).
    pub export: bool,
    /// `-find`: find the packages without resolving their imports.
    pub find: bool,
    /// How to load the packages (toolchain, tags, `-mod`, overlay, patterns).
    pub load: crate::build::LoadConfig,
}

/// A node of the listing: a package of source, or a std package.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Node {
    Pkg(PkgId),
    Std(String),
}

/// Runs `gccgo-build list`; prints to stdout and returns the exit status.
///
/// Errors: loading errors (see `build::load`; with `-e` only those of the
/// toolchain and of go.mod/go.work), both `-json` and `-f`, a template
/// that does not parse or fails on a package (go's messages; the output
/// before the failure is printed, as go prints it).
pub fn main(cwd: &Path, args: &ListConfig) -> Result<i32> {
    if args.json && args.format.is_some() {
        bail!("go list -f cannot be used with -json");
    }
    if args.modules {
        return modules::main(cwd, args);
    }
    for (on, flag) in [(args.update, "-u"), (args.versions, "-versions")] {
        if on {
            bail!("go list {flag} can only be used with -m");
        }
    }
    if args.retracted && std::env::var("GO111MODULE").is_ok_and(|v| v == "off") {
        bail!("go list -retracted can only be used in module-aware mode");
    }
    if args.find && args.deps {
        bail!("go list -deps cannot be used with -find");
    }
    if args.find && args.test {
        bail!("go list -test cannot be used with -find");
    }
    let format = args.format.as_deref().unwrap_or("{{.ImportPath}}");
    let tmpl = template::Template::parse(format).map_err(|e| anyhow::anyhow!("list -f: {e}"))?;
    let (packages, built) = listing(cwd, args)?;
    let dep_errors = errors::refuse_without_e(args.errors, &packages)?;
    for e in &dep_errors {
        eprintln!("{e}");
    }
    let mut out = String::new();
    let mut printed = BTreeSet::new();
    for p in &packages {
        if args.json && !args.json_fields.is_empty() {
            printed.insert(p.import_path.clone());
            let p = &errors::json_fields_errors(p, &printed, &args.json_fields);
            let v = serde_json::to_value(p)?;
            let order: Vec<&str> = fields::PACKAGE.iter().map(|f| f.0).collect();
            out.push_str(&json_subset(Some(p), &v, &order, &args.json_fields)?);
            out.push('\n');
            continue;
        }
        if args.json {
            out.push_str(&to_go_json(p)?);
            out.push('\n');
            continue;
        }
        push_templated(&mut out, render_with(&tmpl, p), "list -f: ")?;
    }
    print!("{out}");
    // go's list exits 2 when -export's build failed (base.ExitIfErrors
    // after the build), else 1 after the errors it printed.
    Ok(if !built {
        2
    } else if dep_errors.is_empty() {
        0
    } else {
        1
    })
}

/// The packages to print: the graph's listing (with `-test`'s entries),
/// or with `-e` after a loading error, each pattern and package loaded
/// alone (`listing_each`); and false when `-export`'s build failed.
///
/// Errors: as `build::load` (without `-e`).
fn listing(cwd: &Path, args: &ListConfig) -> Result<(Vec<PackagePublic>, bool)> {
    let store = crate::store::Store::from_env();
    if args.errors {
        // -e: broken packages and cycles are listed with go's errors.
        return match crate::build::load_tolerant(cwd, &args.load, &store) {
            Ok(loaded) => {
                let mut packages = listing_of(cwd, &loaded, args);
                errors::attach(&loaded.graph, cwd, &mut packages);
                let built = packages.iter().any(|p| p.incomplete)
                    || export::mark_stale(&loaded, &store, args.export, &mut packages);
                Ok((packages, built))
            }
            Err(e) => listing_each(cwd, args, &store, e).map(|p| (p, true)),
        };
    }
    match crate::build::load(cwd, &args.load, &store) {
        Ok(loaded) => {
            let mut packages = listing_of(cwd, &loaded, args);
            let built = export::mark_stale(&loaded, &store, args.export, &mut packages);
            Ok((packages, built))
        }
        // Without -e, go lists what loads and reports the errors of the
        // packages listed (`errors::refuse_without_e`).
        Err(e) => match crate::build::load_tolerant(cwd, &args.load, &store) {
            Ok(loaded) => {
                let mut packages = listing_of(cwd, &loaded, args);
                errors::attach(&loaded.graph, cwd, &mut packages);
                Ok((packages, true))
            }
            Err(_) => Err(e),
        },
    }
}

fn listing_of(cwd: &Path, loaded: &crate::build::Loaded, args: &ListConfig) -> Vec<PackagePublic> {
    let ctx = Ctx::new(loaded);
    let all = args.load.packages.iter().any(|p| p == "all");
    let mut packages = list(&ctx, args.deps || all);
    let matched = matches(cwd, &loaded.resolver, &args.load.packages);
    for p in packages.iter_mut().filter(|p| !p.dep_only) {
        p.matches = matched.get(&p.import_path).cloned().unwrap_or_default();
    }
    if all {
        // `all` matches every package the main packages import (not the
        // linker's own `runtime`), listed sorted.
        let imported: BTreeSet<String> = packages.iter().flat_map(|p| p.imports.clone()).collect();
        packages
            .retain(|p| !p.dep_only || p.import_path != "runtime" || imported.contains("runtime"));
        for p in &mut packages {
            p.dep_only = false;
            if !p.matches.iter().any(|m| m == "all") {
                p.matches.push("all".into());
            }
        }
    }
    add_std_roots(&ctx, &loaded.std_roots, &mut packages);
    for p in packages.iter_mut().filter(|p| !p.standard) {
        if args.find {
            // -find: the packages only, their imports not resolved (go's IgnoreImports).
            p.deps.clear();
            p.imports.clear();
        }
        if args.compiled {
            p.compiled_go_files = compiled_go_files(p);
        }
    }
    if all {
        packages.sort_by(|a, b| a.import_path.cmp(&b.import_path));
    }
    if args.test {
        packages.extend(test_packages(&loaded.graph));
    } else {
        // go matches the tests' embed patterns only when it loads the tests.
        for p in &mut packages {
            p.test_embed_files.clear();
            p.xtest_embed_files.clear();
        }
    }
    packages
}

/// `-compiled`'s `CompiledGoFiles`: the Go files given to the compiler,
/// as go's builder lists them: the Go files without cgo, then cgo's
/// outputs, `_cgo_gotypes.go` and one `NAME.cgo1.go` per cgo file (go
/// lists these as paths in its cache; gccgo-build names them as cgo
/// writes them in the package's work directory).
fn compiled_go_files(p: &PackagePublic) -> Vec<String> {
    let mut v = p.go_files.clone();
    if !p.cgo_files.is_empty() {
        v.push("_cgo_gotypes.go".into());
        v.extend(
            p.cgo_files
                .iter()
                .map(|f| format!("{}.cgo1.go", f.trim_end_matches(".go"))),
        );
    }
    v
}

/// The standard-library packages the patterns named or matched (`std`,
/// `fmt`, `net/...`): listed as `describe` lists a std package, after the
/// packages with sources, or marked as named when already listed as a
/// dependency.
fn add_std_roots(ctx: &Ctx<'_>, std: &[(String, String)], packages: &mut Vec<PackagePublic>) {
    for (ip, pat) in std {
        let at = match packages.iter().position(|p| &p.import_path == ip) {
            Some(i) => i,
            None => {
                packages.push(describe(ctx, &Node::Std(ip.clone()), false));
                packages.len() - 1
            }
        };
        let p = &mut packages[at];
        p.dep_only = false;
        if !p.matches.contains(pat) {
            p.matches.push(pat.clone());
        }
    }
}

/// go's `Match`: for each import path, the command-line patterns (in
/// order) that match it — each pattern expanded again on its own (`.go`
/// files match the `command-line-arguments` package by their names).
fn matches(
    cwd: &Path,
    resolver: &Resolver,
    patterns: &[String],
) -> std::collections::BTreeMap<String, Vec<String>> {
    let mut out: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    let dot = [".".to_string()];
    let patterns = if patterns.is_empty() {
        &dot[..]
    } else {
        patterns
    };
    if let Ok(Some(r)) = crate::resolve::go_files_root(patterns, cwd) {
        out.insert(r.import_path, patterns.to_vec());
        return out;
    }
    for pat in patterns {
        let roots = resolver
            .expand_quietly(std::slice::from_ref(pat), cwd)
            .unwrap_or_default()
            .roots;
        for root in roots {
            let v = out.entry(root.import_path).or_default();
            if !v.contains(pat) {
                v.push(pat.clone());
            }
        }
    }
    out
}

/// `-e` after `first` failed to load the whole set: each pattern is
/// expanded and each of its packages loaded alone, so that the packages
/// that load are listed as usual and each one that does not is listed with
/// its `Error` (`Incomplete`), as go's `-e` lists them. A pattern that
/// matches nothing is listed as a package with that error.
///
/// Errors: the toolchain or go.mod/go.work cannot be read (as go, which
/// fails then too), or files named on the command line do not load.
fn listing_each(
    cwd: &Path,
    args: &ListConfig,
    store: &crate::store::Store,
    first: anyhow::Error,
) -> Result<Vec<PackagePublic>> {
    let tc = crate::build::toolchain_for_selection(&args.load.choice.selection(), store)?;
    let resolver = Resolver::for_dir(cwd, tc.std.clone(), &args.load.mod_mode)?;
    let patterns = if args.load.packages.is_empty() {
        vec![".".to_string()]
    } else {
        args.load.packages.clone()
    };
    let mut out: Vec<PackagePublic> = Vec::new();
    let mut seen = BTreeSet::new();
    let mut push = |p: PackagePublic, out: &mut Vec<PackagePublic>| {
        if seen.insert(p.import_path.clone()) {
            out.push(p);
        }
    };
    for pat in &patterns {
        let roots = match resolver
            .expand_quietly(std::slice::from_ref(pat), cwd)
            .map(|r| r.roots)
        {
            Ok(r) if r.iter().any(|r| !r.files.is_empty()) => return Err(first),
            Ok(r) => r,
            Err(e) => {
                push(failed(pat, None, pat, &e), &mut out);
                continue;
            }
        };
        for root in roots {
            let load = crate::build::LoadConfig {
                packages: vec![root.dir.display().to_string()],
                ..args.load.clone()
            };
            match crate::build::load(cwd, &load, store) {
                Ok(l) => listing_of(cwd, &l, args)
                    .into_iter()
                    .for_each(|p| push(p, &mut out)),
                Err(e) => push(
                    failed(&root.import_path, Some(&root.dir), pat, &e),
                    &mut out,
                ),
            }
        }
    }
    Ok(out)
}

/// The listing of a package that did not load (`-e`), matched by `pattern`.
fn failed(
    import_path: &str,
    dir: Option<&Path>,
    pattern: &str,
    e: &anyhow::Error,
) -> PackagePublic {
    PackagePublic {
        dir: dir.map(|d| d.display().to_string()).unwrap_or_default(),
        import_path: import_path.to_string(),
        matches: vec![pattern.to_string()],
        incomplete: true,
        error: Some(PackageError {
            err: format!("{e:#}"),
            ..PackageError::default()
        }),
        ..PackagePublic::default()
    }
}

/// What describing a package needs besides the graph: the resolver's
/// mode, the toolchain's root and target, and whether the target is the
/// host's (go installs cross-compiled commands in `bin/GOOS_GOARCH/`).
struct Ctx<'a> {
    graph: &'a Graph,
    mode: &'a Mode,
    goroot: PathBuf,
    goos: &'a str,
    goarch: &'a str,
    cross: bool,
}

impl<'a> Ctx<'a> {
    fn new(l: &'a crate::build::Loaded) -> Ctx<'a> {
        let t = &l.toolchain.target;
        Ctx {
            graph: &l.graph,
            mode: &l.resolver.mode,
            goroot: goroot(&l.toolchain.gccgo),
            goos: &t.goos,
            goarch: &t.goarch,
            cross: t.goos != std::env::consts::OS
                || Some(t.goarch.as_str()) != crate::target::host_goarch(),
        }
    }
}

/// The root std packages are listed under, as the go command of gccgo
/// has it: `$GOROOT` when set, else the prefix the compiler is installed
/// in (`/usr` for `/usr/bin/gccgo`).
fn goroot(gccgo: &Path) -> PathBuf {
    match std::env::var_os("GOROOT") {
        Some(g) if !g.is_empty() => PathBuf::from(g),
        _ => gccgo
            .parent()
            .and_then(Path::parent)
            .map_or_else(|| PathBuf::from("/usr"), Path::to_path_buf),
    }
}

/// `-test`'s extra entries, as the go command lists them after the
/// packages: for each named package with tests, its test binary `P.test`
/// (package main), `P [P.test]` (the package with its own test files) and
/// `P_test [P.test]` (the external test package). The packages that would
/// be recompiled against `P [P.test]` are not listed.
fn test_packages(graph: &Graph) -> Vec<PackagePublic> {
    let mut out = Vec::new();
    for &id in &graph.roots {
        let p = graph.pkg(id);
        let f = &p.files;
        if !f.has_tests() {
            continue;
        }
        let ip = &p.import_path;
        let variant = format!("{ip}.test");
        // As go's test variants: `P [P.test]` embeds the package's and its
        // tests' files; `P_test [P.test]` its own (no patterns of its own).
        let e = embeds::embeds(p, &f.go_files);
        let t = embeds::embeds(p, &f.test_go_files);
        let x = embeds::embeds(p, &f.xtest_go_files);
        let dir = p.dir.display().to_string();
        out.push(PackagePublic {
            dir: dir.clone(),
            import_path: variant.clone(),
            name: "main".into(),
            ..PackagePublic::default()
        });
        if !f.test_go_files.is_empty() {
            let mut go_files = f.plain_go_files();
            go_files.extend(f.test_go_files.iter().map(|g| g.name.clone()));
            out.push(PackagePublic {
                dir: dir.clone(),
                import_path: format!("{ip} [{variant}]"),
                name: f.name.clone(),
                for_test: ip.clone(),
                go_files,
                embed_patterns: e.patterns,
                embed_files: e.files.into_iter().chain(t.files.clone()).collect(),
                test_embed_patterns: t.patterns,
                test_embed_files: t.files,
                xtest_embed_patterns: x.patterns.clone(),
                xtest_embed_files: x.files.clone(),
                ..PackagePublic::default()
            });
        }
        if !f.xtest_go_files.is_empty() {
            out.push(PackagePublic {
                dir,
                import_path: format!("{ip}_test [{variant}]"),
                name: format!("{}_test", f.name),
                for_test: ip.clone(),
                go_files: f.xtest_go_files.iter().map(|g| g.name.clone()).collect(),
                embed_files: x.files,
                ..PackagePublic::default()
            });
        }
    }
    out
}

/// The listing, one `PackagePublic` per package. With `deps`, every
/// dependency comes too, in the go command's order (a depth-first walk of
/// sorted imports, each package after its imports); without, the roots in
/// command-line order.
fn list(ctx: &Ctx<'_>, deps: bool) -> Vec<PackagePublic> {
    let graph = ctx.graph;
    let roots: Vec<Node> = graph.roots.iter().map(|&id| Node::Pkg(id)).collect();
    let order = if deps {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for r in &roots {
            walk(graph, r, &mut seen, &mut out);
        }
        out
    } else {
        roots.clone()
    };
    order
        .iter()
        .map(|n| describe(ctx, n, !roots.contains(n)))
        .collect()
}

/// Imports as the go command walks them: the sorted imports, then
/// `runtime` for a command (the linker's implicit dependency).
fn walk_imports(graph: &Graph, n: &Node) -> Vec<Node> {
    let Node::Pkg(id) = n else { return vec![] };
    let p = graph.pkg(*id);
    let mut v: Vec<Node> = imports(graph, *id)
        .into_iter()
        .map(|ip| match graph.find(&ip) {
            Some(d) => Node::Pkg(d),
            None => Node::Std(ip),
        })
        .collect();
    if p.is_main() && !v.contains(&Node::Std("runtime".into())) {
        v.push(Node::Std("runtime".into()));
    }
    // What cgo's Go code imports, as the go command adds it for gccgo
    // (cmd/go/internal/load: "unsafe", then "syscall"; not "runtime/cgo").
    if !p.files.cgo_files.is_empty() {
        for i in ["unsafe", "syscall"] {
            if !v.contains(&Node::Std(i.into())) {
                v.push(Node::Std(i.into()));
            }
        }
    }
    v
}

fn walk(graph: &Graph, n: &Node, seen: &mut BTreeSet<Node>, out: &mut Vec<Node>) {
    if !seen.insert(n.clone()) {
        return;
    }
    for c in walk_imports(graph, n) {
        walk(graph, &c, seen, out);
    }
    out.push(n.clone());
}

/// go's `Imports`: resolved import paths (vendored ones as `a/vendor/x`), sorted, without "C".
fn imports(graph: &Graph, id: PkgId) -> Vec<String> {
    let p = graph.pkg(id);
    let set: BTreeSet<String> = p
        .files
        .imports
        .iter()
        .filter(|i| *i != "C")
        .map(|i| p.import_map.get(i).cloned().unwrap_or_else(|| i.clone()))
        .collect();
    set.into_iter().collect()
}

/// go's `Deps`: every package reachable, sorted, without the package itself.
fn deps_of(graph: &Graph, n: &Node) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    walk(graph, n, &mut seen, &mut out);
    let mut v: Vec<String> = out
        .iter()
        .filter(|m| *m != n)
        .map(|m| name_of(graph, m))
        .collect();
    v.sort();
    v
}

fn name_of(graph: &Graph, n: &Node) -> String {
    match n {
        Node::Pkg(id) => graph.pkg(*id).import_path.clone(),
        Node::Std(s) => s.clone(),
    }
}

/// The listing of one node; `dep_only` when it was not named on the
/// command line. A std package has no sources here (gccgo ships export
/// data only), so it lists as go-12 lists it: path, `Dir` and `Root` under
/// the toolchain's root, `Goroot`, `Standard`.
fn describe(ctx: &Ctx<'_>, n: &Node, dep_only: bool) -> PackagePublic {
    let id = match n {
        Node::Std(ip) => {
            return PackagePublic {
                dir: ctx.goroot.join("src").join(ip).display().to_string(),
                import_path: ip.clone(),
                root: ctx.goroot.display().to_string(),
                goroot: true,
                standard: true,
                dep_only,
                ..PackagePublic::default()
            };
        }
        Node::Pkg(id) => *id,
    };
    let graph = ctx.graph;
    let p = graph.pkg(id);
    let f = &p.files;
    let module = match (ctx.mode, &p.module) {
        (Mode::Module(m), Some(path)) => m.module_info(path).map(ModulePublic::from),
        // A package named on the command line: the main module its directory is in.
        (Mode::Module(m), None) => m
            .main_of_dir(&p.dir)
            .and_then(|g| m.module_info(&g.module))
            .map(ModulePublic::from),
        _ => None,
    };
    let mut sources: Vec<String> = f.plain_go_files();
    sources.extend(f.cgo_files.iter().cloned());
    sources.sort();
    let embed = embeds::embeds(p, &f.go_files);
    let test_embed = embeds::embeds(p, &f.test_go_files);
    let xtest_embed = embeds::embeds(p, &f.xtest_go_files);
    PackagePublic {
        dir: p.dir.display().to_string(),
        import_path: p.import_path.clone(),
        import_comment: f.import_comment.clone(),
        name: f.name.clone(),
        doc: doc::package_doc(&p.dir, &sources),
        target: target(ctx, p),
        root: root(ctx, p, module.as_ref()),
        module,
        dep_only,
        go_files: f.plain_go_files(),
        cgo_files: f.cgo_files.clone(),
        ignored_go_files: f.ignored_go_files.clone(),
        c_files: f.c_files.clone(),
        cxx_files: f.cxx_files.clone(),
        h_files: f.h_files.clone(),
        s_files: f.s_files.clone(),
        syso_files: f.syso_files.clone(),
        embed_patterns: embed.patterns,
        embed_files: embed.files,
        test_embed_patterns: test_embed.patterns,
        test_embed_files: test_embed.files,
        xtest_embed_patterns: xtest_embed.patterns,
        xtest_embed_files: xtest_embed.files,
        cgo_cflags: f.cgo.cflags.clone(),
        cgo_cppflags: f.cgo.cppflags.clone(),
        cgo_cxxflags: f.cgo.cxxflags.clone(),
        cgo_fflags: f.cgo.fflags.clone(),
        cgo_ldflags: f.cgo.ldflags.clone(),
        cgo_pkg_config: f.cgo.pkg_config.clone(),
        // go lists "C" among a cgo package's imports (sorted first: upper case).
        imports: (!f.cgo_files.is_empty())
            .then(|| "C".to_string())
            .into_iter()
            .chain(imports(graph, id))
            .collect(),
        deps: deps_of(graph, n),
        test_go_files: f.test_go_files.iter().map(|g| g.name.clone()).collect(),
        test_imports: f.test_imports(false),
        xtest_go_files: f.xtest_go_files.iter().map(|g| g.name.clone()).collect(),
        xtest_imports: f.test_imports(true),
        ..PackagePublic::default()
    }
}

/// go's `Root`: the GOPATH entry holding the package, or its module's
/// root (the main module's when vendored).
fn root(ctx: &Ctx<'_>, p: &crate::graph::Package, module: Option<&ModulePublic>) -> String {
    match ctx.mode {
        Mode::Gopath(roots) => roots
            .iter()
            .find(|r| p.dir.starts_with(r.join("src")))
            .map(|r| r.display().to_string())
            .unwrap_or_default(),
        Mode::Module(m) => match module {
            Some(mp) if !mp.dir.is_empty() => mp.dir.clone(),
            _ => m
                .main_of_dir(&p.dir)
                .unwrap_or(m.first())
                .dir()
                .display()
                .to_string(),
        },
    }
}

/// go's `Target` (cmd/go/internal/load, `Package.load`) with
/// `-compiler=gccgo`: a command (named as go names it: the last element
/// of its import path, in module mode the one before a `/vN`) goes to
/// `$GOBIN`, else (module mode)
/// `$GOPATH/bin` or (GOPATH mode) its GOPATH entry's `bin`, in a
/// `GOOS_GOARCH/` subdirectory when cross-compiling (no target then with
/// `$GOBIN`); a library in GOPATH mode to
/// `ROOT/pkg/gccgo_GOOS_GOARCH/DIR/libNAME.a`; libraries in module mode
/// and local (`_/…`) packages have none.
fn target(ctx: &Ctx<'_>, p: &crate::graph::Package) -> String {
    let local = crate::resolve::is_local_import_path(&p.import_path)
        || p.import_path == crate::resolve::COMMAND_LINE_ARGUMENTS;
    let entry = || match ctx.mode {
        Mode::Gopath(roots) => roots.iter().find(|r| p.dir.starts_with(r.join("src"))),
        Mode::Module(_) => None,
    };
    if !p.is_main() {
        let Some(root) = entry().filter(|_| !local) else {
            return String::new();
        };
        let (dir, elem) = match p.import_path.rsplit_once('/') {
            Some((d, e)) => (format!("{d}/"), e),
            None => (String::new(), p.import_path.as_str()),
        };
        return root
            .join(format!("pkg/gccgo_{}_{}", ctx.goos, ctx.goarch))
            .join(format!("{dir}lib{elem}.a"))
            .display()
            .to_string();
    }
    // go's exeFromImportPath drops a major-version element (`cmd/v2`) in module mode only.
    let mut elem = match ctx.mode {
        Mode::Gopath(_) if !local => p.import_path.rsplit('/').next().unwrap_or_default().into(),
        _ => crate::link::exe_name(p),
    };
    if ctx.cross {
        elem = format!("{}_{}/{elem}", ctx.goos, ctx.goarch);
    }
    let gobin = std::env::var("GOBIN").unwrap_or_default();
    let bindir = if !gobin.is_empty() {
        if ctx.cross {
            return String::new();
        }
        PathBuf::from(gobin)
    } else {
        match ctx.mode {
            Mode::Module(_) => match crate::resolve::gopath().first() {
                Some(g) => g.join("bin"),
                None => return String::new(),
            },
            Mode::Gopath(_) => match entry().filter(|_| !local) {
                Some(r) => r.join("bin"),
                None => return String::new(),
            },
        }
    };
    bindir.join(elem).display().to_string()
}

/// JSON as go's `json.MarshalIndent(v, "", "\t")` writes it: fields in
/// struct order, one tab per level, `"key": value`, no final newline.
///
/// Errors only if serde_json fails, which it does not for strings,
/// booleans and lists of strings.
pub fn to_go_json(p: &PackagePublic) -> Result<String> {
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"\t");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    p.serialize(&mut ser).context("writing a package as JSON")?;
    String::from_utf8(buf).context("writing a package as JSON")
}

/// A JSON value as go's `json.MarshalIndent(v, "", "\t")` writes it
/// (see `to_go_json`); a `serde_json::Value` keeps its fields in the
/// order they were inserted (the `preserve_order` feature is not needed:
/// values come from a struct, through `keep_fields`).
///
/// Errors only if serde_json fails.
fn to_go_json_value<T: Serialize>(v: &T) -> Result<String> {
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"\t");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    v.serialize(&mut ser).context("writing JSON")?;
    String::from_utf8(buf).context("writing JSON")
}

/// `-json=A,B`: the JSON object `v` (of package `p`, whose errors are
/// written from the struct, in go's field order) with only the fields named, in go's
/// field order `order`, as go writes a struct whose other fields it
/// cleared (and `omitempty` then leaves out).
///
/// Errors only if serde_json fails.
fn json_subset(
    p: Option<&PackagePublic>,
    v: &serde_json::Value,
    order: &[&str],
    keep: &[String],
) -> Result<String> {
    let mut out = String::from("{");
    let mut first = true;
    for k in order.iter().filter(|k| keep.iter().any(|f| f == *k)) {
        let Some(x) = v.get(*k) else { continue };
        // The errors keep go's field order (a `Value`'s map sorts them).
        let text = match (*k, p) {
            ("Error", Some(p)) => to_go_json_value(&p.error)?,
            ("DepsErrors", Some(p)) => to_go_json_value(&p.deps_errors)?,
            _ => to_go_json_value(x)?,
        };
        let text = text.replace('\n', "\n\t");
        out.push_str(if first { "\n\t" } else { ",\n\t" });
        out.push_str(&format!("{}: {text}", serde_json::to_string(k)?));
        first = false;
    }
    out.push_str(if first { "}" } else { "\n}" });
    Ok(out)
}

/// Runs a parsed `-f` template on a package's fields (read from its JSON
/// form, see `fields`): the text, or go's message and what was written
/// before the failure.
/// Appends one `-f` result to `out` as go list writes it: a newline
/// unless nothing or a newline was written (go list's `NeedNL`).
///
/// Errors: the template failed; what was written so far and the partial
/// text are printed first, as go prints them, and the error is `prefix`
/// and the template's message.
pub(crate) fn push_templated(
    out: &mut String,
    result: std::result::Result<String, (String, String)>,
    prefix: &str,
) -> Result<()> {
    match result {
        Ok(text) => {
            out.push_str(&text);
            if !text.is_empty() && !text.ends_with('\n') {
                out.push('\n');
            }
            Ok(())
        }
        Err((e, partial)) => {
            print!("{out}{partial}");
            bail!("{prefix}{e}");
        }
    }
}

fn render_with(
    tmpl: &template::Template,
    p: &PackagePublic,
) -> std::result::Result<String, (String, String)> {
    let json = serde_json::to_value(p).map_err(|e| (e.to_string(), String::new()))?;
    tmpl.execute(&fields::package_value(&json))
}

/// Renders go's template `format` for one package (see `render_with`).
///
/// Errors: the template does not parse, or fails on this package (go's messages).
pub fn render(format: &str, p: &PackagePublic) -> Result<String> {
    let tmpl = template::Template::parse(format).map_err(|e| anyhow::anyhow!("{e}"))?;
    render_with(&tmpl, p).map_err(|(e, _)| anyhow::anyhow!("{e}"))
}

#[cfg(test)]
mod tests;
