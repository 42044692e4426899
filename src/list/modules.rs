//! `gccgo-build list -m`: modules instead of packages, as `go list -m`
//! (cmd/go/internal/list and modload's `ListModules`, Go 1.19) lists
//! them: no arguments for the main modules, `all` and `...` patterns over
//! the module graph's build list (`resolve::ModGraph`), a module path for
//! its selected version, `path@version` for that version in the module
//! cache; `-json`, `-f` over go's `modinfo.ModulePublic`, `-e`.
//!
//! What needs a module proxy — `-versions`, `-u`'s `Update`, `-retracted`,
//! and queries (`@latest`, `@upgrade`, `@v1`, `@<v1.2`) — goes through
//! `versions_of`, the one place that asks `modfetch` for a module's
//! version list. Offline, and with `GOPROXY=off`, they behave as go does
//! with `GOPROXY=off`: `-u` and `-retracted` add nothing, `-versions` and
//! queries fail with `module lookup disabled by GOPROXY=off`.

use std::path::Path;

use anyhow::{Result, bail};
use serde::Serialize;

use super::ListConfig;
use crate::resolve::{ModGraph, Mode, ModuleMode, Resolver};

/// A module as `go list -m -json` prints it: go's `modinfo.ModulePublic`
/// (without `Origin` and `Reuse`, which need the network), fields in go's
/// order, each left out when empty as go's `omitempty`. Also a package's
/// `Module`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ModulePublic {
    /// The module path (for a replacement: the path or directory as written).
    pub path: String,
    /// The selected version; empty for a main module or a directory.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub version: String,
    /// The query given (`path@query`) when it is not the version itself.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub query: String,
    /// The versions the proxy lists (`-versions`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<String>,
    /// The module replacing this one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replace: Option<Box<ModulePublic>>,
    /// When the version was published (the module cache's `.info`), RFC 3339.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub time: String,
    /// A newer version (`-u`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update: Option<Box<ModulePublic>>,
    /// Whether this is a main module (go.mod's, or one go.work uses).
    #[serde(skip_serializing_if = "super::is_false")]
    pub main: bool,
    /// No main module requires it without `// indirect`.
    #[serde(skip_serializing_if = "super::is_false")]
    pub indirect: bool,
    /// The directory holding its files (none when vendored or not extracted).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub dir: String,
    /// Its go.mod file.
    #[serde(rename = "GoMod", skip_serializing_if = "String::is_empty")]
    pub go_mod: String,
    /// Its go.mod's `go` directive.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub go_version: String,
    /// Retraction rationale (`-retracted`, `-u`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub retracted: Vec<String>,
    /// Deprecation message (`-u`).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub deprecated: String,
    /// Why it could not be listed (`-e`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ModuleError>,
}

/// go's `modinfo.ModuleError`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ModuleError {
    /// The message.
    pub err: String,
}

impl From<crate::resolve::ModuleInfo> for ModulePublic {
    fn from(m: crate::resolve::ModuleInfo) -> ModulePublic {
        ModulePublic {
            path: m.path,
            version: m.version,
            replace: m.replace.map(|r| Box::new(ModulePublic::from(*r))),
            time: m.time,
            main: m.main,
            indirect: m.indirect,
            dir: m.dir,
            go_mod: m.gomod,
            go_version: m.go_version,
            ..ModulePublic::default()
        }
    }
}

