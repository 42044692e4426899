//! Scan: read the header of Go source files (build constraints, package
//! clause, import comment, imports with their positions) and choose a
//! directory's files for one build context, as go/build's `Import` does.
//!
//! What a file header is and which files build follow go/build (Go 1.19):
//! `parseFileHeader` and `shouldBuild` for constraints, `goodOSArchFile` for
//! file-name suffixes, `readGoInfo` for the package clause and imports. This
//! module reads only the header, never a function body; it does not know
//! where an import path lives (see `resolve`) nor how to compile anything.
//!
//! The header itself (a small lexer and parser for the package clause,
//! the import declarations and the constraint comments) is in the
//! submodule `header`; its items are re-exported here. The `#cgo` lines of
//! a cgo file's preamble are read by the submodule `cgo`. With cgo off
//! (`BuildContext::cgo_enabled`), files that import "C" are ignored, as
//! go/build ignores them.

mod cgo;
mod header;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

use crate::constraint::{self, Expr};
use crate::target;
pub use cgo::{CgoDirectives, split_quoted};
use header::constraint_lines;
pub use header::{Header, HeaderError, Import, parse_header};

/// A position in a source file: 1-based line and column (in bytes), as Go prints them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    /// The file's path.
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based byte column.
    pub col: usize,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.col)
    }
}

/// The set of build tags in force: go/build's `Context` reduced to what
/// gccgo-build needs. `Compiler` is always `gccgo`.
#[derive(Debug, Clone)]
pub struct BuildContext {
    /// Target `GOOS`.
    pub goos: String,
    /// Target `GOARCH`.
    pub goarch: String,
    /// Whether the `cgo` tag is set.
    pub cgo_enabled: bool,
    /// Tags given with `-tags`.
    pub build_tags: Vec<String>,
    /// Release tags `go1.1` … `go1.N` for the Go version the toolchain implements.
    pub release_tags: Vec<String>,
}

impl BuildContext {
    /// A context for a target; `go_minor` is N of the Go 1.N the compiler
    /// implements, which sets the release tags `go1.1` … `go1.N`.
    pub fn new(
        goos: &str,
        goarch: &str,
        go_minor: u32,
        cgo_enabled: bool,
        build_tags: Vec<String>,
    ) -> Self {
        BuildContext {
            goos: goos.into(),
            goarch: goarch.into(),
            cgo_enabled,
            build_tags,
            release_tags: (1..=go_minor).map(|n| format!("go1.{n}")).collect(),
        }
    }

    /// Whether one tag is satisfied, as go/build's `matchTag`.
    pub fn match_tag(&self, name: &str) -> bool {
        if self.cgo_enabled && name == "cgo" {
            return true;
        }
        if name == self.goos || name == self.goarch || name == "gccgo" {
            return true;
        }
        match (self.goos.as_str(), name) {
            ("android", "linux") | ("illumos", "solaris") | ("ios", "darwin") => return true,
            _ => {}
        }
        if name == "unix" && target::UNIX_OS.contains(&self.goos.as_str()) {
            return true;
        }
        self.build_tags.iter().any(|t| t == name) || self.release_tags.iter().any(|t| t == name)
    }

    /// Evaluates a constraint expression in this context.
    pub fn eval(&self, x: &Expr) -> bool {
        x.eval(&mut |t| self.match_tag(t))
    }

    /// Whether a file name's `_GOOS`, `_GOARCH` or `_GOOS_GOARCH` suffix
    /// admits it, as go/build's `goodOSArchFile`.
    pub fn good_os_arch_file(&self, name: &str) -> bool {
        let stem = name.split('.').next().unwrap_or(name);
        let Some(i) = stem.find('_') else { return true };
        let mut l: Vec<&str> = stem[i..].split('_').collect();
        if l.last() == Some(&"test") {
            l.pop();
        }
        let n = l.len();
        if n >= 2 && target::is_known_os(l[n - 2]) && target::is_known_arch(l[n - 1]) {
            return self.match_tag(l[n - 1]) && self.match_tag(l[n - 2]);
        }
        if n >= 1 && (target::is_known_os(l[n - 1]) || target::is_known_arch(l[n - 1])) {
            return self.match_tag(l[n - 1]);
        }
        true
    }
}

/// One Go source file chosen or ignored for a package.
#[derive(Debug, Clone)]
pub struct GoFile {
    /// File name within the package directory.
    pub name: String,
    /// Its parsed header.
    pub header: Header,
}

