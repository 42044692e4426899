//! Module mode: the main modules (the one of go.mod, or each module a
//! go.work `use`s), their requirements and replacements, and where a
//! package path outside the standard library lives among them.
//!
//! The rules are `cmd/go/internal/modload`'s, offline: a path under a main
//! module is that module's (the longest module path wins); any other path
//! comes from the module with the longest path that some main module
//! requires or replaces, at the highest version required (MVS over the
//! main modules' own requirements); a go.work `replace` wins over the
//! modules' own, and a directory replacement is relative to the file that
//! wrote it. A module the cache lacks is downloaded (`download.rs`, through
//! `modfetch`), and the build list is MVS over the whole requirement graph.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Result, bail};

use super::{
    Found, ResolveError, clean, escape_path, has_go_files, is_local_path, join_rel, under,
};
use crate::gomod::{GoMod, GoWork, Replace};
use crate::modfetch::{Fetcher, mvs};

mod graph;
mod missing;
pub use graph::{GraphError, ModGraph, ModVersion, missing_text};
pub use missing::FoundModules;

/// Module-mode state: the main modules, their requirements and replacements.
#[derive(Debug, Clone)]
pub struct ModuleMode {
    /// The main modules: go.mod's module, or in workspace mode every
    /// module go.work `use`s, in go.work's order. Never empty.
    pub mains: Vec<GoMod>,
    /// The go.work file, in workspace mode.
    pub work: Option<GoWork>,
    /// Whether packages outside the main module come from `vendor/`
    /// (never in workspace mode, as the go command).
    pub vendor: bool,
    /// The module cache (`GOMODCACHE`).
    pub modcache: PathBuf,
    /// The build list: module path → selected version (MVS over the
    /// requirement graph, main modules excluded); empty in vendor mode.
    pub build_list: BTreeMap<String, String>,
    /// Downloads and go.sum checks (none in vendor mode).
    pub fetcher: Option<Arc<Fetcher>>,
    /// Modules found for imports the build list lacked (`-mod=mod`,
    /// pkg@version; `missing.rs`).
    pub found: Arc<std::sync::Mutex<FoundModules>>,
}

/// A replacement in force, with the directory a relative replacement
/// directory is relative to and the file:line that wrote it.
#[derive(Debug, Clone)]
struct InForce<'a> {
    replace: &'a Replace,
    base: &'a Path,
    file: &'a Path,
}

/// What the go command's `list` says of a module (`modinfo.ModulePublic`
/// without the fields that need the network).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModuleInfo {
    /// Module path (for a replacement: the path or directory as written).
    pub path: String,
    /// The selected version; empty for a main module or a directory.
    pub version: String,
    /// The module that replaces this one.
    pub replace: Option<Box<ModuleInfo>>,
    /// When the version was published (the module cache's `.info` file),
    /// RFC 3339 as the go command prints it.
    pub time: String,
    /// A main module (the go.mod's, or one go.work uses).
    pub main: bool,
    /// Required with `// indirect` only.
    pub indirect: bool,
    /// Directory holding the module's files; empty when vendored.
    pub dir: String,
    /// Its go.mod (the module cache's `.mod` file for a downloaded module).
    pub gomod: String,
    /// The `go` directive of its go.mod.
    pub go_version: String,
}

