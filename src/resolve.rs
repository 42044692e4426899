//! Resolve: map an import path to where its package lives — the
//! standard library of the chosen gccgo, the main module (or the modules a
//! go.work uses, `module`), a `replace`d directory, `vendor/`, the module
//! cache, or a GOPATH tree — and expand go-command package patterns (`.`,
//! `./cmd/x`, `./...`, import paths).
//!
//! The rules are the go command's (`cmd/go/internal/modload` for module
//! mode, go/build's `Import` for GOPATH mode), offline only: nothing is
//! downloaded. This module does not read Go files beyond listing
//! directories; choosing files is `scan`'s job, following imports is `graph`'s.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::path::{Component, Path, PathBuf};

use anyhow::{Result, bail};

use crate::gomod::{GoMod, GoWork};

mod download;
pub use download::defer_build_list_errors;
mod files;
mod module;
mod nomod;
pub mod outside;
mod pattern;
mod vendor;
pub use files::{COMMAND_LINE_ARGUMENTS, go_files_root};
pub use module::{
    GraphError, ModGraph, ModVersion, ModuleInfo, ModuleMode, compare_versions, missing_text,
    relative_to,
};
pub use nomod::NO_MOD_ROOT;

/// What package patterns expand to (`Resolver::expand_quietly`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expanded {
    /// The packages with sources, in command-line order.
    pub roots: Vec<Root>,
    /// The patterns that matched no packages (go warns about each).
    pub unmatched: Vec<String>,
    /// The standard-library packages matched, each with the pattern
    /// that matched it: gccgo ships them compiled, so there is nothing to
    /// build, but `list` lists them.
    pub std: Vec<(String, String)>,
}

/// go's `search.MatchPattern` without its vendor rule: `...` matches any
/// string, and `x/...` also matches `x`.
fn wildcard_match(pattern: &str, name: &str) -> bool {
    if let Some(base) = pattern.strip_suffix("/...")
        && name == base
    {
        return true;
    }
    let pieces: Vec<&str> = pattern.split("...").collect();
    let Some(mut rest) = name.strip_prefix(pieces[0]) else {
        return false;
    };
    let last = pieces.len() - 1;
    for (i, piece) in pieces.iter().enumerate().skip(1) {
        if i == last {
            return rest.ends_with(piece);
        }
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

/// A package named on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Root {
    /// Its import path.
    pub import_path: String,
    /// Its directory.
    pub dir: PathBuf,
    /// Matched by a `...` pattern rather than named: as the go command
    /// (`cmd/go/internal/search`), such a directory whose Go files build
    /// constraints all exclude is left out quietly instead of being an error.
    pub wildcard: bool,
    /// For the `command-line-arguments` package (`build a.go b.go`): the
    /// named files, names within `dir`, in command-line order; empty for a
    /// package named by an import path or a pattern.
    pub files: Vec<String>,
}

/// Where a package was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// A standard-library package of the toolchain (no source needed).
    Std,
    /// A directory of Go source.
    Dir {
        /// The package's import path as the compiler must know it (for a
        /// vendored package in GOPATH mode, the `…/vendor/…` path).
        import_path: String,
        /// The directory.
        dir: PathBuf,
        /// The module that provides it (module path), in module mode.
        module: Option<String>,
    },
}

/// How imports are resolved: module mode or GOPATH mode.
#[derive(Debug, Clone)]
pub enum Mode {
    /// Module mode: a main module and its requirements.
    Module(ModuleMode),
    /// GOPATH mode: import paths under each entry's `src/`.
    Gopath(Vec<PathBuf>),
}

/// Why an import path did not resolve.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    /// No module or GOPATH entry provides the package.
    #[error("{0}")]
    NotFound(String),
}

/// Resolves import paths for one build.
#[derive(Debug, Clone)]
pub struct Resolver {
    /// Module or GOPATH mode.
    pub mode: Mode,
    /// The standard library's import paths (from the toolchain's export data).
    pub std: std::collections::BTreeSet<String>,
}