/// A directory's files sorted by the go command's categories for one build
/// context: go/build's `Package` reduced to what gccgo-build uses.
#[derive(Debug, Clone, Default)]
pub struct DirPackage {
    /// The directory.
    pub dir: PathBuf,
    /// Package name (from the chosen files).
    pub name: String,
    /// Go files that build, sorted by name (go's `GoFiles` plus `CgoFiles`).
    pub go_files: Vec<GoFile>,
    /// Names of Go files that build and import "C".
    pub cgo_files: Vec<String>,
    /// Names of Go files excluded by build constraints or name suffix.
    pub ignored_go_files: Vec<String>,
    /// `.c` files.
    pub c_files: Vec<String>,
    /// `.cc`, `.cpp` and `.cxx` files (go's `CXXFiles`), built only with cgo.
    pub cxx_files: Vec<String>,
    /// The `#cgo` directives of the cgo files that hold in this context.
    pub cgo: CgoDirectives,
    /// `.s` and `.S` files.
    pub s_files: Vec<String>,
    /// `.h`, `.hh`, `.hpp` and `.hxx` files.
    pub h_files: Vec<String>,
    /// `.syso` files.
    pub syso_files: Vec<String>,
    /// Sorted, deduplicated import paths of the chosen files (without "C").
    pub imports: Vec<String>,
    /// For each import path, every place it is imported.
    pub import_pos: BTreeMap<String, Vec<Pos>>,
    /// The import comment, if any chosen file has one.
    pub import_comment: Option<String>,
    /// Chosen files whose contents come from elsewhere (`-overlay`): file
    /// name → the replacement file the compiler must read instead.
    pub overlaid: BTreeMap<String, PathBuf>,
    /// `_test.go` files of the package itself that build (go's `TestGoFiles`).
    pub test_go_files: Vec<GoFile>,
    /// `_test.go` files of package `<name>_test` that build (go's `XTestGoFiles`).
    pub xtest_go_files: Vec<GoFile>,
    /// What is wrong with the test files (a header that does not parse, a
    /// third package name), reported only when tests are built.
    pub test_error: Option<String>,
}

impl DirPackage {
    /// The path the compiler reads for one of this package's files: the
    /// overlay's replacement when there is one, else `dir/name`.
    pub fn source_path(&self, name: &str) -> PathBuf {
        self.overlaid
            .get(name)
            .cloned()
            .unwrap_or_else(|| self.dir.join(name))
    }

    /// Sorted, deduplicated imports of the test files of the package
    /// itself (`xtest` false, go's `TestImports`) or of `<name>_test`
    /// (`xtest` true, go's `XTestImports`).
    pub fn test_imports(&self, xtest: bool) -> Vec<String> {
        let files = if xtest {
            &self.xtest_go_files
        } else {
            &self.test_go_files
        };
        let set: BTreeSet<String> = files
            .iter()
            .flat_map(|f| f.header.imports.iter().map(|i| i.path.clone()))
            .collect();
        set.into_iter().collect()
    }

    /// Whether the package has test files of either kind.
    pub fn has_tests(&self) -> bool {
        !self.test_go_files.is_empty() || !self.xtest_go_files.is_empty()
    }

    /// Go files that build and do not import "C" (go's `GoFiles`).
    pub fn plain_go_files(&self) -> Vec<String> {
        self.go_files
            .iter()
            .filter(|f| !self.cgo_files.contains(&f.name))
            .map(|f| f.name.clone())
            .collect()
    }
}

