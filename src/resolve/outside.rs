//! `run pkg@version` and `install pkg@version`: module-aware mode that
//! ignores the current module, as go ≥ 1.17 (cmd/go/internal/load's
//! `PackagesAndErrorsOutsideModule`, modload with `RootMode = NoRoot` and
//! `allowMissingModuleImports`).
//!
//! 1. The arguments must all be package paths at one version (go's
//!    syntax errors, word for word).
//! 2. The module providing the first package is found by querying each
//!    leading prefix of its path at the version (longest first; the most
//!    useful failure reported, as modload's `queryPrefixModules`).
//! 3. Its go.mod must have no `replace` or `exclude` directive.
//! 4. The main module is go's dummy `command-line-arguments`, requiring
//!    only that module; the build list is MVS from there (pruned, as a
//!    go 1.19 main module). There is no go.sum: each download is checked
//!    against the checksum database (unless GOSUMDB=off or GONOSUMDB).
//!
//! The packages are then loaded and built as any others; the driver
//! checks that they are main packages.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Result, anyhow, bail};

use super::module::ModuleMode;
use super::{Mode, Resolver, has_go_files, is_local_path, join_rel};
use crate::gomod::{GoMod, Require};
use crate::modfetch::gosum::GoSum;
use crate::modfetch::vquery::{self, QueryError};
use crate::modfetch::{Env, Fetcher, Info, mvs};

/// The main module's path without a go.mod (modload's dummy module).
pub const NO_ROOT_MODULE: &str = "command-line-arguments";

/// Concurrent proxy lookups (prefixes of one path, go.mod files of one level).
const FETCH_JOBS: usize = 8;

/// Whether `go install ARGS` installs outside the module: some argument
/// has `@` and is no relative or absolute path (cmd/go's `runInstall`).
pub fn wanted_by_install(args: &[String]) -> bool {
    args.iter().any(|a| versioned_path(a))
}

/// Whether `go run ARGS` runs outside the module: the first argument has
/// `@`, is no file, flag or path (`shouldUseOutsideModuleMode`).
pub fn wanted_by_run(args: &[String]) -> bool {
    args.first()
        .is_some_and(|a| !a.ends_with(".go") && !a.starts_with('-') && versioned_path(a))
}

fn versioned_path(a: &str) -> bool {
    a.contains('@') && !is_local_path(a) && !a.starts_with('/')
}

/// The package patterns and the one version of `args`, checked as
/// `PackagesAndErrorsOutsideModule` checks them; `std` tells a
/// standard-library path.
///
/// Errors, in go's words: an empty version, arguments at different
/// versions (or without one), a relative, absolute, meta-package, unclean
/// or standard-library path.
pub fn split_args(args: &[String], std: &BTreeSet<String>) -> Result<(Vec<String>, String)> {
    let mut version = String::new();
    if let Some(a) = args.iter().find(|a| a.contains('@')) {
        version = a[a.find('@').unwrap_or(0) + 1..].to_string();
        if version.is_empty() {
            bail!("{a}: version must not be empty");
        }
    }
    let mut patterns = Vec::new();
    for a in args {
        let Some(p) = a.strip_suffix(&format!("@{version}")) else {
            bail!(
                "{a}: all arguments must refer to packages in the same module at the same version (@{version})"
            );
        };
        let why = if is_local_path(p) {
            "argument must be a package path, not a relative path"
        } else if p.starts_with('/') {
            "argument must be a package path, not an absolute path"
        } else if ["all", "std", "cmd"].contains(&p) {
            "argument must be a package path, not a meta-package"
        } else if super::clean(Path::new(p)).to_string_lossy() != p {
            "argument must be a clean package path"
        } else if !p.contains("...") && !super::first_element(p).contains('.') && std.contains(p) {
            "argument must not be a package in the standard library"
        } else {
            patterns.push(p.to_string());
            continue;
        };
        bail!("{a}: {why}");
    }
    Ok((patterns, version))
}