impl Resolver {
    /// Chooses the mode for a working directory as the go command does
    /// (`modload.Init`): unless `GO111MODULE=off`, workspace mode when
    /// `GOWORK` names a go.work or one is at or above `cwd` (see
    /// `gowork_file`), else module mode when a go.mod is at or above `cwd`;
    /// else GOPATH mode with `GOPATH` (default `~/go`).
    ///
    /// `mod_flag` is `-mod` (`vendor`, `mod`, `readonly` or empty).
    /// Errors: a go.mod or go.work that does not parse (with its file and
    /// line), a relative `GOWORK`, a go.work that cannot be read, a used
    /// directory without a go.mod, `-mod` other than `readonly` in
    /// workspace mode.
    pub fn for_dir(
        cwd: &Path,
        std: std::collections::BTreeSet<String>,
        mod_flag: &str,
    ) -> Result<Resolver> {
        if std::env::var("GO111MODULE").unwrap_or_default() == "off" {
            return Ok(Resolver {
                mode: Mode::Gopath(gopath()),
                std,
            });
        }
        let work = match gowork_file(cwd)? {
            Some(f) => Some(GoWork::read(&f)?),
            None => None,
        };
        let gomod = crate::gomod::find(cwd);
        let mode = match (work, gomod) {
            (None, None) => Mode::Gopath(gopath()),
            (work, gomod) => Mode::Module(ModuleMode::new(gomod.as_deref(), work, mod_flag)?),
        };
        Ok(Resolver { mode, std })
    }

    /// Whether an import path is in the standard library (first element
    /// without a dot and shipped by the toolchain).
    pub fn is_std(&self, path: &str) -> bool {
        !first_element(path).contains('.') && self.std.contains(path)
    }

    /// Resolves `path` imported from the package in `from_dir`.
    ///
    /// Errors with the go command's wording: no module provides it, a
    /// required module is not in the module cache (saying how to get it),
    /// or it is in no GOPATH entry.
    pub fn resolve(&self, path: &str, from_dir: &Path) -> Result<Found, ResolveError> {
        if path.starts_with("./") || path.starts_with("../") || path == "." || path == ".." {
            return self.resolve_relative(path, from_dir);
        }
        if self.is_std(path) {
            return Ok(Found::Std);
        }
        if self.without_main_module(from_dir) {
            return Err(ResolveError::NotFound(nomod::no_provider(path)));
        }
        match &self.mode {
            Mode::Module(m) => {
                let r = m.resolve(path);
                if let Ok(Found::Dir {
                    module: Some(mp), ..
                }) = &r
                {
                    m.note_import(mp, from_dir)?;
                }
                r
            }
            Mode::Gopath(roots) => self.resolve_gopath(roots, path, from_dir),
        }
    }

    fn resolve_relative(&self, path: &str, from_dir: &Path) -> Result<Found, ResolveError> {
        if let Mode::Module(_) = self.mode {
            return Err(ResolveError::NotFound(format!(
                "relative import \"{path}\" is not supported in module mode (use the full import path)"
            )));
        }
        let dir = clean(&from_dir.join(path));
        if !dir.is_dir() {
            return Err(ResolveError::NotFound(format!(
                "cannot find package \"{path}\" in:\n\t{}",
                dir.display()
            )));
        }
        let import_path = self
            .import_path_for_dir(&dir)
            .unwrap_or_else(|| dir_to_import_path(&dir));
        Ok(Found::Dir {
            import_path,
            dir,
            module: None,
        })
    }