/// Why a directory does not make a package.
#[derive(Debug, thiserror::Error)]
pub enum DirError {
    /// The directory holds no buildable Go file that is not a test (go's
    /// `NoGoError`, worded as cmd/go/internal/load words it).
    #[error("{} {}", if .test_only.is_some() { "no non-test Go files in" } else { "no Go files in" }, .dir.display())]
    NoGo {
        /// The directory.
        dir: PathBuf,
        /// Whether Go files existed but all were excluded by build constraints.
        all_excluded: bool,
        /// When the directory holds test files that build: the package they
        /// make (no `go_files`, its name read from the test files as
        /// go/build reads it), which `go test` tests as it is.
        test_only: Option<Box<DirPackage>>,
    },
    /// Two package names among the chosen files (go's `MultiplePackageError`).
    #[error("found packages {a} ({fa}) and {b} ({fb}) in {}", .dir.display())]
    Multiple {
        /// The directory.
        dir: PathBuf,
        /// First package name.
        a: String,
        /// File declaring it.
        fa: String,
        /// Second package name.
        b: String,
        /// File declaring it.
        fb: String,
    },
    /// A header that does not parse.
    #[error("{}:{}", .file.display(), .err)]
    Syntax {
        /// The file.
        file: PathBuf,
        /// Line, column and message.
        err: HeaderError,
    },
    /// A malformed `//go:build` line.
    #[error("{}:{line}: parsing //go:build line: {msg}", .file.display())]
    Constraint {
        /// The file.
        file: PathBuf,
        /// The line.
        line: usize,
        /// What is wrong.
        msg: String,
    },
}

/// Where a file's contents come from: the tree, or an overlay replacing it.
pub trait SourceReader: Sync {
    /// Reads a whole file as text.
    fn read(&self, path: &Path) -> std::io::Result<String>;
    /// Lists the file names of a directory (including overlay-added files).
    fn list(&self, dir: &Path) -> std::io::Result<Vec<String>>;
    /// The file a compiler must be given for `path`: the overlay's
    /// replacement, or `None` when the file is read where it is.
    fn replacement(&self, _path: &Path) -> Option<PathBuf> {
        None
    }
}

/// Reads the file system as it is.
pub struct Disk;

impl SourceReader for Disk {
    fn read(&self, path: &Path) -> std::io::Result<String> {
        crate::store::read_text_hashed(path)
    }
    fn list(&self, dir: &Path) -> std::io::Result<Vec<String>> {
        let mut v: Vec<String> = listing(dir)?
            .iter()
            .filter(|e| e.is_file)
            .map(|e| e.name.clone())
            .collect();
        v.sort();
        Ok(v)
    }
}

/// One entry of a directory (`listing`).
#[derive(Debug, Clone)]
pub struct DirEntry {
    /// Its name.
    pub name: String,
    /// A regular file, or a symbolic link to one.
    pub is_file: bool,
}

/// A directory's listing, shared by the threads of one load.
type Listing = std::sync::Arc<Vec<DirEntry>>;

/// The listings read while a `ListingMemo` is in force.
type Listings = std::sync::Arc<std::sync::Mutex<HashMap<PathBuf, Listing>>>;

thread_local! {
    static LISTINGS: std::cell::RefCell<Option<Listings>> = const { std::cell::RefCell::new(None) };
}

/// While alive, `listing` reads each directory once: the resolver asks
/// whether a directory holds Go files, then the scanner lists it, and
/// 500 imports ask about the same 200 directories. The tree is taken as
/// unchanged for that long, as the go command's loader reads each
/// directory once. The memo belongs to the thread that started it and to
/// the threads it hands it to (`ListingMemo::adopt`); a nested start joins
/// the memo in force.
pub struct ListingMemo {
    previous: Option<Option<Listings>>,
}

impl ListingMemo {
    /// Starts remembering on this thread (or joins the memo in force).
    pub fn start() -> ListingMemo {
        match ListingMemo::current() {
            Some(_) => ListingMemo { previous: None },
            None => ListingMemo::adopt(Some(Listings::default())),
        }
    }

    /// The memo in force on this thread, to hand to another (`adopt`).
    pub fn current() -> Option<Listings> {
        LISTINGS.with(|l| l.borrow().clone())
    }

    /// Puts `memo` (from `current` on another thread) in force on this one
    /// until the guard drops.
    pub fn adopt(memo: Option<Listings>) -> ListingMemo {
        let previous = LISTINGS.with(|l| l.replace(memo));
        ListingMemo {
            previous: Some(previous),
        }
    }
}

impl Drop for ListingMemo {
    fn drop(&mut self) {
        if let Some(p) = self.previous.take() {
            LISTINGS.with(|l| *l.borrow_mut() = p);
        }
    }
}

