//! Resolve: map an import path to where its package lives — the
//! standard library of the chosen gccgo, the main module, a `replace`d
//! directory, `vendor/`, the module cache, or a GOPATH tree — and expand
//! go-command package patterns (`.`, `./cmd/x`, `./...`, import paths).
//!
//! The rules are the go command's (`cmd/go/internal/modload` for module
//! mode, go/build's `Import` for GOPATH mode), offline only: nothing is
//! downloaded. This module does not read Go files beyond listing
//! directories; choosing files is `scan`'s job, following imports is `graph`'s.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::path::{Component, Path, PathBuf};

use anyhow::{Result, bail};

use crate::gomod::GoMod;

mod files;
pub use files::{COMMAND_LINE_ARGUMENTS, go_files_root};

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

/// Module-mode state: the main module, its requirements and replacements.
#[derive(Debug, Clone)]
pub struct ModuleMode {
    /// The main module's go.mod.
    pub main: GoMod,
    /// Whether packages outside the main module come from `vendor/`.
    pub vendor: bool,
    /// The module cache (`GOMODCACHE`).
    pub modcache: PathBuf,
}

impl ModuleMode {
    /// `path` inside the main module, `rest` being the part below the
    /// module path.
    ///
    /// Errors: the directory has no Go files (saying why: missing,
    /// unreadable, or empty).
    fn resolve_in_main_module(&self, path: &str, rest: &str) -> Result<Found, ResolveError> {
        let dir = self.main.dir().join(rest);
        if has_go_files(&dir) {
            return Ok(Found::Dir {
                import_path: path.into(),
                dir,
                module: Some(self.main.module.clone()),
            });
        }
        Err(ResolveError::NotFound(format!(
            "package {path} is not in the main module: {}",
            why_no_package(&dir)
        )))
    }

    /// The module that provides `path`: the longest `require` or `replace`
    /// path that is a prefix of it, with the version required or replaced
    /// (none for a `replace` of every version).
    fn provider(&self, path: &str) -> Option<(&str, Option<&str>)> {
        let mut best: Option<(&str, Option<&str>)> = None;
        for r in &self.main.require {
            if under(path, &r.path).is_some() && best.is_none_or(|(b, _)| r.path.len() > b.len()) {
                best = Some((&r.path, Some(&r.version)));
            }
        }
        for r in &self.main.replace {
            if under(path, &r.old).is_some() && best.is_none_or(|(b, _)| r.old.len() > b.len()) {
                best = Some((&r.old, r.old_version.as_deref()));
            }
        }
        best
    }

    /// `path`, from module `modpath`, in the main module's `vendor/`.
    ///
    /// Errors: it is not there (saying to run `go mod vendor`).
    fn resolve_vendored(&self, path: &str, modpath: &str) -> Result<Found, ResolveError> {
        let vendor = self.main.dir().join("vendor");
        let dir = vendor.join(path);
        if has_go_files(&dir) {
            return Ok(Found::Dir {
                import_path: path.into(),
                dir,
                module: Some(modpath.into()),
            });
        }
        Err(ResolveError::NotFound(format!(
            "package {path} is not in {} (run `go mod vendor` to refresh it)",
            vendor.display()
        )))
    }