    fn resolve_gopath(
        &self,
        roots: &[PathBuf],
        path: &str,
        from_dir: &Path,
    ) -> Result<Found, ResolveError> {
        // vendor/ directories from the importing package up to its GOPATH src root.
        for root in roots {
            let src = root.join("src");
            if let Ok(rel) = from_dir.strip_prefix(&src) {
                let mut d = src.join(rel);
                loop {
                    let cand = d.join("vendor").join(path);
                    if has_go_files(&cand) {
                        let import_path = cand
                            .strip_prefix(&src)
                            .map(slash)
                            .unwrap_or_else(|_| path.into());
                        return Ok(Found::Dir {
                            import_path,
                            dir: cand,
                            module: None,
                        });
                    }
                    if d == src || !d.pop() {
                        break;
                    }
                }
            }
        }
        let mut tried = Vec::new();
        for root in roots {
            let dir = root.join("src").join(path);
            if has_go_files(&dir) {
                return Ok(Found::Dir {
                    import_path: path.into(),
                    dir,
                    module: None,
                });
            }
            tried.push(dir);
        }
        // Minimal module compatibility: `…/vN` finds a tree whose go.mod says so.
        if let Some((base, v)) = path.rsplit_once('/')
            && v.starts_with('v')
            && v[1..].parse::<u32>().is_ok_and(|n| n >= 2)
        {
            for root in roots {
                let dir = root.join("src").join(base);
                let gm = dir.join("go.mod");
                if gm.is_file()
                    && GoMod::read(&gm).is_ok_and(|m| m.module == path)
                    && has_go_files(&dir)
                {
                    return Ok(Found::Dir {
                        import_path: path.into(),
                        dir,
                        module: None,
                    });
                }
            }
        }
        let list: Vec<String> = tried
            .iter()
            .map(|d| format!("\t{} (from $GOPATH)", d.display()))
            .collect();
        Err(ResolveError::NotFound(format!(
            "cannot find package \"{path}\" in any of:\n{}",
            list.join("\n")
        )))
    }

    /// The import path of a directory: below the main module whose files
    /// it is among in module mode (see `ModuleMode::main_of_dir`), below a
    /// GOPATH `src/` in GOPATH mode.
    pub fn import_path_for_dir(&self, dir: &Path) -> Option<String> {
        match &self.mode {
            Mode::Module(m) => {
                let main = m.main_of_dir(dir)?;
                let rel = slash(dir.strip_prefix(main.dir()).ok()?);
                Some(if rel.is_empty() {
                    main.module.clone()
                } else {
                    format!("{}/{rel}", main.module)
                })
            }
            Mode::Gopath(roots) => roots
                .iter()
                .find_map(|r| dir.strip_prefix(r.join("src")).ok().map(slash)),
        }
    }

    /// Expands go-command package patterns relative to `cwd` into import
    /// paths: `.`, `./x`, `./...`, `./x/...`, `path`, `path/...`; or, when
    /// they name `.go` files, the one package `command-line-arguments` made
    /// of them (see `go_files_root`).
    ///
    /// `./...` skips `testdata`, `vendor`, `_*` and `.*` directories and
    /// nested modules, and keeps only directories with Go files.
    /// A wildcard pattern that matches nothing is go's warning
    /// (`go: warning: "./..." matched no packages`, printed here, as
    /// `search.WarnUnmatched`), not an error: the command goes on.
    ///
    /// Errors: a directory outside the main module or GOPATH, a named
    /// package that is not found.
    pub fn expand(&self, patterns: &[String], cwd: &Path) -> Result<Vec<Root>> {
        let e = self.expand_quietly(patterns, cwd)?;
        for pat in e.unmatched {
            eprintln!("gccgo-build: warning: {pat:?} matched no packages");
        }
        Ok(e.roots)
    }