/// Runs `list -m`; prints to stdout (errors and warnings to stderr) and
/// returns the exit status.
///
/// Errors (go's words): a flag that `-m` does not take, GO111MODULE=off,
/// a relative path or backslash as a module, `all` or a pattern outside a
/// module, a vendored build asked for what vendor/ cannot tell, a
/// template that fails.
pub fn main(cwd: &Path, args: &ListConfig) -> Result<i32> {
    for (on, flag) in [
        (args.compiled, "-compiled"),
        (args.deps, "-deps"),
        (args.export, "-export"),
        (args.find, "-find"),
        (args.test, "-test"),
    ] {
        if on {
            bail!("go list {flag} cannot be used with -m");
        }
    }
    if std::env::var("GO111MODULE").is_ok_and(|v| v == "off") {
        bail!("list -m cannot be used with GO111MODULE=off");
    }
    // The listing walks the module graph itself, with go's errors (and -e).
    crate::resolve::defer_build_list_errors();
    let resolver = Resolver::for_dir(cwd, Default::default(), &args.load.mod_mode)?;
    let mode = match &resolver.mode {
        Mode::Module(m) => Some(m),
        Mode::Gopath(_) => None,
    };
    check_vendor(mode, args)?;
    let (mods, graph_err) = list_modules(mode, &args.load.packages, args)?;
    if !args.errors {
        let mut failed = false;
        for m in &mods {
            if let Some(e) = &m.error {
                eprintln!("gccgo-build: error: {}", e.err);
                failed = true;
            }
        }
        if let Some(e) = &graph_err {
            eprintln!("gccgo-build: error: {e}");
            failed = true;
        }
        if failed {
            return Ok(1);
        }
    }
    let default = if args.versions {
        "{{.Path}}{{range .Versions}} {{.}}{{end}}{{if .Deprecated}} (deprecated){{end}}"
    } else {
        "{{.String}}"
    };
    let format = args.format.as_deref().unwrap_or(default);
    let tmpl = super::template::Template::parse(format).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut out = String::new();
    for m in &mods {
        let json = serde_json::to_value(m)?;
        if args.json {
            let text = if args.json_fields.is_empty() {
                super::to_go_json_value(m)?
            } else {
                let order: Vec<&str> = super::fields::MODULE.iter().map(|f| f.0).collect();
                super::json_subset(None, &json, &order, &args.json_fields)?
            };
            out.push_str(&text);
            out.push('\n');
            continue;
        }
        super::push_templated(
            &mut out,
            tmpl.execute(&super::fields::module_value(&json)),
            "",
        )?;
    }
    print!("{out}");
    Ok(0)
}

/// go refuses what vendor/ cannot answer (`-mod=vendor`, or vendor/ with go ≥ 1.14).
fn check_vendor(mode: Option<&ModuleMode>, args: &ListConfig) -> Result<()> {
    if !mode.is_some_and(|m| m.vendor) {
        return Ok(());
    }
    let refuse = |what: &str| {
        anyhow::anyhow!(
            "can't {what} using the vendor directory\n\t(Use -mod=mod or -mod=readonly to bypass.)"
        )
    };
    if args.versions {
        return Err(refuse("determine available versions"));
    }
    if args.update {
        return Err(refuse("determine available upgrades"));
    }
    for a in &args.load.packages {
        if a == "all" {
            return Err(refuse("compute 'all'"));
        }
        if a.contains("...") {
            return Err(refuse("match module patterns"));
        }
    }
    if args.retracted {
        bail!("go list -retracted cannot be used when vendoring is enabled");
    }
    Ok(())
}

/// go.sum lines as `path version` (`path version/go.mod`).
type Sums = std::collections::BTreeSet<String>;

/// The go.sum lines go's `modfetch.HaveSum` reads: every main module's
/// go.sum, and go.work.sum in workspace mode; `None` with `-mod=mod`,
/// where go does not check them.
fn sums(mode: &ModuleMode, mod_flag: &str) -> Option<Sums> {
    if mod_flag == "mod" {
        return None;
    }
    let mut files: Vec<_> = mode.mains.iter().map(|m| m.dir().join("go.sum")).collect();
    if let Some(w) = &mode.work {
        files.push(w.dir().join("go.work.sum"));
    }
    let mut out = Sums::new();
    for f in files {
        for l in std::fs::read_to_string(f).unwrap_or_default().lines() {
            let mut w = l.split_whitespace();
            if let (Some(p), Some(v)) = (w.next(), w.next()) {
                out.insert(format!("{p} {v}"));
            }
        }
    }
    Some(out)
}

/// go's "go.mod file not found" (`modload.ErrNoModRoot`).
const NO_MOD_ROOT: &str =
    "go.mod file not found in current directory or any parent directory; see 'go help modules'";

