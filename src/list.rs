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
//! command (go's `LinkerDeps`). This module only formats what `build::load`
//! found; it decides nothing about files or imports.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context as _, Result, bail};
use serde::Serialize;
use serde_json::Value;

use crate::graph::{Graph, PkgId};
use crate::resolve::Mode;

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
    /// The `-f` template; `None` prints `{{.ImportPath}}`.
    pub format: Option<String>,
    /// How to load the packages (toolchain, tags, `-mod`, overlay, patterns).
    pub load: crate::build::LoadConfig,
}

/// One listed package: the fields of the go command's `PackagePublic`
/// (cmd/go/internal/load/pkg.go) that gccgo-build knows, declared in go's
/// order so that serde writes them in that order, each left out when empty
/// or false as go's `json:",omitempty"` leaves it out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PackagePublic {
    /// The package directory, absolute.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub dir: String,
    /// The import path (`_/abs/dir` for a directory outside every GOPATH).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub import_path: String,
    /// The path of an import comment (`package p // import "path"`).
    // An Option, not a String empty when absent: `// import ""` has always
    // listed as `"ImportComment": ""` (go leaves it out).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub import_comment: Option<String>,
    /// The package name.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// In GOPATH mode, the GOPATH entry whose `src/` holds the package.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub root: String,
    /// With `-test`: the package a test package or variant is built for.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub for_test: String,
    /// The module that provides the package, in module mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub module: Option<ModulePublic>,
    /// In the toolchain's root (a standard-library package here).
    #[serde(skip_serializing_if = "is_false")]
    pub goroot: bool,
    /// A standard-library package.
    #[serde(skip_serializing_if = "is_false")]
    pub standard: bool,
    /// Listed only as a dependency of the packages named (`-deps`).
    #[serde(skip_serializing_if = "is_false")]
    pub dep_only: bool,
    /// Go files that build and do not import "C".
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub go_files: Vec<String>,
    /// Go files that build and import "C".
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cgo_files: Vec<String>,
    /// Go files that build constraints or file-name suffixes exclude.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ignored_go_files: Vec<String>,
    /// `.c` files.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub c_files: Vec<String>,
    /// `.cc`, `.cpp` and `.cxx` files.
    #[serde(rename = "CXXFiles", skip_serializing_if = "Vec::is_empty")]
    pub cxx_files: Vec<String>,
    /// `.h` files.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub h_files: Vec<String>,
    /// `.s`, `.S` and `.sx` files.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub s_files: Vec<String>,
    /// `.syso` files.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub syso_files: Vec<String>,
    /// `#cgo CFLAGS` directives that hold.
    #[serde(rename = "CgoCFLAGS", skip_serializing_if = "Vec::is_empty")]
    pub cgo_cflags: Vec<String>,
    /// `#cgo CPPFLAGS`.
    #[serde(rename = "CgoCPPFLAGS", skip_serializing_if = "Vec::is_empty")]
    pub cgo_cppflags: Vec<String>,
    /// `#cgo CXXFLAGS`.
    #[serde(rename = "CgoCXXFLAGS", skip_serializing_if = "Vec::is_empty")]
    pub cgo_cxxflags: Vec<String>,
    /// `#cgo FFLAGS`.
    #[serde(rename = "CgoFFLAGS", skip_serializing_if = "Vec::is_empty")]
    pub cgo_fflags: Vec<String>,
    /// `#cgo LDFLAGS`.
    #[serde(rename = "CgoLDFLAGS", skip_serializing_if = "Vec::is_empty")]
    pub cgo_ldflags: Vec<String>,
    /// `#cgo pkg-config` names.
    #[serde(rename = "CgoPkgConfig", skip_serializing_if = "Vec::is_empty")]
    pub cgo_pkg_config: Vec<String>,
    /// go's `Imports`: resolved import paths (vendored ones as
    /// `a/vendor/x`), sorted, with "C" for a cgo package.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub imports: Vec<String>,
    /// go's `Deps`: every package reachable, sorted, without the package itself.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deps: Vec<String>,
    /// `_test.go` files of the package itself that build.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub test_go_files: Vec<String>,
    /// Their imports as written, sorted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub test_imports: Vec<String>,
    /// `_test.go` files of package `<name>_test` that build.
    #[serde(rename = "XTestGoFiles", skip_serializing_if = "Vec::is_empty")]
    pub xtest_go_files: Vec<String>,
    /// Their imports as written, sorted.
    #[serde(rename = "XTestImports", skip_serializing_if = "Vec::is_empty")]
    pub xtest_imports: Vec<String>,
}

/// The `Module` of a listed package: the fields of go's
/// `modinfo.ModulePublic` that gccgo-build knows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ModulePublic {
    /// Whether this is the main module.
    // Before `Path`, unlike go's struct: the listing has always printed
    // `Main` first (the sorted keys of the JSON map it was built as), and
    // this change keeps the output byte for byte.
    #[serde(skip_serializing_if = "is_false")]
    pub main: bool,
    /// The module path.
    pub path: String,
}