    /// `expand`, returning the patterns that matched no packages instead
    /// of warning about them.
    ///
    /// Errors: as `expand`.
    pub fn expand_quietly(&self, patterns: &[String], cwd: &Path) -> Result<Expanded> {
        if let Some(root) = go_files_root(patterns, cwd)? {
            return Ok(Expanded {
                roots: vec![root],
                ..Expanded::default()
            });
        }
        let mut unmatched = Vec::new();
        let mut std = Vec::new();
        let mut out: BTreeMap<String, (PathBuf, bool)> = BTreeMap::new();
        let mut order = Vec::new();
        // pkg@version patterns that left only non-main packages name nothing.
        let pats: Vec<String> = if patterns.is_empty() && !self.is_outside_module() {
            vec![".".into()]
        } else {
            patterns.to_vec()
        };
        let no_module = self.without_main_module(cwd);
        for pat in &pats {
            if no_module && let Some(e) = self.no_module_pattern_error(pat, cwd) {
                bail!("{e}");
            }
            let std_here = self.std_matching(pat);
            std.extend(std_here.iter().map(|p| (p.clone(), pat.clone())));
            if matches!(pat.as_str(), "std" | "cmd") || self.is_std(pat) {
                if std_here.is_empty() {
                    unmatched.push(pat.clone());
                }
                continue;
            }
            let (found, wild) = self.packages_matching(pat, cwd)?;
            if found.is_empty() && std_here.is_empty() {
                unmatched.push(pat.clone());
            }
            for (ip, d) in found {
                match out.entry(ip) {
                    Entry::Vacant(slot) => {
                        order.push(slot.key().clone());
                        slot.insert((d, wild));
                    }
                    // Named explicitly by any pattern: explicit wins.
                    Entry::Occupied(mut slot) => slot.get_mut().1 &= wild,
                }
            }
        }
        let roots = order
            .into_iter()
            .map(|ip| {
                let (dir, wildcard) = out[&ip].clone();
                Root {
                    import_path: ip,
                    dir,
                    wildcard,
                    files: Vec::new(),
                }
            })
            .collect();
        Ok(Expanded {
            roots,
            unmatched,
            std,
        })
    }

    /// The packages with sources one pattern matches, as (import path,
    /// directory), and whether the pattern is a wildcard.
    ///
    /// Errors: a local directory that does not exist or is outside the
    /// build, a named package that does not resolve.
    fn packages_matching(&self, pat: &str, cwd: &Path) -> Result<(Vec<(String, PathBuf)>, bool)> {
        // `all`: the packages of the main modules (GOPATH: of every
        // entry) and, in the graph, everything they import.
        let pat = if pat == "all" { "..." } else { pat };
        let dots = pattern::walk_base(pat);
        let local = is_local_path(pat);
        let (base, wild) = match pat.strip_suffix("/...") {
            Some(b) => (b.to_string(), true),
            None if pat == "..." => (String::new(), true),
            None => (pat.to_string(), dots.is_some()),
        };
        let mut found = Vec::new();
        if let Some(b) = dots {
            found = self.expand_dots(pat, b, cwd)?;
        } else if local {
            let dir = clean(&cwd.join(&base));
            if wild {
                let module_mode = matches!(self.mode, Mode::Module(_));
                for root in self.local_roots(&dir) {
                    for d in walk_package_dirs(&root) {
                        // A directory in no main module: outside the build, as go's matcher.
                        match self.local_import_path(&d) {
                            Ok(ip) => found.push((ip, d)),
                            Err(_) if module_mode && d != dir => {}
                            Err(e) => return Err(e),
                        }
                    }
                }
            } else {
                if !dir.is_dir() {
                    bail!("directory {} does not exist (pattern {pat})", dir.display());
                }
                let ip = self.local_import_path(&dir)?;
                found.push((ip, dir));
            }
        } else if wild {
            for root in self.roots_for(&base) {
                for d in walk_package_dirs(&root) {
                    if let Some(ip) = self.import_path_for_dir(&d)
                        && under(&ip, &base).is_some()
                    {
                        found.push((ip, d));
                    }
                }
            }
        } else {
            match self.resolve(&base, cwd) {
                Ok(Found::Dir {
                    import_path, dir, ..
                }) => found.push((import_path, dir)),
                Ok(Found::Std) => {
                    bail!("{pat} is a standard-library package: gccgo ships it prebuilt")
                }
                Err(e) => bail!("{e}"),
            }
        }
        Ok((found, wild))
    }

    /// The standard-library packages (of the chosen gccgo) a pattern
    /// matches, sorted: all of them for `std`, the one named, or those a
    /// `...` pattern whose first element has no dot matches (go's
    /// `search.MatchPackages` over GOROOT). `cmd` matches none: gccgo
    /// ships no commands' sources.
    pub fn std_matching(&self, pat: &str) -> Vec<String> {
        if pat == "std" {
            return self.std.iter().cloned().collect();
        }
        if self.is_std(pat) {
            return vec![pat.to_string()];
        }
        if !pat.contains("...") || is_local_path(pat) || first_element(pat).contains('.') {
            return vec![];
        }
        self.std
            .iter()
            .filter(|p| wildcard_match(pat, p))
            .cloned()
            .collect()
    }

