//! Gate: before anything is compiled, find Go language features newer than
//! the selected gccgo implements and report each one as `file:line:col`
//! with the feature, the Go version that introduced it and the toolchain's
//! version, instead of letting an old gccgo fail with a bare syntax error.
//!
//! Every Go file of every package in the graph is parsed with the
//! tree-sitter Go grammar (a real parser, tolerant of errors: code it
//! cannot parse is left to the compiler). What is detected, from syntax
//! alone, and the Go release that introduced it (release notes of each
//! version, go.dev/doc/go1.N):
//!
//! | feature | Go | how |
//! | --- | --- | --- |
//! | type parameter lists, instantiation `F[int]`, `~T` and unions in interfaces, `comparable` | 1.18 | always: no gccgo up to 14 implements generics |
//! | predeclared `any` | 1.18 | unless the package declares `any` itself at package level (gccgo 12 knows `any`) |
//! | `//go:embed` | 1.16 | directive comments; with an embed-capable gccgo, its patterns are resolved here too so a bad one is reported with its position |
//! | overlapping embedded interfaces | 1.14 | an interface embedding interfaces of its own package (or declaring a method) with the same method name |
//! | `0b`, `0o`, `_` in number literals, hex floats | 1.13 | literal text |
//! | signed shift counts | 1.13 | approximate: only a count that is a conversion to a signed integer type, or a name declared with one (or `:= 0`) |
//! | standard-library names (`strings.Cut`, `atomic.Int64`, `unsafe.Slice`) | the release that added each (Go's `api/go1.N.txt`, when installed) | a selector on an imported standard package whose name the toolchain's export data for it lacks (`toolchain::StdExports`); `unsafe`'s from a table |
//!
//! Not detected (need type checking): a generic function called with
//! inferred type arguments (its declaration, somewhere in the graph, is),
//! shift counts whose signedness only inference shows, overlapping methods
//! that come from another package's interfaces (`io.ReadCloser` with
//! `io.WriteCloser`). A go.mod `go` directive newer than the toolchain is a
//! warning, not an error: the code may not use anything newer.
//!
//! The work is split by concern: `scope` gathers each package's
//! package-level declarations (read by every check), `walker` visits every
//! syntax node once and dispatches it, and one module per family of
//! features holds the checks: `generics` (Go 1.18), `interfaces`
//! (overlapping embedded interfaces, Go 1.14), `literals` (number
//! literals and signed shift counts, Go 1.13) and `stdnames` (names of
//! standard packages the toolchain's library lacks). `//go:embed` directives are
//! recognised in `walker`; their patterns are resolved by `crate::embed`.
//!
//! This module only reads source; it does not know commands, and of the
//! store it knows only where a clean package is remembered (`memo_path`).

mod generics;
mod interfaces;
mod literals;
mod scope;
pub use scope::PREDECLARED_TYPES;
mod stdnames;
mod walker;

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use anyhow::{Context as _, Result, bail};

use crate::graph::{Graph, Package};
use crate::store::Store;
use crate::toolchain::{StdExports, Toolchain};
use scope::PackageScope;
use walker::Walker;

/// The Go minor version that brought generics; no gccgo implements them.
pub const GENERICS: u32 = 18;

/// One use of a feature the toolchain may not implement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The file, as shown to the user (the package directory joined with the name).
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in bytes (as go/token and gccgo count).
    pub col: usize,
    /// What is used: a feature as a noun phrase ("type parameters"), or a
    /// standard-library name (`strings.Cut`, `atomic.Int64 (sync/atomic)`).
    pub what: String,
    /// Which of the two.
    pub kind: Kind,
}

/// What a finding is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A language feature.
    Feature {
        /// Whether `what` is plural ("are not implemented").
        plural: bool,
        /// N of the Go 1.N that introduced it.
        since: u32,
        /// Whether it is part of generics (no gccgo implements it, whatever its Go version).
        generics: bool,
    },
    /// A name of a standard package that the toolchain's library lacks.
    StdName {
        /// The package's import path (`sync/atomic`).
        package: String,
        /// The name (`Int64`).
        name: String,
        /// N of the Go 1.N that added it, when known (Go's API files).
        added: Option<u32>,
    },
}

impl Finding {
    /// Whether a toolchain implementing Go 1.`go_minor` (without generics)
    /// lacks this feature; a standard-library name is only found when the
    /// toolchain lacks it.
    pub fn unimplemented_by(&self, go_minor: u32) -> bool {
        match self.kind {
            Kind::Feature {
                since, generics, ..
            } => generics || since > go_minor,
            Kind::StdName { .. } => true,
        }
    }

