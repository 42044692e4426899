//! Scan: read the header of Go source files (build constraints, package
//! clause, import comment, imports with their positions) and choose a
//! directory's files for one build context, as go/build's `Import` does.
//!
//! What a file header is and which files build follow go/build (Go 1.19):
//! `parseFileHeader` and `shouldBuild` for constraints, `goodOSArchFile` for
//! file-name suffixes, `readGoInfo` for the package clause and imports. This
//! module reads only the header, never a function body; it does not know
//! where an import path lives (see `resolve`) nor how to compile anything.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

use crate::constraint::{self, Expr};
use crate::target;

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

/// One import of a file: the path and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    /// The unquoted import path.
    pub path: String,
    /// 1-based line of the path literal.
    pub line: usize,
    /// 1-based byte column of the path literal.
    pub col: usize,
}

/// What the header of one Go file says.
#[derive(Debug, Clone, Default)]
pub struct Header {
    /// The package name from the package clause.
    pub package: String,
    /// Line of the package clause.
    pub package_line: usize,
    /// Column of the package name.
    pub package_col: usize,
    /// An import comment (`package x // import "path"`), if any.
    pub import_comment: Option<String>,
    /// The imports, in file order (including `"C"`).
    pub imports: Vec<Import>,
    /// The `//go:build` line of the header, if any, with its line number.
    pub go_build: Option<(String, usize)>,
    /// The legacy `// +build` lines that count (those before the last blank
    /// line preceding the first non-comment text), with line numbers.
    pub plus_build: Vec<(String, usize)>,
}

impl Header {
    /// Whether the file imports "C" (a cgo file).
    pub fn uses_cgo(&self) -> bool {
        self.imports.iter().any(|i| i.path == "C")
    }
}

/// A syntax error in a file header, with its line and column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{col}: {msg}")]
pub struct HeaderError {
    /// 1-based line.
    pub line: usize,
    /// 1-based byte column.
    pub col: usize,
    /// What is wrong, in go/parser's words.
    pub msg: String,
}

/// Parses the header of a Go source file (all of it up to the first
/// declaration that is not an import).
///
/// Errors with line and column on text the go command would also reject
/// before the first declaration: no package clause, a bad import spec, an
/// unterminated string or comment, or two `//go:build` lines.
pub fn parse_header(src: &str) -> Result<Header, HeaderError> {
    let mut h = Header::default();
    constraint_lines(src, &mut h)?;
    let mut lx = Lexer { src, pos: 0 };
    let tok = lx.next()?;
    match tok.kind {
        TokKind::Ident if tok.text == "package" => {}
        _ => {
            return Err(lx.error_at(
                tok.start,
                format!("expected 'package', found {}", tok.describe()),
            ));
        }
    }
    h.package_line = lx.line_col(tok.start).0;
    let name = lx.next()?;
    if name.kind != TokKind::Ident {
        return Err(lx.error_at(
            name.start,
            format!("expected package name, found {}", name.describe()),
        ));
    }
    (_, h.package_col) = lx.line_col(name.start);
    h.package = name.text.to_string();
    h.import_comment =
        import_comment(&src[lx.pos..src[lx.pos..].find('\n').map_or(src.len(), |i| lx.pos + i)]);
    loop {
        let mut t = lx.next()?;
        while t.kind == TokKind::Punct && t.text == ";" {
            t = lx.next()?;
        }
        if !(t.kind == TokKind::Ident && t.text == "import") {
            break;
        }
        let t = lx.next()?;
        if t.kind == TokKind::Punct && t.text == "(" {
            loop {
                let mut s = lx.next()?;
                while s.kind == TokKind::Punct && s.text == ";" {
                    s = lx.next()?;
                }
                if s.kind == TokKind::Punct && s.text == ")" {
                    break;
                }
                let imp = import_spec(&mut lx, s)?;
                h.imports.push(imp);
            }
        } else {
            let imp = import_spec(&mut lx, t)?;
            h.imports.push(imp);
        }
    }
    Ok(h)
}

fn import_spec(lx: &mut Lexer<'_>, first: Tok<'_>) -> Result<Import, HeaderError> {
    let mut t = first;
    if t.kind == TokKind::Ident || (t.kind == TokKind::Punct && t.text == ".") {
        t = lx.next()?;
    }
    match t.kind {
        TokKind::Str(ref v) => {
            let (line, col) = lx.line_col(t.start);
            if v.is_empty() {
                return Err(lx.error_at(t.start, "invalid import path: \"\"".into()));
            }
            Ok(Import {
                path: v.clone(),
                line,
                col,
            })
        }
        _ => Err(lx.error_at(
            t.start,
            format!("expected import path, found {}", t.describe()),
        )),
    }
}

