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

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Result, bail};
use clap::Args;
use serde_json::Value;

/// One listed package: go's fields in go's order (`Package` struct order).
pub type Obj = Vec<(String, Value)>;

use crate::cli::LoadArgs;
use crate::graph::{Graph, PkgId};
use crate::resolve::Mode;

/// `gccgo-build list` flags.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Print each package as a JSON object (go's field names, tab-indented).
    #[arg(long)]
    pub json: bool,
    /// Also list every dependency, dependencies before their importers.
    #[arg(long)]
    pub deps: bool,
    /// A template per package: `{{.Field}}` and `{{join .Field "SEP"}}` (default `{{.ImportPath}}`).
    #[arg(short = 'f', value_name = "TEMPLATE")]
    pub format: Option<String>,
    /// Package loading flags.
    #[command(flatten)]
    pub load: LoadArgs,
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
pub fn main(cwd: &Path, args: &ListArgs) -> Result<i32> {
    if args.json && args.format.is_some() {
        bail!("list: cannot use -f with -json");
    }
    let loaded = crate::build::load(cwd, &args.load.config(), &crate::store::Store::from_env())?;
    let objects = list(&loaded.graph, &loaded.resolver.mode, args.deps);
    let mut out = String::new();
    for obj in &objects {
        if args.json {
            out.push_str(&to_go_json(obj));
            out.push('\n');
        } else {
            let t = args.format.as_deref().unwrap_or("{{.ImportPath}}");
            out.push_str(&render(t, obj)?);
            out.push('\n');
        }
    }
    print!("{out}");
    Ok(0)
}

/// The listing as JSON objects with go's field names and order, empty
/// fields left out (go's `omitempty`). With `deps`, every dependency comes
/// too, in the go command's order (a depth-first walk of sorted imports,
/// each package after its imports); without, the roots in command-line order.
pub fn list(graph: &Graph, mode: &Mode, deps: bool) -> Vec<Obj> {
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

fn describe(graph: &Graph, mode: &Mode, n: &Node, dep_only: bool) -> Obj {
    let mut m = Obj::new();
    let strs = |v: &[String]| Value::Array(v.iter().cloned().map(Value::String).collect());
    let put_list = |m: &mut Obj, k: &str, v: &[String]| {
        if !v.is_empty() {
            m.push((k.into(), strs(v)));
        }
    };
    match n {
        Node::Std(ip) => {
            m.push(("ImportPath".into(), Value::String(ip.clone())));
            m.push(("Goroot".into(), Value::Bool(true)));
            m.push(("Standard".into(), Value::Bool(true)));
            if dep_only {
                m.push(("DepOnly".into(), Value::Bool(true)));
            }
        }
        Node::Pkg(id) => {
            let p = graph.pkg(*id);
            let f = &p.files;
            m.push(("Dir".into(), Value::String(p.dir.display().to_string())));
            m.push(("ImportPath".into(), Value::String(p.import_path.clone())));
            if let Some(c) = &f.import_comment {
                m.push(("ImportComment".into(), Value::String(c.clone())));
            }
            m.push(("Name".into(), Value::String(f.name.clone())));
            if let Mode::Gopath(roots) = mode
                && let Some(r) = roots.iter().find(|r| p.dir.starts_with(r.join("src")))
            {
                m.push(("Root".into(), Value::String(r.display().to_string())));
            }
            if let Some(module) = &p.module {
                let mut mm = serde_json::Map::new();
                mm.insert("Path".into(), Value::String(module.clone()));
                if let Mode::Module(mo) = mode
                    && &mo.main.module == module
                {
                    mm.insert("Main".into(), Value::Bool(true));
                }
                m.push(("Module".into(), Value::Object(mm)));
            }
            if dep_only {
                m.push(("DepOnly".into(), Value::Bool(true)));
            }
            put_list(&mut m, "GoFiles", &f.plain_go_files());
            put_list(&mut m, "CgoFiles", &f.cgo_files);
            put_list(&mut m, "IgnoredGoFiles", &f.ignored_go_files);
            put_list(&mut m, "CFiles", &f.c_files);
            put_list(&mut m, "HFiles", &f.h_files);
            put_list(&mut m, "SFiles", &f.s_files);
            put_list(&mut m, "SysoFiles", &f.syso_files);
            put_list(&mut m, "Imports", &imports(graph, *id));
            put_list(&mut m, "Deps", &deps_of(graph, n));
        }
    }
    m
}

/// JSON as go's `json.MarshalIndent(v, "", "\t")` writes it, fields in order.
pub fn to_go_json(obj: &Obj) -> String {
    let mut s = String::from("{\n");
    for (i, (k, v)) in obj.iter().enumerate() {
        let mut buf = Vec::new();
        let fmt = serde_json::ser::PrettyFormatter::with_indent(b"\t");
        let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
        // Serializing strings, bools, arrays and objects of them cannot fail.
        let _ = serde::Serialize::serialize(v, &mut ser);
        let val = String::from_utf8_lossy(&buf).replace('\n', "\n\t");
        let key = serde_json::to_string(k).unwrap_or_default();
        let comma = if i + 1 < obj.len() { "," } else { "" };
        let _ = writeln!(s, "\t{key}: {val}{comma}");
    }
    s.push('}');
    s
}

/// The value of field `k`, if present.
pub fn field<'a>(obj: &'a Obj, k: &str) -> Option<&'a Value> {
    obj.iter().find(|(n, _)| n == k).map(|(_, v)| v)
}