    /// A pattern with `...` before its end (`example.com/m/l...`,
    /// `./c...`, `a/.../b`): the directories under its literal part
    /// (`base`), kept when go's `MatchPattern` matches the import path (or,
    /// for a local pattern, the directory), as go's `matchPackages` and
    /// `MatchDirs`.
    ///
    /// Errors: a local directory outside the build, as for `./x/...`.
    fn expand_dots(&self, pat: &str, base: &str, cwd: &Path) -> Result<Vec<(String, PathBuf)>> {
        let mut found = Vec::new();
        if is_local_path(pat) {
            let dir = clean(&cwd.join(if base.is_empty() { "." } else { base }));
            let abs = clean(&cwd.join(pat)).to_string_lossy().into_owned();
            for root in self.local_roots(&dir) {
                for d in walk_package_dirs(&root) {
                    if pattern::matches(&abs, &d.to_string_lossy())
                        && let Ok(ip) = self.local_import_path(&d)
                    {
                        found.push((ip, d));
                    }
                }
            }
        } else {
            for root in self.roots_for(base) {
                for d in walk_package_dirs(&root) {
                    if let Some(ip) = self.import_path_for_dir(&d)
                        && pattern::matches(pat, &ip)
                    {
                        found.push((ip, d));
                    }
                }
            }
        }
        Ok(found)
    }

    /// The import path of a directory named by a local pattern: its
    /// module or GOPATH path, or in GOPATH mode, for a directory outside
    /// every GOPATH, go's `_/abs/dir` form.
    fn local_import_path(&self, dir: &Path) -> Result<String> {
        match (self.import_path_for_dir(dir), &self.mode) {
            (Some(ip), _) => Ok(ip),
            (None, Mode::Gopath(_)) => Ok(dir_to_import_path(dir)),
            (None, Mode::Module(_)) => bail!("{}", outside(dir, self)),
        }
    }

    /// The directories a `base/...` import-path pattern walks: in each
    /// main module, the directory of `base`, or the module root when the
    /// module is below `base`; `base` under each GOPATH `src/`.
    fn roots_for(&self, base: &str) -> Vec<PathBuf> {
        match &self.mode {
            Mode::Module(m) => m
                .mains
                .iter()
                .filter_map(|main| match under(base, &main.module) {
                    Some(rest) => Some(join_rel(main.dir(), rest)),
                    None if under(&main.module, base).is_some() => Some(main.dir().to_path_buf()),
                    None => None,
                })
                .collect(),
            Mode::Gopath(roots) => roots.iter().map(|r| r.join("src").join(base)).collect(),
        }
    }

    /// The directories a local `dir/...` pattern walks: `dir` itself, and
    /// in module mode the root of each main module below `dir` (which
    /// `walk_package_dirs` leaves out as nested modules), so that `./...`
    /// at a workspace's root matches every used module's packages.
    fn local_roots(&self, dir: &Path) -> Vec<PathBuf> {
        let mut v = vec![dir.to_path_buf()];
        if let Mode::Module(m) = &self.mode {
            v.extend(
                m.mains
                    .iter()
                    .map(|main| main.dir().to_path_buf())
                    .filter(|d| d != dir && d.starts_with(dir)),
            );
        }
        v
    }
}

