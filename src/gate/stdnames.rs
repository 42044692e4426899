//! Standard-library names: a selector `pkg.Name` on an imported standard
//! package (`strings.Cut`, `atomic.Int64` as a type) whose name the
//! toolchain's export data for that package lacks
//! (`toolchain::StdExports`), so an old gccgo's bare `reference to
//! undefined identifier 'strings.Cut'` becomes a located finding with the
//! Go release that added the name. `unsafe` has no export data: its names
//! are the table `UNSAFE` (Go spec, "Package unsafe").
//!
//! Syntax only, and conservative: a file's imports give the package names
//! (`import str "strings"` too; dot and blank imports are not checked),
//! and a selector inside a top-level declaration that declares the
//! package's name anywhere (a parameter `url *url.URL`, `errors :=`) is
//! not checked. The release that added a name comes from Go's API files
//! (`api/go1.N.txt` of an installed Go, e.g. Debian's golang-1.19-src in
//! `/usr/share/go-1.19/api`), read only when there is a finding.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

use tree_sitter::Node;

use super::walker::Walker;
use super::{Finding, Kind};
use crate::toolchain::StdExports;

/// The names of package `unsafe` added after Go 1.0, with the Go 1.N that
/// added them (Go 1.17 and 1.20 release notes); `Pointer`, `Sizeof`,
/// `Offsetof` and `Alignof` are Go 1.0's.
pub(super) const UNSAFE: &[(&str, u32)] = &[
    ("Add", 17),
    ("Slice", 17),
    ("String", 20),
    ("StringData", 20),
    ("SliceData", 20),
];

/// The standard packages a file imports whose names can be checked: local
/// package name → import path. Only `unsafe` and packages `std` has the
/// names of; dot and blank imports are left out.
pub(super) fn file_imports(
    root: Node<'_>,
    src: &[u8],
    std: Option<&StdExports>,
) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let mut c = root.walk();
    for decl in root.named_children(&mut c) {
        if decl.kind() != "import_declaration" {
            continue;
        }
        let mut specs = Vec::new();
        let mut c2 = decl.walk();
        for ch in decl.named_children(&mut c2) {
            match ch.kind() {
                "import_spec" => specs.push(ch),
                "import_spec_list" => {
                    let mut c3 = ch.walk();
                    specs.extend(
                        ch.named_children(&mut c3)
                            .filter(|s| s.kind() == "import_spec"),
                    );
                }
                _ => {}
            }
        }
        for spec in specs {
            let Some(path) = spec.child_by_field_name("path") else {
                continue;
            };
            let path = path
                .utf8_text(src)
                .unwrap_or("")
                .trim_matches(['"', '`'])
                .to_string();
            let known = path == "unsafe" || std.is_some_and(|s| s.packages.contains_key(&path));
            if !known {
                continue;
            }
            let name = match spec.child_by_field_name("name") {
                Some(n) if n.kind() == "package_identifier" => {
                    n.utf8_text(src).unwrap_or("").to_string()
                }
                Some(_) => continue,
                // A standard package's name is its path's last element.
                None => path.rsplit('/').next().unwrap_or(&path).to_string(),
            };
            out.insert(name, path);
        }
    }
    out
}

impl Walker<'_> {
    /// Checks a selector `pkg.Name` (`selector_expression`, fields
    /// `operand`/`field`) or a qualified type (`qualified_type`, fields
    /// `package`/`name`) against the imported package's names.
    pub(super) fn std_selector(&mut self, n: Node<'_>, pkg_field: &str, name_field: &str) {
        let (Some(p), Some(sel)) = (
            n.child_by_field_name(pkg_field),
            n.child_by_field_name(name_field),
        ) else {
            return;
        };
        if !matches!(p.kind(), "identifier" | "package_identifier") {
            return;
        }
        let Some(path) = self.imports.get(self.text(p)) else {
            return;
        };
        let name = self.text(sel);
        let missing = if path == "unsafe" {
            UNSAFE
                .iter()
                .find(|(u, _)| *u == name)
                .filter(|(_, since)| *since > self.go_minor)
                .map(|(_, since)| Some(*since))
        } else {
            match self.std.and_then(|s| s.has(path, name)) {
                Some(false) => Some(None),
                _ => None,
            }
        };
        let Some(added) = missing else { return };
        if declares_anywhere(top_level(n), self.text(p), self.src) {
            return;
        }
        let (path, name) = (path.clone(), name.to_string());
        let pos = n.start_position();
        self.out.push(Finding {
            file: self.file.to_path_buf(),
            line: pos.row + 1,
            col: pos.column + 1,
            what: qualified(&path, &name),
            kind: Kind::StdName {
                package: path,
                name,
                added,
            },
        });
    }
}

/// `strings.Cut`; `atomic.Int64 (sync/atomic)` for a nested path.
fn qualified(path: &str, name: &str) -> String {
    match path.rsplit_once('/') {
        Some((_, last)) => format!("{last}.{name} ({path})"),
        None => format!("{path}.{name}"),
    }
}