/// Recognises `// import "path"` or `/* import "path" */` after a package clause.
fn import_comment(rest: &str) -> Option<String> {
    let rest = rest.trim_start();
    let body = if let Some(b) = rest.strip_prefix("//") {
        b
    } else {
        rest.strip_prefix("/*")?.split("*/").next()?
    };
    let b = body.trim().strip_prefix("import")?;
    if !b.starts_with([' ', '\t']) {
        return None;
    }
    let q = b.trim();
    let inner = q.strip_prefix('"')?.strip_suffix('"')?;
    Some(inner.to_string())
}

/// Finds the `//go:build` line and the `// +build` lines that count, as
/// go/build's `parseFileHeader` (blank lines and `//` comments before the
/// first other text; `+build` lines only before the last blank line).
fn constraint_lines(src: &str, h: &mut Header) -> Result<(), HeaderError> {
    let mut end_line = 0usize; // lines before this number are "before the last blank line"
    let mut ended = false;
    let mut in_block = false;
    let mut candidates = Vec::new();
    'lines: for (idx, raw) in src.split('\n').enumerate() {
        let lineno = idx + 1;
        let mut line = raw.trim();
        if line.is_empty() && !ended {
            end_line = lineno;
            continue;
        }
        if !line.starts_with("//") {
            ended = true;
        }
        if !in_block && constraint::is_go_build(line) {
            if h.go_build.is_some() {
                return Err(HeaderError {
                    line: lineno,
                    col: 1,
                    msg: "multiple //go:build comments".into(),
                });
            }
            h.go_build = Some((line.to_string(), lineno));
        }
        if !in_block && constraint::is_plus_build(line) {
            candidates.push((line.to_string(), lineno));
        }
        loop {
            if line.is_empty() {
                continue 'lines;
            }
            if in_block {
                match line.find("*/") {
                    Some(i) => {
                        in_block = false;
                        line = line[i + 2..].trim();
                        continue;
                    }
                    None => continue 'lines,
                }
            }
            if line.starts_with("//") {
                continue 'lines;
            }
            if let Some(r) = line.strip_prefix("/*") {
                in_block = true;
                line = r.trim();
                continue;
            }
            break 'lines;
        }
    }
    h.plus_build = candidates
        .into_iter()
        .filter(|(_, l)| *l < end_line)
        .collect();
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum TokKind {
    Ident,
    Str(String),
    Punct,
    Other,
    Eof,
}

#[derive(Debug, Clone)]
struct Tok<'a> {
    kind: TokKind,
    text: &'a str,
    start: usize,
}

impl Tok<'_> {
    fn describe(&self) -> String {
        match self.kind {
            TokKind::Eof => "EOF".into(),
            _ => format!("'{}'", self.text),
        }
    }
}

/// A minimal Go lexer: identifiers, string literals, punctuation; comments skipped.
struct Lexer<'a> {
    src: &'a str,
    pos: usize,
}

impl<'a> Lexer<'a> {
    fn line_col(&self, off: usize) -> (usize, usize) {
        let before = &self.src[..off];
        let line = before.matches('\n').count() + 1;
        let col = off - before.rfind('\n').map_or(0, |i| i + 1) + 1;
        (line, col)
    }

    fn error_at(&self, off: usize, msg: String) -> HeaderError {
        let (line, col) = self.line_col(off);
        HeaderError { line, col, msg }
    }