/// `skip_serializing_if` for a bool: go's `omitempty` leaves out `false`.
fn is_false(b: &bool) -> bool {
    !*b
}

/// A node of the listing: a package of source, or a std package.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Node {
    Pkg(PkgId),
    Std(String),
}

/// Runs `gccgo-build list`; prints to stdout and returns the exit status.
///
/// Errors: loading errors (see `build::load`), both `-json` and `-f`, or a
/// template that names an unknown field or uses syntax other than
/// `{{.Field}}` and `{{join .Field "sep"}}`.
pub fn main(cwd: &Path, args: &ListConfig) -> Result<i32> {
    if args.json && args.format.is_some() {
        bail!("list: cannot use -f with -json");
    }
    let loaded = crate::build::load(cwd, &args.load, &crate::store::Store::from_env())?;
    let mut packages = list(&loaded.graph, &loaded.resolver.mode, args.deps);
    if args.test {
        packages.extend(test_packages(&loaded.graph));
    }
    let mut out = String::new();
    for p in &packages {
        if args.json {
            out.push_str(&to_go_json(p)?);
        } else {
            let t = args.format.as_deref().unwrap_or("{{.ImportPath}}");
            out.push_str(&render(t, p)?);
        }
        out.push('\n');
    }
    print!("{out}");
    Ok(0)
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
pub fn list(graph: &Graph, mode: &Mode, deps: bool) -> Vec<PackagePublic> {
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
        .map(|n| describe(graph, mode, n, !roots.contains(n)))
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
/// data only), so it lists as go-12 lists it: path, `Goroot`, `Standard`.
fn describe(graph: &Graph, mode: &Mode, n: &Node, dep_only: bool) -> PackagePublic {
    let id = match n {
        Node::Std(ip) => {
            return PackagePublic {
                import_path: ip.clone(),
                goroot: true,
                standard: true,
                dep_only,
                ..PackagePublic::default()
            };
        }
        Node::Pkg(id) => *id,
    };
    let p = graph.pkg(id);
    let f = &p.files;
    let root = match mode {
        Mode::Gopath(roots) => roots
            .iter()
            .find(|r| p.dir.starts_with(r.join("src")))
            .map(|r| r.display().to_string()),
        Mode::Module(_) => None,
    };
    let module = p.module.as_ref().map(|m| ModulePublic {
        main: matches!(mode, Mode::Module(mo) if &mo.main.module == m),
        path: m.clone(),
    });
    PackagePublic {
        dir: p.dir.display().to_string(),
        import_path: p.import_path.clone(),
        import_comment: f.import_comment.clone(),
        name: f.name.clone(),
        root: root.unwrap_or_default(),
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

/// Renders the subset of go's text/template that `go list -f` is mostly
/// used with: `{{.Field}}` (a list prints as go prints a slice, `[a b]`;
/// a missing field as its zero value) and `{{join .Field "sep"}}`.
///
/// The fields are read from the package's JSON form
/// (`serde_json::to_value`), so `-f` and `-json` cannot disagree.
///
/// Errors: other template syntax, or a field name go's `Package` does not have.
pub fn render(template: &str, p: &PackagePublic) -> Result<String> {
    let value = serde_json::to_value(p).context("reading a package's fields")?;
    let fields = value.as_object();
    let mut out = String::new();
    let mut rest = template;
    while let Some(i) = rest.find("{{") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let Some(j) = after.find("}}") else {
            bail!("-f {template:?}: unclosed action");
        };
        let action = after[..j].trim();
        rest = &after[j + 2..];
        let (fname, sep) = if let Some(a) = action.strip_prefix("join ") {
            let a = a.trim();
            let (f, s) = a.split_once(' ').unwrap_or((a, "\"\""));
            let s = s.trim();
            let sep: String = serde_json::from_str(s)
                .map_err(|_| anyhow::anyhow!("-f {template:?}: join wants a quoted separator"))?;
            (f, Some(sep))
        } else {
            (action, None)
        };
        let Some(name) = fname.strip_prefix('.') else {
            bail!(
                "-f {template:?}: only {{{{.Field}}}} and {{{{join .Field \"sep\"}}}} are supported"
            );
        };
        if !SCALAR_FIELDS.contains(&name) && !LIST_FIELDS.contains(&name) {
            bail!("-f {template:?}: can't evaluate field {name} in type *load.PackagePublic");
        }
        let v = fields.and_then(|o| o.get(name));
        match (v, sep) {
            (Some(Value::Array(a)), Some(sep)) => {
                let items: Vec<String> = a.iter().map(plain).collect();
                out.push_str(&items.join(&sep));
            }
            (Some(Value::Array(a)), None) => {
                let items: Vec<String> = a.iter().map(plain).collect();
                let _ = write!(out, "[{}]", items.join(" "));
            }
            (Some(v), _) => out.push_str(&plain(v)),
            (None, Some(_)) => {}
            (None, None) => out.push_str(zero_value(name)),
        }
    }
    out.push_str(rest);
    Ok(out)
}

fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Object(o) => format!("{:?}", o.get("Path").map(plain).unwrap_or_default()),
        other => other.to_string(),
    }
}

/// What go prints for a field left at its zero value.
fn zero_value(name: &str) -> &'static str {
    match name {
        "Goroot" | "Standard" | "DepOnly" => "false",
        "Module" => "<nil>",
        n if LIST_FIELDS.contains(&n) => "[]",
        _ => "",
    }
}