    /// The root directory of module `modpath` at `version` (which provides
    /// `path`), and how to name it in messages (`mod@version`, or
    /// `mod => dir` when replaced by a directory): the `replace`d
    /// directory or module, else the module cache's
    /// `escaped/path@version`.
    ///
    /// Errors: a replacement directory or module-cache directory that does
    /// not exist, saying how to fix it (gccgo-build never downloads).
    fn module_dir(
        &self,
        path: &str,
        modpath: &str,
        version: Option<&str>,
    ) -> Result<(PathBuf, String), ResolveError> {
        let replace = self.main.replace.iter().find(|r| {
            r.old == modpath && (r.old_version.is_none() || r.old_version.as_deref() == version)
        });
        let (mod_dir, shown) = match replace {
            Some(r) if is_local_path(&r.new) => (
                clean(&self.main.dir().join(&r.new)),
                format!("{} => {}", modpath, r.new),
            ),
            Some(r) => {
                let v = r.new_version.clone().unwrap_or_default();
                (
                    self.modcache.join(format!("{}@{}", escape_path(&r.new), v)),
                    format!("{}@{v}", r.new),
                )
            }
            None => {
                let v = version.unwrap_or("");
                (
                    self.modcache
                        .join(format!("{}@{}", escape_path(modpath), v)),
                    format!("{modpath}@{v}"),
                )
            }
        };
        if let Some(r) = replace
            && is_local_path(&r.new)
            && !mod_dir.is_dir()
        {
            return Err(ResolveError::NotFound(format!(
                "{}:{}: replace {} => {}: the directory {} does not exist (it would provide \
                 package {path}); fix the replace directive or put the module there",
                self.main.file.display(),
                r.line,
                r.old,
                r.new,
                mod_dir.display()
            )));
        }
        if !mod_dir.is_dir() {
            return Err(ResolveError::NotFound(format!(
                "module {shown} (which provides package {path}) is not in the module cache {}; \
                 fetch it with `go mod download {modpath}` or vendor it with `go mod vendor` \
                 (gccgo-build never downloads)",
                self.modcache.display()
            )));
        }
        Ok((mod_dir, shown))
    }
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
    /// Chooses the mode for a working directory as the go command does:
    /// module mode when a go.mod is at or above `cwd` (unless
    /// `GO111MODULE=off`), else GOPATH mode with `GOPATH` (default `~/go`).
    ///
    /// `mod_flag` is `-mod` (`vendor`, `mod`, `readonly` or empty).
    /// Errors: a go.mod that does not parse (with its file and line).
    pub fn for_dir(
        cwd: &Path,
        std: std::collections::BTreeSet<String>,
        mod_flag: &str,
    ) -> Result<Resolver> {
        let go111 = std::env::var("GO111MODULE").unwrap_or_default();
        let gomod = if go111 == "off" {
            None
        } else {
            crate::gomod::find(cwd)
        };
        let mode = match gomod {
            Some(p) => {
                let main = GoMod::read(&p)?;
                let has_vendor = main.dir().join("vendor/modules.txt").is_file();
                // As modload: -mod=vendor, or vendor/modules.txt with go ≥ 1.14 and no -mod.
                let vendor = mod_flag == "vendor"
                    || (mod_flag.is_empty()
                        && has_vendor
                        && main.go_version().is_some_and(|v| v >= (1, 14)));
                Mode::Module(ModuleMode {
                    main,
                    vendor,
                    modcache: modcache(),
                })
            }
            None => Mode::Gopath(gopath()),
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
        match &self.mode {
            Mode::Module(m) => self.resolve_module(m, path),
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

    /// Module mode, for a path that is not std: the main module, else the
    /// module that provides it, from `vendor/`, a `replace`ment or the
    /// module cache.
    ///
    /// Errors: see each step; every message says how to fix it.
    fn resolve_module(&self, m: &ModuleMode, path: &str) -> Result<Found, ResolveError> {
        if let Some(rest) = under(path, &m.main.module) {
            return m.resolve_in_main_module(path, rest);
        }
        if !first_element(path).contains('.') {
            return Err(ResolveError::NotFound(format!(
                "package {path} is not in std ({}); the standard library is what the chosen gccgo ships",
                "its export data"
            )));
        }
        let Some((modpath, version)) = m.provider(path) else {
            return Err(ResolveError::NotFound(format!(
                "no required module provides package {path}; add it to {} with `go get {path}` \
                 (gccgo-build works offline and reads go.mod as it is)",
                m.main.file.display()
            )));
        };
        if m.vendor {
            return m.resolve_vendored(path, modpath);
        }
        let (mod_dir, shown) = m.module_dir(path, modpath, version)?;
        let dir = mod_dir.join(under(path, modpath).unwrap_or(""));
        if !has_go_files(&dir) {
            return Err(ResolveError::NotFound(format!(
                "module {shown} provides no package {path} (no Go files in {})",
                dir.display()
            )));
        }
        Ok(Found::Dir {
            import_path: path.into(),
            dir,
            module: Some(modpath.into()),
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

    /// The import path of a directory: below the main module in module
    /// mode, below a GOPATH `src/` in GOPATH mode.
    pub fn import_path_for_dir(&self, dir: &Path) -> Option<String> {
        match &self.mode {
            Mode::Module(m) => {
                let rel = dir.strip_prefix(m.main.dir()).ok()?;
                let rel = slash(rel);
                Some(if rel.is_empty() {
                    m.main.module.clone()
                } else {
                    format!("{}/{rel}", m.main.module)
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
    /// Errors: a directory outside the main module or GOPATH, or a pattern
    /// that matches nothing.
    pub fn expand(&self, patterns: &[String], cwd: &Path) -> Result<Vec<Root>> {
        if let Some(root) = go_files_root(patterns, cwd)? {
            return Ok(vec![root]);
        }
        let mut out: BTreeMap<String, (PathBuf, bool)> = BTreeMap::new();
        let mut order = Vec::new();
        let pats: Vec<String> = if patterns.is_empty() {
            vec![".".into()]
        } else {
            patterns.to_vec()
        };
        for pat in &pats {
            let local = is_local_path(pat);
            let (base, wild) = match pat.strip_suffix("/...") {
                Some(b) => (b.to_string(), true),
                None if pat == "..." => (String::new(), true),
                None => (pat.clone(), false),
            };
            let mut found = Vec::new();
            if local {
                let dir = clean(&cwd.join(&base));
                if wild {
                    for d in walk_package_dirs(&dir) {
                        let ip = self.local_import_path(&d)?;
                        found.push((ip, d));
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
            if found.is_empty() {
                bail!("pattern {pat}: matched no packages");
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
        Ok(order
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
            .collect())
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

    fn roots_for(&self, base: &str) -> Vec<PathBuf> {
        match &self.mode {
            Mode::Module(m) => match under(base, &m.main.module) {
                Some(rest) => vec![m.main.dir().join(rest)],
                None if under(&m.main.module, base).is_some() => vec![m.main.dir().to_path_buf()],
                None => vec![],
            },
            Mode::Gopath(roots) => roots.iter().map(|r| r.join("src").join(base)).collect(),
        }
    }
}

fn outside(d: &Path, r: &Resolver) -> String {
    match &r.mode {
        Mode::Module(m) => format!(
            "directory {} is outside the main module ({})",
            d.display(),
            m.main.dir().display()
        ),
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

fn has_go_files(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok()).any(|e| {
                let n = e.file_name();
                let n = n.to_string_lossy();
                n.ends_with(".go")
                    && !n.ends_with("_test.go")
                    && !n.starts_with('_')
                    && !n.starts_with('.')
            })
        })
        .unwrap_or(false)
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
        if has_go_files(e.path()) {
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