impl ModuleMode {
    /// Module mode for `gomod`'s module, or in workspace mode (`work`) for
    /// every module go.work uses; `mod_flag` is `-mod` (`vendor`, `mod`,
    /// `readonly` or empty).
    ///
    /// Errors: a go.mod that does not parse, a used directory without a
    /// go.mod, a workspace module replaced at every version, or `-mod`
    /// other than `readonly` in workspace mode (each worded as the go command).
    pub fn new(gomod: Option<&Path>, work: Option<GoWork>, mod_flag: &str) -> Result<ModuleMode> {
        let modcache = super::modcache();
        let Some(work) = work else {
            let Some(p) = gomod else {
                bail!("internal: module mode without a go.mod");
            };
            let main = GoMod::read(p)?;
            let has_vendor = main.dir().join("vendor/modules.txt").is_file();
            // As modload: -mod=vendor, or vendor/modules.txt with go ≥ 1.14 and no -mod.
            let vendor = mod_flag == "vendor"
                || (mod_flag.is_empty()
                    && has_vendor
                    && main.go_version().is_some_and(|v| v >= (1, 14)));
            if vendor {
                super::vendor::check_consistency(&main)?;
            }
            let mut mm = ModuleMode {
                mains: vec![main],
                work: None,
                vendor,
                modcache,
                build_list: BTreeMap::new(),
                fetcher: None,
                found: Default::default(),
            };
            mm.load_build_list(mod_flag)?;
            return Ok(mm);
        };
        if !mod_flag.is_empty() && mod_flag != "readonly" {
            bail!(
                "-mod may only be set to readonly when in workspace mode, but it is set to \
                 {mod_flag:?} ({}); remove the -mod flag to use the default readonly value, \
                 or set GOWORK=off to disable workspace mode",
                work.file.display()
            );
        }
        let mut mains = Vec::new();
        for u in &work.uses {
            let f = u.dir.join("go.mod");
            if !f.is_file() {
                bail!(
                    "{}:{}: use {}: no go.mod in {} (each directory go.work uses must hold a module)",
                    work.file.display(),
                    u.line,
                    u.path,
                    u.dir.display()
                );
            }
            mains.push(GoMod::read(&f)?);
        }
        if mains.is_empty() {
            bail!(
                "{}: go.work uses no module (add one with a `use ./dir` line), \
                 or set GOWORK=off to disable workspace mode",
                work.file.display()
            );
        }
        for r in &work.replace {
            if r.old_version.is_none() && mains.iter().any(|m| m.module == r.old) {
                bail!(
                    "{}:{}: workspace module {} is replaced at all versions in the go.work file; \
                     remove the replacement or name the version it replaces",
                    work.file.display(),
                    r.line,
                    r.old
                );
            }
        }
        let mut mm = ModuleMode {
            mains,
            work: Some(work),
            vendor: false,
            modcache,
            build_list: BTreeMap::new(),
            fetcher: None,
            found: Default::default(),
        };
        mm.load_build_list(mod_flag)?;
        Ok(mm)
    }

    /// The first main module: go.mod's, or the first go.work uses.
    pub fn first(&self) -> &GoMod {
        &self.mains[0]
    }

    /// Whether `modpath` is a main module's path.
    pub fn is_main(&self, modpath: &str) -> bool {
        self.mains.iter().any(|m| m.module == modpath)
    }

    /// The main module named `modpath`.
    pub fn main_named(&self, modpath: &str) -> Option<&GoMod> {
        self.mains.iter().find(|m| m.module == modpath)
    }

    /// The main module whose files `dir` is among: the one whose go.mod
    /// is the nearest at or above `dir` (a directory inside a nested
    /// module that is no main module belongs to none).
    pub fn main_of_dir(&self, dir: &Path) -> Option<&GoMod> {
        let nearest = crate::gomod::find(dir)?;
        self.mains.iter().find(|m| m.file == nearest)
    }

    /// The version of `modpath` the build selects: the highest any main
    /// module requires (MVS over their own requirements), as written.
    pub fn selected_version(&self, modpath: &str) -> Option<&str> {
        if let Some(v) = self.build_list.get(modpath) {
            return Some(v);
        }
        self.mains
            .iter()
            .flat_map(|m| &m.require)
            .filter(|r| r.path == modpath)
            .map(|r| r.version.as_str())
            .max_by(|a, b| compare_versions(a, b))
    }

    /// Whether every main module that requires `modpath` marks it `//
    /// indirect`. In workspace mode always (modload keeps no direct
    /// requirements there, so go lists every dependency as indirect).
    fn indirect(&self, modpath: &str) -> bool {
        if self.work.is_some() {
            return true;
        }
        // go's `!rs.direct[path]`: a module no main module requires
        // (reached through the graph) is indirect too.
        !self
            .mains
            .iter()
            .flat_map(|m| &m.require)
            .any(|r| r.path == modpath && !r.indirect)
    }