impl Resolver {
    /// The resolver of `install`/`run` `args` (all `pkg@version`) outside
    /// any module, and the package patterns to load with it (steps 1–4 of
    /// the module doc). `std`: the toolchain's standard-library paths.
    ///
    /// Errors: as `split_args`; the query's failure (`ARG: module M@Q
    /// found (V), but does not contain package P`, `ARG: no matching
    /// versions for query "Q"`, a proxy's `reading URL: …`); the module's
    /// go.mod holding `replace` or `exclude` (go's paragraph); a go.mod of
    /// the build list that cannot be fetched or verified.
    pub fn outside_module(
        std: BTreeSet<String>,
        args: &[String],
    ) -> Result<(Resolver, Vec<String>)> {
        let (patterns, version) = split_args(args, &std)?;
        let arg0 = &args[0];
        let fetcher = Fetcher::new(
            super::modcache(),
            Env::from_env(),
            GoSum::read(None, &[])?,
            false,
        )?;
        let (modpath, info) =
            query_package(&fetcher, &patterns[0], &version).map_err(|e| anyhow!("{arg0}: {e}"))?;
        let root = format!("{modpath}@{}", info.version);
        let data = fetcher
            .go_mod(&modpath, &info.version)
            .map_err(|e| anyhow!("{arg0}: {e:#}"))?;
        let file = fetcher.cache.file(&modpath, &info.version, "mod");
        let stmts = crate::gomod::statements(&file, &String::from_utf8_lossy(&data))
            .map_err(|e| anyhow!("{arg0} (in {root}): {e:#}"))?;
        for verb in ["replace", "exclude"] {
            if stmts.iter().any(|s| s.verb == verb) {
                bail!(
                    "{arg0} (in {root}):\n\tThe go.mod file for the module providing named packages contains one or\n\
                     \tmore {verb} directives. It must not contain directives that would cause\n\
                     \tit to be interpreted differently than if it were the main module."
                );
            }
        }
        let main = GoMod {
            // No file: modload's dummy main module has no directory.
            file: PathBuf::from("/nonexistent/command-line-arguments/go.mod"),
            module: NO_ROOT_MODULE.into(),
            go: Some("1.19".into()),
            require: vec![Require {
                path: modpath.clone(),
                version: info.version.clone(),
                indirect: false,
            }],
            ..GoMod::default()
        };
        let mains: BTreeSet<String> = [NO_ROOT_MODULE.to_string()].into();
        let roots = [(modpath.clone(), info.version.clone())];
        let same = |p: &str, v: &str| mvs::Source::Module(p.into(), v.into());
        let build_list = mvs::build_list(&fetcher, &mains, &roots, true, &same, FETCH_JOBS)
            .map_err(|e| anyhow!("{arg0}: {e:#}"))?;
        let mm = ModuleMode {
            mains: vec![main],
            work: None,
            vendor: false,
            modcache: super::modcache(),
            build_list,
            fetcher: Some(Arc::new(fetcher)),
            found: Default::default(),
        };
        let root_dir = mm
            .fetcher
            .as_ref()
            .map(|f| f.download(&modpath, &info.version));
        let patterns = match root_dir {
            Some(Ok(dir)) => main_packages(&patterns, &modpath, &dir),
            _ => patterns,
        };
        let resolver = Resolver {
            mode: Mode::Module(mm),
            std,
        };
        Ok((resolver, patterns))
    }
}

/// `patterns` with each `...` pattern replaced by the main packages it
/// matches in module `modpath` (extracted at `dir`): go installs only
/// those (`mainPackagesOnly`), warning when a pattern matches packages
/// but no main one. A pattern matching nothing stays (the load warns).
fn main_packages(patterns: &[String], modpath: &str, dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for pat in patterns {
        if !pat.contains("...") {
            out.push(pat.clone());
            continue;
        }
        let mut any = false;
        let mut mains = Vec::new();
        let walk = walkdir::WalkDir::new(dir).into_iter().filter_entry(|e| {
            let n = e.file_name().to_string_lossy();
            e.depth() == 0
                || !(n.starts_with('.') || n.starts_with('_') || n == "testdata" || n == "vendor")
        });
        for e in walk.flatten().filter(|e| e.file_type().is_dir()) {
            let rel = e
                .path()
                .strip_prefix(dir)
                .map(|r| r.to_string_lossy().into_owned());
            let ip = join_ip(modpath, &rel.unwrap_or_default());
            if !super::wildcard_match(pat, &ip) || !has_go_files(e.path()) {
                continue;
            }
            any = true;
            if is_main_package(e.path()) {
                mains.push(ip);
            }
        }
        if any && mains.is_empty() {
            eprintln!("gccgo-build: warning: {pat:?} matched only non-main packages");
        }
        if any {
            out.extend(mains);
        } else {
            out.push(pat.clone());
        }
    }
    out
}

/// Whether a non-test Go file in `dir` says `package main` (the clause
/// is the first non-comment line go accepts; a cheap look, the load checks).
fn is_main_package(dir: &Path) -> bool {
    let files = std::fs::read_dir(dir).into_iter().flatten().flatten();
    files
        .map(|e| e.path())
        .filter(|p| {
            let n = p.to_string_lossy();
            n.ends_with(".go") && !n.ends_with("_test.go")
        })
        .any(|p| {
            std::fs::read_to_string(&p).is_ok_and(|t| {
                t.lines()
                    .map(str::trim)
                    .find(|l| l.starts_with("package "))
                    .is_some_and(|l| l.split_whitespace().nth(1) == Some("main"))
            })
        })
}

impl Resolver {
    /// Whether this resolver loads pkg@version outside any module.
    pub fn is_outside_module(&self) -> bool {
        matches!(&self.mode, Mode::Module(m) if m.first().module == NO_ROOT_MODULE)
    }
}

/// What one candidate module path answered.
enum Answer {
    Found(Info),
    NoPackage(String),
    Failed(QueryError),
}

/// The leading element prefixes of `pattern` that may be its module,
/// longest first (for a `...` pattern, those of the directory before it).
pub fn candidate_modules(pattern: &str) -> Vec<String> {
    let base = match pattern.find("...") {
        Some(i) => match pattern[..i].rfind('/') {
            Some(j) => &pattern[..j],
            None => "",
        },
        None => pattern,
    };
    let mut out = Vec::new();
    let mut p = base;
    while !p.is_empty() && super::first_element(p).contains('.') {
        out.push(p.to_string());
        match p.rfind('/') {
            Some(i) => p = &p[..i],
            None => break,
        }
    }
    out
}