/// Renders the subset of go's text/template that `go list -f` is mostly
/// used with: `{{.Field}}` (a list prints as go prints a slice, `[a b]`;
/// a missing field as its zero value) and `{{join .Field "sep"}}`.
///
/// Errors: other template syntax, or a field name go's `Package` does not have.
pub fn render(template: &str, obj: &Obj) -> Result<String> {
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
        let v = field(obj, name);
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
    "HFiles",
    "SFiles",
    "SysoFiles",
    "Imports",
    "Deps",
];

/// The other fields `-f` knows (strings, booleans, the module).
const SCALAR_FIELDS: &[&str] = &[
    "Dir",
    "ImportPath",
    "ImportComment",
    "Name",
    "Root",
    "Module",
    "Goroot",
    "Standard",
    "DepOnly",
];

/// Per-package fields as a map from import path (for comparisons).
pub fn by_import_path(objs: &[Obj]) -> BTreeMap<String, Obj> {
    objs.iter()
        .filter_map(|o| Some((field(o, "ImportPath")?.as_str()?.to_string(), o.clone())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj() -> Obj {
        vec![
            ("ImportPath".into(), "a/b".into()),
            ("Name".into(), "b".into()),
            ("GoFiles".into(), serde_json::json!(["x.go", "y.go"])),
        ]
    }

    #[test]
    fn templates_print_like_go() {
        let o = obj();
        assert_eq!(render("{{.ImportPath}}", &o).unwrap(), "a/b");
        assert_eq!(
            render("{{.Name}}: {{.GoFiles}}", &o).unwrap(),
            "b: [x.go y.go]"
        );
        assert_eq!(render("{{join .GoFiles \",\"}}", &o).unwrap(), "x.go,y.go");
        assert_eq!(render("{{.CFiles}} {{.Standard}}", &o).unwrap(), "[] false");
        assert!(render("{{.Nope}}", &o).is_err());
        assert!(render("{{range .GoFiles}}", &o).is_err());
    }

    #[test]
    fn json_is_tab_indented() {
        let s = to_go_json(&obj());
        assert_eq!(
            s,
            "{\n\t\"ImportPath\": \"a/b\",\n\t\"Name\": \"b\",\n\t\"GoFiles\": [\n\t\t\"x.go\",\n\t\t\"y.go\"\n\t]\n}"
        );
    }
}