    fn next(&mut self) -> Result<Tok<'a>, HeaderError> {
        let b = self.src.as_bytes();
        loop {
            while self.pos < b.len() && b[self.pos].is_ascii_whitespace() {
                // A newline after an import spec is an implicit ';'; the parser
                // tolerates its absence, so newlines are plain space here.
                self.pos += 1;
            }
            if self.src[self.pos..].starts_with("//") {
                self.pos = self.src[self.pos..]
                    .find('\n')
                    .map_or(b.len(), |i| self.pos + i);
                continue;
            }
            if self.src[self.pos..].starts_with("/*") {
                match self.src[self.pos + 2..].find("*/") {
                    Some(i) => self.pos += 2 + i + 2,
                    None => return Err(self.error_at(self.pos, "comment not terminated".into())),
                }
                continue;
            }
            break;
        }
        let start = self.pos;
        if start >= b.len() {
            return Ok(Tok {
                kind: TokKind::Eof,
                text: "",
                start,
            });
        }
        let c = self.src[start..].chars().next().unwrap_or('\0');
        if c.is_alphabetic() || c == '_' {
            let end = self.src[start..]
                .char_indices()
                .find(|&(_, d)| !(d.is_alphanumeric() || d == '_'))
                .map_or(b.len(), |(i, _)| start + i);
            self.pos = end;
            return Ok(Tok {
                kind: TokKind::Ident,
                text: &self.src[start..end],
                start,
            });
        }
        if c == '"' {
            let mut val = String::new();
            let mut chars = self.src[start + 1..].char_indices();
            while let Some((i, d)) = chars.next() {
                match d {
                    '"' => {
                        self.pos = start + 1 + i + 1;
                        return Ok(Tok {
                            kind: TokKind::Str(val),
                            text: &self.src[start..self.pos],
                            start,
                        });
                    }
                    '\\' => match chars.next() {
                        Some((_, e)) => val.push(match e {
                            'n' => '\n',
                            't' => '\t',
                            '\\' => '\\',
                            '"' => '"',
                            other => other,
                        }),
                        None => break,
                    },
                    '\n' => break,
                    d => val.push(d),
                }
            }
            return Err(self.error_at(start, "string literal not terminated".into()));
        }
        if c == '`' {
            return match self.src[start + 1..].find('`') {
                Some(i) => {
                    self.pos = start + 1 + i + 1;
                    let val = self.src[start + 1..start + 1 + i].to_string();
                    Ok(Tok {
                        kind: TokKind::Str(val),
                        text: &self.src[start..self.pos],
                        start,
                    })
                }
                None => Err(self.error_at(start, "raw string literal not terminated".into())),
            };
        }
        self.pos = start + c.len_utf8();
        let kind = if "();.".contains(c) {
            TokKind::Punct
        } else {
            TokKind::Other
        };
        Ok(Tok {
            kind,
            text: &self.src[start..self.pos],
            start,
        })
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
    /// `.s` and `.S` files.
    pub s_files: Vec<String>,
    /// `.h` files.
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
    /// The directory holds no buildable Go file (go's `NoGoError`).
    #[error("no Go files in {0}", .dir.display())]
    NoGo {
        /// The directory.
        dir: PathBuf,
        /// Whether Go files existed but all were excluded by build constraints.
        all_excluded: bool,
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
pub trait SourceReader {
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
        std::fs::read_to_string(path)
    }
    fn list(&self, dir: &Path) -> std::io::Result<Vec<String>> {
        let mut v = Vec::new();
        for e in std::fs::read_dir(dir)? {
            let e = e?;
            if e.file_type()?.is_file()
                || std::fs::metadata(e.path())
                    .map(|m| m.is_file())
                    .unwrap_or(false)
            {
                v.push(e.file_name().to_string_lossy().into_owned());
            }
        }
        v.sort();
        Ok(v)
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

/// Whether a `_test.go` file would build in `ctx` (name suffix and build
/// constraints); an unreadable or unparsable one counts as building, so it
/// is left out of `IgnoredGoFiles` rather than failing the package.
fn test_file_builds(ctx: &BuildContext, path: &Path, name: &str, src: &dyn SourceReader) -> bool {
    if !ctx.good_os_arch_file(name) {
        return false;
    }
    let Ok(text) = src.read(path) else {
        return true;
    };
    let mut h = Header::default();
    if constraint_lines(&text, &mut h).is_err() {
        return true;
    }
    should_build(ctx, &h).unwrap_or(true)
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
    let mut p = DirPackage {
        dir: dir.to_path_buf(),
        ..Default::default()
    };
    let mut first_name: Option<(String, String)> = None;
    let mut saw_go = false;
    for name in names {
        if name.starts_with('_') || name.starts_with('.') {
            continue;
        }
        let ext = match name.rfind('.') {
            Some(i) => &name[i..],
            None => continue,
        };
        if !matches!(ext, ".go" | ".c" | ".s" | ".S" | ".h" | ".syso" | ".sx") {
            continue;
        }
        if ext == ".go" && name.ends_with("_test.go") {
            // Test files never build here, but go/build lists those that
            // constraints exclude among IgnoredGoFiles (as `go list` shows).
            if !test_file_builds(ctx, &dir.join(&name), &name, src) {
                p.ignored_go_files.push(name);
            }
            continue;
        }
        let path = dir.join(&name);
        if ext == ".go" {
            saw_go = true;
        }
        if !ctx.good_os_arch_file(&name) {
            if ext == ".go" {
                p.ignored_go_files.push(name);
            }
            continue;
        }
        // Non-Go files: constraints are read from their header too, as go/build does
        // (`readComments`); a `.syso` is binary, its header holds no comment.
        let text = if ext == ".syso" {
            String::new()
        } else {
            match src.read(&path) {
                Ok(t) => t,
                // C or assembler text that is not UTF-8 (a Latin-1 comment):
                // read it lossily, the constraint lines are ASCII.
                Err(e) if ext != ".go" && e.kind() == std::io::ErrorKind::InvalidData => {
                    let real = src.replacement(&path).unwrap_or_else(|| path.clone());
                    std::fs::read(&real)
                        .map(|b| String::from_utf8_lossy(&b).into_owned())
                        .with_context(|| format!("reading {}", real.display()))?
                }
                Err(e) => {
                    return Err(
                        anyhow::Error::new(e).context(format!("reading {}", path.display()))
                    );
                }
            }
        };
        let h = if ext == ".go" {
            parse_header(&text).map_err(|err| DirError::Syntax {
                file: path.clone(),
                err,
            })?
        } else {
            let mut h = Header::default();
            let _ = constraint_lines(&text, &mut h);
            h
        };
        let builds = should_build(ctx, &h).map_err(|(line, msg)| DirError::Constraint {
            file: path.clone(),
            line,
            msg,
        })?;
        if !builds {
            if ext == ".go" {
                p.ignored_go_files.push(name);
            }
            continue;
        }
        if let Some(r) = src.replacement(&path) {
            p.overlaid.insert(name.clone(), r);
        }
        match ext {
            ".c" => p.c_files.push(name),
            ".s" | ".S" | ".sx" => p.s_files.push(name),
            ".h" => p.h_files.push(name),
            ".syso" => p.syso_files.push(name),
            _ => {
                if h.package == "documentation" {
                    p.ignored_go_files.push(name);
                    continue;
                }
                match &first_name {
                    None => first_name = Some((h.package.clone(), name.clone())),
                    Some((pk, f)) if *pk != h.package => {
                        return Err(DirError::Multiple {
                            dir: dir.to_path_buf(),
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
                        file: path.clone(),
                        line: imp.line,
                        col: imp.col,
                    });
                }
                p.imports = set.into_iter().collect();
                if h.uses_cgo() {
                    p.cgo_files.push(name.clone());
                }
                p.go_files.push(GoFile { name, header: h });
            }
        }
    }
    match first_name {
        Some((n, _)) => p.name = n,
        None => {
            return Err(DirError::NoGo {
                dir: dir.to_path_buf(),
                all_excluded: saw_go,
            }
            .into());
        }
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(goarch: &str) -> BuildContext {
        BuildContext::new("linux", goarch, 18, false, vec![])
    }

    #[test]
    fn header_imports_with_positions() {
        let src = "// Copyright\n\n//go:build linux\n\npackage wire // import \"example.com/wire\"\n\nimport (\n\t\"fmt\"\n\tj \"encoding/json\"\n\t_ `os`\n)\nimport . \"strings\"\n\nfunc F() {}\nimport \"never\"\n";
        let h = parse_header(src).unwrap();
        assert_eq!(h.package, "wire");
        assert_eq!(h.package_line, 5);
        assert_eq!(h.import_comment.as_deref(), Some("example.com/wire"));
        let got: Vec<_> = h
            .imports
            .iter()
            .map(|i| (i.path.as_str(), i.line, i.col))
            .collect();
        assert_eq!(
            got,
            [
                ("fmt", 8, 2),
                ("encoding/json", 9, 4),
                ("os", 10, 4),
                ("strings", 12, 10)
            ]
        );
        assert_eq!(h.go_build, Some(("//go:build linux".to_string(), 3)));
    }

    #[test]
    fn header_errors_have_positions() {
        let e = parse_header("// x\npackage\n").unwrap_err();
        assert_eq!((e.line, e.col), (3, 1));
        let e = parse_header("func main() {}\n").unwrap_err();
        assert_eq!(e.to_string(), "1:1: expected 'package', found 'func'");
        let e = parse_header("package a\nimport \"fmt\n").unwrap_err();
        assert_eq!((e.line, e.col), (2, 8));
    }

    #[test]
    fn plus_build_needs_blank_line_before_package() {
        // Not followed by a blank line: does not count.
        let h = parse_header("// +build ignore\npackage a\n").unwrap();
        assert!(h.plus_build.is_empty());
        let h = parse_header("// +build ignore\n\npackage a\n").unwrap();
        assert_eq!(h.plus_build.len(), 1);
        assert!(!should_build(&ctx("amd64"), &h).unwrap());
        // After the package clause: does not count.
        let h = parse_header("package a\n\n// +build ignore\n\nimport \"x\"\n").unwrap();
        assert!(h.plus_build.is_empty());
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