/// The entries of `dir` (unsorted), read once while a `ListingMemo` is in
/// force. A directory entry costs no stat; a symbolic link costs one.
///
/// Errors: the directory cannot be read.
pub fn listing(dir: &Path) -> std::io::Result<Listing> {
    let memo = ListingMemo::current();
    if let Some(l) = memo
        .as_ref()
        .and_then(|m| m.lock().ok().and_then(|m| m.get(dir).cloned()))
    {
        return Ok(l);
    }
    let mut v = Vec::new();
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let ft = e.file_type()?;
        let is_file = ft.is_file()
            || (ft.is_symlink() && std::fs::metadata(e.path()).is_ok_and(|m| m.is_file()));
        v.push(DirEntry {
            name: e.file_name().to_string_lossy().into_owned(),
            is_file,
        });
    }
    let l = Listing::new(v);
    if let Some(m) = memo
        && let Ok(mut m) = m.lock()
    {
        m.insert(dir.to_path_buf(), l.clone());
    }
    Ok(l)
}

/// Puts `entries` in force as `dir`'s listing for the memo in force on
/// this thread, so that the resolver sees a directory as an `-overlay`
/// makes it (files added, deleted, a directory that exists only in the
/// overlay: `overlay::Overlay::seed_listings`). No effect without a memo.
pub fn seed_listing(dir: &Path, entries: Vec<DirEntry>) {
    if let Some(m) = ListingMemo::current()
        && let Ok(mut m) = m.lock()
    {
        m.insert(dir.to_path_buf(), Listing::new(entries));
    }
}

/// Whether a file of this name builds in `ctx` given its header, as
/// go/build's `shouldBuild` (a `//go:build` line wins over `+build` lines).
///
/// Errors when the `//go:build` line does not parse.
pub fn should_build(ctx: &BuildContext, h: &Header) -> Result<bool, (usize, String)> {
    if let Some((line, n)) = &h.go_build {
        let x = constraint::parse_go_build(line).map_err(|e| (*n, e.msg))?;
        return Ok(ctx.eval(&x));
    }
    let mut ok = true;
    for (line, _) in &h.plus_build {
        // Malformed +build lines are ignored, as go/build does.
        if let Ok(x) = constraint::parse_plus_build(line)
            && !ctx.eval(&x)
        {
            ok = false;
        }
    }
    Ok(ok)
}

/// The header of a `_test.go` file when it builds in `ctx` (name suffix
/// and build constraints), `None` when it does not.
///
/// Errors (as text, for `DirPackage::test_error`): the file cannot be
/// read, its header does not parse, or its `//go:build` line is malformed.
fn test_file(
    ctx: &BuildContext,
    path: &Path,
    name: &str,
    src: &dyn SourceReader,
    use_all: bool,
) -> Result<Option<Header>, String> {
    if !use_all && !ctx.good_os_arch_file(name) {
        return Ok(None);
    }
    let h =
        file_header(ctx, src, path, ".go", use_all).map_err(|e| crate::words::error_text(&e))?;
    if h.as_ref().is_some_and(Header::uses_cgo) {
        // go/build's words.
        return Err(format!(
            "use of cgo in test {} not supported",
            path.display()
        ));
    }
    Ok(h)
}

/// The 1-based line and byte column of the first byte of `bytes` that is
/// not valid UTF-8 (the position just past the end when all of it is).
pub fn invalid_utf8_position(bytes: &[u8]) -> (usize, usize) {
    let at = match std::str::from_utf8(bytes) {
        Ok(_) => bytes.len(),
        Err(e) => e.valid_up_to(),
    };
    header::line_col(bytes, at)
}

/// Reads a directory and chooses its files for `ctx`, as go/build's `Import`
/// (`_test.go` files, and files starting with `_` or `.`, are never chosen).
///
/// Errors: unreadable directory or file (with the path), a header syntax
/// error (`file:line:col`), a bad `//go:build` line, no buildable Go file,
/// or two package names.
pub fn scan_dir(ctx: &BuildContext, dir: &Path, src: &dyn SourceReader) -> Result<DirPackage> {
    let names = src
        .list(dir)
        .with_context(|| format!("reading directory {}", dir.display()))?;
    scan_names(ctx, dir, names, src, false)
}

/// Chooses the package made of Go files named on the command line, all in
/// `dir` (`names`, in command-line order), as the go command's
/// `GoFilesPackage` does: go/build's `ImportDir` over a directory that
/// holds only those files, with `UseAllFiles`, so build constraints and
/// `_GOOS`/`_GOARCH` suffixes do not exclude a named file (a malformed
/// `//go:build` line is still an error). Names starting with `_` or `.`
/// are still ignored and `_test.go` files are test files, as go/build has
/// it. The Go files stay in command-line order (the compiler gets them so).
///
/// Errors: as `scan_dir`.
pub fn scan_files(
    ctx: &BuildContext,
    dir: &Path,
    names: &[String],
    src: &dyn SourceReader,
) -> Result<DirPackage> {
    scan_names(ctx, dir, names.to_vec(), src, true)
}