/// The top-level declaration `n` is in (or the file, outside any).
fn top_level(n: Node<'_>) -> Node<'_> {
    let mut cur = n;
    while let Some(p) = cur.parent() {
        if p.kind() == "source_file" {
            return cur;
        }
        cur = p;
    }
    cur
}

/// Whether anything under `scope` declares `name`: a parameter or
/// receiver, a `var`, `const` or `type` name, the left side of `:=`, of a
/// range clause or of a receive in `select`, or a type switch's variable.
fn declares_anywhere(scope: Node<'_>, name: &str, src: &[u8]) -> bool {
    let mut c = scope.walk();
    loop {
        let n = c.node();
        if matches!(n.kind(), "identifier" | "type_identifier")
            && n.utf8_text(src).is_ok_and(|t| t == name)
            && declares(n)
        {
            return true;
        }
        if c.goto_first_child() {
            continue;
        }
        loop {
            if c.node() == scope {
                return false;
            }
            if c.goto_next_sibling() {
                break;
            }
            if !c.goto_parent() {
                return false;
            }
        }
    }
}

/// Whether identifier `n` is declared where it stands (see `declares_anywhere`).
fn declares(n: Node<'_>) -> bool {
    let Some(p) = n.parent() else { return false };
    match p.kind() {
        "parameter_declaration"
        | "variadic_parameter_declaration"
        | "var_spec"
        | "const_spec"
        | "type_spec"
        | "type_alias" => true,
        "expression_list" => p.parent().is_some_and(|g| {
            let field = match g.kind() {
                "short_var_declaration" | "range_clause" | "receive_statement" => "left",
                "type_switch_statement" => "alias",
                _ => return false,
            };
            g.child_by_field_name(field) == Some(p)
        }),
        _ => false,
    }
}

/// Where Go's API files are: `$GOROOT/api`, `/usr/lib/go/api`,
/// `/usr/local/go/api`, or a Debian `/usr/share/go-1.N/api` /
/// `/usr/lib/go-1.N/api`; of those present, the one that knows the newest
/// release.
fn api_dir() -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    if let Some(r) = std::env::var_os("GOROOT").filter(|v| !v.is_empty()) {
        dirs.push(PathBuf::from(r).join("api"));
    }
    dirs.push("/usr/lib/go/api".into());
    dirs.push("/usr/local/go/api".into());
    for base in ["/usr/share", "/usr/lib"] {
        if let Ok(rd) = std::fs::read_dir(base) {
            dirs.extend(
                rd.filter_map(|e| e.ok())
                    .filter(|e| e.file_name().to_string_lossy().starts_with("go-1."))
                    .map(|e| e.path().join("api")),
            );
        }
    }
    dirs.into_iter()
        .filter_map(|d| Some((newest_release(&d)?, d)))
        .max_by_key(|(n, _)| *n)
        .map(|(_, d)| d)
}

/// The N of the newest `go1.N.txt` in `dir`.
fn newest_release(dir: &std::path::Path) -> Option<u32> {
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| release_of(&e.file_name().to_string_lossy()))
        .max()
}

/// `go1.txt` → 0, `go1.18.txt` → 18.
fn release_of(file: &str) -> Option<u32> {
    let rest = file.strip_prefix("go1")?.strip_suffix(".txt")?;
    match rest.strip_prefix('.') {
        Some(n) => n.parse().ok(),
        None if rest.is_empty() => Some(0),
        None => None,
    }
}

/// The (package, name) an API line declares: `pkg strings, func
/// Cut(string, string) …` → (strings, Cut); `pkg syscall (linux-386),
/// const AF_ALG = 38` → (syscall, AF_ALG). Methods and fields give `None`
/// (their type's line names the type).
pub(super) fn api_line(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix("pkg ")?;
    let (pkg, decl) = rest.split_once(", ")?;
    let pkg = pkg.split(' ').next()?;
    let (kw, rest) = decl.split_once(' ')?;
    if !matches!(kw, "func" | "type" | "var" | "const") {
        return None;
    }
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    (end > 0).then(|| (pkg, &rest[..end]))
}

/// Fills in the release that added each standard-library name of
/// `findings` (`added_in`), where it is not known yet.
pub(super) fn fill_added<'a>(findings: impl Iterator<Item = &'a mut Finding>) {
    let mut todo: Vec<&mut Finding> = findings
        .filter(|f| matches!(f.kind, Kind::StdName { added: None, .. }))
        .collect();
    let wanted = todo
        .iter()
        .filter_map(|f| match &f.kind {
            Kind::StdName { package, name, .. } => Some((package.clone(), name.clone())),
            Kind::Feature { .. } => None,
        })
        .collect();
    let known = added_in(&wanted);
    for f in &mut todo {
        if let Kind::StdName {
            package,
            name,
            added,
        } = &mut f.kind
        {
            *added = known.get(&(package.clone(), name.clone())).copied();
        }
    }
}