/// The fields `-f` knows that hold a list (printed `[a b]`, zero value `[]`).
const LIST_FIELDS: &[&str] = &[
    "GoFiles",
    "CgoFiles",
    "IgnoredGoFiles",
    "CFiles",
    "CXXFiles",
    "HFiles",
    "SFiles",
    "SysoFiles",
    "CgoCFLAGS",
    "CgoCPPFLAGS",
    "CgoCXXFLAGS",
    "CgoFFLAGS",
    "CgoLDFLAGS",
    "CgoPkgConfig",
    "Imports",
    "Deps",
    "TestGoFiles",
    "TestImports",
    "XTestGoFiles",
    "XTestImports",
];

/// The other fields `-f` knows (strings, booleans, the module).
const SCALAR_FIELDS: &[&str] = &[
    "Dir",
    "ImportPath",
    "ImportComment",
    "Name",
    "Root",
    "ForTest",
    "Module",
    "Goroot",
    "Standard",
    "DepOnly",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn pkg() -> PackagePublic {
        PackagePublic {
            import_path: "a/b".into(),
            name: "b".into(),
            go_files: vec!["x.go".into(), "y.go".into()],
            ..PackagePublic::default()
        }
    }

    #[test]
    fn templates_print_like_go() {
        let p = pkg();
        assert_eq!(render("{{.ImportPath}}", &p).unwrap(), "a/b");
        assert_eq!(
            render("{{.Name}}: {{.GoFiles}}", &p).unwrap(),
            "b: [x.go y.go]"
        );
        assert_eq!(render("{{join .GoFiles \",\"}}", &p).unwrap(), "x.go,y.go");
        assert_eq!(render("{{.CFiles}} {{.Standard}}", &p).unwrap(), "[] false");
        assert!(render("{{.Nope}}", &p).is_err());
        assert!(render("{{range .GoFiles}}", &p).is_err());
    }

    #[test]
    fn json_is_tab_indented() {
        let s = to_go_json(&pkg()).unwrap();
        assert_eq!(
            s,
            "{\n\t\"ImportPath\": \"a/b\",\n\t\"Name\": \"b\",\n\t\"GoFiles\": [\n\t\t\"x.go\",\n\t\t\"y.go\"\n\t]\n}"
        );
    }

    #[test]
    fn json_fields_come_in_go_order_and_the_module_nests() {
        let p = PackagePublic {
            dir: "/d".into(),
            import_path: "m/p".into(),
            name: "p".into(),
            module: Some(ModulePublic {
                main: true,
                path: "m".into(),
            }),
            dep_only: true,
            ..PackagePublic::default()
        };
        assert_eq!(
            to_go_json(&p).unwrap(),
            "{\n\t\"Dir\": \"/d\",\n\t\"ImportPath\": \"m/p\",\n\t\"Name\": \"p\",\n\t\"Module\": {\n\t\t\"Main\": true,\n\t\t\"Path\": \"m\"\n\t},\n\t\"DepOnly\": true\n}"
        );
        assert_eq!(
            render("{{.Module}} {{.DepOnly}}", &p).unwrap(),
            "\"m\" true"
        );
        assert_eq!(render("{{.Module}}", &pkg()).unwrap(), "<nil>");
    }

    /// The fields `-f` accepts are exactly those of `PackagePublic`.
    #[test]
    fn template_fields_are_the_struct_fields() {
        let x = || vec!["x".to_string()];
        let full = PackagePublic {
            dir: "d".into(),
            import_path: "i".into(),
            import_comment: Some("c".into()),
            name: "n".into(),
            root: "r".into(),
            for_test: "t".into(),
            module: Some(ModulePublic::default()),
            goroot: true,
            standard: true,
            dep_only: true,
            go_files: x(),
            cgo_files: x(),
            ignored_go_files: x(),
            c_files: x(),
            cxx_files: x(),
            h_files: x(),
            s_files: x(),
            syso_files: x(),
            cgo_cflags: x(),
            cgo_cppflags: x(),
            cgo_cxxflags: x(),
            cgo_fflags: x(),
            cgo_ldflags: x(),
            cgo_pkg_config: x(),
            imports: x(),
            deps: x(),
            test_go_files: x(),
            test_imports: x(),
            xtest_go_files: x(),
            xtest_imports: x(),
        };
        let v = serde_json::to_value(&full).unwrap();
        let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        let mut known: Vec<&str> = SCALAR_FIELDS.iter().chain(LIST_FIELDS).copied().collect();
        keys.sort_unstable();
        known.sort_unstable();
        assert_eq!(keys, known);
    }
}
