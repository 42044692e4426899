//! `gccgo-build mod download [-json] [-x] [modules]`: the go command's
//! `go mod download` (cmd/go/internal/modcmd/download.go) over `modfetch`:
//! with no module named, the main module's requirements (go ≥ 1.17; else
//! the whole build list); `path@version`, `path` (its selected version) or
//! `all`. go.sum gains the hashes of what was downloaded.

use std::path::Path;

use anyhow::{Result, bail};
use clap::Args;

use crate::modfetch::gosum::GoSum;
use crate::modfetch::{Env, Fetcher, dirhash};
use crate::resolve::{Mode, Resolver};

/// `gccgo-build mod` flags (only `download` is a mod command here).
#[derive(Debug, Args)]
pub struct ModArgs {
    /// The mod command: `download`.
    #[arg(value_name = "COMMAND")]
    pub command: String,
    /// Print one JSON object per module (Path, Version, Info, GoMod, Zip, Dir, Sum, GoModSum, Error), as `go mod download -json`.
    #[arg(long)]
    pub json: bool,
    /// Print each fetch (`# get URL`) as the go command does.
    #[arg(short = 'x')]
    pub x: bool,
    /// Modules: `path@version`, `path` (its version in the build list) or `all`; default: the main module's requirements.
    #[arg(value_name = "MODULES")]
    pub modules: Vec<String>,
}

/// One module's `go mod download -json` object (`moduleJSON`).
#[derive(Debug, Default, serde::Serialize)]
struct ModuleJson {
    #[serde(rename = "Path")]
    path: String,
    #[serde(rename = "Version")]
    version: String,
    /// The query given (`path@branch`) when it was not the version itself.
    #[serde(rename = "Query", skip_serializing_if = "String::is_empty")]
    query: String,
    #[serde(rename = "Error", skip_serializing_if = "String::is_empty")]
    error: String,
    #[serde(rename = "Info", skip_serializing_if = "String::is_empty")]
    info: String,
    #[serde(rename = "GoMod", skip_serializing_if = "String::is_empty")]
    go_mod: String,
    #[serde(rename = "Zip", skip_serializing_if = "String::is_empty")]
    zip: String,
    #[serde(rename = "Dir", skip_serializing_if = "String::is_empty")]
    dir: String,
    #[serde(rename = "Sum", skip_serializing_if = "String::is_empty")]
    sum: String,
    #[serde(rename = "GoModSum", skip_serializing_if = "String::is_empty")]
    go_mod_sum: String,
}

/// Runs `mod download`; exit status 1 when a module failed (each failure
/// printed as go does, `go: path@version: error`, or in its JSON object).
///
/// Errors: an unknown mod command, a module argument that names no
/// version outside a module, a go.mod graph that cannot be loaded.
pub fn main(cwd: &Path, args: &ModArgs) -> Result<i32> {
    if args.command != "download" {
        bail!(
            "mod {}: unknown mod command; gccgo-build has `mod download` only (use the go \
             command for the others)",
            args.command
        );
    }
    crate::modfetch::set_trace(args.x);
    let (fetcher, wanted) = targets(cwd, &args.modules)?;
    let results = crate::par::map(&wanted, 8, "downloading modules", |(p, v)| {
        Ok(one(&fetcher, p, v))
    });
    let mut failed = false;
    for m in results.into_iter().flatten() {
        if !m.error.is_empty() {
            failed = true;
            if !args.json {
                eprintln!("gccgo-build: {}", m.error);
            }
        }
        if args.json {
            println!("{}", to_go_json(&m)?);
        }
    }
    fetcher.save_go_sum()?;
    Ok(i32::from(failed))
}

/// The fetcher and the (path, version) pairs the arguments name.
fn targets(cwd: &Path, modules: &[String]) -> Result<(Fetcher, Vec<(String, String)>)> {
    let resolver = Resolver::for_dir(cwd, Default::default(), "mod")?;
    let Mode::Module(mm) = resolver.mode else {
        let f = Fetcher::new(
            crate::resolve::modcache(),
            Env::from_env(),
            GoSum::default(),
            false,
        )?;
        let mut out = Vec::new();
        for m in modules {
            let Some((p, v)) = m.split_once('@') else {
                bail!("go: cannot match {m:?}: not in a module (name a version: {m}@v1.2.3)");
            };
            out.push((p.to_string(), v.to_string()));
        }
        return Ok((f, out));
    };
    let fetcher = match &mm.fetcher {
        Some(f) => Fetcher::new(
            mm.modcache.clone(),
            Env::from_env(),
            f.sums.lock().map(|s| s.clone()).unwrap_or_default(),
            false,
        )?,
        None => bail!("go: -mod=vendor: mod download has nothing to download from vendor/"),
    };
    let go117 = mm.first().go_version().is_some_and(|v| v >= (1, 17));
    let mut out = Vec::new();
    if modules.is_empty() && go117 {
        for r in mm.mains.iter().flat_map(|m| &m.require) {
            if let Some(v) = mm.build_list.get(&r.path) {
                out.push((r.path.clone(), v.clone()));
            }
        }
    } else if modules.is_empty() || modules.iter().any(|m| m == "all") {
        out.extend(mm.build_list.iter().map(|(p, v)| (p.clone(), v.clone())));
    }
    for m in modules.iter().filter(|m| *m != "all") {
        match m.split_once('@') {
            Some((p, v)) => out.push((p.to_string(), v.to_string())),
            None => match mm.build_list.get(m) {
                Some(v) => out.push((m.clone(), v.clone())),
                None => bail!("go: module {m}: not a known dependency"),
            },
        }
    }
    out.sort();
    out.dedup();
    Ok((fetcher, out))
}

/// Downloads one module, resolving `latest`, and describes it.
fn one(f: &Fetcher, path: &str, version: &str) -> ModuleJson {
    let mut m = ModuleJson {
        path: path.to_string(),
        version: version.to_string(),
        ..ModuleJson::default()
    };
    let r = (|| -> Result<()> {
        if version == "latest" {
            m.version = crate::modfetch::query::latest(f, path)?.version;
        } else if !crate::modfetch::query::is_canonical(version) {
            m.version = crate::modfetch::query::revision(f, path, version)?.version;
            m.query = version.to_string();
        }
        let v = m.version.clone();
        let go_mod = f.go_mod(path, &v)?;
        m.go_mod_sum = dirhash::hash_go_mod(&go_mod);
        m.go_mod = f.cache.file(path, &v, "mod").display().to_string();
        f.info(path, &v)?;
        m.info = f.cache.file(path, &v, "info").display().to_string();
        let dir = f.download(path, &v)?;
        m.zip = f.cache.file(path, &v, "zip").display().to_string();
        m.dir = dir.display().to_string();
        m.sum = String::from_utf8_lossy(&f.cache.read(path, &v, "ziphash").unwrap_or_default())
            .trim()
            .to_string();
        Ok(())
    })();
    if let Err(e) = r {
        m.error = format!("{e:#}");
    }
    m
}

/// JSON as the go command prints it (`json.MarshalIndent` with a tab).
fn to_go_json(m: &ModuleJson) -> Result<String> {
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"\t");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    serde::Serialize::serialize(m, &mut ser)?;
    Ok(String::from_utf8_lossy(&buf).into_owned())
}