/// The Go 1.N that added each of `wanted` (package path, name), from Go's
/// API files; names they do not list are absent. Empty without API files.
fn added_in(wanted: &BTreeSet<(String, String)>) -> BTreeMap<(String, String), u32> {
    let mut out: BTreeMap<(String, String), u32> = BTreeMap::new();
    let Some(dir) = (!wanted.is_empty()).then(api_dir).flatten() else {
        return out;
    };
    let Ok(rd) = std::fs::read_dir(&dir) else {
        return out;
    };
    for e in rd.filter_map(|e| e.ok()) {
        let Some(n) = release_of(&e.file_name().to_string_lossy()) else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(e.path()) else {
            continue;
        };
        for (pkg, name) in text.lines().filter_map(api_line) {
            let key = (pkg.to_string(), name.to_string());
            if wanted.contains(&key) {
                let v = out.entry(key).or_insert(n);
                *v = (*v).min(n);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::PathBuf;

    use super::*;
    use crate::gate::check_sources;

    /// A toolchain whose std has `strings` with `Index` only and
    /// `sync/atomic` with `AddInt64` only.
    fn std() -> StdExports {
        let mut s = StdExports::default();
        let set = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<BTreeSet<_>>();
        s.packages.insert("strings".into(), set(&["Index"]));
        s.packages.insert("sync/atomic".into(), set(&["AddInt64"]));
        s
    }

    fn find(src: &str, go_minor: u32) -> Vec<String> {
        let sources = [(PathBuf::from("/src/p/p.go"), src.to_string())];
        check_sources(&sources, go_minor, Some(&std()))
            .unwrap()
            .iter()
            .map(|f| format!("{}:{} {}", f.line, f.col, f.what))
            .collect()
    }

    #[test]
    fn names_the_std_package_lacks_are_found() {
        let src = "package p

import (
\tstr \"strings\"
\t\"sync/atomic\"
\t\"unsafe\"
)

var n atomic.Int64

func f(b []byte) (string, bool) {
\t_ = unsafe.Slice(&b[0], 1)
\t_ = unsafe.Sizeof(b)
\t_ = str.Index(\"a\", \"b\")
\ta, _, ok := str.Cut(\"a=b\", \"=\")
\treturn a, ok
}
";
        assert_eq!(
            find(src, 16),
            [
                "9:7 atomic.Int64 (sync/atomic)",
                "12:6 unsafe.Slice",
                "15:14 strings.Cut"
            ]
        );
        assert_eq!(
            find(src, 17),
            ["9:7 atomic.Int64 (sync/atomic)", "15:14 strings.Cut"]
        );
    }

    #[test]
    fn a_local_name_that_shadows_the_package_is_not_checked() {
        let src = "package p

import \"strings\"

type T struct{ Cut int }

func f(strings T) int { return strings.Cut }

func g() int {
\tfor _, strings := range []T{} {
\t\t_ = strings
\t}
\treturn 0
}

func h() { _ = strings.Cut }
";
        assert_eq!(find(src, 16), ["16:16 strings.Cut"]);
    }

    #[test]
    fn dot_blank_and_unknown_packages_are_not_checked() {
        let src = "package p

import (
\t. \"strings\"
\t_ \"sync/atomic\"
\t\"example.com/strings2\"
)

var _ = Cut
var _ = strings2.Cut
";
        assert!(find(src, 16).is_empty(), "{:?}", find(src, 16));
    }

    #[test]
    fn releases_from_the_installed_api_files() {
        if api_dir().is_none() {
            eprintln!("SKIPPED: no Go API files (api/go1.N.txt) installed");
            return;
        }
        let key = |p: &str, n: &str| (p.to_string(), n.to_string());
        let wanted: BTreeSet<_> = [
            key("strings", "Cut"),
            key("os", "ReadFile"),
            key("strings", "NoSuchName"),
        ]
        .into();
        let got = added_in(&wanted);
        assert_eq!(got.get(&key("strings", "Cut")), Some(&18));
        assert_eq!(got.get(&key("os", "ReadFile")), Some(&16));
        assert_eq!(got.get(&key("strings", "NoSuchName")), None);
    }

    #[test]
    fn api_lines() {
        assert_eq!(
            api_line("pkg strings, func Cut(string, string) (string, string, bool)"),
            Some(("strings", "Cut"))
        );
        assert_eq!(
            api_line("pkg syscall (linux-386), const AF_ALG = 38"),
            Some(("syscall", "AF_ALG"))
        );
        assert_eq!(
            api_line("pkg sync/atomic, type Int64 struct"),
            Some(("sync/atomic", "Int64"))
        );
        assert_eq!(
            api_line("pkg sync/atomic, method (*Int64) Load() int64"),
            None
        );
        assert_eq!(release_of("go1.txt"), Some(0));
        assert_eq!(release_of("go1.18.txt"), Some(18));
        assert_eq!(release_of("except.txt"), None);
    }
}