/// `scan_dir` over the file names given; with `use_all`, go/build's
/// `UseAllFiles` (see `scan_files`).
fn scan_names(
    ctx: &BuildContext,
    dir: &Path,
    names: Vec<String>,
    src: &dyn SourceReader,
    use_all: bool,
) -> Result<DirPackage> {
    let mut p = DirPackage {
        dir: dir.to_path_buf(),
        ..Default::default()
    };
    let mut first_name: Option<(String, String)> = None;
    let mut saw_go = false;
    let mut tests: Vec<GoFile> = Vec::new();
    for name in names {
        let Some(ext) = source_ext(&name) else {
            continue;
        };
        let path = dir.join(&name);
        if ext == ".go" && name.ends_with("_test.go") {
            // Test files are not part of the package's build; go/build lists
            // those that constraints exclude among IgnoredGoFiles.
            match test_file(ctx, &path, &name, src, use_all) {
                Ok(Some(h)) => tests.push(GoFile { name, header: h }),
                Ok(None) => p.ignored_go_files.push(name),
                Err(e) => {
                    p.test_error.get_or_insert(e);
                }
            }
            continue;
        }
        saw_go |= ext == ".go";
        let h = if use_all || ctx.good_os_arch_file(&name) {
            file_header(ctx, src, &path, ext, use_all)?
        } else {
            None
        };
        let Some(h) = h else {
            if ext == ".go" {
                p.ignored_go_files.push(name);
            }
            continue;
        };
        if let Some(r) = src.replacement(&path) {
            p.overlaid.insert(name.clone(), r);
        }
        match ext {
            ".c" => p.c_files.push(name),
            ".cc" | ".cpp" | ".cxx" => p.cxx_files.push(name),
            ".s" | ".S" | ".sx" => p.s_files.push(name),
            ".h" | ".hh" | ".hpp" | ".hxx" => p.h_files.push(name),
            ".syso" => p.syso_files.push(name),
            _ => add_go_file(ctx, &mut p, &mut first_name, name, &path, h)?,
        }
    }
    match first_name {
        Some((n, _)) => p.name = n,
        None => {
            // go/build: the first file's package names the package, less
            // a `_test` suffix (its file is then an external test).
            let first = tests.first().map(|f| {
                let n = &f.header.package;
                n.strip_suffix("_test").unwrap_or(n).to_string()
            });
            let test_only = first.map(|name| {
                p.name = name;
                sort_tests(&mut p, tests);
                Box::new(p)
            });
            return Err(DirError::NoGo {
                dir: dir.to_path_buf(),
                all_excluded: saw_go,
                test_only,
            }
            .into());
        }
    }
    sort_tests(&mut p, tests);
    Ok(p)
}

/// Sorts the test files that build into the package's own
/// (`TestGoFiles`) and `<name>_test`'s (`XTestGoFiles`), as go/build does;
/// another package name is the package's `test_error`, and a file of
/// `package documentation` is ignored.
fn sort_tests(p: &mut DirPackage, tests: Vec<GoFile>) {
    let xname = format!("{}_test", p.name);
    for f in tests {
        if f.header.package == p.name {
            p.test_go_files.push(f);
        } else if f.header.package == xname {
            p.xtest_go_files.push(f);
        } else if f.header.package == "documentation" {
            p.ignored_go_files.push(f.name);
        } else if p.test_error.is_none() {
            p.test_error = Some(format!(
                "{}: found packages {} and {} in {}",
                p.dir.join(&f.name).display(),
                p.name,
                f.header.package,
                p.dir.display()
            ));
        }
    }
}

/// The extension of a file `scan_dir` considers (`.go`, `.c`, `.cc`,
/// `.cpp`, `.cxx`, `.s`, `.S`, `.sx`, `.h`, `.hh`, `.hpp`, `.hxx`,
/// `.syso`), as go/build sorts files by it; `None` for any other file and
/// for names starting with `_` or `.`, which go ignores.
fn source_ext(name: &str) -> Option<&'static str> {
    if name.starts_with('_') || name.starts_with('.') {
        return None;
    }
    let ext = &name[name.rfind('.')?..];
    [
        ".go", ".c", ".cc", ".cpp", ".cxx", ".s", ".S", ".h", ".hh", ".hpp", ".hxx", ".syso", ".sx",
    ]
    .into_iter()
    .find(|e| *e == ext)
}