/// modload's `listModules`: the modules the arguments name, each with its
/// `Error` where it has one, and the module graph's first error.
///
/// Errors: as `main` (those go reports with `base.Fatalf`).
fn list_modules(
    mode: Option<&ModuleMode>,
    patterns: &[String],
    args: &ListConfig,
) -> Result<(Vec<ModulePublic>, Option<String>)> {
    let Some(mode) = mode else {
        return no_module(patterns, args);
    };
    if patterns.is_empty() {
        let mods = mode
            .mains
            .iter()
            .map(|m| ModulePublic::from(mode.module_info_at(&m.module, None)))
            .collect();
        return Ok((mods, None));
    }
    check_args(patterns, true)?;
    let roots: std::collections::BTreeMap<&str, &str> = if mode.work.is_none() {
        mode.first()
            .require
            .iter()
            .map(|r| (r.path.as_str(), r.version.as_str()))
            .collect()
    } else {
        Default::default()
    };
    let pruned = mode.first().go_version().is_some_and(|v| v >= (1, 17)) && mode.work.is_none();
    // As go: the full graph only for what the go.mod's own requirements cannot answer.
    let need_graph = patterns.iter().any(|a| {
        a == "all"
            || a.contains("...")
            || (!a.contains('@') && (!pruned || !roots.contains_key(a.as_str())))
    });
    let sums = sums(mode, &args.load.mod_mode);
    let sums = sums.as_ref();
    let graph: Option<ModGraph> = need_graph.then(|| mode.module_graph(&args.load.mod_mode));
    let graph_err = graph.as_ref().and_then(ModGraph::first_error);
    let selected = |p: &str| -> Option<String> {
        match &graph {
            Some(g) => g.selected(p).map(String::from),
            None => roots.get(p).map(|v| v.to_string()),
        }
    };
    let mut mods = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for arg in patterns {
        if let Some((path, vers)) = arg.split_once('@') {
            mods.push(query(path, vers));
            continue;
        }
        if arg == "all" || arg.contains("...") {
            let matched: Vec<_> = graph
                .iter()
                .flat_map(ModGraph::build_list)
                .filter(|(p, _)| arg == "all" || crate::plan::pkgflags::match_pattern(arg, p))
                .collect();
            if matched.is_empty() {
                eprintln!("warning: pattern {arg:?} matched no module dependencies");
            }
            for (p, v) in matched {
                if seen.insert((p.clone(), v.clone())) {
                    mods.push(info(mode, &p, &v, sums));
                }
            }
            continue;
        }
        match selected(arg) {
            Some(v) => mods.push(info(mode, arg, &v, sums)),
            None if graph_err.is_some() => {}
            None if args.versions => mods.push(ModulePublic {
                path: arg.clone(),
                ..ModulePublic::default()
            }),
            None => mods.push(failed(arg, "", "not a known dependency")),
        }
    }
    for m in mods.iter_mut().filter(|m| m.error.is_none()) {
        if args.update {
            add_update(m);
            if let Some(r) = m.replace.as_deref_mut() {
                add_update(r);
            }
        }
        if args.versions {
            add_versions(m);
        }
    }
    Ok((mods, graph_err))
}

/// `list -m` outside any module: the synthetic `command-line-arguments`
/// module, `path@version` queries; everything else needs a go.mod.
fn no_module(
    patterns: &[String],
    args: &ListConfig,
) -> Result<(Vec<ModulePublic>, Option<String>)> {
    if patterns.is_empty() {
        let m = ModulePublic {
            path: crate::resolve::COMMAND_LINE_ARGUMENTS.into(),
            main: true,
            ..ModulePublic::default()
        };
        return Ok((vec![m], None));
    }
    check_args(patterns, false)?;
    let mut mods = Vec::new();
    for arg in patterns {
        match arg.split_once('@') {
            Some((path, vers)) => mods.push(query(path, vers)),
            None if args.versions => {
                let mut m = ModulePublic {
                    path: arg.clone(),
                    ..ModulePublic::default()
                };
                add_versions(&mut m);
                mods.push(m);
            }
            None => bail!(
                "cannot match {arg:?} without -versions or an explicit version: {NO_MOD_ROOT}"
            ),
        }
    }
    Ok((mods, None))
}

/// go's checks of `list -m` arguments (`modload.listModules`).
fn check_args(patterns: &[String], has_root: bool) -> Result<()> {
    for a in patterns {
        if a.contains('\\') {
            bail!("module paths never use backslash");
        }
        if is_relative_path(a) {
            bail!("cannot use relative path {a} to specify module");
        }
        if !has_root && (a == "all" || a.contains("...")) {
            bail!("cannot match {a:?}: {NO_MOD_ROOT}");
        }
    }
    Ok(())
}

/// go's `search.IsRelativePath`: `.`, `..`, `./x`, `../x`.
fn is_relative_path(p: &str) -> bool {
    p == "." || p == ".." || p.starts_with("./") || p.starts_with("../")
}