/// Why the directory `d` of a local pattern is in no main module, in the
/// go command's words.
fn outside(d: &Path, r: &Resolver) -> String {
    let nested = crate::gomod::find(d);
    match &r.mode {
        Mode::Module(m) if m.work.is_some() => match nested {
            Some(f) => format!(
                "directory {} is contained in a module ({}) that is not one of the workspace \
                 modules listed in {}; add it to the workspace with `go work use {}`",
                d.display(),
                f.display(),
                m.work
                    .as_ref()
                    .map_or(String::new(), |w| w.file.display().to_string()),
                f.parent().unwrap_or(d).display()
            ),
            None => format!(
                "directory {} is outside the modules listed in {}",
                d.display(),
                m.work
                    .as_ref()
                    .map_or(String::new(), |w| w.file.display().to_string()),
            ),
        },
        Mode::Module(m) => match nested {
            Some(f) if f != m.first().file && f.starts_with(m.first().dir()) => format!(
                "directory {} is in the nested module of {}, not in the main module ({})",
                d.display(),
                f.display(),
                m.first().dir().display()
            ),
            _ => format!(
                "directory {} is outside the main module ({})",
                d.display(),
                m.first().dir().display()
            ),
        },
        Mode::Gopath(_) => format!(
            "directory {} is outside every GOPATH src directory",
            d.display()
        ),
    }
}

/// go's `dirToImportPath`: the import path of a directory outside every
/// GOPATH in GOPATH mode, `_` + the absolute path, with the characters an
/// import path cannot hold replaced by `_` (go's `makeImportValid`).
pub fn dir_to_import_path(dir: &Path) -> String {
    const ILLEGAL: &str = "!\"#$%&'()*,:;<=>?[\\]^{|}`\u{FFFD}";
    let s: String = slash(dir)
        .chars()
        .map(|c| {
            if ILLEGAL.contains(c) || c.is_whitespace() || !c.is_ascii_graphic() && c.is_ascii() {
                '_'
            } else {
                c
            }
        })
        .collect();
    let s = s.trim_start_matches('/');
    format!("_/{s}")
}

/// Whether an import path is go's form for a directory outside every
/// GOPATH: `_/abs/dir`, as `dir_to_import_path` (go's `dirToImportPath`)
/// makes it. `graph` lets only such packages import by relative path;
/// `plan` gives them gccgo's `-fgo-relative-import-path`.
pub fn is_local_import_path(ip: &str) -> bool {
    ip.starts_with("_/")
}

/// The first element of an import path (`golang.org` of
/// `golang.org/x/net`): go's std rule looks for a dot in it.
fn first_element(path: &str) -> &str {
    path.split('/').next().unwrap_or(path)
}

/// `rest` when `path` is `prefix` or below it (`prefix/rest`).
pub fn under<'a>(path: &'a str, prefix: &str) -> Option<&'a str> {
    if path == prefix {
        return Some("");
    }
    if prefix.is_empty() {
        return Some(path);
    }
    path.strip_prefix(prefix)?.strip_prefix('/')
}

/// Whether `p` names a directory rather than a module or package path:
/// `.`, `..`, or starting with `./`, `../` or `/` (go/build's
/// `IsLocalImport`, or absolute). Both `replace` targets and command-line
/// patterns are told apart from paths by it.
fn is_local_path(p: &str) -> bool {
    p.starts_with("./") || p.starts_with("../") || p.starts_with('/') || p == "." || p == ".."
}