    /// The replacement of `modpath` at `version` in force: go.work's
    /// first, then the main modules' in go.work's order (the go command
    /// refuses two modules replacing one differently; the first wins here).
    /// Where the go.mod of `modpath` at `version` comes from when a
    /// replacement is in force (a directory, or another module version).
    pub(super) fn replacement_source(&self, modpath: &str, version: &str) -> Option<mvs::Source> {
        let f = self.replacement(modpath, Some(version))?;
        Some(if is_local_path(&f.replace.new) {
            mvs::Source::Dir(clean(&f.base.join(&f.replace.new)))
        } else {
            mvs::Source::Module(
                f.replace.new.clone(),
                f.replace.new_version.clone().unwrap_or_default(),
            )
        })
    }

    fn replacement(&self, modpath: &str, version: Option<&str>) -> Option<InForce<'_>> {
        let matches = |r: &Replace| {
            r.old == modpath && (r.old_version.is_none() || r.old_version.as_deref() == version)
        };
        if let Some(w) = &self.work
            && let Some(r) = w.replace.iter().find(|r| matches(r))
        {
            return Some(InForce {
                replace: r,
                base: w.dir(),
                file: &w.file,
            });
        }
        self.mains.iter().find_map(|m| {
            m.replace.iter().find(|r| matches(r)).map(|r| InForce {
                replace: r,
                base: m.dir(),
                file: &m.file,
            })
        })
    }

    /// `path` inside a main module: the one with the longest module path
    /// that is a prefix of `path` and holds the package's directory.
    /// `None` when no main module's path is a prefix.
    ///
    /// Errors: main modules' paths are prefixes but none has the directory
    /// (saying why: missing, unreadable, or no Go files).
    fn resolve_in_main_modules(&self, path: &str) -> Option<Result<Found, ResolveError>> {
        let mut cands: Vec<(&GoMod, &str)> = self
            .mains
            .iter()
            .filter_map(|m| Some((m, under(path, &m.module)?)))
            .collect();
        cands.sort_by_key(|(m, _)| std::cmp::Reverse(m.module.len()));
        let (first, rest) = *cands.first()?;
        for &(m, rest) in &cands {
            let dir = join_rel(m.dir(), rest);
            if has_go_files(&dir) {
                return Some(Ok(Found::Dir {
                    import_path: path.into(),
                    dir,
                    module: Some(m.module.clone()),
                }));
            }
        }
        let which = if self.work.is_some() {
            format!("the workspace module {}", first.module)
        } else {
            "the main module".to_string()
        };
        Some(Err(ResolveError::NotFound(format!(
            "package {path} is not in {which}: {}",
            super::why_no_package(&join_rel(first.dir(), rest))
        ))))
    }

    /// The module that provides `path` among the main modules' requirements
    /// and replacements (not the main modules themselves): the longest
    /// module path that is a prefix of it, with the version selected (none
    /// for a `replace` of every version of a module nobody requires).
    fn provider(&self, path: &str) -> Option<(&str, Option<&str>)> {
        let mut best: Option<&str> = None;
        let work_replaces = self.work.iter().flat_map(|w| &w.replace);
        let candidates = self
            .mains
            .iter()
            .flat_map(|m| m.require.iter().map(|r| r.path.as_str()))
            .chain(
                self.mains
                    .iter()
                    .flat_map(|m| m.replace.iter().map(|r| r.old.as_str())),
            )
            .chain(work_replaces.map(|r| r.old.as_str()))
            .chain(self.build_list.keys().map(String::as_str));
        for c in candidates {
            if !self.is_main(c)
                && under(path, c).is_some()
                && best.is_none_or(|b| c.len() > b.len())
            {
                best = Some(c);
            }
        }
        let modpath = best?;
        Some((modpath, self.selected_version(modpath)))
    }

    /// go's `AmbiguousImportError` (cmd/go/internal/modload/import.go):
    /// `path`, found in `modpath` at `dir`, is also a package of another
    /// module of the build whose path is a prefix of it (`example.com/a`
    /// and `example.com/a/b` both holding `example.com/a/b/c`). The other
    /// modules are looked at where they already are (a replacement
    /// directory, the module cache), never downloaded. The modules are
    /// listed shortest path first, as go lists them.
    fn ambiguous(
        &self,
        path: &str,
        modpath: &str,
        version: Option<&str>,
        dir: &Path,
    ) -> Option<ResolveError> {
        let mut found = vec![(
            modpath.to_string(),
            version.map(str::to_string),
            dir.to_path_buf(),
        )];
        let mut seen = std::collections::BTreeSet::from([modpath.to_string()]);
        let requires = self
            .mains
            .iter()
            .flat_map(|m| m.require.iter().map(|r| r.path.clone()));
        for c in requires.chain(self.build_list.keys().cloned()) {
            let Some(rest) = under(path, &c) else {
                continue;
            };
            if self.is_main(&c) || !seen.insert(c.clone()) {
                continue;
            }
            let v = self.selected_version(&c);
            let (d, _) = self.locate(&c, v);
            let d = join_rel(&d, rest);
            if has_go_files(&d) {
                found.push((c.clone(), v.map(str::to_string), d));
            }
        }
        if found.len() < 2 {
            return None;
        }
        found.sort_by_key(|(m, _, _)| m.len());
        let mut msg = format!("ambiguous import: found package {path} in multiple modules:");
        for (m, v, d) in &found {
            msg.push_str(&format!("\n\t{m}"));
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                msg.push_str(&format!(" {v}"));
            }
            msg.push_str(&format!(" ({})", d.display()));
        }
        Some(ResolveError::NotFound(msg))
    }

    /// Module mode, for a path that is not std: a main module, else the
    /// module that provides it, from `vendor/`, a `replace`ment or the
    /// module cache.
    ///
    /// Errors: see each step; every message says how to fix it.
    pub(super) fn resolve(&self, path: &str) -> Result<Found, ResolveError> {
        let in_main = self.resolve_in_main_modules(path);
        if let Some(Ok(found)) = in_main {
            return Ok(found);
        }
        if !super::first_element(path).contains('.') {
            return Err(ResolveError::NotFound(format!(
                "package {path} is not in std ({}); the standard library is what the chosen gccgo ships",
                "its export data"
            )));
        }
        let queried;
        let (modpath, version) = match self.provider(path) {
            Some(p) => p,
            None => match self.find_missing_if(path, &in_main) {
                Some(found) => {
                    queried = found?;
                    (queried.0.as_str(), Some(queried.1.as_str()))
                }
                None => {
                    if let Some(Err(e)) = in_main {
                        return Err(e);
                    }
                    return Err(ResolveError::NotFound(self.no_provider(path)));
                }
            },
        };
        if self.vendor {
            return self.resolve_vendored(path, modpath);
        }
        let (mod_dir, shown) = self.module_dir(path, modpath, version)?;
        let dir = join_rel(&mod_dir, under(path, modpath).unwrap_or(""));
        if !has_go_files(&dir) {
            return Err(ResolveError::NotFound(format!(
                "module {shown} provides no package {path} (no Go files in {})",
                dir.display()
            )));
        }
        if let Some(e) = self.ambiguous(path, modpath, version, &dir) {
            return Err(e);
        }
        Ok(Found::Dir {
            import_path: path.into(),
            dir,
            module: Some(modpath.into()),
        })
    }

    /// The go command's "no required module provides package" error, with
    /// where to add the requirement.
    fn no_provider(&self, path: &str) -> String {
        match &self.work {
            // go's words (`ImportMissingError`), then gccgo-build's own way to add it.
            None => format!(
                "no required module provides package {path}; to add it:\n\tgo get {path}\n\t\
                 (or build with -mod=mod, which adds it to {})",
                self.first().file.display()
            ),
            Some(w) => format!(
                "no required module provides package {path}: no module that {} uses requires it \
                 and none of them is its module; add the module's directory with `go work use DIR`, \
                 or require it in a used module's go.mod",
                w.file.display()
            ),
        }
    }

    /// `path`, from module `modpath`, in the main module's `vendor/`.
    ///
    /// Errors: it is not there (saying to run `go mod vendor`).
    fn resolve_vendored(&self, path: &str, modpath: &str) -> Result<Found, ResolveError> {
        let vendor = self.first().dir().join("vendor");
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

    /// Where the module `modpath` at `version` lives, and how to name it
    /// in messages (`mod@version`, or `mod => dir` when replaced by a
    /// directory): a replacement directory, or the module cache's
    /// `escaped/path@version` (of the replacement module if replaced by one).
    fn locate(&self, modpath: &str, version: Option<&str>) -> (PathBuf, String) {
        match self.replacement(modpath, version) {
            Some(InForce {
                replace: r, base, ..
            }) if is_local_path(&r.new) => (
                clean(&base.join(&r.new)),
                format!("{} => {}", modpath, r.new),
            ),
            Some(InForce { replace: r, .. }) => {
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
        }
    }

    /// The root directory of module `modpath` at `version` (which provides
    /// `path`) and its name for messages, as `locate`.
    ///
    /// Errors: a replacement directory or module-cache directory that does
    /// not exist, saying how to fix it.
    fn module_dir(
        &self,
        path: &str,
        modpath: &str,
        version: Option<&str>,
    ) -> Result<(PathBuf, String), ResolveError> {
        let (mod_dir, shown) = self.locate(modpath, version);
        let (real, real_version) = match self.replacement(modpath, version) {
            Some(f) => (
                f.replace.new.clone(),
                f.replace.new_version.clone().unwrap_or_default(),
            ),
            None => (modpath.to_string(), version.unwrap_or_default().to_string()),
        };
        if let Some(r) = self.fetch_module_dir(path, &real, &real_version) {
            return r.map(|d| (d, shown));
        }
        if mod_dir.is_dir() {
            return Ok((mod_dir, shown));
        }
        if let Some(InForce {
            replace: r, file, ..
        }) = self.replacement(modpath, version)
            && is_local_path(&r.new)
        {
            return Err(ResolveError::NotFound(format!(
                "{}:{}: replace {} => {}: the directory {} does not exist (it would provide \
                 package {path}); fix the replace directive or put the module there",
                file.display(),
                r.line,
                r.old,
                r.new,
                mod_dir.display()
            )));
        }
        Err(ResolveError::NotFound(format!(
            "module {shown} (which provides package {path}) is not in the module cache {}; \
             fetch it with `gccgo-build mod download {modpath}` or vendor it with `go mod vendor`",
            self.modcache.display()
        )))
    }

    /// What `go list` prints as a package's `Module` for the module
    /// `modpath` (a main module, a requirement, or a replaced one). `None`
    /// for a path that is none of them.
    pub fn module_info(&self, modpath: &str) -> Option<ModuleInfo> {
        Some(self.module_info_at(modpath, self.selected_version(modpath)))
    }

    /// `module_info` of `modpath` at `version` (the one the module graph
    /// selects, see `module_graph`), as go's `modload.moduleInfo` with the
    /// main module's requirements: a main module, else the version with
    /// its replacement and what the module cache holds of it.
    pub fn module_info_at(&self, modpath: &str, version: Option<&str>) -> ModuleInfo {
        if let Some(m) = self.main_named(modpath) {
            return ModuleInfo {
                path: m.module.clone(),
                main: true,
                dir: m.dir().display().to_string(),
                gomod: m.file.display().to_string(),
                go_version: m.go.clone().unwrap_or_default(),
                ..ModuleInfo::default()
            };
        }
        let mut info = ModuleInfo {
            path: modpath.into(),
            version: version.unwrap_or_default().into(),
            indirect: self.indirect(modpath),
            ..ModuleInfo::default()
        };
        match self.replacement(modpath, version) {
            None if self.vendor => {}
            None => self.complete_from_cache(&mut info),
            Some(f) => {
                let r = f.replace;
                let mut rep = ModuleInfo {
                    path: self.replace_path_shown(&f),
                    version: r.new_version.clone().unwrap_or_default(),
                    ..ModuleInfo::default()
                };
                if is_local_path(&r.new) {
                    let dir = clean(&f.base.join(&r.new));
                    rep.gomod = dir.join("go.mod").display().to_string();
                    rep.go_version = go_version_of(&dir.join("go.mod"));
                    rep.dir = dir.display().to_string();
                } else {
                    self.complete_from_cache(&mut rep);
                }
                if !self.vendor {
                    info.dir = rep.dir.clone();
                    info.gomod = rep.gomod.clone();
                }
                info.go_version = rep.go_version.clone();
                info.replace = Some(Box::new(rep));
            }
        }
        info
    }

    /// A replacement's path as `go list` shows it: as written, except that
    /// in workspace mode a module's relative directory is made relative to
    /// the go.work directory (`modload.canonicalizeReplacePath`).
    fn replace_path_shown(&self, f: &InForce<'_>) -> String {
        let r = f.replace;
        let Some(w) = &self.work else {
            return r.new.clone();
        };
        if !is_local_path(&r.new) || r.new.starts_with('/') || f.base == w.dir() {
            return r.new.clone();
        }
        let abs = clean(&f.base.join(&r.new));
        relative_to(&abs, w.dir()).unwrap_or_else(|| abs.display().to_string())
    }

    /// `Dir`, `GoMod`, `GoVersion` and `Time` of a module in the module
    /// cache, for the fields whose files are there.
    fn complete_from_cache(&self, m: &mut ModuleInfo) {
        if m.version.is_empty() {
            return;
        }
        let esc = escape_path(&m.path);
        let dl = self.modcache.join("cache/download").join(&esc).join("@v");
        let gomod = dl.join(format!("{}.mod", m.version));
        if gomod.is_file() {
            m.go_version = go_version_of(&gomod);
            m.gomod = gomod.display().to_string();
        }
        let dir = self.modcache.join(format!("{esc}@{}", m.version));
        if dir.is_dir() {
            m.dir = dir.display().to_string();
        }
        if let Ok(b) = std::fs::read(dl.join(format!("{}.info", m.version)))
            && let Ok(v) = serde_json::from_slice::<serde_json::Value>(&b)
            && let Some(t) = v.get("Time").and_then(|t| t.as_str())
        {
            m.time = t.to_string();
        }
    }
}

/// The `go` directive of the go.mod at `file`, or empty.
fn go_version_of(file: &Path) -> String {
    std::fs::read_to_string(file)
        .ok()
        .and_then(|t| crate::gomod::parse(file, &t).ok())
        .and_then(|m| m.go)
        .unwrap_or_default()
}

/// `abs` relative to `base` (`../x`, `x/y`, `.`), both absolute and clean;
/// `None` when they share no component.
pub fn relative_to(abs: &Path, base: &Path) -> Option<String> {
    let a: Vec<_> = abs.components().collect();
    let b: Vec<_> = base.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if common == 0 {
        return None;
    }
    let mut parts: Vec<String> = vec!["..".into(); b.len() - common];
    parts.extend(
        a[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    Some(if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    })
}

/// Semantic-version order of module versions (`golang.org/x/mod/semver`):
/// `vMAJOR.MINOR.PATCH`, a pre-release (`-rc.1`) before its release,
/// pre-release identifiers compared numerically or by text, build
/// metadata (`+incompatible`) ignored. Text that is no version sorts first.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    fn parse(v: &str) -> Option<(Vec<u64>, Option<&str>)> {
        let v = v.strip_prefix('v')?;
        let v = v.split('+').next().unwrap_or(v);
        let (core, pre) = match v.split_once('-') {
            Some((c, p)) => (c, Some(p)),
            None => (v, None),
        };
        let nums: Option<Vec<u64>> = core.split('.').map(|n| n.parse().ok()).collect();
        Some((nums?, pre))
    }
    fn pre_cmp(a: Option<&str>, b: Option<&str>) -> Ordering {
        match (a, b) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
            (Some(a), Some(b)) => {
                for (x, y) in a.split('.').zip(b.split('.')) {
                    let o = match (x.parse::<u64>(), y.parse::<u64>()) {
                        (Ok(m), Ok(n)) => m.cmp(&n),
                        (Ok(_), Err(_)) => Ordering::Less,
                        (Err(_), Ok(_)) => Ordering::Greater,
                        (Err(_), Err(_)) => x.cmp(y),
                    };
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                a.split('.').count().cmp(&b.split('.').count())
            }
        }
    }
    match (parse(a), parse(b)) {
        (None, None) => a.cmp(b),
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some((x, p)), Some((y, q))) => x.cmp(&y).then_with(|| pre_cmp(p, q)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_order_as_semver() {
        let mut v = vec![
            "v1.10.0",
            "v1.2.0",
            "v1.2.0-rc.1",
            "v1.2.0-beta",
            "v2.0.0+incompatible",
            "v0.0.0-20220101000000-abcdef123456",
        ];
        v.sort_by(|a, b| compare_versions(a, b));
        assert_eq!(
            v,
            [
                "v0.0.0-20220101000000-abcdef123456",
                "v1.2.0-beta",
                "v1.2.0-rc.1",
                "v1.2.0",
                "v1.10.0",
                "v2.0.0+incompatible"
            ]
        );
    }

    /// A workspace of `a` (example.com/a) and `b` (example.com/a/b, a
    /// module path below a's), both replacing example.com/dep, go.work too.
    fn workspace() -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        let files = [
            (
                "go.work",
                "go 1.18\nuse (\n\t./a\n\t./b\n)\nreplace example.com/dep => ./dep-work\nreplace example.com/x => ./x\n",
            ),
            (
                "a/go.mod",
                "module example.com/a\ngo 1.18\nrequire (\n\texample.com/dep v1.0.0\n\texample.com/x v1.2.0 // indirect\n)\nreplace example.com/dep => ../dep-a\nreplace example.com/x => ../x\n",
            ),
            ("a/p/p.go", "package p\n"),
            ("a/b/c/c.go", "package c\n"),
            (
                "b/go.mod",
                "module example.com/a/b\ngo 1.19\nrequire example.com/x v1.10.0\n",
            ),
            ("b/b.go", "package b\n"),
            ("dep-work/go.mod", "module example.com/dep\ngo 1.17\n"),
            ("dep-work/d.go", "package dep\n"),
            ("dep-a/d.go", "package dep\n"),
            // Replaced by a directory, so the build list needs no download.
            ("x/go.mod", "module example.com/x\ngo 1.17\n"),
        ];
        for (rel, body) in files {
            let p = d.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, body).unwrap();
        }
        d
    }

    fn dir_of(m: &ModuleMode, path: &str) -> PathBuf {
        match m.resolve(path) {
            Ok(Found::Dir { dir, .. }) => dir,
            other => panic!("{path}: {other:?}"),
        }
    }

    #[test]
    fn workspace_modules_resolve_by_longest_path_and_go_work_replaces_win() {
        let d = workspace();
        let w = crate::gomod::GoWork::read(&d.path().join("go.work")).unwrap();
        let m = ModuleMode::new(None, Some(w), "").unwrap();
        assert_eq!(m.mains.len(), 2);
        assert_eq!(dir_of(&m, "example.com/a/p"), d.path().join("a/p"));
        assert_eq!(dir_of(&m, "example.com/a/b"), d.path().join("b"));
        // Under both paths; only a has the directory.
        assert_eq!(dir_of(&m, "example.com/a/b/c"), d.path().join("a/b/c"));
        assert_eq!(dir_of(&m, "example.com/dep"), d.path().join("dep-work"));
        assert_eq!(m.selected_version("example.com/x"), Some("v1.10.0"));
        assert_eq!(
            m.main_of_dir(&d.path().join("a/b/c")).unwrap().module,
            "example.com/a"
        );
        let info = m.module_info("example.com/dep").unwrap();
        let rep = info.replace.as_deref().unwrap();
        assert_eq!(
            (rep.path.as_str(), rep.go_version.as_str()),
            ("./dep-work", "1.17")
        );
        assert_eq!(info.dir, d.path().join("dep-work").display().to_string());
        let b = m.module_info("example.com/a/b").unwrap();
        assert!(b.main && b.go_version == "1.19" && b.version.is_empty());
        let e = m.resolve("example.com/a/nope").unwrap_err().to_string();
        assert!(
            e.contains("not in the workspace module example.com/a"),
            "{e}"
        );
        let e = m.resolve("example.org/none").unwrap_err().to_string();
        assert!(
            e.contains("no required module provides package example.org/none"),
            "{e}"
        );
    }

    #[test]
    fn without_the_workspace_the_module_replaces() {
        let d = workspace();
        let m = ModuleMode::new(Some(&d.path().join("a/go.mod")), None, "").unwrap();
        assert_eq!(dir_of(&m, "example.com/dep"), d.path().join("dep-a"));
        assert_eq!(dir_of(&m, "example.com/a/b/c"), d.path().join("a/b/c"));
        assert!(m.resolve("example.com/a/b").is_err());
        let x = m.module_info("example.com/x").unwrap();
        assert!(x.indirect && x.version == "v1.2.0");
    }

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative_to(Path::new("/ws/lib"), Path::new("/ws")).as_deref(),
            Some("lib")
        );
        assert_eq!(
            relative_to(Path::new("/x/lib"), Path::new("/ws/a")).as_deref(),
            Some("../../x/lib")
        );
    }
}
