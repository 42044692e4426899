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
//!
//! Not detected (need type checking): a generic function called with
//! inferred type arguments (its declaration, somewhere in the graph, is),
//! shift counts whose signedness only inference shows, overlapping methods
//! that come from another package's interfaces (`io.ReadCloser` with
//! `io.WriteCloser`). A go.mod `go` directive newer than the toolchain is a
//! warning, not an error: the code may not use anything newer.
//!
//! This module only reads source; it does not know commands or the cache.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use tree_sitter::Node;

use crate::graph::{Graph, Package};
use crate::toolchain::Toolchain;

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
    /// The feature as a noun phrase, e.g. "type parameters".
    pub what: String,
    /// Whether `what` is plural ("are not implemented").
    pub plural: bool,
    /// N of the Go 1.N that introduced it.
    pub since: u32,
    /// Whether it is part of generics (no gccgo implements it, whatever its Go version).
    pub generics: bool,
}

impl Finding {
    /// Whether a toolchain implementing Go 1.`go_minor` (without generics)
    /// lacks this feature.
    pub fn unimplemented_by(&self, go_minor: u32) -> bool {
        self.generics || self.since > go_minor
    }

    /// The paragraph for the user, e.g. `/src/p/p.go:5:7: type parameters
    /// (generics, Go 1.18) are not implemented by gccgo 12.2.0 (toolchain
    /// host, Go 1.18 without generics)`. `toolchain` is from `describe`.
    pub fn message(&self, toolchain: &str) -> String {
        format!(
            "{}:{}:{}: {} ({}Go 1.{}) {} not implemented by {toolchain}",
            self.file.display(),
            self.line,
            self.col,
            self.what,
            if self.generics { "generics, " } else { "" },
            self.since,
            if self.plural { "are" } else { "is" },
        )
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
pub fn check(graph: &Graph, tc: &Toolchain) -> Result<Vec<String>> {
    let warnings = gomod_warnings(graph, tc);
    let mut errors: Vec<(PathBuf, usize, usize, String)> = Vec::new();
    let who = describe(tc);
    let memo_dir = crate::cache::default_dir().map(|d| d.join(crate::cache::FORMAT).join("gate"));
    // Packages not remembered as clean, with where to remember them.
    let mut todo: Vec<(&Package, Option<PathBuf>)> = Vec::new();
    for id in graph.ids() {
        let pkg = graph.pkg(id);
        let memo = memo_dir
            .as_ref()
            .and_then(|d| memo_path(d, pkg, tc.go_minor));
        if !memo.as_ref().is_some_and(|m| m.exists()) {
            todo.push((pkg, memo));
        }
    }
    // Parsing dominates (~0.25 s per MB of source on one core): spread
    // large graphs over the cores, packages handed out in turn.
    let files: usize = todo.iter().map(|(p, _)| p.files.go_files.len()).sum();
    let threads = if files < 64 {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    };
    let results: Vec<PkgResult> = if threads <= 1 {
        todo.iter()
            .map(|(p, _)| check_package(p, tc.go_minor))
            .collect()
    } else {
        let next = std::sync::atomic::AtomicUsize::new(0);
        let mut slots: Vec<Option<PkgResult>> = todo.iter().map(|_| None).collect();
        let done: Vec<Vec<(usize, PkgResult)>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|_| {
                    s.spawn(|| {
                        let mut mine = Vec::new();
                        loop {
                            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some((p, _)) = todo.get(i) else { break };
                            mine.push((i, check_package(p, tc.go_minor)));
                        }
                        mine
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_default())
                .collect()
        });
        for (i, r) in done.into_iter().flatten() {
            slots[i] = Some(r);
        }
        slots
            .into_iter()
            .map(|r| r.unwrap_or_else(|| Err(anyhow::anyhow!("internal: a gate worker panicked"))))
            .collect()
    };
    for ((pkg, memo), r) in todo.iter().zip(results) {
        let (findings, embed_errors) = r?;
        if let Some(m) = memo
            && findings.is_empty()
            && embed_errors.is_empty()
        {
            // Best effort: a memo not written is a package checked again next time.
            if let Some(d) = m.parent() {
                let _ = std::fs::create_dir_all(d).and_then(|_| std::fs::write(m, ""));
            }
        }
        for f in findings {
            let msg = f.message(&who);
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
    Ok(warnings)
}

/// Where a clean check of `pkg` for Go 1.`go_minor` is remembered: a file
/// named by a hash of the toolchain's Go version and each source file's
/// path, size and modification time, so a no-op build stats files instead
/// of parsing them (parsing costs ~0.25 s per MB). `None` (always check)
/// for a package whose files import "embed": its patterns depend on the
/// directory's other files. Layout: `<cache>/v1/gate/<32 hex digits>`.
fn memo_path(dir: &Path, pkg: &Package, go_minor: u32) -> Option<PathBuf> {
    use sha2::Digest as _;
    let mut h = sha2::Sha256::new();
    h.update(format!("gate 1\ngo1.{go_minor}\n{}\n", pkg.dir.display()));
    for f in &pkg.files.go_files {
        if f.header.imports.iter().any(|i| i.path == "embed") {
            return None;
        }
        let path = pkg.files.source_path(&f.name);
        let (size, mtime) = crate::cache::stamp(&path)?;
        h.update(format!("{}\n{}\n{size}\n{mtime}\n", f.name, path.display()));
    }
    Some(dir.join(crate::cache::hex(&h.finalize()[..16])))
}

/// One package's findings and `//go:embed` errors (see `check_package`).
type PkgResult = Result<(Vec<Finding>, Vec<String>)>;

/// Reads, parses and checks one package; returns its findings that
/// Go 1.`go_minor` lacks, and the errors of its `//go:embed` patterns
/// (resolved only when the toolchain implements embedding).
fn check_package(pkg: &Package, go_minor: u32) -> PkgResult {
    let mut sources = Vec::new();
    for f in &pkg.files.go_files {
        let path = pkg.files.source_path(&f.name);
        let src = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        sources.push((pkg.dir.join(&f.name), src));
    }
    let parsed = parse_all(&sources)?;
    let findings = check_parsed(&parsed, go_minor);
    let mut embed_errors = Vec::new();
    if go_minor >= 16 {
        let mut pats = Vec::new();
        for p in &parsed {
            match crate::embed::patterns_in(&p.file, p.src, &p.tree) {
                Ok(v) => pats.extend(v.into_iter().map(|x| (p.file.clone(), x))),
                Err(e) => embed_errors.push(format!("{e:#}")),
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
/// (without generics) lacks, sorted by file, line and column.
///
/// Errors only if the tree-sitter grammar cannot be loaded.
pub fn check_sources(sources: &[(PathBuf, String)], go_minor: u32) -> Result<Vec<Finding>> {
    Ok(check_parsed(&parse_all(sources)?, go_minor))
}

fn check_parsed(parsed: &[Parsed<'_>], go_minor: u32) -> Vec<Finding> {
    let mut pkg = PackageScope::default();
    for p in parsed {
        pkg.collect(p.tree.root_node(), p.src.as_bytes());
    }
    let mut out = Vec::new();
    for p in parsed {
        let mut w = Walker {
            file: &p.file,
            src: p.src.as_bytes(),
            go_minor,
            pkg: &pkg,
            out: &mut out,
        };
        w.walk(p.tree.root_node());
    }
    out.retain(|f| f.unimplemented_by(go_minor));
    out.sort_by(|a, b| (&a.file, a.line, a.col).cmp(&(&b.file, b.line, b.col)));
    out.dedup();
    out
}

/// Package-level facts gathered from every file before checking.
#[derive(Default)]
struct PackageScope {
    /// Names declared at package level (types, funcs, vars, consts).
    names: BTreeSet<String>,
    /// Package-level vars and consts with an explicit type: name → type text.
    typed: HashMap<String, String>,
    /// Package-level interface types: name → (declared methods, embedded local names).
    ifaces: HashMap<String, (Vec<String>, Vec<String>)>,
    /// Package-level functions and types declared with type parameters.
    generic: BTreeSet<String>,
}

impl PackageScope {
    fn collect(&mut self, root: Node<'_>, src: &[u8]) {
        let text = |n: Node<'_>| n.utf8_text(src).unwrap_or("").to_string();
        let mut c = root.walk();
        for decl in root.named_children(&mut c) {
            match decl.kind() {
                "function_declaration" => {
                    if let Some(n) = decl.child_by_field_name("name") {
                        if decl.child_by_field_name("type_parameters").is_some() {
                            self.generic.insert(text(n));
                        }
                        self.names.insert(text(n));
                    }
                }
                "type_declaration" => {
                    let mut c2 = decl.walk();
                    for spec in decl.named_children(&mut c2) {
                        let Some(n) = spec.child_by_field_name("name") else {
                            continue;
                        };
                        let name = text(n);
                        if spec.child_by_field_name("type_parameters").is_some() {
                            self.generic.insert(name.clone());
                        }
                        if let Some(t) = spec.child_by_field_name("type")
                            && t.kind() == "interface_type"
                            && spec.kind() == "type_spec"
                        {
                            self.ifaces.insert(name.clone(), iface_parts(t, src));
                        }
                        self.names.insert(name);
                    }
                }
                "var_declaration" | "const_declaration" => {
                    for spec in specs(decl) {
                        let ty = spec.child_by_field_name("type").map(text);
                        let mut c3 = spec.walk();
                        for n in spec.children_by_field_name("name", &mut c3) {
                            let name = text(n);
                            if let Some(t) = &ty {
                                self.typed.insert(name.clone(), t.clone());
                            }
                            self.names.insert(name);
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// The `var_spec`s / `const_spec`s of a declaration, in parenthesised
/// lists too.
fn specs(decl: Node<'_>) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    let mut c = decl.walk();
    for ch in decl.named_children(&mut c) {
        match ch.kind() {
            "var_spec" | "const_spec" => out.push(ch),
            "var_spec_list" => {
                let mut c2 = ch.walk();
                out.extend(
                    ch.named_children(&mut c2)
                        .filter(|n| n.kind() == "var_spec"),
                );
            }
            _ => {}
        }
    }
    out
}

/// An interface type's declared method names and embedded plain type names.
fn iface_parts(iface: Node<'_>, src: &[u8]) -> (Vec<String>, Vec<String>) {
    let mut methods = Vec::new();
    let mut embeds = Vec::new();
    let mut c = iface.walk();
    for el in iface.named_children(&mut c) {
        match el.kind() {
            "method_elem" => {
                if let Some(n) = el.child_by_field_name("name") {
                    methods.push(n.utf8_text(src).unwrap_or("").to_string());
                }
            }
            "type_elem" => {
                if let Some(n) = single_type_name(el) {
                    embeds.push(n.utf8_text(src).unwrap_or("").to_string());
                }
            }
            _ => {}
        }
    }
    (methods, embeds)
}

/// The `type_identifier` of a `type_elem` that is one plain name.
fn single_type_name(el: Node<'_>) -> Option<Node<'_>> {
    if el.named_child_count() != 1 {
        return None;
    }
    el.named_child(0).filter(|n| n.kind() == "type_identifier")
}

const SIGNED: &[&str] = &["int", "int8", "int16", "int32", "int64", "rune"];

const PREDECLARED_TYPES: &[&str] = &[
    "bool",
    "byte",
    "complex64",
    "complex128",
    "error",
    "float32",
    "float64",
    "int",
    "int8",
    "int16",
    "int32",
    "int64",
    "rune",
    "string",
    "uint",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "uintptr",
];

struct Walker<'a> {
    file: &'a Path,
    src: &'a [u8],
    go_minor: u32,
    pkg: &'a PackageScope,
    out: &'a mut Vec<Finding>,
}

impl Walker<'_> {
    fn text(&self, n: Node<'_>) -> &str {
        n.utf8_text(self.src).unwrap_or("")
    }

    fn add(&mut self, n: Node<'_>, what: String, plural: bool, since: u32, generics: bool) {
        let p = n.start_position();
        self.out.push(Finding {
            file: self.file.to_path_buf(),
            line: p.row + 1,
            col: p.column + 1,
            what,
            plural,
            since,
            generics,
        });
    }

    /// Short source text for a message: the node's first line, at most 40 bytes.
    fn snippet(&self, n: Node<'_>) -> String {
        let t = self.text(n).lines().next().unwrap_or("");
        if t.len() > 40 {
            let mut end = 40;
            while !t.is_char_boundary(end) {
                end -= 1;
            }
            format!("{}…", &t[..end])
        } else {
            t.to_string()
        }
    }

    fn walk(&mut self, root: Node<'_>) {
        // One cursor for the whole tree: far cheaper than a cursor per node.
        let mut c = root.walk();
        loop {
            let n = c.node();
            if (!n.is_named() || self.visit(n)) && c.goto_first_child() {
                continue;
            }
            loop {
                if c.goto_next_sibling() {
                    break;
                }
                if !c.goto_parent() {
                    return;
                }
            }
        }
    }

    /// Checks one node; returns whether to look inside it.
    fn visit(&mut self, n: Node<'_>) -> bool {
        match n.kind() {
            "ERROR" => return false,
            "type_parameter_list" => {
                // One finding for the whole list; `any`, `~T` inside it are part of it.
                self.add(n, "type parameters".into(), true, GENERICS, true);
                return false;
            }
            "generic_type" | "type_instantiation_expression" if self.instantiates(n) => {
                let what = format!("generic instantiation `{}`", self.snippet(n));
                self.add(n, what, false, GENERICS, true);
            }
            "index_expression" => {
                // `F[int]` parses as an index; an index that can only be a
                // type (a predeclared type name the package does not redeclare)
                // makes it an instantiation.
                if let Some(i) = n.child_by_field_name("index") {
                    let t = self.text(i);
                    if i.kind() == "identifier"
                        && PREDECLARED_TYPES.contains(&t)
                        && !self.pkg.names.contains(t)
                    {
                        let what = format!("generic instantiation `{}`", self.snippet(n));
                        self.add(n, what, false, GENERICS, true);
                    }
                }
            }
            "negated_type" => {
                let what = format!("approximation constraint `{}`", self.snippet(n));
                self.add(n, what, false, GENERICS, true);
                return false;
            }
            "type_elem" if n.parent().is_some_and(|p| p.kind() == "interface_type") => {
                let k = n.named_child_count();
                if k > 1 {
                    let what = format!("union constraint `{}`", self.snippet(n));
                    self.add(n, what, false, GENERICS, true);
                    return false;
                }
                if let Some(c) = n.named_child(0)
                    && !matches!(
                        c.kind(),
                        "type_identifier" | "qualified_type" | "generic_type" | "negated_type"
                    )
                {
                    let what = format!("non-interface type `{}` in an interface", self.snippet(c));
                    self.add(n, what, false, GENERICS, true);
                    return false;
                }
            }
            "type_identifier" => self.predeclared(n),
            "call_expression" => {
                // `any(x)`: a conversion written as a call.
                if let Some(f) = n.child_by_field_name("function")
                    && f.kind() == "identifier"
                {
                    self.predeclared(f);
                }
                if n.child_by_field_name("type_arguments").is_some() && self.instantiates(n) {
                    let what = format!("generic instantiation `{}`", self.snippet(n));
                    self.add(n, what, false, GENERICS, true);
                }
            }
            "comment"
                if self.go_minor < 16 && crate::embed::directive_args(self.text(n)).is_some() =>
            {
                self.add(n, "`//go:embed` directives".into(), true, 16, false);
            }
            "interface_type" if self.go_minor < 14 => self.overlap(n),
            "int_literal" | "float_literal" | "imaginary_literal" if self.go_minor < 13 => {
                self.literal(n)
            }
            "binary_expression" | "assignment_statement" if self.go_minor < 13 => self.shift(n),
            _ => {}
        }
        true
    }

    /// Whether a `generic_type` or `type_instantiation_expression` node is
    /// surely an instantiation. In a type's place (`var l List[int]`,
    /// `List[int]{}`) it is. In an expression the grammar cannot tell
    /// `F[int](x)` from a call through a map or slice of functions
    /// (`handlers[name](w)`), nor `m[a][b] = v` at the start of a statement
    /// from an instantiation, so there it counts only when an argument can
    /// only be a type (two or more arguments, a type literal such as
    /// `[]byte`, a predeclared type name the package does not redeclare) or
    /// the name is a generic function or type of this package.
    fn instantiates(&self, n: Node<'_>) -> bool {
        let (base, args): (Option<Node<'_>>, Vec<Node<'_>>) =
            if n.kind() != "type_instantiation_expression" {
                if n.kind() == "generic_type" && in_type_context(n) {
                    return true;
                }
                let mut c = n.walk();
                let args = n
                    .child_by_field_name("type_arguments")
                    .map(|ta| ta.named_children(&mut c).collect())
                    .unwrap_or_default();
                let base = n
                    .child_by_field_name("type")
                    .or_else(|| n.child_by_field_name("function"));
                (base, args)
            } else {
                let mut c = n.walk();
                let all: Vec<Node<'_>> = n.named_children(&mut c).collect();
                (all.first().copied(), all.into_iter().skip(1).collect())
            };
        if args.len() >= 2 {
            return true;
        }
        let type_only = args.iter().any(|a| {
            let a = if a.kind() == "type_elem" && a.named_child_count() == 1 {
                a.named_child(0).unwrap_or(*a)
            } else {
                *a
            };
            match a.kind() {
                "slice_type"
                | "array_type"
                | "implicit_length_array_type"
                | "map_type"
                | "channel_type"
                | "function_type"
                | "struct_type"
                | "interface_type"
                | "negated_type" => true,
                "type_identifier" | "identifier" => {
                    let t = self.text(a);
                    PREDECLARED_TYPES.contains(&t) && !self.pkg.names.contains(t)
                }
                _ => false,
            }
        });
        type_only
            || base.is_some_and(|b| {
                matches!(b.kind(), "type_identifier" | "identifier")
                    && self.pkg.generic.contains(self.text(b))
            })
    }

    /// `any` (Go 1.18; gccgo 12 has it) and `comparable` (generics) used
    /// as predeclared identifiers, unless the package declares them.
    fn predeclared(&mut self, n: Node<'_>) {
        let t = self.text(n);
        if !matches!(t, "any" | "comparable") || self.pkg.names.contains(t) {
            return;
        }
        let generics = t == "comparable";
        self.add(n, format!("predeclared `{t}`"), false, GENERICS, generics);
    }

    /// Go 1.13 number literals: `0b`/`0o` prefixes, `_` separators, hex floats.
    fn literal(&mut self, n: Node<'_>) {
        let t = self.text(n).to_string();
        let lower = t.to_ascii_lowercase();
        let what = if lower.starts_with("0b") {
            "binary literal"
        } else if lower.starts_with("0o") {
            "octal literal with 0o prefix"
        } else if lower.starts_with("0x") && n.kind() == "float_literal" {
            "hexadecimal floating-point literal"
        } else if t.contains('_') {
            "digit separator `_` in number literal"
        } else {
            return;
        };
        self.add(n, format!("{what} `{t}`"), false, 13, false);
    }

    /// Shifts whose count is known to be of a signed integer type (Go 1.13).
    fn shift(&mut self, n: Node<'_>) {
        let Some(op) = n.child_by_field_name("operator") else {
            return;
        };
        if !matches!(op.kind(), "<<" | ">>" | "<<=" | ">>=") {
            return;
        }
        let Some(right) = n.child_by_field_name("right") else {
            return;
        };
        // `x <<= n` has an expression_list on the right.
        let right = if right.kind() == "expression_list" {
            match right.named_child(0) {
                Some(r) => r,
                None => return,
            }
        } else {
            right
        };
        let right = unparen(right);
        let ty = match right.kind() {
            "call_expression" | "type_conversion_expression" => {
                let f = right
                    .child_by_field_name("function")
                    .or_else(|| right.child_by_field_name("type"));
                f.map(|f| self.text(f).to_string())
                    .filter(|f| !self.pkg.names.contains(f.as_str()))
            }
            "identifier" => self.declared_type(right),
            _ => None,
        };
        if let Some(ty) = ty.filter(|t| SIGNED.contains(&t.as_str())) {
            let what = format!("shift count `{}` of signed type {ty}", self.snippet(right));
            self.add(right, what, false, 13, false);
        }
    }

    /// The declared type of an identifier, found lexically: the innermost
    /// enclosing function, block or statement that declares it before the
    /// use, else a package-level var or const with a type. `None` when
    /// unknown (inferred from anything but an integer literal or a
    /// conversion).
    fn declared_type(&self, id: Node<'_>) -> Option<String> {
        let name = self.text(id).to_string();
        let at = id.start_byte();
        let mut cur = id.parent();
        while let Some(scope) = cur {
            if let Some(found) = self.declared_in(scope, &name, at) {
                return found;
            }
            cur = scope.parent();
        }
        self.pkg.typed.get(&name).cloned()
    }

    /// Looks for `name` declared directly by `scope` before byte `at`:
    /// `Some(Some(type))` known, `Some(None)` declared but unknown, `None`
    /// not declared here.
    fn declared_in(&self, scope: Node<'_>, name: &str, at: usize) -> Option<Option<String>> {
        let mut found: Option<Option<String>> = None;
        let consider = |d: Node<'_>, found: &mut Option<Option<String>>| {
            if d.start_byte() >= at {
                return;
            }
            if let Some(t) = self.declares(d, name) {
                *found = Some(t);
            }
        };
        match scope.kind() {
            "function_declaration" | "method_declaration" | "func_literal" => {
                for field in ["receiver", "parameters", "result"] {
                    if let Some(pl) = scope.child_by_field_name(field) {
                        let mut c = pl.walk();
                        for p in pl.named_children(&mut c) {
                            consider(p, &mut found);
                        }
                    }
                }
            }
            "block" | "statement_list" | "source_file" => {
                let mut c = scope.walk();
                for s in scope.named_children(&mut c) {
                    consider(s, &mut found);
                }
            }
            "for_statement" => {
                let mut c = scope.walk();
                for s in scope.named_children(&mut c) {
                    match s.kind() {
                        "for_clause" => {
                            if let Some(i) = s.child_by_field_name("initializer") {
                                consider(i, &mut found);
                            }
                        }
                        "range_clause" => consider(s, &mut found),
                        _ => {}
                    }
                }
            }
            "if_statement" | "expression_switch_statement" | "type_switch_statement" => {
                if let Some(i) = scope.child_by_field_name("initializer") {
                    consider(i, &mut found);
                }
            }
            _ => {}
        }
        found
    }

    /// Whether declaration `d` declares `name`: `Some(Some(type))` with a
    /// known type, `Some(None)` unknown; `None` when it does not.
    fn declares(&self, d: Node<'_>, name: &str) -> Option<Option<String>> {
        let names_of = |spec: Node<'_>| -> bool {
            let mut c = spec.walk();

            spec.children_by_field_name("name", &mut c)
                .any(|n| self.text(n) == name)
        };
        match d.kind() {
            "parameter_declaration" | "variadic_parameter_declaration" => {
                if names_of(d) {
                    let t = d
                        .child_by_field_name("type")
                        .map(|t| self.text(t).to_string());
                    let t = t.filter(|_| d.kind() == "parameter_declaration");
                    return Some(t);
                }
                None
            }
            "var_declaration" | "const_declaration" => {
                let mut hit = None;
                for spec in specs(d) {
                    if names_of(spec) {
                        let ty = spec
                            .child_by_field_name("type")
                            .map(|t| self.text(t).to_string());
                        // `const c = 1` is untyped; `var v = 1` is an int.
                        let ty = ty.or_else(|| {
                            if spec.kind() != "var_spec" {
                                return None;
                            }
                            let v = spec.child_by_field_name("value")?.named_child(0)?;
                            self.literal_type(v)
                        });
                        hit = Some(ty);
                    }
                }
                hit
            }
            "short_var_declaration" | "range_clause" => {
                let left = d.child_by_field_name("left")?;
                let mut c = left.walk();
                let pos = left
                    .named_children(&mut c)
                    .position(|n| self.text(n) == name)?;
                if d.kind() == "range_clause" {
                    return Some(None);
                }
                let right = d.child_by_field_name("right")?;
                Some(right.named_child(pos).and_then(|v| self.literal_type(v)))
            }
            _ => None,
        }
    }

    /// The type of `0`-like integer literals (`int`) and of conversions to a
    /// predeclared type written as calls (`int64(x)`).
    fn literal_type(&self, v: Node<'_>) -> Option<String> {
        let v = unparen(v);
        match v.kind() {
            "int_literal" | "rune_literal" => Some(
                if v.kind() == "int_literal" {
                    "int"
                } else {
                    "rune"
                }
                .into(),
            ),
            "call_expression" => {
                let f = self.text(v.child_by_field_name("function")?);
                (PREDECLARED_TYPES.contains(&f) && !self.pkg.names.contains(f))
                    .then(|| f.to_string())
            }
            _ => None,
        }
    }

    /// Overlapping methods among an interface's declared methods and the
    /// interfaces of this package it embeds (Go 1.14).
    fn overlap(&mut self, iface: Node<'_>) {
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        let mut c = iface.walk();
        let children: Vec<Node<'_>> = iface.named_children(&mut c).collect();
        for el in children {
            let (from, methods) = match el.kind() {
                "method_elem" => {
                    let Some(n) = el.child_by_field_name("name") else {
                        continue;
                    };
                    ("this interface".to_string(), vec![self.text(n).to_string()])
                }
                "type_elem" => {
                    let Some(n) = single_type_name(el) else {
                        continue;
                    };
                    let name = self.text(n).to_string();
                    if !self.pkg.ifaces.contains_key(&name) {
                        continue;
                    }
                    let mut ms = BTreeSet::new();
                    method_set(&self.pkg.ifaces, &name, &mut BTreeSet::new(), &mut ms);
                    (format!("`{name}`"), ms.into_iter().collect())
                }
                _ => continue,
            };
            for m in methods {
                match seen.get(&m) {
                    Some(first) if *first != from => {
                        let what = format!(
                            "overlapping embedded interfaces (method `{m}` comes from both {first} and {from})"
                        );
                        self.add(el, what, false, 14, false);
                    }
                    _ => {
                        seen.insert(m, from.clone());
                    }
                }
            }
        }
    }
}

/// All method names of a package-level interface, following embedded
/// interfaces of the same package (cycles stop).
fn method_set(
    ifaces: &HashMap<String, (Vec<String>, Vec<String>)>,
    name: &str,
    visiting: &mut BTreeSet<String>,
    out: &mut BTreeSet<String>,
) {
    if !visiting.insert(name.to_string()) {
        return;
    }
    if let Some((methods, embeds)) = ifaces.get(name) {
        out.extend(methods.iter().cloned());
        for e in embeds {
            method_set(ifaces, e, visiting, out);
        }
    }
}

/// Whether a type node stands where only a type can: climbing through
/// enclosing type syntax, the first other node is a declaration, a
/// composite literal's type, a type assertion or switch case, or a
/// signature.
fn in_type_context(n: Node<'_>) -> bool {
    let mut cur = n;
    while let Some(p) = cur.parent() {
        match p.kind() {
            "pointer_type"
            | "slice_type"
            | "array_type"
            | "implicit_length_array_type"
            | "map_type"
            | "channel_type"
            | "parenthesized_type"
            | "type_elem"
            | "type_arguments"
            | "generic_type"
            | "function_type"
            | "parameter_list"
            | "field_declaration_list"
            | "struct_type" => cur = p,
            "var_spec"
            | "const_spec"
            | "parameter_declaration"
            | "variadic_parameter_declaration"
            | "field_declaration"
            | "type_spec"
            | "type_alias"
            | "composite_literal"
            | "type_assertion_expression"
            | "type_case"
            | "function_declaration"
            | "method_declaration"
            | "func_literal"
            | "method_elem"
            | "type_constraint"
            | "interface_type" => return true,
            _ => return false,
        }
    }
    false
}

fn unparen(mut n: Node<'_>) -> Node<'_> {
    while n.kind() == "parenthesized_expression" {
        match n.named_child(0) {
            Some(c) => n = c,
            None => break,
        }
    }
    n
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
    let cwd = std::env::current_dir().ok();
    let mut out = Vec::new();
    for f in gomods {
        let Ok(m) = crate::gomod::GoMod::read(&f) else {
            continue;
        };
        let Some((maj, min)) = m.go_version() else {
            continue;
        };
        if (maj, min) > (1, tc.go_minor) {
            let shown = cwd
                .as_deref()
                .and_then(|c| f.strip_prefix(c).ok())
                .unwrap_or(&f);
            out.push(format!(
                "{}:{}: go {} is newer than Go 1.{} that gccgo {} implements",
                shown.display(),
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

    fn find(src: &str, go_minor: u32) -> Vec<String> {
        check_sources(&[(PathBuf::from("/src/p/p.go"), src.to_string())], go_minor)
            .unwrap()
            .iter()
            .map(|f| format!("{}:{} {} (1.{})", f.line, f.col, f.what, f.since))
            .collect()
    }

    #[test]
    fn type_parameters_are_found_at_the_bracket() {
        let src =
            "package p\n\nimport \"fmt\"\n\nfunc F[T any](x T) T { fmt.Println(x); return x }\n";
        assert_eq!(find(src, 18), vec!["5:7 type parameters (1.18)"]);
        let f = &check_sources(&[(PathBuf::from("/src/p/p.go"), src.into())], 18).unwrap()[0];
        assert_eq!(
            f.message("gccgo 12.2.0 (toolchain host, Go 1.18 without generics)"),
            "/src/p/p.go:5:7: type parameters (generics, Go 1.18) are not implemented by \
             gccgo 12.2.0 (toolchain host, Go 1.18 without generics)"
        );
    }

    #[test]
    fn generic_types_instantiation_and_constraints() {
        let src = "package p\n\
                   type Number interface {\n\
                   \t~int | ~float64\n\
                   }\n\
                   type Eq interface{ comparable }\n\
                   type List[T any] struct{ x T }\n\
                   func g() {\n\
                   \tvar l List[int]\n\
                   \t_ = Sum[int](1)\n\
                   \t_ = Sum[string]\n\
                   \t_ = l\n\
                   }\n";
        assert_eq!(
            find(src, 18),
            vec![
                "3:2 union constraint `~int | ~float64` (1.18)",
                "5:20 predeclared `comparable` (1.18)",
                "6:10 type parameters (1.18)",
                "8:8 generic instantiation `List[int]` (1.18)",
                "9:6 generic instantiation `Sum[int]` (1.18)",
                "10:6 generic instantiation `Sum[string]` (1.18)",
            ]
        );
        // A lone `~T` element.
        assert_eq!(
            find("package p\ntype S interface{ ~string }\n", 18),
            vec!["2:19 approximation constraint `~string` (1.18)"]
        );
    }

    /// Found on golang.org/x/tools/godoc/versions.go: the grammar reads
    /// `m[a][b] = v` and `handlers[name](w)` as instantiations.
    #[test]
    fn index_then_call_or_assign_is_not_an_instantiation() {
        let src = "package p\n\
                   func G[T any](x T) T { return x }\n\
                   func f() {\n\
                   \tpkgi.fieldSince[row.structName][row.name] = ver\n\
                   \thandlers[name](w)\n\
                   \t_ = fs[i](x)\n\
                   \t_ = G[T](x)\n\
                   \t_ = pkg.F[int, bool](x)\n\
                   \t_ = pkg.F[[]byte](x)\n\
                   \t_ = pkg.F[K](x)\n\
                   \tvar v pkg.List[K]\n\
                   \t_ = v\n\
                   }\n";
        assert_eq!(
            find(src, 18),
            vec![
                "2:7 type parameters (1.18)",
                "7:6 generic instantiation `G[T]` (1.18)",
                "8:6 generic instantiation `pkg.F[int, bool]` (1.18)",
                "9:6 generic instantiation `pkg.F[[]byte]` (1.18)",
                "11:8 generic instantiation `pkg.List[K]` (1.18)",
            ]
        );
    }

    #[test]
    fn any_is_go_1_18_unless_declared_by_the_package() {
        let src = "package p\n\nfunc f(x any) { _ = any(x) }\n";
        assert_eq!(
            find(src, 16),
            vec![
                "3:10 predeclared `any` (1.18)",
                "3:21 predeclared `any` (1.18)"
            ]
        );
        // gccgo 12 (Go 1.18 without generics) has `any`.
        assert!(find(src, 18).is_empty());
        let two = [
            (
                PathBuf::from("/p/a.go"),
                "package p\n\nfunc f(x any) {}\n".to_string(),
            ),
            (
                PathBuf::from("/p/b.go"),
                "package p\n\ntype any = interface{}\n".to_string(),
            ),
        ];
        assert!(check_sources(&two, 16).unwrap().is_empty());
        // Only package-level declarations count, but a local *variable*
        // named `any` used as a value is not a type use.
        assert!(find("package p\nfunc f() { any := 1; _ = any }\n", 16).is_empty());
    }

    #[test]
    fn go_embed_is_go_1_16() {
        let src = "package p\n\nimport _ \"embed\"\n\n//go:embed hello.txt\nvar s string\n";
        assert_eq!(find(src, 14), vec!["5:1 `//go:embed` directives (1.16)"]);
        assert!(find(src, 16).is_empty());
    }

    #[test]
    fn go_1_13_number_literals() {
        let src = "package p\nconst (\n\ta = 0b101\n\tb = 0O17\n\tc = 1_000_000\n\td = 0x1p-2\n\te = 0x1F\n\tf = 017\n\tg = 1.5e3\n)\n";
        assert_eq!(
            find(src, 12),
            vec![
                "3:6 binary literal `0b101` (1.13)",
                "4:6 octal literal with 0o prefix `0O17` (1.13)",
                "5:6 digit separator `_` in number literal `1_000_000` (1.13)",
                "6:6 hexadecimal floating-point literal `0x1p-2` (1.13)",
            ]
        );
        assert!(find(src, 13).is_empty());
    }

    #[test]
    fn signed_shift_counts_when_the_declaration_says_so() {
        let src = "package p\n\
                   var k int64 = 2\n\
                   const c = 3\n\
                   var vi = 1\n\
                   func f(x uint, n int, u uint) uint {\n\
                   \tfor i := 0; i < 3; i++ {\n\
                   \t\tx = x << i\n\
                   \t}\n\
                   \tx >>= n\n\
                   \t_ = x << u\n\
                   \t_ = x << int32(u)\n\
                   \t_ = x << k\n\
                   \t_ = x << c\n\
                   \t_ = x << vi\n\
                   \t_ = x << 3\n\
                   \t{\n\
                   \t\tn := u\n\
                   \t\t_ = x << n\n\
                   \t}\n\
                   \treturn x << uint(n)\n\
                   }\n";
        assert_eq!(
            find(src, 12),
            vec![
                "7:12 shift count `i` of signed type int (1.13)",
                "9:8 shift count `n` of signed type int (1.13)",
                "11:11 shift count `int32(u)` of signed type int32 (1.13)",
                "12:11 shift count `k` of signed type int64 (1.13)",
                "14:11 shift count `vi` of signed type int (1.13)",
            ]
        );
        assert!(find(src, 13).is_empty());
    }

    #[test]
    fn overlapping_embedded_interfaces_of_the_package() {
        let src = "package p\n\
                   type Closer interface{ Close() error }\n\
                   type RC interface{ Closer; Read() }\n\
                   type WC interface{ Closer; Write() }\n\
                   type RWC interface {\n\
                   \tRC\n\
                   \tWC\n\
                   }\n\
                   type X interface {\n\
                   \tRead()\n\
                   \tRC\n\
                   }\n\
                   type Fine interface{ RC; Write() }\n";
        assert_eq!(
            find(src, 12),
            vec![
                "7:2 overlapping embedded interfaces (method `Close` comes from both `RC` and `WC`) (1.14)",
                "11:2 overlapping embedded interfaces (method `Read` comes from both this interface and `RC`) (1.14)",
            ]
        );
        assert!(find(src, 14).is_empty());
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