/// A relative path as go writes it in an import path or an embedded file
/// name: its components joined with `/`, non-UTF-8 bytes replaced (an
/// absolute path comes out starting with `//`).
pub fn slash(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// The go.work file in force for a working directory, as the go command
/// chooses it from `GOWORK` (`off`: none; an absolute path: that file;
/// unset, empty or `auto`: the nearest go.work at or above `cwd`). What
/// `env GOWORK` prints (empty for none).
///
/// Errors: a relative `GOWORK`.
pub fn gowork_file(cwd: &Path) -> Result<Option<PathBuf>> {
    let v = std::env::var("GOWORK").unwrap_or_default();
    crate::gomod::find_work(cwd, &v)
}

/// `dir/rest` for the part of an import path below a module's path;
/// `dir` itself (no trailing `/`, which `Path::join("")` would add) when
/// `rest` is empty: a package at a module's root lists with go's `Dir`.
pub fn join_rel(dir: &Path, rest: &str) -> PathBuf {
    if rest.is_empty() {
        dir.to_path_buf()
    } else {
        dir.join(rest)
    }
}

/// Lexically cleans a path (`a/./b/../c` → `a/c`).
pub fn clean(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The module cache's escaping of a module path: `!` + lower case for each upper-case letter.
pub fn escape_path(p: &str) -> String {
    let mut s = String::new();
    for c in p.chars() {
        if c.is_ascii_uppercase() {
            s.push('!');
            s.push(c.to_ascii_lowercase());
        } else {
            s.push(c);
        }
    }
    s
}

/// Why `dir` provides no package, in words: it does not exist, cannot be
/// read (a symlink loop, no permission), or has no Go files.
fn why_no_package(dir: &Path) -> String {
    match std::fs::read_dir(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            format!("the directory {} does not exist", dir.display())
        }
        Err(e) => format!(
            "cannot read the directory {}: {}",
            dir.display(),
            crate::words::io_error(&e)
        ),
        Ok(_) => format!("no Go files in {}", dir.display()),
    }
}

/// Whether `dir` holds a Go file, a test or not: the rule by which a
/// `...` pattern matches a directory (cmd/go/internal/imports's `ScanDir`
/// reads test files too; `go build` then leaves out the packages of test
/// files alone, `go test` tests them).
fn has_any_go_files(dir: &Path) -> bool {
    crate::scan::listing(dir).is_ok_and(|l| {
        l.iter().any(|e| {
            let n = e.name.as_str();
            n.ends_with(".go") && !n.starts_with('_') && !n.starts_with('.')
        })
    })
}

/// Whether `dir` holds a Go file that is not a test (go's rule for a
/// directory that provides a package); read once per load (`scan::listing`).
fn has_go_files(dir: &Path) -> bool {
    crate::scan::listing(dir).is_ok_and(|l| {
        l.iter().any(|e| {
            let n = e.name.as_str();
            n.ends_with(".go")
                && !n.ends_with("_test.go")
                && !n.starts_with('_')
                && !n.starts_with('.')
        })
    })
}

/// Directories at or below `root` that hold Go files, skipping `testdata`,
/// `vendor`, `_*`, `.*` and nested modules, as the go command's `./...`.
pub fn walk_package_dirs(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let it = walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if !e.file_type().is_dir() {
                return false;
            }
            if e.depth() == 0 {
                return true;
            }
            let n = e.file_name().to_string_lossy();
            !(n == "testdata"
                || n == "vendor"
                || n.starts_with('_')
                || n.starts_with('.')
                || e.path().join("go.mod").is_file())
        });
    for e in it.flatten() {
        if has_any_go_files(e.path()) {
            out.push(e.path().to_path_buf());
        }
    }
    out
}

/// `GOMODCACHE`, else `$GOPATH[0]/pkg/mod`.
pub fn modcache() -> PathBuf {
    match std::env::var_os("GOMODCACHE") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => gopath()
            .first()
            .cloned()
            .unwrap_or_else(|| PathBuf::from("/nonexistent"))
            .join("pkg/mod"),
    }
}

/// `GOPATH` entries, default `$HOME/go`.
pub fn gopath() -> Vec<PathBuf> {
    match std::env::var_os("GOPATH") {
        Some(p) if !p.is_empty() => std::env::split_paths(&p).collect(),
        _ => std::env::var_os("HOME")
            .map(|h| vec![PathBuf::from(h).join("go")])
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn under_prefix() {
        assert_eq!(under("a/b/c", "a/b"), Some("c"));
        assert_eq!(under("a/b", "a/b"), Some(""));
        assert_eq!(under("a/bc", "a/b"), None);
    }

    #[test]
    fn local_directories_get_go_import_paths() {
        assert_eq!(dir_to_import_path(Path::new("/tmp/x/cmd")), "_/tmp/x/cmd");
        assert_eq!(dir_to_import_path(Path::new("/tmp/a b:c")), "_/tmp/a_b_c");
        assert!(is_local_import_path(&dir_to_import_path(Path::new("/x"))));
        assert!(!is_local_import_path("example.com/_/x"));
    }

    #[test]
    fn escaping_and_cleaning() {
        assert_eq!(
            escape_path("github.com/BurntSushi/toml"),
            "github.com/!burnt!sushi/toml"
        );
        assert_eq!(clean(Path::new("/a/./b/../c")), PathBuf::from("/a/c"));
    }
}