/// The header of a file whose name admits it, when its build constraints
/// do too (`None` when they exclude it; with `use_all`, go/build's
/// `UseAllFiles`, never `None`, though a malformed `//go:build` line is
/// still an error). Non-Go files have constraints in
/// their header as well, as go/build reads them (`readComments`); a
/// `.syso` is binary and has none.
///
/// Errors: see `read_source`; a Go header that does not parse
/// (`DirError::Syntax`) or a bad `//go:build` line (`DirError::Constraint`).
fn file_header(
    ctx: &BuildContext,
    src: &dyn SourceReader,
    path: &Path,
    ext: &str,
    use_all: bool,
) -> Result<Option<Header>> {
    let text = if ext == ".syso" {
        String::new()
    } else {
        read_source(src, path, ext)?
    };
    let h = if ext == ".go" {
        parse_header(&text).map_err(|err| DirError::Syntax {
            file: path.to_path_buf(),
            err,
        })?
    } else {
        let mut h = Header::default();
        let _ = constraint_lines(&text, &mut h);
        h
    };
    let builds = should_build(ctx, &h).map_err(|(line, msg)| DirError::Constraint {
        file: path.to_path_buf(),
        line,
        msg,
    })?;
    Ok((builds || use_all).then_some(h))
}

/// The text of a source file, through the overlay. C or assembler text
/// that is not UTF-8 (a Latin-1 comment) is read lossily: the constraint
/// lines that matter are ASCII.
///
/// Errors: an unreadable file (with its path), or a Go file that is not
/// UTF-8, placed at its first bad byte as gccgo would place it.
fn read_source(src: &dyn SourceReader, path: &Path, ext: &str) -> Result<String> {
    let e = match src.read(path) {
        Ok(t) => return Ok(t),
        Err(e) => e,
    };
    if e.kind() != std::io::ErrorKind::InvalidData {
        return Err(anyhow::Error::new(e).context(format!("reading {}", path.display())));
    }
    let real = src.replacement(path).unwrap_or_else(|| path.to_path_buf());
    if ext != ".go" {
        return std::fs::read(&real)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .with_context(|| format!("reading {}", real.display()));
    }
    let (line, col) = std::fs::read(&real)
        .map(|b| invalid_utf8_position(&b))
        .unwrap_or((1, 1));
    bail!(
        "{}:{line}:{col}: invalid UTF-8 encoding (Go source files must be UTF-8; \
         re-encode the file, e.g. with iconv -f latin1 -t utf-8)",
        path.display()
    );
}