/// The module providing `pattern` at `query` (modload's `QueryPackages`
/// with nothing selected): each candidate is queried and, when found,
/// downloaded to see whether it holds the package. The longest that does
/// wins; else go's most useful error (a failure at a longer path, else
/// "found, but does not contain", else "no matching versions", else the
/// longest "not found").
///
/// Errors: as above, without the argument in front.
pub fn query_package(f: &Fetcher, pattern: &str, query: &str) -> Result<(String, Info), String> {
    let cands = candidate_modules(pattern);
    if cands.is_empty() {
        return Err(format!(
            "malformed module path {pattern:?}: missing dot in first path element"
        ));
    }
    let answers = crate::par::map(&cands, FETCH_JOBS, "module queries", |m| {
        Ok(answer(f, m, pattern, query))
    });
    let mut no_package = None;
    let mut no_version = None;
    let mut not_exist = None;
    for (m, a) in cands.iter().zip(answers) {
        match a.unwrap_or_else(|e| Answer::Failed(QueryError::Other(format!("{e:#}")))) {
            Answer::Found(i) => return Ok((m.clone(), i)),
            Answer::NoPackage(e) => {
                no_package.get_or_insert(e);
            }
            Answer::Failed(QueryError::NoMatch(e)) => {
                no_version.get_or_insert(e);
            }
            Answer::Failed(QueryError::NotExist(e)) => {
                not_exist.get_or_insert(e);
            }
            Answer::Failed(QueryError::Other(e)) if no_package.is_none() => return Err(e),
            Answer::Failed(QueryError::Other(_)) => {}
        }
    }
    Err(no_package
        .or(no_version)
        .or(not_exist)
        .unwrap_or_else(|| format!("no module provides {pattern}")))
}

/// `m` at `query`, and whether it holds `pattern` (its zip downloaded).
fn answer(f: &Fetcher, m: &str, pattern: &str, query: &str) -> Answer {
    let info = match vquery::query(f, m, query, "none") {
        Ok(i) => i,
        Err(e) => return Answer::Failed(e),
    };
    let dir = match f.download(m, &info.version) {
        Ok(d) => d,
        Err(e) => return Answer::Failed(QueryError::Other(format!("{e:#}"))),
    };
    let found = if query != info.version {
        format!(" ({})", info.version)
    } else {
        String::new()
    };
    let holds = if pattern.contains("...") {
        let re = pattern.to_string();
        walkdir::WalkDir::new(&dir).into_iter().flatten().any(|e| {
            e.file_type().is_dir()
                && has_go_files(e.path())
                && e.path().strip_prefix(&dir).is_ok_and(|r| {
                    let ip = join_ip(m, &r.to_string_lossy());
                    super::wildcard_match(&re, &ip)
                })
        })
    } else {
        has_go_files(&join_rel(&dir, super::under(pattern, m).unwrap_or("")))
    };
    if holds {
        return Answer::Found(info);
    }
    let what = if pattern.contains("...") {
        "packages matching"
    } else {
        "package"
    };
    Answer::NoPackage(format!(
        "module {m}@{query} found{found}, but does not contain {what} {pattern}"
    ))
}

/// `m` joined with a relative directory (empty: `m` itself).
fn join_ip(m: &str, rel: &str) -> String {
    if rel.is_empty() {
        m.to_string()
    } else {
        format!("{m}/{rel}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_are_checked_as_packages_and_errors_outside_module() {
        let std: BTreeSet<String> = ["fmt".to_string()].into();
        let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let e = |a: &[&str]| split_args(&v(a), &std).unwrap_err().to_string();
        assert_eq!(
            split_args(
                &v(&["example.com/a/b@v1.0.0", "example.com/a/c@v1.0.0"]),
                &std
            )
            .unwrap(),
            (
                v(&["example.com/a/b", "example.com/a/c"]),
                "v1.0.0".to_string()
            )
        );
        assert_eq!(e(&["x.com/a@"]), "x.com/a@: version must not be empty");
        assert_eq!(
            e(&["x.com/a@v1", "x.com/b"]),
            "x.com/b: all arguments must refer to packages in the same module at the same version (@v1)"
        );
        assert_eq!(
            e(&["fmt@v1.0.0"]),
            "fmt@v1.0.0: argument must not be a package in the standard library"
        );
        assert_eq!(
            e(&["all@v1"]),
            "all@v1: argument must be a package path, not a meta-package"
        );
    }

    #[test]
    fn candidate_modules_are_the_path_prefixes_longest_first() {
        assert_eq!(
            candidate_modules("example.com/cmd/cmd/a"),
            [
                "example.com/cmd/cmd/a",
                "example.com/cmd/cmd",
                "example.com/cmd",
                "example.com"
            ]
        );
        assert_eq!(
            candidate_modules("example.com/cmd/..."),
            ["example.com/cmd", "example.com"]
        );
    }
}