/// The listing of `path` at the selected `version` (go's `moduleInfo`
/// with the main module's requirements).
/// A version whose `.info` is not in the module cache has go's `Error`
/// (its `Query` would download it: `modfetch`'s place). As go's
/// `checksumOk`, unless `-mod=mod` the module cache's go.mod (and
/// `GoVersion`) is shown only with its go.sum line, and `Dir` with the
/// zip's (`sums`: the main modules' go.sum and go.work.sum lines).
fn info(mode: &ModuleMode, path: &str, version: &str, sums: Option<&Sums>) -> ModulePublic {
    let v = (!version.is_empty()).then_some(version);
    let mut m = ModulePublic::from(mode.module_info_at(path, v));
    if let Some(sums) = sums {
        let check = |x: &mut ModulePublic| {
            if x.version.is_empty() {
                return;
            }
            if !sums.contains(&format!("{} {}/go.mod", x.path, x.version)) {
                x.go_mod.clear();
                x.go_version.clear();
            }
            if !sums.contains(&format!("{} {}", x.path, x.version)) {
                x.dir.clear();
            }
        };
        match m.replace.as_deref_mut() {
            Some(r) if !r.version.is_empty() => {
                check(r);
                (m.dir, m.go_mod, m.go_version) =
                    (r.dir.clone(), r.go_mod.clone(), r.go_version.clone());
            }
            Some(_) => {}
            None => check(&mut m),
        }
    }
    if !m.main && m.replace.is_none() && !mode.vendor && !version.is_empty() {
        let info = mode.cached_mod_file(path, version).with_extension("info");
        // As go's `Query` of the version: the proxy's `.info` when the cache lacks it.
        let fetched = |f: &std::sync::Arc<crate::modfetch::Fetcher>| f.info(path, version);
        if !info.is_file() {
            let off = std::env::var("GOPROXY").is_ok_and(|p| p == "off");
            match mode.fetcher.as_ref().filter(|_| !off).map(fetched) {
                Some(Ok(i)) => m.time = i.time,
                Some(Err(e)) => {
                    m.error = Some(ModuleError {
                        err: format!("{e:#}"),
                    })
                }
                None => {
                    let text = crate::resolve::missing_text(&(path.into(), version.into()));
                    m.error = Some(ModuleError { err: text });
                }
            }
        }
    }
    m
}

/// A module that could not be listed, with go's `modinfoError` text
/// (`module PATH: …`, or `PATH@VERSION: …`).
fn failed(path: &str, version: &str, err: &str) -> ModulePublic {
    let text = if version.is_empty() {
        format!("module {path}: {err}")
    } else {
        format!("{path}@{version}: {err}")
    };
    ModulePublic {
        path: path.into(),
        version: version.into(),
        error: Some(ModuleError { err: text }),
        ..ModulePublic::default()
    }
}

/// `path@vers` (go's `queryReuse` then `moduleInfo` without
/// requirements, inside a module or not): a canonical version is read from the module cache
/// (its `.info`, `.mod` and extracted directory); any other query needs
/// the module's version list (`versions_of`).
fn query(path: &str, vers: &str) -> ModulePublic {
    if !is_canonical(vers) {
        return match versions_of(path) {
            Err(e) => failed(path, vers, &e),
            // `latest` (go's `Latest` query): resolved by the proxy, then
            // read as that version.
            Ok(_) if vers == "latest" => match fetcher().and_then(|f| {
                let info = crate::modfetch::query::latest(&f, path)?;
                f.info(path, &info.version)?;
                f.go_mod(path, &info.version)?;
                Ok(info.version)
            }) {
                Ok(v) => query(path, &v),
                Err(e) => failed(path, vers, &format!("{e:#}")),
            },
            // A branch, hash or other revision (go's `queryProxy` → `Stat`).
            Ok(_) => match fetcher().and_then(|f| {
                let info = crate::modfetch::query::revision(&f, path, vers)?;
                f.go_mod(path, &info.version)?;
                Ok(info.version)
            }) {
                Ok(v) => ModulePublic {
                    query: vers.into(),
                    ..query(path, &v)
                },
                Err(e) => failed(path, vers, &format!("{e:#}")),
            },
        };
    }
    let modcache = crate::resolve::modcache();
    let dl = modcache
        .join("cache/download")
        .join(crate::resolve::escape_path(path))
        .join("@v");
    let esc_v = crate::resolve::escape_path(vers);
    if !dl.join(format!("{esc_v}.info")).is_file() {
        // Not cached yet: fetched as go's `queryReuse` would (proxy or direct).
        if let Err(e) = fetcher().and_then(|f| {
            f.info(path, vers)?;
            f.go_mod(path, vers)
        }) {
            return failed(path, vers, &format!("{e:#}"));
        }
    }
    let Ok(info) = std::fs::read(dl.join(format!("{esc_v}.info"))) else {
        return failed(
            path,
            vers,
            &crate::resolve::missing_text(&(path.into(), vers.into())),
        );
    };
    let time = serde_json::from_slice::<serde_json::Value>(&info)
        .ok()
        .and_then(|v| Some(v.get("Time")?.as_str()?.to_string()))
        .unwrap_or_default();
    let gomod = dl.join(format!("{esc_v}.mod"));
    let dir = modcache.join(format!("{}@{esc_v}", crate::resolve::escape_path(path)));
    let go_version = std::fs::read_to_string(&gomod)
        .ok()
        .and_then(|t| crate::gomod::parse(&gomod, &t).ok())
        .and_then(|g| g.go)
        .unwrap_or_default();
    ModulePublic {
        path: path.into(),
        version: vers.into(),
        time,
        dir: if dir.is_dir() {
            dir.display().to_string()
        } else {
            String::new()
        },
        go_mod: if gomod.is_file() {
            gomod.display().to_string()
        } else {
            String::new()
        },
        go_version,
        ..ModulePublic::default()
    }
}