/// Adds a Go file that builds to `p`: its package name (the first file's
/// name is kept in `first_name` as (package, file)), import comment,
/// imports with their positions, and whether it uses cgo (then its `#cgo`
/// directives). A file of `package documentation` is ignored, as go/build
/// ignores it, and so is a cgo file when cgo is off (with its imports).
///
/// Errors: a package name other than the first file's (`DirError::Multiple`),
/// a bad `#cgo` line.
fn add_go_file(
    ctx: &BuildContext,
    p: &mut DirPackage,
    first_name: &mut Option<(String, String)>,
    name: String,
    path: &Path,
    h: Header,
) -> Result<()> {
    if h.package == "documentation" || (h.uses_cgo() && !ctx.cgo_enabled) {
        p.ignored_go_files.push(name);
        return Ok(());
    }
    match first_name {
        None => *first_name = Some((h.package.clone(), name.clone())),
        Some((pk, f)) if *pk != h.package => {
            return Err(DirError::Multiple {
                dir: p.dir.clone(),
                a: pk.clone(),
                fa: f.clone(),
                b: h.package.clone(),
                fb: name,
            }
            .into());
        }
        _ => {}
    }
    if p.import_comment.is_none() {
        p.import_comment = h.import_comment.clone();
    }
    let mut set: BTreeSet<String> = p.imports.iter().cloned().collect();
    for imp in &h.imports {
        if imp.path == "C" {
            continue;
        }
        set.insert(imp.path.clone());
        p.import_pos.entry(imp.path.clone()).or_default().push(Pos {
            file: path.to_path_buf(),
            line: imp.line,
            col: imp.col,
        });
    }
    p.imports = set.into_iter().collect();
    if h.uses_cgo() {
        if let Some(doc) = &h.cgo_doc {
            cgo::save_cgo(ctx, path, &p.dir, doc, &mut p.cgo).map_err(anyhow::Error::msg)?;
        }
        p.cgo_files.push(name.clone());
    }
    p.go_files.push(GoFile { name, header: h });
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn invalid_utf8_is_placed_by_line_and_column() {
        assert_eq!(invalid_utf8_position(b"package p\n\n// caf\xe9\n"), (3, 7));
        assert_eq!(invalid_utf8_position(b"\xff"), (1, 1));
    }

    use super::*;

    /// A linux context for `goarch` at Go 1.18 without cgo or tags; shared
    /// with the tests of `header`.
    pub(super) fn ctx(goarch: &str) -> BuildContext {
        BuildContext::new("linux", goarch, 18, false, vec![])
    }

    #[test]
    fn named_files_ignore_constraints_and_keep_their_order() {
        let d = tempfile::tempdir().unwrap();
        let w = |n: &str, t: &str| std::fs::write(d.path().join(n), t).unwrap();
        w("b.go", "package main\n");
        w("a_windows.go", "//go:build ignore\n\npackage main\n");
        w("other.go", "package main\n");
        w("_skip.go", "package main\n");
        w("bad.go", "//go:build (\n\npackage main\n");
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let p = scan_files(
            &ctx("mips"),
            d.path(),
            &names(&["b.go", "a_windows.go", "_skip.go"]),
            &Disk,
        )
        .unwrap();
        let got: Vec<&str> = p.go_files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(got, ["b.go", "a_windows.go"]);
        let e = scan_files(&ctx("mips"), d.path(), &names(&["bad.go"]), &Disk).unwrap_err();
        assert!(e.to_string().contains("parsing //go:build line"), "{e}");
        // The whole directory: constraints apply, names sorted.
        let all = scan_dir(&ctx("mips"), &d.path().join("."), &Disk);
        assert!(
            all.is_err(),
            "bad.go's //go:build line is an error there too"
        );
    }

    #[test]
    fn go_build_wins_over_plus_build() {
        let h = parse_header("//go:build linux\n// +build ignore\n\npackage a\n").unwrap();
        assert!(should_build(&ctx("mips"), &h).unwrap());
    }

    #[test]
    fn xxhash_legacy_lines_select_pure_go_for_gccgo() {
        // The lines of cespare/xxhash's xxhash_amd64.go and xxhash_other.go.
        let amd64 = parse_header(
            "// +build !appengine\n// +build gc\n// +build !purego\n\npackage xxhash\n",
        )
        .unwrap();
        let other =
            parse_header("// +build !amd64 appengine !gc purego\n\npackage xxhash\n").unwrap();
        for arch in ["amd64", "mips"] {
            assert!(!should_build(&ctx(arch), &amd64).unwrap(), "{arch}");
            assert!(should_build(&ctx(arch), &other).unwrap(), "{arch}");
        }
    }

    #[test]
    fn file_name_suffixes() {
        let c = ctx("mipsle");
        assert!(c.good_os_arch_file("x_linux.go"));
        assert!(c.good_os_arch_file("x_linux_mipsle.go"));
        assert!(!c.good_os_arch_file("x_linux_mips.go"));
        assert!(!c.good_os_arch_file("x_windows.go"));
        assert!(!c.good_os_arch_file("x_alpha.go"));
        assert!(c.good_os_arch_file("linux.go"));
        assert!(c.good_os_arch_file("x_foo.go"));
        assert!(!c.good_os_arch_file("x_darwin_test.go"));
        assert!(ctx("alpha").good_os_arch_file("syscall_linux_alpha.go"));
    }

    #[test]
    fn tags_set_for_gccgo() {
        let c = BuildContext::new("linux", "mips", 18, false, vec!["purego".into()]);
        for t in [
            "linux", "mips", "gccgo", "unix", "go1.1", "go1.18", "purego",
        ] {
            assert!(c.match_tag(t), "{t}");
        }
        for t in ["gc", "go1.19", "cgo", "mipsle", "amd64"] {
            assert!(!c.match_tag(t), "{t}");
        }
    }
}