    /// The paragraph for the user, e.g. `/src/p/p.go:5:7: type parameters
    /// (generics, Go 1.18) are not implemented by gccgo 12.2.0 (toolchain
    /// host, Go 1.18 without generics)`, or `/src/p/p.go:9:14: uses
    /// strings.Cut, which gccgo 11.3.0 (toolchain gccgo-11, Go 1.16) does
    /// not have (added in Go 1.18); build with a newer toolchain`.
    /// `toolchain` is from `describe`; it implements Go 1.`go_minor`.
    pub fn message(&self, toolchain: &str, go_minor: u32) -> String {
        let at = format!("{}:{}:{}", self.file.display(), self.line, self.col);
        match &self.kind {
            Kind::Feature {
                plural,
                since,
                generics,
            } => format!(
                "{at}: {} ({}Go 1.{since}) {} not implemented by {toolchain}",
                self.what,
                if *generics { "generics, " } else { "" },
                if *plural { "are" } else { "is" },
            ),
            Kind::StdName { added, .. } => {
                let why = match added {
                    Some(n) if *n > go_minor => {
                        format!(" (added in Go 1.{n}); build with a newer toolchain")
                    }
                    Some(n) => {
                        format!(" (Go has it since 1.{n}; this toolchain's library does not)")
                    }
                    None => String::new(),
                };
                format!(
                    "{at}: uses {}, which {toolchain} does not have{why}",
                    self.what
                )
            }
        }
    }
}

/// The toolchain as the messages name it: `gccgo 12.2.0 (toolchain host,
/// Go 1.18 without generics)`.
pub fn describe(tc: &Toolchain) -> String {
    format!(
        "gccgo {} (toolchain {}, {})",
        tc.gcc_version,
        tc.name,
        go_version(tc.go_minor)
    )
}

fn go_version(minor: u32) -> String {
    if minor >= GENERICS {
        format!("Go 1.{minor} without generics")
    } else {
        format!("Go 1.{minor}")
    }
}

/// Checks every Go file of every package in the graph against what `tc`
/// implements, and each module's go.mod `go` directive.
///
/// Returns the warnings (a go.mod `go` directive newer than the toolchain's
/// Go: `go.mod:3: go 1.20 is newer than Go 1.18 that gccgo 12.2.0
/// implements`; the go.mod path is relative to the current directory when
/// under it). Errors with every violation, one paragraph each, sorted by
/// file, line and column (`Finding::message`), plus `//go:embed` patterns
/// that do not resolve; or when a source file cannot be read.
///
/// `store` remembers the packages found clean (`--cache off`: none is).
pub fn check(graph: &Graph, tc: &Toolchain, store: &Store) -> Result<Vec<String>> {
    let warnings = gomod_warnings(graph, tc);
    let mut errors: Vec<(PathBuf, usize, usize, String)> = Vec::new();
    let who = describe(tc);
    let memos: Vec<(&Package, Option<PathBuf>)> = graph
        .ids()
        .map(|id| (graph.pkg(id), memo_path(store, graph.pkg(id), tc)))
        .collect();
    // The whole graph remembered clean: one file to look at, not one a package.
    let whole = graph_memo_path(store, &memos);
    if whole.as_ref().is_some_and(|m| m.exists()) {
        return Ok(warnings);
    }
    // Packages not remembered as clean, with where to remember them.
    let todo: Vec<(&Package, Option<PathBuf>)> = memos
        .into_iter()
        .filter(|(_, memo)| !memo.as_ref().is_some_and(|m| m.exists()))
        .collect();
    // Parsing dominates (~0.25 s per MB of source on one core): spread
    // large graphs over the cores, packages handed out in turn.
    let files: usize = todo.iter().map(|(p, _)| p.files.go_files.len()).sum();
    let threads = if files < 64 {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    };
    // The std's names only when a package is checked (a memo read, ~2 ms).
    let std = (!todo.is_empty()).then(|| tc.std_exports(store));
    let std = std.as_ref();
    let results: Vec<PkgResult> = crate::par::map(&todo, threads, "gate", |(p, _)| {
        check_package(p, tc.go_minor, std)
    });
    let mut found: Vec<(&Package, Vec<Finding>, Vec<String>)> = Vec::new();
    for ((pkg, memo), r) in todo.iter().zip(results) {
        let (findings, embed_errors) = r?;
        if let Some(m) = memo
            && findings.is_empty()
            && embed_errors.is_empty()
        {
            // Best effort: a memo not written is a package checked again next time.
            store.write_memo(m, b"");
        }
        found.push((pkg, findings, embed_errors));
    }
    stdnames::fill_added(found.iter_mut().flat_map(|(_, fs, _)| fs.iter_mut()));
    for (pkg, findings, embed_errors) in found {
        for f in findings {
            let msg = f.message(&who, tc.go_minor);
            errors.push((f.file, f.line, f.col, msg));
        }
        for e in embed_errors {
            // Already `file:line:col: …`; sorted after the package's findings.
            errors.push((pkg.dir.clone(), usize::MAX, 0, e));
        }
    }
    if !errors.is_empty() {
        errors.sort();
        errors.dedup();
        let text: Vec<String> = errors.into_iter().map(|e| e.3).collect();
        bail!("{}", text.join("\n"));
    }
    if let Some(m) = whole {
        store.write_memo(&m, b"");
    }
    Ok(warnings)
}