/// A canonical semantic version (`v1.2.3`, `v1.2.3-pre`, `+incompatible`):
/// what names one version rather than a query.
fn is_canonical(v: &str) -> bool {
    let Some(rest) = v.strip_prefix('v') else {
        return false;
    };
    let core = rest.split(['-', '+']).next().unwrap_or("");
    let nums: Vec<&str> = core.split('.').collect();
    nums.len() == 3
        && nums
            .iter()
            .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// `-versions`: the versions the proxy lists, in semver order.
fn add_versions(m: &mut ModulePublic) {
    match versions_of(&m.path) {
        Ok(mut v) => {
            v.sort_by(|a, b| crate::resolve::compare_versions(a, b));
            m.versions = v;
        }
        Err(e) => m.error = Some(ModuleError { err: e }),
    }
}

/// `-u`: the newest release above the module's version (else the newest
/// pre-release above it), as go's `addUpdate` with the `upgrade` query.
/// As go with `GOPROXY=off`, a version list that cannot be had adds
/// nothing (go ignores a disabled or missing lookup here).
fn add_update(m: &mut ModulePublic) {
    if m.version.is_empty() || m.main {
        return;
    }
    let Ok(list) = versions_of(&m.path) else {
        return;
    };
    let newer = |v: &&String| crate::resolve::compare_versions(v, &m.version).is_gt();
    let best = |pre: bool| {
        list.iter()
            .filter(newer)
            .filter(|v| pre || !v.contains('-'))
            .max_by(|a, b| crate::resolve::compare_versions(a, b))
            .cloned()
    };
    if let Some(v) = best(false).or_else(|| best(true)) {
        m.update = Some(Box::new(ModulePublic {
            path: m.path.clone(),
            version: v,
            ..ModulePublic::default()
        }));
    }
}

/// The versions of module `path` that the module proxy lists
/// (`GOPROXY/<path>/@v/list`, through `modfetch`), in semver order;
/// `GOPROXY=off` gives go's words.
///
/// Errors: the message for the module's `Error`.
pub fn versions_of(path: &str) -> std::result::Result<Vec<String>, String> {
    if std::env::var("GOPROXY").is_ok_and(|p| p == "off") {
        return Err("module lookup disabled by GOPROXY=off".into());
    }
    let f = fetcher().map_err(|e| format!("{e:#}"))?;
    crate::modfetch::query::versions(&f, path).map_err(|e| format!("{e:#}"))
}

/// A fetcher for version lists and queries: the module cache and the go
/// command's GOPROXY … variables; no go.sum (a list is not verified, as
/// go's `@v/list` is not).
fn fetcher() -> anyhow::Result<crate::modfetch::Fetcher> {
    crate::modfetch::Fetcher::new(
        crate::resolve::modcache(),
        crate::modfetch::Env::from_env(),
        crate::modfetch::gosum::GoSum::default(),
        false,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_versions_are_not_queries() {
        assert!(is_canonical("v1.2.3"));
        assert!(is_canonical("v0.0.0-20220101000000-abcdefabcdef"));
        assert!(is_canonical("v2.0.0+incompatible"));
        assert!(!is_canonical("latest"));
        assert!(!is_canonical("v1"));
        assert!(!is_canonical("v1.2"));
        assert!(!is_canonical("master"));
    }

    #[test]
    fn errors_name_the_module_as_go() {
        assert_eq!(
            failed("x.org/a", "", "not a known dependency")
                .error
                .unwrap()
                .err,
            "module x.org/a: not a known dependency"
        );
        assert_eq!(
            failed("x.org/a", "latest", "module lookup disabled by GOPROXY=off")
                .error
                .unwrap()
                .err,
            "x.org/a@latest: module lookup disabled by GOPROXY=off"
        );
    }
}