/// Where a clean check of every package of the graph is remembered: a hash
/// of their memos' names (`memo_path`); `None` when a package has none.
fn graph_memo_path(store: &Store, memos: &[(&Package, Option<PathBuf>)]) -> Option<PathBuf> {
    let mut id = String::from("gate graph 1\n");
    for (_, m) in memos {
        id.push_str(&m.as_ref()?.file_name()?.to_string_lossy());
        id.push('\n');
    }
    store.memo_path("gate", &id, "")
}

/// Where a clean check of `pkg` with `tc` is remembered: a file named by a
/// hash of the toolchain's Go version, its standard library (directory and
/// GCC version: the names it exports) and each source file's path, size
/// and modification time, so a no-op build stats files instead of parsing
/// them (parsing costs ~0.25 s per MB). `None` (always check) for a
/// package whose files import "embed": its patterns depend on the
/// directory's other files. Layout: `<cache>/v2/gate/<32 hex digits>`.
fn memo_path(store: &Store, pkg: &Package, tc: &Toolchain) -> Option<PathBuf> {
    let mut id = format!(
        "gate 2\ngo1.{}\n{}\n{}\n{}\n",
        tc.go_minor,
        tc.std_dir.display(),
        tc.gcc_version,
        pkg.dir.display()
    );
    for f in &pkg.files.go_files {
        if f.header.imports.iter().any(|i| i.path == "embed") {
            return None;
        }
        let path = pkg.files.source_path(&f.name);
        let (size, mtime) = crate::store::source_stamp(&path)?;
        id.push_str(&format!(
            "{}\n{}\n{size}\n{mtime}\n",
            f.name,
            path.display()
        ));
    }
    store.memo_path("gate", &id, "")
}

/// One package's findings and `//go:embed` errors (see `check_package`).
type PkgResult = Result<(Vec<Finding>, Vec<String>)>;

/// Reads, parses and checks one package; returns its findings that
/// Go 1.`go_minor` (with the standard names of `std`) lacks, and the
/// errors of its `//go:embed` patterns (resolved only when the toolchain
/// implements embedding).
fn check_package(pkg: &Package, go_minor: u32, std: Option<&StdExports>) -> PkgResult {
    let mut sources = Vec::new();
    for f in &pkg.files.go_files {
        let path = pkg.files.source_path(&f.name);
        let src = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        sources.push((pkg.dir.join(&f.name), src));
    }
    let parsed = parse_all(&sources)?;
    let findings = check_parsed(&parsed, go_minor, std);
    let mut embed_errors = Vec::new();
    if go_minor >= 16 {
        let mut pats = Vec::new();
        for p in &parsed {
            match crate::embed::patterns_in(&p.file, p.src, &p.tree) {
                Ok(v) => pats.extend(v.into_iter().map(|x| (p.file.clone(), x))),
                Err(e) => embed_errors.push(crate::words::error_text(&e)),
            }
        }
        if !pats.is_empty()
            && let Err(e) = crate::embed::resolve(&pkg.dir, &pats)
        {
            embed_errors.extend(e.to_string().lines().map(String::from));
        }
    }
    Ok((findings, embed_errors))
}

/// One parsed source file.
struct Parsed<'a> {
    file: PathBuf,
    src: &'a str,
    tree: tree_sitter::Tree,
}

fn parse_all(sources: &[(PathBuf, String)]) -> Result<Vec<Parsed<'_>>> {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_go::LANGUAGE.into())
        .context("loading the tree-sitter Go grammar")?;
    let mut out = Vec::new();
    for (file, src) in sources {
        let tree = parser
            .parse(src, None)
            .with_context(|| format!("parsing {}", file.display()))?;
        out.push(Parsed {
            file: file.clone(),
            src,
            tree,
        });
    }
    Ok(out)
}

/// Checks the Go files of one package, given as (path shown, contents),
/// and returns the findings that a toolchain implementing Go 1.`go_minor`
/// (without generics) lacks, sorted by file, line and column; with `std`,
/// also the uses of standard-library names it does not export (their
/// `added` is left `None`).
///
/// Errors only if the tree-sitter grammar cannot be loaded.
pub fn check_sources(
    sources: &[(PathBuf, String)],
    go_minor: u32,
    std: Option<&StdExports>,
) -> Result<Vec<Finding>> {
    Ok(check_parsed(&parse_all(sources)?, go_minor, std))
}

fn check_parsed(parsed: &[Parsed<'_>], go_minor: u32, std: Option<&StdExports>) -> Vec<Finding> {
    let mut pkg = PackageScope::default();
    for p in parsed {
        pkg.collect(p.tree.root_node(), p.src.as_bytes());
    }
    let mut out = Vec::new();
    for p in parsed {
        let imports: HashMap<String, String> =
            stdnames::file_imports(p.tree.root_node(), p.src.as_bytes(), std);
        let mut w = Walker {
            file: &p.file,
            src: p.src.as_bytes(),
            go_minor,
            pkg: &pkg,
            imports: &imports,
            std,
            out: &mut out,
        };
        w.walk(p.tree.root_node());
    }
    out.retain(|f| f.unimplemented_by(go_minor));
    out.sort_by(|a, b| (&a.file, a.line, a.col).cmp(&(&b.file, b.line, b.col)));
    out.dedup();
    out
}

/// Warnings for go.mod files of the graph's modules whose `go` directive
/// is newer than the toolchain's Go.
fn gomod_warnings(graph: &Graph, tc: &Toolchain) -> Vec<String> {
    let mut gomods: BTreeSet<PathBuf> = BTreeSet::new();
    let mut done: BTreeSet<String> = BTreeSet::new();
    for id in graph.ids() {
        let p = graph.pkg(id);
        // Packages named on the command line carry no module path; they
        // are the main module's in module mode (in GOPATH mode a go.mod
        // above them is ignored by the build, and at worst warned about).
        let key = match &p.module {
            Some(m) => m.clone(),
            None if p.is_root => format!("root {}", p.dir.display()),
            None => continue,
        };
        if !done.insert(key) {
            continue;
        }
        if let Some(f) = p
            .dir
            .ancestors()
            .map(|d| d.join("go.mod"))
            .find(|f| f.is_file())
        {
            gomods.insert(f);
        }
    }
    let mut out = Vec::new();
    for f in gomods {
        let Ok(m) = crate::gomod::GoMod::read(&f) else {
            continue;
        };
        let Some((maj, min)) = m.go_version() else {
            continue;
        };
        if (maj, min) > (1, tc.go_minor) {
            // Absolute, as every error names its file.
            out.push(format!(
                "{}:{}: go {} is newer than Go 1.{} that gccgo {} implements",
                f.display(),
                m.go_line,
                m.go.as_deref().unwrap_or(""),
                tc.go_minor,
                tc.gcc_version
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The findings of one file `/src/p/p.go` as `line:col what (1.N)`;
    /// shared by the tests of the submodules.
    pub(super) fn find(src: &str, go_minor: u32) -> Vec<String> {
        check_sources(
            &[(PathBuf::from("/src/p/p.go"), src.to_string())],
            go_minor,
            None,
        )
        .unwrap()
        .iter()
        .map(|f| match f.kind {
            Kind::Feature { since, .. } => format!("{}:{} {} (1.{since})", f.line, f.col, f.what),
            Kind::StdName { .. } => format!("{}:{} uses {}", f.line, f.col, f.what),
        })
        .collect()
    }

    #[test]
    fn a_go_1_16_program_without_new_features_passes() {
        let src = r#"// Command hello greets.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
)

type pair struct {
	k string
	v int
}

type RW interface {
	io.Reader
	io.Writer
}

func main() {
	m := map[string]int{"a": 1, "b": 2}
	var ps []pair
	for k, v := range m {
		ps = append(ps, pair{k, v})
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].k < ps[j].k })
	var x interface{} = ps
	_ = x
	var u uint = 3
	fmt.Fprintln(os.Stdout, ps, 1<<u, 0x1F, 017, 1e3, ps[0])
}
"#;
        assert!(find(src, 16).is_empty(), "{:?}", find(src, 16));
        assert!(find(src, 12).is_empty(), "{:?}", find(src, 12));
    }

    #[test]
    fn toolchain_go_version_wording() {
        assert_eq!(go_version(18), "Go 1.18 without generics");
        assert_eq!(go_version(16), "Go 1.16");
    }
}
